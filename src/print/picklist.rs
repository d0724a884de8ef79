//! Pick lists (配货单): A4, one line per merchant code in bin order (the picker's walk through
//! the shelves) with a tick box, and the batch barcode (`B00012`, long enough for a wedge scanner)
//! at the top of every page for the picker to scan before the first item.

use super::barcode::{Dpi, code128};
use super::canvas::{Align, Canvas, Document, PdfBuilder, line_step_mm};
use super::font::wrap_at_most;
use super::short_spec;
use crate::domain::BatchId;
use crate::error::Result;

/// One merchant code to pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickLine {
    pub bin: Option<String>,
    pub sku_code: String,
    pub title: String,
    pub spec: String,
    pub qty: u32,
}

/// A batch's pick list as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickList {
    pub batch_id: BatchId,
    pub courier: String,
    pub parcels: usize,
    /// Shop time the batch was made and the list printed.
    pub created_at: String,
    pub printed_at: String,
    /// The picker who took the batch, if one did already.
    pub picker: Option<String>,
    pub lines: Vec<PickLine>,
    pub reprint: bool,
}

const A4: (f32, f32) = (210.0, 297.0);
const MARGIN: f32 = 12.0;
const TEXT_PT: f32 = 9.5;

/// Columns: tick box, bin, merchant code, title, spec, quantity (x and width in mm).
const COLS: [(f32, f32); 6] = [
    (MARGIN, 9.0),
    (MARGIN + 9.0, 20.0),
    (MARGIN + 29.0, 36.0),
    (MARGIN + 65.0, 70.0),
    (MARGIN + 135.0, 36.0),
    (MARGIN + 171.0, 15.0),
];

