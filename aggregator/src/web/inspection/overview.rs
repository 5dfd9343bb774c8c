//! `GET /kiem-tra`: the overview of inspections: findings past their remediation deadline,
//! the latest inspections, the violations found per year (by kind), the plans issued and the
//! notices due to be sent today.

use actix_web::web;
use maud::html;
use node::web::error::WebResult;
use node::web::layout;
use node::web::session::Viewer;
use schema::ViolationKind;

use super::super::{db, unit_path, Ui};
use super::{date, detail_path, kind_label, notice, num, page, NoticeQuery, RECORD, RISK};
use crate::inspection::{self, plans, store};

pub(super) async fn overview(
    viewer: Viewer,
    ui: web::Data<Ui>,
    q: web::Query<NoticeQuery>,
) -> WebResult {
    let today = layout::today();
    let scope = ui.unit.clone();
    let (overdue, recent, series, plan_rows, due) = db(&ui, move |c| {
        Ok((
            inspection::overdue_remediations(c, today)?,
            store::recent(c, None, 50)?,
            inspection::violations_by_year(c, &scope)?,
            plans::all(c)?,
            inspection::notices_due(c, today)?,
        ))
    })
    .await?;
    let years: Vec<i32> = series.keys().copied().collect();
    let kinds: Vec<ViolationKind> = {
        let mut k: Vec<_> = series.values().flat_map(|m| m.keys().copied()).collect();
        k.sort();
        k.dedup();
        k
    };
    let body = html! {
        h1 { "Kiểm tra việc chấp hành" }
        p.actions {
            a.button href=(RISK) { "Điểm rủi ro các đơn vị" }
            @if viewer.can_approve() { a.button href=(RECORD) { "Ghi nhận kết quả kiểm tra" } }
        }
        h2 { "Vi phạm quá hạn khắc phục (" (overdue.len()) ")" }
        @if overdue.is_empty() { p.muted { "Không có." } } @else {
            table {
                tr { th { "Đơn vị" } th { "Vi phạm" } th { "Hạn khắc phục" } th { "Quá hạn" } th { "Cuộc kiểm tra" } }
                @for o in &overdue {
                    tr {
                        td { a href=(unit_path(&o.unit)) { code { (o.unit) } } }
                        td { (kind_label(&o.finding.kind)) }
                        td { (o.finding.remediation_deadline.map(date).unwrap_or_default()) }
                        td { (o.days_overdue) " ngày" }
                        td { a href=(detail_path(&o.inspection_id)) { (o.decision_ref) } }
                    }
                }
            }
        }
        h2 { "Các cuộc kiểm tra gần đây" }
        @if recent.is_empty() { p.muted { "Chưa ghi nhận cuộc kiểm tra nào." } } @else {
            table {
                tr { th { "Kết thúc" } th { "Đơn vị" } th { "Quyết định" } th { "Gửi cấp trên" } }
                @for r in &recent {
                    tr {
                        td { (date(r.ended_on)) }
                        td { a href=(unit_path(&r.unit)) { code { (r.unit) } } }
                        td { a href=(detail_path(&r.id)) { (r.decision_ref) } }
                        td { @if r.sent_at.is_some() { "Đã gửi" } @else { span.muted { "Chưa gửi" } } }
                    }
                }
            }
        }
        @if !years.is_empty() {
            h2 { "Vi phạm phát hiện theo năm" }
            table {
                tr { th { "Loại vi phạm" } @for y in &years { th { (y) } } }
                @for k in &kinds {
                    tr { td { (k.label_vi()) }
                         @for y in &years { td { (series.get(y).and_then(|m| m.get(k)).copied().unwrap_or(0)) } } }
                }
            }
        }
        h2 { "Kế hoạch kiểm tra đã ban hành" }
        @if plan_rows.is_empty() { p.muted { "Chưa có (lập bằng lệnh bmnn-aggregator plan)." } } @else {
            table {
                tr { th { "Mã" } th { "Đợt kiểm tra" } th { "Thời gian" } th { "Seed" } th { "Rủi ro bao phủ / cận trên" } }
                @for p in &plan_rows {
                    tr {
                        td { code { (p.id) } }
                        td { (p.campaign) }
                        td { (date(p.period_start)) " – " (date(p.period_end)) }
                        td { (p.seed) }
                        td { (num(p.covered_risk, 1)) " / " (num(p.upper_bound, 1)) }
                    }
                }
            }
        }
        h2 { "Thông báo kiểm tra đến hạn gửi (" (due.len()) ")" }
        @if !due.is_empty() {
            table {
                tr { th { "Hạn gửi" } th { "Đơn vị" } th { "Ngày kiểm tra" } th { "Người nhận" } }
                @for n in &due {
                    tr {
                        td { (date(n.due_on)) }
                        td { code { (n.unit) } }
                        td { (date(n.visit_date)) }
                        td { (n.recipient.as_deref().unwrap_or("(chưa có địa chỉ thư)")) }
                    }
                }
            }
        }
    };
    page(&viewer, &ui, "Kiểm tra", notice(q.tb.as_deref()), body)
}
