//! cXML to a procurement system: a supplier's acknowledgment or ship
//! notice written as a ConfirmationRequest or ShipNoticeRequest from us to
//! the buyer's credential, and posted over HTTP(S). The journal keeps the
//! document with its SharedSecret redacted; the secret (from the
//! connector's variable) goes in only on the wire, so a resend uses the
//! current one.

use super::Gateway;
use crate::connector::Connector;
use crate::cxml::{self, Body, Credential, DateTimeValue, Envelope, Header, Request, Secret};
use crate::document::Document;
use sqlx::Row;
use std::sync::OnceLock;
use std::time::Duration;

/// What stands for the secret in the journalled document.
const REDACTED: &str = "(redacted)";

impl Gateway {
    /// The bytes, payloadID, sender, receiver and document type of a
    /// document for a cXML connector.
    pub(crate) async fn encode_cxml(
        &self,
        c: &Connector,
        document: &Document,
        order: &str,
    ) -> Result<(Vec<u8>, String, String, String, String), String> {
        let buyer = c.cxml.as_ref().ok_or("no cXML credential")?;
        let order_request = self
            .order_request_payload_id(order)
            .await
            .map_err(|e| e.to_string())?;
        let request = match document {
            Document::OrderResponse(r) => Request::Confirmation(Box::new(
                crate::translate::fulfil::confirmation_request(r, &order_request),
            )),
            Document::DespatchAdvice(a) => Request::ShipNotice(Box::new(
                crate::translate::fulfil::ship_notice_request(a, |_| order_request.clone()),
            )),
            _ => return Err("only acknowledgments and ship notices are written as cXML".into()),
        };
        let us = &self.settings().us;
        let payload_id = format!(
            "{}.{}@edigate",
            crate::store::now_micros(),
            self.new_trace()
        );
        let sender = Credential {
            secret: Some(Secret::Shared(REDACTED.into())),
            ..Credential::new(&us.cxml.0, &us.cxml.1)
        };
        let envelope = Envelope {
            payload_id: payload_id.clone(),
            timestamp: DateTimeValue::At(chrono::Utc::now().fixed_offset()),
            version: None,
            lang: Some("en-US".into()),
            header: Some(Header {
                from: vec![Credential::new(&us.cxml.0, &us.cxml.1)],
                to: vec![Credential::new(&buyer.domain, &buyer.identity)],
                sender: vec![sender],
                user_agent: "edigate".into(),
                ..Header::default()
            }),
            body: Body::Request {
                deployment_mode: None,
                request,
            },
            extensions: Default::default(),
        };
        let kind = envelope.kind();
        let raw = cxml::write(&envelope, cxml::DEFAULT_VERSION).into_bytes();
        Ok((
            raw,
            payload_id,
            format!("{}:{}", us.cxml.0, us.cxml.1),
            format!("{}:{}", buyer.domain, buyer.identity),
            kind,
        ))
    }

    /// The payloadID of the OrderRequest an order came in with.
    async fn order_request_payload_id(&self, order: &str) -> Result<String, sqlx::Error> {
        let row = sqlx::query(
            "SELECT m.control_number FROM messages m JOIN message_orders l ON l.message_id = m.id \
             WHERE l.order_number = $1 AND m.direction = 'in' AND m.format = 'cxml' \
             AND m.duplicate_of IS NULL ORDER BY m.id LIMIT 1",
        )
        .bind(order)
        .fetch_optional(self.store().reader())
        .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("control_number"))
            .transpose()?
            .flatten()
            .unwrap_or_default())
    }
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap_or_default()
    })
}

/// Posts a journalled cXML document with the connector's secret put in;
/// it is delivered when the answer is a cXML Response with a 2xx status.
pub(crate) async fn post(c: &Connector, url: &str, raw: &[u8]) -> Result<(), String> {
    let secret = c
        .cxml_secret()
        .ok_or("the connector's cXML secret variable is not set")?;
    let text = String::from_utf8_lossy(raw).replace(
        &format!("<SharedSecret>{REDACTED}</SharedSecret>"),
        &format!("<SharedSecret>{}</SharedSecret>", xml_escape(&secret)),
    );
    let response = client()
        .post(url)
        .header("content-type", "text/xml; charset=utf-8")
        .body(text)
        .send()
        .await
        .map_err(|e| format!("cXML to {url}: {e}"))?;
    let http = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| format!("cXML to {url}: {e}"))?;
    let status = cxml::read(&body)
        .ok()
        .and_then(|read| match read.envelope.body {
            Body::Response { status, .. } => Some(status),
            _ => None,
        });
    match status {
        Some(s) if s.is_success() => Ok(()),
        Some(s) => Err(format!("cXML to {url}: Response {} {}", s.code, s.text)),
        None if http.is_success() => Err(format!(
            "cXML to {url}: HTTP {http} without a cXML Response"
        )),
        None => Err(format!("cXML to {url}: HTTP {http}")),
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
