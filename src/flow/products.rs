//! Looking products up.

use crate::domain::{Actor, Permission};
use crate::error::{Error, Result};
use crate::store::{ProductRecord, Store};

/// A product by merchant code or barcode.
pub fn show_product(store: &Store, actor: &Actor, sku_or_barcode: &str) -> Result<ProductRecord> {
    actor.require(Permission::ViewOrders)?;
    let key = sku_or_barcode.trim();
    store
        .read()
        .product_record(key)?
        .ok_or_else(|| Error::not_found("product", "商品", key))
}
