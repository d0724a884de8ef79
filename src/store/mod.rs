//! The store: one SQLite file for a one-PC shop, or a PostgreSQL database shared by several PCs
//! (`--db postgres://…`). Only this module speaks SQL, and only `sql` and `pg` know which engine
//! runs it: every query is one text for both.

pub mod backup;
mod bench;
mod catalog;
pub mod copy;
mod events;
mod exceptions;
mod exchanges;
mod orders;
pub mod pg;
mod print;
mod products;
mod refunds;
mod report;
mod returns;
pub(crate) mod sql;
mod staff;
mod stock;
mod team;
#[doc(hidden)]
pub mod testing;

pub use bench::{
    BatchRow, BenchOrder, CodeAtBench, NewScan, ParcelAtBench, ParcelRow, PoolStatus,
    ProductAtBench, ScanRecord, StationLease, StationRow,
};
pub use catalog::{ItemLine, ProductHit, StoredPicture};
pub use events::EventRow;
pub use exceptions::{ExceptionSubject, VoidRow};
pub use exchanges::ExchangeRow;
pub use orders::{
    ImportedRemark, NewImportedOrder, OrderRecord, OrderSummary, RemarkRow, SetAsideIndexes,
    StoredOrder,
};
pub use print::{NewPrintJob, PrintJobItem, PrintJobRow};
pub use products::{ProductRecord, StockRow};
pub use report::{
    CountScan, CreditRemark, DoneRefund, HourCount, LeftParcel, OpenParcel, PaidOrder, PickedBatch,
    ShippedRefund, SignedAudit,
};
pub use returns::{NewReturnScan, ReturnRow, ReturnedUnits};
pub use staff::StaffRecord;
pub use stock::{
    LedgerDiff, MoveRow, NewStockScan, NewStocktake, ReceiptLineRow, ReceiptRow, StandingCount,
    StockLevel, StocktakeLineRow, StocktakeRow,
};
pub use team::{FundRow, HandoverRow, NewFundEntry, RosterRow};

use crate::domain::check::{ParcelStage, ScanMode, ScanSource, ShipMode};
use crate::domain::print::{JobKind, JobResult};
use crate::domain::stock::{
    AdjustReason, IssueReason, MoveKind, ReceiptState, StocktakeState, Uncounted,
};
use crate::domain::{BatchId, ReceiptId, SessionId};
use crate::error::{Error, Refusal, Result};
use rusqlite::{Connection, OpenFlags, TransactionBehavior};
pub(crate) use sql::{Conn, CopyRows, Param, Row, params};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The schema, all versions; see the header of `schema.sql`.
const SCHEMA: &str = include_str!("../../schema.sql");

/// `PRAGMA application_id` of a packbench store ("PBNC"), so another program's database is told
/// apart from ours before anything is written to it.
const APPLICATION_ID: i64 = 0x5042_4E43;

/// The schema sections, in order: `(version, sql)`.
fn migrations() -> Vec<(i64, String)> {
    sections(SCHEMA)
}

/// The sections of a schema file, in order: `(version, sql)`. A section starts at a line that is
/// exactly `-- version: N`; both engines' files are read the same way.
fn sections(schema: &str) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = Vec::new();
    for line in schema.lines() {
        if let Some(v) = line
            .strip_prefix("-- version: ")
            .and_then(|v| v.trim().parse::<i64>().ok())
        {
            out.push((v, String::new()));
        } else if let Some((_, sql)) = out.last_mut() {
            sql.push_str(line);
            sql.push('\n');
        }
    }
    out
}

/// The schema version this program writes.
pub fn latest_version() -> i64 {
    migrations().last().map(|m| m.0).unwrap_or(0)
}

/// An open store.
pub struct Store {
    /// First, so it stops before the connection closes (fields drop in order).
    checkpointer: Option<Checkpointer>,
    conn: Conn,
    /// The SQLite file, or the PostgreSQL address as given (`postgres://…`).
    path: PathBuf,
    /// Opened for reading only (the file is marked read-only).
    read_only: bool,
    /// How long a write waits for another's write lock (`None`: until it goes).
    wait_limit: Option<Duration>,
    /// Told when a write starts waiting for another's lock, and when it got it.
    on_wait: Option<WaitHook>,
}

/// How long a write waits for another connection's lock unless told otherwise.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// A write asks for the lock in steps this long: between them it can say that it waits (well
/// within a second of starting to) and give up at its limit.
const LOCK_STEP: Duration = Duration::from_millis(250);

/// How often a long wait is reported again.
const WAIT_REMINDER: Duration = Duration::from_secs(10);

/// A write waiting for another connection's write lock (a long import, another bench).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockWait {
    /// Still waiting, this long so far; said first within a second, then every 10 s.
    Waiting(Duration),
    /// The lock came after this long; the write goes on.
    Got(Duration),
    /// The wait limit passed after this long: the write is refused (`StoreFault::Busy`).
    GaveUp(Duration),
}

/// What a bench does when a write waits: says so (a line, a JSON event, the window's word).
pub type WaitHook = Arc<dyn Fn(LockWait) + Send + Sync>;

