//! Printing as the back room does it: waybills and the pick list of a print batch, barcode
//! labels for products. Each job is gathered from the store, laid out by `print`, written to the
//! print log as pending, sent (a PDF file, a CUPS queue, a label printer's port) and marked taken
//! or failed. A failed job stays in the log and can be retried as it was.

use super::barcodes::{AssignFormat, Which, assign_in};
use super::batch::{item_lines, live_batch, pick_list};
use crate::domain::print::{JobKind, JobResult};
use crate::domain::time::{from_store, shop_zone};
use crate::domain::{Actor, BatchId, Permission};
use crate::error::{Error, Refusal, Result};
use crate::output::{Guard, OutKind};
use crate::print::canvas::{Document, Drawing};
use crate::print::label::{self, Label, LabelOptions, LabelSize};
use crate::print::picklist::{self, PickLine, PickList};
use crate::print::raw::{self, DEFAULT_ZPL_FONT, RawFormat};
use crate::print::spool::{Payload, SpoolJob, Spooler};
use crate::print::waybill::{self, Sender, Waybill, WaybillItem, WaybillOptions, WaybillSize};
use crate::print::{Dpi, printer, spool};
use crate::store::{BatchRow, Db, NewPrintJob, PrintJobItem, PrintJobRow, Store};
use serde_json::{Value, json};
use std::path::PathBuf;

pub const SENDER_NAME_SETTING: &str = "shop.sender_name";
pub const SENDER_PHONE_SETTING: &str = "shop.sender_phone";
pub const SENDER_ADDRESS_SETTING: &str = "shop.sender_address";
pub const MASK_PHONE_SETTING: &str = "print.mask_phone";
pub const DPI_SETTING: &str = "print.dpi";
pub const WAYBILL_SIZE_SETTING: &str = "print.waybill_size";
pub const LABEL_SIZE_SETTING: &str = "print.label_size";
pub const ZPL_FONT_SETTING: &str = "print.zpl_font";

/// Checks a `print.dpi` value.
pub(crate) fn check_dpi(v: &str) -> Result<()> {
    Dpi::parse(v).map(|_| ())
}

pub(crate) fn check_waybill_size(v: &str) -> Result<()> {
    WaybillSize::parse(v).map(|_| ())
}

pub(crate) fn check_label_size(v: &str) -> Result<()> {
    LabelSize::parse(v).map(|_| ())
}

/// Where a job goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A file (PDF, or TSPL/ZPL for a label printer to be fed later).
    File(PathBuf),
    /// A printer in the computer's list: a CUPS queue on Linux, a printer in Windows' list.
    Printer(String),
    /// A label printer's own port: `HOST:PORT` or a device file such as `/dev/usb/lp0`.
    Raw(String),
}

/// Whether an existing file that is not an earlier output of the job's kind may be overwritten
/// (`--force`). The store itself never is (see `output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Overwrite {
    /// Only an earlier output of the same kind, or an empty file.
    #[default]
    OursOnly,
    /// Whatever file is there.
    Force,
}

impl Target {
    /// Refuses a target that is the store, or a file not ours (see `output`), before anything
    /// is rendered or logged.
    fn check(&self, store: &Store, kind: OutKind, overwrite: Overwrite) -> Result<()> {
        let guard = guard(store, overwrite);
        match self {
            Target::File(path) => guard.check(path, kind).map(|_| ()),
            Target::Raw(to) => match printer::raw_path(to) {
                Some(path) => guard.check(&path, kind).map(|_| ()),
                None => Ok(()),
            },
            Target::Printer(_) => Ok(()),
        }
    }
}

fn guard(store: &Store, overwrite: Overwrite) -> Guard {
    Guard::new(store.path(), overwrite == Overwrite::Force)
}

impl Target {
    /// As the print log keeps it: `file:PATH`, `cups:PRINTER`, `raw:ADDRESS` (`cups:` from the
    /// days of Linux only; it names a printer of the computer's list on Windows too).
    pub fn to_log(&self) -> String {
        match self {
            Target::File(p) => format!("file:{}", p.display()),
            Target::Printer(q) => format!("cups:{q}"),
            Target::Raw(a) => format!("raw:{a}"),
        }
    }

