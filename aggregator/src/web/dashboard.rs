//! `GET /tong-quan?tu=&den=&khu_vuc=&vi_pham=&cap=`: the steering committee's dashboard for an
//! area and a span of years, optionally one violation kind and one tier of units: incidents per year (line), violations by
//! kind per year (stacked bars), area × violation-kind heatmap, the on-time rate of the annual
//! report per child area for the last year (bars) and the ten highest risk scores (bars), with
//! the figures in a table. Violations come from the incident reports and inspection results
//! received and from this aggregator's own inspections. Charts are
//! PNG (embedded DejaVu Sans), inlined as `data:` images.

use std::collections::BTreeMap;

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use base64::Engine as _;
use maud::{html, Markup};
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use reports::charts::{self, Heatmap, TimeSeries, ViolationSeries};
use reports::rates::{Breakdown, RateQuery, StatusMatrix};
use schema::{ReportKind, ReportingPeriod, Tier, UnitId, ViolationKind};
use serde::Deserialize;

use super::{db, Ui};
use crate::store::AnyConn;

pub const DASHBOARD: &str = "/tong-quan";
const SIZE: (u32, u32) = (1200, 640);

#[derive(Debug, Deserialize)]
pub struct Query {
    tu: Option<i32>,
    den: Option<i32>,
    #[serde(default)]
    khu_vuc: String,
    #[serde(default)]
    vi_pham: String,
    /// Only units of this tier: `province`, `commune`, `agency`, `central`.
    #[serde(default)]
    cap: String,
}

/// The figures behind the charts.
#[derive(Debug, Default)]
struct Figures {
    incidents: BTreeMap<i32, u64>,
    violations: ViolationSeries,
    /// (child area, kind) → count.
    by_child: BTreeMap<(String, ViolationKind), u64>,
    on_time: Vec<(String, f64)>,
    /// (unit name, risk score), highest first.
    risk: Vec<(String, f64)>,
    /// The year of `on_time`: the last one whose deadline has come.
    on_time_year: i32,
    /// Unit id → name in the registry today.
    names: BTreeMap<String, String>,
}

fn on_time_title(year: i32, last: i32) -> String {
    if year == last {
        format!("Tỉ lệ nộp đúng hạn báo cáo năm {year}")
    } else {
        format!("Tỉ lệ nộp đúng hạn báo cáo năm {year} (năm {last} chưa đến hạn)")
    }
}

