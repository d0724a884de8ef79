//! Stocktakes (盘点): a session over some bins, counted by scan (blind by default), an
//! optional recount of the lines that differ, and an approval that writes the adjust moves
//! (配平) with a reason per line, in one transaction.
//!
//! A bin is counted when units stand counted in it or it was marked empty (`EMPTY`); a bin whose
//! label was only scanned, or never, is not. The approval adjusts the bins counted and leaves
//! the others as they are, unless the keeper chooses to write them down to zero. Counts are
//! taken back by scan (`UNDO`), on record: the store's scans are never changed or removed.

use super::stock::StockVerdict;
use crate::domain::check::{ScanMode, ScanText};
use crate::domain::stock::{
    AdjustReason, CountError, CountScan, MoveKind, StocktakeState, Uncounted, VarianceLine,
    parse_count,
};
use crate::domain::{Actor, Outcome, Permission, ScanSource, SessionId};
use crate::error::{Error, Result};
use crate::store::{Db, NewStockScan, StocktakeRow, Store};
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// Opens a stocktake over the bins matching `pattern` (a glob on bin codes: `A-*`), or all bins
/// when `None`. Blind unless `open`. Refused when a bin is in another open session.
pub fn start(
    store: &mut Store,
    actor: &Actor,
    pattern: Option<&str>,
    open: bool,
    recount: bool,
) -> Result<StocktakeRow> {
    actor.require(Permission::Stocktake)?;
    let pattern = pattern.map(str::trim).unwrap_or("*");
    if pattern.is_empty() || pattern.chars().any(char::is_control) {
        return Err(Error::invalid(
            "请给出库位范围，例如 --bins 'A-*'，或用 --all",
            "give the bins, e.g. --bins 'A-*', or --all",
        ));
    }
    let id = store.write(|db| {
        let crate::store::NewStocktake { id, bins, overlap } =
            db.insert_stocktake(actor, pattern, !open, recount)?;
        if bins == 0 {
            return Err(Error::invalid(
                format!("没有库位符合 {pattern}"),
                format!("no bin matches {pattern}"),
            ));
        }
        if let Some((other, bin)) = overlap {
            return Err(Error::invalid(
                format!("库位 {bin} 已在进行中的盘点 {other} 里；同一库位不能同时盘点"),
                format!("bin {bin} is in stocktake {other}, still open; sessions may not overlap on a bin"),
            ));
        }
        db.log_event(
            actor,
            "stocktake_started",
            &id.to_string(),
            &json!({"bins": bins, "pattern": pattern, "blind": !open, "recount": recount}),
        )?;
        Ok(id)
    })?;
    Ok(store.read().stocktake(id)?.expect("just written"))
}

fn session(db: &Db<'_>, id: SessionId) -> Result<StocktakeRow> {
    db.stocktake(id)?
        .ok_or_else(|| Error::not_found("stocktake", "盘点", id.to_string()))
}

fn require_open(s: &StocktakeRow) -> Result<()> {
    if s.state.is_open() {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("盘点 {} 已结束（{}）", s.id, s.state.zh()),
            format!("stocktake {} is closed ({})", s.id, s.state.en()),
        ))
    }
}

/// The report of a session: every line, the lines waiting for their recount, and the bins
/// nobody counted.
#[derive(Debug, Clone)]
pub struct Report {
    pub session: StocktakeRow,
    pub lines: Vec<VarianceLine>,
    /// Lines with a variance at the first count that were not counted again yet (with
    /// `--recount` only). Lines of bins nobody counted are not among them.
    pub awaiting_recount: Vec<(String, String)>,
    /// The session's bins nobody counted, by code: no units stand counted in them and none was
    /// marked empty (`EMPTY`). A bin whose label was scanned and nothing after is not counted.
    pub uncounted_bins: Vec<String>,
    /// What the approval did with them; `None` while the session is open.
    pub uncounted: Option<Uncounted>,
}

impl Report {
    /// Every line that differs, those of the bins nobody counted too (marked `bin_counted:
    /// false`: their variance is what writing them down to zero would adjust).
    pub fn variances(&self) -> impl Iterator<Item = &VarianceLine> {
        self.lines.iter().filter(|l| l.variance != 0)
    }

    /// The lines an approval that does `uncounted` with the bins nobody counted adjusts.
    pub fn to_adjust(&self, uncounted: Uncounted) -> impl Iterator<Item = &VarianceLine> {
        self.lines
            .iter()
            .filter(move |l| l.variance != 0 && (l.bin_counted || uncounted == Uncounted::Zero))
    }

    /// The lines that were (approved) or would be (open) adjusted: open sessions as approved
    /// leaving the bins nobody counted.
    pub fn adjusted(&self) -> impl Iterator<Item = &VarianceLine> {
        self.to_adjust(self.uncounted.unwrap_or(Uncounted::Leave))
    }
}

/// Whether a bin was counted in round 1 and in the recount: units stand counted there, or it
/// was marked empty.
#[derive(Debug, Clone, Copy, Default)]
struct BinCounted {
    first: bool,
    recount: bool,
}

/// A run of a session's lines in one bin (the lines come by bin): where it ends, and whether
/// its bin was counted.
struct BinRun {
    /// Index of its first line.
    start: usize,
    end: usize,
    counted: BinCounted,
}

