//! Importing Taobao exports and product catalogues: all or nothing. Every row is checked before
//! anything is kept; one bad row and the transaction is rolled back, unless the user asked to
//! skip bad rows (they then go to a reject file beside the input).

use crate::domain::check::ParcelStage;
use crate::domain::remark::{
    DEFAULT_STAFF_CODE_PATTERN, is_flagged, leading_staff_code, unseen_part,
};
use crate::domain::{Actor, CodeHolder, Order, OrderStatus, Permission};
use crate::error::{Error, Result};
use crate::import::products::{PRODUCT_COLUMNS, ParsedProduct, parse_product_row};
use crate::import::rejects::write_rejects;
use crate::import::table::{Row, Table};
use crate::import::taobao::{
    LINE_COLUMNS, ORDER_COLUMNS, ParsedLine, ParsedOrder, assign_line_keys, parse_line_row,
    parse_order_row,
};
use crate::import::{BadRow, ImportSummary, ProductImportSummary};
use crate::output::Guard;
use crate::store::{Db, ImportedRemark, NewImportedOrder, Store, StoredOrder};
use regex::Regex;
use serde_json::json;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// How far an import has read its files, for a progress bar: bytes read of the bytes there are.
/// The window reads it while the import runs on the store worker.
#[derive(Debug, Default)]
pub struct ImportProgress {
    read: AtomicU64,
    total: AtomicU64,
}

impl ImportProgress {
    /// The share read, 0 to 1 (0 before the files are opened).
    pub fn fraction(&self) -> f32 {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 {
            return 0.0;
        }
        (self.read.load(Ordering::Relaxed) as f64 / total as f64).min(1.0) as f32
    }

    fn start(&self, files: &[&Path]) {
        let total = files
            .iter()
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum();
        self.read.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
    }

    /// Counts `bytes` more as read (the two files are read on threads of their own at once).
    fn add(&self, bytes: u64) {
        self.read.fetch_add(bytes, Ordering::Relaxed);
    }
}

/// A file's reader telling `ImportProgress` how far it got, by the bytes read since it last did.
struct Reading<'p> {
    progress: &'p ImportProgress,
    told: u64,
}

impl Reading<'_> {
    fn at(&mut self, read: u64) {
        self.progress.add(read.saturating_sub(self.told));
        self.told = self.told.max(read);
    }
}

/// The setting that holds the staff-code pattern for remarks.
pub const STAFF_CODE_PATTERN_SETTING: &str = "remark.staff_code_pattern";

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Import the good rows and write the bad ones to a reject file, instead of refusing all.
    pub skip_bad: bool,
}

/// Orders checked and waiting to be written: looked up and written this many at a time (a few
/// round trips each on a server instead of several per order). 5,000 rather than 500: each
/// `COPY` has its cost, and a 100,000-order import into PostgreSQL took 3.6 s instead of 4.4 s,
/// for about 15 MB more.
const CHUNK: usize = 5000;

/// The staff-code pattern of this store.
pub fn staff_code_pattern(db: &Db<'_>) -> Result<Regex> {
    let text = db
        .setting(STAFF_CODE_PATTERN_SETTING)?
        .unwrap_or_else(|| DEFAULT_STAFF_CODE_PATTERN.to_string());
    Regex::new(&text).map_err(|e| {
        Error::invalid(
            format!("备注工号规则设置有误：{text:?}（{e}）"),
            format!("bad staff code pattern setting {text:?}: {e}"),
        )
    })
}

/// Order numbers, in little memory: Taobao's are numbers of up to 19 digits, kept as a `u64`
/// (a million of them in about 18 MB, instead of 80 MB as strings); others as strings.
#[derive(Default)]
struct OrderNos {
    numbers: HashSet<u64>,
    others: HashSet<String>,
}

impl OrderNos {
    /// The number an order number is, when it is one written plainly (no leading zero).
    fn number(no: &str) -> Option<u64> {
        if no.is_empty() || no.len() > 19 || no.starts_with('0') {
            return None;
        }
        no.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| no.parse().ok())
            .flatten()
    }

    /// Adds `no`; false when it was there already.
    fn insert(&mut self, no: &str) -> bool {
        match Self::number(no) {
            Some(n) => self.numbers.insert(n),
            None => self.others.insert(no.to_string()),
        }
    }

    fn contains(&self, no: &str) -> bool {
        match Self::number(no) {
            Some(n) => self.numbers.contains(&n),
            None => self.others.contains(no),
        }
    }
}

