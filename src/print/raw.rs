//! Labels in the label printers' own languages, sent as they are: TSPL (Gprinter, Xprinter, TSC:
//! Chinese in the printer's built-in Simplified Chinese font `TSS24.BF2`, text sent as GBK) and
//! ZPL (Zebra: UTF-8 with `^CI28`, Chinese in a downloaded font). Positions are in printer dots.
//! The printer draws the bars itself, with the module width given in whole dots as in the PDF.

use super::canvas::Drawing;
use super::label::{Label, LabelOptions, fit_all};
use super::raster::{self, mono};
use super::{price_text, short_spec};
use crate::domain::Symbology;
use crate::error::{Error, Result};

/// A label printer language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawFormat {
    Tspl,
    Zpl,
}

impl RawFormat {
    pub fn code(self) -> &'static str {
        match self {
            RawFormat::Tspl => "tspl",
            RawFormat::Zpl => "zpl",
        }
    }

    pub fn parse(text: &str) -> Result<RawFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "tspl" | "tspl2" => Ok(RawFormat::Tspl),
            "zpl" | "zpl2" => Ok(RawFormat::Zpl),
            other => Err(Error::invalid(
                format!("标签打印机指令只能是 tspl 或 zpl：{other}"),
                format!("label printer language must be tspl or zpl: {other}"),
            )),
        }
    }
}

/// The Chinese font a ZPL printer uses, as a printer path: Zebra's Simplified Chinese font
/// (Andale Mono Duo SC) from its Asian font kit. A shop with another font changes the setting.
pub const DEFAULT_ZPL_FONT: &str = "E:ANMDS.TTF";

/// Character cell of the printer fonts used here, in dots: TSS24.BF2 is 24 dots high, Chinese
/// characters 24 wide and ASCII 12.
const CELL: u32 = 24;

fn cell_width(c: char) -> u32 {
    if c.is_ascii() { CELL / 2 } else { CELL }
}

/// `text` cut to at most `max_dots` wide in the printer font, `…` marking a cut.
fn fit_cells(text: &str, max_dots: u32) -> String {
    let full: u32 = text.chars().map(cell_width).sum();
    if full <= max_dots {
        return text.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in text.chars() {
        if w + cell_width(c) + CELL > max_dots {
            break;
        }
        w += cell_width(c);
        out.push(c);
    }
    out.push('…');
    out
}

/// Where things go on a label, in dots.
struct Spots {
    width: u32,
    height: u32,
    margin: u32,
    line: u32,
    bars: u32,
}

fn spots(opts: &LabelOptions) -> Spots {
    let (w, h) = opts.size.mm();
    let d = opts.dpi;
    Spots {
        width: d.dots(w),
        height: d.dots(h),
        margin: d.dots(1.5),
        line: CELL + d.dots(1.0),
        bars: d.dots(if h >= 40.0 { 16.0 } else { 9.0 }),
    }
}

/// The TSPL/ZPL barcode data: GS1 codes without their check digit (the printer adds it),
/// Code 128 as it reads.
fn barcode_data(l: &Label) -> &str {
    let t = l.barcode.as_str();
    match l.barcode.symbology() {
        Symbology::Code128 => t,
        _ => &t[..t.len() - 1],
    }
}

/// The labels as one TSPL job: size and gap once, then each label with `PRINT 1,copies`.
pub fn tspl(labels: &[Label], opts: &LabelOptions) -> Result<Vec<u8>> {
    let fitted = fit_all(labels, opts)?;
    let s = spots(opts);
    let (w, h) = opts.size.mm();
    let mut out = Vec::with_capacity(labels.len() * 256);
    let line = |out: &mut Vec<u8>, text: &str| {
        out.extend_from_slice(&gbk(text));
        out.extend_from_slice(b"\r\n");
    };
    line(&mut out, &format!("SIZE {w} mm,{h} mm"));
    line(&mut out, "GAP 2 mm,0 mm");
    line(&mut out, "DIRECTION 1");
    line(&mut out, "REFERENCE 0,0");
    for (l, (sym, dots)) in labels.iter().zip(&fitted) {
        let room = s.width - 2 * s.margin;
        let mut y = s.margin;
        line(&mut out, "CLS");
        line(&mut out, &tspl_text(s.margin, y, &fit_cells(&l.name, room)));
        y += s.line;
        let price = price_text(l.price);
        let price_w: u32 = price.chars().map(cell_width).sum();
        line(
            &mut out,
            &tspl_text(
                s.margin,
                y,
                &fit_cells(
                    &short_spec(&l.spec),
                    room.saturating_sub(price_w + CELL / 2),
                ),
            ),
        );
        line(
            &mut out,
            &tspl_text(s.width - s.margin - price_w, y, &price),
        );
        y += s.line;
        let kind = match l.barcode.symbology() {
            Symbology::Ean13 => "EAN13",
            Symbology::Ean8 => "EAN8",
            Symbology::UpcA => "UPCA",
            Symbology::Code128 => "128",
        };
        let bars_w = sym.modules.len() as u32 * dots;
        let x = (s.width.saturating_sub(bars_w)) / 2;
        line(
            &mut out,
            &format!(
                "BARCODE {x},{y},\"{kind}\",{},2,0,{dots},{dots},\"{}\"",
                s.bars,
                tspl_quote(barcode_data(l))
            ),
        );
        let bottom = s.height - s.margin - CELL;
        let bin = l.bin.clone().unwrap_or_default();
        let bin_w: u32 = bin.chars().map(cell_width).sum();
        line(
            &mut out,
            &tspl_text(
                s.margin,
                bottom,
                &fit_cells(&l.sku_code, room.saturating_sub(bin_w + CELL / 2)),
            ),
        );
        if !bin.is_empty() {
            line(
                &mut out,
                &tspl_text(s.width - s.margin - bin_w, bottom, &bin),
            );
        }
        line(&mut out, &format!("PRINT 1,{}", opts.copies.max(1)));
    }
    Ok(out)
}

fn tspl_text(x: u32, y: u32, text: &str) -> String {
    format!("TEXT {x},{y},\"TSS24.BF2\",0,1,1,\"{}\"", tspl_quote(text))
}

/// TSPL writes a double quote inside a string as `\["]`.
fn tspl_quote(text: &str) -> String {
    text.replace('"', "\\[\"]")
}

/// Text as GBK, which TSS24.BF2 reads; a character GBK lacks becomes `?` (encoding_rs would
/// write an HTML entity).
fn gbk(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        let (bytes, _, bad) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        if bad {
            out.push(b'?');
        } else {
            out.extend_from_slice(&bytes);
        }
    }
    out
}

