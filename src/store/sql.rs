//! The one place that knows which engine runs the SQL: embedded SQLite or a PostgreSQL server.
//!
//! Every query of the store is one SQL text for both engines, written with SQLite's numbered
//! placeholders (`?1`, `?2`); PostgreSQL gets them rewritten to `$1`, `$2` here, once per text
//! (the prepared statement is cached). Values cross in both directions as `ValueRef`: the five
//! kinds both engines agree on (the PostgreSQL schema makes every integer BIGINT, keeps flags as
//! 0/1 integers and times as text), so a row reads the same whichever engine stored it.

use crate::error::{Error, Result};
use postgres::types::{FromSql, IsNull, ToSql, Type};
use std::cell::RefCell;
use std::collections::HashMap;

/// One value going into SQL or coming out of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// What can be bound to a placeholder.
pub trait Param {
    fn value(&self) -> ValueRef<'_>;
}

/// Binds values to placeholders, in order: `params![code, qty]`.
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::store::sql::Param]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::store::sql::Param),+] as &[&dyn $crate::store::sql::Param]
    };
}
pub(crate) use params;

macro_rules! int_param {
    ($($t:ty),*) => {$(
        impl Param for $t {
            fn value(&self) -> ValueRef<'_> {
                ValueRef::Int(*self as i64)
            }
        }
    )*};
}
int_param!(i64, i32, u32, u16, u8, usize, u64);

impl Param for bool {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Int(i64::from(*self))
    }
}
impl Param for f64 {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Real(*self)
    }
}
impl Param for str {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl Param for String {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Text(self)
    }
}
impl Param for [u8] {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl Param for Vec<u8> {
    fn value(&self) -> ValueRef<'_> {
        ValueRef::Blob(self)
    }
}
impl<T: Param + ?Sized> Param for &T {
    fn value(&self) -> ValueRef<'_> {
        (**self).value()
    }
}
impl<T: Param> Param for Option<T> {
    fn value(&self) -> ValueRef<'_> {
        match self {
            Some(v) => v.value(),
            None => ValueRef::Null,
        }
    }
}
impl Param for ValueRef<'_> {
    fn value(&self) -> ValueRef<'_> {
        *self
    }
}

/// What can be read from a column.
pub trait FromValue: Sized {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Self, String>;
}

impl FromValue for i64 {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<i64, String> {
        match v {
            ValueRef::Int(n) => Ok(n),
            other => Err(format!("expected an integer, found {other:?}")),
        }
    }
}

macro_rules! int_from {
    ($($t:ty),*) => {$(
        impl FromValue for $t {
            fn from_value(v: ValueRef<'_>) -> std::result::Result<$t, String> {
                let n = i64::from_value(v)?;
                <$t>::try_from(n).map_err(|_| format!("{n} is out of range for {}", stringify!($t)))
            }
        }
    )*};
}
int_from!(i32, u32, u16, u8, usize, u64);

