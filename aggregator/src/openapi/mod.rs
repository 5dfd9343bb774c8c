//! The OpenAPI 3.1 document of the aggregator's HTTP API, as committed in `docs/openapi.json`
//! and served at `GET /api/v1/openapi.json`.
//!
//! It is generated, not written: the message schemas are the wire schema's definitions
//! (`schema::json_schema::wire_schema_json()`, JSON Schema 2020-12, which OpenAPI 3.1 uses as
//! is) moved from `$defs` to `components/schemas`; the error codes and their statuses are the
//! table below, which a test holds against every `IngestError` variant.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use serde_json::{json, Map, Value};

use crate::ingest::{ATTACHMENTS_PATH, NOTICES_PATH, SUBMISSIONS_PATH};

mod codes;
mod notices;
use codes::ERROR_CODES;
use notices::{attachments_path, notices_path};

/// Where the running aggregator serves this document.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// Where the wire schema's references point, and where they point in this document.
const DEFS_PREFIX: &str = "#/$defs/";
const COMPONENTS_PREFIX: &str = "#/components/schemas/";

/// The error responses of `POST /api/v1/submissions`: status, description. Whether the node
/// retries follows `docs/protocol.md` §Transport (429 and 5xx: later; other 4xx: never).
const SUBMISSION_ERRORS: &[(u16, &str)] = &[
    (400, "Not an envelope: refused for good."),
    (
        403,
        "A signature, the unit or the TLS client was refused: refused for good.",
    ),
    (409, "Conflicts with the version stored: refused for good."),
    (413, "The body is too large: refused for good."),
    (
        422,
        "The report's content is invalid (see `fields`): refused for good.",
    ),
    (
        424,
        "An attached file named in the body was not uploaded first (`missing_attachment`): \
         PUT it, then retry.",
    ),
    (429, "Too many submissions from this client: retry later."),
    (500, "The aggregator failed: retry later."),
];

/// The document, pretty-printed with a final newline.
pub fn openapi_json() -> String {
    let mut s = serde_json::to_string_pretty(&document()).expect("the document encodes");
    s.push('\n');
    s
}

/// `GET /api/v1/openapi.json`: the document, computed once.
pub async fn serve() -> HttpResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.get_or_init(openapi_json).as_str())
}

fn document() -> Value {
    let mut submission_responses = Map::new();
    submission_responses.insert(
        "200".into(),
        json!({
            "description": "Stored, or stored before: the receipt signed by this aggregator, \
                            whose `outcome` is `accepted` (stored now), `duplicate` (same report \
                            id and digest already stored; `received_at` is the first time's) or \
                            `amended` (stored as an amendment of the version it supersedes).",
            "content": { "application/json": { "schema": schema_ref("Receipt") } }
        }),
    );
    for (status, description) in SUBMISSION_ERRORS {
        submission_responses.insert(status.to_string(), error_response(*status, description));
    }

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "BMNN aggregator",
            "version": env!("CARGO_PKG_VERSION"),
            "summary": "Where reporting units and lower-tier aggregators submit their signed \
                        reports and pull the notices that come down.",
            "description": "The HTTP side of the `bmnn/1` wire protocol (`docs/protocol.md`): \
                            a child POSTs one signed envelope and gets a signed receipt or an \
                            error, and GETs the signed notices (reviews, and later requests, \
                            directives, trust updates and rule packs) after its cursor. The message schemas are those of `docs/wire-schema.json`. \
                            Every request goes over mutual TLS with a certificate that chains to \
                            the national root.",
            "license": { "name": "MIT", "identifier": "MIT" }
        },
        "servers": [{
            "url": "https://{host}",
            "description": "A link base URL (the node's `[[upstream]] url`).",
            "variables": {
                "host": {
                    "default": "localhost:8443",
                    "description": "Host and port of the aggregator's `[server] listen`."
                }
            }
        }],
        "security": [{ "mutualTLS": [] }],
        "paths": {
            SUBMISSIONS_PATH: {
                "post": {
                    "operationId": "submit",
                    "summary": "Submit one signed envelope.",
                    "description": "Verifies the envelope at the time of receipt, checks that \
                                    the reporting unit is below this aggregator and that the TLS \
                                    client may deliver it, validates the report and stores it \
                                    idempotently. An aggregator with a parent forwards incident \
                                    reports, countersigned, before it answers. The body is at \
                                    most `[server] max_body_bytes` (8 MiB by default).",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": schema_ref("Envelope") } }
                    },
                    "responses": submission_responses
                }
            },
            NOTICES_PATH: notices_path(),
            format!("{ATTACHMENTS_PATH}/{{sha256}}"): attachments_path(),
            "/health": {
                "get": {
                    "operationId": "health",
                    "summary": "Liveness: answers `ok`.",
                    "responses": {
                        "200": {
                            "description": "The service is up.",
                            "content": {
                                "text/plain": { "schema": { "type": "string", "const": "ok" } }
                            }
                        }
                    }
                }
            },
            OPENAPI_PATH: {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document of this API \
                                            (`docs/openapi.json`).",
                            "content": { "application/json": { "schema": { "type": "object" } } }
                        }
                    }
                }
            }
        },
        "components": {
            "schemas": schemas(),
            "securitySchemes": {
                "mutualTLS": {
                    "type": "mutualTLS",
                    "description": "TLS 1.2 or 1.3 with a client certificate (leaf and \
                                    intermediate) that chains to the national root and is on no \
                                    CRL; the server presents its own the same way. Without one \
                                    the handshake fails."
                }
            }
        }
    })
}

