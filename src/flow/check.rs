//! Checking parcels at the bench (验货): scan the waybill, then every item. Each scan is written
//! with its verdict in one transaction before the verdict is shown, so a bench that dies resumes
//! with exactly the counts it showed, and two benches can never check or ship one parcel twice.

use super::batch::{ItemLine, item_lines};
use super::ship::{parcel_block, ship_parcel};
use crate::domain::check::{BlockReason, ItemJudgement, LineCount, clean_scan, judge_item};
use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::store::{BenchOrder, Db, NewScan, ParcelRow, ScanRecord, StationRow, Store};
use serde::Serialize;

/// The setting that makes a complete parcel wait for its waybill to be scanned again.
pub const CONFIRM_SETTING: &str = "check.confirm_by_waybill";

/// One line of the open parcel as the bench shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    pub sku_code: String,
    pub barcode: Option<String>,
    pub title: String,
    pub spec: String,
    pub bin: Option<String>,
    pub expected: u32,
    pub scanned: u32,
}

/// What a scan meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// `order_opened`, `waybill_unknown`, `blocked`, `item_ok`, `item_wrong`, `item_unknown`,
    /// `item_surplus`, `line_refunded`, `no_open_parcel`, `parcel_complete`, `shipped`,
    /// `parcel_suspended`, `scan_rejected`.
    pub verdict: &'static str,
    pub tracking_no: Option<String>,
    pub order_nos: Vec<String>,
    pub sku_code: Option<String>,
    pub barcode: Option<String>,
    /// Units of this merchant code counted so far, and expected.
    pub scanned: Option<u32>,
    pub expected: Option<u32>,
    /// Units still missing in the whole parcel.
    pub remaining: Option<u32>,
    pub reason: Option<&'static str>,
    pub message_zh: String,
    pub message_en: String,
    /// The stored scan this verdict belongs to (0: none).
    pub scan_id: i64,
    /// Shown again after a restart (it may or may not have been shown before).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replayed: bool,
    /// The parcel's lines, with `order_opened`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<CheckLine>,
}

impl Verdict {
    /// A verdict with only its name and messages.
    pub fn new(verdict: &'static str, zh: String, en: String) -> Verdict {
        Verdict {
            verdict,
            tracking_no: None,
            order_nos: Vec::new(),
            sku_code: None,
            barcode: None,
            scanned: None,
            expected: None,
            remaining: None,
            reason: None,
            message_zh: zh,
            message_en: en,
            scan_id: 0,
            replayed: false,
            lines: Vec::new(),
        }
    }

    /// Whether this verdict counted a unit.
    pub fn counted(&self) -> bool {
        matches!(self.verdict, "item_ok" | "parcel_complete")
    }

    /// Whether the bench should show this scan as a mismatch (red).
    pub fn is_error(&self) -> bool {
        matches!(
            self.verdict,
            "waybill_unknown"
                | "blocked"
                | "item_wrong"
                | "item_unknown"
                | "item_surplus"
                | "line_refunded"
                | "no_open_parcel"
                | "scan_rejected"
        )
    }
}

/// A parcel open at this bench, as read in the scan's transaction.
struct OpenParcel {
    row: ParcelRow,
    orders: Vec<BenchOrder>,
    items: Vec<ItemLine>,
    counts: Vec<LineCount>,
    refunded: Vec<String>,
}

impl OpenParcel {
    fn load(db: &Db<'_>, row: ParcelRow) -> Result<OpenParcel> {
        let orders = db.parcel_orders(row.id)?;
        let items = item_lines(db, &orders)?;
        let done = db.checked_counts(row.id)?;
        let counts = items
            .iter()
            .map(|i| LineCount {
                sku_code: i.sku_code.clone(),
                expected: i.qty,
                scanned: done
                    .iter()
                    .find(|(s, _)| *s == i.sku_code)
                    .map_or(0, |(_, n)| *n),
            })
            .collect();
        let mut refunded = Vec::new();
        for o in &orders {
            for l in &o.lines {
                if l.is_refunded(o.status) && !items.iter().any(|i| i.sku_code == l.sku_code) {
                    refunded.push(l.sku_code.clone());
                }
            }
        }
        Ok(OpenParcel {
            row,
            orders,
            items,
            counts,
            refunded,
        })
    }

