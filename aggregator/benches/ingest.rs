//! `cargo bench -p aggregator --bench ingest`: sustained ingest of signed annual reports over
//! mutual TLS with keep-alive from 16 concurrent clients (16 communes of Đồng Nai, each its own
//! certificate; the province's registry loaded), into the real aggregator on SQLite and on
//! PostgreSQL (`BMNN_BENCH_POSTGRES`, default the local server; `none` skips it), beside, in
//! the same run: the ceiling, a bare actix-web + rustls endpoint with the same TLS
//! configuration that only reads the body and answers 200, and the floor, that endpoint doing
//! one Ed25519 verification and one signature per request. Prints Markdown tables (rate,
//! p50/p99 latency, CPU per request, ratio; then one submission's stages) for BENCHMARKS.md.

mod common;
#[path = "ingest/stages.rs"]
mod stages;
#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code)]
mod support;

use common::{median, row, Run};

use actix_web::{web, HttpResponse};
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair as _, UnparsedPublicKey, ED25519};
use node::tls::TlsMaterial;
use support::federation::Federation;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 250;
/// Each row is measured this many times, interleaved with the others; the median is shown.
const ROUNDS: usize = 3;

/// Every client's bodies of round `round`, as POSTs to `url`.
fn posts(clients: &[(reqwest::Client, Vec<Vec<u8>>)], url: &str, round: usize) -> Run {
    common::post_bodies(clients, url, round * PER_CLIENT..(round + 1) * PER_CLIENT)
}

/// The ceiling: read the body, answer 200, same TLS server configuration. Its second route,
/// the floor, also does the Ed25519 work every design must do per report: sign a receipt-sized
/// message and verify a signature over the body.
fn ceiling(tls: &TlsMaterial) -> (u16, actix_web::dev::ServerHandle) {
    let key = std::sync::Arc::new(ed25519_key());
    common::bare_server(tls.server_config().unwrap(), move |cfg| {
        let key = key.clone();
        cfg.route(
            "/floor",
            web::post().to(move |body: web::Bytes| {
                let key = key.clone();
                async move { HttpResponse::Ok().body(floor_work(&key, &body)) }
            }),
        );
    })
}

fn ed25519_key() -> Ed25519KeyPair {
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
}

/// One signature over the body verified (here: one the key just made, so it is genuine) and
/// one receipt-sized message signed: the least any verifying, receipting ingest must do.
fn floor_work(key: &Ed25519KeyPair, body: &[u8]) -> Vec<u8> {
    let sig = key.sign(body);
    UnparsedPublicKey::new(&ED25519, key.public_key().as_ref())
        .verify(body, sig.as_ref())
        .expect("a genuine signature verifies");
    let receipt = key.sign(&body[..body.len().min(600)]);
    receipt.as_ref().to_vec()
}

/// 16 clients' signed reports, each from one of the first 16 communes of province 75 (Đồng Nai).
fn clients(fed: &Federation) -> Vec<(reqwest::Client, Vec<Vec<u8>>)> {
    common::commune_clients(fed, CLIENTS, PER_CLIENT * ROUNDS)
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
    // As in production: the province's registry (2025 communes and their legacy history) is
    // loaded, so every report is checked against it.
    let mut conn = agg.pool.get().unwrap();
    let province = schema::UnitId::parse("75").unwrap();
    aggregator::registry::import_admin_units(&mut conn, &province, true).unwrap();
    drop(conn);
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
    let (mut top, mut floor, mut sqlite) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let bare = format!("https://127.0.0.1:{port}");
        top.push(posts(
            &clients_sqlite,
            &format!("{bare}/api/v1/submissions"),
            round,
        ));
        floor.push(posts(&clients_sqlite, &format!("{bare}/floor"), round));
        let url = agg.url("/api/v1/submissions");
        sqlite.push(posts(&clients_sqlite, &url, round));
    }
    assert_eq!(agg.stored(), (CLIENTS * PER_CLIENT * ROUNDS) as i64);
    actix_web::rt::System::new().block_on(handle.stop(true));
    drop(agg);

    // `BMNN_BENCH_POSTGRES=none` measures SQLite only (e.g. to profile it alone).
    let postgres = (pg != "none").then(|| {
        let (fed_pg, agg_pg) = federation(Some(&pg));
        let clients_pg = clients(&fed_pg);
        let url = agg_pg.url("/api/v1/submissions");
        let runs = (0..ROUNDS).map(|r| posts(&clients_pg, &url, r)).collect();
        assert_eq!(agg_pg.stored(), (CLIENTS * PER_CLIENT * ROUNDS) as i64);
        median(runs)
    });

    let (top, floor, sqlite) = (median(top), median(floor), median(sqlite));
    let stage_bodies: Vec<&[u8]> = clients_sqlite
        .iter()
        .flat_map(|(_, bodies)| bodies.iter().take(PER_CLIENT).map(Vec::as_slice))
        .collect();
    let n = CLIENTS * PER_CLIENT;
    println!(
        "| {n} signed annual reports, {CLIENTS} clients, keep-alive (median of {ROUNDS}) | reports/s | p50 | p99 | CPU per report | ratio |"
    );
    println!("|---|---|---|---|---|---|");
    let rows = [
        (
            "ceiling: bare actix-web + rustls, reads body, 200",
            Some(&top),
        ),
        (
            "floor: the ceiling + one Ed25519 verification and one signature",
            Some(&floor),
        ),
        (
            "aggregator on SQLite: verify, validate, store, sign receipt",
            Some(&sqlite),
        ),
        (
            "aggregator on PostgreSQL: verify, validate, store, sign receipt",
            postgres.as_ref(),
        ),
    ];
    for (label, run) in rows {
        let Some(run) = run else { continue };
        println!("{}", row(label, run, &top));
    }
    stages::print(
        &stage_bodies,
        &agg_tls.trust().unwrap(),
        &agg_tls.signer().unwrap(),
    );
}
