//! Who did what (issue 16): performance per staff member by day, week or month, and sales and
//! commission (提成) by customer-service code per month. Counted from the store's own record —
//! scans, shipments, print jobs, batches, stocktake scans, remarks and refunds — never from a
//! tally kept on the side. Anyone sees their own figures; the whole shop's need the right to
//! see reports (performance) or to be a CS supervisor (commission).

use super::sheet::{Cell, Sheet};
use crate::domain::report::{Grain, RateTable, is_misship_reason, percent};
use crate::domain::time::{shop_days_bounds, shop_zone};
use crate::domain::{Actor, Fen, Permission, Role};
use crate::error::{Error, Result};
use crate::store::{CreditRemark, Store};
use chrono::{Datelike, NaiveDate, Timelike};
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The longest range one performance report covers.
pub const MAX_DAYS: i64 = 400;

/// The setting holding the commission rate table (`domain::report::RateTable`).
pub const RATES_SETTING: &str = "commission.rates";

/// One staff member's figures in one period. Zero where they did none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    /// Picker: batches credited by the tag in the basket, their lines and units.
    pub batches_picked: i64,
    pub lines_picked: i64,
    pub units_picked: i64,
    /// Checker: parcels checked and shipped, units scanned, the clock hours with a scan, and
    /// the wrong, unknown or surplus items (and refunded lines) caught.
    pub parcels_checked: i64,
    pub units_checked: i64,
    pub check_hours: i64,
    pub mismatches_caught: i64,
    /// Parcels shipped in bulk, without a check.
    pub parcels_bulk: i64,
    /// Order printer: print batches made, waybills put on paper, waybills reprinted.
    pub batches_printed: i64,
    pub waybills_printed: i64,
    pub waybills_reprinted: i64,
    /// Label printer: labels printed (copies).
    pub labels_printed: i64,
    /// Counters: stocktake lines counted, and lines recounted.
    pub stocktake_lines: i64,
    pub recounts: i64,
    /// Mis-ships traced back from returns (a wrong or missing item): parcels this person
    /// checked, and batches' parcels this person picked.
    pub misships_checked: i64,
    pub misships_picked: i64,
}

impl Figures {
    /// Parcels per hour of checking, in tenths (23.5 is 235); `None` without an hour.
    pub fn parcels_per_hour_tenths(&self) -> Option<i64> {
        (self.check_hours > 0)
            .then(|| (self.parcels_checked * 10 + self.check_hours / 2) / self.check_hours)
    }

    fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}

/// A staff member's figures in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PerfRow {
    pub period: String,
    pub staff_code: String,
    pub staff_name: String,
    pub role: Role,
    pub figures: Figures,
    /// Parcels per hour of checking, tenths.
    pub parcels_per_hour_tenths: Option<i64>,
}

/// A checker's checked parcels per hour of the shop's day, over the whole range (the chart).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HourlyLine {
    pub staff_code: String,
    pub staff_name: String,
    pub parcels: [i64; 24],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Performance {
    #[serde(serialize_with = "ser_day")]
    pub from: NaiveDate,
    #[serde(serialize_with = "ser_day")]
    pub to: NaiveDate,
    pub grain: Grain,
    /// Only the asking staff member's own figures (no right to see the shop's).
    pub own_only: bool,
    pub rows: Vec<PerfRow>,
    pub hourly: Vec<HourlyLine>,
}

/// A day in JSON: `2026-12-01` (chrono is built without serde here).
pub(crate) fn ser_day<S: serde::Serializer>(
    d: &NaiveDate,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(&d.format("%Y-%m-%d"))
}

/// A UTC hour as the SQL groups give it (`2026-12-01T03`) in the shop's day and hour.
fn shop_hour(hour: &str) -> Option<(NaiveDate, u32)> {
    let t = chrono::NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M").ok()?;
    let local = t.and_utc().with_timezone(&shop_zone());
    Some((local.date_naive(), local.hour()))
}

/// Checks a range of days: not reversed, not too long.
pub fn check_range(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if to < from {
        return Err(Error::invalid(
            format!("结束日期 {to} 早于开始日期 {from}"),
            format!("the end {to} is before the start {from}"),
        ));
    }
    if (to - from).num_days() >= MAX_DAYS {
        return Err(Error::invalid(
            format!("一次最多统计 {MAX_DAYS} 天"),
            format!("at most {MAX_DAYS} days in one report"),
        ));
    }
    Ok(())
}

