//! Checking a parcel at the bench (验货): what each scan means. Pure rules over the facts the
//! store reads at scan time; the flow writes the scan with its verdict before anyone sees it.

use super::order::OrderStatus;
use serde::Serialize;

/// Why a parcel may not be checked now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockReason {
    /// The buyer has not paid (and no supervisor let it ship unpaid).
    Unpaid,
    /// Paid, then refunded: the order is closed, or every line of it is.
    Refunded,
    /// Closed before payment.
    Cancelled,
    /// Shipped already (by this bench, another, or outside packbench).
    Shipped,
    /// On hold in review.
    Held,
    /// Being checked at another bench.
    OpenElsewhere,
    /// A refund is under way on Taobao (imported from the refund export).
    RefundOpen,
    /// Its waybill was voided: the old label must come off, a new one goes on.
    WaybillVoided,
}

impl BlockReason {
    pub const ALL: [BlockReason; 8] = [
        BlockReason::Unpaid,
        BlockReason::Refunded,
        BlockReason::Cancelled,
        BlockReason::Shipped,
        BlockReason::Held,
        BlockReason::OpenElsewhere,
        BlockReason::RefundOpen,
        BlockReason::WaybillVoided,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BlockReason::Unpaid => "unpaid",
            BlockReason::Refunded => "refunded",
            BlockReason::Cancelled => "cancelled",
            BlockReason::Shipped => "shipped",
            BlockReason::Held => "held",
            BlockReason::OpenElsewhere => "open_elsewhere",
            BlockReason::RefundOpen => "refund_open",
            BlockReason::WaybillVoided => "waybill_voided",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            BlockReason::Unpaid => "买家未付款，不能发货",
            BlockReason::Refunded => "已退款，不能发货",
            BlockReason::Cancelled => "交易已关闭，不能发货",
            BlockReason::Shipped => "已经发货了",
            BlockReason::Held => "订单暂停发货",
            BlockReason::OpenElsewhere => "正在另一台验货台验货",
            BlockReason::RefundOpen => "买家在退款，先别发货（交给客服主管）",
            BlockReason::WaybillVoided => "快递单已作废：撕掉这张单，贴新打的单",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            BlockReason::Unpaid => "not paid: do not ship",
            BlockReason::Refunded => "refunded: do not ship",
            BlockReason::Cancelled => "cancelled: do not ship",
            BlockReason::Shipped => "already shipped",
            BlockReason::Held => "on hold: do not ship",
            BlockReason::OpenElsewhere => "being checked at another bench",
            BlockReason::RefundOpen => "a refund is under way: do not ship (to the CS supervisor)",
            BlockReason::WaybillVoided => "waybill voided: pull this label, stick the new one on",
        }
    }
}

coded_enum! {
    /// Where a parcel stands (the store's `parcels.stage`).
    pub enum ParcelStage {
        /// Orders put together, no tracking number yet.
        Merged = "merged", "已合并", "merged";
        /// In a batch, with its tracking number.
        Printed = "printed", "已打单", "printed";
        Shipped = "shipped", "已发货", "shipped";
    }
}

coded_enum! {
    /// What a bench was doing when it scanned (the store's `scans.mode` and `stock_scans.mode`).
    pub enum ScanMode {
        Check = "check", "验货", "check";
        Pick = "pick", "配货", "pick";
        InboundCheck = "inbound_check", "入库检验", "inbound check";
        Stocktake = "stocktake", "盘点", "stocktake";
    }
}

coded_enum! {
    /// How a parcel left (the store's `parcels.ship_mode`): scanned item by item at a bench, or
    /// shipped in bulk without a check.
    pub enum ShipMode {
        Checked = "checked", "验货发货", "checked";
        Bulk = "bulk", "批量发货", "shipped in bulk";
    }
}

coded_enum! {
    /// Where a scan came from (the store's `scans.source` and `stock_scans.source`). Scans
    /// stored before sources were kept have none: unknown, not guessed.
    pub enum ScanSource {
        /// A USB scanner typing like a keyboard.
        Wedge = "wedge", "扫码枪", "scanner";
        /// A serial (COM) scanner.
        Serial = "serial", "串口扫码枪", "serial scanner";
        /// Typed by hand into a screen's field and confirmed with Enter (a damaged label).
        Keyed = "keyed", "手输", "typed";
        /// Lines fed to the command line (`scan --input FILE`, or standard input).
        Replay = "replay", "导入", "replay";
    }
}

