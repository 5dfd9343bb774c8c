//! `GET /api/v1/notices?after=<cursor>`: a child pulls the notices that concern it. The
//! child is the TLS peer (its certificate's unit), which must be below this aggregator. The
//! answer is a `NoticePage`: up to `MAX_NOTICE_PAGE` notices after the cursor that are
//! addressed to the child or a unit under it, in sequence order, each exactly as stored
//! (countersigned here if it came from above), and the cursor to ask with next. A cursor
//! beyond every notice given out is refused with `cursor_ahead`, so a child whose parent was
//! restored from an older backup notices it and starts again from 0. The client's
//! certificate is checked again against the current CRLs on every pull, so a connection opened
//! before a revocation pulls nothing after it.

use actix_web::{web, HttpRequest, HttpResponse};
use schema::{UnitId, MAX_NOTICE_PAGE};

use super::{Ingest, IngestError};
use crate::store::notices;

/// The `after` parameter; absent means 0.
pub fn parse_after(query: &str) -> Result<u64, IngestError> {
    let mut after = 0;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "after" => {
                after = v
                    .parse::<u64>()
                    .ok()
                    .filter(|n| i64::try_from(*n).is_ok())
                    .ok_or_else(|| IngestError::BadCursor(v.chars().take(40).collect()))?
            }
            _ => return Err(IngestError::BadCursor(format!("unknown parameter `{k}`"))),
        }
    }
    Ok(after)
}

pub async fn pull(
    req: HttpRequest,
    ingest: web::Data<Ingest>,
) -> Result<HttpResponse, IngestError> {
    let after = parse_after(req.query_string())?;
    let peer = super::attachments::checked_child(&req, &ingest)?;
    let ingest = ingest.into_inner();
    let body = web::block(move || ingest.notices_for(&peer, after))
        .await
        .map_err(|e| IngestError::Internal(anyhow::anyhow!("the notices task failed: {e}")))??;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(body))
}

impl Ingest {
    /// The page of notices for `peer` after `after`, as JSON (canonical member order).
    pub fn notices_for(&self, peer: &UnitId, after: u64) -> Result<Vec<u8>, IngestError> {
        let mut conn = self.pool.get().map_err(anyhow::Error::from)?;
        let last = notices::last_seq(&mut conn)?.max(0) as u64;
        if after > last {
            return Err(IngestError::CursorAhead { after, last });
        }
        let limit = MAX_NOTICE_PAGE as i64;
        let rows = notices::after_for(&mut conn, peer.as_str(), after as i64, limit)?;
        let more = rows.len() as i64 == limit;
        let scanned = rows.last().map_or(0, |r| r.seq as u64);
        let next = if more { scanned } else { last.max(scanned) };
        let mut body =
            Vec::with_capacity(rows.iter().map(|r| r.envelope.len() + 1).sum::<usize>() + 64);
        body.extend_from_slice(
            format!("{{\"more\":{more},\"next\":{next},\"notices\":[").as_bytes(),
        );
        let mut first = true;
        for r in rows.iter().filter(|r| notices::concerns(r, peer)) {
            if !first {
                body.push(b',');
            }
            first = false;
            body.extend_from_slice(r.envelope.as_bytes());
        }
        body.extend_from_slice(b"]}");
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_parameter_is_checked() {
        assert_eq!(parse_after("").unwrap(), 0);
        assert_eq!(parse_after("after=42").unwrap(), 42);
        for bad in [
            "after=-1",
            "after=x",
            "after=99999999999999999999",
            "after=1&x=2",
        ] {
            assert_eq!(parse_after(bad).unwrap_err().code(), "bad_cursor", "{bad}");
        }
    }
}
