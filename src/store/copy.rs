//! Moving a whole shop between engines (`packbench store copy FROM TO`): every table's rows, as
//! they are (ids too), into a new, empty store, in one transaction on the target.

use super::sql::ValueRef;
use super::{Db, Param, Store, params};
use crate::error::{Error, Result};

/// One table copied: the rows read from the source and found in the target afterwards.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableCopied {
    pub table: String,
    pub source_rows: i64,
    pub target_rows: i64,
}

/// A foreign key: the table, its column, the table it refers to.
type Reference = (String, String, String);

/// A column filled in after every table's rows are in: `(table, column)`.
type FilledLater = (String, String);

impl Db<'_> {
    /// The columns of `table`, in their order.
    pub(crate) fn columns(&self, table: &str) -> Result<Vec<String>> {
        let sql = if self.on_postgres() {
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = ?1 ORDER BY ordinal_position"
        } else {
            "SELECT name FROM pragma_table_info(?1) ORDER BY cid"
        };
        self.all(sql, params![table], |r| r.get(0))
    }

    /// Each foreign key: `(table, column, referred table)`, and whether the column may be NULL.
    fn references(&self) -> Result<Vec<(Reference, bool)>> {
        let sql = if self.on_postgres() {
            "SELECT c.conrelid::regclass::text, a.attname::text, c.confrelid::regclass::text,
                    NOT a.attnotnull
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace"
        } else {
            "SELECT m.name, f.\"from\", f.\"table\", i.\"notnull\" = 0
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f, pragma_table_info(m.name) i
             WHERE m.type = 'table' AND i.name = f.\"from\""
        };
        self.all(sql, params![], |r| {
            Ok(((r.get(0)?, r.get(1)?, r.get(2)?), r.get(3)?))
        })
    }

    /// The tables in an order each can be filled in, every one after those it refers to, and
    /// the references that make a circle (a parcel names the scan that shipped it, a scan its
    /// parcel): `(table, column)` filled in afterwards, once both rows are there.
    fn fill_order(&self) -> Result<(Vec<String>, Vec<FilledLater>)> {
        let mut left = self.table_names()?;
        let all = self.references()?;
        let nullable = |r: &(String, String, String)| all.iter().any(|(x, n)| x == r && *n);
        let mut refs: Vec<Reference> = all
            .iter()
            .map(|(r, _)| r.clone())
            .filter(|(t, _, r)| t != r)
            .collect();
        let mut later = Vec::new();
        let mut out: Vec<String> = Vec::new();
        while !left.is_empty() {
            let waits = |t: &String, refs: &[Reference]| {
                refs.iter()
                    .filter(|(child, _, parent)| child == t && left.contains(parent) && parent != t)
                    .count()
            };
            if let Some(i) = left.iter().position(|t| waits(t, &refs) == 0) {
                out.push(left.remove(i));
                continue;
            }
            // A circle: a table that waits only through columns that may be empty is filled
            // first, those columns after.
            let t = left
                .iter()
                .find(|t| {
                    refs.iter()
                        .filter(|(child, _, parent)| child == *t && left.contains(parent))
                        .all(&nullable)
                })
                .cloned()
                .ok_or_else(|| {
                    Error::decode(format!(
                        "the tables refer to each other in a circle: {left:?}"
                    ))
                })?;
            refs.retain(|(child, column, parent)| {
                let cut = *child == t && left.contains(parent);
                if cut {
                    later.push((t.clone(), column.clone()));
                }
                !cut
            });
        }
        Ok((out, later))
    }

    fn count(&self, table: &str) -> Result<i64> {
        self.one(
            &format!("SELECT count(*) FROM \"{table}\""),
            params![],
            |r| r.get(0),
        )
    }
}

/// A whole store copied and checked.
#[derive(Debug, Clone)]
pub struct Copied {
    pub tables: Vec<TableCopied>,
    /// Where on-hand stock is not the sum of the ledger: as many in the copy as in the source
    /// (none in a sound shop).
    pub ledger_differences: usize,
}

