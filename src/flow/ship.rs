//! Shipping (发货): a parcel leaves, its stock goes out of the ledger, its orders are shipped.

use crate::domain::check::{BlockReason, OrderFacts, ParcelStage, ShipMode, block_reason};
use crate::domain::exception::ExceptionKind;
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
            lines_to_ship: o.lines_in_parcel().count(),
        })
        .collect()
}

/// Why a printed parcel may not go now, if it may not.
pub(crate) fn parcel_block(p: &ParcelRow, orders: &[BenchOrder]) -> Option<BlockReason> {
    block_reason(p.stage == ParcelStage::Shipped, &facts(orders)).or_else(|| {
        // Printed, then its waybill voided: nothing leaves without a valid label.
        p.tracking_no
            .is_none()
            .then_some(BlockReason::WaybillVoided)
    })
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
        .flat_map(|o| o.lines_in_parcel().map(|l| l.sku_code.as_str()))
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
        // Its stock left already, unchecked (Taobao said shipped first): not twice.
        if db.shipment_moved(&o.order_no)? {
            continue;
        }
        for l in o.lines_in_parcel() {
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
    if mode == ShipMode::Checked {
        // Checked item by item under its valid label: a voided label or an order taken out
        // cannot have gone with it, so what those changes asked for is done.
        db.handle_parcel_exceptions(
            p.id,
            &[ExceptionKind::WaybillVoided, ExceptionKind::OrderRemoved],
            actor,
            "验货发货 · checked and shipped",
        )?;
    }
    let order_nos: Vec<&str> = orders.iter().map(|o| o.order_no.as_str()).collect();
    db.log_event(
        actor,
        "parcel_shipped",
        p.tracking_no.as_deref().unwrap_or(""),
        &json!({"mode": mode, "orders": order_nos, "parcel_id": p.id}),
    )
}

/// Takes the stock of an order that left without the bench (Taobao says shipped, or a person
/// set it so) out of the ledger, once: shipment moves marked unchecked, from each product's bin.
/// Nothing when stock already left for it (a bench shipment, or this before). A line refunded
/// (closed) stays; a merchant code the catalogue does not know has no stock to take and is named
/// in the event.
pub(crate) fn stock_out_unchecked(
    db: &Db<'_>,
    actor: &Actor,
    order_no: &str,
    lines: &[crate::domain::OrderLine],
) -> Result<()> {
    if db.shipment_moved(order_no)? {
        return Ok(());
    }
    let live: Vec<&crate::domain::OrderLine> = lines
        .iter()
        .filter(|l| l.status != crate::domain::OrderStatus::Closed)
        .collect();
    let skus: Vec<&str> = live.iter().map(|l| l.sku_code.as_str()).collect();
    let products = db.products_by_sku(&skus)?;
    let mut moved = 0;
    let mut unknown = Vec::new();
    for l in live {
        match products.get(&l.sku_code) {
            Some((id, p)) => {
                db.add_unchecked_shipment(
                    *id,
                    p.bin.as_deref().unwrap_or(""),
                    -i64::from(l.qty),
                    actor,
                    order_no,
                )?;
                moved += 1;
            }
            None => unknown.push(l.sku_code.clone()),
        }
    }
    if moved > 0 || !unknown.is_empty() {
        db.log_event(
            actor,
            "stock_out_unchecked",
            order_no,
            &json!({"lines": moved, "unknown": unknown}),
        )?;
    }
    Ok(())
}

/// The setting: every parcel leaves through a check bench (`true`, the default). Bulk ship
/// then only reports the parcels shipped to Taobao; their stock leaves when the bench ships
/// them. `false`, for a shop that never checks: bulk ship is when the goods leave.
pub const CHECKED_SETTING: &str = "ship.every_parcel_checked";

/// Whether the shop checks every parcel before it leaves (see `CHECKED_SETTING`).
pub(crate) fn every_parcel_checked(db: &Db<'_>) -> Result<bool> {
    Ok(db.setting(CHECKED_SETTING)?.as_deref() != Some("false"))
}

/// What a bulk ship did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BulkShipped {
    /// Parcels reported shipped to Taobao now.
    pub shipped: Vec<String>,
    /// Parcels that may not go, with the reason (`refunded`, `held`, …).
    pub skipped: Vec<(String, BlockReason)>,
    /// Whether their goods left now (a shop that never checks); else they leave at the bench.
    pub goods_left: bool,
}

/// Ships a batch on Taobao in bulk (批量发货), without waiting for the check. In a shop that
/// checks every parcel this is the platform's state only: the orders are shipped, the parcels
/// marked reported, and each still checks at a bench, where its stock leaves. In a shop that
/// never checks, the parcels leave now, recorded as `bulk`. Parcels that may not go are left,
/// with their reason; a parcel reported before is not reported again.
pub fn ship_batch(store: &mut Store, actor: &Actor, batch_id: BatchId) -> Result<BulkShipped> {
    actor.require(Permission::ShipOrders)?;
    store.write(|db| {
        super::batch::live_batch(db, batch_id)?;
        let checked = every_parcel_checked(db)?;
        let mut out = BulkShipped {
            goods_left: !checked,
            ..BulkShipped::default()
        };
        for p in db.batch_parcels(batch_id)? {
            let tracking = p.tracking_no.clone().unwrap_or_default();
            if p.stage == ParcelStage::Shipped || (checked && p.reported_at.is_some()) {
                continue;
            }
            let orders = db.parcel_orders(p.id)?;
            let blocked = parcel_block(&p, &orders).or_else(|| {
                // Its goods are on a bench now; reporting it to Taobao takes nothing from them.
                (!checked)
                    .then_some(())
                    .and(p.claimed_by.as_ref())
                    .map(|_| BlockReason::OpenElsewhere)
            });
            match blocked {
                Some(r) => out.skipped.push((tracking, r)),
                None if checked => {
                    db.mark_parcel_orders_shipped(p.id)?;
                    db.mark_parcel_reported(p.id, actor)?;
                    let order_nos: Vec<&str> = orders.iter().map(|o| o.order_no.as_str()).collect();
                    db.log_event(
                        actor,
                        "parcel_reported",
                        &tracking,
                        &json!({"orders": order_nos, "parcel_id": p.id}),
                    )?;
                    out.shipped.push(tracking);
                }
                None => {
                    db.mark_parcel_reported(p.id, actor)?;
                    ship_parcel(db, actor, &p, &orders, ShipMode::Bulk)?;
                    out.shipped.push(tracking);
                }
            }
        }
        Ok(out)
    })
}

/// An order Taobao (or a person) now says shipped, and no bench shipped it: in a printed parcel
/// of a shop that checks every parcel the goods are still here — the parcel is marked reported
/// and leaves through the bench; else its stock leaves now, once, unchecked.
pub(crate) fn shipped_on_platform(
    db: &Db<'_>,
    actor: &Actor,
    order_id: i64,
    order_no: &str,
    lines: &[crate::domain::OrderLine],
) -> Result<()> {
    match db.order_parcel(order_id)? {
        Some(p) if p.stage == ParcelStage::Shipped => Ok(()),
        Some(p)
            if p.stage == ParcelStage::Printed
                && p.tracking_no.is_some()
                && every_parcel_checked(db)? =>
        {
            db.mark_parcel_reported(p.id, actor)
        }
        _ => stock_out_unchecked(db, actor, order_no, lines),
    }
}