/// The thread that copies the WAL back into the store file while a bench works (see
/// `Store::checkpoint_in_background`), and how to stop it.
struct Checkpointer {
    stop: std::sync::Arc<(std::sync::Mutex<bool>, std::sync::Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (flag, wake) = &*self.stop;
        *flag.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A view of the store for reading and, inside `Store::write`, for writing. Every query of the
/// program is a method of `Db`, in the module of its aggregate.
pub struct Db<'c> {
    conn: &'c Conn,
}

/// Row count and content checksum of one table, to prove a refused import left the store as it
/// was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: i64,
    pub checksum: u64,
}

impl Store {
    /// Opens the store at `path`. No store there (no file, an empty file, a folder that does not
    /// exist) is refused and nothing is created: a new shop is made only by intent
    /// (`Store::create`), never by a typo in a path. A file that is not a packbench store is
    /// refused before anything is written to it.
    ///
    /// Opening is cheap and takes no lock: the write lock (and the migration) only when the store
    /// is behind this program's schema, so a second connection (the window's background work,
    /// `orders list` beside an import) never waits for a writer. A file marked read-only (a copy,
    /// a backup) is opened for reading only, and nothing is created beside it.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(url) = pg::address(&path) {
            return pg::open(url, false).map(|conn| Store::on_server(conn, path));
        }
        backup::refuse_network_fs(&path)?;
        refuse_non_sqlite(&path)?;
        if !path.exists() {
            return Err(Refusal::NoStore(path).into());
        }
        let read_only = std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly());
        if read_only {
            return Store::open_read_only(path);
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_store_or(e, &path))?;
        Store::init(conn, path, false, false)
    }

    /// Makes a new store at `path` (and its folders): `packbench init` and the demo. An empty
    /// file there becomes the store; a store already there is refused and left as it is.
    pub fn create(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(url) = pg::address(&path) {
            return pg::open(url, true).map(|conn| Store::on_server(conn, path));
        }
        backup::refuse_network_fs(&path)?;
        refuse_non_sqlite(&path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let conn = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_store_or(e, &path))?;
        Store::init(conn, path, false, true)
    }

    /// A store file nobody may write: read as it is. Without a WAL beside it (a copy of a store
    /// closed cleanly) it is opened immutable, which needs no `-shm` file (none can be made in
    /// a read-only folder); with one, read-only through the WAL.
    fn open_read_only(path: PathBuf) -> Result<Store> {
        let mut wal = path.clone().into_os_string();
        wal.push("-wal");
        let mode = if Path::new(&wal).exists() {
            "mode=ro"
        } else {
            "immutable=1"
        };
        let uri = format!("file:{}?{mode}", uri_path(&path));
        let conn = Connection::open_with_flags(
            uri,
            OpenFlags::SQLITE_OPEN_READ_ONLY
                | OpenFlags::SQLITE_OPEN_URI
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| not_a_store_or(e, &path))?;
        Store::init(conn, path, true, false)
    }

    /// A store in memory, for tests and throw-away work.
    pub fn open_in_memory() -> Result<Store> {
        Store::init(
            Connection::open_in_memory()?,
            PathBuf::from(":memory:"),
            false,
            true,
        )
    }

    /// `new`: the store is being made (`create`); otherwise an empty database is no store.
    fn init(mut conn: Connection, path: PathBuf, read_only: bool, new: bool) -> Result<Store> {
        // Several benches may share one store file: wait for a writer instead of failing.
        conn.busy_timeout(Duration::from_secs(10))?;
        let app_id: i64 = conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(|e| not_a_store_or(e, &path))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            let objects: i64 =
                conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
            if app_id != 0 || objects > 0 {
                return Err(Error::ForeignDatabase(path));
            }
        }
        // Version 0 is a database with nothing in it (an empty file): no store yet.
        match (new, version == 0) {
            (false, true) => return Err(Refusal::NoStore(path).into()),
            (true, false) => return Err(Refusal::StoreExists(path).into()),
            _ => {}
        }
        if version > latest_version() {
            return Err(Error::StoreTooNew {
                path,
                found: version,
                supported: latest_version(),
            });
        }
        if read_only && version < latest_version() {
            return Err(Error::invalid(
                format!(
                    "{} 是旧版本的数据库（版本 {version}），而且是只读的：无法升级，请先让它可写",
                    path.display()
                ),
                format!(
                    "{} is an older store (version {version}) and read-only: it cannot be upgraded; make it writable first",
                    path.display()
                ),
            ));
        }
        // WAL lets the GUI read while a scan is written. synchronous=FULL because a bench PC loses
        // power: with NORMAL, a committed scan or shipment can roll back after a power cut; FULL
        // syncs the WAL on every commit, so what the screen showed as done stays done. A store in
        // WAL already stays so without asking for a lock.
        let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !read_only && !journal.eq_ignore_ascii_case("wal") {
            conn.pragma_update(None, "journal_mode", "WAL")?;
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // An import writes tens of MB in one transaction. In SQLite's default 2 MB page cache the
        // index pages do not fit: dirty pages spill to the WAL mid-transaction and are read back
        // (a 100,000-order import made 2.1× the writes and 3.5× the reads it makes with 32 MiB).
        // The size is a limit; pages are allocated as they are used.
        conn.pragma_update(None, "cache_size", -32 * 1024)?;
        // Checking one parcel (waybill, items, unknown codes, shipping) cycles through 19 cached
        // statements. In rusqlite's default cache of 16 such a cycle misses nearly every time,
        // and each scan parsed its SQL again: a third of its CPU time (`benches/scan.rs`).
        conn.set_prepared_statement_cache_capacity(64);
        if version < latest_version() {
            migrate(&mut conn)?;
        }
        Ok(Store {
            checkpointer: None,
            conn: Conn::Lite(conn),
            path,
            read_only,
            wait_limit: Some(DEFAULT_WAIT),
            on_wait: None,
        })
    }

    fn on_server(conn: sql::PgConn, path: PathBuf) -> Store {
        Store {
            checkpointer: None,
            conn: Conn::Pg(conn),
            path,
            read_only: false,
            wait_limit: Some(DEFAULT_WAIT),
            on_wait: None,
        }
    }

    /// The SQLite connection, for what only SQLite has (pragmas, file backups).
    fn lite(&self) -> Option<&Connection> {
        match &self.conn {
            Conn::Lite(c) => Some(c),
            Conn::Pg(_) => None,
        }
    }

    /// Whether the store is a PostgreSQL database (else an SQLite file).
    pub fn on_postgres(&self) -> bool {
        matches!(self.conn, Conn::Pg(_))
    }

    /// The store as it may be shown: the file, or the server's address without its password.
    pub fn name(&self) -> String {
        match &self.conn {
            Conn::Pg(pg) => pg.link.db().to_owned(),
            Conn::Lite(_) => self.path.display().to_string(),
        }
    }

    /// Reads the whole file once (`PRAGMA quick_check`) and refuses a damaged store with what to
    /// do, before a bench works on it. Read-only: it takes no lock and writes nothing. It reads
    /// every page, so it costs time on a big store (see README, "The store"): the window and
    /// scanner sessions run it as they start, not every command.
    pub fn quick_check(&self) -> Result<()> {
        // A server checks its own pages; asking it something proves the connection.
        let Some(conn) = self.lite() else {
            return self
                .read()
                .one("SELECT 1", params![], |r| r.get::<i64>(0))
                .map(drop);
        };
        let mut stmt = conn.prepare("PRAGMA quick_check(5)")?;
        let found: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()
            .map_err(|e| damaged_or(e, &self.path))?;
        if found.len() == 1 && found[0] == "ok" {
            return Ok(());
        }
        Err(Error::Damaged {
            path: self.path.clone(),
            detail: found.join("; "),
        })
    }

    /// For a long-running bench (the window, a scanner session): copies the WAL back into the
    /// store file from a thread of its own, every half second, instead of inside whichever commit
    /// crosses SQLite's 1,000-page mark. A scan commit writes about 8 pages, so one scan in ~120
    /// paid for a checkpoint (1.9 ms instead of 0.36) and set the p99 (`benches/scan.rs`). The
    /// checkpoint is PASSIVE: it never waits for, or blocks, a scan being written. A commit still
    /// checkpoints itself past 20,000 pages, should the thread fall behind.
    pub fn checkpoint_in_background(&mut self) -> Result<()> {
        if self.checkpointer.is_some() || self.read_only || self.path == Path::new(":memory:") {
            return Ok(());
        }
        let Some(lite) = self.lite() else {
            return Ok(());
        };
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_millis(100))?;
        lite.pragma_update(None, "wal_autocheckpoint", 20_000)?;
        let stop = std::sync::Arc::new((std::sync::Mutex::new(false), std::sync::Condvar::new()));
        let signal = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || {
                let (flag, wake) = &*signal;
                let mut stopped = flag.lock().unwrap_or_else(|e| e.into_inner());
                while !*stopped {
                    stopped = wake
                        .wait_timeout(stopped, Duration::from_millis(500))
                        .unwrap_or_else(|e| e.into_inner())
                        .0;
                    if !*stopped {
                        // A failed checkpoint (the store busy) is tried again next time.
                        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                    }
                }
            })
            .map_err(|e| Error::io(&self.path, e))?;
        self.checkpointer = Some(Checkpointer {
            stop,
            thread: Some(thread),
        });
        Ok(())
    }

    /// Whether `checkpoint_in_background` runs for this connection.
    pub fn checkpoints_in_background(&self) -> bool {
        self.checkpointer.is_some()
    }

    /// How long a write waits for another bench's write to finish before giving up. The bench
    /// screen waits less than the command line: it must answer the checker, not hang.
    pub fn set_busy_timeout(&mut self, timeout: Duration) -> Result<()> {
        if let Some(c) = self.lite() {
            c.busy_timeout(timeout)?;
        }
        self.wait_limit = Some(timeout);
        Ok(())
    }

    /// Writes wait for another's write lock as long as it is held: a replay of scans, where a
    /// scan given up on would be a scan lost.
    pub fn wait_for_writers_forever(&mut self) {
        self.wait_limit = None;
    }

    /// `hook` is told when a write starts waiting for another's lock (within a second, then
    /// every 10 s) and when it gets it, so the bench can say why nothing happens.
    pub fn on_lock_wait(&mut self, hook: WaitHook) {
        self.on_wait = Some(hook);
    }

    /// Begins a write transaction, waiting for another connection's write in short steps: the
    /// wait is reported through `on_lock_wait` and ends at the wait limit. On SQLite it is an
    /// immediate transaction; on PostgreSQL it takes the store's write lock (see `pg::begin`), so
    /// writers take turns on both engines and a flow never meets another's half-done work.
    fn begin_write(&mut self) -> Result<()> {
        if let Conn::Pg(pg) = &self.conn {
            pg.link.reconnect_if_gone(pg)?;
        }
        let started = Instant::now();
        let mut told: Option<Duration> = None;
        let restore = self.wait_limit.unwrap_or(DEFAULT_WAIT);
        let step = LOCK_STEP.min(restore);
        let stepped = |on: bool| -> Result<()> {
            if let Some(c) = self.lite() {
                c.busy_timeout(if on { step } else { restore })?;
            }
            Ok(())
        };
        stepped(true)?;
        // The engine's own word for the last time the lock was not had, to give up with.
        let mut busy: Option<Error> = None;
        loop {
            let began = match &self.conn {
                Conn::Lite(c) => match c.execute_batch("BEGIN IMMEDIATE") {
                    Ok(()) => Ok(true),
                    Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                        busy = Some(e.into());
                        Ok(false)
                    }
                    Err(e) => Err(Error::from(e)),
                },
                Conn::Pg(p) => pg::begin(p, step).inspect(|got| {
                    if !got {
                        busy = Some(pg::busy());
                    }
                }),
            };
            match began {
                Ok(true) => {
                    stepped(false)?;
                    if told.is_some()
                        && let Some(hook) = &self.on_wait
                    {
                        hook(LockWait::Got(started.elapsed()));
                    }
                    return Ok(());
                }
                Ok(false) if self.wait_limit.is_none_or(|l| started.elapsed() < l) => {
                    let waited = started.elapsed();
                    if told.is_none_or(|t| waited >= t + WAIT_REMINDER) {
                        told = Some(waited);
                        if let Some(hook) = &self.on_wait {
                            hook(LockWait::Waiting(waited));
                        }
                    }
                }
                other => {
                    stepped(false)?;
                    if told.is_some()
                        && let Some(hook) = &self.on_wait
                    {
                        hook(LockWait::GaveUp(started.elapsed()));
                    }
                    return match other {
                        Err(e) => Err(e),
                        _ => Err(busy.unwrap_or_else(pg::busy)),
                    };
                }
            }
        }
    }

    /// Ends the open write transaction: kept (`commit`) or undone. A commit that failed (the
    /// server went away as it answered) is undone as far as this side can.
    fn end_write(&self, commit: bool) -> Result<()> {
        let mut sql = if commit { "COMMIT" } else { "ROLLBACK" }.to_string();
        if let Conn::Pg(pg) = &self.conn {
            // Whatever the answer, the transaction is over (or gone with the connection).
            pg.in_transaction.set(false);
            // Writes not sent yet go with the COMMIT, in one round trip; a rollback drops them.
            let pending = pg.take_pending();
            if commit && !pending.is_empty() {
                sql = format!("{};\nCOMMIT", pending.join(";\n"));
            }
        }
        let done = self.conn.batch(&sql);
        if let Conn::Pg(pg) = &self.conn {
            pg.settle(commit && done.is_ok());
        }
        if done.is_err() && commit {
            let _ = self.conn.batch("ROLLBACK");
        }
        match (&self.conn, done) {
            // A rollback with no transaction (the server dropped it with the connection).
            (Conn::Pg(_), Err(_)) if !commit => Ok(()),
            (_, d) => d,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the store was opened for reading only (its file is marked read-only).
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Reads (autocommit; each query sees committed data). A server connection that dropped is
    /// made again first, no more often than its back-off allows.
    pub fn read(&self) -> Db<'_> {
        if let Conn::Pg(pg) = &self.conn {
            // A failed attempt shows as the query's own error.
            let _ = pg.link.reconnect_if_gone(pg);
        }
        Db { conn: &self.conn }
    }

    /// Runs `f` in one write transaction: all of it is written, or (on error) none of it.
    pub fn write<T>(&mut self, f: impl FnOnce(&Db<'_>) -> Result<T>) -> Result<T> {
        self.write_or_discard(|db| f(db).map(|out| (out, true)))
    }

    /// Runs `f` in one write transaction and commits only if it says so: a refused import
    /// still reports every bad row, and writes nothing.
    pub fn write_or_discard<T>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        self.begin_write()?;
        // Undone if `f` panics, so the connection is not left inside a transaction.
        struct Open<'s>(Option<&'s Store>);
        impl Drop for Open<'_> {
            fn drop(&mut self) {
                if let Some(s) = self.0 {
                    let _ = s.end_write(false);
                }
            }
        }
        let mut open = Open(Some(self));
        let out = f(&Db { conn: &self.conn });
        open.0 = None;
        match out {
            Ok((out, commit)) => {
                self.end_write(commit)?;
                Ok(out)
            }
            Err(e) => {
                self.end_write(false)?;
                Err(e)
            }
        }
    }

    /// `write_or_discard` for a write bigger than the store it goes into (a new shop's order
    /// history). In WAL every page is written twice: to the WAL, then by the checkpoint. When no
    /// other connection has the SQLite store open, this write goes through a rollback journal
    /// instead, which keeps only the pages the store had before (a new store's few), so the rest
    /// are written once; as safe on a crash or power cut (`synchronous = EXTRA` meanwhile).
    /// Programs that open the store meanwhile wait for it, as they wait for a write lock. The
    /// store is in WAL again after, whatever happened (or, if another program holds it then,
    /// from its next opening: `Store::open`).
    pub fn write_big_or_discard<T>(
        &mut self,
        f: impl FnOnce(&Db<'_>) -> Result<(T, bool)>,
    ) -> Result<T> {
        if !self.leave_wal() {
            return self.write_or_discard(f);
        }
        let out =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.write_or_discard(f)));
        if let Some(c) = self.lite() {
            back_to_wal(c);
        }
        out.unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    }

    /// Whether the store could be taken out of WAL for one write: only when no other connection
    /// has it open (each holds it in WAL), which is asked without waiting.
    fn leave_wal(&self) -> bool {
        let Some(conn) = self.lite() else {
            return false;
        };
        if self.read_only || self.checkpointer.is_some() || self.path == Path::new(":memory:") {
            return false;
        }
        if conn.busy_timeout(Duration::ZERO).is_err() {
            return false;
        }
        let mode = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
            r.get::<_, String>(0)
        });
        let _ = conn.busy_timeout(self.wait_limit.unwrap_or(DEFAULT_WAIT));
        if !mode.is_ok_and(|m| m.eq_ignore_ascii_case("delete")) {
            return false;
        }
        // The commit is the journal's deletion: EXTRA syncs the folder after it, or a power cut
        // just after could bring the journal back and undo a write already reported done.
        if conn.pragma_update(None, "synchronous", "EXTRA").is_err() {
            back_to_wal(conn);
            return false;
        }
        true
    }

    /// The store's journal mode (`wal` for a store at rest), for tests and diagnostics.
    pub fn journal_mode(&self) -> Result<String> {
        match self.lite() {
            Some(c) => Ok(c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?),
            None => Ok(String::new()),
        }
    }

    /// Row counts and checksums of every table, in name order (see `Db::digest`).
    pub fn digest(&self) -> Result<Vec<TableDigest>> {
        self.read().digest()
    }
}

