//! The body of each report form, generated from the rule pack's form definition: the annual
//! report (sections a–d, indicators table, incident rows, drafter), the incident report, the
//! compliance-status checklist and the implementation plan (task rows, self-inspections).

use config::rules::{Form, ItemKind, RulePack};
use maud::{html, Markup};

use super::widgets::{self as w, Bind};
use crate::forms::{
    self, carrier_code, fmt_count, status_code, CARRIERS, INCIDENT_ROWS, INSPECTION_ROWS, MAX_ROWS,
    NO, STATUSES, TASK_ROWS, YES,
};

const LETTERS: &str = "abcdefghijklmnopqrstuvwxyz";

fn carriers() -> Vec<(&'static str, &'static str)> {
    CARRIERS
        .iter()
        .map(|c| (carrier_code(*c), c.label_vi()))
        .collect()
}

fn statuses() -> Vec<(&'static str, &'static str)> {
    STATUSES
        .iter()
        .map(|s| (status_code(*s), s.label_vi()))
        .collect()
}

/// The text sections of `form`, numbered a), b)…
fn sections(b: Bind<'_>, form: &Form, rows: u32) -> Markup {
    html! {
        @for (i, s) in form.sections.iter().enumerate() {
            @let name = format!("sections.{}", s.code);
            @let letter = LETTERS.chars().nth(i).unwrap_or('-');
            @let label = format!("{letter}) {}{}", s.title, if s.required { " *" } else { "" });
            @let hint = format!("tối đa {} ký tự", fmt_count(i64::from(s.max_len)));
            (w::field(b, &name, &label, Some(&hint), w::textarea(b, &name, rows)))
        }
    }
}

pub fn annual(b: Bind<'_>, form: &Form) -> Markup {
    let rows = b.raw.rows("incidents", INCIDENT_ROWS, MAX_ROWS);
    html! {
        h2 { "Nội dung báo cáo" }
        (sections(b, form, 8))
        h2 { "Số liệu trong kỳ" }
        p.hint { "Nhập 0 nếu không có. Có thể viết dấu chấm ngăn cách hàng nghìn, ví dụ 1.500." }
        table {
            thead { tr { th { "STT" } th { "Chỉ tiêu" } th { "Đơn vị tính" } th { "Số lượng" } } }
            tbody {
                @for (i, spec) in form.indicators.iter().enumerate() {
                    @let name = format!("indicators.{}", spec.code);
                    tr {
                        td { (i + 1) }
                        td { label for=(w::id(&name)) style="font-weight:normal" { (spec.label) }
                             @if spec.required { " *" } }
                        td { (spec.unit) }
                        td.invalid[b.errors.has(&name)] {
                            (w::number(b, &name))
                            div.hint { "từ " (fmt_count(spec.min)) " đến " (fmt_count(spec.max_value())) }
                            (w::errors(b, &name))
                        }
                    }
                }
            }
        }
        h2 { "Các vụ lộ, mất bí mật nhà nước trong kỳ" }
        p.hint { "Mỗi vụ một khung; để trống các khung không dùng. Sau mỗi lần lưu sẽ có thêm một khung trống. \
                  Không ghi trích yếu đối với nội dung Tuyệt mật." }
        (w::errors(b, "incidents"))
        @for i in 0..rows {
            @let f = |c: &str| format!("incidents[{i}].{c}");
            fieldset.box {
                legend { "Vụ việc " (i + 1) }
                (w::field(b, &f("discovered_on"), "Ngày phát hiện", None, w::date(b, &f("discovered_on"))))
                (w::field(b, &f("classification"), "Độ mật của thông tin bị lộ, mất", None,
                    w::select(b, &f("classification"), &w::classification_options(true))))
                (w::field(b, &f("carrier"), "Hình thức chứa bí mật nhà nước", None,
                    w::select(b, &f("carrier"), &carriers())))
                (w::field(b, &f("status"), "Tình trạng xử lý", None, w::select(b, &f("status"), &statuses())))
                (w::field(b, &f("summary"), "Tóm tắt vụ việc (trích yếu)", None, w::textarea(b, &f("summary"), 3)))
                (w::field(b, &f("handling"), "Việc xử lý, khắc phục hậu quả", None, w::textarea(b, &f("handling"), 3)))
                (w::field(b, &f("incident_report_id"), "Mã báo cáo đột xuất đã gửi",
                    Some("nếu có, xem ở trang Lịch sử gửi"), w::text(b, &f("incident_report_id"), 40)))
            }
        }
        h2 { "Người soạn thảo" }
        (w::field(b, "drafter", "Họ tên, chức vụ người soạn thảo *",
            Some("ghi ở mục Nơi nhận của văn bản mật"), w::text(b, "drafter", 60)))
    }
}

