//! Staff: who may sign in, with which role.

use crate::domain::staff::valid_staff_code;
use crate::domain::time::{from_store, to_store};
use crate::domain::{Actor, Permission, Role, Staff};
use crate::error::{Error, Refusal, Result};
use crate::store::{StaffRecord, Store};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;
use std::path::Path;

/// The staff member `code` acting at `terminal`, taken without a PIN: for a store this process
/// has just made (the demo) and for tests. People sign in with `sign_in`. Unknown codes are
/// refused; an inactive member is returned, and every permission check then refuses them.
pub fn actor(store: &Store, code: &str, terminal: &str) -> Result<Actor> {
    let staff = store
        .read()
        .staff_by_code(code)?
        .ok_or_else(|| Error::UnknownStaff(code.to_string()))?;
    Ok(Actor::new(staff, terminal))
}

/// Wrong PINs in a row that lock a staff code.
pub const PIN_TRIES: u32 = 5;

/// How long a staff code stays locked after `PIN_TRIES` wrong PINs.
pub const PIN_LOCK: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

/// Why a sign-in was refused, as the event log (`sign_in_refused`) records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInRefusal {
    UnknownStaff,
    NoPin,
    WrongPin,
    Locked,
    NoPinSet,
    Inactive,
}

impl SignInRefusal {
    pub fn code(self) -> &'static str {
        match self {
            SignInRefusal::UnknownStaff => "unknown_staff",
            SignInRefusal::NoPin => "no_pin",
            SignInRefusal::WrongPin => "wrong_pin",
            SignInRefusal::Locked => "locked",
            SignInRefusal::NoPinSet => "no_pin_set",
            SignInRefusal::Inactive => "inactive",
        }
    }
}

/// Signs a staff member in with their PIN, now. The one way in, for the command line and the
/// window alike.
pub fn sign_in(store: &mut Store, code: &str, pin: &str, terminal: &str) -> Result<Actor> {
    sign_in_at(store, code, pin, terminal, chrono::Utc::now())
}

/// Signs in at the time `now` (tests move the clock past a lock). An empty PIN, an unknown code,
/// a wrong PIN and a locked code are refused and each refusal is written to the event log;
/// `PIN_TRIES` wrong PINs in a row lock the code for `PIN_LOCK`, in the store, so the lock holds
/// at every bench and in every process. A right PIN forgets the wrong ones before it.
pub fn sign_in_at(
    store: &mut Store,
    code: &str,
    pin: &str,
    terminal: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Actor> {
    let code = code.trim();
    if code.is_empty() {
        return Err(Refusal::NoStaffCode.into());
    }
    let staff = if valid_staff_code(code) {
        store.read().staff_by_code(code)?
    } else {
        None
    };
    let Some(staff) = staff else {
        refused(
            store,
            code,
            terminal,
            SignInRefusal::UnknownStaff,
            json!({}),
        )?;
        return Err(Refusal::WrongPin.into());
    };
    let (failed, locked_until) = store.read().pin_failures(code)?;
    if let Some(until) = locked_until.as_deref().and_then(from_store)
        && until > now
    {
        let minutes = ((until - now).num_seconds() + 59) / 60;
        refused(
            store,
            code,
            terminal,
            SignInRefusal::Locked,
            json!({"locked_until": to_store(&until)}),
        )?;
        return Err(Refusal::PinLocked {
            code: code.into(),
            minutes: minutes.max(1),
        }
        .into());
    }
    if pin.is_empty() {
        refused(store, code, terminal, SignInRefusal::NoPin, json!({}))?;
        return Err(Refusal::NoPin.into());
    }
    let Some(hash) = store.read().staff_pin_hash(code)? else {
        refused(store, code, terminal, SignInRefusal::NoPinSet, json!({}))?;
        return Err(Refusal::NoPinSet {
            code: code.into(),
            admin: staff.role == Role::Admin,
        }
        .into());
    };
    if !pin_matches(&hash, pin) {
        if store.is_read_only() {
            return Err(Refusal::WrongPin.into());
        }
        let lock_until = to_store(&(now + PIN_LOCK));
        let in_a_row = store.write(|db| {
            let n = db.add_pin_failure(code, PIN_TRIES, &lock_until)?;
            let detail = if n == 0 {
                json!({"reason": SignInRefusal::WrongPin.code(), "wrong_in_a_row": PIN_TRIES,
                       "locked_until": lock_until})
            } else {
                json!({"reason": SignInRefusal::WrongPin.code(), "wrong_in_a_row": n})
            };
            db.log_event_as(db.nobody_id()?, terminal, "sign_in_refused", code, &detail)?;
            Ok(n)
        })?;
        return Err(if in_a_row == 0 {
            Refusal::PinLocked {
                code: code.into(),
                minutes: PIN_LOCK.num_minutes(),
            }
        } else {
            Refusal::WrongPin
        }
        .into());
    }
    if !staff.active {
        refused(store, code, terminal, SignInRefusal::Inactive, json!({}))?;
        return Err(Error::invalid(
            format!("员工 {code} 已停用"),
            format!("staff member {code} is inactive"),
        ));
    }
    if (failed > 0 || locked_until.is_some()) && !store.is_read_only() {
        store.write(|db| db.clear_pin_failures(code))?;
    }
    Ok(Actor::new(staff, terminal))
}

/// Writes a refused sign-in to the event log, against `?` (nobody is signed in). A read-only
/// store keeps no log.
fn refused(
    store: &mut Store,
    code: &str,
    terminal: &str,
    why: SignInRefusal,
    mut detail: serde_json::Value,
) -> Result<()> {
    if store.is_read_only() {
        return Ok(());
    }
    detail["reason"] = json!(why.code());
    // What was typed as a code is kept, but not without bound.
    let subject: String = code.chars().take(40).collect();
    store.write(|db| {
        db.log_event_as(
            db.nobody_id()?,
            terminal,
            "sign_in_refused",
            &subject,
            &detail,
        )
    })
}

fn pin_matches(hash: &str, pin: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(pin.as_bytes(), &parsed)
            .is_ok()
    })
}

