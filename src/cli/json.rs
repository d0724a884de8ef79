//! What the command line prints: JSON in the documented shapes, and plain text for people.

use super::table::pad;
use crate::domain::time::to_shop_rfc3339;
use crate::domain::{Actor, Order, OrderStatus};
use crate::error::Error;
use crate::store::{
    EventRow, OrderRecord, OrderSummary, ProductRecord, RemarkRow, StaffRecord, Store,
};
use serde_json::{Value, json};
use std::io::Write;

/// `{"order_no","status","buyer","receiver":{…},"paid_at","courier","tracking_no","hold_reason",
/// "lines":[…],"remarks":[…]}`; `lines` only when `barcodes` is given (a listing has none).
pub fn order(
    o: &Order,
    hold_reason: Option<&str>,
    barcodes: Option<&[Option<String>]>,
    remarks: &[RemarkRow],
) -> Value {
    let mut v = json!({
        "order_no": o.order_no,
        "status": o.status.code(),
        "buyer": o.buyer,
        "receiver": {"name": o.receiver.name, "phone": o.receiver.phone, "address": o.receiver.address},
        "created_at": to_shop_rfc3339(&o.created_at),
        "paid_at": o.paid_at.as_ref().map(to_shop_rfc3339),
        "courier": o.courier,
        "tracking_no": o.tracking_no,
        "hold_reason": hold_reason,
        "buyer_message": o.buyer_message,
        "remarks": remarks.iter().map(|r| json!({
            "text": r.text, "staff_code": r.staff_code, "at": to_shop_rfc3339(&r.at), "flag": r.flag, "source": r.source,
        })).collect::<Vec<_>>(),
    });
    if let Some(barcodes) = barcodes {
        v["lines"] = o
            .lines
            .iter()
            .zip(barcodes)
            .map(|(l, b)| {
                json!({
                    "sku_code": l.sku_code, "barcode": b, "title": l.title, "spec": l.spec, "qty": l.qty,
                    "price_fen": l.price.0, "status": l.status.code(), "refunded": l.is_refunded(o.status),
                })
            })
            .collect();
    }
    v
}

pub fn product(p: &ProductRecord) -> Value {
    json!({
        "sku_code": p.product.sku_code,
        "barcode": p.product.barcode.as_ref().map(|b| b.as_str()),
        "symbology": p.product.barcode.as_ref().map(|b| b.symbology().code()),
        "name": p.product.name,
        "spec": p.product.spec,
        "price_fen": p.product.price.0,
        "bin": p.product.bin,
        "state": p.product.state.code(),
        "on_hand": p.on_hand,
        "stock": p.stock.iter().map(|s| json!({"bin": s.bin, "qty": s.qty})).collect::<Vec<_>>(),
    })
}

pub fn staff(list: &[StaffRecord]) -> Value {
    Value::Array(
        list.iter()
            .map(|s| {
                json!({"code": s.staff.code, "name": s.staff.name, "role": s.staff.role.code(),
                       "active": s.staff.active, "has_pin": s.has_pin})
            })
            .collect(),
    )
}

fn event(e: &EventRow) -> Value {
    json!({"id": e.id, "at": e.at, "staff_code": e.staff_code, "terminal": e.terminal,
           "kind": e.kind, "subject": e.subject, "detail": e.detail})
}

/// `events`: as JSON or as text, written as the events are read.
pub fn stream_events(
    store: &Store,
    actor: &Actor,
    kind: Option<&str>,
    limit: usize,
    json: bool,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::io("stdout", e);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        let mut arr = ArrayWriter::new(out).map_err(io)?;
        crate::flow::orders::each_event(store, actor, kind, limit, |e| {
            arr.push(&event(&e)).map_err(io)
        })?;
        arr.finish().map_err(io)
    } else {
        crate::flow::orders::each_event(store, actor, kind, limit, |e| {
            let row = format!(
                "{}  {:<8} {} {:<22} {}  {}",
                crate::domain::time::stored_to_shop_local(&e.at),
                e.staff_code,
                pad(&e.terminal, 10),
                e.kind,
                e.subject,
                e.detail
            );
            writeln!(out, "{}", super::shown::line(&row)).map_err(io)
        })?;
        out.flush().map_err(io)
    }
}

pub fn print_order_text(r: &OrderRecord) {
    let o = &r.order;
    println!(
        "订单 {}  {} ({})",
        o.order_no,
        o.status.zh(),
        o.status.code()
    );
    println!("买家 buyer    {}", o.buyer);
    println!("收货 receiver {}  {}", o.receiver.name, o.receiver.phone);
    println!("地址 address  {}", o.receiver.address.replace('\n', " "));
    if let Some(t) = &o.paid_at {
        println!("付款 paid     {}", to_shop_rfc3339(t));
    }
    if let Some(t) = &o.tracking_no {
        println!("快递 courier  {} {}", o.courier.as_deref().unwrap_or(""), t);
    }
    if let Some(h) = &r.hold_reason {
        println!("暂停 hold     {h}");
    }
    if !o.buyer_message.is_empty() {
        println!("留言 message  {}", o.buyer_message);
    }
    for (l, b) in o.lines.iter().zip(&r.line_barcodes) {
        let state = if l.is_refunded(o.status) {
            "  已退款 refunded"
        } else {
            ""
        };
        println!(
            "  {} {:<14} ×{:<3} {:>8}  {} {}{}",
            pad(&l.sku_code, 16),
            b.as_deref().unwrap_or("-"),
            l.qty,
            l.price.to_string(),
            l.title,
            l.spec,
            state
        );
    }
    for m in &r.remarks {
        let flag = if m.flag { "🚩 " } else { "" };
        println!(
            "  备注 {}{} [{}] {}",
            flag,
            to_shop_rfc3339(&m.at),
            m.staff_code.as_deref().unwrap_or("-"),
            m.text
        );
    }
}

