//! Punchout over real HTTP: cXML setup (good and bad credentials, create,
//! edit, inspect), the one-time start URL (replayed, expired), OCI entry,
//! the shop pages (assortment isolation, contract prices, budget), and
//! the cart going back as a PunchOutOrderMessage or OCI fields.

use crate::harness::{on_both_backends, Gate, HANSA_PASSWORD, NORDWIND_SECRET};

/// A PunchOutSetupRequest from Nordwind's procurement system.
pub fn setup_request(operation: &str, secret: &str, return_url: &str, items: &str) -> Vec<u8> {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.014/cXML.dtd">
<cXML payloadID="setup-{operation}-1@nordwind.example" timestamp="2026-11-27T10:00:00+01:00">
  <Header>
    <From><Credential domain="NetworkID"><Identity>NORDWIND-HANDEL</Identity></Credential></From>
    <To><Credential domain="NetworkID"><Identity>EDIGATE</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>NORDWIND-HANDEL</Identity>
      <SharedSecret>{secret}</SharedSecret></Credential><UserAgent>Test procurement</UserAgent></Sender>
  </Header>
  <Request>
    <PunchOutSetupRequest operation="{operation}">
      <BuyerCookie>cookie-{operation}-42</BuyerCookie>
      <Extrinsic name="UserEmail">jana.koch@nordwind.example</Extrinsic>
      <Extrinsic name="CostCenter">CC-4711</Extrinsic>
      <BrowserFormPost><URL>{return_url}</URL></BrowserFormPost>
      <Contact role="endUser"><Name xml:lang="de">Jana Koch</Name><Email>jana.koch@nordwind.example</Email></Contact>
      <ShipTo><Address><Name xml:lang="de">Nordwind Lager</Name></Address></ShipTo>
      {items}
    </PunchOutSetupRequest>
  </Request>
</cXML>"#
    )
    .into_bytes()
}

/// The StartPage URL of a PunchOutSetupResponse.
pub fn start_page(response: &str) -> Option<String> {
    let read = edigate::cxml::read(response.as_bytes()).ok()?;
    match read.envelope.body {
        edigate::cxml::Body::Response {
            content: Some(edigate::cxml::ResponseContent::PunchOutSetup { start_page }),
            ..
        } => Some(start_page),
        _ => None,
    }
}

/// A browser without one: cookies kept by hand, redirects not followed.
pub struct Browser {
    http: reqwest::Client,
    cookie: Option<String>,
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookie: None,
        }
    }

    /// The cookie the server set last (`name=value`).
    pub fn cookie(&self) -> Option<String> {
        self.cookie.clone()
    }

    /// Presents a cookie taken from another browser.
    pub fn set_cookie(&mut self, cookie: &str) {
        self.cookie = Some(cookie.to_string());
    }

    /// GET; the status, the Location and the body.
    pub async fn get(&mut self, url: &str) -> (u16, Option<String>, String) {
        let mut request = self.http.get(url);
        if let Some(c) = &self.cookie {
            request = request.header("cookie", c);
        }
        self.answer(request.send().await.expect("GET")).await
    }

    /// POST a form.
    pub async fn post(
        &mut self,
        url: &str,
        fields: &[(&str, &str)],
    ) -> (u16, Option<String>, String) {
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    percent_encoding::utf8_percent_encode(k, percent_encoding::NON_ALPHANUMERIC),
                    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC)
                )
            })
            .collect();
        let mut request = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.join("&"));
        if let Some(c) = &self.cookie {
            request = request.header("cookie", c);
        }
        self.answer(request.send().await.expect("POST")).await
    }

    async fn answer(&mut self, response: reqwest::Response) -> (u16, Option<String>, String) {
        if let Some(set) = response.headers().get("set-cookie") {
            let set = set.to_str().unwrap();
            assert!(set.contains("HttpOnly"), "{set}");
            self.cookie = set.split(';').next().map(str::to_string);
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_string());
        (status, location, response.text().await.unwrap())
    }
}

