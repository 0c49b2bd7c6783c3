//! Punchout sessions. A procurement system opens one with a cXML
//! PunchOutSetupRequest or an OCI entry call; the buyer's browser enters
//! it once through a start URL (a one-time token, valid for minutes) and
//! then carries a session cookie; the session ends when the cart goes back
//! to the procurement system through the browser.
//!
//! Tokens are 256 random bits; the store keeps their SHA-256 digests only,
//! and the journal keeps the setup answer with the token taken out.

use super::auth::digest;
use super::inbound::Answer;
use super::journal::{Direction, NewMessage, Status};
use super::Gateway;
use crate::connector::{CartField, Connector};
use crate::core::{CartItem, CartQuote};
use crate::cxml::{
    self, Body, Credential, DateTimeValue, Envelope, Header, MessageContent, PunchOutSetupRequest,
    ResponseContent,
};
use crate::document::{
    Amount, Cart, CartLine, Classification, Extension, ItemIdentity, Party, Price, Quantity,
};
use crate::store::now_micros;
use crate::translate::cart::{oci_items, punchout_message, EXTRINSIC};
use sqlx::Row;
use std::collections::BTreeMap;
use subtle::ConstantTimeEq;

/// How the cart goes back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    /// A cXML PunchOutOrderMessage posted to BrowserFormPost.
    Cxml,
    /// OCI `NEW_ITEM-*` fields posted to HOOK_URL.
    Oci,
}

impl Protocol {
    fn as_str(self) -> &'static str {
        match self {
            Protocol::Cxml => "cxml",
            Protocol::Oci => "oci",
        }
    }
}

/// What a setup request or entry call opens a session with.
#[derive(Clone, Debug)]
pub struct SessionSetup {
    /// cXML or OCI.
    pub protocol: Protocol,
    /// `create`, `edit` or `inspect`.
    pub operation: String,
    /// The user's e-mail address, when given.
    pub user_email: Option<String>,
    /// The user's name, when given.
    pub user_name: Option<String>,
    /// The cost center the cart is for, when given.
    pub cost_center: Option<String>,
    /// BuyerCookie (cXML); empty for OCI.
    pub buyer_cookie: String,
    /// BrowserFormPost or HOOK_URL.
    pub return_url: String,
    /// Extrinsics of the setup request (OCI: `~TARGET` and the like).
    pub extrinsics: Vec<(String, String)>,
    /// For edit and inspect: the cart as it was.
    pub cart: Vec<CartItem>,
    /// Where the goods are to go (cXML ShipTo).
    pub ship_to: Option<Party>,
    /// The journal entry of the setup request.
    pub message_id: Option<i64>,
}

/// An open session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// Row id.
    pub id: i64,
    /// The buyer's connector.
    pub connector: String,
    /// `cxml` or `oci`.
    pub protocol: String,
    /// `create`, `edit` or `inspect`.
    pub operation: String,
    /// The buying company.
    pub company: String,
    /// Its market.
    pub market: String,
    /// The user's e-mail address.
    pub user_email: Option<String>,
    /// The user's name.
    pub user_name: Option<String>,
    /// The cost center whose budget the cart is shown against.
    pub cost_center: Option<String>,
    /// BuyerCookie.
    pub buyer_cookie: String,
    /// Where the cart goes back.
    pub return_url: String,
    /// The setup's extrinsics.
    pub extrinsics: Vec<(String, String)>,
    /// Requisition fields the buyer filled in (cost center, project code,
    /// comments), carried into the cart's extrinsics.
    pub requisition: BTreeMap<String, String>,
    /// The cart.
    pub cart: Vec<CartItem>,
    /// Where the goods are to go.
    pub ship_to: Option<Party>,
    /// When it ends, µs since the epoch.
    pub expires_at: i64,
    /// Whether its cart went back (the session is then closed).
    pub transferred: bool,
}

impl Session {
    /// Whether the buyer may change the cart.
    pub fn editable(&self) -> bool {
        self.operation != "inspect" && !self.transferred
    }
}

/// Why a start URL does not open a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartRefused {
    /// No session has this token.
    Unknown,
    /// The URL was opened before: it works once.
    Used,
    /// The URL was not opened in time.
    Expired,
}

/// Why a cart does not go back.
#[derive(Debug, thiserror::Error)]
pub enum TransferError {
    /// A line cannot be ordered.
    #[error("{0}")]
    Cart(String),
    /// The cart already went back.
    #[error("the cart was already returned")]
    Closed,
    /// The core or the store failed.
    #[error("{0}")]
    Store(String),
}

