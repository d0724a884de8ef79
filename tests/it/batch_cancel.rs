//! A batch shows what it will take before it takes it (`batch plan`), and a batch made by mistake
//! can be cancelled before printing, its numbers back in the pool (`batch cancel`).

use crate::common::{RawDb, Scratch, fixture, verdicts};
use packbench::domain::{Actor, BatchId};
use packbench::flow;
use serde_json::Value;

/// The GBK fixture with its catalogue, the numbers `range` of `ZTO` in the pool and the
/// same-address orders merged (one parcel of two orders).
fn shop(s: &Scratch, range: &str) {
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        fixture("taobao-gbk", "products.csv").to_str().unwrap(),
    ]);
    s.ok(&["waybills", "add", "--courier", "ZTO", "--range", range]);
    s.ok(&["merge", "--auto"]);
}

fn create(s: &Scratch, args: &[&str]) -> Value {
    let mut all = vec!["batch", "create", "--json"];
    all.extend_from_slice(args);
    let (ok, b) = s.json(&all);
    assert!(ok, "{b}");
    b
}

fn plan(s: &Scratch, args: &[&str]) -> Value {
    let mut all = vec!["batch", "plan", "--json"];
    all.extend_from_slice(args);
    let (ok, p) = s.json(&all);
    assert!(ok, "{p}");
    p
}

fn tracking_nos(batch: &Value) -> Vec<String> {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["tracking_no"].as_str().unwrap().to_string())
        .collect()
}

/// The order numbers of each parcel of a batch, in the batch's order.
fn groups(batch: &Value) -> Vec<Value> {
    batch["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["order_nos"].clone())
        .collect()
}

fn free_numbers(s: &Scratch) -> i64 {
    let (_, pools) = s.json(&["waybills", "status", "--json"]);
    pools[0]["free"].as_i64().unwrap()
}

/// Runs a command that must be refused; returns its standard error.
fn refused(s: &Scratch, args: &[&str]) -> String {
    let out = s.run(args);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} was not refused: {err}");
    err
}

fn admin(store: &packbench::store::Store) -> Actor {
    Actor::new(
        store.read().staff_by_code("admin").unwrap().unwrap(),
        "test-bench",
    )
}

#[test]
fn the_plan_is_what_create_then_takes() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    let before = s.digest();
    let p = plan(&s, &[]);
    assert_eq!(s.digest(), before, "a plan writes nothing");
    assert_eq!(p["courier"], "ZTO");
    assert_eq!(p["free_numbers"], 99);
    assert_eq!(p["left_out"], 0);
    assert_eq!(p["parcels"], p["ready"]);
    let b = create(&s, &[]);
    assert_eq!(
        b["parcels"].as_array().unwrap().len() as u64,
        p["parcels"].as_u64().unwrap()
    );
    assert_eq!(b["left_out"], p["left_out"]);
    assert_eq!(
        free_numbers(&s),
        99 - p["parcels"].as_i64().unwrap(),
        "the plan said how many numbers the batch would use"
    );

    // The window's way: plan, then create exactly what was shown, in process.
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    let mut store = s.open();
    let actor = admin(&store);
    let p = flow::batch::plan(&store, &actor, None, Some(7)).unwrap();
    assert_eq!(
        p,
        flow::batch::BatchPlan {
            courier: "ZTO".into(),
            parcels: 7,
            ready: 7,
            free_numbers: 99,
            left_out: 0
        }
    );
    let b = flow::batch::create(&mut store, &actor, Some(&p.courier), Some(p.parcels)).unwrap();
    assert_eq!(b.parcels.len(), p.parcels);
    assert_eq!(b.left_out, 0);
}

