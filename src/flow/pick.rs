//! Picking (配货): the picker scans their tag, then the batch's barcode (`B00012`) on the pick
//! list; the batch is theirs (it counts toward their performance). Items scanned into the basket
//! are counted against the pick list.

use super::batch::pick_list;
use super::check::Verdict;
use crate::domain::check::{ScanMode, ScanText};
use crate::domain::{Actor, BatchId, Outcome, Permission, ScanSource};
use crate::error::Result;
use crate::store::{Db, NewScan, Store};
use serde_json::json;

/// The setting holding the prefix of picker tags (`EDB_` in `EDB_PH001`).
pub const TAG_PREFIX_SETTING: &str = "pick.tag_prefix";
pub const DEFAULT_TAG_PREFIX: &str = "EDB_";

/// A picking session at one terminal. Like checking, every scan is stored before its verdict.
#[derive(Debug, Clone)]
pub struct PickSession {
    actor: Actor,
}

impl PickSession {
    pub fn start(actor: Actor) -> Result<PickSession> {
        actor.require(Permission::Pick)?;
        Ok(PickSession { actor })
    }

    /// One scan, stored with where it came from before its verdict is returned.
    pub fn scan<'a>(
        &mut self,
        store: &mut Store,
        raw: impl Into<ScanText<'a>>,
        source: ScanSource,
    ) -> Result<Vec<Verdict>> {
        let code = match raw.into().clean() {
            Ok(None) => return Ok(Vec::new()),
            Ok(Some(c)) => c,
            Err(chars) => return Ok(vec![Verdict::new(Outcome::TooLong { chars })]),
        };
        let actor = &self.actor;
        store
            .write(|db| {
                let mut st = db.station(&actor.terminal)?;
                let prefix = db
                    .setting(TAG_PREFIX_SETTING)?
                    .unwrap_or_else(|| DEFAULT_TAG_PREFIX.to_string());
                let picker = st.picker_id;
                let (mut v, batch_id, sku) = judge(db, &mut st, &code, &prefix)?;
                let staff_id = st.picker_id.or(picker).unwrap_or(actor.staff.id);
                v.scan_id = db.insert_scan(
                    actor,
                    staff_id,
                    &NewScan {
                        mode: ScanMode::Pick,
                        code: &code,
                        verdict: v.outcome.kind(),
                        reason: v.outcome.reason(),
                        parcel_id: None,
                        batch_id,
                        sku_code: sku.as_deref(),
                        counted: v.counted(),
                        source,
                    },
                )?;
                v.source = Some(source);
                db.save_station(&st)?;
                Ok(vec![v])
            })
            .map_err(crate::error::Error::in_scan)
    }
}

/// A verdict, the batch it concerns and the merchant code scanned (as stored).
type Judged = (Verdict, Option<BatchId>, Option<String>);

