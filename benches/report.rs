//! A month's performance and commission reports (issue 16) on the 1,000,000-order demo store of
//! `benches/scan.rs`, given a year of work: its orders paid across the twelve months before
//! 2026-12-01, each paid order in a parcel checked and shipped at a bench (a waybill scan and a
//! scan per line, one line in ten a wrong item caught first), print batches of 200 parcels with
//! their pickers and waybill jobs, refunds on one order in 33 (one in five sent wrong), and a
//! `parcel_shipped` event per parcel. The year is written straight into a copy of the store
//! once (not timed) and kept as `report-<orders>.db`.
//!
//! Timed, for the month 2026-11: `flow::report::performance` (by day) and
//! `flow::report::commission`, each the median of `RUNS`; beside them, the floor measured in the
//! same run — one SQL pass counting the same month's scans, shipments, print items and paid
//! orders, the least any report of that month reads. Then the window's share: a second
//! connection (the window's; the reports run on the worker's, as in the window) reads the
//! bench counters every 5 ms, idle and while the two reports run; its latencies are printed.
//!
//! `cargo bench --bench report`; `PACKBENCH_BENCH_ORDERS=N` changes the size of the store.

#[path = "shared/scan_store.rs"]
#[allow(dead_code)] // the scan script is the check benches' part of it
mod scan_store;
use packbench::domain::report::Grain;
use packbench::flow::{check, report, staff};
use packbench::store::Store;
use scan_store::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const RUNS: usize = 7;
const MONTH: &str = "2026-11";

