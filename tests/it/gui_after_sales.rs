//! The after-sales screen (售后), headless, in both languages: a printed parcel's waybill voided
//! and replaced (printed to the station's folder), the exceptions list handled; a phone order
//! entered (a mistake refused with the form kept); a return received at the desk by scans; who
//! may open it.

use crate::common::{Scratch, verdicts};
use packbench::scan::{Scan, Source};
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, after_sales};
use packbench::ui::{App, Message};

fn am(m: after_sales::Message) -> Message {
    Message::AfterSales(m)
}

fn scan(code: &str) -> Message {
    Message::Scanned(Scan {
        code: code.into(),
        symbology: None,
        source: Source::Wedge,
        at: std::time::SystemTime::now(),
    })
}

fn tone(app: &App) -> Tone {
    app.notice.as_ref().expect("a notice").tone
}

fn said(app: &App, lang: Lang) -> String {
    app.notice
        .as_ref()
        .map(|n| n.text.get(lang).to_string())
        .unwrap_or_default()
}

fn as_staff(app: &mut App, code: &str) {
    let _ = app.update(Message::SignOut);
    crate::common::sign_in_with(app, code, "1234");
    assert!(app.actor.is_some(), "{code} signs in");
}

#[test]
fn a_voided_waybill_is_replaced_and_printed_and_the_list_handled_from_the_window() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        let batch = s.printed_batch();
        s.add_staff("DD1", "打单一", "order_printer");
        s.add_staff("YH1", "验货一", "checker");
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_staff(&mut app, "YH1");
        assert!(
            !app.may_use(Screen::AfterSales),
            "a checker has no after-sales"
        );
        as_staff(&mut app, "DD1");
        // (after sign-in: it takes up the station's print folder)
        crate::common::print_into_scratch(&mut app, &s);
        let _ = app.update(Message::Show(Screen::AfterSales));
        assert_eq!(app.screen, Screen::AfterSales);

        let p = &batch["parcels"][0];
        let old = p["tracking_no"].as_str().unwrap();
        // A scan of the parcel's label opens its changes.
        let _ = app.update(scan(old));
        assert_eq!(app.after_sales.tab, after_sales::Tab::Parcel);
        assert_eq!(app.after_sales.tracking, old);
        // No reason: refused, nothing voided.
        let _ = app.update(am(after_sales::Message::Void));
        assert_eq!(tone(&app), Tone::Failed, "{}", said(&app, lang));
        assert!(
            s.raw()
                .text(&format!(
                    "SELECT tracking_no FROM waybill_voids WHERE tracking_no = '{old}'"
                ))
                .is_none()
        );
        let _ = app.update(am(after_sales::Message::ReasonChanged("面单打花了".into())));
        let _ = app.update(am(after_sales::Message::Void));
        assert_eq!(tone(&app), Tone::Warning, "{}", said(&app, lang));
        assert!(said(&app, lang).contains(old));
        // The order number is filled in for the new waybill; the buyer moved, too.
        assert_eq!(
            app.after_sales.order_no,
            p["order_nos"][0].as_str().unwrap()
        );
        let _ = app.update(am(after_sales::Message::NewAddressChanged(
            "江苏省南京市鼓楼区新地址路 8 号".into(),
        )));
        let _ = app.update(am(after_sales::Message::CorrectReceiver));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        let _ = app.update(am(after_sales::Message::NewWaybill));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        let new = app.after_sales.tracking.clone();
        assert_ne!(new, old);
        let pdfs: Vec<_> = std::fs::read_dir(&app.after_sales.out_dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("waybill-"))
            .collect();
        assert_eq!(
            pdfs.len(),
            1,
            "the new waybill printed to the station's folder"
        );
        let codes = crate::common::decode_all(&pdfs[0].path(), 203);
        assert!(codes.contains(&new), "its barcode reads {new}: {codes:?}");
        assert!(
            crate::common::squeeze(&crate::common::pdf_text(&pdfs[0].path())).contains("新地址路"),
            "the new waybill carries the new address"
        );

        // The void is on the printer's list; handled from it.
        let _ = app.update(am(after_sales::Message::TabPicked(
            after_sales::Tab::Exceptions,
        )));
        let list = &app.after_sales.exceptions;
        assert_eq!(list.len(), 1, "{list:?}");
        let id = list[0].id;
        let _ = app.update(am(after_sales::Message::NoteChanged("旧单已撕".into())));
        let _ = app.update(am(after_sales::Message::Handle(id)));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert!(app.after_sales.exceptions.is_empty());
        let by = s.raw().text(&format!(
            "SELECT s.code FROM exceptions e JOIN staff s ON s.id = e.handled_by WHERE e.id = {id}"
        ));
        assert_eq!(by.as_deref(), Some("DD1"), "attributed");
    }
}

