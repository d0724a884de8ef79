//! The event log: who did what, where, when. Append-only (enforced by triggers).

use super::{Db, now, params};
use crate::domain::Actor;
use crate::error::Result;

#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub id: i64,
    pub at: String,
    pub staff_code: String,
    pub terminal: String,
    pub kind: String,
    pub subject: String,
    pub detail: serde_json::Value,
}

impl Db<'_> {
    /// Records that `actor` did `kind` to `subject` (an order number, a SKU, …).
    pub fn log_event(
        &self,
        actor: &Actor,
        kind: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        self.exec_later(
            "INSERT INTO events (at, staff_id, terminal, kind, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now(), actor.staff.id, actor.terminal, kind, subject, detail.to_string()],
        )?;
        Ok(())
    }

    /// Records an event for a staff member other than the one at the keyboard (a picker whose
    /// tag was scanned).
    pub fn log_event_as(
        &self,
        staff_id: i64,
        terminal: &str,
        kind: &str,
        subject: &str,
        detail: &serde_json::Value,
    ) -> Result<()> {
        self.exec_later(
            "INSERT INTO events (at, staff_id, terminal, kind, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![now(), staff_id, terminal, kind, subject, detail.to_string()],
        )?;
        Ok(())
    }

    /// The newest events first, optionally of one kind.
    pub fn events(&self, kind: Option<&str>, limit: usize) -> Result<Vec<EventRow>> {
        let mut out = Vec::new();
        self.each_event(kind, limit, |e| {
            out.push(e);
            Ok(())
        })?;
        Ok(out)
    }

    /// The events of `events`, handed to `f` one at a time as they are read.
    pub fn each_event(
        &self,
        kind: Option<&str>,
        limit: usize,
        mut f: impl FnMut(EventRow) -> Result<()>,
    ) -> Result<()> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.each(
            "SELECT e.id, e.at, s.code, e.terminal, e.kind, e.subject, e.detail
             FROM events e JOIN staff s ON s.id = e.staff_id
             WHERE CAST(?1 AS TEXT) IS NULL OR e.kind = ?1 ORDER BY e.id DESC LIMIT ?2",
            params![kind, limit],
            |r| {
                let detail: String = r.get(6)?;
                f(EventRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    staff_code: r.get(2)?,
                    terminal: r.get(3)?,
                    kind: r.get(4)?,
                    subject: r.get(5)?,
                    detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::Null),
                })
            },
        )
    }
}
