//! Everything the command line prints passes `line` (the `println!`, `print!` and `eprintln!` of
//! the `cli` module are ours, see `cli/mod.rs`): names, addresses, remarks and messages come from
//! imported files and scanners, and an ESC or BEL in a buyer's name must not reach the terminal,
//! where it could recolour, retitle or clear it.
//!
//! - C0 controls (ESC, BEL, CR, …) are dropped; a tab becomes a space; a newline stays (multi-line
//!   output is ours, and a cell that must stay on one line is made so where it is printed).
//! - DEL, the C1 controls (U+0080–U+009F) and the bidirectional overrides and isolates
//!   (U+202A–U+202E, U+2066–U+2069, which can make a row read backwards) are written as `\uXXXX`.
//!   In JSON output, which escapes C0 itself but leaves these raw, that is JSON's own escape, so
//!   the value is kept exactly; in text it shows that something odd is there.

use std::borrow::Cow;

/// By number: these are never drawn, so they are no literals of the source either.
fn escaped(c: char) -> bool {
    matches!(c as u32, 0x7f..=0x9f | 0x202a..=0x202e | 0x2066..=0x2069)
}

fn dropped(c: char) -> bool {
    c < ' ' && c != '\n'
}

/// `s` safe for a terminal (see the module's doc).
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| dropped(c) || escaped(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\t' {
            out.push(' ');
        } else if dropped(c) {
        } else if escaped(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn controls_never_pass() {
        assert_eq!(line("王小二"), "王小二");
        assert_eq!(line("王\u{1b}[2J小\u{7}二\r"), "王[2J小二");
        assert_eq!(line("a\tb\nc"), "a b\nc");
        assert_eq!(line("x\u{9b}31m"), "x\\u009b31m");
        assert_eq!(line("\u{202e}gnp.exe"), "\\u202egnp.exe");
        // In JSON the escape is JSON's own: the value reads back exactly.
        let v = serde_json::json!({"buyer": "王\u{1b}\u{9b}\u{7f}二"});
        let text = serde_json::to_string(&v).unwrap();
        let shown = line(&text);
        assert!(!shown.chars().any(|c| c.is_control()), "{shown}");
        let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, v);
    }
}
