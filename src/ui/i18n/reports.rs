//! The texts of the reports screen (报表: self-audits, performance, commission), kept in a file
//! of their own beside the catalogue so the lists of other screens grow without touching it.

use super::Lang;
use crate::domain::Fen;
use crate::domain::report::{RateTable, percent};

/// The fixed texts of the reports screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum R {
    Screen,
    TabAudit,
    TabPerformance,
    TabCommission,
    Role,
    PrevDay,
    NextDay,
    Today,
    NoAuditForRole,
    Counting,
    ShowList,
    HideList,
    AllClear,
    ColSubject,
    ColOrders,
    ColQty,
    ColWho,
    ColWhen,
    NoteHint,
    Sign,
    SignAnyway,
    Cancel,
    NotSigned,
    SignaturesOfDay,
    SignedNow,
    ThisWeek,
    ThisMonth,
    LastMonth,
    From,
    To,
    Show,
    OwnPerformance,
    NothingRecorded,
    Chart,
    ChartEmpty,
    ExportCsv,
    ExportXlsx,
    Period,
    Code,
    SalesCode,
    Name,
    BatchesPicked,
    LinesPicked,
    UnitsPicked,
    ParcelsChecked,
    UnitsChecked,
    CheckHours,
    PerHour,
    Mismatches,
    Bulk,
    BatchesPrinted,
    WaybillsPrinted,
    Reprints,
    Labels,
    StocktakeLines,
    Recounts,
    MisshipsChecked,
    MisshipsPicked,
    Month,
    OwnCommission,
    Orders,
    Paid,
    Refunds,
    Refunded,
    Net,
    Rate,
    Commission,
    NoSales,
    ShowUncredited,
    HideUncredited,
    UncreditedWhy,
    OrderNo,
    PaidAt,
}

