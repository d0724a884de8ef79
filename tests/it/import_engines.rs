//! An import writes the same store on both engines: PostgreSQL takes new orders in `COPY`s
//! (text escaped by the program), SQLite row by row.

use crate::common::{Scratch, fixture, on_postgres, read_gbk, write_gbk};
use serde_json::Value;
use std::path::Path;

const HELD: &str = "6385326656401140196";

fn import(s: &Scratch, orders: &Path, lines: &Path) -> Value {
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

/// Rows of each table, each column as text.
type Tables = Vec<Vec<Vec<Option<String>>>>;

/// What an import writes, times left out (they differ from run to run).
fn content(s: &Scratch) -> Tables {
    let mut raw = s.raw();
    [
        "SELECT id, order_no, buyer, receiver_name, receiver_phone, receiver_address, status,
                buyer_message, shipping_method, created_at, paid_at, courier, tracking_no,
                hold_reason, hold_note, total_fen, postage_fen, paid_fen, refund_fen, shop,
                close_reason
         FROM orders ORDER BY id",
        "SELECT id, order_id, line_key, seq, sku_code, title, spec, package, qty, price_fen,
                status, external_code, note
         FROM order_lines ORDER BY id",
        "SELECT id, order_id, text, staff_code, flag, source, staff_id, terminal
         FROM remarks ORDER BY id",
        "SELECT id, staff_id, terminal, kind, subject, detail FROM events ORDER BY id",
    ]
    .iter()
    .map(|q| raw.rows(q))
    .collect()
}

fn order_no(rest: &str) -> String {
    rest.chars().take_while(char::is_ascii_digit).collect()
}

/// The fixture's rows (after the header) whose order number passes `keep`.
fn rows_of(text: &str, keep: impl Fn(&str) -> bool) -> String {
    let mut out = String::new();
    let mut kept = true;
    for l in text.split_inclusive('\n') {
        // A line not starting with an order number goes on the record before (a line break in
        // a quoted cell) or is the header.
        if let Some(rest) = l.strip_prefix("\"=\"\"") {
            kept = keep(&order_no(rest));
        }
        if kept {
            out.push_str(l);
        }
    }
    out
}

/// A first import of part of an export (texts with backslashes, tabs and line breaks), the
/// same again, then the whole export with a changed status and remark: new and known orders
/// in one go, remarks that hold orders, events.
fn run(s: &Scratch) -> (Vec<Value>, Tables) {
    let orders = read_gbk(&fixture("taobao-gbk", "ExportOrderList.csv")).replacen(
        ",发中通,",
        ",\"发\\中通 \\N C:\\temp\\ 路\t尾\n第二行 \\\\.\",",
        1,
    );
    let lines = read_gbk(&fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    let numbers: Vec<String> = orders
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("\"=\"\""))
        .map(|l| order_no(&l[4..]))
        .collect();
    // Every other order first, the held one among the later.
    let first: Vec<&String> = numbers.iter().step_by(2).filter(|n| *n != HELD).collect();
    let in_first = |no: &str| first.iter().any(|n| n.as_str() == no);
    let (o1, l1) = (s.path("o1.csv"), s.path("l1.csv"));
    write_gbk(&o1, &rows_of(&orders, in_first));
    write_gbk(&l1, &rows_of(&lines, in_first));
    let (o2, l2) = (s.path("o2.csv"), s.path("l2.csv"));
    let later = orders
        .replacen("买家已付款，等待卖家发货", "卖家已发货，等待买家确认", 1)
        .replace(
            ",C11 买家要求改地址，暂不发货,",
            ",C11 买家要求改地址，暂不发货 已改好,",
        );
    write_gbk(&o2, &later);
    write_gbk(&l2, &lines);
    let summaries = vec![
        import(s, &o1, &l1),
        import(s, &o1, &l1),
        import(s, &o2, &l2),
    ];
    (summaries, content(s))
}

#[test]
fn an_import_writes_the_same_rows_on_both_engines() {
    if on_postgres() {
        // The SQLite run compares both engines, on a server of its own.
        return;
    }
    let Some(server) = crate::pg::server() else {
        return;
    };
    let lite = Scratch::new();
    let pg = Scratch::on_server(&server.url(&server.fresh_db("import_engines")));
    let (lite_sums, lite_rows) = run(&lite);
    let (pg_sums, pg_rows) = run(&pg);
    assert_eq!(pg_sums, lite_sums);
    let (new, again) = (&lite_sums[0], &lite_sums[1]);
    assert!(new["orders_new"].as_u64() > Some(20), "{new}");
    assert_eq!(again["orders_new"], 0, "{again}");
    assert_eq!(again["orders_unchanged"], new["orders_new"], "{again}");
    assert!(
        lite_sums[2]["orders_new"].as_u64() > Some(20),
        "{}",
        lite_sums[2]
    );
    assert!(
        lite_sums[2]["orders_updated"].as_u64() >= Some(1),
        "{}",
        lite_sums[2]
    );
    for (table, (l, p)) in ["orders", "order_lines", "remarks", "events"]
        .iter()
        .zip(lite_rows.iter().zip(&pg_rows))
    {
        assert_eq!(l.len(), p.len(), "{table}: rows");
        for (a, b) in l.iter().zip(p) {
            assert_eq!(a, b, "{table}");
        }
    }
    // The awkward text went through COPY's escapes as it was.
    let mut raw = pg.raw();
    let message = raw.rows("SELECT buyer_message FROM orders WHERE buyer_message LIKE '%中通%'");
    assert_eq!(message.len(), 1, "{message:?}");
    let m = message[0][0].clone().unwrap();
    assert!(m.contains("发\\中通 \\N C:\\temp\\ 路"), "{m:?}");
    assert!(m.contains("\\\\."), "{m:?}");
    let held = raw.rows(&format!(
        "SELECT hold_reason FROM orders WHERE order_no = '{HELD}'"
    ));
    assert_eq!(held, [[Some("remark".to_string())]]);
}
