//! Stocktakes (盘点): a session over some bins, counted by scan (blind by default), an
//! optional recount of the lines that differ, and an approval that writes the adjust moves
//! (配平) with a reason per line, in one transaction.

use super::stock::StockVerdict;
use crate::domain::check::{ScanMode, clean_scan};
use crate::domain::stock::{
    AdjustReason, CountError, CountScan, MoveKind, StocktakeState, VarianceLine, parse_count,
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

/// The report of a session: every line, and the lines waiting for their recount.
#[derive(Debug, Clone)]
pub struct Report {
    pub session: StocktakeRow,
    pub lines: Vec<VarianceLine>,
    /// Lines with a variance at the first count that were not counted again yet (with
    /// `--recount` only).
    pub awaiting_recount: Vec<(String, String)>,
}

impl Report {
    pub fn variances(&self) -> impl Iterator<Item = &VarianceLine> {
        self.lines.iter().filter(|l| l.variance != 0)
    }
}

/// Expected (snapshot + moves since), counted, variance for every product in the session's
/// bins and every product counted there. An approved session reports what was approved.
fn compute(db: &Db<'_>, s: StocktakeRow) -> Result<Report> {
    let approved = s.state == StocktakeState::Approved;
    let mut moves: HashMap<(String, i64), (String, i64)> = HashMap::new();
    if !approved {
        for (bin, pid, sku, q) in db.stocktake_moves_since(s.id, s.last_move)? {
            moves.insert((bin, pid), (sku, q));
        }
    }
    let reopened: HashSet<String> = if s.recount && s.state != StocktakeState::Counting {
        db.recounted_bins(s.id)?.into_iter().collect()
    } else {
        HashSet::new()
    };
    let recounting = s.recount && s.state != StocktakeState::Counting;
    let mut awaiting = Vec::new();
    let mut judge = |bin: &str, sku: &str, expected: i64, count1: i64, count2: i64| {
        if recounting && count1 != expected {
            if reopened.contains(bin) {
                return count2;
            }
            awaiting.push((bin.to_string(), sku.to_string()));
        }
        count1
    };
    let rows = db.stocktake_lines(s.id)?;
    let mut lines = Vec::with_capacity(rows.len() + moves.len());
    for r in rows {
        let (expected, counted) = if approved {
            (
                r.expected.unwrap_or(r.count1),
                r.counted.unwrap_or(r.count1),
            )
        } else {
            let moved = if moves.is_empty() {
                0
            } else {
                moves
                    .remove(&(r.bin.clone(), r.product_id))
                    .map_or(0, |m| m.1)
            };
            let expected = r.snapshot + moved;
            (
                expected,
                judge(&r.bin, &r.sku_code, expected, r.count1, r.count2),
            )
        };
        lines.push(VarianceLine {
            bin: r.bin,
            sku_code: r.sku_code,
            product_id: r.product_id,
            count1: r.count1,
            expected,
            counted,
            variance: counted - expected,
        });
    }
    // Products that came into a session bin after the start and were not counted there.
    for ((bin, pid), (sku, q)) in moves {
        let counted = judge(&bin, &sku, q, 0, 0);
        lines.push(VarianceLine {
            bin,
            sku_code: sku,
            product_id: pid,
            count1: 0,
            expected: q,
            counted,
            variance: counted - q,
        });
    }
    lines.sort_unstable_by(|a, b| (&a.bin, &a.sku_code).cmp(&(&b.bin, &b.sku_code)));
    awaiting.sort();
    Ok(Report {
        session: s,
        lines,
        awaiting_recount: awaiting,
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

/// Ends the first count of a `--recount` session: the lines with a variance are now to be
/// counted again (by another counter when two counted). Returns them as (bin, merchant code).
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
                format!("盘点 {id} 没有复盘（开始时没有 --recount，或已在复盘）"),
                format!("stocktake {id} has no recount to begin (started without --recount, or recounting already)"),
            ));
        }
        db.set_stocktake_state(id, StocktakeState::Recounting, None)?;
        let r = compute(db, session(db, id)?)?;
        db.log_event(actor, "stocktake_recount", &id.to_string(), &json!({"lines": r.awaiting_recount.len()}))?;
        Ok(r.awaiting_recount)
    })
}

