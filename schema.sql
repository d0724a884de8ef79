-- The one schema of a packbench store.
--
-- A CHECK lists allowed values as `x = 'a' OR x = 'b'`, not `x IN ('a', 'b')`: for an IN list
-- SQLite builds a temporary table on every insert (a quarter of an import's work).
--
-- Each section headed `-- version: N` takes a store from version N-1 to N; a new store runs them
-- all, in one immediate transaction, and ends at the last one (PRAGMA user_version). A released
-- section is never edited: a change is a new section. Times are UTC, RFC 3339 text
-- (`2018-11-08T01:06:00Z`); money is integer fen.

-- version: 1

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE roles (
    code    TEXT PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL
) STRICT;

INSERT INTO roles (code, name_zh, name_en) VALUES
    ('customer_service',  '客服',       'customer service'),
    ('cs_supervisor',     '客服主管',   'CS supervisor'),
    ('order_printer',     '打单员',     'order printer'),
    ('picker',            '配货员',     'picker'),
    ('checker',           '验货员',     'checker'),
    ('purchaser',         '采购员',     'purchaser'),
    ('label_printer',     '条码打印员', 'label printer'),
    ('inbound_inspector', '入库检验员', 'inbound inspector'),
    ('stock_keeper',      '库存管理员', 'stock keeper'),
    ('admin',             '管理员',     'admin');

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    code       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL REFERENCES roles(code),
    pin_hash   TEXT,                      -- Argon2id PHC string; NULL: no PIN set yet
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active = 0 OR active = 1),
    created_at TEXT NOT NULL
) STRICT;

-- The built-in admin every new store has; the shop sets its PIN and adds its staff.
INSERT INTO staff (code, name, role, created_at)
VALUES ('admin', '管理员', 'admin', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

CREATE TABLE bins (
    code       TEXT PRIMARY KEY,          -- e.g. A-01-3; printed as bin label `L` + code
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
) STRICT;

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    sku_code   TEXT NOT NULL UNIQUE,      -- 商家编码
    barcode    TEXT UNIQUE,               -- NULL: still needs a barcode
    name       TEXT NOT NULL,
    spec       TEXT NOT NULL DEFAULT '',
    price_fen  INTEGER NOT NULL CHECK (price_fen >= 0),
    bin        TEXT REFERENCES bins(code),
    state      TEXT NOT NULL DEFAULT 'active' CHECK (state = 'active' OR state = 'discontinued'),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE INDEX products_needing_barcode ON products(id) WHERE barcode IS NULL;

-- The stock ledger: every change of stock is a move. Corrections are new moves, never edits.
CREATE TABLE stock_moves (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind = 'opening' OR kind = 'receipt' OR kind = 'shipment'
                                    OR kind = 'return' OR kind = 'adjust' OR kind = 'issue'),
    product_id INTEGER NOT NULL REFERENCES products(id),
    bin        TEXT NOT NULL DEFAULT '',  -- '' : not shelved yet
    qty        INTEGER NOT NULL CHECK (qty <> 0),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    ref        TEXT NOT NULL DEFAULT ''   -- receipt, order, stocktake or note it belongs to
) STRICT;

CREATE INDEX stock_moves_product ON stock_moves(product_id, bin);

CREATE TRIGGER stock_moves_no_update BEFORE UPDATE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are append-only: add a correcting move'); END;
CREATE TRIGGER stock_moves_no_delete BEFORE DELETE ON stock_moves
BEGIN SELECT RAISE(ABORT, 'stock moves are append-only: add a correcting move'); END;

-- On hand per product and bin, kept in step with stock_moves in the same transaction.
CREATE TABLE stock (
    product_id INTEGER NOT NULL REFERENCES products(id),
    bin        TEXT NOT NULL,
    qty        INTEGER NOT NULL,
    PRIMARY KEY (product_id, bin)
) STRICT, WITHOUT ROWID;

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    order_no         TEXT NOT NULL UNIQUE,   -- 订单编号 (Taobao tid)
    buyer            TEXT NOT NULL,
    receiver_name    TEXT NOT NULL,
    receiver_phone   TEXT NOT NULL,
    receiver_address TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status = 'unpaid' OR status = 'paid'
                                          OR status = 'shipped' OR status = 'completed'
                                          OR status = 'closed'),
    buyer_message    TEXT NOT NULL DEFAULT '',
    shipping_method  TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    paid_at          TEXT,
    courier          TEXT,
    tracking_no      TEXT,
    hold_reason      TEXT,
    total_fen        INTEGER NOT NULL DEFAULT 0,
    postage_fen      INTEGER NOT NULL DEFAULT 0,
    paid_fen         INTEGER NOT NULL DEFAULT 0,
    refund_fen       INTEGER NOT NULL DEFAULT 0,
    shop             TEXT NOT NULL DEFAULT '',
    close_reason     TEXT NOT NULL DEFAULT '',
    imported_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
) STRICT;

CREATE INDEX orders_status ON orders(status, paid_at);
CREATE INDEX orders_created ON orders(created_at);
CREATE INDEX orders_buyer ON orders(buyer);
CREATE INDEX orders_receiver ON orders(receiver_name);
CREATE INDEX orders_tracking ON orders(tracking_no) WHERE tracking_no IS NOT NULL;

