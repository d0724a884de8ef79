//! Commands of the bench: review, merge, waybills, batches, the headless scanner, bulk ship.

use crate::domain::Actor;
use crate::domain::review::HoldReason;
use crate::error::Error;
use crate::flow;
use crate::flow::check::{CheckSession, Verdict};
use crate::flow::pick::PickSession;
use crate::store::Store;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum ReviewCmd {
    /// Unprinted orders, oldest first, and whether each is ready.
    List {
        #[arg(long, default_value_t = 200)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Hold an order: address_change, special_courier, cannot_deliver, item_changed,
    /// out_of_stock, customer_request or other (with --note).
    Hold {
        order_no: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    Release {
        order_no: String,
    },
    /// Let an unpaid order ship: paid by bank transfer (汇款). Supervisors only.
    ShipUnpaid {
        order_no: String,
        #[arg(long, default_value = "")]
        note: String,
    },
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Merge every group of ready orders with the same buyer, receiver, phone and address.
    #[arg(long, conflicts_with = "orders")]
    pub auto: bool,
    /// The orders to merge into one parcel.
    pub orders: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum WaybillsCmd {
    /// Add tracking numbers to a courier's pool.
    Add {
        #[arg(long)]
        courier: String,
        /// FROM-TO, e.g. 7700000001-7700000100
        #[arg(long, conflicts_with = "file", required_unless_present = "file")]
        range: Option<String>,
        /// One number per line.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Free and used numbers per courier.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BatchCmd {
    /// Take the ready parcels, oldest first, and give each a tracking number.
    Create {
        #[arg(long)]
        courier: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    Show {
        /// 12 or B12
        id: String,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// The pick list (配货单): lines summed per merchant code, in bin order.
    Picklist {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanMode {
    Check,
    Pick,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[arg(long, value_enum)]
    pub mode: ScanMode,
    /// Read scans from this file (`-`: standard input, the default).
    #[arg(long, default_value = "-")]
    pub input: String,
    /// One JSON object per verdict.
    #[arg(long)]
    pub json: bool,
}

fn batch_id(text: &str) -> Result<i64, Error> {
    text.trim()
        .trim_start_matches(['B', 'b'])
        .parse()
        .map_err(|_| {
            Error::invalid(
                format!("批次编号不对：{text}（例如 12 或 B12）"),
                format!("not a batch id: {text} (e.g. 12 or B12)"),
            )
        })
}

pub fn review(store: &mut Store, actor: &Actor, cmd: ReviewCmd) -> Result<ExitCode, Error> {
    match cmd {
        ReviewCmd::List { limit, json } => {
            let rows = flow::review::review_list(store, actor, limit)?;
            if json {
                let arr: Vec<_> = rows
                    .iter()
                    .map(|(o, r)| {
                        json!({
                            "order_no": o.order_no, "status": o.status.code(), "state": r.code(),
                            "hold_reason": o.hold_reason, "hold_note": o.hold_note, "ship_unpaid": o.ship_unpaid,
                            "parcel_id": o.parcel_id, "buyer": o.buyer, "receiver": o.receiver.name,
                            "unresolved": match r { flow::review::Readiness::Unresolved(s) => s.clone(), _ => vec![] },
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                let ready = rows
                    .iter()
                    .filter(|(_, r)| *r == flow::review::Readiness::Ready)
                    .count();
                println!("可打印 ready {ready} / {}", rows.len());
                for (o, r) in &rows {
                    let why = match r {
                        flow::review::Readiness::Held(h) => {
                            let zh = HoldReason::from_code(h).map_or(h.as_str(), |x| x.zh());
                            format!("暂停 held: {zh} {}", o.hold_note)
                        }
                        flow::review::Readiness::Unresolved(s) => {
                            format!("商品库中没有 unknown SKU: {}", s.join(", "))
                        }
                        flow::review::Readiness::Unpaid => "未付款 unpaid".into(),
                        flow::review::Readiness::NothingToShip => "已全部退款 all refunded".into(),
                        flow::review::Readiness::Ready => "可打印 ready".into(),
                    };
                    let merged = o
                        .parcel_id
                        .map(|p| format!("  [合并 P{p}]"))
                        .unwrap_or_default();
                    println!(
                        "{:<20} {:<12} {}{}",
                        o.order_no, o.receiver.name, why, merged
                    );
                }
            }
        }
        ReviewCmd::Hold {
            order_no,
            reason,
            note,
        } => {
            let r = HoldReason::from_code(&reason)
                .filter(|r| *r != HoldReason::Remark)
                .ok_or_else(|| {
                    let all: Vec<&str> = HoldReason::ALL
                        .iter()
                        .filter(|r| **r != HoldReason::Remark)
                        .map(|r| r.code())
                        .collect();
                    Error::invalid(
                        format!("不认识的暂停原因：{reason}（可用 {}）", all.join(", ")),
                        format!("unknown hold reason: {reason} (use {})", all.join(", ")),
                    )
                })?;
            flow::review::hold(store, actor, &order_no, r, &note)?;
            println!("订单 {order_no} 已暂停 · held: {}", r.zh());
        }
        ReviewCmd::Release { order_no } => {
            flow::review::release(store, actor, &order_no)?;
            println!("订单 {order_no} 已恢复 · released");
        }
        ReviewCmd::ShipUnpaid { order_no, note } => {
            flow::review::ship_unpaid(store, actor, &order_no, &note)?;
            println!("订单 {order_no} 可以未付款发货 · may ship unpaid");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge(store: &mut Store, actor: &Actor, args: MergeArgs) -> Result<ExitCode, Error> {
    if args.auto {
        let merged = flow::merge::merge_auto(store, actor)?;
        println!(
            "合并了 {} 个包裹 · merged {} parcel(s)",
            merged.len(),
            merged.len()
        );
        for m in merged {
            println!("  P{}: {}", m.parcel_id, m.order_nos.join(" "));
        }
    } else {
        let m = flow::merge::merge(store, actor, &args.orders)?;
        println!(
            "已合并 · merged P{}: {}",
            m.parcel_id,
            m.order_nos.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn unmerge(store: &mut Store, actor: &Actor, order_no: &str) -> Result<ExitCode, Error> {
    let nos = flow::merge::unmerge(store, actor, order_no)?;
    println!("已拆分 · unmerged: {}", nos.join(" "));
    Ok(ExitCode::SUCCESS)
}

pub fn waybills(store: &mut Store, actor: &Actor, cmd: WaybillsCmd) -> Result<ExitCode, Error> {
    match cmd {
        WaybillsCmd::Add {
            courier,
            range,
            file,
        } => {
            let numbers = match (range, file) {
                (Some(r), _) => flow::waybills::expand_range(&r)?,
                (None, Some(f)) => flow::waybills::read_numbers(&f)?,
                (None, None) => unreachable!("clap requires one"),
            };
            let a = flow::waybills::add(store, actor, &courier, &numbers)?;
            println!("{courier}: 新增 added {} · 已有 known {}", a.added, a.known);
        }
        WaybillsCmd::Status { json } => {
            let pools = flow::waybills::status(store, actor)?;
            if json {
                let arr: Vec<_> = pools
                    .iter()
                    .map(|p| json!({"courier": p.courier, "free": p.free, "used": p.used}))
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else if pools.is_empty() {
                println!("单号池是空的 · the pool is empty");
            } else {
                for p in pools {
                    println!(
                        "{:<12} 可用 free {:>7} · 已用 used {:>7}",
                        p.courier, p.free, p.used
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_lines(lines: &[flow::batch::ItemLine]) {
    for l in lines {
        println!(
            "    {:<10} {:<16} {:<14} ×{:<3} {} {}",
            l.bin.as_deref().unwrap_or("-"),
            l.sku_code,
            l.barcode.as_deref().unwrap_or("-"),
            l.qty,
            l.title,
            l.spec
        );
    }
}

pub fn batch(store: &mut Store, actor: &Actor, cmd: BatchCmd) -> Result<ExitCode, Error> {
    match cmd {
        BatchCmd::Create {
            courier,
            limit,
            json,
        } => {
            let b = flow::batch::create(store, actor, courier.as_deref(), limit)?;
            if json {
                println!("{}", batch_json(b.batch_id, &b.parcels, Some(b.left_out)));
            } else {
                println!(
                    "批次 B{} · batch B{}: {} 个包裹 parcels",
                    b.batch_id,
                    b.batch_id,
                    b.parcels.len()
                );
                for p in &b.parcels {
                    println!(
                        "  {:>3}  {}  {}",
                        p.seq,
                        p.tracking_no,
                        p.order_nos.join(" ")
                    );
                }
                if b.left_out > 0 {
                    println!(
                        "单号不够：{} 个包裹没有打印 · pool ran out: {} parcel(s) left out",
                        b.left_out, b.left_out
                    );
                }
            }
        }
        BatchCmd::Show { id, json } => {
            let v = flow::batch::show(store, actor, batch_id(&id)?)?;
            if json {
                println!("{}", batch_json(v.batch.id, &v.parcels, None));
            } else {
                let b = &v.batch;
                println!(
                    "批次 B{} {} {} · {} · {}{}",
                    b.id,
                    b.courier,
                    b.created_at,
                    b.staff_code,
                    b.terminal,
                    b.picker_code
                        .as_ref()
                        .map(|p| format!(" · 配货 picker {p}"))
                        .unwrap_or_default()
                );
                for p in &v.parcels {
                    println!(
                        "  {:>3}  {}  {}  [{}]",
                        p.seq,
                        p.tracking_no,
                        p.order_nos.join(" "),
                        p.stage
                    );
                    print_lines(&p.lines);
                }
            }
        }
        BatchCmd::List { limit, json } => {
            let list = flow::batch::list(store, actor, limit)?;
            if json {
                let arr: Vec<_> = list
                    .iter()
                    .map(|b| {
                        json!({"batch_id": b.id, "created_at": b.created_at, "staff_code": b.staff_code, "courier": b.courier,
                               "parcels": b.parcels, "shipped": b.shipped, "picker": b.picker_code})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                for b in list {
                    println!(
                        "B{:<6} {}  {:<10} {:>4} 包裹 parcels  {:>4} 已发 shipped  {}",
                        b.id,
                        b.created_at,
                        b.courier,
                        b.parcels,
                        b.shipped,
                        b.picker_code.unwrap_or_default()
                    );
                }
            }
        }
        BatchCmd::Picklist { id, json } => {
            let id = batch_id(&id)?;
            let lines = flow::batch::show_pick_list(store, actor, id)?;
            if json {
                println!(
                    "{}",
                    json!({"batch_id": id, "barcode": format!("B{id}"), "lines": lines})
                );
            } else {
                println!("配货单 pick list B{id}");
                print_lines(&lines);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn batch_json(
    id: i64,
    parcels: &[flow::batch::PrintedParcel],
    left_out: Option<u64>,
) -> serde_json::Value {
    let mut v = json!({
        "batch_id": id,
        "parcels": parcels.iter().map(|p| json!({
            "seq": p.seq, "tracking_no": p.tracking_no, "courier": p.courier, "order_nos": p.order_nos,
            "stage": p.stage,
            "lines": p.lines.iter().map(|l| json!({"sku_code": l.sku_code, "barcode": l.barcode, "bin": l.bin, "qty": l.qty})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    if let Some(n) = left_out {
        v["left_out"] = json!(n);
    }
    v
}

fn print_verdict(out: &mut impl Write, v: &Verdict, json: bool) -> std::io::Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string(v).expect("serialisable"))?;
    } else {
        let mark = if v.is_error() { "✗" } else { "✓" };
        writeln!(
            out,
            "{mark} [{}] {} · {}",
            v.verdict, v.message_zh, v.message_en
        )?;
        for l in &v.lines {
            writeln!(
                out,
                "    {:<16} {:<14} {}/{}  {} {}",
                l.sku_code,
                l.barcode.as_deref().unwrap_or("-"),
                l.scanned,
                l.expected,
                l.title,
                l.spec
            )?;
        }
    }
    out.flush()
}

/// The headless bench: reads scans, one per line, and prints each verdict once it is stored.
pub fn scan(store: &mut Store, actor: &Actor, args: ScanArgs) -> Result<ExitCode, Error> {
    let input: Box<dyn BufRead> = if args.input == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = std::fs::File::open(&args.input).map_err(|e| Error::io(&args.input, e))?;
        Box::new(std::io::BufReader::new(f))
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| Error::io("stdout", e);
    match args.mode {
        ScanMode::Check => {
            let (mut session, resumed) = CheckSession::start(store, actor.clone())?;
            for v in &resumed {
                print_verdict(&mut out, v, args.json).map_err(io)?;
                session.shown(v.scan_id);
            }
            for line in input.split(b'\n') {
                let line = line.map_err(|e| Error::io(&args.input, e))?;
                // A scanner sends ASCII; anything not UTF-8 is kept as well as it can be.
                let text = String::from_utf8_lossy(&line);
                for v in session.scan(store, &text)? {
                    print_verdict(&mut out, &v, args.json).map_err(io)?;
                    session.shown(v.scan_id);
                }
            }
            session.close(store)?;
        }
        ScanMode::Pick => {
            let mut session = PickSession::start(actor.clone())?;
            for line in input.split(b'\n') {
                let line = line.map_err(|e| Error::io(&args.input, e))?;
                for v in session.scan(store, &String::from_utf8_lossy(&line))? {
                    print_verdict(&mut out, &v, args.json).map_err(io)?;
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn ship(store: &mut Store, actor: &Actor, batch: &str, json: bool) -> Result<ExitCode, Error> {
    let r = flow::ship::ship_batch(store, actor, batch_id(batch)?)?;
    if json {
        let skipped: Vec<_> = r
            .skipped
            .iter()
            .map(|(t, why)| json!({"tracking_no": t, "reason": why}))
            .collect();
        println!("{}", json!({"shipped": r.shipped, "skipped": skipped}));
    } else {
        println!(
            "已发货 shipped {} · 未发 skipped {}",
            r.shipped.len(),
            r.skipped.len()
        );
        for (t, why) in &r.skipped {
            println!("  {t}: {why}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
