//! The team screen (团队), open to every role: the week's roster (set by whoever manages staff),
//! the handover book (everyone writes for their shift; today's and yesterday's shown), and the
//! team fund (balance for all to see, the month's ledger; fines, rewards and spending entered by
//! the boss, a fine only after a confirmation). It also holds what the handover book shows at
//! sign-in, until the person dismisses it.

use super::{Action, Ctx, Notice};
use crate::domain::team::{self, Shift};
use crate::domain::time::shop_today;
use crate::domain::{Fen, Permission};
use crate::flow;
use crate::flow::team::{AtSignIn, Fine, FinePreview, Ledger, RosterSet, WeekRoster};
use crate::scan::Scan;
use crate::store::{FundRow, HandoverRow, Store};
use crate::ui::fonts;
use crate::ui::i18n::team::{self as words, M, mt};
use crate::ui::i18n::{Bi, Lang};
use crate::ui::job::{Failure, Job};
use crate::ui::sound::Sound;
use chrono::{Datelike, NaiveDate, TimeDelta};
use iced::widget::{Column, button, container, row, text, text_input};
use iced::{Element, Fill, FillPortion};

/// The part of the screen shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Roster,
    Handover,
    Fund,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Roster, Tab::Handover, Tab::Fund];

    fn label(self) -> M {
        match self {
            Tab::Roster => M::TabRoster,
            Tab::Handover => M::TabHandover,
            Tab::Fund => M::TabFund,
        }
    }
}

/// What the fund form enters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Entry {
    #[default]
    Complaint,
    Violation,
    Reward(u8),
    Spend,
}

impl Entry {
    const ALL: [Entry; 6] = [
        Entry::Complaint,
        Entry::Violation,
        Entry::Reward(1),
        Entry::Reward(2),
        Entry::Reward(3),
        Entry::Spend,
    ];

    fn label(self) -> M {
        match self {
            Entry::Complaint => M::Complaint,
            Entry::Violation => M::Violation,
            Entry::Reward(1) => M::Reward1,
            Entry::Reward(2) => M::Reward2,
            Entry::Reward(_) => M::Reward3,
            Entry::Spend => M::Spend,
        }
    }
}

#[derive(Debug, Clone)]
pub enum Message {
    Scanned(Scan),
    TabPicked(Tab),
    /// Weeks from this one (0: this week).
    WeekPicked(i64),
    WhoChanged(String),
    ShiftPicked(Shift),
    RestPicked(u8),
    FromChanged(String),
    SetRoster,
    RosterSaved(Result<RosterSet, Failure>),
    DraftChanged(String),
    WriteHandover,
    HandoverWritten(Result<HandoverRow, Failure>),
    /// Months from this one (0: this month).
    MonthPicked(i32),
    EntryPicked(Entry),
    FundWhoChanged(String),
    AmountChanged(String),
    ReasonChanged(String),
    /// Enter what the form says (a fine asks for a confirmation first).
    Enter,
    ConfirmFine,
    CancelFine,
    Reverse(i64),
    FundWritten(Result<FundRow, Failure>),
    /// The handover shown at sign-in was read.
    DismissHandover,
}

#[derive(Default)]
pub struct State {
    pub tab: Tab,
    /// Weeks from this one the roster shows.
    pub week_offset: i64,
    pub week: Option<WeekRoster>,
    pub who: String,
    pub shift: Option<Shift>,
    pub rest_day: Option<u8>,
    pub from: String,
    pub draft: String,
    pub today: Vec<HandoverRow>,
    pub yesterday: Vec<HandoverRow>,
    /// Months from this one the ledger shows.
    pub month_offset: i32,
    pub ledger: Option<Ledger>,
    pub entry: Entry,
    pub fund_who: String,
    pub amount: String,
    pub reason: String,
    /// A fine waiting for its confirmation.
    pub confirm: Option<FinePreview>,
    /// What the handover book held at sign-in, until dismissed.
    pub at_sign_in: Option<AtSignIn>,
    pub busy: usize,
}

