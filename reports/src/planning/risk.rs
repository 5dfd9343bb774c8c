//! The risk score of a unit: a sum of explainable factors (findings by violation kind and
//! severity, incidents, late or missing reports, compliance gaps, key/confidential designation,
//! classification held, years since the last inspection), each exposed with its name,
//! Vietnamese label, raw value, weight and points so a UI can show why a unit ranks where it
//! does. Events older than the look-back window are ignored.

use chrono::{Months, NaiveDate};
use config::settings::InspectionSection;
use schema::{Classification, ComplianceStatus, ComplianceValue, Severity, ViolationKind};

use super::weights::{RiskWeights, WeightsError};
use crate::timeliness::Status;

/// Years since the last inspection count at most this much (and "never inspected" counts this).
pub const MAX_YEARS_SINCE_INSPECTION: f64 = 5.0;
/// Unstamped computers count at most this many times.
pub const MAX_UNSTAMPED_COMPUTERS: u32 = 5;

/// One finding of a past inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PastFinding {
    /// When the inspection that found it ended.
    pub date: NaiveDate,
    pub kind: ViolationKind,
    pub severity: Severity,
}

/// A gap in the unit's compliance status (DOMAIN §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ComplianceGap {
    NoInternalRules,
    RulesNotSentToPolice,
    NoAssignedStaff,
    NoKeyPositionList,
    MissingRegisters,
    /// This many standalone computers without a security stamp.
    UnstampedComputers(u32),
    SecretsOnNetworkedComputer,
    NoSecureUsb,
    NoTraining,
    NoSelfInspection,
    NoHandoverOnLeaving,
    ImproperDestruction,
    UnsafeMeetings,
}

