//! The team's own rules (the seed's): shifts and the weekly rest day, the handover between
//! shifts, and the team fund's fines and rewards. Plain rules over dates and fen; the store and
//! the flows bring the rows and the clock.

use super::Fen;
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

coded_enum! {
    /// A shift (班次): the day shift or the night shift, which ends after midnight and belongs
    /// to the day it began.
    pub enum Shift {
        Day = "day", "白班", "day shift";
        Night = "night", "夜班", "night shift";
    }
}

coded_enum! {
    /// What a team fund entry is. Fines come in; rewards and team spending go out; a reversal
    /// answers a mistaken entry with its opposite.
    pub enum FundKind {
        ComplaintFine = "complaint_fine", "投诉罚款", "complaint fine";
        ViolationFine = "violation_fine", "违规罚款", "violation fine";
        Reward = "reward", "培训奖励", "training reward";
        Spending = "spending", "团队支出", "team spending";
        Reversal = "reversal", "冲正", "reversal";
    }
}

/// A day's plan for one person: a shift, or their weekly rest day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayPlan {
    Work(Shift),
    Rest,
}

/// One person's roster as set from a day on: their shift, and the weekday they rest (six days
/// on, one off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RosterRule {
    pub shift: Shift,
    /// 0 Monday … 6 Sunday.
    pub rest_day: u8,
    pub from: NaiveDate,
}

impl RosterRule {
    pub fn plan(&self, day: NaiveDate) -> DayPlan {
        if weekday_index(day) == self.rest_day {
            DayPlan::Rest
        } else {
            DayPlan::Work(self.shift)
        }
    }
}

/// The rule in force on `day`: of the rules that have started by then, the one that started
/// last (of two from the same day, the one set last). `rules` in the order they were set.
pub fn rule_on(rules: &[RosterRule], day: NaiveDate) -> Option<RosterRule> {
    rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from <= day)
        .max_by_key(|(i, r)| (r.from, *i))
        .map(|(_, r)| *r)
}

/// 0 Monday … 6 Sunday.
pub fn weekday_index(day: NaiveDate) -> u8 {
    day.weekday().num_days_from_monday() as u8
}

/// The Monday of `day`'s week.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - TimeDelta::days(i64::from(weekday_index(day)))
}

/// Weekday names as the command line takes them, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub const WEEKDAYS_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
pub const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `mon` … `sun` (or `monday`, `1`–`7`, `周一`…) as 0 Monday … 6 Sunday.
pub fn parse_weekday(text: &str) -> Option<u8> {
    let t = text.trim().to_lowercase();
    if let Ok(n) = t.parse::<u8>() {
        return (1..=7).contains(&n).then(|| n - 1);
    }
    if let Some(c) = t.strip_prefix("周").or_else(|| t.strip_prefix("星期")) {
        return match c {
            "天" => Some(6),
            c => "一二三四五六日"
                .chars()
                .position(|x| c == x.to_string())
                .map(|i| i as u8),
        };
    }
    (0..7u8).find(|&i| {
        let name = [
            "monday",
            "tuesday",
            "wednesday",
            "thursday",
            "friday",
            "saturday",
            "sunday",
        ][usize::from(i)];
        t.len() >= 3 && name.starts_with(t.as_str())
    })
}

/// When the two shifts run, in the shop's time. A shift whose end is not after its start ends
/// the next day (the night shift's 01:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftTimes {
    pub day: (NaiveTime, NaiveTime),
    pub night: (NaiveTime, NaiveTime),
}

/// Why two shift times cannot be a roster's day.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShiftTimeError {
    #[error("not a shift time: {0:?} (expected HH:MM-HH:MM, e.g. 08:30-17:30)")]
    Format(String),
    #[error("the day shift must end after it starts, on the same day")]
    DayCrossesMidnight,
    #[error(
        "the night shift must start when the day shift ends or later, and end before the next day shift starts"
    )]
    Overlap,
}

