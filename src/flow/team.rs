//! The team (issue 16, item 5; the seed's rules): the roster (排班), the handover book (交接本)
//! and the team fund (团队基金). Everyone reads all three; the roster and the fund are written by
//! whoever manages staff (the boss), the handover book by every staff member for their shift.

use crate::domain::team::{
    self, DayPlan, FundAmounts, FundKind, HANDOVER_MAX, REASON_MAX, RosterRule, Shift,
    ShiftInstance, ShiftTimes,
};
use crate::domain::time::{shop_days_bounds, shop_zone, to_store};
use crate::domain::{Actor, Fen, Permission, Role};
use crate::error::{Error, Result};
use crate::store::{Db, FundRow, HandoverRow, NewFundEntry, Store};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};
use serde::Serialize;
use serde_json::json;

pub const DAY_SHIFT_SETTING: &str = "team.day_shift";
pub const NIGHT_SHIFT_SETTING: &str = "team.night_shift";
pub const COMPLAINT_FINE_SETTING: &str = "team.complaint_fine";
pub const VIOLATION_FINE_SETTING: &str = "team.violation_fine";
pub const REWARD_SETTINGS: [&str; 3] = ["team.reward_1", "team.reward_2", "team.reward_3"];

/// A shift span setting: `HH:MM-HH:MM`.
pub fn check_span(v: &str) -> Result<()> {
    team::parse_span(v)
        .map(drop)
        .map_err(|e| Error::invalid(e.zh(), e.to_string()))
}

/// An amount setting: yuan, more than nothing.
pub fn check_yuan(v: &str) -> Result<()> {
    match Fen::parse_yuan(v) {
        Ok(f) if f.0 > 0 => Ok(()),
        Ok(_) => Err(Error::invalid(
            "金额要大于 0",
            "the amount must be more than 0",
        )),
        Err(e) => Err(Error::invalid(e.zh(), e.to_string())),
    }
}

fn setting_or(db: &Db<'_>, key: &str, default: &str) -> Result<String> {
    Ok(db.setting(key)?.unwrap_or_else(|| default.to_string()))
}

/// The shift times the shop set (the seed's by default), checked as a pair.
pub fn shift_times(db: &Db<'_>) -> Result<ShiftTimes> {
    let d = ShiftTimes::default();
    let span = |key, default| -> Result<_> {
        let v = setting_or(db, key, &team::span_text(default))?;
        team::parse_span(&v).map_err(|e| Error::invalid(e.zh(), e.to_string()))
    };
    ShiftTimes::new(
        span(DAY_SHIFT_SETTING, d.day)?,
        span(NIGHT_SHIFT_SETTING, d.night)?,
    )
    .map_err(|e| {
        Error::invalid(
            format!(
                "班次设置有误：{}（请在设置里改 team.day_shift / team.night_shift）",
                e.zh()
            ),
            format!("the shift settings disagree: {e} (change team.day_shift / team.night_shift)"),
        )
    })
}

/// The fund's amounts the shop set (the seed's by default).
pub fn amounts(db: &Db<'_>) -> Result<FundAmounts> {
    let d = FundAmounts::default();
    let yuan = |key, default: Fen| -> Result<Fen> {
        let v = setting_or(db, key, &default.to_string())?;
        Fen::parse_yuan(&v).map_err(|e| Error::invalid(e.zh(), e.to_string()))
    };
    Ok(FundAmounts {
        complaint_fine: yuan(COMPLAINT_FINE_SETTING, d.complaint_fine)?,
        violation_fine: yuan(VIOLATION_FINE_SETTING, d.violation_fine)?,
        rewards: [
            yuan(REWARD_SETTINGS[0], d.rewards[0])?,
            yuan(REWARD_SETTINGS[1], d.rewards[1])?,
            yuan(REWARD_SETTINGS[2], d.rewards[2])?,
        ],
    })
}

fn shop_local(at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&shop_zone()).naive_local()
}

fn stored(local: NaiveDateTime) -> String {
    let t = shop_zone()
        .from_local_datetime(&local)
        .single()
        .expect("a fixed offset has one time");
    to_store(&t.with_timezone(&Utc))
}

