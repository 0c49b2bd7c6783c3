//! Punchout under load, on a running `edigate serve` (in this process, on
//! 127.0.0.1, SQLite): catalog search over 100,000 products (half of them
//! in the buyer's assortment, every one priced) through the real shop
//! page with a real session, browsing the catalog's first pages without
//! words, and cXML PunchOutSetupRequests per second.
//! Each is printed beside the rate of `/health` with the same clients
//! from the same run (the baseline). Targets: search p99 < 50 ms, setup
//! ≥ 1,000/s.
//!
//! `EDIGATE_BENCH_PRODUCTS` (100,000), `EDIGATE_BENCH_SEARCHES` (2,000),
//! `EDIGATE_BENCH_SETUPS` (4,000) and `EDIGATE_BENCH_CLIENTS` (16) size
//! the run. The products are written straight into the store in batches
//! (the bench measures search, not product creation).

mod support;

use edigate::server::{start, Config};
use std::time::Duration;
use support::load::{drive, env_number, health_check, repo, Run};

const SECRET: &str = "bench-shared-secret";
const ADJECTIVES: [&str; 7] = [
    "Stainless",
    "Galvanized",
    "Heavy",
    "Compact",
    "Brass",
    "Nylon",
    "Coated",
];
const NOUNS: [&str; 13] = [
    "bolt", "nut", "washer", "hinge", "bracket", "clamp", "cable", "glove", "grease", "drill",
    "tape", "screw", "valve",
];

/// The n-th search: a word alone (thousands of hits), two words, a part
/// number prefix.
fn query_words(n: usize) -> String {
    match n % 3 {
        0 => NOUNS[n % 13].to_string(),
        1 => format!("{} {}", ADJECTIVES[n % 7].to_lowercase(), NOUNS[n % 13]),
        _ => format!("BENCH-0{:02}", n % 100),
    }
}

fn setup_body(n: usize) -> String {
    format!(
        r#"<cXML payloadID="bench-{n}@nordwind" timestamp="2026-11-27T10:00:00+01:00"><Header>
<From><Credential domain="NetworkID"><Identity>NORDWIND-HANDEL</Identity></Credential></From>
<To><Credential domain="NetworkID"><Identity>EDIGATE</Identity></Credential></To>
<Sender><Credential domain="NetworkID"><Identity>NORDWIND-HANDEL</Identity><SharedSecret>{SECRET}</SharedSecret></Credential>
<UserAgent>bench</UserAgent></Sender></Header><Request><PunchOutSetupRequest operation="create">
<BuyerCookie>c{n}</BuyerCookie><Extrinsic name="CostCenter">CC-4711</Extrinsic>
<BrowserFormPost><URL>http://127.0.0.1:9/return</URL></BrowserFormPost></PunchOutSetupRequest></Request></cXML>"#
    )
}

/// 100,000 products in market DE, every other one in Nordwind's
/// assortment, each with a base price.
async fn fill(store: &edigate::store::Store, products: usize) {
    let ids = |sql: &'static str| async move {
        let row = sqlx::query(sql).fetch_one(store.reader()).await.unwrap();
        sqlx::Row::try_get::<i64, _>(&row, 0).unwrap()
    };
    let market = ids("SELECT id FROM markets WHERE code = 'DE'").await;
    let brand = ids("SELECT id FROM brands WHERE code = 'ACME'").await;
    let list = ids("SELECT id FROM price_lists WHERE code = 'BASE-DE'").await;
    let assortment = ids("SELECT id FROM assortments WHERE code = 'NORDWIND-SORTIMENT'").await;
    for start in (0..products).step_by(1000) {
        let end = (start + 1000).min(products);
        let rows: Vec<String> = (start..end)
            .map(|i| {
                format!(
                    "('BENCH-{i:06}', {brand}, 'product', '{} {} {} mm', '3116{:04}', 'EA', '{{\"size\": \"{}\"}}')",
                    ADJECTIVES[i % 7],
                    NOUNS[i % 13],
                    4 + i % 40,
                    i % 50,
                    4 + i % 40
                )
            })
            .collect();
        let mut tx = store.begin().await.unwrap();
        sqlx::query(&format!(
            "INSERT INTO products (sku, brand_id, kind, name, unspsc, base_unit, attributes) VALUES {}",
            rows.join(", ")
        ))
        .execute(&mut *tx)
        .await
        .unwrap();
        let range = format!("sku >= 'BENCH-{start:06}' AND sku < 'BENCH-{end:06}'");
        for sql in [
            format!("INSERT INTO product_units (product_id, unit, base_units) SELECT id, 'EA', 1000000 FROM products WHERE {range}"),
            format!("INSERT INTO product_markets (product_id, market_id) SELECT id, {market} FROM products WHERE {range}"),
            format!("INSERT INTO prices (price_list_id, product_id, min_quantity, unit_price) SELECT {list}, id, 0, 1000000 + id FROM products WHERE {range}"),
            format!("INSERT INTO assortment_products (assortment_id, product_id) SELECT {assortment}, id FROM products WHERE {range} AND id % 2 = 0"),
        ] {
            sqlx::query(&sql).execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    }
}

