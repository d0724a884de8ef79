//! The bench window on a big store, measured in-process without a window: every screen's frame
//! (view, layout, draw and rasterise with tiny-skia, at scale 1 and 1280×800: the pixels a bench
//! monitor shows), a scan while another process holds the write lock for 5 s, cold start, and
//! `update` + `view` per scan beside the same scans through the flow alone.
//!
//! `cargo bench --bench gui`; `PACKBENCH_BENCH_ORDERS=N` and `PACKBENCH_BENCH_PRODUCTS=N` change
//! the size of the store (1,000,000 orders, 100,000 products).
//!
//! The store is built once per size under `<target>/bench-data/` and kept (minutes): the demo
//! shop with N orders and N products (one bin each), a waybill pool and a print batch of 3,000
//! parcels; a blind stocktake of every bin, counted by scan with one line in two off by one (a
//! 100,000-line report, 50,000 variances); and a receipt of 30,000 lines. It is built by a child
//! process (this binary again), so the memory figures are the window's alone. Every run works on
//! fresh copies: scanning ships parcels.
//!
//! `PACKBENCH_GUI_BENCH=pictures` runs only the products screen with pictures instead: a store of
//! 20,000 products, 10,000 of them (`PACKBENCH_BENCH_PICTURES`) each with its own picture set by
//! the folder import (timed), pages of them turned (search, pictures read and decoded, first
//! frame) and redrawn, beside pages of the products without pictures in the same run.
//!
//! `PACKBENCH_GUI_BENCH=import` imports a 100,000-order Taobao export (`PACKBENCH_BENCH_ORDERS`)
//! from the import screen, its job on the store worker as in the window, drawing frames the
//! whole time (the progress bar moving); then the same files through the flow alone, as `import
//! orders` runs them, into another fresh store in the same run.
//!
//! A frame is measured twice per screen: the first frame (a fresh widget tree, every text shaped
//! anew: opening the screen, turning a page) and a redraw (the widget tree kept, as the runtime
//! keeps it between updates). Both include `view`. Each is a full redraw: the real window's
//! damage tracking only ever draws less. Figures not measured here say so; none is called met
//! without a measurement.

use iced::Theme;
use iced_test::core::renderer::Headless;
use iced_test::core::{Size, clipboard, mouse, window};
use iced_test::runtime::user_interface::{self, UserInterface};
use packbench::domain::{BatchId, ReceiptId, SessionId};
use packbench::flow::check::CheckSession;
use packbench::flow::demo::{DemoOptions, fill};
use packbench::flow::stocktake::{self, Counting};
use packbench::flow::{batch, receipt, staff, waybills};
use packbench::scan::{Scan, Source};
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, check, orders, sign_in, stocktake as st};
use packbench::ui::{App, Message};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DEFAULT_ORDERS: u64 = 1_000_000;
const DEFAULT_PRODUCTS: u64 = 100_000;
const SEED: u64 = 1;
const PARCELS: usize = 3_000;
const RECEIPT_LINES: usize = 30_000;
const SIZE: Size = Size::new(1280.0, 800.0);
/// Frames drawn per screen: first frames (fresh tree) and redraws (tree kept).
const FIRST_FRAMES: usize = 30;
const REDRAWS: usize = 60;
/// Scans through the check screen, and through the flow alone beside them.
const SCANS: usize = 600;
const LOCK_HELD: Duration = Duration::from_secs(5);
const FRAME_BUDGET_MS: f64 = 16.0;
const BUILD_ENV: &str = "PACKBENCH_GUI_BENCH_BUILD";

/// What the prepared store holds, as the bench finds it again.
#[derive(Debug, Clone, Copy)]
struct Prepared {
    batch: BatchId,
    session: SessionId,
    receipt: ReceiptId,
}

