//! The stock screen (库存): find a product by merchant code or barcode (or scan it) and see its
//! stock per bin and its ledger; the low-stock and dead-stock lists beside.

use crate::domain::Actor;
use crate::flow;
use crate::flow::stock::{DEFAULT_LOW_BELOW, StockShow};
use crate::store::{StockLevel, Store};
use crate::ui::fonts;
use crate::ui::i18n::{Lang, S, T, st, tr};
use iced::widget::{Column, button, container, row, scrollable, text, text_input};
use iced::{Element, Fill};

#[derive(Debug, Clone)]
pub enum Message {
    QueryChanged(String),
    Search,
    /// A product of the low or dead list was chosen.
    Open(String),
}

#[derive(Default)]
pub struct State {
    pub query: String,
    pub shown: Option<StockShow>,
    pub low: Vec<StockLevel>,
    pub dead: Vec<StockLevel>,
    pub notice: Option<String>,
}

impl State {
    /// The low and dead lists, read again.
    pub fn refresh(&mut self, store: &Store, actor: &Actor) {
        self.low = flow::stock::low(store, actor, DEFAULT_LOW_BELOW).unwrap_or_default();
        self.dead = flow::stock::dead(store, actor).unwrap_or_default();
    }

    fn show(&mut self, store: &Store, actor: &Actor, lang: Lang, key: &str) {
        match flow::stock::show(store, actor, key, 50) {
            Ok(s) => {
                self.shown = Some(s);
                self.notice = None;
            }
            Err(e) => {
                self.shown = None;
                self.notice = Some(lang.pick(&e.zh(), &e.to_string()).to_string());
            }
        }
    }

    pub fn update(&mut self, store: &Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::QueryChanged(q) => self.query = q,
            Message::Search => {
                let q = self.query.clone();
                self.show(store, actor, lang, &q);
                self.refresh(store, actor);
            }
            Message::Open(sku) => {
                self.query = sku.clone();
                self.show(store, actor, lang, &sku);
            }
        }
    }

    /// A scan looks the product up.
    pub fn scanned(&mut self, store: &Store, actor: &Actor, lang: Lang, code: &str) {
        self.query = code.to_string();
        self.show(store, actor, lang, code);
    }

    /// Takes back the last `n` characters a scan typed into the search field.
    pub fn take_back(&mut self, n: usize) {
        let keep = self.query.chars().count().saturating_sub(n);
        self.query = self.query.chars().take(keep).collect();
    }

    pub fn view(&self, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(10).padding(12);
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
        if let Some(n) = &self.notice {
            c = c.push(
                container(text(n).size(18))
                    .padding(8)
                    .width(Fill)
                    .style(container::danger),
            );
        }
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
                    text("").width(190),
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
                        text(&m.at).size(14).width(190),
                        text(m.kind.code()).width(90),
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
            for l in items.iter().take(200) {
                col = col.push(
                    button(text(format!("{}  {}", l.sku_code, l.on_hand)).size(14))
                        .style(button::text)
                        .on_press(Message::Open(l.sku_code.clone())),
                );
            }
            col
        };
        let side = Column::new()
            .spacing(12)
            .width(280)
            .push(list(st(lang, S::LowStock), &self.low))
            .push(list(st(lang, S::DeadStock), &self.dead));
        c.push(row![scrollable(product).width(Fill), scrollable(side)].spacing(16))
            .into()
    }
}