pub async fn dashboard(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<node::app::Node>,
    q: web::Query<Query>,
) -> WebResult {
    let last = q
        .den
        .unwrap_or_else(|| ReportingPeriod::annual_containing(layout::today()).end_year());
    let first = q.tu.unwrap_or(last - 4);
    if !(2015..=2100).contains(&last) || first > last || last - first > 20 {
        return Err(WebError::BadRequest(
            "Khoảng năm không hợp lệ (tối đa 20 năm).".into(),
        ));
    }
    let area = super::area(&ui, &q.khu_vuc)?;
    let tier = match q.cap.as_str() {
        "" => None,
        "province" => Some(Tier::Province),
        "commune" => Some(Tier::Commune),
        "agency" => Some(Tier::Agency),
        "central" => Some(Tier::Central),
        other => {
            return Err(WebError::BadRequest(format!(
                "Cấp `{other}` không có: chọn province, commune, agency hoặc central."
            )))
        }
    };
    let only = match q.vi_pham.as_str() {
        "" => None,
        code => Some(
            ViolationKind::ALL
                .iter()
                .copied()
                .find(|k| k.code() == code)
                .ok_or_else(|| {
                    WebError::BadRequest(format!("Hành vi vi phạm `{code}` không có."))
                })?,
        ),
    };
    let (scope, name, a) = (ui.unit.clone(), ui.unit_name.clone(), area.clone());
    let model = crate::inspection::risk_model(&ui.inspection).map_err(WebError::Internal)?;
    // The configured rule book (with received packs), not the one built into the binary.
    let rules = own.rules.get();
    let f = db(&ui, move |c| {
        let mut f = figures(c, rules, (&scope, &name), &a, first..=last, only, tier)?;
        let mut scores = crate::inspection::scores(c, rules, &model, &a, layout::today())?;
        scores.retain(|s| tier.is_none_or(|t| s.unit.tier() == t));
        scores.sort_by(|x, y| y.score.total.total_cmp(&x.score.total));
        scores.retain(|s| s.score.total > 0.0);
        scores.truncate(10);
        let named: Vec<(String, String)> = scores
            .iter()
            .map(|s| (s.name.clone(), super::names::province_of(&s.unit, &f.names)))
            .collect();
        f.risk = super::names::with_province_where_ambiguous(&named)
            .into_iter()
            .zip(&scores)
            .map(|(n, s)| (n, s.score.total))
            .collect();
        Ok(f)
    })
    .await?;
    let labels: Vec<String> = (first..=last).map(|y| y.to_string()).collect();
    let series = TimeSeries {
        labels: labels.clone(),
        lines: vec![(
            "Số vụ lộ, mất bí mật nhà nước".into(),
            (first..=last)
                .map(|y| f.incidents.get(&y).copied().unwrap_or(0))
                .collect(),
        )],
    };
    let rows: Vec<String> = f
        .by_child
        .keys()
        .map(|(c, _)| c.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let cols: Vec<ViolationKind> = f
        .by_child
        .keys()
        .map(|(_, k)| *k)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let heat = Heatmap {
        values: rows
            .iter()
            .map(|r| {
                cols.iter()
                    .map(|k| f.by_child.get(&(r.clone(), *k)).copied().unwrap_or(0))
                    .collect()
            })
            .collect(),
        rows: super::names::people_names(&rows, &f.names),
        columns: cols.iter().map(|k| k.label_vi().to_string()).collect(),
    };
    let png = |r: Result<Vec<u8>, String>| -> Result<String, WebError> {
        let bytes = r.map_err(|e| WebError::Internal(anyhow::anyhow!("chart: {e}")))?;
        Ok(format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ))
    };
    let (w, h) = SIZE;
    let charts = [
        png(charts::incidents_over_time_png(
            "Vụ lộ, mất bí mật nhà nước theo năm",
            &series,
            w,
            h,
        ))?,
        png(charts::violations_by_year_png(
            "Vi phạm theo loại và năm",
            &f.violations,
            w,
            h,
        ))?,
        png(charts::heatmap_png(
            "Vi phạm theo đơn vị trực thuộc và loại",
            &heat,
            w,
            charts::heatmap_height(w, heat.rows.len(), heat.columns.len()).max(h),
        ))?,
        png(charts::on_time_rate_png(
            &on_time_title(f.on_time_year, last),
            &f.on_time,
            w,
            (160 + 26 * f.on_time.len().min(charts::MAX_BARS) as u32).max(h),
        ))?,
        png(charts::top_risk_png(
            "10 đơn vị có điểm rủi ro cao nhất",
            &f.risk,
            10,
            w,
            h,
        ))?,
    ];
    let body = page(&area, (first, last), only, tier, &charts, &f);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
        ))
        .body(layout::page(&viewer, &ui.unit_name, "Tổng quan", None, body).into_string()))
}

fn page(
    area: &UnitId,
    (first, last): (i32, i32),
    only: Option<ViolationKind>,
    tier: Option<Tier>,
    charts: &[String],
    f: &Figures,
) -> Markup {
    let tiers = [Tier::Province, Tier::Commune, Tier::Agency, Tier::Central];
    let code = |t: Tier| match t {
        Tier::Province => "province",
        Tier::Commune => "commune",
        Tier::Agency => "agency",
        _ => "central",
    };
    html! {
        h1 { "Tổng quan "
            @if area == &UnitId::national() { "toàn quốc" }
            @else { (f.names.get(area.as_str()).map_or(area.as_str(), String::as_str)) }
            " " (first) "–" (last) }
        form method="get" action=(DASHBOARD) .box {
            label for="tu" { "Từ năm " } input #tu type="number" name="tu" value=(first);
            " " label for="den" { "đến năm " } input #den type="number" name="den" value=(last);
            " " label for="khu_vuc" { "Khu vực " } input #khu_vuc type="text" name="khu_vuc" value=(area);
            " " label for="vi_pham" { "Hành vi vi phạm " }
            select #vi_pham name="vi_pham" {
                option value="" { "Tất cả" }
                @for k in ViolationKind::ALL { option value=(k.code()) selected[only == Some(*k)] { (k.label_vi()) } }
            }
            " " label for="cap" { "Cấp " }
            select #cap name="cap" {
                option value="" { "Mọi cấp" }
                @for t in tiers { option value=(code(t)) selected[tier == Some(t)] { (t.label_vi()) } }
            }
            " " button type="submit" { "Xem" }
        }
        @if tier.is_some() {
            p.muted { "Lọc theo cấp: chỉ tính các báo cáo nhận trực tiếp (báo cáo tổng hợp của cấp dưới không tách theo cấp)." }
        }
        @if only.is_some() {
            p.muted { "Lọc theo hành vi: số vụ lộ, mất chỉ tính các báo cáo vụ việc có nêu hành vi này." }
        }
        @for src in charts { p { img src=(src) alt="Biểu đồ" style="max-width:100%"; } }
        h2 { "Số liệu" }
        table {
            tr { th { "Năm" } th { "Số vụ lộ, mất" } th { "Số vi phạm" } }
            @for y in first..=last {
                tr {
                    td { (y) }
                    td { (f.incidents.get(&y).copied().unwrap_or(0)) }
                    td { (f.violations.get(&y).map_or(0, |m| m.values().sum::<u64>())) }
                }
            }
        }
        h2 { "Điểm rủi ro cao nhất" }
        table {
            tr { th { "Đơn vị" } th { "Điểm" } }
            @for (name, score) in f.risk.iter().take(10) {
                tr { td { (name) } td { (format!("{score:.1}")) } }
            }
        }
    }
}

