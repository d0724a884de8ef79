//! The stocktake screen (盘点): scan a bin label, then the items in it; the bin and the last count
//! in big type, red on a refused scan. A stock keeper sees the variance report, begins the
//! recount, and approves with a reason per line (or cancels).

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::stock::AdjustReason;
use crate::domain::{Outcome, Permission, SessionId};
use crate::flow;
use crate::flow::stock::StockVerdict;
use crate::flow::stocktake::{Counting, Report};
use crate::scan::Scan;
use crate::store::{StocktakeRow, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{Column, button, container, pick_list, row, scrollable, text, text_input};
use iced::{Element, Fill};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

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
    Scanned(Scan),
    /// The open sessions, read at sign-in and after each change.
    Sessions(Result<Vec<StocktakeRow>, Failure>),
    /// A session number typed.
    SessionChanged(String),
    /// Count in the session typed.
    Open,
    /// Count in this session (from the list).
    OpenId(SessionId),
    Judged(Result<Option<StockVerdict>, Failure>),
    /// The stock keeper asked for the variance report.
    ShowReport,
    Reported(Result<Report, Failure>),
    Page(usize),
    BeginRecount,
    Recounting(Result<Vec<(String, String)>, Failure>),
    /// The reason for every line without its own.
    DefaultReasonPicked(ReasonChoice),
    /// The reason of one merchant code's lines.
    LineReasonPicked(String, ReasonChoice),
    /// 审核配平: first see what it will write.
    AskApprove,
    ConfirmApprove,
    KeepCounting,
    Approved(Result<Report, Failure>),
    Cancel,
    ConfirmCancel,
    Cancelled(Result<(), Failure>),
}

/// What the keeper is asked to confirm before stock is written or a session dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    Approve,
    Cancel,
}

#[derive(Default)]
pub struct State {
    /// Typed session number (empty: the list offers the open ones).
    pub session_text: String,
    pub sessions: Vec<StocktakeRow>,
    /// Shared with the scan jobs, which run in order on the store worker: a bin label scanned
    /// just before an item is in force for that item.
    counting: Option<Arc<Mutex<Counting>>>,
    pub session_id: Option<SessionId>,
    pub blind: bool,
    /// The bin open at this terminal.
    pub bin: Option<String>,
    /// The last scan's verdict, and whether it was refused.
    pub last: Option<(Bi, bool)>,
    /// Units of the last product counted in the bin so far.
    pub last_count: Option<(String, i64, Option<i64>)>,
    /// What was counted in the open bin so far, merchant code and units, newest first.
    pub in_bin: Vec<(String, i64)>,
    pub report: Option<Report>,
    /// The page of the report's variances shown.
    pub page: usize,
    pub default_reason: Option<AdjustReason>,
    pub line_reasons: HashMap<String, AdjustReason>,
    pub asking: Option<Asking>,
    pub pending: usize,
    pub busy: usize,
}

fn failed(e: &Failure) -> Action<Message> {
    Action::notice(Notice::failed(Bi::error(e))).with_sound(Sound::Error)
}

impl State {
    /// On sign-in: the open sessions are listed.
    pub fn start(&mut self, ctx: Ctx<'_>) {
        if let Ok(list) = flow::stocktake::list(ctx.store, ctx.actor, 20) {
            self.sessions = list.into_iter().filter(|s| s.state.is_open()).collect();
        }
    }

