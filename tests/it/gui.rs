//! The bench GUI, headless (iced_test, tiny-skia): the check screen driven through its messages
//! over a temporary store, sign-in, and snapshots of the check screen in its states.

use crate::common::{self, Scratch};
use iced::{Settings, Theme};
use packbench::scan::{Scan, Source};
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::check::BannerKind;
use packbench::ui::screen::sign_in;
use packbench::ui::screen::{Screen, Tone};
use packbench::ui::{App, Message};
use serde_json::Value;

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

/// A printed batch, a checker with a PIN, and the bench signed in as them.
fn bench(lang: Lang) -> (Scratch, Value, App) {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-gui", lang);
    app.check.clock = || "09:30:00".to_string();
    crate::common::sign_in_with(&mut app, "YH01", "1234");
    assert!(app.actor.is_some(), "signed in");
    assert_eq!(app.screen, Screen::Check);
    (s, batch, app)
}

fn finds(app: &App, what: &str) -> bool {
    let mut ui = iced_test::Simulator::with_settings(settings(), app.view());
    ui.find(what).is_ok()
}

/// The check screen alone, drawn; its hash is compared with the one committed.
fn snapshot_matches(app: &App, name: &str) -> bool {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    let committed = path.with_file_name(format!("{name}-tiny-skia.sha256"));
    if std::env::var_os("CI").is_some() {
        assert!(
            committed.exists(),
            "{} must be committed",
            committed.display()
        );
    }
    let mut ui = iced_test::Simulator::with_size(
        settings(),
        iced::Size::new(1280.0, 800.0),
        app.check.view(packbench::ui::screen::Ctx {
            store: app.store().unwrap(),
            actor: app.actor.as_ref().unwrap(),
            lang: app.lang,
        }),
    );
    let shot = ui.snapshot(&Theme::Light).unwrap();
    // To look at them: PACKBENCH_SNAPSHOT_PNG=dir writes the images there.
    if let Some(dir) = std::env::var_os("PACKBENCH_SNAPSHOT_PNG") {
        let _ =
            std::fs::remove_file(std::path::Path::new(&dir).join(format!("{name}-tiny-skia.png")));
        shot.matches_image(std::path::Path::new(&dir).join(name))
            .unwrap();
    }
    shot.matches_hash(&path).unwrap()
}

fn unit_codes(p: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for l in p["lines"].as_array().unwrap() {
        for _ in 0..l["qty"].as_u64().unwrap() {
            out.push(
                l["barcode"]
                    .as_str()
                    .or(l["sku_code"].as_str())
                    .unwrap()
                    .to_string(),
            );
        }
    }
    out
}

#[test]
fn sign_in_refuses_a_bad_pin() {
    let s = Scratch::new();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-gui", Lang::Zh);
    crate::common::sign_in_with(&mut app, "YH01", "9999");
    assert!(app.actor.is_none());
    assert!(finds(&app, "工号或密码不对"));
    assert!(app.sign_in.pin.is_empty(), "a wrong PIN is not kept");
    // A scan while signed out is a staff badge: its code goes into the form, nothing is
    // written, and the PIN is next.
    let _ = app.update(scan("7700000001"));
    assert_eq!(app.sign_in.code, "7700000001");
    assert!(app.actor.is_none());
    // Through the form, as a person would: typed into the fields, then the button.
    let _ = app.update(Message::SignIn(
        sign_in::Message::CodeChanged(String::new()),
    ));
    let mut ui = iced_test::Simulator::with_settings(settings(), app.view());
    ui.click(iced::widget::Id::new(sign_in::CODE_FIELD))
        .unwrap();
    type_slowly(&mut ui, "YH01");
    ui.click(iced::widget::Id::new(sign_in::PIN_FIELD)).unwrap();
    type_slowly(&mut ui, "1234");
    ui.click("登录").unwrap();
    let msgs: Vec<Message> = ui.into_messages().collect();
    for m in msgs {
        let _ = app.update(m);
    }
    assert_eq!(
        app.actor.as_ref().map(|a| a.staff.code.as_str()),
        Some("YH01")
    );
}

