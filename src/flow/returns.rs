//! Returns arriving (退货到货, issue 15 item 4): the return desk. A return waybill finds the
//! refunds that name it (退货物流单号) and so the order and what should be in the box, or is
//! recorded without information (无信息件) for the CS supervisor. Each item is scanned: good goes
//! back to its bin, damaged (the `DAMAGED` card scanned before it) to the quarantine bin; an
//! item the refund does not name is red, as at the check bench. Posting writes `return` stock
//! moves once: when the last expected unit is in, when the same waybill is scanned again (what
//! came is all that came), or when the next return's waybill is scanned.
//!
//! Every scan is written with its verdict before it is shown; the desk's place (the open return,
//! the card) is read back from those scans, so a restarted desk carries on where it was.

use crate::domain::check::{ScanSource, ScanText};
use crate::domain::exception::ExceptionKind;
use crate::domain::refund::Refund;
use crate::domain::stock::MoveKind;
use crate::domain::{Actor, Outcome, Permission, Tone};
use crate::error::{Error, Result};
use crate::store::{Db, ExceptionSubject, NewReturnScan, ReturnRow, Store};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeMap;

/// The card scanned before a damaged unit (printable from the screen).
pub const DAMAGED_CARD: &str = super::check::DAMAGED_CARD;
/// The setting naming the bin damaged returns go to (not for sale).
pub const QUARANTINE_SETTING: &str = "returns.quarantine_bin";
pub const DEFAULT_QUARANTINE: &str = "QUARANTINE";

/// What one scan at the return desk meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnVerdict {
    pub outcome: Outcome,
    /// The return open when it was scanned (or the one it opened or posted).
    pub waybill: Option<String>,
    pub order_no: Option<String>,
    /// Units the refunds still expect (matched returns).
    pub remaining: Option<u32>,
    pub scan_id: i64,
}

impl ReturnVerdict {
    fn new(outcome: Outcome) -> ReturnVerdict {
        ReturnVerdict {
            outcome,
            waybill: None,
            order_no: None,
            remaining: None,
            scan_id: 0,
        }
    }

    pub fn name(&self) -> &'static str {
        self.outcome.name()
    }

    pub fn is_error(&self) -> bool {
        self.outcome.is_error()
    }

    pub fn tone(&self) -> Tone {
        self.outcome.tone()
    }

    pub fn zh(&self) -> String {
        self.outcome.zh()
    }

    pub fn en(&self) -> String {
        self.outcome.en()
    }
}

impl Serialize for ReturnVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            verdict: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            waybill: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            order_no: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sku_code: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            damaged: Option<bool>,
            #[serde(skip_serializing_if = "Option::is_none")]
            remaining: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            good: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            damaged_units: Option<u32>,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'static str>,
            message_zh: String,
            message_en: String,
            scan_id: i64,
        }
        let (good, damaged_units) = match &self.outcome {
            Outcome::ReturnPosted { good, damaged, .. } => (Some(*good), Some(*damaged)),
            _ => (None, None),
        };
        Json {
            verdict: self.name(),
            waybill: self.waybill.as_deref(),
            order_no: self.order_no.as_deref(),
            sku_code: self.outcome.sku(),
            damaged: match &self.outcome {
                Outcome::ReturnItem { damaged, .. } => Some(*damaged),
                _ => None,
            },
            remaining: self.remaining,
            good,
            damaged_units,
            reason: self.outcome.reason().map(|r| r.code()),
            message_zh: self.zh(),
            message_en: self.en(),
            scan_id: self.scan_id,
        }
        .serialize(s)
    }
}

/// The units the refunds of a return expect, per merchant code: what left the shop for the
/// order (its shipment moves) — of one item for a refund naming its 商品编码, else all of it. An
/// order whose stock never left through packbench expects its lines as Taobao lists them.
/// Each refund is `(order, merchant code)`; an empty code is the whole order.
fn expected(db: &Db<'_>, refunds: &[(&str, &str)]) -> Result<BTreeMap<String, u32>> {
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    for &(order_no, sku_code) in refunds {
        let left: Vec<(String, u32)> = db
            .shipped_units(order_no)?
            .into_iter()
            .filter(|(sku, qty)| *qty > 0 && (sku_code.is_empty() || sku == sku_code))
            .map(|(sku, qty)| (sku, qty as u32))
            .collect();
        let lines: Vec<(String, u32)> = if !left.is_empty() {
            left
        } else {
            match db.bench_order(order_no)? {
                Some(o) => o
                    .lines
                    .iter()
                    .filter(|l| sku_code.is_empty() || l.sku_code == sku_code)
                    .map(|l| (l.sku_code.clone(), l.qty))
                    .collect(),
                None => Vec::new(),
            }
        };
        let lines = if lines.is_empty() && !sku_code.is_empty() {
            vec![(sku_code.to_string(), 1)]
        } else {
            lines
        };
        let mut of_refund: BTreeMap<String, u32> = BTreeMap::new();
        for (sku, qty) in lines {
            *of_refund.entry(sku).or_default() += qty;
        }
        // Two refunds naming the same goods (one per item, one for the order) expect them once.
        for (sku, qty) in of_refund {
            let e = out.entry(sku).or_default();
            *e = (*e).max(qty);
        }
    }
    Ok(out)
}

