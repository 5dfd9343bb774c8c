//! The status matrix: for every (unit, report kind, period) with an obligation, whether it is
//! not yet due, on time, late, missing or exempt (rules in the parent module's doc).

use std::collections::HashMap;
use std::ops::Range;

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use config::settings::TIMEZONE;
use schema::{ReportKind, ReportingPeriod, UnitId};

use super::model::{Due, Filer, Receipt, UnitRecord};
use super::tree::UnitTree;
use super::RatesError;
use crate::timeliness::{judge, Status};

/// Why a unit owes nothing for a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExemptReason {
    /// Dissolved before the cut-off; the obligation passed to its whole or default successor.
    Restructured,
    /// Dissolved before the cut-off with no successor taking over.
    Dissolved,
    /// Created after the period started, with no predecessor passing an obligation, and did
    /// not report.
    CreatedMidPeriod,
}

/// The verdict on one obligation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ObligationStatus {
    /// Nothing received yet and the deadline has not passed.
    NotYetDue,
    /// Received by the end of the deadline day (Asia/Ho_Chi_Minh).
    OnTime,
    /// Received this many working days after the deadline (at least 1).
    Late {
        /// Working days after the deadline.
        working_days: u32,
    },
    /// Nothing received and the deadline has passed.
    Missing,
    /// Not owed (and never counted as expected).
    Exempt(ExemptReason),
}

impl ObligationStatus {
    /// Counted in "Phải nộp": everything but exemptions.
    pub fn is_expected(self) -> bool {
        !matches!(self, Self::Exempt(_))
    }

    /// Counted in "Đã nộp": on time or late.
    pub fn is_received(self) -> bool {
        matches!(self, Self::OnTime | Self::Late { .. })
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> String {
        match self {
            Self::NotYetDue => "Chưa đến hạn".into(),
            Self::OnTime => "Đúng hạn".into(),
            Self::Late { working_days } => format!("Trễ hạn {working_days} ngày làm việc"),
            Self::Missing => "Chưa nộp".into(),
            Self::Exempt(ExemptReason::Restructured) => "Miễn (đã sáp nhập, chia tách)".into(),
            Self::Exempt(ExemptReason::Dissolved) => "Miễn (đã giải thể)".into(),
            Self::Exempt(ExemptReason::CreatedMidPeriod) => "Miễn (thành lập giữa kỳ)".into(),
        }
    }
}

/// One cell, stored by index.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawCell {
    pub(super) unit: u32,
    pub(super) status: ObligationStatus,
    /// The earliest counted receipt and the unit that filed it.
    pub(super) received: Option<(DateTime<FixedOffset>, u32)>,
}

/// One cell of the matrix, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// The obligated (or exempt) unit.
    pub unit: &'a UnitRecord,
    /// The due date applied.
    pub due: &'a Due,
    /// The verdict.
    pub status: ObligationStatus,
    /// The earliest counted receipt, if any.
    pub received_at: Option<DateTime<FixedOffset>>,
    /// Who filed that receipt: the unit itself or one of its predecessors.
    pub filed_by: Option<&'a UnitId>,
    /// For a restructured unit: the unit its obligation passed to.
    pub successor: Option<&'a UnitId>,
}

/// Every obligation of the given dues, judged as of one instant.
#[derive(Debug, Clone)]
pub struct StatusMatrix<'t> {
    pub(super) tree: &'t UnitTree,
    pub(super) dues: Vec<Due>,
    /// Cells grouped by due: `cells[ranges[d]]` belong to `dues[d]`, in unit order.
    pub(super) cells: Vec<RawCell>,
    pub(super) ranges: Vec<Range<usize>>,
    ignored: usize,
}

type Best = Option<(DateTime<FixedOffset>, u32)>;

