//! The store: the commerce core's records in SQLite (the embedded default, a
//! file in WAL mode) or PostgreSQL, through one sqlx `Any` pool pair, so the
//! same repository code and the same tests serve both back-ends.
//!
//! Values cross the boundary in types both back-ends share (see the header
//! of `migrations/postgres/0001_core.sql`): money and quantities as
//! [`Micros`], instants as microseconds, days as `YYYY-MM-DD` text.

mod batch;
mod idempotency;
mod micros;

pub use batch::{Arg, Batch, Params};
pub use idempotency::{claim, lookup, record, record_into, Claim};
pub use micros::{Micros, MicrosError};

use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::time::Duration;

/// A write transaction on the store.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// Why the store could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names neither `sqlite:` nor `postgres:`.
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    /// The database refused or failed.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migrating the database: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

/// An open store. Commands write through [`Store::begin`]; queries read
/// through [`Store::reader`].
///
/// SQLite allows one writer at a time, so its writer pool holds a single
/// connection: commands queue in the pool instead of failing with
/// `SQLITE_BUSY`, and readers (a separate pool, WAL mode) never wait for
/// them. On PostgreSQL both are the same pool.
#[derive(Clone, Debug)]
pub struct Store {
    writer: AnyPool,
    reader: AnyPool,
    backend: Backend,
}

static MIGRATE_SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static MIGRATE_POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens the store a URL names (`sqlite://FILE`, `postgres://…`),
    /// creating an SQLite file if there is none, and migrates it.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let store = if url.starts_with("sqlite:") {
            Store::open_sqlite(url).await?
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Store::open_postgres(url).await?
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Opens (creating if need be) an SQLite file.
    pub async fn open_sqlite_file(path: &Path) -> Result<Store, StoreError> {
        Store::open(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    async fn open_sqlite(url: &str) -> Result<Store, StoreError> {
        let connect = |max: u32| {
            // An in-process connection cannot go stale: no ping before use.
            AnyPoolOptions::new()
                .max_connections(max)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(60))
                .after_connect(|conn, _| {
                    Box::pin(async move {
                        // WAL lets readers run beside the writer; NORMAL
                        // syncs at checkpoints, not at every commit, which
                        // survives a crash of the process (not of the
                        // machine's power) and is what makes commits cheap.
                        // Pages are read through a memory map and a 64 MB cache
                        // per connection rather than one read call each.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; \
                             PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -65536;",
                        )
                        .await?;
                        Ok(())
                    })
                })
                .connect(url)
        };
        let writer = connect(1).await?;
        // Each SQLite connection is a thread of its own: more readers than
        // cores only adds switching between them.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let reader = connect(cores.clamp(2, 8) as u32).await?;
        Ok(Store {
            writer,
            reader,
            backend: Backend::Sqlite,
        })
    }

    async fn open_postgres(url: &str) -> Result<Store, StoreError> {
        // No ping before each use: it would double the round trips of a
        // short query. A connection the server dropped fails its next
        // command with a store error, which is safe to retry.
        let pool = AnyPoolOptions::new()
            .max_connections(16)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(60))
            .after_connect(|conn, _| {
                Box::pin(async move {
                    // Statements are prepared once per connection; plan them
                    // once too (the default re-plans a statement whose
                    // generic plan looks costlier, on every run).
                    conn.execute("SET plan_cache_mode = force_generic_plan")
                        .await?;
                    Ok(())
                })
            })
            .connect(url)
            .await?;
        Ok(Store {
            writer: pool.clone(),
            reader: pool,
            backend: Backend::Postgres,
        })
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Sqlite => MIGRATE_SQLITE.run(&self.writer).await?,
            Backend::Postgres => MIGRATE_POSTGRES.run(&self.writer).await?,
        }
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        self.writer.begin().await
    }

    /// The pool single writes go through (one connection on SQLite).
    pub fn writer(&self) -> &AnyPool {
        &self.writer
    }

    /// The pool queries read from.
    pub fn reader(&self) -> &AnyPool {
        &self.reader
    }

    /// Closes both pools, waiting for connections to be returned.
    pub async fn close(&self) {
        self.writer.close().await;
        self.reader.close().await;
    }
}

/// Reads a column, naming it in the error.
pub fn column<'r, T>(row: &'r AnyRow, name: &str) -> Result<T, sqlx::Error>
where
    T: sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    sqlx::Row::try_get(row, name)
}

/// The current instant, in microseconds since the Unix epoch.
pub fn now_micros() -> i64 {
    chrono::Utc::now().timestamp_micros()
}
