//! The screens of the bench, each with its own `State`, `Message`, `update` and `view`.

pub mod check;
pub mod inbound;
pub mod orders;
pub mod pick;
pub mod receipts;
pub mod sign_in;
pub mod stock;
pub mod stocktake;

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Check,
    Pick,
    Orders,
    Receipts,
    Inbound,
    Stocktake,
    Stock,
}
