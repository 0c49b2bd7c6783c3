//! Notifications: every order status change writes one record, in the
//! same transaction, for the runtime to deliver (webhook, cXML to the
//! procurement system, EDI to the partner, e-mail).

use super::{Core, CoreError};
use crate::store::{now_micros, Batch, Tx};
use serde::{Deserialize, Serialize};
use sqlx::Row;

/// A notification waiting for delivery.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Row id, for marking it delivered.
    pub id: i64,
    /// The order's number.
    pub order: String,
    /// The event (`approved`, `shipped`).
    pub event: String,
    /// `webhook`, `cxml`, `edi` or `email`.
    pub channel: String,
    /// Who gets it: an EDI or punchout identity, an e-mail address, or the
    /// company whose webhook receives it.
    pub recipient: String,
    /// The message, as JSON (order, PO number, state, event, time).
    pub payload: serde_json::Value,
    /// The code of the brand the order was placed with (whose suppliers
    /// an approved order goes to), read with the notification.
    pub brand: Option<String>,
}

impl Core {
    /// Pending notifications, oldest first.
    pub async fn pending_notifications(&self, limit: u32) -> Result<Vec<Notification>, CoreError> {
        let rows = sqlx::query(
            "SELECT n.id, n.order_id, n.event, n.channel, n.recipient, n.payload, \
             (SELECT b.code FROM orders o JOIN brands b ON b.id = o.brand_id WHERE o.id = n.order_id) AS brand \
             FROM notifications n WHERE n.state = 'pending' ORDER BY n.id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.store.reader())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Notification {
                    id: r.try_get("id")?,
                    order: super::orders::order_number(r.try_get("order_id")?),
                    event: r.try_get("event")?,
                    channel: r.try_get("channel")?,
                    recipient: r.try_get("recipient")?,
                    payload: serde_json::from_str(&r.try_get::<String, _>("payload")?)?,
                    brand: r.try_get("brand")?,
                })
            })
            .collect()
    }

    /// Marks a notification delivered (or failed, with the state given).
    pub async fn mark_notification(&self, id: i64, state: &str) -> Result<(), CoreError> {
        let mut tx = self.store.begin().await?;
        sqlx::query("UPDATE notifications SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Where an order's notifications go.
pub(crate) struct Recipient {
    pub channel: &'static str,
    pub address: String,
}

/// The recipient for an order placed through `channel`: the partner's EDI
/// identity, the procurement system's punchout identity, the buyer's
/// e-mail, or the company's webhook.
pub(crate) async fn recipient_for(tx: &mut Tx, order_id: i64) -> Result<Recipient, CoreError> {
    // The nearest procurement identity of the order's channel, in the
    // same round trip as the order.
    let row = sqlx::query(
        "SELECT o.channel, c.code, u.email, \
         (SELECT p.identity FROM procurement_identities p JOIN companies pc ON pc.id = p.company_id \
          WHERE p.kind = CASE WHEN o.channel = 'edi' THEN 'edi' ELSE 'punchout' END \
          AND c.path LIKE pc.path || '%' ORDER BY LENGTH(pc.path) DESC, p.identity LIMIT 1) AS identity \
         FROM orders o JOIN companies c ON c.id = o.company_id \
         LEFT JOIN users u ON u.id = o.buyer_id WHERE o.id = $1",
    )
    .bind(order_id)
    .fetch_one(&mut **tx)
    .await?;
    let channel: String = row.try_get("channel")?;
    let identity = match channel.as_str() {
        "edi" | "punchout" => row.try_get("identity")?,
        _ => None,
    };
    Ok(recipient(
        &channel,
        row.try_get("code")?,
        identity,
        row.try_get("email")?,
    ))
}

/// Where notifications of an order placed through `channel` go: the
/// partner's EDI identity, the procurement system's punchout identity, the
/// buyer's e-mail for the web shop, else the company's webhook.
pub(crate) fn recipient(
    channel: &str,
    company: String,
    identity: Option<String>,
    email: Option<String>,
) -> Recipient {
    match (channel, email) {
        ("edi", _) => Recipient {
            channel: "edi",
            address: identity.unwrap_or(company),
        },
        ("punchout", _) => Recipient {
            channel: "cxml",
            address: identity.unwrap_or(company),
        },
        ("web", Some(email)) => Recipient {
            channel: "email",
            address: email,
        },
        _ => Recipient {
            channel: "webhook",
            address: company,
        },
    }
}

/// Adds the notifications of several events of one order to a batch.
pub(crate) fn notifications_into(
    batch: &mut Batch,
    order: (i64, &str, &str),
    to: &Recipient,
    events: &[(&str, &str)],
) {
    let (order_id, number, po_number) = order;
    let now = now_micros();
    let (id, at, channel, recipient) = (
        batch.arg(order_id),
        batch.arg(now),
        batch.arg(to.channel),
        batch.arg(to.address.clone()),
    );
    let rows: Vec<String> = events
        .iter()
        .map(|(event, state)| {
            let payload = serde_json::json!({
                "order": number, "po_number": po_number, "event": event, "state": state, "at": now,
            });
            let event = batch.arg(*event);
            let payload = batch.arg(payload.to_string());
            format!("({id}, {at}, {event}, {channel}, {recipient}, {payload})")
        })
        .collect();
    batch.push(format!(
        "INSERT INTO notifications (order_id, at, event, channel, recipient, payload) VALUES {}",
        rows.join(", ")
    ));
}
