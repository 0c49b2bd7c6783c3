//! X12 throughput, memory and instruction counts, measured in one run and
//! printed next to their baseline: a plain memchr split on the segment and
//! element terminators, the floor any lexer pays.
//!
//! `cargo bench --bench x12_throughput` measures (a) the split, (b) our
//! lexer, (c) lexer + envelope + guide validation on a generated 850
//! interchange (10,000 orders × 20 lines), then instructions per byte under
//! callgrind on a ~2 MB file (when valgrind is installed), then the peak RSS
//! of `edigate validate` on a ~1 GB file generated for the run.
//! `-- --quick` skips the 1 GB run.

mod support;

use std::hint::black_box;

use edigate::edi::guide::Catalog;
use edigate::edi::x12::synthetic::{write_purchase_orders, PurchaseOrders};
use edigate::edi::x12::{SegmentReader, ValidateOptions, Validator};
use support::{run_syntax_bench, SyntaxBench};

fn generate(orders: u64, out: &mut dyn std::io::Write) -> u64 {
    let shape = PurchaseOrders {
        orders,
        lines_per_order: 20,
        orders_per_group: 1000,
    };
    write_purchase_orders(&shape, &mut { out }).expect("the sink takes it")
}

#[inline(never)]
fn run_split(data: &[u8]) -> u64 {
    memchr::memchr2_iter(b'~', b'*', data).count() as u64
}

#[inline(never)]
fn run_lex(data: &[u8]) -> u64 {
    let mut reader = SegmentReader::from_bytes(data);
    let mut elements = 0u64;
    while let Ok(Some(seg)) = reader.next_segment() {
        elements += seg.element_count() as u64;
    }
    black_box(elements);
    reader.segments_read()
}

#[inline(never)]
fn run_validate(validator: &Validator<'_>, data: &[u8]) -> u64 {
    let report = validator.validate_bytes(data);
    assert!(report.is_valid(), "the generated interchange must be valid");
    report.segments
}

fn main() {
    let catalog = Catalog::x12().expect("guides load");
    let validator = Validator::new(catalog).with_options(ValidateOptions {
        keep_accepted_sets: false,
        ..ValidateOptions::default()
    });
    run_syntax_bench(SyntaxBench {
        title: "x12 throughput on a generated 850 interchange, 10,000 orders x 20 lines".into(),
        generate: &generate,
        sizes: [10_000, 400, 200_000],
        split: run_split,
        lex: run_lex,
        validate: &|data| run_validate(&validator, data),
        shares: [0.60, 0.25],
        instructions: [Some(12.0), Some(30.0)],
    });
}
