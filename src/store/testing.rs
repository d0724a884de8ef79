//! Which engine the tests run on: SQLite unless `PACKBENCH_TEST_ENGINE=postgres`, when every
//! test store is a fresh database on the server the `PG*` variables name (CI runs the whole suite
//! a second time inside `pg_virtualenv`, which sets them). Not for the program itself.

use super::Store;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Whether the tests run on PostgreSQL.
pub fn on_postgres() -> bool {
    std::env::var("PACKBENCH_TEST_ENGINE").is_ok_and(|e| e == "postgres")
}

/// The test server's address for database `db`, from the `PG*` variables.
pub fn server_url(db: &str) -> String {
    let var = |name: &str, default: &str| std::env::var(name).unwrap_or_else(|_| default.into());
    let user = var("PGUSER", "postgres");
    let password = std::env::var("PGPASSWORD")
        .map(|p| format!(":{p}"))
        .unwrap_or_default();
    format!(
        "postgres://{user}{password}@{}:{}/{db}",
        var("PGHOST", "localhost"),
        var("PGPORT", "5432")
    )
}

static DATABASES: AtomicUsize = AtomicUsize::new(0);

/// A new, empty database on the test server (named after `tag`, this process and a counter);
/// its address.
pub fn fresh_database(tag: &str) -> String {
    let tag: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    let name = format!(
        "pb_{tag}_{}_{}",
        std::process::id(),
        DATABASES.fetch_add(1, Ordering::Relaxed)
    );
    let mut admin = postgres::Client::connect(&server_url("postgres"), postgres::NoTls)
        .expect("PACKBENCH_TEST_ENGINE=postgres: connect to the test server (PGHOST, PGPORT, PGUSER, PGPASSWORD)");
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        ))
        .expect("create a test database");
    server_url(&name)
}

/// A new store for a test: in memory on SQLite, a fresh database on PostgreSQL.
pub fn store() -> Store {
    if on_postgres() {
        Store::create(fresh_database("unit")).expect("a new store on the test server")
    } else {
        Store::open_in_memory().expect("a store in memory")
    }
}
