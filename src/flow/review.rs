//! Order review (审单): which paid orders are ready to print, and holding or releasing them.

use crate::domain::check::ParcelStage;
use crate::domain::review::{HoldReason, remark_holds};
use crate::domain::{Actor, OrderStatus, Permission};
use crate::error::{Error, Result};
use crate::store::{BenchOrder, Db, Store};
use serde_json::json;

/// Where an unprinted order stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// May be printed.
    Ready,
    /// Held, with the reason code.
    Held(String),
    /// Unpaid, and nobody let it ship unpaid.
    Unpaid,
    /// Every line was refunded.
    NothingToShip,
    /// These merchant codes are no product of the catalogue (or a discontinued one).
    Unresolved(Vec<String>),
    /// A refund is under way on Taobao: not printed until it is settled.
    Refund,
}

impl Readiness {
    pub fn code(&self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Held(_) => "held",
            Readiness::Unpaid => "unpaid",
            Readiness::NothingToShip => "nothing_to_ship",
            Readiness::Unresolved(_) => "unresolved",
            Readiness::Refund => "refund",
        }
    }
}

/// Whether `o` may be printed now.
pub fn readiness(db: &Db<'_>, o: &BenchOrder) -> Result<Readiness> {
    if let Some(reason) = &o.hold_reason {
        return Ok(Readiness::Held(reason.clone()));
    }
    if o.refund_open {
        return Ok(Readiness::Refund);
    }
    if o.status == OrderStatus::Unpaid && !o.ship_unpaid {
        return Ok(Readiness::Unpaid);
    }
    let mut unresolved = Vec::new();
    let mut any = false;
    for l in o.lines_to_ship() {
        any = true;
        let known = db
            .product_by_sku(&l.sku_code)?
            .is_some_and(|(_, p)| p.state == crate::domain::ProductState::Active);
        if !known && !unresolved.contains(&l.sku_code) {
            unresolved.push(l.sku_code.clone());
        }
    }
    Ok(if !any {
        Readiness::NothingToShip
    } else if !unresolved.is_empty() {
        Readiness::Unresolved(unresolved)
    } else {
        Readiness::Ready
    })
}

/// Unprinted orders, oldest first, with where each stands.
pub fn review_list(
    store: &Store,
    actor: &Actor,
    limit: usize,
) -> Result<Vec<(BenchOrder, Readiness)>> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    db.unprinted_orders(limit)?
        .into_iter()
        .map(|o| {
            let r = readiness(&db, &o)?;
            Ok((o, r))
        })
        .collect()
}

fn order_to_change(db: &Db<'_>, order_no: &str) -> Result<BenchOrder> {
    let o = db
        .bench_order(order_no)?
        .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
    if let Some(p) = o.parcel_id.map(|id| db.parcel(id)).transpose()?.flatten()
        && p.stage == ParcelStage::Shipped
    {
        return Err(Error::invalid(
            format!("订单 {order_no} 已发货"),
            format!("order {order_no} has shipped"),
        ));
    }
    Ok(o)
}

/// Holds an order: it is not printed, and if printed already it is stopped at the bench.
pub fn hold(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    reason: HoldReason,
    note: &str,
) -> Result<()> {
    actor.require(Permission::ReviewOrders)?;
    if reason == HoldReason::Other && note.trim().is_empty() {
        return Err(Error::invalid(
            "“其他”原因请写明说明",
            "give a note for the reason \"other\"",
        ));
    }
    super::orders::too_long_note(note.trim())?;
    store.write(|db| {
        let o = order_to_change(db, order_no)?;
        db.set_hold(o.id, Some(reason.code()), note.trim())?;
        db.log_event(
            actor,
            "order_held",
            order_no,
            &json!({"reason": reason.code(), "note": note.trim()}),
        )
    })
}