fn may_manage(ctx: Ctx<'_>) -> bool {
    ctx.actor.require(Permission::ManageStaff).is_ok()
}

fn failed(e: &crate::error::Error) -> Action<Message> {
    Action::notice(Notice::failed(Bi::error(e))).with_sound(Sound::Error)
}

fn first_of_month(offset: i32) -> NaiveDate {
    let today = shop_today();
    let months = today.year() * 12 + today.month0() as i32 + offset;
    NaiveDate::from_ymd_opt(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1)
        .unwrap_or(today)
}

impl State {
    /// At sign-in: what the shift before left, kept to show when there is any.
    pub fn signed_in(&mut self, ctx: Ctx<'_>) {
        self.at_sign_in = flow::team::at_sign_in(ctx.store, ctx.actor, chrono::Utc::now())
            .ok()
            .filter(|h| !h.entries.is_empty());
    }

    pub fn opened(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        self.reload(ctx)
    }

    /// Reads the three lists again (small tables, read on the window's connection).
    fn reload(&mut self, ctx: Ctx<'_>) -> Action<Message> {
        let today = shop_today();
        let read = || -> crate::Result<_> {
            let week = flow::team::week(
                ctx.store,
                ctx.actor,
                today + TimeDelta::weeks(self.week_offset),
            )?;
            let t = flow::team::handover_day(ctx.store, ctx.actor, today)?;
            let y =
                flow::team::handover_day(ctx.store, ctx.actor, today.pred_opt().unwrap_or(today))?;
            let l = flow::team::ledger(ctx.store, ctx.actor, first_of_month(self.month_offset))?;
            Ok((week, t, y, l))
        };
        match read() {
            Ok((week, t, y, l)) => {
                self.week = Some(week);
                self.today = t;
                self.yesterday = y;
                self.ledger = Some(l);
                Action::none()
            }
            Err(e) => failed(&e),
        }
    }