/// What the store knows of one order of a parcel at scan time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderFacts {
    pub status: OrderStatus,
    pub ship_unpaid: bool,
    pub paid: bool,
    pub held: bool,
    /// A refund of the order is under way on Taobao.
    pub refund_open: bool,
    /// Lines that go in the parcel (not refunded), reported shipped or not.
    pub lines_to_ship: usize,
}

/// Why this parcel may not be checked, if it may not. Status is read at scan time, so a refund
/// imported after the waybill was printed stops the parcel here. The most final reason wins.
pub fn block_reason(parcel_shipped: bool, orders: &[OrderFacts]) -> Option<BlockReason> {
    if parcel_shipped {
        return Some(BlockReason::Shipped);
    }
    let any = |f: &dyn Fn(&OrderFacts) -> bool| orders.iter().any(f);
    if any(&|o| o.status == OrderStatus::Closed && o.paid) {
        return Some(BlockReason::Refunded);
    }
    if any(&|o| o.status == OrderStatus::Closed) {
        return Some(BlockReason::Cancelled);
    }
    // An order shipped on Taobao (批量发货 before the check, or Taobao's word at import) whose
    // parcel has not left: the goods are still here, and the check goes on (issue 15, item 8).
    if any(&|o| o.status == OrderStatus::Unpaid && !o.ship_unpaid) {
        return Some(BlockReason::Unpaid);
    }
    if orders.is_empty() || orders.iter().all(|o| o.lines_to_ship == 0) {
        return Some(BlockReason::Refunded);
    }
    if any(&|o| o.refund_open) {
        return Some(BlockReason::RefundOpen);
    }
    if any(&|o| o.held) {
        return Some(BlockReason::Held);
    }
    None
}

/// One merchant code of an open parcel: how many are expected and how many were scanned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineCount {
    pub sku_code: String,
    pub expected: u32,
    pub scanned: u32,
}

/// What a scanned item means for the open parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemJudgement {
    /// Counted; `complete` when it was the parcel's last missing unit.
    Counted { complete: bool },
    /// Its line is complete already.
    Surplus,
    /// It belongs to a refunded line of the parcel.
    Refunded,
    /// A product of the shop, not in this parcel.
    Wrong,
}

