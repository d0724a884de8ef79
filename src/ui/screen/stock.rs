//! The stock screen (库存): find a product by merchant code or barcode (or scan it) and see its
//! stock per bin and its ledger; the low-stock and dead-stock lists beside.

use super::{Action, Ctx, Notice};
use crate::flow;
use crate::flow::stock::{DEFAULT_LOW_BELOW, StockShow};
use crate::scan::Scan;
use crate::store::{StockLevel, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, row, text, text_input};
use iced::{Element, Fill};

/// Items of the low and dead lists drawn at once.
const LIST: usize = 50;

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    QueryChanged(String),
    Search,
    /// A product of the low or dead list was chosen.
    Open(String),
    /// The low and dead lists, read as a job (a big catalogue takes a moment).
    Lists(Result<(Vec<StockLevel>, Vec<StockLevel>), Failure>),
    /// Show more of the low / dead list.
    More,
}

#[derive(Default)]
pub struct State {
    pub query: String,
    pub shown: Option<StockShow>,
    pub low: Vec<StockLevel>,
    pub dead: Vec<StockLevel>,
    /// How many of each list are drawn.
    pub listed: usize,
}

impl State {
    /// The low and dead lists, read again.
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| {
                Ok((
                    flow::stock::low(s, &actor, DEFAULT_LOW_BELOW)?,
                    flow::stock::dead(s, &actor)?,
                ))
            },
            Message::Lists,
        ))
    }

    fn show(&mut self, ctx: Ctx<'_>, key: &str) -> Action<Message> {
        match flow::stock::show(ctx.store, ctx.actor, key.trim(), 50) {
            Ok(s) => {
                self.shown = Some(s);
                Action::none().clear_notice()
            }
            Err(e) => {
                self.shown = None;
                Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
            }
        }
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            Message::Scanned(scan) => {
                // A scan looks the product up.
                self.query = scan.code.clone();
                self.show(ctx, &scan.code)
            }
            Message::QueryChanged(q) => {
                self.query = q;
                Action::none()
            }
            Message::Search => {
                let q = self.query.clone();
                self.show(ctx, &q)
            }
            Message::Open(sku) => {
                self.query = sku.clone();
                self.show(ctx, &sku)
            }
            Message::Lists(Ok((low, dead))) => {
                self.low = low;
                self.dead = dead;
                self.listed = LIST;
                Action::none()
            }
            Message::Lists(Err(e)) => Action::notice(Notice::failed(Bi::error(&e))),
            Message::More => {
                self.listed += LIST;
                Action::none()
            }
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(8).padding(4);
        c = c.push(
            row![
                text_input(st(lang, S::StockHint), &self.query)
                    .on_input(Message::QueryChanged)
                    .on_submit(Message::Search)
                    .width(Fill),
                button(text(tr(lang, T::Search))).on_press(Message::Search),
            ]
            .spacing(10),
        );
        let mut product = Column::new().spacing(6).width(Fill);
        if let Some(s) = &self.shown {
            let p = &s.record.product;
            product = product.push(
                container(
                    text(format!(
                        "{}  {} {}  · {} {}",
                        p.sku_code,
                        p.name,
                        p.spec,
                        st(lang, S::OnHand),
                        s.record.on_hand
                    ))
                    .size(24)
                    .font(bold),
                )
                .padding(8)
                .width(Fill)
                .style(if s.record.on_hand < 0 {
                    container::danger
                } else {
                    container::bordered_box
                }),
            );
            for b in s.record.stock.iter().filter(|b| b.qty != 0) {
                product = product.push(
                    row![
                        text(if b.bin.is_empty() { "-" } else { &b.bin })
                            .size(22)
                            .width(140),
                        text(b.qty.to_string()).size(22).font(bold),
                    ]
                    .spacing(10),
                );
            }
            product = product.push(text(st(lang, S::Ledger)).size(20).font(bold));
            product = product.push(
                row![
                    text("").width(110),
                    text(st(lang, S::Kind)).width(90),
                    text(tr(lang, T::ColQty)).width(70),
                    text(tr(lang, T::ColBin)).width(90),
                    text(tr(lang, T::Staff)).width(80),
                    text(st(lang, S::Ref)).width(Fill),
                ]
                .spacing(8),
            );
            for m in &s.moves {
                product = product.push(
                    row![
                        text(super::shop_time(&m.at)).size(14).width(110),
                        text(i18n::words(lang, &m.kind)).width(90),
                        text(format!("{:+}", m.qty)).width(70),
                        text(&m.bin).width(90),
                        text(&m.staff_code).width(80),
                        text(&m.reference).width(Fill),
                    ]
                    .spacing(8),
                );
            }
        }
        let list = |title: &'static str, items: &'_ [StockLevel]| {
            let mut col = Column::new()
                .spacing(2)
                .push(text(title).size(18).font(bold));
            for l in items.iter().take(self.listed) {
                col = col.push(
                    button(text(format!("{}  {}", l.sku_code, l.on_hand)).size(14))
                        .style(button::text)
                        .on_press(Message::Open(l.sku_code.clone())),
                );
            }
            if items.len() > self.listed {
                col = col.push(
                    button(text(format!("{} ({})", tr(lang, T::More), items.len())).size(14))
                        .style(button::secondary)
                        .on_press(Message::More),
                );
            }
            col
        };
        let side = Column::new()
            .spacing(12)
            .width(240)
            .push(list(st(lang, S::LowStock), &self.low))
            .push(list(st(lang, S::DeadStock), &self.dead));
        c.push(row![super::scroll(product).width(Fill), super::scroll(side)].spacing(16))
            .into()
    }
}