/// A new random token and its digest; no session opens without
/// randomness.
fn token() -> Result<(String, String), sqlx::Error> {
    super::auth::random_token()
        .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a punchout token: {e}")))
}

const SESSION_COLUMNS: &str = "id, connector, protocol, operation, company, market, user_email, user_name, \
     cost_center, buyer_cookie, return_url, extrinsics, requisition, cart, ship_to, expires_at, transferred_at";

fn session_from_row(row: &sqlx::any::AnyRow) -> Result<Session, sqlx::Error> {
    let json = |column: &str| -> Result<serde_json::Value, sqlx::Error> {
        let text: String = row.try_get(column)?;
        Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    };
    Ok(Session {
        id: row.try_get("id")?,
        connector: row.try_get("connector")?,
        protocol: row.try_get("protocol")?,
        operation: row.try_get("operation")?,
        company: row.try_get("company")?,
        market: row.try_get("market")?,
        user_email: row.try_get("user_email")?,
        user_name: row.try_get("user_name")?,
        cost_center: row.try_get("cost_center")?,
        buyer_cookie: row.try_get("buyer_cookie")?,
        return_url: row.try_get("return_url")?,
        extrinsics: serde_json::from_value(json("extrinsics")?).unwrap_or_default(),
        requisition: serde_json::from_value(json("requisition")?).unwrap_or_default(),
        cart: serde_json::from_value(json("cart")?).unwrap_or_default(),
        ship_to: row
            .try_get::<Option<String>, _>("ship_to")?
            .and_then(|text| serde_json::from_str(&text).ok()),
        expires_at: row.try_get("expires_at")?,
        transferred: row.try_get::<Option<i64>, _>("transferred_at")?.is_some(),
    })
}

const MINUTE: i64 = 60_000_000;

impl Gateway {
    /// Opens a session for a buyer connector; returns the start URL.
    pub async fn open_session(
        &self,
        connector: &Connector,
        setup: &SessionSetup,
    ) -> Result<String, sqlx::Error> {
        let settings = connector.punchout().unwrap_or_default();
        let (start, start_digest) = token()?;
        let now = now_micros();
        let mut requisition = BTreeMap::new();
        if let Some(center) = &setup.cost_center {
            requisition.insert("CostCenter".to_string(), center.clone());
        }
        sqlx::query(
            "INSERT INTO punchout_sessions (connector, protocol, operation, company, market, user_email, user_name, \
             cost_center, buyer_cookie, return_url, extrinsics, requisition, cart, start_digest, message_id, \
             created_at, start_by, expires_at, ship_to) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
        )
        .bind(&connector.id)
        .bind(setup.protocol.as_str())
        .bind(&setup.operation)
        .bind(connector.company.clone().unwrap_or_default())
        .bind(connector.market.clone().unwrap_or_default())
        .bind(&setup.user_email)
        .bind(&setup.user_name)
        .bind(&setup.cost_center)
        .bind(&setup.buyer_cookie)
        .bind(&setup.return_url)
        .bind(serde_json::to_string(&setup.extrinsics).unwrap_or_default())
        .bind(serde_json::to_string(&requisition).unwrap_or_default())
        .bind(serde_json::to_string(&setup.cart).unwrap_or_default())
        .bind(&start_digest)
        .bind(setup.message_id)
        .bind(now)
        .bind(now + i64::from(settings.start_minutes) * MINUTE)
        .bind(now + i64::from(settings.session_minutes) * MINUTE)
        .bind(
            setup
                .ship_to
                .as_ref()
                .and_then(|party| serde_json::to_string(party).ok()),
        )
        .execute(self.core().store().writer())
        .await?;
        Ok(format!("{}/punchout/start/{start}", self.public_url()))
    }