#[test]
fn the_plan_with_a_limit_and_a_pool_smaller_than_what_is_ready() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000005");
    let all = plan(&s, &[]);
    let ready = all["ready"].as_u64().unwrap();
    assert!(
        ready > 10,
        "the fixture has more ready parcels than numbers"
    );
    assert_eq!(all["parcels"], 5, "no more than the pool holds");
    assert_eq!(all["free_numbers"], 5);
    assert_eq!(all["left_out"].as_u64().unwrap(), ready - 5);

    let three = plan(&s, &["--limit", "3"]);
    assert_eq!(
        (
            &three["parcels"],
            &three["ready"],
            &three["left_out"],
            &three["free_numbers"]
        ),
        (&3.into(), &3.into(), &0.into(), &5.into())
    );
    let ten = plan(&s, &["--limit", "10", "--courier", "ZTO"]);
    assert_eq!(
        (&ten["parcels"], &ten["ready"], &ten["left_out"]),
        (&5.into(), &10.into(), &5.into())
    );
    let b = create(&s, &["--limit", "10", "--courier", "ZTO"]);
    assert_eq!(b["parcels"].as_array().unwrap().len(), 5);
    assert_eq!(b["left_out"], ten["left_out"]);

    // The same refusals as `create`: an empty pool, a limit of 0, a courier with no numbers.
    for args in [
        vec!["--limit", "0"],
        vec!["--courier", "ZTO"],
        vec!["--courier", "YTO"],
    ] {
        let mut p = vec!["batch", "plan"];
        p.extend(&args);
        let mut c = vec!["batch", "create"];
        c.extend(&args);
        assert_eq!(refused(&s, &p), refused(&s, &c), "{args:?}");
    }
    assert!(refused(&s, &["batch", "plan"]).contains("pool is empty"));

    // Nothing ready: the same refusal as `create`.
    let s = Scratch::new();
    s.ok(&[
        "waybills",
        "add",
        "--courier",
        "ZTO",
        "--range",
        "7700000001-7700000005",
    ]);
    let err = refused(&s, &["batch", "plan"]);
    assert!(err.contains("no order is ready to print"), "{err}");
    assert_eq!(err, refused(&s, &["batch", "create"]));
}

#[test]
fn a_cancel_returns_the_numbers_and_the_orders_are_ready_again() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    let before = plan(&s, &[]);
    let b1 = create(&s, &[]);
    let numbers = tracking_nos(&b1);
    let merged: Vec<&Value> = b1["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["order_nos"].as_array().unwrap().len() == 2)
        .collect();
    assert_eq!(merged.len(), 1, "the fixture has one merged parcel");
    let single_order = b1["parcels"][0]["order_nos"][0].as_str().unwrap();
    let (_, o) = s.json(&["order", "show", single_order, "--json"]);
    assert_eq!(o["tracking_no"], b1["parcels"][0]["tracking_no"]);

    let (ok, c) = s.json(&[
        "batch",
        "cancel",
        "B1",
        "--reason",
        "最多栏里扫了码",
        "--json",
    ]);
    assert!(ok, "{c}");
    assert_eq!(c["batch_id"], 1);
    assert_eq!(c["parcels"], b1["parcels"].as_array().unwrap().len());
    assert_eq!(
        c["numbers_returned"],
        serde_json::to_value(&numbers).unwrap()
    );
    assert_eq!(free_numbers(&s), 99, "every number is back in the pool");
    let (_, o) = s.json(&["order", "show", single_order, "--json"]);
    assert_eq!(o["tracking_no"], Value::Null, "the order is unprinted");
    let (_, review) = s.json(&["review", "list", "--json"]);
    assert!(
        review
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.to_string().contains(single_order)),
        "the order is on the review list again: {review}"
    );
    assert_eq!(plan(&s, &[]), before, "the orders are ready again");

    // The batch stays, marked cancelled, with who, when and why.
    let (_, shown) = s.json(&["batch", "show", "B1", "--json"]);
    assert_eq!(shown["cancelled"]["by"], "admin");
    assert_eq!(shown["cancelled"]["reason"], "最多栏里扫了码");
    assert!(shown["cancelled"]["at"].is_string());
    assert_eq!(shown["parcels"], serde_json::json!([]));
    let text = s.ok(&["batch", "show", "1"]);
    assert!(text.contains("cancelled"), "{text}");
    let (_, list) = s.json(&["batch", "list", "--json"]);
    assert_eq!(list[0]["batch_id"], 1);
    assert_eq!(list[0]["cancelled"]["reason"], "最多栏里扫了码");
    assert!(s.ok(&["batch", "list"]).contains("cancelled"));
    let (_, ev) = s.json(&["events", "--kind", "batch_cancelled", "--json"]);
    assert_eq!(ev[0]["subject"], "B1");
    assert_eq!(ev[0]["staff_code"], "admin");
    assert_eq!(ev[0]["detail"]["reason"], "最多栏里扫了码");
    assert_eq!(ev[0]["detail"]["numbers_returned"], c["numbers_returned"]);

    // A new batch takes the same numbers again, and the merged parcel is still one parcel.
    let b2 = create(&s, &[]);
    assert_eq!(b2["batch_id"], 2, "a cancelled batch keeps its id");
    assert_eq!(tracking_nos(&b2), numbers);
    assert_eq!(groups(&b2), groups(&b1));
    // And it prints: the numbers were never on paper.
    let pdf = s.path("b2.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        "B2",
        "--out",
        pdf.to_str().unwrap(),
    ]);
}

