//! Logging in and out. The login form is protected by a double-submit token (a short-lived
//! cookie and a hidden field that must match); five failed logins lock an account for 15
//! minutes, and every failure gives the same message, so the page never tells whether an
//! account exists or is locked. Logins, failures and logouts go to the audit log.

use crate::db::any::AnyConn;
use std::sync::OnceLock;

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::Duration;
use maud::{html, Markup};

use super::error::{WebError, WebResult};
use super::layout;
use super::routes;
use super::session::{db, tokens_match, CookiePolicy, Viewer, LOGIN_COOKIE, SESSION_HOURS};
use crate::app::Node;
use crate::auth;
use crate::db::{self, audit, users};

const FAILED: &str = "Đăng nhập không thành công: tên đăng nhập hoặc mật khẩu không đúng, hoặc \
                      tài khoản đang tạm khóa. Sau 5 lần nhập sai liên tiếp, tài khoản bị khóa \
                      15 phút.";

fn login_page(token: &str, error: Option<&str>, username: &str, no_users: bool) -> Markup {
    layout::bare(
        "Đăng nhập",
        html! {
            div.box style="max-width:28rem;margin:3rem auto" {
                h1 { "Đăng nhập" }
                p.muted { "Hệ thống báo cáo công tác bảo vệ bí mật nhà nước" }
                @if let Some(e) = error { p.alert role="alert" { (e) } }
                @if no_users {
                    p.alert { "Chưa có tài khoản nào. Quản trị viên tạo tài khoản đầu tiên bằng lệnh "
                        code { "bmnn-node init" } "." }
                }
                form method="post" action=(routes::LOGIN) {
                    (layout::csrf_field(token))
                    div.field {
                        label for="username" { "Tên đăng nhập" } br;
                        input #username type="text" name="username" value=(username)
                            autocomplete="username" required autofocus;
                    }
                    div.field {
                        label for="password" { "Mật khẩu" } br;
                        input #password type="password" name="password"
                            autocomplete="current-password" required;
                    }
                    div.actions { button.primary type="submit" { "Đăng nhập" } }
                }
            }
        },
    )
}

/// GET /dang-nhap
pub async fn show(node: web::Data<Node>, policy: web::Data<CookiePolicy>) -> WebResult {
    let no_users = db(&node, |c| Ok(users::count(c)? == 0)).await?;
    Ok(respond(&policy, StatusCode::OK, None, "", no_users))
}

fn respond(
    policy: &CookiePolicy,
    status: StatusCode,
    error: Option<&str>,
    username: &str,
    no_users: bool,
) -> HttpResponse {
    let token = auth::random_token();
    let mut res = layout::html_response(status, login_page(&token, error, username, no_users));
    let cookie = policy.cookie(LOGIN_COOKIE, token, CookieDuration::hours(1));
    let _ = res.add_cookie(&cookie);
    res
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// A hash to verify against when the account does not exist or is locked, so every failure
/// takes about as long.
fn dummy_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| auth::hash_password("không có tài khoản này").unwrap_or_default())
}

enum Outcome {
    LoggedIn { token: String, username: String },
    Failed,
}

/// POST /dang-nhap
pub async fn submit(
    req: HttpRequest,
    node: web::Data<Node>,
    policy: web::Data<CookiePolicy>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    let expected = req.cookie(LOGIN_COOKIE).map(|c| c.value().to_string());
    let pairs = form.into_inner();
    if !tokens_match(
        Some(field(&pairs, "_csrf")),
        expected.as_deref().unwrap_or(""),
    ) {
        return Err(WebError::bad_csrf());
    }
    let username = field(&pairs, "username").trim().to_string();
    let password = field(&pairs, "password").to_string();
    let name = username.clone();
    let outcome = db(&node, move |c| attempt(c, &name, &password)).await?;
    match outcome {
        Outcome::LoggedIn { token, username } => {
            tracing::info!(user = %username, "logged in");
            let mut res = layout::see_other(routes::HOME);
            res.add_cookie(&policy.session(token))?;
            res.add_cookie(&policy.expired(LOGIN_COOKIE))?;
            Ok(res)
        }
        Outcome::Failed => {
            tracing::warn!("failed login");
            Ok(respond(
                &policy,
                StatusCode::UNAUTHORIZED,
                Some(FAILED),
                &username,
                false,
            ))
        }
    }
}

fn attempt(c: &mut AnyConn, username: &str, password: &str) -> anyhow::Result<Outcome> {
    let now = db::now();
    let user = users::by_username(c, username)?;
    let Some(user) = user.filter(|u| !u.username.is_empty()) else {
        auth::verify_password(password, dummy_hash());
        c.write_transaction(|c| audit::append(c, "-", "login_failed", "-", "unknown_user"))?;
        return Ok(Outcome::Failed);
    };
    if user.locked_until.is_some_and(|t| t > now) {
        auth::verify_password(password, dummy_hash());
        let name = user.username.as_str();
        c.write_transaction(|c| audit::append(c, name, "login_failed", name, "locked"))?;
        return Ok(Outcome::Failed);
    }
    if !auth::verify_password(password, &user.password_hash) {
        c.write_transaction(|c| {
            users::record_failure(c, user.id, now)?;
            let locked = users::by_id(c, user.id)?
                .and_then(|u| u.locked_until)
                .is_some();
            let detail = if locked {
                "wrong_password; locked"
            } else {
                "wrong_password"
            };
            audit::append(c, &user.username, "login_failed", &user.username, detail)
        })?;
        return Ok(Outcome::Failed);
    }
    let token = auth::random_token();
    c.write_transaction(|c| {
        users::record_success(c, user.id)?;
        super::queries::delete_expired_sessions(c, now)?;
        users::insert_session(
            c,
            &users::SessionRow {
                token_hash: auth::token_hash(&token),
                user_id: user.id,
                csrf_token: auth::random_token(),
                expires_at: now + Duration::hours(SESSION_HOURS),
            },
        )?;
        audit::append(
            c,
            &user.username,
            "login",
            &user.username,
            user.role().code(),
        )
    })?;
    Ok(Outcome::LoggedIn {
        token,
        username: user.username,
    })
}

/// POST /dang-xuat
pub async fn logout(
    viewer: Viewer,
    node: web::Data<Node>,
    policy: web::Data<CookiePolicy>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let hash = viewer.token_hash.clone();
    let actor = viewer.actor().to_string();
    db(&node, move |c| {
        c.write_transaction(|c| {
            users::delete_session(c, &hash)?;
            audit::append(c, &actor, "logout", &actor, "")
        })?;
        Ok(())
    })
    .await?;
    let mut res = layout::see_other(routes::LOGIN);
    res.add_cookie(&policy.expired(super::session::SESSION_COOKIE))?;
    Ok(res)
}
