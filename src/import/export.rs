//! Writing orders back in the shape of Taobao's seller-centre export — GBK, CRLF, `="…"` guards
//! inside CSV quotes, `'` before phone numbers, header names with trailing spaces, line breaks
//! inside quoted addresses, messages and remarks (the demo stream makes them) — so tests and
//! benchmarks read exactly what a shop would give us.

use super::rejects::csv_cell;
use crate::demo::{DemoOrder, DemoProduct};
use crate::domain::time::to_shop_local;
use crate::domain::{Fen, Order};
use crate::output::{AtomicFile, Guard, OutKind};
use encoding_rs::GBK;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// The order file's header as the seller centre writes it (note the trailing spaces).
pub const ORDER_HEADER: [&str; 48] = [
    "订单编号",
    "买家会员名",
    "买家支付宝账号",
    "买家应付货款",
    "买家应付邮费",
    "买家支付积分",
    "总金额",
    "返点积分",
    "买家实际支付金额",
    "买家实际支付积分",
    "订单状态",
    "买家留言",
    "收货人姓名",
    "收货地址 ",
    "运送方式",
    "联系电话 ",
    "联系手机",
    "订单创建时间",
    "订单付款时间 ",
    "宝贝标题 ",
    "宝贝种类 ",
    "物流单号 ",
    "物流公司",
    "订单备注",
    "宝贝总数量",
    "店铺Id",
    "店铺名称",
    "订单关闭原因",
    "卖家服务费",
    "买家服务费",
    "发票抬头",
    "是否手机订单",
    "分阶段订单信息",
    "特权订金订单id",
    "是否上传合同照片",
    "是否上传小票",
    "是否代付",
    "定金排名",
    "修改后的sku",
    "修改后的收货地址",
    "异常信息",
    "天猫卡券抵扣",
    "集分宝抵扣",
    "是否是O2O交易",
    "退款金额",
    "预约门店",
    "确认收货时间",
    "打款商家金额",
];

pub const LINE_HEADER: [&str; 10] = [
    "订单编号",
    "标题",
    "价格",
    "购买数量",
    "外部系统编号",
    "商品属性",
    "套餐信息",
    "备注",
    "订单状态",
    "商家编码",
];

/// A CSV writer that encodes to GBK as it goes.
struct GbkCsv {
    csv: csv::Writer<Vec<u8>>,
    out: BufWriter<AtomicFile>,
}

impl GbkCsv {
    fn create(file: AtomicFile) -> GbkCsv {
        let csv = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        GbkCsv {
            csv,
            out: BufWriter::with_capacity(1 << 20, file),
        }
    }

    fn row<I: IntoIterator<Item = S>, S: AsRef<[u8]>>(&mut self, fields: I) -> io::Result<()> {
        self.csv.write_record(fields)?;
        if self.csv.get_ref().len() > 64 * 1024 {
            self.drain()?;
        }
        Ok(())
    }

    fn drain(&mut self) -> io::Result<()> {
        self.csv.flush()?;
        let fresh = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        let buf = std::mem::replace(&mut self.csv, fresh)
            .into_inner()
            .map_err(|e| e.into_error())?;
        let text =
            String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
        let (bytes, _, unmappable) = GBK.encode(&text);
        if unmappable {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "text not representable in GBK",
            ));
        }
        self.out.write_all(&bytes)
    }

    /// Everything written, not yet in place.
    fn finish(mut self) -> io::Result<AtomicFile> {
        self.drain()?;
        self.out.into_inner().map_err(|e| e.into_error())
    }
}

/// A text cell, safe for Excel (`rejects::csv_cell`); numbers, times and the `="…"` guard of
/// order numbers are ours and written as Taobao writes them.
fn text(cell: &str) -> String {
    csv_cell(cell).into_owned()
}

fn guard(order_no: &str) -> String {
    format!("=\"{order_no}\"")
}

