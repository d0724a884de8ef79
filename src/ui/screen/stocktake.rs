//! The stocktake screen (盘点): scan a bin label, then the items in it; the bin and the last count
//! in big type (merchant code and name), what the bin holds so far, red on a refused scan; a
//! button marks the bin empty, another takes back the last count (both as the `EMPTY` and `UNDO`
//! scans). A stock keeper sees the variance report (lines of bins nobody counted marked), begins
//! the recount, and approves with a reason per line — told how many bins were not counted and
//! choosing whether they stay as they are (the default) or go to zero — or cancels.

use super::{Action, Ctx, Notice, PAGE, pager};
use crate::domain::stock::{AdjustReason, EMPTY_CODE, StocktakeState, UNDO_CODE, Uncounted};
use crate::domain::{Outcome, Permission, SessionId};
use crate::flow;
use crate::flow::stock::StockVerdict;
use crate::flow::stocktake::{Approval, Counting, Report};
use crate::scan::Scan;
use crate::store::{StocktakeRow, Store};
use crate::ui::fonts;
use crate::ui::i18n::{self, Bi, Lang, S, T, st, tr};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use iced::widget::{
    Column, button, checkbox, container, pick_list, row, scrollable, text, text_input,
};
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
    /// The open bin holds nothing (as the `EMPTY` scan).
    MarkEmpty,
    /// Take back the last count in the open bin (as the `UNDO` scan).
    Undo,
    /// The stock keeper asked for the variance report.
    ShowReport,
    HideReport,
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
    /// Approve, doing this with the bins nobody counted.
    ConfirmApprove(Uncounted),
    KeepCounting,
    Approved(Result<Approval, Failure>),
    Cancel,
    ConfirmCancel,
    Cancelled(Result<(), Failure>),
    /// The new-stocktake panel: open or closed.
    NewPanel,
    NewBinsChanged(String),
    NewOpenToggled(bool),
    NewRecountToggled(bool),
    StartNew,
    Started(Result<StocktakeRow, Failure>),
}

/// What a new stocktake will cover, as the keeper fills it in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewSession {
    /// A pattern on bin codes (`A-*`); empty for every bin.
    pub bins: String,
    /// Shows what the books say (else blind).
    pub open: bool,
    pub recount: bool,
}

/// What the keeper is asked to confirm before stock is written or a session dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    Approve,
    Cancel,
}

/// The last product counted (or taken back) in the open bin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastCount {
    pub sku: String,
    pub name: String,
    /// Units of it in the bin so far.
    pub so_far: i64,
    /// On the books, in an open (not blind) session.
    pub expected: Option<i64>,
}

/// A product the open bin holds so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InBin {
    pub sku: String,
    pub name: String,
    pub units: i64,
}

