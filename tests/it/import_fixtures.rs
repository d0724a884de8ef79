//! The shared fixtures import exactly as their expected.json says, through the command line.

use crate::common::{Scratch, fixture, read_gbk, write_gbk};
use packbench::domain::{Actor, OrderStatus, Symbology};
use packbench::flow;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

fn expected(folder: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(folder, "expected.json")).unwrap())
        .unwrap()
}

fn all_orders(s: &Scratch) -> Vec<Value> {
    let (ok, v) = s.json(&["orders", "list", "--limit", "100000", "--json"]);
    assert!(ok);
    v.as_array().unwrap().clone()
}

/// Every order as listed, without its remarks' times: two imports run a moment apart.
fn timeless_orders(s: &Scratch) -> Vec<Value> {
    let mut v = all_orders(s);
    for o in &mut v {
        for r in o["remarks"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("at");
        }
    }
    v
}

fn check_folder(folder: &str) {
    let exp = expected(folder);
    let s = Scratch::new();
    let summary = s.import_fixture(folder);
    assert_eq!(summary["orders_new"], exp["orders"]);
    assert_eq!(summary["lines"], exp["lines"]);
    assert_eq!(summary["orders_updated"], 0);
    assert_eq!(summary["orders_unchanged"], 0);
    assert_eq!(summary["remarks_appended"], exp["orders_with_remark"]);
    assert_eq!(summary["rejected"], Value::Array(vec![]));

    let orders = all_orders(&s);
    assert_eq!(orders.len() as u64, exp["orders"].as_u64().unwrap());

    // Counts by status, in Taobao's words.
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    for o in &orders {
        let st = OrderStatus::from_code(o["status"].as_str().unwrap()).unwrap();
        *by_status.entry(st.taobao().to_string()).or_default() += 1;
    }
    let want: BTreeMap<String, u64> = exp["orders_by_status"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect();
    assert_eq!(by_status, want);

    // Lines and refunded lines, order by order.
    let mut lines = 0;
    let mut refunded = 0;
    let mut with_remark = 0;
    let mut with_code = 0;
    let mut details: HashMap<String, Value> = HashMap::new();
    for o in &orders {
        let no = o["order_no"].as_str().unwrap();
        let (ok, d) = s.json(&["order", "show", no, "--json"]);
        assert!(ok);
        let ls = d["lines"].as_array().unwrap();
        lines += ls.len();
        refunded += ls
            .iter()
            .filter(|l| d["status"] == "paid" && l["status"] == "closed")
            .inspect(|l| assert_eq!(l["refunded"], true))
            .count();
        let remarks = d["remarks"].as_array().unwrap();
        with_remark += usize::from(!remarks.is_empty());
        with_code += usize::from(remarks.iter().any(|r| r["staff_code"].is_string()));
        details.insert(no.to_string(), d);
    }
    assert_eq!(lines as u64, exp["lines"].as_u64().unwrap());
    assert_eq!(
        refunded as u64,
        exp["refunded_lines_in_paid_orders"].as_u64().unwrap()
    );
    assert_eq!(
        with_remark as u64,
        exp["orders_with_remark"].as_u64().unwrap()
    );
    assert_eq!(
        with_code as u64,
        exp["orders_with_staff_code"].as_u64().unwrap()
    );

    // The merge pair: same buyer, receiver name, phone and address.
    let pair: Vec<&Value> = exp["merge_pair"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &details[n.as_str().unwrap()])
        .collect();
    assert_eq!(pair[0]["buyer"], pair[1]["buyer"]);
    assert_eq!(pair[0]["receiver"], pair[1]["receiver"]);
    assert!(
        !pair[0]["receiver"]["phone"]
            .as_str()
            .unwrap()
            .starts_with('\'')
    );

    // The sample order, field by field.
    let sample = &exp["sample_order"];
    let d = &details[sample["order_no"].as_str().unwrap()];
    assert_eq!(d["order_no"], sample["order_no"]);
    assert_eq!(
        OrderStatus::from_code(d["status"].as_str().unwrap())
            .unwrap()
            .taobao(),
        sample["status"].as_str().unwrap()
    );
    assert_eq!(d["receiver"]["name"], sample["receiver"]);
    let skus: Vec<&Value> = d["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["sku_code"])
        .collect();
    let want: Vec<&Value> = sample["lines"].as_array().unwrap().iter().collect();
    assert_eq!(skus, want);

    // Products.
    let (ok, p) = s.json(&[
        "import",
        "products",
        fixture(folder, "products.csv").to_str().unwrap(),
        "--json",
    ]);
    assert!(ok, "{p}");
    assert_eq!(p["products_new"], exp["products"]);
    assert_eq!(p["needs_barcode"], exp["products_without_barcode"]);
    assert_eq!(p["products_updated"], 0);
    let store = s.open();
    let admin = Actor::new(store.read().staff_by_code("admin").unwrap().unwrap(), "t");
    let mut reader = csv::Reader::from_path(fixture(folder, "products.csv")).unwrap();
    let (mut non_ean, mut without) = (0, 0);
    for rec in reader.records() {
        let rec = rec.unwrap();
        let r = flow::products::show_product(&store, &admin, &rec[0]).unwrap();
        match &r.product.barcode {
            None => without += 1,
            Some(b) if b.symbology() == Symbology::Code128 => non_ean += 1,
            Some(b) => assert_eq!(b.as_str(), &rec[1]),
        }
        assert_eq!(r.product.bin.as_deref(), Some(&rec[5]));
        assert_eq!(r.on_hand, rec[6].parse::<i64>().unwrap());
    }
    assert_eq!(without, exp["products_without_barcode"].as_u64().unwrap());
    assert_eq!(non_ean, exp["products_non_ean"].as_u64().unwrap());
    // Importing the catalogue again changes nothing, stock included.
    let before = s.digest();
    let (_, p) = s.json(&[
        "import",
        "products",
        fixture(folder, "products.csv").to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(
        (p["products_new"].as_u64(), p["products_updated"].as_u64()),
        (Some(0), Some(0))
    );
    let after = s.digest();
    let no_events = |d: &Vec<packbench::store::TableDigest>| {
        d.iter()
            .filter(|t| t.table != "events")
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(no_events(&before), no_events(&after));
}

#[test]
fn gbk_export_imports_as_expected() {
    check_folder("taobao-gbk");
}

#[test]
fn utf8_bom_export_imports_as_expected() {
    check_folder("taobao-utf8-bom");
}

#[test]
fn the_sample_order_reads_back_field_by_field() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    let (ok, d) = s.json(&["order", "show", "2604015407453871400", "--json"]);
    assert!(ok);
    assert_eq!(d["order_no"], "2604015407453871400");
    assert_eq!(d["status"], "paid");
    assert_eq!(d["buyer"], "Amy_zhang");
    assert_eq!(d["receiver"]["name"], "杜强子");
    assert_eq!(d["receiver"]["phone"], "18276903495");
    assert_eq!(
        d["receiver"]["address"],
        "湖北省 武汉市 洪山区 学院路442号(729857)"
    );
    assert_eq!(d["paid_at"], "2018-11-08T09:09:00+08:00");
    assert_eq!(d["buyer_message"], "发中通");
    assert_eq!(d["courier"], Value::Null);
    assert_eq!(d["tracking_no"], Value::Null);
    assert_eq!(d["hold_reason"], Value::Null);
    let l = &d["lines"][0];
    assert_eq!(l["sku_code"], "YR2017-GY-XL");
    assert_eq!(l["title"], "儿童羽绒服中长款加厚");
    assert_eq!(l["spec"], "颜色分类：灰色；尺码：XL");
    assert_eq!(l["qty"], 1);
    assert_eq!(l["price_fen"], 9900);
    assert_eq!(l["status"], "paid");
    assert!(l["barcode"].as_str().is_some_and(|b| b.len() == 13));
    assert_eq!(d["remarks"], Value::Array(vec![]));

    // An address with ASCII and full-width commas, quotes, and a line break survives whole.
    let (_, d) = s.json(&["order", "show", "1239534648109566955", "--json"]);
    assert_eq!(
        d["receiver"]["address"],
        "上海 上海市 浦东新区 长江路853号, B座12楼 \"前台\"代收(371949)"
    );
    assert_eq!(d["status"], "unpaid");
    assert_eq!(d["paid_at"], Value::Null);
    let (_, d) = s.json(&["order", "show", "9975070113591841929", "--json"]);
    assert_eq!(
        d["receiver"]["address"],
        "西藏自治区 拉萨市 城关区 中山大道700号\n菜鸟驿站(136399)"
    );

    // Remarks: the staff code credits the agent; [红旗] flags the order.
    let (_, d) = s.json(&["order", "show", "7927125739571885174", "--json"]);
    assert_eq!(d["remarks"][0]["text"], "C03 顺丰到付 [红旗]");
    assert_eq!(d["remarks"][0]["staff_code"], "C03");
    assert_eq!(d["remarks"][0]["flag"], true);
    let (_, d) = s.json(&["order", "show", "6385326656401140196", "--json"]);
    assert_eq!(d["remarks"][0]["staff_code"], "C11");
    assert_eq!(d["remarks"][0]["flag"], false);
}

/// Exports that other shop systems write in Taobao's format name two columns their own way
/// (收货人, 支付金额) and add columns of their own (分销商Id, 分销商店铺名称, 修改后的sku, 异常信息):
/// they import as Taobao's own file does, the extra columns ignored.
#[test]
fn other_systems_column_names_import_like_taobaos_own() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("ExportOrderList.csv");
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(fixture("taobao-utf8-bom", "ExportOrderList.csv"))
        .unwrap();
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_path(&orders)
        .unwrap();
    for (i, rec) in r.records().enumerate() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
        if i == 0 {
            for f in &mut fields {
                match f.trim() {
                    "收货人姓名" => *f = "收货人".to_string(),
                    "买家实际支付金额" => *f = "支付金额".to_string(),
                    _ => {}
                }
            }
            assert!(fields.iter().any(|f| f == "收货人") && fields.iter().any(|f| f == "支付金额"));
            fields.extend(
                ["分销商Id", "分销商店铺名称", "修改后的sku", "异常信息"].map(String::from),
            );
        } else {
            fields.extend(["D1", "某分销店", "SKU-X", "地址异常"].map(String::from));
        }
        w.write_record(&fields).unwrap();
    }
    w.flush().unwrap();
    drop(w);

    let theirs = Scratch::new();
    let (ok, summary) = theirs.json(&[
        "import",
        "orders",
        orders.to_str().unwrap(),
        fixture("taobao-utf8-bom", "ExportOrderDetailList.csv")
            .to_str()
            .unwrap(),
        "--json",
    ]);
    assert!(ok, "{summary}");
    let taobaos = Scratch::new();
    let want = taobaos.import_fixture("taobao-utf8-bom");
    assert_eq!(summary, want);
    assert_eq!(timeless_orders(&theirs), timeless_orders(&taobaos));
    let paid = "SELECT sum(paid_fen) FROM orders";
    let paid_theirs = theirs.raw().int(paid);
    assert!(paid_theirs > 0);
    assert_eq!(paid_theirs, taobaos.raw().int(paid));
}

#[test]
fn an_import_reports_how_much_of_its_files_it_has_read() {
    let s = Scratch::new();
    s.ensure_store();
    let mut store = s.open();
    let admin = packbench::flow::staff::actor(&store, "admin", "t").unwrap();
    let progress = flow::import::ImportProgress::default();
    assert_eq!(progress.fraction(), 0.0, "nothing read before it starts");
    let summary = flow::import::import_orders_watched(
        &mut store,
        &admin,
        &fixture("taobao-gbk", "ExportOrderList.csv"),
        &fixture("taobao-gbk", "ExportOrderDetailList.csv"),
        flow::import::ImportOptions::default(),
        &progress,
    )
    .unwrap();
    assert!(summary.committed && summary.orders_new > 0);
    assert_eq!(progress.fraction(), 1.0, "both files read to the end");
}

/// A copy of the export in `from` (UTF-8, or GBK as Taobao writes it) whose line file has its
/// rows (after the header) rearranged by `arrange`.
fn lines_rearranged(
    from: &std::path::Path,
    arrange: impl Fn(&mut Vec<csv::StringRecord>),
) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let (orders, lines) = ("ExportOrderList.csv", "ExportOrderDetailList.csv");
    std::fs::copy(from.join(orders), dir.path().join(orders)).unwrap();
    let bytes = std::fs::read(from.join(lines)).unwrap();
    let gbk = std::str::from_utf8(&bytes).is_err();
    let text = if gbk {
        read_gbk(&from.join(lines))
    } else {
        String::from_utf8(bytes).unwrap()
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    let header = rows.remove(0);
    let before = rows.clone();
    arrange(&mut rows);
    assert_ne!(rows, before, "the rows were rearranged");
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for row in &rows {
        w.write_record(row).unwrap();
    }
    let out = String::from_utf8(w.into_inner().unwrap()).unwrap();
    if gbk {
        write_gbk(&dir.path().join(lines), &out);
    } else {
        std::fs::write(dir.path().join(lines), out).unwrap();
    }
    dir
}

/// Imports the export in `dir` and checks the store holds what the export in `from` gives: the
/// same summary, and every order with its lines and remarks.
fn imports_like(dir: &std::path::Path, from: &std::path::Path) {
    let import = |dir: &std::path::Path| {
        let s = Scratch::new();
        let (ok, summary) = s.json(&[
            "import",
            "orders",
            dir.join("ExportOrderList.csv").to_str().unwrap(),
            dir.join("ExportOrderDetailList.csv").to_str().unwrap(),
            "--json",
        ]);
        assert!(ok, "{summary}");
        (s, summary)
    };
    let (s, summary) = import(dir);
    let (taobaos, want) = import(from);
    assert_eq!(summary, want);
    assert_eq!(summary["rejected"], Value::Array(vec![]));
    assert_eq!(timeless_orders(&s), timeless_orders(&taobaos));
    // Every line with its order (their places in it follow the line file's rows).
    let lines = |s: &Scratch| {
        s.raw().rows(
            "SELECT o.order_no, l.line_key, l.sku_code, l.title, l.spec, l.qty, l.price_fen,
                    l.status, l.external_code, l.note
             FROM order_lines l JOIN orders o ON o.id = l.order_id ORDER BY o.order_no, l.line_key",
        )
    };
    let ours = lines(&s);
    assert!(
        ours.len() > timeless_orders(&s).len(),
        "orders of several lines"
    );
    assert_eq!(ours, lines(&taobaos));
}

#[test]
fn a_line_file_in_another_order_imports_the_same() {
    // The line file is read as the order file asks for it: lines of orders further on are
    // kept until their order comes.
    let fixture = fixture("taobao-utf8-bom", "ExportOrderList.csv");
    let from = fixture.parent().unwrap();
    imports_like(lines_rearranged(from, |rows| rows.reverse()).path(), from);
}

#[test]
fn lines_of_one_order_apart_in_the_file_still_make_one_order() {
    // The first line of an early order of several goes to the end of a long file: it comes
    // after its order was written, and the import is done again with the line file read whole
    // first.
    let export = demo_export("3000");
    let moved = lines_rearranged(export.path(), |rows| {
        let no = |r: &csv::StringRecord| r[0].to_string();
        let i = (0..rows.len() - 1)
            .find(|&i| no(&rows[i]) == no(&rows[i + 1]))
            .expect("an order of several lines");
        assert!(i < 100, "an early order");
        let moved = rows.remove(i);
        rows.push(moved);
    });
    imports_like(moved.path(), export.path());
}

#[test]
fn a_first_big_import_makes_the_order_indexes_again_and_a_refused_one_keeps_them() {
    // An import of more orders than the store holds drops the order tables' plain indexes and
    // makes them again before its commit (SQLite; PostgreSQL writes with COPY).
    if crate::common::on_postgres() {
        return;
    }
    let indexes = |s: &Scratch| {
        s.raw().rows(
            "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name",
        )
    };
    let fresh = Scratch::new();
    let want = indexes(&fresh);
    assert!(want.iter().any(|r| r[0].as_deref() == Some("orders_buyer")));

    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    assert_eq!(indexes(&s), want);
    let check = s.raw().rows("PRAGMA integrity_check");
    assert_eq!(check, vec![vec![Some("ok".to_string())]]);
    // The indexes serve: a buyer's orders are found through theirs.
    let plan = s
        .raw()
        .rows("EXPLAIN QUERY PLAN SELECT id FROM orders WHERE buyer = 'Amy_zhang'");
    assert!(format!("{plan:?}").contains("orders_buyer"), "{plan:?}");

    // Refused (a bad price): everything is as it was, the indexes too.
    let refused = Scratch::new();
    let dir = tempfile::tempdir().unwrap();
    let lines = read_gbk(&fixture("taobao-gbk", "ExportOrderDetailList.csv"));
    write_gbk(
        &dir.path().join("ExportOrderDetailList.csv"),
        &lines.replacen(",99.00,", ",99.0O,", 1),
    );
    let (ok, v) = refused.json(&[
        "import",
        "orders",
        fixture("taobao-gbk", "ExportOrderList.csv")
            .to_str()
            .unwrap(),
        dir.path()
            .join("ExportOrderDetailList.csv")
            .to_str()
            .unwrap(),
        "--json",
    ]);
    assert!(!ok, "{v}");
    assert_eq!(indexes(&refused), want);
}

/// A demo store's Taobao export of `orders` orders, in a folder of its own.
fn demo_export(orders: &str) -> tempfile::TempDir {
    let export = tempfile::tempdir().unwrap();
    Scratch::new().ok(&[
        "demo",
        "--orders",
        orders,
        "--export-taobao",
        export.path().to_str().unwrap(),
        "--force",
    ]);
    export
}

/// `import orders` of the export in `dir` into `s`, started and not waited for.
fn start_import(s: &Scratch, dir: &std::path::Path) -> std::process::Child {
    s.ensure_store();
    s.command("admin")
        .args(["--station", "test-bench", "import", "orders"])
        .arg(dir.join("ExportOrderList.csv"))
        .arg(dir.join("ExportOrderDetailList.csv"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// Watches a running import until it ends; whether the store had a rollback journal meanwhile,
/// and the import's exit status. With `kill`, the import is killed (SIGKILL) the moment the
/// journal is seen.
fn watch_journal(
    s: &Scratch,
    mut import: std::process::Child,
    kill: bool,
) -> (bool, std::process::ExitStatus) {
    let journal = s.path("store.db-journal");
    let mut seen = false;
    loop {
        if journal.exists() {
            seen = true;
            if kill {
                import.kill().unwrap();
            }
        }
        if let Some(status) = import.try_wait().unwrap() {
            return (seen, status);
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
}

#[test]
fn a_first_big_import_killed_midway_leaves_the_store_as_it_was_and_in_wal() {
    // A first import bigger than the store goes through a rollback journal (each page written
    // once, not to the WAL and then again). Killed in the middle of it, the store reopens
    // whole: without any of the import, or (if the kill came after the commit) with all of it.
    if crate::common::on_postgres() {
        return;
    }
    let export = demo_export("3000");
    let s = Scratch::new();
    let (journal, status) = watch_journal(&s, start_import(&s, export.path()), true);
    assert!(journal, "the import went through a rollback journal");
    assert!(!status.success());
    let store = s.open();
    // (A journal left by a kill before its header was written is not hot: SQLite ignores it.)
    assert_eq!(store.journal_mode().unwrap(), "wal");
    let mut raw = s.raw();
    assert_eq!(
        raw.rows("PRAGMA integrity_check"),
        vec![vec![Some("ok".to_string())]]
    );
    let orders = raw.int("SELECT count(*) FROM orders");
    assert!(
        orders == 0 || orders == 3000,
        "all or nothing: {orders} orders"
    );
    let lines = raw.int("SELECT count(*) FROM order_lines");
    assert_eq!(lines == 0, orders == 0, "{lines} lines of {orders} orders");
    drop((raw, store));

    // Done again, it imports every order, and the store is left in WAL.
    let (journal, status) = watch_journal(&s, start_import(&s, export.path()), false);
    assert!(status.success());
    assert!(journal || orders == 3000);
    // The file itself says WAL (a plain connection does not set it).
    assert_eq!(s.raw().text("PRAGMA journal_mode").as_deref(), Some("wal"));
    assert_eq!(s.raw().int("SELECT count(*) FROM orders"), 3000);
    let fresh = Scratch::new();
    let (ok, _) = fresh.json(&[
        "import",
        "orders",
        export.path().join("ExportOrderList.csv").to_str().unwrap(),
        export
            .path()
            .join("ExportOrderDetailList.csv")
            .to_str()
            .unwrap(),
        "--json",
    ]);
    assert!(ok);
    assert_eq!(timeless_orders(&s), timeless_orders(&fresh));
}

#[test]
fn a_first_big_import_beside_another_open_connection_stays_in_wal() {
    // The store cannot leave WAL while another program has it open: the import does not wait
    // for it, and writes through the WAL as any write does.
    if crate::common::on_postgres() {
        return;
    }
    let export = demo_export("3000");
    let timed = |s: &Scratch| {
        let started = std::time::Instant::now();
        let watched = watch_journal(s, start_import(s, export.path()), false);
        (watched, started.elapsed())
    };
    // The same import alone, for how long it takes on this machine now.
    let ((journal, status), alone) = timed(&Scratch::new());
    assert!(status.success() && journal);

    let s = Scratch::new();
    let mut other = s.raw();
    assert_eq!(other.int("SELECT count(*) FROM orders"), 0);
    let ((journal, status), beside) = timed(&s);
    assert!(status.success());
    assert!(
        !journal,
        "no rollback journal while another connection is open"
    );
    assert_eq!(other.text("PRAGMA journal_mode").as_deref(), Some("wal"));
    assert_eq!(other.int("SELECT count(*) FROM orders"), 3000);
    // It did not wait out the lock timeout (10 s) for the other connection to go.
    assert!(
        beside < alone + std::time::Duration::from_secs(5),
        "{beside:?} beside another connection, {alone:?} alone"
    );
}
