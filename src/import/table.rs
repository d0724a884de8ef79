//! A CSV table as exports come: columns found by header name (trimmed, with aliases), values
//! cleaned of spreadsheet guards, and every problem turned into a `BadRow` naming file, line and
//! column.

use super::BadRow;
use super::decode::{DecodingReader, MalformedText, TextEncoding, sniff};
use csv::StringRecord;
use std::borrow::Cow;
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

/// A column the importer looks for.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The name used in reports (the usual header).
    pub name: &'static str,
    /// Header names accepted for it, the usual first.
    pub aliases: &'static [&'static str],
    pub required: bool,
}

/// One data row.
#[derive(Debug, Clone)]
pub struct Row {
    /// Line in the file where the row starts (the header is line 1).
    pub line: u64,
    pub record: StringRecord,
}

pub struct Table {
    /// The file's name as reports show it.
    pub file: String,
    pub encoding: TextEncoding,
    reader: csv::Reader<DecodingReader<BufReader<File>>>,
    /// For each `Column` asked for, its index in the file.
    index: Vec<Option<usize>>,
    pub header: StringRecord,
    failed: bool,
    rows_seen: u64,
    /// Bytes of the largest record so far: each new record is allocated at that size instead of
    /// being grown field by field.
    record_bytes: usize,
}

/// Removes what spreadsheets and Taobao add around values: surrounding spaces, the `="…"` guard
/// that keeps Excel from mangling long numbers, a leading `'` on phone numbers (and on cells a
/// reject file escaped for Excel, `rejects::csv_cell`), and `null`.
pub fn clean(value: &str) -> Cow<'_, str> {
    let v = value.trim();
    // A guard a reject file escaped for Excel: `'="…"`.
    let v = v.strip_prefix("'=\"").map_or(v, |_| &v[1..]);
    let v = match v.strip_prefix("=\"").and_then(|s| s.strip_suffix('"')) {
        Some(inner) => inner.trim(),
        None => v,
    };
    let v = match v.strip_prefix('\'') {
        // Digits and `+`: a phone number; `=`, `-`, `@`: a cell made safe for Excel by us (a
        // reject file) or by a spreadsheet.
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit() || "+=-@".contains(c)) => rest,
        _ => v,
    };
    if v.eq_ignore_ascii_case("null") {
        return Cow::Borrowed("");
    }
    if v.contains('\r') {
        return Cow::Owned(v.replace("\r\n", "\n"));
    }
    if v.len() == value.len() {
        Cow::Borrowed(value)
    } else {
        Cow::Owned(v.to_string())
    }
}

