//! The commerce core: the one authoritative record of sellers, markets,
//! customers, catalog, prices, quotes, orders, approvals and inventory.
//!
//! Every channel (EDI, punchout, cXML, REST, web) goes through these
//! commands. Each runs in one store transaction; those that a message or a
//! client may repeat take an idempotency key and return the first result on
//! a repeat. The core knows canonical documents ([`crate::document`]) and
//! nothing of any syntax.

mod approvals;
mod catalog;
mod customers;
mod error;
mod fulfilment;
mod inventory;
mod money;
mod notifications;
mod offer;
mod orders;
mod placement;
mod pricing;
mod quotes;
mod reports;
mod search;
mod sellers;
mod shopping;
mod states;

pub use approvals::{ApprovalRuleKind, ApprovalStep, NewApprovalRule};
pub use catalog::{NewProduct, ProductKind, ProductOption, ProductRef};
pub use customers::{CompanyLevel, CompanyRef, NewCompany, Role};
pub use error::CoreError;
pub use fulfilment::Moved;
pub use inventory::{Availability, LocationStock};
pub use money::Money;
pub use notifications::Notification;
pub use orders::{
    InvoiceView, LinePlaced, OrderLineView, OrderPlaced, OrderView, PlaceOrder, ShipmentView,
    TimelineEntry,
};
pub use pricing::{
    NewPriceList, NewPromotion, PriceCandidate, PriceListKind, PriceQuery, PriceResolution,
};
pub use quotes::{QuoteLineRequest, QuoteLineView, QuoteView, RequestQuote};
pub use reports::{HistoryCursor, HistoryPage, HistoryQuery, HistoryRow, Suggestion};
pub use search::{CatalogSearch, FacetValue, SearchHit, SearchPage, SearchSort, CANDIDATES};
pub use sellers::{ChannelKind, NewMarket};
pub use shopping::{CartItem, CartQuote, MarketView, ProductSheet, QuotedLine};
pub use states::OrderState;

use crate::store::{self, Claim, Store, Tx};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Who runs a command: a user (by login), a trading partner or the system.
/// Recorded in the audit trail and the order timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor(String);

impl Actor {
    /// A user, by login.
    pub fn user(login: &str) -> Actor {
        Actor(format!("user:{login}"))
    }
    /// A trading partner (an EDI or punchout identity).
    pub fn partner(identity: &str) -> Actor {
        Actor(format!("partner:{identity}"))
    }
    /// The gateway itself, naming the job.
    pub fn system(job: &str) -> Actor {
        Actor(format!("system:{job}"))
    }
    /// The login when the actor is a user.
    pub fn login(&self) -> Option<&str> {
        self.0.strip_prefix("user:")
    }
    /// As recorded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The core over its store.
#[derive(Clone, Debug)]
pub struct Core {
    store: Store,
}

impl Core {
    /// The core over an open store.
    pub fn new(store: Store) -> Core {
        Core { store }
    }

    /// The store underneath.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The first result of a keyed command that has run, read without a
    /// transaction (see [`store::lookup`]).
    async fn done_before<T: DeserializeOwned>(
        &self,
        key: Option<&str>,
        command: &str,
    ) -> Result<Option<T>, CoreError> {
        let Some(key) = key else {
            return Ok(None);
        };
        match store::lookup::<T>(self.store.reader(), key, command).await? {
            Some(Claim::Done(first)) => Ok(Some(first)),
            Some(Claim::Conflict { first }) => Err(CoreError::KeyReused {
                key: key.to_string(),
                first,
            }),
            _ => Ok(None),
        }
    }

    /// Ends a command: records its result under the key and commits. The
    /// key is written last, in the same transaction, so a command costs one
    /// statement for it; when a repeat got there first (or the body failed
    /// because the first run already did its work), the transaction is
    /// rolled back and the first result returned.
    async fn finish_once<T: Serialize + DeserializeOwned>(
        &self,
        mut tx: Tx,
        key: Option<&str>,
        command: &str,
        result: Result<T, CoreError>,
        recorded: Recorded,
    ) -> Result<T, CoreError> {
        let Some(key) = key else {
            let value = result?;
            tx.commit().await?;
            return Ok(value);
        };
        let value = match result {
            Ok(value) => value,
            Err(error) => {
                tx.rollback().await?;
                return match self.done_before::<T>(Some(key), command).await? {
                    Some(first) => Ok(first),
                    None => Err(error),
                };
            }
        };
        if recorded == Recorded::ByBody {
            tx.commit().await?;
            return Ok(value);
        }
        match store::record(&mut tx, key, command, &value).await? {
            Claim::Fresh => {
                tx.commit().await?;
                Ok(value)
            }
            Claim::Done(first) => {
                tx.rollback().await?;
                Ok(first)
            }
            Claim::Conflict { first } => Err(CoreError::KeyReused {
                key: key.to_string(),
                first,
            }),
        }
    }
}

/// Who writes a command's idempotency key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// `finish_once`, after the body.
    ByFinish,
    /// The body, in its last batch (`store::record_into`): one round trip
    /// fewer.
    ByBody,
}

/// Runs a command body once under an optional idempotency key.
/// A command the database chose as a deadlock victim runs again, up to
/// [`ATTEMPTS`] times in all. `keyed |tx| body` is a body that records
/// the key itself.
macro_rules! once {
    ($core:expr, $key:expr, $command:expr, |$tx:ident| $body:expr) => {
        $crate::core::once!(@run $core, $key, $command, $crate::core::Recorded::ByFinish, |$tx| $body)
    };
    ($core:expr, $key:expr, $command:expr, keyed |$tx:ident| $body:expr) => {
        $crate::core::once!(@run $core, $key, $command, $crate::core::Recorded::ByBody, |$tx| $body)
    };
    (@run $core:expr, $key:expr, $command:expr, $recorded:expr, |$tx:ident| $body:expr) => {{
        let mut attempt = 1;
        loop {
            let mut $tx = $core.store.begin().await?;
            let result = $body;
            match $core.finish_once($tx, $key, $command, result, $recorded).await {
                Err(error) if error.is_retryable() && attempt < $crate::core::ATTEMPTS => {
                    attempt += 1
                }
                done => break done,
            }
        }
    }};
}

/// How many times a command runs when the database keeps choosing it as a
/// deadlock victim.
pub(crate) const ATTEMPTS: u32 = 3;
pub(crate) use once;
