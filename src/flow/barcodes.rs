//! The shop's barcode rule: a product without a barcode gets an in-store EAN-13 — `2` (GS1's
//! prefix for numbers valid only inside one company), the shop's digits, a sequence number and
//! the check digit — or, with `code128`, its merchant code as a Code 128. A number is never given
//! twice and never collides with a code already in use (a barcode, a merchant code, a tracking
//! number).

use crate::domain::barcode::gs1_check_digit;
use crate::domain::{Actor, Barcode, Permission, Symbology};
use crate::error::{Error, Result};
use crate::store::{Db, Store};
use serde::Serialize;
use serde_json::json;

/// The shop's digits after the `2` of in-store EAN-13s.
pub const SHOP_DIGITS_SETTING: &str = "barcode.shop_digits";
pub const DEFAULT_SHOP_DIGITS: &str = "0";

/// Checks a value of `barcode.shop_digits`: one to five digits (the rest of the 13 is the
/// sequence and the check digit).
pub fn check_shop_digits(v: &str) -> Result<()> {
    if (1..=5).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "店铺条码位只能是 1 到 5 位数字",
            "the shop's barcode digits must be 1 to 5 digits",
        ))
    }
}

/// The in-store EAN-13 number `seq` of a shop: `2` + shop digits + `seq` zero-padded + check
/// digit. `None` when `seq` does not fit the digits left.
pub fn in_store_ean13(shop_digits: &str, seq: u64) -> Option<Barcode> {
    let width = 11usize.checked_sub(shop_digits.len())?;
    let seq_text = format!("{seq:0width$}");
    if seq_text.len() > width {
        return None;
    }
    let body = format!("2{shop_digits}{seq_text}");
    let check = gs1_check_digit(body.as_bytes());
    Barcode::parse(&format!("{body}{check}")).ok()
}

/// The sequence number of an in-store EAN-13 of the shop, if it is one.
pub fn in_store_sequence(shop_digits: &str, barcode: &str) -> Option<u64> {
    let prefix = format!("2{shop_digits}");
    if barcode.len() != 13 || !barcode.starts_with(&prefix) {
        return None;
    }
    barcode[prefix.len()..12].parse().ok()
}

/// How new barcodes are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AssignFormat {
    /// In-store EAN-13 by the shop's rule.
    #[default]
    Ean13,
    /// The merchant code itself, printed as Code 128.
    Code128,
}

/// Which products get a barcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Every active product that has none.
    NeedsBarcode,
    /// These merchant codes (those that have a barcode already keep it).
    Skus(Vec<String>),
}

/// A barcode given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assigned {
    pub sku_code: String,
    pub barcode: String,
    pub symbology: Symbology,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AssignResult {
    pub assigned: Vec<Assigned>,
    /// Products asked for that had a barcode already: `(merchant code, barcode)`.
    pub kept: Vec<(String, String)>,
}

/// How many active products have no barcode yet (the labels screen says so before it gives them
/// one).
pub fn needing_count(store: &Store, actor: &Actor) -> Result<usize> {
    actor.require(Permission::PrintLabels)?;
    Ok(store.read().count_products_needing_barcode()? as usize)
}

/// Gives barcodes by the shop's rule, all in one transaction: if any product cannot get one
/// (a merchant code that cannot be a Code 128, or is another product's barcode), none does.
pub fn assign(
    store: &mut Store,
    actor: &Actor,
    which: &Which,
    format: AssignFormat,
) -> Result<AssignResult> {
    actor.require(Permission::AssignBarcodes)?;
    store.write(|db| assign_in(db, actor, which, format))
}

