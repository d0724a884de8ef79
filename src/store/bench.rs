//! The bench's tables: holds, parcels, the waybill pool, batches, scans and stations.

use super::{Db, Row, now, params};
use crate::domain::check::{ParcelStage, ScanMode, ScanSource, ShipMode};
use crate::domain::{Actor, BatchId, Kind, OrderLine, OrderStatus, Reason, Receiver};
use crate::error::{Error, Result};

/// An order as the bench sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchOrder {
    pub id: i64,
    pub order_no: String,
    pub status: OrderStatus,
    /// Whether the buyer paid at some time (a closed order that was paid was refunded).
    pub paid: bool,
    pub ship_unpaid: bool,
    pub hold_reason: Option<String>,
    pub hold_note: String,
    pub parcel_id: Option<i64>,
    pub buyer: String,
    pub receiver: Receiver,
    pub buyer_message: String,
    /// Paid time (creation time for unpaid orders), as stored: printing goes oldest first.
    pub age: String,
    /// The courier this order must go by (指定快递, chosen at review): only a batch of that
    /// courier takes it. `None`: any.
    pub courier_wanted: Option<String>,
    /// A refund of this order is under way on Taobao (requested, agreed, returned): the goods
    /// should not leave while it is.
    pub refund_open: bool,
    pub lines: Vec<OrderLine>,
}

impl BenchOrder {
    /// The lines that go into the parcel.
    pub fn lines_to_ship(&self) -> impl Iterator<Item = &OrderLine> {
        self.lines
            .iter()
            .filter(|l| l.to_ship(self.status, self.ship_unpaid))
    }

    /// The lines in the parcel: those to ship, or, once shipped, those that went.
    pub fn lines_in_parcel(&self) -> impl Iterator<Item = &OrderLine> {
        let gone = matches!(self.status, OrderStatus::Shipped | OrderStatus::Completed);
        self.lines.iter().filter(move |l| {
            if gone {
                // Shipped (by the bench, or on Taobao first): every line not refunded, whether
                // or not its own status followed (a status set by hand leaves lines as they were).
                l.status != OrderStatus::Closed
            } else {
                l.to_ship(self.status, self.ship_unpaid)
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParcelRow {
    pub id: i64,
    pub stage: ParcelStage,
    pub batch_id: Option<BatchId>,
    pub seq: Option<i64>,
    pub courier: Option<String>,
    pub tracking_no: Option<String>,
    pub claimed_by: Option<String>,
    pub shipped_at: Option<String>,
    pub ship_mode: Option<ShipMode>,
    /// When it was reported shipped to Taobao (批量发货), if it was: apart from when it left.
    pub reported_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub id: BatchId,
    pub created_at: String,
    pub staff_code: String,
    pub terminal: String,
    pub courier: String,
    pub picker_code: Option<String>,
    pub picked_at: Option<String>,
    pub parcels: i64,
    pub shipped: i64,
    /// When, by whom (staff code) and why the batch was cancelled; `None` while it stands.
    pub cancelled_at: Option<String>,
    pub cancelled_by: Option<String>,
    pub cancel_reason: Option<String>,
}

impl BatchRow {
    pub fn is_cancelled(&self) -> bool {
        self.cancelled_at.is_some()
    }
}

/// Which bench holds a station's name (see `flow::station::Lease`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationLease {
    pub terminal: String,
    /// The PC (host name) of the bench holding it.
    pub host: String,
    pub pid: u32,
    /// That run of the bench.
    pub token: String,
    pub started_at: String,
    pub renewed_at: String,
}

/// A bench's state in its work.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StationRow {
    pub terminal: String,
    pub open_parcel_id: Option<i64>,
    pub confirm_pending: bool,
    pub picker_id: Option<i64>,
    pub pick_batch_id: Option<BatchId>,
    pub last_shown_scan: i64,
}

/// A scan to record.
#[derive(Debug, Clone)]
pub struct NewScan<'a> {
    pub mode: ScanMode,
    pub code: &'a str,
    pub verdict: Kind,
    pub reason: Option<Reason>,
    pub parcel_id: Option<i64>,
    pub batch_id: Option<BatchId>,
    pub sku_code: Option<&'a str>,
    pub counted: bool,
    pub source: ScanSource,
}

/// A recorded scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanRecord {
    pub id: i64,
    pub at: String,
    pub mode: ScanMode,
    pub code: String,
    pub verdict: String,
    pub reason: Option<String>,
    pub parcel_id: Option<i64>,
    pub batch_id: Option<BatchId>,
    pub sku_code: Option<String>,
    /// `None` for a scan stored before sources were kept.
    pub source: Option<ScanSource>,
}

/// Free and used numbers of one courier's pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolStatus {
    pub courier: String,
    pub free: i64,
    pub used: i64,
}

const BENCH_ORDER_COLS: &str = "id, order_no, status, paid_at IS NOT NULL, ship_unpaid, hold_reason, hold_note, \
     parcel_id, buyer, receiver_name, receiver_phone, receiver_address, buyer_message, COALESCE(paid_at, created_at), \
     courier_wanted, EXISTS (SELECT 1 FROM refunds r WHERE r.order_no = orders.order_no AND r.status IN \
     ('requested', 'awaiting_return', 'returned'))";

