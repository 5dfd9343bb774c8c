//! Drafts: the new-form page, showing a draft (an incident draft's view is audited), saving
//! the raw fields (valid or not, audited), deleting, and approval — "Duyệt và ký gửi": the
//! fields are saved, parsed and checked; on success the `Submission` is built, signed with the
//! unit's key, stored and queued per link (`queue::queue_envelope`, audited), the draft is
//! deleted and the pusher woken. Only a head or an admin may approve. Deleting: `draft_delete`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use schema::{Envelope, Protocol, ReportId, ReportKind, Submission};

use super::error::{WebError, WebResult};
use super::form_view::{self, FormPage};
use super::layout::{self, now_local, today, NoticeQuery};
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::{self, audit, drafts, outbox, submissions};
use crate::forms::{self, messages, FormErrors, RawForm};

type Pairs = web::Form<Vec<(String, String)>>;

pub(super) fn report_id(raw: &str) -> Result<ReportId, WebError> {
    ReportId::parse(raw).map_err(|_| WebError::NotFound)
}

/// Kinds a unit starts a blank form of.
fn draftable(code: &str) -> Option<ReportKind> {
    forms::DRAFTABLE.into_iter().find(|k| k.code() == code)
}

/// Kinds a stored draft may have: those, documents and acknowledgments (opened from a
/// request or a directive).
pub(super) fn draft_kind(code: &str) -> Option<ReportKind> {
    draftable(code).or_else(|| {
        [ReportKind::Document, ReportKind::Acknowledgment]
            .into_iter()
            .find(|k| k.code() == code)
    })
}

/// GET /ban-nhap/moi/{kind}
pub async fn new_form(viewer: Viewer, node: web::Data<Node>, kind: web::Path<String>) -> WebResult {
    let kind = draftable(&kind).ok_or(WebError::NotFound)?;
    let raw = forms::defaults(kind, today());
    let id = ReportId::random();
    let page = FormPage {
        kind,
        report_id: id.as_str(),
        raw: &raw,
        errors: &FormErrors::default(),
        is_new: true,
        updated_at: None,
        attachments: &[],
    };
    Ok(layout::ok(form_view::render(&node, &viewer, &page, None)))
}

/// GET /ban-nhap/{id}
pub async fn show(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    q: web::Query<NoticeQuery>,
) -> WebResult {
    let id = report_id(&id)?.to_string();
    let (idc, actor) = (id.clone(), viewer.actor().to_string());
    let (draft, submitted, why, files) = db(&node, move |c| {
        let d = drafts::get(c, &idc)?;
        if d.as_ref()
            .is_some_and(|d| d.kind == ReportKind::IncidentReport.code())
        {
            c.write_transaction(|c| audit::append(c, &actor, "view_incident", &idc, "draft"))?;
        }
        let submitted = d.is_none() && !submissions::versions(c, &idc)?.is_empty();
        let why = super::amend::why_returned(c, d.as_ref())?;
        let files = crate::db::attachments::of_draft(c, &idc)?;
        Ok((d, submitted, why, files))
    })
    .await?;
    let Some(draft) = draft else {
        return if submitted {
            Ok(layout::see_other(&routes::print(&id)))
        } else {
            Err(WebError::NotFound)
        };
    };
    let kind = draft_kind(&draft.kind).ok_or(WebError::NotFound)?;
    let raw = RawForm::from_json(&draft.form_json);
    let page = FormPage {
        kind,
        report_id: &id,
        raw: &raw,
        errors: &FormErrors::default(),
        is_new: false,
        updated_at: Some(draft.updated_at),
        attachments: &files,
    };
    // An amendment: what the parent said, above the form, while it is being corrected.
    let notice = super::amend::with_banner(q.message(), why.as_ref());
    Ok(layout::ok(form_view::render(
        &node,
        &viewer,
        &page,
        notice.as_deref(),
    )))
}

