//! Exchanges (换货, issue 15 item 5): the buyer places a new order for the goods they want
//! ("单拍一个换货商品，备注被换货的订单编号") and sends the old goods back. The new order is linked
//! to the original — from its remark or message naming the original's number, or by hand — and
//! once the return waybill is known the return desk finds the original order by it.

use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::{Db, ExchangeRow, Store};
use serde_json::json;

fn valid_waybill(s: &str) -> bool {
    (6..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Links `order_no` (the exchange order) to `original` (whose goods come back), with the return
/// waybill if known; linking again corrects it.
pub fn link(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    original: &str,
    return_waybill: Option<&str>,
) -> Result<ExchangeRow> {
    actor
        .require(Permission::HandleExceptions)
        .or_else(|_| actor.require(Permission::ChangeOrder))?;
    let (order_no, original) = (order_no.trim(), original.trim());
    let waybill = return_waybill.map(str::trim).filter(|w| !w.is_empty());
    if let Some(w) = waybill
        && !valid_waybill(w)
    {
        return Err(Error::invalid(
            format!("退货快递单号不对：{w:?}"),
            format!("not a tracking number: {w:?}"),
        ));
    }
    if order_no == original {
        return Err(Error::invalid(
            "换货订单不能是它自己的原订单",
            "an exchange order cannot be its own original",
        ));
    }
    store.write(|db| {
        for no in [order_no, original] {
            if db.bench_order(no)?.is_none() {
                return Err(Error::not_found("order", "订单", no));
            }
        }
        db.put_exchange(order_no, original, waybill, "manual", actor)?;
        db.log_event(
            actor,
            "exchange_linked",
            order_no,
            &json!({"original": original, "return_waybill": waybill, "how": "manual"}),
        )?;
        db.exchange(order_no)?
            .ok_or_else(|| Error::not_found("exchange", "换货", order_no))
    })
}

/// The original order an exchange order's remark or message names: it speaks of 换 and holds
/// the number of another order the shop has. `None` when it names none.
pub(crate) fn named_original(db: &Db<'_>, order_no: &str, text: &str) -> Result<Option<String>> {
    if !text.contains('换') {
        return Ok(None);
    }
    let mut run = String::new();
    let mut candidates = Vec::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            if run.len() >= 10 {
                candidates.push(std::mem::take(&mut run));
            }
            run.clear();
        }
    }
    for no in candidates {
        if no != order_no && db.bench_order(&no)?.is_some() {
            return Ok(Some(no));
        }
    }
    Ok(None)
}

/// Links an order to the original its text names, unless it is linked already (a link by hand
/// stays). Called for imported orders' messages and remarks.
pub(crate) fn link_from_text(
    db: &Db<'_>,
    actor: &Actor,
    order_no: &str,
    text: &str,
) -> Result<bool> {
    if db.exchange(order_no)?.is_some() {
        return Ok(false);
    }
    let Some(original) = named_original(db, order_no, text)? else {
        return Ok(false);
    };
    db.put_exchange(order_no, &original, None, "remark", actor)?;
    db.log_event(
        actor,
        "exchange_linked",
        order_no,
        &json!({"original": original, "how": "remark"}),
    )?;
    Ok(true)
}