    /// Enters a session through its start token, once; returns the
    /// session token the browser keeps.
    pub async fn start_session(
        &self,
        start: &str,
    ) -> Result<Result<(String, Session), StartRefused>, sqlx::Error> {
        let (session_token, session_digest) = token()?;
        let now = now_micros();
        let started = sqlx::query(&format!(
            "UPDATE punchout_sessions SET started_at = $1, session_digest = $2 \
             WHERE start_digest = $3 AND started_at IS NULL AND start_by > $1 AND expires_at > $1 \
             RETURNING {SESSION_COLUMNS}"
        ))
        .bind(now)
        .bind(&session_digest)
        .bind(digest(start))
        .fetch_optional(self.core().store().writer())
        .await?;
        if let Some(row) = started {
            return Ok(Ok((session_token, session_from_row(&row)?)));
        }
        let found = sqlx::query("SELECT started_at FROM punchout_sessions WHERE start_digest = $1")
            .bind(digest(start))
            .fetch_optional(self.core().store().reader())
            .await?;
        Ok(Err(match found {
            None => StartRefused::Unknown,
            Some(row) if row.try_get::<Option<i64>, _>("started_at")?.is_some() => {
                StartRefused::Used
            }
            Some(_) => StartRefused::Expired,
        }))
    }