fn main() {
    if let Ok(spec) = std::env::var(BUILD_ENV) {
        // The child: build the store and exit.
        let mut it = spec.split('|');
        let (path, orders, products) = (
            PathBuf::from(it.next().unwrap()),
            it.next().unwrap().parse().unwrap(),
            it.next().unwrap().parse().unwrap(),
        );
        build_store(&path, orders, products);
        return;
    }
    if std::env::var("PACKBENCH_GUI_BENCH").as_deref() == Ok("pictures") {
        pictures_bench();
        return;
    }
    if std::env::var("PACKBENCH_GUI_BENCH").as_deref() == Ok("import") {
        import_bench();
        return;
    }
    let orders: u64 = env_number("PACKBENCH_BENCH_ORDERS", DEFAULT_ORDERS);
    let products: u64 = env_number("PACKBENCH_BENCH_PRODUCTS", DEFAULT_PRODUCTS);
    let data = target_dir().join("bench-data");
    let prepared_path = ensure_store(&data, orders, products);
    let run_db = data.join(format!("gui-{orders}-{products}.run.db"));
    let flow_db = data.join(format!("gui-{orders}-{products}.flow.db"));
    fresh_copy(&prepared_path, &run_db);
    fresh_copy(&prepared_path, &flow_db);
    let prepared = find_prepared(&run_db);
    println!(
        "store: {orders} orders, {products} products, batch {} of {PARCELS} parcels, stocktake {}, receipt {}",
        prepared.batch, prepared.session, prepared.receipt
    );
    println!(
        "load average at the start (a shared machine inflates the tails): {}",
        loadavg()
    );
    println!(
        "frames: {}×{} logical = physical (scale 1), tiny-skia, Theme::Light, embedded fonts; full redraw each time",
        SIZE.width, SIZE.height
    );
    let rss_before = vm("VmRSS:");

    // Cold start: open the store, sign in, first view and first frame of the check screen.
    let t0 = Instant::now();
    let mut framer = Framer::new();
    let mut app = App::with_store_and_worker(
        Store::open(&run_db).expect("open the run copy"),
        "gui-bench",
        Lang::Zh,
    );
    sign_in_as(&mut app, "YH01");
    let _ = framer.frame(&app, true);
    let cold = t0.elapsed();
    let mut table = Table::default();

    // Check: waiting, then a parcel open.
    let parcels = batch_parcels(&run_db, prepared.batch);
    measure(&mut table, &mut framer, &app, "check, waiting");
    let _ = app.update(scan(&parcels[0].tracking_no));
    app.settle();
    assert!(app.check.parcel.is_some(), "the parcel opened");
    measure(&mut table, &mut framer, &app, "check, a parcel open");
    let _ = app.update(scan("6900000000017"));
    app.settle();
    measure(
        &mut table,
        &mut framer,
        &app,
        "check, red (unknown barcode)",
    );

    // Scans: update + store + view, beside the same scans through the flow on the other copy.
    let scanned = scans(&mut app, &mut framer, &flow_db, &parcels[1..]);
    let rss_check = vm("VmRSS:");

    // The write lock held by another process for 5 s while a scan is made.
    let next = &parcels[1 + scanned.parcels];
    let lock = locked_scan(&mut app, &mut framer, &run_db, &next.tracking_no);
    let _ = app.update(Message::SignOut);
    app.settle();

    // Sign-in.
    measure(&mut table, &mut framer, &app, "sign-in");

    // Pick: the picker's tag, the batch.
    sign_in_as(&mut app, "PH001");
    for code in ["EDB_PH001".to_string(), prepared.batch.barcode()] {
        let _ = app.update(scan(&code));
        app.settle();
    }
    assert_eq!(app.pick.batch, Some(prepared.batch), "{:?}", app.pick.last);
    let pick_lines = app.pick.lines.len();
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("pick, batch of {pick_lines} lines"),
    );
    let _ = app.update(Message::SignOut);
    app.settle();

    // Orders: a search with a page of results, an order open. Print: its screen, a new batch
    // asked for.
    sign_in_as(&mut app, "DD01");
    let t = Instant::now();
    let _ = app.update(Message::Print(
        packbench::ui::screen::print::Message::Refresh,
    ));
    app.settle();
    let print_load = t.elapsed();
    measure(&mut table, &mut framer, &app, "print");
    let t = Instant::now();
    let _ = app.update(Message::Print(
        packbench::ui::screen::print::Message::PlanBatch,
    ));
    app.settle();
    let plan_time = t.elapsed();
    let planned = app.print.plan.as_ref().map_or(0, |p| p.ready);
    measure(&mut table, &mut framer, &app, "print, new batch to confirm");
    let _ = app.update(Message::Show(Screen::Orders));
    let _ = app.update(Message::Orders(orders::Message::QueryChanged("张".into())));
    let t = Instant::now();
    let _ = app.update(Message::Orders(orders::Message::Search));
    app.settle();
    let search_common = t.elapsed();
    let found = app.orders.results.len();
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("orders, {found} results, page 1"),
    );
    let no = app.orders.results[found / 2].order.order_no.clone();
    let _ = app.update(Message::Orders(orders::Message::Open(no)));
    measure(&mut table, &mut framer, &app, "orders, an order open");
    let _ = app.update(Message::Orders(orders::Message::Back));
    let _ = app.update(Message::Orders(orders::Message::QueryChanged(
        "没有这个人".into(),
    )));
    let t = Instant::now();
    let _ = app.update(Message::Orders(orders::Message::Search));
    app.settle();
    let search_none = t.elapsed();
    let _ = app.update(Message::SignOut);
    app.settle();

    // Labels: a product scanned, its preview.
    sign_in_as(&mut app, "TM01");
    app.settle();
    let sku = first_product(&run_db, prepared.receipt);
    let _ = app.update(scan(&sku));
    app.settle();
    let preview = app.labels.preview.is_some();
    measure(
        &mut table,
        &mut framer,
        &app,
        if preview {
            "labels, a preview"
        } else {
            "labels (no preview: pdftoppm missing)"
        },
    );
    let _ = app.update(Message::SignOut);
    app.settle();

    // Receipts: the big receipt open.
    sign_in_as(&mut app, "CG01");
    let _ = app.update(Message::Show(Screen::Receipts));
    app.settle();
    let t = Instant::now();
    let _ = app.update(Message::Receipts(
        packbench::ui::screen::receipts::Message::Open(prepared.receipt),
    ));
    let receipt_open_ui = t.elapsed();
    app.settle();
    let receipt_open = t.elapsed();
    let receipt_lines = app.receipts.selected.as_ref().expect("open").lines.len();
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("receipts, {receipt_lines}-line receipt"),
    );
    let _ = app.update(Message::SignOut);
    app.settle();

    // Inbound: the big receipt open and a unit scanned.
    sign_in_as(&mut app, "RK01");
    let t = Instant::now();
    let _ = app.update(scan(&prepared.receipt.barcode()));
    let inbound_open_ui = t.elapsed();
    app.settle();
    let inbound_open = t.elapsed();
    let unit = app.inbound.receipt.as_ref().expect("opened").lines[0]
        .barcode
        .clone()
        .expect("a barcode");
    let t = Instant::now();
    let _ = app.update(scan(&unit));
    let mut inbound_scan_ui = t.elapsed();
    loop {
        std::thread::sleep(Duration::from_micros(20));
        let t = Instant::now();
        if app.poll() > 0 {
            inbound_scan_ui += t.elapsed();
            break;
        }
    }
    let inbound_scan = t.elapsed();
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("inbound, {receipt_lines}-line receipt"),
    );
    let _ = app.update(Message::SignOut);
    app.settle();

    // Stocktake: the session open, its report on the first and a middle page. Stock.
    sign_in_as(&mut app, "KC01");
    let _ = app.update(Message::Show(Screen::Stocktake));
    let _ = app.update(Message::Stocktake(st::Message::OpenId(prepared.session)));
    measure(&mut table, &mut framer, &app, "stocktake, counting");
    let t = Instant::now();
    let _ = app.update(Message::Stocktake(st::Message::ShowReport));
    app.settle();
    let report_load = t.elapsed();
    let report = app.stocktake.report.as_ref().expect("the report");
    let (lines, variances) = (report.lines.len(), report.variances().count());
    let pages = variances.div_ceil(packbench::ui::screen::PAGE);
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("stocktake, {lines}-line report, page 1"),
    );
    let _ = app.update(Message::Stocktake(st::Message::Page(pages / 2)));
    measure(
        &mut table,
        &mut framer,
        &app,
        &format!("stocktake, report page {}/{pages}", pages / 2 + 1),
    );
    let _ = app.update(Message::Stocktake(st::Message::AskApprove));
    measure(
        &mut table,
        &mut framer,
        &app,
        "stocktake, approve to confirm",
    );
    let _ = app.update(Message::Stocktake(st::Message::KeepCounting));
    let t = Instant::now();
    let _ = app.update(Message::Show(Screen::Stock));
    app.settle();
    let stock_lists = t.elapsed();
    let _ = app.update(scan(&sku));
    measure(&mut table, &mut framer, &app, "stock, lists and a product");
    let _ = app.update(Message::SignOut);
    app.settle();

    // The report.
    println!();
    println!(
        "cold start to the check screen drawn (open, sign in, first view and frame): {}",
        ms(cold)
    );
    println!();
    table.print();
    println!();
    let line = |what: &str, v: &[f64]| {
        println!(
            "{what}: p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            pct(v, 0.5),
            pct(v, 0.99),
            pct(v, 1.0)
        )
    };
    println!(
        "{} scans on the check screen (with_store_and_worker, as the window runs them):",
        scanned.latency.len()
    );
    line(
        "  the window's thread per scan (update for the scan + update for its verdict + view)",
        &scanned.on_thread,
    );
    line(
        "  scan to verdict in the view (the worker's store write included)",
        &scanned.latency,
    );
    line(
        "  baseline, the same scans through flow::check alone on a copy (same run, interleaved)",
        &scanned.flow,
    );
    line(
        "  the frame after each scan (redraw, tree kept)",
        &scanned.frames,
    );
    println!();
    lock.print();
    println!();
    println!("work off the window's thread (store worker), once each:");
    println!(
        "  print screen lists (review of every order, batches, pool, log): {}",
        ms(print_load)
    );
    println!(
        "  print: plan a new batch of all ready parcels ({planned} ready): {}",
        ms(plan_time)
    );
    println!(
        "  orders search \"张\" ({found} results, limit 200): {}",
        ms(search_common)
    );
    println!(
        "  orders search with no match (every order read): {}",
        ms(search_none)
    );
    println!(
        "  stocktake report ({lines} lines, {variances} variances): {}",
        ms(report_load)
    );
    println!("  stock low and dead lists: {}", ms(stock_lists));
    println!(
        "  receipts: open the {receipt_lines}-line receipt: {} (of it on the window's thread: {})",
        ms(receipt_open),
        ms(receipt_open_ui)
    );
    println!(
        "  inbound: open the {receipt_lines}-line receipt by scan: {} (on the window's thread: {})",
        ms(inbound_open),
        ms(inbound_open_ui)
    );
    println!(
        "  inbound: a unit scanned to its verdict: {} (on the window's thread: {})",
        ms(inbound_scan),
        ms(inbound_scan_ui)
    );
    println!();
    println!(
        "resident memory: {:.0} MB before the window, {:.0} MB after checking, {:.0} MB at the end, {:.0} MB peak (with the {lines}-line report and the {receipt_lines}-line receipt loaded)",
        rss_before,
        rss_check,
        vm("VmRSS:"),
        vm("VmHWM:")
    );
    println!();
    let worst_first = table.worst(|r| r.first_p99);
    let worst_redraw = table.worst(|r| r.redraw_p99);
    println!("targets:");
    println!(
        "  every screen's frame p99 ≤ {FRAME_BUDGET_MS} ms: first frames {} (worst {:.1} ms, {}); redraws {} (worst {:.1} ms, {})",
        verdict(worst_first.1 <= FRAME_BUDGET_MS),
        worst_first.1,
        worst_first.0,
        verdict(worst_redraw.1 <= FRAME_BUDGET_MS),
        worst_redraw.1,
        worst_redraw.0
    );
    println!(
        "  the window answers during a 5 s lock (update + frame p99 ≤ {FRAME_BUDGET_MS} ms): {} (p99 {:.2} ms, max {:.2} ms, {} frames); the verdict came after the lock went: {}",
        verdict(lock.p99() <= FRAME_BUDGET_MS),
        lock.p99(),
        lock.max(),
        lock.frames.len(),
        verdict(lock.verdict_after_release)
    );
    println!(
        "  the window's thread per scan p99 ≤ {FRAME_BUDGET_MS} ms: {}",
        verdict(pct(&scanned.on_thread, 0.99) <= FRAME_BUDGET_MS)
    );
    println!("  cold start: not judged here (no target set for it in issue 11)");
    println!("  a real window's frame under X11 (presenting, damage tracking): not measured here");
    println!("  1024×768 and 1920×1080: not measured here (see the screenshots of the walk)");
    println!("load average at the end: {}", loadavg());
    remove_db(&run_db);
    remove_db(&flow_db);
}