/// What a return should hold: its refunds' goods, or for an exchange the original order's;
/// `None` for a box without information (anything of the shop is taken in).
fn expected_of(db: &Db<'_>, r: &ReturnRow) -> Result<Option<BTreeMap<String, u32>>> {
    if !r.refund_nos.is_empty() {
        let refunds = refunds_of(db, r)?;
        let pairs: Vec<(&str, &str)> = refunds
            .iter()
            .map(|x| (x.order_no.as_str(), x.sku_code.as_str()))
            .collect();
        return expected(db, &pairs).map(Some);
    }
    if r.order_no.is_empty() {
        return Ok(None);
    }
    expected(db, &[(r.order_no.as_str(), "")]).map(Some)
}

/// Per merchant code, the units counted into a return so far.
fn counted(db: &Db<'_>, return_id: i64) -> Result<BTreeMap<String, u32>> {
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    for u in db.returned_units(return_id)? {
        *out.entry(u.sku_code).or_default() += u.qty as u32;
    }
    Ok(out)
}

fn remaining(expected: &BTreeMap<String, u32>, counted: &BTreeMap<String, u32>) -> u32 {
    expected
        .iter()
        .map(|(k, e)| e.saturating_sub(counted.get(k).copied().unwrap_or(0)))
        .sum()
}

pub(crate) fn quarantine_bin(db: &Db<'_>) -> Result<String> {
    Ok(db
        .setting(QUARANTINE_SETTING)?
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| DEFAULT_QUARANTINE.to_string()))
}

/// Writes a return's units into stock, once: good to each product's bin, damaged to the
/// quarantine bin. `None` when it was posted already.
fn post(db: &Db<'_>, actor: &Actor, r: &ReturnRow) -> Result<Option<Outcome>> {
    if !db.mark_return_posted(r.id, actor)? {
        return Ok(None);
    }
    let quarantine = quarantine_bin(db)?;
    let units = db.returned_units(r.id)?;
    let (mut good, mut damaged) = (0u32, 0u32);
    if units.iter().any(|u| u.damaged) {
        db.ensure_bin(&quarantine)?;
    }
    for u in &units {
        let bin = if u.damaged {
            damaged += u.qty as u32;
            quarantine.as_str()
        } else {
            good += u.qty as u32;
            u.bin.as_str()
        };
        db.add_stock_move(
            MoveKind::Return,
            u.product_id,
            bin,
            u.qty,
            actor,
            &r.waybill,
        )?;
    }
    db.log_event(
        actor,
        "return_posted",
        &r.waybill,
        &json!({"order_no": r.order_no, "refunds": r.refund_nos, "good": good,
                "damaged": damaged, "quarantine": quarantine}),
    )?;
    Ok(Some(Outcome::ReturnPosted {
        waybill: r.waybill.clone(),
        good,
        damaged,
        quarantine,
    }))
}

/// The return desk at one terminal.
pub struct ReturnDesk {
    actor: Actor,
}

impl ReturnDesk {
    /// The CS supervisor's (退货到货) and the stock keeper's.
    pub fn start(actor: Actor) -> Result<ReturnDesk> {
        actor
            .require(Permission::HandleExceptions)
            .or_else(|_| actor.require(Permission::ManageStock))?;
        Ok(ReturnDesk { actor })
    }

    /// One scan; its verdicts (a new waybill posts the open return first), each written first.
    pub fn scan<'a>(
        &mut self,
        store: &mut Store,
        raw: impl Into<ScanText<'a>>,
        source: ScanSource,
    ) -> Result<Vec<ReturnVerdict>> {
        let code = match raw.into().clean() {
            Ok(None) => return Ok(Vec::new()),
            Ok(Some(c)) => c,
            Err(chars) => return Ok(vec![ReturnVerdict::new(Outcome::NotABarcode { chars })]),
        };
        let actor = &self.actor;
        store
            .write(|db| judge(db, actor, &code, source))
            .map_err(Error::in_scan)
    }
}

