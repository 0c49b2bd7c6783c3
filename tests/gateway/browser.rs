//! A buyer in headless Chromium (driven over WebDriver by chromedriver):
//! punches out, searches, sees only the assortment at contract prices,
//! adds items, watches the budget indicator, fills the requisition and
//! transfers the cart, which a tiny receiver on 127.0.0.1 takes as the
//! procurement system's BrowserFormPost would; and, outside punchout,
//! signs in and follows an order to its tracking. Screenshots of the main
//! pages are saved under `target/test-artifacts/`.
//!
//! Skipped, and said so, where chromedriver is not installed (`.ci/run`
//! installs Debian's chromium and chromium-driver).

use crate::harness::{repo, Gate};
use crate::punchout::{setup_request, start_page};
use fantoccini::{Client, ClientBuilder, Locator};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// chromedriver on a free port, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn driver() -> Option<Driver> {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        eprintln!("note: {CHROMEDRIVER} is not installed: the browser test is SKIPPED");
        return None;
    }
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let driver = Driver { child, port };
    for _ in 0..100 {
        if reqwest::get(format!("http://127.0.0.1:{port}/status"))
            .await
            .is_ok()
        {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not answer on port {port}");
}

async fn browser(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]
        }),
    );
    // chromedriver is on 127.0.0.1: plain HTTP, no TLS stack needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a Chromium session")
}

