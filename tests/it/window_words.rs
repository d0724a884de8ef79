//! The window gives no command-line advice: every error it can show (walked through the screens
//! that reach it, and every typed refusal) says what to do in the window — the field, the
//! choice, who can help — in both languages, while the command line keeps its flags and
//! commands.

use crate::common::{self, Scratch};
use clap::CommandFactory;
use packbench::domain::Actor;
use packbench::error::{Error, Refusal};
use packbench::flow;
use packbench::flow::print::{LabelJob, LabelSelect, Overwrite, PrintFormat, Target};
use packbench::store::Store;
use packbench::ui::i18n::{self, Bi, Lang};
use packbench::ui::screen::{Screen, Tone};
use packbench::ui::{App, Message};

/// What only a command line says: a flag, `packbench …`, a subcommand pair (`waybills add`,
/// `print retry`: taken from the CLI's own definition, so a new command is covered too), a
/// package manager.
fn cli_words() -> Vec<String> {
    let mut words = vec!["--".to_string(), "packbench ".into(), "apt ".into()];
    for sub in packbench::cli::Cli::command().get_subcommands() {
        for leaf in sub.get_subcommands() {
            words.push(format!("{} {}", sub.get_name(), leaf.get_name()));
        }
    }
    assert!(words.iter().any(|w| w == "waybills add"), "{words:?}");
    words
}

/// The window's text in both languages has none of the command line's words.
fn no_cli_advice(text: &Bi) {
    for lang in [Lang::Zh, Lang::En] {
        let t = text.get(lang);
        assert!(!t.is_empty());
        for w in cli_words() {
            assert!(!t.contains(&w), "{lang:?} window text names {w:?}: {t}");
        }
    }
}

/// The failure notice on screen, checked for command-line words.
fn failed_notice(app: &App) -> Bi {
    let n = app.notice.clone().expect("a notice");
    assert_eq!(n.tone, Tone::Failed, "{n:?}");
    no_cli_advice(&n.text);
    n.text
}

fn sign_in(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
    assert!(app.actor.is_some(), "{code} signed in");
}

/// Every refusal, each once; the match makes a new variant a compile error here until it is
/// listed (and so checked).
fn every_refusal() -> Vec<Refusal> {
    let all = vec![
        Refusal::PoolEmpty,
        Refusal::NoNumbersLeft {
            courier: "SF".into(),
            waiting: 3,
        },
        Refusal::CourierNeeded(vec!["ZTO".into(), "YTO".into()]),
        Refusal::LimitZero,
        Refusal::NoBarcode(vec!["TX2017-WH-L".into()]),
        Refusal::CopiesOutOfRange,
        Refusal::PdfToLabelPort("10.0.0.9:9100".into()),
        Refusal::UsbPortNotAPrinter("USB001".into()),
        Refusal::LabelPortNeedsRaw("10.0.0.9:9100".into()),
        Refusal::IssueWithoutLines,
        Refusal::NoCups("lp".into()),
        Refusal::NoStore("/srv/shop.db".into()),
        Refusal::StoreExists("/srv/shop.db".into()),
        Refusal::NoStaffCode,
        Refusal::NoPin,
        Refusal::WrongPin,
        Refusal::PinLocked {
            code: "YH01".into(),
            minutes: 5,
        },
        Refusal::NoPinSet {
            code: "admin".into(),
            admin: true,
        },
        Refusal::NoPinSet {
            code: "YH01".into(),
            admin: false,
        },
        Refusal::PinFlagNeeded("--pin"),
        Refusal::PinsDiffer,
        Refusal::OutputIsStore("shop.db".into()),
        Refusal::OutputNotOurs {
            path: "notes.txt".into(),
            kind: packbench::output::OutKind::Pdf,
        },
        Refusal::OutputNotAFile("/dev/sda".into()),
        Refusal::StationInUse {
            station: "bench-1".into(),
            host: "pc-2".into(),
            since: "2026-11-30 09:00".into(),
        },
        Refusal::NetworkStore {
            path: "/mnt/nas/shop.db".into(),
            fs: "NFS".into(),
        },
        Refusal::StoreInUseByBench {
            station: "bench-1".into(),
            host: "pc-2".into(),
        },
        Refusal::StoreOpenElsewhere("/srv/shop.db".into()),
    ];
    for r in &all {
        match r {
            Refusal::PoolEmpty
            | Refusal::NoNumbersLeft { .. }
            | Refusal::CourierNeeded(_)
            | Refusal::LimitZero
            | Refusal::NoBarcode(_)
            | Refusal::CopiesOutOfRange
            | Refusal::PdfToLabelPort(_)
            | Refusal::LabelPortNeedsRaw(_)
            | Refusal::IssueWithoutLines
            | Refusal::NoCups(_)
            | Refusal::UsbPortNotAPrinter(_)
            | Refusal::NoStore(_)
            | Refusal::StoreExists(_)
            | Refusal::NoStaffCode
            | Refusal::NoPin
            | Refusal::WrongPin
            | Refusal::PinLocked { .. }
            | Refusal::NoPinSet { .. }
            | Refusal::PinFlagNeeded(_)
            | Refusal::PinsDiffer
            | Refusal::OutputIsStore(_)
            | Refusal::OutputNotOurs { .. }
            | Refusal::OutputNotAFile(_)
            | Refusal::StationInUse { .. }
            | Refusal::NetworkStore { .. }
            | Refusal::StoreInUseByBench { .. }
            | Refusal::StoreOpenElsewhere(_) => {}
        }
    }
    all
}

