//! The steering committee's web UI (Vietnamese, server-rendered, no script), on `[node] listen`.
//! Logins, sessions, CSRF and the users page are the node's (`node::web`), kept in the
//! aggregator's own node store (`<data_dir>/relay.db`); the pages here read the aggregator's
//! store. Roles: every user sees the inbox, units and registry; incident detail is restricted
//! to heads (Lãnh đạo) and admins, and every view of it is written to the audit log.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | inbox: the latest submissions, filtered by kind or unit ([`inbox`]) |
//! | `GET /don-vi/{id}` | a unit: registry rows, lineage, every report with its receipt ([`unit`]) |
//! | `GET /bao-cao/{report_id}/{digest}` | one stored version and its review; incidents restricted ([`report`]) |
//! | `POST /bao-cao/{report_id}/{digest}/xem-xet` | accept or return it ([`review`]) |
//! | `GET /bao-cao/{report_id}/{digest}/tep/{hex}` | a file the version names (same rule as the page) ([`requests`]) |
//! | `GET /yeu-cau`, `GET /yeu-cau/{id}?dang=csv` | requests and each one's answers by unit, CSV ([`requests`]) |
//! | `GET/POST /yeu-cau/moi` | issue a request (heads, admins; [`request_new`]) |
//! | `GET/POST /yeu-cau/van-ban-moi` | send a directive with its files (multipart; heads, admins; [`directive_new`]) |
//! | `GET /yeu-cau/{id}?khu_vuc=&dang=csv`, `GET /yeu-cau/{id}/tep/{n}` | one request or directive: per area, per unit, CSV; a directive's file ([`request_page`]) |
//! | `GET /danh-muc` | registry browser by parent and date ([`registry_page`]) |
//! | `GET /ty-le-nop?ky=&loai=&khu_vuc=&xem=&dang=` | reporting rates with drill-down, CSV, XLSX ([`rates_page`]) |
//! | `GET /tong-quan?tu=&den=&khu_vuc=&vi_pham=` | dashboard: charts and figures ([`dashboard`]) |
//! | `GET /bao-cao-tong-hop?ky=&dang=html\|docx\|xlsx` | the consolidated report document ([`consolidated`]) |
//! | `GET/POST /bao-cao-tong-hop/soan`, `POST …/phe-duyet`, `POST …/gui` | the consolidated report as a decision: edit, approve, sign and send ([`consolidated_draft`]) |
//! | `GET /bao-cao-da-gui` | what this tier sent up, with the parent's receipts and reviews ([`sent`]) |
//! | `/kiem-tra…` | inspections: risk scores, findings, remediation, plans ([`inspection`]) |
//! | `/dang-nhap`, `/dang-xuat`, `/nguoi-dung` | the node's login and users pages |

mod certificates;
mod consolidated;
mod consolidated_children;
mod consolidated_draft;
mod dashboard;
mod directive_new;
mod enrol_codes;
mod inbox;
mod inspection;
pub mod names;
mod rates_page;
mod registry_page;
mod report;
mod request_new;
mod request_page;
mod requests;
mod review;
mod sent;
mod unit;

use std::net::TcpListener;

use actix_web::{web, App, HttpServer};
use node::app::Node;
use node::web::error::WebError;
use node::web::layout::Nav;
use node::web::session::CookiePolicy;
use schema::UnitId;

use crate::store::{AnyConn, DbPool};

/// What the pages need: the aggregator's store and who it is.
#[derive(Debug, Clone)]
pub struct Ui {
    pub pool: DbPool,
    pub unit: UnitId,
    pub unit_name: String,
    /// `[inspection]`: the risk model's weights.
    pub inspection: config::settings::InspectionSection,
    /// The sender of the mails the UI queues (reviews).
    pub mail_from: lettre::message::Mailbox,
    /// Wakes the mail schedule after the UI queued a mail.
    pub mail_wake: std::sync::Arc<tokio::sync::Notify>,
    /// Enrolment codes and the certificate inventory, when `[enrolment]` is set.
    pub enrolment: Option<std::sync::Arc<crate::enrol::Enrolment>>,
    /// Consolidated reports built for the pages, rebuilt when the data moves.
    pub builds: crate::consolidation::BuildCache,
}

pub const INBOX: &str = "/";
pub const REGISTRY: &str = "/danh-muc";
pub const CONSOLIDATED: &str = "/bao-cao-tong-hop";

/// The trimmed value of field `key` of a posted form ("" when absent).
pub fn field<'a>(form: &'a [(String, String)], key: &str) -> &'a str {
    form.iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
        .trim()
}

pub fn unit_path(id: &str) -> String {
    format!("/don-vi/{id}")
}

pub fn report_path(report_id: &str, digest: &str) -> String {
    format!("/bao-cao/{report_id}/{digest}")
}

