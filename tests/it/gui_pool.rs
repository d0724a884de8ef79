//! The tracking-number pool from the print screen, headless, in both languages: a range and a
//! file of numbers added per courier; a courier below the shop's low-numbers line marked as
//! running low, the line set on the screen; a bad range says why and adds nothing. The same
//! from the command line, and only for whoever keeps the pool.

use crate::common::Scratch;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, print};
use packbench::ui::{App, Message};

fn shows(app: &App, text: &str) -> bool {
    let mut ui = iced_test::Simulator::with_size(
        packbench::ui::fonts::settings(),
        iced::Size::new(1024.0, 768.0),
        app.view(),
    );
    ui.find(text).is_ok()
}

fn pm(m: print::Message) -> Message {
    Message::Print(m)
}

fn free(app: &App, courier: &str) -> Option<i64> {
    app.print
        .pool
        .couriers
        .iter()
        .find(|p| p.courier == courier)
        .map(|p| p.free)
}

#[test]
fn the_order_printer_fills_the_pool_and_sets_when_it_runs_low() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        s.add_staff("DD1", "DD1", "order_printer");
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "DD1", "1234");
        assert_eq!(app.screen, Screen::Print);
        let _ = app.update(pm(print::Message::PoolPanel));
        let _ = app.update(pm(print::Message::PoolCourierChanged("中通快递".into())));

        // A typo in the range: said, nothing added.
        let _ = app.update(pm(print::Message::PoolRangeChanged(
            "7700100001-77001".into(),
        )));
        let _ = app.update(pm(print::Message::PoolAdd));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
        assert_eq!(free(&app, "中通快递"), None);

        let _ = app.update(pm(print::Message::PoolRangeChanged(
            "7700100001-7700100050".into(),
        )));
        let _ = app.update(pm(print::Message::PoolAdd));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        assert!(n.text.get(lang).contains("50"));
        assert_eq!(free(&app, "中通快递"), Some(50));
        // 50 is under the default line of 200.
        let low = match lang {
            Lang::Zh => "中通快递 50 · 单号不足",
            Lang::En => "中通快递 50 · running low",
        };
        assert!(shows(&app, low), "{low} on screen");

        // A file of numbers, one a line (a blank line and a BOM as Notepad leaves them).
        let file = s.path("zto.txt");
        std::fs::write(&file, "\u{feff}7700200001\n7700200002\n\n7700200003\n").unwrap();
        let _ = app.update(pm(print::Message::PoolFileChanged(
            file.display().to_string(),
        )));
        let _ = app.update(pm(print::Message::PoolAdd));
        assert_eq!(free(&app, "中通快递"), Some(53));

        // The line lowered below what is left: no longer low.
        let _ = app.update(pm(print::Message::LowChanged("40".into())));
        let _ = app.update(pm(print::Message::LowSave));
        assert_eq!(app.print.pool.low_below, 40);
        assert!(shows(&app, "中通快递 53"));
        assert!(!shows(&app, low));
        let (ok, v) = s.json(&["waybills", "status", "--json"]);
        assert!(ok);
        assert_eq!(v[0]["free"], 53);
        assert_eq!(v[0]["low"], false);
    }
}

#[test]
fn the_pool_and_its_line_are_for_whoever_keeps_the_pool() {
    let s = Scratch::new();
    s.ensure_store();
    s.add_staff("YH1", "YH1", "checker");
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "圆通速递",
        "--range",
        "YT0001-YT0150",
    ]);
    let (ok, v) = s.json(&["waybills", "status", "--json"]);
    assert!(ok);
    assert_eq!(
        (v[0]["free"].as_i64(), v[0]["low"].as_bool()),
        (Some(150), Some(true))
    );
    let out = s.ok(&["waybills", "status"]);
    assert!(out.contains("单号不足 LOW (< 200)"), "{out}");

    s.ok(&["waybills", "threshold", "100"]);
    let (_, v) = s.json(&["waybills", "status", "--json"]);
    assert_eq!(v[0]["low"], false);
    let bad = s.run(&["waybills", "threshold", "many"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("0 到"));

    let refused = s.run_as("YH1", &["waybills", "threshold", "10"]);
    assert!(!refused.status.success());
    let refused = s.run_as(
        "YH1",
        &[
            "waybills",
            "add",
            "--courier",
            "圆通速递",
            "--range",
            "YT0151-YT0160",
        ],
    );
    assert!(!refused.status.success());
    let (_, v) = s.json(&["waybills", "status", "--json"]);
    assert_eq!(v[0]["free"], 150, "nothing added by the checker");
}

