//! The shared store for a shop with several PCs: a PostgreSQL database, schema
//! `schema.postgres.sql` (the twin of `schema.sql`, version for version). This module connects,
//! tells our database from another program's, migrates, takes the write lock and reconnects;
//! the queries themselves are the same as on SQLite (`sql`).

use super::sql::PgConn;
use crate::error::{Error, Refusal, Result};
use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The schema, all versions; see the header of `schema.postgres.sql`.
const SCHEMA: &str = include_str!("../../schema.postgres.sql");

/// Written in `packbench_schema.application`: the mark of our database, as SQLite's
/// `PRAGMA application_id` is.
const APPLICATION: &str = "packbench";

/// The advisory lock two programs migrating the same database at once take in turn ("PBNC").
const MIGRATION_LOCK: i64 = 0x5042_4E43;

/// How long a connection attempt waits for the server unless the address says otherwise.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The version table: what `PRAGMA user_version` and `application_id` are to an SQLite store.
/// Made by the program, outside the schema's sections, before the first of them runs.
const VERSION_TABLE: &str = "
CREATE TABLE packbench_schema (
    application TEXT PRIMARY KEY CHECK (application = 'packbench'),
    version     BIGINT NOT NULL
);
COMMENT ON TABLE packbench_schema IS
    'packbench: the schema version of this store (sections of schema.postgres.sql applied)';
INSERT INTO packbench_schema (application, version) VALUES ('packbench', 0);
";

/// The schema sections, in order: `(version, sql)`.
pub fn migrations() -> Vec<(i64, String)> {
    super::sections(SCHEMA)
}

/// The schema version this program writes on PostgreSQL (the same number as on SQLite).
pub fn latest_version() -> i64 {
    migrations().last().map(|m| m.0).unwrap_or(0)
}

/// Why a PostgreSQL store was not opened. `db` names the database without its password.
#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("not a PostgreSQL address (postgres://user@host/dbname): {0}")]
    BadAddress(String),
    #[error("the PostgreSQL store {db} failed: {source}")]
    Server {
        db: String,
        #[source]
        source: postgres::Error,
    },
    #[error(
        "the PostgreSQL database {db} sorts text by its language ({found}), not as packbench needs; nothing was written: make the database with `createdb --template=template0 --encoding=UTF8 --locale=C.UTF-8 NAME` (see README)"
    )]
    Collation { db: String, found: String },
    #[error(
        "the PostgreSQL database {db} holds another program's data, not a packbench store; it was left untouched"
    )]
    Foreign { db: String },
    #[error(
        "the PostgreSQL store {db} was written by a newer packbench (store version {found}, this program knows up to {supported}); update packbench"
    )]
    TooNew {
        db: String,
        found: i64,
        supported: i64,
    },
}

impl PgError {
    /// The same in Chinese, for the person at the bench.
    pub fn zh(&self) -> String {
        match self {
            PgError::BadAddress(_) => {
                "这不是 PostgreSQL 数据库地址（应为 postgres://用户@主机/数据库名）".into()
            }
            PgError::Server { db, .. } => format!("PostgreSQL 数据库 {db} 出错或无法连接"),
            PgError::Collation { db, found } => format!(
                "PostgreSQL 数据库 {db} 按语言排序文字（{found}），不是 packbench 需要的方式，什么都没有写入：请用 createdb --template=template0 --encoding=UTF8 --locale=C.UTF-8 库名 新建数据库（见 README）"
            ),
            PgError::Foreign { db } => format!(
                "PostgreSQL 数据库 {db} 里有其他程序的数据，不是 packbench 的数据库；没有改动它"
            ),
            PgError::TooNew {
                db,
                found,
                supported,
            } => format!(
                "PostgreSQL 数据库 {db} 是更新版本的 packbench 写的（版本 {found}，本程序最多支持 {supported}）：请更新 packbench"
            ),
        }
    }
}

/// The PostgreSQL address in a `--db` value, if it is one (else it is an SQLite file).
pub fn address(path: &Path) -> Option<&str> {
    path.to_str()
        .filter(|s| s.starts_with("postgres://") || s.starts_with("postgresql://"))
}

/// A PostgreSQL address as it may be shown: without its password.
pub fn shown(url: &str) -> String {
    url.parse::<Config>()
        .map(|c| describe(&c))
        .unwrap_or_else(|_| "postgres://…".into())
}

/// The database name in a PostgreSQL address (the user's name when none is given).
pub fn dbname(url: &str) -> Option<String> {
    let config: Config = url.parse().ok()?;
    config.get_dbname().or(config.get_user()).map(str::to_owned)
}

/// The store's write lock: every write transaction takes it first, so writers take turns as on
/// SQLite and no flow ever acts on another bench's half-done work (two benches never ship one
/// parcel or take one tracking number). Reads never wait for it.
const WRITE_LOCK: i64 = 0x5042_5752; // "PBWR"

/// How to reach the server again: its settings, and when the next attempt may be made.
pub struct Link {
    config: Config,
    db: String,
    next_try: Cell<Instant>,
    backoff: Cell<Duration>,
}