#[test]
fn a_cancel_is_refused_once_a_waybill_is_printed() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    create(&s, &["--limit", "4"]);
    let pdf = s.path("b1.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        "B1",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let before = s.digest();
    let err = refused(&s, &["batch", "cancel", "B1", "--reason", "mistake"]);
    assert!(err.contains("已经打印过"), "{err}");
    assert!(err.contains("waybills were printed (print job 1)"), "{err}");
    assert_eq!(s.digest(), before, "a refused cancel writes nothing");

    // The store itself keeps a printed number used: no way around the flow.
    let e = s
        .raw()
        .try_exec("UPDATE waybills SET parcel_id = NULL WHERE tracking_no = '7700000001'")
        .unwrap_err();
    assert!(e.contains("used once"), "{e}");
}

#[test]
fn a_failed_waybill_print_does_not_stop_a_cancel() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    create(&s, &["--limit", "4"]);
    let nowhere = s.path("no-such-folder").join("b1.pdf");
    refused(
        &s,
        &[
            "print",
            "waybills",
            "--batch",
            "B1",
            "--out",
            nowhere.to_str().unwrap(),
        ],
    );
    let (_, log) = s.json(&["print", "log", "--json"]);
    assert_eq!(log[0]["result"], "failed", "{log}");
    let (ok, c) = s.json(&["batch", "cancel", "1", "--reason", "printer off", "--json"]);
    assert!(ok, "{c}");
    assert_eq!(c["numbers_returned"].as_array().unwrap().len(), 4);
    assert_eq!(free_numbers(&s), 99);
    // The failed job cannot be retried into a cancelled batch.
    let err = refused(&s, &["print", "retry", "1"]);
    assert!(err.contains("was cancelled"), "{err}");
    // A new batch takes and prints the numbers.
    let b2 = create(&s, &["--limit", "4"]);
    assert_eq!(
        tracking_nos(&b2),
        ["7700000001", "7700000002", "7700000003", "7700000004"]
    );
    let pdf = s.path("b2.pdf");
    s.ok(&[
        "print",
        "waybills",
        "--batch",
        "B2",
        "--out",
        pdf.to_str().unwrap(),
    ]);
}

#[test]
fn a_cancel_is_refused_once_a_parcel_shipped() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    create(&s, &["--limit", "3"]);
    s.ok(&["ship", "--batch", "B1"]);
    let before = s.digest();
    let err = refused(&s, &["batch", "cancel", "B1", "--reason", "mistake"]);
    assert!(err.contains("已经发货"), "{err}");
    assert!(
        err.contains("parcels 7700000001, 7700000002, 7700000003 of B1 shipped"),
        "{err}"
    );
    assert_eq!(s.digest(), before);
}

#[test]
fn a_cancel_is_refused_after_a_check_scan() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    let b = create(&s, &["--limit", "3"]);
    let second = b["parcels"][1]["tracking_no"].as_str().unwrap();
    let v = s.scan("bench-1", "check", &[second]);
    assert_eq!(verdicts(&v), ["order_opened"]);
    let before = s.digest();
    let err = refused(&s, &["batch", "cancel", "B1", "--reason", "mistake"]);
    assert!(err.contains("验货台"), "{err}");
    assert!(
        err.contains(&format!("parcel {second} of B1 scanned at a check bench")),
        "{err}"
    );
    assert_eq!(s.digest(), before);
}