#[test]
fn the_check_screen_through_a_parcel() {
    let (s, batch, mut app) = bench(Lang::Zh);
    assert!(finds(&app, "请扫快递单"));
    assert!(snapshot_matches(&app, "check-waiting"));

    // A waybill opens its parcel.
    let p = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| unit_codes(p).len() >= 2)
        .unwrap()
        .clone();
    let t = p["tracking_no"].as_str().unwrap();
    let units = unit_codes(&p);
    let _ = app.update(scan(t));
    let parcel = app.check.parcel.clone().expect("open");
    assert_eq!(parcel.tracking_no, t);
    assert!(!parcel.receiver.is_empty());
    assert!(finds(&app, &format!("快递单号  {t}   ZTO")));
    assert!(snapshot_matches(&app, "check-pending"));

    // A wrong item: its own red row with the reason in words; no count changes.
    let _ = app.update(scan("6900000000017"));
    let m = app.check.mismatch.clone().expect("red");
    assert!(m.sku_on_line.is_none());
    assert!(m.reason.zh.contains("没有这个条码的商品"));
    assert!(finds(&app, "没有这个条码的商品：6900000000017"));
    assert!(
        app.check
            .parcel
            .as_ref()
            .unwrap()
            .lines
            .iter()
            .all(|l| l.scanned == 0)
    );
    assert!(snapshot_matches(&app, "check-red"));

    // The next correct item carries on: red gone, its line counted (green when complete).
    let _ = app.update(scan(&units[0]));
    assert!(app.check.mismatch.is_none());
    assert!(app.check.banner.is_none());
    let counted: u32 = app
        .check
        .parcel
        .as_ref()
        .unwrap()
        .lines
        .iter()
        .map(|l| l.scanned)
        .sum();
    assert_eq!(counted, 1);

    // A surplus turns that line's row red.
    let first_sku = app
        .check
        .parcel
        .as_ref()
        .unwrap()
        .lines
        .iter()
        .find(|l| l.scanned == l.expected)
        .map(|l| l.sku_code.clone());
    if let Some(sku) = first_sku {
        let code = app
            .check
            .parcel
            .as_ref()
            .unwrap()
            .lines
            .iter()
            .find(|l| l.sku_code == sku)
            .unwrap()
            .barcode
            .clone()
            .unwrap_or(sku.clone());
        let _ = app.update(scan(&code));
        assert_eq!(
            app.check
                .mismatch
                .as_ref()
                .and_then(|m| m.sku_on_line.clone()),
            Some(sku)
        );
    }

    // Completing ships, with the green banner.
    for u in &units[1..] {
        let _ = app.update(scan(u));
    }
    let banner = app.check.banner.clone().expect("green");
    assert_eq!(banner.kind, BannerKind::Green);
    assert!(banner.text.zh.contains("已发货"), "{:?}", banner.text);
    assert!(finds(&app, &format!("已发货：{t}")));
    assert_eq!(app.check.counts().0, 1);
    assert!(snapshot_matches(&app, "check-complete"));
    let (_, b) = s.json(&["batch", "show", &batch["batch_id"].to_string(), "--json"]);
    let shipped = b["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["tracking_no"] == t)
        .unwrap();
    assert_eq!(shipped["stage"], "shipped");
}

#[test]
fn a_blocked_parcel_shows_the_red_banner() {
    let (s, batch, mut app) = bench(Lang::Zh);
    let p = &batch["parcels"][3];
    s.ok(&[
        "review",
        "hold",
        p["order_nos"][0].as_str().unwrap(),
        "--reason",
        "address_change",
    ]);
    let _ = app.update(scan(p["tracking_no"].as_str().unwrap()));
    let banner = app.check.banner.clone().expect("red");
    assert_eq!(banner.kind, BannerKind::Red);
    assert!(banner.text.zh.contains("订单暂停发货"));
    assert!(finds(&app, &banner.text.zh));
}

#[test]
fn english_and_the_other_screens() {
    let (_s, batch, mut app) = bench(Lang::En);
    assert!(finds(&app, "Scan a waybill"));
    let _ = app.update(Message::Show(Screen::Pick));
    assert_eq!(app.screen, Screen::Check, "a checker may not pick");
    let _ = app.update(Message::Show(Screen::Orders));
    assert_eq!(app.screen, Screen::Orders);
    // A scan on the orders screen looks the parcel up.
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let _ = app.update(scan(t));
    assert_eq!(
        app.orders
            .selected
            .as_ref()
            .map(|o| o.order.tracking_no.clone()),
        Some(Some(t.to_string()))
    );
    assert!(finds(&app, "Lines"));
    let _ = app.update(Message::ToggleLanguage);
    assert!(finds(&app, "宝贝"));
}

/// A person typing: slower than any scanner, so each key reaches the focused field.
fn type_slowly(ui: &mut iced_test::Simulator<'_, Message>, text: &str) {
    for c in text.chars() {
        let _ = ui.typewrite(&c.to_string());
        pause(ui, 45);
    }
    // The last key is held back one gap: any event after it lets it through.
    let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::CursorMoved {
        position: iced::Point::new(1.0, 1.0),
    })]);
}

/// Time passes with no key (at least `ms`, and long enough for held keys to be decided), and
/// the window ticks as the runtime does when the scan guard asks for a redraw at a deadline:
/// the simulator needs those events given, a few milliseconds apart.
fn pause(ui: &mut iced_test::Simulator<'_, Message>, ms: u64) {
    let t0 = std::time::Instant::now();
    while t0.elapsed() < std::time::Duration::from_millis(ms.max(150)) {
        std::thread::sleep(std::time::Duration::from_millis(5));
        let _ = ui.simulate([iced::Event::Window(iced::window::Event::RedrawRequested(
            std::time::Instant::now(),
        ))]);
    }
}

/// Sends the simulator's messages back to the app, as the runtime would.
fn feed(app: &mut App, msgs: Vec<Message>) {
    for m in msgs {
        let _ = app.update(m);
    }
}

