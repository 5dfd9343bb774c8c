//! A receiving server standing in for the province's aggregator: actix-web over rustls with
//! client certificates required (national root, CRL), envelope verification, the subtree
//! rule, idempotent storage (same id + digest = duplicate), and signed receipts. Faults can be
//! switched on: answer 503, hang after storing (so the node's request times out), or reject.

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpResponse, HttpServer};
use config::settings::TlsSection;
use node::tls::TlsMaterial;
use schema::*;

#[derive(Default)]
pub struct Faults {
    /// Answer this many requests with 503.
    pub unavailable: AtomicUsize,
    /// Store, then hang this many requests past the client's timeout.
    pub hang_after_store: AtomicUsize,
    /// Reject everything with 422.
    pub reject_all: AtomicBool,
}

#[derive(Default)]
pub struct Store {
    /// report id → digest
    pub reports: HashMap<String, String>,
    /// Report ids in arrival order (first storage only).
    pub order: Vec<String>,
    /// Every request that reached the handler.
    pub requests: usize,
}

struct State {
    unit: UnitId,
    signer: Signer,
    trust: Trust,
    store: Arc<Mutex<Store>>,
    faults: Arc<Faults>,
}

pub struct Receiver {
    pub port: u16,
    pub store: Arc<Mutex<Store>>,
    pub faults: Arc<Faults>,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Receiver {
    /// Starts on `port` (0 for any) with the aggregator's TLS material.
    pub fn start(tls: &TlsSection, port: u16) -> Self {
        let material = TlsMaterial::load(tls).unwrap();
        let server_config = material.server_config().unwrap();
        let store = Arc::new(Mutex::new(Store::default()));
        let faults = Arc::new(Faults::default());
        let state = web::Data::new(State {
            unit: UnitId::parse("75").unwrap(),
            signer: material.signer().unwrap(),
            trust: material.trust().unwrap(),
            store: store.clone(),
            faults: faults.clone(),
        });
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(state.clone())
                        .app_data(web::PayloadConfig::new(MAX_ENVELOPE_BYTES))
                        .route("/api/v1/submissions", web::post().to(submit))
                })
                .workers(2)
                .shutdown_timeout(1)
                .listen_rustls_0_23(listener, server_config)
                .unwrap()
                .run();
                tx.send(server.handle()).unwrap();
                let _ = server.await;
            })
        });
        let handle = rx.recv().unwrap();
        Self {
            port,
            store,
            faults,
            handle,
            thread: Some(thread),
        }
    }

    pub fn stored(&self) -> usize {
        self.store.lock().unwrap().reports.len()
    }

    pub fn requests(&self) -> usize {
        self.store.lock().unwrap().requests
    }

    pub fn stop(mut self) {
        // On a thread of its own, so it also works from inside an async test.
        let handle = self.handle.clone();
        std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)))
            .join()
            .unwrap();
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

fn error(status: actix_web::http::StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .json(serde_json::json!({"error": {"code": code, "message": message}}))
}

fn take(counter: &AtomicUsize) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

async fn submit(state: web::Data<State>, body: web::Bytes) -> HttpResponse {
    use actix_web::http::StatusCode;
    state.store.lock().unwrap().requests += 1;
    if take(&state.faults.unavailable) {
        return error(StatusCode::SERVICE_UNAVAILABLE, "unavailable", "try later");
    }
    if state.faults.reject_all.load(Ordering::SeqCst) {
        return error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_report",
            "Thiếu mục a) trong báo cáo",
        );
    }
    let env: Envelope = match decode(&body) {
        Ok(e) => e,
        Err(e) => return error(StatusCode::BAD_REQUEST, "malformed", &e.to_string()),
    };
    let verified = match env.verify(&state.trust, UnixTime::now()) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::FORBIDDEN, e.code(), &e.to_string()),
    };
    if !state.unit.contains(&env.body.unit) {
        return error(
            StatusCode::FORBIDDEN,
            "outside_subtree",
            "unit is not under this aggregator",
        );
    }
    let outcome = {
        let mut store = state.store.lock().unwrap();
        let id = env.body.report_id.to_string();
        match store.reports.get(&id) {
            None => {
                store
                    .reports
                    .insert(id.clone(), verified.digest.to_string());
                store.order.push(id);
                ReceiptOutcome::Accepted
            }
            Some(d) if *d == verified.digest.to_string() => ReceiptOutcome::Duplicate,
            Some(_) => {
                return error(
                    StatusCode::CONFLICT,
                    "conflict",
                    "another version is stored",
                )
            }
        }
    };
    if take(&state.faults.hang_after_store) {
        actix_web::rt::time::sleep(Duration::from_secs(5)).await;
    }
    let receipt = Receipt::sign(
        ReceiptBody {
            protocol: Protocol::V1,
            report_id: env.body.report_id.clone(),
            digest: verified.digest,
            unit: env.body.unit.clone(),
            receiver: state.unit.clone(),
            received_at: chrono::Utc::now()
                .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap()),
            outcome,
        },
        &state.signer,
    )
    .unwrap();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(encode(&receipt))
}
