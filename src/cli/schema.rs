//! `edigate schema [--out DIR]`: writes the JSON Schemas of the canonical
//! documents (by default to docs/schema, where they are published).

use std::path::PathBuf;

use super::{EXIT_USAGE, EXIT_VALID};

/// Arguments of `schema`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The directory to write to.
    #[arg(long, default_value = "docs/schema")]
    out: PathBuf,
}

/// Runs `schema`; returns the exit code.
pub fn run(args: Args) -> u8 {
    if let Err(e) = std::fs::create_dir_all(&args.out) {
        eprintln!("edigate: cannot create {}: {e}", args.out.display());
        return EXIT_USAGE;
    }
    for (name, text) in edigate::document::schemas() {
        let path = args.out.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("edigate: cannot write {}: {e}", path.display());
            return EXIT_USAGE;
        }
        println!("{}", path.display());
    }
    EXIT_VALID
}
