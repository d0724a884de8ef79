//! Trust in the store under a shop's worst day, with the real binary: another process's write
//! lock never kills a bench nor loses a scan, reads never wait, store problems are said in plain
//! words, a damaged store is refused untouched, a restart shows a shipment it replays, and one
//! station name is one bench.

use crate::common::{RawDb, Scratch, on_postgres, verdicts};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// The engines' own words, which must never reach the person at the bench: SQLite's, then
/// PostgreSQL's (and its client's) for a lock waited out or a failed statement.
pub const RAW: [&str; 12] = [
    "database is locked",
    "disk I/O error",
    "attempt to write a readonly database",
    "unable to open database file",
    "database disk image is malformed",
    "database or disk is full",
    "file is not a database",
    "lock timeout",
    "canceling statement",
    "db error",
    "SQLSTATE",
    "pg_advisory",
];

fn assert_plain(text: &str) {
    for raw in RAW {
        assert!(
            !text.contains(raw),
            "the engine's words {raw:?} reached the user: {text}"
        );
    }
}

/// Another process's write lock on the store (an import, another PC), held until `release`
/// or drop: on SQLite an immediate transaction, on PostgreSQL the store's write lock.
struct WriteLock {
    conn: Option<RawDb>,
}

impl WriteLock {
    fn hold(s: &Scratch) -> WriteLock {
        WriteLock {
            conn: Some(s.hold_write_lock()),
        }
    }

    fn release(&mut self) {
        if let Some(mut c) = self.conn.take() {
            c.exec("ROLLBACK");
        }
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        self.release();
    }
}

/// `packbench --db … --station STATION scan --mode check --json ARGS…`, stdin piped.
pub fn spawn_scan(s: &Scratch, station: &str, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_packbench"))
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", crate::common::PIN)
        .arg("--db")
        .arg(s.db())
        .args(["--station", station, "scan", "--mode", "check", "--json"])
        .args(args)
        .env_remove("PACKBENCH_DB")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Every line of the child's stdout and stderr as it comes, with when it came.
fn lines_of(child: &mut Child) -> Receiver<(Instant, bool, String)> {
    let (tx, rx) = channel();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let tx2 = tx.clone();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines().map_while(Result::ok) {
            let _ = tx.send((Instant::now(), true, l));
        }
    });
    std::thread::spawn(move || {
        for l in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx2.send((Instant::now(), false, l));
        }
    });
    rx
}

/// Waits for the child to end, at most `limit`.
fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let end = Instant::now() + limit;
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            return st;
        }
        assert!(Instant::now() < end, "the process did not end");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Each parcel's waybill, then its units.
