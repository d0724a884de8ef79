//! A station's own settings (its scanners), and its name held by one bench at a time.

use crate::domain::{Actor, Permission};
use crate::error::{Error, Refusal, Result};
use crate::scan::settings::ScannerSettings;
use crate::store::Store;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

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

/// A lease not renewed for this long was left by a bench that is gone (a PC switched off, a
/// process killed): another bench may take the station's name.
pub const LEASE_EXPIRY: Duration = Duration::from_secs(60);

/// How often a bench renews its lease.
const LEASE_RENEW: Duration = Duration::from_secs(5);

/// This bench's hold on its station's name while it runs (the window, a scanner session): a
/// second bench under the same name is refused, so no bench replays another's scans. Renewed
/// from a thread of its own; let go when dropped. A bench killed leaves it behind: taken over at
/// once on the same PC (its process is gone), from another PC after `LEASE_EXPIRY`.
pub struct Lease {
    terminal: String,
    token: String,
    stop: Arc<(Mutex<bool>, Condvar)>,
    renewer: Option<std::thread::JoinHandle<()>>,
    path: PathBuf,
}

impl Lease {
    /// Takes the name `terminal` for this bench, or refuses while a live bench holds it.
    pub fn take(store: &mut Store, terminal: &str) -> Result<Lease> {
        let host = host_name();
        let pid = std::process::id();
        let token = format!(
            "{pid}-{}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        );
        store.write(|db| {
            if let Some(held) = db.station_lease(terminal)?
                && held_by_another(&held, &host, pid)
            {
                let since = crate::domain::time::from_store(&held.started_at)
                    .map(|t| crate::domain::time::to_shop_local(&t))
                    .unwrap_or(held.started_at);
                return Err(Refusal::StationInUse {
                    station: terminal.to_string(),
                    host: held.host,
                    since,
                }
                .into());
            }
            db.take_station_lease(terminal, &host, pid, &token)
        })?;
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let path = store.path().to_path_buf();
        let renewer = (path != Path::new(":memory:")).then(|| {
            let (signal, path, terminal, token) = (
                stop.clone(),
                path.clone(),
                terminal.to_string(),
                token.clone(),
            );
            std::thread::Builder::new()
                .name("station-lease".into())
                .spawn(move || renew(&path, &terminal, &token, &signal))
        });
        let renewer = renewer
            .transpose()
            .map_err(|e| Error::io(store.path(), e))?;
        Ok(Lease {
            terminal: terminal.to_string(),
            token,
            stop,
            renewer,
            path,
        })
    }
}

/// Whether a lease is held by a bench still running other than this process (`host`, `pid`):
/// renewed within `LEASE_EXPIRY`, and not left by a process of this PC that is gone.
pub fn held_by_another(held: &crate::store::StationLease, host: &str, pid: u32) -> bool {
    let renewed = crate::domain::time::from_store(&held.renewed_at);
    let age = renewed.map_or(LEASE_EXPIRY, |t| {
        (chrono::Utc::now() - t).to_std().unwrap_or(Duration::ZERO)
    });
    let gone = held.host == host && (held.pid == pid || !process_alive(held.pid));
    age < LEASE_EXPIRY && !gone
}

/// Renews the lease every `LEASE_RENEW` on a connection of its own until told to stop. A renewal
/// that fails (the store busy with a long write) is tried again next time.
fn renew(path: &Path, terminal: &str, token: &str, stop: &(Mutex<bool>, Condvar)) {
    let (flag, wake) = stop;
    let mut store = None;
    let mut stopped = flag.lock().unwrap_or_else(|e| e.into_inner());
    while !*stopped {
        stopped = wake
            .wait_timeout(stopped, LEASE_RENEW)
            .unwrap_or_else(|e| e.into_inner())
            .0;
        if *stopped {
            break;
        }
        if store.is_none() {
            store = Store::open(path).ok();
        }
        if let Some(s) = &mut store {
            let _ = s.set_busy_timeout(LEASE_RENEW);
            let _ = s.write(|db| db.renew_station_lease(terminal, token));
        }
    }
    drop(stopped);
    // Let the name go for the next bench.
    if let Some(s) = &mut store {
        let _ = s.write(|db| db.drop_station_lease(terminal, token));
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let (flag, wake) = &*self.stop;
        *flag.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.renewer.take() {
            let _ = t.join();
        }
        // The renewer may never have opened its connection (stopped within its first wait).
        if self.path != Path::new(":memory:")
            && let Ok(mut s) = Store::open(&self.path)
        {
            let _ = s.set_busy_timeout(Duration::from_secs(2));
            let _ = s.write(|db| db.drop_station_lease(&self.terminal, &self.token));
        }
    }
}

/// This PC's name.
pub fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "bench".into())
}

/// Whether a process of this PC is still running. A process that ended but was not yet reaped
/// (a zombie) is gone. Where it cannot be told, it is taken as running: the lease then waits
/// for its expiry.
fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            // The state follows the command name in parentheses: `123 (packbench) S …`.
            Ok(stat) => stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().next())
                .is_none_or(|state| state != "Z" && state != "X"),
            Err(_) => false,
        }
    } else {
        true
    }
}
