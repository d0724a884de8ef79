//! Products, bins, the stock ledger and on-hand stock.

use super::{Db, Row, params};
use crate::domain::{Actor, Barcode, CodeHolder, Fen, Product, ProductState};
use crate::error::{Error, Result};

/// A product with its stock.
#[derive(Debug, Clone)]
pub struct ProductRecord {
    pub id: i64,
    pub product: Product,
    /// On hand over all bins (may be negative: the ledger says more left than came in).
    pub on_hand: i64,
    pub stock: Vec<StockRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StockRow {
    pub bin: String,
    pub qty: i64,
}

pub(super) const PRODUCT_COLS: &str = "id, sku_code, barcode, name, spec, price_fen, bin, state";
pub(super) const PRODUCT_WIDTH: usize = 8;

pub(super) fn product_from_row(r: &Row<'_>) -> Result<(i64, Product)> {
    let barcode: Option<String> = r.get(2)?;
    let state: String = r.get(7)?;
    Ok((
        r.get(0)?,
        Product {
            sku_code: r.get(1)?,
            // Barcodes are validated before they are written; an unparsable one cannot be here.
            barcode: barcode.and_then(|b| Barcode::parse(&b).ok()),
            name: r.get(3)?,
            spec: r.get(4)?,
            price: Fen(r.get(5)?),
            bin: r.get(6)?,
            state: ProductState::from_code(&state).unwrap_or(ProductState::Active),
        },
    ))
}

impl Db<'_> {
    pub fn product_by_sku(&self, sku_code: &str) -> Result<Option<(i64, Product)>> {
        self.opt(
            &format!("SELECT {PRODUCT_COLS} FROM products WHERE sku_code = ?1"),
            params![sku_code],
            product_from_row,
        )
    }

    /// The products with these merchant codes (those that exist), by merchant code: one query
    /// for a parcel's or a batch's lines, not one per line.
    pub fn products_by_sku(
        &self,
        sku_codes: &[&str],
    ) -> Result<std::collections::HashMap<String, (i64, Product)>> {
        let mut out = std::collections::HashMap::new();
        for chunk in sku_codes.chunks(super::orders::LOOKUP_CHUNK) {
            let ps: Vec<&dyn super::Param> = chunk.iter().map(|c| c as &dyn super::Param).collect();
            for (id, p) in self.all(
                &format!(
                    "SELECT {PRODUCT_COLS} FROM products WHERE sku_code IN ({})",
                    super::orders::placeholders(chunk.len())
                ),
                &ps,
                product_from_row,
            )? {
                out.insert(p.sku_code.clone(), (id, p));
            }
        }
        Ok(out)
    }

    pub fn product_by_barcode(&self, barcode: &str) -> Result<Option<(i64, Product)>> {
        self.opt(
            &format!("SELECT {PRODUCT_COLS} FROM products WHERE barcode = ?1"),
            params![barcode],
            product_from_row,
        )
    }

    /// A product by merchant code or barcode, with its stock per bin.
    pub fn product_record(&self, sku_or_barcode: &str) -> Result<Option<ProductRecord>> {
        let found = match self.product_by_sku(sku_or_barcode)? {
            Some(p) => Some(p),
            None => self.product_by_barcode(sku_or_barcode)?,
        };
        let Some((id, product)) = found else {
            return Ok(None);
        };
        let stock: Vec<StockRow> = self.all(
            "SELECT bin, qty FROM stock WHERE product_id = ?1 ORDER BY bin",
            params![id],
            |r| {
                Ok(StockRow {
                    bin: r.get(0)?,
                    qty: r.get(1)?,
                })
            },
        )?;
        let on_hand = stock.iter().map(|s| s.qty).sum();
        Ok(Some(ProductRecord {
            id,
            product,
            on_hand,
            stock,
        }))
    }

    /// Creates the bin if the store does not know it yet.
    pub fn ensure_bin(&self, code: &str) -> Result<()> {
        self.exec(
            "INSERT INTO bins (code, created_at) VALUES (?1, ?2) ON CONFLICT (code) DO NOTHING",
            params![code, super::now()],
        )?;
        Ok(())
    }

    pub fn insert_product(&self, p: &Product) -> Result<i64> {
        if let Some(bin) = &p.bin {
            self.ensure_bin(bin)?;
        }
        let now = super::now();
        self.insert(
            "INSERT INTO products (sku_code, barcode, name, spec, price_fen, bin, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
             RETURNING id",
            params![
                p.sku_code,
                p.barcode.as_ref().map(Barcode::as_str),
                p.name,
                p.spec,
                p.price.0,
                p.bin,
                p.state.code(),
                now
            ],
        )
    }

