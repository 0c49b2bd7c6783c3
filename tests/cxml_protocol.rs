//! The protocol rules around cXML documents: hostile input is refused
//! quickly with a clear error, credentials are checked, responses carry the
//! right status, and the cart survives the browser form.

use edigate::cxml::{self, CredentialCheck, ExpectedCredential, ResponseContent, Status};
use edigate::xml::{Limits, XmlError};

const POOM: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE cXML SYSTEM "http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd">
<cXML payloadID="1@shop.example" timestamp="2026-01-05T09:30:00+01:00">
  <Header>
    <From><Credential domain="NetworkID"><Identity>SHOP</Identity></Credential></From>
    <To><Credential domain="NetworkID"><Identity>BUYER</Identity></Credential></To>
    <Sender><Credential domain="NetworkID"><Identity>SHOP</Identity><SharedSecret>s3cret</SharedSecret></Credential><UserAgent>shop</UserAgent></Sender>
  </Header>
  <Message>
    <PunchOutOrderMessage>
      <BuyerCookie>cookie-1</BuyerCookie>
      <PunchOutOrderMessageHeader operationAllowed="edit"><Total><Money currency="EUR">5.00</Money></Total></PunchOutOrderMessageHeader>
      <ItemIn quantity="2">
        <ItemID><SupplierPartID>A-1</SupplierPartID><SupplierPartAuxiliaryID> cart=1&amp;line=1 </SupplierPartAuxiliaryID></ItemID>
        <ItemDetail><UnitPrice><Money currency="EUR">2.50</Money></UnitPrice><Description xml:lang="de">Müller-Schraube</Description><UnitOfMeasure>EA</UnitOfMeasure><Classification domain="UNSPSC">31161500</Classification></ItemDetail>
      </ItemIn>
    </PunchOutOrderMessage>
  </Message>
</cXML>"#;

#[test]
fn hostile_documents_get_a_clear_error() {
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE cXML [{}]><cXML>&e9;</cXML>",
        (1..10)
            .map(|i| format!("<!ENTITY e{i} \"{}\">", format!("&e{};", i - 1).repeat(10)))
            .collect::<String>()
            .replace("&e0;", "lol")
    );
    assert!(matches!(
        cxml::read(bomb.as_bytes()),
        Err(cxml::ReadError::Xml(XmlError::InternalSubset { .. }))
    ));

    let deep = format!(
        "<cXML>{}{}</cXML>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert!(matches!(
        cxml::read(deep.as_bytes()),
        Err(cxml::ReadError::Xml(XmlError::TooDeep { .. }))
    ));

    let limits = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let big = POOM.repeat(3);
    assert!(matches!(
        cxml::read_with(big.as_bytes(), &limits),
        Err(cxml::ReadError::Xml(XmlError::TooLarge { .. }))
    ));

    assert!(cxml::read(POOM.as_bytes()).is_ok(), "real UTF-8 reads");
    // The UTF-8 lead byte of the ü replaced by its Latin-1 byte.
    let broken: Vec<u8> = POOM
        .as_bytes()
        .iter()
        .map(|&b| if b == 0xC3 { 0xFC } else { b })
        .collect();
    let e = cxml::read(&broken).unwrap_err().to_string();
    assert!(e.contains("not valid UTF-8"), "{e}");

    let external = POOM.replace(
        "<!DOCTYPE cXML SYSTEM \"http://xml.cxml.org/schemas/cXML/1.2.063/cXML.dtd\">",
        "<!DOCTYPE cXML SYSTEM \"http://127.0.0.1:9/never-fetched.dtd\">",
    );
    let read = cxml::read(external.as_bytes()).expect("the DTD is named, never fetched");
    assert_eq!(
        read.dtd.as_deref(),
        Some("http://127.0.0.1:9/never-fetched.dtd")
    );
}

fn expected(secret: &str) -> ExpectedCredential {
    ExpectedCredential {
        domain: "networkid".into(),
        identity: "SHOP".into(),
        shared_secret: secret.into(),
    }
}