CREATE TABLE order_lines (
    id            INTEGER PRIMARY KEY,
    order_id      INTEGER NOT NULL REFERENCES orders(id),
    line_key      TEXT NOT NULL,          -- 子订单编号, or derived from what the line is
    seq           INTEGER NOT NULL,       -- position within the order in the export
    sku_code      TEXT NOT NULL,          -- 商家编码 ('' when the listing has none)
    title         TEXT NOT NULL,
    spec          TEXT NOT NULL DEFAULT '',
    package       TEXT NOT NULL DEFAULT '',
    qty           INTEGER NOT NULL CHECK (qty > 0),
    price_fen     INTEGER NOT NULL CHECK (price_fen >= 0),
    status        TEXT NOT NULL CHECK (status = 'unpaid' OR status = 'paid' OR status = 'shipped'
                                       OR status = 'completed' OR status = 'closed'),
    external_code TEXT NOT NULL DEFAULT '',
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, line_key)
) STRICT;

CREATE INDEX order_lines_sku ON order_lines(sku_code);

-- Remarks are append-only, as on Taobao: nobody edits or deletes what customer service wrote.
CREATE TABLE remarks (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    text       TEXT NOT NULL,
    staff_code TEXT,                      -- sales code the remark credits (C07 …)
    flag       INTEGER NOT NULL DEFAULT 0 CHECK (flag = 0 OR flag = 1),
    source     TEXT NOT NULL CHECK (source = 'import' OR source = 'staff'),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),   -- who wrote or imported it
    terminal   TEXT NOT NULL,
    at         TEXT NOT NULL
) STRICT;

CREATE INDEX remarks_order ON remarks(order_id);

CREATE TRIGGER remarks_no_update BEFORE UPDATE ON remarks
BEGIN SELECT RAISE(ABORT, 'remarks are append-only'); END;
CREATE TRIGGER remarks_no_delete BEFORE DELETE ON remarks
BEGIN SELECT RAISE(ABORT, 'remarks are append-only'); END;

-- Who did what, where and when: performance, commission and errors are counted from here.
CREATE TABLE events (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    terminal TEXT NOT NULL,
    kind     TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    detail   TEXT NOT NULL DEFAULT '{}'   -- JSON
) STRICT;

CREATE INDEX events_kind ON events(kind, at);
CREATE INDEX events_subject ON events(subject) WHERE subject <> '';

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;

-- version: 2
-- The bench: review holds, merged parcels, the waybill pool, print batches, picking, checking
-- and shipping. Every scan is written with its verdict.

ALTER TABLE orders ADD COLUMN hold_note TEXT NOT NULL DEFAULT '';
-- A supervisor let this unpaid order ship (bank transfer, 汇款).
ALTER TABLE orders ADD COLUMN ship_unpaid INTEGER NOT NULL DEFAULT 0 CHECK (ship_unpaid = 0
                                                                            OR ship_unpaid = 1);
-- The parcel the order goes in; NULL until it is merged or printed.
ALTER TABLE orders ADD COLUMN parcel_id INTEGER REFERENCES parcels(id);
CREATE INDEX orders_parcel ON orders(parcel_id);
-- Oldest first is the order of printing: paid time, or creation for unpaid orders let through.
CREATE INDEX orders_age ON orders(COALESCE(paid_at, created_at), id);

-- Remarks that said 暂不发货 before this version hold their orders, as new ones will.
UPDATE orders SET hold_reason = 'remark'
WHERE hold_reason IS NULL AND status IN ('paid', 'unpaid')
  AND id IN (SELECT order_id FROM remarks WHERE text LIKE '%暂不发货%');

CREATE TABLE batches (
    id         INTEGER PRIMARY KEY,        -- printed on the pick list as barcode `B` + id
    created_at TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    courier    TEXT NOT NULL,
    picker_id  INTEGER REFERENCES staff(id),
    picked_at  TEXT                        -- when the picker took it
) STRICT;

-- What gets one tracking number and one check: one order, or several merged (合并发货).
CREATE TABLE parcels (
    id          INTEGER PRIMARY KEY,
    stage       TEXT NOT NULL CHECK (stage = 'merged' OR stage = 'printed' OR stage = 'shipped'),
    created_at  TEXT NOT NULL,
    batch_id    INTEGER REFERENCES batches(id),
    seq         INTEGER,                   -- place in the batch, from 1
    courier     TEXT,
    tracking_no TEXT UNIQUE,
    claimed_by  TEXT,                      -- the bench checking it now
    shipped_at  TEXT,
    shipped_by  INTEGER REFERENCES staff(id),
    ship_mode   TEXT CHECK (ship_mode = 'checked' OR ship_mode = 'bulk')
) STRICT;

CREATE INDEX parcels_batch ON parcels(batch_id, seq);

-- The pool of tracking numbers from the couriers. A number is used once, ever.
CREATE TABLE waybills (
    tracking_no TEXT PRIMARY KEY,
    courier     TEXT NOT NULL,
    added_at    TEXT NOT NULL,
    added_by    INTEGER NOT NULL REFERENCES staff(id),
    parcel_id   INTEGER REFERENCES parcels(id),  -- NULL: still free
    used_at     TEXT
) STRICT;

CREATE INDEX waybills_free ON waybills(courier, tracking_no) WHERE parcel_id IS NULL;

CREATE TRIGGER waybills_used_once BEFORE UPDATE OF parcel_id ON waybills
WHEN OLD.parcel_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a tracking number is used once, ever'); END;
CREATE TRIGGER waybills_keep_used BEFORE DELETE ON waybills
WHEN OLD.parcel_id IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a tracking number is used once, ever'); END;

