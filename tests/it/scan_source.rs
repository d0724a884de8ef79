//! Every scan is stored with where it came from: a scanner (`wedge`, `serial`), typed by hand
//! into a screen's field (`keyed`: a damaged label), or lines fed to the command line
//! (`replay`). Scans stored before sources were kept read as unknown.

use crate::common::Scratch;
use packbench::domain::{Actor, ScanSource};
use packbench::flow::check::CheckSession;
use packbench::scan::{Scan, Source};
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::Screen;
use packbench::ui::screen::check::Message as C;
use packbench::ui::{App, Message};

/// The `source` column of every row of `table`, oldest first.
pub(crate) fn sources(s: &Scratch, table: &str) -> Vec<Option<String>> {
    s.raw()
        .rows(&format!("SELECT source FROM {table} ORDER BY id"))
        .into_iter()
        .map(|r| r[0].clone())
        .collect()
}

fn some(code: &str, n: usize) -> Vec<Option<String>> {
    vec![Some(code.to_string()); n]
}

#[test]
fn a_code_typed_at_the_check_bench_is_stored_as_keyed() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.add_staff("YH01", "陈验货", "checker");
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-k", Lang::Zh);
    crate::common::sign_in_with(&mut app, "YH01", "1234");
    assert_eq!(app.screen, Screen::Check);
    app.check.clock = || "09:30:00".to_string();

    // The waybill is torn: its number typed into the field and confirmed with Enter.
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let _ = app.update(Message::Check(C::KeyedChanged(t.into())));
    let _ = app.update(Message::Check(C::KeyedSubmit));
    assert!(app.check.parcel.is_some(), "{:?}", app.notice);
    // Then an item from the scanner.
    let _ = app.update(Message::Scanned(Scan {
        code: "NOSUCH01".into(),
        symbology: None,
        source: Source::Wedge,
        at: std::time::SystemTime::now(),
    }));
    let stored: Vec<_> = app
        .store()
        .unwrap()
        .read()
        .scans_after("bench-k", 0)
        .unwrap()
        .into_iter()
        .map(|r| (r.code, r.source))
        .collect();
    assert_eq!(
        stored,
        [
            (t.to_string(), Some(ScanSource::Keyed)),
            ("NOSUCH01".to_string(), Some(ScanSource::Wedge))
        ]
    );
    // The history marks the typed one, and only it.
    let keyed: Vec<bool> = app.check.history.iter().map(|e| e.keyed).collect();
    assert_eq!(keyed, [false, true], "newest first");
    let line = |i: usize, mark: &str| {
        let e = &app.check.history[i];
        format!("{}  {mark}{}", e.time, e.text.get(app.lang))
    };
    let (typed, scanned) = (line(1, "[手输] "), line(0, ""));
    let mut ui = iced_test::Simulator::with_settings(packbench::ui::fonts::settings(), app.view());
    assert!(ui.find(typed.as_str()).is_ok(), "{typed}");
    assert!(ui.find(scanned.as_str()).is_ok(), "{scanned}");
}

#[test]
fn lines_fed_to_the_command_line_are_stored_as_a_replay() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let t = batch["parcels"][0]["tracking_no"].as_str().unwrap();
    let v = s.scan("bench-r", "check", &[t, "NOSUCH01"]);
    assert_eq!(v.len(), 2);
    assert_eq!(sources(&s, "scans"), some("replay", 2));
    // The JSON contract is unchanged: no new key.
    assert!(v.iter().all(|v| v.get("source").is_none()), "{v:?}");

    // The stock modes too: an inbound check and a count, from a file and from standard input.
    let receipt = s.path("receipt.csv");
    std::fs::write(
        &receipt,
        "商家编码,条码,名称,规格,单价,库位,数量\nTX2017-GY-S,6909017490375,T恤,灰色 S,59.00,B-01-4,2\n",
    )
    .unwrap();
    s.ok(&["receipt", "create", receipt.to_str().unwrap()]);
    let input = s.path("inbound.txt");
    std::fs::write(&input, "6909017490375\n6909017490375\n").unwrap();
    s.ok(&[
        "scan",
        "--mode",
        "inbound-check",
        "--receipt",
        "R1",
        "--input",
        input.to_str().unwrap(),
    ]);
    s.ok(&["stocktake", "start", "--bins", "B-01-*"]);
    let count = s.path("count.txt");
    std::fs::write(&count, "LB-01-4\n6909017490375*29\n").unwrap();
    s.ok(&[
        "scan",
        "--mode",
        "stocktake",
        "--session",
        "S1",
        "--input",
        count.to_str().unwrap(),
    ]);
    assert_eq!(sources(&s, "stock_scans"), some("replay", 4));
}

#[test]
fn scans_stored_before_sources_were_kept_read_as_unknown() {
    // A store at version 7 with one scan of a bench.
    let s = Scratch::new();
    s.old_store(
        7,
        "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict)
             VALUES ('2026-01-01T00:00:00Z', 1, 'bench-old', 'check', '7799999999', 'waybill_unknown');",
    );

    let mut store = Store::open(s.db()).unwrap();
    let old = store.read().scans_after("bench-old", 0).unwrap();
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].source, None, "unknown, not guessed");
    // A restarted bench shows it again, its source unknown; new scans get theirs.
    let actor = Actor::new(
        store.read().staff_by_code("admin").unwrap().unwrap(),
        "bench-old",
    );
    let (mut session, resumed) = CheckSession::start(&mut store, actor).unwrap();
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].source, None);
    session
        .scan(&mut store, "7799999998", ScanSource::Serial)
        .unwrap();
    drop(store);
    assert_eq!(
        sources(&s, "scans"),
        [None, Some("serial".to_string())],
        "the old row untouched"
    );
}
