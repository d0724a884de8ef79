//! The print screen (打单): how many parcels are ready, a new batch from them, then the batch's
//! waybills and pick list to a printer or a PDF file; one parcel's waybill again (补打); the
//! print log with a retry for a job the printer did not take.

use crate::domain::print::{JobKind, JobResult};
use crate::domain::{Actor, BatchId, Permission};
use crate::error::Error;
use crate::flow;
use crate::flow::print::{Target, WaybillJob};
use crate::flow::review::Readiness;
use crate::store::{BatchRow, PoolStatus, PrintJobRow, Store};
use crate::ui::fonts;
use crate::ui::i18n::{Lang, T, tr};
use iced::widget::{Column, button, container, pick_list, row, scrollable, text, text_input};
use iced::{Element, Fill};
use std::fmt;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Message {
    Refresh,
    Select(BatchId),
    CourierChanged(String),
    LimitChanged(String),
    CreateBatch,
    DestinationPicked(Destination),
    PrintWaybills,
    PrintPicklist,
    ReprintChanged(String),
    Reprint,
    Retry(i64),
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Reprint,
    Courier,
    Limit,
}

#[derive(Default)]
pub struct State {
    pub batches: Vec<BatchRow>,
    pub selected: Option<BatchId>,
    /// Ready parcels not printed yet (orders, counted as review counts them).
    pub ready: usize,
    pub pool: Vec<PoolStatus>,
    pub courier: String,
    pub limit: String,
    pub printers: Vec<String>,
    /// `None`: a PDF file.
    pub printer: Option<String>,
    pub reprint_no: String,
    pub log: Vec<PrintJobRow>,
    /// Where PDF files go (the `print` folder beside the store).
    pub out_dir: PathBuf,
    /// The outcome of the last action, and whether it failed.
    pub notice: Option<(String, bool)>,
    last: Field,
}

/// A print job's kind in words.
pub fn job_kind(kind: JobKind) -> T {
    match kind {
        JobKind::Waybills => T::KindWaybills,
        JobKind::Picklist => T::KindPicklist,
        JobKind::Labels => T::KindLabels,
    }
}

