//! The errors of packbench. Each carries a message for the user in Chinese (`zh`) and English
//! (`Display`), because the person at the bench reads Chinese and the log reader may not.

use crate::domain::{BarcodeError, Denied};
use crate::import::ImportSummary;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{} is not a packbench store (not an SQLite database); it was left untouched", .0.display())]
    NotAStore(PathBuf),
    #[error("{} is an SQLite database of another program, not a packbench store; it was left untouched", .0.display())]
    ForeignDatabase(PathBuf),
    #[error("{} was written by a newer packbench (store version {found}, this program knows up to {supported}); update packbench", .path.display())]
    StoreTooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error(transparent)]
    Denied(#[from] Denied),
    #[error("no such staff member: {0}")]
    UnknownStaff(String),
    #[error("{what} not found: {key}")]
    NotFound {
        what: &'static str,
        what_zh: &'static str,
        key: String,
    },
    #[error("{en}")]
    Invalid { zh: String, en: String },
    #[error(transparent)]
    Barcode(#[from] BarcodeError),
    /// An import refused as a whole: nothing was written. The summary lists every bad row.
    #[error("import refused: {} bad row(s), nothing was written", .0.rejected.len())]
    ImportRefused(Box<ImportSummary>),
    #[error("cannot read or write {}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] rusqlite::Error),
}

impl From<crate::domain::IdError> for Error {
    fn from(e: crate::domain::IdError) -> Error {
        Error::invalid(e.zh(), e.to_string())
    }
}

impl Error {
    /// A validation error with both messages.
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid {
            zh: zh.into(),
            en: en.into(),
        }
    }

    pub fn not_found(what: &'static str, what_zh: &'static str, key: impl Into<String>) -> Error {
        Error::NotFound {
            what,
            what_zh,
            key: key.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Error::NotAStore(p) => format!(
                "{} 不是 packbench 数据库（不是 SQLite 文件），文件未被改动",
                p.display()
            ),
            Error::ForeignDatabase(p) => {
                format!(
                    "{} 是其他程序的 SQLite 数据库，不是 packbench 数据库，文件未被改动",
                    p.display()
                )
            }
            Error::StoreTooNew {
                path,
                found,
                supported,
            } => format!(
                "{} 由更新版本的 packbench 写入（数据库版本 {found}，本程序最高支持 {supported}），请升级 packbench",
                path.display()
            ),
            Error::Denied(d) => d.zh(),
            Error::UnknownStaff(c) => format!("没有这个员工：{c}"),
            Error::NotFound { what_zh, key, .. } => format!("找不到{what_zh}：{key}"),
            Error::Invalid { zh, .. } => zh.clone(),
            Error::Barcode(e) => e.zh(),
            Error::ImportRefused(s) => {
                format!("导入被拒绝：{} 行有错误，什么都没有写入", s.rejected.len())
            }
            Error::Io { path, source } => format!("无法读写 {}：{source}", path.display()),
            Error::Database(e) => format!("数据库错误：{e}"),
        }
    }
}
