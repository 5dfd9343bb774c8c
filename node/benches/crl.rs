//! `cargo bench -p node --bench crl`: what a large CRL costs. A province's CA revokes 50,000
//! certificates (its `revoked.json` filled, then `pki crl`'s own `write_crl`); measured in one
//! run: loading it into a `LiveTrust` (parse, signature-check structures, TLS verifiers), a
//! reload after the file changed, and the verification of signed annual reports by a unit
//! that is not revoked, with the 50,000-entry CRL and with none (the ingest's per-report
//! check; a `Trust` remembers verified chains, so the revocation lookup is paid once per
//! chain and CRL set). Prints a Markdown table for BENCHMARKS.md.

use std::time::{Duration, Instant};

use config::pki::{load_certs, CaDir, LeafRequest, Overwrite, RevokeReason, Serial};
use config::settings::TlsSection;
use node::tls::TlsMaterial;
use node::trust::LiveTrust;
use schema::{Envelope, UnitId};

const REVOKED: usize = 50_000;
const REPORTS: usize = 2_000;
const ROUNDS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Fills `ca`'s revocation registry with `n` entries and writes its CRL.
fn revoke_many(ca: &CaDir, dir: &std::path::Path, n: usize) {
    let victim = ca
        .issue_leaf(
            &LeafRequest::node(UnitId::parse("75.26044").unwrap()),
            dir,
            "victim",
            Overwrite::Refuse,
        )
        .unwrap();
    ca.revoke(
        &Serial::of_cert_file(&victim.cert).unwrap(),
        RevokeReason::KeyCompromise,
    )
    .unwrap();
    let path = ca.dir().join("revoked.json");
    let mut file: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let entry = file["revoked"][0].clone();
    let entries: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let mut e = entry.clone();
            e["serial"] = format!("{:032X}", 0x5eed_0000_0000_u64 + i as u64).into();
            e
        })
        .collect();
    file["revoked"] = entries.into();
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    ca.write_crl().unwrap();
}

fn main() {
    node::tls::install_crypto_provider();
    let tmp = tempfile::tempdir().unwrap();
    let root = CaDir::init_root(&tmp.path().join("root"), Overwrite::Refuse).unwrap();
    let ca = root
        .issue_intermediate(
            &UnitId::parse("75").unwrap(),
            &tmp.path().join("75"),
            Overwrite::Refuse,
        )
        .unwrap();
    let leaf = ca
        .issue_leaf(
            &LeafRequest::node(UnitId::parse("75.26041").unwrap()),
            tmp.path(),
            "node",
            Overwrite::Refuse,
        )
        .unwrap();
    let t0 = Instant::now();
    revoke_many(&ca, tmp.path(), REVOKED);
    let write = t0.elapsed();
    let crl_bytes = std::fs::metadata(ca.crl_path()).unwrap().len();
    let root_der = load_certs(&root.cert_path()).unwrap().remove(0);
    let with = TlsSection::new(
        leaf.chain.clone(),
        leaf.key.clone(),
        root.cert_path(),
        Some(ca.crl_path()),
    );
    let without = TlsSection::new(leaf.chain.clone(), leaf.key.clone(), root.cert_path(), None);

    let load: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            let t = Instant::now();
            let live = LiveTrust::load(root_der.clone(), &with, None).unwrap();
            assert_eq!(live.status().crls[0].revoked, REVOKED);
            t.elapsed()
        })
        .collect();
    let live = LiveTrust::load(root_der.clone(), &with, None).unwrap();
    let reload: Vec<Duration> = (0..ROUNDS)
        .map(|_| {
            // Another CRL number: the file changes, the whole set is read again.
            ca.write_crl().unwrap();
            let t = Instant::now();
            assert!(live.reload().unwrap());
            t.elapsed()
        })
        .collect();

    let signer = TlsMaterial::load(&with).unwrap().signer().unwrap();
    let reports: Vec<Envelope> = (0..REPORTS)
        .map(|_| Envelope::sign(sample(&signer), &signer).unwrap())
        .collect();
    let verify = |tls: &TlsSection| -> Vec<Duration> {
        (0..ROUNDS)
            .map(|_| {
                let trust = LiveTrust::load(root_der.clone(), tls, None)
                    .unwrap()
                    .current();
                let now = schema::UnixTime::now();
                let t = Instant::now();
                for r in &reports {
                    r.verify(&trust, now).unwrap();
                }
                t.elapsed()
            })
            .collect()
    };
    let (none, full) = (median(verify(&without)), median(verify(&with)));
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("| {REVOKED} revoked entries, CRL {crl_bytes} bytes (median of {ROUNDS}) | value |");
    println!("|---|---|");
    println!(
        "| `write_crl` of the 50,000 entries (once) | {:.0} ms |",
        us(write) / 1000.0
    );
    println!(
        "| `LiveTrust::load` with that CRL | {:.1} ms |",
        us(median(load)) / 1000.0
    );
    println!(
        "| reload after the CRL file changed | {:.1} ms |",
        us(median(reload)) / 1000.0
    );
    println!(
        "| verify {REPORTS} signed reports, no CRL | {:.0} reports/s ({:.1} µs each) |",
        REPORTS as f64 / none.as_secs_f64(),
        us(none) / REPORTS as f64
    );
    println!("| verify {REPORTS} signed reports, the 50,000-entry CRL | {:.0} reports/s ({:.1} µs each) |", REPORTS as f64 / full.as_secs_f64(), us(full) / REPORTS as f64);
}

/// An annual report of 75.26041 with every indicator at 0.
fn sample(signer: &schema::Signer) -> schema::Submission {
    let json = serde_json::json!({
        "protocol": "bmnn/1",
        "report_id": schema::ReportId::random().to_string(),
        "unit": signer.unit().to_string(),
        "period": "2026",
        "classification": "khong_mat",
        "created_at": "2026-12-06T09:00:00+07:00",
        "supersedes": null,
        "payload": { "kind": "annual_report", "content": {
            "sections": [{"code": "a", "text": "Nội dung mục a."}],
            "indicators": [{"code": "so_vu_lo_mat", "value": 0}],
            "incidents": [],
            "drafter": "Nguyễn Văn An"
        } }
    });
    schema::decode(json.to_string().as_bytes()).unwrap()
}
