//! With `--skip-bad`, rejected rows are written beside the input, untouched, with the line and
//! the reason, so nothing of the shop's data is lost: fix them there and import that file.

use super::BadRow;
use super::table::{Column, Table};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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
) -> std::io::Result<Option<PathBuf>> {
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
    let out = reject_path(input);
    let mut file = std::fs::File::create(&out)?;
    std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF")?;
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(file);
    let mut header: Vec<String> = table.header.iter().map(str::to_string).collect();
    header.push("原行号 line".into());
    header.push("原因 reason".into());
    w.write_record(&header)?;
    while let Some(row) = table.next_record() {
        let Ok(row) = row else { continue };
        if let Some(rs) = reasons.get(&row.line) {
            let mut rec: Vec<String> = row.record.iter().map(str::to_string).collect();
            rec.push(row.line.to_string());
            rec.push(
                rs.iter()
                    .map(|r| format!("{} / {}", r.reason_zh, r.reason))
                    .collect::<Vec<_>>()
                    .join("; "),
            );
            w.write_record(&rec)?;
        }
    }
    w.flush()?;
    Ok(Some(out))
}
