//! The reports screen (报表), open to everyone signed in: the end-of-day self-audit of one's role
//! (each item a count, the list behind it and the screen where it is fixed; signed with a note),
//! performance by day, week or month with checked parcels per hour as bars, and sales commission
//! by CS code. What each person may see is the flows' decision (`flow::audit`, `flow::report`):
//! the screen shows what they return. Every count runs as a job: on a store of a million orders
//! the window keeps answering while it counts.

use super::{Action, Ctx, Notice, Screen};
use crate::domain::report::{AuditItem, AuditRole, Grain, percent};
use crate::domain::time::shop_today;
use crate::domain::{Actor, Fen};
use crate::flow;
use crate::flow::audit::{ItemResult, SelfAudit};
use crate::flow::report::{Commission, PerfRow, Performance};
use crate::scan::Scan;
use crate::store::{SignedAudit, Store};
use crate::ui::fonts;
use crate::ui::i18n::reports::{self as words, R, rt};
use crate::ui::i18n::{Bi, Lang};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use chrono::{Datelike, Duration, NaiveDate};
use iced::widget::{Column, Row, Space, button, container, row, text, text_input};
use iced::{Alignment, Element, Fill, FillPortion, Length};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The part of the screen shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Audit,
    Performance,
    Commission,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Audit, Tab::Performance, Tab::Commission];

    fn label(self) -> R {
        match self {
            Tab::Audit => R::TabAudit,
            Tab::Performance => R::TabPerformance,
            Tab::Commission => R::TabCommission,
        }
    }
}

/// A range of days chosen with one click.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    Today,
    ThisWeek,
    ThisMonth,
    LastMonth,
}

impl Preset {
    const ALL: [Preset; 4] = [
        Preset::Today,
        Preset::ThisWeek,
        Preset::ThisMonth,
        Preset::LastMonth,
    ];

    fn label(self) -> R {
        match self {
            Preset::Today => R::Today,
            Preset::ThisWeek => R::ThisWeek,
            Preset::ThisMonth => R::ThisMonth,
            Preset::LastMonth => R::LastMonth,
        }
    }

    /// The days of this preset seen from `today` (this week from its Monday).
    pub fn days(self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let first_of_month = today.with_day(1).expect("day 1");
        match self {
            Preset::Today => (today, today),
            Preset::ThisWeek => (
                today - Duration::days(today.weekday().num_days_from_monday() as i64),
                today,
            ),
            Preset::ThisMonth => (first_of_month, today),
            Preset::LastMonth => {
                let last = first_of_month.pred_opt().expect("a day before");
                (last.with_day(1).expect("day 1"), last)
            }
        }
    }
}

/// Which report a file is written of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Performance,
    Commission,
}

/// A report's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    TabPicked(Tab),
    /// The self-audit of another role (for those who may see others').
    RolePicked(AuditRole),
    /// A day earlier (-1) or later (+1); 0 is today.
    DayMoved(i64),
    Audited(Result<SelfAudit, Failure>),
    /// An item's list shown or hidden.
    ItemToggled(AuditItem),
    /// A page more of an item's list.
    ItemMore(AuditItem),
    /// The user asks for the screen where an item is fixed (the window opens it).
    GoTo(Screen),
    NoteChanged(String),
    /// The sign button: asks first when items are open.
    Sign,
    /// Signed after the question about open items.
    SignConfirmed,
    SignCancelled,
    Signed(Result<SignedAudit, Failure>),
    PresetPicked(Preset),
    FromChanged(String),
    ToChanged(String),
    GrainPicked(Grain),
    /// The typed days shown.
    ShowPerformance,
    Performed(Result<Performance, Failure>),
    PerfPage(usize),
    MonthPreset(Preset),
    MonthChanged(String),
    ShowCommission,
    Commissioned(Result<Commission, Failure>),
    UncreditedToggled,
    UncreditedPage(usize),
    Export(Report, Format),
    Exported(Result<PathBuf, Failure>),
}

/// What a tab shows: nothing asked yet, counting, the answer, or why there is none (said calmly
/// in the tab, not as an alarm).
#[derive(Debug, Clone, Default)]
pub enum Loaded<T> {
    #[default]
    None,
    Counting,
    Ready(T),
    Refused(Bi),
}

impl<T> Loaded<T> {
    pub fn ready(&self) -> Option<&T> {
        match self {
            Loaded::Ready(t) => Some(t),
            _ => None,
        }
    }

    fn from(r: Result<T, Failure>) -> Loaded<T> {
        match r {
            Ok(t) => Loaded::Ready(t),
            Err(e) => Loaded::Refused(Bi::error(&e)),
        }
    }
}