pub fn incident(b: Bind<'_>, form: &Form, pack: &RulePack) -> Markup {
    html! {
        h2 { "Thông tin vụ việc" }
        (w::field(b, "discovered_date", "Ngày phát hiện *", None, w::date(b, "discovered_date")))
        (w::field(b, "discovered_time", "Giờ phát hiện *", Some("giờ:phút, ví dụ 09:30"), w::time(b, "discovered_time")))
        (w::field(b, "exposed_classification", "Độ mật cao nhất của thông tin bị lộ, mất *", None,
            w::select(b, "exposed_classification", &w::classification_options(true))))
        (w::field(b, "carrier", "Hình thức chứa bí mật nhà nước *", None, w::select(b, "carrier", &carriers())))
        (w::field(b, "channel", "Con đường bị lộ, mất *", Some("ví dụ: mạng xã hội Zalo, thất lạc khi vận chuyển"),
            w::text(b, "channel", 60)))
        (w::field(b, "status", "Tình trạng xử lý *", None, w::select(b, "status", &statuses())))
        h2 { "Nội dung" }
        (sections(b, form, 6))
        h2 { "Hành vi vi phạm liên quan" }
        div.field.invalid[b.errors.has("violations")] {
            @for v in pack.violation_kinds() {
                (w::checkbox(b, &format!("violations.{}", v.code()), v.label_vi()))
            }
            (w::errors(b, "violations"))
        }
    }
}

fn answer(b: Bind<'_>, name: &str, kind: ItemKind) -> Markup {
    match kind {
        ItemKind::YesNo => w::select(b, name, &[(YES, "Có"), (NO, "Không")]),
        ItemKind::Date => w::date(b, name),
        ItemKind::Count => w::number(b, name),
    }
}

pub fn compliance(b: Bind<'_>, form: &Form) -> Markup {
    html! {
        (w::field(b, "as_of", "Tình hình tính đến ngày *", None, w::date(b, "as_of")))
        table {
            thead { tr {
                th { "STT" } th { "Nội dung" } th { "Trả lời" }
                th { "Văn bản (số, ký hiệu)" } th { "Ghi chú" }
            } }
            tbody {
                @for (i, item) in form.items.iter().enumerate() {
                    @let name = format!("items.{}", item.code);
                    @let doc = format!("{name}.document_ref");
                    @let note = format!("{name}.note");
                    tr {
                        td { (i + 1) }
                        td { label for=(w::id(&name)) style="font-weight:normal" { (item.label) }
                             @if item.required { " *" } }
                        td.invalid[b.errors.has(&name)] { (answer(b, &name, item.kind)) (w::errors(b, &name)) }
                        td.invalid[b.errors.has(&doc)] { (w::text(b, &doc, 22)) (w::errors(b, &doc)) }
                        td.invalid[b.errors.has(&note)] { (w::text(b, &note, 22)) (w::errors(b, &note)) }
                    }
                }
            }
        }
    }
}

pub fn plan(b: Bind<'_>, form: &Form) -> Markup {
    let tasks = b.raw.rows("tasks", TASK_ROWS, MAX_ROWS);
    let inspections = b
        .raw
        .rows("self_inspections", INSPECTION_ROWS, forms::MAX_ROWS.min(52));
    html! {
        (sections(b, form, 6))
        h2 { "Nhiệm vụ" }
        p.hint { "Mỗi nhiệm vụ một khung; để trống các khung không dùng. Sau mỗi lần lưu sẽ có thêm một khung trống." }
        (w::errors(b, "tasks"))
        @for i in 0..tasks {
            @let f = |c: &str| format!("tasks[{i}].{c}");
            fieldset.box {
                legend { "Nhiệm vụ " (i + 1) }
                (w::field(b, &f("title"), "Tên nhiệm vụ", None, w::text(b, &f("title"), 70)))
                (w::field(b, &f("lead"), "Đơn vị, người chủ trì", None, w::text(b, &f("lead"), 50)))
                (w::field(b, &f("due"), "Thời hạn hoàn thành", None, w::date(b, &f("due"))))
                (w::field(b, &f("detail"), "Nội dung cụ thể", None, w::textarea(b, &f("detail"), 3)))
            }
        }
        h2 { "Kế hoạch tự kiểm tra" }
        @for i in 0..inspections {
            @let name = format!("self_inspections[{i}]");
            (w::field(b, &name, &format!("Đợt {}", i + 1), None, w::date(b, &name)))
        }
    }
}

