//! What the provincial or national report is built from: the issuing details of the document,
//! the consolidated report of the scope, one summary per direct child (a unit under a
//! province, or a province under the nation) and the history behind the trend charts.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schema::{
    AnnualReport, Classification, ConsolidatedReport, IncidentSummary, IndicatorCode, Section,
    UnitId, ViolationKind,
};

use crate::charts::{TimeSeries, ViolationSeries};
use crate::document::{IssuingBody, Recipients, Signature};
use crate::timeliness::Status;

/// Who the report goes to, which sets its wording.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportLevel {
    /// A province's report to the Ministry of Public Security; its children are units.
    Provincial,
    /// The Ministry's national report to the Prime Minister; its children are provinces and
    /// central agencies.
    National,
}

impl ReportLevel {
    /// How the children are named in running text.
    pub fn children_vi(self) -> &'static str {
        match self {
            ReportLevel::Provincial => "cơ quan, đơn vị, địa phương",
            ReportLevel::National => "bộ, ngành, địa phương",
        }
    }

    /// The column header for a child.
    pub fn child_header_vi(self) -> &'static str {
        match self {
            ReportLevel::Provincial => "Cơ quan, đơn vị",
            ReportLevel::National => "Tỉnh, thành phố / bộ, ngành",
        }
    }
}

/// An indicator's label and unit, as the rule pack's form defines them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorLabel {
    pub code: IndicatorCode,
    /// e.g. "Số vụ lộ, mất bí mật nhà nước"
    pub label: String,
    /// e.g. "vụ"
    pub unit: String,
}

impl IndicatorLabel {
    /// The labels of a rule-pack form, in the form's order.
    pub fn from_form(form: &config::rules::Form) -> Vec<IndicatorLabel> {
        form.indicators
            .iter()
            .map(|i| IndicatorLabel {
                code: i.code.clone(),
                label: i.label.clone(),
                unit: i.unit.clone(),
            })
            .collect()
    }
}

/// One direct child of the reporting scope, as the report shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildSummary {
    pub unit: UnitId,
    /// Display name, e.g. "Sở Nội vụ" or "Tỉnh Đồng Nai".
    pub name: String,
    /// Whether its report came in on time.
    pub status: Status,
    /// Its narrative sections a–d (compiled into the report under each section).
    pub sections: Vec<Section>,
    pub indicators: BTreeMap<IndicatorCode, i64>,
    pub violations: BTreeMap<ViolationKind, u64>,
    pub incidents: Vec<IncidentSummary>,
    /// For a child that consolidates others (a province): `(expected, reported, on time)`.
    pub units: Option<(u32, u32, u32)>,
    /// A risk score from the inspection planner, if there is one (higher is riskier).
    pub risk: Option<f64>,
    /// The group the body counts it in when there are many children ("Xã", "Phường", "Sở,
    /// ban, ngành"…); `None`: "Đơn vị khác".
    pub group: Option<String>,
}

impl ChildSummary {
    /// A unit that has not reported.
    pub fn missing(unit: UnitId, name: impl Into<String>) -> ChildSummary {
        ChildSummary {
            unit,
            name: name.into(),
            status: Status::Missing,
            sections: Vec::new(),
            indicators: BTreeMap::new(),
            violations: BTreeMap::new(),
            incidents: Vec::new(),
            units: None,
            risk: None,
            group: None,
        }
    }

    /// A unit's annual report. The annual report carries no violation counts: pass those
    /// found by inspections with [`ChildSummary::violations`] if there are any.
    pub fn from_annual(
        unit: UnitId,
        name: impl Into<String>,
        status: Status,
        report: &AnnualReport,
    ) -> ChildSummary {
        ChildSummary {
            sections: report.sections.iter().cloned().collect(),
            indicators: report
                .indicators
                .iter()
                .map(|i| (i.code.clone(), i.value.get()))
                .collect(),
            incidents: report.incidents.iter().cloned().collect(),
            status,
            ..ChildSummary::missing(unit, name)
        }
    }

    /// A province's (or central agency's) consolidated report, with the incidents listed in
    /// the annual reports under it.
    pub fn from_consolidated(
        name: impl Into<String>,
        status: Status,
        report: &ConsolidatedReport,
        incidents: Vec<IncidentSummary>,
    ) -> ChildSummary {
        ChildSummary {
            sections: report.sections.iter().cloned().collect(),
            indicators: report
                .indicators
                .iter()
                .map(|i| (i.code.clone(), i.value.get()))
                .collect(),
            violations: report
                .violations
                .iter()
                .map(|v| (v.kind, v.count))
                .collect(),
            incidents,
            units: Some((
                report.units_expected,
                report.units_reported,
                report.units_on_time,
            )),
            status,
            ..ChildSummary::missing(report.scope.clone(), name)
        }
    }

    /// Sets the violations found under this child.
    pub fn violations(mut self, v: BTreeMap<ViolationKind, u64>) -> ChildSummary {
        self.violations = v;
        self
    }

    /// The on-time rate of the units under this child, when it consolidates others.
    pub fn on_time_rate(&self) -> Option<f64> {
        self.units
            .and_then(|(e, _, t)| (e > 0).then(|| t as f64 / e as f64))
    }

    pub(crate) fn section(&self, code: &str) -> Option<&str> {
        self.sections
            .iter()
            .find(|s| s.code.as_str() == code)
            .map(|s| s.text.as_str())
            .filter(|t| !t.trim().is_empty())
    }
}

/// Past years for the trend charts (this year included).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Violations found per year and kind.
    pub violations_by_year: ViolationSeries,
    /// Leak/loss incidents (and any other counts) per period.
    pub incidents: TimeSeries,
}

/// Everything the report document is built from. The document's header and footer come from
/// the first fields; the figures from `consolidated` (the scope's totals, as sent up) and
/// `children` (the breakdown); the narratives from both.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportInput {
    pub level: ReportLevel,
    pub issuer: IssuingBody,
    /// The issuing body as named in running text, e.g. "Ban Chỉ đạo công tác bảo vệ bí mật
    /// nhà nước tỉnh Đồng Nai".
    pub issuer_in_text: String,
    pub number: Option<u32>,
    /// e.g. "BC-BCĐ"
    pub symbol: String,
    pub place: String,
    pub date: NaiveDate,
    /// The data period, first and last day (15 Dec of the previous year to 14 Dec).
    pub period: (NaiveDate, NaiveDate),
    pub classification: Classification,
    pub signature: Signature,
    pub recipients: Recipients,
    /// Legal instruments cited in the opening paragraph (the rule pack's `legal_basis`).
    pub legal_basis: Vec<String>,
    pub consolidated: ConsolidatedReport,
    /// Indicator labels, in the order the tables list them; indicators without a label are
    /// listed after, by code.
    pub indicators: Vec<IndicatorLabel>,
    pub children: Vec<ChildSummary>,
    pub history: History,
    /// How many units the risk chart shows.
    pub top_risk: usize,
    /// Where the children's narratives go.
    pub narratives: Narratives,
}

/// Where the children's own text goes in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Narratives {
    /// Under each part, after the scope's own text (the compiled report of old).
    #[default]
    InBody,
    /// In an annex after the signature parts (the committee chose it).
    Annex,
    /// Not at all: the committee's synthesis stands alone.
    Omitted,
}