/// The procurement system's side: takes the form the cart comes back in.
async fn receiver() -> (String, Arc<Mutex<Option<String>>>) {
    let got = Arc::new(Mutex::new(None));
    let kept = got.clone();
    let app = axum::Router::new().route(
        "/return",
        axum::routing::post(move |body: String| {
            let kept = kept.clone();
            async move {
                *kept.lock().unwrap() = Some(body);
                axum::response::Html("<h1 id=\"received\">Cart received</h1>")
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/return", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

fn artifacts() -> PathBuf {
    let dir = repo().join("target/test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn screenshot(client: &Client, name: &str) {
    let png = client.screenshot().await.expect("a screenshot");
    std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Adds `quantity` of a search hit to the cart from the search page;
/// returns when the page after the post counts `lines` cart lines.
async fn add_from_search(
    client: &Client,
    base: &str,
    (words, sku, quantity): (&str, &str, &str),
    lines: usize,
) {
    client.goto(&format!("{base}/shop")).await.unwrap();
    let search = client.find(Locator::Css("#q2")).await.unwrap();
    search.clear().await.unwrap();
    search.send_keys(words).await.unwrap();
    client
        .find(Locator::Css(
            "main form[role] button, main form button[type=submit]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The catalog page shows the hit too: wait for the search's own page.
    for _ in 0..100 {
        let url = client.current_url().await.unwrap();
        if url.query().is_some_and(|q| q.contains("q=")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    client
        .wait()
        .for_element(Locator::Css(&format!("li.hit[data-sku='{sku}']")))
        .await
        .unwrap();
    let qty = client
        .find(Locator::Css(&format!("#qty-{sku}")))
        .await
        .unwrap();
    qty.clear().await.unwrap();
    qty.send_keys(quantity).await.unwrap();
    client
        .find(Locator::Css(&format!("li.hit[data-sku='{sku}'] button")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let counted = format!("//a[@id='cart-link' and normalize-space(.)='Warenkorb ({lines})']");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(&counted))
        .await
        .expect("the page after the post counts the new line");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_punches_out_shops_and_transfers_the_cart_in_chromium() {
    let Some(driver) = driver().await else { return };
    let gate = Gate::sqlite().await;
    let (return_url, received) = receiver().await;
    let response = gate
        .post(
            "/cxml",
            setup_request("create", crate::harness::NORDWIND_SECRET, &return_url, ""),
        )
        .await;
    let start = start_page(&response.text().await.unwrap()).expect("a StartPage");
    let client = browser(&driver).await;
    let base = gate.url("");

    client.goto(&start).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/shop");
    let catalog = client.source().await.unwrap();
    assert!(catalog.contains("SAG-FETT-LI2") && !catalog.contains("SAG-KABEL-5M"));
    screenshot(&client, "punchout-catalog").await;

    add_from_search(&client, &base, ("handschuh", "SAG-HANDSCHUH-L", "4"), 1).await;
    client
        .goto(&format!("{base}/shop?q=handschuh"))
        .await
        .unwrap();
    let hit = text_of(&client, "li.hit[data-sku='SAG-HANDSCHUH-L']").await;
    assert!(
        hit.contains("2,95 EUR") && hit.contains("Ihr Vertragspreis"),
        "{hit}"
    );
    screenshot(&client, "punchout-search").await;

    client.goto(&format!("{base}/shop/cart")).await.unwrap();
    assert_eq!(text_of(&client, "#budget-after").await, "488,20 EUR");
    add_from_search(&client, &base, ("lithium", "SAG-FETT-LI2", "2"), 2).await;
    client.goto(&format!("{base}/shop/cart")).await.unwrap();
    // 4 × 2.95 + 2 × 8.90: the indicator moves with the cart.
    assert_eq!(text_of(&client, "#total").await, "29,60 EUR");
    assert_eq!(text_of(&client, "#budget-cart").await, "29,60 EUR");
    assert_eq!(text_of(&client, "#budget-after").await, "470,40 EUR");

    client
        .goto(&format!("{base}/shop/product/SAG-FETT-LI2"))
        .await
        .unwrap();
    assert!(text_of(&client, "#tiers").await.contains("8,20 EUR"));
    screenshot(&client, "punchout-product").await;

    client.goto(&format!("{base}/shop/cart")).await.unwrap();
    let project = client.find(Locator::Css("#req-ProjectCode")).await.unwrap();
    project.send_keys("P-2026-17").await.unwrap();
    client
        .find(Locator::Css("#update"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // Typing sets the field's property; only the page after the post has
    // the value in its attribute.
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//input[@id='req-ProjectCode' and @value='P-2026-17']",
        ))
        .await
        .expect("the cart page after the update");
    screenshot(&client, "punchout-cart").await;
    client
        .find(Locator::Css("#transfer"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The transfer page posts itself on load: the page is replaced twice,
    // and a look in between can be cut short by the navigation.
    arrives(&client, Locator::Css("#received"))
        .await
        .expect("the form posted itself to the procurement system");
    screenshot(&client, "punchout-returned").await;
    client.close().await.unwrap();

    let body = received.lock().unwrap().clone().expect("a posted cart");
    let fields = edigate::cxml::parse_form_body(body.as_bytes());
    let document = fields
        .iter()
        .find(|(n, _)| n == "cXML-urlencoded")
        .map(|(_, v)| v.clone())
        .expect("the cXML-urlencoded field");
    let read = edigate::cxml::read(document.as_bytes()).expect("a cXML document");
    let edigate::cxml::Body::Message {
        message: edigate::cxml::MessageContent::PunchOutOrder(message),
        ..
    } = read.envelope.body
    else {
        panic!("not a PunchOutOrderMessage: {document}");
    };
    assert_eq!(message.buyer_cookie, "cookie-create-42");
    assert_eq!(message.total.amount.normalize().to_string(), "29.6");
    let items: Vec<(String, String)> = message
        .items
        .iter()
        .map(|i| (i.item_id.supplier_part_id.clone(), i.quantity.to_string()))
        .collect();
    assert_eq!(
        items,
        vec![
            ("SAG-HANDSCHUH-L".into(), "4".into()),
            ("SAG-FETT-LI2".into(), "2".into())
        ]
    );
    let extrinsics: Vec<(&str, &str)> = message.items[0]
        .item_detail
        .extrinsics
        .iter()
        .map(|e| (e.name.as_str(), e.value.as_str()))
        .collect();
    assert!(
        extrinsics.contains(&("CostCenter", "CC-4711")),
        "{extrinsics:?}"
    );
    assert!(
        extrinsics.contains(&("ProjectCode", "P-2026-17")),
        "{extrinsics:?}"
    );
}

/// Outside punchout: the buyer signs in with the company's token, sees
/// the order list and follows an order to its shipment and tracking.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_buyer_signs_in_and_tracks_an_order_in_chromium() {
    let Some(driver) = driver().await else { return };
    let gate = Gate::sqlite().await;
    let number = crate::account::nordwind_order(&gate).await;
    crate::account::acknowledged_and_shipped(&gate, &number).await;
    let client = browser(&driver).await;
    let base = gate.url("");

    client.goto(&format!("{base}/account")).await.unwrap();
    assert_eq!(client.current_url().await.unwrap().path(), "/account/login");
    let token = client.find(Locator::Css("#token")).await.unwrap();
    token.send_keys(crate::harness::NORDWIND).await.unwrap();
    client
        .find(Locator::Css("#sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#orders"))
        .await
        .expect("the order list after signing in");
    let row = text_of(&client, &format!("tr[data-order='{number}']")).await;
    assert!(
        row.contains("PO-2026-0042") && row.contains("Partially shipped"),
        "{row}"
    );
    screenshot(&client, "account-orders").await;

    client
        .find(Locator::LinkText(&number))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#shipments"))
        .await
        .expect("the order page");
    let shipments = text_of(&client, "#shipments").await;
    assert!(
        shipments.contains("DHL") && shipments.contains("00340434161234567890"),
        "{shipments}"
    );
    assert!(text_of(&client, "#timeline").await.contains("shipped"));
    screenshot(&client, "account-order").await;
    client.close().await.unwrap();
}

/// Waits up to 30 seconds for an element that appears after navigations,
/// looking again when a look is interrupted by one.
async fn arrives(
    client: &Client,
    locator: Locator<'_>,
) -> Result<fantoccini::elements::Element, fantoccini::error::CmdError> {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match client.find(locator).await {
            Ok(element) => return Ok(element),
            Err(e) if std::time::Instant::now() > deadline => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
