//! Files we write are ours (issue 12, findings 3 and 10): `--out`/`--to` never the store or its
//! companions, never a file that is not an earlier output of the same kind unless `--force`; a
//! reject file created anew, never through a symlink; CSV cells safe for Excel.

use crate::common::{Scratch, fixture, read_gbk};
use std::path::Path;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn starts_with(path: &Path, head: &[u8]) -> bool {
    std::fs::read(path).unwrap().starts_with(head)
}

#[test]
fn a_pdf_is_never_written_over_the_store() {
    if crate::common::on_postgres() {
        return; // about the SQLite file: the store file, its -wal/-journal and a hard link to it; a PostgreSQL store has no file to write over
    }
    let s = Scratch::new();
    s.printed_batch();
    let db = s.db();
    let before = s.digest();
    let jobs_before = s.ok(&["print", "log"]);
    for (out, force) in [
        (db.clone(), false),
        (db.clone(), true),
        (s.path("store.db-wal"), false),
        (s.path("store.db-journal"), true),
        // Another spelling of the same file.
        (s.path("sub/../store.db"), true),
    ] {
        std::fs::create_dir_all(s.path("sub")).unwrap();
        let mut args = vec!["print", "waybills", "--batch", "B1", "--out"];
        args.push(out.to_str().unwrap());
        if force {
            args.push("--force");
        }
        let r = s.run(&args);
        assert!(!r.status.success(), "{out:?} force={force} was written");
        let e = stderr(&r);
        assert!(e.contains("数据库") && e.contains("is the store"), "{e}");
    }
    assert!(starts_with(&db, b"SQLite format 3\0"));
    assert!(!s.path("store.db-journal").exists());
    assert_eq!(s.digest(), before, "the store changed");
    assert_eq!(
        s.ok(&["print", "log"]),
        jobs_before,
        "a refused job was logged"
    );
    // A hard link to the store is the store.
    let link = s.path("link.pdf");
    std::fs::hard_link(&db, &link).unwrap();
    let r = s.run(&[
        "print",
        "picklist",
        "--batch",
        "B1",
        "--out",
        link.to_str().unwrap(),
    ]);
    assert!(!r.status.success(), "through a hard link");
    assert!(starts_with(&db, b"SQLite format 3\0"));
}

