//! Plain types and rules of the back room. No I/O here: no SQLite, no files, no GUI, so the rules
//! can be tested alone and shared by every face of the program.

/// An enum whose every value has a stable snake_case code (JSON, the store: never changes) and
/// words in Chinese and English. The code is read and written here only.
macro_rules! coded_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident {
            $($(#[$vm:meta])* $v:ident = $code:literal, $zh:literal, $en:literal;)*
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $v,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];

            /// The stable snake_case code.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$v => $code,)*
                }
            }

            /// The value of a code; `None` for one never written.
            pub fn from_code(code: &str) -> Option<$name> {
                match code {
                    $($code => Some($name::$v),)*
                    _ => None,
                }
            }

            pub fn zh(self) -> &'static str {
                match self {
                    $($name::$v => $zh,)*
                }
            }

            pub fn en(self) -> &'static str {
                match self {
                    $($name::$v => $en,)*
                }
            }
        }

        impl $crate::domain::Coded for $name {
            fn code(&self) -> &'static str {
                $name::code(*self)
            }
            fn zh(&self) -> &'static str {
                $name::zh(*self)
            }
            fn en(&self) -> &'static str {
                $name::en(*self)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.code())
            }
        }
    };
}

/// A state, kind or reason with a stable code and words in both languages (see `coded_enum!`).
pub trait Coded {
    fn code(&self) -> &'static str;
    fn zh(&self) -> &'static str;
    fn en(&self) -> &'static str;
}

pub mod barcode;
pub mod check;
pub mod exception;
pub mod ids;
pub mod money;
pub mod order;
pub mod outcome;
pub mod print;
pub mod product;
pub mod refund;
pub mod remark;
pub mod report;
pub mod review;
pub mod staff;
pub mod stock;
pub mod team;
pub mod time;

pub use barcode::{Barcode, BarcodeError, Symbology};
pub use check::ScanSource;
pub use ids::{BatchId, IdError, ReceiptId, SessionId};
pub use money::{Fen, MoneyError};
pub use order::{Order, OrderLine, OrderStatus, Receiver};
pub use outcome::{Kind, Outcome, Reason, Tone};
pub use product::{CodeHolder, Product, ProductState};
pub use remark::Remark;
pub use staff::{Actor, Denied, Permission, Role, Staff};