async fn setup(gate: &Gate, operation: &str, items: &str) -> String {
    let response = gate
        .post(
            "/cxml",
            setup_request(
                operation,
                NORDWIND_SECRET,
                "http://127.0.0.1:9/return",
                items,
            ),
        )
        .await;
    assert_eq!(response.status(), 200);
    let body = response.text().await.unwrap();
    assert!(body.contains(r#"code="200""#), "{body}");
    start_page(&body).expect("a StartPage")
}

/// The csrf field of a page.
pub fn csrf(html: &str) -> String {
    edigate::oci::fields_from_html(html)
        .into_iter()
        .find(|(n, _)| n == "csrf")
        .map(|(_, v)| v)
        .expect("a form token")
}

async fn setup_opens_a_session_once_and_the_shop_shows_the_assortment(gate: Gate) {
    let start = setup(&gate, "create", "").await;
    assert!(start.starts_with(&gate.url("/punchout/start/")), "{start}");
    let mut browser = Browser::new();
    let (status, to, _) = browser.get(&start).await;
    assert_eq!((status, to.as_deref()), (303, Some("/shop")));
    // The start URL works once.
    let (status, _, page) = Browser::new().get(&start).await;
    assert_eq!(status, 403);
    assert!(page.contains("already used"), "{page}");

    let (status, _, page) = browser.get(&gate.url("/shop")).await;
    assert_eq!(status, 200, "{page}");
    // Nordwind's assortment at its contract price, nothing of Hansa's.
    assert!(
        page.contains("SAG-FETT-LI2") && page.contains("8,90 EUR"),
        "{page}"
    );
    // Nordwind buys in the German market: German labels.
    assert!(page.contains("Ihr Vertragspreis") && page.contains("In den Warenkorb"));
    assert!(page.contains("<html lang=\"de\""));
    assert!(page.contains("SAG-933-M6X20") && page.contains("0,12 EUR"));
    assert!(!page.contains("SAG-KABEL-5M") && !page.contains("SAG-SET-MONTAGE"));
    let (status, _, page) = browser.get(&gate.url("/shop?q=fett")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("1 Artikel") && page.contains("Lithiumfett"),
        "{page}"
    );
    // Facets: an attribute value and a category narrow the hits.
    let (_, _, page) = browser.get(&gate.url("/shop?attr=material%3DStahl")).await;
    assert!(
        page.contains("1 Artikel") && page.contains("SAG-934-M8"),
        "{page}"
    );
    assert!(!page.contains("data-sku=\"SAG-FETT-LI2\""));
    let (_, _, page) = browser.get(&gate.url("/shop?category=3116&sort=sku")).await;
    assert!(page.contains("2 Artikel"), "{page}");
    let first = page.find("data-sku=\"SAG-933-M6X20\"").unwrap();
    assert!(
        first < page.find("data-sku=\"SAG-934-M8\"").unwrap(),
        "sorted by SKU"
    );
    assert!(page.contains("UNSPSC 31161500") && page.contains("UNSPSC 31161700"));
    let (status, _, _) = browser.get(&gate.url("/shop/product/SAG-KABEL-5M")).await;
    assert_eq!(
        status, 404,
        "a product outside the assortment does not exist here"
    );
    let (status, _, page) = browser.get(&gate.url("/shop/product/SAG-FETT-LI2")).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("id=\"tiers\"") && page.contains("8,20 EUR"),
        "{page}"
    );
    assert!(page.contains("400 KGM verfügbar"), "{page}");
    // Without the cookie there is no shop.
    let (status, _, _) = Browser::new().get(&gate.url("/shop")).await;
    assert_eq!(status, 401);
}

async fn bad_credentials_open_nothing(gate: Gate) {
    let response = gate
        .post(
            "/cxml",
            setup_request("create", "guessed", "http://127.0.0.1:9/r", ""),
        )
        .await;
    assert_eq!(response.status(), 401);
    let body = response.text().await.unwrap();
    assert!(start_page(&body).is_none(), "{body}");
    let (_, list) = gate
        .get(
            "/api/journal?connector=nordwind-cxml",
            Some(crate::harness::STAFF),
        )
        .await;
    let text = list.to_string();
    assert!(
        !text.contains("guessed"),
        "the journal keeps no secret: {text}"
    );
}

async fn an_expired_start_url_is_refused(gate: Gate) {
    let start = setup(&gate, "create", "").await;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&gate.database_url).await.unwrap();
    sqlx::query("UPDATE punchout_sessions SET start_by = 0")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let (status, _, page) = Browser::new().get(&start).await;
    assert_eq!(status, 403);
    assert!(page.contains("expired"), "{page}");
    let (status, _, _) = Browser::new().get(&gate.url("/punchout/start/0123")).await;
    assert_eq!(status, 403);
}