/// A `$ref` to a component schema.
fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("{COMPONENTS_PREFIX}{name}") })
}

/// An error response whose `error.code` is one of the codes that come with `status`.
fn error_response(status: u16, description: &str) -> Value {
    let codes: Vec<&str> = ERROR_CODES
        .iter()
        .filter(|c| c.statuses.contains(&status))
        .map(|c| c.code)
        .collect();
    let listed = codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    json!({
        "description": format!("{description} Codes: {listed}."),
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        schema_ref("ErrorResponse"),
                        { "properties": { "error": { "properties": { "code": { "enum": codes } } } } }
                    ]
                }
            }
        }
    })
}

/// The wire schema's definitions (references rewritten) plus the error body's.
fn schemas() -> Map<String, Value> {
    let wire: Value = serde_json::from_str(&schema::json_schema::wire_schema_json())
        .expect("the wire schema is JSON");
    let mut wire = rewrite_refs(wire);
    let mut schemas = match wire.get_mut("$defs").map(Value::take) {
        Some(Value::Object(defs)) => defs,
        _ => panic!("the wire schema has no `$defs`"),
    };
    for name in ["Envelope", "Receipt"] {
        assert!(
            schemas.contains_key(name),
            "the wire schema does not define `{name}`"
        );
    }
    for (name, schema) in error_schemas() {
        let clash = schemas.insert(name.to_string(), schema);
        assert!(clash.is_none(), "the wire schema already defines `{name}`");
    }
    schemas
}

/// Rewrites every `#/$defs/…` reference in `value` to `#/components/schemas/…`.
fn rewrite_refs(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| match v {
                    Value::String(s) if k == "$ref" => {
                        let s = match s.strip_prefix(DEFS_PREFIX) {
                            Some(name) => format!("{COMPONENTS_PREFIX}{name}"),
                            None => s,
                        };
                        (k, Value::String(s))
                    }
                    v => (k, rewrite_refs(v)),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(rewrite_refs).collect()),
        other => other,
    }
}

/// The error body `{"error": {"code", "message", "fields"?}}` and its parts.
fn error_schemas() -> [(&'static str, Value); 4] {
    let codes: Vec<&str> = ERROR_CODES.iter().map(|c| c.code).collect();
    let meanings: String = ERROR_CODES
        .iter()
        .map(|c| {
            let statuses = c.statuses.iter().map(u16::to_string).collect::<Vec<_>>();
            format!("\n- `{}` ({}): {}", c.code, statuses.join(", "), c.meaning)
        })
        .collect();
    [
        (
            "ErrorResponse",
            json!({
                "description": "Why a request was refused.",
                "type": "object",
                "properties": { "error": schema_ref("ErrorDetail") },
                "required": ["error"],
                "additionalProperties": false
            }),
        ),
        (
            "ErrorDetail",
            json!({
                "type": "object",
                "properties": {
                    "code": schema_ref("ErrorCode"),
                    "message": {
                        "description": "Bilingual (Vietnamese / English), for people: the node \
                                        shows it to its officers. Not for machines: use `code`.",
                        "type": "string"
                    },
                    "fields": {
                        "description": "With `invalid_report` only: every problem found.",
                        "type": "array",
                        "items": schema_ref("FieldError")
                    }
                },
                "required": ["code", "message"],
                "additionalProperties": false
            }),
        ),
        (
            "ErrorCode",
            json!({
                "description": format!(
                    "The stable reason for a refusal (status in parentheses):{meanings}"
                ),
                "type": "string",
                "enum": codes
            }),
        ),
        (
            "FieldError",
            json!({
                "description": "One invalid field of a report.",
                "type": "object",
                "properties": {
                    "path": {
                        "description": "The dotted field path; empty for the report as a whole.",
                        "type": "string"
                    },
                    "reason": {
                        "description": "Why, in English with the Vietnamese term where it helps.",
                        "type": "string"
                    }
                },
                "required": ["path", "reason"],
                "additionalProperties": false
            }),
        ),
    ]
}
