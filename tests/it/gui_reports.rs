//! The reports screen (报表), headless, in both languages: open to every role; a customer-service
//! member sees only their own commission row; a checker's self-audit lists its items, asks before
//! signing with items open and keeps the signature; the performance tab shows the flow's figures;
//! exports write the flow's sheets.

use crate::common::Scratch;
use packbench::domain::report::{AuditItem, AuditRole, Grain};
use packbench::domain::time::shop_today;
use packbench::flow;
use packbench::ui::i18n::Lang;
use packbench::ui::i18n::reports::R;
use packbench::ui::screen::reports::{self, Format, Loaded, Preset, Report, Tab};
use packbench::ui::screen::{Screen, Tone};
use packbench::ui::{App, Message};
use std::io::Read;

fn rm(m: reports::Message) -> Message {
    Message::Reports(m)
}

fn as_staff(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
    assert!(app.actor.is_some(), "{code} signs in");
}

fn said(app: &App, lang: Lang) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.get(lang).to_string())
        .unwrap_or_default()
}

fn actor(s: &Scratch, code: &str) -> packbench::domain::Actor {
    flow::staff::actor(&s.open(), code, "office-1").unwrap()
}

/// The demo shop's orders were paid in November 2026 (`src/demo.rs`).
const DEMO_MONTH: &str = "2026-11";

#[test]
fn a_cs_member_sees_only_their_own_commission_row() {
    let s = Scratch::new();
    s.ok(&["demo"]);
    let admin = flow::report::commission(&s.open(), &actor(&s, "admin"), DEMO_MONTH).unwrap();
    assert!(
        admin.rows.len() > 1,
        "the shop has several codes: {:?}",
        admin.rows
    );
    let own = flow::report::commission(&s.open(), &actor(&s, "C05"), DEMO_MONTH).unwrap();
    for lang in [Lang::Zh, Lang::En] {
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_staff(&mut app, "C05");
        assert!(app.may_use(Screen::Reports), "every role opens reports");
        let _ = app.update(Message::Show(Screen::Reports));
        assert_eq!(app.screen, Screen::Reports);
        // Customer service signs no self-audit: the tab says so, calmly.
        assert_eq!(app.reports.role, None);
        assert!(app.notice.is_none(), "{}", said(&app, lang));
        let _ = app.update(rm(reports::Message::TabPicked(Tab::Commission)));
        let _ = app.update(rm(reports::Message::MonthChanged(DEMO_MONTH.into())));
        let _ = app.update(rm(reports::Message::ShowCommission));
        let c = app.reports.commission.ready().expect("counted");
        assert!(c.own_only);
        let codes: Vec<&str> = c.rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["C05"], "only their own code");
        assert_eq!(c.rows, own.rows, "the flow's own row");
        assert_eq!(
            c.rows[0],
            admin.rows.iter().find(|r| r.code == "C05").unwrap().clone(),
            "the same figures the supervisor sees for C05"
        );
        // The orders crediting no one are theirs to see too, with their total.
        assert_eq!(c.uncredited.len(), admin.uncredited.len());
        let _ = app.update(rm(reports::Message::UncreditedToggled));
        assert!(app.reports.show_uncredited);
        // A month that is no month: refused in the tab, no alarm.
        let _ = app.update(rm(reports::Message::MonthChanged("2026-13".into())));
        let _ = app.update(rm(reports::Message::ShowCommission));
        assert!(
            matches!(app.reports.commission, Loaded::Refused(_)),
            "a bad month is refused"
        );
        // The preset comes back to a month of the clock.
        let _ = app.update(rm(reports::Message::MonthPreset(Preset::ThisMonth)));
        assert_eq!(app.reports.month, shop_today().format("%Y-%m").to_string());
        assert!(app.reports.commission.ready().is_some());
    }
}