#[test]
fn an_existing_file_is_replaced_only_by_its_kind_or_with_force() {
    let s = Scratch::new();
    s.printed_batch();
    // A PDF over an earlier PDF: fine, as many times as needed.
    let pdf = s.path("b1.pdf");
    let pdf = pdf.to_str().unwrap();
    s.ok(&["print", "waybills", "--batch", "B1", "--out", pdf]);
    s.ok(&["print", "waybills", "--batch", "B1", "--out", pdf]);
    // A PDF over someone's notes: refused, in both languages, with the way out.
    let notes = s.path("notes.txt");
    std::fs::write(&notes, "客户电话 138…").unwrap();
    let r = s.run(&[
        "print",
        "picklist",
        "--batch",
        "B1",
        "--out",
        notes.to_str().unwrap(),
    ]);
    assert!(!r.status.success());
    let e = stderr(&r);
    assert!(
        e.contains("不能覆盖") && e.contains("will not overwrite"),
        "{e}"
    );
    assert!(e.contains("--force"), "{e}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "客户电话 138…");

    // A label stream to an existing unrelated file with --to: refused; --force writes it.
    let file = s.path("list.txt");
    std::fs::write(&file, "keep").unwrap();
    let to = file.to_str().unwrap();
    let args = [
        "print",
        "labels",
        "--sku",
        "TX2017-GY-S",
        "--raw",
        "tspl",
        "--to",
        to,
    ];
    let r = s.run(&args);
    assert!(!r.status.success(), "written into an unrelated file");
    assert!(stderr(&r).contains("--force"), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
    let mut forced = args.to_vec();
    forced.push("--force");
    s.ok(&forced);
    assert!(starts_with(&file, b"SIZE "));
    // Now it is a label stream: a ZPL run may replace it without --force, a PDF may not.
    s.ok(&[
        "print",
        "labels",
        "--sku",
        "TX2017-GY-S",
        "--raw",
        "zpl",
        "--to",
        to,
    ]);
    assert!(starts_with(&file, b"^XA"));
    let r = s.run(&["print", "labels", "--sku", "TX2017-GY-S", "--out", to]);
    assert!(!r.status.success(), "a PDF over a label stream");
    // A retry goes by the same rule.
    let r = s.run(&["print", "retry", "1", "--out", notes.to_str().unwrap()]);
    assert!(!r.status.success(), "retry over notes");
    s.ok(&[
        "print",
        "retry",
        "1",
        "--out",
        notes.to_str().unwrap(),
        "--force",
    ]);
    assert!(starts_with(&notes, b"%PDF-"));
}

#[cfg(unix)]
#[test]
fn a_label_stream_goes_to_a_device_as_raw_printing_does() {
    let s = Scratch::new();
    s.printed_batch();
    s.ok(&[
        "print",
        "labels",
        "--sku",
        "TX2017-GY-S",
        "--raw",
        "tspl",
        "--to",
        "/dev/null",
    ]);
    // A printer that is not plugged in is not created as a file.
    let missing = s.path("lp9");
    let r = s.run(&[
        "print",
        "labels",
        "--sku",
        "TX2017-GY-S",
        "--raw",
        "tspl",
        "--to",
        missing.to_str().unwrap(),
    ]);
    assert!(!r.status.success());
    assert!(!missing.exists());
}

/// A catalogue with one good row and one bad one (a bad price) whose name is a formula.
fn catalogue_with_a_formula(s: &Scratch) -> std::path::PathBuf {
    let csv = s.path("products.csv");
    std::fs::write(
        &csv,
        "商家编码,条码,名称,规格,单价,库位,库存\n\
         OK-1,,好的,红,10.00,A-01-1,1\n\
         BAD-1,,=cmd|' /C calc'!A0,-蓝,x,A-01-2,-3\n",
    )
    .unwrap();
    csv
}

#[cfg(unix)]
#[test]
fn a_reject_file_never_goes_through_a_symlink() {
    let s = Scratch::new();
    let csv = catalogue_with_a_formula(&s);
    let precious = s.path("precious.txt");
    std::fs::write(&precious, "do not touch").unwrap();
    std::os::unix::fs::symlink(&precious, s.path("products.rejected.csv")).unwrap();
    let r = s.run(&["import", "products", csv.to_str().unwrap(), "--skip-bad"]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(std::fs::read_to_string(&precious).unwrap(), "do not touch");
    let taken = s.path("products.rejected-2.csv");
    assert!(taken.exists());
    assert!(
        stderr(&r).contains(taken.to_str().unwrap()),
        "{}",
        stderr(&r)
    );
    // An earlier reject file is not overwritten either.
    std::fs::remove_file(s.path("products.rejected.csv")).unwrap();
    std::fs::write(s.path("products.rejected.csv"), "earlier").unwrap();
    s.ok(&["import", "products", csv.to_str().unwrap(), "--skip-bad"]);
    assert_eq!(
        std::fs::read_to_string(s.path("products.rejected.csv")).unwrap(),
        "earlier"
    );
    assert!(s.path("products.rejected-3.csv").exists());
}

#[test]
fn reject_cells_are_safe_for_excel() {
    let s = Scratch::new();
    let csv = catalogue_with_a_formula(&s);
    s.ok(&["import", "products", csv.to_str().unwrap(), "--skip-bad"]);
    let bytes = std::fs::read(s.path("products.rejected.csv")).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let mut r = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 1, "{text}");
    assert_eq!(&rows[0][0], "BAD-1");
    assert_eq!(&rows[0][2], "'=cmd|' /C calc'!A0", "{text}");
    assert_eq!(&rows[0][3], "'-蓝");
    assert_eq!(&rows[0][6], "'-3");
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
    }
    // Fixed in the file and imported again, the cells are as they were.
    let fixed = text.replace(",x,", ",12.00,").replace(",'-3,", ",3,");
    std::fs::write(s.path("fixed.csv"), fixed).unwrap();
    s.ok(&["import", "products", s.path("fixed.csv").to_str().unwrap()]);
    let (_, p) = s.json(&["product", "show", "BAD-1", "--json"]);
    assert_eq!(p["name"], "=cmd|' /C calc'!A0", "{p}");
}

#[test]
fn an_export_replaces_only_an_earlier_export() {
    let s = Scratch::new();
    let dir = s.path("taobao");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("products.csv"), "name,phone\n王,138\n").unwrap();
    let d = dir.to_str().unwrap();
    let r = s.run(&["demo", "--export-taobao", d, "--orders", "3"]);
    assert!(!r.status.success(), "wrote over an unrelated products.csv");
    assert!(!dir.join("ExportOrderList.csv").exists(), "half an export");
    assert_eq!(
        std::fs::read_to_string(dir.join("products.csv")).unwrap(),
        "name,phone\n王,138\n"
    );
    s.ok(&["demo", "--export-taobao", d, "--orders", "3", "--force"]);
    // Again: every file is an earlier export now.
    s.ok(&["demo", "--export-taobao", d, "--orders", "3"]);
    assert!(dir.join("ExportOrderList.csv").exists());
}

