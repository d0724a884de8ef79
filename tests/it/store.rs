//! The store: append-only remarks and events, refusing files that are not ours, refusing a store
//! from a newer version, and permissions applied to every command.

use crate::common::{self, Scratch};
use packbench::domain::{Actor, OrderStatus, Permission, Role};
use packbench::store::Store;
use packbench::{Error, flow};

#[test]
fn remarks_and_events_are_append_only() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.ok(&[
        "import",
        "products",
        common::fixture("taobao-gbk", "products.csv")
            .to_str()
            .unwrap(),
    ]);
    let mut db = s.raw();
    let remarks = db.int("SELECT count(*) FROM remarks");
    let events = db.int("SELECT count(*) FROM events");
    assert!(remarks > 0 && events > 0);
    for sql in [
        "UPDATE remarks SET text = 'changed'",
        "DELETE FROM remarks",
        "UPDATE events SET kind = 'changed'",
        "DELETE FROM events WHERE id = 1",
        "UPDATE stock_moves SET qty = 99",
        "DELETE FROM stock_moves",
    ] {
        let err = db.try_exec(sql).unwrap_err();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let after = db.int("SELECT count(*) FROM remarks");
    assert_eq!(after, remarks);
    let text = db
        .text("SELECT text FROM remarks ORDER BY id LIMIT 1")
        .unwrap();
    assert_ne!(text, "changed");
}

