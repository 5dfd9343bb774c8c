//! `cargo bench -p node --bench outbox`: outbox drain rate to a local receiver over mutual TLS,
//! against a baseline measured in the same run (the same envelopes POSTed by a bare reqwest
//! client with the same TLS config, no store); and the resident memory of `bmnn-node serve`
//! idle with an empty store and with 10,000 stored reports. Prints a Markdown table for
//! BENCHMARKS.md.

#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use schema::{Classification, ReportKind};
use support::federation::{submission, Federation, Installation};
use support::receiver::Receiver;

fn queue(inst: &Installation, node: &node::app::Node, n: usize) -> Vec<schema::Envelope> {
    let unit = node.settings.unit.id.to_string();
    inst.queue(
        node,
        (0..n)
            .map(|_| submission(&unit, ReportKind::AnnualReport, Classification::Mat))
            .collect(),
    )
}

fn baseline(fed: &Federation, inst: &Installation, envs: &[schema::Envelope]) -> f64 {
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let tls = node::tls::TlsMaterial::load(&inst.settings().tls).unwrap();
    let client = reqwest::Client::builder()
        .tls_backend_preconfigured(tls.client_config().unwrap())
        .build()
        .unwrap();
    let url = format!("https://127.0.0.1:{}/api/v1/submissions", recv.port);
    let bodies: Vec<Vec<u8>> = envs.iter().map(schema::encode).collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let start = Instant::now();
    rt.block_on(async {
        for b in bodies {
            let r = client.post(&url).body(b).send().await.unwrap();
            assert!(r.status().is_success());
            r.bytes().await.unwrap();
        }
    });
    let rate = envs.len() as f64 / start.elapsed().as_secs_f64();
    assert_eq!(recv.stored(), envs.len());
    recv.stop();
    rate
}

fn drain(fed: &Federation, unit: &str, n: usize) -> (f64, Installation) {
    let recv = Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(unit, recv.port, "mat");
    let node = inst.open();
    queue(&inst, &node, n);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let start = Instant::now();
    let report = rt.block_on(node.pusher.push_once()).unwrap();
    let rate = n as f64 / start.elapsed().as_secs_f64();
    assert_eq!(report.delivered, n);
    assert_eq!(recv.stored(), n);
    recv.stop();
    (rate, inst)
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Starts `bmnn-node serve`, waits until it answers, requests a few pages, returns RSS in KiB.
fn serve_rss(inst: &Installation) -> u64 {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bmnn-node"))
        .args(["serve", "--config"])
        .arg(&inst.config)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .rsplit(':')
        .next()
        .unwrap()
        .trim()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let client = reqwest::blocking::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    support::wait_until(Duration::from_secs(30), "the node to answer", || {
        client
            .get(format!("{base}/health"))
            .send()
            .is_ok_and(|r| r.status().is_success())
    });
    for _ in 0..20 {
        for p in ["/health", "/dang-nhap"] {
            let _ = client.get(format!("{base}{p}")).send();
        }
    }
    let rss = (0..5).map(|_| rss_kib(child.id())).max().unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    rss
}

fn main() {
    let fed = Federation::new();
    let n = 2000;
    let (rate, _) = drain(&fed, "75.26041", n);
    let inst = fed.node("75.26044", 9, "mat");
    let node = inst.open();
    let envs = queue(&inst, &node, n);
    let base = baseline(&fed, &inst, &envs);

    let empty = fed.node("75.26047", 9, "mat");
    let idle_empty = serve_rss(&empty);
    let (_, big) = drain(&fed, "75.26050", 10_000);
    let idle_full = serve_rss(&big);

    println!("| measurement | value |");
    println!("|---|---|");
    println!("| baseline: bare reqwest POSTs, {n} envelopes, sequential | {base:.0} reports/s |");
    println!("| outbox drain (claim, send, verify receipt, store, mark), {n} reports | {rate:.0} reports/s |");
    println!(
        "| outbox drain relative to baseline | {:.0} % |",
        100.0 * rate / base
    );
    println!(
        "| `bmnn-node serve` RSS, empty store | {:.1} MiB |",
        idle_empty as f64 / 1024.0
    );
    println!(
        "| `bmnn-node serve` RSS, 10,000 stored reports | {:.1} MiB |",
        idle_full as f64 / 1024.0
    );
}
