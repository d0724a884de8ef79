//! The shop's settings on screen (admin), and a waybill with an empty sender block printed only
//! once the order printer has been told, headless, in both languages; the CLI warns.

use crate::common::{Scratch, print_into_scratch};
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, print, settings};
use packbench::ui::{App, Message};

fn shows(app: &App, text: &str) -> bool {
    let mut ui = iced_test::Simulator::with_size(
        packbench::ui::fonts::settings(),
        iced::Size::new(1024.0, 768.0),
        app.view(),
    );
    ui.find(text).is_ok()
}

fn pdfs(s: &Scratch) -> usize {
    std::fs::read_dir(s.path("print"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
                .count()
        })
        .unwrap_or(0)
}

fn sign_in_as(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
    assert!(app.actor.is_some(), "{code} signed in");
}

#[test]
fn the_admin_sets_the_sender_and_an_empty_sender_is_printed_only_when_asked() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        s.printed_batch();
        s.add_staff("DD1", "DD1", "order_printer");
        let mut app = App::with_store(s.open(), "office-1", lang);

        // The order printer: the sender block is empty, said before printing.
        sign_in_as(&mut app, "DD1");
        // After the sign-in: a sign-out sets the print folder back to the store's own.
        print_into_scratch(&mut app, &s);
        assert!(!app.may_use(Screen::Settings), "settings are the admin's");
        assert_eq!(app.screen, Screen::Print);
        assert_eq!(app.print.sender_gaps.len(), 3);
        let _ = app.update(Message::Print(print::Message::PrintWaybills));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Warning);
        assert_eq!(pdfs(&s), 0, "nothing printed before the answer");
        let anyway = match lang {
            Lang::Zh => "仍然打印",
            Lang::En => "Print anyway",
        };
        assert!(shows(&app, anyway));
        let _ = app.update(Message::Print(print::Message::DontPrint));
        assert_eq!(pdfs(&s), 0);
        let _ = app.update(Message::Print(print::Message::PrintWaybills));
        let _ = app.update(Message::Print(print::Message::PrintAnyway));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        assert_eq!(pdfs(&s), 1, "printed once asked");

        // The admin fills the sender in on the settings screen; a bad value is refused.
        sign_in_as(&mut app, "admin");
        let _ = app.update(Message::Show(Screen::Settings));
        assert_eq!(app.screen, Screen::Settings);
        assert!(app.settings_screen.stored("shop.sender_name").is_some());
        let set = |app: &mut App, key: &'static str, v: &str| {
            let _ = app.update(Message::Settings(settings::Message::Changed(key, v.into())));
            let _ = app.update(Message::Settings(settings::Message::Save(key)));
        };
        set(&mut app, "print.waybill_size", "100x999");
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
        assert_eq!(
            app.settings_screen.stored("print.waybill_size"),
            Some("100x180"),
            "a refused value is not stored"
        );
        set(&mut app, "shop.sender_name", "小熊家居旗舰店");
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        set(&mut app, "shop.sender_phone", "0571-88886666");
        set(
            &mut app,
            "shop.sender_address",
            "浙江省杭州市余杭区仓前街道 1 号",
        );
        assert_eq!(
            s.ok(&["settings", "get", "shop.sender_name"]).trim(),
            "小熊家居旗舰店"
        );

        // Now the waybills print at once.
        sign_in_as(&mut app, "DD1");
        assert!(app.print.sender_gaps.is_empty());
        let jobs = app.print.log.len();
        let _ = app.update(Message::Print(print::Message::PrintWaybills));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert_eq!(app.print.log.len(), jobs + 1, "printed without a question");
    }
}

