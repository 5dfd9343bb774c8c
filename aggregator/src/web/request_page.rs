//! `GET /yeu-cau/{id}?khu_vuc=&dang=csv`: one request or directive as the committee follows it:
//! what was asked (or the directive's number, date, summary and files), the figures (on time,
//! late, missing, not yet due; for a directive also how many reported dissemination), a table
//! per area with drill-down when the scope has several, and every addressed unit by name with
//! its state, the day its answer arrived, and its dissemination; CSV of the same.
//! `GET /yeu-cau/{id}/tep/{n}` downloads a directive's file.

use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::{NoticeContent, UnitId};
use serde::Deserialize;

use super::requests::{fmt_day, rate_cell, REQUESTS};
use super::{db, download, unit_path, Ui};
use crate::requests::tracking::{self, area_of, State, Tracking};
use crate::store::{notices, requests};

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    dang: String,
    #[serde(default)]
    khu_vuc: String,
}

fn what(t: &Tracking, id: &str) -> Markup {
    if let Some(d) = t.request.directive() {
        return html! {
            tr { th { "Văn bản" } td { "Số " (d.number) ", ngày " (d.issued_on.format("%d/%m/%Y")) } }
            tr { th { "Trích yếu" } td { (d.title) } }
            @if let Some(s) = &d.summary { tr { th { "Tóm tắt" } td { (s) } } }
            tr { th { "Yêu cầu" } td { "Xác nhận đã nhận" @if d.disseminate { " và báo cáo đã quán triệt" } } }
            tr { th { "Tệp" } td { a href={ (REQUESTS) "/" (id) "/tep/0" } { "Tải văn bản" } } }
        };
    }
    match t.request.request() {
        Some(r) => html! {
            tr { th { "Căn cứ" } td { (r.legal_basis) } }
            tr { th { "Nội dung cần gửi" } td { (r.asked.label_vi()) ", kỳ " (r.period) } }
            @if let Some(i) = &r.instructions { tr { th { "Hướng dẫn" } td { (i) } } }
        },
        None => html! {},
    }
}

/// Whether the units are grouped by area (several areas, not one unit each).
fn by_area(t: &Tracking, scope: &UnitId) -> bool {
    let n = t.areas(scope).len();
    n >= 2 && n < t.units.len()
}

fn areas(t: &Tracking, scope: &UnitId, names: &[(String, String)]) -> Markup {
    if !by_area(t, scope) {
        return html! {};
    }
    let name = |id: &str| -> String {
        names
            .iter()
            .find(|(i, _)| i == id)
            .map_or_else(|| id.to_string(), |(_, n)| n.clone())
    };
    let mut rows = t.areas(scope);
    rows.sort_by_cached_key(|a| config::units::vi_sort_key(&name(&a.area)));
    html! {
        h2 { "Theo khu vực" }
        table {
            thead { tr { th { "Khu vực" } th { "Số đơn vị" } th { "Đã gửi" } th { "Đúng hạn" }
                @if t.request.is_directive() { th { "Đã quán triệt" } } } }
            tbody { @for a in &rows { tr {
                td { a href={ "?khu_vuc=" (a.area) } { (name(&a.area)) } }
                td { (a.total) } td { (a.answered) } td { (a.on_time) }
                @if t.request.is_directive() { td { (a.disseminated) } }
            } } }
        }
    }
}

fn units(t: &Tracking, scope: &UnitId, area: &str) -> Markup {
    let directive = t.request.is_directive();
    html! {
        table {
            thead { tr { th { "Đơn vị" } th { "Tình trạng" } th { "Ngày nhận" }
                @if directive { th { "Quán triệt" } } } }
            tbody {
                @for u in t.units.iter().filter(|u| area.is_empty()
                    || UnitId::parse(&u.unit.id).is_ok_and(|id| area_of(&id, scope).as_str() == area)) {
                    tr {
                        td { a href=(unit_path(&u.unit.id)) { (u.unit.name) } }
                        td.error[matches!(u.state, State::Missing)] { (u.state.label_vi()) }
                        td { @match &u.state {
                            State::OnTime { at, .. } | State::Late { at, .. } => (at.format("%d/%m/%Y")),
                            _ => "—",
                        } }
                        @if directive { td { @match u.disseminated {
                            Some((d, n)) => { (d.format("%d/%m/%Y")) ", " (n) " người" }
                            None => "—",
                        } } }
                    }
                }
            }
        }
    }
}

/// GET /yeu-cau/{id}
pub async fn show(
    viewer: Viewer,
    ui: web::Data<Ui>,
    id: web::Path<String>,
    q: web::Query<Query>,
) -> WebResult {
    let (scope, id, today) = (ui.unit.clone(), id.into_inner(), layout::today());
    let (idc, own_name) = (id.clone(), ui.unit_name.clone());
    let (t, issuer, names) = db(&ui, move |c| {
        let t = tracking::track(c, &idc, &scope, today)?;
        let issuer = match &t {
            Some(t) if t.request.issuer == scope.as_str() => own_name.clone(),
            Some(t) => requests::unit_name(c, &t.request.issuer)?,
            None => String::new(),
        };
        let names: Vec<(String, String)> = crate::store::units::all(c)?
            .into_iter()
            .filter(|u| u.holds_on(today))
            .map(|u| (u.id, u.name))
            .collect();
        Ok((t, issuer, names))
    })
    .await?;
    let t = t.ok_or(WebError::NotFound)?;
    if q.dang == "csv" {
        return Ok(download(
            tracking::csv(&t),
            "text/csv; charset=utf-8",
            "yeu-cau.csv",
        ));
    }
    let (on, late, missing, pending) = t.counts();
    let body = html! {
        h1 { (t.request.title) }
        table {
            (what(&t, &id))
            tr { th { "Cơ quan gửi" } td { (issuer) } }
            tr { th { "Hạn" } td { (fmt_day(&t.request.due)) } }
            tr { th { "Tình hình" } td {
                "Đúng hạn " (on) " · Trễ hạn " (late) " · Chưa gửi (quá hạn) " (missing)
                " · Chưa đến hạn " (pending) " · Tỉ lệ đã gửi: " (rate_cell(&t))
                @if t.request.is_directive() { " · Đã quán triệt: " (t.disseminated()) " / " (t.units.len()) } } }
        }
        p { a href="?dang=csv" { "Tải danh sách (CSV)" } }
        (areas(&t, &ui.unit, &names))
        @if !q.khu_vuc.is_empty() { p { a href="?" { "← Tất cả khu vực" } } }
        @if q.khu_vuc.is_empty() && by_area(&t, &ui.unit) {
            p.muted { "Chọn một khu vực để xem từng đơn vị (hoặc tải danh sách CSV)." }
        } @else {
            (units(&t, &ui.unit, q.khu_vuc.trim()))
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

/// GET /yeu-cau/{id}/tep/{n}: file `n` of a directive.
pub async fn file(
    _viewer: Viewer,
    ui: web::Data<Ui>,
    path: web::Path<(String, usize)>,
) -> WebResult {
    let (id, n) = path.into_inner();
    let row = db(&ui, move |c| Ok(notices::get(c, &id)?)).await?;
    let directive = row
        .and_then(|r| r.notice())
        .and_then(|n| match n.body.content() {
            Ok(NoticeContent::Directive(d)) => Some(d),
            _ => None,
        })
        .ok_or(WebError::NotFound)?;
    let f = directive.files.iter().nth(n).ok_or(WebError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CONTENT_TYPE, f.media_type.mime()))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            node::web::requests::content_disposition(f.name.as_str()),
        ))
        .body(f.bytes()))
}