    /// The live session a browser's token names.
    pub async fn session(&self, session_token: &str) -> Result<Option<Session>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "SELECT {SESSION_COLUMNS} FROM punchout_sessions WHERE session_digest = $1 AND expires_at > $2"
        ))
        .bind(digest(session_token))
        .bind(now_micros())
        .fetch_optional(self.core().store().reader())
        .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// Saves a session's cart and requisition fields; nothing changes once
    /// the cart went back.
    pub async fn save_session(&self, session: &Session) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE punchout_sessions SET cart = $1, requisition = $2 WHERE id = $3 AND transferred_at IS NULL",
        )
        .bind(serde_json::to_string(&session.cart).unwrap_or_default())
        .bind(serde_json::to_string(&session.requisition).unwrap_or_default())
        .bind(session.id)
        .execute(self.core().store().writer())
        .await?;
        Ok(())
    }

    /// The page that carries the cart back through the browser: the cart
    /// priced by the core, written as the procurement system reads it,
    /// journalled, and the session closed.
    pub async fn transfer(&self, session: &Session) -> Result<String, TransferError> {
        let store = |e: sqlx::Error| TransferError::Store(e.to_string());
        let connector = self
            .connectors()
            .get(&session.connector)
            .cloned()
            .ok_or_else(|| {
                TransferError::Store(format!("connector {} is gone", session.connector))
            })?;
        // The session is claimed first: a second click or tab finds it
        // closed, and the cart sent is the one stored at that moment.
        let Some(session) = self.claim_transfer(session.id).await.map_err(store)? else {
            return Err(TransferError::Closed);
        };
        let session = &session;
        let today = chrono::Utc::now().date_naive();
        let quote = self
            .core()
            .quote_cart(&session.company, &session.market, &session.cart, today)
            .await;
        let problem = match &quote {
            Ok(q) => q.lines.iter().find_map(|l| {
                l.problem
                    .as_ref()
                    .map(|p| TransferError::Cart(format!("{}: {p}", l.item.sku)))
            }),
            Err(e) => Some(TransferError::Store(e.to_string())),
        };
        let quote = match (quote, problem) {
            (Ok(quote), None) => quote,
            (_, problem) => {
                self.reopen_transfer(session.id).await.map_err(store)?;
                return Err(problem.unwrap_or(TransferError::Closed));
            }
        };
        let cart = canonical_cart(session, &quote);
        let settings = connector.punchout().unwrap_or_default();
        let (page, raw, format, document) = match session.protocol.as_str() {
            "oci" => {
                let vendor = settings.oci.as_ref().and_then(|o| o.vendor.as_deref());
                let items = oci_items(&cart, vendor);
                let target = session
                    .extrinsics
                    .iter()
                    .find(|(k, _)| k == "~TARGET")
                    .map(|(_, v)| v.as_str());
                let fields = crate::oci::cart_fields(&items);
                let raw = serde_json::to_vec(&fields).unwrap_or_default();
                let page = crate::oci::cart_form(&session.return_url, &items, target);
                (page, raw, "oci", "OciCart")
            }
            _ => {
                let document = self.cart_envelope(&connector, &cart, &quote.currency);
                let page = cxml::auto_submit_form(
                    &session.return_url,
                    &document,
                    settings.cart_field == CartField::Base64,
                );
                (page, document.into_bytes(), "cxml", "PunchOutOrderMessage")
            }
        };
        self.journal()
            .enter(
                Direction::Out,
                &NewMessage {
                    connector: &connector.id,
                    format,
                    document: Some(document.into()),
                    trace: self.new_trace(),
                    raw: &raw,
                    status: Some(Status::Delivered),
                    ..NewMessage::default()
                },
            )
            .await
            .map_err(store)?;
        self.metrics()
            .message(&connector.id, format, "out", "delivered");
        Ok(page)
    }

    /// Closes a session for its transfer, once; returns it as stored.
    async fn claim_transfer(&self, id: i64) -> Result<Option<Session>, sqlx::Error> {
        let row = sqlx::query(&format!(
            "UPDATE punchout_sessions SET transferred_at = $1 WHERE id = $2 AND transferred_at IS NULL \
             RETURNING {SESSION_COLUMNS}"
        ))
        .bind(now_micros())
        .bind(id)
        .fetch_optional(self.core().store().writer())
        .await?;
        row.as_ref().map(session_from_row).transpose()
    }

    /// Opens a claimed session again when its cart could not go back.
    async fn reopen_transfer(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE punchout_sessions SET transferred_at = NULL WHERE id = $1")
            .bind(id)
            .execute(self.core().store().writer())
            .await?;
        Ok(())
    }

    /// A PunchOutOrderMessage from us to the buyer, without secrets (it
    /// travels through the browser).
    fn cart_envelope(&self, connector: &Connector, cart: &Cart, currency: &str) -> String {
        let us = &self.settings().us;
        let buyer = connector
            .cxml
            .as_ref()
            .map(|c| Credential::new(&c.domain, &c.identity));
        let envelope = Envelope {
            payload_id: format!("{}.{}@edigate", now_micros(), self.new_trace()),
            timestamp: DateTimeValue::At(chrono::Utc::now().fixed_offset()),
            version: None,
            lang: Some("en-US".into()),
            header: Some(Header {
                from: vec![Credential::new(&us.cxml.0, &us.cxml.1)],
                to: buyer.into_iter().collect(),
                sender: vec![Credential::new(&us.cxml.0, &us.cxml.1)],
                user_agent: "edigate".into(),
                ..Header::default()
            }),
            body: Body::Message {
                deployment_mode: None,
                in_reply_to: None,
                message: MessageContent::PunchOutOrder(Box::new(punchout_message(cart, currency))),
            },
            extensions: Default::default(),
        };
        cxml::write(&envelope, cxml::DEFAULT_VERSION)
    }

    /// Answers a PunchOutSetupRequest from an authenticated connector:
    /// journals it, opens the session and returns its start URL.
    pub(crate) async fn punchout_setup(
        &self,
        connector: &Connector,
        envelope: &Envelope,
        request: &PunchOutSetupRequest,
        kept: &[u8],
        sender: String,
        trace: String,
    ) -> Answer {
        let payload = &envelope.payload_id;
        if connector.punchout().is_none() {
            return self.cxml_status(None, 403, "this connector does not punch out", payload);
        }
        // A setup opens a new session each time: no control number, so a
        // repeated payloadID is not answered with an old start URL.
        let entered = self
            .journal()
            .enter(
                Direction::In,
                &NewMessage {
                    connector: &connector.id,
                    format: "cxml",
                    document: Some(envelope.kind()),
                    sender: Some(sender),
                    trace,
                    raw: kept,
                    status: Some(Status::Applied),
                    ..NewMessage::default()
                },
            )
            .await;
        let id = match entered {
            Ok(super::journal::Entered::New(id)) => Some(id),
            Ok(super::journal::Entered::Duplicate { id, .. }) => Some(id),
            Err(e) => {
                return self.cxml_status(None, 500, &format!("the journal failed: {e}"), payload)
            }
        };
        let setup = match setup_of(request, id) {
            Ok(setup) => setup,
            Err(why) => {
                if let Some(id) = id {
                    let _ = self
                        .journal()
                        .set_status(id, Status::Invalid, std::slice::from_ref(&why))
                        .await;
                }
                return self.cxml_status(id, 400, &why, payload);
            }
        };
        let start = match self.open_session(connector, &setup).await {
            Ok(start) => start,
            Err(e) => return self.cxml_status(id, 500, &e.to_string(), payload),
        };
        let answer = |start_page: String| {
            let response = cxml::response(
                cxml::Status::new(200, "OK"),
                Some(ResponseContent::PunchOutSetup { start_page }),
                format!("{}.{}@edigate", now_micros(), self.new_trace()),
                DateTimeValue::At(chrono::Utc::now().fixed_offset()),
            );
            cxml::write(&response, cxml::DEFAULT_VERSION).into_bytes()
        };
        let body = answer(start.clone());
        let redacted = answer(format!("{}/punchout/start/(redacted)", self.public_url()));
        let _ = self
            .journal()
            .enter(
                Direction::Out,
                &NewMessage {
                    connector: &connector.id,
                    format: "cxml",
                    document: Some("PunchOutSetupResponse".into()),
                    answers: id,
                    trace: self.new_trace(),
                    raw: &redacted,
                    status: Some(Status::Delivered),
                    ..NewMessage::default()
                },
            )
            .await;
        let mut answer = self.cxml_status(id, 200, "OK", payload);
        answer.body = body;
        answer
    }
}

