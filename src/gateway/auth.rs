//! API tokens: a token is shown once and stored as its SHA-256 digest,
//! scoped to one company (a buyer sees that company and the units below
//! it) or to the seller's staff (sees everything).

use crate::store::Store;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// What a token may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The seller's staff: every company.
    Staff,
    /// A buyer: this company (its code and materialised path).
    Company {
        /// The company's code.
        code: String,
        /// Its path; units below it have paths starting with it.
        path: String,
    },
}

impl Scope {
    /// Whether a company (by its path) is within the scope.
    pub fn covers_path(&self, path: &str) -> bool {
        match self {
            Scope::Staff => true,
            Scope::Company { path: own, .. } => path.starts_with(own.as_str()),
        }
    }
}

/// The hex SHA-256 of a token.
pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new token of 256 random bits (hex) and its digest.
pub fn random_token() -> Result<(String, String), getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    let token = hex::encode(bytes);
    let digest = digest(&token);
    Ok((token, digest))
}

/// The scope of a presented token, or `None` when it is unknown. The
/// lookup is by digest, so comparing it leaks nothing of the token.
pub async fn scope_of(store: &Store, token: &str) -> Result<Option<Scope>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.company, c.path FROM api_tokens t LEFT JOIN companies c ON c.code = t.company \
         WHERE t.digest = $1",
    )
    .bind(digest(token))
    .fetch_optional(store.reader())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let company: Option<String> = row.try_get("company")?;
    let path: Option<String> = row.try_get("path")?;
    Ok(match (company, path) {
        (None, _) => Some(Scope::Staff),
        (Some(code), Some(path)) => Some(Scope::Company { code, path }),
        // A token for a company that no longer exists sees nothing.
        (Some(_), None) => None,
    })
}

/// The materialised path of a company.
pub async fn company_path(store: &Store, code: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT path FROM companies WHERE code = $1")
        .bind(code)
        .fetch_optional(store.reader())
        .await?
        .map(|r| r.try_get("path"))
        .transpose()
}
