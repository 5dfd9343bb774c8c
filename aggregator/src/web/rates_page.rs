//! `GET /ty-le-nop?ky=&loai=&khu_vuc=&xem=con|don-vi&dang=html|csv|xlsx`: completeness and
//! timeliness of one report kind for one annual period in any area of the subtree: expected,
//! received, on time, late, missing, not yet due, exempt, and the two rates (never above
//! 100 %), by child area with drill-down to units; exported as CSV and XLSX.

use actix_web::web;
use maud::html;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use reports::rates::{Breakdown, RateQuery, RateRow, RateTable, StatusMatrix, TableRow as _};
use reports::table::{Cell, Table};
use schema::{ReportKind, ReportingPeriod, UnitId};
use serde::Deserialize;

use super::{db, Ui};

pub const RATES: &str = "/ty-le-nop";

#[derive(Debug, Deserialize)]
pub struct Query {
    ky: Option<i32>,
    #[serde(default)]
    loai: String,
    #[serde(default)]
    khu_vuc: String,
    #[serde(default)]
    xem: String,
    #[serde(default)]
    dang: String,
}

pub async fn rates(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<node::app::Node>,
    q: web::Query<Query>,
) -> WebResult {
    let year =
        q.ky.unwrap_or_else(|| ReportingPeriod::annual_containing(layout::today()).end_year());
    if !(2015..=2100).contains(&year) {
        return Err(WebError::BadRequest(format!(
            "Kỳ báo cáo {year} không hợp lệ."
        )));
    }
    let kind = if q.loai.is_empty() {
        ReportKind::AnnualReport
    } else {
        ReportKind::parse(&q.loai)
            .map_err(|_| WebError::BadRequest(format!("Loại báo cáo `{}` không có.", q.loai)))?
    };
    let area = super::area(&ui, &q.khu_vuc)?;
    let units = q.xem == "don-vi";
    let query = RateQuery {
        area: area.clone(),
        kind: Some(kind),
        period: Some(ReportingPeriod::Annual(year)),
        breakdown: if units {
            Breakdown::Units
        } else {
            Breakdown::Children
        },
    };
    let (scope, name) = (ui.unit.clone(), ui.unit_name.clone());
    let (scope2, today) = (ui.unit.clone(), layout::today());
    let tracked = db(&ui, move |c| {
        let mut out = Vec::new();
        for r in crate::store::requests::all(c)? {
            if let Some(t) = crate::requests::tracking::track(c, &r.notice_id, &scope2, today)? {
                out.push(t);
            }
        }
        Ok(out)
    })
    .await?;
    let asked = super::requests::rates_section(&tracked);
    // The configured rule book (with received packs), not the one built into the binary.
    let rules = own.rules.get();
    let (area2, own_unit) = (area.clone(), ui.unit.clone());
    let table = db(&ui, move |c| {
        let inputs = crate::tracking::load(c, rules, &scope, &name, &[kind], year..=year)?;
        let now = chrono::Utc::now()
            .with_timezone(&config::settings::TIMEZONE)
            .fixed_offset();
        let matrix =
            StatusMatrix::compute(&inputs.tree, &inputs.dues, &inputs.receipts, rules, now)?;
        let mut table = matrix.summary(&query)?;
        // Children that sent their consolidated report count by it (`crate::figures`).
        if kind == ReportKind::AnnualReport && !units {
            let filter = reports::figures::Filter {
                area: area2,
                own: own_unit,
                only: None,
                tier: None,
            };
            let t = crate::figures::area(c, &filter, year..=year)?;
            if let Some(t) = t.get(&year) {
                reports::figures::apply_consolidated(&mut table, &t.covered);
            }
        }
        Ok(table)
    })
    .await?;
    let file = format!(
        "ty-le-nop-{}-{year}",
        area.as_str().replace(['/', '.'], "_")
    );
    let fail = |e: String| WebError::Internal(anyhow::anyhow!(e));
    match q.dang.as_str() {
        "csv" => Ok(super::download(
            table.to_csv().map_err(|e| fail(e.to_string()))?,
            "text/csv; charset=utf-8",
            &format!("{file}.csv"),
        )),
        "xlsx" => Ok(super::download(
            reports::table::to_xlsx(&[as_table(&table, kind, year)])
                .map_err(|e| fail(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &format!("{file}.xlsx"),
        )),
        "" | "html" => Ok(layout::ok(layout::page(
            &viewer,
            &ui.unit_name,
            "Tỉ lệ nộp báo cáo",
            None,
            page(&table, kind, year, &area, units, asked),
        ))),
        other => Err(WebError::BadRequest(format!(
            "Định dạng `{other}` không có: chọn html, csv hoặc xlsx."
        ))),
    }
}

fn page(
    t: &RateTable,
    kind: ReportKind,
    year: i32,
    area: &UnitId,
    units: bool,
    asked: maud::Markup,
) -> maud::Markup {
    let link = |a: &UnitId, xem: &str, dang: &str| {
        format!(
            "{RATES}?ky={year}&loai={}&khu_vuc={a}&xem={xem}&dang={dang}",
            kind.code()
        )
    };
    let xem = if units { "don-vi" } else { "con" };
    html! {
        h1 { "Tỉ lệ nộp báo cáo" }
        form method="get" action=(RATES) .box {
            label for="loai" { "Loại " }
            select #loai name="loai" {
                @for k in ReportKind::ALL.into_iter().filter(|k| !matches!(k, ReportKind::Document | ReportKind::Acknowledgment)) {
                    option value=(k.code()) selected[k == kind] { (k.label_vi()) }
                }
            }
            " " label for="ky" { "Kỳ (năm) " }
            input #ky type="number" name="ky" value=(year) min="2015" max="2100";
            input type="hidden" name="khu_vuc" value=(area);
            " " button type="submit" { "Xem" }
        }
        p { "Khu vực " code { (area) } ": " (t.total.name) ". "
            a href=(link(area, if units { "con" } else { "don-vi" }, "html")) {
                @if units { "Xem theo đơn vị trực thuộc" } @else { "Xem từng đơn vị" }
            }
            " · " a href=(link(area, xem, "csv")) { "Tải CSV" }
            " · " a href=(link(area, xem, "xlsx")) { "Tải Excel" }
        }
        table {
            tr { @for h in RateRow::headers() { th { (h) } } }
            @for r in &t.rows { (row(r, &link)) }
            tr.total { @for c in t.total.cells() { th { (c) } } }
        }
        p.muted { "Tỉ lệ tính trên số phải nộp (không tính đơn vị được miễn); mỗi đơn vị được tính một lần cho mỗi kỳ, đơn vị sáp nhập được tính vào đơn vị kế thừa." }
        (asked)
    }
}

fn row(r: &RateRow, link: &dyn Fn(&UnitId, &str, &str) -> String) -> maud::Markup {
    let cells = r.cells();
    html! {
        tr {
            td { a href=(link(&r.unit, "con", "html")) { code { (cells[0]) } } }
            @for c in &cells[1..] { td { (c) } }
        }
    }
}

fn as_table(t: &RateTable, kind: ReportKind, year: i32) -> Table {
    let cells = |r: &RateRow| -> Vec<Cell> {
        let mut out = vec![Cell::Text(r.unit.to_string()), Cell::Text(r.name.clone())];
        for n in [
            r.expected,
            r.received,
            r.on_time,
            r.late,
            r.missing,
            r.not_yet_due,
            r.exempt,
        ] {
            out.push(Cell::Int(n as i64));
        }
        for rate in [r.received_rate(), r.on_time_rate()] {
            out.push(rate.map_or(Cell::Empty, |v| Cell::Percent(v / 100.0)));
        }
        out
    };
    Table {
        title: format!("{} {year}", kind.label_vi()),
        headers: RateRow::headers().iter().map(|h| h.to_string()).collect(),
        rows: t.rows.iter().map(cells).collect(),
        totals: Some(cells(&t.total)),
    }
}
