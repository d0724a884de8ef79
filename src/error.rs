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
    /// `PRAGMA quick_check` found the file damaged (a disk fault, a power cut on a drive that
    /// lies about syncing): refused before anything else is read or written. `detail` is
    /// SQLite's report, for whoever restores it.
    #[error("{} is damaged and was not used (nothing was written to it): stop using it; keep a copy of it (with any {}-wal and {}-shm beside it) and restore the latest backup in its place", .path.display(), .path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default(), .path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())]
    Damaged { path: PathBuf, detail: String },
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
    /// A request refused with advice on what to do instead. These words are the command line's
    /// (its flags and commands); the window words the same refusal with what it offers
    /// (`ui::i18n::error`).
    #[error("{}", .0.en())]
    Refused(Refusal),
    /// A print job was logged, then not taken (printer, CUPS, file): it can be run again from
    /// the print log (`print retry JOB` here, 重打 in the window).
    #[error("{cause} (print job {job} is logged as failed; retry with `print retry {job}`)")]
    PrintFailed { job: i64, cause: Box<Error> },
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
    /// The store failed (locked by another station, read-only, disk full, …): said in plain
    /// words; SQLite's own text is kept for the log (`detail`, or `{:#}`).
    #[error(transparent)]
    Store(StoreError),
}

/// Why a request was refused, where the fix is for the user to do something else: typed, so
/// each face gives its own advice (the CLI a flag or a command, the window a field or a screen).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No courier has a free tracking number.
    PoolEmpty,
    /// The chosen courier has no free number left; `waiting` parcels are ready.
    NoNumbersLeft { courier: String, waiting: usize },
    /// Several couriers have numbers, and none was chosen (nor set as the default).
    CourierNeeded(Vec<String>),
    /// A batch of at most 0 parcels.
    LimitZero,
    /// Labels asked for products (merchant codes) that have no barcode yet.
    NoBarcode(Vec<String>),
    /// Label copies outside 1 to 999.
    CopiesOutOfRange,
    /// Waybills or a pick list as PDF sent to a printer's port (waybills go there as TSPL/ZPL).
    PdfToLabelPort(String),
    /// PDF labels sent to a label printer's port (given as is): they must be TSPL or ZPL.
    LabelPortNeedsRaw(String),
    /// An issue note without a line.
    IssueWithoutLines,
    /// The CUPS command (`lp`, `lpstat`) is missing: CUPS is not installed.
    NoCups(String),
    /// A Windows USB printer port (`USB001`) given as a label printer's port: Windows reaches
    /// USB printers through their printer in its list.
    UsbPortNotAPrinter(String),
    /// No store at this path (no file, an empty file, a folder that does not exist): a new shop
    /// is made only by intent (`init`, `demo`), never by a typo.
    NoStore(PathBuf),
    /// `init` where a store already is, its admin's PIN set.
    StoreExists(PathBuf),
    /// No staff code was given (command line: `--staff`, `PACKBENCH_STAFF`).
    NoStaffCode,
    /// No PIN was given, or an empty one.
    NoPin,
    /// The staff code is unknown or the PIN wrong (which one is not said).
    WrongPin,
    /// Too many wrong PINs in a row: the code is locked for `minutes` more (at least 1).
    PinLocked { code: String, minutes: i64 },
    /// The staff member has no PIN yet (a store made before every PIN was required).
    NoPinSet { code: String, admin: bool },
    /// A PIN is needed and there is no terminal to ask for it: give it with `flag`.
    PinFlagNeeded(&'static str),
    /// The PIN typed the second time differs from the first.
    PinsDiffer,
    /// An output path that is the store or one of its `-wal`/`-shm`/`-journal` files.
    OutputIsStore(PathBuf),
    /// An output path holding a file that is not an earlier output of the same kind.
    OutputNotOurs {
        path: PathBuf,
        kind: crate::output::OutKind,
    },
    /// An output path that is a folder, a disk or another thing that is not a file.
    OutputNotAFile(PathBuf),
    /// Another bench runs under this station name (on `host`, since `since`, shop time): a
    /// second one would replay its scans.
    StationInUse {
        station: String,
        host: String,
        since: String,
    },
    /// A SQLite store on a network file system (`fs`: NFS, SMB, sshfs…): SQLite's locking does not
    /// work there, so two PCs on one file corrupt it. Several PCs share a PostgreSQL store.
    NetworkStore { path: PathBuf, fs: String },
    /// A restore while a bench works on the store (its station lease is live).
    StoreInUseByBench { station: String, host: String },
    /// A restore while another program (a bench, a command) has the store open.
    StoreOpenElsewhere(PathBuf),
}

