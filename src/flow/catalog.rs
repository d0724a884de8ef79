//! The catalogue as the office works it: finding and editing products, their pictures, and
//! order lines whose merchant code is empty or unknown matched by hand to a product
//! (维护为空的条码), remembered for the next import.

use crate::domain::check::ParcelStage;
use crate::domain::order::item_key;
use crate::domain::product::valid_bin_code;
use crate::domain::{
    Actor, Barcode, Fen, OrderLine, OrderStatus, Permission, Product, ProductState,
};
use crate::error::{Error, Result};
use crate::import::picture;
use crate::store::{Db, ProductHit, Store, StoredPicture};
use serde_json::json;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Products whose merchant code, barcode, name or spec holds every word of `query`, by merchant
/// code: a page of them and how many match in all.
pub fn search_products(
    store: &Store,
    actor: &Actor,
    query: &str,
    offset: usize,
    limit: usize,
) -> Result<(Vec<ProductHit>, i64)> {
    actor.require(Permission::ViewOrders)?;
    store.read().search_products(query, offset, limit)
}

/// The stored pictures of the products with these merchant codes (those that have one).
pub fn pictures(
    store: &Store,
    actor: &Actor,
    skus: &[&str],
) -> Result<HashMap<String, StoredPicture>> {
    actor.require(Permission::ViewOrders)?;
    store.read().pictures_of_skus(skus)
}

/// What an edit of a product gives: every field as the form shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductEdit {
    pub name: String,
    pub spec: String,
    /// In yuan, as typed (`12.50`).
    pub price: String,
    /// Empty: not shelved.
    pub bin: String,
    /// Empty: keep it without a barcode (only if it has none yet).
    pub barcode: String,
}

impl ProductEdit {
    /// The form filled from a product as it is.
    pub fn of(p: &Product) -> ProductEdit {
        ProductEdit {
            name: p.name.clone(),
            spec: p.spec.clone(),
            price: p.price.to_string(),
            bin: p.bin.clone().unwrap_or_default(),
            barcode: p
                .barcode
                .as_ref()
                .map(|b| b.as_str().to_string())
                .unwrap_or_default(),
        }
    }
}

/// Changes a product's name, spec, price, bin or barcode (采购员, 库存管理员). Each field is
/// checked as the product import checks it; a barcode must be valid and held by nothing else;
/// a barcode once given can be changed but not taken away (its labels are on the shelves). The
/// old values go to the event log.
pub fn edit_product(
    store: &mut Store,
    actor: &Actor,
    sku: &str,
    edit: &ProductEdit,
) -> Result<Product> {
    actor.require(Permission::ManageProducts)?;
    let name = edit.name.trim();
    let spec = edit.spec.trim();
    for (v, zh, en) in [(name, "品名", "name"), (spec, "规格", "spec")] {
        if v.chars().any(char::is_control) || v.chars().count() > 200 {
            return Err(Error::invalid(
                format!("{zh}不能含控制字符，最多 200 个字"),
                format!("the {en} may not hold control characters or be over 200 characters"),
            ));
        }
    }
    if name.is_empty() {
        return Err(Error::invalid("品名不能为空", "the name may not be empty"));
    }
    let price = Fen::parse_yuan(edit.price.trim())
        .map_err(|e| Error::invalid(format!("价格：{}", e.zh()), format!("price: {e}")))?;
    let bin = edit.bin.trim();
    if !bin.is_empty() && !valid_bin_code(bin) {
        return Err(Error::invalid(
            format!("库位编码只能用字母、数字和符号，不能有空格：{bin:?}"),
            format!("a bin code is ASCII letters, digits and signs without spaces: {bin:?}"),
        ));
    }
    let barcode_text = edit.barcode.trim();
    let barcode = if barcode_text.is_empty() {
        None
    } else {
        Some(Barcode::parse(barcode_text)?)
    };
    store.write(|db| {
        let (id, old) = db
            .product_by_sku(sku.trim())?
            .ok_or_else(|| Error::not_found("product", "商品", sku.trim()))?;
        if barcode.is_none() && old.barcode.is_some() {
            return Err(Error::invalid(
                format!("商品 {} 已有条码，条码可以改，不能删（货架上已贴了标签）", old.sku_code),
                format!(
                    "product {} has a barcode: it can be changed, not removed (its labels are on the shelves)",
                    old.sku_code
                ),
            ));
        }
        if let Some(b) = &barcode
            && old.barcode.as_ref() != Some(b)
            && let Some(h) = db.code_holder(b.as_str(), Some(id))?
        {
            return Err(Error::invalid(h.zh(b.as_str()), h.en(b.as_str())));
        }
        let new = Product {
            name: name.to_string(),
            spec: spec.to_string(),
            price,
            bin: (!bin.is_empty()).then(|| bin.to_string()),
            barcode,
            ..old.clone()
        };
        if new == old {
            return Ok(new);
        }
        db.update_product(id, &new)?;
        let show = |p: &Product| {
            json!({"name": p.name, "spec": p.spec, "price_fen": p.price.0, "bin": p.bin,
                   "barcode": p.barcode.as_ref().map(|b| b.as_str())})
        };
        db.log_event(actor, "product_edited", &new.sku_code, &json!({"from": show(&old), "to": show(&new)}))?;
        Ok(new)
    })
}

