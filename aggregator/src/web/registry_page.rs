//! `GET /danh-muc?cha=…&ngay=…`: the registry browser: the units directly under a parent on a
//! date (default: this aggregator's unit, today in Asia/Ho_Chi_Minh), in Vietnamese
//! alphabetical order, each linking to its own children and to its unit page.

use actix_web::web;
use chrono::NaiveDate;
use maud::html;
use node::web::error::WebResult;
use node::web::layout;
use node::web::session::Viewer;
use serde::Deserialize;

use super::{db, unit_path, Ui, REGISTRY};
use crate::store::units;

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    cha: String,
    #[serde(default)]
    ngay: String,
}

pub async fn registry(viewer: Viewer, ui: web::Data<Ui>, q: web::Query<Query>) -> WebResult {
    let parent = schema::UnitId::parse(q.cha.trim()).unwrap_or_else(|_| ui.unit.clone());
    let day =
        NaiveDate::parse_from_str(q.ngay.trim(), "%Y-%m-%d").unwrap_or_else(|_| layout::today());
    let mut rows = {
        let parent = parent.to_string();
        db(&ui, move |c| Ok(units::children_on(c, &parent, day)?)).await?
    };
    rows.sort_by(|a, b| config::units::compare_vi(&a.name, &b.name));
    let up = parent.parent().filter(|p| ui.unit.contains(p));
    let body = html! {
        h1 { "Danh mục đơn vị trực thuộc " code { (parent) } }
        form method="get" action=(REGISTRY) .box {
            input type="hidden" name="cha" value=(parent);
            label for="ngay" { "Tại ngày " }
            input #ngay type="date" name="ngay" value=(day.format("%Y-%m-%d"));
            " " button type="submit" { "Xem" }
            @if let Some(p) = &up {
                " " a.button href=(format!("{REGISTRY}?cha={p}&ngay={}", day.format("%Y-%m-%d"))) { "Lên cấp trên" }
            }
        }
        p.muted { (rows.len()) " đơn vị ngày " (day.format("%d/%m/%Y")) "." }
        table {
            tr { th { "Tên" } th { "Loại" } th { "Mã" } th { "Cán bộ phụ trách" } th {} }
            @for r in &rows {
                tr {
                    td { a href=(unit_path(&r.id)) { (r.name) } }
                    td { (r.kind) }
                    td { code { (r.id) } }
                    td { (r.officer_email.as_deref().unwrap_or("—")) }
                    td { a href=(format!("{REGISTRY}?cha={}&ngay={}", r.id, day.format("%Y-%m-%d"))) { "Trực thuộc" } }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Danh mục đơn vị",
        None,
        body,
    )))
}
