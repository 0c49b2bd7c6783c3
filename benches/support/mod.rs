//! What the throughput benches share: interleaved best-of timing, counting
//! instructions under callgrind, and the peak RSS of `edigate validate`.

// Each bench compiles this module on its own and uses a part of it.
#![allow(dead_code)]

pub mod load;

/// The allocator the edigate binary uses, so that the figures are the
/// binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// Times `f` once, returning the duration and its result.
fn timed(f: &mut dyn FnMut() -> u64) -> (Duration, u64) {
    let start = Instant::now();
    let out = black_box(f());
    (start.elapsed(), out)
}

/// The best time of each measurement over `rounds` rounds, the measurements
/// interleaved so that a slow phase of this shared machine hits them alike.
pub fn best_interleaved(rounds: usize, fs: &mut [&mut dyn FnMut() -> u64]) -> Vec<(Duration, u64)> {
    let mut best = vec![(Duration::MAX, 0); fs.len()];
    for _ in 0..rounds {
        for (slot, f) in best.iter_mut().zip(fs.iter_mut()) {
            let (t, out) = timed(*f);
            if t < slot.0 {
                *slot = (t, out);
            }
        }
    }
    best
}

/// Whether valgrind can be run.
pub fn have_valgrind() -> bool {
    Command::new("valgrind").arg("--version").output().is_ok()
}

