//! Files packbench writes (PDFs, label and waybill printer streams, reject files, exports):
//! never the store, never a file that is not ours, never half a file.
//!
//! - **The store is never a target**, nor its `-wal`, `-shm` or `-journal` (by canonical path, and
//!   on Unix by inode, so a hard link or a symlink to it is caught too). A file written as
//!   `shop.db-journal` would be replayed into the store as a hot journal, so the names count even
//!   when the file is not there. `--force` does not lift this.
//! - **An existing file is replaced only by its own kind:** a PDF by a PDF (the file starts with
//!   `%PDF-`), a label printer stream by a stream (it starts with TSPL's `SIZE ` or ZPL's `^XA`,
//!   as ours do), a Taobao export file by an export (its header starts with 订单编号 in GBK), a
//!   catalogue by a catalogue (`商家编码` or `sku_code` first). An empty file holds nothing to lose
//!   and may be replaced. Anything else is refused unless the user says `--force`.
//! - **A folder, a disk or another special file is never replaced.** A label printer stream may go
//!   to a character device (`/dev/usb/lp0`) or a pipe: that is how raw printing works; it is
//!   written in place.
//! - **Replacing is atomic:** the new content goes to a temporary file beside the target, is
//!   synced, then renamed over it; a failed write leaves the old file (or none) and no half file.
//!   A symlink at the target is replaced itself; what it points to is never written.
//! - **A reject file is created anew** (`create_new`, which follows no symlink and overwrites
//!   nothing): when the name is taken, the next free one (`orders.rejected-2.csv`, …) is used and
//!   named in the output.

use crate::error::{Error, Refusal, Result};
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// What kind of file we write, by which an existing file is recognised as an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutKind {
    Pdf,
    /// TSPL or ZPL for a label printer or a thermal waybill printer.
    LabelStream,
    /// The order or line file of a Taobao export (GBK).
    TaobaoExport,
    /// A product catalogue (`商家编码,…` or `sku_code,…`).
    Catalogue,
    /// Shipments for Taobao's bulk delivery, CSV (`订单编号,物流公司,运单号`, with a BOM).
    ShipmentsCsv,
    /// A report as CSV (with a BOM), opening with its title row `报表：…`.
    ReportCsv,
    /// A spreadsheet (XLSX): no spreadsheet is taken for an earlier one (a shop's own sheets look
    /// the same), so an existing one is replaced only with `--force`.
    Spreadsheet,
}

impl OutKind {
    pub fn zh(self) -> &'static str {
        match self {
            OutKind::Pdf => "PDF 文件",
            OutKind::LabelStream => "打印机指令文件（TSPL/ZPL）",
            OutKind::TaobaoExport => "淘宝导出文件",
            OutKind::Catalogue => "商品表",
            OutKind::ShipmentsCsv => "发货单（CSV）",
            OutKind::ReportCsv => "报表（CSV）",
            OutKind::Spreadsheet => "电子表格",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            OutKind::Pdf => "a PDF",
            OutKind::LabelStream => "a printer stream (TSPL/ZPL)",
            OutKind::TaobaoExport => "a Taobao export file",
            OutKind::Catalogue => "a product catalogue",
            OutKind::ShipmentsCsv => "a shipments file (CSV)",
            OutKind::ReportCsv => "a report (CSV)",
            OutKind::Spreadsheet => "a spreadsheet",
        }
    }

    /// Whether a file starting with `head` is an earlier output of this kind.
    pub fn recognises(self, head: &[u8]) -> bool {
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        match self {
            OutKind::Pdf => head.starts_with(b"%PDF-"),
            OutKind::LabelStream => head.starts_with(b"SIZE ") || head.starts_with(b"^XA"),
            // 订单编号 in GBK.
            OutKind::TaobaoExport => head.starts_with(b"\xB6\xA9\xB5\xA5\xB1\xE0\xBA\xC5"),
            OutKind::Catalogue => {
                head.starts_with("商家编码".as_bytes()) || head.starts_with(b"sku_code")
            }
            OutKind::ShipmentsCsv => head.starts_with("订单编号,物流公司,运单号".as_bytes()),
            OutKind::ReportCsv => head.starts_with("报表：".as_bytes()),
            OutKind::Spreadsheet => false,
        }
    }

    /// A stream for a printer may be written into a device or a pipe as it is.
    fn may_stream(self) -> bool {
        self == OutKind::LabelStream
    }
}

