//! `edigate serve`: runs the gateway until Ctrl-C or SIGTERM.

use std::path::PathBuf;

use super::{EXIT_USAGE, EXIT_VALID};
use edigate::server::{start, Config};

/// Arguments of `serve`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A TOML configuration file (listen, database_url, connectors,
    /// mappings, world, us); the demo defaults without one.
    #[arg(long)]
    config: Option<PathBuf>,
}

/// Runs the server; returns when it has shut down.
pub fn run(args: Args) -> u8 {
    let config = match Config::load(args.config.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("edigate: {e}");
            return EXIT_USAGE;
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("edigate: cannot start the runtime: {e}");
            return EXIT_USAGE;
        }
    };
    runtime.block_on(async {
        match start(&config).await {
            Ok(running) => {
                eprintln!(
                    "edigate: listening on http://{} ({} connectors); Ctrl-C stops",
                    running.addr,
                    running.gateway.connectors().all().count()
                );
                running.wait().await;
                eprintln!("edigate: stopped");
                EXIT_VALID
            }
            Err(e) => {
                eprintln!("edigate: not started: {e}");
                EXIT_USAGE
            }
        }
    })
}
