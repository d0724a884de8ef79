//! Backups of the store, and putting one back. Engine-specific on purpose: an SQLite store is
//! copied with `VACUUM INTO` (`<stem>-YYYYMMDD-HHMMSS.db`), a PostgreSQL store with `pg_dump`'s
//! custom format (`<dbname>-YYYYMMDD-HHMMSS.dump`).
//!
//! A backup is written under a hidden temporary name, checked (`PRAGMA quick_check`; a dump read
//! whole by `pg_restore`) and only then renamed to its final name, so a file named like a backup
//! is always a whole, checked one. Names carry the shop-local time.

use super::{APPLICATION_ID, Store, latest_version};
use crate::error::{Error, Refusal, Result};
use chrono::{DateTime, Datelike, NaiveDateTime, Utc};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};

/// The event kinds a backup or restore writes (or a backup that failed), and a refused sign-in:
/// none of them is a change worth another backup.
const NOT_CHANGES: [&str; 4] = [
    "store_backed_up",
    "store_backup_failed",
    "store_restored",
    "sign_in_refused",
];

/// One backup file of ours in a backup folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupFile {
    pub path: PathBuf,
    /// When it was taken, shop-local (from its name).
    pub taken: NaiveDateTime,
}

/// A backup just made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupMade {
    pub path: PathBuf,
    pub bytes: u64,
}

/// How many backups the thinning keeps: every one of the last day, then the newest of each of
/// the last `daily` days, `weekly` ISO weeks and `monthly` months that have one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub daily: usize,
    pub weekly: usize,
    pub monthly: usize,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            daily: 7,
            weekly: 4,
            monthly: 12,
        }
    }
}

/// The file name of a backup of the SQLite store named `stem` taken at `local` (shop time).
pub fn backup_name(stem: &str, local: NaiveDateTime) -> String {
    format!("{stem}-{}.db", local.format("%Y%m%d-%H%M%S"))
}

/// A PostgreSQL store's backups end so (`pg_dump`'s custom format); an SQLite store's in `.db`.
pub const DUMP_EXT: &str = ".dump";

/// Whether `path` names a PostgreSQL dump (else an SQLite copy).
pub fn is_dump(path: &Path) -> bool {
    path.to_string_lossy().ends_with(DUMP_EXT)
}

/// When a backup of `stem` was taken, if `file_name` is one of ours (`stem-YYYYMMDD-HHMMSS.db`,
/// or with `-N` when two were taken in one second). Anything else in the folder is not ours.
pub fn parse_backup_name(stem: &str, file_name: &str) -> Option<NaiveDateTime> {
    let rest = file_name.strip_prefix(stem)?.strip_prefix('-')?;
    let rest = rest
        .strip_suffix(".db")
        .or_else(|| rest.strip_suffix(DUMP_EXT))?;
    let (stamp, n) = match rest.get(15..) {
        Some("") => (rest, None),
        Some(tail) => (&rest[..15], Some(tail.strip_prefix('-')?)),
        None => return None,
    };
    if n.is_some_and(|n| n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    if !stamp.bytes().enumerate().all(|(i, b)| {
        if i == 8 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    }) {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%d-%H%M%S").ok()
}

/// The backups of the store named `stem` in `dir`, oldest first. No folder: none.
pub fn list_backups(dir: &Path, stem: &str) -> Result<Vec<BackupFile>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name();
        let Some(taken) = name.to_str().and_then(|n| parse_backup_name(stem, n)) else {
            continue;
        };
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            out.push(BackupFile {
                path: entry.path(),
                taken,
            });
        }
    }
    out.sort_by(|a, b| (a.taken, &a.path).cmp(&(b.taken, &b.path)));
    Ok(out)
}

/// The backups thinning removes, given all of ours (any order) and the shop-local time now:
/// every backup of the last 24 hours stays (one taken by hand before a risky change survives
/// the shift's own); older ones stay if each is the newest of one of the last `daily` days,
/// `weekly` ISO weeks or `monthly` months that have a backup.
pub fn to_thin(backups: &[BackupFile], now: NaiveDateTime, keep: Retention) -> Vec<PathBuf> {
    let mut newest_first: Vec<&BackupFile> = backups.iter().collect();
    newest_first.sort_by(|a, b| (b.taken, &b.path).cmp(&(a.taken, &a.path)));
    let mut kept = std::collections::HashSet::new();
    let mut bucket = |key: &dyn Fn(&NaiveDateTime) -> (i32, u32), n: usize| {
        let mut seen = Vec::new();
        for b in &newest_first {
            let k = key(&b.taken);
            if !seen.contains(&k) {
                if seen.len() == n {
                    break;
                }
                seen.push(k);
                kept.insert(b.path.clone());
            }
        }
    };
    bucket(&|t| (t.year(), t.ordinal()), keep.daily);
    bucket(&|t| (t.iso_week().year(), t.iso_week().week()), keep.weekly);
    bucket(&|t| (t.year(), t.month()), keep.monthly);
    newest_first
        .into_iter()
        .filter(|b| now - b.taken >= chrono::Duration::hours(24) && !kept.contains(&b.path))
        .map(|b| b.path.clone())
        .collect()
}