/// Saves the posted fields as the draft `id` (creating it), in one transaction with the
/// audit entry. Refused when the report was already approved.
async fn store(
    node: &Node,
    viewer: &Viewer,
    id: &ReportId,
    pairs: Vec<(String, String)>,
) -> WebResult<(Stored, RawForm)> {
    let posted_kind = pairs
        .iter()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let raw = RawForm::from_pairs(pairs);
    let (idc, actor, user_id, json) = (
        id.to_string(),
        viewer.actor().to_string(),
        viewer.user.id,
        raw.to_json(),
    );
    let period: String = raw.get("period").trim().chars().take(20).collect();
    let classification: String = raw.get("classification").trim().chars().take(20).collect();
    let stored = db(node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<_> {
            let existing = drafts::get(c, &idc)?;
            let amending = existing.as_ref().is_some_and(|d| d.supersedes.is_some());
            if !amending && !submissions::versions(c, &idc)?.is_empty() {
                return Ok(Err(WebError::Conflict(
                    "Báo cáo này đã được duyệt và ký gửi; muốn sửa, hãy chọn «Sửa và nộp lại» \
                     ở trang chủ hoặc trang lịch sử."
                        .into(),
                )));
            }
            let code = existing
                .as_ref()
                .map_or(posted_kind.as_str(), |d| d.kind.as_str());
            let Some(kind) = draft_kind(code) else {
                return Ok(Err(WebError::BadRequest(
                    "Loại báo cáo không hợp lệ.".into(),
                )));
            };
            let now = db::now();
            drafts::upsert(
                c,
                &drafts::DraftRow {
                    report_id: idc.clone(),
                    kind: kind.code().into(),
                    period: period.clone(),
                    classification,
                    form_json: json,
                    supersedes: existing.as_ref().and_then(|d| d.supersedes.clone()),
                    created_by: existing.as_ref().map_or(user_id, |d| d.created_by),
                    updated_at: now,
                    in_reply_to: existing.as_ref().and_then(|d| d.in_reply_to.clone()),
                },
            )?;
            let detail = format!("{} {period}", kind.code());
            audit::append(c, &actor, "draft_save", &idc, &detail)?;
            Ok(Ok(Stored {
                kind,
                updated_at: now,
                in_reply_to: existing.as_ref().and_then(|d| d.in_reply_to.clone()),
                supersedes: existing.and_then(|d| d.supersedes),
                attachments: crate::db::attachments::of_draft(c, &idc)?,
            }))
        })
    })
    .await??;
    Ok((stored, raw))
}

/// What saving a draft tells the caller.
struct Stored {
    kind: ReportKind,
    updated_at: chrono::NaiveDateTime,
    /// The digest of the version this draft amends.
    supersedes: Option<String>,
    /// The request it answers.
    in_reply_to: Option<String>,
    attachments: Vec<crate::db::attachments::Listed>,
}

/// POST /ban-nhap/{id}: "Lưu bản nháp".
pub async fn save(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let id = report_id(&id)?;
    store(&node, &viewer, &id, form.into_inner()).await?;
    Ok(layout::see_other(&routes::with_notice(
        &routes::draft(id.as_str()),
        "da-luu",
    )))
}

fn invalid(
    node: &Node,
    viewer: &Viewer,
    id: &ReportId,
    raw: &RawForm,
    errors: &FormErrors,
    stored: &Stored,
) -> HttpResponse {
    let page = FormPage {
        kind: stored.kind,
        report_id: id.as_str(),
        raw,
        errors,
        is_new: false,
        updated_at: Some(stored.updated_at),
        attachments: &stored.attachments,
    };
    layout::html_response(
        StatusCode::UNPROCESSABLE_ENTITY,
        form_view::render(node, viewer, &page, None),
    )
}

/// The Vietnamese part of a `queue_envelope` refusal ("hàng đợi gửi đã đầy … / the outbox…").
fn queue_message(e: &anyhow::Error) -> String {
    let text = e.to_string();
    match text.split_once(" / ") {
        Some((vi, _)) => {
            let mut c = vi.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>() + ".")
                .unwrap_or_default()
        }
        None => {
            "Không đưa được báo cáo vào hàng đợi gửi; hãy thử lại hoặc báo quản trị viên.".into()
        }
    }
}

