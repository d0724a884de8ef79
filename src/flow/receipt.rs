//! Inbound receipts (入库单): a purchaser's CSV of what came in; new products are created (so
//! their labels can be printed), known ones received. Confirming puts the stock in, in one
//! transaction. The inbound check (入库检验) scans every labelled unit back.

use super::stock::StockVerdict;
use crate::domain::check::{ScanMode, ScanText};
use crate::domain::stock::{MoveKind, ReceiptState};
use crate::domain::{Actor, CodeHolder, Outcome, Permission, ReceiptId, ScanSource};
use crate::error::{Error, Result};
use crate::import::BadRow;
use crate::import::products::{RECEIPT_COLUMNS, parse_receipt_row};
use crate::import::table::Table;
use crate::store::{Db, NewStockScan, ReceiptLineRow, ReceiptRow, Store};
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// The setting that makes confirmation wait for the inbound check.
pub const REQUIRE_CHECK_SETTING: &str = "receipt.require_check";

/// A receipt and its lines.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub row: ReceiptRow,
    pub lines: Vec<ReceiptLineRow>,
}

impl Receipt {
    pub fn units(&self) -> i64 {
        self.lines.iter().map(|l| l.qty).sum()
    }
    pub fn checked(&self) -> i64 {
        self.lines.iter().map(|l| l.checked.min(l.qty)).sum()
    }
}

fn refused(rows: &[BadRow]) -> Error {
    let zh: Vec<String> = rows
        .iter()
        .map(|b| format!("{}:{} [{}] {}", b.file, b.line, b.column, b.reason_zh))
        .collect();
    let en: Vec<String> = rows
        .iter()
        .map(|b| {
            format!(
                "{}:{} [{}] {} ({})",
                b.file, b.line, b.column, b.reason, b.code
            )
        })
        .collect();
    Error::invalid(
        format!("入库单被拒绝，什么都没有写入：\n{}", zh.join("\n")),
        format!("receipt refused, nothing was written:\n{}", en.join("\n")),
    )
}