impl Store {
    /// Writes a backup of the store into `dir` while benches go on working: `VACUUM INTO` a
    /// hidden temporary name (one consistent copy, as of one moment, without anyone's unfinished
    /// write; it takes no lock a bench waits for), `PRAGMA quick_check` on the copy, then a rename
    /// to the final name. A failure removes the temporary file: nothing named like a backup is
    /// left. `now` names it (shop time).
    pub fn backup_into(&self, dir: &Path, now: DateTime<Utc>) -> Result<BackupMade> {
        // A backup folder on a network drive (a NAS) is fine: one writer, no locking shared.
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        let stem = store_stem(self.path());
        let local = now
            .with_timezone(&crate::domain::time::shop_zone())
            .naive_local();
        let ext = if self.on_postgres() { DUMP_EXT } else { ".db" };
        let base = format!("{stem}-{}", local.format("%Y%m%d-%H%M%S"));
        let tmp = dir.join(format!(".{base}{ext}.{}.partial", std::process::id()));
        remove_stale_partials(dir, &stem, now);
        let made = (|| {
            match self.lite() {
                Some(conn) => {
                    conn.execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])?;
                    verify_backup(&tmp)?;
                }
                None => {
                    pg_dump(self.path(), &tmp)?;
                    verify_dump(&tmp)?;
                }
            }
            sync_file(&tmp)?;
            // The final name, never over an earlier backup (two in one second get `-2`).
            let mut n = 1;
            let path = loop {
                let name = match n {
                    1 => format!("{base}{ext}"),
                    n => format!("{base}-{n}{ext}"),
                };
                let path = dir.join(name);
                if !path.exists() {
                    break path;
                }
                n += 1;
            };
            std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
            sync_dir(dir);
            let bytes = std::fs::metadata(&path)
                .map_err(|e| Error::io(&path, e))?
                .len();
            Ok(BackupMade { path, bytes })
        })();
        if made.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        made
    }

    // (`rusqlite`'s online backup, `Connection::backup(name, dst_path, progress)` with the
    // `backup` feature, starts again from the first page whenever another connection writes
    // meanwhile: on a busy bench store it might never finish. `VACUUM INTO` reads in one read
    // transaction, so writers neither restart it nor wait for it.)

    /// What the store holds, in a form two copies can be compared by: the highest numbered row of
    /// every table with numbered rows (orders, scans, stock moves, the event log …), leaving out
    /// station leases and the events of backups themselves. A write that belongs to the shop's
    /// work adds a row somewhere (every change is in the event log), so an equal mark means
    /// nothing happened since.
    pub fn change_mark(&self) -> Result<String> {
        match self.lite() {
            Some(conn) => change_mark(conn),
            None => self.read().server_change_mark(),
        }
    }
}

impl super::Db<'_> {
    /// `Store::change_mark` on PostgreSQL: the highest id of every table numbered by the server.
    fn server_change_mark(&self) -> Result<String> {
        let tables: Vec<(String, String)> = self.all(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND is_identity = 'YES'
               AND table_name <> 'station_leases' ORDER BY 1",
            super::params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut mark = String::new();
        for (t, id) in tables {
            let sql = if t == "events" {
                format!(
                    "SELECT max(\"{id}\") FROM events WHERE kind NOT IN ('{}')",
                    NOT_CHANGES.join("','")
                )
            } else {
                format!("SELECT max(\"{id}\") FROM \"{t}\"")
            };
            let max: Option<i64> = self.one(&sql, super::params![], |r| r.get(0))?;
            mark.push_str(&format!("{t}={};", max.unwrap_or(0)));
        }
        Ok(mark)
    }
}

/// Puts the dump `from` in the place of the PostgreSQL store at `url`, in one transaction: the
/// store's schema is emptied and the dump's loaded (`pg_restore` to SQL, run by `psql` with
/// `--single-transaction` and stop-on-error), so a failure leaves the store as it was. The caller
/// has checked the dump, kept a safety copy and made sure no bench is connected.
pub fn restore_dump(url: &Path, from: &Path) -> Result<()> {
    let script = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--no-privileges", "--file=-"])
        .arg(from)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| tool_error("pg_restore", e))?;
    if !script.status.success() {
        return Err(Error::Damaged {
            path: from.to_path_buf(),
            detail: String::from_utf8_lossy(&script.stderr).trim().to_owned(),
        });
    }
    let mut child = std::process::Command::new("psql")
        .args([
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "-v",
            "ON_ERROR_STOP=1",
            "--file=-",
            "--dbname",
        ])
        .arg(url)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| tool_error("psql", e))?;
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("piped");
        let wrote = stdin
            .write_all(b"DROP SCHEMA public CASCADE;\nCREATE SCHEMA public;\n")
            .and_then(|()| stdin.write_all(&script.stdout));
        drop(stdin);
        if let Err(e) = wrote {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Error::io("psql", e));
        }
    }
    let out = child.wait_with_output().map_err(|e| Error::io("psql", e))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
        return Err(Error::invalid(
            format!("恢复没有成功，数据库保持原样：{said}"),
            format!("the restore failed and the store was left as it was: {said}"),
        ));
    }
    Ok(())
}

