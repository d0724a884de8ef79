//! The command line's text tables line up on a terminal: a Chinese character takes two columns,
//! so a row with a Chinese name starts its next column where an ASCII row does.

use crate::common::{Scratch, fixture};

/// Terminal columns of `s`, counted here on their own: CJK ideographs, CJK punctuation and
/// full-width forms take two, everything these tables print besides takes one.
fn columns(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '\u{1100}'..='\u{115F}'
            | '\u{2E80}'..='\u{303E}'
            | '\u{3041}'..='\u{33FF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{4E00}'..='\u{9FFF}'
            | '\u{AC00}'..='\u{D7A3}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{FE30}'..='\u{FE4F}'
            | '\u{FF00}'..='\u{FF60}'
            | '\u{FFE0}'..='\u{FFE6}' => 2,
            _ => 1,
        })
        .sum()
}

/// The terminal column at which `needle` starts in `line`.
fn column_of(line: &str, needle: &str) -> usize {
    let at = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    columns(&line[..at])
}

#[test]
fn staff_list_lines_up_chinese_and_ascii_names() {
    let s = Scratch::new();
    for (code, name, role) in [
        ("YH01", "陈验货", "checker"),
        ("PH02", "Li Lei", "picker"),
        ("KG03", "欧阳小明", "stock_keeper"),
    ] {
        s.ok(&[
            "staff", "add", code, "--name", name, "--role", role, "--pin", "1234",
        ]);
    }
    let out = s.ok(&["staff", "list"]);
    let at: Vec<usize> = [
        ("陈验货", "checker"),
        ("Li Lei", "picker"),
        ("欧阳小明", "stock_keeper"),
    ]
    .iter()
    .map(|(name, role)| {
        let line = out
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed:\n{out}"));
        column_of(line, role)
    })
    .collect();
    assert!(at.windows(2).all(|w| w[0] == w[1]), "{at:?}\n{out}");
}

#[test]
fn review_list_lines_up_after_the_receivers_name() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    let out = s.ok(&["review", "list"]);
    // order number (20), receiver (12), then why the order is or is not ready.
    let starts: std::collections::BTreeSet<usize> = out
        .lines()
        .skip(1) // 可打印 ready N / M
        .map(|line| {
            let why = ["可打印", "商品库中没有", "未付款", "已全部退款", "暂停"]
                .iter()
                .filter_map(|w| line.find(w))
                .min()
                .unwrap_or_else(|| panic!("no reason in {line:?}"));
            columns(&line[..why])
        })
        .collect();
    assert_eq!(starts.len(), 1, "{starts:?}\n{out}");
    assert!(
        out.lines()
            .any(|l| l.chars().any(|c| columns(&c.to_string()) == 2)),
        "the fixture has Chinese receivers"
    );
}

#[test]
fn a_refused_rows_english_reason_sits_under_the_chinese_one() {
    let s = Scratch::new();
    // A Chinese file name, and a bad check digit in the 条码 column.
    let file = s.path("商品.csv");
    let text = std::fs::read_to_string(fixture("taobao-gbk", "products.csv"))
        .unwrap()
        .replacen("6909017490375", "6909017490376", 1);
    std::fs::write(&file, text).unwrap();
    let out = s.run(&["import", "products", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = err.lines().collect();
    let zh = lines
        .iter()
        .position(|l| l.contains("商品.csv:2 [条码]"))
        .unwrap_or_else(|| panic!("no refused row in:\n{err}"));
    let place_end = column_of(lines[zh], "商品.csv:2 [条码]") + columns("商品.csv:2 [条码]");
    let reason_zh = place_end + 2;
    let en = lines[zh + 1];
    let reason_en = columns(&en[..en.len() - en.trim_start().len()]);
    assert_eq!(reason_zh, reason_en, "\n{}\n{}", lines[zh], en);
}

/// A stored (UTC) time as a person in the shop reads it, computed here on its own: eight hours on.
fn beijing(stored: &str) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(stored).unwrap();
    (t.naive_utc() + chrono::Duration::hours(8))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

#[test]
fn text_times_are_beijing_time() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"].as_i64().unwrap().to_string();
    let out = s.path("picklist.pdf");
    s.ok(&[
        "print",
        "picklist",
        "--batch",
        &id,
        "--out",
        out.to_str().unwrap(),
    ]);
    let receipt = s.path("receipt.csv");
    std::fs::write(
        &receipt,
        "商家编码,条码,名称,规格,单价,库位,数量\nTX2017-GY-S,6909017490375,T恤,灰色 S,59.00,B-01-4,2\n",
    )
    .unwrap();
    s.ok(&["receipt", "create", receipt.to_str().unwrap()]);
    s.ok(&["stocktake", "start", "--bins", "A-*"]);
    // (text command, its JSON, the JSON field of the time)
    for (text, json, field) in [
        (vec!["events"], vec!["events", "--json"], "at"),
        (
            vec!["batch", "list"],
            vec!["batch", "list", "--json"],
            "created_at",
        ),
        (vec!["print", "log"], vec!["print", "log", "--json"], "at"),
        (
            vec!["receipt", "list"],
            vec!["receipt", "list", "--json"],
            "created_at",
        ),
        (
            vec!["stocktake", "list"],
            vec!["stocktake", "list", "--json"],
            "created_at",
        ),
    ] {
        let (ok, v) = s.json(&json);
        assert!(ok, "{v}");
        let stored = v[0][field].as_str().unwrap();
        let first = s.ok(&text).lines().next().unwrap().to_string();
        assert!(
            first.contains(&beijing(stored)) && !first.contains(stored),
            "{text:?}: {first} (stored {stored})"
        );
    }
    let (_, v) = s.json(&["batch", "list", "--json"]);
    let created = beijing(v[0]["created_at"].as_str().unwrap());
    assert!(
        s.ok(&["batch", "show", &id])
            .lines()
            .next()
            .unwrap()
            .contains(&created)
    );
}
