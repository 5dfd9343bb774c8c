//! `/kiem-tra…`: inspections on the committee's UI. Everyone logged in sees the overview
//! (overdue remediations, recent inspections, violations per year, plans and notices due), the
//! units ranked by risk score with every score's factors, and an inspection's findings; heads
//! and admins record inspections ([`form`]), record remediations and send a result up (signed
//! and queued for the parent), each audited.
//!
//! | route | what |
//! |---|---|
//! | `GET /kiem-tra` | overview |
//! | `GET /kiem-tra/rui-ro?ngay=` | units by risk score, with factors (name, label, value, weight, points) |
//! | `GET`, `POST /kiem-tra/ghi-nhan` | the findings form ([`form`]) |
//! | `GET /kiem-tra/{id}` | one inspection and its findings |
//! | `POST /kiem-tra/{id}/gui-len` | sign the result and queue it for the parent |
//! | `POST /kiem-tra/{id}/khac-phuc` | record a finding remediated (`stt`, `ngay`) |

mod form;
mod overview;

use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use reports::table::Cell;
use schema::ViolationKind;
use serde::Deserialize;

use super::{db, unit_path, Ui};
use crate::inspection::{self, input, send, store};

pub const HOME: &str = "/kiem-tra";
pub const RISK: &str = "/kiem-tra/rui-ro";
pub const RECORD: &str = "/kiem-tra/ghi-nhan";

pub fn detail_path(id: &str) -> String {
    format!("/kiem-tra/{id}")
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(HOME, web::get().to(overview::overview))
        .route(RISK, web::get().to(risk))
        .route(RECORD, web::get().to(form::show))
        .route(RECORD, web::post().to(form::submit))
        .route("/kiem-tra/{id}", web::get().to(detail))
        .route("/kiem-tra/{id}/gui-len", web::post().to(send_up))
        .route("/kiem-tra/{id}/khac-phuc", web::post().to(remediate));
}

/// The notices shown after a redirect (only codes travel in the address).
pub(super) fn notice(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "da-ghi" => "Đã ghi nhận kết quả kiểm tra.",
        "da-gui" => "Đã ký số và đưa kết quả kiểm tra vào hàng đợi gửi lên cấp trên.",
        "da-khac-phuc" => "Đã ghi nhận việc khắc phục.",
        _ => return None,
    })
}

pub(super) fn num(x: f64, decimals: u8) -> String {
    Cell::Decimal(x, decimals).display_vi()
}

pub(super) fn date(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

pub(super) fn kind_label(code: &str) -> String {
    ViolationKind::parse(code).map_or_else(|_| code.to_string(), |k| k.label_vi().to_string())
}

fn severity_label(code: &str) -> &str {
    store::severity_parse(code).map_or(code, |s| s.label_vi())
}

pub(super) fn page(
    viewer: &Viewer,
    ui: &Ui,
    title: &str,
    notice: Option<&str>,
    body: Markup,
) -> WebResult {
    Ok(layout::ok(layout::page(
        viewer,
        &ui.unit_name,
        title,
        notice,
        body,
    )))
}

#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    pub(super) tb: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RiskQuery {
    #[serde(default)]
    ngay: String,
}