#[test]
fn a_checkers_self_audit_asks_before_signing_with_items_open_and_keeps_the_signature() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH1", "验货一", "checker");
    // A parcel left half-checked at a bench: checked but not shipped.
    let p = crate::common::parcel_where(&batch, |p| {
        crate::common::orders_of(p) == 1
            && s.order_units(p["order_nos"][0].as_str().unwrap()).len() >= 2
    });
    let tracking = p["tracking_no"].as_str().unwrap();
    let units = s.order_units(p["order_nos"][0].as_str().unwrap());
    s.scan_as("YH1", "bench-1", "check", &[tracking, &units[0]]);
    let yh = actor(&s, "YH1");
    let today = shop_today();
    let want = flow::audit::self_audit(&s.open(), &yh, AuditRole::Checker, today).unwrap();
    let open = want.open_items();
    assert!(open >= 1, "{want:?}");
    for lang in [Lang::Zh, Lang::En] {
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_staff(&mut app, "YH1");
        let _ = app.update(Message::Show(Screen::Reports));
        assert_eq!(app.reports.tab, Tab::Audit);
        assert_eq!(app.reports.role, Some(AuditRole::Checker));
        assert_eq!(app.reports.day, Some(today));
        let a = app.reports.audit.ready().expect("counted").clone();
        let items: Vec<AuditItem> = a.items.iter().map(|i| i.item).collect();
        assert_eq!(items, AuditRole::Checker.items());
        assert_eq!(a.items, want.items, "the flow's counts and lists");
        let cns = a
            .items
            .iter()
            .find(|i| i.item == AuditItem::CheckedNotShipped)
            .unwrap();
        assert!(
            cns.rows.iter().any(|r| r.subject == tracking),
            "{:?}",
            cns.rows
        );
        // Its list on demand.
        let _ = app.update(rm(reports::Message::ItemToggled(
            AuditItem::CheckedNotShipped,
        )));
        assert!(app.reports.open_lists.contains_key("checked_not_shipped"));
        let _ = app.update(rm(reports::Message::ItemMore(AuditItem::CheckedNotShipped)));
        assert_eq!(
            app.reports.open_lists["checked_not_shipped"], 100,
            "a page more"
        );
        // Where it is fixed (the print screen) is not a checker's: no way there.
        assert!(!reports::fix_screen(AuditItem::CheckedNotShipped).may_open(&yh));
        let _ = app.update(rm(reports::Message::GoTo(Screen::Print)));
        assert_eq!(app.screen, Screen::Reports);
        // Another role's audit: the flow refuses, said in the tab without an alarm.
        let _ = app.update(rm(reports::Message::RolePicked(AuditRole::OrderPrinter)));
        assert!(matches!(app.reports.audit, Loaded::Refused(_)));
        assert!(app.notice.is_none(), "{}", said(&app, lang));
        let _ = app.update(rm(reports::Message::RolePicked(AuditRole::Checker)));

        let before = flow::audit::self_audit(&s.open(), &yh, AuditRole::Checker, today)
            .unwrap()
            .signed
            .len();
        let _ = app.update(rm(reports::Message::NoteChanged(format!(
            "{tracking} 明天接着验 {lang:?}"
        ))));
        let _ = app.update(rm(reports::Message::Sign));
        assert_eq!(app.reports.confirming, Some(open), "asked first");
        let signed = |s: &Scratch| {
            flow::audit::self_audit(&s.open(), &yh, AuditRole::Checker, today)
                .unwrap()
                .signed
        };
        assert_eq!(signed(&s).len(), before, "nothing signed before the answer");
        // Cancelled: still nothing.
        let _ = app.update(rm(reports::Message::SignCancelled));
        assert_eq!(app.reports.confirming, None);
        assert_eq!(signed(&s).len(), before);
        let _ = app.update(rm(reports::Message::Sign));
        let _ = app.update(rm(reports::Message::SignConfirmed));
        assert_eq!(
            app.notice.as_ref().map(|n| n.tone),
            Some(Tone::Done),
            "{}",
            said(&app, lang)
        );
        let kept = signed(&s);
        assert_eq!(kept.len(), before + 1);
        let last = kept.last().unwrap();
        assert_eq!(last.staff_code, "YH1");
        assert_eq!(last.open_items, open as i64);
        assert_eq!(
            last.detail["note"],
            format!("{tracking} 明天接着验 {lang:?}")
        );
        // Shown: the signature just made, and the day's list read back through the flow.
        assert_eq!(app.reports.signed.as_ref(), Some(last));
        assert_eq!(app.reports.audit.ready().unwrap().signed, kept);
        assert!(app.reports.note.is_empty());
        // The day before has its own (empty) signatures.
        let _ = app.update(rm(reports::Message::DayMoved(-1)));
        assert_eq!(app.reports.day, Some(today.pred_opt().unwrap()));
        assert!(app.reports.audit.ready().unwrap().signed.is_empty());
        assert!(app.reports.signed.is_none());
    }
}