/// Performance from `from` to `to` (shop days, both included) by `grain`.
pub fn performance(
    store: &Store,
    actor: &Actor,
    from: NaiveDate,
    to: NaiveDate,
    grain: Grain,
) -> Result<Performance> {
    check_range(from, to)?;
    let own_only = !actor.staff.role.allows(Permission::ViewReports);
    let (lo, hi) = shop_days_bounds(from, to);
    let db = store.read();
    let staff: HashMap<i64, crate::domain::Staff> = db
        .list_staff()?
        .into_iter()
        .map(|r| (r.staff.id, r.staff))
        .collect();
    let mut figs: BTreeMap<(String, i64), Figures> = BTreeMap::new();
    let mut hours: HashSet<(String, i64, NaiveDate, u32)> = HashSet::new();
    let mut hourly: BTreeMap<i64, [i64; 24]> = BTreeMap::new();
    let at = |staff_id: i64, day: NaiveDate| -> (String, i64) { (grain.period(day), staff_id) };

    for h in db.scan_hours(&lo, &hi)? {
        let Some((day, hour)) = shop_hour(&h.hour) else {
            continue;
        };
        if h.what == "check" {
            let f = figs.entry(at(h.staff_id, day)).or_default();
            f.units_checked += h.n;
            f.mismatches_caught += h.m;
            if h.n > 0 {
                hours.insert((grain.period(day), h.staff_id, day, hour));
            }
        }
    }
    for ((period, staff_id, _, _), ()) in hours.iter().map(|k| (k.clone(), ())) {
        figs.entry((period, staff_id)).or_default().check_hours += 1;
    }
    for h in db.shipped_hours(&lo, &hi)? {
        let Some((day, hour)) = shop_hour(&h.hour) else {
            continue;
        };
        let f = figs.entry(at(h.staff_id, day)).or_default();
        if h.what == "bulk" {
            f.parcels_bulk += h.n;
        } else {
            f.parcels_checked += h.n;
            hourly.entry(h.staff_id).or_insert([0; 24])[hour as usize] += h.n;
        }
    }
    for h in db.print_hours(&lo, &hi)? {
        let Some((day, _)) = shop_hour(&h.hour) else {
            continue;
        };
        let f = figs.entry(at(h.staff_id, day)).or_default();
        match h.what.as_str() {
            "waybills" => f.waybills_printed += h.m,
            "waybills_reprint" => f.waybills_reprinted += h.m,
            "labels" | "labels_reprint" => f.labels_printed += h.m,
            _ => {}
        }
    }
    for h in db.batch_hours(&lo, &hi)? {
        if let Some((day, _)) = shop_hour(&h.hour) {
            figs.entry(at(h.staff_id, day)).or_default().batches_printed += h.n;
        }
    }
    for b in db.picked_batches(&lo, &hi)? {
        let Some(day) = crate::domain::time::shop_day_of(&b.picked_at) else {
            continue;
        };
        let f = figs.entry(at(b.picker_id, day)).or_default();
        f.batches_picked += 1;
        f.lines_picked += b.lines;
        f.units_picked += b.units;
    }
    // (period, counter, round, line): a line counted twice in a round is one line.
    type Counted = (String, i64, i64, (i64, String, i64));
    let mut lines: HashSet<Counted> = HashSet::new();
    for c in db.count_scans(&lo, &hi)? {
        if let Some((day, _)) = shop_hour(&c.hour) {
            lines.insert((grain.period(day), c.staff_id, c.round, c.line));
        }
    }
    for (period, staff_id, round, _) in lines {
        let f = figs.entry((period, staff_id)).or_default();
        if round == 2 {
            f.recounts += 1;
        } else {
            f.stocktake_lines += 1;
        }
    }
    let mut traced: HashSet<String> = HashSet::new();
    for r in db.refunds_of_shipped(&lo, &hi)? {
        if !is_misship_reason(&r.reason) || !traced.insert(r.order_no.clone()) {
            continue;
        }
        let Some(day) = crate::domain::time::shop_day_of(&r.shipped_at) else {
            continue;
        };
        if let (Some(c), Some("checked")) = (r.checker_id, r.ship_mode.as_deref()) {
            figs.entry(at(c, day)).or_default().misships_checked += 1;
        }
        if let Some(p) = r.picker_id {
            figs.entry(at(p, day)).or_default().misships_picked += 1;
        }
    }

    let visible = |id: i64| !own_only || id == actor.staff.id;
    let mut rows: Vec<PerfRow> = figs
        .into_iter()
        .filter(|((_, id), f)| visible(*id) && !f.is_empty())
        .map(|((period, id), figures)| {
            let s = staff.get(&id);
            PerfRow {
                period,
                staff_code: s.map_or_else(|| format!("#{id}"), |s| s.code.clone()),
                staff_name: s.map(|s| s.name.clone()).unwrap_or_default(),
                role: s.map_or(Role::Admin, |s| s.role),
                parcels_per_hour_tenths: figures.parcels_per_hour_tenths(),
                figures,
            }
        })
        .collect();
    rows.sort_by(|a, b| (&a.period, &a.staff_code).cmp(&(&b.period, &b.staff_code)));
    let hourly = hourly
        .into_iter()
        .filter(|(id, _)| visible(*id))
        .map(|(id, parcels)| {
            let s = staff.get(&id);
            HourlyLine {
                staff_code: s.map_or_else(|| format!("#{id}"), |s| s.code.clone()),
                staff_name: s.map(|s| s.name.clone()).unwrap_or_default(),
                parcels,
            }
        })
        .collect();
    Ok(Performance {
        from,
        to,
        grain,
        own_only,
        rows,
        hourly,
    })
}