-- Every scan at a bench with its verdict, written before the verdict is shown. Counts of a check
-- are the scans that counted a unit: nothing else to keep in step.
CREATE TABLE scans (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    staff_id  INTEGER NOT NULL REFERENCES staff(id),
    terminal  TEXT NOT NULL,
    mode      TEXT NOT NULL CHECK (mode = 'check' OR mode = 'pick'),
    code      TEXT NOT NULL,
    verdict   TEXT NOT NULL,
    reason    TEXT,
    parcel_id INTEGER REFERENCES parcels(id),
    batch_id  INTEGER REFERENCES batches(id),
    sku_code  TEXT,
    counted   INTEGER NOT NULL DEFAULT 0 CHECK (counted = 0 OR counted = 1)
) STRICT;

CREATE INDEX scans_counted ON scans(parcel_id, sku_code) WHERE counted = 1;
CREATE INDEX scans_picked ON scans(batch_id, sku_code) WHERE counted = 1 AND mode = 'pick';
CREATE INDEX scans_terminal ON scans(terminal, id);

CREATE TRIGGER scans_no_update BEFORE UPDATE ON scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER scans_no_delete BEFORE DELETE ON scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;

-- Each bench's place in its work, so a restarted bench resumes where it was.
CREATE TABLE stations (
    terminal          TEXT PRIMARY KEY,
    open_parcel_id    INTEGER REFERENCES parcels(id),
    confirm_pending   INTEGER NOT NULL DEFAULT 0 CHECK (confirm_pending = 0 OR confirm_pending = 1),
    picker_id         INTEGER REFERENCES staff(id),
    pick_batch_id     INTEGER REFERENCES batches(id),
    last_shown_scan   INTEGER NOT NULL DEFAULT 0   -- verdicts after this one were not shown yet
) STRICT;

-- version: 3
-- The print log: every print job — who, what, how many pages, where it went and whether the
-- printer took it. A failed job stays here to be retried; the self-audit counts prints per day
-- and finds waybills printed for parcels that have no tracking number.

CREATE TABLE print_jobs (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    terminal    TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind = 'waybills' OR kind = 'picklist'
                                    OR kind = 'labels'),
    batch_id    INTEGER REFERENCES batches(id),
    subject     TEXT NOT NULL DEFAULT '',      -- B12, or the merchant codes of a label run
    pages       INTEGER NOT NULL CHECK (pages >= 0),
    format      TEXT NOT NULL CHECK (format = 'pdf' OR format = 'tspl' OR format = 'zpl'),
    target      TEXT NOT NULL,                 -- file:PATH, cups:QUEUE or raw:HOST:PORT / raw:DEVICE
    reprint     INTEGER NOT NULL DEFAULT 0 CHECK (reprint = 0 OR reprint = 1),
    params      TEXT NOT NULL DEFAULT '{}',    -- JSON: what is needed to run the job again
    result      TEXT NOT NULL DEFAULT 'pending' CHECK (result = 'pending' OR result = 'ok'
                                                       OR result = 'failed'),
    error       TEXT,
    cups_job    TEXT,                          -- the CUPS request id (WAYBILL-12)
    finished_at TEXT,
    retry_of    INTEGER REFERENCES print_jobs(id)
) STRICT;

CREATE INDEX print_jobs_at ON print_jobs(at);
CREATE INDEX print_jobs_batch ON print_jobs(batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX print_jobs_failed ON print_jobs(id) WHERE result = 'failed';

-- What a job printed: the parcels of a waybill job (with the tracking number printed), the
-- products of a label run (with copies).
CREATE TABLE print_job_items (
    job_id      INTEGER NOT NULL REFERENCES print_jobs(id),
    parcel_id   INTEGER REFERENCES parcels(id),
    tracking_no TEXT,
    product_id  INTEGER REFERENCES products(id),
    copies      INTEGER NOT NULL DEFAULT 1 CHECK (copies > 0)
) STRICT;

CREATE INDEX print_job_items_job ON print_job_items(job_id);
CREATE INDEX print_job_items_parcel ON print_job_items(parcel_id) WHERE parcel_id IS NOT NULL;

-- version: 4
-- Stock: inbound receipts (入库单) and their label check (入库检验), outbound notes (出库单),
-- stocktakes (盘点). Stock moves refer to them as R12, I12 and S12.

CREATE TABLE receipts (
    id           INTEGER PRIMARY KEY,
    created_at   TEXT NOT NULL,
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    terminal     TEXT NOT NULL,
    file         TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state = 'open' OR state = 'confirmed'),
    confirmed_at TEXT,
    confirmed_by INTEGER REFERENCES staff(id),
    verified_at  TEXT,                     -- every labelled unit scanned back (入库检验)
    verified_by  INTEGER REFERENCES staff(id)
) STRICT;

CREATE TABLE receipt_lines (
    receipt_id  INTEGER NOT NULL REFERENCES receipts(id),
    seq         INTEGER NOT NULL,          -- the line's place in the file, from 1
    product_id  INTEGER NOT NULL REFERENCES products(id),
    bin         TEXT NOT NULL DEFAULT '',  -- where the units go ('' : not shelved yet)
    qty         INTEGER NOT NULL CHECK (qty > 0),
    new_product INTEGER NOT NULL DEFAULT 0 CHECK (new_product = 0 OR new_product = 1),
    PRIMARY KEY (receipt_id, seq)
) STRICT;

