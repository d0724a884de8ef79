//! A printed parcel that must change before it leaves (issue 15, item 2): a waybill voided and a
//! new one printed (a wrong address, another courier, a label spoiled), an order taken out of a
//! merged parcel (refunded, out of stock, changed) so the rest ships. Each change goes on the
//! order printer's exceptions list, because somebody must pull a label or goods from a basket.

use crate::domain::check::ParcelStage;
use crate::domain::exception::ExceptionKind;
use crate::domain::{Actor, BatchId, OrderStatus, Permission};
use crate::error::{Error, Result};
use crate::store::{Db, ExceptionSubject, ParcelRow, Store};
use serde::Serialize;
use serde_json::json;

/// A reason as a person gives it: one line, not empty, at most 200 characters.
pub(crate) fn reason_text(reason: &str) -> Result<String> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Error::invalid("请写明原因", "give a reason"));
    }
    if r.chars().any(char::is_control) || r.chars().count() > 200 {
        return Err(Error::invalid(
            "原因不能含控制字符，最多 200 个字",
            "the reason may not hold control characters or be over 200 characters",
        ));
    }
    Ok(r.to_string())
}

/// A printed waybill voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voided {
    pub tracking_no: String,
    pub courier: String,
    pub batch_id: Option<BatchId>,
    /// The parcel's orders: name one to give the parcel a new waybill.
    pub order_nos: Vec<String>,
    /// Whether anything of the parcel is still to ship (else it needs no new waybill).
    pub to_ship: bool,
    pub exception_id: i64,
}

fn printed_parcel_by_tracking(db: &Db<'_>, tracking_no: &str) -> Result<ParcelRow> {
    if let Some(v) = db.waybill_void(tracking_no)? {
        let at = super::print::shop_time(&v.at);
        return Err(Error::invalid(
            format!(
                "快递单 {tracking_no} 已经作废（{at}，{}：{}）",
                v.staff_code, v.reason
            ),
            format!(
                "waybill {tracking_no} was voided already ({at}, {}: {})",
                v.staff_code, v.reason
            ),
        ));
    }
    let Some(p) = db.parcel_by_tracking(tracking_no)? else {
        return Err(if db.waybill_courier(tracking_no)?.is_some() {
            Error::invalid(
                format!("单号 {tracking_no} 还没有用在包裹上"),
                format!("tracking number {tracking_no} is on no parcel yet"),
            )
        } else {
            Error::not_found("tracking number", "快递单号", tracking_no)
        });
    };
    if p.stage == ParcelStage::Shipped {
        return Err(Error::invalid(
            format!("包裹 {tracking_no} 已经发出，不能再改（退回的货走退货到货）"),
            format!(
                "parcel {tracking_no} has left: it can no longer change (goods coming back are a return)"
            ),
        ));
    }
    Ok(p)
}

/// Voids a printed waybill: the number is never used again, the parcel waits for a new one
/// (`new_waybill`), a scan of the old label is refused at the bench, and the void goes on the
/// order printer's list with who and why.
pub fn void_waybill(
    store: &mut Store,
    actor: &Actor,
    tracking_no: &str,
    reason: &str,
) -> Result<Voided> {
    actor.require(Permission::ChangeOrder)?;
    let reason = reason_text(reason)?;
    let tracking_no = tracking_no.trim();
    store.write(|db| {
        let p = printed_parcel_by_tracking(db, tracking_no)?;
        let orders = db.parcel_orders(p.id)?;
        let courier = p.courier.clone().unwrap_or_default();
        db.void_waybill(tracking_no, p.id, &courier, &reason, actor)?;
        let order_nos: Vec<String> = orders.iter().map(|o| o.order_no.clone()).collect();
        let exception_id = db.raise_exception(
            actor,
            ExceptionKind::WaybillVoided,
            &ExceptionSubject {
                parcel_id: Some(p.id),
                order_no: order_nos.first().map_or("", String::as_str),
                tracking_no,
                note: &reason,
            },
        )?;
        db.log_event(
            actor,
            "waybill_voided",
            tracking_no,
            &json!({"parcel_id": p.id, "courier": courier, "reason": reason,
                    "orders": order_nos}),
        )?;
        Ok(Voided {
            tracking_no: tracking_no.to_string(),
            courier,
            batch_id: p.batch_id,
            to_ship: orders.iter().any(|o| o.lines_in_parcel().next().is_some()),
            order_nos,
            exception_id,
        })
    })
}

/// A new waybill for a parcel whose waybill was voided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewWaybill {
    pub tracking_no: String,
    pub courier: String,
    /// Print it with the batch's waybills: `print waybills --batch B --only NUMBER`.
    pub batch_id: BatchId,
    pub order_nos: Vec<String>,
}