    fn remaining(&self) -> u32 {
        self.counts
            .iter()
            .map(|c| c.expected.saturating_sub(c.scanned))
            .sum()
    }

    fn complete(&self) -> bool {
        self.remaining() == 0
    }

    fn tracking(&self) -> String {
        self.row.tracking_no.clone().unwrap_or_default()
    }

    fn lines(&self) -> Vec<CheckLine> {
        self.items
            .iter()
            .zip(&self.counts)
            .map(|(i, c)| CheckLine {
                sku_code: i.sku_code.clone(),
                barcode: i.barcode.clone(),
                title: i.title.clone(),
                spec: i.spec.clone(),
                bin: i.bin.clone(),
                expected: c.expected,
                scanned: c.scanned,
            })
            .collect()
    }

    /// A verdict about this parcel, with its tracking number, orders and what remains.
    fn verdict(&self, verdict: &'static str, zh: String, en: String) -> Verdict {
        Verdict {
            tracking_no: self.row.tracking_no.clone(),
            order_nos: self.orders.iter().map(|o| o.order_no.clone()).collect(),
            remaining: Some(self.remaining()),
            ..Verdict::new(verdict, zh, en)
        }
    }

    fn opened(&self) -> Verdict {
        let n: u32 = self.counts.iter().map(|c| c.expected).sum();
        let mut v = self.verdict(
            "order_opened",
            format!(
                "开始验货 {}：共 {n} 件，还差 {} 件",
                self.tracking(),
                self.remaining()
            ),
            format!(
                "checking {}: {n} item(s), {} to go",
                self.tracking(),
                self.remaining()
            ),
        );
        v.lines = self.lines();
        v
    }
}

/// A checking session at one bench. Verdicts are stored before they are returned; call `shown`
/// once a verdict is on the screen, so a restart knows what the checker saw.
pub struct CheckSession {
    actor: Actor,
    shown: i64,
}

impl CheckSession {
    /// Starts (or resumes) checking at the actor's bench. Returns the verdicts not shown before
    /// a restart (marked `replayed`) and, if a parcel is open, its state.
    pub fn start(store: &mut Store, actor: Actor) -> Result<(CheckSession, Vec<Verdict>)> {
        actor.require(Permission::Check)?;
        let db = store.read();
        let station = db.station(&actor.terminal)?;
        let mut out = Vec::new();
        for s in db.scans_after(&actor.terminal, station.last_shown_scan)? {
            if s.mode == "check" {
                out.push(replay(&db, &s)?);
            }
        }
        if let Some(pid) = station.open_parcel_id {
            if let Some(row) = db.parcel(pid)? {
                let mut v = OpenParcel::load(&db, row)?.opened();
                v.replayed = true;
                out.push(v);
            }
        }
        let shown = out
            .iter()
            .map(|v| v.scan_id)
            .max()
            .unwrap_or(station.last_shown_scan);
        Ok((CheckSession { actor, shown }, out))
    }

    /// The verdict with this scan id (and those before) is on the screen.
    pub fn shown(&mut self, scan_id: i64) {
        self.shown = self.shown.max(scan_id);
    }

    /// Writes down what was shown (also done with every scan).
    pub fn close(&mut self, store: &mut Store) -> Result<()> {
        let terminal = self.actor.terminal.clone();
        let shown = self.shown;
        store.write(|db| {
            let mut st = db.station(&terminal)?;
            if shown > st.last_shown_scan {
                st.last_shown_scan = shown;
                db.save_station(&st)?;
            }
            Ok(())
        })
    }

    /// One scan: the waybill of a parcel, or an item of the open one. Blank scans give nothing.
    pub fn scan(&mut self, store: &mut Store, raw: &str) -> Result<Vec<Verdict>> {
        let code = match clean_scan(raw) {
            Ok(None) => return Ok(Vec::new()),
            Ok(Some(code)) => Ok(code),
            Err(len) => Err(len),
        };
        let actor = &self.actor;
        let shown = self.shown;
        store.write(|db| {
            let confirm = db.setting(CONFIRM_SETTING)?.is_some_and(|v| v == "true");
            let mut st = db.station(&actor.terminal)?;
            st.last_shown_scan = st.last_shown_scan.max(shown);
            let mut out = match &code {
                Err(len) => {
                    let text: String = raw
                        .chars()
                        .filter(|c| !c.is_control())
                        .take(crate::domain::check::MAX_SCAN_LEN)
                        .collect();
                    let mut v = Verdict::new(
                        "scan_rejected",
                        format!("扫描内容太长（{len} 个字符），不是条码，已忽略"),
                        format!("scan too long ({len} characters) to be a barcode; ignored"),
                    );
                    v.reason = Some("too_long");
                    v.scan_id = record(db, actor, &text, &v, None, false)?;
                    vec![v]
                }
                Ok(code) => judge(db, actor, &mut st, code, confirm)?,
            };
            db.save_station(&st)?;
            for v in &mut out {
                v.replayed = false;
            }
            Ok(out)
        })
    }
}