impl Refusal {
    /// The command line's words in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Refusal::PoolEmpty => "快递单号池是空的：先用 waybills add 添加单号".into(),
            Refusal::NoNumbersLeft { courier, waiting } => {
                format!("{courier} 的单号用完了：{waiting} 个包裹在等单号")
            }
            Refusal::CourierNeeded(many) => format!(
                "有多家快递的单号（{}），请用 --courier 指定",
                many.join("、")
            ),
            Refusal::LimitZero => "--limit 至少为 1".into(),
            Refusal::NoBarcode(skus) => format!(
                "这些商品还没有条码：{}（先用 barcodes assign 分配，或用 --needs-barcode）",
                skus.join("、")
            ),
            Refusal::CopiesOutOfRange => "--copies 应在 1 到 999 之间".into(),
            Refusal::PdfToLabelPort(to) => format!(
                "PDF 的快递单和配货单不能直接发到打印机端口 {to}：请用 --printer 或 --out（热敏快递单打印机的端口用 print waybills --raw tspl 或 --raw zpl）"
            ),
            Refusal::LabelPortNeedsRaw(to) => {
                format!("发到标签打印机端口 {to} 要用 --raw tspl 或 --raw zpl")
            }
            Refusal::IssueWithoutLines => "出库单至少要有一行（--line 商家编码=数量）".into(),
            Refusal::UsbPortNotAPrinter(port) => format!(
                "{port} 是 Windows 给 USB 打印机的端口，不能直接写：请用 --printer 打印机名称（Windows 设置 → 打印机和扫描仪里的名称）加 --raw tspl 或 --raw zpl"
            ),
            Refusal::NoCups(what) => format!(
                "找不到 {what} 命令：这台电脑没有安装 CUPS 打印系统（Debian：apt install cups）"
            ),
            Refusal::NoStore(p) => format!(
                "{} 没有数据库，什么都没有创建：新店用 packbench init 创建（演示店用 packbench demo）；路径打错了请检查 --db 或 PACKBENCH_DB",
                crate::store::shown(p)
            ),
            Refusal::StoreExists(p) => format!(
                "{} 已经是一个店铺的数据库，管理员密码已设置：没有改动任何东西（改密码用 staff set-pin 或 staff reset-pin）",
                crate::store::shown(p)
            ),
            Refusal::NoStaffCode => {
                "请用 --staff 工号（或环境变量 PACKBENCH_STAFF）说明是哪位员工".into()
            }
            Refusal::NoPin => {
                "没有密码：在终端里运行会询问密码，脚本里请设置环境变量 PACKBENCH_PIN".into()
            }
            Refusal::WrongPin => "工号或密码不对".into(),
            Refusal::PinLocked { code, minutes } => format!(
                "工号 {code} 连续输错密码，已锁定：请 {minutes} 分钟后再试，或请管理员用 staff reset-pin {code} 重设密码"
            ),
            Refusal::NoPinSet { admin: true, .. } => {
                "管理员还没有密码：请先运行 packbench init 设置管理员密码".into()
            }
            Refusal::NoPinSet { code, .. } => {
                format!("员工 {code} 还没有密码：请管理员用 staff reset-pin {code} 设置")
            }
            Refusal::PinFlagNeeded(flag) => {
                format!("需要密码：不在终端里运行时请用 {flag} 给出（4 到 12 位数字）")
            }
            Refusal::PinsDiffer => "两次输入的密码不一样，什么都没有改".into(),
            Refusal::OutputIsStore(p) => format!(
                "不能写到 {}：这是数据库文件（或它的 -wal/-shm/-journal），写进去会毁掉店里的数据；请换一个文件名（--force 也不行）",
                crate::store::shown(p)
            ),
            Refusal::OutputNotOurs { path, kind } => format!(
                "不能覆盖 {}：这个文件已存在，而且不是{}，覆盖会丢掉它的内容；请换一个文件名，确定要覆盖就加 --force",
                crate::store::shown(path),
                kind.zh()
            ),
            Refusal::OutputNotAFile(p) => {
                format!(
                    "不能写到 {}：它不是普通文件（是文件夹或设备）；请给一个文件名",
                    crate::store::shown(p)
                )
            }
            Refusal::StationInUse {
                station,
                host,
                since,
            } => format!(
                "工位名 {station} 已经有一个验货台在用（电脑 {host}，{since} 起）：两个验货台不能用同一个名字。请用 --station 另起一个名字（例如 --station {station}-2）；如果那个验货台已经关掉了，一分钟后再试"
            ),
            Refusal::NetworkStore { path, fs } => format!(
                "{} 在网络盘上（{fs}）：SQLite 数据库文件不能放在网络盘上，几台电脑同时用会把它写坏，所以没有打开。请把数据库放在本机硬盘上；几台电脑共用一个店铺请用 PostgreSQL 服务器（--db postgres://…，见 README）",
                crate::store::shown(path)
            ),
            Refusal::StoreInUseByBench { station, host } => format!(
                "验货台 {station}（电脑 {host}）正在使用这个数据库：恢复备份前请先关掉所有工位的窗口和扫码会话，什么都没有改动；工位刚被强行关掉的话，一分钟后再试"
            ),
            Refusal::StoreOpenElsewhere(p) => format!(
                "另一个程序正打开着 {}：恢复备份前请先关掉所有工位和命令，什么都没有改动",
                crate::store::shown(p)
            ),
        }
    }

    /// The command line's words in English.
    pub fn en(&self) -> String {
        match self {
            Refusal::PoolEmpty => {
                "the waybill pool is empty: add numbers with `waybills add` first".into()
            }
            Refusal::NoNumbersLeft { courier, waiting } => {
                format!("no tracking numbers left for {courier}: {waiting} parcel(s) are waiting")
            }
            Refusal::CourierNeeded(many) => format!(
                "several couriers have numbers ({}): choose one with --courier",
                many.join(", ")
            ),
            Refusal::LimitZero => "--limit must be at least 1".into(),
            Refusal::NoBarcode(skus) => format!(
                "these products have no barcode yet: {} (give them one with `barcodes assign`, or use --needs-barcode)",
                skus.join(", ")
            ),
            Refusal::CopiesOutOfRange => "--copies must be 1 to 999".into(),
            Refusal::PdfToLabelPort(to) => format!(
                "waybills and pick lists as PDF cannot go to a printer's port {to}: use --printer or --out (a thermal waybill printer's port takes print waybills --raw tspl or --raw zpl)"
            ),
            Refusal::LabelPortNeedsRaw(to) => {
                format!("sending to a label printer's port {to} needs --raw tspl or --raw zpl")
            }
            Refusal::IssueWithoutLines => {
                "an issue note needs at least one line (--line SKU=QTY)".into()
            }
            Refusal::UsbPortNotAPrinter(port) => format!(
                "{port} is the port Windows gives a USB printer and cannot be written to directly: use --printer NAME (the name in Windows Settings → Printers & scanners) with --raw tspl or --raw zpl"
            ),
            Refusal::NoCups(what) => format!(
                "`{what}` not found: CUPS is not installed on this computer (Debian: apt install cups)"
            ),
            Refusal::NoStore(p) => format!(
                "there is no store at {}; nothing was created: make a new shop with `packbench init` (a demo shop with `packbench demo`), or check --db / PACKBENCH_DB for a typo",
                crate::store::shown(p)
            ),
            Refusal::StoreExists(p) => format!(
                "{} is already a shop's store and its admin has a PIN: nothing was changed (change PINs with `staff set-pin` or `staff reset-pin`)",
                crate::store::shown(p)
            ),
            Refusal::NoStaffCode => {
                "say which staff member you are: --staff CODE (or PACKBENCH_STAFF)".into()
            }
            Refusal::NoPin => {
                "no PIN: run in a terminal to be asked for it, or set PACKBENCH_PIN in a script"
                    .into()
            }
            Refusal::WrongPin => "wrong staff code or PIN".into(),
            Refusal::PinLocked { code, minutes } => format!(
                "staff code {code} is locked after too many wrong PINs: try again in {minutes} min, or have an admin reset the PIN with `staff reset-pin {code}`"
            ),
            Refusal::NoPinSet { admin: true, .. } => {
                "the admin has no PIN yet: set it first with `packbench init`".into()
            }
            Refusal::NoPinSet { code, .. } => format!(
                "staff member {code} has no PIN yet: an admin sets one with `staff reset-pin {code}`"
            ),
            Refusal::PinFlagNeeded(flag) => format!(
                "a PIN is needed: without a terminal to ask in, give it with {flag} (4 to 12 digits)"
            ),
            Refusal::PinsDiffer => "the two PINs typed differ; nothing was changed".into(),
            Refusal::OutputIsStore(p) => format!(
                "will not write to {}: it is the store (or its -wal/-shm/-journal file) and writing there would destroy the shop's data; choose another file name (--force does not change this)",
                crate::store::shown(p)
            ),
            Refusal::OutputNotOurs { path, kind } => format!(
                "will not overwrite {}: the file exists and is not {}, so its content would be lost; choose another file name, or add --force to overwrite it",
                crate::store::shown(path),
                kind.en()
            ),
            Refusal::OutputNotAFile(p) => format!(
                "will not write to {}: it is not a plain file (a folder or a device); give a file name",
                crate::store::shown(p)
            ),
            Refusal::StationInUse {
                station,
                host,
                since,
            } => format!(
                "station {station} is already open at another bench (PC {host}, since {since}): two benches cannot share a name. Give this one another with --station NAME (e.g. --station {station}-2); if that bench was closed, try again in a minute"
            ),
            Refusal::NetworkStore { path, fs } => format!(
                "{} is on a network drive ({fs}) and was not opened: an SQLite store must not be on a network drive, where several PCs at once corrupt it. Keep the store on this PC's own disk; for several PCs sharing one shop, use a PostgreSQL server (--db postgres://…, see README)",
                crate::store::shown(path)
            ),
            Refusal::StoreInUseByBench { station, host } => format!(
                "bench {station} (PC {host}) is working on this store: close every bench window and scan session before restoring; nothing was changed (a bench killed just now: try again in a minute)"
            ),
            Refusal::StoreOpenElsewhere(p) => format!(
                "another program has {} open: close every bench and command before restoring; nothing was changed",
                crate::store::shown(p)
            ),
        }
    }
}

