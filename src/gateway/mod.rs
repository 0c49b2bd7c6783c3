//! The gateway runtime without its HTTP face: what happens to a message
//! between a transport handing over its bytes and the core being changed
//! (journal → envelope → validate → acknowledge → map → core), and from a
//! core change to a partner's transport (outbox → delivery → map → encode
//! → journal → transport). The server (`crate::server`) and the file
//! watcher are thin callers of these.

pub mod accounts;
pub mod amqp;
pub mod apply;
pub mod auth;
pub mod bus;
pub mod cxml;
pub mod cxml_out;
pub mod edifact;
pub mod inbound;
pub mod journal;
pub mod json;
pub mod metrics;
pub mod outbound;
pub mod punchout;
pub mod receipts;
pub mod sftp;
pub mod watch;
pub mod webhook;
pub mod world;
pub mod x12;

use crate::connector::{Connector, Connectors};
use crate::core::Core;
use crate::mapping::Mapping;
use crate::store::{now_micros, Store};
use journal::Journal;
use metrics::Metrics;
use sqlx::Row;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// What the gateway is built from.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The connector files' directory.
    pub connectors: PathBuf,
    /// The mapping files' directory, laid over the shipped mappings.
    pub mappings: PathBuf,
    /// Where relative transport directories in connector files are
    /// resolved (the directory `serve` runs in).
    pub base_dir: PathBuf,
    /// Our own identities on outbound envelopes.
    pub us: Us,
    /// RabbitMQ (`AMQP_URL`): the bus, and the AMQP transports. Without it
    /// the bus is the store itself.
    pub amqp_url: Option<String>,
    /// The bus queue deliveries are handed out on.
    pub bus_queue: String,
    /// Where browsers reach us (`https://shop.example.com`): punchout start
    /// URLs begin with it. Without it, the address the server listens on.
    pub public_url: Option<String>,
}

/// Our identities, as partners know us.
#[derive(Clone, Debug)]
pub struct Us {
    /// X12 ISA qualifier and id.
    pub x12: (String, String),
    /// EDIFACT UNB id and qualifier.
    pub edifact: (String, String),
    /// cXML domain and identity.
    pub cxml: (String, String),
}

impl Default for Us {
    fn default() -> Self {
        Us {
            x12: ("ZZ".into(), "EDIGATE".into()),
            edifact: ("EDIGATE".into(), "ZZZ".into()),
            cxml: ("NetworkID".into(), "EDIGATE".into()),
        }
    }
}

/// Why the gateway does not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// A connector file does not load.
    #[error("connector file {0}")]
    Connector(#[from] crate::connector::LoadError),
    /// A mapping file does not load.
    #[error("mapping file {0}")]
    Mapping(String),
    /// A connector names something the core does not have.
    #[error("{file}: {message}")]
    Reference {
        /// The connector file.
        file: String,
        /// What is missing.
        message: String,
    },
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] sqlx::Error),
}

/// The running gateway's shared state.
#[derive(Clone)]
pub struct Gateway {
    inner: Arc<Inner>,
}

struct Inner {
    core: Core,
    journal: Journal,
    connectors: Connectors,
    shared_mappings: Vec<Mapping>,
    partner_mappings: BTreeMap<String, Vec<Mapping>>,
    settings: Settings,
    amqp: Option<amqp::Amqp>,
    metrics: Metrics,
    wake_outbound: tokio::sync::Notify,
    traces: AtomicU64,
    public_url: std::sync::OnceLock<String>,
}

