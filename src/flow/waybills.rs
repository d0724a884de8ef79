//! The waybill pool: tracking numbers the couriers handed out, each used once, ever.

use crate::domain::{Actor, CodeHolder, Permission};
use crate::error::{Error, Result};
use crate::store::{PoolStatus, Store};
use serde_json::json;
use std::path::Path;

/// What adding numbers did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Added {
    pub added: u64,
    /// Numbers the pool had already, for the same courier.
    pub known: u64,
}

/// The most numbers one range may hold: a typo in a range must not fill the disk.
pub const MAX_RANGE: u64 = 1_000_000;

fn valid_tracking_no(s: &str) -> bool {
    (6..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The numbers of a range `FROM-TO` (`7700000001-7700000100`, `SF1000-SF1099`): the same prefix,
/// a number of the same width, counting up.
pub fn expand_range(range: &str) -> Result<Vec<String>> {
    let bad = || {
        Error::invalid(
            format!("号段格式不对：{range}（应为 起始-结束，例如 7700000001-7700000100）"),
            format!("bad range {range} (FROM-TO, e.g. 7700000001-7700000100)"),
        )
    };
    let (from, to) = range.trim().split_once('-').ok_or_else(bad)?;
    let split = |s: &str| {
        let digits = s.len() - s.bytes().rev().take_while(u8::is_ascii_digit).count();
        (s[..digits].to_string(), s[digits..].to_string())
    };
    let ((p1, n1), (p2, n2)) = (split(from), split(to));
    if p1 != p2
        || n1.is_empty()
        || n1.len() != n2.len()
        || n1.len() > 18
        || !valid_tracking_no(from)
        || !valid_tracking_no(to)
    {
        return Err(bad());
    }
    let (a, b): (u64, u64) = (
        n1.parse().map_err(|_| bad())?,
        n2.parse().map_err(|_| bad())?,
    );
    if a > b || b - a + 1 > MAX_RANGE {
        return Err(Error::invalid(
            format!("号段 {range} 为空或超过 {MAX_RANGE} 个"),
            format!("range {range} is empty or holds more than {MAX_RANGE} numbers"),
        ));
    }
    let width = n1.len();
    Ok((a..=b).map(|n| format!("{p1}{n:0width$}")).collect())
}

/// The largest file of tracking numbers read: a million numbers take about 20 MB.
const MAX_NUMBERS_FILE: u64 = 64 << 20;

/// Reads numbers from a file, one per line (blank lines skipped); a device or an oversized file
/// is refused before anything is read.
pub fn read_numbers(path: &Path) -> Result<Vec<String>> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() || meta.len() > MAX_NUMBERS_FILE {
        return Err(Error::invalid(
            format!(
                "{} 不是单号文件：要一个不超过 {} MB 的普通文件，每行一个单号",
                path.display(),
                MAX_NUMBERS_FILE >> 20
            ),
            format!(
                "{} is not a file of tracking numbers: a regular file of at most {} MB, one number a line",
                path.display(),
                MAX_NUMBERS_FILE >> 20
            ),
        ));
    }
    let mut text = String::new();
    std::io::Read::read_to_string(
        &mut std::io::Read::take(
            std::fs::File::open(path).map_err(|e| Error::io(path, e))?,
            MAX_NUMBERS_FILE,
        ),
        &mut text,
    )
    .map_err(|e| Error::io(path, e))?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let no = line.trim().trim_start_matches('\u{feff}');
        if no.is_empty() {
            continue;
        }
        if !valid_tracking_no(no) {
            let no: String = no.chars().take(40).collect();
            return Err(Error::invalid(
                format!("{} 第 {} 行不是快递单号：{no:?}", path.display(), i + 1),
                format!(
                    "{} line {}: not a tracking number: {no:?}",
                    path.display(),
                    i + 1
                ),
            ));
        }
        out.push(no.to_string());
    }
    Ok(out)
}

