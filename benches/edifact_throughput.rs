//! EDIFACT throughput, memory and instruction counts, measured in one run
//! and printed next to their baseline: a plain memchr split on the segment
//! terminator and element separator, the floor any lexer pays.
//!
//! `cargo bench --bench edifact_throughput` measures (a) the split, (b) our
//! lexer, (c) lexer + envelope + repertoire + guide validation on a
//! generated D.96A ORDERS interchange (~50 MB, release characters and
//! Latin-1 text in every message), then instructions per byte under
//! callgrind on a ~2 MB file (when valgrind is installed), then the peak RSS
//! of `edigate validate` on a ~1 GB file generated for the run.
//! `-- --quick` skips the 1 GB run.

mod support;

use std::hint::black_box;

use edigate::edi::edifact::synthetic::{write_orders, Orders};
use edigate::edi::edifact::{SegmentReader, ValidateOptions, Validator};
use edigate::edi::guide::Catalog;
use support::{run_syntax_bench, SyntaxBench};

fn generate(messages: u64, out: &mut dyn std::io::Write) -> u64 {
    let shape = Orders {
        messages,
        lines_per_message: 20,
    };
    write_orders(&shape, &mut { out }).expect("the sink takes it")
}

#[inline(never)]
fn run_split(data: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\'', b'+', data).count() as u64
}

#[inline(never)]
fn run_lex(data: &[u8]) -> u64 {
    let mut reader = SegmentReader::from_bytes(data);
    let mut pieces = 0u64;
    while let Ok(Some(seg)) = reader.next_segment() {
        pieces += seg.pieces().len() as u64;
    }
    black_box(pieces);
    reader.segments_read()
}

#[inline(never)]
fn run_validate(validator: &Validator<'_>, data: &[u8]) -> u64 {
    let report = validator.validate_bytes(data);
    assert!(report.is_valid(), "the generated interchange must be valid");
    report.segments
}

fn main() {
    let catalog = Catalog::edifact().expect("guides load");
    let validator = Validator::new(catalog).with_options(ValidateOptions {
        keep_accepted_messages: false,
        ..ValidateOptions::default()
    });
    run_syntax_bench(SyntaxBench {
        title:
            "EDIFACT throughput on a generated D.96A ORDERS interchange, 21,000 messages x 20 lines"
                .into(),
        generate: &generate,
        sizes: [21_000, 850, 430_000],
        split: run_split,
        lex: run_lex,
        validate: &|data| run_validate(&validator, data),
        shares: [0.50, 0.25],
        instructions: [None, None],
    });
}
