//! Classification levels (độ mật) of the Law on Protection of State Secrets, with their
//! protection periods and envelope marks, plus `KhongMat` for material that is not a state
//! secret (compliance status, plans): links declare the highest level they may carry.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::FieldError;

/// Ordered from least to most protected, so `a <= link_max` is the transport rule.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Not a state secret (may still be a work secret, "bí mật công tác").
    KhongMat,
    /// Mật (confidential): grave harm, protected 10 years, envelope mark C.
    Mat,
    /// Tối mật (secret): very grave harm, protected 20 years, envelope mark B.
    ToiMat,
    /// Tuyệt mật (top secret): exceptionally grave harm, protected 30 years, envelope mark A.
    TuyetMat,
}

impl Classification {
    pub const ALL: [Classification; 4] = [Self::KhongMat, Self::Mat, Self::ToiMat, Self::TuyetMat];

    pub fn code(self) -> &'static str {
        match self {
            Self::KhongMat => "khong_mat",
            Self::Mat => "mat",
            Self::ToiMat => "toi_mat",
            Self::TuyetMat => "tuyet_mat",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL.into_iter().find(|c| c.code() == raw).ok_or_else(|| {
            FieldError::new("", format!("unknown classification `{raw}`: expected khong_mat, mat, toi_mat or tuyet_mat"))
        })
    }

    /// The stamp text (dấu chỉ độ mật); empty for unclassified material.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::KhongMat => "",
            Self::Mat => "MẬT",
            Self::ToiMat => "TỐI MẬT",
            Self::TuyetMat => "TUYỆT MẬT",
        }
    }

    /// Years of protection from the date the level is set.
    pub fn protection_years(self) -> Option<u32> {
        match self {
            Self::KhongMat => None,
            Self::Mat => Some(10),
            Self::ToiMat => Some(20),
            Self::TuyetMat => Some(30),
        }
    }

    /// The envelope mark (A, B, C).
    pub fn envelope_mark(self) -> Option<char> {
        match self {
            Self::KhongMat => None,
            Self::Mat => Some('C'),
            Self::ToiMat => Some('B'),
            Self::TuyetMat => Some('A'),
        }
    }

    /// The date protection ends (automatic declassification unless extended).
    pub fn declassified_on(self, set_on: NaiveDate) -> Option<NaiveDate> {
        self.protection_years()
            .and_then(|y| set_on.checked_add_months(chrono::Months::new(12 * y)))
    }

    /// Under the 2025 rules no summary (trích yếu) may be written for a Tuyệt mật item.
    pub fn allows_summary(self) -> bool {
        self != Self::TuyetMat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_ordered_and_carry_their_periods() {
        assert!(Classification::KhongMat < Classification::Mat);
        assert!(Classification::ToiMat < Classification::TuyetMat);
        assert_eq!(Classification::TuyetMat.protection_years(), Some(30));
        assert_eq!(Classification::Mat.envelope_mark(), Some('C'));
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(
            Classification::ToiMat.declassified_on(d),
            NaiveDate::from_ymd_opt(2046, 3, 1)
        );
    }

    #[test]
    fn classification_rejects_unknown_code() {
        assert!(Classification::parse("secret")
            .unwrap_err()
            .reason()
            .contains("tuyet_mat"));
    }
}
