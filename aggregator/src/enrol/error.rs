//! Why an enrolment or a renewal was refused, as a stable code and a bilingual message in the
//! same `{"error": {"code", "message"}}` shape as the ingest (the node prints the message).
//!
//! | code | status | when |
//! |---|---|---|
//! | `bad_request` | 400 | no code, or a body that is not a PEM or base64 PKCS#10 request |
//! | `bad_csr` | 400 | the request is not an Ed25519 request naming exactly the code's (or the certificate's) unit |
//! | `code_unknown` | 403 | no such code here (mistyped, or issued by another province) |
//! | `code_used`, `code_expired`, `code_revoked` | 403 | the code cannot be used again |
//! | `no_client_certificate` | 403 | renewal without a client certificate |
//! | `outside_ca` | 403 | this aggregator's CA may not sign for that unit |
//! | `enrolment_disabled` | 404 | the aggregator has no `[enrolment]` section |
//! | `internal` | 500 | our fault (details in the log) |

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum EstError {
    #[error("Yêu cầu không hợp lệ / bad request: {0}")]
    BadRequest(String),
    #[error("Yêu cầu cấp chứng thư bị từ chối / certificate request refused: {0}")]
    BadCsr(String),
    #[error(
        "Mã đăng ký không tồn tại tại đơn vị này / unknown enrolment code: check it, or ask the \
         province that issued it"
    )]
    CodeUnknown,
    #[error(
        "Mã đăng ký đã được dùng / the enrolment code was already used: ask PA03 for a new one"
    )]
    CodeUsed,
    #[error("Mã đăng ký đã hết hạn / the enrolment code has expired: ask PA03 for a new one")]
    CodeExpired,
    #[error("Mã đăng ký đã bị thu hồi / the enrolment code was revoked: ask PA03 for a new one")]
    CodeRevoked,
    #[error(
        "Gia hạn cần chứng thư hiện tại / renewal needs the current certificate: an expired \
         certificate is renewed with a new enrolment code"
    )]
    NoClientCertificate,
    #[error("Cơ quan cấp chứng thư này không cấp cho đơn vị đó / outside this CA: {0}")]
    OutsideCa(String),
    #[error("Máy chủ này không cấp chứng thư / this aggregator does not enrol units")]
    Disabled,
    #[error("internal error: {0:#}")]
    Internal(anyhow::Error),
}

impl EstError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad_request",
            Self::BadCsr(_) => "bad_csr",
            Self::CodeUnknown => "code_unknown",
            Self::CodeUsed => "code_used",
            Self::CodeExpired => "code_expired",
            Self::CodeRevoked => "code_revoked",
            Self::NoClientCertificate => "no_client_certificate",
            Self::OutsideCa(_) => "outside_ca",
            Self::Disabled => "enrolment_disabled",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<diesel::result::Error> for EstError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl ResponseError for EstError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) | Self::BadCsr(_) => StatusCode::BAD_REQUEST,
            Self::Disabled => StatusCode::NOT_FOUND,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let message = match self {
            Self::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "enrolment failed");
                "internal error / lỗi máy chủ".to_string()
            }
            other => {
                tracing::warn!(code = other.code(), "enrolment refused");
                other.to_string()
            }
        };
        HttpResponse::build(self.status_code())
            .json(json!({"error": {"code": self.code(), "message": message}}))
    }
}