pub struct State {
    pub tab: Tab,
    /// The self-audit's role and day (set when the screen opens).
    pub role: Option<AuditRole>,
    pub day: Option<NaiveDate>,
    pub audit: Loaded<SelfAudit>,
    /// Items whose list is shown, and how many of its rows (a page more at a time).
    pub open_lists: BTreeMap<&'static str, usize>,
    pub note: String,
    /// The question "N items open, sign anyway?" is asked.
    pub confirming: Option<usize>,
    /// The signature just made (shown until the day or role changes).
    pub signed: Option<SignedAudit>,
    pub from: String,
    pub to: String,
    pub grain: Grain,
    pub performance: Loaded<Performance>,
    /// A typed day that is no date: said beside the fields.
    pub date_error: Option<Bi>,
    pub perf_page: usize,
    pub month: String,
    pub commission: Loaded<Commission>,
    pub show_uncredited: bool,
    pub uncredited_page: usize,
    /// Where exports go: the station's print folder, as the print screen's shipments.
    pub out_dir: PathBuf,
    pub busy: usize,
}

impl Default for State {
    fn default() -> Self {
        State {
            tab: Tab::Audit,
            role: None,
            day: None,
            audit: Loaded::None,
            open_lists: BTreeMap::new(),
            note: String::new(),
            confirming: None,
            signed: None,
            from: String::new(),
            to: String::new(),
            grain: Grain::Day,
            performance: Loaded::None,
            date_error: None,
            perf_page: 0,
            month: String::new(),
            commission: Loaded::None,
            show_uncredited: false,
            uncredited_page: 0,
            out_dir: PathBuf::new(),
            busy: 0,
        }
    }
}

/// The screen where an item of a self-audit is fixed.
pub fn fix_screen(item: AuditItem) -> Screen {
    use AuditItem::*;
    match item {
        PrintedNoTracking | CheckedNotShipped | PrintedNotProcessed => Screen::Print,
        LeftOutsideBench
        | ReportedNotLeft
        | NotShippedOnTaobao
        | PartlyShippedOnTaobao
        | BulkShipped
        | CreditedToNonCs => Screen::Orders,
        NoStockOut | NegativeStock | DeadStock => Screen::Stock,
        ReceiptsOpen => Screen::Receipts,
        ReturnsWaiting | RefundsOpen | ExceptionsOpen => Screen::AfterSales,
    }
}

