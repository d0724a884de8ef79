//! The stock screens of the GUI, headless (iced_test): a receipt created from a CSV with its
//! labels printed, its inbound check by scan (red on a wrong unit), confirmation; a stocktake
//! counted by scan with the big bin display, its variance report and approval with a reason;
//! the stock screen with a product's ledger and the low and dead lists. In both languages.

use crate::common::{Scratch, fixture};
use iced::Settings;
use packbench::domain::stock::AdjustReason;
use packbench::scan::{Scan, Source};
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, inbound, receipts, sign_in, stock, stocktake};
use packbench::ui::{App, Message};

/// The embedded fonts only, whatever the machine has installed.
fn settings() -> Settings {
    packbench::ui::fonts::settings()
}

fn scan(code: &str) -> Message {
    Message::Scanned(Scan {
        code: code.into(),
        symbology: None,
        source: Source::Wedge,
        at: std::time::SystemTime::now(),
    })
}

fn shows(app: &App, texts: &[&str]) {
    let mut ui =
        iced_test::Simulator::with_size(settings(), iced::Size::new(1280.0, 800.0), app.view());
    for t in texts {
        assert!(ui.find(*t).is_ok(), "{t:?} not on screen");
    }
}

/// The window's notice line shows a failure.
fn failed(app: &App) -> bool {
    app.notice.as_ref().is_some_and(|n| n.tone == Tone::Failed)
}

fn sign_in_as(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    let _ = app.update(Message::SignIn(sign_in::Message::CodeChanged(code.into())));
    let _ = app.update(Message::SignIn(sign_in::Message::PinChanged("1234".into())));
    let _ = app.update(Message::SignIn(sign_in::Message::Submit));
    assert!(app.actor.is_some(), "{code} signed in");
}