-- 出库单: stock leaving for a reason other than an order.
CREATE TABLE issues (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    terminal TEXT NOT NULL,
    reason   TEXT NOT NULL CHECK (reason = 'damage' OR reason = 'sample' OR reason = 'other'),
    note     TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE stocktakes (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    terminal    TEXT NOT NULL,
    pattern     TEXT NOT NULL,             -- the glob on bin codes; '*' for --all
    blind       INTEGER NOT NULL CHECK (blind = 0 OR blind = 1),
    recount     INTEGER NOT NULL CHECK (recount = 0 OR recount = 1),
    -- counting, recounting the lines with a variance, then approved or cancelled
    state       TEXT NOT NULL DEFAULT 'counting' CHECK (state = 'counting' OR state = 'recounting'
                                                        OR state = 'approved' OR state = 'cancelled'),
    last_move   INTEGER NOT NULL,          -- stock_moves.id at the start: later moves count too
    closed_at   TEXT,
    closed_by   INTEGER REFERENCES staff(id)
) STRICT;

-- The bins of a session; an open session's bins are in no other open session.
CREATE TABLE stocktake_bins (
    session_id INTEGER NOT NULL REFERENCES stocktakes(id),
    bin        TEXT NOT NULL,
    PRIMARY KEY (session_id, bin)
) STRICT, WITHOUT ROWID;

CREATE INDEX stocktake_bins_bin ON stocktake_bins(bin);

-- A product in a bin of a session: on hand at the start, units counted (kept in step with the
-- count scans, so the report reads one row per line), and at approval the result of the lines
-- that did not simply match their first count.
CREATE TABLE stocktake_lines (
    session_id INTEGER NOT NULL REFERENCES stocktakes(id),
    bin        TEXT NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products(id),
    snapshot   INTEGER NOT NULL,
    count1     INTEGER NOT NULL DEFAULT 0,  -- the first count
    count2     INTEGER NOT NULL DEFAULT 0,  -- the recount
    expected   INTEGER,                     -- NULL after approval: as count1
    counted    INTEGER,                     -- NULL after approval: as count1
    reason     TEXT CHECK (reason IS NULL OR reason = 'lost' OR reason = 'damaged'
                           OR reason = 'found' OR reason = 'miscount'),
    PRIMARY KEY (session_id, bin, product_id)
) STRICT, WITHOUT ROWID;

-- Scans of the stock modes, each written with its verdict like the bench's: inbound checks of
-- a receipt and stocktake counts (qty units each; `round` 2 is the recount).
CREATE TABLE stock_scans (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode = 'inbound_check' OR mode = 'stocktake'),
    code       TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    reason     TEXT,
    receipt_id INTEGER REFERENCES receipts(id),
    session_id INTEGER REFERENCES stocktakes(id),
    round      INTEGER NOT NULL DEFAULT 1 CHECK (round = 1 OR round = 2),
    bin        TEXT,
    product_id INTEGER REFERENCES products(id),
    qty        INTEGER NOT NULL DEFAULT 0 CHECK (qty >= 0)
) STRICT;

CREATE INDEX stock_scans_receipt ON stock_scans(receipt_id, product_id) WHERE receipt_id IS NOT NULL;
CREATE INDEX stock_scans_session ON stock_scans(session_id, round, bin) WHERE session_id IS NOT NULL;

CREATE TRIGGER stock_scans_no_update BEFORE UPDATE ON stock_scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER stock_scans_no_delete BEFORE DELETE ON stock_scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;

-- Dead stock and low stock look products up by state.
CREATE INDEX products_bin ON products(bin) WHERE bin IS NOT NULL AND state = 'active';
-- Which products have stock in a bin (stocktake snapshots, free bins).
CREATE INDEX stock_bin ON stock(bin);

-- version: 5
-- Orders come in by the hundred thousand with no parcel yet: index only those that have one (the
-- index over every order's NULL was an eighth of an import's index work).
DROP INDEX orders_parcel;
CREATE INDEX orders_parcel ON orders(parcel_id) WHERE parcel_id IS NOT NULL;

-- version: 6
-- A checker's parcels today and in the last hour (the bench's counters), read at every shipment.
CREATE INDEX parcels_shipped_by ON parcels(shipped_by, shipped_at) WHERE shipped_at IS NOT NULL;

-- version: 7
-- A print batch made by mistake can be cancelled before any of its waybills is on paper: its
-- tracking numbers go back to the pool, the parcels it made are removed and its orders are ready
-- again. The batch row stays, marked cancelled, with who, when and why.

ALTER TABLE batches ADD COLUMN cancelled_at TEXT;
ALTER TABLE batches ADD COLUMN cancelled_by INTEGER REFERENCES staff(id);
ALTER TABLE batches ADD COLUMN cancel_reason TEXT;

-- 1: the batch made this parcel for one order (a cancel removes it); 0: a merge made it (a cancel
-- takes it back to `merged`). Before this version a batch's parcels of one order were its own.
ALTER TABLE parcels ADD COLUMN made_by_batch INTEGER NOT NULL DEFAULT 0 CHECK (made_by_batch = 0
                                                                               OR made_by_batch = 1);
UPDATE parcels SET made_by_batch = 1
WHERE batch_id IS NOT NULL AND (SELECT count(*) FROM orders WHERE parcel_id = parcels.id) = 1;

