//! The products screen and the review screen's matching, headless, in both languages: find a
//! product, edit it (bad input refused, nothing written), set its picture from the chooser and
//! a folder of pictures (all or nothing, then the good ones); match an order line without a
//! merchant code to a product by its picture; who may and who may not.

use crate::common::{Scratch, fixture};
use packbench::ui::files;
use packbench::ui::i18n::Lang;
use packbench::ui::screen::{Screen, Tone, products, review};
use packbench::ui::{App, Message};

fn pm(m: products::Message) -> Message {
    Message::Products(m)
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

fn shop(s: &Scratch) {
    s.ensure_store();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
}

fn png(path: &std::path::Path, rgb: [u8; 3]) {
    image::RgbImage::from_pixel(300, 400, image::Rgb(rgb))
        .save(path)
        .unwrap();
}

fn price_of(s: &Scratch, sku: &str) -> i64 {
    s.open()
        .read()
        .product_by_sku(sku)
        .unwrap()
        .unwrap()
        .1
        .price
        .0
}

#[test]
fn products_are_found_edited_and_given_pictures_from_the_window() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        shop(&s);
        s.add_staff("CG1", "采购一", "purchaser");
        s.add_staff("PH1", "配货一", "picker");
        let mut app = App::with_store(s.open(), "office-1", lang);

        // A picker has no products screen.
        as_staff(&mut app, "PH1");
        assert!(!app.may_use(Screen::Products));

        as_staff(&mut app, "CG1");
        let _ = app.update(Message::Show(Screen::Products));
        assert_eq!(app.screen, Screen::Products);
        assert!(app.products.total > 10, "the catalogue is listed");

        // Words of name and spec narrow it down; one hit is opened.
        let _ = app.update(pm(products::Message::QueryChanged("羽绒 灰色 XL".into())));
        let skus: Vec<&str> = app
            .products
            .hits
            .iter()
            .map(|h| h.product.sku_code.as_str())
            .collect();
        assert!(skus.contains(&"YR2017-GY-XL"), "{skus:?}");
        assert!(skus.iter().all(|k| k.starts_with("YR2017-GY")), "{skus:?}");
        let _ = app.update(pm(products::Message::Select("YR2017-GY-XL".into())));
        assert_eq!(app.products.form.price, "99.00");

        // A bad price: refused, said, nothing written, the form keeps what was typed.
        let _ = app.update(pm(products::Message::PriceChanged("九十九".into())));
        let _ = app.update(pm(products::Message::Save));
        assert_eq!(tone(&app), Tone::Failed, "{}", said(&app, lang));
        assert_eq!(price_of(&s, "YR2017-GY-XL"), 9900);
        assert_eq!(app.products.form.price, "九十九");

        let _ = app.update(pm(products::Message::PriceChanged("109.5".into())));
        let _ = app.update(pm(products::Message::BinChanged("C-09-9".into())));
        let _ = app.update(pm(products::Message::Save));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert_eq!(price_of(&s, "YR2017-GY-XL"), 10950);

        // A picture from the chooser.
        let pic = s.path("grey.png");
        png(&pic, [128, 128, 128]);
        let _ = app.update(pm(products::Message::ChoosePicture));
        assert!(app.products.chooser.is_some());
        let _ = app.update(pm(products::Message::Chooser(files::Message::Pick(pic))));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert!(app.products.pictures.has("YR2017-GY-XL"), "shown at once");
        assert!(app.products.chooser.is_none());

        // A folder with a bad file: nothing set until the good ones are asked for.
        let dir = s.path("pics");
        std::fs::create_dir_all(&dir).unwrap();
        png(&dir.join("NZ2017-WH-M.png"), [250, 250, 250]);
        std::fs::write(dir.join("YR2017-BK-XL.jpg"), b"not a jpeg").unwrap();
        let count = || s.raw().int("SELECT count(*) FROM product_images");
        let _ = app.update(pm(products::Message::ChooseFolder));
        let _ = app.update(pm(products::Message::Chooser(files::Message::Pick(
            dir.clone(),
        ))));
        assert_eq!(tone(&app), Tone::Failed, "{}", said(&app, lang));
        assert_eq!(count(), 1, "nothing of the folder was set");
        let bad = &app
            .products
            .folder
            .as_ref()
            .expect("the refused folder")
            .1
            .bad;
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].file, "YR2017-BK-XL.jpg");
        let _ = app.update(pm(products::Message::FolderGoodOnly));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert_eq!(count(), 2);

        // A product without a barcode gets one by the shop's rule, then its labels.
        let bare = s
            .raw()
            .text("SELECT sku_code FROM products WHERE barcode IS NULL ORDER BY sku_code LIMIT 1")
            .expect("a product without a barcode");
        let _ = app.update(pm(products::Message::QueryChanged(bare.clone())));
        let _ = app.update(pm(products::Message::Select(bare.clone())));
        let _ = app.update(pm(products::Message::GiveBarcode));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        let given = s
            .open()
            .read()
            .product_by_sku(&bare)
            .unwrap()
            .unwrap()
            .1
            .barcode;
        let given = given.expect("a barcode now").as_str().to_string();
        assert!(given.starts_with('2') && given.len() == 13, "{given}");
        assert_eq!(app.products.form.barcode, given);
        let _ = app.update(pm(products::Message::PrintLabels(bare.clone())));
        assert_eq!(app.screen, Screen::Labels);
        assert_eq!(app.labels.skus, bare, "the labels screen has it filled in");
        let _ = app.update(Message::Show(Screen::Products));

        // Customer service looks stock up elsewhere; a stock keeper may open and edit.
        s.add_staff("KC1", "库管一", "stock_keeper");
        as_staff(&mut app, "KC1");
        assert!(app.may_use(Screen::Products));
    }
}

