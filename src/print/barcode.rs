//! Barcodes as they go on paper: the modules from barcoders, the quiet zones it leaves out, and
//! module widths in whole printer dots. At 203 dpi a module of 1.5 dots is printed as 1 or 2 dots
//! at random and does not decode; 2 and 3 dots do. So every width here is counted in dots, and
//! layouts place bars on the printer's dot grid.

use crate::domain::{Barcode, Symbology};
use crate::error::{Error, Result};

/// A printer's resolution. Label and waybill printers are 203 dpi (8 dots a millimetre) or
/// 300 dpi (11.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Dpi(pub u32);

impl Dpi {
    pub const D203: Dpi = Dpi(203);
    pub const D300: Dpi = Dpi(300);

    pub fn parse(text: &str) -> Result<Dpi> {
        match text.trim() {
            "203" | "200" => Ok(Dpi::D203),
            "300" => Ok(Dpi::D300),
            other => Err(Error::invalid(
                format!("打印机分辨率只能是 203 或 300：{other}"),
                format!("printer resolution must be 203 or 300 dpi: {other}"),
            )),
        }
    }

    /// One dot in millimetres.
    pub fn dot_mm(self) -> f32 {
        25.4 / self.0 as f32
    }

    /// One dot in PDF points.
    pub fn dot_pt(self) -> f32 {
        72.0 / self.0 as f32
    }

    /// Millimetres to whole dots, rounded.
    pub fn dots(self, mm: f32) -> u32 {
        (mm / self.dot_mm()).round().max(0.0) as u32
    }

    /// The narrowest module allowed: the fewest whole dots of at least 0.25 mm (2 dots at 203 dpi,
    /// 3 at 300). Below it scanners miss; never shrink past it.
    pub fn min_module_dots(self) -> u32 {
        ((0.25 / self.dot_mm()) - 0.05).ceil().max(1.0) as u32
    }

    /// The widest module worth printing at `max_mm`.
    pub fn max_module_dots(self, max_mm: f32) -> u32 {
        ((max_mm / self.dot_mm()) + 0.05)
            .floor()
            .max(self.min_module_dots() as f32) as u32
    }
}

/// Quiet zone on each side, in modules: barcoders leaves it out. Code 128 needs 10; EAN-13 11
/// on the left (GS1), and never less than 10 here.
const QUIET: u32 = 10;
const QUIET_EAN13_LEFT: u32 = 11;

/// A barcode ready to draw: dark (1) and light (0) modules without quiet zones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub symbology: Symbology,
    /// What the scanner reads back.
    pub text: String,
    pub modules: Vec<u8>,
    pub quiet_left: u32,
    pub quiet_right: u32,
}

impl Symbol {
    /// Modules including both quiet zones.
    pub fn total_modules(&self) -> u32 {
        self.modules.len() as u32 + self.quiet_left + self.quiet_right
    }

    /// The width with quiet zones, in dots, at `module_dots` a module.
    pub fn width_dots(&self, module_dots: u32) -> u32 {
        self.total_modules() * module_dots
    }

    /// The widest module (in dots, between the printer's minimum and `max_dots`) at which the
    /// symbol with its quiet zones fits `avail_mm`; `None` when even the minimum does not fit.
    pub fn fit(&self, dpi: Dpi, avail_mm: f32, max_dots: u32) -> Option<u32> {
        let avail = (avail_mm / dpi.dot_mm()).floor() as u32;
        (dpi.min_module_dots()..=max_dots.max(dpi.min_module_dots()))
            .rev()
            .find(|m| self.width_dots(*m) <= avail)
    }

    /// The dark runs as `(first module, length)`, quiet zone not counted.
    pub fn bars(&self) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.modules.len() {
            if self.modules[i] == 1 {
                let start = i;
                while i < self.modules.len() && self.modules[i] == 1 {
                    i += 1;
                }
                out.push((start as u32, (i - start) as u32));
            } else {
                i += 1;
            }
        }
        out
    }

    /// Whether the human-readable digits go under the bars the EAN/UPC way (guard bars longer,
    /// digits in groups), rather than as one centred line.
    pub fn is_ean(&self) -> bool {
        matches!(self.symbology, Symbology::Ean13 | Symbology::UpcA)
    }
}

