//! The Chinese on waybills and labels is real text in the embedded font: it extracts back with
//! pdftotext, a long address wraps inside the page, and one subset font is embedded per PDF.

use crate::common::{Scratch, pdf_text, require_tool, squeeze};
use packbench::domain::{Barcode, Fen};
use packbench::print::label::{self, Label, LabelOptions};
use packbench::print::waybill::{self, Sender, Waybill, WaybillItem, WaybillOptions, WaybillSize};
use std::process::Command;

#[test]
fn receivers_and_addresses_extract_back_from_the_waybills() {
    let s = Scratch::new();
    s.ok(&["settings", "set", "shop.sender_name", "小林家原创女装店"]);
    s.ok(&[
        "settings",
        "set",
        "shop.sender_address",
        "浙江省杭州市余杭区文一西路998号",
    ]);
    let batch = s.printed_batch();
    let pdf = s.path("w.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let text = squeeze(&pdf_text(&pdf));
    assert!(text.contains("小林家原创女装店") && text.contains("浙江省杭州市余杭区文一西路998号"));
    for p in batch["parcels"].as_array().unwrap() {
        let order_no = p["order_nos"][0].as_str().unwrap();
        let (_, o) = s.json(&["order", "show", order_no, "--json"]);
        let name = o["receiver"]["name"].as_str().unwrap();
        let address = squeeze(o["receiver"]["address"].as_str().unwrap());
        assert!(
            text.contains(&squeeze(name)),
            "receiver {name} of {order_no}"
        );
        assert!(text.contains(&address), "address of {order_no}: {address}");
        // The phone is masked by default.
        let phone = o["receiver"]["phone"].as_str().unwrap();
        if phone.len() == 11 {
            assert!(text.contains(&format!("{}****{}", &phone[..3], &phone[7..])));
            assert!(!text.contains(phone));
        }
    }
    // One font, embedded as a subset.
    require_tool("pdffonts", "poppler-utils");
    let fonts = Command::new("pdffonts").arg(&pdf).output().unwrap();
    let fonts = String::from_utf8_lossy(&fonts.stdout);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert_eq!(rows.len(), 1, "{fonts}");
    assert!(
        rows[0].contains("NotoSansCJK") && rows[0].contains("yes yes yes"),
        "{fonts}"
    );
    let size = std::fs::metadata(&pdf).unwrap().len();
    let pages = batch["parcels"].as_array().unwrap().len() as u64;
    assert!(
        size < 20_000 + pages * 3_000,
        "{size} bytes for {pages} waybills"
    );
}

fn long_address() -> String {
    let a = "新疆维吾尔自治区 伊犁哈萨克自治州 霍尔果斯市 卡拉苏河东路 中哈霍尔果斯国际边境合作中心\
             中方配套区 国际商贸城B区3栋2单元1701室（工作日请送到一楼物业前台，周末请先打电话13800138000\
             确认家里有人再送，放门口鞋柜上也可以，谢谢师傅！）";
    let n = a.chars().count();
    assert!(n >= 120, "{n}");
    a.to_string()
}

fn waybill(address: &str) -> Waybill {
    Waybill {
        courier: "YTO".into(),
        tracking_no: "YT1234567890123".into(),
        batch_id: packbench::domain::BatchId(7),
        seq: 3,
        of: 12,
        receiver_name: "欧阳娜娜".into(),
        receiver_phone: "13800138000".into(),
        receiver_address: address.into(),
        sender: Sender {
            name: "小林家".into(),
            phone: "0571-88886666".into(),
            address: "杭州".into(),
        },
        order_nos: vec!["2604015407453871400".into()],
        items: vec![WaybillItem {
            sku_code: "TX2017-GY-S".into(),
            qty: 2,
            spec: "颜色分类：灰色；尺码：S".into(),
        }],
        buyer_message: "请用顺丰 😀".into(),
        printed_at: "2026-11-27 09:30".into(),
        reprint: false,
    }
}

/// A word and its box: text, x min, y min, x max, y max.
type Word = (String, f32, f32, f32, f32);

/// The words of page 1 with their boxes, from `pdftotext -bbox` (points from the top-left).
fn words(pdf: &std::path::Path) -> (f32, f32, Vec<Word>) {
    let out = Command::new("pdftotext")
        .args(["-bbox", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout).into_owned();
    let attr = |tag: &str, name: &str| -> f32 {
        let i = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        tag[i..].split('"').next().unwrap().parse().unwrap()
    };
    let page = html.split("<page ").nth(1).unwrap();
    let (w, h) = (attr(page, "width"), attr(page, "height"));
    let mut out = Vec::new();
    for part in html.split("<word ").skip(1) {
        let text = part
            .split('>')
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_string();
        out.push((
            text,
            attr(part, "xMin"),
            attr(part, "yMin"),
            attr(part, "xMax"),
            attr(part, "yMax"),
        ));
    }
    (w, h, out)
}

#[test]
fn a_120_character_address_wraps_inside_every_waybill_size() {
    require_tool("pdftotext", "poppler-utils");
    let address = long_address();
    let dir = tempfile::tempdir().unwrap();
    for size in WaybillSize::ALL {
        let pdf = dir.path().join(format!("{}.pdf", size.code()));
        let bytes = waybill::pdf(
            &[waybill(&address)],
            &WaybillOptions {
                size,
                ..Default::default()
            },
        )
        .unwrap();
        std::fs::write(&pdf, bytes).unwrap();
        let text = squeeze(&pdf_text(&pdf));
        assert!(
            text.contains(&squeeze(&address)),
            "{}: address not whole: {text}",
            size.code()
        );
        assert!(text.contains("欧阳娜娜138****8000"), "{text}");
        // A character the font lacks is shown as ？, not dropped.
        assert!(text.contains("请用顺丰？"), "{text}");
        let (w, h, words) = words(&pdf);
        let (mm_w, mm_h) = size.mm();
        assert!((w - mm_w * 72.0 / 25.4).abs() < 0.5 && (h - mm_h * 72.0 / 25.4).abs() < 0.5);
        assert!(words.len() > 10);
        for (t, x0, y0, x1, y1) in &words {
            assert!(
                *x0 >= 0.0 && *y0 >= 0.0 && *x1 <= w - 2.0 && *y1 <= h,
                "{}: {t:?} at {x0},{y0}–{x1},{y1} leaves the {w}×{h} page",
                size.code()
            );
        }
        // The address takes several lines.
        let lines_with_address = words
            .iter()
            .filter(|(t, ..)| address.contains(t.as_str()) && t.chars().count() > 3)
            .map(|(_, _, y0, ..)| (*y0 * 10.0) as i64)
            .collect::<std::collections::BTreeSet<_>>();
        assert!(
            lines_with_address.len() >= 3,
            "{}: {lines_with_address:?}",
            size.code()
        );
    }
}

#[test]
fn a_name_and_an_address_outside_gb2312_print_as_written() {
    // 喆 堃 玥 珺: GBK, not GB2312 (a GB2312 font printed them as ？); 㐀: CJK Extension A; 𬌗:
    // 通用规范汉字表, beyond the BMP.
    let mut w = waybill("北京市海淀区堃玥路8号珺镕昇小区㐀栋");
    w.receiver_name = "王喆𬌗".into();
    w.buyer_message = "犇淼".into();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("w.pdf");
    std::fs::write(
        &pdf,
        waybill::pdf(&[w], &WaybillOptions::default()).unwrap(),
    )
    .unwrap();
    let text = squeeze(&pdf_text(&pdf));
    for want in ["王喆𬌗", "北京市海淀区堃玥路8号珺镕昇小区㐀栋", "犇淼"] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert!(!text.contains('？'), "{text}");
}

#[test]
fn label_text_extracts_and_a_whole_font_is_never_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("l.pdf");
    let l = Label {
        sku_code: "WY2018-BK-M".into(),
        barcode: Barcode::parse("6907316442385").unwrap(),
        name: "加绒卫衣女秋冬连帽外套".into(),
        spec: "颜色分类：黑色；尺码：M".into(),
        price: Fen(3900),
        bin: Some("C-04-1".into()),
    };
    std::fs::write(&pdf, label::pdf(&[l], &LabelOptions::default()).unwrap()).unwrap();
    let text = squeeze(&pdf_text(&pdf));
    for want in [
        "加绒卫衣女秋冬连帽外套",
        "黑色M",
        "￥39.00",
        "WY2018-BK-M",
        "C-04-1",
        "6907316442385",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    // With printpdf's text_layout the font is subset: a label is kilobytes, not megabytes.
    let size = std::fs::metadata(&pdf).unwrap().len();
    assert!(size < 40_000, "{size} bytes");
}
