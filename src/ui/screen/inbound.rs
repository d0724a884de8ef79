//! The inbound check screen (入库检验): open a receipt, scan every labelled unit; a unit not on
//! the receipt or over its quantity turns the screen red. The receipt is verified by the
//! inspector when every unit is scanned.

use crate::domain::{Actor, ReceiptId};
use crate::error::Error;
use crate::flow;
use crate::flow::receipt::{InboundCheck, Receipt};
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{self, Lang, S, T, st, tr};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, row, scrollable, text, text_input};
use iced::{Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    ReceiptChanged(String),
    Open,
}

#[derive(Default)]
pub struct State {
    pub receipt_text: String,
    check: Option<InboundCheck>,
    pub receipt: Option<Receipt>,
    /// The last scan's verdict, and whether it was refused.
    pub last: Option<(String, bool)>,
    pub notice: Option<String>,
}

fn err(e: &Error, lang: Lang) -> String {
    lang.pick(&e.zh(), &e.to_string()).to_string()
}

impl State {
    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::ReceiptChanged(t) => self.receipt_text = t,
            Message::Open => {
                self.notice = None;
                let opened = self
                    .receipt_text
                    .parse::<ReceiptId>()
                    .map_err(Error::from)
                    .and_then(|id| InboundCheck::start(store, actor.clone(), id));
                match opened {
                    Ok(c) => {
                        self.check = Some(c);
                        self.last = None;
                        self.reload(store, actor, lang);
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
        }
    }

    fn reload(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        let Some(c) = &self.check else { return };
        match flow::receipt::show(store, actor, c.receipt_id()) {
            Ok(r) => self.receipt = Some(r),
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    pub fn scan(
        &mut self,
        store: &mut Store,
        actor: &Actor,
        code: &str,
        lang: Lang,
    ) -> Option<Sound> {
        let Some(check) = self.check.as_mut() else {
            // A scan must never vanish without a word.
            self.notice = Some(st(lang, S::OpenReceiptFirst).to_string());
            return Some(Sound::Error);
        };
        let sound = match check.scan(store, code) {
            Ok(Some(v)) => {
                self.last = Some((i18n::outcome(lang, &v.outcome), v.is_error()));
                Some(Sound::of(v.tone()))
            }
            Ok(None) => None,
            Err(e) => {
                self.last = Some((err(&e, lang), true));
                Some(Sound::Error)
            }
        };
        self.reload(store, actor, lang);
        sound
    }

    /// Takes back the last `n` characters a scan typed into the receipt field.
    pub fn take_back(&mut self, n: usize) {
        let keep = self.receipt_text.chars().count().saturating_sub(n);
        self.receipt_text = self.receipt_text.chars().take(keep).collect();
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(10).padding(12);
        if let Some(n) = &self.notice {
            c = c.push(
                container(text(n).size(18))
                    .padding(8)
                    .width(Fill)
                    .style(container::danger),
            );
        }
        c = c.push(
            row![
                text(st(lang, S::Receipt)).size(20),
                text_input("R1", &self.receipt_text)
                    .on_input(Message::ReceiptChanged)
                    .on_submit(Message::Open)
                    .width(160),
                button(text(st(lang, S::Open))).on_press(Message::Open),
            ]
            .spacing(10),
        );
        let Some(r) = &self.receipt else {
            return c.into();
        };
        let head = match &r.row.verified_by {
            Some(by) => format!("{}  {} ({by})", r.row.id, st(lang, S::Verified)),
            None => format!(
                "{}  {}  {}/{}",
                r.row.id,
                st(lang, S::ScanUnits),
                r.checked(),
                r.units()
            ),
        };
        c = c.push(
            container(text(head).size(36).font(bold))
                .padding(14)
                .width(Fill)
                .style(if r.row.verified_by.is_some() {
                    container::success
                } else {
                    container::bordered_box
                }),
        );
        if let Some((msg, error)) = &self.last {
            c = c.push(
                container(text(msg).size(26))
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
                text(tr(lang, T::ColSku)).width(200),
                text(tr(lang, T::ColBarcode)).width(160),
                text(tr(lang, T::ColItem)).width(Fill),
                text(tr(lang, T::ColQty)).width(80),
                text(st(lang, S::Checked)).width(80),
            ]
            .spacing(10),
        );
        for l in &r.lines {
            table = table.push(
                container(
                    row![
                        text(&l.sku_code).size(20).width(200),
                        text(l.barcode.as_deref().unwrap_or("-")).width(160),
                        text(format!("{} {}", l.name, l.spec)).width(Fill),
                        text(l.qty.to_string()).size(22).width(80),
                        text(l.checked.to_string()).size(22).font(bold).width(80),
                    ]
                    .spacing(10),
                )
                .padding([4, 8])
                .width(Fill)
                .style(if l.checked >= l.qty {
                    container::success
                } else {
                    container::bordered_box
                }),
            );
        }
        c.push(scrollable(table).height(Fill)).into()
    }
}
