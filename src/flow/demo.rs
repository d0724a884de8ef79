//! Filling a store with the demo shop, through the same paths a real import takes.

use super::import::{apply_order, staff_code_pattern};
use crate::demo::{DEMO_PIN, DEMO_STAFF, catalogue, extra_products, orders};
use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::import::ImportSummary;
use crate::store::Store;
use serde_json::json;

#[derive(Debug, Clone, Copy)]
pub struct DemoOptions {
    pub orders: u64,
    pub seed: u64,
    /// Products in all: the clothing catalogue, then generated ones up to this many (0: the
    /// catalogue only).
    pub products: u64,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            orders: 200,
            seed: 1,
            products: 0,
        }
    }
}

/// A new demo store at `path`: the admin's PIN is the demo PIN (`1234`), like every demo staff
/// member's. Returns the store and its admin.
pub fn create_store(path: &std::path::Path, terminal: &str) -> Result<(Store, Actor)> {
    let (store, _) = super::staff::init_store(path, DEMO_PIN, terminal)?;
    let admin = super::staff::actor(&store, "admin", terminal)?;
    Ok((store, admin))
}

/// What `fill` added.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoSummary {
    pub staff_added: u64,
    pub products_new: u64,
    pub orders: ImportSummary,
}

/// Adds the demo shop (staff with PIN 1234, the catalogue with opening stock, `opts.orders`
/// orders) to the store. Running it again with the same seed adds nothing.
pub fn fill(store: &mut Store, actor: &Actor, opts: DemoOptions) -> Result<DemoSummary> {
    actor.require(Permission::ManageStaff)?;
    let mut summary = DemoSummary::default();
    for (code, name, role) in DEMO_STAFF {
        if store.read().staff_by_code(code)?.is_none() {
            super::staff::add_staff(store, actor, code, name, role, DEMO_PIN)?;
            summary.staff_added += 1;
        }
    }
    let cat = catalogue(opts.seed);
    let pattern = staff_code_pattern(&store.read())?;
    let extra = opts.products.saturating_sub(cat.len() as u64);
    store.write(|db| {
        let more = extra_products(opts.seed, extra);
        let pictured = cat.len();
        for (i, p) in cat.iter().cloned().chain(more).enumerate() {
            if db.product_by_sku(&p.product.sku_code)?.is_none() {
                let id = db.insert_product(&p.product)?;
                // The catalogue's products have pictures (the generated ones of a big store not).
                if i < pictured {
                    let side = crate::demo::PICTURE_SIDE;
                    let picture = crate::import::picture::from_rgb(
                        side,
                        side,
                        crate::demo::picture_of(&p.product),
                        &format!("{}.png", p.product.sku_code),
                    )?;
                    db.set_product_picture(id, &picture, actor)?;
                }
                if p.qty != 0 {
                    db.add_stock_move(
                        crate::domain::stock::MoveKind::Opening,
                        id,
                        p.product.bin.as_deref().unwrap_or(""),
                        p.qty,
                        actor,
                        "demo",
                    )?;
                }
                summary.products_new += 1;
            }
        }
        // A shop's waybills carry its sender block: the demo's print without a question.
        for (key, value) in [
            (super::print::SENDER_NAME_SETTING, "演示小店"),
            (super::print::SENDER_PHONE_SETTING, "0571-88886666"),
            (
                super::print::SENDER_ADDRESS_SETTING,
                "浙江省杭州市余杭区文一西路 1 号",
            ),
        ] {
            if db.setting(key)?.is_none() {
                db.set_setting(key, value)?;
            }
        }
        for o in orders(opts.seed, opts.orders, &cat) {
            apply_order(db, actor, o.order, &o.remark, &pattern, &mut summary.orders)?;
        }
        summary.orders.committed = true;
        db.log_event(
            actor,
            "demo_loaded",
            "",
            &json!({"seed": opts.seed, "orders": opts.orders, "products": opts.products,
                    "orders_new": summary.orders.orders_new,
                    "products_new": summary.products_new, "staff_added": summary.staff_added}),
        )
    })?;
    Ok(summary)
}