fn record(
    db: &Db<'_>,
    actor: &Actor,
    code: &str,
    source: ScanSource,
    v: &mut ReturnVerdict,
    return_id: Option<i64>,
    product_id: Option<i64>,
) -> Result<()> {
    let damaged = matches!(v.outcome, Outcome::ReturnItem { damaged: true, .. });
    let reason = v.outcome.reason().map(|r| r.code());
    v.scan_id = db.insert_return_scan(
        actor,
        &NewReturnScan {
            code,
            verdict: v.outcome.kind(),
            reason,
            source,
            return_id,
            product_id,
            damaged,
            counted: v.outcome.counted(),
        },
    )?;
    Ok(())
}

fn with_return(mut v: ReturnVerdict, r: &ReturnRow) -> ReturnVerdict {
    v.waybill = Some(r.waybill.clone());
    v.order_no = (!r.order_no.is_empty()).then(|| r.order_no.clone());
    v
}

fn judge(db: &Db<'_>, actor: &Actor, code: &str, source: ScanSource) -> Result<Vec<ReturnVerdict>> {
    let (open, damaged_next) = db.return_desk(&actor.terminal)?;
    if code.eq_ignore_ascii_case(DAMAGED_CARD) {
        let mut v = match &open {
            Some(r) => with_return(ReturnVerdict::new(Outcome::DamagedNext), r),
            None => ReturnVerdict::new(Outcome::NoReturnOpen {
                sku: DAMAGED_CARD.to_string(),
            }),
        };
        record(
            db,
            actor,
            code,
            source,
            &mut v,
            open.as_ref().map(|r| r.id),
            None,
        )?;
        return Ok(vec![v]);
    }
    let product = match db.product_by_barcode(code)? {
        Some(p) => Some(p),
        None => db.product_by_sku(code)?,
    };
    let Some((product_id, product)) = product else {
        return judge_waybill(db, actor, code, source, open);
    };
    let sku = product.sku_code;
    let Some(r) = open else {
        let mut v = ReturnVerdict::new(Outcome::NoReturnOpen { sku });
        record(db, actor, code, source, &mut v, None, None)?;
        return Ok(vec![v]);
    };
    let want_of = expected_of(db, &r)?;
    let matched = want_of.is_some();
    let want = want_of.unwrap_or_default();
    let mut have = counted(db, r.id)?;
    let so_far = have.get(&sku).copied().unwrap_or(0);
    let fits = !matched || want.get(&sku).is_some_and(|e| so_far < *e);
    let mut out = Vec::new();
    if !fits {
        let mut v = with_return(ReturnVerdict::new(Outcome::ReturnSurplus { sku }), &r);
        v.remaining = matched.then(|| remaining(&want, &have));
        record(db, actor, code, source, &mut v, Some(r.id), None)?;
        out.push(v);
        return Ok(out);
    }
    *have.entry(sku.clone()).or_default() += 1;
    let left = remaining(&want, &have);
    let mut v = with_return(
        ReturnVerdict::new(Outcome::ReturnItem {
            sku: sku.clone(),
            damaged: damaged_next,
            scanned: so_far + 1,
            expected: want.get(&sku).copied().filter(|_| matched),
        }),
        &r,
    );
    v.remaining = matched.then_some(left);
    record(
        db,
        actor,
        code,
        source,
        &mut v,
        Some(r.id),
        Some(product_id),
    )?;
    out.push(v);
    if matched && left == 0 {
        out.extend(post_verdict(db, actor, code, source, &r)?);
    }
    Ok(out)
}

fn refunds_of(db: &Db<'_>, r: &ReturnRow) -> Result<Vec<Refund>> {
    let nos: Vec<&str> = r.refund_nos.iter().map(String::as_str).collect();
    let mut by_no = db.refunds_by_no(&nos)?;
    Ok(r.refund_nos
        .iter()
        .filter_map(|n| by_no.remove(n))
        .collect())
}

/// Posts `r` and says so (a verdict written as its own scan of `code`).
fn post_verdict(
    db: &Db<'_>,
    actor: &Actor,
    code: &str,
    source: ScanSource,
    r: &ReturnRow,
) -> Result<Vec<ReturnVerdict>> {
    let outcome = post(db, actor, r)?.unwrap_or_else(|| Outcome::ReturnPostedAlready {
        waybill: r.waybill.clone(),
    });
    let mut v = with_return(ReturnVerdict::new(outcome), r);
    v.remaining = Some(0);
    record(db, actor, code, source, &mut v, Some(r.id), None)?;
    Ok(vec![v])
}