/// `BENCH_ORDER_COLS` of the orders named `o` in a join.
const BENCH_ORDER_COLS_O: &str = "o.id, o.order_no, o.status, o.paid_at IS NOT NULL, o.ship_unpaid, o.hold_reason, \
     o.hold_note, o.parcel_id, o.buyer, o.receiver_name, o.receiver_phone, o.receiver_address, o.buyer_message, \
     COALESCE(o.paid_at, o.created_at), o.courier_wanted, EXISTS (SELECT 1 FROM refunds r \
     WHERE r.order_no = o.order_no AND r.status IN ('requested', 'awaiting_return', 'returned'))";
/// How many columns `BENCH_ORDER_COLS` has.
const BENCH_ORDER_WIDTH: usize = 16;

/// Orders that may be printed if nothing else stops them: paid (or let through unpaid), not
/// held, not in a printed parcel.
const ELIGIBLE: &str = "hold_reason IS NULL AND (status = 'paid' OR (status = 'unpaid' AND ship_unpaid = 1)) \
     AND (parcel_id IS NULL OR parcel_id IN (SELECT id FROM parcels WHERE stage = 'merged'))";

fn bench_order_from_row(r: &Row<'_>) -> Result<BenchOrder> {
    let status: String = r.get(2)?;
    Ok(BenchOrder {
        id: r.get(0)?,
        order_no: r.get(1)?,
        status: OrderStatus::from_code(&status).unwrap_or(OrderStatus::Closed),
        paid: r.get(3)?,
        ship_unpaid: r.get(4)?,
        hold_reason: r.get(5)?,
        hold_note: r.get(6)?,
        parcel_id: r.get(7)?,
        buyer: r.get(8)?,
        receiver: Receiver {
            name: r.get(9)?,
            phone: r.get(10)?,
            address: r.get(11)?,
        },
        buyer_message: r.get(12)?,
        age: r.get(13)?,
        courier_wanted: r.get(14)?,
        refund_open: r.get(15)?,
        lines: Vec::new(),
    })
}

fn parcel_from_row(r: &Row<'_>) -> Result<ParcelRow> {
    Ok(ParcelRow {
        id: r.get(0)?,
        stage: r.get(1)?,
        batch_id: r.get(2)?,
        seq: r.get(3)?,
        courier: r.get(4)?,
        tracking_no: r.get(5)?,
        claimed_by: r.get(6)?,
        shipped_at: r.get(7)?,
        ship_mode: r.get(8)?,
        reported_at: r.get(9)?,
    })
}

/// A scan's columns from `at` to `source`, as `insert_scan` and `insert_scan_as` write them.
fn scan_values<'a>(
    at: &'a dyn super::Param,
    staff_id: &'a i64,
    actor: &'a Actor,
    s: &'a NewScan<'a>,
) -> [&'a dyn super::Param; 12] {
    [
        at,
        staff_id,
        &actor.terminal,
        &s.mode,
        &s.code,
        &s.verdict,
        &s.reason,
        &s.parcel_id,
        &s.batch_id,
        &s.sku_code,
        &s.counted,
        &s.source,
    ]
}

fn station_from_row(r: &Row<'_>) -> Result<StationRow> {
    Ok(StationRow {
        terminal: r.get(0)?,
        open_parcel_id: r.get(1)?,
        confirm_pending: r.get(2)?,
        picker_id: r.get(3)?,
        pick_batch_id: r.get(4)?,
        last_shown_scan: r.get(5)?,
    })
}

const PARCEL_COLS: &str = "id, stage, batch_id, seq, courier, tracking_no, claimed_by, shipped_at, ship_mode, reported_at";
/// `PARCEL_COLS` of the parcel named `pa` in a join.
const PARCEL_COLS_PA: &str = "pa.id, pa.stage, pa.batch_id, pa.seq, pa.courier, pa.tracking_no, pa.claimed_by, \
     pa.shipped_at, pa.ship_mode, pa.reported_at";
const PARCEL_WIDTH: usize = 10;

