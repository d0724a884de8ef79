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

// ---------------------------------------------------------------- self-audits (自我审核)

use crate::domain::Role;
use crate::domain::exception::Queue;
use crate::domain::report::{AuditItem, AuditRole};
use crate::domain::time::shop_days_bounds;
use crate::error::Error;
use chrono::NaiveDate;
use serde_json::json;

/// One thing behind an item's count: what it is (an order, a tracking number, a merchant code,
/// a receipt), the orders it concerns, how many units, when, and who or where.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub subject: String,
    pub orders: Vec<String>,
    pub qty: Option<i64>,
    pub amount: Option<crate::domain::Fen>,
    pub at: Option<String>,
    pub who: Option<String>,
}

/// One item of a self-audit: its count and the list behind it (at most `LIMIT` rows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemResult {
    pub item: AuditItem,
    pub count: usize,
    pub rows: Vec<AuditRow>,
    /// For `printed_not_processed`: waybills printed that day, and how many of them left.
    pub printed: Option<i64>,
    pub processed: Option<i64>,
}

/// A self-audit of one role and day, and who has signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfAudit {
    pub role: AuditRole,
    #[serde(serialize_with = "crate::flow::report::ser_day")]
    pub day: NaiveDate,
    pub items: Vec<ItemResult>,
    pub signed: Vec<crate::store::SignedAudit>,
}

impl SelfAudit {
    /// Items with something open.
    pub fn open_items(&self) -> usize {
        self.items.iter().filter(|i| i.count > 0).count()
    }
}

/// Whether `actor` may see `role`'s audit: their own role's, or any with the right to see
/// reports. (The window offers a role chooser by it.)
pub fn may_see(actor: &Actor, role: AuditRole) -> bool {
    actor.staff.role == role.role() || actor.staff.role.allows(Permission::ViewReports)
}

/// Whether `actor` may sign `role`'s audit: a member of that role, or an admin. (The window
/// offers the signature by it.)
pub fn may_sign(actor: &Actor, role: AuditRole) -> bool {
    actor.staff.role == role.role() || actor.staff.role == Role::Admin
}

fn item(item: AuditItem, rows: Vec<AuditRow>) -> ItemResult {
    ItemResult {
        item,
        count: rows.len(),
        rows: rows.into_iter().take(LIMIT).collect(),
        printed: None,
        processed: None,
    }
}

