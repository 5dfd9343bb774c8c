//! `cargo bench -p aggregator --bench trust`: the trust machinery at scale, each figure beside
//! its baseline measured in the same run.
//! 1. Enrolment: `BMNN_BENCH_CODES` (default 5,000) one-time codes created in one go, then
//!    that many units enrolled end to end over TLS by 8 concurrent clients (key and CSR made
//!    by the client, `simpleenroll`, chain checked), against the same number of `GET cacerts`
//!    (the TLS round trip alone) as the baseline.
//! 2. CRLs: a CRL of `BMNN_BENCH_REVOKED` (default 50,000) revoked serials written by the CA
//!    (`write_crl`), and the cost of reloading it (`LiveTrust::reload`), beside a 1-entry CRL.
//! 3. Ingest with that CRL: 16 communes × 200 signed reports over mutual TLS into the running
//!    aggregator with the small CRL, then the big one (reloaded while running), then the small
//!    one again; two rounds each, median shown.
//!
//! Prints Markdown tables for BENCHMARKS.md.

mod common;
#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use common::{median, row, Run};
use node::tls::TlsMaterial;
use support::federation::{Aggregator, Federation};

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 200;
const ENROLLERS: usize = 8;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn province(fed: &Federation) -> Aggregator {
    let extra = format!(
        "rate_per_second = 100000\nrate_burst = 100000\n\n[enrolment]\nlisten = \"127.0.0.1:0\"\nca = \"{}\"\n",
        fed.ca75.dir().display()
    );
    let agg = fed.aggregator_with("75", "https://a03.bca.example.vn/", 8 << 20, &extra);
    let mut conn = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(
        &mut conn,
        &schema::UnitId::parse("75").unwrap(),
        false,
    )
    .unwrap();
    agg
}

/// `n` enrolments by `ENROLLERS` concurrent clients; (elapsed, sorted latencies).
fn enrol_all(
    base: &str,
    fp: &str,
    codes: Vec<(schema::UnitId, String)>,
) -> (Duration, Vec<Duration>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ca = rt.block_on(node::enrol::fetch_cacerts(base, fp)).unwrap();
    let chunks: Vec<Vec<_>> = codes
        .chunks(codes.len().div_ceil(ENROLLERS))
        .map(<[_]>::to_vec)
        .collect();
    let start = Instant::now();
    let mut lat: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (ca, base) = (ca.clone(), base.to_string());
                tokio::spawn(async move {
                    let mut out = Vec::new();
                    for (unit, code) in chunk {
                        let t = Instant::now();
                        let req = config::pki::new_request(&unit, &[], &[]).unwrap();
                        let chain = node::enrol::enrol(&base, &ca, &unit, &code, &req.csr_pem)
                            .await
                            .unwrap();
                        node::enrol::check_chain(&chain, &ca.root, &unit, &req.key_pem).unwrap();
                        out.push(t.elapsed());
                    }
                    out
                })
            })
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let elapsed = start.elapsed();
    lat.sort();
    (elapsed, lat)
}

fn enrolment(fed: &Federation, agg: &Aggregator, n: usize) {
    let section = config::settings::AggregatorSettings::load(&agg.config)
        .unwrap()
        .enrolment
        .unwrap();
    let e = aggregator::enrol::Enrolment::open(&section, agg.pool.clone()).unwrap();
    let units: Vec<schema::UnitId> = (0..n)
        .map(|i| schema::UnitId::parse(&format!("75/bench-{i:05}")).unwrap())
        .collect();
    let t = Instant::now();
    let made = e.create_codes(&units, "bench").unwrap();
    let create = t.elapsed();
    let codes = made
        .into_iter()
        .map(|c| (c.unit, c.code.display()))
        .collect();
    let base = format!("https://127.0.0.1:{}", agg.enrol_port.unwrap());
    // Baseline: the TLS round trip of a request that does no work (GET cacerts).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let t = Instant::now();
    rt.block_on(async {
        for _ in 0..200 {
            node::enrol::fetch_cacerts(&base, &e.root_fingerprint)
                .await
                .unwrap();
        }
    });
    let cacerts = t.elapsed() / 200;
    let (elapsed, lat) = enrol_all(&base, &e.root_fingerprint, codes);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| step | count | time | rate | p50 | p99 |\n|---|---|---|---|---|---|");
    println!(
        "| create codes (one transaction) | {n} | {:.2} s | {:.0}/s | | |",
        create.as_secs_f64(),
        n as f64 / create.as_secs_f64()
    );
    println!(
        "| enrol end to end ({ENROLLERS} clients: key, CSR, TLS, claim, sign, record, check) | {n} | {:.1} s | {:.0}/s | {:.1} ms | {:.1} ms |",
        elapsed.as_secs_f64(), n as f64 / elapsed.as_secs_f64(), ms(lat[lat.len() / 2]), ms(lat[lat.len() * 99 / 100])
    );
    println!("| baseline: GET cacerts, new TLS connection each, sequential | 200 | | {:.0}/s | {:.1} ms | |", 1.0 / cacerts.as_secs_f64(), ms(cacerts));
    let _ = fed;
}