impl Gateway {
    /// Opens a session from an OCI entry call (`HOOK_URL`, `USERNAME`,
    /// `PASSWORD`, `~TARGET` …) to a connector; returns the start URL, or
    /// the HTTP status and why not.
    pub async fn oci_entry(
        &self,
        connector_id: &str,
        fields: &[(String, String)],
    ) -> Result<String, (u16, String)> {
        let refused = |why: &str| (403, why.to_string());
        let connector = self
            .connectors()
            .get(connector_id)
            .cloned()
            .ok_or((404, format!("no connector {connector_id}")))?;
        let login = connector
            .punchout()
            .and_then(|p| p.oci)
            .ok_or_else(|| refused("this connector has no OCI entry"))?;
        let entry = crate::oci::parse_entry(fields).map_err(|e| (400, e.to_string()))?;
        let expected = connector
            .oci_password()
            .ok_or_else(|| refused("the connector's OCI password is not set"))?;
        let user_ok = entry.username.as_deref() == Some(login.username.as_str());
        let password = entry.password.clone().unwrap_or_default();
        let password_ok: bool = password.as_bytes().ct_eq(expected.as_bytes()).into();
        if !(user_ok && password_ok) {
            tracing::warn!(connector = %connector.id, "OCI login refused");
            return Err(refused("USERNAME or PASSWORD is wrong"));
        }
        if !(entry.hook_url.starts_with("http://") || entry.hook_url.starts_with("https://")) {
            return Err((400, "HOOK_URL must be an http(s) URL".into()));
        }
        let mut extrinsics: Vec<(String, String)> = entry
            .other
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if let Some(target) = &entry.target {
            extrinsics.push(("~TARGET".into(), target.clone()));
        }
        let setup = SessionSetup {
            protocol: Protocol::Oci,
            operation: "create".into(),
            user_email: None,
            user_name: entry.username.clone(),
            cost_center: None,
            buyer_cookie: String::new(),
            return_url: entry.hook_url.clone(),
            extrinsics,
            cart: Vec::new(),
            ship_to: None,
            message_id: None,
        };
        self.open_session(&connector, &setup)
            .await
            .map_err(|e| (500, e.to_string()))
    }
}

/// What a setup request opens: the user from the Contact and the
/// extrinsics, the cost center under any name buyers give it, and for
/// edit and inspect the cart from ItemOut.
fn setup_of(request: &PunchOutSetupRequest, id: Option<i64>) -> Result<SessionSetup, String> {
    let operation = request.operation.as_str();
    if !matches!(operation, "create" | "edit" | "inspect") {
        return Err(format!(
            "operation {operation} is not offered; create, edit and inspect are"
        ));
    }
    let return_url = request
        .browser_form_post
        .clone()
        .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        .ok_or("BrowserFormPost/URL is required: it is where the cart goes back")?;
    let extrinsic = |names: &[&str]| {
        request
            .extrinsics
            .iter()
            .find(|e| names.iter().any(|n| e.name.eq_ignore_ascii_case(n)))
            .map(|e| e.value.clone())
    };
    let contact = request.contacts.first();
    let refs = crate::translate::cxml::procurement_refs(&request.extrinsics);
    let cart = request
        .items
        .iter()
        .map(|item| CartItem {
            sku: item.item_id.supplier_part_id.clone(),
            quantity: item.quantity,
            unit: item
                .item_detail
                .as_ref()
                .map(|d| d.unit_of_measure.clone())
                .unwrap_or_else(|| "EA".into()),
            options: item
                .item_id
                .supplier_part_auxiliary_id
                .as_deref()
                .map(options_of)
                .unwrap_or_default(),
        })
        .collect();
    Ok(SessionSetup {
        protocol: Protocol::Cxml,
        operation: operation.into(),
        user_email: extrinsic(&["UserEmail"])
            .or_else(|| contact.and_then(|c| c.emails.first().cloned())),
        user_name: extrinsic(&["UserFullName", "User"]).or_else(|| contact.map(|c| c.name.clone())),
        cost_center: refs.cost_center,
        buyer_cookie: request.buyer_cookie.clone(),
        return_url,
        extrinsics: request
            .extrinsics
            .iter()
            .map(|e| (e.name.clone(), e.value.clone()))
            .collect(),
        cart,
        ship_to: request
            .ship_to
            .as_ref()
            .map(crate::translate::cxml::party_of_location),
        message_id: id,
    })
}

