//! The OpenAPI document: `docs/openapi.json` is generated from the code (this fails when it is
//! stale), it is OpenAPI 3.1 whose references all resolve, it knows every `IngestError` code
//! with its status, and the running aggregator serves it over mutual TLS.
//! Regenerate with `BMNN_REGENERATE=1 cargo test -p aggregator --test it openapi`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use actix_web::ResponseError as _;
use aggregator::ingest::IngestError;
use aggregator::openapi::{openapi_json, OPENAPI_PATH};
use schema::{FieldError, FieldErrors, ReportingPeriod, UnitId, VerifyError};
use serde_json::Value;

use crate::support::federation::{client, Federation};
use crate::support::runtime;

#[test]
fn committed_openapi_document_is_up_to_date() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/openapi.json");
    let fresh = openapi_json();
    if std::env::var_os("BMNN_REGENERATE").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "docs/openapi.json is stale: run `BMNN_REGENERATE=1 cargo test -p aggregator --test it openapi` and commit it"
    );
}

#[test]
fn document_is_openapi_3_1_and_every_reference_resolves() {
    let doc: Value = serde_json::from_str(&openapi_json()).unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1"), "{version}");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in ["Envelope", "Receipt", "ErrorResponse", "ErrorCode"] {
        assert!(schemas.contains_key(name), "no component schema `{name}`");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["mutualTLS"]["type"],
        "mutualTLS"
    );

    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 50, "only {} references", refs.len());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("`{r}` does not point into components/schemas"));
        assert!(schemas.contains_key(name), "`{r}` does not resolve");
    }

    let paths = doc["paths"].as_object().unwrap();
    let listed: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let expected = BTreeSet::from([
        "/api/v1/submissions",
        "/api/v1/notices",
        "/api/v1/attachments/{sha256}",
        "/health",
        OPENAPI_PATH,
    ]);
    assert_eq!(listed, expected);
    let post = &paths["/api/v1/submissions"]["post"];
    assert_eq!(
        post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Envelope"
    );
    assert_eq!(
        post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Receipt"
    );
}

#[test]
fn document_lists_every_error_code_with_its_status() {
    let doc: Value = serde_json::from_str(&openapi_json()).unwrap();
    let documented: BTreeSet<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let responses = &doc["paths"]["/api/v1/submissions"]["post"]["responses"];

    let errors = every_ingest_error();
    for e in &errors {
        let (code, status) = (e.code(), e.status_code().as_u16());
        assert!(documented.contains(code), "`{code}` is not in ErrorCode");
        if matches!(
            e,
            IngestError::NotFound
                | IngestError::MethodNotAllowed
                | IngestError::UnsupportedAttachment
                | IngestError::AttachmentMismatch(_)
        ) {
            // Not an answer to a POST at the submissions path (the attachments path's are
            // listed there).
            let put = &doc["paths"]["/api/v1/attachments/{sha256}"]["put"]["responses"];
            if !matches!(e, IngestError::NotFound | IngestError::MethodNotAllowed) {
                assert!(
                    put[status.to_string()].is_object(),
                    "no {status} for `{code}` on PUT"
                );
            }
            continue;
        }
        let response = &responses[status.to_string()];
        assert!(
            response.is_object(),
            "no {status} response for `{code}` in POST /api/v1/submissions"
        );
        let allowed = &response["content"]["application/json"]["schema"]["allOf"][1]["properties"]
            ["error"]["properties"]["code"]["enum"];
        assert!(
            allowed.as_array().unwrap().iter().any(|c| c == code),
            "the {status} response does not allow `{code}`: {allowed}"
        );
    }
    let produced: BTreeSet<&str> = errors.iter().map(IngestError::code).collect();
    assert_eq!(documented, produced, "ErrorCode lists codes nobody sends");
}

#[test]
fn running_aggregator_serves_the_document_over_mutual_tls() {
    let fed = Federation::new();
    let agg = fed.aggregator(64 * 1024);
    let (_, tls) = fed.leaf("75.26041");
    let c = client(&tls, true);
    let (status, content_type, body) = runtime().block_on(async {
        let r = c.get(agg.url(OPENAPI_PATH)).send().await.unwrap();
        let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
        (r.status().as_u16(), content_type, r.text().await.unwrap())
    });
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "application/json");
    assert!(body == openapi_json(), "the served document differs");
}

fn collect_refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                match v {
                    Value::String(s) if k == "$ref" => out.push(s),
                    v => collect_refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// One of each `IngestError` (every `VerifyError` inside `Verify`). A new variant fails to
/// compile in `variant` below: add it there and here, and its code to `aggregator::openapi`.
fn every_ingest_error() -> Vec<IngestError> {
    let unit = UnitId::parse("75.26041").unwrap();
    let receiver = UnitId::parse("75").unwrap();
    let mut fields = FieldErrors::default();
    fields.push(FieldError::new("payload", "missing"));
    let verify = [
        VerifyError::Malformed(String::new()),
        VerifyError::UntrustedCertificate(String::new()),
        VerifyError::Revoked(String::new()),
        VerifyError::BadSignature(String::new()),
        VerifyError::WrongSigner(String::new()),
    ];
    let mut all = vec![
        IngestError::Malformed(FieldError::new("body", "missing")),
        IngestError::TooLarge { limit: 1 },
        IngestError::OutsideSubtree {
            unit: unit.clone(),
            receiver: receiver.clone(),
        },
        IngestError::UnknownUnit {
            unit: unit.clone(),
            receiver,
            period: ReportingPeriod::Annual(2026),
        },
        IngestError::WrongPeer { peer: None, unit },
        IngestError::InvalidReport(fields),
        IngestError::Conflict(String::new()),
        IngestError::RateLimited,
        IngestError::BadCursor(String::new()),
        IngestError::CursorAhead { after: 2, last: 1 },
        IngestError::NotFound,
        IngestError::MethodNotAllowed,
        IngestError::Internal(anyhow::anyhow!("test")),
        IngestError::AttachmentMismatch(String::new()),
        IngestError::UnsupportedAttachment,
        IngestError::MissingAttachment(String::new()),
    ];
    all.extend(verify.into_iter().map(IngestError::Verify));
    let covered: BTreeSet<usize> = all.iter().map(variant).collect();
    assert_eq!(
        covered.len(),
        VARIANTS,
        "every_ingest_error misses a variant"
    );
    all
}

const VARIANTS: usize = 21;

/// A distinct number per variant; exhaustive, so a new variant does not compile.
fn variant(e: &IngestError) -> usize {
    match e {
        IngestError::Malformed(_) => 0,
        IngestError::TooLarge { .. } => 1,
        IngestError::Verify(v) => match v {
            VerifyError::Malformed(_) => 2,
            VerifyError::UntrustedCertificate(_) => 3,
            VerifyError::Revoked(_) => 4,
            VerifyError::BadSignature(_) => 5,
            VerifyError::WrongSigner(_) => 6,
        },
        IngestError::OutsideSubtree { .. } => 7,
        IngestError::WrongPeer { .. } => 8,
        IngestError::InvalidReport(_) => 9,
        IngestError::Conflict(_) => 10,
        IngestError::RateLimited => 11,
        IngestError::NotFound => 12,
        IngestError::MethodNotAllowed => 13,
        IngestError::Internal(_) => 14,
        IngestError::UnknownUnit { .. } => 15,
        IngestError::BadCursor(_) => 16,
        IngestError::CursorAhead { .. } => 17,
        IngestError::AttachmentMismatch(_) => 18,
        IngestError::UnsupportedAttachment => 19,
        IngestError::MissingAttachment(_) => 20,
    }
}
