//! A station's own settings (its scanners), and its name held by one bench at a time.

use crate::domain::{Actor, Permission};
use crate::error::{Error, Refusal, Result};
use crate::flow::print::PrintFormat;
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
    check_scanners(s)?;
    let text = serde_json::to_string(s).expect("serialisable");
    store.write(|db| {
        db.set_setting(&key(terminal), &text)?;
        db.log_event(actor, "station_scanners_set", terminal, &json!(s))
    })
}

fn check_scanners(s: &ScannerSettings) -> Result<()> {
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
    Ok(())
}

/// Where a station prints unless told otherwise: its print folder (PDF files) and its printer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintSettings {
    /// `None`: the `print` folder beside the store.
    pub dir: Option<PathBuf>,
    /// A CUPS (or Windows) printer to print to at once; `None`: PDF files in the folder.
    pub printer: Option<String>,
    /// The language of the waybill printer (`printer`): PDF pages, or TSPL/ZPL for a thermal
    /// 快递单 printer fed raw. PDF files in the folder stay PDF.
    pub waybill_format: PrintFormat,
}

fn print_key(terminal: &str, what: &str) -> String {
    format!("station.{terminal}.{what}")
}

/// A station's print folder and printer (none set: the defaults).
pub fn print_settings(store: &Store, terminal: &str) -> Result<PrintSettings> {
    let db = store.read();
    let get = |what| -> Result<Option<String>> {
        Ok(db
            .setting(&print_key(terminal, what))?
            .filter(|v| !v.trim().is_empty()))
    };
    Ok(PrintSettings {
        dir: get("print_dir")?.map(PathBuf::from),
        printer: get("printer")?,
        waybill_format: get("waybill_format")?
            .map_or(Ok(PrintFormat::Pdf), |f| PrintFormat::parse(&f))?,
    })
}

/// Stores a station's print folder and printer. The folder must be a full path the station can
/// write to (made if missing, and tried), so a typo is refused here and not at the first print.
pub fn set_print_settings(
    store: &mut Store,
    actor: &Actor,
    terminal: &str,
    s: &PrintSettings,
) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    check_printing(s)?;
    store.write(|db| write_printing(db, actor, terminal, s))
}

/// Everything a station has of its own, as the settings screen saves it: checked whole, then
/// written in one transaction (nothing half-saved).
pub fn set_station(
    store: &mut Store,
    actor: &Actor,
    terminal: &str,
    scanners: &ScannerSettings,
    printing: &PrintSettings,
) -> Result<()> {
    actor.require(Permission::ManageSettings)?;
    check_scanners(scanners)?;
    check_printing(printing)?;
    let text = serde_json::to_string(scanners).expect("serialisable");
    store.write(|db| {
        db.set_setting(&key(terminal), &text)?;
        db.log_event(actor, "station_scanners_set", terminal, &json!(scanners))?;
        write_printing(db, actor, terminal, printing)
    })
}

fn check_printing(s: &PrintSettings) -> Result<()> {
    if let Some(dir) = &s.dir {
        if !dir.is_absolute() {
            return Err(Error::invalid(
                format!("打印文件夹要写完整路径：{}", dir.display()),
                format!("the print folder must be a full path: {}", dir.display()),
            ));
        }
        let probe = dir.join(".packbench-probe");
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&probe, b""))
            .and_then(|()| std::fs::remove_file(&probe))
            .map_err(|e| Error::io(dir, e))?;
    }
    if let Some(p) = &s.printer
        && (p.trim().is_empty() || p.chars().any(char::is_control) || p.chars().count() > 128)
    {
        return Err(Error::invalid("打印机名称不对", "not a printer's name"));
    }
    Ok(())
}

fn write_printing(
    db: &crate::store::Db<'_>,
    actor: &Actor,
    terminal: &str,
    s: &PrintSettings,
) -> Result<()> {
    let dir = s
        .dir
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let printer = s.printer.clone().unwrap_or_default();
    let format = s.waybill_format.code();
    db.set_setting(&print_key(terminal, "print_dir"), &dir)?;
    db.set_setting(&print_key(terminal, "printer"), printer.trim())?;
    db.set_setting(&print_key(terminal, "waybill_format"), format)?;
    db.log_event(
        actor,
        "station_printing_set",
        terminal,
        &json!({"print_dir": dir, "printer": printer, "waybill_format": format}),
    )
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
