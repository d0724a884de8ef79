//! The bench GUI on a big store: cold start to the check screen ready, `update` + `view` for one
//! scan, and resident memory, on a 1,000,000-order demo store (targets: ≤ 0.5 s, ≤ 16 ms — one
//! frame at 60 Hz — and ≤ 150 MB). `cargo bench --bench gui`; `PACKBENCH_BENCH_ORDERS=N` changes
//! the size of the store. Runs in-process with no window: layout and drawing are measured with
//! iced_test's headless renderer, an upper bound for a frame.

use iced::Theme;
use packbench::scan::{Scan, Source};
use packbench::ui::i18n::Lang;
use packbench::ui::screen::sign_in;
use packbench::ui::{App, Message};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const PACKBENCH: &str = env!("CARGO_BIN_EXE_packbench");

fn packbench(db: &Path, args: &[&str]) -> String {
    let out = Command::new(PACKBENCH)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("run packbench");
    assert!(
        out.status.success(),
        "packbench {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The demo store of `orders` orders with a printed batch; built once and kept.
fn store(orders: u64) -> (PathBuf, serde_json::Value) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("gui-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("demo-{orders}.db"));
    let batch_file = dir.join(format!("demo-{orders}.batch.json"));
    if !db.exists() || !batch_file.exists() {
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
        }
        let t = Instant::now();
        packbench(&db, &["demo", "--orders", &orders.to_string()]);
        packbench(
            &db,
            &[
                "waybills",
                "add",
                "--courier",
                "ZTO",
                "--range",
                "7700000001-7700009999",
            ],
        );
        let batch = packbench(
            &db,
            &[
                "batch",
                "create",
                "--courier",
                "ZTO",
                "--limit",
                "3000",
                "--json",
            ],
        );
        std::fs::write(&batch_file, batch).unwrap();
        println!(
            "built a {orders}-order store in {:.1} s",
            t.elapsed().as_secs_f64()
        );
    }
    (
        db.clone(),
        serde_json::from_str(&std::fs::read_to_string(batch_file).unwrap()).unwrap(),
    )
}

fn vm(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1000.0
}

fn scan(code: &str) -> Message {
    Message::Scanned(Scan {
        code: code.into(),
        symbology: None,
        source: Source::Wedge,
        at: std::time::SystemTime::now(),
    })
}

fn main() {
    let orders: u64 = std::env::var("PACKBENCH_BENCH_ORDERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (db, batch) = store(orders);
    // Each run checks parcels no earlier run shipped: take the first not shipped.
    let station = format!("gui-bench-{}", std::process::id());
    let rss_before = vm("VmRSS:");

    // Cold start: open the store, sign in, first view of the check screen.
    let t0 = Instant::now();
    // As the window runs: the store worker writes; `settle` waits for its answers.
    let mut app = App::with_store_and_worker(
        packbench::store::Store::open(&db).unwrap(),
        &station,
        Lang::Zh,
    );
    let _ = app.update(Message::SignIn(sign_in::Message::CodeChanged(
        "YH01".into(),
    )));
    let _ = app.update(Message::SignIn(sign_in::Message::PinChanged(
        packbench::demo::DEMO_PIN.into(),
    )));
    let _ = app.update(Message::SignIn(sign_in::Message::Submit));
    app.settle();
    assert!(app.actor.is_some(), "signed in");
    let _ = app.view();
    let cold = t0.elapsed();
    // The first frame includes loading the font system and swapping in the embedded faces.
    let t1 = Instant::now();
    packbench::ui::fonts::install();
    let fonts = t1.elapsed();
    let settings = packbench::ui::fonts::settings();
    let mut ui = iced_test::Simulator::with_size(
        settings.clone(),
        iced::Size::new(1280.0, 800.0),
        app.view(),
    );
    let _ = ui.snapshot(&Theme::Light);
    drop(ui);
    let first_frame = t1.elapsed();

    // Scans: every unit of parcels not yet shipped, their waybills, and a wrong code now and then.
    let mut codes = Vec::new();
    let out = packbench(
        &db,
        &["batch", "show", &batch["batch_id"].to_string(), "--json"],
    );
    let now: serde_json::Value = serde_json::from_str(&out).unwrap();
    for p in now["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["stage"] == "printed")
        .take(400)
    {
        codes.push(p["tracking_no"].as_str().unwrap().to_string());
        codes.push("6900000000017".to_string());
        for l in p["lines"].as_array().unwrap() {
            for _ in 0..l["qty"].as_u64().unwrap() {
                codes.push(
                    l["barcode"]
                        .as_str()
                        .or(l["sku_code"].as_str())
                        .unwrap()
                        .to_string(),
                );
            }
        }
    }
    assert!(
        codes.len() >= 500,
        "enough unshipped parcels: rebuild the store (delete {})",
        db.display()
    );
    let mut update_view = Vec::new();
    let mut with_frame = Vec::new();
    for (i, c) in codes.iter().enumerate() {
        let t = Instant::now();
        // The scan's verdict is stored by the worker before it is shown: both counted.
        let _ = app.update(scan(c));
        app.settle();
        let _ = app.view();
        update_view.push(t.elapsed());
        // Layout and draw of the whole window too, for one scan in ten.
        if i % 10 == 0 {
            let t = Instant::now();
            let _ = app.update(Message::ToggleMute);
            let mut ui = iced_test::Simulator::with_size(
                settings.clone(),
                iced::Size::new(1280.0, 800.0),
                app.view(),
            );
            let _ = ui.snapshot(&Theme::Light);
            with_frame.push(t.elapsed());
        }
    }
    update_view.sort();
    with_frame.sort();
    println!("store: {orders} orders ({})", db.display());
    println!(
        "cold start to the check screen ready (open, sign in, first view): {:.1} ms",
        cold.as_secs_f64() * 1000.0
    );
    println!(
        "  + first layout and draw (headless, 2x scale): {:.1} ms",
        first_frame.as_secs_f64() * 1000.0
    );
    println!(
        "    of which the font system with the embedded faces (fonts::install): {:.1} ms",
        fonts.as_secs_f64() * 1000.0
    );
    println!(
        "update + view per scan ({} scans): p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
        update_view.len(),
        pct(&update_view, 0.5),
        pct(&update_view, 0.99),
        pct(&update_view, 1.0)
    );
    println!(
        "  with layout and draw of the window ({} samples): p50 {:.2} ms  p99 {:.2} ms",
        with_frame.len(),
        pct(&with_frame, 0.5),
        pct(&with_frame, 0.99)
    );
    println!(
        "resident memory: {:.0} MB now, {:.0} MB peak ({:.0} MB before the app)",
        vm("VmRSS:"),
        vm("VmHWM:"),
        rss_before
    );
    println!(
        "targets: cold start ≤ 500 ms {}, update+view ≤ 16 ms {}, memory ≤ 150 MB {}",
        if cold <= Duration::from_millis(500) {
            "met"
        } else {
            "NOT met"
        },
        if pct(&update_view, 0.99) <= 16.0 {
            "met"
        } else {
            "NOT met"
        },
        if vm("VmHWM:") <= 150.0 {
            "met"
        } else {
            "NOT met"
        }
    );
}