impl FromValue for bool {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<bool, String> {
        Ok(i64::from_value(v)? != 0)
    }
}
impl FromValue for f64 {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<f64, String> {
        match v {
            ValueRef::Real(x) => Ok(x),
            ValueRef::Int(n) => Ok(n as f64),
            other => Err(format!("expected a number, found {other:?}")),
        }
    }
}
impl FromValue for String {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<String, String> {
        match v {
            ValueRef::Text(s) => Ok(s.to_owned()),
            other => Err(format!("expected text, found {other:?}")),
        }
    }
}
impl FromValue for Vec<u8> {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Vec<u8>, String> {
        match v {
            ValueRef::Blob(b) => Ok(b.to_vec()),
            ValueRef::Text(s) => Ok(s.as_bytes().to_vec()),
            other => Err(format!("expected bytes, found {other:?}")),
        }
    }
}
impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: ValueRef<'_>) -> std::result::Result<Option<T>, String> {
        match v {
            ValueRef::Null => Ok(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// A row being read; `get` takes the column's index, from 0.
/// A result row; `at` is where column 0 is (see `from`).
pub struct Row<'r>(RowRef<'r>, usize);

enum RowRef<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    pub fn get<T: FromValue>(&self, i: usize) -> Result<T> {
        let v = self.value(i)?;
        T::from_value(v).map_err(|why| Error::decode(format!("column {i}: {why}")))
    }

    /// The column as it is, whatever its kind.
    pub fn value(&self, i: usize) -> Result<ValueRef<'_>> {
        let i = i + self.1;
        match &self.0 {
            RowRef::Lite(r) => Ok(match r.get_ref(i)? {
                rusqlite::types::ValueRef::Null => ValueRef::Null,
                rusqlite::types::ValueRef::Integer(n) => ValueRef::Int(n),
                rusqlite::types::ValueRef::Real(x) => ValueRef::Real(x),
                rusqlite::types::ValueRef::Text(t) => ValueRef::Text(
                    std::str::from_utf8(t).map_err(|e| Error::decode(e.to_string()))?,
                ),
                rusqlite::types::ValueRef::Blob(b) => ValueRef::Blob(b),
            }),
            RowRef::Pg(r) => Ok(r.try_get::<_, ValueRef<'_>>(i)?),
        }
    }

    pub fn len(&self) -> usize {
        let all = match &self.0 {
            RowRef::Lite(r) => r.as_ref().column_count(),
            RowRef::Pg(r) => r.len(),
        };
        all.saturating_sub(self.1)
    }

    /// The same row seen from column `n` on, so one row of a join can be read by the readers
    /// of each table's columns.
    pub fn from(&self, n: usize) -> Row<'_> {
        let r = match &self.0 {
            RowRef::Lite(r) => RowRef::Lite(r),
            RowRef::Pg(r) => RowRef::Pg(r),
        };
        Row(r, self.1 + n)
    }
}

// ---- SQLite ----

impl rusqlite::ToSql for ValueRef<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef as V};
        Ok(ToSqlOutput::Borrowed(match *self {
            ValueRef::Null => V::Null,
            ValueRef::Int(n) => V::Integer(n),
            ValueRef::Real(x) => V::Real(x),
            ValueRef::Text(s) => V::Text(s.as_bytes()),
            ValueRef::Blob(b) => V::Blob(b),
        }))
    }
}

fn lite_bind(stmt: &mut rusqlite::Statement<'_>, params: &[&dyn Param]) -> Result<()> {
    if stmt.parameter_count() != params.len() {
        return Err(Error::decode(format!(
            "the SQL takes {} values, {} were given",
            stmt.parameter_count(),
            params.len()
        )));
    }
    for (i, p) in params.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, p.value())?;
    }
    Ok(())
}

// ---- PostgreSQL ----

/// Binds leniently, as SQLite does: an integer into whatever integer or flag the server
/// inferred for the placeholder, text into text.
impl ToSql for ValueRef<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match *self {
            ValueRef::Null => Ok(IsNull::Yes),
            ValueRef::Int(n) => match *ty {
                Type::INT8 => n.to_sql(ty, out),
                Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
                Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
                Type::BOOL => (n != 0).to_sql(ty, out),
                Type::FLOAT8 => (n as f64).to_sql(ty, out),
                Type::FLOAT4 => (n as f32).to_sql(ty, out),
                Type::NUMERIC => n.to_string().as_str().to_sql(&Type::TEXT, out).and(Err(
                    "an integer bound where the server wants NUMERIC: cast the placeholder".into(),
                )),
                _ => n.to_string().as_str().to_sql(ty, out),
            },
            ValueRef::Real(x) => match *ty {
                Type::FLOAT4 => (x as f32).to_sql(ty, out),
                Type::FLOAT8 => x.to_sql(ty, out),
                _ => x.to_string().as_str().to_sql(ty, out),
            },
            ValueRef::Text(s) => s.to_sql(ty, out),
            ValueRef::Blob(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        matches!(
            *ty,
            Type::INT8
                | Type::INT4
                | Type::INT2
                | Type::BOOL
                | Type::FLOAT8
                | Type::FLOAT4
                | Type::TEXT
                | Type::VARCHAR
                | Type::BPCHAR
                | Type::NAME
                | Type::UNKNOWN
                | Type::BYTEA
        )
    }

