//! The reads behind performance, commission and the self-audits (issue 16): each a pass over one
//! time range of the store's own record, grouped by staff and clock hour in SQL (the shop's zone
//! is a whole number of hours from UTC, so a UTC hour is a shop hour), the rest in `flow::report`.

use super::{Db, Row, now, params};
use crate::domain::Actor;
use crate::error::Result;

/// One group of a time range: a staff member's count in one UTC hour (`2026-12-01T03`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourCount {
    pub staff_id: i64,
    pub hour: String,
    pub what: String,
    pub n: i64,
    pub m: i64,
}

/// A batch a picker was credited with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickedBatch {
    pub batch_id: i64,
    pub picker_id: i64,
    pub picked_at: String,
    pub lines: i64,
    pub units: i64,
}

/// One counted stocktake scan: who, when, which line, which round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountScan {
    pub staff_id: i64,
    pub hour: String,
    pub round: i64,
    pub line: (i64, String, i64),
}

/// A refund on a shipped parcel, with who checked and who picked it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShippedRefund {
    pub order_no: String,
    pub reason: String,
    pub checker_id: Option<i64>,
    pub picker_id: Option<i64>,
    pub ship_mode: Option<String>,
    pub shipped_at: String,
}

/// An order and the remark rows that may credit it, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditRemark {
    pub text: String,
    pub staff_code: Option<String>,
    /// `import` or `staff`.
    pub source: String,
}

/// An order paid in a range, with its remarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidOrder {
    pub order_no: String,
    pub paid_at: String,
    pub paid_fen: i64,
    pub status: String,
    pub remarks: Vec<CreditRemark>,
}

/// A completed refund, with its order's remarks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DoneRefund {
    pub refund_no: String,
    pub order_no: String,
    pub amount_fen: i64,
    pub finished_at: String,
    pub remarks: Vec<CreditRemark>,
}

/// A parcel still here, for the self-audits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenParcel {
    pub id: i64,
    pub batch_id: Option<i64>,
    pub tracking_no: Option<String>,
    pub claimed_by: Option<String>,
    pub units_counted: i64,
    pub order_nos: Vec<String>,
}

/// A parcel that left in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftParcel {
    pub id: i64,
    pub tracking_no: String,
    pub shipped_at: String,
    pub shipped_by: String,
    pub order_nos: Vec<String>,
}

/// A signed self-audit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignedAudit {
    pub id: i64,
    pub role: String,
    pub day: String,
    pub staff_code: String,
    pub staff_name: String,
    pub terminal: String,
    pub at: String,
    pub open_items: i64,
    pub detail: serde_json::Value,
}

fn credit_remark(r: &Row<'_>, at: usize) -> Result<Option<CreditRemark>> {
    let text: Option<String> = r.get(at)?;
    Ok(match text {
        Some(text) => Some(CreditRemark {
            text,
            staff_code: r.get(at + 1)?,
            source: r.get(at + 2)?,
        }),
        None => None,
    })
}

