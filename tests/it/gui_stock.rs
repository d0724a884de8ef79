//! The stock screens of the GUI, headless (iced_test): a receipt created from a CSV with its
//! labels printed, its inbound check by scan (red on a wrong unit), confirmation; a stocktake
//! counted by scan with the big bin display, its variance report and approval with a reason;
//! the stock screen with a product's ledger and the low and dead lists. In both languages.

use crate::common::{Scratch, fixture};
use iced::Settings;
use packbench::domain::SessionId;
use packbench::domain::stock::{AdjustReason, Uncounted};
use packbench::scan::{Scan, Source};
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, inbound, receipts, stock, stocktake};
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

/// With `PACKBENCH_SNAPSHOT_PNG=dir`, draws the window at 1024×768 to `dir/NAME-tiny-skia.png`
/// to look at.
fn look(app: &App, name: &str) {
    let Some(dir) = std::env::var_os("PACKBENCH_SNAPSHOT_PNG") else {
        return;
    };
    let mut ui =
        iced_test::Simulator::with_size(settings(), iced::Size::new(1024.0, 768.0), app.view());
    let path = std::path::Path::new(&dir).join(name);
    let _ = std::fs::remove_file(path.with_file_name(format!("{name}-tiny-skia.png")));
    ui.snapshot(&iced::Theme::Light)
        .unwrap()
        .matches_image(path)
        .unwrap();
}

/// The window's notice line shows a failure.
fn failed(app: &App) -> bool {
    app.notice.as_ref().is_some_and(|n| n.tone == Tone::Failed)
}

fn sign_in_as(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
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
        crate::common::print_into_scratch(&mut app, &s);
        assert_eq!(app.screen, Screen::Receipts);
        let _ = app.update(Message::Receipts(receipts::Message::FileChanged(
            csv.display().to_string(),
        )));
        let _ = app.update(Message::Receipts(receipts::Message::Create));
        let r = app.receipts.selected.as_ref().expect("receipt created");
        assert_eq!(r.lines.len(), 2);
        // Labels go to the print folder beside the store, as every PDF of the window does.
        let _ = app.update(Message::Receipts(receipts::Message::PrintLabels));
        let printed: Vec<_> = std::fs::read_dir(s.path("print"))
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
        let last = app.stocktake.last_count.clone().expect("counted");
        assert_eq!(
            (last.sku.as_str(), last.so_far, last.expected),
            ("TX2017-GY-S", 28, None),
            "blind"
        );
        let big = format!("S1  {}  B-01-4", lang.pick("库位", "Bin"));
        // The product's name too, not only its merchant code.
        shows(
            &app,
            &[
                big.as_str(),
                "TX2017-GY-S  ×28",
                "纯棉短袖T恤男夏季宽松半袖",
            ],
        );
        let _ = app.update(scan("6999999999994"));
        assert_eq!(app.stocktake.last.as_ref().map(|l| l.1), Some(true));
        // A picker sees no report and cannot approve.
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove(
            Uncounted::Leave,
        )));
        assert!(app.stocktake.report.is_none());

        sign_in_as(&mut app, "K1");
        assert_eq!(app.screen, Screen::Stocktake);
        let _ = app.update(Message::Stocktake(stocktake::Message::OpenId(
            packbench::domain::SessionId(1),
        )));
        let _ = app.update(Message::Stocktake(stocktake::Message::ShowReport));
        let report = app.stocktake.report.as_ref().expect("report");
        assert_eq!(report.variances().count(), 1);
        shows(&app, &["-1", lang.pick("收起报告", "Hide report")]);
        // Approving asks first, with what it will write; without a reason nothing is approved.
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        shows(
            &app,
            &[lang.pick("确认审核，写入库存", "Approve and adjust stock")],
        );
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove(
            Uncounted::Leave,
        )));
        assert!(failed(&app));
        let _ = app.update(Message::Stocktake(stocktake::Message::LineReasonPicked(
            "TX2017-GY-S".into(),
            stocktake::ReasonChoice {
                reason: AdjustReason::Lost,
                lang,
            },
        )));
        let _ = app.update(Message::Stocktake(stocktake::Message::AskApprove));
        let _ = app.update(Message::Stocktake(stocktake::Message::ConfirmApprove(
            Uncounted::Leave,
        )));
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

fn st(m: stocktake::Message) -> Message {
    Message::Stocktake(m)
}

