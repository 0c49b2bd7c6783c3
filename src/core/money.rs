//! Money: an exact decimal with its currency.

use crate::store::Micros;
use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount in an ISO 4217 currency. Never a float.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// The amount.
    pub amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
}

impl Money {
    /// An amount in a currency.
    pub fn new(amount: Decimal, currency: &str) -> Money {
        Money {
            amount,
            currency: currency.to_string(),
        }
    }

    pub(crate) fn from_micros(micros: i64, currency: &str) -> Money {
        Money::new(Micros(micros).to_decimal(), currency)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}
