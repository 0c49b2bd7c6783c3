//! The order state machine, all in one place: which step each state
//! allows and where it leads. Everything else asks [`OrderState::after`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where an order stands in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Taken in, not yet checked against approval rules.
    Received,
    /// Waiting for approvers.
    PendingApproval,
    /// Approved (or needing no approval): ready to send to the supplier.
    Approved,
    /// Rejected by an approver. Final.
    Rejected,
    /// Sent to the supplier, awaiting its acknowledgment.
    Sent,
    /// The supplier answered, line by line.
    Acknowledged,
    /// The supplier refused the whole order. Final.
    Declined,
    /// Some goods shipped.
    PartiallyShipped,
    /// Everything ordered has shipped.
    Shipped,
    /// Invoiced (in part or in full).
    Invoiced,
    /// Done. Final.
    Closed,
    /// Cancelled by the buyer. Final.
    Cancelled,
}

/// A step in an order's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Approval rules matched: wait for approvers.
    HoldForApproval,
    /// Approved (by the last approver, or because no rule matched).
    Approve,
    /// Rejected by an approver.
    Reject,
    /// Sent to the supplier.
    Send,
    /// The supplier acknowledged.
    Acknowledge,
    /// The supplier refused the whole order.
    Decline,
    /// Goods shipped; `complete` when nothing remains.
    Ship {
        /// Whether every line has shipped in full.
        complete: bool,
    },
    /// An invoice arrived.
    Invoice,
    /// Closed.
    Close,
    /// The buyer changed the order.
    Change,
    /// The buyer cancelled the order.
    Cancel,
}

impl Step {
    /// The step as a past participle, for errors and timelines.
    pub fn participle(self) -> &'static str {
        match self {
            Step::HoldForApproval => "held for approval",
            Step::Approve => "approved",
            Step::Reject => "rejected",
            Step::Send => "sent",
            Step::Acknowledge => "acknowledged",
            Step::Decline => "declined",
            Step::Ship { .. } => "shipped",
            Step::Invoice => "invoiced",
            Step::Close => "closed",
            Step::Change => "changed",
            Step::Cancel => "cancelled",
        }
    }
}

impl OrderState {
    /// The state after `step`, or `None` when the step is not allowed.
    pub fn after(self, step: Step) -> Option<OrderState> {
        use OrderState::*;
        let next = match (self, step) {
            // An approved order changed beyond its rules waits again.
            (Received | Approved, Step::HoldForApproval) => PendingApproval,
            (Received | PendingApproval, Step::Approve) => Approved,
            (PendingApproval, Step::Reject) => Rejected,
            (Approved, Step::Send) => Sent,
            (Sent | Acknowledged, Step::Acknowledge) => Acknowledged,
            (Sent | Acknowledged, Step::Decline) => Declined,
            (Sent | Acknowledged | PartiallyShipped, Step::Ship { complete: false }) => {
                PartiallyShipped
            }
            (Sent | Acknowledged | PartiallyShipped, Step::Ship { complete: true }) => Shipped,
            (PartiallyShipped | Shipped | Invoiced, Step::Invoice) => Invoiced,
            // The rest may ship after a first partial invoice.
            (Invoiced, Step::Ship { .. }) => Invoiced,
            (Shipped | Invoiced, Step::Close) => Closed,
            // A change to an acknowledged order waits for a new
            // acknowledgment.
            (Acknowledged, Step::Change) => Sent,
            (Received | PendingApproval | Approved | Sent, Step::Change) => self,
            (Received | PendingApproval | Approved | Sent | Acknowledged, Step::Cancel) => {
                Cancelled
            }
            _ => return None,
        };
        Some(next)
    }

    /// Whether nothing more can happen to the order.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            OrderState::Rejected
                | OrderState::Declined
                | OrderState::Closed
                | OrderState::Cancelled
        )
    }

    /// The stored word.
    pub fn as_str(self) -> &'static str {
        use OrderState::*;
        match self {
            Received => "received",
            PendingApproval => "pending_approval",
            Approved => "approved",
            Rejected => "rejected",
            Sent => "sent",
            Acknowledged => "acknowledged",
            Declined => "declined",
            PartiallyShipped => "partially_shipped",
            Shipped => "shipped",
            Invoiced => "invoiced",
            Closed => "closed",
            Cancelled => "cancelled",
        }
    }

    /// Reads a stored word.
    pub fn parse(word: &str) -> Option<OrderState> {
        serde_json::from_value(serde_json::Value::String(word.to_string())).ok()
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [OrderState; 12] = [
        OrderState::Received,
        OrderState::PendingApproval,
        OrderState::Approved,
        OrderState::Rejected,
        OrderState::Sent,
        OrderState::Acknowledged,
        OrderState::Declined,
        OrderState::PartiallyShipped,
        OrderState::Shipped,
        OrderState::Invoiced,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    #[test]
    fn final_states_allow_nothing() {
        let steps = [
            Step::HoldForApproval,
            Step::Approve,
            Step::Reject,
            Step::Send,
            Step::Acknowledge,
            Step::Decline,
            Step::Ship { complete: true },
            Step::Ship { complete: false },
            Step::Invoice,
            Step::Close,
            Step::Change,
            Step::Cancel,
        ];
        for state in ALL.into_iter().filter(|s| s.is_final()) {
            for step in steps {
                assert_eq!(state.after(step), None, "{state} allowed {step:?}");
            }
        }
    }

    #[test]
    fn the_whole_edi_life_is_a_path() {
        let mut state = OrderState::Received;
        for step in [
            Step::HoldForApproval,
            Step::Approve,
            Step::Send,
            Step::Acknowledge,
            Step::Ship { complete: false },
            Step::Ship { complete: true },
            Step::Invoice,
            Step::Close,
        ] {
            state = state
                .after(step)
                .unwrap_or_else(|| panic!("{state} refused {step:?}"));
        }
        assert_eq!(state, OrderState::Closed);
    }

    #[test]
    fn shipped_orders_cannot_be_cancelled_and_words_round_trip() {
        assert_eq!(OrderState::Shipped.after(Step::Cancel), None);
        assert_eq!(OrderState::PartiallyShipped.after(Step::Cancel), None);
        for state in ALL {
            assert_eq!(OrderState::parse(state.as_str()), Some(state));
        }
    }
}
