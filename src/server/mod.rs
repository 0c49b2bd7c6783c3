//! `edigate serve`: the HTTP face of the gateway (axum on tokio). Partner
//! endpoints (`/edi/{connector}`, `/cxml`), the REST API under `/api`,
//! health, readiness and metrics; the outbound relay runs beside it, and
//! a shutdown lets requests and the relay's pass in progress finish.

mod api;
mod commerce;
mod config;
mod openapi;
mod shop;

pub use config::{Config, ConfigError};

use crate::gateway::inbound::{EdiSyntax, Reply};
use crate::gateway::world::{self, World};
use crate::gateway::{Gateway, Settings};
use crate::store::Store;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::net::SocketAddr;

/// Why the server stopped or did not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The configuration.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// The store.
    #[error("store: {0}")]
    Store(#[from] crate::store::StoreError),
    /// The world file.
    #[error("world file {0}")]
    World(#[from] world::WorldError),
    /// Connectors or mappings.
    #[error("{0}")]
    Start(#[from] crate::gateway::StartError),
    /// The listener.
    #[error("cannot listen on {addr}: {error}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        error: std::io::Error,
    },
}

/// A gateway that is running: its address, and how to stop it.
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The gateway.
    pub gateway: Gateway,
    stop: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
    done: tokio::task::JoinHandle<()>,
}

impl Running {
    /// Stops taking requests, lets those in flight and the relay's pass
    /// finish, and closes the store.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.done.await;
    }

    /// Waits until the server stops by itself (a signal).
    pub async fn wait(self) {
        let _ = self.done.await;
    }
}

/// Opens the store, applies the world file to an empty one, loads the
/// connectors and mappings, finishes messages a crash left half done,
/// starts the outbound relay and listens.
pub async fn start(config: &Config) -> Result<Running, ServeError> {
    let store = Store::open(&config.database_url()).await?;
    if let Some(file) = &config.world {
        if file.is_file()
            && world::is_empty(&store)
                .await
                .map_err(crate::gateway::StartError::Store)?
        {
            World::read(file)?
                .apply(
                    &crate::core::Core::new(store.clone()),
                    &file.display().to_string(),
                )
                .await?;
            tracing::info!(file = %file.display(), "applied the world file to an empty store");
        }
    }
    let gateway = Gateway::start(
        store.clone(),
        Settings {
            connectors: config.connectors.clone(),
            mappings: config.mappings.clone(),
            base_dir: config.base_dir.clone(),
            us: config.us(),
            amqp_url: config.amqp_url.clone(),
            bus_queue: config.bus_queue.clone(),
            public_url: config.public_url.clone(),
        },
    )
    .await?;
    gateway.check_references().await?;
    let resumed = gateway
        .resume()
        .await
        .map_err(crate::gateway::StartError::Store)?;
    if resumed > 0 {
        tracing::info!(resumed, "finished messages left unfinished by the last run");
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|error| ServeError::Listen {
            addr: config.listen,
            error,
        })?;
    let addr = listener.local_addr().map_err(|error| ServeError::Listen {
        addr: config.listen,
        error,
    })?;
    gateway.default_public_url(format!("http://{addr}"));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop = std::sync::Arc::new(stop);
    let relay = tokio::spawn({
        let gateway = gateway.clone();
        let stopped = stopped.clone();
        async move { gateway.run_outbound(stopped).await }
    });
    let watchers = tokio::spawn({
        let gateway = gateway.clone();
        let stopped = stopped.clone();
        async move { gateway.run_watchers(stopped).await }
    });
    let bus = tokio::spawn({
        let gateway = gateway.clone();
        let stopped = stopped.clone();
        async move { gateway.run_bus(stopped).await }
    });
    let amqp_inbound = tokio::spawn({
        let gateway = gateway.clone();
        let stopped = stopped.clone();
        async move { gateway.run_amqp_inbound(stopped).await }
    });
    let sftp = tokio::spawn({
        let gateway = gateway.clone();
        let stopped = stopped.clone();
        async move { gateway.run_sftp_pollers(stopped).await }
    });
    let app = router(gateway.clone());
    let stop_background = stop.clone();
    let done = tokio::spawn(async move {
        let mut stopped_http = stopped.clone();
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            tokio::select! {
                _ = stopped_http.changed() => {}
                _ = terminated() => {}
            }
        });
        if let Err(e) = serve.await {
            tracing::error!(error = %e, "the server stopped");
        }
        // A signal stops the HTTP side first; then the background work.
        let _ = stop_background.send(true);
        let _ = watchers.await;
        let _ = sftp.await;
        let _ = amqp_inbound.await;
        let _ = bus.await;
        let _ = relay.await;
        store.close().await;
    });
    tracing::info!(%addr, "edigate listening");
    Ok(Running {
        addr,
        gateway,
        stop,
        done,
    })
}

/// Ctrl-C or SIGTERM.
async fn terminated() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return std::future::pending().await,
            };
        tokio::select! {
            _ = interrupt => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}

/// Every route.
pub fn router(gateway: Gateway) -> Router {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi::document))
        .route("/edi/{connector}", post(edi))
        .route("/cxml", post(cxml))
        .nest("/api", api::routes())
        .merge(shop::routes())
        // EDI files are large; 64 MB is what a big 846 or 832 needs.
        .layer(DefaultBodyLimit::max(64 * 1024 * 1024))
        .with_state(gateway)
}

async fn ready(State(gateway): State<Gateway>) -> Response {
    match sqlx::query("SELECT 1")
        .execute(gateway.store().reader())
        .await
    {
        Ok(_) => (StatusCode::OK, "ready").into_response(),
        Err(e) => (StatusCode::SERVICE_UNAVAILABLE, format!("store: {e}")).into_response(),
    }
}

async fn metrics(State(gateway): State<Gateway>) -> Response {
    if let Err(e) = gateway.count_queue_depth().await {
        tracing::warn!(error = %e, "counting the outbound queue for the metrics");
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        gateway.metrics().render(),
    )
        .into_response()
}

/// A raw X12 or EDIFACT interchange from a partner.
async fn edi(
    State(gateway): State<Gateway>,
    Path(connector): Path<String>,
    body: Bytes,
) -> Response {
    let Some(c) = gateway
        .connectors()
        .get(&connector)
        .filter(|c| c.accepts_http())
        .cloned()
    else {
        return (
            StatusCode::NOT_FOUND,
            format!("no connector {connector:?} takes messages over HTTP"),
        )
            .into_response();
    };
    let head = &body[..body.len().min(128)];
    let syntax = match crate::detect::detect(head) {
        crate::detect::Format::X12 => EdiSyntax::X12,
        crate::detect::Format::Edifact => EdiSyntax::Edifact,
        other => {
            return (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("/edi takes X12 or EDIFACT interchanges; this looks like {other:?}"),
            )
                .into_response()
        }
    };
    answer(
        gateway
            .receive_edi(&c, syntax, body.to_vec(), Reply::InAnswer)
            .await,
    )
}

async fn cxml(State(gateway): State<Gateway>, body: Bytes) -> Response {
    answer(gateway.receive_cxml(body.to_vec()).await)
}

pub(crate) fn answer(a: crate::gateway::inbound::Answer) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(a.content_type),
    );
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    };
    if let Some(id) = a.message {
        put("edigate-message", id.to_string());
    }
    if let Some(id) = a.duplicate_of {
        put("edigate-duplicate-of", id.to_string());
    }
    if !a.orders.is_empty() {
        put("edigate-orders", a.orders.join(","));
    }
    put("edigate-status", a.outcome.as_str().to_string());
    let status = StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, headers, a.body).into_response()
}
