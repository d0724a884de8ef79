//! A stocktake over a 100,000-product store: the variance report (target ≤ 200 ms) and the
//! approval that writes the adjust moves, in release. Not a timed test: it reports medians.
//!
//! `cargo bench --bench stocktake`; `PACKBENCH_BENCH_PRODUCTS=N` changes the size of the store.
//!
//! The prepared store is built once per size under `<target>/bench-data/` and kept: the demo shop
//! with N products (one bin each) and 1,000 orders; a stocktake of every bin (`--all`, blind);
//! every bin counted by scan — a bin label, then `barcode*N` — uploaded in one transaction as a
//! handheld does, with one line in ten off by one; and, during the session, an issue note and
//! shipments of 500 products, which the report must account for. The report is timed
//! on one copy (it only reads); each approval on a fresh copy.

use packbench::domain::Actor;
use packbench::domain::stock::{AdjustReason, Uncounted};
use packbench::flow::demo::{DemoOptions, fill};
use packbench::flow::stock::IssueLine;
use packbench::flow::stocktake::{self, Counting};
use packbench::flow::{staff, stock};
use packbench::store::Store;
use packbench::ui::i18n::{self, Lang};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_PRODUCTS: u64 = 100_000;
const SEED: u64 = 1;
const REPORT_RUNS: usize = 15;
const APPROVE_RUNS: usize = 5;
const TARGET_REPORT: Duration = Duration::from_millis(200);
/// Products moved while the session is open.
const MOVED: usize = 500;

fn main() {
    let products: u64 = std::env::var("PACKBENCH_BENCH_PRODUCTS")
        .ok()
        .map(|v| {
            v.parse()
                .expect("PACKBENCH_BENCH_PRODUCTS must be a number")
        })
        .unwrap_or(DEFAULT_PRODUCTS);
    let data = target_dir().join("bench-data");
    let (prepared, session) = ensure_store(&data, products);
    let copy = data.join(format!("stocktake-{products}.run.db"));

    fresh_copy(&prepared, &copy);
    let store = Store::open(&copy).expect("open the copy");
    let keeper = staff::actor(&store, "KC01", "office").expect("the demo stock keeper");
    let mut report_times = Vec::new();
    let mut json_times = Vec::new();
    let mut lines = 0;
    let mut variances = 0;
    for _ in 0..REPORT_RUNS {
        let t = Instant::now();
        let r = stocktake::report(&store, &keeper, session).expect("report");
        report_times.push(t.elapsed());
        // What `stocktake report --json` prints: the lines serialised.
        let json = serde_json::to_string(&(r.session.id, &r.lines)).expect("JSON");
        json_times.push(t.elapsed());
        lines = r.lines.len();
        variances = r.variances().count();
        assert!(json.len() > lines * 40);
    }
    drop(store);

    // An approval without any reason is refused: how long until the refusal, and how long its
    // message is (the window shows it).
    let mut refuse_times = Vec::new();
    let mut refusal_chars = 0;
    for _ in 0..APPROVE_RUNS {
        fresh_copy(&prepared, &copy);
        let mut store = Store::open(&copy).expect("open the copy");
        let t = Instant::now();
        let refusal = stocktake::approve(
            &mut store,
            &keeper,
            session,
            None,
            &HashMap::new(),
            Uncounted::Leave,
        )
        .expect("approve runs")
        .expect_err("no reason: refused");
        // As the window words it.
        let words = [Lang::Zh, Lang::En].map(|l| i18n::stocktake_refusal(l, &refusal));
        refuse_times.push(t.elapsed());
        refusal_chars = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    }

    let mut approve_times = Vec::new();
    for _ in 0..APPROVE_RUNS {
        fresh_copy(&prepared, &copy);
        let mut store = Store::open(&copy).expect("open the copy");
        let t = Instant::now();
        let r = stocktake::approve(
            &mut store,
            &keeper,
            session,
            Some(AdjustReason::Miscount),
            &HashMap::new(),
            Uncounted::Leave,
        )
        .expect("approve")
        .expect("not refused");
        approve_times.push(t.elapsed());
        assert_eq!(
            r.session.state,
            packbench::domain::stock::StocktakeState::Approved
        );
        let check = stock::verify(&mut store, &keeper, false).expect("verify");
        assert!(check.diffs.is_empty(), "on hand differs from the ledger");
    }
    remove_db(&copy);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let report = median(&mut report_times);
    println!("stocktake of {products} products: {lines} lines, {variances} with a variance");
    println!(
        "  report          median {:8.1} ms  (min {:.1}, max {:.1}; {REPORT_RUNS} runs)  target ≤ {} ms: {}",
        ms(report),
        ms(*report_times.first().unwrap()),
        ms(*report_times.last().unwrap()),
        TARGET_REPORT.as_millis(),
        if report <= TARGET_REPORT {
            "met"
        } else {
            "MISSED"
        }
    );
    let json = median(&mut json_times);
    println!(
        "  report as JSON  median {:8.1} ms  (min {:.1}, max {:.1})",
        ms(json),
        ms(*json_times.first().unwrap()),
        ms(*json_times.last().unwrap())
    );
    let refused = median(&mut refuse_times);
    println!(
        "  refused approval median {:7.1} ms  (min {:.1}, max {:.1}; no reason given; its message {refusal_chars} characters)",
        ms(refused),
        ms(*refuse_times.first().unwrap()),
        ms(*refuse_times.last().unwrap())
    );
    let approve = median(&mut approve_times);
    println!(
        "  approval        median {:8.1} ms  (min {:.1}, max {:.1}; {APPROVE_RUNS} runs, {variances} adjust moves, one transaction)",
        ms(approve),
        ms(*approve_times.first().unwrap()),
        ms(*approve_times.last().unwrap())
    );
}

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

