//! `PUT /api/v1/attachments/{hex}`: a child sends the bytes of a file its next submission
//! names, before the submission. The path is the file's SHA-256 in hex; the body is the file.
//! The bytes are stored only when they hash to the path and are a type the contract allows
//! (sniffed from the content), so a cut upload stores nothing and the child simply sends again;
//! an upload of a file already stored is answered at once. `HEAD` on the same path tells
//! whether the file is here, so a retry after a cut submission does not send it twice.
//!
//! Only units below this aggregator may upload (their certificate, checked against the CRLs of
//! now); uploads share the submissions' rate budget.

use actix_web::{web, HttpRequest, HttpResponse};
use schema::{Digest, MediaType, UnitId};

use super::{read_body, Ingest, IngestError, Peer};
use crate::store::requests;

/// The digest named by the path, as `sha256:<hex>`.
fn digest_of_path(req: &HttpRequest) -> Result<Digest, IngestError> {
    let hex = req.match_info().get("sha256").unwrap_or_default();
    Digest::parse(&format!("sha256:{hex}")).map_err(|_| {
        IngestError::AttachmentMismatch(format!(
            "«{}» is not a SHA-256 in lowercase hex",
            hex.chars().take(80).collect::<String>()
        ))
    })
}

/// The TLS client, which must be a unit below this aggregator with a certificate valid now
/// (re-checked against the CRLs of now: a keep-alive connection may outlive a revocation).
pub(crate) fn checked_child(req: &HttpRequest, ingest: &Ingest) -> Result<UnitId, IngestError> {
    let peer = Peer::of(req);
    if !ingest.limiter.allow(&peer) {
        return Err(IngestError::RateLimited);
    }
    let peer = peer.ok_or_else(|| IngestError::WrongPeer {
        peer: None,
        unit: ingest.unit.clone(),
    })?;
    if peer == ingest.unit || !ingest.unit.contains(&peer) {
        return Err(IngestError::OutsideSubtree {
            unit: peer,
            receiver: ingest.unit.clone(),
        });
    }
    let chain = Peer::chain(req).unwrap_or_default();
    ingest
        .trust
        .current()
        .verify_certificate(&chain, schema::UnixTime::now())
        .map_err(IngestError::Verify)?;
    Ok(peer)
}

pub async fn put(
    req: HttpRequest,
    payload: web::Payload,
    ingest: web::Data<Ingest>,
) -> Result<HttpResponse, IngestError> {
    let digest = digest_of_path(&req)?;
    checked_child(&req, &ingest)?;
    let body = read_body(&req, payload, ingest.max_attachment_bytes).await?;
    if Digest::of(&body) != digest {
        return Err(IngestError::AttachmentMismatch(format!(
            "the {} bytes received do not hash to {digest} (cut off? send again)",
            body.len()
        )));
    }
    let media = MediaType::sniff(&body).ok_or(IngestError::UnsupportedAttachment)?;
    let ingest = ingest.into_inner();
    let added = web::block(move || -> Result<bool, IngestError> {
        let mut conn = ingest.pool.get().map_err(anyhow::Error::from)?;
        Ok(requests::put_attachment(
            &mut conn,
            digest.as_str(),
            media.mime(),
            &body,
        )?)
    })
    .await
    .map_err(|e| IngestError::Internal(anyhow::anyhow!("the attachment task failed: {e}")))??;
    Ok(if added {
        HttpResponse::Created().finish()
    } else {
        HttpResponse::Ok().finish()
    })
}

pub async fn head(
    req: HttpRequest,
    ingest: web::Data<Ingest>,
) -> Result<HttpResponse, IngestError> {
    let digest = digest_of_path(&req)?;
    checked_child(&req, &ingest)?;
    let ingest = ingest.into_inner();
    let found = web::block(move || -> Result<bool, IngestError> {
        let mut conn = ingest.pool.get().map_err(anyhow::Error::from)?;
        let key = vec![digest.as_str().to_string()];
        Ok(!requests::present(&mut conn, &key)?.is_empty())
    })
    .await
    .map_err(|e| IngestError::Internal(anyhow::anyhow!("the attachment task failed: {e}")))??;
    Ok(if found {
        HttpResponse::Ok().finish()
    } else {
        HttpResponse::NotFound().finish()
    })
}