/// Adds numbers to a courier's pool, all or none: a number the pool has for another courier, or
/// one that is a product's barcode or merchant code (a scan must mean one thing), refuses the lot.
pub fn add(store: &mut Store, actor: &Actor, courier: &str, numbers: &[String]) -> Result<Added> {
    actor.require(Permission::ManageWaybills)?;
    let courier = courier.trim();
    if courier.is_empty() {
        return Err(Error::invalid("请指定快递公司", "name the courier"));
    }
    // The number the schema refused, if it did.
    let mut refused: Option<&str> = None;
    let written = store.write(|db| {
        let mut added = Added::default();
        for no in numbers {
            let inserted = match db.add_waybill(no, courier, actor) {
                Ok(inserted) => inserted,
                Err(e) => {
                    refused = Some(no);
                    return Err(e);
                }
            };
            if inserted {
                added.added += 1;
            } else {
                match db.waybill_courier(no)? {
                    Some(c) if c == courier => added.known += 1,
                    Some(c) => {
                        return Err(Error::invalid(
                            format!("单号 {no} 已属于 {c}"),
                            format!("tracking number {no} belongs to {c} already"),
                        ));
                    }
                    None => unreachable!("an insert that did nothing means the number exists"),
                }
            }
        }
        db.log_event(
            actor,
            "waybills_added",
            courier,
            &json!({"added": added.added, "known": added.known}),
        )?;
        Ok(added)
    });
    // The schema refuses a number that is a product's code; named here, once the write is
    // undone (PostgreSQL reads nothing more in a transaction after an error), and looked up
    // only then, so a million-number range costs no more than before.
    match (written, refused) {
        (Err(e), Some(no)) => Err(match store.read().code_holder(no, None) {
            Ok(Some(holder @ (CodeHolder::Barcode(_) | CodeHolder::SkuCode(_)))) => Error::invalid(
                format!("{}，没有添加任何单号", holder.zh(no)),
                format!("{}; no number was added", holder.en(no)),
            ),
            _ => e,
        }),
        (written, _) => written,
    }
}

pub fn status(store: &Store, actor: &Actor) -> Result<Vec<PoolStatus>> {
    actor.require(Permission::ViewOrders)?;
    store.read().pool_status()
}

/// The setting: a courier with fewer free numbers than this is shown as running low (the print
/// screen, `waybills status`), so the order printer asks the courier for more before a batch
/// is left without numbers.
pub const LOW_SETTING: &str = "waybill.low_threshold";
pub const DEFAULT_LOW: &str = "200";

pub fn check_low(v: &str) -> Result<()> {
    match v.trim().parse::<u64>() {
        Ok(n) if n <= MAX_RANGE => Ok(()),
        _ => Err(Error::invalid(
            format!("单号不足的提醒线要是 0 到 {MAX_RANGE} 的整数：{v:?}"),
            format!("the low-numbers warning must be a whole number from 0 to {MAX_RANGE}: {v:?}"),
        )),
    }
}

/// The numbers to add to a pool: a range as typed, or a file of numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Numbers {
    Range(String),
    File(std::path::PathBuf),
}

/// Adds a range or a file of numbers to a courier's pool (see `add`); the window and the CLI
/// both come here.
pub fn add_numbers(
    store: &mut Store,
    actor: &Actor,
    courier: &str,
    numbers: &Numbers,
) -> Result<Added> {
    actor.require(Permission::ManageWaybills)?;
    let numbers = match numbers {
        Numbers::Range(r) => expand_range(r)?,
        Numbers::File(f) => read_numbers(f)?,
    };
    add(store, actor, courier, &numbers)
}

/// The pool per courier and the shop's low-numbers line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pool {
    pub couriers: Vec<PoolStatus>,
    /// Fewer free numbers than this is low.
    pub low_below: u64,
}

impl Pool {
    pub fn is_low(&self, p: &PoolStatus) -> bool {
        (p.free.max(0) as u64) < self.low_below
    }
}

pub fn pool(store: &Store, actor: &Actor) -> Result<Pool> {
    let couriers = status(store, actor)?;
    let low_below = store
        .read()
        .setting(LOW_SETTING)?
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| DEFAULT_LOW.parse().expect("a number"));
    Ok(Pool {
        couriers,
        low_below,
    })
}

/// Sets the low-numbers line. Whoever keeps the pool sets it (the order printer, not only the
/// admin who keeps the other settings).
pub fn set_low_threshold(store: &mut Store, actor: &Actor, value: &str) -> Result<u64> {
    actor.require(Permission::ManageWaybills)?;
    check_low(value)?;
    let n: u64 = value.trim().parse().expect("checked");
    store.write(|db| {
        let old = db.setting(LOW_SETTING)?;
        db.set_setting(LOW_SETTING, &n.to_string())?;
        db.log_event(
            actor,
            "setting_changed",
            LOW_SETTING,
            &json!({"from": old, "to": n.to_string()}),
        )
    })?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_keep_prefix_and_width() {
        assert_eq!(
            expand_range("7700000001-7700000003").unwrap(),
            ["7700000001", "7700000002", "7700000003"]
        );
        assert_eq!(
            expand_range("SF0098-SF0100").unwrap(),
            ["SF0098", "SF0099", "SF0100"]
        );
        assert!(expand_range("SF0001-YT0002").is_err());
        assert!(expand_range("7700000003-7700000001").is_err());
        assert!(expand_range("77000001-770000001").is_err());
        assert!(expand_range("abc").is_err());
        assert!(
            expand_range("1000000-9999999").is_err(),
            "over a million numbers"
        );
    }
}
