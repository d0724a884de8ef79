//! Merged shipments (合并发货): orders of one buyer to one address go as one parcel, with one
//! tracking number and one check.

use super::review::{Readiness, readiness};
use crate::domain::check::ParcelStage;
use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::{BenchOrder, Db, Store};
use serde_json::json;

/// A parcel made by merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub parcel_id: i64,
    pub order_nos: Vec<String>,
}

fn same_destination(a: &BenchOrder, b: &BenchOrder) -> bool {
    a.receiver == b.receiver
}

/// Merges every group of ready orders with the same buyer, receiver, phone and address.
pub fn merge_auto(store: &mut Store, actor: &Actor) -> Result<Vec<Merged>> {
    actor.require(Permission::MergeOrders)?;
    store.write(|db| {
        let mut out = Vec::new();
        for group in db.merge_candidates()? {
            let mut ready = Vec::new();
            for no in &group {
                if let Some(o) = db.bench_order(no)?
                    && readiness(db, &o)? == Readiness::Ready
                {
                    ready.push(o);
                }
            }
            if ready.len() > 1 {
                out.push(make_parcel(db, actor, &ready, "auto")?);
            }
        }
        Ok(out)
    })
}

/// Merges the given orders into one parcel. They must be ready, unprinted and going to the same
/// receiver, phone and address; orders merged before join the new parcel with their partners.
pub fn merge(store: &mut Store, actor: &Actor, order_nos: &[String]) -> Result<Merged> {
    actor.require(Permission::MergeOrders)?;
    if order_nos.len() < 2 {
        return Err(Error::invalid(
            "至少要两个订单才能合并",
            "name at least two orders to merge",
        ));
    }
    store.write(|db| {
        let mut orders: Vec<BenchOrder> = Vec::new();
        for no in order_nos {
            let o = db
                .bench_order(no)?
                .ok_or_else(|| Error::not_found("order", "订单", no))?;
            match readiness(db, &o)? {
                Readiness::Ready => {}
                r => {
                    return Err(Error::invalid(
                        format!("订单 {no} 还不能打印（{}），不能合并", r.code()),
                        format!(
                            "order {no} is not ready to print ({}) and cannot be merged",
                            r.code()
                        ),
                    ));
                }
            }
            if let Some(pid) = o.parcel_id {
                if db
                    .parcel(pid)?
                    .is_some_and(|p| p.stage != ParcelStage::Merged)
                {
                    return Err(Error::invalid(
                        format!("订单 {no} 已打印"),
                        format!("order {no} is printed already"),
                    ));
                }
                // Its partners come along.
                for partner in db.parcel_orders(pid)? {
                    if !orders.iter().any(|x| x.id == partner.id)
                        && !order_nos.contains(&partner.order_no)
                    {
                        orders.push(partner);
                    }
                }
                db.dissolve_parcel(pid)?;
            }
            if let Some(first) = orders.first()
                && !same_destination(first, &o)
            {
                return Err(Error::invalid(
                    format!(
                        "订单 {} 和 {no} 的收货人、电话或地址不同，不能合并",
                        first.order_no
                    ),
                    format!(
                        "orders {} and {no} differ in receiver, phone or address",
                        first.order_no
                    ),
                ));
            }
            if !orders.iter().any(|x| x.id == o.id) {
                orders.push(o);
            }
        }
        make_parcel(db, actor, &orders, "manual")
    })
}

fn make_parcel(db: &Db<'_>, actor: &Actor, orders: &[BenchOrder], how: &str) -> Result<Merged> {
    let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
    let parcel_id = db.new_parcel(&ids)?;
    let order_nos: Vec<String> = orders.iter().map(|o| o.order_no.clone()).collect();
    db.log_event(
        actor,
        "orders_merged",
        &order_nos.join(","),
        &json!({"parcel_id": parcel_id, "how": how}),
    )?;
    Ok(Merged {
        parcel_id,
        order_nos,
    })
}

/// Undoes the merge the order is in (before printing). Returns the orders that were together.
pub fn unmerge(store: &mut Store, actor: &Actor, order_no: &str) -> Result<Vec<String>> {
    actor.require(Permission::MergeOrders)?;
    store.write(|db| {
        let o = db
            .bench_order(order_no)?
            .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        let Some(pid) = o.parcel_id else {
            return Err(Error::invalid(
                format!("订单 {order_no} 没有合并"),
                format!("order {order_no} is not merged"),
            ));
        };
        let nos: Vec<String> = db
            .parcel_orders(pid)?
            .into_iter()
            .map(|o| o.order_no)
            .collect();
        db.dissolve_parcel(pid)?;
        db.log_event(
            actor,
            "orders_unmerged",
            &nos.join(","),
            &json!({"parcel_id": pid}),
        )?;
        Ok(nos)
    })
}

/// Groups the window suggests merging: ready orders, not yet together, with the same buyer,
/// receiver, phone and address (as `merge_auto` would take them), oldest first.
pub fn suggestions(store: &Store, actor: &Actor, limit: usize) -> Result<Vec<Vec<BenchOrder>>> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let mut out = Vec::new();
    for group in db.merge_candidates()? {
        let mut ready = Vec::new();
        for no in &group {
            if let Some(o) = db.bench_order(no)?
                && readiness(&db, &o)? == Readiness::Ready
            {
                ready.push(o);
            }
        }
        if ready.len() > 1 {
            out.push(ready);
            if out.len() == limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Parcels merged and not printed yet, each with its orders: what can still be unmerged.
pub fn merged_unprinted(
    store: &Store,
    actor: &Actor,
    limit: usize,
) -> Result<Vec<Vec<BenchOrder>>> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    db.merged_parcels(limit)?
        .into_iter()
        .map(|pid| db.parcel_orders(pid))
        .collect()
}
