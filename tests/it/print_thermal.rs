//! Waybills for a thermal waybill printer (most shops' 快递单 printers): a batch sent as TSPL or
//! ZPL — to the printer's port, through a raw CUPS queue, into a file — is one picture a parcel,
//! each the waybill's page at the printer's dots, and each, decoded back from the bytes, scans
//! as its tracking number. The job log keeps the language, so a retry sends the same again; a
//! PDF still never goes to a port. The window keeps the language with the station's printer.

use crate::common::{RawListener, Scratch, cups_queue, remove_cups_queue};
use crate::print_raster::{tspl_bitmaps, zbar};
use packbench::print::raster::GreyPage;
use packbench::ui::i18n::{Lang, S, st};
use packbench::ui::screen::{Screen, Tone, print, settings};
use packbench::ui::{App, Message};

/// The tracking numbers of the test batch (B1), sorted.
fn tracking(batch: &serde_json::Value) -> Vec<String> {
    let mut t: Vec<String> = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap().to_string())
        .collect();
    t.sort();
    t
}

/// What each page scans as: exactly one tracking number a page; the numbers sorted.
fn scanned(pages: &[GreyPage]) -> Vec<String> {
    let mut got: Vec<String> = pages
        .iter()
        .map(|p| {
            let codes = zbar(p);
            assert_eq!(codes.len(), 1, "one barcode a page: {codes:?}");
            codes.into_iter().next().unwrap()
        })
        .collect();
    got.sort();
    got
}

/// The pages of a ZPL job of graphic fields (`^GFA`, ASCII hex, 1 bits black), decoded back
/// from its bytes; checks each format's `^PW`/`^LL` are its picture's size.
fn zpl_graphics(job: &[u8]) -> Vec<GreyPage> {
    let text = std::str::from_utf8(job).expect("ZPL pictures are ASCII");
    let mut pages = Vec::new();
    for format in text.split("^XZ\n").filter(|f| !f.is_empty()) {
        let field = |tag: &str| -> usize {
            let at = format.find(tag).unwrap_or_else(|| panic!("{tag} missing")) + tag.len();
            let end = at + format[at..].find(['\n', '^']).unwrap();
            format[at..end].parse().unwrap()
        };
        let (width, height) = (field("^PW"), field("^LL"));
        let at = format.find("^GFA,").expect("a graphic field") + 5;
        let args: Vec<&str> = format[at..].splitn(4, ',').collect();
        let (total, row_bytes): (usize, usize) =
            (args[0].parse().unwrap(), args[2].parse().unwrap());
        assert_eq!(args[1], args[0]);
        let hex = &args[3][..args[3].find("^FS").unwrap()];
        assert_eq!(hex.len(), 2 * total);
        assert_eq!(total, row_bytes * height);
        assert_eq!(row_bytes, width.div_ceil(8));
        let pixels = (0..total)
            .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
            .flat_map(|b| (0..8).map(move |k| if b & (0x80 >> k) != 0 { 0 } else { 255 }))
            .collect();
        pages.push(GreyPage {
            width: row_bytes as u32 * 8,
            height: height as u32,
            pixels,
        });
    }
    pages
}

fn waybills<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec!["print", "waybills", "--batch", "B1"];
    v.extend_from_slice(extra);
    v
}

#[test]
fn a_batch_as_tspl_to_a_printer_port_is_a_bitmap_a_parcel_that_scans_and_retries_as_tspl() {
    let s = Scratch::new();
    let want = tracking(&s.printed_batch());
    assert!(want.len() >= 2, "{want:?}");
    let listener = RawListener::start();
    let to = listener.address();
    let (ok, out) = s.json(&waybills(&["--raw", "tspl", "--to", &to, "--json"]));
    assert!(ok, "{out}");
    assert_eq!(out["format"], "tspl");
    assert_eq!(out["target"], format!("raw:{to}"));
    assert_eq!(out["pages"], want.len());
    let job = listener.received();
    assert!(job.starts_with(b"SIZE 100 mm,180 mm\r\nGAP 2 mm,0 mm\r\n"));
    let pages = tspl_bitmaps(&job);
    assert_eq!(pages.len(), want.len(), "one BITMAP a parcel");
    for p in &pages {
        // 100 × 180 mm at 203 dpi (8 dots a millimetre).
        assert_eq!((p.width, p.height), (800, 1439));
    }
    assert_eq!(scanned(&pages), want);

    // The log says TSPL; a retry (to a printer at another address) sends TSPL again.
    let (_, log) = s.json(&["print", "log", "--json"]);
    assert_eq!(log[0]["format"], "tspl", "{log}");
    assert_eq!(log[0]["target"], format!("raw:{to}"));
    let again = RawListener::start();
    let to2 = again.address();
    let (ok, out) = s.json(&["print", "retry", "1", "--to", &to2, "--json"]);
    assert!(ok, "{out}");
    assert_eq!(out["format"], "tspl");
    assert_eq!(out["kind"], "waybills");
    let job = again.received();
    let pages = tspl_bitmaps(&job);
    assert_eq!(pages.len(), want.len());
    assert_eq!(scanned(&pages), want);
    let (_, log) = s.json(&["print", "log", "--json"]);
    assert_eq!(log[0]["retry_of"], 1);
    assert_eq!(log[0]["format"], "tspl");
}