/// Empties the PostgreSQL database at `url` again (after a restore into it was refused): its
/// schema dropped and made anew, in one transaction.
pub fn empty_database(url: &Path) -> Result<()> {
    let url = url.to_string_lossy();
    let mut client = postgres::Client::connect(&url, postgres::NoTls)?;
    client.batch_execute("BEGIN; DROP SCHEMA public CASCADE; CREATE SCHEMA public; COMMIT")?;
    Ok(())
}

impl super::Db<'_> {
    /// The change mark recorded when the backup `file` was taken (see `Store::change_mark`).
    pub fn backup_mark(&self, file: &str) -> Result<Option<String>> {
        let detail: Option<String> = self.opt(
            "SELECT detail FROM events WHERE kind = 'store_backed_up' AND subject = ?1
             ORDER BY id DESC LIMIT 1",
            super::params![file],
            |r| r.get(0),
        )?;
        Ok(detail
            .and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok())
            .and_then(|d| d.get("mark").and_then(|m| m.as_str()).map(str::to_owned)))
    }

    /// Other programs connected to this PostgreSQL store (their `application_name`, address
    /// and start), this connection left out: a restore waits until there are none.
    pub fn other_connections(&self) -> Result<Vec<String>> {
        self.all(
            "SELECT coalesce(application_name, '') || ' ' || coalesce(host(client_addr), 'local')
                    || ' since ' || to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')
             FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()
               AND backend_type = 'client backend'",
            super::params![],
            |r| r.get(0),
        )
    }
}

/// One of PostgreSQL's programs could not be started: missing, said in plain words.
fn tool_error(program: &str, e: std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::NotFound {
        // Windows has no package to name: the PostgreSQL installer's command line tools.
        let (zh, en) = crate::os::Os::THIS.pick2(
            (
                "请在这台电脑上装 PostgreSQL 的命令行工具（PostgreSQL 安装程序里的 Command Line Tools），并把它的 bin 文件夹加入 PATH",
                "install PostgreSQL's Command Line Tools on this PC (from the PostgreSQL installer) and add its bin folder to PATH",
            ),
            (
                "请在这台电脑上安装 postgresql-client（Debian：apt-get install postgresql-client）",
                "install postgresql-client on this PC (Debian: apt-get install postgresql-client)",
            ),
        );
        Error::invalid(
            format!("找不到 PostgreSQL 的 {program} 程序：{zh}"),
            format!("PostgreSQL's {program} was not found: {en}"),
        )
    } else {
        Error::io(program, e)
    }
}

/// Runs one of PostgreSQL's own programs (`pg_dump`, `pg_restore`), saying in plain words when it
/// is missing or fails; its error output is kept for the log.
fn pg_tool(program: &str, args: &[&std::ffi::OsStr]) -> Result<()> {
    let out = std::process::Command::new(program)
        .args(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| tool_error(program, e))?;
    if out.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    Err(Error::invalid(
        format!("{program} 没有成功：{said}"),
        format!("{program} failed: {said}"),
    ))
}

/// `pg_dump` of the store at `url` into `file`, custom format: one consistent snapshot while
/// benches go on writing (it takes no lock a bench waits for).
fn pg_dump(url: &Path, file: &Path) -> Result<()> {
    pg_tool(
        "pg_dump",
        &[
            "--format=custom".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--file".as_ref(),
            file.as_os_str(),
            "--dbname".as_ref(),
            url.as_os_str(),
        ],
    )
}

/// Checks that `path` is a whole `pg_dump` archive: `pg_restore` reads all of it (a file cut
/// short or damaged fails) and it holds our version table.
pub fn verify_dump(path: &Path) -> Result<BackupInfo> {
    let bytes = std::fs::metadata(path)
        .map_err(|e| Error::io(path, e))?
        .len();
    let mut head = [0u8; 5];
    let read = std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok();
    if !read || &head != b"PGDMP" {
        return Err(Error::NotAStore(path.to_path_buf()));
    }
    let whole = pg_tool(
        "pg_restore",
        &["--file".as_ref(), "/dev/null".as_ref(), path.as_os_str()],
    );
    if let Err(e) = whole {
        return Err(Error::Damaged {
            path: path.to_path_buf(),
            detail: e.to_string(),
        });
    }
    // The version the dump holds: the data of `packbench_schema`, read back as SQL text.
    let out = std::process::Command::new("pg_restore")
        .args(["--data-only", "--table=packbench_schema", "--file=-"])
        .arg(path)
        .output()
        .map_err(|e| tool_error("pg_restore", e))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let version = text
        .lines()
        .find_map(|l| {
            l.strip_prefix("packbench\t")
                .and_then(|v| v.trim().parse::<i64>().ok())
        })
        .ok_or_else(|| Error::ForeignDatabase(path.to_path_buf()))?;
    if version > latest_version() {
        return Err(Error::StoreTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: latest_version(),
        });
    }
    Ok(BackupInfo { version, bytes })
}

