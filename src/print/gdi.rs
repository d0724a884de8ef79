//! How a page drawn by packbench goes onto an ordinary Windows printer: the arithmetic of it,
//! apart from the Windows calls (`winspool`), so it is tested on every system.
//!
//! The route: Windows gives each printer a device context (GDI) whatever its driver; packbench
//! draws the page itself (`raster`) at the printer's own resolution, in one bit a dot, and hands
//! it over in bands with `StretchDIBits`. No PDF reader is needed on the PC and every driver
//! takes a bitmap, so it works on a stock Windows 10/11 (a printer that reads PDF is rare in a
//! shop). Barcodes stay exact: at the printer's resolution every bar edge is a whole dot.

use super::raster::{Mono, pixels};

/// What a printer's device context says about its paper (`GetDeviceCaps`), in its dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeviceCaps {
    /// `LOGPIXELSX`, `LOGPIXELSY`: dots an inch across and down.
    pub dpi_x: u32,
    pub dpi_y: u32,
    /// `PHYSICALOFFSETX`, `PHYSICALOFFSETY`: the paper's edge to the printable area, whose
    /// corner is the device context's (0, 0).
    pub offset_x: i32,
    pub offset_y: i32,
}

/// The most dots an inch packbench draws a page at: a 1200-dpi laser gets a 600-dpi picture
/// stretched two to one (bars stay whole dots), not four times the pixels.
pub const MAX_DPI: u32 = 600;

/// The most pixels drawn at once: a band of an A4 page at 600 dpi is about 1,600 rows, 32 MB
/// while it is drawn, 1 MB as it goes to the printer.
pub const BAND_PIXELS: u32 = 8 << 20;

/// Where and how big one page goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PagePlan {
    /// The resolution the page is drawn at: the printer's, or a whole fraction of it.
    pub dpi: u32,
    /// The drawn page in pixels.
    pub width: u32,
    pub height: u32,
    /// Rows drawn and sent at a time.
    pub band_rows: u32,
    /// The page's top-left corner in device dots: the paper's corner, so the page lands where
    /// it would on a sheet of its own size whatever margin the printer keeps.
    pub x: i32,
    pub y: i32,
}

impl PagePlan {
    /// A page of `width_mm` × `height_mm` on the printer `caps` describes.
    pub fn new(width_mm: f32, height_mm: f32, caps: &DeviceCaps) -> PagePlan {
        let device = caps.dpi_x.max(1);
        let dpi = device / device.div_ceil(MAX_DPI);
        let width = pixels(width_mm, dpi);
        let height = pixels(height_mm, dpi);
        PagePlan {
            dpi,
            width,
            height,
            band_rows: (BAND_PIXELS / width.max(1)).clamp(1, height),
            x: -caps.offset_x,
            y: -caps.offset_y,
        }
    }

    /// The device rectangle (x, y, width, height) of the rows `top..top + rows`: each drawn
    /// pixel is a whole number of dots across; down, the bands meet without a gap or overlap
    /// even where the printer's two resolutions differ.
    pub fn band_rect(&self, caps: &DeviceCaps, top: u32, rows: u32) -> (i32, i32, i32, i32) {
        let across = caps.dpi_x.max(1) / self.dpi;
        let down = |row: u32| (u64::from(row) * u64::from(caps.dpi_y) / u64::from(self.dpi)) as i32;
        let y0 = down(top);
        let y1 = down(top + rows);
        (self.x, self.y + y0, (self.width * across) as i32, y1 - y0)
    }
}

/// The paper a page asks the driver for (`DEVMODE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// One of the driver's own papers (`DMPAPER_*`, or a form the driver numbers itself, as a
    /// thermal printer's "100 x 180 mm"): what every driver prints at its true size.
    Form(u16),
    /// A size of the user's own in tenths of a millimetre (`DMPAPER_USER`), for a driver with
    /// no paper of that size.
    Custom { width: i16, length: i16 },
}

/// `DMPAPER_A4`.
pub const DMPAPER_A4: u16 = 9;

/// How far a driver's paper may be from the page, in tenths of a millimetre: drivers round
/// their sizes (A4 is 2100 × 2970, a "4 x 6 in" label 1016 × 1524).
const PAPER_SLACK: i32 = 15;

