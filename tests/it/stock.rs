//! Stock end to end: receipts and their inbound check, outbound notes, a full stocktake by scan
//! with a shipment during it and a recount, bad input refused with nothing written, who may do
//! what, dead stock and discontinuing.

use crate::common::{Scratch, fixture, verdicts};
use serde_json::Value;

fn catalogue() -> Scratch {
    let s = Scratch::new();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    for (code, role) in [
        ("K1", "stock_keeper"),
        ("P1", "picker"),
        ("P2", "picker"),
        ("CG1", "purchaser"),
        ("TM1", "label_printer"),
        ("RK1", "inbound_inspector"),
    ] {
        s.ok(&[
            "staff", "add", code, "--name", code, "--role", role, "--pin", "1234",
        ]);
    }
    s
}

/// On hand of a product in one bin.
fn in_bin(s: &Scratch, sku: &str, bin: &str) -> i64 {
    let v = s.json_as("admin", &["stock", "show", sku, "--json"]);
    v["bins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bin"] == bin)
        .map(|b| b["qty"].as_i64().unwrap())
        .unwrap_or(0)
}

fn verify_clean(s: &Scratch) {
    let v = s.json_as("admin", &["stock", "verify", "--json"]);
    assert_eq!(v["differences"], Value::Array(vec![]), "{v}");
}

fn reasons(vs: &[Value]) -> Vec<Option<String>> {
    vs.iter()
        .map(|v| v["reason"].as_str().map(str::to_string))
        .collect()
}

