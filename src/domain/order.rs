//! Orders and their lines as Taobao defines them. A line has its own status: a `closed` line in a
//! `paid` order is a refunded item that must never be packed.

use super::money::Fen;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The status of an order or of one of its lines, mapped from Taobao's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// 等待买家付款
    Unpaid,
    /// 买家已付款，等待卖家发货
    Paid,
    /// 卖家已发货，等待买家确认
    Shipped,
    /// 交易成功
    Completed,
    /// 交易关闭 (cancelled, or refunded in full)
    Closed,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        OrderStatus::Unpaid,
        OrderStatus::Paid,
        OrderStatus::Shipped,
        OrderStatus::Completed,
        OrderStatus::Closed,
    ];

    /// Maps the status text of a Taobao export. Newer exports sometimes add spaces or use an
    /// ASCII comma; both are accepted.
    pub fn from_taobao(text: &str) -> Option<OrderStatus> {
        fn exact(t: &str) -> Option<OrderStatus> {
            Some(match t {
                "等待买家付款" => OrderStatus::Unpaid,
                "买家已付款，等待卖家发货" => OrderStatus::Paid,
                "卖家已发货，等待买家确认" => OrderStatus::Shipped,
                "交易成功" => OrderStatus::Completed,
                "交易关闭" => OrderStatus::Closed,
                _ => return None,
            })
        }
        // The export's own words first: no allocation for the million-row case.
        exact(text).or_else(|| {
            let t: String = text
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .replace(',', "，");
            exact(&t)
        })
    }

    /// The words Taobao uses, for writing exports back.
    pub fn taobao(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "等待买家付款",
            OrderStatus::Paid => "买家已付款，等待卖家发货",
            OrderStatus::Shipped => "卖家已发货，等待买家确认",
            OrderStatus::Completed => "交易成功",
            OrderStatus::Closed => "交易关闭",
        }
    }

    /// The name used in the store, the command line and JSON.
    pub fn code(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "unpaid",
            OrderStatus::Paid => "paid",
            OrderStatus::Shipped => "shipped",
            OrderStatus::Completed => "completed",
            OrderStatus::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Short Chinese label for screens and reports.
    pub fn zh(self) -> &'static str {
        match self {
            OrderStatus::Unpaid => "待付款",
            OrderStatus::Paid => "待发货",
            OrderStatus::Shipped => "已发货",
            OrderStatus::Completed => "交易成功",
            OrderStatus::Closed => "交易关闭",
        }
    }
}

/// Who the parcel goes to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Receiver {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// One order as the shop received it from Taobao (and as the bench works on it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// 订单编号 (Taobao tid); digits, length not fixed.
    pub order_no: String,
    /// 买家会员名
    pub buyer: String,
    pub receiver: Receiver,
    pub status: OrderStatus,
    /// 买家留言
    pub buyer_message: String,
    /// 运送方式 (快递, EMS, 平邮…)
    pub shipping_method: String,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// Courier and tracking number, when the export carries them (shipped elsewhere) or the bench
    /// assigned them.
    pub courier: Option<String>,
    pub tracking_no: Option<String>,
    /// 总金额
    pub total: Fen,
    /// 买家应付邮费
    pub postage: Fen,
    /// 买家实际支付金额
    pub paid: Fen,
    /// 退款金额
    pub refund: Fen,
    /// 店铺名称
    pub shop: String,
    /// 订单关闭原因
    pub close_reason: String,
    pub lines: Vec<OrderLine>,
}

/// The key of a Taobao item by its title and spec (see `OrderLine::item_key`).
pub fn item_key(title: &str, spec: &str) -> String {
    format!("{title}\u{1f}{spec}")
}

/// One line (子订单, 宝贝) of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderLine {
    /// The line's identity inside its order: Taobao's 子订单编号 when the export has it, else a key
    /// made from what the line is (see `derived_line_key`), so a re-import finds the same line.
    pub line_key: String,
    /// 商家编码; may be empty when the listing has none (the order is then not ready to ship).
    pub sku_code: String,
    pub title: String,
    /// 商品属性, e.g. `颜色分类：灰色；尺码：XL`
    pub spec: String,
    /// 套餐信息
    pub package: String,
    pub qty: u32,
    pub price: Fen,
    pub status: OrderStatus,
    /// 外部系统编号
    pub external_code: String,
    /// 备注 on the line
    pub note: String,
}

impl OrderLine {
    /// What a match by hand remembers this line's Taobao item by (维护为空的条码): its title and
    /// spec. They come the same in the next export while its merchant code is empty or wrong.
    pub fn item_key(&self) -> String {
        item_key(&self.title, &self.spec)
    }

    /// A line closed inside a paid order was refunded: never pack it.
    pub fn is_refunded(&self, order_status: OrderStatus) -> bool {
        self.status == OrderStatus::Closed && order_status == OrderStatus::Paid
    }

    /// Whether this line goes into the parcel: a live line of a paid order, or of an unpaid one a
    /// supervisor let ship (bank transfer, 汇款).
    pub fn to_ship(&self, order_status: OrderStatus, ship_unpaid: bool) -> bool {
        match order_status {
            OrderStatus::Paid => self.status == OrderStatus::Paid,
            OrderStatus::Unpaid => ship_unpaid && self.status == OrderStatus::Unpaid,
            _ => false,
        }
    }
}

/// A line key for exports without 子订单编号: what the line is, and which occurrence of that
/// within its order (`n` from 1), so two identical lines stay two lines.
pub fn derived_line_key(sku_code: &str, spec: &str, title: &str, n: usize) -> String {
    format!("{sku_code}|{spec}|{title}|{n}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taobao_statuses_map_both_ways() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::from_taobao(s.taobao()), Some(s));
            assert_eq!(OrderStatus::from_code(s.code()), Some(s));
        }
        assert_eq!(
            OrderStatus::from_taobao("买家已付款，等待卖家发货"),
            Some(OrderStatus::Paid)
        );
        assert_eq!(
            OrderStatus::from_taobao(" 买家已付款,等待卖家发货 "),
            Some(OrderStatus::Paid)
        );
        assert_eq!(
            OrderStatus::from_taobao("交易关闭"),
            Some(OrderStatus::Closed)
        );
        assert_eq!(OrderStatus::from_taobao("已付款"), None);
    }

    #[test]
    fn a_closed_line_in_a_paid_order_is_refunded() {
        let line = OrderLine {
            line_key: "k".into(),
            sku_code: "A".into(),
            title: String::new(),
            spec: String::new(),
            package: String::new(),
            qty: 1,
            price: Fen(100),
            status: OrderStatus::Closed,
            external_code: String::new(),
            note: String::new(),
        };
        assert!(line.is_refunded(OrderStatus::Paid));
        assert!(!line.to_ship(OrderStatus::Paid, false));
        assert!(!line.is_refunded(OrderStatus::Closed));
        let paid = OrderLine {
            status: OrderStatus::Paid,
            ..line
        };
        assert!(paid.to_ship(OrderStatus::Paid, false));
        assert!(!paid.to_ship(OrderStatus::Unpaid, true));
        let unpaid = OrderLine {
            status: OrderStatus::Unpaid,
            ..paid
        };
        assert!(!unpaid.to_ship(OrderStatus::Unpaid, false));
        assert!(unpaid.to_ship(OrderStatus::Unpaid, true));
    }
}
