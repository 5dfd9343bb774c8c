//! The home page: the unit's reporting obligations for the current period, from the rule pack
//! in force on the period's last day — annual report, implementation plan, compliance status,
//! and incident reports ("khi phát hiện") — with the deadline at the province (dd/mm/yyyy, days
//! left) and the state of each (chưa lập, bản nháp, đang gửi, đã gửi — có biên nhận, bị từ
//! chối, giữ lại) and what the parent said (tiếp nhận, trả lại), plus the drafts in progress.
//! Reports the parent returned come first, with the reason and "Sửa và nộp lại"; requests from
//! above follow the obligations of the rule pack (`requests`).

use actix_web::web;
use chrono::NaiveDate;
use maud::{html, Markup};
use schema::{ReportKind, ReportingPeriod, Tier};

use super::error::WebResult;
use super::layout::{self, fmt_utc, today, NoticeQuery};
use super::queries;
use super::reviews;
use super::routes;
use super::session::{db, Viewer};
use super::status::{self, LinkStatus};
use crate::app::Node;
use crate::db::drafts::{self, DraftRow};
use crate::db::submissions::SubmissionRow;
use crate::forms::fmt_date;

/// When a report is due.
enum Due {
    Date {
        date: NaiveDate,
        source: Option<String>,
        unverified: bool,
    },
    /// Event-driven: within this many hours of discovery.
    OnDiscovery(u32),
    Unset,
}

struct Obligation {
    kind: ReportKind,
    period: ReportingPeriod,
    due: Due,
    drafts: Vec<DraftRow>,
    subs: Vec<(SubmissionRow, Vec<LinkStatus>)>,
}

type Reviews = std::collections::HashMap<String, crate::db::notices::NoticeRow>;

fn due(node: &Node, kind: ReportKind, period: ReportingPeriod) -> Due {
    let Ok(pack) = node.rules.get().pack_for(period.end()) else {
        return Due::Unset;
    };
    let form = pack.form(kind);
    if let Ok(date) = pack.deadline(kind, Tier::Province, period.end_year()) {
        let spec = form.and_then(|f| f.deadlines.iter().find(|d| d.to == Tier::Province));
        return Due::Date {
            date,
            source: spec.and_then(|s| s.source.clone()),
            unverified: spec.is_some_and(|s| s.unverified),
        };
    }
    match form.and_then(|f| f.deadline_hours) {
        Some(h) => Due::OnDiscovery(h),
        None => Due::Unset,
    }
}

fn days_left(date: NaiveDate, today: NaiveDate) -> Markup {
    let n = (date - today).num_days();
    html! {
        @if n > 0 { span.muted { " (còn " (n) " ngày)" } }
        @else if n == 0 { span.error { " (hôm nay là hạn cuối)" } }
        @else { span.error { " (quá hạn " (-n) " ngày)" } }
    }
}

fn due_cell(due: &Due, done: bool, today: NaiveDate) -> Markup {
    html! {
        @match due {
            Due::Date { date, source, unverified } => {
                b { (fmt_date(*date)) }
                @if !done { (days_left(*date, today)) }
                @if let Some(s) = source {
                    div.hint { "Căn cứ: " (s) @if *unverified { " (có thể thay đổi theo hướng dẫn của tỉnh)" } }
                }
            }
            Due::OnDiscovery(h) => { "Ngay khi phát hiện, chậm nhất " (h) " giờ" }
            Due::Unset => { "Khi cấp trên yêu cầu" }
        }
    }
}

fn state_cell(o: &Obligation, reviews: &Reviews) -> Markup {
    html! {
        @if let Some((sub, links)) = o.subs.first() {
            @if links.len() > 1 { @if let Some(state) = status::overall(links) { (status::badge(state)) } }
            div.muted { "Ký lúc " (fmt_utc(sub.created_at)) }
            (status::render(links))
            div { (reviews::badge(reviews.get(&sub.digest))) }
            a href=(routes::print(&sub.report_id)) { "Xem, in báo cáo" }
        } @else if let Some(d) = o.drafts.first() {
            span.state.s-draft { "Bản nháp" }
            div.muted { "Lưu lần cuối " (fmt_utc(d.updated_at)) }
            a href=(routes::draft(&d.report_id)) { "Tiếp tục soạn" }
        } @else {
            span.state.s-none { "Chưa lập" }
            div { a href=(routes::new_draft(o.kind)) { "Lập báo cáo" } }
        }
    }
}

