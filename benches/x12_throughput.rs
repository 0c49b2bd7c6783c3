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
use std::io::{BufWriter, Write};
use std::path::Path;

use support::{
    best_interleaved, have_valgrind, print_instructions_per_byte, print_peak_rss_of_validate,
    print_rates,
};

use edigate::edi::guide::Catalog;
use edigate::edi::x12::synthetic::{write_purchase_orders, PurchaseOrders};
use edigate::edi::x12::{SegmentReader, ValidateOptions, Validator};

fn generate(orders: u64) -> Vec<u8> {
    let mut data = Vec::new();
    let shape = PurchaseOrders {
        orders,
        lines_per_order: 20,
        orders_per_group: 1000,
    };
    write_purchase_orders(&shape, &mut data).expect("in memory");
    data
}

#[inline(never)]
fn run_split(data: &[u8]) -> u64 {
    memchr::memchr2_iter(b'~', b'*', data).count() as u64
}

#[inline(never)]
fn run_lex(data: &[u8]) -> u64 {
    let mut reader = SegmentReader::new(data);
    let mut elements = 0u64;
    while let Ok(Some(seg)) = reader.next_segment() {
        elements += seg.element_count() as u64;
    }
    black_box(elements);
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
        keep_accepted_sets: false,
        ..ValidateOptions::default()
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind-mode") {
        return callgrind_child(&args[i + 1], Path::new(&args[i + 2]));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let catalog = Catalog::x12().expect("guides load");
    let validator = validator(catalog);

    let data = generate(10_000);
    let mb = data.len() as f64 / 1e6;
    println!("x12 throughput on a generated 850 interchange: {mb:.1} MB, 10,000 orders x 20 lines");
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
            ("(b) lexer", t_lex, segments, 0.60),
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
    let catalog = Catalog::x12().expect("guides load");
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
    let dir = std::env::temp_dir().join(format!("edigate-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("850-2mb.edi");
    let data = generate(400);
    std::fs::write(&file, &data).unwrap();
    print_instructions_per_byte(
        &dir,
        &file,
        data.len(),
        &[
            ("split", "run_split", None),
            ("lex", "run_lex", Some(12.0)),
            ("validate", "run_validate", Some(30.0)),
        ],
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn peak_rss_on_a_gigabyte() {
    let dir = std::env::temp_dir().join(format!("edigate-bench-1g-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("850-1gb.edi");
    let shape = PurchaseOrders {
        orders: 200_000,
        lines_per_order: 20,
        orders_per_group: 1000,
    };
    let written = {
        let mut out = BufWriter::new(std::fs::File::create(&file).unwrap());
        let n = write_purchase_orders(&shape, &mut out).unwrap();
        out.flush().unwrap();
        n
    };
    print_peak_rss_of_validate(&file, written);
    let _ = std::fs::remove_dir_all(&dir);
}
