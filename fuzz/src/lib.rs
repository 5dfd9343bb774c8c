//! A coverage-free mutation fuzzer on the stable toolchain (cargo-fuzz and libFuzzer need
//! nightly): the decoders of envelopes, notices, bundles and the enrolment request, and what
//! the product does right after them, take seeds from valid signed objects and the published
//! test vectors, their mutations (byte-level and JSON-aware) and random inputs, and must
//! never panic. See docs/fuzz.md.

pub mod json;
pub mod mutate;
pub mod pki;
pub mod rng;
pub mod runner;
pub mod seeds;
pub mod targets;

pub use pki::Fixture;
pub use runner::{run, Options, Report};
pub use targets::Target;
