//! The texts of the team screen (团队: the roster, the handover book, the team fund) and of the
//! handover shown at sign-in.

use super::Lang;
use crate::domain::Fen;
use crate::domain::team::{DayPlan, FundKind, Shift, ShiftInstance};
use crate::flow::team::FinePreview;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum M {
    Screen,
    TabRoster,
    TabHandover,
    TabFund,
    PrevWeek,
    ThisWeek,
    NextWeek,
    ColStaff,
    NoRoster,
    SetRoster,
    StaffCode,
    RestDay,
    FromDay,
    Save,
    Today,
    Yesterday,
    HandoverHint,
    Draft,
    Write,
    NothingWritten,
    Balance,
    PrevMonth,
    ThisMonth,
    NextMonth,
    MonthIn,
    MonthOut,
    NoEntries,
    ColWhen,
    ColKind,
    ColWho,
    ColAmount,
    ColReason,
    ColBy,
    Complaint,
    Violation,
    Reward1,
    Reward2,
    Reward3,
    Spend,
    AmountYuan,
    Reason,
    Enter,
    Reverse,
    ReversedBy,
    ThirdPlus,
    Confirm,
    Cancel,
    HandoverTitle,
    GotIt,
    ReadOnlyFund,
}

pub fn mt(lang: Lang, m: M) -> &'static str {
    let (zh, en) = match m {
        M::Screen => ("团队", "Team"),
        M::TabRoster => ("排班", "Roster"),
        M::TabHandover => ("交接本", "Handover book"),
        M::TabFund => ("团队基金", "Team fund"),
        M::PrevWeek => ("上一周", "Previous week"),
        M::ThisWeek => ("本周", "This week"),
        M::NextWeek => ("下一周", "Next week"),
        M::ColStaff => ("员工", "Staff"),
        M::NoRoster => ("这一周还没有排班", "No roster for this week yet"),
        M::SetRoster => ("排班", "Set a roster"),
        M::StaffCode => ("工号", "Staff code"),
        M::RestDay => ("休息日", "Rest day"),
        M::FromDay => ("从哪天起（YYYY-MM-DD）", "From (YYYY-MM-DD)"),
        M::Save => ("保存", "Save"),
        M::Today => ("今天的班", "Today's shifts"),
        M::Yesterday => ("昨天的班", "Yesterday's shifts"),
        M::HandoverHint => (
            "写给下一班：没做完的事、要注意的事（写了就不能改）",
            "For the next shift: what is left, what to watch (cannot be changed once written)",
        ),
        M::Draft => ("交接内容", "What to hand over"),
        M::Write => ("写入交接本", "Write it in"),
        M::NothingWritten => ("没有记录", "Nothing written"),
        M::Balance => ("团队基金余额", "Team fund balance"),
        M::PrevMonth => ("上个月", "Previous month"),
        M::ThisMonth => ("本月", "This month"),
        M::NextMonth => ("下个月", "Next month"),
        M::MonthIn => ("本月收入", "In this month"),
        M::MonthOut => ("本月支出", "Out this month"),
        M::NoEntries => ("这个月没有记录", "No entries this month"),
        M::ColWhen => ("时间", "When"),
        M::ColKind => ("类别", "Kind"),
        M::ColWho => ("员工", "Staff"),
        M::ColAmount => ("金额", "Amount"),
        M::ColReason => ("原因", "Reason"),
        M::ColBy => ("记录人", "By"),
        M::Complaint => ("投诉罚款", "Complaint fine"),
        M::Violation => ("违规罚款", "Violation fine"),
        M::Reward1 => ("培训第一名", "Training 1st"),
        M::Reward2 => ("培训第二名", "Training 2nd"),
        M::Reward3 => ("培训第三名", "Training 3rd"),
        M::Spend => ("团队支出", "Team spending"),
        M::AmountYuan => ("金额（元）", "Amount (yuan)"),
        M::Reason => (
            "原因（必填；冲正某条也写在这里）",
            "Reason (required; also for reversing an entry)",
        ),
        M::Enter => ("记入", "Enter"),
        M::Reverse => ("冲正", "Reverse"),
        M::ReversedBy => ("已冲正", "reversed"),
        M::ThirdPlus => ("第3次+", "3rd+"),
        M::Confirm => ("确认记入", "Yes, enter it"),
        M::Cancel => ("取消", "Cancel"),
        M::HandoverTitle => (
            "交接本：上一班留下的话",
            "Handover: what the last shift left",
        ),
        M::GotIt => ("知道了", "Got it"),
        M::ReadOnlyFund => (
            "罚款、奖励和支出由管理员记入，人人可以查看",
            "Fines, rewards and spending are entered by an admin; everyone may look",
        ),
    };
    lang.pick(zh, en)
}