/// Removes our temporary backup files of `stem` an hour old or more: left by a backup that was
/// stopped half-way (the PC switched off, the process killed). A backup running now is younger.
fn remove_stale_partials(dir: &Path, stem: &str, now: DateTime<Utc>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let ours = name
            .strip_prefix('.')
            .and_then(|n| n.strip_suffix(".partial"))
            .and_then(|n| n.rsplit_once(".db."))
            .is_some_and(|(b, pid)| {
                parse_backup_name(stem, &format!("{b}.db")).is_some()
                    && pid.bytes().all(|c| c.is_ascii_digit())
            });
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| DateTime::<Utc>::from(t) + chrono::Duration::hours(1) <= now);
        if ours && old {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

fn change_mark(conn: &Connection) -> Result<String> {
    let tables: Vec<String> = conn
        .prepare(
            "SELECT m.name FROM sqlite_master m
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'station_leases'
               AND (SELECT count(*) FROM pragma_table_info(m.name) p WHERE p.pk > 0) = 1
               AND EXISTS (SELECT 1 FROM pragma_table_info(m.name) p
                           WHERE p.pk = 1 AND upper(p.type) = 'INTEGER')
             ORDER BY m.name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut mark = String::new();
    for t in tables {
        let sql = if t == "events" {
            format!(
                "SELECT max(rowid) FROM events WHERE kind NOT IN ('{}')",
                NOT_CHANGES.join("','")
            )
        } else {
            format!("SELECT max(rowid) FROM \"{t}\"")
        };
        let max: Option<i64> = conn.query_row(&sql, [], |r| r.get(0))?;
        mark.push_str(&format!("{t}={};", max.unwrap_or(0)));
    }
    Ok(mark)
}

/// The change mark of a backup file (see `Store::change_mark`), read without writing to it.
pub fn backup_change_mark(path: &Path) -> Result<String> {
    change_mark(&open_file_read_only(path)?)
}

/// What `verify_backup` learnt of a good backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    /// Its schema version (an older one is brought up to date when opened after a restore).
    pub version: i64,
    pub bytes: u64,
}

/// Checks that `path` is a whole, undamaged packbench store this program can open: the SQLite
/// header, a length that holds every page the header counts (a copy cut short), our
/// application id, a version not newer than ours, and `PRAGMA quick_check`. Reads only.
pub fn verify_backup(path: &Path) -> Result<BackupInfo> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let bytes = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut head = [0u8; 100];
    let damaged = |detail: String| Error::Damaged {
        path: path.to_path_buf(),
        detail,
    };
    if file.read_exact(&mut head).is_err() || &head[..16] != b"SQLite format 3\0" {
        return Err(Error::NotAStore(path.to_path_buf()));
    }
    let page_size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65_536,
        n => u64::from(n),
    };
    let pages = u64::from(u32::from_be_bytes([head[28], head[29], head[30], head[31]]));
    if pages > 0 && bytes < pages * page_size {
        return Err(damaged(format!(
            "cut short: {bytes} bytes, the header counts {pages} pages of {page_size}"
        )));
    }
    let conn = open_file_read_only(path)?;
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(|e| super::damaged_or(e, path))?;
    if app_id != APPLICATION_ID {
        return Err(Error::ForeignDatabase(path.to_path_buf()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > latest_version() {
        return Err(Error::StoreTooNew {
            path: path.to_path_buf(),
            found: version,
            supported: latest_version(),
        });
    }
    let found: Vec<String> = conn
        .prepare("PRAGMA quick_check(5)")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()
        .map_err(|e| super::damaged_or(e, path))?;
    if found != ["ok"] {
        return Err(damaged(found.join("; ")));
    }
    Ok(BackupInfo { version, bytes })
}

/// A file opened for reading only, as it is (no WAL looked for, nothing created beside it).
fn open_file_read_only(path: &Path) -> Result<Connection> {
    let uri = format!("file:{}?immutable=1", super::uri_path(path));
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| super::not_a_store_or(e, path))
}

/// The store's file name without its extension (`shop` for `shop.db`): the stem of its backups'
/// names, so two stores in one folder never thin each other's backups.
pub fn store_stem(store: &Path) -> String {
    if let Some(url) = super::pg::address(store) {
        return super::pg::dbname(url).unwrap_or_else(|| "packbench".into());
    }
    store
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "packbench".into())
}

/// The backup folder when none is named: `backups` beside the store; for a PostgreSQL store,
/// `backups` in this PC's packbench folder (`crate::home`: where its own store would be).
pub fn default_backup_dir(store: &Path) -> PathBuf {
    if super::pg::address(store).is_some() {
        return crate::home::Home::here().folder("backups");
    }
    match store.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir.join("backups"),
        None => PathBuf::from("backups"),
    }
}

