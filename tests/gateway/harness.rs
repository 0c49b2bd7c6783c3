//! A gateway per test: its own directory (store, outbound drops, copies of
//! the demo connector files), its own port, and for PostgreSQL its own
//! schema.

use edigate::server::{start, Config, Running};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;
use std::time::Duration;

/// The demo cXML buyer's shared secret in every test.
pub const NORDWIND_SECRET: &str = "example-shared-secret-not-real";
/// The webhook signing secret in every test.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret";
/// The demo OCI buyer's password in tests.
pub const HANSA_PASSWORD: &str = "test-oci-password";
/// Demo API tokens (demo/world.toml).
pub const STAFF: &str = "demo-staff-token";
pub const GLOBEX: &str = "demo-globex-token";
pub const NORDWIND: &str = "demo-nordwind-token";

static NEXT: AtomicU32 = AtomicU32::new(0);

pub fn unique(prefix: &str) -> String {
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

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sample(path: &str) -> Vec<u8> {
    std::fs::read(repo().join("samples").join(path)).expect("sample")
}

/// A canonical document (JSON) as Acme's ERP would send it: EDIFACT D96A
/// `message` from ACMEERP, interchange reference `reference`.
pub fn from_acme(document: serde_json::Value, message: &str, reference: u64) -> Vec<u8> {
    use edigate::mapping::{Library, Syntax};
    let document: edigate::document::Document =
        serde_json::from_value(document).expect("a canonical document");
    let mapping = Library::shipped()
        .iter()
        .find(|m| m.syntax == Syntax::Edifact && m.version == "D96A" && m.message == message)
        .expect("a shipped mapping");
    let envelope = edigate::translate::Envelope {
        sender: ("ZZZ".into(), "ACMEERP".into()),
        receiver: ("ZZZ".into(), "EDIGATE".into()),
        prepared: chrono::Utc::now().naive_utc(),
        control_number: reference,
        test: false,
    };
    edigate::translate::write_edifact(&[document], mapping, &envelope)
        .expect("written")
        .0
}

/// The order numbers an answer names (`edigate-orders`).
pub fn placed(response: &reqwest::Response) -> String {
    response.headers()["edigate-orders"]
        .to_str()
        .unwrap()
        .to_string()
}

/// Posts a message as Acme's ERP: the status, the `edigate-status`
/// outcome and the answer's body.
pub async fn post_acme(gate: &Gate, body: Vec<u8>) -> (u16, String, String) {
    let response = gate.post("/edi/acme-erp", body).await;
    let status = response.status().as_u16();
    let outcome = response.headers()["edigate-status"]
        .to_str()
        .unwrap()
        .to_string();
    (status, outcome, response.text().await.unwrap())
}

/// An X12 sample with its interchange control number replaced, so each
/// post is a new interchange.
pub fn x12_with_control(path: &str, control: u32) -> Vec<u8> {
    let text = String::from_utf8(sample(path)).expect("ASCII sample");
    text.replace("000000101", &format!("{control:09}"))
        .into_bytes()
}

/// A running gateway and a client for it.
pub struct Gate {
    pub base: String,
    pub dir: PathBuf,
    pub database_url: String,
    pub running: Option<Running>,
    pub http: reqwest::Client,
    /// Whether dropping it removes its directory (not when a restarted
    /// gateway took the directory over).
    owns_dir: bool,
    /// The RabbitMQ it uses, if any.
    pub amqp: Option<String>,
}

fn secrets() {
    // EDIGATE_LOG=debug shows what the gateway did in a failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EDIGATE_LOG")
                .unwrap_or_else(|_| "off".into()),
        )
        .with_test_writer()
        .try_init();
    static SET: Once = Once::new();
    SET.call_once(|| {
        std::env::set_var("EDIGATE_SECRET_NORDWIND", NORDWIND_SECRET);
        std::env::set_var("EDIGATE_TEST_WEBHOOK_SECRET", WEBHOOK_SECRET);
        std::env::set_var("EDIGATE_OCI_PASSWORD_HANSA", HANSA_PASSWORD);
    });
}

/// The directory a gateway runs in: the demo connector files copied in,
/// so their relative outbound directories land inside it.
fn gateway_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(unique("edigate_gw"));
    std::fs::create_dir_all(dir.join("connectors")).expect("temporary directory");
    for entry in std::fs::read_dir(repo().join("connectors")).expect("connectors/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(
                &path,
                dir.join("connectors").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    dir
}

/// RabbitMQ for the tests, when `EDIGATE_TEST_AMQP_URL` names one (said
/// once when it does not).
pub fn amqp_url() -> Option<String> {
    let url = std::env::var("EDIGATE_TEST_AMQP_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        static SAID: Once = Once::new();
        SAID.call_once(|| {
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "note: EDIGATE_TEST_AMQP_URL is not set: the RabbitMQ bus and AMQP transport tests are SKIPPED (the in-process bus ran)"
            );
        });
    }
    url
}

