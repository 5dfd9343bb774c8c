//! Recording an inspection: raw fields (the web form, the command line or a CSV row) parsed
//! into a typed `schema::InspectionResult` — NFC text, bounded lengths, dates, violation kinds
//! of the rule pack in force when the inspection ended, deadlines required for major and
//! serious findings — with a Vietnamese message per bad field. `record` stores the result,
//! `import` records a whole CSV file.

use chrono::NaiveDate;
use config::rules::RuleBook;
use schema::{
    BoundedVec, Classification, Finding, InspectionResult, Line, Payload, Severity, Text, UnitId,
    ViolationKind,
};

use super::store;
use crate::store::{units, AnyConn};
use reports::planning::TeamId;

/// One finding as typed in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFinding {
    pub kind: String,
    pub severity: String,
    pub occurrences: String,
    pub deadline: String,
    pub description: String,
}

impl RawFinding {
    fn is_blank(&self) -> bool {
        [
            &self.kind,
            &self.severity,
            &self.occurrences,
            &self.deadline,
            &self.description,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }
}

/// An inspection as typed in. Field names of errors are the web form's (`don_vi`, `vp2_han`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawInspection {
    pub unit: String,
    pub decision_ref: String,
    pub started_on: String,
    pub ended_on: String,
    pub team: String,
    pub classification: String,
    pub conclusion: String,
    pub findings: Vec<RawFinding>,
}

/// Bad fields: (form field, Vietnamese message naming the field).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputErrors(pub Vec<(String, String)>);

impl InputErrors {
    fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push((field.into(), message.into()));
    }

    /// The message for `field`, if it is bad.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

impl std::fmt::Display for InputErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let all: Vec<&str> = self.0.iter().map(|(_, m)| m.as_str()).collect();
        f.write_str(&all.join("; "))
    }
}

/// Why an inspection was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("dữ liệu không hợp lệ / invalid input: {0}")]
    Invalid(InputErrors),
    #[error(
        "kết quả kiểm tra {unit} theo {decision_ref} đã được ghi nhận (mã {id}) / already recorded"
    )]
    Duplicate {
        unit: String,
        decision_ref: String,
        id: String,
    },
    #[error("{file}, dòng / line {line}: {message}")]
    Csv {
        file: String,
        line: u64,
        message: String,
    },
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

/// A parsed inspection, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInspection {
    pub team: Option<TeamId>,
    pub classification: Classification,
    pub result: InspectionResult,
}

/// `YYYY-MM-DD` or `dd/mm/yyyy`.
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
}

/// The Vietnamese label of a severity code's choice (for forms).
pub const SEVERITIES: [Severity; 3] = [Severity::Minor, Severity::Major, Severity::Serious];

