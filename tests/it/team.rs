//! The team (issue 16, item 5): the roster with its rest day, the handover book shown to the
//! next shift (and not to the same one), the team fund's doubling complaint fines, rewards by
//! place and balance (checked against the stored rows), append-only tables, who may write, and
//! the Team screen.

use crate::common::{PIN, Scratch};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use packbench::domain::team::{DayPlan, Shift, ShiftInstance, ShiftTimes};
use packbench::domain::{Actor, Fen};
use packbench::flow::team::{self as tf, Fine};
use packbench::store::Store;

/// A shop-time moment (`2026-12-01 10:00`) as UTC.
fn at(shop: &str) -> DateTime<Utc> {
    packbench::domain::time::parse_shop_time(shop).unwrap()
}

fn actor(store: &Store, code: &str) -> Actor {
    packbench::flow::staff::actor(store, code, "bench-t").unwrap()
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// `--json` output of a command run as `staff`.
fn json_as(s: &Scratch, staff: &str, args: &[&str]) -> (bool, serde_json::Value) {
    let out = s.run_as(staff, args);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.success(), v)
}

fn staffed() -> Scratch {
    let s = Scratch::new();
    s.add_staff("YH1", "验货一", "checker");
    s.add_staff("YH2", "验货二", "checker");
    s.add_staff("DD1", "打单一", "order_printer");
    s
}

/// The stored amount (fen) and flag of a fund entry.
fn stored_entry(s: &Scratch, id: i64) -> (i64, i64) {
    let mut raw = s.raw();
    (
        raw.int(&format!("SELECT amount_fen FROM fund WHERE id = {id}")),
        raw.int(&format!("SELECT flagged FROM fund WHERE id = {id}")),
    )
}

#[test]
fn complaint_fines_double_within_the_shops_month_and_a_reversed_one_does_not_count() {
    let s = staffed();
    let mut store = s.open();
    let admin = actor(&store, "admin");
    let mut fine = |code: &str, when: &str| {
        tf::fine(
            &mut store,
            &admin,
            code,
            Fine::Complaint,
            "买家投诉",
            at(when),
        )
        .unwrap()
    };
    let first = fine("YH1", "2026-12-03 10:00:00");
    let second = fine("YH1", "2026-12-10 10:00:00");
    let third = fine("YH1", "2026-12-20 10:00:00");
    let other = fine("YH2", "2026-12-20 11:00:00");
    assert_eq!(stored_entry(&s, first.id), (50 * 100, 0));
    assert_eq!(stored_entry(&s, second.id), (100 * 100, 0));
    assert_eq!(
        stored_entry(&s, third.id),
        (200 * 100, 1),
        "the third is flagged"
    );
    assert_eq!(
        stored_entry(&s, other.id),
        (50 * 100, 0),
        "each person counts alone"
    );

    // The second was a mistake: reversed, it no longer counts toward the doubling.
    let mut store = s.open();
    let r = tf::reverse(
        &mut store,
        &admin,
        second.id,
        "投诉已撤销",
        at("2026-12-21 09:00:00"),
    )
    .unwrap();
    assert_eq!(stored_entry(&s, r.id), (-100 * 100, 0));
    let next = tf::fine(
        &mut store,
        &admin,
        "YH1",
        Fine::Complaint,
        "又一次",
        at("2026-12-22 10:00:00"),
    )
    .unwrap();
    assert_eq!(
        stored_entry(&s, next.id),
        (200 * 100, 1),
        "two earlier fines stand (the first and the third): this is the third"
    );
    // A new month starts at 50 again, by the shop's clock: 2027-01-01 00:30 in Beijing is
    // still 2026-12-31 in UTC.
    let new_month = tf::fine(
        &mut store,
        &admin,
        "YH1",
        Fine::Complaint,
        "新月份",
        at("2027-01-01 00:30:00"),
    )
    .unwrap();
    assert_eq!(new_month.at, "2026-12-31T16:30:00Z");
    assert_eq!(stored_entry(&s, new_month.id), (50 * 100, 0));

    // A violation is 10 yuan, however many.
    for _ in 0..3 {
        let v = tf::fine(
            &mut store,
            &admin,
            "YH2",
            Fine::Violation,
            "没戴工牌",
            at("2026-12-05 10:00:00"),
        )
        .unwrap();
        assert_eq!(stored_entry(&s, v.id), (10 * 100, 0));
    }
    // The amounts are settings.
    packbench::flow::settings::set(&mut store, &admin, tf::COMPLAINT_FINE_SETTING, "30").unwrap();
    let p = tf::preview_fine(
        &store,
        &admin,
        "YH2",
        Fine::Complaint,
        at("2027-01-02 10:00:00"),
    )
    .unwrap();
    assert_eq!((p.amount, p.nth, p.flagged), (Fen(30 * 100), 1, false));
    assert!(
        packbench::flow::settings::set(&mut store, &admin, tf::COMPLAINT_FINE_SETTING, "0")
            .is_err()
    );
}