fn staff_id(db: &Db<'_>, code: &str) -> Result<crate::domain::Staff> {
    if !crate::domain::staff::valid_staff_code(code) {
        return Err(Error::UnknownStaff(code.to_string()));
    }
    db.staff_by_code(code)?
        .ok_or_else(|| Error::UnknownStaff(code.to_string()))
}

// ---- The roster ----

/// A shift as it runs: which, and when its time begins and ends (stored times, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ShiftNow {
    pub current: ShiftInstance,
    pub previous: ShiftInstance,
}

/// Which shift it is at `at`, and which came before.
pub fn shift_at(store: &Store, at: DateTime<Utc>) -> Result<ShiftNow> {
    let current = shift_times(&store.read())?.at(shop_local(at));
    Ok(ShiftNow {
        current,
        previous: current.prev(),
    })
}

/// A person's week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonWeek {
    pub staff_code: String,
    pub name: String,
    pub role: Role,
    /// Monday first; `None` before their first roster.
    pub days: Vec<Option<DayPlan>>,
}

/// Who works which shift each day of a week, and who rests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WeekRoster {
    #[serde(serialize_with = "team::day_text")]
    pub monday: NaiveDate,
    #[serde(serialize_with = "team::days_text")]
    pub days: Vec<NaiveDate>,
    pub day_shift: String,
    pub night_shift: String,
    pub people: Vec<PersonWeek>,
}

impl WeekRoster {
    /// Who works `shift` on the week's day `i` (0 Monday), by staff code.
    pub fn on(&self, i: usize, plan: DayPlan) -> Vec<&str> {
        self.people
            .iter()
            .filter(|p| p.days.get(i).copied().flatten() == Some(plan))
            .map(|p| p.staff_code.as_str())
            .collect()
    }
}

/// The roster of the week `day` falls in (Monday to Sunday), of every active staff member who
/// has one.
pub fn week(store: &Store, actor: &Actor, day: NaiveDate) -> Result<WeekRoster> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let times = shift_times(&db)?;
    let monday = team::week_of(day);
    let days: Vec<NaiveDate> = (0..7).map(|i| monday + TimeDelta::days(i)).collect();
    let sunday = days[6].format("%Y-%m-%d").to_string();
    let rows = db.roster_rows(&sunday)?;
    let mut people: Vec<PersonWeek> = Vec::new();
    let mut rules: Vec<RosterRule> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        let Ok(from) = NaiveDate::parse_from_str(&r.from_day, "%Y-%m-%d") else {
            continue;
        };
        rules.push(RosterRule {
            shift: r.shift,
            rest_day: r.rest_day,
            from,
        });
        // Rows come by staff code: a person's rules end where the next code starts.
        if rows.get(i + 1).is_none_or(|n| n.staff_code != r.staff_code) {
            let plans = days
                .iter()
                .map(|d| team::rule_on(&rules, *d).map(|rule| rule.plan(*d)))
                .collect();
            people.push(PersonWeek {
                staff_code: r.staff_code.clone(),
                name: r.staff_name.clone(),
                role: r.role,
                days: plans,
            });
            rules.clear();
        }
    }
    Ok(WeekRoster {
        monday,
        days,
        day_shift: team::span_text(times.day),
        night_shift: team::span_text(times.night),
        people,
    })
}

/// A roster as set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RosterSet {
    pub id: i64,
    pub staff_code: String,
    pub name: String,
    pub shift: Shift,
    /// 0 Monday … 6 Sunday.
    pub rest_day: u8,
    #[serde(serialize_with = "team::day_text")]
    pub from: NaiveDate,
}