/// Parses and checks `raw` for an inspection of a unit under `scope`, ended by `today`.
pub fn parse(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    raw: &RawInspection,
    today: NaiveDate,
) -> Result<NewInspection, RecordError> {
    let mut errs = InputErrors::default();
    let unit = match UnitId::parse(raw.unit.trim()) {
        Ok(u) if &u != scope && scope.contains(&u) => Some(u),
        Ok(u) => {
            errs.push("don_vi", format!("Đơn vị {u} không thuộc phạm vi {scope}."));
            None
        }
        Err(_) => {
            errs.push(
                "don_vi",
                format!(
                    "Mã đơn vị «{}» không hợp lệ (vd. 75.26041).",
                    raw.unit.trim()
                ),
            );
            None
        }
    };
    let decision_ref = Line::<200>::parse(&raw.decision_ref)
        .ok()
        .filter(|l| !l.is_empty());
    if decision_ref.is_none() {
        errs.push(
            "so_quyet_dinh",
            "Số, ký hiệu quyết định kiểm tra: bắt buộc, tối đa 200 ký tự, một dòng.",
        );
    }
    let date = |errs: &mut InputErrors, field: &str, label: &str, value: &str| {
        let d = parse_date(value);
        if d.is_none() {
            errs.push(
                field,
                format!(
                    "{label}: ngày không hợp lệ «{}» (vd. 2026-10-15).",
                    value.trim()
                ),
            );
        }
        d
    };
    let started = date(&mut errs, "tu_ngay", "Ngày bắt đầu", &raw.started_on);
    let ended = date(&mut errs, "den_ngay", "Ngày kết thúc", &raw.ended_on);
    if let (Some(s), Some(e)) = (started, ended) {
        if e < s {
            errs.push("den_ngay", "Ngày kết thúc trước ngày bắt đầu.");
        }
        if e > today {
            errs.push(
                "den_ngay",
                format!(
                    "Chưa thể ghi nhận cuộc kiểm tra kết thúc sau hôm nay ({}).",
                    today.format("%d/%m/%Y")
                ),
            );
        }
    }
    let team = match raw.team.trim() {
        "" => None,
        t => match TeamId::parse(t) {
            Ok(t) => Some(t),
            Err(_) => {
                errs.push("doan", "Mã đoàn kiểm tra: chữ thường không dấu, số hoặc '-', tối đa 32 ký tự (vd. doan-1).");
                None
            }
        },
    };
    let classification = match raw.classification.trim() {
        "" => Classification::Mat,
        c => Classification::parse(c).unwrap_or_else(|_| {
            errs.push("do_mat", "Độ mật: khong_mat, mat, toi_mat hoặc tuyet_mat.");
            Classification::Mat
        }),
    };
    let conclusion = Text::<20_000>::parse(&raw.conclusion)
        .ok()
        .filter(|t| !t.is_empty());
    if conclusion.is_none() {
        errs.push(
            "ket_luan",
            "Kết luận kiểm tra: bắt buộc, tối đa 20.000 ký tự.",
        );
    }
    let pack = ended.and_then(|e| rules.pack_for(e).ok());
    let mut list = Vec::new();
    for (i, f) in raw
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.is_blank())
    {
        let (n, p) = (i + 1, format!("vp{}", i + 1));
        let kind = match ViolationKind::parse(f.kind.trim()) {
            Ok(k) => {
                let in_pack = pack.is_none_or(|p| p.violation_kinds().any(|v| v == k));
                match ended {
                    Some(e) if !k.applies_on(e) || !in_pack => errs.push(
                        format!("{p}_loai"),
                        format!(
                            "Vi phạm {n}: «{}» chưa là vi phạm vào ngày {} (áp dụng từ {}).",
                            k.label_vi(),
                            e.format("%d/%m/%Y"),
                            k.applies_from().format("%d/%m/%Y")
                        ),
                    ),
                    _ => {}
                }
                Some(k)
            }
            Err(_) => {
                errs.push(
                    format!("{p}_loai"),
                    format!("Vi phạm {n}: chọn loại vi phạm trong danh mục."),
                );
                None
            }
        };
        let severity = store::severity_parse(f.severity.trim());
        if severity.is_none() {
            errs.push(
                format!("{p}_muc_do"),
                format!("Vi phạm {n}: mức độ là minor, major hoặc serious."),
            );
        }
        let occurrences = match f.occurrences.trim() {
            "" => Some(1),
            s => s.parse::<u32>().ok().filter(|n| (1..=100_000).contains(n)),
        };
        if occurrences.is_none() {
            errs.push(
                format!("{p}_so_lan"),
                format!("Vi phạm {n}: số lần là số nguyên từ 1 đến 100.000."),
            );
        }
        let deadline = match f.deadline.trim() {
            "" => None,
            s => {
                let d = parse_date(s);
                if d.is_none() {
                    errs.push(
                        format!("{p}_han"),
                        format!("Vi phạm {n}: hạn khắc phục không hợp lệ «{s}»."),
                    );
                }
                d
            }
        };
        match (severity, deadline, ended) {
            (Some(s), None, _) if s != Severity::Minor && f.deadline.trim().is_empty() => errs
                .push(
                    format!("{p}_han"),
                    format!(
                        "Vi phạm {n}: vi phạm mức «{}» phải có hạn khắc phục.",
                        s.label_vi()
                    ),
                ),
            (_, Some(d), Some(e)) if d < e => errs.push(
                format!("{p}_han"),
                format!("Vi phạm {n}: hạn khắc phục trước ngày kết thúc kiểm tra."),
            ),
            _ => {}
        }
        let description = Text::<5_000>::parse(&f.description)
            .ok()
            .filter(|t| !t.is_empty());
        if description.is_none() {
            errs.push(
                format!("{p}_mo_ta"),
                format!("Vi phạm {n}: mô tả bắt buộc, tối đa 5.000 ký tự."),
            );
        }
        if let (Some(kind), Some(severity), Some(occurrences), Some(description)) =
            (kind, severity, occurrences, description)
        {
            list.push(Finding {
                kind,
                severity,
                description,
                occurrences,
                remediation_deadline: deadline,
            });
        }
    }
    if let (Some(u), Some(e)) = (&unit, ended) {
        if !units::is_empty(conn)? {
            if units::history(conn, u.as_str())?.is_empty() {
                errs.push(
                    "don_vi",
                    format!("Đơn vị {u} chưa có trong danh mục đơn vị."),
                );
            } else if !crate::registry::in_subtree(conn, scope, u, e)? {
                errs.push(
                    "don_vi",
                    format!(
                        "Đơn vị {u} không thuộc {scope} vào ngày {}.",
                        e.format("%d/%m/%Y")
                    ),
                );
            }
        }
    }
    let (Some(unit), Some(decision_ref), Some(started), Some(ended), Some(conclusion), true) = (
        unit,
        decision_ref,
        started,
        ended,
        conclusion,
        errs.0.is_empty(),
    ) else {
        return Err(RecordError::Invalid(errs));
    };
    let findings = BoundedVec::parse(list).map_err(|_| {
        RecordError::Invalid(InputErrors(vec![(
            "vp1_loai".into(),
            "Tối đa 500 vi phạm cho một cuộc kiểm tra.".into(),
        )]))
    })?;
    let result = InspectionResult {
        inspected_unit: unit,
        decision_ref,
        started_on: started,
        ended_on: ended,
        findings,
        conclusion,
    };
    // The contract's own rules, as the parent will check them.
    if let Err(e) = Payload::InspectionResult(result.clone()).validate() {
        let msgs = e
            .iter()
            .map(|x| ("".to_string(), format!("{}: {}", x.path(), x.reason())))
            .collect();
        return Err(RecordError::Invalid(InputErrors(msgs)));
    }
    Ok(NewInspection {
        team,
        classification,
        result,
    })
}
