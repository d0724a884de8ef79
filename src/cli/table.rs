//! Cells of the text tables, padded by display width: a Chinese character takes two terminal
//! columns, so `{:<12}` (which counts characters) would push every later column of a row with a
//! Chinese name out of line.

use unicode_width::UnicodeWidthStr;

/// The terminal columns `s` takes.
pub fn width(s: &str) -> usize {
    s.width()
}

/// `s` left-aligned in `columns` terminal columns (never cut), as it will show: on one line, with
/// no control character (`shown::line`), so the width is the width on screen.
pub fn pad(s: &str, columns: usize) -> String {
    let s = super::shown::line(s).replace('\n', " ");
    let w = width(&s);
    format!("{s}{}", " ".repeat(columns.saturating_sub(w)))
}

/// A header and rows, each column as wide as its widest cell.
pub fn print(header: &[&str], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| pad(c, *w))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    println!("{}", line(header.to_vec()));
    for r in rows {
        println!("{}", line(r.iter().map(String::as_str).collect()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_takes_two_columns() {
        assert_eq!(pad("ab", 6), "ab    ");
        assert_eq!(pad("陈验货", 8), "陈验货  ");
        assert_eq!(width(&pad("王小二 W", 12)), 12);
        // Full-width forms too (a name typed with a Chinese IME).
        assert_eq!(width("ＡＢ"), 4);
        // Too long: kept whole, the row just runs on.
        assert_eq!(pad("顺丰速运", 4), "顺丰速运");
        // What a terminal would act on is not there, and does not count.
        assert_eq!(pad("王\u{1b}[31m二\n", 8), "王[31m二 ");
    }
}