-- "A number is used once, ever" is about numbers on paper. A number no print job has put on
-- paper may go back to the pool (a cancelled batch); one in a job that was taken by the printer,
-- or whose end is unknown (`pending`: it may have printed), never. A failed job handed nothing
-- to a printer (lp refused it, the file was not written).
-- A cancel asks whether a check bench scanned a parcel of the batch and removes the parcels it
-- made; each removal makes SQLite look for rows still pointing at the parcel. Without these
-- indexes each of those looks reads every scan and every number: 120 parcels against a million
-- scans took 5 s (the write lock held all along).
CREATE INDEX scans_parcel ON scans(parcel_id) WHERE parcel_id IS NOT NULL;
CREATE INDEX waybills_parcel ON waybills(parcel_id) WHERE parcel_id IS NOT NULL;
CREATE INDEX print_job_items_tracking ON print_job_items(tracking_no) WHERE tracking_no IS NOT NULL;
DROP TRIGGER waybills_used_once;
CREATE TRIGGER waybills_used_once BEFORE UPDATE OF parcel_id ON waybills
WHEN OLD.parcel_id IS NOT NULL AND (NEW.parcel_id IS NOT NULL OR EXISTS (
    SELECT 1 FROM print_job_items i JOIN print_jobs j ON j.id = i.job_id
    WHERE i.tracking_no = OLD.tracking_no AND j.result <> 'failed'))
BEGIN SELECT RAISE(ABORT, 'a tracking number is used once, ever'); END;

-- version: 8
-- Where each scan came from: `wedge` (a USB scanner typing), `serial` (a COM scanner), `keyed`
-- (typed by hand into a screen's field: a damaged label), `replay` (lines fed to the command
-- line). Scans stored before this version keep NULL: their source is not known, and is not
-- guessed. Adding a column fires no trigger, so the append-only scans stay as they were.
ALTER TABLE scans ADD COLUMN source TEXT
    CHECK (source = 'wedge' OR source = 'serial' OR source = 'keyed' OR source = 'replay');
ALTER TABLE stock_scans ADD COLUMN source TEXT
    CHECK (source = 'wedge' OR source = 'serial' OR source = 'keyed' OR source = 'replay');

-- version: 9
-- Stocktakes done right. A count scan can be taken back (`UNDO`): the undo is a scan of its own,
-- `undoes` naming the scan it takes back (neither is ever changed or removed). `EMPTY` marks the
-- open bin counted empty (verdict `bin_empty`). An approval records what it did with the bins
-- nobody counted: left as they are (`leave`), or written down to zero (`zero`); NULL while open.
ALTER TABLE stock_scans ADD COLUMN undoes INTEGER REFERENCES stock_scans(id);
CREATE INDEX stock_scans_undoes ON stock_scans(undoes) WHERE undoes IS NOT NULL;
-- Every report asks which bins were marked empty; a session has 200,000 scans and few of these.
CREATE INDEX stock_scans_empty ON stock_scans(session_id) WHERE verdict = 'bin_empty';
-- The bin a station resumes is the counter's own, when the station's last stocktake scan is theirs
-- in the same session: found from the station's newest scans (rowid order within the index).
CREATE INDEX stock_scans_terminal ON stock_scans(terminal);
ALTER TABLE stocktakes ADD COLUMN uncounted TEXT CHECK (uncounted IS NULL OR uncounted = 'leave'
                                                        OR uncounted = 'zero');

