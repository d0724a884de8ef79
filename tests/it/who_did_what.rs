//! Who did what (issue 16): performance, the self-audits and commission, each figure checked
//! against a count the test makes itself — from what it did, and from the stored rows by its
//! own SQL — and the CSV and XLSX exports read back equal to the figures shown.

use crate::common::{Scratch, verdicts, xlsx_cells};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn today() -> String {
    packbench::domain::time::shop_today().to_string()
}

fn item<'a>(audit: &'a Value, code: &str) -> &'a Value {
    audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["item"] == code)
        .unwrap_or_else(|| panic!("no item {code} in {audit}"))
}

fn row_of<'a>(perf: &'a Value, staff: &str) -> &'a Value {
    perf["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["staff_code"] == staff)
        .unwrap_or_else(|| panic!("no row for {staff} in {perf}"))
}

/// A worksheet of an XLSX, row by row, each cell as text (numbers as written: `768.9`).
fn read_xlsx(path: &std::path::Path, sheet: usize) -> Vec<Vec<String>> {
    xlsx_cells(path, sheet)
        .into_iter()
        .map(|r| r.into_iter().map(|(v, _)| v).collect())
        .collect()
}

/// The rows of the CSV section named `name` (its header first).
fn read_csv_section(path: &std::path::Path, name: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).unwrap();
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 BOM for Excel");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    assert!(rows[0][0].starts_with("报表："), "{:?}", rows[0]);
    let at = rows
        .iter()
        .position(|r| r.len() == 1 && r[0] == name)
        .unwrap_or_else(|| panic!("no section {name}"));
    rows[at + 1..]
        .iter()
        .take_while(|r| r.len() > 1)
        .cloned()
        .collect()
}

/// Two cells equal as numbers where both are numbers (`768.9` and `768.90`), else as text.
fn same(a: &str, b: &str) -> bool {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() < 0.005,
        _ => a == b,
    }
}

fn fen(v: &Value) -> i64 {
    v.as_i64().unwrap_or_else(|| panic!("not fen: {v}"))
}

/// The bench day every test below builds: a printed batch, its waybills put on paper (and one
/// reprinted), a checker who scans the basket's tag, checks two parcels through (catching one
/// wrong item on the way) and leaves a third half checked.
struct Day {
    s: Scratch,
    batch: String,
    /// (tracking, order, units) of the parcels checked through, and of the half-checked one.
    done: Vec<(String, String, Vec<String>)>,
    half: (String, String),
    parcels: usize,
}

fn bench_day() -> Day {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"].to_string();
    s.add_staff("PH002", "阿强", "picker");
    s.add_staff("YH01", "小验", "checker");
    s.add_staff("DD01", "小单", "order_printer");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        &id,
        "--out",
        s.path("w.pdf").to_str().unwrap(),
    ]);
    let parcels: Vec<&Value> = batch["parcels"].as_array().unwrap().iter().collect();
    let singles: Vec<(String, String, Vec<String>)> = parcels
        .iter()
        .filter(|p| p["order_nos"].as_array().unwrap().len() == 1)
        .map(|p| {
            let order = p["order_nos"][0].as_str().unwrap().to_string();
            let units = s.order_units(&order);
            (p["tracking_no"].as_str().unwrap().to_string(), order, units)
        })
        .filter(|(_, _, u)| !u.is_empty())
        .collect();
    let (a, b) = (&singles[0], &singles[1]);
    let half = singles[2..]
        .iter()
        .find(|(_, _, u)| u.len() >= 2)
        .expect("a parcel of two units or more");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        &id,
        "--only",
        &a.0,
        "--out",
        s.path("again.pdf").to_str().unwrap(),
    ]);
    // A product of the catalogue that is not in the second parcel: the wrong item.
    let wrong = s
        .raw()
        .rows("SELECT sku_code FROM products ORDER BY id")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .find(|sku| !b.2.contains(sku))
        .unwrap();
    let mut scans: Vec<&str> = vec!["EDB_PH002", &a.0];
    scans.extend(a.2.iter().map(String::as_str));
    scans.push(&b.0);
    scans.push(&wrong);
    scans.extend(b.2.iter().map(String::as_str));
    scans.push(&half.0);
    scans.push(&half.2[0]);
    let v = s.scan_as("YH01", "bench-1", "check", &scans);
    let names = verdicts(&v);
    assert_eq!(names[0], "picker_set", "{v:?}");
    assert_eq!(
        names.iter().filter(|n| *n == "shipped").count(),
        2,
        "{names:?}"
    );
    assert_eq!(
        names.iter().filter(|n| *n == "item_wrong").count(),
        1,
        "{names:?}"
    );
    Day {
        batch: id,
        done: vec![a.clone(), b.clone()],
        half: (half.0.clone(), half.1.clone()),
        parcels: parcels.len(),
        s,
    }
}

