//! Waybills (快递单): one page per parcel. The tracking number is the largest thing on the page,
//! as a Code 128 as wide as the printer's dots allow and in digits; the receiver's address is
//! wrapped and shrunk to fit its box. Text that does not fit its box even at the smallest size
//! (a buyer message of megabytes) is cut with `…`: only what fits is laid out.

use super::barcode::{Dpi, code128};
use super::canvas::{Align, Canvas, Document, PdfBuilder, line_step_mm};
use super::short_spec;
use crate::domain::BatchId;
use crate::error::{Error, Result};

/// The waybill stocks in use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum WaybillSize {
    /// 100×180 mm, two-part: the courier's part and the receiver's stub (most couriers).
    #[default]
    W100x180,
    /// 100×150 mm, one part.
    W100x150,
    /// 76×130 mm, one part.
    W76x130,
}

impl WaybillSize {
    pub const ALL: [WaybillSize; 3] = [
        WaybillSize::W100x180,
        WaybillSize::W100x150,
        WaybillSize::W76x130,
    ];

    pub fn code(self) -> &'static str {
        match self {
            WaybillSize::W100x180 => "100x180",
            WaybillSize::W100x150 => "100x150",
            WaybillSize::W76x130 => "76x130",
        }
    }

    pub fn parse(text: &str) -> Result<WaybillSize> {
        let t = text.trim().to_ascii_lowercase().replace(['×', '*'], "x");
        WaybillSize::ALL
            .into_iter()
            .find(|s| s.code() == t.trim_end_matches("mm"))
            .ok_or_else(|| {
                Error::invalid(
                    format!("快递单尺寸只能是 100x180、100x150 或 76x130：{text}"),
                    format!("waybill size must be 100x180, 100x150 or 76x130: {text}"),
                )
            })
    }

    /// Width and height in millimetres.
    pub fn mm(self) -> (f32, f32) {
        match self {
            WaybillSize::W100x180 => (100.0, 180.0),
            WaybillSize::W100x150 => (100.0, 150.0),
            WaybillSize::W76x130 => (76.0, 130.0),
        }
    }
}

/// The shop as the sender (寄件人), from the shop settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sender {
    pub name: String,
    pub phone: String,
    pub address: String,
}

/// One merchant code in a parcel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaybillItem {
    pub sku_code: String,
    pub qty: u32,
    pub spec: String,
}

/// Everything printed on one waybill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waybill {
    pub courier: String,
    pub tracking_no: String,
    pub batch_id: BatchId,
    /// Place in the batch, from 1, and the number of parcels in it: `12/120`.
    pub seq: i64,
    pub of: i64,
    pub receiver_name: String,
    /// As stored; masked on the page when `WaybillOptions::mask_phone`.
    pub receiver_phone: String,
    pub receiver_address: String,
    pub sender: Sender,
    pub order_nos: Vec<String>,
    pub items: Vec<WaybillItem>,
    pub buyer_message: String,
    /// Shop time, as it is printed.
    pub printed_at: String,
    /// The parcel's waybill was printed before: the page says 补打.
    pub reprint: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaybillOptions {
    pub size: WaybillSize,
    pub dpi: Dpi,
    pub mask_phone: bool,
}

impl Default for WaybillOptions {
    fn default() -> Self {
        WaybillOptions {
            size: WaybillSize::default(),
            dpi: Dpi::D203,
            mask_phone: true,
        }
    }
}

/// `182****3495`: the middle of a phone number hidden, as Taobao's own waybills do. Mobile
/// numbers keep 3 + 4 digits; other numbers keep about a third at each end.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    let n = chars.len();
    if n < 7 {
        return chars.into_iter().collect();
    }
    let (keep_l, keep_r) = if n == 11 { (3, 4) } else { (n / 3, n / 3) };
    let mut out: String = chars[..keep_l].iter().collect();
    out.extend(std::iter::repeat_n('*', n - keep_l - keep_r));
    out.extend(&chars[n - keep_r..]);
    out
}

