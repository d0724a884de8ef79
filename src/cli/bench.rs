//! Commands of the bench: review, merge, waybills, batches, the headless scanner, bulk ship.

use super::table::pad;
use crate::domain::check::ScanText;
use crate::domain::review::HoldReason;
use crate::domain::time::stored_to_shop_local;
use crate::domain::{Actor, BatchId, ScanSource};
use crate::error::Error;
use crate::flow;
use crate::flow::check::{CheckSession, Verdict};
use crate::flow::pick::PickSession;
use crate::store::Store;
use clap::{Args, Subcommand, ValueEnum};
use serde_json::json;
use std::io::Write;
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
    /// Free and used numbers per courier; those below the low-numbers line marked.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// The low-numbers line: fewer free numbers than this for a courier is shown as low.
    Threshold { free: String },
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
    /// What `batch create` would take now, without taking it: parcels, ready, free numbers.
    Plan {
        #[arg(long)]
        courier: Option<String>,
        #[arg(long)]
        limit: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Cancel a batch made by mistake, before its waybills are printed: its numbers go back to
    /// the pool and its orders are ready again.
    Cancel {
        /// 12 or B12
        id: String,
        #[arg(long)]
        reason: String,
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
    /// 入库检验: every labelled unit of a receipt (--receipt).
    InboundCheck,
    /// 盘点: a bin label, then its items (--session).
    Stocktake,
    /// 退货到货: a return waybill, then its items (`DAMAGED` before a damaged one).
    Return,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[arg(long, value_enum)]
    pub mode: ScanMode,
    /// Read scans from this file (`-`: standard input, the default).
    #[arg(long, default_value = "-", conflicts_with = "serial")]
    pub input: String,
    #[arg(long, help = crate::os::Os::THIS.pick(
        "Read scans from a serial scanner on this port (e.g. COM3) instead",
        "Read scans from a serial scanner on this port (e.g. /dev/ttyUSB0) instead",
    ))]
    pub serial: Option<String>,
    /// The serial port's speed (default: the station's setting for that port, else 9600).
    #[arg(long, requires = "serial")]
    pub baud: Option<u32>,
    /// One JSON object per verdict.
    #[arg(long)]
    pub json: bool,
    /// The receipt of an inbound check (12 or R12).
    #[arg(long)]
    pub receipt: Option<String>,
    /// The stocktake session counted (3 or S3).
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScannersCmd {
    #[command(about = crate::os::Os::THIS.pick(
        "The serial (COM) ports Windows knows",
        "The serial ports found in /sys/class/tty (pseudo-terminals are not listed)",
    ))]
    List,
}

#[derive(Debug, Subcommand)]
pub enum StationCmd {
    Show {
        #[arg(long)]
        json: bool,
    },
    /// Change this station's scanner and print settings; what is not given stays.
    Set {
        /// Longest gap between two keys of a keyboard-wedge scan, in ms (default 35).
        #[arg(long)]
        threshold_ms: Option<u64>,
        /// Fewest characters of a scan (default 4).
        #[arg(long)]
        min_len: Option<usize>,
        /// What ends a wedge scan: enter, tab or none (a quiet gap).
        #[arg(long, value_parser = ["enter", "tab", "none"])]
        suffix: Option<String>,
        /// Characters the scanner sends first, stripped.
        #[arg(long)]
        prefix: Option<String>,
        /// Whether the scanners send AIM symbology identifiers (]C1, ]E0 …): on or off.
        #[arg(long, value_parser = ["on", "off"])]
        aim: Option<String>,
        #[arg(long, help = crate::os::Os::THIS.pick(
            "A serial scanner: PORT[:BAUD[:cr|lf|crlf]], e.g. COM3:9600:cr. Repeat for more",
            "A serial scanner: PATH[:BAUD[:cr|lf|crlf]], e.g. /dev/ttyUSB0:9600:cr. Repeat for more",
        ))]
        serial: Vec<String>,
        /// Forget the serial scanners set before.
        #[arg(long)]
        clear_serial: bool,
        /// Where this station writes PDF files (a full path); "" for the print folder beside
        /// the store.
        #[arg(long)]
        print_dir: Option<String>,
        /// The printer this station prints to at once; "" for PDF files.
        #[arg(long)]
        printer: Option<String>,
        /// The language of that printer for waybills: pdf (pages, through its driver), or tspl
        /// or zpl for a thermal waybill printer fed raw.
        #[arg(long, value_parser = ["pdf", "tspl", "zpl"])]
        waybill_format: Option<String>,
    },
}