pub fn shift(lang: Lang, s: Shift) -> &'static str {
    lang.pick(s.zh(), s.en())
}

/// A roster cell: 白班 / 夜班 / 休息.
pub fn plan(lang: Lang, p: Option<DayPlan>) -> &'static str {
    match p {
        None => "-",
        Some(DayPlan::Rest) => lang.pick("休息", "rest"),
        Some(DayPlan::Work(Shift::Day)) => lang.pick("白班", "day"),
        Some(DayPlan::Work(Shift::Night)) => lang.pick("夜班", "night"),
    }
}

pub fn weekday(lang: Lang, i: usize) -> &'static str {
    match lang {
        Lang::Zh => crate::domain::team::WEEKDAYS_ZH[i % 7],
        Lang::En => crate::domain::team::WEEKDAYS_EN[i % 7],
    }
}

pub fn fund_kind(lang: Lang, k: FundKind) -> &'static str {
    lang.pick(k.zh(), k.en())
}

/// `12-01 夜班` / `12-01 night shift`.
pub fn instance(lang: Lang, s: ShiftInstance) -> String {
    format!("{} {}", s.day.format("%m-%d"), shift(lang, s.shift))
}

/// The question before a fine is written.
pub fn confirm_fine(lang: Lang, p: &FinePreview) -> String {
    let flag = if p.flagged {
        lang.pick("（第三次及以上，已标记）", " (third or more: flagged)")
    } else {
        ""
    };
    match (lang, p.kind) {
        (Lang::Zh, FundKind::ComplaintFine) => format!(
            "给 {} {} 记投诉罚款 ¥{}：本月第 {} 次投诉{flag}。确认吗？",
            p.staff_code, p.name, p.amount, p.nth
        ),
        (Lang::En, FundKind::ComplaintFine) => format!(
            "Fine {} {} ¥{} for a complaint: complaint no. {} this month{flag}. Enter it?",
            p.staff_code, p.name, p.amount, p.nth
        ),
        (Lang::Zh, _) => format!(
            "给 {} {} 记违规罚款 ¥{}。确认吗？",
            p.staff_code, p.name, p.amount
        ),
        (Lang::En, _) => format!(
            "Fine {} {} ¥{} for a violation. Enter it?",
            p.staff_code, p.name, p.amount
        ),
    }
}

/// What was entered.
pub fn entered(lang: Lang, kind: FundKind, who: Option<&str>, amount: Fen, balance: Fen) -> String {
    let who = who.unwrap_or("");
    match lang {
        Lang::Zh => format!("已记入：{} {who} ¥{amount}；余额 ¥{balance}", kind.zh()),
        Lang::En => format!("Entered: {} {who} ¥{amount}; balance ¥{balance}", kind.en()),
    }
}

pub fn roster_set(lang: Lang, r: &crate::flow::team::RosterSet) -> String {
    let from = r.from.format("%Y-%m-%d");
    match lang {
        Lang::Zh => format!(
            "{} {} 从 {from} 起上{}，{}休息",
            r.staff_code,
            r.name,
            r.shift.zh(),
            weekday(lang, usize::from(r.rest_day))
        ),
        Lang::En => format!(
            "{} {}: {} from {from}, resting on {}",
            r.staff_code,
            r.name,
            r.shift.en(),
            weekday(lang, usize::from(r.rest_day))
        ),
    }
}

pub fn handover_written(lang: Lang, s: ShiftInstance) -> String {
    match lang {
        Lang::Zh => format!("已写入交接本（{}）", instance(lang, s)),
        Lang::En => format!("Written in the handover book ({})", instance(lang, s)),
    }
}

/// The sign-in panel's line about which shift left the entries.
pub fn left_by(lang: Lang, previous: ShiftInstance, n: usize) -> String {
    match lang {
        Lang::Zh => format!("{} 留下 {n} 条", instance(lang, previous)),
        Lang::En => format!("{n} from the {}", instance(lang, previous)),
    }
}
