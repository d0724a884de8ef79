//! Barcodes the shop prints and scans. GS1 numbers (EAN-13, EAN-8, UPC-A) carry a check digit
//! that is verified here, so a mistyped code never reaches a product. Anything else is an in-house
//! Code 128 text: printable ASCII, short enough to fit a label.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The longest in-house Code 128 text accepted: longer ones do not fit a 60 mm label.
pub const CODE128_MAX_LEN: usize = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbology {
    Ean13,
    Ean8,
    UpcA,
    Code128,
}

impl Symbology {
    pub fn code(self) -> &'static str {
        match self {
            Symbology::Ean13 => "ean13",
            Symbology::Ean8 => "ean8",
            Symbology::UpcA => "upca",
            Symbology::Code128 => "code128",
        }
    }
}

/// A validated barcode text and the symbology it is printed in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Barcode {
    text: String,
    symbology: Symbology,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BarcodeError {
    #[error("empty barcode")]
    Empty,
    #[error("{symbology} check digit wrong in {text}: expected {expected}, found {found}")]
    CheckDigit {
        text: String,
        symbology: &'static str,
        expected: u8,
        found: u8,
    },
    #[error("barcode has characters a Code 128 label cannot carry: {0:?}")]
    NotPrintable(String),
    #[error("barcode longer than {CODE128_MAX_LEN} characters: {0:?}")]
    TooLong(String),
}

impl BarcodeError {
    pub fn zh(&self) -> String {
        match self {
            BarcodeError::Empty => "条码为空".into(),
            BarcodeError::CheckDigit {
                text,
                symbology,
                expected,
                found,
            } => {
                format!("{symbology} 条码 {text} 校验位错误：应为 {expected}，实为 {found}")
            }
            BarcodeError::NotPrintable(s) => format!("条码含有 Code 128 无法打印的字符：{s:?}"),
            BarcodeError::TooLong(s) => format!("条码超过 {CODE128_MAX_LEN} 个字符：{s:?}"),
        }
    }

    /// A stable name for reports and tests.
    pub fn code(&self) -> &'static str {
        match self {
            BarcodeError::Empty => "empty_barcode",
            BarcodeError::CheckDigit { .. } => "bad_check_digit",
            BarcodeError::NotPrintable(_) => "barcode_not_printable",
            BarcodeError::TooLong(_) => "barcode_too_long",
        }
    }
}

/// The GS1 check digit of `digits` (all ASCII digits, without the check digit): weights 3 and 1
/// alternate from the right.
pub fn gs1_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(d - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

impl Barcode {
    /// Validates a barcode as typed, scanned or imported (surrounding spaces ignored).
    pub fn parse(text: &str) -> Result<Barcode, BarcodeError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(BarcodeError::Empty);
        }
        let gs1 = match text.len() {
            13 => Some(Symbology::Ean13),
            8 => Some(Symbology::Ean8),
            12 => Some(Symbology::UpcA),
            _ => None,
        };
        if let Some(symbology) = gs1.filter(|_| text.bytes().all(|b| b.is_ascii_digit())) {
            let b = text.as_bytes();
            let expected = gs1_check_digit(&b[..b.len() - 1]);
            let found = b[b.len() - 1] - b'0';
            if expected != found {
                return Err(BarcodeError::CheckDigit {
                    text: text.to_string(),
                    symbology: match symbology {
                        Symbology::Ean13 => "EAN-13",
                        Symbology::Ean8 => "EAN-8",
                        _ => "UPC-A",
                    },
                    expected,
                    found,
                });
            }
            return Ok(Barcode {
                text: text.to_string(),
                symbology,
            });
        }
        if !text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(BarcodeError::NotPrintable(text.to_string()));
        }
        if text.len() > CODE128_MAX_LEN {
            return Err(BarcodeError::TooLong(text.to_string()));
        }
        Ok(Barcode {
            text: text.to_string(),
            symbology: Symbology::Code128,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn symbology(&self) -> Symbology {
        self.symbology
    }

    pub fn into_string(self) -> String {
        self.text
    }
}

impl fmt::Display for Barcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gs1_codes_with_right_check_digits() {
        assert_eq!(
            Barcode::parse("6901234567892").unwrap().symbology(),
            Symbology::Ean13
        );
        assert_eq!(
            Barcode::parse("96385074").unwrap().symbology(),
            Symbology::Ean8
        );
        assert_eq!(
            Barcode::parse("036000291452").unwrap().symbology(),
            Symbology::UpcA
        );
        assert_eq!(
            Barcode::parse(" 6909017490375 ").unwrap().as_str(),
            "6909017490375"
        );
    }

    #[test]
    fn wrong_check_digit_is_refused() {
        let e = Barcode::parse("6901234567891").unwrap_err();
        assert_eq!(e.code(), "bad_check_digit");
        assert!(matches!(
            e,
            BarcodeError::CheckDigit {
                expected: 2,
                found: 1,
                ..
            }
        ));
        assert!(Barcode::parse("96385075").is_err());
        assert!(Barcode::parse("036000291453").is_err());
    }

    #[test]
    fn other_text_is_code128() {
        assert_eq!(
            Barcode::parse("TX2017BKL").unwrap().symbology(),
            Symbology::Code128
        );
        assert_eq!(
            Barcode::parse("1234567").unwrap().symbology(),
            Symbology::Code128
        );
        assert_eq!(
            Barcode::parse("A-01 x").unwrap().symbology(),
            Symbology::Code128
        );
        assert_eq!(
            Barcode::parse("条码").unwrap_err().code(),
            "barcode_not_printable"
        );
        assert_eq!(
            Barcode::parse("A\tB").unwrap_err().code(),
            "barcode_not_printable"
        );
        assert_eq!(
            Barcode::parse(&"X".repeat(49)).unwrap_err().code(),
            "barcode_too_long"
        );
        assert!(Barcode::parse(&"X".repeat(48)).is_ok());
        assert_eq!(Barcode::parse("  ").unwrap_err(), BarcodeError::Empty);
    }

    #[test]
    fn check_digit_of_known_codes() {
        assert_eq!(gs1_check_digit(b"690123456789"), 2);
        assert_eq!(gs1_check_digit(b"9638507"), 4);
    }
}