fn incident_cell(o: &Obligation) -> Markup {
    html! {
        @if o.subs.is_empty() && o.drafts.is_empty() {
            div.muted { "Chưa có vụ việc nào được báo cáo trong kỳ." }
        }
        @for d in &o.drafts {
            div { span.state.s-draft { "Bản nháp" } " "
                a href=(routes::draft(&d.report_id)) { "lưu lúc " (fmt_utc(d.updated_at)) } }
        }
        @for (sub, links) in &o.subs {
            div {
                @if let Some(state) = status::overall(links) { (status::badge(state)) }
                " " a href=(routes::print(&sub.report_id)) { "ký lúc " (fmt_utc(sub.created_at)) }
            }
        }
        div { a.button href=(routes::new_draft(ReportKind::IncidentReport)) { "Lập báo cáo đột xuất" } }
    }
}

/// GET /
pub async fn home(viewer: Viewer, node: web::Data<Node>, q: web::Query<NoticeQuery>) -> WebResult {
    let today = today();
    let annual = ReportingPeriod::annual_containing(today);
    let wanted = [
        (ReportKind::AnnualReport, annual),
        (ReportKind::ImplementationPlan, annual),
        (ReportKind::ComplianceStatus, annual),
        (ReportKind::IncidentReport, annual),
    ];
    let (found, outbox, receipts, all_drafts, (reviews, returned), requests) =
        db(&node, move |c| {
            let mut found = Vec::new();
            for (kind, period) in wanted {
                let p = period.to_string();
                let subs = queries::submissions_of(c, kind.code(), &p)?;
                found.push((kind, period, queries::drafts_of(c, kind.code(), &p)?, subs));
            }
            let ids: Vec<String> = found
                .iter()
                .flat_map(|f| f.3.iter().map(|s| s.report_id.clone()))
                .collect();
            let outbox = queries::outbox_of(c, &ids)?;
            let receipts = queries::receipts_of(c, &ids)?;
            let reviews = (reviews::current(c, &ids)?, reviews::waiting(c)?);
            let requests = super::requests::all(c)?;
            Ok((found, outbox, receipts, drafts::all(c)?, reviews, requests))
        })
        .await?;
    let obligations: Vec<Obligation> = found
        .into_iter()
        .map(|(kind, period, drafts, subs)| Obligation {
            kind,
            period,
            due: due(&node, kind, period),
            drafts,
            subs: subs
                .into_iter()
                .map(|s| {
                    let links = status::of(&s, &outbox, &receipts);
                    (s, links)
                })
                .collect(),
        })
        .collect();
    let pack = node.rules.get().pack_for(annual.end()).ok();
    let upcoming = node.rules.upcoming(today);
    let content = html! {
        @if let Some(w) = node.trust.status().warning_vi() { p.error { (w) } }
        @for p in &upcoming {
            div.notice role="status" {
                p { b { "Quy định mới sắp có hiệu lực: " } (p.title) }
                p { "Áp dụng từ ngày " b { (fmt_date(p.valid_from)) } ": các kỳ báo cáo từ ngày đó                      dùng biểu mẫu và hạn gửi theo quy định này; báo cáo các kỳ trước vẫn theo                      quy định cũ." }
            }
        }
        (reviews::returned_section(&returned, &viewer.csrf))
        h1 { "Nhiệm vụ báo cáo của đơn vị" }
        p {
            "Hôm nay: " b { (fmt_date(today)) } ". Kỳ báo cáo năm " (annual.end_year()) ": từ "
            (fmt_date(annual.start())) " đến " (fmt_date(annual.end())) "."
            @if let Some(p) = pack { br; span.muted { "Quy định áp dụng: " (p.title) } }
        }
        p { (reviews::pull_button(&viewer.csrf, routes::HOME)) }
        table {
            thead { tr { th { "Báo cáo" } th { "Kỳ" } th { "Hạn gửi về tỉnh" } th { "Tình trạng" } } }
            tbody {
                @for o in &obligations {
                    tr {
                        td { b { (o.kind.label_vi()) } }
                        td { @if o.kind == ReportKind::IncidentReport { "Khi phát hiện vụ lộ, mất" }
                             @else { "Năm " (o.period.end_year()) } }
                        td { (due_cell(&o.due, !o.subs.is_empty(), today)) }
                        td { @if o.kind == ReportKind::IncidentReport { (incident_cell(o)) } @else { (state_cell(o, &reviews)) } }
                    }
                }
            }
        }
        (super::requests::section(&requests, &viewer.csrf, today))
        h2 { "Bản nháp đang soạn" }
        @if all_drafts.is_empty() { p.muted { "Không có bản nháp nào." } }
        @else {
            table {
                thead { tr { th { "Báo cáo" } th { "Kỳ" } th { "Lưu lần cuối" } th {} } }
                tbody {
                    @for d in &all_drafts {
                        tr {
                            td { (ReportKind::parse(&d.kind).map_or("Báo cáo", |k| k.label_vi())) }
                            td { (d.period) }
                            td { (fmt_utc(d.updated_at)) }
                            td { a href=(routes::draft(&d.report_id)) { "Mở" } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        node.settings.unit.name.as_str(),
        "Trang chủ",
        q.message(),
        content,
    )))
}
