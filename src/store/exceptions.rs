//! Voided waybills and the exceptions lists.

use super::{Db, Row, now, params};
use crate::domain::Actor;
use crate::domain::exception::{Exception, ExceptionKind, Queue};
use crate::error::Result;

/// A voided waybill: the number, the parcel it was on, who voided it and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoidRow {
    pub tracking_no: String,
    pub parcel_id: i64,
    pub courier: String,
    pub reason: String,
    pub staff_code: String,
    pub at: String,
}

const EXCEPTION_COLS: &str = "e.id, e.kind, e.queue, e.order_no, e.tracking_no, e.note, s.code, \
     e.terminal, e.at, h.code, e.handled_at, e.handled_note";

fn exception_from_row(r: &Row<'_>) -> Result<Exception> {
    let kind: String = r.get(1)?;
    let queue: String = r.get(2)?;
    Ok(Exception {
        id: r.get(0)?,
        // Only this program writes the kind; an unknown one reads as the nearest harmless kind.
        kind: ExceptionKind::from_code(&kind).unwrap_or(ExceptionKind::OrderRemoved),
        queue: Queue::from_code(&queue).unwrap_or(Queue::Printer),
        order_no: r.get(3)?,
        tracking_no: r.get(4)?,
        note: r.get(5)?,
        raised_by: r.get(6)?,
        terminal: r.get(7)?,
        at: r.get(8)?,
        handled_by: r.get(9)?,
        handled_at: r.get(10)?,
        handled_note: r.get(11)?,
    })
}

/// What one exception is about.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExceptionSubject<'a> {
    pub parcel_id: Option<i64>,
    pub order_no: &'a str,
    pub tracking_no: &'a str,
    pub note: &'a str,
}