/// Reads a receipt file (商家编码,条码,名称,规格,单价,库位,数量 — the catalogue's columns with the
/// quantity received last; `库存` or `qty` for it are read too) and
/// writes the receipt: all of it, or (any bad row) nothing.
pub fn create(store: &mut Store, actor: &Actor, path: &Path) -> Result<Receipt> {
    actor.require(Permission::Receive)?;
    let mut table = Table::open(path, &RECEIPT_COLUMNS).map_err(|bad| refused(&bad))?;
    let id = store.write(|db| {
        let mut bad: Vec<BadRow> = Vec::new();
        let mut skus: HashMap<String, u64> = HashMap::new();
        let mut barcodes: HashMap<String, (u64, String)> = HashMap::new();
        let id = db.insert_receipt(actor, &table.file)?;
        let mut seq = 0;
        while let Some(row) = table.next_row() {
            let p = match row.and_then(|row| parse_receipt_row(&table, &row)) {
                Ok(p) => p,
                Err(b) => {
                    bad.push(b);
                    continue;
                }
            };
            let row_bad = |col: &str, code, zh: String, en: String| {
                BadRow::new(&table.file, p.line, col, code, zh, en)
            };
            let sku = p.product.sku_code.clone();
            if p.qty <= 0 {
                bad.push(row_bad(
                    "数量",
                    "bad_quantity",
                    format!("入库数量应大于 0：{sku}"),
                    format!("the quantity received must be more than 0: {sku}"),
                ));
                continue;
            }
            if let Some(first) = skus.insert(sku.clone(), p.line) {
                bad.push(row_bad(
                    "商家编码",
                    "duplicate_sku",
                    format!("商家编码 {sku} 与第 {first} 行重复"),
                    format!("merchant code {sku} repeats line {first}"),
                ));
                continue;
            }
            if let Some(code) = p.product.barcode.as_ref().map(|b| b.as_str().to_string()) {
                if let Some((first, _)) = barcodes.insert(code.clone(), (p.line, sku.clone())) {
                    bad.push(row_bad(
                        "条码",
                        "duplicate_barcode",
                        format!("条码 {code} 与第 {first} 行重复"),
                        format!("barcode {code} repeats line {first}"),
                    ));
                    continue;
                }
                if let Some((_, other)) = db
                    .product_by_barcode(&code)?
                    .filter(|(_, o)| o.sku_code != sku)
                {
                    bad.push(row_bad(
                        "条码",
                        "duplicate_barcode",
                        format!("条码 {code} 已属于商品 {}", other.sku_code),
                        format!(
                            "barcode {code} already belongs to product {}",
                            other.sku_code
                        ),
                    ));
                    continue;
                }
            }
            // One code space: a new merchant code, or a barcode given here, may be no other
            // product's code and no tracking number (in this file or the store).
            let known = db.product_by_sku(&sku)?;
            let mut setting: Vec<(&str, String)> = Vec::new();
            if known.is_none() {
                setting.push(("商家编码", sku.clone()));
            }
            if let Some(code) = p.product.barcode.as_ref().map(|b| b.as_str().to_string())
                && known.as_ref().is_none_or(|(_, k)| k.barcode.is_none())
            {
                setting.push(("条码", code));
            }
            let mut taken = None;
            for (col, code) in &setting {
                let in_file = if *col == "条码" {
                    skus.get(code)
                        .filter(|_| *code != sku)
                        .map(|l| (*l, CodeHolder::SkuCode(code.clone())))
                } else {
                    barcodes
                        .get(code)
                        .filter(|(l, _)| *l != p.line)
                        .map(|(l, other)| (*l, CodeHolder::Barcode(other.clone())))
                };
                let holder = match in_file {
                    Some((_, h)) => Some(h),
                    None => db.code_holder(code, known.as_ref().map(|(id, _)| *id))?,
                };
                if let Some(h) = holder {
                    taken = Some(row_bad(col, "code_taken", h.zh(code), h.en(code)));
                    break;
                }
            }
            if let Some(b) = taken {
                bad.push(b);
                continue;
            }
            if !bad.is_empty() {
                // Still read the rest to report every bad row; nothing will be kept.
                continue;
            }
            seq += 1;
            let file_bin = p.product.bin.clone();
            if let Some(b) = &file_bin {
                db.ensure_bin(b)?;
            }
            let (product_id, bin, new) = match db.product_by_sku(&sku)? {
                Some((pid, mut known)) => {
                    if let (Some(have), Some(given)) = (&known.barcode, &p.product.barcode)
                        && have != given
                    {
                        bad.push(row_bad(
                            "条码",
                            "barcode_mismatch",
                            format!(
                                "商品 {sku} 的条码是 {}，不是 {}",
                                have.as_str(),
                                given.as_str()
                            ),
                            format!(
                                "product {sku} has barcode {}, not {}",
                                have.as_str(),
                                given.as_str()
                            ),
                        ));
                        continue;
                    }
                    let mut changed = false;
                    if known.barcode.is_none() && p.product.barcode.is_some() {
                        known.barcode = p.product.barcode.clone();
                        changed = true;
                    }
                    if known.bin.is_none() && file_bin.is_some() {
                        known.bin = file_bin.clone();
                        changed = true;
                    }
                    if changed {
                        db.update_product(pid, &known)?;
                    }
                    let bin = file_bin.or(known.bin).unwrap_or_default();
                    (pid, bin, false)
                }
                None => {
                    let mut product = p.product.clone();
                    if product.bin.is_none() {
                        product.bin = db.first_free_bin()?;
                    }
                    let pid = db.insert_product(&product)?;
                    (pid, product.bin.unwrap_or_default(), true)
                }
            };
            db.insert_receipt_line(id, seq, product_id, &bin, p.qty, new)?;
        }
        if !bad.is_empty() {
            return Err(refused(&bad));
        }
        if seq == 0 {
            return Err(Error::invalid(
                "入库单文件里没有商品行",
                "the receipt file has no product rows",
            ));
        }
        db.log_event(
            actor,
            "receipt_created",
            &id.to_string(),
            &json!({"file": table.file, "lines": seq}),
        )?;
        Ok(id)
    })?;
    show(store, actor, id)
}