fn file_label(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

impl Table {
    /// Opens `path` and matches its header against `columns`. File-level problems (unreadable,
    /// bad encoding in the header, empty, a required column missing) come back as bad rows.
    pub fn open(path: &Path, columns: &[Column]) -> Result<Table, Vec<BadRow>> {
        let file = file_label(path);
        let mut f = File::open(path).map_err(|e| {
            vec![BadRow::new(
                &file,
                0,
                "",
                "unreadable",
                format!("无法读取文件：{e}"),
                format!("cannot read the file: {e}"),
            )]
        })?;
        let encoding = match sniff(&mut f) {
            Ok(Ok(enc)) => enc,
            Ok(Err(m)) => return Err(vec![malformed_row(&file, &m)]),
            Err(e) => {
                return Err(vec![BadRow::new(
                    &file,
                    0,
                    "",
                    "unreadable",
                    format!("无法读取文件：{e}"),
                    format!("cannot read the file: {e}"),
                )]);
            }
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            // Records end at LF only: with CRLF as terminator the csv crate counts a record's line
            // from the LF before it, one line too early. The CR is trimmed off the last field.
            .terminator(csv::Terminator::Any(b'\n'))
            .buffer_capacity(256 * 1024)
            .from_reader(DecodingReader::new(
                BufReader::with_capacity(256 * 1024, f),
                encoding,
            ));
        let mut header = StringRecord::new();
        match reader.read_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![BadRow::new(
                    &file,
                    0,
                    "",
                    "empty_file",
                    "文件是空的",
                    "the file is empty",
                )]);
            }
            Err(e) => return Err(vec![csv_error_row(&file, e, 1)]),
        }
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        if names.iter().all(|n| n.is_empty()) {
            return Err(vec![BadRow::new(
                &file,
                1,
                "",
                "empty_file",
                "文件没有表头",
                "the file has no header",
            )]);
        }
        let mut index = Vec::with_capacity(columns.len());
        let mut missing = Vec::new();
        for c in columns {
            let found = c
                .aliases
                .iter()
                .find_map(|a| names.iter().position(|n| n == a));
            if found.is_none() && c.required {
                missing.push(BadRow::new(
                    &file,
                    1,
                    c.name,
                    "missing_column",
                    format!("缺少必需的列“{}”", c.name),
                    format!("required column \"{}\" is missing", c.name),
                ));
            }
            index.push(found);
        }
        if !missing.is_empty() {
            return Err(missing);
        }
        Ok(Table {
            file,
            encoding,
            reader,
            index,
            header,
            failed: false,
            rows_seen: 0,
            record_bytes: 0,
        })
    }

    /// The next data row, or a bad row (wrong number of fields, bad encoding). After a bad
    /// encoding the rest of the file cannot be trusted and reading stops.
    pub fn next_row(&mut self) -> Option<Result<Row, BadRow>> {
        let row = match self.next_record()? {
            Ok(row) => row,
            Err(bad) => return Some(Err(bad)),
        };
        let width = self.header.len();
        let n = row.record.len();
        let extra_empty = n > width && row.record.iter().skip(width).all(|f| f.trim().is_empty());
        if n != width && !extra_empty {
            return Some(Err(BadRow::new(
                &self.file,
                row.line,
                "",
                "wrong_column_count",
                format!("列数不对：表头 {width} 列，这一行 {n} 列（文件被截断或引号不配对？）"),
                format!(
                    "wrong number of fields: the header has {width}, this row {n} (truncated file or unbalanced quotes?)"
                ),
            )));
        }
        Some(Ok(row))
    }

    /// The next record as it is, whatever its number of fields (blank lines skipped).
    pub fn next_record(&mut self) -> Option<Result<Row, BadRow>> {
        let mut record = StringRecord::with_capacity(self.record_bytes, self.header.len());
        loop {
            if self.failed {
                return None;
            }
            match self.reader.read_record(&mut record) {
                Ok(false) if self.rows_seen == 0 => {
                    self.failed = true;
                    return Some(Err(BadRow::new(
                        &self.file,
                        1,
                        "",
                        "no_rows",
                        "文件只有表头，没有数据行",
                        "the file has a header but no rows",
                    )));
                }
                Ok(false) => return None,
                // A row of one empty field is a blank line: skip it.
                Ok(true) if record.len() == 1 && record[0].trim().is_empty() => continue,
                Ok(true) => {
                    self.rows_seen += 1;
                    let bytes = record.as_byte_record().as_slice().len();
                    self.record_bytes = self.record_bytes.max(bytes);
                    let line = record.position().map(|p| p.line()).unwrap_or(0);
                    return Some(Ok(Row { line, record }));
                }
                Err(e) => {
                    self.failed = true;
                    let line = self.reader.position().line();
                    return Some(Err(csv_error_row(&self.file, e, line)));
                }
            }
        }
    }

    /// Whether the file has column `i` of the columns asked for.
    pub fn has(&self, i: usize) -> bool {
        self.index[i].is_some()
    }

    /// The cleaned value of column `i` (of the columns asked for) in `row`; `""` if absent.
    pub fn get<'r>(&self, row: &'r Row, i: usize) -> Cow<'r, str> {
        match self.index[i].and_then(|at| row.record.get(at)) {
            Some(v) => clean(v),
            None => Cow::Borrowed(""),
        }
    }
}

fn malformed_row(file: &str, m: &MalformedText) -> BadRow {
    BadRow::new(
        file,
        m.line,
        "",
        "bad_encoding",
        format!(
            "第 {} 行的字节既不是 UTF-8 也不是 GBK（请用淘宝导出的原文件，或另存为 UTF-8）",
            m.line
        ),
        format!(
            "line {}: bytes that are neither UTF-8 nor GBK (use the original export, or save it as UTF-8)",
            m.line
        ),
    )
}

fn csv_error_row(file: &str, e: csv::Error, line: u64) -> BadRow {
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(m) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<MalformedText>())
    {
        return malformed_row(file, m);
    }
    BadRow::new(
        file,
        line,
        "",
        "unreadable",
        format!("无法读取：{e}"),
        format!("cannot read: {e}"),
    )
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn cleans_export_guards() {
        assert_eq!(clean("=\"2604015407453871400\""), "2604015407453871400");
        assert_eq!(clean(" =\"123\" "), "123");
        assert_eq!(clean("'18276903495"), "18276903495");
        assert_eq!(clean("'+8613800000000"), "+8613800000000");
        assert_eq!(clean("'quoted"), "'quoted");
        assert_eq!(clean("null"), "");
        assert_eq!(clean("NULL"), "");
        assert_eq!(clean("  杜强子 "), "杜强子");
        assert_eq!(clean("plain"), "plain");
        assert_eq!(clean("99.00\r"), "99.00");
        assert_eq!(clean("路700号\r\n菜鸟驿站"), "路700号\n菜鸟驿站");
    }

    #[test]
    fn cells_a_reject_file_escaped_come_back_as_they_were() {
        use crate::import::rejects::csv_cell;
        for cell in [
            "=cmd|' /C calc'!A0",
            "-3",
            "@SUM(A1)",
            "+86 138",
            "=\"8000104729\"",
        ] {
            let escaped = csv_cell(cell);
            assert!(escaped.starts_with('\''), "{cell}");
            assert_eq!(clean(&escaped), clean(cell), "{cell}");
        }
        assert_eq!(csv_cell("针织帽"), "针织帽");
        assert_eq!(csv_cell("\tx"), "'\tx");
    }
}