impl Db<'_> {
    /// Row counts and checksums of every table, in name order. A table's checksum does not
    /// depend on the order its rows come in, so two engines (whose text sorts differently)
    /// give the same checksum for the same rows.
    pub(crate) fn digest(&self) -> Result<Vec<TableDigest>> {
        let mut out = Vec::new();
        for table in self.table_names()? {
            let (mut count, mut sum) = (0i64, 0u64);
            self.each(&format!("SELECT * FROM \"{table}\""), params![], |row| {
                count += 1;
                let mut hash = Fnv::new();
                for i in 0..row.len() {
                    hash.write(format!("{:?}", row.value(i)?).as_bytes());
                    hash.write(&[0x1f]);
                }
                sum = sum.wrapping_add(hash.0);
                Ok(())
            })?;
            out.push(TableDigest {
                table,
                rows: count,
                checksum: sum,
            });
        }
        Ok(out)
    }
}

/// FNV-1a: a small stable hash for table checksums (std's hasher is seeded per process).
struct Fnv(u64);
impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Refuses an existing, non-empty file that does not start with the SQLite header, without
/// letting SQLite open (and possibly touch) it.
fn refuse_non_sqlite(path: &Path) -> Result<()> {
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, e)),
    };
    if file.metadata().map_err(|e| Error::io(path, e))?.is_dir() {
        return Err(Error::NotAStore(path.to_path_buf()));
    }
    let mut head = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(path, e))?;
    if head.is_empty() || head == b"SQLite format 3\0" {
        Ok(())
    } else {
        Err(Error::NotAStore(path.to_path_buf()))
    }
}