fn earlier(a: Best, b: Best) -> Best {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.0 < x.0 { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

impl<'t> StatusMatrix<'t> {
    /// Judges every obligation of `dues` over `tree`, counting `receipts` received up to
    /// `as_of`; lateness uses `rules`' working calendar. Errors: a due given twice for the
    /// same kind, period and filer class, or whose span ends before it starts.
    pub fn compute(
        tree: &'t UnitTree,
        dues: &[Due],
        receipts: &[Receipt],
        rules: &RuleBook,
        as_of: DateTime<FixedOffset>,
    ) -> Result<Self, RatesError> {
        // Rounds: one per (kind, period), each with its dues.
        let mut rounds: HashMap<(ReportKind, ReportingPeriod), Vec<usize>> = HashMap::new();
        for (i, d) in dues.iter().enumerate() {
            let bad = |reason: &str| RatesError::InvalidDue {
                kind: d.kind,
                period: d.period,
                filer: d.filer,
                reason: reason.into(),
            };
            if d.ends < d.starts {
                return Err(bad("the data span ends before it starts"));
            }
            if d.filer == Filer::None {
                return Err(bad("the filer class None files nothing"));
            }
            let round = rounds.entry((d.kind, d.period)).or_default();
            if round.iter().any(|j| dues[*j].filer == d.filer) {
                return Err(bad("given twice"));
            }
            round.push(i);
        }
        let mut round_list: Vec<_> = rounds.into_iter().collect();
        round_list.sort_by_key(|(k, _)| (k.1, k.0.code()));
        let round_of: HashMap<(ReportKind, ReportingPeriod), usize> = round_list
            .iter()
            .enumerate()
            .map(|(r, (k, _))| (*k, r))
            .collect();

        // Receipts by round, earliest first kept later; the rest counted as ignored.
        let mut by_round: Vec<Vec<(u32, DateTime<FixedOffset>)>> =
            vec![Vec::new(); round_list.len()];
        let mut ignored = 0;
        for r in receipts {
            let round = round_of.get(&(r.kind, r.period));
            let unit = tree.unit_index(&r.unit);
            match (round, unit) {
                (Some(round), Some(unit)) if r.received_at <= as_of => {
                    by_round[*round].push((unit, r.received_at));
                }
                _ => ignored += 1,
            }
        }

        let as_of_day = as_of.with_timezone(&TIMEZONE).date_naive();
        let n = tree.units().len();
        let mut out_dues = Vec::with_capacity(dues.len());
        let mut cells = Vec::new();
        let mut ranges = Vec::with_capacity(dues.len());
        let mut own: Vec<Best> = vec![None; n];
        let mut best: Vec<Best> = vec![None; n];
        for ((_, due_ids), received) in round_list.iter().zip(&by_round) {
            own.iter_mut().for_each(|b| *b = None);
            for (u, at) in received {
                let b = &mut own[*u as usize];
                *b = earlier(*b, Some((*at, *u)));
            }
            for &d in due_ids {
                let due = &dues[d];
                let cutoff = due.cutoff();
                // A predecessor's receipt counts for its successor when its obligation passed
                // on (it was dissolved before the cut-off).
                best.copy_from_slice(&own);
                for &u in &tree.topo {
                    for &p in &tree.main_preds[u as usize] {
                        if passes_on(&tree.units()[p as usize], cutoff) {
                            best[u as usize] = earlier(best[u as usize], best[p as usize]);
                        }
                    }
                }
                let start = cells.len();
                for &u in tree.filers(due.filer) {
                    if let Some(cell) = judge_cell(tree, due, u, &best, rules, as_of_day) {
                        cells.push(cell);
                    }
                }
                ranges.push(start..cells.len());
                out_dues.push(due.clone());
            }
        }
        Ok(Self {
            tree,
            dues: out_dues,
            cells,
            ranges,
            ignored,
        })
    }

    /// The tree the matrix was computed over.
    pub fn tree(&self) -> &'t UnitTree {
        self.tree
    }

    /// The dues, grouped by period then kind.
    pub fn dues(&self) -> &[Due] {
        &self.dues
    }

    /// Number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether no unit owes anything.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Receipts not counted: received after `as_of`, from a unit not in the tree, or for a
    /// kind and period without a due.
    pub fn ignored_receipts(&self) -> usize {
        self.ignored
    }

    pub(super) fn view(&self, due: usize, c: &RawCell) -> Cell<'_> {
        let units = self.tree.units();
        Cell {
            unit: &units[c.unit as usize],
            due: &self.dues[due],
            status: c.status,
            received_at: c.received.map(|r| r.0),
            filed_by: c.received.map(|r| &units[r.1 as usize].id),
            successor: match c.status {
                ObligationStatus::Exempt(ExemptReason::Restructured) => self
                    .tree
                    .main_successor_index(c.unit)
                    .map(|s| &units[s as usize].id),
                _ => None,
            },
        }
    }

    /// Every cell, grouped by due.
    pub fn cells(&self) -> impl Iterator<Item = Cell<'_>> + '_ {
        self.ranges
            .iter()
            .enumerate()
            .flat_map(move |(d, r)| self.cells[r.clone()].iter().map(move |c| self.view(d, c)))
    }

    /// The cell of one unit, kind and period, if the unit has an obligation or exemption.
    pub fn cell(
        &self,
        unit: &UnitId,
        kind: ReportKind,
        period: ReportingPeriod,
    ) -> Option<Cell<'_>> {
        let u = self.tree.unit_index(unit)?;
        self.dues
            .iter()
            .enumerate()
            .filter(|(_, d)| d.kind == kind && d.period == period)
            .find_map(|(d, _)| {
                let slice = &self.cells[self.ranges[d].clone()];
                let i = slice.binary_search_by_key(&u, |c| c.unit).ok()?;
                Some(self.view(d, &slice[i]))
            })
    }

    /// The status of one unit, kind and period; `None` when it owes nothing at all.
    pub fn status(
        &self,
        unit: &UnitId,
        kind: ReportKind,
        period: ReportingPeriod,
    ) -> Option<ObligationStatus> {
        self.cell(unit, kind, period).map(|c| c.status)
    }
}

