//! Deleting a draft: "Xóa bản nháp…" asks first (kind, period, last saved), then the draft
//! and its list of files go in one transaction with the audit entry (the files' bytes stay: a
//! signed version may name them).

use actix_web::web;
use maud::html;

use super::draft::{draft_kind, report_id};
use super::error::{WebError, WebResult};
use super::layout;
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::db::{audit, drafts};

type Pairs = web::Form<Vec<(String, String)>>;

/// GET /ban-nhap/{id}/xoa: asks before deleting.
pub async fn confirm_delete(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
) -> WebResult {
    let id = report_id(&id)?.to_string();
    let idc = id.clone();
    let draft = db(&node, move |c| Ok(drafts::get(c, &idc)?))
        .await?
        .ok_or(WebError::NotFound)?;
    let kind = draft_kind(&draft.kind).map_or("Báo cáo", |k| k.label_vi());
    let content = html! {
        h1 { "Xóa bản nháp?" }
        p { "Bản nháp «" (kind) "», kỳ " (draft.period) ", lưu lần cuối lúc "
            (layout::fmt_utc(draft.updated_at)) ". Đã xóa thì không khôi phục được." }
        form method="post" action=(routes::delete_draft(&id)) {
            (layout::csrf_field(&viewer.csrf))
            div.actions {
                button.primary type="submit" { "Xóa bản nháp" }
                a.button href=(routes::draft(&id)) { "Không xóa, quay lại" }
            }
        }
    };
    Ok(layout::ok(layout::page(
        &viewer,
        node.settings.unit.name.as_str(),
        "Xóa bản nháp",
        None,
        content,
    )))
}

/// POST /ban-nhap/{id}/xoa
pub async fn delete(
    viewer: Viewer,
    node: web::Data<Node>,
    id: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    let idc = report_id(&id)?.to_string();
    let actor = viewer.actor().to_string();
    db(&node, move |c| {
        c.write_transaction(|c| {
            drafts::delete(c, &idc)?;
            crate::db::attachments::clear_draft(c, &idc)?;
            audit::append(c, &actor, "draft_delete", &idc, "deleted")
        })?;
        Ok(())
    })
    .await?;
    Ok(layout::see_other(&routes::with_notice(
        routes::HOME,
        "da-xoa",
    )))
}
