//! "Ra yêu cầu báo cáo" in the committee's UI (heads and admins): `GET /yeu-cau/moi` shows the
//! form (title, legal basis, what to send, to whom, due date or working days, instructions);
//! `POST /yeu-cau/moi` checks it, signs the `request` notice and stores it with its tracking
//! row in one transaction (`crate::requests::issue`), then opens the request's page. A
//! refusal shows the form again with what was typed and the reason in Vietnamese.

use actix_web::http::StatusCode;
use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::WebResult;
use node::web::layout::{self, csrf_field};
use node::web::session::Viewer;
use schema::{Asked, Classification, DocumentType, Line, ReportKind, ReportingPeriod, Request};

use super::{db, field as get, Ui};
use crate::requests;
use crate::store::AnyConn;

pub const NEW_REQUEST: &str = "/yeu-cau/moi";

type Pairs = web::Form<Vec<(String, String)>>;

/// What may be asked: documents first, then the report kinds a unit drafts.
fn asked_options() -> Vec<(String, &'static str)> {
    let docs = DocumentType::ALL
        .iter()
        .map(|d| (format!("document:{}", d.code()), d.label_vi()));
    let reports = [
        ReportKind::ImplementationPlan,
        ReportKind::ComplianceStatus,
        ReportKind::AnnualReport,
    ]
    .into_iter()
    .map(|k| (format!("report:{}", k.code()), k.label_vi()));
    docs.chain(reports).collect()
}

fn scope_options(unit: &str) -> Vec<(String, &'static str)> {
    vec![
        (format!("tier:{unit}:commune"), "Các xã, phường, đặc khu"),
        (format!("tier:{unit}:agency"), "Các sở, ban, ngành"),
        (format!("kind:{unit}:Sở"), "Các sở (theo danh mục)"),
        (format!("subtree:{unit}"), "Tất cả đơn vị thuộc phạm vi"),
    ]
}

fn form_page(viewer: &Viewer, ui: &Ui, typed: &[(String, String)], error: Option<&str>) -> Markup {
    let val = |k: &str| get(typed, k).to_string();
    let pick = |k: &str, v: &str, first: bool| {
        let t = get(typed, k);
        t == v || (t.is_empty() && first)
    };
    html! {
        h1 { "Ra yêu cầu báo cáo" }
        @if let Some(e) = error { div.alert role="alert" { p { b { "Chưa ra được yêu cầu: " } (e) } } }
        form method="post" action=(NEW_REQUEST) {
            (csrf_field(&viewer.csrf))
            label for="title" { "Tiêu đề *" }
            input #title name="title" size="80" value=(val("title"));
            label for="basis" { "Căn cứ (văn bản yêu cầu) *" }
            input #basis name="basis" size="80" value=(val("basis"))
                placeholder="Công văn số …/BCĐ-PA03 ngày …";
            label for="asked" { "Nội dung cần gửi *" }
            select #asked name="asked" {
                @for (i, (v, l)) in asked_options().iter().enumerate() {
                    option value=(v) selected[pick("asked", v, i == 0)] { (l) }
                }
            }
            label for="to" { "Gửi tới *" }
            select #to name="to" {
                @for (i, (v, l)) in scope_options(ui.unit.as_str()).iter().enumerate() {
                    option value=(v) selected[pick("to", v, i == 0)] { (l) }
                }
            }
            label for="working_days" { "Thời hạn (số ngày làm việc kể từ hôm nay)" }
            input #working_days name="working_days" size="4" value=(val("working_days"));
            label for="due" { "hoặc hạn cụ thể (ngày/tháng/năm)" }
            input #due name="due" size="12" value=(val("due"));
            label for="instructions" { "Hướng dẫn" }
            textarea #instructions name="instructions" rows="4" { (val("instructions")) }
            div.actions { button.primary type="submit" { "Ký và ra yêu cầu" } }
            p.hint { "Yêu cầu được ký số và gửi tới các đơn vị ở lần kết nối tới; hệ thống nhắc \
                      các đơn vị chưa gửi theo lịch nhắc của quy định." }
        }
    }
}

