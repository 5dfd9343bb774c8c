//! `GET /kiem-tra/ghi-nhan` and `POST`: the form heads and admins fill in after an inspection:
//! the unit (every unit of the scope, in Vietnamese order), the decision, the dates, the team,
//! the classification, the conclusion and up to [`ROWS`] findings (kind from the taxonomy,
//! severity, occurrences, remediation deadline, description; blank rows are ignored). A bad
//! field re-shows the form with what was typed and a Vietnamese message beside the field (422);
//! a good one is stored with its audit entry and leads to the inspection's page.

use actix_web::http::StatusCode;
use actix_web::web;
use maud::{html, Markup};
use node::app::Node;
use node::web::error::{WebError, WebResult};
use node::web::layout;
use node::web::session::Viewer;
use schema::{Classification, ViolationKind};
use serde::Deserialize;

use super::super::{db, Ui};
use super::{detail_path, RECORD};
use crate::inspection::input::{
    self, InputErrors, RawFinding, RawInspection, RecordError, SEVERITIES,
};
use crate::inspection::{records, store};

/// Finding rows on the form.
pub const ROWS: usize = 5;

fn require_recorder(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.can_approve() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "Chỉ lãnh đạo (hoặc quản trị) mới được ghi nhận kết quả kiểm tra.",
        ))
    }
}

/// The units of the scope, (id, name), in Vietnamese order of names.
async fn unit_choices(ui: &Ui) -> Result<Vec<(String, String)>, WebError> {
    let scope = ui.unit.clone();
    let today = layout::today();
    let mut list: Vec<(String, String)> = db(ui, move |c| {
        Ok(records::scope_units(c, &scope, today)?
            .into_iter()
            .map(|(r, _)| (r.id, r.name))
            .collect())
    })
    .await?;
    list.sort_by(|a, b| config::units::compare_vi(&a.1, &b.1).then_with(|| a.0.cmp(&b.0)));
    Ok(list)
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    don_vi: String,
}

pub async fn show(viewer: Viewer, ui: web::Data<Ui>, q: web::Query<ShowQuery>) -> WebResult {
    require_recorder(&viewer)?;
    let units = unit_choices(&ui).await?;
    let raw = RawInspection {
        unit: q.don_vi.clone(),
        classification: "mat".into(),
        findings: vec![RawFinding::default(); ROWS],
        ..RawInspection::default()
    };
    Ok(layout::ok(render(
        &viewer,
        &ui,
        &units,
        &raw,
        &InputErrors::default(),
    )))
}

fn raw_from(pairs: &[(String, String)]) -> RawInspection {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    RawInspection {
        unit: get("don_vi"),
        decision_ref: get("so_quyet_dinh"),
        started_on: get("tu_ngay"),
        ended_on: get("den_ngay"),
        team: get("doan"),
        classification: get("do_mat"),
        conclusion: get("ket_luan"),
        findings: (1..=ROWS)
            .map(|i| RawFinding {
                kind: get(&format!("vp{i}_loai")),
                severity: get(&format!("vp{i}_muc_do")),
                occurrences: get(&format!("vp{i}_so_lan")),
                deadline: get(&format!("vp{i}_han")),
                description: get(&format!("vp{i}_mo_ta")),
            })
            .collect(),
    }
}

pub async fn submit(
    viewer: Viewer,
    ui: web::Data<Ui>,
    own: web::Data<Node>,
    form: web::Form<Vec<(String, String)>>,
) -> WebResult {
    viewer.check_csrf(&form)?;
    require_recorder(&viewer)?;
    let raw = raw_from(&form);
    let (rules, scope, actor, today) = (
        own.rules.get(),
        ui.unit.clone(),
        viewer.actor().to_string(),
        layout::today(),
    );
    let rawc = raw.clone();
    let outcome = db(&ui, move |c| {
        let new = match input::parse(c, rules, &scope, &rawc, today) {
            Ok(n) => n,
            Err(RecordError::Invalid(e)) => return Ok(Err(e)),
            Err(e) => return Err(e.into()),
        };
        match crate::inspection::record(c, &actor, &new) {
            Ok(id) => Ok(Ok(id)),
            Err(RecordError::Duplicate { id, .. }) => Ok(Err(InputErrors(vec![(
                "so_quyet_dinh".into(),
                format!("Kết quả kiểm tra theo quyết định này đã được ghi nhận (mã {id})."),
            )]))),
            Err(e) => Err(e.into()),
        }
    })
    .await?;
    match outcome {
        Ok(id) => Ok(layout::see_other(&format!(
            "{}?tb=da-ghi",
            detail_path(&id)
        ))),
        Err(errors) => {
            let units = unit_choices(&ui).await?;
            Ok(layout::html_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&viewer, &ui, &units, &raw, &errors),
            ))
        }
    }
}

fn error(errors: &InputErrors, field: &str) -> Markup {
    html! { @if let Some(m) = errors.get(field) { p.error id=(format!("{field}-loi")) { (m) } } }
}

fn text(
    errors: &InputErrors,
    name: &str,
    label: &str,
    value: &str,
    kind: &str,
    hint: &str,
) -> Markup {
    let bad = errors.get(name).is_some();
    html! {
        div.field.invalid[bad] {
            label for=(name) { (label) }
            @if !hint.is_empty() { div.hint { (hint) } }
            input id=(name) name=(name) type=(kind) value=(value) aria-invalid=[bad.then_some("true")];
            (error(errors, name))
        }
    }
}

