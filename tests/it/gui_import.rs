//! The import screen, headless (iced_test), in both languages: a Taobao export dropped on the
//! window imports (the other file of the export found beside it); a file with a bad row
//! writes nothing and shows the row, and importing the good rows is a choice that leaves a
//! reject file; the purchaser imports products and is refused a Taobao export; roles that do
//! not import have no import screen and a dropped file does nothing.

use crate::common::{Scratch, fixture, read_gbk, write_gbk};
use iced::Settings;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, import};
use packbench::ui::{App, Message};
use std::path::{Path, PathBuf};

fn settings() -> Settings {
    packbench::ui::fonts::settings()
}

fn shows(app: &App, texts: &[&str]) {
    let mut ui =
        iced_test::Simulator::with_size(settings(), iced::Size::new(1024.0, 768.0), app.view());
    for t in texts {
        assert!(ui.find(*t).is_ok(), "{t:?} not on screen");
    }
}

fn sign_in_as(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
    assert!(app.actor.is_some(), "{code} signed in");
}

fn notice(app: &App, lang: Lang) -> (Tone, String) {
    let n = app.notice.as_ref().expect("a notice");
    (n.tone, n.text.get(lang).to_string())
}

fn orders_in(s: &Scratch) -> i64 {
    let store = s.open();
    store
        .read()
        .count_orders_by_status()
        .expect("count the store's orders")
        .iter()
        .map(|(_, n)| n)
        .sum()
}

/// The fixture export copied under the names Taobao gives a download (with its time).
fn export_in(s: &Scratch) -> (PathBuf, PathBuf) {
    let orders = s.path("ExportOrderList202611301530.csv");
    let lines = s.path("ExportOrderDetailList202611301530.csv");
    std::fs::copy(fixture("taobao-gbk", "ExportOrderList.csv"), &orders).unwrap();
    std::fs::copy(fixture("taobao-gbk", "ExportOrderDetailList.csv"), &lines).unwrap();
    (orders, lines)
}

/// The same export with one order's paid amount made unreadable.
fn with_bad_money(orders: &Path) -> usize {
    let text = read_gbk(orders);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = r.records().map(|r| r.unwrap()).collect();
    let col = rows[0]
        .iter()
        .position(|h| h.trim() == "买家实际支付金额")
        .expect("the paid column");
    let mut w = csv::Writer::from_writer(Vec::new());
    for (i, rec) in rows.iter().enumerate() {
        let mut fields: Vec<String> = rec.iter().map(String::from).collect();
        if i == 2 {
            fields[col] = "十九块".into();
        }
        w.write_record(&fields).unwrap();
    }
    write_gbk(orders, &String::from_utf8(w.into_inner().unwrap()).unwrap());
    rows.len() - 1
}

fn staff(s: &Scratch) {
    for (code, role) in [
        ("DD1", "order_printer"),
        ("CG1", "purchaser"),
        ("YH1", "checker"),
        ("KF1", "customer_service"),
    ] {
        s.add_staff(code, code, role);
    }
}

