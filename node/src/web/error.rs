//! The web UI's error type: what a handler can fail with, and the Vietnamese page (or the
//! redirect to the login page) each failure becomes. Internal errors are logged with their
//! cause (never report content) and shown to the user as a short apology.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use maud::html;

use super::layout;

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No live session: go to the login page (303).
    #[error("login required")]
    LoginRequired,
    /// Logged in, but not allowed (wrong role, bad CSRF token): 403 with the reason.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Nothing at this address: 404.
    #[error("not found")]
    NotFound,
    /// The request conflicts with the stored state (already approved…): 409 with the reason.
    #[error("conflict: {0}")]
    Conflict(String),
    /// A malformed request (unreadable form body…): 400 with the reason.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything else: 500, logged.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl WebError {
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::Forbidden(msg.into())
    }

    /// The refusal of a POST whose CSRF token is missing or wrong.
    pub fn bad_csrf() -> Self {
        Self::forbidden(
            "Yêu cầu bị từ chối vì thiếu mã xác thực biểu mẫu hoặc mã đã hết hạn. \
             Hãy tải lại trang rồi thực hiện lại.",
        )
    }
}

impl From<diesel::result::Error> for WebError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

impl From<actix_web::error::HttpError> for WebError {
    fn from(e: actix_web::error::HttpError) -> Self {
        Self::Internal(anyhow::anyhow!("cannot build the response: {e}"))
    }
}

impl ResponseError for WebError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::LoginRequired => StatusCode::SEE_OTHER,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let (title, message) = match self {
            Self::LoginRequired => {
                return HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, super::routes::LOGIN))
                    .finish();
            }
            Self::Forbidden(m) => ("Không được phép", m.clone()),
            Self::NotFound => (
                "Không tìm thấy",
                "Không tìm thấy trang hoặc báo cáo này.".to_string(),
            ),
            Self::Conflict(m) => ("Không thực hiện được", m.clone()),
            Self::BadRequest(m) => ("Yêu cầu không hợp lệ", m.clone()),
            Self::Internal(e) => {
                tracing::error!(error = %format!("{e:#}"), "web request failed");
                (
                    "Lỗi hệ thống",
                    "Đã xảy ra lỗi khi xử lý yêu cầu. Hãy thử lại; nếu vẫn lỗi, báo cho \
                     quản trị viên hệ thống."
                        .to_string(),
                )
            }
        };
        let body = layout::bare(
            title,
            html! {
                h1 { (title) }
                p.error { (message) }
                p { a href=(super::routes::HOME) { "Về trang chủ" } }
            },
        );
        layout::html_response(self.status_code(), body)
    }
}

/// The handler result type.
pub type WebResult<T = HttpResponse> = Result<T, WebError>;
