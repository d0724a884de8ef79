//! The way back to Taobao: the shipments of a batch or a day for the seller centre's bulk
//! delivery (批量发货: 订单编号, 物流公司, 运单号), as a CSV with a UTF-8 BOM (Chinese Excel opens it
//! right) or an XLSX. One row per order: merged orders share their parcel's number.

use crate::domain::{Actor, BatchId, Permission};
use crate::error::{Error, Result};
use crate::output::{Guard, OutKind};
use crate::store::Store;
use chrono::NaiveDate;
use serde_json::json;
use std::path::Path;

/// Which shipments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Batch(BatchId),
    /// The batches printed that day (Beijing time).
    Day(NaiveDate),
}

/// One order as Taobao's bulk delivery takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shipment {
    pub order_no: String,
    pub courier: String,
    pub tracking_no: String,
}

/// The header of the file, as the seller centre's bulk delivery names its columns.
pub const HEADER: [&str; 3] = ["订单编号", "物流公司", "运单号"];

/// The orders with a tracking number in the batch, or in the day's batches, in print order.
/// A cancelled batch has none (its numbers went back to the pool).
pub fn shipments(store: &Store, actor: &Actor, which: Which) -> Result<Vec<Shipment>> {
    Ok(shipments_and_phone(store, actor, which)?.0)
}

/// `shipments`, and how many phone orders were left out (not on Taobao).
fn shipments_and_phone(
    store: &Store,
    actor: &Actor,
    which: Which,
) -> Result<(Vec<Shipment>, usize)> {
    actor.require(Permission::ShipOrders)?;
    let batches: Vec<BatchId> = match which {
        Which::Batch(id) => vec![id],
        Which::Day(day) => {
            let zone = crate::domain::time::shop_zone();
            let mut ids: Vec<BatchId> = super::batch::list(store, actor, 100_000)?
                .into_iter()
                .filter(|b| {
                    crate::domain::time::from_store(&b.created_at)
                        .is_some_and(|t| t.with_timezone(&zone).date_naive() == day)
                })
                .map(|b| b.id)
                .collect();
            ids.reverse();
            ids
        }
    };
    let mut out = Vec::new();
    let mut phone = 0;
    for id in batches {
        let view = super::batch::show(store, actor, id)?;
        for p in view.parcels.iter().filter(|p| !p.tracking_no.is_empty()) {
            for no in &p.order_nos {
                // A phone order is not on Taobao: nothing to tell it.
                if store.read().is_phone_order(no)? {
                    phone += 1;
                    continue;
                }
                out.push(Shipment {
                    order_no: no.clone(),
                    courier: p.courier.clone(),
                    tracking_no: p.tracking_no.clone(),
                });
            }
        }
    }
    Ok((out, phone))
}

/// Writes the shipments to `out`: an XLSX when it ends in `.xlsx`, else a CSV with a BOM.
/// Order and tracking numbers are text in the XLSX (19 digits are no number Excel keeps).
/// Logged as `shipments_exported`. Returns how many rows.
pub fn export(
    store: &mut Store,
    actor: &Actor,
    which: Which,
    out: &Path,
    guard: &Guard,
) -> Result<usize> {
    let (rows, phone) = shipments_and_phone(store, actor, which)?;
    if rows.is_empty() && phone > 0 {
        return Err(Error::invalid(
            format!("没有要告诉淘宝的发货：这里的 {phone} 单都是电话订单"),
            format!("nothing to tell Taobao: the {phone} order(s) there are phone orders"),
        ));
    }
    if rows.is_empty() {
        return Err(Error::invalid(
            "没有可以导出的发货：批次里没有快递单号（批次不存在、已取消，或那天没有打印批次）",
            "nothing to export: no tracking numbers there (no such batch, a cancelled one, or no batch printed that day)",
        ));
    }
    let xlsx = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx {
        guard.write(out, OutKind::Spreadsheet, &xlsx_bytes(&rows)?)?;
    } else {
        guard.write(out, OutKind::ShipmentsCsv, &csv_bytes(&rows))?;
    }
    let what = match which {
        Which::Batch(id) => id.to_string(),
        Which::Day(d) => d.to_string(),
    };
    store.write(|db| {
        db.log_event(
            actor,
            "shipments_exported",
            &what,
            &json!({"rows": rows.len(), "file": out.display().to_string()}),
        )
    })?;
    Ok(rows.len())
}

fn csv_bytes(rows: &[Shipment]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(HEADER).expect("to memory");
    for r in rows {
        w.write_record([&r.order_no, &r.courier, &r.tracking_no])
            .expect("to memory");
    }
    w.into_inner().expect("to memory")
}

fn xlsx_bytes(rows: &[Shipment]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let bad = |e: rust_xlsxwriter::XlsxError| {
        Error::invalid(
            format!("无法写出表格：{e}"),
            format!("cannot write the spreadsheet: {e}"),
        )
    };
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("发货").map_err(bad)?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADER.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(bad)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_string(row, 0, &r.order_no).map_err(bad)?;
        sheet.write_string(row, 1, &r.courier).map_err(bad)?;
        sheet.write_string(row, 2, &r.tracking_no).map_err(bad)?;
    }
    sheet.set_column_width(0, 24).map_err(bad)?;
    sheet.set_column_width(1, 14).map_err(bad)?;
    sheet.set_column_width(2, 20).map_err(bad)?;
    sheet.set_freeze_panes(1, 0).map_err(bad)?;
    book.save_to_buffer().map_err(bad)
}
