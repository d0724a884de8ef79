//! A page drawn as pixels by packbench itself, from its `Drawing` (the marks the PDF was made
//! of): no PDF renderer, so it works where there is no poppler (Windows), for the preview, a
//! printer driven through GDI, and thermal printers fed bitmaps (`raw::tspl_pages`).
//!
//! Text is the embedded font's outlines (ttf-parser) filled with anti-aliasing (tiny-skia), at
//! the advances the PDF uses. Barcode bars are set pixel by pixel, never anti-aliased: at the
//! layout's own resolution each bar edge is a whole printer dot, as in the PDF, so the bars scan.

use super::canvas::{Drawing, Mark};
use super::font::{CJK_FONT, face};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, PathBuilder, Pixmap, Rect, Stroke, Transform};

/// One page in grey, one byte a pixel (0 black, 255 white), rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GreyPage {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl GreyPage {
    /// Four bytes a pixel, as image widgets take them.
    pub fn rgba(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.pixels.len() * 4);
        for &g in &self.pixels {
            out.extend_from_slice(&[g, g, g, 255]);
        }
        out
    }

    /// The pixel at `(x, y)`.
    pub fn at(&self, x: u32, y: u32) -> u8 {
        self.pixels[(y * self.width + x) as usize]
    }

    /// As a binary PGM (`P5`): what poppler and zbar read and write.
    pub fn pgm(&self) -> Vec<u8> {
        let mut out = format!("P5\n{} {}\n255\n", self.width, self.height).into_bytes();
        out.extend_from_slice(&self.pixels);
        out
    }

    /// A binary PGM (`P5`, 8-bit) as pdftoppm writes it.
    pub fn from_pgm(data: &[u8]) -> Option<GreyPage> {
        let mut fields = Vec::with_capacity(4);
        let mut i = 0;
        while fields.len() < 4 {
            while data.get(i)?.is_ascii_whitespace() {
                i += 1;
            }
            if data[i] == b'#' {
                while *data.get(i)? != b'\n' {
                    i += 1;
                }
                continue;
            }
            let start = i;
            while !data.get(i)?.is_ascii_whitespace() {
                i += 1;
            }
            fields.push(std::str::from_utf8(&data[start..i]).ok()?);
        }
        // One whitespace byte separates the header from the pixels.
        i += 1;
        if fields[0] != "P5" || fields[3] != "255" {
            return None;
        }
        let width: u32 = fields[1].parse().ok()?;
        let height: u32 = fields[2].parse().ok()?;
        let pixels = data.get(i..i + (width * height) as usize)?.to_vec();
        Some(GreyPage {
            width,
            height,
            pixels,
        })
    }
}

/// Grey values below this are black in a one-bit picture: a pixel at least half covered by a
/// black mark (anti-aliased text edges) prints, one less than half covered does not. Bars are
/// pure black or white already.
pub const MONO_THRESHOLD: u8 = 128;

/// A page in one bit a pixel, as label printers take pictures: 1 is black, the most
/// significant bit of a byte is its leftmost pixel, and every row is padded to whole bytes
/// (with white).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mono {
    pub width: u32,
    pub height: u32,
    /// Bytes a row: `width` rounded up to a multiple of 8, over 8.
    pub row_bytes: u32,
    pub bits: Vec<u8>,
}

impl Mono {
    pub fn is_black(&self, x: u32, y: u32) -> bool {
        let byte = self.bits[(y * self.row_bytes + x / 8) as usize];
        byte & (0x80 >> (x % 8)) != 0
    }

    /// The row `y`'s bytes.
    pub fn row(&self, y: u32) -> &[u8] {
        let start = (y * self.row_bytes) as usize;
        &self.bits[start..start + self.row_bytes as usize]
    }
}

/// `page` in one bit a pixel: black below `MONO_THRESHOLD`.
pub fn mono(page: &GreyPage) -> Mono {
    let row_bytes = page.width.div_ceil(8);
    let mut bits = vec![0u8; (row_bytes * page.height) as usize];
    for (y, row) in page
        .pixels
        .chunks_exact(page.width.max(1) as usize)
        .enumerate()
    {
        let out = &mut bits[y * row_bytes as usize..(y + 1) * row_bytes as usize];
        for (x, &g) in row.iter().enumerate() {
            if g < MONO_THRESHOLD {
                out[x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    Mono {
        width: page.width,
        height: page.height,
        row_bytes,
        bits,
    }
}

/// The size in pixels of a page of `mm` at `dpi`: rounded up, as poppler does, so the two
/// agree pixel for pixel.
pub fn pixels(mm: f32, dpi: u32) -> u32 {
    let exact = f64::from(mm) / 25.4 * f64::from(dpi);
    // Float noise must not add a column to a page that is a whole number of pixels.
    (exact - 1e-4).ceil().max(1.0) as u32
}

/// The embedded font as ttf-parser reads it, for its glyph outlines.
fn outlines() -> &'static ttf_parser::Face<'static> {
    static FACE: OnceLock<ttf_parser::Face<'static>> = OnceLock::new();
    FACE.get_or_init(|| ttf_parser::Face::parse(CJK_FONT, 0).expect("the embedded CJK font parses"))
}

/// A glyph's outline in font units (y up).
struct Outline(PathBuilder);

impl ttf_parser::OutlineBuilder for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.0.move_to(x, y);
    }
    fn line_to(&mut self, x: f32, y: f32) {
        self.0.line_to(x, y);
    }
    fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
        self.0.quad_to(x1, y1, x, y);
    }
    fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
        self.0.cubic_to(x1, y1, x2, y2, x, y);
    }
    fn close(&mut self) {
        self.0.close();
    }
}

