//! Scan → durable verdict latency at the checking bench (验货), on a 1,000,000-order demo store,
//! against a floor measured in the same run: raw rusqlite with the store's pragmas doing one
//! indexed `SELECT` of the parcel by tracking number and one `INSERT` into `scans`, in one
//! immediate transaction. Targets: p99 ≤ 3× the floor's p99, and ≤ 2 ms.
//!
//! `cargo bench --bench scan`; `PACKBENCH_BENCH_ORDERS=N` changes the size of the store.
//!
//! The store (demo shop, waybill pool, auto-merge, one print batch) is built once per size under
//! `<target>/bench-data/` and kept. Scanning ships parcels, so every run works on fresh copies of
//! it: one for packbench, one for the floor, so that neither pays for WAL checkpoints of the
//! other's writes. Packbench scans and floor iterations alternate one for one, so a slow flush of
//! the disk or a busy machine slows both alike. The report also says how many WAL frames a commit
//! wrote and what the commits that ran SQLite's automatic checkpoint cost.
//!
//! On a machine shared with builds, the tail measures the other processes (a preempted scan waits
//! a 4 ms scheduler tick): build first, then run the binary under `chrt -f 50`, as a bench PC that
//! runs only packbench would.

#[path = "shared/scan_store.rs"]
mod scan_store;
use packbench::flow::check::CheckSession;
use packbench::flow::staff;
use packbench::store::Store;
use rusqlite::{Connection, TransactionBehavior};
use scan_store::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Parcels checked before timing starts (statement cache, page cache), on both sides alike.
const WARM_UP: usize = 10;
const TARGET_RATIO: f64 = 3.0;
const TARGET_P99: Duration = Duration::from_millis(2);
/// The bench that checks, and who checks there.
const TERMINAL: &str = "bench-1";
const CHECKER: &str = "YH01";

fn main() {
    let orders: u64 = std::env::var("PACKBENCH_BENCH_ORDERS")
        .ok()
        .map(|v| v.parse().expect("PACKBENCH_BENCH_ORDERS must be a number"))
        .unwrap_or(DEFAULT_ORDERS);
    let data = target_dir().join("bench-data");
    let prepared = ensure_store(&data, orders);
    let pb_db = data.join(format!("scan-{orders}.packbench.db"));
    let floor_db = data.join(format!("scan-{orders}.floor.db"));
    fresh_copy(&prepared, &pb_db);
    fresh_copy(&prepared, &floor_db);

    let mut store = Store::open(&pb_db).expect("open the packbench copy");
    // As the bench window and `packbench scan` run it.
    store
        .checkpoint_in_background()
        .expect("start the checkpoint thread");
    let checker = staff::actor(&store, CHECKER, TERMINAL).expect("the demo checker");
    let parcels = batch_parcels(&store, &checker);
    let script = script(&parcels);
    let mut floor = Floor::open(&floor_db, checker.staff.id);
    let (mut session, replayed) = CheckSession::start(&mut store, checker).expect("start checking");
    assert!(replayed.is_empty(), "a fresh copy has nothing to replay");

    let mut pb = Samples::default();
    let mut fl = Samples::default();
    let tracking: Vec<&str> = parcels.iter().map(|p| p.tracking_no.as_str()).collect();
    let mut next_tracking = tracking.iter().cycle();
    let (pb_wal, fl_wal) = (Wal::new(&pb_db), Wal::new(&floor_db));
    let started = Instant::now();
    for (i, parcel) in script.iter().enumerate() {
        let timed = i >= WARM_UP;
        for (j, step) in parcel.iter().enumerate() {
            // One floor iteration beside every scan, first and second in turn: both see the disk's
            // flushes and the machine's load of the same moment, and neither always follows the
            // other's sync.
            let floor_first = (i + j) % 2 == 1;
            let mut floor_commit = || {
                let before = fl_wal.read();
                let dt = floor.scan(next_tracking.next().expect("cycle"));
                (dt, before.commit(fl_wal.read()))
            };
            let early = floor_first.then(&mut floor_commit);
            let before = pb_wal.read();
            let t = Instant::now();
            let verdicts = session
                .scan(&mut store, &step.code, packbench::domain::ScanSource::Wedge)
                .expect("scan");
            let dt = t.elapsed();
            let pb_commit = before.commit(pb_wal.read());
            let (floor_dt, fl_commit) = early.unwrap_or_else(floor_commit);
            let kind = step.check(&verdicts);
            if let Some(id) = verdicts.iter().map(|v| v.scan_id).max() {
                session.shown(id);
            }
            if timed {
                pb.push(kind, dt, pb_commit);
                fl.push("floor", floor_dt, fl_commit);
            }
        }
        if i % 100 == 99 {
            eprint!("\r{} scans", pb.all.len());
        }
    }
    eprintln!(" ({:.1} s)", started.elapsed().as_secs_f64());
    session.close(&mut store).expect("close the session");
    report(orders, parcels.len(), &pb, &fl);
}

/// The floor: what any durable scan must cost at least on this store — find the parcel by its
/// tracking number, write one scan row — with the store's pragmas, in one immediate transaction.
struct Floor {
    conn: Connection,
    staff_id: i64,
}

impl Floor {
    fn open(db: &Path, staff_id: i64) -> Floor {
        let conn = Connection::open(db).expect("open the floor copy");
        conn.busy_timeout(Duration::from_secs(10)).expect("busy");
        conn.pragma_update(None, "journal_mode", "WAL")
            .expect("wal");
        conn.pragma_update(None, "synchronous", "FULL")
            .expect("sync");
        conn.pragma_update(None, "foreign_keys", "ON").expect("fk");
        conn.pragma_update(None, "cache_size", -32 * 1024)
            .expect("cache");
        Floor { conn, staff_id }
    }

