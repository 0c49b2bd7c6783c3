//! Command-line parsing and the subcommands.

mod ack;
mod bench_data;
mod map;
mod schema;
mod serve;
mod translate;
mod validate;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// edigate: EDI and supply-chain integration gateway.
#[derive(Parser, Debug)]
#[command(name = "edigate", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the gateway: partner endpoints, REST API, outbound relay.
    ///
    /// SQLite under var/ and the demo connectors unless --config or
    /// DATABASE_URL say otherwise.
    Serve(serve::Args),
    /// Validate EDI files against the standards and shipped guides.
    ///
    /// Exits 0 when every file is valid, 1 when any is invalid, 2 on usage
    /// or I/O errors.
    Validate(validate::Args),
    /// Print the acknowledgment for an X12 (997, 999, TA1) or EDIFACT
    /// (CONTRL) file.
    Ack(ack::Args),
    /// Write the JSON Schemas of the canonical documents.
    Schema(schema::Args),
    /// Translate a partner file into canonical JSON, or canonical JSON
    /// (or another partner file) into X12 or EDIFACT, through mappings.
    ///
    /// Exits 0 on success, 1 when the input is invalid or cannot be
    /// mapped, 2 on usage or I/O errors.
    Translate(translate::Args),
    /// Test mappings (`map test`) or scaffold a partner override
    /// (`map new`).
    Map(map::Args),
    /// Write a large synthetic X12 850 interchange (for benchmarks).
    #[command(hide = true)]
    BenchData(bench_data::Args),
}

impl Cli {
    /// Whether the command is `serve`.
    pub fn is_serve(&self) -> bool {
        matches!(self.command, Command::Serve(_))
    }
}

/// Exit code: every input valid.
pub const EXIT_VALID: u8 = 0;
/// Exit code: some input invalid.
pub const EXIT_INVALID: u8 = 1;
/// Exit code: usage or I/O error.
pub const EXIT_USAGE: u8 = 2;

/// Runs the parsed command.
pub fn run(cli: Cli) -> ExitCode {
    let code = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Ack(args) => ack::run(args),
        Command::Schema(args) => schema::run(args),
        Command::Translate(args) => translate::run(args),
        Command::Map(args) => map::run(args),
        Command::BenchData(args) => bench_data::run(args),
    };
    ExitCode::from(code)
}
