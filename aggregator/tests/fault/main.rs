//! Fault tests: three tiers as real processes (four nodes' pushers → the provincial
//! `bmnn-aggregator` → the national one), a fault-injecting TCP proxy in front of each
//! aggregator (drop, delay, cut mid-stream, partition and heal), and kill -9 of a pusher, the
//! province and the nation at random moments of a burst of incident reports. Afterwards every
//! submission is stored exactly once at the province and at the nation, and every receipt is
//! where it belongs. See docs/faults.md.
//!
//! `cargo test -p aggregator --test fault` runs the short runs (300 submissions; 5,000 through
//! haproxy in front of two provincial processes);
//! `cargo test -p aggregator --test fault -- --ignored` the long one (5,000, or
//! `BMNN_FAULT_SUBMISSIONS`). `BMNN_FAULT_SEED` replays a fault schedule.

#[path = "../it/support/mod.rs"]
#[allow(dead_code)]
mod support;

mod faults;
mod haproxy;
mod procs;
mod proxy;
mod run;
mod tiers;
mod ui;

use std::time::Duration;

pub use support::wait_until;

use run::Plan;
use tiers::Twins;

#[test]
fn every_submission_is_stored_once_per_tier_through_faults_and_kills() {
    run::run(
        "short run",
        Plan {
            submissions: 300,
            faults: 12,
            rate: 20.0,
            retry_now: true,
            settle: Duration::from_secs(90),
            twins: Twins::None,
        },
    );
}

/// The nation as two `serve` processes on one store (PostgreSQL with `BMNN_TEST_POSTGRES`,
/// else one SQLite file) behind a balancing proxy, each killed -9 in turn during the burst:
/// every relayed report still stored once, with the nation's receipt back at the province.
#[test]
fn two_national_processes_on_one_store_through_faults_and_kills() {
    run::run(
        "two national processes",
        Plan {
            submissions: 300,
            faults: 12,
            rate: 20.0,
            retry_now: true,
            settle: Duration::from_secs(90),
            twins: Twins::Nation,
        },
    );
}

/// The province as two `serve` processes on one store (PostgreSQL in CI's PostgreSQL pass)
/// behind haproxy — TCP for the mTLS ingest, HTTP for the web UI — during a burst of 5,000
/// incident reports, each process killed -9 at least twice: every report stored once at the
/// province and at the nation, relayed from the one shared outbox with the nation's receipt
/// back, and a web UI session logged in before the burst still open after every kill.
#[test]
fn two_provincial_processes_behind_haproxy_through_faults_and_kills() {
    run::run(
        "two provincial processes behind haproxy",
        Plan {
            submissions: 5_000,
            faults: 12,
            rate: 250.0,
            retry_now: true,
            settle: Duration::from_secs(240),
            twins: Twins::ProvinceBehindHaproxy,
        },
    );
}

#[test]
#[ignore = "the long run, minutes: cargo test -p aggregator --test fault -- --ignored"]
fn five_thousand_submissions_through_faults_and_kills() {
    let submissions = std::env::var("BMNN_FAULT_SUBMISSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(5_000);
    run::run(
        "long run",
        Plan {
            submissions,
            faults: (submissions / 50).max(8),
            rate: 25.0,
            // Restarted processes wait out the leases their predecessors held (120 s).
            retry_now: false,
            settle: Duration::from_secs(400),
            twins: Twins::None,
        },
    );
}

/// Not a test: the body of a node's pusher process, when this binary is re-executed by
/// `procs::spawn_pusher` with `BMNN_FAULT_PUSHER` set. Without it, it does nothing.
#[test]
#[ignore = "a child process of the fault tests"]
fn pusher_process() {
    if let Some(config) = std::env::var_os(procs::PUSHER_ENV) {
        procs::run_pusher(std::path::Path::new(&config));
    }
}