/// Instructions this bench binary executes inside `function` when run as
/// `--callgrind-mode <mode> <file>`, counted by callgrind.
pub fn callgrind_instructions(dir: &Path, mode: &str, function: &str, file: &Path) -> Option<u64> {
    let out = dir.join(format!("callgrind.{mode}"));
    Command::new("valgrind")
        .args(["--tool=callgrind", "--collect-atstart=no"])
        .arg(format!("--toggle-collect=*{function}*"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(std::env::current_exe().ok()?)
        .args(["--callgrind-mode", mode])
        .arg(file)
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    let text = std::fs::read_to_string(&out).ok()?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Prints instructions per byte of each `(mode, function, target)` on
/// `file`, the first being the baseline.
pub fn print_instructions_per_byte(
    dir: &Path,
    file: &Path,
    bytes: usize,
    modes: &[(&str, &str, Option<f64>)],
) {
    println!(
        "instructions/byte under callgrind on {:.1} MB (same binary, same input):",
        bytes as f64 / 1e6
    );
    let mut baseline = None;
    for &(mode, function, target) in modes {
        let Some(total) = callgrind_instructions(dir, mode, function, file) else {
            println!("  {mode}: callgrind failed");
            continue;
        };
        let per_byte = total as f64 / bytes as f64;
        let versus = baseline.map_or("baseline".to_string(), |b: f64| {
            format!("{:.1}x the split", per_byte / b)
        });
        let goal = target.map_or(String::new(), |t| format!(" (target <= {t})"));
        println!("  {mode:<9} {per_byte:6.1} instructions/byte  {versus}{goal}");
        baseline.get_or_insert(per_byte);
    }
}

/// Runs `edigate validate --stats` on `file`; prints its peak RSS and
/// end-to-end rate.
pub fn print_peak_rss_of_validate(file: &Path, bytes: u64) {
    let start = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_edigate"))
        .args(["validate", "--stats"])
        .arg(file)
        .output()
        .expect("edigate runs");
    let secs = start.elapsed().as_secs_f64();
    let stats = String::from_utf8_lossy(&output.stderr);
    let rss = stats.split("peak RSS ").nth(1).unwrap_or("unknown").trim();
    println!(
        "peak RSS of `edigate validate` on {:.2} GB: {rss} (target < 64 MB); {:.0} MB/s end to end; exit {}",
        bytes as f64 / 1e9,
        bytes as f64 / 1e6 / secs,
        output.status.code().unwrap_or(-1)
    );
}

/// Prints each rate beside the split's, with its target share.
pub fn print_rates(mb: f64, split: (Duration, u64), rows: &[(&str, Duration, u64, f64)]) {
    let rate = |t: Duration| mb / t.as_secs_f64();
    let base = rate(split.0);
    println!(
        "  (a) memchr split (baseline)   {base:8.1} MB/s  {} delimiters",
        split.1
    );
    for &(name, t, segments, target) in rows {
        println!(
            "  {name:<28} {:8.1} MB/s  {:>6.2} M segments/s  = {:5.1}% of the split (target >= {:.0}%)",
            rate(t),
            segments as f64 / t.as_secs_f64() / 1e6,
            100.0 * rate(t) / base,
            target * 100.0
        );
    }
}

/// One EDI syntax's throughput bench: its inputs and the three measured
/// runs, each a named function so that callgrind can count it alone.
pub struct SyntaxBench<'b> {
    /// What is measured, for the first line printed.
    pub title: String,
    /// Writes the generated input of `n` units (orders, messages) to a sink.
    pub generate: &'b dyn Fn(u64, &mut dyn std::io::Write) -> u64,
    /// Units for the timed input (~50 MB), the callgrind input (~2 MB) and
    /// the 1 GB memory run.
    pub sizes: [u64; 3],
    /// The memchr split (the baseline).
    pub split: fn(&[u8]) -> u64,
    /// The lexer alone.
    pub lex: fn(&[u8]) -> u64,
    /// Lexer, envelope and guide validation.
    pub validate: &'b dyn Fn(&[u8]) -> u64,
    /// Targets as shares of the split for the lexer and validation.
    pub shares: [f64; 2],
    /// Targets in instructions per byte for the lexer and validation.
    pub instructions: [Option<f64>; 2],
}

fn generated(bench: &SyntaxBench<'_>, units: u64) -> Vec<u8> {
    let mut data = Vec::new();
    (bench.generate)(units, &mut data);
    data
}

/// Runs the bench: `--callgrind-mode MODE FILE` runs one measurement for
/// callgrind; `--quick` skips the 1 GB run.
pub fn run_syntax_bench(bench: SyntaxBench<'_>) {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--callgrind-mode") {
        let data = std::fs::read(&args[i + 2]).expect("bench file");
        let n = match args[i + 1].as_str() {
            "split" => (bench.split)(&data),
            "lex" => (bench.lex)(&data),
            _ => (bench.validate)(&data),
        };
        black_box(n);
        return;
    }
    let data = generated(&bench, bench.sizes[0]);
    let mb = data.len() as f64 / 1e6;
    println!("{}: {mb:.1} MB", bench.title);
    let times = best_interleaved(
        7,
        &mut [
            &mut || (bench.split)(&data),
            &mut || (bench.lex)(&data),
            &mut || (bench.validate)(&data),
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
            ("(b) lexer", t_lex, segments, bench.shares[0]),
            ("(c) lexer+envelope+guide", t_val, segments, bench.shares[1]),
        ],
    );
    let dir = std::env::temp_dir().join(format!("edigate-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    if have_valgrind() {
        let file = dir.join("callgrind-input");
        let small = generated(&bench, bench.sizes[1]);
        std::fs::write(&file, &small).expect("writable");
        print_instructions_per_byte(
            &dir,
            &file,
            small.len(),
            &[
                ("split", "run_split", None),
                ("lex", "run_lex", bench.instructions[0]),
                ("validate", "run_validate", bench.instructions[1]),
            ],
        );
    } else {
        println!("instructions/byte: skipped (valgrind not installed)");
    }
    if args.iter().any(|a| a == "--quick") {
        println!("peak RSS on 1 GB: skipped (--quick)");
    } else {
        let file = dir.join("gigabyte-input");
        let written = {
            let mut out = std::io::BufWriter::new(std::fs::File::create(&file).expect("writable"));
            let n = (bench.generate)(bench.sizes[2], &mut out);
            std::io::Write::flush(&mut out).expect("writable");
            n
        };
        print_peak_rss_of_validate(&file, written);
    }
    let _ = std::fs::remove_dir_all(&dir);
}
