//! Phone orders' origin and exchanges (换货).

use super::{Db, now, params};
use crate::domain::Actor;
use crate::error::Result;

/// An exchange: the order for the new goods and the order whose goods come back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExchangeRow {
    pub order_no: String,
    pub original_no: String,
    pub return_waybill: Option<String>,
    pub how: String,
}

impl Db<'_> {
    /// Marks an order entered here (a phone order): it never goes back to Taobao.
    pub fn mark_phone_order(&self, order_id: i64) -> Result<()> {
        self.exec(
            "UPDATE orders SET origin = 'phone' WHERE id = ?1",
            params![order_id],
        )?;
        Ok(())
    }

    /// Whether the order was entered here, not on Taobao.
    pub fn is_phone_order(&self, order_no: &str) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT origin FROM orders WHERE order_no = ?1",
                params![order_no],
                |r| r.get::<String>(0),
            )?
            .is_some_and(|o| o == "phone"))
    }

    /// How many phone orders' numbers start with `prefix` (letters, digits and `-`: nothing
    /// LIKE reads as a wildcard).
    pub fn phone_orders_with_prefix(&self, prefix: &str) -> Result<i64> {
        debug_assert!(
            prefix
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        );
        self.one(
            "SELECT count(*) FROM orders WHERE origin = 'phone' AND order_no LIKE ?1",
            params![format!("{prefix}%")],
            |r| r.get(0),
        )
    }

    /// Links (or re-links) an exchange order to its original; a known return waybill stays
    /// unless a new one is given.
    pub fn put_exchange(
        &self,
        order_no: &str,
        original_no: &str,
        return_waybill: Option<&str>,
        how: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO exchanges (order_no, original_no, return_waybill, how, staff_id, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (order_no) DO UPDATE SET original_no = excluded.original_no,
                return_waybill = COALESCE(excluded.return_waybill, exchanges.return_waybill),
                how = excluded.how, staff_id = excluded.staff_id, at = excluded.at",
            params![
                order_no,
                original_no,
                return_waybill,
                how,
                actor.staff.id,
                now()
            ],
        )?;
        Ok(())
    }

    pub fn exchange(&self, order_no: &str) -> Result<Option<ExchangeRow>> {
        self.opt(
            "SELECT order_no, original_no, return_waybill, how FROM exchanges WHERE order_no = ?1",
            params![order_no],
            |r| {
                Ok(ExchangeRow {
                    order_no: r.get(0)?,
                    original_no: r.get(1)?,
                    return_waybill: r.get(2)?,
                    how: r.get(3)?,
                })
            },
        )
    }

    /// The exchanges whose goods come back under this return waybill.
    pub fn exchanges_by_return_waybill(&self, waybill: &str) -> Result<Vec<ExchangeRow>> {
        self.all(
            "SELECT order_no, original_no, return_waybill, how FROM exchanges
             WHERE return_waybill = ?1 ORDER BY order_no",
            params![waybill],
            |r| {
                Ok(ExchangeRow {
                    order_no: r.get(0)?,
                    original_no: r.get(1)?,
                    return_waybill: r.get(2)?,
                    how: r.get(3)?,
                })
            },
        )
    }
}
