//! Files on a draft: "Đính kèm tệp" uploads one or more files (multipart form, read with a
//! hard size cap while streaming), each checked by `schema::AttachmentRef::describe` (type
//! sniffed from the content, size, empty, name with path parts) and the draft's whole set by
//! `schema::check_attachments` (count, total, twice the same file). Nothing is stored unless
//! every file of the upload passes; then the bytes and the list go in one transaction with the
//! audit entry. "Bỏ tệp" takes a file off the list (its bytes stay: a signed version may name
//! them). A refusal is a Vietnamese page naming the file and what to do.

use actix_multipart::Multipart;
use actix_web::web;
use schema::{AttachmentLimits, AttachmentRef};

use super::error::{WebError, WebResult};
use super::layout;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::{attachments, audit, drafts};

/// The settings' limits (the wire bounds are the ceiling).
pub fn limits(node: &Node) -> AttachmentLimits {
    let a = &node.settings.attachments;
    AttachmentLimits {
        max_file_bytes: a.max_file_bytes,
        max_total_bytes: a.max_total_bytes,
        max_files: a.max_files,
    }
}

/// POST /ban-nhap/{id}/tep: attaches the uploaded files to the draft.
pub async fn upload(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    body: Multipart,
) -> WebResult {
    let id = schema::ReportId::parse(&id).map_err(|_| WebError::NotFound)?;
    let limits = limits(&node);
    let (fields, files) = super::multipart::read(body, limits.max_total_bytes + 64 * 1024).await?;
    viewer.check_csrf(&fields)?;
    if files.is_empty() {
        return Err(WebError::BadRequest(
            "Chưa chọn tệp nào: bấm «Chọn tệp» rồi «Đính kèm».".into(),
        ));
    }
    let mut described = Vec::new();
    for f in &files {
        match AttachmentRef::describe(&f.name, &f.bytes, &limits) {
            Ok(r) => described.push(r),
            Err(e) => return Ok(refused(&viewer, &node, &id, &cap_first(e))),
        }
    }
    let (idc, actor) = (id.to_string(), viewer.actor().to_string());
    let stored = db(&node, move |c| {
        c.write_transaction(|c| -> anyhow::Result<Result<(), String>> {
            if drafts::get(c, &idc)?.is_none() {
                return Ok(Err("Bản nháp này không còn (đã duyệt hoặc đã xóa).".into()));
            }
            let mut all: Vec<AttachmentRef> = attachments::of_draft(c, &idc)?
                .into_iter()
                .map(|l| l.file)
                .collect();
            all.extend(described.iter().cloned());
            if let Err(e) = schema::check_attachments(&all, &limits) {
                return Ok(Err(cap_first(e)));
            }
            for (r, f) in described.iter().zip(&files) {
                attachments::attach(c, &idc, r, &f.bytes)?;
            }
            let detail = format!("{} file(s)", described.len());
            audit::append(c, &actor, "attachment_add", &idc, &detail)?;
            Ok(Ok(()))
        })
    })
    .await?;
    if let Err(why) = stored {
        return Ok(refused(&viewer, &node, &id, &why));
    }
    Ok(layout::see_other(&routes::with_notice(
        &routes::draft(id.as_str()),
        "da-dinh-kem",
    )))
}

/// POST /ban-nhap/{id}/tep/{position}/bo: takes one file off the draft.
pub async fn remove(
    viewer: Viewer,
    node: web::Data<Node>,
    path: web::Path<(String, i32)>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let (id, position) = path.into_inner();
    let id = schema::ReportId::parse(&id).map_err(|_| WebError::NotFound)?;
    let (idc, actor) = (id.to_string(), viewer.actor().to_string());
    db(&node, move |c| {
        c.write_transaction(|c| {
            attachments::detach(c, &idc, position)?;
            audit::append(c, &actor, "attachment_remove", &idc, &position.to_string())
        })?;
        Ok(())
    })
    .await?;
    Ok(layout::see_other(&routes::with_notice(
        &routes::draft(id.as_str()),
        "da-bo-tep",
    )))
}

/// The refusal of an upload (422): the reason, and the way back to the draft. Nothing of the
/// upload was stored.
fn refused(
    viewer: &Viewer,
    node: &Node,
    id: &schema::ReportId,
    why: &str,
) -> actix_web::HttpResponse {
    let content = maud::html! {
        h1 { "Chưa đính kèm được tệp" }
        p.error { (why) }
        p { "Không tệp nào của lần tải này được lưu. Chọn lại tệp rồi đính kèm lại." }
        p { a.button href=(routes::draft(id.as_str())) { "Quay lại bản nháp" } }
    };
    layout::html_response(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        layout::page(
            viewer,
            node.settings.unit.name.as_str(),
            "Chưa đính kèm được tệp",
            None,
            content,
        ),
    )
}

/// "tệp «a.pdf» rỗng…" → "Tệp «a.pdf» rỗng…".
fn cap_first(s: String) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