/// A parcel as a checking bench needs it at every scan, read in one query (a scan on a
/// server pays for each query with a round trip).
#[derive(Debug, Clone)]
pub struct ParcelAtBench {
    pub row: ParcelRow,
    /// Its orders with their lines, in order number order.
    pub orders: Vec<BenchOrder>,
    /// The catalogue entries of its lines' merchant codes (those that exist).
    pub products: std::collections::HashMap<String, ProductAtBench>,
    /// Units counted so far per merchant code of its lines.
    pub counts: Vec<(String, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductAtBench {
    pub id: i64,
    pub barcode: Option<String>,
    pub bin: Option<String>,
}

/// What a scanned code names, by the order a bench tries them: a parcel's waybill, then a
/// product's barcode, then a merchant code.
#[derive(Debug, Clone)]
pub enum CodeAtBench {
    Waybill {
        parcel_id: i64,
    },
    Product {
        id: i64,
        product: crate::domain::Product,
    },
    Unknown,
}

impl Db<'_> {
    /// Parcels a staff member shipped at or after `since` (a stored time).
    pub fn shipped_by_since(&self, staff_id: i64, since: &str) -> Result<i64> {
        self.one(
            "SELECT count(*) FROM parcels WHERE shipped_by = ?1 AND shipped_at >= ?2 \
             AND shipped_at IS NOT NULL",
            params![staff_id, since],
            |r| r.get(0),
        )
    }

    fn with_lines(&self, mut orders: Vec<BenchOrder>) -> Result<Vec<BenchOrder>> {
        let ids: Vec<i64> = orders.iter().map(|o| o.id).collect();
        let mut by_order: std::collections::HashMap<i64, Vec<OrderLine>> = Default::default();
        for (order_id, (_, line)) in self.lines_of_orders(&ids)? {
            by_order.entry(order_id).or_default().push(line);
        }
        for o in &mut orders {
            o.lines = by_order.remove(&o.id).unwrap_or_default();
        }
        Ok(orders)
    }

    /// An order by number, as the bench sees it, with its lines.
    pub fn bench_order(&self, order_no: &str) -> Result<Option<BenchOrder>> {
        let o = self.opt(
            &format!("SELECT {BENCH_ORDER_COLS} FROM orders WHERE order_no = ?1"),
            params![order_no],
            bench_order_from_row,
        )?;
        Ok(self.with_lines(o.into_iter().collect())?.pop())
    }

    /// Orders that may go into a batch, oldest first, after `(age, id)`; at most `limit`.
    pub fn eligible_orders(
        &self,
        after: Option<(&str, i64)>,
        limit: usize,
    ) -> Result<Vec<BenchOrder>> {
        let (age, id) = after.unwrap_or(("", 0));
        let orders = self.all(
            &format!(
                "SELECT {BENCH_ORDER_COLS} FROM orders {}
                 WHERE {ELIGIBLE} AND (COALESCE(paid_at, created_at), id) > (?1, ?2)
                 ORDER BY COALESCE(paid_at, created_at), id LIMIT ?3",
                self.age_order_hint()
            ),
            params![age, id, limit as i64],
            bench_order_from_row,
        )?;
        self.with_lines(orders)
    }

    /// SQLite is held to the age index when it pages through orders oldest first (`INDEXED BY`,
    /// which PostgreSQL has not): by status it would sort a big backlog on every page.
    fn age_order_hint(&self) -> &'static str {
        if self.on_postgres() {
            ""
        } else {
            "INDEXED BY orders_age"
        }
    }

    /// Orders still to be printed (paid, or unpaid), held or not, oldest first.
    pub fn unprinted_orders(&self, limit: usize) -> Result<Vec<BenchOrder>> {
        let orders = self.all(
            &format!(
                "SELECT {BENCH_ORDER_COLS} FROM orders {}
                 WHERE status IN ('paid', 'unpaid')
                   AND (parcel_id IS NULL OR parcel_id IN (SELECT id FROM parcels WHERE stage = 'merged'))
                 ORDER BY COALESCE(paid_at, created_at), id LIMIT ?1",
                self.age_order_hint()
            ),
            params![limit as i64],
            bench_order_from_row,
        )?;
        self.with_lines(orders)
    }

    /// Groups of eligible orders, not yet in a parcel, with the same buyer, receiver, phone and
    /// address: order numbers per group, oldest group first.
    pub fn merge_candidates(&self) -> Result<Vec<Vec<String>>> {
        // One row per order of a group, a group's rows together (its oldest order's age, then
        // its least id, tell the groups apart), oldest first within it.
        let rows: Vec<(String, i64)> = self.all(
            &format!(
                "SELECT order_no, group_id FROM (
                     SELECT order_no, id, COALESCE(paid_at, created_at) AS age,
                            count(*) OVER w AS n,
                            min(COALESCE(paid_at, created_at)) OVER w AS group_age,
                            min(id) OVER w AS group_id
                     FROM orders WHERE {ELIGIBLE} AND parcel_id IS NULL
                     WINDOW w AS (PARTITION BY buyer, receiver_name, receiver_phone, receiver_address)
                 ) g
                 WHERE n > 1 ORDER BY group_age, group_id, age, id"
            ),
            params![],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let mut groups: Vec<Vec<String>> = Vec::new();
        let mut last = None;
        for (order_no, group) in rows {
            if last != Some(group) {
                groups.push(Vec::new());
                last = Some(group);
            }
            if let Some(g) = groups.last_mut() {
                g.push(order_no);
            }
        }
        Ok(groups)
    }

    /// Marks an order and its live lines shipped (refunded lines stay closed).
    /// Marks every order of a parcel shipped, with their lines still to ship.
    pub fn mark_parcel_orders_shipped(&self, parcel_id: i64) -> Result<()> {
        let now = now();
        self.exec_later(
            "UPDATE orders SET status = 'shipped', updated_at = ?2 WHERE parcel_id = ?1",
            params![parcel_id, now],
        )?;
        self.exec_later(
            "UPDATE order_lines SET status = 'shipped'
             WHERE order_id IN (SELECT id FROM orders WHERE parcel_id = ?1) AND status IN ('paid', 'unpaid')",
            params![parcel_id],
        )?;
        Ok(())
    }

    /// The stage of the parcel an order is in, if it is in one.
    /// The parcel an order is in, if it is in one.
    pub fn order_parcel(&self, order_id: i64) -> Result<Option<ParcelRow>> {
        self.opt(
            &format!(
                "SELECT {PARCEL_COLS} FROM parcels WHERE id = (SELECT parcel_id FROM orders WHERE id = ?1)"
            ),
            params![order_id],
            parcel_from_row,
        )
    }