impl ShiftTimeError {
    pub fn zh(&self) -> String {
        match self {
            ShiftTimeError::Format(s) => {
                format!("班次时间格式不对：{s:?}（应为 HH:MM-HH:MM，例如 08:30-17:30）")
            }
            ShiftTimeError::DayCrossesMidnight => "白班要在同一天内结束".into(),
            ShiftTimeError::Overlap => "夜班要在白班结束后开始，并在第二天白班开始前结束".into(),
        }
    }
}

impl Default for ShiftTimes {
    /// The seed's: day 08:30–17:30, night 17:30–01:00.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("a time");
        ShiftTimes {
            day: (t(8, 30), t(17, 30)),
            night: (t(17, 30), t(1, 0)),
        }
    }
}

/// `08:30-17:30` (also `8:30–17:30`, `08:30~17:30`).
pub fn parse_span(text: &str) -> Result<(NaiveTime, NaiveTime), ShiftTimeError> {
    let bad = || ShiftTimeError::Format(text.to_string());
    let (a, b) = text
        .trim()
        .split_once(['-', '–', '~', '—'])
        .ok_or_else(bad)?;
    let time = |s: &str| NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
    Ok((time(a)?, time(b)?))
}

/// The way a span is written in settings and shown.
pub fn span_text((a, b): (NaiveTime, NaiveTime)) -> String {
    format!("{}-{}", a.format("%H:%M"), b.format("%H:%M"))
}

/// One shift on one day: the day shift of 12-01, the night shift of 12-01 (ending 12-02 01:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ShiftInstance {
    /// The day the shift began.
    #[serde(serialize_with = "day_text")]
    pub day: NaiveDate,
    pub shift: Shift,
}

impl ShiftInstance {
    /// The shift before this one: the night before a day shift, the day shift before a night.
    pub fn prev(self) -> ShiftInstance {
        match self.shift {
            Shift::Day => ShiftInstance {
                day: self.day.pred_opt().unwrap_or(self.day),
                shift: Shift::Night,
            },
            Shift::Night => ShiftInstance {
                day: self.day,
                shift: Shift::Day,
            },
        }
    }

    pub fn next(self) -> ShiftInstance {
        match self.shift {
            Shift::Day => ShiftInstance {
                day: self.day,
                shift: Shift::Night,
            },
            Shift::Night => ShiftInstance {
                day: self.day.succ_opt().unwrap_or(self.day),
                shift: Shift::Day,
            },
        }
    }
}

impl ShiftTimes {
    /// The two spans as a roster's day: checked so that every moment belongs to one shift.
    pub fn new(
        day: (NaiveTime, NaiveTime),
        night: (NaiveTime, NaiveTime),
    ) -> Result<ShiftTimes, ShiftTimeError> {
        if day.1 <= day.0 {
            return Err(ShiftTimeError::DayCrossesMidnight);
        }
        let times = ShiftTimes { day, night };
        // The night shift starts on the day shift's day, at or after its end, and ends at or
        // before the next day shift.
        let d = NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date");
        let first = ShiftInstance {
            day: d,
            shift: Shift::Day,
        };
        let (_, day_end) = times.nominal(first);
        let (night_start, night_end) = times.nominal(first.next());
        let (next_day, _) = times.nominal(first.next().next());
        if night_start < day_end || night_end > next_day {
            return Err(ShiftTimeError::Overlap);
        }
        Ok(times)
    }

    /// When a shift is meant to start and end (shop time).
    pub fn nominal(&self, s: ShiftInstance) -> (NaiveDateTime, NaiveDateTime) {
        let (a, b) = match s.shift {
            Shift::Day => self.day,
            Shift::Night => self.night,
        };
        let start = s.day.and_time(a);
        let end_day = if b <= a {
            s.day.succ_opt().unwrap_or(s.day)
        } else {
            s.day
        };
        (start, end_day.and_time(b))
    }