fn load(db: &Db<'_>, id: ReceiptId) -> Result<Receipt> {
    let row = db
        .receipt(id)?
        .ok_or_else(|| Error::not_found("receipt", "入库单", id.to_string()))?;
    Ok(Receipt {
        row,
        lines: db.receipt_lines(id)?,
    })
}

pub fn show(store: &Store, actor: &Actor, id: ReceiptId) -> Result<Receipt> {
    actor.require(Permission::ViewOrders)?;
    load(&store.read(), id)
}

pub fn list(store: &Store, actor: &Actor, limit: usize) -> Result<Vec<ReceiptRow>> {
    actor.require(Permission::ViewOrders)?;
    store.read().receipts(limit)
}

/// The merchant codes of a receipt's labels: each as many times as units came in.
pub fn label_skus(store: &Store, actor: &Actor, id: ReceiptId) -> Result<Vec<String>> {
    Ok(show(store, actor, id)?
        .lines
        .into_iter()
        .flat_map(|l| std::iter::repeat_n(l.sku_code, l.qty.max(0) as usize))
        .collect())
}

/// Puts a receipt's stock in: a receipt move per line, one transaction. When the setting
/// `receipt.require_check` is on, the receipt must have passed its inbound check.
pub fn confirm(store: &mut Store, actor: &Actor, id: ReceiptId) -> Result<Receipt> {
    actor.require(Permission::Receive)?;
    store.write(|db| {
        let r = load(db, id)?;
        if r.row.state == ReceiptState::Confirmed {
            return Err(Error::invalid(
                format!("入库单 {id} 已经确认过了"),
                format!("receipt {id} is already confirmed"),
            ));
        }
        let require = db.setting(REQUIRE_CHECK_SETTING)?.is_some_and(|v| v == "true");
        if require && r.row.verified_at.is_none() {
            return Err(Error::invalid(
                format!(
                    "入库单 {id} 还没有通过入库检验（已扫 {}/{} 件），不能确认",
                    r.checked(),
                    r.units()
                ),
                format!(
                    "receipt {id} has not passed its inbound check yet ({}/{} units scanned) and cannot be confirmed",
                    r.checked(),
                    r.units()
                ),
            ));
        }
        let reference = id.to_string();
        for l in &r.lines {
            db.add_stock_move(MoveKind::Receipt, l.product_id, &l.bin, l.qty, actor, &reference)?;
        }
        db.confirm_receipt(id, actor)?;
        db.log_event(actor, "receipt_confirmed", &reference, &json!({"lines": r.lines.len(), "units": r.units()}))?;
        load(db, id)
    })
}

/// The inbound check of one receipt at one terminal: every labelled unit is scanned back.
pub struct InboundCheck {
    actor: Actor,
    receipt_id: ReceiptId,
}

impl InboundCheck {
    pub fn start(store: &Store, actor: Actor, receipt_id: ReceiptId) -> Result<InboundCheck> {
        actor.require(Permission::InboundCheck)?;
        load(&store.read(), receipt_id)?;
        Ok(InboundCheck { actor, receipt_id })
    }

    pub fn receipt_id(&self) -> ReceiptId {
        self.receipt_id
    }

