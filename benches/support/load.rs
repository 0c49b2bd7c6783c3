//! What the load benches share: numbers from the environment, concurrent
//! clients driving a running gateway, rates and percentiles.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A number from the environment, or `default`.
pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The repository's root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A finished run of requests.
pub struct Run {
    /// Requests made.
    pub count: usize,
    /// Requests that failed.
    pub errors: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Each request's latency.
    pub latencies: Vec<Duration>,
}

impl Run {
    /// Requests per second.
    pub fn rate(&self) -> f64 {
        self.count as f64 / self.elapsed.as_secs_f64()
    }
    /// The latency at quantile `p` (0.99).
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted
            .get(((sorted.len() as f64 * p) as usize).min(sorted.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }
}

/// `count` requests from `clients` concurrent clients; `request(n)` makes
/// the n-th.
pub async fn drive<F, Fut>(clients: usize, count: usize, request: F) -> Run
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let request = Arc::new(request);
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (request, next) = (request.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0;
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= count {
                    break;
                }
                let t = Instant::now();
                if !request(n).await {
                    errors += 1;
                }
                latencies.push(t.elapsed());
            }
            (latencies, errors)
        }));
    }
    let mut run = Run {
        count,
        errors: 0,
        elapsed: Duration::ZERO,
        latencies: Vec::with_capacity(count),
    };
    for t in tasks {
        let (latencies, errors) = t.await.unwrap();
        run.latencies.extend(latencies);
        run.errors += errors;
    }
    run.elapsed = started.elapsed();
    run
}

/// A GET of `/health`: the trivial request every load bench prints its
/// figures beside, from the same run.
pub fn health_check(
    http: reqwest::Client,
    base: String,
) -> impl Fn(usize) -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>> + Clone {
    move |_| {
        let (http, base) = (http.clone(), base.clone());
        Box::pin(async move {
            http.get(format!("{base}/health"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
        })
    }
}