#[test]
fn a_scan_never_acts_on_a_form() {
    // The order printer's screen with the cursor in 最多, where a person typed 2.
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7800000001-7800000050",
    ]);
    s.add_staff("DD01", "刘打单", "order_printer");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", Lang::Zh);
    crate::common::sign_in_with(&mut app, "DD01", "1234");
    assert_eq!(app.screen, Screen::Print);
    let batches_before = app.print.batches.len();
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let msgs: Vec<Message> = {
        let mut ui =
            iced_test::Simulator::with_size(settings(), iced::Size::new(1280.0, 800.0), app.view());
        ui.click(packbench::ui::i18n::tr(
            Lang::Zh,
            packbench::ui::i18n::T::AllOfThem,
        ))
        .unwrap();
        // A person: one key, then a pause longer than any scanner's.
        let _ = ui.typewrite("2");
        pause(&mut ui, 60);
        // The scanner: a burst and its Enter, while the cursor is still in 最多.
        let _ = ui.typewrite(t);
        let _ = ui.tap_key(iced::keyboard::key::Named::Enter);
        std::thread::sleep(std::time::Duration::from_millis(60));
        let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::CursorMoved {
            position: iced::Point::new(5.0, 5.0),
        })]);
        ui.into_messages().collect()
    };
    feed(&mut app, msgs);
    // The typed 2 is there and nothing else; no batch was made or even planned; the scan did
    // what a scan does on this screen (the reprint field).
    assert_eq!(app.print.limit, "2");
    assert!(app.print.plan.is_none());
    assert_eq!(app.print.batches.len(), batches_before);
    assert_eq!(app.print.reprint_no, t);
    let (_, b) = s.json(&["batch", "list", "--json"]);
    assert_eq!(b.as_array().unwrap().len(), batches_before, "no batch made");

    // On the orders screen, a scan into the search box (with "tb" typed) looks itself up
    // and leaves the typed text alone.
    let _ = app.update(Message::Show(Screen::Orders));
    use packbench::ui::screen::orders::Message as O;
    let _ = app.update(Message::Orders(O::QueryChanged("tb".into())));
    let msgs: Vec<Message> = {
        let mut ui =
            iced_test::Simulator::with_size(settings(), iced::Size::new(1280.0, 800.0), app.view());
        let _ = ui.typewrite(t);
        let _ = ui.tap_key(iced::keyboard::key::Named::Enter);
        ui.into_messages().collect()
    };
    feed(&mut app, msgs);
    assert_eq!(app.orders.query, t, "the scan looked itself up");
    assert!(app.orders.selected.is_some());
}

#[test]
fn bad_moments_keep_the_bench_running() {
    // A store path that is not a store: the error on screen, a retry button, no crash.
    let s = Scratch::new();
    let notes = s.path("notes.txt");
    std::fs::write(&notes, "不是数据库").unwrap();
    let opts = packbench::ui::Options {
        db: notes.clone(),
        lang: Lang::Zh,
        station: "b".into(),
        staff: None,
        demo: false,
        muted: true,
    };
    let mut app = App::new(opts);
    assert!(finds(&app, "无法打开数据库"));
    assert!(finds(&app, "重试"));
    let _ = app.update(scan("7700000001"));
    assert!(app.notice.is_some());
    assert_eq!(
        std::fs::read_to_string(&notes).unwrap(),
        "不是数据库",
        "untouched"
    );

    // The store locked by another bench's long write: a clear message, nothing written, and the
    // same scan goes through once the lock is gone.
    let (s, batch, mut app) = bench(Lang::Zh);
    let t = batch["parcels"][0]["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other = s.hold_write_lock();
    let _ = app.update(scan(&t));
    let banner = app.check.banner.clone().expect("an error on screen");
    assert_eq!(banner.kind, BannerKind::Red);
    assert_eq!(
        banner.text.zh, "另一台工位正在写入，这次扫描没有记录，请再扫一次",
        "plain words that say what happened to the scan"
    );
    assert!(app.check.parcel.is_none());
    other.exec("ROLLBACK");
    let _ = app.update(scan(&t));
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(t.clone())
    );

    // A serial scanner lost mid-parcel: the status bar says so, the parcel keeps its counts, and
    // scans go on when it is back.
    use packbench::scan::serial::SerialEvent;
    let code = batch["parcels"][0]["lines"][0]["barcode"]
        .as_str()
        .unwrap_or("x")
        .to_string();
    let _ = app.update(Message::Serial(SerialEvent::Connected(
        "/dev/ttyUSB0".into(),
    )));
    let _ = app.update(Message::Serial(SerialEvent::Lost {
        port: "/dev/ttyUSB0".into(),
        reason: "unplugged".into(),
    }));
    assert!(finds(&app, "/dev/ttyUSB0 已断开，正在重连"));
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(t.clone())
    );
    let _ = app.update(Message::Serial(SerialEvent::Reconnected(
        "/dev/ttyUSB0".into(),
    )));
    let _ = app.update(Message::Serial(SerialEvent::Scan(Scan {
        code,
        symbology: None,
        source: Source::Serial("/dev/ttyUSB0".into()),
        at: std::time::SystemTime::now(),
    })));
    // The parcel had one unit: that scan completed and shipped it.
    assert_eq!(app.check.counts().0, 1, "the scan after the replug counted");
}