/// What `init_store` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// A new store, its admin's PIN set.
    Created,
    /// A store made before every PIN was required: its admin's PIN is now set.
    AdminPinSet,
}

/// `packbench init`: a new store at `path` with the admin's PIN, or, on a store whose admin has
/// no PIN yet (made before PINs were required), that PIN set. Any other store there is refused
/// and left as it is. The PIN is checked before anything is created.
pub fn init_store(path: &Path, admin_pin: &str, terminal: &str) -> Result<(Store, Init)> {
    let hash = hash_pin(admin_pin)?;
    let (mut store, init) = match Store::open(path) {
        Ok(store) => (store, Init::AdminPinSet),
        Err(Error::Refused(Refusal::NoStore(_))) => (Store::create(path)?, Init::Created),
        Err(e) => return Err(e),
    };
    store.write(|db| {
        // Read under the write lock: another `init` may have set it meanwhile.
        if db.staff_pin_hash("admin")?.is_some() {
            return Err(Refusal::StoreExists(path.to_path_buf()).into());
        }
        db.set_staff_pin("admin", &hash)?;
        let admin = db
            .staff_by_code("admin")?
            .ok_or_else(|| Error::UnknownStaff("admin".into()))?;
        let kind = match init {
            Init::Created => "store_created",
            Init::AdminPinSet => "admin_pin_set",
        };
        db.log_event(&Actor::new(admin, terminal), kind, "admin", &json!({}))
    })?;
    Ok((store, init))
}

/// A staff member changes their own PIN, signing in with the current one first (a bench left
/// signed in is no way to someone's PIN).
pub fn change_own_pin(
    store: &mut Store,
    code: &str,
    current: &str,
    new_pin: &str,
    terminal: &str,
) -> Result<()> {
    hash_pin(new_pin)?;
    let actor = sign_in(store, code, current, terminal)?;
    set_own_pin(store, &actor, new_pin)
}

/// The signed-in staff member's new PIN (the command line has just signed them in with the
/// current one).
pub fn set_own_pin(store: &mut Store, actor: &Actor, new_pin: &str) -> Result<()> {
    let hash = hash_pin(new_pin)?;
    store.write(|db| {
        db.set_staff_pin(&actor.staff.code, &hash)?;
        db.log_event(actor, "pin_changed", &actor.staff.code, &json!({}))
    })
}

/// Whether `init` may run on `path`: no store there, or one whose admin has no PIN yet.
/// Asked before the PIN is, so nobody types a PIN twice to be told no.
pub fn may_init(path: &Path) -> Result<()> {
    match Store::open(path) {
        Ok(store) if store.read().staff_pin_hash("admin")?.is_some() => {
            Err(Refusal::StoreExists(path.to_path_buf()).into())
        }
        Ok(_) | Err(Error::Refused(Refusal::NoStore(_))) => Ok(()),
        Err(e) => Err(e),
    }
}