impl Paper {
    /// The paper for a page of `width_mm` × `height_mm` among the driver's `papers` (their
    /// numbers and sizes upright in tenths of a millimetre, `DeviceCapabilities`' `DC_PAPERS`
    /// and `DC_PAPERSIZE`): the closest that fits within `PAPER_SLACK`, else a size of our own.
    /// A driver that lists nothing still knows A4 by its number.
    pub fn choose(width_mm: f32, height_mm: f32, papers: &[(u16, i32, i32)]) -> Paper {
        let tenths = |mm: f32| (mm * 10.0).round().clamp(1.0, f32::from(i16::MAX)) as i32;
        let (w, h) = (tenths(width_mm), tenths(height_mm));
        let best = papers
            .iter()
            .map(|&(id, pw, ph)| (id, (pw - w).abs().max((ph - h).abs())))
            .filter(|&(_, off)| off <= PAPER_SLACK)
            .min_by_key(|&(_, off)| off);
        match best {
            Some((id, _)) => Paper::Form(id),
            None if papers.is_empty() && (w - 2100).abs() <= 5 && (h - 2970).abs() <= 5 => {
                Paper::Form(DMPAPER_A4)
            }
            None => Paper::Custom {
                width: w as i16,
                length: h as i16,
            },
        }
    }
}

/// The header and palette of a one-bit bitmap (`BITMAPINFO`), bottom-up as every driver takes
/// it: palette entry 0 white, 1 black, as `Mono`'s bits.
pub fn dib_header(width: u32, rows: u32) -> [u8; 48] {
    let mut h = [0u8; 48];
    let row_bytes = dib_row_bytes(width);
    h[0..4].copy_from_slice(&40u32.to_le_bytes()); // biSize
    h[4..8].copy_from_slice(&(width as i32).to_le_bytes());
    h[8..12].copy_from_slice(&(rows as i32).to_le_bytes()); // positive: bottom-up
    h[12..14].copy_from_slice(&1u16.to_le_bytes()); // biPlanes
    h[14..16].copy_from_slice(&1u16.to_le_bytes()); // biBitCount
    // biCompression 0 (BI_RGB) is already there.
    h[20..24].copy_from_slice(&(row_bytes * rows).to_le_bytes()); // biSizeImage
    h[32..36].copy_from_slice(&2u32.to_le_bytes()); // biClrUsed
    h[40..44].copy_from_slice(&[255, 255, 255, 0]); // white
    h[44..48].copy_from_slice(&[0, 0, 0, 0]); // black
    h
}

/// Bytes in a bitmap row: whole 32-bit words.
pub fn dib_row_bytes(width: u32) -> u32 {
    width.div_ceil(32) * 4
}