/// `YYYY-MM-DD` as typed.
fn parse_day(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

fn stamp() -> String {
    chrono::Utc::now()
        .with_timezone(&crate::domain::time::shop_zone())
        .format("%Y%m%d-%H%M%S")
        .to_string()
}

impl State {
    pub fn new(out_dir: PathBuf) -> State {
        State {
            out_dir,
            ..State::default()
        }
    }

    /// The screen opens on the signed-in person's own self-audit for today (the first role one
    /// may see when one's own role signs none), and the other tabs on today and this month.
    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let today = shop_today();
        if self.role.is_none() {
            self.role = AuditRole::of(ctx.actor.staff.role).or_else(|| {
                AuditRole::ALL
                    .iter()
                    .copied()
                    .find(|r| flow::audit::may_see(ctx.actor, *r))
            });
        }
        if self.day.is_none() {
            self.day = Some(today);
        }
        if self.from.is_empty() && self.to.is_empty() {
            let (f, t) = Preset::Today.days(today);
            self.from = f.to_string();
            self.to = t.to_string();
        }
        if self.month.is_empty() {
            self.month = today.format("%Y-%m").to_string();
        }
        self.reload(ctx.actor)
    }

    /// Counts the open tab again.
    fn reload(&mut self, actor: &Actor) -> Action<Message> {
        match self.tab {
            Tab::Audit => self.load_audit(actor),
            Tab::Performance => self.load_performance(actor),
            Tab::Commission => self.load_commission(actor),
        }
    }

    fn load_audit(&mut self, actor: &Actor) -> Action<Message> {
        let (Some(role), Some(day)) = (self.role, self.day) else {
            self.audit = Loaded::None;
            return Action::none();
        };
        self.audit = Loaded::Counting;
        let actor = actor.clone();
        Action::job(Job::new(
            move |s: &mut Store| flow::audit::self_audit(s, &actor, role, day),
            Message::Audited,
        ))
    }

    fn load_performance(&mut self, actor: &Actor) -> Action<Message> {
        let (from, to) = match (parse_day(&self.from), parse_day(&self.to)) {
            (Some(f), Some(t)) => (f, t),
            (f, _) => {
                let bad = if f.is_none() { &self.from } else { &self.to }.clone();
                self.date_error = Some(Bi::with(|l| words::bad_date(l, &bad)));
                return Action::none();
            }
        };
        self.date_error = None;
        self.performance = Loaded::Counting;
        self.perf_page = 0;
        let (actor, grain) = (actor.clone(), self.grain);
        Action::job(Job::new(
            move |s: &mut Store| flow::report::performance(s, &actor, from, to, grain),
            Message::Performed,
        ))
    }

    fn load_commission(&mut self, actor: &Actor) -> Action<Message> {
        self.commission = Loaded::Counting;
        self.uncredited_page = 0;
        let (actor, month) = (actor.clone(), self.month.trim().to_string());
        Action::job(Job::new(
            move |s: &mut Store| flow::report::commission(s, &actor, &month),
            Message::Commissioned,
        ))
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            // Nothing here is scanned.
            Message::Scanned(_) => Action::none(),
            Message::TabPicked(t) => {
                self.tab = t;
                let loaded = match t {
                    Tab::Audit => !matches!(self.audit, Loaded::None),
                    Tab::Performance => !matches!(self.performance, Loaded::None),
                    Tab::Commission => !matches!(self.commission, Loaded::None),
                };
                if loaded {
                    Action::none()
                } else {
                    self.reload(&actor)
                }
            }
            Message::RolePicked(r) => {
                self.role = Some(r);
                self.after_move();
                self.load_audit(&actor)
            }
            Message::DayMoved(n) => {
                let day = self.day.unwrap_or_else(shop_today);
                self.day = Some(if n == 0 {
                    shop_today()
                } else {
                    day + Duration::days(n)
                });
                self.after_move();
                self.load_audit(&actor)
            }
            Message::Audited(r) => {
                self.audit = Loaded::from(r);
                Action::none()
            }
            Message::ItemToggled(item) => {
                if self.open_lists.remove(item.code()).is_none() {
                    self.open_lists.insert(item.code(), super::PAGE);
                }
                Action::none()
            }
            Message::ItemMore(item) => {
                *self.open_lists.entry(item.code()).or_insert(0) += super::PAGE;
                Action::none()
            }
            // Carried out by the window (it owns the screens).
            Message::GoTo(_) => Action::none(),
            Message::NoteChanged(v) => {
                self.note = v;
                Action::none()
            }
            Message::Sign => {
                let open = self.audit.ready().map_or(0, SelfAudit::open_items);
                if open > 0 {
                    self.confirming = Some(open);
                    return Action::none();
                }
                self.sign(&actor)
            }
            Message::SignConfirmed => self.sign(&actor),
            Message::SignCancelled => {
                self.confirming = None;
                Action::none()
            }
            Message::Signed(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(s) => {
                        self.note.clear();
                        self.signed = Some(s);
                        self.load_audit(&actor)
                            .with_notice(Notice::done(Bi::with(|l| {
                                rt(l, R::SignedNow).to_string()
                            })))
                            .with_sound(Sound::Ok)
                    }
                    Err(e) => Action::error(&e),
                }
            }
            Message::PresetPicked(p) => {
                let (f, t) = p.days(shop_today());
                self.from = f.to_string();
                self.to = t.to_string();
                self.load_performance(&actor)
            }
            Message::FromChanged(v) => {
                self.from = v;
                Action::none()
            }
            Message::ToChanged(v) => {
                self.to = v;
                Action::none()
            }
            Message::GrainPicked(g) => {
                self.grain = g;
                self.load_performance(&actor)
            }
            Message::ShowPerformance => self.load_performance(&actor),
            Message::Performed(r) => {
                self.performance = Loaded::from(r);
                Action::none()
            }
            Message::PerfPage(p) => {
                self.perf_page = p;
                Action::none()
            }
            Message::MonthPreset(p) => {
                self.month = p.days(shop_today()).0.format("%Y-%m").to_string();
                self.load_commission(&actor)
            }
            Message::MonthChanged(v) => {
                self.month = v;
                Action::none()
            }
            Message::ShowCommission => self.load_commission(&actor),
            Message::Commissioned(r) => {
                self.commission = Loaded::from(r);
                Action::none()
            }
            Message::UncreditedToggled => {
                self.show_uncredited = !self.show_uncredited;
                Action::none()
            }
            Message::UncreditedPage(p) => {
                self.uncredited_page = p;
                Action::none()
            }
            Message::Export(report, format) => self.export(report, format),
            Message::Exported(r) => match r {
                Ok(p) => Action::notice(Notice::done(Bi::with(|l| words::exported(l, &p)))),
                Err(e) => Action::error(&e),
            },
        }
    }

    /// A new day or role: its own lists, note and signature.
    fn after_move(&mut self) {
        self.open_lists.clear();
        self.confirming = None;
        self.signed = None;
    }

    fn sign(&mut self, actor: &Actor) -> Action<Message> {
        self.confirming = None;
        let (Some(role), Some(day)) = (self.role, self.day) else {
            return Action::none();
        };
        let (actor, note) = (actor.clone(), self.note.clone());
        self.busy += 1;
        Action::job(Job::new(
            move |s: &mut Store| flow::audit::sign(s, &actor, role, day, &note),
            Message::Signed,
        ))
    }

    /// Writes the report shown (the figures on screen, not counted again) to a file in the
    /// station's print folder, named after the report and the moment.
    fn export(&mut self, report: Report, format: Format) -> Action<Message> {
        let (name, title, sheets) = match report {
            Report::Performance => match self.performance.ready() {
                Some(p) => (format!("业绩-{}-{}", p.from, p.to), p.title(), p.sheets()),
                None => return Action::none(),
            },
            Report::Commission => match self.commission.ready() {
                Some(c) => (format!("提成-{}", c.month), c.title(), c.sheets()),
                None => return Action::none(),
            },
        };
        let ext = match format {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        };
        let dir = self.out_dir.clone();
        let out = dir.join(format!("{name}-{}.{ext}", stamp()));
        Action::job(Job::new(
            move |s: &mut Store| {
                std::fs::create_dir_all(&dir).map_err(|e| crate::error::Error::io(&dir, e))?;
                let guard = crate::output::Guard::new(s.path(), false);
                flow::sheet::write(&out, &title, &sheets, &guard)?;
                Ok(out)
            },
            Message::Exported,
        ))
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let tabs = super::tabs(
            &Tab::ALL,
            self.tab,
            |tab| rt(lang, tab.label()).to_string(),
            Message::TabPicked,
        );
        let body = match self.tab {
            Tab::Audit => self.audit_view(ctx),
            Tab::Performance => self.performance_view(lang),
            Tab::Commission => self.commission_view(lang),
        };
        Column::new()
            .spacing(8)
            .padding(4)
            .push(tabs)
            .push(body)
            .width(Fill)
            .into()
    }

    fn audit_view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let t = |r: R| rt(lang, r);
        let Some(role) = self.role else {
            return calm(t(R::NoAuditForRole));
        };
        let mut top = row![].spacing(6).align_y(Alignment::Center);
        // A chooser only for those who may see more than their own role's audit.
        let seen: Vec<AuditRole> = AuditRole::ALL
            .iter()
            .copied()
            .filter(|r| flow::audit::may_see(ctx.actor, *r))
            .collect();
        if seen.len() > 1 {
            for r in seen {
                let b = button(text(crate::ui::i18n::words(lang, &r)).size(15)).padding([4, 8]);
                top = top.push(
                    b.style(if r == role {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::RolePicked(r)),
                );
            }
        } else {
            top = top.push(
                text(lang.label(t(R::Role), crate::ui::i18n::words(lang, &role)))
                    .size(17)
                    .font(fonts::BOLD),
            );
        }
        let day = self.day.unwrap_or_else(shop_today);
        top = top
            .push(Space::new().width(Fill))
            .push(small(t(R::PrevDay), Message::DayMoved(-1)))
            .push(
                text(day.format("%Y-%m-%d").to_string())
                    .size(17)
                    .font(fonts::BOLD),
            )
            // No audit of a day still to come.
            .push(
                small(t(R::NextDay), Message::DayMoved(1))
                    .on_press_maybe((day < shop_today()).then_some(Message::DayMoved(1))),
            )
            .push(small(t(R::Today), Message::DayMoved(0)));
        // As far from the right edge as the items below (they keep room for the scroll bar).
        let top = container(top).padding(iced::Padding {
            right: 14.0,
            ..iced::Padding::ZERO
        });
        let mut c = Column::new().spacing(6).push(top);
        let audit = match &self.audit {
            Loaded::Ready(a) => a,
            Loaded::Refused(why) => return c.push(calm(why.get(lang))).into(),
            Loaded::Counting => return c.push(calm(t(R::Counting))).into(),
            Loaded::None => return c.into(),
        };
        let mut items = Column::new().spacing(4);
        for it in &audit.items {
            items = items.push(self.item_view(ctx, it));
        }
        let mut sign = Column::new().spacing(6);
        if flow::audit::may_sign(ctx.actor, role) {
            sign = sign.push(match self.confirming {
                Some(open) => Element::from(
                    container(
                        row![
                            text(words::sign_open_ask(lang, open)).size(17).width(Fill),
                            button(text(t(R::SignAnyway)).size(16))
                                .padding(8)
                                .style(button::danger)
                                .on_press(Message::SignConfirmed),
                            button(text(t(R::Cancel)).size(16))
                                .padding(8)
                                .style(button::secondary)
                                .on_press(Message::SignCancelled),
                        ]
                        .spacing(8)
                        .align_y(Alignment::Center),
                    )
                    .padding(6)
                    .style(container::warning),
                ),
                None => row![
                    // No sign on Enter: a signature is a decision, made with the button.
                    text_input(t(R::NoteHint), &self.note)
                        .on_input(Message::NoteChanged)
                        .size(16)
                        .padding(8),
                    button(text(t(R::Sign)).size(17))
                        .padding(8)
                        .style(button::success)
                        .on_press_maybe((self.busy == 0).then_some(Message::Sign)),
                ]
                .spacing(8)
                .align_y(Alignment::Center)
                .into(),
            });
        }
        if let Some(s) = &self.signed {
            sign = sign.push(
                container(
                    text(words::signature(lang, s, &super::shop_time(&s.at)))
                        .size(16)
                        .font(fonts::BOLD),
                )
                .padding(6)
                .width(Fill)
                .style(container::success),
            );
        }
        if audit.signed.is_empty() {
            sign = sign.push(text(t(R::NotSigned)).size(15));
        } else {
            sign = sign.push(text(t(R::SignaturesOfDay)).size(15).font(fonts::BOLD));
            for s in &audit.signed {
                sign =
                    sign.push(text(words::signature(lang, s, &super::shop_time(&s.at))).size(15));
            }
        }
        c = c.push(super::scroll(items.push(sign).width(Fill)).height(Fill));
        c.into()
    }

    fn item_view<'a>(&'a self, ctx: Ctx<'_>, it: &'a ItemResult) -> Element<'a, Message> {
        let lang = ctx.lang;
        let t = |r: R| rt(lang, r);
        let count = container(text(it.count.to_string()).size(18).font(fonts::BOLD))
            .padding([2, 10])
            .style(if it.count == 0 {
                container::success
            } else if it.count >= 10 {
                container::danger
            } else {
                container::warning
            });
        let mut line = row![
            container(count).width(64),
            text(crate::ui::i18n::words(lang, &it.item))
                .size(16)
                .width(Fill),
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if let (Some(p), Some(d)) = (it.printed, it.processed) {
            line = line.push(text(words::printed_processed(lang, p, d)).size(14));
        }
        let rows_shown = self.open_lists.get(it.item.code()).copied();
        let shown = rows_shown.is_some();
        if it.count > 0 {
            line = line.push(
                button(text(t(if shown { R::HideList } else { R::ShowList })).size(14))
                    .padding([4, 8])
                    .style(button::secondary)
                    .on_press(Message::ItemToggled(it.item)),
            );
            let screen = fix_screen(it.item);
            if screen.may_open(ctx.actor) {
                line = line.push(
                    button(text(words::go_fix(lang, screen.label(lang))).size(14))
                        .padding([4, 8])
                        .on_press(Message::GoTo(screen)),
                );
            }
        } else {
            line = line.push(text(t(R::AllClear)).size(14));
        }
        let mut c = Column::new().spacing(2).push(line);
        if shown && it.count > 0 {
            let head = row![
                text(t(R::ColSubject)).width(FillPortion(3)),
                text(t(R::ColOrders)).width(FillPortion(4)),
                text(t(R::ColQty)).width(FillPortion(2)),
                text(t(R::ColWho)).width(FillPortion(2)),
                text(t(R::ColWhen)).width(FillPortion(2)),
            ]
            .spacing(6);
            let mut list = Column::new().spacing(2).push(head.width(Fill));
            let upto = rows_shown.unwrap_or(0).min(it.rows.len());
            for r in it.rows.iter().take(upto) {
                let qty = match (r.qty, r.amount) {
                    (Some(q), Some(a)) => format!("{q} · {}", words::yuan(a)),
                    (Some(q), None) => q.to_string(),
                    (None, Some(a)) => words::yuan(a),
                    (None, None) => String::new(),
                };
                list = list.push(
                    row![
                        text(r.subject.clone())
                            .font(fonts::MONO)
                            .size(14)
                            .width(FillPortion(3)),
                        text(r.orders.join(" "))
                            .font(fonts::MONO)
                            .size(14)
                            .width(FillPortion(4)),
                        text(qty).size(14).width(FillPortion(2)),
                        text(r.who.clone().unwrap_or_default())
                            .size(14)
                            .width(FillPortion(2)),
                        text(r.at.as_deref().map(super::shop_time).unwrap_or_default())
                            .size(14)
                            .width(FillPortion(2)),
                    ]
                    .spacing(6),
                );
            }
            if it.count > upto {
                let mut more = row![text(words::rows_shown(lang, upto, it.count)).size(13)]
                    .spacing(8)
                    .align_y(Alignment::Center);
                // Beyond the rows the flow lists (`flow::audit::LIMIT`) only the count is known.
                if upto < it.rows.len() {
                    more = more.push(
                        button(text(words::more_rows(lang, super::PAGE)).size(14))
                            .padding([4, 8])
                            .style(button::secondary)
                            .on_press(Message::ItemMore(it.item)),
                    );
                }
                list = list.push(more);
            }
            c = c.push(
                container(list)
                    .padding([4, 8])
                    .width(Fill)
                    .style(container::rounded_box),
            );
        }
        container(c).padding([2, 0]).width(Fill).into()
    }

    fn performance_view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |r: R| rt(lang, r);
        let mut presets = row![].spacing(6).align_y(Alignment::Center);
        for p in Preset::ALL {
            presets = presets.push(small(t(p.label()), Message::PresetPicked(p)));
        }
        presets = presets.push(Space::new().width(12));
        for g in Grain::ALL {
            let b = button(text(crate::ui::i18n::words(lang, g)).size(14)).padding([4, 8]);
            presets = presets.push(
                b.style(if *g == self.grain {
                    button::primary
                } else {
                    button::secondary
                })
                .on_press(Message::GrainPicked(*g)),
            );
        }
        let typed = row![
            text_input(t(R::From), &self.from)
                .on_input(Message::FromChanged)
                .on_submit(Message::ShowPerformance)
                .size(15)
                .padding(6)
                .width(170),
            text(t(R::To)).size(15),
            text_input("YYYY-MM-DD", &self.to)
                .on_input(Message::ToChanged)
                .on_submit(Message::ShowPerformance)
                .size(15)
                .padding(6)
                .width(170),
            small(t(R::Show), Message::ShowPerformance),
            Space::new().width(Fill),
            export_buttons(
                lang,
                Report::Performance,
                self.performance.ready().is_some()
            ),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        let mut c = Column::new().spacing(6).push(presets.wrap()).push(typed);
        if let Some(e) = &self.date_error {
            c = c.push(
                container(text(e.get(lang)).size(15))
                    .padding(4)
                    .style(container::danger),
            );
        }
        let perf = match &self.performance {
            Loaded::Ready(p) => p,
            Loaded::Refused(why) => return c.push(calm(why.get(lang))).into(),
            Loaded::Counting => return c.push(calm(t(R::Counting))).into(),
            Loaded::None => return c.into(),
        };
        let mut body = Column::new().spacing(8);
        if perf.own_only {
            body = body.push(text(t(R::OwnPerformance)).size(14));
        }
        body = body.push(perf_table(lang, &perf.rows, self.perf_page));
        body = body.push(text(t(R::Chart)).size(16).font(fonts::BOLD));
        body = body.push(hourly_chart(lang, perf));
        c.push(super::scroll(body.width(Fill)).height(Fill)).into()
    }

    fn commission_view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |r: R| rt(lang, r);
        let top = row![
            small(t(R::ThisMonth), Message::MonthPreset(Preset::ThisMonth)),
            small(t(R::LastMonth), Message::MonthPreset(Preset::LastMonth)),
            text_input(t(R::Month), &self.month)
                .on_input(Message::MonthChanged)
                .on_submit(Message::ShowCommission)
                .size(15)
                .padding(6)
                .width(170),
            small(t(R::Show), Message::ShowCommission),
            Space::new().width(Fill),
            export_buttons(lang, Report::Commission, self.commission.ready().is_some()),
        ]
        .spacing(6)
        .align_y(Alignment::Center);
        let c = Column::new().spacing(6).push(top);
        let com = match &self.commission {
            Loaded::Ready(x) => x,
            Loaded::Refused(why) => return c.push(calm(why.get(lang))).into(),
            Loaded::Counting => return c.push(calm(t(R::Counting))).into(),
            Loaded::None => return c.into(),
        };
        let mut body = Column::new().spacing(6);
        body = body.push(
            text(format!(
                "{} · {}",
                com.month,
                words::rates(lang, &com.rates)
            ))
            .size(15)
            .font(fonts::BOLD),
        );
        if com.own_only {
            body = body.push(text(t(R::OwnCommission)).size(14));
        }
        let cols: [(R, u16); 9] = [
            (R::SalesCode, 2),
            (R::Name, 2),
            (R::Orders, 2),
            (R::Paid, 3),
            (R::Refunds, 2),
            (R::Refunded, 3),
            (R::Net, 3),
            (R::Rate, 2),
            (R::Commission, 3),
        ];
        let mut head = Row::new().spacing(6);
        for (r, w) in cols {
            head = head.push(text(t(r)).size(14).font(fonts::BOLD).width(FillPortion(w)));
        }
        body = body.push(head);
        if com.rows.is_empty() {
            body = body.push(text(t(R::NoSales)).size(15));
        }
        for r in &com.rows {
            let cells = [
                r.code.clone(),
                r.name.clone().unwrap_or_default(),
                r.orders.to_string(),
                words::yuan(r.paid),
                r.refunds.to_string(),
                words::yuan(r.refunded),
                words::yuan(r.net),
                percent(r.rate_bp),
                words::yuan(r.commission),
            ];
            let mut line = Row::new().spacing(6);
            for ((_, w), cell) in cols.iter().zip(cells) {
                line = line.push(text(cell).size(15).width(FillPortion(*w)));
            }
            body = body.push(line);
        }
        body = body.push(Space::new().height(6));
        let n = com.uncredited.len();
        let mut unc = row![
            text(words::uncredited(
                lang,
                n,
                com.uncredited_paid,
                com.uncredited_refunded
            ))
            .size(16)
            .font(fonts::BOLD)
            .width(Fill)
        ]
        .spacing(8)
        .align_y(Alignment::Center);
        if n > 0 {
            unc = unc.push(small(
                t(if self.show_uncredited {
                    R::HideUncredited
                } else {
                    R::ShowUncredited
                }),
                Message::UncreditedToggled,
            ));
        }
        body = body.push(container(unc).padding(6).width(Fill).style(if n == 0 {
            container::success
        } else {
            container::warning
        }));
        body = body.push(text(t(R::UncreditedWhy)).size(14));
        if self.show_uncredited && n > 0 {
            body = body.push(
                row![
                    text(t(R::OrderNo)).size(14).width(FillPortion(4)),
                    text(t(R::PaidAt)).size(14).width(FillPortion(3)),
                    text(t(R::Paid)).size(14).width(FillPortion(2)),
                ]
                .spacing(6),
            );
            let from = self.uncredited_page * super::PAGE;
            for u in com.uncredited.iter().skip(from).take(super::PAGE) {
                body = body.push(
                    row![
                        text(u.order_no.clone())
                            .font(fonts::MONO)
                            .size(14)
                            .width(FillPortion(4)),
                        text(super::shop_time(&u.paid_at))
                            .size(14)
                            .width(FillPortion(3)),
                        text(words::yuan(u.paid)).size(14).width(FillPortion(2)),
                    ]
                    .spacing(6),
                );
            }
            if let Some(p) = super::pager(self.uncredited_page, n, Message::UncreditedPage) {
                body = body.push(p);
            }
        }
        c.push(super::scroll(body.width(Fill)).height(Fill)).into()
    }
}

