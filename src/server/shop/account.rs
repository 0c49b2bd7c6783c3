//! Sign-in and sign-out for buyers outside punchout. The pages are never
//! framed by a procurement system, so the cookie is `SameSite=Lax`: a
//! link to an order (from a notification mail) arrives signed in, and
//! every change is a post with the sign-in's form token anyway.

use super::pages::{self, layout, Nav};
use super::{cookie, csrf_of, failure, page, see_other, with_cookie};
use crate::gateway::accounts::{AccountSession, SESSION_HOURS};
use crate::gateway::Gateway;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use std::collections::HashMap;
use subtle::ConstantTimeEq;

/// The sign-in cookie's name.
pub const ACCOUNT_COOKIE: &str = "edigate_account";

/// A request's sign-in and the token that named it.
pub(super) struct Account {
    pub session: AccountSession,
    token: String,
}

impl Account {
    /// The form token of this sign-in.
    pub fn csrf(&self) -> String {
        csrf_of(&self.token)
    }
}

/// The sign-in the request's cookie names, or the way to the sign-in
/// page, which comes back to `here` afterwards.
pub(super) async fn account(
    gateway: &Gateway,
    headers: &HeaderMap,
    here: &str,
) -> Result<Account, Response> {
    let to_login = || {
        let back = super::pages::query_string(&[("next".into(), here.to_string())]);
        see_other(&format!("/account/login?{back}"))
    };
    let Some(token) = cookie(headers, ACCOUNT_COOKIE) else {
        return Err(to_login());
    };
    match gateway.account_session(&token).await {
        Ok(Some(session)) => Ok(Account { session, token }),
        Ok(None) => Err(to_login()),
        Err(e) => Err(failure(&e.to_string())),
    }
}

/// Where to go after signing in: a page of the account pages, never
/// another site.
fn next_page(asked: Option<&str>) -> &str {
    asked
        .filter(|p| p.starts_with("/account/") && !p.contains("//") && !p.contains('\\'))
        .unwrap_or("/account/orders")
}

fn account_cookie(gateway: &Gateway, value: &str, max_age_s: i64) -> String {
    let secure = if gateway.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{ACCOUNT_COOKIE}={value}; Path=/; HttpOnly; Max-Age={max_age_s}; SameSite=Lax{secure}")
}

/// `GET /account`: the orders when signed in, else the sign-in page.
pub async fn home(State(gateway): State<Gateway>, headers: HeaderMap) -> Response {
    match account(&gateway, &headers, "/account/orders").await {
        Ok(_) => see_other("/account/orders"),
        Err(response) => response,
    }
}

fn login_page(
    gateway: &Gateway,
    status: StatusCode,
    next: &str,
    problem: Option<&str>,
) -> Response {
    let body = html! {
        h1 { "Your orders" }
        p { "Sign in with your company's access token to see your orders, their shipments and invoices." }
        @if let Some(problem) = problem { p.error id="problem" role="alert" { (problem) } }
        form method="post" action="/account/login" {
            input type="hidden" name="next" value=(next);
            p { label for="token" { "Access token" } " "
                input id="token" name="token" type="password" autocomplete="off" required; }
            button type="submit" id="sign-in" { "Sign in" }
        }
    };
    page(
        gateway,
        None,
        status,
        layout("Sign in", "en", Nav::Bare, body),
    )
}

/// The sign-in form's query.
#[derive(serde::Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /account/login[?next=/account/…]`.
pub async fn login_form(
    State(gateway): State<Gateway>,
    Query(query): Query<LoginQuery>,
) -> Response {
    let next = next_page(query.next.as_deref());
    login_page(&gateway, StatusCode::OK, next, None)
}

/// `POST /account/login` with `token` (and `next`). A post from another
/// site is refused (it would sign the browser in to that site's choice of
/// company); signing in again ends the sign-in the browser had.
pub async fn login(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let fields: HashMap<String, String> = crate::cxml::parse_form_body(&body).into_iter().collect();
    let next = next_page(fields.get("next").map(String::as_str));
    let cross_site = headers
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    if cross_site {
        let html = pages::message("Not signed in", "Sign in from this site's own page.");
        return page(&gateway, None, StatusCode::FORBIDDEN, html);
    }
    let token = fields.get("token").map_or("", |t| t.trim());
    if token.is_empty() {
        let problem = Some("Enter your access token.");
        return login_page(&gateway, StatusCode::BAD_REQUEST, next, problem);
    }
    if let Some(previous) = cookie(&headers, ACCOUNT_COOKIE) {
        if let Err(e) = gateway.sign_out(&previous).await {
            return failure(&e.to_string());
        }
    }
    match gateway.sign_in(token).await {
        Ok(Ok((session_token, _))) => with_cookie(
            see_other(next),
            &account_cookie(&gateway, &session_token, SESSION_HOURS * 3600),
        ),
        Ok(Err(refused)) => {
            let why = format!("{}.", capitalised(&refused.to_string()));
            login_page(&gateway, StatusCode::UNAUTHORIZED, next, Some(&why))
        }
        Err(e) => failure(&e.to_string()),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `POST /account/logout` with the page's form token.
pub async fn logout(State(gateway): State<Gateway>, headers: HeaderMap, body: Bytes) -> Response {
    let account = match account(&gateway, &headers, "/account/orders").await {
        Ok(a) => a,
        Err(response) => return response,
    };
    let given = crate::cxml::parse_form_body(&body)
        .into_iter()
        .find(|(name, _)| name == "csrf")
        .map(|(_, value)| value)
        .unwrap_or_default();
    if !bool::from(given.as_bytes().ct_eq(account.csrf().as_bytes())) {
        let html = pages::message(
            "Not signed out",
            "The form does not belong to this sign-in.",
        );
        return page(&gateway, None, StatusCode::FORBIDDEN, html);
    }
    if let Err(e) = gateway.sign_out(&account.token).await {
        return failure(&e.to_string());
    }
    with_cookie(
        see_other("/account/login"),
        &account_cookie(&gateway, "", 0),
    )
}
