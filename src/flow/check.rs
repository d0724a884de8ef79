//! Checking parcels at the bench (验货): scan the waybill, then every item. Each scan is written
//! with its verdict in one transaction before the verdict is shown, so a bench that dies resumes
//! with exactly the counts it showed, and two benches can never check or ship one parcel twice.

use super::batch::{ItemLine, item_lines_with};
use super::ship::{parcel_block, ship_parcel_with};
use crate::domain::check::{
    BlockReason, ItemJudgement, LineCount, ScanMode, ScanText, ShipMode, judge_item,
};
use crate::domain::exception::ExceptionKind;
use crate::domain::review::HoldReason;
use crate::domain::{Actor, Kind, Outcome, Permission, Reason, ScanSource, Tone};
use crate::error::Result;
use crate::store::{
    BenchOrder, CodeAtBench, Db, ExceptionSubject, NewScan, ParcelAtBench, ParcelRow,
    ProductAtBench, ScanRecord, StationRow, Store,
};
use serde::Serialize;
use serde_json::json;
use std::cell::Cell;
use std::collections::HashMap;

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

/// What a scan meant (`outcome`) and where: the parcel it concerns, the code read, the stored
/// scan. The JSON form is the documented contract: `{"verdict","tracking_no","order_nos",
/// "sku_code","barcode","scanned","expected","remaining","reason","message_zh","message_en",
/// "scan_id"}`, with `replayed` and `lines` when there are some.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub outcome: Outcome,
    pub tracking_no: Option<String>,
    pub order_nos: Vec<String>,
    /// The product's barcode, or the code as read.
    pub barcode: Option<String>,
    /// Units still missing in the whole parcel (or, picking, the batch).
    pub remaining: Option<u32>,
    /// The stored scan this verdict belongs to (0: none).
    pub scan_id: i64,
    /// Shown again after a restart (it may or may not have been shown before).
    pub replayed: bool,
    /// Where the scan came from (`None`: stored before sources were kept, or not stored).
    /// Not in the JSON: the command line's caller knows what it fed.
    pub source: Option<ScanSource>,
    /// The parcel's lines, with `order_opened`.
    pub lines: Vec<CheckLine>,
}

impl Verdict {
    /// A verdict with nothing around it yet.
    pub fn new(outcome: Outcome) -> Verdict {
        Verdict {
            outcome,
            tracking_no: None,
            order_nos: Vec::new(),
            barcode: None,
            remaining: None,
            scan_id: 0,
            replayed: false,
            source: None,
            lines: Vec::new(),
        }
    }

    /// The stable name (`item_ok`, `pick_wrong`, …).
    pub fn name(&self) -> &'static str {
        self.outcome.name()
    }

    /// Whether this verdict counted a unit.
    pub fn counted(&self) -> bool {
        self.outcome.counted()
    }

    /// Whether the bench shows this scan as a mismatch (red).
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

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            verdict: &'static str,
            tracking_no: &'a Option<String>,
            order_nos: &'a [String],
            sku_code: Option<&'a str>,
            barcode: &'a Option<String>,
            scanned: Option<i64>,
            expected: Option<i64>,
            remaining: Option<u32>,
            reason: Option<&'static str>,
            message_zh: String,
            message_en: String,
            scan_id: i64,
            #[serde(skip_serializing_if = "std::ops::Not::not")]
            replayed: bool,
            #[serde(skip_serializing_if = "<[CheckLine]>::is_empty")]
            lines: &'a [CheckLine],
        }
        let count = self.outcome.line_count();
        Json {
            verdict: self.name(),
            tracking_no: &self.tracking_no,
            order_nos: &self.order_nos,
            sku_code: self.outcome.sku(),
            barcode: &self.barcode,
            scanned: count.map(|c| c.0),
            expected: count.and_then(|c| c.1),
            remaining: self.remaining,
            reason: self.outcome.reason().map(Reason::code),
            message_zh: self.zh(),
            message_en: self.en(),
            scan_id: self.scan_id,
            replayed: self.replayed,
            lines: &self.lines,
        }
        .serialize(s)
    }
}

/// Parcels this staff member shipped today (the shop's day, Beijing time) and in the last hour:
/// the bench's counters, read from the store so they survive a sign-in or a restart.
pub fn shipped_counts(store: &Store, actor: &Actor) -> Result<(usize, usize)> {
    let now = chrono::Utc::now();
    let zone = crate::domain::time::shop_zone();
    let midnight = now
        .with_timezone(&zone)
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_local_timezone(zone)
        .single()
        .expect("a fixed offset has one midnight")
        .with_timezone(&chrono::Utc);
    let hour_ago = now - chrono::Duration::hours(1);
    let db = store.read();
    let today = db.shipped_by_since(actor.staff.id, &crate::domain::time::to_store(&midnight))?;
    let hour = db.shipped_by_since(actor.staff.id, &crate::domain::time::to_store(&hour_ago))?;
    Ok((today as usize, hour as usize))
}

