//! The ledger invariant: after any sequence of receipts, shipments, returns, issues and
//! stocktake adjustments, on-hand equals the sum of the moves for every product and bin, and
//! equals what a plain model of the same work says.

use packbench::domain::stock::{AdjustReason, IssueReason, MoveKind, Uncounted};
use packbench::domain::{Actor, Barcode, Fen, Product, ProductState};
use packbench::flow;
use packbench::flow::stock::IssueLine;
use packbench::flow::stocktake::Counting;
use packbench::store::Store;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashMap};

const SKUS: [&str; 3] = ["LG-A", "LG-B", "LG-C"];
const BARCODES: [&str; 3] = ["6901234567892", "6909017490375", "6932949169538"];
const BINS: [&str; 3] = ["Q-01-1", "Q-01-2", "Q-02-1"];

#[derive(Debug, Clone)]
enum Op {
    /// Receive `qty` of product `p` into bin `bin` (a receipt file, confirmed).
    Receipt { p: usize, bin: usize, qty: i64 },
    /// A parcel leaves with `qty` of product `p` from its own bin.
    Shipment { p: usize, qty: i64 },
    /// A buyer sends `qty` back to the product's bin.
    Return { p: usize, qty: i64 },
    /// An outbound note.
    Issue { p: usize, qty: i64 },
    /// A stocktake of bin `bin`, counting `counts[i]` of product i there.
    Stocktake { bin: usize, counts: [i64; 3] },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..3usize, 0..3usize, 1..50i64).prop_map(|(p, bin, qty)| Op::Receipt { p, bin, qty }),
        (0..3usize, 1..20i64).prop_map(|(p, qty)| Op::Shipment { p, qty }),
        (0..3usize, 1..5i64).prop_map(|(p, qty)| Op::Return { p, qty }),
        (0..3usize, 1..10i64).prop_map(|(p, qty)| Op::Issue { p, qty }),
        (0..3usize, [0..30i64, 0..30i64, 0..30i64])
            .prop_map(|(bin, counts)| Op::Stocktake { bin, counts }),
    ]
}

struct World {
    store: Store,
    admin: Actor,
    dir: tempfile::TempDir,
    ids: Vec<i64>,
    /// (product, bin) → on hand, as the work says it should be.
    model: HashMap<(usize, String), i64>,
    receipts: usize,
}

impl World {
    fn new() -> World {
        // In memory on SQLite, a database of its own on PostgreSQL.
        let mut store = packbench::store::testing::store();
        let admin = flow::staff::actor(&store, "admin", "prop").unwrap();
        let mut ids = Vec::new();
        store
            .write(|db| {
                for (i, sku) in SKUS.iter().enumerate() {
                    ids.push(db.insert_product(&Product {
                        sku_code: sku.to_string(),
                        barcode: Some(Barcode::parse(BARCODES[i]).unwrap()),
                        name: "ledger".into(),
                        spec: String::new(),
                        price: Fen(100),
                        bin: Some(BINS[i].to_string()),
                        state: ProductState::Active,
                    })?);
                }
                Ok(())
            })
            .unwrap();
        World {
            store,
            admin,
            dir: tempfile::tempdir().unwrap(),
            ids,
            model: HashMap::new(),
            receipts: 0,
        }
    }