    pub fn order_parcel_stage(&self, order_id: i64) -> Result<Option<ParcelStage>> {
        self.opt(
            "SELECT p.stage FROM orders o JOIN parcels p ON p.id = o.parcel_id WHERE o.id = ?1",
            params![order_id],
            |r| r.get(0),
        )
    }

    pub fn set_hold(&self, order_id: i64, reason: Option<&str>, note: &str) -> Result<()> {
        self.exec(
            "UPDATE orders SET hold_reason = ?2, hold_note = ?3, updated_at = ?4 WHERE id = ?1",
            params![order_id, reason, note, now()],
        )?;
        Ok(())
    }

    /// Sets (or clears) the courier an order must go by.
    pub fn set_courier_wanted(&self, order_id: i64, courier: Option<&str>) -> Result<()> {
        self.exec(
            "UPDATE orders SET courier_wanted = ?2, updated_at = ?3 WHERE id = ?1",
            params![order_id, courier, now()],
        )?;
        Ok(())
    }

    pub fn set_ship_unpaid(&self, order_id: i64) -> Result<()> {
        self.exec(
            "UPDATE orders SET ship_unpaid = 1, updated_at = ?2 WHERE id = ?1",
            params![order_id, now()],
        )?;
        Ok(())
    }

    /// Orders of a parcel, with lines, in order number order.
    pub fn parcel_orders(&self, parcel_id: i64) -> Result<Vec<BenchOrder>> {
        let orders = self.all(
            &format!(
                "SELECT {BENCH_ORDER_COLS} FROM orders WHERE parcel_id = ?1 ORDER BY order_no"
            ),
            params![parcel_id],
            bench_order_from_row,
        )?;
        self.with_lines(orders)
    }

    pub fn new_parcel(&self, order_ids: &[i64]) -> Result<i64> {
        let id = self.insert(
            "INSERT INTO parcels (stage, created_at) VALUES ('merged', ?1) RETURNING id",
            params![now()],
        )?;
        for o in order_ids {
            self.exec(
                "UPDATE orders SET parcel_id = ?2 WHERE id = ?1",
                params![o, id],
            )?;
        }
        Ok(id)
    }

    /// A parcel a print batch makes for one order on its own (a cancel of the batch removes it).
    pub fn new_batch_parcel(&self, order_id: i64) -> Result<i64> {
        let id = self.insert(
            "INSERT INTO parcels (stage, created_at, made_by_batch) VALUES ('merged', ?1, 1) RETURNING id",
            params![now()],
        )?;
        self.exec(
            "UPDATE orders SET parcel_id = ?2 WHERE id = ?1",
            params![order_id, id],
        )?;
        Ok(id)
    }

    /// Parcels merged and not printed yet, oldest first: their ids.
    pub fn merged_parcels(&self, limit: usize) -> Result<Vec<i64>> {
        self.all(
            "SELECT id FROM parcels WHERE stage = 'merged' ORDER BY id LIMIT ?1",
            params![limit as i64],
            |r| r.get(0),
        )
    }

    /// Undoes a merge: its orders leave the parcel, which is removed. Only before printing.
    pub fn dissolve_parcel(&self, parcel_id: i64) -> Result<()> {
        self.exec(
            "UPDATE orders SET parcel_id = NULL WHERE parcel_id = ?1",
            params![parcel_id],
        )?;
        let n = self.exec(
            "DELETE FROM parcels WHERE id = ?1 AND stage = 'merged'",
            params![parcel_id],
        )?;
        if n != 1 {
            return Err(Error::invalid(
                "已打印的包裹不能拆分",
                "a printed parcel cannot be unmerged",
            ));
        }
        Ok(())
    }

    /// A parcel with its orders, lines, their products and the units counted: one query.
    pub fn parcel_at_bench(&self, id: i64) -> Result<Option<ParcelAtBench>> {
        let line_at = PARCEL_WIDTH + BENCH_ORDER_WIDTH;
        let rest = line_at + super::orders::LINE_WIDTH;
        let rows = self.all(
            &format!(
                "SELECT {PARCEL_COLS_PA}, {BENCH_ORDER_COLS_O}, {}, p.id, p.barcode, p.bin,
                        (SELECT count(*) FROM scans s
                          WHERE s.parcel_id = pa.id AND s.counted = 1 AND s.sku_code = l.sku_code)
                 FROM parcels pa
                 LEFT JOIN orders o ON o.parcel_id = pa.id
                 LEFT JOIN order_lines l ON l.order_id = o.id
                 LEFT JOIN products p ON p.sku_code = l.sku_code
                 WHERE pa.id = ?1
                 ORDER BY o.order_no, o.id, l.seq, l.id",
                super::orders::LINE_COLS_L
            ),
            params![id],
            |r| {
                let order = match r.get::<Option<i64>>(PARCEL_WIDTH)? {
                    Some(_) => Some(bench_order_from_row(&r.from(PARCEL_WIDTH))?),
                    None => None,
                };
                let line = match r.get::<Option<i64>>(line_at)? {
                    Some(_) => Some(super::orders::line_from_row(&r.from(line_at))?.1),
                    None => None,
                };
                let product = match r.get::<Option<i64>>(rest)? {
                    Some(pid) => Some(ProductAtBench {
                        id: pid,
                        barcode: r.get(rest + 1)?,
                        bin: r.get(rest + 2)?,
                    }),
                    None => None,
                };
                Ok((
                    parcel_from_row(r)?,
                    order,
                    line,
                    product,
                    r.get::<u32>(rest + 3)?,
                ))
            },
        )?;
        let mut out: Option<ParcelAtBench> = None;
        for (row, order, line, product, count) in rows {
            let p = out.get_or_insert_with(|| ParcelAtBench {
                row,
                orders: Vec::new(),
                products: Default::default(),
                counts: Vec::new(),
            });
            if let Some(o) = order
                && p.orders.last().is_none_or(|last| last.id != o.id)
            {
                p.orders.push(o);
            }
            if let Some(l) = line {
                if let Some(pr) = product {
                    p.products.insert(l.sku_code.clone(), pr);
                }
                if count > 0 && !p.counts.iter().any(|(s, _)| *s == l.sku_code) {
                    p.counts.push((l.sku_code.clone(), count));
                }
                if let Some(o) = p.orders.last_mut() {
                    o.lines.push(l);
                }
            }
        }
        Ok(out)
    }