/// A parcel open at this bench, as read in the scan's transaction.
struct OpenParcel {
    row: ParcelRow,
    orders: Vec<BenchOrder>,
    items: Vec<ItemLine>,
    counts: Vec<LineCount>,
    refunded: Vec<String>,
    products: HashMap<String, ProductAtBench>,
}

impl OpenParcel {
    /// The parcel `id` as the bench needs it (one query); `None` if there is no such parcel.
    fn read(db: &Db<'_>, id: i64) -> Result<Option<OpenParcel>> {
        Ok(db.parcel_at_bench(id)?.map(OpenParcel::from))
    }

    /// The parcel open at this bench (the station says it exists).
    fn open(db: &Db<'_>, id: i64) -> Result<OpenParcel> {
        Ok(OpenParcel::read(db, id)?.expect("open parcel exists"))
    }

    fn from(p: ParcelAtBench) -> OpenParcel {
        let ParcelAtBench {
            row,
            orders,
            products,
            counts: done,
        } = p;
        let items = item_lines_with(&orders, |sku| {
            products
                .get(sku)
                .map(|p| (p.barcode.clone(), p.bin.clone()))
        });
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
        OpenParcel {
            row,
            orders,
            items,
            counts,
            refunded,
            products,
        }
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
    fn verdict(&self, outcome: Outcome) -> Verdict {
        Verdict {
            tracking_no: self.row.tracking_no.clone(),
            order_nos: self.orders.iter().map(|o| o.order_no.clone()).collect(),
            remaining: Some(self.remaining()),
            ..Verdict::new(outcome)
        }
    }

    fn opened(&self) -> Verdict {
        let mut v = self.verdict(Outcome::OrderOpened {
            tracking_no: self.tracking(),
            units: self.counts.iter().map(|c| c.expected).sum(),
            remaining: self.remaining(),
        });
        v.lines = self.lines();
        v
    }
}

/// A checking session at one bench. Verdicts are stored before they are returned; call `shown`
/// once a verdict is on the screen, so a restart knows what the checker saw.
#[derive(Debug, Clone)]
pub struct CheckSession {
    actor: Actor,
    shown: i64,
    /// The last scan's answer was lost (see `answer_lost`).
    unsure: bool,
}

impl CheckSession {
    /// Starts (or resumes) checking at the actor's bench. Returns the verdicts not shown before
    /// a restart (marked `replayed`) and, if a parcel is open, its state.
    pub fn start(store: &mut Store, actor: Actor) -> Result<(CheckSession, Vec<Verdict>)> {
        actor.require(Permission::Check)?;
        let db = store.read();
        let station = db.station(&actor.terminal)?;
        let mut out: Vec<Verdict> = stored_after(&db, &actor.terminal, station.last_shown_scan)?
            .into_iter()
            .map(|(_, v)| v)
            .collect();
        if let Some(pid) = station.open_parcel_id
            && let Some(p) = OpenParcel::read(&db, pid)?
        {
            let mut v = p.opened();
            v.replayed = true;
            out.push(v);
        }
        let shown = out
            .iter()
            .map(|v| v.scan_id)
            .max()
            .unwrap_or(station.last_shown_scan);
        Ok((
            CheckSession {
                actor,
                shown,
                unsure: false,
            },
            out,
        ))
    }