thread_local! {
    /// Glyph outlines already read (a page repeats its characters; a run repeats its pages).
    /// `None`: a glyph with no outline (a space).
    static GLYPHS: RefCell<HashMap<u16, Option<tiny_skia::Path>>> = RefCell::new(HashMap::new());
}

/// Draws `page` at `dpi` (pixels an inch), white paper and black marks.
pub fn render(page: &Drawing, dpi: u32) -> GreyPage {
    render_rows(page, dpi, 0, pixels(page.height_mm, dpi))
}

/// Rows `top..top + rows` of `page` drawn at `dpi`: those rows of `render`, bars and rules
/// exactly, anti-aliased edges to a sub-sample. An A4 page at a laser printer's 600 dpi is 35 million pixels, so it goes to the
/// printer a band at a time.
pub fn render_rows(page: &Drawing, dpi: u32, top: u32, rows: u32) -> GreyPage {
    let width = pixels(page.width_mm, dpi);
    let page_height = pixels(page.height_mm, dpi);
    let height = rows.min(page_height.saturating_sub(top)).max(1);
    let mut pix = Pixmap::new(width, height).expect("a band is a few thousand pixels a side");
    pix.fill(tiny_skia::Color::WHITE);
    let px_per_mm = dpi as f32 / 25.4;
    // The band's first row is row 0 of the pixmap: every mark moves up by a whole number of
    // rows, so anti-aliased edges come out as in the whole page.
    let up = top as f32;
    let mm = Transform::from_scale(px_per_mm, px_per_mm).post_translate(0.0, -up);
    let black = paint(0.0, true);
    // The page's bottom edge in pixels, not rounded: PDF y runs up from it.
    let bottom_px = page.height_mm * px_per_mm;
    for mark in &page.marks {
        match mark {
            Mark::Text {
                x_mm,
                baseline_mm,
                size_pt,
                text,
            } => draw_text(
                &mut pix,
                &black,
                x_mm * px_per_mm,
                baseline_mm * px_per_mm,
                up,
                size_pt * dpi as f32 / 72.0,
                text,
            ),
            Mark::Fill {
                x_mm,
                top_mm,
                w_mm,
                h_mm,
                grey,
            } => {
                if let Some(r) = Rect::from_xywh(*x_mm, *top_mm, *w_mm, *h_mm) {
                    pix.fill_rect(r, &paint(*grey, true), mm, None);
                }
            }
            Mark::Line {
                from_mm,
                to_mm,
                thickness_mm,
            } => {
                let mut p = PathBuilder::new();
                p.move_to(from_mm.0, from_mm.1);
                p.line_to(to_mm.0, to_mm.1);
                if let Some(path) = p.finish() {
                    pix.stroke_path(&path, &black, &stroke(*thickness_mm), mm, None);
                }
            }
            Mark::Frame {
                x_mm,
                top_mm,
                w_mm,
                h_mm,
                thickness_mm,
            } => {
                if let Some(r) = Rect::from_xywh(*x_mm, *top_mm, *w_mm, *h_mm) {
                    let path = PathBuilder::from_rect(r);
                    pix.stroke_path(&path, &black, &stroke(*thickness_mm), mm, None);
                }
            }
            Mark::Bars {
                dpi: grid,
                left_dots,
                bottom_dots,
                height_dots,
                bars,
            } => {
                // Dots of the layout's printer to pixels here: the same at the same resolution;
                // at another, every edge is rounded to a whole pixel (no grey edge).
                let k = dpi as f32 / *grid as f32;
                let bottom = (bottom_px - bottom_dots * k).round();
                let top = (bottom_px - (bottom_dots + height_dots) * k).round();
                let (top, bottom) = (top - up, bottom - up);
                let (top, bottom) = (top.max(0.0) as u32, (bottom.max(0.0) as u32).min(height));
                for &(start, len) in bars {
                    let x0 = ((left_dots + start) as f32 * k).round() as u32;
                    let x1 = (((left_dots + start + len) as f32 * k).round() as u32).min(width);
                    fill_black(&mut pix, x0, x1, top, bottom);
                }
            }
        }
    }
    // Grey paint on white: the red channel is the grey.
    let pixels = pix.data().chunks_exact(4).map(|p| p[0]).collect();
    GreyPage {
        width,
        height,
        pixels,
    }
}

