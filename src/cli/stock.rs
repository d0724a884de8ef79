//! Commands of the stock side: the ledger, receipts, outbound notes, stocktakes, and the scan
//! modes `inbound-check` and `stocktake`.

use super::table::pad;
use crate::domain::check::ScanText;
use crate::domain::stock::{AdjustReason, IssueReason, StocktakeState, Uncounted};
use crate::domain::time::stored_to_shop_local;
use crate::domain::{Actor, ReceiptId, ScanSource, SessionId};
use crate::error::Error;
use crate::flow;
use crate::flow::receipt::{InboundCheck, Receipt};
use crate::flow::stock::StockVerdict;
use crate::flow::stocktake::{Counting, Refusal, Report};
use crate::scan::lines::ReplayLine;
use crate::store::{StockLevel, Store};
use clap::Subcommand;
use serde_json::json;
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum StockCmd {
    /// A product's stock per bin and its newest moves.
    Show {
        sku_or_barcode: String,
        /// Moves of the ledger to list.
        #[arg(long, default_value_t = 20)]
        moves: usize,
        #[arg(long)]
        json: bool,
    },
    /// Recompute on-hand from the ledger and report every difference (exit 1 if any).
    Verify {
        /// Rewrite on-hand from the ledger.
        #[arg(long)]
        rebuild: bool,
        #[arg(long)]
        json: bool,
    },
    /// Products with fewer than N on hand (default 10): tell the others.
    Low {
        #[arg(long, default_value_t = flow::stock::DEFAULT_LOW_BELOW)]
        below: i64,
        #[arg(long)]
        json: bool,
    },
    /// Products with nothing on hand and no open orders: candidates to discontinue.
    Dead {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReceiptCmd {
    /// A receipt from a CSV: 商家编码,条码,名称,规格,单价,库位,数量 (or sku_code,barcode,name,spec,
    /// price,bin,qty). New products are created, known ones received.
    Create {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    Show {
        /// 12 or R12
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
    /// Put the receipt's stock in (one transaction).
    Confirm {
        id: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum IssueCmd {
    /// An outbound note (出库单): stock out for damage, samples or another reason.
    Create {
        #[arg(long, value_parser = ["damage", "sample", "other"])]
        reason: String,
        /// SKU=QTY; repeat for more lines.
        #[arg(long = "line", required = true)]
        lines: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StocktakeCmd {
    /// Open a session over some bins (blind unless --open).
    Start {
        /// A glob on bin codes, e.g. 'A-*'.
        #[arg(long, conflicts_with = "all", required_unless_present = "all")]
        bins: Option<String>,
        #[arg(long)]
        all: bool,
        /// Counters see the expected quantity.
        #[arg(long)]
        open: bool,
        /// Lines with a variance must be counted again before approval.
        #[arg(long)]
        recount: bool,
        #[arg(long)]
        json: bool,
    },
    /// Every line of the session: expected, counted, variance.
    Report {
        id: String,
        /// Only the lines with a variance.
        #[arg(long)]
        variances: bool,
        #[arg(long)]
        json: bool,
    },
    /// End the first count of a --recount session: the lines with a variance are counted again.
    Recount {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Write the adjust moves of the bins counted, with a reason per line: lost, damaged, found
    /// or miscount. The bins nobody counted are left as they are.
    Approve {
        id: String,
        /// The reason of every line with a variance not named with --line.
        #[arg(long)]
        reason: Option<String>,
        /// SKU=REASON; repeat for more lines.
        #[arg(long = "line")]
        lines: Vec<String>,
        /// Write the bins nobody counted down to zero too (their lines need reasons as well).
        #[arg(long)]
        uncounted_as_zero: bool,
        #[arg(long)]
        json: bool,
    },
    /// Close the session without adjusting anything.
    Cancel { id: String },
    List {
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

fn levels_json(list: &[StockLevel]) -> serde_json::Value {
    list.iter()
        .map(|l| json!({"sku_code": l.sku_code, "name": l.name, "spec": l.spec, "bin": l.bin, "on_hand": l.on_hand}))
        .collect()
}

fn print_levels(list: &[StockLevel]) {
    for l in list {
        println!(
            "{} {:>6}  {:<10} {} {}",
            pad(&l.sku_code, 18),
            l.on_hand,
            l.bin.as_deref().unwrap_or("-"),
            l.name,
            l.spec
        );
    }
}

pub fn stock(store: &mut Store, actor: &Actor, cmd: StockCmd) -> Result<ExitCode, Error> {
    match cmd {
        StockCmd::Show {
            sku_or_barcode,
            moves,
            json,
        } => {
            let s = flow::stock::show(store, actor, &sku_or_barcode, moves)?;
            let r = &s.record;
            if json {
                println!(
                    "{}",
                    json!({
                        "sku_code": r.product.sku_code,
                        "on_hand": r.on_hand,
                        "bins": r.stock.iter().filter(|b| b.qty != 0).map(|b| json!({"bin": b.bin, "qty": b.qty})).collect::<Vec<_>>(),
                        "negative": r.stock.iter().any(|b| b.qty < 0),
                        "moves": s.moves.iter().map(|m| json!({"id": m.id, "at": m.at, "kind": m.kind, "bin": m.bin,
                            "qty": m.qty, "staff": m.staff_code, "terminal": m.terminal, "ref": m.reference})).collect::<Vec<_>>(),
                    })
                );
            } else {
                println!(
                    "{} {} {} · 库存 on hand {}{}",
                    r.product.sku_code,
                    r.product.name,
                    r.product.spec,
                    r.on_hand,
                    if r.on_hand < 0 {
                        "  ⚠ 负库存 negative"
                    } else {
                        ""
                    }
                );
                for b in r.stock.iter().filter(|b| b.qty != 0) {
                    let bin = if b.bin.is_empty() {
                        "(未上架 unshelved)"
                    } else {
                        &b.bin
                    };
                    println!("  {} {:>6}", pad(bin, 12), b.qty);
                }
                for m in &s.moves {
                    println!(
                        "  {}  {:<8} {:>+6} {:<10} {:<8} {} {}",
                        stored_to_shop_local(&m.at),
                        m.kind.code(),
                        m.qty,
                        m.bin,
                        m.staff_code,
                        pad(&m.terminal, 10),
                        m.reference
                    );
                }
            }
        }
        StockCmd::Verify { rebuild, json } => {
            let c = flow::stock::verify(store, actor, rebuild)?;
            if json {
                println!(
                    "{}",
                    json!({
                        "differences": c.diffs.iter().map(|d| json!({"sku_code": d.sku_code, "bin": d.bin,
                            "ledger": d.ledger, "on_hand": d.on_hand})).collect::<Vec<_>>(),
                        "negative": c.negative.iter().map(|(s, b, q)| json!({"sku_code": s, "bin": b, "qty": q})).collect::<Vec<_>>(),
                        "rebuilt": c.rebuilt,
                    })
                );
            } else {
                if c.diffs.is_empty() {
                    println!("库存与流水一致 · on hand matches the ledger");
                }
                for d in &c.diffs {
                    println!(
                        "✗ {} {}: 流水 ledger {} · 库存 on hand {}",
                        d.sku_code, d.bin, d.ledger, d.on_hand
                    );
                }
                if c.rebuilt {
                    println!("已按流水重建库存 · on hand rebuilt from the ledger");
                }
                for (s, b, q) in &c.negative {
                    println!("⚠ 负库存 negative: {s} {b} {q}");
                }
            }
            if !c.diffs.is_empty() && !c.rebuilt {
                return Ok(ExitCode::FAILURE);
            }
        }
        StockCmd::Low { below, json } => {
            let list = flow::stock::low(store, actor, below)?;
            if json {
                println!("{}", levels_json(&list));
            } else {
                print_levels(&list);
            }
        }
        StockCmd::Dead { json } => {
            let list = flow::stock::dead(store, actor)?;
            if json {
                println!("{}", levels_json(&list));
            } else {
                print_levels(&list);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn receipt_json(r: &Receipt) -> serde_json::Value {
    json!({
        "receipt_id": r.row.id,
        "state": r.row.state,
        "created_at": r.row.created_at,
        "staff": r.row.staff_code,
        "file": r.row.file,
        "confirmed_at": r.row.confirmed_at,
        "verified_at": r.row.verified_at,
        "verified_by": r.row.verified_by,
        "units": r.units(),
        "checked": r.checked(),
        "lines": r.lines.iter().map(|l| json!({"seq": l.seq, "sku_code": l.sku_code, "barcode": l.barcode,
            "name": l.name, "spec": l.spec, "bin": l.bin, "qty": l.qty, "new_product": l.new_product,
            "checked": l.checked})).collect::<Vec<_>>(),
    })
}

fn print_receipt(r: &Receipt, json: bool) {
    if json {
        println!("{}", receipt_json(r));
        return;
    }
    println!(
        "入库单 receipt {} · {} {} · {} · {}{}",
        r.row.id,
        r.row.state.zh(),
        r.row.state.en(),
        r.row.staff_code,
        r.row.file,
        match &r.row.verified_by {
            Some(v) => format!(" · 已检验 verified by {v}"),
            None => format!(" · 检验 checked {}/{}", r.checked(), r.units()),
        }
    );
    for l in &r.lines {
        println!(
            "  {:>3} {} {:<14} {:<10} {:>5}{} {} {}",
            l.seq,
            pad(&l.sku_code, 18),
            l.barcode.as_deref().unwrap_or("-"),
            if l.bin.is_empty() { "-" } else { &l.bin },
            l.qty,
            if l.new_product { " 新 new" } else { "" },
            l.name,
            l.spec
        );
    }
}

pub fn receipt(store: &mut Store, actor: &Actor, cmd: ReceiptCmd) -> Result<ExitCode, Error> {
    match cmd {
        ReceiptCmd::Create { file, json } => {
            let r = flow::receipt::create(store, actor, &file)?;
            print_receipt(&r, json);
        }
        ReceiptCmd::Show { id, json } => {
            let r = flow::receipt::show(store, actor, id.parse::<ReceiptId>()?)?;
            print_receipt(&r, json);
        }
        ReceiptCmd::Confirm { id, json } => {
            let r = flow::receipt::confirm(store, actor, id.parse::<ReceiptId>()?)?;
            print_receipt(&r, json);
        }
        ReceiptCmd::List { limit, json } => {
            let list = flow::receipt::list(store, actor, limit)?;
            if json {
                let arr: Vec<_> = list
                    .iter()
                    .map(|r| {
                        json!({"receipt_id": r.id, "state": r.state, "created_at": r.created_at,
                        "staff": r.staff_code, "file": r.file, "verified_by": r.verified_by})
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                for r in &list {
                    println!(
                        "{:<6} {}  {:<10} {:<8} {}",
                        r.id,
                        stored_to_shop_local(&r.created_at),
                        r.state.code(),
                        r.staff_code,
                        r.file
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn issue(store: &mut Store, actor: &Actor, cmd: IssueCmd) -> Result<ExitCode, Error> {
    let IssueCmd::Create {
        reason,
        lines,
        note,
        json,
    } = cmd;
    let reason = IssueReason::from_code(&reason).expect("checked by clap");
    let lines = lines
        .iter()
        .map(|l| flow::stock::parse_issue_line(l))
        .collect::<Result<Vec<_>, _>>()?;
    let done = flow::stock::issue(store, actor, reason, &lines, &note)?;
    if json {
        println!(
            "{}",
            json!({"issue_id": done.issue_id, "reason": reason.code(),
                   "lines": done.lines.iter().map(|(s, b, q)| json!({"sku_code": s, "bin": b, "qty": q})).collect::<Vec<_>>()})
        );
    } else {
        println!(
            "出库单 issue I{} · {} {}",
            done.issue_id,
            reason.zh(),
            reason.code()
        );
        for (s, b, q) in &done.lines {
            println!("  {} {b:<10} -{q}", pad(s, 18));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parse_reason(text: &str) -> Result<AdjustReason, Error> {
    AdjustReason::from_code(text.trim()).ok_or_else(|| {
        Error::invalid(
            format!("不认识的原因：{text}（可用 lost, damaged, found, miscount）"),
            format!("unknown reason: {text} (use lost, damaged, found, miscount)"),
        )
    })
}

/// `{"session_id","state","bins","bins_not_counted","uncounted_bins":[…],"uncounted",
/// "lines":[{"bin","sku_code","expected","counted","variance","bin_counted"}],
/// "awaiting_recount":[{"bin","sku_code"}]}`, serialised straight from the report (a whole
/// shop's stocktake has 100,000 lines). `uncounted` is what the approval did with the bins
/// nobody counted (`leave` or `zero`), `null` while open.
fn report_json(r: &Report, only_variances: bool) -> String {
    #[derive(serde::Serialize)]
    struct Awaiting<'a> {
        bin: &'a str,
        sku_code: &'a str,
    }
    #[derive(serde::Serialize)]
    struct Out<'a> {
        session_id: SessionId,
        state: StocktakeState,
        bins: i64,
        bins_not_counted: usize,
        uncounted_bins: &'a [String],
        uncounted: Option<Uncounted>,
        lines: Vec<&'a crate::domain::stock::VarianceLine>,
        awaiting_recount: Vec<Awaiting<'a>>,
    }
    serde_json::to_string(&Out {
        session_id: r.session.id,
        state: r.session.state,
        bins: r.session.bins,
        bins_not_counted: r.uncounted_bins.len(),
        uncounted_bins: &r.uncounted_bins,
        uncounted: r.uncounted,
        lines: r
            .lines
            .iter()
            .filter(|l| !only_variances || l.variance != 0)
            .collect(),
        awaiting_recount: r
            .awaiting_recount
            .iter()
            .map(|(bin, sku_code)| Awaiting { bin, sku_code })
            .collect(),
    })
    .expect("serialisable")
}

/// Bins a line of ten at a time, indented.
fn print_bins(bins: &[String]) {
    for chunk in bins.chunks(10) {
        println!("    {}", chunk.join(" "));
    }
}

fn print_report(r: &Report, only_variances: bool) {
    println!(
        "盘点 stocktake {} · {} · {} {} · {} 行 lines · {} 行有差异 with a variance",
        r.session.id,
        r.session.pattern,
        r.session.state.zh(),
        r.session.state.en(),
        r.lines.len(),
        r.variances().count()
    );
    let not_counted = r.uncounted_bins.len();
    if not_counted > 0 {
        let what = match r.uncounted {
            None => "审核时保持不变，除非 --uncounted-as-zero · left as they are at approval unless --uncounted-as-zero".to_string(),
            Some(u) => format!("审核时{} · {} at approval", u.zh(), u.en()),
        };
        println!(
            "{not_counted} 个库位未盘 of {} bins not counted ({what}):",
            r.session.bins
        );
        print_bins(&r.uncounted_bins);
    }
    for l in r
        .lines
        .iter()
        .filter(|l| !only_variances || l.variance != 0)
    {
        println!(
            "  {:<12} {} 应有 expected {:>6} · 实盘 counted {:>6} · 差异 variance {:>+6}{}",
            l.bin,
            pad(&l.sku_code, 18),
            l.expected,
            l.counted,
            l.variance,
            if l.bin_counted {
                ""
            } else {
                " · 库位未盘 bin not counted"
            }
        );
    }
    for (b, s) in &r.awaiting_recount {
        println!("  待复盘 awaiting recount: {b} {s}");
    }
}

/// The first lines a refusal names, and how many more there are.
fn first_and_more(first: &[String], total: usize, zh: bool) -> String {
    let more = total.saturating_sub(first.len());
    let list = first.join(if zh { "、" } else { ", " });
    match (more, zh) {
        (0, _) => list,
        (n, true) => format!("{list} 等，另有 {n} 行"),
        (n, false) => format!("{list} and {n} more"),
    }
}

/// A refused approval in the command line's words: what to give it next.
fn refusal_error(id: SessionId, r: &Refusal) -> Error {
    match r {
        Refusal::RecountFirst { lines } => Error::invalid(
            format!("盘点 {id} 有 {lines} 行有差异，要先复盘：packbench stocktake recount {id}"),
            format!(
                "stocktake {id} has {lines} line(s) with a variance to count again first: packbench stocktake recount {id}"
            ),
        ),
        Refusal::NotRecounted { total, first } => {
            let first: Vec<String> = first.iter().map(|(b, s)| format!("{b} {s}")).collect();
            Error::invalid(
                format!("这些行还没有复盘：{}", first_and_more(&first, *total, true)),
                format!(
                    "these lines are not recounted yet: {}",
                    first_and_more(&first, *total, false)
                ),
            )
        }
        Refusal::ReasonWithoutVariance { sku } => Error::invalid(
            format!(
                "{sku} 在盘点 {id} 里没有要配平的差异，不需要原因（未盘库位的行只有加 --uncounted-as-zero 才配平）"
            ),
            format!(
                "{sku} has no variance to adjust in stocktake {id}; it takes no reason (lines of bins not counted are adjusted only with --uncounted-as-zero)"
            ),
        ),
        Refusal::NoReason { total, first } => {
            let first: Vec<String> = first
                .iter()
                .map(|(b, s, v)| format!("{b} {s} ({v:+})"))
                .collect();
            Error::invalid(
                format!(
                    "{total} 行差异没有原因（--reason 或 --line 商家编码=lost|damaged|found|miscount）：{}",
                    first_and_more(&first, *total, true)
                ),
                format!(
                    "{total} line(s) have a variance and no reason (--reason, or --line SKU=lost|damaged|found|miscount): {}",
                    first_and_more(&first, *total, false)
                ),
            )
        }
    }
}

pub fn stocktake(store: &mut Store, actor: &Actor, cmd: StocktakeCmd) -> Result<ExitCode, Error> {
    match cmd {
        StocktakeCmd::Start {
            bins,
            all,
            open,
            recount,
            json,
        } => {
            let pattern = if all { None } else { bins.as_deref() };
            let s = flow::stocktake::start(store, actor, pattern, open, recount)?;
            if json {
                println!(
                    "{}",
                    json!({"session_id": s.id, "bins": s.bins, "pattern": s.pattern, "blind": s.blind, "recount": s.recount})
                );
            } else {
                println!(
                    "盘点 stocktake {} · {} 个库位 bins ({}) · {}{}",
                    s.id,
                    s.bins,
                    s.pattern,
                    if s.blind {
                        "盲盘 blind"
                    } else {
                        "明盘 open"
                    },
                    if s.recount { " · 复盘 recount" } else { "" }
                );
            }
        }
        StocktakeCmd::Report {
            id,
            variances,
            json,
        } => {
            let r = flow::stocktake::report(store, actor, id.parse::<SessionId>()?)?;
            if json {
                println!("{}", report_json(&r, variances));
            } else {
                print_report(&r, variances);
            }
        }
        StocktakeCmd::Recount { id, json } => {
            let id = id.parse::<SessionId>()?;
            let lines = flow::stocktake::begin_recount(store, actor, id)?;
            if json {
                println!(
                    "{}",
                    json!({"session_id": id, "recount": lines.iter().map(|(b, s)| json!({"bin": b, "sku_code": s})).collect::<Vec<_>>()})
                );
            } else {
                println!("复盘 recount {id}: {} 行 lines", lines.len());
                for (b, s) in &lines {
                    println!("  {b:<12} {s}");
                }
            }
        }
        StocktakeCmd::Approve {
            id,
            reason,
            lines,
            uncounted_as_zero,
            json,
        } => {
            let default = reason.as_deref().map(parse_reason).transpose()?;
            let mut per_line = HashMap::new();
            for l in &lines {
                let (sku, r) = l.split_once('=').ok_or_else(|| {
                    Error::invalid(
                        format!("--line 写法不对：{l}（应为 商家编码=原因）"),
                        format!("bad --line: {l} (write SKU=REASON)"),
                    )
                })?;
                per_line.insert(sku.trim().to_string(), parse_reason(r)?);
            }
            let id = id.parse::<SessionId>()?;
            let uncounted = if uncounted_as_zero {
                Uncounted::Zero
            } else {
                Uncounted::Leave
            };
            let r = flow::stocktake::approve(store, actor, id, default, &per_line, uncounted)?
                .map_err(|r| refusal_error(id, &r))?;
            if json {
                println!("{}", report_json(&r, true));
            } else {
                println!(
                    "盘点 {} 已审核 · approved: {} 行配平 lines adjusted",
                    r.session.id,
                    r.adjusted().count()
                );
                let not_counted = r.uncounted_bins.len();
                if not_counted > 0 {
                    println!(
                        "{not_counted} 个库位未盘，{} · {not_counted} bin(s) not counted, {}:",
                        uncounted.zh(),
                        uncounted.en()
                    );
                    print_bins(&r.uncounted_bins);
                }
            }
        }
        StocktakeCmd::Cancel { id } => {
            let id = id.parse::<SessionId>()?;
            flow::stocktake::cancel(store, actor, id)?;
            println!("盘点 {id} 已取消 · cancelled");
        }
        StocktakeCmd::List { limit, json } => {
            let list = flow::stocktake::list(store, actor, limit)?;
            if json {
                let arr: Vec<_> = list
                    .iter()
                    .map(|s| json!({"session_id": s.id, "created_at": s.created_at, "staff": s.staff_code,
                        "pattern": s.pattern, "bins": s.bins, "blind": s.blind, "recount": s.recount, "state": s.state}))
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                for s in &list {
                    println!(
                        "{:<6} {}  {:<10} {:<8} {} ({} bins)",
                        s.id,
                        stored_to_shop_local(&s.created_at),
                        s.state.code(),
                        s.staff_code,
                        s.pattern,
                        s.bins
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A scan session of the stock modes.
pub enum StockSession {
    Inbound(InboundCheck),
    Count(Counting),
}

impl StockSession {
    fn scan(
        &mut self,
        store: &mut Store,
        code: ScanText<'_>,
        source: ScanSource,
    ) -> Result<Option<StockVerdict>, Error> {
        match self {
            StockSession::Inbound(s) => s.scan(store, code, source),
            StockSession::Count(s) => s.scan(store, code, source),
        }
    }
}

fn print_verdict(out: &mut impl Write, v: &StockVerdict, json: bool) -> std::io::Result<()> {
    if json {
        writeln!(out, "{}", serde_json::to_string(v).expect("serialisable"))?;
    } else {
        let mark = if v.is_error() { "✗" } else { "✓" };
        writeln!(out, "{mark} [{}] {} · {}", v.name(), v.zh(), v.en())?;
    }
    out.flush()
}

/// One scan of a stock session: its verdict printed once it is stored.
pub fn feed(
    store: &mut Store,
    session: &mut StockSession,
    code: &str,
    source: ScanSource,
    json: bool,
) -> Result<(), Error> {
    if let Some(v) = session.scan(store, code.into(), source)? {
        print_verdict(&mut std::io::stdout().lock(), &v, json)
            .map_err(|e| Error::io("stdout", e))?;
    }
    Ok(())
}

/// `scan --mode inbound-check|stocktake`: one scan per line in, one verdict per line out.
pub fn scan(
    store: &mut Store,
    mut session: StockSession,
    scans: impl Iterator<Item = Result<ReplayLine, Error>>,
    json: bool,
) -> Result<ExitCode, Error> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for line in scans {
        // Lines fed here (a file, or standard input) are a replay.
        let line = line?;
        if let Some(v) = session.scan(store, line.text(), ScanSource::Replay)? {
            print_verdict(&mut out, &v, json).map_err(|e| Error::io("stdout", e))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts the stock scan session a `scan` command asks for.
pub fn start_session(
    store: &Store,
    actor: &Actor,
    inbound: bool,
    receipt: Option<&str>,
    session: Option<&str>,
) -> Result<StockSession, Error> {
    if inbound {
        let id = receipt.ok_or_else(|| {
            Error::invalid(
                "入库检验要指定入库单：--receipt R12",
                "the inbound check needs its receipt: --receipt R12",
            )
        })?;
        Ok(StockSession::Inbound(InboundCheck::start(
            store,
            actor.clone(),
            id.parse::<ReceiptId>()?,
        )?))
    } else {
        let id = session.ok_or_else(|| {
            Error::invalid(
                "盘点扫描要指定盘点单：--session S3",
                "stocktake scanning needs its session: --session S3",
            )
        })?;
        Ok(StockSession::Count(Counting::start(
            store,
            actor.clone(),
            id.parse::<SessionId>()?,
        )?))
    }
}
