//! Refunds (退款) as Taobao's seller centre exports them (退款管理 → 导出).

use super::Fen;

/// Where a refund stands, from Taobao's 退款状态.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefundStatus {
    /// 买家已经申请退款，等待卖家同意
    Requested,
    /// 卖家已经同意退款，等待买家退货
    AwaitingReturn,
    /// 买家已经退货，等待卖家确认收货
    Returned,
    /// 卖家拒绝退款
    Refused,
    /// 退款关闭
    Closed,
    /// 退款成功
    Refunded,
}

impl RefundStatus {
    pub const ALL: [RefundStatus; 6] = [
        RefundStatus::Requested,
        RefundStatus::AwaitingReturn,
        RefundStatus::Returned,
        RefundStatus::Refused,
        RefundStatus::Closed,
        RefundStatus::Refunded,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RefundStatus::Requested => "requested",
            RefundStatus::AwaitingReturn => "awaiting_return",
            RefundStatus::Returned => "returned",
            RefundStatus::Refused => "refused",
            RefundStatus::Closed => "closed",
            RefundStatus::Refunded => "refunded",
        }
    }

    pub fn from_code(code: &str) -> Option<RefundStatus> {
        RefundStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Taobao's words in the export (and the API's names, which some tools write instead).
    pub fn from_taobao(text: &str) -> Option<RefundStatus> {
        Some(match text.trim() {
            "买家已经申请退款，等待卖家同意" | "WAIT_SELLER_AGREE" => {
                RefundStatus::Requested
            }
            "卖家已经同意退款，等待买家退货" | "WAIT_BUYER_RETURN_GOODS" => {
                RefundStatus::AwaitingReturn
            }
            "买家已经退货，等待卖家确认收货" | "WAIT_SELLER_CONFIRM_GOODS" => {
                RefundStatus::Returned
            }
            "卖家拒绝退款" | "SELLER_REFUSE_BUYER" => RefundStatus::Refused,
            "退款关闭" | "CLOSED" => RefundStatus::Closed,
            "退款成功" | "SUCCESS" => RefundStatus::Refunded,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            RefundStatus::Requested => "买家申请退款",
            RefundStatus::AwaitingReturn => "等买家退货",
            RefundStatus::Returned => "买家已退货",
            RefundStatus::Refused => "卖家拒绝退款",
            RefundStatus::Closed => "退款关闭",
            RefundStatus::Refunded => "退款成功",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            RefundStatus::Requested => "refund requested",
            RefundStatus::AwaitingReturn => "waiting for the buyer's return",
            RefundStatus::Returned => "returned, to confirm",
            RefundStatus::Refused => "refund refused",
            RefundStatus::Closed => "refund closed",
            RefundStatus::Refunded => "refunded",
        }
    }

    /// Still under way: the goods should not leave while it is.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            RefundStatus::Requested | RefundStatus::AwaitingReturn | RefundStatus::Returned
        )
    }
}

/// One refund of the export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refund {
    /// 退款编号: the refund's identity; a re-import updates it.
    pub refund_no: String,
    /// 订单编号: the order it belongs to (imported or not yet).
    pub order_no: String,
    /// 商品编码: the line refunded ('' when the export has none).
    pub sku_code: String,
    pub status: RefundStatus,
    /// 货物状态 as Taobao words it (买家未收到货, 买家已收到货, 买家已退货 …).
    pub goods_status: String,
    /// 买家退款金额
    pub amount: Fen,
    /// 是否需要退货
    pub needs_return: bool,
    /// 退货物流单号 and 退货物流公司: how the goods come back.
    pub return_waybill: Option<String>,
    pub return_courier: Option<String>,
    /// 买家退款原因
    pub reason: String,
    /// 部分退款/全部退款 said 全部退款.
    pub full: bool,
    /// 退款的申请时间 and 退款完结时间, as stored (UTC, RFC 3339).
    pub requested_at: Option<String>,
    pub finished_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taobaos_words_and_the_apis_names_read_the_same() {
        for s in RefundStatus::ALL {
            assert_eq!(RefundStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(
            RefundStatus::from_taobao("买家已经退货，等待卖家确认收货"),
            Some(RefundStatus::Returned)
        );
        assert_eq!(
            RefundStatus::from_taobao("SUCCESS"),
            Some(RefundStatus::Refunded)
        );
        assert_eq!(RefundStatus::from_taobao("退了"), None);
        assert!(RefundStatus::Requested.is_open() && !RefundStatus::Refunded.is_open());
    }
}
