//! The way back to Taobao: the shipments of a batch or a day as a CSV (with a BOM) and an XLSX,
//! read back equal to the batch's parcels; a cancelled batch has none; another file is not
//! overwritten; who may.

use crate::common::{Scratch, xlsx_cells};

/// `(order, courier, tracking number)` of every order of the batch, as `batch show` says.
fn expected(batch: &serde_json::Value) -> Vec<[String; 3]> {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            p["order_nos"].as_array().unwrap().iter().map(move |o| {
                [
                    o.as_str().unwrap().to_string(),
                    p["courier"].as_str().unwrap().to_string(),
                    p["tracking_no"].as_str().unwrap().to_string(),
                ]
            })
        })
        .collect()
}

/// `export shipments` of a batch (`--batch`) or a day (`--day`) into `out`.
fn export<'a>(which: &'a str, value: &'a str, out: &'a std::path::Path) -> [&'a str; 6] {
    [
        "export",
        "shipments",
        which,
        value,
        "--out",
        out.to_str().unwrap(),
    ]
}

fn read_csv(path: &std::path::Path) -> Vec<[String; 3]> {
    let bytes = std::fs::read(path).unwrap();
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("a UTF-8 BOM for Excel");
    let mut r = csv::Reader::from_reader(text);
    assert_eq!(r.headers().unwrap(), vec!["订单编号", "物流公司", "运单号"]);
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            [rec[0].to_string(), rec[1].to_string(), rec[2].to_string()]
        })
        .collect()
}

/// The cells of the first sheet of an XLSX, row by row (strings only, as written).
fn read_xlsx(path: &std::path::Path) -> Vec<Vec<String>> {
    xlsx_cells(path, 1)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(|(v, text)| {
                    assert!(text, "every cell is text: {v}");
                    v
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_batchs_shipments_go_back_to_taobao_as_csv_and_xlsx() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| batch["batch_id"].to_string());
    let (_, shown) = s.json(&["batch", "show", &id, "--json"]);
    let want = expected(&shown);
    assert!(want.len() > 10);

    let csv_path = s.path("发货.csv");
    let out = s.ok(&export("--batch", &id, &csv_path));
    assert!(out.contains(&format!("{} ", want.len())), "{out}");
    assert_eq!(read_csv(&csv_path), want);

    let xlsx = s.path("发货.xlsx");
    s.ok(&export("--batch", &id, &xlsx));
    let rows = read_xlsx(&xlsx);
    assert_eq!(rows[0], ["订单编号", "物流公司", "运单号"]);
    let got: Vec<[String; 3]> = rows[1..]
        .iter()
        .map(|r| [r[0].clone(), r[1].clone(), r[2].clone()])
        .collect();
    assert_eq!(got, want, "19-digit order numbers kept whole, as text");

    // The day's batches: the same, today in Beijing.
    let today = chrono::Utc::now()
        .with_timezone(&packbench::domain::time::shop_zone())
        .date_naive()
        .to_string();
    let day = s.path("day.csv");
    s.ok(&export("--day", &today, &day));
    assert_eq!(read_csv(&day), want);
    let err = s.fails_as("admin", &export("--day", "2020-01-01", &day));
    assert!(err.contains("没有可以导出"), "{err}");
    assert_eq!(read_csv(&day), want, "a refused export leaves the file");

    // An earlier export is replaced; another file is not (without --force); a spreadsheet never.
    s.ok(&export("--batch", &id, &csv_path));
    let mine = s.path("账本.csv");
    std::fs::write(&mine, "日期,金额\n").unwrap();
    let err = s.fails_as("admin", &export("--batch", &id, &mine));
    assert!(err.contains("--force"), "{err}");
    assert_eq!(std::fs::read_to_string(&mine).unwrap(), "日期,金额\n");
    s.fails_as("admin", &export("--batch", &id, &xlsx));
    s.ok(&[
        "export",
        "shipments",
        "--batch",
        &id,
        "--out",
        xlsx.to_str().unwrap(),
        "--force",
    ]);

    // A checker does not ship on Taobao; a bad date is said so.
    s.add_staff("YH9", "验货", "checker");
    s.fails_as("YH9", &export("--batch", &id, &s.path("x.csv")));
    let err = s.fails_as("admin", &export("--day", "30/11", &day));
    assert!(err.contains("日期写法不对"), "{err}");
    let logged = s
        .raw()
        .int("SELECT count(*) FROM events WHERE kind = 'shipments_exported'");
    assert_eq!(logged, 5);
}

#[test]
fn a_cancelled_batch_has_no_shipments() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| batch["batch_id"].to_string());
    s.ok(&["batch", "cancel", &id, "--reason", "打错了"]);
    let out = s.path("x.csv");
    let err = s.fails_as("admin", &export("--batch", &id, &out));
    assert!(err.contains("没有可以导出"), "{err}");
    assert!(!out.exists());
}