/// A JSON array written one element at a time, as the rows come from the store.
pub struct ArrayWriter<W: Write> {
    out: W,
    first: bool,
}

impl<W: Write> ArrayWriter<W> {
    pub fn new(mut out: W) -> std::io::Result<ArrayWriter<W>> {
        out.write_all(b"[")?;
        Ok(ArrayWriter { out, first: true })
    }

    pub fn push(&mut self, v: &impl serde::Serialize) -> std::io::Result<()> {
        if !self.first {
            self.out.write_all(b",")?;
        }
        self.first = false;
        // One element at a time through the terminal-safe filter (`shown::line`): DEL, C1 and
        // bidi controls from imported names become JSON's own escapes.
        let text = serde_json::to_string(v).map_err(std::io::Error::from)?;
        self.out.write_all(super::shown::line(&text).as_bytes())
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.out.write_all(b"]\n")?;
        self.out.flush()
    }
}

/// `orders list`: as JSON or as a table, written as the orders are read, so a listing of a
/// million orders takes the memory of one.
pub fn stream_orders(
    store: &Store,
    actor: &Actor,
    status: Option<OrderStatus>,
    limit: usize,
    json: bool,
) -> Result<(), Error> {
    let io = |e: std::io::Error| Error::io("stdout", e);
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    if json {
        let mut arr = ArrayWriter::new(out).map_err(io)?;
        crate::flow::orders::each_order(store, actor, status, limit, |o| {
            arr.push(&order(&o.order, o.hold_reason.as_deref(), None, &o.remarks))
                .map_err(io)
        })?;
        arr.finish().map_err(io)
    } else {
        let mut out = out;
        writeln!(out, "{}", orders_text_header()).map_err(io)?;
        crate::flow::orders::each_order(store, actor, status, limit, |o| {
            writeln!(out, "{}", super::shown::line(&order_text_row(&o))).map_err(io)
        })?;
        out.flush().map_err(io)
    }
}

fn orders_text_header() -> String {
    format!(
        "{}{}{}{}{:>4}  付款时间 paid",
        pad("订单编号 order", 21),
        pad("状态", 9),
        pad("买家 buyer", 20),
        pad("收货人", 10),
        "行"
    )
}

fn order_text_row(s: &OrderSummary) -> String {
    let o = &s.order;
    format!(
        "{}{}{}{}{:>4}  {}",
        pad(&o.order_no, 21),
        pad(o.status.zh(), 9),
        pad(&o.buyer, 20),
        pad(&o.receiver.name, 10),
        s.line_count,
        o.paid_at.as_ref().map(to_shop_rfc3339).unwrap_or_default()
    )
}

pub fn print_product_text(p: &ProductRecord) {
    let q = &p.product;
    println!("{}  {} {}", q.sku_code, q.name, q.spec);
    println!(
        "条码 barcode {}",
        q.barcode
            .as_ref()
            .map(|b| b.as_str())
            .unwrap_or("（待分配 needs one）")
    );
    println!("单价 price   {}", q.price);
    println!("库位 bin     {}", q.bin.as_deref().unwrap_or("-"));
    println!(
        "库存 on hand {}{}",
        p.on_hand,
        if p.on_hand < 0 {
            "  ⚠ 负库存 negative"
        } else {
            ""
        }
    );
    if q.state != crate::domain::ProductState::Active {
        println!("状态 state   停用 discontinued");
    }
}

/// An order's refunds, exceptions, exchange link and returns, added to its JSON.
pub fn add_after_sale(v: &mut Value, a: &crate::flow::orders::AfterSale) {
    let refunds: Vec<Value> = a
        .refunds
        .iter()
        .map(|r| {
            serde_json::json!({
                "refund_no": r.refund_no, "status": r.status.code(), "sku_code": r.sku_code,
                "amount_fen": r.amount.0, "return_waybill": r.return_waybill, "reason": r.reason,
            })
        })
        .collect();
    let returns: Vec<Value> = a
        .returns
        .iter()
        .map(|r| serde_json::json!({"waybill": r.waybill, "posted_at": r.posted_at}))
        .collect();
    if let Some(o) = v.as_object_mut() {
        o.insert("refunds".into(), Value::Array(refunds));
        o.insert(
            "exceptions".into(),
            serde_json::to_value(&a.exceptions).unwrap_or_default(),
        );
        o.insert("exchange_for".into(), serde_json::json!(a.exchange_for));
        o.insert("returns".into(), Value::Array(returns));
    }
}

pub fn print_after_sale_text(a: &crate::flow::orders::AfterSale) {
    for r in &a.refunds {
        println!(
            "  退款 refund {} {} · {} {} {}",
            r.refund_no,
            r.status.zh(),
            r.status.en(),
            r.amount,
            r.return_waybill.as_deref().unwrap_or("")
        );
    }
    if let Some(o) = &a.exchange_for {
        println!("  换货 exchange for {o}");
    }
    for e in &a.exceptions {
        let state = if e.handled_at.is_some() {
            "已处理 handled"
        } else {
            "待处理 open"
        };
        println!(
            "  异常 #{} {} · {} [{state}] {}",
            e.id,
            e.kind.zh(),
            e.kind.en(),
            e.note
        );
    }
    for r in &a.returns {
        let state = if r.posted_at.is_some() {
            "已入库 received"
        } else {
            "未入库 open"
        };
        println!("  退件 return {} [{state}]", r.waybill);
    }
}
