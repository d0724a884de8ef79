//! The screens of the bench, each with its own `State`, `Message`, `update` and `view`.

pub mod check;
pub mod inbound;
pub mod labels;
pub mod orders;
pub mod pick;
pub mod print;
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
    Print,
    Labels,
    Receipts,
    Inbound,
    Stocktake,
    Stock,
}

/// A stored time as the shop reads it: Beijing time, "MM-DD HH:MM".
pub fn shop_time(stored: &str) -> String {
    crate::domain::time::from_store(stored)
        .map(|t| {
            t.with_timezone(&crate::domain::time::shop_zone())
                .format("%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|| stored.to_string())
}

/// The outcome of a screen's last action, green or red, in a slot of fixed height: a message
/// coming or going never moves the buttons under the hand.
pub fn notice_slot<'a, M: 'a>(notice: Option<&'a (String, bool)>) -> iced::Element<'a, M> {
    use iced::widget::{container, text};
    let slot = match notice {
        Some((msg, failed)) => container(text(msg).size(18)).padding(8).style(if *failed {
            container::danger
        } else {
            container::success
        }),
        None => container(text("").size(18)).padding(8),
    };
    slot.width(iced::Fill).height(44).into()
}