#[test]
fn the_print_screen_writes_a_batchs_shipments_for_taobao() {
    use packbench::ui::i18n::Lang;
    use packbench::ui::screen::{Screen, Tone, print};
    use packbench::ui::{App, Message};
    for lang in [Lang::Zh, Lang::En] {
        let s = Scratch::new();
        let batch = s.printed_batch();
        let id = batch["batch_id"].to_string();
        let (_, shown) = s.json(&["batch", "show", id.trim_matches('"'), "--json"]);
        let mut app = App::with_store(s.open(), "office-1", lang);
        crate::common::sign_in_with(&mut app, "admin", "1234");
        crate::common::print_into_scratch(&mut app, &s);
        let _ = app.update(Message::Show(Screen::Print));
        let b = app.print.batches[0].id;
        let _ = app.update(Message::Print(print::Message::ExportShipments(b)));
        let n = app.notice.as_ref().unwrap();
        assert_eq!(n.tone, Tone::Done, "{}", n.text.get(lang));
        let files: Vec<std::path::PathBuf> = std::fs::read_dir(s.path("print"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("发货-")
            })
            .collect();
        let csv = files
            .iter()
            .find(|p| p.extension().unwrap() == "csv")
            .expect("the CSV");
        assert!(
            files.iter().any(|p| p.extension().unwrap() == "xlsx"),
            "and the XLSX"
        );
        assert!(n.text.get(lang).contains(&csv.display().to_string()));
        assert_eq!(read_csv(csv), expected(&shown));
    }
}

/// The fixture export with these orders marked shipped on Taobao (orders and their lines).
fn shipped_on_taobao(
    s: &Scratch,
    name: &str,
    orders: &[&str],
) -> (std::path::PathBuf, std::path::PathBuf) {
    use crate::common::{fixture, read_gbk, write_gbk};
    let dir = s.path(name);
    std::fs::create_dir_all(&dir).unwrap();
    let mut out = Vec::new();
    for f in ["ExportOrderList.csv", "ExportOrderDetailList.csv"] {
        let text = read_gbk(&fixture("taobao-gbk", f));
        let changed: Vec<String> = text
            .split("\r\n")
            .map(|l| {
                if orders
                    .iter()
                    .any(|o| l.starts_with(&format!("\"=\"\"{o}\"\"\"")))
                {
                    l.replace("买家已付款，等待卖家发货", "卖家已发货，等待买家确认")
                } else {
                    l.to_string()
                }
            })
            .collect();
        let path = dir.join(f);
        write_gbk(&path, &changed.join("\r\n"));
        out.push(path);
    }
    (out[0].clone(), out[1].clone())
}