    pub fn update_product(&self, id: i64, p: &Product) -> Result<()> {
        if let Some(bin) = &p.bin {
            self.ensure_bin(bin)?;
        }
        self.exec(
            "UPDATE products SET sku_code = ?2, barcode = ?3, name = ?4, spec = ?5, price_fen = ?6, bin = ?7,
                state = ?8, updated_at = ?9 WHERE id = ?1",
            params![
                id,
                p.sku_code,
                p.barcode.as_ref().map(Barcode::as_str),
                p.name,
                p.spec,
                p.price.0,
                p.bin,
                p.state.code(),
                super::now()
            ],
        )?;
        Ok(())
    }

    /// Writes a move to the ledger and keeps on-hand stock in step, in the caller's transaction.
    /// `bin` is `''` for stock not shelved yet.
    pub fn add_stock_move(
        &self,
        kind: crate::domain::stock::MoveKind,
        product_id: i64,
        bin: &str,
        qty: i64,
        actor: &Actor,
        reference: &str,
    ) -> Result<()> {
        self.add_stock_move_marked(kind, product_id, bin, qty, actor, reference, false)
    }

    /// `add_stock_move`, marked unchecked or not (moves are never changed after).
    #[allow(clippy::too_many_arguments)]
    fn add_stock_move_marked(
        &self,
        kind: crate::domain::stock::MoveKind,
        product_id: i64,
        bin: &str,
        qty: i64,
        actor: &Actor,
        reference: &str,
        unchecked: bool,
    ) -> Result<()> {
        if qty == 0 {
            return Err(Error::invalid(
                "库存变动数量不能为 0",
                "a stock move cannot be of quantity 0",
            ));
        }
        self.exec_later(
            "INSERT INTO stock_moves (at, kind, product_id, bin, qty, staff_id, terminal, ref, unchecked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                super::now(),
                kind,
                product_id,
                bin,
                qty,
                actor.staff.id,
                actor.terminal,
                reference,
                unchecked as i64
            ],
        )?;
        // `stock.qty`, not `qty`: PostgreSQL finds a bare name ambiguous beside `excluded`.
        self.exec_later(
            "INSERT INTO stock (product_id, bin, qty) VALUES (?1, ?2, ?3)
             ON CONFLICT (product_id, bin) DO UPDATE SET qty = stock.qty + excluded.qty",
            params![product_id, bin, qty],
        )?;
        Ok(())
    }

    /// Whether stock left for this order already (a shipment move by its reference).
    pub fn shipment_moved(&self, order_no: &str) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM stock_moves WHERE kind = 'shipment' AND ref = ?1 LIMIT 1",
                params![order_no],
                |r| r.get::<i64>(0),
            )?
            .is_some())
    }

    /// What left the shop for an order, per merchant code: its shipment moves, summed.
    pub fn shipped_units(&self, order_no: &str) -> Result<Vec<(String, i64)>> {
        self.all(
            "SELECT p.sku_code, -sum(m.qty) FROM stock_moves m JOIN products p ON p.id = m.product_id
             WHERE m.kind = 'shipment' AND m.ref = ?1 GROUP BY p.sku_code ORDER BY p.sku_code",
            params![order_no],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// A shipment move no bench checked (the order left on Taobao's word or a person's).
    pub fn add_unchecked_shipment(
        &self,
        product_id: i64,
        bin: &str,
        qty: i64,
        actor: &Actor,
        order_no: &str,
    ) -> Result<()> {
        self.add_stock_move_marked(
            crate::domain::stock::MoveKind::Shipment,
            product_id,
            bin,
            qty,
            actor,
            order_no,
            true,
        )
    }

    /// How many active products still need a barcode.
    pub fn count_products_needing_barcode(&self) -> Result<i64> {
        self.one(
            "SELECT count(*) FROM products WHERE barcode IS NULL AND state = 'active'",
            params![],
            |r| r.get(0),
        )
    }

    /// Active products without a barcode, by merchant code.
    pub fn products_needing_barcode(&self) -> Result<Vec<(i64, Product)>> {
        self.all(
            &format!(
                "SELECT {PRODUCT_COLS} FROM products WHERE barcode IS NULL AND state = 'active' ORDER BY sku_code"
            ),
            params![],
            product_from_row,
        )
    }

    /// Gives a product its barcode (checked by the caller, unique by the schema).
    pub fn set_product_barcode(&self, id: i64, barcode: &Barcode) -> Result<()> {
        self.exec(
            "UPDATE products SET barcode = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, barcode.as_str(), super::now()],
        )?;
        Ok(())
    }

    /// The highest barcode of `len` characters starting with `prefix` (in-store numbers are
    /// given in sequence after it).
    pub fn max_barcode_with_prefix(&self, prefix: &str, len: usize) -> Result<Option<String>> {
        // The prefix as a range of the barcode index: text compares by its bytes on both engines
        // (a PostgreSQL store's database has the C collation, see `store::pg`).
        self.one(
            "SELECT max(barcode) FROM products WHERE barcode >= ?1 AND barcode < ?1 || ':' AND length(barcode) = ?2",
            params![prefix, len as i64],
            |r| r.get(0),
        )
    }

    /// What holds `code` already among barcodes, merchant codes and tracking numbers, leaving
    /// out the product `except` (a product may carry its own merchant code as its barcode). The
    /// schema refuses the same (`codes_unique_*` triggers); this names the holder for the user.
    pub fn code_holder(&self, code: &str, except: Option<i64>) -> Result<Option<CodeHolder>> {
        let except = except.unwrap_or(-1);
        // A barcode first, said by `ORDER BY`: PostgreSQL does not promise the order of a UNION.
        let product: Option<(String, bool)> = self.opt(
            "SELECT sku_code, 1 FROM products WHERE barcode = ?1 AND id <> ?2
             UNION ALL SELECT sku_code, 0 FROM products WHERE sku_code = ?1 AND id <> ?2
             ORDER BY 2 DESC LIMIT 1",
            params![code, except],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        if let Some((sku, is_barcode)) = product {
            return Ok(Some(if is_barcode {
                CodeHolder::Barcode(sku)
            } else {
                CodeHolder::SkuCode(sku)
            }));
        }
        Ok(self.waybill_courier(code)?.map(CodeHolder::TrackingNo))
    }

    pub fn count_products(&self) -> Result<i64> {
        self.one("SELECT count(*) FROM products", params![], |r| r.get(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn product(sku: &str, barcode: Option<&str>) -> Product {
        Product {
            sku_code: sku.into(),
            barcode: barcode.map(|b| Barcode::parse(b).unwrap()),
            name: "甲".into(),
            spec: String::new(),
            price: Fen(100),
            bin: None,
            state: ProductState::Active,
        }
    }

    /// The schema's backstop: whatever path forgets the check, a code used twice is refused in
    /// words, and the holder is named by `code_holder`.
    #[test]
    fn the_store_refuses_a_code_used_twice_whatever_writes_it() {
        let mut store = Store::open_in_memory().unwrap();
        let admin = crate::flow::staff::actor(&store, "admin", "t").unwrap();
        let taken = |r: Result<i64>| {
            let e = r.unwrap_err();
            assert!(
                e.zh().contains("已被占用") && e.to_string().contains("taken"),
                "{e}"
            );
        };
        store
            .write(|db| {
                let a = db.insert_product(&product("AA-1", Some("6901234567892")))?;
                // Its own merchant code as its barcode is fine.
                db.insert_product(&product("BB-1", Some("BB-1")))?;
                taken(db.insert_product(&product("CC-1", Some("AA-1"))));
                taken(db.insert_product(&product("6901234567892", None)));
                let c = db.insert_product(&product("CC-1", None))?;
                taken(
                    db.set_product_barcode(c, &Barcode::parse("AA-1").unwrap())
                        .map(|()| 0),
                );
                assert!(db.add_waybill("7700000001", "ZTO", &admin)?);
                taken(db.add_waybill("6901234567892", "ZTO", &admin).map(|_| 0));
                taken(db.insert_product(&product("DD-1", Some("7700000001"))));
                assert_eq!(
                    db.code_holder("AA-1", None)?,
                    Some(CodeHolder::SkuCode("AA-1".into()))
                );
                assert_eq!(db.code_holder("AA-1", Some(a))?, None);
                assert_eq!(
                    db.code_holder("6901234567892", None)?,
                    Some(CodeHolder::Barcode("AA-1".into()))
                );
                assert_eq!(
                    db.code_holder("7700000001", None)?,
                    Some(CodeHolder::TrackingNo("ZTO".into()))
                );
                Ok(())
            })
            .unwrap();
    }
}