#[test]
fn a_batch_as_zpl_through_a_raw_queue_is_a_graphic_field_a_parcel_at_the_dpi() {
    let s = Scratch::new();
    let want = tracking(&s.printed_batch());
    let listener = RawListener::start();
    let queue = format!("PACKBENCH_WAYBILL_RAW_{}", listener.port);
    cups_queue(&queue, &format!("socket://{}", listener.address()), None);
    let (ok, out) = s.json(&waybills(&[
        "--raw",
        "zpl",
        "--printer",
        &queue,
        "--dpi",
        "300",
        "--json",
    ]));
    let job = if ok { Some(listener.received()) } else { None };
    remove_cups_queue(&queue);
    assert!(ok, "{out}");
    assert_eq!(out["format"], "zpl");
    let job = job.unwrap();
    assert!(
        job.starts_with(b"^XA\n"),
        "the bytes went through unchanged"
    );
    let pages = zpl_graphics(&job);
    assert_eq!(pages.len(), want.len(), "one ^GFA a parcel");
    for p in &pages {
        // 100 mm at 300 dpi is 1181 dots, in 148 bytes a row; 180 mm is 2126 rows.
        assert_eq!((p.width, p.height), (148 * 8, 2126));
    }
    assert_eq!(scanned(&pages), want);
}

#[test]
fn waybills_as_tspl_into_a_file_and_retried_into_the_same_file_as_tspl() {
    let s = Scratch::new();
    let want = tracking(&s.printed_batch());
    let f = s.path("B1.tspl");
    let file = f.to_str().unwrap();
    let out = s.ok(&waybills(&["--raw", "tspl", "--out", file]));
    assert!(out.contains("→ file:"), "{out}");
    let pages = tspl_bitmaps(&std::fs::read(&f).unwrap());
    assert_eq!(pages.len(), want.len());
    assert_eq!(scanned(&pages), want);
    // Emptied, then the job run again as it was: the same file gets TSPL again, not a PDF.
    std::fs::write(&f, b"").unwrap();
    let (ok, out) = s.json(&["print", "retry", "1", "--json"]);
    assert!(ok, "{out}");
    assert_eq!(out["format"], "tspl");
    assert_eq!(out["target"], format!("file:{file}"));
    let bytes = std::fs::read(&f).unwrap();
    assert!(bytes.starts_with(b"SIZE 100 mm,180 mm\r\n"));
    assert_eq!(tspl_bitmaps(&bytes).len(), want.len());
    // A file that is not a printer stream is not written over.
    let notes = s.path("notes.txt");
    std::fs::write(&notes, "盘点记录").unwrap();
    let out = s.run(&waybills(&[
        "--raw",
        "zpl",
        "--out",
        notes.to_str().unwrap(),
    ]));
    assert!(!out.status.success());
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "盘点记录");
}

