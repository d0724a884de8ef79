//! Print batches (打印批次): the ready parcels, oldest first, each with a tracking number from the
//! pool, in one transaction; and the pick list of a batch.

use super::print::shop_time;
use super::review::{Readiness, readiness};
use crate::domain::check::ParcelStage;
use crate::domain::print::JobResult;
use crate::domain::{Actor, BatchId, Permission};
use crate::error::{Error, Refusal, Result};
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
    /// Who it goes to (the first order's receiver: merged orders share one).
    pub receiver: String,
    pub lines: Vec<ItemLine>,
    /// Printed or shipped.
    pub stage: ParcelStage,
    /// Reported shipped to Taobao (批量发货), whether or not it has left.
    pub reported: bool,
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
    let skus: std::collections::BTreeSet<&str> = orders
        .iter()
        .flat_map(|o| o.lines_in_parcel().map(|l| l.sku_code.as_str()))
        .collect();
    let mut products = db.products_by_sku(&skus.into_iter().collect::<Vec<_>>())?;
    Ok(item_lines_with(orders, |sku| {
        products
            .remove(sku)
            .map(|(_, p)| (p.barcode.map(|b| b.into_string()), p.bin))
    }))
}

/// `item_lines` with the catalogue's barcode and bin of a merchant code from `product`.
pub(crate) fn item_lines_with(
    orders: &[BenchOrder],
    mut product: impl FnMut(&str) -> Option<(Option<String>, Option<String>)>,
) -> Vec<ItemLine> {
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
        if let Some((barcode, bin)) = product(&l.sku_code) {
            l.barcode = barcode;
            l.bin = bin;
        }
    }
    lines.sort_by(|a, b| (&a.bin, &a.sku_code).cmp(&(&b.bin, &b.sku_code)));
    lines
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
        [] => Err(Refusal::PoolEmpty.into()),
        many => Err(Refusal::CourierNeeded(many.to_vec()).into()),
    }
}

/// The ready parcels for `courier`, oldest first, at most `max`: merged parcels whose every
/// order is ready, and ready orders on their own; an order that must go by another courier
/// (指定快递) waits for that courier's batch. Returns `(orders of each parcel, its merged parcel
/// id)`.
fn ready_parcels(
    db: &Db<'_>,
    courier: &str,
    max: usize,
) -> Result<Vec<(Vec<BenchOrder>, Option<i64>)>> {
    let goes_by = |o: &BenchOrder| o.courier_wanted.as_deref().is_none_or(|c| c == courier);
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
                    let mut all_ready = members.iter().all(goes_by);
                    for m in &members {
                        all_ready &= readiness(db, m)? == Readiness::Ready;
                    }
                    if all_ready {
                        out.push((members, Some(pid)));
                    }
                }
                None => {
                    if goes_by(&o) && readiness(db, &o)? == Readiness::Ready {
                        out.push((vec![o], None));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// What `create` takes, gathered in the caller's transaction: the courier, the ready parcels
/// (oldest first, at most the limit) and the courier's free numbers. `plan` and `create` both
/// start here, so the confirmation shows exactly what the batch takes.
struct Selection {
    courier: String,
    parcels: Vec<(Vec<BenchOrder>, Option<i64>)>,
    free: usize,
}

impl Selection {
    /// The parcels that get a number.
    fn taken(&self) -> usize {
        self.parcels.len().min(self.free)
    }
}

fn select(db: &Db<'_>, courier: Option<&str>, limit: Option<usize>) -> Result<Selection> {
    if limit == Some(0) {
        return Err(Refusal::LimitZero.into());
    }
    let courier = choose_courier(db, courier)?;
    let parcels = ready_parcels(db, &courier, limit.unwrap_or(usize::MAX))?;
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
        return Err(Refusal::NoNumbersLeft {
            courier,
            waiting: parcels.len(),
        }
        .into());
    }
    Ok(Selection {
        courier,
        parcels,
        free,
    })
}

/// What `create` would do now, without doing it: for the confirmation the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchPlan {
    pub courier: String,
    /// Parcels the batch would take (each gets a tracking number).
    pub parcels: usize,
    /// Ready parcels in all (up to the limit).
    pub ready: usize,
    /// The courier's free numbers now.
    pub free_numbers: usize,
    /// Ready parcels that would get no number: the pool is short.
    pub left_out: usize,
}

