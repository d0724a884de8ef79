//! Stock: the ledger and its check, a product's stock, low and dead stock, discontinuing
//! products (停用) and outbound notes (出库单).

use crate::domain::stock::{IssueReason, MoveKind};
use crate::domain::{Actor, Permission, ProductState};
use crate::error::{Error, Result};
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
        return Err(Error::invalid(
            "出库单至少要有一行（--line 商家编码=数量）",
            "an issue note needs at least one line (--line SKU=QTY)",
        ));
    }
    store.write(|db| {
        let id = db.insert_issue(actor, reason.code(), note)?;
        let reference = format!("I{id}");
        let mut out = Vec::new();
        for l in lines {
            if l.qty <= 0 {
                return Err(Error::invalid(
                    format!("出库数量应大于 0：{}", l.sku),
                    format!("the quantity issued must be more than 0: {}", l.sku),
                ));
            }
            let rec = db
                .product_record(l.sku.trim())?
                .ok_or_else(|| Error::not_found("product", "商品", l.sku.trim()))?;
            // Out of the product's bin; else where it lies; else unshelved stock.
            let bin = rec
                .product
                .bin
                .clone()
                .or_else(|| rec.stock.iter().find(|s| s.qty > 0).map(|s| s.bin.clone()))
                .unwrap_or_default();
            db.add_stock_move(
                MoveKind::Issue.code(),
                rec.id,
                &bin,
                -l.qty,
                actor,
                &reference,
            )?;
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

/// What a scan of the stock modes (inbound check, stocktake) meant. Written with the scan before
/// it is shown, like the bench's verdicts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockVerdict {
    /// Inbound check: `item_ok`, `receipt_verified`, `not_on_receipt`, `over_quantity`,
    /// `unknown_barcode`. Stocktake: `bin_opened`, `item_counted`, `unknown_barcode`,
    /// `bin_outside_session`, `no_bin`, `bad_quantity`, `same_counter`.
    pub verdict: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipt_id: Option<crate::domain::ReceiptId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<crate::domain::SessionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku_code: Option<String>,
    /// Units this scan counted.
    pub qty: i64,
    /// Units of this product counted so far (on the receipt, or in the bin).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scanned: Option<i64>,
    /// What is expected: on the receipt; in a stocktake only when it is open (not blind).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<i64>,
    /// Units of the whole receipt still to scan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    pub message_zh: String,
    pub message_en: String,
    pub scan_id: i64,
}

impl StockVerdict {
    pub fn new(verdict: &'static str, zh: String, en: String) -> StockVerdict {
        StockVerdict {
            verdict,
            receipt_id: None,
            session_id: None,
            bin: None,
            sku_code: None,
            qty: 0,
            scanned: None,
            expected: None,
            remaining: None,
            reason: None,
            message_zh: zh,
            message_en: en,
            scan_id: 0,
        }
    }

    /// A refusal with its reason (also the verdict's name).
    pub fn refused(reason: &'static str, zh: String, en: String) -> StockVerdict {
        let mut v = StockVerdict::new(reason, zh, en);
        v.reason = Some(reason);
        v
    }

    /// Whether the screen shows this scan red.
    pub fn is_error(&self) -> bool {
        self.reason.is_some()
    }
}