    /// One scan: a unit's label. Written with its verdict and source in one transaction.
    pub fn scan<'a>(
        &mut self,
        store: &mut Store,
        raw: impl Into<ScanText<'a>>,
        source: ScanSource,
    ) -> Result<Option<StockVerdict>> {
        let code = match raw.into().clean() {
            Ok(None) => return Ok(None),
            Ok(Some(c)) => c,
            Err(chars) => {
                let mut v = StockVerdict::new(Outcome::NotABarcode { chars });
                v.receipt_id = Some(self.receipt_id);
                return Ok(Some(v));
            }
        };
        let (actor, id) = (&self.actor, self.receipt_id);
        store
            .write(|db| {
                let r = load(db, id)?;
                let product = match db.product_by_barcode(&code)? {
                    Some(p) => Some(p),
                    None => db.product_by_sku(&code)?,
                };
                let line = product
                    .as_ref()
                    .and_then(|(pid, _)| r.lines.iter().find(|l| l.product_id == *pid));
                let remaining = r.units() - r.checked();
                let outcome = match (&product, line) {
                    (None, _) => Outcome::UnknownBarcode { code: code.clone() },
                    (Some((_, p)), None) => Outcome::NotOnReceipt {
                        receipt: id,
                        sku: p.sku_code.clone(),
                    },
                    (Some(_), Some(l)) if l.checked >= l.qty => Outcome::OverQuantity {
                        sku: l.sku_code.clone(),
                        scanned: l.checked,
                        expected: l.qty,
                    },
                    (Some(_), Some(l)) if remaining == 1 => Outcome::ReceiptVerified {
                        receipt: id,
                        sku: l.sku_code.clone(),
                        scanned: l.checked + 1,
                        expected: l.qty,
                        units: r.units(),
                    },
                    (Some(_), Some(l)) => Outcome::UnitChecked {
                        receipt: id,
                        sku: l.sku_code.clone(),
                        scanned: l.checked + 1,
                        expected: l.qty,
                    },
                };
                let verified = matches!(outcome, Outcome::ReceiptVerified { .. });
                let mut v = StockVerdict::new(outcome);
                let qty = v.outcome.qty();
                v.receipt_id = Some(id);
                v.remaining = Some(remaining - qty);
                v.scan_id = db.insert_stock_scan(
                    actor,
                    &NewStockScan {
                        mode: ScanMode::InboundCheck,
                        code: &code,
                        verdict: v.outcome.kind(),
                        reason: v.reason(),
                        receipt_id: Some(id),
                        session_id: None,
                        round: 1,
                        bin: None,
                        product_id: if qty > 0 {
                            line.map(|l| l.product_id)
                        } else {
                            None
                        },
                        qty,
                        source,
                        undoes: None,
                    },
                )?;
                if verified && r.row.verified_at.is_none() {
                    db.verify_receipt(id, actor)?;
                    db.log_event(
                        actor,
                        "receipt_verified",
                        &id.to_string(),
                        &json!({"units": r.units()}),
                    )?;
                }
                Ok(Some(v))
            })
            .map_err(Error::in_scan)
    }
}

#[cfg(test)]
mod tests {
    //! The inbound decisions in process, over a demo shop in memory: what each scan of a label
    //! means, and what confirming does and refuses.
    use super::*;
    use crate::domain::Outcome;
    use crate::domain::check::ScanSource;
    use crate::flow::testkit;

    /// A receipt of two new products (2 units and 1) in a scratch CSV.
    fn receipt(shop: &mut testkit::Shop) -> (ReceiptId, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let csv = dir.path().join("in.csv");
        std::fs::write(
            &csv,
            "商家编码,条码,名称,规格,单价,库位,数量\n\
             RC-A,6901234567892,甲,红,10.00,R-01-1,2\n\
             RC-B,6909017490375,乙,蓝,12.00,R-01-2,1\n",
        )
        .unwrap();
        let buyer = shop.actor("CG01", "office");
        let r = create(&mut shop.store, &buyer, &csv).unwrap();
        (r.row.id, dir)
    }

