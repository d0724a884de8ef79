//! A made-up but realistic shop, generated from a seed: a clothing catalogue (some products still
//! without barcode, some with in-house Code 128 ones), staff for every role, and a stream of
//! Taobao orders in every status with multi-line orders, refunded lines, remarks with staff codes
//! and pairs of orders to the same buyer and address. Same seed, same shop. No I/O here.

use crate::domain::barcode::gs1_check_digit;
use crate::domain::time::shop_zone;
use crate::domain::{
    Barcode, Fen, Order, OrderLine, OrderStatus, Product, ProductState, Receiver, Role,
};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

/// SplitMix64: small, fast and the same on every platform and version, so a seed always gives
/// the same shop (a library RNG may change its stream between versions).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    /// True with probability `percent` %.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// A product of the demo catalogue with its opening stock.
#[derive(Debug, Clone)]
pub struct DemoProduct {
    pub product: Product,
    pub qty: i64,
}

/// Staff of the demo shop: `(code, name, role)`. Customer-service codes match the remarks.
pub const DEMO_STAFF: [(&str, &str, Role); 13] = [
    ("C03", "小美", Role::CustomerService),
    ("C05", "小雪", Role::CustomerService),
    ("C07", "阿珍", Role::CustomerService),
    ("C11", "小林", Role::CustomerService),
    ("KF01", "王主管", Role::CsSupervisor),
    ("DD01", "刘打单", Role::OrderPrinter),
    ("PH001", "张配货", Role::Picker),
    ("PH002", "李配货", Role::Picker),
    ("YH01", "陈验货", Role::Checker),
    ("CG01", "赵采购", Role::Purchaser),
    ("TM01", "孙条码", Role::LabelPrinter),
    ("RK01", "周入库", Role::InboundInspector),
    ("KC01", "吴库管", Role::StockKeeper),
];

/// The PIN every demo staff member signs in with.
pub const DEMO_PIN: &str = "1234";

struct Family {
    code: &'static str,
    name: &'static str,
    price_fen: i64,
    colors: &'static [(&'static str, &'static str)],
    sizes: &'static [&'static str],
}

const FAMILIES: [Family; 10] = [
    Family {
        code: "TX2017",
        name: "纯棉短袖T恤男夏季宽松半袖",
        price_fen: 5900,
        colors: &[("GY", "灰色"), ("BK", "黑色"), ("WH", "白色")],
        sizes: &["S", "M", "L", "XL", "2XL"],
    },
    Family {
        code: "WY2018",
        name: "加绒卫衣女秋冬连帽外套",
        price_fen: 3900,
        colors: &[("BK", "黑色"), ("GY", "灰色"), ("AP", "杏色")],
        sizes: &["S", "M", "L", "XL"],
    },
    Family {
        code: "NZ2017",
        name: "高腰阔腿牛仔裤女直筒",
        price_fen: 8900,
        colors: &[("BL", "蓝色"), ("WH", "白色")],
        sizes: &["S", "M", "L", "XL"],
    },
    Family {
        code: "YR2017",
        name: "儿童羽绒服中长款加厚",
        price_fen: 9900,
        colors: &[("GY", "灰色"), ("BK", "黑色"), ("RD", "红色")],
        sizes: &["S", "M", "L", "XL", "2XL"],
    },
    Family {
        code: "YK2017",
        name: "运动休闲裤男束脚",
        price_fen: 12800,
        colors: &[("AP", "杏色"), ("NV", "藏青"), ("BK", "黑色")],
        sizes: &["S", "M", "L", "XL"],
    },
    Family {
        code: "SY2018",
        name: "真丝睡衣套装女夏",
        price_fen: 19900,
        colors: &[("BK", "黑色"), ("PK", "粉色")],
        sizes: &["M", "L", "XL"],
    },
    Family {
        code: "ZZ2017",
        name: "针织开衫毛衣外套女",
        price_fen: 4990,
        colors: &[("BK", "黑色"), ("BG", "米色")],
        sizes: &["M", "L", "XL", "2XL"],
    },
    Family {
        code: "FS2018",
        name: "防晒衣女2018新款薄款透气",
        price_fen: 6900,
        colors: &[("WH", "白色"), ("PK", "粉色"), ("BL", "蓝色")],
        sizes: &["M", "L", "XL"],
    },
    Family {
        code: "CS2018",
        name: "商务长袖衬衫男免烫",
        price_fen: 15900,
        colors: &[("WH", "白色"), ("BL", "浅蓝")],
        sizes: &["38", "39", "40", "41", "42"],
    },
    Family {
        code: "WZ2017",
        name: "纯棉中筒袜子男女5双装",
        price_fen: 1990,
        colors: &[("MX", "混色")],
        sizes: &["均码"],
    },
];