/// A row of an export file as read: parsed, or refused (with its order number, when the row
/// could be split into cells and has one). Nearly every row is parsed: the bad one's smaller
/// size is no loss.
#[allow(clippy::large_enum_variant)]
enum FileRow<T> {
    Parsed(T),
    Bad(BadRow, Option<String>),
}

type LineRow = FileRow<ParsedLine>;
type OrderRow = FileRow<ParsedOrder>;

/// The lines of one order in the line file, and its first refused line.
#[derive(Default)]
struct LineGroup {
    lines: Vec<ParsedLine>,
    bad: Option<u64>,
}

/// Reads and parses an export file with `parse` on a thread of its own, handing the rows over
/// in batches until the file ends or the import stops listening.
fn read_rows<T>(
    mut table: Table,
    parse: fn(&Table, &Row) -> Result<T, BadRow>,
    tx: std::sync::mpsc::SyncSender<Vec<FileRow<T>>>,
    progress: &ImportProgress,
) {
    let mut reading = Reading { progress, told: 0 };
    let mut batch = Vec::with_capacity(READ_BATCH);
    while let Some(row) = table.next_row() {
        batch.push(match row {
            Err(bad) => FileRow::Bad(bad, None),
            Ok(row) => match parse(&table, &row) {
                Ok(parsed) => FileRow::Parsed(parsed),
                Err(bad) => {
                    let no = table.get(&row, 0).into_owned();
                    FileRow::Bad(bad, (!no.is_empty()).then_some(no))
                }
            },
        });
        if batch.len() == READ_BATCH {
            reading.at(table.bytes_read());
            let full = std::mem::replace(&mut batch, Vec::with_capacity(READ_BATCH));
            if tx.send(full).is_err() {
                return;
            }
        }
    }
    reading.at(table.bytes_read());
    let _ = tx.send(batch);
}

/// The line file as the writer asks for it, order by order, read on a thread of its own.
/// Taobao writes both files in the same order, the lines of an order together: only the lines
/// of the orders just ahead are held, and a million-order import stays small. Lines the order
/// file has not reached yet are kept until it does (for files in different orders, all of them).
struct LineStream {
    /// `None` once the file has ended.
    rx: Option<std::sync::mpsc::Receiver<Vec<LineRow>>>,
    pending: HashMap<String, LineGroup>,
    /// The order of the last row read: more of its lines may follow.
    open: Option<String>,
    /// Orders whose lines were handed out.
    taken: OrderNos,
    /// A line came after its order's lines were handed out: the file did not keep them
    /// together, and the import must be done again with the whole file read first.
    late: bool,
    /// Rows refused.
    rejected: Vec<BadRow>,
}

impl LineStream {
    fn new(rx: std::sync::mpsc::Receiver<Vec<LineRow>>) -> LineStream {
        LineStream {
            rx: Some(rx),
            pending: HashMap::new(),
            open: None,
            taken: OrderNos::default(),
            late: false,
            rejected: Vec::new(),
        }
    }

    /// Reads a batch of rows; false once the file has ended.
    fn read(&mut self) -> bool {
        let Some(batch) = self.rx.as_ref().and_then(|rx| rx.recv().ok()) else {
            self.rx = None;
            self.open = None;
            return false;
        };
        for row in batch {
            let (no, row) = match row {
                FileRow::Parsed(line) => (line.order_no.clone(), Ok(line)),
                FileRow::Bad(bad, Some(no)) => (no, Err(bad)),
                FileRow::Bad(bad, None) => {
                    self.rejected.push(bad);
                    continue;
                }
            };
            if self.open.as_deref() != Some(no.as_str()) {
                if self.taken.contains(&no) {
                    self.late = true;
                }
                self.open = Some(no.clone());
            }
            let group = self.pending.entry(no).or_default();
            match row {
                Ok(line) => group.lines.push(line),
                Err(bad) => {
                    // The order is refused whole: a parcel missing an item is worse than one
                    // not sent.
                    group.bad.get_or_insert(bad.line);
                    self.rejected.push(bad);
                }
            }
        }
        true
    }

    /// Reads the whole file (for files whose lines are not kept together).
    fn read_all(&mut self) {
        while self.read() {}
    }

    /// The lines of order `no`, once the file has gone past them; `None` when it has none.
    fn take(&mut self, no: &str) -> Option<LineGroup> {
        loop {
            let past = self.rx.is_none()
                || (self.open.as_deref() != Some(no) && self.pending.contains_key(no));
            if past {
                let group = self.pending.remove(no);
                if group.is_some() {
                    self.taken.insert(no);
                }
                return group;
            }
            self.read();
        }
    }
}