/// A small secondary button.
fn small(label: &str, m: Message) -> iced::widget::Button<'_, Message> {
    button(text(label.to_string()).size(14))
        .padding([4, 8])
        .style(button::secondary)
        .on_press(m)
}

/// A word in the tab instead of figures: counting, or why there are none.
fn calm(words: &str) -> Element<'_, Message> {
    container(text(words.to_string()).size(17))
        .padding(10)
        .width(Fill)
        .style(container::rounded_box)
        .into()
}

fn export_buttons(lang: Lang, report: Report, ready: bool) -> Element<'static, Message> {
    let b = |r: R, f: Format| {
        button(text(rt(lang, r)).size(14))
            .padding([4, 8])
            .on_press_maybe(ready.then_some(Message::Export(report, f)))
    };
    // As far from the right edge as the tables below (they keep room for the scroll bar).
    container(row![b(R::ExportCsv, Format::Csv), b(R::ExportXlsx, Format::Xlsx)].spacing(6))
        .padding(iced::Padding {
            right: 14.0,
            ..iced::Padding::ZERO
        })
        .into()
}

/// A performance figure column: its name and its value in a row.
type Figure = (R, fn(&PerfRow) -> i64);

/// The figures a performance table may show, in the sheet's order. Parcels per hour are in
/// tenths (shown with one decimal).
const FIGURES: [Figure; 16] = [
    (R::BatchesPicked, |r| r.figures.batches_picked),
    (R::LinesPicked, |r| r.figures.lines_picked),
    (R::UnitsPicked, |r| r.figures.units_picked),
    (R::ParcelsChecked, |r| r.figures.parcels_checked),
    (R::UnitsChecked, |r| r.figures.units_checked),
    (R::CheckHours, |r| r.figures.check_hours),
    (R::PerHour, |r| r.parcels_per_hour_tenths.unwrap_or(0)),
    (R::Mismatches, |r| r.figures.mismatches_caught),
    (R::Bulk, |r| r.figures.parcels_bulk),
    (R::BatchesPrinted, |r| r.figures.batches_printed),
    (R::WaybillsPrinted, |r| r.figures.waybills_printed),
    (R::Reprints, |r| r.figures.waybills_reprinted),
    (R::Labels, |r| r.figures.labels_printed),
    (R::StocktakeLines, |r| r.figures.stocktake_lines),
    (R::Recounts, |r| r.figures.recounts),
    (R::MisshipsChecked, |r| r.figures.misships_checked),
];