#[test]
fn an_order_shipped_without_the_bench_takes_its_stock_out_once_marked_unchecked() {
    let s = Scratch::new();
    s.ensure_store();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        crate::common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
    let on_hand = || s.raw().int("SELECT COALESCE(sum(qty), 0) FROM stock");
    let unchecked = || {
        s.raw()
            .int("SELECT count(*) FROM stock_moves WHERE kind = 'shipment' AND unchecked = 1")
    };
    // Two paid orders whose lines the catalogue knows.
    let (_, list) = s.json(&["review", "list", "--json"]);
    let ready: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["state"] == "ready" && o["parcel_id"].is_null())
        .map(|o| o["order_no"].as_str().unwrap().to_string())
        .take(2)
        .collect();
    let (by_taobao, by_hand) = (ready[0].clone(), ready[1].clone());
    let units = |no: &str| {
        s.raw().int(&format!(
            "SELECT COALESCE(sum(l.qty), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE o.order_no = '{no}' AND l.status <> 'closed'"
        ))
    };
    let before = on_hand();

    // The next export says shipped (the order printer shipped it on Taobao, no bench did).
    let (o, l) = shipped_on_taobao(&s, "later", &[&by_taobao]);
    s.ok(&["import", "orders", o.to_str().unwrap(), l.to_str().unwrap()]);
    assert_eq!(on_hand(), before - units(&by_taobao), "its stock left");
    let moves = unchecked();
    assert!(moves > 0);
    let logged = s.raw().int(&format!(
        "SELECT count(*) FROM events WHERE kind = 'stock_out_unchecked' AND subject = '{by_taobao}'"
    ));
    assert_eq!(logged, 1);
    // Again, and then completed by hand: never twice.
    s.ok(&["import", "orders", o.to_str().unwrap(), l.to_str().unwrap()]);
    s.ok(&[
        "order",
        "set-status",
        &by_taobao,
        "completed",
        "--reason",
        "买家已收货",
    ]);
    assert_eq!(unchecked(), moves);
    assert_eq!(on_hand(), before - units(&by_taobao));

    // Set shipped by hand (sent from the shop counter): the same, once, however often.
    let mid = on_hand();
    s.ok(&[
        "order",
        "set-status",
        &by_hand,
        "shipped",
        "--reason",
        "门店自提",
    ]);
    assert_eq!(on_hand(), mid - units(&by_hand));
    s.ok(&[
        "order",
        "set-status",
        &by_hand,
        "paid",
        "--reason",
        "点错了",
    ]);
    s.ok(&[
        "order",
        "set-status",
        &by_hand,
        "shipped",
        "--reason",
        "门店自提",
    ]);
    assert_eq!(on_hand(), mid - units(&by_hand), "not twice");
    s.ok(&["stock", "verify"]);
}

#[test]
fn a_parcel_taobao_says_shipped_before_its_check_still_checks_and_its_stock_leaves_once() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let parcel = &batch["parcels"][0];
    let order = parcel["order_nos"][0].as_str().unwrap().to_string();
    let parcel_orders: Vec<String> = parcel["order_nos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect();
    let refs: Vec<&str> = parcel_orders.iter().map(String::as_str).collect();
    let (o, l) = shipped_on_taobao(&s, "later", &refs);
    s.ok(&["import", "orders", o.to_str().unwrap(), l.to_str().unwrap()]);
    let moves = |s: &Scratch| {
        s.raw().int(&format!(
            "SELECT count(*) FROM stock_moves WHERE ref = '{order}'"
        ))
    };
    assert_eq!(
        moves(&s),
        0,
        "printed here: the goods are still at the bench"
    );
    let reported = s.raw().text(&format!(
        "SELECT reported_at FROM parcels WHERE tracking_no = '{}'",
        parcel["tracking_no"].as_str().unwrap()
    ));
    assert!(reported.is_some(), "marked reported on Taobao's word");
    // Bulk shipping the batch does not report it again, nor take its stock.
    s.ok(&["ship", "--batch", &batch["batch_id"].to_string()]);
    assert_eq!(moves(&s), 0);
    // The bench checks it and ships it: its stock leaves now, once.
    let mut scans = vec![parcel["tracking_no"].as_str().unwrap().to_string()];
    for line in parcel["lines"].as_array().unwrap() {
        for _ in 0..line["qty"].as_u64().unwrap() {
            scans.push(line["sku_code"].as_str().unwrap().to_string());
        }
    }
    let scans: Vec<&str> = scans.iter().map(String::as_str).collect();
    let v = s.scan("bench-1", "check", &scans);
    assert_eq!(
        v.last().unwrap()["verdict"],
        "shipped",
        "a parcel reported first still checks: {v:?}"
    );
    let after = moves(&s);
    assert!(after > 0);
    // Taobao says so again: nothing more.
    s.ok(&["import", "orders", o.to_str().unwrap(), l.to_str().unwrap()]);
    assert_eq!(moves(&s), after, "never twice");
    s.ok(&["stock", "verify"]);
}

