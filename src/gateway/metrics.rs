//! Prometheus metrics: messages in and out per connector, format and
//! outcome; errors; deliveries waiting; how long a message takes from
//! arrival to its answer.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicI64;

/// A message's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct MessageLabels {
    /// Connector id.
    pub connector: String,
    /// `x12`, `edifact`, `cxml`.
    pub format: String,
    /// `in` or `out`.
    pub direction: String,
    /// The journal status it ended in.
    pub outcome: String,
}

/// A latency's labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FormatLabels {
    /// `x12`, `edifact`, `cxml`.
    pub format: String,
}

/// The gateway's metrics.
pub struct Metrics {
    registry: Registry,
    messages: Family<MessageLabels, Counter>,
    errors: Family<FormatLabels, Counter>,
    latency: Family<FormatLabels, Histogram>,
    queue_depth: Gauge<i64, AtomicI64>,
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("edigate");
        let messages = Family::<MessageLabels, Counter>::default();
        registry.register(
            "messages",
            "Messages journalled, by connector, format, direction and outcome",
            messages.clone(),
        );
        let errors = Family::<FormatLabels, Counter>::default();
        registry.register(
            "errors",
            "Inbound messages refused or failed, by format",
            errors.clone(),
        );
        let latency = Family::<FormatLabels, Histogram>::new_with_constructor(|| {
            // 0.5 ms to about 16 s.
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        registry.register(
            "inbound_seconds",
            "From an inbound message's arrival to its answer",
            latency.clone(),
        );
        let queue_depth = Gauge::<i64, AtomicI64>::default();
        registry.register(
            "outbound_queue_depth",
            "Deliveries waiting to be sent",
            queue_depth.clone(),
        );
        Metrics {
            registry,
            messages,
            errors,
            latency,
            queue_depth,
        }
    }

    /// Counts a message.
    pub fn message(&self, connector: &str, format: &str, direction: &str, outcome: &str) {
        self.messages
            .get_or_create(&MessageLabels {
                connector: connector.into(),
                format: format.into(),
                direction: direction.into(),
                outcome: outcome.into(),
            })
            .inc();
    }

    /// Counts an inbound error.
    pub fn error(&self, format: &str) {
        self.errors
            .get_or_create(&FormatLabels {
                format: format.into(),
            })
            .inc();
    }

    /// Records how long an inbound message took to answer.
    pub fn answered(&self, format: &str, started: std::time::Instant) {
        self.latency
            .get_or_create(&FormatLabels {
                format: format.into(),
            })
            .observe(started.elapsed().as_secs_f64());
    }

    /// Sets the number of deliveries waiting.
    pub fn set_queue_depth(&self, n: i64) {
        self.queue_depth.set(n);
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
