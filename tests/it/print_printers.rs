//! Printing for real: through CUPS into Debian's cups-pdf queue (the output still decodes and
//! keeps its page size), through a raw `socket://` queue and straight to a label printer's port
//! (both captured by a listener and compared with golden TSPL/ZPL), and a printer that is missing
//! or refuses: the job stays in the print log as failed and is retried.

use crate::common::{
    RawListener, Scratch, assert_golden, cups, cups_pdf_output, cups_pdf_queue, cups_queue,
    decode_all, fixture, pdf_info, remove_cups_queue,
};
use std::collections::BTreeSet;

/// The label run of the golden files: EAN-13s and in-house Code 128s of the fixture catalogue.
const GOLDEN_SKUS: [&str; 4] = ["TX2017-GY-S", "TX2017-BK-L", "WY2018-BK-M", "NZ2017-AP-M"];

fn catalogue_store() -> Scratch {
    let s = Scratch::new();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    s
}

fn label_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["print", "labels", "--size", "50x30", "--copies", "2"];
    v.extend_from_slice(extra);
    v.push("--sku");
    v.extend(GOLDEN_SKUS);
    v
}

#[test]
fn a_waybill_batch_through_cups_pdf_still_decodes() {
    let queue = cups_pdf_queue();
    let s = Scratch::new();
    let batch = s.printed_batch();
    let tracking: BTreeSet<String> = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap().to_string())
        .collect();
    let (ok, out) = s.json(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--printer",
        queue,
        "--json",
    ]);
    assert!(ok, "{out}");
    let request = out["cups_job"].as_str().unwrap().to_string();
    assert!(request.starts_with(&format!("{queue}-")), "{request}");
    assert_eq!(out["target"], format!("cups:{queue}"));
    let pdf = cups_pdf_output(&request);
    let (size, pages) = pdf_info(&pdf);
    assert_eq!(pages, tracking.len());
    // The page size went through CUPS unchanged (100×180 mm = 283×510 pt).
    assert!(size.starts_with("283") && size.contains(" 510"), "{size}");
    assert_eq!(decode_all(&pdf, 203), tracking);
    // The pick list too (A4).
    let (ok, out) = s.json(&[
        "print",
        "picklist",
        "--batch",
        "B1",
        "--printer",
        queue,
        "--json",
    ]);
    assert!(ok, "{out}");
    let pdf = cups_pdf_output(out["cups_job"].as_str().unwrap());
    assert!(pdf_info(&pdf).0.contains("595"), "A4");
    assert_eq!(
        decode_all(&pdf, 203),
        BTreeSet::from(["B00001".to_string()])
    );
    // Both jobs are in the log as taken.
    let (_, log) = s.json(&["print", "log", "--json"]);
    let results: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["result"].as_str().unwrap())
        .collect();
    assert_eq!(results, ["ok", "ok"]);
}

#[test]
fn tspl_through_a_raw_socket_queue_matches_the_golden_file() {
    let s = catalogue_store();
    let listener = RawListener::start();
    let queue = format!("PACKBENCH_RAW_{}", listener.port);
    cups_queue(&queue, &format!("socket://{}", listener.address()), None);
    let (ok, out) = s.json(&label_args(&[
        "--raw",
        "tspl",
        "--printer",
        &queue,
        "--json",
    ]));
    assert!(ok, "{out}");
    assert_eq!(out["format"], "tspl");
    assert_eq!(out["pages"], 8);
    let got = listener.received();
    remove_cups_queue(&queue);
    assert_golden("labels-50x30.tspl", &got);
    // Chinese goes as GBK, for the printer's TSS24.BF2 font.
    let (text, _, bad) = encoding_rs::GBK.decode(&got);
    assert!(!bad && text.contains("纯棉短袖T恤男夏季宽松半袖"));
}

