//! The print screen (打单): how many parcels are ready, a new batch from them — shown first and
//! confirmed, since it takes tracking numbers — then the batch's waybills and pick list to a
//! printer or a PDF file; one parcel's waybill again (补打); a batch made by mistake cancelled
//! before printing; the print log with a retry for a job the printer did not take. Everything
//! that reads much or writes runs as a job: the window answers while it runs.

use super::{Action, Ctx, Notice};
use crate::domain::print::{JobKind, JobResult};
use crate::domain::{Actor, BatchId, Permission};
use crate::flow;
use crate::flow::batch::{BatchPlan, BatchResult, BatchView, CancelledBatch};
use crate::flow::check::OpenAtBench;
use crate::flow::print::{Overwrite, PrintFormat, PrintOutcome, SenderPart, Target, WaybillJob};
use crate::flow::review::Readiness;
use crate::flow::ship::BulkShipped;
use crate::flow::waybills::{Added, Numbers, Pool};
use crate::print::raw::RawFormat;
use crate::scan::Scan;
use crate::store::{BatchRow, BenchOrder, PrintJobRow, Store};
use crate::ui::files::{self, Chooser, Outcome};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    Refresh,
    Loaded(Result<Overview, Failure>),
    /// Free a parcel a bench that is gone left open, so another bench may check it.
    FreeParcel(String),
    Freed(String, Result<String, Failure>),
    Printers(Vec<String>),
    Select(BatchId),
    CourierChanged(String),
    LimitChanged(String),
    /// 新建批次: first see what it will take.
    PlanBatch,
    Planned(Result<BatchPlan, Failure>),
    ConfirmBatch,
    DropPlan,
    Created(Result<BatchResult, Failure>),
    /// 取消批次: first see what it will undo.
    AskCancel(BatchId),
    CancelReasonChanged(String),
    ConfirmCancel,
    KeepBatch,
    Cancelled(Result<CancelledBatch, Failure>),
    DestinationPicked(Destination),
    /// The waybill printer's language (for a printer; a PDF file stays PDF).
    WaybillFormatPicked(FormatChoice),
    PrintWaybills,
    PrintPicklist,
    ReprintChanged(String),
    Reprint,
    Retry(i64),
    Printed(Result<PrintOutcome, Failure>),
    /// The tracking-number pool's panel: open or closed.
    PoolPanel,
    PoolCourierChanged(String),
    PoolRangeChanged(String),
    PoolFileChanged(String),
    PoolChoose,
    PoolChooser(files::Message),
    PoolAdd,
    PoolAdded(Result<Added, Failure>),
    LowChanged(String),
    LowSave,
    LowSaved(Result<u64, Failure>),
    /// The sender block is empty and the user chose to print all the same.
    PrintAnyway,
    DontPrint,
    /// The selected batch with its parcels, read as a job.
    Shown(Result<BatchView, Failure>),
    ParcelPage(usize),
    /// 批量发货: first see what it will do.
    AskShip(BatchId),
    /// The batch's shipments for Taobao's bulk delivery, as CSV and XLSX in the print folder.
    ExportShipments(BatchId),
    Exported(Result<(PathBuf, PathBuf, usize), Failure>),
    ConfirmShip,
    KeepUnshipped,
    ShippedAll(Result<BulkShipped, Failure>),
    /// The merge panel (合并发货): open (and read) or closed.
    MergePanel,
    MergeLoaded(Result<MergeLists, Failure>),
    /// Merge this group (its order numbers).
    MergeGroup(Vec<String>),
    /// Leave this group apart (its first order number): not suggested again on this screen.
    KeepApart(String),
    MergeAll,
    /// Undo the merge this order is in.
    Unmerge(String),
    MergeDone(Result<Bi, Failure>),
}

/// What the merge panel lists: groups to merge, and merged parcels not printed yet.
#[derive(Debug, Clone, Default)]
pub struct MergeLists {
    pub suggested: Vec<Vec<BenchOrder>>,
    pub merged: Vec<Vec<BenchOrder>>,
}

/// The merge panel: its lists and the groups the order printer chose to leave apart.
#[derive(Debug, Default)]
pub struct MergePanel {
    pub lists: MergeLists,
    pub apart: std::collections::HashSet<String>,
}

/// What the screen lists, read in one job.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    pub batches: Vec<BatchRow>,
    pub ready: usize,
    pub pool: Pool,
    pub sender_gaps: Vec<SenderPart>,
    /// `ready` counts the oldest orders only (the queue is longer than is read).
    pub ready_capped: bool,
    pub default_courier: String,
    pub log: Vec<PrintJobRow>,
    pub open_at_benches: Vec<OpenAtBench>,
}

/// Where the screen prints to: a PDF file in the print folder, or a CUPS printer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    Pdf(Lang),
    Printer(String, Lang),
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Pdf(lang) => f.write_str(tr(*lang, T::PdfFile)),
            Destination::Printer(name, lang) => write!(f, "{} {name}", tr(*lang, T::Printer)),
        }
    }
}

/// The waybill printer's language as the pick lists show it (here and in the station's
/// settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FormatChoice {
    pub format: PrintFormat,
    pub lang: Lang,
}

impl FormatChoice {
    /// PDF, TSPL, ZPL.
    pub fn all(lang: Lang) -> Vec<FormatChoice> {
        [
            PrintFormat::Pdf,
            PrintFormat::Raw(RawFormat::Tspl),
            PrintFormat::Raw(RawFormat::Zpl),
        ]
        .into_iter()
        .map(|format| FormatChoice { format, lang })
        .collect()
    }
}

impl fmt::Display for FormatChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(st(
            self.lang,
            match self.format {
                PrintFormat::Pdf => S::WaybillFormatPdf,
                PrintFormat::Raw(RawFormat::Tspl) => S::WaybillFormatTspl,
                PrintFormat::Raw(RawFormat::Zpl) => S::WaybillFormatZpl,
            },
        ))
    }
}

/// A batch about to be cancelled, waiting for the second click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelAsk {
    pub batch_id: BatchId,
    pub reason: String,
}