impl From<Refusal> for Error {
    fn from(r: Refusal) -> Error {
        Error::Refused(r)
    }
}

/// What went wrong in the store, as the person at the bench needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreFault {
    /// Another station (or program) holds the write lock longer than we wait.
    Busy,
    /// The file (or its folder) may not be written.
    ReadOnly,
    DiskFull,
    /// The disk (or network drive) failed a read or write.
    Io,
    /// The file is damaged.
    Corrupt,
    /// The file cannot be opened at all (no such folder, no permission).
    CannotOpen,
    /// The shop's PostgreSQL server cannot be reached (network, server stopped).
    Unreachable,
    /// The server refused the address: a wrong user, password or database name.
    Login,
    Other,
}

impl StoreFault {
    /// A stable name for JSON.
    pub fn code(self) -> &'static str {
        match self {
            StoreFault::Busy => "busy",
            StoreFault::ReadOnly => "read_only",
            StoreFault::DiskFull => "disk_full",
            StoreFault::Io => "io",
            StoreFault::Corrupt => "corrupt",
            StoreFault::CannotOpen => "cannot_open",
            StoreFault::Unreachable => "unreachable",
            StoreFault::Login => "login",
            StoreFault::Other => "other",
        }
    }

    fn of(e: &Engine) -> StoreFault {
        use rusqlite::ErrorCode as C;
        match e {
            Engine::Lite(e) => match e.sqlite_error_code() {
                Some(C::DatabaseBusy | C::DatabaseLocked) => StoreFault::Busy,
                Some(C::ReadOnly) => StoreFault::ReadOnly,
                Some(C::DiskFull) => StoreFault::DiskFull,
                Some(C::SystemIoFailure) => StoreFault::Io,
                Some(C::DatabaseCorrupt | C::NotADatabase) => StoreFault::Corrupt,
                Some(C::CannotOpen | C::PermissionDenied) => StoreFault::CannotOpen,
                _ => StoreFault::Other,
            },
            Engine::Pg(e) => {
                use postgres::error::SqlState as S;
                match e.code() {
                    Some(c)
                        if *c == S::LOCK_NOT_AVAILABLE
                            || *c == S::T_R_DEADLOCK_DETECTED
                            || *c == S::T_R_SERIALIZATION_FAILURE =>
                    {
                        StoreFault::Busy
                    }
                    Some(c) if *c == S::READ_ONLY_SQL_TRANSACTION => StoreFault::ReadOnly,
                    Some(c) if *c == S::DISK_FULL => StoreFault::DiskFull,
                    Some(c) if *c == S::IO_ERROR => StoreFault::Io,
                    Some(c) if *c == S::DATA_CORRUPTED || *c == S::INDEX_CORRUPTED => {
                        StoreFault::Corrupt
                    }
                    Some(c)
                        if *c == S::INVALID_PASSWORD
                            || *c == S::INVALID_AUTHORIZATION_SPECIFICATION
                            || *c == S::INVALID_CATALOG_NAME
                            || *c == S::INSUFFICIENT_PRIVILEGE =>
                    {
                        StoreFault::Login
                    }
                    Some(c)
                        if *c == S::ADMIN_SHUTDOWN
                            || *c == S::CRASH_SHUTDOWN
                            || *c == S::CANNOT_CONNECT_NOW
                            || c.code().starts_with("08") =>
                    {
                        StoreFault::Unreachable
                    }
                    Some(_) => StoreFault::Other,
                    // No answer from the server at all: the connection is gone.
                    None => StoreFault::Unreachable,
                }
            }
            Engine::Gone => StoreFault::Unreachable,
            Engine::LockHeld => StoreFault::Busy,
            Engine::Decode(_) => StoreFault::Other,
        }
    }
}

