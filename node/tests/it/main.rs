//! Black-box tests of the `bmnn-node` binary and service: one test binary, one module per area.

mod support;

mod bundle;
mod cli;
mod outbox;
mod pki;
mod ui;
