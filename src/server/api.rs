//! The REST API: JSON under `/api`, every call with a bearer token. A
//! buyer's token sees its company and the units below it, and nothing of
//! other companies (their orders answer 404, as if they did not exist); a
//! staff token sees everything.

use crate::core::{
    Actor, ChannelKind, CoreError, HistoryCursor, HistoryQuery, OrderState, PlaceOrder, PriceQuery,
};
use crate::document::Order;
use crate::gateway::auth::{company_path, scope_of, Scope};
use crate::gateway::journal::Search;
use crate::gateway::Gateway;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::BTreeMap;

/// The routes under `/api`.
pub fn routes() -> Router<Gateway> {
    Router::new()
        .route("/orders", get(list_orders).post(create_order))
        .route("/orders/{number}", get(get_order))
        .route("/orders/{number}/approve", post(approve))
        .route("/orders/{number}/reject", post(reject))
        .route("/orders/{number}/cancel", post(cancel))
        .route("/messages", get(search_messages))
        .route("/messages/{id}", get(get_message))
        .route("/messages/{id}/raw", get(raw_message))
        .route("/messages/{id}/reprocess", post(reprocess))
        .route("/messages/{id}/resend", post(resend))
        .route("/orders.csv", get(orders_csv))
        .route(
            "/price-lists/{list}/prices/{sku}",
            axum::routing::put(set_price),
        )
        .route("/availability", get(availability))
        .route("/connectors", get(connectors))
        .route("/connectors/{connector}/documents", post(post_documents))
        .route("/prices", get(price))
        .merge(super::commerce::routes())
}

/// An error as JSON: `{"error": "..."}` with a status that fits.
pub struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        let status = match &e {
            CoreError::NotFound { .. } => StatusCode::NOT_FOUND,
            CoreError::Exists { .. } | CoreError::KeyReused { .. } => StatusCode::CONFLICT,
            CoreError::IllegalTransition { .. } | CoreError::Concurrent(_) => StatusCode::CONFLICT,
            CoreError::Forbidden { .. } => StatusCode::FORBIDDEN,
            CoreError::Invalid(_) | CoreError::Amount { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    }
}

/// A handler's result.
pub type ApiResult<T> = Result<T, ApiError>;

fn not_found(what: &str) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, format!("{what} not found"))
}

/// The caller, from `Authorization: Bearer TOKEN`.
pub struct Caller(pub Scope);

impl FromRequestParts<Gateway> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        gateway: &Gateway,
    ) -> Result<Self, Self::Rejection> {
        let unauthorized = |why: &str| ApiError(StatusCode::UNAUTHORIZED, why.to_string());
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or_else(|| unauthorized("send `Authorization: Bearer <token>`"))?;
        match scope_of(gateway.store(), token.trim()).await? {
            Some(scope) => Ok(Caller(scope)),
            None => Err(unauthorized("unknown token")),
        }
    }
}

impl Caller {
    /// Refused unless the caller is staff.
    pub fn staff(&self) -> ApiResult<()> {
        match self.0 {
            Scope::Staff => Ok(()),
            _ => Err(ApiError(StatusCode::FORBIDDEN, "staff only".into())),
        }
    }

    /// The caller as the core's actor.
    pub fn actor(&self) -> Actor {
        match &self.0 {
            Scope::Staff => Actor::system("api:staff"),
            Scope::Company { code, .. } => Actor::system(&format!("api:{code}")),
        }
    }

    /// Whether the caller may see a company's business.
    async fn sees(&self, gateway: &Gateway, company: &str) -> ApiResult<bool> {
        if self.0 == Scope::Staff {
            return Ok(true);
        }
        let path = company_path(gateway.store(), company).await?;
        Ok(path.is_some_and(|p| self.0.covers_path(&p)))
    }

    /// The company a request is about: the one named, or the buyer's own;
    /// staff must name one. Not found when the caller may not see it.
    pub async fn company(&self, gateway: &Gateway, named: Option<String>) -> ApiResult<String> {
        let company = match (&self.0, named) {
            (_, Some(c)) => c,
            (Scope::Company { code, .. }, None) => code.clone(),
            (Scope::Staff, None) => {
                return Err(ApiError(StatusCode::BAD_REQUEST, "name a `company`".into()))
            }
        };
        if self.sees(gateway, &company).await? {
            Ok(company)
        } else {
            Err(not_found(&format!("company {company}")))
        }
    }

    /// The order, when the caller may see it; otherwise not found.
    async fn order(&self, gateway: &Gateway, number: &str) -> ApiResult<crate::core::OrderView> {
        let view = gateway.core().order(number).await?;
        if self.sees(gateway, &view.company).await? {
            Ok(view)
        } else {
            Err(not_found(&format!("order {number}")))
        }
    }
}

