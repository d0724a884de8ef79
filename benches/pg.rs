//! PostgreSQL benchmarks (issue 13, "Measure"), three in one run, each against what it is
//! compared with measured in the same run on the same server:
//!
//! 1. Scan → durable verdict over loopback with `fsync=on`, on a 1,000,000-order store:
//!    `CheckSession::scan` against a floor (one `SELECT` of the parcel by tracking number and one
//!    `INSERT` into `scans` in one transaction, raw `postgres` crate), one for one as in
//!    `benches/scan.rs`. Targets: p99 ≤ 3× the floor's p99, and ≤ 5 ms.
//! 2. Eight benches (threads, each its own connection and station) scanning the same batch at
//!    once for a bounded time: p50/p99 per scan, then from the store: parcels shipped twice (0),
//!    scans lost (0).
//! 3. Import of a 100,000-order Taobao export into a fresh store against `psql \copy` of the same
//!    two GBK files into two plain tables. Target ≤ 2×; with where the time goes (client and
//!    server CPU, requests sent ≈ round trips, rows, WAL).
//!
//! `pg_virtualenv -t -o fsync=on -o synchronous_commit=on cargo bench --bench pg` (it sets
//! `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`). Sizes: `PACKBENCH_BENCH_ORDERS` (store, 1 and 2),
//! `PACKBENCH_BENCH_IMPORT_ORDERS` (export, 3); `PACKBENCH_BENCH_RACE_SECONDS` (2, default 20),
//! `PACKBENCH_BENCH_IMPORT_RUNS` (3, default 3), `PACKBENCH_BENCH_PARTS` (e.g. `1,3`).
//!
//! The store is the SQLite store `benches/scan.rs` builds and keeps under `<target>/bench-data/`
//! (same name, same content: built here if missing), copied into PostgreSQL once per run with
//! `store::copy::copy_all`, vacuumed and analysed (as autovacuum would soon do), then cloned
//! (`CREATE DATABASE … TEMPLATE`) for each part, so every part starts from unscanned parcels.
//! Server CPU is read from `/proc` (the postmaster and its children): the server must be on this
//! machine, as `pg_virtualenv` puts it.

#[path = "shared/scan_store.rs"]
mod scan_store;
use packbench::domain::check::BlockReason;
use packbench::domain::{Outcome, ScanSource};
use packbench::flow::check::{CheckSession, Verdict};
use packbench::flow::import::{ImportOptions, import_orders};
use packbench::flow::staff;
use packbench::store::Store;
use packbench::store::testing::server_url;
use postgres::{Client, NoTls};
use scan_store::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const PACKBENCH: &str = env!("CARGO_BIN_EXE_packbench");
const DEFAULT_IMPORT_ORDERS: u64 = 100_000;
/// Parcels checked before timing starts (statement cache, buffers), on both sides alike.
const WARM_UP: usize = 10;
const TARGET_RATIO: f64 = 3.0;
const TARGET_P99: Duration = Duration::from_millis(5);
const TERMINAL: &str = "bench-1";
const CHECKER: &str = "YH01";
const BENCHES: usize = 8;
const IMPORT_TARGET_RATIO: f64 = 2.0;
const ORDERS_CSV: &str = "ExportOrderList.csv";
const LINES_CSV: &str = "ExportOrderDetailList.csv";
/// The databases of a run (dropped first if a run before left them).
const MASTER_DB: &str = "pbbench_master";
const SCAN_DB: &str = "pbbench_scan";
const FLOOR_DB: &str = "pbbench_floor";
const RACE_DB: &str = "pbbench_race";
const IMPORT_DB: &str = "pbbench_import";

fn main() {
    let num = |name: &str, default: u64| -> u64 {
        std::env::var(name)
            .ok()
            .map(|v| {
                v.parse()
                    .unwrap_or_else(|_| panic!("{name} must be a number"))
            })
            .unwrap_or(default)
    };
    let orders = num("PACKBENCH_BENCH_ORDERS", DEFAULT_ORDERS);
    let import_orders_n = num("PACKBENCH_BENCH_IMPORT_ORDERS", DEFAULT_IMPORT_ORDERS);
    let race_for = Duration::from_secs(num("PACKBENCH_BENCH_RACE_SECONDS", 20));
    let import_runs = num("PACKBENCH_BENCH_IMPORT_RUNS", 3).max(1) as usize;
    let parts: Vec<u32> = std::env::var("PACKBENCH_BENCH_PARTS")
        .map(|v| {
            v.split(',')
                .map(|p| p.trim().parse().expect("PACKBENCH_BENCH_PARTS: e.g. 1,2,3"))
                .collect()
        })
        .unwrap_or_else(|_| vec![1, 2, 3]);

    let mut admin = connect("postgres");
    let server = Server::describe(&mut admin);
    println!("{}", server.line);
    assert!(
        server.fsync_on && server.sync_commit_on,
        "run with fsync=on and synchronous_commit=on (pg_virtualenv -o fsync=on -o synchronous_commit=on): \
         a commit that does not reach the disk measures nothing here"
    );
    let data = target_dir().join("bench-data");
    let mut summary: Vec<String> = Vec::new();
    println!("load at start: {}", load());

    if parts.iter().any(|p| *p == 1 || *p == 2) {
        let sqlite = ensure_store(&data, orders);
        make_master(&mut admin, &sqlite);
        if parts.contains(&1) {
            summary.extend(scan_part(&mut admin, &server, orders));
        }
        if parts.contains(&2) {
            summary.extend(race_part(&mut admin, &server, orders, race_for));
        }
    }
    if parts.contains(&3) {
        let export = ensure_export(&data, import_orders_n);
        summary.extend(import_part(
            &mut admin,
            &server,
            &export,
            import_orders_n,
            import_runs,
        ));
    }
    for db in [MASTER_DB, SCAN_DB, FLOOR_DB, RACE_DB, IMPORT_DB] {
        drop_db(&mut admin, db);
    }
    println!();
    println!("== summary (load at end: {})", load());
    for line in summary {
        println!("{line}");
    }
}

