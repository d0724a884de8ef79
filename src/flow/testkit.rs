//! A small shop in memory for the flows' own tests: the demo staff and catalogue, some orders, a
//! courier's pool and one printed batch.

use super::batch::BatchResult;
use super::demo::DemoOptions;
use crate::domain::Actor;
use crate::store::Store;

pub(crate) struct Shop {
    pub store: Store,
    pub admin: Actor,
    pub batch: BatchResult,
}

/// The demo shop with 40 orders and a batch of (at most) 6 printed parcels, in memory.
pub(crate) fn shop() -> Shop {
    shop_in(crate::store::testing::store())
}

/// The same shop in `store` (a file, for tests with a second connection).
pub(crate) fn shop_in(mut store: Store) -> Shop {
    let admin = super::staff::actor(&store, "admin", "test").unwrap();
    let opts = DemoOptions {
        orders: 40,
        seed: 1,
        products: 0,
    };
    super::demo::fill(&mut store, &admin, opts).unwrap();
    let numbers = super::waybills::expand_range("7700000001-7700000099").unwrap();
    super::waybills::add(&mut store, &admin, "ZTO", &numbers).unwrap();
    super::merge::merge_auto(&mut store, &admin).unwrap();
    let batch = super::batch::create(&mut store, &admin, Some("ZTO"), Some(6)).unwrap();
    Shop {
        store,
        admin,
        batch,
    }
}

impl Shop {
    /// A demo staff member at `terminal`.
    pub fn actor(&self, code: &str, terminal: &str) -> Actor {
        super::staff::actor(&self.store, code, terminal).unwrap()
    }
}