fn line<'a>(report: &'a Value, bin: &str, sku: &str) -> &'a Value {
    report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["bin"] == bin && l["sku_code"] == sku)
        .unwrap_or_else(|| panic!("no line {bin} {sku} in {report}"))
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_receipt_is_labelled_checked_and_confirmed_by_purchaser_and_inspector() {
    let s = catalogue();
    s.ok(&["settings", "set", "receipt.require_check", "true"]);
    let csv = s.path("in.csv");
    std::fs::write(
        &csv,
        "sku_code,barcode,name,spec,price,bin,qty\n\
         TX2017-GY-S,6909017490375,纯棉短袖T恤,灰 S,59.00,,3\n\
         NEW-RED-M,6901234567892,新款卫衣,红 M,69.00,D-01-1,2\n",
    )
    .unwrap();
    let before = in_bin(&s, "TX2017-GY-S", "B-01-4");
    let r = s.json_as(
        "CG1",
        &["receipt", "create", csv.to_str().unwrap(), "--json"],
    );
    assert_eq!(r["receipt_id"], 1);
    assert_eq!(r["lines"][0]["bin"], "B-01-4");
    assert_eq!(r["lines"][1]["new_product"], true);
    assert_eq!(r["lines"][1]["bin"], "D-01-1");
    // Nothing is on hand before confirmation; the new product exists for its labels.
    assert_eq!(in_bin(&s, "NEW-RED-M", "D-01-1"), 0);

    // Labels: one per unit received.
    let pdf = s.path("labels.pdf");
    let out = s.run_as(
        "TM1",
        &[
            "print",
            "labels",
            "--receipt",
            "R1",
            "--out",
            pdf.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let job: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(job["pages"], 5, "{job}");

    // Confirmation waits for the inbound check.
    let err = s.fails_as("CG1", &["receipt", "confirm", "R1"]);
    assert!(err.contains("inbound check"), "{err}");

    // A purchaser may not do the inbound check; the inspector may.
    let err = s.fails_as(
        "CG1",
        &["scan", "--mode", "inbound-check", "--receipt", "R1"],
    );
    assert!(err.contains("inbound_check"), "{err}");
    let vs = s.scan_with(
        "RK1",
        "dock",
        &["--mode", "inbound-check", "--receipt", "R1"],
        &[
            "6909017490375",
            "6901234567892",
            "6929484257219", // TX2017-BK-S: not on the receipt
            "6901234567892",
            "6901234567892", // one too many
            "6999999999994", // unknown
            "6909017490375",
            "6909017490375",
        ],
    );
    let names: Vec<&str> = vs.iter().map(|v| v["verdict"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "item_ok",
            "item_ok",
            "not_on_receipt",
            "item_ok",
            "over_quantity",
            "unknown_barcode",
            "item_ok",
            "receipt_verified"
        ]
    );
    assert_eq!(vs[4]["scanned"], 2);
    assert_eq!(vs[4]["expected"], 2);
    let shown = s.json_as("admin", &["receipt", "show", "R1", "--json"]);
    assert_eq!(shown["verified_by"], "RK1");
    assert_eq!(shown["checked"], 5);

    let r = s.json_as("CG1", &["receipt", "confirm", "R1", "--json"]);
    assert_eq!(r["state"], "confirmed");
    assert_eq!(in_bin(&s, "TX2017-GY-S", "B-01-4"), before + 3);
    assert_eq!(in_bin(&s, "NEW-RED-M", "D-01-1"), 2);
    let v = s.json_as("admin", &["stock", "show", "NEW-RED-M", "--json"]);
    assert_eq!(v["moves"][0]["kind"], "receipt");
    assert_eq!(v["moves"][0]["ref"], "R1");
    assert_eq!(v["moves"][0]["staff"], "CG1");
    // Confirmed once only.
    let err = s.fails_as("CG1", &["receipt", "confirm", "R1"]);
    assert!(err.contains("already confirmed"), "{err}");
    verify_clean(&s);
}

#[test]
fn a_receipt_with_a_duplicate_barcode_or_a_bad_quantity_writes_nothing() {
    let s = catalogue();
    let before = s.digest();
    let csv = s.path("bad.csv");
    std::fs::write(
        &csv,
        "sku_code,barcode,name,spec,price,bin,qty\n\
         NEW-1,6901234567892,a,,1.00,,2\n\
         NEW-2,6901234567892,b,,1.00,,2\n\
         NEW-3,,c,,1.00,,0\n\
         NEW-4,6909017490375,d,,1.00,,1\n",
    )
    .unwrap();
    let err = s.fails_as("CG1", &["receipt", "create", csv.to_str().unwrap()]);
    assert!(
        err.contains("barcode 6901234567892 repeats line 2"),
        "{err}"
    );
    assert!(err.contains("条码 6901234567892 与第 2 行重复"), "{err}");
    assert!(err.contains("bad_quantity"), "{err}");
    assert!(
        err.contains("already belongs to product TX2017-GY-S"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(s.digest(), before);
}

#[test]
fn a_receipt_file_with_the_readmes_header_is_read() {
    let s = catalogue();
    // The README's header (数量), the catalogue's (库存) and the English one (qty).
    for (n, header) in ["数量", "库存", "qty"].iter().enumerate() {
        let csv = s.path(&format!("r{n}.csv"));
        std::fs::write(
            &csv,
            format!(
                "商家编码,条码,名称,规格,单价,库位,{header}\n\
                 TX2017-GY-S,6909017490375,纯棉短袖T恤,灰 S,59.00,,{}\n",
                n + 2
            ),
        )
        .unwrap();
        let r = s.json_as(
            "CG1",
            &["receipt", "create", csv.to_str().unwrap(), "--json"],
        );
        assert_eq!(r["lines"][0]["qty"], n as i64 + 2, "{header}: {r}");
    }
    // Without a quantity column the file is refused by the column's name, not row by row.
    let csv = s.path("none.csv");
    std::fs::write(
        &csv,
        "商家编码,条码,名称,规格,单价,库位\nTX2017-GY-S,6909017490375,纯棉短袖T恤,灰 S,59.00,\n",
    )
    .unwrap();
    let before = s.digest();
    let err = s.fails_as("CG1", &["receipt", "create", csv.to_str().unwrap()]);
    assert!(
        err.contains("数量") && err.contains("missing_column"),
        "{err}"
    );
    assert!(!err.contains("入库数量应大于 0"), "{err}");
    assert_eq!(s.digest(), before);
}

#[test]
fn an_issue_note_takes_stock_out_with_its_reason_and_negative_stock_is_flagged() {
    let s = catalogue();
    let err = s.fails_as(
        "P1",
        &[
            "issue",
            "create",
            "--reason",
            "damage",
            "--line",
            "TX2017-GY-L=1",
        ],
    );
    assert!(err.contains("manage_stock"), "{err}");
    let before = s.digest();
    let err = s.fails_as(
        "K1",
        &[
            "issue",
            "create",
            "--reason",
            "sample",
            "--line",
            "TX2017-GY-L=zero",
        ],
    );
    assert!(err.contains("SKU=QTY"), "{err}");
    let err = s.fails_as(
        "K1",
        &[
            "issue",
            "create",
            "--reason",
            "sample",
            "--line",
            "NO-SUCH=1",
        ],
    );
    assert!(err.contains("not found"), "{err}");
    assert_eq!(s.digest(), before);

    // TX2017-GY-L has 1 in C-02-3: two out leaves -1, allowed and flagged.
    let v = s.json_as(
        "K1",
        &[
            "issue",
            "create",
            "--reason",
            "damage",
            "--line",
            "TX2017-GY-L=2",
            "--line",
            "TX2017-GY-M=1",
            "--note",
            "水渍",
            "--json",
        ],
    );
    assert_eq!(v["issue_id"], 1);
    assert_eq!(in_bin(&s, "TX2017-GY-L", "C-02-3"), -1);
    assert_eq!(in_bin(&s, "TX2017-GY-M", "C-08-3"), 45);
    let show = s.json_as("admin", &["stock", "show", "TX2017-GY-L", "--json"]);
    assert_eq!(show["on_hand"], -1);
    assert_eq!(show["negative"], true);
    assert_eq!(show["moves"][0]["kind"], "issue");
    assert_eq!(show["moves"][0]["ref"], "I1");
    let verify = s.json_as("admin", &["stock", "verify", "--json"]);
    assert_eq!(verify["differences"], Value::Array(vec![]));
    assert_eq!(verify["negative"][0]["sku_code"], "TX2017-GY-L");
    let low = s.json_as("admin", &["stock", "low", "--json"]);
    let low: Vec<&str> = low
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["sku_code"].as_str().unwrap())
        .collect();
    assert_eq!(low[0], "TX2017-GY-L", "fewest first: {low:?}");
    assert!(low.contains(&"TX2017-BK-XL"), "7 < 10: {low:?}");
    assert!(!low.contains(&"TX2017-GY-M"), "{low:?}");
}

#[test]
fn dead_stock_is_listed_and_only_a_stock_keeper_discontinues_it_freeing_its_bin() {
    let s = catalogue();
    s.import_fixture("taobao-gbk");
    let dead = s.json_as("admin", &["stock", "dead", "--json"]);
    let dead = dead.as_array().unwrap();
    assert!(!dead.is_empty());
    for d in dead {
        assert!(d["on_hand"].as_i64().unwrap() <= 0, "{d}");
    }
    let sku = dead[0]["sku_code"].as_str().unwrap().to_string();
    let bin = dead[0]["bin"].as_str().unwrap().to_string();
    // A product with stock, or with open orders, is refused.
    let err = s.fails_as("K1", &["product", "discontinue", "TX2017-GY-M"]);
    assert!(err.contains("on hand"), "{err}");
    for who in ["CG1", "P1", "RK1"] {
        let err = s.fails_as(who, &["product", "discontinue", &sku]);
        assert!(err.contains("manage_stock"), "{who}: {err}");
    }
    let out = s.run_as("K1", &["product", "discontinue", &sku]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let p = s.json_as("admin", &["product", "show", &sku, "--json"]);
    assert_eq!(p["state"], "discontinued");
    assert_eq!(p["bin"], Value::Null);
    // The freed bin is the one a new product without a bin is given.
    let csv = s.path("new.csv");
    std::fs::write(
        &csv,
        "sku_code,barcode,name,spec,price,bin,qty\nNEW-9,,新品,,9.90,,4\n",
    )
    .unwrap();
    let r = s.json_as(
        "CG1",
        &["receipt", "create", csv.to_str().unwrap(), "--json"],
    );
    assert_eq!(r["lines"][0]["bin"], bin.as_str(), "{r}");
}

#[test]
fn a_full_stocktake_blind_by_scan_with_a_shipment_a_recount_and_reasons() {
    let s = catalogue();
    let batch = s.printed_batch();
    // A product of the batch with a barcode: its bin's row of bins is counted.
    // (the one with the most on hand, so that some are left after shipping)
    let shipped_line = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["lines"].as_array().unwrap().iter())
        .filter(|l| l["barcode"].is_string() && l["bin"].is_string())
        .max_by_key(|l| {
            in_bin(
                &s,
                l["sku_code"].as_str().unwrap(),
                l["bin"].as_str().unwrap(),
            )
        })
        .expect("a line with barcode and bin")
        .clone();
    let sku = shipped_line["sku_code"].as_str().unwrap();
    let barcode = shipped_line["barcode"].as_str().unwrap();
    let bin = shipped_line["bin"].as_str().unwrap();
    let pattern = format!("{}*", &bin[..bin.len() - 1]);
    let on_hand_at_start = in_bin(&s, sku, bin);

    // Only a stock keeper opens a session; it is blind.
    let err = s.fails_as("P1", &["stocktake", "start", "--bins", &pattern]);
    assert!(err.contains("stocktake"), "{err}");
    let st = s.json_as(
        "K1",
        &[
            "stocktake",
            "start",
            "--bins",
            &pattern,
            "--recount",
            "--json",
        ],
    );
    let id = st["session_id"].as_i64().unwrap().to_string();
    // Sessions may not overlap on a bin.
    let err = s.fails_as("K1", &["stocktake", "start", "--bins", bin]);
    assert!(err.contains("may not overlap"), "{err}");
    let start_report = s.json_as("K1", &["stocktake", "report", &id, "--json"]);

    // The batch ships during the session (a shop that ships without checking).
    s.ok(&["settings", "set", "ship.every_parcel_checked", "false"]);
    s.ok(&["ship", "--batch", "1"]);
    let shipped = on_hand_at_start - in_bin(&s, sku, bin);
    assert!(shipped > 0);

    // P1 counts the shipped product's bin, one unit short, the bulk way; P2 counts the other
    // bins right, except one unit too many of the first product found there.
    let physical = on_hand_at_start - shipped;
    let mut p1 = vec![format!("L{bin}")];
    let mut p2: Vec<String> = Vec::new();
    let mut found: Option<(String, String)> = None;
    let mut other_bins: Vec<String> = Vec::new();
    // The lines each counter counts (a product in a bin), for their performance below.
    let (mut p1_lines, mut p2_lines) = (0, 0);
    for l in start_report["lines"].as_array().unwrap() {
        let (lbin, lsku) = (l["bin"].as_str().unwrap(), l["sku_code"].as_str().unwrap());
        let code = s.json_as("admin", &["product", "show", lsku, "--json"])["barcode"]
            .as_str()
            .unwrap_or(lsku)
            .to_string();
        let expected = in_bin(&s, lsku, lbin);
        if lbin == bin {
            let n = if lsku == sku { physical - 1 } else { expected };
            if n > 0 {
                p1.push(format!("{code}*{n}"));
                p1_lines += 1;
            }
        } else {
            if !other_bins.contains(&lbin.to_string()) {
                other_bins.push(lbin.to_string());
            }
            p2.push(format!("L{lbin}"));
            let mut n = expected;
            if found.is_none() {
                found = Some((lbin.to_string(), lsku.to_string()));
                n += 1;
            }
            // One at a time for the first units, the rest in bulk.
            if n > 0 {
                p2.push(code.clone());
                p2_lines += 1;
            }
            if n > 1 {
                p2.push(format!("{code}*{}", n - 1));
            }
        }
    }
    let (found_bin, found_sku) = found.expect("another bin in the row");
    let args = ["--mode", "stocktake", "--session", id.as_str()];
    let v1 = s.scan_with("P1", "shelf-1", &args, &refs(&p1));
    assert!(v1.iter().all(|v| v["reason"].is_null()), "{v1:?}");
    // Blind: no expected quantity reaches the counter.
    assert!(v1.iter().all(|v| v["expected"].is_null()), "{v1:?}");
    let v2 = s.scan_with("P2", "shelf-2", &args, &refs(&p2));
    assert!(v2.iter().all(|v| v["reason"].is_null()), "{v2:?}");

    let report = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    let l = line(&report, bin, sku);
    assert_eq!(l["expected"], physical, "snapshot + the shipment: {l}");
    assert_eq!(l["counted"], physical - 1);
    assert_eq!(l["variance"], -1);
    assert_eq!(line(&report, &found_bin, &found_sku)["variance"], 1);
    let variances = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["variance"] != 0)
        .count();
    assert_eq!(variances, 2, "{report}");

    // No approval before the recount; a picker may never approve.
    let err = s.fails_as("P1", &["stocktake", "approve", &id, "--reason", "lost"]);
    assert!(err.contains("stocktake"), "{err}");
    let err = s.fails_as("K1", &["stocktake", "approve", &id, "--reason", "lost"]);
    assert!(err.contains("count again first"), "{err}");
    let rc = s.json_as("K1", &["stocktake", "recount", &id, "--json"]);
    assert_eq!(rc["recount"].as_array().unwrap().len(), 2, "{rc}");
    let err = s.fails_as("K1", &["stocktake", "approve", &id, "--reason", "lost"]);
    assert!(err.contains("not recounted yet"), "{err}");

    // Two counted: the first counter of a bin may not recount it.
    let same = s.scan_with("P1", "shelf-1", &args, &[&format!("L{bin}")]);
    assert_eq!(reasons(&same), [Some("same_counter".to_string())]);
    let p3 = s.scan_with(
        "P2",
        "shelf-2",
        &args,
        &[&format!("L{bin}"), &format!("{barcode}*{}", physical - 1)],
    );
    assert!(p3.iter().all(|v| v["reason"].is_null()), "{p3:?}");
    let found_code = s.json_as("admin", &["product", "show", &found_sku, "--json"])["barcode"]
        .as_str()
        .unwrap_or(&found_sku)
        .to_string();
    let found_expected = in_bin(&s, &found_sku, &found_bin);
    let p1b = s.scan_with(
        "P1",
        "shelf-1",
        &args,
        &[
            &format!("L{found_bin}"),
            &format!("{found_code}*{}", found_expected + 1),
        ],
    );
    assert!(p1b.iter().all(|v| v["reason"].is_null()), "{p1b:?}");

    // A reason for every line with a variance, or nothing is written.
    let before = s.digest();
    let err = s.fails_as(
        "K1",
        &[
            "stocktake",
            "approve",
            &id,
            "--line",
            &format!("{sku}=lost"),
        ],
    );
    assert!(err.contains(&found_sku), "{err}");
    let err = s.fails_as(
        "K1",
        &[
            "stocktake",
            "approve",
            &id,
            "--line",
            &format!("{sku}=stolen"),
        ],
    );
    assert!(err.contains("unknown reason"), "{err}");
    assert_eq!(s.digest(), before);

    let done = s.json_as(
        "K1",
        &[
            "stocktake",
            "approve",
            &id,
            "--reason",
            "found",
            "--line",
            &format!("{sku}=lost"),
            "--json",
        ],
    );
    assert_eq!(done["state"], "approved");
    assert_eq!(in_bin(&s, sku, bin), physical - 1);
    assert_eq!(in_bin(&s, &found_sku, &found_bin), found_expected + 1);
    let show = s.json_as("admin", &["stock", "show", sku, "--json"]);
    assert_eq!(show["moves"][0]["kind"], "adjust");
    assert_eq!(show["moves"][0]["qty"], -1);
    assert_eq!(show["moves"][0]["ref"], format!("S{id}"));
    assert_eq!(show["moves"][0]["staff"], "K1");
    verify_clean(&s);
    // Each counter's performance: the lines they counted, and the one line each recounted.
    let today = packbench::domain::time::shop_today().to_string();
    let perf = s.json_as(
        "K1",
        &[
            "report",
            "performance",
            "--from",
            &today,
            "--to",
            &today,
            "--json",
        ],
    );
    for (who, lines) in [("P1", p1_lines), ("P2", p2_lines)] {
        let row = perf["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["staff_code"] == who)
            .unwrap_or_else(|| panic!("{who} in {perf}"));
        assert_eq!(row["figures"]["stocktake_lines"], lines, "{who}: {row}");
        assert_eq!(row["figures"]["recounts"], 1, "{who}: {row}");
    }
    // Closed: no more counting, approving or cancelling.
    let err = s.fails_as("K1", &["stocktake", "cancel", &id]);
    assert!(err.contains("closed"), "{err}");
    // The bins are free for a new session again.
    s.ok(&["stocktake", "start", "--bins", bin]);
}

#[test]
fn bad_stocktake_scans_are_refused_with_their_reasons_and_count_nothing() {
    let s = catalogue();
    let st = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-*", "--json"]);
    let id = st["session_id"].as_i64().unwrap().to_string();
    let before = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    let vs = s.scan_with(
        "K1",
        "shelf",
        &["--mode", "stocktake", "--session", &id],
        &[
            "6952960574012", // before any bin
            "LB-01-4",       // a bin outside the session
            "LZ-99-9",       // a bin nobody has
            "LA-11-2",
            "6999999999994",    // unknown barcode
            "6952960574012*x",  // not a number
            "6952960574012*0",  // not more than 0
            "6952960574012*-4", // negative
        ],
    );
    assert_eq!(
        reasons(&vs),
        [
            Some("no_bin"),
            Some("bin_outside_session"),
            Some("bin_outside_session"),
            None,
            Some("unknown_barcode"),
            Some("bad_quantity"),
            Some("bad_quantity"),
            Some("bad_quantity"),
        ]
        .map(|r| r.map(str::to_string))
    );
    assert!(
        vs[4]["message_zh"]
            .as_str()
            .unwrap()
            .contains("不认识的条码")
    );
    let after = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(before, after);
    // Cancelling writes no move.
    let moves = s.json_as("admin", &["stock", "show", "TX2017-BK-M", "--json"])["moves"].clone();
    s.ok(&["stocktake", "cancel", &id]);
    assert_eq!(
        s.json_as("admin", &["stock", "show", "TX2017-BK-M", "--json"])["moves"],
        moves
    );
}

#[test]
fn an_open_stocktake_shows_the_counter_what_is_expected() {
    let s = catalogue();
    let st = s.json_as(
        "K1",
        &["stocktake", "start", "--bins", "A-11-2", "--open", "--json"],
    );
    let id = st["session_id"].as_i64().unwrap().to_string();
    let vs = s.scan_with(
        "P1",
        "shelf",
        &["--mode", "stocktake", "--session", &id],
        &["LA-11-2", "6952960574012*40"],
    );
    assert_eq!(vs[1]["expected"], 48);
    assert_eq!(vs[1]["scanned"], 40);
    // Products in the session's bins nobody counted are counted 0.
    let other = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-3", "--json"]);
    let r = s.json_as(
        "K1",
        &[
            "stocktake",
            "report",
            &other["session_id"].to_string(),
            "--json",
        ],
    );
    assert_eq!(r["lines"].as_array().unwrap().len(), 2, "{r}");
    assert!(
        r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["counted"] == 0)
    );
}

#[test]
fn demo_makes_a_big_catalogue_with_its_opening_stock_in_the_ledger() {
    let s = Scratch::new();
    let out = s.ok(&["demo", "--orders", "20", "--products", "1500"]);
    assert!(out.contains("1500"), "{out}");
    let v = s.json_as("admin", &["product", "show", "GEN-001404", "--json"]);
    assert_eq!(v["bin"], "Z-001-404");
    assert!(v["barcode"].as_str().unwrap().starts_with("29"));
    verify_clean(&s);
    // A stocktake of the generated zone lists every product there.
    let st = s.json_as(
        "KC01",
        &["stocktake", "start", "--bins", "Z-000-*", "--json"],
    );
    assert_eq!(st["bins"], 999, "{st}");
    let id = st["session_id"].to_string();
    let r = s.json_as("KC01", &["stocktake", "report", &id, "--json"]);
    assert_eq!(r["lines"].as_array().unwrap().len(), 999);
}

#[test]
fn a_stocktake_counted_with_a_serial_scanner() {
    use serialport::SerialPort;
    use std::io::{BufRead, BufReader, Write};
    let s = catalogue();
    let st = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-2", "--json"]);
    let id = st["session_id"].to_string();
    let (mut master, slave) = serialport::TTYPort::pair().expect("a pseudo-terminal pair");
    let path = slave.name().expect("the slave has a path");
    let mut child = s
        .command("P1")
        .args(["--station", "shelf", "scan", "--mode", "stocktake"])
        .args(["--session", &id, "--json", "--serial", &path])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    err.read_line(&mut first).unwrap();
    assert!(first.contains("connected"), "{first}");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    master
        .write_all(b"LA-11-2\r\n6952960574012*47\r\n")
        .unwrap();
    master.flush().ok();
    let mut verdicts = Vec::new();
    for _ in 0..2 {
        let mut l = String::new();
        out.read_line(&mut l).unwrap();
        verdicts.push(serde_json::from_str::<Value>(&l).unwrap());
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(verdicts[0]["verdict"], "bin_opened");
    assert_eq!(verdicts[1]["scanned"], 47);
    let r = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(line(&r, "A-11-2", "TX2017-BK-M")["variance"], -1);
}

/// Runs as `staff`, expects success; returns stdout.
fn ok_as(s: &Scratch, staff: &str, args: &[&str]) -> String {
    let out = s.run_as(staff, args);
    assert!(
        out.status.success(),
        "packbench {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_partial_stocktake_adjusts_the_bins_counted_and_leaves_the_rest_unless_told() {
    // 2 of 35 bins counted and approved: the 33 others were written down to 0, unasked.
    let s = catalogue();
    let st = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-*", "--json"]);
    let id = st["session_id"].to_string();
    assert_eq!(st["bins"], 4, "{st}");
    // A-11-2 counted one short, A-11-4 as it is; A-11-3's label scanned and nothing after (not
    // a count); A-11-1 never visited.
    let args = ["--mode", "stocktake", "--session", id.as_str()];
    let vs = s.scan_with(
        "P1",
        "shelf",
        &args,
        &[
            "LA-11-2",
            "6952960574012*47",
            "LA-11-4",
            "6951287005421*18",
            "LA-11-3",
        ],
    );
    assert!(vs.iter().all(|v| v["reason"].is_null()), "{vs:?}");

    let r = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(r["bins_not_counted"], 2, "{r}");
    assert_eq!(r["uncounted_bins"], serde_json::json!(["A-11-1", "A-11-3"]));
    assert_eq!(r["uncounted"], Value::Null);
    assert_eq!(line(&r, "A-11-3", "TX2017-BK-XL")["bin_counted"], false);
    assert_eq!(line(&r, "A-11-2", "TX2017-BK-M")["bin_counted"], true);
    let text = ok_as(&s, "K1", &["stocktake", "report", &id]);
    assert!(
        text.contains("2 个库位未盘 of 4 bins not counted"),
        "{text}"
    );
    assert!(text.contains("    A-11-1 A-11-3\n"), "{text}");
    assert!(text.contains("库位未盘 bin not counted"), "{text}");

    // Only the counted bins' line needs a reason; the others are left as they are.
    let err = s.fails_as("K1", &["stocktake", "approve", &id]);
    assert!(
        err.contains("1 line(s) have a variance and no reason"),
        "{err}"
    );
    assert!(err.contains("A-11-2 TX2017-BK-M (-1)"), "{err}");
    assert!(!err.contains("A-11-3"), "{err}");
    let out = ok_as(&s, "K1", &["stocktake", "approve", &id, "--reason", "lost"]);
    assert!(out.contains("1 行配平 lines adjusted"), "{out}");
    assert!(
        out.contains("2 bin(s) not counted, left as they are"),
        "{out}"
    );
    assert_eq!(in_bin(&s, "TX2017-BK-M", "A-11-2"), 47);
    assert_eq!(in_bin(&s, "FS2017-BK-L", "A-11-4"), 18);
    assert_eq!(in_bin(&s, "WY2018-NV-M", "A-11-1"), 5);
    assert_eq!(in_bin(&s, "NZ2017-AP-M", "A-11-3"), 41);
    assert_eq!(in_bin(&s, "TX2017-BK-XL", "A-11-3"), 7);
    let after = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(after["uncounted"], "leave");
    assert_eq!(after["bins_not_counted"], 2);

    // Asked for, the bins nobody counted go to zero (each line with its reason).
    let st = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-*", "--json"]);
    let id = st["session_id"].to_string();
    let args = ["--mode", "stocktake", "--session", id.as_str()];
    s.scan_with("P1", "shelf", &args, &["LA-11-2", "6952960574012*47"]);
    let err = s.fails_as("K1", &["stocktake", "approve", &id, "--uncounted-as-zero"]);
    assert!(
        err.contains("4 line(s) have a variance and no reason"),
        "{err}"
    );
    ok_as(
        &s,
        "K1",
        &[
            "stocktake",
            "approve",
            &id,
            "--uncounted-as-zero",
            "--reason",
            "lost",
        ],
    );
    assert_eq!(in_bin(&s, "WY2018-NV-M", "A-11-1"), 0);
    assert_eq!(in_bin(&s, "TX2017-BK-XL", "A-11-3"), 0);
    assert_eq!(in_bin(&s, "TX2017-BK-M", "A-11-2"), 47);
    let after = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(after["uncounted"], "zero");
    verify_clean(&s);
}

#[test]
fn counts_are_undone_by_scan_on_record_and_the_next_counter_scans_a_bin_first() {
    let s = catalogue();
    let st = s.json_as("K1", &["stocktake", "start", "--bins", "A-11-*", "--json"]);
    let id = st["session_id"].to_string();
    let args = ["--mode", "stocktake", "--session", id.as_str()];
    let vs = s.scan_with(
        "P1",
        "shelf",
        &args,
        &[
            "LA-11-2",
            "6952960574012*40",
            "6951287005421", // a mis-scan: the product of another bin
            "6952960574012*-1",
            "UNDO",
            "LA-11-1",
            "EMPTY",
            "UNDO",
            "UNDO",
        ],
    );
    assert_eq!(
        verdicts(&vs),
        [
            "bin_opened",
            "item_counted",
            "item_counted",
            "bad_quantity",
            "count_undone",
            "bin_opened",
            "bin_empty",
            "count_undone",
            "nothing_to_undo",
        ]
    );
    assert!(
        vs[3]["message_en"].as_str().unwrap().contains("scan UNDO"),
        "{}",
        vs[3]
    );
    assert_eq!(vs[4]["sku_code"], "FS2017-BK-L");
    assert_eq!(
        (vs[4]["qty"].as_i64(), vs[4]["scanned"].as_i64()),
        (Some(1), Some(0))
    );
    // The product's name is in the words the counter reads.
    assert!(
        vs[1]["message_zh"]
            .as_str()
            .unwrap()
            .contains("TX2017-BK-M")
    );
    let r = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(line(&r, "A-11-2", "TX2017-BK-M")["counted"], 40);
    assert_eq!(line(&r, "A-11-2", "FS2017-BK-L")["counted"], 0);
    // A-11-1's empty mark was taken back: not counted.
    assert_eq!(
        r["uncounted_bins"],
        serde_json::json!(["A-11-1", "A-11-3", "A-11-4"])
    );

    // The next counter at the same station does not count into P1's bin.
    let vs = s.scan_with("P2", "shelf", &args, &["6952960574012"]);
    assert_eq!(reasons(&vs), [Some("no_bin".to_string())]);
    let r = s.json_as("K1", &["stocktake", "report", &id, "--json"]);
    assert_eq!(line(&r, "A-11-2", "TX2017-BK-M")["counted"], 40);
}

#[test]
fn a_refused_approval_of_a_big_stocktake_names_the_first_lines_and_counts_the_rest() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "20", "--products", "1500"]);
    let st = s.json_as(
        "KC01",
        &["stocktake", "start", "--bins", "Z-000-*", "--json"],
    );
    let id = st["session_id"].to_string();
    let r = s.json_as("KC01", &["stocktake", "report", &id, "--json"]);
    let stocked = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["expected"] != 0)
        .count();
    assert!(stocked > 100, "{stocked}");
    let err = s.fails_as(
        "KC01",
        &["stocktake", "approve", &id, "--uncounted-as-zero"],
    );
    assert!(err.contains(&format!("and {} more", stocked - 10)), "{err}");
    assert!(err.len() < 2_000, "{} bytes", err.len());
}
