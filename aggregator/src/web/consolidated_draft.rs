//! "Soạn và phê duyệt báo cáo tổng hợp": the consolidated report as a decision in the UI.
//! `GET /bao-cao-tong-hop/soan?ky=2026` shows where it stands (dự thảo, đã phê duyệt, đã gửi,
//! or returned by the parent with its reason), sections a–d to edit (the committee's text, or
//! the synthesis of the figures when nobody wrote one yet) with the children's narratives
//! beside each as sources, and whether they go in an annex. `POST …/soan` saves the text
//! (anyone of the committee; an approved text edited becomes a draft again), `POST
//! …/phe-duyet` approves it and `POST …/gui` signs and sends the approved text (heads and
//! admins). The figures are computed again when it is sent.

use std::collections::BTreeMap;

use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::{WebError, WebResult};
use node::web::layout::{self, csrf_field};
use node::web::session::Viewer;
use schema::{Payload, ReportKind, ReportingPeriod};
use serde::Deserialize;

use super::{db, field, Ui};
use crate::decision::{self, SECTIONS};
use crate::{consolidation, relay::Relay};

pub const DRAFT: &str = "/bao-cao-tong-hop/soan";
const APPROVE: &str = "/bao-cao-tong-hop/phe-duyet";
const SEND: &str = "/bao-cao-tong-hop/gui";
/// Children's narratives shown beside a section.
const SOURCES_SHOWN: usize = 40;

#[derive(Debug, Deserialize)]
pub struct Query {
    #[serde(default)]
    ky: Option<i32>,
}

type Pairs = web::Form<Vec<(String, String)>>;

fn period_of(year: Option<i32>) -> Result<ReportingPeriod, WebError> {
    let y = year.unwrap_or_else(|| ReportingPeriod::annual_containing(layout::today()).end_year());
    if !(2020..=2100).contains(&y) {
        return Err(WebError::BadRequest(format!(
            "Kỳ báo cáo {y} không hợp lệ."
        )));
    }
    Ok(ReportingPeriod::Annual(y))
}

/// Each section's sources: (unit, text) from the most recent of the children's latest annual
/// reports (only those are decoded), and how many children reported in all.
type Sources = (usize, BTreeMap<String, Vec<(String, String)>>);

fn sources(c: &mut crate::store::AnyConn, period: ReportingPeriod) -> anyhow::Result<Sources> {
    let mut latest = consolidation::latest_meta(c, ReportKind::AnnualReport, period, true)?;
    latest.sort_by(|a, b| b.version.received_at.cmp(&a.version.received_at));
    let mut out = BTreeMap::new();
    for m in latest.iter().take(SOURCES_SHOWN) {
        let versions = crate::store::received::versions(c, &m.version.report_id)?;
        let Some(row) = versions.iter().find(|v| v.digest == m.version.digest) else {
            continue;
        };
        let env: schema::Envelope = schema::decode(row.envelope.as_bytes())?;
        let Payload::AnnualReport(r) = env.body.payload else {
            continue;
        };
        let name = crate::store::requests::unit_name(c, &row.unit)?;
        for s in r.sections.iter() {
            let text: String = s.text.as_str().chars().take(600).collect();
            out.entry(s.code.to_string())
                .or_insert_with(Vec::new)
                .push((name.clone(), text));
        }
    }
    Ok((latest.len(), out))
}

fn state_line(row: Option<&decision::DraftRow>, returned: Option<&str>) -> Markup {
    html! {
        p { "Tình trạng: " b { @match row.map(|r| r.state.as_str()) {
            None => "chưa có dự thảo (nội dung dưới đây được tổng hợp từ số liệu)",
            Some("approved") => "đã được lãnh đạo phê duyệt, chờ gửi",
            Some("sent") => "đã ký số và gửi lên cấp trên",
            _ => "dự thảo, chưa phê duyệt",
        } } }
        @if let Some(why) = returned {
            p.error { "Cấp trên đã trả lại báo cáo này: " (why) ". Sửa nội dung, lưu, trình phê duyệt rồi gửi lại." }
        }
    }
}

