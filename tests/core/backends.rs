//! The two back-ends every core test runs on: an SQLite file in a fresh
//! temporary directory, and a fresh schema on the PostgreSQL server
//! `EDIGATE_TEST_POSTGRES_URL` names (skipped, and said so, without it).

use edigate::core::Core;
use edigate::store::Store;
use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A core over a new SQLite file.
pub async fn sqlite() -> Core {
    let dir = std::env::temp_dir().join(unique("edigate_core"));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let store = Store::open_sqlite_file(&dir.join("edigate.db"))
        .await
        .expect("open SQLite");
    Core::new(store)
}

/// A core over a new schema of the test PostgreSQL database, or `None`
/// (with a line on the terminal) when no server is configured.
pub async fn postgres() -> Option<Core> {
    let Ok(url) = std::env::var("EDIGATE_TEST_POSTGRES_URL") else {
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            // Written past the test harness's capture so it is seen.
            let _ = writeln!(
                std::io::stderr(),
                "note: EDIGATE_TEST_POSTGRES_URL is not set: the PostgreSQL core suite is SKIPPED (SQLite ran)"
            );
        });
        return None;
    };
    let schema = unique("t");
    sqlx::any::install_default_drivers();
    let admin = sqlx::AnyPool::connect(&url)
        .await
        .expect("connect to EDIGATE_TEST_POSTGRES_URL");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&admin)
        .await
        .expect("create schema");
    admin.close().await;
    let separator = if url.contains('?') { '&' } else { '?' };
    let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
    Some(Core::new(
        Store::open(&scoped).await.expect("open PostgreSQL"),
    ))
}

/// Declares each listed `async fn name(core: Core)` as a test on SQLite
/// and on PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::backends::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(core) = crate::backends::postgres().await {
                        super::$name(core).await;
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;