/// `band`'s bits as a bottom-up one-bit bitmap: rows in reverse, each padded to 32 bits.
pub fn dib_bits(band: &Mono) -> Vec<u8> {
    let stride = dib_row_bytes(band.width) as usize;
    let mut out = vec![0u8; stride * band.height as usize];
    for (i, y) in (0..band.height).rev().enumerate() {
        out[i * stride..i * stride + band.row_bytes as usize].copy_from_slice(band.row(y));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caps(dpi_x: u32, dpi_y: u32, offset: i32) -> DeviceCaps {
        DeviceCaps {
            dpi_x,
            dpi_y,
            offset_x: offset,
            offset_y: offset,
        }
    }

    #[test]
    fn a_page_is_drawn_at_the_printers_own_dots() {
        // A 203-dpi thermal waybill printer: the page as TSPL would draw it, 800 × 1439.
        let p = PagePlan::new(100.0, 180.0, &caps(203, 203, 0));
        assert_eq!((p.dpi, p.width, p.height), (203, 800, 1439));
        assert_eq!(p.band_rows, 1439);
        assert_eq!(p.band_rect(&caps(203, 203, 0), 0, 1439), (0, 0, 800, 1439));
        // A 600-dpi laser with its 4.2 mm margin: the page starts at the paper's corner.
        let c = caps(600, 600, 100);
        let p = PagePlan::new(210.0, 297.0, &c);
        assert_eq!((p.dpi, p.width, p.height), (600, 4961, 7016));
        assert_eq!((p.x, p.y), (-100, -100));
        assert!(p.band_rows * p.width <= BAND_PIXELS && p.band_rows > 1000);
    }

    #[test]
    fn a_printer_above_600_dpi_gets_a_picture_stretched_by_whole_dots() {
        let c = caps(1200, 1200, 0);
        let p = PagePlan::new(100.0, 180.0, &c);
        assert_eq!(p.dpi, 600);
        let (_, _, w, h) = p.band_rect(&c, 0, p.height);
        assert_eq!((w as u32, h as u32), (p.width * 2, p.height * 2));
        assert_eq!(PagePlan::new(10.0, 10.0, &caps(2400, 2400, 0)).dpi, 600);
        assert_eq!(PagePlan::new(10.0, 10.0, &caps(720, 720, 0)).dpi, 360);
    }

    /// Bands meet: each starts where the one before ended, also at 600 × 1200 dpi.
    #[test]
    fn bands_meet_without_a_gap() {
        for c in [caps(600, 1200, 50), caps(300, 300, 0), caps(203, 203, 12)] {
            let p = PagePlan::new(210.0, 297.0, &c);
            let p = PagePlan {
                band_rows: 333,
                ..p
            };
            let mut next = p.y;
            let mut top = 0;
            while top < p.height {
                let rows = p.band_rows.min(p.height - top);
                let (_, y, _, h) = p.band_rect(&c, top, rows);
                assert_eq!(y, next);
                next = y + h;
                top += rows;
            }
            let whole = (297.0 / 25.4 * c.dpi_y as f32) as i32;
            assert!((next - p.y - whole).abs() <= 2 * (c.dpi_y / p.dpi) as i32);
        }
    }

    #[test]
    fn paper_is_the_drivers_own_of_that_size_else_a_size_of_our_own() {
        // A thermal waybill printer's driver: its forms, numbered by itself.
        let thermal = [
            (256, 1000, 1500),
            (257, 1000, 1800),
            (258, 760, 1300),
            (9, 2100, 2970),
        ];
        assert_eq!(Paper::choose(100.0, 180.0, &thermal), Paper::Form(257));
        assert_eq!(Paper::choose(76.0, 130.0, &thermal), Paper::Form(258));
        assert_eq!(Paper::choose(210.0, 297.0, &thermal), Paper::Form(9));
        // An office laser: A4, Letter, A5; a waybill gets its own size, not the nearest sheet.
        let laser = [(9, 2100, 2970), (1, 2159, 2794), (11, 1480, 2100)];
        assert_eq!(Paper::choose(210.0, 297.0, &laser), Paper::Form(9));
        assert_eq!(
            Paper::choose(100.0, 180.0, &laser),
            Paper::Custom {
                width: 1000,
                length: 1800
            }
        );
        // Rounded sizes still match, the closest first; a landscape form is not the page.
        let rounded = [(30, 1016, 1524), (31, 1000, 1500), (32, 1500, 1000)];
        assert_eq!(Paper::choose(100.0, 150.0, &rounded), Paper::Form(31));
        assert_eq!(Paper::choose(101.6, 152.4, &rounded), Paper::Form(30));
        // A driver that lists nothing: A4 by its number, anything else by size.
        assert_eq!(Paper::choose(210.0, 297.0, &[]), Paper::Form(DMPAPER_A4));
        assert_eq!(
            Paper::choose(40.0, 30.0, &[]),
            Paper::Custom {
                width: 400,
                length: 300
            }
        );
    }

    #[test]
    fn a_bitmap_is_bottom_up_with_rows_of_whole_words() {
        // 10 × 3: row 0 has its first dot black, row 2 its last.
        let m = Mono {
            width: 10,
            height: 3,
            row_bytes: 2,
            bits: vec![0x80, 0, 0, 0, 0, 0x40],
        };
        let bits = dib_bits(&m);
        assert_eq!(dib_row_bytes(10), 4);
        assert_eq!(bits, vec![0, 0x40, 0, 0, 0, 0, 0, 0, 0x80, 0, 0, 0]);
        let h = dib_header(10, 3);
        assert_eq!(i32::from_le_bytes(h[4..8].try_into().unwrap()), 10);
        assert_eq!(i32::from_le_bytes(h[8..12].try_into().unwrap()), 3);
        assert_eq!(u16::from_le_bytes(h[14..16].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(h[20..24].try_into().unwrap()), 12);
        assert_eq!(&h[40..48], &[255, 255, 255, 0, 0, 0, 0, 0]);
    }
}
