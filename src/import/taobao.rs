//! Taobao seller-centre exports: the order file (ExportOrderList, one row per order) and the line
//! file (ExportOrderDetailList, one row per line), joined by order number. Columns are found by
//! name; newer exports rename some, and the aliases here accept both.

use super::BadRow;
use super::table::{Column, Row, Table};
use crate::domain::order::derived_line_key;
use crate::domain::remark::MAX_REMARK;
use crate::domain::time::parse_shop_time;
use crate::domain::{Fen, Order, OrderLine, OrderStatus, Receiver};

/// A column's length when nothing narrower is given: more than any short field of an export.
const DEFAULT_MAX: usize = 200;

const fn req(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: true,
        max: DEFAULT_MAX,
    }
}
const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column {
        name,
        aliases,
        required: false,
        max: DEFAULT_MAX,
    }
}

/// Columns of the order file, in the order of the `O_*` indexes. Limits (characters) are
/// generous over what Taobao itself takes (the seller's memo, 订单备注, is at most 1,000 bytes
/// through Taobao's own API): a value over one is not an order someone typed.
pub const ORDER_COLUMNS: [Column; 21] = [
    req("订单编号", &["订单编号", "主订单编号"]).max(64),
    req("买家会员名", &["买家会员名"]).max(64),
    req("订单状态", &["订单状态"]).max(32),
    // Other shop systems that write Taobao-format exports say 收货人 and 支付金额.
    req("收货人姓名", &["收货人姓名", "收货人"]).max(50),
    req("收货地址", &["收货地址"]).max(300),
    opt("联系手机", &["联系手机"]).max(32),
    opt("联系电话", &["联系电话"]).max(32),
    req("订单创建时间", &["订单创建时间"]).max(32),
    opt("订单付款时间", &["订单付款时间"]).max(32),
    opt("买家留言", &["买家留言"]).max(500),
    opt("订单备注", &["订单备注", "商家备注"]).max(MAX_REMARK),
    opt("物流单号", &["物流单号"]),
    opt("物流公司", &["物流公司"]).max(64),
    opt("运送方式", &["运送方式"]).max(64),
    opt("总金额", &["总金额"]).max(32),
    opt("买家应付邮费", &["买家应付邮费"]).max(32),
    opt("买家实际支付金额", &["买家实际支付金额", "支付金额"]).max(32),
    opt("退款金额", &["退款金额"]).max(32),
    opt("店铺名称", &["店铺名称"]).max(100),
    opt("订单关闭原因", &["订单关闭原因"]),
    opt("修改后的收货地址", &["修改后的收货地址"]).max(300),
];
const O_NO: usize = 0;
const O_BUYER: usize = 1;
const O_STATUS: usize = 2;
const O_NAME: usize = 3;
const O_ADDRESS: usize = 4;
const O_MOBILE: usize = 5;
const O_PHONE: usize = 6;
const O_CREATED: usize = 7;
const O_PAID_AT: usize = 8;
const O_MESSAGE: usize = 9;
const O_REMARK: usize = 10;
const O_TRACKING: usize = 11;
const O_COURIER: usize = 12;
const O_SHIPPING: usize = 13;
const O_TOTAL: usize = 14;
const O_POSTAGE: usize = 15;
const O_PAID: usize = 16;
const O_REFUND: usize = 17;
const O_SHOP: usize = 18;
const O_CLOSE: usize = 19;
const O_NEW_ADDRESS: usize = 20;

/// Columns of the line file, in the order of the `L_*` indexes (a Taobao title is at most 30
/// Chinese characters; the merchant code as long as the catalogue's).
pub const LINE_COLUMNS: [Column; 11] = [
    req("订单编号", &["订单编号", "主订单编号"]).max(64),
    opt("子订单编号", &["子订单编号"]).max(64),
    req("标题", &["标题", "商品标题", "宝贝标题"]).max(120),
    req("价格", &["价格", "商品价格"]).max(32),
    req("购买数量", &["购买数量"]).max(16),
    req("商家编码", &["商家编码"]).max(64),
    opt("商品属性", &["商品属性"]).max(300),
    opt("套餐信息", &["套餐信息"]).max(300),
    opt("备注", &["备注"]).max(MAX_REMARK),
    req("订单状态", &["订单状态"]).max(32),
    opt("外部系统编号", &["外部系统编号"]).max(64),
];
const L_ORDER: usize = 0;
const L_SUB: usize = 1;
const L_TITLE: usize = 2;
const L_PRICE: usize = 3;
const L_QTY: usize = 4;
const L_SKU: usize = 5;
const L_SPEC: usize = 6;
const L_PACKAGE: usize = 7;
const L_NOTE: usize = 8;
const L_STATUS: usize = 9;
const L_EXTERNAL: usize = 10;

/// An order row, parsed. `order.lines` is empty: lines come from the other file.
#[derive(Debug, Clone)]
pub struct ParsedOrder {
    pub line: u64,
    pub order: Order,
    /// 订单备注 as exported (the whole remark field).
    pub remark: String,
}

/// A line row, parsed. `line.line_key` is Taobao's 子订单编号 or empty until `assign_line_keys`.
#[derive(Debug, Clone)]
pub struct ParsedLine {
    pub line: u64,
    pub order_no: String,
    pub item: OrderLine,
}

/// Parses the field checks of one row, collecting the first problem.
struct RowCheck<'t> {
    t: &'t Table,
    row: &'t Row,
    columns: &'static [Column],
}