/// The demo catalogue: about 120 products over three zones of bins.
pub fn catalogue(seed: u64) -> Vec<DemoProduct> {
    let mut rng = Rng::new(seed.wrapping_add(1));
    let mut out = Vec::new();
    let mut used_bins = std::collections::HashSet::new();
    for f in &FAMILIES {
        for (cc, color) in f.colors {
            for size in f.sizes {
                let size_code = if *size == "均码" { "F" } else { size };
                let sku_code = format!("{}-{cc}-{size_code}", f.code);
                let barcode = match rng.below(100) {
                    0..=7 => None,
                    8..=19 => {
                        Some(Barcode::parse(&sku_code.replace('-', "")).expect("in-house code"))
                    }
                    _ => {
                        let mut digits = format!("69{:010}", rng.below(10_000_000_000));
                        digits.push((b'0' + gs1_check_digit(digits.as_bytes())) as char);
                        Some(Barcode::parse(&digits).expect("valid EAN-13"))
                    }
                };
                let bin = loop {
                    let b = format!(
                        "{}-{:02}-{}",
                        ["A", "B", "C"][rng.below(3) as usize],
                        1 + rng.below(12),
                        1 + rng.below(5)
                    );
                    if used_bins.insert(b.clone()) {
                        break b;
                    }
                };
                out.push(DemoProduct {
                    product: Product {
                        sku_code,
                        barcode,
                        name: f.name.to_string(),
                        spec: format!("颜色分类：{color}；尺码：{size}"),
                        price: Fen(f.price_fen),
                        bin: Some(bin),
                        state: ProductState::Active,
                    },
                    qty: rng.below(60) as i64,
                });
            }
        }
    }
    // Barcodes are random: make sure no two products share one.
    let mut seen = std::collections::HashSet::new();
    for p in &mut out {
        if let Some(b) = &p.product.barcode
            && !seen.insert(b.as_str().to_string())
        {
            p.product.barcode = None;
        }
    }
    out
}

/// More products for a big store (stocktake and stock benches): `GEN-000001` … with in-store
/// EAN-13 barcodes (prefix 29, kept clear of the shop's assignment range), one bin each in zone
/// Z, and opening stock. Made one by one, so the caller need not hold them all.
pub fn extra_products(seed: u64, n: u64) -> impl Iterator<Item = DemoProduct> {
    let mut rng = Rng::new(seed.wrapping_add(7));
    (1..=n).map(move |i| {
        let mut digits = format!("29{i:010}");
        digits.push((b'0' + gs1_check_digit(digits.as_bytes())) as char);
        DemoProduct {
            product: Product {
                sku_code: format!("GEN-{i:06}"),
                barcode: Some(Barcode::parse(&digits).expect("valid EAN-13")),
                name: "通用商品".to_string(),
                spec: format!("编号 {i}"),
                price: Fen(100 + (rng.below(200) as i64) * 50),
                bin: Some(format!("Z-{:03}-{:03}", i / 1000, i % 1000)),
                state: ProductState::Active,
            },
            qty: rng.below(60) as i64,
        }
    })
}

