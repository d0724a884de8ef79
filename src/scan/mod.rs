//! Scanner input: keyboard-wedge bursts, serial (COM) scanners and the command-line replay, all
//! turned into one stream of clean `Scan`s for the bench flows. Every path cleans a code with
//! `finish_code`; serial and replay split lines with one bounded `lines::LineSplitter`.
//! Nothing here knows of the GUI or the store: key events and bytes come in, scans go out.

pub mod lines;
pub mod serial;
pub mod settings;
pub mod wedge;

use std::time::SystemTime;

/// Where a scan came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    /// A USB scanner typing like a keyboard.
    Wedge,
    /// A serial scanner on this port.
    Serial(String),
    /// Typed by hand into a screen's field and confirmed with Enter (a damaged label).
    Keyed,
    /// A line of a replay (`scan --input FILE`, or standard input).
    Replay,
}

impl Source {
    /// What the store keeps of it (the port is the station's setting, not the scan's).
    pub fn kind(&self) -> crate::domain::ScanSource {
        match self {
            Source::Wedge => crate::domain::ScanSource::Wedge,
            Source::Serial(_) => crate::domain::ScanSource::Serial,
            Source::Keyed => crate::domain::ScanSource::Keyed,
            Source::Replay => crate::domain::ScanSource::Replay,
        }
    }
}

/// The symbology a scanner reported with an AIM identifier (`]C1`, `]E0` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbology {
    Code128,
    /// Code 128 with FNC1 first: a GS1 element string.
    Gs1_128,
    /// EAN-13 and UPC-A (`]E0`), with an add-on (`]E3`).
    Ean13,
    Ean8,
    Code39,
    Itf,
    Qr,
    DataMatrix,
    /// Another AIM identifier, as sent.
    Other(char, char),
}

impl Symbology {
    /// The symbology of an AIM identifier's code and modifier characters.
    pub fn from_aim(code: char, modifier: char) -> Symbology {
        match (code, modifier) {
            ('C', '1') => Symbology::Gs1_128,
            ('C', _) => Symbology::Code128,
            ('E', '4') => Symbology::Ean8,
            ('E', _) => Symbology::Ean13,
            ('A', _) => Symbology::Code39,
            ('I', _) => Symbology::Itf,
            ('Q', _) => Symbology::Qr,
            ('d', _) => Symbology::DataMatrix,
            (c, m) => Symbology::Other(c, m),
        }
    }
}

/// One scan, cleaned, ready for a bench flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub code: String,
    pub symbology: Option<Symbology>,
    pub source: Source,
    pub at: SystemTime,
}

/// Why scanner input was not taken as a scan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("over {max} characters ({len}): not a barcode")]
    TooLong { len: usize, max: usize },
    #[error("not text (invalid UTF-8)")]
    NotText,
    #[error("noise: control bytes inside the code")]
    Noise,
    #[error("nothing left after the prefix and the symbology identifier")]
    Empty,
    #[error("an unfinished code, dropped after a silence")]
    Unfinished,
}

impl Rejected {
    pub fn zh(&self) -> String {
        match self {
            Rejected::TooLong { len, max } => format!("超过 {max} 个字符（{len}），不是条码"),
            Rejected::NotText => "不是文本（无效的 UTF-8）".into(),
            Rejected::Noise => "干扰：码中有控制字节".into(),
            Rejected::Empty => "去掉前缀和码制标识后什么都没有".into(),
            Rejected::Unfinished => "没有结束符的半截码，静默后丢弃".into(),
        }
    }
}

/// The longest code taken: no barcode the shop prints or receives is longer.
pub const MAX_CODE: usize = 128;

/// ASCII group separator: the boundary of GS1 element strings, kept in codes.
pub const GS: char = '\u{1d}';

