//! Black-box tests of the `bmnn-aggregator` binary and service: one test binary, one module
//! per area (`ingest`: the real aggregator driven by real nodes; `demo`: the all-in-one demo; `e2e`: the demo's binaries
//! driven as users would).

mod support;

#[path = "../fault/proxy.rs"]
#[allow(dead_code)]
mod fault_proxy;

mod batch;
mod consolidation;
mod decision;
mod demo;
mod downlink;
mod e2e;
mod e2e_downlink;
mod e2e_requests;
mod enrolment;
mod ingest;
mod init;
mod inspection;
mod limits;
mod mail_delivery;
mod mail_support;
mod openapi;
mod picture;
mod rates;
mod registry;
mod relay;
mod reminders;
mod revocation;
mod ui;

use std::process::Command;

#[test]
fn pki_init_root_works() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("root");
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["pki", "init-root", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("root CA created"), "{stdout}");
    for f in [
        "root.crt.pem",
        "root.key.pem",
        "crl.pem",
        "issued.jsonl",
        "revoked.json",
    ] {
        assert!(dir.join(f).exists(), "{f}");
    }
}