/// What the engine said underneath a store error.
#[derive(Debug)]
pub enum Engine {
    Lite(rusqlite::Error),
    Pg(postgres::Error),
    /// The connection to the server is gone and was not made again yet.
    Gone,
    /// Another bench held the store's write lock all the time a write waited for it.
    LockHeld,
    /// A value read back was not what the program wrote (a column of the wrong kind).
    Decode(String),
}

impl std::fmt::Display for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Lite(e) => e.fmt(f),
            Engine::Pg(e) => match e.as_db_error() {
                Some(db) => f.write_str(db.message()),
                None => e.fmt(f),
            },
            Engine::Gone => f.write_str("the connection to the PostgreSQL server is closed"),
            Engine::LockHeld => f.write_str("the store's write lock is held by another bench"),
            Engine::Decode(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Engine {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Engine::Lite(e) => Some(e),
            Engine::Pg(e) => Some(e),
            _ => None,
        }
    }
}

/// A store error: its fault, whether it stopped a scan, and SQLite's own words for the log.
#[derive(Debug)]
pub struct StoreError {
    pub fault: StoreFault,
    /// The store failed while a scan was being written: the scan was not recorded.
    pub scan: bool,
    source: Engine,
}

impl StoreError {
    /// SQLite's own words ("database is locked"), for the log; never shown to the user.
    pub fn detail(&self) -> String {
        self.source.to_string()
    }