/// A person's name for a field, for the error summary: the rule pack's label where there is
/// one, "Vụ việc 2: Ngày phát hiện" for a row cell.
pub fn label_of(name: &str, form: Option<&Form>) -> String {
    let fixed = match name {
        "period" => "Kỳ báo cáo",
        "classification" => "Độ mật của báo cáo",
        "drafter" => "Người soạn thảo",
        "discovered_date" => "Ngày phát hiện",
        "discovered_time" => "Giờ phát hiện",
        "exposed_classification" => "Độ mật của thông tin bị lộ, mất",
        "carrier" => "Hình thức chứa bí mật nhà nước",
        "channel" => "Con đường bị lộ, mất",
        "status" => "Tình trạng xử lý",
        "violations" => "Hành vi vi phạm",
        "as_of" => "Tình hình tính đến ngày",
        "tasks" => "Nhiệm vụ",
        "document" => "Loại tài liệu",
        "title" => "Tên tài liệu",
        "number" => "Số, ký hiệu",
        "issued_on" => "Ngày ban hành",
        "summary" => "Trích yếu, ghi chú",
        "received_on" => "Ngày nhận",
        "disseminated_on" => "Ngày quán triệt",
        "participants" => "Số người tham dự quán triệt",
        "note" => "Ghi chú",
        _ => "",
    };
    if !fixed.is_empty() {
        return fixed.into();
    }
    let spec_label = |prefix: &str| -> Option<String> {
        let code = name.strip_prefix(prefix)?;
        let (code, part) = code.split_once('.').unwrap_or((code, ""));
        let form = form?;
        let label = form
            .sections
            .iter()
            .find(|s| s.code.as_str() == code)
            .map(|s| s.title.clone())
            .or_else(|| {
                form.indicators
                    .iter()
                    .find(|s| s.code.as_str() == code)
                    .map(|s| s.label.clone())
            })
            .or_else(|| {
                form.items
                    .iter()
                    .find(|s| s.code.as_str() == code)
                    .map(|s| s.label.clone())
            })?;
        Some(match part {
            "document_ref" => format!("{label} (văn bản)"),
            "note" => format!("{label} (ghi chú)"),
            _ => label,
        })
    };
    if let Some(l) = spec_label("sections.")
        .or_else(|| spec_label("indicators."))
        .or_else(|| spec_label("items."))
    {
        return l;
    }
    for (prefix, row) in [
        ("incidents[", "Vụ việc"),
        ("tasks[", "Nhiệm vụ"),
        ("self_inspections[", "Tự kiểm tra, đợt"),
    ] {
        let Some((i, col)) = name.strip_prefix(prefix).and_then(|r| r.split_once(']')) else {
            continue;
        };
        let n = i.parse::<usize>().map_or(0, |i| i + 1);
        let col = match col.trim_start_matches('.') {
            "discovered_on" => "Ngày phát hiện",
            "classification" => "Độ mật",
            "carrier" => "Hình thức",
            "status" => "Tình trạng xử lý",
            "summary" => "Trích yếu",
            "handling" => "Xử lý, khắc phục",
            "incident_report_id" => "Mã báo cáo đột xuất",
            "title" => "Tên nhiệm vụ",
            "lead" => "Chủ trì",
            "due" => "Thời hạn",
            "detail" => "Nội dung",
            _ => "",
        };
        return if col.is_empty() {
            format!("{row} {n}")
        } else {
            format!("{row} {n}: {col}")
        };
    }
    name.to_string()
}

/// The document form: what the files are (the files themselves are attached below the form).
pub fn document(b: Bind<'_>) -> Markup {
    let types: Vec<(&str, &str)> = schema::DocumentType::ALL
        .iter()
        .map(|d| (d.code(), d.label_vi()))
        .collect();
    html! {
        h2 { "Tài liệu gửi kèm" }
        (w::field(b, "document", "Loại tài liệu *", None, w::select(b, "document", &types)))
        (w::field(b, "title", "Tên tài liệu *", Some("ví dụ: Nội quy bảo vệ bí mật nhà nước của UBND xã"), w::text(b, "title", 80)))
        (w::field(b, "number", "Số, ký hiệu", Some("ví dụ: 15/QĐ-UBND"), w::text(b, "number", 30)))
        (w::field(b, "issued_on", "Ngày ban hành", None, w::date(b, "issued_on")))
        (w::field(b, "summary", "Trích yếu, ghi chú", None, w::textarea(b, "summary", 4)))
    }
}

/// The acknowledgment form: received on, and (where asked) disseminated on, participants.
pub fn acknowledgment(b: Bind<'_>) -> Markup {
    html! {
        h2 { "Xác nhận văn bản chỉ đạo" }
        (w::field(b, "received_on", "Ngày nhận *", None, w::date(b, "received_on")))
        (w::field(b, "disseminated_on", "Ngày quán triệt", Some("nếu văn bản yêu cầu quán triệt"), w::date(b, "disseminated_on")))
        (w::field(b, "participants", "Số người tham dự quán triệt", None, w::number(b, "participants")))
        (w::field(b, "note", "Ghi chú", None, w::textarea(b, "note", 3)))
    }
}
