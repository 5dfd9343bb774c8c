//! "Sửa và nộp lại": amending a signed report. `POST /bao-cao/{id}/sua` opens a draft of the
//! same report id, pre-filled with the fields the latest version was approved from (or the
//! form's defaults for a version signed before they were kept), that names the latest
//! version in `supersedes`. Approving it signs a new version that amends the old one; the
//! parent stores it as an amendment and its review starts again ("đã nộp lại"). Officers,
//! heads and admins may open it; only a head or an admin approves it, as any draft.

use crate::db::any::AnyConn;
use actix_web::web;
use schema::{Envelope, ReportId, ReportKind};

use super::error::{WebError, WebResult};
use super::layout;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::submissions::{self, SubmissionRow};
use crate::db::{self as store, audit, drafts, notices};
use crate::forms::{self, RawForm};

type Pairs = web::Form<Vec<(String, String)>>;

/// The version of `report_id` that no other stored version amends (the one an amendment
/// must name); `None` when the report was never signed here.
pub fn latest_version(c: &mut AnyConn, report_id: &str) -> anyhow::Result<Option<SubmissionRow>> {
    let versions = submissions::versions(c, report_id)?;
    let mut amended = Vec::new();
    for v in &versions {
        let env: Envelope = schema::decode(v.envelope.as_bytes())?;
        if let Some(d) = env.body.supersedes {
            amended.push(d.to_string());
        }
    }
    Ok(versions.into_iter().find(|v| !amended.contains(&v.digest)))
}

/// The parent's review that returned the version an amendment draft corrects.
pub fn why_returned(
    c: &mut AnyConn,
    draft: Option<&drafts::DraftRow>,
) -> anyhow::Result<Option<schema::Review>> {
    let Some(d) = draft else { return Ok(None) };
    let Some(digest) = &d.supersedes else {
        return Ok(None);
    };
    Ok(
        super::reviews::current(c, std::slice::from_ref(&d.report_id))?
            .remove(digest)
            .and_then(|r| r.review()),
    )
}

/// The draft page's notice: `message` (after a redirect), then the reason of the return.
pub fn with_banner(message: Option<&str>, why: Option<&schema::Review>) -> Option<String> {
    let banner = why.map(|r| {
        let mut m = String::from("Bản sửa đổi của báo cáo bị cấp trên trả lại.");
        if let Some(reason) = &r.reason {
            m.push_str(&format!(" Lý do: {reason}"));
        }
        if !r.pointers.is_empty() {
            let p: Vec<&str> = r.pointers.iter().map(|p| p.as_str()).collect();
            m.push_str(&format!(" Mục cần xem lại: {}.", p.join("; ")));
        }
        m
    });
    match (message, banner) {
        (Some(m), Some(b)) => Some(format!("{m} {b}")),
        (m, b) => b.or(m.map(str::to_string)),
    }
}

/// POST /bao-cao/{id}/sua
pub async fn amend(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let id = ReportId::parse(&id)
        .map_err(|_| WebError::NotFound)?
        .to_string();
    let (idc, actor, user) = (id.clone(), viewer.actor().to_string(), viewer.user.id);
    let today = layout::today();
    db(&node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<Result<(), WebError>> {
            if drafts::get(c, &idc)?.is_some() {
                return Ok(Ok(()));
            }
            let Some(latest) = latest_version(c, &idc)? else {
                return Ok(Err(WebError::NotFound));
            };
            let Some(kind) = ReportKind::parse(&latest.kind).ok().filter(|k| {
                forms::DRAFTABLE.contains(k)
                    || matches!(k, ReportKind::Document | ReportKind::Acknowledgment)
            }) else {
                return Ok(Err(WebError::BadRequest(
                    "Loại báo cáo này không sửa trên giao diện được.".into(),
                )));
            };
            let form_json = match notices::form_of(c, &idc, &latest.digest)? {
                Some(json) => json,
                None => {
                    let mut raw = forms::defaults(kind, today);
                    raw.set("period", latest.period.clone());
                    raw.set("classification", latest.classification.clone());
                    raw.to_json()
                }
            };
            let raw = RawForm::from_json(&form_json);
            // The amendment answers the same request and starts with the same files.
            let sent: Envelope = schema::decode(latest.envelope.as_bytes())?;
            for a in sent.body.attachments.iter() {
                if let Some(bytes) = crate::db::attachments::bytes(c, &a.sha256)? {
                    crate::db::attachments::attach(c, &idc, a, &bytes)?;
                }
            }
            drafts::upsert(
                c,
                &drafts::DraftRow {
                    report_id: idc.clone(),
                    kind: kind.code().into(),
                    period: raw.get("period").to_string(),
                    classification: raw.get("classification").to_string(),
                    form_json,
                    supersedes: Some(latest.digest.clone()),
                    created_by: user,
                    updated_at: store::now(),
                    in_reply_to: sent.body.in_reply_to.as_ref().map(ToString::to_string),
                },
            )?;
            audit::append(c, &actor, "amend_start", &idc, &latest.digest)?;
            Ok(Ok(()))
        })
    })
    .await??;
    Ok(layout::see_other(&routes::with_notice(
        &routes::draft(&id),
        "dang-sua",
    )))
}