/// The self-audit of `role` for the shop day `day`: each item counted from the store now.
pub fn self_audit(
    store: &Store,
    actor: &Actor,
    role: AuditRole,
    day: NaiveDate,
) -> Result<SelfAudit> {
    if !may_see(actor, role) {
        return Err(Error::invalid(
            format!("只能查看自己岗位（{}）的自我审核", actor.staff.role.zh()),
            format!(
                "you may run only your own role's self-audit ({})",
                actor.staff.role.en()
            ),
        ));
    }
    let (lo, hi) = shop_days_bounds(day, day);
    let db = store.read();
    let mut items = Vec::new();
    let mut open_parcels = None;
    for &it in role.items() {
        items.push(match it {
            AuditItem::PrintedNoTracking | AuditItem::CheckedNotShipped => {
                if open_parcels.is_none() {
                    open_parcels = Some(db.open_printed_parcels()?);
                }
                let rows = open_parcels
                    .as_ref()
                    .expect("read")
                    .iter()
                    .filter(|p| {
                        if it == AuditItem::PrintedNoTracking {
                            p.tracking_no.is_none()
                        } else {
                            p.tracking_no.is_some() && p.units_counted > 0
                        }
                    })
                    .map(|p| AuditRow {
                        subject: p.tracking_no.clone().unwrap_or_else(|| {
                            p.batch_id.map(|b| format!("B{b}")).unwrap_or_default()
                        }),
                        orders: p.order_nos.clone(),
                        qty: (p.units_counted > 0).then_some(p.units_counted),
                        who: p.claimed_by.clone(),
                        ..AuditRow::default()
                    })
                    .collect();
                item(it, rows)
            }
            AuditItem::LeftOutsideBench | AuditItem::NoStockOut => {
                let rows = db
                    .events_between("stock_out_unchecked", &lo, &hi)?
                    .into_iter()
                    .filter_map(|(order_no, detail, at)| {
                        let unknown: Vec<String> = detail["unknown"]
                            .as_array()
                            .map(|a| {
                                a.iter()
                                    .filter_map(|v| v.as_str().map(str::to_string))
                                    .collect()
                            })
                            .unwrap_or_default();
                        let lines = detail["lines"].as_i64().unwrap_or(0);
                        let keep = if it == AuditItem::NoStockOut {
                            !unknown.is_empty()
                        } else {
                            lines > 0
                        };
                        keep.then(|| AuditRow {
                            subject: if it == AuditItem::NoStockOut {
                                unknown.join(" ")
                            } else {
                                order_no.clone()
                            },
                            orders: vec![order_no],
                            qty: (it == AuditItem::LeftOutsideBench).then_some(lines),
                            at: Some(at),
                            ..AuditRow::default()
                        })
                    })
                    .collect();
                item(it, rows)
            }
            AuditItem::ReportedNotLeft
            | AuditItem::NotShippedOnTaobao
            | AuditItem::PartlyShippedOnTaobao => {
                let diff = shipping(store, actor).or_else(|e| match e {
                    Error::Denied(_) => Ok(ShippingDifference::default()),
                    e => Err(e),
                })?;
                let rows = match it {
                    AuditItem::ReportedNotLeft => diff
                        .reported_not_left
                        .into_iter()
                        .map(|n| AuditRow {
                            subject: n.tracking_no,
                            orders: n.order_nos,
                            at: Some(n.reported_at),
                            ..AuditRow::default()
                        })
                        .collect(),
                    AuditItem::NotShippedOnTaobao => order_rows(diff.not_shipped_on_taobao),
                    _ => order_rows(diff.partly_shipped_on_taobao),
                };
                item(it, rows)
            }
            AuditItem::BulkShipped => {
                let rows = db
                    .parcels_left(&lo, &hi, "bulk")?
                    .into_iter()
                    .map(|p| AuditRow {
                        subject: p.tracking_no,
                        orders: p.order_nos,
                        at: Some(p.shipped_at),
                        who: Some(p.shipped_by),
                        ..AuditRow::default()
                    })
                    .collect();
                item(it, rows)
            }
            AuditItem::PrintedNotProcessed => {
                let printed = db.printed_parcels(&lo, &hi)?;
                let processed = printed.iter().filter(|p| p.2).count() as i64;
                let rows = printed
                    .iter()
                    .filter(|p| !p.2)
                    .map(|p| AuditRow {
                        subject: p.1.clone(),
                        orders: db
                            .parcel_orders(p.0)
                            .map(|os| os.into_iter().map(|o| o.order_no).collect())
                            .unwrap_or_default(),
                        ..AuditRow::default()
                    })
                    .collect();
                let mut r = item(it, rows);
                r.printed = Some(printed.len() as i64);
                r.processed = Some(processed);
                r
            }
            AuditItem::CreditedToNonCs => {
                let pattern = super::import::staff_code_pattern(&db)?;
                let staff: std::collections::HashMap<String, Role> = db
                    .list_staff()?
                    .into_iter()
                    .map(|r| (r.staff.code, r.staff.role))
                    .collect();
                let not_cs = super::report::not_cs_of(&staff);
                let rows = db
                    .shipped_orders(&lo, &hi)?
                    .into_iter()
                    .filter_map(|o| {
                        let code = super::report::credited_code(&o.remarks, &pattern, &not_cs)?;
                        not_cs(&code).then(|| AuditRow {
                            subject: o.order_no.clone(),
                            orders: vec![o.order_no],
                            who: Some(code),
                            ..AuditRow::default()
                        })
                    })
                    .collect();
                item(it, rows)
            }
            AuditItem::ReceiptsOpen => item(
                it,
                db.open_receipts()?
                    .into_iter()
                    .map(|(id, at, who, _lines, units)| AuditRow {
                        subject: crate::domain::ReceiptId(id).to_string(),
                        qty: Some(units),
                        at: Some(at),
                        who: Some(who),
                        ..AuditRow::default()
                    })
                    .collect(),
            ),
            AuditItem::NegativeStock => item(
                it,
                db.negative_stock()?
                    .into_iter()
                    .map(|(sku, bin, qty)| AuditRow {
                        subject: sku,
                        qty: Some(qty),
                        who: Some(bin),
                        ..AuditRow::default()
                    })
                    .collect(),
            ),
            AuditItem::DeadStock => item(
                it,
                db.dead_stock()?
                    .into_iter()
                    .map(|l| AuditRow {
                        subject: l.sku_code,
                        qty: Some(l.on_hand),
                        who: l.bin,
                        ..AuditRow::default()
                    })
                    .collect(),
            ),
            AuditItem::ReturnsWaiting => {
                let mut rows: Vec<AuditRow> = db
                    .returns_unposted()?
                    .into_iter()
                    .map(|(waybill, order_no, at)| AuditRow {
                        subject: waybill,
                        orders: (!order_no.is_empty())
                            .then_some(order_no)
                            .into_iter()
                            .collect(),
                        at: Some(at),
                        ..AuditRow::default()
                    })
                    .collect();
                // Sent back by the buyer (退货中) and not yet at the return desk.
                for (_refund_no, order_no, _amount, waybill, at) in db.refunds_in("returned")? {
                    let opened = match &waybill {
                        Some(w) => db.return_opened(w)?,
                        None => false,
                    };
                    if !opened {
                        rows.push(AuditRow {
                            subject: waybill.unwrap_or_default(),
                            orders: vec![order_no],
                            at,
                            ..AuditRow::default()
                        });
                    }
                }
                item(it, rows)
            }
            AuditItem::RefundsOpen => item(
                it,
                db.refunds_in("requested")?
                    .into_iter()
                    .map(|(refund_no, order_no, amount, _, at)| AuditRow {
                        subject: refund_no,
                        orders: vec![order_no],
                        amount: Some(crate::domain::Fen(amount)),
                        at,
                        ..AuditRow::default()
                    })
                    .collect(),
            ),
            AuditItem::ExceptionsOpen => {
                let queue = if role == AuditRole::OrderPrinter {
                    Queue::Printer
                } else {
                    Queue::Supervisor
                };
                item(
                    it,
                    db.open_exceptions(Some(queue), LIMIT)?
                        .into_iter()
                        .map(|e| AuditRow {
                            subject: e.kind.code().to_string(),
                            orders: (!e.order_no.is_empty())
                                .then_some(e.order_no)
                                .into_iter()
                                .collect(),
                            at: Some(e.at),
                            who: Some(e.raised_by),
                            ..AuditRow::default()
                        })
                        .collect(),
                )
            }
        });
    }
    let signed = db.signed_audits(role.code(), &day.format("%Y-%m-%d").to_string())?;
    Ok(SelfAudit {
        role,
        day,
        items,
        signed,
    })
}

