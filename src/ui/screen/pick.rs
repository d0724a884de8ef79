//! The pick screen (配货): the picker scans their tag and the batch on the pick list; the list
//! shows, bin by bin, what is picked.

use super::{Action, Ctx, Notice, pager_by};
use crate::domain::Outcome;
use crate::flow;
use crate::flow::check::Verdict;
use crate::flow::pick::{PickProgress, PickSession};
use crate::scan::Scan;
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{Bi, T, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, container, row, text, text_input};
use iced::{Element, Fill};

/// The field for a code typed by hand (the pick list's batch number, a damaged label).
pub const KEYED_FIELD: &str = "pick-keyed";

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    Judged(Result<Vec<Verdict>, Failure>),
    KeyedChanged(String),
    KeyedSubmit,
    Page(usize),
}

#[derive(Default)]
pub struct State {
    session: Option<PickSession>,
    pub picker: Option<Bi>,
    pub batch: Option<crate::domain::BatchId>,
    pub lines: Vec<PickProgress>,
    /// The last verdict, and whether it was a mismatch.
    pub last: Option<(Bi, bool)>,
    pub keyed: String,
    pub pending: usize,
    /// The page of the pick list shown ([`PICK_PAGE`] lines; the page of the line just picked).
    pub page: usize,
}

/// Lines of the pick list on one page: what a bench monitor shows at once with the big bin
/// numbers, and each line a picker scans brings its page up. (A page of 50 took 23 ms to lay
/// out and draw at 1280×800, beyond a frame.)
pub const PICK_PAGE: usize = 20;

impl State {
    pub fn start(&mut self, ctx: Ctx<'_>) {
        self.session = PickSession::start(ctx.actor.clone()).ok();
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => self.scan(scan),
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::KeyedChanged(t) => {
                self.keyed = t;
                Action::none()
            }
            Message::KeyedSubmit => {
                let code = std::mem::take(&mut self.keyed);
                if code.trim().is_empty() {
                    return Action::none();
                }
                self.scan(crate::ui::app::keyed(code))
            }
            Message::Judged(result) => {
                self.pending = self.pending.saturating_sub(1);
                match result {
                    Ok(verdicts) => {
                        let mut action = Action::none();
                        for v in verdicts {
                            action.sound = Some(self.apply(ctx, &v));
                        }
                        action
                    }
                    Err(e) => {
                        self.last = Some((Bi::error(&e), true));
                        Action::none().with_sound(Sound::Error)
                    }
                }
            }
        }
    }

    fn scan(&mut self, scan: Scan) -> Action<Message> {
        let Some(session) = self.session.clone() else {
            return Action::notice(Notice::failed(Bi::t(T::NotAllowed))).with_sound(Sound::Error);
        };
        self.pending += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let mut session = session;
                session.scan(s, &scan.code, scan.source.kind())
            },
            Message::Judged,
        ))
    }

    fn apply(&mut self, ctx: Ctx<'_>, v: &Verdict) -> Sound {
        let msg = Bi::new(v.outcome.zh(), v.outcome.en());
        self.last = Some((msg.clone(), v.is_error()));
        match &v.outcome {
            Outcome::PickerSet { .. } => {
                self.picker = Some(msg);
                self.batch = None;
                self.lines.clear();
            }
            Outcome::BatchCancelled { .. } => {
                // The batch is gone: nothing more to pick for it.
                self.batch = None;
                self.lines.clear();
            }
            Outcome::BatchAssigned { .. } | Outcome::Picked { .. } => {
                if let Outcome::BatchAssigned { batch, .. } = v.outcome {
                    self.batch = Some(batch);
                    self.page = 0;
                }
                if let Some(b) = self.batch {
                    self.lines = flow::pick::progress(ctx.store, ctx.actor, b).unwrap_or_default();
                }
                if let Outcome::Picked { sku, bin, .. } = &v.outcome
                    && let Some(i) = self
                        .lines
                        .iter()
                        .position(|l| &l.line.sku_code == sku && &l.line.bin == bin)
                        .or_else(|| self.lines.iter().position(|l| &l.line.sku_code == sku))
                {
                    self.page = i / PICK_PAGE;
                }
            }
            _ => {}
        }
        Sound::of(v.tone())
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let prompt = match (&self.picker, self.batch) {
            (None, _) => tr(lang, T::ScanPickerTag).to_string(),
            (Some(_), None) => tr(lang, T::ScanBatch).to_string(),
            (Some(_), Some(b)) => {
                let (done, all) = self.lines.iter().fold((0, 0), |(d, a), l| {
                    (d + l.picked.min(l.line.qty), a + l.line.qty)
                });
                format!("{} {b}   {done}/{all}", tr(lang, T::Batch))
            }
        };
        let mut c = Column::new().spacing(8).padding(12);
        c = c.push(
            container(text(prompt).size(36).font(bold))
                .padding(14)
                .width(Fill)
                .style(container::bordered_box),
        );
        if let Some(p) = &self.picker {
            // The verdict that set the picker names them already ("配货员：PH001 张配货").
            c = c.push(text(p.get(lang).to_string()).size(20));
        }
        if let Some((msg, error)) = &self.last {
            c = c.push(
                container(text(msg.get(lang).to_string()).size(24))
                    .padding(8)
                    .width(Fill)
                    .style(if *error {
                        container::danger
                    } else {
                        container::success
                    }),
            );
        }
        c = c.push(
            row![
                text(tr(lang, T::TypeCode)).size(14),
                text_input(tr(lang, T::TypeCodeHint), &self.keyed)
                    .id(KEYED_FIELD)
                    .on_input(Message::KeyedChanged)
                    .on_submit(Message::KeyedSubmit)
                    .size(14)
                    .padding(4)
                    .width(420),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        let mut table = Column::new().spacing(4).push(
            row![
                text(tr(lang, T::ColBin)).width(110),
                text(tr(lang, T::ColSku)).width(200),
                text(tr(lang, T::ColItem)).width(Fill),
                text(tr(lang, T::ColQty)).width(80),
                text(tr(lang, T::ColPicked)).width(80),
            ]
            .spacing(10),
        );
        if let Some(bar) = pager_by(self.page, self.lines.len(), PICK_PAGE, Message::Page) {
            table = table.push(bar);
        }
        for l in self
            .lines
            .iter()
            .skip(self.page * PICK_PAGE)
            .take(PICK_PAGE)
        {
            let done = l.picked >= l.line.qty;
            table = table.push(
                container(
                    row![
                        text(l.line.bin.as_deref().unwrap_or("-"))
                            .size(24)
                            .font(bold)
                            .width(110),
                        text(&l.line.sku_code).size(20).width(200),
                        text(format!("{} {}", l.line.title, l.line.spec))
                            .size(18)
                            .width(Fill),
                        text(l.line.qty.to_string()).size(24).width(80),
                        text(l.picked.to_string()).size(24).font(bold).width(80),
                    ]
                    .spacing(10),
                )
                .padding([4, 8])
                .width(Fill)
                .style(if done {
                    container::success
                } else {
                    container::bordered_box
                }),
            );
        }
        c.push(super::scroll(table).height(Fill)).into()
    }
}
