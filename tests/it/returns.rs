//! Returns arriving (issue 15, item 4): a return waybill finds its refund and order; a good unit
//! goes back to its bin, a damaged one (after the DAMAGED card) to quarantine; surplus is red;
//! posting twice changes nothing; a box nobody's refund names is recorded for the supervisor;
//! `stock verify` passes.

use crate::common::{Scratch, verdicts};
use serde_json::Value;

fn on_hand(s: &Scratch, sku: &str, bin: &str) -> i64 {
    s.raw().int(&format!(
        "SELECT COALESCE(sum(s.qty), 0) FROM stock s JOIN products p ON p.id = s.product_id
         WHERE p.sku_code = '{sku}' AND s.bin = '{bin}'"
    ))
}

fn bin_of(s: &Scratch, sku: &str) -> String {
    s.raw()
        .text(&format!(
            "SELECT COALESCE(bin, '') FROM products WHERE sku_code = '{sku}'"
        ))
        .unwrap_or_default()
}

/// Ships the first single-order parcel of the batch with at least two units of two products,
/// checked at a bench; its order and its `(sku, qty)` lines.
fn ship_one(s: &Scratch, batch: &Value) -> (String, Vec<(String, u32)>) {
    for p in batch["parcels"].as_array().unwrap() {
        if p["order_nos"].as_array().unwrap().len() != 1 {
            continue;
        }
        let order = p["order_nos"][0].as_str().unwrap().to_string();
        let lines: Vec<(String, u32)> = s
            .raw()
            .rows(&format!(
                "SELECT l.sku_code, l.qty FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.order_no = '{order}' AND l.status <> 'closed' ORDER BY l.seq"
            ))
            .into_iter()
            .map(|r| {
                (
                    r[0].clone().unwrap(),
                    r[1].as_deref().unwrap().parse().unwrap(),
                )
            })
            .collect();
        if lines.len() < 2 {
            continue;
        }
        s.check_through(
            "bench-1",
            p["tracking_no"].as_str().unwrap(),
            &s.order_units(&order),
        );
        return (order, lines);
    }
    panic!("the fixture's batch has a parcel of one order with two products");
}

fn refund_csv(s: &Scratch, rows: &[(&str, &str, &str, &str)]) {
    // (order, refund number, merchant code, return waybill)
    let mut csv = String::from(
        "订单编号,退款编号,退款状态,买家退款金额,商品编码,退货物流单号,退货物流公司,是否需要退货\r\n",
    );
    for (order, no, sku, waybill) in rows {
        csv.push_str(&format!(
            "\"=\"\"{order}\"\"\",\"=\"\"{no}\"\"\",买家已经退货，等待卖家确认收货,10.00,{sku},{waybill},圆通速递,是\r\n"
        ));
    }
    let file = s.path("refunds.csv");
    crate::common::write_gbk(&file, &csv);
    let (ok, v) = s.json(&["import", "refunds", file.to_str().unwrap(), "--json"]);
    assert!(ok, "{v}");
}

