//! Sample submissions, and proptest strategies that generate valid ones.

use chrono::{DateTime, FixedOffset, NaiveDate};
use proptest::prelude::*;
use schema::*;

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub fn unix(s: &str) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(at(s).timestamp() as u64))
}

pub fn annual(sections: &[(&str, &str)], indicators: &[(&str, i64)]) -> AnnualReport {
    AnnualReport {
        sections: BoundedVec::parse(
            sections
                .iter()
                .map(|(c, t)| Section {
                    code: IndicatorCode::parse(c).unwrap(),
                    text: Text::parse(t).unwrap(),
                })
                .collect(),
        )
        .unwrap(),
        indicators: BoundedVec::parse(
            indicators
                .iter()
                .map(|(c, v)| IndicatorEntry {
                    code: IndicatorCode::parse(c).unwrap(),
                    value: IndicatorValue::parse(*v).unwrap(),
                })
                .collect(),
        )
        .unwrap(),
        incidents: BoundedVec::empty(),
        drafter: Line::parse("Nguyễn Văn An, công chức Văn phòng").unwrap(),
    }
}

pub fn annual_submission(unit: &str, report_id: &str) -> Submission {
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::parse(report_id).unwrap(),
        unit: UnitId::parse(unit).unwrap(),
        period: ReportingPeriod::parse("2026").unwrap(),
        classification: Classification::Mat,
        created_at: at("2026-12-05T09:30:00+07:00"),
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::AnnualReport(annual(
            &[
                (
                    "a",
                    "Tình hình công tác bảo vệ bí mật nhà nước năm 2026 ổn định.",
                ),
                ("b", "Đã ban hành nội quy; tổ chức 02 lớp tập huấn."),
                ("c", "Không xảy ra vụ lộ, mất bí mật nhà nước."),
                ("d", "Tiếp tục rà soát máy tính soạn thảo bí mật nhà nước."),
            ],
            &[("so_vu_lo_mat", 0), ("so_lop_tap_huan", 2)],
        )),
    }
}

pub fn incident_submission(unit: &str) -> Submission {
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: UnitId::parse(unit).unwrap(),
        period: ReportingPeriod::Annual(2026),
        classification: Classification::ToiMat,
        created_at: at("2026-05-02T08:00:00+07:00"),
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::IncidentReport(IncidentReport {
            discovered_at: at("2026-05-01T16:20:00+07:00"),
            exposed_classification: Classification::Mat,
            carrier: CarrierForm::Electronic,
            channel: Line::parse("Mạng xã hội Zalo").unwrap(),
            description: Text::parse("Cán bộ chụp ảnh tài liệu Mật gửi qua Zalo.").unwrap(),
            cause: Text::parse("Ý thức chấp hành chưa cao.").unwrap(),
            consequences: Text::parse("Đang đánh giá.").unwrap(),
            measures_taken: Text::parse("Đã yêu cầu gỡ bỏ, thu hồi.").unwrap(),
            status: IncidentStatus::UnderInvestigation,
            violations: BoundedVec::parse(vec![ViolationKind::UnlawfulTransmission]).unwrap(),
        }),
    }
}

/// Arbitrary valid annual-report submissions from unit 75.26041.
pub fn arb_submission() -> impl Strategy<Value = Submission> {
    let text = "[a-zA-Z0-9 àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ,.\n]{0,200}";
    (
        prop::collection::vec(text, 1..5),
        prop::collection::vec(0i64..1_000_000, 0..8),
        0u8..4,
        2021i32..2030,
        any::<[u8; 16]>(),
    )
        .prop_map(|(texts, values, cls, year, id)| {
            let sections: Vec<(String, String)> = texts
                .into_iter()
                .enumerate()
                .map(|(i, t)| (((b'a' + i as u8) as char).to_string(), t))
                .collect();
            let s: Vec<(&str, &str)> = sections
                .iter()
                .map(|(c, t)| (c.as_str(), t.as_str()))
                .collect();
            let inds: Vec<(String, i64)> = values
                .into_iter()
                .enumerate()
                .map(|(i, v)| (format!("chi_so_{i}"), v))
                .collect();
            let ind: Vec<(&str, i64)> = inds.iter().map(|(c, v)| (c.as_str(), *v)).collect();
            let h: String = id.iter().map(|b| format!("{b:02x}")).collect();
            Submission {
                protocol: Protocol::V1,
                report_id: ReportId::parse(&format!(
                    "{}-{}-{}-{}-{}",
                    &h[..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..]
                ))
                .unwrap(),
                unit: UnitId::parse("75.26041").unwrap(),
                period: ReportingPeriod::Annual(year),
                classification: Classification::ALL[cls as usize],
                created_at: at(&format!("{year}-12-01T10:00:00+07:00")),
                supersedes: None,
                in_reply_to: None,
                attachments: Default::default(),
                payload: Payload::AnnualReport(annual(&s, &ind)),
            }
        })
}

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}