/// The store file held open by another connection: a bench, a command, any program. Holds the
/// store's exclusive lock while it lives, so nobody opens it while a restore swaps the file;
/// dropped before the swap.
pub struct ExclusiveHold {
    /// Held for its lock.
    _conn: Option<Connection>,
}

impl ExclusiveHold {
    /// No store file, so nothing to hold.
    pub fn nobody() -> ExclusiveHold {
        ExclusiveHold { _conn: None }
    }

    /// Takes the held store out of WAL mode (its WAL folded in and removed), so that letting it
    /// go later touches no `-wal` file by name: the hold can then last through the rename that
    /// puts a backup in its place, and nobody opens the old file in between. False when that
    /// cannot be done (a damaged store): let go before the rename instead.
    fn leave_wal(&self) -> bool {
        self._conn
            .as_ref()
            .is_some_and(|c| c.pragma_update(None, "journal_mode", "DELETE").is_ok())
    }
}

/// Takes the store's exclusive lock at once, or says who holds it: `Ok(None)` when any other
/// connection has the store open (in WAL mode every open connection holds a shared lock on the
/// file), `Ok(Some(hold))` otherwise. A file SQLite cannot open at all (damaged) is held by
/// nobody who could use it: `Some` with no connection.
pub fn hold_exclusively(store: &Path) -> Result<Option<ExclusiveHold>> {
    let conn = match Connection::open_with_flags(
        store,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    ) {
        Ok(c) => c,
        Err(_) => return Ok(Some(ExclusiveHold { _conn: None })),
    };
    conn.busy_timeout(std::time::Duration::ZERO)?;
    let taken = conn
        .pragma_update(None, "locking_mode", "EXCLUSIVE")
        .and_then(|_| conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;"));
    match taken {
        Ok(()) => Ok(Some(ExclusiveHold { _conn: Some(conn) })),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
            ) =>
        {
            Ok(None)
        }
        // Damaged past reading: nobody works on it.
        Err(_) => Ok(Some(ExclusiveHold { _conn: None })),
    }
}

/// Where a restore put things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The store as it was before (with its `-wal` beside it, if it had one), or `None` when
    /// there was no store.
    pub safety_copy: Option<PathBuf>,
}

/// A copy of the backup beside the store, checked, ready to be renamed over it (a rename is
/// atomic only within one file system). Removed when dropped unless put in place.
pub struct Staged {
    path: PathBuf,
    placed: bool,
}

impl Staged {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.placed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Copies `backup` beside `store` under a hidden name and checks the copy (a copy that went
/// wrong on the way is refused like a damaged backup).
pub fn stage(store: &Path, backup: &Path) -> Result<Staged> {
    let name = store
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "packbench.db".into());
    let dir = store
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let staged = Staged {
        path: dir.join(format!(".{name}.restoring.{}", std::process::id())),
        placed: false,
    };
    if std::fs::canonicalize(backup).ok() == std::fs::canonicalize(store).ok() {
        return Err(Error::invalid(
            format!(
                "{} 就是数据库本身，不是备份：请给一个备份文件",
                backup.display()
            ),
            format!(
                "{} is the store itself, not a backup: give a backup file",
                backup.display()
            ),
        ));
    }
    std::fs::copy(backup, &staged.path).map_err(|e| Error::io(&staged.path, e))?;
    // A safety copy kept with its `-wal` (to undo a restore): the WAL's commits are folded into
    // the staged copy, never lost.
    let (wal, staged_wal) = (
        with_suffix(backup, "-wal"),
        with_suffix(&staged.path, "-wal"),
    );
    if wal.exists() {
        std::fs::copy(&wal, &staged_wal).map_err(|e| Error::io(&staged_wal, e))?;
        let folded = Connection::open_with_flags(
            &staged.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| {
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            c.pragma_update(None, "journal_mode", "DELETE")
        });
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(with_suffix(&staged.path, side));
        }
        folded.map_err(|e| super::damaged_or(e, backup))?;
    }
    sync_file(&staged.path)?;
    verify_backup(&staged.path)?;
    Ok(staged)
}

/// Puts a staged backup in the store's place: a safety copy of the store as it is (file and
/// `-wal`, byte for byte: a damaged store is copied as found), the hold let go, the stale
/// `-wal`/`-shm` removed (SQLite would replay them onto the restored file), then one rename.
pub fn put_in_place(
    store: &Path,
    mut staged: Staged,
    hold: ExclusiveHold,
    now: DateTime<Utc>,
) -> Result<Restored> {
    let local = now
        .with_timezone(&crate::domain::time::shop_zone())
        .naive_local();
    let side = |suffix: &str| with_suffix(store, suffix);
    let safety_copy = if store.exists() {
        let mut n = 1;
        let safety = loop {
            let stamp = local.format("%Y%m%d-%H%M%S");
            let p = match n {
                1 => side(&format!(".before-restore-{stamp}")),
                n => side(&format!(".before-restore-{stamp}-{n}")),
            };
            if !p.exists() {
                break p;
            }
            n += 1;
        };
        std::fs::copy(store, &safety).map_err(|e| Error::io(&safety, e))?;
        sync_file(&safety)?;
        let wal = side("-wal");
        if wal.exists() {
            let mut to = safety.clone().into_os_string();
            to.push("-wal");
            std::fs::copy(&wal, &to).map_err(|e| Error::io(&wal, e))?;
        }
        Some(safety)
    } else {
        None
    };
    // Unix renames over an open file; Windows does not, so there the hold goes first.
    let hold = if cfg!(unix) && hold.leave_wal() {
        Some(hold)
    } else {
        drop(hold);
        None
    };
    for suffix in ["-wal", "-shm", "-journal"] {
        let p = side(suffix);
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&p, e)),
        }
    }
    std::fs::rename(&staged.path, store).map_err(|e| Error::io(store, e))?;
    staged.placed = true;
    drop(hold);
    if let Some(dir) = store.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir);
    }
    Ok(Restored { safety_copy })
}

