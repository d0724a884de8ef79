//! Plain types and rules of the back room. No I/O here: no SQLite, no files, no GUI, so the rules
//! can be tested alone and shared by every face of the program.

pub mod barcode;
pub mod check;
pub mod ids;
pub mod money;
pub mod order;
pub mod outcome;
pub mod product;
pub mod remark;
pub mod review;
pub mod staff;
pub mod stock;
pub mod time;

pub use barcode::{Barcode, BarcodeError, Symbology};
pub use ids::{BatchId, IdError, ReceiptId, SessionId};
pub use money::{Fen, MoneyError};
pub use order::{Order, OrderLine, OrderStatus, Receiver};
pub use outcome::{Kind, Outcome, Reason, Tone};
pub use product::{Product, ProductState};
pub use remark::Remark;
pub use staff::{Actor, Denied, Permission, Role, Staff};