/// Bytes of a row of Taobao's order file, about, or a little over (316 in the demo's exports):
/// to tell from the file's size how many orders an import brings.
const BYTES_PER_ORDER_ROW: u64 = 400;

/// Rows of a file sent from its reading thread at a time.
const READ_BATCH: usize = 100;

/// Imports a Taobao order export (order file and line file). See `ImportSummary`.
pub fn import_orders(
    store: &mut Store,
    actor: &Actor,
    orders_path: &Path,
    lines_path: &Path,
    opts: ImportOptions,
) -> Result<ImportSummary> {
    import_orders_watched(
        store,
        actor,
        orders_path,
        lines_path,
        opts,
        &ImportProgress::default(),
    )
}

/// `import_orders`, telling `progress` how much of the files it has read.
pub fn import_orders_watched(
    store: &mut Store,
    actor: &Actor,
    orders_path: &Path,
    lines_path: &Path,
    opts: ImportOptions,
    progress: &ImportProgress,
) -> Result<ImportSummary> {
    actor.require(Permission::ImportOrders)?;
    let files = Files::open(orders_path, lines_path);
    let (Some(order_table), Some(line_table)) = files.tables else {
        // A file that cannot be read as a whole cannot be skipped row by row.
        let mut summary = ImportSummary {
            rejected: files.rejected,
            ..Default::default()
        };
        summary
            .rejected
            .sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        return Ok(summary);
    };
    progress.start(&[lines_path, orders_path]);
    let streamed = write_orders(store, actor, order_table, line_table, opts, progress, false)?;
    let mut summary = match streamed {
        Some(summary) => summary,
        // The line file did not keep each order's lines together: read it whole first.
        None => {
            let files = Files::open(orders_path, lines_path);
            let (Some(order_table), Some(line_table)) = files.tables else {
                return Err(Error::invalid(
                    "导入途中文件被改动，请重新导入",
                    "the files changed during the import; import them again",
                ));
            };
            progress.start(&[lines_path, orders_path]);
            write_orders(store, actor, order_table, line_table, opts, progress, true)?
                .expect("a line file read whole has no line after its order")
        }
    };

    if summary.committed && !summary.rejected.is_empty() {
        let guard = Guard::new(store.path(), false);
        for (path, columns) in [
            (orders_path, &ORDER_COLUMNS[..]),
            (lines_path, &LINE_COLUMNS[..]),
        ] {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bad: Vec<&BadRow> = summary
                .rejected
                .iter()
                .filter(|b| b.file == name && b.line > 1)
                .collect();
            if let Some(out) = write_rejects(path, columns, &bad, &guard)? {
                summary.reject_files.push(out);
            }
        }
    }
    Ok(summary)
}

/// The two files of an order export, opened (their headers checked), or why not.
struct Files {
    tables: (Option<Table>, Option<Table>),
    rejected: Vec<BadRow>,
}

impl Files {
    fn open(orders_path: &Path, lines_path: &Path) -> Files {
        let mut rejected = Vec::new();
        let mut open = |path, columns| {
            Table::open(path, columns)
                .map_err(|bad| rejected.extend(bad))
                .ok()
        };
        let lines = open(lines_path, &LINE_COLUMNS[..]);
        let orders = open(orders_path, &ORDER_COLUMNS[..]);
        Files {
            tables: (orders, lines),
            rejected,
        }
    }
}

