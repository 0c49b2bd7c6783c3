//! The commerce core under load, each figure beside its baseline from the
//! same run, on SQLite and (when `EDIGATE_BENCH_POSTGRES_URL` or
//! `EDIGATE_TEST_POSTGRES_URL` names a server) on PostgreSQL.
//!
//! `cargo bench --bench core_throughput` loads 100,000 products, 10,000
//! companies in hierarchies (500 groups × company × 3 divisions × 5 units),
//! 1,000,000 customer price rows (2,000 lists at every level × 500 SKUs)
//! plus a 100,000-row base list, and 100,000 orders of one unit, in bulk
//! SQL. Then it measures through the core's own commands and queries:
//!
//! - price resolution p50/p99 (target p99 < 1 ms on SQLite); baseline: a
//!   primary-key lookup through the same pool;
//! - order placement with reservation, 3 lines per order, 8 clients
//!   (target ≥ 1,000 orders/s); baseline: empty write transactions
//!   (claim an idempotency key, commit) with the same clients;
//! - order history of the unit with 100,000 orders: first pages, deep
//!   keyset pages and filtered pages, p99 (target < 50 ms); baseline: the
//!   same primary-key lookup.
//!
//! `EDIGATE_BENCH_SCALE=0.1` shrinks the data for a quick look;
//! `EDIGATE_BENCH_ONLY=prices` stops after price resolution (for a
//! profiler); `EDIGATE_BENCH_CLIENTS=N` sets the placing clients (8).

mod support;

use edigate::core::{Actor, ChannelKind, Core, PlaceOrder, PriceQuery};
use edigate::document::{Order, OrderLine, ProcurementRefs, Quantity};
use edigate::store::{Backend, Store};
use rust_decimal::Decimal;
use std::time::{Duration, Instant};

const GROUPS: usize = 500;
const PRODUCTS: usize = 100_000;
const CUSTOMER_LISTS: usize = 2_000;
const SKUS_PER_LIST: usize = 500;
const HISTORY_ORDERS: usize = 100_000;