/// The labels as one ZPL job: one `^XA … ^XZ` format per product, `^PQ` copies.
pub fn zpl(labels: &[Label], opts: &LabelOptions, font: &str) -> Result<Vec<u8>> {
    let fitted = fit_all(labels, opts)?;
    let s = spots(opts);
    let mut out = String::with_capacity(labels.len() * 300);
    let font = if font.trim().is_empty() {
        DEFAULT_ZPL_FONT
    } else {
        font.trim()
    };
    for (l, (sym, dots)) in labels.iter().zip(&fitted) {
        let room = s.width - 2 * s.margin;
        let text = |out: &mut String, x: u32, y: u32, t: &str| {
            out.push_str(&format!(
                "^FO{x},{y}^A1N,{CELL},{CELL}^FH\\^FD{}^FS\n",
                zpl_escape(t)
            ));
        };
        out.push_str("^XA\n^CI28\n");
        out.push_str(&format!("^PW{}\n^LL{}\n^LH0,0\n", s.width, s.height));
        out.push_str(&format!("^CW1,{font}\n"));
        let mut y = s.margin;
        text(&mut out, s.margin, y, &fit_cells(&l.name, room));
        y += s.line;
        let price = price_text(l.price);
        let price_w: u32 = price.chars().map(cell_width).sum();
        text(
            &mut out,
            s.margin,
            y,
            &fit_cells(
                &short_spec(&l.spec),
                room.saturating_sub(price_w + CELL / 2),
            ),
        );
        text(&mut out, s.width - s.margin - price_w, y, &price);
        y += s.line;
        let bars_w = sym.modules.len() as u32 * dots;
        let x = (s.width.saturating_sub(bars_w)) / 2;
        let symbol = match l.barcode.symbology() {
            Symbology::Ean13 => format!("^BEN,{},Y,N", s.bars),
            Symbology::Ean8 => format!("^B8N,{},Y,N", s.bars),
            Symbology::UpcA => format!("^BUN,{},Y,N,Y", s.bars),
            // Mode A: the printer chooses the code sets.
            Symbology::Code128 => format!("^BCN,{},Y,N,N,A", s.bars),
        };
        out.push_str(&format!(
            "^FO{x},{y}^BY{dots}{symbol}^FH\\^FD{}^FS\n",
            zpl_escape(barcode_data(l))
        ));
        let bottom = s.height - s.margin - CELL;
        let bin = l.bin.clone().unwrap_or_default();
        let bin_w: u32 = bin.chars().map(cell_width).sum();
        text(
            &mut out,
            s.margin,
            bottom,
            &fit_cells(&l.sku_code, room.saturating_sub(bin_w + CELL / 2)),
        );
        if !bin.is_empty() {
            text(&mut out, s.width - s.margin - bin_w, bottom, &bin);
        }
        out.push_str(&format!("^PQ{}\n^XZ\n", opts.copies.max(1)));
    }
    Ok(out.into_bytes())
}