fn render(
    viewer: &Viewer,
    ui: &Ui,
    units: &[(String, String)],
    raw: &RawInspection,
    errors: &InputErrors,
) -> Markup {
    let general: Vec<&str> = errors
        .0
        .iter()
        .filter(|(f, _)| f.is_empty())
        .map(|(_, m)| m.as_str())
        .collect();
    let body = html! {
        h1 { "Ghi nhận kết quả kiểm tra" }
        @if !errors.0.is_empty() {
            div.alert role="alert" {
                p { strong { "Chưa ghi nhận được: hãy sửa các mục sau." } }
                ul { @for (f, m) in &errors.0 { li { @if f.is_empty() { (m) } @else { a href=(format!("#{f}")) { (m) } } } } }
                @for g in &general { p.error { (g) } }
            }
        }
        form method="post" action=(RECORD) {
            (layout::csrf_field(&viewer.csrf))
            @if units.is_empty() {
                // No registry loaded: the unit's code is typed in.
                (text(errors, "don_vi", "Đơn vị được kiểm tra (mã)", &raw.unit, "text", "Ví dụ: 75.26041"))
            } @else {
                div.field.invalid[errors.get("don_vi").is_some()] {
                    label for="don_vi" { "Đơn vị được kiểm tra" }
                    select #don_vi name="don_vi" {
                        option value="" { "— Chọn đơn vị —" }
                        @for (id, name) in units {
                            option value=(id) selected[raw.unit.trim() == id] { (name) " (" (id) ")" }
                        }
                    }
                    (error(errors, "don_vi"))
                }
            }
            (text(errors, "so_quyet_dinh", "Quyết định kiểm tra (số, ký hiệu)", &raw.decision_ref, "text", "Ví dụ: Quyết định số 12/QĐ-BCĐ ngày 01/10/2026"))
            (text(errors, "tu_ngay", "Ngày bắt đầu", &raw.started_on, "date", ""))
            (text(errors, "den_ngay", "Ngày kết thúc", &raw.ended_on, "date", ""))
            (text(errors, "doan", "Mã đoàn kiểm tra (nếu theo kế hoạch)", &raw.team, "text", "Ví dụ: doan-1; để trống nếu không theo kế hoạch"))
            div.field.invalid[errors.get("do_mat").is_some()] {
                label for="do_mat" { "Độ mật của kết quả" }
                select #do_mat name="do_mat" {
                    @for c in Classification::ALL {
                        option value=(c.code()) selected[raw.classification.trim() == c.code()] { (c.label_vi()) }
                    }
                }
                (error(errors, "do_mat"))
            }
            div.field.invalid[errors.get("ket_luan").is_some()] {
                label for="ket_luan" { "Kết luận kiểm tra" }
                textarea #ket_luan name="ket_luan" rows="5" { (raw.conclusion) }
                (error(errors, "ket_luan"))
            }
            h2 { "Vi phạm, thiếu sót phát hiện" }
            p.hint { "Để trống các dòng không dùng. Vi phạm mức «Vi phạm» và «Nghiêm trọng» phải có hạn khắc phục." }
            @for (i, f) in raw.findings.iter().enumerate() {
                @let p = format!("vp{}", i + 1);
                fieldset.box {
                    legend { "Vi phạm " (i + 1) }
                    div.field.invalid[errors.get(&format!("{p}_loai")).is_some()] {
                        label for=(format!("{p}_loai")) { "Loại vi phạm" }
                        select id=(format!("{p}_loai")) name=(format!("{p}_loai")) {
                            option value="" { "—" }
                            @for k in ViolationKind::ALL {
                                option value=(k.code()) selected[f.kind.trim() == k.code()] { (k.label_vi()) }
                            }
                        }
                        (error(errors, &format!("{p}_loai")))
                    }
                    div.field.invalid[errors.get(&format!("{p}_muc_do")).is_some()] {
                        label for=(format!("{p}_muc_do")) { "Mức độ" }
                        select id=(format!("{p}_muc_do")) name=(format!("{p}_muc_do")) {
                            option value="" { "—" }
                            @for s in SEVERITIES {
                                @let code = store::severity_code(s);
                                option value=(code) selected[f.severity.trim() == code] { (s.label_vi()) }
                            }
                        }
                        (error(errors, &format!("{p}_muc_do")))
                    }
                    (text(errors, &format!("{p}_so_lan"), "Số lần, số trường hợp", &f.occurrences, "text", ""))
                    (text(errors, &format!("{p}_han"), "Hạn khắc phục", &f.deadline, "date", ""))
                    div.field.invalid[errors.get(&format!("{p}_mo_ta")).is_some()] {
                        label for=(format!("{p}_mo_ta")) { "Mô tả" }
                        textarea id=(format!("{p}_mo_ta")) name=(format!("{p}_mo_ta")) rows="3" { (f.description) }
                        (error(errors, &format!("{p}_mo_ta")))
                    }
                }
            }
            div.actions { button.primary type="submit" { "Ghi nhận" } }
        }
    };
    layout::page(
        viewer,
        &ui.unit_name,
        "Ghi nhận kết quả kiểm tra",
        None,
        body,
    )
}
