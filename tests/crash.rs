//! The crash test: the real `edigate serve` process takes a stream of 850s
//! from concurrent partners and is killed with SIGKILL part way; started
//! again, it finishes what it had journalled. Every interchange that was
//! answered "received" is applied exactly once, nothing is lost, and the
//! partners' resends of what was not answered are placed once too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const STREAM: u32 = 80;
const CLIENTS: u32 = 8;
const KILL_AFTER: usize = 25;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A directory with a configuration, copies of the demo connectors and an
/// SQLite store.
fn setup(port: u16) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "edigate_crash_{}_{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(dir.join("connectors")).unwrap();
    for entry in std::fs::read_dir(repo().join("connectors")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|x| x == "toml") {
            std::fs::copy(
                &path,
                dir.join("connectors").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    let config = format!(
        "listen = \"127.0.0.1:{port}\"\ndatabase_url = \"sqlite://{}?mode=rwc\"\nconnectors = \"connectors\"\nmappings = \"{}\"\nworld = \"{}\"\n",
        dir.join("edigate.db").display(),
        repo().join("mappings").display(),
        repo().join("demo/world.toml").display(),
    );
    std::fs::write(dir.join("edigate.toml"), config).unwrap();
    dir
}

fn serve(dir: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(["serve", "--config"])
        .arg(dir.join("edigate.toml"))
        .env_remove("DATABASE_URL")
        .env_remove("AMQP_URL")
        .env_remove("EDIGATE_LISTEN")
        .env("EDIGATE_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("edigate serve")
}

async fn wait_ready(base: &str) {
    let client = reqwest::Client::new();
    for _ in 0..300 {
        if let Ok(r) = client.get(format!("{base}/ready")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the server did not come up");
}

fn interchange(control: u32) -> Vec<u8> {
    let text =
        std::fs::read_to_string(repo().join("samples/x12/850/850-004010-valid.edi")).unwrap();
    text.replace("000000101", &format!("{control:09}"))
        .into_bytes()
}

/// Posts control numbers 1..=STREAM from several clients; returns the
/// order each answered interchange was given.
async fn stream(base: &str, kill: impl Fn() + Send + Sync + 'static) -> BTreeMap<u32, String> {
    let answered = Arc::new(std::sync::Mutex::new(BTreeMap::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let kill = Arc::new(kill);
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let (base, answered, count, kill) = (
            base.to_string(),
            answered.clone(),
            count.clone(),
            kill.clone(),
        );
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            for control in (1..=STREAM).filter(|c| c % CLIENTS == client) {
                let sent = http
                    .post(format!("{base}/edi/globex-x12"))
                    .body(interchange(control))
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                if response.status().as_u16() != 200 {
                    continue;
                }
                let order = response
                    .headers()
                    .get("edigate-orders")
                    .map(|v| v.to_str().unwrap().to_string());
                if let Some(order) = order {
                    answered.lock().unwrap().insert(control, order);
                    if count.fetch_add(1, Ordering::SeqCst) + 1 == KILL_AFTER {
                        kill();
                    }
                }
            }
        }));
    }
    for c in clients {
        let _ = c.await;
    }
    let answered = answered.lock().unwrap().clone();
    answered
}

async fn staff_get(base: &str, path: &str) -> serde_json::Value {
    reqwest::Client::new()
        .get(format!("{base}{path}"))
        .bearer_auth("demo-staff-token")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_gateway_loses_and_repeats_nothing() {
    let port = free_port();
    let dir = setup(port);
    let base = format!("http://127.0.0.1:{port}");
    let child = Arc::new(std::sync::Mutex::new(serve(&dir)));
    wait_ready(&base).await;

    let victim = child.clone();
    let answered = stream(&base, move || {
        // SIGKILL: no shutdown, no flush, mid-request for other clients.
        let _ = victim.lock().unwrap().kill();
    })
    .await;
    let _ = child.lock().unwrap().wait();
    assert!(answered.len() >= KILL_AFTER, "{} answered", answered.len());
    assert!(answered.len() < STREAM as usize, "the kill came mid-stream");

    let mut restarted = serve(&dir);
    wait_ready(&base).await;

    // Every answered interchange: applied, to the order it was told.
    for (control, order) in &answered {
        let found = staff_get(
            &base,
            &format!("/api/messages?control_number={control:09}&connector=globex-x12"),
        )
        .await;
        let originals: Vec<&serde_json::Value> = found
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["direction"] == "in" && m["duplicate_of"].is_null())
            .collect();
        assert_eq!(originals.len(), 1, "interchange {control}: {found:#}");
        assert_eq!(originals[0]["status"], "applied", "interchange {control}");
        assert_eq!(
            originals[0]["orders"],
            serde_json::json!([order]),
            "interchange {control}"
        );
    }

    // The partners resend everything they got no answer for (and, to be
    // sure, everything else): each interchange ends up placed once.
    let resent = stream(&base, || {}).await;
    assert_eq!(resent.len(), STREAM as usize, "every resend is answered");
    for (control, order) in &answered {
        assert_eq!(
            &resent[control], order,
            "a repeat gets its first order back"
        );
    }
    let page = staff_get(&base, "/api/orders?company=GLOBEX-RETAIL&limit=1000").await;
    let rows = page["rows"].as_array().unwrap();
    assert_eq!(
        rows.len(),
        STREAM as usize,
        "one order per interchange, no more, no fewer"
    );
    let mut numbers: Vec<&str> = resent.values().map(String::as_str).collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(
        numbers.len(),
        STREAM as usize,
        "no two interchanges share an order"
    );

    let _ = restarted.kill();
    let _ = restarted.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