/// The column names of a performance sheet, in the order of `perf_cells`.
pub const PERF_HEADER: [&str; 19] = [
    "期间",
    "工号",
    "姓名",
    "配货批次",
    "配货行数",
    "配货件数",
    "验货包裹",
    "验货件数",
    "验货小时",
    "每小时包裹",
    "拦截错货",
    "未验货发货",
    "打印批次",
    "打印快递单",
    "补打快递单",
    "打印条码",
    "盘点行数",
    "复盘行数",
    "错发漏发（验货/配货）",
];

fn perf_cells(r: &PerfRow) -> Vec<Cell> {
    let f = &r.figures;
    vec![
        r.period.clone().into(),
        r.staff_code.clone().into(),
        r.staff_name.clone().into(),
        f.batches_picked.into(),
        f.lines_picked.into(),
        f.units_picked.into(),
        f.parcels_checked.into(),
        f.units_checked.into(),
        f.check_hours.into(),
        r.parcels_per_hour_tenths
            .map_or(Cell::Text(String::new()), Cell::Tenths),
        f.mismatches_caught.into(),
        f.parcels_bulk.into(),
        f.batches_printed.into(),
        f.waybills_printed.into(),
        f.waybills_reprinted.into(),
        f.labels_printed.into(),
        f.stocktake_lines.into(),
        f.recounts.into(),
        format!("{}/{}", f.misships_checked, f.misships_picked).into(),
    ]
}

impl Performance {
    pub fn title(&self) -> String {
        format!("业绩 {} 至 {}（{}）", self.from, self.to, self.grain.zh())
    }

    /// The report's tables: the figures, then each checker's parcels by hour of day.
    pub fn sheets(&self) -> Vec<Sheet> {
        let mut hourly_header = vec!["工号".to_string(), "姓名".to_string()];
        hourly_header.extend((0..24).map(|h| format!("{h:02}时")));
        vec![
            Sheet {
                name: "业绩".into(),
                header: PERF_HEADER.iter().map(|h| h.to_string()).collect(),
                rows: self.rows.iter().map(perf_cells).collect(),
            },
            Sheet {
                name: "每小时验货包裹".into(),
                header: hourly_header,
                rows: self
                    .hourly
                    .iter()
                    .map(|l| {
                        let mut r: Vec<Cell> =
                            vec![l.staff_code.clone().into(), l.staff_name.clone().into()];
                        r.extend(l.parcels.iter().map(|n| Cell::Int(*n)));
                        r
                    })
                    .collect(),
            },
        ]
    }
}

// ---------------------------------------------------------------- commission

/// One sales code's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommissionRow {
    pub code: String,
    /// The staff member with this code, if there is one.
    pub name: Option<String>,
    pub role: Option<Role>,
    pub orders: i64,
    pub paid: Fen,
    pub refunds: i64,
    pub refunded: Fen,
    pub net: Fen,
    pub rate_bp: u32,
    pub commission: Fen,
}

/// An order paid in the month whose remarks credit no one: nobody's commission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncredited {
    pub order_no: String,
    pub paid_at: String,
    pub paid: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Commission {
    /// `YYYY-MM`.
    pub month: String,
    pub rates: RateTable,
    /// Only the asking staff member's own code (customer service sees their own).
    pub own_only: bool,
    pub rows: Vec<CommissionRow>,
    pub uncredited: Vec<Uncredited>,
    pub uncredited_paid: Fen,
    /// Refunds completed in the month on orders that credit no one.
    pub uncredited_refunded: Fen,
}