#[test]
fn a_phone_order_and_a_return_are_taken_in_by_the_supervisor() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        let batch = s.printed_batch();
        s.add_staff("ZG1", "主管一", "cs_supervisor");
        // A parcel ships, then its buyer returns it.
        let p = &batch["parcels"][0];
        let order = p["order_nos"][0].as_str().unwrap();
        let mut scans = vec![p["tracking_no"].as_str().unwrap().to_string()];
        for l in p["lines"].as_array().unwrap() {
            for _ in 0..l["qty"].as_u64().unwrap() {
                scans.push(l["sku_code"].as_str().unwrap().to_string());
            }
        }
        let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
        assert_eq!(
            verdicts(&s.scan("bench-1", "check", &refs)).last().unwrap(),
            "shipped"
        );
        let csv = format!(
            "订单编号,退款编号,退款状态,买家退款金额,商品编码,退货物流单号\r\n\"=\"\"{order}\"\"\",\"=\"\"700001\"\"\",买家已经退货，等待卖家确认收货,10.00,,YT6000000001\r\n"
        );
        let f = s.path("r.csv");
        crate::common::write_gbk(&f, &csv);
        s.ok(&["import", "refunds", f.to_str().unwrap()]);

        let mut app = App::with_store(s.open(), "desk-1", lang);
        as_staff(&mut app, "ZG1");
        crate::common::print_into_scratch(&mut app, &s);
        let _ = app.update(Message::Show(Screen::AfterSales));

        // The phone order: a bad phone refused, the form kept; put right, entered.
        let _ = app.update(am(after_sales::Message::TabPicked(after_sales::Tab::Phone)));
        let sku = p["lines"][0]["sku_code"].as_str().unwrap();
        for m in [
            after_sales::Message::NameChanged("王先生".into()),
            after_sales::Message::PhoneChanged("123".into()),
            after_sales::Message::AddressChanged("浙江省杭州市西湖区文三路 9 号".into()),
            after_sales::Message::LinesChanged(format!("{sku}×2")),
            after_sales::Message::PaidToggled(true),
            after_sales::Message::CreateOrder,
        ] {
            let _ = app.update(am(m));
        }
        assert_eq!(tone(&app), Tone::Failed);
        assert!(said(&app, lang).contains("123"), "{}", said(&app, lang));
        assert_eq!(
            app.after_sales.phone.name, "王先生",
            "nothing typed is lost"
        );
        let _ = app.update(am(after_sales::Message::PhoneChanged("13800001111".into())));
        let _ = app.update(am(after_sales::Message::CreateOrder));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert_eq!(
            s.raw()
                .int("SELECT count(*) FROM orders WHERE origin = 'phone' AND status = 'paid'"),
            1
        );

        // The return desk: its DAMAGED card printed from the screen, then the waybill, each
        // item, received.
        let _ = app.update(am(after_sales::Message::TabPicked(
            after_sales::Tab::Returns,
        )));
        let _ = app.update(am(after_sales::Message::PrintCards));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        let cards: Vec<_> = std::fs::read_dir(&app.after_sales.out_dir)
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("cards-"))
            .collect();
        let codes = crate::common::decode_all(&cards[0].path(), 203);
        assert!(
            codes.contains("DAMAGED") && codes.contains("MISSING"),
            "{codes:?}"
        );
        let _ = app.update(scan("YT6000000001"));
        assert_eq!(app.after_sales.returns[0].name(), "return_opened");
        for sku in &scans[1..] {
            let _ = app.update(scan(sku));
        }
        assert_eq!(
            app.after_sales.returns[0].name(),
            "return_posted",
            "{:?}",
            app.after_sales.returns
        );
        assert!(
            s.raw()
                .int("SELECT count(*) FROM stock_moves WHERE kind = 'return'")
                > 0
        );
        // The orders screen shows the order's refund and the return received.
        let _ = app.update(Message::Show(Screen::Orders));
        let _ = app.update(Message::Orders(
            packbench::ui::screen::orders::Message::Open(order.to_string()),
        ));
        assert_eq!(app.orders.after.refunds.len(), 1);
        assert!(app.orders.after.returns[0].posted_at.is_some());
        let lines = packbench::ui::i18n::after_sale_lines(lang, &app.orders.after);
        assert!(
            lines.iter().any(|l| l.contains("YT6000000001")),
            "{lines:?}"
        );
        // The label printer scans the return's waybill: its good units' labels (退货贴条码).
        s.add_staff("TM1", "条码一", "label_printer");
        as_staff(&mut app, "TM1");
        let _ = app.update(Message::Show(Screen::Labels));
        let _ = app.update(scan("YT6000000001"));
        let mut want: Vec<&str> = scans[1..].iter().map(String::as_str).collect();
        let mut got: Vec<&str> = app.labels.skus.split(' ').collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "a label per unit back on the shelf");
    }
}
