//! Streaming in bounded memory: a large interchange produced on the fly
//! (never held in memory) is lexed with a fixed buffer and validated
//! without keeping per-set state for accepted sets.

use edigate::edi::guide::Catalog;
use edigate::edi::x12::synthetic::{PurchaseOrderStream, PurchaseOrders};
use edigate::edi::x12::{ReaderOptions, SegmentReader, ValidateOptions, Validator};

fn one_big_group(orders: u64) -> PurchaseOrderStream {
    PurchaseOrderStream::new(PurchaseOrders {
        orders,
        lines_per_order: 3,
        orders_per_group: orders,
    })
}

#[test]
fn lexer_buffer_stays_fixed_over_a_large_stream() {
    let options = ReaderOptions {
        chunk_size: 64 * 1024,
        max_segment_len: 64 * 1024,
    };
    let mut reader = SegmentReader::with_options(one_big_group(20_000), options.clone());
    let mut segments = 0u64;
    while reader.next_segment().expect("valid stream").is_some() {
        segments += 1;
    }
    assert!(
        reader.offset() > 20_000_000,
        "only {} bytes",
        reader.offset()
    );
    // Per order: ST, 11 header segments, 5 per line, CTT, SE; then ISA, GS, GE, IEA.
    assert_eq!(segments, 20_000 * (1 + 11 + 3 * 5 + 2) + 4);
    assert!(
        reader.buffer_capacity() <= options.chunk_size + options.max_segment_len,
        "buffer grew to {}",
        reader.buffer_capacity()
    );
}

#[test]
fn validator_keeps_no_state_per_accepted_set() {
    let catalog = Catalog::x12().unwrap();
    let validator = Validator::new(catalog).with_options(ValidateOptions {
        keep_accepted_sets: false,
        ..ValidateOptions::default()
    });
    let report = validator.validate(one_big_group(20_000));
    assert!(
        report.is_valid(),
        "{:?}",
        report.all_issues().take(3).collect::<Vec<_>>()
    );
    let group = &report.interchanges[0].groups[0];
    assert_eq!((group.sets_received, group.sets_accepted), (20_000, 20_000));
    assert!(group.sets.is_empty(), "accepted sets are counted, not kept");
}
