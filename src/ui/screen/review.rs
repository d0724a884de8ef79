//! The review queue (审单): the orders not printed yet, by where they stand — ready, held,
//! unpaid, a merchant code the catalogue does not know, nothing left to ship — with counts and
//! a filter; an order chosen is held (reason and note) or released, and an unpaid one paid by
//! bank transfer (汇款) let through. The same flows as `packbench review …`.

use super::orders::HoldChoice;
use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::Permission;
use crate::domain::review::HoldReason;
use crate::flow;
use crate::flow::catalog::{LineMatched, LineToMatch};
use crate::flow::review::Readiness;
use crate::scan::Scan;
use crate::store::{BenchOrder, ProductHit, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, S, st};
use crate::ui::job::{Failure, Job};
use crate::ui::pictures::Pictures;
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, text, text_input};
use iced::{Element, Fill, FillPortion};

/// The filters, by readiness code (`None`: every order).
pub const FILTERS: [Option<&str>; 7] = [
    None,
    Some("ready"),
    Some("held"),
    Some("refund"),
    Some("unpaid"),
    Some("unresolved"),
    Some("nothing_to_ship"),
];

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    Refresh,
    Loaded(Result<Vec<(BenchOrder, Readiness)>, Failure>),
    Filter(Option<&'static str>),
    Page(usize),
    Select(String),
    HoldReasonPicked(HoldChoice),
    HoldNoteChanged(String),
    Hold,
    Release,
    TransferNoteChanged(String),
    ShipUnpaid,
    ReceiverNameChanged(String),
    ReceiverPhoneChanged(String),
    ReceiverAddressChanged(String),
    /// Correct the receiver of the chosen order (before printing).
    CorrectReceiver,
    CourierChanged(String),
    /// The chosen order must go by the courier typed (any, when empty).
    SetCourier,
    Changed(Result<Bi, Failure>),
    /// Which line of the chosen order is being matched to a product (its number from 1).
    MatchLine(usize),
    MatchQueryChanged(String),
    /// Products found for the line being matched (for the search it answers).
    MatchFound(u64, Result<(Vec<ProductHit>, i64), Failure>),
    /// Match the line to this product (merchant code).
    Match(String),
    Matched(Result<LineMatched, Failure>),
}

/// Products shown for a line to match: enough to choose from by picture, few enough to see.
pub const MATCH_HITS: usize = 8;

#[derive(Default)]
pub struct State {
    pub orders: Vec<(BenchOrder, Readiness)>,
    pub filter: Option<&'static str>,
    pub page: usize,
    pub selected: Option<String>,
    pub hold_reason: Option<HoldReason>,
    pub hold_note: String,
    /// The note of a paid-by-transfer release (默认 汇款).
    pub transfer_note: String,
    /// The chosen order's receiver as being corrected: name, phone, address.
    pub receiver: (String, String, String),
    /// The courier the chosen order must go by, as being typed.
    pub courier: String,
    /// Orders per filter, counted once when the queue is read (not at every frame).
    pub counts: [usize; FILTERS.len()],
    /// The chosen order's lines whose merchant code is empty or unknown (or matched by hand).
    pub to_match: Vec<LineToMatch>,
    /// The line being matched, by number.
    pub match_line: Option<usize>,
    pub match_query: String,
    pub match_asked: u64,
    pub match_hits: Vec<ProductHit>,
    /// The search to try when the first one (title and spec) finds nothing: the title alone.
    pub match_fallback: Option<String>,
    pub pictures: Pictures,
}

/// Orders read at most: the queue of a shop's day, not its history (the print screen's ready
/// count reads as many).
pub const QUEUE: usize = 100_000;

