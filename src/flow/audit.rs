//! Where Taobao's word and the goods disagree (issue 15, item 8; the self-audits of issue 16
//! read this): parcels reported shipped on Taobao whose goods have not left the bench, and
//! orders that left here but that the last import still saw unshipped on Taobao (自审4).

use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::store::Store;
use serde::Serialize;

/// The most rows of each list.
pub const LIMIT: usize = 1_000;

/// A parcel reported shipped whose goods are still here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotLeft {
    pub tracking_no: String,
    pub batch_id: Option<crate::domain::BatchId>,
    pub order_nos: Vec<String>,
    /// When it was reported (UTC).
    pub reported_at: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ShippingDifference {
    /// Reported shipped on Taobao, not yet checked and gone.
    pub reported_not_left: Vec<NotLeft>,
    /// Shipped here, still unshipped on Taobao at the last import (and when that import ran).
    pub not_shipped_on_taobao: Vec<String>,
    pub partly_shipped_on_taobao: Vec<String>,
    pub last_import_at: Option<String>,
}

pub fn shipping(store: &Store, actor: &Actor) -> Result<ShippingDifference> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let mut out = ShippingDifference::default();
    for p in db.reported_not_left(LIMIT)? {
        out.reported_not_left.push(NotLeft {
            tracking_no: p.tracking_no.clone().unwrap_or_default(),
            batch_id: p.batch_id,
            order_nos: db
                .parcel_orders(p.id)?
                .into_iter()
                .map(|o| o.order_no)
                .collect(),
            reported_at: p.reported_at.clone().unwrap_or_default(),
        });
    }
    if let Some(e) = db.events(Some("orders_imported"), 1)?.into_iter().next() {
        let list = |k: &str| -> Vec<String> {
            e.detail[k]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        out.not_shipped_on_taobao = list("not_shipped_on_taobao");
        out.partly_shipped_on_taobao = list("partly_shipped_on_taobao");
        out.last_import_at = Some(e.at);
    }
    Ok(out)
}
