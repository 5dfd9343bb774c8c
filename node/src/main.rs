//! `bmnn-node`: the reporting unit's binary. Parses the command line and hands each
//! subcommand to `node::cli`; errors are printed with their full cause chain.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use node::cli::pki::{self, PkiCommand};

/// BMNN node: a reporting unit's service for state-secret protection reports.
#[derive(Debug, Parser)]
#[command(name = "bmnn-node", version)]
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
