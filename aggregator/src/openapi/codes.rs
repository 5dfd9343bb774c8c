//! Every `error.code` the aggregator's API answers with, the statuses it comes with and what it
//! means: the table a test holds against every `IngestError` variant.

/// One `error.code`: the statuses it comes with and what it means.
pub(super) struct ErrorCode {
    pub(super) code: &'static str,
    pub(super) statuses: &'static [u16],
    pub(super) meaning: &'static str,
}

/// Every code `IngestError::code()` gives, in the order of `aggregator::ingest::error`.
pub(super) const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode {
        code: "malformed",
        statuses: &[400, 403],
        meaning: "The body is not an envelope as the contract says (400: bad JSON, a missing or \
                  unknown field, the message names its path; 403: a signature header that \
                  cannot be decoded).",
    },
    ErrorCode {
        code: "too_large",
        statuses: &[413],
        meaning: "The body is larger than the aggregator's `[server] max_body_bytes` (at most \
                  8 MiB).",
    },
    ErrorCode {
        code: "untrusted_certificate",
        statuses: &[403],
        meaning: "A certificate chain in the envelope does not lead to the national root, or a \
                  certificate on it was expired at the time of receipt.",
    },
    ErrorCode {
        code: "revoked",
        statuses: &[403],
        meaning: "A certificate on a signature's chain is on a CRL.",
    },
    ErrorCode {
        code: "bad_signature",
        statuses: &[403],
        meaning: "A signature does not match the content it covers.",
    },
    ErrorCode {
        code: "wrong_signer",
        statuses: &[403],
        meaning: "The envelope is validly signed, but by a unit not allowed to sign it (not the \
                  body's `unit`, or a countersigner not above it).",
    },
    ErrorCode {
        code: "outside_subtree",
        statuses: &[403],
        meaning: "The reporting unit is not under this aggregator, or is the aggregator itself.",
    },
    ErrorCode {
        code: "unknown_unit",
        statuses: &[403],
        meaning: "The aggregator has loaded its unit registry, and the registry does not have \
                  the reporting unit under it on any day of the report's period.",
    },
    ErrorCode {
        code: "wrong_peer",
        statuses: &[403],
        meaning: "The TLS client is neither the reporting unit nor a relay that countersigned \
                  the envelope.",
    },
    ErrorCode {
        code: "invalid_report",
        statuses: &[422],
        meaning: "The report's content is invalid (`Submission::validate`); `fields` lists \
                  each problem as `{path, reason}`.",
    },
    ErrorCode {
        code: "conflict",
        statuses: &[409],
        meaning: "Another version of the report id is stored (or the id belongs to another \
                  unit) and this one's `supersedes` does not name the stored digest.",
    },
    ErrorCode {
        code: "rate_limited",
        statuses: &[429],
        meaning: "The TLS client sent more submissions than its budget (`[server] \
                  rate_per_second`, `rate_burst`); the node retries later.",
    },
    ErrorCode {
        code: "bad_cursor",
        statuses: &[400],
        meaning: "`GET /api/v1/notices`: `after` is not a non-negative 63-bit integer, or \
                  another parameter was given.",
    },
    ErrorCode {
        code: "cursor_ahead",
        statuses: &[409],
        meaning: "`GET /api/v1/notices`: `after` is beyond the last notice this aggregator \
                  gave out (its store is older than the child's cursor); the child pulls again \
                  from 0 and stores each notice once by id.",
    },
    ErrorCode {
        code: "attachment_mismatch",
        statuses: &[400],
        meaning: "`PUT /api/v1/attachments/{sha256}`: the path is not a SHA-256 in lowercase \
                  hex, or the bytes received do not hash to it (cut off on the way): send \
                  again. Nothing was stored.",
    },
    ErrorCode {
        code: "unsupported_attachment",
        statuses: &[415],
        meaning: "`PUT /api/v1/attachments/{sha256}`: by its content the file is not a PDF, \
                  DOCX, XLSX, PNG or JPEG.",
    },
    ErrorCode {
        code: "missing_attachment",
        statuses: &[424],
        meaning: "A submission names an attachment this aggregator does not hold (or holds \
                  with another size or type): upload it with `PUT /api/v1/attachments/{sha256}` \
                  first, then send the submission again.",
    },
    ErrorCode {
        code: "not_found",
        statuses: &[404],
        meaning: "There is no endpoint at this path.",
    },
    ErrorCode {
        code: "method_not_allowed",
        statuses: &[405],
        meaning: "The endpoint does not take this method.",
    },
    ErrorCode {
        code: "internal",
        statuses: &[500],
        meaning: "The aggregator's fault (the details are only in its log); the node retries \
                  later.",
    },
];