/// Sets a person's shift and weekly rest day from `from` on (the boss's: `ManageStaff`).
pub fn set_roster(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    shift: Shift,
    rest_day: u8,
    from: NaiveDate,
) -> Result<RosterSet> {
    actor.require(Permission::ManageStaff)?;
    if rest_day > 6 {
        return Err(Error::invalid(
            "休息日要是周一到周日之一",
            "the rest day must be one of Monday to Sunday",
        ));
    }
    store.write(|db| {
        let staff = staff_id(db, code)?;
        if !staff.active {
            return Err(Error::invalid(
                format!("{code} 已停用，不能排班"),
                format!("{code} is inactive and cannot be rostered"),
            ));
        }
        let from_text = from.format("%Y-%m-%d").to_string();
        let id = db.insert_roster(
            actor,
            staff.id,
            shift,
            rest_day,
            &from_text,
            &crate::store::now(),
        )?;
        db.log_event(
            actor,
            "roster_set",
            code,
            &json!({"shift": shift, "rest_day": team::WEEKDAYS[usize::from(rest_day)],
                    "from": from_text}),
        )?;
        Ok(RosterSet {
            id,
            staff_code: staff.code,
            name: staff.name,
            shift,
            rest_day,
            from,
        })
    })
}

// ---- The handover book ----

/// Writes an entry in the handover book for the shift of `at`, signed by `actor`.
pub fn add_handover(
    store: &mut Store,
    actor: &Actor,
    text: &str,
    at: DateTime<Utc>,
) -> Result<HandoverRow> {
    actor.require(Permission::ViewOrders)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(
            "交接内容是空的：写下要交给下一班的事",
            "the handover entry is empty: write what the next shift should know",
        ));
    }
    let n = text.chars().count();
    if n > HANDOVER_MAX {
        return Err(Error::invalid(
            format!("交接内容太长：{n} 个字，最多 {HANDOVER_MAX} 个字"),
            format!("the handover entry is too long: {n} characters, at most {HANDOVER_MAX}"),
        ));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(
            "交接内容不能含控制字符",
            "the handover entry may not hold control characters",
        ));
    }
    store.write(|db| {
        let shift = shift_times(db)?.at(shop_local(at));
        let day = shift.day.format("%Y-%m-%d").to_string();
        let row = db.insert_handover(actor, &to_store(&at), &day, shift.shift, text)?;
        db.log_event(
            actor,
            "handover_added",
            &row.id.to_string(),
            &json!({"day": day, "shift": shift.shift}),
        )?;
        Ok(row)
    })
}

/// The handover book of the shifts that began on `day`.
pub fn handover_day(store: &Store, actor: &Actor, day: NaiveDate) -> Result<Vec<HandoverRow>> {
    actor.require(Permission::ViewOrders)?;
    store
        .read()
        .handover_of_day(&day.format("%Y-%m-%d").to_string())
}

/// What the handover book holds for someone signing in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AtSignIn {
    pub current: ShiftInstance,
    pub previous: ShiftInstance,
    /// Written during the previous shift, or between it and this one; not this shift's own.
    pub entries: Vec<HandoverRow>,
}

/// The entries the shift before the one of `at` left (and anything written since, before this
/// shift began): shown as someone signs in to the next shift.
pub fn at_sign_in(store: &Store, actor: &Actor, at: DateTime<Utc>) -> Result<AtSignIn> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let times = shift_times(&db)?;
    let current = times.at(shop_local(at));
    let previous = current.prev();
    let from = stored(times.starts(previous));
    let to = stored(times.starts(current));
    Ok(AtSignIn {
        current,
        previous,
        entries: db.handover_between(&from, &to)?,
    })
}

// ---- The team fund ----

/// A fine's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fine {
    Complaint,
    Violation,
}

impl Fine {
    pub fn kind(self) -> FundKind {
        match self {
            Fine::Complaint => FundKind::ComplaintFine,
            Fine::Violation => FundKind::ViolationFine,
        }
    }
}

/// What a fine will be, before it is written (the window asks for a confirmation with it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinePreview {
    pub staff_code: String,
    pub name: String,
    pub kind: FundKind,
    pub amount: Fen,
    /// The how-manieth complaint fine of the month this is (1 for a violation).
    pub nth: u32,
    pub flagged: bool,
}

