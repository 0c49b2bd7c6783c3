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
use std::io::{BufWriter, Write};
use std::path::Path;

use edigate::edi::edifact::synthetic::{write_orders, Orders};
use edigate::edi::edifact::{SegmentReader, ValidateOptions, Validator};
use edigate::edi::guide::Catalog;
use support::{
    best_interleaved, have_valgrind, print_instructions_per_byte, print_peak_rss_of_validate,
    print_rates,
};

const LINES: u32 = 20;

fn generate(messages: u64) -> Vec<u8> {
    let mut data = Vec::new();
    let shape = Orders {
        messages,
        lines_per_message: LINES,
    };
    write_orders(&shape, &mut data).expect("in memory");
    data
}

#[inline(never)]
fn run_split(data: &[u8]) -> u64 {
    memchr::memchr2_iter(b'\'', b'+', data).count() as u64
}

#[inline(never)]
fn run_lex(data: &[u8]) -> u64 {
    let mut reader = SegmentReader::new(data);
    let mut pieces = 0u64;
    while let Ok(Some(seg)) = reader.next_segment() {
        pieces += seg.pieces().len() as u64;
    }
    black_box(pieces);
    reader.segments_read()
}

#[inline(never)]
fn run_validate(validator: &Validator<'_>, data: &[u8]) -> u64 {
    let report = validator.validate(data);
    assert!(report.is_valid(), "the generated interchange must be valid");
    report.segments
}

fn validator(catalog: &Catalog) -> Validator<'_> {
    Validator::new(catalog).with_options(ValidateOptions {
        keep_accepted_messages: false,
        ..ValidateOptions::default()
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind-mode") {
        return callgrind_child(&args[i + 1], Path::new(&args[i + 2]));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let catalog = Catalog::edifact().expect("guides load");
    let validator = validator(catalog);
    let messages = 21_000;
    let data = generate(messages);
    let mb = data.len() as f64 / 1e6;
    println!("EDIFACT throughput on a generated D.96A ORDERS interchange: {mb:.1} MB, {messages} messages x {LINES} lines");
    let times = best_interleaved(
        7,
        &mut [
            &mut || run_split(&data),
            &mut || run_lex(&data),
            &mut || run_validate(&validator, &data),
        ],
    );
    let [split, (t_lex, segments), (t_val, validated)] = times[..] else {
        unreachable!("three measurements")
    };
    assert_eq!(segments, validated);
    print_rates(
        mb,
        split,
        &[
            ("(b) lexer", t_lex, segments, 0.50),
            ("(c) lexer+envelope+guide", t_val, segments, 0.25),
        ],
    );
    instructions_per_byte();
    if quick {
        println!("peak RSS on 1 GB: skipped (--quick)");
    } else {
        peak_rss_on_a_gigabyte();
    }
}

/// Runs one mode on a file, for callgrind to count.
fn callgrind_child(mode: &str, file: &Path) {
    let data = std::fs::read(file).expect("bench file");
    let catalog = Catalog::edifact().expect("guides load");
    let validator = validator(catalog);
    let n = match mode {
        "split" => run_split(&data),
        "lex" => run_lex(&data),
        _ => run_validate(&validator, &data),
    };
    black_box(n);
}

fn instructions_per_byte() {
    if !have_valgrind() {
        println!("instructions/byte: skipped (valgrind not installed)");
        return;
    }
    let dir = std::env::temp_dir().join(format!("edigate-edifact-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("orders-2mb.edi");
    let data = generate(850);
    std::fs::write(&file, &data).unwrap();
    print_instructions_per_byte(
        &dir,
        &file,
        data.len(),
        &[
            ("split", "run_split", None),
            ("lex", "run_lex", None),
            ("validate", "run_validate", None),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn peak_rss_on_a_gigabyte() {
    let dir = std::env::temp_dir().join(format!("edigate-edifact-bench-1g-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("orders-1gb.edi");
    let shape = Orders {
        messages: 430_000,
        lines_per_message: LINES,
    };
    let written = {
        let mut out = BufWriter::new(std::fs::File::create(&file).unwrap());
        let n = write_orders(&shape, &mut out).unwrap();
        out.flush().unwrap();
        n
    };
    print_peak_rss_of_validate(&file, written);
    let _ = std::fs::remove_dir_all(&dir);
}