#[test]
fn a_printed_batch_shows_its_parcels_and_ships_in_bulk_only_when_confirmed() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        let batch = s.printed_batch();
        s.add_staff("DD1", "DD1", "order_printer");
        let parcels = batch["parcels"].as_array().unwrap();
        let held = parcels[1]["order_nos"][0].as_str().unwrap().to_string();
        let held_tracking = parcels[1]["tracking_no"].as_str().unwrap().to_string();
        s.ok(&["review", "hold", &held, "--reason", "address_change"]);
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "DD1", "1234");
        let id = app.print.selected.expect("the batch selected");
        let view = app.print.view.as_ref().expect("its parcels read");
        assert_eq!(view.parcels.len(), parcels.len());
        assert!(view.parcels.iter().all(|p| !p.receiver.is_empty()));
        let first = &view.parcels[0];
        assert!(shows(&app, &format!("1. {}", first.tracking_no)));

        // One click asks (saying the waybills were never printed); nothing ships before the
        // second.
        assert!(!view.on_paper);
        let _ = app.update(pm(print::Message::AskShip(id)));
        assert!(app.print.ship_ask.is_some());
        let asked = packbench::ui::i18n::ship_batch_ask(lang, id, parcels.len() as i64, false);
        assert!(asked.contains(match lang {
            Lang::Zh => "本批快递单还没有打印过",
            Lang::En => "never printed",
        }));
        assert!(shows(&app, &asked), "{asked}");
        let _ = app.update(pm(print::Message::KeepUnshipped));
        let (_, b) = s.json(&["batch", "show", &id.to_string(), "--json"]);
        assert!(
            b["parcels"]
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["stage"] == "printed"),
            "{b}"
        );
        let _ = app.update(pm(print::Message::AskShip(id)));
        let _ = app.update(pm(print::Message::ConfirmShip));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Warning, "{}", n.text.get(lang));
        assert!(
            n.text.get(lang).contains(&held_tracking),
            "the held parcel named"
        );
        // Shipped on Taobao, not yet out of the door: each still checks at a bench (the
        // shop checks every parcel, the default).
        assert!(
            n.text.get(lang).contains(lang.pick("验货", "checked")),
            "{}",
            n.text.get(lang)
        );
        let (_, b) = s.json(&["batch", "show", &id.to_string(), "--json"]);
        for p in b["parcels"].as_array().unwrap() {
            assert_eq!(p["stage"], "printed", "{p}");
        }
        let reported = s.raw().rows(
            "SELECT count(*) FROM parcels WHERE reported_at IS NOT NULL AND stage = 'printed'",
        );
        assert_eq!(
            reported[0][0].as_deref(),
            Some((parcels.len() - 1).to_string().as_str()),
            "reported, the held one left out"
        );
    }
}

/// The fixture export with its catalogue: orders ready to review, merge and print.
fn ready_shop(s: &Scratch) {
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        crate::common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
}

fn parcel_of(s: &Scratch, order_no: &str) -> Option<i64> {
    s.open()
        .read()
        .bench_order(order_no)
        .unwrap()
        .expect("the order")
        .parcel_id
}

#[test]
fn orders_are_merged_kept_apart_and_unmerged_from_the_print_screen() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        ready_shop(&s);
        s.add_staff("DD1", "DD1", "order_printer");
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "DD1", "1234");
        let _ = app.update(pm(print::Message::MergePanel));
        let groups: Vec<Vec<String>> = app
            .print
            .merge
            .as_ref()
            .expect("the panel")
            .lists
            .suggested
            .iter()
            .map(|g| g.iter().map(|o| o.order_no.clone()).collect())
            .collect();
        assert!(!groups.is_empty(), "the fixture has orders to merge");
        let g = groups[0].clone();
        let o = &app.print.merge.as_ref().unwrap().lists.suggested[0][0];
        let line = format!(
            "{} · {} · {} {} {}",
            o.order_no, o.buyer, o.receiver.name, o.receiver.phone, o.receiver.address
        );
        assert!(shows(&app, &line), "{line}");

        // Left apart: no longer offered here, nothing written.
        let _ = app.update(pm(print::Message::KeepApart(g[0].clone())));
        assert!(app.print.merge.as_ref().unwrap().apart.contains(&g[0]));
        assert_eq!(parcel_of(&s, &g[0]), None);

        // Merged: one parcel; listed as merged, not printed; taken apart again.
        let _ = app.update(pm(print::Message::MergeGroup(g.clone())));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        let p = parcel_of(&s, &g[0]).expect("merged");
        assert!(g.iter().all(|no| parcel_of(&s, no) == Some(p)));
        let merged = &app.print.merge.as_ref().unwrap().lists.merged;
        assert!(
            merged.iter().any(|m| m.iter().any(|o| o.order_no == g[0])),
            "listed as merged"
        );
        let _ = app.update(pm(print::Message::Unmerge(g[1].clone())));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert!(g.iter().all(|no| parcel_of(&s, no).is_none()));

        // Merge all: every group suggested becomes one parcel.
        let _ = app.update(pm(print::Message::MergeAll));
        for grp in &groups {
            let p = parcel_of(&s, &grp[0]);
            assert!(p.is_some() && grp.iter().all(|no| parcel_of(&s, no) == p));
        }
        assert!(app.print.merge.as_ref().unwrap().lists.suggested.is_empty());
    }
}

