//! The command line: headless work (imports, look-ups, staff, the demo shop) over the same flows
//! the GUI uses. Every command acts as a signed-in staff member (`--staff` and their PIN), so
//! permissions and attribution apply here too. A store is made only by `init` or the demo.

// What this module prints goes through `shown::line`: these shadow the standard macros in
// every file of the command line (the scan verdicts' `writeln!` to standard output too), so no
// output can forget it.
macro_rules! println {
    () => { ::std::println!() };
    ($($arg:tt)*) => { ::std::println!("{}", $crate::cli::shown::line(&::std::format!($($arg)*))) };
}
#[allow(unused_macros)] // none yet; here so that a `print!` added later is covered too
macro_rules! print {
    ($($arg:tt)*) => { ::std::print!("{}", $crate::cli::shown::line(&::std::format!($($arg)*))) };
}
macro_rules! writeln {
    ($dst:expr $(,)?) => { ::std::writeln!($dst) };
    ($dst:expr, $($arg:tt)*) => {
        ::std::writeln!($dst, "{}", $crate::cli::shown::line(&::std::format!($($arg)*)))
    };
}
macro_rules! eprintln {
    () => { ::std::eprintln!() };
    ($($arg:tt)*) => { ::std::eprintln!("{}", $crate::cli::shown::line(&::std::format!($($arg)*))) };
}

mod after;
mod bench;
mod json;
mod print;
mod replay;
mod report;
mod shown;
mod stock;
mod table;
mod team;

use crate::domain::{Actor, OrderStatus, Role};
use crate::error::{Error, Refusal};
use crate::flow;
use crate::flow::import::ImportOptions;
use crate::import::{BadRow, ImportSummary, ProductImportSummary};
use crate::store::Store;
use clap::{Args, Parser, Subcommand};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `--db` in the help, with this system's folder (see `crate::home`).
const DB_HELP: &str = crate::os::Os::THIS.pick(
    r"The store file (default: $PACKBENCH_DB, else %APPDATA%\packbench\packbench.db; beside packbench.exe, with its backups and print folders, when a file named packbench.portable is there)",
    "The store file (default: $PACKBENCH_DB, else packbench.db in the user's data folder, ~/.local/share/packbench on Linux; beside the program, with its backups and print folders, when a file named packbench.portable is there)",
);

