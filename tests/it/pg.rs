//! PostgreSQL: a throwaway server for the tests, and the tests of the PostgreSQL store's schema
//! and migration (`store::pg`, `schema.postgres.sql`).
//!
//! The server is Debian's `pg_virtualenv` (postgresql-common): one cluster for the whole test
//! process, started by the first test that asks (`server()`), a fresh database per test
//! (`PgServer::fresh_db`). It lives as long as the process: `pg_virtualenv` runs `cat` with our
//! pipe as its input, and when the process ends the pipe closes, `cat` returns and
//! `pg_virtualenv` drops the cluster. Its `fsync` is off (its default): these tests are about
//! what is stored, not about surviving a power cut. Outside CI, a machine without
//! `pg_virtualenv` skips these tests with a message; under CI (`CI` set) that is a failure.

use crate::common::Scratch;
use packbench::error::Error;
use packbench::store::{Store, pg};
use postgres::{Client, NoTls};
use std::collections::BTreeMap;
use std::io::{Read, Seek, SeekFrom};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A running throwaway cluster and how to reach it as its superuser.
pub struct PgServer {
    host: String,
    port: String,
    user: String,
    password: String,
    /// What `pg_ctlcluster` needs to find this cluster: its version and the folders
    /// pg_virtualenv made (`PGVERSION`, `PG_CLUSTER_CONF_ROOT`, `PGSYSCONFDIR`).
    control: Vec<(String, String)>,
    /// Held, never waited for: its open stdin keeps the cluster up (see the module comment).
    _virtualenv: Mutex<Child>,
}

static SERVER: OnceLock<Option<PgServer>> = OnceLock::new();
static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// The test process's server, started on first use; `None` (the test skipped) when
/// `pg_virtualenv` is not installed outside CI.
pub fn server() -> Option<&'static PgServer> {
    SERVER.get_or_init(start).as_ref()
}

fn start() -> Option<PgServer> {
    let found = Command::new("sh")
        .args(["-c", "command -v pg_virtualenv"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "pg_virtualenv is missing: .ci/setup installs postgresql (with postgresql-common)"
        );
        eprintln!("skipped: pg_virtualenv is not installed (Debian: apt install postgresql)");
        return None;
    }
    // pg_virtualenv takes the first port from 5432 up that its own clusters do not use: two test
    // runs at once (two checkouts, CI beside a developer) would both take it. A port the OS just
    // gave us is almost surely free; if it was taken meanwhile, the cluster fails and we retry.
    let mut said = String::new();
    for _ in 0..3 {
        match start_once() {
            Ok(server) => return Some(server),
            Err(output) => said = output,
        }
    }
    panic!("pg_virtualenv did not start a server; it said:\n{said}");
}

/// One try: `Err` carries what pg_virtualenv said.
fn start_once() -> Result<PgServer, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    // Its output goes to a file with no name (gone when the last handle closes), not to a pipe:
    // after this process ends it still writes ("Dropping cluster …"), and a write to a closed
    // pipe would kill it before it dropped the cluster.
    let mut log = tempfile::tempfile().expect("temp file");
    let mut child = Command::new("pg_virtualenv")
        // -t: the cluster's files in a temporary folder even as root, never in /etc/postgresql.
        .args([
            "-t",
            "sh",
            "-c",
            "echo PB_PG_ENV; env; echo PB_PG_READY; exec cat >/dev/null",
        ])
        .env("PGPORT", port.to_string())
        .env_remove("PGHOST")
        .env_remove("PGUSER")
        .env_remove("PGDATABASE")
        .env_remove("PGPASSWORD")
        .env_remove("PGSERVICE")
        .env_remove("PGCLUSTER")
        .stdin(Stdio::piped())
        .stdout(log.try_clone().expect("log handle"))
        .stderr(log.try_clone().expect("log handle"))
        .spawn()
        .expect("start pg_virtualenv");
    let t0 = Instant::now();
    let said = loop {
        let mut text = String::new();
        log.seek(SeekFrom::Start(0)).expect("seek log");
        log.read_to_string(&mut text).expect("read log");
        if text.lines().any(|l| l == "PB_PG_READY") {
            break text;
        }
        if child.try_wait().expect("pg_virtualenv").is_some() {
            return Err(text);
        }
        if t0.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{text}\n(no server after 120 s)"));
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let env: BTreeMap<&str, &str> = said
        .lines()
        .skip_while(|l| *l != "PB_PG_ENV")
        .take_while(|l| *l != "PB_PG_READY")
        .filter_map(|l| l.split_once('='))
        .collect();
    let var = |name: &str| {
        env.get(name)
            .map(|v| v.to_string())
            .unwrap_or_else(|| panic!("pg_virtualenv set no {name}; it said:\n{said}"))
    };
    Ok(PgServer {
        host: var("PGHOST"),
        port: var("PGPORT"),
        user: var("PGUSER"),
        password: var("PGPASSWORD"),
        control: ["PGVERSION", "PG_CLUSTER_CONF_ROOT", "PGSYSCONFDIR"]
            .iter()
            .map(|k| (k.to_string(), var(k)))
            .collect(),
        _virtualenv: Mutex::new(child),
    })
}

