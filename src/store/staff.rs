//! Staff and their PIN hashes.

use super::{Db, Row, now, params};
use crate::domain::{Role, Staff};
use crate::error::{Error, Result};

/// A staff member as listed for the admin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub staff: Staff,
    pub has_pin: bool,
    pub created_at: String,
}

fn staff_from_row(r: &Row<'_>) -> Result<Staff> {
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
        self.opt(
            "SELECT id, code, name, role, active FROM staff WHERE code = ?1",
            params![code],
            staff_from_row,
        )
    }

    /// The stored PIN hash (PHC string), if a PIN was set.
    pub fn staff_pin_hash(&self, code: &str) -> Result<Option<String>> {
        Ok(self
            .opt(
                "SELECT pin_hash FROM staff WHERE code = ?1",
                params![code],
                |r| r.get::<Option<String>>(0),
            )?
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
        let id = self.insert(
            "INSERT INTO staff (code, name, role, pin_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING id",
            params![code, name, role.code(), pin_hash, now()],
        )?;
        Ok(Staff {
            id,
            code: code.into(),
            name: name.into(),
            role,
            active: true,
        })
    }

    pub fn list_staff(&self) -> Result<Vec<StaffRecord>> {
        self.all(
            "SELECT id, code, name, role, active, pin_hash IS NOT NULL, created_at FROM staff WHERE code <> '?' ORDER BY code",
            params![],
            |r| {
                Ok(StaffRecord {
                    staff: staff_from_row(r)?,
                    has_pin: r.get(5)?,
                    created_at: r.get(6)?,
                })
            },
        )
    }

    /// Marks a staff member active or not (their history stays either way).
    pub fn set_staff_active(&self, code: &str, active: bool) -> Result<()> {
        self.exec(
            "UPDATE staff SET active = ?2 WHERE code = ?1",
            params![code, active],
        )?;
        Ok(())
    }

    pub fn set_staff_role(&self, code: &str, role: Role) -> Result<()> {
        self.exec(
            "UPDATE staff SET role = ?2 WHERE code = ?1",
            params![code, role.code()],
        )?;
        Ok(())
    }

    /// Active admins, for the rule that a shop keeps one.
    pub fn active_admins(&self) -> Result<i64> {
        self.one(
            "SELECT count(*) FROM staff WHERE role = 'admin' AND active = 1",
            params![],
            |r| r.get(0),
        )
    }

    /// Sets (or replaces) a staff member's PIN hash; clears their wrong PINs and any lock.
    pub fn set_staff_pin(&self, code: &str, pin_hash: &str) -> Result<()> {
        let n = self.exec(
            "UPDATE staff SET pin_hash = ?2, failed_pins = 0, locked_until = NULL WHERE code = ?1",
            params![code, pin_hash],
        )?;
        if n == 0 {
            return Err(Error::UnknownStaff(code.into()));
        }
        Ok(())
    }

    /// Wrong PINs in a row and the time (store text) the code is locked until, if it was.
    pub fn pin_failures(&self, code: &str) -> Result<(u32, Option<String>)> {
        Ok(self
            .opt(
                "SELECT failed_pins, locked_until FROM staff WHERE code = ?1",
                params![code],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .unwrap_or((0, None)))
    }

    /// One more wrong PIN for `code`; at `tries` in a row the code is locked until `lock_until`
    /// and the count starts again. Returns the count after this one (0 when it locked).
    pub fn add_pin_failure(&self, code: &str, tries: u32, lock_until: &str) -> Result<u32> {
        let failed: u32 = self.one(
            "UPDATE staff SET failed_pins = failed_pins + 1 WHERE code = ?1 RETURNING failed_pins",
            params![code],
            |r| r.get(0),
        )?;
        if failed >= tries {
            self.exec(
                "UPDATE staff SET failed_pins = 0, locked_until = ?2 WHERE code = ?1",
                params![code, lock_until],
            )?;
            return Ok(0);
        }
        Ok(failed)
    }

    /// A right PIN: the wrong ones before it no longer count, and a lock that ran out is gone.
    pub fn clear_pin_failures(&self, code: &str) -> Result<()> {
        self.exec(
            "UPDATE staff SET failed_pins = 0, locked_until = NULL WHERE code = ?1",
            params![code],
        )?;
        Ok(())
    }

    /// The id events of someone not signed in are recorded against (a refused sign-in).
    pub fn nobody_id(&self) -> Result<i64> {
        self.one("SELECT id FROM staff WHERE code = '?'", params![], |r| {
            r.get(0)
        })
    }
}
