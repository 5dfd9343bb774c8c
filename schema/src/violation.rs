//! The violation taxonomy (DOMAIN §7): the law's prohibited acts, the fines decree, and the
//! recurring findings of the seed letters. Each kind has a stable code, a Vietnamese label and
//! the date from which it applies (Law 117/2025 adds two kinds from 1 March 2026). Rule packs
//! list which kinds are in force; this enum is the closed set of codes they may use.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::FieldError;

macro_rules! taxonomy {
    ($($v:ident = $code:literal, $from:literal, $label:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ViolationKind { $($v,)* }

        impl ViolationKind {
            pub const ALL: &'static [ViolationKind] = &[$(Self::$v,)*];

            pub fn code(self) -> &'static str {
                match self { $(Self::$v => $code,)* }
            }

            pub fn label_vi(self) -> &'static str {
                match self { $(Self::$v => $label,)* }
            }

            /// The first day this kind is a violation in law.
            pub fn applies_from(self) -> NaiveDate {
                let s = match self { $(Self::$v => $from,)* };
                NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("taxonomy dates are valid")
            }
        }
    };
}

taxonomy! {
    NoInternalRules = "no_internal_rules", "2020-07-01", "Không ban hành nội quy, quy chế bảo vệ bí mật nhà nước";
    ImproperCopying = "improper_copying", "2020-07-01", "Sao, chụp tài liệu, vật chứa bí mật nhà nước trái quy định";
    ImproperHandling = "improper_handling", "2020-07-01", "Lưu giữ, vận chuyển, giao, nhận bí mật nhà nước sai quy định";
    FailureToRecall = "failure_to_recall", "2020-07-01", "Không thu hồi tài liệu, vật chứa bí mật nhà nước";
    UnauthorisedRemoval = "unauthorised_removal", "2020-07-01", "Mang tài liệu, vật chứa bí mật nhà nước ra khỏi nơi lưu giữ khi chưa được phép";
    NoHandoverOnLeaving = "no_handover_on_leaving", "2020-07-01", "Không bàn giao bí mật nhà nước khi thôi việc, chuyển công tác, nghỉ hưu";
    Misuse = "misuse", "2020-07-01", "Lợi dụng, lạm dụng việc bảo vệ bí mật nhà nước, sử dụng bí mật nhà nước sai mục đích";
    WrongClassification = "wrong_classification", "2020-07-01", "Xác định bí mật nhà nước, độ mật không đúng quy định";
    OverClassification = "over_classification", "2026-03-01", "Xác định bí mật nhà nước đối với thông tin không thuộc danh mục bí mật nhà nước";
    NetworkedMachine = "networked_machine", "2020-07-01", "Soạn thảo, lưu giữ bí mật nhà nước trên máy tính, thiết bị đã hoặc đang kết nối mạng";
    UnlawfulTransmission = "unlawful_transmission", "2020-07-01", "Truyền đưa bí mật nhà nước qua Internet, mạng xã hội, đường truyền không mã hóa";
    DeviceRepurposedUnwiped = "device_repurposed_unwiped", "2020-07-01", "Chuyển mục đích sử dụng thiết bị chứa bí mật nhà nước khi chưa xóa bỏ";
    RecordingDeviceInMeeting = "recording_device_in_meeting", "2020-07-01", "Sử dụng thiết bị ghi âm, ghi hình trong cuộc họp có nội dung bí mật nhà nước trái quy định";
    PostingOrSpreading = "posting_or_spreading", "2020-07-01", "Đăng tải, phát tán bí mật nhà nước";
    LeakOrLoss = "leak_or_loss", "2020-07-01", "Làm lộ, làm mất bí mật nhà nước";
    SaleOrSeizure = "sale_or_seizure", "2020-07-01", "Mua, bán, chiếm đoạt bí mật nhà nước";
    AiMisuse = "ai_misuse", "2026-03-01", "Sử dụng trí tuệ nhân tạo, công nghệ mới xâm phạm bí mật nhà nước";
    MissingClassificationProposal = "missing_classification_proposal", "2020-07-01", "Dự thảo văn bản mật không có đề xuất độ mật";
    IncompleteRecipientsBlock = "incomplete_recipients_block", "2020-07-01", "Nơi nhận thiếu số lượng bản, tên người soạn thảo hoặc phạm vi được sao";
    ClassificationWithoutListReference = "classification_without_list_reference", "2020-07-01", "Xác định độ mật không viện dẫn điểm, khoản của danh mục bí mật nhà nước";
    ImproperDestruction = "improper_destruction", "2020-07-01", "Tiêu hủy tài liệu, vật chứa bí mật nhà nước sai quy định";
}

impl ViolationKind {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == raw)
            .ok_or_else(|| {
                FieldError::new(
                    "",
                    format!("unknown violation kind `{raw}`; see the taxonomy in docs/protocol.md"),
                )
            })
    }

    /// Whether the kind was a violation on `date`.
    pub fn applies_on(self, date: NaiveDate) -> bool {
        date >= self.applies_from()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for k in ViolationKind::ALL {
            assert_eq!(ViolationKind::parse(k.code()).unwrap(), *k);
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.code())
            );
        }
        let mut codes: Vec<_> = ViolationKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ViolationKind::ALL.len());
    }

    #[test]
    fn law_117_kinds_apply_from_1_march_2026() {
        let before = NaiveDate::from_ymd_opt(2026, 2, 28).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        for k in [ViolationKind::OverClassification, ViolationKind::AiMisuse] {
            assert!(!k.applies_on(before) && k.applies_on(after));
        }
        assert!(ViolationKind::LeakOrLoss.applies_on(before));
    }

    #[test]
    fn violation_kind_rejects_unknown_code() {
        assert!(ViolationKind::parse("jaywalking").is_err());
    }
}