    fn names(v: &[Option<StockVerdict>]) -> Vec<&'static str> {
        v.iter()
            .map(|v| v.as_ref().map_or("-", |v| v.outcome.name()))
            .collect()
    }

    #[test]
    fn every_unit_is_scanned_back_and_wrong_ones_are_refused() {
        let mut shop = testkit::shop();
        let (id, _dir) = receipt(&mut shop);
        let inspector = shop.actor("RK01", "dock");
        let mut check = InboundCheck::start(&shop.store, inspector, id).unwrap();
        let mut out = Vec::new();
        for code in [
            "6901234567892",
            "6901234567892",
            "6901234567892", // a third A: over the quantity
            "6999999999994", // no product
            "",              // nothing
            "6909017490375", // the last unit: verified
        ] {
            out.push(
                check
                    .scan(&mut shop.store, code, ScanSource::Wedge)
                    .unwrap(),
            );
        }
        assert_eq!(
            names(&out),
            [
                "item_ok",
                "item_ok",
                "over_quantity",
                "unknown_barcode",
                "-",
                "receipt_verified"
            ]
        );
        assert!(out[2].as_ref().unwrap().is_error() && out[3].as_ref().unwrap().is_error());
        let r = show(&shop.store, &shop.admin, id).unwrap();
        assert_eq!(
            (r.checked(), r.units()),
            (3, 3),
            "refused scans count nothing"
        );
        assert_eq!(r.row.verified_by.as_deref(), Some("RK01"));
        // A product of the shop that is not on this receipt is refused by name.
        let catalogue_item = crate::demo::catalogue(1)[0].product.sku_code.clone();
        let code = shop
            .store
            .read()
            .product_by_sku(&catalogue_item)
            .unwrap()
            .and_then(|(_, p)| p.barcode.map(|b| b.into_string()))
            .unwrap_or(catalogue_item);
        let v = check
            .scan(&mut shop.store, &code, ScanSource::Wedge)
            .unwrap()
            .unwrap();
        assert!(
            matches!(v.outcome, Outcome::NotOnReceipt { .. }),
            "{:?}",
            v.outcome
        );
    }

    #[test]
    fn confirming_waits_for_the_check_when_the_shop_says_so_and_happens_once() {
        let mut shop = testkit::shop();
        let (id, _dir) = receipt(&mut shop);
        let buyer = shop.actor("CG01", "office");
        let admin = shop.admin.clone();
        crate::flow::settings::set(&mut shop.store, &admin, REQUIRE_CHECK_SETTING, "true").unwrap();
        let e = confirm(&mut shop.store, &buyer, id).unwrap_err();
        assert!(e.zh().contains("还没有通过入库检验"), "{}", e.zh());
        assert_eq!(
            crate::flow::stock::show(&shop.store, &admin, "RC-A", 5)
                .unwrap()
                .record
                .on_hand,
            0,
            "refused: nothing in stock"
        );
        let inspector = shop.actor("RK01", "dock");
        let mut check = InboundCheck::start(&shop.store, inspector, id).unwrap();
        for code in ["6901234567892", "6901234567892", "6909017490375"] {
            check
                .scan(&mut shop.store, code, ScanSource::Wedge)
                .unwrap();
        }
        let r = confirm(&mut shop.store, &buyer, id).unwrap();
        assert_eq!(r.row.state, ReceiptState::Confirmed);
        let a = crate::flow::stock::show(&shop.store, &admin, "RC-A", 5).unwrap();
        assert_eq!(a.record.on_hand, 2);
        assert!(confirm(&mut shop.store, &buyer, id).is_err(), "only once");
        assert_eq!(
            crate::flow::stock::show(&shop.store, &admin, "RC-A", 5)
                .unwrap()
                .record
                .on_hand,
            2
        );
        // A checker may not receive.
        let checker = shop.actor("YH01", "bench");
        assert!(confirm(&mut shop.store, &checker, id).is_err());
    }
}
