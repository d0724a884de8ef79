//! Files in: Taobao seller-centre exports and product catalogues. Parsing only; the flows in
//! `flow::import` decide what is written, all or nothing.

pub mod decode;
pub mod export;
pub mod picture;
pub mod products;
pub mod refunds;
pub mod rejects;
pub mod table;
pub mod taobao;

use serde::Serialize;

/// A row (or a whole file) that could not be imported, and why, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadRow {
    /// The file's name as given.
    pub file: String,
    /// Line in the file where the row starts (header = 1; 0 = the file as a whole).
    pub line: u64,
    /// The column at fault, as named in the header; `""` for the row as a whole.
    pub column: String,
    /// The reason in English.
    pub reason: String,
    /// The reason in Chinese.
    pub reason_zh: String,
    /// A stable name for the reason (`bad_money`, `bad_check_digit`, `missing_column`, …).
    pub code: &'static str,
}

impl BadRow {
    pub fn new(
        file: &str,
        line: u64,
        column: &str,
        code: &'static str,
        zh: impl Into<String>,
        en: impl Into<String>,
    ) -> BadRow {
        BadRow {
            file: file.to_string(),
            line,
            column: column.to_string(),
            reason: en.into(),
            reason_zh: zh.into(),
            code,
        }
    }
}

/// What a refund import did. All or nothing: when `committed` is false nothing was written.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct RefundImportSummary {
    pub refunds_new: u64,
    pub refunds_updated: u64,
    pub refunds_unchanged: u64,
    pub rejected: Vec<BadRow>,
    #[serde(skip)]
    pub committed: bool,
}

/// What an order import did. `rejected` lists every bad row; when `committed` is false nothing
/// was written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub orders_new: u64,
    pub orders_updated: u64,
    pub orders_unchanged: u64,
    /// Order lines written: new lines, and known lines whose status or content changed.
    pub lines: u64,
    pub remarks_appended: u64,
    /// 自审4: orders shipped here (or reported shipped from here) that the export still shows
    /// unshipped on Taobao — the shipment never reached Taobao. Kept shipped, listed.
    pub not_shipped_on_taobao: Vec<String>,
    /// Orders shipped here whole that Taobao shows shipped only in part (some lines unshipped).
    pub partly_shipped_on_taobao: Vec<String>,
    pub rejected: Vec<BadRow>,
    #[serde(skip)]
    pub committed: bool,
    /// Reject files written beside the inputs (with `--skip-bad`).
    #[serde(skip)]
    pub reject_files: Vec<std::path::PathBuf>,
}

/// What a product import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProductImportSummary {
    pub products_new: u64,
    pub products_updated: u64,
    /// Products of the file that have no barcode yet.
    pub needs_barcode: u64,
    pub rejected: Vec<BadRow>,
    #[serde(skip)]
    pub committed: bool,
    #[serde(skip)]
    pub reject_files: Vec<std::path::PathBuf>,
}
