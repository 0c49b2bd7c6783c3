//! The `edigate` command: validate and acknowledge EDI files (and, in later
//! releases, serve the gateway).

mod cli;

use std::process::ExitCode;

use clap::Parser;

/// Documents become many small strings and vectors (a 40,000-line order is
/// a million allocations); mimalloc makes reading them about a third
/// faster than the system allocator (see ARCHITECTURE.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    quiet_on_closed_pipe();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EDIGATE_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = cli::Cli::parse();
    cli::run(args)
}

/// `edigate translate big.edi | head` should stop quietly when `head` is
/// done, as command-line tools do, not panic on the closed pipe: restore
/// the default SIGPIPE action that the Rust runtime turns off.
fn quiet_on_closed_pipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists;
    // SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