fn order_rows(order_nos: Vec<String>) -> Vec<AuditRow> {
    order_nos
        .into_iter()
        .map(|o| AuditRow {
            subject: o.clone(),
            orders: vec![o],
            ..AuditRow::default()
        })
        .collect()
}

/// Signs `role`'s self-audit of `day` as it stands now: who, when, and each item's count, kept
/// as signed (a later signature of the same day adds a row). Only a member of that role (or an
/// admin) signs it; items still open are recorded, not refused — the audit says what was left.
pub fn sign(
    store: &mut Store,
    actor: &Actor,
    role: AuditRole,
    day: NaiveDate,
    note: &str,
) -> Result<crate::store::SignedAudit> {
    if !may_sign(actor, role) {
        return Err(Error::invalid(
            format!("只有{}可以签署这份自我审核", role.zh()),
            format!("only a {} signs this self-audit", role.en()),
        ));
    }
    let note = note.trim();
    if note.chars().count() > crate::domain::remark::MAX_REMARK {
        return Err(Error::invalid("说明太长了", "the note is too long"));
    }
    let audit = self_audit(store, actor, role, day)?;
    let counts: serde_json::Map<String, serde_json::Value> = audit
        .items
        .iter()
        .map(|i| (i.item.code().to_string(), json!(i.count)))
        .collect();
    let detail = json!({"items": counts, "note": note});
    let day_s = day.format("%Y-%m-%d").to_string();
    let open = audit.open_items() as i64;
    store.write(|db| {
        let id = db.sign_audit(role.code(), &day_s, open, &detail, actor)?;
        db.log_event(
            actor,
            "self_audit_signed",
            &format!("{}:{day_s}", role.code()),
            &json!({"id": id, "open_items": open}),
        )?;
        Ok(())
    })?;
    Ok(store
        .read()
        .signed_audits(role.code(), &day_s)?
        .pop()
        .expect("just signed"))
}
