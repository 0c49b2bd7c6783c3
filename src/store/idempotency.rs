//! Idempotency keys: a command claims its key inside its own transaction;
//! a repeat finds the first result and returns it without changing
//! anything.
//!
//! Under parallel submission the key's primary key serialises the repeats:
//! on PostgreSQL the second insert waits for the first transaction and then
//! sees its row; SQLite has a single writer anyway.

use super::{now_micros, Tx};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::Row;

/// What claiming a key found.
pub enum Claim<T> {
    /// The key is new: run the command, then [`finish`].
    Fresh,
    /// The command ran before under this key; this is what it returned.
    Done(T),
    /// The key was used for a different command.
    Conflict {
        /// The command that used it first.
        first: String,
    },
}

/// Claims `key` for `command` in the transaction.
pub async fn claim<T: DeserializeOwned>(
    tx: &mut Tx,
    key: &str,
    command: &str,
) -> Result<Claim<T>, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency (key, command, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(command)
    .bind(now_micros())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    let row = sqlx::query("SELECT command, result FROM idempotency WHERE key = $1")
        .bind(key)
        .fetch_one(&mut **tx)
        .await?;
    let first: String = row.try_get("command")?;
    if first != command {
        return Ok(Claim::Conflict { first });
    }
    let result: Option<String> = row.try_get("result")?;
    let result = result.unwrap_or_default();
    serde_json::from_str(&result)
        .map(Claim::Done)
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Records the result of the command that claimed `key`.
pub async fn finish<T: Serialize>(tx: &mut Tx, key: &str, result: &T) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(result).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query("UPDATE idempotency SET result = $1 WHERE key = $2")
        .bind(json)
        .bind(key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a key holds, read outside any transaction: a cheap early answer
/// for a repeat, before a command does its reading. `None` when the key is
/// unknown or its first run has not committed; `claim` stays the
/// authority.
pub async fn lookup<T: DeserializeOwned>(
    pool: &sqlx::AnyPool,
    key: &str,
    command: &str,
) -> Result<Option<Claim<T>>, sqlx::Error> {
    let Some(row) = sqlx::query("SELECT command, result FROM idempotency WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(None);
    };
    let first: String = row.try_get("command")?;
    if first != command {
        return Ok(Some(Claim::Conflict { first }));
    }
    let Some(result) = row.try_get::<Option<String>, _>("result")? else {
        return Ok(None);
    };
    serde_json::from_str(&result)
        .map(|done| Some(Claim::Done(done)))
        .map_err(|e| sqlx::Error::Decode(Box::new(e)))
}
