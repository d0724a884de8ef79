//! The print layer: waybills, pick lists and barcode labels laid out as PDF (printpdf, the one
//! embedded CJK font, barcodes as vector bars on the printer's dot grid) or as raw TSPL/ZPL for
//! label printers, and sent to a file, a CUPS printer or a label printer's port. Layouts take
//! plain data and know nothing of the store; `flow::print` gathers the data and keeps the print
//! log.

pub mod barcode;
pub mod canvas;
pub mod card;
pub mod font;
pub mod gdi;
pub mod label;
pub mod picklist;
pub mod printer;
pub mod raster;
pub mod raw;
pub mod spool;
pub mod waybill;
#[cfg(windows)]
pub mod winspool;

pub use barcode::Dpi;
pub use canvas::{Document, Drawing};
pub use label::{Label, LabelOptions, LabelSize};
pub use picklist::{PickLine, PickList};
pub use waybill::{Sender, Waybill, WaybillItem, WaybillOptions, WaybillSize};

/// A Taobao spec (`颜色分类：灰色；尺码：S`) as short as a label or waybill needs it (`灰色 S`):
/// the values without the property names.
pub fn short_spec(spec: &str) -> String {
    spec.split(['；', ';'])
        .map(|part| {
            let part = part.trim();
            part.rsplit_once(['：', ':'])
                .map_or(part, |(_, v)| v.trim())
                .to_string()
        })
        .filter(|v| !v.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A price as the shop writes it on a label: `￥59.00`.
pub fn price_text(price: crate::domain::Fen) -> String {
    format!("￥{price}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_lose_their_property_names() {
        assert_eq!(short_spec("颜色分类：灰色；尺码：S"), "灰色 S");
        assert_eq!(short_spec("color:red; size:XL"), "red XL");
        assert_eq!(short_spec("均码"), "均码");
        assert_eq!(short_spec(""), "");
    }

    #[test]
    fn prices() {
        use crate::domain::Fen;
        assert_eq!(price_text(Fen(5900)), "￥59.00");
        assert_eq!(price_text(Fen(4990)), "￥49.90");
        assert_eq!(price_text(Fen(5)), "￥0.05");
    }
}