/// What is at a target path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: the file will be created.
    Nothing,
    /// A regular file that may be replaced (ours, empty, or `--force`).
    File,
    /// A character device or a pipe: written in place (a label printer).
    Device,
}

/// The rules for the files of one command: which store to keep clear of, and whether the user
/// said `--force`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard {
    store: Option<PathBuf>,
    force: bool,
}

impl Guard {
    /// Keeps clear of the store at `store` (`:memory:` is no file).
    pub fn new(store: &Path, force: bool) -> Guard {
        Guard {
            store: (store != Path::new(":memory:") && !store.as_os_str().is_empty())
                .then(|| store.to_path_buf()),
            force,
        }
    }

    /// Checks that `path` may be written as `kind`, and says what is there.
    pub fn check(&self, path: &Path, kind: OutKind) -> Result<Existing> {
        if let Some(store) = &self.store
            && is_store_file(path, store)
        {
            return Err(Refusal::OutputIsStore(path.to_path_buf()).into());
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A dangling symlink: the rename would replace the link, and nothing is lost.
                return Ok(Existing::Nothing);
            }
            Err(e) => return Err(Error::io(path, e)),
        };
        if meta.is_file() {
            if meta.len() == 0 || self.force || kind.recognises(&head(path)?) {
                return Ok(Existing::File);
            }
            return Err(Refusal::OutputNotOurs {
                path: path.to_path_buf(),
                kind,
            }
            .into());
        }
        if kind.may_stream() && is_stream(&meta) {
            return Ok(Existing::Device);
        }
        Err(Refusal::OutputNotAFile(path.to_path_buf()).into())
    }

    /// Writes `data` to `path` as `kind`: checked, then atomically (or in place to a device).
    pub fn write(&self, path: &Path, kind: OutKind, data: &[u8]) -> Result<()> {
        match self.check(path, kind)? {
            Existing::Device => {
                let mut f = OpenOptions::new()
                    .write(true)
                    .open(path)
                    .map_err(|e| Error::io(path, e))?;
                f.write_all(data)
                    .and_then(|()| f.flush())
                    .map_err(|e| Error::io(path, e))
            }
            Existing::Nothing | Existing::File => {
                let mut f = AtomicFile::create(path)?;
                f.write_all(data).map_err(|e| Error::io(path, e))?;
                f.commit()
            }
        }
    }

    /// A file to stream into, put in place by `commit` (checked now; not for devices).
    pub fn create(&self, path: &Path, kind: OutKind) -> Result<AtomicFile> {
        match self.check(path, kind)? {
            Existing::Device => Err(Refusal::OutputNotAFile(path.to_path_buf()).into()),
            Existing::Nothing | Existing::File => AtomicFile::create(path),
        }
    }

    /// A new file at `path`, or at the first free name after it (`x.csv` → `x-2.csv`, …): never
    /// an existing file, never through a symlink. Returns the path taken.
    pub fn create_new(&self, path: &Path) -> Result<(PathBuf, File)> {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let ext = path
            .extension()
            .map(|e| format!(".{}", e.to_string_lossy()))
            .unwrap_or_default();
        for n in 1..=999 {
            let candidate = if n == 1 {
                path.to_path_buf()
            } else {
                path.with_file_name(format!("{stem}-{n}{ext}"))
            };
            if let Some(store) = &self.store
                && is_store_file(&candidate, store)
            {
                continue;
            }
            match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&candidate)
            {
                Ok(f) => return Ok((candidate, f)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(Error::io(&candidate, e)),
            }
        }
        Err(Error::io(
            path,
            io::Error::new(io::ErrorKind::AlreadyExists, "999 files of this name exist"),
        ))
    }
}

