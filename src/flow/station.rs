//! A station's own settings: its scanners.

use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::scan::settings::ScannerSettings;
use crate::store::Store;
use serde_json::json;

fn key(terminal: &str) -> String {
    format!("station.{terminal}.scanner")
}

/// The scanner settings of a station (the defaults if it has none yet).
pub fn scanner_settings(store: &Store, terminal: &str) -> Result<ScannerSettings> {
    match store.read().setting(&key(terminal))? {
        None => Ok(ScannerSettings::default()),
        Some(text) => serde_json::from_str(&text).map_err(|e| {
            Error::invalid(
                format!("验货台 {terminal} 的扫码枪设置损坏：{e}"),
                format!("the scanner settings of station {terminal} are damaged: {e}"),
            )
        }),
    }
}

/// Stores a station's scanner settings, checked.
pub fn set_scanner_settings(
    store: &mut Store,
    actor: &Actor,
    terminal: &str,
    s: &ScannerSettings,
) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    if !(5..=200).contains(&s.threshold_ms) {
        return Err(Error::invalid(
            "按键间隔应在 5 到 200 毫秒之间",
            "the key gap must be 5 to 200 ms",
        ));
    }
    if !(2..=64).contains(&s.min_len) {
        return Err(Error::invalid(
            "最短长度应在 2 到 64 之间",
            "the minimum length must be 2 to 64",
        ));
    }
    for p in &s.serial {
        if p.path.trim().is_empty() || !(300..=921_600).contains(&p.baud) {
            return Err(Error::invalid(
                format!("串口设置不对：{} {}", p.path, p.baud),
                format!("bad serial port setting: {} {}", p.path, p.baud),
            ));
        }
    }
    let text = serde_json::to_string(s).expect("serialisable");
    store.write(|db| {
        db.set_setting(&key(terminal), &text)?;
        db.log_event(actor, "station_scanners_set", terminal, &json!(s))
    })
}
