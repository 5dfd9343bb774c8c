//! The report form page: header fields (period, classification), the kind's body from
//! `form_kinds`, the summary of errors (with links to the fields), and the buttons: "Lưu bản
//! nháp" for everyone, "Duyệt và ký gửi" only for the head or an admin, "Xóa bản nháp".

use maud::{html, Markup};
use schema::{ReportKind, ReportingPeriod};

use super::form_kinds;
use super::layout::{self, fmt_utc, today};
use super::routes;
use super::session::Viewer;
use super::widgets::{self as w, Bind};
use crate::app::Node;
use crate::forms::{self, fmt_date, FormErrors, RawForm};

/// What the form page shows.
#[derive(Debug)]
pub struct FormPage<'a> {
    pub kind: ReportKind,
    pub report_id: &'a str,
    pub raw: &'a RawForm,
    pub errors: &'a FormErrors,
    /// Not saved yet (no delete button).
    pub is_new: bool,
    /// When the draft was last saved (UTC).
    pub updated_at: Option<chrono::NaiveDateTime>,
    /// The files on the draft, in order.
    pub attachments: &'a [crate::db::attachments::Listed],
}

fn period_options(kind: ReportKind, current: &str) -> Vec<(String, String)> {
    let today = today();
    let base = ReportingPeriod::annual_containing(today).end_year();
    let mut years: Vec<i32> = (base - 2..=base + 1).collect();
    if let Ok(ReportingPeriod::Annual(y)) = ReportingPeriod::parse(current.trim()) {
        if !years.contains(&y) {
            years.push(y);
            years.sort_unstable();
        }
    }
    years
        .into_iter()
        .rev()
        .map(|y| {
            let p = ReportingPeriod::Annual(y);
            let label = match kind {
                ReportKind::ImplementationPlan => format!("Năm {y}"),
                _ => format!(
                    "Năm {y} (từ {} đến {})",
                    fmt_date(p.start()),
                    fmt_date(p.end())
                ),
            };
            (y.to_string(), label)
        })
        .collect()
}

/// Every field error, as links to the fields, for the summary at the top.
fn error_summary(errors: &FormErrors, form: Option<&config::rules::Form>) -> Markup {
    html! {
        div.alert role="alert" {
            p { b { "Chưa duyệt được: có " (errors.len()) " chỗ cần sửa, được đánh dấu đỏ bên dưới." }
                " Những gì đã nhập vẫn được lưu trong bản nháp." }
            ul {
                @for m in errors.general_messages() { li { (m) } }
                @for (name, msgs) in errors.fields() {
                    @for m in msgs {
                        li { a href={ "#" (w::id(name)) } { b { (form_kinds::label_of(name, form)) } } ": " (m) }
                    }
                }
            }
        }
    }
}

pub fn render(node: &Node, viewer: &Viewer, page: &FormPage<'_>, notice: Option<&str>) -> Markup {
    let b = Bind {
        raw: page.raw,
        errors: page.errors,
    };
    let rules = node.rules.get();
    let pack = forms::period_of(page.raw)
        .and_then(|p| forms::pack_for(rules, p))
        .or_else(|| rules.pack_for(today()).ok());
    let form = pack.and_then(|p| p.form(page.kind));
    let periods = period_options(page.kind, page.raw.get("period"));
    let period_refs: Vec<(&str, &str)> = periods
        .iter()
        .map(|(v, l)| (v.as_str(), l.as_str()))
        .collect();
    let links: Vec<String> = node
        .settings
        .upstream
        .iter()
        .map(|l| l.name.to_string())
        .collect();
    let title = page.kind.label_vi();
    let content = html! {
        h1 { (title) }
        p.muted {
            "Mã báo cáo: " code { (page.report_id) }
            @if let Some(t) = page.updated_at { " · Lưu lần cuối lúc " (fmt_utc(t)) }
            @if let Some(p) = pack { " · Áp dụng: " (p.title) }
        }
        @if !page.errors.is_empty() { (error_summary(page.errors, form)) }
        form method="post" action=(routes::draft(page.report_id)) novalidate {
            (layout::csrf_field(&viewer.csrf))
            input type="hidden" name="kind" value=(page.kind.code());
            div.box {
                (w::field(b, "period", "Kỳ báo cáo *", None, w::select(b, "period", &period_refs)))
                (w::field(b, "classification", "Độ mật của báo cáo *",
                    Some("báo cáo Tuyệt mật không có trích yếu"),
                    w::select(b, "classification", &w::classification_options(false))))
            }
            @match (form, pack) {
                _ if page.kind == ReportKind::Document => (form_kinds::document(b)),
                _ if page.kind == ReportKind::Acknowledgment => (form_kinds::acknowledgment(b)),
                (Some(form), Some(pack)) => {
                    @match page.kind {
                        ReportKind::AnnualReport => (form_kinds::annual(b, form)),
                        ReportKind::IncidentReport => (form_kinds::incident(b, form, pack)),
                        ReportKind::ComplianceStatus => (form_kinds::compliance(b, form)),
                        _ => (form_kinds::plan(b, form)),
                    }
                }
                _ => { p.alert { "Chưa có quy định về mẫu báo cáo này cho kỳ đã chọn." } }
            }
            div.actions {
                button type="submit" name="action" value="luu" { "Lưu bản nháp" }
                @if viewer.can_approve() {
                    button.primary type="submit" name="action" value="duyet"
                        formaction=(routes::approve(page.report_id)) {
                        "Duyệt và ký gửi"
                    }
                }
            }
            @if viewer.can_approve() {
                p.hint { "«Duyệt và ký gửi»: báo cáo được kiểm tra, ký số bằng chứng thư của đơn vị và gửi tới: "
                    (links.join("; ")) ". Sau khi ký không sửa được nữa." }
            } @else {
                p.hint { "Sau khi lưu, đề nghị lãnh đạo đơn vị mở bản nháp này để duyệt và ký gửi." }
            }
        }
        (super::attach_view::files_box(viewer, page))
        @if !page.is_new {
            p { a.button href=(routes::delete_draft(page.report_id)) { "Xóa bản nháp…" } }
        }
    };
    layout::page(
        viewer,
        node.settings.unit.name.as_str(),
        title,
        notice,
        content,
    )
}
