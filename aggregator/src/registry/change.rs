//! Restructuring, each change effective on a date `D`: the rows it replaces end on `D - 1`,
//! the rows it creates start on `D`, and a succession from each old unit to each new one
//! (`merge`, `split`, `rename`, `move`) lets history follow. A unit can change only while it
//! exists and has no later change (changes are recorded in date order, one per unit and day);
//! anything else is refused with the [`Rule`] it breaks.
//!
//! Children are not carried along: the children of a unit that ends (its agencies, say) keep
//! their parent link and must be moved or merged too.

use crate::store::AnyConn;
use chrono::NaiveDate;
use diesel::prelude::*;
use schema::{Tier, UnitId};

use super::check::{
    clean_name, code_reused, day_before, distinct, kind_for, open_row, parent_exists, same_tier,
};
use super::{in_subtree, tier_code, RegistryError, Rule};
use crate::store::units::{self, SuccessionRow, UnitRow};

/// What a change did: for the audit entry and the CLI's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The first day of the new rows.
    pub effective: NaiveDate,
    /// The rows ended on the day before (as they were before the change).
    pub ended: Vec<UnitRow>,
    /// The rows started on `effective`.
    pub started: Vec<UnitRow>,
    pub successions: Vec<SuccessionRow>,
}

impl Change {
    /// One line: what ended and what started, by id and name.
    pub fn summary(&self) -> String {
        let list = |rows: &[UnitRow]| {
            rows.iter()
                .map(|r| format!("{} \"{}\" (under {})", r.id, r.name, r.parent))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "effective {}; ended: {}; started: {}",
            self.effective,
            list(&self.ended),
            list(&self.started)
        )
    }
}

/// Ends the `ended` rows on the day before `date`, starts the `started` ones, and records a
/// succession from each ended unit to each started one (a unit that continues under its own id
/// links to itself, which [`super::lineage`] skips).
fn apply(
    conn: &mut AnyConn,
    date: NaiveDate,
    ended: Vec<UnitRow>,
    started: Vec<UnitRow>,
    relation: &str,
) -> QueryResult<Change> {
    for old in &ended {
        if units::close(conn, &old.id, old.valid_from, day_before(date))? != 1 {
            // open_row found it open in this transaction: only a concurrent writer gets here.
            return Err(diesel::result::Error::NotFound);
        }
    }
    for new in &started {
        units::insert(conn, new)?;
    }
    let mut successions = Vec::new();
    for old in &ended {
        for new in &started {
            let note = if relation == "move" {
                format!("{} → {}", old.parent, new.parent)
            } else {
                format!("{} → {}", old.name, new.name)
            };
            let s = SuccessionRow {
                predecessor: old.id.clone(),
                successor: new.id.clone(),
                effective: date,
                relation: relation.into(),
                note,
            };
            units::insert_succession(conn, &s)?;
            successions.push(s);
        }
    }
    Ok(Change {
        effective: date,
        ended,
        started,
        successions,
    })
}

/// Merges `predecessors` into `successor` named `name`, effective `date`. The successor is
/// either a new code (at least two predecessors; it starts on `date` under their common
/// parent, at the mean of their centroids, without contacts), or an existing unit absorbing
/// them (its row ends and a new one starts with `name`). Predecessors must share a parent and
/// the successor's tier; the successor may not be one of them ([`Rule::MergeIntoItself`]).
pub fn merge(
    conn: &mut AnyConn,
    predecessors: &[UnitId],
    successor: UnitId,
    name: &str,
    date: NaiveDate,
) -> Result<Change, RegistryError> {
    let name = clean_name(name)?;
    if predecessors.is_empty() {
        return Err(RegistryError::refused(
            Rule::TooFewUnits,
            "Chưa kê đơn vị nào để sáp nhập / no unit to merge: list the units that merge",
        ));
    }
    distinct(predecessors)?;
    if predecessors.contains(&successor) {
        return Err(RegistryError::refused(
            Rule::MergeIntoItself,
            format!(
                "Không thể sáp nhập {successor} vào chính nó / {successor} cannot be merged into \
                 itself: to let {successor} absorb other units, list only the absorbed ones"
            ),
        ));
    }
    let mut olds = Vec::new();
    for p in predecessors {
        same_tier(p, &successor)?;
        olds.push(open_row(conn, p, date)?);
    }
    let parent = olds[0].parent.clone();
    if let Some(other) = olds.iter().find(|r| r.parent != parent) {
        return Err(RegistryError::refused(
            Rule::DifferentParents,
            format!(
                "{} thuộc {} nhưng {} thuộc {} / {} is under {} but {} under {}: units that \
                 merge must have the same parent; move one first",
                olds[0].id,
                parent,
                other.id,
                other.parent,
                olds[0].id,
                parent,
                other.id,
                other.parent
            ),
        ));
    }
    let history = units::history(conn, successor.as_str())?;
    let absorbing = if history.is_empty() {
        None
    } else {
        let cur = match open_row(conn, &successor, date) {
            Err(e) if e.rule() == Some(Rule::UnitEnded) => {
                return Err(code_reused(&successor, &history))
            }
            other => other?,
        };
        if cur.parent != parent {
            return Err(RegistryError::refused(
                Rule::DifferentParents,
                format!(
                    "{successor} thuộc {} nhưng các đơn vị sáp nhập thuộc {parent} / \
                     {successor} is under {} but the merged units are under {parent}: move one \
                     first",
                    cur.parent, cur.parent
                ),
            ));
        }
        Some(cur)
    };
    let new = match &absorbing {
        Some(cur) => UnitRow {
            kind: kind_for(successor.tier(), &name, &cur.kind),
            name,
            valid_from: date,
            valid_to: None,
            ..cur.clone()
        },
        None => {
            if predecessors.len() < 2 {
                return Err(RegistryError::refused(
                    Rule::TooFewUnits,
                    format!(
                        "Sáp nhập vào đơn vị mới cần ít nhất hai đơn vị / a merge into the new \
                         unit {successor} needs at least two units: list them all"
                    ),
                ));
            }
            let points: Vec<(f64, f64)> =
                olds.iter().filter_map(|r| Some((r.lat?, r.lon?))).collect();
            let n = points.len() as f64;
            let mean = |f: fn(&(f64, f64)) -> f64| {
                (!points.is_empty()).then(|| points.iter().map(f).sum::<f64>() / n)
            };
            UnitRow {
                id: successor.to_string(),
                kind: kind_for(successor.tier(), &name, &olds[0].kind),
                name,
                tier: tier_code(successor.tier()).into(),
                parent: parent.clone(),
                officer_email: None,
                head_email: None,
                lat: mean(|p| p.0),
                lon: mean(|p| p.1),
                valid_from: date,
                valid_to: None,
            }
        }
    };
    let mut ended = olds;
    ended.extend(absorbing);
    Ok(apply(conn, date, ended, vec![new], "merge")?)
}

