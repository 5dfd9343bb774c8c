//! Reviewing a received version from its page: the review state, every verdict given on the
//! report, and the form (accept, or return with a mandatory reason and optional pointers).
//! `POST /bao-cao/{report_id}/{digest}/xem-xet` records the verdict ([`crate::review::decide`]):
//! signed, queued as a notice for the unit's node, audited, mailed to the unit. A refusal of
//! the state machine or a missing reason shows the form again with the message and what was
//! typed, without the report's content (an incident's content is shown only on its page,
//! where each view is audited).

use actix_web::http::StatusCode;
use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::{WebError, WebResult};
use node::web::layout::{self, csrf_field, fmt_utc};
use node::web::session::Viewer;
use schema::{ReportKind, Verdict};

use super::{db, report_path, Ui};
use crate::review::{self, Decision, History, ReviewError, Reviewer, State};
use crate::store::received;

type Pairs = web::Form<Vec<(String, String)>>;

pub fn decide_path(report_id: &str, digest: &str) -> String {
    format!("{}/xem-xet", report_path(report_id, digest))
}

/// The state as a coloured label.
pub fn badge(s: State) -> Markup {
    let class = match s {
        State::Pending | State::Resubmitted => "s-pending",
        State::Accepted => "s-delivered",
        State::Returned => "s-rejected",
        State::Superseded => "s-none",
    };
    html! { span class={ "state " (class) } { (s.label_vi()) } }
}

/// What was typed into the form (to show it again after a refusal).
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub reason: String,
    pub pointers: String,
    pub error: Option<String>,
}

/// The review part of a version's page.
pub fn section(viewer: &Viewer, h: &History, digest: &str, typed: &Typed) -> Markup {
    let Some(facts) = h.facts(digest, false) else {
        return html! {};
    };
    let state = State::of(&facts);
    let id = h.versions.first().map_or("", |v| v.report_id.as_str());
    html! {
        h2 { "Xem xét" }
        p { "Tình trạng: " (badge(state)) }
        @if !h.reviews.is_empty() {
            table {
                tr { th { "Lúc" } th { "Bản" } th { "Ý kiến" } th { "Lý do, mục cần sửa" } th { "Người xem xét" } }
                @for r in &h.reviews {
                    tr {
                        td { (fmt_utc(r.decided_at)) }
                        td { code title=(r.digest) { (layout::short_digest(&r.digest)) } }
                        td { (Verdict::parse(&r.verdict).map_or(r.verdict.as_str(), |v| v.label_vi())) }
                        td { (r.reason.as_deref().unwrap_or("")) @if !r.pointers.is_empty() { div.hint { (r.pointers.replace('\n', "; ")) } } }
                        td { (r.reviewer) }
                    }
                }
            }
        }
        @if state.open() {
            form.box method="post" action=(decide_path(id, digest)) {
                (csrf_field(&viewer.csrf))
                @if let Some(e) = &typed.error { p.error { (e) } }
                label for="reason" { "Lý do (bắt buộc khi trả lại)" }
                textarea #reason name="reason" rows="4" cols="70" { (typed.reason) }
                label for="pointers" { "Mục, chỉ tiêu cần sửa (mỗi dòng một mục, ví dụ «Mục c» hoặc «so_lop_tap_huan»)" }
                textarea #pointers name="pointers" rows="2" cols="70" { (typed.pointers) }
                div.actions {
                    @if state != State::Accepted {
                        button.primary type="submit" name="verdict" value="accepted" { "Tiếp nhận" }
                    }
                    button type="submit" name="verdict" value="returned" { "Trả lại để sửa, bổ sung" }
                }
            }
        } @else if state == State::Returned {
            p.muted { "Đã trả lại; chờ đơn vị sửa và nộp lại." }
        } @else if state == State::Superseded {
            p.muted { "Đơn vị đã gửi bản sửa đổi; xem xét bản mới nhất ở trang đơn vị." }
        }
    }
}

fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

/// POST /bao-cao/{report_id}/{digest}/xem-xet
pub async fn decide(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    path: web::Path<(String, String)>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let (report_id, digest) = path.into_inner();
    let verdict = Verdict::parse(&field(&form, "verdict"))
        .ok_or_else(|| WebError::BadRequest("Hãy chọn «Tiếp nhận» hoặc «Trả lại».".into()))?;
    let d = Decision {
        report_id: report_id.clone(),
        digest: digest.clone(),
        verdict,
        reason: field(&form, "reason"),
        pointers: field(&form, "pointers"),
        reviewer: viewer.actor().to_string(),
        reviewer_name: viewer.user.display_name.clone(),
    };
    let (rid, dig) = (report_id.clone(), digest.clone());
    let row = db(&ui, move |c| Ok(received::get(c, &rid, &dig)?))
        .await?
        .ok_or(WebError::NotFound)?;
    if row.kind == ReportKind::IncidentReport.code() && !viewer.can_approve() {
        return Err(WebError::forbidden(
            "Báo cáo đột xuất về lộ, mất bí mật nhà nước chỉ lãnh đạo (hoặc quản trị) xem xét.",
        ));
    }
    let (own_pool, period, dig) = (own.pool.clone(), row.period.clone(), digest.clone());
    let counted = web::block(move || review::own::counted(&own_pool, &period, &dig))
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?
        .map_err(WebError::Internal)?;
    let (ui2, own2, d2) = (ui.clone(), own.clone(), d.clone());
    let result = web::block(move || -> anyhow::Result<Result<(), ReviewError>> {
        let mut c = ui2.pool.get()?;
        let by = Reviewer {
            signer: &own2.signer,
            mail_from: Some(&ui2.mail_from),
            now: layout::now_local(),
        };
        Ok(review::decide(&mut c, &by, &d2, counted).map(|_| ()))
    })
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!("{e}")))?
    .map_err(WebError::Internal)?;
    let error = match result {
        Ok(()) => {
            ui.mail_wake.notify_one();
            tracing::info!(report = %report_id, verdict = verdict.code(), "review recorded");
            return Ok(layout::see_other(&format!(
                "{}?tb=da-xem-xet",
                report_path(&report_id, &digest)
            )));
        }
        Err(ReviewError::NotFound) => return Err(WebError::NotFound),
        Err(ReviewError::Internal(e)) => return Err(WebError::Internal(e)),
        Err(ReviewError::Invalid(m)) => m,
        Err(ReviewError::Refused(r)) => r.message_vi().to_string(),
    };
    let rid = report_id.clone();
    let history = db(&ui, move |c| Ok(History::load(c, &rid)?)).await?;
    let typed = Typed {
        reason: d.reason,
        pointers: d.pointers,
        error: Some(error),
    };
    let body = html! {
        h1 { "Xem xét báo cáo" }
        p { a href=(report_path(&report_id, &digest)) { "Về trang báo cáo" } }
        (section(&viewer, &history, &digest, &typed))
    };
    Ok(layout::html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        layout::page(&viewer, &ui.unit_name, "Xem xét báo cáo", None, body),
    ))
}