fn report(name: &str, run: &Run, baseline: &Run) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{name:<28} {:>8.0}/s  p50 {:>6.1} ms  p99 {:>6.1} ms  errors {}   (baseline /health {:.0}/s, p99 {:.1} ms)",
        run.rate(),
        ms(run.percentile(0.5)),
        ms(run.percentile(0.99)),
        run.errors,
        baseline.rate(),
        ms(baseline.percentile(0.99)),
    );
}

fn main() {
    let products = env_number("EDIGATE_BENCH_PRODUCTS", 100_000);
    let searches = env_number("EDIGATE_BENCH_SEARCHES", 2_000);
    let setups = env_number("EDIGATE_BENCH_SETUPS", 4_000);
    let clients = env_number("EDIGATE_BENCH_CLIENTS", 16);
    std::env::set_var("EDIGATE_SECRET_NORDWIND", SECRET);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("edigate_punchout_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = Config::in_dir(&repo());
        config.listen = "127.0.0.1:0".parse().unwrap();
        config.database_url = Some(format!(
            "sqlite://{}?mode=rwc",
            dir.join("edigate.db").display()
        ));
        let running = start(&config).await.expect("the gateway starts");
        let base = format!("http://{}", running.addr);
        let filled = std::time::Instant::now();
        fill(running.gateway.store(), products).await;
        println!(
            "{products} products written in {:.1} s",
            filled.elapsed().as_secs_f64()
        );
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(clients)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();

        let answer = http
            .post(format!("{base}/cxml"))
            .body(setup_body(0))
            .send()
            .await
            .unwrap();
        let text = answer.text().await.unwrap();
        let start_url = text
            .split("<URL>")
            .nth(1)
            .and_then(|t| t.split("</URL>").next())
            .unwrap()
            .to_string();
        let entered = http.get(start_url).send().await.unwrap();
        let cookie = entered.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();

        let health = health_check(http.clone(), base.clone());
        // `query(n)` is the n-th request's query string.
        let shop = |query: fn(usize) -> String| {
            let (http, base, cookie) = (http.clone(), base.clone(), cookie.clone());
            move |n: usize| {
                let (http, base, cookie) = (http.clone(), base.clone(), cookie.clone());
                let url = format!("{base}/shop{}", query(n));
                async move {
                    http.get(url)
                        .header("cookie", cookie)
                        .send()
                        .await
                        .is_ok_and(|r| r.status().is_success())
                }
            }
        };
        let search = shop(|n| format!("?q={}", query_words(n).replace(' ', "+")));
        // The catalog's first pages without words: 50,000 products by
        // name, with facets and the total.
        let browse = shop(|n| format!("?page={}", n % 3));
        let setup = {
            let (http, base) = (http.clone(), base.clone());
            move |n: usize| {
                let (http, base) = (http.clone(), base.clone());
                async move {
                    match http
                        .post(format!("{base}/cxml"))
                        .body(setup_body(n + 1))
                        .send()
                        .await
                    {
                        Ok(r) => {
                            r.status().is_success()
                                && r.text().await.is_ok_and(|t| t.contains("StartPage"))
                        }
                        Err(_) => false,
                    }
                }
            }
        };
        // The core's search alone, without HTTP, session and page.
        let core = running.gateway.core().clone();
        let mut alone = Vec::new();
        for n in 0..searches / 8 {
            let q = query_words(n);
            let search = edigate::core::CatalogSearch {
                company: "NORDWIND".into(),
                market: "DE".into(),
                text: q,
                limit: 24,
                ..Default::default()
            };
            let t = std::time::Instant::now();
            core.search_catalog(&search).await.unwrap();
            alone.push(t.elapsed());
        }
        alone.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "core search_catalog alone: p50 {:.1} ms, p99 {:.1} ms",
            ms(alone[alone.len() / 2]),
            ms(alone[alone.len() * 99 / 100])
        );
        println!("\nPunchout, SQLite, {clients} clients:");
        let baseline = drive(clients, searches.max(setups) * 4, health.clone()).await;
        // One buyer at a time gives the latency of a search; all clients
        // at once, the rate (and the latency under queueing).
        let alone = drive(1, searches / 4, search.clone()).await;
        report("search, 1 client", &alone, &baseline);
        let searched = drive(clients, searches, search).await;
        report(&format!("search, {clients} clients"), &searched, &baseline);
        let browsed = drive(1, searches / 8, browse).await;
        report("browse, 1 client", &browsed, &baseline);
        let setups_run = drive(clients, setups, setup).await;
        report("PunchOutSetupRequest", &setups_run, &baseline);
        let verdict = |ok: bool| if ok { "met" } else { "NOT met" };
        println!(
            "targets: search p99 (1 client) < 50 ms {}; setup ≥ 1,000/s {}",
            verdict(alone.percentile(0.99) < Duration::from_millis(50)),
            verdict(setups_run.rate() >= 1000.0)
        );
        running.shutdown().await;
        if std::env::var_os("EDIGATE_BENCH_KEEP").is_some() {
            println!("store kept at {}", dir.join("edigate.db").display());
        } else {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
