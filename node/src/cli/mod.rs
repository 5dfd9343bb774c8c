//! The command-line interface of `bmnn-node`, as reusable clap pieces: `bmnn-aggregator`
//! mounts the same subcommands (today `pki`).

pub mod pki;
