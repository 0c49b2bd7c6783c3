//! What the throughput benches share: interleaved best-of timing, counting
//! instructions under callgrind, and the peak RSS of `edigate validate`.

// Each bench compiles this module on its own and uses a part of it.
#![allow(dead_code)]

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
