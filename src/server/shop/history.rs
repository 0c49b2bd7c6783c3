//! Order history and tracking: in a punchout session (with reorder into
//! the cart) and for a signed-in buyer outside punchout. A buyer sees the
//! orders of their company and the units below it; any other order is
//! "not found", as in the API.

use super::account::account;
use super::handlers::{add_priced, after_adding, cart_change};
use super::history_pages::{self, Reorder};
use super::pages::{self, Nav};
use super::{failure, page, shopper, Shopper};
use crate::core::{CartItem, CoreError, HistoryCursor, HistoryQuery, OrderState, OrderView};
use crate::gateway::auth::{company_path, Scope};
use crate::gateway::Gateway;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;

/// Orders per history page.
const PAGE_SIZE: u32 = 25;

/// The history's filters as the form sends them (empty fields are no
/// filter).
#[derive(Debug, Default, Deserialize)]
pub struct HistoryForm {
    pub state: Option<String>,
    pub po: Option<String>,
    pub sku: Option<String>,
    pub cost_center: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub after: Option<String>,
}

fn given(field: &Option<String>) -> Option<String> {
    field
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl HistoryForm {
    /// The filters (not the page) as query pairs, for the next page's link.
    pub fn pairs(&self) -> Vec<(String, String)> {
        [
            ("state", &self.state),
            ("po", &self.po),
            ("sku", &self.sku),
            ("cost_center", &self.cost_center),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .into_iter()
        .filter_map(|(name, value)| given(value).map(|v| (name.to_string(), v)))
        .collect()
    }

    /// The core's query for a company, or what in the form does not read.
    fn query(&self, company: &str) -> Result<HistoryQuery, String> {
        let day = |field: &Option<String>, name: &str| {
            given(field)
                .map(|d| {
                    NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map_err(|_| format!("{name} {d:?} is not a date (YYYY-MM-DD)"))
                })
                .transpose()
        };
        let states = match given(&self.state) {
            Some(s) => {
                vec![OrderState::parse(&s).ok_or_else(|| format!("there is no state {s:?}"))?]
            }
            None => vec![],
        };
        let after = match given(&self.after) {
            Some(a) => Some(HistoryCursor::parse(&a).ok_or("the page link is damaged")?),
            None => None,
        };
        Ok(HistoryQuery {
            company: company.to_string(),
            include_below: true,
            from: day(&self.from, "from")?,
            to: day(&self.to, "to")?,
            states,
            po_number: given(&self.po),
            cost_center: given(&self.cost_center),
            sku: given(&self.sku),
            after,
            limit: PAGE_SIZE,
            ..HistoryQuery::default()
        })
    }
}

/// The history page of a company (or the page saying what in the filter
/// is wrong); `Err` when the store failed.
async fn history(
    gateway: &Gateway,
    nav: Nav<'_>,
    base: &str,
    company: &str,
    form: &HistoryForm,
    reorder: Option<&Reorder>,
) -> Result<(StatusCode, String), String> {
    let query = match form.query(company) {
        Ok(q) => q,
        Err(why) => {
            let html = pages::message_in(nav, "The filter does not read", &why);
            return Ok((StatusCode::BAD_REQUEST, html));
        }
    };
    let found = gateway
        .core()
        .order_history(&query)
        .await
        .map_err(|e| e.to_string())?;
    let html = history_pages::orders(nav, base, form, &found, reorder);
    Ok((StatusCode::OK, html))
}

/// An order, when the scope covers its company.
async fn visible_order(
    gateway: &Gateway,
    scope: &Scope,
    number: &str,
) -> Result<Option<OrderView>, String> {
    let view = match gateway.core().order(number).await {
        Ok(view) => view,
        Err(CoreError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let path = company_path(gateway.store(), &view.company)
        .await
        .map_err(|e| e.to_string())?;
    Ok(path.filter(|p| scope.covers_path(p)).map(|_| view))
}

/// The scope of a punchout session's company.
async fn session_scope(gateway: &Gateway, company: &str) -> Result<Scope, String> {
    let path = company_path(gateway.store(), company)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("the session's company {company} is gone"))?;
    Ok(Scope::Company {
        code: company.to_string(),
        path,
    })
}

fn not_found(nav: Nav<'_>, number: &str) -> (StatusCode, String) {
    (
        StatusCode::NOT_FOUND,
        pages::message_in(
            nav,
            "Not found",
            &format!("There is no order {number} of yours."),
        ),
    )
}

/// The reorder button, when the session's cart may change.
fn reorder_button(shopper: &Shopper) -> Option<Reorder> {
    shopper.session.editable().then(|| Reorder {
        csrf: shopper.csrf(),
    })
}

/// `GET /shop/orders`: the company's orders, each with "Reorder".
pub async fn shop_orders(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Query(form): Query<HistoryForm>,
) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let reorder = reorder_button(&shopper);
    let nav = Nav::Shop(&shopper);
    let company = &shopper.session.company;
    match history(
        &gateway,
        nav,
        "/shop/orders",
        company,
        &form,
        reorder.as_ref(),
    )
    .await
    {
        Ok((status, html)) => page(&gateway, Some(&shopper.session), status, html),
        Err(why) => failure(&why),
    }
}

/// `GET /shop/orders/{number}`.
pub async fn shop_order(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let reorder = reorder_button(&shopper);
    let nav = Nav::Shop(&shopper);
    let shown = match session_scope(&gateway, &shopper.session.company).await {
        Ok(scope) => {
            order_page(
                &gateway,
                nav,
                "/shop/orders",
                &scope,
                &number,
                reorder.as_ref(),
            )
            .await
        }
        Err(why) => Err(why),
    };
    match shown {
        Ok((status, html)) => page(&gateway, Some(&shopper.session), status, html),
        Err(why) => failure(&why),
    }
}

/// An order's page when the scope covers it, else "not found"; `Err`
/// when the store failed.
async fn order_page(
    gateway: &Gateway,
    nav: Nav<'_>,
    base: &str,
    scope: &Scope,
    number: &str,
    reorder: Option<&Reorder>,
) -> Result<(StatusCode, String), String> {
    Ok(match visible_order(gateway, scope, number).await? {
        Some(view) => (
            StatusCode::OK,
            history_pages::order(nav, base, &view, reorder),
        ),
        None => not_found(nav, number),
    })
}

/// `POST /shop/reorder` with `number`: the order's lines (not those
/// rejected or cancelled), with their options, go into the cart at
/// today's prices; lines the catalog no longer sells are listed with why.
pub async fn reorder(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let (mut shopper, fields) = match cart_change(&gateway, &headers, &body).await {
        Ok(change) => change,
        Err(refused) => return *refused,
    };
    let number = fields.get("number").cloned().unwrap_or_default();
    let found = match session_scope(&gateway, &shopper.session.company).await {
        Ok(scope) => visible_order(&gateway, &scope, &number).await,
        Err(why) => Err(why),
    };
    let view = match found {
        Ok(Some(view)) => view,
        Ok(None) => {
            let (status, html) = not_found(Nav::Shop(&shopper), &number);
            return page(&gateway, Some(&shopper.session), status, html);
        }
        Err(why) => return failure(&why),
    };
    let items: Vec<CartItem> = view
        .lines
        .iter()
        .filter(|l| !matches!(l.status.as_str(), "rejected" | "cancelled"))
        .map(|l| CartItem {
            sku: l.sku.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            options: l.options.clone(),
        })
        .collect();
    let mut problems = Vec::new();
    if let Err(why) = add_priced(&gateway, &mut shopper, items, &mut problems).await {
        return failure(&why);
    }
    after_adding(&gateway, &shopper, "", &problems)
}

/// `GET /account/orders`: a signed-in buyer's orders.
pub async fn account_orders(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Query(form): Query<HistoryForm>,
) -> Response {
    let account = match account(&gateway, &headers, "/account/orders").await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let csrf = account.csrf();
    let nav = Nav::Account(&account.session, &csrf);
    let company = &account.session.company;
    match history(&gateway, nav, "/account/orders", company, &form, None).await {
        Ok((status, html)) => page(&gateway, None, status, html),
        Err(why) => failure(&why),
    }
}

/// `GET /account/orders/{number}`: an order's lines, shipments with
/// tracking, invoices and timeline.
pub async fn account_order(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Response {
    let here = history_pages::order_link("/account/orders", &number);
    let account = match account(&gateway, &headers, &here).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let csrf = account.csrf();
    let nav = Nav::Account(&account.session, &csrf);
    let scope = &account.session.scope;
    match order_page(&gateway, nav, "/account/orders", scope, &number, None).await {
        Ok((status, html)) => page(&gateway, None, status, html),
        Err(why) => failure(&why),
    }
}