/// Checks every row of the two files and writes the orders, all or nothing (see
/// `ImportOptions`). Both files are read and parsed on threads of their own, and joined and
/// checked on a third (`join_orders`), while this one writes. `None` (and nothing written) when a
/// line came after its order was written and the line file was not read whole first
/// (`read_lines_first`).
fn write_orders(
    store: &mut Store,
    actor: &Actor,
    order_table: Table,
    line_table: Table,
    opts: ImportOptions,
    progress: &ImportProgress,
    read_lines_first: bool,
) -> Result<Option<ImportSummary>> {
    let pattern = staff_code_pattern(&store.read())?;
    // The files' names, as their rows' reports give them.
    let files = (order_table.file.clone(), line_table.file.clone());
    let order_bytes = order_table.size();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<OrderRow>>(CHUNK / READ_BATCH * 2);
    let (line_tx, line_rx) = std::sync::mpsc::sync_channel::<Vec<LineRow>>(CHUNK / READ_BATCH);
    let (chunk_tx, chunk_rx) = std::sync::mpsc::sync_channel::<Vec<(Order, String)>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || read_rows(order_table, parse_order_row, tx, progress));
        scope.spawn(move || read_rows(line_table, parse_line_row, line_tx, progress));
        let files = &files;
        let joiner = scope.spawn(move || {
            let mut lines = LineStream::new(line_rx);
            if read_lines_first {
                lines.read_all();
            }
            join_orders(rx, lines, opts.skip_bad, files, chunk_tx)
        });
        // Dropped when this closure returns, before the threads are waited for: a write that
        // fails midway stops the joining (and so the reading) instead of waiting on it.
        let chunk_rx = chunk_rx;
        // An import of more orders than the store holds (a new shop's history) makes the order
        // tables' plain indexes once at the end instead of keeping them up order by order, and
        // is written once rather than through the WAL (`Store::write_big_or_discard`).
        let big = order_bytes / BYTES_PER_ORDER_ROW > store.read().order_count()?;
        let write = |db: &Db<'_>| {
            let set_aside = if big {
                Some(db.set_aside_order_indexes()?)
            } else {
                None
            };
            let matches = db.item_matches()?;
            // A store with no orders yet has none to compare with (the file's repeats are
            // refused by `join_orders`): a shop's first import skips looking each one up.
            let none_stored = big && db.order_count()? == 0;
            let mut summary = ImportSummary::default();
            for chunk in chunk_rx.iter() {
                apply_orders(
                    db,
                    actor,
                    chunk,
                    &pattern,
                    &matches,
                    none_stored,
                    &mut summary,
                )?;
            }
            let joined = joiner
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if joined.late {
                return Ok((None, false));
            }
            summary.rejected = joined.rejected;
            let commit = opts.skip_bad || summary.rejected.is_empty();
            if commit {
                if let Some(indexes) = set_aside {
                    db.restore_indexes(indexes)?;
                }
                db.log_event(
                    actor,
                    "orders_imported",
                    &files.0,
                    &json!({
                        "orders_new": summary.orders_new, "orders_updated": summary.orders_updated,
                        "orders_unchanged": summary.orders_unchanged, "lines": summary.lines,
                        "remarks_appended": summary.remarks_appended, "rejected": summary.rejected.len(),
                        "not_shipped_on_taobao": summary.not_shipped_on_taobao,
                        "partly_shipped_on_taobao": summary.partly_shipped_on_taobao,
                    }),
                )?;
            } else {
                // Nothing is kept: the counts would describe writes that did not happen.
                summary = ImportSummary {
                    rejected: summary.rejected,
                    ..Default::default()
                };
            }
            summary.committed = commit;
            Ok((Some(summary), commit))
        };
        if big {
            store.write_big_or_discard(write)
        } else {
            store.write_or_discard(write)
        }
    })
}

/// What `join_orders` found besides the orders it handed over.
struct Joined {
    /// Rows refused, by file and line.
    rejected: Vec<BadRow>,
    /// A line came after its order was handed over: the import must be done again with the line
    /// file read whole first (`LineStream::late`).
    late: bool,
}

