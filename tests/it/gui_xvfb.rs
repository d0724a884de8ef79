//! End to end under Xvfb: the real binary on a demo store, scans typed as fast key bursts, a
//! screenshot taken, the window still there, and the parcel shipped in the store; a Taobao export
//! dropped on the window (XDND, as a file manager drops it) imported; a receipt CSV chosen in the
//! window's file chooser.

use crate::common::Scratch;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Milliseconds between the keys of a scanner burst sent by xdotool. A scanner's keys come
/// from hardware on time; xdotool is a process, and on a loaded machine (CI running tests side
/// by side) it can be descheduled mid-burst for 100 ms or more — a real pause no detector can
/// tell from a person's. At 1 ms a key a burst is over before that is likely.
const SCANNER_DELAY: &str = "1";

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn xdotool(display: &str, args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .env("DISPLAY", display)
        .args(args)
        .output()
        .expect("xdotool");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Xvfb, and the bench window on it with `args`, given the keyboard focus; `None` (the test
/// skipped) when a tool is missing outside CI.
struct Window {
    app: Kill,
    _xvfb: Kill,
    display: String,
    /// The bench window's X id.
    id: u32,
}

fn open_window(s: &Scratch, args: &[&str]) -> Option<Window> {
    open_window_with(s, args, &[])
}

/// `open_window` with more of the bench's environment (its `HOME`: where the file chooser opens).
fn open_window_with(s: &Scratch, args: &[&str], env: &[(&str, &Path)]) -> Option<Window> {
    for tool in ["Xvfb", "xdotool", "xwd"] {
        if !have(tool) {
            assert!(
                std::env::var_os("CI").is_none(),
                "{tool} is missing: .ci/setup installs it"
            );
            eprintln!("skipped: {tool} is not installed");
            return None;
        }
    }
    // Xvfb picks a free display itself and says which on its standard output, once it accepts
    // connections: no number two tests (or two checkouts on one machine) could both choose.
    let mut xvfb = Kill(
        Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start Xvfb"),
    );
    let mut line = String::new();
    BufReader::new(xvfb.0.stdout.take().unwrap())
        .read_line(&mut line)
        .expect("read Xvfb's display number");
    let n: u32 = line
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Xvfb did not start (said {line:?})"));
    let display = format!(":{n}");
    let socket = format!("/tmp/.X11-unix/X{n}");
    let t0 = Instant::now();
    while !Path::new(&socket).exists() {
        assert!(t0.elapsed() < Duration::from_secs(20), "Xvfb did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    let app = Kill(
        Command::new(env!("CARGO_BIN_EXE_packbench"))
            .args(["--db", s.db().to_str().unwrap(), "--station", "xvfb-bench"])
            .args(args)
            .env("DISPLAY", &display)
            .env("ICED_BACKEND", "tiny-skia")
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .env_remove("WAYLAND_DISPLAY")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the bench"),
    );
    let pid = app.0.id().to_string();
    let mut window = String::new();
    let t0 = Instant::now();
    while window.is_empty() {
        assert!(t0.elapsed() < Duration::from_secs(60), "no window");
        std::thread::sleep(Duration::from_millis(200));
        window = xdotool(&display, &["search", "--onlyvisible", "--pid", &pid])
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
    }
    // Xvfb has no window manager: nothing has focus until it is given (once the window shows).
    let t0 = Instant::now();
    while xdotool(&display, &["getwindowfocus"]) != window {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the window never took the focus"
        );
        xdotool(&display, &["windowfocus", &window]);
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(300));
    Some(Window {
        app,
        _xvfb: xvfb,
        display,
        id: window.parse().expect("a window id"),
    })
}

/// The units of the demo's first parcel, as a scanner reads them after its waybill.
fn first_parcel_scans(s: &Scratch) -> Vec<String> {
    let (ok, batch) = s.json(&["batch", "show", "1", "--json"]);
    assert!(ok, "{batch}");
    let p = &batch["parcels"][0];
    let mut scans = vec![p["tracking_no"].as_str().unwrap().to_string()];
    for l in p["lines"].as_array().unwrap() {
        for _ in 0..l["qty"].as_u64().unwrap() {
            scans.push(
                l["barcode"]
                    .as_str()
                    .or(l["sku_code"].as_str())
                    .unwrap()
                    .to_string(),
            );
        }
    }
    scans
}

#[test]
fn the_demo_bench_checks_a_parcel_typed_by_a_wedge_scanner() {
    let s = Scratch::new();
    let Some(Window {
        app,
        _xvfb,
        display,
        ..
    }) = open_window(&s, &["--demo"])
    else {
        return;
    };
    // The demo's first parcel, as the demo screen lists it.
    let scans = first_parcel_scans(&s);
    for code in &scans {
        // A scanner types a code as a burst, ended by Enter.
        xdotool(
            &display,
            &["type", "--delay", SCANNER_DELAY, &format!("{code}\n")],
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_millis(800));
    let shot = s.path("bench.xwd");
    let out = Command::new("xwd")
        .env("DISPLAY", &display)
        .args(["-root", "-silent", "-out", shot.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(out.success());
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 100_000,
        "a screenshot of the screen"
    );
    let mut app = app;
    assert!(
        app.0.try_wait().unwrap().is_none(),
        "the bench is still running"
    );

    let (_, after) = s.json(&["batch", "show", "1", "--json"]);
    let scanned: Vec<(String, String)> = s
        .open()
        .read()
        .scans_after("xvfb-bench", 0)
        .unwrap()
        .into_iter()
        .map(|r| (r.code, r.verdict))
        .collect();
    assert_eq!(
        after["parcels"][0]["stage"], "shipped",
        "scanned {scans:?}, stored {scanned:?}"
    );
    let (_, ev) = s.json(&["events", "--kind", "parcel_shipped", "--json"]);
    assert_eq!(ev[0]["staff_code"], "YH01");
    assert_eq!(ev[0]["terminal"], "xvfb-bench");
    let _ = app.0.kill();
}

#[test]
fn a_person_signs_in_from_the_keyboard_as_the_window_opens() {
    // The demo shop with a printed batch, opened at the sign-in form.
    let s = Scratch::new();
    s.ok(&["demo"]);
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000001-7700000020",
    ]);
    s.ok(&["batch", "create", "--courier", "ZTO", "--limit", "3"]);
    let Some(Window {
        app,
        _xvfb,
        display,
        ..
    }) = open_window(&s, &[])
    else {
        return;
    };
    // No click first: the staff code field has the keys. A person's keys (slower than any
    // scanner), Enter to the PIN, Enter to sign in.
    for part in ["YH01", "1234"] {
        xdotool(&display, &["type", "--delay", "120", part]);
        // Return, as the keyboard sends it (a typed "\n" is a Linefeed key).
        xdotool(&display, &["key", "--delay", "120", "Return"]);
        std::thread::sleep(Duration::from_millis(400));
    }
    std::thread::sleep(Duration::from_millis(800));
    for code in first_parcel_scans(&s) {
        xdotool(
            &display,
            &["type", "--delay", SCANNER_DELAY, &format!("{code}\n")],
        );
        std::thread::sleep(Duration::from_millis(300));
    }
    std::thread::sleep(Duration::from_millis(800));
    let mut app = app;
    assert!(app.0.try_wait().unwrap().is_none(), "the bench is running");
    let (_, ev) = s.json(&["events", "--kind", "parcel_shipped", "--json"]);
    assert_eq!(ev[0]["staff_code"], "YH01", "signed in and checked: {ev}");
    let _ = app.0.kill();
}

#[test]
fn a_window_stopped_mid_burst_still_reads_each_scan_whole() {
    // A busy PC: the window is stopped (SIGSTOP) for 150 ms while the scanner is still typing.
    // Before, the stall looked like a pause: the first digits went nowhere and the rest made a
    // wrong code ("00000003"), or the burst was refused as unfinished.
    let s = Scratch::new();
    let Some(Window {
        app,
        _xvfb,
        display,
        ..
    }) = open_window(&s, &["--demo"])
    else {
        return;
    };
    let pid = app.0.id().to_string();
    let waybills: Vec<String> = (1..=8).map(|n| format!("77000000{n:02}")).collect();
    for (i, code) in waybills.iter().enumerate() {
        let mut typing = Command::new("xdotool")
            .env("DISPLAY", &display)
            .args(["type", "--delay", "2", &format!("{code}\n")])
            .spawn()
            .expect("xdotool");
        // Stopped at a different point of each burst.
        std::thread::sleep(Duration::from_millis(3 + 3 * i as u64));
        let signal = |sig: &str| {
            Command::new("kill")
                .args([sig, &pid])
                .status()
                .expect("kill");
        };
        signal("-STOP");
        std::thread::sleep(Duration::from_millis(150));
        signal("-CONT");
        typing.wait().unwrap();
        std::thread::sleep(Duration::from_millis(500));
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut app = app;
    assert!(app.0.try_wait().unwrap().is_none(), "the bench still runs");
    let _ = app.0.kill();
    let _ = app.0.wait();
    // Every burst arrived as its whole code, and nothing else was scanned.
    let store = s.open();
    let codes: Vec<String> = store
        .read()
        .scans_after("xvfb-bench", 0)
        .unwrap()
        .into_iter()
        .map(|r| r.code)
        .collect();
    assert_eq!(codes, waybills);
}

/// Drops `path` on `window` at (`x`, `y`) of the screen as a file manager does (XDND version 5:
/// enter, position, drop; the file handed over as `text/uri-list` when the window asks).
fn drop_file(display: &str, window: u32, x: i16, y: i16, path: &Path) {
    use x11rb::connection::Connection;
    use x11rb::protocol::Event;
    use x11rb::protocol::xproto::{
        ClientMessageEvent, ConnectionExt, CreateWindowAux, EventMask, PropMode,
        SelectionNotifyEvent, WindowClass,
    };
    use x11rb::wrapper::ConnectionExt as _;
    let (conn, screen) = x11rb::connect(Some(display)).expect("connect to Xvfb");
    let root = conn.setup().roots[screen].root;
    let source = conn.generate_id().unwrap();
    conn.create_window(
        0,
        source,
        root,
        0,
        0,
        1,
        1,
        0,
        WindowClass::INPUT_ONLY,
        0,
        &CreateWindowAux::new(),
    )
    .unwrap();
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let [
        enter,
        position,
        status,
        drop,
        finished,
        selection,
        copy,
        uri_list,
    ] = [
        "XdndEnter",
        "XdndPosition",
        "XdndStatus",
        "XdndDrop",
        "XdndFinished",
        "XdndSelection",
        "XdndActionCopy",
        "text/uri-list",
    ]
    .map(atom);
    conn.set_selection_owner(source, selection, x11rb::CURRENT_TIME)
        .unwrap();
    let send = |kind: u32, data: [u32; 5]| {
        conn.send_event(
            false,
            window,
            EventMask::NO_EVENT,
            ClientMessageEvent::new(32, window, kind, data),
        )
        .unwrap();
        conn.flush().unwrap();
    };
    send(enter, [source, 5 << 24, uri_list, 0, 0]);
    send(
        position,
        [source, 0, ((x as u32) << 16) | (y as u32 & 0xffff), 0, copy],
    );
    let uri = format!("file://{}\r\n", path.display());
    let t0 = Instant::now();
    let mut dropped = false;
    loop {
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the window never finished the drop"
        );
        let Some(ev) = conn.poll_for_event().unwrap() else {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        };
        match ev {
            // The window takes what is over it: drop.
            Event::ClientMessage(m) if m.type_ == status && !dropped => {
                assert_eq!(m.data.as_data32()[1] & 1, 1, "the window refused the drop");
                send(drop, [source, 0, 0, 0, 0]);
                dropped = true;
            }
            // The window asks for the files.
            Event::SelectionRequest(r) => {
                conn.change_property8(
                    PropMode::REPLACE,
                    r.requestor,
                    r.property,
                    uri_list,
                    uri.as_bytes(),
                )
                .unwrap();
                let notify = SelectionNotifyEvent {
                    response_type: x11rb::protocol::xproto::SELECTION_NOTIFY_EVENT,
                    sequence: 0,
                    time: r.time,
                    requestor: r.requestor,
                    selection: r.selection,
                    target: r.target,
                    property: r.property,
                };
                conn.send_event(false, r.requestor, EventMask::NO_EVENT, notify)
                    .unwrap();
                conn.flush().unwrap();
            }
            Event::ClientMessage(m) if m.type_ == finished => break,
            _ => {}
        }
    }
}

fn screenshot(display: &str, to: &Path) {
    let out = Command::new("xwd")
        .env("DISPLAY", display)
        .args(["-root", "-silent", "-out", to.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(out.success());
}

#[test]
fn a_taobao_export_dropped_on_the_window_imports() {
    let s = Scratch::new();
    s.ensure_store();
    s.add_staff("DD1", "打单一", "order_printer");
    let dir = s.path("下载");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["ExportOrderList.csv", "ExportOrderDetailList.csv"] {
        std::fs::copy(crate::common::fixture("taobao-gbk", f), dir.join(f)).unwrap();
    }
    let Some(Window {
        app,
        _xvfb,
        display,
        id,
    }) = open_window(&s, &["--lang", "en"])
    else {
        return;
    };
    for part in ["DD1", "1234"] {
        xdotool(&display, &["type", "--delay", "120", part]);
        xdotool(&display, &["key", "--delay", "120", "Return"]);
        std::thread::sleep(Duration::from_millis(400));
    }
    std::thread::sleep(Duration::from_millis(800));
    // The order file only, dropped mid-window: the import screen opens with both files.
    drop_file(&display, id, 640, 400, &dir.join("ExportOrderList.csv"));
    std::thread::sleep(Duration::from_millis(800));
    screenshot(&display, &s.path("dropped.xwd"));
    assert_eq!(
        s.raw().int("SELECT count(*) FROM orders"),
        0,
        "nothing before the Import button"
    );
    // The Import button under the two files (1280×800, English).
    xdotool(&display, &["mousemove", "237", "199", "click", "1"]);
    let want = {
        let other = Scratch::new();
        other.ensure_store();
        other.import_fixture("taobao-gbk");
        other.raw().int("SELECT count(*) FROM orders")
    };
    let t0 = Instant::now();
    while s.raw().int("SELECT count(*) FROM orders") < want {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the dropped export was not imported"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    let (_, ev) = s.json(&["events", "--kind", "orders_imported", "--json"]);
    assert_eq!(
        ev[0]["staff_code"], "DD1",
        "imported by who signed in: {ev}"
    );
    let mut app = app;
    assert!(app.0.try_wait().unwrap().is_none(), "the bench is running");
    let _ = app.0.kill();
}

#[test]
fn a_receipt_csv_chosen_in_the_file_chooser_creates_a_receipt() {
    let s = Scratch::new();
    s.ensure_store();
    s.add_staff("KC1", "库管一", "stock_keeper");
    // A bench PC's home with the supplier's file in it: where the chooser opens.
    let home = s.path("home");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(
        home.join("到货单.csv"),
        "商家编码,条码,名称,规格,单价,库位,数量\nNEW-001,6901234567892,新品甲,红色,19.90,D-01-1,12\nNEW-002,,新品乙,,9.90,D-01-2,5\n",
    )
    .unwrap();
    let Some(Window {
        app,
        _xvfb,
        display,
        ..
    }) = open_window_with(&s, &["--lang", "en"], &[("HOME", home.as_path())])
    else {
        return;
    };
    for part in ["KC1", "1234"] {
        xdotool(&display, &["type", "--delay", "120", part]);
        xdotool(&display, &["key", "--delay", "120", "Return"]);
        std::thread::sleep(Duration::from_millis(400));
    }
    std::thread::sleep(Duration::from_millis(800));
    xdotool(&display, &["mousemove", "87", "79", "click", "1"]);
    std::thread::sleep(Duration::from_millis(500));
    // Choose file…, then the file in the chooser (it opens in the home folder), then Create.
    xdotool(&display, &["mousemove", "1075", "83", "click", "1"]);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(s.raw().int("SELECT count(*) FROM receipts"), 0);
    xdotool(&display, &["mousemove", "400", "211", "click", "1"]);
    std::thread::sleep(Duration::from_millis(500));
    xdotool(&display, &["mousemove", "1205", "83", "click", "1"]);
    let t0 = Instant::now();
    while s.raw().int("SELECT count(*) FROM receipts") == 0 {
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "no receipt was created"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    std::thread::sleep(Duration::from_millis(500));
    screenshot(&display, &s.path("receipts.xwd"));
    assert_eq!(
        s.raw().int("SELECT count(*) FROM receipt_lines"),
        2,
        "every line of the file"
    );
    let by = s
        .raw()
        .text("SELECT s.code FROM receipts r JOIN staff s ON s.id = r.staff_id");
    assert_eq!(by.as_deref(), Some("KC1"));
    let mut app = app;
    assert!(app.0.try_wait().unwrap().is_none(), "the bench is running");
    let _ = app.0.kill();
}