/// The notice line's words in `lang`.
fn notice(app: &App, lang: Lang) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.get(lang).to_string())
        .unwrap_or_default()
}

/// The demo shop with two pickers who count and a keeper, and a blind session over the
/// `A-01-*` … `A-03-*` bins (S1).
fn counted_shop() -> Scratch {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "10"]);
    for (code, role) in [("P1", "picker"), ("P2", "picker"), ("K1", "stock_keeper")] {
        s.ok(&[
            "staff", "add", code, "--name", code, "--role", role, "--pin", "1234",
        ]);
    }
    s.ok(&["stocktake", "start", "--bins", "A-0[1-3]-*"]);
    s
}

/// A stocked bin of S1 and what it holds: (bin, [(merchant code, code to scan, expected)]).
fn a_stocked_bin(s: &Scratch, skip: usize) -> (String, Vec<(String, String, i64)>) {
    let r = s.json_as("K1", &["stocktake", "report", "S1", "--json"]);
    let mut bins: Vec<String> = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["expected"].as_i64().unwrap() > 0)
        .map(|l| l["bin"].as_str().unwrap().to_string())
        .collect();
    bins.dedup();
    let bin = bins[skip].clone();
    let lines = r["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["bin"] == bin.as_str())
        .map(|l| {
            let sku = l["sku_code"].as_str().unwrap().to_string();
            let p = s.json_as("admin", &["product", "show", &sku, "--json"]);
            let code = p["barcode"].as_str().unwrap_or(&sku).to_string();
            (sku, code, l["expected"].as_i64().unwrap())
        })
        .collect();
    (bin, lines)
}

fn on_hand(s: &Scratch, sku: &str, bin: &str) -> i64 {
    let v = s.json_as("admin", &["stock", "show", sku, "--json"]);
    v["bins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["bin"] == bin)
        .map(|b| b["qty"].as_i64().unwrap())
        .unwrap_or(0)
}

#[test]
fn the_next_counter_at_a_bench_starts_with_no_bin_and_the_bin_shows_what_it_holds() {
    // "The next counter's first item landed in the previous user's bin."
    for lang in [Lang::Zh, Lang::En] {
        let s = counted_shop();
        let (bin, lines) = a_stocked_bin(&s, 0);
        let (sku, code, _) = &lines[0];
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "shelf-3", lang);
        sign_in_as(&mut app, "P1");
        let _ = app.update(Message::Show(Screen::Stocktake));
        let _ = app.update(st(stocktake::Message::OpenId(SessionId(1))));
        let _ = app.update(scan(&format!("L{bin}")));
        let _ = app.update(scan(&format!("{code}*2")));
        assert_eq!(app.stocktake.in_bin.len(), 1);
        // A mis-scan taken back with the button: recorded, the count down again.
        let _ = app.update(scan(code));
        let _ = app.update(st(stocktake::Message::Undo));
        assert_eq!(app.stocktake.last_count.as_ref().map(|l| l.so_far), Some(2));
        assert_eq!(app.stocktake.last.as_ref().map(|l| l.1), Some(false));

        // A restarted bench, the same counter: the bin and what it holds come back.
        let mut again = App::with_store(Store::open(s.db()).unwrap(), "shelf-3", lang);
        sign_in_as(&mut again, "P1");
        let _ = again.update(Message::Show(Screen::Stocktake));
        let _ = again.update(st(stocktake::Message::OpenId(SessionId(1))));
        assert_eq!(again.stocktake.bin.as_deref(), Some(bin.as_str()));
        assert_eq!(again.stocktake.in_bin.len(), 1);
        assert_eq!(again.stocktake.in_bin[0].units, 2);
        shows(&again, &[sku.as_str(), "×2"]);
        look(&app, &format!("stocktake-counting-{lang:?}"));

        // P1 signs out; P2 at the same bench: the first item is refused, nothing counted.
        sign_in_as(&mut app, "P2");
        let _ = app.update(Message::Show(Screen::Stocktake));
        let _ = app.update(st(stocktake::Message::OpenId(SessionId(1))));
        assert_eq!(app.stocktake.bin, None);
        shows(&app, &[lang.pick("请扫库位标签", "Scan a bin label")]);
        let _ = app.update(scan(code));
        assert_eq!(app.stocktake.last.as_ref().map(|l| l.1), Some(true), "red");
        shows(
            &app,
            &[lang.pick(
                "请先扫库位标签（L + 库位编码）",
                "scan a bin label (L + bin code) first",
            )],
        );
        let r = s.json_as("K1", &["stocktake", "report", "S1", "--json"]);
        let counted: i64 = r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["counted"].as_i64().unwrap())
            .sum();
        assert_eq!(counted, 2, "only P1's two units: {r}");
    }
}

