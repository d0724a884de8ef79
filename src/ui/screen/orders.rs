//! The orders screen: find an order by number, tracking number, buyer or receiver; see its lines
//! and remarks; add a remark (append-only, with the signed-in staff code and an optional red
//! flag); hold or release it if the role may.

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::review::HoldReason;
use crate::domain::{OrderStatus, Permission};
use crate::flow;
use crate::scan::Scan;
use crate::store::{OrderRecord, OrderSummary, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, T, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, checkbox, container, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::fmt;

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    QueryChanged(String),
    StatusPicked(StatusChoice),
    Search,
    Found(Result<Vec<OrderSummary>, Failure>),
    Page(usize),
    Open(String),
    Back,
    RemarkChanged(String),
    FlagToggled(bool),
    AddRemark,
    HoldReasonPicked(HoldChoice),
    HoldNoteChanged(String),
    Hold,
    Release,
    /// A status to set by hand (a correction, with a reason).
    NewStatusPicked(StatusChoice),
    StatusReasonChanged(String),
    SetStatus,
    /// A remark, hold or release was stored: the order is read again.
    Changed(String, Result<(), Failure>),
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

#[derive(Default)]
pub struct State {
    pub query: String,
    pub status: Option<OrderStatus>,
    pub results: Vec<OrderSummary>,
    /// The page of `results` shown.
    pub page: usize,
    pub selected: Option<OrderRecord>,
    /// The selected order's refunds, exceptions, exchange and returns.
    pub after: flow::orders::AfterSale,
    pub remark: String,
    pub flag: bool,
    pub hold_reason: Option<HoldReason>,
    pub hold_note: String,
    /// The status being set by hand, and why.
    pub new_status: Option<OrderStatus>,
    pub status_reason: String,
    searched: bool,
    searching: bool,
}

impl State {
    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            Message::Scanned(scan) => {
                // A scan looks the code up (an order or tracking number).
                self.query = scan.code;
                self.search(ctx)
            }
            Message::QueryChanged(q) => {
                self.query = q;
                Action::none()
            }
            Message::StatusPicked(c) => {
                self.status = c.status;
                self.search(ctx)
            }
            Message::Search => self.search(ctx),
            Message::Found(r) => {
                self.searching = false;
                match r {
                    Ok(r) => {
                        self.results = r;
                        self.page = 0;
                        self.selected = None;
                        if self.results.len() == 1 {
                            let no = self.results[0].order.order_no.clone();
                            return self.open(ctx, &no);
                        }
                        Action::none().clear_notice()
                    }
                    Err(e) => Action::notice(Notice::failed(Bi::error(&e))),
                }
            }
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::Open(no) => self.open(ctx, &no),
            Message::Back => {
                self.selected = None;
                Action::none().clear_notice()
            }
            Message::RemarkChanged(r) => {
                self.remark = r;
                Action::none()
            }
            Message::FlagToggled(f) => {
                self.flag = f;
                Action::none()
            }
            Message::AddRemark => {
                let Some(no) = self.selected.as_ref().map(|r| r.order.order_no.clone()) else {
                    return Action::none();
                };
                let (text, flag) = (self.remark.clone(), self.flag);
                Action::job(Job::new(
                    {
                        let no = no.clone();
                        move |s: &mut Store| flow::orders::add_remark(s, &actor, &no, &text, flag)
                    },
                    move |r| Message::Changed(no, r),
                ))
            }
            Message::HoldReasonPicked(c) => {
                self.hold_reason = Some(c.reason);
                Action::none()
            }
            Message::HoldNoteChanged(n) => {
                self.hold_note = n;
                Action::none()
            }
            Message::Hold => {
                let (Some(no), Some(reason)) = (
                    self.selected.as_ref().map(|r| r.order.order_no.clone()),
                    self.hold_reason,
                ) else {
                    return Action::none();
                };
                let note = self.hold_note.clone();
                Action::job(Job::new(
                    {
                        let no = no.clone();
                        move |s: &mut Store| flow::review::hold(s, &actor, &no, reason, &note)
                    },
                    move |r| Message::Changed(no, r),
                ))
            }
            Message::Release => {
                let Some(no) = self.selected.as_ref().map(|r| r.order.order_no.clone()) else {
                    return Action::none();
                };
                Action::job(Job::new(
                    {
                        let no = no.clone();
                        move |s: &mut Store| flow::review::release(s, &actor, &no)
                    },
                    move |r| Message::Changed(no, r),
                ))
            }
            Message::NewStatusPicked(c) => {
                self.new_status = c.status;
                Action::none()
            }
            Message::StatusReasonChanged(r) => {
                self.status_reason = r;
                Action::none()
            }
            Message::SetStatus => {
                let (Some(no), Some(status)) = (
                    self.selected.as_ref().map(|r| r.order.order_no.clone()),
                    self.new_status,
                ) else {
                    return Action::none();
                };
                let reason = self.status_reason.clone();
                Action::job(Job::new(
                    {
                        let no = no.clone();
                        move |s: &mut Store| {
                            flow::orders::set_status(s, &actor, &no, status, &reason)
                        }
                    },
                    move |r| Message::Changed(no, r),
                ))
            }
            Message::Changed(no, Ok(())) => {
                self.remark.clear();
                self.flag = false;
                self.hold_note.clear();
                self.new_status = None;
                self.status_reason.clear();
                self.open(ctx, &no)
            }
            Message::Changed(_, Err(e)) => {
                Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
            }
        }
    }

    /// Searching a big store takes a moment: it runs as a job.
    fn search(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.searched = true;
        self.searching = true;
        let (actor, query, status) = (ctx.actor.clone(), self.query.clone(), self.status);
        Action::job(Job::new(
            move |s: &mut Store| flow::orders::search(s, &actor, &query, status, 200),
            Message::Found,
        ))
    }

    fn open(&mut self, ctx: Ctx<'_>, order_no: &str) -> Action<Message> {
        match flow::orders::show_order(ctx.store, ctx.actor, order_no) {
            Ok(r) => {
                let other = self
                    .selected
                    .as_ref()
                    .is_none_or(|s| s.order.order_no != r.order.order_no);
                if other {
                    // Words half typed belong to the order they were typed for: a scan that
                    // opens another order must not carry them to it.
                    self.remark.clear();
                    self.flag = false;
                    self.hold_reason = None;
                    self.hold_note.clear();
                }
                self.after =
                    flow::orders::after_sale(ctx.store, ctx.actor, order_no).unwrap_or_default();
                self.selected = Some(r);
                Action::none().clear_notice()
            }
            Err(e) => Action::notice(Notice::failed(Bi::error(&e))),
        }
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let (actor, lang) = (ctx.actor, ctx.lang);
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(8).padding(4);
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
            if self.searching {
                list = list.push(text(tr(lang, T::Working)).size(18));
            } else if self.searched && self.results.is_empty() {
                list = list.push(text(tr(lang, T::NoResults)).size(18));
            }
            if let Some(bar) = pager(self.page, self.results.len(), Message::Page) {
                list = list.push(bar);
            }
            if !self.results.is_empty() {
                // The columns named once, in the rows' proportions.
                list = list.push(
                    container(
                        row![
                            text(tr(lang, T::ColOrderNo)).width(iced::FillPortion(4)),
                            text(tr(lang, T::ColStatus)).width(iced::FillPortion(2)),
                            text(tr(lang, T::ColBuyer)).width(iced::FillPortion(3)),
                            text(tr(lang, T::Receiver)).width(iced::FillPortion(2)),
                            text(tr(lang, T::Tracking)).width(iced::FillPortion(3)),
                            text("").width(iced::FillPortion(2)),
                        ]
                        .spacing(8),
                    )
                    .padding([0, 10]),
                );
            }
            for s in self.results.iter().skip(self.page * PAGE).take(PAGE) {
                let o = &s.order;
                let held = s
                    .hold_reason
                    .as_ref()
                    .map(|_| format!("  [{}]", tr(lang, T::OnHold)))
                    .unwrap_or_default();
                list = list.push(
                    button(
                        row![
                            text(&o.order_no)
                                .width(iced::FillPortion(4))
                                .font(fonts::MONO),
                            text(i18n::status(lang, o.status)).width(iced::FillPortion(2)),
                            text(&o.buyer).width(iced::FillPortion(3)),
                            text(&o.receiver.name).width(iced::FillPortion(2)),
                            text(o.tracking_no.as_deref().unwrap_or(""))
                                .width(iced::FillPortion(3)),
                            text(held).width(iced::FillPortion(2)),
                        ]
                        .spacing(8),
                    )
                    .on_press(Message::Open(o.order_no.clone()))
                    .style(button::text)
                    .width(Fill),
                );
            }
            return c.push(super::scroll(list).height(Fill)).into();
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
            text(lang.label(
                tr(lang, T::Receiver),
                format!(
                    "{}  {}  {}",
                    o.receiver.name,
                    o.receiver.phone,
                    o.receiver.address.replace('\n', " ")
                ),
            ))
            .size(18),
        );
        if let Some(t) = &o.tracking_no {
            c = c.push(
                text(lang.label(
                    tr(lang, T::Tracking),
                    format!("{} {t}", o.courier.as_deref().unwrap_or("")),
                ))
                .size(18),
            );
        }
        if !o.buyer_message.is_empty() {
            c = c.push(text(lang.label(tr(lang, T::BuyerMessage), &o.buyer_message)).size(18));
        }
        if let Some(h) = &r.hold_reason {
            let words = HoldReason::from_code(h).map_or(h.as_str(), |x| i18n::hold_reason(lang, x));
            c = c.push(
                container(text(lang.label(tr(lang, T::OnHold), words)).size(20))
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
        for line in i18n::after_sale_lines(lang, &self.after) {
            c = c.push(container(text(line).size(16)).style(container::warning));
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
                        )
                        .placeholder(i18n::st(lang, i18n::S::Reason)),
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
        // A correction by hand (a Taobao status the export has not caught up with), with why.
        if actor.require(Permission::ChangeOrder).is_ok() {
            let statuses: Vec<StatusChoice> = OrderStatus::ALL
                .into_iter()
                .filter(|s| *s != r.order.status)
                .map(|s| StatusChoice {
                    status: Some(s),
                    lang,
                })
                .collect();
            let ready = self.new_status.is_some() && !self.status_reason.trim().is_empty();
            c = c.push(
                row![
                    pick_list(
                        statuses,
                        self.new_status.map(|s| StatusChoice {
                            status: Some(s),
                            lang
                        }),
                        Message::NewStatusPicked
                    )
                    .placeholder(i18n::st(lang, i18n::S::NewStatus)),
                    text_input(i18n::st(lang, i18n::S::StatusReason), &self.status_reason)
                        .on_input(Message::StatusReasonChanged)
                        .padding(6),
                    button(text(i18n::st(lang, i18n::S::SetStatus)))
                        .style(button::danger)
                        .on_press_maybe(ready.then_some(Message::SetStatus)),
                ]
                .spacing(10),
            );
        }
        super::scroll(c).height(Fill).into()
    }
}
