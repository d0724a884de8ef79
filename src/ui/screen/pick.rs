//! The pick screen (配货): the picker scans their tag and the batch on the pick list; the list
//! shows, bin by bin, what is picked.

use crate::domain::{Actor, Outcome};
use crate::flow;
use crate::flow::check::Verdict;
use crate::flow::pick::{PickProgress, PickSession};
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{self, Lang, T, tr};
use crate::ui::sound::Sound;
use iced::widget::{Column, container, row, scrollable, text};
use iced::{Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(String),
}

#[derive(Default)]
pub struct State {
    session: Option<PickSession>,
    pub picker: Option<String>,
    pub batch: Option<crate::domain::BatchId>,
    pub lines: Vec<PickProgress>,
    /// The last verdict, and whether it was a mismatch.
    pub last: Option<(String, bool)>,
}

impl State {
    pub fn start(&mut self, actor: &Actor) {
        self.session = PickSession::start(actor.clone()).ok();
    }

    pub fn stop(&mut self) {
        self.session = None;
    }

    pub fn scan(
        &mut self,
        store: &mut Store,
        actor: &Actor,
        code: &str,
        lang: Lang,
    ) -> Option<Sound> {
        let session = self.session.as_mut()?;
        let verdicts = match session.scan(store, code) {
            Ok(v) => v,
            Err(e) => {
                self.last = Some((lang.pick(&e.zh(), &e.to_string()).to_string(), true));
                return Some(Sound::Error);
            }
        };
        let mut sound = None;
        for v in verdicts {
            sound = Some(self.apply(store, actor, &v, lang));
        }
        sound
    }

    fn apply(&mut self, store: &Store, actor: &Actor, v: &Verdict, lang: Lang) -> Sound {
        let msg = i18n::outcome(lang, &v.outcome);
        self.last = Some((msg.clone(), v.is_error()));
        match &v.outcome {
            Outcome::PickerSet { .. } => {
                self.picker = Some(msg);
                self.batch = None;
                self.lines.clear();
            }
            Outcome::BatchAssigned { .. } | Outcome::Picked { .. } => {
                if let Outcome::BatchAssigned { batch, .. } = v.outcome {
                    self.batch = Some(batch);
                }
                if let Some(b) = self.batch {
                    self.lines = flow::pick::progress(store, actor, b).unwrap_or_default();
                }
            }
            _ => {}
        }
        Sound::of(v.tone())
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
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
            c = c.push(text(p).size(20));
        }
        if let Some((msg, error)) = &self.last {
            c = c.push(
                container(text(msg).size(24))
                    .padding(8)
                    .width(Fill)
                    .style(if *error {
                        container::danger
                    } else {
                        container::success
                    }),
            );
        }
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
        for l in &self.lines {
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
        c.push(scrollable(table).height(Fill)).into()
    }
}
