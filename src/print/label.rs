//! Barcode labels (条码标签) for products: the barcode (EAN-13/8, UPC-A or Code 128) with its
//! digits, name, spec, merchant code, price and bin. As PDF here; as TSPL or ZPL in `raw`.
//! A barcode that does not fit the label at the printer's narrowest readable module is refused
//! with the sizes that would take it, never shrunk until it stops scanning.

use super::barcode::{Dpi, Symbol, symbol};
use super::canvas::{Align, Canvas, Document, PdfBuilder, line_step_mm};
use super::font::wrap_at_most;
use super::{price_text, short_spec};
use crate::domain::{Barcode, Fen};
use crate::error::{Error, Result};

/// The label stocks in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum LabelSize {
    #[default]
    L40x30,
    L50x30,
    L60x40,
}

impl LabelSize {
    pub const ALL: [LabelSize; 3] = [LabelSize::L40x30, LabelSize::L50x30, LabelSize::L60x40];

    pub fn code(self) -> &'static str {
        match self {
            LabelSize::L40x30 => "40x30",
            LabelSize::L50x30 => "50x30",
            LabelSize::L60x40 => "60x40",
        }
    }

    pub fn parse(text: &str) -> Result<LabelSize> {
        let t = text.trim().to_ascii_lowercase().replace(['×', '*'], "x");
        LabelSize::ALL
            .into_iter()
            .find(|s| s.code() == t.trim_end_matches("mm"))
            .ok_or_else(|| {
                Error::invalid(
                    format!("标签尺寸只能是 40x30、50x30 或 60x40：{text}"),
                    format!("label size must be 40x30, 50x30 or 60x40: {text}"),
                )
            })
    }

    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            LabelSize::L40x30 => (40.0, 30.0),
            LabelSize::L50x30 => (50.0, 30.0),
            LabelSize::L60x40 => (60.0, 40.0),
        }
    }

    /// The room a barcode with its quiet zones may take across the label: the whole width less
    /// half a millimetre each side for where the printer places the label.
    pub fn barcode_room_mm(self) -> f32 {
        self.mm().0 - 1.0
    }
}

/// What one product's label shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub sku_code: String,
    pub barcode: Barcode,
    pub name: String,
    pub spec: String,
    pub price: Fen,
    pub bin: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelOptions {
    pub size: LabelSize,
    pub dpi: Dpi,
    /// Labels of each product, one after the other.
    pub copies: u32,
}

impl Default for LabelOptions {
    fn default() -> Self {
        LabelOptions {
            size: LabelSize::default(),
            dpi: Dpi::D203,
            copies: 1,
        }
    }
}

/// The widest module a label barcode gets: 0.375 mm (3 dots at 203 dpi), more than the GS1
/// nominal 0.33 mm of EAN-13.
pub const LABEL_MAX_MODULE_MM: f32 = 0.375;

/// The symbol of each label and its module width in dots, or an error naming every barcode
/// that does not fit and the sizes that would take it.
pub fn fit_all(labels: &[Label], opts: &LabelOptions) -> Result<Vec<(Symbol, u32)>> {
    let max = opts.dpi.max_module_dots(LABEL_MAX_MODULE_MM);
    let mut out = Vec::with_capacity(labels.len());
    let mut too_long = Vec::new();
    for l in labels {
        let sym = symbol(&l.barcode)?;
        match sym.fit(opts.dpi, opts.size.barcode_room_mm(), max) {
            Some(d) => out.push((sym, d)),
            None => {
                let fits: Vec<&str> = LabelSize::ALL
                    .into_iter()
                    .filter(|s| sym.fit(opts.dpi, s.barcode_room_mm(), max).is_some())
                    .map(LabelSize::code)
                    .collect();
                too_long.push((l, sym, fits));
            }
        }
    }
    if too_long.is_empty() {
        return Ok(out);
    }
    let min_dots = opts.dpi.min_module_dots();
    let list_zh: Vec<String> = too_long
        .iter()
        .map(|(l, s, fits)| {
            format!(
                "{}（条码 {}，需 {:.1} mm{}）",
                l.sku_code,
                l.barcode,
                s.width_dots(min_dots) as f32 * opts.dpi.dot_mm(),
                if fits.is_empty() {
                    "，没有放得下的标签尺寸".to_string()
                } else {
                    format!("，可用 {}", fits.join("/"))
                }
            )
        })
        .collect();
    let list_en: Vec<String> = too_long
        .iter()
        .map(|(l, s, fits)| {
            format!(
                "{} (barcode {}, needs {:.1} mm{})",
                l.sku_code,
                l.barcode,
                s.width_dots(min_dots) as f32 * opts.dpi.dot_mm(),
                if fits.is_empty() {
                    ", no label size takes it".to_string()
                } else {
                    format!(", fits {}", fits.join("/"))
                }
            )
        })
        .collect();
    Err(Error::invalid(
        format!(
            "{} 的标签上放不下这些条码（不能再缩小，否则扫不出）：{}",
            opts.size.code(),
            list_zh.join("；")
        ),
        format!(
            "these barcodes do not fit a {} label (narrower bars would not scan): {}",
            opts.size.code(),
            list_en.join("; ")
        ),
    ))
}

/// The blocks of a label stock.
struct Plan {
    margin: f32,
    name_pt: f32,
    small_pt: f32,
    bars: f32,
    digits_pt: f32,
}

fn plan(size: LabelSize) -> Plan {
    match size {
        LabelSize::L40x30 | LabelSize::L50x30 => Plan {
            margin: 1.5,
            name_pt: 7.5,
            small_pt: 7.0,
            bars: 13.0,
            digits_pt: 8.0,
        },
        LabelSize::L60x40 => Plan {
            margin: 2.0,
            name_pt: 9.5,
            small_pt: 8.5,
            bars: 17.0,
            digits_pt: 10.0,
        },
    }
}

