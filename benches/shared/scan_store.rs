//! What `benches/scan.rs` and `benches/pg.rs` share: the 1,000,000-order demo store they both
//! check on (built once under `<target>/bench-data/` and kept), its printed batch, and the scan
//! script through it with the verdict each scan must give. Included by both with `#[path]`.

use packbench::demo::Rng;
use packbench::domain::Actor;
use packbench::flow::batch::{self, PrintedParcel};
use packbench::flow::check::Verdict;
use packbench::flow::demo::{DemoOptions, fill};
use packbench::flow::{merge, staff, waybills};
use packbench::store::Store;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub const DEFAULT_ORDERS: u64 = 1_000_000;
pub const SEED: u64 = 1;
pub const COURIER: &str = "ZTO";
pub const POOL: &str = "7700000001-7700009999";
/// Parcels in the batch: about three scans each, so well over 5,000 timed scans.
pub const PARCELS: usize = 2_000;
/// One scan in ten is a mismatch: an unknown code or a product of another parcel.
pub const MISMATCH_EVERY: usize = 10;

/// `CARGO_TARGET_TMPDIR` is `<target>/tmp`: data kept between runs goes beside it.
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(tmp).to_path_buf()
}

/// The prepared store of this size: built once (minutes for a million orders) and kept. It is
/// built under another name and renamed when closed, so an interrupted build is never used.
pub fn ensure_store(data: &Path, orders: u64) -> PathBuf {
    let path = data.join(format!("scan-{orders}.db"));
    if path.is_file() {
        // A newer schema migrates the kept store once, here, rather than every copy.
        drop(Store::open(&path).expect("open the prepared store"));
        assert_no_wal(&path);
        return path;
    }
    fs::create_dir_all(data).expect("create bench-data");
    let partial = data.join(format!("scan-{orders}.partial.db"));
    remove_db(&partial);
    eprintln!(
        "building a {orders}-order demo store at {} …",
        path.display()
    );
    let mut store = Store::create(&partial).expect("create the store");
    let admin = staff::actor(&store, "admin", "bench-prep").expect("admin");
    let step = |what: &str, t: Instant| eprintln!("  {what}: {:.1} s", t.elapsed().as_secs_f64());

    let t = Instant::now();
    let s = fill(
        &mut store,
        &admin,
        DemoOptions {
            orders,
            seed: SEED,
            ..DemoOptions::default()
        },
    )
    .expect("demo fill");
    step(&format!("demo shop, {} orders", s.orders.orders_new), t);
    let t = Instant::now();
    let numbers = waybills::expand_range(POOL).expect("range");
    waybills::add(&mut store, &admin, COURIER, &numbers).expect("waybills");
    step(&format!("{} tracking numbers", numbers.len()), t);
    let t = Instant::now();
    let merged = merge::merge_auto(&mut store, &admin).expect("merge");
    step(&format!("{} merged parcels", merged.len()), t);
    let t = Instant::now();
    let b = batch::create(&mut store, &admin, Some(COURIER), Some(PARCELS)).expect("batch");
    step(
        &format!("batch B{} of {} parcels", b.batch_id, b.parcels.len()),
        t,
    );
    drop(store);
    assert_no_wal(&partial);
    fs::rename(&partial, &path).expect("keep the prepared store");
    path
}

/// Closing the last connection checkpoints the WAL into the file and removes it; a copy of the
/// main file alone is then the whole store.
pub fn assert_no_wal(db: &Path) {
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    assert!(!wal.exists(), "{} was left behind", wal.display());
}

pub fn remove_db(db: &Path) {
    for ext in ["", "-wal", "-shm", "-journal"] {
        let _ = fs::remove_file(format!("{}{ext}", db.display()));
    }
}

/// The parcels of the prepared batch (the newest), as printed.
pub fn batch_parcels(store: &Store, actor: &Actor) -> Vec<PrintedParcel> {
    let newest = batch::list(store, actor, 1).expect("batches");
    let id = newest.first().expect("the prepared store has a batch").id;
    let view = batch::show(store, actor, id).expect("the batch");
    assert!(
        view.parcels
            .iter()
            .all(|p| p.stage == packbench::domain::check::ParcelStage::Printed),
        "the copy was scanned before"
    );
    view.parcels
}

/// One scan of the script and the verdict it must give.
pub struct Step {
    pub code: String,
    pub expect: Expect,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Expect {
    Waybill,
    Unit,
    /// The last unit of a parcel: counted, and the parcel ships in the same transaction.
    LastUnit,
    Unknown,
    Wrong,
}

impl Step {
    /// Checks the verdicts against the script (a benchmark of wrong answers measures nothing);
    /// returns the kind of scan, for the breakdown.
    pub fn check(&self, verdicts: &[Verdict]) -> &'static str {
        let names: Vec<&str> = verdicts.iter().map(|v| v.name()).collect();
        let (ok, kind) = match self.expect {
            Expect::Waybill => (names == ["order_opened"], "waybill (order_opened)"),
            Expect::Unit => (names == ["item_ok"], "unit (item_ok)"),
            Expect::LastUnit => (
                names == ["parcel_complete", "shipped"],
                "last unit (complete + shipped)",
            ),
            Expect::Unknown => (names == ["item_unknown"], "unknown code (item_unknown)"),
            // A product refunded out of this parcel is as wrong, with its own message.
            Expect::Wrong => (
                names == ["item_wrong"] || names == ["line_refunded"],
                "wrong product (item_wrong)",
            ),
        };
        assert!(
            ok,
            "{} expected {:?}, got {names:?}",
            self.code, self.expect
        );
        kind
    }
}

/// Per parcel: its waybill, then every unit in pick-list order (barcode, or the merchant code
/// when the product has none). Before a unit, a mismatch whenever fewer than one scan in ten so
/// far was one — alternately a code no product has and a product of another parcel.
pub fn script(parcels: &[PrintedParcel]) -> Vec<Vec<Step>> {
    let code = |l: &batch::ItemLine| l.barcode.clone().unwrap_or_else(|| l.sku_code.clone());
    let mut catalogue: BTreeMap<String, String> = BTreeMap::new();
    for p in parcels {
        for l in &p.lines {
            catalogue.insert(l.sku_code.clone(), code(l));
        }
    }
    let catalogue: Vec<(String, String)> = catalogue.into_iter().collect();
    let mut rng = Rng::new(SEED);
    let (mut total, mut mismatches) = (0usize, 0usize);
    let mut out = Vec::new();
    for p in parcels {
        let mut steps = vec![Step {
            code: p.tracking_no.clone(),
            expect: Expect::Waybill,
        }];
        let units: u32 = p.lines.iter().map(|l| l.qty).sum();
        let mut n = 0;
        for l in &p.lines {
            for _ in 0..l.qty {
                if mismatches * MISMATCH_EVERY < total {
                    mismatches += 1;
                    steps.push(if mismatches % 2 == 0 {
                        Step {
                            code: format!("20{:011}", 1 + mismatches),
                            expect: Expect::Unknown,
                        }
                    } else {
                        let wrong = loop {
                            let (sku, c) = rng.pick(&catalogue);
                            if !p.lines.iter().any(|l| &l.sku_code == sku) {
                                break c.clone();
                            }
                        };
                        Step {
                            code: wrong,
                            expect: Expect::Wrong,
                        }
                    });
                }
                n += 1;
                steps.push(Step {
                    code: code(l),
                    expect: if n == units {
                        Expect::LastUnit
                    } else {
                        Expect::Unit
                    },
                });
            }
        }
        total += steps.len();
        out.push(steps);
    }
    out
}