/// Products of the bin listed on screen; the rest are counted.
const IN_BIN_SHOWN: usize = 12;
/// Bins not counted named above the report; the rest are counted.
const BINS_SHOWN: usize = 20;

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
    /// The session has a recount to begin (started with one, still in its first count).
    pub recount_ready: bool,
    /// The bin open at this terminal.
    pub bin: Option<String>,
    /// The last scan's verdict, and whether it was refused.
    pub last: Option<(Bi, bool)>,
    /// The last product counted in the bin.
    pub last_count: Option<LastCount>,
    /// What the open bin holds so far (read from the store when it opens, so a restarted bench
    /// shows it too), the newest count first.
    pub in_bin: Vec<InBin>,
    pub report: Option<Report>,
    /// The page of the report's variances shown.
    pub page: usize,
    pub default_reason: Option<AdjustReason>,
    pub line_reasons: HashMap<String, AdjustReason>,
    pub asking: Option<Asking>,
    pub pending: usize,
    pub busy: usize,
    /// The new-stocktake panel, when open.
    pub new_session: Option<NewSession>,
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
                // A new session starts with no bin of an earlier one in force; the counter's own
                // bin resumes (the flow decides), with what it holds so far.
                self.bin = c.bin().map(str::to_string);
                self.counting = Some(Arc::new(Mutex::new(c)));
                self.session_id = Some(id);
                self.session_text.clear();
                let head = ctx.store.read().stocktake(id).ok().flatten();
                self.blind = head.as_ref().is_none_or(|s| s.blind);
                self.recount_ready = head
                    .as_ref()
                    .is_some_and(|s| s.recount && s.state == StocktakeState::Counting);
                self.last = None;
                self.last_count = None;
                self.read_bin(ctx);
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
            Message::NewPanel => {
                self.new_session = match self.new_session {
                    Some(_) => None,
                    None => Some(NewSession::default()),
                };
                Action::none()
            }
            Message::NewBinsChanged(v) => {
                if let Some(n) = &mut self.new_session {
                    n.bins = v;
                }
                Action::none()
            }
            Message::NewOpenToggled(v) => {
                if let Some(n) = &mut self.new_session {
                    n.open = v;
                }
                Action::none()
            }
            Message::NewRecountToggled(v) => {
                if let Some(n) = &mut self.new_session {
                    n.recount = v;
                }
                Action::none()
            }
            Message::StartNew => {
                let Some(n) = self.new_session.clone() else {
                    return Action::none();
                };
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        let bins = Some(n.bins.trim()).filter(|b| !b.is_empty());
                        flow::stocktake::start(s, &actor, bins, n.open, n.recount)
                    },
                    Message::Started,
                ))
            }
            Message::Started(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(row) => {
                        self.new_session = None;
                        let (id, pattern) = (row.id, row.pattern.clone());
                        self.sessions.retain(|s| s.id != id);
                        self.sessions.push(row);
                        self.open(ctx, id).with_notice(Notice::done(Bi::with(|l| {
                            format!("{} {id} · {pattern}", st(l, S::StocktakeStarted))
                        })))
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::Judged(r) => {
                self.pending = self.pending.saturating_sub(1);
                match r {
                    Ok(Some(v)) => {
                        let sound = self.apply(ctx, &v);
                        Action::none().with_sound(sound)
                    }
                    Ok(None) => Action::none(),
                    Err(e) => {
                        self.last = Some((Bi::error(&e), true));
                        Action::none().with_sound(Sound::Error)
                    }
                }
            }
            Message::MarkEmpty => self.count_code(EMPTY_CODE),
            Message::Undo => self.count_code(UNDO_CODE),
            Message::ShowReport => self.load_report(&actor),
            Message::HideReport => {
                // Back to counting with the full panel; the report is read again when asked.
                self.report = None;
                Action::none()
            }
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
                // What it will write, from the counts as they are now.
                self.asking = Some(Asking::Approve);
                self.report = None;
                self.load_report(&actor)
            }
            Message::KeepCounting => {
                self.asking = None;
                Action::none()
            }
            Message::ConfirmApprove(uncounted) => {
                self.asking = None;
                let (Some(id), Some(report)) = (self.session_id, &self.report) else {
                    return Action::none();
                };
                // Reasons only for what this approval adjusts (a reason picked on a line of a
                // bin nobody counted is for writing it down to zero).
                let adjusted: std::collections::HashSet<&str> = report
                    .to_adjust(uncounted)
                    .map(|l| l.sku_code.as_str())
                    .collect();
                let lines: HashMap<String, AdjustReason> = self
                    .line_reasons
                    .iter()
                    .filter(|(sku, _)| adjusted.contains(sku.as_str()))
                    .map(|(sku, r)| (sku.clone(), *r))
                    .collect();
                let default = self.default_reason;
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::stocktake::approve(s, &actor, id, default, &lines, uncounted)
                    },
                    Message::Approved,
                ))
            }
            Message::Approved(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(Err(refusal)) => {
                        let words = Bi::with(|l| i18n::stocktake_refusal(l, &refusal));
                        Action::notice(Notice::failed(words)).with_sound(Sound::Error)
                    }
                    Ok(Ok(r)) => {
                        let id = r.session.id;
                        let n = r.adjusted().count();
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

    /// A code of the counter's cards (`EMPTY`, `UNDO`) as if scanned: the same flow, recorded
    /// the same way.
    fn count_code(&mut self, code: &'static str) -> Action<Message> {
        let Some(counting) = self.counting.clone() else {
            return Action::notice(Notice::failed(Bi::s(S::OpenSessionFirst)))
                .with_sound(Sound::Error);
        };
        self.pending += 1;
        Action::job(Job::new(
            move |s: &mut Store| {
                let mut c = counting.lock().unwrap_or_else(|e| e.into_inner());
                // A button of the window: entered by hand, as a typed code is.
                c.scan(s, code, crate::domain::ScanSource::Keyed)
            },
            Message::Judged,
        ))
    }

    /// What the open bin holds so far, from the store.
    fn read_bin(&mut self, ctx: Ctx<'_>) {
        self.in_bin.clear();
        let (Some(id), Some(bin)) = (self.session_id, &self.bin) else {
            return;
        };
        if let Ok(counts) = flow::stocktake::bin_counts(ctx.store, ctx.actor, id, bin) {
            self.in_bin = counts
                .into_iter()
                .map(|c| InBin {
                    sku: c.sku_code,
                    name: c.name,
                    units: c.units,
                })
                .collect();
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

    fn apply(&mut self, ctx: Ctx<'_>, v: &StockVerdict) -> Sound {
        self.last = Some((Bi::new(v.outcome.zh(), v.outcome.en()), v.is_error()));
        match &v.outcome {
            Outcome::BinOpened { bin, .. } => {
                self.bin = Some(bin.clone());
                self.last_count = None;
                self.read_bin(ctx);
            }
            Outcome::Counted {
                sku,
                name,
                so_far,
                expected,
                ..
            } => {
                self.last_count = Some(LastCount {
                    sku: sku.clone(),
                    name: name.clone(),
                    so_far: *so_far,
                    expected: *expected,
                });
                self.in_bin.retain(|c| c.sku != *sku);
                self.in_bin.insert(
                    0,
                    InBin {
                        sku: sku.clone(),
                        name: name.clone(),
                        units: *so_far,
                    },
                );
            }
            Outcome::CountUndone {
                sku, name, so_far, ..
            } => {
                self.last_count = Some(LastCount {
                    sku: sku.clone(),
                    name: name.clone(),
                    so_far: *so_far,
                    expected: None,
                });
                if let Some(c) = self.in_bin.iter_mut().find(|c| c.sku == *sku) {
                    c.units = *so_far;
                }
                self.in_bin.retain(|c| c.units > 0);
            }
            Outcome::BinEmpty { .. } => {
                self.last_count = None;
                self.in_bin.clear();
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
        if ctx.actor.require(Permission::Stocktake).is_ok() {
            open = open.push(
                button(text(st(lang, S::NewStocktake)))
                    .style(if self.new_session.is_some() {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::NewPanel),
            );
        }
        if self.busy > 0 || self.pending > 0 {
            open = open.push(
                container(text(tr(lang, T::Working)).size(14))
                    .padding(4)
                    .style(container::warning),
            );
        }
        c = c.push(open.wrap());
        if let Some(n) = &self.new_session {
            c = c.push(
                container(
                    row![
                        text(tr(lang, T::ColBin)),
                        text_input(st(lang, S::BinsHint), &n.bins)
                            .on_input(Message::NewBinsChanged)
                            .on_submit(Message::StartNew)
                            .width(280),
                        checkbox(n.open)
                            .label(st(lang, S::OpenCount))
                            .on_toggle(Message::NewOpenToggled),
                        checkbox(n.recount)
                            .label(st(lang, S::WithRecount))
                            .on_toggle(Message::NewRecountToggled),
                        button(text(st(lang, S::StartStocktake)))
                            .style(button::success)
                            .on_press_maybe((self.busy == 0).then_some(Message::StartNew)),
                    ]
                    .spacing(10)
                    .align_y(iced::Alignment::Center)
                    .wrap(),
                )
                .padding(8)
                .width(Fill)
                .style(container::rounded_box),
            );
        }
        // The report or a confirmation open: the counting panel folds to one line, so the
        // variance table has the height it needs on a 1024×768 screen.
        let folded = self.report.is_some() || self.asking.is_some();
        if let (Some(id), true) = (self.session_id, folded) {
            let mut line = match &self.bin {
                None => format!("{id}  {}", st(lang, S::ScanBin)),
                Some(b) => format!("{id}  {}  {b}", tr(lang, T::ColBin)),
            };
            if let Some(l) = &self.last_count {
                line.push_str(&format!("  ·  {} ×{}", l.sku, l.so_far));
            }
            c = c.push(
                container(text(line).size(20).font(bold))
                    .padding([4, 10])
                    .width(Fill)
                    .style(container::bordered_box),
            );
        }
        if let (Some(id), false) = (self.session_id, folded) {
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
                let counting = self.counting.is_some();
                c = c.push(
                    row![
                        text(st(lang, S::ScanItems)).size(16).width(Fill),
                        button(text(st(lang, S::MarkEmpty)).size(15))
                            .padding([4, 10])
                            .style(button::secondary)
                            .on_press_maybe(counting.then_some(Message::MarkEmpty)),
                        button(text(st(lang, S::UndoLast)).size(15))
                            .padding([4, 10])
                            .style(button::secondary)
                            .on_press_maybe(counting.then_some(Message::Undo)),
                    ]
                    .spacing(8)
                    .align_y(iced::Alignment::Center)
                    .wrap(),
                );
            }
            if let Some(l) = &self.last_count {
                let line = match l.expected {
                    Some(e) => format!("{}  ×{}  ({} {e})", l.sku, l.so_far, st(lang, S::Expected)),
                    None => format!("{}  ×{}", l.sku, l.so_far),
                };
                c = c.push(text(line).size(34).font(bold));
                c = c.push(text(&l.name).size(22));
            }
            if self.bin.is_some() {
                c = c.push(self.in_bin_view(lang));
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
                    if self.report.is_some() {
                        button(text(st(lang, S::HideReport)))
                            .style(button::secondary)
                            .on_press_maybe(self.asking.is_none().then_some(Message::HideReport))
                    } else {
                        button(text(st(lang, S::Report))).on_press(Message::ShowReport)
                    },
                    button(text(st(lang, S::Recount))).on_press_maybe(
                        (idle && self.recount_ready).then_some(Message::BeginRecount)
                    ),
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

    /// What the open bin holds so far: name, merchant code and units of each product, the
    /// newest count first.
    fn in_bin_view(&self, lang: Lang) -> Element<'_, Message> {
        let units: i64 = self.in_bin.iter().map(|c| c.units).sum();
        let mut list = Column::new().spacing(2).push(
            text(lang.label(
                st(lang, S::InBinSoFar),
                i18n::units_of_products(lang, units, self.in_bin.len()),
            ))
            .size(15),
        );
        for c in self.in_bin.iter().take(IN_BIN_SHOWN) {
            list = list.push(
                row![
                    text(&c.name).size(15).width(iced::FillPortion(3)),
                    text(&c.sku).size(15).width(iced::FillPortion(2)),
                    text(format!("×{}", c.units)).size(15).width(70),
                ]
                .spacing(8),
            );
        }
        if self.in_bin.len() > IN_BIN_SHOWN {
            list = list.push(text(i18n::and_more(lang, self.in_bin.len() - IN_BIN_SHOWN)).size(13));
        }
        container(list).padding([4, 8]).width(Fill).into()
    }

    /// What 审核配平 or 取消盘点 will do, with the second button.
    fn asking_view(&self, asking: Asking, lang: Lang) -> Element<'_, Message> {
        let id = self.session_id.map(|i| i.to_string()).unwrap_or_default();
        let back = button(text(tr(lang, T::Back)).size(16))
            .padding(6)
            .style(button::secondary)
            .on_press(Message::KeepCounting);
        let body: Element<'_, Message> = match asking {
            Asking::Approve => {
                let mut col = Column::new().spacing(6);
                let mut not_counted = 0;
                match &self.report {
                    None => col = col.push(text(st(lang, S::ReadingReport)).size(16)),
                    Some(r) => {
                        let adjust = r.to_adjust(Uncounted::Leave).count();
                        let net: i64 = r.to_adjust(Uncounted::Leave).map(|l| l.variance).sum();
                        not_counted = r.uncounted_bins.len();
                        col = col.push(
                            text(i18n::approve_question(lang, &id, adjust, net))
                                .size(16)
                                .width(Fill),
                        );
                        if not_counted > 0 {
                            col = col.push(
                                text(i18n::approve_uncounted_note(
                                    lang,
                                    not_counted,
                                    r.session.bins,
                                ))
                                .size(16)
                                .font(fonts::BOLD)
                                .width(Fill),
                            );
                        }
                    }
                }
                let ready = self.report.is_some();
                let confirm = if not_counted > 0 {
                    S::ConfirmApproveLeave
                } else {
                    S::ConfirmApprove
                };
                let mut buttons = row![
                    button(text(st(lang, confirm)).size(16))
                        .padding(6)
                        .style(button::success)
                        .on_press_maybe(ready.then_some(Message::ConfirmApprove(Uncounted::Leave))),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center);
                // The other choice, worded apart: never the default.
                if not_counted > 0 {
                    buttons = buttons.push(
                        button(text(i18n::approve_zero_button(lang, not_counted)).size(14))
                            .padding(6)
                            .style(button::danger)
                            .on_press_maybe(
                                ready.then_some(Message::ConfirmApprove(Uncounted::Zero)),
                            ),
                    );
                }
                col.push(buttons.push(back).wrap()).into()
            }
            Asking::Cancel => row![
                text(i18n::cancel_question(lang, &id)).size(16).width(Fill),
                button(text(st(lang, S::ConfirmCancel)).size(16))
                    .padding(6)
                    .style(button::danger)
                    .on_press(Message::ConfirmCancel),
                back,
            ]
            .spacing(8)
            .align_y(iced::Alignment::Center)
            .into(),
        };
        container(body)
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
        if !r.uncounted_bins.is_empty() {
            let named: Vec<&str> = r
                .uncounted_bins
                .iter()
                .take(BINS_SHOWN)
                .map(String::as_str)
                .collect();
            table = table.push(
                container(
                    text(i18n::bins_not_counted(
                        lang,
                        r.uncounted_bins.len(),
                        r.session.bins,
                        r.uncounted,
                        &named,
                    ))
                    .size(15),
                )
                .padding([4, 8])
                .width(Fill)
                .style(container::warning),
            );
        }
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
            // Sorted by the flow: a look-up, not a walk, for each row of the page.
            let waiting = r
                .awaiting_recount
                .binary_search_by(|(b, s)| {
                    (b.as_str(), s.as_str()).cmp(&(l.bin.as_str(), l.sku_code.as_str()))
                })
                .is_ok();
            let note = if waiting {
                st(lang, S::AwaitingRecount)
            } else if !l.bin_counted {
                st(lang, S::BinNotCounted)
            } else {
                ""
            };
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
                            text(note).size(13),
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
                } else if !l.bin_counted {
                    container::secondary
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