fn not_a_store_or(e: rusqlite::Error, path: &Path) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => Error::NotAStore(path.to_path_buf()),
        _ => Error::from(e),
    }
}

/// A store so damaged that checking it failed is damaged all the same.
fn damaged_or(e: rusqlite::Error, path: &Path) -> Error {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase) => {
            Error::Damaged {
                path: path.to_path_buf(),
                detail: e.to_string(),
            }
        }
        _ => Error::from(e),
    }
}

/// Brings the store to the latest version: the sections of `schema.sql` above its version, in
/// one immediate transaction (a half-migrated store cannot exist). Called only when the store
/// was read as behind.
fn migrate(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Read again under the write lock: another bench may have migrated meanwhile.
    let current: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current >= latest_version() {
        return Ok(());
    }
    for (version, sql) in migrations().into_iter().filter(|(v, _)| *v > current) {
        tx.execute_batch(&sql)?;
        tx.pragma_update(None, "user_version", version)?;
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.commit()?;
    Ok(())
}

/// A path as the file part of an SQLite URI: `%`, `?` and `#` escaped.
fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}

impl Db<'_> {
    /// The first row of `sql` read by `f`; an error when there is none.
    pub(crate) fn one<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.opt(sql, params, f)?
            .ok_or_else(|| Error::decode(format!("no row for: {sql}")))
    }

    /// The first row of `sql` read by `f`, if there is one.
    pub(crate) fn opt<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnOnce(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut f = Some(f);
        let mut out = None;
        self.conn.each(sql, params, &mut |r| {
            if let Some(f) = f.take() {
                out = Some(f(r)?);
            }
            Ok(false)
        })?;
        Ok(out)
    }

    /// Every row of `sql`, each read by `f`.
    pub(crate) fn all<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.all_as(sql, params, f, sql::Plan::Kept)
    }

    /// `all`, planned for these values and the tables as they are now, not with a plan kept
    /// from earlier runs: for lookups into tables the same transaction is filling.
    pub(crate) fn all_planned_now<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: impl FnMut(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.all_as(sql, params, f, sql::Plan::Fresh)
    }

    fn all_as<T>(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(&Row<'_>) -> Result<T>,
        plan: sql::Plan,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.conn.each_planned(
            sql,
            params,
            &mut |r| {
                out.push(f(r)?);
                Ok(true)
            },
            plan,
        )?;
        Ok(out)
    }

    /// Every row of `sql` handed to `f` as it is read, none kept: for long listings. `f` must
    /// not query the store itself (a server connection reads one result at a time).
    pub(crate) fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        self.conn.each(sql, params, &mut |r| f(r).map(|()| true))
    }

    /// Runs a statement; the number of rows it changed.
    pub(crate) fn exec(&self, sql: &str, params: &[&dyn Param]) -> Result<usize> {
        self.conn.exec(sql, params)
    }

    /// A write whose count of rows is not needed: on a server, sent with the next statement or
    /// the COMMIT (see `Conn::exec_later`).
    pub(crate) fn exec_later(&self, sql: &str, params: &[&dyn Param]) -> Result<()> {
        self.conn.exec_later(sql, params)
    }

    /// Runs an `INSERT … RETURNING id` (every table's `id` is its `INTEGER PRIMARY KEY`); the new
    /// row's id. SQLite runs a `RETURNING` as a trigger, and a statement with a trigger keeps a
    /// statement journal of every page it changes: a third of an import's time went there. On
    /// SQLite the statement runs without it and the id is the connection's last rowid.
    pub(crate) fn insert(&self, sql: &str, params: &[&dyn Param]) -> Result<i64> {
        debug_assert!(sql.contains("RETURNING"), "{sql}");
        if let Conn::Lite(c) = &self.conn
            && let Some(plain) = sql.trim_end().strip_suffix("RETURNING id")
        {
            return match self.conn.exec(plain, params)? {
                1 => Ok(c.last_insert_rowid()),
                _ => Err(Error::decode(format!("no row for: {sql}"))),
            };
        }
        self.one(sql, params, |r| r.get(0))
    }

    /// Runs a `COPY table (columns) FROM STDIN` with `rows` (PostgreSQL only: bulk writes).
    pub(crate) fn copy_in(&self, sql: &str, rows: &CopyRows) -> Result<u64> {
        self.conn.copy_in(sql, rows)
    }

    /// Whether the store is a PostgreSQL database: for the few statements that differ.
    pub(crate) fn on_postgres(&self) -> bool {
        matches!(self.conn, Conn::Pg(_))
    }

    /// The store's tables, in name order.
    pub(crate) fn table_names(&self) -> Result<Vec<String>> {
        let sql = if self.on_postgres() {
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
               AND table_name <> 'packbench_schema' ORDER BY 1"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        };
        self.all(sql, params![], |r| r.get(0))
    }

    /// A setting, or `None` when unset.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.opt(
            "SELECT value FROM settings WHERE key = ?1",
            params![key],
            |r| r.get(0),
        )
    }

    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.exec(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }
}

