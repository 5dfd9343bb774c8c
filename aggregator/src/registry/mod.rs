//! The aggregator's unit registry: which units its subtree has on any given day, and how
//! they follow one another across restructurings, so that history follows a unit.
//!
//! - [`import`]: the administrative units of a scope from `config::units` (the 2025 map from
//!   1 July 2025, and on request the legacy map until 30 June 2025 with `reform-2025`
//!   successions from each legacy commune to its 2025 commune(s)), and agencies from a CSV file.
//! - [`change`]: merge, split, rename and move, each effective on a date; the old row ends the
//!   day before, the new one starts that day, and a succession records the link. Nonsense is
//!   refused with a [`Rule`] naming what is wrong.
//! - Here: the queries ([`get`], [`children`], [`lineage`], [`in_subtree`],
//!   [`in_subtree_during`]) and [`reports_with_lineage`], the reports of a unit and of all its
//!   predecessors.
//!
//! Like the store's model code, every function takes a connection and leaves the transaction
//! to the caller (the CLI writes each change and its audit entry in one transaction). Rows are
//! `crate::store::units`; ids are stored as text and read back with `UnitId::parse`.

pub mod change;
mod check;
pub mod import;

use crate::store::AnyConn;
use std::collections::{BTreeSet, HashSet, VecDeque};

use chrono::NaiveDate;
use config::units::compare_vi;
use diesel::prelude::*;
use schema::{Tier, UnitId};

pub use change::{merge, move_unit, rename, split, Change};
pub use import::{import_admin_units, import_agencies_csv, ImportSummary};

use crate::store::received::ReceivedRow;
use crate::store::schema::received;
use crate::store::units::{self, UnitRow};

/// The first day of the 2025 two-tier map (Resolutions 202/2025/QH15 and 203/2025/QH15).
pub const REFORM_2025: NaiveDate = match NaiveDate::from_ymd_opt(2025, 7, 1) {
    Some(d) => d,
    None => panic!("1 July 2025 exists"),
};

/// Start of rows whose real start is unknown (legacy units, agencies imported without a
/// `valid_from`): "since before any data this system holds". Shown as "trước đây / earlier".
pub const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => panic!("1 January 1900 exists"),
};

/// A restructuring rule that a refused change broke (each has a test named after it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A named unit (or the new parent) has never been registered.
    UnknownUnit,
    /// The change takes effect on or before the unit's first day.
    DateBeforeUnitExists,
    /// The unit had already ended before the change.
    UnitEnded,
    /// The unit already has a change on or after that date: record changes in date order.
    AlreadyChanged,
    /// A merge whose successor is one of its predecessors.
    MergeIntoItself,
    /// The same unit listed twice.
    ListedTwice,
    /// A merge into a new unit of fewer than two units, or a split into fewer than two.
    TooFewUnits,
    /// A new unit's code is already used (codes are never reused).
    CodeReused,
    /// Units merged must have the same parent.
    DifferentParents,
    /// Ids of different tiers (a commune merged with a province, a commune under a commune).
    TierMismatch,
    /// The new name or parent is the current one.
    NothingChanges,
    /// A unit moved under itself or under one of its own descendants.
    MoveUnderItself,
    /// A blank name.
    EmptyName,
    /// The import scope is neither `VN` nor a 2025 province.
    BadScope,
}

impl Rule {
    /// A stable code, shown in brackets after the message.
    pub fn code(self) -> &'static str {
        match self {
            Rule::UnknownUnit => "unknown_unit",
            Rule::DateBeforeUnitExists => "date_before_unit_exists",
            Rule::UnitEnded => "unit_ended",
            Rule::AlreadyChanged => "already_changed",
            Rule::MergeIntoItself => "merge_into_itself",
            Rule::ListedTwice => "listed_twice",
            Rule::TooFewUnits => "too_few_units",
            Rule::CodeReused => "code_reused",
            Rule::DifferentParents => "different_parents",
            Rule::TierMismatch => "tier_mismatch",
            Rule::NothingChanges => "nothing_changes",
            Rule::MoveUnderItself => "move_under_itself",
            Rule::EmptyName => "empty_name",
            Rule::BadScope => "bad_scope",
        }
    }
}

/// Why a registry change or import was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The change breaks a rule; the message (Vietnamese / English) says what to do.
    #[error("{message} [{}]", .rule.code())]
    Refused { rule: Rule, message: String },
    /// A CSV row has a bad value.
    #[error("{file}, dòng / line {line}, cột / column `{column}`: {message}")]
    Csv {
        file: String,
        /// 1-based; the header is line 1.
        line: u64,
        column: String,
        message: String,
    },
    /// The CSV file cannot be read.
    #[error("không đọc được / cannot read {file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
}

impl RegistryError {
    pub(crate) fn refused(rule: Rule, message: impl Into<String>) -> Self {
        Self::Refused {
            rule,
            message: message.into(),
        }
    }

    /// The rule broken, for a refusal.
    pub fn rule(&self) -> Option<Rule> {
        match self {
            Self::Refused { rule, .. } => Some(*rule),
            _ => None,
        }
    }
}

/// `schema::Tier` as stored (snake_case, as on the wire).
pub fn tier_code(tier: Tier) -> &'static str {
    match tier {
        Tier::National => "national",
        Tier::Central => "central",
        Tier::Province => "province",
        Tier::District => "district",
        Tier::Commune => "commune",
        Tier::Agency => "agency",
    }
}