/// Copies every row of `from` into `to`, a store just made (`Store::create`) at the same version:
/// what the new store was seeded with is replaced by the source's rows, ids kept, in one
/// transaction on `to` (a failure leaves it as it was made). Before it commits, every table's
/// row count and checksum and the stock ledger check are compared with the source's; on
/// PostgreSQL the id sequences are moved past the copied ids.
pub fn copy_all(from: &Store, to: &mut Store) -> Result<Copied> {
    let src = from.read();
    let (tables, later) = src.fill_order()?;
    let to_tables = to.read().table_names()?;
    let mut missing: Vec<&String> = tables.iter().filter(|t| !to_tables.contains(t)).collect();
    missing.extend(to_tables.iter().filter(|t| !tables.contains(t)));
    if !missing.is_empty() {
        return Err(Error::invalid(
            format!("两个数据库的表不一样（{missing:?}）：请先用同一版本的 packbench 打开它们"),
            format!(
                "the two stores' tables differ ({missing:?}): open both with this packbench first"
            ),
        ));
    }
    to.write(|dst| {
        // A new store's seeds (roles, the built-in staff, settings) make way for the source's.
        for t in tables.iter().rev() {
            dst.exec(&format!("DELETE FROM \"{t}\""), params![])?;
        }
        let mut copied = Vec::new();
        for t in &tables {
            let cols = src.columns(t)?;
            if dst.columns(t)? != cols {
                return Err(Error::invalid(
                    format!("表 {t} 的列在两个数据库里不一样，什么都没有复制"),
                    format!("table {t} has different columns in the two stores; nothing was copied"),
                ));
            }
            let names = cols
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", ");
            let marks = (1..=cols.len())
                .map(|i| format!("?{i}"))
                .collect::<Vec<_>>()
                .join(", ");
            let insert = format!("INSERT INTO \"{t}\" ({names}) VALUES ({marks})");
            // Columns of a circle go in empty and are filled in below.
            let empty: Vec<bool> = cols
                .iter()
                .map(|c| later.contains(&(t.clone(), c.clone())))
                .collect();
            let mut rows = 0i64;
            src.each(
                &format!("SELECT {names} FROM \"{t}\""),
                params![],
                |r| {
                    let values: Vec<ValueRef<'_>> = (0..cols.len())
                        .map(|i| if empty[i] { Ok(ValueRef::Null) } else { r.value(i) })
                        .collect::<Result<_>>()?;
                    let ps: Vec<&dyn Param> = values.iter().map(|v| v as &dyn Param).collect();
                    dst.exec(&insert, &ps)?;
                    rows += 1;
                    Ok(())
                },
            )?;
            let target_rows = dst.count(t)?;
            if target_rows != rows {
                return Err(Error::invalid(
                    format!("表 {t} 复制后行数不对（读出 {rows}，写入后 {target_rows}），什么都没有复制"),
                    format!("table {t} came out with {target_rows} rows for {rows} read; nothing was copied"),
                ));
            }
            copied.push(TableCopied {
                table: t.clone(),
                source_rows: rows,
                target_rows,
            });
        }
        for (t, column) in &later {
            let update = format!("UPDATE \"{t}\" SET \"{column}\" = ?2 WHERE id = ?1");
            src.each(
                &format!("SELECT id, \"{column}\" FROM \"{t}\" WHERE \"{column}\" IS NOT NULL"),
                params![],
                |r| {
                    dst.exec(&update, params![r.get::<i64>(0)?, r.get::<i64>(1)?])?;
                    Ok(())
                },
            )?;
        }
        if dst.on_postgres() {
            dst.move_sequences_past_ids(&tables)?;
        }
        // Checked before it is kept: every table's rows and checksum, and the stock ledger.
        let (a, b) = (src.digest()?, dst.digest()?);
        let differ: Vec<&str> = a
            .iter()
            .zip(&b)
            .filter(|(x, y)| x != y)
            .map(|(x, _)| x.table.as_str())
            .collect();
        let (ledger_a, ledger_b) = (src.ledger_diffs()?.len(), dst.ledger_diffs()?.len());
        if !differ.is_empty() || a.len() != b.len() || ledger_a != ledger_b {
            return Err(Error::invalid(
                format!("复制出来的和原来的不一样（{differ:?}），什么都没有复制"),
                format!("the copy came out different from the source ({differ:?}); nothing was copied"),
            ));
        }
        Ok(Copied {
            tables: copied,
            ledger_differences: ledger_b,
        })
    })
}

impl Db<'_> {
    /// After rows were inserted with their ids: each identity column's next number past the
    /// highest id, so the server's next row does not collide with a copied one.
    fn move_sequences_past_ids(&self, tables: &[String]) -> Result<()> {
        for t in tables {
            let ids: Vec<String> = self.all(
                "SELECT column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = ?1 AND is_identity = 'YES'",
                params![t.as_str()],
                |r| r.get(0),
            )?;
            for id in ids {
                self.one(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('\"{t}\"', '{id}'),
                                       coalesce((SELECT max(\"{id}\") FROM \"{t}\"), 0) + 1, false)"
                    ),
                    params![],
                    |r| r.get::<i64>(0),
                )?;
            }
        }
        Ok(())
    }
}
