//! What a core command refuses, in sentences a partner or buyer could be
//! sent.

use crate::store::MicrosError;

/// Why a core command or query failed.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// A record named in the command does not exist.
    #[error("no {what} {key:?}")]
    NotFound {
        /// What kind of record (`company`, `product`, `order`).
        what: &'static str,
        /// The code or number given.
        key: String,
    },
    /// A record with this code exists already, with other values.
    #[error("{what} {key:?} exists already with other values")]
    Exists {
        /// What kind of record.
        what: &'static str,
        /// Its code.
        key: String,
    },
    /// The input breaks a rule of the model.
    #[error("{0}")]
    Invalid(String),
    /// The order's state does not allow the step.
    #[error("order {order} is {state}: it cannot be {step}")]
    IllegalTransition {
        /// The order number.
        order: String,
        /// Its current state.
        state: String,
        /// The refused step, as a past participle (`approved`, `shipped`).
        step: &'static str,
    },
    /// The actor lacks the role for the step.
    #[error("{actor} may not {action}")]
    Forbidden {
        /// Who tried.
        actor: String,
        /// What they tried.
        action: String,
    },
    /// Another command changed the record in between; retrying is safe.
    #[error("{0} was changed by another command at the same time; try again")]
    Concurrent(String),
    /// An idempotency key was used for a different command before.
    #[error("idempotency key {key:?} was used for {first} before")]
    KeyReused {
        /// The key.
        key: String,
        /// The command that used it first.
        first: String,
    },
    /// A money or quantity value does not fit the store.
    #[error("{field}: {source}")]
    Amount {
        /// Which value.
        field: String,
        /// Why.
        source: MicrosError,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
    /// A stored JSON value does not read back.
    #[error("stored JSON: {0}")]
    Json(#[from] serde_json::Error),
}

impl CoreError {
    /// Whether running the command again may succeed: the database chose
    /// it as a deadlock victim or a serialisation failure (PostgreSQL), or
    /// found the file busy (SQLite). Nothing of the failed run remains.
    pub fn is_retryable(&self) -> bool {
        match self {
            CoreError::Store(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("40P01" | "40001" | "5" | "517"))
            }
            _ => false,
        }
    }

    pub(crate) fn not_found(what: &'static str, key: impl Into<String>) -> CoreError {
        CoreError::NotFound {
            what,
            key: key.into(),
        }
    }

    pub(crate) fn amount(field: impl Into<String>, source: MicrosError) -> CoreError {
        CoreError::Amount {
            field: field.into(),
            source,
        }
    }
}
