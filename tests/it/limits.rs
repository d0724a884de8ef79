//! Limits on every input (issue 12, findings 5 and 11), run on the real binary: scanner lines
//! are split and cleaned by one reader on every path and bounded while read, imports refuse
//! devices and over-long fields by name, and big listings stream.
//!
//! Peak memory is the child's `VmHWM` in `/proc/PID/status`, sampled every 10 ms while it runs
//! (from its own program only: before `exec` the child shares the test process's memory, which
//! is also why `wait4`'s `ru_maxrss` cannot be used here). The high-water mark only grows, so
//! the last sample is the peak up to a few milliseconds before exit; every run measured here
//! takes seconds.

use crate::common::{Scratch, fixture, read_gbk, verdicts, write_gbk};
use packbench::print::waybill::{self, Sender, Waybill, WaybillItem, WaybillOptions};
use serde_json::Value;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// What a measured run gave.
struct Measured {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    /// Peak resident memory of the program, in MB, and how many samples saw it.
    peak_mb: u64,
    samples: usize,
    took: Duration,
}

impl Measured {
    fn peak_under(&self, mb: u64) {
        assert!(self.samples > 0, "the run ended before it was measured");
        assert!(self.peak_mb < mb, "peak {} MB", self.peak_mb);
    }
}

/// `VmHWM` of `pid` in kB, once it runs packbench itself.
fn high_water_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
    };
    if field("Name:")? != "packbench" {
        return None;
    }
    field("VmHWM:")?.split_whitespace().next()?.parse().ok()
}