/// Expected (snapshot + moves since), counted, variance for every product in the session's
/// bins and every product counted there; the bins nobody counted. An approved session reports
/// what was approved. A whole shop is 100,000 lines: the lines are walked by bin, with no look-up
/// per line.
fn compute(db: &Db<'_>, s: StocktakeRow) -> Result<Report> {
    let approved = s.state == StocktakeState::Approved;
    // The moves since the start, by product: (bin, merchant code, sum of qty, matched a line).
    let mut moves: HashMap<i64, Vec<(String, String, i64, bool)>> = HashMap::new();
    if !approved {
        for (bin, pid, sku, q) in db.stocktake_moves_since(s.id, s.last_move)? {
            moves.entry(pid).or_default().push((bin, sku, q, false));
        }
    }
    let rows = db.stocktake_lines(s.id)?;
    let recounting = s.recount && s.state != StocktakeState::Counting;
    // Bins marked empty (few), by round.
    let mut empty: [HashSet<String>; 2] = Default::default();
    for (bin, round) in db.empty_bins(s.id)? {
        empty[usize::from(round == 2)].insert(bin);
    }
    let marked = |bin: &str| BinCounted {
        first: empty[0].contains(bin),
        recount: empty[1].contains(bin),
    };
    let mut runs: Vec<BinRun> = Vec::new();
    let mut start = 0;
    while start < rows.len() {
        let bin = rows[start].bin.as_str();
        let mut counted = marked(bin);
        let mut end = start;
        while end < rows.len() && rows[end].bin == bin {
            counted.first |= rows[end].count1 > 0;
            counted.recount |= rows[end].count2 > 0;
            end += 1;
        }
        runs.push(BinRun {
            start,
            end,
            counted,
        });
        start = end;
    }
    let bin_of = |run: &BinRun| rows[run.start].bin.as_str();
    // A bin first counted in the recount is counted there.
    let is_counted = |c: BinCounted| c.first || (recounting && c.recount);
    // The session's bins walked in order beside the runs of lines.
    let mut at = 0;
    let uncounted_bins = db.stocktake_bins_where(s.id, |bin| {
        while at < runs.len() && bin_of(&runs[at]) < bin {
            at += 1;
        }
        let counted = match runs.get(at) {
            Some(run) if bin_of(run) == bin => run.counted,
            _ => marked(bin),
        };
        !is_counted(counted)
    })?;
    // The bins of moves that matched no line (few): looked up once.
    let counted_at = |bin: &str| {
        runs.binary_search_by(|run| bin_of(run).cmp(bin))
            .map_or_else(|_| marked(bin), |i| runs[i].counted)
    };
    let mut moved_counted: HashMap<String, BinCounted> = HashMap::new();
    for (bin, ..) in moves.values().flatten() {
        moved_counted.insert(bin.clone(), counted_at(bin));
    }
    let flags: Vec<BinCounted> = runs
        .iter()
        .flat_map(|run| std::iter::repeat_n(run.counted, run.end - run.start))
        .collect();
    let reopened: HashSet<String> = if recounting {
        db.recounted_bins(s.id)?.into_iter().collect()
    } else {
        HashSet::new()
    };
    let mut awaiting = Vec::new();
    // The count that stands for a line, and whether its bin was counted. A line that differed at
    // the first count is counted again where its bin was opened in the recount (the recount of a
    // bin is its opening, as before); a bin nobody counted awaits no recount.
    let mut judge =
        |bin: &str, sku: &str, expected: i64, count1: i64, count2: i64, c: BinCounted| {
            if !c.first {
                return if recounting && c.recount {
                    (count2, true)
                } else {
                    (count1, false)
                };
            }
            if recounting && count1 != expected {
                if reopened.contains(bin) {
                    return (count2, true);
                }
                awaiting.push((bin.to_string(), sku.to_string()));
            }
            (count1, true)
        };
    let moved_lines: usize = moves.values().map(Vec::len).sum();
    let mut lines = Vec::with_capacity(rows.len() + moved_lines);
    for (r, c) in rows.into_iter().zip(flags) {
        let (expected, counted, bin_counted) = if approved {
            let (_, bin_counted) = judge(&r.bin, &r.sku_code, r.count1, r.count1, r.count2, c);
            (
                r.expected.unwrap_or(r.count1),
                r.counted.unwrap_or(r.count1),
                bin_counted,
            )
        } else {
            let moved = moves
                .get_mut(&r.product_id)
                .and_then(|ms| ms.iter_mut().find(|m| m.0 == r.bin && !m.3))
                .map_or(0, |m| {
                    m.3 = true;
                    m.2
                });
            let expected = r.snapshot + moved;
            let (counted, bin_counted) =
                judge(&r.bin, &r.sku_code, expected, r.count1, r.count2, c);
            (expected, counted, bin_counted)
        };
        lines.push(VarianceLine {
            bin: r.bin,
            sku_code: r.sku_code,
            product_id: r.product_id,
            count1: r.count1,
            expected,
            counted,
            variance: counted - expected,
            bin_counted,
        });
    }
    // Products that came into a session bin after the start and were not counted there.
    for (pid, ms) in moves {
        for (bin, sku, q, matched) in ms {
            if matched {
                continue;
            }
            let c = moved_counted.get(&bin).copied().unwrap_or_default();
            let (counted, bin_counted) = judge(&bin, &sku, q, 0, 0, c);
            lines.push(VarianceLine {
                bin,
                sku_code: sku,
                product_id: pid,
                count1: 0,
                expected: q,
                counted,
                variance: counted - q,
                bin_counted,
            });
        }
    }
    lines.sort_unstable_by(|a, b| (&a.bin, &a.sku_code).cmp(&(&b.bin, &b.sku_code)));
    awaiting.sort();
    // Sessions approved before approvals said what they did wrote every line.
    let uncounted = s.uncounted.or(approved.then_some(Uncounted::Zero));
    Ok(Report {
        session: s,
        lines,
        awaiting_recount: awaiting,
        uncounted_bins,
        uncounted,
    })
}

