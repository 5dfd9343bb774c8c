//! `cargo bench -p aggregator --bench notices`: the downlink's pull, `GET /api/v1/notices`,
//! over mutual TLS with keep-alive from 16 concurrent clients (16 communes of Đồng Nai, each
//! its own certificate) on the real aggregator (SQLite), whose store holds 10 notices for each
//! of 5,000 units (50,000 signed notices). Beside it, in the same run: the ceiling, a bare
//! actix-web + rustls endpoint with the same TLS configuration answering 200 to the same GET,
//! and the ingest's ceiling (the same endpoint reading a signed annual report's body), so the
//! pull's cost reads against the ingest's figures in BENCHMARKS.md. Prints a Markdown table.

mod common;
#[path = "../tests/it/support/mod.rs"]
#[allow(dead_code)]
mod support;

use common::{drive, median, row, Run};
use node::tls::TlsMaterial;
use schema::{Addressee, Notice, NoticeBody, NoticeId, NoticeKind, Protocol, Signer, UnitId};
use support::federation::{client, Aggregator, Federation};
use support::report::annual;

const CLIENTS: usize = 16;
const PER_CLIENT: usize = 250;
const ROUNDS: usize = 3;
const UNITS: usize = 5_000;
const PER_UNIT: usize = 10;

fn notice(issuer: &Signer, unit: &UnitId, n: usize) -> Notice {
    let body = NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: issuer.unit().clone(),
        addressee: Addressee::Unit { unit: unit.clone() },
        issued_at: node::web::layout::now_local(),
        kind: NoticeKind::parse("bulletin").unwrap(),
        payload: serde_json::json!({ "so": format!("{n}/CV-BCĐ"), "trich_yeu": "Về việc quán triệt Chỉ thị số 02/CT-TTg" }),
    };
    Notice::sign(body, issuer).unwrap()
}

/// 10 notices for each of the 16 clients' communes and 4,984 other units, interleaved as a
/// province would issue them, stored in one transaction per unit round.
fn fill(agg: &Aggregator, signer: &Signer, clients: &[UnitId]) {
    let mut units: Vec<UnitId> = clients.to_vec();
    units.extend((units.len()..UNITS).map(|i| UnitId::parse(&format!("75/don-vi-{i}")).unwrap()));
    let mut c = agg.pool.get().unwrap();
    for n in 0..PER_UNIT {
        let batch: Vec<Notice> = units.iter().map(|u| notice(signer, u, n)).collect();
        c.write_transaction(|c| {
            aggregator::store::notices::lock(c)?;
            for x in &batch {
                aggregator::store::notices::insert_new(c, x)?;
            }
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    }
}

fn gets(clients: &[(reqwest::Client, UnitId)], url: &str) -> Run {
    drive(
        clients
            .iter()
            .map(|(c, _)| {
                (
                    c.clone(),
                    (0..PER_CLIENT)
                        .map(|_| c.get(url).build().unwrap())
                        .collect(),
                )
            })
            .collect(),
    )
}

fn main() {
    let fed = Federation::new();
    let agg = fed.aggregator_with(
        "75",
        "https://a03.bca.example.vn/",
        8 << 20,
        "rate_per_second = 100000\nrate_burst = 100000",
    );
    let settings =
        config::settings::AggregatorSettings::load_from(&agg.config, std::iter::empty()).unwrap();
    let tls = TlsMaterial::load(&settings.tls).unwrap();
    let communes: Vec<(reqwest::Client, UnitId, Vec<u8>)> = config::units::AdminUnits::embedded()
        .communes_of(&UnitId::parse("75").unwrap())
        .take(CLIENTS)
        .map(|commune| {
            let unit = commune.id.to_string();
            let (_, leaf) = fed.leaf(&unit);
            let signer = TlsMaterial::load(&leaf).unwrap().signer().unwrap();
            let body = schema::encode(&schema::Envelope::sign(annual(&unit), &signer).unwrap());
            (client(&leaf, true), commune.id.clone(), body)
        })
        .collect();
    let clients: Vec<(reqwest::Client, UnitId)> = communes
        .iter()
        .map(|(c, u, _)| (c.clone(), u.clone()))
        .collect();
    let ids: Vec<UnitId> = clients.iter().map(|(_, u)| u.clone()).collect();
    let (port, handle) = common::bare_server(tls.server_config().unwrap(), |_| {});
    let bare = format!("https://127.0.0.1:{port}");
    let ingest_ceiling = || {
        drive(
            communes
                .iter()
                .map(|(c, _, b)| {
                    let url = format!("{bare}/api/v1/submissions");
                    (
                        c.clone(),
                        (0..PER_CLIENT)
                            .map(|_| c.post(&url).body(b.clone()).build().unwrap())
                            .collect(),
                    )
                })
                .collect(),
        )
    };
    let (mut top, mut post_top, mut empty) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        top.push(gets(&clients, &format!("{bare}/api/v1/notices?after=0")));
        post_top.push(ingest_ceiling());
        empty.push(gets(&clients, &agg.url("/api/v1/notices?after=0")));
    }
    fill(&agg, &tls.signer().unwrap(), &ids);
    let last = aggregator::store::notices::last_seq(&mut agg.pool.get().unwrap()).unwrap();
    let (mut first, mut caught_up) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        first.push(gets(&clients, &agg.url("/api/v1/notices?after=0")));
        caught_up.push(gets(
            &clients,
            &agg.url(&format!("/api/v1/notices?after={last}")),
        ));
    }
    actix_web::rt::System::new().block_on(handle.stop(true));
    let top = median(top);
    println!(
        "| {} pulls, {CLIENTS} clients, keep-alive (median of {ROUNDS}) | pulls/s | p50 | p99 | CPU per pull | ratio |",
        CLIENTS * PER_CLIENT
    );
    println!("|---|---|---|---|---|---|");
    println!(
        "{}",
        row(
            "ceiling: bare actix-web + rustls, GET, fixed 200",
            &top,
            &top
        )
    );
    println!(
        "{}",
        row(
            "ingest's ceiling: the same, POST of a signed annual report (reads the body)",
            &median(post_top),
            &top
        )
    );
    println!(
        "{}",
        row(
            "aggregator, empty store: an empty page",
            &median(empty),
            &top
        )
    );
    println!("{}", row(&format!("aggregator, {} notices ({PER_UNIT} each for {UNITS} units): a unit's first pull, its {PER_UNIT} notices", last), &median(first), &top));
    println!(
        "{}",
        row(
            "aggregator, the same store, cursor at the end: an empty page",
            &median(caught_up),
            &top
        )
    );
}