fn main() {
    let orders: u64 = std::env::var("PACKBENCH_BENCH_ORDERS")
        .ok()
        .map(|v| v.parse().expect("PACKBENCH_BENCH_ORDERS must be a number"))
        .unwrap_or(DEFAULT_ORDERS);
    let data = target_dir().join("bench-data");
    let db = ensure_year(&data, orders);
    let store = Store::open(&db).expect("open the store");
    let admin = staff::actor(&store, "admin", "office").expect("admin");
    let (first, last) = report::month_days(MONTH).expect("month");

    // What the month holds, and the floor: one pass over the same rows.
    let (lo, hi) = packbench::domain::time::shop_days_bounds(first, last);
    let conn = rusqlite::Connection::open(&db).expect("open for the floor");
    let floor = || {
        let t = Instant::now();
        let n: (i64, i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM scans WHERE at >= ?1 AND at < ?2),
                        (SELECT count(*) FROM parcels WHERE shipped_at >= ?1 AND shipped_at < ?2),
                        (SELECT count(*) FROM print_jobs j JOIN print_job_items i ON i.job_id = j.id
                          WHERE j.at >= ?1 AND j.at < ?2),
                        (SELECT count(*) FROM orders WHERE (status = 'paid' OR status = 'shipped'
                            OR status = 'completed' OR status = 'closed')
                            AND paid_at >= ?1 AND paid_at < ?2)",
                [&lo, &hi],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .expect("floor");
        (t.elapsed(), n)
    };
    let (_, n) = floor();
    eprintln!(
        "month {MONTH}: {} scans, {} parcels shipped, {} waybill items, {} orders paid",
        n.0, n.1, n.2, n.3
    );

    let mut perf_t = Vec::new();
    let mut comm_t = Vec::new();
    let mut floor_t = Vec::new();
    let mut figures = None;
    for i in 0..=RUNS {
        let t = Instant::now();
        let p = report::performance(&store, &admin, first, last, Grain::Day).expect("performance");
        let tp = t.elapsed();
        let t = Instant::now();
        let c = report::commission(&store, &admin, MONTH).expect("commission");
        let tc = t.elapsed();
        let (tf, _) = floor();
        if i == 0 {
            // The figures must be there: a report that read nothing would be fast.
            let parcels: i64 = p.rows.iter().map(|r| r.figures.parcels_checked).sum();
            let units: i64 = p.rows.iter().map(|r| r.figures.units_checked).sum();
            let paid: i64 =
                c.rows.iter().map(|r| r.orders).sum::<i64>() + c.uncredited.len() as i64;
            assert_eq!(parcels, n.1, "every parcel shipped in the month is counted");
            assert_eq!(paid, n.3, "every order paid in the month is counted");
            assert!(units > 0);
            figures = Some((p.rows.len(), c.rows.len(), c.uncredited.len()));
            continue; // warm-up
        }
        perf_t.push(tp);
        comm_t.push(tc);
        floor_t.push(tf);
    }
    let (rows, codes, uncredited) = figures.expect("warm-up ran");
    eprintln!(
        "performance: {rows} rows (staff × day); commission: {codes} codes, {uncredited} orders with no code"
    );
    let med = |v: &mut Vec<Duration>| {
        v.sort();
        v[v.len() / 2].as_secs_f64() * 1e3
    };
    let (p, c, f) = (med(&mut perf_t), med(&mut comm_t), med(&mut floor_t));
    println!("report month {MONTH} on {orders} orders, median of {RUNS} runs:");
    println!("  performance (by day)   {p:8.1} ms");
    println!("  commission             {c:8.1} ms");
    println!(
        "  both                   {:8.1} ms   target ≤ 1000 ms: {}",
        p + c,
        if p + c <= 1000.0 { "met" } else { "NOT met" }
    );
    println!(
        "  floor (one pass)       {f:8.1} ms   both ÷ floor: {:.1}×",
        (p + c) / f
    );

    // The window's connection while the reports run on the worker's.
    let window = Store::open(&db).expect("the window's connection");
    let checker = staff::actor(&window, "YH01", "bench-1").expect("the demo checker");
    let sample = |until: &dyn Fn() -> bool| {
        let mut lat = Vec::new();
        while !until() {
            let t = Instant::now();
            check::shipped_counts(&window, &checker).expect("bench counters");
            lat.push(t.elapsed());
            std::thread::sleep(Duration::from_millis(5));
        }
        lat
    };
    let t = Instant::now();
    let mut idle = sample(&|| t.elapsed() > Duration::from_secs(2));
    let running = Arc::new(AtomicBool::new(true));
    let worker = {
        let running = running.clone();
        let db = db.clone();
        std::thread::spawn(move || {
            let store = Store::open(&db).expect("the worker's connection");
            let admin = staff::actor(&store, "admin", "office").expect("admin");
            for _ in 0..3 {
                report::performance(&store, &admin, first, last, Grain::Day).expect("performance");
                report::commission(&store, &admin, MONTH).expect("commission");
            }
            running.store(false, Ordering::SeqCst);
        })
    };
    let mut busy = sample(&|| !running.load(Ordering::SeqCst));
    worker.join().expect("worker");
    let pct = |v: &mut Vec<Duration>, q: f64| {
        v.sort();
        v[((v.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e3
    };
    println!(
        "  window's reads, idle:          p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms ({} reads)",
        pct(&mut idle, 0.5),
        pct(&mut idle, 0.99),
        pct(&mut idle, 1.0),
        idle.len()
    );
    println!(
        "  window's reads, reports running: p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms ({} reads)",
        pct(&mut busy, 0.5),
        pct(&mut busy, 0.99),
        pct(&mut busy, 1.0),
        busy.len()
    );
}

/// The demo store with a year of work, built once from `benches/scan.rs`'s store and kept.
fn ensure_year(data: &Path, orders: u64) -> PathBuf {
    let path = data.join(format!("report-{orders}.db"));
    if path.is_file() {
        drop(Store::open(&path).expect("open the prepared store"));
        return path;
    }
    let base = ensure_store(data, orders);
    let partial = data.join(format!("report-{orders}.partial.db"));
    remove_db(&partial);
    fs::copy(&base, &partial).expect("copy the demo store");
    eprintln!("writing a year of work into {} …", partial.display());
    let t = Instant::now();
    let mut c = rusqlite::Connection::open(&partial).expect("open the copy");
    c.pragma_update(None, "journal_mode", "WAL").expect("wal");
    c.pragma_update(None, "synchronous", "OFF")
        .expect("sync off");
    let tx = c.transaction().expect("tx");
    let id = |code: &str| -> i64 {
        tx.query_row("SELECT id FROM staff WHERE code = ?1", [code], |r| r.get(0))
            .expect("demo staff")
    };
    let (printer, checker, p1, p2) = (id("DD01"), id("YH01"), id("PH001"), id("PH002"));
    // Orders paid across the year before 2026-12-01 (shop time), in id order.
    tx.execute_batch(
        "UPDATE orders SET
             paid_at = strftime('%Y-%m-%dT%H:%M:%SZ', '2025-11-30 16:00:00', printf('%+d seconds', id * 31536 / 1000)),
             created_at = strftime('%Y-%m-%dT%H:%M:%SZ', '2025-11-30 16:00:00', printf('%+d seconds', id * 31536 / 1000 - 60))
         WHERE paid_at IS NOT NULL;
         CREATE TEMP TABLE year AS
             SELECT id, paid_at, 100000 + (id - 1) / 200 AS batch, 1000000 + id AS parcel,
                    strftime('%Y-%m-%dT%H:%M:%SZ', paid_at, '+2 hours') AS shipped
             FROM orders WHERE parcel_id IS NULL AND status <> 'unpaid';",
    )
    .expect("the year's orders");
    tx.execute(
        "INSERT INTO batches (id, created_at, staff_id, terminal, courier, picker_id, picked_at)
         SELECT batch, strftime('%Y-%m-%dT%H:%M:%SZ', max(paid_at), '+10 minutes'), ?1, 'office',
                'ZTO', CASE WHEN batch % 2 = 0 THEN ?2 ELSE ?3 END,
                strftime('%Y-%m-%dT%H:%M:%SZ', max(paid_at), '+20 minutes')
         FROM year GROUP BY batch",
        [printer, p1, p2],
    )
    .expect("batches");
    tx.execute(
        "INSERT INTO parcels (id, stage, created_at, batch_id, seq, courier, tracking_no,
                              shipped_at, shipped_by, ship_mode, made_by_batch)
         SELECT parcel, 'shipped', paid_at, batch, id % 200 + 1, 'ZTO', 'SY' || id, shipped, ?1,
                'checked', 1 FROM year",
        [checker],
    )
    .expect("parcels");
    tx.execute_batch(
        "UPDATE orders SET parcel_id = 1000000 + id
         WHERE id IN (SELECT id FROM year);",
    )
    .expect("orders in parcels");
    tx.execute(
        "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, parcel_id, counted, source)
         SELECT strftime('%Y-%m-%dT%H:%M:%SZ', shipped, '-60 seconds'), ?1, 'bench-1', 'check',
                'SY' || id, 'order_opened', parcel, 0, 'wedge' FROM year",
        [checker],
    )
    .expect("waybill scans");
    tx.execute(
        "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, parcel_id, sku_code, counted, source)
         SELECT strftime('%Y-%m-%dT%H:%M:%SZ', y.shipped, '-30 seconds'), ?1, 'bench-1', 'check',
                l.sku_code, CASE WHEN l.id % 10 = 0 THEN 'item_wrong' ELSE 'item_ok' END, y.parcel,
                l.sku_code, CASE WHEN l.id % 10 = 0 THEN 0 ELSE 1 END, 'wedge'
         FROM year y JOIN order_lines l ON l.order_id = y.id",
        [checker],
    )
    .expect("item scans");
    tx.execute(
        "INSERT INTO print_jobs (id, at, staff_id, terminal, kind, batch_id, subject, pages, format, target, result)
         SELECT batch, strftime('%Y-%m-%dT%H:%M:%SZ', max(paid_at), '+10 minutes'), ?1, 'office',
                'waybills', batch, 'B' || batch, count(*), 'pdf', 'file:waybills.pdf', 'ok'
         FROM year GROUP BY batch",
        [printer],
    )
    .expect("print jobs");
    tx.execute_batch(
        "INSERT INTO print_job_items (job_id, parcel_id, tracking_no)
             SELECT batch, parcel, 'SY' || id FROM year;
         INSERT INTO refunds (refund_no, order_no, status, amount_fen, reason, finished_at,
                              imported_at, updated_at)
             SELECT 'RF' || o.id, o.order_no, 'refunded', o.paid_fen / 2,
                    CASE WHEN o.id % 5 = 0 THEN '卖家发错货' ELSE '七天无理由' END,
                    strftime('%Y-%m-%dT%H:%M:%SZ', y.paid_at, '+3 days'), y.paid_at, y.paid_at
             FROM year y JOIN orders o ON o.id = y.id WHERE y.id % 33 = 0;",
    )
    .expect("items and refunds");
    tx.execute(
        "INSERT INTO events (at, staff_id, terminal, kind, subject, detail)
         SELECT shipped, ?1, 'bench-1', 'parcel_shipped', 'SY' || id,
                '{\"mode\":\"checked\",\"parcel_id\":' || parcel || '}' FROM year",
        [checker],
    )
    .expect("events");
    tx.commit().expect("commit the year");
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .expect("checkpoint");
    drop(c);
    eprintln!("  the year: {:.1} s", t.elapsed().as_secs_f64());
    drop(Store::open(&partial).expect("the store opens"));
    remove_db_side(&partial);
    fs::rename(&partial, &path).expect("keep the prepared store");
    path
}

/// The WAL and shared-memory files of a closed store (empty after the checkpoint).
fn remove_db_side(db: &Path) {
    for ext in ["-wal", "-shm"] {
        let _ = fs::remove_file(format!("{}{ext}", db.display()));
    }
}
