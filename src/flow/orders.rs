//! Looking orders up, remarks, and corrections by staff.

use crate::domain::remark::is_flagged;
use crate::domain::{Actor, OrderStatus, Permission};
use crate::error::{Error, Result};
use crate::store::{OrderRecord, OrderSummary, Store};
use serde_json::json;

pub fn show_order(store: &Store, actor: &Actor, order_no: &str) -> Result<OrderRecord> {
    actor.require(Permission::ViewOrders)?;
    store
        .read()
        .order_record(order_no.trim())?
        .ok_or_else(|| Error::not_found("order", "订单", order_no))
}

pub fn list_orders(
    store: &Store,
    actor: &Actor,
    status: Option<OrderStatus>,
    limit: usize,
) -> Result<Vec<OrderSummary>> {
    actor.require(Permission::ViewOrders)?;
    store.read().list_orders(status, limit)
}

/// The orders of `list_orders`, one at a time as they are read.
pub fn each_order(
    store: &Store,
    actor: &Actor,
    status: Option<OrderStatus>,
    limit: usize,
    f: impl FnMut(OrderSummary) -> Result<()>,
) -> Result<()> {
    actor.require(Permission::ViewOrders)?;
    store.read().each_order(status, limit, f)
}

/// Orders by order number, tracking number, buyer or receiver, optionally of one status.
pub fn search(
    store: &Store,
    actor: &Actor,
    query: &str,
    status: Option<OrderStatus>,
    limit: usize,
) -> Result<Vec<OrderSummary>> {
    actor.require(Permission::ViewOrders)?;
    store.read().search_orders(query, status, limit)
}

/// A remark or note over `MAX_REMARK` characters is refused (not cut: the writer decides).
pub(crate) fn too_long_note(text: &str) -> Result<()> {
    use crate::domain::remark::MAX_REMARK;
    let n = text.chars().count();
    if n > MAX_REMARK {
        return Err(Error::invalid(
            format!("备注太长：{n} 个字符，最多 {MAX_REMARK} 个"),
            format!("the remark is too long: {n} characters, at most {MAX_REMARK}"),
        ));
    }
    Ok(())
}

/// Appends a remark by the acting staff member; it carries their staff code, which credits the
/// sale to them. `flag` is the red flag for special handling.
pub fn add_remark(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    text: &str,
    flag: bool,
) -> Result<()> {
    actor.require(Permission::AddRemark)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid("备注不能为空", "the remark is empty"));
    }
    too_long_note(text)?;
    store.write(|db| {
        let order = db
            .order_for_import(order_no)?
            .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        let flag = flag || is_flagged(text);
        db.append_remark(
            order.id,
            text,
            Some(&actor.staff.code),
            flag,
            "staff",
            actor,
        )?;
        db.log_event(
            actor,
            "remark_added",
            order_no,
            &json!({"text": text, "flag": flag}),
        )?;
        if text.contains('换') {
            super::exchanges::link_from_text(db, actor, order_no, text)?;
        }
        super::review::hold_on_remark(db, actor, order_no, text)
    })
}

/// Corrects an order's status by hand (a buyer cancelled by phone, a refund done outside Taobao).
/// Needs the right to change orders; the reason is logged.
pub fn set_status(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    status: OrderStatus,
    reason: &str,
) -> Result<()> {
    actor.require(Permission::ChangeOrder)?;
    if reason.trim().is_empty() {
        return Err(Error::invalid(
            "请写明修改原因",
            "give a reason for the change",
        ));
    }
    store.write(|db| {
        let order = db.order_for_import(order_no)?.ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        if order.order.status == status {
            return Ok(());
        }
        db.set_order_status(order.id, status)?;
        db.log_event(
            actor,
            "order_status_changed",
            order_no,
            &json!({"from": order.order.status.code(), "to": status.code(), "reason": reason.trim()}),
        )?;
        // Set shipped by hand, and no bench shipped it: its stock leaves now, once.
        if matches!(order.order.status, OrderStatus::Paid | OrderStatus::Unpaid)
            && matches!(status, OrderStatus::Shipped | OrderStatus::Completed)
        {
            super::ship::shipped_on_platform(db, actor, order.id, order_no, &order.order.lines)?;
        }
        Ok(())
    })
}

/// The event log, newest first.
/// The events of `events`, one at a time as they are read.
pub fn each_event(
    store: &Store,
    actor: &Actor,
    kind: Option<&str>,
    limit: usize,
    f: impl FnMut(crate::store::EventRow) -> Result<()>,
) -> Result<()> {
    actor.require(Permission::ViewReports)?;
    store.read().each_event(kind, limit, f)
}