/// The typed numbers go into SQL, and come out of it, as the integers they are.
macro_rules! sql_id {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> sql::ValueRef<'_> {
                sql::ValueRef::Int(self.0)
            }
        }
        impl sql::FromValue for $t {
            fn from_value(v: sql::ValueRef<'_>) -> std::result::Result<$t, String> {
                i64::from_value(v).map(Self)
            }
        }
    )*};
}
sql_id!(BatchId, ReceiptId, SessionId);

/// The coded enums go into SQL as their codes; a code this program never wrote is an error.
macro_rules! sql_code {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> sql::ValueRef<'_> {
                sql::ValueRef::Text(self.code())
            }
        }
        impl sql::FromValue for $t {
            fn from_value(v: sql::ValueRef<'_>) -> std::result::Result<$t, String> {
                let code = String::from_value(v)?;
                <$t>::from_code(&code)
                    .ok_or_else(|| format!("unknown {}: {code:?}", stringify!($t)))
            }
        }
    )*};
}
sql_code!(
    MoveKind,
    ReceiptState,
    StocktakeState,
    JobKind,
    JobResult,
    ParcelStage,
    IssueReason,
    AdjustReason,
    ScanSource,
    ScanMode,
    ShipMode,
    Uncounted
);

/// What a scan meant goes into the `verdict` and `reason` columns as its stable name.
impl Param for crate::domain::Kind {
    fn value(&self) -> sql::ValueRef<'_> {
        sql::ValueRef::Text(self.name())
    }
}