/// Writes the scan; returns its id.
fn record(
    db: &Db<'_>,
    actor: &Actor,
    code: &str,
    v: &Verdict,
    parcel_id: Option<i64>,
    counted: bool,
) -> Result<i64> {
    db.insert_scan(
        actor,
        actor.staff.id,
        &NewScan {
            mode: "check",
            code,
            verdict: v.verdict,
            reason: v.reason,
            parcel_id,
            batch_id: None,
            sku_code: v.sku_code.as_deref(),
            counted,
        },
    )
}

fn blocked(p: &OpenParcel, reason: BlockReason) -> Verdict {
    let mut v = p.verdict(
        "blocked",
        format!("{}：{}", reason.zh(), p.tracking()),
        format!("{}: {}", reason.en(), p.tracking()),
    );
    v.reason = Some(reason.code());
    v
}

fn judge(
    db: &Db<'_>,
    actor: &Actor,
    st: &mut StationRow,
    code: &str,
    confirm: bool,
) -> Result<Vec<Verdict>> {
    if let Some(row) = db.parcel_by_tracking(code)? {
        return judge_waybill(db, actor, st, code, row, confirm);
    }
    let product = match db.product_by_barcode(code)? {
        Some(p) => Some(p),
        None => db.product_by_sku(code)?,
    };
    let Some((_, product)) = product else {
        let no_parcel = st.open_parcel_id.is_none();
        let v = if no_parcel || db.waybill_courier(code)?.is_some() {
            Verdict::new(
                "waybill_unknown",
                format!("此单号不在系统中：{code}"),
                format!("this tracking number is not in the system: {code}"),
            )
        } else {
            Verdict::new(
                "item_unknown",
                format!("没有这个条码的商品：{code}"),
                format!("no product has this barcode: {code}"),
            )
        };
        let mut v = v;
        v.barcode = Some(code.to_string());
        if let Some(pid) = st.open_parcel_id {
            let p = OpenParcel::load(db, db.parcel(pid)?.expect("open parcel exists"))?;
            v.tracking_no = p.row.tracking_no.clone();
            v.order_nos = p.orders.iter().map(|o| o.order_no.clone()).collect();
            v.remaining = Some(p.remaining());
        }
        v.scan_id = record(db, actor, code, &v, st.open_parcel_id, false)?;
        return Ok(vec![v]);
    };
    let Some(pid) = st.open_parcel_id else {
        let mut v = Verdict::new(
            "no_open_parcel",
            "请先扫快递单，再扫商品".to_string(),
            "scan the waybill first, then the items".to_string(),
        );
        v.sku_code = Some(product.sku_code.clone());
        v.barcode = Some(code.to_string());
        v.scan_id = record(db, actor, code, &v, None, false)?;
        return Ok(vec![v]);
    };
    let mut p = OpenParcel::load(db, db.parcel(pid)?.expect("open parcel exists"))?;
    // Status is read at every scan: a refund imported while the parcel is on the bench stops it.
    if let Some(reason) = parcel_block(&p.row, &p.orders) {
        let mut v = blocked(&p, reason);
        v.sku_code = Some(product.sku_code.clone());
        v.barcode = Some(code.to_string());
        v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
        db.claim_parcel(pid, None)?;
        st.open_parcel_id = None;
        st.confirm_pending = false;
        return Ok(vec![v]);
    }
    let sku = product.sku_code.clone();
    let judgement = if st.confirm_pending {
        judge_item(&p.counts, &p.refunded, &sku).complete_as_surplus()
    } else {
        judge_item(&p.counts, &p.refunded, &sku)
    };
    let counted = matches!(judgement, ItemJudgement::Counted { .. });
    if counted {
        if let Some(c) = p.counts.iter_mut().find(|c| c.sku_code == sku) {
            c.scanned += 1;
        }
    }
    let line = p.counts.iter().find(|c| c.sku_code == sku).cloned();
    let (scanned, expected) = line
        .as_ref()
        .map_or((None, None), |c| (Some(c.scanned), Some(c.expected)));
    let title = p
        .items
        .iter()
        .find(|i| i.sku_code == sku)
        .map_or(product.name.clone(), |i| i.title.clone());
    let mut v = match judgement {
        ItemJudgement::Counted { complete: false } => p.verdict(
            "item_ok",
            format!("{sku} {}/{}", scanned.unwrap_or(0), expected.unwrap_or(0)),
            format!("{sku} {}/{}", scanned.unwrap_or(0), expected.unwrap_or(0)),
        ),
        ItemJudgement::Counted { complete: true } => p.verdict(
            "parcel_complete",
            if confirm {
                "验货完成，请再扫一次快递单确认发货".into()
            } else {
                "验货完成".into()
            },
            if confirm {
                "parcel complete: scan the waybill again to ship".into()
            } else {
                "parcel complete".into()
            },
        ),
        ItemJudgement::Surplus => p.verdict(
            "item_surplus",
            format!("多了：{sku} 已经够 {} 件", expected.unwrap_or(0)),
            format!("surplus: {sku} is complete at {}", expected.unwrap_or(0)),
        ),
        ItemJudgement::Refunded => p.verdict(
            "line_refunded",
            format!("{sku} 已退款，不要发"),
            format!("{sku} was refunded: do not pack it"),
        ),
        ItemJudgement::Wrong => p.verdict(
            "item_wrong",
            format!("拿错了：{sku}（{title}）不是本单的商品"),
            format!("wrong item: {sku} is not in this parcel"),
        ),
    };
    v.sku_code = Some(sku);
    v.barcode = product
        .barcode
        .as_ref()
        .map(|b| b.as_str().to_string())
        .or_else(|| Some(code.to_string()));
    v.scanned = scanned;
    v.expected = expected;
    v.scan_id = record(db, actor, code, &v, Some(pid), counted)?;
    let mut out = vec![v];
    if matches!(judgement, ItemJudgement::Counted { complete: true }) {
        if confirm {
            st.confirm_pending = true;
        } else {
            out.push(ship(db, actor, st, &p, out[0].scan_id)?);
        }
    }
    Ok(out)
}

