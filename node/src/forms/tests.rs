//! Unit tests of form parsing: valid forms of each kind give their payload; invalid ones give
//! Vietnamese messages on the fields they concern.

use chrono::{DateTime, FixedOffset};
use config::rules::RuleBook;
use schema::{Classification, Payload, ReportKind};

use super::*;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-05T09:30:00+07:00").unwrap()
}

fn rules() -> &'static RuleBook {
    RuleBook::embedded().unwrap()
}

fn form(pairs: &[(&str, &str)]) -> RawForm {
    RawForm::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
}

/// A complete annual report for 2026 (pack 2026-law117).
pub fn annual_fields() -> RawForm {
    let mut f = form(&[
        ("period", "2026"),
        ("classification", "mat"),
        ("drafter", "Nguyễn Văn An, công chức Văn phòng"),
    ]);
    for s in ["a", "b", "c", "d"] {
        f.set(&format!("sections.{s}"), format!("Nội dung mục {s}."));
    }
    let pack = rules()
        .pack_for(schema::ReportingPeriod::Annual(2026).end())
        .unwrap();
    for i in &pack.form(ReportKind::AnnualReport).unwrap().indicators {
        f.set(&format!("indicators.{}", i.code), "0");
    }
    f
}

#[test]
fn a_complete_annual_report_parses() {
    let mut f = annual_fields();
    f.set("indicators.so_ban_sao_chup", "1.200");
    f.set("incidents[1].discovered_on", "03/04/2026");
    f.set("incidents[1].classification", "mat");
    f.set("incidents[1].carrier", "document");
    f.set("incidents[1].status", "closed");
    f.set("incidents[1].summary", "Mất tài liệu khi vận chuyển.");
    let p = parse(ReportKind::AnnualReport, &f, rules(), now()).unwrap();
    assert_eq!(p.classification, Classification::Mat);
    let Payload::AnnualReport(r) = p.payload else {
        panic!("not an annual report")
    };
    assert_eq!(r.sections.len(), 4);
    assert_eq!(r.incidents.len(), 1);
    let copies = r
        .indicators
        .iter()
        .find(|i| i.code.as_str() == "so_ban_sao_chup");
    assert_eq!(copies.unwrap().value.get(), 1200);
}

#[test]
fn annual_errors_land_on_their_fields() {
    let mut f = annual_fields();
    f.set("sections.b", "   ");
    f.set("indicators.so_vu_lo_mat", "5000");
    f.set("indicators.so_buoi_tap_huan", "nhiều");
    f.set("indicators.so_cuoc_tu_kiem_tra", "");
    f.set("drafter", "");
    f.set("incidents[2].discovered_on", "2026-04-03");
    f.set("incidents[2].classification", "tuyet_mat");
    f.set("incidents[2].carrier", "document");
    f.set("incidents[2].status", "closed");
    f.set("incidents[2].summary", "Không được ghi");
    let e = parse(ReportKind::AnnualReport, &f, rules(), now()).unwrap_err();
    assert_eq!(
        e.field("sections.b"),
        ["Bắt buộc: hãy viết nội dung mục này."]
    );
    assert_eq!(
        e.field("indicators.so_vu_lo_mat"),
        ["Phải từ 0 đến 1.000 vụ."]
    );
    assert!(e.field("indicators.so_buoi_tap_huan")[0].contains("số nguyên"));
    assert_eq!(
        e.field("indicators.so_cuoc_tu_kiem_tra"),
        ["Bắt buộc: nhập 0 nếu không có."]
    );
    assert_eq!(e.field("drafter"), ["Bắt buộc: chưa nhập."]);
    assert!(e.field("incidents[2].summary")[0].contains("Tuyệt mật"));
    assert_eq!(e.len(), 6, "{e:?}");
}

#[test]
fn period_and_classification_are_checked() {
    let mut f = annual_fields();
    f.set("period", "20x6");
    f.set("classification", "bi_mat");
    let e = parse(ReportKind::AnnualReport, &f, rules(), now()).unwrap_err();
    assert!(e.has("period") && e.has("classification"));
    f.set("period", "2027");
    f.set("classification", "mat");
    let e = parse(ReportKind::AnnualReport, &f, rules(), now()).unwrap_err();
    assert!(e.field("period")[0].contains("15/12/2026"), "{e:?}");
}