fn reason_checked(reason: &str) -> Result<&str> {
    let r = reason.trim();
    if r.is_empty() {
        return Err(Error::invalid("要写明原因", "a reason is needed"));
    }
    let n = r.chars().count();
    if n > REASON_MAX || r.chars().any(char::is_control) {
        return Err(Error::invalid(
            format!("原因最多 {REASON_MAX} 个字，不能含控制字符"),
            format!("a reason is at most {REASON_MAX} characters, without control characters"),
        ));
    }
    Ok(r)
}

fn month_bounds(at: DateTime<Utc>) -> (String, String) {
    let (first, last) = team::month_of(shop_local(at).date());
    shop_days_bounds(first, last)
}

fn preview_in(
    db: &Db<'_>,
    code: &str,
    fine: Fine,
    at: DateTime<Utc>,
) -> Result<(i64, FinePreview)> {
    let staff = staff_id(db, code)?;
    let a = amounts(db)?;
    let (amount, nth, flagged) = match fine {
        Fine::Violation => (a.violation_fine, 1, false),
        Fine::Complaint => {
            let (from, to) = month_bounds(at);
            let earlier = db.complaint_fines_between(staff.id, &from, &to)?;
            let (amount, flagged) = team::complaint_fine(a.complaint_fine, earlier)
                .ok_or_else(|| {
                    Error::invalid(
                        format!("{code} 本月投诉罚款已 {earlier} 次，金额翻倍后太大：请核对"),
                        format!("{code} has {earlier} complaint fines this month; doubled again it is no sensible amount: check them"),
                    )
                })?;
            (amount, earlier + 1, flagged)
        }
    };
    Ok((
        staff.id,
        FinePreview {
            staff_code: staff.code,
            name: staff.name,
            kind: fine.kind(),
            amount,
            nth,
            flagged,
        },
    ))
}

/// What a fine written at `at` would be (read only; anyone may look).
pub fn preview_fine(
    store: &Store,
    actor: &Actor,
    code: &str,
    fine: Fine,
    at: DateTime<Utc>,
) -> Result<FinePreview> {
    actor.require(Permission::ViewOrders)?;
    preview_in(&store.read(), code, fine, at).map(|(_, p)| p)
}

fn written(db: &Db<'_>, actor: &Actor, e: NewFundEntry) -> Result<FundRow> {
    let row = db.insert_fund(actor, &e)?;
    db.log_event(
        actor,
        "fund_entry",
        &row.id.to_string(),
        &json!({"kind": row.kind, "staff": row.staff_code, "amount_fen": row.amount.0,
                "reason": row.reason, "flagged": row.flagged, "reverses": row.reverses}),
    )?;
    Ok(row)
}

