//! The product catalogue in packbench's own format: `商家编码,条码,名称,规格,单价,库位,库存`
//! (or `sku_code,barcode,name,spec,price,bin,qty`), UTF-8 or GBK; a receipt file is the same
//! with `数量` (the quantity received) in place of `库存`. Column limits are wider than the
//! checks behind them (a merchant code is at most 64 characters, a bin 32, a barcode 48), so
//! those checks give their own reason; names and specs are at most 200 and 300.

use super::BadRow;
use super::table::{Column, Row, Table};
use crate::domain::product::{valid_bin_code, valid_sku_code};
use crate::domain::{Barcode, Fen, Product, ProductState};

pub const PRODUCT_COLUMNS: [Column; 7] = [
    Column {
        name: "商家编码",
        aliases: &["商家编码", "sku_code"],
        required: true,
        max: 64,
    },
    Column {
        name: "条码",
        aliases: &["条码", "barcode"],
        required: false,
        max: 64,
    },
    Column {
        name: "名称",
        aliases: &["名称", "name"],
        required: true,
        max: 200,
    },
    Column {
        name: "规格",
        aliases: &["规格", "spec"],
        required: false,
        max: 300,
    },
    Column {
        name: "单价",
        aliases: &["单价", "price"],
        required: true,
        max: 32,
    },
    Column {
        name: "库位",
        aliases: &["库位", "bin"],
        required: false,
        max: 64,
    },
    Column {
        name: "库存",
        aliases: &["库存", "qty"],
        required: false,
        max: 16,
    },
];
/// A receipt file: the catalogue's columns, the last one the quantity received (数量, as the
/// README gives it; 库存 and qty are read too) and required.
pub const RECEIPT_COLUMNS: [Column; 7] = {
    let mut columns = PRODUCT_COLUMNS;
    columns[P_QTY] = Column {
        name: "数量",
        aliases: &["数量", "库存", "qty"],
        required: true,
        max: 16,
    };
    columns
};
const P_SKU: usize = 0;
const P_BARCODE: usize = 1;
const P_NAME: usize = 2;
const P_SPEC: usize = 3;
const P_PRICE: usize = 4;
const P_BIN: usize = 5;
const P_QTY: usize = 6;

#[derive(Debug, Clone)]
pub struct ParsedProduct {
    pub line: u64,
    pub product: Product,
    /// Opening stock; applied only when the product is new.
    pub qty: i64,
}

/// Parses one catalogue row (a table opened with `PRODUCT_COLUMNS`); `qty` is the opening stock.
pub fn parse_product_row(t: &Table, row: &Row) -> Result<ParsedProduct, BadRow> {
    parse_row(t, row, &PRODUCT_COLUMNS, "the stock")
}

/// Parses one receipt row (a table opened with `RECEIPT_COLUMNS`); `qty` is the quantity received.
pub fn parse_receipt_row(t: &Table, row: &Row) -> Result<ParsedProduct, BadRow> {
    parse_row(t, row, &RECEIPT_COLUMNS, "the quantity")
}

fn parse_row(
    t: &Table,
    row: &Row,
    columns: &[Column; 7],
    qty_en: &str,
) -> Result<ParsedProduct, BadRow> {
    t.check_lengths(row)?;
    let bad = |col: usize, code: &'static str, zh: String, en: String| {
        BadRow::new(&t.file, row.line, columns[col].name, code, zh, en)
    };
    let required = |col: usize| {
        let v = t.get(row, col).into_owned();
        let name = columns[col].name;
        if v.is_empty() {
            Err(bad(
                col,
                "missing_value",
                format!("“{name}”不能为空"),
                format!("\"{name}\" is empty"),
            ))
        } else {
            Ok(v)
        }
    };
    let sku_code = required(P_SKU)?;
    if !valid_sku_code(&sku_code) {
        return Err(bad(
            P_SKU,
            "bad_sku_code",
            format!("商家编码不能含空格或控制字符：{sku_code:?}"),
            format!("a merchant code may not contain spaces or control characters: {sku_code:?}"),
        ));
    }
    let barcode_text = t.get(row, P_BARCODE);
    let barcode = if barcode_text.is_empty() {
        None
    } else {
        Some(
            Barcode::parse(&barcode_text)
                .map_err(|e| bad(P_BARCODE, e.code(), e.zh(), e.to_string()))?,
        )
    };
    let name = required(P_NAME)?;
    let price_text = required(P_PRICE)?;
    let price = Fen::parse_yuan(&price_text)
        .map_err(|e| bad(P_PRICE, "bad_money", e.zh(), e.to_string()))?;
    let bin = t.get(row, P_BIN).into_owned();
    if !bin.is_empty() && !valid_bin_code(&bin) {
        return Err(bad(
            P_BIN,
            "bad_bin",
            format!("库位编码只能用字母、数字和符号，不能有空格：{bin:?}"),
            format!("a bin code is ASCII letters, digits and signs without spaces: {bin:?}"),
        ));
    }
    let qty_text = t.get(row, P_QTY);
    let qty = if qty_text.is_empty() {
        0
    } else {
        qty_text
            .parse::<i64>()
            .ok()
            .filter(|q| (0..=10_000_000).contains(q))
            .ok_or_else(|| {
                bad(
                    P_QTY,
                    "bad_quantity",
                    format!("{}应为 0 或正整数：{qty_text:?}", columns[P_QTY].name),
                    format!("{qty_en} must be a whole number, 0 or more: {qty_text:?}"),
                )
            })?
    };
    Ok(ParsedProduct {
        line: row.line,
        qty,
        product: Product {
            sku_code,
            barcode,
            name,
            spec: t.get(row, P_SPEC).into_owned(),
            price,
            bin: if bin.is_empty() { None } else { Some(bin) },
            state: ProductState::Active,
        },
    })
}