/// `path` with `suffix` added to its file name (`shop.db` → `shop.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(suffix);
    PathBuf::from(p)
}

fn sync_file(path: &Path) -> Result<()> {
    // Windows flushes only a handle that may write (FlushFileBuffers): a read-only one is
    // "access denied", and every backup failed there.
    std::fs::OpenOptions::new()
        .read(true)
        .write(cfg!(windows))
        .open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| Error::io(path, e))
}

/// Makes a rename in `dir` durable (Unix; Windows has no such call and needs none).
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Network file systems, by the `f_type` Linux's `statfs` reports: SQLite's locking does not work
/// over them (its docs: "WAL does not work over a network filesystem"), so two PCs on one file
/// corrupt it. FUSE is listed whole: sshfs is FUSE, and statfs cannot tell it from a local FUSE
/// file system.
pub fn network_fs_name(f_type: u64) -> Option<&'static str> {
    Some(match f_type {
        0x6969 => "NFS",
        0x517B => "SMB",
        0xFF53_4D42 => "CIFS",
        0xFE53_4D42 => "SMB2",
        0x6573_5546 => "FUSE (sshfs)",
        0x5346_414F => "AFS",
        0x7375_7245 => "Coda",
        0x564C => "NCP",
        0x00C3_6400 => "Ceph",
        0x0102_1997 => "9P",
        _ => return None,
    })
}

/// Which network file system `path` (or the nearest folder above it that exists) is on, if any.
/// Linux: `statfs`. Windows: a UNC path (`\\server\share`) is one; a mapped drive letter is not
/// detected. In debug builds `PACKBENCH_TEST_FS_TYPE` (a hex `f_type`) stands in for `statfs`,
/// so tests need no NFS mount.
pub fn network_fs_of(path: &Path) -> Option<&'static str> {
    #[cfg(debug_assertions)]
    if let Ok(fake) = std::env::var("PACKBENCH_TEST_FS_TYPE") {
        let fake = fake.trim_start_matches("0x");
        return u64::from_str_radix(fake, 16).ok().and_then(network_fs_name);
    }
    if cfg!(windows) && is_unc(&path.to_string_lossy()) {
        return Some(r"UNC (\\server\share)");
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut at = if path.as_os_str().is_empty() {
            Path::new(".")
        } else {
            path
        };
        while !at.exists() {
            match at.parent() {
                Some(p) if !p.as_os_str().is_empty() => at = p,
                _ => {
                    at = Path::new(".");
                    break;
                }
            }
        }
        let c = std::ffi::CString::new(at.as_os_str().as_bytes()).ok()?;
        // SAFETY: `c` is a valid C string; `buf` is a plain struct statfs fills.
        let mut buf: libc::statfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statfs(c.as_ptr(), &mut buf) } == 0 {
            #[allow(clippy::unnecessary_cast)] // the field's type differs between platforms
            return network_fs_name(buf.f_type as u64);
        }
    }
    None
}