#[derive(Debug, Parser)]
#[command(
    name = "packbench",
    version,
    about = "淘宝店后仓终端 · the back-room terminal of a Taobao shop"
)]
pub struct Cli {
    #[arg(long, global = true, env = "PACKBENCH_DB", help = DB_HELP)]
    pub db: Option<PathBuf>,
    /// The staff code this command acts as; the PIN is asked for in a terminal, else taken from
    /// $PACKBENCH_PIN.
    #[arg(long, global = true, env = "PACKBENCH_STAFF")]
    pub staff: Option<String>,
    /// The station (bench PC) name recorded with every action (default: the host name).
    #[arg(long, global = true, env = "PACKBENCH_STATION")]
    pub station: Option<String>,
    /// Open the bench on a fresh demo shop (a folder of its own in the temp folder, beside the
    /// program when portable, unless --db is given).
    #[arg(long)]
    pub demo: bool,
    /// The bench's language: zh (default) or en.
    #[arg(long, global = true, env = "PACKBENCH_LANG", default_value = "zh", value_parser = ["zh", "en"])]
    pub lang: String,
    /// Start the bench with its sounds off.
    #[arg(long)]
    pub mute: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Make a new shop's store and set the admin's PIN (asked twice in a terminal); on a store
    /// made before PINs were required, set its admin's PIN.
    Init {
        /// The admin's PIN (4–12 digits), for scripts; leave it out in a terminal to be asked.
        #[arg(long)]
        admin_pin: Option<String>,
    },
    /// Import Taobao exports or a product catalogue.
    #[command(subcommand)]
    Import(ImportCmd),
    /// One order: show it, add a remark, correct its status.
    #[command(subcommand)]
    Order(OrderCmd),
    /// List orders.
    #[command(subcommand)]
    Orders(OrdersCmd),
    /// One product.
    #[command(subcommand)]
    Product(ProductCmd),
    /// Products: find them, set their pictures from a folder.
    #[command(subcommand)]
    Products(ProductsCmd),
    /// Staff members.
    #[command(subcommand)]
    Staff(StaffCmd),
    /// Fill the store with a demo shop, or write it as Taobao export files.
    Demo(DemoArgs),
    /// Shop settings.
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// Order review (审单): what is ready to print, holds.
    #[command(subcommand)]
    Review(bench::ReviewCmd),
    /// Merge orders of one buyer and address into one parcel (合并发货).
    Merge(bench::MergeArgs),
    /// Undo the merge an order is in (before printing).
    Unmerge { order_no: String },
    /// The pool of tracking numbers.
    #[command(subcommand)]
    Waybills(bench::WaybillsCmd),
    /// Print batches (打印批次) and their pick lists.
    #[command(subcommand)]
    Batch(bench::BatchCmd),
    /// The headless bench: one scan per line in, one verdict per line out.
    Scan(bench::ScanArgs),
    /// Serial scanners this machine has.
    #[command(subcommand)]
    Scanners(bench::ScannersCmd),
    /// This station's scanner settings (`--station` names the station).
    #[command(subcommand)]
    Station(bench::StationCmd),
    /// Free a parcel left open at a bench that is gone, so another bench may check it.
    Release { tracking_no: String },
    /// One printed waybill: void it, give its parcel a new one.
    #[command(subcommand)]
    Waybill(after::WaybillCmd),
    /// One printed parcel: take an order out.
    #[command(subcommand)]
    Parcel(after::ParcelCmd),
    /// The order printer's and the CS supervisor's exceptions lists.
    #[command(subcommand)]
    Exceptions(after::ExceptionsCmd),
    /// The end-of-day self-audits (自我审核) of each role; checks across the shop's records.
    Audit(report::AuditArgs),
    /// Performance and commission (业绩, 提成), on screen, as JSON, CSV or XLSX.
    #[command(subcommand)]
    Report(report::ReportCmd),
    /// Files for Taobao's seller centre.
    #[command(subcommand)]
    Export(ExportCmd),
    /// Ship a whole batch without checking (for shops that do not check).
    Ship {
        /// The batch: 12 or B12.
        #[arg(long)]
        batch: String,
        #[arg(long)]
        json: bool,
    },
    /// Print waybills, pick lists and barcode labels; the print log.
    #[command(subcommand)]
    Print(print::PrintCmd),
    /// The printers (CUPS queues) of this computer.
    #[command(subcommand)]
    Printers(print::PrintersCmd),
    /// Give products barcodes by the shop's rule.
    #[command(subcommand)]
    Barcodes(print::BarcodesCmd),
    /// Stock: a product's stock and ledger, the ledger check, low and dead stock.
    #[command(subcommand)]
    Stock(stock::StockCmd),
    /// Inbound receipts (入库单).
    #[command(subcommand)]
    Receipt(stock::ReceiptCmd),
    /// Outbound notes (出库单).
    #[command(subcommand)]
    Issue(stock::IssueCmd),
    /// Stocktakes (盘点).
    #[command(subcommand)]
    Stocktake(stock::StocktakeCmd),
    /// Back the store up while benches work (admins): into DIR, default `backups` beside the
    /// store; older backups thinned (last 24 h all, then 7 daily, 4 weekly, 12 monthly).
    Backup {
        dir: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Put a backup in the store's place (admins), offline: every bench closed. The backup is
    /// checked first; the store as it was is kept beside it.
    Restore {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// The store itself: move a whole shop to another store.
    #[command(subcommand)]
    Store(StoreCmd),
    /// The team: the roster (排班), the handover book (交接本), the team fund (团队基金).
    #[command(subcommand)]
    Team(team::TeamCmd),
    /// The event log: who did what, newest first.
    Events {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StoreCmd {
    /// Copy a whole store into a new one (SQLite file → PostgreSQL database, or back), admins:
    /// FROM and TO are a file path or postgres://user@host/dbname; TO must hold no store yet
    /// (an empty database, or no file). Checked table by table, with the stock ledger, before
    /// it is said done.
    Copy {
        from: PathBuf,
        to: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// ExportOrderList.csv and ExportOrderDetailList.csv from the seller centre (GBK or UTF-8).
    Orders {
        orders: PathBuf,
        lines: PathBuf,
        #[arg(long)]
        json: bool,
        /// Import the good rows; write the bad ones to a .rejected.csv beside the input.
        #[arg(long)]
        skip_bad: bool,
    },
    /// A catalogue: 商家编码,条码,名称,规格,单价,库位,库存 (or sku_code,barcode,name,spec,price,bin,qty).
    Products {
        file: PathBuf,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        skip_bad: bool,
    },
    /// A refund export from the seller centre (退款管理 → 导出), GBK or UTF-8: one refund per
    /// 退款编号, a re-import updating it. All or nothing.
    Refunds {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrderCmd {
    Show {
        order_no: String,
        #[arg(long)]
        json: bool,
    },
    /// Append a remark, tagged with your staff code (remarks are never edited or removed).
    Remark {
        order_no: String,
        text: String,
        /// The red flag: handle this order with care.
        #[arg(long)]
        flag: bool,
    },
    /// Correct an order's status by hand (unpaid, paid, shipped, completed, closed).
    SetStatus {
        order_no: String,
        status: String,
        #[arg(long)]
        reason: String,
    },
    /// Match a line whose merchant code is empty or unknown to a product (维护为空的条码): the
    /// same item in other open orders too, and in every later import.
    Match {
        order_no: String,
        /// The line's number, from 1, as `order show` lists them.
        #[arg(long)]
        line: usize,
        /// The product's merchant code.
        #[arg(long)]
        sku: String,
    },
    /// The courier one order must go by (指定快递): only a batch of that courier takes it.
    /// Without COURIER: any courier again.
    SetCourier {
        order_no: String,
        courier: Option<String>,
    },
    /// Enter a phone or offline order (录入电话的订单) from a JSON file: receiver, lines
    /// (sku_code, qty, price), paid, postage, remark.
    Create {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Link an exchange order (换货) to the order whose goods come back, with the return
    /// waybill once known.
    Exchange {
        order_no: String,
        #[arg(long = "for")]
        original: String,
        #[arg(long)]
        return_waybill: Option<String>,
    },
    /// Correct the receiver before printing (the old one stays in the event log; a later
    /// import keeps the correction). Fields not given stay.
    SetReceiver {
        order_no: String,
        #[arg(long, default_value = "")]
        name: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        address: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrdersCmd {
    List {
        /// unpaid, paid, shipped, completed or closed
        #[arg(long)]
        status: Option<String>,
        #[arg(long, default_value_t = 1000)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductCmd {
    /// A product by merchant code or barcode.
    Show {
        sku_or_barcode: String,
        #[arg(long)]
        json: bool,
    },
    /// Stop products (停用) and free their bins: only with nothing on hand and no open orders.
    Discontinue {
        #[arg(required = true)]
        skus: Vec<String>,
    },
    /// Change a product: fields not given stay.
    Edit {
        sku: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        spec: Option<String>,
        /// In yuan: 12.50
        #[arg(long)]
        price: Option<String>,
        /// "" takes it off its bin.
        #[arg(long)]
        bin: Option<String>,
        #[arg(long)]
        barcode: Option<String>,
    },
    /// Set a product's picture from a JPEG or PNG file.
    Picture { sku: String, file: PathBuf },
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// The shipments of a batch or a day for Taobao's bulk delivery (订单编号,物流公司,运单号): a
    /// CSV with a UTF-8 BOM, or an XLSX when FILE ends in .xlsx.
    Shipments {
        /// A batch: 12 or B12.
        #[arg(long, conflicts_with = "day", required_unless_present = "day")]
        batch: Option<String>,
        /// Every batch printed that day (Beijing time): YYYY-MM-DD.
        #[arg(long)]
        day: Option<String>,
        #[arg(long)]
        out: PathBuf,
        /// Replace a file there that is not an earlier shipments file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProductsCmd {
    /// Products whose merchant code, barcode, name or spec holds every word given.
    Search {
        /// Words to find (none: every product).
        words: Vec<String>,
        #[arg(long, default_value_t = 100)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Set pictures from a folder of files named by merchant code (A1001.jpg, A1002.png). All
    /// or nothing unless --skip-bad.
    Images {
        dir: PathBuf,
        /// Set the good pictures and list the bad files, instead of setting none.
        #[arg(long)]
        skip_bad: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCmd {
    Add {
        code: String,
        #[arg(long)]
        name: String,
        /// customer_service, cs_supervisor, order_printer, picker, checker, purchaser,
        /// label_printer, inbound_inspector, stock_keeper or admin
        #[arg(long)]
        role: String,
        /// 4–12 digits, for signing in; leave it out in a terminal to be asked.
        #[arg(long)]
        pin: Option<String>,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change your own PIN (the one you signed in with).
    SetPin {
        /// The new PIN (4–12 digits), for scripts; leave it out in a terminal to be asked.
        #[arg(long)]
        new_pin: Option<String>,
    },
    /// Give a staff member a new PIN (admins): a forgotten or locked one; the lock is lifted.
    ResetPin {
        code: String,
        /// The new PIN (4–12 digits), for scripts; leave it out in a terminal to be asked.
        #[arg(long)]
        new_pin: Option<String>,
    },
    /// A staff member leaves (admins): the code can no longer sign in; their history stays.
    Deactivate { code: String },
    /// A staff member who left comes back (admins).
    Activate { code: String },
    /// Give a staff member another role (admins).
    SetRole {
        code: String,
        /// customer_service, cs_supervisor, order_printer, picker, checker, purchaser,
        /// label_printer, inbound_inspector, stock_keeper or admin
        #[arg(long)]
        role: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    List,
    Get { key: String },
    Set { key: String, value: String },
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[arg(long, default_value_t = 200)]
    pub orders: u64,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Products in all: the clothing catalogue, then generated ones (GEN-000001 …, bins Z-…)
    /// up to this many.
    #[arg(long, default_value_t = 0)]
    pub products: u64,
    /// Write the shop as Taobao export files (GBK) into this folder instead of filling the store.
    #[arg(long)]
    pub export_taobao: Option<PathBuf>,
    /// With --export-taobao: overwrite files there that are not earlier exports.
    #[arg(long, requires = "export_taobao")]
    pub force: bool,
}

/// Parses the command line and runs it; errors are printed in Chinese and English.
pub fn main() -> ExitCode {
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    // The window started from Explorer: its console goes, and an error is said in a box.
    let double_clicked = cli.command.is_none() && crate::os::console_of_its_own();
    if double_clicked {
        crate::os::leave_console();
    }
    match run(cli) {
        Ok(code) => code,
        Err(e) if double_clicked => {
            crate::os::alert("packbench", &e.for_double_click());
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("错误：{}", e.zh());
            eprintln!("error: {e}");
            // SQLite's code for whoever helps; never its English words ("database is locked").
            if let Some(code) = e.code() {
                eprintln!("  ({code})");
            }
            // The engine's own words, when someone helping asks for them.
            if std::env::var_os("PACKBENCH_DEBUG").is_some()
                && let Some(detail) = e.detail()
            {
                eprintln!("  [{detail}]");
            }
            ExitCode::FAILURE
        }
    }
}

/// Says on standard error (or, for a scan session with `--json`, as a JSON event on standard
/// output, in the stream of verdicts) that a write waits for another process's write lock, and
/// when it goes on. A scan session's scans are kept meanwhile; another command waits up to
/// `store::DEFAULT_WAIT`.
pub(crate) fn lock_wait_reporter(json: bool, scanning: bool) -> crate::store::WaitHook {
    use crate::store::LockWait;
    std::sync::Arc::new(move |w: LockWait| {
        let (event, ms, zh, en) = match w {
            LockWait::Waiting(d) if d < std::time::Duration::from_secs(1) => (
                "store_busy",
                d.as_millis(),
                if scanning {
                    "另一个程序（另一台工位或导入）正在写入数据库，正在等它写完；扫描都留着，一个也不会丢".to_string()
                } else {
                    "另一个程序（另一台工位或导入）正在写入数据库，正在等它写完（最多 10 秒）"
                        .to_string()
                },
                if scanning {
                    "another program (a station or an import) is writing to the store; waiting for it to finish; the scans are kept, none is lost".to_string()
                } else {
                    "another program (a station or an import) is writing to the store; waiting for it to finish (up to 10 s)".to_string()
                },
            ),
            LockWait::Waiting(d) => (
                "store_busy",
                d.as_millis(),
                format!("仍在等待数据库（已等 {} 秒）", d.as_secs()),
                format!("still waiting for the store ({} s so far)", d.as_secs()),
            ),
            // The refusal itself is said next, as the scan's answer or the command's error.
            LockWait::GaveUp(_) => return,
            LockWait::Got(d) => (
                "store_free",
                d.as_millis(),
                format!("数据库可以写入了，继续（等了 {:.1} 秒）", d.as_secs_f64()),
                format!(
                    "the store is free again; carrying on (waited {:.1} s)",
                    d.as_secs_f64()
                ),
            ),
        };
        if json && scanning {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "{}",
                serde_json::json!({"event": event, "waited_ms": ms as u64, "message_zh": zh, "message_en": en})
            );
            let _ = out.flush();
        } else {
            eprintln!("{zh} · {en}");
        }
    })
}

/// The shop's own backup at the end of a shift on the command line (a `scan` session ended):
/// said on standard error, so a stream of verdicts on standard output stays as it is. A backup
/// that fails is said and does not fail the session.
pub(crate) fn shift_end_backup(
    store: &std::path::Path,
    actor: &Actor,
    why: flow::backup::ShiftEnd,
) {
    match flow::backup::end_of_shift(store, actor, why, chrono::Utc::now()) {
        Ok(Some(b)) => eprintln!(
            "班次结束，已自动备份 · end of shift, backed up: {}",
            b.made.path.display()
        ),
        Ok(None) => {}
        Err(e) => eprintln!(
            "班次结束的自动备份没有成功：{} · the end-of-shift backup failed: {e}",
            e.zh()
        ),
    }
}

/// The store path when neither `--db` nor `$PACKBENCH_DB` names one (see `crate::home`).
pub fn default_store_path() -> PathBuf {
    crate::home::Home::here().store()
}

/// The station name: `--station`, else the host name.
fn station_name(given: Option<String>) -> String {
    given
        .or_else(|| {
            std::fs::read_to_string("/proc/sys/kernel/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "bench".into())
}

fn parse_status(s: &str) -> Result<OrderStatus, Error> {
    OrderStatus::from_code(s)
        .or_else(|| OrderStatus::from_taobao(s))
        .ok_or_else(|| {
            Error::invalid(
                format!("不认识的订单状态：{s}（可用 unpaid, paid, shipped, completed, closed）"),
                format!("unknown order status: {s} (use unpaid, paid, shipped, completed, closed)"),
            )
        })
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    let station = station_name(cli.station);
    let Some(command) = cli.command else {
        // No subcommand: the bench window.
        let db = match (cli.db, cli.demo) {
            (Some(db), _) => db,
            (None, true) => crate::home::Home::here().demo_store(
                &std::env::temp_dir(),
                std::process::id(),
                |d| d.exists(),
            ),
            (None, false) => default_store_path(),
        };
        if cli.demo {
            match Store::open(&db) {
                Err(Error::Refused(Refusal::NoStore(_))) => {
                    flow::demo::create_store(&db, &station)?;
                }
                Ok(_) => {
                    return Err(Error::invalid(
                        format!(
                            "--demo 会新建一个演示店，而 {} 已经有数据库：去掉 --demo 打开它，或用 --db 给一个新路径",
                            crate::store::shown(&db)
                        ),
                        format!(
                            "--demo makes a new demo shop, and {} already holds a store: leave out --demo to open it, or give a new path with --db",
                            crate::store::shown(&db)
                        ),
                    ));
                }
                Err(e) => return Err(e),
            }
        } else {
            // No window on a path without a store: say how to make one instead.
            drop(Store::open(&db)?);
        }
        let opts = crate::ui::Options {
            db,
            lang: crate::ui::i18n::Lang::from_code(&cli.lang).unwrap_or_default(),
            station,
            staff: cli.staff,
            demo: cli.demo,
            muted: cli.mute,
        };
        return match crate::ui::run(opts) {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => Err(Error::invalid(
                format!("无法打开窗口：{e}（没有显示器？命令行用法见 --help）"),
                format!(
                    "cannot open the window: {e} (no display? see --help for the command line)"
                ),
            )),
        };
    };
    // Writing the demo export needs no store.
    if let Command::Demo(DemoArgs {
        export_taobao: Some(dir),
        orders,
        seed,
        force,
        ..
    }) = &command
    {
        let cat = crate::demo::catalogue(*seed);
        let store = cli.db.clone().unwrap_or_else(default_store_path);
        let paths = crate::import::export::write_taobao_export(
            dir,
            &cat,
            crate::demo::orders(*seed, *orders, &cat),
            &crate::output::Guard::new(&store, *force),
        )?;
        for p in paths {
            println!("{}", p.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    let path = cli.db.unwrap_or_else(default_store_path);
    if let Command::Init { admin_pin } = &command {
        flow::staff::may_init(&path)?;
        let pin = new_pin(admin_pin.clone(), "--admin-pin", "admin")?;
        let (_, init) = flow::staff::init_store(&path, &pin, &station)?;
        match init {
            flow::staff::Init::Created => println!(
                "已新建店铺数据库 · store created: {}（管理员工号 admin · admin's staff code: admin）",
                crate::store::shown(&path)
            ),
            flow::staff::Init::AdminPinSet => {
                println!(
                    "管理员密码已设置 · admin's PIN set: {}",
                    crate::store::shown(&path)
                )
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Store(StoreCmd::Copy { from, to, json }) = &command {
        // Between two stores, neither of them --db: signs in to the source itself.
        let (code, pin) = staff_and_pin(cli.staff)?;
        let c = flow::backup::copy_store(from, to, &code, &pin, &station)?;
        let rows: i64 = c.tables.iter().map(|t| t.target_rows).sum();
        if *json {
            println!(
                "{}",
                serde_json::json!({"from": shown_store(from), "to": shown_store(to),
                    "tables": c.tables, "rows": rows,
                    "ledger_differences": c.ledger_differences})
            );
        } else {
            for t in &c.tables {
                println!("{:<24} {:>10}", t.table, t.target_rows);
            }
            println!(
                "已复制 · copied: {} → {}（{} 张表，{rows} 行，逐表核对一致，库存账 {} 处不符 · {} tables, {rows} rows, every table checked, {} ledger differences）",
                shown_store(from),
                shown_store(to),
                c.tables.len(),
                c.ledger_differences,
                c.tables.len(),
                c.ledger_differences
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Command::Restore { file, json } = &command {
        // Offline, and possibly over a damaged store: signs in itself (see flow::backup::restore).
        let (code, pin) = staff_and_pin(cli.staff)?;
        let r = flow::backup::restore(&path, file, &code, &pin, &station, chrono::Utc::now())?;
        if *json {
            println!(
                "{}",
                serde_json::json!({"store": r.store, "restored_from": r.from,
                    "safety_copy": r.safety_copy, "version": r.version})
            );
        } else {
            println!(
                "已恢复备份 · restored: {} → {}",
                crate::store::shown(&r.from),
                crate::store::shown(&r.store)
            );
            if let Some(p) = &r.safety_copy {
                println!(
                    "原来的数据库保存在 · the store as it was is kept in: {}",
                    p.display()
                );
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    // Damage met anywhere names the file and says what to do.
    (|| {
        let mut store = match Store::open(&path) {
            // The demo makes its own shop where there is none; it signs in as its admin.
            Err(Error::Refused(Refusal::NoStore(_))) if matches!(command, Command::Demo(_)) => {
                let (mut store, admin) = flow::demo::create_store(&path, &station)?;
                store.on_lock_wait(lock_wait_reporter(false, false));
                return execute(&mut store, &admin, command);
            }
            opened => opened?,
        };
        store.on_lock_wait(lock_wait_reporter(false, false));
        let (code, pin) = staff_and_pin(cli.staff)?;
        let actor = flow::staff::sign_in(&mut store, &code, &pin, &station)?;
        execute(&mut store, &actor, command)
    })()
    .map_err(|e| e.damaged_at(&path))
}

/// A store as it may be printed: a file's path, a server's address without its password.
fn shown_store(path: &Path) -> String {
    crate::store::shown(path)
}

/// Who acts (`--staff`/`PACKBENCH_STAFF`) and their PIN: `PACKBENCH_PIN`, else asked at the
/// terminal (not shown); refused when neither can be had.
fn staff_and_pin(staff: Option<String>) -> Result<(String, String), Error> {
    let code = staff
        .filter(|c| !c.trim().is_empty())
        .ok_or(Refusal::NoStaffCode)?;
    let pin = match std::env::var("PACKBENCH_PIN") {
        Ok(pin) => pin,
        Err(_) if std::io::stdin().is_terminal() => {
            prompt_pin(&format!("{code} 的密码 · PIN for {code}: "))?
        }
        Err(_) => return Err(Refusal::NoPin.into()),
    };
    Ok((code, pin))
}

/// A PIN typed at the terminal, not shown.
fn prompt_pin(prompt: &str) -> Result<String, Error> {
    rpassword::prompt_password(prompt).map_err(|e| Error::io("/dev/tty", e))
}

/// A role by its code, or the codes there are.
fn role_named(role: &str) -> Result<Role, Error> {
    Role::from_code(role).ok_or_else(|| {
        let all: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        Error::invalid(
            format!("不认识的角色：{role}（可用 {}）", all.join(", ")),
            format!("unknown role: {role} (use {})", all.join(", ")),
        )
    })
}

/// `staff deactivate` / `staff activate`.
fn staff_active(
    store: &mut Store,
    actor: &Actor,
    code: &str,
    active: bool,
) -> Result<ExitCode, Error> {
    let s = flow::staff::set_active(store, actor, code, active)?;
    if s.active {
        println!("在职 · active: {} {}", s.code, s.name);
    } else {
        println!("已停用 · inactive: {} {}", s.code, s.name);
    }
    Ok(ExitCode::SUCCESS)
}

/// A new PIN: `given` (a flag, for scripts), else typed twice at the terminal; without a
/// terminal the flag is required.
fn new_pin(given: Option<String>, flag: &'static str, whose: &str) -> Result<String, Error> {
    if let Some(pin) = given {
        return Ok(pin);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Refusal::PinFlagNeeded(flag).into());
    }
    let first = prompt_pin(&format!("{whose} 的新密码 · new PIN for {whose}: "))?;
    let again = prompt_pin("再输一次 · again: ")?;
    if first != again {
        return Err(Refusal::PinsDiffer.into());
    }
    Ok(first)
}

fn execute(store: &mut Store, actor: &Actor, command: Command) -> Result<ExitCode, Error> {
    match command {
        Command::Init { .. } => unreachable!("init runs before anyone signs in"),
        Command::Import(ImportCmd::Orders {
            orders,
            lines,
            json,
            skip_bad,
        }) => {
            let s = flow::import::import_orders(
                store,
                actor,
                &orders,
                &lines,
                ImportOptions { skip_bad },
            )?;
            print_order_import(&s, json);
            Ok(import_exit(s.committed))
        }
        Command::Import(ImportCmd::Products {
            file,
            json,
            skip_bad,
        }) => {
            let s = flow::import::import_products(store, actor, &file, ImportOptions { skip_bad })?;
            print_product_import(&s, json);
            Ok(import_exit(s.committed))
        }
        Command::Import(ImportCmd::Refunds { file, json }) => {
            let s = flow::refunds::import_refunds(store, actor, &file)?;
            if json {
                println!("{}", serde_json::to_string(&s).expect("serialisable"));
            } else if s.committed {
                println!(
                    "新退款 new {} · 更新 updated {} · 未变 unchanged {}",
                    s.refunds_new, s.refunds_updated, s.refunds_unchanged
                );
            }
            if !s.committed {
                print_rejected(&s.rejected);
                eprintln!(
                    "有 {} 行不对，什么都没有导入 · {} rows are wrong; nothing was imported",
                    s.rejected.len(),
                    s.rejected.len()
                );
            }
            Ok(import_exit(s.committed))
        }
        Command::Order(OrderCmd::Show { order_no, json }) => {
            let r = flow::orders::show_order(store, actor, &order_no)?;
            let after = flow::orders::after_sale(store, actor, &order_no)?;
            if json {
                let mut v = json::order(
                    &r.order,
                    r.hold_reason.as_deref(),
                    Some(&r.line_barcodes),
                    &r.remarks,
                );
                json::add_after_sale(&mut v, &after);
                println!("{v}");
            } else {
                json::print_order_text(&r);
                json::print_after_sale_text(&after);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::Remark {
            order_no,
            text,
            flag,
        }) => {
            flow::orders::add_remark(store, actor, &order_no, &text, flag)?;
            println!("已添加备注 · remark added: {order_no}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::SetStatus {
            order_no,
            status,
            reason,
        }) => {
            let status = parse_status(&status)?;
            flow::orders::set_status(store, actor, &order_no, status, &reason)?;
            println!(
                "订单 {order_no} 状态已改为 {} · status set to {}",
                status.zh(),
                status.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::SetCourier { order_no, courier }) => {
            flow::review::set_courier(store, actor, &order_no, courier.as_deref())?;
            match courier.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
                Some(c) => println!("订单 {order_no} 指定快递 {c} · must go by {c}"),
                None => println!("订单 {order_no} 任意快递 · any courier"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::Match {
            order_no,
            line,
            sku,
        }) => {
            let m = flow::catalog::match_line(store, actor, &order_no, line, &sku)?;
            println!(
                "订单 {order_no} 第 {line} 行已配对 {} · line {line} matched to {}（订单 · orders: {}）",
                m.sku_code,
                m.sku_code,
                m.orders.join(" ")
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Product(ProductCmd::Edit {
            sku,
            name,
            spec,
            price,
            bin,
            barcode,
        }) => {
            let now = flow::products::show_product(store, actor, &sku)?.product;
            let mut edit = flow::catalog::ProductEdit::of(&now);
            for (field, given) in [
                (&mut edit.name, name),
                (&mut edit.spec, spec),
                (&mut edit.price, price),
                (&mut edit.bin, bin),
                (&mut edit.barcode, barcode),
            ] {
                if let Some(v) = given {
                    *field = v;
                }
            }
            let p = flow::catalog::edit_product(store, actor, &now.sku_code, &edit)?;
            println!(
                "已修改 · changed: {} {} {} ¥{} {} {}",
                p.sku_code,
                p.name,
                p.spec,
                p.price,
                p.bin.as_deref().unwrap_or("-"),
                p.barcode.as_ref().map_or("-", |b| b.as_str())
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Product(ProductCmd::Picture { sku, file }) => {
            let p = flow::catalog::set_picture(store, actor, &sku, &file)?;
            println!(
                "已设置图片 · picture set: {sku} ← {} ({}×{})",
                p.source, p.width, p.height
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Products(ProductsCmd::Search { words, limit, json }) => {
            let query = words.join(" ");
            let (hits, total) = flow::catalog::search_products(store, actor, &query, 0, limit)?;
            if json {
                let rows: Vec<serde_json::Value> = hits
                    .iter()
                    .map(|h| {
                        serde_json::json!({
                            "sku_code": h.product.sku_code, "barcode": h.product.barcode.as_ref().map(|b| b.as_str()),
                            "name": h.product.name, "spec": h.product.spec, "price_fen": h.product.price.0,
                            "bin": h.product.bin, "state": h.product.state.code(), "on_hand": h.on_hand,
                            "picture": h.has_picture,
                        })
                    })
                    .collect();
                println!("{}", serde_json::json!({"total": total, "products": rows}));
            } else {
                let rows: Vec<Vec<String>> = hits
                    .iter()
                    .map(|h| {
                        vec![
                            h.product.sku_code.clone(),
                            h.product
                                .barcode
                                .as_ref()
                                .map_or("-", |b| b.as_str())
                                .to_string(),
                            h.product.name.clone(),
                            h.product.spec.clone(),
                            h.product.price.to_string(),
                            h.product.bin.clone().unwrap_or_else(|| "-".into()),
                            h.on_hand.to_string(),
                            if h.has_picture { "✓" } else { "" }.to_string(),
                        ]
                    })
                    .collect();
                table::print(
                    &[
                        "商家编码 sku",
                        "条码 barcode",
                        "品名 name",
                        "规格 spec",
                        "价格 price",
                        "库位 bin",
                        "库存 on hand",
                        "图片 picture",
                    ],
                    &rows,
                );
                println!("共 {total} 个 · {total} in all");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Products(ProductsCmd::Images { dir, skip_bad }) => {
            let s = flow::catalog::import_pictures(store, actor, &dir, skip_bad)?;
            for b in &s.bad {
                eprintln!("  {}", b.zh());
                eprintln!("  {}", b.en());
            }
            if s.committed {
                println!(
                    "新图片 added {} · 替换 replaced {} · 错误文件 bad {} · 非图片文件 ignored {}",
                    s.added,
                    s.replaced,
                    s.bad.len(),
                    s.ignored
                );
            } else {
                eprintln!(
                    "有 {} 个文件不能用，什么都没有设置（加 --skip-bad 只设好的） · {} files could not be used; nothing was set (--skip-bad sets the good ones)",
                    s.bad.len(),
                    s.bad.len()
                );
            }
            Ok(import_exit(s.committed))
        }
        Command::Order(OrderCmd::Create { file, json }) => {
            let o = flow::phone::read(&file)?;
            let no = flow::phone::create(store, actor, &o)?;
            if json {
                println!("{}", serde_json::json!({"order_no": no}));
            } else {
                println!("已录入电话订单 · phone order entered: {no}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::Exchange {
            order_no,
            original,
            return_waybill,
        }) => {
            let x = flow::exchanges::link(
                store,
                actor,
                &order_no,
                &original,
                return_waybill.as_deref(),
            )?;
            println!(
                "换货 · exchange: {} ← {}{}",
                x.order_no,
                x.original_no,
                x.return_waybill
                    .map(|w| format!("（退回单号 · return waybill {w}）"))
                    .unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Order(OrderCmd::SetReceiver {
            order_no,
            name,
            phone,
            address,
        }) => {
            let r =
                flow::orders::correct_receiver(store, actor, &order_no, &name, &phone, &address)?;
            println!(
                "订单 {order_no} 收货信息 · receiver: {} {} {}",
                r.name, r.phone, r.address
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Orders(OrdersCmd::List {
            status,
            limit,
            json,
        }) => {
            let status = status.as_deref().map(parse_status).transpose()?;
            json::stream_orders(store, actor, status, limit, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Product(ProductCmd::Show {
            sku_or_barcode,
            json,
        }) => {
            let p = flow::products::show_product(store, actor, &sku_or_barcode)?;
            if json {
                println!("{}", json::product(&p));
            } else {
                json::print_product_text(&p);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Product(ProductCmd::Discontinue { skus }) => {
            for d in flow::stock::discontinue(store, actor, &skus)? {
                println!(
                    "已停用 · discontinued: {}{}",
                    d.sku_code,
                    d.freed_bin
                        .map(|b| format!("（库位 {b} 已空出 · bin {b} freed）"))
                        .unwrap_or_default()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCmd::Add {
            code,
            name,
            role,
            pin,
        }) => {
            let role = role_named(&role)?;
            actor.require(crate::domain::Permission::ManageStaff)?;
            let pin = new_pin(pin, "--pin", &code)?;
            let s = flow::staff::add_staff(store, actor, &code, &name, role, &pin)?;
            println!(
                "已添加员工 · staff added: {} {} ({} · {})",
                s.code,
                s.name,
                role.zh(),
                role.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCmd::SetPin { new_pin: given }) => {
            let pin = new_pin(given, "--new-pin", &actor.staff.code)?;
            flow::staff::set_own_pin(store, actor, &pin)?;
            println!("密码已更改 · PIN changed: {}", actor.staff.code);
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCmd::ResetPin {
            code,
            new_pin: given,
        }) => {
            actor.require(crate::domain::Permission::ManageStaff)?;
            let pin = new_pin(given, "--new-pin", &code)?;
            flow::staff::reset_pin(store, actor, &code, &pin)?;
            println!("已重设密码 · PIN reset: {code}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCmd::Deactivate { code }) => staff_active(store, actor, &code, false),
        Command::Staff(StaffCmd::Activate { code }) => staff_active(store, actor, &code, true),
        Command::Staff(StaffCmd::SetRole { code, role }) => {
            let role = role_named(&role)?;
            let s = flow::staff::set_role(store, actor, &code, role)?;
            println!(
                "角色 · role: {} {} ({} · {})",
                s.code,
                s.name,
                s.role.zh(),
                s.role.code()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Staff(StaffCmd::List { json }) => {
            let list = flow::staff::list_staff(store, actor)?;
            if json {
                println!("{}", json::staff(&list));
            } else {
                for s in &list {
                    println!(
                        "{:<10} {} {:<18} {}{}",
                        s.staff.code,
                        table::pad(&s.staff.name, 8),
                        s.staff.role.code(),
                        s.staff.role.zh(),
                        if s.staff.active {
                            ""
                        } else {
                            "  (停用 inactive)"
                        }
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(DemoArgs {
            orders,
            seed,
            products,
            ..
        }) => {
            let s = flow::demo::fill(
                store,
                actor,
                flow::demo::DemoOptions {
                    orders,
                    seed,
                    products,
                },
            )?;
            println!(
                "演示店铺 · demo shop: {} 名员工 staff, {} 个商品 products, {} 个新订单 new orders ({} 个已有 already there) → {}",
                s.staff_added,
                s.products_new,
                s.orders.orders_new,
                s.orders.orders_unchanged + s.orders.orders_updated,
                store.path().display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings(SettingsCmd::List) => {
            for (d, value) in flow::settings::list(store, actor)? {
                println!("{} = {value}\n    {} · {}", d.key, d.zh, d.en);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings(SettingsCmd::Get { key }) => {
            println!("{}", flow::settings::get(store, actor, &key)?);
            Ok(ExitCode::SUCCESS)
        }
        Command::Settings(SettingsCmd::Set { key, value }) => {
            flow::settings::set(store, actor, &key, &value)?;
            println!("{key} = {value}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Review(cmd) => bench::review(store, actor, cmd),
        Command::Merge(args) => bench::merge(store, actor, args),
        Command::Unmerge { order_no } => bench::unmerge(store, actor, &order_no),
        Command::Waybills(cmd) => bench::waybills(store, actor, cmd),
        Command::Batch(cmd) => bench::batch(store, actor, cmd),
        Command::Scan(args) => bench::scan(store, actor, args),
        Command::Ship { batch, json } => bench::ship(store, actor, &batch, json),
        Command::Scanners(cmd) => bench::scanners(cmd),
        Command::Station(cmd) => bench::station(store, actor, cmd),
        Command::Export(ExportCmd::Shipments {
            batch,
            day,
            out,
            force,
        }) => {
            let which = match (batch, day) {
                (Some(b), _) => flow::shipments::Which::Batch(b.parse()?),
                (None, Some(d)) => flow::shipments::Which::Day(
                    chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                        Error::invalid(
                            format!("日期写法不对：{d}（例如 2026-11-30）"),
                            format!("not a date: {d} (e.g. 2026-11-30)"),
                        )
                    })?,
                ),
                (None, None) => unreachable!("clap requires one"),
            };
            let guard = crate::output::Guard::new(store.path(), force);
            let n = flow::shipments::export(store, actor, which, &out, &guard)?;
            println!("已导出 {n} 单 · {n} orders exported → {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Waybill(cmd) => after::waybill(store, actor, cmd),
        Command::Parcel(cmd) => after::parcel(store, actor, cmd),
        Command::Exceptions(cmd) => after::exceptions(store, actor, cmd),
        Command::Audit(args) => report::audit(store, actor, args),
        Command::Report(cmd) => report::report(store, actor, cmd),
        Command::Team(cmd) => team::team(store, actor, cmd),
        Command::Release { tracking_no } => {
            let bench = flow::check::release(store, actor, &tracking_no)?;
            println!("{tracking_no} 已从验货台 {bench} 释放 · released from bench {bench}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Print(cmd) => print::print(store, actor, cmd),
        Command::Printers(cmd) => print::printers(cmd),
        Command::Barcodes(cmd) => print::barcodes(store, actor, cmd),
        Command::Stock(cmd) => stock::stock(store, actor, cmd),
        Command::Receipt(cmd) => stock::receipt(store, actor, cmd),
        Command::Issue(cmd) => stock::issue(store, actor, cmd),
        Command::Stocktake(cmd) => stock::stocktake(store, actor, cmd),
        Command::Backup { dir, json } => {
            let b = flow::backup::backup(store, actor, dir.as_deref(), chrono::Utc::now())?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({"file": b.made.path, "bytes": b.made.bytes,
                        "thinned": b.thinned})
                );
            } else {
                println!(
                    "已备份 · backed up: {} ({} bytes)",
                    b.made.path.display(),
                    b.made.bytes
                );
                for p in &b.thinned {
                    println!("已删除旧备份 · old backup removed: {}", p.display());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { .. } => unreachable!("restore runs before anyone signs in"),
        Command::Store(_) => unreachable!("store copy runs before anyone signs in"),
        Command::Events { kind, limit, json } => {
            json::stream_events(store, actor, kind.as_deref(), limit, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn import_exit(committed: bool) -> ExitCode {
    if committed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_rejected(rejected: &[BadRow]) {
    for b in rejected {
        let col = if b.column.is_empty() {
            String::new()
        } else {
            format!(" [{}]", b.column)
        };
        // The English reason under the Chinese one (a file or column name may be Chinese).
        let place = format!("{}:{}{}", b.file, b.line, col);
        eprintln!("  {place}  {}", b.reason_zh);
        eprintln!("  {}  {}", table::pad("", table::width(&place)), b.reason);
    }
}

fn print_reject_files(files: &[PathBuf]) {
    for f in files {
        eprintln!("错误行已写入 · rejected rows written to {}", f.display());
    }
}

fn print_order_import(s: &ImportSummary, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string(s).expect("serialisable"));
    } else if s.committed {
        println!(
            "新订单 new {} · 更新 updated {} · 未变 unchanged {} · 宝贝行 lines {} · 新备注 remarks {} · 错误行 rejected {}",
            s.orders_new,
            s.orders_updated,
            s.orders_unchanged,
            s.lines,
            s.remarks_appended,
            s.rejected.len()
        );
        for (list, zh, en) in [
            (
                &s.not_shipped_on_taobao,
                "这里已发货、淘宝上还没发货",
                "shipped here, not yet on Taobao",
            ),
            (
                &s.partly_shipped_on_taobao,
                "淘宝上只发了一部分",
                "shipped on Taobao only in part",
            ),
        ] {
            if !list.is_empty() {
                println!("⚠ {zh} · {en} ({}): {}", list.len(), list.join(", "));
            }
        }
    }
    if !s.rejected.is_empty() {
        if !s.committed {
            eprintln!(
                "导入被拒绝，什么都没有写入 · import refused, nothing was written ({} bad row(s)):",
                s.rejected.len()
            );
        }
        print_rejected(&s.rejected);
        print_reject_files(&s.reject_files);
    }
}

fn print_product_import(s: &ProductImportSummary, as_json: bool) {
    if as_json {
        println!("{}", serde_json::to_string(s).expect("serialisable"));
    } else if s.committed {
        println!(
            "新商品 new {} · 更新 updated {} · 待分配条码 need a barcode {} · 错误行 rejected {}",
            s.products_new,
            s.products_updated,
            s.needs_barcode,
            s.rejected.len()
        );
    }
    if !s.rejected.is_empty() {
        if !s.committed {
            eprintln!(
                "导入被拒绝，什么都没有写入 · import refused, nothing was written ({} bad row(s)):",
                s.rejected.len()
            );
        }
        print_rejected(&s.rejected);
        print_reject_files(&s.reject_files);
    }
}
