//! Who did what (issue 16): the end-of-day self-audits, performance and commission reports.

use super::table;
use crate::domain::Actor;
use crate::domain::report::{AuditItem, AuditRole, Grain};
use crate::error::Error;
use crate::flow;
use crate::store::Store;
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub cmd: Option<super::after::AuditCmd>,
    /// The end-of-day self-audit (自我审核) of a role: order_printer, checker, stock_keeper or
    /// cs_supervisor (default: your own role's).
    #[arg(long)]
    pub role: Option<String>,
    /// The shop day (YYYY-MM-DD; default today).
    #[arg(long)]
    pub day: Option<String>,
    /// Sign it as it stands: who, when and what was still open is kept.
    #[arg(long)]
    pub sign: bool,
    /// What the signer says about what is still open.
    #[arg(long, default_value = "", requires = "sign")]
    pub note: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Performance per staff member (picks, checks, prints, labels, counts, mis-ships).
    Performance {
        /// First shop day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last shop day (YYYY-MM-DD), included.
        #[arg(long)]
        to: String,
        /// day, week or month
        #[arg(long, default_value = "day", value_parser = ["day", "week", "month"])]
        by: String,
        #[arg(long, conflicts_with = "out")]
        json: bool,
        /// Write the report to FILE.csv (UTF-8 with a BOM) or FILE.xlsx.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Replace a file at --out that is not an earlier report.
        #[arg(long, requires = "out")]
        force: bool,
    },
    /// Sales and commission (提成) by customer-service code for a month.
    Commission {
        /// YYYY-MM
        #[arg(long)]
        month: String,
        #[arg(long, conflicts_with = "out")]
        json: bool,
        /// Write the report to FILE.csv (UTF-8 with a BOM) or FILE.xlsx.
        #[arg(long)]
        out: Option<PathBuf>,
        #[arg(long, requires = "out")]
        force: bool,
    },
}

fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string(v).expect("serialisable"));
}

/// A shop day typed on the command line.
pub fn day(text: &str) -> Result<NaiveDate, Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            format!("日期写法不对：{text}（例如 2026-11-30）"),
            format!("not a date: {text} (e.g. 2026-11-30)"),
        )
    })
}