/// Joins each order of the order file with its lines and checks them (repeats, bad lines, orders
/// without lines, lines of no order), on a thread of its own so that the writer only writes.
/// Orders go to `out` a chunk at a time while none was refused (or bad rows are skipped): once
/// one is, nothing will be kept, and the rest is only checked. `files`: the order and line
/// files' names, as reports give them.
fn join_orders(
    rows: std::sync::mpsc::Receiver<Vec<OrderRow>>,
    mut lines: LineStream,
    skip_bad: bool,
    (orders_file, lines_file): &(String, String),
    out: std::sync::mpsc::SyncSender<Vec<(Order, String)>>,
) -> Joined {
    let mut rejected = Vec::new();
    let mut seen = OrderNos::default();
    let mut rejected_orders: HashSet<String> = HashSet::new();
    // Good lines of orders refused for a bad line, to say why they were not imported.
    let mut kept_out: Vec<ParsedLine> = Vec::new();
    let mut chunk: Vec<(Order, String)> = Vec::with_capacity(CHUNK);
    for row in rows.iter().flatten() {
        if lines.late {
            break;
        }
        let writing = skip_bad || (rejected.is_empty() && lines.rejected.is_empty());
        let parsed = match row {
            FileRow::Parsed(p) => p,
            FileRow::Bad(bad, order_no) => {
                // Its lines then have an order, a bad one: say so rather than "no order".
                if let Some(no) = order_no {
                    seen.insert(&no);
                }
                rejected.push(bad);
                continue;
            }
        };
        let order_no = parsed.order.order_no.clone();
        let bad = |code, zh: String, en: String| {
            BadRow::new(orders_file, parsed.line, "订单编号", code, zh, en)
        };
        if !seen.insert(&order_no) {
            rejected.push(bad(
                "duplicate_order",
                format!("订单 {order_no} 在文件中出现了两次"),
                format!("order {order_no} appears twice in the file"),
            ));
            continue;
        }
        let order_lines = match lines.take(&order_no) {
            Some(LineGroup {
                bad: Some(line),
                lines: good,
            }) => {
                rejected.push(bad(
                    "bad_line",
                    format!("订单 {order_no} 的宝贝行有错（{lines_file} 第 {line} 行），整单不导入"),
                    format!("a line of order {order_no} was rejected ({lines_file} line {line}); the order is kept out whole"),
                ));
                rejected_orders.insert(order_no);
                kept_out.extend(good);
                continue;
            }
            Some(group) => group.lines,
            None => {
                rejected.push(bad(
                    "order_without_lines",
                    format!("订单 {order_no} 在宝贝文件 {lines_file} 中没有任何行"),
                    format!("order {order_no} has no lines in {lines_file}"),
                ));
                continue;
            }
        };
        let mut order = parsed.order;
        order.lines = order_lines.into_iter().map(|l| l.item).collect();
        assign_line_keys(&mut order.lines);
        if writing {
            chunk.push((order, parsed.remark));
            // The writer stopped (it failed): nothing more is wanted.
            if chunk.len() >= CHUNK && out.send(std::mem::take(&mut chunk)).is_err() {
                return Joined {
                    rejected,
                    late: false,
                };
            }
        }
    }
    // The rest of the line file: lines of no order, and whether one came late.
    lines.read_all();
    if lines.late {
        return Joined {
            rejected,
            late: true,
        };
    }
    rejected.append(&mut lines.rejected);
    // After a bad row (not skipped) nothing will be kept: the rest need not be written.
    if skip_bad || rejected.is_empty() {
        let _ = out.send(chunk);
    }
    drop(out);
    // Lines left over belong to no order of the order file.
    let mut leftover: Vec<ParsedLine> = lines.pending.drain().flat_map(|(_, g)| g.lines).collect();
    leftover.append(&mut kept_out);
    leftover.sort_by_key(|l| l.line);
    for l in leftover {
        let (code, zh, en) = if rejected_orders.contains(&l.order_no) {
            (
                "order_rejected",
                format!("同一订单 {} 的其他行有错，整单不导入", l.order_no),
                format!(
                    "another line of order {} was rejected; the order is kept out whole",
                    l.order_no
                ),
            )
        } else if seen.contains(&l.order_no) {
            (
                "order_rejected",
                format!("订单 {} 在订单文件中有错，未导入", l.order_no),
                format!("order {} was rejected in the order file", l.order_no),
            )
        } else {
            (
                "line_without_order",
                format!("订单 {} 不在订单文件 {orders_file} 中", l.order_no),
                format!(
                    "order {} is not in the order file {orders_file}",
                    l.order_no
                ),
            )
        };
        rejected.push(BadRow::new(lines_file, l.line, "订单编号", code, zh, en));
    }
    rejected.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
    Joined {
        rejected,
        late: false,
    }
}

/// Writes one imported order: new, updated (status, fields, lines, new remark text) or unchanged.
pub(crate) fn apply_order(
    db: &Db<'_>,
    actor: &Actor,
    order: Order,
    remark: &str,
    pattern: &Regex,
    summary: &mut ImportSummary,
) -> Result<()> {
    apply_orders(
        db,
        actor,
        vec![(order, remark.to_string())],
        pattern,
        &db.item_matches()?,
        false,
        summary,
    )
}

/// Writes imported orders (each with its export's remark), in their order, as `apply_order`
/// would one by one: all are looked up at once, the known ones updated one by one, the new ones
/// written together (`Db::insert_imported_orders`). Lines of items matched by hand before
/// (`matches`, see `flow::catalog`) name their product. `none_stored`: none of them is in the
/// store (it had no orders), so none is looked up.
fn apply_orders(
    db: &Db<'_>,
    actor: &Actor,
    mut orders: Vec<(Order, String)>,
    pattern: &Regex,
    matches: &std::collections::HashMap<String, String>,
    none_stored: bool,
    summary: &mut ImportSummary,
) -> Result<()> {
    super::catalog::apply_matches(
        db,
        matches,
        orders.iter_mut().flat_map(|(o, _)| o.lines.iter_mut()),
    )?;
    let mut stored = if none_stored {
        HashMap::new()
    } else {
        let numbers: Vec<&str> = orders.iter().map(|(o, _)| o.order_no.as_str()).collect();
        db.orders_for_import(&numbers)?
    };
    let mut new = NewOrders::default();
    for (order, remark) in orders {
        match stored.remove(&order.order_no) {
            Some(known) => {
                // The event log stays in file order: a new order its remark holds is logged first.
                if new.holds {
                    new.write(db, actor)?;
                }
                apply_known_order(db, actor, order, known, &remark, pattern, summary)?;
            }
            None => new.add(order, &remark, pattern, summary),
        }
    }
    new.write(db, actor)
}

