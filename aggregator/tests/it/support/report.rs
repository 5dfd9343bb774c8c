//! Submissions to sign and send: a small valid annual report, and variants of it.

use schema::*;

/// A valid annual report of `unit` for 2026, complete under the rule pack in force (every
/// section of the form, every indicator at 0), with a fresh report id.
pub fn annual(unit: &str) -> Submission {
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T09:30:00+07:00").unwrap();
    let period = ReportingPeriod::Annual(2026);
    let pack = config::rules::RuleBook::embedded()
        .unwrap()
        .pack_for(period.end())
        .unwrap();
    let form = pack.form(ReportKind::AnnualReport).unwrap();
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: UnitId::parse(unit).unwrap(),
        period,
        classification: Classification::Mat,
        created_at: now,
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::AnnualReport(AnnualReport {
            sections: BoundedVec::parse(
                form.sections
                    .iter()
                    .map(|s| Section {
                        code: IndicatorCode::parse(s.code.as_str()).unwrap(),
                        text: Text::parse("Tình hình ổn định.").unwrap(),
                    })
                    .collect(),
            )
            .unwrap(),
            indicators: BoundedVec::parse(
                form.indicators
                    .iter()
                    .map(|i| IndicatorEntry {
                        code: i.code.clone(),
                        value: IndicatorValue::parse(0).unwrap(),
                    })
                    .collect(),
            )
            .unwrap(),
            incidents: BoundedVec::empty(),
            drafter: Line::parse("Nguyễn Văn An").unwrap(),
        }),
    }
}

/// The same report with other content (another digest), amending `supersedes` if given.
pub fn revised(original: &Submission, supersedes: Option<Digest>) -> Submission {
    let mut s = original.clone();
    if let Payload::AnnualReport(r) = &mut s.payload {
        r.drafter = Line::parse("Lê Thị Cúc").unwrap();
    }
    s.supersedes = supersedes;
    s
}

/// An incident report (leak of a Mật document over a social network) of `unit`.
pub fn incident(unit: &str) -> Submission {
    let now = chrono::DateTime::parse_from_rfc3339("2026-05-02T08:00:00+07:00").unwrap();
    Submission {
        classification: Classification::Mat,
        created_at: now,
        payload: Payload::IncidentReport(IncidentReport {
            discovered_at: chrono::DateTime::parse_from_rfc3339("2026-05-01T16:20:00+07:00")
                .unwrap(),
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
        ..annual(unit)
    }
}
