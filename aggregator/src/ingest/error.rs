//! Why a submission was refused, and the one place where each reason becomes an HTTP status
//! and a stable code: `{"error": {"code": "...", "message": "..."}}` (plus `fields` for
//! `invalid_report`). Messages are bilingual (Vietnamese / English): the node shows them to its
//! officers next to the report that was set aside.
//!
//! | code | status | when |
//! |---|---|---|
//! | `malformed` | 400 | not an envelope as the contract says (the message names the field) |
//! | `too_large` | 413 | the body is over `[server] max_body_bytes` |
//! | `untrusted_certificate`, `revoked`, `bad_signature`, `wrong_signer` | 403 | `schema::VerifyError` |
//! | `outside_subtree` | 403 | the reporting unit is not below this aggregator |
//! | `unknown_unit` | 403 | the registry is loaded and the reporting unit is not in it, under this aggregator, during the report's period |
//! | `wrong_peer` | 403 | the TLS client is neither the unit nor a relay that countersigned |
//! | `conflict` | 409 | another version of the report id is stored and this one does not amend it |
//! | `invalid_report` | 422 | `Submission::validate` failed |
//! | `rate_limited` | 429 | the client sent more than its budget (`[server] rate_per_second`, `rate_burst`); retry later |
//! | `bad_cursor` | 400 | `GET /api/v1/notices`: `after` is not a non-negative integer |
//! | `cursor_ahead` | 409 | `GET /api/v1/notices`: `after` is beyond every notice given out (the node pulls again from 0) |
//! | `attachment_mismatch` | 400 | `PUT /api/v1/attachments/{hex}`: the bytes do not hash to the path (cut off: send again) |
//! | `unsupported_attachment` | 415 | the file is not PDF, DOCX, XLSX, PNG or JPEG (by content) |
//! | `missing_attachment` | 424 | a submission names a file not uploaded (or of another size or type): upload it, then send again |
//! | `not_found`, `method_not_allowed` | 404, 405 | no such endpoint |
//! | `internal` | 500 | our fault (details only in the log); the node retries |

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use schema::{FieldError, FieldErrors, ReportingPeriod, UnitId, VerifyError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("Báo cáo không đúng định dạng / malformed envelope: {0}")]
    Malformed(FieldError),
    #[error("Báo cáo vượt quá {limit} byte / the body is larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("Chữ ký không hợp lệ / signature refused: {0}")]
    Verify(VerifyError),
    #[error(
        "Đơn vị {unit} không thuộc phạm vi của {receiver} / unit {unit} is not under \
         aggregator {receiver}"
    )]
    OutsideSubtree { unit: UnitId, receiver: UnitId },
    #[error(
        "Đơn vị {unit} không có trong danh mục đơn vị của {receiver} trong kỳ {period} / unit \
         {unit} is not in the unit registry of aggregator {receiver} during period {period}: \
         ask the aggregator to register it (bmnn-aggregator registry)"
    )]
    UnknownUnit {
        unit: UnitId,
        receiver: UnitId,
        period: ReportingPeriod,
    },
    #[error(
        "Kết nối của {} không được gửi báo cáo của {unit} / the TLS client {} may not deliver \
         reports of {unit}: it is neither the unit nor a relay that countersigned",
        peer_label(.peer), peer_label(.peer)
    )]
    WrongPeer { peer: Option<UnitId>, unit: UnitId },
    #[error("Báo cáo chưa hợp lệ / invalid report: {0}")]
    InvalidReport(FieldErrors),
    #[error("{0}")]
    Conflict(String),
    #[error("Gửi quá nhanh, hãy gửi lại sau / too many submissions from this client, retry later")]
    RateLimited,
    #[error("Con trỏ thông báo không hợp lệ / `after` must be a non-negative integer: {0}")]
    BadCursor(String),
    #[error(
        "Con trỏ thông báo {after} vượt quá thông báo cuối cùng ({last}) / cursor {after} is beyond the last notice given out ({last}): pull again from 0"
    )]
    CursorAhead { after: u64, last: u64 },
    #[error("Tệp đính kèm không khớp mã băm / attachment mismatch: {0}")]
    AttachmentMismatch(String),
    #[error(
        "Tệp đính kèm không phải PDF, DOCX, XLSX, PNG hoặc JPEG / the attachment is not a PDF, \
         DOCX, XLSX, PNG or JPEG file"
    )]
    UnsupportedAttachment,
    #[error(
        "Chưa nhận được tệp đính kèm {0} / attachment {0} was not uploaded (or differs in size \
         or type): PUT it to /api/v1/attachments first, then send the report again"
    )]
    MissingAttachment(String),
    #[error("Không có địa chỉ này / no such endpoint")]
    NotFound,
    #[error("Phương thức không được hỗ trợ / method not allowed")]
    MethodNotAllowed,
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

fn peer_label(peer: &Option<UnitId>) -> String {
    peer.as_ref()
        .map_or_else(|| "(no unit certificate)".to_string(), UnitId::to_string)
}

impl IngestError {
    /// The stable code sent in `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::TooLarge { .. } => "too_large",
            Self::Verify(e) => e.code(),
            Self::OutsideSubtree { .. } => "outside_subtree",
            Self::UnknownUnit { .. } => "unknown_unit",
            Self::WrongPeer { .. } => "wrong_peer",
            Self::InvalidReport(_) => "invalid_report",
            Self::Conflict(_) => "conflict",
            Self::RateLimited => "rate_limited",
            Self::BadCursor(_) => "bad_cursor",
            Self::CursorAhead { .. } => node::puller::CURSOR_AHEAD,
            Self::AttachmentMismatch(_) => "attachment_mismatch",
            Self::UnsupportedAttachment => "unsupported_attachment",
            Self::MissingAttachment(_) => "missing_attachment",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<diesel::result::Error> for IngestError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(anyhow::Error::new(e).context("database"))
    }
}

impl From<anyhow::Error> for IngestError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl ResponseError for IngestError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Malformed(_) | Self::BadCursor(_) | Self::AttachmentMismatch(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::UnsupportedAttachment => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::MissingAttachment(_) => StatusCode::FAILED_DEPENDENCY,
            Self::CursorAhead { .. } => StatusCode::CONFLICT,
            Self::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Verify(_)
            | Self::OutsideSubtree { .. }
            | Self::UnknownUnit { .. }
            | Self::WrongPeer { .. } => StatusCode::FORBIDDEN,
            Self::InvalidReport(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            // The cause stays in our log; the client learns only that it may retry.
            Self::Internal(e) => {
                tracing::error!("ingest failed: {e:#}");
                "Lỗi hệ thống, sẽ gửi lại sau / internal error, retry later".to_string()
            }
            other => other.to_string(),
        };
        let mut error = json!({ "code": self.code(), "message": message });
        if let Self::InvalidReport(fields) = self {
            error["fields"] = fields
                .iter()
                .map(|f| json!({ "path": f.path(), "reason": f.reason() }))
                .collect();
        }
        HttpResponse::build(self.status_code()).json(json!({ "error": error }))
    }
}
