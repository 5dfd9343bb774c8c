//! The path item of `GET /api/v1/notices` (the downlink's pull): its parameter, its page and
//! its error responses.

use serde_json::{json, Map, Value};

use super::{error_response, schema_ref};

/// The error responses of `GET /api/v1/notices`.
const NOTICE_ERRORS: &[(u16, &str)] = &[
    (400, "`after` is not a cursor: fix the request."),
    (
        403,
        "The TLS client is not a unit below this aggregator, or its certificate was revoked \
         since the connection was opened (`revoked`).",
    ),
    (
        409,
        "The cursor is ahead of this aggregator: pull again from 0.",
    ),
    (429, "Too many requests from this client: retry later."),
    (500, "The aggregator failed: retry later."),
];

/// The path item of `GET /api/v1/notices`.
pub(super) fn notices_path() -> Value {
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({
            "description": "The notices after the cursor that concern the TLS client (addressed \
                            to it or to a unit under it), at most 100, in this aggregator's \
                            order, each as signed by its issuer and countersigned by every tier \
                            that relayed it; `next` is the cursor to ask with next time, `more` \
                            says whether to ask again at once. The child verifies each notice \
                            against the national root, the CRLs and its own chain of parents, \
                            stores it once by `notice_id`, then moves its cursor.",
            "content": { "application/json": { "schema": schema_ref("NoticePage") } }
        }),
    );
    for (status, description) in NOTICE_ERRORS {
        responses.insert(status.to_string(), error_response(*status, description));
    }
    json!({
        "get": {
            "operationId": "pullNotices",
            "summary": "Pull the notices after a cursor (the downlink).",
            "parameters": [{
                "name": "after",
                "in": "query",
                "required": false,
                "description": "The `next` of the previous page; 0 or absent the first time.",
                "schema": { "type": "integer", "minimum": 0, "maximum": i64::MAX }
            }],
            "responses": responses
        }
    })
}

/// The error responses of `PUT /api/v1/attachments/{sha256}`.
const ATTACHMENT_ERRORS: &[(u16, &str)] = &[
    (
        400,
        "`attachment_mismatch`: the bytes do not hash to the path (send again).",
    ),
    (
        403,
        "The TLS client is not a unit below this aggregator, or its certificate is revoked.",
    ),
    (413, "`too_large`: over `[attachments] max_file_bytes`."),
    (
        415,
        "`unsupported_attachment`: not PDF, DOCX, XLSX, PNG or JPEG.",
    ),
    (429, "Too many requests from this client: retry later."),
    (500, "The aggregator failed: retry later."),
];

/// The path item of `PUT|HEAD /api/v1/attachments/{sha256}`.
pub(super) fn attachments_path() -> Value {
    let mut responses = Map::new();
    responses.insert(
        "201".into(),
        json!({ "description": "Stored: the bytes hash to the path and are an allowed type." }),
    );
    responses.insert(
        "200".into(),
        json!({ "description": "Already stored (nothing changed)." }),
    );
    for (status, description) in ATTACHMENT_ERRORS {
        responses.insert(status.to_string(), error_response(*status, description));
    }
    let sha = json!({
        "name": "sha256",
        "in": "path",
        "required": true,
        "description": "The file's SHA-256, 64 lowercase hex digits (its `sha256` in the \
                        submission's `attachments`, without `sha256:`).",
        "schema": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
    });
    json!({
        "put": {
            "operationId": "putAttachment",
            "summary": "Send a file a submission will name, before the submission.",
            "parameters": [sha.clone()],
            "requestBody": {
                "required": true,
                "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } }
            },
            "responses": responses
        },
        "head": {
            "operationId": "hasAttachment",
            "summary": "Whether the file is already here (200) or not (404).",
            "parameters": [sha],
            "responses": {
                "200": { "description": "Held here." },
                "404": { "description": "Not held here: PUT it." }
            }
        }
    })
}
