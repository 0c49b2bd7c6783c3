//! `edigate bench-data`: a large synthetic interchange on stdout (X12 850s
//! or EDIFACT D.96A ORDERS).

use std::io::{self, BufWriter, Write};

use edigate::edi::edifact::synthetic::{write_orders, Orders};
use edigate::edi::x12::synthetic::{write_purchase_orders, PurchaseOrders};

use super::{EXIT_USAGE, EXIT_VALID};

/// Arguments of `bench-data`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Purchase orders (messages) to write.
    #[arg(long, default_value_t = 10_000)]
    orders: u64,
    /// Lines per order.
    #[arg(long, default_value_t = 20)]
    lines: u32,
    /// Write EDIFACT ORDERS instead of X12 850s.
    #[arg(long)]
    edifact: bool,
}

/// Runs `bench-data`; returns the exit code.
pub fn run(args: Args) -> u8 {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let written = if args.edifact {
        let shape = Orders {
            messages: args.orders,
            lines_per_message: args.lines,
        };
        write_orders(&shape, &mut out)
    } else {
        let shape = PurchaseOrders {
            orders: args.orders,
            lines_per_order: args.lines,
            orders_per_group: 1000,
        };
        write_purchase_orders(&shape, &mut out)
    };
    match written.and_then(|_| out.flush()) {
        Ok(()) => EXIT_VALID,
        Err(e) => {
            eprintln!("edigate: cannot write: {e}");
            EXIT_USAGE
        }
    }
}
