//! Serial scanners over a pseudo-terminal pair: real bytes, split reads, terminators, noise,
//! unplug and replug; and the headless bench fed by a serial scanner.

use crate::common::Scratch;
use packbench::scan::Rejected;
use packbench::scan::serial::{SerialConfig, SerialEvent, Terminator, spawn_reader};
use serialport::{SerialPort, TTYPort};
use std::io::{BufRead, BufReader, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

/// The next event, or a panic after a generous wait.
fn next(rx: &Receiver<SerialEvent>) -> SerialEvent {
    rx.recv_timeout(Duration::from_secs(10))
        .expect("an event from the reader")
}

/// The next scan's code, skipping (and collecting) rejections.
fn next_code(rx: &Receiver<SerialEvent>, rejected: &mut Vec<Rejected>) -> String {
    loop {
        match next(rx) {
            SerialEvent::Scan(s) => return s.code,
            SerialEvent::Rejected { reason, .. } => rejected.push(reason),
            other => panic!("unexpected {other:?}"),
        }
    }
}

fn pty() -> (TTYPort, TTYPort, String) {
    let (master, slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    let path = slave.name().expect("the slave has a path");
    (master, slave, path)
}

fn write_all(port: &mut TTYPort, bytes: &[u8]) {
    port.write_all(bytes).unwrap();
    port.flush().ok();
}

/// A deterministic 10 kB of binary noise.
fn blob() -> Vec<u8> {
    let mut x = 0x9E37_79B9u32;
    (0..10_240)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn codes_come_through_whole_whatever_the_wire_does() {
    let (mut master, _slave, path) = pty();
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = spawn_reader(
        SerialConfig {
            terminator: Terminator::CrLf,
            ..SerialConfig::new(&path)
        },
        tx,
        stop.clone(),
    );
    assert_eq!(next(&rx), SerialEvent::Connected(path.clone()));
    let mut rejected = Vec::new();

    // One write.
    write_all(&mut master, b"6901234567892\r\n");
    assert_eq!(next_code(&rx, &mut rejected), "6901234567892");
    // Split over three writes.
    for part in [&b"TX20"[..], b"17B", b"KL\r"] {
        write_all(&mut master, part);
        std::thread::sleep(Duration::from_millis(15));
    }
    assert_eq!(next_code(&rx, &mut rejected), "TX2017BKL");
    // CR, LF and CRLF, several codes in one write.
    write_all(&mut master, b"7700000001\r7700000002\n7700000003\r\n");
    for want in ["7700000001", "7700000002", "7700000003"] {
        assert_eq!(next_code(&rx, &mut rejected), want);
    }
    // Noise bytes, then a 10 kB binary blob, between codes.
    write_all(&mut master, b"\x00\x07\xff\xfe\r");
    write_all(&mut master, &blob());
    write_all(&mut master, b"\r\n");
    write_all(&mut master, b"YT0001\r\n");
    assert_eq!(next_code(&rx, &mut rejected), "YT0001");
    assert!(!rejected.is_empty(), "the noise was reported");
    assert!(
        rejected.iter().all(|r| matches!(
            r,
            Rejected::NotText | Rejected::Noise | Rejected::TooLong { .. }
        )),
        "{rejected:?}"
    );
    // A blob with no terminator after it: the half line is dropped after the silence.
    write_all(&mut master, &blob()[..300]);
    std::thread::sleep(Duration::from_millis(400));
    write_all(&mut master, b"YT0002\r\n");
    assert_eq!(next_code(&rx, &mut rejected), "YT0002");
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
}

#[test]
fn an_unplugged_scanner_reconnects_and_nothing_breaks() {
    // The reader is told a stable path, as /dev/serial/by-id/… is on a real machine; unplugging
    // and replugging gives a new device behind it.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scanner");
    let (mut master, slave, path) = pty();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let name = link.to_str().unwrap().to_string();
    let reader = spawn_reader(SerialConfig::new(&name), tx, stop.clone());
    assert_eq!(next(&rx), SerialEvent::Connected(name.clone()));
    write_all(&mut master, b"7700000001\r");
    let mut rejected = Vec::new();
    assert_eq!(next_code(&rx, &mut rejected), "7700000001");

    // Unplugged: the writer side goes away.
    drop(master);
    drop(slave);
    match next(&rx) {
        SerialEvent::Lost { port, .. } => assert_eq!(port, name),
        other => panic!("expected lost, got {other:?}"),
    }
    std::fs::remove_file(&link).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Plugged in again.
    let (mut master, _slave, path) = pty();
    std::os::unix::fs::symlink(&path, &link).unwrap();
    loop {
        match next(&rx) {
            SerialEvent::Reconnected(p) => {
                assert_eq!(p, name);
                break;
            }
            SerialEvent::Lost { .. } => continue, // retries while it is away
            other => panic!("expected reconnected, got {other:?}"),
        }
    }
    write_all(&mut master, b"7700000002\r");
    assert_eq!(next_code(&rx, &mut rejected), "7700000002");
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
}

#[test]
fn a_missing_port_is_reported_and_waited_for() {
    let (tx, rx) = channel();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = spawn_reader(SerialConfig::new("/dev/no-such-scanner"), tx, stop.clone());
    assert!(matches!(next(&rx), SerialEvent::Lost { .. }));
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
}

/// Runs `packbench scan --serial` over a pty, writes `codes`, and returns the verdict lines once
/// `want` verdicts have come.
fn scan_over_serial(s: &Scratch, codes: &[String], want: usize, station: &str) -> Vec<String> {
    let (mut master, _slave, path) = pty();
    let mut child = s
        .command("admin")
        .args([
            "--station",
            station,
            "scan",
            "--mode",
            "check",
            "--json",
            "--serial",
            &path,
        ])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    assert!(line.contains("connected"), "{line}");
    let out = child.stdout.take().unwrap();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            if tx.send(l.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    for c in codes {
        write_all(&mut master, format!("{c}\r\n").as_bytes());
    }
    while lines.len() < want {
        lines.push(rx.recv_timeout(Duration::from_secs(20)).expect("a verdict"));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    lines
}

#[test]
fn the_serial_bench_gives_the_verdicts_of_the_replay() {
    let codes = |batch: &serde_json::Value| -> Vec<String> {
        let mut out = vec!["6900000000017".to_string()];
        for p in batch["parcels"].as_array().unwrap().iter().take(4) {
            out.push(p["tracking_no"].as_str().unwrap().into());
            out.push("NOSUCH01".into());
            for l in p["lines"].as_array().unwrap() {
                for _ in 0..l["qty"].as_u64().unwrap() {
                    out.push(
                        l["barcode"]
                            .as_str()
                            .or(l["sku_code"].as_str())
                            .unwrap()
                            .into(),
                    );
                }
            }
        }
        out
    };
    let replayed = Scratch::new();
    let batch = replayed.printed_batch();
    let scans = codes(&batch);
    let file = replayed.path("scans.txt");
    std::fs::write(&file, scans.join("\n") + "\n").unwrap();
    let out = replayed.ok(&[
        "scan",
        "--mode",
        "check",
        "--json",
        "--input",
        file.to_str().unwrap(),
    ]);
    let want: Vec<&str> = out.lines().collect();
    assert!(want.iter().any(|l| l.contains("\"shipped\"")));

    let serial = Scratch::new();
    let batch2 = serial.printed_batch();
    assert_eq!(codes(&batch2), scans, "the same shop");
    // `Scratch::ok` acts at station "test-bench": the serial bench does too.
    let got = scan_over_serial(&serial, &scans, want.len(), "test-bench");
    assert_eq!(got, want);
    // The same verdicts, each scan stored with where it came from.
    use crate::scan_source::sources;
    let of = |s: &Scratch, what: &str| {
        let all = sources(s, "scans");
        !all.is_empty() && all.iter().all(|x| x.as_deref() == Some(what))
    };
    assert!(of(&replayed, "replay") && of(&serial, "serial"));
}

#[test]
fn scanner_settings_belong_to_a_station() {
    let s = Scratch::new();
    s.ok(&[
        "station",
        "set",
        "--threshold-ms",
        "25",
        "--suffix",
        "tab",
        "--aim",
        "on",
        "--serial",
        "/dev/ttyUSB0:115200:cr",
    ]);
    s.ok(&["station", "set", "--serial", "/dev/ttyS1"]);
    let (_, v) = s.json(&["station", "show", "--json"]);
    assert_eq!(v["station"], "test-bench");
    assert_eq!(v["scanner"]["threshold_ms"], 25);
    assert_eq!(v["scanner"]["min_len"], 4);
    assert_eq!(v["scanner"]["suffix"], "tab");
    assert_eq!(v["scanner"]["aim"], true);
    assert_eq!(v["scanner"]["serial"][0]["path"], "/dev/ttyUSB0");
    assert_eq!(v["scanner"]["serial"][0]["baud"], 115200);
    assert_eq!(v["scanner"]["serial"][0]["terminator"], "cr");
    assert_eq!(v["scanner"]["serial"][1]["baud"], 9600);
    // Another station has its own (the defaults).
    let out = s
        .command("admin")
        .args(["--station", "bench-2", "station", "show", "--json"])
        .output()
        .unwrap();
    let other: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(other["scanner"]["threshold_ms"], 35);
    assert_eq!(other["scanner"]["serial"], serde_json::json!([]));
    // Nonsense is refused; a checker may not change settings.
    assert!(
        !s.run(&["station", "set", "--threshold-ms", "1000"])
            .status
            .success()
    );
    assert!(
        !s.run(&["station", "set", "--serial", "/dev/x:fast"])
            .status
            .success()
    );
    s.add_staff("YH01", "验货", "checker");
    assert!(
        !s.run_as("YH01", &["station", "set", "--min-len", "6"])
            .status
            .success()
    );
    s.ok(&["station", "set", "--clear-serial"]);
    let (_, v) = s.json(&["station", "show", "--json"]);
    assert_eq!(v["scanner"]["serial"], serde_json::json!([]));
    assert_eq!(v["scanner"]["threshold_ms"], 25, "what was not given stays");
}
