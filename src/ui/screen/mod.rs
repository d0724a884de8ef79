//! The screens of the bench, each with its own `State`, `Message`, `update` and `view`.

pub mod check;
pub mod orders;
pub mod pick;
pub mod sign_in;

/// Which screen is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Check,
    Pick,
    Orders,
}