#[test]
fn the_review_queue_holds_releases_and_lets_a_transfer_through() {
    use packbench::domain::review::HoldReason;
    use packbench::ui::screen::{orders::HoldChoice, review};
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        ready_shop(&s);
        s.add_staff("DD1", "DD1", "order_printer");
        s.add_staff("KF1", "KF1", "customer_service");
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "KF1", "1234");
        assert!(
            !app.may_use(Screen::Review),
            "customer service does not review"
        );
        let _ = app.update(Message::SignOut);
        crate::common::sign_in_with(&mut app, "DD1", "1234");
        let _ = app.update(Message::Show(Screen::Review));
        assert_eq!(app.screen, Screen::Review);
        let rv = |m: review::Message| Message::Review(m);
        let code_of = |app: &App, no: &str| {
            app.review
                .orders
                .iter()
                .find(|(o, _)| o.order_no == no)
                .map(|(_, r)| r.code())
        };
        let ready = app
            .review
            .orders
            .iter()
            .find(|(_, r)| r.code() == "ready")
            .map(|(o, _)| o.order_no.clone())
            .expect("a ready order");
        let all = app.review.orders.len();
        let label = format!("{} {all}", packbench::ui::i18n::readiness(lang, None));
        assert!(shows(&app, &label), "{label}");

        // Held with a reason and a note, shown with it; released again.
        let _ = app.update(rv(review::Message::Select(ready.clone())));
        let _ = app.update(rv(review::Message::HoldReasonPicked(HoldChoice {
            reason: HoldReason::AddressChange,
            lang,
        })));
        let _ = app.update(rv(review::Message::HoldNoteChanged(
            "买家要改到公司地址".into(),
        )));
        let _ = app.update(rv(review::Message::Hold));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert_eq!(code_of(&app, &ready), Some("held"));
        let (o, r) = app
            .review
            .orders
            .iter()
            .find(|(o, _)| o.order_no == ready)
            .unwrap();
        let said = packbench::ui::i18n::readiness_of(lang, r, &o.hold_note);
        assert!(said.contains("买家要改到公司地址"), "{said}");
        let _ = app.update(rv(review::Message::Filter(Some("held"))));
        assert!(shows(&app, &said), "{said} in the held list");
        let _ = app.update(rv(review::Message::Release));
        assert_eq!(code_of(&app, &ready), Some("ready"));

        // An unpaid order paid by transfer: let through, with the note in the event log.
        let unpaid = app
            .review
            .orders
            .iter()
            .find(|(_, r)| r.code() == "unpaid")
            .map(|(o, _)| o.order_no.clone())
            .expect("the fixture has an unpaid order");
        let _ = app.update(rv(review::Message::Select(unpaid.clone())));
        let _ = app.update(rv(review::Message::ShipUnpaid));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Done);
        assert_ne!(code_of(&app, &unpaid), Some("unpaid"));
    }
}