/// `assign` inside the caller's transaction (label printing assigns and records its job in one).
pub(crate) fn assign_in(
    db: &Db<'_>,
    actor: &Actor,
    which: &Which,
    format: AssignFormat,
) -> Result<AssignResult> {
    let mut out = AssignResult::default();
    let products = match which {
        Which::NeedsBarcode => db.products_needing_barcode()?,
        Which::Skus(skus) => {
            let mut v = Vec::new();
            for sku in skus {
                let (id, p) = db
                    .product_by_sku(sku.trim())?
                    .ok_or_else(|| Error::not_found("product", "商品", sku.trim()))?;
                match &p.barcode {
                    Some(b) => out.kept.push((p.sku_code.clone(), b.to_string())),
                    None => v.push((id, p)),
                }
            }
            v
        }
    };
    let shop = db
        .setting(SHOP_DIGITS_SETTING)?
        .unwrap_or_else(|| DEFAULT_SHOP_DIGITS.to_string());
    check_shop_digits(&shop)?;
    let mut next = db
        .max_barcode_with_prefix(&format!("2{shop}"), 13)?
        .and_then(|b| in_store_sequence(&shop, &b))
        .map_or(1, |s| s + 1);
    let mut refused = Vec::new();
    for (id, p) in products {
        let barcode = match format {
            AssignFormat::Ean13 => loop {
                let b = in_store_ean13(&shop, next).ok_or_else(|| {
                    Error::invalid(
                        format!("店铺条码 2{shop}… 的序号用完了"),
                        format!("the in-store numbers 2{shop}… are used up"),
                    )
                })?;
                next += 1;
                // A number some code holds already (a barcode, a merchant code, a tracking
                // number) is skipped: one scan means one thing.
                if db.code_holder(b.as_str(), None)?.is_none() {
                    break b;
                }
            },
            AssignFormat::Code128 => match Barcode::parse(&p.sku_code) {
                Ok(b) => match db.code_holder(b.as_str(), Some(id))? {
                    Some(holder) => {
                        refused.push((
                            p.sku_code.clone(),
                            holder.zh(b.as_str()),
                            holder.en(b.as_str()),
                        ));
                        continue;
                    }
                    None => b,
                },
                Err(e) => {
                    refused.push((p.sku_code.clone(), e.zh(), e.to_string()));
                    continue;
                }
            },
        };
        db.set_product_barcode(id, &barcode)?;
        db.log_event(
            actor,
            "barcode_assigned",
            &p.sku_code,
            &json!({"barcode": barcode.as_str(), "symbology": barcode.symbology().code()}),
        )?;
        out.assigned.push(Assigned {
            sku_code: p.sku_code,
            symbology: barcode.symbology(),
            barcode: barcode.into_string(),
        });
    }
    if !refused.is_empty() {
        let zh: Vec<String> = refused
            .iter()
            .map(|(s, z, _)| format!("{s}：{z}"))
            .collect();
        let en: Vec<String> = refused
            .iter()
            .map(|(s, _, e)| format!("{s}: {e}"))
            .collect();
        return Err(Error::invalid(
            format!(
                "这些商家编码不能用作条码，没有分配任何条码：{}",
                zh.join("；")
            ),
            format!(
                "these merchant codes cannot be barcodes; no barcode was given: {}",
                en.join("; ")
            ),
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_store_numbers_are_valid_ean13s_in_sequence() {
        let b = in_store_ean13("0", 1).unwrap();
        assert_eq!(b.as_str(), "2000000000015");
        assert_eq!(b.symbology(), Symbology::Ean13);
        assert_eq!(in_store_sequence("0", b.as_str()), Some(1));
        let b = in_store_ean13("123", 4567).unwrap();
        assert_eq!(&b.as_str()[..12], "212300004567");
        assert_eq!(in_store_sequence("123", b.as_str()), Some(4567));
        assert_eq!(in_store_sequence("124", b.as_str()), None);
        assert!(in_store_ean13("12345", 999_999).is_some());
        assert!(in_store_ean13("12345", 1_000_000).is_none());
    }

    #[test]
    fn shop_digits_are_checked() {
        assert!(check_shop_digits("0").is_ok());
        assert!(check_shop_digits("12345").is_ok());
        assert!(check_shop_digits("").is_err());
        assert!(check_shop_digits("123456").is_err());
        assert!(check_shop_digits("1a").is_err());
    }
}
