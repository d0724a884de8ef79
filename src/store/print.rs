//! The print log: print jobs and what each printed.

use super::{Db, Row, now, params};
use crate::domain::print::{JobKind, JobResult};
use crate::domain::{Actor, BatchId};
use crate::error::{Error, Result};

/// A print job to record before it is sent.
#[derive(Debug, Clone)]
pub struct NewPrintJob<'a> {
    pub kind: JobKind,
    pub batch_id: Option<BatchId>,
    pub subject: &'a str,
    pub pages: i64,
    /// `pdf`, `tspl` or `zpl`.
    pub format: &'a str,
    pub target: &'a str,
    pub reprint: bool,
    pub params: &'a serde_json::Value,
    pub retry_of: Option<i64>,
}

/// One line of what a job printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintJobItem {
    pub parcel_id: Option<i64>,
    pub tracking_no: Option<String>,
    pub product_id: Option<i64>,
    pub copies: i64,
}

/// A recorded print job.
#[derive(Debug, Clone, PartialEq)]
pub struct PrintJobRow {
    pub id: i64,
    pub at: String,
    pub staff_code: String,
    pub terminal: String,
    pub kind: JobKind,
    pub batch_id: Option<BatchId>,
    pub subject: String,
    pub pages: i64,
    pub format: String,
    pub target: String,
    pub reprint: bool,
    pub params: serde_json::Value,
    pub result: JobResult,
    pub error: Option<String>,
    pub cups_job: Option<String>,
    pub finished_at: Option<String>,
    pub retry_of: Option<i64>,
}

const JOB_COLS: &str = "j.id, j.at, s.code, j.terminal, j.kind, j.batch_id, j.subject, j.pages, j.format, \
     j.target, j.reprint, j.params, j.result, j.error, j.cups_job, j.finished_at, j.retry_of";

fn job_from_row(r: &Row<'_>) -> Result<PrintJobRow> {
    let params: String = r.get(11)?;
    Ok(PrintJobRow {
        id: r.get(0)?,
        at: r.get(1)?,
        staff_code: r.get(2)?,
        terminal: r.get(3)?,
        kind: r.get(4)?,
        batch_id: r.get(5)?,
        subject: r.get(6)?,
        pages: r.get(7)?,
        format: r.get(8)?,
        target: r.get(9)?,
        reprint: r.get(10)?,
        params: serde_json::from_str(&params).unwrap_or(serde_json::Value::Null),
        result: r.get(12)?,
        error: r.get(13)?,
        cups_job: r.get(14)?,
        finished_at: r.get(15)?,
        retry_of: r.get(16)?,
    })
}