/// Sets a product's picture from a file (JPEG or PNG): a small copy is kept in the store, so
/// every PC of the shop sees it.
pub fn set_picture(
    store: &mut Store,
    actor: &Actor,
    sku: &str,
    file: &Path,
) -> Result<StoredPicture> {
    actor.require(Permission::ManageProducts)?;
    let picture = picture::read_picture(file)?;
    store.write(|db| {
        let (id, p) = db
            .product_by_sku(sku.trim())?
            .ok_or_else(|| Error::not_found("product", "商品", sku.trim()))?;
        db.set_product_picture(id, &picture, actor)?;
        db.log_event(
            actor,
            "product_picture_set",
            &p.sku_code,
            &json!({"file": picture.source}),
        )?;
        Ok(picture.clone())
    })
}

/// Why a file of a picture folder was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PictureProblem {
    /// Its name (without the ending) is no product's merchant code.
    NoSuchProduct,
    /// Two files name the same product (`A1.jpg` and `A1.png`).
    Twice { other: String },
    /// It could not be read as a picture.
    Unreadable { zh: String, en: String },
}

/// A file of a picture folder that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPicture {
    pub file: String,
    pub problem: PictureProblem,
}

/// What a picture folder import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PictureImport {
    /// Products that had no picture and now have one.
    pub added: usize,
    /// Products whose picture was replaced.
    pub replaced: usize,
    pub bad: Vec<BadPicture>,
    /// Files in the folder that are not pictures by their ending (left alone).
    pub ignored: usize,
    /// Whether anything was written: not when a file was bad and bad ones were not to be skipped.
    pub committed: bool,
}