impl State {
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::review::review_list(s, &actor, QUEUE),
            Message::Loaded,
        ))
    }

    fn shown(&self) -> impl Iterator<Item = &(BenchOrder, Readiness)> {
        self.orders
            .iter()
            .filter(|(_, r)| self.filter.is_none_or(|f| r.code() == f))
    }

    fn selected(&self) -> Option<&(BenchOrder, Readiness)> {
        let no = self.selected.as_deref()?;
        self.orders.iter().find(|(o, _)| o.order_no == no)
    }

    fn change(
        &self,
        ctx: Ctx<'_>,
        work: impl FnOnce(&mut Store, &crate::domain::Actor) -> crate::Result<()> + Send + 'static,
        said: Bi,
    ) -> Action<Message> {
        let actor = ctx.actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| work(s, &actor).map(|()| said),
            Message::Changed,
        ))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        match msg {
            // A scanned order number (or waybill) picks the order when it is in the queue.
            Message::Scanned(scan) => {
                let code = scan.code.trim().to_string();
                if self.orders.iter().any(|(o, _)| o.order_no == code) {
                    self.update(ctx, Message::Select(code))
                } else {
                    Action::notice(Notice::failed(Bi::s(S::NotInQueue))).with_sound(Sound::Error)
                }
            }
            Message::Refresh => self.opened(ctx),
            Message::Loaded(Ok(list)) => {
                self.orders = list;
                for (n, f) in self.counts.iter_mut().zip(FILTERS) {
                    *n = self
                        .orders
                        .iter()
                        .filter(|(_, r)| f.is_none_or(|f| r.code() == f))
                        .count();
                }
                Action::none()
            }
            Message::Loaded(Err(e)) => Action::error(&e),
            Message::Filter(f) => {
                self.filter = f;
                self.page = 0;
                Action::none()
            }
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::Select(no) => {
                if let Some((o, _)) = self.orders.iter().find(|(o, _)| o.order_no == no) {
                    self.receiver = (
                        o.receiver.name.clone(),
                        o.receiver.phone.clone(),
                        o.receiver.address.clone(),
                    );
                    self.courier = o.courier_wanted.clone().unwrap_or_default();
                }
                self.to_match =
                    flow::catalog::lines_to_match(ctx.store, ctx.actor, &no).unwrap_or_default();
                self.selected = Some(no);
                self.hold_note.clear();
                self.match_hits.clear();
                self.match_line = None;
                if let Some(first) = self.to_match.first().map(|l| l.line_no) {
                    return self.update(ctx, Message::MatchLine(first));
                }
                if self.transfer_note.is_empty() {
                    self.transfer_note = st(ctx.lang, S::TransferNoteDefault).to_string();
                }
                Action::none()
            }
            Message::HoldReasonPicked(c) => {
                self.hold_reason = Some(c.reason);
                Action::none()
            }
            Message::HoldNoteChanged(n) => {
                self.hold_note = n;
                Action::none()
            }
            Message::ReceiverNameChanged(v) => {
                self.receiver.0 = v;
                Action::none()
            }
            Message::ReceiverPhoneChanged(v) => {
                self.receiver.1 = v;
                Action::none()
            }
            Message::ReceiverAddressChanged(v) => {
                self.receiver.2 = v;
                Action::none()
            }
            Message::CorrectReceiver => {
                let Some(no) = self.selected.clone() else {
                    return Action::none();
                };
                let (name, phone, address) = self.receiver.clone();
                let said = {
                    let no = no.clone();
                    Bi::with(move |l| format!("{no} {}", st(l, S::ReceiverCorrected)))
                };
                self.change(
                    ctx,
                    move |s, a| {
                        flow::orders::correct_receiver(s, a, &no, &name, &phone, &address)
                            .map(|_| ())
                    },
                    said,
                )
            }
            Message::CourierChanged(c) => {
                self.courier = c;
                Action::none()
            }
            Message::SetCourier => {
                let Some(no) = self.selected.clone() else {
                    return Action::none();
                };
                let courier = self.courier.trim().to_string();
                let said = {
                    let no = no.clone();
                    let c = courier.clone();
                    Bi::with(move |l| {
                        if c.is_empty() {
                            format!("{no} {}", st(l, S::AnyCourier))
                        } else {
                            format!("{no} {c}: {}", st(l, S::CourierChosen))
                        }
                    })
                };
                self.change(
                    ctx,
                    move |s, a| flow::review::set_courier(s, a, &no, Some(&courier)),
                    said,
                )
            }
            Message::TransferNoteChanged(n) => {
                self.transfer_note = n;
                Action::none()
            }
            Message::Hold => {
                let (Some(no), Some(reason)) = (self.selected.clone(), self.hold_reason) else {
                    return Action::none();
                };
                let note = self.hold_note.clone();
                let said = {
                    let no = no.clone();
                    Bi::with(move |l| format!("{no} {}", st(l, S::OrderHeld)))
                };
                self.change(
                    ctx,
                    move |s, a| flow::review::hold(s, a, &no, reason, &note),
                    said,
                )
            }
            Message::Release => {
                let Some(no) = self.selected.clone() else {
                    return Action::none();
                };
                let said = {
                    let no = no.clone();
                    Bi::with(move |l| format!("{no} {}", st(l, S::OrderReleased)))
                };
                self.change(ctx, move |s, a| flow::review::release(s, a, &no), said)
            }
            Message::ShipUnpaid => {
                let Some(no) = self.selected.clone() else {
                    return Action::none();
                };
                let note = self.transfer_note.clone();
                let said = {
                    let no = no.clone();
                    Bi::with(move |l| format!("{no} {}", st(l, S::MayShipUnpaid)))
                };
                self.change(
                    ctx,
                    move |s, a| flow::review::ship_unpaid(s, a, &no, &note),
                    said,
                )
            }
            Message::Changed(Ok(said)) => {
                self.hold_note.clear();
                self.opened(ctx).with_notice(Notice::done(said))
            }
            Message::Changed(Err(e)) => self
                .opened(ctx)
                .with_notice(Notice::error(&e))
                .with_sound(Sound::Error),
            Message::MatchLine(n) => {
                let Some(l) = self.to_match.iter().find(|l| l.line_no == n) else {
                    return Action::none();
                };
                self.match_line = Some(n);
                // The listing's title and spec are where a search starts (the title alone when
                // the catalogue writes the spec otherwise); a word can be taken off by hand.
                self.match_query = match &l.matched {
                    Some(sku) => sku.clone(),
                    None => format!("{} {}", l.line.title, l.line.spec)
                        .trim()
                        .to_string(),
                };
                self.match_fallback =
                    (l.matched.is_none() && !l.line.spec.is_empty()).then(|| l.line.title.clone());
                self.match_search(ctx)
            }
            Message::MatchQueryChanged(q) => {
                self.match_query = q;
                self.match_fallback = None;
                self.match_search(ctx)
            }
            Message::MatchFound(asked, _) if asked != self.match_asked => Action::none(),
            Message::MatchFound(_, Ok((hits, _)))
                if hits.is_empty() && self.match_fallback.is_some() =>
            {
                self.match_query = self.match_fallback.take().unwrap_or_default();
                self.match_search(ctx)
            }
            Message::MatchFound(_, Ok((hits, _))) => {
                self.pictures.want(
                    ctx.store,
                    ctx.actor,
                    hits.iter()
                        .filter(|h| h.has_picture)
                        .map(|h| h.product.sku_code.as_str()),
                );
                self.match_hits = hits;
                Action::none()
            }
            Message::MatchFound(_, Err(e)) => Action::error(&e),
            Message::Match(sku) => {
                let (Some(no), Some(line)) = (self.selected.clone(), self.match_line) else {
                    return Action::none();
                };
                let actor = ctx.actor.clone();
                Action::job(Job::new(
                    move |s: &mut Store| flow::catalog::match_line(s, &actor, &no, line, &sku),
                    Message::Matched,
                ))
            }
            Message::Matched(Ok(m)) => {
                let said = Bi::with(|l| i18n::line_matched(l, &m));
                // The order's lines as they are now; another line left is chosen by a click.
                if let Some(no) = &self.selected {
                    self.to_match =
                        flow::catalog::lines_to_match(ctx.store, ctx.actor, no).unwrap_or_default();
                }
                self.match_line = None;
                self.match_hits.clear();
                self.opened(ctx).with_notice(Notice::done(said))
            }
            Message::Matched(Err(e)) => Action::error(&e),
        }
    }

    fn match_search(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.match_asked += 1;
        let asked = self.match_asked;
        let (actor, query) = (ctx.actor.clone(), self.match_query.clone());
        Action::job(Job::new(
            move |s: &mut Store| flow::catalog::search_products(s, &actor, &query, 0, MATCH_HITS),
            move |r| Message::MatchFound(asked, r),
        ))
    }

    /// The lines of the chosen order to match, the one being matched with products to choose.
    fn match_panel(&self, ctx: Ctx<'_>, may_change: bool) -> Option<Element<'_, Message>> {
        let lang = ctx.lang;
        if self.to_match.is_empty() {
            return None;
        }
        let mut p = Column::new().spacing(4);
        p = p.push(text(st(lang, S::MatchLines)).size(14).font(fonts::BOLD));
        for l in &self.to_match {
            let open = self.match_line == Some(l.line_no);
            let what = match &l.matched {
                Some(sku) => format!("{}{sku}", st(lang, S::MatchedBefore)),
                None => i18n::line_code(lang, &l.line.sku_code),
            };
            p = p.push(
                button(
                    text(format!(
                        "{}. {} · {} · ×{} · {what}",
                        l.line_no, l.line.title, l.line.spec, l.line.qty
                    ))
                    .size(14)
                    .wrapping(text::Wrapping::WordOrGlyph),
                )
                .width(Fill)
                .padding([2, 6])
                .style(if open {
                    button::primary
                } else {
                    button::secondary
                })
                .on_press(Message::MatchLine(l.line_no)),
            );
        }
        if self.match_line.is_some() && may_change {
            p = p.push(
                row![
                    text_input(st(lang, S::MatchSearchHint), &self.match_query)
                        .on_input(Message::MatchQueryChanged)
                        .width(Fill),
                    text(st(lang, S::CheckPicture)).size(14),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            );
            let mut hits = row![].spacing(8);
            for h in &self.match_hits {
                let pr = &h.product;
                hits = hits.push(
                    container(
                        Column::new()
                            .spacing(2)
                            .width(120)
                            .push(self.pictures.show(&pr.sku_code, 96.0))
                            .push(text(&pr.sku_code).size(13).font(fonts::BOLD))
                            .push(
                                text(format!("{} {}", pr.name, pr.spec))
                                    .size(12)
                                    .wrapping(text::Wrapping::WordOrGlyph),
                            )
                            .push(
                                button(text(st(lang, S::MatchThis)).size(14))
                                    .style(button::success)
                                    .on_press(Message::Match(pr.sku_code.clone())),
                            ),
                    )
                    .padding(4)
                    .style(container::bordered_box),
                );
            }
            if self.match_hits.is_empty() {
                p = p.push(text(st(lang, S::NoProductFound)).size(14));
            } else {
                // Room under the cards for the scroll bar, which would cover their buttons.
                p = p.push(
                    iced::widget::scrollable(container(hits).padding(iced::Padding {
                        bottom: 14.0,
                        ..iced::Padding::ZERO
                    }))
                    .direction(
                        iced::widget::scrollable::Direction::Horizontal(Default::default()),
                    ),
                );
            }
        }
        Some(p.into())
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let may_review = ctx.actor.require(Permission::ReviewOrders).is_ok();
        let may_transfer = ctx.actor.require(Permission::ShipUnpaid).is_ok();
        let may_change = ctx.actor.require(Permission::ChangeOrder).is_ok();
        let mut c = Column::new().spacing(8).padding(4);
        let mut filters = row![].spacing(6).align_y(iced::Alignment::Center);
        for (f, n) in FILTERS.into_iter().zip(self.counts) {
            filters = filters.push(
                button(text(format!("{} {n}", i18n::readiness(lang, f))).size(15))
                    .padding([4, 8])
                    .style(if self.filter == f {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::Filter(f)),
            );
        }
        filters = filters
            .push(button(text(st(lang, S::RefreshQueue)).size(15)).on_press(Message::Refresh));
        c = c.push(filters.wrap());
        if self.orders.len() >= QUEUE {
            // The counts are of the oldest orders only: said, so nobody reads them as all.
            c = c.push(
                container(text(i18n::queue_capped(lang, QUEUE)).size(14))
                    .padding(4)
                    .style(container::warning),
            );
        }

        if let Some((o, r)) = self.selected() {
            let mut panel = Column::new().spacing(6);
            panel = panel.push(
                text(format!(
                    "{} · {} · {} {} {}",
                    o.order_no, o.buyer, o.receiver.name, o.receiver.phone, o.receiver.address
                ))
                .font(bold)
                .wrapping(text::Wrapping::WordOrGlyph),
            );
            panel = panel.push(text(i18n::readiness_of(lang, r, o.hold_note.as_str())).size(14));
            if may_review {
                if matches!(r, Readiness::Held(_)) {
                    panel =
                        panel.push(button(text(st(lang, S::Release))).on_press(Message::Release));
                } else {
                    let reasons: Vec<HoldChoice> = HoldReason::ALL
                        .iter()
                        .map(|&reason| HoldChoice { reason, lang })
                        .collect();
                    panel = panel.push(
                        row![
                            pick_list(
                                reasons,
                                self.hold_reason.map(|reason| HoldChoice { reason, lang }),
                                Message::HoldReasonPicked
                            )
                            .placeholder(st(lang, S::HoldReasonPick)),
                            text_input(st(lang, S::HoldNote), &self.hold_note)
                                .on_input(Message::HoldNoteChanged)
                                .width(Fill),
                            button(text(st(lang, S::HoldOrder)))
                                .style(button::danger)
                                .on_press_maybe(self.hold_reason.map(|_| Message::Hold)),
                        ]
                        .spacing(8)
                        .align_y(iced::Alignment::Center),
                    );
                }
            }
            if may_change {
                let (name, phone, address) = &self.receiver;
                let changed = (name.as_str(), phone.as_str(), address.as_str())
                    != (
                        o.receiver.name.as_str(),
                        o.receiver.phone.as_str(),
                        o.receiver.address.as_str(),
                    );
                panel = panel.push(
                    row![
                        text_input(st(lang, S::ReceiverName), name)
                            .on_input(Message::ReceiverNameChanged)
                            .width(110),
                        text_input(st(lang, S::ReceiverPhone), phone)
                            .on_input(Message::ReceiverPhoneChanged)
                            .width(140),
                        text_input(st(lang, S::ReceiverAddress), address)
                            .on_input(Message::ReceiverAddressChanged)
                            .width(Fill),
                        button(text(st(lang, S::CorrectReceiver)))
                            .on_press_maybe(changed.then_some(Message::CorrectReceiver)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
            }
            if may_change {
                let wanted = o.courier_wanted.clone().unwrap_or_default();
                let typed = self.courier.trim();
                panel = panel.push(
                    row![
                        text_input(st(lang, S::CourierWanted), &self.courier)
                            .on_input(Message::CourierChanged)
                            .width(200),
                        button(text(st(
                            lang,
                            if typed.is_empty() {
                                S::AnyCourier
                            } else {
                                S::ChooseCourier
                            }
                        )))
                        .on_press_maybe((typed != wanted).then_some(Message::SetCourier)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
            }
            if let Some(m) = self.match_panel(ctx, may_change) {
                panel = panel.push(m);
            }
            if may_transfer && *r == Readiness::Unpaid {
                panel = panel.push(
                    row![
                        text_input(st(lang, S::TransferNoteDefault), &self.transfer_note)
                            .on_input(Message::TransferNoteChanged)
                            .width(200),
                        button(text(st(lang, S::ShipUnpaid)))
                            .style(button::success)
                            .on_press(Message::ShipUnpaid),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                );
            }
            c = c.push(
                container(panel)
                    .padding(8)
                    .width(Fill)
                    .style(container::rounded_box),
            );
        }

        let shown: Vec<&(BenchOrder, Readiness)> = self.shown().collect();
        let mut list = Column::new().spacing(2);
        if let Some(bar) = pager(self.page, shown.len(), Message::Page) {
            list = list.push(bar);
        }
        for (o, r) in shown.into_iter().skip(self.page * PAGE).take(PAGE) {
            let open = self.selected.as_deref() == Some(o.order_no.as_str());
            list = list.push(
                button(
                    row![
                        text(&o.order_no).size(14).width(FillPortion(3)),
                        text(format!("{} · {}", o.buyer, o.receiver.name))
                            .size(14)
                            .width(FillPortion(3)),
                        text(match &o.courier_wanted {
                            // 指定快递 shows in the queue: it decides which batch takes the order.
                            Some(c) => format!(
                                "{} · {c}",
                                i18n::readiness_of(lang, r, o.hold_note.as_str())
                            ),
                            None => i18n::readiness_of(lang, r, o.hold_note.as_str()),
                        })
                        .size(14)
                        .width(FillPortion(4)),
                    ]
                    .spacing(8),
                )
                .width(Fill)
                .padding([3, 6])
                .style(if open {
                    button::primary
                } else if *r == Readiness::Ready {
                    button::text
                } else {
                    button::secondary
                })
                .on_press(Message::Select(o.order_no.clone())),
            );
        }
        c.push(super::scroll(list.width(Fill)).height(Fill)).into()
    }
}
