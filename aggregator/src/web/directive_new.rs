//! "Gửi văn bản chỉ đạo" in the committee's UI (heads and admins): `GET /yeu-cau/van-ban-moi`
//! shows the form (number and symbol, date, title, summary, whether dissemination must be
//! reported, to whom, the deadline, the signed file); `POST` (multipart) checks every field
//! and file (type by content, 4 MiB in all), signs the `directive` notice with the files inside
//! and stores it with its tracking row (`crate::requests::issue_directive`), then opens its
//! page. A refusal shows the form again with what was typed and the reason; files must be
//! chosen again (a browser never re-sends them).

use actix_multipart::Multipart;
use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::WebResult;
use node::web::layout::{self, csrf_field};
use node::web::multipart::Upload;
use node::web::session::Viewer;
use schema::{AttachmentLimits, AttachmentRef, BoundedVec, DerBase64, Directive, Line, NoticeFile};

use super::{field as get, Ui};
use crate::requests;

pub const NEW_DIRECTIVE: &str = "/yeu-cau/van-ban-moi";

fn form_page(viewer: &Viewer, ui: &Ui, typed: &[(String, String)], error: Option<&str>) -> Markup {
    let val = |k: &str| get(typed, k).to_string();
    let unit = ui.unit.as_str();
    let scopes = [
        (format!("tier:{unit}:commune"), "Các xã, phường, đặc khu"),
        (format!("tier:{unit}:agency"), "Các sở, ban, ngành"),
        (format!("kind:{unit}:Sở"), "Các sở (theo danh mục)"),
        (format!("subtree:{unit}"), "Tất cả đơn vị thuộc phạm vi"),
    ];
    html! {
        h1 { "Gửi văn bản chỉ đạo" }
        @if let Some(e) = error { div.alert role="alert" { p { b { "Chưa gửi được: " } (e) } } }
        form method="post" enctype="multipart/form-data" action=(NEW_DIRECTIVE) {
            (csrf_field(&viewer.csrf))
            label for="number" { "Số, ký hiệu *" }
            input #number name="number" size="30" value=(val("number")) placeholder="130/BCĐ-PA03";
            label for="issued_on" { "Ngày ký (ngày/tháng/năm; để trống là hôm nay)" }
            input #issued_on name="issued_on" size="12" value=(val("issued_on"));
            label for="title" { "Trích yếu *" }
            input #title name="title" size="80" value=(val("title"));
            label for="summary" { "Tóm tắt nội dung" }
            textarea #summary name="summary" rows="3" { (val("summary")) }
            label { input type="checkbox" name="disseminate" value="1" checked[get(typed, "disseminate") == "1"];
                " Yêu cầu đơn vị báo cáo đã quán triệt (ngày, số người tham dự)" }
            label for="to" { "Gửi tới *" }
            select #to name="to" { @for (v, l) in &scopes { option value=(v) selected[get(typed, "to") == v] { (l) } } }
            label for="working_days" { "Thời hạn xác nhận (số ngày làm việc kể từ hôm nay) *" }
            input #working_days name="working_days" size="4" value=(val("working_days"));
            label for="files" { "Văn bản (PDF, DOCX, XLSX, PNG, JPEG; tối đa 4 MB) *" }
            input #files type="file" name="files" multiple accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg";
            div.actions { button.primary type="submit" { "Ký và gửi văn bản" } }
        }
    }
}

/// GET /yeu-cau/van-ban-moi
pub async fn show(viewer: Viewer, ui: web::Data<Ui>) -> WebResult {
    viewer.require_approver()?;
    let body = form_page(&viewer, &ui, &[], None);
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Gửi văn bản chỉ đạo",
        None,
        body,
    )))
}

/// The directive the form describes, or the reason in Vietnamese.
fn parse(
    form: &[(String, String)],
    files: &[Upload],
    own: &Node,
) -> Result<(String, Directive), String> {
    let today = layout::today();
    let line = |k: &str, what: &str| -> Result<String, String> {
        let v = get(form, k);
        if v.is_empty() {
            return Err(format!("hãy ghi {what}."));
        }
        Ok(v.to_string())
    };
    let number =
        Line::parse(&line("number", "số, ký hiệu")?).map_err(|_| "số, ký hiệu quá dài.")?;
    let title = Line::parse(&line("title", "trích yếu")?).map_err(|_| "trích yếu quá dài.")?;
    let issued_on = match get(form, "issued_on") {
        "" => today,
        d => node::forms::parse_date(d).ok_or("ngày ký không hợp lệ: ghi ngày/tháng/năm.")?,
    };
    let days: i32 = get(form, "working_days")
        .parse()
        .ok()
        .filter(|n| (1..=250).contains(n))
        .ok_or("hãy ghi thời hạn xác nhận: số ngày làm việc, từ 1 đến 250.")?;
    let limits = AttachmentLimits {
        max_file_bytes: schema::MAX_DIRECTIVE_FILES_BYTES as u64,
        max_total_bytes: schema::MAX_DIRECTIVE_FILES_BYTES as u64,
        max_files: 5,
    };
    if files.is_empty() {
        return Err("hãy chọn tệp văn bản.".into());
    }
    let refs = files
        .iter()
        .map(|f| AttachmentRef::describe(&f.name, &f.bytes, &limits))
        .collect::<Result<Vec<_>, String>>()?;
    schema::check_attachments(&refs, &limits)?;
    let described: Vec<NoticeFile> = refs
        .into_iter()
        .zip(files)
        .map(|(r, f)| NoticeFile {
            name: r.name,
            media_type: r.media_type,
            data: DerBase64::of(&f.bytes),
        })
        .collect();
    let summary = match get(form, "summary") {
        "" => None,
        s => Some(schema::Text::parse(s).map_err(|_| "tóm tắt quá dài.")?),
    };
    let directive = Directive {
        number,
        issued_on,
        title,
        summary,
        disseminate: get(form, "disseminate") == "1",
        due: requests::due_in_working_days(own.rules.get(), today, days),
        files: BoundedVec::parse(described).map_err(|_| "tối đa 5 tệp.")?,
    };
    directive.validate(today).map_err(|e| e.to_string())?;
    Ok((get(form, "to").to_string(), directive))
}

/// POST /yeu-cau/van-ban-moi
pub async fn issue(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    body: Multipart,
) -> WebResult {
    let cap = schema::MAX_DIRECTIVE_FILES_BYTES as u64 + 256 * 1024;
    let (typed, files) = node::web::multipart::read(body, cap).await?;
    viewer.check_csrf(&typed)?;
    viewer.require_approver()?;
    let parsed = parse(&typed, &files, &own);
    let (actor, own2) = (viewer.actor().to_string(), own.into_inner());
    let page = |e: Option<&str>| form_page(&viewer, &ui, &typed, e);
    super::request_new::finish(
        &viewer,
        &ui,
        "Gửi văn bản chỉ đạo",
        parsed,
        page,
        move |c, to, d| requests::issue_directive(c, &own2.signer, to, d, &actor),
    )
    .await
}
