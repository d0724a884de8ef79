//! Taobao's refund export in: the fixture exactly (GBK), the same refunds from a UTF-8 file
//! with its columns moved and one more; a re-import changes nothing; a changed status is
//! updated and logged; a malformed file writes nothing; who may. A refund under way keeps the
//! order from being printed and stops its parcel at the bench.

use crate::common::{Scratch, fixture, read_gbk, verdicts};
use serde_json::Value;

fn import(s: &Scratch, path: &std::path::Path) -> (bool, Value) {
    s.json(&["import", "refunds", path.to_str().unwrap(), "--json"])
}

fn expected() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(fixture("taobao-gbk", "refunds-expected.json")).unwrap(),
    )
    .unwrap()
}

/// The stored refunds: `(refund number, order, status, amount, return waybill)`, by number.
fn stored(s: &Scratch) -> Vec<Vec<Option<String>>> {
    s.raw().rows(
        "SELECT refund_no, order_no, status, amount_fen, return_waybill, full_refund FROM refunds ORDER BY refund_no",
    )
}

#[test]
fn the_refund_export_imports_exactly_and_again_changes_nothing() {
    let s = Scratch::new();
    s.ensure_store();
    let want = expected();
    let file = fixture("taobao-gbk", "RefundList.csv");
    let (ok, sum) = import(&s, &file);
    assert!(ok, "{sum}");
    assert_eq!(sum["refunds_new"], want["refunds"]);
    let rows = stored(&s);
    assert_eq!(rows.len() as u64, want["refunds"].as_u64().unwrap());
    // By status, in Taobao's words.
    for (zh, n) in want["by_status"].as_object().unwrap() {
        let code = packbench::domain::refund::RefundStatus::from_taobao(zh)
            .unwrap()
            .code();
        let got = rows
            .iter()
            .filter(|r| r[2].as_deref() == Some(code))
            .count();
        assert_eq!(got as u64, n.as_u64().unwrap(), "{zh}");
    }
    for r in want["returns_with_waybill"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|x| x[0].as_deref() == r["refund_no"].as_str())
            .unwrap();
        assert_eq!(row[4].as_deref(), r["waybill"].as_str());
        assert_eq!(row[1].as_deref(), r["order_no"].as_str());
    }
    for r in want["full"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|x| x[0].as_deref() == r["refund_no"].as_str())
            .unwrap();
        assert_eq!(row[5].as_deref(), Some("1"), "a full refund");
    }
    for r in want["partial"].as_array().unwrap() {
        let row = rows
            .iter()
            .find(|x| x[0].as_deref() == r["refund_no"].as_str())
            .unwrap();
        assert_eq!(row[5].as_deref(), Some("0"), "a partial refund");
    }

    let (ok, again) = import(&s, &file);
    assert!(ok);
    assert_eq!(
        (
            again["refunds_new"].clone(),
            again["refunds_updated"].clone()
        ),
        (0.into(), 0.into())
    );
    assert_eq!(again["refunds_unchanged"], want["refunds"]);
    assert_eq!(stored(&s), rows);

    // The same refunds as UTF-8 with a BOM, two columns swapped and one a later version adds.
    let text = read_gbk(&file);
    let mut lines = text.split("\r\n").filter(|l| !l.is_empty()).map(|l| {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(l.as_bytes());
        let rec = r.records().next().unwrap().unwrap();
        let mut v: Vec<String> = rec.iter().map(str::to_string).collect();
        v.swap(0, 1);
        v.push(if v[0] == "退款编号" {
            "售后类型".into()
        } else {
            "仅退款".into()
        });
        v
    });
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    for l in lines.by_ref() {
        out.write_record(&l).unwrap();
    }
    let other = s.path("退款-utf8.csv");
    std::fs::write(&other, out.into_inner().unwrap()).unwrap();
    let t = Scratch::new();
    t.ensure_store();
    let (ok, sum) = import(&t, &other);
    assert!(ok, "{sum}");
    assert_eq!(
        stored(&t),
        rows,
        "the same refunds however the columns stand"
    );
}