pub fn events(
    store: &Store,
    actor: &Actor,
    kind: Option<&str>,
    limit: usize,
) -> Result<Vec<crate::store::EventRow>> {
    actor.require(Permission::ViewReports)?;
    store.read().events(kind, limit)
}

/// Corrects an order's receiver before it is printed (the buyer asked customer service for
/// another address or phone): the old receiver kept in the event log, and a later import of
/// the order keeps the correction. Empty fields keep their value. Refused once the order is in
/// a printed batch (cancel the batch first) or merged with others (unmerge first: merged
/// orders share one receiver).
pub fn correct_receiver(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    name: &str,
    phone: &str,
    address: &str,
) -> Result<crate::domain::order::Receiver> {
    use crate::domain::check::ParcelStage;
    actor.require(Permission::ChangeOrder)?;
    for (v, zh, en) in [
        (name, "收货人", "receiver"),
        (phone, "电话", "phone"),
        (address, "地址", "address"),
    ] {
        if v.chars().any(char::is_control) || v.chars().count() > 200 {
            return Err(Error::invalid(
                format!("{zh}不能含控制字符，最多 200 个字"),
                format!("the {en} may not hold control characters or be over 200 characters"),
            ));
        }
    }
    store.write(|db| {
        let o = db
            .bench_order(order_no)?
            .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        // The orders whose receiver changes: this one, or its whole parcel once its printed
        // waybill was voided (the new waybill carries the new receiver for all of them).
        let mut together = vec![o.id];
        if let Some(pid) = o.parcel_id {
            let parcel = db.parcel(pid)?;
            let voided = parcel
                .as_ref()
                .is_some_and(|p| p.stage == ParcelStage::Printed && p.tracking_no.is_none());
            let printed = parcel.is_some_and(|p| p.stage != ParcelStage::Merged);
            if voided {
                together = db.parcel_orders(pid)?.iter().map(|x| x.id).collect();
            } else if printed {
                return Err(Error::invalid(
                    format!(
                        "订单 {order_no} 已打印快递单，不能再改收货信息（先作废快递单，改好再打新单）"
                    ),
                    format!(
                        "order {order_no}'s waybill is printed: void it first, then correct the receiver and print a new one"
                    ),
                ));
            } else {
                return Err(Error::invalid(
                    format!("订单 {order_no} 已和别的订单合并，先拆开再改收货信息"),
                    format!("order {order_no} is merged with others: unmerge it first"),
                ));
            }
        }
        if !matches!(o.status, OrderStatus::Paid | OrderStatus::Unpaid) {
            return Err(Error::invalid(
                format!("订单 {order_no} 已发货或已关闭，不能改收货信息"),
                format!("order {order_no} is shipped or closed: its receiver stays"),
            ));
        }
        let keep = |new: &str, old: &str| {
            let t = new.trim();
            if t.is_empty() { old.to_string() } else { t.to_string() }
        };
        let new = crate::domain::order::Receiver {
            name: keep(name, &o.receiver.name),
            phone: keep(phone, &o.receiver.phone),
            address: keep(address, &o.receiver.address),
        };
        if new == o.receiver {
            return Ok(new);
        }
        for id in together {
            db.correct_receiver(id, &new)?;
        }
        db.log_event(
            actor,
            "receiver_corrected",
            order_no,
            &json!({
                "from": {"name": o.receiver.name, "phone": o.receiver.phone, "address": o.receiver.address},
                "to": {"name": new.name, "phone": new.phone, "address": new.address},
            }),
        )?;
        Ok(new)
    })
}

/// What happened to an order after it was sold: its refunds, its exceptions (handled or not),
/// its exchange link either way, and the returns received for it.
#[derive(Debug, Clone, Default)]
pub struct AfterSale {
    pub refunds: Vec<crate::domain::refund::Refund>,
    pub exceptions: Vec<crate::domain::exception::Exception>,
    /// The original this order is an exchange for.
    pub exchange_for: Option<String>,
    pub returns: Vec<crate::store::ReturnRow>,
}

pub fn after_sale(store: &Store, actor: &Actor, order_no: &str) -> Result<AfterSale> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let order_no = order_no.trim();
    Ok(AfterSale {
        refunds: db.refunds_of_order(order_no)?,
        exceptions: db.exceptions_of_order(order_no)?,
        exchange_for: db.exchange(order_no)?.map(|x| x.original_no),
        returns: db.returns_of_order(order_no)?,
    })
}
