//! `GET /`: the inbox, the latest submissions received from the subtree (newest first), with
//! their review state (chờ xem xét, đã tiếp nhận, đã trả lại, đã nộp lại), and filters by
//! report kind and by unit (a unit and everything below it), the unit given by its code or by
//! its name as typed (without diacritics too: "tran bien" finds Phường Trấn Biên). Units are
//! shown by name, with their code.

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
    let typed = q.don_vi.trim().to_string();
    let (rows, states, names, matched) = {
        let typed = typed.clone();
        db(&ui, move |c| {
            let names = super::names::registry_names(c)?;
            let units = units_matching(&typed, &names);
            let mut rows = Vec::new();
            for u in units.as_deref().unwrap_or(&[String::new()]) {
                let u = (!u.is_empty()).then_some(u.as_str());
                rows.extend(received::recent(c, kind.map(ReportKind::code), u, LIMIT)?);
            }
            rows.sort_by(|a, b| b.received_at.cmp(&a.received_at));
            rows.truncate(LIMIT as usize);
            let listed: Vec<(&str, &str)> = rows
                .iter()
                .map(|r| (r.report_id.as_str(), r.digest.as_str()))
                .collect();
            let states = crate::review::states(c, &listed)?;
            Ok((rows, states, names, units.map(|u| u.len())))
        })
        .await?
    };
    let bad_unit = matched == Some(0);
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
            label for="don_vi" { "Đơn vị (tên hoặc mã) " }
            input #don_vi type="text" name="don_vi" value=(q.don_vi) placeholder="vd. Trấn Biên hoặc 75.26041";
            " "
            button type="submit" { "Lọc" }
            @if bad_unit { p.error { "Không có đơn vị nào tên hoặc mã là «" (q.don_vi) "»." } }
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
                        td { a href=(unit_path(&r.unit)) { (names.get(&r.unit).map_or(r.unit.as_str(), String::as_str)) }
                             br; small { code { (r.unit) } } }
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

/// The units the filter names: `None` for no filter, the code itself when it is one, else
/// every unit whose name contains what was typed (folded: case and diacritics ignored), at
/// most 20.
fn units_matching(
    typed: &str,
    names: &std::collections::BTreeMap<String, String>,
) -> Option<Vec<String>> {
    if typed.is_empty() {
        return None;
    }
    if let Ok(id) = schema::UnitId::parse(typed) {
        return Some(vec![id.to_string()]);
    }
    let needle = config::units::vi_fold(typed);
    Some(
        names
            .iter()
            .filter(|(_, n)| config::units::vi_fold(n).contains(&needle))
            .map(|(id, _)| id.clone())
            .take(20)
            .collect(),
    )
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
