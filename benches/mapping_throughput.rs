//! Mapping speed, printed beside its baseline from the same run: parsing
//! the same interchange into trees (what translation has to do anyway).
//!
//! `cargo bench --bench mapping_throughput` generates a 004010 interchange
//! of 20,000 purchase orders with 10 lines each and measures, in documents
//! per second: (a) parse-only, X12 bytes → the owned trees of
//! `edi::x12::tree`; (a') parse-only, X12 bytes → the segments mappings
//! read (what (b) parses with); (b) 850 → Order, the same bytes →
//! canonical documents (parse, group, map, type-check); (c) Order → 850,
//! those documents → an interchange (map, write). Target: mapping costs no
//! more than parsing, (b) and (c) ≥ 50% of (a) and of (a').

mod support;

use std::hint::black_box;

use edigate::document::Document;
use edigate::edi::x12::synthetic::{write_purchase_orders, PurchaseOrders};
use edigate::edi::x12::tree;
use edigate::edi::x12::SegmentReader;
use edigate::mapping::{Library, Mapping, Syntax};
use edigate::translate::{each_x12, read_x12, seg_of, write_x12, Envelope};
use support::best_interleaved;

const ORDERS: u64 = 20_000;
const LINES: u32 = 10;

fn mapping_850() -> &'static Mapping {
    Library::shipped()
        .iter()
        .find(|m| m.syntax == Syntax::X12 && m.version == "004010" && m.message == "850")
        .expect("the 004010 850 mapping ships")
}

#[inline(never)]
fn parse_only(data: &[u8]) -> u64 {
    let interchanges = tree::parse(data).expect("parses");
    interchanges
        .iter()
        .flat_map(|i| &i.groups)
        .map(|g| g.sets.len() as u64)
        .sum()
}

#[inline(never)]
fn parse_segments(data: &[u8]) -> u64 {
    let mut reader = SegmentReader::new(data);
    let (mut sets, mut segments) = (0u64, Vec::new());
    while let Some(segment) = reader.next_segment().expect("lexes") {
        match segment.tag() {
            b"ST" => segments.clear(),
            b"SE" => {
                sets += 1;
                black_box(&segments);
            }
            _ => segments.push(seg_of(&segment)),
        }
    }
    sets
}

/// Documents are handed on one by one, as the gateway stores them.
#[inline(never)]
fn inbound(data: &[u8], mapping: &Mapping) -> u64 {
    let mut count = 0;
    each_x12(data, &[mapping], |t| {
        black_box(t.expect("maps"));
        count += 1;
    })
    .expect("maps");
    count
}

/// Each document becomes its own interchange, as the gateway sends them.
#[inline(never)]
fn outbound(documents: &[Document], mapping: &Mapping) -> u64 {
    let envelope = Envelope::new();
    for document in documents {
        let (bytes, warnings) =
            write_x12(std::slice::from_ref(document), mapping, &envelope).expect("writes");
        assert!(warnings.is_empty(), "{warnings:?}");
        black_box(bytes);
    }
    documents.len() as u64
}

fn main() {
    let mut data = Vec::new();
    write_purchase_orders(
        &PurchaseOrders {
            orders: ORDERS,
            lines_per_order: LINES,
            orders_per_group: 1_000,
        },
        &mut data,
    )
    .expect("generates");
    let mapping = mapping_850();
    let documents: Vec<Document> = read_x12(&data, &[mapping])
        .expect("maps")
        .into_iter()
        .map(|t| t.document)
        .collect();
    let best = best_interleaved(
        5,
        &mut [
            &mut || parse_only(black_box(&data)),
            &mut || parse_segments(black_box(&data)),
            &mut || inbound(black_box(&data), mapping),
            &mut || outbound(black_box(&documents), mapping),
        ],
    );
    let rate = |i: usize| best[i].1 as f64 / best[i].0.as_secs_f64();
    let mb = data.len() as f64 / 1e6;
    println!("mapping_throughput: {ORDERS} purchase orders x {LINES} lines, {mb:.1} MB, best of 5");
    for (i, name) in [
        (0, "baseline parse-only: bytes -> trees"),
        (1, "baseline parse-only: bytes -> segments"),
    ] {
        println!(
            "  {name:<40} {:>9.0} documents/s  {:>6.1} MB/s",
            rate(i),
            mb / best[i].0.as_secs_f64()
        );
    }
    for (i, name) in [
        (2, "850 -> Order (parse + map)"),
        (3, "Order -> 850 (map + write)"),
    ] {
        println!(
            "  {name:<40} {:>9.0} documents/s  = {:.0}% of trees, {:.0}% of segments (target >= 50%)",
            rate(i),
            100.0 * rate(i) / rate(0),
            100.0 * rate(i) / rate(1)
        );
    }
}