    /// What `code` names at a bench (see `CodeAtBench`): one query for the three look-ups.
    pub fn code_at_bench(&self, code: &str) -> Result<CodeAtBench> {
        let cols = super::products::PRODUCT_COLS;
        let width = super::products::PRODUCT_WIDTH;
        let blanks = vec!["NULL"; width - 1].join(", ");
        let found = self.opt(
            &format!(
                "SELECT id, {blanks}, 0 FROM parcels WHERE tracking_no = ?1
                 UNION ALL SELECT {cols}, 1 FROM products WHERE barcode = ?1
                 UNION ALL SELECT {cols}, 2 FROM products WHERE sku_code = ?1
                 ORDER BY {} LIMIT 1",
                width + 1
            ),
            params![code],
            |r| {
                Ok(match r.get::<i64>(width)? {
                    0 => CodeAtBench::Waybill {
                        parcel_id: r.get(0)?,
                    },
                    _ => {
                        let (id, product) = super::products::product_from_row(r)?;
                        CodeAtBench::Product { id, product }
                    }
                })
            },
        )?;
        Ok(found.unwrap_or(CodeAtBench::Unknown))
    }

    pub fn parcel(&self, id: i64) -> Result<Option<ParcelRow>> {
        self.opt(
            &format!("SELECT {PARCEL_COLS} FROM parcels WHERE id = ?1"),
            params![id],
            parcel_from_row,
        )
    }

    pub fn parcel_by_tracking(&self, tracking_no: &str) -> Result<Option<ParcelRow>> {
        self.opt(
            &format!("SELECT {PARCEL_COLS} FROM parcels WHERE tracking_no = ?1"),
            params![tracking_no],
            parcel_from_row,
        )
    }

    /// Adds a number to a courier's pool; `false` if the number is known already.
    pub fn add_waybill(&self, tracking_no: &str, courier: &str, actor: &Actor) -> Result<bool> {
        let n = self.exec(
            "INSERT INTO waybills (tracking_no, courier, added_at, added_by) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (tracking_no) DO NOTHING",
            params![tracking_no, courier, now(), actor.staff.id],
        )?;
        Ok(n == 1)
    }

    /// Whether a number is in the pool (free or used), and of which courier.
    pub fn waybill_courier(&self, tracking_no: &str) -> Result<Option<String>> {
        self.opt(
            "SELECT courier FROM waybills WHERE tracking_no = ?1",
            params![tracking_no],
            |r| r.get(0),
        )
    }

    pub fn pool_status(&self) -> Result<Vec<PoolStatus>> {
        self.all(
            "SELECT courier, count(*) - count(parcel_id), count(parcel_id) FROM waybills GROUP BY courier ORDER BY courier",
            params![],
            |r| {
                Ok(PoolStatus {
                    courier: r.get(0)?,
                    free: r.get(1)?,
                    used: r.get(2)?,
                })
            },
        )
    }

    /// Takes the lowest free number of `courier` for `parcel_id`, or `None` if the pool is empty.
    pub fn take_waybill(&self, courier: &str, parcel_id: i64) -> Result<Option<String>> {
        let Some(no) = self.opt(
            "SELECT tracking_no FROM waybills WHERE courier = ?1 AND parcel_id IS NULL ORDER BY tracking_no LIMIT 1",
            params![courier],
            |r| r.get::<String>(0),
        )?
        else {
            return Ok(None);
        };
        self.exec(
            "UPDATE waybills SET parcel_id = ?2, used_at = ?3 WHERE tracking_no = ?1",
            params![no, parcel_id, now()],
        )?;
        Ok(Some(no))
    }

    pub fn insert_batch(&self, actor: &Actor, courier: &str) -> Result<BatchId> {
        Ok(BatchId(self.insert(
            // Numbered from the highest (writers take turns): a refused batch leaves no gap in the
            // numbers on either engine (a PostgreSQL sequence would skip one).
            "INSERT INTO batches (id, created_at, staff_id, terminal, courier)
             VALUES ((SELECT coalesce(max(id), 0) + 1 FROM batches), ?1, ?2, ?3, ?4) RETURNING id",
            params![now(), actor.staff.id, actor.terminal, courier],
        )?))
    }