/// Draws the whole window (with `PACKBENCH_SNAPSHOT_PNG=dir`, also to a PNG to look at).
fn window_shows(app: &App, name: &str, texts: &[&str]) {
    let mut ui =
        iced_test::Simulator::with_size(settings(), iced::Size::new(1280.0, 800.0), app.view());
    for t in texts {
        assert!(ui.find(*t).is_ok(), "{name}: {t:?} not on screen");
    }
    if let Some(dir) = std::env::var_os("PACKBENCH_SNAPSHOT_PNG") {
        let path = std::path::Path::new(&dir).join(name);
        let _ = std::fs::remove_file(path.with_file_name(format!("{name}-tiny-skia.png")));
        ui.snapshot(&Theme::Light)
            .unwrap()
            .matches_image(path)
            .unwrap();
    }
}

#[test]
fn every_screen_in_chinese_and_english() {
    for lang in [Lang::Zh, Lang::En] {
        let tag = if lang == Lang::Zh { "zh" } else { "en" };
        let s = Scratch::new();
        let batch = s.printed_batch();
        s.add_staff("PH001", "张配货", "picker");
        s.add_staff("DD01", "刘打单", "order_printer");
        // The shop's sender block, as a shop fills it in (empty, printing asks first).
        for (key, value) in [
            ("shop.sender_name", "小熊家居旗舰店"),
            ("shop.sender_phone", "0571-88886666"),
            ("shop.sender_address", "浙江省杭州市余杭区仓前街道 1 号"),
        ] {
            s.ok(&["settings", "set", key, value]);
        }
        let sign_in_as = |app: &mut App, code: &str| {
            crate::common::sign_in_with(app, code, "1234");
        };
        let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", lang);
        window_shows(
            &app,
            &format!("window-sign-in-{tag}"),
            &[
                lang.pick("员工登录", "Staff sign-in"),
                lang.pick("登录", "Sign in"),
            ],
        );

        // The picker: tag, batch, a first item; the pick list by bin with progress.
        sign_in_as(&mut app, "PH001");
        assert_eq!(app.screen, Screen::Pick);
        let b = format!("B{}", batch["batch_id"]);
        let (_, list) = s.json(&["batch", "picklist", &b, "--json"]);
        let first = list["lines"][0]["barcode"]
            .as_str()
            .or(list["lines"][0]["sku_code"].as_str())
            .unwrap()
            .to_string();
        for code in ["EDB_PH001", b.as_str(), first.as_str()] {
            let _ = app.update(scan(code));
        }
        assert_eq!(app.pick.batch.map(|b| b.get()), batch["batch_id"].as_i64());
        assert_eq!(app.pick.lines.iter().map(|l| l.picked).sum::<u32>(), 1);
        let bin = list["lines"][0]["bin"].as_str().unwrap();
        window_shows(
            &app,
            &format!("window-pick-{tag}"),
            &[bin, lang.pick("配货", "Pick")],
        );
        let _ = app.update(Message::SignOut);

        // The order printer opens on the print screen: the batch, its waybills to a PDF file,
        // one waybill again, the print log.
        sign_in_as(&mut app, "DD01");
        assert_eq!(app.screen, Screen::Print);
        common::print_into_scratch(&mut app, &s);
        use packbench::ui::screen::print::Message as P;
        let batch_id = batch["batch_id"].as_i64().unwrap();
        assert_eq!(app.print.selected.map(|b| b.get()), Some(batch_id));
        let _ = app.update(Message::Print(P::PrintWaybills));
        let notice = app.notice.clone().expect("an outcome");
        assert_eq!(notice.tone, Tone::Done, "{notice:?}");
        let parcels = batch["parcels"].as_array().unwrap();
        let pdf = std::fs::read_dir(s.path("print"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.to_string_lossy().contains("waybills"))
            .expect("the waybills PDF in the print folder");
        assert_eq!(common::pdf_info(&pdf).1, parcels.len(), "one page a parcel");
        let one = parcels[2]["tracking_no"].as_str().unwrap();
        // A scan puts the tracking number in the reprint field; printing it takes a click.
        let _ = app.update(scan(one));
        assert_eq!(app.print.reprint_no, one);
        assert_eq!(app.print.log.len(), 1);
        let _ = app.update(Message::Print(P::Reprint));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert_eq!(app.print.log.len(), 2);
        assert!(app.print.log[0].reprint && app.print.log[0].pages == 1);
        let _ = app.update(Message::Print(P::PrintPicklist));
        assert_eq!(
            app.print.log[0].kind,
            packbench::domain::print::JobKind::Picklist
        );
        window_shows(
            &app,
            &format!("window-print-{tag}"),
            &[
                lang.pick("打印快递单", "Print waybills"),
                lang.pick("补打一张快递单", "Reprint one waybill"),
            ],
        );

        // Its orders screen: an order with its remarks, hold and release.
        let _ = app.update(Message::Show(Screen::Orders));
        assert_eq!(app.screen, Screen::Orders);
        use packbench::ui::screen::orders::Message as O;
        let _ = app.update(Message::Orders(O::QueryChanged("Amy".into())));
        let _ = app.update(Message::Orders(O::Search));
        assert!(!app.orders.results.is_empty());
        window_shows(&app, &format!("window-orders-{tag}"), &["Amy_zhang"]);
        let _ = app.update(Message::Orders(O::Open("7927125739571885174".into())));
        let _ = app.update(Message::Orders(O::RemarkChanged("仓库注意：易碎".into())));
        let _ = app.update(Message::Orders(O::FlagToggled(true)));
        let _ = app.update(Message::Orders(O::AddRemark));
        let remarks = &app.orders.selected.as_ref().unwrap().remarks;
        assert_eq!(remarks.last().unwrap().staff_code.as_deref(), Some("DD01"));
        assert!(remarks.last().unwrap().flag);
        window_shows(
            &app,
            &format!("window-order-{tag}"),
            &["C03 顺丰到付 [红旗]"],
        );
        let _ = app.update(Message::Orders(O::HoldReasonPicked(
            packbench::ui::screen::orders::HoldChoice {
                reason: packbench::domain::review::HoldReason::AddressChange,
                lang,
            },
        )));
        let _ = app.update(Message::Orders(O::Hold));
        assert_eq!(
            app.orders.selected.as_ref().unwrap().hold_reason.as_deref(),
            Some("address_change")
        );
        let _ = app.update(Message::Orders(O::Release));
        assert!(app.orders.selected.as_ref().unwrap().hold_reason.is_none());

        // The checker's screen with a parcel open.
        let _ = app.update(Message::SignOut);
        s.add_staff("YH01", "陈验货", "checker");
        sign_in_as(&mut app, "YH01");
        let _ = app.update(scan(batch["parcels"][1]["tracking_no"].as_str().unwrap()));
        window_shows(
            &app,
            &format!("window-check-{tag}"),
            &[lang.pick("本班已发", "Shipped this shift")],
        );
    }
}

#[test]
fn the_labels_screen_previews_scanned_products_and_prints() {
    use packbench::ui::screen::labels::{Destination, Message as L};
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
    s.add_staff("TM01", "孙条码", "label_printer");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", Lang::Zh);
    crate::common::sign_in_with(&mut app, "TM01", "1234");
    assert_eq!(app.screen, Screen::Labels);
    common::print_into_scratch(&mut app, &s);

    // A scanned barcode adds its product and shows page 1 as it will print.
    let (_, p) = s.json(&["product", "show", "TX2017-GY-S", "--json"]);
    let barcode = p["barcode"].as_str().unwrap().to_string();
    // Drawn by packbench itself: no pdftoppm needed (a Windows PC has none).
    let _ = app.update(scan(&barcode));
    assert_eq!(app.labels.skus, "TX2017-GY-S");
    assert!(app.labels.preview.is_some(), "{:?}", app.notice);
    window_shows(&app, "window-labels-zh", &["TX2017-GY-S", "打印标签"]);
    // The preview is laid out as the shop prints: at its label size, not 40×30 always.
    let actor = app.actor.clone().unwrap();
    let job = |size| packbench::flow::print::LabelJob {
        select: packbench::flow::print::LabelSelect::Skus(vec!["TX2017-GY-S".into()]),
        copies: 1,
        size,
        dpi: None,
        format: Default::default(),
        overwrite: Default::default(),
    };
    let store = Store::open(s.db()).unwrap();
    let skus = ["TX2017-GY-S".to_string()];
    let page = packbench::flow::print::label_preview(&store, &actor, &skus, &job(None)).unwrap();
    assert_eq!((page.width_mm, page.height_mm), (40.0, 30.0));
    s.ok(&["settings", "set", "print.label_size", "50x30"]);
    let page = packbench::flow::print::label_preview(&store, &actor, &skus, &job(None)).unwrap();
    assert_eq!((page.width_mm, page.height_mm), (50.0, 30.0));
    let small = Some(packbench::print::LabelSize::parse("40x30").unwrap());
    let page = packbench::flow::print::label_preview(&store, &actor, &skus, &job(small)).unwrap();
    assert_eq!(page.width_mm, 40.0, "a size chosen on the screen wins");
    s.ok(&["settings", "set", "print.label_size", "40x30"]);
    // An unknown code is a red notice and changes nothing.
    let _ = app.update(scan("6900000000017"));
    assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
    assert_eq!(app.labels.skus, "TX2017-GY-S");

    // Two copies to a PDF file: both decode.
    let _ = app.update(Message::Labels(L::CopiesChanged("2".into())));
    let _ = app.update(Message::Labels(L::Print));
    assert_eq!(
        app.notice.as_ref().unwrap().tone,
        Tone::Done,
        "{:?}",
        app.notice
    );
    let pdf = std::fs::read_dir(s.path("print"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let pages = common::decode_pages(&pdf, 203);
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.contains(&barcode[..barcode.len()])));

    // ZPL straight to a label printer's port; without an address it asks for one.
    let _ = app.update(Message::Labels(L::DestinationPicked(Destination::Raw(
        packbench::print::raw::RawFormat::Zpl,
        Lang::Zh,
    ))));
    let _ = app.update(Message::Labels(L::Print));
    assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
    let listener = common::RawListener::start();
    let _ = app.update(Message::Labels(L::AddressChanged(listener.address())));
    let _ = app.update(Message::Labels(L::Print));
    assert_eq!(
        app.notice.as_ref().unwrap().tone,
        Tone::Done,
        "{:?}",
        app.notice
    );
    let zpl = String::from_utf8(listener.received()).unwrap();
    assert!(
        zpl.starts_with("^XA") && zpl.contains("TX2017-GY-S") && zpl.contains("^PQ2"),
        "{zpl}"
    );

    // Every product without a barcode gets one and its label.
    let needing = || {
        Store::open(s.db())
            .unwrap()
            .read()
            .count_products_needing_barcode()
            .unwrap()
    };
    let before = needing();
    assert!(before > 0, "the fixture has products without a barcode");
    let _ = app.update(Message::Labels(L::DestinationPicked(Destination::Pdf(
        Lang::Zh,
    ))));
    let _ = app.update(Message::Labels(L::NeedsBarcodeToggled(true)));
    let _ = app.update(Message::Labels(L::CopiesChanged("1".into())));
    // Giving barcodes is for good: the screen says how many and waits for 确认.
    let _ = app.update(Message::Labels(L::Print));
    assert!(app.labels.asking);
    assert_eq!(needing(), before, "nothing given before the confirmation");
    assert!(finds(
        &app,
        &format!(
            "{before} 个没有条码的商品将按本店规则分配条码（以后不能改回），然后打印它们的标签。"
        )
    ));
    let _ = app.update(Message::Labels(L::ConfirmAssign));
    let notice = app.notice.clone().unwrap();
    assert_eq!(notice.tone, Tone::Done, "{notice:?}");
    assert!(
        notice.text.zh.contains(&format!("新编条码 {before}")),
        "{notice:?}"
    );
    assert_eq!(needing(), 0);
}

#[test]
fn a_scan_waits_for_a_locked_store_off_the_window_thread() {
    // The window's way: jobs on the store worker. Another bench holds the write lock.
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store_and_worker(Store::open(s.db()).unwrap(), "bench-w", Lang::Zh);
    crate::common::sign_in_with(&mut app, "YH01", "1234");
    app.settle();
    assert_eq!(app.screen, Screen::Check);
    let t = batch["parcels"][0]["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other = s.hold_write_lock();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(1500));
        other.exec("ROLLBACK");
    });
    // The window answers at once: the scan is under way, nothing is shown as done.
    let t0 = std::time::Instant::now();
    let _ = app.update(scan(&t));
    assert!(finds(&app, "正在保存…"));
    assert!(
        t0.elapsed() < std::time::Duration::from_millis(500),
        "{:?}",
        t0.elapsed()
    );
    assert_eq!(app.check.pending, 1);
    assert!(app.check.parcel.is_none(), "no verdict before it is stored");
    assert_eq!(app.jobs_pending(), 1);
    // Asked without waiting, the worker has no answer while the lock is held.
    assert_eq!(app.poll(), 0);
    assert_eq!(app.check.pending, 1);
    // Once the lock is gone the stored verdict arrives and is shown.
    app.settle();
    release.join().unwrap();
    assert_eq!(app.check.pending, 0);
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(t)
    );
}

