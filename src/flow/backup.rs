//! Backups and restores: who may, what the event log says, which backups are kept, and the
//! shop's own backup at the end of a shift. The file work is the engine's (`store::backup`).

use crate::domain::{Actor, Permission};
use crate::error::{Error, Refusal, Result};
use crate::store::Store;
use crate::store::backup::{self as files, BackupMade, Retention};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Someone asked for it (`packbench backup`).
    Asked,
    /// The end of a shift (see `ShiftEnd`).
    ShiftEnd(ShiftEnd),
}

/// What ends a shift at a bench, so the shop's own backup runs: the last work of the day is
/// never more than one shift away from a backup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShiftEnd {
    /// A staff member signed out of the bench window.
    SignOut,
    /// A `scan` session (a scanner replay, a headless bench) came to its end.
    ScanSessionEnded,
}

impl Trigger {
    /// A stable name for JSON and the event log.
    pub fn code(self) -> &'static str {
        match self {
            Trigger::Asked => "asked",
            Trigger::ShiftEnd(ShiftEnd::SignOut) => "sign_out",
            Trigger::ShiftEnd(ShiftEnd::ScanSessionEnded) => "scan_session_ended",
        }
    }
}

/// A backup made, and the older ones thinning removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupOutcome {
    pub made: BackupMade,
    pub thinned: Vec<PathBuf>,
}

/// Backs the store up into `dir` (default: `backups` beside the store) while benches work, then
/// thins that folder's older backups of this store (`Retention::default()`). Admins only.
pub fn backup(
    store: &mut Store,
    actor: &Actor,
    dir: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<BackupOutcome> {
    actor.require(Permission::Backup)?;
    let dir = dir.map_or_else(
        || files::default_backup_dir(store.path()),
        Path::to_path_buf,
    );
    take(store, actor, &dir, Trigger::Asked, now)
}

fn take(
    store: &mut Store,
    actor: &Actor,
    dir: &Path,
    why: Trigger,
    now: DateTime<Utc>,
) -> Result<BackupOutcome> {
    // Taken before the copy: a change made while it runs makes the next shift's backup run.
    let mark = store.change_mark()?;
    let made = store.backup_into(dir, now)?;
    let thinned = thin(
        dir,
        &files::store_stem(store.path()),
        now,
        Retention::default(),
    )?;
    store.write(|db| {
        db.log_event(
            actor,
            "store_backed_up",
            &made.path.to_string_lossy(),
            &json!({"bytes": made.bytes, "trigger": why.code(), "mark": mark,
                    "thinned": thinned.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>()}),
        )
    })?;
    Ok(BackupOutcome { made, thinned })
}

/// Removes the backups of the store `stem` in `dir` that `keep` no longer keeps, and says which.
/// Only files named as ours are looked at: nothing else in the folder is touched.
pub fn thin(dir: &Path, stem: &str, now: DateTime<Utc>, keep: Retention) -> Result<Vec<PathBuf>> {
    let local = now
        .with_timezone(&crate::domain::time::shop_zone())
        .naive_local();
    let gone = files::to_thin(&files::list_backups(dir, stem)?, local, keep);
    for p in &gone {
        std::fs::remove_file(p).map_err(|e| Error::io(p, e))?;
    }
    Ok(gone)
}

/// The shop's own backup at the end of a shift: into `backups` beside the store, only when the
/// store changed since the newest backup there (see `Store::change_mark`), recorded against the
/// staff member whose shift ended (it needs no permission: the program takes it, not them). Opens
/// a connection of its own: the window runs it on a thread of its own.
pub fn end_of_shift(
    store_path: &Path,
    actor: &Actor,
    why: ShiftEnd,
    now: DateTime<Utc>,
) -> Result<Option<BackupOutcome>> {
    let mut store = Store::open(store_path)?;
    if store.is_read_only() {
        return Ok(None);
    }
    let dir = files::default_backup_dir(store_path);
    let outcome = (|| {
        let newest = files::list_backups(&dir, &files::store_stem(store_path))?.pop();
        if let Some(newest) = newest {
            // A dump cannot be read back cheaply: its mark was written in the event log as it
            // was taken. An SQLite copy is asked itself.
            let then = if store.on_postgres() {
                store.read().backup_mark(&newest.path.to_string_lossy())?
            } else {
                files::backup_change_mark(&newest.path).ok()
            };
            if then == Some(store.change_mark()?) {
                return Ok(None);
            }
        }
        take(&mut store, actor, &dir, Trigger::ShiftEnd(why), now).map(Some)
    })();
    if let Err(e) = &outcome {
        // Nobody asked for it, so the log is where an admin finds that it failed.
        let _ = store.write(|db| {
            db.log_event(
                actor,
                "store_backup_failed",
                &dir.to_string_lossy(),
                &json!({"trigger": Trigger::ShiftEnd(why).code(), "error_en": e.to_string(),
                        "error_zh": e.zh()}),
            )
        });
    }
    outcome
}

/// Where a restore put things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreOutcome {
    pub store: PathBuf,
    pub from: PathBuf,
    /// The store as it was, kept beside it (`None`: there was none).
    pub safety_copy: Option<PathBuf>,
    /// The schema version of the backup.
    pub version: i64,
}