// ---------------------------------------------------------------------------------------------
// The server and its databases

fn connect(db: &str) -> Client {
    Client::connect(&server_url(db), NoTls).unwrap_or_else(|e| {
        panic!(
            "connect to {db} on the server the PG* variables name (run under pg_virtualenv): {e}"
        )
    })
}

/// What the server is, and how to read its CPU time.
struct Server {
    line: String,
    fsync_on: bool,
    sync_commit_on: bool,
    /// The postmaster's pid, when the server runs on this machine.
    postmaster: Option<u32>,
}

impl Server {
    fn describe(admin: &mut Client) -> Server {
        let show = |c: &mut Client, what: &str| -> String {
            c.query_one(&format!("SHOW {what}"), &[])
                .expect("SHOW")
                .get(0)
        };
        let version = show(admin, "server_version");
        let fsync = show(admin, "fsync");
        let sync_commit = show(admin, "synchronous_commit");
        let shared_buffers = show(admin, "shared_buffers");
        let wal_level = show(admin, "wal_level");
        let backend: i32 = admin
            .query_one("SELECT pg_backend_pid()", &[])
            .expect("pid")
            .get(0);
        let postmaster = proc_stat(backend as u32).map(|s| s.ppid);
        Server {
            line: format!(
                "PostgreSQL {version} at {}: fsync={fsync} synchronous_commit={sync_commit} \
                 shared_buffers={shared_buffers} wal_level={wal_level}; server CPU from /proc: {}",
                shown_url(&server_url("postgres")),
                if postmaster.is_some() { "yes" } else { "no" }
            ),
            fsync_on: fsync == "on",
            sync_commit_on: sync_commit == "on",
            postmaster,
        }
    }

    /// CPU seconds of the server so far: the postmaster, its children now, and those it reaped
    /// (a backend that ended gave its time to the postmaster's `cutime`).
    fn cpu(&self) -> Option<f64> {
        let pm = self.postmaster?;
        let own = proc_stat(pm)?;
        let mut ticks = own.utime + own.stime + own.cutime + own.cstime;
        for entry in fs::read_dir("/proc").ok()?.flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<u32>().ok())
            else {
                continue;
            };
            if let Some(s) = proc_stat(pid).filter(|s| s.ppid == pm) {
                ticks += s.utime + s.stime;
            }
        }
        Some(ticks as f64 / clock_ticks())
    }
}

struct ProcStat {
    ppid: u32,
    utime: u64,
    stime: u64,
    cutime: u64,
    cstime: u64,
}

fn proc_stat(pid: u32) -> Option<ProcStat> {
    let text = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    let rest = &text[text.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let n = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok());
    Some(ProcStat {
        ppid: n(1)? as u32,
        utime: n(11)?,
        stime: n(12)?,
        cutime: n(13)?,
        cstime: n(14)?,
    })
}

fn clock_ticks() -> f64 {
    // SAFETY: sysconf only reads a constant of the system.
    (unsafe { libc::sysconf(libc::_SC_CLK_TCK) }) as f64
}

/// User + system CPU seconds of this process (`RUSAGE_SELF`) or of the children it waited for.
fn rusage_secs(who: libc::c_int) -> f64 {
    // SAFETY: rusage is plain data, filled by getrusage.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(who, &mut u) }, 0);
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// Requests this process has sent over TCP so far: the data segments of all its TCP sockets
/// (`TCP_INFO`). The client sends each request (a query, BEGIN, COMMIT) in one segment and waits
/// for its answer, so the difference over some work is its round trips to the server. Sockets
/// closed meanwhile are not counted: read before a store is dropped.
fn socket_writes() -> Option<u64> {
    let mut total = 0u64;
    for entry in fs::read_dir("/proc/self/fd").ok()?.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<i32>().ok())
        else {
            continue;
        };
        if !fs::read_link(entry.path()).is_ok_and(|l| l.to_string_lossy().starts_with("socket:")) {
            continue;
        }
        // The kernel's `struct tcp_info`; `tcpi_data_segs_out` is the u32 at byte 156 (Linux 4.6).
        let mut info = [0u8; 256];
        let mut len = info.len() as libc::socklen_t;
        // SAFETY: the buffer is as long as `len` says; the kernel writes at most that much.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::IPPROTO_TCP,
                libc::TCP_INFO,
                info.as_mut_ptr().cast(),
                &mut len,
            )
        };
        if rc == 0 && len >= 160 {
            total += u64::from(u32::from_ne_bytes(
                info[156..160].try_into().expect("4 bytes"),
            ));
        }
    }
    Some(total)
}

/// The WAL written so far by the whole server, in bytes.
fn wal_bytes(c: &mut Client) -> i64 {
    c.query_one(
        "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint",
        &[],
    )
    .expect("WAL position")
    .get(0)
}

/// Checkpoints the server has made so far (timed and requested).
fn checkpoints(c: &mut Client) -> i64 {
    c.query_one(
        "SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter",
        &[],
    )
    .expect("checkpoints")
    .get(0)
}

fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// The address without its password, to print.
fn shown_url(url: &str) -> String {
    packbench::store::pg::shown(url)
}

fn drop_db(admin: &mut Client, name: &str) {
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .unwrap_or_else(|e| panic!("drop database {name}: {e}"));
}

/// A new database `name` (one left by an earlier run is dropped first): an empty one from
/// `template0`, or a copy of a store. UTF-8 with the C collation, as packbench requires. A store
/// of a million orders is copied file by file (PostgreSQL 15's default writes it all to the WAL).
fn create_db(admin: &mut Client, name: &str, template: &str) -> Duration {
    drop_db(admin, name);
    let version: i32 = admin
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .expect("server version")
        .get(0);
    let strategy = if template != "template0" && version >= 150_000 {
        " STRATEGY FILE_COPY"
    } else {
        ""
    };
    let t = Instant::now();
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE {template} ENCODING 'UTF8' LOCALE 'C.UTF-8'{strategy}"
        ))
        .unwrap_or_else(|e| panic!("create database {name}: {e}"));
    t.elapsed()
}

