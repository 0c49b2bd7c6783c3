//! The gateway end to end under load: concurrent partners post X12 850s
//! over HTTP to a running `edigate serve` (in this process, on 127.0.0.1),
//! each waiting for its 997; every order is journalled, validated,
//! acknowledged, mapped, placed with its reservations, and sent on to the
//! supplier's file drop by the relay. Reported: orders/s and the p50/p99
//! latency to the 997, beside the raw HTTP rate of `/health` with the same
//! clients from the same run (the baseline), and the time the relay needed
//! to deliver every order to the supplier.
//!
//! SQLite always; PostgreSQL + RabbitMQ as well when
//! `EDIGATE_BENCH_POSTGRES_URL` (a database the bench may fill) and
//! `EDIGATE_BENCH_AMQP_URL` are set. `EDIGATE_BENCH_ORDERS` (4,000) and
//! `EDIGATE_BENCH_CLIENTS` (32) size the run. Target on one 2-core node:
//! ≥ 500 orders/s with SQLite, p99 < 100 ms.

mod support;

use support::load::{drive, env_number, health_check, repo};

use edigate::server::{start, Config};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A directory with the demo connectors and a demo world whose stock and
/// credit limits a long run does not exhaust (so every order takes the
/// same path: reserved, approved, sent).
fn prepare(dir: &Path) -> PathBuf {
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
    let world = std::fs::read_to_string(repo().join("demo/world.toml"))
        .unwrap()
        .replace(
            "credit_limit = \"250000\"",
            "credit_limit = \"1000000000000\"",
        )
        .replace(
            "credit_limit = \"100000\"",
            "credit_limit = \"1000000000000\"",
        )
        .replace("on_hand = \"5000\"", "on_hand = \"1000000000\"")
        .replace("on_hand = \"800\"", "on_hand = \"1000000000\"")
        .replace("amount = \"25000\"", "amount = \"1000000000000\"");
    let file = dir.join("world.toml");
    std::fs::write(&file, world).unwrap();
    file
}

fn interchange(template: &str, control: usize) -> Vec<u8> {
    template
        .replace("000000101", &format!("{control:09}"))
        .into_bytes()
}

async fn bench(
    name: &str,
    database_url: String,
    amqp: Option<String>,
    orders: usize,
    clients: usize,
) {
    let dir = std::env::temp_dir().join(format!("edigate_load_{}_{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let world = prepare(&dir);
    let mut config = Config::in_dir(&dir);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.database_url = Some(database_url);
    config.mappings = repo().join("mappings");
    config.world = Some(world);
    config.amqp_url = amqp;
    config.bus_queue = format!("edigate.bench.{}", std::process::id());
    let running = start(&config).await.expect("the gateway starts");
    let base = format!("http://{}", running.addr);
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()
        .unwrap();
    let template =
        std::fs::read_to_string(repo().join("samples/x12/850/850-004010-valid.edi")).unwrap();

    let post = {
        let (http, base, template) = (http.clone(), base.clone(), template.clone());
        move |n: usize| {
            let (http, base, body) = (http.clone(), base.clone(), interchange(&template, n + 1));
            async move {
                match http
                    .post(format!("{base}/edi/globex-x12"))
                    .body(body)
                    .send()
                    .await
                {
                    Ok(r) => {
                        let ok = r.status().is_success()
                            && r.headers()
                                .get("edigate-status")
                                .is_some_and(|s| s == "applied");
                        let ack = r.bytes().await.unwrap_or_default();
                        ok && ack.windows(6).any(|w| w == b"AK5*A~")
                    }
                    Err(_) => false,
                }
            }
        }
    };
    let health = health_check(http.clone(), base.clone());

    // Warm up connections, statement caches and the guides.
    let warm = (orders / 20).max(clients);
    let post_warm = post.clone();
    drive(clients, warm, move |n| post_warm(orders + n)).await;
    let baseline = drive(clients, orders, health).await;
    let load = drive(clients, orders, post).await;

    // The relay's share: until every order reached the supplier.
    let drain = Instant::now();
    let gateway = running.gateway.clone();
    loop {
        let pending: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM deliveries WHERE state IN ('pending', 'queued')",
        )
        .fetch_one(gateway.store().reader())
        .await
        .unwrap_or(0);
        let notes: i64 = sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM notifications WHERE state = 'pending'",
        )
        .fetch_one(gateway.store().reader())
        .await
        .unwrap_or(0);
        if pending + notes == 0 || drain.elapsed() > Duration::from_secs(300) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let drained = drain.elapsed();
    let delivered = std::fs::read_dir(dir.join("var/outbound/acme-erp"))
        .map(|d| d.count())
        .unwrap_or(0);

    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("\n{name}: {orders} orders, {clients} clients");
    println!(
        "  850 → 997 + order      {:>8.0} orders/s   p50 {:>6.2} ms   p99 {:>6.2} ms   errors {}",
        load.rate(),
        ms(load.percentile(0.50)),
        ms(load.percentile(0.99)),
        load.errors
    );
    println!(
        "  baseline GET /health   {:>8.0} req/s      p50 {:>6.2} ms   p99 {:>6.2} ms   (same clients, same run)",
        baseline.rate(),
        ms(baseline.percentile(0.50)),
        ms(baseline.percentile(0.99))
    );
    println!(
        "  relay to the supplier  {delivered} ORDERS files; the last {:.2} s after the last 997 (end to end {:.0} orders/s)",
        drained.as_secs_f64(),
        orders as f64 / (load.elapsed + drained).as_secs_f64()
    );
    println!(
        "  target: ≥ 500 orders/s, p99 < 100 ms (SQLite, 2 cores): {}",
        if load.rate() >= 500.0 && load.percentile(0.99) < Duration::from_millis(100) {
            "met"
        } else {
            "NOT met"
        }
    );
    running.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let orders = env_number("EDIGATE_BENCH_ORDERS", 4000);
    let clients = env_number("EDIGATE_BENCH_CLIENTS", 32);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("edigate_load_db_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sqlite = format!("sqlite://{}?mode=rwc", dir.join("edigate.db").display());
        bench("SQLite + in-process bus", sqlite, None, orders, clients).await;
        let _ = std::fs::remove_dir_all(&dir);
        let postgres = std::env::var("EDIGATE_BENCH_POSTGRES_URL").ok();
        let amqp = std::env::var("EDIGATE_BENCH_AMQP_URL").ok();
        match (postgres, amqp) {
            (Some(pg), Some(amqp)) => bench("PostgreSQL + RabbitMQ", pg, Some(amqp), orders, clients).await,
            _ => println!(
                "\nPostgreSQL + RabbitMQ: skipped (set EDIGATE_BENCH_POSTGRES_URL to an empty database and EDIGATE_BENCH_AMQP_URL)"
            ),
        }
    });
}