/// The area's figures by the one rule (`crate::figures`), and the annual report's timeliness.
fn figures(
    c: &mut AnyConn,
    rules: &config::rules::RuleBook,
    (scope, scope_name): (&UnitId, &str),
    area: &UnitId,
    years: std::ops::RangeInclusive<i32>,
    only: Option<ViolationKind>,
    tier: Option<Tier>,
) -> anyhow::Result<Figures> {
    let mut f = Figures {
        names: super::names::registry_names(c)?,
        ..Default::default()
    };
    let filter = reports::figures::Filter {
        area: area.clone(),
        own: scope.clone(),
        only,
        tier,
    };
    let tallies = crate::figures::area(c, &filter, years.clone())?;
    for (year, t) in &tallies {
        f.incidents.insert(*year, t.incidents);
        f.violations.insert(*year, t.violations.clone());
        for ((child, k), n) in &t.by_child {
            *f.by_child.entry((child.to_string(), *k)).or_default() += n;
        }
    }
    let last = *years.end();
    let inputs = crate::tracking::load(
        c,
        rules,
        scope,
        scope_name,
        &[ReportKind::AnnualReport],
        (last - 1)..=last,
    )?;
    let now = chrono::Utc::now()
        .with_timezone(&config::settings::TIMEZONE)
        .fixed_offset();
    let matrix = StatusMatrix::compute(&inputs.tree, &inputs.dues, &inputs.receipts, rules, now)?;
    let table_for = |year: i32| {
        matrix.summary(&RateQuery {
            area: area.clone(),
            kind: Some(ReportKind::AnnualReport),
            period: Some(ReportingPeriod::Annual(year)),
            breakdown: tier.map_or(Breakdown::Children, Breakdown::Tier),
        })
    };
    // A year whose deadline has not come is not a 0 % year: show the last year that is due.
    let covered = |y: i32| {
        tallies
            .get(&y)
            .map(|t| t.covered.clone())
            .unwrap_or_default()
    };
    let (mut year, mut table) = (last, table_for(last)?);
    reports::figures::apply_consolidated(&mut table, &covered(last));
    if table.total.expected == table.total.not_yet_due && last > *years.start() {
        (year, table) = (last - 1, table_for(last - 1)?);
        reports::figures::apply_consolidated(&mut table, &covered(last - 1));
    }
    f.on_time_year = year;
    // One bar per child area, or per group of units (xã, phường, sở…) when the children are
    // too many to read: a unit's own rate is 0 % or 100 %.
    let mut bars: Vec<(String, u64, u64)> = Vec::new();
    let leaves = table
        .rows
        .iter()
        .all(|r| matches!(r.unit.tier(), Tier::Commune | Tier::Agency | Tier::District));
    let grouped = leaves && table.rows.len() > charts::MAX_BARS;
    for r in &table.rows {
        let due = r.expected.saturating_sub(r.not_yet_due);
        let label = match grouped {
            true => super::names::group_label(&r.unit, &r.name),
            false => r.name.clone(),
        };
        match bars.iter_mut().find(|b| b.0 == label) {
            Some(b) => (b.1, b.2) = (b.1 + due, b.2 + r.on_time.min(due)),
            None => bars.push((label, due, r.on_time.min(due))),
        }
    }
    f.on_time = bars
        .into_iter()
        .filter(|(_, due, _)| *due > 0)
        .map(|(name, due, on)| (name, on as f64 / due as f64))
        .collect();
    Ok(f)
}
