//! A realistic, deterministic sample input: the national report over the 34 provinces of
//! 2025 (embedded administrative data) with the annual-report indicators of the embedded rule
//! pack, narratives, incidents, violations, timeliness, risk scores and five years of
//! history. For demos, tests and the benchmark; nothing here is real data.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schema::{
    BoundedVec, CarrierForm, Classification, ConsolidatedReport, IncidentStatus, IncidentSummary,
    IndicatorCode, IndicatorEntry, IndicatorValue, ReportKind, Section, Text, UnitId,
    ViolationCount, ViolationKind,
};

use super::{ChildSummary, History, IndicatorLabel, ReportInput, ReportLevel};
use crate::charts::TimeSeries;
use crate::document::{IssuingBody, Recipients, Signature};
use crate::timeliness::Status;

/// A small linear congruential generator: the same sample on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn section(code: &str, text: &str) -> Section {
    Section {
        code: IndicatorCode::parse(code).expect("sample section code"),
        text: Text::parse(text).expect("sample text"),
    }
}

fn narratives(name: &str, r: &mut Lcg) -> Vec<Section> {
    let training = 4 + r.next(20);
    vec![
        section(
            "a",
            &format!(
                "Tình hình an ninh chính trị trên địa bàn {name} cơ bản ổn định; các thế lực thù \
                 địch tiếp tục lợi dụng không gian mạng để thu thập thông tin thuộc phạm vi bí mật \
                 nhà nước. Nhận thức của cán bộ, công chức về bảo vệ bí mật nhà nước từng bước được \
                 nâng lên."
            ),
        ),
        section(
            "b",
            &format!(
                "Đã tổ chức {training} hội nghị quán triệt, tập huấn; rà soát, ban hành nội quy bảo \
                 vệ bí mật nhà nước; bố trí máy tính độc lập, USB an toàn cho soạn thảo tài liệu \
                 mật.\nHạn chế: một số cơ quan chưa mở đầy đủ sổ đăng ký bí mật nhà nước đi, đến; \
                 còn trường hợp soạn thảo tài liệu mật trên máy tính có kết nối Internet."
            ),
        ),
        section(
            "c",
            "Các vụ việc phát sinh đã được báo cáo đột xuất, xác minh và khắc phục kịp thời.",
        ),
        section(
            "d",
            &format!(
                "Năm tới, {name} tiếp tục tuyên truyền, phổ biến Luật Bảo vệ bí mật nhà nước số \
                 117/2025/QH15; đề nghị Bộ Công an hướng dẫn danh mục bí mật nhà nước mới và cấp bổ \
                 sung USB an toàn."
            ),
        ),
    ]
}

fn incident(r: &mut Lcg, year: i32) -> IncidentSummary {
    let classification = [
        Classification::Mat,
        Classification::Mat,
        Classification::ToiMat,
        Classification::TuyetMat,
    ][r.next(4) as usize];
    let summary = if classification.allows_summary() {
        "Cán bộ gửi tài liệu mật qua ứng dụng Zalo để trao đổi công việc."
    } else {
        ""
    };
    IncidentSummary {
        incident_report_id: None,
        discovered_on: NaiveDate::from_ymd_opt(year, 1 + r.next(11) as u32, 1 + r.next(28) as u32)
            .expect("valid sample date"),
        classification,
        carrier: [CarrierForm::Document, CarrierForm::Electronic][r.next(2) as usize],
        summary: Text::parse(summary).expect("sample text"),
        status: [
            IncidentStatus::Remediated,
            IncidentStatus::UnderInvestigation,
        ][r.next(2) as usize],
        handling: Text::parse("Thu hồi tài liệu, kiểm điểm trách nhiệm cá nhân, rút kinh nghiệm.")
            .expect("sample text"),
    }
}

/// Indicator labels of the embedded rule pack's annual report form in force at `on`.
pub fn indicator_labels(on: NaiveDate) -> Vec<IndicatorLabel> {
    config::rules::RuleBook::embedded()
        .ok()
        .and_then(|b| b.pack_for(on).ok())
        .and_then(|p| p.form(ReportKind::AnnualReport))
        .map(IndicatorLabel::from_form)
        .unwrap_or_default()
}