/// The GBK fixture with terminal controls in a buyer's name and a receiver's name, imported.
fn shop_with_controls(s: &Scratch) {
    let dir = s.path("export");
    std::fs::create_dir(&dir).unwrap();
    for f in ["ExportOrderList.csv", "ExportOrderDetailList.csv"] {
        let text = read_gbk(&fixture("taobao-gbk", f));
        let text = text
            .replacen("Amy_zhang", "Amy\u{1b}]0;pwned\u{7}\u{1b}[2J_zhang", 1)
            .replacen("杜强子", "杜\u{1b}[31m强子\u{9b}", 1);
        // GB18030 (which Taobao's GBK export is read as) holds the C1 control too.
        let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
        assert!(!bad);
        std::fs::write(dir.join(f), bytes).unwrap();
    }
    s.ok(&[
        "import",
        "orders",
        dir.join("ExportOrderList.csv").to_str().unwrap(),
        dir.join("ExportOrderDetailList.csv").to_str().unwrap(),
    ]);
}

fn no_controls(what: &str, text: &str) {
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{what} printed a control character: {text:?}"
    );
}

#[test]
fn terminal_controls_from_imported_names_are_never_printed() {
    let s = Scratch::new();
    shop_with_controls(&s);
    let order = "2604015407453871400";
    // Kept in the store as imported: JSON carries them escaped, and they read back exactly.
    let (_, v) = s.json(&["order", "show", order, "--json"]);
    assert_eq!(v["buyer"], "Amy\u{1b}]0;pwned\u{7}\u{1b}[2J_zhang");
    assert_eq!(v["receiver"]["name"], "杜\u{1b}[31m强子\u{9b}");
    s.ok(&["order", "remark", order, "加急\u{1b}[5m闪\u{7}"]);
    for args in [
        &["orders", "list"][..],
        &["orders", "list", "--json"],
        &["order", "show", order],
        &["order", "show", order, "--json"],
        &["events", "--kind", "remark_added"],
        &["events", "--json"],
        &["review", "list"],
    ] {
        let out = s.ok(args);
        no_controls(&format!("{args:?}"), &out);
    }
    let shown = s.ok(&["order", "show", order]);
    assert!(shown.contains("Amy]0;pwned[2J_zhang"), "{shown}");
}