impl ItemJudgement {
    /// Once a parcel is complete, every further unit is one too many.
    fn complete_as_surplus(self) -> ItemJudgement {
        match self {
            ItemJudgement::Counted { .. } => ItemJudgement::Surplus,
            other => other,
        }
    }
}

fn ship(
    db: &Db<'_>,
    actor: &Actor,
    st: &mut StationRow,
    p: &OpenParcel,
    scan_id: i64,
) -> Result<Verdict> {
    ship_parcel(db, actor, &p.row, &p.orders, "checked")?;
    st.open_parcel_id = None;
    st.confirm_pending = false;
    let mut v = p.verdict(
        "shipped",
        format!("已发货：{}", p.tracking()),
        format!("shipped: {}", p.tracking()),
    );
    v.remaining = Some(0);
    v.scan_id = scan_id;
    Ok(v)
}

fn judge_waybill(
    db: &Db<'_>,
    actor: &Actor,
    st: &mut StationRow,
    code: &str,
    row: ParcelRow,
    confirm: bool,
) -> Result<Vec<Verdict>> {
    let pid = row.id;
    let p = OpenParcel::load(db, row)?;
    if st.open_parcel_id == Some(pid) {
        if let Some(reason) = parcel_block(&p.row, &p.orders) {
            let mut v = blocked(&p, reason);
            v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
            db.claim_parcel(pid, None)?;
            st.open_parcel_id = None;
            st.confirm_pending = false;
            return Ok(vec![v]);
        }
        if st.confirm_pending && p.complete() {
            let mut v = ship(db, actor, st, &p, 0)?;
            v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
            return Ok(vec![v]);
        }
        let mut v = p.opened();
        v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
        return Ok(vec![v]);
    }
    let reason = parcel_block(&p.row, &p.orders).or_else(|| {
        p.row
            .claimed_by
            .as_ref()
            .filter(|t| **t != actor.terminal)
            .map(|_| BlockReason::OpenElsewhere)
    });
    if let Some(reason) = reason {
        let mut v = blocked(&p, reason);
        v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
        return Ok(vec![v]);
    }
    let mut out = Vec::new();
    if let Some(old) = st.open_parcel_id {
        // The open parcel keeps its counts (and its claim) until its waybill comes back.
        let old = OpenParcel::load(db, db.parcel(old)?.expect("open parcel exists"))?;
        out.push(old.verdict(
            "parcel_suspended",
            format!(
                "{} 暂停验货，已扫的件数保留；再扫它的快递单继续",
                old.tracking()
            ),
            format!(
                "{} suspended with its counts; scan its waybill to go on",
                old.tracking()
            ),
        ));
    }
    db.claim_parcel(pid, Some(&actor.terminal))?;
    st.open_parcel_id = Some(pid);
    st.confirm_pending = false;
    let mut v = p.opened();
    v.scan_id = record(db, actor, code, &v, Some(pid), false)?;
    for s in &mut out {
        s.scan_id = v.scan_id;
    }
    out.push(v);
    // A parcel complete before (counted, then suspended) goes on as complete.
    if p.complete() {
        if confirm {
            st.confirm_pending = true;
        } else {
            let scan_id = out.last().map_or(0, |v| v.scan_id);
            out.push(ship(db, actor, st, &p, scan_id)?);
        }
    }
    Ok(out)
}