#[derive(Default)]
pub struct State {
    pub batches: Vec<BatchRow>,
    pub selected: Option<BatchId>,
    /// Ready parcels not printed yet (orders, counted as review counts them).
    pub ready: usize,
    pub pool: Pool,
    /// What the waybill's sender block lacks (the shop's settings).
    pub sender_gaps: Vec<SenderPart>,
    /// Printed parcels held open at a bench: one a dead bench left is freed here.
    pub open_at_benches: Vec<OpenAtBench>,
    /// `ready` is of the oldest orders only.
    pub ready_capped: bool,
    /// Waybills asked for while the sender block is empty: printed only on 仍然打印.
    /// `true`: the one waybill of the reprint field.
    pub sender_ask: Option<bool>,
    /// The pool's panel: adding numbers, the low-numbers line.
    pub pool_panel: Option<PoolPanel>,
    /// The selected batch's parcels (order, receiver, lines, stage).
    pub view: Option<BatchView>,
    pub parcel_page: usize,
    /// A batch about to be shipped without checking, waiting for the second click.
    pub ship_ask: Option<BatchId>,
    pub merge: Option<MergePanel>,
    /// The merge lists are to be read again once the overview is.
    merge_refresh: bool,
    pub courier: String,
    pub limit: String,
    pub printers: Vec<String>,
    /// `None`: a PDF file.
    pub printer: Option<String>,
    /// The language `printer` gets waybills in (the station's setting to start with).
    pub waybill_format: PrintFormat,
    /// The language each printer had when another was picked: a thermal waybill printer's
    /// TSPL does not follow the staff to the A4 printer they pick for a pick list.
    pub formats: std::collections::BTreeMap<String, PrintFormat>,
    pub reprint_no: String,
    pub log: Vec<PrintJobRow>,
    /// Where PDF files go (the `print` folder beside the store).
    pub out_dir: PathBuf,
    /// The batch `新建批次` would make, shown until confirmed or dropped.
    pub plan: Option<BatchPlan>,
    pub cancel: Option<CancelAsk>,
    /// Jobs under way (a spinner word instead of a frozen window).
    pub busy: usize,
}

/// What the pool's panel is filling in.
#[derive(Debug, Default)]
pub struct PoolPanel {
    pub courier: String,
    /// `FROM-TO`, or empty when a file is given.
    pub range: String,
    pub file: String,
    pub chooser: Option<Chooser>,
    pub low: String,
}

const DEFAULT_LOW_HINT: &str = flow::waybills::DEFAULT_LOW;