    /// Puts a parcel in a batch with its tracking number; its orders carry the number too.
    pub fn print_parcel(
        &self,
        parcel_id: i64,
        batch_id: BatchId,
        seq: i64,
        courier: &str,
        tracking_no: &str,
    ) -> Result<()> {
        self.exec(
            "UPDATE parcels SET stage = 'printed', batch_id = ?2, seq = ?3, courier = ?4, tracking_no = ?5 WHERE id = ?1",
            params![parcel_id, batch_id, seq, courier, tracking_no],
        )?;
        self.exec(
            "UPDATE orders SET courier = ?2, tracking_no = ?3, updated_at = ?4 WHERE parcel_id = ?1",
            params![parcel_id, courier, tracking_no, now()],
        )?;
        Ok(())
    }

    pub fn batch(&self, id: BatchId) -> Result<Option<BatchRow>> {
        Ok(self.batches(Some(id), 1)?.pop())
    }

    /// Batches, newest first (or the one asked for).
    pub fn batches(&self, id: Option<BatchId>, limit: usize) -> Result<Vec<BatchRow>> {
        self.all(
            "SELECT b.id, b.created_at, s.code, b.terminal, b.courier, p.code, b.picked_at,
                    (SELECT count(*) FROM parcels WHERE batch_id = b.id),
                    (SELECT count(*) FROM parcels WHERE batch_id = b.id AND stage = 'shipped'),
                    b.cancelled_at, c.code, b.cancel_reason
             FROM batches b JOIN staff s ON s.id = b.staff_id LEFT JOIN staff p ON p.id = b.picker_id
                  LEFT JOIN staff c ON c.id = b.cancelled_by
             WHERE CAST(?1 AS BIGINT) IS NULL OR b.id = ?1 ORDER BY b.id DESC LIMIT ?2",
            params![id, limit as i64],
            |r| {
                Ok(BatchRow {
                    id: r.get(0)?,
                    created_at: r.get(1)?,
                    staff_code: r.get(2)?,
                    terminal: r.get(3)?,
                    courier: r.get(4)?,
                    picker_code: r.get(5)?,
                    picked_at: r.get(6)?,
                    parcels: r.get(7)?,
                    shipped: r.get(8)?,
                    cancelled_at: r.get(9)?,
                    cancelled_by: r.get(10)?,
                    cancel_reason: r.get(11)?,
                })
            },
        )
    }

    pub fn batch_parcels(&self, batch_id: BatchId) -> Result<Vec<ParcelRow>> {
        self.all(
            &format!("SELECT {PARCEL_COLS} FROM parcels WHERE batch_id = ?1 ORDER BY seq"),
            params![batch_id],
            parcel_from_row,
        )
    }

    /// Tracking numbers of the batch's parcels that a check bench has scanned (any verdict):
    /// their scans, append-only, point at the parcel for good.
    pub fn batch_parcels_scanned(&self, batch_id: BatchId) -> Result<Vec<String>> {
        let nos = self.all(
            "SELECT p.tracking_no FROM parcels p
             WHERE p.batch_id = ?1 AND EXISTS (SELECT 1 FROM scans s WHERE s.parcel_id = p.id)
             ORDER BY p.seq",
            params![batch_id],
            |r| r.get::<Option<String>>(0),
        )?;
        Ok(nos.into_iter().flatten().collect())
    }

    /// Takes a printed parcel out of its batch, before any of it is on paper: its tracking number
    /// goes back to the pool, its orders lose the number, and the parcel is removed (one the
    /// batch made) or is a merged, unprinted parcel again. Returns the number set free.
    pub fn unprint_parcel(&self, p: &ParcelRow) -> Result<Option<String>> {
        let now = now();
        self.exec(
            "UPDATE waybills SET parcel_id = NULL, used_at = NULL WHERE parcel_id = ?1",
            params![p.id],
        )?;
        self.exec(
            "UPDATE orders SET courier = NULL, tracking_no = NULL, updated_at = ?2 WHERE parcel_id = ?1",
            params![p.id, now],
        )?;
        let made_by_batch: bool = self.one(
            "SELECT made_by_batch FROM parcels WHERE id = ?1",
            params![p.id],
            |r| r.get(0),
        )?;
        if made_by_batch {
            self.exec(
                "UPDATE orders SET parcel_id = NULL WHERE parcel_id = ?1",
                params![p.id],
            )?;
            // A failed waybill job names the parcel; the log keeps the number it tried.
            self.exec(
                "UPDATE print_job_items SET parcel_id = NULL WHERE parcel_id = ?1",
                params![p.id],
            )?;
            self.exec("DELETE FROM parcels WHERE id = ?1", params![p.id])?;
        } else {
            self.exec(
                "UPDATE parcels SET stage = 'merged', batch_id = NULL, seq = NULL, courier = NULL,
                    tracking_no = NULL, claimed_by = NULL WHERE id = ?1",
                params![p.id],
            )?;
        }
        Ok(p.tracking_no.clone())
    }

    /// Marks a batch cancelled: who, when, why. The row stays.
    pub fn mark_batch_cancelled(
        &self,
        batch_id: BatchId,
        actor: &Actor,
        reason: &str,
    ) -> Result<()> {
        self.exec(
            "UPDATE batches SET cancelled_at = ?2, cancelled_by = ?3, cancel_reason = ?4 WHERE id = ?1",
            params![batch_id, now(), actor.staff.id, reason],
        )?;
        Ok(())
    }

