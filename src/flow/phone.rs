//! Phone and offline orders (录入电话的订单, issue 15 item 6): entered by the CS supervisor (or
//! the order printer) with the checks an import makes — known, active products, whole
//! quantities, a receiver with a phone and an address — then printed, checked and shipped as
//! any other. Not on Taobao: never in the shipments sent back to it. Paid by transfer later:
//! entered unpaid, and let through at review as a Taobao order is.

use crate::domain::order::{Order, OrderLine, OrderStatus, Receiver};
use crate::domain::{Actor, Fen, Permission, ProductState};
use crate::error::{Error, Result};
use crate::store::Store;
use serde::Deserialize;
use serde_json::json;

/// A phone order as written in `order create FILE.json` or filled in on screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOrder {
    /// Leave out for a number of its own (`P` + the day + a count: `P20261130-001`).
    #[serde(default)]
    pub order_no: Option<String>,
    /// Who ordered (default: the receiver's name).
    #[serde(default)]
    pub buyer: String,
    pub receiver: Receiver,
    pub lines: Vec<NewLine>,
    /// Paid already (cash, transfer received); else unpaid until the supervisor lets it ship.
    #[serde(default)]
    pub paid: bool,
    /// Postage in yuan (`"10.00"`).
    #[serde(default)]
    pub postage: Option<String>,
    #[serde(default)]
    pub buyer_message: String,
    /// A remark credited to whoever enters the order.
    #[serde(default)]
    pub remark: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLine {
    pub sku_code: String,
    pub qty: u32,
    /// Unit price in yuan; default the product's price.
    #[serde(default)]
    pub price: Option<String>,
}

/// Reads a phone order from a JSON file; a file that is not one says where.
pub fn read(path: &std::path::Path) -> Result<NewOrder> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
        Error::invalid(
            format!("{} 不是电话订单的 JSON：{e}", path.display()),
            format!("{} is not a phone order's JSON: {e}", path.display()),
        )
    })
}

fn phone_ok(p: &str) -> bool {
    let digits = p.chars().filter(char::is_ascii_digit).count();
    (7..=20).contains(&digits)
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'))
}

fn text_ok(v: &str, max: usize) -> bool {
    !v.chars().any(char::is_control) && v.chars().count() <= max
}

