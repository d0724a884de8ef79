//! A CSV table as exports come: columns found by header name (trimmed, with aliases), values
//! cleaned of spreadsheet guards, and every problem turned into a `BadRow` naming file, line and
//! column. Every input is bounded: only regular files are read, up to `MAX_FILE_BYTES`; a row
//! may take at most `MAX_ROW_BYTES` of the file, and each column has its own length in
//! characters (`Column::max`), so a device, an endless file or a 5,000,000-character buyer
//! message is a named bad row, never a store full of it or memory spent on it.

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
    /// The longest value taken, in characters.
    pub max: usize,
}

impl Column {
    /// The same column with another length limit.
    pub const fn max(self, max: usize) -> Column {
        Column { max, ..self }
    }
}

/// The largest file read: a year of a busy shop's orders is a few hundred MB.
pub const MAX_FILE_BYTES: u64 = 2 << 30;

/// The most bytes of the file one row may take (a row is a few hundred bytes; quoted fields may
/// hold line breaks, so this is counted from the end of the row before, not per line).
pub const MAX_ROW_BYTES: u64 = 32 << 20;

/// The file or a row of it is larger than packbench reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum TooBig {
    #[error("file over {0} bytes")]
    File(u64),
    #[error("row over {0} bytes")]
    Row(u64),
}

/// Counts the bytes read, for the limits: in all, and since `mark` (the end of the last row).
struct Bounded<R> {
    inner: R,
    total: u64,
    since_mark: u64,
}

impl<R> Bounded<R> {
    fn mark(&mut self) {
        self.since_mark = 0;
    }
}

impl<R: std::io::Read> std::io::Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total += n as u64;
        self.since_mark += n as u64;
        let too_big = if self.total > MAX_FILE_BYTES {
            Some(TooBig::File(MAX_FILE_BYTES))
        } else if self.since_mark > MAX_ROW_BYTES {
            Some(TooBig::Row(MAX_ROW_BYTES))
        } else {
            None
        };
        match too_big {
            Some(e) => Err(std::io::Error::new(std::io::ErrorKind::InvalidData, e)),
            None => Ok(n),
        }
    }
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
    reader: csv::Reader<DecodingReader<BufReader<Bounded<File>>>>,
    /// For each `Column` asked for, its index in the file.
    index: Vec<Option<usize>>,
    /// The columns asked for.
    columns: Vec<Column>,
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
        let unreadable = |e: std::io::Error| {
            vec![BadRow::new(
                &file,
                0,
                "",
                "unreadable",
                format!("无法读取文件：{e}"),
                format!("cannot read the file: {e}"),
            )]
        };
        let meta = std::fs::metadata(path).map_err(unreadable)?;
        if !meta.is_file() {
            return Err(vec![BadRow::new(
                &file,
                0,
                "",
                "not_a_file",
                "不是普通文件（是设备、管道或文件夹），不能导入",
                "not a regular file (a device, a pipe or a folder): nothing to import",
            )]);
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(vec![BadRow::new(
                &file,
                0,
                "",
                "file_too_big",
                format!(
                    "文件太大：{} MB，最多 {} MB（请分几次导出）",
                    meta.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
                format!(
                    "the file is too big: {} MB, at most {} MB (export it in parts)",
                    meta.len() >> 20,
                    MAX_FILE_BYTES >> 20
                ),
            )]);
        }
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
                BufReader::with_capacity(
                    256 * 1024,
                    Bounded {
                        inner: f,
                        total: 0,
                        since_mark: 0,
                    },
                ),
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
            columns: columns.to_vec(),
            header,
            failed: false,
            rows_seen: 0,
            record_bytes: 0,
        })
    }

    /// The next data row, or a bad row (wrong number of fields, bad encoding). After a bad
    /// encoding the rest of the file cannot be trusted and reading stops.
    /// The file's size in bytes (0 when the system cannot say).
    pub fn size(&self) -> u64 {
        let file = &self.reader.get_ref().get_ref().get_ref().inner;
        file.metadata().map_or(0, |m| m.len())
    }

    /// Bytes of the file read so far (a little ahead of the rows handed out), for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.reader.get_ref().get_ref().get_ref().total
    }

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
                    self.reader.get_mut().get_mut().get_mut().mark();
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

    /// Every column asked for within its length; else the first that is not, named with its
    /// limit (the value itself is not repeated: it may be megabytes).
    pub fn check_lengths(&self, row: &Row) -> Result<(), BadRow> {
        for (c, at) in self.columns.iter().zip(&self.index) {
            let Some(v) = at.and_then(|at| row.record.get(at)) else {
                continue;
            };
            // Bytes first: most values are far under any limit and need no counting.
            if v.len() <= c.max {
                continue;
            }
            let chars = clean(v).chars().count();
            if chars > c.max {
                return Err(BadRow::new(
                    &self.file,
                    row.line,
                    c.name,
                    "too_long",
                    format!("“{}”太长：{chars} 个字符，最多 {} 个", c.name, c.max),
                    format!(
                        "\"{}\" is too long: {chars} characters, at most {}",
                        c.name, c.max
                    ),
                ));
            }
        }
        Ok(())
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
    if let csv::ErrorKind::Io(io) = e.kind()
        && let Some(big) = io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<TooBig>())
    {
        return match big {
            TooBig::File(max) => BadRow::new(
                file,
                0,
                "",
                "file_too_big",
                format!("文件超过 {} MB，已停止读取（请分几次导出）", max >> 20),
                format!(
                    "the file runs over {} MB; stopped reading (export it in parts)",
                    max >> 20
                ),
            ),
            TooBig::Row(max) => BadRow::new(
                file,
                line,
                "",
                "row_too_long",
                format!(
                    "从这一行起超过 {} MB 没有一行结束（引号不配对，或不是导出文件？），已停止读取",
                    max >> 20
                ),
                format!(
                    "over {} MB from this line on without the row ending (unbalanced quotes, or not an export?); stopped reading",
                    max >> 20
                ),
            ),
        };
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