/// Splits `predecessor` into `successors` (id, name), effective `date`: at least two, new
/// codes of the same tier under the same parent, or the predecessor's own id for the part
/// that keeps it (that part keeps its contacts).
pub fn split(
    conn: &mut AnyConn,
    predecessor: &UnitId,
    successors: &[(UnitId, String)],
    date: NaiveDate,
) -> Result<Change, RegistryError> {
    if successors.len() < 2 {
        return Err(RegistryError::refused(
            Rule::TooFewUnits,
            format!(
                "Chia tách {predecessor} cần ít nhất hai đơn vị mới / splitting {predecessor} \
                 needs at least two parts (to change only its name, rename it)"
            ),
        ));
    }
    distinct(successors.iter().map(|(id, _)| id))?;
    let old = open_row(conn, predecessor, date)?;
    let mut started = Vec::new();
    for (id, name) in successors {
        let name = clean_name(name)?;
        same_tier(predecessor, id)?;
        let keeps = id == predecessor;
        if !keeps {
            let history = units::history(conn, id.as_str())?;
            if !history.is_empty() {
                return Err(code_reused(id, &history));
            }
        }
        started.push(UnitRow {
            id: id.to_string(),
            kind: kind_for(id.tier(), &name, &old.kind),
            name,
            officer_email: old.officer_email.clone().filter(|_| keeps),
            head_email: old.head_email.clone().filter(|_| keeps),
            valid_from: date,
            valid_to: None,
            ..old.clone()
        });
    }
    Ok(apply(conn, date, vec![old], started, "split")?)
}

/// Renames `unit` to `new_name` from `date`: a new row with the same id (and the kind the
/// name gives, so "Xã A" renamed "Phường A" becomes a Phường).
pub fn rename(
    conn: &mut AnyConn,
    unit: &UnitId,
    new_name: &str,
    date: NaiveDate,
) -> Result<Change, RegistryError> {
    let name = clean_name(new_name)?;
    let old = open_row(conn, unit, date)?;
    if old.name == name {
        return Err(RegistryError::refused(
            Rule::NothingChanges,
            format!("{unit} đã có tên \"{name}\" / {unit} is already named \"{name}\""),
        ));
    }
    let new = UnitRow {
        kind: kind_for(unit.tier(), &name, &old.kind),
        name,
        valid_from: date,
        valid_to: None,
        ..old.clone()
    };
    Ok(apply(conn, date, vec![old], vec![new], "rename")?)
}

/// Moves `unit` under `new_parent` from `date` (its children follow, through their links to
/// it). The new parent must exist that day (`VN` and `TW` always do), sit at a higher tier
/// (an agency may sit under anything) and not be the unit or below it.
pub fn move_unit(
    conn: &mut AnyConn,
    unit: &UnitId,
    new_parent: &UnitId,
    date: NaiveDate,
) -> Result<Change, RegistryError> {
    let old = open_row(conn, unit, date)?;
    if old.parent == new_parent.as_str() {
        return Err(RegistryError::refused(
            Rule::NothingChanges,
            format!("{unit} đã thuộc {new_parent} / {unit} is already under {new_parent}"),
        ));
    }
    if unit == new_parent || in_subtree(conn, unit, new_parent, date)? {
        return Err(RegistryError::refused(
            Rule::MoveUnderItself,
            format!(
                "Không thể chuyển {unit} vào {new_parent} / cannot move {unit} under \
                 {new_parent}: it is {unit} itself or below it"
            ),
        ));
    }
    let tier_ok = unit.tier() == Tier::Agency || new_parent.tier() < unit.tier();
    if !tier_ok {
        return Err(RegistryError::refused(
            Rule::TierMismatch,
            format!(
                "{new_parent} ({}) không thể là cấp trên của {unit} ({}) / {new_parent} cannot \
                 be the parent of {unit}: choose a unit of a higher tier",
                new_parent.tier().label_vi(),
                unit.tier().label_vi()
            ),
        ));
    }
    parent_exists(conn, new_parent, date)?;
    let new = UnitRow {
        parent: new_parent.to_string(),
        valid_from: date,
        valid_to: None,
        ..old.clone()
    };
    Ok(apply(conn, date, vec![old], vec![new], "move")?)
}