pub fn rt(lang: Lang, r: R) -> &'static str {
    let (zh, en) = match r {
        R::Screen => ("报表", "Reports"),
        R::TabAudit => ("自我审核", "Self-audit"),
        R::TabPerformance => ("业绩", "Performance"),
        R::TabCommission => ("提成", "Commission"),
        R::Role => ("岗位", "Role"),
        R::PrevDay => ("‹ 前一天", "‹ Day before"),
        R::NextDay => ("后一天 ›", "Day after ›"),
        R::Today => ("今天", "Today"),
        R::NoAuditForRole => (
            "你的岗位没有自我审核。业绩和提成在旁边的标签里。",
            "Your role has no self-audit. Performance and commission are on the other tabs.",
        ),
        R::Counting => ("正在统计…", "Counting…"),
        R::ShowList => ("明细", "List"),
        R::HideList => ("收起", "Hide"),
        R::AllClear => ("全部清楚", "All clear"),
        R::ColSubject => ("对象", "What"),
        R::ColOrders => ("订单", "Orders"),
        R::ColQty => ("数量/金额", "Qty / amount"),
        R::ColWho => ("谁/库位", "Who / bin"),
        R::ColWhen => ("时间", "When"),
        R::NoteHint => (
            "说明：还没清的为什么（可不填）",
            "Note: why anything is still open (optional)",
        ),
        R::Sign => ("签署", "Sign"),
        R::SignAnyway => ("仍要签署", "Sign anyway"),
        R::Cancel => ("取消", "Cancel"),
        R::NotSigned => ("今天还没有人签署", "Not signed yet"),
        R::SignaturesOfDay => ("当天的签署", "Signatures of the day"),
        R::SignedNow => ("自我审核已签署", "Self-audit signed"),
        R::ThisWeek => ("本周", "This week"),
        R::ThisMonth => ("本月", "This month"),
        R::LastMonth => ("上月", "Last month"),
        R::From => ("从（YYYY-MM-DD）", "From (YYYY-MM-DD)"),
        R::To => ("到", "To"),
        R::Show => ("查询", "Show"),
        R::OwnPerformance => ("这里只有你自己的业绩", "Only your own figures are shown"),
        R::NothingRecorded => ("这段时间没有记录", "Nothing recorded in this period"),
        R::Chart => (
            "每小时验货发出的包裹（按验货员，整段时间合计）",
            "Parcels checked out per hour of the day (per checker, whole period)",
        ),
        R::ChartEmpty => (
            "这段时间没有验货发出的包裹",
            "No parcels checked out in this period",
        ),
        R::ExportCsv => ("导出 CSV", "Export CSV"),
        R::ExportXlsx => ("导出 Excel", "Export XLSX"),
        R::Period => ("期间", "Period"),
        R::Code => ("工号", "Code"),
        R::SalesCode => ("销售代码", "Sales code"),
        R::Name => ("姓名", "Name"),
        R::BatchesPicked => ("配货批次", "Batches picked"),
        R::LinesPicked => ("配货行数", "Lines picked"),
        R::UnitsPicked => ("配货件数", "Units picked"),
        R::ParcelsChecked => ("验货包裹", "Parcels checked"),
        R::UnitsChecked => ("验货件数", "Units checked"),
        R::CheckHours => ("验货小时", "Check hours"),
        R::PerHour => ("每小时包裹", "Parcels / hour"),
        R::Mismatches => ("拦截错货", "Mismatches caught"),
        R::Bulk => ("未验货发货", "Shipped unchecked"),
        R::BatchesPrinted => ("打印批次", "Print batches"),
        R::WaybillsPrinted => ("打印快递单", "Waybills printed"),
        R::Reprints => ("补打快递单", "Reprints"),
        R::Labels => ("打印条码", "Labels"),
        R::StocktakeLines => ("盘点行数", "Lines counted"),
        R::Recounts => ("复盘行数", "Recounts"),
        R::MisshipsChecked => ("错发（验货）", "Mis-ships (checked)"),
        R::MisshipsPicked => ("错发（配货）", "Mis-ships (picked)"),
        R::Month => ("月份（YYYY-MM）", "Month (YYYY-MM)"),
        R::OwnCommission => (
            "这里只有你自己销售代码的提成",
            "Only your own sales code is shown",
        ),
        R::Orders => ("订单数", "Orders"),
        R::Paid => ("付款金额", "Paid"),
        R::Refunds => ("退款笔数", "Refunds"),
        R::Refunded => ("退款金额", "Refunded"),
        R::Net => ("净销售额", "Net sales"),
        R::Rate => ("提成比例", "Rate"),
        R::Commission => ("提成", "Commission"),
        R::NoSales => (
            "这个月没有记在销售代码名下的订单",
            "No orders credited to a sales code this month",
        ),
        R::ShowUncredited => ("查看这些订单", "Show these orders"),
        R::HideUncredited => ("收起", "Hide"),
        R::UncreditedWhy => (
            "备注里没有客服代码的订单不算任何人的提成：下单时记得备注自己的代码。",
            "An order whose remarks name no CS code is nobody's commission: put your code in the remark.",
        ),
        R::OrderNo => ("订单编号", "Order number"),
        R::PaidAt => ("付款时间", "Paid at"),
    };
    lang.pick(zh, en)
}

/// Money as people read it: `¥123.45`, `-¥5.28`.
pub fn yuan(f: Fen) -> String {
    f.yuan()
}

/// The button that takes the user to the screen where an item is fixed.
pub fn go_fix(lang: Lang, screen: &str) -> String {
    match lang {
        Lang::Zh => format!("去「{screen}」处理"),
        Lang::En => format!("Fix in {screen}"),
    }
}

/// The confirmation before signing with items still open.
pub fn sign_open_ask(lang: Lang, open: usize) -> String {
    match lang {
        Lang::Zh => format!("{open} 项未清，仍要签署？未清的项会随签名一起记下。"),
        Lang::En => format!(
            "{open} item(s) still open — sign anyway? What is open is kept with the signature."
        ),
    }
}