fn remove_db(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

fn fresh_copy(from: &Path, to: &Path) {
    remove_db(to);
    fs::copy(from, to).expect("copy the prepared store");
}

/// The prepared store and its open session: built once and kept. Built under another name and
/// renamed when closed, so an interrupted build is never used.
fn ensure_store(data: &Path, products: u64) -> (PathBuf, packbench::domain::SessionId) {
    let path = data.join(format!("stocktake-{products}.db"));
    if path.is_file() {
        let store = Store::open(&path).expect("open the prepared store");
        let admin = staff::actor(&store, "admin", "bench").expect("admin");
        let id = stocktake::list(&store, &admin, 1).expect("sessions")[0].id;
        return (path, id);
    }
    fs::create_dir_all(data).expect("create bench-data");
    let partial = data.join(format!("stocktake-{products}.partial.db"));
    remove_db(&partial);
    eprintln!(
        "building a {products}-product stocktake store at {} …",
        path.display()
    );
    let step = |what: &str, t: Instant| eprintln!("  {what}: {:.1} s", t.elapsed().as_secs_f64());
    let mut store = Store::create(&partial).expect("create the store");
    let admin = staff::actor(&store, "admin", "bench-prep").expect("admin");

    let t = Instant::now();
    fill(
        &mut store,
        &admin,
        DemoOptions {
            orders: 1_000,
            seed: SEED,
            products,
        },
    )
    .expect("demo fill");
    step("demo shop", t);

    let keeper = staff::actor(&store, "KC01", "office").expect("the demo stock keeper");
    let t = Instant::now();
    let session = stocktake::start(&mut store, &keeper, None, false, false).expect("start");
    step(&format!("stocktake start ({} bins)", session.bins), t);

    let t = Instant::now();
    let lines = stocktake::report(&store, &keeper, session.id).expect("report");
    let mut scans = Vec::with_capacity(lines.lines.len() * 2);
    let db = store.read();
    for (i, l) in lines.lines.iter().enumerate() {
        let code = db
            .product_by_sku(&l.sku_code)
            .expect("product")
            .and_then(|(_, p)| p.barcode.map(|b| b.as_str().to_string()))
            .unwrap_or_else(|| l.sku_code.clone());
        let n = if i % 10 == 3 {
            l.expected + 1
        } else {
            l.expected
        };
        scans.push(format!("L{}", l.bin));
        if n > 0 {
            scans.push(format!("{code}*{n}"));
        }
    }
    let mut counting = Counting::start(&store, keeper.clone(), session.id).expect("counting");
    let verdicts = counting
        .scan_all(&mut store, scans.iter().map(String::as_str))
        .expect("count");
    assert!(verdicts.iter().all(|v| v.reason().is_none()));
    step(&format!("counting ({} scans)", scans.len()), t);

    let t = Instant::now();
    move_during_session(&mut store, &admin, &lines.lines);
    step("moves during the session", t);
    drop(store);
    fs::rename(&partial, &path).expect("keep the prepared store");
    (path, session.id)
}

/// An issue note and shipments for `MOVED` products after the count started.
fn move_during_session(
    store: &mut Store,
    admin: &Actor,
    lines: &[packbench::domain::stock::VarianceLine],
) {
    let picked: Vec<_> = lines
        .iter()
        .step_by(lines.len() / MOVED)
        .take(MOVED)
        .collect();
    let issues: Vec<IssueLine> = picked
        .iter()
        .take(MOVED / 2)
        .map(|l| IssueLine {
            sku: l.sku_code.clone(),
            qty: 1,
        })
        .collect();
    stock::issue(
        store,
        admin,
        packbench::domain::stock::IssueReason::Sample,
        &issues,
        "bench",
    )
    .expect("issue");
    store
        .write(|db| {
            for l in picked.iter().skip(MOVED / 2) {
                db.add_stock_move(
                    packbench::domain::stock::MoveKind::Shipment,
                    l.product_id,
                    &l.bin,
                    -2,
                    admin,
                    "bench",
                )?;
            }
            Ok(())
        })
        .expect("shipments");
}
