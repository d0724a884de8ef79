//! After printing (issue 15): waybills voided and replaced, orders taken out of parcels, the
//! exceptions lists.

use crate::domain::Actor;
use crate::domain::exception::{Exception, Queue};
use crate::error::Error;
use crate::flow;
use crate::store::Store;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum WaybillCmd {
    /// Void a printed waybill (its number is never used again): the parcel waits for a new one.
    Void {
        tracking_no: String,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        json: bool,
    },
    /// Give the parcel of an order, whose waybill was voided, a new number (of another courier
    /// with --courier); print it with `print waybills --batch B --only NUMBER`.
    New {
        order_no: String,
        #[arg(long)]
        courier: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ParcelCmd {
    /// Take an order out of a printed, merged parcel; the rest ships under the same waybill.
    RemoveOrder {
        tracking_no: String,
        order_no: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Where Taobao and the goods disagree: parcels reported shipped on Taobao that have not
    /// left, and orders shipped here that the last import saw unshipped on Taobao (自审4).
    Shipping {
        #[arg(long)]
        json: bool,
    },
}

pub fn audit(store: &mut Store, actor: &Actor, cmd: AuditCmd) -> Result<ExitCode, Error> {
    match cmd {
        AuditCmd::Shipping { json } => {
            let d = flow::audit::shipping(store, actor)?;
            if json {
                print_json(&d);
            } else {
                println!(
                    "淘宝已发货、货还没出库 · reported on Taobao, not left ({}):",
                    d.reported_not_left.len()
                );
                for p in &d.reported_not_left {
                    println!(
                        "  {} {} ({})",
                        p.tracking_no,
                        p.order_nos.join(", "),
                        flow::print::shop_time(&p.reported_at)
                    );
                }
                println!(
                    "这里已发货、淘宝上没发货 · shipped here, not on Taobao ({}): {}",
                    d.not_shipped_on_taobao.len(),
                    d.not_shipped_on_taobao.join(", ")
                );
                println!(
                    "淘宝上只发了一部分 · shipped on Taobao in part ({}): {}",
                    d.partly_shipped_on_taobao.len(),
                    d.partly_shipped_on_taobao.join(", ")
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Subcommand)]
pub enum ExceptionsCmd {
    /// What is still to handle, oldest first.
    List {
        /// printer or supervisor (default: both)
        #[arg(long, value_parser = ["printer", "supervisor"])]
        queue: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Mark one handled, saying what was done.
    Handle {
        id: i64,
        #[arg(long, default_value = "")]
        note: String,
    },
}

fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(v).expect("serialisable"));
}

pub fn waybill(store: &mut Store, actor: &Actor, cmd: WaybillCmd) -> Result<ExitCode, Error> {
    match cmd {
        WaybillCmd::Void {
            tracking_no,
            reason,
            json,
        } => {
            let v = flow::parcels::void_waybill(store, actor, &tracking_no, &reason)?;
            if json {
                print_json(&v);
            } else {
                println!(
                    "快递单 {} 已作废 · waybill voided ({})",
                    v.tracking_no,
                    v.order_nos.join(", ")
                );
                if v.to_ship {
                    println!(
                        "换新单 · new waybill: packbench waybill new {}",
                        v.order_nos.first().map_or("", String::as_str)
                    );
                }
            }
        }
        WaybillCmd::New {
            order_no,
            courier,
            json,
        } => {
            let n = flow::parcels::new_waybill(store, actor, &order_no, courier.as_deref())?;
            if json {
                print_json(&n);
            } else {
                println!(
                    "新快递单 · new waybill: {} {} ({})",
                    n.courier,
                    n.tracking_no,
                    n.order_nos.join(", ")
                );
                println!(
                    "打印 · print: packbench print waybills --batch {} --only {}",
                    n.batch_id, n.tracking_no
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn parcel(store: &mut Store, actor: &Actor, cmd: ParcelCmd) -> Result<ExitCode, Error> {
    match cmd {
        ParcelCmd::RemoveOrder {
            tracking_no,
            order_no,
            json,
        } => {
            let r = flow::parcels::remove_order(store, actor, &tracking_no, &order_no)?;
            if json {
                print_json(&r);
            } else {
                println!(
                    "订单 {} 已从包裹 {} 拿出 · taken out; 包裹里还有 · left: {}",
                    r.order_no,
                    r.tracking_no,
                    r.left.join(", ")
                );
                if r.back_to_review {
                    println!("订单回到审单 · the order is back in review");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn exception_line(e: &Exception) -> String {
    format!(
        "#{} {} · {} | {} {} | {} | {} {}",
        e.id,
        e.kind.zh(),
        e.kind.en(),
        e.order_no,
        e.tracking_no,
        e.note,
        e.raised_by,
        flow::print::shop_time(&e.at)
    )
}

pub fn exceptions(store: &mut Store, actor: &Actor, cmd: ExceptionsCmd) -> Result<ExitCode, Error> {
    match cmd {
        ExceptionsCmd::List { queue, json } => {
            let queue = queue.as_deref().and_then(Queue::from_code);
            let list = flow::exceptions::open(store, actor, queue)?;
            if json {
                print_json(&list);
            } else if list.is_empty() {
                println!("没有待处理的异常 · nothing to handle");
            } else {
                for e in &list {
                    println!("{}", exception_line(e));
                }
            }
        }
        ExceptionsCmd::Handle { id, note } => {
            let e = flow::exceptions::handle(store, actor, id, &note)?;
            println!("已处理 · handled: {}", exception_line(&e));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One verdict of the return desk: a JSON line, or a line for people.
pub fn print_return_verdict(
    out: &mut impl std::io::Write,
    v: &flow::returns::ReturnVerdict,
    json: bool,
) -> std::io::Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string(v).expect("serialisable"))?;
    } else {
        let mark = if v.is_error() { "✗" } else { "✓" };
        writeln!(out, "{mark} [{}] {} · {}", v.name(), v.zh(), v.en())?;
    }
    out.flush()
}
