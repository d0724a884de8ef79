//! Money is integer fen (分). Floats never touch a price: 0.1 + 0.2 is not 0.3 in a float, and a
//! shop's books must add up to the fen.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in fen (1 yuan = 100 fen).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("not an amount of money: {0:?}")]
    NotANumber(String),
    #[error("more than two decimal places: {0:?}")]
    TooPrecise(String),
    #[error("negative amount: {0:?}")]
    Negative(String),
    #[error("amount too large: {0:?}")]
    TooLarge(String),
}

impl MoneyError {
    pub fn zh(&self) -> String {
        match self {
            MoneyError::NotANumber(s) => format!("金额格式不对：{s:?}"),
            MoneyError::TooPrecise(s) => format!("金额小数超过两位：{s:?}"),
            MoneyError::Negative(s) => format!("金额不能为负：{s:?}"),
            MoneyError::TooLarge(s) => format!("金额太大：{s:?}"),
        }
    }
}

impl Fen {
    /// Parses a yuan amount as exports write it: `99`, `99.9`, `99.00`, `1,299.00`, `¥99.00`.
    pub fn parse_yuan(text: &str) -> Result<Fen, MoneyError> {
        let raw = text.trim();
        let s = raw.trim_start_matches(['¥', '￥']).replace(',', "");
        if s.starts_with('-') {
            return Err(MoneyError::Negative(raw.to_string()));
        }
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, f),
            None => (s.as_str(), ""),
        };
        if int.is_empty() && frac.is_empty()
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::NotANumber(raw.to_string()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(raw.to_string()));
        }
        if int.len() > 12 {
            return Err(MoneyError::TooLarge(raw.to_string()));
        }
        let yuan: i64 = if int.is_empty() {
            0
        } else {
            int.parse()
                .map_err(|_| MoneyError::NotANumber(raw.to_string()))?
        };
        let mut fen: i64 = 0;
        for (i, d) in frac.bytes().enumerate() {
            fen += i64::from(d - b'0') * if i == 0 { 10 } else { 1 };
        }
        Ok(Fen(yuan * 100 + fen))
    }
}

impl Fen {
    /// With the yuan sign, the minus before it: `¥99.00`, `-¥5.28`.
    pub fn yuan(self) -> String {
        if self.0 < 0 {
            format!("-¥{}", Fen(-self.0))
        } else {
            format!("¥{self}")
        }
    }
}

impl fmt::Display for Fen {
    /// Yuan with two decimals, as a receipt shows it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", a / 100, a % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_export_amounts() {
        assert_eq!(Fen::parse_yuan("99.00"), Ok(Fen(9900)));
        assert_eq!(Fen::parse_yuan("188.8"), Ok(Fen(18880)));
        assert_eq!(Fen::parse_yuan(" 0.05 "), Ok(Fen(5)));
        assert_eq!(Fen::parse_yuan("1,299.00"), Ok(Fen(129900)));
        assert_eq!(Fen::parse_yuan("¥12"), Ok(Fen(1200)));
        assert_eq!(Fen::parse_yuan(".5"), Ok(Fen(50)));
    }

    #[test]
    fn refuses_what_is_not_money() {
        assert!(matches!(
            Fen::parse_yuan("abc"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Fen::parse_yuan(""),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("9.9.9"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("1.005"),
            Err(MoneyError::TooPrecise(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("-3.00"),
            Err(MoneyError::Negative(_))
        ));
        assert!(matches!(
            Fen::parse_yuan("1e5"),
            Err(MoneyError::NotANumber(_))
        ));
    }

    #[test]
    fn displays_as_yuan() {
        assert_eq!(Fen(9900).to_string(), "99.00");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(-150).to_string(), "-1.50");
        assert_eq!(Fen(-52800).yuan(), "-¥528.00");
        assert_eq!(Fen(9900).yuan(), "¥99.00");
    }
}
