//! Order remarks (备注). Append-only, as on Taobao. A remark that starts with a customer-service
//! staff code (`C07 …`) credits the sale to that agent; `[红旗]` marks it for special handling.

use chrono::{DateTime, Utc};
use regex::Regex;

/// The longest remark or hold note taken, in characters: Taobao's own seller memo is at most
/// 1,000 bytes (its API's limit), and a note at the bench is a sentence.
pub const MAX_REMARK: usize = 1000;

/// The default shape of a staff code at the start of a remark: one to three capital letters and
/// 2–4 digits (`C07`, and the staff codes packbench gives, `KF01`).
pub const DEFAULT_STAFF_CODE_PATTERN: &str = "^[A-Z]{1,3}[0-9]{2,4}$";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remark {
    pub text: String,
    pub staff_code: Option<String>,
    pub flag: bool,
    pub at: DateTime<Utc>,
}

/// The staff code that opens a remark, if its first word matches `pattern`.
pub fn leading_staff_code(text: &str, pattern: &Regex) -> Option<String> {
    let first = text
        .trim_start()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '，')
        .next()?;
    pattern.is_match(first).then(|| first.to_string())
}

/// Whether a remark carries the red flag marker sellers type or Taobao writes.
pub fn is_flagged(text: &str) -> bool {
    ["[红旗]", "【红旗】", "[小红旗]", "【小红旗】"]
        .iter()
        .any(|m| text.contains(m))
}

/// What of `incoming` has not been recorded yet, given the texts already recorded for the order.
/// Taobao keeps one remark field that the seller edits; a later export usually holds the old text
/// with more added. Only the new part is appended; `None` if nothing is new.
pub fn unseen_part<'a>(incoming: &'a str, recorded: &[String]) -> Option<&'a str> {
    let incoming = incoming.trim();
    if incoming.is_empty() || recorded.iter().any(|r| r == incoming) {
        return None;
    }
    let joined = recorded.join(" ");
    for known in std::iter::once(joined.as_str()).chain(recorded.iter().rev().map(String::as_str)) {
        if !known.is_empty() && incoming.starts_with(known) {
            let rest = incoming[known.len()..]
                .trim_start_matches(|c: char| c.is_whitespace() || ",，;；".contains(c));
            return if rest.is_empty() { None } else { Some(rest) };
        }
    }
    Some(incoming)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pat() -> Regex {
        Regex::new(DEFAULT_STAFF_CODE_PATTERN).unwrap()
    }

    #[test]
    fn staff_code_is_the_first_word() {
        assert_eq!(leading_staff_code("C07", &pat()).as_deref(), Some("C07"));
        assert_eq!(
            leading_staff_code("C11 买家要求改地址，暂不发货", &pat()).as_deref(),
            Some("C11")
        );
        assert_eq!(
            leading_staff_code("C1234，送小样", &pat()).as_deref(),
            Some("C1234")
        );
        assert_eq!(leading_staff_code("顺丰到付 C07", &pat()), None);
        assert_eq!(leading_staff_code("c07 小写", &pat()), None);
        assert_eq!(leading_staff_code("C12345", &pat()), None);
        assert_eq!(
            leading_staff_code("KF01 加急", &pat()).as_deref(),
            Some("KF01")
        );
        assert_eq!(leading_staff_code("EMS 到付", &pat()), None);
        assert_eq!(leading_staff_code("ABCD12 四个字母", &pat()), None);
    }

    #[test]
    fn flag_marker() {
        assert!(is_flagged("C03 顺丰到付 [红旗]"));
        assert!(!is_flagged("C03 顺丰到付"));
    }

    #[test]
    fn only_new_text_is_appended() {
        let rec = vec!["C07".to_string()];
        assert_eq!(unseen_part("C07", &rec), None);
        assert_eq!(unseen_part("C07 加急", &rec), Some("加急"));
        assert_eq!(unseen_part("另一条", &rec), Some("另一条"));
        assert_eq!(unseen_part("  ", &rec), None);
        let rec = vec!["C07".to_string(), "加急".to_string()];
        assert_eq!(unseen_part("C07 加急", &rec), None);
        assert_eq!(unseen_part("C07 加急 送小样", &rec), Some("送小样"));
        assert_eq!(unseen_part("新备注", &[]), Some("新备注"));
    }
}