    fn apply(&mut self, op: &Op) {
        let admin = self.admin.clone();
        match op {
            Op::Receipt { p, bin, qty } => {
                self.receipts += 1;
                let path = self.dir.path().join(format!("r{}.csv", self.receipts));
                std::fs::write(
                    &path,
                    format!(
                        "sku_code,barcode,name,spec,price,bin,qty\n{},{},ledger,,1.00,{},{qty}\n",
                        SKUS[*p], BARCODES[*p], BINS[*bin]
                    ),
                )
                .unwrap();
                let r = flow::receipt::create(&mut self.store, &admin, &path).unwrap();
                flow::receipt::confirm(&mut self.store, &admin, r.row.id).unwrap();
                *self.model.entry((*p, BINS[*bin].into())).or_default() += qty;
            }
            Op::Shipment { p, qty } | Op::Return { p, qty } => {
                let (kind, sign) = match op {
                    Op::Shipment { .. } => (MoveKind::Shipment, -1),
                    _ => (MoveKind::Return, 1),
                };
                let id = self.ids[*p];
                self.store
                    .write(|db| db.add_stock_move(kind, id, BINS[*p], sign * qty, &admin, "T1"))
                    .unwrap();
                *self.model.entry((*p, BINS[*p].into())).or_default() += sign * qty;
            }
            Op::Issue { p, qty } => {
                flow::stock::issue(
                    &mut self.store,
                    &admin,
                    IssueReason::Damage,
                    &[IssueLine {
                        sku: SKUS[*p].into(),
                        qty: *qty,
                    }],
                    "",
                )
                .unwrap();
                *self.model.entry((*p, BINS[*p].into())).or_default() -= qty;
            }
            Op::Stocktake { bin, counts } => {
                let s =
                    flow::stocktake::start(&mut self.store, &admin, Some(BINS[*bin]), false, false)
                        .unwrap();
                let mut scans = vec![format!("L{}", BINS[*bin])];
                for (i, n) in counts.iter().enumerate() {
                    if *n > 0 {
                        scans.push(format!("{}*{n}", BARCODES[i]));
                    }
                }
                // A bin found empty is marked so: a label alone is no count.
                if counts.iter().all(|n| *n == 0) {
                    scans.push("EMPTY".to_string());
                }
                let mut c = Counting::start(&self.store, admin.clone(), s.id).unwrap();
                let vs = c
                    .scan_all(&mut self.store, scans.iter().map(String::as_str))
                    .unwrap();
                assert!(vs.iter().all(|v| v.reason().is_none()), "{vs:?}");
                flow::stocktake::approve(
                    &mut self.store,
                    &admin,
                    s.id,
                    Some(AdjustReason::Miscount),
                    &HashMap::new(),
                    Uncounted::Leave,
                )
                .unwrap()
                .unwrap();
                for (i, n) in counts.iter().enumerate() {
                    let key = (i, BINS[*bin].to_string());
                    // Every product the bin held, or that was counted in it, is now as counted.
                    if *n != 0 || self.model.contains_key(&key) {
                        self.model.insert(key, *n);
                    }
                }
            }
        }
    }

    fn check(&mut self) {
        let c = flow::stock::verify(&mut self.store, &self.admin, false).unwrap();
        assert!(
            c.diffs.is_empty(),
            "on hand differs from the ledger: {:?}",
            c.diffs
        );
        for (i, sku) in SKUS.iter().enumerate() {
            let rec = flow::products::show_product(&self.store, &self.admin, sku).unwrap();
            let have: BTreeMap<String, i64> = rec
                .stock
                .iter()
                .filter(|s| s.qty != 0)
                .map(|s| (s.bin.clone(), s.qty))
                .collect();
            let want: BTreeMap<String, i64> = self
                .model
                .iter()
                .filter(|((p, _), q)| *p == i && **q != 0)
                .map(|((_, b), q)| (b.clone(), *q))
                .collect();
            assert_eq!(have, want, "{sku}");
            assert_eq!(rec.on_hand, want.values().sum::<i64>());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn on_hand_is_the_sum_of_the_moves(ops in proptest::collection::vec(op(), 1..25)) {
        let mut w = World::new();
        for op in &ops {
            w.apply(op);
            w.check();
        }
        // And rebuilt from the ledger alone, it is the same.
        let c = flow::stock::verify(&mut w.store, &w.admin.clone(), true).unwrap();
        prop_assert!(!c.rebuilt);
        w.store.write(|db| db.rebuild_stock()).unwrap();
        w.check();
    }
}

#[test]
fn a_broken_on_hand_table_is_found_and_rebuilt() {
    let s = crate::common::Scratch::new();
    let mut w = World::new();
    w.store = s.open();
    w.admin = flow::staff::actor(&w.store, "admin", "prop").unwrap();
    w.store
        .write(|db| {
            for (i, sku) in SKUS.iter().enumerate() {
                w.ids[i] = db.insert_product(&Product {
                    sku_code: sku.to_string(),
                    barcode: Some(Barcode::parse(BARCODES[i]).unwrap()),
                    name: "ledger".into(),
                    spec: String::new(),
                    price: Fen(100),
                    bin: Some(BINS[i].to_string()),
                    state: ProductState::Active,
                })?;
            }
            Ok(())
        })
        .unwrap();
    w.apply(&Op::Receipt {
        p: 0,
        bin: 0,
        qty: 5,
    });
    w.apply(&Op::Shipment { p: 1, qty: 7 });
    w.check();
    // What a bug writing on-hand behind the ledger's back would leave.
    s.raw()
        .exec("UPDATE stock SET qty = qty + 3 WHERE bin = 'Q-01-1'");
    let c = flow::stock::verify(&mut w.store, &w.admin.clone(), false).unwrap();
    assert_eq!(c.diffs.len(), 1);
    assert_eq!((c.diffs[0].ledger, c.diffs[0].on_hand), (5, 8));
    assert_eq!(
        c.negative,
        vec![("LG-B".to_string(), "Q-01-2".to_string(), -7)]
    );
    let c = flow::stock::verify(&mut w.store, &w.admin.clone(), true).unwrap();
    assert!(c.rebuilt);
    w.check();
}
