//! The catalogue as the office works it, from the command line: lines with an empty or unknown
//! merchant code matched by hand (and remembered), product pictures, product edits.

use crate::common::{Scratch, fixture, read_gbk, write_gbk};
use std::path::PathBuf;

/// The GBK fixture export with the grey XL jacket's merchant code left empty and the white M
/// jeans' code mistyped, as a listing without codes exports them; `extra` more orders copied
/// from the first jacket order under new numbers. Returns the two files.
pub(crate) fn export_without_codes(s: &Scratch, name: &str, extra: &[&str]) -> (PathBuf, PathBuf) {
    let dir = s.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut orders = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv"));
    let mut lines = read_gbk(&fixture("taobao-gbk", "ExportOrderDetailList.csv"))
        .replace(",YR2017-GY-XL", ",")
        .replace(",NZ2017-WH-M", ",NZ-TYPO");
    let first = "2604015407453871400";
    for no in extra {
        for text in [&mut orders, &mut lines] {
            let row = text
                .split("\r\n")
                .find(|l| l.starts_with(&format!("\"=\"\"{first}\"\"\"")))
                .expect("the jacket order's row")
                .replace(first, no);
            text.push_str(&row);
            text.push_str("\r\n");
        }
    }
    let (o, l) = (
        dir.join("ExportOrderList.csv"),
        dir.join("ExportOrderDetailList.csv"),
    );
    write_gbk(&o, &orders);
    write_gbk(&l, &lines);
    (o, l)
}

