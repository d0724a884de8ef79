//! The demo shop: in a store, and as Taobao export files that import back into the same shop.

use crate::common::{self, Scratch};
use packbench::domain::Role;
use serde_json::Value;
use std::collections::BTreeSet;

fn orders_without_times(s: &Scratch) -> Vec<Value> {
    let (ok, v) = s.json(&["orders", "list", "--limit", "100000", "--json"]);
    assert!(ok);
    v.as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let mut o = o.clone();
            for r in o["remarks"].as_array_mut().unwrap() {
                r.as_object_mut().unwrap().remove("at");
            }
            o
        })
        .collect()
}

#[test]
fn the_export_has_taobaos_quirks_and_imports_back_into_the_same_shop() {
    let s = Scratch::new();
    let dir = s.path("export");
    let out = s.ok(&[
        "demo",
        "--export-taobao",
        dir.to_str().unwrap(),
        "--orders",
        "400",
        "--seed",
        "5",
    ]);
    assert!(out.contains("ExportOrderList.csv"));
    let raw = std::fs::read(dir.join("ExportOrderList.csv")).unwrap();
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the export is GBK, not UTF-8"
    );
    let text = common::read_gbk(&dir.join("ExportOrderList.csv"));
    assert!(text.starts_with("订单编号,买家会员名,"));
    assert!(text.contains(",收货地址 ,") && text.contains(",物流单号 ,"));
    assert!(
        text.contains("\r\n\"=\"\""),
        "order numbers guarded as =\"…\" inside CSV quotes"
    );
    assert!(text.contains(",'1"), "phones guarded with '");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("\"=\"\"")).count(),
        400
    );
    // Line breaks inside quoted cells (the file's own line ends are CRLF): changed addresses,
    // buyer messages and remarks over two lines.
    assert!(text.contains("号\n菜鸟驿站"), "an address over two lines");
    assert!(text.contains("号，3幢2单元501室(放门卫，谢谢)"));
    assert!(
        ["\n尺码换大一号", "\n门卫室代收", "\n不要放发票"]
            .iter()
            .any(|m| text.contains(m)),
        "a buyer message over two lines"
    );
    assert!(
        ["\n已电话联系买家", "\n改发圆通", "\n备注："]
            .iter()
            .any(|m| text.contains(m)),
        "a remark over two lines"
    );
    assert!(text.contains(",手机订单,"));
    // Several detail rows per order, up to four.
    let details = common::read_gbk(&dir.join("ExportOrderDetailList.csv"));
    let mut rows_per_order = std::collections::HashMap::<&str, usize>::new();
    for l in details.lines().filter(|l| l.starts_with("\"=\"\"")) {
        *rows_per_order
            .entry(&l[4..l.find("\"\"\"").unwrap()])
            .or_default() += 1;
    }
    assert_eq!(rows_per_order.len(), 400);
    assert_eq!(rows_per_order.values().max(), Some(&4));
    let detail_rows: usize = rows_per_order.values().sum();

    // Imported, it is the shop `demo` puts into a store directly.
    let (ok, v) = s.json(&[
        "import",
        "orders",
        dir.join("ExportOrderList.csv").to_str().unwrap(),
        dir.join("ExportOrderDetailList.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["orders_new"], 400);
    assert_eq!(v["rejected"], Value::Array(vec![]));
    let (ok, p) = s.json(&[
        "import",
        "products",
        dir.join("products.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{p}");
    assert!(p["needs_barcode"].as_u64().unwrap() > 0);

    assert_eq!(v["lines"], detail_rows);

    let direct = Scratch::new();
    direct.ok(&["demo", "--orders", "400", "--seed", "5"]);
    let imported = orders_without_times(&s);
    assert_eq!(imported, orders_without_times(&direct));
    // Every line too, in both stores.
    let lines_sql = "SELECT o.order_no, l.seq, l.line_key, l.sku_code, l.title, l.spec, l.qty, \
                     l.price_fen, l.status FROM order_lines l JOIN orders o ON o.id = l.order_id \
                     ORDER BY o.order_no, l.seq";
    let lines = s.raw().rows(lines_sql);
    assert_eq!(lines.len(), detail_rows);
    assert_eq!(lines, direct.raw().rows(lines_sql));
    // The cells that were quirks in the file are plain values in the store: the guarded order
    // number without its `="…"`, two-line remarks and messages with their line break.
    let first = &text[text.find("\r\n\"=\"\"").unwrap() + 6..];
    let first_no = &first[..first.find("\"\"\"").unwrap()];
    assert_eq!(first_no.len(), 19);
    let (ok, o) = s.json(&["order", "show", first_no, "--json"]);
    assert!(ok, "{o}");
    assert_eq!(o["order_no"], first_no);
    assert_eq!(
        o["lines"].as_array().unwrap().len(),
        rows_per_order[first_no]
    );
    let two_line_remark = imported.iter().find(|o| {
        o["remarks"].as_array().unwrap().iter().any(|r| {
            let t = r["text"].as_str().unwrap();
            t.contains('\n') && r["staff_code"].is_string()
        })
    });
    assert!(
        two_line_remark.is_some(),
        "a two-line remark with its staff code"
    );
    assert!(
        imported
            .iter()
            .any(|o| o["buyer_message"].as_str().unwrap().contains('\n'))
    );
    assert!(imported.iter().any(|o| {
        o["receiver"]["address"]
            .as_str()
            .unwrap()
            .contains("\n菜鸟驿站")
    }));
}

#[test]
fn the_demo_shop_has_every_role_status_and_case() {
    let s = Scratch::new();
    let out = s.ok(&["demo", "--orders", "1500"]);
    assert!(out.contains("1500"), "{out}");
    let (_, staff) = s.json(&["staff", "list", "--json"]);
    let roles: BTreeSet<&str> = staff
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["role"].as_str().unwrap())
        .collect();
    for r in Role::ALL {
        assert!(roles.contains(r.code()), "no {}", r.code());
    }
    let orders = orders_without_times(&s);
    assert_eq!(orders.len(), 1500);
    let statuses: BTreeSet<&str> = orders
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 5, "{statuses:?}");
    assert!(orders.iter().any(|o| {
        o["remarks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["staff_code"] == "C07")
    }));
    let pairs = orders
        .windows(2)
        .filter(|w| w[0]["buyer"] == w[1]["buyer"] && w[0]["receiver"] == w[1]["receiver"])
        .count();
    assert!(pairs > 10, "{pairs} merge pairs");
    let refunded = orders
        .iter()
        .filter(|o| o["status"] == "paid")
        .take(300)
        .filter(|o| {
            let (_, d) = s.json(&["order", "show", o["order_no"].as_str().unwrap(), "--json"]);
            d["lines"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["refunded"] == true)
        })
        .count();
    assert!(refunded > 0);
    // Products, some still waiting for a barcode.
    let (ok, p) = s.json(&["product", "show", "TX2017-GY-S", "--json"]);
    assert!(ok);
    assert!(p["bin"].is_string());
    // Filling again adds nothing.
    let out = s.ok(&["demo", "--orders", "1500"]);
    assert!(out.contains("0 个新订单"), "{out}");
}

#[test]
fn orders_list_filters_by_status_and_product_show_finds_by_barcode() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
    let (_, unpaid) = s.json(&["orders", "list", "--status", "unpaid", "--json"]);
    assert_eq!(unpaid.as_array().unwrap().len(), 10);
    assert!(
        unpaid
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "unpaid" && o.get("lines").is_none())
    );
    // Taobao's words work too.
    let (_, paid) = s.json(&[
        "orders",
        "list",
        "--status",
        "买家已付款，等待卖家发货",
        "--json",
    ]);
    assert_eq!(paid.as_array().unwrap().len(), 45);
    assert!(
        !s.run(&["orders", "list", "--status", "lost"])
            .status
            .success()
    );

    let (ok, p) = s.json(&["product", "show", "6909017490375", "--json"]);
    assert!(ok);
    assert_eq!(p["sku_code"], "TX2017-GY-S");
    assert_eq!(p["symbology"], "ean13");
    assert_eq!(p["on_hand"], 27);
    assert_eq!(p["stock"][0]["bin"], "B-01-4");
    let (_, p) = s.json(&["product", "show", "TX2017-BK-L", "--json"]);
    assert_eq!(p["barcode"], "TX2017BKL");
    assert_eq!(p["symbology"], "code128");
    let (_, p) = s.json(&["product", "show", "TX2017-WH-L", "--json"]);
    assert_eq!(p["barcode"], Value::Null);
    let out = s.run(&["product", "show", "NOPE"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("找不到商品"));
}

#[test]
fn the_store_path_comes_from_the_environment() {
    let s = Scratch::new();
    s.ensure_store();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(["staff", "list"])
        .env("PACKBENCH_DB", s.db())
        .env("PACKBENCH_STAFF", "admin")
        .env("PACKBENCH_PIN", common::PIN)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin"));
}

#[test]
fn the_demo_catalogue_has_pictures_a_big_stores_generated_products_not() {
    let s = Scratch::new();
    s.ensure_store();
    s.ok(&["demo", "--orders", "5", "--products", "150"]);
    let (ok, found) = s.json(&["products", "search", "--limit", "1000", "--json"]);
    assert!(ok);
    let products = found["products"].as_array().unwrap();
    assert_eq!(products.len(), 150);
    for p in products {
        let generated = p["sku_code"].as_str().unwrap().starts_with("GEN-");
        assert_eq!(p["picture"] == true, !generated, "{p}");
    }
    // Each picture decodes: small, square, the garment's colour on white.
    let pictures = packbench::flow::catalog::pictures(
        &s.open(),
        &packbench::flow::staff::actor(&s.open(), "admin", "t").unwrap(),
        &["TX2017-GY-XL"],
    )
    .unwrap();
    let (w, h, px) =
        packbench::import::picture::decode_thumbnail(&pictures["TX2017-GY-XL"].jpeg).unwrap();
    assert_eq!((w, h), (160, 160));
    assert!(px[..4].iter().take(3).all(|&v| v > 240), "white around");
}
