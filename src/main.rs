//! The `edigate` command: serve the gateway; validate, acknowledge,
//! translate and map EDI files.

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
    let args = cli::Cli::parse();
    // The server says what it does; the file commands only warn.
    let default_filter = if args.is_serve() {
        "warn,edigate=info"
    } else {
        "warn"
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("EDIGATE_LOG")
                .unwrap_or_else(|_| default_filter.into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
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
