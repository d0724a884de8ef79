//! Picking (配货): the picker scans their tag, then the batch's barcode (`B` + id) on the pick
//! list; the batch is theirs (it counts toward their performance). Items scanned into the basket
//! are counted against the pick list.

use super::batch::pick_list;
use super::check::Verdict;
use crate::domain::check::clean_scan;
use crate::domain::{Actor, Permission};
use crate::error::Result;
use crate::store::{BatchRow, Db, NewScan, Store};
use serde_json::json;

/// The setting holding the prefix of picker tags (`EDB_` in `EDB_PH001`).
pub const TAG_PREFIX_SETTING: &str = "pick.tag_prefix";
pub const DEFAULT_TAG_PREFIX: &str = "EDB_";

/// A picking session at one terminal. Like checking, every scan is stored before its verdict.
pub struct PickSession {
    actor: Actor,
}

impl PickSession {
    pub fn start(actor: Actor) -> Result<PickSession> {
        actor.require(Permission::Pick)?;
        Ok(PickSession { actor })
    }

    pub fn scan(&mut self, store: &mut Store, raw: &str) -> Result<Vec<Verdict>> {
        let code = match clean_scan(raw) {
            Ok(None) => return Ok(Vec::new()),
            Ok(Some(c)) => c,
            Err(len) => {
                let mut v = Verdict::new(
                    "scan_rejected",
                    format!("扫描内容太长（{len} 个字符），已忽略"),
                    format!("scan too long ({len} characters); ignored"),
                );
                v.reason = Some("too_long");
                return Ok(vec![v]);
            }
        };
        let actor = &self.actor;
        store.write(|db| {
            let mut st = db.station(&actor.terminal)?;
            let prefix = db
                .setting(TAG_PREFIX_SETTING)?
                .unwrap_or_else(|| DEFAULT_TAG_PREFIX.to_string());
            let picker = st.picker_id;
            let (v, batch_id, sku, counted) = judge(db, &mut st, &code, &prefix)?;
            let staff_id = st.picker_id.or(picker).unwrap_or(actor.staff.id);
            let mut v = v;
            v.scan_id = db.insert_scan(
                actor,
                staff_id,
                &NewScan {
                    mode: "pick",
                    code: &code,
                    verdict: v.verdict,
                    reason: v.reason,
                    parcel_id: None,
                    batch_id,
                    sku_code: sku.as_deref(),
                    counted,
                },
            )?;
            db.save_station(&st)?;
            Ok(vec![v])
        })
    }
}

type Judged = (Verdict, Option<i64>, Option<String>, bool);

