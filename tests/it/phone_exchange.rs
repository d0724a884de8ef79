//! Phone orders (issue 15, item 6) and exchanges (item 5): a phone order is checked as an
//! import checks (nothing written when anything is wrong), prints, checks and ships like any
//! other, takes its stock, and never goes back to Taobao; an unpaid one waits for the
//! supervisor. An exchange order is linked from its remark to the original, and the goods that
//! come back under the return waybill are received against the original order.

use crate::common::{Scratch, orders_of, parcel_where, verdicts};

fn write(s: &Scratch, name: &str, v: &serde_json::Value) -> String {
    let p = s.path(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.to_str().unwrap().to_string()
}

fn orders(s: &Scratch) -> i64 {
    s.raw().int("SELECT count(*) FROM orders")
}

#[test]
fn a_phone_order_is_checked_prints_ships_and_never_goes_back_to_taobao() {
    let s = Scratch::new();
    s.printed_batch();
    let skus: Vec<String> = s
        .raw()
        .rows("SELECT sku_code FROM products WHERE state = 'active' ORDER BY sku_code LIMIT 2")
        .into_iter()
        .map(|r| r[0].clone().unwrap())
        .collect();
    let before = orders(&s);

    // Not JSON at all; then every mistake named at once, nothing written.
    let bad = s.path("bad.json");
    std::fs::write(&bad, "订单编号,收货人\n1,张三\n").unwrap();
    let err = String::from_utf8(s.run(&["order", "create", bad.to_str().unwrap()]).stderr).unwrap();
    assert!(err.contains("不是电话订单"), "{err}");
    let f = write(
        &s,
        "wrong.json",
        &serde_json::json!({
            "receiver": {"name": "张三", "phone": "12", "address": "杭州"},
            "lines": [{"sku_code": "NO-SUCH", "qty": 1}, {"sku_code": skus[0], "qty": 0}],
        }),
    );
    let err = String::from_utf8(s.run(&["order", "create", &f]).stderr).unwrap();
    for want in ["电话不对", "地址", "NO-SUCH", "数量"] {
        assert!(err.contains(want), "{want}: {err}");
    }
    assert_eq!(orders(&s), before, "nothing written");

    // A paid phone order.
    let f = write(
        &s,
        "phone.json",
        &serde_json::json!({
            "buyer": "电话客户王先生",
            "receiver": {"name": "王先生", "phone": "138-0000-1234",
                         "address": "浙江省杭州市余杭区文一西路 1 号"},
            "lines": [{"sku_code": skus[0], "qty": 2, "price": "59.00"},
                      {"sku_code": skus[1], "qty": 1}],
            "paid": true,
            "postage": "8.00",
            "remark": "电话下单，周五前到",
        }),
    );
    let (ok, v) = s.json(&["order", "create", &f, "--json"]);
    assert!(ok, "{v}");
    let no = v["order_no"].as_str().unwrap().to_string();
    assert!(no.starts_with('P') && no.ends_with("-001"), "{no}");
    let (_, shown) = s.json(&["order", "show", &no, "--json"]);
    assert_eq!(shown["status"], "paid", "{shown}");
    // An unpaid one (paid by transfer later) waits at review until the supervisor lets it.
    let f2 = write(
        &s,
        "unpaid.json",
        &serde_json::json!({
            "receiver": {"name": "李女士", "phone": "13900001111",
                         "address": "上海市浦东新区世纪大道 100 号"},
            "lines": [{"sku_code": skus[1], "qty": 1}],
        }),
    );
    let (_, v2) = s.json(&["order", "create", &f2, "--json"]);
    let unpaid = v2["order_no"].as_str().unwrap().to_string();
    assert!(unpaid.ends_with("-002"));

    // It prints in a batch with the rest, and ships at the bench.
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000200-7700000220",
    ]);
    let (ok, batch) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{batch}");
    let p = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["order_nos"][0] == no.as_str())
        .expect("the phone order printed");
    assert!(
        !batch["parcels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["order_nos"][0] == unpaid.as_str()),
        "unpaid: not printed"
    );
    let mut scans = vec![p["tracking_no"].as_str().unwrap().to_string()];
    scans.extend([skus[0].clone(), skus[0].clone(), skus[1].clone()]);
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("bench-1", "check", &refs);
    assert_eq!(verdicts(&v).last().unwrap(), "shipped", "{v:?}");
    assert_eq!(
        s.raw().int(&format!(
            "SELECT -sum(qty) FROM stock_moves WHERE kind = 'shipment' AND ref = '{no}'"
        )),
        3
    );
    // Not in what goes back to Taobao: the day's file has the Taobao orders, not this one.
    let today = chrono::Utc::now()
        .with_timezone(&packbench::domain::time::shop_zone())
        .date_naive()
        .to_string();
    let out = s.path("ship.csv");
    s.ok(&[
        "export",
        "shipments",
        "--day",
        &today,
        "--out",
        out.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(!text.contains(&no), "{text}");
    assert!(
        text.lines().count() > 10,
        "the Taobao orders are there: {text}"
    );
    // A batch of phone orders only: nothing to tell Taobao, and it says why.
    let err = String::from_utf8(
        s.run(&[
            "export",
            "shipments",
            "--batch",
            &batch["batch_id"].to_string(),
            "--out",
            s.path("none.csv").to_str().unwrap(),
        ])
        .stderr,
    )
    .unwrap();
    assert!(err.contains("电话订单"), "{err}");

    // The supervisor lets the unpaid one through; it prints next.
    s.ok(&["review", "ship-unpaid", &unpaid, "--note", "已转账"]);
    let (ok, b2) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{b2}");
    assert!(b2["parcels"].to_string().contains(&unpaid));
    // Who may: a checker does not enter orders.
    s.add_staff("YH3", "验货三", "checker");
    s.fails_as("YH3", &["order", "create", &f]);
    s.ok(&["stock", "verify"]);
}

#[test]
fn an_exchange_is_linked_from_its_remark_and_its_goods_come_back_against_the_original() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    // The original ships.
    let p = parcel_where(&batch, |p| orders_of(p) == 1);
    let original = p["order_nos"][0].as_str().unwrap().to_string();
    let units = s.order_units(&original);
    s.check_through("bench-1", p["tracking_no"].as_str().unwrap(), &units);
    let first = units[0].clone();
    let first_qty = units.iter().filter(|u| **u == first).count() as i64;

    // The buyer orders the exchange (here by phone), naming the original in the remark.
    let f = write(
        &s,
        "exchange.json",
        &serde_json::json!({
            "receiver": {"name": "赵六", "phone": "13700002222", "address": "北京市朝阳区建国路 88 号"},
            "lines": [{"sku_code": first, "qty": 1, "price": "0.01"}],
            "paid": true,
            "remark": format!("换货，原订单 {original}"),
        }),
    );
    let (_, v) = s.json(&["order", "create", &f, "--json"]);
    let new = v["order_no"].as_str().unwrap().to_string();
    let linked = s.raw().text(&format!(
        "SELECT original_no FROM exchanges WHERE order_no = '{new}'"
    ));
    assert_eq!(
        linked.as_deref(),
        Some(original.as_str()),
        "linked from the remark"
    );

    // The return waybill comes later; the return desk then knows the box.
    assert!(
        !s.run(&["order", "exchange", &new, "--for", &new])
            .status
            .success(),
        "not its own original"
    );
    s.ok(&[
        "order",
        "exchange",
        &new,
        "--for",
        &original,
        "--return-waybill",
        "YT7000000001",
    ]);
    let bin = s
        .raw()
        .text(&format!(
            "SELECT COALESCE(bin, '') FROM products WHERE sku_code = '{first}'"
        ))
        .unwrap();
    let on_hand = |s: &Scratch| {
        s.raw().int(&format!(
            "SELECT COALESCE(sum(st.qty), 0) FROM stock st JOIN products p ON p.id = st.product_id
             WHERE p.sku_code = '{first}' AND st.bin = '{bin}'"
        ))
    };
    let before = on_hand(&s);
    let mut scans = vec!["YT7000000001".to_string()];
    scans.extend(units.iter().cloned());
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("desk-1", "return", &refs);
    assert_eq!(verdicts(&v)[..2], ["return_opened", "return_good"], "{v:?}");
    assert_eq!(v[0]["order_no"], original.as_str());
    assert_eq!(
        verdicts(&v).last().unwrap(),
        "return_posted",
        "the original's goods all back: {v:?}"
    );
    assert_eq!(on_hand(&s), before + first_qty);
    s.ok(&["stock", "verify"]);
}