#[test]
fn rewards_by_place_and_the_balance_from_the_stored_rows() {
    let s = staffed();
    let mut store = s.open();
    let admin = actor(&store, "admin");
    let now = at("2026-12-15 12:00:00");
    for (code, kind) in [
        ("YH1", Fine::Complaint),
        ("YH1", Fine::Complaint),
        ("YH1", Fine::Complaint),
        ("YH2", Fine::Violation),
        ("DD1", Fine::Complaint),
    ] {
        tf::fine(&mut store, &admin, code, kind, "原因", now).unwrap();
    }
    let mut rewards = Vec::new();
    for (place, code) in [(1u8, "YH2"), (2, "DD1"), (3, "YH1")] {
        let r = tf::reward(&mut store, &admin, code, place, "培训考核", now).unwrap();
        rewards.push(stored_entry(&s, r.id).0);
    }
    assert_eq!(rewards, [-150 * 100, -100 * 100, -50 * 100]);
    assert!(tf::reward(&mut store, &admin, "YH1", 4, "第四名", now).is_err());
    let spent = tf::spend(&mut store, &admin, Fen(35_50), "买矿泉水", now).unwrap();
    assert_eq!(spent.staff_code, None);
    // More than the fund holds is refused, and says what it holds.
    let err = tf::spend(&mut store, &admin, Fen(1_000_000), "团建", now).unwrap_err();
    assert!(err.zh().contains("团队基金只有"), "{}", err.zh());

    // Computed here from the stored rows, kind by kind.
    let mut raw = s.raw();
    let sum = |raw: &mut crate::common::RawDb, kinds: &str| {
        raw.int(&format!(
            "SELECT COALESCE(sum(amount_fen), 0) FROM fund WHERE kind IN ({kinds})"
        ))
    };
    let fines = sum(&mut raw, "'complaint_fine', 'violation_fine'");
    let paid = -sum(&mut raw, "'reward'");
    let spending = -sum(&mut raw, "'spending'");
    assert_eq!(
        fines,
        50 * 100 + 100 * 100 + 200 * 100 + 10 * 100 + 50 * 100
    );
    assert_eq!(paid, 300 * 100);
    let l = tf::ledger(&store, &admin, d("2026-12-01")).unwrap();
    assert_eq!(l.balance, Fen(fines - paid - spending));
    assert_eq!(l.entries.len(), 9);
    assert_eq!(l.month_in, Fen(fines));
    assert_eq!(l.month_out, Fen(paid + spending));
    // Everyone sees it: a checker reads the same balance on the command line.
    let (ok, v) = json_as(&s, "YH1", &["team", "fund", "--month", "2026-12", "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["balance"], fines - paid - spending);
    assert_eq!(v["entries"].as_array().unwrap().len(), 9);
    // The month before holds nothing.
    let (_, v) = json_as(&s, "YH1", &["team", "fund", "--month", "2026-11", "--json"]);
    assert_eq!(v["entries"].as_array().unwrap().len(), 0);
    assert_eq!(v["balance_then"], 0);
}

#[test]
fn the_team_tables_are_append_only_and_a_reversal_is_once() {
    let s = staffed();
    let mut store = s.open();
    let admin = actor(&store, "admin");
    let now = at("2026-12-15 12:00:00");
    let f = tf::fine(&mut store, &admin, "YH1", Fine::Violation, "迟到", now).unwrap();
    tf::add_handover(&mut store, &admin, "打印机缺纸", now).unwrap();
    tf::set_roster(&mut store, &admin, "YH1", Shift::Day, 6, d("2026-12-14")).unwrap();
    let mut raw = s.raw();
    for sql in [
        format!("UPDATE fund SET amount_fen = 0 WHERE id = {}", f.id),
        format!("DELETE FROM fund WHERE id = {}", f.id),
        "UPDATE handover SET text = '改过了'".to_string(),
        "DELETE FROM handover".to_string(),
        "UPDATE roster SET shift = 'night'".to_string(),
        "DELETE FROM roster".to_string(),
    ] {
        let err = raw.try_exec(&sql).expect_err(&sql);
        assert!(
            err.contains("append-only") || err.contains("kept as set"),
            "{sql}: {err}"
        );
    }
    assert_eq!(raw.int("SELECT amount_fen FROM fund"), 10 * 100);
    assert_eq!(raw.text("SELECT text FROM handover").unwrap(), "打印机缺纸");
    assert_eq!(raw.text("SELECT shift FROM roster").unwrap(), "day");

    let r = tf::reverse(&mut store, &admin, f.id, "记错人了", now).unwrap();
    let again = tf::reverse(&mut store, &admin, f.id, "再冲一次", now).unwrap_err();
    assert!(again.zh().contains("已经冲正过"), "{}", again.zh());
    assert!(again.to_string().contains("reversed already"));
    assert!(tf::reverse(&mut store, &admin, r.id, "冲正的冲正", now).is_err());
    assert!(tf::reverse(&mut store, &admin, f.id + 99, "没有这条", now).is_err());
    assert!(
        tf::reverse(&mut store, &admin, f.id, " ", now).is_err(),
        "a reason"
    );
    // Behind the program's back, the store itself keeps a reversal to one.
    let by = raw.int("SELECT id FROM staff WHERE code = 'admin'");
    let dup = format!(
        "INSERT INTO fund (at, kind, staff_id, amount_fen, reason, reverses, by_id, terminal)
         VALUES ('2026-12-15T05:00:00Z', 'reversal', NULL, -1000, 'x', {}, {by}, 't')",
        f.id
    );
    assert!(raw.try_exec(&dup).is_err());
    assert_eq!(raw.int("SELECT count(*) FROM fund"), 2);
    assert_eq!(tf::balance(&store, &admin).unwrap(), Fen(0));
}

#[test]
fn the_handover_is_shown_to_the_next_shift_and_not_to_the_same_one() {
    let s = staffed();
    let mut store = s.open();
    let yh1 = actor(&store, "YH1");
    let dd1 = actor(&store, "DD1");
    let mut write = |who: &Actor, text: &str, when: &str| {
        tf::add_handover(&mut store, who, text, at(when)).unwrap()
    };
    let a = write(&dd1, "白班：B12 还有 3 单没打", "2026-12-01 10:00:00");
    let b = write(&yh1, "夜班：扫描枪要充电", "2026-12-01 20:00:00");
    // After the night shift's 01:00, still the night shift's (staying late).
    let c = write(&yh1, "夜班走晚了：门已锁", "2026-12-02 02:00:00");
    assert_eq!((a.day.as_str(), a.shift), ("2026-12-01", Shift::Day));
    assert_eq!((b.day.as_str(), b.shift), ("2026-12-01", Shift::Night));
    assert_eq!((c.day.as_str(), c.shift), ("2026-12-01", Shift::Night));
    let store = s.open();
    let ids = |when: &str| -> Vec<i64> {
        tf::at_sign_in(&store, &dd1, at(when))
            .unwrap()
            .entries
            .iter()
            .map(|e| e.id)
            .collect()
    };
    // The day shift signing in again later that day sees nothing of its own.
    assert_eq!(ids("2026-12-01 14:00:00"), Vec::<i64>::new());
    // The night shift sees the day shift's entry.
    assert_eq!(ids("2026-12-01 18:00:00"), vec![a.id]);
    assert_eq!(ids("2026-12-02 00:30:00"), vec![a.id], "not its own");
    // The next day shift (early, or on time, or late) sees the night's, late ones too.
    assert_eq!(ids("2026-12-02 08:00:00"), vec![b.id, c.id]);
    assert_eq!(ids("2026-12-02 12:00:00"), vec![b.id, c.id]);
    assert_eq!(ids("2026-12-02 18:00:00"), Vec::<i64>::new());
    let h = tf::at_sign_in(&store, &dd1, at("2026-12-02 09:00:00")).unwrap();
    assert_eq!(
        h.previous,
        ShiftInstance {
            day: d("2026-12-01"),
            shift: Shift::Night
        }
    );
    // Read by day: the night's entries are the day it began.
    let day = tf::handover_day(&store, &dd1, d("2026-12-01")).unwrap();
    assert_eq!(day.len(), 3);
    assert_eq!(day[1].staff_code, "YH1");
    assert_eq!(day[1].terminal, "bench-t");
    assert!(
        tf::handover_day(&store, &dd1, d("2026-12-02"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn an_empty_or_overlong_handover_entry_is_refused_in_both_languages() {
    let s = staffed();
    let mut store = s.open();
    let yh1 = actor(&store, "YH1");
    let now = at("2026-12-01 10:00:00");
    let empty = tf::add_handover(&mut store, &yh1, "  \n ", now).unwrap_err();
    assert!(empty.zh().contains("交接内容是空的"), "{}", empty.zh());
    assert!(empty.to_string().contains("empty"), "{empty}");
    let long = "货".repeat(501);
    let e = tf::add_handover(&mut store, &yh1, &long, now).unwrap_err();
    assert!(
        e.zh().contains("太长") && e.zh().contains("501"),
        "{}",
        e.zh()
    );
    assert!(e.to_string().contains("too long"), "{e}");
    assert_eq!(s.raw().int("SELECT count(*) FROM handover"), 0);
    tf::add_handover(&mut store, &yh1, &"货".repeat(500), now).unwrap();
    // On the command line too, as anyone signed in.
    let out = s.run_as("YH1", &["team", "handover", "add", ""]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("交接内容是空的"));
    let out = s.run_as("YH1", &["team", "handover", "add", "三号台卡纸", "--json"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["staff_code"], "YH1");
    assert_eq!(v["text"], "三号台卡纸");
}

#[test]
fn a_roster_has_six_days_on_and_a_rest_day_from_the_day_it_is_set() {
    let s = staffed();
    s.ok(&[
        "team",
        "roster",
        "set",
        "YH1",
        "--shift",
        "night",
        "--rest",
        "sun",
        "--from",
        "2026-11-30",
    ]);
    s.ok(&[
        "team",
        "roster",
        "set",
        "DD1",
        "--shift",
        "day",
        "--rest",
        "wed",
        "--from",
        "2026-11-30",
    ]);
    // From Thursday on, YH1 works days and rests on Tuesdays.
    s.ok(&[
        "team",
        "roster",
        "set",
        "YH1",
        "--shift",
        "day",
        "--rest",
        "tue",
        "--from",
        "2026-12-03",
    ]);
    let (ok, w) = json_as(
        &s,
        "DD1",
        &["team", "roster", "--week", "2026-12-02", "--json"],
    );
    assert!(ok, "{w}");
    assert_eq!(w["monday"], "2026-11-30");
    let person = |code: &str| {
        w["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["staff_code"] == code)
            .unwrap_or_else(|| panic!("{code} in {w}"))
            .clone()
    };
    let dd1: Vec<String> = person("DD1")["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.to_string())
        .collect();
    assert_eq!(dd1.iter().filter(|d| d.contains("rest")).count(), 1);
    assert_eq!(dd1[2], "\"rest\"", "Wednesday");
    assert_eq!(dd1.iter().filter(|d| d.contains("day")).count(), 6);
    let yh1 = person("YH1")["days"].clone();
    assert_eq!(yh1[0]["work"], "night");
    assert_eq!(yh1[2]["work"], "night");
    assert_eq!(yh1[3]["work"], "day", "from Thursday on");
    assert_eq!(
        yh1[6]["work"], "day",
        "the Sunday rest ended with the old roster"
    );
    // Next week: rests on Tuesday, six days on.
    let store = s.open();
    let admin = actor(&store, "admin");
    let next = tf::week(&store, &admin, d("2026-12-09")).unwrap();
    let days = &next
        .people
        .iter()
        .find(|p| p.staff_code == "YH1")
        .unwrap()
        .days;
    assert_eq!(days[1], Some(DayPlan::Rest));
    assert_eq!(
        days.iter()
            .filter(|p| **p == Some(DayPlan::Work(Shift::Day)))
            .count(),
        6
    );
    assert_eq!(next.on(1, DayPlan::Rest), ["YH1"]);
    assert!(
        !next.people.iter().any(|p| p.staff_code == "YH2"),
        "not rostered"
    );
    // Which shift is it: the times are settings.
    let now = tf::shift_at(&store, at("2026-12-09 17:45:00")).unwrap();
    assert_eq!(now.current.shift, Shift::Night);
    assert_eq!(now.previous.shift, Shift::Day);
    s.ok(&["settings", "set", "team.night_shift", "18:00-01:00"]);
    // Between 17:30 and 18:00 nobody's shift runs: the first half is still the day's.
    let now = tf::shift_at(&s.open(), at("2026-12-09 17:40:00")).unwrap();
    assert_eq!(now.current.shift, Shift::Day);
    let now = tf::shift_at(&s.open(), at("2026-12-09 17:50:00")).unwrap();
    assert_eq!(now.current.shift, Shift::Night);
    assert!(
        !s.run(&["settings", "set", "team.day_shift", "8.30-17"])
            .status
            .success()
    );
    let out = s.run(&[
        "team", "roster", "set", "YH1", "--shift", "day", "--rest", "someday",
    ]);
    assert!(!out.status.success());
}

#[test]
fn only_whoever_manages_staff_writes_the_fund_and_the_roster() {
    let s = staffed();
    let mut store = s.open();
    let yh1 = actor(&store, "YH1");
    let now = at("2026-12-15 12:00:00");
    for denied in [
        tf::fine(&mut store, &yh1, "YH2", Fine::Complaint, "x", now).err(),
        tf::reward(&mut store, &yh1, "YH1", 1, "x", now).err(),
        tf::spend(&mut store, &yh1, Fen(1), "x", now).err(),
        tf::reverse(&mut store, &yh1, 1, "x", now).err(),
        tf::set_roster(&mut store, &yh1, "YH1", Shift::Day, 0, d("2026-12-14")).err(),
    ] {
        let e = denied.expect("refused");
        assert!(
            matches!(e, packbench::error::Error::Denied(_)),
            "refused as not permitted: {e}"
        );
    }
    let out = s.run_as(
        "YH1",
        &[
            "team",
            "fund",
            "fine",
            "YH2",
            "--complaint",
            "--reason",
            "x",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有“管理员工”的权限"));
    // The staff code of the fine is not who signs in: the admin fines YH1 and is recorded.
    let (ok, v) = s.json(&[
        "team",
        "fund",
        "fine",
        "YH1",
        "--violation",
        "--reason",
        "没戴工牌",
        "--json",
    ]);
    assert!(ok, "{v}");
    assert_eq!(
        (v["staff_code"].as_str(), v["by"].as_str()),
        (Some("YH1"), Some("admin"))
    );
    assert_eq!(s.raw().int("SELECT count(*) FROM fund"), 1);
    assert_eq!(
        s.raw()
            .int("SELECT count(*) FROM events WHERE kind = 'fund_entry'"),
        1,
        "logged"
    );
    // Fining someone who is not there is refused.
    assert!(
        !s.run(&[
            "team",
            "fund",
            "fine",
            "NOBODY",
            "--violation",
            "--reason",
            "x"
        ])
        .status
        .success()
    );
}

// ---- The Team screen ----

use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, team};
use packbench::ui::{App, Message};

fn tm(m: team::Message) -> Message {
    Message::Team(m)
}

fn shows(app: &App, text: &str) -> bool {
    let mut ui = iced_test::Simulator::with_size(
        packbench::ui::fonts::settings(),
        iced::Size::new(1024.0, 768.0),
        app.view(),
    );
    ui.find(text).is_ok()
}

fn as_staff(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, PIN);
    assert!(app.actor.is_some(), "{code} signs in");
}

/// A moment inside the shift before the current one (now), as UTC.
fn in_previous_shift() -> DateTime<Utc> {
    let times = ShiftTimes::default();
    let here = Utc::now().with_timezone(&packbench::domain::time::shop_zone());
    let prev = times.at(here.naive_local()).prev();
    let local = times.starts(prev) + chrono::TimeDelta::minutes(30);
    packbench::domain::time::shop_zone()
        .from_local_datetime(&local)
        .unwrap()
        .with_timezone(&Utc)
}

#[test]
fn the_team_screen_shows_the_roster_handover_and_fund_and_asks_before_a_fine() {
    for lang in [Lang::Zh, Lang::En] {
        let s = staffed();
        {
            let mut store = s.open();
            let yh2 = actor(&store, "YH2");
            tf::add_handover(
                &mut store,
                &yh2,
                "上一班：蓝色篮子里有 4 个包裹没验完",
                in_previous_shift(),
            )
            .unwrap();
        }
        let mut app = App::with_store(s.open(), "bench-1", lang);
        as_staff(&mut app, "YH1");
        // Right after signing in, the last shift's handover is there to read.
        let panel = app.team.at_sign_in.as_ref().expect("the handover is shown");
        assert_eq!(panel.entries.len(), 1);
        assert!(shows(&app, "上一班：蓝色篮子里有 4 个包裹没验完"));
        let _ = app.update(tm(team::Message::DismissHandover));
        assert!(app.team.at_sign_in.is_none());
        assert!(!shows(&app, "上一班：蓝色篮子里有 4 个包裹没验完"));

        // A checker opens the Team screen, reads the fund, and has no form to fine with.
        assert!(app.may_use(Screen::Team));
        let _ = app.update(Message::Show(Screen::Team));
        assert_eq!(app.screen, Screen::Team);
        let _ = app.update(tm(team::Message::TabPicked(team::Tab::Fund)));
        assert!(shows(&app, "¥0.00"));
        assert!(!shows(&app, lang.pick("记入", "Enter")));
        let _ = app.update(tm(team::Message::Reverse(1)));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);

        // The checker writes in the handover book; it is listed under today.
        let _ = app.update(tm(team::Message::TabPicked(team::Tab::Handover)));
        let _ = app.update(tm(team::Message::WriteHandover));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed, "empty");
        let _ = app.update(tm(team::Message::DraftChanged("3 号台扫描枪没电".into())));
        let _ = app.update(tm(team::Message::WriteHandover));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert!(app.team.draft.is_empty());
        assert!(shows(&app, "3 号台扫描枪没电"));

        // The admin fines: the amount is shown first and nothing is written until confirmed.
        as_staff(&mut app, "admin");
        let _ = app.update(Message::Show(Screen::Team));
        let _ = app.update(tm(team::Message::TabPicked(team::Tab::Roster)));
        let _ = app.update(tm(team::Message::WhoChanged("YH1".into())));
        let _ = app.update(tm(team::Message::ShiftPicked(Shift::Night)));
        let _ = app.update(tm(team::Message::RestPicked(6)));
        let _ = app.update(tm(team::Message::SetRoster));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert!(shows(&app, "YH1 验货一"));
        assert!(shows(&app, lang.pick("夜班", "night")));
        let _ = app.update(tm(team::Message::TabPicked(team::Tab::Fund)));
        let _ = app.update(tm(team::Message::FundWhoChanged("YH1".into())));
        let _ = app.update(tm(team::Message::EntryPicked(team::Entry::Complaint)));
        let _ = app.update(tm(team::Message::ReasonChanged(
            "发错颜色，买家投诉".into(),
        )));
        let _ = app.update(tm(team::Message::Enter));
        let asked = app.team.confirm.clone().expect("a confirmation first");
        assert_eq!(asked.amount, Fen(50 * 100));
        assert!(shows(&app, lang.pick("确认记入", "Yes, enter it")));
        assert_eq!(s.raw().int("SELECT count(*) FROM fund"), 0, "not yet");
        let _ = app.update(tm(team::Message::CancelFine));
        assert_eq!(s.raw().int("SELECT count(*) FROM fund"), 0, "cancelled");
        let _ = app.update(tm(team::Message::Enter));
        let _ = app.update(tm(team::Message::ConfirmFine));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert_eq!(s.raw().int("SELECT sum(amount_fen) FROM fund"), 50 * 100);
        assert!(shows(&app, "¥50.00"));
        // The second complaint this month is asked at 100.
        let _ = app.update(tm(team::Message::ReasonChanged("又一次投诉".into())));
        let _ = app.update(tm(team::Message::Enter));
        assert_eq!(app.team.confirm.as_ref().unwrap().amount, Fen(100 * 100));
        let _ = app.update(tm(team::Message::CancelFine));
        // Team spending beyond the fund is refused with the balance named.
        let _ = app.update(tm(team::Message::EntryPicked(team::Entry::Spend)));
        let _ = app.update(tm(team::Message::AmountChanged("80".into())));
        let _ = app.update(tm(team::Message::ReasonChanged("买水".into())));
        let _ = app.update(tm(team::Message::Enter));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Failed);
        assert!(n.text.get(lang).contains("50.00"), "{}", n.text.get(lang));
    }
}
