//! Every barcode printed decodes: waybills, pick lists and labels rendered as a 203-dpi and a
//! 300-dpi printer would (`pdftoppm -gray`), read with zbar; the decoded set must be exactly the
//! intended one.

use crate::common::{self, Scratch, decode_all, decode_pages, fixture, pdf_info};
use std::collections::BTreeSet;

fn tracking_numbers(batch: &serde_json::Value) -> Vec<String> {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[String]) -> BTreeSet<String> {
    items.iter().cloned().collect()
}

#[test]
fn every_tracking_number_of_a_batch_decodes_on_its_own_page() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let tracking = tracking_numbers(&batch);
    assert!(tracking.len() > 10);
    let pdf = s.path("waybills.pdf");
    let (ok, out) = s.json(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{out}");
    assert_eq!(out["pages"], tracking.len());
    assert_eq!(out["reprint"], false);
    let (size, pages) = pdf_info(&pdf);
    assert_eq!(pages, tracking.len());
    assert!(
        size.starts_with("283.46") && size.contains("510.2"),
        "100×180 mm: {size}"
    );
    for dpi in [203, 300] {
        let per_page = decode_pages(&pdf, dpi);
        assert_eq!(per_page.len(), tracking.len());
        for (page, t) in per_page.iter().zip(&tracking) {
            // The courier's part and the receiver's stub carry the same number.
            assert_eq!(page, &set(std::slice::from_ref(t)), "at {dpi} dpi");
        }
    }
    // A second print of the batch is a reprint: 补打 on every page.
    let again = s.path("again.pdf");
    let (ok, out) = s.json(&[
        "print",
        "waybills",
        "--batch",
        "1",
        "--out",
        again.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok && out["reprint"] == true, "{out}");
    let text = common::pdf_text(&again);
    assert_eq!(text.matches("补打").count(), tracking.len());
}

#[test]
fn every_waybill_size_and_resolution_decodes() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let tracking = set(&tracking_numbers(&batch));
    for size in ["100x150", "76x130"] {
        for dpi in ["203", "300"] {
            let pdf = s.path(&format!("w-{size}-{dpi}.pdf"));
            s.ok(&[
                "print",
                "waybills",
                "--batch",
                "B1",
                "--size",
                size,
                "--dpi",
                dpi,
                "--out",
                pdf.to_str().unwrap(),
            ]);
            for render in [203, 300] {
                assert_eq!(
                    decode_all(&pdf, render),
                    tracking,
                    "{size} laid out for {dpi} dpi, rendered at {render}"
                );
            }
        }
    }
    let (size, _) = pdf_info(&s.path("w-76x130-203.pdf"));
    assert!(
        size.starts_with("215.43") && size.contains("368.5"),
        "76×130 mm: {size}"
    );
    // Reprint one parcel only.
    let one = &tracking_numbers(&batch)[3];
    let pdf = s.path("one.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--only",
        one,
        "--out",
        pdf.to_str().unwrap(),
    ]);
    assert_eq!(
        decode_pages(&pdf, 203),
        vec![set(std::slice::from_ref(one))]
    );
}

