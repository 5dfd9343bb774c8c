//! The command line of `bmnn-aggregator`, as clap pieces: `serve` and `status` ([`run`]), the
//! all-in-one `demo` ([`demo`]); `pki` is the node's (`node::cli::pki`), mounted as is.

pub mod demo;
pub mod run;
