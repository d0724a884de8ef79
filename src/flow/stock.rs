//! Stock: the ledger and its check, a product's stock, low and dead stock, discontinuing
//! products (停用) and outbound notes (出库单).

use crate::domain::stock::{IssueReason, MoveKind};
use crate::domain::{Actor, Outcome, Permission, ProductState, Reason, ReceiptId, SessionId, Tone};
use crate::error::{Error, Refusal, Result};
use crate::store::{LedgerDiff, MoveRow, ProductRecord, StockLevel, Store};
use serde::Serialize;
use serde_json::json;

/// The default of `stock low`: fewer than this many on the shelf, tell the others.
pub const DEFAULT_LOW_BELOW: i64 = 10;

/// What `stock verify` found.
#[derive(Debug, Clone, Default)]
pub struct LedgerCheck {
    /// Where on-hand is not the sum of the moves (before a rebuild).
    pub diffs: Vec<LedgerDiff>,
    /// (merchant code, bin, qty) below zero: allowed, but flagged.
    pub negative: Vec<(String, String, i64)>,
    /// The on-hand table was rebuilt from the ledger.
    pub rebuilt: bool,
}

/// Recomputes on-hand from the ledger and reports every difference; with `rebuild`, rewrites
/// on-hand from the ledger (in one transaction).
pub fn verify(store: &mut Store, actor: &Actor, rebuild: bool) -> Result<LedgerCheck> {
    actor.require(Permission::ViewOrders)?;
    if rebuild {
        actor.require(Permission::ManageStock)?;
        return store.write(|db| {
            let diffs = db.ledger_diffs()?;
            if !diffs.is_empty() {
                db.rebuild_stock()?;
                db.log_event(
                    actor,
                    "stock_rebuilt",
                    "",
                    &json!({"differences": diffs.len()}),
                )?;
            }
            Ok(LedgerCheck {
                rebuilt: !diffs.is_empty(),
                negative: db.negative_stock()?,
                diffs,
            })
        });
    }
    let db = store.read();
    Ok(LedgerCheck {
        diffs: db.ledger_diffs()?,
        negative: db.negative_stock()?,
        rebuilt: false,
    })
}

/// A product's stock and the newest moves of its ledger.
#[derive(Debug, Clone)]
pub struct StockShow {
    pub record: ProductRecord,
    pub moves: Vec<MoveRow>,
}

pub fn show(store: &Store, actor: &Actor, sku_or_barcode: &str, moves: usize) -> Result<StockShow> {
    actor.require(Permission::ViewOrders)?;
    let key = sku_or_barcode.trim();
    let db = store.read();
    let record = db
        .product_record(key)?
        .ok_or_else(|| Error::not_found("product", "商品", key))?;
    let moves = db.moves_of(record.id, moves)?;
    Ok(StockShow { record, moves })
}

/// Active products with fewer than `below` on hand.
pub fn low(store: &Store, actor: &Actor, below: i64) -> Result<Vec<StockLevel>> {
    actor.require(Permission::ViewOrders)?;
    store.read().low_stock(below)
}

/// Active products with nothing on hand and no open order: candidates to discontinue.
pub fn dead(store: &Store, actor: &Actor) -> Result<Vec<StockLevel>> {
    actor.require(Permission::ViewOrders)?;
    store.read().dead_stock()
}

/// A product stopped, and the bin it gave back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discontinued {
    pub sku_code: String,
    pub freed_bin: Option<String>,
}