fn script(batch: &Value, parcels: usize) -> Vec<String> {
    let mut out = Vec::new();
    for p in batch["parcels"].as_array().unwrap().iter().take(parcels) {
        out.push(p["tracking_no"].as_str().unwrap().to_string());
        for l in p["lines"].as_array().unwrap() {
            let code = l["barcode"].as_str().or(l["sku_code"].as_str()).unwrap();
            for _ in 0..l["qty"].as_u64().unwrap() {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// A station name as an SQL literal (the tests' names have no quote in them).
fn literal(station: &str) -> String {
    assert!(!station.contains('\''), "{station}");
    format!("'{station}'")
}

fn stored_scans(s: &Scratch, station: &str) -> i64 {
    s.raw().int(&format!(
        "SELECT count(*) FROM scans WHERE terminal = {}",
        literal(station)
    ))
}

#[test]
fn a_replay_waits_out_a_15_s_lock_and_stores_every_scan() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let scans = script(&batch, 3);
    let input = s.path("scans.txt");
    std::fs::write(&input, scans.join("\n") + "\n").unwrap();
    let mut lock = WriteLock::hold(&s);
    let t0 = Instant::now();
    let mut child = spawn_scan(&s, "lock-1", &["--input", input.to_str().unwrap()]);
    let rx = lines_of(&mut child);
    // The wait is said within a second, as a JSON event in the stream of verdicts.
    let (at, stdout, first) = rx.recv_timeout(Duration::from_secs(5)).expect("a word");
    assert!(stdout, "{first}");
    let event: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(event["event"], "store_busy", "{first}");
    assert!(
        at - t0 < Duration::from_secs(1),
        "the wait was said after {:?}",
        at - t0
    );
    assert!(event["message_zh"].as_str().unwrap().contains("不会丢"));
    // The lock is held 15 s: the bench stays up (it gave up after 10 s and exited).
    while t0.elapsed() < Duration::from_secs(15) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the bench died under the lock after {:?}",
            t0.elapsed()
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(stored_scans(&s, "lock-1"), 0);
    lock.release();
    let status = wait_for(&mut child, Duration::from_secs(60));
    let lines: Vec<(bool, String)> = rx.try_iter().map(|(_, o, l)| (o, l)).collect();
    assert!(status.success(), "{lines:?}");
    let out: Vec<Value> = lines
        .iter()
        .filter(|(o, _)| *o)
        .map(|(_, l)| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        out.iter().any(|v| v["event"] == "store_free"),
        "carrying on is said: {out:?}"
    );
    let shown: Vec<&Value> = out.iter().filter(|v| v["verdict"].is_string()).collect();
    // Every scan stored and its verdict shown; each parcel shipped.
    assert_eq!(stored_scans(&s, "lock-1"), scans.len() as i64);
    let ids: std::collections::BTreeSet<i64> = shown
        .iter()
        .map(|v| v["scan_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), scans.len(), "{:?}", lines);
    assert_eq!(
        shown.iter().filter(|v| v["verdict"] == "shipped").count(),
        3
    );
    for (_, l) in &lines {
        assert_plain(l);
    }
}

#[test]
fn reads_answer_at_once_beside_a_writer_and_from_a_read_only_store() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "20"]);
    let _lock = WriteLock::hold(&s);
    let t = Instant::now();
    let out = s.ok(&["orders", "list", "--limit", "5"]);
    assert!(
        t.elapsed() < Duration::from_secs(2),
        "orders list waited {:?} for another's write",
        t.elapsed()
    );
    assert_eq!(out.lines().count(), 6, "a header and five orders: {out}");
    drop(_lock);
    if on_postgres() {
        // The rest is about the SQLite file: a copy of it marked read-only.
        return;
    }

    // A copy marked read-only (a backup) is read; a write is refused in plain words.
    let copy = s.path("copy.db");
    std::fs::copy(s.db(), &copy).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o444)).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_packbench"))
            .env("PACKBENCH_STAFF", "admin")
            .env("PACKBENCH_PIN", crate::common::PIN)
            .arg("--db")
            .arg(&copy)
            .args(args)
            .env_remove("PACKBENCH_DB")
            .output()
            .unwrap()
    };
    let list = run(&["orders", "list", "--limit", "3", "--json"]);
    assert!(list.status.success(), "{list:?}");
    let v: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    let no = v[0]["order_no"].as_str().unwrap().to_string();
    let before = std::fs::read(&copy).unwrap();
    let remark = run(&["order", "remark", &no, "加急"]);
    assert!(!remark.status.success());
    let err = String::from_utf8_lossy(&remark.stderr);
    assert!(err.contains("只读") && err.contains("read-only"), "{err}");
    assert_plain(&err);
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        before,
        "the copy was written"
    );
}

