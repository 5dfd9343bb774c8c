//! `bmnn-node`: the reporting unit's binary. Parses the command line and hands each
//! subcommand to `node::cli`; errors are printed with their full cause chain.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use node::cli::pki::{self, PkiCommand};
use node::cli::{bundle, init, run};

/// BMNN node: a reporting unit's service for state-secret protection reports.
#[derive(Debug, Parser)]
#[command(name = "bmnn-node", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Prepare an installation: data directory, database, key and certificate request (or
    /// import of the issued certificate), first admin user.
    Init(init::InitArgs),
    /// Run the web UI, push the outbox up the configured links and pull the notices down.
    Serve(run::ConfigArg),
    /// Send everything due in the outbox once and pull the parents' notices, then exit (for
    /// scripts).
    Push(run::PushArgs),
    /// Show the outbox, receipts and the audit log's integrity.
    Status(run::ConfigArg),
    /// Write the reports held back by classification into an encrypted, signed transfer
    /// bundle for a secure USB drive.
    ExportBundle(bundle::ExportArgs),
    /// Import the receipt bundle the aggregator gave back for a transfer bundle.
    ImportReceipts(bundle::ImportArgs),
    /// Manage the private PKI: root, provincial CAs, leaf certificates, revocation.
    #[command(subcommand)]
    Pki(PkiCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    node::tls::install_crypto_provider();
    node::cli::init_logging("warn");
    let result = match cli.command {
        Command::Init(a) => init::run(a),
        Command::Serve(a) => run::serve(a),
        Command::Push(a) => run::push(a),
        Command::Status(a) => run::status(a),
        Command::ExportBundle(a) => bundle::export(a),
        Command::ImportReceipts(a) => bundle::import(a),
        Command::Pki(cmd) => pki::run(cmd),
    };
    node::cli::exit(result)
}
