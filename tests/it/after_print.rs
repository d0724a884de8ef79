//! After printing (issue 15, item 2): an order taken out of a merged parcel so the rest ships
//! alone; a waybill voided and replaced (the old number never again, its label refused at the
//! bench); the order printer's exceptions list; stock moves match what left.

use crate::common::{Scratch, orders_of, parcel_where, verdicts};
use serde_json::Value;

/// `(product, qty)` of the shipment moves of an order, sorted.
fn shipment_moves(s: &Scratch, order_no: &str) -> Vec<(String, i64)> {
    let mut v: Vec<(String, i64)> = s
        .raw()
        .rows(&format!(
            "SELECT p.sku_code, m.qty FROM stock_moves m JOIN products p ON p.id = m.product_id
             WHERE m.kind = 'shipment' AND m.ref = '{order_no}'"
        ))
        .into_iter()
        .map(|r| {
            (
                r[0].clone().unwrap(),
                r[1].as_deref().unwrap().parse().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn open_exceptions(s: &Scratch) -> Vec<Value> {
    let (ok, v) = s.json(&["exceptions", "list", "--json"]);
    assert!(ok, "{v}");
    v.as_array().unwrap().clone()
}

fn merged(batch: &Value) -> &Value {
    parcel_where(batch, |p| orders_of(p) >= 2)
}

#[test]
fn a_refunded_order_leaves_its_merged_parcel_and_the_rest_ships_alone() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let p = merged(&batch);
    let tracking = p["tracking_no"].as_str().unwrap();
    let refunded = p["order_nos"][0].as_str().unwrap();
    let kept = p["order_nos"][1].as_str().unwrap();
    s.ok(&[
        "order",
        "set-status",
        refunded,
        "closed",
        "--reason",
        "退款成功",
    ]);
    // The bench stops the whole parcel while the refunded order is in it.
    let v = s.scan("bench-1", "check", &[tracking]);
    assert_eq!(v[0]["reason"], "refunded", "{v:?}");

    // A checker may not change a parcel; the order printer may.
    s.add_staff("YH7", "验货七", "checker");
    s.fails_as("YH7", &["parcel", "remove-order", tracking, refunded]);
    let err = String::from_utf8(
        s.run(&["parcel", "remove-order", tracking, "4000000000000000000"])
            .stderr,
    )
    .unwrap();
    assert!(err.contains("不在包裹"), "{err}");
    let (ok, r) = s.json(&["parcel", "remove-order", tracking, refunded, "--json"]);
    assert!(ok, "{r}");
    assert_eq!(r["back_to_review"], false, "a refunded order stays closed");
    let left: Vec<&str> = r["left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap())
        .collect();
    assert!(left.contains(&kept) && !left.contains(&refunded), "{r}");
    let list = open_exceptions(&s);
    let e = list
        .iter()
        .find(|e| e["kind"] == "order_removed")
        .expect("on the printer's list");
    assert_eq!(e["queue"], "printer");
    assert_eq!(e["order_no"], refunded);

    // The rest checks and ships under the same waybill; the removed order's goods are surplus.
    let kept_units: Vec<String> = left.iter().flat_map(|o| s.order_units(o)).collect();
    // What the pick list put in the basket for the order taken out (its lines, refunded too).
    let removed_skus: Vec<String> = s
        .raw()
        .rows(&format!(
            "SELECT l.sku_code FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.order_no = '{refunded}'"
        ))
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .filter(|k| !kept_units.contains(k))
        .collect();
    assert!(
        !removed_skus.is_empty(),
        "the fixture's merged orders differ in goods"
    );
    let mut scans = vec![tracking.to_string(), removed_skus[0].clone()];
    scans.extend(kept_units.iter().cloned());
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("bench-1", "check", &refs);
    let names = verdicts(&v);
    assert_eq!(names[0], "order_opened", "{v:?}");
    assert!(
        matches!(names[1].as_str(), "item_wrong" | "line_refunded"),
        "an item of the order taken out is red: {v:?}"
    );
    assert_eq!(names.last().unwrap(), "shipped", "{v:?}");
    // Stock left for what left, nothing for the order taken out.
    assert!(shipment_moves(&s, refunded).is_empty());
    let mut want: Vec<(String, i64)> = Vec::new();
    for o in &left {
        for u in s.order_units(o) {
            match want.iter_mut().find(|(k, _)| *k == u) {
                Some(w) => w.1 -= 1,
                None => want.push((u, -1)),
            }
        }
    }
    want.sort();
    let mut got: Vec<(String, i64)> = left.iter().flat_map(|o| shipment_moves(&s, o)).collect();
    // Summed per product: a line of two is one move of −2.
    got.sort();
    let mut summed: Vec<(String, i64)> = Vec::new();
    for (k, q) in got {
        match summed.iter_mut().find(|(x, _)| *x == k) {
            Some(w) => w.1 += q,
            None => summed.push((k, q)),
        }
    }
    assert_eq!(summed, want);
    // Shipped checked: the change was carried out.
    assert!(
        open_exceptions(&s)
            .iter()
            .all(|e| e["kind"] != "order_removed"),
        "handled by the checked shipment"
    );
    s.ok(&["stock", "verify"]);
}

#[test]
fn a_voided_waybill_is_never_used_again_and_its_label_is_refused() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"].to_string();
    let p = parcel_where(&batch, |p| orders_of(p) == 1);
    let old = p["tracking_no"].as_str().unwrap();
    let order = p["order_nos"][0].as_str().unwrap();

    // No reason, no void.
    assert!(
        !s.run(&["waybill", "void", old, "--reason", " "])
            .status
            .success()
    );
    let (ok, v) = s.json(&["waybill", "void", old, "--reason", "地址写错了", "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["to_ship"], true);
    let err =
        String::from_utf8(s.run(&["waybill", "void", old, "--reason", "again"]).stderr).unwrap();
    assert!(err.contains("已经作废"), "{err}");

    // Now the receiver may change (refused while the waybill was valid: see below).
    s.ok(&[
        "order",
        "set-receiver",
        order,
        "--address",
        "浙江省杭州市西湖区新地址 1 号",
    ]);
    let other = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tracking_no"] != old)
        .unwrap()["order_nos"][0]
        .as_str()
        .unwrap();
    let err = String::from_utf8(
        s.run(&["order", "set-receiver", other, "--address", "别处"])
            .stderr,
    )
    .unwrap();
    assert!(err.contains("先作废快递单"), "{err}");

    // The old label at the bench: refused, red.
    let v = s.scan("bench-1", "check", &[old]);
    assert_eq!(verdicts(&v), ["blocked"], "{v:?}");
    assert_eq!(v[0]["reason"], "waybill_voided");
    // The batch can no longer be cancelled (its numbers would go back to the pool).
    assert!(
        !s.run(&["batch", "cancel", &id, "--reason", "oops"])
            .status
            .success()
    );
    // Shipping the batch in bulk leaves the parcel without a label behind.
    let e = open_exceptions(&s);
    assert!(
        e.iter()
            .any(|e| e["kind"] == "waybill_voided" && e["tracking_no"] == old)
    );

    // A new number from the pool — of another courier, the buyer asked for SF.
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "SF",
        "--range",
        "SF10000001-SF10000003",
    ]);
    let (ok, n) = s.json(&["waybill", "new", order, "--courier", "SF", "--json"]);
    assert!(ok, "{n}");
    let new = n["tracking_no"].as_str().unwrap().to_string();
    assert_eq!(new, "SF10000001");
    assert_eq!(n["courier"], "SF");
    // Once it has one, another is refused until that one is voided.
    assert!(!s.run(&["waybill", "new", order]).status.success());
    // It prints alone, with its batch.
    let pdf = s.path("new.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        &id,
        "--only",
        &new,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert!(crate::common::squeeze(&crate::common::pdf_text(&pdf)).contains("新地址"));
    let (_, shown) = s.json(&["batch", "show", &id, "--json"]);
    let row = shown["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["order_nos"][0] == order)
        .unwrap();
    assert_eq!(row["tracking_no"], new.as_str());
    assert_eq!(row["courier"], "SF");

    // The old number stays used in the pool; no batch ever takes it again.
    let used = s.raw().text(&format!(
        "SELECT parcel_id FROM waybills WHERE tracking_no = '{old}'"
    ));
    assert!(used.is_some(), "the voided number stays used");

    // The new label checks and ships; the void is carried out.
    let mut scans = vec![new.clone()];
    scans.extend(s.order_units(order));
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("bench-1", "check", &refs);
    assert_eq!(verdicts(&v).last().unwrap(), "shipped", "{v:?}");
    assert!(open_exceptions(&s).iter().all(|e| e["tracking_no"] != old));
    // The old label after shipping: still refused, never "shipped".
    let v = s.scan("bench-1", "check", &[old]);
    assert_eq!(v[0]["reason"], "waybill_voided");
    // Shipped: it can no longer be voided.
    let err = String::from_utf8(s.run(&["waybill", "void", &new, "--reason", "x"]).stderr).unwrap();
    assert!(err.contains("已经发出"), "{err}");
    s.ok(&["stock", "verify"]);
}

#[test]
fn a_parcel_without_a_valid_waybill_never_ships_in_bulk_and_the_list_is_handled_by_who_may() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"].to_string();
    let old = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    s.ok(&["waybill", "void", old, "--reason", "面单打花了"]);
    let (ok, r) = s.json(&["ship", "--batch", &id, "--json"]);
    assert!(ok, "{r}");
    let skipped = r["skipped"].as_array().unwrap();
    assert!(
        skipped.iter().any(|x| x["reason"] == "waybill_voided"),
        "{r}"
    );
    let n = batch["parcels"].as_array().unwrap().len();
    assert_eq!(r["shipped"].as_array().unwrap().len(), n - 1);

    let e = open_exceptions(&s);
    let eid = e[0]["id"].to_string();
    s.add_staff("KF9", "客服九", "customer_service");
    s.fails_as("KF9", &["exceptions", "handle", &eid, "--note", "done"]);
    let out = s.ok(&["exceptions", "handle", &eid, "--note", "旧单已撕掉"]);
    assert!(out.contains("已处理"), "{out}");
    assert!(
        !s.run(&["exceptions", "handle", &eid]).status.success(),
        "twice"
    );
    assert!(open_exceptions(&s).is_empty());
}

/// The single-order parcel of the batch with the most units (at least two).
fn parcel_of_two(batch: &Value) -> &Value {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["order_nos"].as_array().unwrap().len() == 1)
        .max_by_key(|p| {
            p["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["qty"].as_u64().unwrap())
                .sum::<u64>()
        })
        .filter(|p| {
            p["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["qty"].as_u64().unwrap())
                .sum::<u64>()
                >= 2
        })
        .expect("a parcel of two units")
}

#[test]
fn the_checker_holds_a_short_parcel_for_the_supervisor_with_one_scan() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let p = parcel_of_two(&batch);
    let tracking = p["tracking_no"].as_str().unwrap();
    let order = p["order_nos"][0].as_str().unwrap();
    let units = s.order_units(order);
    // A card with nothing open: scan the waybill first.
    let v = s.scan("bench-1", "check", &["MISSING"]);
    assert_eq!(verdicts(&v), ["no_open_parcel"], "{v:?}");
    let v = s.scan("bench-1", "check", &[tracking, &units[0], "MISSING"]);
    assert_eq!(
        verdicts(&v),
        ["order_opened", "item_ok", "parcel_held"],
        "{v:?}"
    );
    assert!(
        v[2]["message_zh"].as_str().unwrap().contains("缺货"),
        "{v:?}"
    );
    let (_, list) = s.json(&["exceptions", "list", "--queue", "supervisor", "--json"]);
    let e = &list.as_array().unwrap()[0];
    assert_eq!(e["kind"], "item_missing");
    assert_eq!(e["tracking_no"], tracking);
    assert!(e["note"].as_str().unwrap().contains(&units[1]), "{e}");
    // Held: the bench stops it until the supervisor lets it go.
    let v = s.scan("bench-2", "check", &[tracking]);
    assert_eq!(v[0]["reason"], "held", "{v:?}");
    s.ok(&["review", "release", order]);
    let id = e["id"].to_string();
    s.ok(&["exceptions", "handle", &id, "--note", "补货了"]);
    // What was counted stays counted: the rest completes it.
    let mut rest = vec![tracking.to_string()];
    rest.extend(units[1..].iter().cloned());
    let refs: Vec<&str> = rest.iter().map(String::as_str).collect();
    let v = s.scan("bench-2", "check", &refs);
    assert_eq!(verdicts(&v).last().unwrap(), "shipped", "{v:?}");
    s.ok(&["stock", "verify"]);
}

#[test]
fn the_bench_says_the_buyer_has_another_order_ready_and_the_supervisor_hears_of_it() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let p = parcel_where(&batch, |p| orders_of(p) == 1);
    let tracking = p["tracking_no"].as_str().unwrap();
    let order = p["order_nos"][0].as_str().unwrap();
    let r = s.raw().rows(&format!(
        "SELECT receiver_name, receiver_phone, receiver_address FROM orders WHERE order_no = '{order}'"
    ));
    let sku = s.order_units(order)[0].clone();
    // The same buyer phones in another order after the batch was printed.
    let f = s.path("more.json");
    std::fs::write(
        &f,
        serde_json::json!({
            "receiver": {"name": r[0][0], "phone": r[0][1], "address": r[0][2]},
            "lines": [{"sku_code": sku, "qty": 1}],
            "paid": true,
        })
        .to_string(),
    )
    .unwrap();
    let (ok, created) = s.json(&["order", "create", f.to_str().unwrap(), "--json"]);
    assert!(ok, "{created}");
    let v = s.scan("bench-1", "check", &[tracking]);
    assert_eq!(verdicts(&v), ["order_opened", "other_order_ready"], "{v:?}");
    assert!(
        v[1]["message_zh"]
            .as_str()
            .unwrap()
            .contains(created["order_no"].as_str().unwrap())
    );
    // Once on the list, however often the waybill is scanned.
    s.scan("bench-1", "check", &[tracking]);
    let (_, list) = s.json(&["exceptions", "list", "--queue", "supervisor", "--json"]);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["kind"], "other_order_ready");

    // An unpaid order whose remark says the buyer paid by transfer goes to the supervisor too.
    let other = parcel_where(&batch, |x| {
        x["tracking_no"] != tracking && orders_of(x) == 1
    });
    let o2 = other["order_nos"][0].as_str().unwrap();
    s.ok(&[
        "order",
        "set-status",
        o2,
        "unpaid",
        "--reason",
        "付款被退回",
    ]);
    s.ok(&["order", "remark", o2, "客户说已经银行汇款了"]);
    // (bench-1 still has the first parcel open: a restarted bench shows it first.)
    let v = s.scan(
        "bench-1",
        "check",
        &[other["tracking_no"].as_str().unwrap()],
    );
    assert_eq!(v.last().unwrap()["reason"], "unpaid", "{v:?}");
    let (_, list) = s.json(&["exceptions", "list", "--queue", "supervisor", "--json"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "transfer_note" && e["order_no"] == o2),
        "{list}"
    );
}
