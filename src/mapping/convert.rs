//! One value between its partner spelling and its canonical JSON form:
//! code translation, dates, implied decimals, enums. Every conversion
//! works both ways.

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::Value;

use super::codes::CodeTable;
use super::field::Leaf;

/// A code translation: a shared table, or codes listed in the rule.
#[derive(Clone, Debug)]
pub enum Codes {
    /// A table from `mappings/codes/`.
    Table(Arc<CodeTable>),
    /// Partner code → canonical value, and back.
    Inline {
        /// Partner → canonical.
        forward: HashMap<String, String>,
        /// Canonical → partner.
        reverse: HashMap<String, String>,
    },
}

impl Codes {
    fn forward(&self, code: &str) -> Option<&str> {
        match self {
            Codes::Table(t) => t.forward(code),
            Codes::Inline { forward, .. } => forward.get(code).map(String::as_str),
        }
    }

    fn reverse(&self, value: &str) -> Option<&str> {
        match self {
            Codes::Table(t) => t.reverse(value),
            Codes::Inline { reverse, .. } => reverse.get(value).map(String::as_str),
        }
    }

    fn name(&self) -> String {
        match self {
            Codes::Table(t) => format!("table {:?}", t.name),
            Codes::Inline { .. } => "the rule's codes".into(),
        }
    }
}

/// How one rule converts its value.
#[derive(Clone, Debug)]
pub struct Convert {
    /// The canonical kind.
    pub leaf: Leaf,
    /// Code translation, if any.
    pub codes: Option<Codes>,
    /// Pass codes the table lacks through unchanged instead of failing.
    pub keep_unmapped: bool,
    /// Outbound, the code written for a value the table lacks (inbound,
    /// such codes are kept).
    pub otherwise: Option<String>,
    /// The partner's date format (chrono), when not `%Y%m%d`.
    pub date: Option<String>,
    /// Implied decimal places of the partner element (X12 `N2`).
    pub implied: u8,
}

impl Convert {
    /// Partner text → canonical JSON value.
    pub fn inbound(&self, text: &str) -> Result<Value, String> {
        let text = text.trim_end();
        let code = match &self.codes {
            Some(codes) => match codes.forward(text) {
                Some(v) => v,
                // An enum that takes any code keeps one its table lacks
                // as `{"other": code}`.
                None if self.keep_unmapped
                    || self.otherwise.is_some()
                    || matches!(self.leaf, Leaf::Enum { other: true, .. }) =>
                {
                    text
                }
                None => return Err(format!("code {text:?} is not in {}", codes.name())),
            },
            None => text,
        };
        match &self.leaf {
            Leaf::Text => Ok(Value::String(code.to_string())),
            Leaf::Date => self.read_date(code),
            Leaf::Decimal => self.read_decimal(code),
            Leaf::Integer => code
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{code:?} is not a whole number")),
            Leaf::Bool => match code {
                "true" | "Y" | "1" => Ok(Value::Bool(true)),
                "false" | "N" | "0" => Ok(Value::Bool(false)),
                _ => Err(format!("{code:?} is not yes or no")),
            },
            Leaf::Enum { names, other } => {
                if names.iter().any(|n| n == code) {
                    Ok(Value::String(code.to_string()))
                } else if *other {
                    Ok(serde_json::json!({ "other": code }))
                } else {
                    Err(format!("{code:?} is not one of {}", names.join(", ")))
                }
            }
        }
    }

    fn read_date(&self, text: &str) -> Result<Value, String> {
        let format = match (&self.date, text.len()) {
            (Some(f), _) => f.as_str(),
            (None, 6) => "%y%m%d",
            _ => "%Y%m%d",
        };
        // EDIFACT 203 (CCYYMMDDHHMM) and X12 date-times: the date is the
        // first eight digits.
        let text = match text.get(..8) {
            Some(date) if self.date.is_none() && text.len() > 8 => date,
            _ => text,
        };
        if format == "%Y%m%d" {
            if let Some(date) = eight_digit_date(text) {
                return Ok(Value::String(date));
            }
        }
        NaiveDate::parse_from_str(text, format)
            .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
            .map_err(|_| format!("{text:?} is not a date in the form {format}"))
    }

    fn read_decimal(&self, text: &str) -> Result<Value, String> {
        let plain = if text.contains(',') {
            Cow::Owned(text.replace(',', "."))
        } else {
            Cow::Borrowed(text)
        };
        let mut number =
            Decimal::from_str(&plain).map_err(|_| format!("{text:?} is not a number"))?;
        if self.implied > 0 {
            number
                .set_scale(number.scale() + u32::from(self.implied))
                .map_err(|_| format!("{text:?} is too long"))?;
        }
        Ok(Value::String(number.normalize().to_string()))
    }