#[test]
fn approving_a_partial_count_says_how_many_bins_were_not_counted_and_leaves_them() {
    // 2 of 35 bins counted, one reason chosen, 审核配平: the 33 others were written down to 0.
    for lang in [Lang::Zh, Lang::En] {
        let s = counted_shop();
        let (bin, lines) = a_stocked_bin(&s, 0);
        let (other_bin, other_lines) = a_stocked_bin(&s, 1);
        let bins = s.json_as("K1", &["stocktake", "list", "--json"])[0]["bins"]
            .as_i64()
            .unwrap();
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "office", lang);
        sign_in_as(&mut app, "K1");
        assert_eq!(app.screen, Screen::Stocktake);
        let _ = app.update(st(stocktake::Message::OpenId(SessionId(1))));
        let _ = app.update(scan(&format!("L{bin}")));
        for (i, (_, code, n)) in lines.iter().enumerate() {
            let n = n - i64::from(i == 0);
            if n > 0 {
                let _ = app.update(scan(&format!("{code}*{n}")));
            }
        }
        // Asked first: how many bins were not counted, and the choice.
        let _ = app.update(st(stocktake::Message::AskApprove));
        let not_counted = (bins - 1) as usize;
        assert_eq!(
            app.stocktake.report.as_ref().unwrap().uncounted_bins.len(),
            not_counted
        );
        let (question, zero) = match lang {
            Lang::Zh => (
                format!(
                    "{not_counted} 个库位未盘（共 {bins} 个）：默认保持不变，不调整它们的库存。"
                ),
                format!("审核，并把 {not_counted} 个未盘库位的库存记为 0"),
            ),
            Lang::En => (
                format!(
                    "{not_counted} of {bins} bins were not counted: by default they are left as they are, their stock unchanged."
                ),
                format!("Approve and write the {not_counted} bins not counted down to zero"),
            ),
        };
        let leave = lang.pick(
            "确认审核（未盘库位保持不变）",
            "Approve, bins not counted left as they are",
        );
        shows(&app, &[question.as_str(), zero.as_str(), leave]);
        look(&app, &format!("stocktake-approve-{lang:?}"));
        // The variance page marks the lines of the bins not counted.
        shows(&app, &[lang.pick("库位未盘", "bin not counted")]);

        // No reason: refused in the window's words, no command line in them.
        let _ = app.update(st(stocktake::Message::ConfirmApprove(Uncounted::Leave)));
        assert!(failed(&app));
        for lang in [Lang::Zh, Lang::En] {
            let words = notice(&app, lang);
            assert!(words.contains(&lines[0].0), "{words}");
            for cli in ["--", "packbench", "SKU="] {
                assert!(!words.contains(cli), "{words}");
            }
        }
        let _ = app.update(st(stocktake::Message::DefaultReasonPicked(
            stocktake::ReasonChoice {
                reason: AdjustReason::Lost,
                lang,
            },
        )));
        let _ = app.update(st(stocktake::Message::AskApprove));
        let _ = app.update(st(stocktake::Message::ConfirmApprove(Uncounted::Leave)));
        assert!(
            app.notice.as_ref().is_some_and(|n| n.tone == Tone::Done),
            "{:?}",
            app.notice
        );
        assert_eq!(on_hand(&s, &lines[0].0, &bin), lines[0].2 - 1);
        for (sku, _, n) in &other_lines {
            assert_eq!(on_hand(&s, sku, &other_bin), *n, "left as it was");
        }
    }
}

