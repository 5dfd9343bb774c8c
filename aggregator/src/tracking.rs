//! Deadline tracking from the store: the registry as a `reports::rates::UnitTree` (one record
//! per unit, its rows' span, successions with their relation), the dues of the rule pack, and
//! the first tier's receipts, so `reports::rates` computes the status matrix and the reporting
//! rates (expected, received, on time; never above 100 %) for any area of the subtree.
//!
//! Successions recorded by the registry map to the rates' relations: the 2025 reform keeps
//! its mapping's relation (`whole`, `split-default`, `split-part`, in `note`); a merge, rename
//! or move to another id is `whole`; a split passes obligations to the successor with the
//! smallest id (`split-default`) and history only to the others (`split-part`).

use std::collections::BTreeMap;

use anyhow::anyhow;
use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use config::units::Relation;
use diesel::prelude::*;
use reports::rates::{self, Due, Receipt, Succession, UnitRecord, UnitTree};
use schema::{ReportKind, ReportingPeriod, UnitId};

use crate::store::schema::received;
use crate::store::{units, AnyConn};

/// What the matrix is computed from.
#[derive(Debug)]
pub struct Inputs {
    pub tree: UnitTree,
    pub dues: Vec<Due>,
    pub receipts: Vec<Receipt>,
}

/// Loads the registry, the dues of `kinds` for `years` and the receipts of those kinds.
/// `scope` (and `scope_name`) is added as the root when the registry does not hold it (`VN`).
pub fn load(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    scope_name: &str,
    kinds: &[ReportKind],
    years: std::ops::RangeInclusive<i32>,
) -> anyhow::Result<Inputs> {
    let mut by_id: BTreeMap<String, UnitRecord> = BTreeMap::new();
    for row in units::all(conn)? {
        let id = UnitId::parse(&row.id).map_err(|e| anyhow!("registry unit {}: {e}", row.id))?;
        let parent = UnitId::parse(&row.parent).ok();
        let rec = by_id
            .entry(row.id.clone())
            .or_insert_with(|| UnitRecord::new(id, row.name.clone(), row.valid_from, row.valid_to));
        // Rows come oldest first: the last one gives the name, parent and end.
        rec.valid_from = rec.valid_from.min(row.valid_from);
        rec.valid_to = row.valid_to;
        rec.name = row.name;
        if parent.is_some() {
            rec.parent = parent;
        }
    }
    if !by_id.contains_key(scope.as_str()) {
        let root = UnitRecord {
            parent: None,
            ..UnitRecord::new(
                scope.clone(),
                scope_name,
                NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default(),
                None,
            )
        };
        by_id.insert(scope.to_string(), root);
    }
    let successions = successions(conn)?;
    let tree = UnitTree::new(by_id.into_values().collect(), &successions)?;
    let dues = rates::dues_from_rules(rules, kinds, years)?;
    let codes: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    let rows: Vec<(String, String, String, String)> = node::dispatch!(conn, |c| received::table
        .filter(received::kind.eq_any(&codes))
        .select((
            received::unit,
            received::kind,
            received::period,
            received::received_at
        ))
        .load(c))?;
    let mut receipts = Vec::with_capacity(rows.len());
    for (unit, kind, period, at) in rows {
        receipts.push(Receipt {
            unit: UnitId::parse(&unit).map_err(|e| anyhow!("stored unit {unit}: {e}"))?,
            kind: ReportKind::parse(&kind).map_err(|e| anyhow!("stored kind: {e}"))?,
            period: ReportingPeriod::parse(&period).map_err(|e| anyhow!("stored period: {e}"))?,
            received_at: DateTime::<FixedOffset>::parse_from_rfc3339(&at)
                .map_err(|e| anyhow!("stored received_at {at}: {e}"))?,
        });
    }
    Ok(Inputs {
        tree,
        dues,
        receipts,
    })
}

fn successions(conn: &mut AnyConn) -> anyhow::Result<Vec<Succession>> {
    let rows = units::all_successions(conn)?;
    // For splits: the smallest successor id of each predecessor and date takes obligations.
    let mut first_part: BTreeMap<(String, NaiveDate), String> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.relation == "split") {
        let e = first_part
            .entry((r.predecessor.clone(), r.effective))
            .or_insert_with(|| r.successor.clone());
        if r.successor < *e {
            *e = r.successor.clone();
        }
    }
    let mut out = Vec::new();
    for r in &rows {
        if r.predecessor == r.successor {
            continue; // a rename or move under the same id
        }
        let relation = match r.relation.as_str() {
            "reform-2025" => match r.note.as_str() {
                "split-default" => Relation::SplitDefault,
                "split-part" => Relation::SplitPart,
                _ => Relation::Whole,
            },
            "split" => {
                if first_part.get(&(r.predecessor.clone(), r.effective)) == Some(&r.successor) {
                    Relation::SplitDefault
                } else {
                    Relation::SplitPart
                }
            }
            _ => Relation::Whole,
        };
        out.push(Succession {
            from: UnitId::parse(&r.predecessor)?,
            to: UnitId::parse(&r.successor)?,
            on: r.effective,
            relation,
        });
    }
    Ok(out)
}
