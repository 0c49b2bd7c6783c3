//! Values with rules of their own: money, date-times, quantities.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset};
use rust_decimal::Decimal;

use super::codec::{Codec, Cx, CxmlError, Parts, XNode};
use crate::xml::Element;

/// An amount with its ISO 4217 currency (`<Money currency="EUR">12.50</Money>`).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Money {
    /// The amount.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// An alternate amount and currency, when given.
    pub alternate: Option<(Decimal, String)>,
}

impl Money {
    /// An amount in `currency`.
    pub fn new(amount: Decimal, currency: &str) -> Self {
        Money {
            amount,
            currency: currency.to_string(),
            alternate: None,
        }
    }
}

impl Codec for Money {
    fn decode(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Self, CxmlError> {
        let mut p = Parts::of(element);
        let currency = p.required_attr("currency", cx)?;
        let text = p.text_str();
        let amount = if text.is_empty() {
            cx.warn("Money has no amount; read as 0");
            Decimal::ZERO
        } else {
            decimal(text, cx)?
        };
        let alternate = match (p.attr("alternateAmount"), p.attr("alternateCurrency")) {
            (Some(a), Some(c)) => Some((decimal(&a, cx)?, c)),
            _ => None,
        };
        Ok(Money {
            amount,
            currency,
            alternate,
        })
    }

    fn encode(&self) -> Element {
        let mut e = Element::new("Money").attr("currency", self.currency.clone());
        if let Some((amount, currency)) = &self.alternate {
            e = e
                .attr("alternateAmount", amount.to_string())
                .attr("alternateCurrency", currency.clone());
        }
        e.text(self.amount.to_string())
    }
}

/// An element that holds one `Money` (`Total`, `UnitPrice`, `Tax` …).
pub fn money_in(element: XNode<'_, '_>, cx: &mut Cx) -> Result<Money, CxmlError> {
    let mut p = Parts::of(element);
    p.decode_required("Money", cx)
}

/// A decimal number; a comma as decimal mark is read with a warning.
pub fn decimal(text: &str, cx: &mut Cx) -> Result<Decimal, CxmlError> {
    let text = text.trim();
    if let Ok(d) = Decimal::from_str(text) {
        return Ok(d);
    }
    if let Ok(d) = Decimal::from_scientific(text) {
        return Ok(d);
    }
    if text.matches(',').count() == 1 && !text.contains('.') {
        if let Ok(d) = Decimal::from_str(&text.replace(',', ".")) {
            cx.warn(format!("{text:?} uses a comma as decimal mark"));
            return Ok(d);
        }
    }
    Err(cx.error(format!("{text:?} is not a number")))
}

/// A cXML date-time. Read leniently (with a warning when the value is not
/// ISO 8601 with an offset); written strictly, with the offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateTimeValue {
    /// A date-time with its offset.
    At(DateTime<FixedOffset>),
    /// A value that could not be read as a date-time, kept as received.
    Unreadable(String),
}

impl DateTimeValue {
    /// Reads `text`, warning about any leniency.
    pub fn read(text: &str, cx: &mut Cx) -> DateTimeValue {
        let text = text.trim();
        match parse_lenient(text) {
            Some((value, None)) => DateTimeValue::At(value),
            Some((value, Some(note))) => {
                cx.warn(format!("timestamp {text:?}: {note}"));
                DateTimeValue::At(value)
            }
            None => {
                cx.warn(format!(
                    "timestamp {text:?} is not an ISO 8601 date-time; kept as received"
                ));
                DateTimeValue::Unreadable(text.to_string())
            }
        }
    }

    /// Reads an attribute that may be a date alone (`requestedDeliveryDate`,
    /// `deliveryDate`): a date is read as its midnight without a warning.
    pub fn read_date(text: &str, cx: &mut Cx) -> DateTimeValue {
        let utc = chrono::Utc.fix();
        match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single())
        {
            Some(t) => DateTimeValue::At(t),
            None => DateTimeValue::read(text, cx),
        }
    }

    /// The value as cXML wants it: `2026-01-05T09:30:00+01:00` (never `Z`).
    pub fn to_cxml(&self) -> String {
        match self {
            DateTimeValue::At(t) => {
                if t.timestamp_subsec_nanos() == 0 {
                    t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
                } else {
                    t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
                }
            }
            DateTimeValue::Unreadable(s) => s.clone(),
        }
    }
}

impl fmt::Display for DateTimeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_cxml())
    }
}

/// Reads the forms seen in the field; the note says what was lenient.
fn parse_lenient(text: &str) -> Option<(DateTime<FixedOffset>, Option<&'static str>)> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        let note = text
            .ends_with(['Z', 'z'])
            .then_some("uses Z; cXML wants a numeric offset");
        return Some((t, note));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%d %H:%M:%S%.f%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some((t, Some("offset written without a colon")));
        }
    }
    let utc = FixedOffset::east_opt(0)?;
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Some((
                t.and_local_timezone(utc).single()?,
                Some("no offset; read as UTC"),
            ));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let t = d.and_hms_opt(0, 0, 0)?.and_local_timezone(utc).single()?;
        return Some((t, Some("a date without a time; read as midnight UTC")));
    }
    None
}

/// A quantity attribute: a non-negative decimal.
pub fn quantity(text: &str, cx: &mut Cx) -> Result<Decimal, CxmlError> {
    let q = decimal(text, cx)?;
    if q.is_sign_negative() {
        return Err(cx.error(format!("quantity {q} is negative")));
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_read_leniently_and_written_strictly() {
        let mut cx = Cx::default();
        let t = DateTimeValue::read("2026-01-05T09:30:00+01:00", &mut cx);
        assert_eq!(t.to_cxml(), "2026-01-05T09:30:00+01:00");
        assert!(cx.warnings.is_empty());
        let z = DateTimeValue::read("2026-01-05T08:30:00Z", &mut cx);
        assert_eq!(z.to_cxml(), "2026-01-05T08:30:00+00:00");
        let no_colon = DateTimeValue::read("2026-01-05T09:30:00.123+0100", &mut cx);
        assert_eq!(no_colon.to_cxml(), "2026-01-05T09:30:00.123+01:00");
        let odd = DateTimeValue::read("Tue Jan 05 2026", &mut cx);
        assert_eq!(odd, DateTimeValue::Unreadable("Tue Jan 05 2026".into()));
        assert_eq!(cx.warnings.len(), 3);
    }

    #[test]
    fn money_is_decimal_with_currency() {
        let mut cx = Cx::default();
        let text = r#"<Money currency="EUR">12.50</Money>"#;
        let arena = crate::xml::Arena::parse(text, &Default::default()).unwrap();
        let m = Money::decode(arena.root(), &mut cx).unwrap();
        assert_eq!(m.amount, Decimal::new(1250, 2));
        assert_eq!(
            m.encode(),
            Element::new("Money").attr("currency", "EUR").text("12.50")
        );
        let bad = crate::xml::Arena::parse("<Money>1</Money>", &Default::default()).unwrap();
        assert!(Money::decode(bad.root(), &mut cx)
            .unwrap_err()
            .message
            .contains("currency"));
    }
}