fn loadavg() -> String {
    fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{name} must be a number"))
        })
        .unwrap_or(default)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn vm(field: &str) -> f64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn scan(code: &str) -> Message {
    Message::Scanned(Scan {
        code: code.into(),
        symbology: None,
        source: Source::Wedge,
        at: std::time::SystemTime::now(),
    })
}

fn sign_in_as(app: &mut App, code: &str) {
    let _ = app.update(Message::SignIn(sign_in::Message::CodeChanged(code.into())));
    let _ = app.update(Message::SignIn(sign_in::Message::PinChanged(
        packbench::demo::DEMO_PIN.into(),
    )));
    let _ = app.update(Message::SignIn(sign_in::Message::Submit));
    app.settle();
    assert_eq!(
        app.actor.as_ref().map(|a| a.staff.code.as_str()),
        Some(code),
        "signed in"
    );
}

/// Draws the window as the runtime does: `view`, the widget tree built (layout) from the cache
/// of the last frame or from nothing, the redraw event, draw, and the pixels rasterised.
struct Framer {
    renderer: iced::Renderer,
    cache: Option<user_interface::Cache>,
}

/// One frame's parts, in milliseconds.
#[derive(Debug, Clone, Copy, Default)]
struct FrameTimes {
    view: f64,
    layout: f64,
    draw: f64,
}

