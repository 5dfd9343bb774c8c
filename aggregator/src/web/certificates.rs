//! "Chứng thư số" (heads and admins): the inventory of the units' certificates this
//! aggregator's CA issued (`crate::enrol::inventory`): counts by state, the most urgent first
//! (revoked, expired, expiring within 30 days), filter by name or code, the whole list as CSV
//! (`?dang=csv`). Links to the enrolment codes page. Without `[enrolment]` the page says how
//! to turn it on.

use actix_web::web;
use maud::{html, Markup};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use serde::Deserialize;

use super::Ui;
use crate::enrol::inventory::{self, CertState, InventoryRow};

pub const CERTIFICATES: &str = "/chung-thu";
/// Rows shown on the page; the CSV has them all.
const PAGE_ROWS: usize = 300;

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    q: String,
    #[serde(default)]
    dang: String,
}

/// GET /chung-thu
pub async fn show(viewer: Viewer, ui: web::Data<Ui>, query: web::Query<Query>) -> WebResult {
    viewer.require_approver()?;
    let Some(enrolment) = ui.enrolment.clone() else {
        return Ok(page(&viewer, &ui, disabled()));
    };
    let rows = web::block(move || inventory::inventory(&enrolment, chrono::Utc::now()))
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
        .map_err(WebError::Internal)?;
    if query.dang == "csv" {
        let bytes = inventory::csv(&rows).map_err(WebError::Internal)?;
        return Ok(super::download(
            bytes,
            "text/csv; charset=utf-8",
            "chung-thu.csv",
        ));
    }
    let needle = config::units::vi_fold(query.q.trim());
    let shown: Vec<&InventoryRow> = rows
        .iter()
        .filter(|r| {
            needle.is_empty()
                || config::units::vi_fold(&r.name).contains(&needle)
                || r.unit.contains(query.q.trim())
        })
        .collect();
    Ok(page(&viewer, &ui, body(&rows, &shown, &query.q)))
}

fn page(viewer: &Viewer, ui: &Ui, body: Markup) -> actix_web::HttpResponse {
    layout::ok(layout::page(
        viewer,
        &ui.unit_name,
        "Chứng thư số",
        None,
        body,
    ))
}

fn disabled() -> Markup {
    html! {
        h1 { "Chứng thư số" }
        p { "Máy chủ này chưa cấp chứng thư cho đơn vị. Để cấp bằng mã đăng ký và tự gia hạn, \
             khai báo mục " code { "[enrolment]" } " (thư mục CA của tỉnh, cổng đăng ký) trong \
             tệp cấu hình rồi khởi động lại (xem docs/pki.md)." }
    }
}

fn body(all: &[InventoryRow], shown: &[&InventoryRow], q: &str) -> Markup {
    let count = |s: CertState| all.iter().filter(|r| r.state == s).count();
    html! {
        h1 { "Chứng thư số của các đơn vị" }
        p {
            a href=(super::enrol_codes::CODES) { "Mã đăng ký cho đơn vị mới →" }
        }
        table.summary {
            tr { @for s in [CertState::Valid, CertState::Expiring, CertState::Expired, CertState::Revoked, CertState::Replaced] {
                th { (s.label()) }
            } }
            tr { @for s in [CertState::Valid, CertState::Expiring, CertState::Expired, CertState::Revoked, CertState::Replaced] {
                td.num { (count(s)) }
            } }
        }
        form method="get" action=(CERTIFICATES) {
            label for="q" { "Tìm theo tên hoặc mã đơn vị: " }
            input #q type="text" name="q" value=(q) size="40";
            " "
            button type="submit" { "Lọc" }
            " "
            a href={(CERTIFICATES) "?dang=csv"} { "Tải toàn bộ (CSV)" }
        }
        table {
            thead { tr { th { "Đơn vị" } th { "Số sê-ri" } th { "Cấp qua" } th { "Hết hạn" } th { "Tình trạng" } th { "Lần gửi gần nhất" } } }
            tbody {
                @for r in shown.iter().take(PAGE_ROWS) {
                    tr {
                        td { (if r.name.is_empty() { r.unit.as_str() } else { r.name.as_str() }) br; small { (r.unit) } }
                        td { code { (short(&r.serial)) } }
                        td { (inventory::via_label(&r.via)) }
                        td { (inventory::local(r.not_after)) }
                        td class=(state_class(r.state)) { (r.state.label()) }
                        td { (r.last_seen.as_deref().unwrap_or("chưa gửi")) }
                    }
                }
            }
        }
        @if shown.len() > PAGE_ROWS {
            p.hint { "Hiển thị " (PAGE_ROWS) " trong " (shown.len()) " chứng thư (cần chú ý nhất \
                      trước); tải CSV để xem tất cả." }
        }
    }
}

fn short(serial: &str) -> String {
    serial.chars().take(12).collect::<String>() + "…"
}

fn state_class(s: CertState) -> &'static str {
    match s {
        CertState::Revoked | CertState::Expired => "bad",
        CertState::Expiring => "warn",
        _ => "",
    }
}