    postgres::types::to_sql_checked!();
}

/// Reads what the schema holds (BIGINT, TEXT, the odd BOOL or NUMERIC of an expression) as
/// SQLite would give it: a flag as 0/1, a whole NUMERIC (`sum` of BIGINTs) as an integer.
impl<'a> FromSql<'a> for ValueRef<'a> {
    fn from_sql(
        ty: &Type,
        raw: &'a [u8],
    ) -> std::result::Result<ValueRef<'a>, Box<dyn std::error::Error + Sync + Send>> {
        Ok(match *ty {
            Type::INT8 => ValueRef::Int(i64::from_sql(ty, raw)?),
            Type::INT4 => ValueRef::Int(i32::from_sql(ty, raw)?.into()),
            Type::INT2 => ValueRef::Int(i16::from_sql(ty, raw)?.into()),
            Type::OID => ValueRef::Int(u32::from_sql(ty, raw)?.into()),
            Type::BOOL => ValueRef::Int(bool::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => ValueRef::Real(f64::from_sql(ty, raw)?),
            Type::FLOAT4 => ValueRef::Real(f32::from_sql(ty, raw)?.into()),
            Type::NUMERIC => numeric(raw)?,
            Type::BYTEA => ValueRef::Blob(raw),
            _ => ValueRef::Text(<&str>::from_sql(ty, raw)?),
        })
    }

    fn from_sql_null(
        _: &Type,
    ) -> std::result::Result<ValueRef<'a>, Box<dyn std::error::Error + Sync + Send>> {
        Ok(ValueRef::Null)
    }

    fn accepts(ty: &Type) -> bool {
        <ValueRef<'_> as ToSql>::accepts(ty) || matches!(*ty, Type::NUMERIC | Type::OID)
    }
}

/// PostgreSQL's binary NUMERIC (base-10000 digits): a whole number as `Int`, else `Real`.
fn numeric(
    raw: &[u8],
) -> std::result::Result<ValueRef<'static>, Box<dyn std::error::Error + Sync + Send>> {
    let word = |i: usize| -> std::result::Result<i16, Box<dyn std::error::Error + Sync + Send>> {
        raw.get(i..i + 2)
            .map(|b| i16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "short NUMERIC".into())
    };
    let (ndigits, weight, sign, dscale) = (word(0)?, word(2)?, word(4)? as u16, word(6)?);
    if sign == 0xC000 {
        return Ok(ValueRef::Real(f64::NAN));
    }
    let mut whole: i128 = 0;
    let mut frac = 0f64;
    for k in 0..ndigits.max(0) as usize {
        let d = i128::from(word(8 + 2 * k)?);
        let power = i32::from(weight) - k as i32;
        if power >= 0 {
            whole += d * 10_000i128.pow(power as u32);
        } else {
            frac += d as f64 * 10_000f64.powi(power);
        }
    }
    let neg = sign == 0x4000;
    if dscale == 0 || frac == 0.0 {
        let n = i64::try_from(if neg { -whole } else { whole })?;
        return Ok(ValueRef::Int(n));
    }
    let x = whole as f64 + frac;
    Ok(ValueRef::Real(if neg { -x } else { x }))
}