    /// Canonical JSON value → partner text.
    pub fn outbound(&self, value: &Value) -> Result<String, String> {
        let shortcut = match (&self.leaf, value, &self.date) {
            (Leaf::Date, Value::String(s), None) => iso_date(s),
            _ => None,
        };
        let text = match (&self.leaf, value) {
            _ if shortcut.is_some() => shortcut.unwrap_or_default(),
            (Leaf::Date, Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_err(|_| format!("{s:?} is not a date (YYYY-MM-DD)"))?
                .format(self.date.as_deref().unwrap_or("%Y%m%d"))
                .to_string(),
            (Leaf::Decimal, v) => self.write_decimal(v)?,
            (Leaf::Bool, Value::Bool(b)) => if *b { "true" } else { "false" }.to_string(),
            (_, Value::String(s)) => s.clone(),
            (_, Value::Number(n)) => n.to_string(),
            (Leaf::Enum { .. }, Value::Object(o)) => match o.get("other") {
                Some(Value::String(s)) => s.clone(),
                _ => return Err(format!("{value} is not a code")),
            },
            _ => return Err(format!("{value} cannot be written here")),
        };
        match &self.codes {
            Some(codes) => match codes.reverse(&text) {
                Some(code) => Ok(code.to_string()),
                // A partner code kept as received (`ZZ`) goes back as it
                // came; a canonical word without a code takes `otherwise`.
                None if self.otherwise.is_some() && !looks_like_code(&text) => {
                    Ok(self.otherwise.clone().unwrap_or_default())
                }
                None if self.keep_unmapped || self.otherwise.is_some() => Ok(text),
                None if matches!(value, Value::Object(_)) => Ok(text),
                None => Err(format!("{text:?} has no partner code in {}", codes.name())),
            },
            None => Ok(text),
        }
    }

    fn write_decimal(&self, value: &Value) -> Result<String, String> {
        let number = match value {
            Value::String(s) => Decimal::from_str(s).ok(),
            Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
            _ => None,
        }
        .ok_or_else(|| format!("{value} is not a decimal"))?;
        if self.implied == 0 {
            return Ok(number.normalize().to_string());
        }
        let scaled = number * Decimal::from(10u64.pow(u32::from(self.implied)));
        if scaled.fract() != Decimal::ZERO {
            return Err(format!(
                "{number} has more than {} decimal places",
                self.implied
            ));
        }
        Ok(scaled.trunc().normalize().to_string())
    }
}

/// `CCYYMMDD` as `CCYY-MM-DD`, without chrono's format parser (most dates
/// take this path); `None` sends anything else to the parser, whose
/// answer and error stay the authority.
fn eight_digit_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let number =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (number(0..4), number(4..6), number(6..8));
    NaiveDate::from_ymd_opt(year as i32, month, day)?;
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// `CCYY-MM-DD` as `CCYYMMDD`, the other way round.
fn iso_date(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !(digits(0..4) && digits(5..7) && digits(8..10))
    {
        return None;
    }
    let compact = [&text[0..4], &text[5..7], &text[8..10]].concat();
    eight_digit_date(&compact).map(|_| compact)
}

/// Upper-case letters and digits, at most four: how code lists spell
/// codes (canonical words are lower case).
fn looks_like_code(text: &str) -> bool {
    (1..=4).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn convert(leaf: Leaf) -> Convert {
        Convert {
            leaf,
            codes: None,
            keep_unmapped: false,
            otherwise: None,
            date: None,
            implied: 0,
        }
    }

    #[test]
    fn dates_decimals_and_implied_places_go_both_ways() {
        let date = convert(Leaf::Date);
        assert_eq!(date.inbound("20260115").unwrap(), "2026-01-15");
        assert_eq!(date.inbound("260115").unwrap(), "2026-01-15");
        assert_eq!(date.inbound("202601150930").unwrap(), "2026-01-15");
        assert_eq!(date.outbound(&"2026-01-15".into()).unwrap(), "20260115");
        assert!(date.inbound("20261315").unwrap_err().contains("not a date"));
        let amount = convert(Leaf::Decimal);
        assert_eq!(amount.inbound("4,250").unwrap(), "4.25");
        assert_eq!(amount.outbound(&"4.250".into()).unwrap(), "4.25");
        let n2 = Convert {
            implied: 2,
            ..convert(Leaf::Decimal)
        };
        assert_eq!(n2.inbound("78300").unwrap(), "783");
        assert_eq!(n2.outbound(&"783.5".into()).unwrap(), "78350");
        assert!(n2.outbound(&"1.234".into()).is_err());
    }

    #[test]
    fn the_eight_digit_shortcut_reads_dates_as_chrono_does() {
        for year in [0, 1, 999, 1999, 2000, 2024, 2026, 2100, 9999] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}{month:02}{day:02}");
                    let chrono = NaiveDate::parse_from_str(&text, "%Y%m%d")
                        .ok()
                        .map(|d| d.format("%Y-%m-%d").to_string());
                    assert_eq!(eight_digit_date(&text), chrono, "{text}");
                }
            }
        }
        for text in [
            "2026-01-15",
            "0000-02-29",
            "2026-02-29",
            "2026-1-15",
            "2026-01-155",
            "20260115",
        ] {
            let chrono = NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .ok()
                .map(|d| d.format("%Y%m%d").to_string());
            assert_eq!(
                iso_date(text),
                chrono.filter(|_| text.len() == 10),
                "{text}"
            );
        }
        assert_eq!(eight_digit_date("2026011"), None);
        assert_eq!(eight_digit_date("2026-1-15"), None);
        assert_eq!(eight_digit_date("+2026011"), None);
    }

    #[test]
    fn codes_translate_and_enums_keep_other_codes() {
        let codes = Codes::Inline {
            forward: [("00".to_string(), "original".to_string())].into(),
            reverse: [("original".to_string(), "00".to_string())].into(),
        };
        let purpose = Convert {
            codes: Some(codes),
            ..convert(Leaf::Enum {
                names: vec!["original".into()],
                other: false,
            })
        };
        assert_eq!(purpose.inbound("00").unwrap(), "original");
        assert!(purpose.inbound("99").unwrap_err().contains("not in"));
        assert_eq!(purpose.outbound(&"original".into()).unwrap(), "00");
        let scheme = convert(Leaf::Enum {
            names: vec!["gln".into()],
            other: true,
        });
        assert_eq!(
            scheme.inbound("ZZ").unwrap(),
            serde_json::json!({"other": "ZZ"})
        );
        assert_eq!(
            scheme
                .outbound(&serde_json::json!({"other": "ZZ"}))
                .unwrap(),
            "ZZ"
        );
    }
}
