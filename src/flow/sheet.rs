//! Reports as files people open in Excel: a CSV with a UTF-8 BOM (Chinese Excel opens it right)
//! or an XLSX with one worksheet per table. Every report writes the same tables it shows.

use crate::domain::Fen;
use crate::error::{Error, Result};
use crate::output::{Guard, OutKind};
use std::path::Path;

/// One cell. Money stays fen until written: yuan with two decimals in a CSV, a number formatted
/// `0.00` in an XLSX (so Excel sums it).
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Money(Fen),
    /// A figure with one decimal (parcels per hour).
    Tenths(i64),
}

impl Cell {
    /// The cell as a CSV writes it (and as a test compares it).
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(f) => f.to_string(),
            Cell::Tenths(t) => format!("{}.{}", t / 10, (t % 10).abs()),
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Int(n)
    }
}

impl From<Fen> for Cell {
    fn from(f: Fen) -> Cell {
        Cell::Money(f)
    }
}

/// A table of a report.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The worksheet's name (at most 31 characters, Excel's limit).
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Whether `out` names an XLSX (else a CSV is written).
pub fn is_xlsx(out: &Path) -> bool {
    out.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Writes a report's tables to `out`, as XLSX or CSV by its name. `title` opens the CSV
/// (`报表：…`) and names the report in the XLSX's properties.
pub fn write(out: &Path, title: &str, sheets: &[Sheet], guard: &Guard) -> Result<()> {
    if is_xlsx(out) {
        guard.write(out, OutKind::Spreadsheet, &xlsx_bytes(title, sheets)?)
    } else {
        guard.write(out, OutKind::ReportCsv, &csv_bytes(title, sheets))
    }
}

/// A CSV with a BOM: the title row, then each table: its name on a row, its header, its rows.
pub fn csv_bytes(title: &str, sheets: &[Sheet]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .flexible(true)
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record([format!("报表：{title}")])
        .expect("to memory");
    for s in sheets {
        w.write_record([&s.name]).expect("to memory");
        w.write_record(&s.header).expect("to memory");
        for r in &s.rows {
            w.write_record(r.iter().map(Cell::text)).expect("to memory");
        }
    }
    w.into_inner().expect("to memory")
}

/// An XLSX: one worksheet per table, header bold and frozen, money as numbers in yuan.
pub fn xlsx_bytes(title: &str, sheets: &[Sheet]) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{DocProperties, Format, Workbook};
    let bad = |e: rust_xlsxwriter::XlsxError| {
        Error::invalid(
            format!("无法写出表格：{e}"),
            format!("cannot write the spreadsheet: {e}"),
        )
    };
    let mut book = Workbook::new();
    book.set_properties(&DocProperties::new().set_title(title));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("0.00");
    let tenths = Format::new().set_num_format("0.0");
    for s in sheets {
        let sheet = book.add_worksheet();
        let name: String = s.name.chars().take(31).collect();
        sheet.set_name(&name).map_err(bad)?;
        for (c, h) in s.header.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(bad)?;
        }
        for (i, r) in s.rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (c, cell) in r.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => sheet.write_string(row, c, t).map(|_| ()),
                    Cell::Int(n) => sheet.write_number(row, c, *n as f64).map(|_| ()),
                    Cell::Money(f) => sheet
                        .write_number_with_format(row, c, f.0 as f64 / 100.0, &money)
                        .map(|_| ()),
                    Cell::Tenths(t) => sheet
                        .write_number_with_format(row, c, *t as f64 / 10.0, &tenths)
                        .map(|_| ()),
                }
                .map_err(bad)?;
            }
        }
        for c in 0..s.header.len() {
            sheet.set_column_width(c as u16, 14).map_err(bad)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(bad)?;
    }
    book.save_to_buffer().map_err(bad)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_opens_with_a_bom_and_its_title() {
        let s = Sheet {
            name: "提成".into(),
            header: vec!["代码".into(), "金额".into(), "每小时".into()],
            rows: vec![vec!["KF01".into(), Fen(12345).into(), Cell::Tenths(235)]],
        };
        let bytes = csv_bytes("提成 2026-12", &[s]);
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap()).unwrap();
        assert_eq!(
            text,
            "报表：提成 2026-12\r\n提成\r\n代码,金额,每小时\r\nKF01,123.45,23.5\r\n"
        );
        assert!(OutKind::ReportCsv.recognises(&bytes));
    }
}