#[test]
fn the_pick_list_carries_the_batch_barcode_and_nothing_else() {
    let s = Scratch::new();
    s.printed_batch();
    let pdf = s.path("picklist.pdf");
    let (ok, out) = s.json(&[
        "print",
        "picklist",
        "--batch",
        "B1",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{out}");
    let (size, pages) = pdf_info(&pdf);
    assert!(size.contains("(A4)"), "{size}");
    assert_eq!(out["pages"], pages);
    for dpi in [203, 300] {
        for page in decode_pages(&pdf, dpi) {
            assert_eq!(page, set(&["B1".to_string()]), "at {dpi} dpi");
        }
    }
    // Its lines are the pick list's, in bin order.
    let (_, list) = s.json(&["batch", "picklist", "1", "--json"]);
    let text = common::pdf_text(&pdf);
    let mut at = 0;
    for l in list["lines"].as_array().unwrap_or(&Vec::new()) {
        let sku = l["sku_code"].as_str().unwrap();
        let pos = text[at..].find(sku).map(|p| p + at);
        assert!(pos.is_some(), "{sku} missing or out of bin order");
        at = pos.unwrap();
    }
}

/// The products of the fixture catalogue with their barcodes.
fn catalogue() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(fixture("taobao-gbk", "products.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.trim_end_matches('\r').split(',').collect();
            (!f[1].is_empty()).then(|| (f[0].to_string(), f[1].to_string()))
        })
        .collect()
}

#[test]
fn every_label_of_the_catalogue_decodes() {
    let s = Scratch::new();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    let products = catalogue();
    let skus: Vec<&str> = products.iter().map(|(s, _)| s.as_str()).collect();
    let want: BTreeSet<String> = products.iter().map(|(_, b)| b.clone()).collect();
    assert!(want.iter().any(|b| b.len() == 13) && want.iter().any(|b| b.starts_with("TX")));
    // 50×30 takes every barcode of the catalogue, EAN-13 and Code 128 alike.
    let pdf = s.path("labels.pdf");
    let mut args = vec![
        "print", "labels", "--size", "50x30", "--copies", "2", "--json",
    ];
    args.push("--out");
    args.push(pdf.to_str().unwrap());
    args.push("--sku");
    args.extend(&skus);
    let (ok, out) = s.json(&args);
    assert!(ok, "{out}");
    assert_eq!(out["pages"], products.len() * 2);
    for dpi in [203, 300] {
        let pages = decode_pages(&pdf, dpi);
        assert_eq!(pages.len(), products.len() * 2);
        for (i, page) in pages.iter().enumerate() {
            assert_eq!(
                page,
                &set(&[products[i / 2].1.clone()]),
                "label {i} at {dpi} dpi"
            );
        }
    }
    // 40×30 takes every EAN-13 and the short merchant codes; a long one is refused, with the
    // sizes that take it, and nothing is printed.
    let pdf40 = s.path("labels40.pdf");
    let refused = s.run(&[
        "print",
        "labels",
        "--size",
        "40x30",
        "--sku",
        "TX2017-GY-S",
        "YK2017-BK-2XL",
        "--out",
        pdf40.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(
        err.contains("YK2017BK2XL") && err.contains("50x30"),
        "{err}"
    );
    assert!(!pdf40.exists());
    let fits: Vec<&(String, String)> = products
        .iter()
        .filter(|(_, b)| b.len() == 13 || b.len() <= 9)
        .collect();
    let mut args = vec![
        "print",
        "labels",
        "--size",
        "40x30",
        "--out",
        pdf40.to_str().unwrap(),
        "--sku",
    ];
    args.extend(fits.iter().map(|(s, _)| s.as_str()));
    s.ok(&args);
    let want40: BTreeSet<String> = fits.iter().map(|(_, b)| b.clone()).collect();
    for dpi in [203, 300] {
        assert_eq!(decode_all(&pdf40, dpi), want40, "40x30 at {dpi} dpi");
    }
    let (size, _) = pdf_info(&pdf40);
    assert!(
        size.starts_with("113.386") && size.contains("85.03"),
        "40×30 mm: {size}"
    );
}

#[test]
fn products_without_a_barcode_get_in_store_ean13s_that_decode() {
    let s = Scratch::new();
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    s.ok(&["settings", "set", "barcode.shop_digits", "88"]);
    // A label of a product without a barcode is refused, naming it.
    let out = s.run(&[
        "print",
        "labels",
        "--sku",
        "TX2017-WH-L",
        "--out",
        s.path("x.pdf").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("TX2017-WH-L"));
    let pdf = s.path("new.pdf");
    let (ok, out) = s.json(&[
        "print",
        "labels",
        "--needs-barcode",
        "--out",
        pdf.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{out}");
    let assigned: Vec<String> = out["assigned"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        assigned.len(),
        8,
        "the fixture has 8 products without a barcode"
    );
    let mut barcodes = BTreeSet::new();
    for sku in &assigned {
        let (_, p) = s.json(&["product", "show", sku, "--json"]);
        let b = p["barcode"].as_str().unwrap().to_string();
        assert!(b.starts_with("288") && b.len() == 13, "{b}");
        barcodes.insert(b);
    }
    assert_eq!(barcodes.len(), 8, "never the same number twice");
    assert_eq!(decode_all(&pdf, 203), barcodes);
    // Nothing is left to assign; Code 128 from the merchant code on request.
    let (_, none) = s.json(&["barcodes", "assign", "--needs-barcode", "--json"]);
    assert_eq!(none["assigned"].as_array().unwrap().len(), 0);
}

#[test]
fn ean8_upca_and_odd_digit_code128_decode_too() {
    let s = Scratch::new();
    let csv = s.path("p.csv");
    std::fs::write(
        &csv,
        "sku_code,barcode,name,spec,price,bin,qty\n\
         E8,96385074,八位码,,1.00,A-1,1\n\
         UPC,036000291452,美国码,,2.00,A-2,1\n\
         ODD,A1234567,奇数位,,3.00,A-3,1\n\
         DIG,123456789,纯数字,,4.00,A-4,1\n\
         MIX,B12-X,混合,,5.00,A-5,1\n",
    )
    .unwrap();
    s.ok(&["import", "products", csv.to_str().unwrap()]);
    let pdf = s.path("l.pdf");
    s.ok(&[
        "print",
        "labels",
        "--size",
        "50x30",
        "--sku",
        "E8",
        "UPC",
        "ODD",
        "DIG",
        "MIX",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    // zbar reports a UPC-A as the EAN-13 it is, with a leading 0.
    let want: BTreeSet<String> = [
        "96385074",
        "0036000291452",
        "A1234567",
        "123456789",
        "B12-X",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for dpi in [203, 300] {
        assert_eq!(decode_all(&pdf, dpi), want, "at {dpi} dpi");
    }
}
