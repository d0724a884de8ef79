//! Refunds imported from Taobao.

use super::{Db, Param, Row, params};
use crate::domain::Fen;
use crate::domain::refund::{Refund, RefundStatus};
use crate::error::Result;
use std::collections::HashMap;

const REFUND_COLS: &str = "refund_no, order_no, sku_code, status, goods_status, amount_fen, needs_return, \
     return_waybill, return_courier, reason, full_refund, requested_at, finished_at";

fn refund_from_row(r: &Row<'_>) -> Result<Refund> {
    let status: String = r.get(3)?;
    Ok(Refund {
        refund_no: r.get(0)?,
        order_no: r.get(1)?,
        sku_code: r.get(2)?,
        // The schema allows only the codes there are.
        status: RefundStatus::from_code(&status).unwrap_or(RefundStatus::Requested),
        goods_status: r.get(4)?,
        amount: Fen(r.get(5)?),
        needs_return: r.get::<i64>(6)? == 1,
        return_waybill: r.get(7)?,
        return_courier: r.get(8)?,
        reason: r.get(9)?,
        full: r.get::<i64>(10)? == 1,
        requested_at: r.get(11)?,
        finished_at: r.get(12)?,
    })
}

impl Db<'_> {
    /// The refunds with these numbers that the store has, by number.
    pub fn refunds_by_no(&self, nos: &[&str]) -> Result<HashMap<String, Refund>> {
        let mut out = HashMap::new();
        for chunk in nos.chunks(super::orders::LOOKUP_CHUNK) {
            let ps: Vec<&dyn Param> = chunk.iter().map(|c| c as &dyn Param).collect();
            for r in self.all(
                &format!(
                    "SELECT {REFUND_COLS} FROM refunds WHERE refund_no IN ({})",
                    super::orders::placeholders(chunk.len())
                ),
                &ps,
                refund_from_row,
            )? {
                out.insert(r.refund_no.clone(), r);
            }
        }
        Ok(out)
    }

    /// Writes a refund: new, or the stored one of its number replaced (the caller has compared).
    pub fn put_refund(&self, r: &Refund) -> Result<()> {
        self.exec(
            &format!(
                "INSERT INTO refunds ({REFUND_COLS}, imported_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)
                 ON CONFLICT (refund_no) DO UPDATE SET order_no = excluded.order_no,
                    sku_code = excluded.sku_code, status = excluded.status,
                    goods_status = excluded.goods_status, amount_fen = excluded.amount_fen,
                    needs_return = excluded.needs_return, return_waybill = excluded.return_waybill,
                    return_courier = excluded.return_courier, reason = excluded.reason,
                    full_refund = excluded.full_refund, requested_at = excluded.requested_at,
                    finished_at = excluded.finished_at, updated_at = excluded.updated_at"
            ),
            params![
                r.refund_no,
                r.order_no,
                r.sku_code,
                r.status.code(),
                r.goods_status,
                r.amount.0,
                r.needs_return as i64,
                r.return_waybill,
                r.return_courier,
                r.reason,
                r.full as i64,
                r.requested_at,
                r.finished_at,
                super::now()
            ],
        )?;
        Ok(())
    }

    /// An order's refunds, oldest first.
    pub fn refunds_of_order(&self, order_no: &str) -> Result<Vec<Refund>> {
        self.all(
            &format!("SELECT {REFUND_COLS} FROM refunds WHERE order_no = ?1 ORDER BY id"),
            params![order_no],
            refund_from_row,
        )
    }
}
