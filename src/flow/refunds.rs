//! Refunds from Taobao (退款管理 → 导出) into the store: one per refund number, a re-import
//! updating what changed; all or nothing, as the order import.

use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::import::refunds::{REFUND_COLUMNS, parse_refund_row};
use crate::import::table::Table;
use crate::import::{BadRow, RefundImportSummary};
use crate::store::Store;
use serde_json::json;
use std::collections::HashMap;
use std::path::Path;

/// Imports a refund export. The CS supervisor's (退货退款) and the order printer's; one bad row
/// and nothing is written, every bad row said.
pub fn import_refunds(
    store: &mut Store,
    actor: &Actor,
    path: &Path,
) -> Result<RefundImportSummary> {
    actor
        .require(Permission::HandleExceptions)
        .or_else(|_| actor.require(Permission::ImportOrders))?;
    let mut summary = RefundImportSummary::default();
    let mut table = match Table::open(path, &REFUND_COLUMNS) {
        Ok(t) => t,
        Err(bad) => {
            summary.rejected = bad;
            return Ok(summary);
        }
    };
    let mut refunds = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    while let Some(row) = table.next_row() {
        let row = match row {
            Ok(r) => r,
            Err(bad) => {
                summary.rejected.push(bad);
                continue;
            }
        };
        match parse_refund_row(&table, &row) {
            Ok(r) => {
                if let Some(first) = seen.insert(r.refund_no.clone(), row.line) {
                    summary.rejected.push(BadRow::new(
                        &table.file,
                        row.line,
                        "退款编号",
                        "duplicate_refund",
                        format!("退款 {} 与第 {first} 行重复", r.refund_no),
                        format!("refund {} repeats line {first}", r.refund_no),
                    ));
                    continue;
                }
                refunds.push(r);
            }
            Err(bad) => summary.rejected.push(bad),
        }
    }
    if !summary.rejected.is_empty() {
        return Ok(summary);
    }
    let file = table.file.clone();
    store.write(|db| {
        let nos: Vec<&str> = refunds.iter().map(|r| r.refund_no.as_str()).collect();
        let known = db.refunds_by_no(&nos)?;
        for r in &refunds {
            match known.get(&r.refund_no) {
                None => {
                    db.put_refund(r)?;
                    summary.refunds_new += 1;
                }
                Some(old) if old == r => summary.refunds_unchanged += 1,
                Some(old) => {
                    db.put_refund(r)?;
                    summary.refunds_updated += 1;
                    if old.status != r.status {
                        db.log_event(
                            actor,
                            "refund_status_changed",
                            &r.order_no,
                            &json!({"refund": r.refund_no, "from": old.status.code(), "to": r.status.code()}),
                        )?;
                    }
                }
            }
        }
        db.log_event(
            actor,
            "refunds_imported",
            &file,
            &json!({"refunds_new": summary.refunds_new, "refunds_updated": summary.refunds_updated,
                    "refunds_unchanged": summary.refunds_unchanged}),
        )
    })?;
    summary.committed = true;
    Ok(summary)
}
