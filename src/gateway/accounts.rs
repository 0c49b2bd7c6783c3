//! Buyers' sign-ins outside punchout, for the order history pages: a
//! company's API token opens a browser session of its own. The API token
//! never goes into the browser; the session token the cookie carries is
//! random and kept only as its digest, with the digest of the API token
//! it stands for, whose scope it follows.

use super::auth::{digest, random_token, scope_of, Scope};
use super::Gateway;
use crate::store::now_micros;
use sqlx::Row;

/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 8;

/// A signed-in buyer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSession {
    /// The company the token belongs to (its units below are seen too).
    pub company: String,
    /// What the scope covers, as the API would judge it.
    pub scope: Scope,
    /// The API token's label, to say who is signed in.
    pub label: String,
    /// When the sign-in ends, microseconds since the epoch.
    pub expires_at: i64,
}

/// Why a sign-in was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SignInRefused {
    /// No token has this digest.
    #[error("this token is not known")]
    Unknown,
    /// Staff tokens see every company: the pages are a buyer's view.
    #[error("a staff token sees every company; sign in with your company's token")]
    Staff,
}

impl Gateway {
    /// Opens a session for the company an API token belongs to; answers
    /// the session token for the cookie.
    pub async fn sign_in(
        &self,
        api_token: &str,
    ) -> Result<Result<(String, AccountSession), SignInRefused>, sqlx::Error> {
        let store = self.core().store();
        let (code, path) = match scope_of(store, api_token.trim()).await? {
            None => return Ok(Err(SignInRefused::Unknown)),
            Some(Scope::Staff) => return Ok(Err(SignInRefused::Staff)),
            Some(Scope::Company { code, path }) => (code, path),
        };
        let api_digest = digest(api_token.trim());
        let label: String = sqlx::query("SELECT label FROM api_tokens WHERE digest = $1")
            .bind(&api_digest)
            .fetch_one(store.reader())
            .await?
            .try_get("label")?;
        let (token, token_digest) = random_token()
            .map_err(|e| sqlx::Error::Protocol(format!("no randomness for a session: {e}")))?;
        let now = now_micros();
        let expires_at = now + SESSION_HOURS * 3_600_000_000;
        let mut tx = store.begin().await?;
        // Sign-ins that ended are cleared here rather than by a timer.
        sqlx::query("DELETE FROM account_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO account_sessions (digest, token_digest, created_at, expires_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&token_digest)
        .bind(&api_digest)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let session = AccountSession {
            scope: Scope::Company {
                code: code.clone(),
                path,
            },
            company: code,
            label,
            expires_at,
        };
        Ok(Ok((token, session)))
    }

    /// The live sign-in a cookie's token names.
    pub async fn account_session(
        &self,
        session_token: &str,
    ) -> Result<Option<AccountSession>, sqlx::Error> {
        // The company comes from the token as it is now, not as it was at
        // sign-in.
        let row = sqlx::query(
            "SELECT t.company, t.label, c.path, s.expires_at FROM account_sessions s \
             JOIN api_tokens t ON t.digest = s.token_digest JOIN companies c ON c.code = t.company \
             WHERE s.digest = $1 AND s.expires_at > $2",
        )
        .bind(digest(session_token))
        .bind(now_micros())
        .fetch_optional(self.core().store().reader())
        .await?;
        let Some(row) = row else { return Ok(None) };
        let code: String = row.try_get("company")?;
        Ok(Some(AccountSession {
            scope: Scope::Company {
                code: code.clone(),
                path: row.try_get("path")?,
            },
            company: code,
            label: row.try_get("label")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    /// Ends a sign-in.
    pub async fn sign_out(&self, session_token: &str) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM account_sessions WHERE digest = $1")
            .bind(digest(session_token))
            .execute(self.core().store().writer())
            .await?;
        Ok(())
    }
}