#[test]
fn a_picker_may_not_cancel_a_batch() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    create(&s, &["--limit", "3"]);
    s.add_staff("PH001", "配货", "picker");
    let before = s.digest();
    for args in [
        &["batch", "cancel", "B1", "--reason", "mistake"][..],
        &["batch", "plan"][..],
    ] {
        let out = s.run_as("PH001", args);
        assert!(!out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("print_batch"));
    }
    assert_eq!(s.digest(), before);
    let (_, shown) = s.json(&["batch", "show", "B1", "--json"]);
    assert_eq!(shown["cancelled"], Value::Null);
}

#[test]
fn a_cancelled_batch_is_not_picked_printed_shipped_or_checked() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    let b = create(&s, &["--limit", "3"]);
    s.add_staff("PH001", "配货", "picker");
    let (_, list) = s.json(&["batch", "picklist", "B1", "--json"]);
    let item = list["lines"][0]["barcode"]
        .as_str()
        .or(list["lines"][0]["sku_code"].as_str())
        .unwrap()
        .to_string();
    let v = s.scan_as("PH001", "shelf-1", "pick", &["EDB_PH001", "B1", &item]);
    assert_eq!(verdicts(&v), ["picker_set", "batch_assigned", "pick_ok"]);

    s.ok(&["batch", "cancel", "B1", "--reason", "mistake"]);

    // The picker's next item, and the batch barcode again, are refused.
    let v = s.scan_as("PH001", "shelf-1", "pick", &[&item, "B1", &item]);
    assert_eq!(
        verdicts(&v),
        ["batch_cancelled", "batch_cancelled", "no_batch"]
    );
    assert!(
        v[1]["message_en"]
            .as_str()
            .unwrap()
            .contains("put back what was picked")
    );
    let (_, ev) = s.json(&["events", "--kind", "batch_picked", "--json"]);
    assert_eq!(ev.as_array().unwrap().len(), 1, "no pick after the cancel");

    let pdf = s.path("b1.pdf");
    for args in [
        &[
            "print",
            "waybills",
            "--batch",
            "B1",
            "--out",
            pdf.to_str().unwrap(),
        ][..],
        &[
            "print",
            "picklist",
            "--batch",
            "B1",
            "--out",
            pdf.to_str().unwrap(),
        ][..],
        &["batch", "picklist", "B1"][..],
        &["ship", "--batch", "B1"][..],
    ] {
        let err = refused(&s, args);
        assert!(err.contains("batch B1 was cancelled"), "{args:?}: {err}");
    }
    assert!(!pdf.exists());

    // Its old tracking number opens nothing at a check bench.
    let old = b["parcels"][0]["tracking_no"].as_str().unwrap();
    let v = s.scan("bench-1", "check", &[old]);
    assert_eq!(verdicts(&v), ["waybill_unknown"]);
}

#[test]
fn cancelling_twice_says_it_was_cancelled_already() {
    let s = Scratch::new();
    shop(&s, "7700000001-7700000099");
    create(&s, &["--limit", "3"]);
    let err = refused(&s, &["batch", "cancel", "B1", "--reason", "  "]);
    assert!(err.contains("say why"), "{err}");
    s.ok(&["batch", "cancel", "B1", "--reason", "mistake"]);
    let before = s.digest();
    let err = refused(&s, &["batch", "cancel", "B1", "--reason", "again"]);
    assert!(err.contains("已经取消过了"), "{err}");
    assert!(err.contains("batch B1 was cancelled already"), "{err}");
    assert_eq!(s.digest(), before);
    let err = refused(&s, &["batch", "cancel", "B9", "--reason", "mistake"]);
    assert!(err.contains("B9"), "{err}");
    let err = refused(&s, &["batch", "cancel", "X1", "--reason", "mistake"]);
    assert!(err.contains("not a batch id"), "{err}");
}

