//! The stock screen (库存): find a product by merchant code or barcode (or scan it) and see its
//! stock per bin and its ledger; the low-stock and dead-stock lists beside. The stock keeper
//! also writes outbound notes (出库单: products scanned or typed, a reason, shown and confirmed
//! before stock is written off) and discontinues a product (asked first; its bin freed).

use super::{Action, Ctx, Notice};
use crate::domain::Permission;
use crate::domain::stock::IssueReason;
use crate::flow;
use crate::flow::stock::{DEFAULT_LOW_BELOW, Discontinued, IssueDone, IssueLine, StockShow};
use crate::scan::Scan;
use crate::store::{StockLevel, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::pictures::Pictures;
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, text, text_input};
use iced::{Element, Fill};
use std::fmt;

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
    /// The outbound-note panel: open or closed.
    IssuePanel,
    IssueReasonPicked(ReasonChoice),
    IssueNoteChanged(String),
    /// `SKU` or `SKU=QTY` typed for the note.
    IssueTyped(String),
    IssueAdd,
    IssueRemove(usize),
    /// 出库: first see what it will write off.
    IssueAsk,
    IssueConfirm,
    IssueKeep,
    Issued(Result<IssueDone, Failure>),
    /// 停用: first see what it will do.
    AskDiscontinue,
    ConfirmDiscontinue,
    KeepProduct,
    Discontinued(Result<Vec<Discontinued>, Failure>),
}

/// An outbound reason as the pick list shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonChoice {
    pub reason: IssueReason,
    pub lang: i18n::Lang,
}

impl fmt::Display for ReasonChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(i18n::words(self.lang, &self.reason))
    }
}

/// An outbound note being written: its lines (merchant code, name, quantity).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueDraft {
    pub reason: Option<IssueReason>,
    pub note: String,
    pub lines: Vec<(String, String, i64)>,
    pub typed: String,
    /// The confirmation is shown.
    pub asking: bool,
}