/// The picked mis-ships, kept apart from `FIGURES` so the array stays the sheet's order.
const MISSHIPS_PICKED: Figure = (R::MisshipsPicked, |r| r.figures.misships_picked);

/// The figure columns worth showing for these rows: those not zero in every row (a 1024-wide
/// screen has no room for sixteen columns of zeros).
pub fn shown_figures(rows: &[PerfRow]) -> Vec<R> {
    FIGURES
        .iter()
        .chain(std::iter::once(&MISSHIPS_PICKED))
        .filter(|(_, f)| rows.iter().any(|r| f(r) != 0))
        .map(|(r, _)| *r)
        .collect()
}

/// A figure of a row as the table shows it.
pub fn figure(row: &PerfRow, which: R) -> String {
    let Some((_, f)) = FIGURES
        .iter()
        .chain(std::iter::once(&MISSHIPS_PICKED))
        .find(|(r, _)| *r == which)
    else {
        return String::new();
    };
    if which == R::PerHour {
        return row
            .parcels_per_hour_tenths
            .map(|t| format!("{}.{}", t / 10, t % 10))
            .unwrap_or_default();
    }
    f(row).to_string()
}

fn perf_table<'a>(lang: Lang, rows: &'a [PerfRow], page: usize) -> Element<'a, Message> {
    let t = |r: R| rt(lang, r);
    if rows.is_empty() {
        return text(t(R::NothingRecorded)).size(15).into();
    }
    let cols = shown_figures(rows);
    let mut head = row![
        text(t(R::Period))
            .size(13)
            .font(fonts::BOLD)
            .width(FillPortion(3)),
        text(t(R::Code))
            .size(13)
            .font(fonts::BOLD)
            .width(FillPortion(2)),
        text(t(R::Name))
            .size(13)
            .font(fonts::BOLD)
            .width(FillPortion(2)),
    ]
    .spacing(4);
    for c in &cols {
        head = head.push(text(t(*c)).size(13).font(fonts::BOLD).width(FillPortion(2)));
    }
    let mut c = Column::new().spacing(2).push(head);
    for r in rows.iter().skip(page * super::PAGE).take(super::PAGE) {
        let mut line = row![
            text(r.period.clone()).size(14).width(FillPortion(3)),
            text(r.staff_code.clone())
                .size(14)
                .font(fonts::MONO)
                .width(FillPortion(2)),
            text(r.staff_name.clone()).size(14).width(FillPortion(2)),
        ]
        .spacing(4);
        for col in &cols {
            line = line.push(text(figure(r, *col)).size(14).width(FillPortion(2)));
        }
        c = c.push(line);
    }
    if let Some(p) = super::pager(page, rows.len(), Message::PerfPage) {
        c = c.push(p);
    }
    c.into()
}