fn paint(grey: f32, anti_alias: bool) -> Paint<'static> {
    let g = (grey.clamp(0.0, 1.0) * 255.0).round() as u8;
    let mut p = Paint::default();
    p.set_color_rgba8(g, g, g, 255);
    p.anti_alias = anti_alias;
    p
}

/// A PDF stroke as printpdf writes one: butt ends, mitred corners.
fn stroke(thickness_mm: f32) -> Stroke {
    Stroke {
        width: thickness_mm,
        line_cap: LineCap::Butt,
        line_join: LineJoin::Miter,
        ..Stroke::default()
    }
}

/// Pixels `[x0, x1) × [y0, y1)` black, exactly.
fn fill_black(pix: &mut Pixmap, x0: u32, x1: u32, y0: u32, y1: u32) {
    let w = pix.width() as usize;
    let data = pix.data_mut();
    for y in y0 as usize..y1 as usize {
        let row = &mut data[(y * w + x0 as usize) * 4..(y * w + x1.max(x0) as usize) * 4];
        for p in row.chunks_exact_mut(4) {
            p.copy_from_slice(&[0, 0, 0, 255]);
        }
    }
}

/// One line of text: each glyph at the advance the layouts measure with and the PDF uses, its
/// origin snapped to the pixel grid (less than a pixel: 0.13 mm at 203 dpi).
fn draw_text(
    pix: &mut Pixmap,
    black: &Paint,
    x_px: f32,
    base_px: f32,
    up: f32,
    size_px: f32,
    text: &str,
) {
    let face = face();
    let outlines = outlines();
    let em = size_px / f32::from(outlines.units_per_em().max(1));
    let mut x = x_px;
    GLYPHS.with_borrow_mut(|cache| {
        for c in text.chars() {
            // As the PDF: a character without a glyph (a line break) is not drawn and takes
            // no room. `printable` made every other missing character a `？`.
            let Some((gid, _)) = face.glyph(c) else {
                continue;
            };
            let path = cache.entry(gid).or_insert_with(|| {
                let mut o = Outline(PathBuilder::new());
                outlines.outline_glyph(ttf_parser::GlyphId(gid), &mut o)?;
                o.0.finish()
            });
            if let Some(path) = path {
                // The origin down to a whole pixel, as poppler (Splash) places glyphs: the
                // preview and a PDF viewer agree, and a baseline stays one row.
                let at = Transform::from_row(em, 0.0, 0.0, -em, x.floor(), base_px.floor() - up);
                pix.fill_path(path, black, FillRule::Winding, at, None);
            }
            x += face.advance_em(c) * size_px;
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::barcode::{Dpi, code128};
    use crate::print::canvas::PdfBuilder;

    #[test]
    fn a_pgm_is_read_and_written() {
        let mut data = b"P5\n# by hand\n3 2\n255\n".to_vec();
        data.extend_from_slice(&[0, 128, 255, 1, 2, 3]);
        let p = GreyPage::from_pgm(&data).unwrap();
        assert_eq!((p.width, p.height), (3, 2));
        assert_eq!(p.pixels, vec![0, 128, 255, 1, 2, 3]);
        assert_eq!(&p.rgba()[4..8], &[128, 128, 128, 255]);
        assert_eq!(GreyPage::from_pgm(&p.pgm()), Some(p));
        assert_eq!(GreyPage::from_pgm(b"P5\n3 2\n255\n\0\0"), None);
        assert_eq!(GreyPage::from_pgm(b"P6\n1 1\n255\n\0\0\0"), None);
        assert_eq!(GreyPage::from_pgm(b""), None);
    }

    #[test]
    fn pages_are_as_many_pixels_as_poppler_makes_them() {
        // pdftoppm -r 203: 100×180 mm is 800×1439 (799.2 × 1438.6), A4 1679×2374.
        assert_eq!((pixels(100.0, 203), pixels(180.0, 203)), (800, 1439));
        assert_eq!((pixels(210.0, 203), pixels(297.0, 203)), (1679, 2374));
        assert_eq!(pixels(25.4, 300), 300);
    }

    #[test]
    fn mono_rows_are_padded_and_black_is_one() {
        let g = GreyPage {
            width: 10,
            height: 2,
            pixels: vec![
                0, 255, 127, 128, 255, 255, 255, 255, 255, 0, //
                255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
            ],
        };
        let m = mono(&g);
        assert_eq!(m.row_bytes, 2);
        assert_eq!(m.bits, vec![0b1010_0000, 0b0100_0000, 0, 0]);
        assert!(m.is_black(0, 0) && m.is_black(2, 0) && !m.is_black(3, 0) && m.is_black(9, 0));
    }

    /// Bars land on whole dots: every column of a bar is pure black or pure white, and the
    /// widths are the modules' dots.
    #[test]
    fn bars_are_whole_dots_without_grey() {
        let mut b = PdfBuilder::new("t");
        let mut c = b.canvas(60.0, 20.0, Dpi::D203);
        let sym = code128("7700000001").unwrap();
        let (left, right) = c.barcode(&sym, 3.3, 2.0, 10.0, 2);
        b.push(c);
        let doc = b.finish_document();
        let g = render(&doc.pages[0], 203);
        let y = pixels(7.0, 203);
        let row: Vec<u8> = (0..g.width).map(|x| g.at(x, y)).collect();
        assert!(row.iter().all(|&p| p == 0 || p == 255));
        let x0 = (left / Dpi::D203.dot_mm()).round() as usize;
        let x1 = (right / Dpi::D203.dot_mm()).round() as usize;
        let got: Vec<u8> = row[x0..x1].iter().map(|&p| u8::from(p == 0)).collect();
        let want: Vec<u8> = sym.modules.iter().flat_map(|&m| [m, m]).collect();
        assert_eq!(got, want);
        assert!(row[..x0].iter().chain(&row[x1..]).all(|&p| p == 255));
    }

    /// A page drawn band by band is the page drawn whole, pixel for pixel, wherever the bands
    /// cut text, rules and bars.
    #[test]
    fn bands_make_the_whole_page() {
        let mut b = PdfBuilder::new("t");
        let mut c = b.canvas(60.0, 30.0, Dpi::D203);
        c.text(3.0, 6.0, 14.0, "中通 ZTO 7700000001");
        c.line(2.0, 9.0, 58.0, 9.0, 0.4);
        c.frame(1.0, 1.0, 58.0, 28.0, 0.3);
        c.fill_rect(40.0, 20.0, 15.0, 5.0, 0.5);
        c.barcode(&code128("7700000001").unwrap(), 3.0, 10.0, 12.0, 2);
        c.text(3.0, 27.0, 10.0, "收件人 张三");
        b.push(c);
        let page = &b.finish_document().pages[0];
        for dpi in [203, 300, 600] {
            let whole = render(page, dpi);
            for band in [37, 100, 512, whole.height] {
                let mut joined = Vec::new();
                let mut top = 0;
                while top < whole.height {
                    let part = render_rows(page, dpi, top, band);
                    assert_eq!(part.width, whole.width);
                    assert_eq!(part.height, band.min(whole.height - top));
                    joined.extend_from_slice(&part.pixels);
                    top += part.height;
                }
                // Float rounding moves an anti-aliased edge by a few sub-samples now and then,
                // never more; a bar not at all.
                let off: Vec<u8> = joined
                    .iter()
                    .zip(&whole.pixels)
                    .map(|(a, b)| a.abs_diff(*b))
                    .filter(|&d| d > 0)
                    .collect();
                assert!(
                    off.iter().all(|&d| d <= 96) && off.len() * 200 < joined.len(),
                    "{dpi} dpi, bands of {band} rows: {} pixels differ, by up to {:?}",
                    off.len(),
                    off.iter().max()
                );
                let bars_row = pixels(17.0, dpi) as usize * whole.width as usize;
                let row = bars_row..bars_row + whole.width as usize;
                assert_eq!(
                    joined[row.clone()],
                    whole.pixels[row],
                    "{dpi} dpi, bands of {band}"
                );
            }
        }
    }

    #[test]
    fn text_is_drawn_where_the_pdf_puts_it() {
        let mut b = PdfBuilder::new("t");
        let mut c = b.canvas(40.0, 10.0, Dpi::D203);
        let w = c.text(5.0, 8.0, 20.0, "中");
        b.push(c);
        let g = render(&b.finish_document().pages[0], 203);
        let dark: Vec<u32> = (0..g.width)
            .filter(|&x| (0..g.height).any(|y| g.at(x, y) < 128))
            .collect();
        let px = 203.0 / 25.4;
        // 中 stays within its em box, and fills most of it.
        assert!(*dark.first().unwrap() as f32 >= 5.0 * px - 1.0);
        assert!(*dark.last().unwrap() as f32 <= (5.0 + w) * px + 1.0);
        assert!(dark.len() as f32 > 0.7 * w * px, "{dark:?}");
    }
}