#[test]
fn a_write_that_waits_too_long_is_refused_in_plain_words() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "5"]);
    let (_, v) = s.json(&["orders", "list", "--limit", "1", "--json"]);
    let no = v[0]["order_no"].as_str().unwrap().to_string();
    let _lock = WriteLock::hold(&s);
    let t = Instant::now();
    let out = s.run(&["order", "remark", &no, "加急"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    // Said at once, then refused after the wait: what happened and what to do, both languages.
    assert!(
        err.contains("正在等它写完") && err.contains("waiting"),
        "{err}"
    );
    assert!(
        err.contains("另一台工位正在写入，请稍后再试") && err.contains("try again in a moment"),
        "{err}"
    );
    assert!(t.elapsed() >= Duration::from_secs(9), "{:?}", t.elapsed());
    assert_plain(&err);
    assert_plain(&String::from_utf8_lossy(&out.stdout));
}

/// Overwrites the header of a page in the middle of the file (a disk that lost a sector).
pub fn damage(db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let (size, count, free): (i64, i64, i64) = c
        .query_row(
            "SELECT page_size, page_count, freelist_count FROM pragma_page_size, pragma_page_count, pragma_freelist_count",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    drop(c);
    assert_eq!(free, 0, "every page holds data");
    overwrite(db, (count / 2 * size) as usize);
}

/// 64 bytes of garbage at `at`.
fn overwrite(db: &Path, at: usize) {
    let mut bytes = std::fs::read(db).unwrap();
    for (i, b) in bytes[at..at + 64].iter_mut().enumerate() {
        *b = 0xA5 ^ (i as u8);
    }
    std::fs::write(db, bytes).unwrap();
}

#[test]
fn a_damaged_store_is_refused_with_what_to_do_and_left_as_it_was() {
    if on_postgres() {
        return; // about the SQLite file: its bytes damaged on disk (a server checks its own pages)
    }
    let s = Scratch::new();
    let batch = s.printed_batch();
    damage(&s.db());
    let before = std::fs::read(s.db()).unwrap();
    let code = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let mut child = spawn_scan(&s, "bench-d", &[]);
    // It may have refused (and closed its input) already.
    let _ = writeln!(child.stdin.take().unwrap(), "{code}");
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "a damaged store was used");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("已损坏") && err.contains("备份") && err.contains("store.db"),
        "{err}"
    );
    assert!(err.contains("damaged") && err.contains("restore the latest backup"));
    assert_plain(&err);
    assert!(out.stdout.is_empty(), "no verdict on a damaged store");
    // Any other command that meets the damage says so in plain words too.
    for args in [
        &["orders", "list", "--limit", "100000"][..],
        &["stock", "verify"],
    ] {
        let o = s.run(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_plain(&err);
        assert_plain(&String::from_utf8_lossy(&o.stdout));
        if !o.status.success() {
            assert!(err.contains("store.db") && err.contains("备份"), "{err}");
        }
    }
    // Damage every command meets (the schema, after the file header): named with what to do.
    let small = Scratch::new();
    small.ok(&["demo", "--orders", "30"]);
    overwrite(&small.db(), 100);
    let o = small.run(&["orders", "list", "--limit", "1"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    assert!(
        err.contains("store.db 已损坏") && err.contains("restore the latest backup"),
        "{err}"
    );
    assert_plain(&err);
    assert_eq!(
        std::fs::read(s.db()).unwrap(),
        before,
        "the store was changed"
    );
}

#[test]
fn a_bench_killed_right_after_shipping_shows_shipped_on_restart() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let scans = script(&batch, 1);
    let tracking = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let mut child = spawn_scan(&s, "bench-r", &[]);
    let mut stdin = child.stdin.take().unwrap();
    for c in &scans {
        writeln!(stdin, "{c}").unwrap();
    }
    stdin.flush().unwrap();
    let rx = lines_of(&mut child);
    // Killed as soon as the shipment is on the screen, before another scan comes.
    loop {
        let (_, _, l) = rx.recv_timeout(Duration::from_secs(20)).expect("verdicts");
        if l.contains("\"verdict\":\"shipped\"") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);
    let resumed = s.scan("bench-r", "check", &[]);
    let names = verdicts(&resumed);
    let complete = names
        .iter()
        .position(|v| v == "parcel_complete")
        .unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(
        names.get(complete + 1).map(String::as_str),
        Some("shipped"),
        "the replay says the parcel shipped: {names:?}"
    );
    let shipped = &resumed[complete + 1];
    assert_eq!(shipped["tracking_no"], tracking);
    assert_eq!(shipped["replayed"], true);
    assert_eq!(shipped["scan_id"], resumed[complete]["scan_id"]);
    // Shown now: a second restart replays nothing.
    assert!(s.scan("bench-r", "check", &[]).is_empty());
}

/// Waits until a bench holds the station's lease.
pub fn wait_for_lease(s: &Scratch, station: &str) {
    let end = Instant::now() + Duration::from_secs(20);
    let mut raw = s.raw();
    loop {
        let held = raw.int(&format!(
            "SELECT count(*) FROM station_leases WHERE terminal = {}",
            literal(station)
        ));
        if held > 0 {
            return;
        }
        assert!(Instant::now() < end, "no lease taken");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn one_station_name_is_one_bench_and_a_killed_bench_frees_it() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let mut first = spawn_scan(&s, "bench-same", &[]);
    let mut first_in = first.stdin.take().unwrap();
    writeln!(first_in, "{t}").unwrap();
    first_in.flush().unwrap();
    wait_for_lease(&s, "bench-same");
    // A second bench under the same name is refused, saying which and what to do.
    let second = spawn_scan(&s, "bench-same", &[]);
    let out = second.wait_with_output().unwrap();
    assert!(!out.status.success(), "two benches share one name");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bench-same") && err.contains("--station"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "it replayed the other's scans");
    // Another name works beside it.
    assert_eq!(
        verdicts(&s.scan("bench-other", "check", &[])),
        Vec::<String>::new()
    );
    // kill -9: the name is free at once for the next bench on this PC, which resumes it.
    first.kill().unwrap();
    first.wait().unwrap();
    let resumed = s.scan("bench-same", "check", &[]);
    assert!(
        resumed
            .iter()
            .any(|v| v["verdict"] == "order_opened" && v["tracking_no"] == t),
        "{resumed:?}"
    );
    // Closed cleanly, the name is let go.
    let left = s.raw().int("SELECT count(*) FROM station_leases");
    assert_eq!(left, 0);
}

/// A figure for the note: scans fed one every 100 ms while another process holds the write
/// lock for 5 s. When is the wait first said, and is every scan stored after?
#[test]
fn scan_latency_under_a_5_s_lock() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let scans = script(&batch, 2);
    let mut child = spawn_scan(&s, "lock-5", &[]);
    let rx = lines_of(&mut child);
    let mut stdin = child.stdin.take().unwrap();
    // Started and idle: its lease taken, nothing waiting.
    wait_for_lease(&s, "lock-5");
    let mut lock = WriteLock::hold(&s);
    let t0 = Instant::now();
    let mut sent = Vec::new();
    for c in &scans {
        sent.push(Instant::now());
        writeln!(stdin, "{c}").unwrap();
        stdin.flush().unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    let busy = loop {
        let (at, _, l) = rx.recv_timeout(Duration::from_secs(5)).expect("a word");
        if l.contains("store_busy") {
            break at;
        }
    };
    std::thread::sleep(Duration::from_secs(5).saturating_sub(t0.elapsed()));
    lock.release();
    let released = Instant::now();
    drop(stdin);
    let status = wait_for(&mut child, Duration::from_secs(60));
    assert!(status.success());
    let answers: Vec<(Instant, Value)> = rx
        .try_iter()
        .filter(|(_, o, _)| *o)
        .map(|(at, _, l)| (at, serde_json::from_str(&l).unwrap()))
        .filter(|(_, v): &(Instant, Value)| v["scan_id"].as_i64().is_some_and(|id| id > 0))
        .collect();
    let first_scan = sent[0];
    assert!(busy - first_scan < Duration::from_secs(1));
    assert_eq!(stored_scans(&s, "lock-5"), scans.len() as i64);
    let last = answers.last().map(|(at, _)| *at).unwrap();
    eprintln!(
        "5 s lock: {} scans; wait said {} ms after the first scan; lock released at {} ms; every scan stored, last verdict {} ms after release",
        scans.len(),
        (busy - first_scan).as_millis(),
        (released - t0).as_millis(),
        (last - released).as_millis()
    );
}

#[test]
fn a_serial_scan_locked_out_past_8_s_is_answered_not_recorded_and_the_bench_goes_on() {
    use serialport::{SerialPort, TTYPort};
    let s = Scratch::new();
    let batch = s.printed_batch();
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let (mut master, slave) = TTYPort::pair().unwrap();
    let port = slave.name().unwrap();
    let mut child = spawn_scan(&s, "lock-s", &["--serial", &port]);
    let rx = lines_of(&mut child);
    wait_for_lease(&s, "lock-s");
    let mut lock = WriteLock::hold(&s);
    let t0 = Instant::now();
    master.write_all(format!("{t}\r\n").as_bytes()).unwrap();
    master.flush().unwrap();
    let next = |what: &str| loop {
        let (at, out, l) = rx
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("no {what}"));
        if out && l.contains(what) {
            break (at, serde_json::from_str::<Value>(&l).unwrap());
        }
    };
    let (busy, _) = next("store_busy");
    assert!(busy - t0 < Duration::from_secs(1), "{:?}", busy - t0);
    let (at, v) = next("not_recorded");
    assert!(at - t0 >= Duration::from_secs(7), "{:?}", at - t0);
    assert_eq!(
        (v["code"].as_str(), v["reason"].as_str()),
        (Some(t), Some("busy"))
    );
    assert_eq!(
        v["message_zh"],
        "另一台工位正在写入，这次扫描没有记录，请再扫一次"
    );
    assert!(child.try_wait().unwrap().is_none(), "the bench is still up");
    assert_eq!(stored_scans(&s, "lock-s"), 0);
    // Scanned again once the lock is gone: recorded.
    lock.release();
    master.write_all(format!("{t}\r\n").as_bytes()).unwrap();
    master.flush().unwrap();
    let (_, v) = next("order_opened");
    assert_eq!(v["tracking_no"], t);
    assert_eq!(stored_scans(&s, "lock-s"), 1);
    child.kill().unwrap();
    child.wait().unwrap();
    drop(slave);
}

#[test]
fn a_disk_fault_and_a_store_that_cannot_be_opened_read_in_plain_words() {
    if on_postgres() {
        return; // about the SQLite file: the store file may not grow, its WAL cannot be made
    }
    use std::os::unix::process::CommandExt;
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "20"]);
    let say = |o: &std::process::Output| {
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(!o.status.success(), "{err}");
        assert_plain(&err);
        assert_plain(&String::from_utf8_lossy(&o.stdout));
        err
    };
    // The disk refuses to grow the files (a failing drive, a quota): a write fails underneath.
    let size = std::fs::metadata(s.db()).unwrap().len();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_packbench"));
    cmd.env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", crate::common::PIN)
        .arg("--db")
        .arg(s.db())
        .args(["demo", "--orders", "3000", "--seed", "5"]);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: size + 8192,
                rlim_max: size + 8192,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let err = say(&cmd.output().unwrap());
    assert!(
        err.contains("读写数据库文件时出错") && err.contains("check the disk"),
        "{err}"
    );
    // Its journal cannot be made (a folder in its place): cannot be opened.
    let wal = s.path("store.db-wal");
    let _ = std::fs::remove_file(&wal);
    std::fs::create_dir(&wal).unwrap();
    let err = say(&s.run(&["orders", "list", "--limit", "1"]));
    std::fs::remove_dir(&wal).unwrap();
    assert!(
        err.contains("无法打开数据库文件") && err.contains("cannot be opened"),
        "{err}"
    );
    // Nothing was lost: the store reads as before.
    assert_eq!(
        s.ok(&["orders", "list", "--limit", "100"]).lines().count(),
        21
    );
}