/// Each checker's checked parcels per hour of the day as bars (one row of 24 per checker,
/// scaled to the busiest hour of all), the count above each bar.
fn hourly_chart<'a>(lang: Lang, perf: &'a Performance) -> Element<'a, Message> {
    const HEIGHT: f32 = 90.0;
    if perf.hourly.is_empty() {
        return text(rt(lang, R::ChartEmpty)).size(15).into();
    }
    let max = perf
        .hourly
        .iter()
        .flat_map(|l| l.parcels.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    let mut c = Column::new().spacing(10);
    for line in &perf.hourly {
        let mut bars = Row::new().spacing(2).align_y(Alignment::End);
        for n in line.parcels {
            let h = (n as f32 / max as f32 * HEIGHT).max(if n > 0 { 2.0 } else { 0.0 });
            let bar = container(Space::new().width(Fill).height(Length::Fixed(h)))
                .width(Fill)
                .style(|th: &iced::Theme| container::Style {
                    background: Some(th.palette().primary.into()),
                    ..container::Style::default()
                });
            let label = text(if n > 0 { n.to_string() } else { String::new() }).size(11);
            bars = bars.push(
                Column::new()
                    .push(label)
                    .push(bar)
                    .width(FillPortion(1))
                    .align_x(Alignment::Center),
            );
        }
        let mut hours = Row::new().spacing(2);
        for h in 0..24 {
            hours = hours.push(
                text(if h % 2 == 0 {
                    format!("{h:02}")
                } else {
                    String::new()
                })
                .size(11)
                .width(FillPortion(1))
                .align_x(Alignment::Center),
            );
        }
        let total: i64 = line.parcels.iter().sum();
        c = c.push(
            row![
                text(format!("{} {}\n{total}", line.staff_code, line.staff_name))
                    .size(14)
                    .width(110),
                Column::new()
                    .push(
                        container(bars)
                            .height(Length::Fixed(HEIGHT + 16.0))
                            .align_y(iced::alignment::Vertical::Bottom),
                    )
                    .push(hours)
                    .width(Fill),
            ]
            .spacing(8)
            .align_y(Alignment::End),
        );
    }
    container(c)
        .padding(8)
        .width(Fill)
        .style(container::rounded_box)
        .into()
}

