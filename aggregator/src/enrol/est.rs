//! The EST endpoints (RFC 7030 §3.2.2 paths and semantics): `GET /.well-known/est/cacerts`
//! (the root and this CA, PEM), `POST /.well-known/est/simpleenroll` (a CSR with the one-time
//! code as the HTTP Basic password) on the `[enrolment]` listener, and `POST
//! /.well-known/est/simplereenroll` (a CSR, authenticated by the current certificate) on the
//! mutual-TLS ingest listener. Requests are PEM or base64 DER PKCS#10 (`application/pkcs10`);
//! answers are a PEM chain, leaf first (`application/pem-certificate-chain`, RFC 8555 §9.1)
//! instead of EST's PKCS#7 certs-only, so no CMS encoder is needed on either side.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::http::header;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use base64::Engine as _;

use super::{Enrolment, EstError};
use crate::ingest::{Ingest, Peer};

pub use node::enrol::{CACERTS_PATH, SIMPLEENROLL_PATH, SIMPLEREENROLL_PATH};
/// A CSR is a few hundred bytes; anything near this is not one.
const MAX_CSR_BYTES: usize = 16 * 1024;
const PEM_CHAIN: &str = "application/pem-certificate-chain";

/// The enrolment listener: server TLS only (the unit has no certificate yet).
pub fn server(
    enrolment: Arc<Enrolment>,
    listener: TcpListener,
    tls: rustls::ServerConfig,
) -> anyhow::Result<actix_web::dev::Server> {
    let data = web::Data::from(enrolment);
    Ok(HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .app_data(web::PayloadConfig::new(MAX_CSR_BYTES))
            .route(CACERTS_PATH, web::get().to(cacerts))
            .route(SIMPLEENROLL_PATH, web::post().to(simpleenroll))
            .route("/health", web::get().to(|| async { "ok" }))
    })
    .shutdown_timeout(5)
    .listen_rustls_0_23(listener, tls)?
    .run())
}

async fn cacerts(e: web::Data<Enrolment>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(PEM_CHAIN)
        .body(e.ca_certs_pem.clone())
}

async fn simpleenroll(
    req: HttpRequest,
    body: web::Bytes,
    e: web::Data<Enrolment>,
) -> Result<HttpResponse, EstError> {
    let code = basic_password(&req).ok_or_else(|| {
        EstError::BadRequest(
            "thiếu mã đăng ký / no enrolment code: send it as the HTTP Basic password".into(),
        )
    })?;
    let csr = csr_pem(&body)?;
    let e = e.into_inner();
    let signed = web::block(move || e.enrol(&code, &csr))
        .await
        .map_err(|err| EstError::Internal(anyhow::anyhow!("the enrolment task failed: {err}")))??;
    Ok(HttpResponse::Ok()
        .content_type(PEM_CHAIN)
        .body(signed.chain_pem))
}

/// `POST /.well-known/est/simplereenroll` on the ingest listener.
pub async fn simplereenroll(
    req: HttpRequest,
    body: web::Bytes,
    ingest: web::Data<Ingest>,
) -> Result<HttpResponse, actix_web::Error> {
    let Some(enrolment) = ingest.enrolment.clone() else {
        return Err(EstError::Disabled.into());
    };
    if Peer::of(&req).is_none() {
        return Err(EstError::NoClientCertificate.into());
    }
    let peer = crate::ingest::attachments::checked_child(&req, &ingest)?;
    let chain = Peer::chain(&req).unwrap_or_default();
    let serial = chain
        .first()
        .and_then(|leaf| config::pki::Serial::of_der(leaf).ok())
        .map(|s| s.to_string())
        .unwrap_or_default();
    if body.len() > MAX_CSR_BYTES {
        return Err(EstError::BadRequest("the request is too large".into()).into());
    }
    let csr = csr_pem(&body)?;
    let signed = web::block(move || enrolment.renew(&peer, &serial, &csr))
        .await
        .map_err(|err| EstError::Internal(anyhow::anyhow!("the renewal task failed: {err}")))??;
    Ok(HttpResponse::Ok()
        .content_type(PEM_CHAIN)
        .body(signed.chain_pem))
}

/// The password of an `Authorization: Basic` header.
fn basic_password(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    text.split_once(':').map(|(_, p)| p.to_string())
}

/// A CSR as PEM, from PEM or base64 DER.
fn csr_pem(body: &[u8]) -> Result<String, EstError> {
    let text = std::str::from_utf8(body)
        .map_err(|_| EstError::BadRequest("the request is not text (PEM or base64)".into()))?
        .trim();
    if text.starts_with("-----BEGIN") {
        return Ok(text.to_string());
    }
    let compact: String = text.split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| {
            EstError::BadRequest("the request is neither PEM nor base64 PKCS#10".into())
        })?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    Ok(format!(
        "-----BEGIN CERTIFICATE REQUEST-----\n{}\n-----END CERTIFICATE REQUEST-----\n",
        lines.join("\n")
    ))
}
