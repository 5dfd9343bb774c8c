//! `GET /bao-cao/{report_id}/{digest}`: one stored version of a report: who sent it, through
//! whom, when the receipt says it arrived, its review (state, verdicts, the form to accept
//! or return it: [`super::review`]) and its content. Incident reports are restricted to
//! heads and admins, and each view is appended to the aggregator's audit log before the page
//! is shown (no audit entry, no page).

use actix_web::web;
use maud::{html, Markup};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::ReportKind;
use serde_json::Value;

use super::inbox::classification_label;
use super::{db, unit_path, Ui};
use crate::store::received;

pub async fn report(
    viewer: Viewer,
    ui: web::Data<Ui>,
    path: web::Path<(String, String)>,
    q: web::Query<layout::NoticeQuery>,
) -> WebResult {
    let (report_id, digest) = path.into_inner();
    let incident_viewer = viewer.can_approve();
    let actor = viewer.actor().to_string();
    let found = db(&ui, move |c| {
        let Some(row) = received::get(c, &report_id, &digest)? else {
            return Ok(None);
        };
        let history = crate::review::History::load(c, &report_id)?;
        let extra = (
            crate::store::requests::unit_name(c, &row.unit)?,
            crate::store::requests::answered_by(c, &row.report_id, &row.digest)?,
        );
        if row.kind == ReportKind::IncidentReport.code() {
            if !incident_viewer {
                return Ok(Some(Err(row)));
            }
            c.write_transaction(|c| {
                node::db::audit::append(c, &actor, "view_incident", &row.report_id, &row.digest)
            })?;
        }
        Ok(Some(Ok((row, history, extra))))
    })
    .await?;
    let row = match found {
        None => return Err(WebError::NotFound),
        Some(Err(_)) => return Err(WebError::forbidden(
            "Báo cáo đột xuất về lộ, mất bí mật nhà nước chỉ lãnh đạo (hoặc quản trị) được xem.",
        )),
        Some(Ok(found)) => found,
    };
    let (row, history, (unit_name, request)) = row;
    let env: schema::Envelope = schema::decode(row.envelope.as_bytes())
        .map_err(|e| WebError::Internal(anyhow::anyhow!("stored envelope unreadable: {e}")))?;
    let kind = super::inbox::kind_label(&row.kind);
    let payload = serde_json::to_value(&env.body.payload).unwrap_or(Value::Null);
    let body = html! {
        h1 { (kind) }
        table {
            tr { th { "Đơn vị" } td { a href=(unit_path(&row.unit)) { (unit_name) } " " code { (row.unit) } } }
            @if let Some(r) = &request {
                tr { th { "Trả lời yêu cầu" } td {
                    a href={ (super::requests::REQUESTS) "/" (r.notice_id) } { (r.title) }
                    " (hạn " (super::requests::fmt_day(&r.due)) ")" } }
            }
            tr { th { "Kỳ báo cáo" } td { (row.period) } }
            tr { th { "Độ mật" } td { (classification_label(&row.classification)) } }
            tr { th { "Nhận lúc (theo biên nhận)" } td { (layout::fmt_rfc3339(&row.received_at)) } }
            tr { th { "Chuyển qua" } td { code { (row.peer) } } }
            tr { th { "Số chữ ký" } td { (env.signatures.len()) " (đơn vị ký và các cấp ký chuyển tiếp)" } }
            tr { th { "Mã báo cáo" } td { code { (row.report_id) } } }
            tr { th { "Mã băm" } td { code { (row.digest) } } }
            @if let Some(s) = &row.supersedes { tr { th { "Sửa đổi bản" } td { code { (s) } } } }
        }
        (super::requests::files_section(&env, &row.report_id, &row.digest))
        (super::review::section(&viewer, &history, &row.digest, &Default::default()))
        h2 { "Nội dung" }
        (value(&payload))
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        &kind,
        q.message(),
        body,
    )))
}

/// Renders a JSON value as nested tables (keys as sent, values escaped).
fn value(v: &Value) -> Markup {
    match v {
        Value::Object(map) => html! {
            table { @for (k, v) in map { tr { th { (k) } td { (value(v)) } } } }
        },
        Value::Array(items) if items.is_empty() => html! { span.muted { "(không có)" } },
        Value::Array(items) => html! { ol { @for i in items { li { (value(i)) } } } },
        Value::String(s) => html! { (s) },
        Value::Null => html! { span.muted { "—" } },
        other => html! { (other.to_string()) },
    }
}