/// The first day of a `YYYY-MM` month and its last.
pub fn month_days(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        Error::invalid(
            format!("月份格式不对：{month:?}（应为 YYYY-MM）"),
            format!("not a month: {month:?} (expected YYYY-MM)"),
        )
    };
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().ok_or_else(bad)?))
}

/// The sales code an order is credited to: the first customer-service code its remarks name —
/// a remark written here names its writer, an imported one the code it opens with (by the
/// shop's pattern). Only without one does another staff member's code (the order printer's
/// remark) take the sale: so a CS remark added later puts a sale credited elsewhere right.
/// `not_cs` says whether a code is a staff member's who is no customer service.
pub fn credited_code(
    remarks: &[CreditRemark],
    pattern: &Regex,
    not_cs: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let mut codes = remarks.iter().filter_map(|r| {
        if r.source == "staff" {
            r.staff_code.clone()
        } else {
            crate::domain::remark::leading_staff_code(&r.text, pattern)
        }
    });
    let first = codes.next()?;
    if !not_cs(&first) {
        return Some(first);
    }
    Some(codes.find(|c| !not_cs(c)).unwrap_or(first))
}

/// Whether a code is that of a staff member who is no customer service (codes no staff member
/// has, like `C07` written on Taobao, are customer service's).
pub fn not_cs_of(staff: &HashMap<String, Role>) -> impl Fn(&str) -> bool + '_ {
    |code: &str| {
        staff
            .get(code)
            .is_some_and(|r| !matches!(r, Role::CustomerService | Role::CsSupervisor))
    }
}

/// The shop's commission rate table (the setting, else 1% flat).
pub fn rate_table(store: &Store) -> Result<RateTable> {
    let text = store
        .read()
        .setting(RATES_SETTING)?
        .unwrap_or_else(|| crate::domain::report::DEFAULT_RATES.to_string());
    RateTable::parse(&text).map_err(|e| Error::invalid(e.zh(), e.to_string()))
}

/// Sales and commission of a month (`YYYY-MM`): orders and paid amount by sales code, by the
/// month the order was paid, minus refunds completed in the month; the orders crediting no one.
pub fn commission(store: &Store, actor: &Actor, month: &str) -> Result<Commission> {
    let (first, last) = month_days(month)?;
    let own_only = !matches!(actor.staff.role, Role::CsSupervisor | Role::Admin);
    let rates = rate_table(store)?;
    let (lo, hi) = shop_days_bounds(first, last);
    let db = store.read();
    let pattern = super::import::staff_code_pattern(&db)?;
    let staff: HashMap<String, crate::domain::Staff> = db
        .list_staff()?
        .into_iter()
        .map(|r| (r.staff.code.clone(), r.staff))
        .collect();
    let roles: HashMap<String, Role> = staff.iter().map(|(c, s)| (c.clone(), s.role)).collect();
    let not_cs = not_cs_of(&roles);
    let mut by_code: BTreeMap<String, CommissionRow> = BTreeMap::new();
    let mut uncredited = Vec::new();
    let mut uncredited_paid = Fen(0);
    for o in db.paid_orders(&lo, &hi)? {
        match credited_code(&o.remarks, &pattern, &not_cs) {
            Some(code) => {
                let r = entry(&mut by_code, &staff, &code);
                r.orders += 1;
                r.paid.0 += o.paid_fen;
            }
            None => {
                uncredited_paid.0 += o.paid_fen;
                uncredited.push(Uncredited {
                    order_no: o.order_no,
                    paid_at: o.paid_at,
                    paid: Fen(o.paid_fen),
                });
            }
        }
    }
    let mut uncredited_refunded = Fen(0);
    for f in db.refunds_done(&lo, &hi)? {
        match credited_code(&f.remarks, &pattern, &not_cs) {
            Some(code) => {
                let r = entry(&mut by_code, &staff, &code);
                r.refunds += 1;
                r.refunded.0 += f.amount_fen;
            }
            None => uncredited_refunded.0 += f.amount_fen,
        }
    }
    let rows = by_code
        .into_values()
        .filter(|r| !own_only || r.code == actor.staff.code)
        .map(|mut r| {
            r.net = Fen(r.paid.0 - r.refunded.0);
            r.rate_bp = rates.rate_for(r.net);
            r.commission = rates.commission(r.net);
            r
        })
        .collect();
    Ok(Commission {
        month: first.format("%Y-%m").to_string(),
        rates,
        own_only,
        rows,
        uncredited,
        uncredited_paid,
        uncredited_refunded,
    })
}