#[test]
fn zpl_and_tspl_sent_straight_to_a_label_printer_port_match_the_golden_files() {
    let s = catalogue_store();
    for (format, golden) in [("zpl", "labels-50x30.zpl"), ("tspl", "labels-50x30.tspl")] {
        let listener = RawListener::start();
        let to = listener.address();
        let (ok, out) = s.json(&label_args(&["--raw", format, "--to", &to, "--json"]));
        assert!(ok, "{out}");
        assert_eq!(out["target"], format!("raw:{to}"));
        assert_golden(golden, &listener.received());
    }
    // The same bytes into a file.
    let f = s.path("labels.zpl");
    s.ok(&label_args(&["--raw", "zpl", "--out", f.to_str().unwrap()]));
    assert_golden("labels-50x30.zpl", &std::fs::read(&f).unwrap());
}

#[test]
fn a_missing_or_refusing_printer_is_a_clear_error_and_the_job_can_be_retried() {
    cups();
    let s = Scratch::new();
    s.printed_batch();
    // A queue that does not exist.
    let out = s.run(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--printer",
        "NO_SUCH_PRINTER",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("NO_SUCH_PRINTER") && err.contains("print retry 1"),
        "{err}"
    );
    // A queue that refuses jobs.
    let queue = format!("PACKBENCH_REFUSING_{}", std::process::id());
    cups_queue(&queue, "socket://127.0.0.1:9", None);
    let reject = std::process::Command::new("cupsreject")
        .arg(&queue)
        .status()
        .or_else(|_| {
            std::process::Command::new("/usr/sbin/cupsreject")
                .arg(&queue)
                .status()
        })
        .expect("cupsreject");
    assert!(reject.success());
    let out = s.run(&["print", "picklist", "--batch", "B1", "--printer", &queue]);
    remove_cups_queue(&queue);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&queue) && err.contains("print retry 2"),
        "{err}"
    );
    // A label printer that is not there.
    let s2 = catalogue_store();
    let out = s2.run(&label_args(&["--raw", "tspl", "--to", "127.0.0.1:9"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("127.0.0.1:9"));
    let (_, failed) = s2.json(&["print", "log", "--failed", "--json"]);
    assert_eq!(failed.as_array().unwrap().len(), 1);

    let (_, failed) = s.json(&["print", "log", "--failed", "--json"]);
    let failed = failed.as_array().unwrap();
    assert_eq!(failed.len(), 2);
    assert!(
        failed
            .iter()
            .all(|j| j["error"].as_str().is_some_and(|e| !e.is_empty()))
    );
    // Retried into a file: the new job points back to the failed one.
    let pdf = s.path("retry.pdf");
    let (ok, out) = s.json(&[
        "print",
        "retry",
        "1",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out["kind"], "waybills");
    // Nothing came out the first time: this is not a reprint.
    assert_eq!(out["reprint"], false);
    let (_, log) = s.json(&["print", "log", "--json"]);
    let newest = &log[0];
    assert_eq!(newest["retry_of"], 1);
    assert_eq!(newest["result"], "ok");
    assert!(!decode_all(&pdf, 203).is_empty());
}

#[test]
fn printers_are_listed() {
    let queue = cups_pdf_queue();
    let s = Scratch::new();
    let (ok, list) = s.json(&["printers", "list", "--json"]);
    assert!(ok);
    let p = list
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == queue)
        .expect("the cups-pdf queue is listed");
    assert_eq!(p["device"], "cups-pdf:/");
    assert_eq!(p["accepting"], true);
}

#[test]
fn printing_needs_the_right_role() {
    let s = catalogue_store();
    s.add_staff("PH001", "张配货", "picker");
    s.add_staff("TM01", "条码员", "label_printer");
    let out = s.run_as(
        "PH001",
        &[
            "print",
            "labels",
            "--sku",
            "TX2017-GY-S",
            "--out",
            "/dev/null",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("print_labels"));
    let pdf = s.path("l.pdf");
    let out = s.run_as(
        "TM01",
        &[
            "print",
            "labels",
            "--sku",
            "TX2017-GY-S",
            "--out",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The label printer may not print waybills.
    let out = s.run_as(
        "TM01",
        &["print", "waybills", "--batch", "1", "--out", "/dev/null"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("print_batch"));
    // A receipt that does not exist has no labels.
    let out = s.run(&["print", "labels", "--receipt", "R1", "--out", "/dev/null"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("receipt not found: R1"));
}