#[test]
fn a_dropped_taobao_export_imports_from_the_window() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        staff(&s);
        let (orders, lines) = export_in(&s);
        let mut app = App::with_store(s.open(), "office-1", lang);
        sign_in_as(&mut app, "DD1");
        assert!(app.may_use(Screen::Import));

        // Dropped anywhere: the import screen opens with both files filled in.
        let _ = app.update(Message::FileDropped(orders.clone()));
        assert_eq!(app.screen, Screen::Import);
        assert_eq!(app.import.orders_file, orders.display().to_string());
        assert_eq!(app.import.lines_file, lines.display().to_string());
        shows(
            &app,
            &[match lang {
                Lang::Zh => "导入",
                Lang::En => "Import",
            }],
        );

        let _ = app.update(Message::Import(import::Message::Import));
        let (tone, said) = notice(&app, lang);
        assert_eq!(tone, Tone::Done, "{said}");
        let stored = orders_in(&s);
        assert!(stored > 0);
        assert!(
            said.contains(&stored.to_string()),
            "the summary names the new orders: {said}"
        );
        assert!(app.import.progress.is_none(), "the bar is gone when done");
        assert!(app.import.orders_file.is_empty() && app.import.lines_file.is_empty());

        // The same export again: nothing new, every order unchanged.
        let _ = app.update(Message::Import(import::Message::Dropped(lines.clone())));
        assert_eq!(app.import.orders_file, orders.display().to_string());
        let _ = app.update(Message::Import(import::Message::Import));
        let Some((_, import::Report::Orders(sum))) = &app.import.report else {
            panic!("an order report");
        };
        assert_eq!(
            (sum.orders_new, sum.orders_unchanged),
            (0, stored as u64),
            "{sum:?}"
        );
        assert_eq!(orders_in(&s), stored);

        // Not a CSV: said, nothing chosen.
        let pdf = s.path("waybills.pdf");
        std::fs::write(&pdf, b"%PDF-1.4").unwrap();
        let _ = app.update(Message::FileDropped(pdf));
        assert_eq!(notice(&app, lang).0, Tone::Failed);
        assert!(app.import.orders_file.is_empty());
    }
}

#[test]
fn a_bad_row_writes_nothing_and_importing_the_good_rows_is_a_choice() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        staff(&s);
        let (orders, lines) = export_in(&s);
        let rows = with_bad_money(&orders);
        let mut app = App::with_store(s.open(), "office-1", lang);
        sign_in_as(&mut app, "DD1");
        let _ = app.update(Message::Show(Screen::Import));
        for (slot, p) in [
            (import::Slot::Orders, &orders),
            (import::Slot::Lines, &lines),
        ] {
            let _ = app.update(Message::Import(import::Message::FileChanged(
                slot,
                p.display().to_string(),
            )));
        }
        let _ = app.update(Message::Import(import::Message::Import));
        assert_eq!(notice(&app, lang).0, Tone::Failed);
        assert_eq!(orders_in(&s), 0, "one bad row: nothing written");
        let Some((_, report)) = &app.import.report else {
            panic!("a report");
        };
        let import::Report::Orders(sum) = report else {
            panic!("an order report");
        };
        assert!(!sum.committed);
        // The bad row, and the item row of the same order kept out with it.
        let codes: Vec<(&str, &str)> = sum
            .rejected
            .iter()
            .map(|b| (b.code, b.column.as_str()))
            .collect();
        assert!(
            codes.contains(&("bad_money", "买家实际支付金额")),
            "{codes:?}"
        );
        assert!(
            codes
                .iter()
                .all(|(c, _)| ["bad_money", "order_rejected"].contains(c))
        );
        // The table names the file, the column and the choice.
        let heading = match lang {
            Lang::Zh => "文件： ExportOrderList202611301530.csv",
            Lang::En => "File: ExportOrderList202611301530.csv",
        };
        shows(
            &app,
            &[
                heading,
                "买家实际支付金额",
                match lang {
                    Lang::Zh => "导入正确的行，错误行存入拒收文件",
                    Lang::En => "Import the good rows, keep the rest in a reject file",
                },
            ],
        );
        // Nothing was taken off the fields: fixing the file and importing again is one click.
        assert_eq!(app.import.orders_file, orders.display().to_string());

        let _ = app.update(Message::Import(import::Message::ImportGood));
        let (tone, said) = notice(&app, lang);
        assert_eq!(tone, Tone::Warning, "{said}");
        assert_eq!(orders_in(&s) as usize, rows - 1, "the good rows");
        let rejects: Vec<_> = std::fs::read_dir(s.path(""))
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("reject"))
            .collect();
        assert!(!rejects.is_empty(), "a reject file beside the export");
        assert!(said.contains(&rejects[0]) || rejects.iter().any(|r| said.contains(r.as_str())));
    }
}

