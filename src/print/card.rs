//! Scan cards (A6, one a page): a barcode a person scans to say something, not to count a
//! unit — `MISSING` and `DAMAGED` at the check bench (the parcel is held for the supervisor),
//! `DAMAGED` at the return desk (the next unit goes to quarantine). Each card says in both
//! languages what it does.

use super::barcode::{Dpi, code128};
use super::canvas::{Align, PdfBuilder};
use crate::error::Result;

/// One card: its code and what it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub code: String,
    pub title: String,
    pub lines: Vec<String>,
}

const W: f32 = 105.0;
const H: f32 = 148.0;

/// A PDF of the cards, one A6 page each.
pub fn pdf(cards: &[Card], dpi: Dpi) -> Result<Vec<u8>> {
    let mut b = PdfBuilder::new("packbench scan cards");
    for card in cards {
        let mut c = b.canvas(W, H, dpi);
        c.text_aligned(W / 2.0, 22.0, 26.0, &card.title, Align::Centre);
        let sym = code128(&card.code)?;
        let margin = 8.0;
        let dots = sym
            .fit(dpi, W - 2.0 * margin, dpi.max_module_dots(0.5))
            .unwrap_or(dpi.min_module_dots());
        let x = c.centred_x(&sym, dots, W / 2.0);
        c.barcode_with_digits(&sym, x, 34.0, 30.0, dots, 12.0);
        let mut y = 80.0;
        for line in &card.lines {
            y = c.paragraph(margin, y, W - 2.0 * margin, 12.0, 1.2, line).1 + 3.0;
        }
        c.frame(3.0, 3.0, W - 6.0, H - 6.0, 0.4);
        b.push(c);
    }
    Ok(b.finish())
}