const SURNAMES: [&str; 24] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "杜", "邱", "沈", "万",
];
const GIVEN: [&str; 24] = [
    "强", "英", "洋", "彬", "涵轩", "秀", "浩", "霞", "敏", "静", "丽", "伟", "芳", "娜", "磊",
    "军", "洁", "杰", "婷", "宇", "梓彬", "英霞", "强子", "雪",
];
const PLACES: [(&str, &str, &str); 10] = [
    ("上海", "上海市", "浦东新区"),
    ("上海", "上海市", "闵行区"),
    ("湖北省", "武汉市", "洪山区"),
    ("广东省", "广州市", "天河区"),
    ("广东省", "深圳市", "南山区"),
    ("浙江省", "杭州市", "西湖区"),
    ("江苏省", "南京市", "鼓楼区"),
    ("四川省", "成都市", "锦江区"),
    ("西藏自治区", "拉萨市", "城关区"),
    ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"),
];
const ROADS: [&str; 8] = [
    "学院路",
    "中山大道",
    "人民路",
    "长江路",
    "建设路",
    "解放路",
    "和平街",
    "滨江路",
];
const NICKS: [&str; 8] = [
    "Amy_zhang",
    "小猫咪爱吃鱼",
    "kiki的衣橱",
    "阳光明媚2017",
    "小胖纸",
    "momo酱",
    "风一样的女子",
    "lucky_cat",
];
const MESSAGES: [&str; 5] = [
    "发中通",
    "不要放快递柜",
    "尽快发货，谢谢",
    "请用顺丰，补运费",
    "送人的，不要放价格单",
];
const REMARKS: [&str; 6] = [
    "C07",
    "C11 买家要求改地址，暂不发货",
    "C03 顺丰到付 [红旗]",
    "C05 送小样",
    "C07 老客户，加急",
    "仓库注意：易碎",
];
/// Buyer messages and remark tails as shops type them: line breaks inside a quoted cell.
const LONG_MESSAGES: [&str; 4] = [
    "请尽快发货，谢谢！",
    "颜色要黑色的\n尺码换大一号，谢谢",
    "地址写错了，以这个为准：\n门卫室代收",
    "生日礼物，周五前一定要到\n不要放发票和价格单",
];
const REMARK_TAILS: [&str; 3] = [
    "\n已电话联系买家，同意延迟发货",
    "\n改发圆通\n运费已补",
    "\n备注：赠品袜子一双",
];
/// How buyers change their address after ordering, as the seller-centre export shows it.
const ADDRESS_CHANGES: [&str; 3] = [
    "号，3幢2单元501室(放门卫，谢谢)",
    "号, B座12楼 \"前台\"代收",
    "号\n菜鸟驿站",
];
const COURIERS: [&str; 4] = ["中通快递", "圆通速递", "韵达快递", "申通快递"];

/// An order of the demo stream with the remark Taobao would export for it.
#[derive(Debug, Clone)]
pub struct DemoOrder {
    pub order: Order,
    pub remark: String,
}

/// Generates orders one by one, oldest first, so a million of them never sit in memory.
pub struct OrderStream<'c> {
    rng: Rng,
    /// The quirks of real exports (changed addresses, multi-line messages and remarks, orders of
    /// four lines) draw from their own stream, so `rng` gives the shop it gave before them.
    quirks: Rng,
    catalogue: &'c [DemoProduct],
    prefix: u64,
    i: u64,
    n: u64,
    clock: DateTime<Utc>,
    last: Option<(String, Receiver)>,
}

/// `n` demo orders over `catalogue`.
pub fn orders(seed: u64, n: u64, catalogue: &[DemoProduct]) -> OrderStream<'_> {
    let mut rng = Rng::new(seed.wrapping_add(2));
    let start = NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .expect("valid date");
    let clock = shop_zone()
        .from_local_datetime(&start)
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc);
    let prefix = 1 + rng.below(9);
    OrderStream {
        rng,
        quirks: Rng::new(seed.wrapping_add(3)),
        catalogue,
        prefix,
        i: 0,
        n,
        clock,
        last: None,
    }
}

