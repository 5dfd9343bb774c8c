//! What the parents said about the unit's reports: the current review of each version (from
//! the `review` notices the node pulled), the returned reports waiting for an amendment (the
//! first thing on the home page), and the review badge shown beside a version.

use crate::db::any::AnyConn;
use std::collections::HashMap;

use maud::{html, Markup};
use schema::{ReportKind, Verdict};

use super::layout::{csrf_field, fmt_rfc3339};
use super::routes;
use crate::db::drafts;
use crate::db::notices::{self, NoticeRow};

/// The current review of each version (by digest) of the given reports.
pub fn current(
    c: &mut AnyConn,
    report_ids: &[String],
) -> diesel::QueryResult<HashMap<String, NoticeRow>> {
    let mut out = HashMap::new();
    for r in notices::reviews_of(c, report_ids)? {
        if let Some(d) = r.report_digest.clone() {
            out.insert(d, r);
        }
    }
    Ok(out)
}

/// A returned report whose latest version is the one returned.
#[derive(Debug, Clone)]
pub struct Returned {
    pub review: NoticeRow,
    pub kind: String,
    pub period: String,
    /// An amendment draft is open.
    pub drafting: bool,
}

/// The returned reports still waiting for an amendment, newest verdict first.
pub fn waiting(c: &mut AnyConn) -> anyhow::Result<Vec<Returned>> {
    let mut out: Vec<Returned> = Vec::new();
    for r in notices::returned(c)? {
        let (Some(id), Some(digest)) = (r.report_id.clone(), r.report_digest.clone()) else {
            continue;
        };
        if out
            .iter()
            .any(|o| o.review.report_id.as_deref() == Some(id.as_str()))
        {
            continue;
        }
        let Some(latest) = super::amend::latest_version(c, &id)? else {
            continue;
        };
        let still = latest.digest == digest
            && current(c, std::slice::from_ref(&id))?
                .get(&digest)
                .is_some_and(|cur| cur.notice_id == r.notice_id);
        if still {
            out.push(Returned {
                drafting: drafts::get(c, &id)?.is_some(),
                kind: latest.kind,
                period: latest.period,
                review: r,
            });
        }
    }
    Ok(out)
}

/// Who sent a notice, as a person reads it: the link it came over (its configured name, e.g.
/// "Công an tỉnh Đồng Nai (PA03)"), or the issuer's code for one imported from a USB drive.
fn from_label(n: &NoticeRow) -> String {
    if n.source == "bundle" {
        format!("cấp trên {} (qua USB)", n.issuer)
    } else {
        n.source.clone()
    }
}

/// The home page's first section: what the parents sent back, with the reason.
pub fn returned_section(list: &[Returned], csrf: &str) -> Markup {
    html! {
        @if !list.is_empty() {
            section.returned {
                h2 { "Báo cáo bị cấp trên trả lại (" (list.len()) ")" }
                @for r in list {
                    @let review = r.review.review();
                    @let id = r.review.report_id.as_deref().unwrap_or_default();
                    div.card {
                        b { (ReportKind::parse(&r.kind).map_or(r.kind.as_str(), |k| k.label_vi())) " kỳ " (r.period) }
                        div.muted { "Trả lại lúc " (fmt_rfc3339(&r.review.issued_at)) " — " (from_label(&r.review)) }
                        @if let Some(rv) = &review {
                            @if let Some(reason) = &rv.reason { p { b { "Lý do: " } (reason) } }
                            @if !rv.pointers.is_empty() {
                                p { "Mục cần xem lại: " (rv.pointers.iter().map(|p| p.as_str()).collect::<Vec<_>>().join("; ")) }
                            }
                        }
                        @if r.drafting {
                            a.button href=(routes::draft(id)) { "Tiếp tục sửa" }
                        } @else {
                            form method="post" action=(routes::amend(id)) {
                                (csrf_field(csrf))
                                button type="submit" { "Sửa và nộp lại" }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// POST /thong-bao/nhan: "Nhận thông báo ngay" — pulls the parents' notices now (the pusher
/// also pulls on its interval and after every delivery), then back to where the user was.
pub async fn pull_now(
    viewer: super::session::Viewer,
    node: actix_web::web::Data<crate::app::Node>,
    form: actix_web::web::Form<Vec<(String, String)>>,
) -> super::error::WebResult {
    viewer.check_csrf(&form)?;
    let r = node.pusher.pull_once().await;
    let code = if r.failed > 0 {
        "tb-loi"
    } else if r.stored > 0 {
        "tb-moi"
    } else {
        "tb-khong"
    };
    let back = form
        .iter()
        .find(|(k, _)| k == "back")
        .map(|(_, v)| v.as_str())
        .filter(|v| v.starts_with('/') && !v.starts_with("//"))
        .unwrap_or(routes::HOME);
    Ok(super::layout::see_other(&routes::with_notice(back, code)))
}

/// The "Nhận thông báo ngay" button, returning to `back`.
pub fn pull_button(csrf: &str, back: &str) -> Markup {
    html! {
        form.inline method="post" action=(routes::PULL_NOTICES) {
            (csrf_field(csrf))
            input type="hidden" name="back" value=(back);
            button type="submit" { "Nhận thông báo từ cấp trên ngay" }
        }
    }
}

/// The review badge of one version, with the reason when returned.
pub fn badge(review: Option<&NoticeRow>) -> Markup {
    let verdict = review
        .and_then(|r| r.verdict.as_deref())
        .and_then(Verdict::parse);
    html! {
        @match verdict {
            None => span.muted { "Cấp trên chưa xem xét" },
            Some(Verdict::Accepted) => span.state.s-delivered { "Cấp trên đã tiếp nhận" },
            Some(Verdict::Returned) => {
                span.state.s-rejected { "Bị trả lại" }
                @if let Some(reason) = review.and_then(NoticeRow::review).and_then(|r| r.reason) {
                    div.hint { "Lý do: " (reason) }
                }
            }
        }
    }
}
