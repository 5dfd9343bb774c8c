//! Test support: a federation's PKI made with `config::pki`, the real aggregator running on a
//! thread of its own (port 0, temp dir), node installations pointing at it, and HTTP clients
//! with and without a client certificate.

pub mod browser;
pub mod federation;
pub mod installation;
pub mod report;

use std::time::{Duration, Instant};

/// Polls `cond` every 20 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < timeout,
            "timed out after {timeout:?} waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Runs the `bmnn-aggregator` binary with `args` as an operator would, asserting it
/// succeeds; its standard output.
pub fn run_aggregator<S: AsRef<std::ffi::OsStr>>(args: impl IntoIterator<Item = S>) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// A multi-threaded runtime for the test's clients and the node's pusher.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