/// With `^FH\`, `^`, `~` and `\` in field data are written as hex.
fn zpl_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '^' => out.push_str("\\5E"),
            '~' => out.push_str("\\7E"),
            '\\' => out.push_str("\\5C"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Pages drawn by packbench (`raster`) as one TSPL job of pictures, for a thermal printer
/// whose own fonts and barcodes the layout does not use (waybills): per page its size and gap,
/// `CLS`, the page as one `BITMAP` at the top-left corner, `PRINT 1,1`. In TSPL's bitmap a 0 bit
/// is a heated (black) dot and a 1 bit is left white, the reverse of `raster::Mono`; rows are
/// whole bytes, the leftmost dot in the most significant bit.
pub fn tspl_pages(pages: &[Drawing], dpi: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for page in pages {
        let m = mono(&raster::render(page, dpi));
        out.extend_from_slice(
            format!(
                "SIZE {} mm,{} mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1\r\nREFERENCE 0,0\r\nCLS\r\nBITMAP 0,0,{},{},0,",
                page.width_mm, page.height_mm, m.row_bytes, m.height
            )
            .as_bytes(),
        );
        out.extend(m.bits.iter().map(|b| !b));
        out.extend_from_slice(b"\r\nPRINT 1,1\r\n");
    }
    out
}

/// Pages drawn by packbench (`raster`) as one ZPL job of pictures: per page one format with
/// the page as a graphic field (`^GFA`, ASCII hex, a 1 bit is a black dot, as in
/// `raster::Mono`) at the top-left corner.
pub fn zpl_pages(pages: &[Drawing], dpi: u32) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::new();
    for page in pages {
        let m = mono(&raster::render(page, dpi));
        let total = m.bits.len();
        out.extend_from_slice(
            format!(
                "^XA\n^PW{}\n^LL{}\n^LH0,0\n^FO0,0^GFA,{total},{total},{},",
                m.width, m.height, m.row_bytes
            )
            .as_bytes(),
        );
        out.reserve(total * 2 + 16);
        for &b in &m.bits {
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 15)]);
        }
        out.extend_from_slice(b"^FS\n^PQ1\n^XZ\n");
    }
    out
}