fn scale() -> f64 {
    std::env::var("EDIGATE_BENCH_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.0)
}

fn scaled(n: usize) -> usize {
    ((n as f64 * scale()) as usize).max(1)
}

/// A small deterministic generator (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `statements` of generated SQL values in chunks of multi-row
/// INSERTs, in one transaction per chunk.
async fn bulk(store: &Store, head: &str, rows: impl Iterator<Item = String>) {
    let mut chunk = Vec::with_capacity(1000);
    let flush = |chunk: &mut Vec<String>| {
        let sql = format!("{head} VALUES {}", chunk.join(","));
        chunk.clear();
        sql
    };
    let mut statements = Vec::new();
    for row in rows {
        chunk.push(row);
        if chunk.len() == 1000 {
            statements.push(flush(&mut chunk));
        }
    }
    if !chunk.is_empty() {
        statements.push(flush(&mut chunk));
    }
    for sql in statements {
        let mut tx = store.begin().await.unwrap();
        sqlx::query(&sql).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
    }
}

struct World {
    units: Vec<String>,
    products: usize,
    history_unit: String,
}

async fn load(core: &Core) -> World {
    let by = Actor::system("bench");
    let store = core.store();
    core.create_brand(&by, "B", "Brand").await.unwrap();
    let market = edigate::core::NewMarket {
        code: "DE".into(),
        name: "Germany".into(),
        region: "DE".into(),
        currency: "EUR".into(),
        languages: vec!["de".into()],
        tax_rules: None,
        default_price_list: Some("BASE".into()),
    };
    core.create_market(&by, &market).await.unwrap();
    core.open_channel(&by, "B", "DE", ChannelKind::Api)
        .await
        .unwrap();
    let groups = scaled(GROUPS);
    let products = scaled(PRODUCTS);
    // Companies: ids assigned here so that paths can be written at once.
    let mut companies = Vec::new();
    let mut units = Vec::new();
    let mut next = 1usize;
    for g in 0..groups {
        let group = next;
        let company = next + 1;
        companies.push(format!(
            "({group}, 'G{g}', 'Group {g}', 'group', NULL, '/{group}/', 1)"
        ));
        companies.push(format!(
            "({company}, 'G{g}-C', 'Company {g}', 'company', {group}, '/{group}/{company}/', 1)"
        ));
        next += 2;
        for d in 0..3 {
            let division = next;
            companies.push(format!("({division}, 'G{g}-D{d}', 'Division', 'division', {company}, '/{group}/{company}/{division}/', 1)"));
            next += 1;
            for u in 0..5 {
                let unit = next;
                let code = format!("G{g}-D{d}-U{u}");
                companies.push(format!("({unit}, '{code}', 'Unit', 'unit', {division}, '/{group}/{company}/{division}/{unit}/', 1)"));
                units.push(code);
                next += 1;
            }
        }
    }
    let companies_total = companies.len();
    bulk(
        store,
        "INSERT INTO companies (id, code, name, level, parent_id, path, market_id)",
        companies.into_iter(),
    )
    .await;
    bulk(
        store,
        "INSERT INTO products (id, sku, brand_id, kind, name, base_unit)",
        (1..=products).map(|p| format!("({p}, 'SKU-{p:06}', 1, 'product', 'Product {p}', 'C62')")),
    )
    .await;
    bulk(
        store,
        "INSERT INTO product_units (product_id, unit, base_units)",
        (1..=products).map(|p| format!("({p}, 'C62', 1000000)")),
    )
    .await;
    bulk(
        store,
        "INSERT INTO product_markets (product_id, market_id)",
        (1..=products).map(|p| format!("({p}, 1)")),
    )
    .await;
    bulk(
        store,
        "INSERT INTO warehouses (id, code, name)",
        std::iter::once("(1, 'WH', 'Main')".to_string()),
    )
    .await;
    bulk(
        store,
        "INSERT INTO stock (warehouse_id, product_id, on_hand, reserved)",
        (1..=products).map(|p| format!("(1, {p}, 1000000000000, 0)")),
    )
    .await;
    let lists = scaled(CUSTOMER_LISTS);
    let mut price_lists = vec!["(1, 'BASE', 'Base', 'base', 'EUR', 1, NULL)".to_string()];
    for l in 0..lists {
        // Lists spread over every level: company ids cycle through all.
        let company = 1 + (l * 7919) % companies_total;
        price_lists.push(format!(
            "({}, 'CL{l}', 'Customer {l}', 'customer', 'EUR', NULL, {company})",
            l + 2
        ));
    }
    bulk(
        store,
        "INSERT INTO price_lists (id, code, name, kind, currency, market_id, company_id)",
        price_lists.into_iter(),
    )
    .await;
    bulk(
        store,
        "INSERT INTO prices (price_list_id, product_id, min_quantity, unit_price)",
        (1..=products).map(|p| format!("(1, {p}, 0, {})", 1_000_000 * (10 + p % 90))),
    )
    .await;
    let customer_rows = (0..lists).flat_map(move |l| {
        let start = (l * 50) % products;
        (0..SKUS_PER_LIST.min(products)).map(move |k| (l, 1 + (start + k * 197) % products))
    });
    bulk(
        store,
        "INSERT INTO prices (price_list_id, product_id, min_quantity, unit_price)",
        customer_rows.map(|(l, p)| format!("({}, {p}, 0, {})", l + 2, 1_000_000 * (9 + p % 80))),
    )
    .await;
    let history_unit = units[0].clone();
    let history = scaled(HISTORY_ORDERS);
    let unit_row: (i64,) = sqlx::query_as("SELECT id FROM companies WHERE code = $1")
        .bind(&history_unit)
        .fetch_one(store.reader())
        .await
        .unwrap();
    let base_at = chrono::Utc::now().timestamp_micros() - history as i64 * 60_000_000;
    bulk(
        store,
        "INSERT INTO orders (id, company_id, brand_id, market_id, channel, state, po_number, currency, total, cost_center, project, placed_at, updated_at, source)",
        (1..=history).map(|o| {
            let state = ["approved", "sent", "shipped", "closed"][o % 4];
            format!(
                "({o}, {}, 1, 1, 'api', '{state}', 'PO-{o}', 'EUR', {}, 'CC-{}', 'P-{}', {}, {}, '{{}}')",
                unit_row.0,
                1_000_000 * (o % 1000) as i64,
                o % 20,
                o % 50,
                base_at + o as i64 * 60_000_000,
                base_at + o as i64 * 60_000_000
            )
        }),
    )
    .await;
    bulk(
        store,
        "INSERT INTO order_lines (order_id, line_no, line_ref, product_id, sku, description, quantity, unit, base_quantity, unit_price, amount, price_rule, status)",
        (1..=history).map(|o| {
            let p = 1 + (o * 31) % products;
            format!("({o}, 1, '1', {p}, 'SKU-{p:06}', 'x', 1000000, 'C62', 1000000, 1000000, 1000000, 'bench', 'open')")
        }),
    )
    .await;
    if store.backend() == Backend::Postgres {
        // Ids were written explicitly: move the identity sequences past them.
        for table in [
            "companies",
            "products",
            "warehouses",
            "price_lists",
            "orders",
        ] {
            sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
                .execute(store.reader())
                .await
                .unwrap();
        }
        sqlx::query("ANALYZE")
            .execute(store.reader())
            .await
            .unwrap();
    }
    // No ANALYZE on SQLite: the bundled build has STAT4, whose samples make
    // every statement comparing a parameter with an indexed column be
    // prepared again at each run; the indexes alone give the right plans.
    World {
        units,
        products,
        history_unit,
    }
}

async fn pk_lookups(core: &Core, n: usize, products: usize) -> Vec<Duration> {
    let mut rng = Rng(7);
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let id = 1 + rng.below(products) as i64;
        let start = Instant::now();
        let _: (String,) = sqlx::query_as("SELECT sku FROM products WHERE id = $1")
            .bind(id)
            .fetch_one(core.store().reader())
            .await
            .unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    times
}

async fn price_resolutions(core: &Core, world: &World, n: usize) -> Vec<Duration> {
    let mut rng = Rng(11);
    let today = chrono::Utc::now().date_naive();
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let query = PriceQuery {
            sku: format!("SKU-{:06}", 1 + rng.below(world.products)),
            company: world.units[rng.below(world.units.len())].clone(),
            market: "DE".into(),
            quantity: Decimal::from(1 + rng.below(20) as i64),
            on: today,
        };
        let start = Instant::now();
        core.resolve_price(&query).await.unwrap();
        times.push(start.elapsed());
    }
    times.sort();
    times
}