#[test]
fn the_stock_keeper_signs_a_clear_audit_without_a_question_and_is_sent_to_fix_items() {
    let s = Scratch::new();
    s.printed_batch();
    s.add_staff("KG1", "库管一", "stock_keeper");
    let kg = actor(&s, "KG1");
    let want =
        flow::audit::self_audit(&s.open(), &kg, AuditRole::StockKeeper, shop_today()).unwrap();
    let mut app = App::with_store(s.open(), "office-1", Lang::Zh);
    as_staff(&mut app, "KG1");
    let _ = app.update(Message::Show(Screen::Reports));
    assert_eq!(app.reports.role, Some(AuditRole::StockKeeper));
    let _ = app.update(rm(reports::Message::Sign));
    if want.open_items() == 0 {
        assert_eq!(app.reports.confirming, None, "nothing open: no question");
        assert!(app.reports.signed.is_some());
    } else {
        assert_eq!(app.reports.confirming, Some(want.open_items()));
    }
    // The stock screen is the stock keeper's: the button takes them there.
    assert!(reports::fix_screen(AuditItem::NegativeStock).may_open(&kg));
    let _ = app.update(rm(reports::Message::GoTo(Screen::Stock)));
    assert_eq!(app.screen, Screen::Stock);
}

#[test]
fn the_performance_tab_shows_the_flows_figures_and_exports_its_sheets() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH1", "验货一", "checker");
    for p in batch["parcels"].as_array().unwrap().iter().take(3) {
        let units: Vec<String> = p["order_nos"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|o| s.order_units(o.as_str().unwrap()))
            .collect();
        let mut scans = vec![p["tracking_no"].as_str().unwrap().to_string()];
        scans.extend(units);
        let scans: Vec<&str> = scans.iter().map(String::as_str).collect();
        s.scan_as("YH1", "bench-1", "check", &scans);
    }
    let today = shop_today();
    for (lang, who) in [(Lang::Zh, "admin"), (Lang::En, "YH1")] {
        let a = actor(&s, who);
        let want = flow::report::performance(&s.open(), &a, today, today, Grain::Day).unwrap();
        let yh = want
            .rows
            .iter()
            .find(|r| r.staff_code == "YH1")
            .expect("the checker's row");
        assert!(yh.figures.parcels_checked >= 1, "{yh:?}");
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_staff(&mut app, who);
        app.reports.out_dir = s.path(&format!("print-{who}"));
        let _ = app.update(Message::Show(Screen::Reports));
        let _ = app.update(rm(reports::Message::TabPicked(Tab::Performance)));
        let _ = app.update(rm(reports::Message::PresetPicked(Preset::Today)));
        let got = app.reports.performance.ready().expect("counted").clone();
        assert_eq!(got, want, "the flow's report");
        assert_eq!(got.own_only, who == "YH1");
        let row = got.rows.iter().find(|r| r.staff_code == "YH1").unwrap();
        assert_eq!(
            reports::figure(row, R::ParcelsChecked),
            yh.figures.parcels_checked.to_string()
        );
        assert!(reports::shown_figures(&got.rows).contains(&R::ParcelsChecked));
        assert_eq!(
            got.hourly
                .iter()
                .map(|l| l.parcels.iter().sum::<i64>())
                .sum::<i64>(),
            yh.figures.parcels_checked,
            "the chart's bars add up to the parcels checked"
        );
        // A typed day that is no date: said, and the report shown stays.
        let _ = app.update(rm(reports::Message::FromChanged("2026-02-30".into())));
        let _ = app.update(rm(reports::Message::ShowPerformance));
        assert!(app.reports.date_error.is_some());
        assert!(
            app.reports
                .date_error
                .as_ref()
                .unwrap()
                .get(lang)
                .contains("2026-02-30")
        );
        assert_eq!(app.reports.performance.ready(), Some(&want));
        // Reversed days: the flow refuses, in the tab.
        let _ = app.update(rm(reports::Message::FromChanged(
            (today + chrono::Duration::days(1)).to_string(),
        )));
        let _ = app.update(rm(reports::Message::ShowPerformance));
        assert!(app.reports.date_error.is_none());
        assert!(matches!(app.reports.performance, Loaded::Refused(_)));
        let _ = app.update(rm(reports::Message::PresetPicked(Preset::Today)));

        // Both files, in the station's print folder, told in the notice.
        for f in [Format::Csv, Format::Xlsx] {
            let _ = app.update(rm(reports::Message::Export(Report::Performance, f)));
            assert_eq!(
                app.notice.as_ref().map(|n| n.tone),
                Some(Tone::Done),
                "{}",
                said(&app, lang)
            );
        }
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(&app.reports.out_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let csv = files
            .iter()
            .find(|p| p.extension().unwrap() == "csv")
            .unwrap();
        let xlsx = files
            .iter()
            .find(|p| p.extension().unwrap() == "xlsx")
            .unwrap();
        assert!(said(&app, lang).contains(&xlsx.display().to_string()));
        assert_eq!(
            std::fs::read(csv).unwrap(),
            flow::sheet::csv_bytes(&want.title(), &want.sheets()),
            "the CSV holds the flow's sheets"
        );
        same_xlsx(
            xlsx,
            &flow::sheet::xlsx_bytes(&want.title(), &want.sheets()).unwrap(),
        );
    }
}