#[test]
fn tab_and_enter_walk_the_sign_in_form() {
    let s = Scratch::new();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-gui", Lang::Zh);
    let msgs: Vec<Message> = {
        let mut ui = iced_test::Simulator::with_settings(settings(), app.view());
        ui.click(iced::widget::Id::new(sign_in::CODE_FIELD))
            .unwrap();
        type_slowly(&mut ui, "YH01");
        // Tab (no widget takes it): on to the PIN field, which then takes the typing.
        let _ = ui.tap_key(iced::keyboard::key::Named::Tab);
        std::thread::sleep(std::time::Duration::from_millis(45));
        type_slowly(&mut ui, "1234");
        let _ = ui.tap_key(iced::keyboard::key::Named::Enter);
        std::thread::sleep(std::time::Duration::from_millis(45));
        let _ = ui.simulate([iced::Event::Mouse(iced::mouse::Event::CursorMoved {
            position: iced::Point::new(2.0, 2.0),
        })]);
        ui.into_messages().collect()
    };
    feed(&mut app, msgs);
    assert_eq!(
        app.actor.as_ref().map(|a| a.staff.code.as_str()),
        Some("YH01"),
        "Enter in the PIN field signed in"
    );
    // Signing out clears both fields.
    let _ = app.update(Message::SignOut);
    assert!(app.sign_in.code.is_empty() && app.sign_in.pin.is_empty());
}