/// Stops products (停用) and frees their bins for reuse. All or none: a product with stock on
/// hand or an open order is refused, with the reason.
pub fn discontinue(store: &mut Store, actor: &Actor, skus: &[String]) -> Result<Vec<Discontinued>> {
    actor.require(Permission::ManageStock)?;
    if skus.is_empty() {
        return Err(Error::invalid("请给出商家编码", "give the merchant codes"));
    }
    store.write(|db| {
        let mut out = Vec::new();
        for sku in skus {
            let sku = sku.trim();
            let rec = db
                .product_record(sku)?
                .ok_or_else(|| Error::not_found("product", "商品", sku))?;
            let p = &rec.product;
            if p.state == ProductState::Discontinued {
                return Err(Error::invalid(
                    format!("商品 {} 已经停用", p.sku_code),
                    format!("product {} is already discontinued", p.sku_code),
                ));
            }
            if rec.on_hand > 0 {
                return Err(Error::invalid(
                    format!("商品 {} 还有库存 {} 件，不能停用（先出库或盘点）", p.sku_code, rec.on_hand),
                    format!(
                        "product {} still has {} on hand and cannot be discontinued (issue or count it first)",
                        p.sku_code, rec.on_hand
                    ),
                ));
            }
            if db.has_open_orders(&p.sku_code)? {
                return Err(Error::invalid(
                    format!("商品 {} 还有未发货的订单，不能停用", p.sku_code),
                    format!("product {} has open orders and cannot be discontinued", p.sku_code),
                ));
            }
            db.discontinue_product(rec.id)?;
            db.log_event(
                actor,
                "product_discontinued",
                &p.sku_code,
                &json!({"freed_bin": p.bin, "on_hand": rec.on_hand}),
            )?;
            out.push(Discontinued {
                sku_code: p.sku_code.clone(),
                freed_bin: p.bin.clone(),
            });
        }
        Ok(out)
    })
}

/// One line of an outbound note as asked: a merchant code (or barcode) and how many.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueLine {
    pub sku: String,
    pub qty: i64,
}

/// Reads `SKU=QTY` (`QTY` a whole number ≥ 1).
pub fn parse_issue_line(text: &str) -> Result<IssueLine> {
    let bad = || {
        Error::invalid(
            format!("出库行写法不对：{text:?}（应为 商家编码=数量，例如 TX2017-GY-S=2）"),
            format!("bad issue line: {text:?} (write SKU=QTY, e.g. TX2017-GY-S=2)"),
        )
    };
    let (sku, qty) = text.split_once('=').ok_or_else(bad)?;
    let qty = qty
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|q| (1..=1_000_000).contains(q))
        .ok_or_else(bad)?;
    let sku = sku.trim();
    if sku.is_empty() {
        return Err(bad());
    }
    Ok(IssueLine {
        sku: sku.to_string(),
        qty,
    })
}

/// What an outbound note took out: (merchant code, bin, qty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueDone {
    pub issue_id: i64,
    pub reason: IssueReason,
    pub lines: Vec<(String, String, i64)>,
}

/// Writes an outbound note (出库单): stock out of each product's bin, one transaction.
pub fn issue(
    store: &mut Store,
    actor: &Actor,
    reason: IssueReason,
    lines: &[IssueLine],
    note: &str,
) -> Result<IssueDone> {
    actor.require(Permission::ManageStock)?;
    if lines.is_empty() {
        return Err(Refusal::IssueWithoutLines.into());
    }
    store.write(|db| {
        // Every line checked before the note is numbered: a refused note takes no number
        // (PostgreSQL does not give back a number of a write undone).
        let record = |l: &IssueLine| {
            db.product_record(l.sku.trim())?
                .ok_or_else(|| Error::not_found("product", "商品", l.sku.trim()))
        };
        for l in lines {
            if l.qty <= 0 {
                return Err(Error::invalid(
                    format!("出库数量应大于 0：{}", l.sku),
                    format!("the quantity issued must be more than 0: {}", l.sku),
                ));
            }
            record(l)?;
        }
        let id = db.insert_issue(actor, reason, note)?;
        let reference = format!("I{id}");
        let mut out = Vec::new();
        for l in lines {
            // Read again: an earlier line of the same product moved its stock.
            let rec = record(l)?;
            // Out of the product's bin; else where it lies; else unshelved stock.
            let bin = rec
                .product
                .bin
                .clone()
                .or_else(|| rec.stock.iter().find(|s| s.qty > 0).map(|s| s.bin.clone()))
                .unwrap_or_default();
            db.add_stock_move(MoveKind::Issue, rec.id, &bin, -l.qty, actor, &reference)?;
            out.push((rec.product.sku_code.clone(), bin, l.qty));
        }
        db.log_event(
            actor,
            "issue_created",
            &reference,
            &json!({"reason": reason.code(), "note": note, "lines": out.len()}),
        )?;
        Ok(IssueDone {
            issue_id: id,
            reason,
            lines: out,
        })
    })
}