    /// When a shift's time begins: halfway through the quiet hours before it (someone who
    /// stays late still works their shift; someone who comes early already works the next).
    /// Shifts follow each other without a gap or an overlap, so every moment has one shift.
    pub fn starts(&self, s: ShiftInstance) -> NaiveDateTime {
        let (_, before_end) = self.nominal(s.prev());
        let (start, _) = self.nominal(s);
        if start <= before_end {
            return start;
        }
        before_end + (start - before_end) / 2
    }

    /// The shift a moment (shop time) belongs to.
    pub fn at(&self, t: NaiveDateTime) -> ShiftInstance {
        let mut s = ShiftInstance {
            day: t
                .date()
                .pred_opt()
                .and_then(|d| d.pred_opt())
                .unwrap_or(t.date()),
            shift: Shift::Night,
        };
        // From two days back, step forward while the next shift has begun by `t`.
        while self.starts(s.next()) <= t {
            s = s.next();
        }
        s
    }
}

/// The team fund's amounts (settings; the seed's by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundAmounts {
    pub complaint_fine: Fen,
    pub violation_fine: Fen,
    /// Training rewards for places 1, 2 and 3.
    pub rewards: [Fen; 3],
}

impl Default for FundAmounts {
    fn default() -> Self {
        FundAmounts {
            complaint_fine: Fen(50 * 100),
            violation_fine: Fen(10 * 100),
            rewards: [Fen(150 * 100), Fen(100 * 100), Fen(50 * 100)],
        }
    }
}

/// The fine for a complaint against someone who already had `earlier` complaint fines this
/// calendar month (reversed ones not counted): the base, doubled for each earlier one (50, 100,
/// 200 …), flagged from the third on. `None` when the doubling outgrows any real amount.
pub fn complaint_fine(base: Fen, earlier: u32) -> Option<(Fen, bool)> {
    let factor = 1i64.checked_shl(earlier).filter(|f| *f > 0)?;
    let amount = base.0.checked_mul(factor)?;
    // A fine over a million yuan is a runaway count, not a fine.
    (amount <= 100_000_000).then_some((Fen(amount), earlier >= 2))
}

/// The first day of the month `YYYY-MM`.
pub fn parse_month(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d").ok()
}

/// The first and last day of `day`'s month.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).expect("day 1");
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .expect("a month");
    (first, next.pred_opt().expect("a day"))
}

/// A day as JSON has it: `YYYY-MM-DD` (chrono is built without serde here).
pub fn day_text<S: serde::Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

/// Days as JSON has them.
pub fn days_text<S: serde::Serializer>(d: &[NaiveDate], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(d.iter().map(|d| d.format("%Y-%m-%d").to_string()))
}

/// The longest handover entry, in characters: a note for the next shift, not a report.
pub const HANDOVER_MAX: usize = 500;

