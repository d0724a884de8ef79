//! The receipts screen (入库单): create a receipt from a CSV, see its lines, print its labels
//! through the printing layer (a PDF file), and confirm it (stock in).

use crate::domain::stock::ReceiptState;
use crate::domain::{Actor, ReceiptId};
use crate::error::Error;
use crate::flow;
use crate::flow::print::{LabelFormat, LabelJob, LabelSelect, Target};
use crate::flow::receipt::Receipt;
use crate::store::{ReceiptRow, Store};
use crate::ui::fonts;
use crate::ui::i18n::{Lang, S, T, st, tr};
use iced::widget::{Column, button, row, scrollable, text, text_input};
use iced::{Element, Fill};
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub enum Message {
    FileChanged(String),
    Create,
    Open(ReceiptId),
    Confirm,
    LabelsFileChanged(String),
    PrintLabels,
}

#[derive(Default)]
pub struct State {
    pub file: String,
    pub labels_file: String,
    pub list: Vec<ReceiptRow>,
    pub selected: Option<Receipt>,
    /// The outcome of the last action, and whether it failed.
    pub notice: Option<(String, bool)>,
}

fn err(e: &Error, lang: Lang) -> (String, bool) {
    (lang.pick(&e.zh(), &e.to_string()).to_string(), true)
}

impl State {
    pub fn refresh(&mut self, store: &Store, actor: &Actor) {
        self.list = flow::receipt::list(store, actor, 50).unwrap_or_default();
    }

    fn select(&mut self, store: &Store, actor: &Actor, lang: Lang, id: ReceiptId) {
        match flow::receipt::show(store, actor, id) {
            Ok(r) => {
                if self.labels_file.is_empty() {
                    self.labels_file = std::env::temp_dir()
                        .join(format!("labels-{id}.pdf"))
                        .display()
                        .to_string();
                }
                self.selected = Some(r);
            }
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::FileChanged(f) => self.file = f,
            Message::LabelsFileChanged(f) => self.labels_file = f,
            Message::Create => {
                match flow::receipt::create(store, actor, &PathBuf::from(self.file.trim())) {
                    Ok(r) => {
                        self.notice = Some((r.row.id.to_string(), false));
                        self.selected = Some(r);
                        self.file.clear();
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
                self.refresh(store, actor);
            }
            Message::Open(id) => {
                self.notice = None;
                self.select(store, actor, lang, id);
            }
            Message::Confirm => {
                let Some(id) = self.selected.as_ref().map(|r| r.row.id) else {
                    return;
                };
                match flow::receipt::confirm(store, actor, id) {
                    Ok(r) => {
                        self.notice = Some((format!("{id} {}", st(lang, S::Confirm)), false));
                        self.selected = Some(r);
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
                self.refresh(store, actor);
            }
            Message::PrintLabels => {
                let Some(id) = self.selected.as_ref().map(|r| r.row.id) else {
                    return;
                };
                let printed = flow::receipt::label_skus(store, actor, id).and_then(|skus| {
                    let job = LabelJob {
                        select: LabelSelect::Skus(skus),
                        copies: 1,
                        size: None,
                        dpi: None,
                        format: LabelFormat::Pdf,
                    };
                    let target = Target::File(PathBuf::from(self.labels_file.trim()));
                    flow::print::print_labels(store, actor, &job, &target)
                });
                self.notice = Some(match printed {
                    Ok(o) => (
                        format!("{} · {} → {}", st(lang, S::PrintLabels), o.pages, o.target),
                        false,
                    ),
                    Err(e) => err(&e, lang),
                });
            }
        }
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(10).padding(12);
        c = c.push(super::notice_slot(self.notice.as_ref()));
        c = c.push(
            row![
                text_input(st(lang, S::ReceiptFile), &self.file)
                    .on_input(Message::FileChanged)
                    .on_submit(Message::Create)
                    .width(Fill),
                button(text(st(lang, S::CreateReceipt))).on_press(Message::Create),
            ]
            .spacing(10),
        );
        let mut list = Column::new().spacing(4).width(260);
        for r in &self.list {
            let label = format!(
                "{}  {}{}",
                r.id,
                r.state.code(),
                if r.verified_by.is_some() { " ✓" } else { "" }
            );
            list = list.push(
                button(text(label))
                    .width(Fill)
                    .style(button::secondary)
                    .on_press(Message::Open(r.id)),
            );
        }
        let mut detail = Column::new().spacing(8).width(Fill);
        if let Some(r) = &self.selected {
            detail = detail.push(
                text(format!(
                    "{} {} · {} · {} · {}/{}{}",
                    st(lang, S::Receipt),
                    r.row.id,
                    r.row.state.code(),
                    r.row.file,
                    r.checked(),
                    r.units(),
                    r.row
                        .verified_by
                        .as_ref()
                        .map(|v| format!(" · {} {v}", st(lang, S::Verified)))
                        .unwrap_or_default()
                ))
                .size(22)
                .font(bold),
            );
            detail = detail.push(
                row![
                    text_input(st(lang, S::LabelsFile), &self.labels_file)
                        .on_input(Message::LabelsFileChanged)
                        .width(Fill),
                    button(text(st(lang, S::PrintLabels))).on_press(Message::PrintLabels),
                    button(text(st(lang, S::Confirm)))
                        .style(button::success)
                        .on_press_maybe(
                            (r.row.state == ReceiptState::Open).then_some(Message::Confirm)
                        ),
                ]
                .spacing(10),
            );
            detail = detail.push(
                row![
                    text(tr(lang, T::ColSku)).width(180),
                    text(tr(lang, T::ColBarcode)).width(150),
                    text(tr(lang, T::ColItem)).width(Fill),
                    text(tr(lang, T::ColBin)).width(90),
                    text(tr(lang, T::ColQty)).width(60),
                    text(st(lang, S::Checked)).width(60),
                ]
                .spacing(10),
            );
            for l in &r.lines {
                detail = detail.push(
                    row![
                        text(&l.sku_code).width(180),
                        text(l.barcode.as_deref().unwrap_or("-")).width(150),
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
                        .width(Fill),
                        text(if l.bin.is_empty() { "-" } else { &l.bin }).width(90),
                        text(l.qty.to_string()).width(60),
                        text(l.checked.to_string()).width(60),
                    ]
                    .spacing(10),
                );
            }
        }
        c.push(row![scrollable(list), scrollable(detail)].spacing(16))
            .into()
    }
}
