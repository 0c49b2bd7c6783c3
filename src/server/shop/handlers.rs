//! The shop's handlers: read the session, ask the core, render a page or
//! change the cart and redirect.

use super::pages::{self, CartView, SearchView};
use super::{failure, page, see_other, session_cookie, shopper, with_cookie, Shopper};
use crate::core::{CartItem, CatalogSearch, CoreError, SearchSort};
use crate::gateway::punchout::StartRefused;
use crate::gateway::Gateway;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::HashMap;
use std::str::FromStr;
use subtle::ConstantTimeEq;

/// Hits per search page.
const PAGE_SIZE: u32 = 24;

/// The last page a search goes to (beyond it, narrow the search).
const MAX_PAGE: u32 = 1_000;

pub(super) fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

/// `GET /punchout/start/{token}`: enters the session once, sets its
/// cookie and shows the catalog (or the cart, for edit and inspect).
pub async fn start(State(gateway): State<Gateway>, Path(token): Path<String>) -> Response {
    let refused = |text: &str| {
        let html = pages::message("This link cannot be used", text);
        page(&gateway, None, StatusCode::FORBIDDEN, html)
    };
    match gateway.start_session(&token).await {
        Ok(Ok((session_token, session))) => {
            let max_age = (session.expires_at - crate::store::now_micros()) / 1_000_000;
            let to = if session.cart.is_empty() { "/shop" } else { "/shop/cart" };
            let cookie = session_cookie(&gateway, &session_token, max_age.max(0));
            with_cookie(see_other(to), &cookie)
        }
        Ok(Err(StartRefused::Used)) => refused(
            "This start link was already used: each link opens one session. Start again from your procurement system.",
        ),
        Ok(Err(StartRefused::Expired)) => refused(
            "This start link has expired. Start again from your procurement system.",
        ),
        Ok(Err(StartRefused::Unknown)) => refused("This start link is not known."),
        Err(e) => failure(&e.to_string()),
    }
}

/// `GET /oci/{connector}?HOOK_URL=…&USERNAME=…&PASSWORD=…`.
pub async fn oci_entry_get(
    State(gateway): State<Gateway>,
    Path(connector): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    oci_entry(&gateway, &connector, &query).await
}

/// `POST /oci/{connector}` with the same fields as a form.
pub async fn oci_entry_post(
    State(gateway): State<Gateway>,
    Path(connector): Path<String>,
    body: Bytes,
) -> Response {
    let fields = crate::cxml::parse_form_body(&body);
    oci_entry(&gateway, &connector, &fields).await
}

async fn oci_entry(gateway: &Gateway, connector: &str, fields: &[(String, String)]) -> Response {
    match gateway.oci_entry(connector, fields).await {
        Ok(start) => see_other(&start),
        Err((status, why)) => {
            let html = pages::message("The shop cannot be opened", &why);
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
            page(gateway, None, status, html)
        }
    }
}

/// The search form's fields.
#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    brand: Option<String>,
    category: Option<String>,
    /// `name=value`.
    attr: Option<String>,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    page: u32,
}

/// `GET /shop`: search and browse.
pub async fn search(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Query(form): Query<SearchForm>,
) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let s = &shopper.session;
    let search = CatalogSearch {
        company: s.company.clone(),
        market: s.market.clone(),
        text: form.q.clone(),
        brand: form.brand.clone().filter(|b| !b.is_empty()),
        category: form.category.clone().filter(|c| !c.is_empty()),
        attribute: form
            .attr
            .as_deref()
            .and_then(|a| a.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string())),
        sort: SearchSort::parse(&form.sort),
        offset: form.page.min(MAX_PAGE) * PAGE_SIZE,
        limit: PAGE_SIZE,
        on: Some(today()),
    };
    let core = gateway.core();
    let found = core.search_catalog(&search).await;
    let frequent = if form.q.is_empty() && form.page == 0 {
        core.frequently_bought(&s.company, 8)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    match found {
        Ok(found) => {
            let view = SearchView {
                search: &search,
                page: form.page,
                page_size: PAGE_SIZE,
                found: &found,
                frequent: &frequent,
            };
            let html = pages::search(&shopper, &view, &shopper.csrf());
            page(&gateway, Some(s), StatusCode::OK, html)
        }
        Err(e) => failure(&e.to_string()),
    }
}