impl ComplianceGap {
    /// Stable snake_case code.
    pub fn code(self) -> &'static str {
        use ComplianceGap as G;
        match self {
            G::NoInternalRules => "no_internal_rules",
            G::RulesNotSentToPolice => "rules_not_sent_to_police",
            G::NoAssignedStaff => "no_assigned_staff",
            G::NoKeyPositionList => "no_key_position_list",
            G::MissingRegisters => "missing_registers",
            G::UnstampedComputers(_) => "unstamped_computers",
            G::SecretsOnNetworkedComputer => "secrets_on_networked_computer",
            G::NoSecureUsb => "no_secure_usb",
            G::NoTraining => "no_training",
            G::NoSelfInspection => "no_self_inspection",
            G::NoHandoverOnLeaving => "no_handover_on_leaving",
            G::ImproperDestruction => "improper_destruction",
            G::UnsafeMeetings => "unsafe_meetings",
        }
    }

    pub fn label_vi(self) -> &'static str {
        use ComplianceGap as G;
        match self {
            G::NoInternalRules => "Chưa ban hành nội quy, quy chế bảo vệ bí mật nhà nước",
            G::RulesNotSentToPolice => "Chưa gửi nội quy, quy chế cho Công an tỉnh (PA03)",
            G::NoAssignedStaff => "Chưa phân công cán bộ làm công tác bảo vệ bí mật nhà nước",
            G::NoKeyPositionList => "Chưa ban hành danh mục bộ phận, vị trí trọng yếu, cơ mật",
            G::MissingRegisters => "Thiếu sổ đăng ký, sổ quản lý bí mật nhà nước",
            G::UnstampedComputers(_) => "Máy tính soạn thảo bí mật nhà nước chưa dán tem an ninh",
            G::SecretsOnNetworkedComputer => {
                "Soạn thảo, lưu giữ bí mật nhà nước trên máy tính nối mạng"
            }
            G::NoSecureUsb => "Chưa đăng ký, cấp phát USB an toàn",
            G::NoTraining => "Chưa tổ chức tập huấn, tuyên truyền về bảo vệ bí mật nhà nước",
            G::NoSelfInspection => "Chưa tự kiểm tra công tác bảo vệ bí mật nhà nước",
            G::NoHandoverOnLeaving => {
                "Cán bộ nghỉ việc, chuyển công tác chưa bàn giao bí mật nhà nước"
            }
            G::ImproperDestruction => "Tiêu hủy tài liệu bí mật nhà nước chưa đúng quy trình",
            G::UnsafeMeetings => "Hội nghị có nội dung bí mật nhà nước chưa bảo đảm an toàn",
        }
    }

    /// How many gaps it counts for.
    pub fn count(self) -> u32 {
        match self {
            ComplianceGap::UnstampedComputers(n) => n.min(MAX_UNSTAMPED_COMPUTERS),
            _ => 1,
        }
    }

    /// The gaps read off a compliance status filed on the 2020/2026 checklist: an item answered
    /// "no", a required date or document missing, no secure USB drive. Unknown items are ignored.
    pub fn from_status(status: &ComplianceStatus) -> Vec<ComplianceGap> {
        use ComplianceGap as G;
        let value = |code: &str| {
            status
                .items
                .iter()
                .find(|i| i.code.as_str() == code)
                .map(|i| &i.value)
        };
        let missing = |code: &str| match value(code) {
            None => true,
            Some(ComplianceValue::YesNo(yes)) => !yes,
            Some(ComplianceValue::Count(n)) => n.get() == 0,
            Some(ComplianceValue::Date(_)) => false,
        };
        let mut gaps = Vec::new();
        let checks: [(&[&str], G); 11] = [
            (&["noi_quy_ban_hanh"], G::NoInternalRules),
            (&["noi_quy_gui_pa03"], G::RulesNotSentToPolice),
            (&["quyet_dinh_phan_cong"], G::NoAssignedStaff),
            (&["danh_muc_vi_tri_trong_yeu"], G::NoKeyPositionList),
            (
                &[
                    "so_dang_ky_di",
                    "so_dang_ky_den",
                    "so_quan_ly_sao_chup",
                    "so_giao_nhan",
                ],
                G::MissingRegisters,
            ),
            (
                &["khong_soan_tren_may_noi_mang"],
                G::SecretsOnNetworkedComputer,
            ),
            (&["usb_an_toan"], G::NoSecureUsb),
            (&["tap_huan_gan_nhat"], G::NoTraining),
            (&["tu_kiem_tra_gan_nhat"], G::NoSelfInspection),
            (&["ban_giao_khi_nghi_viec"], G::NoHandoverOnLeaving),
            (&["tieu_huy_dung_quy_trinh"], G::ImproperDestruction),
        ];
        for (codes, gap) in checks {
            if codes.iter().any(|c| missing(c)) {
                gaps.push(gap);
            }
        }
        if missing("hop_mat_dung_quy_dinh") {
            gaps.push(G::UnsafeMeetings);
        }
        gaps
    }
}

/// Whether the unit is on the list of key and confidential bodies and positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Designation {
    #[default]
    Ordinary,
    /// Trọng yếu, cơ mật.
    KeyOrConfidential,
}

/// What the aggregator knows about a unit, as inputs of the score.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnitRecord {
    pub findings: Vec<PastFinding>,
    /// Dates of the leak or loss incidents it reported.
    pub incidents: Vec<NaiveDate>,
    /// Its reports: the deadline and the verdict (see [`crate::timeliness`]).
    pub reports: Vec<(NaiveDate, Status)>,
    /// Gaps of its latest compliance status.
    pub gaps: Vec<ComplianceGap>,
    pub designation: Designation,
    /// The highest classification level it holds.
    pub highest_classification: Option<Classification>,
    /// When it was last inspected.
    pub last_inspection: Option<NaiveDate>,
}

/// One explained term of a score.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// Machine name: the weight name, `violations:<kind>` or `compliance_gaps:<gap>`.
    pub name: String,
    pub label_vi: String,
    pub raw: f64,
    pub weight: f64,
    /// `raw * weight`.
    pub points: f64,
}

/// A unit's score and its explanation; `total` is the sum of the factors' points.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskScore {
    pub total: f64,
    /// Non-zero factors, most points first (ties by name).
    pub factors: Vec<Factor>,
}

/// The weights and the look-back window.
#[derive(Debug, Clone, PartialEq)]
pub struct RiskModel {
    pub weights: RiskWeights,
    pub look_back_years: u32,
}

