//! Stock: the kinds of moves of the ledger, the reasons of outbound notes and stocktake
//! adjustments, a stocktake count scan and the variance of a stocktake line.

use serde::Serialize;

coded_enum! {
    /// What a stock move is (the ledger's `kind`).
    pub enum MoveKind {
        /// Stock a store started with (a catalogue import, the demo).
        Opening = "opening", "期初", "opening";
        /// In on an inbound receipt (入库单), ref `R12`.
        Receipt = "receipt", "入库", "receipt";
        /// Out with a parcel, ref the order number.
        Shipment = "shipment", "发货", "shipment";
        /// Back from a buyer.
        Return = "return", "退货", "return";
        /// 配平: a stocktake's correction, ref `S12`.
        Adjust = "adjust", "配平", "adjustment";
        /// Out on an outbound note (出库单), ref `I12`.
        Issue = "issue", "出库", "issue";
    }
}

coded_enum! {
    /// Where an inbound receipt stands (the store's `receipts.state`).
    pub enum ReceiptState {
        /// Created; its stock is not in yet.
        Open = "open", "未入库", "open";
        /// Its stock is in.
        Confirmed = "confirmed", "已入库", "confirmed";
    }
}

coded_enum! {
    /// Where a stocktake session stands (the store's `stocktakes.state`).
    pub enum StocktakeState {
        /// The first count.
        Counting = "counting", "盘点中", "counting";
        /// The lines that differ are counted again.
        Recounting = "recounting", "复盘中", "recounting";
        /// Adjusted; closed.
        Approved = "approved", "已审核", "approved";
        /// Closed without adjusting.
        Cancelled = "cancelled", "已取消", "cancelled";
    }
}

impl StocktakeState {
    /// Whether counters may still scan and the keeper approve or cancel.
    pub fn is_open(self) -> bool {
        matches!(self, StocktakeState::Counting | StocktakeState::Recounting)
    }

    /// The count a scan goes into: 1, or 2 in the recount.
    pub fn round(self) -> i64 {
        if self == StocktakeState::Recounting {
            2
        } else {
            1
        }
    }
}

coded_enum! {
    /// Why stock leaves on an outbound note (出库单).
    pub enum IssueReason {
        Damage = "damage", "报损", "damage";
        Sample = "sample", "样品", "sample";
        Other = "other", "其他", "other";
    }
}

coded_enum! {
    /// Why a stocktake line differs from the books; every adjust move has one.
    pub enum AdjustReason {
        Lost = "lost", "丢失", "lost";
        Damaged = "damaged", "损坏", "damaged";
        Found = "found", "找到", "found";
        Miscount = "miscount", "数错", "miscount";
    }
}

/// Most units one bulk count scan may say (a typo of a few digits more is refused).
pub const MAX_BULK: i64 = 100_000;

/// Why a count scan was refused before the store was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountError {
    /// The part after `*` is not a whole number from 1 to `MAX_BULK`.
    BadQuantity(String),
}

/// The code that undoes the counter's last count in the open bin (a card at the shelf, the
/// screen's button). Reserved: no product may be counted by it.
pub const UNDO_CODE: &str = "UNDO";
/// The code that says the open bin holds nothing: an empty bin is counted, not skipped.
pub const EMPTY_CODE: &str = "EMPTY";

/// What a stocktake scan says: a bin label (`L` + bin code), a product and how many units
/// (`6901234567892` is one, `6901234567892*24` twenty-four), `UNDO` or `EMPTY`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountScan {
    Bin(String),
    Item {
        code: String,
        qty: i64,
    },
    /// Take back the counter's last count (or empty mark) in the open bin: recorded as a scan of
    /// its own, the one undone is kept.
    Undo,
    /// The open bin holds nothing.
    Empty,
}