/// Chosen options as the supplier auxiliary ID carries them to the
/// procurement system and back (`color=orange;size=L`).
fn options_text(options: &[(String, String)]) -> Option<String> {
    (!options.is_empty()).then(|| {
        options
            .iter()
            .map(|(o, c)| format!("{o}={c}"))
            .collect::<Vec<_>>()
            .join(";")
    })
}

/// The options an auxiliary ID written by [`options_text`] names; any
/// other auxiliary ID names none.
fn options_of(text: &str) -> Vec<(String, String)> {
    text.split(';')
        .filter_map(|pair| pair.split_once('='))
        .map(|(o, c)| (o.trim().to_string(), c.trim().to_string()))
        .filter(|(o, c)| !o.is_empty() && !c.is_empty())
        .collect()
}

/// The options the lines of an order from a procurement system chose, by
/// line id: a line's auxiliary ID as a punchout cart wrote it
/// ([`options_text`]), when every pair in it is an option of the product.
/// Any other auxiliary ID (a buyer's `cart=17&line=1`) chooses nothing and
/// travels on untouched.
pub(crate) async fn options_in_order(
    core: &crate::core::Core,
    order: &crate::document::Order,
) -> Result<BTreeMap<String, Vec<(String, String)>>, crate::core::CoreError> {
    let mut chosen = BTreeMap::new();
    for line in &order.lines {
        let (Some(sku), Some(aux)) = (&line.item.seller_id, &line.item.seller_auxiliary_id) else {
            continue;
        };
        let pairs = options_of(aux);
        if pairs.is_empty() {
            continue;
        }
        let known = core.product_options(sku).await?;
        let offered =
            |(o, c): &(String, String)| known.iter().any(|k| &k.option == o && &k.choice == c);
        if pairs.iter().all(offered) {
            chosen.insert(line.id.clone(), pairs);
        }
    }
    Ok(chosen)
}

/// The priced cart as the canonical document the writers take.
fn canonical_cart(session: &Session, quote: &CartQuote) -> Cart {
    let currency = &quote.currency;
    let lines = quote
        .lines
        .iter()
        .map(|line| CartLine {
            item: ItemIdentity {
                seller_id: Some(line.item.sku.clone()),
                seller_auxiliary_id: options_text(&line.item.options),
                ..ItemIdentity::default()
            },
            description: Some(match options_text(&line.item.options) {
                Some(chosen) => format!("{} ({chosen})", line.name),
                None => line.name.clone(),
            }),
            quantity: Quantity {
                value: line.item.quantity,
                unit: line.item.unit.clone(),
            },
            price: line.unit_price.map(|value| Price {
                amount: Amount {
                    value,
                    currency: currency.clone(),
                },
                base_quantity: None,
            }),
            classifications: line
                .unspsc
                .iter()
                .map(|code| Classification {
                    scheme: "UNSPSC".into(),
                    code: code.clone(),
                })
                .collect(),
            ..CartLine::default()
        })
        .collect();
    Cart {
        session: Some(session.buyer_cookie.clone()),
        operation_allowed: Some(
            if session.operation == "inspect" {
                "inspect"
            } else {
                "edit"
            }
            .into(),
        ),
        total: Some(Amount {
            value: quote.total,
            currency: currency.clone(),
        }),
        ship_to: session.ship_to.clone(),
        lines,
        extensions: session
            .requisition
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(name, value)| Extension {
                source: format!("{EXTRINSIC}{name}"),
                value: value.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{options_of, options_text};

    #[test]
    fn options_travel_in_the_auxiliary_id_and_come_back() {
        let chosen = vec![
            ("color".to_string(), "orange".to_string()),
            ("size".to_string(), "L".to_string()),
        ];
        let text = options_text(&chosen).unwrap();
        assert_eq!(text, "color=orange;size=L");
        assert_eq!(options_of(&text), chosen);
        assert_eq!(options_text(&[]), None);
        // A buyer's own auxiliary ID names no options.
        assert!(options_of("AUX-4711").is_empty());
    }
}
