//! The receipts screen (入库单): create a receipt from a CSV, see its lines, print its labels
//! through the printing layer (a PDF file), and confirm it (stock in).

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::ReceiptId;
use crate::domain::stock::ReceiptState;
use crate::flow;
use crate::flow::print::{LabelJob, LabelSelect, Overwrite, PrintFormat, PrintOutcome, Target};
use crate::flow::receipt::Receipt;
use crate::scan::Scan;
use crate::store::{ReceiptRow, Store};
use crate::ui::files::{self, Chooser, Outcome};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, row, text, text_input};
use iced::{Element, Fill};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    FileChanged(String),
    Choose,
    Chooser(files::Message),
    Create,
    Created(Result<Receipt, Failure>),
    Listed(Result<Vec<ReceiptRow>, Failure>),
    Open(ReceiptId),
    /// The receipt chosen, read off the window's thread (30,000 lines take a while).
    Shown(Result<Receipt, Failure>),
    Confirm,
    Confirmed(Result<Receipt, Failure>),
    PrintLabels,
    Printed(Result<PrintOutcome, Failure>),
    Page(usize),
}

#[derive(Default)]
pub struct State {
    pub file: String,
    pub chooser: Option<Chooser>,
    pub list: Vec<ReceiptRow>,
    pub selected: Option<Receipt>,
    /// Where label PDFs go (the `print` folder beside the store).
    pub out_dir: PathBuf,
    pub busy: usize,
    /// The page of the selected receipt's lines shown.
    pub page: usize,
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.reload(ctx)
    }

    fn reload(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::receipt::list(s, &actor, 50),
            Message::Listed,
        ))
    }

    fn failed(e: &Failure) -> Action<Message> {
        Action::notice(Notice::failed(Bi::error(e))).with_sound(Sound::Error)
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            Message::Scanned(_) => {
                Action::notice(Notice::failed(Bi::s(S::NoScanHere))).with_sound(Sound::Error)
            }
            Message::FileChanged(f) => {
                self.file = f;
                Action::none()
            }
            Message::Choose => {
                let start = PathBuf::from(self.file.trim()).parent().map(PathBuf::from);
                self.chooser = Some(Chooser::new(start, vec!["csv"]));
                Action::none()
            }
            Message::Chooser(m) => {
                let Some(c) = &mut self.chooser else {
                    return Action::none();
                };
                match c.update(m) {
                    Outcome::None => {}
                    Outcome::Chosen(p) => {
                        self.file = p.display().to_string();
                        self.chooser = None;
                    }
                    Outcome::Closed => self.chooser = None,
                }
                Action::none()
            }
            Message::Create => {
                let path = PathBuf::from(self.file.trim());
                if self.file.trim().is_empty() {
                    return Action::notice(Notice::failed(Bi::s(S::ChooseReceiptFile)));
                }
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::receipt::create(s, &actor, &path),
                    Message::Created,
                ))
            }
            Message::Created(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        let id = r.row.id;
                        self.selected = Some(r);
                        self.file.clear();
                        self.reload(ctx).with_notice(Notice::done(Bi::with(|l| {
                            format!("{} {id}", st(l, S::Receipt))
                        })))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::Listed(Ok(list)) => {
                self.list = list;
                Action::none()
            }
            Message::Listed(Err(e)) => Self::failed(&e),
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::Open(id) => Action::job(Job::new(
                move |s: &mut Store| flow::receipt::show(s, &actor, id),
                Message::Shown,
            )),
            Message::Shown(Ok(r)) => {
                self.selected = Some(r);
                self.page = 0;
                Action::none().clear_notice()
            }
            Message::Shown(Err(e)) => Self::failed(&e),
            Message::Confirm => {
                let Some(id) = self.selected.as_ref().map(|r| r.row.id) else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::receipt::confirm(s, &actor, id),
                    Message::Confirmed,
                ))
            }
            Message::Confirmed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        let id = r.row.id;
                        self.selected = Some(r);
                        self.reload(ctx).with_notice(Notice::done(Bi::with(|l| {
                            format!("{id} {}", st(l, S::Confirmed))
                        })))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
            Message::PrintLabels => {
                let Some(id) = self.selected.as_ref().map(|r| r.row.id) else {
                    return Action::none();
                };
                if let Err(e) = std::fs::create_dir_all(&self.out_dir) {
                    let dir = self.out_dir.display().to_string();
                    return Action::notice(Notice::failed(Bi::with(|l| {
                        format!("{} {dir}: {e}", tr(l, T::CannotWrite))
                    })));
                }
                let stamp = chrono::Utc::now()
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("%Y%m%d-%H%M%S");
                let target = Target::File(self.out_dir.join(format!("labels-{id}-{stamp}.pdf")));
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let skus = flow::receipt::label_skus(s, &actor, id)?;
                        let job = LabelJob {
                            select: LabelSelect::Skus(skus),
                            copies: 1,
                            size: None,
                            dpi: None,
                            format: PrintFormat::Pdf,
                            overwrite: Overwrite::OursOnly,
                        };
                        flow::print::print_labels(s, &actor, &job, &target)
                    },
                    Message::Printed,
                ))
                .with_notice(Notice::done(Bi::t(T::Printing)))
            }
            Message::Printed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(o) => {
                        let (pages, target) =
                            (o.pages, o.target.trim_start_matches("file:").to_string());
                        Action::notice(Notice::done(Bi::with(|l| {
                            format!(
                                "{} · {pages} {} → {target}",
                                st(l, S::PrintLabels),
                                tr(l, if pages == 1 { T::Page } else { T::Pages })
                            )
                        })))
                    }
                    Err(e) => Self::failed(&e),
                }
            }
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(8).padding(4);
        c = c.push(
            row![
                text_input(st(lang, S::ReceiptFile), &self.file)
                    .on_input(Message::FileChanged)
                    .width(Fill),
                button(text(tr(lang, T::ChooseFile))).on_press(Message::Choose),
                button(text(st(lang, S::CreateReceipt))).on_press_maybe(
                    (!self.file.trim().is_empty() && self.busy == 0).then_some(Message::Create)
                ),
            ]
            .spacing(8),
        );
        c = c.push(text(st(lang, S::ReceiptFormat)).size(13));
        if let Some(ch) = &self.chooser {
            c = c.push(ch.view(lang).map(Message::Chooser));
        }
        let mut list = Column::new().spacing(4).width(iced::FillPortion(1));
        for r in &self.list {
            let label = format!(
                "{}  {}{}",
                r.id,
                i18n::words(lang, &r.state),
                if r.verified_by.is_some() { " ✓" } else { "" }
            );
            let open = self.selected.as_ref().is_some_and(|s| s.row.id == r.id);
            list = list.push(
                button(text(label))
                    .width(Fill)
                    .style(if open {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::Open(r.id)),
            );
        }
        let mut detail = Column::new().spacing(8).width(iced::FillPortion(3));
        if let Some(r) = &self.selected {
            detail = detail.push(
                text(format!(
                    "{} {} · {} · {} · {}/{}{}",
                    st(lang, S::Receipt),
                    r.row.id,
                    i18n::words(lang, &r.row.state),
                    r.row.file,
                    r.checked(),
                    r.units(),
                    r.row
                        .verified_by
                        .as_ref()
                        .map(|v| format!(" · {} {v}", st(lang, S::Verified)))
                        .unwrap_or_default()
                ))
                .size(20)
                .font(bold),
            );
            detail = detail.push(
                row![
                    button(text(st(lang, S::PrintLabels))).on_press(Message::PrintLabels),
                    text(format!("→ {}", self.out_dir.display())).size(13),
                    button(text(st(lang, S::Confirm)))
                        .style(button::success)
                        .on_press_maybe(
                            (r.row.state == ReceiptState::Open).then_some(Message::Confirm),
                        ),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center)
                .wrap(),
            );
            detail = detail.push(
                row![
                    text(tr(lang, T::ColSku)).width(iced::FillPortion(3)),
                    text(tr(lang, T::ColBarcode)).width(iced::FillPortion(3)),
                    text(tr(lang, T::ColItem)).width(iced::FillPortion(4)),
                    text(tr(lang, T::ColBin)).width(iced::FillPortion(2)),
                    text(tr(lang, T::ColQty)).width(60),
                    text(st(lang, S::Checked)).width(70),
                ]
                .spacing(8),
            );
            if let Some(bar) = pager(self.page, r.lines.len(), Message::Page) {
                detail = detail.push(bar);
            }
            for l in r.lines.iter().skip(self.page * PAGE).take(PAGE) {
                detail = detail.push(
                    row![
                        text(&l.sku_code).width(iced::FillPortion(3)),
                        text(l.barcode.as_deref().unwrap_or("-")).width(iced::FillPortion(3)),
                        text(format!(
                            "{} {}{}",
                            l.name,
                            l.spec,
                            if l.new_product {
                                format!(" ({})", st(lang, S::NewProduct))
                            } else {
                                String::new()
                            }
                        ))
                        .width(iced::FillPortion(4)),
                        text(if l.bin.is_empty() { "-" } else { &l.bin })
                            .width(iced::FillPortion(2)),
                        text(l.qty.to_string()).width(60),
                        text(l.checked.to_string()).width(70),
                    ]
                    .spacing(8),
                );
            }
        }
        c.push(row![super::scroll(list), super::scroll(detail)].spacing(12))
            .into()
    }
}