/// New orders of an import, waiting to be written together.
#[derive(Default)]
struct NewOrders {
    orders: Vec<NewImportedOrder>,
    /// Whether one of them is to be held for its remark (an event to log).
    holds: bool,
}

impl NewOrders {
    fn add(&mut self, order: Order, remark: &str, pattern: &Regex, summary: &mut ImportSummary) {
        summary.orders_new += 1;
        summary.lines += order.lines.len() as u64;
        let remark = unseen_part(remark, &[]).map(|text| {
            summary.remarks_appended += 1;
            ImportedRemark {
                text: text.to_string(),
                staff_code: leading_staff_code(text, pattern),
                flag: is_flagged(text),
            }
        });
        let hold = remark
            .as_ref()
            .and_then(|r| super::review::new_order_hold_on_remark(order.status, &r.text));
        self.holds |= hold.is_some();
        self.orders.push(NewImportedOrder {
            order,
            remark,
            hold,
        });
    }

    fn write(&mut self, db: &Db<'_>, actor: &Actor) -> Result<()> {
        let orders = std::mem::take(&mut self.orders);
        self.holds = false;
        db.insert_imported_orders(&orders, actor)?;
        for o in &orders {
            if let Some((_, note)) = &o.hold {
                super::review::log_held_on_remark(db, actor, &o.order.order_no, note)?;
            }
            // 换货: a new order naming the one whose goods come back.
            for text in [
                o.remark.as_ref().map(|r| r.text.as_str()),
                Some(o.order.buyer_message.as_str()),
            ]
            .into_iter()
            .flatten()
            {
                if text.contains('换')
                    && super::exchanges::link_from_text(db, actor, &o.order.order_no, text)?
                {
                    break;
                }
            }
        }
        // Freed on a thread of its own: the writer is what an import waits for, and a chunk's
        // few hundred thousand strings cost it a tenth of its time to free.
        if orders.len() >= FREE_APART {
            let _ = std::thread::Builder::new().spawn(move || drop(orders));
        }
        Ok(())
    }
}

/// New orders written at once that are freed on a thread of their own (`NewOrders::write`).
const FREE_APART: usize = 1000;