impl FrameTimes {
    fn total(&self) -> f64 {
        self.view + self.layout + self.draw
    }
}

impl Framer {
    fn new() -> Framer {
        let settings = packbench::ui::fonts::settings();
        let renderer = iced::futures::executor::block_on(<iced::Renderer as Headless>::new(
            settings.default_font,
            settings.default_text_size,
            Some("tiny-skia"),
        ))
        .expect("a headless tiny-skia renderer");
        Framer {
            renderer,
            cache: None,
        }
    }

    /// One frame of the window as it is; `fresh`: a new widget tree, as on opening a screen.
    fn frame(&mut self, app: &App, fresh: bool) -> FrameTimes {
        let theme = Theme::Light;
        let t0 = Instant::now();
        let element = app.view();
        let t1 = Instant::now();
        let cache = if fresh {
            user_interface::Cache::default()
        } else {
            self.cache.take().unwrap_or_default()
        };
        let mut ui = UserInterface::build(element, SIZE, cache, &mut self.renderer);
        let t2 = Instant::now();
        let mut messages = Vec::new();
        let _ = ui.update(
            &[iced::Event::Window(window::Event::RedrawRequested(
                iced_test::core::time::Instant::now(),
            ))],
            mouse::Cursor::Unavailable,
            &mut self.renderer,
            &mut clipboard::Null,
            &mut messages,
        );
        let base = iced::theme::Base::base(&theme);
        ui.draw(
            &mut self.renderer,
            &theme,
            &iced_test::core::renderer::Style {
                text_color: base.text_color,
            },
            mouse::Cursor::Unavailable,
        );
        self.cache = Some(ui.into_cache());
        let pixels = self.renderer.screenshot(
            Size::new(SIZE.width as u32, SIZE.height as u32),
            1.0,
            base.background_color,
        );
        assert_eq!(pixels.len(), (SIZE.width * SIZE.height * 4.0) as usize);
        let t3 = Instant::now();
        let f = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
        FrameTimes {
            view: f(t0, t1),
            layout: f(t1, t2),
            draw: f(t2, t3),
        }
    }
}

struct Row {
    screen: String,
    /// Resident memory after the screen was measured, MB.
    rss: f64,
    first: Vec<FrameTimes>,
    first_p99: f64,
    redraw: Vec<FrameTimes>,
    redraw_p99: f64,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn print(&self) {
        println!(
            "frame per screen, ms ({FIRST_FRAMES} first frames / {REDRAWS} redraws each; first = fresh widget tree, redraw = tree kept)"
        );
        println!(
            "{:<44} {:>7} {:>7} {:>7}   {:>7} {:>7} {:>7}  {:>6}   first frame p50: view/layout/draw",
            "screen", "1st p50", "1st p99", "1st max", "re p50", "re p99", "re max", "RSS MB"
        );
        for r in &self.rows {
            let total = |v: &[FrameTimes]| sorted(v.iter().map(FrameTimes::total));
            let (f, d) = (total(&r.first), total(&r.redraw));
            let part = |g: fn(&FrameTimes) -> f64| pct(&sorted(r.first.iter().map(g)), 0.5);
            println!(
                "{:<44} {:>7.2} {:>7.2} {:>7.2}   {:>7.2} {:>7.2} {:>7.2}  {:>6.0}   {:.2}/{:.2}/{:.2}{}",
                r.screen,
                pct(&f, 0.5),
                pct(&f, 0.99),
                pct(&f, 1.0),
                pct(&d, 0.5),
                pct(&d, 0.99),
                pct(&d, 1.0),
                r.rss,
                part(|t| t.view),
                part(|t| t.layout),
                part(|t| t.draw),
                if r.first_p99 > FRAME_BUDGET_MS || r.redraw_p99 > FRAME_BUDGET_MS {
                    "   > 16 ms"
                } else {
                    ""
                }
            );
        }
    }

