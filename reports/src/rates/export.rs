//! Plain-table export of rates and of the status matrix: Vietnamese headers and string cells
//! ([`TableRow`], for any writer such as XLSX), and CSV as UTF-8 with a byte-order mark so
//! spreadsheet programs read the diacritics. Rates are written with one decimal and a dot,
//! rounded down, empty when nothing was expected.

use config::settings::TIMEZONE;
use config::units::vi_sort_key;
use schema::{ReportKind, ReportingPeriod, UnitId};

use super::matrix::{ExemptReason, ObligationStatus, StatusMatrix};
use super::summary::{RateQuery, RateRow, RateTable};
use super::RatesError;

/// A row of a plain table: fixed headers, one string per column.
pub trait TableRow {
    /// Column headers, in Vietnamese.
    fn headers() -> &'static [&'static str];
    /// The row's cells, as many as `headers()`.
    fn cells(&self) -> Vec<String>;
}

fn rate_cell(r: Option<f64>) -> String {
    r.map(|v| format!("{v:.1}")).unwrap_or_default()
}

impl TableRow for RateRow {
    fn headers() -> &'static [&'static str] {
        &[
            "Mã đơn vị",
            "Đơn vị",
            "Phải nộp",
            "Đã nộp",
            "Đúng hạn",
            "Trễ hạn",
            "Chưa nộp",
            "Chưa đến hạn",
            "Miễn",
            "Tỉ lệ nộp (%)",
            "Tỉ lệ đúng hạn (%)",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.unit.to_string(),
            self.name.clone(),
            self.expected.to_string(),
            self.received.to_string(),
            self.on_time.to_string(),
            self.late.to_string(),
            self.missing.to_string(),
            self.not_yet_due.to_string(),
            self.exempt.to_string(),
            rate_cell(self.received_rate()),
            rate_cell(self.on_time_rate()),
        ]
    }
}

/// Writes a header line and `rows` as CSV, UTF-8 with a BOM.
pub fn to_csv<R: TableRow>(rows: &[R]) -> Result<Vec<u8>, RatesError> {
    let mut w = csv::Writer::from_writer("\u{feff}".as_bytes().to_vec());
    let err = |e: csv::Error| RatesError::Csv(e.to_string());
    w.write_record(R::headers()).map_err(err)?;
    for r in rows {
        w.write_record(r.cells()).map_err(err)?;
    }
    w.into_inner().map_err(|e| RatesError::Csv(e.to_string()))
}

impl RateTable {
    /// The breakdown rows then a "Tổng cộng" row with the area's total.
    pub fn rows_with_total(&self) -> Vec<RateRow> {
        let mut rows = self.rows.clone();
        let mut total = self.total.clone();
        total.name = format!("Tổng cộng: {}", self.total.name);
        rows.push(total);
        rows
    }

    /// CSV (UTF-8 with BOM) of [`RateTable::rows_with_total`].
    pub fn to_csv(&self) -> Result<Vec<u8>, RatesError> {
        to_csv(&self.rows_with_total())
    }
}

/// One cell of the status matrix, flattened for a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRow {
    /// The unit.
    pub unit: UnitId,
    /// Its name.
    pub name: String,
    /// Report kind.
    pub kind: ReportKind,
    /// Period.
    pub period: ReportingPeriod,
    /// Due date, `dd/mm/yyyy`.
    pub deadline: String,
    /// Earliest counted receipt in Asia/Ho_Chi_Minh, `dd/mm/yyyy HH:MM:SS`, or empty.
    pub received_at: String,
    /// The verdict.
    pub status: ObligationStatus,
    /// Filed by a predecessor, or obligation passed to a successor; else empty.
    pub note: String,
}

impl TableRow for StatusRow {
    fn headers() -> &'static [&'static str] {
        &[
            "Mã đơn vị",
            "Đơn vị",
            "Loại báo cáo",
            "Kỳ báo cáo",
            "Hạn nộp",
            "Thời điểm tiếp nhận",
            "Tình trạng",
            "Ghi chú",
        ]
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.unit.to_string(),
            self.name.clone(),
            self.kind.label_vi().to_string(),
            self.period.to_string(),
            self.deadline.clone(),
            self.received_at.clone(),
            self.status.label_vi(),
            self.note.clone(),
        ]
    }
}

impl StatusMatrix<'_> {
    /// The cells counted in `q.area` (matching `q.kind` and `q.period`; the breakdown is not
    /// used), by period, kind, then Vietnamese name.
    pub fn status_rows(&self, q: &RateQuery) -> Result<Vec<StatusRow>, RatesError> {
        let tree = self.tree;
        if tree.node_index(&q.area).is_none() {
            return Err(RatesError::UnknownArea(q.area.clone()));
        }
        let mut rows: Vec<StatusRow> = self
            .cells()
            .filter(|c| q.kind.is_none_or(|k| k == c.due.kind))
            .filter(|c| q.period.is_none_or(|p| p == c.due.period))
            .filter(|c| tree.counts_under(&q.area, &c.unit.id))
            .map(|c| {
                let note = match (c.status, c.filed_by, c.successor) {
                    (ObligationStatus::Exempt(ExemptReason::Restructured), _, Some(s)) => {
                        format!("Nghĩa vụ chuyển cho {s}")
                    }
                    (_, Some(by), _) if by != &c.unit.id => {
                        format!("Nộp qua đơn vị tiền nhiệm {by}")
                    }
                    _ => String::new(),
                };
                StatusRow {
                    unit: c.unit.id.clone(),
                    name: c.unit.name.clone(),
                    kind: c.due.kind,
                    period: c.due.period,
                    deadline: c.due.deadline.format("%d/%m/%Y").to_string(),
                    received_at: c
                        .received_at
                        .map(|t| {
                            t.with_timezone(&TIMEZONE)
                                .format("%d/%m/%Y %H:%M:%S")
                                .to_string()
                        })
                        .unwrap_or_default(),
                    status: c.status,
                    note,
                }
            })
            .collect();
        rows.sort_by_cached_key(|r| {
            (
                r.period,
                r.kind.code(),
                vi_sort_key(&r.name),
                r.unit.clone(),
            )
        });
        Ok(rows)
    }
}