/// Folds the full-width forms a Chinese IME types (`０-９`, `Ａ-Ｚ`, `ａ-ｚ`, punctuation and
/// the ideographic space) to ASCII.
pub fn fold_full_width(c: char) -> char {
    match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Turns the characters of one scanner message into a code: full width folded, control
/// characters and a byte-order mark dropped (the GS1 separator kept), the configured prefix and
/// (when `aim`) an AIM identifier stripped, spaces trimmed. Every path uses it: the wedge, serial
/// scanners and the replay.
pub fn finish_code(
    raw: &str,
    prefix: &str,
    aim: bool,
) -> Result<(String, Option<Symbology>), Rejected> {
    let folded: String = raw
        .chars()
        .map(fold_full_width)
        // A byte-order mark (a replay file saved by Notepad) is no more part of a code.
        .filter(|c| (!c.is_control() || *c == GS) && *c != '\u{feff}')
        .collect();
    let mut text = folded.trim();
    if !prefix.is_empty() {
        text = text.strip_prefix(prefix).unwrap_or(text);
    }
    let mut symbology = None;
    if aim {
        let mut chars = text.chars();
        if let (Some(']'), Some(code), Some(modifier)) = (chars.next(), chars.next(), chars.next())
            && code.is_ascii_alphabetic()
            && modifier.is_ascii_alphanumeric()
        {
            symbology = Some(Symbology::from_aim(code, modifier));
            text = chars.as_str();
        }
    }
    let code = text.trim_matches(|c: char| c.is_whitespace() && c != GS);
    let len = code.chars().count();
    if len == 0 {
        return Err(Rejected::Empty);
    }
    if len > MAX_CODE {
        return Err(Rejected::TooLong { len, max: MAX_CODE });
    }
    Ok((code.to_string(), symbology))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_folds_to_ascii() {
        let s: String = "６９０１２３４ＡＢｃ－＃　"
            .chars()
            .map(fold_full_width)
            .collect();
        assert_eq!(s, "6901234ABc-# ");
    }

    #[test]
    fn aim_identifiers_are_recognised_and_stripped() {
        assert_eq!(
            finish_code("]C1TX2017", "", true),
            Ok(("TX2017".into(), Some(Symbology::Gs1_128)))
        );
        assert_eq!(
            finish_code("]E06901234567892", "", true),
            Ok(("6901234567892".into(), Some(Symbology::Ean13)))
        );
        assert_eq!(
            finish_code("]E496385074", "", true),
            Ok(("96385074".into(), Some(Symbology::Ean8)))
        );
        assert_eq!(
            finish_code("]Q1https://x", "", true).unwrap().1,
            Some(Symbology::Qr)
        );
        assert_eq!(
            finish_code("]A0ABC", "", true).unwrap().1,
            Some(Symbology::Code39)
        );
        // AIM off: the text stays as sent.
        assert_eq!(
            finish_code("]C1TX2017", "", false),
            Ok(("]C1TX2017".into(), None))
        );
        // Prefix first, then AIM, as scanners send them.
        assert_eq!(
            finish_code("@@]C0ABC123", "@@", true),
            Ok(("ABC123".into(), Some(Symbology::Code128)))
        );
    }

    #[test]
    fn controls_dropped_gs_kept_limits_enforced() {
        let gs1 = format!("]C101069012345678921{GS}10ABC");
        assert_eq!(
            finish_code(&gs1, "", true).unwrap().0,
            format!("01069012345678921{GS}10ABC")
        );
        assert_eq!(
            finish_code("\u{7}ABC\u{1b}D\r", "", false).unwrap().0,
            "ABCD"
        );
        assert_eq!(
            finish_code(&"9".repeat(129), "", false),
            Err(Rejected::TooLong { len: 129, max: 128 })
        );
        assert_eq!(finish_code("]C1", "", true), Err(Rejected::Empty));
        assert_eq!(
            finish_code("\u{feff}7700000001", "", true).unwrap().0,
            "7700000001"
        );
        assert_eq!(finish_code("  \r", "", false), Err(Rejected::Empty));
    }
}