/// A copy of the prepared store for one part, written to disk before timing starts: the
/// checkpoint flushes what the copy dirtied, so the first commits time scans, not the copy.
fn clone_master(admin: &mut Client, name: &str) {
    let took = create_db(admin, name, MASTER_DB);
    let t = Instant::now();
    admin.batch_execute("CHECKPOINT").expect("checkpoint");
    eprintln!(
        "  {name}: cloned in {:.1} s, checkpoint {:.1} s",
        took.as_secs_f64(),
        t.elapsed().as_secs_f64()
    );
}

/// The prepared SQLite store copied into `MASTER_DB` by `copy_all`, then vacuumed and analysed.
fn make_master(admin: &mut Client, sqlite: &Path) {
    create_db(admin, MASTER_DB, "template0");
    let url = server_url(MASTER_DB);
    let src = Store::open(sqlite).expect("open the prepared store");
    let mut dst = Store::create(&url).expect("a new store on the server");
    eprintln!("copying {} into {} …", sqlite.display(), shown_url(&url));
    let done = Arc::new(AtomicBool::new(false));
    let progress = {
        let done = done.clone();
        std::thread::spawn(move || copy_progress(&done))
    };
    let t = Instant::now();
    let copied = packbench::store::copy::copy_all(&src, &mut dst).expect("copy the store");
    let took = t.elapsed();
    done.store(true, Ordering::Relaxed);
    progress.join().expect("progress thread");
    drop(dst);
    let rows: i64 = copied.tables.iter().map(|t| t.target_rows).sum();
    eprintln!(
        "\r  copy_all: {rows} rows in {} tables, {:.1} s ({:.0} rows/s)",
        copied.tables.len(),
        took.as_secs_f64(),
        rows as f64 / took.as_secs_f64()
    );
    let mut biggest: Vec<_> = copied.tables.iter().collect();
    biggest.sort_by_key(|t| -t.target_rows);
    for t in biggest.iter().take(6) {
        eprintln!("    {:<24} {:>9} rows", t.table, t.target_rows);
    }
    // A shop with this many orders has checked before: one past check scan per order (a
    // real one has about three). Without a past the table is empty when analysed, and a
    // statement prepared on it plans a sequential scan, which a shop meets only in its first
    // minutes (autovacuum analyses after 50 rows).
    let t = Instant::now();
    let past = connect(MASTER_DB)
        .execute(
            "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, counted, source)
             SELECT '2026-01-01T00:00:00.000Z', (SELECT id FROM staff WHERE code = 'admin'), 'past',
                    'check', 'P' || g, 'item_unknown', 0, 'wedge'
             FROM generate_series(1, (SELECT count(*) FROM orders)) AS g",
            &[],
        )
        .expect("past scans");
    eprintln!("  {past} past scans: {:.1} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    connect(MASTER_DB)
        .batch_execute("VACUUM ANALYZE")
        .expect("vacuum analyze");
    let size: i64 = admin
        .query_one("SELECT pg_database_size($1)", &[&MASTER_DB])
        .expect("size")
        .get(0);
    eprintln!(
        "  VACUUM ANALYZE: {:.1} s; database {} MB",
        t.elapsed().as_secs_f64(),
        size / 1_000_000
    );
}

/// Every 10 s while the copy runs: how long so far, the database's size, the table being filled.
fn copy_progress(done: &AtomicBool) {
    let mut c = connect("postgres");
    let started = Instant::now();
    let mut last = Instant::now();
    while !done.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        if last.elapsed() < Duration::from_secs(10) {
            continue;
        }
        last = Instant::now();
        let row = c
            .query_one(
                "SELECT pg_database_size($1),
                        coalesce((SELECT substring(query from 'INSERT INTO \"([a-z_]+)\"')
                                  FROM pg_stat_activity WHERE datname = $1 AND state = 'active'
                                  LIMIT 1), '')",
                &[&MASTER_DB],
            )
            .ok();
        if let Some(row) = row {
            let (size, table): (i64, String) = (row.get(0), row.get(1));
            eprint!(
                "\r  copying: {:>4.0} s, {:>5} MB, table {table:<24}",
                started.elapsed().as_secs_f64(),
                size / 1_000_000
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The prepared SQLite store (as `benches/scan.rs` builds it, under the same name)

// ---------------------------------------------------------------------------------------------
// 1. Scan → durable verdict against the floor

/// The floor: what any durable scan must cost at least on this server — find the parcel by its
/// tracking number, write one scan row — in one transaction (BEGIN, SELECT, INSERT, COMMIT: four
/// round trips, statements prepared once).
struct Floor {
    client: Client,
    select: postgres::Statement,
    insert: postgres::Statement,
    staff_id: i64,
}

impl Floor {
    fn open(db: &str, staff_id: i64) -> Floor {
        let mut client = connect(db);
        client
            .batch_execute("SET synchronous_commit = on; SET TIME ZONE 'UTC'")
            .expect("session settings");
        let select = client
            .prepare("SELECT id FROM parcels WHERE tracking_no = $1")
            .expect("prepare");
        let insert = client
            .prepare(
                "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, parcel_id, counted)
                 VALUES ($1, $2, 'floor', 'check', $3, 'order_opened', $4, 0)",
            )
            .expect("prepare");
        Floor {
            client,
            select,
            insert,
            staff_id,
        }
    }

    fn scan(&mut self, tracking_no: &str) -> Duration {
        let t = Instant::now();
        let at = chrono::Utc::now()
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        let mut tx = self.client.transaction().expect("begin");
        let parcel_id: i64 = tx
            .query_one(&self.select, &[&tracking_no])
            .expect("the parcel")
            .get(0);
        tx.execute(
            &self.insert,
            &[&at, &self.staff_id, &tracking_no, &parcel_id],
        )
        .expect("insert");
        tx.commit().expect("commit");
        t.elapsed()
    }
}

/// Latencies, all together and per kind of scan, with what each cost in round trips and WAL.
#[derive(Default)]
struct Samples {
    all: Vec<Duration>,
    by_kind: BTreeMap<&'static str, Vec<Duration>>,
    round_trips: u64,
    wal: i64,
}

impl Samples {
    fn push(&mut self, kind: &'static str, d: Duration, round_trips: u64, wal: i64) {
        self.all.push(d);
        self.by_kind.entry(kind).or_default().push(d);
        self.round_trips += round_trips;
        self.wal += wal;
    }
}

/// What a piece of work cost besides its time: requests sent and WAL bytes.
struct Meter {
    writes: Option<u64>,
    wal: i64,
}

impl Meter {
    fn start(monitor: &mut Client) -> Meter {
        let wal = wal_bytes(monitor);
        Meter {
            writes: socket_writes(),
            wal,
        }
    }

    /// `(requests, WAL bytes)` since `start`; read before the monitor's own query.
    fn stop(self, monitor: &mut Client) -> (u64, i64) {
        let writes = match (self.writes, socket_writes()) {
            (Some(a), Some(b)) => b - a,
            _ => 0,
        };
        (writes, wal_bytes(monitor) - self.wal)
    }
}

fn scan_part(admin: &mut Client, server: &Server, orders: u64) -> Vec<String> {
    println!();
    println!("== 1. scan → durable verdict ({orders}-order store)");
    clone_master(admin, SCAN_DB);
    clone_master(admin, FLOOR_DB);
    let mut store = Store::open(server_url(SCAN_DB)).expect("open the packbench copy");
    let checker = staff::actor(&store, CHECKER, TERMINAL).expect("the demo checker");
    let parcels = batch_parcels(&store, &checker);
    let script = script(&parcels);
    let mut floor = Floor::open(FLOOR_DB, checker.staff.id);
    let mut monitor = connect("postgres");
    let (mut session, replayed) = CheckSession::start(&mut store, checker).expect("start checking");
    assert!(replayed.is_empty(), "a fresh copy has nothing to replay");

    let mut pb = Samples::default();
    let mut fl = Samples::default();
    let tracking: Vec<&str> = parcels.iter().map(|p| p.tracking_no.as_str()).collect();
    let mut next_tracking = tracking.iter().cycle();
    let checkpoints_before = checkpoints(&mut monitor);
    let cpu_before = server.cpu();
    let load_before = load();
    let started = Instant::now();
    for (i, parcel) in script.iter().enumerate() {
        let timed = i >= WARM_UP;
        for (j, step) in parcel.iter().enumerate() {
            // One floor transaction beside every scan, first and second in turn: both see the
            // disk's flushes and the machine's load of the same moment.
            let floor_first = (i + j) % 2 == 1;
            let mut floor_scan = |monitor: &mut Client| {
                let m = Meter::start(monitor);
                let dt = floor.scan(next_tracking.next().expect("cycle"));
                (dt, m.stop(monitor))
            };
            let early = floor_first.then(|| floor_scan(&mut monitor));
            let m = Meter::start(&mut monitor);
            let t = Instant::now();
            let verdicts = session
                .scan(&mut store, &step.code, ScanSource::Wedge)
                .expect("scan");
            let dt = t.elapsed();
            let (pb_writes, pb_wal) = m.stop(&mut monitor);
            let (floor_dt, (fl_writes, fl_wal)) = early.unwrap_or_else(|| floor_scan(&mut monitor));
            let kind = step.check(&verdicts);
            if let Some(id) = verdicts.iter().map(|v| v.scan_id).max() {
                session.shown(id);
            }
            if timed {
                pb.push(kind, dt, pb_writes, pb_wal);
                fl.push("floor", floor_dt, fl_writes, fl_wal);
            }
        }
        if i % 100 == 99 {
            eprint!("\r  {} scans", pb.all.len());
        }
    }
    let wall = started.elapsed();
    eprintln!(" ({:.1} s)", wall.as_secs_f64());
    session.close(&mut store).expect("close the session");
    let server_cpu = cpu_before.zip(server.cpu()).map(|(a, b)| b - a);
    let checkpoints_during = checkpoints(&mut monitor) - checkpoints_before;
    drop((store, floor));
    drop_db(admin, SCAN_DB);
    drop_db(admin, FLOOR_DB);

    let (p, f) = (stats(&pb.all), stats(&fl.all));
    println!(
        "{} parcels, {} timed scans each side; load {load_before} → {}; {:.1} s{}; {} server checkpoints during the run",
        parcels.len(),
        p.n,
        load(),
        wall.as_secs_f64(),
        server_cpu.map_or(String::new(), |c| format!(
            ", server CPU {c:.1} s (both sides)"
        )),
        checkpoints_during
    );
    header("(ms)");
    row("floor (SELECT + INSERT, 1 tx)", &f);
    row("packbench CheckSession::scan", &p);
    for (kind, v) in &pb.by_kind {
        row(&format!("  {kind}"), &stats(v));
    }
    for (name, s) in [("floor", &fl), ("packbench", &pb)] {
        println!(
            "{name}: {:.1} requests (round trips) and {:.0} WAL bytes a scan",
            s.round_trips as f64 / s.all.len() as f64,
            s.wal as f64 / s.all.len() as f64
        );
    }
    let (r50, r99) = (ratio(p.p50, f.p50), ratio(p.p99, f.p99));
    println!("ratio packbench/floor: p50 {r50:.2}×, p99 {r99:.2}×");
    let line = format!(
        "1. scan on PostgreSQL, {orders} orders: packbench p50 {} p99 {} ms, floor p50 {} p99 {} ms; \
         p99 {r99:.2}× floor (target ≤ {TARGET_RATIO}×: {}), p99 ≤ {} ms: {}",
        ms(p.p50),
        ms(p.p99),
        ms(f.p50),
        ms(f.p99),
        yes(r99 <= TARGET_RATIO),
        ms(TARGET_P99),
        yes(p.p99 <= TARGET_P99)
    );
    println!("{line}");
    vec![line]
}

// ---------------------------------------------------------------------------------------------
// 2. Eight benches at once

/// What one bench did.
#[derive(Default)]
struct BenchRun {
    station: String,
    times: Vec<(&'static str, Duration)>,
    /// Stored scans whose verdicts came back.
    scan_ids: BTreeSet<i64>,
    verdicts: usize,
    /// Tracking numbers this bench was told it shipped.
    shipped: Vec<String>,
    errors: Vec<String>,
    parcels_opened: usize,
    /// It reached the end of the batch before its time was up.
    batch_done: bool,
}

/// One bench: walks the batch from its first parcel, as all the others do, so they race for every
/// parcel; a waybill another bench took (open there, or shipped) is put aside and the next taken.
/// A parcel it opened is checked to the end, every verdict as the script says.
fn run_bench(
    url: &str,
    station: String,
    script: &[Vec<Step>],
    start: &Barrier,
    deadline_after: Duration,
) -> BenchRun {
    let mut out = BenchRun {
        station: station.clone(),
        ..BenchRun::default()
    };
    let mut store = Store::open(url).expect("open the store");
    let checker = staff::actor(&store, CHECKER, &station).expect("the demo checker");
    let (mut session, replayed) = CheckSession::start(&mut store, checker).expect("start checking");
    assert!(replayed.is_empty(), "a fresh station has nothing to replay");
    start.wait();
    let deadline = Instant::now() + deadline_after;
    let mut scan = |code: &str, out: &mut BenchRun| -> Option<(Vec<Verdict>, Duration)> {
        let t = Instant::now();
        let r = session.scan(&mut store, code, ScanSource::Wedge);
        let dt = t.elapsed();
        match r {
            Ok(v) => {
                out.verdicts += v.len();
                out.scan_ids
                    .extend(v.iter().map(|v| v.scan_id).filter(|id| *id > 0));
                if let Some(id) = v.iter().map(|v| v.scan_id).max() {
                    session.shown(id);
                }
                out.shipped.extend(
                    v.iter()
                        .filter(|v| v.name() == "shipped")
                        .filter_map(|v| v.tracking_no.clone()),
                );
                Some((v, dt))
            }
            Err(e) => {
                out.errors.push(format!("{code}: {e}"));
                None
            }
        }
    };
    out.batch_done = true;
    for steps in script {
        if Instant::now() >= deadline {
            out.batch_done = false;
            break;
        }
        let Some((verdicts, dt)) = scan(&steps[0].code, &mut out) else {
            continue;
        };
        let names: Vec<&str> = verdicts.iter().map(|v| v.name()).collect();
        if names != ["order_opened"] {
            let taken = matches!(
                verdicts.as_slice(),
                [Verdict {
                    outcome: Outcome::Blocked {
                        reason: BlockReason::OpenElsewhere | BlockReason::Shipped,
                        ..
                    },
                    ..
                }]
            );
            assert!(taken, "{station}: waybill {} gave {names:?}", steps[0].code);
            out.times.push(("waybill taken by another (blocked)", dt));
            continue;
        }
        out.parcels_opened += 1;
        out.times.push(("waybill (order_opened)", dt));
        for step in &steps[1..] {
            let Some((verdicts, dt)) = scan(&step.code, &mut out) else {
                break;
            };
            out.times.push((step.check(&verdicts), dt));
        }
    }
    if let Err(e) = session.close(&mut store) {
        out.errors.push(format!("close: {e}"));
    }
    out
}

fn race_part(admin: &mut Client, server: &Server, orders: u64, run_for: Duration) -> Vec<String> {
    println!();
    println!(
        "== 2. {BENCHES} benches at once for {} s ({orders}-order store)",
        run_for.as_secs()
    );
    clone_master(admin, RACE_DB);
    let url = server_url(RACE_DB);
    let store = Store::open(&url).expect("open the store");
    let checker = staff::actor(&store, CHECKER, "bench-prep").expect("the demo checker");
    let parcels = batch_parcels(&store, &checker);
    drop(store);
    let script = Arc::new(script(&parcels));
    let start = Arc::new(Barrier::new(BENCHES + 1));
    let load_before = load();
    let threads: Vec<_> = (1..=BENCHES)
        .map(|k| {
            let (url, script, start) = (url.clone(), script.clone(), start.clone());
            std::thread::Builder::new()
                .name(format!("bench-{k}"))
                .spawn(move || run_bench(&url, format!("bench-{k}"), &script, &start, run_for))
                .expect("spawn a bench")
        })
        .collect();
    start.wait();
    let t = Instant::now();
    let (server0, self0) = (server.cpu(), rusage_secs(libc::RUSAGE_SELF));
    let runs: Vec<BenchRun> = threads
        .into_iter()
        .map(|t| t.join().expect("a bench panicked"))
        .collect();
    let wall = t.elapsed();
    let benches_cpu = rusage_secs(libc::RUSAGE_SELF) - self0;
    let server_cpu = server0.zip(server.cpu()).map(|(a, b)| b - a);

    // What the store says.
    let mut c = connect(RACE_DB);
    let stations: Vec<String> = runs.iter().map(|r| r.station.clone()).collect();
    let mut stored: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for r in c
        .query(
            "SELECT terminal, id FROM scans WHERE terminal = ANY($1)",
            &[&stations],
        )
        .expect("stored scans")
    {
        stored.entry(r.get(0)).or_default().insert(r.get(1));
    }
    let tracking: Vec<String> = parcels.iter().map(|p| p.tracking_no.clone()).collect();
    let shipped_in_store: i64 = c
        .query_one(
            "SELECT count(*) FROM parcels WHERE tracking_no = ANY($1) AND stage = 'shipped'",
            &[&tracking],
        )
        .expect("shipped parcels")
        .get(0);
    let shipped_twice_events: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT subject FROM events WHERE kind = 'parcel_shipped'
                                   AND subject = ANY($1) GROUP BY subject HAVING count(*) > 1) t",
            &[&tracking],
        )
        .expect("parcel_shipped events")
        .get(0);
    let shipped_events: i64 = c
        .query_one(
            "SELECT count(*) FROM events WHERE kind = 'parcel_shipped' AND subject = ANY($1)",
            &[&tracking],
        )
        .expect("parcel_shipped events")
        .get(0);
    // Units counted beyond what a parcel holds: two benches counting one parcel.
    let overcounted: i64 = c
        .query_one(
            "SELECT count(*) FROM (
                 SELECT s.parcel_id FROM scans s JOIN parcels p ON p.id = s.parcel_id
                 WHERE p.tracking_no = ANY($1) AND s.counted = 1 AND s.mode = 'check'
                 GROUP BY s.parcel_id HAVING count(DISTINCT s.terminal) > 1) t",
            &[&tracking],
        )
        .expect("counted scans")
        .get(0);
    drop(c);
    drop_db(admin, RACE_DB);
    let mut told_shipped: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &runs {
        for t in &r.shipped {
            *told_shipped.entry(t.as_str()).or_default() += 1;
        }
    }
    let told_twice = told_shipped.values().filter(|n| **n > 1).count();
    let told_total: usize = told_shipped.values().sum();

    let all: Vec<Duration> = runs
        .iter()
        .flat_map(|r| r.times.iter().map(|(_, d)| *d))
        .collect();
    let mut by_kind: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    for (k, d) in runs.iter().flat_map(|r| r.times.iter()) {
        by_kind.entry(k).or_default().push(*d);
    }
    let s = stats(&all);
    let done = runs.iter().filter(|r| r.batch_done).count();
    println!(
        "{} scans in {:.1} s ({:.0} scans/s), load {load_before} → {}; {}",
        s.n,
        wall.as_secs_f64(),
        s.n as f64 / wall.as_secs_f64(),
        load(),
        if done == 0 {
            "every bench was still scanning when the time was up".to_string()
        } else {
            format!("{done} benches reached the end of the batch before the time was up")
        }
    );
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "CPU while they ran: benches {benches_cpu:.1} s, server {} s, of {:.1} s on {cores} cores",
        server_cpu.map_or("?".to_string(), |c| format!("{c:.1}")),
        wall.as_secs_f64() * cores as f64
    );
    header("per scan (ms)");
    row(&format!("all {BENCHES} benches"), &s);
    for (k, v) in &by_kind {
        row(&format!("  {k}"), &stats(v));
    }
    println!(
        "{:<10} {:>6} {:>9} {:>9} {:>9} {:>6} {:>8} {:>7} {:>7}",
        "station", "scans", "verdicts", "scan ids", "stored", "lost", "unasked", "opened", "errors"
    );
    let (mut lost, mut unasked, mut errors) = (0usize, 0usize, 0usize);
    for r in &runs {
        let empty = BTreeSet::new();
        let rows = stored.get(&r.station).unwrap_or(&empty);
        let l = r.scan_ids.difference(rows).count();
        let u = rows.difference(&r.scan_ids).count();
        lost += l;
        unasked += u;
        errors += r.errors.len();
        println!(
            "{:<10} {:>6} {:>9} {:>9} {:>9} {:>6} {:>8} {:>7} {:>7}",
            r.station,
            r.times.len(),
            r.verdicts,
            r.scan_ids.len(),
            rows.len(),
            l,
            u,
            r.parcels_opened,
            r.errors.len()
        );
        for e in r.errors.iter().take(3) {
            println!("    error: {e}");
        }
    }
    println!(
        "lost: scans whose verdict was returned but whose row is not in the store; unasked: rows \
         stored for a station whose verdict never came back (a failed scan)"
    );
    println!(
        "parcels shipped: {shipped_in_store} in the store, {shipped_events} parcel_shipped events, \
         {told_total} shipped verdicts; shipped twice: {shipped_twice_events} (events), \
         {told_twice} (verdicts); parcels counted at two benches: {overcounted}"
    );
    let twice = shipped_twice_events as usize + told_twice + overcounted as usize;
    let consistent = shipped_in_store == shipped_events && shipped_events as usize == told_total;
    let line = format!(
        "2. {BENCHES} benches, {:.0} s: {} scans, p50 {} p99 {} ms; shipped twice {twice} (must be 0: {}); \
         scans lost {lost} (must be 0: {}); shipped count store = events = verdicts: {}; scan errors {errors}",
        wall.as_secs_f64(),
        s.n,
        ms(s.p50),
        ms(s.p99),
        yes(twice == 0),
        yes(lost == 0 && unasked == 0),
        yes(consistent)
    );
    println!("{line}");
    vec![line]
}

// ---------------------------------------------------------------------------------------------
// 3. Import against psql \copy

/// The export of this size, shared with `benches/import.rs`: written once by the binary under
/// test and kept (beside its place, then renamed, so an interrupted run leaves no half export).
fn ensure_export(data: &Path, orders: u64) -> PathBuf {
    let dir = data.join(format!("taobao-{orders}"));
    if dir.join(ORDERS_CSV).is_file() && dir.join(LINES_CSV).is_file() {
        return dir;
    }
    let partial = data.join(format!("taobao-{orders}.partial"));
    let _ = fs::remove_dir_all(&partial);
    fs::create_dir_all(data).expect("create bench-data directory");
    eprintln!("writing a {orders}-order export to {} …", dir.display());
    let status = Command::new(PACKBENCH)
        .args(["demo", "--orders", &orders.to_string(), "--export-taobao"])
        .arg(&partial)
        .stdout(Stdio::null())
        .status()
        .expect("run packbench demo");
    ok("packbench demo --export-taobao", status);
    let _ = fs::remove_dir_all(&dir);
    fs::rename(&partial, &dir).expect("move the export in place");
    dir
}

/// `psql` running `script` on `IMPORT_DB`, timed, with the CPU (its own and the server's) and
/// WAL it cost and the rows the database took.
fn timed_psql(admin: &mut Client, server: &Server, script: &str, what: &str) -> ImportRun {
    let (wal0, cpu0, child0) = (
        wal_bytes(admin),
        server.cpu(),
        rusage_secs(libc::RUSAGE_CHILDREN),
    );
    let t = Instant::now();
    psql(IMPORT_DB, script, what);
    ImportRun {
        wall: t.elapsed().as_secs_f64(),
        create: 0.0,
        client_cpu: rusage_secs(libc::RUSAGE_CHILDREN) - child0,
        server_cpu: cpu0.zip(server.cpu()).map(|(a, b)| b - a),
        round_trips: None,
        wal: wal_bytes(admin) - wal0,
        rows: inserted(admin),
    }
}

/// Runs `script` with `psql` on database `db` in one transaction, stopping at the first error.
fn psql(db: &str, script: &str, what: &str) {
    let mut child = Command::new("psql")
        .args(["-X", "-q", "-1", "-v", "ON_ERROR_STOP=1", "-d"])
        .arg(server_url(db))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("run psql (apt-get install postgresql-client)");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("write to psql");
    ok(what, child.wait().expect("wait for psql"));
}

fn ok(what: &str, status: ExitStatus) {
    assert!(status.success(), "{what} failed: {status}");
}

/// The number of columns of a CSV file's header (GBK).
fn columns(file: &Path) -> usize {
    let bytes = fs::read(file).expect("read the export");
    let end = bytes
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len());
    let (head, _, _) = encoding_rs::GBK.decode(&bytes[..end]);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(head.as_bytes())
        .records()
        .next()
        .expect("a header")
        .expect("a CSV header")
        .len()
}