#[test]
fn each_role_imports_only_what_it_may() {
    let s = Scratch::new();
    s.ensure_store();
    staff(&s);
    let (orders, _) = export_in(&s);
    let products = s.path("products.csv");
    std::fs::copy(fixture("taobao-gbk", "products.csv"), &products).unwrap();
    let mut app = App::with_store(s.open(), "office-1", Lang::Zh);

    // Checker and customer service: no import screen; a dropped file changes nothing.
    for code in ["YH1", "KF1"] {
        sign_in_as(&mut app, code);
        assert!(!app.may_use(Screen::Import), "{code}");
        let before = app.screen;
        let _ = app.update(Message::FileDropped(orders.clone()));
        assert_eq!(app.screen, before, "{code}");
        assert!(app.import.orders_file.is_empty());
    }

    // The purchaser imports products, and is refused a Taobao export.
    sign_in_as(&mut app, "CG1");
    assert!(app.may_use(Screen::Import));
    let _ = app.update(Message::FileDropped(orders.clone()));
    assert_eq!(app.notice.as_ref().map(|n| n.tone), Some(Tone::Failed));
    assert!(app.import.orders_file.is_empty());
    let _ = app.update(Message::Import(import::Message::KindPicked(
        import::Kind::Orders,
    )));
    assert_eq!(app.import.kind, import::Kind::Products);
    shows(&app, &["商品资料 CSV"]);
    {
        let mut ui =
            iced_test::Simulator::with_size(settings(), iced::Size::new(1024.0, 768.0), app.view());
        assert!(ui.find("淘宝订单导出").is_err(), "no order import button");
    }

    let _ = app.update(Message::FileDropped(products.clone()));
    assert_eq!(app.import.products_file, products.display().to_string());
    let _ = app.update(Message::Import(import::Message::Import));
    let (tone, said) = notice(&app, Lang::Zh);
    assert_eq!(tone, Tone::Done, "{said}");
    assert!(said.contains("新商品"), "{said}");
    assert_eq!(orders_in(&s), 0);
    assert!(
        s.open().read().count_products().unwrap() > 0,
        "the products are in the store"
    );
}

#[test]
fn the_supervisor_imports_taobaos_refund_export_from_the_window() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.import_fixture("taobao-gbk");
        s.add_staff("ZG1", "主管一", "cs_supervisor");
        let mut app = App::with_store(s.open(), "office-1", lang);
        sign_in_as(&mut app, "ZG1");
        assert!(app.may_use(Screen::Import));
        let refunds = fixture("taobao-gbk", "RefundList.csv");
        // Dropped on the window: the import screen opens with the refund export in its field.
        let _ = app.update(Message::FileDropped(refunds.clone()));
        assert_eq!(app.screen, Screen::Import);
        assert_eq!(app.import.kind, import::Kind::Refunds);
        assert_eq!(app.import.refunds_file, refunds.display().to_string());
        // The supervisor does not import orders.
        let _ = app.update(Message::Import(import::Message::KindPicked(
            import::Kind::Orders,
        )));
        assert_eq!(app.import.kind, import::Kind::Refunds);
        let _ = app.update(Message::Import(import::Message::Import));
        let (tone, said) = notice(&app, lang);
        assert_eq!(tone, Tone::Done, "{said}");
        let want: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(fixture("taobao-gbk", "refunds-expected.json")).unwrap(),
        )
        .unwrap();
        let n = want["refunds"].as_i64().unwrap();
        assert!(said.contains(&n.to_string()), "{said}");
        assert_eq!(s.raw().int("SELECT count(*) FROM refunds"), n);
        // A file that is no refund export: nothing written, the rows shown, no "good rows" way.
        let bad = s.path("RefundList-bad.csv");
        write_gbk(&bad, "订单编号,退款编号\r\n1,2\r\n");
        let _ = app.update(Message::Import(import::Message::FileChanged(
            import::Slot::Refunds,
            bad.display().to_string(),
        )));
        let _ = app.update(Message::Import(import::Message::Import));
        assert_eq!(notice(&app, lang).0, Tone::Failed);
        assert_eq!(s.raw().int("SELECT count(*) FROM refunds"), n);
        let _ = app.update(Message::Import(import::Message::ImportGood));
        assert_eq!(
            s.raw().int("SELECT count(*) FROM refunds"),
            n,
            "whole or nothing"
        );
    }
}