const ITEM_OUT: &str = r#"<ItemOut quantity="12"><ItemID><SupplierPartID>SAG-FETT-LI2</SupplierPartID></ItemID>
  <ItemDetail><UnitPrice><Money currency="EUR">8.20</Money></UnitPrice><Description xml:lang="de">Lithiumfett</Description>
  <UnitOfMeasure>KGM</UnitOfMeasure></ItemDetail></ItemOut>"#;

async fn edit_opens_with_the_cart_and_inspect_cannot_change_it(gate: Gate) {
    let mut browser = Browser::new();
    let (status, to, _) = browser.get(&setup(&gate, "edit", ITEM_OUT).await).await;
    assert_eq!((status, to.as_deref()), (303, Some("/shop/cart")));
    let (_, _, page) = browser.get(&gate.url("/shop/cart")).await;
    // Twelve at the tier from ten: 8.20, recomputed by the core.
    assert!(page.contains("98,40 EUR"), "{page}");
    assert!(page.contains("id=\"update\""));

    let mut inspector = Browser::new();
    inspector
        .get(&setup(&gate, "inspect", ITEM_OUT).await)
        .await;
    let (_, _, page) = inspector.get(&gate.url("/shop/cart")).await;
    assert!(
        !page.contains("id=\"update\"") && page.contains("nur angezeigt"),
        "{page}"
    );
    let token = csrf(&page);
    let (status, _, _) = inspector
        .post(
            &gate.url("/shop/cart/add"),
            &[("csrf", &token), ("sku", "SAG-934-M8"), ("quantity", "1")],
        )
        .await;
    assert_eq!(status, 409);
    let (status, _, page) = inspector
        .post(&gate.url("/shop/transfer"), &[("csrf", &token)])
        .await;
    assert_eq!(status, 200);
    let document = cart_document(&page);
    assert!(
        document.contains(r#"operationAllowed="inspect""#),
        "{document}"
    );
}

/// The cXML document a transfer page posts.
fn cart_document(page: &str) -> String {
    edigate::oci::fields_from_html(page)
        .into_iter()
        .find(|(n, _)| n == "cXML-urlencoded")
        .map(|(_, v)| v)
        .expect("a cXML-urlencoded field")
}

async fn the_cart_goes_back_as_a_punchout_order_message(gate: Gate) {
    let mut browser = Browser::new();
    browser.get(&setup(&gate, "create", "").await).await;
    let (_, _, page) = browser.get(&gate.url("/shop")).await;
    let token = csrf(&page);
    // A forged form (no token) changes nothing.
    let (status, _, _) = browser
        .post(
            &gate.url("/shop/cart/add"),
            &[("sku", "SAG-FETT-LI2"), ("quantity", "1")],
        )
        .await;
    assert_eq!(status, 403);
    // A quantity no cart holds is refused, not added.
    let (status, _, _) = browser
        .post(
            &gate.url("/shop/cart/add"),
            &[
                ("csrf", &token),
                ("sku", "SAG-FETT-LI2"),
                ("quantity", "79228162514264337593543950335"),
            ],
        )
        .await;
    assert_eq!(status, 400);
    for (sku, quantity, unit) in [("SAG-FETT-LI2", "2", "KGM"), ("SAG-934-M8", "3", "PK")] {
        let (status, _, _) = browser
            .post(
                &gate.url("/shop/cart/add"),
                &[
                    ("csrf", &token),
                    ("sku", sku),
                    ("quantity", quantity),
                    ("unit", unit),
                ],
            )
            .await;
        assert_eq!(status, 303);
    }
    let (_, _, page) = browser.get(&gate.url("/shop/cart")).await;
    // 2 × 8.90 + 3 packs of 100 × 0.09 = 17.80 + 27.00.
    assert!(page.contains("id=\"total\">44,80 EUR"), "{page}");
    assert!(
        page.contains("id=\"budget-remaining\">500,00 EUR"),
        "{page}"
    );
    assert!(page.contains("id=\"budget-after\">455,20 EUR"), "{page}");
    // The setup's ShipTo is where the cart is delivered.
    assert!(page.contains("Lieferadresse: Nordwind Lager"), "{page}");
    let (status, _, _) = browser
        .post(
            &gate.url("/shop/cart/update"),
            &[
                ("csrf", &token),
                ("qty_0", "3"),
                ("qty_1", "3"),
                ("ProjectCode", "P-77"),
                ("CostCenter", "CC-4711"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let (status, _, page) = browser
        .post(&gate.url("/shop/transfer"), &[("csrf", &token)])
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"action="http://127.0.0.1:9/return""#),
        "{page}"
    );
    let document = cart_document(&page);
    let read = edigate::cxml::read(document.as_bytes()).expect("a cXML document");
    let edigate::cxml::Body::Message {
        message: edigate::cxml::MessageContent::PunchOutOrder(message),
        ..
    } = read.envelope.body
    else {
        panic!("not a PunchOutOrderMessage: {document}");
    };
    assert_eq!(message.buyer_cookie, "cookie-create-42");
    assert_eq!(message.total.amount.normalize().to_string(), "53.7");
    assert_eq!(
        message.ship_to.as_ref().map(|s| s.address.name.as_str()),
        Some("Nordwind Lager"),
        "the ShipTo goes back with the cart"
    );
    let items: Vec<(String, String, String, String)> = message
        .items
        .iter()
        .map(|i| {
            (
                i.item_id.supplier_part_id.clone(),
                i.quantity.to_string(),
                i.item_detail.unit_of_measure.clone(),
                i.item_detail
                    .unit_price
                    .as_ref()
                    .unwrap()
                    .amount
                    .normalize()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        items,
        vec![
            (
                "SAG-FETT-LI2".into(),
                "3".into(),
                "KGM".into(),
                "8.9".into()
            ),
            ("SAG-934-M8".into(), "3".into(), "PK".into(), "9".into()),
        ]
    );
    let extrinsics: Vec<(String, String)> = message.items[0]
        .item_detail
        .extrinsics
        .iter()
        .map(|e| (e.name.clone(), e.value.clone()))
        .collect();
    assert!(
        extrinsics.contains(&("CostCenter".into(), "CC-4711".into())),
        "{extrinsics:?}"
    );
    assert!(extrinsics.contains(&("ProjectCode".into(), "P-77".into())));
    assert!(!document.contains(NORDWIND_SECRET) && !document.contains("SharedSecret"));
    // The session is closed: the cart cannot change or go back twice.
    let (status, _, _) = browser
        .post(&gate.url("/shop/transfer"), &[("csrf", &token)])
        .await;
    assert_eq!(status, 409);
}

async fn oci_entry_opens_the_other_companys_shop_and_returns_new_item_fields(gate: Gate) {
    let hook = "http://127.0.0.1:9/sap/hook?sap-client=100";
    let entry = |password: &str| {
        gate.url(&format!(
            "/oci/hansa-oci?HOOK_URL={}&USERNAME=HANSA-SRM&PASSWORD={password}&~TARGET=_top",
            percent_encoding::utf8_percent_encode(hook, percent_encoding::NON_ALPHANUMERIC)
        ))
    };
    let mut browser = Browser::new();
    let (status, _, _) = browser.get(&entry("wrong")).await;
    assert_eq!(status, 403);
    let (status, start, _) = browser.get(&entry(HANSA_PASSWORD)).await;
    assert_eq!(status, 303);
    let (status, _, _) = browser.get(&start.unwrap()).await;
    assert_eq!(status, 303);
    let (_, _, page) = browser.get(&gate.url("/shop")).await;
    // Hansa's assortment and contract, not Nordwind's.
    assert!(
        page.contains("SAG-KABEL-5M") && page.contains("11,50 EUR"),
        "{page}"
    );
    assert!(page.contains("SAG-HANDSCHUH-L") && page.contains("3,10 EUR"));
    assert!(!page.contains("SAG-FETT-LI2") && !page.contains("2,95 EUR"));
    let token = csrf(&page);
    browser
        .post(
            &gate.url("/shop/cart/add"),
            &[
                ("csrf", &token),
                ("sku", "SAG-KABEL-5M"),
                ("quantity", "2"),
                ("opt_color", "orange"),
            ],
        )
        .await;
    let (status, _, page) = browser
        .post(&gate.url("/shop/transfer"), &[("csrf", &token)])
        .await;
    assert_eq!(status, 200, "{page}");
    let fields = edigate::oci::fields_from_html(&page);
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {fields:?}"))
    };
    assert_eq!(field("NEW_ITEM-VENDORMAT[1]"), "SAG-KABEL-5M");
    assert_eq!(field("NEW_ITEM-QUANTITY[1]"), "2");
    // 11.50 contract + 1.50 for orange.
    assert_eq!(field("NEW_ITEM-PRICE[1]").parse::<f64>().ok(), Some(13.0));
    assert_eq!(field("NEW_ITEM-CURRENCY[1]"), "EUR");
    assert_eq!(field("NEW_ITEM-VENDOR[1]"), "100077");
    // The chosen option travels with the line it is priced into.
    assert!(
        field("NEW_ITEM-DESCRIPTION[1]").contains("color=orange"),
        "{fields:?}"
    );
    assert!(
        page.contains("sap-client=100") && page.contains("target=\"_top\""),
        "{page}"
    );
}

/// The OrderRequest that follows a punchout carries the cart's options in
/// the auxiliary IDs: the order is placed with them (and their price
/// effect); an auxiliary ID of the buyer's own chooses nothing.
async fn the_order_after_a_punchout_keeps_the_chosen_options(gate: Gate) {
    let core = gate.running.as_ref().unwrap().gateway.core().clone();
    core.create_assortment(
        &edigate::core::Actor::system("test"),
        "NORDWIND-SORTIMENT",
        "Sortiment Nordwind",
        &["SAG-KABEL-5M"],
    )
    .await
    .unwrap();
    let sample = String::from_utf8(crate::harness::sample("cxml/order-request-valid.xml")).unwrap();
    let grease = "<SupplierPartID>SAG-FETT-LI2</SupplierPartID>\n          \
                  <SupplierPartAuxiliaryID>cart=17&amp;line=2</SupplierPartAuxiliaryID>";
    assert!(sample.contains(grease));
    let request = sample
        .replace(
            grease,
            "<SupplierPartID>SAG-KABEL-5M</SupplierPartID>\n          \
             <SupplierPartAuxiliaryID>color=orange</SupplierPartAuxiliaryID>",
        )
        .replace(
            "<Money currency=\"EUR\">9.80</Money>",
            "<Money currency=\"EUR\">14.40</Money>",
        )
        .replace(
            "<UnitOfMeasure>KGM</UnitOfMeasure>",
            "<UnitOfMeasure>EA</UnitOfMeasure>",
        );
    let response = gate.post("/cxml", request.into_bytes()).await;
    let number = crate::harness::placed(&response);
    let body = response.text().await.unwrap();
    assert!(body.contains("code=\"200\""), "{body}");
    let view = core.order(&number).await.unwrap();
    let cable = &view.lines[1];
    assert_eq!(cable.sku, "SAG-KABEL-5M");
    assert_eq!(cable.options, [("color".into(), "orange".into())]);
    assert_eq!(
        cable.unit_price.normalize().to_string(),
        "14.4",
        "12.90 and 1.50 for orange, as the cart said"
    );
    assert!(
        view.lines[0].options.is_empty(),
        "cart=17&line=1 chooses nothing"
    );
}

on_both_backends!(
    the_order_after_a_punchout_keeps_the_chosen_options,
    setup_opens_a_session_once_and_the_shop_shows_the_assortment,
    bad_credentials_open_nothing,
    an_expired_start_url_is_refused,
    edit_opens_with_the_cart_and_inspect_cannot_change_it,
    the_cart_goes_back_as_a_punchout_order_message,
    oci_entry_opens_the_other_companys_shop_and_returns_new_item_fields,
);