fn nav() -> Nav {
    Nav(vec![
        (INBOX, "Hộp thư báo cáo", false),
        (REGISTRY, "Danh mục đơn vị", false),
        (dashboard::DASHBOARD, "Tổng quan", false),
        (rates_page::RATES, "Tỉ lệ nộp", false),
        (consolidated_draft::DRAFT, "Báo cáo tổng hợp", false),
        (sent::SENT, "Đã gửi cấp trên", false),
        (requests::REQUESTS, "Yêu cầu", false),
        (inspection::HOME, "Kiểm tra", false),
        (certificates::CERTIFICATES, "Chứng thư số", false),
        (node::web::routes::USERS, "Người dùng", true),
    ])
}

/// The `khu_vuc` parameter of a page: this aggregator's unit when empty, otherwise a unit of
/// its subtree.
pub fn area(ui: &Ui, raw: &str) -> Result<UnitId, WebError> {
    if raw.trim().is_empty() {
        return Ok(ui.unit.clone());
    }
    UnitId::parse(raw.trim())
        .ok()
        .filter(|a| ui.unit.contains(a))
        .ok_or_else(|| WebError::BadRequest(format!("Khu vực `{raw}` không thuộc phạm vi.")))
}

/// A file to download (CSV, XLSX, DOCX), named `name`.
pub fn download(bytes: Vec<u8>, mime: &str, name: &str) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, mime))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes)
}

/// Runs a blocking job on the aggregator's store.
pub async fn db<T, F>(ui: &Ui, f: F) -> Result<T, WebError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConn) -> anyhow::Result<T> + Send + 'static,
{
    let pool = ui.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
    .map_err(WebError::Internal)
}

/// The UI server on `listener`; `own` is the aggregator's own node store (users, sessions).
pub fn server(ui: Ui, own: Node, listener: TcpListener) -> anyhow::Result<actix_web::dev::Server> {
    let policy = web::Data::new(CookiePolicy {
        secure: !listener.local_addr()?.ip().is_loopback(),
    });
    let (ui, own, nav) = (
        web::Data::new(ui),
        web::Data::new(own),
        web::Data::new(nav()),
    );
    let server = HttpServer::new(move || {
        App::new()
            .wrap(node::web::security_headers())
            .app_data(ui.clone())
            .app_data(own.clone())
            .app_data(nav.clone())
            .app_data(policy.clone())
            .app_data(node::web::form_config())
            .configure(node::web::account_routes)
            .route(INBOX, web::get().to(inbox::inbox))
            .route("/don-vi/{id}", web::get().to(unit::unit))
            .route(
                "/bao-cao/{report_id}/{digest}",
                web::get().to(report::report),
            )
            .route(
                "/bao-cao/{report_id}/{digest}/xem-xet",
                web::post().to(review::decide),
            )
            .route(
                "/bao-cao/{report_id}/{digest}/tep/{hex}",
                web::get().to(requests::file),
            )
            .route(requests::REQUESTS, web::get().to(requests::list))
            .route(request_new::NEW_REQUEST, web::get().to(request_new::show))
            .route(
                directive_new::NEW_DIRECTIVE,
                web::get().to(directive_new::show),
            )
            .route(
                directive_new::NEW_DIRECTIVE,
                web::post().to(directive_new::issue),
            )
            .route(request_new::NEW_REQUEST, web::post().to(request_new::issue))
            .route("/yeu-cau/{id}", web::get().to(request_page::show))
            .route("/yeu-cau/{id}/tep/{n}", web::get().to(request_page::file))
            .route(
                consolidated_draft::DRAFT,
                web::get().to(consolidated_draft::show),
            )
            .route(
                consolidated_draft::DRAFT,
                web::post().to(consolidated_draft::save),
            )
            .route(
                "/bao-cao-tong-hop/phe-duyet",
                web::post().to(consolidated_draft::approve),
            )
            .route(
                "/bao-cao-tong-hop/gui",
                web::post().to(consolidated_draft::send),
            )
            .route(REGISTRY, web::get().to(registry_page::registry))
            .route(CONSOLIDATED, web::get().to(consolidated::consolidated))
            .route(sent::SENT, web::get().to(sent::sent))
            .route(
                node::web::routes::PULL_NOTICES,
                web::post().to(node::web::reviews::pull_now),
            )
            .route(rates_page::RATES, web::get().to(rates_page::rates))
            .route(dashboard::DASHBOARD, web::get().to(dashboard::dashboard))
            .route(
                certificates::CERTIFICATES,
                web::get().to(certificates::show),
            )
            .route(enrol_codes::CODES, web::get().to(enrol_codes::show))
            .route(enrol_codes::CODES, web::post().to(enrol_codes::create))
            .route(
                "/chung-thu/ma-dang-ky/{id}/thu-hoi",
                web::post().to(enrol_codes::revoke),
            )
            .configure(inspection::routes)
            .default_service(web::to(|| async {
                Err::<actix_web::HttpResponse, _>(WebError::NotFound)
            }))
    })
    .workers(2)
    .listen(listener)?
    .run();
    Ok(server)
}