#[test]
fn a_batch_number_typed_at_the_pick_screen_counts_as_its_scan() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("PH001", "张配货", "picker");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-pick", Lang::Zh);
    crate::common::sign_in_with(&mut app, "PH001", "1234");
    assert_eq!(app.screen, Screen::Pick);
    let _ = app.update(scan("EDB_PH001"));
    use packbench::ui::screen::pick::Message as K;
    // The pick list's number as a person reads it off the paper: B and the digits.
    let typed = format!("B{}", batch["batch_id"]);
    let _ = app.update(Message::Pick(K::KeyedChanged(typed)));
    let _ = app.update(Message::Pick(K::KeyedSubmit));
    assert_eq!(app.pick.batch.map(|b| b.get()), batch["batch_id"].as_i64());
    assert!(
        app.pick.keyed.is_empty(),
        "the field is ready for the next code"
    );
}

#[test]
fn a_remark_half_typed_stays_with_its_order() {
    // The order printer types a remark on one order; a scan opens another order.
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("DD01", "刘打单", "order_printer");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", Lang::Zh);
    crate::common::sign_in_with(&mut app, "DD01", "1234");
    let _ = app.update(Message::Show(Screen::Orders));
    use packbench::ui::screen::orders::Message as O;
    let first = batch["parcels"][0]["order_nos"][0].as_str().unwrap();
    let _ = app.update(Message::Orders(O::Open(first.into())));
    let _ = app.update(Message::Orders(O::RemarkChanged("易碎，轻放".into())));
    let _ = app.update(Message::Orders(O::FlagToggled(true)));
    // Another parcel of one order (a scan of a merged parcel lists its orders instead).
    let other = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .skip(1)
        .find(|p| p["order_nos"].as_array().unwrap().len() == 1)
        .unwrap();
    let _ = app.update(scan(other["tracking_no"].as_str().unwrap()));
    let shown = app
        .orders
        .selected
        .as_ref()
        .expect("the scanned order")
        .order
        .order_no
        .clone();
    assert_eq!(shown, other["order_nos"][0].as_str().unwrap());
    assert!(app.orders.remark.is_empty(), "{:?}", app.orders.remark);
    assert!(!app.orders.flag);
    // The same order read again (after a change) keeps what is being typed.
    let _ = app.update(Message::Orders(O::RemarkChanged("改地址".into())));
    let _ = app.update(Message::Orders(O::Open(shown)));
    assert_eq!(app.orders.remark, "改地址");
}

