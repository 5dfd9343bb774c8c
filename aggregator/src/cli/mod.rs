//! The command line of `bmnn-aggregator`, as clap pieces: `init` ([`init`]), `serve` and
//! `status` ([`run`]), the USB path's `import-bundle` ([`bundle`]), the
//! all-in-one `demo` ([`demo`]), the unit registry ([`registry`]), synthetic history
//! ([`gen`]), inspection planning ([`plan`]), the inspection record ([`inspection`]) and
//! enrolment codes with the certificate inventory ([`enrol`]); `pki` is the node's
//! (`node::cli::pki`), mounted as is.

pub mod bundle;
pub mod consolidate;
pub mod demo;
pub mod enrol;
pub mod gen;
pub mod init;
pub mod inspection;
pub mod plan;
pub mod publish;
pub mod publish_rules;
pub mod registry;
pub mod remind;
pub mod request;
pub mod run;