/// Whether a predecessor's obligation (and receipts) pass to its successor: it was dissolved
/// before the cut-off.
fn passes_on(pred: &UnitRecord, cutoff: NaiveDate) -> bool {
    pred.valid_to.is_some_and(|t| t < cutoff)
}

/// Whether `u` existed on the period's first day, or took over the obligation of a main
/// predecessor (dissolved during the period, before the cut-off) that is itself rooted.
fn rooted(tree: &UnitTree, u: u32, starts: NaiveDate, cutoff: NaiveDate) -> bool {
    let units = tree.units();
    let mut stack = vec![u];
    while let Some(v) = stack.pop() {
        let rec = &units[v as usize];
        if rec.valid_from <= starts {
            return true;
        }
        stack.extend(tree.main_preds[v as usize].iter().filter(|p| {
            let p = &units[**p as usize];
            passes_on(p, cutoff) && p.valid_to.is_some_and(|t| t >= starts)
        }));
    }
    false
}

fn judge_cell(
    tree: &UnitTree,
    due: &Due,
    u: u32,
    best: &[Best],
    rules: &RuleBook,
    as_of_day: NaiveDate,
) -> Option<RawCell> {
    let rec = &tree.units()[u as usize];
    let cutoff = due.cutoff();
    if !rec.alive_during(due.starts, cutoff) {
        return None;
    }
    let received = best[u as usize];
    let cell = |status| {
        Some(RawCell {
            unit: u,
            status,
            received,
        })
    };
    if !rec.alive_on(cutoff) {
        let reason = if tree.main_successor_index(u).is_some() {
            ExemptReason::Restructured
        } else {
            ExemptReason::Dissolved
        };
        return cell(ObligationStatus::Exempt(reason));
    }
    let status = match received {
        Some((at, _)) => match judge(rules, due.deadline, at) {
            Status::Late { working_days } => ObligationStatus::Late { working_days },
            _ => ObligationStatus::OnTime,
        },
        None if !(rec.valid_from <= due.starts || rooted(tree, u, due.starts, cutoff)) => {
            ObligationStatus::Exempt(ExemptReason::CreatedMidPeriod)
        }
        None if as_of_day <= due.deadline => ObligationStatus::NotYetDue,
        None => ObligationStatus::Missing,
    };
    cell(status)
}