    pub fn from_log(text: &str) -> Option<Target> {
        let (kind, rest) = text.split_once(':')?;
        match kind {
            "file" => Some(Target::File(PathBuf::from(rest))),
            "cups" => Some(Target::Printer(rest.to_string())),
            "raw" => Some(Target::Raw(rest.to_string())),
            _ => None,
        }
    }
}

/// What a print job did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrintOutcome {
    pub job_id: i64,
    pub kind: JobKind,
    pub pages: usize,
    pub target: String,
    /// `pdf`, `tspl` or `zpl`.
    pub format: String,
    /// CUPS's request id (`WAYBILL-12`) when the job went through CUPS.
    pub cups_job: Option<String>,
    pub reprint: bool,
    pub bytes: usize,
    /// Barcodes given by the shop's rule on the way (labels with `--needs-barcode`).
    pub assigned: Vec<String>,
}

/// A part of the waybill's sender block (the shop's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderPart {
    Name,
    Phone,
    Address,
}

/// The parts of the sender block a waybill would print empty: nobody filled them in. A waybill
/// without them is printed only once the user has been told (the window asks; the CLI warns).
pub fn sender_gaps(store: &Store) -> Result<Vec<SenderPart>> {
    let db = store.read();
    let mut gaps = Vec::new();
    for (part, key) in [
        (SenderPart::Name, SENDER_NAME_SETTING),
        (SenderPart::Phone, SENDER_PHONE_SETTING),
        (SenderPart::Address, SENDER_ADDRESS_SETTING),
    ] {
        if setting_or(&db, key, "")?.trim().is_empty() {
            gaps.push(part);
        }
    }
    Ok(gaps)
}

fn setting_or(db: &Db<'_>, key: &str, default: &str) -> Result<String> {
    Ok(db
        .setting(key)?
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string()))
}

fn dpi_of(db: &Db<'_>, given: Option<Dpi>) -> Result<Dpi> {
    match given {
        Some(d) => Ok(d),
        None => Dpi::parse(&setting_or(db, DPI_SETTING, "203")?),
    }
}