/// Sets the pictures of a folder of files named by merchant code (`A1001.jpg`, `A1002.png`).
/// All or nothing, as every import: a file that names no product or cannot be read keeps the
/// whole folder out unless `skip_bad`. The files are read on every core before anything is
/// written; the writes are one transaction.
pub fn import_pictures(
    store: &mut Store,
    actor: &Actor,
    dir: &Path,
    skip_bad: bool,
) -> Result<PictureImport> {
    actor.require(Permission::ManageProducts)?;
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut summary = PictureImport::default();
    for e in entries {
        let path = e.map_err(|e| Error::io(dir, e))?.path();
        if !path.is_file() {
            continue;
        }
        if picture::is_picture_name(&path) {
            files.push(path);
        } else {
            summary.ignored += 1;
        }
    }
    files.sort();
    let name_of = |p: &Path| {
        p.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let code_of = |p: &Path| {
        p.file_stem()
            .map(|n| n.to_string_lossy().trim().to_string())
            .unwrap_or_default()
    };

    // Which product each file names (one query), and the second file of a product refused.
    let codes: Vec<String> = files.iter().map(|f| code_of(f)).collect();
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let products = store.read().products_by_sku(&code_refs)?;
    let mut first_file: HashMap<&str, String> = HashMap::new();
    let mut wanted: Vec<(i64, &PathBuf)> = Vec::new();
    for (f, code) in files.iter().zip(&codes) {
        let Some((id, _)) = products.get(code) else {
            summary.bad.push(BadPicture {
                file: name_of(f),
                problem: PictureProblem::NoSuchProduct,
            });
            continue;
        };
        if let Some(other) = first_file.get(code.as_str()) {
            summary.bad.push(BadPicture {
                file: name_of(f),
                problem: PictureProblem::Twice {
                    other: other.clone(),
                },
            });
            continue;
        }
        first_file.insert(code, name_of(f));
        wanted.push((*id, f));
    }

    // Decoding is the slow part: split over the cores.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let per = wanted.len().div_ceil(threads).max(1);
    let read: Vec<(i64, String, Result<StoredPicture>)> = std::thread::scope(|s| {
        let handles: Vec<_> = wanted
            .chunks(per)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(id, f)| (*id, name_of(f), picture::read_picture(f)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a picture reader panicked"))
            .collect()
    });
    let mut good: Vec<(i64, StoredPicture)> = Vec::new();
    for (id, file, r) in read {
        match r {
            Ok(p) => good.push((id, p)),
            Err(e) => summary.bad.push(BadPicture {
                file,
                problem: PictureProblem::Unreadable {
                    zh: e.zh(),
                    en: e.to_string(),
                },
            }),
        }
    }
    summary.bad.sort_by(|a, b| a.file.cmp(&b.file));
    if !summary.bad.is_empty() && !skip_bad {
        return Ok(summary);
    }
    let ids: Vec<i64> = good.iter().map(|(id, _)| *id).collect();
    store.write(|db| {
        let had = db.product_pictures(&ids)?;
        for (id, p) in &good {
            db.set_product_picture(*id, p, actor)?;
            if had.contains_key(id) {
                summary.replaced += 1;
            } else {
                summary.added += 1;
            }
        }
        db.log_event(
            actor,
            "product_pictures_imported",
            &dir.to_string_lossy(),
            &json!({"added": summary.added, "replaced": summary.replaced, "bad": summary.bad.len()}),
        )?;
        Ok(())
    })?;
    summary.committed = true;
    Ok(summary)
}

/// A line of an order that needs (or had) a match by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineToMatch {
    /// 1-based, as `order show` lists the lines.
    pub line_no: usize,
    pub line: OrderLine,
    /// The product it was matched to, when it was matched by hand before.
    pub matched: Option<String>,
}

/// The lines of an order whose merchant code is empty or names no product, and those matched by
/// hand before (so a wrong match can be put right).
pub fn lines_to_match(store: &Store, actor: &Actor, order_no: &str) -> Result<Vec<LineToMatch>> {
    actor.require(Permission::ViewOrders)?;
    let db = store.read();
    let o = db
        .bench_order(order_no.trim())?
        .ok_or_else(|| Error::not_found("order", "订单", order_no.trim()))?;
    let codes: Vec<&str> = o.lines.iter().map(|l| l.sku_code.as_str()).collect();
    let known = db.products_by_sku(&codes)?;
    let mut out = Vec::new();
    for (i, l) in o.lines.iter().enumerate() {
        let matched = db
            .item_match(&l.item_key())?
            .filter(|sku| *sku == l.sku_code);
        if matched.is_some() || !known.contains_key(&l.sku_code) {
            out.push(LineToMatch {
                line_no: i + 1,
                line: l.clone(),
                matched,
            });
        }
    }
    Ok(out)
}

/// What a match did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineMatched {
    pub sku_code: String,
    /// The open orders (this one first) whose lines of the same item now name the product.
    pub orders: Vec<String>,
}