impl RowCheck<'_> {
    fn bad(&self, col: usize, code: &'static str, zh: String, en: String) -> BadRow {
        BadRow::new(
            &self.t.file,
            self.row.line,
            self.columns[col].name,
            code,
            zh,
            en,
        )
    }

    fn text(&self, col: usize) -> String {
        self.t.get(self.row, col).into_owned()
    }

    fn required(&self, col: usize) -> Result<String, BadRow> {
        let v = self.text(col);
        if v.is_empty() {
            let name = self.columns[col].name;
            return Err(self.bad(
                col,
                "missing_value",
                format!("“{name}”不能为空"),
                format!("\"{name}\" is empty"),
            ));
        }
        Ok(v)
    }

    fn order_no(&self, col: usize) -> Result<String, BadRow> {
        let v = self.required(col)?;
        if !v.bytes().all(|b| b.is_ascii_digit()) || v.len() > 40 {
            return Err(self.bad(
                col,
                "bad_order_no",
                format!("订单编号应当全是数字：{v:?}"),
                format!("an order number is digits only: {v:?}"),
            ));
        }
        Ok(v)
    }

    fn status(&self, col: usize) -> Result<OrderStatus, BadRow> {
        let v = self.required(col)?;
        OrderStatus::from_taobao(&v).ok_or_else(|| {
            self.bad(
                col,
                "bad_status",
                format!("不认识的订单状态：{v:?}"),
                format!("unknown order status: {v:?}"),
            )
        })
    }

    fn money(&self, col: usize, required: bool) -> Result<Fen, BadRow> {
        let v = self.text(col);
        if v.is_empty() && !required {
            return Ok(Fen(0));
        }
        Fen::parse_yuan(&v).map_err(|e| self.bad(col, "bad_money", e.zh(), e.to_string()))
    }

    fn time(
        &self,
        col: usize,
        required: bool,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, BadRow> {
        let v = self.text(col);
        if v.is_empty() && !required {
            return Ok(None);
        }
        parse_shop_time(&v)
            .map(Some)
            .map_err(|e| self.bad(col, "bad_date", e.zh(), e.to_string()))
    }
}

/// Parses one row of the order file.
pub fn parse_order_row(t: &Table, row: &Row) -> Result<ParsedOrder, BadRow> {
    let c = RowCheck {
        t,
        row,
        columns: &ORDER_COLUMNS,
    };
    t.check_lengths(row)?;
    let order_no = c.order_no(O_NO)?;
    let status = c.status(O_STATUS)?;
    let created_at = c.time(O_CREATED, true)?.expect("required");
    let paid_at = c.time(O_PAID_AT, false)?;
    let new_address = c.text(O_NEW_ADDRESS);
    let address = if new_address.is_empty() {
        c.required(O_ADDRESS)?
    } else {
        new_address
    };
    let mobile = c.text(O_MOBILE);
    let optional = |s: String| if s.is_empty() { None } else { Some(s) };
    Ok(ParsedOrder {
        line: row.line,
        remark: c.text(O_REMARK),
        order: Order {
            order_no,
            buyer: c.required(O_BUYER)?,
            receiver: Receiver {
                name: c.required(O_NAME)?,
                phone: if mobile.is_empty() {
                    c.text(O_PHONE)
                } else {
                    mobile
                },
                address,
            },
            status,
            buyer_message: c.text(O_MESSAGE),
            shipping_method: c.text(O_SHIPPING),
            created_at,
            paid_at,
            courier: optional(c.text(O_COURIER)),
            tracking_no: optional(c.text(O_TRACKING)),
            total: c.money(O_TOTAL, false)?,
            postage: c.money(O_POSTAGE, false)?,
            paid: c.money(O_PAID, false)?,
            refund: c.money(O_REFUND, false)?,
            shop: c.text(O_SHOP),
            close_reason: c.text(O_CLOSE),
            lines: Vec::new(),
        },
    })
}

/// Parses one row of the line file.
pub fn parse_line_row(t: &Table, row: &Row) -> Result<ParsedLine, BadRow> {
    let c = RowCheck {
        t,
        row,
        columns: &LINE_COLUMNS,
    };
    t.check_lengths(row)?;
    let order_no = c.order_no(L_ORDER)?;
    let qty_text = c.required(L_QTY)?;
    let qty = qty_text
        .parse::<u32>()
        .ok()
        .filter(|q| *q > 0 && *q <= 100_000)
        .ok_or_else(|| {
            c.bad(
                L_QTY,
                "bad_quantity",
                format!("购买数量应为正整数：{qty_text:?}"),
                format!("the quantity must be a whole number above 0: {qty_text:?}"),
            )
        })?;
    Ok(ParsedLine {
        line: row.line,
        order_no,
        item: OrderLine {
            line_key: c.text(L_SUB),
            sku_code: c.text(L_SKU),
            title: c.required(L_TITLE)?,
            spec: c.text(L_SPEC),
            package: c.text(L_PACKAGE),
            qty,
            price: c.money(L_PRICE, true)?,
            status: c.status(L_STATUS)?,
            external_code: c.text(L_EXTERNAL),
            note: c.text(L_NOTE),
        },
    })
}

/// Gives lines without a 子订单编号 a key from what they are, numbering repeats, so the same line
/// of a later export is found again.
pub fn assign_line_keys(lines: &mut [OrderLine]) {
    for i in 0..lines.len() {
        if lines[i].line_key.is_empty() {
            let (before, rest) = lines.split_at_mut(i);
            let l = &mut rest[0];
            let n = 1 + before
                .iter()
                .filter(|o| o.sku_code == l.sku_code && o.spec == l.spec && o.title == l.title)
                .count();
            l.line_key = derived_line_key(&l.sku_code, &l.spec, &l.title, n);
        }
    }
}