/// Draws the pick list into `pdf` (as many A4 pages as it takes).
pub fn draw(pdf: &mut PdfBuilder, list: &PickList, dpi: Dpi) -> Result<()> {
    let sym = code128(&list.batch_id.barcode())?;
    let dots = sym
        .fit(dpi, 70.0, dpi.max_module_dots(0.5))
        .expect("a batch code is short");
    // Lay the rows out first to know the page count for "page 1/3".
    let face = super::font::face();
    let step = line_step_mm(TEXT_PT, 1.2);
    let rows: Vec<(Vec<String>, Vec<String>, f32)> = list
        .lines
        .iter()
        .map(|l| {
            // A title or spec of any length keeps its row within a page.
            let title = wrap_at_most(face, &l.title, TEXT_PT, COLS[3].1 - 2.0, 4);
            let spec = wrap_at_most(face, &short_spec(&l.spec), TEXT_PT, COLS[4].1 - 2.0, 4);
            let n = title.len().max(spec.len()).max(1) as f32;
            (title, spec, (n * step + 3.0).max(8.0))
        })
        .collect();
    let body_top_first = 62.0;
    let body_top_next = 40.0;
    let body_bottom = A4.1 - MARGIN - 12.0;
    let mut pages: Vec<Vec<usize>> = vec![Vec::new()];
    let mut y = body_top_first;
    for (i, (_, _, h)) in rows.iter().enumerate() {
        if y + h > body_bottom && !pages.last().unwrap().is_empty() {
            pages.push(Vec::new());
            y = body_top_next;
        }
        pages.last_mut().unwrap().push(i);
        y += h;
    }
    let n_pages = pages.len();
    let units: u32 = list.lines.iter().map(|l| l.qty).sum();
    for (pi, rows_here) in pages.iter().enumerate() {
        let mut c = pdf.canvas(A4.0, A4.1, dpi);
        let first = pi == 0;
        // The batch barcode, top right, on every page.
        let x = A4.0 - MARGIN - sym.width_dots(dots) as f32 * dpi.dot_mm();
        c.barcode_with_digits(&sym, x, MARGIN, 18.0, dots, 11.0);
        c.text(
            MARGIN,
            MARGIN + 8.0,
            20.0,
            &format!("配货单  {}", list.batch_id),
        );
        if list.reprint {
            c.frame(MARGIN + 62.0, MARGIN + 1.0, 14.0, 8.5, 0.6);
            c.text_aligned(MARGIN + 69.0, MARGIN + 7.8, 13.0, "补打", Align::Centre);
        }
        c.text(
            MARGIN,
            MARGIN + 15.0,
            10.0,
            &format!(
                "快递 {}   包裹 {}   共 {} 种 {} 件",
                list.courier,
                list.parcels,
                list.lines.len(),
                units
            ),
        );
        c.text(
            MARGIN,
            MARGIN + 20.5,
            8.0,
            &format!("建批 {}   打印 {}", list.created_at, list.printed_at),
        );
        let mut y = if first {
            // The picker writes their name here or sticks their tag (the tag is scanned too).
            let top = MARGIN + 26.0;
            c.frame(MARGIN, top, 100.0, 14.0, 0.35);
            c.text(MARGIN + 2.0, top + 5.5, 10.0, "配货员 / 配货标牌");
            if let Some(p) = &list.picker {
                c.text(MARGIN + 2.0, top + 11.5, 11.0, p);
            }
            c.frame(MARGIN + 104.0, top, 82.0, 14.0, 0.35);
            c.text(MARGIN + 106.0, top + 5.5, 10.0, "配货完成时间");
            body_top_first - 8.0
        } else {
            body_top_next - 8.0
        };
        // Column heads.
        let heads = ["已配", "库位", "商家编码", "宝贝名称", "规格", "数量"];
        c.fill_rect(MARGIN, y, A4.0 - 2.0 * MARGIN, 7.0, 0.88);
        for (i, h) in heads.iter().enumerate() {
            let (x, w) = COLS[i];
            if i == 5 {
                c.text_aligned(x + w - 1.5, y + 5.0, 9.5, h, Align::Right);
            } else if i == 0 {
                c.text_aligned(x + w / 2.0, y + 5.0, 8.0, h, Align::Centre);
            } else {
                c.text(x + 1.0, y + 5.0, 9.5, h);
            }
        }
        y += 8.0;
        for &i in rows_here {
            let l = &list.lines[i];
            let (title, spec, h) = &rows[i];
            let base = y + 1.5 + line_step_mm(TEXT_PT, 1.0);
            c.frame(COLS[0].0 + 2.0, y + 1.5, 5.0, 5.0, 0.3);
            c.text(COLS[1].0 + 1.0, base, 10.5, l.bin.as_deref().unwrap_or("—"));
            fit_line(
                &mut c,
                COLS[2].0 + 1.0,
                base,
                COLS[2].1 - 2.0,
                10.0,
                &l.sku_code,
            );
            for (k, t) in title.iter().enumerate() {
                c.text(COLS[3].0 + 1.0, base + k as f32 * step, TEXT_PT, t);
            }
            for (k, t) in spec.iter().enumerate() {
                c.text(COLS[4].0 + 1.0, base + k as f32 * step, TEXT_PT, t);
            }
            c.text_aligned(
                COLS[5].0 + COLS[5].1 - 1.5,
                base,
                12.0,
                &l.qty.to_string(),
                Align::Right,
            );
            y += h;
            c.line(MARGIN, y, A4.0 - MARGIN, y, 0.15);
        }
        footer(&mut c, pi + 1, n_pages, list.batch_id);
        pdf.push(c);
    }
    Ok(())
}

/// One line shrunk (down to 6 pt) until it fits `width_mm`: merchant codes are never cut.
fn fit_line(c: &mut Canvas, x: f32, base: f32, width_mm: f32, max_pt: f32, text: &str) {
    let mut pt = max_pt;
    while pt > 6.0 && c.face().width_mm(text, pt) > width_mm {
        pt -= 0.5;
    }
    c.text(x, base, pt, text);
}

fn footer(c: &mut Canvas, page: usize, of: usize, batch_id: BatchId) {
    c.text_aligned(
        A4.0 / 2.0,
        A4.1 - MARGIN,
        8.0,
        &format!("{batch_id}  第 {page}/{of} 页"),
        Align::Centre,
    );
}

/// A PDF of one pick list.
pub fn pdf(list: &PickList, dpi: Dpi) -> Result<Vec<u8>> {
    let mut b = PdfBuilder::new("packbench pick list");
    draw(&mut b, list, dpi)?;
    Ok(b.finish())
}

/// `pdf` with every page also as a drawing (for `raster`).
pub fn document(list: &PickList, dpi: Dpi) -> Result<Document> {
    let mut b = PdfBuilder::new("packbench pick list");
    draw(&mut b, list, dpi)?;
    Ok(b.finish_document())
}