    /// The engine's result code, without its words, for someone helping over the phone
    /// (`SQLite DatabaseBusy 5`, `PostgreSQL 55P03`).
    pub fn code(&self) -> Option<String> {
        match &self.source {
            Engine::Lite(rusqlite::Error::SqliteFailure(f, _)) => {
                Some(format!("SQLite {:?} {}", f.code, f.extended_code))
            }
            Engine::Pg(e) => e.code().map(|c| format!("PostgreSQL {}", c.code())),
            _ => None,
        }
    }

    pub fn zh(&self) -> String {
        let (what, then) = match self.fault {
            StoreFault::Busy => ("另一台工位正在写入", "请再扫一次"),
            StoreFault::ReadOnly => (
                "数据库文件是只读的，不能写入",
                "请管理员检查文件和文件夹的权限后再扫一次",
            ),
            StoreFault::DiskFull => ("磁盘已满，不能写入", "请腾出磁盘空间后再扫一次"),
            StoreFault::Io => (
                "读写数据库文件时出错（磁盘或网络盘故障）",
                "请再扫一次；仍不行请检查磁盘",
            ),
            StoreFault::Corrupt => ("数据库文件已损坏", "请停止使用并联系管理员从备份恢复"),
            StoreFault::CannotOpen => (
                "无法打开数据库文件（文件夹不存在或没有权限）",
                "请检查后再扫一次",
            ),
            StoreFault::Unreachable => {
                ("连不上店里的数据库服务器", "正在重新连接，连上后请再扫一次")
            }
            StoreFault::Login => (
                "店里的数据库服务器拒绝了登录",
                "请管理员检查 --db 里的用户名、密码和数据库名",
            ),
            StoreFault::Other => ("数据库出错", "请再扫一次"),
        };
        if self.scan {
            format!("{what}，这次扫描没有记录，{then}")
        } else {
            match self.fault {
                StoreFault::Busy => format!("{what}，请稍后再试"),
                StoreFault::ReadOnly => format!("{what}（请检查文件和文件夹的权限）"),
                StoreFault::DiskFull => format!("{what}，请腾出磁盘空间后再试"),
                StoreFault::Io => format!("{what}，请再试一次；仍不行请检查磁盘或网络盘"),
                StoreFault::Corrupt => format!("{what}，请停止使用并从备份恢复"),
                StoreFault::CannotOpen => {
                    format!("{what}，请检查文件夹是否存在、是否有权限，以及 --db 路径是否写对")
                }
                StoreFault::Unreachable => {
                    format!(
                        "{what}（网络断了或服务器关了），什么都没有写入：请检查网络和服务器电脑后再试"
                    )
                }
                StoreFault::Login => format!(
                    "{what}：--db 里的用户名、密码或数据库名不对（或没有权限），什么都没有写入"
                ),
                StoreFault::Other => format!("{what}，请再试一次；仍不行请联系管理员"),
            }
        }
    }