impl Iterator for OrderStream<'_> {
    type Item = DemoOrder;

    fn next(&mut self) -> Option<DemoOrder> {
        if self.i >= self.n {
            return None;
        }
        let r = &mut self.rng;
        let q = &mut self.quirks;
        // A bijection of the index onto 18 digits (the multiplier is prime to 10): unique numbers
        // that look random, like Taobao's.
        let scrambled =
            (u128::from(self.i) * 7_919_813_239_151 + 104_729) % 1_000_000_000_000_000_000;
        let order_no = format!("{}{scrambled:018}", self.prefix);
        self.i += 1;
        self.clock += Duration::seconds(20 + r.below(400) as i64);
        let created_at = self.clock;

        // Every 20th order or so comes from the buyer of the order before, to the same address:
        // a merge candidate.
        let (buyer, receiver) = match self.last.take() {
            Some(last) if r.chance(5) => last,
            _ => {
                let buyer = if r.chance(40) {
                    r.pick(&NICKS).to_string()
                } else {
                    format!("tb{:09}", r.below(1_000_000_000))
                };
                let (prov, city, dist) = r.pick(&PLACES);
                let mut address = format!(
                    "{prov} {city} {dist} {}{}号({:06})",
                    r.pick(&ROADS),
                    1 + r.below(999),
                    100_000 + r.below(900_000)
                );
                match r.below(40) {
                    0 => address = address.replacen("号", "号, B座12楼 \"前台\"代收", 1),
                    1 => address = address.replacen("号", "号\n菜鸟驿站", 1),
                    2 => address = address.replacen("号", "号，近地铁站", 1),
                    // About one in six in all, as in the seller centre's exports.
                    _ if q.chance(10) => {
                        let changed = *q.pick(&ADDRESS_CHANGES);
                        address = address.replacen("号", changed, 1)
                    }
                    _ => {}
                }
                let receiver = Receiver {
                    name: format!("{}{}", r.pick(&SURNAMES), r.pick(&GIVEN)),
                    phone: format!(
                        "1{}{:09}",
                        [3, 5, 7, 8, 9][r.below(5) as usize],
                        r.below(1_000_000_000)
                    ),
                    address,
                };
                (buyer, receiver)
            }
        };
        self.last = Some((buyer.clone(), receiver.clone()));

        let status = match r.below(100) {
            0..=71 => OrderStatus::Paid,
            72..=86 => OrderStatus::Unpaid,
            87..=91 => OrderStatus::Shipped,
            92..=96 => OrderStatus::Completed,
            _ => OrderStatus::Closed,
        };
        let n_lines = match r.below(100) {
            0..=69 => 1,
            70..=91 => 2,
            _ => 3,
        };
        let mut lines: Vec<OrderLine> = Vec::with_capacity(n_lines);
        while lines.len() < n_lines {
            let p = &r.pick(self.catalogue).product;
            if lines.iter().any(|l| l.sku_code == p.sku_code) {
                continue;
            }
            lines.push(OrderLine {
                line_key: String::new(),
                sku_code: p.sku_code.clone(),
                title: p.name.clone(),
                spec: p.spec.clone(),
                package: String::new(),
                qty: if r.chance(85) {
                    1
                } else {
                    2 + r.below(2) as u32
                },
                price: p.price,
                status,
                external_code: String::new(),
                note: String::new(),
            });
        }
        // Now and then a buyer refunds one item of a paid multi-line order: that line is closed.
        if status == OrderStatus::Paid && n_lines > 1 && r.chance(12) {
            let k = r.below(n_lines as u64) as usize;
            lines[k].status = OrderStatus::Closed;
        }
        // Some big orders have a fourth line.
        if n_lines == 3 && q.chance(40) {
            let p = loop {
                let p = &q.pick(self.catalogue).product;
                if !lines.iter().any(|l| l.sku_code == p.sku_code) {
                    break p;
                }
            };
            lines.push(OrderLine {
                sku_code: p.sku_code.clone(),
                title: p.name.clone(),
                spec: p.spec.clone(),
                price: p.price,
                qty: 1,
                ..lines[0].clone()
            });
            lines[3].status = status;
        }
        crate::import::taobao::assign_line_keys(&mut lines);
        let goods: i64 = lines.iter().map(|l| l.price.0 * i64::from(l.qty)).sum();
        let postage = if r.chance(60) {
            0
        } else {
            [600, 1000][r.below(2) as usize]
        };
        let refunded: i64 = lines
            .iter()
            .filter(|l| l.status == OrderStatus::Closed)
            .map(|l| l.price.0 * i64::from(l.qty))
            .sum();
        let paid_at = (status != OrderStatus::Unpaid)
            .then(|| created_at + Duration::seconds(30 + r.below(1800) as i64));
        let shipped = matches!(status, OrderStatus::Shipped | OrderStatus::Completed);
        let order = Order {
            order_no,
            buyer,
            receiver,
            status,
            buyer_message: if r.chance(10) {
                r.pick(&MESSAGES).to_string()
            } else if q.chance(10) {
                q.pick(&LONG_MESSAGES).to_string()
            } else {
                String::new()
            },
            shipping_method: "快递".into(),
            created_at,
            paid_at,
            courier: shipped.then(|| r.pick(&COURIERS).to_string()),
            tracking_no: shipped.then(|| format!("7{:011}", r.below(100_000_000_000))),
            total: Fen(goods + postage),
            postage: Fen(postage),
            paid: Fen(if status == OrderStatus::Unpaid {
                0
            } else {
                goods + postage
            }),
            refund: Fen(refunded),
            shop: "小林家原创女装店".into(),
            close_reason: if status == OrderStatus::Closed {
                "买家不想买了".into()
            } else {
                String::new()
            },
            lines,
        };
        let mut remark = if r.chance(20) {
            r.pick(&REMARKS).to_string()
        } else {
            String::new()
        };
        if !remark.is_empty() && q.chance(25) {
            let tail = *q.pick(&REMARK_TAILS);
            remark.push_str(tail);
        }
        Some(DemoOrder { order, remark })
    }
}