/// Fines a staff member (into the fund): a complaint (50 yuan, doubling with each further one
/// this calendar month, the third on flagged) or a violation (10 yuan).
pub fn fine(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    fine: Fine,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<FundRow> {
    actor.require(Permission::ManageStaff)?;
    let reason = reason_checked(reason)?;
    store.write(|db| {
        // Counted in the transaction that writes it: two fines at once still double.
        let (staff_id, p) = preview_in(db, code, fine, at)?;
        written(
            db,
            actor,
            NewFundEntry {
                at: to_store(&at),
                kind: p.kind,
                staff_id: Some(staff_id),
                amount: p.amount,
                reason: reason.to_string(),
                flagged: p.flagged,
                reverses: None,
            },
        )
    })
}

/// A training reward for place 1, 2 or 3 (out of the fund).
pub fn reward(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    place: u8,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<FundRow> {
    actor.require(Permission::ManageStaff)?;
    let reason = reason_checked(reason)?;
    if !(1..=3).contains(&place) {
        return Err(Error::invalid(
            "培训奖励只有第 1、2、3 名",
            "training rewards are for places 1, 2 and 3",
        ));
    }
    store.write(|db| {
        let staff = staff_id(db, code)?;
        let amount = amounts(db)?.rewards[usize::from(place - 1)];
        written(
            db,
            actor,
            NewFundEntry {
                at: to_store(&at),
                kind: FundKind::Reward,
                staff_id: Some(staff.id),
                amount: Fen(-amount.0),
                reason: reason.to_string(),
                flagged: false,
                reverses: None,
            },
        )
    })
}

/// Team spending out of the fund, with what for. Refused beyond what the fund holds.
pub fn spend(
    store: &mut Store,
    actor: &Actor,
    amount: Fen,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<FundRow> {
    actor.require(Permission::ManageStaff)?;
    let reason = reason_checked(reason)?;
    if amount.0 <= 0 {
        return Err(Error::invalid(
            "支出金额要大于 0",
            "the amount spent must be more than 0",
        ));
    }
    store.write(|db| {
        let holds = db.fund_balance(FAR_FUTURE)?;
        if amount > holds {
            return Err(Error::invalid(
                format!("团队基金只有 ¥{holds}，不够支出 ¥{amount}"),
                format!("the team fund holds ¥{holds}, not enough to spend ¥{amount}"),
            ));
        }
        written(
            db,
            actor,
            NewFundEntry {
                at: to_store(&at),
                kind: FundKind::Spending,
                staff_id: None,
                amount: Fen(-amount.0),
                reason: reason.to_string(),
                flagged: false,
                reverses: None,
            },
        )
    })
}

/// Answers a mistaken entry with its opposite, once. A reversed complaint fine no longer counts
/// toward the month's doubling.
pub fn reverse(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<FundRow> {
    actor.require(Permission::ManageStaff)?;
    let reason = reason_checked(reason)?;
    store.write(|db| {
        let e = db
            .fund_entry(id)?
            .ok_or_else(|| Error::not_found("team fund entry", "团队基金记录", id.to_string()))?;
        if e.kind == FundKind::Reversal {
            return Err(Error::invalid(
                format!("#{id} 本身是冲正记录，不能再冲正"),
                format!("#{id} is itself a reversal and cannot be reversed"),
            ));
        }
        if let Some(by) = e.reversed_by {
            return Err(Error::invalid(
                format!("#{id} 已经冲正过了（#{by}）"),
                format!("#{id} was reversed already (by #{by})"),
            ));
        }
        written(
            db,
            actor,
            NewFundEntry {
                at: to_store(&at),
                kind: FundKind::Reversal,
                staff_id: db.fund_staff_id(id)?,
                amount: Fen(-e.amount.0),
                reason: reason.to_string(),
                flagged: false,
                reverses: Some(id),
            },
        )
    })
}

/// Later than any stored time: "every entry so far".
const FAR_FUTURE: &str = "9999-12-31T23:59:59Z";

/// A month of the fund, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ledger {
    /// `YYYY-MM`.
    pub month: String,
    pub entries: Vec<FundRow>,
    /// Into the fund in the month (fines, and reversals of money out).
    pub month_in: Fen,
    /// Out of the fund in the month (rewards, spending, reversals of fines), as a positive sum.
    pub month_out: Fen,
    /// What the fund holds at the end of the month (or now, for this month).
    pub balance_then: Fen,
    /// What the fund holds now.
    pub balance: Fen,
}

/// The fund's entries of the month `first` falls in, with the balance (everyone may read it).
pub fn ledger(store: &Store, actor: &Actor, first: NaiveDate) -> Result<Ledger> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let (first, last) = team::month_of(first);
    let (from, to) = shop_days_bounds(first, last);
    let entries = db.fund_between(&from, &to)?;
    let month_in = Fen(entries.iter().map(|e| e.amount.0.max(0)).sum());
    let month_out = Fen(entries.iter().map(|e| (-e.amount.0).max(0)).sum());
    Ok(Ledger {
        month: first.format("%Y-%m").to_string(),
        entries,
        month_in,
        month_out,
        balance_then: db.fund_balance(&to)?,
        balance: db.fund_balance(FAR_FUTURE)?,
    })
}

/// What the fund holds now.
pub fn balance(store: &Store, actor: &Actor) -> Result<Fen> {
    actor.require(Permission::ViewOrders)?;
    store.read().fund_balance(FAR_FUTURE)
}