/// Shop time as printed on paper (and said in messages).
pub(crate) fn shop_time(stored: &str) -> String {
    from_store(stored)
        .map(|t| {
            t.with_timezone(&shop_zone())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| stored.to_string())
}

fn now_shop() -> String {
    chrono::Utc::now()
        .with_timezone(&shop_zone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The batch to print from; a cancelled one is refused.
fn batch_row(db: &Db<'_>, batch_id: BatchId) -> Result<BatchRow> {
    live_batch(db, batch_id)
}

/// The waybills of a batch as they would print now: every parcel, or those with the tracking
/// numbers in `only`. Pairs each with its parcel id.
pub fn batch_waybills(
    db: &Db<'_>,
    batch_id: BatchId,
    only: &[String],
) -> Result<Vec<(i64, Waybill)>> {
    batch_row(db, batch_id)?;
    let parcels = db.batch_parcels(batch_id)?;
    for t in only {
        if !parcels
            .iter()
            .any(|p| p.tracking_no.as_deref() == Some(t.trim()))
        {
            return Err(Error::invalid(
                format!("快递单号 {t} 不在批次 {batch_id} 里"),
                format!("tracking number {t} is not in batch {batch_id}"),
            ));
        }
    }
    let sender = Sender {
        name: setting_or(db, SENDER_NAME_SETTING, "")?,
        phone: setting_or(db, SENDER_PHONE_SETTING, "")?,
        address: setting_or(db, SENDER_ADDRESS_SETTING, "")?,
    };
    let printed_before =
        db.parcels_printed_before(&parcels.iter().map(|p| p.id).collect::<Vec<_>>())?;
    let printed_at = now_shop();
    let of = parcels.len() as i64;
    let mut out = Vec::new();
    for p in &parcels {
        // A parcel whose waybill was voided waits for its new number.
        let Some(tracking_no) = p.tracking_no.clone() else {
            continue;
        };
        if !only.is_empty() && !only.iter().any(|t| t.trim() == tracking_no) {
            continue;
        }
        let orders = db.parcel_orders(p.id)?;
        let Some(first) = orders.first() else {
            continue;
        };
        let items = item_lines(db, &orders)?
            .into_iter()
            .map(|l| WaybillItem {
                sku_code: l.sku_code,
                qty: l.qty,
                spec: l.spec,
            })
            .collect();
        let mut messages: Vec<&str> = Vec::new();
        for o in &orders {
            let m = o.buyer_message.trim();
            if !m.is_empty() && !messages.contains(&m) {
                messages.push(m);
            }
        }
        out.push((
            p.id,
            Waybill {
                courier: p.courier.clone().unwrap_or_default(),
                tracking_no,
                batch_id,
                seq: p.seq.unwrap_or(0),
                of,
                receiver_name: first.receiver.name.clone(),
                receiver_phone: first.receiver.phone.clone(),
                receiver_address: first.receiver.address.clone(),
                sender: sender.clone(),
                order_nos: orders.iter().map(|o| o.order_no.clone()).collect(),
                items,
                buyer_message: messages.join("；"),
                printed_at: printed_at.clone(),
                reprint: printed_before.contains(&p.id),
            },
        ));
    }
    Ok(out)
}

/// Options of a waybill job; `None` takes the shop's setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaybillJob {
    pub batch_id: BatchId,
    /// Reprint only these parcels (tracking numbers); empty: the whole batch.
    pub only: Vec<String>,
    pub size: Option<WaybillSize>,
    pub dpi: Option<Dpi>,
    /// PDF, or TSPL/ZPL for a thermal waybill printer: each page sent as one picture.
    pub format: PrintFormat,
    pub overwrite: Overwrite,
}

/// The waybills of a batch as a PDF, without printing or logging them (a preview).
pub fn waybills_pdf(store: &Store, actor: &Actor, job: &WaybillJob) -> Result<(Vec<u8>, usize)> {
    actor.require(Permission::PrintBatch)?;
    let db = store.read();
    let (doc, items, _, _) = render_waybills(&db, job)?;
    Ok((doc.pdf, items.len()))
}

fn render_waybills(
    db: &Db<'_>,
    job: &WaybillJob,
) -> Result<(Document, Vec<PrintJobItem>, bool, WaybillOptions)> {
    let opts = WaybillOptions {
        size: match job.size {
            Some(s) => s,
            None => WaybillSize::parse(&setting_or(db, WAYBILL_SIZE_SETTING, "100x180")?)?,
        },
        dpi: dpi_of(db, job.dpi)?,
        mask_phone: setting_or(db, MASK_PHONE_SETTING, "true")? != "false",
    };
    let waybills = batch_waybills(db, job.batch_id, &job.only)?;
    if waybills.is_empty() {
        return Err(Error::invalid(
            format!("批次 {} 没有包裹", job.batch_id),
            format!("batch {} has no parcels", job.batch_id),
        ));
    }
    let reprint = waybills.iter().any(|(_, w)| w.reprint);
    let items = waybills
        .iter()
        .map(|(id, w)| PrintJobItem {
            parcel_id: Some(*id),
            tracking_no: Some(w.tracking_no.clone()),
            product_id: None,
            copies: 1,
        })
        .collect();
    let pages: Vec<Waybill> = waybills.into_iter().map(|(_, w)| w).collect();
    Ok((waybill::document(&pages, &opts)?, items, reprint, opts))
}

/// Prints the waybills of a batch (one page per parcel) to `target`.
pub fn print_waybills(
    store: &mut Store,
    actor: &Actor,
    job: &WaybillJob,
    target: &Target,
) -> Result<PrintOutcome> {
    waybills_job(store, actor, job, target, None)
}

fn waybills_job(
    store: &mut Store,
    actor: &Actor,
    job: &WaybillJob,
    target: &Target,
    retry_of: Option<i64>,
) -> Result<PrintOutcome> {
    actor.require(Permission::PrintBatch)?;
    if job.format == PrintFormat::Pdf {
        raw_not_for_pdf(target)?;
    }
    target.check(store, job.format.out_kind(), job.overwrite)?;
    let (doc, items, reprint, opts) = {
        let db = store.read();
        render_waybills(&db, job)?
    };
    // A thermal printer gets each page as drawn for the PDF, as one picture at its dpi: the
    // layout needs no printer font or barcode command, and reads the same on either.
    let doc = match job.format {
        PrintFormat::Pdf => doc,
        PrintFormat::Raw(f) => Document {
            pdf: match f {
                RawFormat::Tspl => raw::tspl_pages(&doc.pages, opts.dpi.0),
                RawFormat::Zpl => raw::zpl_pages(&doc.pages, opts.dpi.0),
            },
            pages: Vec::new(),
        },
    };
    let params = json!({
        "batch": job.batch_id,
        "only": job.only,
        "size": job.size.map(WaybillSize::code),
        "dpi": job.dpi.map(|d| d.0),
        "format": job.format.code(),
    });
    let (w, h) = opts.size.mm();
    let pages = items.len();
    let subject = job.batch_id.to_string();
    let record = NewPrintJob {
        kind: JobKind::Waybills,
        batch_id: Some(job.batch_id),
        subject: &subject,
        pages: pages as i64,
        format: job.format.code(),
        target: &target.to_log(),
        reprint,
        params: &params,
        retry_of,
    };
    let sending = Sending {
        media: printer::media(w, h),
        kind: job.format.out_kind(),
        overwrite: job.overwrite,
    };
    run_job(store, actor, record, &items, doc, target, &sending)
}

fn raw_not_for_pdf(target: &Target) -> Result<()> {
    if let Target::Raw(to) = target {
        return Err(Refusal::PdfToLabelPort(to.clone()).into());
    }
    Ok(())
}

/// The pick list of a batch as printed now.
pub fn batch_pick_list(db: &Db<'_>, batch_id: BatchId) -> Result<PickList> {
    let b = batch_row(db, batch_id)?;
    let lines = pick_list(db, batch_id)?
        .into_iter()
        .map(|l| PickLine {
            bin: l.bin,
            sku_code: l.sku_code,
            title: l.title,
            spec: l.spec,
            qty: l.qty,
        })
        .collect();
    Ok(PickList {
        batch_id,
        courier: b.courier.clone(),
        parcels: (b.parcels - b.shipped).max(0) as usize,
        created_at: shop_time(&b.created_at),
        printed_at: now_shop(),
        picker: b.picker_code.clone(),
        lines,
        reprint: db.picklist_printed_before(batch_id)?,
    })
}

/// Prints the pick list (配货单) of a batch to `target` (A4).
pub fn print_picklist(
    store: &mut Store,
    actor: &Actor,
    batch_id: BatchId,
    dpi: Option<Dpi>,
    target: &Target,
    overwrite: Overwrite,
) -> Result<PrintOutcome> {
    picklist_job(store, actor, (batch_id, dpi), target, overwrite, None)
}

fn picklist_job(
    store: &mut Store,
    actor: &Actor,
    (batch_id, dpi): (BatchId, Option<Dpi>),
    target: &Target,
    overwrite: Overwrite,
    retry_of: Option<i64>,
) -> Result<PrintOutcome> {
    actor.require(Permission::PrintBatch)?;
    raw_not_for_pdf(target)?;
    target.check(store, OutKind::Pdf, overwrite)?;
    let (data, pages, reprint) = {
        let db = store.read();
        let list = batch_pick_list(&db, batch_id)?;
        let doc = picklist::document(&list, dpi_of(&db, dpi)?)?;
        let pages = doc.pages.len();
        (doc, pages, list.reprint)
    };
    let params = json!({"batch": batch_id, "dpi": dpi.map(|d| d.0)});
    let subject = batch_id.to_string();
    let record = NewPrintJob {
        kind: JobKind::Picklist,
        batch_id: Some(batch_id),
        subject: &subject,
        pages: pages as i64,
        format: "pdf",
        target: &target.to_log(),
        reprint,
        params: &params,
        retry_of,
    };
    let sending = Sending {
        media: "A4".into(),
        kind: OutKind::Pdf,
        overwrite,
    };
    run_job(store, actor, record, &[], data, target, &sending)
}

/// Which products get labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelSelect {
    Skus(Vec<String>),
    /// Products without a barcode: each gets one by the shop's rule (EAN-13), then its label.
    NeedsBarcode,
}

/// PDF, or a thermal printer's own language (labels, and waybills for a thermal 快递单 printer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PrintFormat {
    #[default]
    Pdf,
    Raw(RawFormat),
}

