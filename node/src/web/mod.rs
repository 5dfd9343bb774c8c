//! The web UI: server-rendered HTML in Vietnamese, no external assets (inline CSS only, no
//! script), every flow usable without JavaScript. This module builds the server: routes,
//! security headers on every response (`Content-Security-Policy`, `X-Frame-Options`, no
//! caching), the form body limit, and the cookie policy (`Secure` unless on loopback).
//!
//! | route | what |
//! |---|---|
//! | `GET/POST /dang-nhap`, `POST /dang-xuat` | login, logout ([`login`]) |
//! | `GET /` | obligations of the current period ([`home`]) |
//! | `GET /ban-nhap/moi/{kind}` | a new form ([`draft`]) |
//! | `GET/POST /ban-nhap/{id}` | a draft: show, save |
//! | `POST /ban-nhap/{id}/duyet` | approve, sign and queue (head, admin) |
//! | `GET/POST /ban-nhap/{id}/xoa` | delete a draft (asks first) |
//! | `POST /ban-nhap/{id}/tep`, `POST /ban-nhap/{id}/tep/{pos}/bo` | attach files (multipart), take one off ([`attach`]) |
//! | `POST /yeu-cau/{id}/tra-loi` | open the draft answering a request or acknowledging a directive ([`requests`]) |
//! | `GET /thong-bao/{id}/tep/{n}` | a file a directive carries ([`requests`]) |
//! | `GET /bao-cao/{id}/in` | the signed report as an official document ([`print`]) |
//! | `POST /bao-cao/{id}/sua` | "Sửa và nộp lại": a draft amending the latest version ([`amend`]) |
//! | `GET /lich-su` | every submission, its delivery and its review ([`history`]) |
//! | `POST /thong-bao/nhan` | pull the parents' notices now ([`reviews`]) |
//! | `GET/POST /nguoi-dung`, `POST /nguoi-dung/{id}/mat-khau` | users (admin, [`users`]) |

mod amend;
mod attach;
mod attach_view;
mod draft;
mod draft_delete;
pub mod error;
mod form_kinds;
mod form_view;
mod history;
mod home;
pub mod layout;
mod login;
pub mod multipart;
mod print;
mod print_body;
pub mod queries;
pub mod requests;
pub mod reviews;
pub mod routes;
pub mod session;
mod status;
mod transfer;
mod users;
mod widgets;

use std::net::TcpListener;

use actix_web::http::header;
use actix_web::middleware::DefaultHeaders;
use actix_web::{web, App, HttpServer};

use crate::app::Node;
use error::WebError;
use session::CookiePolicy;

/// Largest form body accepted.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; style-src 'self' 'unsafe-inline'";

pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((header::CACHE_CONTROL, "no-store"))
}

pub fn form_config() -> web::FormConfig {
    web::FormConfig::default()
        .limit(MAX_FORM_BYTES)
        .error_handler(|err, _req| {
            tracing::warn!(error = %err, "unreadable form body");
            WebError::BadRequest(
                "Không đọc được nội dung biểu mẫu (có thể quá lớn, tối đa 1 MB). Hãy thử lại."
                    .into(),
            )
            .into()
        })
}

/// The routes shared with the aggregator's UI: health, login, logout, users.
pub fn account_routes(cfg: &mut web::ServiceConfig) {
    use routes as r;
    cfg.route(r::HEALTH, web::get().to(|| async { "ok" }))
        .route(r::LOGIN, web::get().to(login::show))
        .route(r::LOGIN, web::post().to(login::submit))
        .route(r::LOGOUT, web::post().to(login::logout))
        .route(r::USERS, web::get().to(users::list))
        .route(r::USERS, web::post().to(users::create))
        .route(
            "/nguoi-dung/{id}/mat-khau",
            web::post().to(users::set_password),
        );
}

/// Registers every route of the UI.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use routes as r;
    account_routes(cfg);
    cfg.route(r::HOME, web::get().to(home::home))
        .route("/ban-nhap/moi/{kind}", web::get().to(draft::new_form))
        .route("/ban-nhap/{id}", web::get().to(draft::show))
        .route("/ban-nhap/{id}", web::post().to(draft::save))
        .route("/ban-nhap/{id}/duyet", web::post().to(draft::approve))
        .route(
            "/ban-nhap/{id}/xoa",
            web::get().to(draft_delete::confirm_delete),
        )
        .route("/ban-nhap/{id}/xoa", web::post().to(draft_delete::delete))
        .route("/bao-cao/{id}/in", web::get().to(print::print))
        .route("/bao-cao/{id}/sua", web::post().to(amend::amend))
        .route(r::HISTORY, web::get().to(history::history))
        .route(r::TRANSFER, web::get().to(transfer::show))
        .route(r::TRANSFER_EXPORT, web::post().to(transfer::export))
        .route(r::TRANSFER_IMPORT, web::post().to(transfer::import))
        .route(r::PULL_NOTICES, web::post().to(reviews::pull_now))
        .route("/ban-nhap/{id}/tep", web::post().to(attach::upload))
        .route(
            "/ban-nhap/{id}/tep/{pos}/bo",
            web::post().to(attach::remove),
        )
        .route("/yeu-cau/{id}/tra-loi", web::post().to(requests::answer))
        .route("/thong-bao/{id}/tep/{n}", web::get().to(requests::file));
}

pub fn server(node: Node, listener: TcpListener) -> anyhow::Result<actix_web::dev::Server> {
    let policy = CookiePolicy {
        secure: !listener.local_addr()?.ip().is_loopback(),
    };
    let data = web::Data::new(node);
    let policy = web::Data::new(policy);
    let server = HttpServer::new(move || {
        App::new()
            .wrap(security_headers())
            .app_data(data.clone())
            .app_data(policy.clone())
            .app_data(form_config())
            .configure(routes)
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(WebError::NotFound)
            }))
    })
    .workers(2)
    .listen(listener)?
    .run();
    Ok(server)
}