#[test]
fn a_return_with_a_good_and_a_damaged_item_goes_back_to_stock_once() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let (order, lines) = ship_one(&s, &batch);
    let (a, b) = (lines[0].0.clone(), lines[1].0.clone());
    // The buyer returns both items of the order (a refund for the whole order: no 商品编码).
    refund_csv(&s, &[(&order, "800001", "", "YT9000000001")]);
    let before = (
        on_hand(&s, &a, &bin_of(&s, &a)),
        on_hand(&s, &b, &bin_of(&s, &b)),
        on_hand(&s, &b, "QUARANTINE"),
    );
    let units: u32 = lines.iter().map(|l| l.1).sum();

    // A checker does not receive returns.
    s.add_staff("YH5", "验货五", "checker");
    assert!(
        !s.command("YH5")
            .args(["--station", "desk-1", "scan", "--mode", "return"])
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
            .status
            .success()
    );

    // An item before any waybill; the waybill; a good unit; a foreign product; the card and a
    // damaged unit; the rest good.
    let foreign = s
        .raw()
        .text(&format!(
            "SELECT sku_code FROM products WHERE sku_code NOT IN ('{a}', '{b}') LIMIT 1"
        ))
        .unwrap();
    let mut scans: Vec<String> = vec![a.clone(), "YT9000000001".into(), a.clone(), foreign];
    scans.push("DAMAGED".into());
    scans.push(b.clone());
    for (sku, qty) in &lines {
        let done = if *sku == a || *sku == b { 1 } else { 0 };
        for _ in done..*qty {
            scans.push(sku.clone());
        }
    }
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("desk-1", "return", &refs);
    let names = verdicts(&v);
    assert_eq!(names[0], "no_return_open", "{v:?}");
    assert_eq!(names[1], "return_opened");
    assert_eq!(v[1]["order_no"], order.as_str());
    assert_eq!(v[1]["remaining"], units);
    assert_eq!(names[2], "return_good");
    assert_eq!(names[3], "return_surplus", "a foreign item is red");
    assert_eq!(names[4], "damaged_next");
    assert_eq!(names[5], "return_damaged");
    assert_eq!(v[5]["sku_code"], b.as_str());
    assert_eq!(names.last().unwrap(), "return_posted", "{v:?}");
    let posted = v.last().unwrap();
    assert_eq!(posted["good"], units - 1);
    assert_eq!(posted["damaged_units"], 1);

    let after = (
        on_hand(&s, &a, &bin_of(&s, &a)),
        on_hand(&s, &b, &bin_of(&s, &b)),
        on_hand(&s, &b, "QUARANTINE"),
    );
    let qty_a = i64::from(lines[0].1);
    let qty_b = i64::from(lines[1].1);
    assert_eq!(
        after.0,
        before.0 + qty_a,
        "good units of {a} back in their bin"
    );
    assert_eq!(after.1, before.1 + qty_b - 1, "{b}: one damaged");
    assert_eq!(after.2, before.2 + 1, "the damaged one in quarantine");

    // Posting again changes nothing.
    let moves = s
        .raw()
        .int("SELECT count(*) FROM stock_moves WHERE kind = 'return'");
    let v = s.scan("desk-1", "return", &["YT9000000001", a.as_str()]);
    assert_eq!(
        verdicts(&v),
        ["return_posted_already", "no_return_open"],
        "{v:?}"
    );
    assert_eq!(
        s.raw()
            .int("SELECT count(*) FROM stock_moves WHERE kind = 'return'"),
        moves
    );
    let out = s.ok(&["stock", "verify"]);
    assert!(out.contains("库存与流水一致"), "{out}");
    // Labels for the good units going back on the shelf (退货贴条码): one each.
    let pdf = s.path("return-labels.pdf");
    s.ok(&[
        "print",
        "labels",
        "--return",
        "YT9000000001",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let pages = crate::common::decode_pages(&pdf, 203);
    assert_eq!(pages.len() as u32, units - 1, "the damaged one gets none");
    // Not for a return not received.
    assert!(
        !s.run(&[
            "print",
            "labels",
            "--return",
            "YT0000000000",
            "--out",
            pdf.to_str().unwrap()
        ])
        .status
        .success()
    );
    // The order shows its refund and the return received.
    let (_, shown) = s.json(&["order", "show", &order, "--json"]);
    assert_eq!(shown["refunds"][0]["refund_no"], "800001", "{shown}");
    assert_eq!(shown["refunds"][0]["status"], "returned");
    assert_eq!(shown["returns"][0]["waybill"], "YT9000000001");
    assert!(shown["returns"][0]["posted_at"].is_string());
    let text = s.ok(&["order", "show", &order]);
    assert!(
        text.contains("退款 refund 800001") && text.contains("已入库"),
        "{text}"
    );
}

#[test]
fn a_box_no_refund_names_is_recorded_and_a_restart_carries_on() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let (order, lines) = ship_one(&s, &batch);
    let a = lines[0].0.clone();
    let bin = bin_of(&s, &a);
    let before = on_hand(&s, &a, &bin);
    // 无信息件: no refund names this waybill. Its items are received as they are.
    let v = s.scan("desk-2", "return", &["ZT5550000001", &a]);
    assert_eq!(verdicts(&v), ["return_unmatched", "return_good"], "{v:?}");
    // A restarted desk still has the box open: the same waybill again posts it.
    let v = s.scan("desk-2", "return", &["ZT5550000001"]);
    assert_eq!(verdicts(&v), ["return_posted"], "{v:?}");
    assert_eq!(v[0]["good"], 1);
    assert_eq!(on_hand(&s, &a, &bin), before + 1);
    let (_, list) = s.json(&["exceptions", "list", "--queue", "supervisor", "--json"]);
    let e = &list.as_array().unwrap()[0];
    assert_eq!(e["kind"], "return_unmatched");
    assert_eq!(e["tracking_no"], "ZT5550000001");

    // A refund for one item: the other is surplus; the next box's waybill posts this one.
    refund_csv(&s, &[(&order, "800002", &a, "YT9000000002")]);
    let other = lines[1].0.clone();
    let v = s.scan(
        "desk-2",
        "return",
        &["YT9000000002", &other, "ZT5550000002"],
    );
    assert_eq!(
        verdicts(&v),
        [
            "return_opened",
            "return_surplus",
            "return_posted",
            "return_unmatched"
        ],
        "{v:?}"
    );
    assert_eq!(v[2]["good"], 0, "nothing counted, nothing moved");
    s.ok(&["stock", "verify"]);
}

#[test]
fn a_parcel_refused_by_the_buyer_comes_back_under_its_own_label() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let (order, lines) = ship_one(&s, &batch);
    let tracking = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["order_nos"][0] == order.as_str())
        .unwrap()["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let mut scans = vec![tracking.clone()];
    scans.extend(s.order_units(&order));
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("desk-3", "return", &refs);
    assert_eq!(verdicts(&v)[0], "return_opened", "{v:?}");
    assert_eq!(v[0]["order_no"], order.as_str());
    assert_eq!(verdicts(&v).last().unwrap(), "return_posted", "{v:?}");
    let back: u32 = lines.iter().map(|l| l.1).sum();
    assert_eq!(v.last().unwrap()["good"], back);
    s.ok(&["stock", "verify"]);
}
