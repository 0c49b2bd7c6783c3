//! Sign-in and sign-out for buyers outside punchout. The pages are never
//! framed by a procurement system, so the cookie is `SameSite=Strict`.

use super::pages::{self, layout, Nav};
use super::{cookie, csrf_of, failure, page, see_other, with_cookie};
use crate::gateway::accounts::{AccountSession, SESSION_HOURS};
use crate::gateway::Gateway;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
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
/// page.
pub(super) async fn account(gateway: &Gateway, headers: &HeaderMap) -> Result<Account, Response> {
    let Some(token) = cookie(headers, ACCOUNT_COOKIE) else {
        return Err(see_other("/account/login"));
    };
    match gateway.account_session(&token).await {
        Ok(Some(session)) => Ok(Account { session, token }),
        Ok(None) => Err(see_other("/account/login")),
        Err(e) => Err(failure(&e.to_string())),
    }
}

fn account_cookie(gateway: &Gateway, value: &str, max_age_s: i64) -> String {
    let secure = if gateway.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{ACCOUNT_COOKIE}={value}; Path=/; HttpOnly; Max-Age={max_age_s}; SameSite=Strict{secure}"
    )
}

/// `GET /account`: the orders when signed in, else the sign-in page.
pub async fn home(State(gateway): State<Gateway>, headers: HeaderMap) -> Response {
    match account(&gateway, &headers).await {
        Ok(_) => see_other("/account/orders"),
        Err(response) => response,
    }
}

fn login_page(gateway: &Gateway, status: StatusCode, problem: Option<&str>) -> Response {
    let body = html! {
        h1 { "Your orders" }
        p { "Sign in with your company's access token to see your orders, their shipments and invoices." }
        @if let Some(problem) = problem { p.error id="problem" role="alert" { (problem) } }
        form method="post" action="/account/login" {
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

/// `GET /account/login`.
pub async fn login_form(State(gateway): State<Gateway>) -> Response {
    login_page(&gateway, StatusCode::OK, None)
}

/// `POST /account/login` with `token`.
pub async fn login(State(gateway): State<Gateway>, body: Bytes) -> Response {
    let token = crate::cxml::parse_form_body(&body)
        .into_iter()
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value)
        .unwrap_or_default();
    if token.trim().is_empty() {
        return login_page(
            &gateway,
            StatusCode::BAD_REQUEST,
            Some("Enter your access token."),
        );
    }
    match gateway.sign_in(&token).await {
        Ok(Ok((session_token, _))) => with_cookie(
            see_other("/account/orders"),
            &account_cookie(&gateway, &session_token, SESSION_HOURS * 3600),
        ),
        Ok(Err(refused)) => {
            let why = format!("{}.", capitalised(&refused.to_string()));
            login_page(&gateway, StatusCode::UNAUTHORIZED, Some(&why))
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
    let account = match account(&gateway, &headers).await {
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
