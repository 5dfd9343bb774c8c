//! Vietnamese wording for the English reasons the contract (`schema`) and the rule packs
//! (`config::rules`) give. The form modules word the errors they can explain better (bounds,
//! lengths, required fields) themselves; this is the fallback for the rest.

use chrono::NaiveDate;

use super::fields::fmt_date;

/// Translates a reason from `Payload::validate` or a rule-pack check.
pub fn vi(reason: &str) -> String {
    let r = reason;
    if r.contains("no summary (trích yếu)") {
        return "Không được ghi trích yếu đối với nội dung Tuyệt mật: để trống ô này.".into();
    }
    if r.contains("more than once") {
        return "Bị trùng lặp: mỗi mục chỉ ghi một lần.".into();
    }
    if r.contains("an incident report concerns state secrets") {
        return "Chọn độ mật của thông tin bị lộ, mất: Mật, Tối mật hoặc Tuyệt mật.".into();
    }
    if let Some(from) = r.split("is a violation only from ").nth(1) {
        return match NaiveDate::parse_from_str(from.trim(), "%Y-%m-%d") {
            Ok(d) => format!("Hành vi này chỉ bị coi là vi phạm từ ngày {}.", fmt_date(d)),
            Err(_) => "Hành vi này chưa được quy định là vi phạm vào thời điểm đó.".into(),
        };
    }
    if r.contains("is after the status date") {
        return "Ngày này sau ngày báo cáo tình hình: kiểm tra lại.".into();
    }
    if r.contains("at least one attached file") {
        return "Tài liệu phải có ít nhất một tệp đính kèm: chọn tệp ở mục «Tệp đính kèm» rồi bấm \
                «Đính kèm»."
            .into();
    }
    if r.contains("at least one task") {
        return "Kế hoạch phải có ít nhất một nhiệm vụ: điền vào bảng nhiệm vụ.".into();
    }
    if r.contains("before the period") {
        return "Ngày ký trước ngày bắt đầu kỳ báo cáo: chọn lại kỳ báo cáo.".into();
    }
    if r.contains("not part of the") {
        return "Mục này không có trong mẫu báo cáo theo quy định áp dụng cho kỳ này.".into();
    }
    if r.contains("no form for") || r.contains("no rule pack") {
        return "Chưa có quy định về mẫu báo cáo này cho kỳ đã chọn.".into();
    }
    if r.contains("required") {
        return "Bắt buộc: chưa nhập.".into();
    }
    if r.contains("characters long") {
        return "Quá dài so với giới hạn cho phép.".into();
    }
    if r.contains("is outside") {
        return "Giá trị vượt giới hạn cho phép.".into();
    }
    "Giá trị không hợp lệ: kiểm tra lại.".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_reasons_are_translated() {
        assert!(vi("`ai_misuse` is a violation only from 2026-03-01").contains("01/03/2026"));
        assert!(
            vi("no summary (trích yếu) may be written for a Tuyệt mật item; leave it empty")
                .contains("Tuyệt mật")
        );
        assert_eq!(vi("something new"), "Giá trị không hợp lệ: kiểm tra lại.");
    }
}
