//! Sessions and request identity: the session cookie (random token; only its SHA-256 hash is
//! stored, 8 hours, `HttpOnly`, `SameSite=Strict`, `Secure` unless the UI listens on
//! loopback), the [`Viewer`] extractor that loads the logged-in user (or sends the browser to
//! the login page), role checks, and the per-session CSRF token every POST form carries.

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::{web, FromRequest, HttpRequest};

use super::error::WebError;
use crate::app::Node;
use crate::db::users::{self, Role, UserRow};

pub const SESSION_COOKIE: &str = "bmnn_phien";
/// The pre-login CSRF cookie (double submit: cookie and hidden field must match).
pub const LOGIN_COOKIE: &str = "bmnn_dang_nhap";
pub const SESSION_HOURS: i64 = 8;

/// How cookies are marked; `secure` unless the UI listens on a loopback address.
#[derive(Debug, Clone, Copy)]
pub struct CookiePolicy {
    pub secure: bool,
}

impl CookiePolicy {
    /// A cookie with the policy's flags, living `max_age` (zero removes it).
    pub fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: CookieDuration,
    ) -> Cookie<'static> {
        Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self.secure)
            .max_age(max_age)
            .finish()
    }

    pub fn session(&self, token: String) -> Cookie<'static> {
        self.cookie(SESSION_COOKIE, token, CookieDuration::hours(SESSION_HOURS))
    }

    pub fn expired(&self, name: &'static str) -> Cookie<'static> {
        self.cookie(name, String::new(), CookieDuration::ZERO)
    }
}

/// Runs a blocking database job on the thread pool.
pub async fn db<T, F>(node: &Node, f: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::db::any::AnyConn) -> anyhow::Result<T> + Send + 'static,
{
    let pool = node.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    .map_err(WebError::Internal)
}

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: UserRow,
    pub role: Role,
    pub csrf: String,
    pub token_hash: String,
    /// The navigation of the UI serving the request ([`super::layout::Nav`] in app data; the
    /// node's own when absent).
    pub nav: Option<web::Data<super::layout::Nav>>,
}

impl Viewer {
    /// Heads and admins approve and sign.
    pub fn can_approve(&self) -> bool {
        matches!(self.role, Role::Head | Role::Admin)
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The audit actor: the username.
    pub fn actor(&self) -> &str {
        &self.user.username
    }

    /// Refuses the POST unless `pairs` carries this session's CSRF token.
    pub fn check_csrf(&self, pairs: &[(String, String)]) -> Result<(), WebError> {
        let given = pairs
            .iter()
            .find(|(k, _)| k == "_csrf")
            .map(|(_, v)| v.as_str());
        if tokens_match(given, &self.csrf) {
            Ok(())
        } else {
            tracing::warn!(user = %self.user.username, "POST refused: missing or wrong CSRF token");
            Err(WebError::bad_csrf())
        }
    }

    pub fn require_approver(&self) -> Result<(), WebError> {
        if self.can_approve() {
            Ok(())
        } else {
            Err(WebError::forbidden(
                "Chỉ lãnh đạo đơn vị (hoặc quản trị) mới được duyệt và ký gửi báo cáo.",
            ))
        }
    }

    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(WebError::forbidden(
                "Chỉ quản trị viên mới được quản lý tài khoản người dùng.",
            ))
        }
    }
}

/// Constant-time comparison of a submitted token with the expected one.
pub fn tokens_match(given: Option<&str>, expected: &str) -> bool {
    match given {
        Some(g) if !expected.is_empty() => {
            aws_lc_rs::constant_time::verify_slices_are_equal(g.as_bytes(), expected.as_bytes())
                .is_ok()
        }
        _ => false,
    }
}

impl FromRequest for Viewer {
    type Error = WebError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, WebError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let node = req.app_data::<web::Data<Node>>().cloned();
        let nav = req.app_data::<web::Data<super::layout::Nav>>().cloned();
        let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_string());
        Box::pin(async move {
            let (Some(node), Some(token)) = (node, token) else {
                return Err(WebError::LoginRequired);
            };
            let hash = crate::auth::token_hash(&token);
            let found = {
                let hash = hash.clone();
                db(&node, move |c| {
                    Ok(users::session(c, &hash, crate::db::now())?)
                })
                .await?
            };
            let (session, user) = found.ok_or(WebError::LoginRequired)?;
            Ok(Viewer {
                role: user.role(),
                user,
                csrf: session.csrf_token,
                token_hash: hash,
                nav,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_must_match_exactly() {
        assert!(tokens_match(Some("abc"), "abc"));
        assert!(!tokens_match(Some("abd"), "abc"));
        assert!(!tokens_match(None, "abc"));
        assert!(!tokens_match(Some(""), ""));
    }

    #[test]
    fn cookies_carry_the_flags() {
        let c = CookiePolicy { secure: true }.session("t".into());
        let s = c.to_string();
        for part in [
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
            "Path=/",
            "Max-Age=28800",
        ] {
            assert!(s.contains(part), "{s}");
        }
        let c = CookiePolicy { secure: false }.session("t".into());
        assert!(!c.to_string().contains("Secure"));
    }
}