#[test]
fn a_shop_that_never_checks_ships_the_goods_at_bulk_ship() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    s.ok(&["settings", "set", "ship.every_parcel_checked", "false"]);
    let (ok, r) = s.json(&["ship", "--batch", &batch["batch_id"].to_string(), "--json"]);
    assert!(ok, "{r}");
    assert_eq!(r["goods_left"], true);
    let order = batch["parcels"][0]["order_nos"][0].as_str().unwrap();
    assert!(
        s.raw().int(&format!(
            "SELECT count(*) FROM stock_moves WHERE kind = 'shipment' AND ref = '{order}'"
        )) > 0
    );
    let v = s.scan(
        "bench-1",
        "check",
        &[batch["parcels"][0]["tracking_no"].as_str().unwrap()],
    );
    assert_eq!(v[0]["reason"], "shipped", "it left: nothing more to check");
    s.ok(&["stock", "verify"]);
}

#[test]
fn the_next_import_lists_what_was_shipped_here_but_not_on_taobao_and_keeps_it_shipped() {
    let s = Scratch::new();
    let batch = s.printed_batch();
    let id = batch["batch_id"].to_string();
    // The whole batch is reported shipped (bulk), one parcel also checked and gone.
    s.ok(&["ship", "--batch", &id]);
    let first = &batch["parcels"][0];
    let mut scans = vec![first["tracking_no"].as_str().unwrap().to_string()];
    for line in first["lines"].as_array().unwrap() {
        for _ in 0..line["qty"].as_u64().unwrap() {
            scans.push(line["sku_code"].as_str().unwrap().to_string());
        }
    }
    let refs: Vec<&str> = scans.iter().map(String::as_str).collect();
    assert_eq!(
        s.scan("bench-1", "check", &refs).last().unwrap()["verdict"],
        "shipped"
    );
    let printed: Vec<String> = batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["order_nos"].as_array().unwrap().clone())
        .map(|o| o.as_str().unwrap().to_string())
        .collect();

    // The seller centre never got the file: the same export again still says paid.
    let again = s.import_fixture("taobao-gbk");
    let mut listed: Vec<String> = again["not_shipped_on_taobao"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap().to_string())
        .collect();
    listed.sort();
    let mut want = printed.clone();
    want.sort();
    assert_eq!(listed, want, "every order shipped here, listed (自审4)");
    for o in &printed {
        let (_, shown) = s.json(&["order", "show", o, "--json"]);
        assert_eq!(shown["status"], "shipped", "kept shipped: {o}");
    }
    let (_, ev) = s.json(&[
        "events",
        "--kind",
        "orders_imported",
        "--limit",
        "1",
        "--json",
    ]);
    assert_eq!(
        ev[0]["detail"]["not_shipped_on_taobao"]
            .as_array()
            .unwrap()
            .len(),
        printed.len()
    );
    // Nothing of them is ready to print again.
    let (_, list) = s.json(&["review", "list", "--json"]);
    assert!(
        !list
            .as_array()
            .unwrap()
            .iter()
            .any(|x| printed.contains(&x["order_no"].as_str().unwrap().to_string())),
        "{list}"
    );

    // Taobao shows one order shipped but its items not: partly shipped.
    let one = printed[0].as_str();
    let (o, l) = shipped_on_taobao(&s, "partly", &[one]);
    let detail =
        crate::common::read_gbk(&l).replace("卖家已发货，等待买家确认", "买家已付款，等待卖家发货");
    crate::common::write_gbk(&l, &detail);
    let (ok, sum) = s.json(&[
        "import",
        "orders",
        o.to_str().unwrap(),
        l.to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{sum}");
    assert_eq!(
        sum["partly_shipped_on_taobao"],
        serde_json::json!([one]),
        "{sum}"
    );
    // The audit lists both sides: reported here but not gone, and the last import's lists.
    let (ok, audit) = s.json(&["audit", "shipping", "--json"]);
    assert!(ok, "{audit}");
    let not_left: Vec<&str> = audit["reported_not_left"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap())
        .collect();
    assert_eq!(
        not_left.len(),
        batch["parcels"].as_array().unwrap().len() - 1
    );
    assert!(
        !not_left.contains(&first["tracking_no"].as_str().unwrap()),
        "it left"
    );
    assert_eq!(audit["partly_shipped_on_taobao"], serde_json::json!([one]));
    s.ok(&["stock", "verify"]);
}