/// The first bytes of a file, to recognise its kind.
fn head(path: &Path) -> Result<Vec<u8>> {
    // Enough for the longest header recognised (a BOM and 订单编号,物流公司,运单号 in UTF-8).
    let mut buf = Vec::with_capacity(64);
    File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut buf))
        .map_err(|e| Error::io(path, e))?;
    Ok(buf)
}

#[cfg(unix)]
fn is_stream(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device() || meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_stream(_meta: &std::fs::Metadata) -> bool {
    false
}

/// `path` with every folder resolved: the file itself when it exists, else its folder.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = std::fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(name))
}

/// Whether `path` is the store at `store` or one of its companion files.
fn is_store_file(path: &Path, store: &Path) -> bool {
    const COMPANIONS: [&str; 4] = ["", "-wal", "-shm", "-journal"];
    let (Some(target), Some(store)) = (resolved(path), resolved(store)) else {
        return false;
    };
    let names: Vec<PathBuf> = COMPANIONS
        .iter()
        .map(|s| {
            let mut n = store.clone().into_os_string();
            n.push(s);
            PathBuf::from(n)
        })
        .collect();
    if names.contains(&target) {
        return true;
    }
    same_inode_as_any(path, &names)
}

#[cfg(unix)]
fn same_inode_as_any(path: &Path, names: &[PathBuf]) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(m) = std::fs::metadata(path) else {
        return false;
    };
    names
        .iter()
        .any(|n| std::fs::metadata(n).is_ok_and(|s| s.dev() == m.dev() && s.ino() == m.ino()))
}

#[cfg(not(unix))]
fn same_inode_as_any(_path: &Path, _names: &[PathBuf]) -> bool {
    false
}