    fn en(&self) -> String {
        let (what, then) = match self.fault {
            StoreFault::Busy => ("another station is writing to the store", "scan it again"),
            StoreFault::ReadOnly => (
                "the store file is read-only and cannot be written",
                "have the permissions of the file and its folder fixed, then scan it again",
            ),
            StoreFault::DiskFull => (
                "the disk is full and the store cannot be written",
                "free some space, then scan it again",
            ),
            StoreFault::Io => (
                "the store file could not be read or written (a disk or network drive fault)",
                "scan it again; if that fails, check the disk",
            ),
            StoreFault::Corrupt => (
                "the store file is damaged",
                "stop and have it restored from a backup",
            ),
            StoreFault::CannotOpen => (
                "the store file cannot be opened (no such folder, or no permission)",
                "check it, then scan again",
            ),
            StoreFault::Unreachable => (
                "the shop's database server cannot be reached",
                "reconnecting; scan it again once it is back",
            ),
            StoreFault::Login => (
                "the shop's database server refused the login",
                "have an administrator check the user, password and database name in --db",
            ),
            StoreFault::Other => ("the store reported an error", "scan it again"),
        };
        if self.scan {
            format!("{what}: this scan was not recorded; {then}")
        } else {
            match self.fault {
                StoreFault::Busy => format!("{what}; try again in a moment"),
                StoreFault::ReadOnly => {
                    format!("{what} (check the permissions of the file and its folder)")
                }
                StoreFault::DiskFull => format!("{what}; free some space, then try again"),
                StoreFault::Io => {
                    format!(
                        "{what}; try again; if it keeps failing, check the disk or network drive"
                    )
                }
                StoreFault::Corrupt => format!("{what}; stop and restore a backup"),
                StoreFault::CannotOpen => format!(
                    "{what}; check that the folder exists and may be written, and that --db is spelt right"
                ),
                StoreFault::Unreachable => format!(
                    "{what} (network down or server off); nothing was written: check the network and the server PC, then try again"
                ),
                StoreFault::Login => format!(
                    "{what}: the user, password or database name in --db is wrong (or has no rights there); nothing was written"
                ),
                StoreFault::Other => {
                    format!("{what}; try again; if it keeps happening, call the administrator")
                }
            }
        }
    }
}

/// Plain words; `{:#}` adds SQLite's own, for a log.
impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en())?;
        if f.alternate() {
            write!(f, " ({})", self.source)?;
        }
        Ok(())
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl From<rusqlite::Error> for Error {
    fn from(source: rusqlite::Error) -> Error {
        let words = match &source {
            rusqlite::Error::SqliteFailure(_, Some(m)) => Some(m.clone()),
            _ => None,
        };
        Error::from_engine(words.as_deref(), Engine::Lite(source))
    }
}