fn entry<'a>(
    by_code: &'a mut BTreeMap<String, CommissionRow>,
    staff: &HashMap<String, crate::domain::Staff>,
    code: &str,
) -> &'a mut CommissionRow {
    by_code
        .entry(code.to_string())
        .or_insert_with(|| CommissionRow {
            code: code.to_string(),
            name: staff.get(code).map(|s| s.name.clone()),
            role: staff.get(code).map(|s| s.role),
            orders: 0,
            paid: Fen(0),
            refunds: 0,
            refunded: Fen(0),
            net: Fen(0),
            rate_bp: 0,
            commission: Fen(0),
        })
}

/// The column names of the commission sheet.
pub const COMMISSION_HEADER: [&str; 9] = [
    "销售代码",
    "姓名",
    "订单数",
    "付款金额",
    "退款笔数",
    "退款金额",
    "净销售额",
    "提成比例",
    "提成",
];

impl Commission {
    pub fn title(&self) -> String {
        format!("提成 {}", self.month)
    }

    /// The report's tables: by sales code, then the orders crediting no one.
    pub fn sheets(&self) -> Vec<Sheet> {
        vec![
            Sheet {
                name: "提成".into(),
                header: COMMISSION_HEADER.iter().map(|h| h.to_string()).collect(),
                rows: self
                    .rows
                    .iter()
                    .map(|r| {
                        vec![
                            r.code.clone().into(),
                            r.name.clone().unwrap_or_default().into(),
                            r.orders.into(),
                            r.paid.into(),
                            r.refunds.into(),
                            r.refunded.into(),
                            r.net.into(),
                            percent(r.rate_bp).into(),
                            r.commission.into(),
                        ]
                    })
                    .collect(),
            },
            Sheet {
                name: "无客服代码的订单".into(),
                header: vec!["订单编号".into(), "付款时间".into(), "付款金额".into()],
                rows: self
                    .uncredited
                    .iter()
                    .map(|u| {
                        vec![
                            u.order_no.clone().into(),
                            crate::domain::time::stored_to_shop_local(&u.paid_at).into(),
                            u.paid.into(),
                        ]
                    })
                    .collect(),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rm(text: &str, code: Option<&str>, source: &str) -> CreditRemark {
        CreditRemark {
            text: text.into(),
            staff_code: code.map(str::to_string),
            source: source.into(),
        }
    }

    #[test]
    fn the_first_cs_code_of_the_remarks_credits_the_order() {
        let p = Regex::new(crate::domain::remark::DEFAULT_STAFF_CODE_PATTERN).unwrap();
        let staff: HashMap<String, Role> = [("DD01".to_string(), Role::OrderPrinter)].into();
        let not_cs = not_cs_of(&staff);
        assert_eq!(credited_code(&[], &p, &not_cs), None);
        assert_eq!(
            credited_code(
                &[
                    rm("顺丰到付", None, "import"),
                    rm("C07 加急", None, "import")
                ],
                &p,
                &not_cs
            )
            .as_deref(),
            Some("C07")
        );
        // Imported remarks are read by the pattern now, whatever was stored then.
        assert_eq!(
            credited_code(&[rm("KF01 改地址", None, "import")], &p, &not_cs).as_deref(),
            Some("KF01")
        );
        assert_eq!(
            credited_code(
                &[
                    rm("改地址", Some("DD01"), "staff"),
                    rm("KF02", None, "import")
                ],
                &p,
                &not_cs
            )
            .as_deref(),
            Some("KF02"),
            "a CS code comes before the order printer's"
        );
        assert_eq!(
            credited_code(&[rm("改地址", Some("DD01"), "staff")], &p, &not_cs).as_deref(),
            Some("DD01"),
            "without a CS code, the sale is the order printer's"
        );
    }

    #[test]
    fn months_and_their_days() {
        let (a, b) = month_days("2026-12").unwrap();
        assert_eq!(
            (a.to_string(), b.to_string()),
            ("2026-12-01".into(), "2026-12-31".into())
        );
        let (_, b) = month_days("2028-02").unwrap();
        assert_eq!(b.to_string(), "2028-02-29");
        assert!(month_days("2026-13").is_err());
        assert!(month_days("12/2026").is_err());
    }

    #[test]
    fn parcels_per_hour_rounds_to_tenths() {
        let f = Figures {
            parcels_checked: 47,
            check_hours: 2,
            ..Figures::default()
        };
        assert_eq!(f.parcels_per_hour_tenths(), Some(235));
        assert_eq!(Figures::default().parcels_per_hour_tenths(), None);
    }
}