/// The variance report of a session (for the stock keeper: it shows what was expected).
pub fn report(store: &Store, actor: &Actor, id: SessionId) -> Result<Report> {
    actor.require(Permission::Stocktake)?;
    let db = store.read();
    let s = session(&db, id)?;
    compute(&db, s)
}

pub fn list(store: &Store, actor: &Actor, limit: usize) -> Result<Vec<StocktakeRow>> {
    actor.require(Permission::ViewOrders)?;
    store.read().stocktakes(limit)
}

/// What a bin holds so far in the session's current round, for the counter's screen (after a
/// restart too): the products with units counted there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinCount {
    pub sku_code: String,
    pub name: String,
    pub units: i64,
}

pub fn bin_counts(store: &Store, actor: &Actor, id: SessionId, bin: &str) -> Result<Vec<BinCount>> {
    if actor.require(Permission::Stocktake).is_err() {
        actor.require(Permission::Pick)?;
    }
    let db = store.read();
    let s = session(&db, id)?;
    Ok(db
        .bin_counts(id, s.state.round(), bin)?
        .into_iter()
        .map(|(sku_code, name, units)| BinCount {
            sku_code,
            name,
            units,
        })
        .collect())
}

/// Ends the first count of a `--recount` session: the lines with a variance are now to be
/// counted again (by another counter when two counted). Returns them as (bin, merchant code).
/// Lines of bins nobody counted are not recounted: they were never counted.
pub fn begin_recount(
    store: &mut Store,
    actor: &Actor,
    id: SessionId,
) -> Result<Vec<(String, String)>> {
    actor.require(Permission::Stocktake)?;
    store.write(|db| {
        let s = session(db, id)?;
        require_open(&s)?;
        if !s.recount || s.state != StocktakeState::Counting {
            return Err(Error::invalid(
                format!("盘点 {id} 没有复盘可开始（开始盘点时没有选复盘，或已在复盘）"),
                format!("stocktake {id} has no recount to begin (it was started without one, or is recounting already)"),
            ));
        }
        db.set_stocktake_state(id, StocktakeState::Recounting, None)?;
        let r = compute(db, session(db, id)?)?;
        db.log_event(actor, "stocktake_recount", &id.to_string(), &json!({"lines": r.awaiting_recount.len()}))?;
        Ok(r.awaiting_recount)
    })
}

/// How many lines a refusal names; the rest are counted ("and 9,990 more").
pub const SHOWN: usize = 10;

/// Why an approval was refused; nothing was written. Each face words it (the command line
/// names its options, the window its buttons). Long lists keep their first `SHOWN` lines and
/// the total, so a 100,000-line session is refused as fast as a small one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A session with a recount, still in its first count, has `lines` that differ (in the
    /// bins counted): begin the recount first.
    RecountFirst { lines: usize },
    /// Lines (bin, merchant code) still waiting for their recount.
    NotRecounted {
        total: usize,
        first: Vec<(String, String)>,
    },
    /// A reason was given for a merchant code the approval does not adjust.
    ReasonWithoutVariance { sku: String },
    /// Lines (bin, merchant code, variance) the approval would adjust, with no reason.
    NoReason {
        total: usize,
        first: Vec<(String, String, i64)>,
    },
}

/// An approval: the report as approved, or why not.
pub type Approval = std::result::Result<Report, Refusal>;

/// Approves a session: an adjust move for every line with a variance in a bin that was counted,
/// each with its reason (`per_line` by merchant code, else `default`), all in one transaction.
/// The bins nobody counted are left as they are unless `uncounted` is `Zero`: then their lines
/// are written down to zero too (and need their reasons like the others).
pub fn approve(
    store: &mut Store,
    actor: &Actor,
    id: SessionId,
    default: Option<AdjustReason>,
    per_line: &HashMap<String, AdjustReason>,
    uncounted: Uncounted,
) -> Result<Approval> {
    actor.require(Permission::Stocktake)?;
    store.write(|db| {
        let s = session(db, id)?;
        require_open(&s)?;
        let r = compute(db, s)?;
        if r.session.recount && r.session.state == StocktakeState::Counting {
            let lines = r.variances().filter(|l| l.bin_counted).count();
            if lines > 0 {
                return Ok(Err(Refusal::RecountFirst { lines }));
            }
        }
        if !r.awaiting_recount.is_empty() {
            return Ok(Err(Refusal::NotRecounted {
                total: r.awaiting_recount.len(),
                first: r.awaiting_recount.iter().take(SHOWN).cloned().collect(),
            }));
        }
        let adjusted: HashSet<&str> = r
            .to_adjust(uncounted)
            .map(|l| l.sku_code.as_str())
            .collect();
        let mut given: Vec<&String> = per_line.keys().collect();
        given.sort();
        if let Some(extra) = given.into_iter().find(|k| !adjusted.contains(k.as_str())) {
            return Ok(Err(Refusal::ReasonWithoutVariance { sku: extra.clone() }));
        }
        if default.is_none() {
            let mut missing = r
                .to_adjust(uncounted)
                .filter(|l| !per_line.contains_key(&l.sku_code));
            let first: Vec<_> = missing
                .by_ref()
                .take(SHOWN)
                .map(|l| (l.bin.clone(), l.sku_code.clone(), l.variance))
                .collect();
            if !first.is_empty() {
                let total = first.len() + missing.count();
                return Ok(Err(Refusal::NoReason { total, first }));
            }
        }
        let reference = id.to_string();
        let mut adjusted = 0;
        for l in &r.lines {
            let reason = if l.variance != 0 && (l.bin_counted || uncounted == Uncounted::Zero) {
                let reason = per_line
                    .get(&l.sku_code)
                    .copied()
                    .or(default)
                    .expect("checked above");
                db.add_stock_move(
                    MoveKind::Adjust,
                    l.product_id,
                    &l.bin,
                    l.variance,
                    actor,
                    &reference,
                )?;
                adjusted += 1;
                Some(reason)
            } else {
                None
            };
            // Lines that matched their first count need no more: the report reads them as
            // count1 (a whole shop's stocktake writes only what differs).
            if reason.is_some() || l.expected != l.count1 || l.counted != l.count1 {
                db.save_stocktake_line(id, &l.bin, l.product_id, l.expected, l.counted, reason)?;
            }
        }
        db.set_stocktake_state(id, StocktakeState::Approved, Some(actor))?;
        db.set_stocktake_uncounted(id, uncounted)?;
        db.log_event(
            actor,
            "stocktake_approved",
            &reference,
            &json!({"lines": r.lines.len(), "adjusted": adjusted,
                    "net": r.to_adjust(uncounted).map(|l| l.variance).sum::<i64>(),
                    "bins_not_counted": r.uncounted_bins.len(), "uncounted": uncounted.code()}),
        )?;
        let mut r = r;
        r.session = session(db, id)?;
        r.uncounted = Some(uncounted);
        Ok(Ok(r))
    })
}