impl Gateway {
    /// Loads every connector and mapping and checks what connectors name
    /// against the core; refuses to start on the first that does not
    /// hold.
    pub async fn start(store: Store, settings: Settings) -> Result<Gateway, StartError> {
        let connectors = crate::connector::load_dir(&settings.connectors)?;
        let shared_mappings = load_mappings(Some(&settings.mappings))?;
        let mut partner_mappings = BTreeMap::new();
        for c in connectors.all() {
            if let Some(dir) = &c.mappings {
                let dir = resolve(&settings.base_dir, dir);
                partner_mappings.insert(c.id.clone(), load_mappings(Some(&dir))?);
            }
        }
        if settings.amqp_url.is_none() {
            if let Some(c) = connectors.all().find(|c| c.uses_amqp()) {
                return Err(StartError::Reference {
                    file: c.file.display().to_string(),
                    message: "it has an AMQP transport, but AMQP_URL is not set".into(),
                });
            }
        }
        let amqp = settings.amqp_url.as_deref().map(amqp::Amqp::new);
        let core = Core::new(store.clone());
        let public_url = std::sync::OnceLock::new();
        if let Some(url) = &settings.public_url {
            let _ = public_url.set(url.clone());
        }
        let gateway = Gateway {
            inner: Arc::new(Inner {
                core,
                journal: Journal::new(store),
                connectors,
                shared_mappings,
                partner_mappings,
                settings,
                amqp,
                metrics: Metrics::new(),
                wake_outbound: tokio::sync::Notify::new(),
                traces: AtomicU64::new(0),
                public_url,
            }),
        };
        Ok(gateway)
    }

    /// Checks that every connector's brand, market and company exist in
    /// the core (after a world file was applied, say).
    pub async fn check_references(&self) -> Result<(), StartError> {
        let reader = self.store().reader();
        for c in self.connectors().all() {
            let missing = |message: String| StartError::Reference {
                file: c.file.display().to_string(),
                message,
            };
            let exists = |table: &'static str, code: String| async move {
                let n: i64 = sqlx::query(&format!(
                    "SELECT COUNT(*) AS n FROM {table} WHERE code = $1"
                ))
                .bind(code)
                .fetch_one(reader)
                .await?
                .try_get("n")?;
                Ok::<bool, sqlx::Error>(n > 0)
            };
            if !exists("brands", c.brand.clone()).await? {
                return Err(missing(format!("brand {:?} is not in the store", c.brand)));
            }
            if let Some(market) = &c.market {
                if !exists("markets", market.clone()).await? {
                    return Err(missing(format!("market {market:?} is not in the store")));
                }
            }
            if let Some(company) = &c.company {
                if !exists("companies", company.clone()).await? {
                    return Err(missing(format!("company {company:?} is not in the store")));
                }
            }
        }
        Ok(())
    }

    /// The core.
    pub fn core(&self) -> &Core {
        &self.inner.core
    }

    /// The store.
    pub fn store(&self) -> &Store {
        self.inner.core.store()
    }

    /// The journal.
    pub fn journal(&self) -> &Journal {
        &self.inner.journal
    }

    /// The connectors.
    pub fn connectors(&self) -> &Connectors {
        &self.inner.connectors
    }

    /// RabbitMQ, when configured.
    pub fn amqp(&self) -> Option<&amqp::Amqp> {
        self.inner.amqp.as_ref()
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The settings it started with.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The mappings a connector's messages are read and written with: its
    /// overrides first, then the shared ones.
    pub fn mappings_for(&self, connector: &Connector) -> Vec<&Mapping> {
        let own = self
            .inner
            .partner_mappings
            .get(&connector.id)
            .into_iter()
            .flatten();
        own.chain(self.inner.shared_mappings.iter()).collect()
    }

    /// A new id that follows one message through the logs: the start time
    /// and a sequence number, unique within a process and sortable.
    pub fn new_trace(&self) -> String {
        let n = self.inner.traces.fetch_add(1, Ordering::Relaxed);
        format!("{:x}-{n:x}", now_micros())
    }

    /// Where browsers reach us, without a trailing slash.
    pub fn public_url(&self) -> &str {
        self.inner
            .public_url
            .get()
            .map_or("http://127.0.0.1:8080", |u| u.trim_end_matches('/'))
    }

    /// Sets where browsers reach us, unless the settings named it.
    pub fn default_public_url(&self, url: String) {
        let _ = self.inner.public_url.set(url);
    }

    /// Tells the outbound relay there is work.
    pub fn wake_outbound(&self) {
        self.inner.wake_outbound.notify_one();
    }

    pub(crate) async fn outbound_woken(&self) {
        self.inner.wake_outbound.notified().await
    }

    /// A transport directory from a connector file, relative to where the
    /// gateway runs.
    pub fn resolve(&self, dir: &Path) -> PathBuf {
        resolve(&self.inner.settings.base_dir, dir)
    }

    /// The next control number of `kind` (`isa`, `unb`) we send a
    /// connector, from a counter in the store.
    pub async fn next_control_number(
        &self,
        connector: &str,
        kind: &str,
    ) -> Result<u64, sqlx::Error> {
        // One statement commits on its own: no BEGIN and COMMIT round trips.
        let row = sqlx::query(
            "INSERT INTO control_numbers (connector, kind, value) VALUES ($1, $2, 1) \
             ON CONFLICT (connector, kind) DO UPDATE SET value = control_numbers.value + 1 \
             RETURNING value",
        )
        .bind(connector)
        .bind(kind)
        // To the end of the answer: the commit comes after the row (see
        // `Journal::insert`).
        .fetch_all(self.store().writer())
        .await?
        .into_iter()
        .next()
        .ok_or(sqlx::Error::RowNotFound)?;
        let value: i64 = row.try_get("value")?;
        // ISA13 has nine digits; wrap before it overflows them.
        Ok((value as u64 - 1) % 999_999_999 + 1)
    }
}

