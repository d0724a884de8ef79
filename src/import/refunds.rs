//! Taobao's refund export (退款管理 → 导出): GBK or UTF-8, columns found by their header name
//! (one export version has 42; later ones add and move columns). Only what packbench uses is
//! read; the rest is left alone.

use super::BadRow;
use super::table::{Column, Row, Table};
use crate::domain::Fen;
use crate::domain::refund::{Refund, RefundStatus};
use crate::domain::time::{parse_shop_time, to_store};

/// A column found by its own name.
macro_rules! col {
    ($name:literal, $required:expr, $max:expr) => {
        Column {
            name: $name,
            aliases: &[$name],
            required: $required,
            max: $max,
        }
    };
}

pub const REFUND_COLUMNS: [Column; 13] = [
    col!("订单编号", true, 32),
    col!("退款编号", true, 32),
    col!("商品编码", false, 64),
    col!("退款状态", true, 64),
    col!("货物状态", false, 64),
    col!("买家退款金额", true, 32),
    col!("是否需要退货", false, 8),
    col!("退货物流单号", false, 64),
    col!("退货物流公司", false, 64),
    col!("买家退款原因", false, 500),
    col!("部分退款/全部退款", false, 16),
    col!("退款的申请时间", false, 32),
    col!("退款完结时间", false, 32),
];
const R_ORDER: usize = 0;
const R_REFUND: usize = 1;
const R_SKU: usize = 2;
const R_STATUS: usize = 3;
const R_GOODS: usize = 4;
const R_AMOUNT: usize = 5;
const R_RETURN: usize = 6;
const R_WAYBILL: usize = 7;
const R_COURIER: usize = 8;
const R_REASON: usize = 9;
const R_FULL: usize = 10;
const R_REQUESTED: usize = 11;
const R_FINISHED: usize = 12;

/// One refund of the file, or why its row is refused.
pub fn parse_refund_row(t: &Table, row: &Row) -> Result<Refund, BadRow> {
    t.check_lengths(row)?;
    let bad = |col: usize, code: &'static str, zh: String, en: String| {
        BadRow::new(&t.file, row.line, REFUND_COLUMNS[col].name, code, zh, en)
    };
    let get = |col: usize| t.get(row, col).trim().to_string();
    let required = |col: usize| {
        let v = get(col);
        if v.is_empty() {
            let name = REFUND_COLUMNS[col].name;
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
    let order_no = required(R_ORDER)?;
    let refund_no = required(R_REFUND)?;
    for (col, v) in [(R_ORDER, &order_no), (R_REFUND, &refund_no)] {
        if !v.chars().all(|c| c.is_ascii_digit()) {
            let name = REFUND_COLUMNS[col].name;
            return Err(bad(
                col,
                "bad_number",
                format!("“{name}”应是数字：{v:?}"),
                format!("\"{name}\" must be digits: {v:?}"),
            ));
        }
    }
    let status_text = required(R_STATUS)?;
    let status = RefundStatus::from_taobao(&status_text).ok_or_else(|| {
        bad(
            R_STATUS,
            "bad_refund_status",
            format!("不认识的退款状态：{status_text:?}"),
            format!("unknown refund status: {status_text:?}"),
        )
    })?;
    let amount_text = required(R_AMOUNT)?;
    let amount = Fen::parse_yuan(&amount_text)
        .map_err(|e| bad(R_AMOUNT, "bad_money", e.zh(), e.to_string()))?;
    let needs_return = match get(R_RETURN).as_str() {
        "" | "否" => false,
        "是" => true,
        other => {
            return Err(bad(
                R_RETURN,
                "bad_yes_no",
                format!("“是否需要退货”应是“是”或“否”：{other:?}"),
                format!("\"是否需要退货\" must be 是 or 否: {other:?}"),
            ));
        }
    };
    let time = |col: usize| -> Result<Option<String>, BadRow> {
        let v = get(col);
        if v.is_empty() {
            return Ok(None);
        }
        parse_shop_time(&v)
            .map(|t| Some(to_store(&t)))
            .map_err(|e| bad(col, "bad_date", e.zh(), e.to_string()))
    };
    let some = |v: String| (!v.is_empty()).then_some(v);
    Ok(Refund {
        refund_no,
        order_no,
        sku_code: get(R_SKU),
        status,
        goods_status: get(R_GOODS),
        amount,
        needs_return,
        return_waybill: some(get(R_WAYBILL)),
        return_courier: some(get(R_COURIER)),
        reason: get(R_REASON),
        full: get(R_FULL) == "全部退款",
        requested_at: time(R_REQUESTED)?,
        finished_at: time(R_FINISHED)?,
    })
}
