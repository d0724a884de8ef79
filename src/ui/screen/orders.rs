//! The orders screen: find an order by number, tracking number, buyer or receiver; see its lines
//! and remarks; add a remark (append-only, with the signed-in staff code and an optional red
//! flag); hold or release it if the role may.

use crate::domain::review::HoldReason;
use crate::domain::{Actor, OrderStatus, Permission};
use crate::error::Error;
use crate::flow;
use crate::store::{OrderRecord, OrderSummary, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Lang, T, tr};
use iced::widget::{
    Column, button, checkbox, container, pick_list, row, scrollable, text, text_input,
};
use iced::{Element, Fill};
use std::fmt;

#[derive(Debug, Clone)]
pub enum Message {
    QueryChanged(String),
    StatusPicked(StatusChoice),
    Search,
    Open(String),
    Back,
    RemarkChanged(String),
    FlagToggled(bool),
    AddRemark,
    HoldReasonPicked(HoldChoice),
    HoldNoteChanged(String),
    Hold,
    Release,
}

/// A status filter as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusChoice {
    pub status: Option<OrderStatus>,
    pub lang: Lang,
}

impl fmt::Display for StatusChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            None => f.write_str(tr(self.lang, T::AllStatuses)),
            Some(s) => f.write_str(i18n::status(self.lang, s)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HoldChoice {
    pub reason: HoldReason,
    pub lang: Lang,
}

impl fmt::Display for HoldChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(i18n::hold_reason(self.lang, self.reason))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Field {
    #[default]
    Query,
    Remark,
    Note,
}

#[derive(Default)]
pub struct State {
    pub query: String,
    pub status: Option<OrderStatus>,
    pub results: Vec<OrderSummary>,
    pub selected: Option<OrderRecord>,
    pub remark: String,
    pub flag: bool,
    pub hold_reason: Option<HoldReason>,
    pub hold_note: String,
    /// The outcome of the last action, and whether it failed.
    pub notice: Option<(String, bool)>,
    searched: bool,
    last: Field,
}

fn err(e: &Error, lang: Lang) -> (String, bool) {
    (lang.pick(&e.zh(), &e.to_string()).to_string(), true)
}

impl State {
    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::QueryChanged(q) => {
                self.query = q;
                self.last = Field::Query;
            }
            Message::StatusPicked(c) => {
                self.status = c.status;
                self.search(store, actor, lang);
            }
            Message::Search => self.search(store, actor, lang),
            Message::Open(no) => self.open(store, actor, lang, &no),
            Message::Back => {
                self.selected = None;
                self.notice = None;
            }
            Message::RemarkChanged(r) => {
                self.remark = r;
                self.last = Field::Remark;
            }
            Message::FlagToggled(f) => self.flag = f,
            Message::AddRemark => {
                let Some(no) = self.selected.as_ref().map(|r| r.order.order_no.clone()) else {
                    return;
                };
                match flow::orders::add_remark(store, actor, &no, &self.remark, self.flag) {
                    Ok(()) => {
                        self.remark.clear();
                        self.flag = false;
                        self.open(store, actor, lang, &no);
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
            Message::HoldReasonPicked(c) => self.hold_reason = Some(c.reason),
            Message::HoldNoteChanged(n) => {
                self.hold_note = n;
                self.last = Field::Note;
            }
            Message::Hold => {
                let (Some(no), Some(reason)) = (
                    self.selected.as_ref().map(|r| r.order.order_no.clone()),
                    self.hold_reason,
                ) else {
                    return;
                };
                match flow::review::hold(store, actor, &no, reason, &self.hold_note) {
                    Ok(()) => {
                        self.hold_note.clear();
                        self.open(store, actor, lang, &no);
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
            Message::Release => {
                let Some(no) = self.selected.as_ref().map(|r| r.order.order_no.clone()) else {
                    return;
                };
                match flow::review::release(store, actor, &no) {
                    Ok(()) => self.open(store, actor, lang, &no),
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
        }
    }

    fn search(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        self.searched = true;
        match flow::orders::search(store, actor, &self.query, self.status, 200) {
            Ok(r) => {
                self.results = r;
                self.notice = None;
                self.selected = None;
            }
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    fn open(&mut self, store: &Store, actor: &Actor, lang: Lang, order_no: &str) {
        match flow::orders::show_order(store, actor, order_no) {
            Ok(r) => {
                self.selected = Some(r);
                self.notice = None;
            }
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    /// A scan on this screen looks the code up (an order or tracking number).
    pub fn scanned(&mut self, store: &Store, actor: &Actor, lang: Lang, code: &str) {
        self.query = code.to_string();
        self.search(store, actor, lang);
        if self.results.len() == 1 {
            let no = self.results[0].order.order_no.clone();
            self.open(store, actor, lang, &no);
        }
    }

    /// Takes back the last `n` characters a scan typed into a field.
    pub fn take_back(&mut self, n: usize) {
        let f = match self.last {
            Field::Query => &mut self.query,
            Field::Remark => &mut self.remark,
            Field::Note => &mut self.hold_note,
        };
        let keep = f.chars().count().saturating_sub(n);
        *f = f.chars().take(keep).collect();
    }

    pub fn view(&self, actor: &Actor, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(10).padding(12);
        c = c.push(super::notice_slot(self.notice.as_ref()));
        let Some(r) = &self.selected else {
            let choices: Vec<StatusChoice> = std::iter::once(None)
                .chain(OrderStatus::ALL.into_iter().map(Some))
                .map(|status| StatusChoice { status, lang })
                .collect();
            c = c.push(
                row![
                    text_input(tr(lang, T::SearchHint), &self.query)
                        .on_input(Message::QueryChanged)
                        .on_submit(Message::Search)
                        .size(20)
                        .padding(8),
                    pick_list(
                        choices,
                        Some(StatusChoice {
                            status: self.status,
                            lang
                        }),
                        Message::StatusPicked
                    )
                    .text_size(18),
                    button(text(tr(lang, T::Search)).size(18))
                        .on_press(Message::Search)
                        .padding(8),
                ]
                .spacing(10),
            );
            let mut list = Column::new().spacing(2);
            if self.searched && self.results.is_empty() {
                list = list.push(text(tr(lang, T::NoResults)).size(18));
            }
            for s in &self.results {
                let o = &s.order;
                let held = s
                    .hold_reason
                    .as_ref()
                    .map(|_| format!("  [{}]", tr(lang, T::OnHold)))
                    .unwrap_or_default();
                list = list.push(
                    button(
                        row![
                            text(&o.order_no).width(210).font(fonts::MONO),
                            text(i18n::status(lang, o.status)).width(120),
                            text(&o.buyer).width(180),
                            text(&o.receiver.name).width(120),
                            text(o.tracking_no.as_deref().unwrap_or("")).width(160),
                            text(held),
                        ]
                        .spacing(8),
                    )
                    .on_press(Message::Open(o.order_no.clone()))
                    .style(button::text)
                    .width(Fill),
                );
            }
            return c.push(scrollable(list).height(Fill)).into();
        };

        let o = &r.order;
        c = c.push(row![
            button(text(tr(lang, T::Back))).on_press(Message::Back),
            text(format!(
                "  {}  {}",
                o.order_no,
                i18n::status(lang, o.status)
            ))
            .size(26)
            .font(bold),
        ]);
        c = c.push(
            text(format!(
                "{}：{}  {}  {}",
                tr(lang, T::Receiver),
                o.receiver.name,
                o.receiver.phone,
                o.receiver.address.replace('\n', " ")
            ))
            .size(18),
        );
        if let Some(t) = &o.tracking_no {
            c = c.push(
                text(format!(
                    "{}：{} {}",
                    tr(lang, T::Tracking),
                    o.courier.as_deref().unwrap_or(""),
                    t
                ))
                .size(18),
            );
        }
        if !o.buyer_message.is_empty() {
            c = c.push(
                text(format!(
                    "{}：{}",
                    tr(lang, T::BuyerMessage),
                    o.buyer_message
                ))
                .size(18),
            );
        }
        if let Some(h) = &r.hold_reason {
            let words = HoldReason::from_code(h).map_or(h.as_str(), |x| i18n::hold_reason(lang, x));
            c = c.push(
                container(text(format!("{}：{words}", tr(lang, T::OnHold))).size(20))
                    .padding(6)
                    .style(container::warning),
            );
        }
        c = c.push(text(tr(lang, T::Lines)).size(20).font(bold));
        for (l, b) in o.lines.iter().zip(&r.line_barcodes) {
            let refunded = if l.is_refunded(o.status) {
                format!("  ({})", tr(lang, T::Refunded))
            } else {
                String::new()
            };
            c = c.push(
                row![
                    text(&l.sku_code).width(200),
                    text(b.as_deref().unwrap_or("-")).width(160),
                    text(format!("×{}", l.qty)).width(60),
                    text(format!("{} {}{refunded}", l.title, l.spec)),
                ]
                .spacing(8),
            );
        }
        c = c.push(text(tr(lang, T::Remarks)).size(20).font(bold));
        for m in &r.remarks {
            let line = row![
                text(if m.flag { "★" } else { " " }).width(16),
                text(crate::domain::time::to_shop_local(&m.at)).width(170),
                text(format!("[{}]", m.staff_code.as_deref().unwrap_or("-"))).width(70),
                text(&m.text),
            ]
            .spacing(6);
            c = c.push(if m.flag {
                Element::from(container(line).style(container::warning))
            } else {
                line.into()
            });
        }
        if actor.require(Permission::AddRemark).is_ok() {
            c = c.push(
                row![
                    text_input(tr(lang, T::RemarkHint), &self.remark)
                        .on_input(Message::RemarkChanged)
                        .on_submit(Message::AddRemark)
                        .padding(6),
                    checkbox(self.flag)
                        .label(tr(lang, T::Flag))
                        .on_toggle(Message::FlagToggled),
                    button(text(tr(lang, T::AddRemark))).on_press(Message::AddRemark),
                ]
                .spacing(10),
            );
        }
        if actor.require(Permission::ReviewOrders).is_ok() {
            if r.hold_reason.is_some() {
                c = c.push(button(text(tr(lang, T::Release))).on_press(Message::Release));
            } else {
                let reasons: Vec<HoldChoice> = HoldReason::ALL
                    .into_iter()
                    .filter(|r| *r != HoldReason::Remark)
                    .map(|reason| HoldChoice { reason, lang })
                    .collect();
                c = c.push(
                    row![
                        pick_list(
                            reasons,
                            self.hold_reason.map(|reason| HoldChoice { reason, lang }),
                            Message::HoldReasonPicked
                        ),
                        text_input(tr(lang, T::Note), &self.hold_note)
                            .on_input(Message::HoldNoteChanged)
                            .padding(6),
                        button(text(tr(lang, T::Hold)))
                            .on_press_maybe(self.hold_reason.map(|_| Message::Hold)),
                    ]
                    .spacing(10),
                );
            }
        }
        scrollable(c).height(Fill).into()
    }
}