-- version: 10
-- Sign-in everywhere. Wrong PINs in a row per staff code, and when the code is locked until, kept
-- in the store so a lock holds across processes and benches. A refused sign-in is written to the
-- event log against `?`, the one who is not signed in (an unknown code has no staff row): no one
-- signs in as `?` (not a valid staff code), and it is never listed.
ALTER TABLE staff ADD COLUMN failed_pins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE staff ADD COLUMN locked_until TEXT;
INSERT INTO staff (code, name, role, active, created_at)
VALUES ('?', '（未登录）', 'customer_service', 0, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- version: 11
-- Barcodes, merchant codes and tracking numbers are one space: one scan at the bench means one
-- thing. A barcode equal to another product's merchant code shadowed that product; a waybill
-- number equal to a barcode made an item scan open a parcel. The flows check first and name the
-- holder (`code_holder`); these refuse whatever path forgets. A product may carry its own
-- merchant code as its barcode. Codes stored before this version are left as they are; only a
-- new or changed code is checked. (Numbers in parcels come from the pool, so the pool suffices.)
CREATE TRIGGER codes_unique_product_insert BEFORE INSERT ON products
WHEN EXISTS (SELECT 1 FROM products WHERE sku_code = NEW.barcode)
  OR EXISTS (SELECT 1 FROM products WHERE barcode = NEW.sku_code)
  OR EXISTS (SELECT 1 FROM waybills WHERE tracking_no = NEW.barcode OR tracking_no = NEW.sku_code)
BEGIN SELECT RAISE(ABORT, 'code taken: a barcode, merchant code or tracking number holds it already'); END;
CREATE TRIGGER codes_unique_product_update BEFORE UPDATE OF sku_code, barcode ON products
WHEN (NEW.barcode IS NOT OLD.barcode OR NEW.sku_code IS NOT OLD.sku_code) AND (
     EXISTS (SELECT 1 FROM products WHERE sku_code = NEW.barcode AND id <> NEW.id)
  OR EXISTS (SELECT 1 FROM products WHERE barcode = NEW.sku_code AND id <> NEW.id)
  OR EXISTS (SELECT 1 FROM waybills WHERE tracking_no = NEW.barcode OR tracking_no = NEW.sku_code))
BEGIN SELECT RAISE(ABORT, 'code taken: a barcode, merchant code or tracking number holds it already'); END;
CREATE TRIGGER codes_unique_waybill_insert BEFORE INSERT ON waybills
WHEN EXISTS (SELECT 1 FROM products WHERE barcode = NEW.tracking_no)
  OR EXISTS (SELECT 1 FROM products WHERE sku_code = NEW.tracking_no)
BEGIN SELECT RAISE(ABORT, 'code taken: a barcode, merchant code or tracking number holds it already'); END;

-- version: 12
-- Replay says what happened: the scan that shipped a parcel (its last unit, its waybill scanned
-- again, or the waybill of a parcel complete before), so a bench restarted after a kill shows
-- `shipped` after that scan's verdict. NULL for a bulk shipment and for parcels shipped before
-- this version.
ALTER TABLE parcels ADD COLUMN shipped_scan_id INTEGER REFERENCES scans(id);
CREATE INDEX parcels_shipped_scan ON parcels(shipped_scan_id) WHERE shipped_scan_id IS NOT NULL;

-- One bench per station name. A bench (the window, a scanner session) holds its station's lease
-- while it runs and renews it every few seconds; another bench starting under the same name is
-- refused while the lease is live, so no bench replays another's scans. A bench killed leaves its
-- lease behind: on the same PC it is taken over at once when its process is gone, from any PC
-- once it has not been renewed for a while. A row, not a file lock: it works the same on a store
-- shared by several PCs.
CREATE TABLE station_leases (
    terminal   TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        INTEGER NOT NULL,
    token      TEXT NOT NULL,              -- this run of the bench (a process id is reused)
    started_at TEXT NOT NULL,
    renewed_at TEXT NOT NULL
) STRICT;

-- version: 13
-- A receiver corrected at the bench (the buyer asked customer service for another address or
-- phone): when, so a later import of the same order keeps the correction instead of Taobao's
-- old receiver. NULL: Taobao's receiver, as imported.
ALTER TABLE orders ADD COLUMN receiver_fixed_at TEXT;

-- version: 14
-- 维护为空的条码: a Taobao item whose 商家编码 is empty or names no product, matched by hand to a
-- product. The next import of the same item resolves by itself. The item is its merchant code
-- when it has one, else its title and spec (`domain::ItemKey`).
CREATE TABLE item_matches (
    item_key   TEXT PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products(id),
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    at         TEXT NOT NULL
) STRICT;

-- A product's picture, as a small JPEG made once when the picture is set: lists and the bench
-- show it without reading or decoding the original. In the store, so every PC of the shop sees it.
CREATE TABLE product_images (
    product_id INTEGER PRIMARY KEY REFERENCES products(id),
    thumb      BLOB NOT NULL,
    width      INTEGER NOT NULL,
    height     INTEGER NOT NULL,
    source     TEXT NOT NULL,             -- the file's name it was made from
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    updated_at TEXT NOT NULL
) STRICT;

-- version: 15
-- 指定快递: the courier one order must go by (the buyer asked for SF, a remote address only EMS
-- reaches), chosen at review. Only a batch of that courier takes the order; NULL: any. Apart
-- from `courier`, which is the courier the order went by (import, waybill).
ALTER TABLE orders ADD COLUMN courier_wanted TEXT;

-- version: 16
-- Parcels held open at a bench: the office finds those a dead bench left (to free them) without
-- reading every parcel the shop ever shipped.
CREATE INDEX parcels_claimed ON parcels(claimed_by) WHERE claimed_by IS NOT NULL;

-- version: 17
-- Refunds from Taobao's refund export (退款管理 → 导出), one per 退款编号; a re-import updates it.
-- By order number, not a key: a refund may come before its order is imported.
CREATE TABLE refunds (
    id             INTEGER PRIMARY KEY,
    refund_no      TEXT NOT NULL UNIQUE,
    order_no       TEXT NOT NULL,
    sku_code       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL CHECK (status = 'requested' OR status = 'awaiting_return'
                                       OR status = 'returned' OR status = 'refused'
                                       OR status = 'closed' OR status = 'refunded'),
    goods_status   TEXT NOT NULL DEFAULT '',
    amount_fen     INTEGER NOT NULL CHECK (amount_fen >= 0),
    needs_return   INTEGER NOT NULL DEFAULT 0 CHECK (needs_return = 0 OR needs_return = 1),
    return_waybill TEXT,
    return_courier TEXT,
    reason         TEXT NOT NULL DEFAULT '',
    full_refund    INTEGER NOT NULL DEFAULT 0 CHECK (full_refund = 0 OR full_refund = 1),
    requested_at   TEXT,
    finished_at    TEXT,
    imported_at    TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX refunds_order ON refunds(order_no);
CREATE INDEX refunds_return_waybill ON refunds(return_waybill) WHERE return_waybill IS NOT NULL;

-- version: 18
-- Stock that left without the bench: an order Taobao (or a person) says shipped that no bench
-- shipped takes its stock out once, marked unchecked (自审2 lists them). The index finds an
-- order's shipment moves, so none is written twice.
ALTER TABLE stock_moves ADD COLUMN unchecked INTEGER NOT NULL DEFAULT 0 CHECK (unchecked = 0 OR unchecked = 1);
CREATE INDEX stock_moves_shipment_ref ON stock_moves(ref) WHERE kind = 'shipment';

-- version: 19
-- After printing (issue 15). A waybill voided: the number stays used (the pool never gives it
-- again), the parcel waits for a new one, and a scan of the old label is refused at the bench.
CREATE TABLE waybill_voids (
    tracking_no TEXT PRIMARY KEY,
    parcel_id   INTEGER NOT NULL REFERENCES parcels(id),
    courier     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    staff_id    INTEGER NOT NULL REFERENCES staff(id),
    terminal    TEXT NOT NULL,
    at          TEXT NOT NULL
) STRICT;
CREATE INDEX waybill_voids_parcel ON waybill_voids(parcel_id);
CREATE TRIGGER waybill_voids_no_update BEFORE UPDATE ON waybill_voids
BEGIN SELECT RAISE(ABORT, 'a void is kept as it was written'); END;
CREATE TRIGGER waybill_voids_no_delete BEFORE DELETE ON waybill_voids
BEGIN SELECT RAISE(ABORT, 'a void is kept as it was written'); END;

-- Exceptions (异常): a change after printing or a bench's finding, on the order printer's or the
-- CS supervisor's list until someone handles it (who, when, what was done).
CREATE TABLE exceptions (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    queue        TEXT NOT NULL CHECK (queue = 'printer' OR queue = 'supervisor'),
    parcel_id    INTEGER REFERENCES parcels(id),
    order_no     TEXT NOT NULL DEFAULT '',
    tracking_no  TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    staff_id     INTEGER NOT NULL REFERENCES staff(id),
    terminal     TEXT NOT NULL,
    at           TEXT NOT NULL,
    handled_by   INTEGER REFERENCES staff(id),
    handled_at   TEXT,
    handled_note TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX exceptions_open ON exceptions(queue, id) WHERE handled_at IS NULL;
CREATE INDEX exceptions_parcel ON exceptions(parcel_id) WHERE handled_at IS NULL;

-- version: 20
-- Returns arriving (退货到货): a return parcel by its waybill, matched to the refunds that name
-- it (退货物流单号) or recorded without information (无信息件, order_no ''). Each item scanned is
-- a return scan; posting writes one `return` stock move per product and bin (good goods to their
-- bin, damaged to the quarantine bin) once: `posted_at` says it was done.
CREATE TABLE returns (
    id         INTEGER PRIMARY KEY,
    waybill    TEXT NOT NULL UNIQUE,
    order_no   TEXT NOT NULL DEFAULT '',
    refund_nos TEXT NOT NULL DEFAULT '',      -- the refunds it answers, comma-separated
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    opened_at  TEXT NOT NULL,
    posted_at  TEXT,
    posted_by  INTEGER REFERENCES staff(id)
) STRICT;
CREATE INDEX returns_order ON returns(order_no) WHERE order_no <> '';

-- Every scan at the return desk with its verdict, written before it is shown (as at the bench).
CREATE TABLE return_scans (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    code       TEXT NOT NULL,
    verdict    TEXT NOT NULL,
    reason     TEXT,
    source     TEXT,
    return_id  INTEGER REFERENCES returns(id),
    product_id INTEGER REFERENCES products(id),
    damaged    INTEGER NOT NULL DEFAULT 0 CHECK (damaged = 0 OR damaged = 1),
    counted    INTEGER NOT NULL DEFAULT 0 CHECK (counted = 0 OR counted = 1)
) STRICT;
CREATE INDEX return_scans_terminal ON return_scans(terminal, id);
CREATE INDEX return_scans_counted ON return_scans(return_id) WHERE counted = 1;
CREATE TRIGGER return_scans_no_update BEFORE UPDATE ON return_scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;
CREATE TRIGGER return_scans_no_delete BEFORE DELETE ON return_scans
BEGIN SELECT RAISE(ABORT, 'scans are append-only'); END;

-- version: 21
-- Reported shipped to Taobao (批量发货) and left the bench are two facts (issue 15, item 8): a
-- parcel reported before its check still checks, and its stock leaves when it leaves.
ALTER TABLE parcels ADD COLUMN reported_at TEXT;
ALTER TABLE parcels ADD COLUMN reported_by INTEGER REFERENCES staff(id);
-- Parcels shipped in bulk before this version were reported when they left.
UPDATE parcels SET reported_at = shipped_at, reported_by = shipped_by WHERE ship_mode = 'bulk';

-- version: 22
-- Phone and offline orders (录入电话的订单, issue 15 item 6) are entered here, not on Taobao: they
-- print, check and ship as any other but never go back to Taobao's bulk delivery.
ALTER TABLE orders ADD COLUMN origin TEXT NOT NULL DEFAULT 'taobao' CHECK (origin = 'taobao' OR origin = 'phone');

-- Exchanges (换货): the order the buyer placed for the new goods, linked to the order whose goods
-- come back (named in a remark, or linked by hand); the return waybill, once known, lets the
-- return desk find the original order as it finds a refund's.
CREATE TABLE exchanges (
    order_no        TEXT PRIMARY KEY,        -- the exchange order
    original_no     TEXT NOT NULL,
    return_waybill  TEXT,
    how             TEXT NOT NULL CHECK (how = 'remark' OR how = 'manual'),
    staff_id        INTEGER NOT NULL REFERENCES staff(id),
    at              TEXT NOT NULL
) STRICT;
CREATE INDEX exchanges_original ON exchanges(original_no);
CREATE INDEX exchanges_return_waybill ON exchanges(return_waybill) WHERE return_waybill IS NOT NULL;

-- version: 23
-- The bench asks, at every waybill, whether the parcel's receiver has other orders waiting
-- (merge before packing): by name and phone, not name alone (a common name has thousands of
-- orders). The same one index as before, wider; searches by name still use it.
DROP INDEX orders_receiver;
CREATE INDEX orders_receiver ON orders(receiver_name, receiver_phone);

-- version: 24
-- Who did what (issue 16). A self-audit (自我审核) signed at the end of a day: who signed it, for
-- which role and day, and what each item still held open then. Kept as signed.
CREATE TABLE self_audits (
    id         INTEGER PRIMARY KEY,
    role       TEXT NOT NULL,
    day        TEXT NOT NULL,             -- YYYY-MM-DD in the shop's time zone
    staff_id   INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL,
    at         TEXT NOT NULL,
    open_items INTEGER NOT NULL CHECK (open_items >= 0),
    detail     TEXT NOT NULL DEFAULT '{}' -- JSON: each item's count and what the signer noted
) STRICT;
CREATE INDEX self_audits_day ON self_audits(day, role);
CREATE TRIGGER self_audits_no_update BEFORE UPDATE ON self_audits
BEGIN SELECT RAISE(ABORT, 'a signed self-audit is kept as it was signed'); END;
CREATE TRIGGER self_audits_no_delete BEFORE DELETE ON self_audits
BEGIN SELECT RAISE(ABORT, 'a signed self-audit is kept as it was signed'); END;

-- The roster (排班): each person's shift and weekly rest day, from a day on. The newest row of a
-- person that has started is their roster; older rows say what it was.
CREATE TABLE roster (
    id       INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    shift    TEXT NOT NULL CHECK (shift = 'day' OR shift = 'night'),
    rest_day INTEGER NOT NULL CHECK (rest_day >= 0 AND rest_day <= 6),  -- 0 Monday … 6 Sunday
    from_day TEXT NOT NULL,               -- YYYY-MM-DD
    set_by   INTEGER NOT NULL REFERENCES staff(id),
    terminal TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX roster_staff ON roster(staff_id, from_day, id);
CREATE TRIGGER roster_no_update BEFORE UPDATE ON roster
BEGIN SELECT RAISE(ABORT, 'the roster is kept as set: set it again from a day on'); END;
CREATE TRIGGER roster_no_delete BEFORE DELETE ON roster
BEGIN SELECT RAISE(ABORT, 'the roster is kept as set: set it again from a day on'); END;

-- The handover book (交接本): what one shift leaves the next, signed and never changed.
CREATE TABLE handover (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    staff_id INTEGER NOT NULL REFERENCES staff(id),
    terminal TEXT NOT NULL,
    day      TEXT NOT NULL,               -- the day the shift began (a night shift ends after midnight)
    shift    TEXT NOT NULL CHECK (shift = 'day' OR shift = 'night'),
    text     TEXT NOT NULL
) STRICT;
CREATE INDEX handover_at ON handover(at);
CREATE TRIGGER handover_no_update BEFORE UPDATE ON handover
BEGIN SELECT RAISE(ABORT, 'the handover book is append-only'); END;
CREATE TRIGGER handover_no_delete BEFORE DELETE ON handover
BEGIN SELECT RAISE(ABORT, 'the handover book is append-only'); END;

-- The team fund (团队基金): fines in, rewards and team spending out, every entry with whom it
-- concerns, who wrote it and why. A mistaken entry is answered by a reversing entry.
CREATE TABLE fund (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind = 'complaint_fine' OR kind = 'violation_fine'
                                    OR kind = 'reward' OR kind = 'spending' OR kind = 'reversal'),
    staff_id   INTEGER REFERENCES staff(id),   -- whom it concerns; NULL for team spending
    amount_fen INTEGER NOT NULL,               -- + into the fund, - out of it
    reason     TEXT NOT NULL,
    flagged    INTEGER NOT NULL DEFAULT 0 CHECK (flagged = 0 OR flagged = 1),
    reverses   INTEGER REFERENCES fund(id),
    by_id      INTEGER NOT NULL REFERENCES staff(id),
    terminal   TEXT NOT NULL
) STRICT;
CREATE INDEX fund_staff ON fund(staff_id, at) WHERE staff_id IS NOT NULL;
CREATE UNIQUE INDEX fund_reversed_once ON fund(reverses) WHERE reverses IS NOT NULL;
CREATE TRIGGER fund_no_update BEFORE UPDATE ON fund
BEGIN SELECT RAISE(ABORT, 'the team fund is append-only: add a reversing entry'); END;
CREATE TRIGGER fund_no_delete BEFORE DELETE ON fund
BEGIN SELECT RAISE(ABORT, 'the team fund is append-only: add a reversing entry'); END;

-- Performance and commission read a month of shipments, picks and prints by time.
CREATE INDEX parcels_shipped ON parcels(shipped_at) WHERE shipped_at IS NOT NULL;
CREATE INDEX batches_created ON batches(created_at);
CREATE INDEX scans_at ON scans(at);
CREATE INDEX refunds_finished ON refunds(finished_at) WHERE finished_at IS NOT NULL;
CREATE INDEX stock_scans_at ON stock_scans(at);
-- The self-audits' parcels still here (printed, not shipped), without reading every parcel shipped.
CREATE INDEX parcels_open ON parcels(id) WHERE stage <> 'shipped';