/// One timed run of either side, and what it cost.
#[derive(Clone, Copy)]
struct ImportRun {
    wall: f64,
    /// Store creation (migrations) within `wall`, packbench only.
    create: f64,
    client_cpu: f64,
    server_cpu: Option<f64>,
    round_trips: Option<u64>,
    wal: i64,
    rows: i64,
}

struct ImportFiles<'a> {
    orders: &'a Path,
    lines: &'a Path,
    n: u64,
    /// Where the rows packbench's first run stored are written (`STORED_TABLES`), for `own`.
    stored: PathBuf,
}

/// The tables an import writes to, parents first.
const STORED_TABLES: [&str; 4] = ["orders", "order_lines", "remarks", "events"];

impl ImportFiles<'_> {
    /// `psql \copy` of both files into two tables of text columns, in one transaction.
    fn floor(&self, admin: &mut Client, server: &Server) -> ImportRun {
        create_db(admin, IMPORT_DB, "template0");
        admin.batch_execute("CHECKPOINT").expect("checkpoint");
        let table = |name: &str, file: &Path| {
            let cols: Vec<String> = (1..=columns(file)).map(|i| format!("c{i} text")).collect();
            format!(
                "CREATE TABLE {name} ({});\n\\copy {name} FROM '{}' WITH (FORMAT csv, HEADER, ENCODING 'GBK')\n",
                cols.join(", "),
                file.display()
            )
        };
        let script = table("orders", self.orders) + &table("lines", self.lines);
        let run = timed_psql(admin, server, &script, "psql \\copy");
        let loaded: i64 = connect(IMPORT_DB)
            .query_one("SELECT count(*) FROM orders", &[])
            .expect("count")
            .get(0);
        assert_eq!(
            loaded, self.n as i64,
            "the floor loaded {loaded} orders, expected {}",
            self.n
        );
        drop_db(admin, IMPORT_DB);
        run
    }

    /// A new store (`Store::create`: the schema) and `flow::import::import_orders`.
    fn packbench(&self, admin: &mut Client, server: &Server) -> ImportRun {
        create_db(admin, IMPORT_DB, "template0");
        admin.batch_execute("CHECKPOINT").expect("checkpoint");
        let (wal0, cpu0) = (wal_bytes(admin), server.cpu());
        let (self0, writes0) = (rusage_secs(libc::RUSAGE_SELF), socket_writes());
        let t = Instant::now();
        let mut store = Store::create(server_url(IMPORT_DB)).expect("a new store");
        let create = t.elapsed().as_secs_f64();
        let admin_actor = staff::actor(&store, "admin", "bench-import").expect("admin");
        let s = import_orders(
            &mut store,
            &admin_actor,
            self.orders,
            self.lines,
            ImportOptions { skip_bad: false },
        )
        .expect("import");
        let wall = t.elapsed().as_secs_f64();
        let run = ImportRun {
            wall,
            create,
            client_cpu: rusage_secs(libc::RUSAGE_SELF) - self0,
            server_cpu: cpu0.zip(server.cpu()).map(|(a, b)| b - a),
            round_trips: writes0.zip(socket_writes()).map(|(a, b)| b - a),
            wal: wal_bytes(admin) - wal0,
            rows: 0,
        };
        assert!(
            s.committed && s.rejected.is_empty() && s.orders_new == self.n,
            "the import took {} of {} orders, {} rejected",
            s.orders_new,
            self.n,
            s.rejected.len()
        );
        // The backend ends with the connection and hands its counters over.
        drop(store);
        let run = ImportRun {
            rows: inserted(admin),
            ..run
        };
        if !self.stored.join("orders.copy").is_file() {
            fs::create_dir_all(&self.stored).expect("dump dir");
            let script: String = STORED_TABLES
                .iter()
                .map(|t| {
                    format!(
                        "\\copy {t} TO '{}'\n",
                        self.stored.join(format!("{t}.copy")).display()
                    )
                })
                .collect();
            psql(IMPORT_DB, &script, "psql \\copy TO");
        }
        drop_db(admin, IMPORT_DB);
        run
    }

    /// A second reference, not the target's: `psql \copy` of the rows packbench stored (its
    /// first run's) into a new store's own tables, with their keys, indexes and triggers, in
    /// one transaction. What the schema alone costs a bulk load.
    fn own(&self, admin: &mut Client, server: &Server) -> ImportRun {
        create_db(admin, IMPORT_DB, "template0");
        drop(Store::create(server_url(IMPORT_DB)).expect("a new store"));
        admin.batch_execute("CHECKPOINT").expect("checkpoint");
        let script: String = STORED_TABLES
            .iter()
            .map(|t| {
                format!(
                    "\\copy {t} FROM '{}'\n",
                    self.stored.join(format!("{t}.copy")).display()
                )
            })
            .collect();
        let run = timed_psql(
            admin,
            server,
            &script,
            "psql \\copy into the store's tables",
        );
        drop_db(admin, IMPORT_DB);
        run
    }
}