impl Db<'_> {
    /// Records a job as pending, with what it prints; returns its id.
    pub fn insert_print_job(
        &self,
        actor: &Actor,
        job: &NewPrintJob<'_>,
        items: &[PrintJobItem],
    ) -> Result<i64> {
        let id = self.insert(
            "INSERT INTO print_jobs (at, staff_id, terminal, kind, batch_id, subject, pages, format, target,
                reprint, params, retry_of)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
             RETURNING id",
            params![
                now(),
                actor.staff.id,
                actor.terminal,
                job.kind,
                job.batch_id,
                job.subject,
                job.pages,
                job.format,
                job.target,
                job.reprint,
                job.params.to_string(),
                job.retry_of
            ],
        )?;
        for i in items {
            self.exec(
                "INSERT INTO print_job_items (job_id, parcel_id, tracking_no, product_id, copies)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    id,
                    i.parcel_id,
                    i.tracking_no,
                    i.product_id,
                    i.copies.max(1)
                ],
            )?;
        }
        Ok(id)
    }

    /// Records how a job ended: taken by the printer (`error` None) or failed.
    pub fn finish_print_job(
        &self,
        id: i64,
        error: Option<&str>,
        cups_job: Option<&str>,
    ) -> Result<()> {
        self.exec(
            "UPDATE print_jobs SET result = ?2, error = ?3, cups_job = ?4, finished_at = ?5 WHERE id = ?1",
            params![
                id,
                if error.is_none() {
                    JobResult::Ok
                } else {
                    JobResult::Failed
                },
                error,
                cups_job,
                now()
            ],
        )?;
        Ok(())
    }

    pub fn print_job(&self, id: i64) -> Result<Option<PrintJobRow>> {
        self.opt(
            &format!(
                "SELECT {JOB_COLS} FROM print_jobs j JOIN staff s ON s.id = j.staff_id WHERE j.id = ?1"
            ),
            params![id],
            job_from_row,
        )
    }

    /// Jobs, newest first: all, or those with `result`.
    pub fn print_jobs(&self, result: Option<JobResult>, limit: usize) -> Result<Vec<PrintJobRow>> {
        self.all(
            &format!(
                "SELECT {JOB_COLS} FROM print_jobs j JOIN staff s ON s.id = j.staff_id
                 WHERE CAST(?1 AS TEXT) IS NULL OR j.result = ?1 ORDER BY j.id DESC LIMIT ?2"
            ),
            params![result, limit as i64],
            job_from_row,
        )
    }

    /// What a job printed, in the order it was recorded.
    pub fn print_job_items(&self, job_id: i64) -> Result<Vec<PrintJobItem>> {
        // `print_job_items` has no id: SQLite keeps the order of insertion in its `rowid`;
        // PostgreSQL has none, and `ctid` (where the row lies) is the nearest it has.
        let sql = if self.on_postgres() {
            "SELECT parcel_id, tracking_no, product_id, copies FROM print_job_items WHERE job_id = ?1 ORDER BY ctid"
        } else {
            "SELECT parcel_id, tracking_no, product_id, copies FROM print_job_items WHERE job_id = ?1 ORDER BY rowid"
        };
        self.all(sql, params![job_id], |r| {
            Ok(PrintJobItem {
                parcel_id: r.get(0)?,
                tracking_no: r.get(1)?,
                product_id: r.get(2)?,
                copies: r.get(3)?,
            })
        })
    }

    /// The parcels among `parcel_ids` whose waybill came out of a printer before (a job that
    /// was taken, or one whose end is unknown — better a 补打 mark too many than a duplicate
    /// waybill passing as the first).
    pub fn parcels_printed_before(&self, parcel_ids: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for id in parcel_ids {
            let printed = self.opt(
                "SELECT 1 FROM print_job_items i JOIN print_jobs j ON j.id = i.job_id
                 WHERE i.parcel_id = ?1 AND j.kind = 'waybills' AND j.result IN ('ok', 'pending') LIMIT 1",
                params![id],
                |_| Ok(()),
            )?;
            if printed.is_some() {
                out.push(*id);
            }
        }
        Ok(out)
    }

    /// The first waybill job of a batch that may have put its numbers on paper (taken by the
    /// printer, or `pending`: its end is unknown), as `(job id, result)`.
    pub fn batch_waybills_on_paper(&self, batch_id: BatchId) -> Result<Option<(i64, JobResult)>> {
        self.opt(
            "SELECT id, result FROM print_jobs
             WHERE kind = 'waybills' AND batch_id = ?1 AND result <> 'failed' ORDER BY id LIMIT 1",
            params![batch_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// Whether a pick list of the batch was printed before.
    pub fn picklist_printed_before(&self, batch_id: BatchId) -> Result<bool> {
        Ok(self
            .opt(
                "SELECT 1 FROM print_jobs WHERE kind = 'picklist' AND batch_id = ?1 AND result IN ('ok', 'pending') LIMIT 1",
                params![batch_id],
                |_| Ok(()),
            )?
            .is_some())
    }

    /// Pages and jobs printed per shop day (UTC+8) and kind, newest day first: the self-audit's
    /// "print count per day". At most `days * 3` rows (day and kind).
    pub fn print_counts_per_day(&self, days: usize) -> Result<Vec<(String, String, i64, i64)>> {
        // Counted per UTC hour (`at` is `2018-11-08T01:06:00Z`) and the hours put into shop
        // days here: the shop's offset is whole hours, and neither engine has the other's date
        // arithmetic (SQLite's `date(at, '+8 hours')`).
        let hours: Vec<(String, String, i64, i64)> = self.all(
            "SELECT substr(at, 1, 13), kind, count(*), sum(pages) FROM print_jobs
             WHERE result = 'ok' GROUP BY substr(at, 1, 13), kind",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )?;
        let mut per_day: std::collections::BTreeMap<(String, String), (i64, i64)> =
            std::collections::BTreeMap::new();
        for (hour, kind, jobs, pages) in hours {
            let utc =
                chrono::NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M")
                    .map_err(|e| Error::decode(format!("print job time {hour:?}: {e}")))?;
            let day = (utc + chrono::Duration::hours(8))
                .format("%Y-%m-%d")
                .to_string();
            let n = per_day.entry((day, kind)).or_default();
            n.0 += jobs;
            n.1 += pages;
        }
        // Newest day first, kinds in name order within a day.
        let mut rows: Vec<_> = per_day
            .into_iter()
            .map(|((day, kind), (jobs, pages))| (day, kind, jobs, pages))
            .collect();
        rows.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        rows.truncate(days.saturating_mul(3));
        Ok(rows)
    }
}