/// Puts the backup `from` in the place of the store at `store_path`, offline. The backup is
/// checked first (a damaged or cut-short one is refused, the store untouched). The staff member
/// signs in to the store as it is, or, when it cannot be used (damaged, gone), to the backup;
/// admins only. Refused while a bench holds a live station lease on the store or any other
/// program has it open. A safety copy of the store is kept beside it; stale `-wal`/`-shm` go.
pub fn restore(
    store_path: &Path,
    from: &Path,
    code: &str,
    pin: &str,
    terminal: &str,
    now: DateTime<Utc>,
) -> Result<RestoreOutcome> {
    if store_path.to_string_lossy().contains("://") {
        return restore_server(store_path, from, code, pin, terminal, now);
    }
    files::refuse_network_fs(store_path)?;
    let info = files::verify_backup(from)?;
    let staged = files::stage(store_path, from)?;
    let current = Store::open(store_path).and_then(|s| s.quick_check().map(|()| s));
    let actor = match current {
        Ok(mut store) => {
            let actor = crate::flow::staff::sign_in(&mut store, code, pin, terminal)?;
            actor.require(Permission::Backup)?;
            refuse_while_a_bench_works(&store)?;
            actor
        }
        // The store cannot be used: whoever may restore is said by the backup.
        Err(_) => {
            let mut store = Store::open(staged.path())?;
            let actor = crate::flow::staff::sign_in(&mut store, code, pin, terminal)?;
            actor.require(Permission::Backup)?;
            actor
        }
    };
    let hold = if store_path.exists() {
        files::hold_exclusively(store_path)?
            .ok_or_else(|| Error::from(Refusal::StoreOpenElsewhere(store_path.to_path_buf())))?
    } else {
        files::ExclusiveHold::nobody()
    };
    let done = files::put_in_place(store_path, staged, hold, now)?;
    let mut store = Store::open(store_path)?;
    log_restored(
        &mut store,
        &actor,
        terminal,
        from,
        done.safety_copy.as_deref(),
    )?;
    Ok(RestoreOutcome {
        store: store_path.to_path_buf(),
        from: from.to_path_buf(),
        safety_copy: done.safety_copy,
        version: info.version,
    })
}

/// `store_restored` in the restored store's log, against the staff member who restored it (the
/// one nobody is, when the backup does not know them).
fn log_restored(
    store: &mut Store,
    actor: &Actor,
    terminal: &str,
    from: &Path,
    safety_copy: Option<&Path>,
) -> Result<()> {
    store.write(|db| {
        let staff = match db.staff_by_code(&actor.staff.code)? {
            Some(s) => s.id,
            None => db.nobody_id()?,
        };
        db.log_event_as(
            staff,
            terminal,
            "store_restored",
            &from.to_string_lossy(),
            &json!({"safety_copy": safety_copy.map(|p| p.to_string_lossy())}),
        )
    })
}

/// A restore waits until no bench holds a live lease on the store (another PC's, or a process of
/// this PC still running).
fn refuse_while_a_bench_works(store: &Store) -> Result<()> {
    let (host, pid) = (crate::flow::station::host_name(), std::process::id());
    let leases = store.read().station_leases()?;
    match leases
        .iter()
        .find(|l| crate::flow::station::held_by_another(l, &host, pid))
    {
        Some(l) => Err(Refusal::StoreInUseByBench {
            station: l.terminal.clone(),
            host: l.host.clone(),
        }
        .into()),
        None => Ok(()),
    }
}