#[test]
fn performance_counts_what_each_person_did() {
    let d = bench_day();
    let s = &d.s;
    let t = today();
    let perf = s.json_as(
        "admin",
        &["report", "performance", "--from", &t, "--to", &t, "--json"],
    );
    assert_eq!(perf["own_only"], false);

    // The checker: two parcels, their units and the one wrong item, from what the test scanned.
    let yh = row_of(&perf, "YH01");
    let units: usize = d.done.iter().map(|p| p.2.len()).sum::<usize>() + 1;
    assert_eq!(yh["figures"]["parcels_checked"], 2);
    assert_eq!(yh["figures"]["units_checked"], units as i64);
    assert_eq!(yh["figures"]["mismatches_caught"], 1);
    let mut raw = s.raw();
    let yh_id = raw.int("SELECT id FROM staff WHERE code = 'YH01'");
    assert_eq!(
        yh["figures"]["units_checked"],
        raw.int(&format!(
            "SELECT count(*) FROM scans WHERE staff_id = {yh_id} AND mode = 'check' AND counted = 1"
        ))
    );
    let hours = raw.int(&format!(
        "SELECT count(DISTINCT substr(at, 1, 13)) FROM scans
         WHERE staff_id = {yh_id} AND mode = 'check' AND counted = 1"
    ));
    assert_eq!(yh["figures"]["check_hours"], hours);
    assert_eq!(yh["parcels_per_hour_tenths"], (20 + hours / 2) / hours);
    let hourly: i64 = perf["hourly"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["staff_code"] == "YH01")
        .unwrap()["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_i64().unwrap())
        .sum();
    assert_eq!(hourly, 2);

    // The picker: the tag scanned at the bench credited the whole batch to PH002.
    let ph = row_of(&perf, "PH002");
    assert_eq!(ph["figures"]["batches_picked"], 1);
    let lines = raw.rows(&format!(
        "SELECT l.qty FROM order_lines l JOIN orders o ON o.id = l.order_id
         JOIN parcels p ON p.id = o.parcel_id WHERE p.batch_id = {} AND l.status <> 'closed'",
        d.batch
    ));
    assert_eq!(ph["figures"]["lines_picked"], lines.len() as i64);
    let picked: i64 = lines
        .iter()
        .map(|r| r[0].as_deref().unwrap().parse::<i64>().unwrap())
        .sum();
    assert_eq!(ph["figures"]["units_picked"], picked);

    // The order printer (admin here): the batch, every waybill once, one reprinted.
    let admin = row_of(&perf, "admin");
    assert_eq!(admin["figures"]["batches_printed"], 1);
    assert_eq!(admin["figures"]["waybills_printed"], d.parcels as i64);
    assert_eq!(admin["figures"]["waybills_reprinted"], 1);

    // A refund for a wrong item is a mis-ship of the parcel's checker and picker; a refund for
    // another reason is not. Labels count by copies.
    for (order, reason) in [
        (&d.done[0].1, "卖家发错货"),
        (&d.done[1].1, "七天无理由退换货"),
    ] {
        raw.exec(&format!(
            "INSERT INTO refunds (refund_no, order_no, status, amount_fen, reason, imported_at, updated_at)
             VALUES ('R-{order}', '{order}', 'requested', 100, '{reason}', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z')"
        ));
    }
    let sku = &d.done[0].2[0];
    s.ok(&[
        "print",
        "labels",
        "--sku",
        sku,
        "--copies",
        "3",
        "--out",
        s.path("labels.pdf").to_str().unwrap(),
    ]);
    let after = s.json_as(
        "admin",
        &["report", "performance", "--from", &t, "--to", &t, "--json"],
    );
    assert_eq!(row_of(&after, "YH01")["figures"]["misships_checked"], 1);
    assert_eq!(row_of(&after, "PH002")["figures"]["misships_picked"], 1);
    assert_eq!(row_of(&after, "admin")["figures"]["labels_printed"], 3);
    let yh = row_of(&after, "YH01");

    // Everyone sees their own figures, and only those, without the right to see reports.
    let own = s.json_as(
        "YH01",
        &["report", "performance", "--from", &t, "--to", &t, "--json"],
    );
    assert_eq!(own["own_only"], true);
    let codes: Vec<&str> = own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["staff_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["YH01"]);
    assert_eq!(row_of(&own, "YH01"), yh);

    // The exports read back as the figures shown.
    let csv = s.path("业绩.csv");
    let xlsx = s.path("业绩.xlsx");
    for out in [&csv, &xlsx] {
        s.ok(&[
            "report",
            "performance",
            "--from",
            &t,
            "--to",
            &t,
            "--out",
            out.to_str().unwrap(),
        ]);
    }
    let from_csv = read_csv_section(&csv, "业绩");
    let from_xlsx = read_xlsx(&xlsx, 1);
    assert_eq!(from_csv.len(), from_xlsx.len());
    let header = &from_csv[0];
    assert_eq!(header, &from_xlsx[0]);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    for rows in [&from_csv, &from_xlsx] {
        let r = rows.iter().find(|r| r[1] == "YH01").expect("YH01's row");
        assert!(same(&r[col("验货包裹")], "2"), "{r:?}");
        assert!(same(&r[col("验货件数")], &units.to_string()), "{r:?}");
        assert!(same(&r[col("拦截错货")], "1"), "{r:?}");
        let r = rows.iter().find(|r| r[1] == "PH002").expect("PH002's row");
        assert!(same(&r[col("配货件数")], &picked.to_string()), "{r:?}");
    }
}

#[test]
fn the_self_audits_list_what_is_open_and_a_signature_is_kept() {
    let d = bench_day();
    let s = &d.s;
    let mut raw = s.raw();

    // The checker's audit: the half-checked parcel, and printed against processed.
    let a = s.json_as("YH01", &["audit", "--json"]);
    assert_eq!(a["role"], "checker");
    let open = item(&a, "checked_not_shipped");
    assert_eq!(open["count"], 1, "{open}");
    assert_eq!(open["rows"][0]["subject"], d.half.0.as_str());
    assert_eq!(open["rows"][0]["orders"][0], d.half.1.as_str());
    assert_eq!(open["rows"][0]["qty"], 1);
    assert_eq!(open["rows"][0]["who"], "bench-1");
    let printed = item(&a, "printed_not_processed");
    assert_eq!(printed["printed"], d.parcels as i64);
    assert_eq!(printed["processed"], 2);
    assert_eq!(printed["count"], d.parcels as i64 - 2);
    assert_eq!(item(&a, "bulk_shipped")["count"], 0);

    // The order printer voids a waybill: printed without a number until a new one is given.
    let void = d
        .done
        .iter()
        .map(|p| p.0.clone())
        .chain([d.half.0.clone()])
        .collect::<BTreeSet<_>>();
    let victim = raw
        .rows(&format!(
            "SELECT tracking_no FROM parcels WHERE batch_id = {} AND stage = 'printed' ORDER BY id",
            d.batch
        ))
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .find(|t| !void.contains(t))
        .unwrap();
    s.ok_as(
        "DD01",
        &["waybill", "void", &victim, "--reason", "地址写错"],
    );
    let p = s.json_as("DD01", &["audit", "--json"]);
    assert_eq!(p["role"], "order_printer");
    let no_number = item(&p, "printed_no_tracking");
    assert_eq!(no_number["count"], 1);
    assert_eq!(no_number["rows"][0]["subject"], format!("B{}", d.batch));
    assert_eq!(item(&p, "checked_not_shipped")["count"], 1);

    // A remark by the order printer credits the next order shipped to a non-CS code.
    let orders = raw.rows(&format!(
        "SELECT o.order_no FROM orders o JOIN parcels p ON p.id = o.parcel_id
         WHERE p.batch_id = {} AND p.stage = 'printed' AND p.tracking_no IS NOT NULL
           AND p.tracking_no <> '{}'
           AND NOT EXISTS (SELECT 1 FROM remarks r WHERE r.order_id = o.id)
         ORDER BY o.id",
        d.batch, d.half.0
    ));
    let uncoded = orders[0][0].clone().unwrap();
    s.ok_as("DD01", &["order", "remark", &uncoded, "已核对地址"]);

    // The shop ships the rest in bulk: the checker confirms each parcel left.
    s.ok(&["settings", "set", "ship.every_parcel_checked", "false"]);
    s.ok(&["ship", "--batch", &d.batch]);
    let a = s.json_as("YH01", &["audit", "--json"]);
    let bulk = item(&a, "bulk_shipped");
    assert_eq!(
        bulk["count"],
        raw.int(&format!(
            "SELECT count(*) FROM parcels WHERE batch_id = {} AND ship_mode = 'bulk'",
            d.batch
        ))
    );
    assert!(bulk["count"].as_i64().unwrap() > 0);
    let credited = item(&a, "credited_to_non_cs");
    let listed: Vec<&str> = credited["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&uncoded.as_str()), "{credited}");
    assert!(
        credited["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["who"] == "DD01" || r["who"] == "admin"),
        "{credited}"
    );
    // Customer service adds their code: the sale is theirs, and off the list.
    s.add_staff("C07", "阿珍", "customer_service");
    s.ok_as("C07", &["order", "remark", &uncoded, "买家要的，记我"]);
    let a = s.json_as("YH01", &["audit", "--json"]);
    let credited = item(&a, "credited_to_non_cs");
    assert!(
        !credited["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["subject"] == uncoded.as_str()),
        "{credited}"
    );

    // Signing keeps who, when and what was open; the row is never changed.
    let open_items = a["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["count"].as_i64().unwrap() > 0)
        .count() as i64;
    let signed = s.json_as("YH01", &["audit", "--sign", "--note", "明天继续", "--json"]);
    assert_eq!(signed["staff_code"], "YH01");
    assert_eq!(signed["open_items"], open_items);
    assert_eq!(signed["detail"]["note"], "明天继续");
    assert_eq!(signed["day"], today());
    let again = s.json_as("admin", &["audit", "--role", "checker", "--json"]);
    assert_eq!(again["signed"][0]["staff_code"], "YH01");
    assert!(
        raw.try_exec("UPDATE self_audits SET open_items = 0")
            .is_err(),
        "a signed audit cannot be changed"
    );
    assert!(raw.try_exec("DELETE FROM self_audits").is_err());

    // Another role's audit is not a picker's to see or a checker's to sign.
    let e = s.fails_as("PH002", &["audit", "--role", "checker"]);
    assert!(e.contains("own role"), "{e}");
    let e = s.fails_as("DD01", &["audit", "--role", "checker", "--sign"]);
    assert!(e.contains("only a checker"), "{e}");
}

/// A remark as the test reads it: text, stored code, source.
type Remark = (String, Option<String>, String);

/// The demo's staff who are no customer service and might write a remark.
const NOT_CS: &[&str] = &[
    "admin", "DD01", "PH001", "PH002", "YH01", "CG01", "TM01", "RK01", "KC01",
];

/// The sales code of an order, as the test reads the rule: the first customer-service code its
/// remarks name (a remark written in packbench names its writer, an imported one its first word
/// if that is one to three capitals and two to four digits), else the first code of anyone.
fn code_of(remarks: &[Remark], not_cs: &[&str]) -> Option<String> {
    let re = regex::Regex::new("^[A-Z]{1,3}[0-9]{2,4}$").unwrap();
    let codes: Vec<String> = remarks
        .iter()
        .filter_map(|(text, code, source)| {
            if source == "staff" {
                return code.clone();
            }
            let first = text
                .trim_start()
                .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
                .next()?;
            re.is_match(first).then(|| first.to_string())
        })
        .collect();
    codes
        .iter()
        .find(|c| !not_cs.contains(&c.as_str()))
        .or(codes.first())
        .cloned()
}

#[test]
fn commission_by_sales_code_minus_refunds_and_each_agent_sees_their_own() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "120"]);
    let mut raw = s.raw();
    // The demo's month (shop time) and its bounds.
    let first_paid = raw
        .text("SELECT min(paid_at) FROM orders WHERE paid_at IS NOT NULL")
        .unwrap();
    let day = packbench::domain::time::shop_day_of(&first_paid).unwrap();
    let month = day.format("%Y-%m").to_string();
    let (first, last) = packbench::flow::report::month_days(&month).unwrap();
    let (lo, hi) = packbench::domain::time::shop_days_bounds(first, last);

    // A remark written here by the supervisor credits an order nobody had.
    let nobody = raw
        .rows(&format!(
            "SELECT o.order_no FROM orders o WHERE o.paid_at >= '{lo}' AND o.paid_at < '{hi}'
               AND o.status <> 'unpaid'
               AND NOT EXISTS (SELECT 1 FROM remarks r WHERE r.order_id = o.id) ORDER BY o.id"
        ))
        .remove(0)[0]
        .clone()
        .unwrap();
    s.ok_as(
        "KF01",
        &["order", "remark", &nobody, "买家电话下单，已备注"],
    );

    // The orders and remarks, read by the test.
    let mut orders: BTreeMap<String, (i64, Vec<Remark>)> = BTreeMap::new();
    for r in raw.rows(&format!(
        "SELECT o.order_no, o.paid_fen FROM orders o
         WHERE o.status IN ('paid', 'shipped', 'completed', 'closed')
           AND o.paid_at >= '{lo}' AND o.paid_at < '{hi}'"
    )) {
        orders.insert(
            r[0].clone().unwrap(),
            (r[1].as_deref().unwrap().parse().unwrap(), Vec::new()),
        );
    }
    for r in raw.rows(
        "SELECT o.order_no, r.text, r.staff_code, r.source FROM remarks r
         JOIN orders o ON o.id = r.order_id ORDER BY r.id",
    ) {
        if let Some(o) = orders.get_mut(r[0].as_deref().unwrap()) {
            o.1.push((r[1].clone().unwrap(), r[2].clone(), r[3].clone().unwrap()));
        }
    }
    // A refund completed in the month on a C05 order.
    let (refunded_order, _) = orders
        .iter()
        .find(|(_, (_, rm))| code_of(rm, NOT_CS).as_deref() == Some("C05"))
        .expect("C05 has an order in the demo");
    let refunded_order = refunded_order.clone();
    raw.exec(&format!(
        "INSERT INTO refunds (refund_no, order_no, status, amount_fen, finished_at, imported_at, updated_at)
         VALUES ('R-1', '{refunded_order}', 'refunded', 1234, '{lo}', '{lo}', '{lo}')"
    ));
    s.ok(&["settings", "set", "commission.rates", "0:1%,500:2%"]);

    // The test's own sums.
    let mut want: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
    let mut uncredited: BTreeSet<String> = BTreeSet::new();
    for (no, (paid, rm)) in &orders {
        match code_of(rm, NOT_CS) {
            Some(c) => {
                let e = want.entry(c).or_default();
                e.0 += 1;
                e.1 += paid;
            }
            None => {
                uncredited.insert(no.clone());
            }
        }
    }
    want.get_mut("C05").unwrap().2 += 1234;
    assert_eq!(code_of(&orders[&nobody].1, NOT_CS).as_deref(), Some("KF01"));

    let c = s.json_as(
        "KF01",
        &["report", "commission", "--month", &month, "--json"],
    );
    assert_eq!(c["own_only"], false);
    let rows = c["rows"].as_array().unwrap();
    assert_eq!(rows.len(), want.len(), "{c}");
    for r in rows {
        let code = r["code"].as_str().unwrap();
        let (n, paid, refunded) = want[code];
        assert_eq!(r["orders"], n, "{code}");
        assert_eq!(fen(&r["paid"]), paid, "{code}");
        assert_eq!(fen(&r["refunded"]), refunded, "{code}");
        let net = paid - refunded;
        assert_eq!(fen(&r["net"]), net, "{code}");
        let bp = if net >= 50_000 { 200 } else { 100 };
        assert_eq!(fen(&r["commission"]), (net * bp + 5_000) / 10_000, "{code}");
    }
    let listed: BTreeSet<String> = c["uncredited"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["order_no"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, uncredited);
    assert!(!listed.is_empty(), "the demo has orders with no CS code");

    // An agent sees their own row and the orders no one is credited with; nothing of others.
    let own = s.json_as(
        "C05",
        &["report", "commission", "--month", &month, "--json"],
    );
    assert_eq!(own["own_only"], true);
    let codes: Vec<&str> = own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["C05"]);
    assert_eq!(own["uncredited"], c["uncredited"]);
    let text = s.ok_as("C05", &["report", "commission", "--month", &month]);
    for other in want.keys().filter(|k| *k != "C05") {
        assert!(!text.contains(other.as_str()), "C05 sees {other}: {text}");
    }

    // The exports read back as the figures.
    let csv = s.path("提成.csv");
    let xlsx = s.path("提成.xlsx");
    for out in [&csv, &xlsx] {
        s.ok_as(
            "KF01",
            &[
                "report",
                "commission",
                "--month",
                &month,
                "--out",
                out.to_str().unwrap(),
            ],
        );
    }
    for (sheet, no_code) in [
        (
            read_csv_section(&csv, "提成"),
            read_csv_section(&csv, "无客服代码的订单"),
        ),
        (read_xlsx(&xlsx, 1), read_xlsx(&xlsx, 2)),
    ] {
        assert_eq!(sheet.len(), rows.len() + 1);
        for (cells, r) in sheet[1..].iter().zip(rows) {
            assert_eq!(cells[0], r["code"].as_str().unwrap());
            assert!(same(&cells[2], &r["orders"].to_string()), "{cells:?}");
            for (i, k) in [(3, "paid"), (5, "refunded"), (6, "net"), (8, "commission")] {
                let yuan = format!("{:.2}", fen(&r[k]) as f64 / 100.0);
                assert!(same(&cells[i], &yuan), "{k}: {cells:?} vs {r}");
            }
        }
        let listed: BTreeSet<String> = no_code[1..].iter().map(|r| r[0].clone()).collect();
        assert_eq!(listed, uncredited);
    }

    // A bad month or rate table is refused in words.
    let e = s.fails_as("KF01", &["report", "commission", "--month", "2026-13"]);
    assert!(e.contains("YYYY-MM"), "{e}");
    let e = s.fails_as("admin", &["settings", "set", "commission.rates", "lots"]);
    assert!(e.contains("rate table"), "{e}");
}

#[test]
fn the_stock_keepers_and_supervisors_audits_count_what_waits_for_them() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "30"]);
    let mut raw = s.raw();

    // A receipt made and not confirmed; a refund asked and one sent back not yet here.
    let csv = s.path("入库.csv");
    std::fs::write(
        &csv,
        "商家编码,条码,名称,规格,单价,库位,数量\nNEW-AUDIT-1,,审核测试品,,10.00,A-01-1,3\n",
    )
    .unwrap();
    s.ok_as("KC01", &["receipt", "create", csv.to_str().unwrap()]);
    let order = raw
        .text("SELECT order_no FROM orders ORDER BY id LIMIT 1")
        .unwrap();
    raw.exec(&format!(
        "INSERT INTO refunds (refund_no, order_no, status, amount_fen, requested_at, imported_at, updated_at)
         VALUES ('R-ASK', '{order}', 'requested', 990, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z'),
                ('R-BACK', '{order}', 'returned', 500, '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z', '2026-11-30T01:00:00Z')"
    ));
    raw.exec("UPDATE refunds SET return_waybill = 'YT-BACK-1' WHERE refund_no = 'R-BACK'");

    let k = s.json_as("KC01", &["audit", "--json"]);
    assert_eq!(k["role"], "stock_keeper");
    assert_eq!(
        item(&k, "receipts_open")["count"],
        raw.int("SELECT count(*) FROM receipts WHERE state = 'open'")
    );
    assert!(item(&k, "receipts_open")["count"].as_i64().unwrap() >= 1);
    assert_eq!(
        item(&k, "negative_stock")["count"],
        raw.int("SELECT count(*) FROM stock WHERE qty < 0")
    );
    let dead = s.json(&["stock", "dead", "--json"]).1;
    assert_eq!(
        item(&k, "dead_stock")["count"].as_u64().unwrap() as usize,
        dead.as_array().map_or(0, Vec::len),
        "{dead}"
    );

    let c = s.json_as("KF01", &["audit", "--json"]);
    assert_eq!(c["role"], "cs_supervisor");
    let asked = item(&c, "refunds_open");
    assert_eq!(asked["count"], 1);
    assert_eq!(asked["rows"][0]["subject"], "R-ASK");
    assert_eq!(asked["rows"][0]["amount"], 990);
    let waiting = item(&c, "returns_waiting");
    assert_eq!(waiting["count"], 1);
    assert_eq!(waiting["rows"][0]["subject"], "YT-BACK-1");
    assert_eq!(waiting["rows"][0]["orders"][0], order.as_str());

    // The box arrives at the return desk: it is no longer waiting to arrive, but waits to post
    // until its last item is in.
    let v = s.scan_as("KF01", "desk-1", "return", &["YT-BACK-1"]);
    assert_eq!(verdicts(&v)[0], "return_opened", "{v:?}");
    let c = s.json_as("KF01", &["audit", "--json"]);
    let waiting = item(&c, "returns_waiting");
    assert_eq!(
        waiting["count"],
        raw.int("SELECT count(*) FROM returns WHERE posted_at IS NULL")
    );
}