fn err(e: &Error, lang: Lang) -> (String, bool) {
    (lang.pick(&e.zh(), &e.to_string()).to_string(), true)
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    /// Reads batches, the ready count, the pool, the printers and the log again.
    pub fn refresh(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        let result = (|| -> crate::Result<()> {
            self.batches = flow::batch::list(store, actor, 30)?;
            self.ready = flow::review::review_list(store, actor, 100_000)?
                .iter()
                .filter(|(_, r)| *r == Readiness::Ready)
                .count();
            self.pool = flow::waybills::status(store, actor)?;
            if self.courier.is_empty() {
                self.courier = flow::settings::get(store, actor, "waybill.default_courier")
                    .unwrap_or_default();
            }
            self.log = flow::print::log(store, actor, false, 8)?;
            Ok(())
        })();
        if let Err(e) = result {
            self.notice = Some(err(&e, lang));
        }
        if self.selected.is_none() {
            self.selected = self.batches.first().map(|b| b.id);
        }
        // No CUPS here is not an error for a shop that prints to PDF.
        self.printers = crate::print::printer::list()
            .map(|l| l.into_iter().map(|p| p.name).collect())
            .unwrap_or_default();
        if let Some(p) = &self.printer {
            if !self.printers.contains(p) {
                self.printer = None;
            }
        }
    }

    fn target(&self, what: &str) -> Target {
        match &self.printer {
            Some(p) => Target::Cups(p.clone()),
            None => {
                let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
                Target::File(self.out_dir.join(format!("{what}-{stamp}.pdf")))
            }
        }
    }

    fn printed(&mut self, result: crate::Result<flow::print::PrintOutcome>, lang: Lang) {
        self.notice = Some(match result {
            Ok(o) => {
                let target = o
                    .target
                    .trim_start_matches("file:")
                    .trim_start_matches("cups:");
                (
                    format!(
                        "{} {}: {} {} → {target}",
                        tr(lang, T::PrintJob),
                        o.job_id,
                        o.pages,
                        tr(lang, T::Pages)
                    ),
                    false,
                )
            }
            Err(e) => err(&e, lang),
        });
    }

    fn ensure_out_dir(&mut self, lang: Lang) -> bool {
        if self.printer.is_some() {
            return true;
        }
        match std::fs::create_dir_all(&self.out_dir) {
            Ok(()) => true,
            Err(e) => {
                self.notice = Some((
                    format!(
                        "{} {}: {e}",
                        tr(lang, T::CannotWrite),
                        self.out_dir.display()
                    ),
                    true,
                ));
                false
            }
        }
    }

    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::Refresh => {
                self.notice = None;
                self.refresh(store, actor, lang);
            }
            Message::Select(id) => self.selected = Some(id),
            Message::CourierChanged(c) => {
                self.courier = c;
                self.last = Field::Courier;
            }
            Message::LimitChanged(l) => {
                self.limit = l.chars().filter(|c| c.is_ascii_digit()).collect();
                self.last = Field::Limit;
            }
            Message::CreateBatch => {
                let limit = self.limit.parse::<usize>().ok().filter(|n| *n > 0);
                let courier = Some(self.courier.trim()).filter(|c| !c.is_empty());
                match flow::batch::create(store, actor, courier, limit) {
                    Ok(b) => {
                        let mut msg = format!(
                            "{} {}: {} {}",
                            tr(lang, T::Batch),
                            b.batch_id,
                            b.parcels.len(),
                            tr(lang, T::Parcels)
                        );
                        if b.left_out > 0 {
                            msg.push_str(&format!(
                                " · {} {}",
                                b.left_out,
                                tr(lang, T::LeftOutNoNumbers)
                            ));
                        }
                        self.selected = Some(b.batch_id);
                        self.refresh(store, actor, lang);
                        self.notice = Some((msg, b.left_out > 0));
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
            Message::DestinationPicked(d) => {
                self.printer = match d {
                    Destination::Pdf(_) => None,
                    Destination::Printer(p, _) => Some(p),
                }
            }
            Message::PrintWaybills | Message::Reprint => {
                let Some(batch_id) = self.selected else {
                    return;
                };
                let only = if matches!(msg, Message::Reprint) {
                    let t = self.reprint_no.trim().to_string();
                    if t.is_empty() {
                        return;
                    }
                    vec![t]
                } else {
                    Vec::new()
                };
                if !self.ensure_out_dir(lang) {
                    return;
                }
                let what = match only.first() {
                    Some(t) => format!("{batch_id}-waybill-{t}"),
                    None => format!("{batch_id}-waybills"),
                };
                let job = WaybillJob {
                    batch_id,
                    only,
                    size: None,
                    dpi: None,
                };
                let target = self.target(&what);
                let result = flow::print::print_waybills(store, actor, &job, &target);
                if result.is_ok() {
                    self.reprint_no.clear();
                }
                self.printed(result, lang);
                self.log = flow::print::log(store, actor, false, 8).unwrap_or_default();
            }
            Message::PrintPicklist => {
                let Some(batch_id) = self.selected else {
                    return;
                };
                if !self.ensure_out_dir(lang) {
                    return;
                }
                let target = self.target(&format!("{batch_id}-picklist"));
                let result = flow::print::print_picklist(store, actor, batch_id, None, &target);
                self.printed(result, lang);
                self.log = flow::print::log(store, actor, false, 8).unwrap_or_default();
            }
            Message::ReprintChanged(t) => {
                self.reprint_no = t;
                self.last = Field::Reprint;
            }
            Message::Retry(id) => {
                let result = flow::print::retry(store, actor, id, None);
                self.printed(result, lang);
                self.log = flow::print::log(store, actor, false, 8).unwrap_or_default();
            }
        }
    }

    /// A scan on this screen: a batch barcode (`B00012`) opens the batch, a tracking number is
    /// put in the reprint field.
    pub fn scanned(&mut self, lang: Lang, code: &str) {
        let code = code.trim();
        if let Some(id) = BatchId::from_scan(code) {
            if self.batches.iter().any(|b| b.id == id) {
                self.selected = Some(id);
                self.notice = None;
            } else {
                self.notice = Some((format!("{} {code}", tr(lang, T::NoSuchBatch)), true));
            }
        } else {
            self.reprint_no = code.to_string();
        }
    }

    /// Takes back the last `n` characters a scan typed into a field.
    pub fn take_back(&mut self, n: usize) {
        let f = match self.last {
            Field::Reprint => &mut self.reprint_no,
            Field::Courier => &mut self.courier,
            Field::Limit => &mut self.limit,
        };
        let keep = f.chars().count().saturating_sub(n);
        *f = f.chars().take(keep).collect();
    }

    pub fn view(&self, actor: &Actor, lang: Lang) -> Element<'_, Message> {
        let may_print = actor.require(Permission::PrintBatch).is_ok();
        let mut c = Column::new().spacing(12).padding(12);
        c = c.push(super::notice_slot(self.notice.as_ref()));
        let pool = self
            .pool
            .iter()
            .map(|p| format!("{} {}", p.courier, p.free))
            .collect::<Vec<_>>()
            .join("，");
        c = c.push(
            row![
                text(format!("{}：{}", tr(lang, T::ReadyToPrint), self.ready)).size(24),
                text(format!(
                    "{}：{}",
                    tr(lang, T::PoolLeft),
                    if pool.is_empty() { "-".into() } else { pool }
                ))
                .size(16),
            ]
            .spacing(24)
            .align_y(iced::Alignment::Center),
        );
        let create = button(text(tr(lang, T::CreateBatch)).size(20)).padding(10);
        c = c.push(
            row![
                text(tr(lang, T::Courier)).size(18),
                text_input(tr(lang, T::Courier), &self.courier)
                    .on_input(Message::CourierChanged)
                    .size(18)
                    .padding(8)
                    .width(180),
                text(tr(lang, T::AtMost)).size(18),
                text_input(tr(lang, T::AllOfThem), &self.limit)
                    .on_input(Message::LimitChanged)
                    .on_submit(Message::CreateBatch)
                    .size(18)
                    .padding(8)
                    .width(100),
                if may_print && self.ready > 0 {
                    create.on_press(Message::CreateBatch)
                } else {
                    create
                },
                button(text(tr(lang, T::Refresh)).size(18))
                    .padding(10)
                    .on_press(Message::Refresh),
            ]
            .spacing(10)
            .align_y(iced::Alignment::Center),
        );
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
        c = c.push(
            row![
                text(tr(lang, T::PrintTo)).size(18),
                pick_list(destinations, Some(chosen), Message::DestinationPicked).text_size(18),
                text(if self.printer.is_none() {
                    self.out_dir.display().to_string()
                } else {
                    String::new()
                })
                .size(14),
            ]
            .spacing(10)
            .align_y(iced::Alignment::Center),
        );

        let mut list = Column::new().spacing(4).width(360);
        list = list.push(text(tr(lang, T::Batches)).size(18));
        for b in &self.batches {
            let label = format!(
                "{:<6} {}  {} {}  {} {}",
                b.id,
                b.courier,
                b.parcels,
                tr(lang, T::Parcels),
                tr(lang, T::Shipped),
                b.shipped
            );
            let btn = button(text(label).size(16).font(fonts::MONO))
                .width(Fill)
                .on_press(Message::Select(b.id));
            list = list.push(if Some(b.id) == self.selected {
                btn.style(button::primary)
            } else {
                btn.style(button::secondary)
            });
        }

        let mut detail = Column::new().spacing(12).width(Fill);
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
                .size(22),
            );
            let waybills = button(text(tr(lang, T::PrintWaybills)).size(22)).padding(12);
            let picklist = button(text(tr(lang, T::PrintPicklist)).size(22)).padding(12);
            let reprint = button(text(tr(lang, T::Reprint)).size(18)).padding(8);
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
                ]
                .spacing(12),
            );
            detail = detail.push(
                row![
                    text(tr(lang, T::ReprintOne)).size(18),
                    text_input(tr(lang, T::Tracking), &self.reprint_no)
                        .on_input(Message::ReprintChanged)
                        .size(18)
                        .padding(8)
                        .width(240)
                        .font(fonts::MONO),
                    if may_print && !self.reprint_no.trim().is_empty() {
                        reprint.on_press(Message::Reprint)
                    } else {
                        reprint
                    },
                ]
                .spacing(10)
                .align_y(iced::Alignment::Center),
            );
        } else {
            detail = detail.push(text(tr(lang, T::NoBatches)).size(18));
        }
        detail = detail.push(text(tr(lang, T::PrintLog)).size(18));
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
                    tr(lang, T::Pages),
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
                .size(14)
                .width(Fill),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center);
            if failed {
                line = line
                    .push(button(text(tr(lang, T::Retry)).size(14)).on_press(Message::Retry(j.id)));
            }
            detail = detail.push(container(line).padding(4).width(Fill).style(if failed {
                container::danger
            } else {
                container::transparent
            }));
        }
        c = c.push(
            row![
                scrollable(list).height(Fill),
                scrollable(detail).height(Fill)
            ]
            .spacing(16),
        );
        c.into()
    }
}
