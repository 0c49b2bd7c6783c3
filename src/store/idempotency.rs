//! Idempotency keys: a command records its result under its key as the
//! last statement of its own transaction; a repeat finds the first result
//! and returns it, its own work rolled back, so nothing changes twice.
//!
//! Under parallel submission the key's primary key serialises the repeats:
//! on PostgreSQL the second insert waits for the first transaction, then
//! sees its row ([`record`], `ON CONFLICT DO NOTHING`) or fails with a
//! unique violation ([`record_into`]), after which the command rolls back
//! and [`lookup`] finds the first result. SQLite has a single writer
//! anyway.

use super::{now_micros, Batch, Tx};
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

/// Claims `key` for `command` in the transaction (the key is written
/// first, its result later).
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

/// What a key holds, read outside any transaction: the first result for
/// a command that found its key taken (or could not run), or a cheap early
/// answer for a repeat. `None` when the key is unknown or its first run has
/// not committed; the key's insert in the command's transaction stays the
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

/// Adds the recording of a command's result under `key` to the command's
/// last batch, saving the round trip of [`record`]. The insert has no
/// `ON CONFLICT`: a repeat that got there first makes the batch fail, and
/// the caller, after rolling back, finds the first result with [`lookup`].
pub fn record_into<T: Serialize>(
    batch: &mut Batch,
    key: &str,
    command: &str,
    result: &T,
) -> Result<(), serde_json::Error> {
    let json = serde_json::to_string(result)?;
    let values = [
        batch.arg(key),
        batch.arg(command),
        batch.arg(json),
        batch.arg(now_micros()),
    ];
    batch.push(format!(
        "INSERT INTO idempotency (key, command, result, at) VALUES ({})",
        values.join(", ")
    ));
    Ok(())
}

/// Records a command's result under `key`, inside the command's
/// transaction: [`Claim::Fresh`] when the key was new and now holds it;
/// otherwise what the key already held (a first run that committed, or
/// another command). On PostgreSQL a parallel first run makes this wait
/// for its commit.
pub async fn record<T: Serialize + DeserializeOwned>(
    tx: &mut Tx,
    key: &str,
    command: &str,
    result: &T,
) -> Result<Claim<T>, sqlx::Error> {
    let json = serde_json::to_string(result).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency (key, command, result, at) VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(command)
    .bind(json)
    .bind(now_micros())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        return Ok(Claim::Fresh);
    }
    claim(tx, key, command).await
}