fn bench_order(n: usize, products: usize) -> Order {
    let mut rng = Rng(1000 + n as u64);
    Order {
        id: format!("BENCH-{n}"),
        procurement: ProcurementRefs {
            cost_center: Some("CC-1".into()),
            ..ProcurementRefs::default()
        },
        lines: (0..3)
            .map(|l| {
                let sku = format!("SKU-{:06}", 1 + rng.below(products));
                let quantity = Quantity {
                    value: Decimal::from(1 + l as i64),
                    unit: "C62".into(),
                };
                OrderLine::for_sku(&(l + 1).to_string(), &sku, quantity)
            })
            .collect(),
        ..Order::default()
    }
}

/// Concurrent clients placing orders (`EDIGATE_BENCH_CLIENTS`, default 8).
fn clients() -> usize {
    std::env::var("EDIGATE_BENCH_CLIENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8)
        .max(1)
}

async fn placements(core: &Core, world: &World, orders: usize) -> Duration {
    let start = Instant::now();
    let clients = clients();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let core = core.clone();
            let units = world.units.clone();
            let products = world.products;
            tokio::spawn(async move {
                for n in (client..orders).step_by(clients) {
                    let place = PlaceOrder {
                        channel: ChannelKind::Api,
                        brand: "B".into(),
                        market: "DE".into(),
                        company: units[(n * 13) % units.len()].clone(),
                        order: bench_order(n, products),
                        options: Default::default(),
                        on: None,
                        source: None,
                    };
                    core.place_order(Some(&format!("bench-{n}")), &Actor::system("bench"), &place)
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    start.elapsed()
}

async fn empty_commands(core: &Core, n: usize) -> Duration {
    let start = Instant::now();
    let clients = clients();
    let tasks: Vec<_> = (0..clients)
        .map(|client| {
            let core = core.clone();
            tokio::spawn(async move {
                for i in (client..n).step_by(clients) {
                    let mut tx = core.store().begin().await.unwrap();
                    let _ = edigate::store::claim::<()>(&mut tx, &format!("empty-{i}"), "bench")
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    start.elapsed()
}

async fn history_queries(core: &Core, world: &World) -> Vec<Duration> {
    use edigate::core::{HistoryQuery, OrderState};
    let base = HistoryQuery {
        company: world.history_unit.clone(),
        limit: 50,
        ..HistoryQuery::default()
    };
    let mut times = Vec::new();
    for round in 0..20 {
        let mut page_query = base.clone();
        // Walk 5 pages deep from the newest, then filtered first pages.
        for _ in 0..5 {
            let start = Instant::now();
            let page = core.order_history(&page_query).await.unwrap();
            times.push(start.elapsed());
            page_query.after = page.next;
        }
        let filters = [
            HistoryQuery {
                cost_center: Some(format!("CC-{}", round % 20)),
                ..base.clone()
            },
            HistoryQuery {
                project: Some(format!("P-{}", round % 50)),
                ..base.clone()
            },
            HistoryQuery {
                states: vec![OrderState::Shipped],
                ..base.clone()
            },
            HistoryQuery {
                sku: Some(format!("SKU-{:06}", 1 + (round * 31) % world.products)),
                ..base.clone()
            },
            HistoryQuery {
                oldest_first: true,
                ..base.clone()
            },
        ];
        for query in filters {
            let start = Instant::now();
            core.order_history(&query).await.unwrap();
            times.push(start.elapsed());
        }
    }
    times.sort();
    times
}

async fn run(name: &str, core: Core) {
    let load_start = Instant::now();
    let world = load(&core).await;
    println!(
        "core_throughput [{name}]: loaded {} companies' units, {} products, {} customer price rows, {} history orders in {:.1} s",
        world.units.len(),
        world.products,
        scaled(CUSTOMER_LISTS) * SKUS_PER_LIST.min(world.products),
        scaled(HISTORY_ORDERS),
        load_start.elapsed().as_secs_f64()
    );
    let warm = price_resolutions(&core, &world, 500).await;
    drop(warm);
    let lookups = pk_lookups(&core, 20_000, world.products).await;
    let prices = price_resolutions(&core, &world, 20_000).await;
    println!(
        "  price resolution: p50 {:.3} ms, p99 {:.3} ms (target p99 < 1 ms) | baseline pk lookup p50 {:.3} ms, p99 {:.3} ms",
        ms(percentile(&prices, 0.5)),
        ms(percentile(&prices, 0.99)),
        ms(percentile(&lookups, 0.5)),
        ms(percentile(&lookups, 0.99))
    );
    if std::env::var("EDIGATE_BENCH_ONLY").as_deref() == Ok("prices") {
        return;
    }
    let orders = scaled(5_000).max(100);
    let empty = empty_commands(&core, orders).await;
    let placed = placements(&core, &world, orders).await;
    println!(
        "  order placement (3 lines, reservation, {} clients): {:.0} orders/s (target >= 1,000/s) | baseline empty command {:.0}/s",
        clients(),
        orders as f64 / placed.as_secs_f64(),
        orders as f64 / empty.as_secs_f64()
    );
    let history = history_queries(&core, &world).await;
    let lookups = pk_lookups(&core, 2_000, world.products).await;
    println!(
        "  order history of a unit with {} orders (pages of 50, deep keyset and filtered): p50 {:.2} ms, p99 {:.2} ms (target p99 < 50 ms) | baseline pk lookup p99 {:.3} ms",
        scaled(HISTORY_ORDERS),
        ms(percentile(&history, 0.5)),
        ms(percentile(&history, 0.99)),
        ms(percentile(&lookups, 0.99))
    );
    core.store().close().await;
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = std::env::temp_dir().join(format!("edigate_core_bench_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sqlite = Store::open_sqlite_file(&dir.join("bench.db"))
            .await
            .unwrap();
        run("SQLite", Core::new(sqlite)).await;
        let _ = std::fs::remove_dir_all(&dir);
        let url = std::env::var("EDIGATE_BENCH_POSTGRES_URL")
            .or_else(|_| std::env::var("EDIGATE_TEST_POSTGRES_URL"));
        match url {
            Ok(url) => {
                let schema = format!("bench_{}", std::process::id());
                sqlx::any::install_default_drivers();
                let admin = sqlx::AnyPool::connect(&url).await.unwrap();
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .unwrap();
                let separator = if url.contains('?') { '&' } else { '?' };
                let store = Store::open(&format!(
                    "{url}{separator}options=-c%20search_path%3D{schema}"
                ))
                .await
                .unwrap();
                run("PostgreSQL", Core::new(store)).await;
                sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                    .execute(&admin)
                    .await
                    .unwrap();
            }
            Err(_) => {
                println!("core_throughput [PostgreSQL]: skipped (set EDIGATE_BENCH_POSTGRES_URL)")
            }
        }
    });
}