#[test]
fn incident_report_parses_and_checks_violation_dates() {
    let mut f = form(&[
        ("period", "2026"),
        ("classification", "mat"),
        ("discovered_date", "2026-12-04"),
        ("discovered_time", "14:05"),
        ("exposed_classification", "toi_mat"),
        ("carrier", "electronic"),
        ("channel", "Mạng xã hội Zalo"),
        ("status", "under_investigation"),
        ("violations.unlawful_transmission", "1"),
    ]);
    for s in INCIDENT_SECTIONS {
        f.set(&format!("sections.{s}"), "Nội dung.");
    }
    let p = parse(ReportKind::IncidentReport, &f, rules(), now()).unwrap();
    let Payload::IncidentReport(r) = p.payload else {
        panic!("not an incident report")
    };
    assert_eq!(r.discovered_at.to_rfc3339(), "2026-12-04T14:05:00+07:00");
    assert_eq!(r.violations.len(), 1);

    f.set("exposed_classification", "khong_mat");
    f.set("discovered_time", "25:00");
    f.set("sections.cause", "");
    let e = parse(ReportKind::IncidentReport, &f, rules(), now()).unwrap_err();
    assert!(e.has("discovered_time") && e.has("sections.cause"), "{e:?}");
    f.set("discovered_time", "08:00");
    f.set("sections.cause", "Nguyên nhân.");
    let e = parse(ReportKind::IncidentReport, &f, rules(), now()).unwrap_err();
    assert!(
        e.field("exposed_classification")[0].contains("Tối mật"),
        "{e:?}"
    );
}

#[test]
fn compliance_checklist_maps_items() {
    let pack = rules()
        .pack_for(schema::ReportingPeriod::Annual(2026).end())
        .unwrap();
    let mut f = form(&[
        ("period", "2026"),
        ("classification", "khong_mat"),
        ("as_of", "2026-12-01"),
    ]);
    for item in &pack.form(ReportKind::ComplianceStatus).unwrap().items {
        let v = match item.kind {
            config::rules::ItemKind::YesNo => YES,
            config::rules::ItemKind::Date => "2026-01-15",
            config::rules::ItemKind::Count => "2",
        };
        f.set(&format!("items.{}", item.code), v);
    }
    f.set(
        "items.noi_quy_ban_hanh.document_ref",
        "Quyết định số 12/QĐ-UBND",
    );
    assert!(parse(ReportKind::ComplianceStatus, &f, rules(), now()).is_ok());
    f.set("items.noi_quy_ban_hanh", "2026-12-03");
    f.set("items.noi_quy_gui_pa03", "");
    f.set("items.usb_an_toan", "hai");
    let e = parse(ReportKind::ComplianceStatus, &f, rules(), now()).unwrap_err();
    assert!(
        e.field("items.noi_quy_ban_hanh")[0].contains("sau ngày báo cáo"),
        "{e:?}"
    );
    assert_eq!(
        e.field("items.noi_quy_gui_pa03"),
        ["Bắt buộc: hãy trả lời mục này."]
    );
    assert!(e.has("items.usb_an_toan"));
}

#[test]
fn plan_needs_a_task_and_complete_rows() {
    let mut f = form(&[
        ("period", "2026"),
        ("classification", "khong_mat"),
        (
            "sections.purpose",
            "Quán triệt, triển khai nghiêm các quy định.",
        ),
    ]);
    let e = parse(ReportKind::ImplementationPlan, &f, rules(), now()).unwrap_err();
    assert!(
        e.field("tasks")[0].contains("ít nhất một nhiệm vụ"),
        "{e:?}"
    );
    f.set("tasks[0].title", "Tập huấn công tác bảo vệ bí mật nhà nước");
    let e = parse(ReportKind::ImplementationPlan, &f, rules(), now()).unwrap_err();
    assert!(e.has("tasks[0].lead") && e.has("tasks[0].due") && !e.has("tasks"));
    f.set("tasks[0].lead", "Văn phòng");
    f.set("tasks[0].due", "30/06/2026");
    f.set("self_inspections[0]", "15/10/2026");
    let p = parse(ReportKind::ImplementationPlan, &f, rules(), now()).unwrap();
    let Payload::ImplementationPlan(plan) = p.payload else {
        panic!("not a plan")
    };
    assert_eq!(plan.tasks.len(), 1);
    assert_eq!(plan.self_inspections.len(), 1);
}

#[test]
fn defaults_fill_the_period_and_level() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
    let f = defaults(ReportKind::AnnualReport, today);
    assert_eq!(f.get("period"), "2027");
    assert_eq!(f.get("classification"), "mat");
    let f = defaults(ReportKind::ImplementationPlan, today);
    assert_eq!(f.get("period"), "2027", "next year's plan from 15 Dec");
}
