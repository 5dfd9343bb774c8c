//! `cargo bench -p aggregator --bench ingest`: sustained ingest of signed annual reports over
//! mutual TLS with keep-alive from 16 concurrent clients (each its own unit and certificate),
//! into the real aggregator on SQLite and on PostgreSQL (`BMNN_BENCH_POSTGRES`, default the
//! local server), beside the ceiling measured in the same run: a bare
//! actix-web + rustls endpoint with the same TLS configuration that only reads the body and
//! answers 200. Prints a Markdown table (rate, p50/p99 latency, ratio) for BENCHMARKS.md.

#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code)]
mod support;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use node::tls::TlsMaterial;
use support::federation::{client, Federation};
use support::report::annual;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 250;

struct Run {
    rate: f64,
    p50: Duration,
    p99: Duration,
}

/// Sends every client's bodies to `url`, the clients concurrently, each sequentially.
fn drive(clients: &[(reqwest::Client, Vec<Vec<u8>>)], url: &str) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let mut lat: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = clients
            .iter()
            .map(|(c, bodies)| {
                let (c, bodies, url) = (c.clone(), bodies.clone(), url.to_string());
                tokio::spawn(async move {
                    let mut out = Vec::with_capacity(bodies.len());
                    for b in bodies {
                        let t = Instant::now();
                        let r = c.post(&url).body(b).send().await.unwrap();
                        assert!(r.status().is_success(), "{}", r.status());
                        r.bytes().await.unwrap();
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
    let rate = lat.len() as f64 / start.elapsed().as_secs_f64();
    lat.sort();
    Run {
        rate,
        p50: lat[lat.len() / 2],
        p99: lat[lat.len() * 99 / 100],
    }
}

/// The ceiling: read the body, answer 200, same TLS server configuration.
fn ceiling(tls: &TlsMaterial) -> (u16, actix_web::dev::ServerHandle) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let config = tls.server_config().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(|| {
                App::new().app_data(web::PayloadConfig::new(8 << 20)).route(
                    "/api/v1/submissions",
                    web::post().to(|body: web::Bytes| async move {
                        HttpResponse::Ok().body(format!("{}", body.len()))
                    }),
                )
            })
            .listen_rustls_0_23(listener, config)
            .unwrap()
            .run();
            tx.send(server.handle()).unwrap();
            let _ = server.await;
        })
    });
    (port, rx.recv().unwrap())
}

/// 16 clients' signed reports for `fed`'s province 75.
fn clients(fed: &Federation) -> Vec<(reqwest::Client, Vec<Vec<u8>>)> {
    (0..CLIENTS)
        .map(|i| {
            let unit = format!("75.{:05}", 26041 + i);
            let (_, tls) = fed.leaf(&unit);
            let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
            let bodies: Vec<Vec<u8>> = (0..PER_CLIENT)
                .map(|_| schema::encode(&schema::Envelope::sign(annual(&unit), &signer).unwrap()))
                .collect();
            (client(&tls, true), bodies)
        })
        .collect()
}

/// A fresh federation whose aggregator stores in SQLite, or in a new PostgreSQL database on
/// `pg` (the test support reads `BMNN_TEST_POSTGRES`).
fn federation(pg: Option<&str>) -> (Federation, Aggregator) {
    // Single-threaded at this point: nothing else reads the environment concurrently.
    match pg {
        Some(url) => std::env::set_var(support_testdb::ENV, url),
        None => std::env::remove_var(support_testdb::ENV),
    }
    let fed = Federation::new();
    let agg = fed.aggregator_with(
        "75",
        "https://a03.bca.example.vn/",
        8 << 20,
        "rate_per_second = 100000\nrate_burst = 100000",
    );
    (fed, agg)
}

use aggregator::store::testdb as support_testdb;
use support::federation::Aggregator;

fn main() {
    let pg = std::env::var("BMNN_BENCH_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
    let (fed, agg) = federation(None);
    let clients_sqlite = clients(&fed);
    let agg_settings =
        config::settings::AggregatorSettings::load_from(&agg.config, std::iter::empty()).unwrap();
    let agg_tls = TlsMaterial::load(&agg_settings.tls).unwrap();
    let (port, handle) = ceiling(&agg_tls);
    let top = drive(
        &clients_sqlite,
        &format!("https://127.0.0.1:{port}/api/v1/submissions"),
    );
    let sqlite = drive(&clients_sqlite, &agg.url("/api/v1/submissions"));
    assert_eq!(agg.stored(), (CLIENTS * PER_CLIENT) as i64);
    actix_web::rt::System::new().block_on(handle.stop(true));
    drop(agg);

    let (fed_pg, agg_pg) = federation(Some(&pg));
    let clients_pg = clients(&fed_pg);
    let postgres = drive(&clients_pg, &agg_pg.url("/api/v1/submissions"));
    assert_eq!(agg_pg.stored(), (CLIENTS * PER_CLIENT) as i64);

    let n = CLIENTS * PER_CLIENT;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "| {n} signed annual reports, {CLIENTS} clients, keep-alive | reports/s | p50 | p99 | ratio |"
    );
    println!("|---|---|---|---|---|");
    println!(
        "| ceiling: bare actix-web + rustls, reads body, 200 | {:.0} | {:.1} ms | {:.1} ms | 1 |",
        top.rate,
        ms(top.p50),
        ms(top.p99)
    );
    for (label, run) in [("SQLite", &sqlite), ("PostgreSQL", &postgres)] {
        println!(
            "| aggregator on {label}: verify, validate, store, sign receipt | {:.0} | {:.1} ms | {:.1} ms | {:.2} |",
            run.rate,
            ms(run.p50),
            ms(run.p99),
            run.rate / top.rate
        );
    }
}
