//! The command-line interface of `bmnn-node`, as reusable clap pieces: `bmnn-aggregator`
//! mounts the same `pki` subcommands.

pub mod bundle;
pub mod enrol;
pub mod init;
pub mod pki;
pub mod run;

use std::process::ExitCode;

/// Logs to stderr; `BMNN_LOG` sets the filter, else `default` (e.g. `warn`). Never report
/// content at info level.
pub fn init_logging(default: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("BMNN_LOG").unwrap_or_else(|_| default.into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Prints an error with its whole cause chain (`{:#}`) and turns it into the exit code.
pub fn exit(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