/// Updates an order the store knows: status, fields, lines, new remark text (or nothing).
fn apply_known_order(
    db: &Db<'_>,
    actor: &Actor,
    mut order: Order,
    stored: StoredOrder,
    remark: &str,
    pattern: &Regex,
    summary: &mut ImportSummary,
) -> Result<()> {
    // A receiver corrected at the bench stays: the export still has Taobao's old one.
    if stored.receiver_fixed {
        order.receiver = stored.order.receiver.clone();
    }
    // A tracking number the bench assigned stays when the export has none.
    if order.tracking_no.is_none() {
        order.courier = order.courier.or(stored.order.courier.clone());
        order.tracking_no = stored.order.tracking_no.clone();
    }
    // An export taken before Taobao heard of a shipment still says paid: what the bench shipped
    // (or reported shipped) stays shipped, and the order is listed (自审4), never silently
    // overwritten. So is an order Taobao shows shipped only in part.
    if stored.order.status == OrderStatus::Shipped {
        let unshipped_lines = order
            .lines
            .iter()
            .any(|l| matches!(l.status, OrderStatus::Paid | OrderStatus::Unpaid));
        let unshipped = matches!(order.status, OrderStatus::Paid | OrderStatus::Unpaid);
        if unshipped || unshipped_lines {
            let ours = db
                .order_parcel(stored.id)?
                .is_some_and(|p| p.stage == ParcelStage::Shipped || p.reported_at.is_some())
                || db.shipment_moved(&order.order_no)?;
            if ours {
                if unshipped {
                    summary.not_shipped_on_taobao.push(order.order_no.clone());
                } else {
                    summary
                        .partly_shipped_on_taobao
                        .push(order.order_no.clone());
                }
                order.status = OrderStatus::Shipped;
                for l in &mut order.lines {
                    if matches!(l.status, OrderStatus::Paid | OrderStatus::Unpaid) {
                        l.status = OrderStatus::Shipped;
                    }
                }
            }
        }
    }
    let mut changed = false;
    let lines = std::mem::take(&mut order.lines);
    let mut old = stored.order.clone();
    old.lines.clear();
    if old != order {
        db.update_order_fields(stored.id, &order)?;
        changed = true;
        if old.status != order.status {
            db.log_event(
                actor,
                "order_status_changed",
                &order.order_no,
                &json!({"from": old.status.code(), "to": order.status.code(), "by": "import"}),
            )?;
            // Shipped on Taobao's word, and no bench shipped it: its stock leaves now, once.
            if matches!(old.status, OrderStatus::Paid | OrderStatus::Unpaid)
                && matches!(order.status, OrderStatus::Shipped | OrderStatus::Completed)
            {
                super::ship::shipped_on_platform(db, actor, stored.id, &order.order_no, &lines)?;
            }
        }
    }
    for (seq, line) in lines.iter().enumerate() {
        match stored
            .order
            .lines
            .iter()
            .position(|l| l.line_key == line.line_key)
        {
            Some(i) if stored.order.lines[i] == *line => {}
            Some(i) => {
                db.update_line(stored.line_ids[i], line)?;
                summary.lines += 1;
                changed = true;
            }
            None => {
                db.insert_line(stored.id, stored.order.lines.len() + seq, line)?;
                summary.lines += 1;
                changed = true;
            }
        }
    }
    if let Some(text) = unseen_part(remark, &stored.import_remarks) {
        append_imported_remark(db, actor, stored.id, &order.order_no, text, pattern)?;
        if text.contains('换') {
            super::exchanges::link_from_text(db, actor, &order.order_no, text)?;
        }
        summary.remarks_appended += 1;
        changed = true;
    }
    if changed {
        summary.orders_updated += 1;
    } else {
        summary.orders_unchanged += 1;
    }
    Ok(())
}

/// Appends a remark from the export to a known order (and holds it if the remark says so).
fn append_imported_remark(
    db: &Db<'_>,
    actor: &Actor,
    order_id: i64,
    order_no: &str,
    text: &str,
    pattern: &Regex,
) -> Result<()> {
    let code = leading_staff_code(text, pattern);
    db.append_remark(
        order_id,
        text,
        code.as_deref(),
        is_flagged(text),
        "import",
        actor,
    )?;
    super::review::hold_on_remark(db, actor, order_no, text)
}