    fn scan(&mut self, tracking_no: &str) -> Duration {
        let t = Instant::now();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .expect("begin");
        let parcel_id: i64 = tx
            .prepare_cached("SELECT id FROM parcels WHERE tracking_no = ?1")
            .and_then(|mut s| s.query_row([tracking_no], |r| r.get(0)))
            .expect("the parcel");
        tx.prepare_cached(
            "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, parcel_id, counted)
             VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, 'floor', 'check', ?2, 'order_opened', ?3, 0)",
        )
        .and_then(|mut s| s.execute(rusqlite::params![self.staff_id, tracking_no, parcel_id]))
        .expect("insert");
        tx.commit().expect("commit");
        t.elapsed()
    }
}

/// Latencies, all together and per kind of scan.
#[derive(Default)]
struct Samples {
    all: Vec<Duration>,
    by_kind: BTreeMap<&'static str, Vec<Duration>>,
    /// Latencies of the commits that ran SQLite's automatic WAL checkpoint, and of the others.
    checkpointed: Vec<Duration>,
    plain: Vec<Duration>,
    frames: u64,
}

impl Samples {
    fn push(&mut self, kind: &'static str, d: Duration, c: Commit) {
        self.all.push(d);
        self.by_kind.entry(kind).or_default().push(d);
        if c.checkpointed {
            self.checkpointed.push(d);
        } else {
            self.plain.push(d);
        }
        self.frames += u64::from(c.frames);
    }
}

/// The WAL index (`-shm`) of a store, read between transactions to tell what a commit wrote: the
/// frames (pages) it appended and whether it ran the automatic checkpoint (1,000 frames), which
/// copies the WAL into the database file and syncs it — the slowest commits.
struct Wal(PathBuf);

/// `mxFrame` (frames in the WAL) and `nBackfill` (frames checkpointed) of the WAL index header.
#[derive(Clone, Copy)]
struct WalState {
    max_frame: u32,
    backfill: u32,
}

#[derive(Clone, Copy, Default)]
struct Commit {
    frames: u32,
    checkpointed: bool,
}

impl Wal {
    fn new(db: &Path) -> Wal {
        Wal(PathBuf::from(format!("{}-shm", db.display())))
    }

    fn read(&self) -> WalState {
        use std::os::unix::fs::FileExt;
        let mut b = [0u8; 100];
        fs::File::open(&self.0)
            .and_then(|f| f.read_exact_at(&mut b, 0))
            .expect("read the WAL index");
        let u32_at = |i: usize| u32::from_ne_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        WalState {
            max_frame: u32_at(16),
            backfill: u32_at(96),
        }
    }
}

impl WalState {
    fn commit(self, after: WalState) -> Commit {
        Commit {
            // A WAL that was checkpointed in full starts again from its first frame.
            frames: if after.max_frame >= self.max_frame {
                after.max_frame - self.max_frame
            } else {
                after.max_frame
            },
            checkpointed: after.backfill > self.backfill,
        }
    }
}

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
    let rank = |p: f64| v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1];
    Stats {
        n: v.len(),
        p50: rank(0.50),
        p90: rank(0.90),
        p99: rank(0.99),
        max: v[v.len() - 1],
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn row(name: &str, s: &Stats) {
    println!(
        "{name:<34} {:>6} {:>8} {:>8} {:>8} {:>8}",
        s.n,
        ms(s.p50),
        ms(s.p90),
        ms(s.p99),
        ms(s.max)
    );
}

fn report(orders: u64, parcels: usize, pb: &Samples, fl: &Samples) {
    let (p, f) = (stats(&pb.all), stats(&fl.all));
    println!();
    println!("scan → durable verdict, {orders}-order store, {parcels} parcels (ms)");
    println!(
        "{:<34} {:>6} {:>8} {:>8} {:>8} {:>8}",
        "", "n", "p50", "p90", "p99", "max"
    );
    row("floor (SELECT + INSERT, 1 tx)", &f);
    row("packbench CheckSession::scan", &p);
    for (kind, v) in &pb.by_kind {
        row(&format!("  {kind}"), &stats(v));
    }
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let (r50, r99) = (ratio(p.p50, f.p50), ratio(p.p99, f.p99));
    println!("ratio packbench/floor: p50 {r50:.2}×, p99 {r99:.2}×");
    for (name, s) in [("floor", fl), ("packbench", pb)] {
        let plain = stats(&s.plain);
        print!(
            "{name}: {:.1} WAL frames a commit; {} commits ran a checkpoint",
            s.frames as f64 / s.all.len() as f64,
            s.checkpointed.len()
        );
        if !s.checkpointed.is_empty() {
            let c = stats(&s.checkpointed);
            print!(" (p50 {} ms, max {} ms)", ms(c.p50), ms(c.max));
        }
        println!(
            "; without them p50 {} p99 {} ms",
            ms(plain.p50),
            ms(plain.p99)
        );
    }
    let yes = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "target p99 ≤ {TARGET_RATIO}× floor: {}; p99 ≤ {} ms: {}",
        yes(r99 <= TARGET_RATIO),
        ms(TARGET_P99),
        yes(p.p99 <= TARGET_P99)
    );
}

/// A copy to scan into, synced to disk before timing starts: otherwise the first commits would
/// flush a gigabyte of dirty pages and time the copy, not the scan.
fn fresh_copy(from: &Path, to: &Path) {
    remove_db(to);
    fs::copy(from, to).expect("copy the prepared store");
    fs::File::open(to)
        .and_then(|f| f.sync_all())
        .expect("sync the copy");
}