impl Db<'_> {
    /// Records a void: the number stays used (its pool row keeps the parcel), the parcel loses
    /// it, and so do the parcel's orders.
    pub fn void_waybill(
        &self,
        tracking_no: &str,
        parcel_id: i64,
        courier: &str,
        reason: &str,
        actor: &Actor,
    ) -> Result<()> {
        let at = now();
        self.exec(
            "INSERT INTO waybill_voids (tracking_no, parcel_id, courier, reason, staff_id, terminal, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![tracking_no, parcel_id, courier, reason, actor.staff.id, actor.terminal, at],
        )?;
        self.exec(
            "UPDATE parcels SET tracking_no = NULL WHERE id = ?1",
            params![parcel_id],
        )?;
        self.exec(
            "UPDATE orders SET tracking_no = NULL, updated_at = ?2 WHERE parcel_id = ?1",
            params![parcel_id, at],
        )?;
        Ok(())
    }

    /// The void of a number, if it was voided.
    pub fn waybill_void(&self, tracking_no: &str) -> Result<Option<VoidRow>> {
        self.opt(
            "SELECT v.tracking_no, v.parcel_id, v.courier, v.reason, s.code, v.at
             FROM waybill_voids v JOIN staff s ON s.id = v.staff_id WHERE v.tracking_no = ?1",
            params![tracking_no],
            |r| {
                Ok(VoidRow {
                    tracking_no: r.get(0)?,
                    parcel_id: r.get(1)?,
                    courier: r.get(2)?,
                    reason: r.get(3)?,
                    staff_code: r.get(4)?,
                    at: r.get(5)?,
                })
            },
        )
    }

    /// The numbers voided on a batch's parcels.
    pub fn batch_voids(&self, batch_id: crate::domain::BatchId) -> Result<Vec<String>> {
        self.all(
            "SELECT v.tracking_no FROM waybill_voids v JOIN parcels p ON p.id = v.parcel_id
             WHERE p.batch_id = ?1 ORDER BY v.tracking_no",
            params![batch_id],
            |r| r.get(0),
        )
    }

    /// Gives a printed parcel that lost its waybill a new number (and courier); its orders carry
    /// them too.
    pub fn rewaybill_parcel(&self, parcel_id: i64, courier: &str, tracking_no: &str) -> Result<()> {
        self.exec(
            "UPDATE parcels SET courier = ?2, tracking_no = ?3 WHERE id = ?1",
            params![parcel_id, courier, tracking_no],
        )?;
        self.exec(
            "UPDATE orders SET courier = ?2, tracking_no = ?3, updated_at = ?4 WHERE parcel_id = ?1",
            params![parcel_id, courier, tracking_no, now()],
        )?;
        Ok(())
    }

    /// Takes an order out of its parcel: it has no parcel, courier or number any more.
    pub fn take_order_out(&self, order_id: i64) -> Result<()> {
        self.exec(
            "UPDATE orders SET parcel_id = NULL, courier = NULL, tracking_no = NULL, updated_at = ?2
             WHERE id = ?1",
            params![order_id, now()],
        )?;
        Ok(())
    }

    /// Puts an exception on its list; its id.
    pub fn raise_exception(
        &self,
        actor: &Actor,
        kind: ExceptionKind,
        s: &ExceptionSubject<'_>,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO exceptions (kind, queue, parcel_id, order_no, tracking_no, note, staff_id,
                                     terminal, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            params![
                kind.code(),
                kind.queue().code(),
                s.parcel_id,
                s.order_no,
                s.tracking_no,
                s.note,
                actor.staff.id,
                actor.terminal,
                now()
            ],
        )
    }

    /// The exceptions not handled yet, oldest first: one list, or both.
    pub fn open_exceptions(&self, queue: Option<Queue>, limit: usize) -> Result<Vec<Exception>> {
        let q = queue.map_or("", Queue::code);
        self.all(
            &format!(
                "SELECT {EXCEPTION_COLS} FROM exceptions e JOIN staff s ON s.id = e.staff_id
                 LEFT JOIN staff h ON h.id = e.handled_by
                 WHERE e.handled_at IS NULL AND (?1 = '' OR e.queue = ?1)
                 ORDER BY e.id LIMIT ?2"
            ),
            params![q, limit as i64],
            exception_from_row,
        )
    }

    pub fn exception(&self, id: i64) -> Result<Option<Exception>> {
        self.opt(
            &format!(
                "SELECT {EXCEPTION_COLS} FROM exceptions e JOIN staff s ON s.id = e.staff_id
                 LEFT JOIN staff h ON h.id = e.handled_by WHERE e.id = ?1"
            ),
            params![id],
            exception_from_row,
        )
    }

    /// Every exception of an order, handled or not, oldest first.
    pub fn exceptions_of_order(&self, order_no: &str) -> Result<Vec<Exception>> {
        self.all(
            &format!(
                "SELECT {EXCEPTION_COLS} FROM exceptions e JOIN staff s ON s.id = e.staff_id
                 LEFT JOIN staff h ON h.id = e.handled_by WHERE e.order_no = ?1 ORDER BY e.id"
            ),
            params![order_no],
            exception_from_row,
        )
    }

    /// Whether the parcel has an exception of this kind not handled yet.
    pub fn parcel_has_open_exception(&self, parcel_id: i64, kind: ExceptionKind) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT id FROM exceptions WHERE parcel_id = ?1 AND kind = ?2 AND handled_at IS NULL",
                params![parcel_id, kind.code()],
                |r| r.get::<i64>(0),
            )?
            .is_some())
    }

    /// Other orders to the same receiver (name, phone, address) waiting to print: paid, not
    /// held, in no parcel or only merged — not in `parcel_id`. At most five.
    pub fn other_ready_orders(
        &self,
        receiver: &crate::domain::Receiver,
        parcel_id: i64,
    ) -> Result<Vec<String>> {
        self.all(
            "SELECT o.order_no FROM orders o LEFT JOIN parcels pa ON pa.id = o.parcel_id
             WHERE o.receiver_name = ?1 AND o.receiver_phone = ?2 AND o.receiver_address = ?3
               AND o.status = 'paid' AND o.hold_reason IS NULL
               AND (o.parcel_id IS NULL OR (o.parcel_id <> ?4 AND pa.stage = 'merged'))
             ORDER BY o.order_no LIMIT 5",
            params![receiver.name, receiver.phone, receiver.address, parcel_id],
            |r| r.get(0),
        )
    }

    /// Whether a remark of the order says the buyer paid by transfer (汇款, 转账).
    pub fn transfer_noted(&self, order_id: i64) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT id FROM remarks WHERE order_id = ?1
                   AND (text LIKE '%汇款%' OR text LIKE '%转账%') LIMIT 1",
                params![order_id],
                |r| r.get::<i64>(0),
            )?
            .is_some())
    }

    /// Marks an exception handled; `false` if it was handled already (someone else was first).
    pub fn handle_exception(&self, id: i64, actor: &Actor, note: &str) -> Result<bool> {
        Ok(self.exec(
            "UPDATE exceptions SET handled_by = ?2, handled_at = ?3, handled_note = ?4
             WHERE id = ?1 AND handled_at IS NULL",
            params![id, actor.staff.id, now(), note],
        )? == 1)
    }

    /// Marks handled every open exception of a parcel (of these kinds): what it asked for is done.
    /// The ids handled.
    pub fn handle_parcel_exceptions(
        &self,
        parcel_id: i64,
        kinds: &[ExceptionKind],
        actor: &Actor,
        note: &str,
    ) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for k in kinds {
            out.extend(self.all(
                "UPDATE exceptions SET handled_by = ?3, handled_at = ?4, handled_note = ?5
                 WHERE parcel_id = ?1 AND kind = ?2 AND handled_at IS NULL RETURNING id",
                params![parcel_id, k.code(), actor.staff.id, now(), note],
                |r| r.get::<i64>(0),
            )?);
        }
        Ok(out)
    }
}
