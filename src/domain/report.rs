//! Who did what (业绩, 提成, 自我审核): the kinds of the self-audits' items, the grains of a
//! performance report and the commission rate table. Rules only; the figures are counted by
//! `flow::report` from the store's own record (scans, shipments, prints, remarks, refunds).

use super::money::Fen;
use super::staff::Role;
use chrono::{Datelike, NaiveDate};

coded_enum! {
    /// The roles that sign a self-audit before going home.
    pub enum AuditRole {
        OrderPrinter = "order_printer", "打单员", "order printer";
        Checker = "checker", "验货员", "checker";
        StockKeeper = "stock_keeper", "库存管理员", "stock keeper";
        CsSupervisor = "cs_supervisor", "客服主管", "CS supervisor";
    }
}

impl AuditRole {
    /// The audit a staff member of `role` signs; `None` for roles without one.
    pub fn of(role: Role) -> Option<AuditRole> {
        match role {
            Role::OrderPrinter => Some(AuditRole::OrderPrinter),
            Role::Checker => Some(AuditRole::Checker),
            Role::StockKeeper => Some(AuditRole::StockKeeper),
            Role::CsSupervisor => Some(AuditRole::CsSupervisor),
            _ => None,
        }
    }

    /// The items of this role's audit, in the order they are shown.
    pub fn items(self) -> &'static [AuditItem] {
        use AuditItem::*;
        match self {
            AuditRole::OrderPrinter => &[
                PrintedNoTracking,
                LeftOutsideBench,
                NoStockOut,
                CheckedNotShipped,
                ReportedNotLeft,
                NotShippedOnTaobao,
                PartlyShippedOnTaobao,
                ExceptionsOpen,
            ],
            AuditRole::Checker => &[
                CheckedNotShipped,
                BulkShipped,
                PrintedNotProcessed,
                CreditedToNonCs,
            ],
            AuditRole::StockKeeper => &[ReceiptsOpen, NegativeStock, DeadStock],
            AuditRole::CsSupervisor => &[ReturnsWaiting, RefundsOpen, ExceptionsOpen],
        }
    }

    /// The staff role signing this audit.
    pub fn role(self) -> Role {
        match self {
            AuditRole::OrderPrinter => Role::OrderPrinter,
            AuditRole::Checker => Role::Checker,
            AuditRole::StockKeeper => Role::StockKeeper,
            AuditRole::CsSupervisor => Role::CsSupervisor,
        }
    }
}

coded_enum! {
    /// One line of a self-audit: a count with the list behind it.
    pub enum AuditItem {
        PrintedNoTracking = "printed_no_tracking", "已打印但没有快递单号", "printed without a tracking number";
        LeftOutsideBench = "left_outside_bench", "未经验货出库（库存按未验货扣减）", "left outside the bench (stock out unchecked)";
        NoStockOut = "no_stock_out", "已发货但没有扣库存", "shipped with no stock out";
        CheckedNotShipped = "checked_not_shipped", "已验货未发货", "checked but not shipped";
        ReportedNotLeft = "reported_not_left", "淘宝已发货，货还在", "shipped on Taobao, goods still here";
        NotShippedOnTaobao = "not_shipped_on_taobao", "淘宝上未发货", "unshipped on Taobao";
        PartlyShippedOnTaobao = "partly_shipped_on_taobao", "淘宝上部分发货", "partly shipped on Taobao";
        BulkShipped = "bulk_shipped", "未验货批量发货（逐个确认已出库）", "shipped in bulk without a check (confirm each left)";
        PrintedNotProcessed = "printed_not_processed", "今日已打印未处理", "printed today, not processed";
        CreditedToNonCs = "credited_to_non_cs", "业绩记在非客服名下（备注缺客服代码）", "sales credited to a non-CS code (remark lacks a CS code)";
        ReceiptsOpen = "receipts_open", "入库单未确认", "receipts not confirmed";
        NegativeStock = "negative_stock", "负库存", "negative stock";
        DeadStock = "dead_stock", "滞销商品待停用", "dead stock to discontinue";
        ReturnsWaiting = "returns_waiting", "退货待入库", "returns waiting";
        RefundsOpen = "refunds_open", "退款未处理", "refunds not handled";
        ExceptionsOpen = "exceptions_open", "异常未处理", "exceptions open";
    }
}

coded_enum! {
    /// How a performance report groups days.
    pub enum Grain {
        Day = "day", "按天", "by day";
        Week = "week", "按周", "by week";
        Month = "month", "按月", "by month";
    }
}

impl Grain {
    /// The period a shop day belongs to, as a label that sorts: `2026-12-01`, the week's Monday
    /// `2026-W49 (11-30)`, `2026-12`.
    pub fn period(self, day: NaiveDate) -> String {
        match self {
            Grain::Day => day.format("%Y-%m-%d").to_string(),
            Grain::Week => {
                let w = day.iso_week();
                let monday =
                    day - chrono::Duration::days(day.weekday().num_days_from_monday() as i64);
                format!("{}-W{:02} ({})", w.year(), w.week(), monday.format("%m-%d"))
            }
            Grain::Month => day.format("%Y-%m").to_string(),
        }
    }
}

