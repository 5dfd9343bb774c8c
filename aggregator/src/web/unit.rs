//! `GET /don-vi/{id}`: one unit as the registry knows it (every row of its history, its
//! predecessors through the successions) and every report received from it or from its
//! predecessors, with the receipt time and digest.

use actix_web::web;
use maud::html;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::UnitId;

use super::inbox::{classification_label, kind_label};
use super::{db, report_path, unit_path, Ui};
use crate::registry;
use crate::store::units;

pub async fn unit(viewer: Viewer, ui: web::Data<Ui>, path: web::Path<String>) -> WebResult {
    let id = UnitId::parse(&path.into_inner()).map_err(|_| WebError::NotFound)?;
    let (rows, lineage, reports) = {
        let id = id.clone();
        db(&ui, move |c| {
            let rows = units::history(c, id.as_str())?;
            let lineage = registry::lineage(c, &id)?;
            let reports = registry::reports_with_lineage(c, &id)?;
            Ok((rows, lineage, reports))
        })
        .await?
    };
    if rows.is_empty() && reports.is_empty() {
        return Err(WebError::NotFound);
    }
    let name = rows.last().map_or(id.to_string(), |r| r.name.clone());
    let body = html! {
        h1 { (name) " " code { (id) } }
        h2 { "Trong danh mục" }
        @if rows.is_empty() {
            p.muted { "Đơn vị chưa có trong danh mục của ban chỉ đạo." }
        } @else {
            table {
                tr { th { "Tên" } th { "Loại" } th { "Trực thuộc" } th { "Cán bộ phụ trách" } th { "Thủ trưởng" } th { "Hiệu lực" } }
                @for r in &rows {
                    tr {
                        td { (r.name) }
                        td { (r.kind) }
                        td { a href=(unit_path(&r.parent)) { code { (r.parent) } } }
                        td { (r.officer_email.as_deref().unwrap_or("—")) }
                        td { (r.head_email.as_deref().unwrap_or("—")) }
                        td { (r.valid_from.format("%d/%m/%Y")) " – "
                             (r.valid_to.map_or("nay".to_string(), |d| d.format("%d/%m/%Y").to_string())) }
                    }
                }
            }
        }
        @if lineage.len() > 1 {
            h2 { "Đơn vị tiền thân" }
            p { @for p in &lineage[1..] { a href=(unit_path(p.as_str())) { code { (p) } } " " } }
        }
        h2 { "Báo cáo đã nhận" }
        @if reports.is_empty() {
            p.muted { "Chưa nhận được báo cáo nào." }
        } @else {
            table {
                tr { th { "Nhận lúc (biên nhận)" } th { "Đơn vị gửi" } th { "Loại" } th { "Kỳ" } th { "Độ mật" } th { "Mã băm" } th {} }
                @for r in &reports {
                    tr {
                        td { (layout::fmt_rfc3339(&r.received_at)) }
                        td { code { (r.unit) } }
                        td { (kind_label(&r.kind)) }
                        td { (r.period) }
                        td { (classification_label(&r.classification)) }
                        td { code { (layout::short_digest(&r.digest)) } }
                        td { a href=(report_path(&r.report_id, &r.digest)) { "Xem" } }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        &name,
        None,
        body,
    )))
}
