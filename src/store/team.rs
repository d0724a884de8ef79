//! The team's tables: the roster, the handover book and the team fund. All three are
//! append-only (by trigger): a roster is set again from a day on, a fund entry is answered by a
//! reversal, and the handover book only grows.

use super::{Db, Row, params};
use crate::domain::team::{FundKind, Shift};
use crate::domain::{Actor, Fen, Role};
use crate::error::{Error, Result};

/// A roster as set: whose, which shift and rest day, from when, set by whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterRow {
    pub id: i64,
    pub staff_code: String,
    pub staff_name: String,
    pub role: Role,
    pub shift: Shift,
    pub rest_day: u8,
    pub from_day: String,
    pub set_by: String,
    pub at: String,
}

/// One entry of the handover book.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HandoverRow {
    pub id: i64,
    /// When it was written (UTC).
    pub at: String,
    pub staff_code: String,
    pub staff_name: String,
    pub terminal: String,
    /// The day its shift began.
    pub day: String,
    pub shift: Shift,
    pub text: String,
}

/// One entry of the team fund.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FundRow {
    pub id: i64,
    pub at: String,
    pub kind: FundKind,
    /// Whom it concerns (none for team spending).
    pub staff_code: Option<String>,
    pub staff_name: Option<String>,
    /// Into the fund (+) or out of it (-).
    pub amount: Fen,
    pub reason: String,
    /// A third or later complaint fine in a month.
    pub flagged: bool,
    /// The entry this one reverses.
    pub reverses: Option<i64>,
    /// The entry that reversed this one.
    pub reversed_by: Option<i64>,
    pub by: String,
    pub terminal: String,
}

/// A fund entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFundEntry {
    pub at: String,
    pub kind: FundKind,
    pub staff_id: Option<i64>,
    pub amount: Fen,
    pub reason: String,
    pub flagged: bool,
    pub reverses: Option<i64>,
}

fn shift_of(code: &str) -> Result<Shift> {
    Shift::from_code(code).ok_or_else(|| Error::decode(format!("unknown shift: {code:?}")))
}

fn handover_from_row(r: &Row<'_>) -> Result<HandoverRow> {
    let shift: String = r.get(6)?;
    Ok(HandoverRow {
        id: r.get(0)?,
        at: r.get(1)?,
        staff_code: r.get(2)?,
        staff_name: r.get(3)?,
        terminal: r.get(4)?,
        day: r.get(5)?,
        shift: shift_of(&shift)?,
        text: r.get(7)?,
    })
}

const HANDOVER_SELECT: &str =
    "SELECT h.id, h.at, s.code, s.name, h.terminal, h.day, h.shift, h.text
     FROM handover h JOIN staff s ON s.id = h.staff_id";

const FUND_SELECT: &str = "SELECT f.id, f.at, f.kind, s.code, s.name, f.amount_fen, f.reason,
            f.flagged, f.reverses, (SELECT r.id FROM fund r WHERE r.reverses = f.id), b.code,
            f.terminal
     FROM fund f LEFT JOIN staff s ON s.id = f.staff_id JOIN staff b ON b.id = f.by_id";

fn fund_from_row(r: &Row<'_>) -> Result<FundRow> {
    let kind: String = r.get(2)?;
    Ok(FundRow {
        id: r.get(0)?,
        at: r.get(1)?,
        kind: FundKind::from_code(&kind)
            .ok_or_else(|| Error::decode(format!("unknown fund kind: {kind:?}")))?,
        staff_code: r.get(3)?,
        staff_name: r.get(4)?,
        amount: Fen(r.get(5)?),
        reason: r.get(6)?,
        flagged: r.get(7)?,
        reverses: r.get(8)?,
        reversed_by: r.get(9)?,
        by: r.get(10)?,
        terminal: r.get(11)?,
    })
}

