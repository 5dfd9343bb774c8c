//! The command-line interface of `bmnn-node`, as reusable clap pieces: `bmnn-aggregator`
//! mounts the same `pki` subcommands.

pub mod bundle;
pub mod init;
pub mod pki;
pub mod run;