/// What a scan of the stock modes (inbound check, stocktake) meant (`outcome`), and where: the
/// receipt or session, the bin. Written with the scan before it is shown, like the bench's
/// verdicts. The JSON form: `{"verdict","receipt_id"?,"session_id"?,"bin"?,"sku_code"?,"qty",
/// "scanned"?,"expected"?,"remaining"?,"reason"?,"message_zh","message_en","scan_id"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockVerdict {
    pub outcome: Outcome,
    pub receipt_id: Option<ReceiptId>,
    pub session_id: Option<SessionId>,
    /// The bin the scan named, else the bin open at the terminal.
    pub bin: Option<String>,
    /// Units of the whole receipt still to scan.
    pub remaining: Option<i64>,
    pub scan_id: i64,
}

impl StockVerdict {
    pub fn new(outcome: Outcome) -> StockVerdict {
        StockVerdict {
            outcome,
            receipt_id: None,
            session_id: None,
            bin: None,
            remaining: None,
            scan_id: 0,
        }
    }

    /// The stable name (`item_counted`, `not_on_receipt`, …).
    pub fn name(&self) -> &'static str {
        self.outcome.name()
    }

    /// Whether the screen shows this scan red.
    pub fn is_error(&self) -> bool {
        self.outcome.is_error()
    }

    pub fn tone(&self) -> Tone {
        self.outcome.tone()
    }

    /// Why it was refused, if it was.
    pub fn reason(&self) -> Option<Reason> {
        self.outcome.reason()
    }

    pub fn zh(&self) -> String {
        self.outcome.zh()
    }

    pub fn en(&self) -> String {
        self.outcome.en()
    }
}

impl Serialize for StockVerdict {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Json<'a> {
            verdict: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            receipt_id: Option<ReceiptId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            session_id: Option<SessionId>,
            #[serde(skip_serializing_if = "Option::is_none")]
            bin: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            sku_code: Option<&'a str>,
            qty: i64,
            #[serde(skip_serializing_if = "Option::is_none")]
            scanned: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            expected: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            remaining: Option<i64>,
            #[serde(skip_serializing_if = "Option::is_none")]
            reason: Option<&'static str>,
            message_zh: String,
            message_en: String,
            scan_id: i64,
        }
        let count = self.outcome.line_count();
        Json {
            verdict: self.name(),
            receipt_id: self.receipt_id,
            session_id: self.session_id,
            bin: self.bin.as_deref(),
            sku_code: self.outcome.sku(),
            qty: self.outcome.qty(),
            scanned: count.map(|c| c.0),
            expected: count.and_then(|c| c.1),
            remaining: self.remaining,
            reason: self.reason().map(Reason::code),
            message_zh: self.zh(),
            message_en: self.en(),
            scan_id: self.scan_id,
        }
        .serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_of_a_stock_scan_is_as_before() {
        let mut v = StockVerdict::new(Outcome::UnitChecked {
            receipt: ReceiptId(1),
            sku: "TX2017-GY-S".into(),
            scanned: 1,
            expected: 2,
        });
        v.receipt_id = Some(ReceiptId(1));
        v.remaining = Some(2);
        v.scan_id = 1;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"verdict":"item_ok","receipt_id":1,"sku_code":"TX2017-GY-S","qty":1,"scanned":1,"expected":2,"remaining":2,"message_zh":"TX2017-GY-S 1/2","message_en":"TX2017-GY-S 1/2","scan_id":1}"#
        );
        let mut v = StockVerdict::new(Outcome::BinOutsideSession {
            bin: "C-08-3".into(),
            session: SessionId(1),
            pattern: Some("B-*".into()),
        });
        v.session_id = Some(SessionId(1));
        v.bin = Some("C-08-3".into());
        v.scan_id = 19;
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r#"{"verdict":"bin_outside_session","session_id":1,"bin":"C-08-3","qty":0,"reason":"bin_outside_session","message_zh":"库位 C-08-3 不在盘点 S1 的范围（B-*）内","message_en":"bin C-08-3 is not in stocktake S1 (B-*)","scan_id":19}"#
        );
    }
}
