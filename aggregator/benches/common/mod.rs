//! What the aggregator's HTTP benchmarks share: driving concurrent keep-alive clients, each
//! sending its requests one after the other, and the figures of a run (rate, p50 and p99
//! latency, CPU per request, all processes of the run being this one); and the communes of
//! Đồng Nai as signing clients, each with its own certificate.
#![allow(dead_code)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};

pub struct Run {
    /// Process CPU time (clients, TLS and server together) per request.
    pub cpu_us: f64,
    pub rate: f64,
    pub p50: Duration,
    pub p99: Duration,
}

/// Sends every client's requests, the clients concurrently, each sequentially; every answer
/// must be a success and is read to the end.
pub fn drive(clients: Vec<(reqwest::Client, Vec<reqwest::Request>)>) -> Run {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let cpu0 = cpu_time();
    let mut lat: Vec<Duration> = rt.block_on(async {
        let tasks: Vec<_> = clients
            .into_iter()
            .map(|(c, requests)| {
                tokio::spawn(async move {
                    let mut out = Vec::with_capacity(requests.len());
                    for req in requests {
                        let t = Instant::now();
                        let r = c.execute(req).await.unwrap();
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
    let cpu_us = (cpu_time() - cpu0) * 1e6 / lat.len() as f64;
    lat.sort();
    Run {
        cpu_us,
        rate,
        p50: lat[lat.len() / 2],
        p99: lat[lat.len() * 99 / 100],
    }
}

/// This process's user + system CPU seconds so far (Linux `/proc/self/stat`, 100 ticks/s).
pub fn cpu_time() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or_default();
    let f: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

/// The median run by rate.
pub fn median(mut runs: Vec<Run>) -> Run {
    runs.sort_by(|a, b| a.rate.total_cmp(&b.rate));
    runs.swap_remove(runs.len() / 2)
}

/// One Markdown row: rate, p50, p99, CPU per request, ratio to `top`.
pub fn row(label: &str, run: &Run, top: &Run) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "| {label} | {:.0} | {:.1} ms | {:.1} ms | {:.0} µs | {:.2} |",
        run.rate,
        ms(run.p50),
        ms(run.p99),
        run.cpu_us,
        run.rate / top.rate
    )
}

/// The bare endpoint the benches measure against: actix-web + rustls with `config` (the
/// aggregator's own TLS configuration), `POST /api/v1/submissions` reading the body and
/// answering its length, `GET /api/v1/notices` answering an empty page, plus `extra` routes.
/// Runs on a thread of its own; its port and a handle to stop it.
pub fn bare_server<F>(config: rustls::ServerConfig, extra: F) -> (u16, actix_web::dev::ServerHandle)
where
    F: Fn(&mut web::ServiceConfig) + Clone + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = HttpServer::new(move || {
                App::new()
                    .app_data(web::PayloadConfig::new(8 << 20))
                    .route(
                        "/api/v1/submissions",
                        web::post().to(|body: web::Bytes| async move {
                            HttpResponse::Ok().body(format!("{}", body.len()))
                        }),
                    )
                    .route(
                        "/api/v1/notices",
                        web::get().to(|| async {
                            HttpResponse::Ok().body(r#"{"more":false,"next":0,"notices":[]}"#)
                        }),
                    )
                    .configure(extra.clone())
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

/// The first `n` communes of Đồng Nai (75), each with its own certificate and `reports`
/// signed annual reports (distinct report ids), as (client, bodies).
pub fn commune_clients(
    fed: &crate::support::federation::Federation,
    n: usize,
    reports: usize,
) -> Vec<(reqwest::Client, Vec<Vec<u8>>)> {
    let province = schema::UnitId::parse("75").unwrap();
    config::units::AdminUnits::embedded()
        .communes_of(&province)
        .take(n)
        .map(|commune| {
            let unit = commune.id.to_string();
            let (_, tls) = fed.leaf(&unit);
            let signer = node::tls::TlsMaterial::load(&tls)
                .unwrap()
                .signer()
                .unwrap();
            let bodies = (0..reports)
                .map(|_| {
                    let sub = crate::support::report::annual(&unit);
                    schema::encode(&schema::Envelope::sign(sub, &signer).unwrap())
                })
                .collect();
            (crate::support::federation::client(&tls, true), bodies)
        })
        .collect()
}

/// Every client's bodies `range`, POSTed to `url` (the clients concurrently).
pub fn post_bodies(
    clients: &[(reqwest::Client, Vec<Vec<u8>>)],
    url: &str,
    range: std::ops::Range<usize>,
) -> Run {
    let requests = clients
        .iter()
        .map(|(c, bodies)| {
            let reqs = bodies[range.clone()]
                .iter()
                .map(|b| c.post(url).body(b.clone()).build().unwrap())
                .collect();
            (c.clone(), reqs)
        })
        .collect();
    drive(requests)
}