/// The national report for the year ending 14 December `year`, over the 34 provinces.
pub fn national(year: i32) -> ReportInput {
    let mut r = Lcg(2026);
    let end = NaiveDate::from_ymd_opt(year, 12, 14).expect("valid year");
    let start = NaiveDate::from_ymd_opt(year - 1, 12, 15).expect("valid year");
    let labels = indicator_labels(end);
    let kinds = [
        ViolationKind::NetworkedMachine,
        ViolationKind::UnlawfulTransmission,
        ViolationKind::ImproperCopying,
        ViolationKind::MissingClassificationProposal,
        ViolationKind::IncompleteRecipientsBlock,
        ViolationKind::NoInternalRules,
    ];
    let mut children = Vec::new();
    let mut totals: BTreeMap<IndicatorCode, i64> = BTreeMap::new();
    let mut violations: BTreeMap<ViolationKind, u64> = BTreeMap::new();
    let (mut expected, mut reported, mut on_time) = (0u32, 0u32, 0u32);
    for p in config::units::AdminUnits::embedded().provinces() {
        let e = 20 + r.next(60) as u32;
        let rep = e - r.next(4) as u32;
        let ot = rep - r.next(rep as u64 / 3) as u32;
        let mut ind = BTreeMap::new();
        for l in &labels {
            let v = r.next(if l.unit == "vụ" { 3 } else { 400 }) as i64;
            ind.insert(l.code.clone(), v);
            *totals.entry(l.code.clone()).or_insert(0) += v;
        }
        let mut viol = BTreeMap::new();
        for k in kinds {
            let n = r.next(8);
            if n > 1 {
                viol.insert(k, n);
                *violations.entry(k).or_insert(0) += n;
            }
        }
        let incidents = (0..r.next(3)).map(|_| incident(&mut r, year)).collect();
        expected += e;
        reported += rep;
        on_time += ot;
        let status = if r.next(6) == 0 {
            Status::Late {
                working_days: 1 + r.next(4) as u32,
            }
        } else {
            Status::OnTime
        };
        children.push(ChildSummary {
            unit: p.id.clone(),
            name: p.name.clone(),
            status,
            sections: narratives(&p.name, &mut r),
            indicators: ind,
            violations: viol,
            incidents,
            units: Some((e, rep, ot)),
            risk: Some(r.next(1000) as f64 / 10.0),
            group: Some("Tỉnh, thành phố".into()),
        });
    }
    let consolidated = ConsolidatedReport {
        scope: UnitId::parse("VN").expect("VN"),
        sections: BoundedVec::parse(
            ["a", "b", "c", "d"]
                .iter()
                .map(|c| {
                    section(
                        c,
                        "Bộ Công an tổng hợp từ báo cáo của các bộ, ngành, địa phương theo quy định.",
                    )
                })
                .collect(),
        )
        .expect("four sections"),
        indicators: BoundedVec::parse(
            totals
                .iter()
                .map(|(code, v)| IndicatorEntry {
                    code: code.clone(),
                    value: IndicatorValue::parse(*v).expect("sample value"),
                })
                .collect(),
        )
        .expect("bounded"),
        violations: BoundedVec::parse(
            violations
                .iter()
                .map(|(kind, count)| ViolationCount { kind: *kind, count: *count })
                .collect(),
        )
        .expect("bounded"),
        units_expected: expected,
        units_reported: reported,
        units_on_time: on_time,
        missing: BoundedVec::empty(),
        sources: BoundedVec::empty(),
    };
    let mut history = History::default();
    let mut incidents = TimeSeries::default();
    let mut line = Vec::new();
    for y in year - 4..=year {
        let mut m = BTreeMap::new();
        for (i, k) in kinds.iter().enumerate() {
            m.insert(*k, 40 + r.next(60) + 10 * i as u64);
        }
        history.violations_by_year.insert(y, m);
        incidents.labels.push(y.to_string());
        line.push(10 + r.next(25));
    }
    incidents
        .lines
        .push(("Số vụ lộ, mất bí mật nhà nước".into(), line));
    history.incidents = incidents;
    ReportInput {
        level: ReportLevel::National,
        issuer: IssuingBody {
            parent: None,
            name: "BỘ CÔNG AN".into(),
        },
        issuer_in_text: "Bộ Công an".into(),
        number: Some(125),
        symbol: "BC-BCA-A03".into(),
        place: "Hà Nội".into(),
        date: NaiveDate::from_ymd_opt(year, 12, 28).expect("valid year"),
        period: (start, end),
        classification: Classification::Mat,
        signature: Signature {
            authority: Some("KT. BỘ TRƯỞNG".into()),
            title: "THỨ TRƯỞNG".into(),
            signer: "Nguyễn Văn Bình".into(),
        },
        recipients: Recipients {
            to: vec![
                "Thủ tướng Chính phủ (để báo cáo)".into(),
                "Văn phòng Chính phủ".into(),
                "Các đồng chí Thứ trưởng".into(),
            ],
            archive: "VT, A03".into(),
            copies: Some(8),
            drafter: Some("Trần Thị Hoa".into()),
            copy_scope: Some("Không được sao, chụp".into()),
        },
        legal_basis: vec![
            "Luật Bảo vệ bí mật nhà nước số 117/2025/QH15".into(),
            "Nghị định số 63/2026/NĐ-CP của Chính phủ".into(),
        ],
        consolidated,
        indicators: labels,
        children,
        history,
        top_risk: 10,
        narratives: Default::default(),
    }
}

