//! The stock side: ledger checks, low and dead stock, inbound receipts, outbound notes,
//! stocktake sessions and the scans of the stock modes.

use super::sql::ValueRef;
use super::{Db, now, params};
use crate::domain::check::ScanMode;
use crate::domain::stock::{
    AdjustReason, IssueReason, MoveKind, ReceiptState, StocktakeState, Uncounted,
};
use crate::domain::{Actor, Kind, Reason, ReceiptId, ScanSource, SessionId};
use crate::error::{Error, Result};

/// A product and bin where the on-hand table and the ledger disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerDiff {
    pub sku_code: String,
    pub bin: String,
    /// The sum of the moves.
    pub ledger: i64,
    /// What the on-hand table says.
    pub on_hand: i64,
}

/// A product with its on-hand total, for the low and dead lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockLevel {
    pub sku_code: String,
    pub name: String,
    pub spec: String,
    pub bin: Option<String>,
    pub on_hand: i64,
}

/// One move of the ledger as listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveRow {
    pub id: i64,
    pub at: String,
    pub kind: MoveKind,
    pub sku_code: String,
    pub bin: String,
    pub qty: i64,
    pub staff_code: String,
    pub terminal: String,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRow {
    pub id: ReceiptId,
    pub created_at: String,
    pub staff_code: String,
    pub file: String,
    pub state: ReceiptState,
    pub confirmed_at: Option<String>,
    pub verified_at: Option<String>,
    pub verified_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLineRow {
    pub seq: i64,
    pub product_id: i64,
    pub sku_code: String,
    pub barcode: Option<String>,
    pub name: String,
    pub spec: String,
    pub bin: String,
    pub qty: i64,
    pub new_product: bool,
    /// Units scanned back at the inbound check.
    pub checked: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StocktakeRow {
    pub id: SessionId,
    pub created_at: String,
    pub staff_code: String,
    pub pattern: String,
    pub blind: bool,
    pub recount: bool,
    pub state: StocktakeState,
    pub last_move: i64,
    pub bins: i64,
    /// What the approval did with the bins nobody counted; `None` while open, and on a session
    /// approved before approvals said so (those wrote every line).
    pub uncounted: Option<Uncounted>,
}

/// A session just opened: its id, its number of bins, and (refuse it) another open session
/// sharing a bin with it.
#[derive(Debug, Clone)]
pub struct NewStocktake {
    pub id: SessionId,
    pub bins: i64,
    pub overlap: Option<(SessionId, String)>,
}

/// A scan of the stock modes, as written.
#[derive(Debug, Clone, Copy)]
pub struct NewStockScan<'a> {
    pub mode: ScanMode,
    pub code: &'a str,
    pub verdict: Kind,
    pub reason: Option<Reason>,
    pub receipt_id: Option<ReceiptId>,
    pub session_id: Option<SessionId>,
    pub round: i64,
    pub bin: Option<&'a str>,
    pub product_id: Option<i64>,
    pub qty: i64,
    pub source: ScanSource,
    /// The scan an `UNDO` takes back.
    pub undoes: Option<i64>,
}

/// A counter's count still standing in a bin (not taken back): what `UNDO` takes back next.
#[derive(Debug, Clone)]
pub struct StandingCount {
    pub scan_id: i64,
    /// `item_counted`, or `bin_empty` for an empty mark.
    pub verdict: Kind,
    /// The product counted, its merchant code and name (`None` for an empty mark).
    pub product: Option<(i64, String, String)>,
    pub qty: i64,
}

/// One line of a session as stored.
#[derive(Debug, Clone)]
pub struct StocktakeLineRow {
    pub bin: String,
    pub product_id: i64,
    pub sku_code: String,
    pub snapshot: i64,
    pub count1: i64,
    pub count2: i64,
    pub expected: Option<i64>,
    pub counted: Option<i64>,
}

impl Db<'_> {
    pub fn last_move_id(&self) -> Result<i64> {
        self.one(
            "SELECT coalesce(max(id), 0) FROM stock_moves",
            params![],
            |r| r.get(0),
        )
    }

    /// Every product and bin where the on-hand table is not the sum of the ledger.
    pub fn ledger_diffs(&self) -> Result<Vec<LedgerDiff>> {
        self.all(
            "SELECT p.sku_code, d.bin, d.ledger, d.on_hand FROM (
                 SELECT product_id, bin, sum(ledger) AS ledger, sum(on_hand) AS on_hand FROM (
                     SELECT product_id, bin, qty AS ledger, 0 AS on_hand FROM stock_moves
                     UNION ALL SELECT product_id, bin, 0, qty FROM stock) u
                 GROUP BY product_id, bin HAVING sum(ledger) <> sum(on_hand)) d
             JOIN products p ON p.id = d.product_id ORDER BY p.sku_code, d.bin",
            params![],
            |r| {
                Ok(LedgerDiff {
                    sku_code: r.get(0)?,
                    bin: r.get(1)?,
                    ledger: r.get(2)?,
                    on_hand: r.get(3)?,
                })
            },
        )
    }

    /// Rebuilds the on-hand table from the ledger.
    pub fn rebuild_stock(&self) -> Result<()> {
        self.exec("DELETE FROM stock", params![])?;
        self.exec(
            "INSERT INTO stock (product_id, bin, qty)
                 SELECT product_id, bin, sum(qty) FROM stock_moves GROUP BY product_id, bin",
            params![],
        )?;
        Ok(())
    }

    /// (product, bin) rows with negative on-hand, by merchant code.
    pub fn negative_stock(&self) -> Result<Vec<(String, String, i64)>> {
        self.all(
            "SELECT p.sku_code, s.bin, s.qty FROM stock s JOIN products p ON p.id = s.product_id
             WHERE s.qty < 0 ORDER BY p.sku_code, s.bin",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Units of a product in a bin now.
    pub fn stock_in_bin(&self, product_id: i64, bin: &str) -> Result<i64> {
        Ok(self
            .opt(
                "SELECT qty FROM stock WHERE product_id = ?1 AND bin = ?2",
                params![product_id, bin],
                |r| r.get(0),
            )?
            .unwrap_or(0))
    }

    /// The newest moves of a product, newest first.
    pub fn moves_of(&self, product_id: i64, limit: usize) -> Result<Vec<MoveRow>> {
        self.all(
            "SELECT m.id, m.at, m.kind, p.sku_code, m.bin, m.qty, s.code, m.terminal, m.ref
             FROM stock_moves m JOIN products p ON p.id = m.product_id JOIN staff s ON s.id = m.staff_id
             WHERE m.product_id = ?1 ORDER BY m.id DESC LIMIT ?2",
            params![product_id, limit as i64],
            |r| {
                Ok(MoveRow {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    kind: r.get(2)?,
                    sku_code: r.get(3)?,
                    bin: r.get(4)?,
                    qty: r.get(5)?,
                    staff_code: r.get(6)?,
                    terminal: r.get(7)?,
                    reference: r.get(8)?,
                })
            },
        )
    }

    /// Active products with fewer than `below` units on hand, fewest first.
    pub fn low_stock(&self, below: i64) -> Result<Vec<StockLevel>> {
        self.levels(
            "WHERE p.state = 'active' GROUP BY p.id HAVING coalesce(sum(s.qty), 0) < CAST(?1 AS BIGINT)
             ORDER BY 5, p.sku_code",
            below,
        )
    }

    /// Active products with nothing on hand (or less) and no open order waiting for them.
    pub fn dead_stock(&self) -> Result<Vec<StockLevel>> {
        self.levels(
            "WHERE p.state = 'active' AND NOT EXISTS (
                 SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE l.sku_code = p.sku_code AND (o.status = 'paid' OR o.status = 'unpaid')
                   AND (l.status = 'paid' OR l.status = 'unpaid'))
             GROUP BY p.id HAVING coalesce(sum(s.qty), 0) <= CAST(?1 AS BIGINT) ORDER BY p.sku_code",
            0,
        )
    }

    /// `tail` compares the on-hand total with `?1`: PostgreSQL's `sum` is NUMERIC, so the
    /// placeholder is cast (else the server asks for a NUMERIC where an integer is bound).
    fn levels(&self, tail: &str, n: i64) -> Result<Vec<StockLevel>> {
        self.all(
            &format!(
                "SELECT p.sku_code, p.name, p.spec, p.bin, coalesce(sum(s.qty), 0)
                 FROM products p LEFT JOIN stock s ON s.product_id = p.id {tail}"
            ),
            params![n],
            |r| {
                Ok(StockLevel {
                    sku_code: r.get(0)?,
                    name: r.get(1)?,
                    spec: r.get(2)?,
                    bin: r.get(3)?,
                    on_hand: r.get(4)?,
                })
            },
        )
    }

    /// Whether an order not shipped yet still wants this merchant code.
    pub fn has_open_orders(&self, sku_code: &str) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM order_lines l JOIN orders o ON o.id = l.order_id
             WHERE l.sku_code = ?1 AND (o.status = 'paid' OR o.status = 'unpaid')
               AND (l.status = 'paid' OR l.status = 'unpaid'))",
            params![sku_code],
            |r| r.get(0),
        )
    }

    /// Stops a product and frees its bin.
    pub fn discontinue_product(&self, product_id: i64) -> Result<()> {
        self.exec(
            "UPDATE products SET state = 'discontinued', bin = NULL, updated_at = ?2 WHERE id = ?1",
            params![product_id, now()],
        )?;
        Ok(())
    }

    pub fn bin_exists(&self, code: &str) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM bins WHERE code = ?1)",
            params![code],
            |r| r.get(0),
        )
    }

    /// The first bin (by code) no active product is given and nothing lies in.
    pub fn first_free_bin(&self) -> Result<Option<String>> {
        self.opt(
            "SELECT b.code FROM bins b
             WHERE NOT EXISTS (SELECT 1 FROM products p WHERE p.bin = b.code AND p.state = 'active')
               AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.bin = b.code AND s.qty <> 0)
             ORDER BY b.code LIMIT 1",
            params![],
            |r| r.get(0),
        )
    }

    // ---- inbound receipts ----

    pub fn insert_receipt(&self, actor: &Actor, file: &str) -> Result<ReceiptId> {
        Ok(ReceiptId(self.insert(
            // Gapless numbers, as batches' (see `insert_batch`).
            "INSERT INTO receipts (id, created_at, staff_id, terminal, file)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM receipts), ?1, ?2, ?3, ?4) RETURNING id",
            params![now(), actor.staff.id, actor.terminal, file],
        )?))
    }

    pub fn insert_receipt_line(
        &self,
        receipt_id: ReceiptId,
        seq: i64,
        product_id: i64,
        bin: &str,
        qty: i64,
        new_product: bool,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO receipt_lines (receipt_id, seq, product_id, bin, qty, new_product)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![receipt_id, seq, product_id, bin, qty, new_product],
        )?;
        Ok(())
    }

    pub fn receipt(&self, id: ReceiptId) -> Result<Option<ReceiptRow>> {
        self.opt(
            "SELECT r.id, r.created_at, s.code, r.file, r.state, r.confirmed_at, r.verified_at, v.code
             FROM receipts r JOIN staff s ON s.id = r.staff_id LEFT JOIN staff v ON v.id = r.verified_by
             WHERE r.id = ?1",
            params![id],
            |r| {
                Ok(ReceiptRow {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    staff_code: r.get(2)?,
                    file: r.get(3)?,
                    state: r.get(4)?,
                    confirmed_at: r.get(5)?,
                    verified_at: r.get(6)?,
                    verified_by: r.get(7)?,
                })
            },
        )
    }

    pub fn receipts(&self, limit: usize) -> Result<Vec<ReceiptRow>> {
        let ids: Vec<ReceiptId> = self.all(
            "SELECT id FROM receipts ORDER BY id DESC LIMIT ?1",
            params![limit as i64],
            |r| r.get(0),
        )?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.receipt(id)?);
        }
        Ok(out)
    }

    pub fn receipt_lines(&self, receipt_id: ReceiptId) -> Result<Vec<ReceiptLineRow>> {
        self.all(
            "SELECT l.seq, l.product_id, p.sku_code, p.barcode, p.name, p.spec, l.bin, l.qty, l.new_product,
                    (SELECT coalesce(sum(c.qty), 0) FROM stock_scans c
                     WHERE c.receipt_id = l.receipt_id AND c.product_id = l.product_id)
             FROM receipt_lines l JOIN products p ON p.id = l.product_id
             WHERE l.receipt_id = ?1 ORDER BY l.seq",
            params![receipt_id],
            |r| {
                Ok(ReceiptLineRow {
                    seq: r.get(0)?,
                    product_id: r.get(1)?,
                    sku_code: r.get(2)?,
                    barcode: r.get(3)?,
                    name: r.get(4)?,
                    spec: r.get(5)?,
                    bin: r.get(6)?,
                    qty: r.get(7)?,
                    new_product: r.get(8)?,
                    checked: r.get(9)?,
                })
            },
        )
    }

    pub fn confirm_receipt(&self, id: ReceiptId, actor: &Actor) -> Result<()> {
        self.exec(
            "UPDATE receipts SET state = ?4, confirmed_at = ?2, confirmed_by = ?3 WHERE id = ?1",
            params![id, now(), actor.staff.id, ReceiptState::Confirmed],
        )?;
        Ok(())
    }

    pub fn verify_receipt(&self, id: ReceiptId, actor: &Actor) -> Result<()> {
        self.exec(
            "UPDATE receipts SET verified_at = ?2, verified_by = ?3 WHERE id = ?1",
            params![id, now(), actor.staff.id],
        )?;
        Ok(())
    }

    // ---- outbound notes ----

    pub fn insert_issue(&self, actor: &Actor, reason: IssueReason, note: &str) -> Result<i64> {
        self.insert(
            // Gapless numbers, as batches' (see `insert_batch`).
            "INSERT INTO issues (id, at, staff_id, terminal, reason, note)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM issues), ?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![now(), actor.staff.id, actor.terminal, reason, note],
        )
    }

    // ---- scans of the stock modes ----

    pub fn insert_stock_scan(&self, actor: &Actor, s: &NewStockScan<'_>) -> Result<i64> {
        self.insert(
            "INSERT INTO stock_scans (at, staff_id, terminal, mode, code, verdict, reason, receipt_id,
                 session_id, round, bin, product_id, qty, source, undoes)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
             RETURNING id",
            params![
                now(),
                actor.staff.id,
                actor.terminal,
                s.mode,
                s.code,
                s.verdict,
                s.reason,
                s.receipt_id,
                s.session_id,
                s.round,
                s.bin,
                s.product_id,
                s.qty,
                s.source,
                s.undoes
            ],
        )
    }

    /// The bin to resume at a terminal in a stocktake session and round: the bin `staff_id`
    /// last opened there, when the terminal's last stocktake scan is theirs in this session and
    /// round. Anyone else, or the same counter after a scan in another session, starts with no
    /// bin.
    pub fn resume_bin(
        &self,
        session_id: SessionId,
        round: i64,
        terminal: &str,
        staff_id: i64,
    ) -> Result<Option<String>> {
        // SQLite is held to the terminal's index (`INDEXED BY`, which PostgreSQL has not): by the
        // session's index it would read every scan of the round.
        let last_sql = if self.on_postgres() {
            "SELECT session_id, round, staff_id FROM stock_scans
             WHERE terminal = ?1 AND mode = 'stocktake' ORDER BY id DESC LIMIT 1"
        } else {
            "SELECT session_id, round, staff_id FROM stock_scans INDEXED BY stock_scans_terminal
             WHERE terminal = ?1 AND mode = 'stocktake' ORDER BY id DESC LIMIT 1"
        };
        let last: Option<(Option<SessionId>, i64, i64)> =
            self.opt(last_sql, params![terminal], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        if last != Some((Some(session_id), round, staff_id)) {
            return Ok(None);
        }
        let bin_sql = if self.on_postgres() {
            "SELECT bin FROM stock_scans
             WHERE terminal = ?3 AND session_id = ?1 AND round = ?2 AND staff_id = ?4
               AND verdict = 'bin_opened' ORDER BY id DESC LIMIT 1"
        } else {
            "SELECT bin FROM stock_scans INDEXED BY stock_scans_terminal
             WHERE terminal = ?3 AND session_id = ?1 AND round = ?2 AND staff_id = ?4
               AND verdict = 'bin_opened' ORDER BY id DESC LIMIT 1"
        };
        self.opt(
            bin_sql,
            params![session_id, round, terminal, staff_id],
            |r| r.get(0),
        )
    }

    /// The counter's newest count in a bin (a round of a session) that no `UNDO` took back.
    pub fn standing_count(
        &self,
        session_id: SessionId,
        round: i64,
        bin: &str,
        staff_id: i64,
    ) -> Result<Option<StandingCount>> {
        Ok(self
            .opt(
                "SELECT s.id, s.verdict, s.product_id, p.sku_code, p.name, s.qty FROM stock_scans s
                 LEFT JOIN products p ON p.id = s.product_id
                 WHERE s.session_id = ?1 AND s.round = ?2 AND s.bin = ?3 AND s.staff_id = ?4
                   AND (s.verdict = 'item_counted' OR s.verdict = 'bin_empty')
                   AND NOT EXISTS (SELECT 1 FROM stock_scans u WHERE u.undoes = s.id)
                 ORDER BY s.id DESC LIMIT 1",
                params![session_id, round, bin, staff_id],
                |r| {
                    let verdict: String = r.get(1)?;
                    let product = match (r.get(2)?, r.get(3)?, r.get(4)?) {
                        (Some(pid), Some(sku), Some(name)) => Some((pid, sku, name)),
                        _ => None,
                    };
                    let (scan_id, qty) = (r.get(0)?, r.get(5)?);
                    Ok(Kind::from_name(&verdict).map(|verdict| StandingCount {
                        scan_id,
                        verdict,
                        product,
                        qty,
                    }))
                },
            )?
            .flatten())
    }

    /// The bins of a session marked empty and not taken back, with the round: (bin, round).
    pub fn empty_bins(&self, session_id: SessionId) -> Result<Vec<(String, i64)>> {
        // SQLite is held to the partial index of empty marks (`INDEXED BY`, which PostgreSQL has
        // not): left to itself it reads the session's every scan by `stock_scans_session`.
        let sql = if self.on_postgres() {
            "SELECT DISTINCT s.bin, s.round FROM stock_scans s
             WHERE s.session_id = ?1 AND s.verdict = 'bin_empty'
               AND NOT EXISTS (SELECT 1 FROM stock_scans u WHERE u.undoes = s.id)"
        } else {
            "SELECT DISTINCT s.bin, s.round FROM stock_scans s INDEXED BY stock_scans_empty
             WHERE s.session_id = ?1 AND s.verdict = 'bin_empty'
               AND NOT EXISTS (SELECT 1 FROM stock_scans u WHERE u.undoes = s.id)"
        };
        self.all(sql, params![session_id], |r| Ok((r.get(0)?, r.get(1)?)))
    }

    /// What a bin holds so far in a round of a session: (merchant code, name, units), the
    /// products with units counted, by merchant code.
    pub fn bin_counts(
        &self,
        session_id: SessionId,
        round: i64,
        bin: &str,
    ) -> Result<Vec<(String, String, i64)>> {
        self.all(
            "SELECT p.sku_code, p.name, CASE WHEN ?3 = 2 THEN l.count2 ELSE l.count1 END AS n
             FROM stocktake_lines l JOIN products p ON p.id = l.product_id
             WHERE l.session_id = ?1 AND l.bin = ?2
               AND CASE WHEN ?3 = 2 THEN l.count2 ELSE l.count1 END > 0
             ORDER BY p.sku_code",
            params![session_id, bin, round],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
    }

    /// Adds counted units to a line of a session (making the line if the product was not
    /// expected there); returns the units counted of it in that round so far. An undo adds a
    /// negative `qty` to a line that has it.
    pub fn add_stocktake_count(
        &self,
        session_id: SessionId,
        round: i64,
        bin: &str,
        product_id: i64,
        qty: i64,
    ) -> Result<i64> {
        let (c1, c2) = if round == 2 { (0, qty) } else { (qty, 0) };
        let (t1, t2): (i64, i64) = self.one(
            "INSERT INTO stocktake_lines (session_id, bin, product_id, snapshot, count1, count2)
             VALUES (?1, ?2, ?3, 0, ?4, ?5)
             ON CONFLICT (session_id, bin, product_id)
             DO UPDATE SET count1 = stocktake_lines.count1 + excluded.count1,
                 count2 = stocktake_lines.count2 + excluded.count2
             RETURNING count1, count2",
            params![session_id, bin, product_id, c1, c2],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(if round == 2 { t2 } else { t1 })
    }

    /// Who opened a bin in round 1 of a session.
    pub fn bin_counters(&self, session_id: SessionId, bin: &str) -> Result<Vec<i64>> {
        self.all(
            "SELECT DISTINCT staff_id FROM stock_scans WHERE session_id = ?1 AND round = 1 AND bin = ?2
               AND verdict = 'bin_opened'",
            params![session_id, bin],
            |r| r.get(0),
        )
    }

    /// How many staff members counted in round 1 of a session.
    pub fn counters(&self, session_id: SessionId) -> Result<i64> {
        self.one(
            "SELECT count(DISTINCT staff_id) FROM stock_scans WHERE session_id = ?1 AND round = 1
               AND verdict = 'bin_opened'",
            params![session_id],
            |r| r.get(0),
        )
    }

    // ---- stocktakes ----

    /// Opens a session over the bins matching `pattern` (a GLOB), with a snapshot of their stock.
    /// Returns the session and its number of bins. An overlap with another open session is
    /// returned as that session's id and a bin both have (the caller refuses; the transaction
    /// is then rolled back).
    pub fn insert_stocktake(
        &self,
        actor: &Actor,
        pattern: &str,
        blind: bool,
        recount: bool,
    ) -> Result<NewStocktake> {
        let last_move = self.last_move_id()?;
        let id = SessionId(self.insert(
            // Gapless numbers, as batches' (see `insert_batch`).
            "INSERT INTO stocktakes (id, created_at, staff_id, terminal, pattern, blind, recount, last_move)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM stocktakes), ?1, ?2, ?3, ?4, ?5, ?6, ?7)
             RETURNING id",
            params![now(), actor.staff.id, actor.terminal, pattern, blind, recount, last_move],
        )?);
        // PostgreSQL has no GLOB: the pattern goes as the regular expression that matches the
        // same codes (`None`: a pattern that matches no code at all).
        let bins = if self.on_postgres() {
            match glob_regex(pattern) {
                Some(re) => self.exec(
                    "INSERT INTO stocktake_bins (session_id, bin) SELECT ?1, code FROM bins WHERE code ~ ?2",
                    params![id, re],
                )?,
                None => 0,
            }
        } else {
            self.exec(
                "INSERT INTO stocktake_bins (session_id, bin) SELECT ?1, code FROM bins WHERE code GLOB ?2",
                params![id, pattern],
            )?
        } as i64;
        let overlap = self.opt(
            "SELECT o.session_id, o.bin FROM stocktake_bins n
             JOIN stocktake_bins o ON o.bin = n.bin AND o.session_id <> n.session_id
             JOIN stocktakes s ON s.id = o.session_id
               AND (s.state = 'counting' OR s.state = 'recounting')
             WHERE n.session_id = ?1 LIMIT 1",
            params![id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if overlap.is_none() {
            self.exec(
                "INSERT INTO stocktake_lines (session_id, bin, product_id, snapshot)
                 SELECT ?1, s.bin, s.product_id, s.qty FROM stocktake_bins b
                 JOIN stock s ON s.bin = b.bin WHERE b.session_id = ?1",
                params![id],
            )?;
            self.exec(
                "INSERT INTO stocktake_lines (session_id, bin, product_id, snapshot)
                 SELECT ?1, p.bin, p.id, 0 FROM stocktake_bins b
                 JOIN products p ON p.bin = b.bin AND p.state = 'active' WHERE b.session_id = ?1
                 ON CONFLICT DO NOTHING",
                params![id],
            )?;
        }
        Ok(NewStocktake { id, bins, overlap })
    }

    /// A session with its number of bins.
    pub fn stocktake(&self, id: SessionId) -> Result<Option<StocktakeRow>> {
        let Some(mut s) = self.stocktake_head(id)? else {
            return Ok(None);
        };
        s.bins = self.one(
            "SELECT count(*) FROM stocktake_bins WHERE session_id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        Ok(Some(s))
    }

    /// A session without counting its bins (`bins` is 0): what every count scan reads.
    pub fn stocktake_head(&self, id: SessionId) -> Result<Option<StocktakeRow>> {
        self.opt(
            "SELECT t.id, t.created_at, s.code, t.pattern, t.blind, t.recount, t.state, t.last_move, 0,
                    t.uncounted
             FROM stocktakes t JOIN staff s ON s.id = t.staff_id WHERE t.id = ?1",
            params![id],
            |r| {
                Ok(StocktakeRow {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    staff_code: r.get(2)?,
                    pattern: r.get(3)?,
                    blind: r.get(4)?,
                    recount: r.get(5)?,
                    state: r.get(6)?,
                    last_move: r.get(7)?,
                    bins: r.get(8)?,
                    uncounted: r.get(9)?,
                })
            },
        )
    }

    pub fn stocktakes(&self, limit: usize) -> Result<Vec<StocktakeRow>> {
        let ids: Vec<SessionId> = self.all(
            "SELECT id FROM stocktakes ORDER BY id DESC LIMIT ?1",
            params![limit as i64],
            |r| r.get(0),
        )?;
        let mut out = Vec::new();
        for id in ids {
            out.extend(self.stocktake(id)?);
        }
        Ok(out)
    }

    pub fn set_stocktake_state(
        &self,
        id: SessionId,
        state: StocktakeState,
        actor: Option<&Actor>,
    ) -> Result<()> {
        match actor {
            Some(a) => self.exec(
                "UPDATE stocktakes SET state = ?2, closed_at = ?3, closed_by = ?4 WHERE id = ?1",
                params![id, state, now(), a.staff.id],
            )?,
            None => self.exec(
                "UPDATE stocktakes SET state = ?2 WHERE id = ?1",
                params![id, state],
            )?,
        };
        Ok(())
    }

    /// Records what an approval did with the bins nobody counted.
    pub fn set_stocktake_uncounted(&self, id: SessionId, uncounted: Uncounted) -> Result<()> {
        self.exec(
            "UPDATE stocktakes SET uncounted = ?2 WHERE id = ?1",
            params![id, uncounted],
        )?;
        Ok(())
    }

    /// The bins of a session, by code, that `keep` keeps: the others are never copied out (a
    /// session has 100,000 bins; the report wants the few nobody counted). In byte order, as
    /// `stocktake_lines` (a PostgreSQL store's database sorts by bytes too, see `store::pg`): the
    /// report walks the two side by side. `keep` must not query the store (the rows are being read).
    pub fn stocktake_bins_where(
        &self,
        id: SessionId,
        mut keep: impl FnMut(&str) -> bool,
    ) -> Result<Vec<String>> {
        let sql = "SELECT bin FROM stocktake_bins WHERE session_id = ?1 ORDER BY bin";
        let mut out = Vec::new();
        self.each(sql, params![id], |r| {
            let ValueRef::Text(bin) = r.value(0)? else {
                return Err(Error::decode("column 0: expected a bin code"));
            };
            if keep(bin) {
                out.push(bin.to_string());
            }
            Ok(())
        })?;
        Ok(out)
    }

    pub fn stocktake_has_bin(&self, id: SessionId, bin: &str) -> Result<bool> {
        self.one(
            "SELECT EXISTS (SELECT 1 FROM stocktake_bins WHERE session_id = ?1 AND bin = ?2)",
            params![id, bin],
            |r| r.get(0),
        )
    }

    /// The moves into or out of a session's bins since it started: (bin, product, merchant code,
    /// sum of qty).
    pub fn stocktake_moves_since(
        &self,
        id: SessionId,
        last_move: i64,
    ) -> Result<Vec<(String, i64, String, i64)>> {
        self.all(
            "SELECT m.bin, m.product_id, p.sku_code, sum(m.qty) FROM stock_moves m
             JOIN stocktake_bins b ON b.session_id = ?1 AND b.bin = m.bin
             JOIN products p ON p.id = m.product_id
             WHERE m.id > ?2 GROUP BY m.bin, m.product_id, p.sku_code",
            params![id, last_move],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
    }

    /// Every line of a session, in bin order (byte order on both engines: the report walks them
    /// beside `stocktake_bins_where` and looks bins up by Rust's order).
    pub fn stocktake_lines(&self, id: SessionId) -> Result<Vec<StocktakeLineRow>> {
        let sql = "SELECT l.bin, l.product_id, p.sku_code, l.snapshot, l.count1, l.count2, l.expected, l.counted
             FROM stocktake_lines l JOIN products p ON p.id = l.product_id WHERE l.session_id = ?1
             ORDER BY l.bin";
        self.all(sql, params![id], |r| {
            Ok(StocktakeLineRow {
                bin: r.get(0)?,
                product_id: r.get(1)?,
                sku_code: r.get(2)?,
                snapshot: r.get(3)?,
                count1: r.get(4)?,
                count2: r.get(5)?,
                expected: r.get(6)?,
                counted: r.get(7)?,
            })
        })
    }

    /// The bins opened again in the recount of a session.
    pub fn recounted_bins(&self, id: SessionId) -> Result<Vec<String>> {
        self.all(
            "SELECT DISTINCT bin FROM stock_scans WHERE session_id = ?1 AND round = 2
               AND verdict = 'bin_opened'",
            params![id],
            |r| r.get(0),
        )
    }

    /// Writes the approved result of a line.
    pub fn save_stocktake_line(
        &self,
        id: SessionId,
        bin: &str,
        product_id: i64,
        expected: i64,
        counted: i64,
        reason: Option<AdjustReason>,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO stocktake_lines (session_id, bin, product_id, snapshot, expected, counted, reason)
             VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)
             ON CONFLICT (session_id, bin, product_id) DO UPDATE SET expected = excluded.expected,
                 counted = excluded.counted, reason = excluded.reason",
            params![id, bin, product_id, expected, counted, reason],
        )?;
        Ok(())
    }
}

/// SQLite's `GLOB` pattern as the PostgreSQL regular expression that matches the same texts
/// (PostgreSQL has no `GLOB`), case and all: `*` any run of characters, `?` any one, `[…]` one
/// of a set (`[^…]` one not in it; `a-z` a range, in code point order; a `]` first, and a `-`
/// first, last or right after a range, stand for themselves); anything else, `\` included,
/// stands for itself. `None` when no text can match: a set that is never closed.
fn glob_regex(pattern: &str) -> Option<String> {
    let mut re = String::from("^");
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            '[' => {
                // Read as SQLite's `patternCompare` reads it.
                let mut c2 = chars.next()?;
                let invert = c2 == '^';
                if invert {
                    c2 = chars.next()?;
                }
                let mut members: Vec<(char, char)> = Vec::new();
                if c2 == ']' {
                    members.push((']', ']'));
                    c2 = chars.next()?;
                }
                let mut prior: Option<char> = None;
                while c2 != ']' {
                    match prior {
                        Some(lo) if c2 == '-' && chars.peek().is_some_and(|&n| n != ']') => {
                            let hi = chars.next()?;
                            // The range takes the place of its first end, which stays a
                            // member alone when the range is the wrong way round (SQLite tests
                            // lo <= c <= hi, after testing c == lo).
                            if lo <= hi {
                                members.pop();
                                members.push((lo, hi));
                            }
                            prior = None;
                        }
                        _ => {
                            members.push((c2, c2));
                            prior = Some(c2);
                        }
                    }
                    c2 = chars.next()?;
                }
                // Inside brackets a backslash escapes in PostgreSQL's expressions: every member
                // goes as its code point.
                re.push('[');
                if invert {
                    re.push('^');
                }
                for (lo, hi) in members {
                    push_code_point(&mut re, lo);
                    if hi != lo {
                        re.push('-');
                        push_code_point(&mut re, hi);
                    }
                }
                re.push(']');
            }
            c if c.is_ascii_alphanumeric() || !c.is_ascii() => re.push(c),
            // A backslash before anything but a letter or digit is that character itself.
            c => {
                re.push('\\');
                re.push(c);
            }
        }
    }
    re.push('$');
    Some(re)
}

/// A character as a regular expression escape by code point (`\u0041`, `\U0001F600`).
fn push_code_point(re: &mut String, c: char) {
    let n = u32::from(c);
    if n <= 0xFFFF {
        re.push_str(&format!("\\u{n:04X}"));
    } else {
        re.push_str(&format!("\\U{n:08X}"));
    }
}

#[cfg(test)]
mod tests {
    use super::glob_regex;

    #[test]
    fn globs_become_the_regular_expressions_postgresql_matches_the_same_codes_with() {
        let re = |p: &str| glob_regex(p);
        assert_eq!(re("*").as_deref(), Some("^.*$"));
        assert_eq!(re("A-*").as_deref(), Some(r"^A\-.*$"));
        assert_eq!(re("A-0?-3").as_deref(), Some(r"^A\-0.\-3$"));
        // What a regular expression holds special stands for itself in a glob.
        assert_eq!(re(r"a.b+c\d$(").as_deref(), Some(r"^a\.b\+c\\d\$\($"));
        assert_eq!(re("[AB]-*").as_deref(), Some(r"^[\u0041\u0042]\-.*$"));
        assert_eq!(re("[^0-9]*").as_deref(), Some(r"^[^\u0030-\u0039].*$"));
        // `]` first, `-` first or last, and `-` right after a range are members.
        assert_eq!(re("[]a]").as_deref(), Some(r"^[\u005D\u0061]$"));
        assert_eq!(re("[^]]").as_deref(), Some(r"^[^\u005D]$"));
        assert_eq!(re("[-a]").as_deref(), Some(r"^[\u002D\u0061]$"));
        assert_eq!(re("[a-]").as_deref(), Some(r"^[\u0061\u002D]$"));
        assert_eq!(
            re("[a-c-e]").as_deref(),
            Some(r"^[\u0061-\u0063\u002D\u0065]$")
        );
        // A backslash, `^` and `[` in a set are members too.
        assert_eq!(re(r"[\^[]").as_deref(), Some(r"^[\u005C\u005E\u005B]$"));
        // A range the wrong way round holds only its first end, as in SQLite.
        assert_eq!(re("[z-a]").as_deref(), Some(r"^[\u007A]$"));
        assert_eq!(re("库[位😀]").as_deref(), Some(r"^库[\u4F4D\U0001F600]$"));
        // A set never closed matches nothing.
        assert_eq!(re("A-[12"), None);
        assert_eq!(re("A-["), None);
        assert_eq!(re("[]"), None);
        assert_eq!(re("[a-"), None);
    }
}
