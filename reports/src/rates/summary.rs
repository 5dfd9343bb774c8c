//! Reporting rates: expected, received and on-time counts of an area's cells, broken down by
//! child area, by tier or by unit, as plain rows ([`RateRow`]) that sum to the area's total.

use config::units::vi_sort_key;
use schema::{ReportKind, ReportingPeriod, Tier, UnitId};

use super::matrix::{ObligationStatus, StatusMatrix};
use super::RatesError;

/// How an area's total is broken down into rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Breakdown {
    /// One row per child of the area (each with its whole subtree), plus one row for the
    /// area's own obligations when it has any.
    Children,
    /// One row per area of this tier within the area, plus one row for cells under no such
    /// area (e.g. the province's own departments when grouping by commune).
    Tier(Tier),
    /// One row per obligated or exempt unit counted in the area (the drill-down).
    Units,
}

/// Which cells to count and how to break them down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateQuery {
    /// The area (any node of the tree: a unit, a province, `TW`, `VN`).
    pub area: UnitId,
    /// Only this report kind (`None`: all).
    pub kind: Option<ReportKind>,
    /// Only this period (`None`: all).
    pub period: Option<ReportingPeriod>,
    /// Rows by child, by tier or by unit.
    pub breakdown: Breakdown,
}

/// Counts for one row. Expected = on time + late + missing + not yet due; received = on time
/// + late; exempt cells are never expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateRow {
    /// The area or unit of the row.
    pub unit: UnitId,
    /// Its display name.
    pub name: String,
    /// Phải nộp.
    pub expected: u64,
    /// Đã nộp.
    pub received: u64,
    /// Đúng hạn.
    pub on_time: u64,
    /// Trễ hạn.
    pub late: u64,
    /// Chưa nộp (deadline passed).
    pub missing: u64,
    /// Chưa đến hạn.
    pub not_yet_due: u64,
    /// Miễn.
    pub exempt: u64,
}

/// Percentage with one decimal, rounded down (so 100.0 only when complete); `None` when
/// nothing was expected.
fn percent(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part.min(whole) * 1000 / whole) as f64 / 10.0)
}

impl RateRow {
    fn empty(unit: UnitId, name: String) -> Self {
        Self {
            unit,
            name,
            expected: 0,
            received: 0,
            on_time: 0,
            late: 0,
            missing: 0,
            not_yet_due: 0,
            exempt: 0,
        }
    }

    fn add(&mut self, status: ObligationStatus) {
        match status {
            ObligationStatus::OnTime => self.on_time += 1,
            ObligationStatus::Late { .. } => self.late += 1,
            ObligationStatus::Missing => self.missing += 1,
            ObligationStatus::NotYetDue => self.not_yet_due += 1,
            ObligationStatus::Exempt(_) => self.exempt += 1,
        }
        if status.is_expected() {
            self.expected += 1;
        }
        if status.is_received() {
            self.received += 1;
        }
    }

    fn absorb(&mut self, o: &RateRow) {
        self.expected += o.expected;
        self.received += o.received;
        self.on_time += o.on_time;
        self.late += o.late;
        self.missing += o.missing;
        self.not_yet_due += o.not_yet_due;
        self.exempt += o.exempt;
    }

    /// Tỉ lệ nộp (%): received over expected, 0–100, `None` when nothing was expected.
    pub fn received_rate(&self) -> Option<f64> {
        percent(self.received, self.expected)
    }

    /// Tỉ lệ đúng hạn (%): on time over expected, 0–100, `None` when nothing was expected.
    pub fn on_time_rate(&self) -> Option<f64> {
        percent(self.on_time, self.expected)
    }
}

/// An area's total and its breakdown rows (which sum to the total).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// The whole area.
    pub total: RateRow,
    /// The breakdown, sorted by Vietnamese name (own-obligations row first, remainder last).
    pub rows: Vec<RateRow>,
}

/// Where a cell goes in a breakdown.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Slot {
    Node(u32),
    Own,
    Rest,
}

impl StatusMatrix<'_> {
    /// Counts the cells of `q.area` matching `q.kind` and `q.period`, broken down per
    /// `q.breakdown`. Error: the area is not in the tree.
    pub fn summary(&self, q: &RateQuery) -> Result<RateTable, RatesError> {
        let tree = self.tree;
        let area = tree
            .node_index(&q.area)
            .ok_or_else(|| RatesError::UnknownArea(q.area.clone()))?;
        let area_name = tree.nodes[area as usize].name.clone();
        let mut total = RateRow::empty(q.area.clone(), area_name.clone());
        // Dense accumulators by node, plus the two special slots.
        let mut acc: Vec<Option<RateRow>> = vec![None; tree.nodes.len()];
        let mut own = RateRow::empty(q.area.clone(), format!("{area_name} (chính đơn vị)"));
        let mut rest = RateRow::empty(q.area.clone(), format!("Đơn vị khác thuộc {area_name}"));
        let mut touched = Vec::new();
        for (d, due) in self.dues.iter().enumerate() {
            if q.kind.is_some_and(|k| k != due.kind) || q.period.is_some_and(|p| p != due.period) {
                continue;
            }
            for c in &self.cells[self.ranges[d].clone()] {
                let pos = tree.position[c.unit as usize];
                let slot = match q.breakdown {
                    _ if !tree.within(area, pos) => continue,
                    Breakdown::Children if pos == area => Slot::Own,
                    Breakdown::Children => match tree.child_towards(area, pos) {
                        Some(child) => Slot::Node(child),
                        None => continue,
                    },
                    Breakdown::Tier(t) => match tree.first_at_tier(area, pos, t) {
                        Some(n) => Slot::Node(n),
                        None => Slot::Rest,
                    },
                    Breakdown::Units => Slot::Node(c.unit),
                };
                total.add(c.status);
                match slot {
                    Slot::Own => own.add(c.status),
                    Slot::Rest => rest.add(c.status),
                    Slot::Node(n) => {
                        let row = acc[n as usize].get_or_insert_with(|| {
                            touched.push(n);
                            let node = &tree.nodes[n as usize];
                            RateRow::empty(node.id.clone(), node.name.clone())
                        });
                        row.add(c.status);
                    }
                }
            }
        }
        let mut rows: Vec<RateRow> = touched
            .into_iter()
            .filter_map(|n| acc[n as usize].take())
            .collect();
        rows.sort_by_cached_key(|r| (vi_sort_key(&r.name), r.unit.clone()));
        let is_used = |r: &RateRow| r.expected + r.exempt > 0;
        if is_used(&own) {
            rows.insert(0, own);
        }
        if is_used(&rest) {
            rows.push(rest);
        }
        Ok(RateTable { total, rows })
    }
}

impl RateTable {
    /// The rows' counts added up: equals `total` (checked by the tests).
    pub fn rows_sum(&self) -> RateRow {
        let mut sum = RateRow::empty(self.total.unit.clone(), self.total.name.clone());
        for r in &self.rows {
            sum.absorb(r);
        }
        sum
    }
}