impl Db<'_> {
    /// Check and pick scans of a range by staff, hour and mode: `n` units counted, `m` the
    /// mismatches caught (a wrong, unknown or surplus item, a refunded line).
    pub fn scan_hours(&self, from: &str, to: &str) -> Result<Vec<HourCount>> {
        self.all(
            "SELECT staff_id, substr(at, 1, 13), mode, COALESCE(sum(counted), 0),
                    COALESCE(sum(CASE WHEN verdict = 'item_wrong' OR verdict = 'item_unknown'
                                        OR verdict = 'item_surplus' OR verdict = 'line_refunded'
                                      THEN 1 ELSE 0 END), 0)
             FROM scans WHERE at >= ?1 AND at < ?2
             GROUP BY staff_id, substr(at, 1, 13), mode",
            params![from, to],
            hour_count,
        )
    }

    /// Parcels that left in a range by who shipped them, hour and how (`checked` or `bulk`).
    pub fn shipped_hours(&self, from: &str, to: &str) -> Result<Vec<HourCount>> {
        self.all(
            "SELECT shipped_by, substr(shipped_at, 1, 13), COALESCE(ship_mode, ''), count(*), 0
             FROM parcels WHERE shipped_at >= ?1 AND shipped_at < ?2 AND shipped_by IS NOT NULL
             GROUP BY shipped_by, substr(shipped_at, 1, 13), ship_mode",
            params![from, to],
            hour_count,
        )
    }

    /// Print jobs of a range that reached a printer or a file, by who, hour and kind
    /// (`waybills`, `waybills_reprint`, `picklist`, `labels`): `n` jobs, `m` items (parcels on
    /// waybills, label copies).
    pub fn print_hours(&self, from: &str, to: &str) -> Result<Vec<HourCount>> {
        self.all(
            "SELECT j.staff_id, substr(j.at, 1, 13),
                    j.kind || CASE WHEN j.reprint = 1 THEN '_reprint' ELSE '' END,
                    count(DISTINCT j.id),
                    COALESCE(sum(CASE WHEN j.kind = 'labels' THEN i.copies
                                      WHEN i.job_id IS NULL THEN 0 ELSE 1 END), 0)
             FROM print_jobs j LEFT JOIN print_job_items i ON i.job_id = j.id
             WHERE j.at >= ?1 AND j.at < ?2 AND j.result <> 'failed'
             GROUP BY j.staff_id, substr(j.at, 1, 13), j.kind, j.reprint",
            params![from, to],
            hour_count,
        )
    }

    /// Print batches made in a range (not cancelled), by who and hour.
    pub fn batch_hours(&self, from: &str, to: &str) -> Result<Vec<HourCount>> {
        self.all(
            "SELECT staff_id, substr(created_at, 1, 13), 'batch', count(*), 0
             FROM batches WHERE created_at >= ?1 AND created_at < ?2 AND cancelled_at IS NULL
             GROUP BY staff_id, substr(created_at, 1, 13)",
            params![from, to],
            hour_count,
        )
    }

    /// Batches credited to a picker (their tag scanned at the pick screen or the check bench)
    /// in a range, with the lines and units of their parcels (refunded lines are not picked).
    pub fn picked_batches(&self, from: &str, to: &str) -> Result<Vec<PickedBatch>> {
        let batches: Vec<(i64, i64, String)> = self.all(
            "SELECT id, picker_id, picked_at FROM batches
             WHERE picker_id IS NOT NULL AND picked_at >= ?1 AND picked_at < ?2
               AND cancelled_at IS NULL",
            params![from, to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let mut out = Vec::with_capacity(batches.len());
        for (batch_id, picker_id, picked_at) in batches {
            let (lines, units) = self.one(
                "SELECT count(l.id), COALESCE(sum(l.qty), 0)
                 FROM parcels p JOIN orders o ON o.parcel_id = p.id
                 JOIN order_lines l ON l.order_id = o.id AND l.status <> 'closed'
                 WHERE p.batch_id = ?1",
                params![batch_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            out.push(PickedBatch {
                batch_id,
                picker_id,
                picked_at,
                lines,
                units,
            });
        }
        Ok(out)
    }

    /// Counted stocktake scans of a range.
    pub fn count_scans(&self, from: &str, to: &str) -> Result<Vec<CountScan>> {
        self.all(
            "SELECT staff_id, substr(at, 1, 13), round, session_id, bin, product_id
             FROM stock_scans WHERE at >= ?1 AND at < ?2 AND mode = 'stocktake'
               AND verdict = 'item_counted' AND session_id IS NOT NULL AND product_id IS NOT NULL",
            params![from, to],
            |r| {
                Ok(CountScan {
                    staff_id: r.get(0)?,
                    hour: r.get(1)?,
                    round: r.get(2)?,
                    line: (
                        r.get(3)?,
                        r.get::<Option<String>>(4)?.unwrap_or_default(),
                        r.get(5)?,
                    ),
                })
            },
        )
    }

    /// Refunds with a reason, of orders whose parcel left in a range: the mis-ships are among them.
    pub fn refunds_of_shipped(&self, from: &str, to: &str) -> Result<Vec<ShippedRefund>> {
        self.all(
            "SELECT f.order_no, f.reason, p.shipped_by, b.picker_id, p.ship_mode, p.shipped_at
             FROM refunds f JOIN orders o ON o.order_no = f.order_no
             JOIN parcels p ON p.id = o.parcel_id LEFT JOIN batches b ON b.id = p.batch_id
             WHERE f.reason <> '' AND p.shipped_at >= ?1 AND p.shipped_at < ?2
             ORDER BY f.id",
            params![from, to],
            |r| {
                Ok(ShippedRefund {
                    order_no: r.get(0)?,
                    reason: r.get(1)?,
                    checker_id: r.get(2)?,
                    picker_id: r.get(3)?,
                    ship_mode: r.get(4)?,
                    shipped_at: r.get(5)?,
                })
            },
        )
    }

    /// Orders paid in a range (any state after payment), each with its remarks oldest first.
    pub fn paid_orders(&self, from: &str, to: &str) -> Result<Vec<PaidOrder>> {
        self.orders_with_remarks(
            "FROM orders o LEFT JOIN remarks r ON r.order_id = o.id
             WHERE (o.status = 'paid' OR o.status = 'shipped' OR o.status = 'completed'
                    OR o.status = 'closed')
               AND o.paid_at >= ?1 AND o.paid_at < ?2",
            from,
            to,
        )
    }

    /// The orders of `tail` (FROM … WHERE over `o` and its remarks `r`, a range as ?1 and ?2),
    /// each with its remarks oldest first.
    fn orders_with_remarks(&self, tail: &str, from: &str, to: &str) -> Result<Vec<PaidOrder>> {
        self.grouped(
            &format!(
                "SELECT o.id, o.order_no, COALESCE(o.paid_at, ''), o.paid_fen, o.status,
                        r.text, r.staff_code, r.source
                 {tail} ORDER BY o.id, r.id"
            ),
            params![from, to],
            |r| {
                Ok(PaidOrder {
                    order_no: r.get(1)?,
                    paid_at: r.get(2)?,
                    paid_fen: r.get(3)?,
                    status: r.get(4)?,
                    remarks: Vec::new(),
                })
            },
            |o| &mut o.remarks,
        )
    }

    /// Rows grouped by their first column (an id, rows of one id together): `head` reads a
    /// group's first row; the remark in columns 5–7 of each row is added to `remarks` of it.
    fn grouped<T>(
        &self,
        sql: &str,
        params: &[&dyn super::Param],
        head: impl Fn(&Row<'_>) -> Result<T>,
        remarks: impl Fn(&mut T) -> &mut Vec<CreditRemark>,
    ) -> Result<Vec<T>> {
        let mut out: Vec<T> = Vec::new();
        let mut last_id = None;
        self.each(sql, params, |r| {
            let id: i64 = r.get(0)?;
            if last_id != Some(id) {
                last_id = Some(id);
                out.push(head(r)?);
            }
            if let Some(rm) = credit_remark(r, 5)? {
                remarks(out.last_mut().expect("pushed")).push(rm);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Refunds completed (退款成功) in a range, each with its order's remarks oldest first.
    pub fn refunds_done(&self, from: &str, to: &str) -> Result<Vec<DoneRefund>> {
        self.grouped(
            "SELECT f.id, f.refund_no, f.order_no, f.amount_fen, f.finished_at,
                    r.text, r.staff_code, r.source
             FROM refunds f LEFT JOIN orders o ON o.order_no = f.order_no
             LEFT JOIN remarks r ON r.order_id = o.id
             WHERE f.status = 'refunded' AND f.finished_at >= ?1 AND f.finished_at < ?2
             ORDER BY f.id, r.id",
            params![from, to],
            |r| {
                Ok(DoneRefund {
                    refund_no: r.get(1)?,
                    order_no: r.get(2)?,
                    amount_fen: r.get(3)?,
                    finished_at: r.get(4)?,
                    remarks: Vec::new(),
                })
            },
            |f| &mut f.remarks,
        )
    }

    /// Printed parcels still here (the stage says so, with or without a number), with the units
    /// counted on each at a bench so far.
    pub fn open_printed_parcels(&self) -> Result<Vec<OpenParcel>> {
        type Open = (i64, Option<i64>, Option<String>, Option<String>, i64);
        let rows: Vec<Open> = self.all(
            "SELECT p.id, p.batch_id, p.tracking_no, p.claimed_by,
                    (SELECT count(*) FROM scans s WHERE s.parcel_id = p.id AND s.counted = 1)
             FROM parcels p WHERE p.stage <> 'shipped' AND p.stage = 'printed' ORDER BY p.id",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, batch_id, tracking_no, claimed_by, units_counted) in rows {
            out.push(OpenParcel {
                id,
                batch_id,
                tracking_no,
                claimed_by,
                units_counted,
                order_nos: self.all(
                    "SELECT order_no FROM orders WHERE parcel_id = ?1 ORDER BY id",
                    params![id],
                    |r| r.get(0),
                )?,
            });
        }
        Ok(out)
    }

    /// Parcels that left in a range by one way (`checked` or `bulk`).
    pub fn parcels_left(&self, from: &str, to: &str, mode: &str) -> Result<Vec<LeftParcel>> {
        let rows: Vec<(i64, String, String, String)> = self.all(
            "SELECT p.id, COALESCE(p.tracking_no, ''), p.shipped_at, COALESCE(s.code, '')
             FROM parcels p LEFT JOIN staff s ON s.id = p.shipped_by
             WHERE p.shipped_at >= ?1 AND p.shipped_at < ?2 AND p.ship_mode = ?3 ORDER BY p.shipped_at",
            params![from, to, mode],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, tracking_no, shipped_at, shipped_by) in rows {
            out.push(LeftParcel {
                id,
                tracking_no,
                shipped_at,
                shipped_by,
                order_nos: self.all(
                    "SELECT order_no FROM orders WHERE parcel_id = ?1 ORDER BY id",
                    params![id],
                    |r| r.get(0),
                )?,
            });
        }
        Ok(out)
    }

    /// The parcels put on paper (first prints, not reprints) in a range, and whether each left.
    pub fn printed_parcels(&self, from: &str, to: &str) -> Result<Vec<(i64, String, bool)>> {
        self.all(
            "SELECT DISTINCT p.id, COALESCE(i.tracking_no, ''), p.stage = 'shipped'
             FROM print_jobs j JOIN print_job_items i ON i.job_id = j.id
             JOIN parcels p ON p.id = i.parcel_id
             WHERE j.at >= ?1 AND j.at < ?2 AND j.kind = 'waybills' AND j.reprint = 0
               AND j.result <> 'failed'
             ORDER BY p.id",
            params![from, to],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Orders of the parcels that left in a range, with their remarks oldest first.
    pub fn shipped_orders(&self, from: &str, to: &str) -> Result<Vec<PaidOrder>> {
        self.orders_with_remarks(
            "FROM parcels p JOIN orders o ON o.parcel_id = p.id
             LEFT JOIN remarks r ON r.order_id = o.id
             WHERE p.shipped_at >= ?1 AND p.shipped_at < ?2",
            from,
            to,
        )
    }

    /// Events of one kind in a range: (subject, detail, at).
    pub fn events_between(
        &self,
        kind: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, serde_json::Value, String)>> {
        self.all(
            "SELECT subject, detail, at FROM events WHERE kind = ?1 AND at >= ?2 AND at < ?3 ORDER BY id",
            params![kind, from, to],
            |r| {
                let detail: String = r.get(1)?;
                Ok((
                    r.get(0)?,
                    serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                    r.get(2)?,
                ))
            },
        )
    }

    /// Inbound receipts not confirmed yet: (id, created, who, lines, units).
    #[allow(clippy::type_complexity)]
    pub fn open_receipts(&self) -> Result<Vec<(i64, String, String, i64, i64)>> {
        self.all(
            "SELECT r.id, r.created_at, s.code,
                    (SELECT count(*) FROM receipt_lines l WHERE l.receipt_id = r.id),
                    (SELECT COALESCE(sum(l.qty), 0) FROM receipt_lines l WHERE l.receipt_id = r.id)
             FROM receipts r JOIN staff s ON s.id = r.staff_id
             WHERE r.state = 'open' ORDER BY r.id",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
    }

    /// Refunds in one state: (refund no, order no, amount, return waybill, requested).
    #[allow(clippy::type_complexity)]
    pub fn refunds_in(
        &self,
        status: &str,
    ) -> Result<Vec<(String, String, i64, Option<String>, Option<String>)>> {
        self.all(
            "SELECT refund_no, order_no, amount_fen, return_waybill, requested_at
             FROM refunds WHERE status = ?1 ORDER BY id",
            params![status],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
    }

    /// Whether the return desk has opened a return under this waybill.
    pub fn return_opened(&self, waybill: &str) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM returns WHERE waybill = ?1",
                params![waybill],
                |r| r.get::<i64>(0),
            )?
            .is_some())
    }

    /// Returns opened at the desk and not posted to stock: (waybill, order no, opened).
    pub fn returns_unposted(&self) -> Result<Vec<(String, String, String)>> {
        self.all(
            "SELECT waybill, order_no, opened_at FROM returns WHERE posted_at IS NULL ORDER BY id",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Signs a self-audit.
    pub fn sign_audit(
        &self,
        role: &str,
        day: &str,
        open_items: i64,
        detail: &serde_json::Value,
        actor: &Actor,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO self_audits (role, day, staff_id, terminal, at, open_items, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                role,
                day,
                actor.staff.id,
                actor.terminal.as_str(),
                now(),
                open_items,
                detail.to_string()
            ],
        )
    }

    /// The signatures of a role's audit of a day, oldest first.
    pub fn signed_audits(&self, role: &str, day: &str) -> Result<Vec<SignedAudit>> {
        self.all(
            "SELECT a.id, a.role, a.day, s.code, s.name, a.terminal, a.at, a.open_items, a.detail
             FROM self_audits a JOIN staff s ON s.id = a.staff_id
             WHERE a.day = ?1 AND a.role = ?2 ORDER BY a.id",
            params![day, role],
            |r| {
                let detail: String = r.get(8)?;
                Ok(SignedAudit {
                    id: r.get(0)?,
                    role: r.get(1)?,
                    day: r.get(2)?,
                    staff_code: r.get(3)?,
                    staff_name: r.get(4)?,
                    terminal: r.get(5)?,
                    at: r.get(6)?,
                    open_items: r.get(7)?,
                    detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                })
            },
        )
    }
}

fn hour_count(r: &Row<'_>) -> Result<HourCount> {
    Ok(HourCount {
        staff_id: r.get::<Option<i64>>(0)?.unwrap_or(0),
        hour: r.get(1)?,
        what: r.get(2)?,
        n: r.get(3)?,
        m: r.get(4)?,
    })
}