/// The courier's Chinese name for the common codes; other couriers are printed as given.
pub fn courier_name(code: &str) -> String {
    let zh = match code.trim().to_ascii_uppercase().as_str() {
        "ZTO" => "中通快递",
        "YTO" => "圆通速递",
        "STO" => "申通快递",
        "YUNDA" | "YD" => "韵达快递",
        "SF" => "顺丰速运",
        "EMS" => "EMS",
        "JD" => "京东物流",
        "JT" | "JTSD" => "极兔速递",
        "BEST" | "HTKY" => "百世快递",
        "DBL" | "DEPPON" => "德邦快递",
        "YZPY" | "CHINAPOST" => "中国邮政",
        _ => return code.trim().to_string(),
    };
    if zh == code.trim() {
        zh.to_string()
    } else {
        format!("{zh} {}", code.trim())
    }
}

/// The item summary of a parcel: `TX2017-GY-S ×1 灰色 S；…`.
pub fn item_summary(items: &[WaybillItem]) -> String {
    items
        .iter()
        .map(|i| {
            let spec = short_spec(&i.spec);
            if spec.is_empty() {
                format!("{} ×{}", i.sku_code, i.qty)
            } else {
                format!("{} ×{} {spec}", i.sku_code, i.qty)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The blocks of a waybill stock, top to bottom, in millimetres.
struct Plan {
    margin: f32,
    header: f32,
    bars: f32,
    digits_pt: f32,
    receiver: f32,
    sender: f32,
    /// The receiver's stub below a tear line (two-part stock).
    stub: Option<f32>,
    /// Widest module, in mm: a large tracking barcode reads from farther away.
    max_module_mm: f32,
    name_pt: f32,
}

fn plan(size: WaybillSize) -> Plan {
    match size {
        WaybillSize::W100x180 => Plan {
            margin: 3.0,
            header: 11.0,
            bars: 18.0,
            digits_pt: 13.0,
            receiver: 36.0,
            sender: 16.0,
            stub: Some(58.0),
            max_module_mm: 0.5,
            name_pt: 15.0,
        },
        WaybillSize::W100x150 => Plan {
            margin: 3.0,
            header: 11.0,
            bars: 20.0,
            digits_pt: 13.0,
            receiver: 38.0,
            sender: 17.0,
            stub: None,
            max_module_mm: 0.5,
            name_pt: 15.0,
        },
        WaybillSize::W76x130 => Plan {
            margin: 2.5,
            header: 10.0,
            bars: 16.0,
            digits_pt: 12.0,
            receiver: 34.0,
            sender: 15.0,
            stub: None,
            max_module_mm: 0.5,
            name_pt: 13.0,
        },
    }
}

/// Checks that the tracking number can be printed as a barcode on this stock.
pub fn check(w: &Waybill, opts: &WaybillOptions) -> Result<()> {
    let (width, _) = opts.size.mm();
    let p = plan(opts.size);
    let sym = code128(&w.tracking_no)?;
    if sym
        .fit(
            opts.dpi,
            width - 2.0 * p.margin,
            opts.dpi.max_module_dots(p.max_module_mm),
        )
        .is_none()
    {
        return Err(Error::invalid(
            format!(
                "快递单号 {} 太长，{} 的快递单上印不下条码",
                w.tracking_no,
                opts.size.code()
            ),
            format!(
                "tracking number {} is too long for a barcode on a {} waybill",
                w.tracking_no,
                opts.size.code()
            ),
        ));
    }
    Ok(())
}

/// Draws the waybills, one page each, into `pdf` (on every core); none if one cannot be printed.
pub fn draw(pdf: &mut PdfBuilder, waybills: &[Waybill], opts: &WaybillOptions) -> Result<()> {
    for w in waybills {
        check(w, opts)?;
    }
    pdf.pages(waybills, opts.size.mm(), opts.dpi, |c, w| page(c, w, opts));
    Ok(())
}

/// A PDF of `waybills`, one page each.
pub fn pdf(waybills: &[Waybill], opts: &WaybillOptions) -> Result<Vec<u8>> {
    let mut b = PdfBuilder::new("packbench waybills");
    draw(&mut b, waybills, opts)?;
    Ok(b.finish())
}

/// `pdf` with every page also as a drawing (for `raster`).
pub fn document(waybills: &[Waybill], opts: &WaybillOptions) -> Result<Document> {
    let mut b = PdfBuilder::new("packbench waybills");
    draw(&mut b, waybills, opts)?;
    Ok(b.finish_document())
}

fn page(c: &mut Canvas, w: &Waybill, opts: &WaybillOptions) {
    let p = plan(opts.size);
    let (width, height) = opts.size.mm();
    let m = p.margin;
    let inner = width - 2.0 * m;
    let thin = 0.25;
    let phone = if opts.mask_phone {
        mask_phone(&w.receiver_phone)
    } else {
        w.receiver_phone.trim().to_string()
    };
    let part_bottom = height - p.stub.unwrap_or(0.0);

    // Header: courier, batch and sequence; 补打 on a reprint.
    let mut y = m;
    c.text(m, y + 6.0, 15.0, &courier_name(&w.courier));
    let seq = format!("{}  {}/{}", w.batch_id, w.seq, w.of);
    let mut right = width - m;
    if w.reprint {
        let bw = 13.0;
        c.fill_rect(right - bw, y, bw, 8.0, 0.0);
        // A heavy frame, seen from across the bench.
        c.fill_rect(right - bw + 0.6, y + 0.6, bw - 1.2, 6.8, 1.0);
        c.text_aligned(right - bw / 2.0, y + 6.2, 13.0, "补打", Align::Centre);
        right -= bw + 2.0;
    }
    c.text_aligned(right, y + 4.0, 10.0, &seq, Align::Right);
    c.text_aligned(right, y + 8.0, 7.0, &w.printed_at, Align::Right);
    y += p.header;
    c.line(m, y, width - m, y, thin);

    // The tracking number, as large as fits.
    let sym = code128(&w.tracking_no).expect("checked");
    let dots = sym
        .fit(opts.dpi, inner, opts.dpi.max_module_dots(p.max_module_mm))
        .expect("checked");
    let x = c.centred_x(&sym, dots, width / 2.0);
    y += 2.0;
    c.barcode(&sym, x, y, p.bars, dots);
    y += p.bars;
    let digits_h = line_step_mm(p.digits_pt, 1.15);
    c.text_aligned(
        width / 2.0,
        y + digits_h * 0.85,
        p.digits_pt,
        &w.tracking_no,
        Align::Centre,
    );
    y += digits_h + 1.0;
    c.line(m, y, width - m, y, thin);

    // Receiver.
    let tag_w = 7.0;
    let body_x = m + tag_w + 1.5;
    let body_w = width - m - body_x;
    tag(c, m, y + 1.0, tag_w, "收");
    let name_line = format!("{}  {}", w.receiver_name.trim(), phone);
    let name_line = c.clipped(&name_line, 8.0, body_w);
    let name_pt = c.fit_size(
        &name_line,
        body_w,
        line_step_mm(p.name_pt, 1.2),
        p.name_pt,
        8.0,
        1.2,
    );
    c.text(
        body_x,
        y + 1.0 + line_step_mm(name_pt, 1.0),
        name_pt,
        &name_line,
    );
    let addr_top = y + 1.5 + line_step_mm(name_pt, 1.25);
    let addr_h = p.receiver - (addr_top - y) - 1.0;
    // The address is what the courier reads: as large as its box allows.
    c.fitted_paragraph(
        body_x,
        addr_top,
        body_w,
        addr_h,
        p.name_pt - 1.0,
        5.0,
        1.2,
        &w.receiver_address,
    );
    y += p.receiver;
    c.line(m, y, width - m, y, thin);

    // Sender, from the shop settings.
    tag(c, m, y + 1.0, tag_w, "寄");
    let s = &w.sender;
    let sender_line = format!("{}  {}", s.name.trim(), s.phone.trim());
    let sender_line = c.clipped(sender_line.trim(), 9.0, body_w);
    c.text(body_x, y + 1.0 + line_step_mm(9.0, 1.0), 9.0, &sender_line);
    let s_top = y + 1.5 + line_step_mm(9.0, 1.25);
    let s_h = p.sender - (s_top - y) - 0.5;
    c.fitted_paragraph(body_x, s_top, body_w, s_h, 8.5, 5.0, 1.15, &s.address);
    y += p.sender;
    c.line(m, y, width - m, y, thin);

    // Orders, items and the buyer's message: what the checker compares with the parcel.
    let footer_h = 4.0;
    let mut details = format!(
        "订单 {}\n{}",
        w.order_nos.join("，"),
        item_summary(&w.items)
    );
    if !w.buyer_message.trim().is_empty() {
        details.push_str(&format!("\n留言：{}", w.buyer_message.trim()));
    }
    let d_h = part_bottom - y - footer_h - 1.0;
    c.fitted_paragraph(m, y + 1.0, inner, d_h, 10.0, 5.0, 1.2, &details);
    c.text(m, part_bottom - 1.2, 6.5, &format!("打印 {}", w.printed_at));
    c.text_aligned(width - m, part_bottom - 1.2, 6.5, &seq, Align::Right);

    // The receiver's stub.
    if let Some(stub_h) = p.stub {
        let top = part_bottom;
        c.dashed(0.0, width, top, 0.2);
        let mut y = top + 2.5;
        c.text(m, y + 3.5, 9.0, &courier_name(&w.courier));
        c.text_aligned(width - m, y + 3.5, 8.0, &seq, Align::Right);
        y += 5.0;
        let dots = sym
            .fit(opts.dpi, inner * 0.75, opts.dpi.max_module_dots(0.375))
            .unwrap_or(dots);
        let x = c.centred_x(&sym, dots, width / 2.0);
        c.barcode(&sym, x, y, 10.0, dots);
        y += 10.0;
        c.text_aligned(width / 2.0, y + 3.6, 10.0, &w.tracking_no, Align::Centre);
        y += 5.5;
        c.line(m, y, width - m, y, thin);
        let who = format!("收 {}  {}", w.receiver_name.trim(), phone);
        let who = c.clipped(&who, 9.0, inner);
        c.text(m, y + 4.0, 9.0, &who);
        y += 5.5;
        let rest = format!("{}\n{}", w.receiver_address.trim(), item_summary(&w.items));
        // The courier has the receiver sign here.
        let sign_h = 6.0;
        let h = top + stub_h - m - y - sign_h;
        c.fitted_paragraph(m, y, inner, h, 8.0, 4.5, 1.15, &rest);
        let base = top + stub_h - m;
        c.text(m, base, 8.0, "签收人：");
        c.line(m + 11.0, base + 0.6, m + 45.0, base + 0.6, 0.2);
        c.text(m + 50.0, base, 8.0, "签收时间：");
        c.line(m + 64.0, base + 0.6, width - m, base + 0.6, 0.2);
    }
}

/// The big 收 / 寄 mark at the left of a block.
fn tag(c: &mut Canvas, x: f32, top: f32, w: f32, text: &str) {
    c.frame(x, top, w, w, 0.35);
    c.text_aligned(x + w / 2.0, top + w * 0.8, 15.0, text, Align::Centre);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_masked_in_the_middle() {
        assert_eq!(mask_phone("18276903495"), "182****3495");
        assert_eq!(mask_phone(" 0571-88888888 "), "0571*****8888");
        assert_eq!(mask_phone("12345"), "12345");
    }

    #[test]
    fn sizes_parse() {
        assert_eq!(WaybillSize::parse("76x130").unwrap(), WaybillSize::W76x130);
        assert_eq!(
            WaybillSize::parse("100×150mm").unwrap(),
            WaybillSize::W100x150
        );
        assert!(WaybillSize::parse("A4").is_err());
    }

    #[test]
    fn couriers_get_their_chinese_names() {
        assert_eq!(courier_name("ZTO"), "中通快递 ZTO");
        assert_eq!(courier_name("EMS"), "EMS");
        assert_eq!(courier_name("顺丰"), "顺丰");
    }

    #[test]
    fn items_are_summed_up_with_short_specs() {
        let items = vec![
            WaybillItem {
                sku_code: "TX2017-GY-S".into(),
                qty: 2,
                spec: "颜色分类：灰色；尺码：S".into(),
            },
            WaybillItem {
                sku_code: "X1".into(),
                qty: 1,
                spec: String::new(),
            },
        ];
        assert_eq!(item_summary(&items), "TX2017-GY-S ×2 灰色 S；X1 ×1");
    }
}