#[test]
fn a_receiver_corrected_before_printing_survives_the_next_import() {
    use packbench::ui::screen::review;
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        ready_shop(&s);
        s.add_staff("DD1", "DD1", "order_printer");
        s.add_staff("KF1", "KF1", "customer_service");
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "DD1", "1234");
        let _ = app.update(Message::Show(Screen::Review));
        let (no, old) = app
            .review
            .orders
            .iter()
            .find(|(o, r)| r.code() == "ready" && o.parcel_id.is_none())
            .map(|(o, _)| (o.order_no.clone(), o.receiver.clone()))
            .expect("a ready order");
        let rv = |m: review::Message| Message::Review(m);
        let _ = app.update(rv(review::Message::Select(no.clone())));
        assert_eq!(
            app.review.receiver.2, old.address,
            "the fields start as stored"
        );
        let new_address = "浙江省杭州市西湖区文三路 90 号 东部软件园 3 号楼";
        let _ = app.update(rv(review::Message::ReceiverAddressChanged(
            new_address.into(),
        )));
        let _ = app.update(rv(review::Message::CorrectReceiver));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        let stored = || s.open().read().bench_order(&no).unwrap().unwrap().receiver;
        assert_eq!(stored().address, new_address);
        assert_eq!(stored().name, old.name, "fields not changed stay");
        let logged = s.raw().rows(&format!(
            "SELECT detail FROM events WHERE kind = 'receiver_corrected' AND subject = '{no}'"
        ));
        let detail = logged[0][0].clone().unwrap();
        assert!(
            detail.contains(&old.address) && detail.contains(new_address),
            "{detail}"
        );

        // The next hourly import still has Taobao's old address: the correction stays.
        let again = s.import_fixture("taobao-gbk");
        assert_eq!(stored().address, new_address, "{again}");

        // Customer service may not; a printed or merged order is refused with the reason.
        let cs = s.run_as(
            "KF1",
            &["order", "set-receiver", &no, "--phone", "13800000000"],
        );
        assert!(!cs.status.success());
        assert_eq!(stored().address, new_address);
    }
}

#[test]
fn a_printed_or_merged_order_keeps_its_receiver() {
    let s = Scratch::new();
    s.ensure_store();
    let batch = s.printed_batch();
    let printed = batch["parcels"][0]["order_nos"][0]
        .as_str()
        .unwrap()
        .to_string();
    let out = s.run(&["order", "set-receiver", &printed, "--address", "别处"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("已打印快递单"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Merged, not printed: unmerge first (merged orders share one receiver).
    let t = Scratch::new();
    t.ensure_store();
    ready_shop(&t);
    t.ok(&["merge", "--auto"]);
    let rows = t
        .raw()
        .rows("SELECT order_no FROM orders WHERE parcel_id IS NOT NULL ORDER BY id LIMIT 1");
    let merged = rows[0][0].clone().expect("a merged order");
    let out = t.run(&["order", "set-receiver", &merged, "--address", "别处"]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("先拆开"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn an_orders_status_is_set_by_hand_on_the_orders_screen_with_a_reason() {
    use packbench::domain::OrderStatus;
    use packbench::ui::screen::orders;
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        s.ensure_store();
        ready_shop(&s);
        s.add_staff("KF1", "客服一", "customer_service");
        let no = s
            .raw()
            .text("SELECT order_no FROM orders WHERE status = 'paid' ORDER BY id LIMIT 1")
            .unwrap();
        let status = || s.open().read().bench_order(&no).unwrap().unwrap().status;
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        let _ = app.update(Message::Show(Screen::Orders));
        let om = Message::Orders;
        let _ = app.update(om(orders::Message::Open(no.clone())));
        assert!(app.orders.selected.is_some());
        let _ = app.update(om(orders::Message::NewStatusPicked(orders::StatusChoice {
            status: Some(OrderStatus::Closed),
            lang,
        })));
        // No reason: the flow refuses it too (the button is off).
        let _ = app.update(om(orders::Message::SetStatus));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
        assert_eq!(status(), OrderStatus::Paid);
        let _ = app.update(om(orders::Message::StatusReasonChanged(
            "买家电话取消".into(),
        )));
        let _ = app.update(om(orders::Message::SetStatus));
        assert_eq!(status(), OrderStatus::Closed);
        let logged = s.raw().text(&format!(
            "SELECT detail FROM events WHERE kind = 'order_status_changed' AND subject = '{no}' ORDER BY id DESC LIMIT 1"
        ));
        assert!(logged.unwrap().contains("买家电话取消"));
        assert!(app.orders.status_reason.is_empty(), "the form is cleared");

        // Customer service sees the order but may not change it.
        let _ = app.update(Message::SignOut);
        crate::common::sign_in_with(&mut app, "KF1", "1234");
        let _ = app.update(Message::Show(Screen::Orders));
        let _ = app.update(om(orders::Message::Open(no.clone())));
        let _ = app.update(om(orders::Message::NewStatusPicked(orders::StatusChoice {
            status: Some(OrderStatus::Paid),
            lang,
        })));
        let _ = app.update(om(orders::Message::StatusReasonChanged("试试".into())));
        let _ = app.update(om(orders::Message::SetStatus));
        assert_eq!(app.notice.as_ref().unwrap().tone, Tone::Failed);
        assert_eq!(status(), OrderStatus::Closed);
    }
}