impl Db<'_> {
    /// Sets a person's roster from `from_day` on (a new row; the old ones stay).
    pub fn insert_roster(
        &self,
        actor: &Actor,
        staff_id: i64,
        shift: Shift,
        rest_day: u8,
        from_day: &str,
        at: &str,
    ) -> Result<i64> {
        self.insert(
            "INSERT INTO roster (staff_id, shift, rest_day, from_day, set_by, terminal, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                staff_id,
                shift.code(),
                i64::from(rest_day),
                from_day,
                actor.staff.id,
                actor.terminal,
                at
            ],
        )
    }

    /// Every roster row of active staff that started by `last_day`, by staff code, in the
    /// order they apply (start day, then as set).
    pub fn roster_rows(&self, last_day: &str) -> Result<Vec<RosterRow>> {
        self.all(
            "SELECT r.id, s.code, s.name, s.role, r.shift, r.rest_day, r.from_day, b.code, r.at
             FROM roster r JOIN staff s ON s.id = r.staff_id JOIN staff b ON b.id = r.set_by
             WHERE r.from_day <= ?1 AND s.active = 1
             ORDER BY s.code, r.from_day, r.id",
            params![last_day],
            |r| {
                let role: String = r.get(3)?;
                let shift: String = r.get(4)?;
                let rest: i64 = r.get(5)?;
                Ok(RosterRow {
                    id: r.get(0)?,
                    staff_code: r.get(1)?,
                    staff_name: r.get(2)?,
                    role: Role::from_code(&role).unwrap_or(Role::CustomerService),
                    shift: shift_of(&shift)?,
                    rest_day: u8::try_from(rest).unwrap_or(0),
                    from_day: r.get(6)?,
                    set_by: r.get(7)?,
                    at: r.get(8)?,
                })
            },
        )
    }

    pub fn insert_handover(
        &self,
        actor: &Actor,
        at: &str,
        day: &str,
        shift: Shift,
        text: &str,
    ) -> Result<HandoverRow> {
        let id = self.insert(
            "INSERT INTO handover (at, staff_id, terminal, day, shift, text)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            params![at, actor.staff.id, actor.terminal, day, shift.code(), text],
        )?;
        self.one(
            &format!("{HANDOVER_SELECT} WHERE h.id = ?1"),
            params![id],
            handover_from_row,
        )
    }

    /// The entries of the shifts that began on `day`, oldest first.
    pub fn handover_of_day(&self, day: &str) -> Result<Vec<HandoverRow>> {
        self.all(
            &format!("{HANDOVER_SELECT} WHERE h.day = ?1 ORDER BY h.at, h.id"),
            params![day],
            handover_from_row,
        )
    }

    /// The entries written in `[from, to)` (stored times), oldest first.
    pub fn handover_between(&self, from: &str, to: &str) -> Result<Vec<HandoverRow>> {
        self.all(
            &format!("{HANDOVER_SELECT} WHERE h.at >= ?1 AND h.at < ?2 ORDER BY h.at, h.id"),
            params![from, to],
            handover_from_row,
        )
    }

    pub fn insert_fund(&self, actor: &Actor, e: &NewFundEntry) -> Result<FundRow> {
        let id = self.insert(
            "INSERT INTO fund (at, kind, staff_id, amount_fen, reason, flagged, reverses, by_id,
                               terminal)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
            params![
                e.at,
                e.kind.code(),
                e.staff_id,
                e.amount.0,
                e.reason,
                e.flagged,
                e.reverses,
                actor.staff.id,
                actor.terminal
            ],
        )?;
        self.fund_entry(id)?
            .ok_or_else(|| Error::decode(format!("fund entry {id} not read back")))
    }

    pub fn fund_entry(&self, id: i64) -> Result<Option<FundRow>> {
        self.opt(
            &format!("{FUND_SELECT} WHERE f.id = ?1"),
            params![id],
            fund_from_row,
        )
    }

    /// The staff member a fund entry concerns (its id), for a reversal.
    pub fn fund_staff_id(&self, id: i64) -> Result<Option<i64>> {
        Ok(self
            .opt(
                "SELECT staff_id FROM fund WHERE id = ?1",
                params![id],
                |r| r.get::<Option<i64>>(0),
            )?
            .flatten())
    }

    /// Complaint fines against `staff_id` written in `[from, to)` and not reversed.
    pub fn complaint_fines_between(&self, staff_id: i64, from: &str, to: &str) -> Result<u32> {
        self.one(
            "SELECT count(*) FROM fund f
             WHERE f.staff_id = ?1 AND f.kind = 'complaint_fine' AND f.at >= ?2 AND f.at < ?3
               AND NOT EXISTS (SELECT 1 FROM fund r WHERE r.reverses = f.id)",
            params![staff_id, from, to],
            |r| r.get(0),
        )
    }

    /// The fund's entries written in `[from, to)`, oldest first.
    pub fn fund_between(&self, from: &str, to: &str) -> Result<Vec<FundRow>> {
        self.all(
            &format!("{FUND_SELECT} WHERE f.at >= ?1 AND f.at < ?2 ORDER BY f.at, f.id"),
            params![from, to],
            fund_from_row,
        )
    }

    /// What the fund holds after every entry written before `to`.
    pub fn fund_balance(&self, to: &str) -> Result<Fen> {
        self.one(
            "SELECT COALESCE(sum(amount_fen), 0) FROM fund WHERE at < ?1",
            params![to],
            |r| Ok(Fen(r.get(0)?)),
        )
    }
}