#[test]
fn every_refusal_is_advice_for_the_window_and_for_the_command_line() {
    for r in every_refusal() {
        let e = Error::from(r.clone());
        no_cli_advice(&Bi::error(&e));
        // The command line's words are the error's own, advice included.
        assert_eq!((e.zh(), e.to_string()), (r.zh(), r.en()));
    }
    // A print job the printer did not take: `print retry` for the command line, printing again
    // in the window; the cause in the window's words too.
    let failed = Error::PrintFailed {
        job: 7,
        cause: Box::new(Refusal::NoCups("lp".into()).into()),
    };
    let window = Bi::error(&failed);
    no_cli_advice(&window);
    assert!(window.zh.contains("打印任务 7 已记为失败"), "{window:?}");
    assert!(failed.zh().contains("print retry 7") && failed.to_string().contains("print retry 7"));
    // Errors without advice read the same in both faces.
    let plain = Error::invalid("没有可以打印的订单", "no order is ready to print");
    assert_eq!(
        (i18n::error(Lang::Zh, &plain), i18n::error(Lang::En, &plain)),
        (plain.zh(), plain.to_string())
    );
}

#[test]
fn the_print_and_labels_screens_give_window_advice() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
    s.ok(&["merge", "--auto"]);
    for (code, role) in [("DD01", "order_printer"), ("TM01", "label_printer")] {
        s.ok(&[
            "staff", "add", code, "--name", code, "--role", role, "--pin", "1234",
        ]);
    }
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", Lang::Zh);
    sign_in(&mut app, "DD01");
    assert_eq!(app.screen, Screen::Print);
    use packbench::ui::screen::print::Message as P;

    // A new batch with an empty pool: the button that adds numbers, not `waybills add`.
    let _ = app.update(Message::Print(P::PlanBatch));
    let text = failed_notice(&app);
    assert!(text.zh.contains("点「单号池…」添加单号"), "{text:?}");
    assert!(text.en.contains("“Number pool…”"), "{text:?}");
    assert!(app.print.plan.is_none());
    let cli = s.fails_as("DD01", &["batch", "plan"]);
    assert!(cli.contains("waybills add"), "{cli}");

    // Several couriers have numbers and none is chosen: the 快递 field.
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000001-7700000099",
    ]);
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "YTO",
        "--range",
        "8800000001-8800000099",
    ]);
    let _ = app.update(Message::Print(P::PlanBatch));
    let text = failed_notice(&app);
    assert!(text.zh.contains("「快递」"), "{text:?}");
    assert!(text.en.contains("“Courier”"), "{text:?}");
    let cli = s.fails_as("DD01", &["batch", "plan"]);
    assert!(cli.contains("--courier"), "{cli}");

    // A courier with no numbers left: who can add that courier's numbers.
    let _ = app.update(Message::Print(P::CourierChanged("SF".into())));
    let _ = app.update(Message::Print(P::PlanBatch));
    let text = failed_notice(&app);
    assert!(text.zh.contains("点「单号池…」添加SF的单号"), "{text:?}");

    // With a courier the plan is made: the advice was true.
    let _ = app.update(Message::Print(P::CourierChanged("ZTO".into())));
    let _ = app.update(Message::Print(P::PlanBatch));
    assert!(app.print.plan.is_some(), "{:?}", app.notice);

    // Labels for a product without a barcode: the screen's own choice, not `barcodes assign`.
    sign_in(&mut app, "TM01");
    assert_eq!(app.screen, Screen::Labels);
    use packbench::ui::screen::labels::Message as L;
    let _ = app.update(Message::Labels(L::SkusChanged("TX2017-WH-L".into())));
    let _ = app.update(Message::Labels(L::Preview));
    let text = failed_notice(&app);
    assert!(
        text.zh.contains("TX2017-WH-L") && text.zh.contains("勾选"),
        "{text:?}"
    );
    let _ = app.update(Message::Labels(L::Print));
    failed_notice(&app);
    let x = s.path("x.pdf");
    let x = x.to_str().unwrap();
    let cli = s.fails_as(
        "TM01",
        &["print", "labels", "--sku", "TX2017-WH-L", "--out", x],
    );
    assert!(
        cli.contains("barcodes assign") && cli.contains("--needs-barcode"),
        "{cli}"
    );

    // Copies out of range: the screen stops it before the flow.
    let _ = app.update(Message::Labels(L::SkusChanged("TX2017-GY-S".into())));
    let _ = app.update(Message::Labels(L::CopiesChanged("0".into())));
    let _ = app.update(Message::Labels(L::Print));
    failed_notice(&app);

    // What the screens cannot send (they ask for a count and a format first), said by the
    // flows all the same: the window's words for them.
    let mut store = Store::open(s.db()).unwrap();
    let actor = Actor::new(
        store.read().staff_by_code("TM01").unwrap().unwrap(),
        "bench-1",
    );
    let job = |copies, format| LabelJob {
        select: LabelSelect::Skus(vec!["TX2017-GY-S".into()]),
        copies,
        size: None,
        dpi: None,
        format,
        overwrite: Overwrite::OursOnly,
    };
    let port = Target::Raw("127.0.0.1:9".into());
    let out = Target::File(s.path("labels.pdf"));
    for (job, target, cli) in [
        (job(0, PrintFormat::Pdf), &out, "--copies"),
        (job(1, PrintFormat::Pdf), &port, "--raw tspl"),
    ] {
        let e = flow::print::print_labels(&mut store, &actor, &job, target).unwrap_err();
        assert!(matches!(e, Error::Refused(_)), "{e:?}");
        assert!(e.to_string().contains(cli) && e.zh().contains(cli), "{e}");
        no_cli_advice(&Bi::error(&e));
    }
    // And what the CLI says for them keeps its advice.
    let cli = s.fails_as(
        "TM01",
        &[
            "print",
            "labels",
            "--sku",
            "TX2017-GY-S",
            "--copies",
            "0",
            "--out",
            x,
        ],
    );
    assert!(cli.contains("--copies"), "{cli}");
}