#[test]
fn a_refusal_of_a_recount_session_names_the_button_not_the_command() {
    let s = counted_shop();
    s.ok(&["stocktake", "cancel", "S1"]);
    s.ok(&["stocktake", "start", "--bins", "A-0[1-3]-*", "--recount"]);
    let r = s.json_as("K1", &["stocktake", "report", "S2", "--json"]);
    let bin = r["lines"][0]["bin"].as_str().unwrap().to_string();
    let sku = r["lines"][0]["sku_code"].as_str().unwrap().to_string();
    let expected = r["lines"][0]["expected"].as_i64().unwrap();
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "office", Lang::Zh);
    sign_in_as(&mut app, "K1");
    let _ = app.update(st(stocktake::Message::OpenId(SessionId(2))));
    let _ = app.update(scan(&format!("L{bin}")));
    let _ = app.update(scan(&format!("{sku}*{}", expected + 1)));
    let _ = app.update(st(stocktake::Message::DefaultReasonPicked(
        stocktake::ReasonChoice {
            reason: AdjustReason::Found,
            lang: Lang::Zh,
        },
    )));
    let _ = app.update(st(stocktake::Message::AskApprove));
    let _ = app.update(st(stocktake::Message::ConfirmApprove(Uncounted::Leave)));
    assert!(failed(&app));
    assert_eq!(
        notice(&app, Lang::Zh),
        "1 行有差异，要先复盘：点“开始复盘”，复盘后再审核"
    );
    assert!(!notice(&app, Lang::En).contains("packbench"));
}

/// Customer service: orders (remarks) and a stock look-up that only reads; nothing else.
#[test]
fn customer_service_looks_up_stock_and_orders() {
    let s = Scratch::new();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    s.add_staff("KF1", "KF1", "customer_service");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "office-1", Lang::Zh);
    sign_in_as(&mut app, "KF1");
    let usable: Vec<Screen> = packbench::ui::screen::SCREENS
        .iter()
        .map(|e| e.screen)
        .filter(|sc| app.may_use(*sc))
        .collect();
    // The reports (one's own figures) and the team screen (roster, handover book, fund) are
    // everyone's.
    assert_eq!(
        usable,
        [Screen::Stock, Screen::Orders, Screen::Reports, Screen::Team]
    );
    let _ = app.update(Message::Show(Screen::Stock));
    let _ = app.update(Message::Stock(stock::Message::QueryChanged(
        "TX2017-GY-S".into(),
    )));
    let _ = app.update(Message::Stock(stock::Message::Search));
    let shown = app.stock.shown.as_ref().expect("the product shown");
    assert_eq!(shown.record.product.sku_code, "TX2017-GY-S");
}

/// The stock keeper starts a stocktake from the screen (bins by pattern, blind or open); an
/// overlapping one is refused with the reason; a picker counts but starts none.
#[test]
fn a_stocktake_is_started_from_the_screen() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ok(&[
            "import",
            "products",
            fixture("taobao-gbk", "products.csv").to_str().unwrap(),
        ]);
        s.add_staff("K1", "K1", "stock_keeper");
        s.add_staff("P1", "P1", "picker");
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "shelves-1", lang);
        sign_in_as(&mut app, "K1");
        let _ = app.update(Message::Show(Screen::Stocktake));
        let _ = app.update(st(stocktake::Message::NewPanel));
        let _ = app.update(st(stocktake::Message::NewBinsChanged("B-*".into())));
        let _ = app.update(st(stocktake::Message::NewOpenToggled(true)));
        let _ = app.update(st(stocktake::Message::StartNew));
        assert!(!failed(&app), "{:?}", app.notice);
        let id = app.stocktake.session_id.expect("the new session open");
        assert!(!app.stocktake.blind, "an open count");
        let (ok, list) = s.json(&["stocktake", "list", "--json"]);
        assert!(ok);
        let row = list
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["session_id"].as_i64() == Some(id.get()))
            .expect("in the list")
            .clone();
        assert_eq!(row["pattern"], "B-*");

        // Every bin overlaps the open B-* session: refused, the bin and session named.
        let _ = app.update(st(stocktake::Message::NewPanel));
        let _ = app.update(st(stocktake::Message::StartNew));
        assert!(failed(&app));
        let said = notice(&app, lang);
        assert!(
            said.contains("B-") && said.contains(&id.to_string()),
            "{said}"
        );

        // A picker counts in it but has no button to start one.
        sign_in_as(&mut app, "P1");
        let _ = app.update(Message::Show(Screen::Stocktake));
        let mut ui =
            iced_test::Simulator::with_size(settings(), iced::Size::new(1024.0, 768.0), app.view());
        assert!(
            ui.find(match lang {
                Lang::Zh => "新盘点…",
                Lang::En => "New stocktake…",
            })
            .is_err()
        );
    }
}

fn on_hand_of(s: &Scratch, sku: &str) -> i64 {
    s.open()
        .read()
        .product_record(sku)
        .unwrap()
        .expect("the product")
        .on_hand
}