/// Attempts to reconnect are spaced from half a second up to this, doubling.
const MAX_BACKOFF: Duration = Duration::from_secs(8);
const FIRST_BACKOFF: Duration = Duration::from_millis(500);
/// A reconnect waits no longer than this for the server: the bench must answer.
const RECONNECT_TIMEOUT: Duration = Duration::from_secs(3);

impl Link {
    /// The database as `postgres://user@host:port/dbname`, without the password.
    pub fn db(&self) -> &str {
        &self.db
    }

    /// Makes the connection again if it is gone, at most once per back-off; the prepared
    /// statements of the old one are forgotten. An error says the server is still away.
    pub fn reconnect_if_gone(&self, pg: &PgConn) -> Result<()> {
        let Ok(mut client) = pg.client.try_borrow_mut() else {
            return Ok(());
        };
        if !client.is_closed() {
            return Ok(());
        }
        if Instant::now() < self.next_try.get() {
            return Err(Error::server_gone());
        }
        let mut config = self.config.clone();
        config.connect_timeout(RECONNECT_TIMEOUT);
        match connect(&config) {
            Ok(fresh) => {
                *client = fresh;
                pg.forget_statements();
                self.backoff.set(FIRST_BACKOFF);
                Ok(())
            }
            Err(e) => {
                let wait = self.backoff.get();
                self.next_try.set(Instant::now() + wait);
                self.backoff.set((wait * 2).min(MAX_BACKOFF));
                Err(e.into())
            }
        }
    }
}

/// A connection with the session settings every bench needs.
fn connect(config: &Config) -> std::result::Result<Client, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    // A verdict shown is a verdict kept, whatever the server's default; UTC like the store's
    // times.
    // `standard_conforming_strings`: how `Conn::exec_later` writes values into SQL text.
    client.batch_execute(
        "SET synchronous_commit = on; SET TIME ZONE 'UTC'; SET standard_conforming_strings = on",
    )?;
    Ok(client)
}

/// Opens the store at `url`: `new` makes one in an empty database (`packbench init`), and refuses
/// one that holds a store already; otherwise an empty database is no store. A store of an older
/// version is migrated. Refused with nothing written: another program's database, a store of
/// a newer version.
pub(super) fn open(url: &str, new: bool) -> Result<PgConn> {
    let mut config: Config = url
        .parse()
        .map_err(|e: postgres::Error| PgError::BadAddress(e.to_string()))
        .map_err(refused)?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION);
    }
    let db = describe(&config);
    let mut client = connect(&config)?;
    match migrate(&mut client, &db, new) {
        Ok(_) => {}
        Err(Failure::Refused(e)) => return Err(refused(e)),
        Err(Failure::Server(e)) => return Err(e.into()),
        Err(Failure::NoStore) => return Err(Refusal::NoStore(PathBuf::from(&db)).into()),
        Err(Failure::Exists) => return Err(Refusal::StoreExists(PathBuf::from(&db)).into()),
    }
    let link = Link {
        config,
        db,
        next_try: Cell::new(Instant::now()),
        backoff: Cell::new(FIRST_BACKOFF),
    };
    Ok(PgConn::new(client, link))
}

/// A refusal in the program's words.
fn refused(e: PgError) -> Error {
    match e {
        PgError::TooNew {
            db,
            found,
            supported,
        } => Error::StoreTooNew {
            path: db.into(),
            found,
            supported,
        },
        PgError::Server { source, .. } => source.into(),
        e => Error::invalid(e.zh(), e.to_string()),
    }
}

/// The store's write lock was held by another bench all the time a write would wait.
pub(super) fn busy() -> Error {
    Error::lock_held()
}

/// Begins a write transaction and takes the write lock, waiting up to `step` for it: `false`
/// when another bench held it all that time (nothing is left open), to be asked again.
pub(super) fn begin(pg: &PgConn, step: Duration) -> Result<bool> {
    let mut client = pg
        .client
        .try_borrow_mut()
        .map_err(|_| Error::decode("a write was started while a query's rows were being read"))?;
    drop(pg.take_pending());
    pg.settle(false);
    let sql = format!(
        "BEGIN; SET LOCAL lock_timeout = {}; SELECT pg_advisory_xact_lock({WRITE_LOCK}); SET LOCAL lock_timeout = 0",
        step.as_millis().max(1)
    );
    match client.batch_execute(&sql) {
        Ok(()) => {
            pg.in_transaction.set(true);
            Ok(true)
        }
        Err(e) => {
            let _ = client.batch_execute("ROLLBACK");
            if e.code() == Some(&postgres::error::SqlState::LOCK_NOT_AVAILABLE) {
                Ok(false)
            } else {
                Err(e.into())
            }
        }
    }
}

/// A refusal, or the server's error (its `db` is filled in by the caller).
enum Failure {
    Refused(PgError),
    Server(postgres::Error),
    /// Opened as a store, the database is empty.
    NoStore,
    /// Made as a new store, the database holds one already.
    Exists,
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Failure {
        Failure::Server(e)
    }
}