/// Cancels a session: nothing is adjusted; its bins are free for another session.
pub fn cancel(store: &mut Store, actor: &Actor, id: SessionId) -> Result<()> {
    actor.require(Permission::Stocktake)?;
    store.write(|db| {
        let s = session(db, id)?;
        require_open(&s)?;
        db.set_stocktake_state(id, StocktakeState::Cancelled, Some(actor))?;
        db.log_event(actor, "stocktake_cancelled", &id.to_string(), &json!({}))
    })
}

/// Counting by scan at one terminal: a bin label (`L` + code), then the items in it, each scan
/// one unit or `barcode*N` for N; `EMPTY` when the bin holds nothing, `UNDO` to take back the
/// counter's last count in the bin.
pub struct Counting {
    actor: Actor,
    session_id: SessionId,
    bin: Option<String>,
}

impl Counting {
    /// Counters are stock keepers or pickers (who know the shelves); approving is for stock
    /// keepers. The bin in force is the counter's own: a restarted terminal resumes the bin it
    /// had open only for the same counter in the same session and round, when nobody scanned at
    /// the terminal since and it counted in no other session meanwhile. Anyone else starts with
    /// no bin and must scan one first.
    pub fn start(store: &Store, actor: Actor, session_id: SessionId) -> Result<Counting> {
        if actor.require(Permission::Stocktake).is_err() {
            actor.require(Permission::Pick)?;
        }
        let db = store.read();
        let s = session(&db, session_id)?;
        require_open(&s)?;
        let round = s.state.round();
        let bin = db.resume_bin(session_id, round, &actor.terminal, actor.staff.id)?;
        Ok(Counting {
            actor,
            session_id,
            bin,
        })
    }

    pub fn session_id(&self) -> SessionId {
        self.session_id
    }

    /// The bin open at this terminal.
    pub fn bin(&self) -> Option<&str> {
        self.bin.as_deref()
    }