/// Reads one stocktake scan. Bin labels start with `L` followed by a bin code that contains a
/// `-` (product barcodes are digits, in-house codes have no dash), so `L` + code is told from a
/// merchant code that happens to start with L only by the caller: `is_bin` says whether the
/// text after `L` is a known bin. `UNDO` and `EMPTY` (any case) are the counter's cards.
pub fn parse_count(code: &str, is_bin: impl Fn(&str) -> bool) -> Result<CountScan, CountError> {
    let code = code.trim();
    if code.eq_ignore_ascii_case(UNDO_CODE) {
        return Ok(CountScan::Undo);
    }
    if code.eq_ignore_ascii_case(EMPTY_CODE) {
        return Ok(CountScan::Empty);
    }
    if let Some(bin) = code
        .strip_prefix('L')
        .filter(|b| !b.is_empty() && is_bin(b))
    {
        return Ok(CountScan::Bin(bin.to_string()));
    }
    match code.split_once('*') {
        None => Ok(CountScan::Item {
            code: code.to_string(),
            qty: 1,
        }),
        Some((item, qty_text)) => {
            let qty = qty_text
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|q| (1..=MAX_BULK).contains(q))
                .ok_or_else(|| CountError::BadQuantity(qty_text.to_string()))?;
            Ok(CountScan::Item {
                code: item.trim().to_string(),
                qty,
            })
        }
    }
}

coded_enum! {
    /// What an approval does with the bins nobody counted (the store's `stocktakes.uncounted`).
    /// A bin is counted when units stand counted in it or it was marked empty; a bin whose label
    /// was only scanned, or never, is not.
    pub enum Uncounted {
        /// Left as they are: no adjust move, their lines reported as not counted.
        Leave = "leave", "保持不变", "left as they are";
        /// Written down to zero like a bin counted empty (each line needs its reason).
        Zero = "zero", "记为 0", "written down to zero";
    }
}

/// One line of a stocktake: a product in a bin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VarianceLine {
    pub bin: String,
    pub sku_code: String,
    #[serde(skip)]
    pub product_id: i64,
    /// The first count (the recount may replace it in `counted`).
    #[serde(skip)]
    pub count1: i64,
    /// Snapshot at the start plus the moves since.
    pub expected: i64,
    /// What the counters found (0 where nobody counted the product).
    pub counted: i64,
    /// counted − expected (for a line of a bin nobody counted: what writing it down to zero
    /// would adjust).
    pub variance: i64,
    /// Whether its bin was counted (units counted there, or marked empty). Lines of the bins
    /// not counted are left as they are unless the approval writes them down to zero.
    pub bin_counted: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_scans() {
        let bins = |b: &str| b == "A-01-1";
        assert_eq!(
            parse_count("LA-01-1", bins),
            Ok(CountScan::Bin("A-01-1".into()))
        );
        assert_eq!(
            parse_count("6901234567892", bins),
            Ok(CountScan::Item {
                code: "6901234567892".into(),
                qty: 1
            })
        );
        assert_eq!(
            parse_count("6901234567892*24", bins),
            Ok(CountScan::Item {
                code: "6901234567892".into(),
                qty: 24
            })
        );
        for bad in [
            "6901234567892*0",
            "6901234567892*-3",
            "6901234567892*x",
            "6901234567892*",
        ] {
            assert!(matches!(
                parse_count(bad, bins),
                Err(CountError::BadQuantity(_))
            ));
        }
        // The counter's cards, in any case.
        assert_eq!(parse_count("UNDO", bins), Ok(CountScan::Undo));
        assert_eq!(parse_count(" undo ", bins), Ok(CountScan::Undo));
        assert_eq!(parse_count("Empty", bins), Ok(CountScan::Empty));
        // An L-code that is not a bin is an item code.
        assert_eq!(
            parse_count("LX-9", bins),
            Ok(CountScan::Item {
                code: "LX-9".into(),
                qty: 1
            })
        );
    }

    #[test]
    fn reasons_round_trip() {
        for r in [
            AdjustReason::Lost,
            AdjustReason::Damaged,
            AdjustReason::Found,
            AdjustReason::Miscount,
        ] {
            assert_eq!(AdjustReason::from_code(r.code()), Some(r));
        }
        for r in [IssueReason::Damage, IssueReason::Sample, IssueReason::Other] {
            assert_eq!(IssueReason::from_code(r.code()), Some(r));
        }
        assert_eq!(AdjustReason::from_code("stolen"), None);
        for k in MoveKind::ALL {
            assert_eq!(MoveKind::from_code(k.code()), Some(*k));
        }
        for u in Uncounted::ALL {
            assert_eq!(Uncounted::from_code(u.code()), Some(*u));
        }
        for s in StocktakeState::ALL {
            assert_eq!(StocktakeState::from_code(s.code()), Some(*s));
        }
        assert!(StocktakeState::Recounting.is_open() && StocktakeState::Recounting.round() == 2);
        assert!(!StocktakeState::Approved.is_open());
    }
}
