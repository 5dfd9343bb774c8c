//! `bmnn-aggregator`: the provincial or national aggregator's binary. Parses the command line
//! and hands each subcommand over; `pki` is the node's (`node::cli::pki`), reused as is.

use std::process::ExitCode;

use aggregator::cli::{demo, run};
use clap::{Parser, Subcommand};
use node::cli::pki::{self, PkiCommand};

/// BMNN aggregator: receives and consolidates the reports of a province or of the nation.
#[derive(Debug, Parser)]
#[command(name = "bmnn-aggregator", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the ingest service: children submit signed reports over mutual TLS.
    Serve(run::ConfigArg),
    /// Show the reports received, by kind and unit.
    Status(run::ConfigArg),
    /// Try the whole system on one machine: a PKI, this aggregator for Đồng Nai (75) and two
    /// commune nodes with their web UIs, all in one process (Ctrl-C stops it).
    Demo(demo::DemoArgs),
    /// Manage the private PKI: root, provincial CAs, leaf certificates, revocation.
    #[command(subcommand)]
    Pki(PkiCommand),
}

fn main() -> ExitCode {
    node::tls::install_crypto_provider();
    let cli = Cli::parse();
    init_logging();
    let result = match cli.command {
        Command::Serve(a) => run::serve(a),
        Command::Status(a) => run::status(a),
        Command::Demo(a) => demo::run(a),
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

/// Logs to stderr; `BMNN_LOG` sets the filter (default: warnings, and the aggregator's own
/// one line per received submission, which names ids and outcome but never content).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BMNN_LOG")
        .unwrap_or_else(|_| "warn,aggregator=info".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
