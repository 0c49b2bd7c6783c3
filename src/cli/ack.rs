//! `edigate ack FILE [--kind 997|999|ta1]`

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use edigate::edi::guide::Catalog;
use edigate::edi::x12::ack::{acknowledge, AckKind, Stamp};
use edigate::edi::x12::writer::SequentialCounter;
use edigate::edi::x12::{ControlNumbers, Validator, Writer};

use super::{EXIT_USAGE, EXIT_VALID};

/// Arguments of `ack`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The X12 file to acknowledge.
    file: PathBuf,
    /// 997, 999 or ta1; by default 997 for 004010 groups and 999 for 005010.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<AckKind>,
    /// First control number for the acknowledgment's ISA13, GS06 and ST02.
    #[arg(long, default_value_t = 1)]
    control_number: u64,
    /// Date and time to stamp, CCYYMMDD HHMM (default: now, UTC).
    #[arg(long, num_args = 2, value_names = ["CCYYMMDD", "HHMM"])]
    stamp: Option<Vec<String>>,
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_kind(s: &str) -> Result<AckKind, String> {
    AckKind::parse(s)
        .ok_or_else(|| format!("{s:?} is not an acknowledgment kind (997, 999 or ta1)"))
}

/// Runs `ack`; returns the exit code.
pub fn run(args: Args) -> u8 {
    let catalog = match Catalog::x12() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("edigate: the shipped guides do not load: {e}");
            return EXIT_USAGE;
        }
    };
    let file = match File::open(&args.file) {
        Ok(f) => BufReader::new(f),
        Err(e) => {
            eprintln!("edigate: cannot read {}: {e}", args.file.display());
            return EXIT_USAGE;
        }
    };
    let report = Validator::new(catalog).validate(file);
    let stamp = match &args.stamp {
        Some(v) if v.len() == 2 && is_digits(&v[0], 8) && is_digits(&v[1], 4) => Stamp {
            date: v[0].clone(),
            time: v[1].clone(),
        },
        Some(_) => {
            eprintln!("edigate: --stamp takes CCYYMMDD HHMM");
            return EXIT_USAGE;
        }
        None => Stamp::now(),
    };
    let acks = match acknowledge(&report, args.kind, &stamp) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("edigate: {}: {e}", args.file.display());
            for issue in report.all_issues() {
                eprintln!("  {issue}");
            }
            return 1;
        }
    };
    if acks.is_empty() {
        eprintln!(
            "edigate: {}: nothing to acknowledge (functional acknowledgments are not acknowledged)",
            args.file.display()
        );
    }
    let mut counter = SequentialCounter::starting_at(args.control_number);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for (interchange, delimiters) in acks {
        let written = Writer::new(delimiters).write(
            &interchange,
            &mut ControlNumbers::Generate(&mut counter),
            &mut out,
        );
        if let Err(e) = written {
            eprintln!("edigate: cannot write the acknowledgment: {e}");
            return EXIT_USAGE;
        }
    }
    if out.flush().is_err() {
        return EXIT_USAGE;
    }
    EXIT_VALID
}