async fn risk(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    q: web::Query<RiskQuery>,
) -> WebResult {
    let as_of = match q.ngay.trim() {
        "" => layout::today(),
        s => input::parse_date(s)
            .ok_or_else(|| WebError::BadRequest(format!("Ngày «{s}» không hợp lệ.")))?,
    };
    let model = inspection::risk_model(&ui.inspection).map_err(WebError::Internal)?;
    let (rules, scope) = (own.rules.get(), ui.unit.clone());
    let list = db(&ui, move |c| {
        inspection::scores(c, rules, &model, &scope, as_of)
    })
    .await?;
    let body = html! {
        h1 { "Điểm rủi ro các đơn vị" }
        form method="get" action=(RISK) .box {
            label for="ngay" { "Tính đến ngày " }
            input #ngay type="date" name="ngay" value=(as_of);
            " " button type="submit" { "Xem" }
        }
        p.muted { (list.len()) " đơn vị, điểm cao nhất trước. Mỗi điểm là tổng các yếu tố: giá trị × trọng số." }
        table {
            tr { th { "Hạng" } th { "Đơn vị" } th { "Điểm" } th { "Kiểm tra gần nhất" } th { "Các yếu tố" } }
            @for (i, s) in list.iter().enumerate() {
                tr id=(format!("dv-{}", s.unit)) {
                    td { (i + 1) }
                    td { a href=(unit_path(s.unit.as_str())) { (s.name) } br; code { (s.unit) } }
                    td { strong { (num(s.score.total, 2)) } }
                    td { (s.last_inspection.as_ref().map_or("Chưa kiểm tra".to_string(), |(d, _)| date(*d))) }
                    td {
                        details {
                            summary { (s.score.factors.len()) " yếu tố" }
                            table {
                                tr { th { "Yếu tố" } th { "Nội dung" } th { "Giá trị" } th { "Trọng số" } th { "Điểm" } }
                                @for f in &s.score.factors {
                                    tr { td { code { (f.name) } } td { (f.label_vi) } td { (num(f.raw, 2)) }
                                         td { (num(f.weight, 2)) } td { (num(f.points, 2)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    page(&viewer, &ui, "Điểm rủi ro", None, body)
}

async fn detail(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    path: web::Path<String>,
    q: web::Query<NoticeQuery>,
) -> WebResult {
    let id = path.into_inner();
    let (row, findings) = db(&ui, move |c| Ok(store::get(c, &id)?))
        .await?
        .ok_or(WebError::NotFound)?;
    let can_act = viewer.can_approve();
    let has_parent = !own.settings.upstream.is_empty();
    let csrf = layout::csrf_field(&viewer.csrf);
    let body = html! {
        h1 { "Kết quả kiểm tra" }
        table {
            tr { th { "Đơn vị được kiểm tra" } td { a href=(unit_path(&row.unit)) { code { (row.unit) } } } }
            tr { th { "Quyết định kiểm tra" } td { (row.decision_ref) } }
            tr { th { "Thời gian" } td { (date(row.started_on)) " – " (date(row.ended_on)) } }
            tr { th { "Đoàn kiểm tra" } td { (row.team.as_deref().unwrap_or("—")) } }
            tr { th { "Độ mật" } td { (super::inbox::classification_label(&row.classification)) } }
            tr { th { "Người ghi nhận" } td { (row.recorded_by) ", " (layout::fmt_utc(row.recorded_at)) } }
            tr { th { "Kết luận" } td { (row.conclusion) } }
            tr { th { "Gửi cấp trên" } td {
                @match (&row.sent_digest, row.sent_at) {
                    (Some(d), Some(at)) => { "Đã gửi lúc " (layout::fmt_utc(at)) " " code { (layout::short_digest(d)) } }
                    _ => { span.muted { "Chưa gửi" } }
                }
            } }
        }
        h2 { "Vi phạm, thiếu sót (" (findings.len()) ")" }
        @if findings.is_empty() { p.muted { "Không phát hiện vi phạm." } } @else {
            table {
                tr { th { "STT" } th { "Loại" } th { "Mức độ" } th { "Số lần" } th { "Mô tả" } th { "Hạn khắc phục" } th { "Khắc phục" } }
                @for f in &findings {
                    tr {
                        td { (f.seq) }
                        td { (kind_label(&f.kind)) }
                        td { (severity_label(&f.severity)) }
                        td { (f.occurrences) }
                        td { (f.description) }
                        td { (f.remediation_deadline.map(date).unwrap_or_else(|| "—".into())) }
                        td {
                            @if let Some(d) = f.remediated_on { "Đã khắc phục " (date(d)) }
                            @else if can_act {
                                form method="post" action=(format!("{}/khac-phuc", detail_path(&row.id))) {
                                    (csrf)
                                    input type="hidden" name="stt" value=(f.seq);
                                    input type="date" name="ngay" value=(layout::today()) aria-label="Ngày khắc phục";
                                    " " button type="submit" { "Ghi nhận" }
                                }
                            } @else { span.muted { "Chưa" } }
                        }
                    }
                }
            }
        }
        @if can_act && has_parent && row.sent_digest.is_none() {
            form method="post" action=(format!("{}/gui-len", detail_path(&row.id))) .actions {
                (csrf)
                button.primary type="submit" { "Ký số và gửi kết quả lên cấp trên" }
            }
        }
    };
    page(
        &viewer,
        &ui,
        "Kết quả kiểm tra",
        notice(q.tb.as_deref()),
        body,
    )
}

type Pairs = web::Form<Vec<(String, String)>>;

async fn send_up(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    path: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let id = path.into_inner();
    let (idc, actor, author, own) = (
        id.clone(),
        viewer.actor().to_string(),
        ui.unit.clone(),
        own.clone(),
    );
    let sent = db(&ui, move |c| {
        let Some(up) = send::Upward::own_node(&own) else {
            return Ok(Err(send::SendError::NoParent));
        };
        match send::send_up(c, &up, &author, &idc, &actor) {
            Err(send::SendError::Other(e)) => Err(e),
            other => Ok(other.map(|_| ())),
        }
    })
    .await?;
    match sent {
        Ok(()) => Ok(layout::see_other(&format!(
            "{}?tb=da-gui",
            detail_path(&id)
        ))),
        Err(send::SendError::NotFound(_)) => Err(WebError::NotFound),
        Err(e) => Err(WebError::Conflict(e.to_string())),
    }
}

async fn remediate(
    viewer: Viewer,
    ui: web::Data<Ui>,
    path: web::Path<String>,
    form: Pairs,
) -> WebResult {
    viewer.check_csrf(&form)?;
    viewer.require_approver()?;
    let field = |k: &str| {
        form.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
    };
    let seq: i32 = field("stt")
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| WebError::BadRequest("Thiếu số thứ tự vi phạm.".into()))?;
    let on = field("ngay")
        .and_then(|s| input::parse_date(&s))
        .ok_or_else(|| WebError::BadRequest("Ngày khắc phục không hợp lệ.".into()))?;
    if on > layout::today() {
        return Err(WebError::BadRequest(
            "Ngày khắc phục không được sau hôm nay.".into(),
        ));
    }
    let (id, actor) = (path.into_inner(), viewer.actor().to_string());
    let idc = id.clone();
    let done = db(&ui, move |c| {
        c.write_transaction(|c| -> anyhow::Result<bool> {
            if store::mark_remediated(c, &idc, seq, on)? == 0 {
                return Ok(false);
            }
            let detail = format!("finding={seq} on={on}");
            node::db::audit::append(c, &actor, "inspection_remediated", &idc, &detail)?;
            Ok(true)
        })
    })
    .await?;
    if !done {
        return Err(WebError::Conflict(
            "Vi phạm này không có hoặc đã được ghi nhận khắc phục.".into(),
        ));
    }
    Ok(layout::see_other(&format!(
        "{}?tb=da-khac-phuc",
        detail_path(&id)
    )))
}
