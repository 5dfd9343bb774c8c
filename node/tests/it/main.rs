//! Black-box tests of the `bmnn-node` binary: one test binary, one module per area.

mod pki;
