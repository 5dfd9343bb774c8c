//! `GET /bao-cao-da-gui`: what this aggregator signed and sent to its parent (consolidated
//! reports, inspection results), newest first, with the parent's receipt and review: a
//! consolidated report the nation returned shows here with the reason. "Nhận thông báo ngay"
//! pulls the parent's notices at once (the node's `POST /thong-bao/nhan`).

use actix_web::web;
use maud::html;
use node::app::Node;
use node::db::{receipts, submissions};
use node::web::error::WebResult;
use node::web::layout::{self, fmt_rfc3339, fmt_utc, short_digest};
use node::web::reviews;
use node::web::session::Viewer;
use schema::ReportKind;

use super::Ui;

pub const SENT: &str = "/bao-cao-da-gui";

/// Rows shown at most.
const LIMIT: i64 = 200;

pub async fn sent(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    q: web::Query<layout::NoticeQuery>,
) -> WebResult {
    let (subs, receipts, reviews) = node::web::session::db(&own, move |c| {
        let subs = submissions::recent(c, LIMIT)?;
        let ids: Vec<String> = subs.iter().map(|s| s.report_id.clone()).collect();
        let receipts = node::web::queries::receipts_of(c, &ids)?;
        let reviews = reviews::current(c, &ids)?;
        Ok((subs, receipts, reviews))
    })
    .await?;
    let body = html! {
        h1 { "Báo cáo đã gửi cấp trên" }
        @if !own.settings.upstream.is_empty() {
            p { (reviews::pull_button(&viewer.csrf, SENT)) }
        }
        @if subs.is_empty() {
            p.muted { "Chưa gửi báo cáo nào lên cấp trên." }
        } @else {
            table {
                tr { th { "Báo cáo" } th { "Kỳ" } th { "Ký lúc" } th { "Mã nội dung" } th { "Biên nhận" } th { "Cấp trên xem xét" } }
                @for s in &subs {
                    @let got: Vec<&receipts::ReceiptRow> = receipts.iter().filter(|r| r.report_id == s.report_id && r.digest == s.digest).collect();
                    tr {
                        td { (ReportKind::parse(&s.kind).map_or(s.kind.as_str(), |k| k.label_vi())) }
                        td { (s.period) }
                        td { (fmt_utc(s.created_at)) }
                        td { code title=(s.digest) { (short_digest(&s.digest)) } }
                        td {
                            @if got.is_empty() { span.muted { "Chưa có" } }
                            @for r in &got { div { (r.receiver) " — " (fmt_rfc3339(&r.received_at)) } }
                        }
                        td { (reviews::badge(reviews.get(&s.digest))) }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Báo cáo đã gửi cấp trên",
        q.message(),
        body,
    )))
}