/// One signature of a day's self-audit.
pub fn signature(lang: Lang, s: &crate::store::SignedAudit, at: &str) -> String {
    let note = s.detail["note"].as_str().unwrap_or("").trim().to_string();
    let mut out = match lang {
        Lang::Zh => format!(
            "{} {} 于 {at} 在 {} 签署，未清 {} 项",
            s.staff_code, s.staff_name, s.terminal, s.open_items
        ),
        Lang::En => format!(
            "signed by {} {} at {at} on {}, {} item(s) open",
            s.staff_code, s.staff_name, s.terminal, s.open_items
        ),
    };
    if !note.is_empty() {
        out.push_str(&lang.label(
            match lang {
                Lang::Zh => "；说明",
                Lang::En => "; note",
            },
            note,
        ));
    }
    out
}

/// Today's printed waybills against those that left (the checker's third item).
pub fn printed_processed(lang: Lang, printed: i64, processed: i64) -> String {
    match lang {
        Lang::Zh => format!("今日打印 {printed} 单 · 已处理 {processed} 单"),
        Lang::En => format!("printed today {printed} · processed {processed}"),
    }
}

/// The button listing a page more of an item's rows.
pub fn more_rows(lang: Lang, n: usize) -> String {
    match lang {
        Lang::Zh => format!("再列 {n} 条"),
        Lang::En => format!("{n} more"),
    }
}

/// A list cut at the flow's limit.
pub fn rows_shown(lang: Lang, shown: usize, count: usize) -> String {
    match lang {
        Lang::Zh => format!("共 {count} 条，只列出前 {shown} 条"),
        Lang::En => format!("{count} in all; the first {shown} are listed"),
    }
}

/// A day typed that is no date.
pub fn bad_date(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => format!("日期写法不对：{text:?}（例如 2026-11-30）"),
        Lang::En => format!("not a date: {text:?} (e.g. 2026-11-30)"),
    }
}

/// A report written to a file.
pub fn exported(lang: Lang, path: &std::path::Path) -> String {
    match lang {
        Lang::Zh => format!("报表已导出：{}", path.display()),
        Lang::En => format!("report exported: {}", path.display()),
    }
}

/// The orders paid in the month that credit no one.
pub fn uncredited(lang: Lang, n: usize, paid: Fen, refunded: Fen) -> String {
    let refunded = if refunded.0 != 0 {
        match lang {
            Lang::Zh => format!("（其中已退款 {}）", yuan(refunded)),
            Lang::En => format!(" ({} of it refunded)", yuan(refunded)),
        }
    } else {
        String::new()
    };
    match lang {
        Lang::Zh => format!("没有客服代码的订单：{n} 单，共 {}{refunded}", yuan(paid)),
        Lang::En => format!(
            "Orders with no CS code: {n}, {} in all{refunded}",
            yuan(paid)
        ),
    }
}

/// The rate table in words.
pub fn rates(lang: Lang, t: &RateTable) -> String {
    if let [(_, bp)] = t.tiers.as_slice() {
        return match lang {
            Lang::Zh => format!("提成比例：当月净销售额（付款减退款）的 {}", percent(*bp)),
            Lang::En => format!(
                "Rate: {} of the month's net sales (paid less refunds)",
                percent(*bp)
            ),
        };
    }
    let tiers: Vec<String> = t
        .tiers
        .iter()
        .map(|(from, bp)| match lang {
            Lang::Zh => format!("满 {} 按 {}", yuan(*from), percent(*bp)),
            Lang::En => format!("from {}: {}", yuan(*from), percent(*bp)),
        })
        .collect();
    match lang {
        Lang::Zh => format!(
            "阶梯提成（当月净销售额）：{}；达到哪一档，整月都按那一档的比例",
            tiers.join("，")
        ),
        Lang::En => format!(
            "Tiered on the month's net sales: {}; the tier reached applies to the whole month",
            tiers.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_in_words() {
        let flat = RateTable::parse("1%").unwrap();
        assert!(rates(Lang::Zh, &flat).contains("1%"));
        let t = RateTable::parse("0:1%,20000:1.5%").unwrap();
        assert!(
            rates(Lang::En, &t).contains("from ¥20000.00: 1.5%"),
            "{}",
            rates(Lang::En, &t)
        );
        assert_eq!(yuan(Fen(12345)), "¥123.45");
    }
}