/// Sets the courier an order must go by (指定快递: the buyer asked for SF, a remote address only
/// EMS reaches), or any courier again with `None`. Only a batch of that courier takes it. A
/// merged order's whole parcel goes by it; a printed one keeps its waybill's (cancel the batch).
pub fn set_courier(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    courier: Option<&str>,
) -> Result<()> {
    actor.require(Permission::ChangeOrder)?;
    let courier = courier.map(str::trim).filter(|c| !c.is_empty());
    if let Some(c) = courier
        && (c.chars().count() > 32 || c.chars().any(char::is_control))
    {
        return Err(Error::invalid(
            "快递公司名称最多 32 个字，不能含控制字符",
            "a courier's name is at most 32 characters, without control characters",
        ));
    }
    store.write(|db| {
        let o = order_to_change(db, order_no)?;
        let mut orders = vec![o.clone()];
        if let Some(pid) = o.parcel_id {
            let p = db.parcel(pid)?;
            if p.as_ref().is_some_and(|p| p.stage != ParcelStage::Merged) {
                return Err(Error::invalid(
                    format!("订单 {order_no} 已打印快递单，快递公司不能在这里改（作废快递单，再换另一家快递的新单）"),
                    format!("order {order_no}'s waybill is printed: its courier does not change here (void the waybill, then take a new one of the other courier)"),
                ));
            }
            orders = db.parcel_orders(pid)?;
        }
        for m in &orders {
            if m.courier_wanted.as_deref() == courier {
                continue;
            }
            db.set_courier_wanted(m.id, courier)?;
            db.log_event(
                actor,
                "courier_chosen",
                &m.order_no,
                &json!({"from": m.courier_wanted, "to": courier}),
            )?;
        }
        Ok(())
    })
}

/// Releases a hold.
pub fn release(store: &mut Store, actor: &Actor, order_no: &str) -> Result<()> {
    actor.require(Permission::ReviewOrders)?;
    store.write(|db| {
        let o = order_to_change(db, order_no)?;
        let Some(reason) = o.hold_reason else {
            return Err(Error::invalid(
                format!("订单 {order_no} 没有暂停"),
                format!("order {order_no} is not held"),
            ));
        };
        db.set_hold(o.id, None, "")?;
        db.log_event(
            actor,
            "order_released",
            order_no,
            &json!({"reason": reason}),
        )
    })
}

/// Lets an unpaid order ship: the buyer paid by bank transfer (汇款).
pub fn ship_unpaid(store: &mut Store, actor: &Actor, order_no: &str, note: &str) -> Result<()> {
    actor.require(Permission::ShipUnpaid)?;
    store.write(|db| {
        let o = order_to_change(db, order_no)?;
        if o.status != OrderStatus::Unpaid {
            return Err(Error::invalid(
                format!("订单 {order_no} 不是待付款订单"),
                format!("order {order_no} is not an unpaid order"),
            ));
        }
        db.set_ship_unpaid(o.id)?;
        db.log_event(
            actor,
            "ship_unpaid",
            order_no,
            &json!({"note": note.trim()}),
        )
    })
}

/// The hold a new order gets from its first remark: 暂不发货 holds an order not yet done with
/// (reason: remark, the remark its note). Written with the order as it is stored.
pub(crate) fn new_order_hold_on_remark(
    status: OrderStatus,
    text: &str,
) -> Option<(&'static str, String)> {
    (remark_holds(text) && matches!(status, OrderStatus::Paid | OrderStatus::Unpaid))
        .then(|| (HoldReason::Remark.code(), text.to_string()))
}

/// The event of a new order held for its remark.
pub(crate) fn log_held_on_remark(
    db: &Db<'_>,
    actor: &Actor,
    order_no: &str,
    text: &str,
) -> Result<()> {
    db.log_event(
        actor,
        "order_held",
        order_no,
        &json!({"reason": "remark", "note": text}),
    )
}

/// Holds the order when a newly added remark says 暂不发货 (reason: remark), unless it is held
/// already or done with.
pub(crate) fn hold_on_remark(db: &Db<'_>, actor: &Actor, order_no: &str, text: &str) -> Result<()> {
    if !remark_holds(text) {
        return Ok(());
    }
    let Some(o) = db.bench_order(order_no)? else {
        return Ok(());
    };
    let open = matches!(o.status, OrderStatus::Paid | OrderStatus::Unpaid);
    let shipped = o
        .parcel_id
        .map(|id| db.parcel(id))
        .transpose()?
        .flatten()
        .is_some_and(|p| p.stage == ParcelStage::Shipped);
    if o.hold_reason.is_none() && open && !shipped {
        db.set_hold(o.id, Some(HoldReason::Remark.code()), text)?;
        db.log_event(
            actor,
            "order_held",
            order_no,
            &json!({"reason": "remark", "note": text}),
        )?;
    }
    Ok(())
}
