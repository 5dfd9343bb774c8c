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