#[test]
fn a_text_file_is_refused_untouched() {
    let s = Scratch::new();
    let path = s.path("notes.txt");
    let content = "这是一份备忘录，不是数据库。\nnot a database\n";
    std::fs::write(&path, content).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, Error::NotAStore(_)), "{err}");
    assert!(err.zh().contains("不是 packbench 数据库"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
    assert!(!s.path("notes.txt-wal").exists());

    // Through the command line: a clear message, non-zero exit, file as it was.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_packbench"))
        .args(["--db", path.to_str().unwrap(), "orders", "list"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a packbench store") && err.contains("不是 packbench 数据库"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
}

#[test]
fn another_programs_database_is_refused_untouched() {
    let s = Scratch::new();
    let path = s.path("other.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE notes (t TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let err = Store::open(&path).err().expect("refused");
    assert!(matches!(err, Error::ForeignDatabase(_)), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn a_store_from_a_newer_version_is_refused() {
    let s = Scratch::new();
    drop(s.open());
    let newer = packbench::store::latest_version() + 1;
    s.set_store_version(newer);
    let err = Store::open(s.db()).err().expect("refused");
    match &err {
        Error::StoreTooNew {
            found, supported, ..
        } => {
            assert_eq!(*found, newer);
            assert_eq!(*supported, newer - 1);
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().contains("newer packbench"));
    assert!(err.zh().contains("升级"));
}

#[test]
fn a_new_store_has_the_pragmas_and_an_admin() {
    let s = Scratch::new();
    drop(s.open());
    if !common::on_postgres() {
        // The SQLite file's journal (PostgreSQL keeps its own).
        assert_eq!(s.raw().text("PRAGMA journal_mode").unwrap(), "wal");
    }
    assert_eq!(s.store_version(), packbench::store::latest_version());
    let store = s.open();
    let admin = store.read().staff_by_code("admin").unwrap().unwrap();
    assert_eq!(admin.role, Role::Admin);
    // Opening again migrates nothing and keeps the data.
    drop(store);
    assert_eq!(s.open().read().list_staff().unwrap().len(), 1);
}

#[test]
fn customer_service_may_remark_but_not_change_an_order() {
    let s = Scratch::new();
    s.import_fixture("taobao-gbk");
    s.add_staff("C07", "阿珍", "customer_service");
    let before = s.digest();

    // Changing the status: refused, with the reason, and nothing written.
    let out = s.run_as(
        "C07",
        &[
            "order",
            "set-status",
            "2604015407453871400",
            "closed",
            "--reason",
            "买家取消",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("没有“修改订单”的权限") && err.contains("may not change_order"),
        "{err}"
    );
    assert_eq!(s.digest(), before);

    // The same through the flow function.
    let mut store = s.open();
    let cs = flow::staff::actor(&store, "C07", "bench-1").unwrap();
    let e = flow::orders::set_status(
        &mut store,
        &cs,
        "2604015407453871400",
        OrderStatus::Closed,
        "买家取消",
    )
    .unwrap_err();
    assert!(
        matches!(e, Error::Denied(ref d) if d.permission == Permission::ChangeOrder),
        "{e}"
    );
    drop(store);

    // A remark is theirs to add, tagged with their staff code.
    let out = s.run_as(
        "C07",
        &[
            "order",
            "remark",
            "2604015407453871400",
            "买家要求加急",
            "--flag",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, o) = s.json(&["order", "show", "2604015407453871400", "--json"]);
    assert_eq!(o["status"], "paid");
    assert_eq!(o["remarks"][0]["text"], "买家要求加急");
    assert_eq!(o["remarks"][0]["staff_code"], "C07");
    assert_eq!(o["remarks"][0]["flag"], true);

    // An order printer may change the status; the change is logged with who and why.
    s.add_staff("DD01", "刘打单", "order_printer");
    let out = s.run_as(
        "DD01",
        &[
            "order",
            "set-status",
            "2604015407453871400",
            "closed",
            "--reason",
            "买家电话取消",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, o) = s.json(&["order", "show", "2604015407453871400", "--json"]);
    assert_eq!(o["status"], "closed");
    let (_, ev) = s.json(&["events", "--kind", "order_status_changed", "--json"]);
    assert_eq!(ev[0]["staff_code"], "DD01");
    assert_eq!(ev[0]["terminal"], "test-bench");
    assert_eq!(ev[0]["detail"]["reason"], "买家电话取消");
}

#[test]
fn every_command_acts_as_someone_and_is_checked() {
    let s = Scratch::new();
    s.add_staff("YH01", "陈验货", "checker");
    // A checker may not import orders, nor add staff.
    let lines = common::fixture("taobao-gbk", "ExportOrderDetailList.csv");
    let orders = common::fixture("taobao-gbk", "ExportOrderList.csv");
    let out = s.run_as(
        "YH01",
        &[
            "import",
            "orders",
            orders.to_str().unwrap(),
            lines.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("import_orders"));
    assert!(
        !s.run_as(
            "YH01",
            &[
                "staff", "add", "X1", "--name", "x", "--role", "admin", "--pin", "1234"
            ]
        )
        .status
        .success()
    );
    // An unknown staff code is refused outright (as a wrong PIN: which one is not said).
    let out = s.run_as("nobody", &["orders", "list"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("工号或密码不对"));
}

#[test]
fn sign_in_checks_the_pin() {
    let s = Scratch::new();
    s.ok(&[
        "staff",
        "add",
        "KC01",
        "--name",
        "吴库管",
        "--role",
        "stock_keeper",
        "--pin",
        "2468",
    ]);
    let mut store = s.open();
    let a: Actor = flow::staff::sign_in(&mut store, "KC01", "2468", "bench-2").unwrap();
    assert_eq!(a.staff.role, Role::StockKeeper);
    assert_eq!(a.terminal, "bench-2");
    assert!(flow::staff::sign_in(&mut store, "KC01", "1111", "bench-2").is_err());
    assert!(flow::staff::sign_in(&mut store, "KC01", "", "bench-2").is_err());
    // The PIN is stored hashed, never in clear.
    let hash = s
        .raw()
        .text("SELECT pin_hash FROM staff WHERE code = 'KC01'")
        .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains("2468"));
    // Bad PINs and codes are refused with a reason.
    let out = s.run(&[
        "staff",
        "add",
        "KC02",
        "--name",
        "x",
        "--role",
        "stock_keeper",
        "--pin",
        "12",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("4 to 12 digits"));
    let out = s.run(&[
        "staff",
        "add",
        "K C",
        "--name",
        "x",
        "--role",
        "stock_keeper",
        "--pin",
        "1234",
    ]);
    assert!(!out.status.success());
    let out = s.run(&[
        "staff", "add", "KC03", "--name", "x", "--role", "boss", "--pin", "1234",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown role"));
}