impl Param for crate::domain::Reason {
    fn value(&self) -> sql::ValueRef<'_> {
        sql::ValueRef::Text(self.code())
    }
}

/// A store's `--db` as it may be shown: a file's path, a server's address without its password.
pub fn shown(path: &Path) -> String {
    match pg::address(path) {
        Some(url) => pg::shown(url),
        None => path.display().to_string(),
    }
}

/// Puts a store taken out of WAL (`Store::leave_wal`) back as every write expects it: WAL, each
/// commit synced. A failure is mended by the next `Store::open`.
fn back_to_wal(conn: &Connection) {
    let _ = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
    let _ = conn.pragma_update(None, "synchronous", "FULL");
}

/// The current time as the store keeps it.
pub(crate) fn now() -> String {
    crate::domain::time::to_store(&chrono::Utc::now())
}

#[cfg(test)]
mod tests {
    /// A big write goes through a rollback journal whose deletion is synced to the folder, and
    /// the store is back in WAL with every write synced after it, kept or not; beside another
    /// connection it stays in WAL.
    #[test]
    fn a_big_write_goes_through_a_journal_and_leaves_the_store_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = Store::create(&path).unwrap();
        let modes = |c: &Connection| -> (String, i64) {
            let mode = c
                .query_row("PRAGMA journal_mode", [], |r| r.get(0))
                .unwrap();
            (
                mode,
                c.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap(),
            )
        };
        let lite = |db: &Db<'_>| match db.conn {
            Conn::Lite(c) => modes(c),
            Conn::Pg(_) => unreachable!("an SQLite file"),
        };
        // synchronous: 2 is FULL, 3 EXTRA.
        for keep in [true, false] {
            let inside = s
                .write_big_or_discard(|db| {
                    db.conn
                        .batch("CREATE TABLE IF NOT EXISTS t(x); INSERT INTO t VALUES (1)")?;
                    Ok((lite(db), keep))
                })
                .unwrap();
            assert_eq!(inside, ("delete".to_string(), 3));
            assert_eq!(modes(s.lite().unwrap()), ("wal".to_string(), 2));
        }
        let other = Connection::open(&path).unwrap();
        let rows: i64 = other
            .query_row("SELECT count(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "the first write kept, the second discarded");
        let inside = s.write_big_or_discard(|db| Ok((lite(db), true))).unwrap();
        assert_eq!(inside, ("wal".to_string(), 2));
    }

    #[test]
    fn the_background_checkpoint_copies_the_wal_into_the_store_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = Store::create(&path).unwrap();
        s.checkpoint_in_background().unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        // ~1 MB: far below the 20,000-page mark at which a commit would checkpoint itself.
        s.lite()
            .unwrap()
            .execute_batch(
                "CREATE TABLE t(x);
                 WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
                 INSERT INTO t SELECT randomblob(200) FROM n;",
            )
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 1_000_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "the WAL was not copied back"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        // Stopping the thread with the store leaves no WAL behind.
        drop(s);
        assert!(!dir.path().join("s.db-wal").exists());
    }

    use super::*;

    /// A store with some demo orders at `path`, closed again.
    fn demo_store(path: &Path) {
        let mut s = Store::create(path).unwrap();
        let admin = crate::flow::staff::actor(&s, "admin", "t").unwrap();
        let opts = crate::flow::demo::DemoOptions {
            orders: 5,
            seed: 1,
            products: 0,
        };
        crate::flow::demo::fill(&mut s, &admin, opts).unwrap();
    }

    #[test]
    fn opening_waits_for_no_writer_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        demo_store(&path);
        let before = std::fs::read(&path).unwrap();
        // An import holds the write lock: `orders list` opens and reads at once.
        let import = Connection::open(&path).unwrap();
        import.execute_batch("BEGIN IMMEDIATE").unwrap();
        let t = std::time::Instant::now();
        let store = Store::open(&path).expect("open beside a writer");
        let listed = store.read().list_orders(None, 10).unwrap();
        assert!(!listed.is_empty());
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        import.execute_batch("ROLLBACK").unwrap();
        drop((store, import));
        // Opening an up-to-date store rewrote its header (application id) every time.
        assert!(std::fs::read(&path).unwrap() == before, "the file changed");
    }

    /// On a server a write whose count is not needed goes later (with the next statement or the
    /// COMMIT): a read in the same transaction still sees it, and one that fails still fails
    /// the whole transaction, with nothing of it kept.
    #[test]
    fn a_write_sent_later_is_seen_and_its_failure_keeps_nothing() {
        let mut s = testing::store();
        let seen = s
            .write(|db| {
                db.exec_later(
                    "INSERT INTO settings (key, value) VALUES (?1, ?2)",
                    params!["later", "it's here"],
                )?;
                db.setting("later")
            })
            .unwrap();
        assert_eq!(seen.as_deref(), Some("it's here"));
        let e = s
            .write(|db| {
                db.set_setting("kept", "no")?;
                db.exec_later(
                    "INSERT INTO settings (key, value) VALUES (?1, NULL)",
                    params!["bad"],
                )
            })
            .unwrap_err();
        assert!(matches!(e, Error::Store(_)), "{e:?}");
        // A write first queued behind the failed one was never prepared on the server: the
        // next transaction that needs it still gets it done.
        let second = "INSERT INTO settings (key, value) VALUES (?1, ?2)
                      ON CONFLICT (key) DO UPDATE SET value = excluded.value";
        s.write(|db| {
            db.exec_later(
                "INSERT INTO settings (key, value) VALUES (?1, NULL)",
                params!["bad"],
            )?;
            db.exec_later(second, params!["after", "1"])
        })
        .unwrap_err();
        s.write(|db| db.exec_later(second, params!["after", "2"]))
            .unwrap();
        let db = s.read();
        assert_eq!(db.setting("after").unwrap().as_deref(), Some("2"));
        assert_eq!(db.setting("kept").unwrap(), None);
        assert_eq!(db.setting("bad").unwrap(), None);
        assert_eq!(db.setting("later").unwrap().as_deref(), Some("it's here"));
    }

    #[test]
    fn a_write_says_it_waits_for_a_lock_and_gives_up_only_at_its_limit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut s = Store::create(&path).unwrap();
        let heard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let h = heard.clone();
        s.on_lock_wait(Arc::new(move |w| h.lock().unwrap().push(w)));
        let other = Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        // Held past the limit: refused as busy, the wait said within a second, then given up.
        s.set_busy_timeout(Duration::from_millis(1200)).unwrap();
        let t = Instant::now();
        let e = s.write(|db| db.set_setting("k", "1")).unwrap_err();
        assert!(
            matches!(&e, Error::Store(st) if st.fault == crate::error::StoreFault::Busy),
            "{e:?}"
        );
        assert!(
            t.elapsed() >= Duration::from_millis(1200),
            "{:?}",
            t.elapsed()
        );
        let said = std::mem::take(&mut *heard.lock().unwrap());
        assert!(
            matches!(said[..], [LockWait::Waiting(d), LockWait::GaveUp(_)] if d < Duration::from_secs(1)),
            "{said:?}"
        );
        // Waiting as long as it takes: the write goes through once the lock goes.
        s.wait_for_writers_forever();
        let release = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(11_000));
            other.execute_batch("ROLLBACK").unwrap();
        });
        s.write(|db| db.set_setting("k", "2")).unwrap();
        release.join().unwrap();
        assert_eq!(s.read().setting("k").unwrap().as_deref(), Some("2"));
        let said = std::mem::take(&mut *heard.lock().unwrap());
        assert!(
            matches!(
                said[..],
                [LockWait::Waiting(a), LockWait::Waiting(b), LockWait::Got(c)]
                    if a < Duration::from_secs(1) && b >= Duration::from_secs(10) && c >= Duration::from_secs(11)
            ),
            "reminded every 10 s: {said:?}"
        );
    }

    #[test]
    fn a_read_only_copy_opens_and_lists_orders() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        demo_store(&path);
        let ro = dir.path().join("copy");
        std::fs::create_dir(&ro).unwrap();
        let copy = ro.join("s.db");
        std::fs::copy(&path, &copy).unwrap();
        let mode = |p: &Path, m: u32| {
            std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap()
        };
        mode(&copy, 0o444);
        mode(&ro, 0o555);
        let opened = Store::open(&copy).and_then(|mut s| {
            // A bench window on it: no checkpoint thread (it would need to write).
            s.checkpoint_in_background()?;
            let listed = s.read().list_orders(None, 10);
            Ok((listed, s.is_read_only()))
        });
        // Writing is refused in plain words.
        let write = Store::open(&copy).and_then(|mut s| s.write(|db| db.set_setting("k", "v")));
        let files: Vec<_> = std::fs::read_dir(&ro)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        mode(&ro, 0o755);
        mode(&copy, 0o644);
        let (listed, read_only) = opened.expect("open");
        assert!(!listed.expect("list").is_empty() && read_only);
        let e = write.unwrap_err();
        assert!(
            matches!(&e, Error::Store(s) if s.fault == crate::error::StoreFault::ReadOnly),
            "{e:?}"
        );
        assert_eq!(files, ["s.db"], "nothing written beside a read-only store");
    }

    #[test]
    fn schema_sections_are_in_order_from_one() {
        let m = migrations();
        assert!(!m.is_empty());
        for (i, (v, sql)) in m.iter().enumerate() {
            assert_eq!(*v, i as i64 + 1);
            assert!(sql.contains("CREATE") || sql.contains("ALTER"));
        }
    }

    #[test]
    fn a_new_store_is_at_the_latest_version_with_an_admin() {
        let store = Store::open_in_memory().unwrap();
        let v: i64 = store
            .lite()
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, latest_version());
        let fk: i64 = store
            .lite()
            .unwrap()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1);
        assert!(store.read().staff_by_code("admin").unwrap().is_some());
    }
}