/// Runs `packbench --db <scratch store> --staff admin --station test-bench ARGS…` (as
/// `Scratch::run` does), its output to files, sampling its peak memory until it ends.
fn measured(s: &Scratch, args: &[&str]) -> Measured {
    let out_path = s.path("measured.out");
    let err_path = s.path("measured.err");
    let started = Instant::now();
    s.ensure_store();
    let mut child = s
        .command("admin")
        .args(["--station", "test-bench"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("spawn packbench");
    let (mut peak_kb, mut samples) = (0, 0);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(kb) = high_water_kb(child.id()) {
            peak_kb = peak_kb.max(kb);
            samples += 1;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Measured {
        code: status.code(),
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned(),
        peak_mb: peak_kb / 1024,
        samples,
        took: started.elapsed(),
    }
}

fn json_lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

/// The first parcel of the printed batch: its tracking number and the barcode of its first item.
fn first_parcel(batch: &Value) -> (String, String) {
    let p = &batch["parcels"][0];
    let tracking = p["tracking_no"].as_str().unwrap().to_string();
    let barcode = p["lines"][0]["barcode"].as_str().unwrap().to_string();
    (tracking, barcode)
}

fn replay_file(s: &Scratch, name: &str, bytes: &[u8]) -> String {
    let path = s.path(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

fn check_replay(s: &Scratch, input: &str) -> Vec<Value> {
    let out = s.ok(&["scan", "--mode", "check", "--json", "--input", input]);
    json_lines(&out)
}

/// What a verdict says, without what differs from run to run (scan ids).
fn said(v: &Value) -> Value {
    let mut v = v.clone();
    v.as_object_mut().unwrap().remove("scan_id");
    v
}

#[test]
fn a_replay_with_cr_only_line_ends_is_one_scan_a_line() {
    // Was: only LF ended a line, so "waybill CR item CR" was one scan of both codes run together.
    let s = Scratch::new();
    let (tracking, barcode) = first_parcel(&s.printed_batch());
    let input = replay_file(&s, "cr.txt", format!("{tracking}\r{barcode}\r").as_bytes());
    let v = check_replay(&s, &input);
    let names = verdicts(&v);
    assert_eq!(names[0], "order_opened", "{v:?}");
    assert_eq!(v[0]["tracking_no"], tracking.as_str());
    assert!(
        names[1] == "item_ok" || names[1] == "parcel_complete",
        "{names:?}"
    );
    assert_eq!(v[1]["barcode"], barcode.as_str());
    // CRLF and LF mixed in one file: one scan a line, no empty scans between.
    let s = Scratch::new();
    let (tracking, barcode) = first_parcel(&s.printed_batch());
    let input = replay_file(
        &s,
        "crlf.txt",
        format!("{tracking}\r\n{barcode}\n").as_bytes(),
    );
    let again = check_replay(&s, &input);
    assert_eq!(verdicts(&again), names);
}

#[test]
fn full_width_digits_and_aim_prefixes_replay_like_the_clean_code() {
    // Was: only the wedge folded full width and stripped AIM identifiers; a replay looked the
    // raw text up and found nothing.
    let clean = Scratch::new();
    let (tracking, barcode) = first_parcel(&clean.printed_batch());
    let input = replay_file(
        &clean,
        "clean.txt",
        format!("{tracking}\n{barcode}\n").as_bytes(),
    );
    let expected: Vec<Value> = check_replay(&clean, &input).iter().map(said).collect();
    assert_eq!(verdicts(&expected)[0], "order_opened");

    let messy = Scratch::new();
    messy.printed_batch();
    // The station's scanners send AIM identifiers (`station set --aim on`).
    messy.ok(&["station", "set", "--aim", "on"]);
    let full_width: String = tracking
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xfee0).unwrap())
        .collect();
    let input = replay_file(
        &messy,
        "messy.txt",
        format!("]C1{full_width}\r\n]E0{barcode}\u{7}\r\n").as_bytes(),
    );
    let got: Vec<Value> = check_replay(&messy, &input).iter().map(said).collect();
    assert_eq!(got, expected);
}

#[test]
fn a_300_mb_line_is_one_refused_scan_in_bounded_memory() {
    // Was: the whole line was read before its length was checked (597 MB for a 300 MB line).
    let s = Scratch::new();
    let (tracking, _) = first_parcel(&s.printed_batch());
    let path = s.path("long.txt");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block = vec![b'7'; 1 << 20];
        for _ in 0..300 {
            f.write_all(&block).unwrap();
        }
        writeln!(f).unwrap();
        writeln!(f, "{tracking}").unwrap();
    }
    let r = measured(
        &s,
        &[
            "scan",
            "--mode",
            "check",
            "--json",
            "--input",
            path.to_str().unwrap(),
        ],
    );
    std::fs::remove_file(&path).unwrap();
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v = json_lines(&r.stdout);
    assert_eq!(verdicts(&v), ["scan_rejected", "order_opened"], "{v:?}");
    assert_eq!(v[0]["reason"], "too_long");
    assert!(
        v[0]["message_en"]
            .as_str()
            .unwrap()
            .contains(&(300u64 << 20).to_string()),
        "{}",
        v[0]
    );
    assert_eq!(v[1]["tracking_no"], tracking.as_str());
    r.peak_under(100);
}

#[test]
fn dev_zero_as_scan_input_is_refused_not_an_abort() {
    // Was: "memory allocation … failed" and an abort.
    let s = Scratch::new();
    s.printed_batch();
    let r = measured(&s, &["scan", "--mode", "check", "--input", "/dev/zero"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("no line end"), "{}", r.stderr);
    r.peak_under(100);
    // The stock modes read through the same reader.
    let receipt = s.path("r.csv");
    std::fs::write(
        &receipt,
        "商家编码,条码,名称,规格,单价,库位,数量\nLIM-1,,限长测试,,1.00,Z-01-1,1\n",
    )
    .unwrap();
    s.ok(&["receipt", "create", receipt.to_str().unwrap()]);
    let r = measured(
        &s,
        &[
            "scan",
            "--mode",
            "inbound-check",
            "--receipt",
            "R1",
            "--input",
            "/dev/zero",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("no line end"), "{}", r.stderr);
}

#[test]
fn importing_dev_zero_is_refused_at_once() {
    // Was: never ended (the encoding sniffer read on and on).
    let s = Scratch::new();
    let r = measured(
        &s,
        &["import", "orders", "/dev/zero", "/dev/zero", "--json"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let codes: Vec<&str> = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["not_a_file", "not_a_file"], "{v}");
    let r = measured(&s, &["import", "products", "/dev/zero"]);
    assert_eq!(r.code, Some(1));
    assert!(r.stdout.contains("not a regular file") || r.stderr.contains("not a regular file"));
    // A pool of tracking numbers from a device: was read to the end of memory.
    let r = measured(
        &s,
        &["waybills", "add", "--courier", "ZTO", "--file", "/dev/zero"],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.took < Duration::from_secs(10), "took {:?}", r.took);
    assert!(
        r.stderr.contains("not a file of tracking numbers"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_remark_or_hold_note_over_1000_characters_is_refused() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    let order = "2604015407453871400";
    let long = "急".repeat(1001);
    let err = s.fails_as("admin", &["order", "remark", order, &long]);
    assert!(err.contains("at most 1000"), "{err}");
    let err = s.fails_as(
        "admin",
        &[
            "review", "hold", order, "--reason", "other", "--note", &long,
        ],
    );
    assert!(err.contains("at most 1000"), "{err}");
    s.ok(&["order", "remark", order, &"急".repeat(1000)]);
}

#[test]
fn a_5_000_000_character_buyer_message_is_a_named_bad_row() {
    // Was: imported, and a waybill print of it took gigabytes.
    let s = Scratch::new();
    let orders = s.path("ExportOrderList.csv");
    let lines = s.path("ExportOrderDetailList.csv");
    let text = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv"));
    let mut rows: Vec<String> = text.split('\n').map(str::to_string).collect();
    // Row 2's buyer message (买家留言, the 12th column) is "发中通".
    assert!(rows[1].contains(",发中通,"), "{}", rows[1]);
    rows[1] = rows[1].replacen(",发中通,", &format!(",{},", "留".repeat(5_000_000)), 1);
    write_gbk(&orders, &rows.join("\n"));
    std::fs::copy(fixture("taobao-gbk", "ExportOrderDetailList.csv"), &lines).unwrap();
    let r = measured(
        &s,
        &[
            "import",
            "orders",
            orders.to_str().unwrap(),
            lines.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stdout.len() < 10_000,
        "a page of {} bytes",
        r.stdout.len()
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let bad = v["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["code"] == "too_long")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(bad["file"], "ExportOrderList.csv");
    assert_eq!(bad["line"], 2);
    assert_eq!(bad["column"], "买家留言");
    let reason = bad["reason"].as_str().unwrap();
    assert!(
        reason.contains("5000000") && reason.contains("at most 500"),
        "{reason}"
    );
    r.peak_under(200);

    // A catalogue's product name, and a receipt's, likewise.
    let products = s.path("p.csv");
    std::fs::write(
        &products,
        format!(
            "商家编码,条码,名称,规格,单价,库位,库存\nLIM-2,,{},,1.00,Z-01-2,0\n",
            "名".repeat(1000)
        ),
    )
    .unwrap();
    let (ok, v) = s.json(&["import", "products", products.to_str().unwrap(), "--json"]);
    assert!(!ok);
    assert_eq!(v["rejected"][0]["column"], "名称", "{v}");
    assert_eq!(v["rejected"][0]["code"], "too_long", "{v}");
}

#[test]
fn waybills_with_a_huge_buyer_message_print_only_what_fits() {
    // Was: every character laid out and drawn, 1.9 GB for nine waybills.
    let message = "请".repeat(5_000_000);
    let one = Waybill {
        courier: "ZTO".into(),
        tracking_no: "7700000001".into(),
        batch_id: packbench::domain::BatchId(1),
        seq: 1,
        of: 9,
        receiver_name: "欧阳娜娜".repeat(100_000),
        receiver_phone: "13800138000".into(),
        receiver_address: "浙江省杭州市".repeat(100_000),
        sender: Sender {
            name: "小林家".into(),
            phone: "0571-88886666".into(),
            address: "杭州".into(),
        },
        order_nos: vec!["2604015407453871400".into()],
        items: vec![WaybillItem {
            sku_code: "TX2017-GY-S".into(),
            qty: 1,
            spec: String::new(),
        }],
        buyer_message: message,
        printed_at: "2026-11-30 09:30".into(),
        reprint: false,
    };
    let waybills: Vec<Waybill> = (1..=9)
        .map(|seq| Waybill {
            seq,
            tracking_no: format!("770000000{seq}"),
            ..one.clone()
        })
        .collect();
    let started = Instant::now();
    let pdf = waybill::pdf(&waybills, &WaybillOptions::default()).unwrap();
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    let path = std::env::temp_dir().join(format!("limits-{}.pdf", std::process::id()));
    std::fs::write(&path, &pdf).unwrap();
    let text = crate::common::pdf_text(&path);
    std::fs::remove_file(&path).unwrap();
    assert!(text.contains('…'), "the cut is marked");
    assert!(text.contains("7700000009"));

    // A pick list of such titles stays one page, a row each.
    use packbench::print::picklist::{self, PickLine, PickList};
    let list = PickList {
        batch_id: packbench::domain::BatchId(1),
        courier: "ZTO".into(),
        parcels: 9,
        created_at: "2026-11-30 09:00".into(),
        printed_at: "2026-11-30 09:30".into(),
        picker: None,
        lines: (1..=9)
            .map(|i| PickLine {
                bin: Some(format!("A-01-{i}")),
                sku_code: format!("TX2017-{i}"),
                title: "纯棉短袖".repeat(1_000_000),
                spec: "颜色分类：灰色".repeat(100_000),
                qty: 1,
            })
            .collect(),
        reprint: false,
    };
    let pdf = picklist::pdf(&list, packbench::print::Dpi::D203).unwrap();
    assert!(pdf.len() < 200_000, "{} bytes", pdf.len());
    std::fs::write(&path, &pdf).unwrap();
    let (_, pages) = crate::common::pdf_info(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(pages, 1);
}

#[test]
fn orders_list_json_streams_in_bounded_memory() {
    // Was: every order collected first (3.78 GB for 1,000,000; 820 MB for 200,000).
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "200000"]);
    let r = measured(&s, &["orders", "list", "--limit", "1000000", "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 200_000);
    assert!(list[0]["order_no"].is_string() && list[0]["remarks"].is_array());
    r.peak_under(100);
    let r = measured(&s, &["events", "--limit", "1000000", "--json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(serde_json::from_str::<Value>(&r.stdout).unwrap().is_array());
}
