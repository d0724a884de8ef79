//! Serial scanner latency: from the last byte of a code written to a pseudo-terminal to its
//! verdict on the standard output of `packbench scan --serial`, over 10,000 scans of a real shift
//! (waybills and items of printed parcels, every verdict stored before it is printed).
//! Target: p99 ≤ 5 ms. `cargo bench --bench serial`; `PACKBENCH_BENCH_SCANS=N` changes the count.

use serialport::{SerialPort, TTYPort};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

const PACKBENCH: &str = env!("CARGO_BIN_EXE_packbench");

fn packbench(db: &Path, args: &[&str]) -> String {
    let out = Command::new(PACKBENCH)
        .arg("--db")
        .arg(db)
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", "1234")
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

/// A demo store with a printed batch big enough for `scans` scans; returns the scan script.
fn prepare(dir: &Path, scans: usize) -> (PathBuf, Vec<String>) {
    let db = dir.join("serial-bench.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
    let orders = (scans as f64 * 0.9) as u64 + 200;
    packbench(&db, &["demo", "--orders", &orders.to_string()]);
    packbench(
        &db,
        &[
            "waybills",
            "add",
            "--courier",
            "ZTO",
            "--range",
            "7700000001-7700099999",
        ],
    );
    let batch: serde_json::Value = serde_json::from_str(&packbench(
        &db,
        &["batch", "create", "--courier", "ZTO", "--json"],
    ))
    .unwrap();
    let mut script = Vec::new();
    for p in batch["parcels"].as_array().unwrap() {
        script.push(p["tracking_no"].as_str().unwrap().to_string());
        for l in p["lines"].as_array().unwrap() {
            for _ in 0..l["qty"].as_u64().unwrap() {
                script.push(
                    l["barcode"]
                        .as_str()
                        .or(l["sku_code"].as_str())
                        .unwrap()
                        .to_string(),
                );
            }
        }
        if script.len() >= scans {
            break;
        }
    }
    script.truncate(scans);
    assert_eq!(script.len(), scans, "the batch is big enough");
    (db, script)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let scans: usize = std::env::var("PACKBENCH_BENCH_SCANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("serial-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let (db, script) = prepare(&dir, scans);

    let (mut master, _slave) = TTYPort::pair().expect("a pseudo-terminal pair");
    let path = _slave.name().expect("the slave's path");
    let mut child = Command::new(PACKBENCH)
        .arg("--db")
        .arg(&db)
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", "1234")
        .args([
            "--station",
            "bench-serial",
            "scan",
            "--mode",
            "check",
            "--json",
            "--serial",
            &path,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the serial bench");
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.contains("connected"), "{first}");
    let (tx, rx) = channel::<(Instant, String)>();
    let out = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            if tx.send((Instant::now(), line.unwrap())).is_err() {
                break;
            }
        }
    });

    let mut latencies = Vec::with_capacity(scans);
    let mut verdicts = std::collections::BTreeMap::<String, usize>::new();
    for code in &script {
        master.write_all(format!("{code}\r\n").as_bytes()).unwrap();
        let sent = Instant::now();
        let (at, line) = rx.recv_timeout(Duration::from_secs(10)).expect("a verdict");
        latencies.push(at - sent);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        let name = v["verdict"].as_str().unwrap().to_string();
        // A scan that completes a parcel prints `shipped` after it; one that opens a parcel while
        // another is open prints `order_opened` after `parcel_suspended`.
        if name == "parcel_complete" || name == "parcel_suspended" {
            let (_, second) = rx
                .recv_timeout(Duration::from_secs(10))
                .expect("the second verdict");
            let v: serde_json::Value = serde_json::from_str(&second).unwrap();
            *verdicts
                .entry(v["verdict"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
        *verdicts.entry(name).or_default() += 1;
    }
    child.kill().ok();
    child.wait().ok();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = percentile(&latencies, 0.50);
    let p99 = percentile(&latencies, 0.99);
    println!(
        "serial scan → stored verdict on stdout, {} scans",
        latencies.len()
    );
    println!("  verdicts: {verdicts:?}");
    println!(
        "  p50 {:.3} ms   p90 {:.3} ms   p99 {:.3} ms   max {:.3} ms",
        ms(p50),
        ms(percentile(&latencies, 0.90)),
        ms(p99),
        ms(*latencies.last().unwrap())
    );
    println!(
        "  target p99 ≤ 5 ms: {}",
        if ms(p99) <= 5.0 { "met" } else { "NOT met" }
    );
    let _ = master.flush();
}
