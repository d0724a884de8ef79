//! With `--skip-bad`, rejected rows are written beside the input, untouched, with the line and
//! the reason, so nothing of the shop's data is lost: fix them there and import that file.
//!
//! The reject file is created anew, never through a symlink and never over a file (an earlier
//! reject file included): a name taken gives `orders.rejected-2.csv`, and so on. Every cell is
//! made safe for Excel (`csv_cell`): the rows are the shop's own text, a buyer's name or remark
//! included, and a cell like `=cmd|' /C calc'!A0` must open as text, not as a formula.

use super::BadRow;
use super::table::{Column, Table};
use crate::output::Guard;
use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A cell as Excel and WPS must read it: text that would start a formula (`=`, `+`, `-`, `@`,
/// a tab or a CR) gets a leading `'` (OWASP's advice; Excel shows the rest as text). Importing
/// the file again takes the `'` off (`table::clean`). The CSV writer quotes cells as needed.
pub fn csv_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `orders.csv` → `orders.rejected.csv` in the same folder.
pub fn reject_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    input.with_file_name(format!("{stem}.rejected.csv"))
}

/// Writes the rows of `input` named in `bad` (by line) to the reject file, as UTF-8 with a BOM
/// (so Excel and WPS open it right), with two columns more: the line and the reason.
pub fn write_rejects(
    input: &Path,
    columns: &[Column],
    bad: &[&BadRow],
    guard: &Guard,
) -> crate::Result<Option<PathBuf>> {
    if bad.is_empty() {
        return Ok(None);
    }
    let mut reasons: HashMap<u64, Vec<&BadRow>> = HashMap::new();
    for b in bad {
        reasons.entry(b.line).or_default().push(b);
    }
    let Ok(mut table) = Table::open(input, columns) else {
        return Ok(None);
    };
    let (out, file) = guard.create_new(&reject_path(input))?;
    let written = write_rows(file, &mut table, &reasons);
    if let Err(e) = written {
        // No half reject file: the rows are still in the input, and the error says so.
        let _ = std::fs::remove_file(&out);
        return Err(crate::Error::io(&out, e));
    }
    Ok(Some(out))
}

fn write_rows(
    mut file: std::fs::File,
    table: &mut Table,
    reasons: &HashMap<u64, Vec<&BadRow>>,
) -> std::io::Result<()> {
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(file);
    let mut header: Vec<String> = table
        .header
        .iter()
        .map(|h| csv_cell(h).into_owned())
        .collect();
    header.push("原行号 line".into());
    header.push("原因 reason".into());
    w.write_record(&header)?;
    while let Some(row) = table.next_record() {
        let Ok(row) = row else { continue };
        if let Some(rs) = reasons.get(&row.line) {
            let mut rec: Vec<String> = row
                .record
                .iter()
                .map(|c| csv_cell(c).into_owned())
                .collect();
            rec.push(row.line.to_string());
            let reason = rs
                .iter()
                .map(|r| format!("{} / {}", r.reason_zh, r.reason))
                .collect::<Vec<_>>()
                .join("; ");
            rec.push(csv_cell(&reason).into_owned());
            w.write_record(&rec)?;
        }
    }
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()
}