impl From<postgres::Error> for Error {
    fn from(source: postgres::Error) -> Error {
        let words = source.as_db_error().map(|d| d.message().to_owned());
        Error::from_engine(words.as_deref(), Engine::Pg(source))
    }
}

impl Error {
    /// An engine's error: the schema's refusals in words, the rest by their fault.
    fn from_engine(words: Option<&str>, source: Engine) -> Error {
        // The schema's backstop for a code used twice (schema.sql, version 10): the flows check
        // first and name the holder; a path that forgot still gets words, not the engine's.
        if words.is_some_and(|m| m.starts_with("code taken")) {
            return Error::invalid(
                "这个编码已被占用：条码、商家编码和快递单号不能重复，什么都没有写入",
                "this code is taken already: barcodes, merchant codes and tracking numbers must all differ; nothing was written",
            );
        }
        Error::Store(StoreError {
            fault: StoreFault::of(&source),
            scan: false,
            source,
        })
    }

    /// A value read from the store that is not what the program wrote there.
    pub fn decode(why: impl Into<String>) -> Error {
        Error::from_engine(None, Engine::Decode(why.into()))
    }

    /// Another bench held the store's write lock as long as a write waited.
    pub fn lock_held() -> Error {
        Error::from_engine(None, Engine::LockHeld)
    }

    /// The server's connection is gone (and was not made again yet).
    pub fn server_gone() -> Error {
        Error::from_engine(None, Engine::Gone)
    }
}

impl From<crate::domain::IdError> for Error {
    fn from(e: crate::domain::IdError) -> Error {
        Error::invalid(e.zh(), e.to_string())
    }
}

impl Error {
    /// The error as a message box says it to someone who double-clicked packbench.exe (no
    /// console, no command line in sight): both languages, and for a missing store the first
    /// steps, which need a command prompt.
    pub fn for_double_click(&self) -> String {
        let mut text = format!("{}\n\n{self}", self.zh());
        if matches!(self, Error::Refused(Refusal::NoStore(_))) {
            text.push_str(
                "\n\n第一次使用：在 packbench.exe 所在文件夹的地址栏里输入 cmd 回车，再输入 packbench.exe init 新建店铺的数据库；想先看看：packbench.exe --demo。详见 README-Windows.txt。\n\nFirst time: type cmd in the address bar of packbench.exe's folder and press Enter, then packbench.exe init to make the shop's store; to look around first: packbench.exe --demo. See README-Windows.txt.",
            );
        }
        text
    }

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

    /// A store found damaged while working on the file at `path` (opening it, reading a table):
    /// said as `Damaged`, naming the file and what to do.
    pub fn damaged_at(self, path: &std::path::Path) -> Error {
        match self {
            Error::Store(e) if e.fault == StoreFault::Corrupt => Error::Damaged {
                path: path.to_path_buf(),
                detail: e.detail(),
            },
            other => other,
        }
    }

    /// The same error met while a scan was being written: its message says the scan was not
    /// recorded and to scan again.
    pub fn in_scan(self) -> Error {
        match self {
            Error::Store(e) => Error::Store(StoreError { scan: true, ..e }),
            other => other,
        }
    }

    /// SQLite's result code of a store error, without its words (see `StoreError::code`).
    pub fn code(&self) -> Option<String> {
        match self {
            Error::Store(e) => e.code(),
            Error::PrintFailed { cause, .. } => cause.code(),
            _ => None,
        }
    }

    /// What went wrong underneath, for a log: SQLite's own words for a store error.
    pub fn detail(&self) -> Option<String> {
        match self {
            Error::Store(e) => Some(e.detail()),
            Error::Damaged { detail, .. } => Some(detail.clone()),
            Error::PrintFailed { cause, .. } => cause.detail(),
            _ => None,
        }
    }