#[test]
fn a_parked_parcel_notice_lasts_until_the_next_scan() {
    let (_s, batch, mut app) = bench(Lang::Zh);
    let parcels = batch["parcels"].as_array().unwrap();
    let _ = app.update(scan(parcels[0]["tracking_no"].as_str().unwrap()));
    let _ = app.update(scan(parcels[1]["tracking_no"].as_str().unwrap()));
    let parked = app.notice.clone().expect("the first parcel parked, said");
    assert_eq!(parked.tone, Tone::Warning);
    // The next scan is about the parcel now open: the word about the other one goes.
    let _ = app.update(scan(&unit_codes(&parcels[1])[0]));
    assert!(app.notice.is_none(), "{:?}", app.notice);
}

#[test]
fn the_window_says_within_a_second_that_it_waits_for_another_write() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store_and_worker(Store::open(s.db()).unwrap(), "bench-w2", Lang::Zh);
    crate::common::sign_in_with(&mut app, "YH01", "1234");
    app.settle();
    let t = batch["parcels"][0]["tracking_no"]
        .as_str()
        .unwrap()
        .to_string();
    let mut other = s.hold_write_lock();
    let t0 = std::time::Instant::now();
    let _ = app.update(scan(&t));
    // The worker's wait is seen (the window ticks while a job runs) within a second.
    while !app.store_busy() {
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(1),
            "the wait was not said within a second"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = app.update(Message::JobTick);
    assert!(finds(&app, "等待其他工位写完…"), "where 正在保存… stood");
    assert!(finds(
        &app,
        "另一个程序（另一台工位或导入）正在写入数据库：正在等它写完，扫描都留着"
    ));
    let _ = app.update(Message::ToggleLanguage);
    assert!(finds(&app, "store busy, waiting…"));
    let _ = app.update(Message::ToggleLanguage);
    assert!(app.check.parcel.is_none(), "no verdict before it is stored");
    other.exec("ROLLBACK");
    app.settle();
    assert!(!app.store_busy());
    let _ = app.update(Message::JobTick);
    assert!(!finds(&app, "等待其他工位写完…"));
    assert_eq!(
        app.check.parcel.as_ref().map(|p| p.tracking_no.clone()),
        Some(t)
    );
}

