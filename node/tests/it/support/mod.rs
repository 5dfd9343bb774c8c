//! Test support: a whole federation's PKI made by the product's own `config::pki`, a node
//! installation in a temp dir, a receiving server (a stand-in for the aggregator until its
//! issue lands: real mTLS, real verification, real signed receipts, state in memory), and a
//! TCP relay that can cut a connection mid-request.

pub mod federation;
pub mod proxy;
pub mod receiver;

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

/// A free loopback port (bound and released; good enough for a test that starts a server later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