/// Brings the database to the latest version in one transaction (PostgreSQL's DDL is
/// transactional: a half-migrated store cannot exist) and returns the version it is at. A refusal
/// returns before anything is written; the transaction is rolled back when dropped.
fn migrate(client: &mut Client, db: &str, new: bool) -> std::result::Result<i64, Failure> {
    let mut tx = client.transaction()?;
    // Two benches starting on a new store at once: the second waits, then finds it migrated.
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let ours: bool = tx
        .query_one("SELECT to_regclass('packbench_schema') IS NOT NULL", &[])?
        .get(0);
    let found: i64 = if ours {
        match tx.query_opt(
            "SELECT version FROM packbench_schema WHERE application = $1",
            &[&APPLICATION],
        )? {
            Some(row) => row.get(0),
            None => return Err(Failure::Refused(PgError::Foreign { db: db.into() })),
        }
    } else {
        // Anything of the user's in the database (tables, views, sequences, types, functions):
        // it is not empty, so it is someone else's.
        let objects: i64 = tx
            .query_one(
                "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                         WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
                      + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                         WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')
                      + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                         WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%')",
                &[],
            )?
            .get(0);
        if objects > 0 {
            return Err(Failure::Refused(PgError::Foreign { db: db.into() }));
        }
        if !new {
            return Err(Failure::NoStore);
        }
        // Text sorts and compares as on SQLite (by its bytes) only in a UTF-8 database with the
        // C collation: bins, codes and listings come out in the same order on both engines,
        // and a stocktake walking two sorted lists never misses a bin.
        // (`datlocprovider`, PostgreSQL 15 on: 'i' is ICU, whose collation is never bytewise;
        // read through JSON so an older server without the column answers NULL.)
        let (encoding, collation, provider): (String, String, Option<String>) = tx
            .query_one(
                "SELECT pg_encoding_to_char(encoding)::text, datcollate::text,
                        to_jsonb(d) ->> 'datlocprovider'
                 FROM pg_database d WHERE datname = current_database()",
                &[],
            )
            .map(|r| (r.get(0), r.get(1), r.get(2)))?;
        let bytewise = ["C", "POSIX", "C.UTF-8", "C.utf8", "C.UTF8"].contains(&collation.as_str())
            && provider.as_deref().is_none_or(|p| p == "c");
        let collation = match provider.as_deref() {
            Some("i") => format!("ICU, {collation}"),
            _ => collation,
        };
        if encoding != "UTF8" || !bytewise {
            return Err(Failure::Refused(PgError::Collation {
                db: db.into(),
                found: format!("{encoding}, {collation}"),
            }));
        }
        tx.batch_execute(VERSION_TABLE)?;
        0
    };
    if new && found > 0 {
        return Err(Failure::Exists);
    }
    let latest = latest_version();
    if found > latest {
        return Err(Failure::Refused(PgError::TooNew {
            db: db.into(),
            found,
            supported: latest,
        }));
    }
    if found == latest {
        return Ok(found);
    }
    for (_, sql) in migrations().into_iter().filter(|(v, _)| *v > found) {
        tx.batch_execute(&sql)?;
    }
    tx.execute(
        "UPDATE packbench_schema SET version = $1 WHERE application = $2",
        &[&latest, &APPLICATION],
    )?;
    tx.commit()?;
    Ok(latest)
}

/// `postgres://user@host:port/dbname` of a connection's settings: the password left out, so it
/// can be shown and logged.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(dir)) => dir.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let user = config.get_user().unwrap_or_default();
    let dbname = config.get_dbname().unwrap_or(user);
    let at = if user.is_empty() { "" } else { "@" };
    format!("postgres://{user}{at}{host}:{port}/{dbname}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A section added to one engine's schema without its twin in the other fails here.
    #[test]
    fn both_engines_have_the_same_versions() {
        let sqlite: Vec<i64> = super::super::migrations().iter().map(|m| m.0).collect();
        let pg: Vec<i64> = migrations().iter().map(|m| m.0).collect();
        assert_eq!(
            pg, sqlite,
            "schema.postgres.sql and schema.sql differ in versions"
        );
        assert_eq!(pg, (1..=sqlite.len() as i64).collect::<Vec<_>>());
        assert_eq!(latest_version(), super::super::latest_version());
    }

    #[test]
    fn every_section_has_sql() {
        for (v, sql) in migrations() {
            let code = sql
                .lines()
                .filter(|l| !l.trim_start().starts_with("--") && !l.trim().is_empty())
                .count();
            assert!(code > 0, "version {v} of schema.postgres.sql is empty");
        }
    }

    #[test]
    fn the_password_is_not_shown() {
        let c: Config = "postgres://shop:s3cret@10.0.0.5:5433/packbench"
            .parse()
            .unwrap();
        assert_eq!(describe(&c), "postgres://shop@10.0.0.5:5433/packbench");
        let c: Config = "host=db user=shop password=s3cret".parse().unwrap();
        assert_eq!(describe(&c), "postgres://shop@db:5432/shop");
    }

    #[test]
    fn a_bad_address_is_refused_before_connecting() {
        let e = open("postgres://[::1", false).err().unwrap();
        assert!(e.to_string().contains("not a PostgreSQL address"), "{e:?}");
    }
}