pub fn audit(store: &mut Store, actor: &Actor, args: AuditArgs) -> Result<ExitCode, Error> {
    if let Some(cmd) = args.cmd {
        return super::after::audit(store, actor, cmd);
    }
    let role = match &args.role {
        Some(r) => AuditRole::from_code(r.trim()).ok_or_else(|| {
            Error::invalid(
                format!("没有这个岗位的自我审核：{r}（可选 order_printer、checker、stock_keeper、cs_supervisor）"),
                format!("no self-audit for {r} (order_printer, checker, stock_keeper or cs_supervisor)"),
            )
        })?,
        None => AuditRole::of(actor.staff.role).ok_or_else(|| {
            Error::invalid(
                "你的岗位没有自我审核，请用 --role 指定",
                "your role has no self-audit: name one with --role",
            )
        })?,
    };
    let d = match &args.day {
        Some(t) => day(t)?,
        None => crate::domain::time::shop_today(),
    };
    if args.sign {
        let s = flow::audit::sign(store, actor, role, d, &args.note)?;
        if args.json {
            print_json(&s);
        } else {
            println!(
                "已签署 · signed: {} {} {} {}（未清项 open items: {}）",
                role.zh(),
                s.day,
                s.staff_code,
                flow::print::shop_time(&s.at),
                s.open_items
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let a = flow::audit::self_audit(store, actor, role, d)?;
    if args.json {
        print_json(&a);
        return Ok(ExitCode::SUCCESS);
    }
    println!("自我审核 · self-audit: {} / {} · {d}", role.zh(), role.en());
    for i in &a.items {
        let mark = if i.count == 0 { "✓" } else { "!" };
        println!("{mark} {} · {}: {}", i.item.zh(), i.item.en(), i.count);
        if let (Some(p), Some(d)) = (i.printed, i.processed) {
            println!("    打印 printed {p} · 已处理 processed {d}");
        }
        for r in i.rows.iter().take(20) {
            let mut cells = vec![r.subject.clone()];
            if !r.orders.is_empty() && r.orders != [r.subject.clone()] {
                cells.push(r.orders.join(","));
            }
            if let Some(q) = r.qty {
                cells.push(q.to_string());
            }
            if let Some(a) = r.amount {
                cells.push(format!("¥{a}"));
            }
            if let Some(w) = &r.who {
                cells.push(w.clone());
            }
            if let Some(t) = &r.at {
                cells.push(flow::print::shop_time(t));
            }
            println!("    {}", cells.join("  "));
        }
        if i.count > 20 {
            println!(
                "    … 共 {} 项 · {} in all (--json lists them)",
                i.count, i.count
            );
        }
        if i.count > 0 {
            println!("    → {}", act(i.item));
        }
    }
    if a.signed.is_empty() {
        println!("未签署 · not signed yet (--sign)");
    }
    for s in &a.signed {
        println!(
            "已签署 · signed: {} {} {}（未清项 open items: {}）",
            s.staff_code,
            s.staff_name,
            flow::print::shop_time(&s.at),
            s.open_items
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where an item is put right, as a command (the window has a button for each).
fn act(item: AuditItem) -> &'static str {
    use AuditItem::*;
    match item {
        PrintedNoTracking => "packbench waybill new ORDER_NO; print waybills --batch B --only NEW",
        LeftOutsideBench => "packbench order show ORDER_NO (stock left unchecked: stock show SKU)",
        NoStockOut => "packbench order match ORDER_NO --line N --sku SKU; issue create",
        CheckedNotShipped => "scan its waybill at the bench, or packbench release TRACKING_NO",
        ReportedNotLeft => "check it at the bench: scan its waybill",
        NotShippedOnTaobao | PartlyShippedOnTaobao => {
            "packbench export shipments --day D --out 发货.csv (淘宝批量发货)"
        }
        BulkShipped => "confirm each parcel left, then sign: packbench audit --sign",
        PrintedNotProcessed => "packbench batch show B; check the rest at the bench",
        CreditedToNonCs => "packbench order remark ORDER_NO 'C07 …' (the customer service's code)",
        ReceiptsOpen => "packbench receipt confirm R",
        NegativeStock => "packbench stocktake (count the bin) or stock show SKU",
        DeadStock => "packbench product discontinue SKU",
        ReturnsWaiting => "packbench scan --mode return",
        RefundsOpen => "Taobao 退款管理; then packbench import refunds FILE",
        ExceptionsOpen => "packbench exceptions list; exceptions handle ID --note N",
    }
}

/// A report's tables: written to `out` (CSV or XLSX), else its first table shown. `true` when
/// it was shown (there is more to say under it).
fn export_or_show(
    store: &Store,
    title: &str,
    sheets: &[flow::sheet::Sheet],
    out: Option<PathBuf>,
    force: bool,
) -> Result<bool, Error> {
    if let Some(out) = out {
        let guard = crate::output::Guard::new(store.path(), force);
        flow::sheet::write(&out, title, sheets, &guard)?;
        let n = sheets[0].rows.len();
        println!("已导出 {n} 行 · {n} rows exported → {}", out.display());
        return Ok(false);
    }
    let header: Vec<&str> = sheets[0].header.iter().map(String::as_str).collect();
    let rows: Vec<Vec<String>> = sheets[0]
        .rows
        .iter()
        .map(|r| r.iter().map(|c| c.text()).collect())
        .collect();
    println!("{title}");
    table::print(&header, &rows);
    Ok(true)
}

pub fn report(store: &mut Store, actor: &Actor, cmd: ReportCmd) -> Result<ExitCode, Error> {
    match cmd {
        ReportCmd::Performance {
            from,
            to,
            by,
            json,
            out,
            force,
        } => {
            let grain = Grain::from_code(&by).unwrap_or(Grain::Day);
            let p = flow::report::performance(store, actor, day(&from)?, day(&to)?, grain)?;
            if json {
                print_json(&p);
            } else {
                export_or_show(store, &p.title(), &p.sheets(), out, force)?;
            }
        }
        ReportCmd::Commission {
            month,
            json,
            out,
            force,
        } => {
            let c = flow::report::commission(store, actor, &month)?;
            if json {
                print_json(&c);
            } else if export_or_show(store, &c.title(), &c.sheets(), out, force)? {
                println!(
                    "无客服代码的订单 · orders with no CS code: {}，¥{}",
                    c.uncredited.len(),
                    c.uncredited_paid
                );
                for u in c.uncredited.iter().take(20) {
                    println!(
                        "    {}  {}  ¥{}",
                        u.order_no,
                        flow::print::shop_time(&u.paid_at),
                        u.paid
                    );
                }
                if c.uncredited.len() > 20 {
                    println!("    … (--json or --out lists them all)");
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
