//! Sign-in everywhere and a new shop only by intent (issue 12, findings 1 and 7): the real
//! binary on stores made by `init` and the demo, a typo'd path, wrong PINs and the lock.

use crate::common::{PIN, Scratch, sign_in_with};
use packbench::flow;
use packbench::store::Store;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::sign_in;
use packbench::ui::{App, Message};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `packbench --db DB args…` with only the environment given (no staff, no PIN unless said),
/// standard input not a terminal.
fn pb(db: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_packbench"));
    c.arg("--db")
        .arg(db)
        .args(["--station", "auth-bench"])
        .args(args)
        .stdin(Stdio::null())
        .env_remove("PACKBENCH_DB")
        .env_remove("PACKBENCH_STAFF")
        .env_remove("PACKBENCH_PIN")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run packbench")
}

fn as_staff(db: &Path, staff: &str, pin: &str, args: &[&str]) -> Output {
    pb(
        db,
        &[("PACKBENCH_STAFF", staff), ("PACKBENCH_PIN", pin)],
        args,
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The `sign_in_refused` events, newest first: (code tried, reason), read as the admin with
/// `pin`.
fn refusals(s: &Scratch, pin: &str) -> Vec<(String, String)> {
    let out = as_staff(
        &s.db(),
        "admin",
        pin,
        &["events", "--kind", "sign_in_refused", "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let ev: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    ev.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert_eq!(e["staff_code"], "?", "{e}");
            (
                e["subject"].as_str().unwrap().to_string(),
                e["detail"]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_typo_in_the_store_path_creates_nothing() {
    let s = Scratch::new();
    let empty = s.path("empty.db");
    std::fs::write(&empty, b"").unwrap();
    let before = files_in(s.dir.path());
    for db in [
        s.path("shpo.db"),
        s.path("no/such/folders/shop.db"),
        empty.clone(),
    ] {
        for args in [&["orders", "list"][..], &["staff", "list"], &[]] {
            let out = as_staff(&db, "admin", PIN, args);
            assert!(!out.status.success(), "{args:?} on {}", db.display());
            let err = stderr(&out);
            assert!(
                err.contains("packbench init") && err.contains("没有数据库"),
                "{args:?}: {err}"
            );
            assert_eq!(files_in(s.dir.path()), before, "{args:?} made a file");
            assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0);
        }
    }
}

#[test]
fn init_makes_a_store_with_the_admins_pin_and_refuses_an_existing_one() {
    let s = Scratch::new();
    let db = s.path("shop/new.db");
    // No terminal to ask in: the PIN must be given; a bad one is refused; nothing is made.
    let out = pb(&db, &[], &["init"]);
    assert!(!out.status.success() && stderr(&out).contains("--admin-pin"));
    let out = pb(&db, &[], &["init", "--admin-pin", "12"]);
    assert!(!out.status.success() && stderr(&out).contains("4 to 12 digits"));
    assert!(!s.path("shop").exists());
    let out = pb(&db, &[], &["init", "--admin-pin", "2468"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        as_staff(&db, "admin", "2468", &["staff", "list"])
            .status
            .success()
    );
    // The admin's PIN is no longer empty, nor anything else.
    for wrong in ["", "1234"] {
        assert!(
            !as_staff(&db, "admin", wrong, &["staff", "list"])
                .status
                .success()
        );
    }
    // init again: refused, nothing changed (the PIN is still the first one).
    let before = std::fs::read(&db).unwrap();
    let out = pb(&db, &[], &["init", "--admin-pin", "1111"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("already a shop's store"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert!(
        !as_staff(&db, "admin", "1111", &["staff", "list"])
            .status
            .success()
    );
    assert!(
        as_staff(&db, "admin", "2468", &["staff", "list"])
            .status
            .success()
    );
}

/// A store made before PINs were required: its admin had none and signed in with an empty one.
#[test]
fn an_admin_without_a_pin_is_refused_until_init_sets_one() {
    let s = Scratch::new();
    drop(Store::create(s.db()).unwrap());
    for pin in ["", "1234"] {
        let out = as_staff(
            &s.db(),
            "admin",
            pin,
            &[
                "staff", "add", "X1", "--name", "x", "--role", "admin", "--pin", "1234",
            ],
        );
        assert!(!out.status.success(), "admin with PIN {pin:?} got in");
    }
    let out = as_staff(&s.db(), "admin", "1234", &["orders", "list"]);
    assert!(stderr(&out).contains("packbench init"), "{}", stderr(&out));
    // The window refuses the empty PIN too.
    let mut app = App::with_store(Store::open(s.db()).unwrap(), "bench-1", Lang::En);
    sign_in_with(&mut app, "admin", "");
    assert!(app.actor.is_none());
    assert!(
        app.sign_in
            .error
            .as_ref()
            .unwrap()
            .get(Lang::En)
            .contains("PIN"),
        "{:?}",
        app.sign_in.error
    );
    drop(app);
    let out = pb(&s.db(), &[], &["init", "--admin-pin", "1357"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("admin's PIN set"));
    assert!(
        as_staff(&s.db(), "admin", "1357", &["orders", "list"])
            .status
            .success()
    );
    let got = refusals(&s, "1357");
    assert!(got.contains(&("admin".into(), "no_pin".into())), "{got:?}");
    assert!(
        got.contains(&("admin".into(), "no_pin_set".into())),
        "{got:?}"
    );
    assert!(
        !String::from_utf8_lossy(&as_staff(&s.db(), "admin", "1357", &["staff", "list"]).stdout)
            .contains('?')
    );
}

#[test]
fn a_command_needs_a_staff_code_and_a_pin() {
    let s = Scratch::new();
    s.ensure_store();
    let out = pb(&s.db(), &[("PACKBENCH_PIN", PIN)], &["orders", "list"]);
    assert!(
        !out.status.success() && stderr(&out).contains("--staff"),
        "{}",
        stderr(&out)
    );
    let out = pb(
        &s.db(),
        &[("PACKBENCH_STAFF", "admin")],
        &["orders", "list"],
    );
    assert!(
        !out.status.success() && stderr(&out).contains("PACKBENCH_PIN"),
        "{}",
        stderr(&out)
    );
    let out = s.run_as("admin", &["--staff", "admin", "orders", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn five_wrong_pins_lock_the_code_and_every_refusal_is_logged() {
    let s = Scratch::new();
    s.add_staff("YH01", "验货", "checker");
    for i in 1..=4 {
        let out = as_staff(&s.db(), "YH01", "9999", &["orders", "list"]);
        assert!(!out.status.success());
        assert!(
            stderr(&out).contains("wrong staff code or PIN"),
            "{i}: {}",
            stderr(&out)
        );
    }
    let out = as_staff(&s.db(), "YH01", "9999", &["orders", "list"]);
    assert!(stderr(&out).contains("locked"), "{}", stderr(&out));
    // Locked: the right PIN is refused too, from another process.
    let out = as_staff(&s.db(), "YH01", PIN, &["orders", "list"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("已锁定") && stderr(&out).contains("5 min"),
        "{}",
        stderr(&out)
    );
    // An unknown code is refused the same way, and logged.
    let out = as_staff(&s.db(), "YH99", PIN, &["orders", "list"]);
    assert!(stderr(&out).contains("wrong staff code or PIN"));
    let got = refusals(&s, PIN);
    let want: Vec<(String, String)> = [
        ("YH99", "unknown_staff"),
        ("YH01", "locked"),
        ("YH01", "wrong_pin"),
        ("YH01", "wrong_pin"),
        ("YH01", "wrong_pin"),
        ("YH01", "wrong_pin"),
        ("YH01", "wrong_pin"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    // The lock is in the store: the time passes (moved back here), and the right PIN works.
    s.raw()
        .exec("UPDATE staff SET locked_until = '2000-01-01T00:00:00Z' WHERE code = 'YH01'");
    let out = as_staff(&s.db(), "YH01", PIN, &["orders", "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_lock_runs_out_after_five_minutes_and_a_right_pin_resets_the_count() {
    let s = Scratch::new();
    s.add_staff("KF01", "客服", "customer_service");
    let mut store = s.open();
    let t0 = chrono::Utc::now();
    let at =
        |m: i64, sec: i64| t0 + chrono::TimeDelta::minutes(m) + chrono::TimeDelta::seconds(sec);
    let try_at = |store: &mut Store, pin: &str, t| {
        flow::staff::sign_in_at(store, "KF01", pin, "b", t)
            .map(|_| ())
            .map_err(|e| e.to_string())
    };
    // Four wrong, one right: the count starts again; four more wrong do not lock.
    for _ in 0..4 {
        assert!(
            try_at(&mut store, "0000", at(0, 0))
                .unwrap_err()
                .contains("wrong")
        );
    }
    try_at(&mut store, PIN, at(0, 1)).unwrap();
    for _ in 0..4 {
        assert!(
            try_at(&mut store, "0000", at(0, 2))
                .unwrap_err()
                .contains("wrong")
        );
    }
    let e = try_at(&mut store, "0000", at(0, 3)).unwrap_err();
    assert!(e.contains("locked") && e.contains("5 min"), "{e}");
    let e = try_at(&mut store, PIN, at(4, 2)).unwrap_err();
    assert!(e.contains("locked") && e.contains("1 min"), "{e}");
    try_at(&mut store, PIN, at(5, 4)).unwrap();
    // An admin's reset lifts a lock at once.
    for _ in 0..5 {
        let _ = try_at(&mut store, "0000", at(6, 0));
    }
    assert!(
        try_at(&mut store, PIN, at(6, 1))
            .unwrap_err()
            .contains("locked")
    );
    s.ok(&["staff", "reset-pin", "KF01", "--new-pin", "8642"]);
    try_at(&mut store, "8642", at(6, 2)).unwrap();
}

#[test]
fn the_window_shows_the_lock_in_its_language() {
    let s = Scratch::new();
    s.add_staff("YH01", "验货", "checker");
    let mut app = App::with_store(s.open(), "bench-1", Lang::Zh);
    sign_in_with(&mut app, "YH01", "");
    assert!(app.actor.is_none());
    assert!(
        app.sign_in
            .error
            .as_ref()
            .unwrap()
            .get(Lang::Zh)
            .contains("密码")
    );
    for _ in 0..5 {
        sign_in_with(&mut app, "YH01", "9999");
        assert!(app.actor.is_none());
    }
    sign_in_with(&mut app, "YH01", PIN);
    assert!(app.actor.is_none(), "signed in while locked");
    let e = app.sign_in.error.clone().unwrap();
    assert!(
        e.get(Lang::Zh).contains("已锁定") && e.get(Lang::Zh).contains("分钟"),
        "{e:?}"
    );
    assert!(e.get(Lang::En).contains("locked"), "{e:?}");
    // The same lock for the command line.
    let out = as_staff(&s.db(), "YH01", PIN, &["orders", "list"]);
    assert!(stderr(&out).contains("locked"));
}

#[test]
fn staff_are_added_only_with_a_pin() {
    let s = Scratch::new();
    let out = s.run(&["staff", "add", "PH01", "--name", "配货", "--role", "picker"]);
    assert!(
        !out.status.success() && stderr(&out).contains("--pin"),
        "{}",
        stderr(&out)
    );
    assert!(!s.ok(&["staff", "list"]).contains("PH01"));
}

#[test]
fn staff_change_their_own_pin_and_an_admin_resets_one() {
    let s = Scratch::new();
    for code in ["YH01", "YH02"] {
        s.ok(&[
            "staff", "add", code, "--name", code, "--role", "checker", "--pin", PIN,
        ]);
    }
    let out = as_staff(&s.db(), "YH01", PIN, &["staff", "set-pin"]);
    assert!(!out.status.success() && stderr(&out).contains("--new-pin"));
    let out = as_staff(
        &s.db(),
        "YH01",
        PIN,
        &["staff", "set-pin", "--new-pin", "5678"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !as_staff(&s.db(), "YH01", PIN, &["orders", "list"])
            .status
            .success()
    );
    assert!(
        as_staff(&s.db(), "YH01", "5678", &["orders", "list"])
            .status
            .success()
    );
    // A checker may not reset another's PIN; an admin may.
    let out = as_staff(
        &s.db(),
        "YH01",
        "5678",
        &["staff", "reset-pin", "YH02", "--new-pin", "1111"],
    );
    assert!(!out.status.success());
    assert!(
        as_staff(&s.db(), "YH02", PIN, &["orders", "list"])
            .status
            .success()
    );
    s.ok(&["staff", "reset-pin", "YH01", "--new-pin", "2222"]);
    assert!(
        as_staff(&s.db(), "YH01", "2222", &["orders", "list"])
            .status
            .success()
    );
    let (_, ev) = s.json(&["events", "--json"]);
    let kinds: Vec<(&str, &str, &str)> = ev
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "pin_changed" || e["kind"] == "pin_reset")
        .map(|e| {
            (
                e["kind"].as_str().unwrap(),
                e["staff_code"].as_str().unwrap(),
                e["subject"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("pin_reset", "admin", "YH01"),
            ("pin_changed", "YH01", "YH01")
        ]
    );
}

#[test]
fn the_demo_makes_a_store_where_every_pin_is_1234() {
    let s = Scratch::new();
    let db = s.path("demo.db");
    let out = pb(&db, &[], &["demo", "--orders", "5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = as_staff(&db, "admin", "1234", &["staff", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() > 5);
    assert!(list.iter().all(|m| m["has_pin"] == true), "{list:?}");
    assert!(
        as_staff(&db, "YH01", "1234", &["orders", "list"])
            .status
            .success()
    );
    // On a store that is there, the demo is a command like any other: signed in.
    let out = pb(&db, &[], &["demo", "--orders", "5"]);
    assert!(!out.status.success() && stderr(&out).contains("--staff"));
}

#[test]
fn the_window_changes_ones_own_pin_with_the_current_one() {
    let s = Scratch::new();
    s.add_staff("YH01", "验货", "checker");
    let mut app = App::with_store(s.open(), "bench-1", Lang::Zh);
    let change = |app: &mut App, current: &str, new: &str, again: &str| {
        for m in [
            sign_in::Message::CodeChanged("YH01".into()),
            sign_in::Message::PinChanged(current.into()),
            sign_in::Message::NewPinChanged(new.into()),
            sign_in::Message::AgainChanged(again.into()),
            sign_in::Message::Submit,
        ] {
            let _ = app.update(Message::SignIn(m));
        }
    };
    let _ = app.update(Message::SignIn(sign_in::Message::ToggleChange));
    assert!(app.sign_in.changing);
    // The new PIN typed differently the second time: nothing changes.
    change(&mut app, PIN, "5678", "5679");
    let e = app.sign_in.error.clone().unwrap();
    assert!(e.get(Lang::Zh).contains("不一样"), "{e:?}");
    // A wrong current PIN is refused (and logged, as at sign-in).
    change(&mut app, "9999", "5678", "5678");
    assert!(
        app.sign_in
            .error
            .as_ref()
            .unwrap()
            .get(Lang::En)
            .contains("Wrong")
    );
    change(&mut app, PIN, "5678", "5678");
    assert!(app.sign_in.error.is_none() && !app.sign_in.changing);
    assert!(
        app.sign_in
            .note
            .as_ref()
            .unwrap()
            .get(Lang::En)
            .contains("PIN changed")
    );
    assert!(app.actor.is_none(), "changing a PIN signs no one in");
    sign_in_with(&mut app, "YH01", PIN);
    assert!(app.actor.is_none());
    sign_in_with(&mut app, "YH01", "5678");
    assert_eq!(app.actor.as_ref().unwrap().staff.code, "YH01");
    let got = refusals(&s, PIN);
    assert_eq!(
        got.iter()
            .filter(|(c, r)| c == "YH01" && r == "wrong_pin")
            .count(),
        2,
        "{got:?}"
    );
    let (_, ev) = s.json(&["events", "--kind", "pin_changed", "--json"]);
    assert_eq!(ev[0]["staff_code"], "YH01");
}

/// An admin deactivates a staff member who left: the code can no longer act, and stays in the
/// list as inactive; reactivated, it works again. A new role changes what they may do. The
/// shop's last active admin can be neither deactivated nor demoted, and only admins manage
/// staff. Every change is in the event log.
#[test]
fn staff_leave_come_back_and_change_role() {
    let s = Scratch::new();
    s.add_staff("YH09", "验货", "checker");
    let fails = |staff: &str, args: &[&str]| {
        let out = s.run_as(staff, args);
        assert!(!out.status.success(), "{args:?} as {staff} succeeded");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let active = |code: &str| active_as(&s, "admin", code);
    assert!(s.run_as("YH09", &["orders", "list"]).status.success());
    // A checker manages no staff.
    fails("YH09", &["staff", "deactivate", "admin"]);

    s.ok(&["staff", "deactivate", "YH09"]);
    assert!(!active("YH09"));
    let e = fails("YH09", &["orders", "list"]);
    assert!(e.contains("inactive"), "{e}");
    s.ok(&["staff", "activate", "YH09"]);
    assert!(active("YH09"));
    assert!(s.run_as("YH09", &["orders", "list"]).status.success());

    // The last active admin stays one.
    let e = fails("admin", &["staff", "deactivate", "admin"]);
    assert!(e.contains("last active admin"), "{e}");
    let e = fails(
        "admin",
        &["staff", "set-role", "admin", "--role", "checker"],
    );
    assert!(e.contains("last active admin"), "{e}");
    assert!(active("admin"));

    // A new role: the checker becomes an admin, who may then retire the first.
    fails("YH09", &["staff", "list"]);
    s.ok(&["staff", "set-role", "YH09", "--role", "admin"]);
    assert!(s.run_as("YH09", &["staff", "list"]).status.success());
    assert!(
        s.run_as("YH09", &["staff", "deactivate", "admin"])
            .status
            .success()
    );
    assert!(!active_as(&s, "YH09", "admin"));

    let e = fails("YH09", &["staff", "set-role", "NOBODY", "--role", "picker"]);
    assert!(e.contains("NOBODY"), "{e}");
    let e = fails("YH09", &["staff", "set-role", "YH09", "--role", "boss"]);
    assert!(e.contains("unknown role"), "{e}");

    let events = s.json_as("YH09", &["events", "--json"]);
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .filter(|k| k.starts_with("staff_"))
        .collect();
    for k in ["staff_deactivated", "staff_activated", "staff_role_changed"] {
        assert!(kinds.contains(&k), "{k} not in {kinds:?}");
    }
}

/// Whether `code` is active, as `viewer` (an admin) sees the staff list.
fn active_as(s: &Scratch, viewer: &str, code: &str) -> bool {
    let list = s.json_as(viewer, &["staff", "list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == code)
        .unwrap()["active"]
        .as_bool()
        .unwrap()
}