/// The longest reason of a fund entry, in characters.
pub const REASON_MAX: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn t(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn day(s: &str) -> ShiftInstance {
        ShiftInstance {
            day: d(s),
            shift: Shift::Day,
        }
    }

    fn night(s: &str) -> ShiftInstance {
        ShiftInstance {
            day: d(s),
            shift: Shift::Night,
        }
    }

    #[test]
    fn complaint_fines_double_within_the_month_and_the_third_is_flagged() {
        let base = Fen(50 * 100);
        assert_eq!(complaint_fine(base, 0), Some((Fen(50 * 100), false)));
        assert_eq!(complaint_fine(base, 1), Some((Fen(100 * 100), false)));
        assert_eq!(complaint_fine(base, 2), Some((Fen(200 * 100), true)));
        assert_eq!(complaint_fine(base, 3), Some((Fen(400 * 100), true)));
        assert_eq!(complaint_fine(base, 70), None);
        assert_eq!(complaint_fine(base, 40), None);
    }

    #[test]
    fn the_night_shift_ends_after_midnight_and_belongs_to_the_day_it_began() {
        let s = ShiftTimes::default();
        assert_eq!(s.at(t("2026-12-01 08:30")), day("2026-12-01"));
        assert_eq!(s.at(t("2026-12-01 17:29")), day("2026-12-01"));
        assert_eq!(s.at(t("2026-12-01 17:30")), night("2026-12-01"));
        assert_eq!(s.at(t("2026-12-02 00:59")), night("2026-12-01"));
        // Staying late after 01:00 is still the night shift; coming early, the day shift.
        assert_eq!(s.at(t("2026-12-02 04:44")), night("2026-12-01"));
        assert_eq!(s.at(t("2026-12-02 04:45")), day("2026-12-02"));
        assert_eq!(s.at(t("2026-12-02 08:00")), day("2026-12-02"));
        assert_eq!(day("2026-12-02").prev(), night("2026-12-01"));
        assert_eq!(night("2026-12-01").prev(), day("2026-12-01"));
        assert_eq!(
            s.nominal(night("2026-12-01")),
            (t("2026-12-01 17:30"), t("2026-12-02 01:00"))
        );
    }

    #[test]
    fn shift_times_are_checked() {
        let p = |s| parse_span(s).unwrap();
        assert_eq!(span_text(p("8:30–17:30")), "08:30-17:30");
        assert!(parse_span("0830-1730").is_err());
        assert!(parse_span("25:00-26:00").is_err());
        assert_eq!(
            ShiftTimes::new(p("17:30-08:30"), p("18:00-01:00")),
            Err(ShiftTimeError::DayCrossesMidnight)
        );
        assert_eq!(
            ShiftTimes::new(p("08:30-17:30"), p("17:00-01:00")),
            Err(ShiftTimeError::Overlap)
        );
        assert_eq!(
            ShiftTimes::new(p("08:30-17:30"), p("18:00-09:00")),
            Err(ShiftTimeError::Overlap)
        );
        // A gap between the shifts splits halfway.
        let s = ShiftTimes::new(p("09:00-17:00"), p("19:00-23:00")).unwrap();
        assert_eq!(s.at(t("2026-12-01 17:59")), day("2026-12-01"));
        assert_eq!(s.at(t("2026-12-01 18:00")), night("2026-12-01"));
    }

    #[test]
    fn six_days_on_and_the_newest_started_rule_wins() {
        let rules = [
            RosterRule {
                shift: Shift::Day,
                rest_day: 6,
                from: d("2026-11-01"),
            },
            RosterRule {
                shift: Shift::Night,
                rest_day: 0,
                from: d("2026-12-10"),
            },
            // Set later, from an earlier day: the night shift from 12-10 still follows it.
            RosterRule {
                shift: Shift::Day,
                rest_day: 2,
                from: d("2026-12-02"),
            },
        ];
        assert_eq!(rule_on(&rules, d("2026-10-31")), None);
        let week: Vec<DayPlan> = (0..7)
            .map(|i| {
                rule_on(&rules, d("2026-11-23"))
                    .unwrap()
                    .plan(d("2026-11-23") + TimeDelta::days(i))
            })
            .collect();
        assert_eq!(week.iter().filter(|p| **p == DayPlan::Rest).count(), 1);
        assert_eq!(week[6], DayPlan::Rest);
        assert_eq!(rule_on(&rules, d("2026-12-02")).unwrap().rest_day, 2);
        assert_eq!(
            rule_on(&rules, d("2026-12-10")).unwrap().shift,
            Shift::Night
        );
        assert_eq!(week_of(d("2026-12-06")), d("2026-11-30"));
        assert_eq!(parse_weekday("sun"), Some(6));
        assert_eq!(parse_weekday("Monday"), Some(0));
        assert_eq!(parse_weekday("周三"), Some(2));
        assert_eq!(parse_weekday("7"), Some(6));
        assert_eq!(parse_weekday("mo"), None);
        assert_eq!(
            month_of(d("2026-12-15")),
            (d("2026-12-01"), d("2026-12-31"))
        );
        assert_eq!(parse_month("2026-02"), Some(d("2026-02-01")));
    }
}
