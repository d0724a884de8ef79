//! The stocktake screen (盘点): scan a bin label, then the items in it; the bin and the last count
//! in big type, red on a refused scan. A stock keeper sees the variance report, begins the
//! recount, and approves with a reason per line (or cancels).

use crate::domain::stock::AdjustReason;
use crate::domain::{Actor, Outcome, Permission, SessionId};
use crate::error::Error;
use crate::flow;
use crate::flow::stock::StockVerdict;
use crate::flow::stocktake::{Counting, Report};
use crate::store::Store;
use crate::ui::fonts;
use crate::ui::i18n::{self, Lang, S, T, st, tr};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, scrollable, text, text_input};
use iced::{Element, Fill};
use std::collections::HashMap;
use std::fmt;

const REASONS: [AdjustReason; 4] = [
    AdjustReason::Lost,
    AdjustReason::Damaged,
    AdjustReason::Found,
    AdjustReason::Miscount,
];

/// A reason as the pick lists show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonChoice {
    pub reason: AdjustReason,
    pub lang: Lang,
}

impl fmt::Display for ReasonChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(i18n::adjust_reason(self.lang, self.reason))
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    /// The session number was edited.
    SessionChanged(String),
    /// Count in the session typed.
    Open,
    /// The stock keeper asked for the variance report.
    ShowReport,
    BeginRecount,
    /// The reason for every line without its own.
    DefaultReasonPicked(ReasonChoice),
    /// The reason of one merchant code's lines.
    LineReasonPicked(String, ReasonChoice),
    Approve,
    Cancel,
}

#[derive(Default)]
pub struct State {
    pub session_text: String,
    counting: Option<Counting>,
    pub session_id: Option<SessionId>,
    pub blind: bool,
    /// The bin open at this terminal.
    pub bin: Option<String>,
    /// The last scan's verdict, and whether it was refused.
    pub last: Option<(String, bool)>,
    /// Units of the last product counted in the bin so far.
    pub last_count: Option<(String, i64, Option<i64>)>,
    pub report: Option<Report>,
    pub default_reason: Option<AdjustReason>,
    pub line_reasons: HashMap<String, AdjustReason>,
    pub notice: Option<(String, bool)>,
}

fn err(e: &Error, lang: Lang) -> (String, bool) {
    (lang.pick(&e.zh(), &e.to_string()).to_string(), true)
}

impl State {
    /// On sign-in: the newest open session is offered.
    pub fn start(&mut self, store: &Store, actor: &Actor) {
        if let Ok(list) = flow::stocktake::list(store, actor, 20) {
            if let Some(s) = list.iter().find(|s| s.state.is_open()) {
                self.session_text = s.id.to_string();
            }
        }
    }