fn judge(
    db: &Db<'_>,
    st: &mut crate::store::StationRow,
    code: &str,
    prefix: &str,
) -> Result<Judged> {
    // A picker's tag: the prefix and a staff code.
    if let Some(staff_code) = code.strip_prefix(prefix).filter(|_| !prefix.is_empty()) {
        let outcome = match db.staff_by_code(staff_code)? {
            Some(s) if s.active && s.role.allows(Permission::Pick) => {
                st.picker_id = Some(s.id);
                st.pick_batch_id = None;
                Outcome::PickerSet {
                    code: s.code,
                    name: s.name,
                }
            }
            _ => Outcome::PickerUnknown {
                code: code.to_string(),
            },
        };
        return Ok((Verdict::new(outcome), None, None));
    }
    // The batch barcode on the pick list.
    if let Some(id) = BatchId::from_scan(code) {
        let Some(batch) = db.batch(id)? else {
            return Ok((Verdict::new(Outcome::BatchUnknown(id)), None, None));
        };
        if batch.is_cancelled() {
            if st.pick_batch_id == Some(id) {
                st.pick_batch_id = None;
            }
            let mut v = Verdict::new(Outcome::BatchCancelled {
                batch: id,
                item: None,
            });
            v.barcode = Some(id.to_string());
            return Ok((v, Some(id), None));
        }
        let Some(picker) = st.picker_id else {
            return Ok((
                Verdict::new(Outcome::NoPicker { batch: id }),
                Some(id),
                None,
            ));
        };
        db.assign_picker(id, picker)?;
        st.pick_batch_id = Some(id);
        let list = pick_list(db, id)?;
        let units: u32 = list.iter().map(|l| l.qty).sum();
        db.log_event_as(
            picker,
            &st.terminal,
            "batch_picked",
            &id.to_string(),
            &json!({"units": units, "before": batch.picker_code}),
        )?;
        let mut v = Verdict::new(Outcome::BatchAssigned {
            batch: id,
            skus: list.len(),
            units,
        });
        v.remaining = Some(units);
        v.barcode = Some(id.to_string());
        return Ok((v, Some(id), None));
    }
    let product = match db.product_by_barcode(code)? {
        Some(p) => Some(p),
        None => db.product_by_sku(code)?,
    };
    let Some((_, product)) = product else {
        let v = Verdict::new(Outcome::UnknownItem {
            code: code.to_string(),
        });
        return Ok((v, st.pick_batch_id, None));
    };
    let Some(batch_id) = st.pick_batch_id else {
        return Ok((Verdict::new(Outcome::NoBatch), None, Some(product.sku_code)));
    };
    // The batch may have been cancelled since its barcode was scanned here.
    if let Some(batch) = db.batch(batch_id)?.filter(|b| b.is_cancelled()) {
        st.pick_batch_id = None;
        let mut v = Verdict::new(Outcome::BatchCancelled {
            batch: batch.id,
            item: Some(product.sku_code.clone()),
        });
        v.barcode = Some(code.to_string());
        return Ok((v, Some(batch_id), Some(product.sku_code)));
    }
    let list = pick_list(db, batch_id)?;
    let picked = db.picked_counts(batch_id)?;
    let sku = product.sku_code.clone();
    let done = |s: &str| picked.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
    let remaining_after = |extra: u32| -> u32 {
        list.iter()
            .map(|l| {
                l.qty
                    .saturating_sub(done(&l.sku_code) + if l.sku_code == sku { extra } else { 0 })
            })
            .sum()
    };
    let outcome = match list.iter().find(|l| l.sku_code == sku) {
        Some(l) if done(&sku) < l.qty => Outcome::Picked {
            sku: sku.clone(),
            scanned: done(&sku) + 1,
            expected: l.qty,
            bin: l.bin.clone(),
            complete: remaining_after(1) == 0,
        },
        Some(l) => Outcome::PickSurplus {
            sku: sku.clone(),
            scanned: done(&sku),
            expected: l.qty,
        },
        None => Outcome::PickWrong { sku: sku.clone() },
    };
    let counted = outcome.counted();
    let mut v = Verdict::new(outcome);
    v.remaining = Some(remaining_after(u32::from(counted)));
    v.barcode = Some(code.to_string());
    Ok((v, Some(batch_id), Some(sku)))
}

/// One line of a batch's pick list with what was picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickProgress {
    pub line: super::batch::ItemLine,
    pub picked: u32,
}

/// The pick list of a batch, in bin order, with the units picked so far.
pub fn progress(store: &Store, actor: &Actor, batch_id: BatchId) -> Result<Vec<PickProgress>> {
    actor.require(Permission::Pick)?;
    let db = store.read();
    let picked = db.picked_counts(batch_id)?;
    Ok(pick_list(&db, batch_id)?
        .into_iter()
        .map(|line| {
            let picked = picked
                .iter()
                .find(|(s, _)| *s == line.sku_code)
                .map_or(0, |(_, n)| *n);
            PickProgress { line, picked }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::testkit;

    #[test]
    fn the_batch_barcode_as_printed_takes_the_batch() {
        let mut shop = testkit::shop();
        let id = shop.batch.batch_id;
        let mut s = PickSession::start(shop.actor("PH001", "shelf-1")).unwrap();
        s.scan(&mut shop.store, "EDB_PH001", ScanSource::Wedge)
            .unwrap();
        let v = s
            .scan(&mut shop.store, &id.barcode(), ScanSource::Keyed)
            .unwrap();
        assert_eq!(v[0].source, Some(ScanSource::Keyed));
        assert_eq!(
            v[0].outcome,
            Outcome::BatchAssigned {
                batch: id,
                skus: progress(&shop.store, &shop.admin, id).unwrap().len(),
                units: v[0].remaining.unwrap(),
            }
        );
        assert_eq!(v[0].barcode.as_deref(), Some(id.to_string().as_str()));
        let progress = progress(&shop.store, &shop.admin, id).unwrap();
        assert!(!progress.is_empty());
    }
}