fn resolve(base: &Path, dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        base.join(dir)
    }
}

/// The shipped mappings with `dir` laid over them, every file compiled;
/// the first that does not compile stops the start.
fn load_mappings(dir: Option<&Path>) -> Result<Vec<Mapping>, StartError> {
    crate::mapping::load_overlaid(dir).map_err(StartError::Mapping)
}

impl Gateway {
    /// Finishes inbound messages a crash left between "received" and
    /// "applied": each is processed again from its journalled bytes, which
    /// is safe because its acknowledgment is reused and its core commands
    /// are keyed. Returns how many were taken up.
    pub async fn resume(&self) -> Result<usize, sqlx::Error> {
        let unfinished = self.journal().unfinished().await?;
        for entry in &unfinished {
            self.finish(entry).await?;
        }
        Ok(unfinished.len())
    }

    /// Processes an inbound message again from its journalled bytes (after
    /// the master data it lacked was fixed, say); what it did before is
    /// not done twice. Returns its status after.
    pub async fn reprocess(&self, id: i64) -> Result<Option<journal::Status>, sqlx::Error> {
        let Some(entry) = self.journal().get(id).await? else {
            return Ok(None);
        };
        if entry.direction != journal::Direction::In || entry.duplicate_of.is_some() {
            return Ok(None);
        }
        self.finish(&entry).await?;
        Ok(self.journal().get(id).await?.map(|e| e.status))
    }

    async fn finish(&self, entry: &journal::Entry) -> Result<(), sqlx::Error> {
        let Some(connector) = self.connectors().get(&entry.connector).cloned() else {
            let why = format!("connector {} is no longer configured", entry.connector);
            return self
                .journal()
                .set_status(entry.id, journal::Status::Failed, &[why])
                .await;
        };
        let raw = self.journal().raw(entry.id).await?.unwrap_or_default();
        tracing::info!(journal = entry.id, connector = %connector.id, "processing from the journal");
        match entry.format.as_str() {
            "x12" => {
                // Whoever sent it got no answer: its acknowledgment is queued.
                self.process_edi(
                    &connector,
                    inbound::EdiSyntax::X12,
                    entry.id,
                    &raw,
                    inbound::Reply::Queued,
                    inbound::Run::Again,
                )
                .await?;
            }
            "edifact" => {
                self.process_edi(
                    &connector,
                    inbound::EdiSyntax::Edifact,
                    entry.id,
                    &raw,
                    inbound::Reply::Queued,
                    inbound::Run::Again,
                )
                .await?;
            }
            "json" => {
                self.process_json(&connector, entry.id, &raw).await?;
            }
            "cxml" => match crate::cxml::read(&raw) {
                Ok(read) => {
                    self.process_cxml(&connector, entry.id, &read.envelope, inbound::Run::Again)
                        .await?;
                }
                Err(e) => {
                    self.journal()
                        .set_status(entry.id, journal::Status::Invalid, &[e.to_string()])
                        .await?;
                }
            },
            other => {
                let why = format!("messages in {other} are not processed yet");
                self.journal()
                    .set_status(entry.id, journal::Status::Failed, &[why])
                    .await?;
            }
        }
        Ok(())
    }
}