/// The demo product's picture: its garment's outline in its colour on white, `PICTURE_SIDE`
/// square, RGB. Products of one colour share it, as Taobao listings' pictures are per colour.
pub fn picture_of(p: &Product) -> Vec<u8> {
    let colour_code = p.sku_code.split('-').nth(1).unwrap_or("");
    let colour: [u8; 3] = match colour_code {
        "GY" => [128, 128, 128],
        "BK" => [35, 35, 40],
        "WH" => [236, 236, 230],
        "AP" => [232, 204, 160],
        "BL" => [70, 110, 180],
        "RD" => [190, 40, 45],
        "NV" => [30, 40, 90],
        "PK" => [240, 170, 190],
        "BG" => [220, 205, 175],
        _ => [150, 90, 170],
    };
    let family = p.sku_code.split('-').next().unwrap_or("");
    let n = PICTURE_SIDE as i32;
    let inside = |x: i32, y: i32| -> bool {
        let (x, y) = (x * 160 / n, y * 160 / n);
        match family {
            // Trousers: a waistband and two legs.
            "NZ2017" | "YK2017" => {
                (50..110).contains(&x) && (20..40).contains(&y)
                    || ((40..145).contains(&y) && ((50..77).contains(&x) || (83..110).contains(&x)))
            }
            // Socks: two of them.
            "WZ2017" => {
                ((40..62).contains(&x) && (25..110).contains(&y))
                    || ((40..80).contains(&x) && (95..125).contains(&y))
                    || ((90..112).contains(&x) && (25..110).contains(&y))
                    || ((90..130).contains(&x) && (95..125).contains(&y))
            }
            // A hat: a dome on a brim.
            "MZ2019" => {
                let (dx, dy) = (x - 80, y - 100);
                (dy <= 0 && dx * dx + dy * dy < 50 * 50)
                    || ((20..140).contains(&x) && (100..112).contains(&y))
            }
            // A top: body and sleeves.
            _ => {
                ((50..110).contains(&x) && (30..140).contains(&y))
                    || ((30..80).contains(&y)
                        && (20..140).contains(&x)
                        && (y - 30) < (x - 20).min(140 - x) + 10)
            }
        }
    };
    let mut px = Vec::with_capacity((n * n * 3) as usize);
    for y in 0..n {
        for x in 0..n {
            let edge = inside(x, y)
                && !(inside(x - 2, y) && inside(x + 2, y) && inside(x, y - 2) && inside(x, y + 2));
            let c = if edge {
                colour.map(|v| v / 2)
            } else if inside(x, y) {
                colour
            } else {
                [255, 255, 255]
            };
            px.extend_from_slice(&c);
        }
    }
    px
}

/// The side of a demo picture, in pixels.
pub const PICTURE_SIDE: u32 = 160;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_shop() {
        let a = catalogue(7);
        let b = catalogue(7);
        assert_eq!(a.len(), b.len());
        assert!(a.iter().zip(&b).all(|(x, y)| x.product == y.product));
        let oa: Vec<_> = orders(7, 50, &a).map(|o| o.order.order_no).collect();
        let ob: Vec<_> = orders(7, 50, &b).map(|o| o.order.order_no).collect();
        assert_eq!(oa, ob);
    }

    #[test]
    fn the_shop_has_what_the_bench_needs() {
        let cat = catalogue(1);
        assert!(cat.len() >= 90);
        assert!(cat.iter().any(|p| p.product.barcode.is_none()));
        assert!(cat.iter().any(|p| {
            p.product
                .barcode
                .as_ref()
                .is_some_and(|b| b.symbology() == crate::domain::Symbology::Code128)
        }));
        let os: Vec<DemoOrder> = orders(1, 2000, &cat).collect();
        let nos: std::collections::HashSet<_> = os.iter().map(|o| &o.order.order_no).collect();
        assert_eq!(nos.len(), os.len(), "order numbers are unique");
        for s in OrderStatus::ALL {
            assert!(os.iter().any(|o| o.order.status == s), "{s:?}");
        }
        assert!(os.iter().any(|o| o.order.lines.len() > 1));
        assert!(
            os.iter()
                .any(|o| o.order.lines.iter().any(|l| l.is_refunded(o.order.status)))
        );
        assert!(os.iter().any(|o| o.remark.starts_with("C07")));
        assert!(
            os.windows(2).any(|w| w[0].order.buyer == w[1].order.buyer
                && w[0].order.receiver == w[1].order.receiver)
        );
    }
}