/// `GET /shop/product/{sku}`: one product, at the buyer's price; a
/// product outside the buyer's assortment is not found.
pub async fn product(
    State(gateway): State<Gateway>,
    headers: HeaderMap,
    Path(sku): Path<String>,
) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let s = &shopper.session;
    let core = gateway.core();
    match core
        .product_sheet(&s.company, &s.market, &sku, today())
        .await
    {
        Ok(sheet) => {
            let html = pages::product(&shopper, &sheet, &shopper.csrf());
            page(&gateway, Some(s), StatusCode::OK, html)
        }
        Err(CoreError::NotFound { .. }) => {
            let html = pages::message(
                "Not found",
                &format!("There is no product {sku} in your catalog."),
            );
            page(&gateway, Some(s), StatusCode::NOT_FOUND, html)
        }
        Err(e) => failure(&e.to_string()),
    }
}

/// `GET /shop/cart`.
pub async fn cart(State(gateway): State<Gateway>, headers: HeaderMap) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    render_cart(&gateway, &shopper, StatusCode::OK, None).await
}

async fn render_cart(
    gateway: &Gateway,
    shopper: &Shopper,
    status: StatusCode,
    notice: Option<String>,
) -> Response {
    let s = &shopper.session;
    let core = gateway.core();
    let quote = match core
        .quote_cart(&s.company, &s.market, &s.cart, today())
        .await
    {
        Ok(q) => q,
        Err(e) => return failure(&e.to_string()),
    };
    let budget = match s.requisition.get("CostCenter").filter(|c| !c.is_empty()) {
        Some(center) => core
            .budget(&s.company, center, today())
            .await
            .ok()
            .flatten()
            // A budget kept in another currency than the market's is not
            // set against this cart.
            .filter(|(amount, _)| amount.currency == quote.currency)
            .map(|(amount, consumed)| (center.clone(), amount.amount, consumed.amount)),
        None => None,
    };
    let view = CartView {
        quote: &quote,
        budget,
        notice,
    };
    let html = pages::cart(shopper, &view, &shopper.csrf());
    page(gateway, Some(s), status, html)
}

/// A posted form, when its token is this session's.
fn form(shopper: &Shopper, body: &[u8]) -> Option<HashMap<String, String>> {
    let fields: HashMap<String, String> = crate::cxml::parse_form_body(body).into_iter().collect();
    let given = fields.get("csrf").map_or(&[][..], |t| t.as_bytes());
    bool::from(given.ct_eq(shopper.csrf().as_bytes())).then_some(fields)
}

/// The session and form of a post that changes the cart, or the answer
/// refusing it: no session, a form of another session, or a cart that
/// may not change.
pub(super) async fn cart_change(
    gateway: &Gateway,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(Shopper, HashMap<String, String>), Box<Response>> {
    let shopper = shopper(gateway, headers).await.map_err(Box::new)?;
    let Some(fields) = form(&shopper, body) else {
        return Err(Box::new(forged()));
    };
    if !shopper.session.editable() {
        return Err(Box::new(read_only(gateway, &shopper)));
    }
    Ok((shopper, fields))
}

fn forged() -> Response {
    (
        StatusCode::FORBIDDEN,
        "the form does not belong to this session",
    )
        .into_response()
}

fn read_only(gateway: &Gateway, shopper: &Shopper) -> Response {
    let html = pages::message(
        "This cart cannot be changed",
        if shopper.session.transferred {
            "The cart was already returned to your procurement system."
        } else {
            "This session only shows the cart (inspect)."
        },
    );
    page(gateway, Some(&shopper.session), StatusCode::CONFLICT, html)
}

/// The most of one item a cart line holds.
const MAX_QUANTITY: i64 = 1_000_000_000;

/// A quantity as typed (decimal comma or point), at most
/// [`MAX_QUANTITY`].
fn quantity(text: Option<&String>) -> Option<Decimal> {
    text.and_then(|t| Decimal::from_str(t.trim().replace(',', ".").as_str()).ok())
        .filter(|q| *q <= Decimal::from(MAX_QUANTITY))
}

/// `POST /shop/cart/add`: sku, quantity, unit, options as `opt_{name}`.
pub async fn add(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let (mut shopper, fields) = match cart_change(&gateway, &headers, &body).await {
        Ok(change) => change,
        Err(refused) => return *refused,
    };
    let sku = fields.get("sku").cloned().unwrap_or_default();
    let Some(quantity) = quantity(fields.get("quantity")).filter(|q| *q > Decimal::ZERO) else {
        return render_cart(
            &gateway,
            &shopper,
            StatusCode::BAD_REQUEST,
            Some("The quantity must be a number above zero.".into()),
        )
        .await;
    };
    let core = gateway.core();
    let s = &shopper.session;
    let sheet = match core
        .product_sheet(&s.company, &s.market, &sku, today())
        .await
    {
        Ok(sheet) => sheet,
        Err(_) => {
            return render_cart(
                &gateway,
                &shopper,
                StatusCode::NOT_FOUND,
                Some(format!("There is no product {sku} in your catalog.")),
            )
            .await
        }
    };
    let unit = fields
        .get("unit")
        .filter(|u| sheet.units.iter().any(|(known, _)| known == *u))
        .cloned()
        .unwrap_or_else(|| sheet.product.base_unit.clone());
    let mut options: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("opt_").map(|o| (o.to_string(), v.clone())))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    options.sort();
    add_item(
        &mut shopper.session.cart,
        CartItem {
            sku,
            quantity,
            unit,
            options,
        },
    );
    if let Err(e) = gateway.save_session(&shopper.session).await {
        return failure(&e.to_string());
    }
    see_other(
        fields
            .get("back")
            .filter(|b| b.starts_with("/shop"))
            .map_or("/shop/cart", String::as_str),
    )
}

