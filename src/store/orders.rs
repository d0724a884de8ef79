//! Orders, their lines and remarks.

use super::Db;
use super::{CopyRows, Param, Row, params};
use crate::domain::time::{from_store, to_store};
use crate::domain::{Actor, Fen, Order, OrderLine, OrderStatus, Receiver};
use crate::error::Result;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// An order as stored, with what the import needs to tell new from seen.
#[derive(Debug, Clone)]
pub struct StoredOrder {
    pub id: i64,
    pub order: Order,
    /// Store ids of `order.lines`, in the same order.
    pub line_ids: Vec<i64>,
    /// Texts of the remarks that came from Taobao exports, oldest first.
    pub import_remarks: Vec<String>,
    /// The receiver was corrected at the bench: an import keeps it.
    pub receiver_fixed: bool,
}

/// A new order of an import, with the remark from the export it is written with.
#[derive(Debug, Clone)]
pub struct NewImportedOrder {
    pub order: Order,
    pub remark: Option<ImportedRemark>,
    /// Held from the start (reason code, note): written with the order, not after it.
    pub hold: Option<(&'static str, String)>,
}

/// A remark from an export: its text, the staff code it credits, whether it is flagged.
#[derive(Debug, Clone)]
pub struct ImportedRemark {
    pub text: String,
    pub staff_code: Option<String>,
    pub flag: bool,
}

/// Order numbers looked up in one query by an import (placeholders, well under both engines'
/// limits).
pub(super) const LOOKUP_CHUNK: usize = 500;

/// `?1, ?2, … ?n`.
pub(super) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A remark as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemarkRow {
    pub text: String,
    pub staff_code: Option<String>,
    pub flag: bool,
    /// `import` or `staff`.
    pub source: String,
    /// Who wrote (or imported) it.
    pub by: String,
    pub terminal: String,
    pub at: DateTime<Utc>,
}

/// An order for showing: the order, its lines' barcodes (from the catalogue) and its remarks.
#[derive(Debug, Clone)]
pub struct OrderRecord {
    pub id: i64,
    pub order: Order,
    pub hold_reason: Option<String>,
    /// The barcode of each line's product, `None` when unknown or without barcode.
    pub line_barcodes: Vec<Option<String>>,
    pub remarks: Vec<RemarkRow>,
}

/// One row of an order listing.
#[derive(Debug, Clone)]
pub struct OrderSummary {
    pub id: i64,
    pub order: Order,
    pub hold_reason: Option<String>,
    pub line_count: i64,
    pub remarks: Vec<RemarkRow>,
}

const ORDER_COLS: &str = "id, order_no, buyer, receiver_name, receiver_phone, receiver_address, status, \
     buyer_message, shipping_method, created_at, paid_at, courier, tracking_no, total_fen, postage_fen, \
     paid_fen, refund_fen, shop, close_reason, hold_reason";

fn status_of(s: String) -> OrderStatus {
    OrderStatus::from_code(&s).unwrap_or(OrderStatus::Closed)
}

fn time_of(s: Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref().and_then(from_store)
}

/// Maps a row selected with `ORDER_COLS` to `(id, order without lines, hold_reason)`.
fn order_from_row(r: &Row<'_>) -> Result<(i64, Order, Option<String>)> {
    let order = Order {
        order_no: r.get(1)?,
        buyer: r.get(2)?,
        receiver: Receiver {
            name: r.get(3)?,
            phone: r.get(4)?,
            address: r.get(5)?,
        },
        status: status_of(r.get(6)?),
        buyer_message: r.get(7)?,
        shipping_method: r.get(8)?,
        created_at: time_of(Some(r.get(9)?)).unwrap_or_default(),
        paid_at: time_of(r.get(10)?),
        courier: r.get(11)?,
        tracking_no: r.get(12)?,
        total: Fen(r.get(13)?),
        postage: Fen(r.get(14)?),
        paid: Fen(r.get(15)?),
        refund: Fen(r.get(16)?),
        shop: r.get(17)?,
        close_reason: r.get(18)?,
        lines: Vec::new(),
    };
    Ok((r.get(0)?, order, r.get(19)?))
}

/// The columns `line_from_row` reads, of the lines named `l` in a join.
pub(super) const LINE_COLS_L: &str = "l.id, l.line_key, l.sku_code, l.title, l.spec, l.package, l.qty, l.price_fen, \
     l.status, l.external_code, l.note";
pub(super) const LINE_WIDTH: usize = 11;

pub(super) fn line_from_row(r: &Row<'_>) -> Result<(i64, OrderLine)> {
    Ok((
        r.get(0)?,
        OrderLine {
            line_key: r.get(1)?,
            sku_code: r.get(2)?,
            title: r.get(3)?,
            spec: r.get(4)?,
            package: r.get(5)?,
            qty: r.get(6)?,
            price: Fen(r.get(7)?),
            status: status_of(r.get(8)?),
            external_code: r.get(9)?,
            note: r.get(10)?,
        },
    ))
}

/// A remark selected as `text, staff_code, flag, source, staff code, terminal, at` from column
/// `at` on.
fn remark_from_row(r: &Row<'_>, at: usize) -> Result<RemarkRow> {
    Ok(RemarkRow {
        text: r.get(at)?,
        staff_code: r.get(at + 1)?,
        flag: r.get(at + 2)?,
        source: r.get(at + 3)?,
        by: r.get(at + 4)?,
        terminal: r.get(at + 5)?,
        at: time_of(Some(r.get(at + 6)?)).unwrap_or_default(),
    })
}

impl Db<'_> {
    fn order_row(&self, order_no: &str) -> Result<Option<(i64, Order, Option<String>)>> {
        self.opt(
            &format!("SELECT {ORDER_COLS} FROM orders WHERE order_no = ?1"),
            params![order_no],
            order_from_row,
        )
    }