#[test]
fn a_batch_printed_before_the_upgrade_can_be_cancelled() {
    // A store at version 5 with batch B1: a merged parcel of two orders and one of its own.
    let s = Scratch::new();
    s.old_store(
        5,
        "INSERT INTO batches (id, created_at, staff_id, terminal, courier)
             VALUES (1, '2026-01-01T00:00:00Z', 1, 'old', 'ZTO');
         INSERT INTO parcels (id, stage, created_at, batch_id, seq, courier, tracking_no) VALUES
             (1, 'printed', '2026-01-01T00:00:00Z', 1, 1, 'ZTO', '7700000001'),
             (2, 'printed', '2026-01-01T00:00:00Z', 1, 2, 'ZTO', '7700000002');
         INSERT INTO orders (id, order_no, buyer, receiver_name, receiver_phone, receiver_address,
                             status, created_at, paid_at, imported_at, updated_at, parcel_id,
                             courier, tracking_no) VALUES
             (1, 'A1', 'b', 'r', 'p', 'a', 'paid', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
              '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 'ZTO', '7700000001'),
             (2, 'A2', 'b', 'r', 'p', 'a', 'paid', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
              '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 'ZTO', '7700000001'),
             (3, 'A3', 'c', 'r', 'p', 'a', 'paid', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z',
              '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 2, 'ZTO', '7700000002');
         INSERT INTO waybills (tracking_no, courier, added_at, added_by, parcel_id, used_at) VALUES
             ('7700000001', 'ZTO', '2026-01-01T00:00:00Z', 1, 1, '2026-01-01T00:00:00Z'),
             ('7700000002', 'ZTO', '2026-01-01T00:00:00Z', 1, 2, '2026-01-01T00:00:00Z');",
    );

    let mut store = s.open();
    let actor = admin(&store);
    let c = flow::batch::cancel(&mut store, &actor, BatchId(1), "made by mistake").unwrap();
    assert_eq!(
        c,
        flow::batch::CancelledBatch {
            batch_id: BatchId(1),
            parcels: 2,
            numbers_returned: vec!["7700000001".into(), "7700000002".into()]
        }
    );
    drop(store);
    let mut raw = s.raw();
    let text = |v: &[Option<&str>]| -> Vec<Option<String>> {
        v.iter().map(|c| c.map(str::to_string)).collect()
    };
    assert_eq!(
        raw.rows("SELECT id, stage, batch_id, tracking_no FROM parcels ORDER BY id"),
        [text(&[Some("1"), Some("merged"), None, None])],
        "the merge stays; the parcel the batch made for A3 is gone"
    );
    assert_eq!(
        raw.rows("SELECT order_no, parcel_id, tracking_no FROM orders ORDER BY id"),
        [
            text(&[Some("A1"), Some("1"), None]),
            text(&[Some("A2"), Some("1"), None]),
            text(&[Some("A3"), None, None])
        ]
    );
    let used =
        raw.int("SELECT count(*) FROM waybills WHERE parcel_id IS NOT NULL OR used_at IS NOT NULL");
    assert_eq!(used, 0);
}

#[test]
fn a_cancel_finds_what_points_at_a_parcel_by_index() {
    // Removing a parcel makes the engine look for rows still pointing at it, and a cancel asks
    // whether a parcel was scanned: with a million scans a full read of them each time held
    // the write lock for seconds.
    let s = Scratch::new();
    drop(s.open());
    let mut raw = s.raw();
    for table in ["scans", "waybills", "orders", "print_job_items"] {
        let (plan, uses_index) = match raw {
            // SQLite's plan of the lookup names the index it uses (`… USING INDEX …`).
            RawDb::Lite(_) => {
                let plan = raw.rows(&format!(
                    "EXPLAIN QUERY PLAN SELECT 1 FROM {table} WHERE parcel_id = 7"
                ))[0][3]
                    .clone()
                    .unwrap_or_default();
                let uses = plan.contains("USING");
                (plan, uses)
            }
            // PostgreSQL's tables are empty here, where a full read is cheapest: asked to
            // avoid one, it reads an index if there is one (`Index Scan`, `Bitmap Index Scan`).
            RawDb::Pg(_) => {
                raw.exec("SET enable_seqscan = off");
                let plan = raw
                    .rows(&format!(
                        "EXPLAIN SELECT 1 FROM {table} WHERE parcel_id = 7"
                    ))
                    .into_iter()
                    .flatten()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n");
                let uses = plan.contains("Index");
                (plan, uses)
            }
        };
        assert!(uses_index, "{table}: {plan}");
    }
}