/// Approves a session: an adjust move for every line with a variance, each with its reason
/// (`per_line` by merchant code, else `default`), all in one transaction.
pub fn approve(
    store: &mut Store,
    actor: &Actor,
    id: SessionId,
    default: Option<AdjustReason>,
    per_line: &HashMap<String, AdjustReason>,
) -> Result<Report> {
    actor.require(Permission::Stocktake)?;
    store.write(|db| {
        let s = session(db, id)?;
        require_open(&s)?;
        let r = compute(db, s)?;
        if r.session.recount && r.session.state == StocktakeState::Counting && r.variances().next().is_some() {
            return Err(Error::invalid(
                format!(
                    "盘点 {id} 有 {} 行有差异，要先复盘：packbench stocktake recount {id}",
                    r.variances().count()
                ),
                format!(
                    "stocktake {id} has {} line(s) with a variance to count again first: packbench stocktake recount {id}",
                    r.variances().count()
                ),
            ));
        }
        if !r.awaiting_recount.is_empty() {
            let list: Vec<String> = r.awaiting_recount.iter().map(|(b, s)| format!("{b} {s}")).collect();
            return Err(Error::invalid(
                format!("这些行还没有复盘：{}", list.join("、")),
                format!("these lines are not recounted yet: {}", list.join(", ")),
            ));
        }
        let variance_skus: HashSet<&str> = r.variances().map(|l| l.sku_code.as_str()).collect();
        if let Some(extra) = per_line.keys().find(|k| !variance_skus.contains(k.as_str())) {
            return Err(Error::invalid(
                format!("{extra} 在盘点 {id} 里没有差异，不需要原因"),
                format!("{extra} has no variance in stocktake {id}; it takes no reason"),
            ));
        }
        let missing: Vec<String> = r
            .variances()
            .filter(|l| default.is_none() && !per_line.contains_key(&l.sku_code))
            .map(|l| format!("{} {} ({:+})", l.bin, l.sku_code, l.variance))
            .collect();
        if !missing.is_empty() {
            return Err(Error::invalid(
                format!(
                    "这些差异行没有原因（--reason 或 --line 商家编码=lost|damaged|found|miscount）：{}",
                    missing.join("、")
                ),
                format!(
                    "these lines have a variance and no reason (--reason, or --line SKU=lost|damaged|found|miscount): {}",
                    missing.join(", ")
                ),
            ));
        }
        let reference = id.to_string();
        let mut adjusted = 0;
        for l in &r.lines {
            let reason = if l.variance == 0 {
                None
            } else {
                let reason = per_line.get(&l.sku_code).copied().or(default).expect("checked above");
                db.add_stock_move(MoveKind::Adjust, l.product_id, &l.bin, l.variance, actor, &reference)?;
                adjusted += 1;
                Some(reason)
            };
            // Lines that matched their first count need no more: the report reads them as
            // count1 (a whole shop's stocktake writes only what differs).
            if reason.is_some() || l.expected != l.count1 || l.counted != l.count1 {
                db.save_stocktake_line(id, &l.bin, l.product_id, l.expected, l.counted, reason)?;
            }
        }
        db.set_stocktake_state(id, StocktakeState::Approved, Some(actor))?;
        db.log_event(
            actor,
            "stocktake_approved",
            &reference,
            &json!({"lines": r.lines.len(), "adjusted": adjusted,
                    "net": r.lines.iter().map(|l| l.variance).sum::<i64>()}),
        )?;
        let mut r = r;
        r.session = session(db, id)?;
        Ok(r)
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
/// one unit or `barcode*N` for N.
pub struct Counting {
    actor: Actor,
    session_id: SessionId,
    bin: Option<String>,
}

impl Counting {
    /// Counters are stock keepers or pickers (who know the shelves); approving is for stock
    /// keepers. A restarted terminal resumes in the bin it had open.
    pub fn start(store: &Store, actor: Actor, session_id: SessionId) -> Result<Counting> {
        if actor.require(Permission::Stocktake).is_err() {
            actor.require(Permission::Pick)?;
        }
        let db = store.read();
        let s = session(&db, session_id)?;
        require_open(&s)?;
        let round = s.state.round();
        let bin = db.last_opened_bin(session_id, round, &actor.terminal)?;
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
    pub fn scan(
        &mut self,
        store: &mut Store,
        raw: &str,
        source: ScanSource,
    ) -> Result<Option<StockVerdict>> {
        let Some(code) = self.clean(raw) else {
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
        let codes: Vec<_> = raws.into_iter().filter_map(|r| self.clean(r)).collect();
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

    fn clean(&self, raw: &str) -> Option<Result<String, StockVerdict>> {
        match clean_scan(raw) {
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
        let (outcome, named_bin) = match parsed {
            Err(CountError::BadQuantity(text)) => (Outcome::BadQuantity { text }, None),
            Ok(CountScan::Bin(bin)) => self.open_bin(db, &s, round, bin)?,
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