pub fn scanners(cmd: ScannersCmd) -> Result<ExitCode, Error> {
    match cmd {
        ScannersCmd::List => {
            let ports = crate::scan::serial::list_ports().map_err(|e| {
                Error::invalid(
                    format!("无法列出串口：{e}"),
                    format!("cannot list serial ports: {e}"),
                )
            })?;
            if ports.is_empty() {
                println!("没有找到串口 · no serial ports found");
            }
            for p in ports {
                println!("{:<20} {}", p.path, p.kind);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn station(store: &mut Store, actor: &Actor, cmd: StationCmd) -> Result<ExitCode, Error> {
    let terminal = actor.terminal.clone();
    match cmd {
        StationCmd::Show { json } => {
            let s = flow::station::scanner_settings(store, &terminal)?;
            let p = flow::station::print_settings(store, &terminal)?;
            if json {
                println!(
                    "{}",
                    json!({"station": terminal, "scanner": s, "print_dir": p.dir, "printer": p.printer,
                        "waybill_format": p.waybill_format.code()})
                );
            } else {
                println!("验货台 station {terminal}");
                println!(
                    "  键盘扫码枪 wedge: 间隔 gap ≤ {} ms · 最短 min {} · 结束 suffix {:?} · 前缀 prefix {:?} · AIM {}",
                    s.threshold_ms,
                    s.min_len,
                    s.suffix,
                    s.prefix,
                    if s.aim { "on" } else { "off" }
                );
                for p in &s.serial {
                    println!("  串口 serial: {} {} {:?}", p.path, p.baud, p.terminator);
                }
                println!(
                    "  打印文件夹 print folder: {}",
                    p.dir
                        .as_ref()
                        .map_or("(默认 default)".to_string(), |d| d.display().to_string())
                );
                println!(
                    "  打印机 printer: {} · 快递单 waybills: {}",
                    p.printer.as_deref().unwrap_or("(PDF)"),
                    p.waybill_format.code()
                );
            }
        }
        StationCmd::Set {
            threshold_ms,
            min_len,
            suffix,
            prefix,
            aim,
            serial,
            clear_serial,
            print_dir,
            printer,
            waybill_format,
        } => {
            use crate::scan::wedge::Suffix;
            let mut s = flow::station::scanner_settings(store, &terminal)?;
            if let Some(v) = threshold_ms {
                s.threshold_ms = v;
            }
            if let Some(v) = min_len {
                s.min_len = v;
            }
            if let Some(v) = suffix {
                s.suffix = match v.as_str() {
                    "enter" => Suffix::Enter,
                    "tab" => Suffix::Tab,
                    _ => Suffix::None,
                };
            }
            if let Some(v) = prefix {
                s.prefix = v;
            }
            if let Some(v) = aim {
                s.aim = v == "on";
            }
            if clear_serial {
                s.serial.clear();
            }
            for spec in &serial {
                let c = crate::scan::serial::SerialConfig::parse(spec)?;
                s.serial.retain(|p| p.path != c.path);
                s.serial.push(c);
            }
            let mut p = flow::station::print_settings(store, &terminal)?;
            if let Some(d) = print_dir {
                p.dir = (!d.trim().is_empty()).then(|| std::path::PathBuf::from(d.trim()));
            }
            if let Some(name) = printer {
                p.printer = (!name.trim().is_empty()).then(|| name.trim().to_string());
            }
            if let Some(f) = waybill_format {
                p.waybill_format = flow::print::PrintFormat::parse(&f)?;
            }
            flow::station::set_station(store, actor, &terminal, &s, &p)?;
            println!(
                "已保存 · saved: {}",
                serde_json::to_string(&s).expect("serialisable")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
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
                        flow::review::Readiness::Refund => "退款中 refund under way".into(),
                        flow::review::Readiness::NothingToShip => "已全部退款 all refunded".into(),
                        flow::review::Readiness::Ready => "可打印 ready".into(),
                    };
                    let merged = o
                        .parcel_id
                        .map(|p| format!("  [合并 P{p}]"))
                        .unwrap_or_default();
                    println!(
                        "{:<20} {} {}{}",
                        o.order_no,
                        pad(&o.receiver.name, 12),
                        why,
                        merged
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
                (Some(r), _) => flow::waybills::Numbers::Range(r),
                (None, Some(f)) => flow::waybills::Numbers::File(f),
                (None, None) => unreachable!("clap requires one"),
            };
            let a = flow::waybills::add_numbers(store, actor, &courier, &numbers)?;
            println!("{courier}: 新增 added {} · 已有 known {}", a.added, a.known);
        }
        WaybillsCmd::Status { json } => {
            let pool = flow::waybills::pool(store, actor)?;
            if json {
                let arr: Vec<_> = pool
                    .couriers
                    .iter()
                    .map(|p| {
                        json!({"courier": p.courier, "free": p.free, "used": p.used,
                               "low": pool.is_low(p)})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else if pool.couriers.is_empty() {
                println!("单号池是空的 · the pool is empty");
            } else {
                for p in &pool.couriers {
                    println!(
                        "{} 可用 free {:>7} · 已用 used {:>7}{}",
                        pad(&p.courier, 12),
                        p.free,
                        p.used,
                        if pool.is_low(p) {
                            format!("  单号不足 LOW (< {})", pool.low_below)
                        } else {
                            String::new()
                        }
                    );
                }
            }
        }
        WaybillsCmd::Threshold { free } => {
            let n = flow::waybills::set_low_threshold(store, actor, &free)?;
            println!("单号不足提醒线 · low-numbers line: {n}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_lines(lines: &[flow::batch::ItemLine]) {
    for l in lines {
        println!(
            "    {:<10} {} {:<14} ×{:<3} {} {}",
            l.bin.as_deref().unwrap_or("-"),
            pad(&l.sku_code, 16),
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
                    "批次 {} · batch {}: {} 个包裹 parcels",
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
        BatchCmd::Plan {
            courier,
            limit,
            json,
        } => {
            let p = flow::batch::plan(store, actor, courier.as_deref(), limit)?;
            if json {
                println!("{}", serde_json::to_string(&p).expect("serialisable"));
            } else {
                println!(
                    "{}：将取 {} 个包裹（可打印 {} 个，可用单号 {} 个） · would take {} parcel(s) ({} ready, {} free number(s))",
                    p.courier,
                    p.parcels,
                    p.ready,
                    p.free_numbers,
                    p.parcels,
                    p.ready,
                    p.free_numbers
                );
                if p.left_out > 0 {
                    println!(
                        "单号不够：{} 个包裹会留下 · pool short: {} parcel(s) would be left out",
                        p.left_out, p.left_out
                    );
                }
            }
        }
        BatchCmd::Cancel { id, reason, json } => {
            let c = flow::batch::cancel(store, actor, id.parse::<BatchId>()?, &reason)?;
            if json {
                println!("{}", serde_json::to_string(&c).expect("serialisable"));
            } else {
                println!(
                    "批次 {} 已取消：{} 个包裹，{} 个单号退回单号池 · batch {} cancelled: {} parcel(s), {} number(s) back in the pool",
                    c.batch_id,
                    c.parcels,
                    c.numbers_returned.len(),
                    c.batch_id,
                    c.parcels,
                    c.numbers_returned.len()
                );
                for t in &c.numbers_returned {
                    println!("  {t}");
                }
            }
        }
        BatchCmd::Show { id, json } => {
            let v = flow::batch::show(store, actor, id.parse::<BatchId>()?)?;
            if json {
                let mut out = batch_json(v.batch.id, &v.parcels, None);
                out["cancelled"] = cancelled_json(&v.batch);
                println!("{out}");
            } else {
                let b = &v.batch;
                println!(
                    "批次 {} {} {} · {} · {}{}",
                    b.id,
                    b.courier,
                    stored_to_shop_local(&b.created_at),
                    b.staff_code,
                    b.terminal,
                    b.picker_code
                        .as_ref()
                        .map(|p| format!(" · 配货 picker {p}"))
                        .unwrap_or_default()
                );
                if b.is_cancelled() {
                    println!(
                        "已取消 · cancelled {} {}：{}",
                        b.cancelled_at
                            .as_deref()
                            .map(stored_to_shop_local)
                            .unwrap_or_default(),
                        b.cancelled_by.as_deref().unwrap_or_default(),
                        b.cancel_reason.as_deref().unwrap_or_default()
                    );
                }
                for p in &v.parcels {
                    println!(
                        "  {:>3}  {}  {}  [{}]",
                        p.seq,
                        p.tracking_no,
                        p.order_nos.join(" "),
                        p.stage.code()
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
                               "parcels": b.parcels, "shipped": b.shipped, "picker": b.picker_code,
                               "cancelled": cancelled_json(b)})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                for b in list {
                    println!(
                        "{:<7} {}  {} {:>4} 包裹 parcels  {:>4} 已发 shipped  {}{}",
                        b.id,
                        stored_to_shop_local(&b.created_at),
                        pad(&b.courier, 10),
                        b.parcels,
                        b.shipped,
                        b.picker_code.as_deref().unwrap_or_default(),
                        if b.is_cancelled() {
                            "  [已取消 cancelled]"
                        } else {
                            ""
                        }
                    );
                }
            }
        }
        BatchCmd::Picklist { id, json } => {
            let id = id.parse::<BatchId>()?;
            let lines = flow::batch::show_pick_list(store, actor, id)?;
            if json {
                println!(
                    "{}",
                    json!({"batch_id": id, "barcode": id.barcode(), "lines": lines})
                );
            } else {
                println!("配货单 pick list {id}");
                print_lines(&lines);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `null`, or when, by whom and why a batch was cancelled.
fn cancelled_json(b: &crate::store::BatchRow) -> serde_json::Value {
    if b.is_cancelled() {
        json!({"at": b.cancelled_at, "by": b.cancelled_by, "reason": b.cancel_reason})
    } else {
        serde_json::Value::Null
    }
}

fn batch_json(
    id: BatchId,
    parcels: &[flow::batch::PrintedParcel],
    left_out: Option<u64>,
) -> serde_json::Value {
    let mut v = json!({
        "batch_id": id,
        "parcels": parcels.iter().map(|p| json!({
            "seq": p.seq, "tracking_no": p.tracking_no, "courier": p.courier, "order_nos": p.order_nos,
            "stage": p.stage, "reported": p.reported,
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
        writeln!(out, "{mark} [{}] {} · {}", v.name(), v.zh(), v.en())?;
        for l in &v.lines {
            writeln!(
                out,
                "    {} {:<14} {}/{}  {} {}",
                pad(&l.sku_code, 16),
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

/// A bench session of either mode: scans in, stored verdicts out.
enum Session {
    Check(CheckSession),
    Pick(PickSession),
}

impl Session {
    fn scan(
        &mut self,
        store: &mut Store,
        code: ScanText<'_>,
        source: ScanSource,
    ) -> Result<Vec<Verdict>, Error> {
        match self {
            Session::Check(s) => s.scan(store, code, source),
            Session::Pick(s) => s.scan(store, code, source),
        }
    }

    fn shown(&mut self, scan_id: i64) {
        if let Session::Check(s) = self {
            s.shown(scan_id);
        }
    }

    fn close(&mut self, store: &mut Store) -> Result<(), Error> {
        match self {
            Session::Check(s) => s.close(store),
            Session::Pick(_) => Ok(()),
        }
    }
}

/// The headless bench: reads scans, one per line (or from a serial scanner), and prints each
/// verdict once it is stored.
pub fn scan(store: &mut Store, actor: &Actor, args: ScanArgs) -> Result<ExitCode, Error> {
    let code = scan_session(store, actor, args)?;
    // The session is over (its lease let go): the end of a shift, so the shop's own backup.
    super::shift_end_backup(
        store.path(),
        actor,
        flow::backup::ShiftEnd::ScanSessionEnded,
    );
    Ok(code)
}

fn scan_session(store: &mut Store, actor: &Actor, args: ScanArgs) -> Result<ExitCode, Error> {
    // A bench works on a store for hours: a damaged one is refused before the first scan.
    store.quick_check()?;
    // A scanner session runs for hours: no scan waits for a WAL checkpoint.
    store.checkpoint_in_background()?;
    // Another process's write (an import of half a million orders) never ends the session.
    // A replay waits for it as long as it takes: a line given up on would be a scan lost. A
    // scanner's checker is waiting for the verdict: after `SERIAL_WAIT` the scan is reported
    // not recorded, to be scanned again, and the session goes on.
    if args.serial.is_some() {
        store.set_busy_timeout(SERIAL_WAIT)?;
    } else {
        store.wait_for_writers_forever();
    }
    store.on_lock_wait(super::lock_wait_reporter(args.json, true));
    // One bench per station name, for as long as this session runs.
    let _lease = flow::station::Lease::take(store, &actor.terminal)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| Error::io("stdout", e);
    if args.mode == ScanMode::Return {
        let mut desk = flow::returns::ReturnDesk::start(actor.clone())?;
        let mut feed = |store: &mut Store, code: ScanText<'_>, source: ScanSource| {
            let mut out = std::io::stdout().lock();
            for v in desk.scan(store, code, source)? {
                super::after::print_return_verdict(&mut out, &v, args.json)
                    .map_err(|e| Error::io("stdout", e))?;
            }
            Ok::<(), Error>(())
        };
        if let Some(path) = &args.serial {
            serial_scans(store, actor, path, args.baud, args.json, |store, code| {
                feed(store, code.into(), ScanSource::Serial)
            })?;
            return Ok(ExitCode::SUCCESS);
        }
        for line in super::replay::replay_scans(store, actor, &args.input)? {
            feed(store, line?.text(), ScanSource::Replay)?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    if matches!(args.mode, ScanMode::InboundCheck | ScanMode::Stocktake) {
        let mut session = super::stock::start_session(
            store,
            actor,
            args.mode == ScanMode::InboundCheck,
            args.receipt.as_deref(),
            args.session.as_deref(),
        )?;
        if let Some(path) = &args.serial {
            serial_scans(store, actor, path, args.baud, args.json, |store, code| {
                super::stock::feed(store, &mut session, code, ScanSource::Serial, args.json)
            })?;
            return Ok(ExitCode::SUCCESS);
        }
        let scans = super::replay::replay_scans(store, actor, &args.input)?;
        return super::stock::scan(store, session, scans, args.json);
    }
    let mut session = match args.mode {
        ScanMode::Check => {
            let (session, resumed) = CheckSession::start(store, actor.clone())?;
            let mut session = Session::Check(session);
            for v in &resumed {
                print_verdict(&mut out, v, args.json).map_err(io)?;
                session.shown(v.scan_id);
            }
            session
        }
        ScanMode::Pick => Session::Pick(PickSession::start(actor.clone())?),
        ScanMode::InboundCheck | ScanMode::Stocktake | ScanMode::Return => {
            unreachable!("handled above")
        }
    };
    if let Some(path) = &args.serial {
        return scan_serial(store, actor, &mut session, path, args.baud, args.json);
    }
    // Lines fed here (a file, or standard input) are a replay, whoever typed them.
    let mut printed = 0i64;
    for line in super::replay::replay_scans(store, actor, &args.input)? {
        let line = line?;
        let verdicts = scan_through_outages(store, actor, &mut session, &line, args.json, printed)?;
        for v in verdicts {
            print_verdict(&mut out, &v, args.json).map_err(io)?;
            session.shown(v.scan_id);
            printed = printed.max(v.scan_id);
        }
    }
    session.close(store)?;
    Ok(ExitCode::SUCCESS)
}

/// One line of a replay, stored whatever happens to the shop's server meanwhile: a replay gives
/// up on no scan. While the server cannot be reached the bench says so once and tries again,
/// waiting longer each time (½ s up to 8 s). The connection may have dropped after the scan was
/// stored but before its answer came: before trying again, the bench reads back what its
/// station stored since the last verdict it printed (`printed`) — as a restarted bench does —
/// and a scan found there is not made twice.
fn scan_through_outages(
    store: &mut Store,
    actor: &Actor,
    session: &mut Session,
    line: &crate::scan::lines::ReplayLine,
    json: bool,
    printed: i64,
) -> Result<Vec<Verdict>, Error> {
    let mut wait = std::time::Duration::from_millis(500);
    let mut told = false;
    let back = |told: bool| {
        if told {
            server_said(
                json,
                "store_reachable",
                "店里的数据库服务器又连上了，继续",
                "the shop's database server is back; carrying on",
            );
        }
    };
    loop {
        match session.scan(store, line.text(), ScanSource::Replay) {
            Err(Error::Store(e)) if e.fault == crate::error::StoreFault::Unreachable => {}
            done => {
                back(told);
                return done;
            }
        }
        loop {
            if !told {
                server_said(
                    json,
                    "store_unreachable",
                    "连不上店里的数据库服务器，正在重新连接；扫描都留着，一个也不会丢",
                    "the shop's database server cannot be reached; reconnecting; the scans are kept, none is lost",
                );
                told = true;
            }
            std::thread::sleep(wait);
            wait = (wait * 2).min(std::time::Duration::from_secs(8));
            let Session::Check(_) = session else { break };
            // Was the scan stored before the answer was lost? Its verdicts are there if so.
            match CheckSession::start(store, actor.clone()) {
                Ok((fresh, resumed)) => {
                    *session = Session::Check(fresh);
                    let stored: Vec<Verdict> = resumed
                        .into_iter()
                        .filter(|v| v.scan_id > printed)
                        .collect();
                    if stored.iter().any(|v| v.scan_id > 0) {
                        back(told);
                        return Ok(stored);
                    }
                    break;
                }
                Err(Error::Store(e)) if e.fault == crate::error::StoreFault::Unreachable => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// A word about the server in the stream of a scan session: a JSON event among the verdicts,
/// or a line on standard error.
fn server_said(json: bool, event: &str, zh: &str, en: &str) {
    if json {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "{}",
            json!({"event": event, "message_zh": zh, "message_en": en})
        );
        let _ = out.flush();
    } else {
        eprintln!("{zh} · {en}");
    }
}

/// Runs the bench from a serial scanner until the process is stopped. Verdicts go to standard
/// output exactly as with a replay; the scanner's state (connected, lost, reconnected, rejected
/// noise) goes to standard error.
fn scan_serial(
    store: &mut Store,
    actor: &Actor,
    session: &mut Session,
    path: &str,
    baud: Option<u32>,
    json: bool,
) -> Result<ExitCode, Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let io = |e: std::io::Error| Error::io("stdout", e);
    serial_scans(store, actor, path, baud, json, |store, code| {
        for v in session.scan(store, code.into(), ScanSource::Serial)? {
            print_verdict(&mut out, &v, json).map_err(io)?;
            session.shown(v.scan_id);
        }
        Ok(())
    })?;
    session.close(store)?;
    Ok(ExitCode::SUCCESS)
}

/// How long a scan from a serial scanner waits for another process's write lock before it is
/// reported not recorded (the window waits as long: `ui::job::WORKER_BUSY_WAIT`).
pub const SERIAL_WAIT: std::time::Duration = std::time::Duration::from_secs(8);

/// Says that a scan was not recorded (the store refused it) and to scan it again, as its answer
/// on standard output: the checker reads the verdicts there.
fn not_recorded(code: &str, e: Error, json: bool) -> Result<(), Error> {
    let e = e.in_scan();
    let reason = match &e {
        Error::Store(s) => s.fault.code(),
        _ => "other",
    };
    let mut out = std::io::stdout().lock();
    let written = if json {
        writeln!(
            out,
            "{}",
            json!({"verdict": "not_recorded", "code": code, "reason": reason,
                   "message_zh": e.zh(), "message_en": e.to_string(), "scan_id": 0})
        )
    } else {
        writeln!(out, "✗ [not_recorded] {} · {}", e.zh(), e)
    };
    written
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("stdout", e))
}

/// Feeds each scan of a serial scanner to `feed` until the process is stopped; the scanner's
/// state goes to standard error. A scan the store refused (locked past `SERIAL_WAIT`, a disk
/// fault) is answered "not recorded, scan again"; the session goes on with the next one.
pub(super) fn serial_scans(
    store: &mut Store,
    actor: &Actor,
    path: &str,
    baud: Option<u32>,
    json: bool,
    mut feed: impl FnMut(&mut Store, &str) -> Result<(), Error>,
) -> Result<(), Error> {
    use crate::scan::serial::{SerialConfig, SerialEvent, spawn_reader};
    let settings = flow::station::scanner_settings(store, &actor.terminal)?;
    let mut config = settings
        .serial
        .iter()
        .find(|p| p.path == path)
        .cloned()
        .unwrap_or_else(|| SerialConfig::new(path));
    config.prefix = settings.prefix.clone();
    config.aim = settings.aim;
    if let Some(b) = baud {
        config.baud = b;
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let _reader = spawn_reader(config, tx, stop);
    for ev in rx {
        match ev {
            SerialEvent::Scan(scan) => match feed(store, &scan.code) {
                Err(e @ Error::Store(_)) => not_recorded(&scan.code, e, json)?,
                done => done?,
            },
            SerialEvent::Connected(p) => eprintln!("扫码枪已连接 · scanner connected: {p}"),
            SerialEvent::Reconnected(p) => eprintln!("扫码枪重新连接 · scanner reconnected: {p}"),
            SerialEvent::Lost { port, reason } => {
                eprintln!("扫码枪断开 · scanner lost: {port} ({reason})；正在重试 retrying")
            }
            SerialEvent::Rejected { port, reason } => {
                eprintln!("已忽略 · ignored from {port}: {} · {reason}", reason.zh())
            }
        }
    }
    Ok(())
}

pub fn ship(store: &mut Store, actor: &Actor, batch: &str, json: bool) -> Result<ExitCode, Error> {
    let r = flow::ship::ship_batch(store, actor, batch.parse::<BatchId>()?)?;
    if json {
        let skipped: Vec<_> = r
            .skipped
            .iter()
            .map(|(t, why)| json!({"tracking_no": t, "reason": why}))
            .collect();
        println!(
            "{}",
            json!({"shipped": r.shipped, "skipped": skipped, "goods_left": r.goods_left})
        );
    } else {
        println!(
            "已发货 shipped {} · 未发 skipped {}",
            r.shipped.len(),
            r.skipped.len()
        );
        if !r.goods_left && !r.shipped.is_empty() {
            println!(
                "淘宝上已发货；包裹验货后才出库 · shipped on Taobao; each parcel leaves stock when checked"
            );
        }
        for (t, why) in &r.skipped {
            println!("  {t}: {} · {}", why.zh(), why.en());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Outcome;

    fn text_of(v: &Verdict) -> String {
        let mut out = Vec::new();
        print_verdict(&mut out, v, false).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_wrong_pick_prints_a_cross() {
        // `scan --mode pick` printed ✓ for these: the error names were the bench's only.
        let wrong = Verdict::new(Outcome::PickWrong { sku: "A-1".into() });
        assert_eq!(
            text_of(&wrong),
            "✗ [pick_wrong] A-1 不在这个批次里 · A-1 is not in this batch\n"
        );
        let surplus = Verdict::new(Outcome::PickSurplus {
            sku: "A-1".into(),
            scanned: 2,
            expected: 2,
        });
        assert!(text_of(&surplus).starts_with("✗ [pick_surplus]"));
        let ok = Verdict::new(Outcome::Picked {
            sku: "A-1".into(),
            scanned: 1,
            expected: 2,
            bin: Some("A-01-1".into()),
            complete: false,
        });
        assert_eq!(
            text_of(&ok),
            "✓ [pick_ok] A-1 1/2（库位 A-01-1） · A-1 1/2 (bin A-01-1)\n"
        );
    }
}
