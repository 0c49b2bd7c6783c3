//! `edigate bench-data`: a large synthetic 850 interchange on stdout.

use std::io::{self, BufWriter, Write};

use edigate::edi::x12::synthetic::{write_purchase_orders, PurchaseOrders};

use super::{EXIT_USAGE, EXIT_VALID};

/// Arguments of `bench-data`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Purchase orders to write.
    #[arg(long, default_value_t = 10_000)]
    orders: u64,
    /// Lines per order.
    #[arg(long, default_value_t = 20)]
    lines: u32,
}

/// Runs `bench-data`; returns the exit code.
pub fn run(args: Args) -> u8 {
    let shape = PurchaseOrders {
        orders: args.orders,
        lines_per_order: args.lines,
        orders_per_group: 1000,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match write_purchase_orders(&shape, &mut out).and_then(|_| out.flush()) {
        Ok(()) => EXIT_VALID,
        Err(e) => {
            eprintln!("edigate: cannot write: {e}");
            EXIT_USAGE
        }
    }
}