    fn open(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        self.notice = None;
        let id = match self.session_text.parse::<SessionId>() {
            Ok(id) => id,
            Err(e) => {
                self.notice = Some(err(&e.into(), lang));
                return;
            }
        };
        match Counting::start(store, actor.clone(), id) {
            Ok(c) => {
                self.bin = c.bin().map(str::to_string);
                self.counting = Some(c);
                self.session_id = Some(id);
                self.blind = store
                    .read()
                    .stocktake(id)
                    .ok()
                    .flatten()
                    .is_none_or(|s| s.blind);
                self.last = None;
                self.last_count = None;
                self.report = None;
                self.line_reasons.clear();
            }
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    pub fn update(&mut self, store: &mut Store, actor: &Actor, lang: Lang, msg: Message) {
        match msg {
            Message::SessionChanged(t) => self.session_text = t,
            Message::Open => self.open(store, actor, lang),
            Message::ShowReport => self.load_report(store, actor, lang),
            Message::BeginRecount => {
                let Some(id) = self.session_id else { return };
                match flow::stocktake::begin_recount(store, actor, id) {
                    Ok(lines) => {
                        self.notice = Some((
                            format!("{}: {}", st(lang, S::AwaitingRecount), lines.len()),
                            false,
                        ));
                        // Counting goes on in round 2.
                        self.open(store, actor, lang);
                        self.load_report(store, actor, lang);
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
            Message::DefaultReasonPicked(c) => self.default_reason = Some(c.reason),
            Message::LineReasonPicked(sku, c) => {
                self.line_reasons.insert(sku, c.reason);
            }
            Message::Approve => {
                let Some(id) = self.session_id else { return };
                match flow::stocktake::approve(
                    store,
                    actor,
                    id,
                    self.default_reason,
                    &self.line_reasons,
                ) {
                    Ok(r) => {
                        self.notice = Some((
                            format!(
                                "{id} {} · {} {}",
                                st(lang, S::Approve),
                                r.variances().count(),
                                st(lang, S::Variance)
                            ),
                            false,
                        ));
                        self.report = Some(r);
                        self.counting = None;
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
            Message::Cancel => {
                let Some(id) = self.session_id else { return };
                match flow::stocktake::cancel(store, actor, id) {
                    Ok(()) => {
                        self.notice = Some((format!("{id} {}", st(lang, S::Cancel)), false));
                        self.counting = None;
                        self.report = None;
                    }
                    Err(e) => self.notice = Some(err(&e, lang)),
                }
            }
        }
    }

    fn load_report(&mut self, store: &Store, actor: &Actor, lang: Lang) {
        let Some(id) = self.session_id else { return };
        match flow::stocktake::report(store, actor, id) {
            Ok(r) => self.report = Some(r),
            Err(e) => self.notice = Some(err(&e, lang)),
        }
    }

    /// A scan: a bin label or an item of the open bin.
    pub fn scan(&mut self, store: &mut Store, code: &str, lang: Lang) -> Option<Sound> {
        let Some(counting) = self.counting.as_mut() else {
            // A scan must never vanish without a word.
            self.notice = Some((st(lang, S::OpenSessionFirst).to_string(), true));
            return Some(Sound::Error);
        };
        match counting.scan(store, code) {
            Ok(Some(v)) => Some(self.apply(&v, lang)),
            Ok(None) => None,
            Err(e) => {
                self.last = Some(err(&e, lang));
                Some(Sound::Error)
            }
        }
    }

    fn apply(&mut self, v: &StockVerdict, lang: Lang) -> Sound {
        self.last = Some((i18n::outcome(lang, &v.outcome), v.is_error()));
        match &v.outcome {
            Outcome::BinOpened { bin, .. } => {
                self.bin = Some(bin.clone());
                self.last_count = None;
            }
            Outcome::Counted {
                sku,
                so_far,
                expected,
                ..
            } => {
                self.last_count = Some((sku.clone(), *so_far, *expected));
            }
            _ => {}
        }
        Sound::of(v.tone())
    }

    pub fn view(&self, actor: &Actor, lang: Lang) -> Element<'_, Message> {
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(10).padding(12);
        c = c.push(super::notice_slot(self.notice.as_ref()));
        c = c.push(
            row![
                text(st(lang, S::Session)).size(20),
                text_input("S1", &self.session_text)
                    .on_input(Message::SessionChanged)
                    .on_submit(Message::Open)
                    .width(160),
                button(text(st(lang, S::Open))).on_press(Message::Open),
            ]
            .spacing(10),
        );
        if let Some(id) = self.session_id {
            let prompt = match &self.bin {
                None => st(lang, S::ScanBin).to_string(),
                Some(b) => format!("{id}  {}  {b}", tr(lang, T::ColBin)),
            };
            c = c.push(
                container(text(prompt).size(48).font(bold))
                    .padding(14)
                    .width(Fill)
                    .style(container::bordered_box),
            );
            if self.bin.is_some() {
                c = c.push(text(st(lang, S::ScanItems)).size(18));
            }
            if let Some((sku, n, expected)) = &self.last_count {
                let line = match expected {
                    Some(e) => format!("{sku}  ×{n}  ({} {e})", st(lang, S::Expected)),
                    None => format!("{sku}  ×{n}"),
                };
                c = c.push(text(line).size(40).font(bold));
            }
            if self.blind {
                c = c.push(text(st(lang, S::Blind)).size(14));
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
        }
        if self.session_id.is_some() && actor.require(Permission::Stocktake).is_ok() {
            let choices: Vec<ReasonChoice> = REASONS
                .iter()
                .map(|&reason| ReasonChoice { reason, lang })
                .collect();
            c = c.push(
                row![
                    button(text(st(lang, S::Report))).on_press(Message::ShowReport),
                    button(text(st(lang, S::Recount))).on_press(Message::BeginRecount),
                    text(st(lang, S::DefaultReason)),
                    pick_list(
                        choices.clone(),
                        self.default_reason
                            .map(|reason| ReasonChoice { reason, lang }),
                        Message::DefaultReasonPicked,
                    ),
                    button(text(st(lang, S::Approve)))
                        .style(button::success)
                        .on_press(Message::Approve),
                    button(text(st(lang, S::Cancel)))
                        .style(button::danger)
                        .on_press(Message::Cancel),
                ]
                .spacing(10),
            );
            if let Some(r) = &self.report {
                c = c.push(self.report_view(r, &choices, lang));
            }
        }
        c.into()
    }

    fn report_view<'a>(
        &'a self,
        r: &'a Report,
        choices: &[ReasonChoice],
        lang: Lang,
    ) -> Element<'a, Message> {
        let mut table = Column::new().spacing(4).push(text(format!(
            "{} · {} · {} {}",
            r.session.id,
            r.session.pattern,
            r.lines.len(),
            tr(lang, T::Lines)
        )));
        table = table.push(
            row![
                text(tr(lang, T::ColBin)).width(110),
                text(tr(lang, T::ColSku)).width(200),
                text(st(lang, S::Expected)).width(90),
                text(st(lang, S::Counted)).width(90),
                text(st(lang, S::Variance)).width(90),
                text(st(lang, S::Reason)).width(Fill),
            ]
            .spacing(10),
        );
        let awaiting: Vec<&(String, String)> = r.awaiting_recount.iter().collect();
        let mut any = false;
        for l in r.variances() {
            any = true;
            let waiting = awaiting
                .iter()
                .any(|(b, s)| *b == l.bin && *s == l.sku_code);
            let sku = l.sku_code.clone();
            table = table.push(
                container(
                    row![
                        text(&l.bin).width(110),
                        text(&l.sku_code).width(200),
                        text(l.expected.to_string()).width(90),
                        text(l.counted.to_string()).width(90),
                        text(format!("{:+}", l.variance)).width(90),
                        pick_list(
                            choices.to_vec(),
                            self.line_reasons
                                .get(&l.sku_code)
                                .map(|&reason| ReasonChoice { reason, lang }),
                            move |c| Message::LineReasonPicked(sku.clone(), c),
                        ),
                        text(if waiting {
                            st(lang, S::AwaitingRecount)
                        } else {
                            ""
                        }),
                    ]
                    .spacing(10),
                )
                .padding([2, 8])
                .width(Fill)
                .style(if waiting {
                    container::warning
                } else {
                    container::bordered_box
                }),
            );
        }
        if !any {
            table = table.push(text(st(lang, S::NoVariance)).size(18));
        }
        scrollable(table).height(Fill).into()
    }
}