/// Rewrites the CA's registry with `n` revoked random serials and writes its CRL; its size.
fn revoke(fed: &Federation, n: usize) -> (Duration, u64) {
    let entries: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "serial": config::pki::Serial::random().unwrap().to_string(),
                "unit": format!("75/bench-{i:05}"),
                "subject": "BMNN node bench",
                "reason": "superseded",
                "revoked_at": "2026-12-01T00:00:00Z",
            })
        })
        .collect();
    let path = fed.ca75.dir().join(config::pki::layout::REVOKED);
    let number = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
        .and_then(|v| v["crl_number"].as_u64())
        .unwrap_or(0);
    std::fs::write(
        &path,
        serde_json::json!({"crl_number": number, "revoked": entries}).to_string(),
    )
    .unwrap();
    let t = Instant::now();
    let info = fed.ca75.write_crl().unwrap();
    (t.elapsed(), std::fs::metadata(info.path).unwrap().len())
}

fn reload_cost(tls: &config::settings::TlsSection) -> Duration {
    let material = TlsMaterial::load(tls).unwrap();
    let live = material.live_trust(tls, None).unwrap();
    let mut runs: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            let _ = node::trust::LiveTrust::load(material.root.clone(), tls, None).unwrap();
            t.elapsed()
        })
        .collect();
    drop(live);
    runs.sort();
    runs[2]
}

fn main() {
    let codes = env("BMNN_BENCH_CODES", 5_000);
    let revoked = env("BMNN_BENCH_REVOKED", 50_000);
    let fed = Federation::new();
    let agg = province(&fed);
    println!("### Enrolment ({codes} codes)\n");
    enrolment(&fed, &agg, codes);

    println!("\n### CRLs ({revoked} revoked serials)\n");
    println!(
        "| CRL | entries | size | write (pki crl) | reload (parse, swap) |\n|---|---|---|---|---|"
    );
    let phases = [1usize, revoked, 1];
    let (_, reader) = fed.leaf("75/bench-reload");
    let mut crl_rows = Vec::new();
    for &n in &phases[..2] {
        let (write, size) = revoke(&fed, n);
        crl_rows.push((n, size, write, reload_cost(&reader)));
    }
    for (n, size, write, reload) in crl_rows {
        println!(
            "| {} | {n} | {:.1} KiB | {:.0} ms | {:.2} ms |",
            if n == 1 { "baseline" } else { "large" },
            size as f64 / 1024.0,
            write.as_secs_f64() * 1000.0,
            reload.as_secs_f64() * 1000.0
        );
    }

    println!("\n### Ingest with that CRL (16 clients × {PER_CLIENT} reports, median of 2)\n");
    let rounds = 2;
    let clients = common::commune_clients(&fed, CLIENTS, PER_CLIENT * rounds * phases.len());
    let url = agg.url("/api/v1/submissions");
    let mut results = Vec::new();
    for (i, &n) in phases.iter().enumerate() {
        revoke(&fed, n);
        // The running aggregator looks at the CRL file at most once a second: after this
        // pause the first handshake of the first round reloads it (part of what is measured).
        std::thread::sleep(Duration::from_millis(1_200));
        let runs: Vec<Run> = (0..rounds)
            .map(|r| {
                let at = (i * rounds + r) * PER_CLIENT;
                common::post_bodies(&clients, &url, at..at + PER_CLIENT)
            })
            .collect();
        results.push((n, median(runs)));
    }
    println!("| CRL entries | rate | p50 | p99 | CPU/request | ratio to the first |\n|---|---|---|---|---|---|");
    let first = &results[0].1;
    for (n, run) in &results {
        println!("{}", row(&format!("{n}"), run, first));
    }
}