fn judge(
    db: &Db<'_>,
    st: &mut crate::store::StationRow,
    code: &str,
    prefix: &str,
) -> Result<Judged> {
    // A picker's tag: the prefix and a staff code.
    if let Some(staff_code) = code.strip_prefix(prefix).filter(|_| !prefix.is_empty()) {
        return Ok(match db.staff_by_code(staff_code)? {
            Some(s) if s.active && s.role.allows(Permission::Pick) => {
                st.picker_id = Some(s.id);
                st.pick_batch_id = None;
                (
                    Verdict::new(
                        "picker_set",
                        format!("配货员：{} {}", s.code, s.name),
                        format!("picker: {} {}", s.code, s.name),
                    ),
                    None,
                    None,
                    false,
                )
            }
            _ => (
                Verdict::new(
                    "picker_unknown",
                    format!("不是配货员的标牌：{code}"),
                    format!("not a picker's tag: {code}"),
                ),
                None,
                None,
                false,
            ),
        });
    }
    // The batch barcode on the pick list.
    if let Some(id) = code.strip_prefix('B').and_then(|d| d.parse::<i64>().ok()) {
        let Some(batch) = db.batch(id)? else {
            let v = Verdict::new(
                "batch_unknown",
                format!("没有这个批次：{code}"),
                format!("no such batch: {code}"),
            );
            return Ok((v, None, None, false));
        };
        if batch.is_cancelled() {
            if st.pick_batch_id == Some(id) {
                st.pick_batch_id = None;
            }
            return Ok((batch_cancelled(&batch), Some(id), None, false));
        }
        let Some(picker) = st.picker_id else {
            let v = Verdict::new(
                "no_picker",
                "请先扫配货员标牌".into(),
                "scan the picker's tag first".into(),
            );
            return Ok((v, Some(id), None, false));
        };
        db.assign_picker(id, picker)?;
        st.pick_batch_id = Some(id);
        let list = pick_list(db, id)?;
        let units: u32 = list.iter().map(|l| l.qty).sum();
        db.log_event_as(
            picker,
            &st.terminal,
            "batch_picked",
            &format!("B{id}"),
            &json!({"units": units, "before": batch.picker_code}),
        )?;
        let mut v = Verdict::new(
            "batch_assigned",
            format!("批次 B{id} 归你配货：{} 种 {units} 件", list.len()),
            format!(
                "batch B{id} is yours to pick: {} SKU(s), {units} unit(s)",
                list.len()
            ),
        );
        v.remaining = Some(units);
        v.barcode = Some(format!("B{id}"));
        return Ok((v, Some(id), None, false));
    }
    let product = match db.product_by_barcode(code)? {
        Some(p) => Some(p),
        None => db.product_by_sku(code)?,
    };
    let Some((_, product)) = product else {
        let v = Verdict::new(
            "item_unknown",
            format!("没有这个条码的商品：{code}"),
            format!("no product has this barcode: {code}"),
        );
        return Ok((v, st.pick_batch_id, None, false));
    };
    let Some(batch_id) = st.pick_batch_id else {
        let v = Verdict::new(
            "no_batch",
            "请先扫配货单上的批次条码".into(),
            "scan the batch barcode on the pick list first".into(),
        );
        return Ok((v, None, Some(product.sku_code), false));
    };
    // The batch may have been cancelled since its barcode was scanned here.
    if let Some(batch) = db.batch(batch_id)?.filter(|b| b.is_cancelled()) {
        st.pick_batch_id = None;
        let mut v = batch_cancelled(&batch);
        v.sku_code = Some(product.sku_code.clone());
        v.barcode = Some(code.to_string());
        return Ok((v, Some(batch_id), Some(product.sku_code), false));
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
    let (mut v, counted) = match list.iter().find(|l| l.sku_code == sku) {
        Some(l) if done(&sku) < l.qty => {
            let n = done(&sku) + 1;
            let left = remaining_after(1);
            let verdict = if left == 0 {
                "pick_complete"
            } else {
                "pick_ok"
            };
            let mut v = Verdict::new(
                verdict,
                format!(
                    "{sku} {n}/{}（库位 {}）",
                    l.qty,
                    l.bin.as_deref().unwrap_or("-")
                ),
                format!(
                    "{sku} {n}/{} (bin {})",
                    l.qty,
                    l.bin.as_deref().unwrap_or("-")
                ),
            );
            v.scanned = Some(n);
            v.expected = Some(l.qty);
            (v, true)
        }
        Some(l) => {
            let mut v = Verdict::new(
                "pick_surplus",
                format!("{sku} 已经够 {} 件", l.qty),
                format!("{sku} is complete at {}", l.qty),
            );
            v.scanned = Some(done(&sku));
            v.expected = Some(l.qty);
            (v, false)
        }
        None => (
            Verdict::new(
                "pick_wrong",
                format!("{sku} 不在这个批次里"),
                format!("{sku} is not in this batch"),
            ),
            false,
        ),
    };
    v.remaining = Some(remaining_after(u32::from(counted)));
    v.sku_code = Some(sku.clone());
    v.barcode = Some(code.to_string());
    Ok((v, Some(batch_id), Some(sku), counted))
}

/// A cancelled batch is not picked: what was picked of it goes back to the shelves.
fn batch_cancelled(b: &BatchRow) -> Verdict {
    let mut v = Verdict::new(
        "batch_cancelled",
        format!("批次 B{} 已经取消，不要配货；已配的货放回库位", b.id),
        format!(
            "batch B{} was cancelled: do not pick it; put back what was picked",
            b.id
        ),
    );
    v.barcode = Some(format!("B{}", b.id));
    v
}

/// One line of a batch's pick list with what was picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickProgress {
    pub line: super::batch::ItemLine,
    pub picked: u32,
}

/// The pick list of a batch, in bin order, with the units picked so far.
pub fn progress(store: &Store, actor: &Actor, batch_id: i64) -> Result<Vec<PickProgress>> {
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