    /// The message in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Error::NotAStore(p) => format!(
                "{} 不是 packbench 数据库（不是 SQLite 文件），文件未被改动",
                crate::store::shown(p)
            ),
            Error::ForeignDatabase(p) => {
                format!(
                    "{} 是其他程序的 SQLite 数据库，不是 packbench 数据库，文件未被改动",
                    crate::store::shown(p)
                )
            }
            Error::StoreTooNew {
                path,
                found,
                supported,
            } => format!(
                "{} 由更新版本的 packbench 写入（数据库版本 {found}，本程序最高支持 {supported}），请升级 packbench",
                crate::store::shown(path)
            ),
            Error::Damaged { path, .. } => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                format!(
                    "数据库文件 {} 已损坏，没有使用（什么都没有写入）：请停止使用，先把它（连同旁边的 {name}-wal、{name}-shm）复制保存，再用最近的备份替换它",
                    crate::store::shown(path)
                )
            }
            Error::Denied(d) => d.zh(),
            Error::UnknownStaff(c) => format!("没有这个员工：{c}"),
            Error::NotFound { what_zh, key, .. } => format!("找不到{what_zh}：{key}"),
            Error::Invalid { zh, .. } => zh.clone(),
            Error::Refused(r) => r.zh(),
            Error::PrintFailed { job, cause } => {
                format!(
                    "{}（打印任务 {job} 已记为失败，可用 print retry {job} 重打）",
                    cause.zh()
                )
            }
            Error::Barcode(e) => e.zh(),
            Error::ImportRefused(s) => {
                format!("导入被拒绝：{} 行有错误，什么都没有写入", s.rejected.len())
            }
            Error::Io { path, source } => {
                format!("无法读写 {}：{source}", crate::store::shown(path))
            }
            Error::Store(e) => e.zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_double_click_without_a_store_is_told_the_first_steps_in_both_languages() {
        let e: Error = Refusal::NoStore(PathBuf::from(r"C:\Users\shop\packbench.db")).into();
        let text = e.for_double_click();
        assert!(text.starts_with(&e.zh()), "{text}");
        assert!(text.contains(&e.to_string()), "{text}");
        assert!(text.contains("packbench.exe init 新建店铺"), "{text}");
        assert!(text.contains("then packbench.exe init"), "{text}");
        // Any other error is said as it is, without first steps.
        let other: Error = Refusal::WrongPin.into();
        assert_eq!(
            other.for_double_click(),
            format!("{}\n\n{other}", other.zh())
        );
    }

    fn sqlite(code: i32, text: &str) -> Error {
        Error::from(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(code),
            Some(text.into()),
        ))
    }

    #[test]
    fn store_errors_are_said_in_plain_words() {
        use rusqlite::ffi;
        for (code, text, fault) in [
            (ffi::SQLITE_BUSY, "database is locked", StoreFault::Busy),
            (
                ffi::SQLITE_LOCKED,
                "database table is locked",
                StoreFault::Busy,
            ),
            (
                ffi::SQLITE_READONLY,
                "attempt to write a readonly database",
                StoreFault::ReadOnly,
            ),
            (
                ffi::SQLITE_FULL,
                "database or disk is full",
                StoreFault::DiskFull,
            ),
            (ffi::SQLITE_IOERR, "disk I/O error", StoreFault::Io),
            (
                ffi::SQLITE_CORRUPT,
                "database disk image is malformed",
                StoreFault::Corrupt,
            ),
            (
                ffi::SQLITE_CANTOPEN,
                "unable to open database file",
                StoreFault::CannotOpen,
            ),
            (
                ffi::SQLITE_CONSTRAINT,
                "UNIQUE constraint failed",
                StoreFault::Other,
            ),
        ] {
            let e = sqlite(code, text);
            let Error::Store(s) = &e else { panic!("{e:?}") };
            assert_eq!(s.fault, fault, "{text}");
            // SQLite's words are kept for the log, never shown in the message.
            assert_eq!(e.detail().as_deref(), Some(text));
            assert!(
                !e.zh().contains(text) && !e.to_string().contains(text),
                "{text}"
            );
            assert!(format!("{e:#}").ends_with(&format!("({text})")));
            let scan = e.in_scan();
            assert!(scan.zh().contains("这次扫描没有记录"), "{}", scan.zh());
            assert!(scan.to_string().contains("this scan was not recorded"));
        }
        let busy = sqlite(rusqlite::ffi::SQLITE_BUSY, "database is locked");
        assert_eq!(busy.zh(), "另一台工位正在写入，请稍后再试");
        assert_eq!(
            busy.in_scan().zh(),
            "另一台工位正在写入，这次扫描没有记录，请再扫一次"
        );
        // Not a store error: untouched.
        let other = Error::invalid("中", "en").in_scan();
        assert_eq!((other.zh(), other.detail()), ("中".to_string(), None));
    }
}
