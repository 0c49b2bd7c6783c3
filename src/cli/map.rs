//! `edigate map test [PATH]` and `edigate map new --from … --partner …`

use std::path::{Path, PathBuf};

use edigate::mapping::{Library, Mapping};
use edigate::translate::cases::{run_case, CaseResult};

use super::{EXIT_INVALID, EXIT_USAGE, EXIT_VALID};

/// Arguments of `map`.
#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(subcommand)]
    command: MapCommand,
}

#[derive(clap::Subcommand, Debug)]
enum MapCommand {
    /// Run every mapping's test cases: input → expected canonical JSON →
    /// expected partner file. Prints a diff on failure; exits 1 when any
    /// case fails or a mapping does not load.
    Test {
        /// A mapping file, or a directory of them (their overrides may name
        /// shipped mappings as `base`).
        #[arg(default_value = "mappings")]
        path: PathBuf,
        /// Write what the mappings produce into the expected files instead
        /// of comparing (after a deliberate change; review the diff).
        #[arg(long)]
        bless: bool,
    },
    /// Scaffold a partner override of a shipped mapping, with a test case.
    New {
        /// The base: `syntax:version:message` (`x12:004010:850`,
        /// `edifact:D96A:ORDERS`).
        #[arg(long)]
        from: String,
        /// The partner's name (letters, digits, `-`).
        #[arg(long)]
        partner: String,
        /// A sample file from the partner for the test case.
        #[arg(long)]
        sample: Option<PathBuf>,
        /// Where to write (default `mappings/partners`).
        #[arg(long, default_value = "mappings/partners")]
        out: PathBuf,
    },
}

/// Runs `map`; returns the exit code.
pub fn run(args: Args) -> u8 {
    match args.command {
        MapCommand::Test { path, bless } => test(&path, bless),
        MapCommand::New {
            from,
            partner,
            sample,
            out,
        } => match scaffold(&from, &partner, sample.as_deref(), &out) {
            Ok(code) => code,
            Err(message) => {
                eprintln!("edigate: {message}");
                EXIT_USAGE
            }
        },
    }
}

fn test(path: &Path, bless: bool) -> u8 {
    let loaded = if path.is_dir() {
        Library::with_dir(path).map(|l| (l, path.to_path_buf()))
    } else {
        Library::with_file(path).map(|(l, _, root)| (l, root))
    };
    let (library, root) = match loaded {
        Ok(l) => l,
        Err(e) => {
            eprintln!("edigate: cannot read {}: {e}", path.display());
            return EXIT_USAGE;
        }
    };
    let (mut cases, mut failed, mut mappings) = (0, 0, 0);
    for file in library.mapping_files().collect::<Vec<_>>() {
        mappings += 1;
        let mapping = match library.load(&file) {
            Ok(m) => m,
            Err(e) => {
                println!("FAIL {e}");
                failed += 1;
                continue;
            }
        };
        if mapping.tests.is_empty() {
            println!("note {file}: no test cases");
        }
        let dir = root.join(Path::new(&file).parent().unwrap_or(Path::new("")));
        for result in run_mapping(&mapping, &dir, bless) {
            cases += 1;
            if result.passed() {
                println!(
                    "ok   {}{}",
                    result.case,
                    if bless { " (blessed)" } else { "" }
                );
            } else {
                failed += 1;
                println!("FAIL {}", result.case);
                for f in &result.failures {
                    println!("  {}", f.replace('\n', "\n  "));
                }
            }
        }
    }
    println!("{mappings} mapping(s), {cases} case(s), {failed} failed");
    if failed > 0 {
        EXIT_INVALID
    } else {
        EXIT_VALID
    }
}

fn run_mapping(mapping: &Mapping, dir: &Path, bless: bool) -> Vec<CaseResult> {
    mapping
        .tests
        .iter()
        .map(|(line, case)| run_case(mapping, *line, case, dir, bless))
        .collect()
}

fn scaffold(from: &str, partner: &str, sample: Option<&Path>, out: &Path) -> Result<u8, String> {
    let parts: Vec<&str> = from.split(':').collect();
    let [syntax, version, message] = parts.as_slice() else {
        return Err(format!(
            "--from {from:?}: write syntax:version:message (x12:004010:850)"
        ));
    };
    let base = Library::shipped()
        .iter()
        .find(|m| m.syntax.name() == *syntax && m.version == *version && m.message == *message)
        .ok_or_else(|| format!("no shipped mapping for {from}"))?;
    if partner.is_empty()
        || !partner
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(format!(
            "--partner {partner:?}: letters, digits and `-` only"
        ));
    }
    std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let stem = format!("{partner}-{}", message.to_ascii_lowercase());
    let file = out.join(format!("{stem}.toml"));
    if file.exists() {
        return Err(format!("{} exists; not overwritten", file.display()));
    }
    let base_name = base.file.trim_end_matches(".toml");
    let mut text = format!(
        "# {partner}'s {syntax} {version} {message}: only what differs from the shipped\n\
         # mapping {base_name}. A rule with the same `field` replaces the base's;\n\
         # `remove = [\"field\"]` drops one; `[codes]` swaps a code table.\n\
         # Run `edigate map test {}` after each change.\n\n\
         name = \"{partner} {syntax} {version} {message}\"\n\
         base = \"{base_name}\"\n\n\
         # [[rule]]\n# at = \"REF02 where REF01=CC\"\n# field = \"procurement.cost_center\"\n\n\
         # [codes]\n# \"x12-355-rec20\" = \"{partner}-units\"\n",
        file.display()
    );
    match sample {
        Some(sample) => {
            let extension = sample.extension().and_then(|e| e.to_str()).unwrap_or("edi");
            let input = format!("{stem}.{extension}");
            std::fs::copy(sample, out.join(&input))
                .map_err(|e| format!("cannot copy {}: {e}", sample.display()))?;
            text.push_str(&format!(
                "\n[[test]]\ninput = \"{input}\"\nexpect = \"{stem}.json\"\noutput = \"{stem}.out.{extension}\"\n"
            ));
        }
        None => text.push_str(&format!(
            "\n# Add a sample from the partner and a test case:\n# [[test]]\n# input = \"{stem}.edi\"\n\
             # expect = \"{stem}.json\"\n# output = \"{stem}.out.edi\"\n"
        )),
    }
    std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
    println!("wrote {}", file.display());
    if sample.is_some() {
        // Fill the expected files from the base's behaviour, so the case
        // passes now and shows exactly what each later change does.
        return Ok(test(&file, true));
    }
    Ok(EXIT_VALID)
}