#[test]
fn a_changed_status_is_updated_and_a_bad_file_writes_nothing() {
    let s = Scratch::new();
    s.ensure_store();
    let file = fixture("taobao-gbk", "RefundList.csv");
    assert!(import(&s, &file).0);
    let text = read_gbk(&file);
    // The refund waiting for the seller is agreed and paid out.
    let changed = text.replacen("买家已经申请退款，等待卖家同意", "退款成功", 1);
    let later = s.path("later.csv");
    crate::common::write_gbk(&later, &changed);
    let (ok, sum) = import(&s, &later);
    assert!(ok, "{sum}");
    assert_eq!(sum["refunds_updated"], 1);
    let logged = s
        .raw()
        .int("SELECT count(*) FROM events WHERE kind = 'refund_status_changed'");
    assert_eq!(logged, 1);

    // A bad amount and an unknown status: both said, nothing written.
    let bad = changed
        .replacen(",199.00,", ",19九.00,", 1)
        .replacen("退款关闭", "退了一半", 1);
    let bad_file = s.path("bad.csv");
    crate::common::write_gbk(&bad_file, &bad);
    let before = stored(&s);
    let (ok, sum) = import(&s, &bad_file);
    assert!(!ok);
    let codes: Vec<&str> = sum["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"bad_money") && codes.contains(&"bad_refund_status"),
        "{sum}"
    );
    assert_eq!(stored(&s), before, "nothing written");
    // Not a refund export at all.
    let (ok, sum) = import(&s, &fixture("taobao-gbk", "ExportOrderList.csv"));
    assert!(!ok);
    assert_eq!(sum["rejected"][0]["code"], "missing_column", "{sum}");

    // A checker does not import refunds.
    s.add_staff("YH9", "验货", "checker");
    s.fails_as("YH9", &["import", "refunds", file.to_str().unwrap()]);
}

#[test]
fn a_refund_under_way_keeps_the_order_from_print_and_stops_its_parcel_at_the_bench() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    // The order of the first printed parcel gets a refund request after printing.
    let parcel = &batch["parcels"][0];
    let order = parcel["order_nos"][0].as_str().unwrap();
    let tracking = parcel["tracking_no"].as_str().unwrap();
    // And an order not printed (unpaid: every ready one went into the batch).
    let waiting = s
        .raw()
        .text("SELECT order_no FROM orders WHERE parcel_id IS NULL AND hold_reason IS NULL ORDER BY id LIMIT 1")
        .expect("an order not printed");
    let mut csv = String::from("订单编号,退款编号,退款状态,买家退款金额,商品编码\r\n");
    csv.push_str(&format!(
        "\"=\"\"{order}\"\"\",\"=\"\"900001\"\"\",买家已经申请退款，等待卖家同意,10.00,\r\n"
    ));
    csv.push_str(&format!(
        "\"=\"\"{waiting}\"\"\",\"=\"\"900002\"\"\",卖家已经同意退款，等待买家退货,10.00,\r\n"
    ));
    let file = s.path("refunds.csv");
    crate::common::write_gbk(&file, &csv);
    let (ok, sum) = import(&s, &file);
    assert!(ok, "{sum}");

    let v = s.scan("bench-1", "check", &[tracking]);
    assert_eq!(verdicts(&v), ["blocked"], "{v:?}");
    assert_eq!(v[0]["reason"], "refund_open");

    let (_, list) = s.json(&["review", "list", "--json"]);
    let state = list
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["order_no"] == waiting.as_str())
        .expect("the order in the queue")["state"]
        .clone();
    assert_eq!(state, "refund", "shown at review, not printed");

    // Refused by the seller: the parcel may go again.
    let refused = csv
        .replace("买家已经申请退款，等待卖家同意", "卖家拒绝退款")
        .replace("卖家已经同意退款，等待买家退货", "退款关闭");
    crate::common::write_gbk(&file, &refused);
    assert!(import(&s, &file).0);
    let v = s.scan("bench-1", "check", &[tracking]);
    assert_eq!(verdicts(&v), ["order_opened"], "{v:?}");
}