/// Money of a commission row as the table shows it (tests compare with it).
pub fn money(f: Fen) -> String {
    words::yuan(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_the_days_people_mean() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-12-03");
        assert_eq!(Preset::Today.days(today), (today, today));
        assert_eq!(Preset::ThisWeek.days(today), (d("2026-11-30"), today));
        assert_eq!(Preset::ThisMonth.days(today), (d("2026-12-01"), today));
        assert_eq!(
            Preset::LastMonth.days(today),
            (d("2026-11-01"), d("2026-11-30"))
        );
        assert_eq!(
            Preset::LastMonth.days(d("2027-01-15")),
            (d("2026-12-01"), d("2026-12-31"))
        );
    }

    #[test]
    fn all_zero_columns_are_left_out() {
        use crate::domain::Role;
        use crate::flow::report::Figures;
        let row = |checked: i64, labels: i64| PerfRow {
            period: "2026-12-01".into(),
            staff_code: "YH01".into(),
            staff_name: "x".into(),
            role: Role::Checker,
            figures: Figures {
                parcels_checked: checked,
                labels_printed: labels,
                check_hours: 1,
                ..Figures::default()
            },
            parcels_per_hour_tenths: Some(checked * 10),
        };
        let rows = [row(3, 0), row(0, 5)];
        assert_eq!(
            shown_figures(&rows),
            [R::ParcelsChecked, R::CheckHours, R::PerHour, R::Labels]
        );
        assert_eq!(figure(&rows[0], R::PerHour), "3.0");
        assert_eq!(figure(&rows[1], R::Labels), "5");
    }
}