/// A stored scan shown again after a restart.
fn replay(db: &Db<'_>, s: &ScanRecord) -> Result<Verdict> {
    let verdict = VERDICTS
        .iter()
        .copied()
        .find(|v| *v == s.verdict)
        .unwrap_or("scan_rejected");
    let mut v = Verdict::new(
        verdict,
        format!("（重放）上次的扫描 {}：{}", s.code, s.verdict),
        format!("(replayed) last scan {}: {}", s.code, s.verdict),
    );
    v.scan_id = s.id;
    v.replayed = true;
    v.sku_code = s.sku_code.clone();
    v.reason = s
        .reason
        .as_deref()
        .and_then(|r| REASONS.iter().copied().find(|x| *x == r));
    if let Some(p) = s.parcel_id.map(|id| db.parcel(id)).transpose()?.flatten() {
        v.tracking_no = p.tracking_no.clone();
        v.order_nos = db
            .parcel_orders(p.id)?
            .into_iter()
            .map(|o| o.order_no)
            .collect();
    }
    Ok(v)
}

const VERDICTS: [&str; 13] = [
    "order_opened",
    "waybill_unknown",
    "blocked",
    "item_ok",
    "item_wrong",
    "item_unknown",
    "item_surplus",
    "line_refunded",
    "no_open_parcel",
    "parcel_complete",
    "shipped",
    "parcel_suspended",
    "scan_rejected",
];

const REASONS: [&str; 7] = [
    "unpaid",
    "refunded",
    "cancelled",
    "shipped",
    "held",
    "open_elsewhere",
    "too_long",
];

/// Frees a parcel held open by a bench that is gone (a dead PC), so another bench may check it.
/// Its counts stay with the parcel.
pub fn release(store: &mut Store, actor: &Actor, tracking_no: &str) -> Result<String> {
    actor.require(Permission::ReviewOrders)?;
    store.write(|db| {
        let p = db
            .parcel_by_tracking(tracking_no.trim())?
            .ok_or_else(|| crate::error::Error::not_found("parcel", "包裹", tracking_no))?;
        let Some(bench) = p.claimed_by.clone() else {
            return Err(crate::error::Error::invalid(
                format!("{tracking_no} 没有在任何验货台上"),
                format!("{tracking_no} is not open at any bench"),
            ));
        };
        db.claim_parcel(p.id, None)?;
        let mut st = db.station(&bench)?;
        if st.open_parcel_id == Some(p.id) {
            st.open_parcel_id = None;
            st.confirm_pending = false;
            db.save_station(&st)?;
        }
        db.log_event(
            actor,
            "parcel_released",
            tracking_no,
            &serde_json::json!({"bench": bench}),
        )?;
        Ok(bench)
    })
}
