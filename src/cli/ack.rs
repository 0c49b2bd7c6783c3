//! `edigate ack FILE [--kind 997|999|ta1|contrl]`

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::PathBuf;

use edigate::detect::{detect, Format};
use edigate::edi::edifact;
use edigate::edi::guide::Catalog;
use edigate::edi::x12::ack::{acknowledge, AckKind, Stamp};
use edigate::edi::x12::writer::SequentialCounter;
use edigate::edi::x12::{ControlNumbers, Validator, Writer};

use super::{EXIT_USAGE, EXIT_VALID};

/// Arguments of `ack`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The X12 or EDIFACT file to acknowledge.
    file: PathBuf,
    /// 997, 999 or ta1 for X12 (by default 997 for 004010 groups and 999
    /// for 005010); contrl for EDIFACT (the default there).
    #[arg(long, value_parser = parse_kind)]
    kind: Option<Kind>,
    /// First control number for the acknowledgment's ISA13, GS06 and ST02
    /// (EDIFACT: the CONTRL interchange reference).
    #[arg(long, default_value_t = 1)]
    control_number: u64,
    /// Date and time to stamp, CCYYMMDD HHMM (default: now, UTC).
    #[arg(long, num_args = 2, value_names = ["CCYYMMDD", "HHMM"])]
    stamp: Option<Vec<String>>,
}

fn is_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// An acknowledgment kind of either syntax.
#[derive(Clone, Copy, Debug)]
enum Kind {
    X12(AckKind),
    Contrl,
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    if s.eq_ignore_ascii_case("contrl") {
        return Ok(Kind::Contrl);
    }
    AckKind::parse(s)
        .map(Kind::X12)
        .ok_or_else(|| format!("{s:?} is not an acknowledgment kind (997, 999, ta1 or contrl)"))
}

/// Runs `ack`; returns the exit code.
pub fn run(args: Args) -> u8 {
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
    let head = std::fs::File::open(&args.file).and_then(|mut f| {
        let mut head = [0u8; 64];
        let n = io::Read::read(&mut f, &mut head)?;
        Ok(detect(&head[..n]))
    });
    match (head, args.kind) {
        (Err(e), _) => {
            eprintln!("edigate: cannot read {}: {e}", args.file.display());
            EXIT_USAGE
        }
        (Ok(Format::Edifact), None | Some(Kind::Contrl)) => run_contrl(&args, &stamp),
        (Ok(Format::Edifact), Some(Kind::X12(_))) => {
            eprintln!(
                "edigate: {} is EDIFACT: its acknowledgment is a CONTRL (--kind contrl)",
                args.file.display()
            );
            EXIT_USAGE
        }
        (Ok(_), Some(Kind::Contrl)) => {
            eprintln!(
                "edigate: {} is not EDIFACT: CONTRL answers EDIFACT interchanges only",
                args.file.display()
            );
            EXIT_USAGE
        }
        (Ok(_), kind) => {
            let kind = match kind {
                Some(Kind::X12(k)) => Some(k),
                _ => None,
            };
            run_x12(&args, kind, &stamp)
        }
    }
}

/// Answers each EDIFACT interchange with a CONTRL.
fn run_contrl(args: &Args, stamp: &Stamp) -> u8 {
    let catalog = match Catalog::edifact() {
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
    let report = edifact::Validator::new(catalog).validate(file);
    if report.interchanges.is_empty() {
        eprintln!(
            "edigate: {}: no interchange to acknowledge",
            args.file.display()
        );
        for issue in report.all_issues() {
            eprintln!("  {issue}");
        }
        return 1;
    }
    let stdout = io::stdout();
    let written =
        edifact::contrl::write_contrls(&report, stamp, args.control_number, stdout.lock());
    match written {
        Ok(_) => EXIT_VALID,
        Err(e) => {
            eprintln!("edigate: cannot write the CONTRL: {e}");
            EXIT_USAGE
        }
    }
}

fn run_x12(args: &Args, kind: Option<AckKind>, stamp: &Stamp) -> u8 {
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
    let acks = match acknowledge(&report, kind, stamp) {
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
