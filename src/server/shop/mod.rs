//! The buyer's shop: punchout entry (the one-time start URL, OCI entry
//! calls), catalog search, product pages, the cart, quick order, order
//! history with reorder, and the transfer of the cart back to the
//! procurement system; and, outside punchout, a buyer's sign-in with the
//! company's token to the order history and tracking.
//!
//! Pages are rendered on the server (maud, which escapes every value) and
//! work without JavaScript; every change is a form post carrying a token
//! derived from the session, since the session cookie must be
//! `SameSite=None` to work inside a procurement system's frame.

mod account;
mod handlers;
mod history;
mod history_pages;
mod labels;
mod pages;

use crate::gateway::punchout::Session;
use crate::gateway::Gateway;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use sha2::{Digest, Sha256};

/// The session cookie's name.
pub const COOKIE: &str = "edigate_shop";

/// The shop's routes.
pub fn routes() -> Router<Gateway> {
    Router::new()
        .route("/punchout/start/{token}", get(handlers::start))
        .route(
            "/oci/{connector}",
            get(handlers::oci_entry_get).post(handlers::oci_entry_post),
        )
        .route("/shop", get(handlers::search))
        .route("/shop/product/{sku}", get(handlers::product))
        .route("/shop/cart", get(handlers::cart))
        .route("/shop/cart/add", post(handlers::add))
        .route("/shop/cart/update", post(handlers::update))
        .route(
            "/shop/quick",
            get(handlers::quick_form).post(handlers::quick),
        )
        .route("/shop/transfer", post(handlers::transfer))
        .route("/shop/orders", get(history::shop_orders))
        .route("/shop/orders/{number}", get(history::shop_order))
        .route("/shop/reorder", post(history::reorder))
        .route("/account", get(account::home))
        .route(
            "/account/login",
            get(account::login_form).post(account::login),
        )
        .route("/account/logout", post(account::logout))
        .route("/account/orders", get(history::account_orders))
        .route("/account/orders/{number}", get(history::account_order))
        // Forms and quick-order lists are small; the EDI limit is not theirs.
        .layer(axum::extract::DefaultBodyLimit::max(256 * 1024))
}

/// A request's session and the token that named it.
pub(crate) struct Shopper {
    session: Session,
    token: String,
    /// The session's market: its currency and languages.
    market: crate::core::MarketView,
}

impl Shopper {
    /// The form token of this session: only pages of the session know it.
    fn csrf(&self) -> String {
        csrf_of(&self.token)
    }
}

fn csrf_of(session_token: &str) -> String {
    let digest = Sha256::digest(format!("csrf:{session_token}").as_bytes());
    hex::encode(&digest[..16])
}

/// The session the request's cookie names, or the page that says there
/// is none.
async fn shopper(gateway: &Gateway, headers: &HeaderMap) -> Result<Shopper, Response> {
    let Some(token) = cookie(headers, COOKIE) else {
        return Err(no_session("There is no shopping session in this browser. Open the shop from your procurement system."));
    };
    match gateway.session(&token).await {
        Ok(Some(session)) => match gateway.core().market_view(&session.market).await {
            Ok(market) => Ok(Shopper {
                session,
                token,
                market,
            }),
            Err(e) => Err(failure(&e.to_string())),
        },
        Ok(None) => Err(no_session(
            "Your shopping session has ended. Open the shop again from your procurement system.",
        )),
        Err(e) => Err(failure(&e.to_string())),
    }
}

/// A response that also sets a cookie.
fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}

/// A cookie's value from the request.
fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_string())
}

fn no_session(text: &str) -> Response {
    let page = pages::message("No session", text);
    (StatusCode::UNAUTHORIZED, page).into_response()
}

/// The page for a failure of ours: the details go to the log under a
/// reference the buyer can quote, not to the browser.
fn failure(text: &str) -> Response {
    let reference = crate::store::now_micros();
    tracing::error!(error = text, reference, "shop page failed");
    let page = pages::message(
        "Something went wrong",
        &format!("The shop could not answer. Please try again; if it keeps failing, quote reference {reference}."),
    );
    (StatusCode::INTERNAL_SERVER_ERROR, page).into_response()
}

/// A page with the headers every shop page carries: no caching, and
/// framing allowed to the connector's procurement origins only.
fn page(
    gateway: &Gateway,
    session: Option<&Session>,
    status: StatusCode,
    html: String,
) -> Response {
    let mut response = (status, axum::response::Html(html)).into_response();
    let ancestors = session
        .and_then(|s| gateway.connectors().get(&s.connector))
        .and_then(|c| c.punchout())
        .map(|p| p.frame_ancestors)
        .unwrap_or_default();
    let csp = format!(
        "frame-ancestors 'self'{}",
        ancestors
            .iter()
            .map(|a| format!(" {a}"))
            .collect::<String>()
    );
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// A redirect after a post (303, so the browser fetches with GET).
fn see_other(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

/// The cookie that carries the session: `SameSite=None; Secure` when we
/// are reached over HTTPS (the pages then work inside the procurement
/// system's frame), `SameSite=Lax` over plain HTTP, where browsers refuse
/// `SameSite=None`.
fn session_cookie(gateway: &Gateway, token: &str, max_age_s: i64) -> String {
    let secure = gateway.public_url().starts_with("https://");
    let same_site = if secure {
        "SameSite=None; Secure"
    } else {
        "SameSite=Lax"
    };
    format!("{COOKIE}={token}; Path=/; HttpOnly; Max-Age={max_age_s}; {same_site}")
}