/// Judges a scanned product (by merchant code) against the parcel's counts. A mismatch never
/// changes a count.
pub fn judge_item(counts: &[LineCount], refunded_skus: &[String], sku_code: &str) -> ItemJudgement {
    match counts.iter().find(|c| c.sku_code == sku_code) {
        Some(c) if c.scanned < c.expected => {
            let missing_elsewhere = counts
                .iter()
                .any(|o| o.sku_code != sku_code && o.scanned < o.expected);
            let complete = !missing_elsewhere && c.scanned + 1 == c.expected;
            ItemJudgement::Counted { complete }
        }
        Some(_) => ItemJudgement::Surplus,
        None if refunded_skus.iter().any(|s| s == sku_code) => ItemJudgement::Refunded,
        None => ItemJudgement::Wrong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paid(lines: usize) -> OrderFacts {
        OrderFacts {
            status: OrderStatus::Paid,
            ship_unpaid: false,
            paid: true,
            held: false,
            refund_open: false,
            lines_to_ship: lines,
        }
    }

    #[test]
    fn status_at_scan_time_blocks() {
        assert_eq!(block_reason(false, &[paid(1)]), None);
        assert_eq!(block_reason(true, &[paid(1)]), Some(BlockReason::Shipped));
        let refunded = OrderFacts {
            status: OrderStatus::Closed,
            ..paid(1)
        };
        assert_eq!(
            block_reason(false, &[paid(1), refunded]),
            Some(BlockReason::Refunded)
        );
        let cancelled = OrderFacts {
            status: OrderStatus::Closed,
            paid: false,
            ..paid(1)
        };
        assert_eq!(
            block_reason(false, &[cancelled]),
            Some(BlockReason::Cancelled)
        );
        let unpaid = OrderFacts {
            status: OrderStatus::Unpaid,
            paid: false,
            ..paid(1)
        };
        assert_eq!(
            block_reason(false, std::slice::from_ref(&unpaid)),
            Some(BlockReason::Unpaid)
        );
        assert_eq!(
            block_reason(
                false,
                &[OrderFacts {
                    ship_unpaid: true,
                    ..unpaid
                }]
            ),
            None
        );
        assert_eq!(block_reason(false, &[paid(0)]), Some(BlockReason::Refunded));
        let refunding = OrderFacts {
            refund_open: true,
            ..paid(1)
        };
        assert_eq!(
            block_reason(false, std::slice::from_ref(&refunding)),
            Some(BlockReason::RefundOpen)
        );
        // A merged parcel stops for one order's refund.
        assert_eq!(
            block_reason(false, &[paid(1), refunding]),
            Some(BlockReason::RefundOpen)
        );
        assert_eq!(
            block_reason(
                false,
                &[OrderFacts {
                    held: true,
                    ..paid(1)
                }]
            ),
            Some(BlockReason::Held)
        );
        // Reported shipped on Taobao, the parcel still here: checked as any other.
        let reported = OrderFacts {
            status: OrderStatus::Shipped,
            ..paid(1)
        };
        assert_eq!(block_reason(false, std::slice::from_ref(&reported)), None);
        assert_eq!(block_reason(true, &[reported]), Some(BlockReason::Shipped));
    }

    fn counts() -> Vec<LineCount> {
        vec![
            LineCount {
                sku_code: "A".into(),
                expected: 2,
                scanned: 0,
            },
            LineCount {
                sku_code: "B".into(),
                expected: 1,
                scanned: 1,
            },
        ]
    }

    #[test]
    fn items_are_counted_refused_or_complete() {
        let c = counts();
        assert_eq!(
            judge_item(&c, &[], "A"),
            ItemJudgement::Counted { complete: false }
        );
        assert_eq!(judge_item(&c, &[], "B"), ItemJudgement::Surplus);
        assert_eq!(judge_item(&c, &["R".into()], "R"), ItemJudgement::Refunded);
        assert_eq!(judge_item(&c, &[], "Z"), ItemJudgement::Wrong);
        let mut c = c;
        c[0].scanned = 1;
        assert_eq!(
            judge_item(&c, &[], "A"),
            ItemJudgement::Counted { complete: true }
        );
    }
}

/// The longest scan accepted: no barcode a bench prints or receives is longer.
pub const MAX_SCAN_LEN: usize = 128;

/// What a scanner line gives a bench flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanText<'a> {
    /// The line as scanned or typed; the flow cleans it (`clean_scan`).
    Code(&'a str),
    /// A line too long to be a barcode, cut off while it was read: its start (kept with the
    /// scan) and its length in characters.
    TooLong { head: &'a str, chars: usize },
}

impl<'a> From<&'a str> for ScanText<'a> {
    fn from(s: &'a str) -> ScanText<'a> {
        ScanText::Code(s)
    }
}

impl<'a> From<&'a String> for ScanText<'a> {
    fn from(s: &'a String) -> ScanText<'a> {
        ScanText::Code(s)
    }
}

impl<'a> ScanText<'a> {
    /// The line cleaned (`clean_scan`); a line cut off while read is too long by its full length.
    pub fn clean(self) -> Result<Option<String>, usize> {
        match self {
            ScanText::Code(raw) => clean_scan(raw),
            ScanText::TooLong { chars, .. } => Err(chars.max(MAX_SCAN_LEN + 1)),
        }
    }

    /// The start of the line to keep with a refused scan: control characters dropped, at most
    /// `MAX_SCAN_LEN` characters.
    pub fn head(self) -> String {
        let raw = match self {
            ScanText::Code(raw) => raw,
            ScanText::TooLong { head, .. } => head,
        };
        raw.chars()
            .filter(|c| !c.is_control())
            .take(MAX_SCAN_LEN)
            .collect()
    }
}

/// A scan line cleaned as scanners and people send it: control characters dropped, spaces
/// trimmed. `Ok(None)` for a blank line; `Err(length)` for one too long to be a barcode.
pub fn clean_scan(raw: &str) -> Result<Option<String>, usize> {
    let code: String = raw.chars().filter(|c| !c.is_control()).collect();
    let code = code.trim();
    let n = code.chars().count();
    if n == 0 {
        Ok(None)
    } else if n > MAX_SCAN_LEN {
        Err(n)
    } else {
        Ok(Some(code.to_string()))
    }
}

#[cfg(test)]
mod scan_tests {
    use super::*;

    #[test]
    fn scans_are_cleaned() {
        assert_eq!(
            clean_scan("  6901234567892\r\n"),
            Ok(Some("6901234567892".into()))
        );
        assert_eq!(clean_scan("\u{1b}[A77\u{7}00"), Ok(Some("[A7700".into())));
        assert_eq!(clean_scan(" \t "), Ok(None));
        assert_eq!(clean_scan(&"9".repeat(129)), Err(129));
        assert_eq!(clean_scan(&"9".repeat(128)).unwrap().unwrap().len(), 128);
    }
}
