//! The shared store for a shop with several PCs: a PostgreSQL database, schema
//! `schema.postgres.sql` (the twin of `schema.sql`, version for version).
//!
//! What exists so far is the first slice: connect, tell our database from another program's,
//! refuse a store newer than this program, and bring the schema to the latest version in one
//! transaction. It is **not wired in yet**: `Store`, the flows, the window and the command line
//! (`--db postgres://…`) still work only on SQLite, and nothing outside the tests calls this
//! module. Its errors are its own (`PgError`) until then.

use postgres::config::Host;
use postgres::{Client, Config, NoTls};
use std::time::Duration;

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

/// An open PostgreSQL store at this program's schema version.
pub struct PgStore {
    client: Client,
    db: String,
    version: i64,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("db", &self.db)
            .field("version", &self.version)
            .finish()
    }
}

impl PgStore {
    /// The schema version of the store (this program's, once open).
    pub fn version(&self) -> i64 {
        self.version
    }

    /// The database as `postgres://user@host:port/dbname`, without the password.
    pub fn db(&self) -> &str {
        &self.db
    }

    /// Whether the connection to the server is gone.
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }
}

/// Connects to the database at `url` (`postgres://user:password@host:port/dbname`, or the
/// `key=value` form) and brings it to this program's schema: an empty database becomes a new
/// store, a store of an older version is migrated, one at this version is left as it is.
/// Refused, with nothing written: a database holding anything that is not a packbench store,
/// and a store of a newer version.
///
/// The database itself is made by whoever runs the server (`createdb shop`); unlike
/// `Store::open`, an empty database is taken as a new store (which of `init` or `open` does this
/// is decided when the command line learns `--db postgres://`).
pub fn open_and_migrate(url: &str) -> Result<PgStore, PgError> {
    let mut config: Config = url
        .parse()
        .map_err(|e: postgres::Error| PgError::BadAddress(e.to_string()))?;
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name(APPLICATION);
    }
    let db = describe(&config);
    let server = |source| PgError::Server {
        db: db.clone(),
        source,
    };
    let mut client = config.connect(NoTls).map_err(server)?;
    let version = migrate(&mut client, &db).map_err(|e| match e {
        Failure::Refused(e) => e,
        Failure::Server(source) => server(source),
    })?;
    Ok(PgStore {
        client,
        db,
        version,
    })
}

/// A refusal, or the server's error (its `db` is filled in by the caller).
enum Failure {
    Refused(PgError),
    Server(postgres::Error),
}

impl From<postgres::Error> for Failure {
    fn from(e: postgres::Error) -> Failure {
        Failure::Server(e)
    }
}

/// Brings the database to the latest version in one transaction (PostgreSQL's DDL is
/// transactional: a half-migrated store cannot exist) and returns the version it is at. A refusal
/// returns before anything is written; the transaction is rolled back when dropped.
fn migrate(client: &mut Client, db: &str) -> Result<i64, Failure> {
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
        tx.batch_execute(VERSION_TABLE)?;
        0
    };
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
        let e = open_and_migrate("postgres://[::1").unwrap_err();
        assert!(matches!(e, PgError::BadAddress(_)), "{e:?}");
    }
}
