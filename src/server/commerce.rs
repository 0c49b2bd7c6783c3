//! The REST API's commerce reads and writes beside orders: a company's
//! catalog, the company itself, and its budgets. Same tokens and scoping
//! as the rest of `/api`.

use super::api::{ApiResult, Caller};
use crate::core::Money;
use crate::gateway::Gateway;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

/// The routes, to be nested under `/api`.
pub fn routes() -> Router<Gateway> {
    Router::new()
        .route("/catalog", get(catalog))
        .route("/companies/{code}", get(company))
        .route(
            "/companies/{code}/budgets/{cost_center}",
            get(budget).put(set_budget),
        )
}

#[derive(Deserialize)]
struct CatalogQuery {
    company: Option<String>,
    market: String,
    after: Option<String>,
    limit: Option<u32>,
}

/// What a company may buy in a market (its assortments, else the
/// market's catalog), keyset-paged by SKU.
async fn catalog(
    State(gateway): State<Gateway>,
    caller: Caller,
    Query(q): Query<CatalogQuery>,
) -> ApiResult<Response> {
    let company = caller.company(&gateway, q.company).await?;
    let products = gateway
        .core()
        .catalog_for(
            &company,
            &q.market,
            q.after.as_deref(),
            q.limit.unwrap_or(100).min(1000),
        )
        .await?;
    Ok(Json(products).into_response())
}

async fn company(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<Response> {
    let code = caller.company(&gateway, Some(code)).await?;
    Ok(Json(gateway.core().company(&code).await?).into_response())
}

#[derive(Deserialize)]
struct OnDay {
    on: Option<NaiveDate>,
}

/// A cost center's budget on a day: the amount and what is left.
async fn budget(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path((code, cost_center)): Path<(String, String)>,
    Query(q): Query<OnDay>,
) -> ApiResult<Response> {
    let code = caller.company(&gateway, Some(code)).await?;
    let on = q.on.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let found = gateway.core().budget(&code, &cost_center, on).await?;
    let body = match found {
        Some((amount, left)) => {
            serde_json::json!({ "cost_center": cost_center, "on": on, "amount": amount, "left": left })
        }
        None => {
            serde_json::json!({ "cost_center": cost_center, "on": on, "amount": null, "left": null })
        }
    };
    Ok(Json(body).into_response())
}

#[derive(Deserialize)]
struct NewBudget {
    from: NaiveDate,
    to: NaiveDate,
    amount: Decimal,
    currency: String,
}

/// Sets a cost center's budget for a period (staff).
async fn set_budget(
    State(gateway): State<Gateway>,
    caller: Caller,
    Path((code, cost_center)): Path<(String, String)>,
    Json(new): Json<NewBudget>,
) -> ApiResult<Response> {
    caller.staff()?;
    gateway
        .core()
        .set_budget(
            &caller.actor(),
            &code,
            &cost_center,
            (new.from, new.to),
            &Money::new(new.amount, &new.currency),
        )
        .await?;
    Ok(Json(serde_json::json!({ "company": code, "cost_center": cost_center, "from": new.from, "to": new.to })).into_response())
}
