//! Stock: the kinds of moves of the ledger, the reasons of outbound notes and stocktake
//! adjustments, a stocktake count scan and the variance of a stocktake line.

use serde::Serialize;

/// What a stock move is (the ledger's `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Stock a store started with (a catalogue import, the demo).
    Opening,
    /// In on an inbound receipt (入库单), ref `R12`.
    Receipt,
    /// Out with a parcel, ref the order number.
    Shipment,
    /// Back from a buyer.
    Return,
    /// 配平: a stocktake's correction, ref `S12`.
    Adjust,
    /// Out on an outbound note (出库单), ref `I12`.
    Issue,
}

impl MoveKind {
    pub const ALL: [MoveKind; 6] = [
        MoveKind::Opening,
        MoveKind::Receipt,
        MoveKind::Shipment,
        MoveKind::Return,
        MoveKind::Adjust,
        MoveKind::Issue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MoveKind::Opening => "opening",
            MoveKind::Receipt => "receipt",
            MoveKind::Shipment => "shipment",
            MoveKind::Return => "return",
            MoveKind::Adjust => "adjust",
            MoveKind::Issue => "issue",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            MoveKind::Opening => "期初",
            MoveKind::Receipt => "入库",
            MoveKind::Shipment => "发货",
            MoveKind::Return => "退货",
            MoveKind::Adjust => "配平",
            MoveKind::Issue => "出库",
        }
    }
}

/// Why stock leaves on an outbound note (出库单).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IssueReason {
    /// 报损
    Damage,
    /// 样品
    Sample,
    /// 其他
    Other,
}

impl IssueReason {
    pub fn code(self) -> &'static str {
        match self {
            IssueReason::Damage => "damage",
            IssueReason::Sample => "sample",
            IssueReason::Other => "other",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            IssueReason::Damage => "报损",
            IssueReason::Sample => "样品",
            IssueReason::Other => "其他",
        }
    }

    pub fn from_code(s: &str) -> Option<IssueReason> {
        match s {
            "damage" => Some(IssueReason::Damage),
            "sample" => Some(IssueReason::Sample),
            "other" => Some(IssueReason::Other),
            _ => None,
        }
    }
}

/// Why a stocktake line differs from the books; every adjust move has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustReason {
    Lost,
    Damaged,
    Found,
    Miscount,
}

impl AdjustReason {
    pub fn code(self) -> &'static str {
        match self {
            AdjustReason::Lost => "lost",
            AdjustReason::Damaged => "damaged",
            AdjustReason::Found => "found",
            AdjustReason::Miscount => "miscount",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            AdjustReason::Lost => "丢失",
            AdjustReason::Damaged => "损坏",
            AdjustReason::Found => "找到",
            AdjustReason::Miscount => "数错",
        }
    }

    pub fn from_code(s: &str) -> Option<AdjustReason> {
        match s {
            "lost" => Some(AdjustReason::Lost),
            "damaged" => Some(AdjustReason::Damaged),
            "found" => Some(AdjustReason::Found),
            "miscount" => Some(AdjustReason::Miscount),
            _ => None,
        }
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

/// What a stocktake scan says: a bin label (`L` + bin code), or a product and how many units
/// (`6901234567892` is one, `6901234567892*24` twenty-four).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountScan {
    Bin(String),
    Item { code: String, qty: i64 },
}

/// Reads one stocktake scan. Bin labels start with `L` followed by a bin code that contains a
/// `-` (product barcodes are digits, in-house codes have no dash), so `L` + code is told from a
/// merchant code that happens to start with L only by the caller: `is_bin` says whether the
/// text after `L` is a known bin.
pub fn parse_count(code: &str, is_bin: impl Fn(&str) -> bool) -> Result<CountScan, CountError> {
    let code = code.trim();
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
    /// counted − expected
    pub variance: i64,
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
    }
}