#[test]
fn credentials_are_checked_against_the_connector() {
    let doc = cxml::read(POOM.as_bytes()).unwrap();
    assert_eq!(
        cxml::check_sender(&doc.envelope, &expected("s3cret")),
        CredentialCheck::Accepted
    );
    let wrong = cxml::check_sender(&doc.envelope, &expected("guess"));
    assert_eq!(wrong.status_code(), 401);
    let mut stranger = expected("s3cret");
    stranger.identity = "OTHER".into();
    assert_eq!(
        cxml::check_sender(&doc.envelope, &stranger).status_code(),
        401
    );
    let mut headless = doc.envelope.clone();
    headless.header = None;
    assert_eq!(
        cxml::check_sender(&headless, &expected("s3cret")).status_code(),
        400
    );
}

#[test]
fn responses_carry_status_and_content_only_on_success() {
    let ok = cxml::response(
        Status::new(200, ""),
        Some(ResponseContent::PunchOutSetup {
            start_page: "https://shop.example/start?t=1".into(),
        }),
        "r1@edigate".into(),
        cxml::DateTimeValue::Unreadable("2026-01-05T09:30:00+01:00".into()),
    );
    let text = cxml::write(&ok, cxml::DEFAULT_VERSION);
    assert!(text.contains("<Status code=\"200\" text=\"OK\""), "{text}");
    assert!(
        text.contains("<URL>https://shop.example/start?t=1</URL>"),
        "{text}"
    );
    for code in [400, 401, 403, 406, 409, 412, 450, 500] {
        let r = cxml::response(
            Status::new(code, "no"),
            Some(ResponseContent::PunchOutSetup {
                start_page: "x".into(),
            }),
            "r2@edigate".into(),
            cxml::DateTimeValue::Unreadable("2026-01-05T09:30:00+01:00".into()),
        );
        let text = cxml::write(&r, cxml::DEFAULT_VERSION);
        assert!(text.contains(&format!("code=\"{code}\"")), "{text}");
        assert!(!text.contains("PunchOutSetupResponse"), "{code}: {text}");
        assert_eq!(Status::new(code, "").is_transient(), code >= 500);
    }
}

#[test]
fn the_cart_survives_the_browser_form_both_ways() {
    let doc = cxml::read(POOM.as_bytes()).unwrap();
    let written = cxml::write(&doc.envelope, cxml::DEFAULT_VERSION);
    assert!(
        !written.contains("SharedSecret"),
        "no secret travels through the browser"
    );
    for base64 in [true, false] {
        let page = cxml::auto_submit_form("https://buyer.example/return", &written, base64);
        let fields = edigate::oci::fields_from_html(&page);
        let body = cxml::cart_from_form(&fields).unwrap();
        let back = cxml::read(&body).unwrap();
        let (
            cxml::Body::Message {
                message: cxml::MessageContent::PunchOutOrder(m),
                ..
            },
            cxml::Body::Message {
                message: cxml::MessageContent::PunchOutOrder(orig),
                ..
            },
        ) = (&back.envelope.body, &doc.envelope.body)
        else {
            panic!("a cart");
        };
        assert_eq!(m, orig, "base64 {base64}");
        assert_eq!(m.buyer_cookie, "cookie-1");
        // The supplier's cookie is carried exactly, spaces and all.
        assert_eq!(
            m.items[0].item_id.supplier_part_auxiliary_id.as_deref(),
            Some(" cart=1&line=1 ")
        );
        assert_eq!(
            m.items[0].item_detail.descriptions[0].text,
            "Müller-Schraube"
        );
    }
}

#[test]
fn an_empty_cart_cancels_or_removes_the_lines() {
    let doc = cxml::read(POOM.as_bytes()).unwrap();
    let cxml::Body::Message {
        message: cxml::MessageContent::PunchOutOrder(mut cart),
        ..
    } = doc.envelope.body
    else {
        panic!("a cart");
    };
    assert_eq!(cart.outcome("create"), cxml::CartOutcome::Cart);
    cart.items.clear();
    assert_eq!(cart.outcome("create"), cxml::CartOutcome::Cancelled);
    assert_eq!(cart.outcome("inspect"), cxml::CartOutcome::Cancelled);
    assert_eq!(cart.outcome("edit"), cxml::CartOutcome::RemoveAll);
}