/// An admin gives a staff member a new PIN (forgotten, or locked out); their lock is lifted.
pub fn reset_pin(store: &mut Store, actor: &Actor, code: &str, new_pin: &str) -> Result<()> {
    actor.require(Permission::ManageStaff)?;
    if !valid_staff_code(code) || store.read().staff_by_code(code)?.is_none() {
        return Err(Error::UnknownStaff(code.into()));
    }
    let hash = hash_pin(new_pin)?;
    store.write(|db| {
        db.set_staff_pin(code, &hash)?;
        db.log_event(actor, "pin_reset", code, &json!({}))
    })
}

/// Hashes a PIN (4–12 digits) with Argon2id.
fn hash_pin(pin: &str) -> Result<String> {
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(
            "密码应为 4 到 12 位数字",
            "a PIN is 4 to 12 digits",
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            Error::invalid(
                format!("无法保存密码：{e}"),
                format!("cannot hash the PIN: {e}"),
            )
        })
}

/// Adds a staff member, with their PIN (no one is without one).
pub fn add_staff(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    name: &str,
    role: Role,
    pin: &str,
) -> Result<Staff> {
    actor.require(Permission::ManageStaff)?;
    if !valid_staff_code(code) {
        return Err(Error::invalid(
            format!("工号只能用字母、数字、_ 和 -，最多 16 位：{code:?}"),
            format!("a staff code is letters, digits, _ and -, up to 16: {code:?}"),
        ));
    }
    if name.trim().is_empty() {
        return Err(Error::invalid("姓名不能为空", "the name is empty"));
    }
    let pin_hash = hash_pin(pin)?;
    store.write(|db| {
        let staff = db.insert_staff(code, name.trim(), role, Some(&pin_hash))?;
        db.log_event(
            actor,
            "staff_added",
            code,
            &json!({"name": staff.name, "role": role.code()}),
        )?;
        Ok(staff)
    })
}

/// A staff member leaves (`active` false) or comes back: an inactive code cannot sign in or
/// act, and everything they did stays theirs. The shop's last active admin cannot leave.
pub fn set_active(store: &mut Store, actor: &Actor, code: &str, active: bool) -> Result<Staff> {
    change_staff(store, actor, code, |db, staff| {
        if staff.active == active {
            return Ok(None);
        }
        if !active && staff.role == Role::Admin && db.active_admins()? <= 1 {
            return Err(last_admin());
        }
        db.set_staff_active(code, active)?;
        Ok(Some((
            if active {
                "staff_activated"
            } else {
                "staff_deactivated"
            },
            json!({}),
        )))
    })
}

/// Gives a staff member another role; what they may do changes at their next action. The
/// shop's last active admin keeps theirs.
pub fn set_role(store: &mut Store, actor: &Actor, code: &str, role: Role) -> Result<Staff> {
    change_staff(store, actor, code, |db, staff| {
        if staff.role == role {
            return Ok(None);
        }
        if staff.role == Role::Admin && staff.active && db.active_admins()? <= 1 {
            return Err(last_admin());
        }
        db.set_staff_role(code, role)?;
        Ok(Some((
            "staff_role_changed",
            json!({"from": staff.role.code(), "to": role.code()}),
        )))
    })
}

/// An admin's change to one staff member: `change` says what it did (an event kind and its
/// detail), or nothing when there was nothing to change; the staff member as they are after.
fn change_staff(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    change: impl FnOnce(
        &crate::store::Db<'_>,
        &Staff,
    ) -> Result<Option<(&'static str, serde_json::Value)>>,
) -> Result<Staff> {
    actor.require(Permission::ManageStaff)?;
    if !valid_staff_code(code) {
        return Err(Error::UnknownStaff(code.into()));
    }
    store.write(|db| {
        let staff = db
            .staff_by_code(code)?
            .ok_or_else(|| Error::UnknownStaff(code.into()))?;
        if let Some((kind, detail)) = change(db, &staff)? {
            db.log_event(actor, kind, code, &detail)?;
        }
        db.staff_by_code(code)?
            .ok_or_else(|| Error::UnknownStaff(code.into()))
    })
}

fn last_admin() -> Error {
    Error::invalid(
        "这是店里最后一位在职的管理员：先让另一位员工当管理员",
        "this is the shop's last active admin: make someone else an admin first",
    )
}

pub fn list_staff(store: &Store, actor: &Actor) -> Result<Vec<StaffRecord>> {
    actor.require(Permission::ManageStaff)?;
    store.read().list_staff()
}
