//! The ingest service: where children submit. actix-web over rustls with client certificates
//! required (national root, CRLs); `POST /api/v1/submissions` takes a JSON envelope and answers
//! `200` with a signed `Receipt` or an error (see [`error`]); `GET /api/v1/notices?after=`
//! is the downlink, where children pull their notices ([`notices`]); `GET /health` answers
//! `ok`.
//!
//! The body is read here, up to `[server] max_body_bytes` (413 beyond; a moderately oversized
//! body is drained first so the client reads the answer instead of a reset connection); the
//! rest runs on a blocking thread ([`process`]). Report content is never logged at info level.
//! Every refusal is written to the hash-chained audit log (code and peer), every acceptance
//! too (in the storing transaction); each client has a rate budget ([`limit`]).

pub mod attachments;
pub mod batch;
pub mod error;
pub mod limit;
pub mod notices;
pub mod peer;
mod pipelined;
pub mod process;
pub mod subtree;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::StreamExt as _;
use schema::{Signer, UnitId, MAX_ENVELOPE_BYTES};

pub use error::IngestError;
pub use peer::Peer;

use crate::store::DbPool;

/// Where children POST their envelopes (the node's `upstream::SUBMISSIONS_PATH`).
pub const SUBMISSIONS_PATH: &str = node::upstream::SUBMISSIONS_PATH;
/// Where children pull their notices (the node's `upstream::NOTICES_PATH`).
pub const NOTICES_PATH: &str = node::upstream::NOTICES_PATH;
/// Where children upload attached files before the submission that names them.
pub const ATTACHMENTS_PATH: &str = node::upstream::ATTACHMENTS_PATH;

/// Bodies up to this size are read to the end (and dropped) before answering 413.
const DRAIN_LIMIT: u64 = 2 * MAX_ENVELOPE_BYTES as u64;

/// What the handlers share: who we are, what we trust, where we store.
pub struct Ingest {
    /// This aggregator's unit: the receiver named in every receipt.
    pub unit: UnitId,
    pub signer: Signer,
    /// The root and the CRLs, kept current while running.
    pub trust: Arc<node::trust::LiveTrust>,
    pub pool: DbPool,
    pub max_body_bytes: u64,
    /// Largest attachment a child may upload (`[attachments] max_file_bytes`).
    pub max_attachment_bytes: u64,
    /// The upstream side, if this aggregator has a parent.
    pub relay: Option<crate::relay::Relay>,
    /// Per-client rate limit.
    pub limiter: limit::RateLimiter,
    /// The rule packs reports are checked against.
    pub rules: Arc<node::rulebook::LiveRules>,
    /// Group commit of verified submissions.
    pub batch: batch::Batcher,
    /// The registry's answers to "is this unit under us during this period?".
    pub subtree: subtree::SubtreeCache,
    /// Renewal of the children's certificates (`[enrolment]`), if this aggregator signs.
    pub enrolment: Option<Arc<crate::enrol::Enrolment>>,
}

impl Ingest {
    /// The ingest of the aggregator `settings` describe, storing in `pool`.
    pub fn new(
        settings: &config::settings::AggregatorSettings,
        signer: Signer,
        trust: Arc<node::trust::LiveTrust>,
        pool: DbPool,
        relay: Option<crate::relay::Relay>,
        rules: Arc<node::rulebook::LiveRules>,
    ) -> Self {
        Self {
            unit: settings.unit.id.clone(),
            signer,
            trust,
            pool,
            max_body_bytes: settings.server.max_body_bytes,
            max_attachment_bytes: settings.attachments.max_file_bytes,
            relay,
            rules,
            batch: batch::Batcher::new(&crate::store::database_url(settings)),
            subtree: Default::default(),
            enrolment: None,
            limiter: limit::RateLimiter::new(
                settings.server.rate_per_second,
                settings.server.rate_burst,
            ),
        }
    }
}

impl std::fmt::Debug for Ingest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ingest")
            .field("unit", &self.unit)
            .field("max_body_bytes", &self.max_body_bytes)
            .finish_non_exhaustive()
    }
}

/// Builds the mTLS server on `listener` (already bound) with `tls` (which must require client
/// certificates: `TlsMaterial::server_config`).
pub fn server(
    ingest: Arc<Ingest>,
    listener: TcpListener,
    tls: rustls::ServerConfig,
) -> anyhow::Result<actix_web::dev::Server> {
    let data = web::Data::from(ingest);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/health", web::get().to(health))
            .route("/api/v1/openapi.json", web::get().to(crate::openapi::serve))
            .service(
                web::resource(SUBMISSIONS_PATH)
                    .route(web::post().to(submit))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource(format!("{ATTACHMENTS_PATH}/{{sha256}}"))
                    .route(web::put().to(attachments::put))
                    .route(web::head().to(attachments::head))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource(crate::enrol::est::SIMPLEREENROLL_PATH)
                    .route(web::post().to(crate::enrol::est::simplereenroll))
                    .default_service(web::to(method_not_allowed)),
            )
            .service(
                web::resource(NOTICES_PATH)
                    .route(web::get().to(notices::pull))
                    .default_service(web::to(method_not_allowed)),
            )
            .default_service(web::to(not_found))
    })
    .on_connect(peer::on_connect)
    .shutdown_timeout(5)
    .listen_rustls_0_23(listener, tls)?
    .run();
    Ok(server)
}

async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn not_found() -> Result<HttpResponse, IngestError> {
    Err(IngestError::NotFound)
}

async fn method_not_allowed() -> Result<HttpResponse, IngestError> {
    Err(IngestError::MethodNotAllowed)
}

async fn submit(
    req: HttpRequest,
    payload: web::Payload,
    ingest: web::Data<Ingest>,
) -> Result<HttpResponse, IngestError> {
    let peer = Peer::of(&req);
    let for_audit = ingest.clone().into_inner();
    let result = async {
        let body = read_body(&req, payload, ingest.max_body_bytes).await?;
        let ingest = ingest.into_inner();
        let peer = peer.clone();
        web::block(move || ingest.process(peer, &body))
            .await
            .map_err(|e| IngestError::Internal(anyhow::anyhow!("the ingest task failed: {e}")))?
    }
    .await;
    match result {
        Ok(receipt) => Ok(HttpResponse::Ok()
            .content_type("application/json")
            .body(schema::encode(&receipt))),
        Err(e) => {
            // The code only: messages may quote what was sent.
            let peer_label = peer.as_ref().map_or_else(String::new, UnitId::to_string);
            tracing::info!(code = e.code(), peer = %peer_label, "submission refused");
            let code = e.code();
            let _ = web::block(move || for_audit.record_refusal(&peer, code)).await;
            Err(e)
        }
    }
}

/// Reads the body up to `limit` bytes; beyond it, drains what a sane client may still send
/// (up to [`DRAIN_LIMIT`]) and refuses with `too_large`.
pub(crate) async fn read_body(
    req: &HttpRequest,
    mut payload: web::Payload,
    limit: u64,
) -> Result<web::Bytes, IngestError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let drain = DRAIN_LIMIT.max(limit);
    if declared.is_some_and(|n| n > drain) {
        return Err(IngestError::TooLarge { limit });
    }
    let mut body = web::BytesMut::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            IngestError::Malformed(schema::FieldError::new(
                "",
                format!("the request body could not be read: {e}"),
            ))
        })?;
        seen += chunk.len() as u64;
        if seen > drain {
            break;
        }
        if seen <= limit {
            body.extend_from_slice(&chunk);
        }
    }
    if seen > limit {
        return Err(IngestError::TooLarge { limit });
    }
    Ok(body.freeze())
}