/// Gives the parcel of `order_no`, printed and then voided, a new number from the pool: of its
/// courier, or of `courier` (the parcel goes by another courier now). Print it next.
pub fn new_waybill(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    courier: Option<&str>,
) -> Result<NewWaybill> {
    actor.require(Permission::PrintBatch)?;
    let order_no = order_no.trim();
    store.write(|db| {
        let o = db
            .bench_order(order_no)?
            .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        let p = match o.parcel_id {
            Some(pid) => db.parcel(pid)?,
            None => None,
        };
        let Some(p) = p.filter(|p| p.stage == ParcelStage::Printed) else {
            return Err(Error::invalid(
                format!("订单 {order_no} 没有打印过快递单（在批次里打印）"),
                format!("order {order_no} has no printed waybill (print it in a batch)"),
            ));
        };
        if let Some(t) = &p.tracking_no {
            return Err(Error::invalid(
                format!("订单 {order_no} 的快递单 {t} 还有效：要换单先作废它"),
                format!("order {order_no}'s waybill {t} is still valid: void it first"),
            ));
        }
        let batch_id = p.batch_id.ok_or_else(|| {
            Error::invalid(
                format!("订单 {order_no} 的包裹不在批次里"),
                format!("order {order_no}'s parcel is in no batch"),
            )
        })?;
        super::batch::live_batch(db, batch_id)?;
        let orders = db.parcel_orders(p.id)?;
        if orders.iter().all(|o| o.lines_in_parcel().next().is_none()) {
            return Err(Error::invalid(
                format!("订单 {order_no} 的包裹已经没有要发的货，不用新单"),
                format!("order {order_no}'s parcel has nothing left to ship: it needs no waybill"),
            ));
        }
        let courier = match courier.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => c.to_string(),
            None => p.courier.clone().unwrap_or_default(),
        };
        let no = db.take_waybill(&courier, p.id)?.ok_or_else(|| {
            Error::invalid(
                format!("{courier} 没有空闲的快递单号了，先加单号"),
                format!("{courier} has no free tracking numbers: add some first"),
            )
        })?;
        db.rewaybill_parcel(p.id, &courier, &no)?;
        let order_nos: Vec<String> = orders.iter().map(|o| o.order_no.clone()).collect();
        db.log_event(
            actor,
            "waybill_replaced",
            &no,
            &json!({"parcel_id": p.id, "courier": courier, "was_courier": p.courier,
                    "orders": order_nos}),
        )?;
        Ok(NewWaybill {
            tracking_no: no,
            courier,
            batch_id,
            order_nos,
        })
    })
}

/// An order taken out of a printed parcel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub order_no: String,
    pub tracking_no: String,
    /// The orders still in the parcel: they ship under its waybill.
    pub left: Vec<String>,
    /// The order may still ship (paid or let through): it is back in review, to print anew.
    pub back_to_review: bool,
    pub exception_id: i64,
}

/// Takes `order_no` out of the printed, merged parcel `tracking_no` (a refund, a shortage, a
/// change): the rest ships under the same waybill; the order, if it may still ship, goes back to
/// review. Refused while a bench is checking the parcel (its counts would change under it), and
/// for the parcel's last order (void the waybill instead).
pub fn remove_order(
    store: &mut Store,
    actor: &Actor,
    tracking_no: &str,
    order_no: &str,
) -> Result<Removed> {
    actor.require(Permission::ChangeOrder)?;
    let (tracking_no, order_no) = (tracking_no.trim(), order_no.trim());
    store.write(|db| {
        let p = printed_parcel_by_tracking(db, tracking_no)?;
        if let Some(bench) = &p.claimed_by {
            return Err(Error::invalid(
                format!("包裹 {tracking_no} 正在验货台 {bench} 验货：先在那里扫别的单或释放它"),
                format!(
                    "parcel {tracking_no} is being checked at bench {bench}: put it aside there or free it first"
                ),
            ));
        }
        let orders = db.parcel_orders(p.id)?;
        let Some(o) = orders.iter().find(|o| o.order_no == order_no) else {
            return Err(Error::invalid(
                format!("订单 {order_no} 不在包裹 {tracking_no} 里"),
                format!("order {order_no} is not in parcel {tracking_no}"),
            ));
        };
        if orders.len() < 2 {
            return Err(Error::invalid(
                format!("订单 {order_no} 是包裹 {tracking_no} 唯一的订单：请作废快递单"),
                format!("order {order_no} is the only order of parcel {tracking_no}: void the waybill instead"),
            ));
        }
        db.take_order_out(o.id)?;
        // What the pick list put in the basket for it, refunded lines too.
        let items: Vec<String> = o
            .lines
            .iter()
            .map(|l| format!("{}×{}", l.sku_code, l.qty))
            .collect();
        let note = items.join(", ");
        let exception_id = db.raise_exception(
            actor,
            ExceptionKind::OrderRemoved,
            &ExceptionSubject {
                parcel_id: Some(p.id),
                order_no,
                tracking_no,
                note: &note,
            },
        )?;
        let left: Vec<String> = orders
            .iter()
            .filter(|x| x.id != o.id)
            .map(|x| x.order_no.clone())
            .collect();
        let back_to_review = matches!(o.status, OrderStatus::Paid | OrderStatus::Unpaid);
        db.log_event(
            actor,
            "order_removed_from_parcel",
            order_no,
            &json!({"tracking_no": tracking_no, "parcel_id": p.id, "left": left,
                    "items": items, "back_to_review": back_to_review}),
        )?;
        Ok(Removed {
            order_no: order_no.to_string(),
            tracking_no: tracking_no.to_string(),
            left,
            back_to_review,
            exception_id,
        })
    })
}
