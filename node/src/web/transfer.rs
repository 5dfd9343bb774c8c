//! The transfer page (`/chuyen-giao`): the air-gapped path in the browser. It lists the
//! reports held back because they are above every link's classification; a head or admin
//! pastes the province aggregator's certificate chain (as PA03 hands it out) and downloads
//! the encrypted, signed transfer bundle for the secure USB drive; back from the province, the
//! receipt bundle is pasted in and the reports are marked delivered. Same library functions as
//! `bmnn-node export-bundle` / `import-receipts`; both are audited there.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use maud::{html, Markup};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::CertificateDer;

use super::error::{WebError, WebResult};
use super::layout::{self, NoticeQuery};
use super::routes;
use super::session::{db, Viewer};
use crate::app::Node;
use crate::bundle;
use crate::db::outbox;

type Pairs = web::Form<Vec<(String, String)>>;

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

fn render(
    viewer: &Viewer,
    node: &Node,
    held: &[outbox::OutboxRow],
    error: Option<&str>,
    notice: Option<&str>,
) -> Markup {
    let content = html! {
        h1 { "Chuyển giao bằng USB an toàn" }
        p { "Báo cáo có độ mật cao hơn mức cho phép của đường truyền không bao giờ được gửi qua mạng. "
            "Chúng được mã hóa cho máy chủ của cấp trên, ký số, và chép sang USB an toàn (gói chuyển giao)." }
        @if let Some(e) = error { div.alert role="alert" { (e) } }
        h2 { "Báo cáo đang giữ lại" }
        @if held.is_empty() {
            p.muted { "Không có báo cáo nào đang giữ lại." }
        } @else {
            table {
                thead { tr { th { "Mã báo cáo" } th { "Đường truyền" } th { "Lý do" } } }
                tbody { @for r in held { tr {
                    td { a href=(routes::print(&r.report_id)) { code { (r.report_id) } } }
                    td { (r.link) }
                    td { (r.last_error.as_deref().unwrap_or("")) }
                } } }
            }
        }
        @if viewer.can_approve() {
            h2 { "1. Xuất gói chuyển giao" }
            form.box method="post" action=(routes::TRANSFER_EXPORT) {
                (layout::csrf_field(&viewer.csrf))
                div.field {
                    label for="recipient" { "Chứng thư số của máy chủ tổng hợp cấp trên (PEM, do PA03 cung cấp)" } br;
                    textarea #recipient name="recipient_pem" rows="8" cols="70" placeholder="-----BEGIN CERTIFICATE-----" {}
                }
                div.actions { button.primary type="submit" { "Tải gói chuyển giao" } }
            }
            h2 { "2. Nhập biên nhận từ cấp trên" }
            form.box method="post" action=(routes::TRANSFER_IMPORT) {
                (layout::csrf_field(&viewer.csrf))
                div.field {
                    label for="receipts" { "Nội dung tệp biên nhận (bmnn-receipts/1)" } br;
                    textarea #receipts name="receipts_json" rows="8" cols="70" {}
                }
                div.actions { button.primary type="submit" { "Nhập biên nhận" } }
            }
        } @else {
            p.muted { "Chỉ lãnh đạo đơn vị hoặc quản trị viên được xuất gói chuyển giao." }
        }
    };
    layout::page(
        viewer,
        node.settings.unit.name.as_str(),
        "Chuyển giao bằng USB",
        notice,
        content,
    )
}

async fn page(
    viewer: &Viewer,
    node: &Node,
    status: StatusCode,
    error: Option<&str>,
    notice: Option<&str>,
) -> WebResult {
    let held = db(node, |c| Ok(outbox::held(c)?)).await?;
    Ok(layout::html_response(
        status,
        render(viewer, node, &held, error, notice),
    ))
}

/// GET /chuyen-giao
pub async fn show(viewer: Viewer, node: web::Data<Node>, q: web::Query<NoticeQuery>) -> WebResult {
    page(&viewer, &node, StatusCode::OK, None, q.message()).await
}

/// POST /chuyen-giao/xuat: answers with the bundle file to save on the USB drive.
pub async fn export(viewer: Viewer, node: web::Data<Node>, form: Pairs) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let chain: Result<Vec<Vec<u8>>, _> =
        CertificateDer::pem_slice_iter(field(&form, "recipient_pem").as_bytes())
            .map(|c| c.map(|c| c.to_vec()))
            .collect();
    let chain = match chain {
        Ok(c) if !c.is_empty() => c,
        _ => {
            let msg = "Không đọc được chứng thư số: hãy dán nguyên văn tệp .chain.pem (bắt đầu bằng -----BEGIN CERTIFICATE-----).";
            return page(
                &viewer,
                &node,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
                None,
            )
            .await;
        }
    };
    let (signer, trust, actor) = (
        node.signer.clone(),
        node.trust.current(),
        viewer.actor().to_string(),
    );
    let result = db(&node, move |c| {
        Ok(bundle::export_held(c, &signer, &trust, &chain, &actor))
    })
    .await?;
    match result {
        Ok(Some(exported)) => {
            let name = format!("goi-chuyen-giao-{}.json", layout::today().format("%Y%m%d"));
            Ok(HttpResponse::Ok()
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .insert_header((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ))
                .body(schema::encode(&exported.bundle)))
        }
        Ok(None) => {
            page(
                &viewer,
                &node,
                StatusCode::OK,
                Some("Không có báo cáo nào cần chuyển giao."),
                None,
            )
            .await
        }
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "transfer bundle refused");
            let msg = "Chứng thư số này không phải của máy chủ tổng hợp cấp trên trong hệ thống chứng thư quốc gia, \
                       hoặc đã hết hạn, bị thu hồi. Không xuất gói.";
            page(
                &viewer,
                &node,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(msg),
                None,
            )
            .await
        }
    }
}

/// POST /chuyen-giao/nhap: imports a receipt bundle.
pub async fn import(viewer: Viewer, node: web::Data<Node>, form: Pairs) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let bytes = field(&form, "receipts_json").as_bytes().to_vec();
    let (trust, me, actor) = (
        node.trust.current(),
        node.settings.unit.id.clone(),
        viewer.actor().to_string(),
    );
    let result = db(&node, move |c| {
        Ok(bundle::import_receipts(c, &trust, &me, &bytes, &actor))
    })
    .await?;
    match result {
        Ok(_) => Ok(layout::see_other(&routes::with_notice(
            routes::TRANSFER,
            "da-nhap-bn",
        ))),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "receipt bundle refused");
            let msg = format!("Không nhập được biên nhận: {e:#}");
            page(
                &viewer,
                &node,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(&msg),
                None,
            )
            .await
        }
    }
}

impl From<bundle::BundleError> for WebError {
    fn from(e: bundle::BundleError) -> Self {
        Self::Internal(e.into())
    }
}