/// SQLite's `?N` placeholders as PostgreSQL's `$N` (a bare `?` numbered in order), leaving
/// quoted text and names alone.
pub fn to_dollars(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    let mut next = 0u32;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '?' => {
                out.push('$');
                if chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    while let Some(d) = chars.next_if(|d| d.is_ascii_digit()) {
                        out.push(d);
                    }
                } else {
                    next += 1;
                    out.push_str(&next.to_string());
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// A value as a PostgreSQL string literal (`standard_conforming_strings` on), which takes
/// its type from where it stands as a parameter would; `None` for bytes, a text with a NUL
/// and a real that is not finite.
fn literal(v: ValueRef<'_>) -> Option<String> {
    let quoted = |t: &str| format!("'{}'", t.replace('\'', "''"));
    match v {
        ValueRef::Null => Some("NULL".to_string()),
        ValueRef::Int(i) => Some(quoted(&i.to_string())),
        ValueRef::Real(x) if x.is_finite() => Some(quoted(&x.to_string())),
        ValueRef::Text(t) if !t.contains('\0') => Some(quoted(t)),
        _ => None,
    }
}

/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format: columns split by tabs, rows by
/// newlines, `\N` for NULL, and a backslash, tab, newline or carriage return in a text escaped.
#[derive(Debug, Default)]
pub struct CopyRows {
    buf: Vec<u8>,
    rows: usize,
}

impl CopyRows {
    pub fn new() -> CopyRows {
        CopyRows::default()
    }

    /// Adds one row, its values in the COPY's column order.
    pub fn push(&mut self, values: &[&dyn Param]) {
        use std::io::Write;
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                self.buf.push(b'\t');
            }
            match v.value() {
                ValueRef::Null => self.buf.extend_from_slice(b"\\N"),
                ValueRef::Int(n) => {
                    let _ = write!(self.buf, "{n}");
                }
                ValueRef::Real(x) => {
                    let _ = write!(self.buf, "{x:?}");
                }
                ValueRef::Text(t) => self.text(t.as_bytes()),
                ValueRef::Blob(b) => {
                    // bytea's hex form, its backslash escaped for the text format.
                    self.buf.extend_from_slice(b"\\\\x");
                    for byte in b {
                        let _ = write!(self.buf, "{byte:02x}");
                    }
                }
            }
        }
        self.buf.push(b'\n');
        self.rows += 1;
    }

    fn text(&mut self, t: &[u8]) {
        for &c in t {
            match c {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                c => self.buf.push(c),
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }
}

/// A connection to a PostgreSQL store, with its prepared statements.
pub struct PgConn {
    pub(super) client: RefCell<postgres::Client>,
    stmts: RefCell<HashMap<String, postgres::Statement>>,
    /// How to reach the server again.
    pub(super) link: super::pg::Link,
    /// Inside a write transaction: a statement that fails there is never tried again.
    pub(super) in_transaction: std::cell::Cell<bool>,
    /// Writes of the open transaction not sent yet (see `Conn::exec_later`), as SQL with their
    /// values written in; sent before the next statement, or with the COMMIT.
    pending: RefCell<Vec<String>>,
    /// Statements prepared by name for those writes (`PREPARE`), so the server plans each once
    /// per connection, not at every send; by SQL text.
    later: RefCell<HashMap<String, String>>,
    /// Those whose `PREPARE` is in the writes not yet known to have gone through.
    later_unsure: RefCell<Vec<String>>,
    later_names: std::cell::Cell<u64>,
}

/// Statements kept prepared at most; the store's own are far fewer, the rest are built on the
/// fly (a list of ids), and the cache starts again when full.
const PG_STATEMENTS: usize = 512;

impl PgConn {
    pub fn new(client: postgres::Client, link: super::pg::Link) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            stmts: RefCell::new(HashMap::new()),
            link,
            in_transaction: std::cell::Cell::new(false),
            pending: RefCell::new(Vec::new()),
            later: RefCell::new(HashMap::new()),
            later_unsure: RefCell::new(Vec::new()),
            later_names: std::cell::Cell::new(0),
        }
    }

    /// The writes waiting to be sent, taken (they go now, or are dropped with a rollback).
    pub(super) fn take_pending(&self) -> Vec<String> {
        std::mem::take(&mut self.pending.borrow_mut())
    }

    /// Whether the writes last taken went through: if not, the statements they were to
    /// prepare may not exist (a failed transaction skips what follows the error), so they are
    /// prepared again, under new names, when next needed.
    pub(super) fn settle(&self, sent: bool) {
        let unsure = std::mem::take(&mut *self.later_unsure.borrow_mut());
        if !sent {
            let mut later = self.later.borrow_mut();
            for sql in unsure {
                later.remove(&sql);
            }
        }
    }

    /// `sql` with `params` as an `EXECUTE` of a statement prepared by name (its `PREPARE`
    /// queued first if new); `None` if a value has no literal.
    fn later_text(&self, sql: &str, params: &[&dyn Param]) -> Option<String> {
        let args = params
            .iter()
            .map(|p| literal(p.value()))
            .collect::<Option<Vec<String>>>()?;
        let known = self.later.borrow().get(sql).cloned();
        let name = match known {
            Some(name) => name,
            None => {
                let n = self.later_names.get() + 1;
                self.later_names.set(n);
                let name = format!("pb_later_{n}");
                self.pending
                    .borrow_mut()
                    .push(format!("PREPARE {name} AS {}", to_dollars(sql)));
                self.later.borrow_mut().insert(sql.to_owned(), name.clone());
                self.later_unsure.borrow_mut().push(sql.to_owned());
                name
            }
        };
        Some(if args.is_empty() {
            format!("EXECUTE {name}")
        } else {
            format!("EXECUTE {name}({})", args.join(", "))
        })
    }

    /// Runs `attempt`; a read outside a transaction that found the connection gone (the
    /// server restarted since the last query, which only a query finds out) is made once more
    /// on a new connection. `fresh` says whether the attempt has handed anything over yet: one
    /// that has is not repeated.
    fn again_if_gone<T>(
        &self,
        fresh: &dyn Fn() -> bool,
        attempt: &mut dyn FnMut() -> Result<T>,
    ) -> Result<T> {
        match attempt() {
            Err(e)
                if !self.in_transaction.get()
                    && fresh()
                    && self.client.try_borrow().is_ok_and(|c| c.is_closed()) =>
            {
                match self.link.reconnect_if_gone(self) {
                    Ok(()) => attempt(),
                    Err(_) => Err(e),
                }
            }
            done => done,
        }
    }

    /// The connection, after sending the writes waiting (a query must see them).
    fn client(&self) -> Result<std::cell::RefMut<'_, postgres::Client>> {
        let mut client = self.client.try_borrow_mut().map_err(|_| {
            Error::decode("a query was started while another one's rows were being read")
        })?;
        let pending = self.take_pending();
        if !pending.is_empty() {
            let sent = client.batch_execute(&pending.join(";\n"));
            self.settle(sent.is_ok());
            sent?;
        }
        Ok(client)
    }

    fn prepared(&self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.stmts.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client()?.prepare(&to_dollars(sql))?;
        let mut stmts = self.stmts.borrow_mut();
        if stmts.len() >= PG_STATEMENTS {
            stmts.clear();
        }
        stmts.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    /// Forgets the prepared statements (a new connection has none).
    pub fn forget_statements(&self) {
        self.stmts.borrow_mut().clear();
        self.pending.borrow_mut().clear();
        self.later.borrow_mut().clear();
        self.later_unsure.borrow_mut().clear();
    }
}

