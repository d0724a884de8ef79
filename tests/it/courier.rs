//! 指定快递: one order must go by a courier of its own. Only a batch of that courier takes it; a
//! merged order's whole parcel follows; a printed one keeps its waybill's; who may; the review
//! screen sets it too.

use crate::common::{Scratch, fixture};
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, review};
use packbench::ui::{App, Message};

fn shop(s: &Scratch) {
    s.ensure_store();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    for (courier, range) in [
        ("ZTO", "7700000001-7700000099"),
        ("SF", "SF1000000001-SF1000000009"),
    ] {
        s.ok(&["waybills", "add", "--courier", courier, "--range", range]);
    }
}

fn ready_order(s: &Scratch) -> String {
    let (_, list) = s.json(&["review", "list", "--json"]);
    list.as_array()
        .unwrap()
        .iter()
        .find(|o| o["state"] == "ready")
        .map(|o| o["order_no"].as_str().unwrap().to_string())
        .expect("a ready order")
}

fn orders_in(batch: &serde_json::Value) -> Vec<String> {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["order_nos"].as_array().unwrap().iter())
        .map(|n| n.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_order_with_a_courier_of_its_own_waits_for_that_couriers_batch() {
    let s = Scratch::new();
    shop(&s);
    let no = ready_order(&s);
    s.add_staff("KF1", "客服一", "customer_service");
    s.fails_as("KF1", &["order", "set-courier", &no, "SF"]);
    let long = "快".repeat(33);
    let err = s.fails_as("admin", &["order", "set-courier", &no, &long]);
    assert!(err.contains("32"), "{err}");
    s.ok(&["order", "set-courier", &no, "SF"]);
    let logged = s.raw().int(&format!(
        "SELECT count(*) FROM events WHERE kind = 'courier_chosen' AND subject = '{no}'"
    ));
    assert_eq!(logged, 1);

    let (ok, zto) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{zto}");
    assert!(!orders_in(&zto).contains(&no), "the ZTO batch leaves it");
    let (ok, sf) = s.json(&["batch", "create", "--courier", "SF", "--json"]);
    assert!(ok, "{sf}");
    assert_eq!(
        orders_in(&sf),
        std::slice::from_ref(&no),
        "the SF batch takes it, and only it"
    );
    let tracking = sf["parcels"][0]["tracking_no"].as_str().unwrap();
    assert!(tracking.starts_with("SF"), "{sf}");

    // Printed: its courier stays.
    let err = s.fails_as("admin", &["order", "set-courier", &no, "EMS"]);
    assert!(err.contains("已打印快递单"), "{err}");
}

#[test]
fn a_merged_parcel_goes_by_one_courier_and_any_courier_again() {
    let s = Scratch::new();
    shop(&s);
    s.ok(&["merge", "--auto"]);
    let merged = s.raw().rows(
        "SELECT order_no, parcel_id FROM orders WHERE parcel_id IS NOT NULL ORDER BY parcel_id, id",
    );
    let (first, parcel) = (merged[0][0].clone().unwrap(), merged[0][1].clone().unwrap());
    let members: Vec<String> = merged
        .iter()
        .filter(|r| r[1].as_deref() == Some(parcel.as_str()))
        .map(|r| r[0].clone().unwrap())
        .collect();
    assert!(members.len() > 1);
    s.ok(&["order", "set-courier", &first, "SF"]);
    for m in &members {
        let wanted = s.raw().text(&format!(
            "SELECT courier_wanted FROM orders WHERE order_no = '{m}'"
        ));
        assert_eq!(wanted.as_deref(), Some("SF"), "{m}");
    }
    let (ok, zto) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{zto}");
    assert!(members.iter().all(|m| !orders_in(&zto).contains(m)));
    // Any courier again: a ZTO batch takes the parcel.
    s.ok(&["order", "set-courier", &first]);
    let (ok, again) = s.json(&["batch", "create", "--courier", "ZTO", "--json"]);
    assert!(ok, "{again}");
    assert!(
        members.iter().all(|m| orders_in(&again).contains(m)),
        "{again}"
    );
}

#[test]
fn the_review_screen_sets_a_courier_for_one_order() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        shop(&s);
        let no = ready_order(&s);
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        let _ = app.update(Message::Show(Screen::Review));
        let rv = Message::Review;
        let _ = app.update(rv(review::Message::Select(no.clone())));
        assert_eq!(app.review.courier, "");
        let _ = app.update(rv(review::Message::CourierChanged("SF".into())));
        let _ = app.update(rv(review::Message::SetCourier));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        let wanted = || {
            s.open()
                .read()
                .bench_order(&no)
                .unwrap()
                .unwrap()
                .courier_wanted
        };
        assert_eq!(wanted().as_deref(), Some("SF"));
        // Emptied: any courier again.
        let _ = app.update(rv(review::Message::Select(no.clone())));
        assert_eq!(
            app.review.courier, "SF",
            "the field shows the order's courier"
        );
        let _ = app.update(rv(review::Message::CourierChanged(String::new())));
        let _ = app.update(rv(review::Message::SetCourier));
        assert_eq!(wanted(), None);
    }
}