    /// One scan, written with its verdict (and where it came from) in one transaction.
    pub fn scan<'a>(
        &mut self,
        store: &mut Store,
        raw: impl Into<ScanText<'a>>,
        source: ScanSource,
    ) -> Result<Option<StockVerdict>> {
        let Some(code) = self.clean(raw.into()) else {
            return Ok(None);
        };
        let code = match code {
            Ok(c) => c,
            Err(v) => return Ok(Some(v)),
        };
        store
            .write(|db| self.judge(db, &code, source))
            .map(Some)
            .map_err(Error::in_scan)
    }

    /// Several scans in one transaction (a handheld's upload of a whole count: a replay).
    pub fn scan_all<'a>(
        &mut self,
        store: &mut Store,
        raws: impl IntoIterator<Item = &'a str>,
    ) -> Result<Vec<StockVerdict>> {
        let codes: Vec<_> = raws
            .into_iter()
            .filter_map(|r| self.clean(ScanText::Code(r)))
            .collect();
        store
            .write(|db| {
                let mut out = Vec::with_capacity(codes.len());
                for c in &codes {
                    match c {
                        Ok(code) => out.push(self.judge(db, code, ScanSource::Replay)?),
                        Err(v) => out.push(v.clone()),
                    }
                }
                Ok(out)
            })
            .map_err(Error::in_scan)
    }

    fn clean(&self, raw: ScanText<'_>) -> Option<Result<String, StockVerdict>> {
        match raw.clean() {
            Ok(None) => None,
            Ok(Some(c)) => Some(Ok(c)),
            Err(chars) => {
                let mut v = StockVerdict::new(Outcome::NotABarcode { chars });
                v.session_id = Some(self.session_id);
                Some(Err(v))
            }
        }
    }

    fn judge(&mut self, db: &Db<'_>, code: &str, source: ScanSource) -> Result<StockVerdict> {
        let id = self.session_id;
        let s = db
            .stocktake_head(id)?
            .ok_or_else(|| Error::not_found("stocktake", "盘点", id.to_string()))?;
        require_open(&s)?;
        let round = s.state.round();
        let parsed = parse_count(code, |b| db.bin_exists(b).unwrap_or(false));
        let mut product_id = None;
        let mut undoes = None;
        let (outcome, named_bin) = match parsed {
            Err(CountError::BadQuantity(text)) => (Outcome::BadQuantity { text }, None),
            Ok(CountScan::Bin(bin)) => self.open_bin(db, &s, round, bin)?,
            Ok(CountScan::Empty) => match &self.bin {
                None => (Outcome::NoBin, None),
                Some(bin) => {
                    let units: i64 = db.bin_counts(id, round, bin)?.iter().map(|c| c.2).sum();
                    let bin = bin.clone();
                    if units > 0 {
                        (Outcome::BinNotEmpty { bin, units }, None)
                    } else {
                        (Outcome::BinEmpty { bin }, None)
                    }
                }
            },
            Ok(CountScan::Undo) => match &self.bin {
                None => (Outcome::NoBin, None),
                Some(bin) => {
                    let bin = bin.clone();
                    match db.standing_count(id, round, &bin, self.actor.staff.id)? {
                        None => (Outcome::NothingToUndo { bin }, None),
                        Some(last) => match last.product {
                            None => {
                                undoes = Some(last.scan_id);
                                (Outcome::EmptyUndone { bin }, None)
                            }
                            Some((pid, sku, name)) => {
                                let so_far =
                                    db.add_stocktake_count(id, round, &bin, pid, -last.qty)?;
                                if so_far < 0 {
                                    // Only this counter's own units are taken back, so this
                                    // cannot be; never write a count below zero.
                                    return Err(Error::invalid(
                                        format!("{bin} {sku} 的计数不能小于 0"),
                                        format!("the count of {sku} in {bin} cannot go below 0"),
                                    ));
                                }
                                undoes = Some(last.scan_id);
                                product_id = Some(pid);
                                let o = Outcome::CountUndone {
                                    bin,
                                    sku,
                                    name,
                                    qty: last.qty,
                                    so_far,
                                };
                                (o, None)
                            }
                        },
                    }
                }
            },
            Ok(CountScan::Item { code: item, qty }) => {
                let found = match db.product_by_barcode(&item)? {
                    Some(p) => Some(p),
                    None => db.product_by_sku(&item)?,
                };
                match (&self.bin, found) {
                    (None, Some(_)) => (Outcome::NoBin, None),
                    // `L` + a code the store has no bin for: a bin label, not an item.
                    (_, None) if item.starts_with('L') && item.contains('-') => {
                        let bin = item[1..].to_string();
                        let o = Outcome::BinOutsideSession {
                            bin: bin.clone(),
                            session: id,
                            pattern: None,
                        };
                        (o, Some(bin))
                    }
                    (_, None) => (Outcome::UnknownBarcode { code: item }, None),
                    (Some(bin), Some((pid, p))) => {
                        let so_far = db.add_stocktake_count(id, round, bin, pid, qty)?;
                        product_id = Some(pid);
                        let expected = if s.blind {
                            None
                        } else {
                            Some(db.stock_in_bin(pid, bin)?)
                        };
                        let o = Outcome::Counted {
                            bin: bin.clone(),
                            sku: p.sku_code,
                            name: p.name,
                            qty,
                            so_far,
                            expected,
                        };
                        (o, None)
                    }
                }
            }
        };
        let mut v = StockVerdict::new(outcome);
        v.session_id = Some(id);
        v.bin = named_bin.or_else(|| self.bin.clone());
        let refused = v.reason().is_some();
        v.scan_id = db.insert_stock_scan(
            &self.actor,
            &NewStockScan {
                mode: ScanMode::Stocktake,
                code,
                verdict: v.outcome.kind(),
                reason: v.reason(),
                receipt_id: None,
                session_id: Some(id),
                round,
                bin: if refused { None } else { v.bin.as_deref() },
                product_id,
                qty: v.outcome.qty(),
                source,
                undoes,
            },
        )?;
        Ok(v)
    }

    /// A bin label: the bin opens at this terminal, unless it is outside the session or this
    /// counter may not recount it. Returns the outcome and the bin it named.
    fn open_bin(
        &mut self,
        db: &Db<'_>,
        s: &StocktakeRow,
        round: i64,
        bin: String,
    ) -> Result<(Outcome, Option<String>)> {
        if !db.stocktake_has_bin(s.id, &bin)? {
            let o = Outcome::BinOutsideSession {
                bin: bin.clone(),
                session: s.id,
                pattern: Some(s.pattern.clone()),
            };
            return Ok((o, Some(bin)));
        }
        if round == 2
            && db.counters(s.id)? >= 2
            && db.bin_counters(s.id, &bin)?.contains(&self.actor.staff.id)
        {
            return Ok((Outcome::SameCounter { bin: bin.clone() }, Some(bin)));
        }
        self.bin = Some(bin.clone());
        let o = Outcome::BinOpened {
            bin: bin.clone(),
            recount: round == 2,
        };
        Ok((o, Some(bin)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::testkit::{Shop, shop};

    /// What a counter scans for a product: its barcode, else its merchant code.
    fn code_of(shop: &Shop, sku: &str) -> String {
        let (_, p) = shop.store.read().product_by_sku(sku).unwrap().unwrap();
        p.barcode
            .map(|b| b.as_str().to_string())
            .unwrap_or_else(|| sku.to_string())
    }

    fn on_hand(shop: &Shop, sku: &str, bin: &str) -> i64 {
        let db = shop.store.read();
        let (pid, _) = db.product_by_sku(sku).unwrap().unwrap();
        db.stock_in_bin(pid, bin).unwrap()
    }

    /// A blind session over the `A-*` bins of the demo shop and its report at the start.
    fn session(shop: &mut Shop) -> (SessionId, Report) {
        let keeper = shop.actor("KC01", "office");
        let s = start(&mut shop.store, &keeper, Some("A-*"), false, false).unwrap();
        let r = report(&shop.store, &keeper, s.id).unwrap();
        (s.id, r)
    }

    /// The bins of a report holding stock, by code, with their lines.
    fn stocked_bins(r: &Report) -> Vec<(String, Vec<VarianceLine>)> {
        let mut out: Vec<(String, Vec<VarianceLine>)> = Vec::new();
        for l in &r.lines {
            match out.last_mut() {
                Some((b, ls)) if *b == l.bin => ls.push(l.clone()),
                _ => out.push((l.bin.clone(), vec![l.clone()])),
            }
        }
        out.retain(|(_, ls)| ls.iter().any(|l| l.expected > 0));
        out
    }

    fn scan(c: &mut Counting, shop: &mut Shop, code: &str) -> Outcome {
        c.scan(&mut shop.store, code, ScanSource::Wedge)
            .unwrap()
            .unwrap()
            .outcome
    }

    /// Counts a bin as it is, one unit short of its first product when `short`.
    fn count_bin(
        shop: &mut Shop,
        c: &mut Counting,
        bin: &str,
        lines: &[VarianceLine],
        short: bool,
    ) {
        assert!(matches!(
            scan(c, shop, &format!("L{bin}")),
            Outcome::BinOpened { .. }
        ));
        for (i, l) in lines.iter().enumerate() {
            let n = l.expected - i64::from(short && i == 0);
            if n > 0 {
                let code = format!("{}*{n}", code_of(shop, &l.sku_code));
                assert!(
                    matches!(scan(c, shop, &code), Outcome::Counted { .. }),
                    "{code}"
                );
            }
        }
    }

    #[test]
    fn approval_adjusts_only_the_bins_counted_and_says_which_were_not() {
        // 2 of the bins counted, one reason chosen, approved: the others used to be written
        // down to 0 without a word.
        let mut shop = shop();
        let (id, r0) = session(&mut shop);
        let bins = stocked_bins(&r0);
        assert!(bins.len() > 4, "{}", bins.len());
        let counter = shop.actor("PH001", "shelf");
        let mut c = Counting::start(&shop.store, counter, id).unwrap();
        count_bin(&mut shop, &mut c, &bins[0].0, &bins[0].1, true);
        count_bin(&mut shop, &mut c, &bins[1].0, &bins[1].1, false);

        let keeper = shop.actor("KC01", "office");
        let r = report(&shop.store, &keeper, id).unwrap();
        assert_eq!(r.uncounted_bins.len() as i64, r.session.bins - 2);
        assert!(!r.uncounted_bins.contains(&bins[0].0));
        assert!(r.uncounted_bins.contains(&bins[2].0));
        assert!(
            r.lines
                .iter()
                .all(|l| l.bin_counted == (l.bin == bins[0].0 || l.bin == bins[1].0))
        );
        assert_eq!(r.to_adjust(Uncounted::Leave).count(), 1);

        // Without a reason: refused, naming only the line of a counted bin.
        let none = HashMap::new();
        let refused = approve(&mut shop.store, &keeper, id, None, &none, Uncounted::Leave).unwrap();
        let first = &bins[0].1[0];
        assert_eq!(
            refused.unwrap_err(),
            Refusal::NoReason {
                total: 1,
                first: vec![(first.bin.clone(), first.sku_code.clone(), -1)]
            }
        );
        // A reason for a product only in a bin nobody counted: nothing of it is adjusted.
        let other = HashMap::from([(bins[3].1[0].sku_code.clone(), AdjustReason::Lost)]);
        let refused = approve(
            &mut shop.store,
            &keeper,
            id,
            Some(AdjustReason::Lost),
            &other,
            Uncounted::Leave,
        )
        .unwrap();
        assert!(
            matches!(refused, Err(Refusal::ReasonWithoutVariance { .. })),
            "{refused:?}"
        );

        let done = approve(
            &mut shop.store,
            &keeper,
            id,
            Some(AdjustReason::Lost),
            &none,
            Uncounted::Leave,
        )
        .unwrap()
        .unwrap();
        assert_eq!(done.adjusted().count(), 1);
        assert_eq!(
            on_hand(&shop, &first.sku_code, &first.bin),
            first.expected - 1
        );
        for (bin, lines) in &bins[2..] {
            for l in lines {
                assert_eq!(
                    on_hand(&shop, &l.sku_code, bin),
                    l.expected,
                    "{bin} {} left as it was",
                    l.sku_code
                );
            }
        }
        // The approved report says so, and what was done with them.
        let after = report(&shop.store, &keeper, id).unwrap();
        assert_eq!(after.uncounted, Some(Uncounted::Leave));
        assert_eq!(after.uncounted_bins, r.uncounted_bins);
        assert_eq!(after.adjusted().count(), 1);
        assert!(
            crate::flow::stock::verify(&mut shop.store, &keeper, false)
                .unwrap()
                .diffs
                .is_empty()
        );
    }

    #[test]
    fn the_bins_nobody_counted_go_to_zero_only_when_asked_and_a_long_refusal_is_cut_short() {
        let mut shop = shop();
        let (id, r0) = session(&mut shop);
        let bins = stocked_bins(&r0);
        let counter = shop.actor("PH001", "shelf");
        let mut c = Counting::start(&shop.store, counter, id).unwrap();
        count_bin(&mut shop, &mut c, &bins[0].0, &bins[0].1, false);
        let keeper = shop.actor("KC01", "office");
        let none = HashMap::new();
        let refused = approve(&mut shop.store, &keeper, id, None, &none, Uncounted::Zero).unwrap();
        let stocked_lines = bins[1..]
            .iter()
            .flat_map(|b| &b.1)
            .filter(|l| l.expected != 0)
            .count();
        assert!(stocked_lines > SHOWN);
        match refused {
            Err(Refusal::NoReason { total, first }) => {
                assert_eq!(total, stocked_lines);
                assert_eq!(first.len(), SHOWN);
            }
            other => panic!("{other:?}"),
        }
        approve(
            &mut shop.store,
            &keeper,
            id,
            Some(AdjustReason::Lost),
            &none,
            Uncounted::Zero,
        )
        .unwrap()
        .unwrap();
        for (bin, lines) in &bins[1..] {
            for l in lines {
                assert_eq!(on_hand(&shop, &l.sku_code, bin), 0);
            }
        }
        assert_eq!(
            bins[0].1[0].expected,
            on_hand(&shop, &bins[0].1[0].sku_code, &bins[0].0)
        );
        let after = report(&shop.store, &keeper, id).unwrap();
        assert_eq!(after.uncounted, Some(Uncounted::Zero));
        assert_eq!(after.adjusted().count(), stocked_lines);
    }

    #[test]
    fn an_empty_bin_is_a_count_and_a_label_alone_is_not() {
        let mut shop = shop();
        let (id, r0) = session(&mut shop);
        let bins = stocked_bins(&r0);
        let mut c = Counting::start(&shop.store, shop.actor("PH001", "shelf"), id).unwrap();
        // A label scanned and nothing after: not a count (a label scanned by mistake never
        // writes a bin down to zero).
        scan(&mut c, &mut shop, &format!("L{}", bins[0].0));
        // Marked empty: a count of nothing.
        scan(&mut c, &mut shop, &format!("L{}", bins[1].0));
        assert_eq!(
            scan(&mut c, &mut shop, "EMPTY"),
            Outcome::BinEmpty {
                bin: bins[1].0.clone()
            }
        );
        // Not in a bin with units counted.
        count_bin(&mut shop, &mut c, &bins[2].0, &bins[2].1, false);
        assert!(
            matches!(scan(&mut c, &mut shop, "empty"), Outcome::BinNotEmpty { units, .. } if units > 0)
        );
        let keeper = shop.actor("KC01", "office");
        let r = report(&shop.store, &keeper, id).unwrap();
        assert!(r.uncounted_bins.contains(&bins[0].0));
        assert!(!r.uncounted_bins.contains(&bins[1].0));
        approve(
            &mut shop.store,
            &keeper,
            id,
            Some(AdjustReason::Lost),
            &HashMap::new(),
            Uncounted::Leave,
        )
        .unwrap()
        .unwrap();
        for l in &bins[1].1 {
            assert_eq!(on_hand(&shop, &l.sku_code, &bins[1].0), 0);
        }
        for l in &bins[0].1 {
            assert_eq!(on_hand(&shop, &l.sku_code, &bins[0].0), l.expected);
        }
    }

    #[test]
    fn the_next_counter_does_not_inherit_the_bin_in_force() {
        // The next counter's first item landed in the previous user's bin.
        let mut shop = shop();
        let (id, r0) = session(&mut shop);
        let bins = stocked_bins(&r0);
        let (bin, line) = (&bins[0].0, &bins[0].1[0]);
        let item = code_of(&shop, &line.sku_code);
        let a = shop.actor("PH001", "shelf");
        let b = shop.actor("PH002", "shelf");
        let mut ca = Counting::start(&shop.store, a.clone(), id).unwrap();
        scan(&mut ca, &mut shop, &format!("L{bin}"));
        // The same counter at a restarted terminal goes on in their bin.
        assert_eq!(
            Counting::start(&shop.store, a.clone(), id).unwrap().bin(),
            Some(bin.as_str())
        );
        // The next counter at that terminal starts with no bin: their item is refused.
        let mut cb = Counting::start(&shop.store, b, id).unwrap();
        assert_eq!(cb.bin(), None);
        assert_eq!(scan(&mut cb, &mut shop, &item), Outcome::NoBin);
        let keeper = shop.actor("KC01", "office");
        let r = report(&shop.store, &keeper, id).unwrap();
        assert!(
            r.lines.iter().all(|l| l.count1 == 0),
            "nothing counted in A's bin"
        );
        // Someone else scanned there since: A starts afresh too.
        assert_eq!(
            Counting::start(&shop.store, a.clone(), id).unwrap().bin(),
            None
        );

        // A session change: A counts in another session at the terminal, then comes back.
        let mut ca = Counting::start(&shop.store, a.clone(), id).unwrap();
        scan(&mut ca, &mut shop, &format!("L{bin}"));
        let other = start(&mut shop.store, &keeper, Some("B-*"), false, false).unwrap();
        let b_bin = report(&shop.store, &keeper, other.id).unwrap().lines[0]
            .bin
            .clone();
        let mut co = Counting::start(&shop.store, a.clone(), other.id).unwrap();
        assert_eq!(co.bin(), None, "no bin of another session");
        scan(&mut co, &mut shop, &format!("L{b_bin}"));
        assert_eq!(Counting::start(&shop.store, a, id).unwrap().bin(), None);
    }

    #[test]
    fn undo_takes_back_the_counters_last_count_on_record_and_never_below_zero() {
        let mut shop = shop();
        let (id, r0) = session(&mut shop);
        let bins = stocked_bins(&r0);
        let (bin, line) = (bins[0].0.clone(), bins[0].1[0].clone());
        let item = code_of(&shop, &line.sku_code);
        let name = shop
            .store
            .read()
            .product_by_sku(&line.sku_code)
            .unwrap()
            .unwrap()
            .1
            .name;
        let a = shop.actor("PH001", "shelf");
        let mut c = Counting::start(&shop.store, a, id).unwrap();
        let mut ids = Vec::new();
        let mut go = |c: &mut Counting, shop: &mut Shop, code: &str| {
            let v = c
                .scan(&mut shop.store, code, ScanSource::Wedge)
                .unwrap()
                .unwrap();
            ids.push(v.scan_id);
            v.outcome
        };
        go(&mut c, &mut shop, &format!("L{bin}"));
        // The counter sees what was counted by its name too.
        match go(&mut c, &mut shop, &format!("{item}*3")) {
            Outcome::Counted {
                name: n, so_far: 3, ..
            } => assert_eq!(n, name),
            o => panic!("{o:?}"),
        }
        go(&mut c, &mut shop, &item);
        // `*-1` is no undo (a negative count): refused.
        assert!(matches!(
            go(&mut c, &mut shop, &format!("{item}*-1")),
            Outcome::BadQuantity { .. }
        ));
        // Another counter may not take back this counter's units.
        let mut other = Counting::start(&shop.store, shop.actor("PH002", "shelf-2"), id).unwrap();
        scan(&mut other, &mut shop, &format!("L{bin}"));
        assert_eq!(
            scan(&mut other, &mut shop, "UNDO"),
            Outcome::NothingToUndo { bin: bin.clone() }
        );
        let undone = |qty, so_far| Outcome::CountUndone {
            bin: bin.clone(),
            sku: line.sku_code.clone(),
            name: name.clone(),
            qty,
            so_far,
        };
        assert_eq!(go(&mut c, &mut shop, "UNDO"), undone(1, 3));
        assert_eq!(go(&mut c, &mut shop, "undo"), undone(3, 0));
        assert_eq!(
            go(&mut c, &mut shop, "UNDO"),
            Outcome::NothingToUndo { bin: bin.clone() }
        );
        let keeper = shop.actor("KC01", "office");
        let r = report(&shop.store, &keeper, id).unwrap();
        let l = r
            .lines
            .iter()
            .find(|l| l.bin == bin && l.sku_code == line.sku_code)
            .unwrap();
        assert_eq!((l.count1, l.counted), (0, 0));
        // All its counts taken back: the bin is not counted any more.
        assert!(r.uncounted_bins.contains(&bin));
        // An empty mark is taken back the same way.
        assert_eq!(
            go(&mut c, &mut shop, "EMPTY"),
            Outcome::BinEmpty { bin: bin.clone() }
        );
        assert!(
            !report(&shop.store, &keeper, id)
                .unwrap()
                .uncounted_bins
                .contains(&bin)
        );
        assert_eq!(
            go(&mut c, &mut shop, "UNDO"),
            Outcome::EmptyUndone { bin: bin.clone() }
        );
        assert!(
            report(&shop.store, &keeper, id)
                .unwrap()
                .uncounted_bins
                .contains(&bin)
        );
        // What the bin holds so far, for the screen after a restart.
        go(&mut c, &mut shop, &format!("{item}*2"));
        assert_eq!(
            bin_counts(&shop.store, &keeper, id, &bin).unwrap(),
            vec![BinCount {
                sku_code: line.sku_code.clone(),
                name: name.clone(),
                units: 2
            }]
        );
        // Every scan and undo is a row of its own, appended.
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    }

    #[test]
    fn a_recount_covers_the_bins_counted_and_not_those_nobody_counted() {
        let mut shop = shop();
        let keeper = shop.actor("KC01", "office");
        let s = start(&mut shop.store, &keeper, Some("A-*"), false, true).unwrap();
        let bins = stocked_bins(&report(&shop.store, &keeper, s.id).unwrap());
        let mut c = Counting::start(&shop.store, shop.actor("PH001", "shelf"), s.id).unwrap();
        count_bin(&mut shop, &mut c, &bins[0].0, &bins[0].1, true);
        count_bin(&mut shop, &mut c, &bins[1].0, &bins[1].1, false);
        let none = HashMap::new();
        let lost = Some(AdjustReason::Lost);
        assert_eq!(
            approve(
                &mut shop.store,
                &keeper,
                s.id,
                lost,
                &none,
                Uncounted::Leave
            )
            .unwrap()
            .unwrap_err(),
            Refusal::RecountFirst { lines: 1 }
        );
        // Only the line of a counted bin is counted again.
        let first = &bins[0].1[0];
        assert_eq!(
            begin_recount(&mut shop.store, &keeper, s.id).unwrap(),
            vec![(first.bin.clone(), first.sku_code.clone())]
        );
        let refused = approve(
            &mut shop.store,
            &keeper,
            s.id,
            lost,
            &none,
            Uncounted::Leave,
        )
        .unwrap();
        assert!(
            matches!(refused, Err(Refusal::NotRecounted { total: 1, .. })),
            "{refused:?}"
        );
        let mut c2 = Counting::start(&shop.store, shop.actor("PH002", "shelf-2"), s.id).unwrap();
        count_bin(&mut shop, &mut c2, &bins[0].0, &bins[0].1, false);
        let r = approve(
            &mut shop.store,
            &keeper,
            s.id,
            lost,
            &none,
            Uncounted::Leave,
        )
        .unwrap()
        .unwrap();
        // The recount found them all: nothing to adjust, the bins nobody counted left alone.
        assert_eq!(r.adjusted().count(), 0);
        assert_eq!(r.uncounted_bins.len() as i64, r.session.bins - 2);
        for (bin, lines) in &bins[2..] {
            for l in lines {
                assert_eq!(on_hand(&shop, &l.sku_code, bin), l.expected);
            }
        }
    }
}
