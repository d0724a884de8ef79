//! Returns arriving: return parcels, the return desk's scans, posting into stock.

use super::{Db, now, params};
use crate::domain::Actor;
use crate::domain::check::ScanSource;
use crate::domain::outcome::Kind;
use crate::domain::refund::Refund;
use crate::error::Result;

/// A return parcel as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnRow {
    pub id: i64,
    pub waybill: String,
    /// `''`: no refund names it (无信息件).
    pub order_no: String,
    pub refund_nos: Vec<String>,
    pub posted_at: Option<String>,
}

/// One scan at the return desk, as written.
#[derive(Debug, Clone)]
pub struct NewReturnScan<'a> {
    pub code: &'a str,
    pub verdict: Kind,
    pub reason: Option<&'a str>,
    pub source: ScanSource,
    pub return_id: Option<i64>,
    pub product_id: Option<i64>,
    pub damaged: bool,
    pub counted: bool,
}

/// Units of one product counted into a return, good or damaged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnedUnits {
    pub product_id: i64,
    pub sku_code: String,
    pub bin: String,
    pub damaged: bool,
    pub qty: i64,
}

const RETURN_COLS: &str = "id, waybill, order_no, refund_nos, posted_at";

fn return_from_row(r: &super::Row<'_>) -> Result<ReturnRow> {
    let nos: String = r.get(3)?;
    Ok(ReturnRow {
        id: r.get(0)?,
        waybill: r.get(1)?,
        order_no: r.get(2)?,
        refund_nos: nos
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        posted_at: r.get(4)?,
    })
}

impl Db<'_> {
    pub fn return_by_waybill(&self, waybill: &str) -> Result<Option<ReturnRow>> {
        self.opt(
            &format!("SELECT {RETURN_COLS} FROM returns WHERE waybill = ?1"),
            params![waybill],
            return_from_row,
        )
    }

    /// The return parcels received for an order, oldest first.
    pub fn returns_of_order(&self, order_no: &str) -> Result<Vec<ReturnRow>> {
        self.all(
            &format!("SELECT {RETURN_COLS} FROM returns WHERE order_no = ?1 ORDER BY id"),
            params![order_no],
            return_from_row,
        )
    }

    pub fn return_by_id(&self, id: i64) -> Result<Option<ReturnRow>> {
        self.opt(
            &format!("SELECT {RETURN_COLS} FROM returns WHERE id = ?1"),
            params![id],
            return_from_row,
        )
    }

    /// The refunds whose return waybill (退货物流单号) is this number.
    pub fn refunds_by_return_waybill(&self, waybill: &str) -> Result<Vec<Refund>> {
        let nos: Vec<String> = self.all(
            "SELECT refund_no FROM refunds WHERE return_waybill = ?1 ORDER BY id",
            params![waybill],
            |r| r.get(0),
        )?;
        let refs: Vec<&str> = nos.iter().map(String::as_str).collect();
        let mut by_no = self.refunds_by_no(&refs)?;
        Ok(nos.iter().filter_map(|n| by_no.remove(n)).collect())
    }

    pub fn insert_return(
        &self,
        waybill: &str,
        order_no: &str,
        refund_nos: &[String],
        actor: &Actor,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO returns (waybill, order_no, refund_nos, staff_id, terminal, opened_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![
                waybill,
                order_no,
                refund_nos.join(","),
                actor.staff.id,
                actor.terminal,
                now()
            ],
        )
    }

    pub fn insert_return_scan(&self, actor: &Actor, s: &NewReturnScan<'_>) -> Result<i64> {
        self.insert(
            "INSERT INTO return_scans (at, staff_id, terminal, code, verdict, reason, source,
                                       return_id, product_id, damaged, counted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) RETURNING id",
            params![
                now(),
                actor.staff.id,
                actor.terminal,
                s.code,
                s.verdict.name(),
                s.reason,
                s.source.code(),
                s.return_id,
                s.product_id,
                s.damaged as i64,
                s.counted as i64
            ],
        )
    }

    /// The return open at a terminal (its last return scan's, unless posted since) and whether
    /// the `DAMAGED` card was the last thing it scanned that was not refused.
    pub fn return_desk(&self, terminal: &str) -> Result<(Option<ReturnRow>, bool)> {
        let last: Option<(Option<i64>, String)> = self.opt(
            "SELECT return_id, verdict FROM return_scans
             WHERE terminal = ?1 AND verdict IN ('return_opened', 'return_unmatched', 'return_good',
                   'return_damaged', 'damaged_next', 'return_posted')
             ORDER BY id DESC LIMIT 1",
            params![terminal],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let Some((Some(id), verdict)) = last else {
            return Ok((None, false));
        };
        let open = self.return_by_id(id)?.filter(|r| r.posted_at.is_none());
        let damaged_next = open.is_some() && verdict == Kind::DamagedNext.name();
        Ok((open, damaged_next))
    }

    /// What was counted into a return, per product and condition.
    pub fn returned_units(&self, return_id: i64) -> Result<Vec<ReturnedUnits>> {
        self.all(
            "SELECT s.product_id, p.sku_code, COALESCE(p.bin, ''), s.damaged, count(*)
             FROM return_scans s JOIN products p ON p.id = s.product_id
             WHERE s.return_id = ?1 AND s.counted = 1
             GROUP BY s.product_id, p.sku_code, p.bin, s.damaged ORDER BY p.sku_code, s.damaged",
            params![return_id],
            |r| {
                Ok(ReturnedUnits {
                    product_id: r.get(0)?,
                    sku_code: r.get(1)?,
                    bin: r.get(2)?,
                    damaged: r.get::<i64>(3)? == 1,
                    qty: r.get(4)?,
                })
            },
        )
    }

    /// Marks a return posted; `false` if it was already (then nothing more may be written).
    pub fn mark_return_posted(&self, id: i64, actor: &Actor) -> Result<bool> {
        Ok(self.exec(
            "UPDATE returns SET posted_at = ?2, posted_by = ?3 WHERE id = ?1 AND posted_at IS NULL",
            params![id, now(), actor.staff.id],
        )? == 1)
    }
}