/// A print job's kind in words.
pub fn job_kind(kind: JobKind) -> T {
    match kind {
        JobKind::Waybills => T::KindWaybills,
        JobKind::Picklist => T::KindPicklist,
        JobKind::Labels => T::KindLabels,
    }
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    /// On opening: read everything again, and ask CUPS for its printers.
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.reload(ctx.actor)
    }

    fn reload(&mut self, actor: &Actor) -> Action<Message> {
        self.busy += 1;
        let a = actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| {
                let queue = flow::review::review_list(s, &a, super::review::QUEUE)?;
                let ready = queue.iter().filter(|(_, r)| *r == Readiness::Ready).count();
                Ok(Overview {
                    batches: flow::batch::list(s, &a, 30)?,
                    ready,
                    ready_capped: queue.len() >= super::review::QUEUE,
                    pool: flow::waybills::pool(s, &a)?,
                    sender_gaps: flow::print::sender_gaps(s)?,
                    default_courier: flow::settings::get(s, &a, "waybill.default_courier")
                        .unwrap_or_default(),
                    log: flow::print::log(s, &a, false, 8)?,
                    // Only who may free them is shown them.
                    open_at_benches: flow::check::open_at_benches(s, &a).unwrap_or_default(),
                })
            },
            Message::Loaded,
        ))
    }

    /// The printers CUPS knows (lpstat can take a while: it runs as a job too).
    fn printers_job() -> Job<Message> {
        Job::new(
            |_s: &mut Store| {
                // No CUPS here is not an error for a shop that prints to PDF.
                Ok(crate::print::spool::system()
                    .list()
                    .map(|l| l.into_iter().map(|p| p.name).collect())
                    .unwrap_or_default())
            },
            |r: Result<Vec<String>, Failure>| Message::Printers(r.unwrap_or_default()),
        )
    }

    fn target(&self, what: &str) -> Target {
        match &self.printer {
            Some(p) => Target::Printer(p.clone()),
            None => {
                let stamp = chrono::Utc::now()
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("%Y%m%d-%H%M%S");
                Target::File(self.out_dir.join(format!("{what}-{stamp}.pdf")))
            }
        }
    }

    /// The waybills' language as they go now: the printer's, or PDF for a file.
    fn waybill_format_now(&self) -> PrintFormat {
        match self.printer {
            Some(_) => self.waybill_format,
            None => PrintFormat::Pdf,
        }
    }

    fn ensure_out_dir(&self) -> Result<(), Notice> {
        if self.printer.is_some() {
            return Ok(());
        }
        self.ensure_out_dir_always()
    }

    /// The print folder made if missing, for files that go there whatever the printer.
    fn ensure_out_dir_always(&self) -> Result<(), Notice> {
        std::fs::create_dir_all(&self.out_dir).map_err(|e| {
            let dir = self.out_dir.display().to_string();
            Notice::failed(Bi::with(|l| {
                format!("{} {dir}: {e}", tr(l, T::CannotWrite))
            }))
        })
    }

    fn print_job(
        &mut self,
        work: impl FnOnce(&mut Store) -> crate::Result<PrintOutcome> + Send + 'static,
    ) -> Action<Message> {
        if let Err(n) = self.ensure_out_dir() {
            return Action::notice(n).with_sound(Sound::Error);
        }
        self.busy += 1;
        Action::job(Job::new(work, Message::Printed)).with_notice(Notice::done(Bi::t(T::Printing)))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            Message::Scanned(scan) => self.scanned(&scan.code),
            Message::Refresh => self.reload(&actor).clear_notice(),
            Message::ExportShipments(id) => {
                if let Err(n) = self.ensure_out_dir_always() {
                    return Action::notice(n).with_sound(Sound::Error);
                }
                let stamp = chrono::Utc::now()
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("%Y%m%d-%H%M%S");
                let base = self.out_dir.join(format!("发货-{id}-{stamp}"));
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let guard = crate::output::Guard::new(s.path(), false);
                        let which = flow::shipments::Which::Batch(id);
                        let (csv, xlsx) = (base.with_extension("csv"), base.with_extension("xlsx"));
                        let n = flow::shipments::export(s, &actor, which, &csv, &guard)?;
                        flow::shipments::export(s, &actor, which, &xlsx, &guard)?;
                        Ok((csv, xlsx, n))
                    },
                    Message::Exported,
                ))
            }
            Message::Exported(Ok((csv, xlsx, n))) => Action::notice(Notice::done(Bi::with(|l| {
                i18n::shipments_exported(l, n, &csv, &xlsx)
            }))),
            Message::Exported(Err(e)) => Action::error(&e),
            Message::FreeParcel(tracking_no) => {
                let no = tracking_no.clone();
                Action::job(Job::new(
                    move |s: &mut Store| flow::check::release(s, &actor, &tracking_no),
                    move |r| Message::Freed(no, r),
                ))
            }
            Message::Freed(no, Ok(bench)) => {
                self.reload(&actor).with_notice(Notice::done(Bi::with(|l| {
                    format!("{no} {} ({bench})", st(l, S::ParcelFreed))
                })))
            }
            Message::Freed(_, Err(e)) => self
                .reload(&actor)
                .with_notice(Notice::error(&e))
                .with_sound(Sound::Error),
            Message::Loaded(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(o) => {
                        self.batches = o.batches;
                        self.ready = o.ready;
                        self.pool = o.pool;
                        self.sender_gaps = o.sender_gaps;
                        self.ready_capped = o.ready_capped;
                        self.open_at_benches = o.open_at_benches;
                        self.log = o.log;
                        if self.courier.is_empty() {
                            self.courier = o.default_courier;
                        }
                        if self
                            .selected
                            .is_none_or(|id| !self.batches.iter().any(|b| b.id == id))
                        {
                            self.selected = self.batches.first().map(|b| b.id);
                        }
                        Action::job(Self::printers_job())
                    }
                    Err(e) => Action::notice(Notice::failed(Bi::error(&e))),
                }
            }
            Message::Printers(list) => {
                self.printers = list;
                if let Some(p) = &self.printer
                    && !self.printers.contains(p)
                {
                    self.printer = None;
                }
                if std::mem::take(&mut self.merge_refresh) && self.merge.is_some() {
                    // The merge lists after a merge; the batch view stays as it was read.
                    return Self::merge_lists(&actor);
                }
                self.show_selected(&actor)
            }
            Message::Select(id) => {
                self.selected = Some(id);
                self.cancel = None;
                self.ship_ask = None;
                self.show_selected(&actor)
            }
            Message::Shown(r) => match r {
                Ok(v) => {
                    if self.view.as_ref().map(|o| o.batch.id) != Some(v.batch.id) {
                        self.parcel_page = 0;
                    }
                    self.view = Some(v);
                    Action::none()
                }
                Err(e) => Action::error(&e),
            },
            Message::ParcelPage(p) => {
                self.parcel_page = p;
                Action::none()
            }
            Message::AskShip(id) => {
                self.ship_ask = Some(id);
                self.cancel = None;
                Action::none()
            }
            Message::KeepUnshipped => {
                self.ship_ask = None;
                Action::none()
            }
            Message::ConfirmShip => {
                let Some(id) = self.ship_ask.take() else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::ship::ship_batch(s, &actor, id),
                    Message::ShippedAll,
                ))
            }
            Message::MergePanel => {
                if self.merge.take().is_some() {
                    return Action::none();
                }
                self.merge = Some(MergePanel::default());
                Self::merge_lists(&actor)
            }
            Message::MergeLoaded(r) => match (r, &mut self.merge) {
                (Ok(lists), Some(m)) => {
                    m.lists = lists;
                    Action::none()
                }
                (Ok(_), None) => Action::none(),
                (Err(e), _) => Action::error(&e),
            },
            Message::KeepApart(first) => {
                if let Some(m) = &mut self.merge {
                    m.apart.insert(first);
                }
                Action::none()
            }
            Message::MergeGroup(nos) => {
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let m = flow::merge::merge(s, &actor, &nos)?;
                        let joined = m.order_nos.join(", ");
                        Ok(Bi::with(|l| format!("{} {joined}", st(l, S::Merged))))
                    },
                    Message::MergeDone,
                ))
            }
            Message::MergeAll => {
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let n = flow::merge::merge_auto(s, &actor)?.len();
                        Ok(Bi::with(|l| format!("{} {n}", st(l, S::MergedGroups))))
                    },
                    Message::MergeDone,
                ))
            }
            Message::Unmerge(no) => {
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let nos = flow::merge::unmerge(s, &actor, &no)?.join(", ");
                        Ok(Bi::with(|l| format!("{} {nos}", st(l, S::Unmerged))))
                    },
                    Message::MergeDone,
                ))
            }
            Message::MergeDone(r) => {
                self.busy = self.busy.saturating_sub(1);
                let a = match r {
                    Ok(said) => self.reload(&actor).with_notice(Notice::done(said)),
                    Err(e) => self
                        .reload(&actor)
                        .with_notice(Notice::error(&e))
                        .with_sound(Sound::Error),
                };
                // The overview first; the lists follow when it is read (one job an action).
                self.merge_refresh = true;
                a
            }
            Message::ShippedAll(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(b) => {
                        let text = Bi::with(|l| i18n::bulk_shipped(l, &b));
                        let notice = if b.skipped.is_empty() {
                            Notice::done(text)
                        } else {
                            Notice::warning(text)
                        };
                        self.reload(&actor).with_notice(notice)
                    }
                    Err(e) => Action::error(&e),
                }
            }
            Message::CourierChanged(c) => {
                self.courier = c;
                self.plan = None;
                Action::none()
            }
            Message::LimitChanged(l) => {
                self.limit = l.chars().filter(|c| c.is_ascii_digit()).collect();
                self.plan = None;
                Action::none()
            }
            Message::PlanBatch => {
                let limit = self.limit.parse::<usize>().ok().filter(|n| *n > 0);
                let courier = Some(self.courier.trim().to_string()).filter(|c| !c.is_empty());
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::batch::plan(s, &actor, courier.as_deref(), limit),
                    Message::Planned,
                ))
            }
            Message::Planned(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(p) => {
                        self.plan = Some(p);
                        Action::none().clear_notice()
                    }
                    Err(e) => {
                        Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
                    }
                }
            }
            Message::DropPlan => {
                self.plan = None;
                Action::none()
            }
            Message::ConfirmBatch => {
                let Some(plan) = self.plan.take() else {
                    return Action::none();
                };
                self.busy += 1;
                // Never more than was shown: the plan's courier and count.
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::batch::create(s, &actor, Some(&plan.courier), Some(plan.parcels))
                    },
                    Message::Created,
                ))
            }
            Message::Created(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(b) => {
                        let (id, n, left) = (b.batch_id, b.parcels.len(), b.left_out);
                        let text = Bi::with(|l| {
                            let mut m =
                                format!("{} {id}: {n} {}", tr(l, T::Batch), tr(l, T::Parcels));
                            if left > 0 {
                                m.push_str(&format!(" · {left} {}", tr(l, T::LeftOutNoNumbers)));
                            }
                            m
                        });
                        self.selected = Some(id);
                        let notice = if left > 0 {
                            Notice::warning(text)
                        } else {
                            Notice::done(text)
                        };
                        self.reload(&actor).with_notice(notice)
                    }
                    Err(e) => {
                        Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
                    }
                }
            }
            Message::AskCancel(id) => {
                self.cancel = Some(CancelAsk {
                    batch_id: id,
                    reason: tr(ctx.lang, T::CancelReasonDefault).to_string(),
                });
                Action::none()
            }
            Message::CancelReasonChanged(r) => {
                if let Some(c) = &mut self.cancel {
                    c.reason = r;
                }
                Action::none()
            }
            Message::KeepBatch => {
                self.cancel = None;
                Action::none()
            }
            Message::ConfirmCancel => {
                let Some(c) = self.cancel.take() else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::batch::cancel(s, &actor, c.batch_id, &c.reason),
                    Message::Cancelled,
                ))
            }
            Message::Cancelled(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(c) => {
                        let (id, n) = (c.batch_id, c.numbers_returned.len());
                        let text = Bi::with(|l| {
                            format!(
                                "{id} {} · {n} {}",
                                tr(l, T::BatchCancelled),
                                tr(l, T::NumbersBack)
                            )
                        });
                        self.reload(&actor).with_notice(Notice::done(text))
                    }
                    Err(e) => {
                        Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
                    }
                }
            }
            Message::DestinationPicked(d) => {
                if let Some(was) = self.printer.take() {
                    self.formats.insert(was, self.waybill_format);
                }
                self.printer = match d {
                    Destination::Pdf(_) => None,
                    Destination::Printer(p, _) => Some(p),
                };
                // A printer not picked before speaks through its driver until told otherwise.
                self.waybill_format = self
                    .printer
                    .as_ref()
                    .and_then(|p| self.formats.get(p).copied())
                    .unwrap_or(PrintFormat::Pdf);
                Action::none()
            }
            Message::WaybillFormatPicked(c) => {
                self.waybill_format = c.format;
                Action::none()
            }
            Message::PrintWaybills => self.print_waybills(actor, false, false),
            Message::Reprint => self.print_waybills(actor, true, false),
            Message::PrintAnyway => match self.sender_ask.take() {
                Some(reprint) => self.print_waybills(actor, reprint, true),
                None => Action::none(),
            },
            Message::DontPrint => {
                self.sender_ask = None;
                Action::none().clear_notice()
            }
            Message::PrintPicklist => {
                let Some(batch_id) = self.selected else {
                    return Action::none();
                };
                if self.waybill_format_now() != PrintFormat::Pdf {
                    // A full page sent to a TSPL/ZPL printer comes out as pages of garbage.
                    return Action::notice(Notice::failed(Bi::with(|l| {
                        st(l, S::PicklistNotThermal).to_string()
                    })))
                    .with_sound(Sound::Error);
                }
                let target = self.target(&format!("{batch_id}-picklist"));
                self.print_job(move |s| {
                    flow::print::print_picklist(
                        s,
                        &actor,
                        batch_id,
                        None,
                        &target,
                        Overwrite::OursOnly,
                    )
                })
            }
            Message::ReprintChanged(t) => {
                self.reprint_no = t;
                Action::none()
            }
            Message::Retry(id) => self
                .print_job(move |s| flow::print::retry(s, &actor, id, None, Overwrite::OursOnly)),
            Message::Printed(r) => {
                self.busy = self.busy.saturating_sub(1);
                let notice = match r {
                    Ok(o) => {
                        if o.kind == JobKind::Waybills && o.pages == 1 {
                            self.reprint_no.clear();
                        }
                        let target = o
                            .target
                            .trim_start_matches("file:")
                            .trim_start_matches("cups:")
                            .to_string();
                        let (job, pages) = (o.job_id, o.pages);
                        Notice::done(Bi::with(|l| {
                            let colon = match l {
                                Lang::Zh => "：",
                                Lang::En => ": ",
                            };
                            format!(
                                "{} {job}{colon}{pages} {} → {target}",
                                tr(l, T::PrintJob),
                                tr(l, if pages == 1 { T::Page } else { T::Pages })
                            )
                        }))
                    }
                    Err(e) => Notice::failed(Bi::error(&e)),
                };
                let failed = notice.tone == super::Tone::Failed;
                let a = self.reload(&actor).with_notice(notice);
                if failed {
                    a.with_sound(Sound::Error)
                } else {
                    a
                }
            }
            Message::PoolPanel => {
                self.pool_panel = match self.pool_panel.take() {
                    Some(_) => None,
                    // The courier of the batch field, else the pool's only one.
                    None => Some(PoolPanel {
                        courier: match (self.courier.trim(), &self.pool.couriers[..]) {
                            ("", [only]) => only.courier.clone(),
                            (c, _) => c.to_string(),
                        },
                        low: self.pool.low_below.to_string(),
                        ..PoolPanel::default()
                    }),
                };
                Action::none()
            }
            Message::PoolCourierChanged(v) => self.panel(|p| p.courier = v),
            Message::PoolRangeChanged(v) => self.panel(|p| p.range = v),
            Message::PoolFileChanged(v) => self.panel(|p| p.file = v),
            Message::PoolChoose => self.panel(|p| {
                let start = PathBuf::from(p.file.trim()).parent().map(PathBuf::from);
                p.chooser = Some(Chooser::new(start, vec!["txt", "csv"]));
            }),
            Message::PoolChooser(m) => self.panel(|p| {
                if let Some(c) = &mut p.chooser {
                    match c.update(m) {
                        Outcome::None => {}
                        Outcome::Chosen(f) => {
                            p.file = f.display().to_string();
                            p.range.clear();
                            p.chooser = None;
                        }
                        Outcome::Closed => p.chooser = None,
                    }
                }
            }),
            Message::PoolAdd => {
                let Some(p) = &self.pool_panel else {
                    return Action::none();
                };
                let courier = p.courier.trim().to_string();
                let numbers = match (p.range.trim(), p.file.trim()) {
                    (r, _) if !r.is_empty() => Numbers::Range(r.to_string()),
                    (_, f) if !f.is_empty() => Numbers::File(PathBuf::from(f)),
                    _ => {
                        return Action::notice(Notice::failed(Bi::s(S::PoolNothingToAdd)))
                            .with_sound(Sound::Error);
                    }
                };
                if courier.is_empty() {
                    return Action::notice(Notice::failed(Bi::s(S::PoolNameCourier)))
                        .with_sound(Sound::Error);
                }
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::waybills::add_numbers(s, &actor, &courier, &numbers),
                    Message::PoolAdded,
                ))
            }
            Message::PoolAdded(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(a) => {
                        let courier = self
                            .pool_panel
                            .as_mut()
                            .map(|p| {
                                p.range.clear();
                                p.file.clear();
                                p.courier.clone()
                            })
                            .unwrap_or_default();
                        let text =
                            Bi::with(|l| i18n::waybills_added(l, &courier, a.added, a.known));
                        self.reload(&actor).with_notice(Notice::done(text))
                    }
                    Err(e) => Action::error(&e),
                }
            }
            Message::LowChanged(v) => self.panel(|p| {
                p.low = v.chars().filter(char::is_ascii_digit).collect();
            }),
            Message::LowSave => {
                let Some(value) = self.pool_panel.as_ref().map(|p| p.low.clone()) else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::waybills::set_low_threshold(s, &actor, &value),
                    Message::LowSaved,
                ))
            }
            Message::LowSaved(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(n) => self.reload(&actor).with_notice(Notice::done(Bi::with(|l| {
                        l.label(st(l, S::PoolLowLine), n)
                    }))),
                    Err(e) => Action::error(&e),
                }
            }
        }
    }

    /// The selected batch's waybills, or the one of the reprint field. With the sender block
    /// empty, only once the user has said to print anyway (`anyway`).
    fn print_waybills(&mut self, actor: Actor, reprint: bool, anyway: bool) -> Action<Message> {
        let Some(batch_id) = self.selected else {
            return Action::none();
        };
        let only = if reprint {
            let t = self.reprint_no.trim().to_string();
            if t.is_empty() {
                return Action::none();
            }
            vec![t]
        } else {
            Vec::new()
        };
        if !self.sender_gaps.is_empty() && !anyway {
            self.sender_ask = Some(reprint);
            let gaps = self.sender_gaps.clone();
            return Action::notice(Notice::warning(Bi::with(|l| i18n::sender_gaps(l, &gaps))))
                .with_sound(Sound::Error);
        }
        self.sender_ask = None;
        let what = match only.first() {
            Some(t) => format!("{batch_id}-waybill-{t}"),
            None => format!("{batch_id}-waybills"),
        };
        let job = WaybillJob {
            batch_id,
            only,
            size: None,
            dpi: None,
            format: self.waybill_format_now(),
            overwrite: Overwrite::OursOnly,
        };
        let target = self.target(&what);
        self.print_job(move |s| flow::print::print_waybills(s, &actor, &job, &target))
    }

    /// Reads what the merge panel lists.
    fn merge_lists(actor: &Actor) -> Action<Message> {
        let a = actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| {
                Ok(MergeLists {
                    suggested: flow::merge::suggestions(s, &a, 50)?,
                    merged: flow::merge::merged_unprinted(s, &a, 50)?,
                })
            },
            Message::MergeLoaded,
        ))
    }

    /// Reads the selected batch with its parcels.
    fn show_selected(&self, actor: &Actor) -> Action<Message> {
        let Some(id) = self.selected else {
            return Action::none();
        };
        let a = actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::batch::show(s, &a, id),
            Message::Shown,
        ))
    }

    /// Changes the pool's panel, if it is open.
    fn panel(&mut self, f: impl FnOnce(&mut PoolPanel)) -> Action<Message> {
        if let Some(p) = &mut self.pool_panel {
            f(p);
        }
        Action::none()
    }

    fn pool_view<'a>(&'a self, p: &'a PoolPanel, lang: Lang) -> Element<'a, Message> {
        let mut c = Column::new().spacing(6);
        c = c.push(
            row![
                text(tr(lang, T::Courier)).size(15),
                text_input(tr(lang, T::Courier), &p.courier)
                    .on_input(Message::PoolCourierChanged)
                    .width(140),
                text(st(lang, S::PoolRange)).size(15),
                text_input("7700000001-7700000500", &p.range)
                    .on_input(Message::PoolRangeChanged)
                    .width(Fill),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        c = c.push(
            row![
                text(st(lang, S::PoolOrFile)).size(15),
                text_input(st(lang, S::PoolFileHint), &p.file)
                    .on_input(Message::PoolFileChanged)
                    .width(Fill),
                button(text(tr(lang, T::ChooseFile))).on_press(Message::PoolChoose),
                button(text(st(lang, S::PoolAdd)))
                    .style(button::success)
                    .on_press_maybe((self.busy == 0).then_some(Message::PoolAdd)),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        if let Some(ch) = &p.chooser {
            c = c.push(ch.view(lang).map(Message::PoolChooser));
        }
        c = c.push(
            row![
                text(st(lang, S::PoolLowLine)).size(15),
                text_input(DEFAULT_LOW_HINT, &p.low)
                    .on_input(Message::LowChanged)
                    .on_submit(Message::LowSave)
                    .width(100),
                button(text(st(lang, S::Save))).on_press(Message::LowSave),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        container(c)
            .padding(8)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }

    /// A scan on this screen: a batch barcode opens the batch; a tracking number is put in the
    /// reprint field (printing takes a click).
    fn scanned(&mut self, code: &str) -> Action<Message> {
        let code = code.trim();
        if let Some(id) = BatchId::from_scan(code) {
            if self.batches.iter().any(|b| b.id == id) {
                self.selected = Some(id);
                self.cancel = None;
                return Action::none().clear_notice();
            }
            let code = code.to_string();
            return Action::notice(Notice::failed(Bi::with(|l| {
                format!("{} {code}", tr(l, T::NoSuchBatch))
            })))
            .with_sound(Sound::Error);
        }
        self.reprint_no = code.to_string();
        Action::none()
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let may_print = ctx.actor.require(Permission::PrintBatch).is_ok();
        let may_ship = ctx.actor.require(Permission::ShipOrders).is_ok();
        let may_merge = ctx.actor.require(Permission::MergeOrders).is_ok();
        let mut c = Column::new().spacing(10).padding(4);
        let mut pool = row![text(lang.label(tr(lang, T::PoolLeft), "")).size(16)]
            .spacing(6)
            .align_y(iced::Alignment::Center);
        if self.pool.couriers.is_empty() {
            pool = pool.push(text("-").size(16));
        }
        for p in &self.pool.couriers {
            let low = self.pool.is_low(p);
            let words = if low {
                format!("{} {} · {}", p.courier, p.free, st(lang, S::PoolLow))
            } else {
                format!("{} {}", p.courier, p.free)
            };
            pool = pool.push(
                container(text(words).size(16))
                    .padding([0, 4])
                    .style(if low {
                        container::warning
                    } else {
                        container::transparent
                    }),
            );
        }
        if ctx.actor.require(Permission::ManageWaybills).is_ok() {
            pool = pool.push(
                button(text(st(lang, S::PoolPanel)).size(14))
                    .padding([2, 8])
                    .style(if self.pool_panel.is_some() {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::PoolPanel),
            );
        }
        let mut head = row![
            text(lang.label(
                tr(lang, T::ReadyToPrint),
                if self.ready_capped {
                    // A lower bound: more wait than were read.
                    format!("{}+", self.ready)
                } else {
                    self.ready.to_string()
                }
            ))
            .size(22),
            pool.wrap(),
        ]
        .spacing(20)
        .align_y(iced::Alignment::Center);
        if self.busy > 0 {
            head = head.push(
                container(text(tr(lang, T::Working)).size(14))
                    .padding(4)
                    .style(container::warning),
            );
        }
        c = c.push(head.wrap());
        if !self.open_at_benches.is_empty() {
            let mut open = Column::new().spacing(4).push(
                text(st(lang, S::OpenAtBenches))
                    .size(14)
                    .font(crate::ui::fonts::BOLD),
            );
            for p in &self.open_at_benches {
                let seen = match (&p.last_seen, p.bench_running) {
                    (_, true) => st(lang, S::BenchRunning).to_string(),
                    (Some(t), false) => {
                        format!("{} {}", st(lang, S::BenchGoneSince), super::shop_time(t))
                    }
                    (None, false) => st(lang, S::BenchGone).to_string(),
                };
                open = open.push(
                    row![
                        text(format!("{} · {} · {seen}", p.tracking_no, p.bench))
                            .size(14)
                            .width(Fill),
                        // A running bench is checking it now: freeing it would let two benches
                        // check one parcel.
                        button(text(st(lang, S::FreeParcel)).size(14))
                            .padding([2, 8])
                            .on_press_maybe(
                                (!p.bench_running)
                                    .then(|| Message::FreeParcel(p.tracking_no.clone())),
                            ),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
            }
            c = c.push(
                container(open)
                    .padding(6)
                    .width(Fill)
                    .style(container::warning),
            );
        }
        if let Some(p) = &self.pool_panel {
            c = c.push(self.pool_view(p, lang));
        }
        let create = button(text(tr(lang, T::CreateBatch)).size(18)).padding(8);
        c = c.push(
            row![
                text(tr(lang, T::Courier)).size(16),
                text_input(tr(lang, T::Courier), &self.courier)
                    .on_input(Message::CourierChanged)
                    .size(16)
                    .padding(6)
                    .width(150),
                text(tr(lang, T::AtMost)).size(16),
                // No Enter action here: a new batch always goes through its confirmation.
                text_input(tr(lang, T::AllOfThem), &self.limit)
                    .on_input(Message::LimitChanged)
                    .size(16)
                    .padding(6)
                    .width(90),
                if may_print && self.ready > 0 && self.plan.is_none() {
                    create.on_press(Message::PlanBatch)
                } else {
                    create
                },
                button(text(tr(lang, T::Refresh)).size(16))
                    .padding(8)
                    .on_press(Message::Refresh),
            ]
            .push(may_merge.then(|| {
                button(text(st(lang, S::MergePanel)).size(16))
                    .padding(8)
                    .style(if self.merge.is_some() {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::MergePanel)
            }))
            .spacing(8)
            .align_y(iced::Alignment::Center)
            .wrap(),
        );
        if let Some(p) = &self.plan {
            c = c.push(self.plan_view(p, lang));
        }
        if let Some(m) = &self.merge {
            c = c.push(self.merge_view(m, lang));
        }
        let mut destinations = vec![Destination::Pdf(lang)];
        destinations.extend(
            self.printers
                .iter()
                .map(|p| Destination::Printer(p.clone(), lang)),
        );
        let chosen = match &self.printer {
            Some(p) => Destination::Printer(p.clone(), lang),
            None => Destination::Pdf(lang),
        };
        let mut to = row![
            text(tr(lang, T::PrintTo)).size(16),
            pick_list(destinations, Some(chosen), Message::DestinationPicked).text_size(16),
            text(if self.printer.is_none() {
                self.out_dir.display().to_string()
            } else {
                String::new()
            })
            .size(13),
        ]
        .spacing(8)
        .align_y(iced::Alignment::Center);
        if self.printer.is_some() {
            // A thermal 快递单 printer takes its own language; a PDF file needs none.
            // One piece, so that a narrow window wraps the label with its list, not between.
            to = to.push(
                row![
                    text(st(lang, S::WaybillFormat)).size(14),
                    pick_list(
                        FormatChoice::all(lang),
                        Some(FormatChoice {
                            format: self.waybill_format,
                            lang,
                        }),
                        Message::WaybillFormatPicked,
                    )
                    .text_size(14),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
        }
        c = c.push(to.wrap());

        let mut list = Column::new().spacing(4).width(iced::FillPortion(2));
        list = list.push(text(tr(lang, T::Batches)).size(16));
        for b in &self.batches {
            let label = if b.is_cancelled() {
                format!("{:<6} {}  {}", b.id, b.courier, tr(lang, T::BatchCancelled))
            } else {
                // No-break spaces: a narrow window wraps "shipped 0" whole, not its number.
                format!(
                    "{:<6} {}  {}\u{a0}{}  {}\u{a0}{}",
                    b.id,
                    b.courier,
                    b.parcels,
                    tr(lang, T::Parcels),
                    tr(lang, T::Shipped),
                    b.shipped
                )
            };
            let btn = button(text(label).size(15).font(fonts::MONO))
                .width(Fill)
                .on_press(Message::Select(b.id));
            list = list.push(if Some(b.id) == self.selected {
                btn.style(button::primary)
            } else {
                btn.style(button::secondary)
            });
        }

        let mut detail = Column::new().spacing(10).width(iced::FillPortion(3));
        if let Some(b) = self
            .selected
            .and_then(|id| self.batches.iter().find(|b| b.id == id))
        {
            detail = detail.push(
                text(format!(
                    "{} {} · {} · {} {} · {} {}",
                    tr(lang, T::Batch),
                    b.id,
                    b.courier,
                    b.parcels,
                    tr(lang, T::Parcels),
                    b.staff_code,
                    crate::ui::screen::shop_time(&b.created_at)
                ))
                .size(20),
            );
            let may_print = may_print && !b.is_cancelled();
            if let (Some(at), reason) = (&b.cancelled_at, &b.cancel_reason) {
                detail = detail.push(
                    container(
                        text(format!(
                            "{} {} {} · {}",
                            tr(lang, T::BatchCancelled),
                            crate::ui::screen::shop_time(at),
                            b.cancelled_by.as_deref().unwrap_or(""),
                            reason.as_deref().unwrap_or("")
                        ))
                        .size(16),
                    )
                    .padding(6)
                    .style(container::warning),
                );
            }
            let waybills = button(text(tr(lang, T::PrintWaybills)).size(20)).padding(10);
            let picklist = button(text(tr(lang, T::PrintPicklist)).size(20)).padding(10);
            let cancel = button(text(tr(lang, T::CancelBatch)).size(14))
                .padding(6)
                .style(button::danger);
            detail = detail.push(
                row![
                    if may_print {
                        waybills.on_press(Message::PrintWaybills)
                    } else {
                        waybills
                    },
                    if may_print {
                        picklist.on_press(Message::PrintPicklist)
                    } else {
                        picklist
                    },
                    if may_print && b.shipped == 0 && self.cancel.is_none() {
                        cancel.on_press(Message::AskCancel(b.id))
                    } else {
                        cancel
                    },
                    button(text(st(lang, S::ShipBatch)).size(14))
                        .padding(6)
                        .style(button::success)
                        .on_press_maybe(
                            (may_ship
                                && b.cancelled_at.is_none()
                                && b.shipped < b.parcels
                                && self.ship_ask.is_none())
                            .then_some(Message::AskShip(b.id))
                        ),
                    button(text(st(lang, S::ExportShipments)).size(14))
                        .padding(6)
                        .on_press_maybe(
                            (may_ship && b.cancelled_at.is_none())
                                .then_some(Message::ExportShipments(b.id))
                        ),
                ]
                .spacing(10)
                .align_y(iced::Alignment::Center)
                .wrap(),
            );
            if !self.sender_gaps.is_empty() {
                let mut warn = row![
                    text(i18n::sender_gaps(lang, &self.sender_gaps))
                        .size(14)
                        .width(Fill)
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center);
                if self.sender_ask.is_some() {
                    warn = warn
                        .push(
                            button(text(st(lang, S::PrintAnyway)))
                                .style(button::danger)
                                .on_press(Message::PrintAnyway),
                        )
                        .push(button(text(st(lang, S::DontPrint))).on_press(Message::DontPrint));
                }
                detail = detail.push(container(warn).padding(6).style(container::warning));
            }
            if self.ship_ask == Some(b.id) {
                let left = b.parcels - b.shipped;
                detail = detail.push(
                    container(
                        row![
                            text(i18n::ship_batch_ask(
                                lang,
                                b.id,
                                left,
                                self.view
                                    .as_ref()
                                    .filter(|v| v.batch.id == b.id)
                                    .is_none_or(|v| v.on_paper)
                            ))
                            .size(15)
                            .width(Fill),
                            button(text(st(lang, S::ConfirmShipBatch)))
                                .style(button::danger)
                                .on_press(Message::ConfirmShip),
                            button(text(st(lang, S::DontShip))).on_press(Message::KeepUnshipped),
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    )
                    .padding(6)
                    .style(container::warning),
                );
            }
            if let Some(ask) = self.cancel.as_ref().filter(|a| a.batch_id == b.id) {
                detail = detail.push(self.cancel_view(ask, b, lang));
            }
            let reprint = button(text(tr(lang, T::Reprint)).size(16)).padding(6);
            detail = detail.push(
                row![
                    text(tr(lang, T::ReprintOne)).size(16),
                    text_input(tr(lang, T::Tracking), &self.reprint_no)
                        .on_input(Message::ReprintChanged)
                        .size(16)
                        .padding(6)
                        .width(200)
                        .font(fonts::MONO),
                    if may_print && !self.reprint_no.trim().is_empty() {
                        reprint.on_press(Message::Reprint)
                    } else {
                        reprint
                    },
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center)
                .wrap(),
            );
        } else {
            detail = detail.push(text(tr(lang, T::NoBatches)).size(16));
        }
        detail = detail.push(text(tr(lang, T::PrintLog)).size(16));
        for j in &self.log {
            let failed = j.result == JobResult::Failed;
            let mut line = row![
                text(format!(
                    "#{} {} {} {}{} · {} {} → {} · {}",
                    j.id,
                    crate::ui::screen::shop_time(&j.at),
                    tr(lang, job_kind(j.kind)),
                    j.subject,
                    if j.reprint {
                        format!(" ({})", tr(lang, T::Reprint))
                    } else {
                        String::new()
                    },
                    j.pages,
                    tr(lang, if j.pages == 1 { T::Page } else { T::Pages }),
                    j.target
                        .trim_start_matches("file:")
                        .trim_start_matches("cups:"),
                    tr(
                        lang,
                        match j.result {
                            JobResult::Ok => T::JobOk,
                            JobResult::Failed => T::JobFailed,
                            JobResult::Pending => T::JobPending,
                        }
                    ),
                ))
                .size(13)
                .width(Fill),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center);
            if failed {
                line = line
                    .push(button(text(tr(lang, T::Retry)).size(13)).on_press(Message::Retry(j.id)));
            }
            detail = detail.push(container(line).padding(4).width(Fill).style(if failed {
                container::danger
            } else {
                container::transparent
            }));
        }
        if let Some(v) = self
            .view
            .as_ref()
            .filter(|v| Some(v.batch.id) == self.selected)
        {
            detail = detail.push(self.parcels_view(v, lang));
        }
        c = c.push(
            row![
                super::scroll(list).height(Fill),
                super::scroll(detail).height(Fill)
            ]
            .spacing(12),
        );
        c.into()
    }

    /// Groups to merge (or leave apart), all at once, and merged parcels to take apart.
    fn merge_view<'a>(&'a self, m: &'a MergePanel, lang: Lang) -> Element<'a, Message> {
        let bold = fonts::BOLD;
        let order_line = |o: &BenchOrder| {
            text(format!(
                "{} · {} · {} {} {}",
                o.order_no, o.buyer, o.receiver.name, o.receiver.phone, o.receiver.address
            ))
            .size(13)
            .wrapping(text::Wrapping::WordOrGlyph)
        };
        let shown: Vec<&Vec<BenchOrder>> = m
            .lists
            .suggested
            .iter()
            .filter(|g| g.first().is_none_or(|o| !m.apart.contains(&o.order_no)))
            .collect();
        let mut c = Column::new().spacing(6);
        c = c.push(
            row![
                text(st(lang, S::MergeSuggested)).font(bold).width(Fill),
                button(text(st(lang, S::MergeAll))).on_press_maybe(
                    (!shown.is_empty() && self.busy == 0).then_some(Message::MergeAll)
                ),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        if shown.is_empty() {
            c = c.push(text(st(lang, S::NothingToMerge)).size(14));
        }
        for g in shown {
            let nos: Vec<String> = g.iter().map(|o| o.order_no.clone()).collect();
            let first = nos[0].clone();
            let mut orders = Column::new().spacing(2).width(Fill);
            for o in g {
                orders = orders.push(order_line(o));
            }
            // Each group boxed: where one ends and the next begins is plain at a glance.
            c = c.push(
                container(
                    row![
                        orders,
                        button(text(st(lang, S::MergeThem)))
                            .style(button::success)
                            .on_press_maybe((self.busy == 0).then_some(Message::MergeGroup(nos))),
                        button(text(st(lang, S::KeepApart))).on_press(Message::KeepApart(first)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding(4)
                .style(container::bordered_box),
            );
        }
        if !m.lists.merged.is_empty() {
            c = c.push(text(st(lang, S::MergedNotPrinted)).font(bold));
            for g in &m.lists.merged {
                let Some(first) = g.first() else { continue };
                let mut orders = Column::new().spacing(2).width(Fill);
                for o in g {
                    orders = orders.push(order_line(o));
                }
                c = c.push(
                    container(
                        row![
                            orders,
                            button(text(st(lang, S::Unmerge))).on_press_maybe(
                                (self.busy == 0)
                                    .then_some(Message::Unmerge(first.order_no.clone()))
                            ),
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    )
                    .padding(4)
                    .style(container::bordered_box),
                );
            }
        }
        container(super::scroll(c.width(Fill)).height(iced::Length::Shrink))
            .padding(8)
            .max_height(320)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }

    /// The batch's parcels: number, orders, receiver, items, where it stands; fifty a page.
    fn parcels_view<'a>(&'a self, v: &'a BatchView, lang: Lang) -> Element<'a, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(4);
        c = c.push(text(st(lang, S::BatchParcels)).size(16).font(bold));
        if let Some(bar) = super::pager(self.parcel_page, v.parcels.len(), Message::ParcelPage) {
            c = c.push(bar);
        }
        for p in v
            .parcels
            .iter()
            .skip(self.parcel_page * super::PAGE)
            .take(super::PAGE)
        {
            let items = p
                .lines
                .iter()
                .map(|l| format!("{}×{}", l.sku_code, l.qty))
                .collect::<Vec<_>>()
                .join(", ");
            let shipped = p.stage == crate::domain::check::ParcelStage::Shipped;
            c = c.push(
                container(
                    Column::new()
                        .push(
                            row![
                                text(format!("{}. {}", p.seq, p.tracking_no))
                                    .size(14)
                                    .font(bold)
                                    .width(Fill),
                                text(i18n::parcel_state(lang, p)).size(14),
                            ]
                            .spacing(8),
                        )
                        .push(
                            text(format!(
                                "{} · {} · {items}",
                                p.receiver,
                                p.order_nos.join(", ")
                            ))
                            .size(13)
                            .wrapping(text::Wrapping::WordOrGlyph),
                        ),
                )
                .padding([2, 6])
                .width(Fill)
                .style(if shipped {
                    container::success
                } else {
                    container::transparent
                }),
            );
        }
        c.into()
    }

    /// What a new batch will take, with the two buttons: nothing is spent before 确认.
    fn plan_view<'a>(&self, p: &BatchPlan, lang: Lang) -> Element<'a, Message> {
        let mut words = match lang {
            Lang::Zh => format!(
                "新建批次：{} {} 个包裹，用掉 {} 个单号（现有 {} 个）。",
                p.courier, p.parcels, p.parcels, p.free_numbers
            ),
            Lang::En => format!(
                "New batch: {} parcels of {}, taking {} tracking numbers ({} free now).",
                p.parcels, p.courier, p.parcels, p.free_numbers
            ),
        };
        if p.left_out > 0 {
            words.push_str(&match lang {
                Lang::Zh => format!(" {} 个包裹没有单号，留到下一批。", p.left_out),
                Lang::En => format!(" {} parcels get no number and wait.", p.left_out),
            });
        }
        container(
            row![
                text(words).size(17).width(Fill),
                button(text(tr(lang, T::ConfirmBatch)).size(17))
                    .padding(8)
                    .style(button::success)
                    .on_press(Message::ConfirmBatch),
                button(text(tr(lang, T::Back)).size(17))
                    .padding(8)
                    .style(button::secondary)
                    .on_press(Message::DropPlan),
            ]
            .spacing(10)
            .align_y(iced::Alignment::Center),
        )
        .padding(8)
        .width(Fill)
        .style(container::warning)
        .into()
    }

    fn cancel_view<'a>(
        &'a self,
        ask: &'a CancelAsk,
        b: &BatchRow,
        lang: Lang,
    ) -> Element<'a, Message> {
        let words = match lang {
            Lang::Zh => format!(
                "取消批次 {}：{} 个包裹的单号退回单号池，订单回到待打印。已打印过快递单的批次不能取消。",
                b.id, b.parcels
            ),
            Lang::En => format!(
                "Cancel batch {}: the tracking numbers of its {} parcels go back to the pool and the orders wait to be printed again. A batch whose waybills were printed cannot be cancelled.",
                b.id, b.parcels
            ),
        };
        container(
            Column::new().spacing(6).push(text(words).size(16)).push(
                row![
                    text(crate::ui::i18n::st(lang, crate::ui::i18n::S::Reason)).size(16),
                    text_input("", &ask.reason)
                        .on_input(Message::CancelReasonChanged)
                        .size(16)
                        .padding(6)
                        .width(Fill),
                    button(text(tr(lang, T::ConfirmCancelBatch)).size(16))
                        .padding(6)
                        .style(button::danger)
                        .on_press_maybe(
                            (!ask.reason.trim().is_empty()).then_some(Message::ConfirmCancel),
                        ),
                    button(text(tr(lang, T::KeepBatch)).size(16))
                        .padding(6)
                        .style(button::secondary)
                        .on_press(Message::KeepBatch),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            ),
        )
        .padding(8)
        .width(Fill)
        .style(container::warning)
        .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_codes_as_scanned_and_printed() {
        assert_eq!(BatchId::from_scan("B12").map(BatchId::get), Some(12));
        assert_eq!(BatchId::from_scan("b00012").map(BatchId::get), Some(12));
        assert_eq!(BatchId::from_scan("7700000001"), None);
    }
}