/// A province of `units` units (communes, wards and departments) for the year ending
/// 14 December `year`, with ten years of history: the report at scale (no narratives from the
/// children; the committee's synthesis stands in the body).
pub fn province(units: usize, year: i32) -> ReportInput {
    let mut base = national(year);
    let mut r = Lcg(75);
    let kinds = [
        ViolationKind::NetworkedMachine,
        ViolationKind::ImproperCopying,
    ];
    base.level = ReportLevel::Provincial;
    base.issuer.name = "BAN CHỈ ĐẠO CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC TỈNH ĐỒNG NAI".into();
    base.issuer_in_text = "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước tỉnh Đồng Nai".into();
    base.place = "Đồng Nai".into();
    base.narratives = super::Narratives::Omitted;
    base.children = (0..units)
        .map(|i| {
            let (prefix, group) = match i % 10 {
                0..=5 => ("Xã", "Xã"),
                6..=8 => ("Phường", "Phường"),
                _ => ("Sở", "Sở, ban, ngành, đơn vị"),
            };
            let unit = UnitId::parse(&format!("75.{:05}", 20_000 + i)).expect("sample unit");
            let mut c = ChildSummary::missing(unit, format!("{prefix} Mẫu Số {}", i + 1));
            c.group = Some(group.into());
            c.status = match r.next(25) {
                0 => Status::Missing,
                1..=2 => Status::Late { working_days: 2 },
                _ => Status::OnTime,
            };
            if c.status != Status::Missing {
                for l in &base.indicators {
                    let v = r.next(if l.unit == "vụ" { 1 } else { 40 }) as i64;
                    c.indicators.insert(l.code.clone(), v);
                }
            }
            if r.next(70) == 0 {
                c.incidents.push(incident(&mut r, year));
                c.violations.insert(kinds[i % 2], 1 + r.next(3));
            }
            c
        })
        .collect();
    let mut line = Vec::new();
    base.history.incidents.labels.clear();
    for y in year - 9..=year {
        base.history.incidents.labels.push(y.to_string());
        line.push(40 + r.next(40));
        let m = kinds.iter().map(|k| (*k, 30 + r.next(50))).collect();
        base.history.violations_by_year.insert(y, m);
    }
    base.history.incidents.lines = vec![("Số vụ lộ, mất bí mật nhà nước".into(), line)];
    base.consolidated.units_expected = units as u32;
    base.consolidated.units_reported = base
        .children
        .iter()
        .filter(|c| c.status != Status::Missing)
        .count() as u32;
    base.consolidated.units_on_time = base
        .children
        .iter()
        .filter(|c| c.status == Status::OnTime)
        .count() as u32;
    base
}
