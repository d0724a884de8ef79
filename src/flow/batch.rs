//! Print batches (打印批次): the ready parcels, oldest first, each with a tracking number from the
//! pool, in one transaction; and the pick list of a batch.

use super::review::{Readiness, readiness};
use crate::domain::check::ParcelStage;
use crate::domain::{Actor, BatchId, Permission};
use crate::error::{Error, Result};
use crate::store::{BatchRow, BenchOrder, Db, ParcelRow, Store};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, HashSet};

/// The setting naming the courier used when `batch create` is given none.
pub const DEFAULT_COURIER_SETTING: &str = "waybill.default_courier";

/// One merchant code of a parcel or a pick list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemLine {
    pub sku_code: String,
    pub barcode: Option<String>,
    pub bin: Option<String>,
    pub qty: u32,
    pub title: String,
    pub spec: String,
}

/// A parcel as printed in a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedParcel {
    pub seq: i64,
    pub tracking_no: String,
    pub courier: String,
    pub order_nos: Vec<String>,
    pub lines: Vec<ItemLine>,
    /// Printed or shipped.
    pub stage: ParcelStage,
}

/// What `batch create` made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchResult {
    pub batch_id: BatchId,
    pub parcels: Vec<PrintedParcel>,
    /// Ready parcels that got no tracking number: the pool ran out.
    pub left_out: u64,
}

/// The lines in the parcel of some orders (to ship, or shipped), summed per merchant code, with barcode and bin from the
/// catalogue; in bin order.
pub(crate) fn item_lines(db: &Db<'_>, orders: &[BenchOrder]) -> Result<Vec<ItemLine>> {
    let mut by_sku: BTreeMap<String, ItemLine> = BTreeMap::new();
    for o in orders {
        for l in o.lines_in_parcel() {
            let e = by_sku
                .entry(l.sku_code.clone())
                .or_insert_with(|| ItemLine {
                    sku_code: l.sku_code.clone(),
                    barcode: None,
                    bin: None,
                    qty: 0,
                    title: l.title.clone(),
                    spec: l.spec.clone(),
                });
            e.qty += l.qty;
        }
    }
    let mut lines: Vec<ItemLine> = by_sku.into_values().collect();
    for l in &mut lines {
        if let Some((_, p)) = db.product_by_sku(&l.sku_code)? {
            l.barcode = p.barcode.map(|b| b.into_string());
            l.bin = p.bin;
        }
    }
    lines.sort_by(|a, b| (&a.bin, &a.sku_code).cmp(&(&b.bin, &b.sku_code)));
    Ok(lines)
}

fn choose_courier(db: &Db<'_>, given: Option<&str>) -> Result<String> {
    if let Some(c) = given.map(str::trim).filter(|c| !c.is_empty()) {
        return Ok(c.to_string());
    }
    if let Some(c) = db
        .setting(DEFAULT_COURIER_SETTING)?
        .filter(|c| !c.is_empty())
    {
        return Ok(c);
    }
    let with_numbers: Vec<String> = db
        .pool_status()?
        .into_iter()
        .filter(|p| p.free > 0)
        .map(|p| p.courier)
        .collect();
    match with_numbers.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(Error::invalid(
            "快递单号池是空的：先用 waybills add 添加单号",
            "the waybill pool is empty: add numbers with `waybills add` first",
        )),
        many => Err(Error::invalid(
            format!(
                "有多家快递的单号（{}），请用 --courier 指定",
                many.join("、")
            ),
            format!(
                "several couriers have numbers ({}): choose one with --courier",
                many.join(", ")
            ),
        )),
    }
}

