//! Malformed input is refused with its named reason, and the store is left exactly as it was:
//! same row counts, same content checksum in every table.

use crate::common::{Scratch, fixture, read_gbk};
use serde_json::Value;
use std::path::PathBuf;

const ORDERS: &str = "ExportOrderList.csv";
const LINES: &str = "ExportOrderDetailList.csv";

/// A store holding the UTF-8 fixture, so a stray write of the GBK orders would show.
fn loaded() -> Scratch {
    let s = Scratch::new();
    s.import_fixture("taobao-utf8-bom");
    s
}

/// Writes the GBK fixture's two files into the scratch folder, each passed through its edit.
fn variant(
    s: &Scratch,
    orders: impl Fn(String) -> Vec<u8>,
    lines: impl Fn(String) -> Vec<u8>,
) -> (PathBuf, PathBuf) {
    let o = s.path(ORDERS);
    let l = s.path(LINES);
    std::fs::write(&o, orders(read_gbk(&fixture("taobao-gbk", ORDERS)))).unwrap();
    std::fs::write(&l, lines(read_gbk(&fixture("taobao-gbk", LINES)))).unwrap();
    (o, l)
}

fn gbk(text: String) -> Vec<u8> {
    encoding_rs::GBK.encode(&text).0.into_owned()
}

/// Replaces `from` with `to` in line `n` (1-based) of `text`.
fn on_line(text: &str, n: usize, from: &str, to: &str) -> String {
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, l)| {
            if i + 1 == n {
                assert!(l.contains(from), "line {n} has no {from:?}: {l}");
                l.replacen(from, to, 1)
            } else {
                l.to_string()
            }
        })
        .collect()
}