/// The job in `format`.
pub fn render(
    format: RawFormat,
    labels: &[Label],
    opts: &LabelOptions,
    zpl_font: &str,
) -> Result<Vec<u8>> {
    match format {
        RawFormat::Tspl => tspl(labels, opts),
        RawFormat::Zpl => zpl(labels, opts, zpl_font),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Barcode, Fen};

    fn label(code: &str, name: &str) -> Label {
        Label {
            sku_code: "TX2017-GY-S".into(),
            barcode: Barcode::parse(code).unwrap(),
            name: name.into(),
            spec: "颜色分类：灰色；尺码：S".into(),
            price: Fen(5900),
            bin: Some("B-01-4".into()),
        }
    }

    #[test]
    fn tspl_sends_chinese_as_gbk_and_gs1_codes_without_check_digit() {
        let job = tspl(
            &[label("6909017490375", "纯棉短袖\"T恤\"")],
            &LabelOptions {
                copies: 3,
                ..Default::default()
            },
        )
        .unwrap();
        let (text, _, bad) = encoding_rs::GBK.decode(&job);
        assert!(!bad);
        assert!(text.starts_with("SIZE 40 mm,30 mm\r\nGAP 2 mm,0 mm\r\n"));
        assert!(
            text.contains("\"TSS24.BF2\",0,1,1,\"纯棉短袖\\[\"]T恤\\[\"]\""),
            "{text}"
        );
        assert!(
            text.contains("\"EAN13\",72,2,0,2,2,\"690901749037\""),
            "{text}"
        );
        assert!(text.contains("￥59.00"));
        assert!(text.ends_with("PRINT 1,3\r\n"));
    }

    #[test]
    fn zpl_is_utf8_with_escapes() {
        let job = zpl(&[label("AB^12", "卫衣")], &LabelOptions::default(), "").unwrap();
        let text = String::from_utf8(job).unwrap();
        assert!(text.starts_with("^XA\n^CI28\n^PW"));
        assert!(text.contains("^CW1,E:ANMDS.TTF"));
        assert!(
            text.contains("^BCN,72,Y,N,N,A^FH\\^FDAB\\5E12^FS"),
            "{text}"
        );
        assert!(text.contains("^FD卫衣^FS"));
        assert!(text.ends_with("^PQ1\n^XZ\n"));
    }

    #[test]
    fn long_text_is_cut_to_the_label() {
        assert_eq!(fit_cells("短", 100), "短");
        let cut = fit_cells(&"长".repeat(20), 24 * 10);
        assert_eq!(cut.chars().count(), 10);
        assert!(cut.ends_with('…'));
    }

    /// A 30×20 mm page with a black box in its top-left quarter.
    fn drawing() -> Drawing {
        let mut b = crate::print::canvas::PdfBuilder::new("t");
        let mut c = b.canvas(30.0, 20.0, crate::print::Dpi::D203);
        c.fill_rect(0.0, 0.0, 15.0, 10.0, 0.0);
        b.push(c);
        b.finish_document().pages.remove(0)
    }

    /// The one-bit picture a TSPL `BITMAP` or ZPL `^GFA` carries, as black/white per dot.
    fn dots(width_bytes: usize, height: usize, data: &[u8], one_is_black: bool) -> Vec<Vec<bool>> {
        assert_eq!(data.len(), width_bytes * height);
        data.chunks(width_bytes)
            .map(|row| {
                (0..width_bytes * 8)
                    .map(|x| (row[x / 8] & (0x80 >> (x % 8)) != 0) == one_is_black)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn tspl_pages_are_bitmaps_with_zero_for_black() {
        let page = drawing();
        let job = tspl_pages(&[page.clone(), page], 203);
        let head = b"SIZE 30 mm,20 mm\r\nGAP 2 mm,0 mm\r\nDIRECTION 1\r\nREFERENCE 0,0\r\nCLS\r\nBITMAP 0,0,30,160,0,";
        assert!(job.starts_with(head));
        // 30 mm at 203 dpi: 240 dots, 30 bytes; 20 mm: 160 rows.
        let data = &job[head.len()..head.len() + 30 * 160];
        let tail = b"\r\nPRINT 1,1\r\n";
        assert_eq!(&job[head.len() + 30 * 160..][..tail.len()], tail);
        assert_eq!(job.len(), 2 * (head.len() + 30 * 160 + tail.len()));
        let d = dots(30, 160, data, false);
        // The box: 15 mm × 10 mm is 120 × 80 dots (rounded up at its edges by anti-aliasing).
        assert!(d[0][0] && d[79][119] && d[40][60]);
        assert!(!d[0][121] && !d[81][0] && !d[159][239]);
    }

    #[test]
    fn zpl_pages_are_graphic_fields_with_one_for_black() {
        let job = String::from_utf8(zpl_pages(&[drawing()], 203)).unwrap();
        let head = "^XA\n^PW240\n^LL160\n^LH0,0\n^FO0,0^GFA,4800,4800,30,";
        assert!(job.starts_with(head), "{}", &job[..80]);
        let hex = &job[head.len()..job.find("^FS").unwrap()];
        assert_eq!(hex.len(), 2 * 4800);
        let data: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let d = dots(30, 160, &data, true);
        assert!(d[0][0] && d[79][119] && d[40][60]);
        assert!(!d[0][121] && !d[81][0] && !d[159][239]);
        assert!(job.ends_with("^FS\n^PQ1\n^XZ\n"));
    }

    #[test]
    fn characters_outside_gbk_become_question_marks() {
        assert_eq!(gbk("a中😀"), vec![b'a', 0xD6, 0xD0, b'?']);
    }
}