#[test]
fn receipts_inbound_check_stocktake_and_stock_screens() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ok(&[
            "import",
            "products",
            fixture("taobao-gbk", "products.csv").to_str().unwrap(),
        ]);
        for (code, role) in [
            ("CG1", "purchaser"),
            ("RK1", "inbound_inspector"),
            ("K1", "stock_keeper"),
            ("P1", "picker"),
        ] {
            s.ok(&[
                "staff", "add", code, "--name", code, "--role", role, "--pin", "1234",
            ]);
        }
        let csv = s.path("in.csv");
        std::fs::write(
            &csv,
            "sku_code,barcode,name,spec,price,bin,qty\n\
             TX2017-GY-S,6909017490375,纯棉短袖T恤,灰 S,59.00,,2\n\
             NEW-RED-M,6901234567892,新款卫衣,红 M,69.00,D-01-1,1\n",
        )
        .unwrap();
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-stock", lang);

        // The purchaser: a receipt from the CSV, its labels to a PDF.
        sign_in_as(&mut app, "CG1");
        assert_eq!(app.screen, Screen::Receipts);
        let _ = app.update(Message::Receipts(receipts::Message::FileChanged(
            csv.display().to_string(),
        )));
        let _ = app.update(Message::Receipts(receipts::Message::Create));
        let r = app.receipts.selected.as_ref().expect("receipt created");
        assert_eq!(r.lines.len(), 2);
        // Labels go to the print folder beside the store, as every PDF of the window does.
        let _ = app.update(Message::Receipts(receipts::Message::PrintLabels));
        let printed: Vec<_> = std::fs::read_dir(s.db().parent().unwrap().join("print"))
            .map(|d| d.flatten().map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(
            printed
                .iter()
                .any(|n| n.to_string_lossy().starts_with("labels-R1-")),
            "{printed:?} {:?}",
            app.notice
        );
        shows(
            &app,
            &["NEW-RED-M", lang.pick("打印条码标签", "Print labels")],
        );

        // The inspector: every unit scanned back; a wrong one is red.
        sign_in_as(&mut app, "RK1");
        assert_eq!(app.screen, Screen::Inbound);
        // A scan before a receipt is open says so instead of vanishing.
        let _ = app.update(scan("6901234567892"));
        assert!(failed(&app));
        let _ = app.update(Message::Inbound(inbound::Message::ReceiptChanged(
            "R1".into(),
        )));
        let _ = app.update(Message::Inbound(inbound::Message::Open));
        let _ = app.update(scan("6909017490375"));
        assert_eq!(app.inbound.last.as_ref().map(|l| l.1), Some(false));
        let _ = app.update(scan("6929484257219"));
        assert_eq!(app.inbound.last.as_ref().map(|l| l.1), Some(true), "red");
        shows(
            &app,
            &[lang.pick(
                "TX2017-BK-S 不在入库单 R1 上",
                "TX2017-BK-S is not on receipt R1",
            )],
        );
        let _ = app.update(scan("6909017490375"));
        let _ = app.update(scan("6901234567892"));
        let r = app.inbound.receipt.as_ref().unwrap();
        assert_eq!(r.row.verified_by.as_deref(), Some("RK1"));
        let head = format!("R1  {} (RK1)", lang.pick("已检验", "verified"));
        shows(&app, &[head.as_str()]);

        // Back to the purchaser to confirm.
        sign_in_as(&mut app, "CG1");
        let _ = app.update(Message::Receipts(receipts::Message::Open(
            packbench::domain::ReceiptId(1),
        )));
        let _ = app.update(Message::Receipts(receipts::Message::Confirm));
        assert_eq!(
            app.receipts.selected.as_ref().unwrap().row.state,
            packbench::domain::stock::ReceiptState::Confirmed
        );

        // A stocktake of B-01-4 (TX2017-GY-S, 27 + 2): a picker counts one short.
        s.ok(&["stocktake", "start", "--bins", "B-01-4"]);
        sign_in_as(&mut app, "P1");
        assert_eq!(app.screen, Screen::Pick);
        let _ = app.update(Message::Show(Screen::Stocktake));
        assert_eq!(app.screen, Screen::Stocktake);
        // The open session is offered; the typed field stays empty (typing S1 gives S1).
        assert_eq!(app.stocktake.sessions.len(), 1);
        assert_eq!(app.stocktake.session_text, "");
        // A scan before the session is open says so instead of vanishing.
        let _ = app.update(scan("LA-01-1"));
        assert!(failed(&app));
        let _ = app.update(Message::Stocktake(stocktake::Message::OpenId(
            packbench::domain::SessionId(1),
        )));
        let _ = app.update(scan("LB-01-4"));
        assert_eq!(app.stocktake.bin.as_deref(), Some("B-01-4"));
        let _ = app.update(scan("6909017490375*28"));
        assert_eq!(
            app.stocktake.last_count,
            Some(("TX2017-GY-S".into(), 28, None)),
            "blind"
        );
        let big = format!("S1  {}  B-01-4", lang.pick("库位", "Bin"));
        shows(&app, &[big.as_str(), "TX2017-GY-S  ×28"]);
        let _ = app.update(scan("6999999999994"));
        assert_eq!(app.stocktake.last.as_ref().map(|l| l.1), Some(true));
        // A picker sees no report and cannot approve.
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove));
        assert!(app.stocktake.report.is_none());

        sign_in_as(&mut app, "K1");
        assert_eq!(app.screen, Screen::Stocktake);
        let _ = app.update(Message::Stocktake(stocktake::Message::OpenId(
            packbench::domain::SessionId(1),
        )));
        let _ = app.update(Message::Stocktake(stocktake::Message::ShowReport));
        let report = app.stocktake.report.as_ref().expect("report");
        assert_eq!(report.variances().count(), 1);
        shows(&app, &["-1", lang.pick("差异报告", "Variance report")]);
        // Approving asks first, with what it will write; without a reason nothing is approved.
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        shows(
            &app,
            &[lang.pick("确认审核，写入库存", "Approve and adjust stock")],
        );
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove));
        assert!(failed(&app));
        let _ = app.update(Message::Stocktake(stocktake::Message::LineReasonPicked(
            "TX2017-GY-S".into(),
            stocktake::ReasonChoice {
                reason: AdjustReason::Lost,
                lang,
            },
        )));
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove));
        assert!(
            app.notice.as_ref().is_some_and(|n| n.tone == Tone::Done),
            "{:?}",
            app.notice
        );

        // The stock screen: the ledger of the product scanned, the low and dead lists.
        let _ = app.update(Message::Show(Screen::Stock));
        assert_eq!(app.screen, Screen::Stock);
        let _ = app.update(scan("6909017490375"));
        let shown = app.stock.shown.as_ref().expect("product shown");
        assert_eq!(shown.record.on_hand, 28);
        assert_eq!(
            shown.moves[0].kind,
            packbench::domain::stock::MoveKind::Adjust
        );
        let _ = app.update(Message::Stock(stock::Message::Search));
        assert!(!app.stock.low.is_empty());
        // The ledger reads in words and Beijing time, not the store's codes.
        shows(&app, &[lang.pick("配平", "adjustment")]);
        shows(
            &app,
            &[
                lang.pick("库存流水", "Ledger"),
                lang.pick("低库存（少于 10 件）", "Low stock (fewer than 10)"),
                "S1",
            ],
        );
    }
}