/// Matches line `line_no` (1-based) of an order to a product (维护为空的条码, 打单员): the line,
/// and the same item's lines in every other open order not yet printed, now name the product,
/// and the match is remembered, so the next import of the item resolves by itself. Only a line
/// whose merchant code is empty or unknown, or one matched by hand before, may be matched.
pub fn match_line(
    store: &mut Store,
    actor: &Actor,
    order_no: &str,
    line_no: usize,
    sku: &str,
) -> Result<LineMatched> {
    actor.require(Permission::ChangeOrder)?;
    let order_no = order_no.trim();
    let sku = sku.trim();
    store.write(|db| {
        let o = db
            .bench_order(order_no)?
            .ok_or_else(|| Error::not_found("order", "订单", order_no))?;
        let line = line_no
            .checked_sub(1)
            .and_then(|i| o.lines.get(i))
            .ok_or_else(|| {
                Error::invalid(
                    format!("订单 {order_no} 没有第 {line_no} 行（共 {} 行）", o.lines.len()),
                    format!("order {order_no} has no line {line_no} (it has {})", o.lines.len()),
                )
            })?
            .clone();
        if let Some(pid) = o.parcel_id
            && db.parcel(pid)?.is_some_and(|p| p.stage != ParcelStage::Merged)
        {
            return Err(Error::invalid(
                format!("订单 {order_no} 已打印快递单，不能再改商品（先取消批次）"),
                format!("order {order_no}'s waybill is printed: its items can no longer change (cancel the batch first)"),
            ));
        }
        if !matches!(o.status, OrderStatus::Paid | OrderStatus::Unpaid) {
            return Err(Error::invalid(
                format!("订单 {order_no} 已发货或已关闭，不能再改商品"),
                format!("order {order_no} is shipped or closed: its items stay"),
            ));
        }
        let (product_id, product) = db
            .product_by_sku(sku)?
            .ok_or_else(|| Error::not_found("product", "商品", sku))?;
        if product.state == ProductState::Discontinued {
            return Err(Error::invalid(
                format!("商品 {sku} 已停用，不能配给订单"),
                format!("product {sku} is discontinued: no order line can be matched to it"),
            ));
        }
        let key = line.item_key();
        let earlier = db.item_match(&key)?;
        let line_known = db.product_by_sku(&line.sku_code)?.is_some();
        if line_known && earlier.as_deref() != Some(line.sku_code.as_str()) {
            return Err(Error::invalid(
                format!("第 {line_no} 行的商家编码 {} 是已有商品，不需要配对", line.sku_code),
                format!("line {line_no}'s merchant code {} names a product already: nothing to match", line.sku_code),
            ));
        }
        if line.sku_code == product.sku_code {
            return Ok(LineMatched { sku_code: product.sku_code, orders: vec![order_no.to_string()] });
        }
        db.set_item_match(&key, product_id, actor)?;
        // The same item's other open lines: those still unresolved, or on the earlier match.
        let lines = db.open_lines_of_item(&line.title, &line.spec)?;
        let codes: Vec<&str> = lines.iter().map(|l| l.sku_code.as_str()).collect();
        let known = db.products_by_sku(&codes)?;
        let mut orders = vec![order_no.to_string()];
        for l in &lines {
            let stale = !known.contains_key(&l.sku_code) || earlier.as_deref() == Some(l.sku_code.as_str());
            if stale && l.sku_code != product.sku_code {
                db.set_line_sku(l.line_id, &product.sku_code)?;
                if !orders.contains(&l.order_no) {
                    orders.push(l.order_no.clone());
                }
            }
        }
        db.log_event(
            actor,
            "item_matched",
            order_no,
            &json!({"line": line_no, "title": line.title, "spec": line.spec, "from": line.sku_code,
                    "to": product.sku_code, "orders": orders}),
        )?;
        Ok(LineMatched { sku_code: product.sku_code, orders })
    })
}

/// Applies the remembered matches to lines of an import: a line whose merchant code is empty or
/// names no product, of an item matched by hand before, names the matched product. One query for
/// the matches, and one for the codes of the lines they touch; nothing when nothing was matched.
pub(crate) fn apply_matches<'a>(
    db: &Db<'_>,
    matches: &HashMap<String, String>,
    lines: impl Iterator<Item = &'a mut OrderLine>,
) -> Result<()> {
    if matches.is_empty() {
        return Ok(());
    }
    let hits: Vec<(&'a mut OrderLine, &String)> = lines
        .filter_map(|l| {
            let to = matches.get(&item_key(&l.title, &l.spec))?;
            Some((l, to))
        })
        .collect();
    let codes: Vec<&str> = hits
        .iter()
        .map(|(l, _)| l.sku_code.as_str())
        .filter(|c| !c.is_empty())
        .collect();
    let known: std::collections::HashSet<String> =
        db.products_by_sku(&codes)?.into_keys().collect();
    for (l, to) in hits {
        if !known.contains(&l.sku_code) {
            l.sku_code = to.clone();
        }
    }
    Ok(())
}

impl BadPicture {
    pub fn zh(&self) -> String {
        match &self.problem {
            PictureProblem::NoSuchProduct => format!("{}：没有这个商家编码的商品", self.file),
            PictureProblem::Twice { other } => {
                format!("{}：和 {other} 是同一个商品的图片", self.file)
            }
            PictureProblem::Unreadable { zh, .. } => zh.clone(),
        }
    }

    pub fn en(&self) -> String {
        match &self.problem {
            PictureProblem::NoSuchProduct => {
                format!("{}: no product has this merchant code", self.file)
            }
            PictureProblem::Twice { other } => {
                format!("{}: {other} is a picture of the same product", self.file)
            }
            PictureProblem::Unreadable { en, .. } => en.clone(),
        }
    }
}
