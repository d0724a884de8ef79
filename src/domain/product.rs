//! Products (SKUs) of the shop's catalogue.

use super::barcode::Barcode;
use super::money::Fen;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductState {
    Active,
    /// 停用: no longer sold; its bin may be given to another product.
    Discontinued,
}

impl ProductState {
    pub fn code(self) -> &'static str {
        match self {
            ProductState::Active => "active",
            ProductState::Discontinued => "discontinued",
        }
    }

    pub fn from_code(s: &str) -> Option<ProductState> {
        match s {
            "active" => Some(ProductState::Active),
            "discontinued" => Some(ProductState::Discontinued),
            _ => None,
        }
    }
}

/// One product as the catalogue knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    /// 商家编码, unique.
    pub sku_code: String,
    /// Unique when present; `None` means the product still needs a barcode.
    pub barcode: Option<Barcode>,
    pub name: String,
    pub spec: String,
    pub price: Fen,
    /// 库位, e.g. `A-01-3`.
    pub bin: Option<String>,
    pub state: ProductState,
}

/// What already holds a code. Barcodes, merchant codes and tracking numbers are one space: a
/// scan at the bench must mean one thing, so a barcode that is another product's merchant code
/// (or a waybill's number) would shadow it. A product's own merchant code as its own barcode
/// (Code 128 by the shop's rule) is one thing, and allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeHolder {
    /// The barcode of the product with this merchant code.
    Barcode(String),
    /// The merchant code of a product.
    SkuCode(String),
    /// A tracking number of this courier's pool.
    TrackingNo(String),
}

impl CodeHolder {
    /// Why `code` cannot be used, in Chinese.
    pub fn zh(&self, code: &str) -> String {
        match self {
            CodeHolder::Barcode(sku) => format!("{code} 已是商品 {sku} 的条码"),
            CodeHolder::SkuCode(sku) => format!("{code} 已是商品 {sku} 的商家编码"),
            CodeHolder::TrackingNo(courier) => format!("{code} 已是 {courier} 的快递单号"),
        }
    }

    pub fn en(&self, code: &str) -> String {
        match self {
            CodeHolder::Barcode(sku) => format!("{code} is already the barcode of product {sku}"),
            CodeHolder::SkuCode(sku) => {
                format!("{code} is already the merchant code of product {sku}")
            }
            CodeHolder::TrackingNo(courier) => {
                format!("{code} is already a {courier} tracking number")
            }
        }
    }
}

/// Whether a text can be a merchant code: what Taobao accepts (printable, no spaces inside).
pub fn valid_sku_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= 64
        && code.chars().all(|c| !c.is_whitespace() && !c.is_control())
}

/// Whether a text can be a bin code: short, printable ASCII without spaces (it is printed as a
/// Code 128 bin label `L` + code).
pub fn valid_bin_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 32 && code.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(valid_sku_code("TX2017-GY-S"));
        assert!(!valid_sku_code("TX 2017"));
        assert!(!valid_sku_code(""));
        assert!(valid_bin_code("A-01-3"));
        assert!(!valid_bin_code("A 01"));
        assert!(!valid_bin_code("库位"));
    }
}