/// The text with barcoders' code-set characters (`Ɓ` set B, `Ć` set C): set C for runs of digits
/// where it saves space — four or more at the start or end, six or more inside, all of an
/// all-digit text of even length — set B for everything else. A run of odd length gives its
/// first digit to set B. (The rules of ISO/IEC 15417 Annex E, without set A: we print no
/// control characters.)
pub fn code128_sets(text: &str) -> Result<String> {
    let b = text.as_bytes();
    if b.is_empty() || !b.iter().all(|c| (0x20..0x7f).contains(c)) {
        return Err(Error::invalid(
            format!("Code 128 只能打印可见 ASCII 字符：{text:?}"),
            format!("Code 128 prints only printable ASCII: {text:?}"),
        ));
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut set = ' ';
    let mut i = 0;
    while i < b.len() {
        let mut j = i;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        let n = j - i;
        let whole = i == 0 && j == b.len();
        let worth_c = if whole {
            n >= 2
        } else if i == 0 || j == b.len() {
            n >= 4
        } else {
            n >= 6
        };
        if n > 0 && worth_c {
            let mut k = i;
            if n % 2 == 1 {
                if set != 'B' {
                    out.push('Ɓ');
                    set = 'B';
                }
                out.push(b[k] as char);
                k += 1;
            }
            if set != 'C' {
                out.push('Ć');
                set = 'C';
            }
            out.push_str(&text[k..j]);
            i = j;
        } else {
            // Up to the next run of digits that is worth set C (or the end), in set B.
            if set != 'B' {
                out.push('Ɓ');
                set = 'B';
            }
            let end = if n > 0 { j } else { i + 1 };
            out.push_str(&text[i..end]);
            i = end;
        }
    }
    Ok(out)
}

/// A Code 128 symbol of `text`, with the code sets chosen for the shortest symbol.
pub fn code128(text: &str) -> Result<Symbol> {
    let data = code128_sets(text)?;
    let modules = barcoders::sym::code128::Code128::new(&data)
        .map_err(|e| {
            Error::invalid(
                format!("无法生成 Code 128 条码 {text:?}：{e}"),
                format!("cannot make a Code 128 barcode of {text:?}: {e}"),
            )
        })?
        .encode();
    Ok(Symbol {
        symbology: Symbology::Code128,
        text: text.to_string(),
        modules,
        quiet_left: QUIET,
        quiet_right: QUIET,
    })
}

/// The symbol of a product barcode in its own symbology. UPC-A is drawn as the EAN-13 it is
/// (a leading 0): the bars are the same.
pub fn symbol(barcode: &Barcode) -> Result<Symbol> {
    let text = barcode.as_str();
    let bad = |e: barcoders::error::Error| {
        Error::invalid(
            format!("无法生成条码 {text}：{e}"),
            format!("cannot make a barcode of {text}: {e}"),
        )
    };
    match barcode.symbology() {
        Symbology::Code128 => code128(text),
        Symbology::Ean13 => Ok(Symbol {
            symbology: Symbology::Ean13,
            text: text.to_string(),
            modules: barcoders::sym::ean13::EAN13::new(text)
                .map_err(bad)?
                .encode(),
            quiet_left: QUIET_EAN13_LEFT,
            quiet_right: QUIET,
        }),
        Symbology::UpcA => Ok(Symbol {
            symbology: Symbology::UpcA,
            text: text.to_string(),
            modules: barcoders::sym::ean13::EAN13::new(format!("0{text}"))
                .map_err(bad)?
                .encode(),
            quiet_left: QUIET_EAN13_LEFT,
            quiet_right: QUIET,
        }),
        Symbology::Ean8 => Ok(Symbol {
            symbology: Symbology::Ean8,
            text: text.to_string(),
            modules: barcoders::sym::ean8::EAN8::new(text)
                .map_err(bad)?
                .encode(),
            quiet_left: QUIET,
            quiet_right: QUIET,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_go_to_set_c() {
        assert_eq!(code128_sets("7700000001").unwrap(), "Ć7700000001");
        assert_eq!(code128_sets("770000001").unwrap(), "Ɓ7Ć70000001");
        assert_eq!(code128_sets("B12").unwrap(), "ƁB12");
        assert_eq!(code128_sets("B1234").unwrap(), "ƁBĆ1234");
        assert_eq!(code128_sets("YT12345678901").unwrap(), "ƁYT1Ć2345678901");
        assert_eq!(code128_sets("TX2017-GY-S").unwrap(), "ƁTX2017-GY-S");
        assert_eq!(code128_sets("AB123456CD").unwrap(), "ƁABĆ123456ƁCD");
        assert_eq!(code128_sets("A12345B").unwrap(), "ƁA12345B");
        assert_eq!(code128_sets("1").unwrap(), "Ɓ1");
        assert_eq!(code128_sets("12").unwrap(), "Ć12");
        assert!(code128_sets("条码").is_err());
        assert!(code128_sets("").is_err());
    }

    #[test]
    fn every_plan_encodes() {
        for t in [
            "7700000001",
            "770000001",
            "B1",
            "B12345",
            "YT1234567890123",
            "EDB_PH001",
            "A-01 x",
            "1234567",
            "9",
            "TX2017BKL",
        ] {
            let s = code128(t).unwrap();
            assert!(!s.modules.is_empty(), "{t}");
        }
    }

    #[test]
    fn set_c_halves_a_tracking_number() {
        // Start, 5 pairs, check, stop: 11 × 7 + 13.
        assert_eq!(code128("7700000001").unwrap().modules.len(), 90);
    }

    #[test]
    fn module_widths_are_whole_dots() {
        assert_eq!(Dpi::D203.min_module_dots(), 2);
        assert_eq!(Dpi::D300.min_module_dots(), 3);
        assert_eq!(Dpi::D203.max_module_dots(0.375), 3);
        assert_eq!(Dpi::D203.max_module_dots(0.5), 4);
    }

    #[test]
    fn an_ean13_fits_40mm_only_at_two_dots() {
        let s = symbol(&Barcode::parse("6909017490375").unwrap()).unwrap();
        assert_eq!(s.modules.len(), 95);
        assert_eq!(s.fit(Dpi::D203, 38.0, 3), Some(2));
        assert_eq!(s.fit(Dpi::D203, 46.0, 3), Some(3));
        // A 12-character merchant code in set B does not fit 40 mm even at 2 dots.
        let c = code128("TX2018-BK-XL").unwrap();
        assert_eq!(c.fit(Dpi::D203, 40.0, 3), None);
    }

    #[test]
    fn bars_are_runs_of_dark_modules() {
        let s = Symbol {
            symbology: Symbology::Code128,
            text: String::new(),
            modules: vec![1, 1, 0, 1, 0, 0, 1, 1, 1],
            quiet_left: 10,
            quiet_right: 10,
        };
        assert_eq!(s.bars(), vec![(0, 2), (3, 1), (6, 3)]);
    }
}
