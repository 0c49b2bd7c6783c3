//! cXML reading speed, printed beside its baseline from the same run:
//! quick-xml's raw event loop over the same bytes (every event read, text
//! and attributes unescaped), the floor any reader pays.
//!
//! `cargo bench --bench cxml_throughput` generates an OrderRequest with
//! 40,000 ItemOut (~25 MB) and measures (a) the raw event loop, (b) our
//! safe tree (the arena the typed reader walks), (c) the typed model
//! (`cxml::read`).

mod support;

use std::hint::black_box;
use std::str::FromStr;

use edigate::cxml::{
    self, Body, Credential, Envelope, Header, ItemDetail, ItemId, ItemOut, OrderRequest, Request,
};
use rust_decimal::Decimal;
use support::best_interleaved;

const LINES: usize = 40_000;

fn generate() -> Vec<u8> {
    let money = |s: &str| cxml::Money::new(Decimal::from_str(s).expect("a number"), "EUR");
    let items = (1..=LINES)
        .map(|n| ItemOut {
            quantity: Decimal::from(n % 50 + 1),
            line_number: Some(n.to_string()),
            requested_delivery_date: None,
            item_id: ItemId {
                supplier_part_id: format!("SKU-{n:06}"),
                supplier_part_auxiliary_id: Some(format!("cart=17&line={n}")),
                ..ItemId::default()
            },
            item_detail: Some(ItemDetail {
                unit_price: Some(money(&format!("{}.{:02}", n % 90 + 1, n % 100))),
                descriptions: vec![cxml::Description {
                    lang: "de".into(),
                    text: format!(
                        "Schraube M{} x 20, verzinkt, Länge {} mm <DIN 933>",
                        n % 12 + 3,
                        n % 80 + 10
                    ),
                    short_name: None,
                }],
                unit_of_measure: "EA".into(),
                classifications: vec![cxml::Classification {
                    domain: "UNSPSC".into(),
                    code: "31161500".into(),
                }],
                manufacturer_part_id: Some(format!("MPN-{n}")),
                manufacturer_name: Some("Schrauben AG".into()),
                ..ItemDetail::default()
            }),
            distributions: vec![cxml::Distribution {
                accounting_name: "Cost".into(),
                segments: vec![cxml::AccountingSegment {
                    id: format!("CC-{}", 4000 + n % 20),
                    name: "Cost Center".into(),
                    description: "Workshop".into(),
                    legacy: false,
                }],
                charge: Some(money("10.00")),
            }],
            ..ItemOut::default()
        })
        .collect();
    let order = OrderRequest {
        header: cxml::OrderRequestHeader {
            order_id: "PO-BENCH-1".into(),
            order_type: "new".into(),
            total: Some(money("123456.78")),
            ..Default::default()
        },
        items,
    };
    let envelope = Envelope {
        payload_id: "bench@edigate".into(),
        timestamp: cxml::DateTimeValue::Unreadable("2026-01-05T09:30:00+01:00".into()),
        version: None,
        lang: Some("en-US".into()),
        header: Some(Header {
            from: vec![Credential::new("NetworkID", "BUYER")],
            to: vec![Credential::new("NetworkID", "SUPPLIER")],
            sender: vec![Credential::new("NetworkID", "BUYER")],
            user_agent: "bench".into(),
            extensions: Default::default(),
        }),
        body: Body::Request {
            deployment_mode: None,
            request: Request::Order(Box::new(order)),
        },
        extensions: Default::default(),
    };
    cxml::write(&envelope, cxml::DEFAULT_VERSION).into_bytes()
}

/// Every event read, with text and attribute values unescaped: what any
/// reader built on quick-xml pays.
#[inline(never)]
fn run_raw(data: &[u8]) -> u64 {
    use quick_xml::events::Event;
    let text = std::str::from_utf8(data).expect("UTF-8");
    let mut reader = quick_xml::Reader::from_str(text);
    let mut count = 0u64;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                for a in e.attributes().flatten() {
                    count += a.unescape_value().map_or(0, |v| v.len() as u64);
                }
            }
            Ok(Event::Text(t)) => count += t.xml_content().map_or(0, |v| v.len() as u64),
            Ok(Event::Eof) => break,
            Ok(_) => count += 1,
            Err(_) => break,
        }
    }
    count
}

#[inline(never)]
fn run_tree(data: &[u8]) -> u64 {
    let text = std::str::from_utf8(data).expect("UTF-8");
    let arena = edigate::xml::Arena::parse(text, &edigate::xml::Limits::default()).expect("parses");
    arena.root().children().count() as u64
}

#[inline(never)]
fn run_typed(data: &[u8]) -> u64 {
    let document = cxml::read(data).expect("reads");
    match document.envelope.body {
        Body::Request {
            request: Request::Order(o),
            ..
        } => o.items.len() as u64,
        _ => 0,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind-mode") {
        // One measurement alone, for callgrind to count.
        let data = std::fs::read(&args[i + 2]).expect("bench file");
        let n = match args[i + 1].as_str() {
            "raw" => run_raw(&data),
            "tree" => run_tree(&data),
            _ => run_typed(&data),
        };
        black_box(n);
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--write") {
        std::fs::write(&args[i + 1], generate()).expect("writable");
        return;
    }
    let data = generate();
    let mb = data.len() as f64 / 1e6;
    println!("cXML reading on a generated OrderRequest: {mb:.1} MB, {LINES} ItemOut");
    let times = best_interleaved(
        5,
        &mut [&mut || run_raw(&data), &mut || run_tree(&data), &mut || {
            run_typed(&data)
        }],
    );
    let raw = mb / times[0].0.as_secs_f64();
    println!("  (a) quick-xml raw event loop (baseline) {raw:8.1} MB/s");
    for (name, (t, n), target) in [
        ("(b) safe tree", times[1], None),
        ("(c) typed model", times[2], Some(40.0)),
    ] {
        let rate = mb / t.as_secs_f64();
        let goal = target.map_or(String::new(), |t| format!(" (target >= {t:.0}%)"));
        println!(
            "  {name:<38} {rate:8.1} MB/s  = {:5.1}% of the raw loop{goal}  [{n}]",
            100.0 * rate / raw
        );
    }
    black_box(&data);
}