/// Runs the import, expects refusal, checks the store is untouched, returns the rejected rows.
fn refused(s: &Scratch, args: &[&str]) -> Vec<Value> {
    let before = s.digest();
    let (ok, v) = s.json(args);
    assert!(!ok, "expected refusal: {v}");
    let rejected = v["rejected"].as_array().unwrap().clone();
    assert!(!rejected.is_empty());
    for r in &rejected {
        assert!(r["reason"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["reason_zh"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(r["file"].is_string() && r["line"].is_u64() && r["column"].is_string());
    }
    for k in ["orders_new", "orders_updated", "lines", "remarks_appended"] {
        if v.get(k).is_some() {
            assert_eq!(v[k], 0, "{k}");
        }
    }
    assert_eq!(s.digest(), before, "the store changed");
    rejected
}

fn refused_orders(s: &Scratch, o: &std::path::Path, l: &std::path::Path) -> Vec<Value> {
    refused(
        s,
        &[
            "import",
            "orders",
            o.to_str().unwrap(),
            l.to_str().unwrap(),
            "--json",
        ],
    )
}

fn has(rejected: &[Value], file: &str, line: u64, column: &str, code: &str) {
    assert!(
        rejected.iter().any(|r| r["file"] == file
            && r["line"] == line
            && r["column"] == column
            && r["code"] == code),
        "no {code} at {file}:{line} [{column}] in {rejected:#?}"
    );
}

#[test]
fn truncated_last_row() {
    let s = loaded();
    let (o, l) = variant(
        &s,
        |t| {
            // Cut the file in the middle of its last row, as an interrupted download leaves it.
            let last = t.trim_end().rfind('\n').unwrap() + 1;
            let cut = last + t[last..].find("买家已付款").unwrap();
            gbk(t[..cut].to_string())
        },
        gbk,
    );
    let rows = refused_orders(&s, &o, &l);
    let last_line = read_gbk(&fixture("taobao-gbk", ORDERS))
        .trim_end()
        .lines()
        .count() as u64;
    has(&rows, ORDERS, last_line, "", "wrong_column_count");
}

#[test]
fn wrong_column_count() {
    let s = loaded();
    let (o, l) = variant(&s, gbk, |t| gbk(on_line(&t, 3, ",,,", ",,")));
    let rows = refused_orders(&s, &o, &l);
    has(&rows, LINES, 3, "", "wrong_column_count");
}

#[test]
fn bad_money() {
    let s = loaded();
    let (o, l) = variant(&s, gbk, |t| gbk(on_line(&t, 2, ",99.00,", ",99.0O,")));
    let rows = refused_orders(&s, &o, &l);
    has(&rows, LINES, 2, "价格", "bad_money");
    // The order of that line is named too: it cannot be shipped without it.
    has(&rows, ORDERS, 2, "订单编号", "bad_line");
}

#[test]
fn bad_date() {
    let s = loaded();
    let (o, l) = variant(
        &s,
        |t| gbk(on_line(&t, 2, "2018-11-08 09:06:00", "2018-11-31 09:06:00")),
        gbk,
    );
    let rows = refused_orders(&s, &o, &l);
    has(&rows, ORDERS, 2, "订单创建时间", "bad_date");
    // Its lines have no order to go to.
    has(&rows, LINES, 2, "订单编号", "order_rejected");
}

#[test]
fn bad_encoding() {
    let s = loaded();
    let (o, l) = variant(
        &s,
        |t| {
            let mut bytes = Vec::new();
            for (i, line) in t.split_inclusive('\n').enumerate() {
                let mut b = gbk(line.to_string());
                if i + 1 == 5 {
                    b.splice(20..20, [0x81, 0x20]); // a GBK lead byte with no valid trail
                }
                bytes.extend(b);
            }
            bytes
        },
        gbk,
    );
    let rows = refused_orders(&s, &o, &l);
    has(&rows, ORDERS, 5, "", "bad_encoding");
}

#[test]
fn empty_file() {
    let s = loaded();
    let (o, l) = variant(&s, |_| Vec::new(), gbk);
    let rows = refused_orders(&s, &o, &l);
    has(&rows, ORDERS, 0, "", "empty_file");
}

#[test]
fn header_only() {
    let s = loaded();
    let (o, l) = variant(&s, gbk, |t| {
        gbk(t.lines().next().unwrap().to_string() + "\r\n")
    });
    let rows = refused_orders(&s, &o, &l);
    has(&rows, LINES, 1, "", "no_rows");
}

#[test]
fn missing_column_is_named() {
    let s = loaded();
    let (o, l) = variant(&s, |t| gbk(on_line(&t, 1, "订单状态", "状态")), gbk);
    let rows = refused_orders(&s, &o, &l);
    has(&rows, ORDERS, 1, "订单状态", "missing_column");
}

#[test]
fn a_line_with_no_order() {
    let s = loaded();
    let (o, l) = variant(&s, gbk, |t| {
        gbk(
            t + "\"=\"\"1234567890123456789\"\"\",运动休闲裤男束脚,128.00,1,,颜色分类：杏色；尺码：S,,,买家已付款，等待卖家发货,YK2017-AP-S\r\n"
        )
    });
    let rows = refused_orders(&s, &o, &l);
    let last = read_gbk(&fixture("taobao-gbk", LINES))
        .trim_end()
        .lines()
        .count() as u64
        + 1;
    has(&rows, LINES, last, "订单编号", "line_without_order");
}

#[test]
fn every_bad_row_is_reported_at_once() {
    let s = loaded();
    let (o, l) = variant(
        &s,
        |t| {
            gbk(on_line(
                &on_line(&t, 2, "2018-11-08 09:06:00", "yesterday"),
                3,
                ",买家已付款，等待卖家发货,",
                ",已付款,",
            ))
        },
        |t| gbk(on_line(&t, 6, ",1,,", ",0,,")),
    );
    let rows = refused_orders(&s, &o, &l);
    has(&rows, ORDERS, 2, "订单创建时间", "bad_date");
    has(&rows, ORDERS, 3, "订单状态", "bad_status");
    has(&rows, LINES, 6, "购买数量", "bad_quantity");
}

fn products_variant(s: &Scratch, edit: impl Fn(String) -> String) -> PathBuf {
    let p = s.path("products.csv");
    std::fs::write(
        &p,
        edit(std::fs::read_to_string(fixture("taobao-gbk", "products.csv")).unwrap()),
    )
    .unwrap();
    p
}

#[test]
fn an_invalid_ean_check_digit() {
    let s = loaded();
    let p = products_variant(&s, |t| on_line(&t, 2, "6909017490375", "6909017490376"));
    let rows = refused(&s, &["import", "products", p.to_str().unwrap(), "--json"]);
    has(&rows, "products.csv", 2, "条码", "bad_check_digit");
}

#[test]
fn a_duplicate_barcode_in_the_file_and_against_the_store() {
    let s = loaded();
    let p = products_variant(&s, |t| on_line(&t, 3, "6932949169538", "6909017490375"));
    let rows = refused(&s, &["import", "products", p.to_str().unwrap(), "--json"]);
    has(&rows, "products.csv", 3, "条码", "duplicate_barcode");

    // Against the store: the catalogue is in; a new product brings a barcode already taken.
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    let p = products_variant(&s, |t| t + "NEW-1,6909017490375,新品,均码,10.00,A-01-1,5\n");
    let rows = refused(&s, &["import", "products", p.to_str().unwrap(), "--json"]);
    let last = std::fs::read_to_string(&p).unwrap().lines().count() as u64;
    has(&rows, "products.csv", last, "条码", "duplicate_barcode");
}

#[test]
fn a_duplicate_merchant_code_in_the_file() {
    let s = loaded();
    let p = products_variant(&s, |t| {
        t + "TX2017-GY-S,,纯棉短袖T恤男夏季宽松半袖,颜色分类：灰色；尺码：S,59.00,B-01-4,3\n"
    });
    let rows = refused(&s, &["import", "products", p.to_str().unwrap(), "--json"]);
    assert!(
        rows.iter()
            .any(|r| r["code"] == "duplicate_sku" && r["column"] == "商家编码")
    );
}

#[test]
fn skip_bad_imports_the_good_rows_and_keeps_the_bad_beside_the_input() {
    let s = Scratch::new();
    let (o, l) = variant(&s, gbk, |t| gbk(on_line(&t, 2, ",99.00,", ",99.0O,")));
    let (ok, v) = s.json(&[
        "import",
        "orders",
        o.to_str().unwrap(),
        l.to_str().unwrap(),
        "--json",
        "--skip-bad",
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["orders_new"], 59);
    assert_eq!(v["lines"], 90);
    let rejected = v["rejected"].as_array().unwrap();
    has(rejected, LINES, 2, "价格", "bad_money");
    has(rejected, ORDERS, 2, "订单编号", "bad_line");
    assert!(
        !s.run(&["order", "show", "2604015407453871400"])
            .status
            .success()
    );

    // Nothing is lost: the bad rows wait in reject files, as they were, with the reason.
    let rejected_lines =
        std::fs::read_to_string(s.path("ExportOrderDetailList.rejected.csv")).unwrap();
    assert!(rejected_lines.contains("99.0O"), "{rejected_lines}");
    assert!(rejected_lines.contains("bad") || rejected_lines.contains("amount"));
    let rejected_orders = std::fs::read_to_string(s.path("ExportOrderList.rejected.csv")).unwrap();
    assert!(rejected_orders.contains("2604015407453871400"));
    assert_eq!(
        rejected_orders.lines().count(),
        2,
        "header and the one order"
    );
}

#[test]
fn a_file_that_is_not_csv_at_all() {
    let s = loaded();
    let o = s.path("orders.csv");
    std::fs::write(
        &o,
        [0x50, 0x4b, 0x03, 0x04, 0xff, 0xfe, 0x00, 0x81, 0x20, 0x0a],
    )
    .unwrap();
    let rows = refused(
        &s,
        &[
            "import",
            "orders",
            o.to_str().unwrap(),
            fixture("taobao-gbk", LINES).to_str().unwrap(),
            "--json",
        ],
    );
    assert!(rows.iter().any(|r| r["file"] == "orders.csv"));
}

#[test]
fn human_output_names_the_reason_in_both_languages() {
    let s = loaded();
    let (o, l) = variant(&s, gbk, |t| gbk(on_line(&t, 2, ",99.00,", ",99.0O,")));
    let out = s.run(&["import", "orders", o.to_str().unwrap(), l.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ExportOrderDetailList.csv:2"), "{err}");
    assert!(err.contains("金额格式不对"), "{err}");
    assert!(err.contains("not an amount of money"), "{err}");
    assert!(
        err.contains("什么都没有写入") && err.contains("nothing was written"),
        "{err}"
    );
}