    pub fn assign_picker(&self, batch_id: BatchId, staff_id: i64) -> Result<()> {
        self.exec(
            "UPDATE batches SET picker_id = ?2, picked_at = ?3 WHERE id = ?1",
            params![batch_id, staff_id, now()],
        )?;
        Ok(())
    }

    /// Marks a bench as checking this parcel (`None` releases it).
    pub fn claim_parcel(&self, parcel_id: i64, terminal: Option<&str>) -> Result<()> {
        self.exec_later(
            "UPDATE parcels SET claimed_by = ?2 WHERE id = ?1",
            params![parcel_id, terminal],
        )?;
        Ok(())
    }

    /// Marks a parcel shipped (`checked` at a bench or `bulk` without checking).
    /// `scan` is the check scan that shipped it, if one did.
    /// Parcels reported shipped to Taobao whose goods have not left (printed, not shipped), oldest
    /// report first; at most `limit`.
    pub fn reported_not_left(&self, limit: usize) -> Result<Vec<ParcelRow>> {
        self.all(
            &format!(
                "SELECT {PARCEL_COLS} FROM parcels WHERE reported_at IS NOT NULL AND stage = 'printed'
                 ORDER BY reported_at, id LIMIT ?1"
            ),
            params![limit as i64],
            parcel_from_row,
        )
    }

    /// Records that the parcel was reported shipped to Taobao (批量发货), once: the first time
    /// stays.
    pub fn mark_parcel_reported(&self, parcel_id: i64, actor: &Actor) -> Result<()> {
        self.exec(
            "UPDATE parcels SET reported_at = COALESCE(reported_at, ?2),
                    reported_by = COALESCE(reported_by, ?3) WHERE id = ?1",
            params![parcel_id, now(), actor.staff.id],
        )?;
        Ok(())
    }

    pub fn ship_parcel(
        &self,
        parcel_id: i64,
        actor: &Actor,
        mode: ShipMode,
        scan: Option<i64>,
    ) -> Result<()> {
        self.exec_later(
            "UPDATE parcels SET stage = 'shipped', shipped_at = ?2, shipped_by = ?3, ship_mode = ?4, claimed_by = NULL,
                    shipped_scan_id = COALESCE(?5, shipped_scan_id)
             WHERE id = ?1",
            params![parcel_id, now(), actor.staff.id, mode, scan],
        )?;
        Ok(())
    }

    /// A bench's state; a bench never seen before starts empty.
    pub fn station(&self, terminal: &str) -> Result<StationRow> {
        Ok(self
            .opt(
                "SELECT terminal, open_parcel_id, confirm_pending, picker_id, pick_batch_id, last_shown_scan
                 FROM stations WHERE terminal = ?1",
                params![terminal],
                station_from_row,
            )?
            .unwrap_or_else(|| StationRow { terminal: terminal.to_string(), ..Default::default() }))
    }

    /// What a check scan reads first, in one query: the bench's state (as `station`), one
    /// setting, and the id its scan will have (see `insert_scan_as`).
    pub fn scan_start(
        &self,
        terminal: &str,
        key: &str,
    ) -> Result<(StationRow, Option<String>, i64)> {
        // Under the write lock on SQLite the next id is the largest one's successor; on
        // PostgreSQL the sequence hands it out (a rolled-back scan leaves a gap).
        let next_id = if self.on_postgres() {
            "nextval(pg_get_serial_sequence('scans', 'id'))"
        } else {
            "(SELECT COALESCE(max(id), 0) + 1 FROM scans)"
        };
        self.one(
            &format!(
                "SELECT s.terminal, s.open_parcel_id, s.confirm_pending, s.picker_id, s.pick_batch_id,
                        s.last_shown_scan, (SELECT value FROM settings WHERE key = ?2), {next_id}
                 FROM (SELECT 1 AS one) AS d LEFT JOIN stations s ON s.terminal = ?1"
            ),
            params![terminal, key],
            |r| {
                let station = match r.get::<Option<String>>(0)? {
                    Some(_) => station_from_row(r)?,
                    None => StationRow { terminal: terminal.to_string(), ..Default::default() },
                };
                Ok((station, r.get(6)?, r.get(7)?))
            },
        )
    }

    pub fn save_station(&self, s: &StationRow) -> Result<()> {
        self.exec_later(
            "INSERT INTO stations (terminal, open_parcel_id, confirm_pending, picker_id, pick_batch_id, last_shown_scan)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (terminal) DO UPDATE SET open_parcel_id = ?2, confirm_pending = ?3, picker_id = ?4,
                pick_batch_id = ?5, last_shown_scan = ?6",
            params![s.terminal, s.open_parcel_id, s.confirm_pending, s.picker_id, s.pick_batch_id, s.last_shown_scan],
        )?;
        Ok(())
    }

    /// Writes a scan with its verdict under the id `scan_start` gave (on a server it goes with
    /// the next round trip).
    pub fn insert_scan_as(
        &self,
        id: i64,
        actor: &Actor,
        staff_id: i64,
        s: &NewScan<'_>,
    ) -> Result<()> {
        let at = now();
        let mut values = scan_values(&at, &staff_id, actor, s).to_vec();
        values.push(&id);
        self.exec_later(
            "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, reason, parcel_id, batch_id, sku_code, counted, source, id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            &values,
        )
    }