/// GET /bao-cao-tong-hop/soan
pub async fn show(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    q: web::Query<Query>,
) -> WebResult {
    let period = period_of(q.ky)?;
    let scope = ui.unit.clone();
    let relay = Relay::for_own_reports((**own).clone());
    let builds = ui.builds.clone();
    let (row, texts, sources, returned) = db(&ui, move |c| {
        let rules = own.rules.get();
        let row = decision::get(c, period)?;
        let texts = match &row {
            Some(r) => r.texts(),
            None => decision::synthesis(&*builds.get(c, rules, &scope, period)?),
        };
        let returned = match &row {
            Some(r) => decision::reopened(&relay, r)?,
            None => None,
        };
        Ok((row, texts, sources(c, period)?, returned))
    })
    .await?;
    let body = html! {
        h1 { "Báo cáo tổng hợp kỳ " (period) ": soạn và phê duyệt" }
        (state_line(row.as_ref(), returned.as_deref()))
        @let y = period.end_year();
        p { "Văn bản báo cáo với số liệu hiện tại: "
            a href={ (super::CONSOLIDATED) "?ky=" (y) } { "xem (HTML)" } " · "
            a href={ (super::CONSOLIDATED) "?ky=" (y) "&dang=docx" } { "tải DOCX" } " · "
            a href={ (super::CONSOLIDATED) "?ky=" (y) "&dang=xlsx" } { "tải bảng số liệu (XLSX)" } }
        form method="post" action={ (DRAFT) "?ky=" (period.end_year()) } {
            (csrf_field(&viewer.csrf))
            @for (code, title) in SECTIONS {
                h2 { (title) }
                textarea name=(code) rows="6" style="width:100%" { (texts.get(code).map_or("", String::as_str)) }
                @if let Some(list) = sources.1.get(code) {
                    details { summary { "Báo cáo của " (sources.0) " đơn vị trực thuộc về mục này" }
                        @for (name, text) in list { p { b { (name) ": " } (text) } }
                        @if sources.0 > list.len() { p.muted { "… và " (sources.0 - list.len()) " đơn vị khác (gần nhất trước)." } } }
                }
            }
            label { input type="checkbox" name="annex" value="1" checked[row.as_ref().is_some_and(|r| r.annex)];
                " Kèm phụ lục trích báo cáo của các đơn vị trực thuộc" }
            div.actions { button type="submit" { "Lưu dự thảo" } }
            @if viewer.can_approve() && row.as_ref().is_none_or(|r| r.state != "draft") {
                p.hint { "Lưu dự thảo trước; nút «Phê duyệt» hiện ra với nội dung đã lưu." }
            }
        }
        @if viewer.can_approve() && row.as_ref().is_some_and(|r| r.state == "draft") {
            form method="post" action={ (APPROVE) "?ky=" (period.end_year()) } {
                (csrf_field(&viewer.csrf))
                button.primary type="submit" { "Phê duyệt nội dung đã lưu" }
            }
        }
        @if viewer.can_approve() && row.as_ref().is_some_and(|r| r.state == "approved") {
            form method="post" action={ (SEND) "?ky=" (period.end_year()) } {
                (csrf_field(&viewer.csrf))
                button.primary type="submit" { "Ký số và gửi lên cấp trên" }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Soạn báo cáo tổng hợp",
        None,
        body,
    )))
}

fn back(period: ReportingPeriod) -> actix_web::HttpResponse {
    layout::see_other(&format!("{DRAFT}?ky={}", period.end_year()))
}

/// POST /bao-cao-tong-hop/soan
pub async fn save(
    viewer: Viewer,
    ui: web::Data<Ui>,
    q: web::Query<Query>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let period = period_of(q.ky)?;
    let texts: BTreeMap<String, String> = SECTIONS
        .iter()
        .map(|(c, _)| (c.to_string(), field(&form, c).trim().to_string()))
        .collect();
    let annex = field(&form, "annex") == "1";
    let actor = viewer.actor().to_string();
    db(&ui, move |c| {
        decision::save(c, period, &texts, annex, &actor)
    })
    .await?;
    Ok(back(period))
}

/// POST /bao-cao-tong-hop/phe-duyet
pub async fn approve(
    viewer: Viewer,
    ui: web::Data<Ui>,
    q: web::Query<Query>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let period = period_of(q.ky)?;
    let actor = viewer.actor().to_string();
    db(&ui, move |c| decision::approve(c, period, &actor)).await?;
    Ok(back(period))
}

/// POST /bao-cao-tong-hop/gui
pub async fn send(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    q: web::Query<Query>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let period = period_of(q.ky)?;
    if own.settings.upstream.is_empty() {
        return Err(WebError::BadRequest(
            "Cơ quan này không có cấp trên trong hệ thống: báo cáo toàn quốc gửi Thủ tướng theo đường công văn.".into(),
        ));
    }
    let relay = Relay::for_own_reports((**own).clone());
    let scope = ui.unit.clone();
    let wake = relay.clone();
    db(&ui, move |c| {
        let rules = own.rules.get();
        decision::send_approved(c, rules, &scope, &relay, period).map(|_| ())
    })
    .await?;
    wake.wake();
    Ok(back(period))
}