    fn open(&mut self, ctx: Ctx<'_>, id: SessionId) -> Action<Message> {
        match Counting::start(ctx.store, ctx.actor.clone(), id) {
            Ok(c) => {
                // A new session starts with no bin of an earlier one in force.
                self.bin = c.bin().map(str::to_string);
                self.counting = Some(Arc::new(Mutex::new(c)));
                self.session_id = Some(id);
                self.session_text.clear();
                self.blind = ctx
                    .store
                    .read()
                    .stocktake(id)
                    .ok()
                    .flatten()
                    .is_none_or(|s| s.blind);
                self.last = None;
                self.last_count = None;
                self.in_bin.clear();
                self.report = None;
                self.page = 0;
                self.line_reasons.clear();
                self.default_reason = None;
                self.asking = None;
                Action::none().clear_notice()
            }
            Err(e) => failed(&std::sync::Arc::new(e)),
        }
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            Message::Scanned(scan) => self.scan(ctx, scan),
            Message::Sessions(Ok(list)) => {
                self.sessions = list.into_iter().filter(|s| s.state.is_open()).collect();
                Action::none()
            }
            Message::Sessions(Err(e)) => failed(&e),
            Message::SessionChanged(t) => {
                self.session_text = t;
                Action::none()
            }
            Message::Open => match self.session_text.trim().parse::<SessionId>() {
                Ok(id) => self.open(ctx, id),
                Err(e) => failed(&std::sync::Arc::new(e.into())),
            },
            Message::OpenId(id) => self.open(ctx, id),
            Message::Judged(r) => {
                self.pending = self.pending.saturating_sub(1);
                match r {
                    Ok(Some(v)) => {
                        let sound = self.apply(&v);
                        Action::none().with_sound(sound)
                    }
                    Ok(None) => Action::none(),
                    Err(e) => {
                        self.last = Some((Bi::error(&e), true));
                        Action::none().with_sound(Sound::Error)
                    }
                }
            }
            Message::ShowReport => self.load_report(&actor),
            Message::Reported(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        self.report = Some(r);
                        self.page = self.page.min(self.pages().saturating_sub(1));
                        Action::none()
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::Page(p) => {
                self.page = p;
                Action::none()
            }
            Message::BeginRecount => {
                let Some(id) = self.session_id else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::stocktake::begin_recount(s, &actor, id),
                    Message::Recounting,
                ))
            }
            Message::Recounting(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(lines) => {
                        let n = lines.len();
                        let Some(id) = self.session_id else {
                            return Action::none();
                        };
                        // Counting goes on in round 2.
                        let a = self.open(ctx, id);
                        let _ = a;
                        self.load_report(&actor)
                            .with_notice(Notice::done(Bi::with(|l| {
                                format!("{}: {n}", st(l, S::AwaitingRecount))
                            })))
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::DefaultReasonPicked(c) => {
                self.default_reason = Some(c.reason);
                Action::none()
            }
            Message::LineReasonPicked(sku, c) => {
                self.line_reasons.insert(sku, c.reason);
                Action::none()
            }
            Message::AskApprove => {
                self.asking = Some(Asking::Approve);
                if self.report.is_none() {
                    return self.load_report(&actor);
                }
                Action::none()
            }
            Message::KeepCounting => {
                self.asking = None;
                Action::none()
            }
            Message::ConfirmApprove => {
                self.asking = None;
                let Some(id) = self.session_id else {
                    return Action::none();
                };
                let (default, lines) = (self.default_reason, self.line_reasons.clone());
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::stocktake::approve(s, &actor, id, default, &lines),
                    Message::Approved,
                ))
            }
            Message::Approved(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        let id = r.session.id;
                        let n = r.variances().count();
                        self.report = Some(r);
                        self.counting = None;
                        self.bin = None;
                        self.sessions.retain(|s| s.id != id);
                        Action::notice(Notice::done(Bi::with(|l| {
                            format!("{id} {} · {n} {}", st(l, S::Approved), st(l, S::Variance))
                        })))
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::Cancel => {
                self.asking = Some(Asking::Cancel);
                Action::none()
            }
            Message::ConfirmCancel => {
                self.asking = None;
                let Some(id) = self.session_id else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| flow::stocktake::cancel(s, &actor, id),
                    Message::Cancelled,
                ))
            }
            Message::Cancelled(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(()) => {
                        let Some(id) = self.session_id.take() else {
                            return Action::none();
                        };
                        self.counting = None;
                        self.report = None;
                        self.bin = None;
                        self.sessions.retain(|s| s.id != id);
                        Action::notice(Notice::done(Bi::with(|l| {
                            format!("{id} {}", st(l, S::Cancelled))
                        })))
                    }
                    Err(e) => failed(&e),
                }
            }
        }
    }

    fn pages(&self) -> usize {
        self.report
            .as_ref()
            .map_or(0, |r| r.variances().count().div_ceil(PAGE))
    }

    /// The report of a big session takes a while: a job.
    fn load_report(&mut self, actor: &crate::domain::Actor) -> Action<Message> {
        let Some(id) = self.session_id else {
            return Action::none();
        };
        let actor = actor.clone();
        self.busy += 1;
        Action::job(Job::new(
            move |s: &mut Store| flow::stocktake::report(s, &actor, id),
            Message::Reported,
        ))
    }

    /// A scan: a session's barcode opens it; a bin label or an item of the open bin is counted.
    fn scan(&mut self, ctx: Ctx<'_>, scan: Scan) -> Action<Message> {
        let code = scan.code.trim();
        // A session's own barcode (or `S3`) opens it.
        if let Some(id) = SessionId::from_scan(code) {
            return self.open(ctx, id);
        }
        let Some(counting) = self.counting.clone() else {
            // A scan must never vanish without a word.
            return Action::notice(Notice::failed(Bi::s(S::OpenSessionFirst)))
                .with_sound(Sound::Error);
        };
        self.pending += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let mut c = counting.lock().unwrap_or_else(|e| e.into_inner());
                c.scan(s, &scan.code, scan.source.kind())
            },
            Message::Judged,
        ))
    }

    fn apply(&mut self, v: &StockVerdict) -> Sound {
        self.last = Some((Bi::new(v.outcome.zh(), v.outcome.en()), v.is_error()));
        match &v.outcome {
            Outcome::BinOpened { bin, .. } => {
                self.bin = Some(bin.clone());
                self.last_count = None;
                self.in_bin.clear();
            }
            Outcome::Counted {
                sku,
                so_far,
                expected,
                ..
            } => {
                self.last_count = Some((sku.clone(), *so_far, *expected));
                self.in_bin.retain(|(s, _)| s != sku);
                self.in_bin.insert(0, (sku.clone(), *so_far));
            }
            _ => {}
        }
        Sound::of(v.tone())
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let bold = fonts::BOLD;
        let mut c = Column::new().spacing(8).padding(4);
        let mut open = row![text(st(lang, S::Session)).size(18)]
            .spacing(8)
            .align_y(iced::Alignment::Center);
        for s in &self.sessions {
            let b = button(
                text(format!(
                    "{} {} · {}",
                    s.id,
                    s.pattern,
                    i18n::words(lang, &s.state)
                ))
                .size(15),
            )
            .padding([4, 8])
            .on_press(Message::OpenId(s.id));
            open = open.push(if Some(s.id) == self.session_id {
                b.style(button::primary)
            } else {
                b.style(button::secondary)
            });
        }
        open = open
            .push(
                text_input("S1", &self.session_text)
                    .on_input(Message::SessionChanged)
                    .on_submit(Message::Open)
                    .width(110),
            )
            .push(button(text(st(lang, S::Open))).on_press(Message::Open));
        if self.busy > 0 || self.pending > 0 {
            open = open.push(
                container(text(tr(lang, T::Working)).size(14))
                    .padding(4)
                    .style(container::warning),
            );
        }
        c = c.push(open.wrap());
        if let Some(id) = self.session_id {
            let prompt = match &self.bin {
                None => st(lang, S::ScanBin).to_string(),
                Some(b) => format!("{id}  {}  {b}", tr(lang, T::ColBin)),
            };
            c = c.push(
                container(text(prompt).size(40).font(bold))
                    .padding(10)
                    .width(Fill)
                    .style(container::bordered_box),
            );
            if self.bin.is_some() {
                c = c.push(text(st(lang, S::ScanItems)).size(16));
            }
            if let Some((sku, n, expected)) = &self.last_count {
                let line = match expected {
                    Some(e) => format!("{sku}  ×{n}  ({} {e})", st(lang, S::Expected)),
                    None => format!("{sku}  ×{n}"),
                };
                c = c.push(text(line).size(34).font(bold));
            }
            if self.in_bin.len() > 1 {
                let so_far: Vec<String> = self
                    .in_bin
                    .iter()
                    .take(8)
                    .map(|(s, n)| format!("{s} ×{n}"))
                    .collect();
                c = c.push(text(lang.label(st(lang, S::InBinSoFar), so_far.join("  "))).size(15));
            }
            if self.blind {
                c = c.push(text(st(lang, S::Blind)).size(13));
            }
            if let Some((msg, error)) = &self.last {
                c = c.push(
                    container(text(msg.get(lang).to_string()).size(22))
                        .padding(6)
                        .width(Fill)
                        .style(if *error {
                            container::danger
                        } else {
                            container::success
                        }),
                );
            }
        }
        if self.session_id.is_some() && ctx.actor.require(Permission::Stocktake).is_ok() {
            let choices: Vec<ReasonChoice> = REASONS
                .iter()
                .map(|&reason| ReasonChoice { reason, lang })
                .collect();
            let idle = self.asking.is_none() && self.busy == 0;
            c = c.push(
                row![
                    button(text(st(lang, S::Report))).on_press(Message::ShowReport),
                    button(text(st(lang, S::Recount)))
                        .on_press_maybe(idle.then_some(Message::BeginRecount)),
                    text(st(lang, S::DefaultReason)),
                    pick_list(
                        choices.clone(),
                        self.default_reason
                            .map(|reason| ReasonChoice { reason, lang }),
                        Message::DefaultReasonPicked,
                    ),
                    button(text(st(lang, S::Approve)))
                        .style(button::success)
                        .on_press_maybe(idle.then_some(Message::AskApprove)),
                    button(text(st(lang, S::Cancel)))
                        .style(button::danger)
                        .on_press_maybe(idle.then_some(Message::Cancel)),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center)
                .wrap(),
            );
            if let Some(asking) = self.asking {
                c = c.push(self.asking_view(asking, lang));
            }
            if let Some(r) = &self.report {
                c = c.push(self.report_view(r, &choices, lang));
            }
        }
        c.into()
    }

    /// What 审核配平 or 取消盘点 will do, with the second button.
    fn asking_view(&self, asking: Asking, lang: Lang) -> Element<'_, Message> {
        let id = self.session_id.map(|i| i.to_string()).unwrap_or_default();
        let (words, confirm, go) = match asking {
            Asking::Approve => {
                let words = match &self.report {
                    None => st(lang, S::ReadingReport).to_string(),
                    Some(r) => {
                        let n = r.variances().count();
                        let net: i64 = r.variances().map(|l| l.variance).sum();
                        match lang {
                            Lang::Zh => format!(
                                "审核 {id}：{n} 行有差异，将写入库存调整（合计 {net:+} 件）。审核后不能撤销。"
                            ),
                            Lang::En => format!(
                                "Approve {id}: {n} lines differ and will be adjusted in stock ({net:+} units in all). This cannot be undone."
                            ),
                        }
                    }
                };
                (
                    words,
                    st(lang, S::ConfirmApprove),
                    self.report.is_some().then_some(Message::ConfirmApprove),
                )
            }
            Asking::Cancel => (
                match lang {
                    Lang::Zh => {
                        format!("取消盘点 {id}：已扫的数量作废，库存不调整，库位可以重新盘点。")
                    }
                    Lang::En => format!(
                        "Cancel stocktake {id}: the counts are dropped, no stock is adjusted, its bins are free again."
                    ),
                },
                st(lang, S::ConfirmCancel),
                Some(Message::ConfirmCancel),
            ),
        };
        container(
            row![
                text(words).size(16).width(Fill),
                button(text(confirm).size(16))
                    .padding(6)
                    .style(match asking {
                        Asking::Approve => button::success,
                        Asking::Cancel => button::danger,
                    })
                    .on_press_maybe(go),
                button(text(tr(lang, T::Back)).size(16))
                    .padding(6)
                    .style(button::secondary)
                    .on_press(Message::KeepCounting),
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center),
        )
        .padding(8)
        .width(Fill)
        .style(container::warning)
        .into()
    }

    fn report_view<'a>(
        &'a self,
        r: &'a Report,
        choices: &[ReasonChoice],
        lang: Lang,
    ) -> Element<'a, Message> {
        let variances = r.variances().count();
        let mut table = Column::new().spacing(4).push(text(format!(
            "{} · {} · {} {} · {} {}",
            r.session.id,
            r.session.pattern,
            r.lines.len(),
            tr(lang, T::Lines),
            variances,
            st(lang, S::Variance)
        )));
        // A 100,000-line report stays one screen of widgets.
        if let Some(bar) = pager(self.page, variances, Message::Page) {
            table = table.push(bar);
        }
        table = table.push(
            row![
                text(tr(lang, T::ColBin)).width(iced::FillPortion(2)),
                text(tr(lang, T::ColSku)).width(iced::FillPortion(3)),
                text(st(lang, S::Expected)).width(70),
                text(st(lang, S::Counted)).width(70),
                text(st(lang, S::Variance)).width(70),
                text(st(lang, S::Reason)).width(iced::FillPortion(3)),
            ]
            .spacing(8),
        );
        let mut any = false;
        for l in r.variances().skip(self.page * PAGE).take(PAGE) {
            any = true;
            let waiting = r
                .awaiting_recount
                .iter()
                .any(|(b, s)| *b == l.bin && *s == l.sku_code);
            let sku = l.sku_code.clone();
            table = table.push(
                container(
                    row![
                        text(&l.bin).width(iced::FillPortion(2)),
                        text(&l.sku_code).width(iced::FillPortion(3)),
                        text(l.expected.to_string()).width(70),
                        text(l.counted.to_string()).width(70),
                        text(format!("{:+}", l.variance)).width(70),
                        row![
                            pick_list(
                                choices.to_vec(),
                                self.line_reasons
                                    .get(&l.sku_code)
                                    .map(|&reason| ReasonChoice { reason, lang }),
                                move |c| Message::LineReasonPicked(sku.clone(), c),
                            )
                            .text_size(14),
                            text(if waiting {
                                st(lang, S::AwaitingRecount)
                            } else {
                                ""
                            })
                            .size(13),
                        ]
                        .spacing(4)
                        .width(iced::FillPortion(3)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center),
                )
                .padding([2, 6])
                .width(Fill)
                .style(if waiting {
                    container::warning
                } else {
                    container::bordered_box
                }),
            );
        }
        if !any {
            table = table.push(text(st(lang, S::NoVariance)).size(16));
        }
        scrollable(table).height(Fill).into()
    }
}
