//! The body of a printed report, per kind: the annual report's sections, indicators table and
//! incidents table; the incident report's facts and sections; the compliance checklist; the
//! implementation plan's purpose, tasks and self-inspections. Texts keep their paragraphs.

use config::rules::{Form, RulePack};
use maud::{html, Markup};
use schema::{
    AnnualReport, ComplianceStatus, ComplianceValue, ImplementationPlan, IncidentReport,
    ReportingPeriod,
};

use super::widgets::classification_name;
use crate::forms::{fmt_count, fmt_date};

const ROMAN: [&str; 10] = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"];

/// Text with its line breaks as paragraphs.
pub fn paragraphs(text: &str) -> Markup {
    html! {
        @for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            p.para { (line) }
        }
    }
}

fn heading(i: usize, title: &str) -> Markup {
    html! { h2 { (ROMAN.get(i).copied().unwrap_or("")) ". " (title.to_uppercase()) } }
}

fn section_title<'a>(form: Option<&'a Form>, code: &str) -> &'a str {
    form.and_then(|f| f.sections.iter().find(|s| s.code.as_str() == code))
        .map_or("", |s| s.title.as_str())
}

pub fn annual(
    r: &AnnualReport,
    unit: &str,
    period: ReportingPeriod,
    form: Option<&Form>,
) -> Markup {
    html! {
        p.para {
            "Thực hiện chế độ báo cáo về công tác bảo vệ bí mật nhà nước, " (unit)
            " báo cáo kết quả công tác bảo vệ bí mật nhà nước năm " (period.end_year())
            " (số liệu từ ngày " (fmt_date(period.start())) " đến ngày " (fmt_date(period.end())) ") như sau:"
        }
        @for (i, s) in r.sections.iter().enumerate() {
            (heading(i, section_title(form, s.code.as_str())))
            (paragraphs(s.text.as_str()))
        }
        @if !r.indicators.is_empty() {
            h2 { (ROMAN.get(r.sections.len()).copied().unwrap_or("")) ". SỐ LIỆU" }
            table.data {
                thead { tr { th { "STT" } th { "Chỉ tiêu" } th { "Đơn vị tính" } th { "Số lượng" } } }
                tbody {
                    @for (i, e) in r.indicators.iter().enumerate() {
                        @let spec = form.and_then(|f| f.indicators.iter().find(|s| s.code == e.code));
                        tr {
                            td.c { (i + 1) }
                            td { (spec.map_or(e.code.as_str(), |s| s.label.as_str())) }
                            td.c { (spec.map_or("", |s| s.unit.as_str())) }
                            td.r { (fmt_count(e.value.get())) }
                        }
                    }
                }
            }
        }
        @if !r.incidents.is_empty() {
            p.para { b { "Các vụ lộ, mất bí mật nhà nước trong kỳ:" } }
            table.data {
                thead { tr { th { "STT" } th { "Ngày phát hiện" } th { "Độ mật" } th { "Hình thức" }
                    th { "Tóm tắt" } th { "Tình trạng, xử lý" } } }
                tbody {
                    @for (i, inc) in r.incidents.iter().enumerate() {
                        tr {
                            td.c { (i + 1) }
                            td.c { (fmt_date(inc.discovered_on)) }
                            td.c { (classification_name(inc.classification)) }
                            td { (inc.carrier.label_vi()) }
                            td { (inc.summary) }
                            td { (inc.status.label_vi()) @if !inc.handling.is_empty() { ". " (inc.handling) } }
                        }
                    }
                }
            }
        }
    }
}

pub fn incident(r: &IncidentReport, form: Option<&Form>) -> Markup {
    let at = r.discovered_at;
    html! {
        table.data {
            tbody {
                tr { th { "Thời điểm phát hiện" } td { (at.format("%H giờ %M, ngày %d/%m/%Y")) } }
                tr { th { "Độ mật của thông tin bị lộ, mất" } td { (classification_name(r.exposed_classification)) } }
                tr { th { "Hình thức chứa bí mật nhà nước" } td { (r.carrier.label_vi()) } }
                tr { th { "Con đường bị lộ, mất" } td { (r.channel) } }
                tr { th { "Tình trạng xử lý" } td { (r.status.label_vi()) } }
                tr { th { "Hành vi vi phạm" } td {
                    @for v in &r.violations { div { "- " (v.label_vi()) } }
                    @if r.violations.is_empty() { "Chưa xác định" }
                } }
            }
        }
        @for (i, (code, text)) in [
            ("description", r.description.as_str()),
            ("cause", r.cause.as_str()),
            ("consequences", r.consequences.as_str()),
            ("measures_taken", r.measures_taken.as_str()),
        ].into_iter().enumerate() {
            (heading(i, section_title(form, code)))
            (paragraphs(text))
        }
    }
}

fn answer(v: &ComplianceValue) -> String {
    match v {
        ComplianceValue::YesNo(true) => "Có".into(),
        ComplianceValue::YesNo(false) => "Không".into(),
        ComplianceValue::Date(d) => fmt_date(*d),
        ComplianceValue::Count(n) => fmt_count(n.get()),
    }
}

pub fn compliance(r: &ComplianceStatus, form: Option<&Form>) -> Markup {
    html! {
        p.para { "Tình hình thực hiện các quy định về bảo vệ bí mật nhà nước tính đến ngày "
            (fmt_date(r.as_of)) " như sau:" }
        table.data {
            thead { tr { th { "STT" } th { "Nội dung" } th { "Kết quả" } th { "Văn bản" } th { "Ghi chú" } } }
            tbody {
                @for (i, item) in r.items.iter().enumerate() {
                    @let spec = form.and_then(|f| f.items.iter().find(|s| s.code == item.code));
                    tr {
                        td.c { (i + 1) }
                        td { (spec.map_or(item.code.as_str(), |s| s.label.as_str())) }
                        td.c { (answer(&item.value)) }
                        td { @if let Some(d) = &item.document_ref { (d) } }
                        td { @if let Some(n) = &item.note { (n) } }
                    }
                }
            }
        }
    }
}

pub fn plan(r: &ImplementationPlan, form: Option<&Form>) -> Markup {
    html! {
        (heading(0, match section_title(form, "purpose") { "" => "Mục đích, yêu cầu", t => t }))
        (paragraphs(r.purpose.as_str()))
        (heading(1, "Nhiệm vụ"))
        table.data {
            thead { tr { th { "STT" } th { "Nhiệm vụ" } th { "Chủ trì" } th { "Thời hạn" } } }
            tbody {
                @for (i, t) in r.tasks.iter().enumerate() {
                    tr {
                        td.c { (i + 1) }
                        td { b { (t.title) } @if !t.detail.is_empty() { (paragraphs(t.detail.as_str())) } }
                        td { (t.lead) }
                        td.c { (fmt_date(t.due)) }
                    }
                }
            }
        }
        @if !r.self_inspections.is_empty() {
            (heading(2, "Tự kiểm tra"))
            p.para { "Tổ chức tự kiểm tra công tác bảo vệ bí mật nhà nước vào các ngày: "
                (r.self_inspections.iter().map(|d| fmt_date(*d)).collect::<Vec<_>>().join("; ")) "." }
        }
    }
}

/// The form of `kind` in the pack that governs `period`.
pub fn form_of(pack: Option<&RulePack>, kind: schema::ReportKind) -> Option<&Form> {
    pack.and_then(|p| p.form(kind))
}