/// Adds to the line of the same SKU, unit and options, or appends.
fn add_item(cart: &mut Vec<CartItem>, item: CartItem) {
    match cart
        .iter_mut()
        .find(|c| c.sku == item.sku && c.unit == item.unit && c.options == item.options)
    {
        Some(line) => {
            line.quantity = (line.quantity + item.quantity).min(Decimal::from(MAX_QUANTITY))
        }
        None => cart.push(item),
    }
}

/// `POST /shop/cart/update`: `qty_{n}` per line (0 removes it),
/// `remove` = a line number, and the requisition fields.
pub async fn update(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let (mut shopper, fields) = match cart_change(&gateway, &headers, &body).await {
        Ok(change) => change,
        Err(refused) => return *refused,
    };
    let session = &mut shopper.session;
    let remove: Option<usize> = fields.get("remove").and_then(|r| r.parse().ok());
    let mut kept = Vec::with_capacity(session.cart.len());
    for (n, mut item) in session.cart.drain(..).enumerate() {
        if let Some(q) = quantity(fields.get(&format!("qty_{n}"))) {
            item.quantity = q;
        }
        if remove != Some(n) && item.quantity > Decimal::ZERO {
            kept.push(item);
        }
    }
    session.cart = kept;
    for name in pages::REQUISITION_FIELDS {
        if let Some(value) = fields.get(*name) {
            session
                .requisition
                .insert((*name).to_string(), value.trim().to_string());
        }
    }
    if let Err(e) = gateway.save_session(session).await {
        return failure(&e.to_string());
    }
    see_other("/shop/cart")
}

/// `GET /shop/quick`: the quick-order form.
pub async fn quick_form(State(gateway): State<Gateway>, headers: HeaderMap) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let html = pages::quick(&shopper, &shopper.csrf(), "", &[]);
    page(&gateway, Some(&shopper.session), StatusCode::OK, html)
}

/// `POST /shop/quick`: `SKU,quantity[,unit]` lines (comma, semicolon or
/// tab; a header line is skipped); the lines the catalog prices go into
/// the cart, the others are shown with why.
pub async fn quick(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let (mut shopper, fields) = match cart_change(&gateway, &headers, &body).await {
        Ok(change) => change,
        Err(refused) => return *refused,
    };
    let text = fields.get("lines").cloned().unwrap_or_default();
    let (items, mut problems) = parse_quick_lines(&text);
    let s = &shopper.session;
    let core = gateway.core();
    let mut priced = Vec::new();
    for mut item in items {
        if item.unit.is_empty() {
            match core
                .product_sheet(&s.company, &s.market, &item.sku, today())
                .await
            {
                Ok(sheet) => item.unit = sheet.product.base_unit,
                Err(_) => {
                    problems.push(format!("{}: not in your catalog", item.sku));
                    continue;
                }
            }
        }
        priced.push(item);
    }
    if let Err(e) = add_priced(&gateway, &mut shopper, priced, &mut problems).await {
        return failure(&e);
    }
    after_adding(&gateway, &shopper, &text, &problems)
}