fn judge_waybill(
    db: &Db<'_>,
    actor: &Actor,
    code: &str,
    source: ScanSource,
    open: Option<ReturnRow>,
) -> Result<Vec<ReturnVerdict>> {
    let mut out = Vec::new();
    if let Some(r) = &open {
        // Its waybill again: what came is all that came. Another waybill: the next box.
        out.extend(post_verdict(db, actor, code, source, r)?);
        if r.waybill == code {
            return Ok(out);
        }
    }
    if let Some(r) = db.return_by_waybill(code)? {
        if r.posted_at.is_some() {
            let mut v = with_return(
                ReturnVerdict::new(Outcome::ReturnPostedAlready {
                    waybill: r.waybill.clone(),
                }),
                &r,
            );
            record(db, actor, code, source, &mut v, None, None)?;
            out.push(v);
            return Ok(out);
        }
        // Opened before (at another desk, or before a restart) and not posted: carry on here.
        out.push(opened(db, actor, code, source, &r)?);
        return Ok(out);
    }
    let refunds = db.refunds_by_return_waybill(code)?;
    // An exchange's goods coming back (换货): the original order's.
    if refunds.is_empty()
        && let Some(x) = db.exchanges_by_return_waybill(code)?.into_iter().next()
    {
        let id = db.insert_return(code, &x.original_no, &[], actor)?;
        db.log_event(
            actor,
            "return_opened",
            code,
            &json!({"order_no": x.original_no, "exchange": x.order_no}),
        )?;
        let r = db.return_by_id(id)?.expect("just written");
        out.push(opened(db, actor, code, source, &r)?);
        return Ok(out);
    }
    // A parcel of ours coming back under its own label (refused by the buyer, 拒收): the
    // goods that left in it.
    if refunds.is_empty()
        && let Some(p) = db.parcel_by_tracking(code)?
        && p.stage == crate::domain::check::ParcelStage::Shipped
        && let Some(first) = db.parcel_orders(p.id)?.into_iter().next()
    {
        let id = db.insert_return(code, &first.order_no, &[], actor)?;
        db.log_event(
            actor,
            "return_opened",
            code,
            &json!({"order_no": first.order_no, "refused_parcel": p.id}),
        )?;
        let r = db.return_by_id(id)?.expect("just written");
        out.push(opened(db, actor, code, source, &r)?);
        return Ok(out);
    }
    if refunds.is_empty() {
        let id = db.insert_return(code, "", &[], actor)?;
        db.raise_exception(
            actor,
            ExceptionKind::ReturnUnmatched,
            &ExceptionSubject {
                parcel_id: None,
                order_no: "",
                tracking_no: code,
                note: "",
            },
        )?;
        db.log_event(actor, "return_unmatched", code, &json!({"return_id": id}))?;
        let r = db.return_by_id(id)?.expect("just written");
        let mut v = with_return(
            ReturnVerdict::new(Outcome::ReturnUnmatched {
                waybill: code.to_string(),
            }),
            &r,
        );
        record(db, actor, code, source, &mut v, Some(id), None)?;
        out.push(v);
        return Ok(out);
    }
    let nos: Vec<String> = refunds.iter().map(|r| r.refund_no.clone()).collect();
    let id = db.insert_return(code, &refunds[0].order_no, &nos, actor)?;
    db.log_event(
        actor,
        "return_opened",
        code,
        &json!({"order_no": refunds[0].order_no, "refunds": nos}),
    )?;
    let r = db.return_by_id(id)?.expect("just written");
    out.push(opened(db, actor, code, source, &r)?);
    Ok(out)
}

fn opened(
    db: &Db<'_>,
    actor: &Actor,
    code: &str,
    source: ScanSource,
    r: &ReturnRow,
) -> Result<ReturnVerdict> {
    let want = expected_of(db, r)?;
    let mut v = if let Some(want) = want {
        let left = remaining(&want, &counted(db, r.id)?);
        let mut v = with_return(
            ReturnVerdict::new(Outcome::ReturnOpened {
                waybill: r.waybill.clone(),
                order_no: r.order_no.clone(),
                expected: want.values().sum(),
            }),
            r,
        );
        v.remaining = Some(left);
        v
    } else {
        with_return(
            ReturnVerdict::new(Outcome::ReturnUnmatched {
                waybill: r.waybill.clone(),
            }),
            r,
        )
    };
    record(db, actor, code, source, &mut v, Some(r.id), None)?;
    Ok(v)
}

/// The merchant codes to label for a return received (退货，换货贴条码): one per good unit, as
/// it goes back on the shelf. Refused for a return not received yet.
pub fn label_skus(store: &Store, actor: &Actor, waybill: &str) -> Result<Vec<String>> {
    actor.require(Permission::PrintLabels)?;
    let db = store.read();
    let waybill = waybill.trim();
    let r = db
        .return_by_waybill(waybill)?
        .ok_or_else(|| Error::not_found("return", "退件", waybill))?;
    if r.posted_at.is_none() {
        return Err(Error::invalid(
            format!("退件 {waybill} 还没有入库"),
            format!("return {waybill} is not received yet"),
        ));
    }
    let mut out = Vec::new();
    for u in db.returned_units(r.id)?.into_iter().filter(|u| !u.damaged) {
        out.extend(std::iter::repeat_n(u.sku_code, u.qty as usize));
    }
    Ok(out)
}
