//! Commands of printing: waybills and pick lists of a batch, barcode labels, the print log,
//! the printers, and the shop's barcode rule.

use super::table::pad;
use crate::domain::time::stored_to_shop_local;
use crate::domain::{Actor, BatchId, ReceiptId};
use crate::error::Error;
use crate::flow;
use crate::flow::barcodes::{AssignFormat, Which};
use crate::flow::print::{
    LabelJob, LabelSelect, Overwrite, PrintFormat, PrintOutcome, Target, WaybillJob,
};
use crate::print::{Dpi, LabelSize, WaybillSize};
use crate::store::Store;
use clap::{Args, Subcommand};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum PrintCmd {
    /// The scan cards (MISSING, DAMAGED) for the check bench and the return desk, as a PDF.
    Cards {
        #[arg(long)]
        out: PathBuf,
        /// Write over a file that is not an earlier PDF.
        #[arg(long)]
        force: bool,
    },
    /// Waybills (快递单) of a batch, one page per parcel: a PDF, or with --raw the commands of
    /// a thermal waybill printer.
    Waybills(WaybillArgs),
    /// The pick list (配货单) of a batch, A4.
    Picklist {
        /// The batch: 12 or B12.
        #[arg(long)]
        batch: String,
        #[command(flatten)]
        out: PdfOut,
    },
    /// Barcode labels of products.
    Labels(LabelArgs),
    /// The print log, newest first.
    Log {
        /// Only the jobs that failed (to retry).
        #[arg(long)]
        failed: bool,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Print a logged job again, as it was (to the same place unless told otherwise).
    Retry {
        job: i64,
        #[arg(long, conflicts_with_all = ["printer", "to"])]
        out: Option<PathBuf>,
        #[arg(long, conflicts_with = "to")]
        printer: Option<String>,
        #[arg(long)]
        to: Option<String>,
        /// Overwrite an existing file even if it is not an earlier output of this kind.
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Where a PDF goes: a file or a printer of this computer.
#[derive(Debug, Args)]
pub struct PdfOut {
    /// Write the PDF to this file (an existing file only if it is a PDF, unless --force).
    #[arg(long, conflicts_with = "printer", required_unless_present = "printer")]
    pub out: Option<PathBuf>,
    /// Overwrite an existing file that is not a PDF (never the store).
    #[arg(long)]
    pub force: bool,
    /// Print on this printer of the computer (see `printers list`: CUPS on Linux, Windows'
    /// printer list); the page size is kept.
    #[arg(long)]
    pub printer: Option<String>,
    /// 203 or 300: the printer's resolution, to put barcode bars on its dots (default: setting
    /// print.dpi).
    #[arg(long)]
    pub dpi: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct WaybillArgs {
    /// The batch: 12 or B12.
    #[arg(long)]
    pub batch: String,
    /// 100x180 (two-part), 100x150 or 76x130 (default: setting print.waybill_size).
    #[arg(long)]
    pub size: Option<String>,
    /// Reprint only these parcels, by tracking number.
    #[arg(long, num_args = 1..)]
    pub only: Vec<String>,
    /// Write a PDF (or, with --raw, the printer's commands) to this file (an existing file only
    /// if it is an earlier output of the same kind, unless --force).
    #[arg(long, conflicts_with_all = ["printer", "to"],
          required_unless_present_any = ["printer", "to"])]
    pub out: Option<PathBuf>,
    /// Print on this printer of the computer (`printers list`: CUPS on Linux, Windows' printer
    /// list); the page size is kept. With --raw its commands go to it as they are (a raw CUPS
    /// queue, Windows' RAW datatype).
    #[arg(long, conflicts_with = "to")]
    pub printer: Option<String>,
    /// TSPL or ZPL for a thermal waybill printer instead of PDF: each waybill goes as one
    /// picture of the page, at --dpi.
    #[arg(long, value_parser = ["tspl", "zpl"])]
    pub raw: Option<String>,
    /// The thermal printer's own port: HOST:PORT (a network printer's raw port, 9100 if left
    /// out), a device such as /dev/usb/lp0, or on Windows a port such as COM3 (a USB printer on
    /// Windows is reached with --printer and its name in Windows' list). Needs --raw.
    #[arg(long, requires = "raw")]
    pub to: Option<String>,
    /// 203 or 300: the printer's resolution, to put barcode bars on its dots (default: setting
    /// print.dpi).
    #[arg(long)]
    pub dpi: Option<String>,
    /// Overwrite an existing file that is not an earlier output of this kind (never the store).
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct LabelArgs {
    /// Products by merchant code.
    #[arg(long, num_args = 1.., required_unless_present_any = ["receipt", "needs_barcode", "return_waybill"],
          conflicts_with_all = ["receipt", "needs_barcode", "return_waybill"])]
    pub sku: Vec<String>,
    /// The products of an inbound receipt (12 or R12): a label per unit received.
    #[arg(long, conflicts_with_all = ["needs_barcode", "return_waybill"])]
    pub receipt: Option<String>,
    /// The goods of a return received (退货贴条码), by its waybill: a label per good unit,
    /// back on the shelf.
    #[arg(long = "return", conflicts_with = "needs_barcode")]
    pub return_waybill: Option<String>,
    /// Products without a barcode: each gets one by the shop's rule (in-store EAN-13), then a
    /// label.
    #[arg(long)]
    pub needs_barcode: bool,
    /// Labels of each product.
    #[arg(long, default_value_t = 1)]
    pub copies: u32,
    /// 40x30, 50x30 or 60x40 (default: setting print.label_size).
    #[arg(long)]
    pub size: Option<String>,
    /// Write a PDF (or, with --raw, the printer's commands) to this file.
    #[arg(long, conflicts_with_all = ["printer", "to"])]
    pub out: Option<PathBuf>,
    /// Print on this printer of the computer (`printers list`); with --raw its commands go to it
    /// as they are (a raw CUPS queue, Windows' RAW datatype).
    #[arg(long, conflicts_with = "to")]
    pub printer: Option<String>,
    /// TSPL or ZPL for a label printer instead of PDF.
    #[arg(long, value_parser = ["tspl", "zpl"])]
    pub raw: Option<String>,
    /// The label printer's own port: HOST:PORT (a network printer's raw port, 9100 if left out),
    /// a device such as /dev/usb/lp0, or on Windows a port such as COM3 (a USB label printer on
    /// Windows is reached with --printer and its name in Windows' list). Needs --raw.
    #[arg(long, requires = "raw")]
    pub to: Option<String>,
    /// 203 or 300 dpi (default: setting print.dpi).
    #[arg(long)]
    pub dpi: Option<String>,
    /// Overwrite an existing file that is not an earlier output of this kind (never the store).
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum PrintersCmd {
    /// The printers of this computer (CUPS queues on Linux, Windows' printer list).
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BarcodesCmd {
    /// Give products without a barcode one by the shop's rule: an in-store EAN-13
    /// (2 + setting barcode.shop_digits + sequence + check digit), or the merchant code as
    /// Code 128.
    Assign {
        #[arg(long, conflicts_with = "sku", required_unless_present = "sku")]
        needs_barcode: bool,
        #[arg(long, num_args = 1..)]
        sku: Vec<String>,
        /// ean13 (default) or code128.
        #[arg(long, default_value = "ean13", value_parser = ["ean13", "code128"])]
        format: String,
        #[arg(long)]
        json: bool,
    },
}

fn dpi(text: Option<&str>) -> Result<Option<Dpi>, Error> {
    text.map(Dpi::parse).transpose()
}

/// PDF, or `--raw tspl|zpl`.
fn format(raw: Option<&str>) -> Result<PrintFormat, Error> {
    raw.map_or(Ok(PrintFormat::Pdf), PrintFormat::parse)
}

fn pdf_target(out: &PdfOut) -> Target {
    match (&out.out, &out.printer) {
        (Some(path), _) => Target::File(path.clone()),
        (None, Some(q)) => Target::Printer(q.clone()),
        // clap requires one of them.
        (None, None) => unreachable!("--out or --printer"),
    }
}

fn overwrite(force: bool) -> Overwrite {
    if force {
        Overwrite::Force
    } else {
        Overwrite::OursOnly
    }
}

fn report(o: &PrintOutcome, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string(o).expect("serialisable"));
        return;
    }
    let what = format!("{} {}", o.kind.zh(), o.kind.en());
    let via = o
        .cups_job
        .as_ref()
        .map(|j| format!(" ({} {j})", if cfg!(windows) { "Windows" } else { "CUPS" }))
        .unwrap_or_default();
    println!(
        "{what}: {} 页 pages{} → {}{via} · 打印任务 job {}",
        o.pages,
        if o.reprint { " · 补打 reprint" } else { "" },
        o.target,
        o.job_id
    );
    if !o.assigned.is_empty() {
        println!("已分配条码 · barcodes given: {}", o.assigned.join(", "));
    }
}

pub fn print(store: &mut Store, actor: &Actor, cmd: PrintCmd) -> Result<ExitCode, Error> {
    match cmd {
        PrintCmd::Waybills(a) => {
            let job = WaybillJob {
                batch_id: a.batch.parse::<BatchId>()?,
                only: a.only,
                size: a.size.as_deref().map(WaybillSize::parse).transpose()?,
                dpi: dpi(a.dpi.as_deref())?,
                format: format(a.raw.as_deref())?,
                overwrite: overwrite(a.force),
            };
            let target = match (a.out, a.printer, a.to) {
                (Some(p), _, _) => Target::File(p),
                (None, Some(q), _) => Target::Printer(q),
                (None, None, Some(to)) => Target::Raw(to),
                // clap requires one of them.
                (None, None, None) => unreachable!("--out, --printer or --to"),
            };
            let gaps = flow::print::sender_gaps(store)?;
            if !gaps.is_empty() {
                // Printed all the same (scripts wait for no answer), but never in silence.
                let keys: Vec<&str> = gaps
                    .iter()
                    .map(|g| match g {
                        flow::print::SenderPart::Name => flow::print::SENDER_NAME_SETTING,
                        flow::print::SenderPart::Phone => flow::print::SENDER_PHONE_SETTING,
                        flow::print::SenderPart::Address => flow::print::SENDER_ADDRESS_SETTING,
                    })
                    .collect();
                eprintln!(
                    "注意：快递单上的寄件人信息是空的 · note: the waybill's sender is empty ({});                      packbench settings set KEY VALUE",
                    keys.join(", ")
                );
            }
            let o = flow::print::print_waybills(store, actor, &job, &target)?;
            report(&o, a.json);
        }
        PrintCmd::Picklist { batch, out } => {
            let o = flow::print::print_picklist(
                store,
                actor,
                batch.parse::<BatchId>()?,
                dpi(out.dpi.as_deref())?,
                &pdf_target(&out),
                overwrite(out.force),
            )?;
            report(&o, out.json);
        }
        PrintCmd::Labels(a) => {
            // A receipt's labels: one per unit received (times --copies).
            let receipt_skus = match &a.receipt {
                Some(r) => Some(flow::receipt::label_skus(
                    store,
                    actor,
                    r.parse::<ReceiptId>()?,
                )?),
                None => match &a.return_waybill {
                    Some(w) => Some(flow::returns::label_skus(store, actor, w)?),
                    None => None,
                },
            };
            let format = format(a.raw.as_deref())?;
            let target = match (&a.out, &a.printer, &a.to) {
                (Some(p), _, _) => Target::File(p.clone()),
                (None, Some(q), _) => Target::Printer(q.clone()),
                (None, None, Some(to)) => Target::Raw(to.clone()),
                (None, None, None) => {
                    return Err(Error::invalid(
                        "请指定 --out 文件、--printer 打印机，或 --raw … --to 标签打印机",
                        "say where the labels go: --out FILE, --printer NAME or --raw … --to HOST:PORT|DEVICE",
                    ));
                }
            };
            let job = LabelJob {
                select: if a.needs_barcode {
                    LabelSelect::NeedsBarcode
                } else {
                    LabelSelect::Skus(receipt_skus.unwrap_or(a.sku))
                },
                copies: a.copies,
                size: a.size.as_deref().map(LabelSize::parse).transpose()?,
                dpi: dpi(a.dpi.as_deref())?,
                format,
                overwrite: overwrite(a.force),
            };
            let o = flow::print::print_labels(store, actor, &job, &target)?;
            report(&o, a.json);
        }
        PrintCmd::Cards { out, force } => {
            let guard = crate::output::Guard::new(store.path(), force);
            let n = flow::exceptions::print_cards(store, actor, &out, &guard)?;
            println!("{n} 张卡片 · cards → {}", out.display());
        }
        PrintCmd::Log {
            failed,
            limit,
            json,
        } => {
            let jobs = flow::print::log(store, actor, failed, limit)?;
            if json {
                let arr: Vec<serde_json::Value> = jobs
                    .iter()
                    .map(|j| {
                        json!({
                            "id": j.id, "at": j.at, "staff": j.staff_code, "terminal": j.terminal,
                            "kind": j.kind, "batch": j.batch_id, "subject": j.subject,
                            "pages": j.pages, "format": j.format, "target": j.target,
                            "reprint": j.reprint, "result": j.result, "error": j.error,
                            "cups_job": j.cups_job, "retry_of": j.retry_of,
                        })
                    })
                    .collect();
                println!("{}", serde_json::Value::Array(arr));
            } else {
                for j in &jobs {
                    println!(
                        "{:>5}  {}  {:<8} {:<9} {:<14} {:>4}p {:<5} {:<7} {}{}",
                        j.id,
                        stored_to_shop_local(&j.at),
                        j.staff_code,
                        j.kind.code(),
                        j.subject,
                        j.pages,
                        j.format,
                        j.result.code(),
                        j.target,
                        j.error
                            .as_ref()
                            .map(|e| format!("  ({e})"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        PrintCmd::Retry {
            job,
            out,
            printer,
            to,
            force,
            json,
        } => {
            let target = match (out, printer, to) {
                (Some(p), _, _) => Some(Target::File(p)),
                (None, Some(q), _) => Some(Target::Printer(q)),
                (None, None, Some(t)) => Some(Target::Raw(t)),
                _ => None,
            };
            let o = flow::print::retry(store, actor, job, target, overwrite(force))?;
            report(&o, json);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn printers(cmd: PrintersCmd) -> Result<ExitCode, Error> {
    match cmd {
        PrintersCmd::List { json } => {
            let list = crate::print::spool::system().list()?;
            if json {
                println!("{}", serde_json::to_string(&list).expect("serialisable"));
            } else if list.is_empty() {
                if cfg!(windows) {
                    println!(
                        "没有打印机：在 Windows 设置 → 打印机和扫描仪 里添加 · no printers: add one in Windows Settings → Printers & scanners"
                    );
                } else {
                    println!(
                        "没有打印机：用 lpadmin 或 CUPS 网页添加 · no printers (add one with lpadmin or the CUPS web page)"
                    );
                }
            } else {
                for p in &list {
                    println!(
                        "{}{:<20} {:<10} {:<14} {}",
                        if p.default { "*" } else { " " },
                        p.name,
                        p.state,
                        if p.accepting {
                            "accepting"
                        } else {
                            "not accepting"
                        },
                        p.device
                    );
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn barcodes(store: &mut Store, actor: &Actor, cmd: BarcodesCmd) -> Result<ExitCode, Error> {
    match cmd {
        BarcodesCmd::Assign {
            needs_barcode,
            sku,
            format,
            json,
        } => {
            let which = if needs_barcode {
                Which::NeedsBarcode
            } else {
                Which::Skus(sku)
            };
            let format = if format == "code128" {
                AssignFormat::Code128
            } else {
                AssignFormat::Ean13
            };
            let r = flow::barcodes::assign(store, actor, &which, format)?;
            if json {
                println!("{}", serde_json::to_string(&r).expect("serialisable"));
            } else {
                for a in &r.assigned {
                    println!(
                        "{} {}  {}",
                        pad(&a.sku_code, 20),
                        a.barcode,
                        a.symbology.code()
                    );
                }
                for (s, b) in &r.kept {
                    println!("{} {b}  (已有条码 · kept)", pad(s, 20));
                }
                println!(
                    "已分配 {} 个条码 · {} barcode(s) given",
                    r.assigned.len(),
                    r.assigned.len()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