/// POST /ban-nhap/{id}/duyet: "Duyệt và ký gửi".
pub async fn approve(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let id = report_id(&id)?;
    let (stored, raw) = store(&node, &viewer, &id, form.into_inner()).await?;
    let kind = stored.kind;
    let supersedes = match stored.supersedes.as_deref().map(schema::Digest::parse) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(_)) => {
            return Err(WebError::Internal(anyhow::anyhow!(
                "a draft names a bad digest"
            )))
        }
    };
    let now = now_local();
    let parsed = match forms::parse(kind, &raw, node.rules.get(), now) {
        Ok(p) => p,
        Err(errors) => return Ok(invalid(&node, &viewer, &id, &raw, &errors, &stored)),
    };
    let sub = Submission {
        protocol: Protocol::V1,
        report_id: id.clone(),
        unit: node.settings.unit.id.clone(),
        period: parsed.period,
        classification: parsed.classification,
        created_at: now,
        supersedes: supersedes.clone(),
        payload: parsed.payload,
        in_reply_to: stored
            .in_reply_to
            .as_deref()
            .and_then(|r| ReportId::parse(r).ok()),
        attachments: schema::BoundedVec::parse(
            stored.attachments.iter().map(|l| l.file.clone()).collect(),
        )
        .unwrap_or_default(),
    };
    let limits = super::attach::limits(&node);
    let mut errors = FormErrors::default();
    if let Err(e) = sub.validate() {
        e.iter()
            .for_each(|x| errors.general(messages::vi(x.reason())));
    }
    if let Err(e) = schema::check_attachments(sub.attachments.as_slice(), &limits) {
        errors.general(e);
    }
    if !errors.is_empty() {
        return Ok(invalid(&node, &viewer, &id, &raw, &errors, &stored));
    }
    let env = Envelope::sign(sub, &node.signer)
        .map_err(|e| WebError::Internal(anyhow::anyhow!("cannot sign the report: {e}")))?;
    let (idc, actor) = (id.to_string(), viewer.actor().to_string());
    let links = node.settings.upstream.clone();
    let max_queue = node.settings.outbox.max_queue;
    let (form_json, digest) = (raw.to_json(), env.digest().to_string());
    let amends = supersedes.map(|d| d.to_string());
    let result = db(&node, move |c| {
        let r = c.write_transaction(|c| -> anyhow::Result<_> {
            let latest = super::amend::latest_version(c, &idc)?;
            if latest.as_ref().map(|v| &v.digest) != amends.as_ref() {
                return Err(anyhow::Error::new(AlreadyApproved));
            }
            let queued = crate::queue::queue_in_transaction(c, &env, &actor, &links, max_queue)?;
            crate::db::notices::save_form(c, &idc, &digest, &form_json)?;
            drafts::delete(c, &idc)?;
            crate::db::attachments::clear_draft(c, &idc)?;
            audit::append(c, &actor, "draft_delete", &idc, "approved")?;
            Ok(queued)
        });
        Ok(r.map_err(|e| {
            if e.is::<AlreadyApproved>() {
                "Báo cáo này đã được duyệt và ký gửi trước đó.".to_string()
            } else {
                tracing::warn!(report = %idc, error = %format!("{e:#}"), "cannot queue the report");
                queue_message(&e)
            }
        }))
    })
    .await?;
    match result {
        Err(message) => {
            let mut errors = FormErrors::default();
            errors.general(message);
            Ok(invalid(&node, &viewer, &id, &raw, &errors, &stored))
        }
        Ok(queued) => {
            node.wake().notify_one();
            tracing::info!(report = %id, kind = kind.code(), "approved, signed and queued");
            let held = queued.iter().any(|q| q.state == outbox::State::Held);
            let code = if held { "da-duyet-giu" } else { "da-duyet" };
            Ok(layout::see_other(&routes::with_notice(
                routes::HISTORY,
                code,
            )))
        }
    }
}

/// Marker: the draft's report id already has a signed version (two heads approving at once).
#[derive(Debug)]
struct AlreadyApproved;

impl std::fmt::Display for AlreadyApproved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("this report was already approved")
    }
}

impl std::error::Error for AlreadyApproved {}
