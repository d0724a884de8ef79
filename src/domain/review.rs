//! Order review (审单): why an order is held back from printing.

use serde::Serialize;

/// The reasons an order is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HoldReason {
    AddressChange,
    SpecialCourier,
    CannotDeliver,
    ItemChanged,
    OutOfStock,
    CustomerRequest,
    /// A remark said 暂不发货 (do not ship yet).
    Remark,
    /// Free text in the note.
    Other,
}

impl HoldReason {
    pub const ALL: [HoldReason; 8] = [
        HoldReason::AddressChange,
        HoldReason::SpecialCourier,
        HoldReason::CannotDeliver,
        HoldReason::ItemChanged,
        HoldReason::OutOfStock,
        HoldReason::CustomerRequest,
        HoldReason::Remark,
        HoldReason::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            HoldReason::AddressChange => "address_change",
            HoldReason::SpecialCourier => "special_courier",
            HoldReason::CannotDeliver => "cannot_deliver",
            HoldReason::ItemChanged => "item_changed",
            HoldReason::OutOfStock => "out_of_stock",
            HoldReason::CustomerRequest => "customer_request",
            HoldReason::Remark => "remark",
            HoldReason::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<HoldReason> {
        HoldReason::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            HoldReason::AddressChange => "改地址",
            HoldReason::SpecialCourier => "指定快递",
            HoldReason::CannotDeliver => "不能送达",
            HoldReason::ItemChanged => "换商品",
            HoldReason::OutOfStock => "缺货",
            HoldReason::CustomerRequest => "客户要求",
            HoldReason::Remark => "备注暂不发货",
            HoldReason::Other => "其他",
        }
    }
}

/// The words in a remark that hold an order by themselves.
pub const HOLD_WORDS: &str = "暂不发货";

/// Whether a remark holds its order.
pub fn remark_holds(text: &str) -> bool {
    text.contains(HOLD_WORDS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_and_remarks_hold() {
        for r in HoldReason::ALL {
            assert_eq!(HoldReason::from_code(r.code()), Some(r));
        }
        assert!(remark_holds("C11 买家要求改地址，暂不发货"));
        assert!(!remark_holds("C07 加急"));
    }
}