/// A file written beside its target and renamed over it on `commit`; dropped uncommitted, it is
/// removed and the target is as it was.
pub struct AtomicFile {
    dest: PathBuf,
    temp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    fn create(dest: &Path) -> Result<AtomicFile> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "out".into());
        let temp = dest.with_file_name(format!(
            ".{name}.{}-{}.tmp",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| Error::io(dest, e))?;
        Ok(AtomicFile {
            dest: dest.to_path_buf(),
            temp,
            file: Some(file),
        })
    }

    /// Syncs the new content and puts it in place.
    pub fn commit(mut self) -> Result<()> {
        let file = self.file.take().expect("committed once");
        file.sync_all().map_err(|e| Error::io(&self.dest, e))?;
        drop(file);
        std::fs::rename(&self.temp, &self.dest).map_err(|e| Error::io(&self.dest, e))?;
        #[cfg(unix)]
        if let Some(dir) = self.dest.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            // The rename itself survives a power cut only once the folder is synced.
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.dest
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file.as_mut().expect("not committed").write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.as_mut().expect("not committed").flush()
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(e: Error) -> Refusal {
        match e {
            Error::Refused(r) => r,
            other => panic!("not a refusal: {other}"),
        }
    }

    #[test]
    fn the_store_and_its_companions_are_never_written() {
        let d = tempfile::tempdir().unwrap();
        let store = d.path().join("s.db");
        std::fs::write(&store, b"SQLite format 3\0").unwrap();
        let g = Guard::new(&store, true);
        for name in ["s.db", "s.db-wal", "s.db-shm", "s.db-journal"] {
            let e = g.check(&d.path().join(name), OutKind::Pdf).unwrap_err();
            assert!(matches!(refusal(e), Refusal::OutputIsStore(_)), "{name}");
        }
        // Through another spelling of the folder, and through a hard link.
        let sub = d.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(
            g.check(&sub.join("../s.db"), OutKind::Pdf).is_err(),
            "../s.db"
        );
        let link = d.path().join("other.pdf");
        std::fs::hard_link(&store, &link).unwrap();
        assert!(g.check(&link, OutKind::Pdf).is_err(), "hard link");
        assert_eq!(
            std::fs::read(&store).unwrap(),
            b"SQLite format 3\0",
            "untouched"
        );
    }

    #[test]
    fn an_existing_file_is_replaced_only_by_its_kind() {
        let d = tempfile::tempdir().unwrap();
        let g = Guard::new(&d.path().join("s.db"), false);
        let pdf = d.path().join("a.pdf");
        std::fs::write(&pdf, b"%PDF-1.7 old").unwrap();
        g.write(&pdf, OutKind::Pdf, b"%PDF-1.7 new").unwrap();
        assert_eq!(std::fs::read(&pdf).unwrap(), b"%PDF-1.7 new");
        let notes = d.path().join("notes.txt");
        std::fs::write(&notes, b"keep me").unwrap();
        let e = g.write(&notes, OutKind::Pdf, b"%PDF-").unwrap_err();
        assert!(matches!(refusal(e), Refusal::OutputNotOurs { .. }));
        assert_eq!(std::fs::read(&notes).unwrap(), b"keep me");
        let e = g
            .write(&notes, OutKind::LabelStream, b"SIZE 40 mm")
            .unwrap_err();
        assert!(matches!(refusal(e), Refusal::OutputNotOurs { .. }));
        // A PDF is not a label stream.
        assert!(g.write(&pdf, OutKind::LabelStream, b"^XA").is_err());
        // Forced, and an empty file.
        Guard::new(&d.path().join("s.db"), true)
            .write(&notes, OutKind::Pdf, b"%PDF-x")
            .unwrap();
        assert_eq!(std::fs::read(&notes).unwrap(), b"%PDF-x");
        let empty = d.path().join("empty");
        std::fs::write(&empty, b"").unwrap();
        g.write(&empty, OutKind::LabelStream, b"^XA").unwrap();
        // A folder never.
        let e = Guard::new(&d.path().join("s.db"), true)
            .write(d.path(), OutKind::Pdf, b"%PDF-")
            .unwrap_err();
        assert!(matches!(refusal(e), Refusal::OutputNotAFile(_)));
        // No temporary file is left behind.
        let left: Vec<_> = std::fs::read_dir(d.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(left.is_empty());
    }

    #[test]
    fn kinds_are_recognised_by_their_first_bytes() {
        assert!(OutKind::Pdf.recognises(b"%PDF-1.3\n"));
        assert!(!OutKind::Pdf.recognises(b"SQLite format 3"));
        assert!(OutKind::LabelStream.recognises(b"SIZE 40 mm,30 mm\r\n"));
        assert!(OutKind::LabelStream.recognises(b"^XA\n^CI28"));
        let (gbk, _, _) = encoding_rs::GBK.encode("订单编号,买家会员名");
        assert!(OutKind::TaobaoExport.recognises(&gbk));
        assert!(OutKind::Catalogue.recognises("\u{feff}商家编码,条码".as_bytes()));
        assert!(OutKind::Catalogue.recognises(b"sku_code,barcode"));
        assert!(!OutKind::Catalogue.recognises(b"name,phone"));
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_never_goes_through_a_symlink() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("precious.txt");
        std::fs::write(&target, b"precious").unwrap();
        let link = d.path().join("x.rejected.csv");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let g = Guard::new(Path::new(":memory:"), false);
        let (taken, mut f) = g.create_new(&link).unwrap();
        f.write_all(b"rows").unwrap();
        assert_eq!(taken, d.path().join("x.rejected-2.csv"));
        assert_eq!(std::fs::read(&target).unwrap(), b"precious");
        // A dangling link is not followed either.
        let dangling = d.path().join("y.csv");
        std::os::unix::fs::symlink(d.path().join("nowhere"), &dangling).unwrap();
        let (taken, _) = g.create_new(&dangling).unwrap();
        assert_eq!(taken, d.path().join("y-2.csv"));
        assert!(!d.path().join("nowhere").exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_label_stream_may_go_to_a_device_and_a_pdf_may_not() {
        let g = Guard::new(Path::new(":memory:"), true);
        assert_eq!(
            g.check(Path::new("/dev/null"), OutKind::LabelStream)
                .unwrap(),
            Existing::Device
        );
        assert!(g.check(Path::new("/dev/null"), OutKind::Pdf).is_err());
    }
}
