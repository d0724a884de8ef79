//! Re-importing is idempotent; a later export updates exactly what changed.

use crate::common::{Scratch, fixture, read_gbk, write_gbk};
use serde_json::Value;

fn import(s: &Scratch, orders: &std::path::Path, lines: &std::path::Path) -> Value {
    let (ok, v) = s.json(&[
        "import",
        "orders",
        orders.to_str().unwrap(),
        lines.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{v}");
    v
}

fn without_events(d: Vec<packbench::store::TableDigest>) -> Vec<packbench::store::TableDigest> {
    d.into_iter().filter(|t| t.table != "events").collect()
}

#[test]
fn the_same_files_again_change_nothing() {
    let s = Scratch::new();
    let first = s.import_fixture("taobao-gbk");
    assert_eq!(first["orders_new"], 60);
    let before = without_events(s.digest());
    let again = s.import_fixture("taobao-gbk");
    assert_eq!(again["orders_new"], 0);
    assert_eq!(again["orders_updated"], 0);
    assert_eq!(again["orders_unchanged"], 60);
    assert_eq!(again["lines"], 0);
    assert_eq!(again["remarks_appended"], 0);
    assert_eq!(without_events(s.digest()), before);
}

#[test]
fn a_later_export_updates_exactly_what_changed() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");

    // The later export: order 8037451097300809848 (paid, two lines) had its jeans refunded, and
    // order 2361485344533135651 got a remark. Everything else is as before.
    let orders = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv"));
    let lines = read_gbk(&fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    let refunded = "8037451097300809848";
    let remarked = "2361485344533135651";
    let lines: String = lines
        .split_inclusive('\n')
        .map(|l| {
            if l.contains(refunded) && l.contains("NZ2017") {
                l.replace("买家已付款，等待卖家发货", "交易关闭")
            } else {
                l.to_string()
            }
        })
        .collect();
    let orders: String = orders
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with(&format!("\"=\"\"{remarked}")) {
                // 订单备注 is the 24th column; the row has it empty.
                let mut fields: Vec<String> = l.trim_end().split(',').map(str::to_string).collect();
                assert_eq!(fields[23], "");
                fields[23] = "C05 送小样".into();
                format!("{}\r\n", fields.join(","))
            } else {
                l.to_string()
            }
        })
        .collect();
    let o = s.path("ExportOrderList.csv");
    let d = s.path("ExportOrderDetailList.csv");
    write_gbk(&o, &orders);
    write_gbk(&d, &lines);

    let v = import(&s, &o, &d);
    assert_eq!(v["orders_new"], 0);
    assert_eq!(v["orders_updated"], 2);
    assert_eq!(v["orders_unchanged"], 58);
    assert_eq!(v["lines"], 1);
    assert_eq!(v["remarks_appended"], 1);

    let (_, r) = s.json(&["order", "show", refunded, "--json"]);
    assert_eq!(r["status"], "paid");
    let jeans = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["sku_code"].as_str().unwrap().starts_with("NZ2017"))
        .unwrap();
    assert_eq!(jeans["status"], "closed");
    assert_eq!(jeans["refunded"], true);
    let (_, m) = s.json(&["order", "show", remarked, "--json"]);
    assert_eq!(m["remarks"].as_array().unwrap().len(), 1);
    assert_eq!(m["remarks"][0]["text"], "C05 送小样");
    assert_eq!(m["remarks"][0]["staff_code"], "C05");

    // And once more: nothing new.
    let v = import(&s, &o, &d);
    assert_eq!(
        (v["orders_updated"].as_u64(), v["orders_unchanged"].as_u64()),
        (Some(0), Some(60))
    );
}

#[test]
fn remark_text_is_appended_never_overwritten() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    // The seller edits 订单备注 on Taobao: the export now holds the old text and more.
    let on_row = |text: &str, from: &str, to: &str| -> String {
        text.split_inclusive('\n')
            .map(|l| {
                if l.starts_with("\"=\"\"6385326656401140196") {
                    l.replace(from, to)
                } else {
                    l.to_string()
                }
            })
            .collect()
    };
    let orders = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv"));
    let orders = on_row(
        &orders,
        ",C11 买家要求改地址，暂不发货,",
        ",C11 买家要求改地址，暂不发货 已改好,",
    );
    let o = s.path("ExportOrderList.csv");
    write_gbk(&o, &orders);
    let v = import(&s, &o, &fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    assert_eq!(v["remarks_appended"], 1);
    let (_, m) = s.json(&["order", "show", "6385326656401140196", "--json"]);
    let texts: Vec<&str> = m["remarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["C11 买家要求改地址，暂不发货", "已改好"]);
    // An export that drops the remark does not remove it.
    let orders = on_row(&orders, ",C11 买家要求改地址，暂不发货 已改好,", ",,");
    write_gbk(&o, &orders);
    import(&s, &o, &fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    let (_, m) = s.json(&["order", "show", "6385326656401140196", "--json"]);
    assert_eq!(m["remarks"].as_array().unwrap().len(), 2);
}

#[test]
fn the_staff_code_pattern_is_a_setting() {
    let s = Scratch::new();
    // This shop's agents sign remarks `KF-12`; the default pattern would not see it.
    s.ok(&[
        "settings",
        "set",
        "remark.staff_code_pattern",
        "^KF-[0-9]+$",
    ]);
    assert_eq!(
        s.ok(&["settings", "get", "remark.staff_code_pattern"])
            .trim(),
        "^KF-[0-9]+$"
    );
    let orders = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv"));
    let orders: String = orders
        .split_inclusive('\n')
        .map(|l| {
            if l.starts_with("\"=\"\"6385326656401140196") {
                l.replace(",C11 买家", ",KF-12 买家")
            } else {
                l.to_string()
            }
        })
        .collect();
    let o = s.path("ExportOrderList.csv");
    write_gbk(&o, &orders);
    import(&s, &o, &fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    let (_, m) = s.json(&["order", "show", "6385326656401140196", "--json"]);
    assert_eq!(m["remarks"][0]["staff_code"], "KF-12");
    let (_, m) = s.json(&["order", "show", "7927125739571885174", "--json"]);
    assert_eq!(
        m["remarks"][0]["staff_code"],
        Value::Null,
        "C03 no longer matches"
    );
    // A broken pattern is refused before it is stored.
    let out = s.run(&["settings", "set", "remark.staff_code_pattern", "^[A-Z"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("正则"));
    assert!(
        !s.run(&["settings", "set", "no.such.key", "1"])
            .status
            .success()
    );
    assert_eq!(
        s.ok(&["settings", "get", "remark.staff_code_pattern"])
            .trim(),
        "^KF-[0-9]+$"
    );
}