#[test]
fn a_pdf_never_goes_to_a_printer_port() {
    let s = Scratch::new();
    s.printed_batch();
    // The CLI wants --raw with --to.
    let out = s.run(&waybills(&["--to", "127.0.0.1:9"]));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--raw"));
    // A PDF job retried to a port is refused before it is logged or sent.
    let pdf = s.path("B1.pdf");
    s.ok(&waybills(&["--out", pdf.to_str().unwrap()]));
    let out = s.run(&["print", "retry", "1", "--to", "127.0.0.1:9"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("127.0.0.1:9") && err.contains("--raw tspl"),
        "{err}"
    );
    let (_, log) = s.json(&["print", "log", "--json"]);
    assert_eq!(log.as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log[0]["format"], "pdf");
    // A retried PDF job stays a PDF.
    let (ok, out) = s.json(&["print", "retry", "1", "--json"]);
    assert!(ok, "{out}");
    assert_eq!(out["format"], "pdf");
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
}

/// Whether the window shows `text` now.
fn shows(app: &App, text: &str) -> bool {
    let mut ui = iced_test::Simulator::with_size(
        packbench::ui::fonts::settings(),
        iced::Size::new(1280.0, 900.0),
        app.view(),
    );
    ui.find(text).is_ok()
}

#[test]
fn the_window_keeps_the_stations_waybill_printer_language_and_prints_in_it() {
    use packbench::flow::print::PrintFormat;
    use packbench::print::raw::RawFormat;
    use packbench::ui::screen::print::FormatChoice;
    use packbench::ui::screen::settings::StationField;
    let tspl = PrintFormat::Raw(RawFormat::Tspl);
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        let want = tracking(&s.printed_batch());
        for (key, v) in [
            ("shop.sender_name", "小熊家居旗舰店"),
            ("shop.sender_phone", "0571-88886666"),
            ("shop.sender_address", "浙江省杭州市余杭区仓前街道 1 号"),
        ] {
            s.ok(&["settings", "set", key, v]);
        }
        let listener = RawListener::start();
        let queue = format!("PACKBENCH_THERMAL_{}", listener.port);
        cups_queue(&queue, &format!("socket://{}", listener.address()), None);
        let mut app = App::with_store(s.open(), "bench-7", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        assert!(app.actor.is_some());

        // The admin gives this station a thermal waybill printer speaking TSPL.
        let _ = app.update(Message::Show(Screen::Settings));
        let _ = app.update(Message::Settings(settings::Message::StationChanged(
            StationField::Printer,
            queue.clone(),
        )));
        let _ = app.update(Message::Settings(settings::Message::StationWaybillFormat(
            FormatChoice { format: tspl, lang },
        )));
        // (A pick list's choice is drawn, not a text the simulator finds: its label is.)
        let words = st(lang, S::WaybillFormat);
        assert!(shows(&app, words), "{words}");
        let _ = app.update(Message::Settings(settings::Message::SaveStation));
        let n = app.notice.clone().expect("a notice");
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        let kept = packbench::flow::station::print_settings(&s.open(), "bench-7").unwrap();
        assert_eq!(kept.printer.as_deref(), Some(queue.as_str()));
        assert_eq!(kept.waybill_format, tspl);
        let shown = s
            .command("admin")
            .args(["--station", "bench-7", "station", "show", "--json"])
            .output()
            .unwrap();
        let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
        assert_eq!(shown["waybill_format"], "tspl", "{shown}");

        // The print screen takes the printer with its language, and offers to change it.
        let _ = app.update(Message::Show(Screen::Print));
        assert_eq!(app.print.printer.as_deref(), Some(queue.as_str()));
        assert_eq!(app.print.waybill_format, tspl);
        assert!(shows(&app, words));
        let _ = app.update(Message::Print(print::Message::PrintWaybills));
        let n = app.notice.clone().expect("a notice");
        let job = (n.tone == Tone::Done).then(|| listener.received());
        remove_cups_queue(&queue);
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        let pages = tspl_bitmaps(&job.unwrap());
        assert_eq!(pages.len(), want.len(), "one BITMAP a parcel");
        assert_eq!(scanned(&pages), want);
        assert_eq!(app.print.log[0].format, "tspl");
    }
}

#[test]
fn a_pick_list_is_refused_by_a_thermal_waybill_printer_and_its_language_stays_with_it() {
    use packbench::flow::print::PrintFormat;
    use packbench::print::raw::RawFormat;
    use packbench::ui::screen::print::{Destination, FormatChoice};
    let tspl = PrintFormat::Raw(RawFormat::Tspl);
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        s.printed_batch();
        let mut app = App::with_store(s.open(), "bench-7", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        let _ = app.update(Message::Show(Screen::Print));
        assert!(app.print.selected.is_some());
        let (thermal, a4) = ("GP_THERMAL".to_string(), "OFFICE_A4".to_string());
        app.print.printers = vec![thermal.clone(), a4.clone()];
        let pick = |app: &mut App, to: Option<&String>| {
            let d = match to {
                Some(p) => Destination::Printer(p.clone(), lang),
                None => Destination::Pdf(lang),
            };
            let _ = app.update(Message::Print(print::Message::DestinationPicked(d)));
        };

        // The thermal printer speaks TSPL; the A4 printer, picked next, its driver's language.
        pick(&mut app, Some(&thermal));
        let _ = app.update(Message::Print(print::Message::WaybillFormatPicked(
            FormatChoice { format: tspl, lang },
        )));
        pick(&mut app, Some(&a4));
        assert_eq!(app.print.waybill_format, PrintFormat::Pdf);
        pick(&mut app, None);
        pick(&mut app, Some(&thermal));
        assert_eq!(
            app.print.waybill_format, tspl,
            "back to the thermal: TSPL again"
        );

        // A pick list (a full page) to it is refused before anything is sent or logged.
        let logged = app.print.log.len();
        let _ = app.update(Message::Print(print::Message::PrintPicklist));
        let n = app.notice.clone().expect("a notice");
        assert_eq!(n.tone, Tone::Failed);
        assert_eq!(n.text.get(lang), st(lang, S::PicklistNotThermal));
        assert_eq!(app.print.log.len(), logged, "no job");
        // The label and its list are on the screen at 1024×768's window.
        let mut ui = iced_test::Simulator::with_size(
            packbench::ui::fonts::settings(),
            iced::Size::new(1008.0, 678.0),
            app.view(),
        );
        assert!(ui.find(st(lang, S::WaybillFormat)).is_ok());
        // To look at it: PACKBENCH_SNAPSHOT_PNG=DIR writes the screen as a PNG there.
        if let Some(dir) = std::env::var_os("PACKBENCH_SNAPSHOT_PNG") {
            let path = std::path::Path::new(&dir).join(format!("print-{lang:?}"));
            let _ = ui
                .snapshot(&iced::Theme::Light)
                .unwrap()
                .matches_image(path);
        }
    }
}