    pub fn update(&mut self, ctx: Ctx<'_>, msg: Message) -> Action<Message> {
        let actor = ctx.actor.clone();
        match msg {
            // A staff badge scanned on the roster or fund form names the person.
            Message::Scanned(scan) => {
                match self.tab {
                    Tab::Roster => self.who = scan.code,
                    Tab::Fund => self.fund_who = scan.code,
                    Tab::Handover => {}
                }
                Action::none()
            }
            Message::TabPicked(t) => {
                self.tab = t;
                self.reload(ctx)
            }
            Message::WeekPicked(w) => {
                self.week_offset = w;
                self.reload(ctx)
            }
            Message::WhoChanged(v) => {
                self.who = v;
                Action::none()
            }
            Message::ShiftPicked(s) => {
                self.shift = Some(s);
                Action::none()
            }
            Message::RestPicked(d) => {
                self.rest_day = Some(d);
                Action::none()
            }
            Message::FromChanged(v) => {
                self.from = v;
                Action::none()
            }
            Message::SetRoster => {
                let (Some(shift), Some(rest)) = (self.shift, self.rest_day) else {
                    return failed(&crate::error::Error::invalid(
                        "请选班次和休息日",
                        "pick a shift and a rest day",
                    ));
                };
                let from = if self.from.trim().is_empty() {
                    shop_today()
                } else {
                    match NaiveDate::parse_from_str(self.from.trim(), "%Y-%m-%d") {
                        Ok(d) => d,
                        Err(_) => {
                            return failed(&crate::error::Error::invalid(
                                format!("日期写法不对：{}（例如 2026-12-07）", self.from.trim()),
                                format!("not a date: {} (e.g. 2026-12-07)", self.from.trim()),
                            ));
                        }
                    }
                };
                let code = self.who.trim().to_string();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::team::set_roster(s, &actor, &code, shift, rest, from)
                    },
                    Message::RosterSaved,
                ))
            }
            Message::RosterSaved(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(r) => {
                        self.who.clear();
                        self.reload(ctx)
                            .with_notice(Notice::done(Bi::with(|l| words::roster_set(l, &r))))
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::DraftChanged(v) => {
                self.draft = v;
                Action::none()
            }
            Message::WriteHandover => {
                let text = self.draft.clone();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::team::add_handover(s, &actor, &text, chrono::Utc::now())
                    },
                    Message::HandoverWritten,
                ))
            }
            Message::HandoverWritten(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(e) => {
                        // Kept as typed on a refusal; cleared once it is in the book.
                        self.draft.clear();
                        let s = team::ShiftInstance {
                            day: NaiveDate::parse_from_str(&e.day, "%Y-%m-%d")
                                .unwrap_or_else(|_| shop_today()),
                            shift: e.shift,
                        };
                        self.reload(ctx)
                            .with_notice(Notice::done(Bi::with(|l| words::handover_written(l, s))))
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::MonthPicked(m) => {
                self.month_offset = m;
                self.reload(ctx)
            }
            Message::EntryPicked(e) => {
                self.entry = e;
                self.confirm = None;
                Action::none()
            }
            Message::FundWhoChanged(v) => {
                self.fund_who = v;
                self.confirm = None;
                Action::none()
            }
            Message::AmountChanged(v) => {
                self.amount = v;
                Action::none()
            }
            Message::ReasonChanged(v) => {
                self.reason = v;
                Action::none()
            }
            Message::Enter => {
                let now = chrono::Utc::now();
                let (who, reason) = (self.fund_who.trim().to_string(), self.reason.clone());
                match self.entry {
                    Entry::Complaint | Entry::Violation => {
                        let fine = if self.entry == Entry::Complaint {
                            Fine::Complaint
                        } else {
                            Fine::Violation
                        };
                        // Nothing is written yet: the amount (doubled?) is shown to confirm.
                        if self.reason.trim().is_empty() {
                            return failed(&crate::error::Error::invalid(
                                "要写明原因",
                                "a reason is needed",
                            ));
                        }
                        match flow::team::preview_fine(ctx.store, ctx.actor, &who, fine, now) {
                            Ok(p) => {
                                self.confirm = Some(p);
                                Action::none()
                            }
                            Err(e) => failed(&e),
                        }
                    }
                    Entry::Reward(place) => {
                        self.busy += 1;
                        Action::job(Job::new(
                            move |s: &mut Store| {
                                flow::team::reward(s, &actor, &who, place, &reason, now)
                            },
                            Message::FundWritten,
                        ))
                    }
                    Entry::Spend => {
                        let amount = match Fen::parse_yuan(&self.amount) {
                            Ok(a) => a,
                            Err(e) => {
                                return failed(&crate::error::Error::invalid(
                                    e.zh(),
                                    e.to_string(),
                                ));
                            }
                        };
                        self.busy += 1;
                        Action::job(Job::new(
                            move |s: &mut Store| flow::team::spend(s, &actor, amount, &reason, now),
                            Message::FundWritten,
                        ))
                    }
                }
            }
            Message::ConfirmFine => {
                let Some(p) = self.confirm.take() else {
                    return Action::none();
                };
                let fine = if p.kind == team::FundKind::ComplaintFine {
                    Fine::Complaint
                } else {
                    Fine::Violation
                };
                let reason = self.reason.clone();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::team::fine(
                            s,
                            &actor,
                            &p.staff_code,
                            fine,
                            &reason,
                            chrono::Utc::now(),
                        )
                    },
                    Message::FundWritten,
                ))
            }
            Message::CancelFine => {
                self.confirm = None;
                Action::none()
            }
            Message::Reverse(id) => {
                let reason = self.reason.clone();
                self.busy += 1;
                Action::job(Job::new(
                    move |s: &mut Store| {
                        flow::team::reverse(s, &actor, id, &reason, chrono::Utc::now())
                    },
                    Message::FundWritten,
                ))
            }
            Message::FundWritten(r) => {
                self.busy = self.busy.saturating_sub(1);
                match r {
                    Ok(row) => {
                        self.reason.clear();
                        self.amount.clear();
                        let a = self.reload(ctx);
                        let balance = self.ledger.as_ref().map_or(Fen(0), |l| l.balance);
                        let sound = if row.flagged { Sound::Error } else { Sound::Ok };
                        a.with_sound(sound).with_notice(Notice {
                            text: Bi::with(|l| {
                                words::entered(
                                    l,
                                    row.kind,
                                    row.staff_code.as_deref(),
                                    row.amount,
                                    balance,
                                )
                            }),
                            tone: if row.flagged {
                                super::Tone::Warning
                            } else {
                                super::Tone::Done
                            },
                        })
                    }
                    Err(e) => failed(&e),
                }
            }
            Message::DismissHandover => {
                self.at_sign_in = None;
                Action::none()
            }
        }
    }

    /// What the handover book held at sign-in, as a panel above the screen until dismissed.
    pub fn sign_in_panel(&self, lang: Lang) -> Option<Element<'_, Message>> {
        let h = self.at_sign_in.as_ref()?;
        let mut list = Column::new().spacing(6);
        for e in &h.entries {
            list = list.push(entry_line(lang, e));
        }
        let head = row![
            column_of(
                text(mt(lang, M::HandoverTitle)).size(20).font(fonts::BOLD),
                text(words::left_by(lang, h.previous, h.entries.len())).size(15),
            ),
            button(text(mt(lang, M::GotIt)).size(18))
                .padding([6, 18])
                .on_press(Message::DismissHandover),
        ]
        .spacing(12)
        .align_y(iced::Alignment::Center);
        Some(
            container(
                Column::new()
                    .spacing(8)
                    .push(head)
                    .push(super::scroll(list).height(iced::Length::Shrink)),
            )
            .padding(10)
            .width(Fill)
            .max_height(260)
            .style(container::bordered_box)
            .into(),
        )
    }

    pub fn view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let t = |m: M| mt(lang, m);
        let tabs = super::tabs(
            &Tab::ALL,
            self.tab,
            |tab| t(tab.label()).to_string(),
            Message::TabPicked,
        );
        let body = match self.tab {
            Tab::Roster => self.roster_view(ctx),
            Tab::Handover => self.handover_view(lang),
            Tab::Fund => self.fund_view(ctx),
        };
        Column::new()
            .spacing(10)
            .padding(4)
            .push(tabs)
            .push(body)
            .width(Fill)
            .into()
    }

    fn roster_view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let t = |m: M| mt(lang, m);
        let nav = |label: M, w: i64| {
            let b = button(text(t(label)).size(15)).padding([4, 10]);
            b.style(if w == self.week_offset {
                button::primary
            } else {
                button::secondary
            })
            .on_press(Message::WeekPicked(w))
        };
        let mut c = Column::new().spacing(6);
        let mut top = row![
            nav(M::PrevWeek, self.week_offset - 1),
            nav(M::ThisWeek, 0),
            nav(M::NextWeek, self.week_offset + 1),
        ]
        .spacing(6)
        .align_y(iced::Alignment::Center);
        if let Some(w) = &self.week {
            top = top.push(
                text(format!(
                    "{} {} · {} {}",
                    words::shift(lang, Shift::Day),
                    w.day_shift,
                    words::shift(lang, Shift::Night),
                    w.night_shift
                ))
                .size(15),
            );
        }
        c = c.push(top.wrap());
        if let Some(w) = &self.week {
            let mut head = row![text(t(M::ColStaff)).size(15).width(FillPortion(3))].spacing(4);
            for (i, d) in w.days.iter().enumerate() {
                let today = *d == shop_today();
                head = head.push(
                    text(format!("{} {}", words::weekday(lang, i), d.format("%m-%d")))
                        .size(15)
                        .font(if today { fonts::BOLD } else { fonts::REGULAR })
                        .width(FillPortion(2)),
                );
            }
            let mut rows = Column::new().spacing(2);
            if w.people.is_empty() {
                rows = rows.push(text(t(M::NoRoster)).size(17));
            }
            for p in &w.people {
                let mut r = row![
                    text(format!("{} {}", p.staff_code, p.name))
                        .size(15)
                        .width(FillPortion(3))
                ]
                .spacing(4);
                for d in &p.days {
                    let cell = container(text(words::plan(lang, *d)).size(15))
                        .padding([2, 4])
                        .width(FillPortion(2));
                    r = r.push(match d {
                        Some(team::DayPlan::Rest) => cell.style(container::warning),
                        Some(team::DayPlan::Work(Shift::Night)) => cell.style(container::secondary),
                        _ => cell,
                    });
                }
                rows = rows.push(r.align_y(iced::Alignment::Center));
            }
            c = c
                .push(head)
                .push(super::scroll(rows).height(iced::Length::FillPortion(3)));
        }
        if may_manage(ctx) {
            let pick = |label: &'static str, on: bool, m: Message| {
                button(text(label).size(15))
                    .padding([4, 8])
                    .style(if on {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(m)
            };
            let mut shifts = row![text(t(M::SetRoster)).size(16).font(fonts::BOLD)]
                .spacing(6)
                .align_y(iced::Alignment::Center);
            for s in [Shift::Day, Shift::Night] {
                shifts = shifts.push(pick(
                    words::shift(lang, s),
                    self.shift == Some(s),
                    Message::ShiftPicked(s),
                ));
            }
            let mut rest = row![text(t(M::RestDay)).size(15)]
                .spacing(4)
                .align_y(iced::Alignment::Center);
            for i in 0..7u8 {
                rest = rest.push(pick(
                    words::weekday(lang, usize::from(i)),
                    self.rest_day == Some(i),
                    Message::RestPicked(i),
                ));
            }
            c = c.push(
                container(
                    Column::new()
                        .spacing(6)
                        .push(shifts.wrap())
                        .push(rest.wrap())
                        .push(
                            row![
                                text_input(t(M::StaffCode), &self.who)
                                    .on_input(Message::WhoChanged)
                                    .size(16)
                                    .padding(6)
                                    .width(FillPortion(2)),
                                text_input(t(M::FromDay), &self.from)
                                    .on_input(Message::FromChanged)
                                    .size(16)
                                    .padding(6)
                                    .width(FillPortion(3)),
                                button(text(t(M::Save)).size(16))
                                    .padding([6, 14])
                                    .style(button::success)
                                    .on_press(Message::SetRoster),
                            ]
                            .spacing(6),
                        ),
                )
                .padding(8)
                .width(Fill)
                .style(container::rounded_box),
            );
        }
        c.into()
    }

    fn handover_view(&self, lang: Lang) -> Element<'_, Message> {
        let t = |m: M| mt(lang, m);
        let mut c = Column::new()
            .spacing(8)
            .push(text(t(M::HandoverHint)).size(15))
            .push(
                row![
                    text_input(t(M::Draft), &self.draft)
                        .on_input(Message::DraftChanged)
                        .on_submit(Message::WriteHandover)
                        .size(17)
                        .padding(8),
                    button(text(t(M::Write)).size(17))
                        .padding([8, 14])
                        .style(button::success)
                        .on_press(Message::WriteHandover),
                ]
                .spacing(8),
            );
        let mut list = Column::new().spacing(6);
        for (title, entries) in [(M::Today, &self.today), (M::Yesterday, &self.yesterday)] {
            list = list.push(text(t(title)).size(17).font(fonts::BOLD));
            if entries.is_empty() {
                list = list.push(text(t(M::NothingWritten)).size(15));
            }
            for e in entries.iter().rev() {
                list = list.push(entry_line(lang, e));
            }
        }
        c = c.push(super::scroll(list));
        c.into()
    }

    fn fund_view(&self, ctx: Ctx<'_>) -> Element<'_, Message> {
        let lang = ctx.lang;
        let t = |m: M| mt(lang, m);
        let manage = may_manage(ctx);
        let mut c = Column::new().spacing(8);
        let Some(l) = &self.ledger else {
            return c.into();
        };
        let nav = |label: M, m: i32| {
            let b = button(text(t(label)).size(15)).padding([4, 10]);
            b.style(if m == self.month_offset {
                button::primary
            } else {
                button::secondary
            })
            .on_press(Message::MonthPicked(m))
        };
        c = c.push(
            row![
                column_of(
                    text(t(M::Balance)).size(15),
                    text(l.balance.yuan()).size(34).font(fonts::BOLD),
                ),
                column_of(
                    text(l.month.clone()).size(15).font(fonts::BOLD),
                    text(format!(
                        "{} ¥{} · {} ¥{}",
                        t(M::MonthIn),
                        l.month_in,
                        t(M::MonthOut),
                        l.month_out
                    ))
                    .size(15),
                ),
                row![
                    nav(M::PrevMonth, self.month_offset - 1),
                    nav(M::ThisMonth, 0),
                    nav(M::NextMonth, self.month_offset + 1),
                ]
                .spacing(4)
                .wrap(),
            ]
            .spacing(24)
            .align_y(iced::Alignment::Center),
        );
        if manage {
            c = c.push(self.fund_form(lang));
        }
        let mut rows = Column::new().spacing(2).push(
            row![
                text("#").size(14).width(FillPortion(1)),
                text(t(M::ColWhen)).size(14).width(FillPortion(3)),
                text(t(M::ColKind)).size(14).width(FillPortion(3)),
                text(t(M::ColWho)).size(14).width(FillPortion(2)),
                text(t(M::ColAmount)).size(14).width(FillPortion(2)),
                text(t(M::ColReason)).size(14).width(FillPortion(4)),
                text(t(M::ColBy)).size(14).width(FillPortion(2)),
                text("").size(14).width(FillPortion(4)),
            ]
            .spacing(4),
        );
        if l.entries.is_empty() {
            rows = rows.push(text(t(M::NoEntries)).size(16));
        }
        for e in l.entries.iter().rev() {
            let mark: Element<'_, Message> = match (e.reversed_by, e.reverses, e.flagged) {
                (Some(by), _, _) => text(format!("{} #{by}", t(M::ReversedBy))).size(14).into(),
                (_, Some(of), _) => text(format!("→ #{of}")).size(14).into(),
                (None, None, flagged) if manage => {
                    let b = button(text(t(M::Reverse)).size(13))
                        .padding([2, 6])
                        .style(button::secondary)
                        .on_press(Message::Reverse(e.id));
                    if flagged {
                        row![flag(lang), b].spacing(4).into()
                    } else {
                        b.into()
                    }
                }
                (_, _, true) => flag(lang),
                _ => text("").into(),
            };
            rows = rows.push(
                row![
                    text(e.id.to_string()).size(14).width(FillPortion(1)),
                    text(super::shop_time(&e.at)).size(14).width(FillPortion(3)),
                    text(words::fund_kind(lang, e.kind))
                        .size(14)
                        .width(FillPortion(3)),
                    text(e.staff_name.clone().unwrap_or_default())
                        .size(14)
                        .width(FillPortion(2)),
                    text(format!("{:+}", Signed(e.amount)))
                        .size(14)
                        .font(fonts::MONO)
                        .width(FillPortion(2)),
                    text(&e.reason).size(14).width(FillPortion(4)),
                    text(&e.by).size(14).width(FillPortion(2)),
                    container(mark).width(FillPortion(4)),
                ]
                .spacing(4)
                .align_y(iced::Alignment::Center),
            );
        }
        c = c.push(super::scroll(rows));
        if !manage {
            c = c.push(text(t(M::ReadOnlyFund)).size(13));
        }
        c.into()
    }

    fn fund_form(&self, lang: Lang) -> Element<'_, Message> {
        let t = |m: M| mt(lang, m);
        if let Some(p) = &self.confirm {
            return container(
                row![
                    text(words::confirm_fine(lang, p)).size(17).width(Fill),
                    button(text(t(M::Confirm)).size(16))
                        .padding([6, 12])
                        .style(button::danger)
                        .on_press(Message::ConfirmFine),
                    button(text(t(M::Cancel)).size(16))
                        .padding([6, 12])
                        .style(button::secondary)
                        .on_press(Message::CancelFine),
                ]
                .spacing(8)
                .align_y(iced::Alignment::Center),
            )
            .padding(8)
            .width(Fill)
            .style(container::warning)
            .into();
        }
        let mut kinds = row![].spacing(4);
        for e in Entry::ALL {
            kinds = kinds.push(
                button(text(t(e.label())).size(14))
                    .padding([4, 8])
                    .style(if e == self.entry {
                        button::primary
                    } else {
                        button::secondary
                    })
                    .on_press(Message::EntryPicked(e)),
            );
        }
        let mut fields = row![].spacing(6);
        if self.entry == Entry::Spend {
            fields = fields.push(
                text_input(t(M::AmountYuan), &self.amount)
                    .on_input(Message::AmountChanged)
                    .size(16)
                    .padding(6)
                    .width(FillPortion(2)),
            );
        } else {
            fields = fields.push(
                text_input(t(M::StaffCode), &self.fund_who)
                    .on_input(Message::FundWhoChanged)
                    .size(16)
                    .padding(6)
                    .width(FillPortion(2)),
            );
        }
        fields = fields
            .push(
                text_input(t(M::Reason), &self.reason)
                    .on_input(Message::ReasonChanged)
                    .on_submit(Message::Enter)
                    .size(16)
                    .padding(6)
                    .width(FillPortion(5)),
            )
            .push(
                button(text(t(M::Enter)).size(16))
                    .padding([6, 14])
                    .style(button::success)
                    .on_press(Message::Enter),
            );
        container(Column::new().spacing(6).push(kinds.wrap()).push(fields))
            .padding(8)
            .width(Fill)
            .style(container::rounded_box)
            .into()
    }
}

