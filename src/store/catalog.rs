//! The catalogue as the office works it: finding products, their pictures, and Taobao items
//! matched by hand to a product (维护为空的条码).

use super::products::{PRODUCT_COLS, PRODUCT_WIDTH, product_from_row};
use super::{Db, Param, params};
use crate::domain::{Actor, Product};
use crate::error::Result;
use std::collections::HashMap;

/// A product a search found, with what a list shows beside it.
#[derive(Debug, Clone)]
pub struct ProductHit {
    pub id: i64,
    pub product: Product,
    /// On hand over all bins.
    pub on_hand: i64,
    pub has_picture: bool,
}

/// A product's picture as stored: a small JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPicture {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// The file it was made from.
    pub source: String,
}

/// An open line of an order not yet printed whose Taobao item is the one named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemLine {
    pub line_id: i64,
    pub order_no: String,
    pub sku_code: String,
}

/// `LIKE` text matching `word` anywhere, its wildcards taken literally.
fn like_anywhere(word: &str) -> String {
    let mut s = String::with_capacity(word.len() + 2);
    s.push('%');
    for c in word.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// A picture from columns 1–4 of a row: thumb, width, height, source.
fn picture_from_row(r: &super::Row<'_>) -> Result<StoredPicture> {
    let (w, h): (i64, i64) = (r.get(2)?, r.get(3)?);
    Ok(StoredPicture {
        jpeg: r.get(1)?,
        width: w as u32,
        height: h as u32,
        source: r.get(4)?,
    })
}

impl Db<'_> {
    /// Products whose merchant code, barcode, name or spec holds every word of `query` (all
    /// products when it is blank), by merchant code: `limit` of them after the first `offset`,
    /// and how many match in all.
    pub fn search_products(
        &self,
        query: &str,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<ProductHit>, i64)> {
        let words: Vec<String> = query.split_whitespace().map(like_anywhere).collect();
        let mut filter = String::from("1 = 1");
        for i in 0..words.len() {
            let n = i + 1;
            filter.push_str(&format!(
                " AND (lower(p.sku_code) LIKE ?{n} ESCAPE '\\' OR lower(p.name) LIKE ?{n} ESCAPE '\\'
                   OR lower(p.spec) LIKE ?{n} ESCAPE '\\' OR COALESCE(p.barcode, '') LIKE ?{n} ESCAPE '\\')"
            ));
        }
        let mut ps: Vec<&dyn Param> = words.iter().map(|w| w as &dyn Param).collect();
        let total = self.one(
            &format!("SELECT count(*) FROM products p WHERE {filter}"),
            &ps,
            |r| r.get(0),
        )?;
        let (limit, offset) = (limit as i64, offset as i64);
        ps.push(&limit);
        ps.push(&offset);
        let cols = PRODUCT_COLS
            .split(", ")
            .map(|c| format!("p.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let hits = self.all(
            &format!(
                "SELECT {cols},
                    (SELECT COALESCE(sum(s.qty), 0) FROM stock s WHERE s.product_id = p.id),
                    EXISTS (SELECT 1 FROM product_images i WHERE i.product_id = p.id)
                 FROM products p WHERE {filter} ORDER BY p.sku_code LIMIT ?{} OFFSET ?{}",
                words.len() + 1,
                words.len() + 2
            ),
            &ps,
            |r| {
                let (id, product) = product_from_row(r)?;
                Ok(ProductHit {
                    id,
                    product,
                    on_hand: r.get(PRODUCT_WIDTH)?,
                    has_picture: r.get(PRODUCT_WIDTH + 1)?,
                })
            },
        )?;
        Ok((hits, total))
    }

    /// Sets (or replaces) a product's picture.
    pub fn set_product_picture(
        &self,
        product_id: i64,
        picture: &StoredPicture,
        actor: &Actor,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO product_images (product_id, thumb, width, height, source, staff_id, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (product_id) DO UPDATE SET thumb = excluded.thumb, width = excluded.width,
                height = excluded.height, source = excluded.source, staff_id = excluded.staff_id,
                updated_at = excluded.updated_at",
            params![
                product_id,
                picture.jpeg,
                picture.width as i64,
                picture.height as i64,
                picture.source,
                actor.staff.id,
                super::now()
            ],
        )?;
        Ok(())
    }

    /// The pictures of these products (those that have one), by product id.
    pub fn product_pictures(&self, ids: &[i64]) -> Result<HashMap<i64, StoredPicture>> {
        let mut out = HashMap::new();
        for chunk in ids.chunks(super::orders::LOOKUP_CHUNK) {
            let ps: Vec<&dyn Param> = chunk.iter().map(|c| c as &dyn Param).collect();
            for (id, p) in self.all(
                &format!(
                    "SELECT product_id, thumb, width, height, source FROM product_images
                     WHERE product_id IN ({})",
                    super::orders::placeholders(chunk.len())
                ),
                &ps,
                |r| Ok((r.get::<i64>(0)?, picture_from_row(r)?)),
            )? {
                out.insert(id, p);
            }
        }
        Ok(out)
    }

    /// The pictures of the products with these merchant codes (those that have one), by code.
    pub fn pictures_of_skus(&self, skus: &[&str]) -> Result<HashMap<String, StoredPicture>> {
        let mut out = HashMap::new();
        for chunk in skus.chunks(super::orders::LOOKUP_CHUNK) {
            let ps: Vec<&dyn Param> = chunk.iter().map(|c| c as &dyn Param).collect();
            for (sku, p) in self.all(
                &format!(
                    "SELECT p.sku_code, i.thumb, i.width, i.height, i.source
                     FROM products p JOIN product_images i ON i.product_id = p.id
                     WHERE p.sku_code IN ({})",
                    super::orders::placeholders(chunk.len())
                ),
                &ps,
                |r| Ok((r.get::<String>(0)?, picture_from_row(r)?)),
            )? {
                out.insert(sku, p);
            }
        }
        Ok(out)
    }

    /// The remembered matches: Taobao item (`OrderLine::item_key`) → the merchant code of the
    /// product it was matched to.
    pub fn item_matches(&self) -> Result<HashMap<String, String>> {
        Ok(self
            .all(
                "SELECT m.item_key, p.sku_code FROM item_matches m JOIN products p ON p.id = m.product_id",
                params![],
                |r| Ok((r.get::<String>(0)?, r.get::<String>(1)?)),
            )?
            .into_iter()
            .collect())
    }

    /// The product a Taobao item was matched to, if it was.
    pub fn item_match(&self, item_key: &str) -> Result<Option<String>> {
        self.opt(
            "SELECT p.sku_code FROM item_matches m JOIN products p ON p.id = m.product_id
             WHERE m.item_key = ?1",
            params![item_key],
            |r| r.get(0),
        )
    }

    /// Remembers (or changes) the product a Taobao item is.
    pub fn set_item_match(&self, item_key: &str, product_id: i64, actor: &Actor) -> Result<()> {
        self.exec(
            "INSERT INTO item_matches (item_key, product_id, staff_id, at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (item_key) DO UPDATE SET product_id = excluded.product_id,
                staff_id = excluded.staff_id, at = excluded.at",
            params![item_key, product_id, actor.staff.id, super::now()],
        )?;
        Ok(())
    }

    /// The lines with this title and spec in orders still open and not printed (merged is not
    /// printed): the ones a match may change. Found through the open orders, which the status
    /// index keeps few, not through every line the shop ever sold.
    pub fn open_lines_of_item(&self, title: &str, spec: &str) -> Result<Vec<ItemLine>> {
        self.all(
            "SELECT l.id, o.order_no, l.sku_code FROM orders o
             JOIN order_lines l ON l.order_id = o.id
             LEFT JOIN parcels p ON p.id = o.parcel_id
             WHERE o.status IN ('paid', 'unpaid') AND (p.id IS NULL OR p.stage = 'merged')
               AND l.title = ?1 AND l.spec = ?2
             ORDER BY o.order_no, l.seq",
            params![title, spec],
            |r| {
                Ok(ItemLine {
                    line_id: r.get(0)?,
                    order_no: r.get(1)?,
                    sku_code: r.get(2)?,
                })
            },
        )
    }

    /// Points an order line at another product (a match by hand).
    pub fn set_line_sku(&self, line_id: i64, sku_code: &str) -> Result<()> {
        self.exec(
            "UPDATE order_lines SET sku_code = ?2 WHERE id = ?1",
            params![line_id, sku_code],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::like_anywhere;

    #[test]
    fn wildcards_in_a_search_are_taken_literally() {
        assert_eq!(like_anywhere("Ab"), "%ab%");
        assert_eq!(like_anywhere("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