/// A cluster for one test alone (one it may stop and start), up as long as the value lives;
/// `None` when the tests are skipped (see `server`). Slower than `server()`: a few seconds.
pub fn private_server() -> Option<PgServer> {
    server()?;
    let mut said = String::new();
    for _ in 0..3 {
        match start_once() {
            Ok(server) => return Some(server),
            Err(output) => said = output,
        }
    }
    panic!("pg_virtualenv did not start a server; it said:\n{said}");
}

impl PgServer {
    /// `pg_ctlcluster VERSION regress ACTION ARGS…` on this cluster: `stop -m immediate` is a
    /// server that crashed (or a PC switched off), `start` brings it back.
    pub fn control(&self, action: &[&str]) {
        let version = &self.control[0].1;
        let out = Command::new("pg_ctlcluster")
            .args([version.as_str(), "regress"])
            .args(action)
            .envs(self.control.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run pg_ctlcluster");
        assert!(
            out.status.success(),
            "pg_ctlcluster {action:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The address of database `db` on this server, with the superuser's password.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://{}:{}@{}:{}/{db}",
            self.user, self.password, self.host, self.port
        )
    }

    /// A connection to database `db` as the superuser, to look at what the program did.
    pub fn connect(&self, db: &str) -> Client {
        Client::connect(&self.url(db), NoTls).expect("connect to the test server")
    }

    /// A new empty database for one test; its name starts with `tag`. Returns the name.
    pub fn fresh_db(&self, tag: &str) -> String {
        let name = format!("pb_{tag}_{}", DATABASES.fetch_add(1, Ordering::Relaxed));
        self.connect("postgres")
            .batch_execute(&format!(
                "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
            ))
            .expect("create a test database");
        name
    }
}

/// A fresh database made a store by the program; `None` when the tests are skipped.
fn fresh_store(tag: &str) -> Option<(&'static PgServer, String)> {
    let server = server()?;
    let db = server.fresh_db(tag);
    drop(Store::create(server.url(&db)).expect("a new store"));
    Some((server, db))
}

/// What a store holds that a migration could change: its tables and columns, indexes,
/// triggers, functions, the rows of the seeded tables, and the version row with its xmin (the
/// transaction that last wrote it: any UPDATE changes it).
fn snapshot(c: &mut Client) -> Vec<String> {
    let queries = [
        "SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
         FROM information_schema.columns WHERE table_schema = current_schema()
         ORDER BY table_name, ordinal_position",
        "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname",
        "SELECT tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
         ORDER BY tgname",
        "SELECT p.proname || ' ' || md5(p.prosrc) FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = current_schema() ORDER BY 1",
        "SELECT id || ' ' || code || ' ' || created_at FROM staff ORDER BY id",
        "SELECT code || ' ' || name_zh FROM roles ORDER BY code",
        "SELECT application || ' ' || version || ' ' || xmin::text FROM packbench_schema",
    ];
    let mut out = Vec::new();
    for q in queries {
        for row in c.query(q, &[]).expect(q) {
            out.push(row.get::<_, String>(0));
        }
    }
    out
}

#[test]
fn an_empty_database_becomes_a_store_at_the_latest_version() {
    let Some((server, db)) = fresh_store("empty") else {
        return;
    };
    let mut c = server.connect(&db);
    let version: i64 = c
        .query_one("SELECT version FROM packbench_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 24);
    assert_eq!(pg::latest_version(), 24);
    // The seeded rows, with times in the store's one format (UTC, to the second).
    let staff: Vec<(String, String)> = c
        .query("SELECT code, created_at FROM staff ORDER BY id", &[])
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        staff.iter().map(|s| s.0.as_str()).collect::<Vec<_>>(),
        ["admin", "?"]
    );
    let utc = regex::Regex::new(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$").unwrap();
    for (code, at) in &staff {
        assert!(utc.is_match(at), "{code}: {at}");
    }
    let roles: i64 = c
        .query_one("SELECT count(*) FROM roles", &[])
        .unwrap()
        .get(0);
    assert_eq!(roles, 10);
}

#[test]
fn opening_again_changes_nothing() {
    let Some((server, db)) = fresh_store("again") else {
        return;
    };
    let mut c = server.connect(&db);
    let before = snapshot(&mut c);
    assert!(before.len() > 200, "{}", before.len());
    let store = Store::open(server.url(&db)).unwrap();
    assert!(store.on_postgres());
    assert!(!store.name().contains(&server.password), "{}", store.name());
    drop(store);
    assert_eq!(snapshot(&mut c), before);
}

/// A store made by an older program (version 9 here, sections applied by hand as that program
/// did, with a product in it) is brought to the latest version, its rows kept.
#[test]
fn an_older_store_is_migrated_keeping_its_rows() {
    let Some(server) = server() else {
        return;
    };
    let db = server.fresh_db("older");
    let mut c = server.connect(&db);
    let mut tx = c.transaction().unwrap();
    tx.batch_execute(
        "CREATE TABLE packbench_schema (application TEXT PRIMARY KEY, version BIGINT NOT NULL);
         INSERT INTO packbench_schema VALUES ('packbench', 9);",
    )
    .unwrap();
    for (_, sql) in pg::migrations().into_iter().filter(|(v, _)| *v <= 9) {
        tx.batch_execute(&sql).unwrap();
    }
    tx.batch_execute(
        "INSERT INTO products (sku_code, barcode, name, price_fen, created_at, updated_at)
         VALUES ('TX-1', '6901234567892', '短袖', 3900, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z')",
    )
    .unwrap();
    tx.commit().unwrap();
    let has_leases = |c: &mut Client| -> bool {
        c.query_one("SELECT to_regclass('station_leases') IS NOT NULL", &[])
            .unwrap()
            .get(0)
    };
    assert!(!has_leases(&mut c));

    drop(Store::open(server.url(&db)).unwrap());
    assert!(has_leases(&mut c), "version 12's table was not made");
    let (sku, price): (String, i64) = c
        .query_one("SELECT sku_code, price_fen FROM products", &[])
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!((sku.as_str(), price), ("TX-1", 3900));
    let version: i64 = c
        .query_one("SELECT version FROM packbench_schema", &[])
        .unwrap()
        .get(0);
    assert_eq!(version, 24);
    // Version 10's row: the one who is not signed in.
    let nobody: i64 = c
        .query_one(
            "SELECT count(*) FROM staff WHERE code = '?' AND active = 0",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(nobody, 1);
}

#[test]
fn a_store_of_a_newer_program_is_refused() {
    let Some((server, db)) = fresh_store("newer") else {
        return;
    };
    let mut c = server.connect(&db);
    c.batch_execute("UPDATE packbench_schema SET version = 25")
        .unwrap();
    let before = snapshot(&mut c);
    let e = Store::open(server.url(&db)).err().unwrap();
    match &e {
        Error::StoreTooNew {
            found, supported, ..
        } => assert_eq!((*found, *supported), (25, 24)),
        other => panic!("not refused as newer: {other:?}"),
    }
    assert!(e.to_string().contains("newer packbench"), "{e}");
    assert!(e.zh().contains("请升级 packbench"), "{}", e.zh());
    assert!(!e.to_string().contains(&server.password), "{e}");
    assert!(!e.zh().contains(&server.password), "{}", e.zh());
    assert_eq!(snapshot(&mut c), before);
}

/// Another program's database is refused before anything is written to it.
#[test]
fn a_database_of_another_program_is_refused_untouched() {
    let Some(server) = server() else {
        return;
    };
    // Tables of its own; then only a function; then a table named like ours without our row.
    let cases = [
        "CREATE TABLE customers (id INT PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x')",
        "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
        "CREATE TABLE packbench_schema (application TEXT, version BIGINT)",
    ];
    for (i, setup) in cases.iter().enumerate() {
        let db = server.fresh_db(&format!("foreign{i}"));
        let mut c = server.connect(&db);
        c.batch_execute(setup).unwrap();
        let objects = |c: &mut Client| -> Vec<String> {
            c.query(
                "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public'
                 UNION ALL SELECT p.proname::text FROM pg_proc p
                 JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'
                 ORDER BY 1",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
        };
        let before = objects(&mut c);
        let e = Store::open(server.url(&db)).err().unwrap();
        assert!(e.to_string().contains("left untouched"), "{setup}: {e:?}");
        assert!(e.zh().contains("没有改动它"), "{}", e.zh());
        assert_eq!(objects(&mut c), before, "{setup}");
    }
}

/// Remarks, events and scans (and the stock ledger and stock scans) are append-only on
/// PostgreSQL as on SQLite: no UPDATE, DELETE or TRUNCATE, whatever program runs it.
#[test]
fn append_only_tables_refuse_changes() {
    let Some((server, db)) = fresh_store("append") else {
        return;
    };
    let mut c = server.connect(&db);
    c.batch_execute(
        "INSERT INTO orders (order_no, buyer, receiver_name, receiver_phone, receiver_address,
                             status, created_at, imported_at, updated_at)
         VALUES ('1001', 'b', 'r', '138', 'addr', 'paid', '2026-11-30T01:00:00Z',
                 '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z');
         INSERT INTO remarks (order_id, text, source, staff_id, terminal, at)
         VALUES (1, '暂不发货', 'staff', 1, 'office', '2026-11-30T01:01:00Z');
         INSERT INTO events (at, staff_id, terminal, kind, subject)
         VALUES ('2026-11-30T01:02:00Z', 1, 'office', 'remark', '1001');
         INSERT INTO scans (at, staff_id, terminal, mode, code, verdict)
         VALUES ('2026-11-30T01:03:00Z', 1, 'bench-1', 'check', 'X', 'unknown');
         INSERT INTO products (sku_code, name, price_fen, created_at, updated_at)
         VALUES ('TX-1', 't', 100, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z');
         INSERT INTO stock_moves (at, kind, product_id, qty, staff_id, terminal)
         VALUES ('2026-11-30T01:04:00Z', 'opening', 1, 5, 1, 'office');
         INSERT INTO stock_scans (at, staff_id, terminal, mode, code, verdict)
         VALUES ('2026-11-30T01:05:00Z', 1, 'bench-1', 'stocktake', 'X', 'unknown');",
    )
    .unwrap();
    let cases = [
        ("remarks", "text = 'x'", "remarks are append-only"),
        ("events", "kind = 'x'", "the event log is append-only"),
        ("scans", "verdict = 'x'", "scans are append-only"),
        (
            "stock_moves",
            "qty = 6",
            "stock moves are append-only: add a correcting move",
        ),
        ("stock_scans", "verdict = 'x'", "scans are append-only"),
    ];
    for (table, set, words) in cases {
        for sql in [
            format!("UPDATE {table} SET {set}"),
            format!("DELETE FROM {table}"),
            format!("TRUNCATE {table} CASCADE"),
        ] {
            let e = c.batch_execute(&sql).expect_err(&sql);
            let message = e.as_db_error().map(|d| d.message().to_string());
            assert_eq!(message.as_deref(), Some(words), "{sql}: {e}");
        }
        let rows: i64 = c
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(rows, 1, "{table}");
    }
    // Adding stays allowed.
    c.batch_execute(
        "INSERT INTO remarks (order_id, text, source, staff_id, terminal, at)
         VALUES (1, '可以发货了', 'staff', 1, 'office', '2026-11-30T02:00:00Z')",
    )
    .unwrap();
}

/// Version 11: a barcode, a merchant code and a tracking number are one space of codes.
#[test]
fn a_code_held_by_another_product_or_waybill_is_refused() {
    let Some((server, db)) = fresh_store("codes") else {
        return;
    };
    let mut c = server.connect(&db);
    let product = |sku: &str, barcode: Option<&str>| {
        format!(
            "INSERT INTO products (sku_code, barcode, name, price_fen, created_at, updated_at)
             VALUES ('{sku}', {}, 'p', 100, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z')",
            barcode.map_or("NULL".into(), |b| format!("'{b}'"))
        )
    };
    let taken = |c: &mut Client, sql: &str| {
        let e = c.batch_execute(sql).expect_err(sql);
        let message = e.as_db_error().map(|d| d.message().to_string());
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.starts_with("code taken")),
            "{sql}: {e}"
        );
    };
    c.batch_execute(&product("TX2018-BK-XL", Some("6901234567892")))
        .unwrap();
    // A product may carry its own merchant code as its barcode.
    c.batch_execute(&product("SELF-1", Some("SELF-1"))).unwrap();
    c.batch_execute(
        "INSERT INTO waybills (tracking_no, courier, added_at, added_by)
         VALUES ('YT100200300', 'yto', '2026-11-30T01:00:00Z', 1)",
    )
    .unwrap();

    // A new product whose barcode is another's merchant code, or whose merchant code is
    // another's barcode, or either a tracking number.
    taken(&mut c, &product("NEW-1", Some("TX2018-BK-XL")));
    taken(&mut c, &product("6901234567892", None));
    taken(&mut c, &product("NEW-2", Some("YT100200300")));
    taken(&mut c, &product("YT100200300", None));
    // A changed code, the same.
    c.batch_execute(&product("NEW-3", None)).unwrap();
    taken(
        &mut c,
        "UPDATE products SET barcode = 'TX2018-BK-XL' WHERE sku_code = 'NEW-3'",
    );
    taken(
        &mut c,
        "UPDATE products SET sku_code = '6901234567892' WHERE sku_code = 'NEW-3'",
    );
    // Its own merchant code as its barcode, later.
    c.batch_execute("UPDATE products SET barcode = 'NEW-3' WHERE sku_code = 'NEW-3'")
        .unwrap();
    // An unchanged code is not checked again; another column changes freely.
    c.batch_execute(
        "UPDATE products SET name = 'renamed', barcode = barcode WHERE sku_code = 'SELF-1'",
    )
    .unwrap();
    // A waybill number that is a barcode or a merchant code.
    for no in ["6901234567892", "TX2018-BK-XL"] {
        taken(
            &mut c,
            &format!(
                "INSERT INTO waybills (tracking_no, courier, added_at, added_by)
                 VALUES ('{no}', 'yto', '2026-11-30T01:00:00Z', 1)"
            ),
        );
    }
    let products: i64 = c
        .query_one("SELECT count(*) FROM products", &[])
        .unwrap()
        .get(0);
    assert_eq!(products, 3);
}

/// One column of a table as both engines describe it: name, type, NOT NULL, default.
#[derive(Debug, PartialEq, Eq)]
struct Column {
    name: String,
    ty: String,
    not_null: bool,
    default: Option<String>,
}

/// The two schema files make the same tables with the same columns, in the same order, with
/// the same types (INTEGER as BIGINT), NOT NULLs and defaults: a store copies across row by row.
#[test]
fn both_engines_have_the_same_tables_and_columns() {
    let Some((server, db)) = fresh_store("columns") else {
        return;
    };
    // An SQLite store beside it, whichever engine the other tests run on.
    let s = Scratch::new();
    drop(packbench::store::Store::create(s.path("store.db")).unwrap());
    let lite = rusqlite::Connection::open(s.path("store.db")).unwrap();
    let mut sqlite: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    let tables: Vec<String> = lite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for table in tables {
        let mut q = lite
            .prepare(&format!("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info('{table}') ORDER BY cid"))
            .unwrap();
        let columns = q
            .query_map([], |r| {
                let ty: String = r.get(1)?;
                let pk: i64 = r.get(4)?;
                Ok(Column {
                    name: r.get(0)?,
                    // A primary key column is never NULL (an INTEGER PRIMARY KEY is the rowid).
                    not_null: r.get::<_, i64>(2)? == 1 || pk > 0,
                    ty: match ty.as_str() {
                        "INTEGER" => "bigint".into(),
                        "TEXT" => "text".into(),
                        "BLOB" => "bytea".into(),
                        other => other.into(),
                    },
                    default: r.get(3)?,
                })
            })
            .unwrap()
            .map(|c| c.unwrap())
            .collect();
        sqlite.insert(table, columns);
    }

    let mut c = server.connect(&db);
    let mut postgres: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for row in c
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO',
                    column_default::text
             FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name <> 'packbench_schema'
             ORDER BY table_name, ordinal_position",
            &[],
        )
        .unwrap()
    {
        let default: Option<String> = row.get(4);
        postgres.entry(row.get(0)).or_default().push(Column {
            name: row.get(1),
            ty: row.get(2),
            not_null: row.get(3),
            // `''::text` is SQLite's `''`.
            default: default.map(|d| d.trim_end_matches("::text").to_string()),
        });
    }
    assert_eq!(
        postgres.keys().collect::<Vec<_>>(),
        sqlite.keys().collect::<Vec<_>>(),
        "the tables differ"
    );
    for (table, columns) in &sqlite {
        assert_eq!(&postgres[table], columns, "table {table}");
    }
    assert!(sqlite.len() >= 25, "{} tables", sqlite.len());
}

/// Four programs making a store in one empty database at once: one makes it, the others wait
/// and find it made (refused as a store already there); nothing is made twice.
#[test]
fn two_programs_opening_an_empty_database_at_once_both_get_the_store() {
    let Some(server) = server() else {
        return;
    };
    let db = server.fresh_db("race");
    let url = server.url(&db);
    let made: Vec<Result<(), String>> = std::thread::scope(|s| {
        let racers: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    Store::create(&url).map(drop).map_err(|e| match e {
                        Error::Refused(packbench::error::Refusal::StoreExists(_)) => {
                            "exists".to_string()
                        }
                        e => e.to_string(),
                    })
                })
            })
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    assert_eq!(made.iter().filter(|m| m.is_ok()).count(), 1, "{made:?}");
    assert!(
        made.iter()
            .all(|m| m.is_ok() || m.as_ref().unwrap_err() == "exists"),
        "{made:?}"
    );
    Store::open(&url).expect("the store is there");
    let admins: i64 = server
        .connect(&db)
        .query_one("SELECT count(*) FROM staff WHERE code = 'admin'", &[])
        .unwrap()
        .get(0);
    assert_eq!(admins, 1);
}

/// Version 7: a tracking number no print job has put on paper may go back to the pool; one on
/// paper never, and a used one is never moved to another parcel nor deleted.
#[test]
fn a_tracking_number_on_paper_is_used_once() {
    let Some((server, db)) = fresh_store("waybills") else {
        return;
    };
    let mut c = server.connect(&db);
    c.batch_execute(
        "INSERT INTO parcels (stage, created_at) VALUES ('printed', '2026-11-30T01:00:00Z'),
                                                        ('printed', '2026-11-30T01:00:00Z');
         INSERT INTO waybills (tracking_no, courier, added_at, added_by)
         VALUES ('YT1', 'yto', '2026-11-30T01:00:00Z', 1);
         UPDATE waybills SET parcel_id = 1;
         UPDATE waybills SET parcel_id = NULL;
         UPDATE waybills SET parcel_id = 1;",
    )
    .expect("a number not on paper goes back to the pool");
    let refused = |c: &mut Client, sql: &str| {
        let e = c.batch_execute(sql).expect_err(sql);
        let message = e.as_db_error().map(|d| d.message().to_string());
        assert_eq!(
            message.as_deref(),
            Some("a tracking number is used once, ever"),
            "{sql}"
        );
    };
    refused(&mut c, "UPDATE waybills SET parcel_id = 2");
    refused(&mut c, "DELETE FROM waybills");
    c.batch_execute(
        "INSERT INTO print_jobs (at, staff_id, terminal, kind, pages, format, target, result)
         VALUES ('2026-11-30T01:00:00Z', 1, 'office', 'waybills', 1, 'pdf', 'file:x', 'pending');
         INSERT INTO print_job_items (job_id, parcel_id, tracking_no) VALUES (1, 1, 'YT1');",
    )
    .unwrap();
    refused(&mut c, "UPDATE waybills SET parcel_id = NULL");
    // A job that failed put nothing on paper.
    c.batch_execute(
        "UPDATE print_jobs SET result = 'failed';
         UPDATE waybills SET parcel_id = NULL;",
    )
    .expect("a number only a failed job held goes back to the pool");
}

/// `packbench` with `args`, as the demo admin (PIN 1234), on no `--db` of its own.
fn packbench(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(args)
        .env_remove("PACKBENCH_DB")
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", "1234")
        .output()
        .expect("run packbench")
}

fn ok(out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A demo shop moved from its file onto the server and back: every table the same, the stock
/// ledger sound on both, and the server's store works (its ids go on from the copied ones).
#[test]
fn a_shop_copies_to_the_server_and_back() {
    let Some(server) = server() else {
        return;
    };
    let s = Scratch::new();
    let file = s.path("shop.db");
    let file = file.to_str().unwrap();
    ok(packbench(&["--db", file, "demo"]));
    ok(packbench(&[
        "--db",
        file,
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000001-7700000099",
    ]));
    ok(packbench(&[
        "--db",
        file,
        "--station",
        "b1",
        "batch",
        "create",
        "--courier",
        "ZTO",
        "--limit",
        "5",
    ]));
    let url = server.url(&server.fresh_db("copy"));
    let out = ok(packbench(&["store", "copy", file, &url, "--json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(!out.contains(&server.password), "{out}");
    assert_eq!(v["ledger_differences"], 0, "{v}");
    let tables = v["tables"].as_array().unwrap();
    assert!(tables.len() >= 25, "{v}");
    assert!(
        tables.iter().all(|t| t["source_rows"] == t["target_rows"]),
        "{v}"
    );
    let orders = tables.iter().find(|t| t["table"] == "orders").unwrap();
    assert_eq!(orders["target_rows"], 200, "{v}");
    for db in [file, url.as_str()] {
        let verify: serde_json::Value =
            serde_json::from_str(&ok(packbench(&["--db", db, "stock", "verify", "--json"])))
                .unwrap();
        assert_eq!(
            verify["differences"],
            serde_json::json!([]),
            "{db}: {verify}"
        );
    }
    // The server's store goes on: a new order number id after the copied ones.
    ok(packbench(&[
        "--db",
        &url,
        "--station",
        "b2",
        "batch",
        "create",
        "--courier",
        "ZTO",
        "--limit",
        "3",
    ]));
    // A store there already is not copied over.
    let out = packbench(&["store", "copy", file, &url]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already") && !err.contains(&server.password),
        "{err}"
    );

    // And back to a new file: the same rows as the server's.
    let back = s.path("back.db");
    let back = back.to_str().unwrap();
    ok(packbench(&["store", "copy", &url, back]));
    let digest = |db: &str| -> Vec<packbench::store::TableDigest> {
        packbench::store::Store::open(db)
            .unwrap()
            .digest()
            .unwrap()
            .into_iter()
            .filter(|t| t.table != "events")
            .collect()
    };
    assert_eq!(digest(back), digest(&url));
    let events = |db: &str| {
        packbench::store::Store::open(db)
            .unwrap()
            .digest()
            .unwrap()
            .into_iter()
            .find(|t| t.table == "events")
            .unwrap()
            .rows
    };
    assert_eq!(
        events(back),
        events(&url) + 1,
        "the copy is in the copy's log"
    );
    // A file there already is not copied over.
    let out = packbench(&["store", "copy", &url, back]);
    assert!(!out.status.success());
}

/// `init` on the server: the password is never printed, and a database that sorts text by a
/// language (ICU here) is refused with how to make one that does not, nothing written.
#[test]
fn init_on_the_server_keeps_the_password_and_wants_bytewise_text() {
    let Some(server) = server() else {
        return;
    };
    let url = server.url(&server.fresh_db("init"));
    let made = packbench(&["--db", &url, "init", "--admin-pin", "1234"]);
    let again = packbench(&["--db", &url, "init", "--admin-pin", "1234"]);
    for out in [&made, &again] {
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("@") && !text.contains(&server.password),
            "{text}"
        );
    }
    assert!(made.status.success() && !again.status.success());

    let icu = "pb_icu_text";
    server
        .connect("postgres")
        .batch_execute(&format!(
            "CREATE DATABASE {icu} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'
             LOCALE_PROVIDER icu ICU_LOCALE 'und'"
        ))
        .unwrap();
    let out = packbench(&["--db", &server.url(icu), "init", "--admin-pin", "1234"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("createdb --template=template0 --encoding=UTF8 --locale=C.UTF-8")
            && err.contains("ICU")
            && !err.contains(&server.password),
        "{err}"
    );
    let tables: i64 = server
        .connect(icu)
        .query_one(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 0, "nothing written");
}

/// A dump restored on a new server's empty database by the backup's admin; anyone else is
/// refused and the database left empty.
#[test]
fn a_dump_restores_into_an_empty_database_by_its_admin() {
    let Some(server) = server() else {
        return;
    };
    let s = Scratch::new();
    let shop = server.url(&server.fresh_db("dumped"));
    ok(packbench(&["--db", &shop, "demo"]));
    let kept = s.path("kept");
    let made: serde_json::Value = serde_json::from_str(&ok(packbench(&[
        "--db",
        &shop,
        "backup",
        kept.to_str().unwrap(),
        "--json",
    ])))
    .unwrap();
    let dump = made["file"].as_str().unwrap().to_string();
    assert!(dump.ends_with(".dump"), "{made}");

    let empty = server.fresh_db("new_server");
    let url = server.url(&empty);
    let tables = |db: &str| -> i64 {
        server
            .connect(db)
            .query_one(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = 'public' AND c.relkind = 'r'",
                &[],
            )
            .unwrap()
            .get(0)
    };
    // A checker of the backup may not restore it: refused, and the database empty again.
    let out = Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(["--db", &url, "restore", &dump])
        .env_remove("PACKBENCH_DB")
        .env("PACKBENCH_STAFF", "YH01")
        .env("PACKBENCH_PIN", "1234")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("may not backup"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(tables(&empty), 0, "left empty");
    // Its admin may.
    let r: serde_json::Value =
        serde_json::from_str(&ok(packbench(&["--db", &url, "restore", &dump, "--json"]))).unwrap();
    assert_eq!(r["safety_copy"], serde_json::Value::Null, "{r}");
    let verify: serde_json::Value =
        serde_json::from_str(&ok(packbench(&["--db", &url, "stock", "verify", "--json"]))).unwrap();
    assert_eq!(verify["differences"], serde_json::json!([]), "{verify}");
    let orders = |db: &str| -> i64 {
        server
            .connect(db)
            .query_one("SELECT count(*) FROM orders", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(orders(&empty), orders(&server_db_name(&shop)));
}

/// The database name at the end of an address.
fn server_db_name(url: &str) -> String {
    url.rsplit('/').next().unwrap().to_string()
}

/// A wrong password, a database that does not exist and a server that is not there are each
/// said in plain words, the password never shown.
#[test]
fn a_wrong_address_is_said_in_plain_words() {
    let Some(server) = server() else {
        return;
    };
    let db = server.fresh_db("words");
    ok(packbench(&[
        "--db",
        &server.url(&db),
        "init",
        "--admin-pin",
        "1234",
    ]));
    let wrong_password = format!(
        "postgres://{}:not-{}@{}:{}/{db}",
        server.user, server.password, server.host, server.port
    );
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let cases = [
        (wrong_password, "refused the login", "拒绝了登录"),
        (server.url("no_such_db"), "refused the login", "拒绝了登录"),
        (
            format!("postgres://shop:s3cret@127.0.0.1:{free_port}/shop"),
            "cannot be reached",
            "连不上店里的数据库服务器",
        ),
    ];
    for (url, en, zh) in cases {
        let out = packbench(&["--db", &url, "orders", "list"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(en) && err.contains(zh), "{url}: {err}");
        assert!(
            !err.contains(&server.password) && !err.contains("s3cret"),
            "{err}"
        );
    }
}

/// A PC without PostgreSQL's programs is told which package to install; no partial backup is
/// left behind.
#[test]
fn a_backup_without_pg_dump_says_what_to_install() {
    let Some(server) = server() else {
        return;
    };
    let s = Scratch::new();
    let url = server.url(&server.fresh_db("no_tools"));
    ok(packbench(&["--db", &url, "init", "--admin-pin", "1234"]));
    let kept = s.path("kept");
    let out = Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(["--db", &url, "backup", kept.to_str().unwrap()])
        .env_remove("PACKBENCH_DB")
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", "1234")
        .env("PATH", s.path("empty-path"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pg_dump was not found") && err.contains("postgresql-client"),
        "{err}"
    );
    let left: Vec<_> = std::fs::read_dir(&kept)
        .map(|d| d.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "{left:?}");
}