    pub(super) fn order_lines(&self, order_id: i64) -> Result<Vec<(i64, OrderLine)>> {
        self.all(
            "SELECT id, line_key, sku_code, title, spec, package, qty, price_fen, status, external_code, note
             FROM order_lines WHERE order_id = ?1 ORDER BY seq, id",
            params![order_id],
            line_from_row,
        )
    }

    /// The lines of the orders `ids`, each with its order's id, in each order's line order:
    /// one query for up to 500 orders, not one per order.
    pub(super) fn lines_of_orders(&self, ids: &[i64]) -> Result<Vec<(i64, (i64, OrderLine))>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(LOOKUP_CHUNK) {
            let ps: Vec<&dyn Param> = chunk.iter().map(|n| n as &dyn Param).collect();
            out.extend(self.all(
                &format!(
                    "SELECT id, line_key, sku_code, title, spec, package, qty, price_fen, status,
                            external_code, note, order_id
                     FROM order_lines WHERE order_id IN ({}) ORDER BY order_id, seq, id",
                    placeholders(chunk.len())
                ),
                &ps,
                |r| Ok((r.get::<i64>(11)?, line_from_row(r)?)),
            )?);
        }
        Ok(out)
    }

    /// The order with this number, with what an import compares against.
    pub fn order_for_import(&self, order_no: &str) -> Result<Option<StoredOrder>> {
        let Some((id, mut order, _)) = self.order_row(order_no)? else {
            return Ok(None);
        };
        let (line_ids, lines) = self.order_lines(id)?.into_iter().unzip();
        order.lines = lines;
        let import_remarks = self.all(
            "SELECT text FROM remarks WHERE order_id = ?1 AND source = 'import' ORDER BY id",
            params![id],
            |r| r.get(0),
        )?;
        let receiver_fixed = self.one(
            "SELECT receiver_fixed_at IS NOT NULL FROM orders WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )?;
        Ok(Some(StoredOrder {
            id,
            order,
            line_ids,
            import_remarks,
            receiver_fixed,
        }))
    }

    /// The stored orders among `order_nos`, by number, with what an import compares against:
    /// a few queries per several hundred numbers instead of three per order.
    pub fn orders_for_import(&self, order_nos: &[&str]) -> Result<HashMap<String, StoredOrder>> {
        let mut out = HashMap::new();
        for chunk in order_nos.chunks(LOOKUP_CHUNK) {
            let ps: Vec<&dyn Param> = chunk.iter().map(|n| n as &dyn Param).collect();
            // Planned each time: the import fills `orders` between these lookups.
            let found = self.all_planned_now(
                &format!(
                    "SELECT {ORDER_COLS}, receiver_fixed_at IS NOT NULL FROM orders
                     WHERE order_no IN ({})",
                    placeholders(chunk.len())
                ),
                &ps,
                |r| Ok((order_from_row(r)?, r.get::<bool>(20)?)),
            )?;
            if found.is_empty() {
                continue;
            }
            let ids: Vec<i64> = found.iter().map(|((id, _, _), _)| *id).collect();
            let ps: Vec<&dyn Param> = ids.iter().map(|n| n as &dyn Param).collect();
            let marks = placeholders(ids.len());
            let mut by_id: HashMap<i64, StoredOrder> = found
                .into_iter()
                .map(|((id, order, _), receiver_fixed)| {
                    let stored = StoredOrder {
                        id,
                        order,
                        line_ids: Vec::new(),
                        import_remarks: Vec::new(),
                        receiver_fixed,
                    };
                    (id, stored)
                })
                .collect();
            for (order_id, (line_id, line)) in self.lines_of_orders(&ids)? {
                if let Some(o) = by_id.get_mut(&order_id) {
                    o.line_ids.push(line_id);
                    o.order.lines.push(line);
                }
            }
            let remarks = self.all(
                &format!(
                    "SELECT order_id, text FROM remarks
                     WHERE order_id IN ({marks}) AND source = 'import' ORDER BY id"
                ),
                &ps,
                |r| Ok((r.get::<i64>(0)?, r.get::<String>(1)?)),
            )?;
            for (order_id, text) in remarks {
                if let Some(o) = by_id.get_mut(&order_id) {
                    o.import_remarks.push(text);
                }
            }
            out.extend(by_id.into_values().map(|o| (o.order.order_no.clone(), o)));
        }
        Ok(out)
    }

    /// How many orders the store holds.
    pub fn order_count(&self) -> Result<u64> {
        self.one("SELECT count(*) FROM orders", params![], |r| r.get(0))
    }

    /// Drops the order tables' indexes that no constraint needs, and gives back what makes them
    /// again (`Db::restore_indexes`, before the commit). Made once from the rows, an index costs
    /// less than one kept up row by row when a load brings more rows than the table holds. Not
    /// the partial ones: they take few of an import's rows (no imported order has a parcel, only
    /// shipped ones a tracking number), and kept up they cost less than a scan of the table.
    /// Inside the write: a rollback brings them back as they were. On PostgreSQL nothing is set
    /// aside (its import writes with `COPY`).
    pub fn set_aside_order_indexes(&self) -> Result<SetAsideIndexes> {
        if self.on_postgres() {
            return Ok(SetAsideIndexes(Vec::new()));
        }
        let indexes: Vec<(String, String)> = self.all(
            "SELECT name, sql FROM sqlite_master
             WHERE type = 'index' AND tbl_name IN ('orders', 'order_lines') AND sql IS NOT NULL
               AND sql NOT LIKE 'CREATE UNIQUE%' AND sql NOT LIKE '% WHERE %'
             ORDER BY name",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        for (name, _) in &indexes {
            self.conn.batch(&format!("DROP INDEX \"{name}\""))?;
        }
        Ok(SetAsideIndexes(
            indexes.into_iter().map(|(_, sql)| sql).collect(),
        ))
    }

    /// Makes again the indexes `set_aside_order_indexes` dropped.
    pub fn restore_indexes(&self, set_aside: SetAsideIndexes) -> Result<()> {
        for sql in set_aside.0 {
            self.conn.batch(&sql)?;
        }
        Ok(())
    }

    /// Writes the new orders of an import with their lines and remarks; their ids, in order.
    /// SQLite takes them row by row (prepared statements, nothing faster in process);
    /// PostgreSQL in three `COPY`s (a round trip per table, not per row), the orders' ids a
    /// block drawn from their sequence first: ids run in the orders' order on both engines.
    pub fn insert_imported_orders(
        &self,
        orders: &[NewImportedOrder],
        actor: &Actor,
    ) -> Result<Vec<i64>> {
        if !self.on_postgres() {
            let mut ids = Vec::with_capacity(orders.len());
            for o in orders {
                let id = self.insert_order(&o.order)?;
                if let Some((reason, note)) = &o.hold {
                    self.set_hold(id, Some(reason), note)?;
                }
                if let Some(r) = &o.remark {
                    self.append_remark(
                        id,
                        &r.text,
                        r.staff_code.as_deref(),
                        r.flag,
                        "import",
                        actor,
                    )?;
                }
                ids.push(id);
            }
            return Ok(ids);
        }
        if orders.is_empty() {
            return Ok(Vec::new());
        }
        // A block of ids taken from the orders' sequence at once (no other writer runs).
        let last: i64 = self.one(
            "SELECT setval(pg_get_serial_sequence('orders', 'id'),
                           nextval(pg_get_serial_sequence('orders', 'id')) + ?1 - 1)",
            params![orders.len()],
            |r| r.get(0),
        )?;
        let ids: Vec<i64> = (last + 1 - orders.len() as i64..=last).collect();
        let now = super::now();
        let (mut heads, mut lines, mut remarks) =
            (CopyRows::new(), CopyRows::new(), CopyRows::new());
        for (o, &id) in orders.iter().zip(&ids) {
            let (o, remark, hold) = (&o.order, &o.remark, &o.hold);
            heads.push(params![
                id,
                o.order_no,
                o.buyer,
                o.receiver.name,
                o.receiver.phone,
                o.receiver.address,
                o.status.code(),
                o.buyer_message,
                o.shipping_method,
                to_store(&o.created_at),
                o.paid_at.as_ref().map(to_store),
                o.courier,
                o.tracking_no,
                o.total.0,
                o.postage.0,
                o.paid.0,
                o.refund.0,
                o.shop,
                o.close_reason,
                hold.as_ref().map(|h| h.0),
                hold.as_ref().map_or("", |h| h.1.as_str()),
                now,
                now,
            ]);
            for (seq, l) in o.lines.iter().enumerate() {
                lines.push(params![
                    id,
                    l.line_key,
                    seq,
                    l.sku_code,
                    l.title,
                    l.spec,
                    l.package,
                    l.qty,
                    l.price.0,
                    l.status.code(),
                    l.external_code,
                    l.note,
                ]);
            }
            if let Some(r) = remark {
                remarks.push(params![
                    id,
                    r.text,
                    r.staff_code,
                    r.flag,
                    "import",
                    actor.staff.id,
                    actor.terminal,
                    now,
                ]);
            }
        }
        self.copy_in(
            "COPY orders (id, order_no, buyer, receiver_name, receiver_phone, receiver_address, status,
                buyer_message, shipping_method, created_at, paid_at, courier, tracking_no, total_fen,
                postage_fen, paid_fen, refund_fen, shop, close_reason, hold_reason, hold_note,
                imported_at, updated_at)
             FROM STDIN",
            &heads,
        )?;
        if !lines.is_empty() {
            self.copy_in(
                "COPY order_lines (order_id, line_key, seq, sku_code, title, spec, package, qty,
                    price_fen, status, external_code, note)
                 FROM STDIN",
                &lines,
            )?;
        }
        if !remarks.is_empty() {
            self.copy_in(
                "COPY remarks (order_id, text, staff_code, flag, source, staff_id, terminal, at)
                 FROM STDIN",
                &remarks,
            )?;
        }
        Ok(ids)
    }

    /// Whether an order with this number exists.
    pub fn order_exists(&self, order_no: &str) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM orders WHERE order_no = ?1",
                params![order_no],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// Inserts an order and its lines; returns the order's id.
    pub fn insert_order(&self, o: &Order) -> Result<i64> {
        let now = super::now();
        let id = self.insert(
            "INSERT INTO orders (order_no, buyer, receiver_name, receiver_phone, receiver_address, status,
                buyer_message, shipping_method, created_at, paid_at, courier, tracking_no, total_fen,
                postage_fen, paid_fen, refund_fen, shop, close_reason, imported_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?19)
             RETURNING id",
            params![
                o.order_no,
                o.buyer,
                o.receiver.name,
                o.receiver.phone,
                o.receiver.address,
                o.status.code(),
                o.buyer_message,
                o.shipping_method,
                to_store(&o.created_at),
                o.paid_at.as_ref().map(to_store),
                o.courier,
                o.tracking_no,
                o.total.0,
                o.postage.0,
                o.paid.0,
                o.refund.0,
                o.shop,
                o.close_reason,
                now,
            ],
        )?;
        for (seq, line) in o.lines.iter().enumerate() {
            self.insert_line(id, seq, line)?;
        }
        Ok(id)
    }

    /// Corrects an order's receiver at the bench; an import keeps the correction from now on.
    pub fn correct_receiver(&self, id: i64, r: &Receiver) -> Result<()> {
        let now = super::now();
        self.exec(
            "UPDATE orders SET receiver_name = ?2, receiver_phone = ?3, receiver_address = ?4,
                receiver_fixed_at = ?5, updated_at = ?5
             WHERE id = ?1",
            params![id, r.name, r.phone, r.address, now],
        )?;
        Ok(())
    }

    /// Overwrites the fields Taobao owns (not the bench's: hold, lines, remarks).
    pub fn update_order_fields(&self, id: i64, o: &Order) -> Result<()> {
        self.exec(
            "UPDATE orders SET buyer = ?2, receiver_name = ?3, receiver_phone = ?4, receiver_address = ?5,
                status = ?6, buyer_message = ?7, shipping_method = ?8, created_at = ?9, paid_at = ?10,
                courier = ?11, tracking_no = ?12, total_fen = ?13, postage_fen = ?14, paid_fen = ?15,
                refund_fen = ?16, shop = ?17, close_reason = ?18, updated_at = ?19
             WHERE id = ?1",
            params![
                id,
                o.buyer,
                o.receiver.name,
                o.receiver.phone,
                o.receiver.address,
                o.status.code(),
                o.buyer_message,
                o.shipping_method,
                to_store(&o.created_at),
                o.paid_at.as_ref().map(to_store),
                o.courier,
                o.tracking_no,
                o.total.0,
                o.postage.0,
                o.paid.0,
                o.refund.0,
                o.shop,
                o.close_reason,
                super::now(),
            ],
        )?;
        Ok(())
    }

    pub fn insert_line(&self, order_id: i64, seq: usize, l: &OrderLine) -> Result<i64> {
        self.insert(
            "INSERT INTO order_lines (order_id, line_key, seq, sku_code, title, spec, package, qty, price_fen,
                status, external_code, note)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             RETURNING id",
            params![
                order_id,
                l.line_key,
                seq as i64,
                l.sku_code,
                l.title,
                l.spec,
                l.package,
                l.qty,
                l.price.0,
                l.status.code(),
                l.external_code,
                l.note,
            ],
        )
    }

    pub fn update_line(&self, line_id: i64, l: &OrderLine) -> Result<()> {
        self.exec(
            "UPDATE order_lines SET sku_code = ?2, title = ?3, spec = ?4, package = ?5, qty = ?6,
                price_fen = ?7, status = ?8, external_code = ?9, note = ?10
             WHERE id = ?1",
            params![
                line_id,
                l.sku_code,
                l.title,
                l.spec,
                l.package,
                l.qty,
                l.price.0,
                l.status.code(),
                l.external_code,
                l.note,
            ],
        )?;
        Ok(())
    }

    /// Sets an order's status (a correction by staff); the caller logs why.
    pub fn set_order_status(&self, order_id: i64, status: OrderStatus) -> Result<()> {
        self.exec(
            "UPDATE orders SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![order_id, status.code(), super::now()],
        )?;
        Ok(())
    }

    /// Appends a remark. There is no way to change or remove one.
    pub fn append_remark(
        &self,
        order_id: i64,
        text: &str,
        staff_code: Option<&str>,
        flag: bool,
        source: &str,
        actor: &Actor,
    ) -> Result<()> {
        self.exec(
            "INSERT INTO remarks (order_id, text, staff_code, flag, source, staff_id, terminal, at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                order_id,
                text,
                staff_code,
                flag,
                source,
                actor.staff.id,
                actor.terminal,
                super::now()
            ],
        )?;
        Ok(())
    }

    pub fn order_remarks(&self, order_id: i64) -> Result<Vec<RemarkRow>> {
        self.all(
            "SELECT r.text, r.staff_code, r.flag, r.source, s.code, r.terminal, r.at
             FROM remarks r JOIN staff s ON s.id = r.staff_id WHERE r.order_id = ?1 ORDER BY r.id",
            params![order_id],
            |r| remark_from_row(r, 0),
        )
    }

    /// An order with lines, line barcodes and remarks.
    pub fn order_record(&self, order_no: &str) -> Result<Option<OrderRecord>> {
        let Some((id, mut order, hold_reason)) = self.order_row(order_no)? else {
            return Ok(None);
        };
        order.lines = self.order_lines(id)?.into_iter().map(|(_, l)| l).collect();
        let mut line_barcodes = Vec::with_capacity(order.lines.len());
        for l in &order.lines {
            let b: Option<Option<String>> = self.opt(
                "SELECT barcode FROM products WHERE sku_code = ?1",
                params![l.sku_code],
                |r| r.get(0),
            )?;
            line_barcodes.push(b.flatten());
        }
        let remarks = self.order_remarks(id)?;
        Ok(Some(OrderRecord {
            id,
            order,
            hold_reason,
            line_barcodes,
            remarks,
        }))
    }

    /// Orders, newest first, optionally of one status.
    pub fn list_orders(
        &self,
        status: Option<OrderStatus>,
        limit: usize,
    ) -> Result<Vec<OrderSummary>> {
        let mut out = Vec::new();
        self.each_order(status, limit, |o| {
            out.push(o);
            Ok(())
        })?;
        Ok(out)
    }

    /// The orders of `list_orders`, handed to `f` one at a time as they are read (a listing of
    /// a million orders never sits in memory); an error from `f` stops the reading.
    ///
    /// One query brings each order with its remarks (a row per remark, an order without any on
    /// one row of NULLs): nothing else may be asked of the store while its rows are read.
    pub fn each_order(
        &self,
        status: Option<OrderStatus>,
        limit: usize,
        mut f: impl FnMut(OrderSummary) -> Result<()>,
    ) -> Result<()> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut pending: Option<OrderSummary> = None;
        self.each(
            &format!(
                "SELECT o.*, r.id, r.text, r.staff_code, r.flag, r.source, s.code, r.terminal, r.at
                 FROM (SELECT {ORDER_COLS},
                              (SELECT count(*) FROM order_lines l WHERE l.order_id = orders.id) AS line_count
                       FROM orders WHERE CAST(?1 AS TEXT) IS NULL OR status = ?1
                       ORDER BY created_at DESC, id DESC LIMIT ?2) o
                 LEFT JOIN remarks r ON r.order_id = o.id
                 LEFT JOIN staff s ON s.id = r.staff_id
                 ORDER BY o.created_at DESC, o.id DESC, r.id"
            ),
            params![status.map(|s| s.code()), limit],
            |r| {
                let id: i64 = r.get(0)?;
                if pending.as_ref().is_none_or(|o| o.id != id) {
                    if let Some(done) = pending.take() {
                        f(done)?;
                    }
                    let (id, order, hold_reason) = order_from_row(r)?;
                    pending = Some(OrderSummary {
                        id,
                        order,
                        hold_reason,
                        line_count: r.get(20)?,
                        remarks: Vec::new(),
                    });
                }
                if r.get::<Option<i64>>(21)?.is_some() {
                    let remark = remark_from_row(r, 22)?;
                    if let Some(o) = pending.as_mut() {
                        o.remarks.push(remark);
                    }
                }
                Ok(())
            },
        )?;
        match pending {
            Some(last) => f(last),
            None => Ok(()),
        }
    }

    /// Orders found by order number or tracking number (exactly), or buyer or receiver (a part
    /// of the name, ASCII letters in either case), newest first.
    pub fn search_orders(
        &self,
        query: &str,
        status: Option<OrderStatus>,
        limit: usize,
    ) -> Result<Vec<OrderSummary>> {
        let q = query.trim();
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        self.all(
            &format!(
                "SELECT {ORDER_COLS}, (SELECT count(*) FROM order_lines l WHERE l.order_id = orders.id)
                 FROM orders
                 WHERE (?1 = '' OR order_no = ?1 OR tracking_no = ?1
                        OR lower(buyer) LIKE lower(?2) ESCAPE '\\'
                        OR lower(receiver_name) LIKE lower(?2) ESCAPE '\\')
                   AND (CAST(?3 AS TEXT) IS NULL OR status = ?3)
                 ORDER BY created_at DESC, id DESC LIMIT ?4"
            ),
            params![q, like, status.map(|s| s.code()), limit as i64],
            |r| {
                let (id, order, hold_reason) = order_from_row(r)?;
                Ok(OrderSummary {
                    id,
                    order,
                    hold_reason,
                    line_count: r.get(20)?,
                    remarks: Vec::new(),
                })
            },
        )
    }

    /// Number of orders per status.
    pub fn count_orders_by_status(&self) -> Result<Vec<(OrderStatus, i64)>> {
        self.all(
            "SELECT status, count(*) FROM orders GROUP BY status ORDER BY status",
            params![],
            |r| Ok((status_of(r.get(0)?), r.get(1)?)),
        )
    }
}

/// Indexes dropped for a bulk load, to be made again before its commit (`Db::restore_indexes`).
#[must_use = "the indexes must be made again before the commit"]
pub struct SetAsideIndexes(Vec<String>);