#[test]
fn the_command_line_prints_an_empty_sender_but_says_so() {
    let s = Scratch::new();
    s.ensure_store();
    let batch = s.printed_batch();
    let id = batch["batch_id"].to_string();
    let out = s.run(&[
        "print",
        "waybills",
        "--batch",
        id.trim_matches('"'),
        "--out",
        s.path("w.pdf").to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("寄件人信息是空的") && err.contains("shop.sender_name"),
        "{err}"
    );
}

#[test]
fn the_admin_sets_this_stations_scanners_and_printing_on_screen() {
    use packbench::ui::screen::settings::StationField;
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        let mut app = App::with_store(s.open(), "bench-7", lang);
        sign_in_as(&mut app, "admin");
        let _ = app.update(Message::Show(Screen::Settings));
        let (stored, _) = app
            .settings_screen
            .station
            .clone()
            .expect("the station's settings");
        assert_eq!(stored.gap, "35");
        let field = |app: &mut App, f: StationField, v: &str| {
            let _ = app.update(Message::Settings(settings::Message::StationChanged(
                f,
                v.into(),
            )));
        };
        let save = |app: &mut App| {
            let _ = app.update(Message::Settings(settings::Message::SaveStation));
            let n = app.notice.clone().expect("a notice");
            (n.tone, n.text.get(lang).to_string())
        };
        let scanners = || packbench::flow::station::scanner_settings(&s.open(), "bench-7").unwrap();

        // Each bad value refused with the reason; nothing stored.
        for (f, v) in [
            (StationField::Gap, "fast"),
            (StationField::Gap, "500"),
            (StationField::Serial, "/dev/ttyUSB0:quick"),
            // A Windows port on Linux: refused with this system's way of naming ports.
            (StationField::Serial, "COM3"),
            (StationField::PrintDir, "relative/print"),
        ] {
            field(&mut app, f, v);
            let (tone, said) = save(&mut app);
            assert_eq!(tone, Tone::Failed, "{v}: {said}");
            assert_eq!(scanners().threshold_ms, 35, "{v}");
            if v == "COM3" {
                assert!(said.contains("/dev/ttyACM0"), "{said}");
            }
            // Back to what it was for the next try.
            let back = match f {
                StationField::Gap => "35",
                _ => "",
            };
            field(&mut app, f, back);
        }

        // The ports of this PC were looked for as the screen opened; one found is added with a
        // click, and the hint names ports as this system does.
        assert!(app.settings_screen.ports.is_some(), "ports looked for");
        let find = if lang == Lang::Zh {
            "查找串口"
        } else {
            "Find ports"
        };
        assert!(shows(&app, find));
        let hint = packbench::ui::i18n::st(lang, packbench::ui::i18n::S::SerialHintUnix);
        assert!(hint.contains("/dev/ttyACM0") && shows(&app, hint));
        let _ = app.update(Message::Settings(settings::Message::AddPort(
            "/dev/ttyS9".into(),
        )));
        let _ = app.update(Message::Settings(settings::Message::AddPort(
            "/dev/ttyS9".into(),
        )));
        let typed = &app.settings_screen.station.as_ref().unwrap().1.serial;
        assert_eq!(typed, "/dev/ttyS9", "added once");

        let dir = s.path("station-print");
        field(&mut app, StationField::Gap, "50");
        field(&mut app, StationField::Serial, "/dev/ttyS9:115200:cr");
        field(&mut app, StationField::PrintDir, dir.to_str().unwrap());
        let (tone, said) = save(&mut app);
        assert_eq!(tone, Tone::Done, "{said}");
        let now = scanners();
        assert_eq!(now.threshold_ms, 50);
        assert_eq!(now.serial.len(), 1);
        assert_eq!(now.serial[0].baud, 115200);
        assert!(dir.is_dir(), "the folder was made");
        assert_eq!(app.print.out_dir, dir, "the print screen takes it at once");
        // Another station keeps its own.
        let other = packbench::flow::station::scanner_settings(&s.open(), "bench-8").unwrap();
        assert_eq!(other.threshold_ms, 35);
        // And after the next sign-in.
        sign_in_as(&mut app, "admin");
        assert_eq!(app.labels.out_dir, dir);
        let printing = packbench::flow::station::print_settings(&s.open(), "bench-7").unwrap();
        assert_eq!(printing.dir.as_deref(), Some(dir.as_path()));
        assert_eq!(printing.printer, None, "empty: PDF files");
    }
}

#[test]
fn the_admin_picks_this_stations_printer_from_the_systems_list() {
    use packbench::ui::i18n::{S, st};
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        let mut app = App::with_store(s.open(), "bench-7", lang);
        sign_in_as(&mut app, "admin");
        let _ = app.update(Message::Show(Screen::Settings));
        // The system's printers were looked for as the screen opened (none here, or CUPS's).
        assert!(
            app.settings_screen.printers.is_some(),
            "printers looked for"
        );
        let _ = app.update(Message::Settings(settings::Message::PrintersFound(vec![
            "Gprinter GP-1324D".into(),
            "OFFICE_A4".into(),
        ])));
        assert!(shows(&app, st(lang, S::PrintersFound)));
        assert!(shows(&app, "Gprinter GP-1324D"));
        // A click fills the field: a name with spaces is not typed wrong.
        let _ = app.update(Message::Settings(settings::Message::PickPrinter(
            "Gprinter GP-1324D".into(),
        )));
        let typed = &app.settings_screen.station.as_ref().unwrap().1.printer;
        assert_eq!(typed, "Gprinter GP-1324D");
        let _ = app.update(Message::Settings(settings::Message::SaveStation));
        let n = app.notice.clone().expect("a notice");
        assert_eq!(n.tone, Tone::Done);
        let colon = if lang == Lang::Zh { "：" } else { ": " };
        assert_eq!(
            n.text.get(lang),
            format!("{}{colon}bench-7", st(lang, S::StationSaved))
        );
        let kept = packbench::flow::station::print_settings(&s.open(), "bench-7").unwrap();
        assert_eq!(kept.printer.as_deref(), Some("Gprinter GP-1324D"));
        // None found: says how to get one.
        let _ = app.update(Message::Settings(settings::Message::PrintersFound(vec![])));
        assert!(shows(&app, st(lang, S::NoPrinters)));
    }
}
