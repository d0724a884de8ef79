//! Times are stored in UTC and shown in the shop's zone. Taobao writes local Beijing time with no
//! zone; China has kept UTC+8 all year since 1991, so a fixed offset is exact.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// The shop's zone (Asia/Shanghai), UTC+8 without daylight saving.
pub fn shop_zone() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date and time: {0:?} (expected YYYY-MM-DD HH:MM:SS)")]
pub struct DateError(pub String);

impl DateError {
    pub fn zh(&self) -> String {
        format!("日期时间格式不对：{:?}（应为 YYYY-MM-DD HH:MM:SS）", self.0)
    }
}

/// The export's own form, `2018-11-08 09:06:00`, read digit by digit: an import reads three per
/// order, and chrono's format parser was a visible share of it. Anything else goes the long way.
fn exact_export_time(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b' '
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let date = chrono::NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)?;
    let naive = date.and_hms_opt(num(11..13)?, num(14..16)?, num(17..19)?)?;
    shop_zone()
        .from_local_datetime(&naive)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a shop-local time as Taobao exports it (`2018-11-08 09:06:00`), also the forms a
/// spreadsheet leaves after re-saving (`2018/11/8 9:06`, no seconds).
pub fn parse_shop_time(text: &str) -> Result<DateTime<Utc>, DateError> {
    let s = text.trim();
    if let Some(t) = exact_export_time(s) {
        return Ok(t);
    }
    // chrono takes `09:0` for `09:00`; a cut-off time must not pass as a whole one.
    let clock = s.rsplit(' ').next().unwrap_or("");
    if s.contains(' ') && clock.split(':').skip(1).any(|part| part.len() != 2) {
        return Err(DateError(s.to_string()));
    }
    const FORMATS: [&str; 4] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
    ];
    for f in FORMATS {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, f)
            && let Some(t) = shop_zone().from_local_datetime(&naive).single()
        {
            return Ok(t.with_timezone(&Utc));
        }
    }
    Err(DateError(s.to_string()))
}

/// The form times take in the store: RFC 3339 in UTC, sortable as text.
pub fn to_store(t: &DateTime<Utc>) -> String {
    // The same text as `format("%Y-%m-%dT%H:%M:%SZ")`, without parsing a format string per call
    // (an import formats three times per order).
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub fn from_store(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// RFC 3339 in the shop's zone, for output people and scripts read.
pub fn to_shop_rfc3339(t: &DateTime<Utc>) -> String {
    t.with_timezone(&shop_zone())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `YYYY-MM-DD HH:MM:SS` in the shop's zone, as Taobao writes it.
pub fn to_shop_local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&shop_zone())
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// A stored time as people read it: `YYYY-MM-DD HH:MM:SS` in the shop's zone (the command
/// line's text). Text that is not a stored time is shown as it is, not hidden.
pub fn stored_to_shop_local(stored: &str) -> String {
    from_store(stored).map_or_else(|| stored.to_string(), |t| to_shop_local(&t))
}

/// The shop's calendar day now (a day's work ends at the shop's midnight, not UTC's).
pub fn shop_today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&shop_zone()).date_naive()
}

/// The shop day a stored time falls on; `None` for text that is no stored time.
pub fn shop_day_of(stored: &str) -> Option<chrono::NaiveDate> {
    from_store(stored).map(|t| t.with_timezone(&shop_zone()).date_naive())
}

/// The stored-time bounds `[from, to)` of the shop days `first..=last`: stored times compare as
/// text, so a range of days is one index range.
pub fn shop_days_bounds(first: chrono::NaiveDate, last: chrono::NaiveDate) -> (String, String) {
    let start = |d: chrono::NaiveDate| {
        let t = shop_zone()
            .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
            .single()
            .expect("a fixed offset has one midnight");
        to_store(&t.with_timezone(&Utc))
    };
    (start(first), start(last.succ_opt().unwrap_or(last)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_day_runs_from_the_shops_midnight() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let (from, to) = shop_days_bounds(d, d);
        assert_eq!(from, "2026-11-30T16:00:00Z");
        assert_eq!(to, "2026-12-01T16:00:00Z");
        assert_eq!(shop_day_of("2026-11-30T16:00:00Z"), Some(d));
        assert_eq!(shop_day_of("2026-11-30T15:59:59Z"), d.pred_opt());
    }

    #[test]
    fn stored_times_read_in_beijing_time() {
        assert_eq!(
            stored_to_shop_local("2026-11-30T17:05:09Z"),
            "2026-12-01 01:05:09"
        );
        assert_eq!(stored_to_shop_local("not a time"), "not a time");
    }

    #[test]
    fn taobao_local_time_is_utc_plus_8() {
        let t = parse_shop_time("2018-11-08 09:06:00").unwrap();
        assert_eq!(to_store(&t), "2018-11-08T01:06:00Z");
        assert_eq!(to_shop_rfc3339(&t), "2018-11-08T09:06:00+08:00");
        assert_eq!(to_shop_local(&t), "2018-11-08 09:06:00");
        assert_eq!(from_store("2018-11-08T01:06:00Z"), Some(t));
    }

    #[test]
    fn spreadsheet_forms_and_bad_dates() {
        assert_eq!(
            to_store(&parse_shop_time("2018/11/8 9:06").unwrap()),
            "2018-11-08T01:06:00Z"
        );
        assert!(parse_shop_time("2018-13-40 10:00:00").is_err());
        assert!(parse_shop_time("yesterday").is_err());
        assert!(parse_shop_time("2018-11-08 09:0").is_err());
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        for t in [
            "2018-11-08 09:06:00",
            "2020-02-29 23:59:59",
            "2026-01-01 00:00:00",
            "1999-12-31 16:00:01",
        ] {
            let slow = NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
            let slow = shop_zone()
                .from_local_datetime(&slow)
                .unwrap()
                .with_timezone(&Utc);
            assert_eq!(exact_export_time(t), Some(slow), "{t}");
        }
        for bad in [
            "2019-02-29 10:00:00",
            "2018-11-08 24:00:00",
            "2018-11-08 09:06:6x",
            "2018-11-08T09:06:00",
        ] {
            assert_eq!(exact_export_time(bad), None, "{bad}");
            assert!(parse_shop_time(bad).is_err(), "{bad}");
        }
    }
}