/// The words of a refund reason that say the parcel went out wrong (错发, 漏发): a mis-ship
/// traced back to the checker and picker of the parcel.
pub fn is_misship_reason(reason: &str) -> bool {
    const WORDS: [&str; 8] = [
        "发错",
        "错发",
        "漏发",
        "少发",
        "缺件",
        "少件",
        "发货错误",
        "商品错",
    ];
    WORDS.iter().any(|w| reason.contains(w))
}

/// The commission rate table (提成): tiers from a month's net sales on, each a rate in basis
/// points (1% = 100). The rate of the highest tier reached applies to the whole month's sales
/// (阶梯提成); a flat rate is one tier from 0.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RateTable {
    /// (from net sales, rate in basis points), ascending, the first from 0.
    pub tiers: Vec<(Fen, u32)>,
}

/// The setting's default: 1% flat.
pub const DEFAULT_RATES: &str = "1%";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "not a rate table: {0:?} (expected `2%` or `0:1%,20000:2%`, yuan from which a rate applies)"
)]
pub struct RateError(pub String);

impl RateError {
    pub fn zh(&self) -> String {
        format!(
            "提成比例格式不对：{:?}（应为 `2%`，或 `0:1%,20000:2%`：销售额达到多少元起按哪个比例）",
            self.0
        )
    }
}

impl RateTable {
    /// `2%`, `1.5%`, or `0:1%,20000:1.5%,50000:2%`: yuan from which a rate applies.
    pub fn parse(text: &str) -> Result<RateTable, RateError> {
        let bad = || RateError(text.to_string());
        let rate = |s: &str| -> Result<u32, RateError> {
            let pct = s.trim().strip_suffix('%').ok_or_else(bad)?;
            let fen = Fen::parse_yuan(pct).map_err(|_| bad())?;
            // Percent with two decimals is basis points, as yuan with two decimals is fen.
            u32::try_from(fen.0)
                .ok()
                .filter(|bp| *bp <= 10_000)
                .ok_or_else(bad)
        };
        let text_t = text.trim();
        if text_t.is_empty() {
            return Err(bad());
        }
        let mut tiers = Vec::new();
        if !text_t.contains(':') {
            tiers.push((Fen(0), rate(text_t)?));
        } else {
            for part in text_t.split([',', '，']) {
                let (from, r) = part.split_once(':').ok_or_else(bad)?;
                let from = Fen::parse_yuan(from).map_err(|_| bad())?;
                tiers.push((from, rate(r)?));
            }
        }
        if tiers[0].0 != Fen(0) || tiers.windows(2).any(|w| w[0].0 >= w[1].0) {
            return Err(bad());
        }
        Ok(RateTable { tiers })
    }

    /// The rate (basis points) for a month's net sales.
    pub fn rate_for(&self, net: Fen) -> u32 {
        self.tiers
            .iter()
            .rev()
            .find(|(from, _)| net >= *from)
            .map_or(0, |t| t.1)
    }

    /// The commission on a month's net sales, rounded to the fen (half up); nothing on a loss.
    pub fn commission(&self, net: Fen) -> Fen {
        if net.0 <= 0 {
            return Fen(0);
        }
        let bp = i128::from(self.rate_for(net));
        Fen(((i128::from(net.0) * bp + 5_000) / 10_000) as i64)
    }
}

/// A rate in basis points as people write it: `1.5%`.
pub fn percent(bp: u32) -> String {
    let s = format!("{}.{:02}", bp / 100, bp % 100);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flat_rate_and_tiers() {
        let flat = RateTable::parse("2%").unwrap();
        assert_eq!(flat.commission(Fen(12345)), Fen(247));
        let t = RateTable::parse("0:1%, 20000:1.5%,50000:2%").unwrap();
        assert_eq!(t.rate_for(Fen(1_999_999)), 100);
        assert_eq!(t.rate_for(Fen(2_000_000)), 150);
        assert_eq!(t.commission(Fen(6_000_000)), Fen(120_000));
        assert_eq!(t.commission(Fen(-500)), Fen(0));
        assert_eq!(percent(150), "1.5%");
        assert_eq!(percent(200), "2%");
    }

    #[test]
    fn a_bad_table_is_refused() {
        for bad in [
            "",
            "2",
            "abc%",
            "100:1%",
            "0:2%,0:3%",
            "0:1%,5000:x",
            "120%",
            "-1%",
        ] {
            assert!(RateTable::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn mis_ship_reasons() {
        assert!(is_misship_reason("卖家发错货"));
        assert!(is_misship_reason("少件/漏发"));
        assert!(!is_misship_reason("七天无理由退换货"));
    }

    #[test]
    fn periods_sort_and_name_the_week() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(Grain::Day.period(d), "2026-12-03");
        assert_eq!(Grain::Week.period(d), "2026-W49 (11-30)");
        assert_eq!(Grain::Month.period(d), "2026-12");
    }

    #[test]
    fn each_audit_role_is_a_staff_role() {
        for r in AuditRole::ALL {
            assert_eq!(AuditRole::of(r.role()), Some(*r));
            assert!(!r.items().is_empty());
        }
    }
}
