//! Requests in the committee's UI: `GET /yeu-cau` lists every request issued here or relayed
//! from above (title, what, due date, answered / addressed, rate; "not yet due" shown apart
//! from 0 %), `GET /yeu-cau/{id}` tracks one (each addressed unit by name with its state and
//! a link to its answer; `?dang=csv` exports it), and
//! `GET /bao-cao/{report_id}/{digest}/tep/{hex}` downloads a file a stored version names,
//! with the same rule as the report page (incident reports: heads and admins only, audited).

use actix_web::{web, HttpResponse};
use maud::html;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::ReportKind;
use serde::Deserialize;

use super::{db, download, report_path, unit_path, Ui};
use crate::requests::tracking::{self, State, Tracking};
use crate::store::{received, requests};

pub const REQUESTS: &str = "/yeu-cau";

pub fn fmt_day(raw: &str) -> String {
    raw.parse::<chrono::NaiveDate>()
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| raw.to_string())
}

fn rate_cell(t: &Tracking) -> String {
    match t.rate() {
        Some(r) => format!("{r:.1} %").replace('.', ","),
        None => "chưa đến hạn".to_string(),
    }
}

/// GET /yeu-cau
pub async fn list(viewer: Viewer, ui: web::Data<Ui>) -> WebResult {
    let scope = ui.unit.clone();
    let today = layout::today();
    let all = db(&ui, move |c| {
        let mut out = Vec::new();
        for r in requests::all(c)? {
            if let Some(t) = tracking::track(c, &r.notice_id, &scope, today)? {
                out.push(t);
            }
        }
        Ok(out)
    })
    .await?;
    let body = html! {
        h1 { "Yêu cầu báo cáo" }
        p.muted { "Các yêu cầu do cơ quan này ban hành hoặc do cấp trên gửi xuống các đơn vị thuộc phạm vi." }
        @if viewer.can_approve() { p { a.button href=(super::request_new::NEW_REQUEST) { "Ra yêu cầu báo cáo mới" } } }
        @if all.is_empty() { p.muted { "Chưa có yêu cầu nào." } }
        @else {
            table {
                thead { tr { th { "Yêu cầu" } th { "Nội dung" } th { "Hạn" } th { "Đã gửi / số đơn vị" } th { "Tỉ lệ" } } }
                tbody {
                    @for t in &all {
                        @let (on, late, _, _) = t.counts();
                        tr {
                            td { a href={ (REQUESTS) "/" (t.request.notice_id) } { (t.request.title) } }
                            td { (ReportKind::parse(&t.request.answer_kind).map_or("", |k| k.label_vi())) }
                            td { (fmt_day(&t.request.due)) }
                            td { (on + late) " / " (t.units.len()) }
                            td { (rate_cell(t)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Yêu cầu báo cáo",
        None,
        body,
    )))
}

#[derive(Debug, Deserialize)]
pub struct Format {
    #[serde(default)]
    dang: String,
}

/// GET /yeu-cau/{id}
pub async fn show(
    viewer: Viewer,
    ui: web::Data<Ui>,
    id: web::Path<String>,
    f: web::Query<Format>,
) -> WebResult {
    let (scope, id, today) = (ui.unit.clone(), id.into_inner(), layout::today());
    let (t, issuer) = db(&ui, move |c| {
        let t = tracking::track(c, &id, &scope, today)?;
        let issuer = match &t {
            Some(t) => requests::unit_name(c, &t.request.issuer)?,
            None => String::new(),
        };
        Ok((t, issuer))
    })
    .await?;
    let t = t.ok_or(WebError::NotFound)?;
    if f.dang == "csv" {
        return Ok(download(
            tracking::csv(&t),
            "text/csv; charset=utf-8",
            "yeu-cau.csv",
        ));
    }
    let req = t.request.request();
    let (on, late, missing, pending) = t.counts();
    let body = html! {
        h1 { (t.request.title) }
        table {
            @if let Some(r) = &req {
                tr { th { "Căn cứ" } td { (r.legal_basis) } }
                tr { th { "Nội dung cần gửi" } td { (r.asked.label_vi()) ", kỳ " (r.period) } }
                @if let Some(i) = &r.instructions { tr { th { "Hướng dẫn" } td { (i) } } }
            }
            tr { th { "Cơ quan yêu cầu" } td { (issuer) } }
            tr { th { "Hạn" } td { (fmt_day(&t.request.due)) } }
            tr { th { "Tình hình" } td {
                "Đúng hạn " (on) " · Trễ hạn " (late) " · Chưa gửi (quá hạn) " (missing)
                " · Chưa đến hạn " (pending) " · Tỉ lệ: " (rate_cell(&t)) } }
        }
        p { a href="?dang=csv" { "Tải danh sách (CSV)" } }
        table {
            thead { tr { th { "Đơn vị" } th { "Tình trạng" } th { "Ngày nhận" } } }
            tbody {
                @for u in &t.units {
                    tr {
                        td { a href=(unit_path(&u.unit.id)) { (u.unit.name) } }
                        td.error[matches!(u.state, State::Missing)] { (u.state.label_vi()) }
                        td { @match &u.state {
                            State::OnTime { at, .. } | State::Late { at, .. } => (at.format("%d/%m/%Y")),
                            _ => "—",
                        } }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Yêu cầu báo cáo",
        None,
        body,
    )))
}

/// GET /bao-cao/{report_id}/{digest}/tep/{hex}
pub async fn file(
    viewer: Viewer,
    ui: web::Data<Ui>,
    path: web::Path<(String, String, String)>,
) -> WebResult {
    let (report_id, digest, hex) = path.into_inner();
    let sha = format!("sha256:{hex}");
    let (may_incident, actor) = (viewer.can_approve(), viewer.actor().to_string());
    let found = db(&ui, move |c| {
        let Some(row) = received::get(c, &report_id, &digest)? else {
            return Ok(None);
        };
        let env: schema::Envelope = schema::decode(row.envelope.as_bytes())?;
        let Some(a) = env
            .body
            .attachments
            .iter()
            .find(|a| a.sha256.as_str() == sha)
        else {
            return Ok(None);
        };
        if row.kind == ReportKind::IncidentReport.code() {
            if !may_incident {
                return Ok(Some(Err(())));
            }
            c.write_transaction(|c| {
                node::db::audit::append(c, &actor, "view_incident", &row.report_id, &sha)
            })?;
        }
        let bytes = requests::attachment(c, &sha)?.map(|(_, b)| b);
        Ok(Some(Ok((a.clone(), bytes))))
    })
    .await?;
    let (a, bytes) = match found {
        None => return Err(WebError::NotFound),
        Some(Err(())) => {
            return Err(WebError::forbidden(
                "Tệp của báo cáo đột xuất chỉ lãnh đạo (hoặc quản trị) được tải.",
            ))
        }
        Some(Ok(x)) => x,
    };
    let bytes = bytes.ok_or(WebError::NotFound)?;
    if !a.matches(&bytes) {
        return Err(WebError::Internal(anyhow::anyhow!(
            "stored attachment {sha} differs from its digest",
            sha = a.sha256
        )));
    }
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, a.media_type.mime()))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            content_disposition(a.name.as_str()),
        ))
        .body(bytes))
}

/// `attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266 / 5987).
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The report page's list of files with download links.
pub fn files_section(env: &schema::Envelope, report_id: &str, digest: &str) -> maud::Markup {
    html! {
        @if !env.body.attachments.is_empty() {
            h2 { "Tệp đính kèm" }
            table {
                thead { tr { th { "Tên tệp" } th { "Loại" } th { "Dung lượng" } th { "SHA-256" } } }
                tbody {
                    @for a in env.body.attachments.iter() {
                        tr {
                            td { a href={ (report_path(report_id, digest)) "/tep/" (a.sha256.as_str().trim_start_matches("sha256:")) } { (a.name.as_str()) } }
                            td { (a.media_type.label()) }
                            td { (schema::human_size(a.size)) }
                            td { code { (&a.sha256.as_str()[7..19]) "…" } }
                        }
                    }
                }
            }
        }
    }
}