fn order_row(o: &Order, remark: &str) -> Vec<String> {
    let goods: i64 = o.lines.iter().map(|l| l.price.0 * i64::from(l.qty)).sum();
    let titles: Vec<&str> = {
        let mut t: Vec<&str> = Vec::new();
        for l in &o.lines {
            if !t.contains(&l.title.as_str()) {
                t.push(&l.title);
            }
        }
        t
    };
    let qty: u32 = o.lines.iter().map(|l| l.qty).sum();
    let mut r = vec![String::new(); ORDER_HEADER.len()];
    r[0] = guard(&o.order_no);
    r[1] = text(&o.buyer);
    r[3] = Fen(goods).to_string();
    r[4] = o.postage.to_string();
    r[5] = "0".into();
    r[6] = o.total.to_string();
    r[7] = "0".into();
    r[8] = o.paid.to_string();
    r[9] = "0".into();
    r[10] = o.status.taobao().into();
    r[11] = text(&o.buyer_message);
    r[12] = text(&o.receiver.name);
    r[13] = text(&o.receiver.address);
    r[14] = text(&o.shipping_method);
    r[16] = format!("'{}", o.receiver.phone);
    r[17] = to_shop_local(&o.created_at);
    r[18] = o.paid_at.as_ref().map(to_shop_local).unwrap_or_default();
    r[19] = text(&titles.join("，"));
    r[20] = titles.len().to_string();
    r[21] = text(o.tracking_no.as_deref().unwrap_or_default());
    r[22] = text(o.courier.as_deref().unwrap_or_default());
    r[23] = text(remark);
    r[24] = qty.to_string();
    r[25] = "0".into();
    r[26] = text(&o.shop);
    r[27] = text(&o.close_reason);
    r[28] = "0".into();
    r[29] = "0".into();
    // About half of the orders come from the phone app; the digit decides, so no state is needed.
    if o.order_no.ends_with(['0', '2', '4', '6', '8']) {
        r[31] = "手机订单".into();
    }
    for i in [34, 35, 36, 43] {
        r[i] = "否".into();
    }
    r[41] = "0.00".into();
    r[42] = "0.00".into();
    r[44] = o.refund.to_string();
    r
}

/// Writes `ExportOrderList.csv` and `ExportOrderDetailList.csv` (GBK) into `dir`, and
/// `products.csv` (packbench's catalogue format, UTF-8) for the same shop. Returns the paths.
/// Files there already are replaced only if they are earlier exports (or as `guard` allows), and
/// only once all three are written.
pub fn write_taobao_export(
    dir: &Path,
    catalogue: &[DemoProduct],
    orders: impl Iterator<Item = DemoOrder>,
    out: &Guard,
) -> crate::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).map_err(|e| crate::Error::io(dir, e))?;
    let paths = vec![
        dir.join("ExportOrderList.csv"),
        dir.join("ExportOrderDetailList.csv"),
        dir.join("products.csv"),
    ];
    let kinds = [
        OutKind::TaobaoExport,
        OutKind::TaobaoExport,
        OutKind::Catalogue,
    ];
    for (p, k) in paths.iter().zip(kinds) {
        out.check(p, k)?;
    }
    let files = [
        out.create(&paths[0], kinds[0])?,
        out.create(&paths[1], kinds[1])?,
        out.create(&paths[2], kinds[2])?,
    ];
    let [of, lf, pf] = files;
    let io = |e: io::Error| crate::Error::io(dir, e);
    let (of, lf, pf) = write_files(of, lf, pf, catalogue, orders).map_err(io)?;
    of.commit()?;
    lf.commit()?;
    pf.commit()?;
    Ok(paths)
}

fn write_files(
    of: AtomicFile,
    lf: AtomicFile,
    pf: AtomicFile,
    catalogue: &[DemoProduct],
    orders: impl Iterator<Item = DemoOrder>,
) -> io::Result<(AtomicFile, AtomicFile, AtomicFile)> {
    let mut of = GbkCsv::create(of);
    let mut lf = GbkCsv::create(lf);
    of.row(ORDER_HEADER)?;
    lf.row(LINE_HEADER)?;
    for DemoOrder { order, remark } in orders {
        of.row(order_row(&order, &remark))?;
        for l in &order.lines {
            lf.row([
                guard(&order.order_no),
                text(&l.title),
                l.price.to_string(),
                l.qty.to_string(),
                text(&l.external_code),
                text(&l.spec),
                text(&l.package),
                text(&l.note),
                l.status.taobao().to_string(),
                text(&l.sku_code),
            ])?;
        }
    }
    let of = of.finish()?;
    let lf = lf.finish()?;
    let mut pw = csv::Writer::from_writer(pf);
    pw.write_record(["商家编码", "条码", "名称", "规格", "单价", "库位", "库存"])?;
    for p in catalogue {
        let q = p.qty.to_string();
        let price = p.product.price.to_string();
        pw.write_record([
            &text(&p.product.sku_code),
            p.product.barcode.as_ref().map(|b| b.as_str()).unwrap_or(""),
            &text(&p.product.name),
            &text(&p.product.spec),
            &price,
            &text(p.product.bin.as_deref().unwrap_or("")),
            &q,
        ])?;
    }
    let pf = pw.into_inner().map_err(|e| e.into_error())?;
    Ok((of, lf, pf))
}