async fn get_order(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(number): Path<String>,
) -> ApiResult<Response> {
    let view = caller.order(&gateway, &number).await?;
    let messages = gateway.journal().for_order(&number).await?;
    let mut body = serde_json::to_value(&view)
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    body["messages"] = serde_json::to_value(messages).unwrap_or_default();
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
struct ListQuery {
    company: Option<String>,
    state: Option<String>,
    po_number: Option<String>,
    after: Option<String>,
    limit: Option<u32>,
}

async fn list_orders(
    State(gateway): State<Gateway>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let company = caller.company(&gateway, q.company).await?;
    let states = match q.state.as_deref() {
        Some(s) => vec![OrderState::parse(s)
            .ok_or_else(|| ApiError(StatusCode::BAD_REQUEST, format!("no state {s:?}")))?],
        None => vec![],
    };
    let after = match q.after.as_deref() {
        Some(token) => Some(
            HistoryCursor::parse(token)
                .ok_or_else(|| ApiError(StatusCode::BAD_REQUEST, "bad `after` cursor".into()))?,
        ),
        None => None,
    };
    let page = gateway
        .core()
        .order_history(&HistoryQuery {
            company,
            include_below: true,
            states,
            po_number: q.po_number,
            after,
            limit: q.limit.unwrap_or(50),
            ..HistoryQuery::default()
        })
        .await?;
    Ok(Json(page).into_response())
}

#[derive(Deserialize)]
struct NewOrder {
    brand: String,
    market: String,
    company: String,
    order: Order,
    #[serde(default)]
    options: BTreeMap<String, Vec<(String, String)>>,
}

async fn create_order(
    State(gateway): State<Gateway>,
    caller: Caller,
    headers: HeaderMap,
    Json(new): Json<NewOrder>,
) -> ApiResult<Response> {
    if !caller.sees(&gateway, &new.company).await? {
        return Err(not_found(&format!("company {}", new.company)));
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(|k| format!("api:{k}"));
    let place = PlaceOrder {
        channel: ChannelKind::Api,
        brand: new.brand,
        market: new.market,
        company: new.company,
        order: new.order,
        options: new.options,
        on: None,
        source: Some("REST API".into()),
    };
    let placed = gateway
        .core()
        .place_order(key.as_deref(), &caller.actor(), &place)
        .await?;
    gateway.wake_outbound();
    Ok((StatusCode::CREATED, Json(placed)).into_response())
}

#[derive(Deserialize, Default)]
struct Decision {
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

async fn approve(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(number): Path<String>,
    body: Option<Json<Decision>>,
) -> ApiResult<Response> {
    caller.order(&gateway, &number).await?;
    let d = body.map(|b| b.0).unwrap_or_default();
    let state = gateway
        .core()
        .approve_order(None, &caller.actor(), &number, d.comment.as_deref())
        .await?;
    gateway.wake_outbound();
    Ok(Json(serde_json::json!({ "order": number, "state": state })).into_response())
}

async fn reject(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(number): Path<String>,
    body: Option<Json<Decision>>,
) -> ApiResult<Response> {
    caller.order(&gateway, &number).await?;
    let d = body.map(|b| b.0).unwrap_or_default();
    let reason = d.reason.or(d.comment).unwrap_or_else(|| "rejected".into());
    let state = gateway
        .core()
        .reject_order(None, &caller.actor(), &number, &reason)
        .await?;
    Ok(Json(serde_json::json!({ "order": number, "state": state })).into_response())
}

async fn cancel(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(number): Path<String>,
    body: Option<Json<Decision>>,
) -> ApiResult<Response> {
    caller.order(&gateway, &number).await?;
    let d = body.map(|b| b.0).unwrap_or_default();
    let reason = d
        .reason
        .unwrap_or_else(|| "cancelled through the API".into());
    let moved = gateway
        .core()
        .cancel_order(None, &caller.actor(), &number, &reason)
        .await?;
    Ok(Json(moved).into_response())
}

async fn search_messages(
    State(gateway): State<Gateway>,
    caller: Caller,
    Query(search): Query<Search>,
) -> ApiResult<Response> {
    let found = gateway.journal().search(&search).await?;
    let mut visible = Vec::with_capacity(found.len());
    for entry in found {
        if visible_to(&caller, &gateway, &entry.orders).await? {
            visible.push(entry);
        }
    }
    Ok(Json(visible).into_response())
}

/// Staff see every message; a buyer those linked only to its orders.
async fn visible_to(caller: &Caller, gateway: &Gateway, orders: &[String]) -> ApiResult<bool> {
    if caller.0 == Scope::Staff {
        return Ok(true);
    }
    if orders.is_empty() {
        return Ok(false);
    }
    for number in orders {
        if caller.order(gateway, number).await.is_err() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// A journal entry, when the caller may see it; otherwise not found.
async fn visible_entry(
    caller: &Caller,
    gateway: &Gateway,
    id: i64,
) -> ApiResult<crate::gateway::journal::Entry> {
    let entry = gateway.journal().get(id).await?;
    match entry {
        Some(entry) if visible_to(caller, gateway, &entry.orders).await? => Ok(entry),
        _ => Err(not_found("message")),
    }
}

async fn get_message(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    Ok(Json(visible_entry(&caller, &gateway, id).await?).into_response())
}

async fn raw_message(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let entry = visible_entry(&caller, &gateway, id).await?;
    let raw = gateway.journal().raw(id).await?.unwrap_or_default();
    let content_type = crate::gateway::inbound::content_type_of(&entry.format);
    Ok(([(header::CONTENT_TYPE, content_type)], raw).into_response())
}

async fn connectors(State(gateway): State<Gateway>, caller: Caller) -> ApiResult<Response> {
    caller.staff()?;
    let list: Vec<serde_json::Value> = gateway
        .connectors()
        .all()
        .map(|c| {
            serde_json::json!({
                "id": c.id,
                "name": c.name,
                "role": format!("{:?}", c.role).to_lowercase(),
                "brand": c.brand,
                "company": c.company,
                "market": c.market,
                "x12": c.x12.as_ref().map(|x| format!("{}:{}", x.qualifier, x.id)),
                "edifact": c.edifact.as_ref().map(|e| e.id.clone()),
                "cxml": c.cxml.as_ref().map(|x| format!("{}:{}", x.domain, x.identity)),
                "outbound": c.outbound.len(),
            })
        })
        .collect();
    Ok(Json(list).into_response())
}

#[derive(Deserialize)]
struct PriceParams {
    sku: String,
    company: Option<String>,
    market: String,
    quantity: Option<Decimal>,
    on: Option<chrono::NaiveDate>,
}

async fn price(
    State(gateway): State<Gateway>,
    caller: Caller,
    Query(p): Query<PriceParams>,
) -> ApiResult<Response> {
    let company = caller.company(&gateway, p.company).await?;
    let resolution = gateway
        .core()
        .resolve_price(&PriceQuery {
            sku: p.sku,
            company,
            market: p.market,
            quantity: p.quantity.unwrap_or(Decimal::ONE),
            on: p.on.unwrap_or_else(|| chrono::Utc::now().date_naive()),
        })
        .await?;
    Ok(Json(resolution).into_response())
}

async fn reprocess(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    caller.staff()?;
    let status = gateway
        .reprocess(id)
        .await?
        .ok_or_else(|| not_found("inbound message"))?;
    gateway.wake_outbound();
    Ok(Json(serde_json::json!({ "message": id, "status": status })).into_response())
}

async fn resend(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    caller.staff()?;
    match gateway.resend(id).await {
        Ok(()) => Ok((
            StatusCode::ACCEPTED,
            Json(serde_json::json!({ "message": id, "resend": "queued" })),
        )
            .into_response()),
        Err(sqlx::Error::RowNotFound) => Err(not_found("outbound message")),
        Err(e) => Err(e.into()),
    }
}

async fn orders_csv(
    State(gateway): State<Gateway>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let company = caller.company(&gateway, q.company).await?;
    let mut out = Vec::new();
    gateway
        .core()
        .export_history_csv(
            &HistoryQuery {
                company,
                include_below: true,
                po_number: q.po_number,
                limit: q.limit.unwrap_or(10_000),
                ..HistoryQuery::default()
            },
            &mut out,
        )
        .await?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], out).into_response())
}

#[derive(Deserialize)]
struct NewPrice {
    price: Decimal,
    #[serde(default)]
    from_quantity: Decimal,
}

/// Sets a price; it applies at once to every channel, and partners
/// subscribed to price catalogs get the change (832 / PRICAT).
async fn set_price(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path((list, sku)): Path<(String, String)>,
    Json(new): Json<NewPrice>,
) -> ApiResult<Response> {
    caller.staff()?;
    gateway
        .core()
        .set_price(&caller.actor(), &list, &sku, new.from_quantity, new.price)
        .await?;
    let announced = gateway
        .announce_price(&list, &sku, new.from_quantity, new.price)
        .await?;
    Ok(Json(serde_json::json!({
        "list": list, "sku": sku, "price": new.price, "from_quantity": new.from_quantity,
        "announced_to": announced,
    }))
    .into_response())
}

#[derive(Deserialize)]
struct AvailabilityParams {
    sku: String,
    on: Option<chrono::NaiveDate>,
}

async fn availability(
    State(gateway): State<Gateway>,
    _caller: Caller,
    Query(p): Query<AvailabilityParams>,
) -> ApiResult<Response> {
    let on = p.on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    Ok(Json(gateway.core().availability(&p.sku, on).await?).into_response())
}

/// Canonical documents from a connector's system (staff tokens: the
/// system posting them is the seller's integration).
async fn post_documents(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(connector): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    caller.staff()?;
    let connector = gateway
        .connectors()
        .get(&connector)
        .cloned()
        .ok_or_else(|| not_found(&format!("connector {connector}")))?;
    let key = headers.get("idempotency-key").and_then(|v| v.to_str().ok());
    let answer = gateway.receive_json(&connector, key, body.to_vec()).await;
    Ok(super::answer(answer))
}