/// An amount with its sign, so money in and out read apart.
struct Signed(Fen);

impl std::fmt::Display for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.0 > 0 && f.sign_plus() {
            write!(f, "+")?;
        }
        write!(f, "{}", self.0)
    }
}

fn flag<'a>(lang: Lang) -> Element<'a, Message> {
    container(text(mt(lang, M::ThirdPlus)).size(13))
        .padding([1, 4])
        .style(container::danger)
        .into()
}

fn column_of<'a>(
    a: impl Into<Element<'a, Message>>,
    b: impl Into<Element<'a, Message>>,
) -> Column<'a, Message> {
    Column::new().spacing(2).push(a).push(b)
}

/// One handover entry: when, which shift, who at which station, and the text.
fn entry_line(lang: Lang, e: &HandoverRow) -> Element<'_, Message> {
    container(
        Column::new()
            .spacing(2)
            .push(
                text(format!(
                    "{} · {} · {} {} @{}",
                    super::shop_time(&e.at),
                    words::shift(lang, e.shift),
                    e.staff_code,
                    e.staff_name,
                    e.terminal
                ))
                .size(13),
            )
            .push(text(&e.text).size(17)),
    )
    .padding([4, 8])
    .width(Fill)
    .style(container::rounded_box)
    .into()
}