/// How a PostgreSQL query is planned.
#[derive(Clone, Copy)]
pub(crate) enum Plan {
    /// Prepared once per connection and kept: after five runs the server may settle on one
    /// plan for any values, made from the tables' sizes at that moment.
    Kept,
    /// Prepared for this run only, so planned for these values and the tables as they are
    /// now. For a lookup into a table that grows inside the same transaction (an import into
    /// a new store): a kept plan made while the table looked empty reads all of it every time.
    Fresh,
}

/// The engine and its connection. One per store, never copied: the size of the larger variant
/// costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Conn {
    Lite(rusqlite::Connection),
    Pg(PgConn),
}

impl Conn {
    /// Runs `sql` with `params`, handing each row to `f` until it says stop (`false`).
    pub fn each(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
    ) -> Result<()> {
        self.each_planned(sql, params, f, Plan::Kept)
    }

    /// `each`, planned as `plan` says.
    pub(crate) fn each_planned(
        &self,
        sql: &str,
        params: &[&dyn Param],
        f: &mut dyn FnMut(&Row<'_>) -> Result<bool>,
        plan: Plan,
    ) -> Result<()> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                lite_bind(&mut stmt, params)?;
                let mut rows = stmt.raw_query();
                while let Some(r) = rows.next()? {
                    if !f(&Row(RowRef::Lite(r), 0))? {
                        break;
                    }
                }
                Ok(())
            }
            Conn::Pg(p) => {
                use postgres::fallible_iterator::FallibleIterator;
                let handed = std::cell::Cell::new(false);
                p.again_if_gone(&|| !handed.get(), &mut || {
                    let stmt = match plan {
                        Plan::Kept => p.prepared(sql)?,
                        Plan::Fresh => p.client()?.prepare(&to_dollars(sql))?,
                    };
                    let mut client = p.client()?;
                    let mut rows = client.query_raw(&stmt, params.iter().map(|v| v.value()))?;
                    while let Some(r) = rows.next()? {
                        handed.set(true);
                        if !f(&Row(RowRef::Pg(&r), 0))? {
                            break;
                        }
                    }
                    Ok(())
                })
            }
        }
    }

    /// Runs a statement that returns no rows; the number of rows it changed.
    pub fn exec(&self, sql: &str, params: &[&dyn Param]) -> Result<usize> {
        match self {
            Conn::Lite(c) => {
                let mut stmt = c.prepare_cached(sql)?;
                lite_bind(&mut stmt, params)?;
                Ok(stmt.raw_execute()?)
            }
            Conn::Pg(p) => p.again_if_gone(&|| true, &mut || {
                let stmt = p.prepared(sql)?;
                let values: Vec<ValueRef<'_>> = params.iter().map(|v| v.value()).collect();
                let refs: Vec<&(dyn ToSql + Sync)> =
                    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
                Ok(p.client()?.execute(&stmt, &refs)? as usize)
            }),
        }
    }

    /// Runs a write whose count of rows nobody needs. On PostgreSQL inside a write transaction
    /// it is sent with the next statement's round trip or with the COMMIT, as an `EXECUTE` of a
    /// statement prepared by name with the values written in (a scan pays for every round
    /// trip); an error in it fails the transaction all the same. Elsewhere it runs at once.
    pub fn exec_later(&self, sql: &str, params: &[&dyn Param]) -> Result<()> {
        match self {
            Conn::Pg(p) if p.in_transaction.get() => match p.later_text(sql, params) {
                Some(text) => {
                    p.pending.borrow_mut().push(text);
                    Ok(())
                }
                None => self.exec(sql, params).map(|_| ()),
            },
            _ => self.exec(sql, params).map(|_| ()),
        }
    }

    /// Sends `rows` to a `COPY … FROM STDIN` (PostgreSQL only: SQLite has no COPY); the number
    /// of rows the server took.
    pub fn copy_in(&self, sql: &str, rows: &CopyRows) -> Result<u64> {
        match self {
            Conn::Lite(_) => Err(Error::decode(
                "COPY is PostgreSQL's: SQLite inserts row by row",
            )),
            Conn::Pg(p) => {
                use std::io::Write;
                let mut client = p.client()?;
                let mut w = client.copy_in(sql)?;
                w.write_all(&rows.buf)
                    .map_err(|e| Error::decode(format!("COPY: {e}")))?;
                Ok(w.finish()?)
            }
        }
    }

    /// Runs several statements with no values (a schema section, `BEGIN`).
    pub fn batch(&self, sql: &str) -> Result<()> {
        match self {
            Conn::Lite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(p) => Ok(p.client()?.batch_execute(sql)?),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_dollars_outside_quotes() {
        assert_eq!(
            to_dollars("SELECT a FROM t WHERE b = ?2 AND c = ?1 AND d <> '?' AND \"?x\" = ?"),
            "SELECT a FROM t WHERE b = $2 AND c = $1 AND d <> '?' AND \"?x\" = $1"
        );
        assert_eq!(to_dollars("VALUES (?, ?, ?12)"), "VALUES ($1, $2, $12)");
        assert_eq!(to_dollars("'it''s ?1'"), "'it''s ?1'");
    }

    #[test]
    fn values_written_in_are_quoted_literals_and_bytes_are_refused() {
        let lit = |p: &dyn Param| literal(p.value());
        assert_eq!(lit(&-7i64).as_deref(), Some("'-7'"));
        assert_eq!(lit(&"it's").as_deref(), Some("'it''s'"));
        assert_eq!(lit(&"a\\b").as_deref(), Some("'a\\b'"));
        assert_eq!(lit(&None::<i64>).as_deref(), Some("NULL"));
        assert_eq!(lit(&2.5f64).as_deref(), Some("'2.5'"));
        assert_eq!(lit(&vec![1u8]), None);
        assert_eq!(lit(&"a\0b"), None);
        assert_eq!(lit(&f64::NAN), None);
    }

    #[test]
    fn copy_rows_escape_what_the_text_format_would_misread() {
        let mut rows = CopyRows::new();
        rows.push(params![7i64, None::<i64>, "a\tb\nc\rd\\N\\.", true]);
        rows.push(params!["\\N", ""]);
        assert_eq!(rows.rows, 2);
        assert_eq!(
            String::from_utf8(rows.buf).unwrap(),
            "7\t\\N\ta\\tb\\nc\\rd\\\\N\\\\.\t1\n\\\\N\t\n"
        );
    }

    #[test]
    fn numerics_read_as_integers_when_whole() {
        // 123456789 = 1_2345_6789: ndigits 3, weight 2, sign +, dscale 0.
        let raw: Vec<u8> = [3i16, 2, 0, 0, 1, 2345, 6789]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(numeric(&raw).unwrap(), ValueRef::Int(123_456_789));
        let neg: Vec<u8> = [1i16, 0, 0x4000, 0, 7]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(numeric(&neg).unwrap(), ValueRef::Int(-7));
        let zero: Vec<u8> = [0i16, 0, 0, 0]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(numeric(&zero).unwrap(), ValueRef::Int(0));
        // 2.5: digits 2 and 5000, weight 0, dscale 1.
        let half: Vec<u8> = [2i16, 0, 0, 1, 2, 5000]
            .iter()
            .flat_map(|w| w.to_be_bytes())
            .collect();
        assert_eq!(numeric(&half).unwrap(), ValueRef::Real(2.5));
    }

    #[test]
    fn sqlite_rows_read_through_the_same_values() {
        let c = Conn::Lite(rusqlite::Connection::open_in_memory().unwrap());
        c.batch("CREATE TABLE t (a INTEGER, b TEXT, c BLOB)")
            .unwrap();
        let n = c
            .exec(
                "INSERT INTO t VALUES (?1, ?2, ?3)",
                params![7i64, "七", vec![1u8, 2]],
            )
            .unwrap();
        assert_eq!(n, 1);
        c.exec(
            "INSERT INTO t VALUES (?1, ?2, NULL)",
            params![None::<i64>, "x"],
        )
        .unwrap();
        let mut got = Vec::new();
        c.each(
            "SELECT a, b, c FROM t ORDER BY rowid",
            params![],
            &mut |r| {
                got.push((
                    r.get::<Option<i64>>(0)?,
                    r.get::<String>(1)?,
                    r.get::<Option<Vec<u8>>>(2)?,
                ));
                Ok(true)
            },
        )
        .unwrap();
        assert_eq!(
            got,
            [
                (Some(7), "七".to_string(), Some(vec![1, 2])),
                (None, "x".into(), None)
            ]
        );
        let e = c
            .exec("INSERT INTO t VALUES (?1, ?2, ?3)", params![1i64])
            .unwrap_err();
        assert!(
            format!("{e:#}").contains("takes 3 values, 1 were given"),
            "{e:#}"
        );
    }
}