#[derive(Default)]
pub struct State {
    pub query: String,
    pub shown: Option<StockShow>,
    pub low: Vec<StockLevel>,
    pub dead: Vec<StockLevel>,
    /// How many of each list are drawn.
    pub listed: usize,
    pub issue: Option<IssueDraft>,
    /// The product shown is about to be discontinued, waiting for the second click.
    pub discontinue_ask: bool,
    pub pictures: Pictures,
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
                self.pictures
                    .want(ctx.store, ctx.actor, [s.record.product.sku_code.as_str()]);
                self.shown = Some(s);
                Action::none().clear_notice()
            }
            Err(e) => {
                self.shown = None;
                Action::notice(Notice::failed(Bi::error(&e))).with_sound(Sound::Error)
            }
        }
    }

    /// Adds `qty` of the product `key` names to the note being written.
    fn add_line(&mut self, ctx: Ctx<'_>, key: &str, qty: i64) -> Action<Message> {
        let Some(draft) = &mut self.issue else {
            return Action::none();
        };
        match flow::products::show_product(ctx.store, ctx.actor, key.trim()) {
            Ok(r) => {
                let p = r.product;
                draft.asking = false;
                match draft.lines.iter_mut().find(|l| l.0 == p.sku_code) {
                    Some(l) => l.2 += qty,
                    None => draft
                        .lines
                        .push((p.sku_code, format!("{} {}", p.name, p.spec), qty)),
                }
                Action::none().clear_notice().with_sound(Sound::Ok)
            }
            Err(e) => Action::error(&e),
        }
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            // With a note open, a scan is one more unit of it; else it looks the product up.
            Message::Scanned(scan) if self.issue.is_some() => self.add_line(ctx, &scan.code, 1),
            Message::Scanned(scan) => {
                self.query = scan.code.clone();
                self.discontinue_ask = false;
                self.show(ctx, &scan.code)
            }
            Message::IssuePanel => {
                self.issue = match self.issue {
                    Some(_) => None,
                    None => Some(IssueDraft::default()),
                };
                Action::none()
            }
            Message::IssueReasonPicked(c) => {
                if let Some(d) = &mut self.issue {
                    d.reason = Some(c.reason);
                    d.asking = false;
                }
                Action::none()
            }
            Message::IssueNoteChanged(n) => {
                if let Some(d) = &mut self.issue {
                    d.note = n;
                }
                Action::none()
            }
            Message::IssueTyped(t) => {
                if let Some(d) = &mut self.issue {
                    d.typed = t;
                }
                Action::none()
            }
            Message::IssueAdd => {
                let Some(typed) = self.issue.as_ref().map(|d| d.typed.trim().to_string()) else {
                    return Action::none();
                };
                if typed.is_empty() {
                    return Action::none();
                }
                let line = if typed.contains('=') {
                    match flow::stock::parse_issue_line(&typed) {
                        Ok(l) => l,
                        Err(e) => return Action::error(&e),
                    }
                } else {
                    IssueLine { sku: typed, qty: 1 }
                };
                let a = self.add_line(ctx, &line.sku, line.qty);
                // Added: the field is free for the next; refused: what was typed stays.
                if a.sound == Some(Sound::Ok)
                    && let Some(d) = &mut self.issue
                {
                    d.typed.clear();
                }
                a
            }
            Message::IssueRemove(i) => {
                if let Some(d) = &mut self.issue
                    && i < d.lines.len()
                {
                    d.lines.remove(i);
                    d.asking = false;
                }
                Action::none()
            }
            Message::IssueAsk => {
                if let Some(d) = &mut self.issue {
                    if d.reason.is_none() {
                        return Action::notice(Notice::failed(Bi::s(S::IssueReasonFirst)))
                            .with_sound(Sound::Error);
                    }
                    d.asking = !d.lines.is_empty();
                }
                Action::none()
            }
            Message::IssueKeep => {
                if let Some(d) = &mut self.issue {
                    d.asking = false;
                }
                Action::none()
            }
            Message::IssueConfirm => {
                let Some(d) = self.issue.as_ref().filter(|d| d.asking) else {
                    return Action::none();
                };
                let Some(reason) = d.reason else {
                    return Action::none();
                };
                let lines: Vec<IssueLine> = d
                    .lines
                    .iter()
                    .map(|(sku, _, qty)| IssueLine {
                        sku: sku.clone(),
                        qty: *qty,
                    })
                    .collect();
                let note = d.note.clone();
                Action::job(Job::new(
                    move |s: &mut Store| flow::stock::issue(s, &actor, reason, &lines, &note),
                    Message::Issued,
                ))
            }
            Message::Issued(Ok(done)) => {
                self.issue = None;
                let units: i64 = done.lines.iter().map(|l| l.2).sum();
                let (id, kinds) = (done.issue_id, done.lines.len());
                // The product shown and the low and dead lists as they are now.
                let shown = self
                    .shown
                    .as_ref()
                    .map(|s| s.record.product.sku_code.clone());
                if let Some(sku) = shown {
                    let _ = self.show(ctx, &sku);
                }
                self.opened(ctx).with_notice(Notice::done(Bi::with(|l| {
                    i18n::issued(l, id, kinds, units)
                })))
            }
            Message::Issued(Err(e)) => Action::error(&e),
            Message::AskDiscontinue => {
                self.discontinue_ask = self.shown.is_some();
                Action::none()
            }
            Message::KeepProduct => {
                self.discontinue_ask = false;
                Action::none()
            }
            Message::ConfirmDiscontinue => {
                let Some(sku) = self
                    .shown
                    .as_ref()
                    .filter(|_| self.discontinue_ask)
                    .map(|s| s.record.product.sku_code.clone())
                else {
                    return Action::none();
                };
                self.discontinue_ask = false;
                Action::job(Job::new(
                    move |s: &mut Store| flow::stock::discontinue(s, &actor, &[sku]),
                    Message::Discontinued,
                ))
            }
            Message::Discontinued(Ok(done)) => {
                let text = Bi::with(|l| i18n::discontinued(l, &done));
                let sku = done.first().map(|d| d.sku_code.clone()).unwrap_or_default();
                let _ = self.show(ctx, &sku);
                self.opened(ctx).with_notice(Notice::done(text))
            }
            Message::Discontinued(Err(e)) => Action::error(&e),
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
        let may_keep = ctx.actor.require(Permission::ManageStock).is_ok();
        let mut c = Column::new().spacing(8).padding(4);
        c = c.push(
            row![
                text_input(st(lang, S::StockHint), &self.query)
                    .on_input(Message::QueryChanged)
                    .on_submit(Message::Search)
                    .width(Fill),
                button(text(tr(lang, T::Search))).on_press(Message::Search),
            ]
            .push(may_keep.then(|| {
                button(text(st(lang, S::IssuePanel)))
                    .style(if self.issue.is_some() {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::IssuePanel)
            }))
            .spacing(10),
        );
        if let Some(d) = &self.issue {
            c = c.push(self.issue_view(d, lang));
        }
        let mut product = Column::new().spacing(6).width(Fill);
        if let Some(s) = &self.shown {
            let p = &s.record.product;
            let head = text(format!(
                "{}  {} {}  · {} {}",
                p.sku_code,
                p.name,
                p.spec,
                st(lang, S::OnHand),
                s.record.on_hand
            ))
            .size(24)
            .font(bold);
            let head: Element<'_, Message> = if self.pictures.has(&p.sku_code) {
                row![self.pictures.show(&p.sku_code, 96.0), head]
                    .spacing(12)
                    .align_y(iced::Alignment::Center)
                    .into()
            } else {
                head.into()
            };
            product = product.push(container(head).padding(8).width(Fill).style(
                if s.record.on_hand < 0 {
                    container::danger
                } else {
                    container::bordered_box
                },
            ));
            if may_keep && p.state == crate::domain::ProductState::Active {
                product = product.push(if self.discontinue_ask {
                    container(
                        row![
                            text(i18n::discontinue_ask(lang, p, s.record.on_hand))
                                .size(15)
                                .width(Fill),
                            button(text(st(lang, S::ConfirmDiscontinue)))
                                .style(button::danger)
                                .on_press(Message::ConfirmDiscontinue),
                            button(text(st(lang, S::KeepProduct))).on_press(Message::KeepProduct),
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    )
                    .padding(6)
                    .style(container::warning)
                } else {
                    container(
                        button(text(st(lang, S::Discontinue)).size(14))
                            .style(button::secondary)
                            .on_press(Message::AskDiscontinue),
                    )
                });
            } else if p.state != crate::domain::ProductState::Active {
                product = product.push(
                    container(text(st(lang, S::ProductDiscontinued)).size(15))
                        .padding(4)
                        .style(container::warning),
                );
            }
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

    /// The outbound note being written: reason, note, its lines; the confirmation says what
    /// will leave before anything does.
    fn issue_view<'a>(&'a self, d: &'a IssueDraft, lang: i18n::Lang) -> Element<'a, Message> {
        let reasons: Vec<ReasonChoice> =
            [IssueReason::Damage, IssueReason::Sample, IssueReason::Other]
                .into_iter()
                .map(|reason| ReasonChoice { reason, lang })
                .collect();
        let mut c = Column::new().spacing(6);
        c = c.push(
            row![
                pick_list(
                    reasons,
                    d.reason.map(|reason| ReasonChoice { reason, lang }),
                    Message::IssueReasonPicked
                )
                .placeholder(st(lang, S::IssueReason)),
                text_input(st(lang, S::IssueNote), &d.note)
                    .on_input(Message::IssueNoteChanged)
                    .width(Fill),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        );
        c = c.push(
            row![
                text_input(st(lang, S::IssueLineHint), &d.typed)
                    .on_input(Message::IssueTyped)
                    .on_submit(Message::IssueAdd)
                    .width(Fill),
                button(text(st(lang, S::Add))).on_press(Message::IssueAdd),
            ]
            .spacing(8),
        );
        for (i, (sku, name, qty)) in d.lines.iter().enumerate() {
            c = c.push(
                row![
                    text(format!("{sku}  {name}")).size(14).width(Fill),
                    text(format!("×{qty}")).size(16),
                    button(text(st(lang, S::RemoveLine)).size(13))
                        .padding([2, 8])
                        .style(button::secondary)
                        .on_press(Message::IssueRemove(i)),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
        }
        if d.asking {
            let units: i64 = d.lines.iter().map(|l| l.2).sum();
            let reason = d.reason.map(|r| i18n::words(lang, &r)).unwrap_or_default();
            c = c.push(
                container(
                    row![
                        text(i18n::issue_ask(lang, d.lines.len(), units, reason))
                            .size(15)
                            .width(Fill),
                        button(text(st(lang, S::IssueConfirm)))
                            .style(button::danger)
                            .on_press(Message::IssueConfirm),
                        button(text(st(lang, S::DontIssue))).on_press(Message::IssueKeep),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding(6)
                .style(container::warning),
            );
        } else {
            c = c.push(
                button(text(st(lang, S::IssueNow)))
                    .style(button::success)
                    .on_press_maybe((!d.lines.is_empty()).then_some(Message::IssueAsk)),
            );
        }
        container(c)
            .padding(8)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }
}