pub fn config_for(dir: &Path, database_url: &str) -> Config {
    let mut config = Config::in_dir(dir);
    config.bus_queue = unique("edigate.test.bus");
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url = Some(database_url.to_string());
    config.mappings = repo().join("mappings");
    config.world = Some(repo().join("demo/world.toml"));
    config
}

impl Gate {
    /// On a new SQLite file.
    pub async fn sqlite() -> Gate {
        Gate::sqlite_with(|_| {}).await
    }

    /// On a new SQLite file, after `edit` changed the gateway's directory
    /// (its connector files, say).
    pub async fn sqlite_with(edit: impl FnOnce(&Path)) -> Gate {
        Gate::sqlite_on(edit, None).await
    }

    /// On a new SQLite file after `edit`, with RabbitMQ at `amqp`.
    pub async fn sqlite_on(edit: impl FnOnce(&Path), amqp: Option<String>) -> Gate {
        let dir = gateway_dir();
        edit(&dir);
        let url = format!("sqlite://{}?mode=rwc", dir.join("edigate.db").display());
        Gate::start_with(dir, url, amqp).await
    }

    /// On a new schema of the test PostgreSQL database, or `None` when
    /// none is configured.
    pub async fn postgres() -> Option<Gate> {
        let Ok(url) = std::env::var("EDIGATE_TEST_POSTGRES_URL") else {
            static SAID: Once = Once::new();
            SAID.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "note: EDIGATE_TEST_POSTGRES_URL is not set: the PostgreSQL gateway suite is SKIPPED (SQLite ran)"
                );
            });
            return None;
        };
        let schema = unique("g");
        sqlx::any::install_default_drivers();
        let admin = sqlx::AnyPool::connect(&url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let separator = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{separator}options=-c%20search_path%3D{schema}");
        // PostgreSQL runs with RabbitMQ as the bus when there is one.
        Some(Gate::start_with(gateway_dir(), scoped, amqp_url()).await)
    }

    /// Starts a gateway in `dir` on `database_url`, with RabbitMQ when
    /// `amqp` names it.
    pub async fn start_with(dir: PathBuf, database_url: String, amqp: Option<String>) -> Gate {
        secrets();
        let mut config = config_for(&dir, &database_url);
        config.amqp_url = amqp.clone();
        let running = start(&config).await.expect("the gateway starts");
        Gate {
            base: format!("http://{}", running.addr),
            dir,
            database_url,
            running: Some(running),
            http: reqwest::Client::new(),
            owns_dir: true,
            amqp,
        }
    }

    /// Stops the gateway and starts it again on the same store and
    /// directory, with RabbitMQ at `amqp` (or none).
    pub async fn restart_with_amqp(mut self, amqp: Option<String>) -> Gate {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        self.owns_dir = false;
        Gate::start_with(self.dir.clone(), self.database_url.clone(), amqp).await
    }

    /// Stops the gateway the graceful way and starts it again on the same
    /// store and directory.
    pub async fn restart(mut self) -> Gate {
        if let Some(r) = self.running.take() {
            r.shutdown().await;
        }
        self.owns_dir = false;
        Gate::start_with(
            self.dir.clone(),
            self.database_url.clone(),
            self.amqp.clone(),
        )
        .await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn post(&self, path: &str, body: Vec<u8>) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .body(body)
            .send()
            .await
            .expect("POST")
    }

    /// GET with a token; the status and the JSON body (Null when not JSON).
    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, serde_json::Value) {
        let mut request = self.http.get(self.url(path));
        if let Some(t) = token {
            request = request.bearer_auth(t);
        }
        let response = request.send().await.expect("GET");
        let status = response.status().as_u16();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, body)
    }

    /// Waits (up to 10 s) until an order reaches `state`; its view.
    pub async fn order_in_state(&self, number: &str, state: &str) -> serde_json::Value {
        let mut last = serde_json::Value::Null;
        for _ in 0..200 {
            let (status, view) = self
                .get(&format!("/api/orders/{number}"), Some(STAFF))
                .await;
            assert_eq!(status, 200, "{view}");
            if view["state"] == state {
                return view;
            }
            last = view;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("order {number} never reached {state}: {last:#}");
    }

    /// A journalled message's bytes, as staff see them.
    pub async fn raw(&self, id: &serde_json::Value) -> String {
        self.http
            .get(self.url(&format!("/api/messages/{id}/raw")))
            .bearer_auth(STAFF)
            .send()
            .await
            .expect("GET raw")
            .text()
            .await
            .expect("text")
    }

    /// The files a file-drop connector was given.
    pub fn dropped(&self, connector: &str) -> Vec<(String, String)> {
        let dir = self.dir.join("var/outbound").join(connector);
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    // Dot files are still being written.
                    .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
                    .map(|e| {
                        (
                            e.file_name().to_string_lossy().into_owned(),
                            std::fs::read_to_string(e.path()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        files
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        // A test that fails leaves its directory to look at; one that
        // passes cleans up.
        if self.owns_dir && !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Declares each `async fn name(gate: Gate)` as a test on SQLite and on
/// PostgreSQL.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(crate::harness::Gate::sqlite().await).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(gate) = crate::harness::Gate::postgres().await {
                        super::$name(gate).await;
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;