#[test]
fn a_line_without_a_merchant_code_is_matched_on_the_review_screen_by_its_picture() {
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        shop(&s);
        let files = crate::catalog::export_without_codes(&s, "day1", &[]);
        s.ok(&[
            "import",
            "orders",
            files.0.to_str().unwrap(),
            files.1.to_str().unwrap(),
        ]);
        let pic = s.path("grey.png");
        png(&pic, [128, 128, 128]);
        s.ok(&["product", "picture", "YR2017-GY-XL", pic.to_str().unwrap()]);
        s.add_staff("DD1", "打单一", "order_printer");
        let mut app = App::with_store(s.open(), "office-1", lang);
        as_staff(&mut app, "DD1");
        let _ = app.update(Message::Show(Screen::Review));
        let rv = Message::Review;
        let _ = app.update(rv(review::Message::Filter(Some("unresolved"))));
        let no = app
            .review
            .orders
            .iter()
            .find(|(o, _)| o.lines.iter().any(|l| l.sku_code.is_empty()))
            .map(|(o, _)| o.order_no.clone())
            .expect("an order with an empty merchant code");
        let _ = app.update(rv(review::Message::Select(no.clone())));
        assert!(!app.review.to_match.is_empty());
        assert!(
            app.review.match_line.is_some(),
            "the first line to match is chosen"
        );

        let _ = app.update(rv(review::Message::MatchQueryChanged("羽绒 灰色".into())));
        assert!(
            app.review
                .match_hits
                .iter()
                .any(|h| h.product.sku_code == "YR2017-GY-XL"),
            "found by name and spec"
        );
        assert!(
            app.review.pictures.has("YR2017-GY-XL"),
            "its picture beside it"
        );
        let _ = app.update(rv(review::Message::Match("YR2017-GY-XL".into())));
        assert_eq!(tone(&app), Tone::Done, "{}", said(&app, lang));
        assert!(said(&app, lang).contains("YR2017-GY-XL"));
        let o = s.open().read().bench_order(&no).unwrap().unwrap();
        assert!(o.lines.iter().all(|l| !l.sku_code.is_empty()));
        let ready = app
            .review
            .orders
            .iter()
            .find(|(o, _)| o.order_no == no)
            .map(|(_, r)| r.code());
        assert_ne!(ready, Some("unresolved"), "the queue was read again");

        // Customer service has no review screen.
        s.add_staff("KF1", "客服一", "customer_service");
        as_staff(&mut app, "KF1");
        assert!(!app.may_use(Screen::Review));
    }
}
