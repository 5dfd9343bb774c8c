//! `bmnn-aggregator`: the provincial or national aggregator's binary. Parses the command line
//! and hands each subcommand over; `pki` is the node's (`node::cli::pki`), reused as is.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use node::cli::pki::{self, PkiCommand};

/// BMNN aggregator: consolidates the reports of a province or of the nation.
#[derive(Debug, Parser)]
#[command(name = "bmnn-aggregator", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage the private PKI: root, provincial CAs, leaf certificates, revocation.
    #[command(subcommand)]
    Pki(PkiCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Pki(cmd) => pki::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