/// What `create` with the same courier and limit would take now, by the same rules and with the
/// same refusals; nothing is written. Creating with `Some(&plan.courier)` and
/// `Some(plan.parcels)` never takes more than the plan showed.
pub fn plan(
    store: &Store,
    actor: &Actor,
    courier: Option<&str>,
    limit: Option<usize>,
) -> Result<BatchPlan> {
    actor.require(Permission::PrintBatch)?;
    let db = store.read();
    let s = select(&db, courier, limit)?;
    Ok(BatchPlan {
        parcels: s.taken(),
        ready: s.parcels.len(),
        free_numbers: s.free,
        left_out: s.parcels.len() - s.taken(),
        courier: s.courier,
    })
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
    store.write(|db| {
        let s = select(db, courier, limit)?;
        let (taken, left_out) = (s.taken(), (s.parcels.len() - s.taken()) as u64);
        let courier = s.courier;
        let batch_id = db.insert_batch(actor, &courier)?;
        let mut printed = Vec::new();
        for (i, (orders, merged)) in s.parcels.into_iter().take(taken).enumerate() {
            let parcel_id = match merged {
                Some(id) => id,
                None => db.new_batch_parcel(orders[0].id)?,
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
                receiver: receiver_of(&orders),
                lines: item_lines(db, &orders)?,
                stage: ParcelStage::Printed,
                reported: false,
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

/// What `cancel` undid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CancelledBatch {
    pub batch_id: BatchId,
    /// Parcels the batch had.
    pub parcels: usize,
    /// Tracking numbers back in the pool, in the batch's order.
    pub numbers_returned: Vec<String>,
}

/// Parcels named in a message, the first few of them: `7700000001、7700000002 等 5 个` /
/// `parcels 7700000001, 7700000002 and 3 more`.
fn some_parcels(items: &[String]) -> (String, String) {
    const SHOWN: usize = 3;
    let head = &items[..items.len().min(SHOWN)];
    let more = items.len().saturating_sub(SHOWN);
    let noun = if items.len() == 1 {
        "parcel"
    } else {
        "parcels"
    };
    if more == 0 {
        (head.join("、"), format!("{noun} {}", head.join(", ")))
    } else {
        (
            format!("{} 等 {} 个", head.join("、"), items.len()),
            format!("{noun} {} and {more} more", head.join(", ")),
        )
    }
}

/// The batch, refused when it was cancelled: a cancelled batch is not printed, picked, checked
/// or shipped.
pub(crate) fn live_batch(db: &Db<'_>, batch_id: BatchId) -> Result<BatchRow> {
    let b = db
        .batch(batch_id)?
        .ok_or_else(|| Error::not_found("batch", "批次", batch_id.to_string()))?;
    if b.is_cancelled() {
        return Err(cancelled_error(&b));
    }
    Ok(b)
}

fn cancelled_error(b: &BatchRow) -> Error {
    let at = shop_time(b.cancelled_at.as_deref().unwrap_or_default());
    let by = b.cancelled_by.as_deref().unwrap_or_default();
    let why = b.cancel_reason.as_deref().unwrap_or_default();
    Error::invalid(
        format!(
            "批次 {} 已经取消（{at}，{by}：{why}），不能再打印、配货或验货",
            b.id
        ),
        format!(
            "batch {} was cancelled ({at}, {by}: {why}); it cannot be printed, picked or checked",
            b.id
        ),
    )
}

/// Cancels a batch made by mistake, before any of it is on paper — in one transaction. Refused
/// once a waybill job of the batch was taken by a printer (or may have been: a job whose end is
/// unknown), once a parcel shipped, or once a check bench scanned a parcel. A failed job does
/// not stop it: nothing reached a printer, so its numbers are not used.
///
/// Every tracking number goes back to the pool; the parcels the batch made are removed and their
/// orders are ready again; parcels merged before the batch are merged and unprinted again. The
/// batch stays, marked cancelled with who, when and why, and the event `batch_cancelled` lists
/// the numbers returned.
pub fn cancel(
    store: &mut Store,
    actor: &Actor,
    batch_id: BatchId,
    reason: &str,
) -> Result<CancelledBatch> {
    actor.require(Permission::PrintBatch)?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid(
            "取消批次要写明原因",
            "say why the batch is cancelled (a reason)",
        ));
    }
    store.write(|db| {
        let b = db
            .batch(batch_id)?
            .ok_or_else(|| Error::not_found("batch", "批次", batch_id.to_string()))?;
        if b.is_cancelled() {
            let at = shop_time(b.cancelled_at.as_deref().unwrap_or_default());
            let by = b.cancelled_by.as_deref().unwrap_or_default();
            return Err(Error::invalid(
                format!("批次 {batch_id} 已经取消过了（{at}，{by}）"),
                format!("batch {batch_id} was cancelled already ({at}, by {by})"),
            ));
        }
        if let Some((job, result)) = db.batch_waybills_on_paper(batch_id)? {
            return Err(if result == JobResult::Pending {
                Error::invalid(
                    format!(
                        "{batch_id} 的快递单可能已经打印（打印任务 {job} 没有结束的记录），不能取消：请作废这些单号"
                    ),
                    format!(
                        "{batch_id}'s waybills may have been printed (print job {job} never recorded its end): it cannot be cancelled; void its numbers instead"
                    ),
                )
            } else {
                Error::invalid(
                    format!(
                        "{batch_id} 的快递单已经打印过（打印任务 {job}），不能取消：请作废这些单号"
                    ),
                    format!(
                        "{batch_id}'s waybills were printed (print job {job}): it cannot be cancelled; void its numbers instead"
                    ),
                )
            });
        }
        let voided = db.batch_voids(batch_id)?;
        if !voided.is_empty() {
            let (zh, en) = some_parcels(&voided);
            return Err(Error::invalid(
                format!("{batch_id} 的快递单 {zh} 已经作废过，不能取消批次"),
                format!("{en} of {batch_id} were voided: {batch_id} cannot be cancelled"),
            ));
        }
        let parcels = db.batch_parcels(batch_id)?;
        let shipped: Vec<String> = parcels
            .iter()
            // Reported shipped to Taobao with these numbers is shipped, for a cancel.
            .filter(|p| p.stage == ParcelStage::Shipped || p.reported_at.is_some())
            .map(|p| p.tracking_no.clone().unwrap_or_default())
            .collect();
        if !shipped.is_empty() {
            let (zh, en) = some_parcels(&shipped);
            return Err(Error::invalid(
                format!("{batch_id} 的包裹 {zh} 已经发货，不能取消"),
                format!("{en} of {batch_id} shipped: {batch_id} cannot be cancelled"),
            ));
        }
        let scanned = db.batch_parcels_scanned(batch_id)?;
        if !scanned.is_empty() {
            let (zh, en) = some_parcels(&scanned);
            return Err(Error::invalid(
                format!("{batch_id} 的包裹 {zh} 已经在验货台扫过，不能取消"),
                format!(
                    "{en} of {batch_id} scanned at a check bench: {batch_id} cannot be cancelled"
                ),
            ));
        }
        let mut numbers_returned = Vec::new();
        for p in &parcels {
            numbers_returned.extend(db.unprint_parcel(p)?);
        }
        db.mark_batch_cancelled(batch_id, actor, reason)?;
        db.log_event(
            actor,
            "batch_cancelled",
            &batch_id.to_string(),
            &json!({
                "reason": reason,
                "courier": b.courier,
                "parcels": parcels.len(),
                "numbers_returned": numbers_returned,
            }),
        )?;
        Ok(CancelledBatch {
            batch_id,
            parcels: parcels.len(),
            numbers_returned,
        })
    })
}

/// A batch as printed, with each parcel's orders and lines as they stand now.
#[derive(Debug, Clone)]
pub struct BatchView {
    pub batch: BatchRow,
    pub parcels: Vec<PrintedParcel>,
    /// Whether a waybill job of the batch went to a printer (or may have): a batch shipped in
    /// bulk before that goes without its labels.
    pub on_paper: bool,
}

fn printed_parcel(db: &Db<'_>, p: &ParcelRow) -> Result<PrintedParcel> {
    let orders = db.parcel_orders(p.id)?;
    Ok(PrintedParcel {
        seq: p.seq.unwrap_or(0),
        tracking_no: p.tracking_no.clone().unwrap_or_default(),
        courier: p.courier.clone().unwrap_or_default(),
        order_nos: orders.iter().map(|o| o.order_no.clone()).collect(),
        receiver: receiver_of(&orders),
        lines: item_lines(db, &orders)?,
        stage: p.stage,
        reported: p.reported_at.is_some(),
    })
}

fn receiver_of(orders: &[crate::store::BenchOrder]) -> String {
    orders
        .first()
        .map(|o| o.receiver.name.clone())
        .unwrap_or_default()
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
    let on_paper = db.batch_waybills_on_paper(batch_id)?.is_some();
    Ok(BatchView {
        batch,
        parcels,
        on_paper,
    })
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
    live_batch(&db, batch_id)?;
    pick_list(&db, batch_id)
}