/// Enters a phone order: every problem found is named at once, and nothing is written unless
/// all is well. Returns the order number.
pub fn create(store: &mut Store, actor: &Actor, o: &NewOrder) -> Result<String> {
    actor
        .require(Permission::HandleExceptions)
        .or_else(|_| actor.require(Permission::ImportOrders))?;
    let mut zh: Vec<String> = Vec::new();
    let mut en: Vec<String> = Vec::new();
    let r = Receiver {
        name: o.receiver.name.trim().to_string(),
        phone: o.receiver.phone.trim().to_string(),
        address: o.receiver.address.trim().to_string(),
    };
    if r.name.is_empty() || !text_ok(&r.name, 50) {
        zh.push("收货人要填（最多 50 个字）".into());
        en.push("the receiver's name is missing (at most 50 characters)".into());
    }
    if !phone_ok(&r.phone) {
        zh.push(format!("电话不对：{:?}（7 到 20 位数字）", r.phone));
        en.push(format!(
            "not a phone number: {:?} (7 to 20 digits)",
            r.phone
        ));
    }
    if r.address.chars().count() < 5 || !text_ok(&r.address, 200) {
        zh.push("地址要填完整（5 到 200 个字）".into());
        en.push("the address is missing or incomplete (5 to 200 characters)".into());
    }
    for (v, max, zh_name, en_name) in [
        (&o.buyer, 50, "买家", "buyer"),
        (&o.buyer_message, 500, "买家留言", "buyer's message"),
        (&o.remark, 500, "备注", "remark"),
    ] {
        if !text_ok(v, max) {
            zh.push(format!("{zh_name}不能含控制字符，最多 {max} 个字"));
            en.push(format!(
                "the {en_name} may not hold control characters or be over {max} characters"
            ));
        }
    }
    if o.lines.is_empty() {
        zh.push("至少要一件商品".into());
        en.push("at least one item".into());
    }
    let postage = match o
        .postage
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => Fen(0),
        Some(p) => Fen::parse_yuan(p).unwrap_or_else(|e| {
            zh.push(format!("邮费：{}", e.zh()));
            en.push(format!("postage: {e}"));
            Fen(0)
        }),
    };
    let order_no = o
        .order_no
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if let Some(n) = order_no
        && (n.len() > 32 || !n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    {
        zh.push(format!("订单编号只能用字母、数字和 -，最多 32 位：{n:?}"));
        en.push(format!(
            "an order number is letters, digits and -, at most 32: {n:?}"
        ));
    }
    store.write(|db| {
        // A write tried again starts from the problems found before it.
        let (mut zh, mut en) = (zh.clone(), en.clone());
        let mut lines = Vec::new();
        let mut total = postage.0;
        for (i, l) in o.lines.iter().enumerate() {
            let n = i + 1;
            let sku = l.sku_code.trim();
            let product = db.product_by_sku(sku)?;
            let Some((_, p)) = product else {
                zh.push(format!("第 {n} 件：没有商家编码 {sku:?} 的商品"));
                en.push(format!("item {n}: no product has merchant code {sku:?}"));
                continue;
            };
            if p.state != ProductState::Active {
                zh.push(format!("第 {n} 件：{sku} 已停用"));
                en.push(format!("item {n}: {sku} is discontinued"));
            }
            if l.qty == 0 || l.qty > 9_999 {
                zh.push(format!("第 {n} 件：数量要在 1 到 9999 之间"));
                en.push(format!("item {n}: the quantity must be 1 to 9999"));
            }
            let price = match l.price.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                None => p.price,
                Some(text) => Fen::parse_yuan(text).unwrap_or_else(|e| {
                    zh.push(format!("第 {n} 件价格：{}", e.zh()));
                    en.push(format!("item {n} price: {e}"));
                    Fen(0)
                }),
            };
            total = total.saturating_add(price.0.saturating_mul(i64::from(l.qty)));
            lines.push(OrderLine {
                line_key: format!("{n}"),
                sku_code: p.sku_code.clone(),
                title: p.name.clone(),
                spec: p.spec.clone(),
                package: String::new(),
                qty: l.qty,
                price,
                status: if o.paid {
                    OrderStatus::Paid
                } else {
                    OrderStatus::Unpaid
                },
                external_code: String::new(),
                note: String::new(),
            });
        }
        let now = chrono::Utc::now();
        let no = match order_no {
            Some(n) => {
                if db.bench_order(n)?.is_some() {
                    zh.push(format!("订单编号 {n} 已经有了"));
                    en.push(format!("order number {n} exists already"));
                }
                n.to_string()
            }
            None => {
                let day = now
                    .with_timezone(&crate::domain::time::shop_zone())
                    .format("P%Y%m%d-")
                    .to_string();
                let mut n = db.phone_orders_with_prefix(&day)? + 1;
                // A number typed by hand may have taken the next one.
                while db.bench_order(&format!("{day}{n:03}"))?.is_some() {
                    n += 1;
                }
                format!("{day}{n:03}")
            }
        };
        if !zh.is_empty() {
            return Err(Error::invalid(
                format!("电话订单没有保存：{}", zh.join("；")),
                format!("the phone order was not saved: {}", en.join("; ")),
            ));
        }
        let order = Order {
            order_no: no.clone(),
            buyer: if o.buyer.trim().is_empty() {
                r.name.clone()
            } else {
                o.buyer.trim().to_string()
            },
            receiver: r.clone(),
            status: if o.paid {
                OrderStatus::Paid
            } else {
                OrderStatus::Unpaid
            },
            buyer_message: o.buyer_message.trim().to_string(),
            shipping_method: "快递".to_string(),
            created_at: now,
            paid_at: o.paid.then_some(now),
            courier: None,
            tracking_no: None,
            total: Fen(total),
            postage,
            paid: if o.paid { Fen(total) } else { Fen(0) },
            refund: Fen(0),
            shop: String::new(),
            close_reason: String::new(),
            lines,
        };
        let id = db.insert_order(&order)?;
        db.mark_phone_order(id)?;
        let remark = o.remark.trim();
        if !remark.is_empty() {
            let flag = crate::domain::remark::is_flagged(remark);
            db.append_remark(id, remark, Some(&actor.staff.code), flag, "staff", actor)?;
            super::review::hold_on_remark(db, actor, &no, remark)?;
        }
        // 换货 by phone: the remark or message names the order whose goods come back.
        for text in [remark, order.buyer_message.as_str()] {
            if text.contains('换') && super::exchanges::link_from_text(db, actor, &no, text)? {
                break;
            }
        }
        db.log_event(
            actor,
            "order_created",
            &no,
            &json!({"origin": "phone", "paid": o.paid, "total_fen": total,
                    "lines": order.lines.len()}),
        )?;
        Ok(no)
    })
}
