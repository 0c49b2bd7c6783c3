//! The gateway over real HTTP on 127.0.0.1: `edigate serve` started
//! in-process on a free port with the demo connectors and world, on SQLite
//! and on PostgreSQL, and driven as partners and API clients drive it.

mod account;
mod amqp;
mod api;
mod browser;
mod flows;
mod harness;
mod punchout;
mod sftp;
mod startup;
mod supplier;