/// The stock keeper writes an outbound note (scanned and typed lines, a reason, confirmed
/// before stock leaves) and discontinues a product once it has no stock (asked first).
#[test]
fn an_outbound_note_and_a_discontinued_product_from_the_stock_screen() {
    use packbench::domain::stock::IssueReason;
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ok(&[
            "import",
            "products",
            fixture("taobao-gbk", "products.csv").to_str().unwrap(),
        ]);
        s.add_staff("K1", "K1", "stock_keeper");
        let (s_before, m_before) = (on_hand_of(&s, "TX2017-GY-S"), on_hand_of(&s, "TX2017-GY-M"));
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "shelves-1", lang);
        sign_in_as(&mut app, "K1");
        let _ = app.update(Message::Show(Screen::Stock));
        let sm = |m: stock::Message| Message::Stock(m);
        let _ = app.update(sm(stock::Message::IssuePanel));
        let _ = app.update(scan("6909017490375"));
        let _ = app.update(scan("6909017490375"));
        let _ = app.update(sm(stock::Message::IssueTyped("TX2017-GY-M=3".into())));
        let _ = app.update(sm(stock::Message::IssueAdd));
        let _ = app.update(sm(stock::Message::IssueTyped("NO-SUCH".into())));
        let _ = app.update(sm(stock::Message::IssueAdd));
        assert!(failed(&app));
        let d = app.stock.issue.as_ref().unwrap();
        assert_eq!(d.typed, "NO-SUCH", "a refused line stays to be put right");
        let lines: Vec<(&str, i64)> = d.lines.iter().map(|l| (l.0.as_str(), l.2)).collect();
        assert_eq!(lines, [("TX2017-GY-S", 2), ("TX2017-GY-M", 3)]);

        // No reason: said; asked, then kept: nothing leaves.
        let _ = app.update(sm(stock::Message::IssueAsk));
        assert!(failed(&app));
        let _ = app.update(sm(stock::Message::IssueReasonPicked(stock::ReasonChoice {
            reason: IssueReason::Damage,
            lang,
        })));
        let _ = app.update(sm(stock::Message::IssueAsk));
        let asked = packbench::ui::i18n::issue_ask(
            lang,
            2,
            5,
            packbench::ui::i18n::words(lang, &IssueReason::Damage),
        );
        shows(&app, &[asked.as_str()]);
        let _ = app.update(sm(stock::Message::IssueKeep));
        assert_eq!(on_hand_of(&s, "TX2017-GY-S"), s_before);
        let _ = app.update(sm(stock::Message::IssueAsk));
        let _ = app.update(sm(stock::Message::IssueConfirm));
        assert!(!failed(&app), "{:?}", app.notice);
        assert_eq!(on_hand_of(&s, "TX2017-GY-S"), s_before - 2);
        assert_eq!(on_hand_of(&s, "TX2017-GY-M"), m_before - 3);
        assert!(app.stock.issue.is_none());

        // Discontinue: refused while stock is on hand; done (asked first) once it is out.
        let _ = app.update(sm(stock::Message::QueryChanged("TX2017-GY-L".into())));
        let _ = app.update(sm(stock::Message::Search));
        let _ = app.update(sm(stock::Message::AskDiscontinue));
        let _ = app.update(sm(stock::Message::ConfirmDiscontinue));
        assert!(failed(&app), "stock on hand");
        let left = on_hand_of(&s, "TX2017-GY-L");
        s.ok(&[
            "issue",
            "create",
            "--reason",
            "sample",
            "--line",
            &format!("TX2017-GY-L={left}"),
        ]);
        let _ = app.update(sm(stock::Message::Search));
        let _ = app.update(sm(stock::Message::AskDiscontinue));
        let _ = app.update(sm(stock::Message::KeepProduct));
        let _ = app.update(sm(stock::Message::ConfirmDiscontinue));
        assert_eq!(
            s.open()
                .read()
                .product_record("TX2017-GY-L")
                .unwrap()
                .unwrap()
                .product
                .state,
            packbench::domain::ProductState::Active,
            "kept when the second click did not come"
        );
        let _ = app.update(sm(stock::Message::AskDiscontinue));
        let _ = app.update(sm(stock::Message::ConfirmDiscontinue));
        assert!(!failed(&app), "{:?}", app.notice);
        assert_eq!(
            s.open()
                .read()
                .product_record("TX2017-GY-L")
                .unwrap()
                .unwrap()
                .product
                .state,
            packbench::domain::ProductState::Discontinued
        );
    }
}
