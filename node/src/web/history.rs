//! The history page (`/lich-su`): every signed submission, newest first, with its kind,
//! period, classification, short digest, who approved it and when, and per link its state with
//! the receipt (receiver, time received in +07:00, outcome) or the rejection reason, and the
//! parent's review (tiếp nhận, or trả lại with the reason). An amendment is a row of its own,
//! so every version stays visible with its receipt and review.

use actix_web::web;
use maud::html;
use schema::{Classification, ReportKind};

use super::error::WebResult;
use super::layout::{self, fmt_utc, short_digest, NoticeQuery};
use super::queries;
use super::routes;
use super::session::{db, Viewer};
use super::status;
use super::widgets::classification_name;
use crate::db::submissions;

/// Most submissions listed.
const LIMIT: i64 = 2_000;

/// GET /lich-su
pub async fn history(
    viewer: Viewer,
    node: web::Data<crate::app::Node>,
    q: web::Query<NoticeQuery>,
) -> WebResult {
    let (subs, outbox, receipts, names, reviews) = db(&node, |c| {
        let subs = submissions::recent(c, LIMIT)?;
        let ids: Vec<String> = subs.iter().map(|s| s.report_id.clone()).collect();
        let outbox = queries::outbox_of(c, &ids)?;
        let receipts = queries::receipts_of(c, &ids)?;
        let reviews = super::reviews::current(c, &ids)?;
        let mut names = std::collections::HashMap::new();
        for s in &subs {
            if !names.contains_key(&s.approved_by) {
                let n = queries::display_name(c, &s.approved_by)?;
                names.insert(
                    s.approved_by.clone(),
                    n.unwrap_or_else(|| s.approved_by.clone()),
                );
            }
        }
        Ok((subs, outbox, receipts, names, reviews))
    })
    .await?;
    let content = html! {
        h1 { "Lịch sử gửi báo cáo" }
        @if subs.is_empty() {
            p.muted { "Chưa có báo cáo nào được duyệt và ký gửi." }
        } @else {
            table {
                thead { tr {
                    th { "Báo cáo" } th { "Kỳ" } th { "Độ mật" } th { "Duyệt, ký" }
                    th { "Mã nội dung" } th { "Tình trạng gửi" } th { "Cấp trên xem xét" }
                } }
                tbody {
                    @for s in &subs {
                        @let links = status::of(s, &outbox, &receipts);
                        tr {
                            td {
                                b { (ReportKind::parse(&s.kind).map_or(s.kind.as_str(), |k| k.label_vi())) }
                                div { a href=(routes::print(&s.report_id)) { "Xem, in" } }
                                div.hint { "Mã báo cáo: " code { (s.report_id) } }
                            }
                            td { (s.period) }
                            td { (Classification::parse(&s.classification)
                                    .map_or(s.classification.as_str(), |c| classification_name(c))) }
                            td {
                                (fmt_utc(s.created_at))
                                div.muted { (names.get(&s.approved_by).map_or(s.approved_by.as_str(), String::as_str)) }
                            }
                            td { code title=(s.digest) { (short_digest(&s.digest)) } }
                            td { (status::render(&links)) }
                            td { (super::reviews::badge(reviews.get(&s.digest))) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        node.settings.unit.name.as_str(),
        "Lịch sử gửi",
        q.message(),
        content,
    )))
}