    /// The store's answer to the last scan was lost (the server went away as it answered): that
    /// scan may be stored. The next scan first shows what was stored since the last verdict on
    /// screen, and is not judged again if it is that same code (the checker was asked to scan
    /// it again): an item is never counted twice for one unit.
    pub fn answer_lost(&mut self) {
        self.unsure = true;
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

    /// One scan: the waybill of a parcel, or an item of the open one, stored with where it came
    /// from. Blank scans give nothing.
    pub fn scan<'a>(
        &mut self,
        store: &mut Store,
        raw: impl Into<ScanText<'a>>,
        source: ScanSource,
    ) -> Result<Vec<Verdict>> {
        let raw = raw.into();
        let code = match raw.clean() {
            Ok(None) => return Ok(Vec::new()),
            Ok(Some(code)) => Ok(code),
            Err(len) => Err(len),
        };
        let actor = &self.actor;
        let shown = self.shown;
        let unsure = std::mem::take(&mut self.unsure);
        let done = store
            .write(|db| {
                // After a lost answer: what was stored meanwhile comes first; the same code
                // scanned again is that scan, not another unit.
                let earlier = if unsure {
                    stored_after(db, &actor.terminal, shown)?
                } else {
                    Vec::new()
                };
                if let Ok(code) = &code
                    && earlier.iter().any(|(c, _)| c == code)
                {
                    return Ok(earlier.into_iter().map(|(_, v)| v).collect());
                }
                let earlier: Vec<Verdict> = earlier.into_iter().map(|(_, v)| v).collect();
                let (mut st, confirm, next_id) = db.scan_start(&actor.terminal, CONFIRM_SETTING)?;
                let confirm = confirm.is_some_and(|v| v == "true");
                let source = &ScanAt {
                    source,
                    id: Cell::new(Some(next_id)),
                };
                st.last_shown_scan = st.last_shown_scan.max(shown);
                let mut out = match &code {
                    Err(len) => {
                        let text = raw.head();
                        let mut v = Verdict::new(Outcome::TooLong { chars: *len });
                        v.scan_id = record(db, actor, source, &text, &v, None)?;
                        vec![v]
                    }
                    Ok(code) => judge(db, actor, source, &mut st, code, confirm)?,
                };
                db.save_station(&st)?;
                for v in &mut out {
                    v.replayed = false;
                    v.source = Some(source.source);
                }
                Ok(earlier.into_iter().chain(out).collect())
            })
            .map_err(crate::error::Error::in_scan);
        if let Err(crate::error::Error::Store(e)) = &done
            && e.fault == crate::error::StoreFault::Unreachable
        {
            // Unreachable may be a commit whose answer never came: keep the doubt.
            self.unsure = true;
        }
        done
    }
}

/// The check scans of `terminal` stored after scan `after`, as replayed verdicts with their
/// codes; a scan that shipped its parcel brings the `shipped` it showed after it.
fn stored_after(db: &Db<'_>, terminal: &str, after: i64) -> Result<Vec<(String, Verdict)>> {
    let mut out = Vec::new();
    for s in db.scans_after(terminal, after)? {
        if s.mode != ScanMode::Check {
            continue;
        }
        out.push((s.code.clone(), replay(db, &s)?));
        // The parcel this scan shipped: `shipped` was shown after its verdict, and is again (it
        // is not a scan of its own).
        if s.verdict != Kind::Shipped.name()
            && let Some(pid) = db.parcel_shipped_by_scan(s.id)?
            && let Some(p) = db.parcel(pid)?
        {
            let mut v = replay(db, &s)?;
            v.outcome = Outcome::Replayed {
                kind: Kind::Shipped,
                code: p.tracking_no.clone().unwrap_or_default(),
                sku: None,
                reason: None,
            };
            v.tracking_no = p.tracking_no.clone();
            v.remaining = Some(0);
            out.push((s.code.clone(), v));
        }
    }
    Ok(out)
}

/// Where a scan came from, and the id it is stored under (read with the bench's state, so
/// storing it waits for no answer from a server).
struct ScanAt {
    source: ScanSource,
    id: Cell<Option<i64>>,
}

/// Writes the scan; returns its id.
fn record(
    db: &Db<'_>,
    actor: &Actor,
    at: &ScanAt,
    code: &str,
    v: &Verdict,
    parcel_id: Option<i64>,
) -> Result<i64> {
    let scan = NewScan {
        mode: ScanMode::Check,
        code,
        verdict: v.outcome.kind(),
        reason: v.outcome.reason(),
        parcel_id,
        batch_id: None,
        sku_code: v.outcome.sku(),
        counted: v.counted(),
        source: at.source,
    };
    match at.id.take() {
        Some(id) => {
            db.insert_scan_as(id, actor, actor.staff.id, &scan)?;
            Ok(id)
        }
        None => db.insert_scan(actor, actor.staff.id, &scan),
    }
}

/// The parcel may not be checked now; `item` was scanned when that was found, `closed` when
/// it was open at this bench.
fn blocked(p: &OpenParcel, reason: BlockReason, item: Option<String>, closed: bool) -> Verdict {
    p.verdict(Outcome::Blocked {
        reason,
        tracking_no: p.tracking(),
        item,
        closed,
    })
}

/// The checker's cards (a printed exception card): scanned while a parcel is open, it is held
/// for the CS supervisor — items missing, or an item damaged.
pub const MISSING_CARD: &str = "MISSING";
pub const DAMAGED_CARD: &str = "DAMAGED";

fn judge(
    db: &Db<'_>,
    actor: &Actor,
    source: &ScanAt,
    st: &mut StationRow,
    code: &str,
    confirm: bool,
) -> Result<Vec<Verdict>> {
    if code.eq_ignore_ascii_case(MISSING_CARD) || code.eq_ignore_ascii_case(DAMAGED_CARD) {
        return hold_with_card(db, actor, source, st, code);
    }
    let product = match db.code_at_bench(code)? {
        CodeAtBench::Waybill { parcel_id } => {
            let p = OpenParcel::open(db, parcel_id)?;
            return judge_waybill(db, actor, source, st, code, p, confirm);
        }
        CodeAtBench::Product { product, .. } => Some(product),
        CodeAtBench::Unknown => None,
    };
    if product.is_none()
        && let Some(void) = db.waybill_void(code)?
    {
        // An old label still on a parcel: refused, whatever is open stays as it is.
        let p = OpenParcel::open(db, void.parcel_id)?;
        let mut v = Verdict::new(Outcome::Blocked {
            reason: BlockReason::WaybillVoided,
            tracking_no: code.to_string(),
            item: None,
            closed: false,
        });
        v.tracking_no = Some(code.to_string());
        v.order_nos = p.orders.iter().map(|o| o.order_no.clone()).collect();
        v.scan_id = record(db, actor, source, code, &v, Some(void.parcel_id))?;
        return Ok(vec![v]);
    }
    if product.is_none()
        && let Some(v) = picker_tag(db, actor, source, st, code)?
    {
        return Ok(vec![v]);
    }
    let Some(product) = product else {
        let no_parcel = st.open_parcel_id.is_none();
        let code_ = code.to_string();
        let mut v = Verdict::new(if no_parcel || db.waybill_courier(code)?.is_some() {
            Outcome::WaybillUnknown { code: code_ }
        } else {
            Outcome::UnknownItem { code: code_ }
        });
        v.barcode = Some(code.to_string());
        if let Some(pid) = st.open_parcel_id {
            let p = OpenParcel::open(db, pid)?;
            v.tracking_no = p.row.tracking_no.clone();
            v.order_nos = p.orders.iter().map(|o| o.order_no.clone()).collect();
            v.remaining = Some(p.remaining());
        }
        v.scan_id = record(db, actor, source, code, &v, st.open_parcel_id)?;
        return Ok(vec![v]);
    };
    let Some(pid) = st.open_parcel_id else {
        let mut v = Verdict::new(Outcome::NoOpenParcel {
            sku: product.sku_code.clone(),
        });
        v.barcode = Some(code.to_string());
        v.scan_id = record(db, actor, source, code, &v, None)?;
        return Ok(vec![v]);
    };
    let mut p = OpenParcel::open(db, pid)?;
    // Status is read at every scan: a refund imported while the parcel is on the bench stops it.
    if let Some(reason) = parcel_block(&p.row, &p.orders) {
        let mut v = blocked(&p, reason, Some(product.sku_code.clone()), true);
        v.barcode = Some(code.to_string());
        v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
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
    if matches!(judgement, ItemJudgement::Counted { .. })
        && let Some(c) = p.counts.iter_mut().find(|c| c.sku_code == sku)
    {
        c.scanned += 1;
    }
    let (scanned, expected) = p
        .counts
        .iter()
        .find(|c| c.sku_code == sku)
        .map_or((0, 0), |c| (c.scanned, c.expected));
    let title = p
        .items
        .iter()
        .find(|i| i.sku_code == sku)
        .map_or(product.name.clone(), |i| i.title.clone());
    let mut v = p.verdict(match judgement {
        ItemJudgement::Counted { complete: false } => Outcome::ItemCounted {
            sku,
            scanned,
            expected,
        },
        ItemJudgement::Counted { complete: true } => Outcome::ParcelComplete {
            sku,
            scanned,
            expected,
            confirm,
        },
        ItemJudgement::Surplus => Outcome::Surplus {
            sku,
            scanned,
            expected,
        },
        ItemJudgement::Refunded => Outcome::LineRefunded { sku },
        ItemJudgement::Wrong => Outcome::WrongItem { sku, title },
    });
    v.barcode = product
        .barcode
        .as_ref()
        .map(|b| b.as_str().to_string())
        .or_else(|| Some(code.to_string()));
    v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
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

/// A card scanned at the bench: the open parcel is held (its orders on hold, the bench let go
/// of it) and goes on the supervisor's list with what was still missing.
fn hold_with_card(
    db: &Db<'_>,
    actor: &Actor,
    source: &ScanAt,
    st: &mut StationRow,
    code: &str,
) -> Result<Vec<Verdict>> {
    let damaged = code.eq_ignore_ascii_case(DAMAGED_CARD);
    let Some(pid) = st.open_parcel_id else {
        let mut v = Verdict::new(Outcome::NoOpenParcel {
            sku: code.to_string(),
        });
        v.scan_id = record(db, actor, source, code, &v, None)?;
        return Ok(vec![v]);
    };
    let p = OpenParcel::open(db, pid)?;
    let missing: Vec<String> = p
        .counts
        .iter()
        .filter(|c| c.scanned < c.expected)
        .map(|c| format!("{}×{}", c.sku_code, c.expected - c.scanned))
        .collect();
    let (reason, kind, note) = if damaged {
        (
            HoldReason::Other,
            ExceptionKind::ItemDamaged,
            "验货发现破损".to_string(),
        )
    } else {
        (
            HoldReason::OutOfStock,
            ExceptionKind::ItemMissing,
            format!("验货缺货：{}", missing.join("，")),
        )
    };
    for o in p.orders.iter().filter(|o| o.hold_reason.is_none()) {
        db.set_hold(o.id, Some(reason.code()), &note)?;
    }
    let tracking = p.tracking();
    db.raise_exception(
        actor,
        kind,
        &ExceptionSubject {
            parcel_id: Some(pid),
            order_no: p.orders.first().map_or("", |o| o.order_no.as_str()),
            tracking_no: &tracking,
            note: &missing.join(", "),
        },
    )?;
    db.log_event(
        actor,
        "parcel_held",
        &tracking,
        &json!({"damaged": damaged, "missing": missing, "parcel_id": pid}),
    )?;
    db.claim_parcel(pid, None)?;
    st.open_parcel_id = None;
    st.confirm_pending = false;
    let mut v = p.verdict(Outcome::ParcelHeld {
        tracking_no: tracking,
        damaged,
        missing,
    });
    v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
    Ok(vec![v])
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
    let scan = (scan_id > 0).then_some(scan_id);
    ship_parcel_with(
        db,
        actor,
        &p.row,
        &p.orders,
        ShipMode::Checked,
        &p.products,
        scan,
    )?;
    st.open_parcel_id = None;
    st.confirm_pending = false;
    let mut v = p.verdict(Outcome::Shipped {
        tracking_no: p.tracking(),
    });
    v.remaining = Some(0);
    v.scan_id = scan_id;
    Ok(v)
}

fn judge_waybill(
    db: &Db<'_>,
    actor: &Actor,
    source: &ScanAt,
    st: &mut StationRow,
    code: &str,
    p: OpenParcel,
    confirm: bool,
) -> Result<Vec<Verdict>> {
    let pid = p.row.id;
    if st.open_parcel_id == Some(pid) {
        if let Some(reason) = parcel_block(&p.row, &p.orders) {
            let mut v = blocked(&p, reason, None, true);
            v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
            db.claim_parcel(pid, None)?;
            st.open_parcel_id = None;
            st.confirm_pending = false;
            return Ok(vec![v]);
        }
        if st.confirm_pending && p.complete() {
            let mut v = ship(db, actor, st, &p, 0)?;
            v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
            db.set_shipped_scan(pid, v.scan_id)?;
            return Ok(vec![v]);
        }
        let mut v = p.opened();
        v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
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
        // Unpaid, but a remark says the buyer paid by transfer (汇款): the supervisor decides.
        if reason == BlockReason::Unpaid
            && !db.parcel_has_open_exception(pid, ExceptionKind::TransferNote)?
        {
            for o in &p.orders {
                if o.status == crate::domain::OrderStatus::Unpaid && db.transfer_noted(o.id)? {
                    db.raise_exception(
                        actor,
                        ExceptionKind::TransferNote,
                        &ExceptionSubject {
                            parcel_id: Some(pid),
                            order_no: &o.order_no,
                            tracking_no: code,
                            note: "",
                        },
                    )?;
                    break;
                }
            }
        }
        let mut v = blocked(&p, reason, None, false);
        v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
        return Ok(vec![v]);
    }
    let mut out = Vec::new();
    if let Some(old) = st.open_parcel_id {
        // The open parcel keeps its counts (and its claim) until its waybill comes back.
        let old = OpenParcel::open(db, old)?;
        out.push(old.verdict(Outcome::ParcelSuspended {
            tracking_no: old.tracking(),
        }));
    }
    db.claim_parcel(pid, Some(&actor.terminal))?;
    st.open_parcel_id = Some(pid);
    st.confirm_pending = false;
    // The basket's tag was scanned before this parcel: its batch is that picker's.
    if let Some(picker) = st.picker_id.take() {
        credit_picker(db, actor, &p, picker)?;
    }
    let mut v = p.opened();
    v.scan_id = record(db, actor, source, code, &v, Some(pid))?;
    for s in &mut out {
        s.scan_id = v.scan_id;
    }
    let scan_id = v.scan_id;
    out.push(v);
    // Merge before packing: the buyer has more waiting to print. Said at the bench, and put on
    // the supervisor's list once.
    if let Some(first) = p.orders.first() {
        let others = db.other_ready_orders(&first.receiver, pid)?;
        if !others.is_empty() {
            if !db.parcel_has_open_exception(pid, ExceptionKind::OtherOrderReady)? {
                db.raise_exception(
                    actor,
                    ExceptionKind::OtherOrderReady,
                    &ExceptionSubject {
                        parcel_id: Some(pid),
                        order_no: &first.order_no,
                        tracking_no: code,
                        note: &others.join(", "),
                    },
                )?;
            }
            let mut alert = p.verdict(Outcome::OtherOrderReady {
                tracking_no: p.tracking(),
                order_nos: others,
            });
            alert.scan_id = scan_id;
            out.push(alert);
        }
    }
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

/// The picker's tag in the basket (`EDB_PH001`), scanned at the bench: the batch the basket
/// holds is credited to that picker (their performance), when nobody has it yet — the parcel
/// open now, or else the next one opened here. An unknown code costs the bench nothing more:
/// the tag is looked for only once the code is no product and no waybill.
fn picker_tag(
    db: &Db<'_>,
    actor: &Actor,
    source: &ScanAt,
    st: &mut StationRow,
    code: &str,
) -> Result<Option<Verdict>> {
    let prefix = db
        .setting(super::pick::TAG_PREFIX_SETTING)?
        .unwrap_or_else(|| super::pick::DEFAULT_TAG_PREFIX.to_string());
    let Some(staff_code) = code
        .strip_prefix(prefix.as_str())
        .filter(|_| !prefix.is_empty())
    else {
        return Ok(None);
    };
    let outcome = match db.staff_by_code(staff_code)? {
        Some(s) if s.active && s.role.allows(Permission::Pick) => {
            match st.open_parcel_id {
                Some(pid) => credit_picker(db, actor, &OpenParcel::open(db, pid)?, s.id)?,
                None => st.picker_id = Some(s.id),
            }
            Outcome::PickerSet {
                code: s.code,
                name: s.name,
            }
        }
        _ => Outcome::PickerUnknown {
            code: code.to_string(),
        },
    };
    let mut v = Verdict::new(outcome);
    v.scan_id = record(db, actor, source, code, &v, st.open_parcel_id)?;
    Ok(Some(v))
}

/// Credits the parcel's batch to `picker` unless a picker has it already (the pick screen's
/// tag came first).
fn credit_picker(db: &Db<'_>, actor: &Actor, p: &OpenParcel, picker: i64) -> Result<()> {
    let Some(batch_id) = p.row.batch_id else {
        return Ok(());
    };
    let Some(batch) = db.batch(batch_id)? else {
        return Ok(());
    };
    if batch.picker_code.is_some() {
        return Ok(());
    }
    db.assign_picker(batch_id, picker)?;
    db.log_event_as(
        picker,
        &actor.terminal,
        "batch_picked",
        &batch_id.to_string(),
        &json!({"at": "check", "checker": actor.staff.code}),
    )
}

/// A stored scan shown again after a restart. A name this program never wrote reads as a
/// rejected scan.
fn replay(db: &Db<'_>, s: &ScanRecord) -> Result<Verdict> {
    let mut v = Verdict::new(Outcome::Replayed {
        kind: Kind::from_name(&s.verdict).unwrap_or(Kind::ScanRejected),
        code: s.code.clone(),
        sku: s.sku_code.clone(),
        reason: s.reason.as_deref().and_then(Reason::from_code),
    });
    v.scan_id = s.id;
    v.replayed = true;
    v.source = s.source;
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

/// A printed parcel held open at a bench, and whether that bench still runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenAtBench {
    pub tracking_no: String,
    pub bench: String,
    /// The bench renewed its hold on its name within `station::LEASE_EXPIRY`: it is running,
    /// and the parcel is being checked there.
    pub bench_running: bool,
    /// When the bench was last heard of, as stored (`None`: never, or it closed).
    pub last_seen: Option<String>,
}

/// The printed parcels held open at a bench (the office frees those a dead bench left).
pub fn open_at_benches(store: &Store, actor: &Actor) -> Result<Vec<OpenAtBench>> {
    actor.require(Permission::ReviewOrders)?;
    let db = store.read();
    let now = chrono::Utc::now();
    let mut out = Vec::new();
    for p in db.parcels_open_at_benches()? {
        let (Some(bench), Some(tracking_no)) = (p.claimed_by.clone(), p.tracking_no.clone()) else {
            continue;
        };
        let lease = db.station_lease(&bench)?;
        let last_seen = lease.as_ref().map(|l| l.renewed_at.clone());
        let bench_running = lease
            .as_ref()
            .and_then(|l| crate::domain::time::from_store(&l.renewed_at))
            .is_some_and(|t| (now - t).to_std().unwrap_or_default() < super::station::LEASE_EXPIRY);
        out.push(OpenAtBench {
            tracking_no,
            bench,
            bench_running,
            last_seen,
        });
    }
    Ok(out)
}

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
        // A bench still running checks it now: freeing it would let two benches check it.
        if let Some(l) = db.station_lease(&bench)?
            && crate::domain::time::from_store(&l.renewed_at).is_some_and(|t| {
                (chrono::Utc::now() - t).to_std().unwrap_or_default() < super::station::LEASE_EXPIRY
            })
        {
            return Err(crate::error::Error::invalid(
                format!("验货台 {bench} 还开着，{tracking_no} 正在那里验：在那台电脑上验完或退出"),
                format!("bench {bench} is still running and checking {tracking_no}: finish there or close it"),
            ));
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, StoreFault};
    use crate::flow::testkit;
    use std::time::Duration;

    #[test]
    fn a_scan_on_a_locked_store_says_it_was_not_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let mut shop = testkit::shop_in(Store::create(&path).unwrap());
        shop.store
            .set_busy_timeout(Duration::from_millis(50))
            .unwrap();
        let tracking = shop.batch.parcels[0].tracking_no.clone();
        let checker = shop.actor("YH01", "bench-1");
        let (mut s, _) = CheckSession::start(&mut shop.store, checker).unwrap();
        let other = rusqlite::Connection::open(&path).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        let e = s
            .scan(&mut shop.store, &tracking, ScanSource::Wedge)
            .unwrap_err();
        assert!(
            matches!(&e, Error::Store(st) if st.fault == StoreFault::Busy && st.scan),
            "{e:?}"
        );
        assert_eq!(e.zh(), "另一台工位正在写入，这次扫描没有记录，请再扫一次");
        assert_eq!(e.detail().as_deref(), Some("database is locked"));
        // Nothing was written: once the lock is gone the same scan opens the parcel.
        other.execute_batch("ROLLBACK").unwrap();
        let v = s
            .scan(&mut shop.store, &tracking, ScanSource::Wedge)
            .unwrap();
        assert_eq!(v[0].outcome.kind(), Kind::OrderOpened);
        assert_eq!(v[0].scan_id, 1);
    }

    /// The names a restarted bench shows (the open parcel's state aside).
    fn replayed(store: &mut Store, actor: &Actor) -> Vec<(Kind, i64)> {
        let (_, resumed) = CheckSession::start(store, actor.clone()).unwrap();
        resumed
            .iter()
            .filter(|v| v.scan_id > 0)
            .map(|v| (v.outcome.kind(), v.scan_id))
            .collect()
    }

    #[test]
    fn a_restart_shows_each_shipment_once_after_the_scan_that_made_it() {
        for confirm in [false, true] {
            let mut shop = testkit::shop();
            if confirm {
                let admin = shop.admin.clone();
                crate::flow::settings::set(&mut shop.store, &admin, CONFIRM_SETTING, "true")
                    .unwrap();
            }
            let p = shop.batch.parcels[0].clone();
            let checker = shop.actor("YH01", "bench-1");
            let (mut s, _) = CheckSession::start(&mut shop.store, checker.clone()).unwrap();
            let mut codes = vec![p.tracking_no.clone()];
            for l in &p.lines {
                for _ in 0..l.qty {
                    codes.push(l.barcode.clone().unwrap_or_else(|| l.sku_code.clone()));
                }
            }
            if confirm {
                codes.push(p.tracking_no.clone());
            }
            // Killed before any verdict was marked shown.
            let mut last = 0;
            for c in &codes {
                last = s.scan(&mut shop.store, c, ScanSource::Replay).unwrap()[0].scan_id;
            }
            let shown = replayed(&mut shop.store, &checker);
            let kinds: Vec<Kind> = shown.iter().map(|(k, _)| *k).collect();
            assert_eq!(
                kinds.iter().filter(|k| **k == Kind::Shipped).count(),
                1,
                "confirm {confirm}: {kinds:?}"
            );
            assert_eq!(kinds.last(), Some(&Kind::Shipped), "confirm {confirm}");
            assert_eq!(shown.last().map(|(_, id)| *id), Some(last));
        }
    }

    #[test]
    fn a_scan_whose_answer_was_lost_is_never_counted_twice() {
        let mut shop = testkit::shop();
        // A parcel with a product of two units or more, so a second count would be believed.
        let (p, first) = shop
            .batch
            .parcels
            .iter()
            .find_map(|p| {
                let l = p.lines.iter().find(|l| l.qty >= 2)?;
                Some((
                    p.clone(),
                    l.barcode.clone().unwrap_or_else(|| l.sku_code.clone()),
                ))
            })
            .expect("a parcel with two units of one product");
        let checker = shop.actor("YH01", "bench-1");
        let (mut bench, _) = CheckSession::start(&mut shop.store, checker).unwrap();
        for v in bench
            .scan(&mut shop.store, &p.tracking_no, ScanSource::Wedge)
            .unwrap()
        {
            bench.shown(v.scan_id);
        }
        // The unit is stored, but the answer never reaches the bench (the server went away as
        // it answered): the same bench's scan, made by a copy whose answer is thrown away.
        let stored = bench
            .clone()
            .scan(&mut shop.store, &first, ScanSource::Wedge)
            .unwrap();
        assert_eq!(stored[0].outcome.kind(), Kind::ItemOk);
        bench.answer_lost();
        // Asked to scan it again, the checker does: the stored scan is shown, none is added.
        let again = bench
            .scan(&mut shop.store, &first, ScanSource::Wedge)
            .unwrap();
        assert_eq!(again.len(), 1, "{again:?}");
        assert_eq!(again[0].scan_id, stored[0].scan_id);
        assert!(again[0].replayed);
        let counted = |shop: &testkit::Shop| {
            shop.store
                .read()
                .checked_counts(p_id(shop, &p.tracking_no))
                .unwrap()
                .iter()
                .map(|(_, n)| *n)
                .sum::<u32>()
        };
        assert_eq!(counted(&shop), 1, "one unit counted once");
        for v in &again {
            bench.shown(v.scan_id);
        }
        // The next scan is judged as usual.
        let next = bench
            .scan(&mut shop.store, &first, ScanSource::Wedge)
            .unwrap();
        assert!(!next[0].replayed);
        assert_eq!(counted(&shop), 2);
    }

    fn p_id(shop: &testkit::Shop, tracking: &str) -> i64 {
        shop.store
            .read()
            .parcel_by_tracking(tracking)
            .unwrap()
            .unwrap()
            .id
    }

    #[test]
    fn a_keyed_scan_is_stored_as_keyed() {
        let mut shop = testkit::shop();
        let tracking = shop.batch.parcels[0].tracking_no.clone();
        let checker = shop.actor("YH01", "bench-1");
        let (mut s, _) = CheckSession::start(&mut shop.store, checker.clone()).unwrap();
        // The label is torn: the checker types the tracking number, then scans an item.
        let v = s
            .scan(&mut shop.store, &tracking, ScanSource::Keyed)
            .unwrap();
        assert_eq!(
            (v[0].outcome.kind(), v[0].source),
            (Kind::OrderOpened, Some(ScanSource::Keyed))
        );
        let v = s
            .scan(&mut shop.store, "no-such-item", ScanSource::Wedge)
            .unwrap();
        assert_eq!(v[0].source, Some(ScanSource::Wedge));
        let stored: Vec<_> = shop
            .store
            .read()
            .scans_after("bench-1", 0)
            .unwrap()
            .into_iter()
            .map(|r| (r.code, r.source))
            .collect();
        assert_eq!(
            stored,
            [
                (tracking.clone(), Some(ScanSource::Keyed)),
                ("no-such-item".to_string(), Some(ScanSource::Wedge))
            ]
        );
        // After a restart the verdicts not shown come back with their sources.
        let (_, resumed) = CheckSession::start(&mut shop.store, checker).unwrap();
        let sources: Vec<_> = resumed
            .iter()
            .filter(|v| v.scan_id > 0)
            .map(|v| v.source)
            .collect();
        assert_eq!(sources, [Some(ScanSource::Keyed), Some(ScanSource::Wedge)]);
    }

    #[test]
    fn the_json_contract_is_as_documented() {
        // As packbench printed it before verdicts were typed, byte for byte.
        let mut v = Verdict::new(Outcome::WrongItem {
            sku: "NZ2017-WH-M".into(),
            title: "高腰阔腿牛仔裤女直筒".into(),
        });
        v.tracking_no = Some("7700000002".into());
        v.order_nos = vec!["6040217493265564053".into(), "8880531529394561002".into()];
        v.barcode = Some("6941950589686".into());
        v.remaining = Some(3);
        v.scan_id = 7;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"verdict":"item_wrong","tracking_no":"7700000002","order_nos":["6040217493265564053","8880531529394561002"],"sku_code":"NZ2017-WH-M","barcode":"6941950589686","scanned":null,"expected":null,"remaining":3,"reason":null,"message_zh":"拿错了：NZ2017-WH-M（高腰阔腿牛仔裤女直筒）不是本单的商品","message_en":"wrong item: NZ2017-WH-M is not in this parcel","scan_id":7}"#
        );
        v.outcome = Outcome::ItemCounted {
            sku: "YK2017-AP-S".into(),
            scanned: 1,
            expected: 1,
        };
        v.barcode = Some("6912059698036".into());
        v.scan_id = 4;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"verdict":"item_ok","tracking_no":"7700000002","order_nos":["6040217493265564053","8880531529394561002"],"sku_code":"YK2017-AP-S","barcode":"6912059698036","scanned":1,"expected":1,"remaining":3,"reason":null,"message_zh":"YK2017-AP-S 1/1","message_en":"YK2017-AP-S 1/1","scan_id":4}"#
        );
        let mut v = Verdict::new(Outcome::TooLong { chars: 200 });
        v.scan_id = 7;
        v.replayed = true;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"verdict":"scan_rejected","tracking_no":null,"order_nos":[],"sku_code":null,"barcode":null,"scanned":null,"expected":null,"remaining":null,"reason":"too_long","message_zh":"扫描内容太长（200 个字符），不是条码，已忽略","message_en":"scan too long (200 characters) to be a barcode; ignored","scan_id":7,"replayed":true}"#
        );
    }
}
