//! Several benches on one PostgreSQL store, as a shop with several PCs runs: they race for the
//! same parcels, one is killed mid-scan, the server is stopped and started mid-shift. Whatever
//! happens, every parcel is shipped once, every verdict a bench showed is stored, and no
//! tracking number is used twice. These run on servers of their own, whichever engine the other
//! tests use.

use crate::common::{RawDb, Scratch};
use crate::pg::{private_server, server};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Stdio};
use std::time::Duration;

/// The scan script of a whole batch: each parcel's waybill, an unknown item, its units.
fn script(batch: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for p in batch["parcels"].as_array().unwrap() {
        out.push(p["tracking_no"].as_str().unwrap().to_string());
        out.push("6900000000017".to_string());
        for l in p["lines"].as_array().unwrap() {
            let code = l["barcode"].as_str().or(l["sku_code"].as_str()).unwrap();
            for _ in 0..l["qty"].as_u64().unwrap() {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// A check session at `station`, reading scans from standard input.
fn bench(s: &Scratch, station: &str) -> Child {
    s.ensure_store();
    s.command("admin")
        .args(["--station", station, "scan", "--mode", "check", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn a bench")
}

/// The lines a bench printed: verdicts and events.
fn lines(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// What every bench may claim, checked against the store: each verdict shown (a stored scan,
/// `scan_id` > 0) is stored under its id with its verdict; each parcel was shipped by at most
/// one scan and said shipped at most once across benches; no tracking number is on two parcels.
/// Returns the parcels said shipped.
fn check_invariants(raw: &mut RawDb, shown: &[Value]) -> BTreeSet<String> {
    let stored: BTreeMap<i64, String> = raw
        .rows("SELECT id, verdict FROM scans")
        .into_iter()
        .map(|r| {
            (
                r[0].clone().unwrap().parse().unwrap(),
                r[1].clone().unwrap(),
            )
        })
        .collect();
    // A parcel said shipped, by the scan that shipped it: a bench restarted after a kill shows
    // again what it stored and may not have shown (the same scan), never another scan.
    let mut shipped: BTreeMap<String, BTreeSet<i64>> = BTreeMap::new();
    for v in shown.iter().filter(|v| v.get("verdict").is_some()) {
        let id = v["scan_id"].as_i64().unwrap_or(0);
        let verdict = v["verdict"].as_str().unwrap();
        if verdict == "shipped" {
            let t = v["tracking_no"].as_str().unwrap().to_string();
            shipped.entry(t).or_default().insert(id);
            continue;
        }
        if verdict == "not_recorded" {
            assert_eq!(id, 0);
            continue;
        }
        // A restarted bench shows its open parcel again: the state, not a scan's verdict.
        if v["replayed"] == true && verdict == "order_opened" && id == 0 {
            continue;
        }
        assert!(id > 0, "a verdict shown without a stored scan: {v}");
        // A waybill scanned while another parcel was open says both: the open one is put
        // aside, and the new one opened (the scan stored). Its alerts share that scan too.
        let stored_as = match verdict {
            "parcel_suspended" | "other_order_ready" => "order_opened",
            v => v,
        };
        assert_eq!(
            stored.get(&id).map(String::as_str),
            Some(stored_as),
            "scan {id}: {v}"
        );
    }
    let twice = raw.rows(
        "SELECT tracking_no FROM parcels WHERE tracking_no IS NOT NULL
         GROUP BY tracking_no HAVING count(*) > 1",
    );
    assert!(
        twice.is_empty(),
        "tracking numbers on two parcels: {twice:?}"
    );
    let in_store: BTreeSet<String> = raw
        .rows("SELECT tracking_no FROM parcels WHERE shipped_at IS NOT NULL")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    for (t, ids) in &shipped {
        assert_eq!(ids.len(), 1, "{t} said shipped by two scans: {ids:?}");
    }
    let shipped: BTreeSet<String> = shipped.into_keys().collect();
    assert_eq!(in_store, shipped, "shipped in the store and as said");
    // The scan that shipped a parcel is a scan of that parcel.
    let wrong = raw.int(
        "SELECT count(*) FROM parcels p JOIN scans s ON s.id = p.shipped_scan_id
         WHERE s.parcel_id <> p.id",
    );
    assert_eq!(wrong, 0);
    shipped
}

#[test]
fn four_benches_replaying_one_batch_ship_every_parcel_once_and_lose_no_scan() {
    let Some(server) = server() else {
        return;
    };
    let s = Scratch::on_server(&server.url(&server.fresh_db("four_benches")));
    let batch = s.printed_batch();
    let parcels: BTreeSet<String> = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap().to_string())
        .collect();
    let scans = script(&batch);
    let input = scans.join("\n") + "\n";
    let outputs: Vec<Vec<Value>> = std::thread::scope(|scope| {
        let runs: Vec<_> = (1..=4)
            .map(|n| {
                let (s, input) = (&s, input.clone());
                scope.spawn(move || {
                    let mut child = bench(s, &format!("bench-{n}"));
                    let mut stdin = child.stdin.take().unwrap();
                    stdin.write_all(input.as_bytes()).unwrap();
                    drop(stdin);
                    let out = child.wait_with_output().unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    lines(&out.stdout)
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let all: Vec<Value> = outputs.concat();
    let mut raw = s.raw();
    let shipped = check_invariants(&mut raw, &all);
    assert_eq!(shipped, parcels, "every parcel shipped, once");
    // No scan lost: every line each bench was fed is a stored scan of its station.
    for n in 1..=4 {
        let stored = raw.int(&format!(
            "SELECT count(*) FROM scans WHERE terminal = 'bench-{n}'"
        ));
        assert_eq!(stored, scans.len() as i64, "bench-{n}");
    }
    // They raced: more than one bench shipped something, and the others were stopped.
    let winners = outputs
        .iter()
        .filter(|o| o.iter().any(|v| v["verdict"] == "shipped"))
        .count();
    let stopped = all.iter().filter(|v| v["verdict"] == "blocked").count();
    assert!(stopped > 0, "no bench was ever stopped: did they race?");
    eprintln!(
        "{winners} of 4 benches shipped; {stopped} scans stopped at a parcel taken elsewhere"
    );
}

/// Feeds `codes` to a bench one at a time, `gap` apart, in a thread; the bench's output is
/// collected when it ends.
fn feed_slowly(
    mut child: Child,
    codes: Vec<String>,
    gap: Duration,
) -> std::thread::JoinHandle<Vec<Value>> {
    std::thread::spawn(move || {
        let mut stdin = child.stdin.take().unwrap();
        for c in codes {
            writeln!(stdin, "{c}").unwrap();
            stdin.flush().unwrap();
            std::thread::sleep(gap);
        }
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        lines(&out.stdout)
    })
}

#[test]
fn a_bench_killed_mid_scan_and_the_server_stopped_mid_shift_lose_nothing() {
    let Some(server) = private_server() else {
        return;
    };
    let s = Scratch::on_server(&server.url(&server.fresh_db("restart")));
    let batch = s.printed_batch();
    let scans = script(&batch);
    let third = scans.len() / 3;

    // Bench 2 works through the whole batch slowly, across the outage below.
    let slow = feed_slowly(
        bench(&s, "bench-2"),
        scans.clone(),
        Duration::from_millis(120),
    );

    // Bench 1 scans a third, each verdict read back, then is killed with a scan on its way.
    let mut one = bench(&s, "bench-1");
    let mut shown = Vec::new();
    {
        let stdin = one.stdin.as_mut().unwrap();
        let mut out = BufReader::new(one.stdout.take().unwrap()).lines();
        for code in &scans[..third] {
            writeln!(stdin, "{code}").unwrap();
            stdin.flush().unwrap();
            loop {
                let v: Value = serde_json::from_str(&out.next().unwrap().unwrap()).unwrap();
                let verdict = v.get("verdict").is_some();
                shown.push(v);
                if verdict {
                    break;
                }
            }
        }
        writeln!(stdin, "{}", scans[third]).unwrap();
        stdin.flush().unwrap();
    }
    one.kill().unwrap();
    one.wait().unwrap();

    // The server goes down hard (a crash, the plug pulled) while bench 2 is scanning, and
    // comes back a few seconds later.
    std::thread::sleep(Duration::from_millis(400));
    server.control(&["stop", "-m", "immediate"]);
    std::thread::sleep(Duration::from_secs(3));
    server.control(&["start"]);

    // Bench 1 again, on its station: it shows what it had stored and not shown, then the rest.
    let again = feed_slowly(
        bench(&s, "bench-1"),
        scans[third..].to_vec(),
        Duration::ZERO,
    );
    let second = slow.join().unwrap();
    let resumed = again.join().unwrap();
    assert!(
        second.iter().any(|v| v["event"] == "store_unreachable")
            && second.iter().any(|v| v["event"] == "store_reachable"),
        "bench 2 said the server went and came back: {second:?}"
    );
    let all: Vec<Value> = [shown, second.clone(), resumed].concat();
    let mut raw = s.raw();
    check_invariants(&mut raw, &all);
    // Bench 2 was fed every line and gave up on none: each is a stored scan, exactly once.
    let stored = raw.int("SELECT count(*) FROM scans WHERE terminal = 'bench-2'");
    assert_eq!(stored, scans.len() as i64, "bench-2's scans");
    let answered: BTreeSet<i64> = second
        .iter()
        .filter_map(|v| v["scan_id"].as_i64())
        .filter(|id| *id > 0)
        .collect();
    assert_eq!(answered.len(), scans.len(), "one stored answer per scan");
}

/// The bench window when the server goes away: the scan is said not recorded, in plain words
/// that name the server, no verdict is shown; once the server is back the same scan goes
/// through on a new connection, with nothing done twice.
#[test]
fn the_window_says_the_server_is_gone_and_carries_on_when_it_is_back() {
    use packbench::scan::{Scan, Source};
    use packbench::ui::i18n::Lang;
    use packbench::ui::screen::check::BannerKind;
    use packbench::ui::{App, Message};
    let Some(server) = private_server() else {
        return;
    };
    let s = Scratch::on_server(&server.url(&server.fresh_db("window")));
    let batch = s.printed_batch();
    s.add_staff("YH01", "陈验货", "checker");
    let scan = |code: &str| {
        Message::Scanned(Scan {
            code: code.into(),
            symbology: None,
            source: Source::Wedge,
            at: std::time::SystemTime::now(),
        })
    };
    let store = packbench::store::Store::open(s.db()).unwrap();
    let mut app = App::with_store(store, "bench-w", Lang::Zh);
    crate::common::sign_in_with(&mut app, "YH01", "1234");
    let first = batch["parcels"][0]["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let second = batch["parcels"][1]["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let _ = app.update(scan(&first));
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(first.clone())
    );

    server.control(&["stop", "-m", "immediate"]);
    let _ = app.update(scan(&second));
    let banner = app.check.banner.clone().expect("an error on screen");
    assert_eq!(banner.kind, BannerKind::Red);
    assert!(
        banner.text.zh.contains("连不上店里的数据库服务器")
            && banner.text.zh.contains("这次扫描没有记录"),
        "{}",
        banner.text.zh
    );
    assert!(
        banner.text.en.contains("cannot be reached") && banner.text.en.contains("not recorded"),
        "{}",
        banner.text.en
    );
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(first.clone()),
        "no verdict for the scan that was not stored"
    );

    server.control(&["start"]);
    // Scanned again until the back-off lets the bench connect (at most a few seconds).
    let t0 = std::time::Instant::now();
    loop {
        let _ = app.update(scan(&second));
        if app.check.parcel.as_ref().map(|p| p.tracking_no.clone()) == Some(second.clone()) {
            break;
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(30),
            "not back: {:?}",
            app.check.banner
        );
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    // What the screen shows of it was read through the window's own connection, its first
    // read since the server came back.
    let shown = app.check.parcel.as_ref().unwrap();
    assert!(!shown.receiver.is_empty(), "the receiver was read");
    let mut raw = s.raw();
    let opened = raw.int(&format!(
        "SELECT count(*) FROM scans WHERE code = '{second}' AND verdict = 'order_opened'"
    ));
    assert_eq!(opened, 1, "the waybill stored once");
}

/// The first read after the server restarted finds the connection gone (only a query finds
/// that out) and is made again at once on a new connection: it does not fail.
#[test]
fn the_first_read_after_a_restart_goes_through() {
    let Some(server) = private_server() else {
        return;
    };
    let s = Scratch::on_server(&server.url(&server.fresh_db("first_read")));
    s.ensure_store();
    let store = packbench::store::Store::open(s.db()).unwrap();
    let admin = packbench::flow::staff::actor(&store, "admin", "office").unwrap();
    let staff = |store: &packbench::store::Store| {
        packbench::flow::staff::list_staff(store, &admin)
            .map(|l| l.len())
            .map_err(|e| format!("{e:#}"))
    };
    let before = staff(&store).unwrap();
    server.control(&["stop", "-m", "immediate"]);
    server.control(&["start"]);
    assert_eq!(
        staff(&store),
        Ok(before),
        "the first read after the restart"
    );
}