/// `restore` on a PostgreSQL store: the dump checked, the staff member signed in to the store as
/// it is, no bench connected, a safety dump of the store taken into the backup folder, then the
/// dump loaded in one transaction (see `store::backup::restore_dump`).
fn restore_server(
    url: &Path,
    from: &Path,
    code: &str,
    pin: &str,
    terminal: &str,
    now: DateTime<Utc>,
) -> Result<RestoreOutcome> {
    if !files::is_dump(from) {
        return Err(Error::invalid(
            format!(
                "{} 不是 PostgreSQL 数据库的备份（应为 .dump 文件）：SQLite 的 .db 备份只能恢复到 SQLite 数据库；想把它搬到服务器上用 packbench store copy",
                from.display()
            ),
            format!(
                "{} is not a backup of a PostgreSQL store (a .dump file): an SQLite .db backup restores only to an SQLite store; to move it onto the server use `packbench store copy`",
                from.display()
            ),
        ));
    }
    let info = files::verify_dump(from)?;
    let mut store = match Store::open(url) {
        Ok(store) => store,
        // A new PC's empty database: whoever may restore is said by the backup.
        Err(Error::Refused(Refusal::NoStore(_))) => {
            return restore_into_empty(url, from, code, pin, terminal, info.version);
        }
        Err(e) => return Err(e),
    };
    let actor = crate::flow::staff::sign_in(&mut store, code, pin, terminal)?;
    actor.require(Permission::Backup)?;
    refuse_while_a_bench_works(&store)?;
    let others = store.read().other_connections()?;
    if !others.is_empty() {
        return Err(Error::invalid(
            format!(
                "还有其他程序连着这个数据库（{}）：请先关掉所有工位和命令再恢复，什么都没有改动",
                others.join("；")
            ),
            format!(
                "other programs are connected to this store ({}): close every bench and command before restoring; nothing was changed",
                others.join("; ")
            ),
        ));
    }
    let safety = store.backup_into(&files::default_backup_dir(url), now)?;
    drop(store);
    files::restore_dump(url, from)?;
    let mut store = Store::open(url)?;
    log_restored(
        &mut store,
        &actor,
        terminal,
        from,
        Some(safety.path.as_path()),
    )?;
    Ok(RestoreOutcome {
        store: url.to_path_buf(),
        from: from.to_path_buf(),
        safety_copy: Some(safety.path),
        version: info.version,
    })
}

/// Copies the store at `from` into a new store at `to` (SQLite → PostgreSQL or back; `to` must
/// not hold a store yet: an empty database or no file). The staff member signs in to `from`;
/// admins only. Checked before it is kept (see `store::copy::copy_all`); the copy's event log
/// records it.
pub fn copy_store(
    from: &Path,
    to: &Path,
    code: &str,
    pin: &str,
    terminal: &str,
) -> Result<crate::store::copy::Copied> {
    if from == to {
        return Err(Error::invalid(
            "复制的来源和目标是同一个数据库",
            "the copy's source and target are the same store",
        ));
    }
    let mut source = Store::open(from)?;
    let actor = crate::flow::staff::sign_in(&mut source, code, pin, terminal)?;
    actor.require(Permission::Backup)?;
    let mut target = Store::create(to)?;
    let copied = crate::store::copy::copy_all(&source, &mut target)?;
    target.write(|db| {
        let staff = match db.staff_by_code(&actor.staff.code)? {
            Some(s) => s.id,
            None => db.nobody_id()?,
        };
        db.log_event_as(
            staff,
            terminal,
            "store_copied",
            &source.name(),
            &json!({"tables": copied.tables.len(),
                    "rows": copied.tables.iter().map(|t| t.target_rows).sum::<i64>()}),
        )
    })?;
    Ok(copied)
}

/// `restore` of a dump into an empty PostgreSQL database (a new server): the dump is loaded, then
/// its admin signs in; anyone else, and the database is emptied again, as it was.
fn restore_into_empty(
    url: &Path,
    from: &Path,
    code: &str,
    pin: &str,
    terminal: &str,
    version: i64,
) -> Result<RestoreOutcome> {
    files::restore_dump(url, from)?;
    let signed_in = Store::open(url).and_then(|mut store| {
        let actor = crate::flow::staff::sign_in(&mut store, code, pin, terminal)?;
        actor.require(Permission::Backup)?;
        Ok((store, actor))
    });
    let (mut store, actor) = match signed_in {
        Ok(done) => done,
        Err(e) => {
            files::empty_database(url)?;
            return Err(e);
        }
    };
    store.write(|db| {
        db.log_event(
            &actor,
            "store_restored",
            &from.to_string_lossy(),
            &json!({"safety_copy": null}),
        )
    })?;
    Ok(RestoreOutcome {
        store: url.to_path_buf(),
        from: from.to_path_buf(),
        safety_copy: None,
        version,
    })
}