/// Draws the labels (`copies` of each) into `pdf`.
pub fn draw(pdf: &mut PdfBuilder, labels: &[Label], opts: &LabelOptions) -> Result<()> {
    let fitted = fit_all(labels, opts)?;
    for (l, (sym, dots)) in labels.iter().zip(&fitted) {
        for _ in 0..opts.copies.max(1) {
            let (w, h) = opts.size.mm();
            let mut c = pdf.canvas(w, h, opts.dpi);
            page(&mut c, l, sym, *dots, opts);
            pdf.push(c);
        }
    }
    Ok(())
}

/// A PDF of the labels, one page a label.
pub fn pdf(labels: &[Label], opts: &LabelOptions) -> Result<Vec<u8>> {
    let mut b = PdfBuilder::new("packbench labels");
    draw(&mut b, labels, opts)?;
    Ok(b.finish())
}

/// `pdf` with every page also as a drawing (for `raster`).
pub fn document(labels: &[Label], opts: &LabelOptions) -> Result<Document> {
    let mut b = PdfBuilder::new("packbench labels");
    draw(&mut b, labels, opts)?;
    Ok(b.finish_document())
}

fn page(c: &mut Canvas, l: &Label, sym: &Symbol, dots: u32, opts: &LabelOptions) {
    let p = plan(opts.size);
    let (w, h) = opts.size.mm();
    let m = p.margin;
    let inner = w - 2.0 * m;
    let face = c.face();
    // Name: one line, or two at a smaller size; a longer name is cut with an ellipsis (the
    // merchant code below identifies the product).
    let mut name_pt = p.name_pt;
    let mut lines = wrap_at_most(face, &l.name, name_pt, inner, 3);
    if lines.len() > 1 {
        name_pt = p.small_pt;
        lines = wrap_at_most(face, &l.name, name_pt, inner, 3);
    }
    let two = lines.len() > 1;
    if lines.len() > 2 {
        lines.truncate(2);
        let last = &mut lines[1];
        while !last.is_empty() && face.width_mm(&format!("{last}…"), name_pt) > inner {
            last.pop();
        }
        last.push('…');
    }
    let step = line_step_mm(name_pt, 1.1);
    let mut y = m;
    for line in &lines {
        c.text(m, y + step * 0.85, name_pt, line);
        y += step;
    }
    // Spec left, price right.
    let price = price_text(l.price);
    let price_w = c.face().width_mm(&price, p.small_pt);
    let spec = short_spec(&l.spec);
    let spec_room = inner - price_w - 1.5;
    let mut spec_pt = p.small_pt;
    while spec_pt > 5.0 && c.face().width_mm(&spec, spec_pt) > spec_room {
        spec_pt -= 0.5;
    }
    let small_step = line_step_mm(p.small_pt, 1.1);
    c.text(m, y + small_step * 0.85, spec_pt, &spec);
    c.text_aligned(
        w - m,
        y + small_step * 0.85,
        p.small_pt,
        &price,
        Align::Right,
    );
    y += small_step + 0.9;
    // The barcode, centred, as tall as the room left (a two-line name takes its room from the
    // bars); its digits stay clear of the merchant code line.
    let bottom_h = line_step_mm(p.small_pt + 0.5, 1.1) + m * 0.6;
    let bars = (h - y - bottom_h - 0.8).min(p.bars + if two { 0.0 } else { 2.0 });
    let x = c.centred_x(sym, dots, w / 2.0);
    c.barcode_with_digits(sym, x, y, bars, dots, p.digits_pt);
    // Merchant code left, bin right.
    let base = h - m * 0.6 - 0.4;
    let bin = l.bin.as_deref().unwrap_or("");
    let bin_w = if bin.is_empty() {
        0.0
    } else {
        c.text_aligned(w - m, base, p.small_pt + 0.5, bin, Align::Right)
    };
    let room = inner - bin_w - 1.5;
    let mut sku_pt = p.small_pt + 0.5;
    while sku_pt > 5.0 && c.face().width_mm(&l.sku_code, sku_pt) > room {
        sku_pt -= 0.5;
    }
    c.text(m, base, sku_pt, &l.sku_code);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(code: &str) -> Label {
        Label {
            sku_code: "TX2018-BK-XL".into(),
            barcode: Barcode::parse(code).unwrap(),
            name: "纯棉短袖T恤".into(),
            spec: "颜色分类：黑色；尺码：XL".into(),
            price: Fen(5900),
            bin: Some("A-01-1".into()),
        }
    }

    #[test]
    fn a_long_merchant_code_is_refused_on_40mm_with_the_sizes_that_fit() {
        let opts = LabelOptions::default();
        let e = fit_all(&[label("TX2018-BK-XL")], &opts).unwrap_err();
        assert!(e.to_string().contains("fits 50x30/60x40"), "{e}");
        assert!(e.zh().contains("TX2018-BK-XL"));
        let ok = fit_all(
            &[label("TX2018-BK-XL")],
            &LabelOptions {
                size: LabelSize::L50x30,
                ..opts
            },
        )
        .unwrap();
        assert_eq!(ok[0].1, 2);
    }

    #[test]
    fn an_ean13_takes_two_dots_on_40mm_and_three_on_50mm() {
        let l = [label("6909017490375")];
        let at = |size| {
            fit_all(
                &l,
                &LabelOptions {
                    size,
                    ..Default::default()
                },
            )
            .unwrap()[0]
                .1
        };
        assert_eq!(at(LabelSize::L40x30), 2);
        assert_eq!(at(LabelSize::L50x30), 3);
    }
}