fn import(s: &Scratch, (o, l): &(PathBuf, PathBuf)) -> serde_json::Value {
    let (ok, v) = s.json(&[
        "import",
        "orders",
        o.to_str().unwrap(),
        l.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{v}");
    v
}

/// `(order, line number from 1)` of open lines whose merchant code is `code`.
fn lines_with_code(s: &Scratch, code: &str) -> Vec<(String, usize)> {
    let store = s.open();
    let db = store.read();
    s.raw()
        .rows(&format!(
            "SELECT DISTINCT o.order_no FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE l.sku_code = '{code}' ORDER BY o.order_no"
        ))
        .into_iter()
        .flat_map(|r| {
            let no = r[0].clone().unwrap();
            let o = db.bench_order(&no).unwrap().unwrap();
            o.lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.sku_code == code)
                .map(|(i, _)| (no.clone(), i + 1))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn products(s: &Scratch) {
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
}

#[test]
fn an_empty_merchant_code_matched_by_hand_resolves_the_next_import_by_itself() {
    let s = Scratch::new();
    s.ensure_store();
    products(&s);
    let files = export_without_codes(&s, "day1", &[]);
    import(&s, &files);
    let empty = lines_with_code(&s, "");
    assert_eq!(empty.len(), 3, "three jacket lines without a code");
    let (no, line) = empty[0].clone();
    let review = s.ok(&["review", "list"]);
    assert!(review.contains(&no), "{review}");

    // Customer service may not change an order; a line number the order has not is refused.
    s.add_staff("KF1", "客服一", "customer_service");
    let line_arg = line.to_string();
    let refused = s.fails_as(
        "KF1",
        &[
            "order",
            "match",
            &no,
            "--line",
            &line_arg,
            "--sku",
            "YR2017-GY-XL",
        ],
    );
    assert!(
        refused.contains("修改订单") || refused.contains("change_order"),
        "{refused}"
    );
    let refused = s.fails_as(
        "admin",
        &[
            "order",
            "match",
            &no,
            "--line",
            "9",
            "--sku",
            "YR2017-GY-XL",
        ],
    );
    assert!(refused.contains("没有第 9 行"), "{refused}");
    let refused = s.fails_as(
        "admin",
        &[
            "order", "match", &no, "--line", &line_arg, "--sku", "NO-SUCH",
        ],
    );
    assert!(refused.contains("NO-SUCH"), "{refused}");
    assert_eq!(
        lines_with_code(&s, "").len(),
        3,
        "a refusal changes nothing"
    );

    // The match: this line, and the same item in the other open orders.
    let out = s.ok(&[
        "order",
        "match",
        &no,
        "--line",
        &line_arg,
        "--sku",
        "YR2017-GY-XL",
    ]);
    assert!(out.contains("YR2017-GY-XL") && out.contains(&no), "{out}");
    assert!(
        lines_with_code(&s, "").is_empty(),
        "every open jacket line now names the jacket"
    );
    assert_eq!(lines_with_code(&s, "YR2017-GY-XL").len(), 3);
    let logged = s
        .raw()
        .int("SELECT count(*) FROM events WHERE kind = 'item_matched'");
    assert_eq!(logged, 1);

    // A line whose code names a product needs no match.
    let (jeans_order, jeans_line) = lines_with_code(&s, "NZ-TYPO")[0].clone();
    let fine = s.open().read().bench_order(&jeans_order).unwrap().unwrap();
    if let Some(i) = fine.lines.iter().position(|l| l.sku_code != "NZ-TYPO") {
        let n = (i + 1).to_string();
        let refused = s.fails_as(
            "admin",
            &[
                "order",
                "match",
                &jeans_order,
                "--line",
                &n,
                "--sku",
                "YR2017-GY-XL",
            ],
        );
        assert!(refused.contains("不需要配对"), "{refused}");
    }
    // An unknown (mistyped) code is matched the same way.
    s.ok(&[
        "order",
        "match",
        &jeans_order,
        "--line",
        &jeans_line.to_string(),
        "--sku",
        "NZ2017-WH-M",
    ]);
    assert!(lines_with_code(&s, "NZ-TYPO").is_empty());

    // The next hourly export still has the empty and mistyped codes, and two new jacket orders:
    // all resolve by themselves, the known ones unchanged.
    let day2 = export_without_codes(&s, "day2", &["2604015407453871401", "2604015407453871402"]);
    let summary = import(&s, &day2);
    assert_eq!(summary["orders_new"], 2, "{summary}");
    assert!(lines_with_code(&s, "").is_empty(), "{summary}");
    assert!(lines_with_code(&s, "NZ-TYPO").is_empty());
    let jackets = lines_with_code(&s, "YR2017-GY-XL");
    assert_eq!(jackets.len(), 5, "{jackets:?} {summary}");
    assert!(jackets.iter().any(|(o, _)| o == "2604015407453871402"));
    let again = import(&s, &day2);
    assert_eq!(
        again["orders_updated"], 0,
        "a re-import of the matched orders changes nothing: {again}"
    );

    // A wrong match is put right by matching again; the item's open lines follow.
    let black = lines_with_code(&s, "YR2017-BK-XL").len();
    s.ok(&[
        "order",
        "match",
        &no,
        "--line",
        &line_arg,
        "--sku",
        "YR2017-BK-XL",
    ]);
    assert!(lines_with_code(&s, "YR2017-GY-XL").is_empty());
    assert_eq!(lines_with_code(&s, "YR2017-BK-XL").len(), black + 5);
    s.ok(&[
        "order",
        "match",
        &no,
        "--line",
        &line_arg,
        "--sku",
        "YR2017-GY-XL",
    ]);
    assert_eq!(lines_with_code(&s, "YR2017-GY-XL").len(), 5);
    assert_eq!(
        lines_with_code(&s, "YR2017-BK-XL").len(),
        black,
        "the black jackets bought as such stay"
    );
}

/// A PNG of one colour.
fn png(path: &std::path::Path, w: u32, h: u32, rgb: [u8; 3]) {
    image::RgbImage::from_pixel(w, h, image::Rgb(rgb))
        .save(path)
        .unwrap();
}

#[test]
fn a_folder_of_pictures_named_by_merchant_code_sets_them_all_or_none() {
    let s = Scratch::new();
    s.ensure_store();
    products(&s);
    let dir = s.path("pictures");
    std::fs::create_dir_all(&dir).unwrap();
    png(&dir.join("YR2017-GY-XL.png"), 900, 1200, [128, 128, 128]);
    png(&dir.join("NZ2017-WH-M.PNG"), 300, 300, [250, 250, 250]);
    std::fs::write(dir.join("说明.txt"), "not a picture").unwrap();
    std::fs::write(
        dir.join("YR2017-BK-XL.jpg"),
        b"PK\x03\x04 a zip, not a jpeg",
    )
    .unwrap();
    png(&dir.join("NO-SUCH-SKU.png"), 10, 10, [0, 0, 0]);
    let pictures = || s.raw().int("SELECT count(*) FROM product_images");

    let out = s.run(&["products", "images", dir.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("YR2017-BK-XL.jpg") && err.contains("不是可读的图片"),
        "{err}"
    );
    assert!(
        err.contains("NO-SUCH-SKU.png") && err.contains("没有这个商家编码"),
        "{err}"
    );
    assert!(err.contains("什么都没有设置"), "{err}");
    assert_eq!(pictures(), 0, "nothing was set");

    // A picker may not.
    s.add_staff("PH1", "配货一", "picker");
    s.fails_as(
        "PH1",
        &["products", "images", dir.to_str().unwrap(), "--skip-bad"],
    );
    assert_eq!(pictures(), 0);

    let out = s.ok(&["products", "images", dir.to_str().unwrap(), "--skip-bad"]);
    assert!(
        out.contains("新图片 added 2") && out.contains("ignored 1"),
        "{out}"
    );
    assert_eq!(pictures(), 2);
    // Kept small: shrunk to 160 px, upright shape kept.
    let dims = s.raw().rows(
        "SELECT i.width, i.height, length(i.thumb) FROM product_images i JOIN products p ON p.id = i.product_id
         WHERE p.sku_code = 'YR2017-GY-XL'",
    );
    assert_eq!(dims[0][0].as_deref(), Some("120"));
    assert_eq!(dims[0][1].as_deref(), Some("160"));
    let bytes: usize = dims[0][2].as_deref().unwrap().parse().unwrap();
    assert!(bytes < 20_000, "{bytes} bytes");

    // One picture set by hand replaces; the search says which have one.
    png(&s.path("new.png"), 50, 50, [10, 200, 10]);
    s.ok(&[
        "product",
        "picture",
        "YR2017-GY-XL",
        s.path("new.png").to_str().unwrap(),
    ]);
    assert_eq!(pictures(), 2);
    let (ok, found) = s.json(&["products", "search", "YR2017-GY", "--json"]);
    assert!(ok);
    let with: Vec<&str> = found["products"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["picture"] == true)
        .map(|p| p["sku_code"].as_str().unwrap())
        .collect();
    assert_eq!(with, ["YR2017-GY-XL"], "{found}");
    let bad = s.fails_as(
        "admin",
        &[
            "product",
            "picture",
            "YR2017-GY-XL",
            dir.join("说明.txt").to_str().unwrap(),
        ],
    );
    assert!(bad.contains("不是可读的图片"), "{bad}");
}

#[test]
fn a_product_is_edited_field_by_field_with_each_checked() {
    let s = Scratch::new();
    s.ensure_store();
    products(&s);
    let show = || {
        let (_, v) = s.json(&["product", "show", "YR2017-GY-XL", "--json"]);
        v
    };
    let before = show();
    let other_barcode = {
        let (_, v) = s.json(&["product", "show", "YR2017-BK-XL", "--json"]);
        v["barcode"].as_str().unwrap().to_string()
    };
    for (args, why) in [
        (vec!["--price", "12.345"], "价格"),
        (vec!["--price=-1"], "价格"),
        (vec!["--name", "  "], "品名不能为空"),
        (vec!["--bin", "A 01"], "库位编码"),
        (vec!["--barcode", "6900000000001"], "校验"),
        (vec!["--barcode", other_barcode.as_str()], "YR2017-BK-XL"),
        (vec!["--barcode", ""], "不能删"),
    ] {
        let mut all = vec!["product", "edit", "YR2017-GY-XL"];
        all.extend(args.iter().copied());
        let err = s.fails_as("admin", &all);
        assert!(err.contains(why), "{args:?}: {err}");
        assert_eq!(show(), before, "{args:?} changed the product");
    }
    s.add_staff("KF1", "客服一", "customer_service");
    s.fails_as(
        "KF1",
        &["product", "edit", "YR2017-GY-XL", "--name", "别的"],
    );

    s.ok(&[
        "product",
        "edit",
        "YR2017-GY-XL",
        "--name",
        "儿童羽绒服 加厚",
        "--price",
        "109",
        "--bin",
        "C-01-1",
    ]);
    let after = show();
    assert_eq!(after["name"], "儿童羽绒服 加厚");
    assert_eq!(after["price_fen"], 10900);
    assert_eq!(after["bin"], "C-01-1");
    assert_eq!(after["spec"], before["spec"], "fields not given stay");
    assert_eq!(after["barcode"], before["barcode"]);
    let logged = s
        .raw()
        .text(
            "SELECT detail FROM events WHERE kind = 'product_edited' AND subject = 'YR2017-GY-XL'",
        )
        .unwrap();
    assert!(
        logged.contains("儿童羽绒服中长款加厚") && logged.contains("10900"),
        "{logged}"
    );
}