/// The ready parcels, oldest first, at most `max`: merged parcels whose every order is ready, and
/// ready orders on their own. Returns `(orders of each parcel, its merged parcel id)`.
fn ready_parcels(db: &Db<'_>, max: usize) -> Result<Vec<(Vec<BenchOrder>, Option<i64>)>> {
    let mut out = Vec::new();
    let mut seen_parcels = HashSet::new();
    let mut after: Option<(String, i64)> = None;
    'pages: loop {
        let page = db.eligible_orders(after.as_ref().map(|(a, i)| (a.as_str(), *i)), 500)?;
        let Some(last) = page.last() else { break };
        after = Some((last.age.clone(), last.id));
        for o in page {
            if out.len() >= max {
                break 'pages;
            }
            match o.parcel_id {
                Some(pid) => {
                    if !seen_parcels.insert(pid) {
                        continue;
                    }
                    let members = db.parcel_orders(pid)?;
                    let mut all_ready = true;
                    for m in &members {
                        all_ready &= readiness(db, m)? == Readiness::Ready;
                    }
                    if all_ready {
                        out.push((members, Some(pid)));
                    }
                }
                None => {
                    if readiness(db, &o)? == Readiness::Ready {
                        out.push((vec![o], None));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Creates a print batch: takes the ready parcels oldest first (at most `limit`), gives each a
/// tracking number of `courier`, records who and when, and marks the orders printed — all in
/// one transaction. When the pool runs out, the batch keeps what it got and says how many ready
/// parcels were left out; newer orders wait for the next batch.
pub fn create(
    store: &mut Store,
    actor: &Actor,
    courier: Option<&str>,
    limit: Option<usize>,
) -> Result<BatchResult> {
    actor.require(Permission::PrintBatch)?;
    if limit == Some(0) {
        return Err(Error::invalid(
            "--limit 至少为 1",
            "--limit must be at least 1",
        ));
    }
    store.write(|db| {
        let courier = choose_courier(db, courier)?;
        let parcels = ready_parcels(db, limit.unwrap_or(usize::MAX))?;
        if parcels.is_empty() {
            return Err(Error::invalid(
                "没有可以打印的订单",
                "no order is ready to print",
            ));
        }
        let free = db
            .pool_status()?
            .into_iter()
            .find(|p| p.courier == courier)
            .map_or(0, |p| p.free) as usize;
        if free == 0 {
            return Err(Error::invalid(
                format!("{courier} 的单号用完了：{} 个包裹在等单号", parcels.len()),
                format!(
                    "no tracking numbers left for {courier}: {} parcel(s) are waiting",
                    parcels.len()
                ),
            ));
        }
        let batch_id = db.insert_batch(actor, &courier)?;
        let left_out = parcels.len().saturating_sub(free) as u64;
        let mut printed = Vec::new();
        for (i, (orders, merged)) in parcels.into_iter().take(free).enumerate() {
            let parcel_id = match merged {
                Some(id) => id,
                None => db.new_parcel(&[orders[0].id])?,
            };
            let tracking_no = db
                .take_waybill(&courier, parcel_id)?
                .expect("counted free numbers");
            let seq = i as i64 + 1;
            db.print_parcel(parcel_id, batch_id, seq, &courier, &tracking_no)?;
            printed.push(PrintedParcel {
                seq,
                tracking_no,
                courier: courier.clone(),
                order_nos: orders.iter().map(|o| o.order_no.clone()).collect(),
                lines: item_lines(db, &orders)?,
                stage: ParcelStage::Printed,
            });
        }
        db.log_event(
            actor,
            "batch_created",
            &batch_id.to_string(),
            &json!({"courier": courier, "parcels": printed.len(), "left_out": left_out}),
        )?;
        Ok(BatchResult {
            batch_id,
            parcels: printed,
            left_out,
        })
    })
}

/// A batch as printed, with each parcel's orders and lines as they stand now.
#[derive(Debug, Clone)]
pub struct BatchView {
    pub batch: BatchRow,
    pub parcels: Vec<PrintedParcel>,
}

fn printed_parcel(db: &Db<'_>, p: &ParcelRow) -> Result<PrintedParcel> {
    let orders = db.parcel_orders(p.id)?;
    Ok(PrintedParcel {
        seq: p.seq.unwrap_or(0),
        tracking_no: p.tracking_no.clone().unwrap_or_default(),
        courier: p.courier.clone().unwrap_or_default(),
        order_nos: orders.iter().map(|o| o.order_no.clone()).collect(),
        lines: item_lines(db, &orders)?,
        stage: p.stage,
    })
}

pub fn show(store: &Store, actor: &Actor, batch_id: BatchId) -> Result<BatchView> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let batch = db
        .batch(batch_id)?
        .ok_or_else(|| Error::not_found("batch", "批次", batch_id.to_string()))?;
    let parcels = db
        .batch_parcels(batch_id)?
        .iter()
        .map(|p| printed_parcel(&db, p))
        .collect::<Result<_>>()?;
    Ok(BatchView { batch, parcels })
}

pub fn list(store: &Store, actor: &Actor, limit: usize) -> Result<Vec<BatchRow>> {
    actor.require(Permission::ViewOrders)?;
    store.read().batches(None, limit)
}

/// The pick list (配货单) of a batch: what is still to ship in its unshipped parcels, summed per
/// merchant code, in bin order — the picker's walk through the shelves.
pub fn pick_list(db: &Db<'_>, batch_id: BatchId) -> Result<Vec<ItemLine>> {
    let mut orders = Vec::new();
    for p in db.batch_parcels(batch_id)? {
        if p.stage != ParcelStage::Shipped {
            orders.extend(db.parcel_orders(p.id)?);
        }
    }
    item_lines(db, &orders)
}

pub fn show_pick_list(store: &Store, actor: &Actor, batch_id: BatchId) -> Result<Vec<ItemLine>> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    db.batch(batch_id)?
        .ok_or_else(|| Error::not_found("batch", "批次", batch_id.to_string()))?;
    pick_list(&db, batch_id)
}