/// Rows inserted into `IMPORT_DB` so far (the server's statistics, once its backends ended).
fn inserted(admin: &mut Client) -> i64 {
    std::thread::sleep(Duration::from_millis(100));
    admin
        .query_one(
            "SELECT tup_inserted FROM pg_stat_database WHERE datname = $1",
            &[&IMPORT_DB],
        )
        .expect("database statistics")
        .get(0)
}

fn import_part(
    admin: &mut Client,
    server: &Server,
    export: &Path,
    n: u64,
    runs: usize,
) -> Vec<String> {
    println!();
    println!(
        "== 3. import of a {n}-order export into a fresh store vs psql \\copy, {runs} runs each"
    );
    let (orders, lines) = (export.join(ORDERS_CSV), export.join(LINES_CSV));
    let files = ImportFiles {
        orders: &orders,
        lines: &lines,
        n,
        stored: export.join("stored"),
    };
    let _ = fs::remove_dir_all(&files.stored);
    let size = |p: &Path| fs::metadata(p).map(|m| m.len()).unwrap_or(0) / 1000;
    println!(
        "files: {} kB + {} kB ({} + {} columns); load at start {}",
        size(&orders),
        size(&lines),
        columns(&orders),
        columns(&lines),
        load()
    );
    let (mut fl, mut pb, mut own) = (Vec::new(), Vec::new(), Vec::new());
    for r in 0..runs {
        // In turn first and second, so a change in the machine's load falls on both alike.
        if r % 2 == 0 {
            fl.push(files.floor(admin, server));
            pb.push(files.packbench(admin, server));
        } else {
            pb.push(files.packbench(admin, server));
            fl.push(files.floor(admin, server));
        }
        own.push(files.own(admin, server));
        let (f, p, o) = (fl[r], pb[r], own[r]);
        eprintln!(
            "  run {}: floor {:.2} s, packbench {:.2} s, \\copy into the store's tables {:.2} s (load {})",
            r + 1,
            f.wall,
            p.wall,
            o.wall,
            load()
        );
    }
    let med = |v: &[ImportRun], f: fn(&ImportRun) -> f64| median(v.iter().map(f).collect());
    let opt = |v: Option<f64>| v.map_or("?".to_string(), |v| format!("{v:.2}"));
    println!(
        "{:<22} {:>9} {:>9} {:>9} {:>9} {:>11} {:>11} {:>11}",
        "(medians)", "wall s", "client s", "server s", "other s", "round trips", "rows", "WAL MB"
    );
    for (name, v) in [
        ("psql \\copy (floor)", &fl),
        ("packbench import", &pb),
        ("\\copy, store's tables", &own),
    ] {
        let wall = med(v, |r| r.wall);
        let client = med(v, |r| r.client_cpu);
        let server_s = v
            .iter()
            .all(|r| r.server_cpu.is_some())
            .then(|| med(v, |r| r.server_cpu.unwrap_or(0.0)));
        let trips = v
            .iter()
            .all(|r| r.round_trips.is_some())
            .then(|| med(v, |r| r.round_trips.unwrap_or(0) as f64));
        println!(
            "{name:<22} {:>9.2} {:>9.2} {:>9} {:>9} {:>11} {:>11.0} {:>11.1}",
            wall,
            client,
            opt(server_s),
            opt(server_s.map(|s| wall - client - s)),
            trips.map_or("-".to_string(), |t| format!("{t:.0}")),
            med(v, |r| r.rows as f64),
            med(v, |r| r.wal as f64) / 1e6
        );
    }
    let (fw, pw) = (med(&fl, |r| r.wall), med(&pb, |r| r.wall));
    let create = med(&pb, |r| r.create);
    let trips = pb
        .iter()
        .all(|r| r.round_trips.is_some())
        .then(|| med(&pb, |r| r.round_trips.unwrap_or(0) as f64));
    println!(
        "other = wall − client CPU − server CPU: waiting on round trips, commits' fsync, and for the \
         CPU (2 cores shared). Store creation (schema) {create:.2} s of packbench's wall time."
    );
    if let Some(t) = trips {
        println!(
            "packbench: {:.1} requests (round trips) and {:.1} rows inserted per order",
            t / n as f64,
            med(&pb, |r| r.rows as f64) / n as f64
        );
    }
    let r = pw / fw;
    let ow = med(&own, |r| r.wall);
    let line = format!(
        "3. import of {n} orders: packbench {pw:.2} s, psql \\copy {fw:.2} s (medians of {runs}); \
         ratio {r:.2}× (target ≤ {IMPORT_TARGET_RATIO}×: {}); for reference, \\copy of the same rows \
         into the store's own tables {ow:.2} s ({:.2}× the floor; packbench {:.2}× that)",
        yes(r <= IMPORT_TARGET_RATIO),
        ow / fw,
        pw / ow
    );
    println!("{line}");
    vec![line]
}

// ---------------------------------------------------------------------------------------------
// Figures

/// p50, p90, p99 and max (nearest rank).
struct Stats {
    n: usize,
    p50: Duration,
    p90: Duration,
    p99: Duration,
    max: Duration,
}

fn stats(samples: &[Duration]) -> Stats {
    let mut v = samples.to_vec();
    v.sort();
    if v.is_empty() {
        return Stats {
            n: 0,
            p50: Duration::ZERO,
            p90: Duration::ZERO,
            p99: Duration::ZERO,
            max: Duration::ZERO,
        };
    }
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Stats {
        n: v.len(),
        p50: rank(0.50),
        p90: rank(0.90),
        p99: rank(0.99),
        max: v[v.len() - 1],
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn yes(ok: bool) -> &'static str {
    if ok { "met" } else { "MISSED" }
}

fn header(unit: &str) {
    println!(
        "{unit:<40} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "n", "p50", "p90", "p99", "max"
    );
}

fn row(name: &str, s: &Stats) {
    println!(
        "{name:<40} {:>6} {:>8} {:>8} {:>8} {:>8}",
        s.n,
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max)
    );
}
