//! Canonical documents from a connector applied to the core: a buyer's
//! orders and changes, a supplier's acknowledgments, ship notices,
//! invoices and inventory. Each command runs under the message's own
//! idempotency key, so a message processed twice (a restart after a
//! crash, a reprocess) changes the core once.

use super::Gateway;
use crate::connector::{Connector, Role};
use crate::core::{Actor, ChannelKind, PlaceOrder};
use crate::document::Document;
use std::collections::BTreeMap;

/// What one document did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The orders it created or moved.
    pub orders: Vec<String>,
    /// The PO number it carried.
    pub po_number: Option<String>,
}

/// The channel a buyer's order arrives through, by the syntax it came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// X12 or EDIFACT.
    Edi,
    /// cXML from a procurement system.
    Procurement,
    /// Canonical JSON through the REST API.
    Api,
}

impl Gateway {
    /// Applies one document; the error says why the core refused it.
    pub async fn apply(
        &self,
        connector: &Connector,
        document: &Document,
        key: &str,
        source: &str,
        via: Via,
    ) -> Result<Applied, String> {
        let core = self.core();
        let by = Actor::partner(&connector.id);
        let wrong_role = |what: &str| {
            format!(
                "connector {} is a {:?}, which does not send {what}",
                connector.id, connector.role
            )
        };
        let moved = |orders: Vec<String>, po: Option<String>| Applied {
            orders,
            po_number: po,
        };
        let result = match document {
            Document::Order(order) => {
                if connector.role != Role::Buyer {
                    return Err(wrong_role("orders"));
                }
                // Options chosen in a punchout come back in the
                // auxiliary IDs of the procurement system's order.
                let options = match via {
                    Via::Procurement => super::punchout::options_in_order(core, order)
                        .await
                        .map_err(|e| e.to_string())?,
                    _ => BTreeMap::new(),
                };
                let place = PlaceOrder {
                    channel: match via {
                        Via::Edi => ChannelKind::Edi,
                        Via::Procurement => ChannelKind::Punchout,
                        Via::Api => ChannelKind::Api,
                    },
                    brand: connector.brand.clone(),
                    market: connector.market.clone().unwrap_or_default(),
                    company: connector.company.clone().unwrap_or_default(),
                    order: order.clone(),
                    options,
                    on: None,
                    source: Some(source.to_string()),
                };
                core.place_order(Some(key), &by, &place)
                    .await
                    .map(|p| moved(vec![p.number], Some(order.id.clone())))
            }
            Document::OrderChange(change) => {
                if connector.role != Role::Buyer {
                    return Err(wrong_role("order changes"));
                }
                core.apply_change(Some(key), &by, change, Some(source))
                    .await
                    .map(|m| moved(vec![m.order], Some(change.order_id.clone())))
            }
            Document::OrderResponse(response) => {
                if connector.role != Role::Supplier {
                    return Err(wrong_role("order responses"));
                }
                core.apply_response(Some(key), &by, response, Some(source))
                    .await
                    .map(|m| moved(vec![m.order], Some(response.order_id.clone())))
            }
            Document::DespatchAdvice(advice) => {
                if connector.role != Role::Supplier {
                    return Err(wrong_role("ship notices"));
                }
                core.apply_despatch(Some(key), &by, advice, Some(source))
                    .await
                    .map(|ms| moved(ms.into_iter().map(|m| m.order).collect(), None))
            }
            Document::Invoice(invoice) => {
                if connector.role != Role::Supplier {
                    return Err(wrong_role("invoices"));
                }
                core.apply_invoice(Some(key), &by, invoice, Some(source))
                    .await
                    .map(|m| moved(vec![m.order], None))
            }
            Document::InventoryReport(report) => {
                if connector.role != Role::Supplier {
                    return Err(wrong_role("inventory reports"));
                }
                core.apply_inventory_report(Some(key), &by, report)
                    .await
                    .map(|_| Applied::default())
            }
            Document::Catalogue(_) | Document::Cart(_) => {
                return Err("catalogues and carts are not applied to orders".into())
            }
        };
        result.map_err(|e| e.to_string())
    }
}