    fn worst(&self, by: fn(&Row) -> f64) -> (String, f64) {
        self.rows
            .iter()
            .map(|r| (r.screen.clone(), by(r)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap_or_default()
    }
}

fn sorted(v: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut v: Vec<f64> = v.collect();
    v.sort_by(f64::total_cmp);
    v
}

/// Frames of the window as it is now: first frames, then redraws.
fn measure(table: &mut Table, framer: &mut Framer, app: &App, screen: &str) {
    // One frame not counted: the glyphs of this screen rasterised once, as a window that has
    // shown them before has them.
    let _ = framer.frame(app, true);
    let first: Vec<FrameTimes> = (0..FIRST_FRAMES).map(|_| framer.frame(app, true)).collect();
    let redraw: Vec<FrameTimes> = (0..REDRAWS).map(|_| framer.frame(app, false)).collect();
    let p99 = |v: &[FrameTimes]| pct(&sorted(v.iter().map(FrameTimes::total)), 0.99);
    eprintln!("  measured: {screen}");
    table.rows.push(Row {
        screen: screen.to_string(),
        rss: vm("VmRSS:"),
        first_p99: p99(&first),
        redraw_p99: p99(&redraw),
        first,
        redraw,
    });
}

/// A parcel of the batch: its waybill and every unit's code.
struct BenchParcel {
    tracking_no: String,
    codes: Vec<String>,
}

fn batch_parcels(db: &Path, id: BatchId) -> Vec<BenchParcel> {
    let store = Store::open(db).expect("open");
    let admin = staff::actor(&store, "admin", "gui-bench").expect("admin");
    batch::show(&store, &admin, id)
        .expect("the batch")
        .parcels
        .into_iter()
        .filter(|p| p.stage == packbench::domain::check::ParcelStage::Printed)
        .map(|p| BenchParcel {
            tracking_no: p.tracking_no,
            codes: p
                .lines
                .iter()
                .flat_map(|l| {
                    let code = l.barcode.clone().unwrap_or_else(|| l.sku_code.clone());
                    std::iter::repeat_n(code, l.qty as usize)
                })
                .collect(),
        })
        .collect()
}

/// Per scan, in milliseconds, sorted.
struct Scans {
    /// The window's thread: update for the scan, update for its answer, view.
    on_thread: Vec<f64>,
    /// From the scan's update to its verdict in the view (the worker's store write included).
    latency: Vec<f64>,
    /// The same scans through the flow alone.
    flow: Vec<f64>,
    /// The frame after each scan.
    frames: Vec<f64>,
    parcels: usize,
}

/// Scans through the check screen (update, the worker's store write, view) beside the same
/// scans through the flow alone on the other copy, one for one; and a frame after each.
fn scans(app: &mut App, framer: &mut Framer, flow_db: &Path, parcels: &[BenchParcel]) -> Scans {
    let mut flow_store = Store::open(flow_db).expect("open the flow copy");
    let _ = flow_store.checkpoint_in_background();
    let checker = staff::actor(&flow_store, "YH01", "gui-bench-flow").expect("checker");
    let (mut session, _) = CheckSession::start(&mut flow_store, checker).expect("start");
    let mut codes = Vec::new();
    let mut used = 0;
    for p in parcels {
        used += 1;
        codes.push(p.tracking_no.clone());
        codes.push("6900000000017".to_string());
        codes.extend(p.codes.iter().cloned());
        if codes.len() >= SCANS {
            break;
        }
    }
    let (mut gui, mut flow, mut frames, mut latency) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (i, c) in codes.iter().enumerate() {
        let run_flow = |session: &mut CheckSession, store: &mut Store| {
            let t = Instant::now();
            let v = session
                .scan(store, c, packbench::domain::ScanSource::Wedge)
                .expect("flow scan");
            if let Some(id) = v.iter().map(|v| v.scan_id).max() {
                session.shown(id);
            }
            t.elapsed().as_secs_f64() * 1000.0
        };
        if i % 2 == 1 {
            flow.push(run_flow(&mut session, &mut flow_store));
        }
        // The window's thread: the scan's update, the answer's update, the view. The store
        // write between them runs on the worker; the latency counts it too.
        let t0 = Instant::now();
        let _ = app.update(scan(c));
        let mut on_thread = t0.elapsed();
        loop {
            std::thread::sleep(Duration::from_micros(20));
            let t = Instant::now();
            let answered = app.poll() > 0;
            if answered {
                on_thread += t.elapsed();
                break;
            }
        }
        let t = Instant::now();
        let _ = app.view();
        on_thread += t.elapsed();
        latency.push(t0.elapsed().as_secs_f64() * 1000.0);
        gui.push(on_thread.as_secs_f64() * 1000.0);
        app.settle();
        frames.push(framer.frame(app, false).total());
        if i % 2 == 0 {
            flow.push(run_flow(&mut session, &mut flow_store));
        }
    }
    session.close(&mut flow_store).expect("close");
    gui.sort_by(f64::total_cmp);
    flow.sort_by(f64::total_cmp);
    frames.sort_by(f64::total_cmp);
    latency.sort_by(f64::total_cmp);
    Scans {
        on_thread: gui,
        latency,
        flow,
        frames,
        parcels: used,
    }
}

struct LockRun {
    /// update + frame while the lock was held, ms.
    frames: Vec<f64>,
    scan_update: f64,
    release_to_verdict: Option<Duration>,
    verdict_after_release: bool,
    opened: bool,
}

impl LockRun {
    fn p99(&self) -> f64 {
        pct(&self.frames, 0.99)
    }

    fn max(&self) -> f64 {
        pct(&self.frames, 1.0)
    }

    fn print(&self) {
        println!(
            "a waybill scanned while another connection holds BEGIN IMMEDIATE for {} s (the store worker waits; the window goes on):",
            LOCK_HELD.as_secs()
        );
        println!(
            "  update for the scan: {:.2} ms; then a typed key (update) + frame (view, layout, draw; tree kept) over and over while locked: {} frames, p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            self.scan_update,
            self.frames.len(),
            pct(&self.frames, 0.5),
            self.p99(),
            self.max()
        );
        match self.release_to_verdict {
            Some(d) => println!(
                "  the verdict arrived {} after the lock went (polled between frames); the parcel opened: {}",
                ms(d),
                self.opened
            ),
            None => {
                println!("  the verdict arrived BEFORE the lock went (not stored under the lock?)")
            }
        }
    }
}

/// The write lock held by another connection (its own thread) for `LOCK_HELD`; a scan sent, and
/// the window driven (a key typed, a frame) until the verdict comes back.
fn locked_scan(app: &mut App, framer: &mut Framer, db: &Path, tracking: &str) -> LockRun {
    let (held_tx, held_rx) = std::sync::mpsc::channel();
    let path = db.to_path_buf();
    let holder = std::thread::spawn(move || {
        let conn = rusqlite::Connection::open(&path).expect("open");
        conn.execute_batch("BEGIN IMMEDIATE")
            .expect("take the write lock");
        held_tx.send(()).unwrap();
        std::thread::sleep(LOCK_HELD);
        conn.execute_batch("ROLLBACK").expect("release");
        Instant::now()
    });
    held_rx.recv().unwrap();
    let t = Instant::now();
    let _ = app.update(scan(tracking));
    let scan_update = t.elapsed().as_secs_f64() * 1000.0;
    let mut frames = Vec::new();
    let mut answered_at = None;
    let mut key = false;
    while answered_at.is_none() {
        let t = Instant::now();
        key = !key;
        let _ = app.update(Message::Check(check::Message::KeyedChanged(
            if key { "7" } else { "" }.into(),
        )));
        let _ = framer.frame(app, false);
        let dt = t.elapsed().as_secs_f64() * 1000.0;
        if app.poll() > 0 {
            answered_at = Some(Instant::now());
        } else {
            frames.push(dt);
        }
    }
    let _ = app.update(Message::Check(check::Message::KeyedChanged(String::new())));
    let released = holder.join().unwrap();
    let answered = answered_at.unwrap();
    frames.sort_by(f64::total_cmp);
    LockRun {
        frames,
        scan_update,
        release_to_verdict: answered.checked_duration_since(released),
        verdict_after_release: answered >= released,
        opened: app
            .check
            .parcel
            .as_ref()
            .is_some_and(|p| p.tracking_no == tracking),
    }
}

/// A product of the receipt (it has a barcode).
fn first_product(db: &Path, id: ReceiptId) -> String {
    let store = Store::open(db).expect("open");
    let admin = staff::actor(&store, "admin", "gui-bench").expect("admin");
    receipt::show(&store, &admin, id)
        .expect("the receipt")
        .lines[0]
        .sku_code
        .clone()
}

/// `CARGO_TARGET_TMPDIR` is `<target>/tmp`: data kept between runs goes beside it.
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

/// The batch, the stocktake and the receipt of the prepared store.
fn find_prepared(db: &Path) -> Prepared {
    let store = Store::open(db).expect("open");
    let admin = staff::actor(&store, "admin", "gui-bench").expect("admin");
    let batch = batch::list(&store, &admin, 1).expect("batches")[0].id;
    let session = stocktake::list(&store, &admin, 1).expect("sessions")[0].id;
    let receipt = receipt::list(&store, &admin, 1).expect("receipts")[0].id;
    Prepared {
        batch,
        session,
        receipt,
    }
}

/// The prepared store of this size, built by a child process once and kept.
fn ensure_store(data: &Path, orders: u64, products: u64) -> PathBuf {
    let path = data.join(format!("gui-{orders}-{products}.db"));
    if path.is_file() {
        return path;
    }
    fs::create_dir_all(data).expect("create bench-data");
    let partial = data.join(format!("gui-{orders}-{products}.partial.db"));
    remove_db(&partial);
    eprintln!(
        "building the store at {} (minutes; kept for later runs) …",
        path.display()
    );
    let status = std::process::Command::new(std::env::current_exe().expect("this bench"))
        .env(
            BUILD_ENV,
            format!("{}|{orders}|{products}", partial.display()),
        )
        .status()
        .expect("run the builder");
    assert!(status.success(), "building the store failed");
    fs::rename(&partial, &path).expect("keep the prepared store");
    path
}

fn build_store(path: &Path, orders: u64, products: u64) {
    let step = |what: &str, t: Instant| eprintln!("  {what}: {:.1} s", t.elapsed().as_secs_f64());
    let mut store = Store::create(path).expect("create the store");
    let admin = staff::actor(&store, "admin", "gui-bench-prep").expect("admin");
    let t = Instant::now();
    fill(
        &mut store,
        &admin,
        DemoOptions {
            orders,
            seed: SEED,
            products,
        },
    )
    .expect("demo fill");
    step("demo shop", t);

    let t = Instant::now();
    let numbers = waybills::expand_range("7700000001-7700009999").expect("range");
    waybills::add(&mut store, &admin, "ZTO", &numbers).expect("waybills");
    let b = batch::create(&mut store, &admin, Some("ZTO"), Some(PARCELS)).expect("batch");
    step(
        &format!("batch {} of {} parcels", b.batch_id, b.parcels.len()),
        t,
    );

    let keeper = staff::actor(&store, "KC01", "office").expect("the demo stock keeper");
    let t = Instant::now();
    let session = stocktake::start(&mut store, &keeper, None, false, false).expect("start");
    let lines = stocktake::report(&store, &keeper, session.id).expect("report");
    let mut scans = Vec::with_capacity(lines.lines.len() * 2);
    let mut receipt_csv = String::from("商家编码,条码,名称,规格,单价,库位,数量\n");
    {
        let db = store.read();
        for (i, l) in lines.lines.iter().enumerate() {
            let product = db
                .product_by_sku(&l.sku_code)
                .expect("product")
                .map(|(_, p)| p)
                .expect("a product");
            let code = product
                .barcode
                .as_ref()
                .map(|b| b.as_str().to_string())
                .unwrap_or_else(|| l.sku_code.clone());
            // One line in two off by one: a report with many variances to page through.
            let n = if i % 2 == 1 {
                l.expected + 1
            } else {
                l.expected
            };
            scans.push(format!("L{}", l.bin));
            if n > 0 {
                scans.push(format!("{code}*{n}"));
            }
            if i < RECEIPT_LINES {
                receipt_csv.push_str(&format!(
                    "{},{},{},{},10.00,{},{}\n",
                    product.sku_code,
                    product
                        .barcode
                        .as_ref()
                        .map(|b| b.as_str())
                        .unwrap_or_default(),
                    product.name.replace(',', " "),
                    product.spec.replace(',', " "),
                    l.bin,
                    1 + i % 5
                ));
            }
        }
    }
    let mut counting = Counting::start(&store, keeper.clone(), session.id).expect("counting");
    counting
        .scan_all(&mut store, scans.iter().map(String::as_str))
        .expect("count");
    step(
        &format!(
            "stocktake {} of {} bins counted ({} scans)",
            session.id,
            lines.lines.len(),
            scans.len()
        ),
        t,
    );

    let t = Instant::now();
    let csv = path.with_extension("receipt.csv");
    fs::write(&csv, receipt_csv).expect("write the receipt file");
    let purchaser = staff::actor(&store, "CG01", "office").expect("the demo purchaser");
    let r = receipt::create(&mut store, &purchaser, &csv).expect("receipt");
    step(
        &format!("receipt {} of {} lines", r.row.id, r.lines.len()),
        t,
    );
}

const PICTURE_PRODUCTS: u64 = 10_000;

/// The products screen with a picture on every row: folder import, page turns, redraws.
fn pictures_bench() {
    use packbench::ui::screen::products;
    let n = env_number("PACKBENCH_BENCH_PICTURES", PICTURE_PRODUCTS);
    let data = target_dir().join("bench-data");
    fs::create_dir_all(&data).expect("bench-data");
    let db = data.join(format!("pictures-{n}.db"));
    if !db.is_file() {
        let partial = data.join(format!("pictures-{n}.partial.db"));
        remove_db(&partial);
        // As many again without pictures: the baseline's pages.
        let (mut store, admin) = demo_store(&partial, 2 * n + 100);
        // A shop's photos: 800×800 JPEGs, each its own colour, named by merchant code.
        let dir = data.join(format!("pictures-{n}-files"));
        if !dir.is_dir() {
            let tmp = data.join(format!("pictures-{n}-files.partial"));
            let _ = fs::remove_dir_all(&tmp);
            fs::create_dir_all(&tmp).expect("picture folder");
            let (hits, _) =
                packbench::flow::catalog::search_products(&store, &admin, "GEN-", 0, n as usize)
                    .expect("the generated products");
            for (i, h) in hits.iter().enumerate() {
                let c = [
                    (i * 37 % 256) as u8,
                    (i * 91 % 256) as u8,
                    (i * 13 % 256) as u8,
                ];
                let img = image::RgbImage::from_fn(800, 800, |x, y| {
                    if (x / 100 + y / 100) % 2 == 0 {
                        image::Rgb(c)
                    } else {
                        image::Rgb([240, 240, 240])
                    }
                });
                img.save(tmp.join(format!("{}.jpg", h.product.sku_code)))
                    .expect("write a picture");
            }
            fs::rename(&tmp, &dir).expect("keep the pictures");
        }
        let t = Instant::now();
        let done = packbench::flow::catalog::import_pictures(&mut store, &admin, &dir, false)
            .expect("import");
        println!(
            "folder import: {} pictures (800×800 JPEG) in {:.1} s on {} cores",
            done.added,
            t.elapsed().as_secs_f64(),
            std::thread::available_parallelism().map_or(1, |c| c.get())
        );
        drop(store);
        fs::rename(&partial, &db).expect("keep the store");
    }
    let run = data.join(format!("pictures-{n}.run.db"));
    fresh_copy(&db, &run);
    println!("load average at the start: {}", loadavg());
    let mut framer = Framer::new();
    let mut app = App::with_store(Store::open(&run).expect("open"), "pictures-bench", Lang::Zh);
    sign_in_as(&mut app, "CG01");
    let _ = app.update(Message::Show(Screen::Products));
    let pm = Message::Products;
    let mut table = Table::default();
    // GEN-000001 … have pictures, GEN-015000 … (the second half) have none.
    let baseline = format!("GEN-0{}", n * 3 / 2 / 1000);
    for (query, name, with) in [
        (
            baseline.as_str(),
            "products, a page of 50 without pictures (baseline)",
            false,
        ),
        ("GEN-00", "products, a page of 50 with pictures", true),
    ] {
        let _ = app.update(pm(products::Message::QueryChanged(query.into())));
        assert_eq!(
            app.products
                .hits
                .iter()
                .any(|h| app.products.pictures.has(&h.product.sku_code)),
            with,
            "{name}"
        );
        // Page turns: the page read, its pictures read and decoded, the first frame drawn.
        let mut turns = Vec::new();
        for page in 1..=30 {
            let t = Instant::now();
            let _ = app.update(pm(products::Message::Page(page)));
            let _ = framer.frame(&app, true);
            turns.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let turns = sorted(turns.into_iter());
        println!(
            "{name}: page turn (search + pictures + first frame) p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            pct(&turns, 0.5),
            pct(&turns, 0.99),
            pct(&turns, 1.0)
        );
        // Scrolling redraws the page as it is: the redraw frames.
        measure(&mut table, &mut framer, &app, name);
    }
    table.print();
}

/// The import screen importing a big export while the window draws.
fn import_bench() {
    use packbench::ui::screen::import;
    let n = env_number("PACKBENCH_BENCH_ORDERS", 100_000);
    let data = target_dir().join("bench-data");
    let dir = data.join(format!("taobao-{n}"));
    if !dir.join("ExportOrderDetailList.csv").is_file() {
        let partial = data.join(format!("taobao-{n}.partial"));
        let _ = fs::remove_dir_all(&partial);
        let cat = packbench::demo::catalogue(SEED);
        packbench::import::export::write_taobao_export(
            &partial,
            &cat,
            packbench::demo::orders(SEED, n, &cat),
            &packbench::output::Guard::new(&partial.join("none.db"), true),
        )
        .expect("write the export");
        let _ = fs::remove_dir_all(&dir);
        fs::rename(&partial, &dir).expect("keep the export");
    }
    let (orders, lines) = (
        dir.join("ExportOrderList.csv"),
        dir.join("ExportOrderDetailList.csv"),
    );
    let fresh = |name: &str| {
        let db = data.join(name);
        remove_db(&db);
        demo_store(&db, 0);
        db
    };
    println!("load average at the start: {}", loadavg());

    // The window: the import job on the worker, frames drawn until its answer comes.
    let window_db = fresh("import-window.db");
    let mut framer = Framer::new();
    let mut app = App::with_store_and_worker(
        Store::open(&window_db).expect("open"),
        "import-bench",
        Lang::Zh,
    );
    sign_in_as(&mut app, "DD01");
    let _ = app.update(Message::Show(Screen::Import));
    let im = Message::Import;
    let _ = app.update(im(import::Message::FileChanged(
        import::Slot::Orders,
        orders.display().to_string(),
    )));
    let _ = app.update(im(import::Message::FileChanged(
        import::Slot::Lines,
        lines.display().to_string(),
    )));
    let t = Instant::now();
    let _ = app.update(im(import::Message::Import));
    let mut frames = Vec::new();
    let mut seen = Vec::new();
    while app.jobs_pending() > 0 {
        let f = framer.frame(&app, false).total();
        frames.push(f);
        if let Some(p) = &app.import.progress {
            seen.push(p.fraction());
        }
        app.poll();
        // A window draws when something changed, at most once a refresh (60 Hz).
        std::thread::sleep(Duration::from_millis(16));
    }
    let window = t.elapsed();
    let Some((_, import::Report::Orders(sum))) = &app.import.report else {
        panic!("the import did not finish with a report");
    };
    assert_eq!(sum.orders_new, n, "every order imported");
    let frames = sorted(frames.into_iter());
    let distinct = {
        let mut v: Vec<u32> = seen.iter().map(|f| (f * 100.0) as u32).collect();
        v.dedup();
        v.len()
    };
    println!(
        "window: {n} orders imported in {:.2} s; {} frames drawn meanwhile: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; the bar showed {distinct} different percentages",
        window.as_secs_f64(),
        frames.len(),
        pct(&frames, 0.5),
        pct(&frames, 0.99),
        pct(&frames, 1.0),
    );
    drop(app);

    // The command line's way: the flow on its own, same files, a fresh store.
    let cli_db = fresh("import-cli.db");
    let mut store = Store::open(&cli_db).expect("open");
    let actor = staff::actor(&store, "DD01", "import-bench").expect("DD01");
    let t = Instant::now();
    let sum = packbench::flow::import::import_orders(
        &mut store,
        &actor,
        &orders,
        &lines,
        Default::default(),
    )
    .expect("import");
    let cli = t.elapsed();
    assert_eq!(sum.orders_new, n);
    println!(
        "flow alone (as `import orders`): {:.2} s; the window took {:.2}× that",
        cli.as_secs_f64(),
        window.as_secs_f64() / cli.as_secs_f64()
    );
}

/// A new store at `path` with the demo shop's staff and `products` products, no orders; and its
/// admin.
fn demo_store(path: &Path, products: u64) -> (Store, packbench::domain::Actor) {
    let mut store = Store::create(path).expect("create");
    let admin = staff::actor(&store, "admin", "gui-bench-prep").expect("admin");
    fill(
        &mut store,
        &admin,
        DemoOptions {
            orders: 0,
            seed: SEED,
            products,
        },
    )
    .expect("the demo shop");
    (store, admin)
}