impl Default for RiskModel {
    fn default() -> Self {
        Self {
            weights: RiskWeights::default(),
            look_back_years: 2,
        }
    }
}

impl RiskModel {
    /// From the aggregator's `[inspection]` settings section.
    pub fn from_section(section: &InspectionSection) -> Result<Self, WeightsError> {
        Ok(Self {
            weights: RiskWeights::from_map(&section.weights)?,
            look_back_years: section.look_back_years.max(1),
        })
    }

    /// Scores `record` as of `as_of`: events after `as_of` or before the look-back window are
    /// not counted.
    pub fn score(&self, record: &UnitRecord, as_of: NaiveDate) -> RiskScore {
        let w = &self.weights;
        let from = as_of
            .checked_sub_months(Months::new(12 * self.look_back_years))
            .unwrap_or(NaiveDate::MIN);
        let within = |d: NaiveDate| d > from && d <= as_of;
        let mut factors = Vec::new();
        let mut push = |name: String, label_vi: String, raw: f64, weight: f64| {
            if raw != 0.0 {
                factors.push(Factor {
                    name,
                    label_vi,
                    raw,
                    weight,
                    points: raw * weight,
                });
            }
        };
        for kind in ViolationKind::ALL {
            let raw: f64 = record
                .findings
                .iter()
                .filter(|f| f.kind == *kind && within(f.date))
                .map(|f| w.severity(f.severity))
                .sum();
            push(
                format!("violations:{}", kind.code()),
                format!("Vi phạm đã phát hiện: {}", kind.label_vi()),
                raw,
                w.violations * w.kind(*kind),
            );
        }
        let incidents = record.incidents.iter().filter(|d| within(**d)).count();
        push(
            "incidents".into(),
            "Vụ lộ, mất bí mật nhà nước đã báo cáo".into(),
            incidents as f64,
            w.incidents,
        );
        let (mut late, mut missing) = (0u32, 0u32);
        for (deadline, status) in &record.reports {
            if within(*deadline) {
                match status {
                    Status::Late { .. } => late += 1,
                    Status::Missing => missing += 1,
                    Status::OnTime => {}
                }
            }
        }
        push(
            "late_reports".into(),
            "Báo cáo nộp trễ hạn".into(),
            late.into(),
            w.late_reports,
        );
        push(
            "missing_reports".into(),
            "Báo cáo không nộp".into(),
            missing.into(),
            w.missing_reports,
        );
        let mut gaps = record.gaps.clone();
        gaps.sort();
        gaps.dedup_by_key(|g| g.code());
        for g in gaps {
            push(
                format!("compliance_gaps:{}", g.code()),
                format!("Thiếu sót: {}", g.label_vi()),
                g.count().into(),
                w.compliance_gaps,
            );
        }
        if record.designation == Designation::KeyOrConfidential {
            push(
                "key_designation".into(),
                "Cơ quan, đơn vị trọng yếu, cơ mật".into(),
                1.0,
                w.key_designation,
            );
        }
        if let Some(c) = record.highest_classification {
            let level = Classification::ALL
                .iter()
                .position(|x| *x == c)
                .unwrap_or(0);
            push(
                "classification_level".into(),
                format!("Độ mật cao nhất đang quản lý: {}", c.label_vi()),
                level as f64,
                w.classification_level,
            );
        }
        let (raw, label) = match record.last_inspection {
            Some(d) if d <= as_of => (
                ((as_of - d).num_days() as f64 / 365.25).min(MAX_YEARS_SINCE_INSPECTION),
                "Số năm kể từ lần kiểm tra gần nhất",
            ),
            Some(_) => (0.0, "Số năm kể từ lần kiểm tra gần nhất"),
            None => (MAX_YEARS_SINCE_INSPECTION, "Chưa từng được kiểm tra"),
        };
        push(
            "years_since_inspection".into(),
            label.into(),
            (raw * 100.0).round() / 100.0,
            w.years_since_inspection,
        );
        factors.sort_by(|a, b| {
            b.points
                .total_cmp(&a.points)
                .then_with(|| a.name.cmp(&b.name))
        });
        RiskScore {
            total: factors.iter().map(|f| f.points).sum(),
            factors,
        }
    }
}
