//! Requests in the committee's UI: `GET /yeu-cau` lists every request issued here or relayed
//! from above (title, what, due date, answered / addressed, rate; "not yet due" shown apart
//! from 0 %; the page of one is [`super::request_page`]), and
//! `GET /bao-cao/{report_id}/{digest}/tep/{hex}` downloads a file a stored version names,
//! with the same rule as the report page (incident reports: heads and admins only, audited).

use actix_web::{web, HttpResponse};
use maud::html;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::ReportKind;

use super::{db, report_path, Ui};
use crate::requests::tracking::{self, Tracking};
use crate::store::{received, requests};

pub const REQUESTS: &str = "/yeu-cau";

pub fn fmt_day(raw: &str) -> String {
    raw.parse::<chrono::NaiveDate>()
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| raw.to_string())
}

pub fn rate_cell(t: &Tracking) -> String {
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
        @if viewer.can_approve() { p {
            a.button href=(super::request_new::NEW_REQUEST) { "Ra yêu cầu báo cáo mới" } " "
            a.button href=(super::directive_new::NEW_DIRECTIVE) { "Gửi văn bản chỉ đạo" } } }
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
            node::web::requests::content_disposition(a.name.as_str()),
        ))
        .body(bytes))
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

/// The requests and directives with their answer rates, for the rates page (each links to its
/// own page, where the units are).
pub fn rates_section(all: &[Tracking]) -> maud::Markup {
    html! {
        @if !all.is_empty() {
            h2 { "Theo yêu cầu, văn bản chỉ đạo" }
            table {
                thead { tr { th { "Yêu cầu, văn bản" } th { "Hạn" } th { "Đã gửi / số đơn vị" } th { "Tỉ lệ" } } }
                tbody { @for t in all {
                    @let (on, late, _, _) = t.counts();
                    tr {
                        td { a href={ (REQUESTS) "/" (t.request.notice_id) } { (t.request.title) } }
                        td { (fmt_day(&t.request.due)) }
                        td { (on + late) " / " (t.units.len()) }
                        td { (rate_cell(t)) }
                    }
                } }
            }
        }
    }
}
