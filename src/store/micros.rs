//! Exact decimals as integer millionths, the one numeric type both
//! back-ends sum, compare and update atomically in SQL
//! (`SET reserved = reserved + $1 WHERE on_hand - reserved >= $1`).

use rust_decimal::Decimal;
use std::fmt;

/// A decimal stored as a count of millionths: 6 decimal places cover unit
/// prices of fractions of a cent and quantities in grams of a kilogram; the
/// range (±9.2 × 10¹²) covers any order's total.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Micros(pub i64);

/// A decimal that does not fit in [`Micros`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MicrosError {
    /// More than six decimal places.
    #[error("{0} has more than 6 decimal places")]
    TooPrecise(Decimal),
    /// Beyond ±9.2 × 10¹².
    #[error("{0} is too large")]
    TooLarge(Decimal),
}

impl Micros {
    /// Zero.
    pub const ZERO: Micros = Micros(0);

    /// Converts exactly, refusing what would be rounded or overflow.
    pub fn from_decimal(value: Decimal) -> Result<Micros, MicrosError> {
        let scaled = value
            .checked_mul(Decimal::from(1_000_000))
            .ok_or(MicrosError::TooLarge(value))?;
        if scaled.fract() != Decimal::ZERO {
            return Err(MicrosError::TooPrecise(value));
        }
        i64::try_from(scaled)
            .map(Micros)
            .map_err(|_| MicrosError::TooLarge(value))
    }

    /// Rounds to six places (half away from zero), for computed values such
    /// as a percentage off a price.
    pub fn rounded(value: Decimal) -> Result<Micros, MicrosError> {
        Micros::from_decimal(
            value.round_dp_with_strategy(6, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        )
    }

    /// The exact decimal, without trailing zeros.
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.0, 6).normalize()
    }

    /// A whole number of units.
    pub fn units(n: i64) -> Micros {
        Micros(n * 1_000_000)
    }

    /// `self × other`, both being decimals, rounded to six places.
    pub fn times(self, other: Micros) -> Result<Micros, MicrosError> {
        Micros::rounded(self.to_decimal() * other.to_decimal())
    }
}

impl fmt::Display for Micros {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.to_decimal().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn converts_exactly_both_ways() {
        for s in ["0", "1", "0.000001", "12.5", "-3.25", "9200000000000"] {
            let m = Micros::from_decimal(dec(s)).unwrap();
            assert_eq!(m.to_decimal(), dec(s).normalize(), "{s}");
        }
    }

    #[test]
    fn refuses_what_it_would_round() {
        assert_eq!(
            Micros::from_decimal(dec("0.0000001")),
            Err(MicrosError::TooPrecise(dec("0.0000001")))
        );
        assert!(matches!(
            Micros::from_decimal(dec("10000000000000")),
            Err(MicrosError::TooLarge(_))
        ));
    }

    #[test]
    fn multiplies_with_rounding() {
        let price = Micros::from_decimal(dec("0.00125")).unwrap();
        let qty = Micros::units(3);
        assert_eq!(price.times(qty).unwrap().to_decimal(), dec("0.00375"));
        assert_eq!(
            Micros::rounded(dec("1.0000005")).unwrap().to_decimal(),
            dec("1.000001")
        );
    }
}
