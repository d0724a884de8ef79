//! Return arrival (退货到货): scan → stored verdict at the return desk, on the 1,000,000-order
//! demo store of `benches/scan.rs`, against the check bench's figure measured in the same run.
//!
//! Half of the prepared batch is checked and shipped first (not timed); each of its single-order
//! parcels then gets a refund for the whole order with its own return waybill (imported from a
//! refund export, as a shop does). Timed: the return desk receives those boxes — the return
//! waybill, then every unit, the last unit posting the return into stock — while the check bench
//! checks the other half of the batch, one scan of each in turn, so both see the same disk and
//! the same load. Every verdict is checked against what it must be.
//!
//! `cargo bench --bench returns`; `PACKBENCH_BENCH_ORDERS=N` changes the size of the store.

#[path = "shared/scan_store.rs"]
mod scan_store;
use packbench::flow::check::CheckSession;
use packbench::flow::returns::ReturnDesk;
use packbench::flow::{refunds, staff};
use packbench::store::Store;
use scan_store::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

const WARM_UP: usize = 10;

fn main() {
    let orders: u64 = std::env::var("PACKBENCH_BENCH_ORDERS")
        .ok()
        .map(|v| v.parse().expect("PACKBENCH_BENCH_ORDERS must be a number"))
        .unwrap_or(DEFAULT_ORDERS);
    let data = target_dir().join("bench-data");
    let prepared = ensure_store(&data, orders);
    let db = data.join(format!("returns-{orders}.db"));
    remove_db(&db);
    fs::copy(&prepared, &db).expect("copy the prepared store");
    fs::File::open(&db)
        .and_then(|f| f.sync_all())
        .expect("sync the copy");

    let mut store = Store::open(&db).expect("open the copy");
    store
        .checkpoint_in_background()
        .expect("start the checkpoint thread");
    let checker = staff::actor(&store, "YH01", "bench-1").expect("the demo checker");
    let supervisor = staff::actor(&store, "KF01", "desk-1").expect("the demo CS supervisor");
    let parcels = batch_parcels(&store, &checker);
    let (gone, to_check) = parcels.split_at(parcels.len() / 2);

    // Not timed: the first half is checked and leaves.
    let t = Instant::now();
    let (mut session, _) = CheckSession::start(&mut store, checker.clone()).expect("start");
    for parcel in script(gone) {
        for step in parcel {
            let v = session
                .scan(&mut store, &step.code, packbench::domain::ScanSource::Wedge)
                .expect("scan");
            step.check(&v);
            if let Some(id) = v.iter().map(|v| v.scan_id).max() {
                session.shown(id);
            }
        }
    }
    eprintln!(
        "{} parcels shipped ({:.1} s)",
        gone.len(),
        t.elapsed().as_secs_f64()
    );

    // Their buyers send single-order parcels back: one refund each, the whole order.
    let back: Vec<_> = gone.iter().filter(|p| p.order_nos.len() == 1).collect();
    let mut csv = String::from(
        "订单编号,退款编号,退款状态,买家退款金额,商品编码,退货物流单号,退货物流公司\n",
    );
    for (i, p) in back.iter().enumerate() {
        csv.push_str(&format!(
            "{},{},买家已经退货，等待卖家确认收货,10.00,,RT{:010},圆通速递\n",
            p.order_nos[0],
            900_000_000 + i,
            i + 1
        ));
    }
    let file = data.join(format!("returns-{orders}.refunds.csv"));
    fs::write(&file, csv).expect("write the refund export");
    let s = refunds::import_refunds(&mut store, &supervisor, &file).expect("import refunds");
    assert!(s.rejected.is_empty(), "{:?}", s.rejected);
    assert_eq!(s.refunds_new as usize, back.len());

    // The return desk's script: the waybill, then every unit; the last one posts.
    let mut returns: Vec<Vec<(String, &'static str)>> = Vec::new();
    for (i, p) in back.iter().enumerate() {
        let mut steps = vec![(format!("RT{:010}", i + 1), "return_opened")];
        let units: u32 = p.lines.iter().map(|l| l.qty).sum();
        let mut n = 0;
        for l in &p.lines {
            for _ in 0..l.qty {
                n += 1;
                let code = l.barcode.clone().unwrap_or_else(|| l.sku_code.clone());
                steps.push((
                    code,
                    if n == units {
                        "return_posted"
                    } else {
                        "return_good"
                    },
                ));
            }
        }
        returns.push(steps);
    }
    let desk_steps: Vec<(String, &'static str)> = returns.into_iter().flatten().collect();
    let check_steps: Vec<Step> = script(to_check).into_iter().flatten().collect();
    let n = desk_steps.len().min(check_steps.len());

    let mut desk = ReturnDesk::start(supervisor.clone()).expect("the desk");
    let mut desk_t: BTreeMap<&'static str, Vec<Duration>> = BTreeMap::new();
    let (mut desk_all, mut check_all) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for i in 0..n {
        let timed = i >= WARM_UP;
        let (code, want) = &desk_steps[i];
        let t = Instant::now();
        let v = desk
            .scan(
                &mut store,
                code.as_str(),
                packbench::domain::ScanSource::Wedge,
            )
            .expect("return scan");
        let dt = t.elapsed();
        assert_eq!(
            v.last().map(|v| v.name()),
            Some(*want),
            "{code}: {:?}",
            v.iter().map(|v| v.name()).collect::<Vec<_>>()
        );
        let step = &check_steps[i];
        let t = Instant::now();
        let cv = session
            .scan(&mut store, &step.code, packbench::domain::ScanSource::Wedge)
            .expect("check scan");
        let cdt = t.elapsed();
        step.check(&cv);
        if let Some(id) = cv.iter().map(|v| v.scan_id).max() {
            session.shown(id);
        }
        if timed {
            desk_t.entry(want).or_default().push(dt);
            desk_all.push(dt);
            check_all.push(cdt);
        }
    }
    eprintln!("{n} scans each ({:.1} s)", started.elapsed().as_secs_f64());
    session.close(&mut store).expect("close");
    drop(store);
    let moves: i64 = rusqlite::Connection::open(&db)
        .expect("open")
        .query_row(
            "SELECT count(*) FROM stock_moves WHERE kind = 'return'",
            [],
            |r| r.get(0),
        )
        .expect("count the return moves");
    report(orders, &desk_all, &desk_t, &check_all, moves);
    remove_db(&db);
    let _ = fs::remove_file(Path::new(&file));
}

fn pct(v: &[Duration], p: f64) -> Duration {
    let mut v = v.to_vec();
    v.sort();
    v[((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn row(name: &str, v: &[Duration]) {
    println!(
        "| {name} | {} | {} | {} | {} |",
        v.len(),
        ms(pct(v, 0.5)),
        ms(pct(v, 0.99)),
        ms(pct(v, 1.0))
    );
}

fn report(
    orders: u64,
    desk: &[Duration],
    by: &BTreeMap<&'static str, Vec<Duration>>,
    check: &[Duration],
    moves: i64,
) {
    println!();
    println!(
        "scan → stored verdict, {orders}-order store (ms), one desk scan and one bench scan in turn"
    );
    println!("| | n | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    row("check bench (CheckSession::scan)", check);
    row("return desk (ReturnDesk::scan)", desk);
    for (k, v) in by {
        row(&format!("  {k}"), v);
    }
    let r = pct(desk, 0.99).as_secs_f64() / pct(check, 0.99).as_secs_f64();
    println!("return desk p99 / check bench p99: {r:.2}×; return moves written: {moves}");
}