#[test]
fn the_commission_export_is_the_flows_sheets() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "60"]);
    let want = flow::report::commission(&s.open(), &actor(&s, "KF01"), DEMO_MONTH).unwrap();
    assert!(!want.rows.is_empty());
    let mut app = App::with_store(s.open(), "office-1", Lang::Zh);
    as_staff(&mut app, "KF01");
    app.reports.out_dir = s.path("print");
    let _ = app.update(Message::Show(Screen::Reports));
    // The supervisor's own audit opens first.
    assert_eq!(app.reports.role, Some(AuditRole::CsSupervisor));
    let _ = app.update(rm(reports::Message::TabPicked(Tab::Commission)));
    let _ = app.update(rm(reports::Message::MonthChanged(DEMO_MONTH.into())));
    let _ = app.update(rm(reports::Message::ShowCommission));
    assert_eq!(app.reports.commission.ready(), Some(&want));
    let _ = app.update(rm(reports::Message::Export(
        Report::Commission,
        Format::Csv,
    )));
    let csv = std::fs::read_dir(s.path("print"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().unwrap() == "csv")
        .expect("written");
    assert_eq!(
        std::fs::read(&csv).unwrap(),
        flow::sheet::csv_bytes(&want.title(), &want.sheets())
    );
}

/// Two XLSX files hold the same workbook: every part alike but the document's own dates.
fn same_xlsx(path: &std::path::Path, want: &[u8]) {
    let mut a = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut b = zip::ZipArchive::new(std::io::Cursor::new(want.to_vec())).unwrap();
    fn names<R: std::io::Read + std::io::Seek>(z: &zip::ZipArchive<R>) -> Vec<String> {
        let mut n: Vec<String> = z.file_names().map(|n| n.unwrap().into_owned()).collect();
        n.sort();
        n
    }
    let na = names(&a);
    assert_eq!(na, names(&b));
    assert!(na.iter().any(|n| n == "xl/worksheets/sheet2.xml"), "{na:?}");
    for n in na.iter().filter(|n| *n != "docProps/core.xml") {
        let (mut x, mut y) = (Vec::new(), Vec::new());
        a.by_name(n).unwrap().read_to_end(&mut x).unwrap();
        b.by_name(n).unwrap().read_to_end(&mut y).unwrap();
        assert!(x == y, "{n} differs");
    }
}

/// Every count runs on the store worker, as the window runs it: the screen says it is counting
/// and the window's thread is free until the answer comes.
#[test]
fn the_counts_run_off_the_windows_thread() {
    let s = Scratch::new();
    s.ok(&["demo", "--orders", "30"]);
    let mut app = App::with_store_and_worker(s.open(), "office-1", Lang::Zh);
    crate::common::sign_in_with(&mut app, "KF01", "1234");
    app.settle();
    assert!(app.actor.is_some());
    let _ = app.update(Message::Show(Screen::Reports));
    assert!(matches!(app.reports.audit, Loaded::Counting));
    assert_eq!(app.jobs_pending(), 1, "the self-audit is a job");
    let _ = app.update(rm(reports::Message::TabPicked(Tab::Performance)));
    assert!(matches!(app.reports.performance, Loaded::Counting));
    let _ = app.update(rm(reports::Message::TabPicked(Tab::Commission)));
    assert!(matches!(app.reports.commission, Loaded::Counting));
    assert_eq!(app.jobs_pending(), 3);
    app.settle();
    assert!(app.reports.audit.ready().is_some());
    assert!(app.reports.performance.ready().is_some());
    assert!(app.reports.commission.ready().is_some());
}