/// A Windows path to a share on another PC: `\\server\share\…` or `\\?\UNC\server\…`, not a
/// local path written the long way (`\\?\C:\…`) or a device (`\\.\…`).
pub fn is_unc(path: &str) -> bool {
    let p = path.replace('/', "\\");
    if let Some(rest) = p.strip_prefix(r"\\?\") {
        return rest.len() >= 4 && rest[..4].eq_ignore_ascii_case(r"UNC\");
    }
    p.starts_with(r"\\") && !p.starts_with(r"\\.\")
}

/// Refuses a store on a network file system: see `network_fs_name`.
pub fn refuse_network_fs(path: &Path) -> Result<()> {
    match network_fs_of(path) {
        Some(fs) => Err(Refusal::NetworkStore {
            path: path.to_path_buf(),
            fs: fs.to_string(),
        }
        .into()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    #[test]
    fn backup_names_carry_the_shop_time_and_only_ours_are_read_back() {
        let t = NaiveDate::from_ymd_opt(2026, 11, 30)
            .unwrap()
            .and_hms_opt(18, 5, 9)
            .unwrap();
        assert_eq!(backup_name("shop", t), "shop-20261130-180509.db");
        assert_eq!(
            parse_backup_name("shop", "shop-20261130-180509.db"),
            Some(t)
        );
        assert_eq!(
            parse_backup_name("shop", "shop-20261130-180509-2.db"),
            Some(t)
        );
        for not_ours in [
            "shop-20261130-180509.db.partial",
            ".shop-20261130-180509.db.1.partial",
            "shop2-20261130-180509.db",
            "seed7-20261130-180509.db",
            "shop-20261130-180509-.db",
            "shop-20261130-18050x.db",
            "shop-20261330-180509.db",
            "shop-notes.db",
            "shop.db",
        ] {
            assert_eq!(parse_backup_name("shop", not_ours), None, "{not_ours}");
        }
    }

    fn files(times: &[NaiveDateTime]) -> Vec<BackupFile> {
        times
            .iter()
            .map(|t| BackupFile {
                path: PathBuf::from(backup_name("shop", *t)),
                taken: *t,
            })
            .collect()
    }

    #[test]
    fn thinning_keeps_the_last_day_then_daily_weekly_monthly() {
        // One backup at 18:00 every day for 400 days, and two more today by hand.
        let now = at(2026, 11, 30, 20);
        let mut times: Vec<_> = (0..400)
            .map(|d| at(2026, 11, 30, 18) - chrono::Duration::days(d))
            .collect();
        times.push(at(2026, 11, 30, 9));
        times.push(at(2026, 11, 29, 21));
        let all = files(&times);
        let gone = to_thin(&all, now, Retention::default());
        let mut kept: Vec<NaiveDateTime> = all
            .iter()
            .filter(|b| !gone.contains(&b.path))
            .map(|b| b.taken)
            .collect();
        kept.sort();
        kept.reverse();
        let mut want = vec![
            // The last 24 hours, all of them.
            at(2026, 11, 30, 18),
            at(2026, 11, 30, 9),
            at(2026, 11, 29, 21),
            // Daily: the newest of 7 days (the 30th and 29th among them).
            at(2026, 11, 28, 18),
            at(2026, 11, 27, 18),
            at(2026, 11, 26, 18),
            at(2026, 11, 25, 18),
            at(2026, 11, 24, 18),
            // Weekly (ISO weeks, Monday to Sunday; the 30th is a Monday): the newest of this
            // week (the 30th), of the week before (the 29th, 21:00), then Sun 22 and 15 Nov.
            at(2026, 11, 22, 18),
            at(2026, 11, 15, 18),
        ];
        // Monthly: the last day of each of the 11 months before November.
        for (y, m, d) in [
            (2026, 10, 31),
            (2026, 9, 30),
            (2026, 8, 31),
            (2026, 7, 31),
            (2026, 6, 30),
            (2026, 5, 31),
            (2026, 4, 30),
            (2026, 3, 31),
            (2026, 2, 28),
            (2026, 1, 31),
            (2025, 12, 31),
        ] {
            want.push(at(y, m, d, 18));
        }
        assert_eq!(kept, want);
        // Thinning again changes nothing.
        let left: Vec<BackupFile> = all
            .into_iter()
            .filter(|b| !gone.contains(&b.path))
            .collect();
        assert!(to_thin(&left, now, Retention::default()).is_empty());
    }

    #[test]
    fn network_file_systems_are_told_by_their_type() {
        for (f_type, name) in [
            (0x6969, "NFS"),
            (0x517B, "SMB"),
            (0xFF53_4D42, "CIFS"),
            (0xFE53_4D42, "SMB2"),
            (0x6573_5546, "FUSE (sshfs)"),
        ] {
            assert_eq!(network_fs_name(f_type), Some(name));
        }
        // ext4, xfs, btrfs, tmpfs, overlayfs, NTFS (Linux's own driver).
        for local in [
            0xEF53,
            0x5846_5342,
            0x9123_683E,
            0x0102_1994,
            0x794C_7630,
            0x5346_544E,
        ] {
            assert_eq!(network_fs_name(local), None, "{local:x}");
        }
        // This test's own folder is local.
        let dir = tempfile::tempdir().unwrap();
        if std::env::var_os("PACKBENCH_TEST_FS_TYPE").is_none() {
            assert_eq!(network_fs_of(&dir.path().join("no/such/shop.db")), None);
        }
    }

    #[test]
    fn unc_paths_are_shares_on_another_pc() {
        assert!(is_unc(r"\\server\share\shop.db"));
        assert!(is_unc("//server/share/shop.db"));
        assert!(is_unc(r"\\?\UNC\server\share\shop.db"));
        assert!(!is_unc(r"\\?\C:\shop\shop.db"));
        assert!(!is_unc(r"\\.\PhysicalDrive0"));
        assert!(!is_unc(r"C:\shop\shop.db"));
        assert!(!is_unc("/home/shop/shop.db"));
    }

    fn demo(path: &Path) -> Store {
        let mut s = Store::create(path).unwrap();
        let admin = crate::flow::staff::actor(&s, "admin", "t").unwrap();
        let opts = crate::flow::demo::DemoOptions {
            orders: 5,
            seed: 1,
            products: 0,
        };
        crate::flow::demo::fill(&mut s, &admin, opts).unwrap();
        s
    }

    #[test]
    fn a_backup_is_checked_and_a_cut_short_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = demo(&dir.path().join("shop.db"));
        let now = Utc::now();
        let made = store.backup_into(&dir.path().join("b"), now).unwrap();
        let again = store.backup_into(&dir.path().join("b"), now).unwrap();
        assert_ne!(made.path, again.path, "never over an earlier backup");
        assert!(verify_backup(&made.path).is_ok());
        assert_eq!(
            backup_change_mark(&made.path).unwrap(),
            store.change_mark().unwrap()
        );
        // Only the two backups: no temporary file left behind.
        assert_eq!(std::fs::read_dir(dir.path().join("b")).unwrap().count(), 2);
        let bytes = std::fs::read(&made.path).unwrap();
        let cut = dir.path().join("cut.db");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let e = verify_backup(&cut).unwrap_err();
        assert!(matches!(e, Error::Damaged { .. }), "{e:?}");
        // A page overwritten in the middle: quick_check finds it.
        let mut bad = bytes.clone();
        let page = u16::from_be_bytes([bad[16], bad[17]]) as usize;
        for b in &mut bad[page * 2..page * 2 + 200] {
            *b = 0xA5;
        }
        std::fs::write(&cut, &bad).unwrap();
        let e = verify_backup(&cut).unwrap_err();
        assert!(matches!(e, Error::Damaged { .. }), "{e:?}");
        std::fs::write(&cut, b"hello").unwrap();
        assert!(matches!(verify_backup(&cut), Err(Error::NotAStore(_))));
    }

    #[test]
    fn a_failed_backup_leaves_nothing_named_like_one() {
        let dir = tempfile::tempdir().unwrap();
        let store = demo(&dir.path().join("shop.db"));
        // The folder is a file: nothing can be written there.
        let not_a_dir = dir.path().join("b");
        std::fs::write(&not_a_dir, b"x").unwrap();
        assert!(store.backup_into(&not_a_dir, Utc::now()).is_err());
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| parse_backup_name("shop", n).is_some() || n.contains("partial"))
            .collect();
        assert!(names.is_empty(), "{names:?}");
    }

    #[test]
    fn the_store_is_held_while_another_connection_has_it_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        let store = demo(&path);
        assert!(
            hold_exclusively(&path).unwrap().is_none(),
            "a bench has it open"
        );
        drop(store);
        let hold = hold_exclusively(&path)
            .unwrap()
            .expect("nobody has it open");
        // While held, nobody else can read it.
        let other = Connection::open(&path).unwrap();
        other.busy_timeout(std::time::Duration::ZERO).unwrap();
        assert!(
            other
                .query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))
                .is_err()
        );
        drop(hold);
        assert!(
            other
                .query_row("SELECT count(*) FROM orders", [], |r| r.get::<_, i64>(0))
                .is_ok()
        );
    }

    #[test]
    fn a_copy_with_its_wal_is_restored_whole_and_the_store_never_onto_itself() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shop.db");
        drop(demo(&path));
        // A copy taken while a write sat in the WAL (a safety copy of a store killed mid-shift).
        let live = Connection::open(&path).unwrap();
        live.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        live.execute(
            "INSERT INTO settings (key, value) VALUES ('only.in.wal', 'yes')",
            [],
        )
        .unwrap();
        let snap = dir.path().join("snap.db");
        std::fs::copy(&path, &snap).unwrap();
        std::fs::copy(
            dir.path().join("shop.db-wal"),
            dir.path().join("snap.db-wal"),
        )
        .unwrap();
        drop(live);
        let target = dir.path().join("other").join("shop.db");
        let staged = stage(&target, &snap).unwrap();
        let c = open_file_read_only(staged.path()).unwrap();
        let v: String = c
            .query_row(
                "SELECT value FROM settings WHERE key = 'only.in.wal'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(v, "yes");
        let staged_path = staged.path().to_path_buf();
        drop((c, staged));
        assert!(
            !staged_path.exists(),
            "a staged copy not put in place is removed"
        );
        assert!(!with_suffix(&staged_path, "-wal").exists());
        // The store given as its own backup.
        let e = stage(&path, &path).err().expect("refused");
        assert!(e.to_string().contains("the store itself"), "{e}");
    }

    #[test]
    fn temporary_files_of_a_stopped_backup_are_cleared_later() {
        let dir = tempfile::tempdir().unwrap();
        let store = demo(&dir.path().join("shop.db"));
        let b = dir.path().join("b");
        std::fs::create_dir(&b).unwrap();
        let left = b.join(".shop-20261101-180000.db.4242.partial");
        let fresh = b.join(".shop-20261130-180000.db.4243.partial");
        let foreign = b.join(".notes.partial");
        for f in [&left, &fresh, &foreign] {
            std::fs::write(f, b"half").unwrap();
        }
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        for f in [&left, &foreign] {
            std::fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
        store.backup_into(&b, Utc::now()).unwrap();
        assert!(!left.exists());
        assert!(fresh.exists() && foreign.exists());
    }
}
