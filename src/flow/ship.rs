//! Shipping (发货): a parcel leaves, its stock goes out of the ledger, its orders are shipped.

use crate::domain::check::{BlockReason, OrderFacts, ParcelStage, ShipMode, block_reason};
use crate::domain::{Actor, BatchId, Permission};
use crate::error::{Error, Result};
use crate::store::{BenchOrder, Db, ParcelRow, ProductAtBench, Store};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// What the store says of the parcel's orders now, for `block_reason`.
pub(crate) fn facts(orders: &[BenchOrder]) -> Vec<OrderFacts> {
    orders
        .iter()
        .map(|o| OrderFacts {
            status: o.status,
            ship_unpaid: o.ship_unpaid,
            paid: o.paid,
            held: o.hold_reason.is_some(),
            refund_open: o.refund_open,
            lines_to_ship: o.lines_to_ship().count(),
        })
        .collect()
}

/// Why a printed parcel may not go now, if it may not.
pub(crate) fn parcel_block(p: &ParcelRow, orders: &[BenchOrder]) -> Option<BlockReason> {
    block_reason(p.stage == ParcelStage::Shipped, &facts(orders))
}

/// Ships a parcel in the caller's transaction: stock-out moves for every line, orders marked
/// shipped, the parcel closed, with how it left. `orders` are all the parcel's orders.
pub(crate) fn ship_parcel(
    db: &Db<'_>,
    actor: &Actor,
    p: &ParcelRow,
    orders: &[BenchOrder],
    mode: ShipMode,
) -> Result<()> {
    let skus: std::collections::BTreeSet<&str> = orders
        .iter()
        .flat_map(|o| o.lines_to_ship().map(|l| l.sku_code.as_str()))
        .collect();
    let products: HashMap<String, ProductAtBench> = db
        .products_by_sku(&skus.into_iter().collect::<Vec<_>>())?
        .into_iter()
        .map(|(sku, (id, p))| {
            let barcode = p.barcode.map(|b| b.into_string());
            (
                sku,
                ProductAtBench {
                    id,
                    barcode,
                    bin: p.bin,
                },
            )
        })
        .collect();
    ship_parcel_with(db, actor, p, orders, mode, &products, None)
}

/// `ship_parcel` with the parcel's products already read (a bench has them), and the scan
/// that shipped it, if one did.
pub(crate) fn ship_parcel_with(
    db: &Db<'_>,
    actor: &Actor,
    p: &ParcelRow,
    orders: &[BenchOrder],
    mode: ShipMode,
    products: &HashMap<String, ProductAtBench>,
    scan: Option<i64>,
) -> Result<()> {
    for o in orders {
        for l in o.lines_to_ship() {
            let product = products.get(&l.sku_code).ok_or_else(|| {
                Error::invalid(
                    format!("商品 {} 不在商品库中", l.sku_code),
                    format!("product {} is not in the catalogue", l.sku_code),
                )
            })?;
            db.add_stock_move(
                crate::domain::stock::MoveKind::Shipment,
                product.id,
                product.bin.as_deref().unwrap_or(""),
                -i64::from(l.qty),
                actor,
                &o.order_no,
            )?;
        }
    }
    db.mark_parcel_orders_shipped(p.id)?;
    db.ship_parcel(p.id, actor, mode, scan)?;
    let order_nos: Vec<&str> = orders.iter().map(|o| o.order_no.as_str()).collect();
    db.log_event(
        actor,
        "parcel_shipped",
        p.tracking_no.as_deref().unwrap_or(""),
        &json!({"mode": mode, "orders": order_nos, "parcel_id": p.id}),
    )
}

/// What a bulk ship did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkShipped {
    pub shipped: Vec<String>,
    /// Parcels that may not go, with the reason (`refunded`, `held`, …).
    pub skipped: Vec<(String, BlockReason)>,
}

/// Ships every printed parcel of a batch without checking (for shops that do not check),
/// recorded as `bulk`. Parcels that may not go are left, with their reason.
pub fn ship_batch(store: &mut Store, actor: &Actor, batch_id: BatchId) -> Result<BulkShipped> {
    actor.require(Permission::ShipOrders)?;
    store.write(|db| {
        super::batch::live_batch(db, batch_id)?;
        let mut out = BulkShipped::default();
        for p in db.batch_parcels(batch_id)? {
            let tracking = p.tracking_no.clone().unwrap_or_default();
            if p.stage == ParcelStage::Shipped {
                continue;
            }
            let orders = db.parcel_orders(p.id)?;
            let blocked = parcel_block(&p, &orders)
                .or_else(|| p.claimed_by.as_ref().map(|_| BlockReason::OpenElsewhere));
            match blocked {
                Some(r) => out.skipped.push((tracking, r)),
                None => {
                    ship_parcel(db, actor, &p, &orders, ShipMode::Bulk)?;
                    out.shipped.push(tracking);
                }
            }
        }
        Ok(out)
    })
}