/// A stored id back as a `UnitId` (a failure means the database was edited by hand).
pub(crate) fn parse_stored(raw: &str) -> QueryResult<UnitId> {
    UnitId::parse(raw).map_err(|e| diesel::result::Error::DeserializationError(Box::new(e)))
}

/// The row of `id` valid on `on`.
pub fn get(conn: &mut AnyConn, id: &UnitId, on: NaiveDate) -> QueryResult<Option<UnitRow>> {
    units::on(conn, id.as_str(), on)
}

/// The units whose parent is `parent` on `on`, in Vietnamese order of their names
/// ([`compare_vi`]), ties by id.
pub fn children(conn: &mut AnyConn, parent: &UnitId, on: NaiveDate) -> QueryResult<Vec<UnitRow>> {
    let mut rows = units::children_on(conn, parent.as_str(), on)?;
    rows.sort_by(|a, b| compare_vi(&a.name, &b.name).then_with(|| a.id.cmp(&b.id)));
    Ok(rows)
}

/// The unit and all its predecessors, transitively, through the successions: `id` first,
/// then its direct predecessors (in id order), then theirs. A rename or a move links a unit to
/// itself and adds nothing; a legacy commune that was divided is a predecessor of each of its
/// parts.
pub fn lineage(conn: &mut AnyConn, id: &UnitId) -> QueryResult<Vec<UnitId>> {
    let mut out = vec![id.clone()];
    let mut seen: HashSet<String> = HashSet::from([id.to_string()]);
    let mut queue = VecDeque::from([id.to_string()]);
    while let Some(cur) = queue.pop_front() {
        let preds: BTreeSet<String> = units::successions_into(conn, &cur)?
            .into_iter()
            .map(|s| s.predecessor)
            .collect();
        for p in preds {
            if seen.insert(p.clone()) {
                out.push(parse_stored(&p)?);
                queue.push_back(p);
            }
        }
    }
    Ok(out)
}

/// True when `unit` is `root` or below it on `on`, following the registry's parent links
/// valid that day (so a moved unit counts where it was moved to, from the move's date).
///
/// Ids that have no row at all are not in the registry: when `unit` itself has none, the
/// answer is `root.contains(unit)`, the id grammar's view (`UnitId::contains`); an ancestor
/// with none (`VN` and `TW` are never stored) is followed by its grammar parent. A registered
/// unit, or ancestor, with no row valid on `on` did not exist that day: false.
pub fn in_subtree(
    conn: &mut AnyConn,
    root: &UnitId,
    unit: &UnitId,
    on: NaiveDate,
) -> QueryResult<bool> {
    if units::history(conn, unit.as_str())?.is_empty() {
        return Ok(root.contains(unit));
    }
    let mut cur = unit.clone();
    let mut seen = HashSet::new();
    loop {
        if &cur == root {
            return Ok(true);
        }
        if !seen.insert(cur.clone()) {
            return Ok(false); // A cycle of parent links: refuse rather than loop.
        }
        let next = match units::on(conn, cur.as_str(), on)? {
            Some(row) => Some(parse_stored(&row.parent)?),
            None if units::history(conn, cur.as_str())?.is_empty() => cur.parent(),
            None => None,
        };
        match next {
            Some(p) => cur = p,
            None => return Ok(false),
        }
    }
}

/// True when `unit` is registered on some day of `first..=last` and is under `root` on such a
/// day: checked on `last` when the unit exists then, else on the last day of each of its rows
/// that overlap the range (a unit merged away during a reporting period still reports for it).
/// False for a unit with no row in the range, including one never registered.
pub fn in_subtree_during(
    conn: &mut AnyConn,
    root: &UnitId,
    unit: &UnitId,
    first: NaiveDate,
    last: NaiveDate,
) -> QueryResult<bool> {
    let rows = units::history(conn, unit.as_str())?;
    let mut days: Vec<NaiveDate> = rows
        .iter()
        .filter(|r| r.valid_from <= last && r.valid_to.is_none_or(|end| end >= first))
        .map(|r| r.valid_to.map_or(last, |end| end.min(last)))
        .collect();
    days.sort_unstable_by(|a, b| b.cmp(a));
    days.dedup();
    for day in days {
        if in_subtree(conn, root, unit, day)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The reports received from `unit` or from any unit of its [`lineage`], every stored
/// version, oldest first: a merged commune's history includes its predecessors' reports.
pub fn reports_with_lineage(conn: &mut AnyConn, unit: &UnitId) -> QueryResult<Vec<ReceivedRow>> {
    let ids: Vec<String> = lineage(conn, unit)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut rows = Vec::new();
    // Bound the IN list well below SQLite's limit on bound variables.
    for chunk in ids.chunks(500) {
        rows.extend(node::dispatch!(&mut *conn, |c| received::table
            .filter(received::unit.eq_any(chunk))
            .select(ReceivedRow::as_select())
            .load(c))?);
    }
    rows.sort_by(|a, b| {
        (
            a.received_at.as_str(),
            a.report_id.as_str(),
            a.digest.as_str(),
        )
            .cmp(&(
                b.received_at.as_str(),
                b.report_id.as_str(),
                b.digest.as_str(),
            ))
    });
    Ok(rows)
}

#[cfg(test)]
mod tests;
