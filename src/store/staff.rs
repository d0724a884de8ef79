//! Staff and their PIN hashes.

use super::{Db, now};
use crate::domain::{Role, Staff};
use crate::error::{Error, Result};
use rusqlite::{OptionalExtension, Row, params};

/// A staff member as listed for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub staff: Staff,
    pub has_pin: bool,
    pub created_at: String,
}

fn staff_from_row(r: &Row<'_>) -> rusqlite::Result<Staff> {
    let role: String = r.get(3)?;
    Ok(Staff {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        role: Role::from_code(&role).unwrap_or(Role::CustomerService),
        active: r.get(4)?,
    })
}

impl Db<'_> {
    pub fn staff_by_code(&self, code: &str) -> Result<Option<Staff>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, code, name, role, active FROM staff WHERE code = ?1")?
            .query_row([code], staff_from_row)
            .optional()?)
    }

    /// The stored PIN hash (PHC string), if a PIN was set.
    pub fn staff_pin_hash(&self, code: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT pin_hash FROM staff WHERE code = ?1", [code], |r| {
                r.get::<_, Option<String>>(0)
            })
            .optional()?
            .flatten())
    }

    pub fn insert_staff(
        &self,
        code: &str,
        name: &str,
        role: Role,
        pin_hash: Option<&str>,
    ) -> Result<Staff> {
        if self.staff_by_code(code)?.is_some() {
            return Err(Error::invalid(
                format!("工号 {code} 已存在"),
                format!("staff code {code} already exists"),
            ));
        }
        self.conn.execute(
            "INSERT INTO staff (code, name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code, name, role.code(), pin_hash, now()],
        )?;
        Ok(Staff {
            id: self.conn.last_insert_rowid(),
            code: code.into(),
            name: name.into(),
            role,
            active: true,
        })
    }

    pub fn list_staff(&self) -> Result<Vec<StaffRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, code, name, role, active, pin_hash IS NOT NULL, created_at FROM staff ORDER BY code")?;
        let rows = stmt.query_map([], |r| {
            Ok(StaffRecord {
                staff: staff_from_row(r)?,
                has_pin: r.get(5)?,
                created_at: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
