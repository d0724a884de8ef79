//! Staff: who may sign in, with which role.

use crate::domain::staff::valid_staff_code;
use crate::domain::{Actor, Permission, Role, Staff};
use crate::error::{Error, Result};
use crate::store::{StaffRecord, Store};
use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde_json::json;

/// The staff member `code` acting at `terminal`. Unknown codes are refused; an inactive member is
/// returned, and every permission check then refuses them.
pub fn actor(store: &Store, code: &str, terminal: &str) -> Result<Actor> {
    let staff = store
        .read()
        .staff_by_code(code)?
        .ok_or_else(|| Error::UnknownStaff(code.to_string()))?;
    Ok(Actor::new(staff, terminal))
}

/// Signs a staff member in with their PIN. A member without a PIN signs in with an empty one.
pub fn sign_in(store: &Store, code: &str, pin: &str, terminal: &str) -> Result<Actor> {
    let wrong = || Error::invalid("工号或密码不对", "wrong staff code or PIN");
    let staff = store.read().staff_by_code(code)?.ok_or_else(wrong)?;
    match store.read().staff_pin_hash(code)? {
        None if pin.is_empty() => {}
        None => return Err(wrong()),
        Some(hash) => {
            let parsed = PasswordHash::new(&hash).map_err(|_| wrong())?;
            Argon2::default()
                .verify_password(pin.as_bytes(), &parsed)
                .map_err(|_| wrong())?;
        }
    }
    if !staff.active {
        return Err(Error::invalid(
            format!("员工 {code} 已停用"),
            format!("staff member {code} is inactive"),
        ));
    }
    Ok(Actor::new(staff, terminal))
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

/// Adds a staff member.
pub fn add_staff(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    name: &str,
    role: Role,
    pin: Option<&str>,
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
    let pin_hash = pin.map(hash_pin).transpose()?;
    store.write(|db| {
        let staff = db.insert_staff(code, name.trim(), role, pin_hash.as_deref())?;
        db.log_event(
            actor,
            "staff_added",
            code,
            &json!({"name": staff.name, "role": role.code()}),
        )?;
        Ok(staff)
    })
}

pub fn list_staff(store: &Store, actor: &Actor) -> Result<Vec<StaffRecord>> {
    actor.require(Permission::ManageStaff)?;
    store.read().list_staff()
}