    /// Writes a scan with its verdict; returns its id.
    pub fn insert_scan(&self, actor: &Actor, staff_id: i64, s: &NewScan<'_>) -> Result<i64> {
        let at = now();
        self.insert(
            "INSERT INTO scans (at, staff_id, terminal, mode, code, verdict, reason, parcel_id, batch_id, sku_code, counted, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING id",
            &scan_values(&at, &staff_id, actor, s),
        )
    }

    /// Units counted so far per merchant code in a parcel's check.
    pub fn checked_counts(&self, parcel_id: i64) -> Result<Vec<(String, u32)>> {
        self.all(
            "SELECT sku_code, count(*) FROM scans WHERE parcel_id = ?1 AND counted = 1 GROUP BY sku_code",
            params![parcel_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Units picked so far per merchant code in a batch.
    pub fn picked_counts(&self, batch_id: BatchId) -> Result<Vec<(String, u32)>> {
        self.all(
            "SELECT sku_code, count(*) FROM scans WHERE batch_id = ?1 AND counted = 1 AND mode = 'pick' GROUP BY sku_code",
            params![batch_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Scans of a bench after `after_id`, oldest first.
    pub fn scans_after(&self, terminal: &str, after_id: i64) -> Result<Vec<ScanRecord>> {
        self.all(
            "SELECT id, at, mode, code, verdict, reason, parcel_id, batch_id, sku_code, source FROM scans
             WHERE terminal = ?1 AND id > ?2 ORDER BY id",
            params![terminal, after_id],
            |r| {
                Ok(ScanRecord {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    mode: r.get(2)?,
                    code: r.get(3)?,
                    verdict: r.get(4)?,
                    reason: r.get(5)?,
                    parcel_id: r.get(6)?,
                    batch_id: r.get(7)?,
                    sku_code: r.get(8)?,
                    source: r.get(9)?,
                })
            },
        )
    }

    /// Records the scan that shipped a parcel, for the replay after a restart.
    pub fn set_shipped_scan(&self, parcel_id: i64, scan_id: i64) -> Result<()> {
        self.exec_later(
            "UPDATE parcels SET shipped_scan_id = ?2 WHERE id = ?1",
            params![parcel_id, scan_id],
        )?;
        Ok(())
    }

    /// The parcel this scan shipped, if it shipped one.
    pub fn parcel_shipped_by_scan(&self, scan_id: i64) -> Result<Option<i64>> {
        self.opt(
            "SELECT id FROM parcels WHERE shipped_scan_id = ?1",
            params![scan_id],
            |r| r.get(0),
        )
    }

    /// The lease on a station's name, if a bench holds (or held) one.
    /// Printed parcels held open at a bench, by bench.
    pub fn parcels_open_at_benches(&self) -> Result<Vec<ParcelRow>> {
        self.all(
            &format!(
                "SELECT {PARCEL_COLS} FROM parcels WHERE claimed_by IS NOT NULL AND stage = 'printed'
                 ORDER BY claimed_by, batch_id, seq"
            ),
            params![],
            parcel_from_row,
        )
    }

    pub fn station_lease(&self, terminal: &str) -> Result<Option<StationLease>> {
        self.opt(
            "SELECT terminal, host, pid, token, started_at, renewed_at FROM station_leases
             WHERE terminal = ?1",
            params![terminal],
            lease_from_row,
        )
    }

    /// Every station lease in the store, live or left behind.
    pub fn station_leases(&self) -> Result<Vec<StationLease>> {
        self.all(
            "SELECT terminal, host, pid, token, started_at, renewed_at FROM station_leases
             ORDER BY terminal",
            params![],
            lease_from_row,
        )
    }

    /// Takes the lease on a station's name for this bench (replacing one that was let go).
    pub fn take_station_lease(
        &self,
        terminal: &str,
        host: &str,
        pid: u32,
        token: &str,
    ) -> Result<()> {
        let at = now();
        self.exec(
            "INSERT INTO station_leases (terminal, host, pid, token, started_at, renewed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT (terminal) DO UPDATE SET host = ?2, pid = ?3, token = ?4, started_at = ?5,
                renewed_at = ?5",
            params![terminal, host, pid, token, at],
        )?;
        Ok(())
    }

    /// Renews this bench's lease; false when it is no longer this bench's.
    pub fn renew_station_lease(&self, terminal: &str, token: &str) -> Result<bool> {
        Ok(self.exec(
            "UPDATE station_leases SET renewed_at = ?3 WHERE terminal = ?1 AND token = ?2",
            params![terminal, token, now()],
        )? > 0)
    }

    /// Lets this bench's lease go.
    pub fn drop_station_lease(&self, terminal: &str, token: &str) -> Result<()> {
        self.exec(
            "DELETE FROM station_leases WHERE terminal = ?1 AND token = ?2",
            params![terminal, token],
        )?;
        Ok(())
    }
}

fn lease_from_row(r: &Row<'_>) -> Result<StationLease> {
    Ok(StationLease {
        terminal: r.get(0)?,
        host: r.get(1)?,
        pid: r.get(2)?,
        token: r.get(3)?,
        started_at: r.get(4)?,
        renewed_at: r.get(5)?,
    })
}