#[test]
fn a_window_under_a_station_name_in_use_is_refused_and_a_killed_bench_frees_it() {
    let s = Scratch::new();
    s.printed_batch();
    let mut other = crate::locks::spawn_scan(&s, "win-dup", &[]);
    crate::locks::wait_for_lease(&s, "win-dup");
    let opts = packbench::ui::Options {
        db: s.db(),
        lang: Lang::Zh,
        station: "win-dup".into(),
        staff: None,
        demo: false,
        muted: true,
    };
    let mut app = App::new(opts);
    assert!(
        app.store().is_none(),
        "the window works beside another win-dup"
    );
    assert!(finds(&app, "重试"));
    let mut ui = iced_test::Simulator::with_settings(settings(), app.view());
    let said = ui.find(|c: iced_test::selector::Candidate<'_>| match c {
        iced_test::selector::Candidate::Text { content, .. }
            if content.contains("工位名 win-dup 已经有一个验货台在用")
                && content.contains("请管理员给这台电脑另设一个工位名") =>
        {
            Some(())
        }
        _ => None,
    });
    assert!(said.is_ok(), "names the station and what to do");
    drop(ui);
    other.kill().unwrap();
    other.wait().unwrap();
    let _ = app.update(Message::RetryStore);
    assert!(app.store().is_some(), "the killed bench's name is free");
}

#[test]
fn a_damaged_store_is_refused_by_the_window_in_plain_words() {
    if common::on_postgres() {
        return; // about the SQLite file: its bytes damaged on disk (a server checks its own pages)
    }
    let s = Scratch::new();
    s.printed_batch();
    crate::locks::damage(&s.db());
    let before = std::fs::read(s.db()).unwrap();
    let opts = packbench::ui::Options {
        db: s.db(),
        lang: Lang::Zh,
        station: "bench-damaged".into(),
        staff: None,
        demo: false,
        muted: true,
    };
    let mut app = App::new(opts);
    assert!(app.store().is_none(), "a damaged store was opened");
    for lang in [Lang::Zh, Lang::En] {
        if app.lang != lang {
            let _ = app.update(Message::ToggleLanguage);
        }
        let mut ui = iced_test::Simulator::with_settings(settings(), app.view());
        let mut texts = Vec::new();
        let _ = ui.find(|c: iced_test::selector::Candidate<'_>| {
            if let iced_test::selector::Candidate::Text { content, .. } = c {
                texts.push(content.to_string());
            }
            None::<()>
        });
        let all = texts.join("\n");
        assert!(
            all.contains("已损坏") || all.contains("damaged"),
            "{lang:?}: {all}"
        );
        for raw in crate::locks::RAW {
            assert!(!all.contains(raw), "{raw:?} on screen: {all}");
        }
    }
    drop(app);
    assert_eq!(
        std::fs::read(s.db()).unwrap(),
        before,
        "the store was changed"
    );
}

#[test]
fn a_window_on_a_read_only_copy_opens_for_looking() {
    if common::on_postgres() {
        return; // about the SQLite file: a copy of it marked read-only
    }
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "5"]);
    let copy = s.path("copy.db");
    std::fs::copy(s.db(), &copy).unwrap();
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o444)).unwrap();
    let app = App::new(packbench::ui::Options {
        db: copy.clone(),
        lang: Lang::Zh,
        station: "bench-ro".into(),
        staff: None,
        demo: false,
        muted: true,
    });
    // No station lease (it would be a write): the copy opens all the same.
    assert!(app.store().is_some_and(|s| s.is_read_only()));
    assert!(!finds(&app, "工位名已被占用"));
}

#[test]
fn the_pick_list_turns_to_the_page_of_the_line_just_picked() {
    // A batch with more lines than one page: a unit of a line on the second page brings that
    // page up, so the picker sees the count go up.
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "200"]);
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7790000001-7790000300",
    ]);
    let (ok, batch) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{batch}");
    let b = format!("B{}", batch["batch_id"]);
    let (_, list) = s.json(&["batch", "picklist", &b, "--json"]);
    let lines = list["lines"].as_array().unwrap();
    let per = packbench::ui::screen::pick::PICK_PAGE;
    assert!(lines.len() > per, "{} lines", lines.len());
    let far = &lines[per + 1];
    let code = far["barcode"]
        .as_str()
        .or(far["sku_code"].as_str())
        .unwrap()
        .to_string();
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-pick", Lang::Zh);
    crate::common::sign_in_with(&mut app, "PH001", "1234");
    for c in ["EDB_PH001", b.as_str()] {
        let _ = app.update(scan(c));
    }
    assert_eq!(app.pick.page, 0);
    let _ = app.update(scan(&code));
    assert_eq!(app.pick.page, 1, "the page of line {}", per + 1);
    let shown = app.pick.lines[app.pick.page * per..]
        .iter()
        .take(per)
        .find(|l| l.line.sku_code == far["sku_code"].as_str().unwrap())
        .expect("the line is on the page shown");
    assert_eq!(shown.picked, 1);
}