/// Prices items for the session and puts those the core prices into the
/// cart (saved); the others join the problems, with why.
pub(super) async fn add_priced(
    gateway: &Gateway,
    shopper: &mut Shopper,
    items: Vec<CartItem>,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let s = &shopper.session;
    let quote = gateway
        .core()
        .quote_cart(&s.company, &s.market, &items, today())
        .await
        .map_err(|e| e.to_string())?;
    for line in quote.lines {
        match line.problem {
            Some(why) => problems.push(format!("{}: {why}", line.item.sku)),
            None => add_item(&mut shopper.session.cart, line.item),
        }
    }
    gateway
        .save_session(&shopper.session)
        .await
        .map_err(|e| e.to_string())
}

/// The cart when everything went in; else the quick-order page saying
/// what did not.
pub(super) fn after_adding(
    gateway: &Gateway,
    shopper: &Shopper,
    text: &str,
    problems: &[String],
) -> Response {
    if problems.is_empty() {
        return see_other("/shop/cart");
    }
    let html = pages::quick(shopper, &shopper.csrf(), text, problems);
    page(
        gateway,
        Some(&shopper.session),
        StatusCode::UNPROCESSABLE_ENTITY,
        html,
    )
}

/// Quick-order lines as items (unit empty when not given) and the lines
/// that do not read.
fn parse_quick_lines(text: &str) -> (Vec<CartItem>, Vec<String>) {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split([',', ';', '\t']).map(str::trim).collect();
        let qty = cells
            .get(1)
            .and_then(|q| Decimal::from_str(q).ok())
            .filter(|q| *q <= Decimal::from(MAX_QUANTITY));
        match (cells.first(), qty) {
            (Some(sku), Some(q)) if !sku.is_empty() && q > Decimal::ZERO => items.push(CartItem {
                sku: sku.to_string(),
                quantity: q,
                unit: cells.get(2).map(|u| u.to_string()).unwrap_or_default(),
                options: Vec::new(),
            }),
            // A header line names its columns.
            _ if n == 0 && line.to_ascii_lowercase().contains("sku") => {}
            _ => problems.push(format!(
                "line {}: {line:?} is not SKU,quantity[,unit]",
                n + 1
            )),
        }
    }
    (items, problems)
}

/// `POST /shop/transfer`: the page that posts the cart back.
pub async fn transfer(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let shopper = match shopper(&gateway, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if form(&shopper, &body).is_none() {
        return forged();
    }
    if shopper.session.transferred {
        return read_only(&gateway, &shopper);
    }
    match gateway.transfer(&shopper.session).await {
        Ok(html) => page(&gateway, Some(&shopper.session), StatusCode::OK, html),
        Err(crate::gateway::punchout::TransferError::Closed) => read_only(&gateway, &shopper),
        Err(crate::gateway::punchout::TransferError::Cart(why)) => {
            render_cart(
                &gateway,
                &shopper,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(format!("The cart cannot go back yet: {why}")),
            )
            .await
        }
        Err(e) => failure(&e.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quick_lines_read_with_any_separator_and_say_what_does_not() {
        let (items, problems) = parse_quick_lines(
            "sku,quantity\nAC-1001, 5\nAC-2040;2;CT\nAC-3300\t1.5\nbad line\nX,0\n",
        );
        let read: Vec<(&str, String, &str)> = items
            .iter()
            .map(|i| (i.sku.as_str(), i.quantity.to_string(), i.unit.as_str()))
            .collect();
        assert_eq!(
            read,
            vec![
                ("AC-1001", "5".into(), ""),
                ("AC-2040", "2".into(), "CT"),
                ("AC-3300", "1.5".into(), "")
            ]
        );
        assert_eq!(problems.len(), 2);
        assert!(problems[0].starts_with("line 5"));
    }

    #[test]
    fn adding_the_same_item_adds_to_its_line() {
        let mut cart = Vec::new();
        let item = |q: i64| CartItem {
            sku: "A".into(),
            quantity: Decimal::from(q),
            unit: "EA".into(),
            options: vec![],
        };
        add_item(&mut cart, item(2));
        add_item(&mut cart, item(3));
        assert_eq!(cart.len(), 1);
        assert_eq!(cart[0].quantity, Decimal::from(5));
    }
}
