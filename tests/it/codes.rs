//! One code space (issue 12, finding 4): a barcode is never another product's merchant code or a
//! tracking number, nor the other way round, whichever path writes it; the row or the command is
//! refused by name and nothing is half written.

use crate::common::Scratch;

fn catalogue(s: &Scratch, name: &str, rows: &str) -> String {
    let path = s.path(name);
    std::fs::write(
        &path,
        format!("商家编码,条码,名称,规格,单价,库位,库存\n{rows}"),
    )
    .unwrap();
    path.to_str().unwrap().to_string()
}

fn products(s: &Scratch) -> usize {
    let (_, v) = s.json(&["stock", "low", "--below", "1000000", "--json"]);
    v.as_array().map_or(0, Vec::len)
}

#[test]
fn a_barcode_that_is_another_products_merchant_code_is_a_bad_row() {
    let s = Scratch::new();
    let first = catalogue(&s, "a.csv", "AA-1,6901234567892,甲,红,10.00,A-01-1,1\n");
    s.ok(&["import", "products", &first]);
    // Its barcode is AA-1's merchant code.
    let second = catalogue(
        &s,
        "b.csv",
        "BB-1,6909017490375,乙,红,10.00,A-01-2,1\nBB-2,AA-1,丙,蓝,10.00,A-01-3,1\n",
    );
    let (ok, v) = s.json(&["import", "products", &second, "--json"]);
    assert!(!ok, "{v}");
    let bad = &v["rejected"][0];
    assert_eq!(
        (bad["line"].as_u64(), bad["column"].as_str()),
        (Some(3), Some("条码")),
        "{v}"
    );
    assert_eq!(bad["code"], "code_taken");
    assert!(
        bad["reason"]
            .as_str()
            .unwrap()
            .contains("merchant code of product AA-1"),
        "{v}"
    );
    assert!(
        bad["reason_zh"].as_str().unwrap().contains("商家编码"),
        "{v}"
    );
    assert!(
        s.run(&["product", "show", "BB-1"]).status.code() != Some(0),
        "half written"
    );
    // The other way round: a new merchant code that is AA-1's barcode.
    let third = catalogue(&s, "c.csv", "6901234567892,,丁,红,10.00,A-01-4,1\n");
    let (ok, v) = s.json(&["import", "products", &third, "--json"]);
    assert!(!ok, "{v}");
    assert_eq!(v["rejected"][0]["column"], "商家编码", "{v}");
    assert!(
        v["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("barcode of product AA-1")
    );
    // Within one file, both ways.
    let fourth = catalogue(
        &s,
        "d.csv",
        "CC-1,CC-2,戊,红,10.00,A-02-1,1\nCC-2,,己,红,10.00,A-02-2,1\n",
    );
    let (ok, v) = s.json(&["import", "products", &fourth, "--json"]);
    assert!(!ok, "{v}");
    assert_eq!(v["rejected"][0]["line"], 3, "{v}");
    // A product's own merchant code as its barcode is one thing.
    let own = catalogue(&s, "e.csv", "DD-1,DD-1,庚,红,10.00,A-02-3,1\n");
    s.ok(&["import", "products", &own]);
    assert_eq!(products(&s), 2);
}

#[test]
fn a_waybill_range_over_a_barcode_is_refused_and_a_code_over_a_tracking_number_too() {
    let s = Scratch::new();
    let cat = catalogue(&s, "a.csv", "AA-1,7700000005,甲,红,10.00,A-01-1,1\n");
    s.ok(&["import", "products", &cat]);
    let r = s.run(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000001-7700000010",
    ]);
    assert!(!r.status.success());
    let e = String::from_utf8_lossy(&r.stderr);
    assert!(
        e.contains("7700000005") && e.contains("AA-1") && e.contains("条码"),
        "{e}"
    );
    let status = s.ok(&["waybills", "status"]);
    assert!(!status.contains("ZTO"), "numbers were added: {status}");
    // A range clear of it goes in; then a merchant code or a barcode that is one of its numbers
    // is refused, at import, at a receipt and by the shop's rule.
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000011-7700000020",
    ]);
    let cat = catalogue(&s, "b.csv", "7700000012,,乙,红,10.00,A-01-2,1\n");
    let (ok, v) = s.json(&["import", "products", &cat, "--json"]);
    assert!(!ok, "{v}");
    assert!(
        v["rejected"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("ZTO tracking number"),
        "{v}"
    );
    let receipt = s.path("r.csv");
    std::fs::write(
        &receipt,
        "商家编码,条码,名称,规格,单价,库位,数量\nEE-1,7700000013,丙,红,10.00,A-01-3,2\n",
    )
    .unwrap();
    let r = s.run(&["receipt", "create", receipt.to_str().unwrap()]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("7700000013"));
    assert!(
        s.run(&["product", "show", "EE-1"]).status.code() != Some(0),
        "half written"
    );
}

#[test]
fn the_shops_rule_never_gives_a_code_in_use() {
    let s = Scratch::new();
    // A product whose merchant code is the first in-store EAN-13 the rule would give, and one
    // without a barcode.
    let cat = catalogue(
        &s,
        "a.csv",
        "2000000000015,,甲,红,10.00,A-01-1,1\nFF-1,,乙,红,10.00,A-01-2,1\n",
    );
    s.ok(&["import", "products", &cat]);
    let (ok, v) = s.json(&["barcodes", "assign", "--sku", "FF-1", "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["assigned"][0]["barcode"], "2000000000022", "{v}");
    // Code 128 of a merchant code that is a tracking number: refused, nothing given.
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "GG00000001-GG00000002",
    ]);
    let r = s.run(&[
        "barcodes",
        "assign",
        "--sku",
        "2000000000015",
        "--format",
        "code128",
    ]);
    assert!(
        r.status.success(),
        "its own merchant code: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}