/// Imports a product catalogue. See `ProductImportSummary`.
pub fn import_products(
    store: &mut Store,
    actor: &Actor,
    path: &Path,
    opts: ImportOptions,
) -> Result<ProductImportSummary> {
    actor.require(Permission::ManageProducts)?;
    let mut summary = ProductImportSummary::default();
    let mut table = match Table::open(path, &PRODUCT_COLUMNS) {
        Ok(t) => t,
        Err(bad) => {
            summary.rejected = bad;
            return Ok(summary);
        }
    };
    let mut summary = store.write_or_discard(|db| {
        let mut skus: HashMap<String, u64> = HashMap::new();
        let mut barcodes: HashMap<String, (u64, String)> = HashMap::new();
        while let Some(row) = table.next_row() {
            let writing = opts.skip_bad || summary.rejected.is_empty();
            let p = match row.and_then(|row| parse_product_row(&table, &row)) {
                Ok(p) => p,
                Err(bad) => {
                    summary.rejected.push(bad);
                    continue;
                }
            };
            let bad = |col, code, zh: String, en: String| BadRow::new(&table.file, p.line, col, code, zh, en);
            let sku = p.product.sku_code.clone();
            if let Some(first) = skus.get(&sku) {
                summary.rejected.push(bad(
                    "商家编码",
                    "duplicate_sku",
                    format!("商家编码 {sku} 与第 {first} 行重复"),
                    format!("merchant code {sku} repeats line {first}"),
                ));
                continue;
            }
            skus.insert(sku.clone(), p.line);
            // One code space (barcodes, merchant codes, tracking numbers): checked for the codes
            // this row sets, against the file and the store.
            let known = db.product_by_sku(&sku)?;
            if known.is_none() {
                let in_file = barcodes.get(&sku).map(|(l, o)| (*l, CodeHolder::Barcode(o.clone())));
                let holder = match in_file {
                    Some(h) => Some(h),
                    None => db.code_holder(&sku, None)?.map(|h| (0, h)),
                };
                if let Some((line, h)) = holder {
                    summary.rejected.push(code_taken(&bad, "商家编码", &sku, line, &h));
                    continue;
                }
            }
            if let Some(code) = p.product.barcode.as_ref().map(|b| b.as_str().to_string()) {
                if let Some((first, other)) = barcodes.get(&code) {
                    summary.rejected.push(bad(
                        "条码",
                        "duplicate_barcode",
                        format!("条码 {code} 与第 {first} 行（{other}）重复"),
                        format!("barcode {code} repeats line {first} ({other})"),
                    ));
                    continue;
                }
                let changed = known.as_ref().is_none_or(|(_, k)| k.barcode.as_ref().map(|b| b.as_str()) != Some(code.as_str()));
                if changed {
                    let in_file = skus
                        .get(&code)
                        .filter(|_| code != sku)
                        .map(|l| (*l, CodeHolder::SkuCode(code.clone())));
                    let holder = match in_file {
                        Some(h) => Some(h),
                        None => db.code_holder(&code, known.as_ref().map(|(id, _)| *id))?.map(|h| (0, h)),
                    };
                    if let Some((line, h)) = holder {
                        summary.rejected.push(code_taken(&bad, "条码", &code, line, &h));
                        continue;
                    }
                }
                barcodes.insert(code, (p.line, sku.clone()));
            }
            if writing {
                apply_product(db, actor, p, &mut summary)?;
            }
        }
        let commit = opts.skip_bad || summary.rejected.is_empty();
        if commit {
            db.log_event(
                actor,
                "products_imported",
                &table.file,
                &json!({"products_new": summary.products_new, "products_updated": summary.products_updated,
                        "needs_barcode": summary.needs_barcode, "rejected": summary.rejected.len()}),
            )?;
        } else {
            summary = ProductImportSummary { rejected: std::mem::take(&mut summary.rejected), ..Default::default() };
        }
        summary.committed = commit;
        Ok((std::mem::take(&mut summary), commit))
    })?;
    if summary.committed && !summary.rejected.is_empty() {
        let bad: Vec<&BadRow> = summary.rejected.iter().filter(|b| b.line > 1).collect();
        if let Some(out) = write_rejects(
            path,
            &PRODUCT_COLUMNS,
            &bad,
            &Guard::new(store.path(), false),
        )? {
            summary.reject_files.push(out);
        }
    }
    Ok(summary)
}

/// A row refused because a code it sets is held already: by line `line` of the same file (0: by
/// the store).
fn code_taken(
    bad: &impl Fn(&'static str, &'static str, String, String) -> BadRow,
    column: &'static str,
    code: &str,
    line: u64,
    holder: &CodeHolder,
) -> BadRow {
    // A barcode another product has: as before this code space was one.
    let name = if matches!(holder, CodeHolder::Barcode(_)) && column == "条码" {
        "duplicate_barcode"
    } else {
        "code_taken"
    };
    if line > 0 {
        bad(
            column,
            name,
            format!("{}（第 {line} 行）", holder.zh(code)),
            format!("{} (line {line})", holder.en(code)),
        )
    } else {
        bad(column, name, holder.zh(code), holder.en(code))
    }
}

/// Writes one catalogue row: a new product with its opening stock, or an update of a known one.
/// For a known product the stock column is left alone: stock changes only through receipts and
/// stocktakes, so importing the same catalogue twice never doubles it.
fn apply_product(
    db: &Db<'_>,
    actor: &Actor,
    p: ParsedProduct,
    summary: &mut ProductImportSummary,
) -> Result<()> {
    match db.product_by_sku(&p.product.sku_code)? {
        None => {
            let id = db.insert_product(&p.product)?;
            if p.qty != 0 {
                db.add_stock_move(
                    crate::domain::stock::MoveKind::Opening,
                    id,
                    p.product.bin.as_deref().unwrap_or(""),
                    p.qty,
                    actor,
                    "import",
                )?;
            }
            summary.products_new += 1;
            if p.product.barcode.is_none() {
                summary.needs_barcode += 1;
            }
        }
        Some((id, old)) => {
            let mut new = p.product;
            // An empty cell never erases what the store knows.
            new.barcode = new.barcode.or(old.barcode.clone());
            new.bin = new.bin.or(old.bin.clone());
            new.state = old.state;
            if new != old {
                db.update_product(id, &new)?;
                summary.products_updated += 1;
            }
            if new.barcode.is_none() {
                summary.needs_barcode += 1;
            }
        }
    }
    Ok(())
}
