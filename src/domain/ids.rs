//! The numbers people read, type and scan: a print batch (`B12`), an inbound receipt (`R12`), a
//! stocktake session (`S12`). Read and written here only, so the CLI, the screens, the flows and
//! the printed barcodes agree.
//!
//! People type `B12`, `b12`, `B0012` or, where the kind is plain from context, `12`. A printed
//! barcode carries at least five digits (`B00012`): a keyboard-wedge scanner's burst under four
//! characters is taken for typing, so a printed `B2` could never be scanned.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Digits in the barcode form (zero-padded): prefix + 5 digits is 6 characters, well over the
/// wedge minimum of 4.
pub const BARCODE_DIGITS: usize = 5;

/// Text that is not a number of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not {}: {text} (e.g. {} or {})", .kind.en(), .kind.example(), .kind.example_bare())]
pub struct IdError {
    pub kind: IdKind,
    pub text: String,
}

impl IdError {
    pub fn zh(&self) -> String {
        format!(
            "{}：{}（例如 {} 或 {}）",
            self.kind.zh(),
            self.text,
            self.kind.example(),
            self.kind.example_bare()
        )
    }
}

/// Which kind of number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    Batch,
    Receipt,
    Session,
}

impl IdKind {
    pub fn prefix(self) -> char {
        match self {
            IdKind::Batch => 'B',
            IdKind::Receipt => 'R',
            IdKind::Session => 'S',
        }
    }

    fn zh(self) -> &'static str {
        match self {
            IdKind::Batch => "批次编号不对",
            IdKind::Receipt => "入库单号写法不对",
            IdKind::Session => "盘点单号写法不对",
        }
    }

    fn en(self) -> &'static str {
        match self {
            IdKind::Batch => "a batch id",
            IdKind::Receipt => "a receipt number",
            IdKind::Session => "a stocktake number",
        }
    }

    fn example(self) -> String {
        format!("{}12", self.prefix())
    }

    fn example_bare(self) -> &'static str {
        "12"
    }

    /// The number in `text`: an optional prefix (either case), then digits only.
    fn parse(self, text: &str, prefix_required: bool) -> Option<i64> {
        let t = text.trim();
        let digits = match t.strip_prefix([self.prefix(), self.prefix().to_ascii_lowercase()]) {
            Some(d) => d,
            None if prefix_required => return None,
            None => t,
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse::<i64>().ok().filter(|n| *n > 0)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const KIND: IdKind = $kind;

            /// The number as the store keeps it.
            pub fn get(self) -> i64 {
                self.0
            }

            /// What a printed barcode carries: the prefix and at least five digits.
            pub fn barcode(self) -> String {
                format!("{}{:0width$}", Self::KIND.prefix(), self.0, width = BARCODE_DIGITS)
            }

            /// A scanned code that names this kind of number: the prefix (either case) and
            /// digits, as printed (`B00012`) or typed (`B12`). A bare number is not one: it may
            /// be anything else a scanner reads.
            pub fn from_scan(code: &str) -> Option<$name> {
                Self::KIND.parse(code, true).map($name)
            }
        }

        /// What people type where this kind of number is asked for: `B12`, `b12`, `B00012`
        /// or `12`.
        impl FromStr for $name {
            type Err = IdError;

            fn from_str(text: &str) -> Result<$name, IdError> {
                Self::KIND.parse(text, false).map($name).ok_or_else(|| IdError {
                    kind: Self::KIND,
                    text: text.to_string(),
                })
            }
        }

        /// The short form people read: `B12`.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                // `pad`, so a table's `{:<6}` lines it up.
                f.pad(&format!("{}{}", Self::KIND.prefix(), self.0))
            }
        }
    };
}

id_type!(
    /// A print batch (打印批次).
    BatchId,
    IdKind::Batch
);
id_type!(
    /// An inbound receipt (入库单).
    ReceiptId,
    IdKind::Receipt
);
id_type!(
    /// A stocktake session (盘点单).
    SessionId,
    IdKind::Session
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_people_type_reads_as_the_number() {
        for t in ["B2", "b2", "B0002", "B00002", "2", " B2 ", "0002"] {
            assert_eq!(t.parse::<BatchId>(), Ok(BatchId(2)), "{t:?}");
        }
        assert_eq!("R12".parse::<ReceiptId>(), Ok(ReceiptId(12)));
        assert_eq!("s3".parse::<SessionId>(), Ok(SessionId(3)));
        for bad in [
            "",
            "B",
            "B0",
            "0",
            "B-2",
            "+2",
            "R2",
            "BB2",
            "B2x",
            "B 2",
            "１２",
            "B99999999999999999999",
        ] {
            assert!(bad.parse::<BatchId>().is_err(), "{bad:?}");
        }
        // Another kind's prefix is not this kind.
        assert!("B3".parse::<SessionId>().is_err());
    }

    #[test]
    fn the_printed_barcode_is_long_enough_to_scan_and_reads_back() {
        for n in [1, 2, 12, 99_999, 123_456] {
            let id = BatchId(n);
            let code = id.barcode();
            assert!(code.chars().count() >= 4, "{code}");
            assert_eq!(BatchId::from_scan(&code), Some(id));
            assert_eq!(code.parse::<BatchId>(), Ok(id));
        }
        assert_eq!(BatchId(2).barcode(), "B00002");
        assert_eq!(SessionId(3).barcode(), "S00003");
        assert_eq!(BatchId(2).to_string(), "B2");
        assert_eq!(ReceiptId(12).to_string(), "R12");
        assert_eq!(format!("{:<5}|", SessionId(3)), "S3   |");
    }

    #[test]
    fn a_scan_names_an_id_only_with_its_prefix() {
        assert_eq!(BatchId::from_scan("b00007"), Some(BatchId(7)));
        assert_eq!(BatchId::from_scan("7"), None);
        assert_eq!(BatchId::from_scan("6901234567892"), None);
        assert_eq!(BatchId::from_scan("B-01-4"), None);
        assert_eq!(BatchId::from_scan("BX2017"), None);
    }

    #[test]
    fn a_bad_number_says_what_was_expected() {
        let e = "x".parse::<ReceiptId>().unwrap_err();
        assert_eq!(e.zh(), "入库单号写法不对：x（例如 R12 或 12）");
        assert_eq!(e.to_string(), "not a receipt number: x (e.g. R12 or 12)");
    }
}