impl PrintFormat {
    pub fn code(self) -> &'static str {
        match self {
            PrintFormat::Pdf => "pdf",
            PrintFormat::Raw(f) => f.code(),
        }
    }

    /// `pdf`, `tspl` or `zpl`, as the CLI and the print log say it.
    pub fn parse(text: &str) -> Result<PrintFormat> {
        match text.trim().to_ascii_lowercase().as_str() {
            "pdf" => Ok(PrintFormat::Pdf),
            f => RawFormat::parse(f).map(PrintFormat::Raw),
        }
    }

    /// The format a logged job's params keep (jobs from before it was kept were PDF).
    fn of_params(p: &Value) -> Result<PrintFormat> {
        PrintFormat::parse(p["format"].as_str().unwrap_or("pdf"))
    }

    fn out_kind(self) -> OutKind {
        match self {
            PrintFormat::Pdf => OutKind::Pdf,
            PrintFormat::Raw(_) => OutKind::LabelStream,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelJob {
    pub select: LabelSelect,
    pub copies: u32,
    pub size: Option<LabelSize>,
    pub dpi: Option<Dpi>,
    pub format: PrintFormat,
    pub overwrite: Overwrite,
}

/// The labels of some merchant codes; every product must exist and have a barcode.
pub fn labels_of(db: &Db<'_>, skus: &[String]) -> Result<Vec<(i64, Label)>> {
    let mut out = Vec::new();
    let mut missing = Vec::new();
    for sku in skus {
        let (id, p) = db
            .product_by_sku(sku.trim())?
            .ok_or_else(|| Error::not_found("product", "商品", sku.trim()))?;
        match p.barcode {
            Some(barcode) => out.push((
                id,
                Label {
                    sku_code: p.sku_code,
                    barcode,
                    name: p.name,
                    spec: p.spec,
                    price: p.price,
                    bin: p.bin,
                },
            )),
            None => missing.push(p.sku_code),
        }
    }
    if !missing.is_empty() {
        return Err(Refusal::NoBarcode(missing).into());
    }
    Ok(out)
}

fn label_options(db: &Db<'_>, job: &LabelJob) -> Result<LabelOptions> {
    if job.copies == 0 || job.copies > 999 {
        return Err(Refusal::CopiesOutOfRange.into());
    }
    Ok(LabelOptions {
        size: match job.size {
            Some(s) => s,
            None => LabelSize::parse(&setting_or(db, LABEL_SIZE_SETTING, "40x30")?)?,
        },
        dpi: dpi_of(db, job.dpi)?,
        copies: job.copies,
    })
}

/// The labels in the job's format: a PDF with its pages drawn, or a label printer's stream
/// (no pages).
fn render_labels(
    db: &Db<'_>,
    labels: &[Label],
    job: &LabelJob,
) -> Result<(Document, LabelOptions)> {
    let opts = label_options(db, job)?;
    let doc = match job.format {
        PrintFormat::Pdf => label::document(labels, &opts)?,
        PrintFormat::Raw(f) => {
            let font = setting_or(db, ZPL_FONT_SETTING, DEFAULT_ZPL_FONT)?;
            Document {
                pdf: raw::render(f, labels, &opts, &font)?,
                pages: Vec::new(),
            }
        }
    };
    Ok((doc, opts))
}

/// The first label as it would print, without printing or logging anything (the window's
/// preview): every product is checked as printing would check it (it exists, its barcode fits
/// the label at the shop's size and dpi), and page 1, the first product's, is laid out.
pub fn label_preview(
    store: &Store,
    actor: &Actor,
    skus: &[String],
    job: &LabelJob,
) -> Result<Drawing> {
    actor.require(Permission::PrintLabels)?;
    let db = store.read();
    let labels: Vec<Label> = labels_of(&db, skus)?.into_iter().map(|(_, l)| l).collect();
    let opts = LabelOptions {
        copies: 1,
        ..label_options(&db, job)?
    };
    label::fit_all(&labels, &opts)?;
    label::document(&labels[..1.min(labels.len())], &opts)?
        .pages
        .into_iter()
        .next()
        .ok_or_else(|| Error::invalid("没有要预览的标签", "no label to preview"))
}

/// Prints barcode labels to `target`. With `NeedsBarcode`, the products without a barcode get
/// one first, in the same transaction as the job's record: a label run that cannot be laid out
/// (a barcode too long for the label) gives no barcode either.
pub fn print_labels(
    store: &mut Store,
    actor: &Actor,
    job: &LabelJob,
    target: &Target,
) -> Result<PrintOutcome> {
    labels_job(store, actor, job, target, None)
}

fn labels_job(
    store: &mut Store,
    actor: &Actor,
    job: &LabelJob,
    target: &Target,
    retry_of: Option<i64>,
) -> Result<PrintOutcome> {
    actor.require(Permission::PrintLabels)?;
    if job.select == LabelSelect::NeedsBarcode {
        actor.require(Permission::AssignBarcodes)?;
    }
    if let (PrintFormat::Pdf, Target::Raw(to)) = (job.format, target) {
        return Err(Refusal::LabelPortNeedsRaw(to.clone()).into());
    }
    target.check(store, job.format.out_kind(), job.overwrite)?;
    let target_log = target.to_log();
    let (id, doc, pages, opts, assigned) = store.write(|db| {
        let (skus, assigned) = match &job.select {
            LabelSelect::Skus(s) => (s.clone(), Vec::new()),
            LabelSelect::NeedsBarcode => {
                let r = assign_in(db, actor, &Which::NeedsBarcode, AssignFormat::Ean13)?;
                let skus: Vec<String> = r.assigned.iter().map(|a| a.sku_code.clone()).collect();
                (skus.clone(), skus)
            }
        };
        if skus.is_empty() {
            return Err(Error::invalid(
                "没有要打印标签的商品",
                "no product to print labels for",
            ));
        }
        let labels = labels_of(db, &skus)?;
        let only: Vec<Label> = labels.iter().map(|(_, l)| l.clone()).collect();
        let (doc, opts) = render_labels(db, &only, job)?;
        let pages = labels.len() * opts.copies as usize;
        let items: Vec<PrintJobItem> = labels
            .iter()
            .map(|(pid, _)| PrintJobItem {
                product_id: Some(*pid),
                copies: i64::from(opts.copies),
                ..Default::default()
            })
            .collect();
        // The products by merchant code, so a retry prints the same labels.
        let params = json!({
            "skus": skus,
            "copies": opts.copies,
            "size": opts.size.code(),
            "dpi": opts.dpi.0,
            "format": job.format.code(),
        });
        let id = db.insert_print_job(
            actor,
            &NewPrintJob {
                kind: JobKind::Labels,
                batch_id: None,
                subject: &subject_of(&skus),
                pages: pages as i64,
                format: job.format.code(),
                target: &target_log,
                reprint: false,
                params: &params,
                retry_of,
            },
            &items,
        )?;
        Ok((id, doc, pages, opts, assigned))
    })?;
    let (w, h) = opts.size.mm();
    let sending = Sending {
        media: printer::media(w, h),
        kind: job.format.out_kind(),
        overwrite: job.overwrite,
    };
    let cups_job = deliver_logged(store, id, (&doc.pdf, &doc.pages), target, &sending)?;
    Ok(PrintOutcome {
        job_id: id,
        kind: JobKind::Labels,
        pages,
        target: target_log,
        format: job.format.code().into(),
        cups_job,
        reprint: false,
        bytes: doc.pdf.len(),
        assigned,
    })
}

/// A short name of a label run's products for the log: the first few merchant codes.
fn subject_of(skus: &[String]) -> String {
    let mut s = skus.iter().take(5).cloned().collect::<Vec<_>>().join(",");
    if skus.len() > 5 {
        s.push_str(&format!(",…(+{})", skus.len() - 5));
    }
    s
}

/// Records a job (a PDF, or a waybill printer's stream) as pending, sends it and records how it
/// ended.
fn run_job(
    store: &mut Store,
    actor: &Actor,
    record: NewPrintJob<'_>,
    items: &[PrintJobItem],
    doc: Document,
    target: &Target,
    sending: &Sending,
) -> Result<PrintOutcome> {
    let id = store.write(|db| db.insert_print_job(actor, &record, items))?;
    let cups_job = deliver_logged(store, id, (&doc.pdf, &doc.pages), target, sending)?;
    let data = doc.pdf;
    Ok(PrintOutcome {
        job_id: id,
        kind: record.kind,
        pages: record.pages as usize,
        target: target.to_log(),
        format: record.format.into(),
        cups_job,
        reprint: record.reprint,
        bytes: data.len(),
        assigned: Vec::new(),
    })
}

/// How a job's bytes go out: the page size for CUPS, what kind of file they make.
struct Sending {
    media: String,
    kind: OutKind,
    overwrite: Overwrite,
}

/// Sends a recorded job and records how it ended; returns the printing system's job id if it
/// went through one. A failure is kept in the log (to retry) and returned with the job's number.
fn deliver_logged(
    store: &mut Store,
    id: i64,
    (data, pages): (&[u8], &[Drawing]),
    target: &Target,
    sending: &Sending,
) -> Result<Option<String>> {
    let title = format!("packbench-job{id}");
    let guard = guard(store, sending.overwrite);
    let sent = deliver(
        spool::system(),
        &title,
        (data, pages),
        target,
        sending,
        &guard,
    );
    match sent {
        Ok(cups_job) => {
            store.write(|db| db.finish_print_job(id, None, cups_job.as_deref()))?;
            Ok(cups_job)
        }
        Err(e) => {
            let said = e.to_string();
            store.write(|db| db.finish_print_job(id, Some(&said), None))?;
            Err(Error::PrintFailed {
                job: id,
                cause: Box::new(e),
            })
        }
    }
}

/// Sends a job's bytes where `target` says: a file, the computer's printing system (raw bytes
/// for a label stream, else pages), or a label printer's port.
fn deliver(
    spooler: &dyn Spooler,
    title: &str,
    (data, pages): (&[u8], &[Drawing]),
    target: &Target,
    sending: &Sending,
    guard: &Guard,
) -> Result<Option<String>> {
    match target {
        // Written beside and renamed into place: a failed write leaves no half file.
        Target::File(path) => guard.write(path, sending.kind, data).map(|_| None),
        Target::Printer(printer) => {
            let payload = if sending.kind == OutKind::LabelStream {
                Payload::Raw(data)
            } else {
                Payload::Pages {
                    pdf: data,
                    media: &sending.media,
                    pages,
                }
            };
            spooler
                .send(&SpoolJob {
                    printer,
                    title,
                    payload,
                })
                .map(Some)
        }
        Target::Raw(to) => printer::send_raw(to, data, guard).map(|_| None),
    }
}

/// Runs a logged job again as it was (to the same target, or `to`): the pages are laid out
/// from the store as it is now, and the new job points back to the old one.
pub fn retry(
    store: &mut Store,
    actor: &Actor,
    job_id: i64,
    to: Option<Target>,
    overwrite: Overwrite,
) -> Result<PrintOutcome> {
    let old = store
        .read()
        .print_job(job_id)?
        .ok_or_else(|| Error::not_found("print job", "打印任务", job_id.to_string()))?;
    let target = match to {
        Some(t) => t,
        None => Target::from_log(&old.target).ok_or_else(|| {
            Error::invalid(
                format!("打印任务 {job_id} 的目标无法识别：{}", old.target),
                format!(
                    "print job {job_id} has a target that cannot be read: {}",
                    old.target
                ),
            )
        })?,
    };
    let p = &old.params;
    let dpi = p["dpi"]
        .as_u64()
        .map(|d| Dpi::parse(&d.to_string()))
        .transpose()?;
    let batch = || {
        old.batch_id.ok_or_else(|| {
            Error::invalid(
                format!("打印任务 {job_id} 没有记下批次，无法重打"),
                format!("print job {job_id} names no batch and cannot be run again"),
            )
        })
    };
    match old.kind {
        JobKind::Waybills => {
            let job = WaybillJob {
                batch_id: batch()?,
                only: strings(&p["only"]),
                size: p["size"].as_str().map(WaybillSize::parse).transpose()?,
                dpi,
                format: PrintFormat::of_params(p)?,
                overwrite,
            };
            waybills_job(store, actor, &job, &target, Some(job_id))
        }
        JobKind::Picklist => picklist_job(
            store,
            actor,
            (batch()?, dpi),
            &target,
            overwrite,
            Some(job_id),
        ),
        JobKind::Labels => {
            let format = PrintFormat::of_params(p)?;
            let job = LabelJob {
                select: LabelSelect::Skus(strings(&p["skus"])),
                copies: p["copies"].as_u64().unwrap_or(1) as u32,
                size: p["size"].as_str().map(LabelSize::parse).transpose()?,
                dpi,
                format,
                overwrite,
            };
            labels_job(store, actor, &job, &target, Some(job_id))
        }
    }
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// The print log, newest first; `failed_only` for the jobs to retry.
pub fn log(
    store: &Store,
    actor: &Actor,
    failed_only: bool,
    limit: usize,
) -> Result<Vec<PrintJobRow>> {
    actor.require(Permission::ViewOrders)?;
    store
        .read()
        .print_jobs(failed_only.then_some(JobResult::Failed), limit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::printer::PrinterInfo;
    use crate::print::spool::Fake;

    fn fake() -> Fake {
        Fake {
            printers: vec![PrinterInfo {
                name: "Gprinter GP-1324D".into(),
                device: "USB001".into(),
                state: "idle".into(),
                accepting: true,
                default: true,
            }],
            ..Fake::default()
        }
    }

    fn sending(kind: OutKind) -> Sending {
        Sending {
            media: "Custom.100x180mm".into(),
            kind,
            overwrite: Overwrite::OursOnly,
        }
    }

    #[test]
    fn label_streams_go_to_a_printer_raw_and_pages_as_pages() {
        let spool = fake();
        let guard = Guard::new(std::path::Path::new(":memory:"), false);
        let to = Target::Printer("Gprinter GP-1324D".into());
        let id = deliver(
            &spool,
            "packbench-job1",
            (b"SIZE 40 mm,30 mm\r\n", &[]),
            &to,
            &sending(OutKind::LabelStream),
            &guard,
        )
        .unwrap();
        assert_eq!(id.as_deref(), Some("1"));
        let mut b = crate::print::canvas::PdfBuilder::new("t");
        for _ in 0..2 {
            let c = b.canvas(100.0, 180.0, Dpi::D203);
            b.push(c);
        }
        let doc = b.finish_document();
        deliver(
            &spool,
            "packbench-job2",
            (&doc.pdf, &doc.pages),
            &to,
            &sending(OutKind::Pdf),
            &guard,
        )
        .unwrap();
        let jobs = spool.jobs.lock().unwrap();
        assert!(jobs[0].1, "TSPL goes raw");
        assert_eq!(jobs[0].2, b"SIZE 40 mm,30 mm\r\n");
        assert!(!jobs[1].1, "a PDF goes as pages");
        assert_eq!(jobs[1].2, doc.pdf);
        assert_eq!(jobs[1].3, 2, "with its pages drawn, for Windows");
    }

    #[test]
    fn a_printer_not_in_the_list_fails_and_a_port_bypasses_the_spooler() {
        let spool = fake();
        let dir = tempfile::tempdir().unwrap();
        let guard = Guard::new(&dir.path().join("shop.db"), false);
        let e = deliver(
            &spool,
            "t",
            (b"x", &[]),
            &Target::Printer("HP LaserJet".into()),
            &sending(OutKind::Pdf),
            &guard,
        )
        .unwrap_err();
        assert!(e.to_string().contains("HP LaserJet"), "{e}");
        // A file named as a label printer's port is written as a file, the spooler untouched.
        let file = dir.path().join("labels.tspl");
        std::fs::write(&file, b"").unwrap();
        deliver(
            &spool,
            "t",
            (b"SIZE 40 mm,30 mm\r\n", &[]),
            &Target::Raw(file.display().to_string()),
            &sending(OutKind::LabelStream),
            &guard,
        )
        .unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"SIZE 40 mm,30 mm\r\n");
        assert!(spool.jobs.lock().unwrap().is_empty());
    }
}