/// GET /yeu-cau/moi
pub async fn show(viewer: Viewer, ui: web::Data<Ui>) -> WebResult {
    viewer.require_approver()?;
    let body = form_page(&viewer, &ui, &[], None);
    Ok(layout::ok(layout::page(
        &viewer,
        &ui.unit_name,
        "Ra yêu cầu báo cáo",
        None,
        body,
    )))
}

/// The request the form describes, or the reason in Vietnamese.
fn parse(form: &[(String, String)], own: &Node) -> Result<(String, Request), String> {
    let today = layout::today();
    let line = |k: &str, what: &str| {
        Line::parse(get(form, k))
            .ok()
            .filter(|l: &Line<500>| !l.is_empty())
            .ok_or_else(|| format!("hãy ghi {what} (tối đa 300 ký tự)."))
    };
    let title = line("title", "tiêu đề")?;
    let basis = line("basis", "căn cứ")?;
    let asked = match get(form, "asked").split_once(':') {
        Some(("document", d)) => {
            DocumentType::parse(d).map(|document| Asked::Document { document })
        }
        Some(("report", r)) => ReportKind::parse(r)
            .ok()
            .map(|report_kind| Asked::Report { report_kind }),
        _ => None,
    }
    .ok_or("nội dung cần gửi không hợp lệ.")?;
    let due = match (get(form, "due"), get(form, "working_days").parse::<i32>()) {
        ("", Ok(n)) if (1..=250).contains(&n) => {
            requests::due_in_working_days(own.rules.get(), today, n)
        }
        (d, _) if !d.is_empty() => {
            node::forms::parse_date(d).ok_or("hạn không hợp lệ: ghi ngày/tháng/năm.")?
        }
        _ => return Err("hãy ghi thời hạn (số ngày làm việc) hoặc hạn cụ thể.".into()),
    };
    let instructions = match get(form, "instructions") {
        "" => None,
        t => Some(schema::Text::parse(t).map_err(|_| "hướng dẫn quá dài.")?),
    };
    let request = Request {
        title: Line::parse(title.as_str()).map_err(|_| "tiêu đề quá dài (tối đa 300 ký tự).")?,
        legal_basis: basis,
        asked,
        period: ReportingPeriod::annual_containing(today),
        due,
        classification: Classification::KhongMat,
        instructions,
    };
    request
        .validate(today)
        .map_err(|_| "hạn phải từ hôm nay trở đi.".to_string())?;
    Ok((get(form, "to").to_string(), request))
}

/// POST /yeu-cau/moi
pub async fn issue(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let typed = form.into_inner();
    let parsed = parse(&typed, &own);
    let (actor, own2) = (viewer.actor().to_string(), own.into_inner());
    let page = |e: Option<&str>| form_page(&viewer, &ui, &typed, e);
    finish(
        &viewer,
        &ui,
        "Ra yêu cầu báo cáo",
        parsed,
        page,
        move |c, to, request| requests::issue(c, &own2.signer, to, request, &actor),
    )
    .await
}

/// The end of a form that signs a notice: the scope resolved against the registry (a `kind:`
/// scope becomes the list of units of that kind), then `issue` in the store, then the
/// notice's page; a refusal of the form or of the scope shows the form again (422).
pub(super) async fn finish<T: Send + 'static>(
    viewer: &Viewer,
    ui: &web::Data<Ui>,
    title: &str,
    parsed: Result<(String, T), String>,
    page: impl Fn(Option<&str>) -> Markup,
    issue: impl FnOnce(&mut AnyConn, schema::Addressee, T) -> anyhow::Result<schema::Notice>
        + Send
        + 'static,
) -> WebResult {
    let refuse = |e: &str| {
        layout::html_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            layout::page(viewer, &ui.unit_name, title, None, page(Some(e))),
        )
    };
    let (scope, item) = match parsed {
        Ok(x) => x,
        Err(e) => return Ok(refuse(&e)),
    };
    let today = layout::today();
    let done = db(ui, move |c| {
        let to = match requests::resolve_scope(c, &scope, today) {
            Ok(to) => to,
            Err(e) => return Ok(Err(e.to_string())),
        };
        Ok(Ok(issue(c, to, item)?.body.notice_id.to_string()))
    })
    .await?;
    match done {
        Ok(id) => Ok(layout::see_other(&format!(
            "{}/{id}",
            super::requests::REQUESTS
        ))),
        Err(e) => Ok(refuse(&e)),
    }
}
