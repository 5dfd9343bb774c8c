//! `GET /`: the inbox, the latest submissions received from the subtree (newest first), with
//! their review state (chờ xem xét, đã tiếp nhận, đã trả lại, đã nộp lại), and filters by
//! report kind and by unit (a unit and everything below it).

use actix_web::web;
use maud::html;
use node::web::error::WebResult;
use node::web::layout;
use node::web::session::Viewer;
use schema::ReportKind;
use serde::Deserialize;

use super::{db, report_path, unit_path, Ui};
use crate::store::received;

/// Rows shown at most.
const LIMIT: i64 = 200;

#[derive(Debug, Deserialize)]
pub struct Filter {
    #[serde(default)]
    loai: String,
    #[serde(default)]
    don_vi: String,
}

pub async fn inbox(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<node::app::Node>,
    q: web::Query<Filter>,
) -> WebResult {
    let kind = ReportKind::parse(&q.loai).ok();
    let unit = schema::UnitId::parse(q.don_vi.trim()).ok();
    let rows = {
        let unit = unit.as_ref().map(ToString::to_string);
        db(&ui, move |c| {
            let rows = received::recent(c, kind.map(ReportKind::code), unit.as_deref(), LIMIT)?;
            let listed: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| (r.report_id.as_str(), r.digest.as_str()))
                .collect();
            let states = crate::review::states(c, &listed)?;
            Ok((rows, states))
        })
        .await?
    };
    let (rows, states) = rows;
    let bad_unit = !q.don_vi.trim().is_empty() && unit.is_none();
    let body = html! {
        @if let Some(w) = own.trust.status().warning_vi() { p.error { (w) } }
        h1 { "Hộp thư báo cáo" }
        form method="get" action=(super::INBOX) .box {
            label for="loai" { "Loại báo cáo " }
            select #loai name="loai" {
                option value="" { "Tất cả" }
                @for k in ReportKind::ALL {
                    option value=(k.code()) selected[kind == Some(k)] { (k.label_vi()) }
                }
            }
            " "
            label for="don_vi" { "Đơn vị (mã) " }
            input #don_vi type="text" name="don_vi" value=(q.don_vi) placeholder="vd. 75 hoặc 75.26041";
            " "
            button type="submit" { "Lọc" }
            @if bad_unit { p.error { "Mã đơn vị không hợp lệ: " (q.don_vi) } }
        }
        @if rows.is_empty() {
            p.muted { "Chưa nhận được báo cáo nào." }
        } @else {
            p.muted { (rows.len()) " báo cáo gần nhất (tối đa " (LIMIT) ")." }
            table {
                tr { th { "Nhận lúc" } th { "Đơn vị" } th { "Loại" } th { "Kỳ" } th { "Độ mật" } th { "Xem xét" } th { "Chi tiết" } }
                @for r in &rows {
                    tr {
                        td { (layout::fmt_rfc3339(&r.received_at)) }
                        td { a href=(unit_path(&r.unit)) { code { (r.unit) } } }
                        td { (kind_label(&r.kind))
                             @if r.supersedes.is_some() { " " span.state.s-draft { "bản sửa đổi" } } }
                        td { (r.period) }
                        td { (classification_label(&r.classification)) }
                        td { @if let Some(s) = states.get(&(r.report_id.clone(), r.digest.clone())) {
                            (super::review::badge(*s)) } }
                        td { a href=(report_path(&r.report_id, &r.digest)) { "Xem" } }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Hộp thư báo cáo",
        None,
        body,
    )))
}

/// The Vietnamese name of a stored classification code (the code itself if unknown).
pub fn classification_label(code: &str) -> String {
    match schema::Classification::parse(code) {
        Ok(schema::Classification::KhongMat) => "Không mật".to_string(),
        Ok(c) => c.label_vi().to_string(),
        Err(_) => code.to_string(),
    }
}

/// The Vietnamese name of a stored report kind code (the code itself if unknown).
pub fn kind_label(code: &str) -> String {
    match ReportKind::parse(code) {
        Ok(k) => k.label_vi().to_string(),
        Err(_) => code.to_string(),
    }
}
