//! What is due on a day ([`due`]): for every report kind that has a deadline towards this
//! aggregator's tier in the rule pack (`[[form.deadline]] to = "province"` at a province,
//! `"national"` at the nation), for the periods whose stages fall near the day, the child
//! units that owe it and have not sent it, each at its current [`Stage`].
//!
//! Stages of one deadline: `before-N` on the pack's `reminders.days_before` (to the unit's
//! officer), `overdue` the day after the deadline (officer and head), and `escalation`
//! `escalate_days_after` days after it (to the steering committee). A stage goes out on the
//! first working day on or after its date, or up to `[reminders] catch_up_working_days`
//! working days later when that day was missed, unless the unit's next stage is already due.
//!
//! Who owes what: every child on the day (at the nation, also the central agencies under
//! `TW`) that existed during the report's period; provinces owe the consolidated report and
//! nothing else, other units every other kind. A report received from the unit, from any
//! predecessor or from any successor (`registry::lineage` and the successions onwards) counts
//! as sent.

use std::collections::{BTreeSet, HashMap};

use anyhow::anyhow;
use chrono::{Datelike as _, Days, NaiveDate};
use config::rules::RuleBook;
use diesel::prelude::*;
use schema::{ReportKind, ReportingPeriod, Tier, UnitId};

use crate::registry;
use crate::store::schema::{received, successions};
use crate::store::units::{self, UnitRow};
use crate::store::AnyConn;

/// Where a reminder stands against its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// N days before the deadline (to the officer).
    Before(u32),
    /// The deadline has passed (to the officer and the head).
    Overdue,
    /// Still missing on the escalation day (to the steering committee).
    Escalation,
}

impl Stage {
    /// The code stored in `reminders_sent.stage`: `before-7`, `overdue`, `escalation`.
    pub fn code(self) -> String {
        match self {
            Self::Before(n) => format!("before-{n}"),
            Self::Overdue => "overdue".into(),
            Self::Escalation => "escalation".into(),
        }
    }
}

/// One report a unit still owes, at the stage due on the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub unit: UnitId,
    pub unit_name: String,
    pub officer: Option<String>,
    pub head: Option<String>,
    pub kind: ReportKind,
    /// The form's Vietnamese title from the rule pack.
    pub title: String,
    pub period: ReportingPeriod,
    /// The data period, first and last day.
    pub span: (NaiveDate, NaiveDate),
    pub deadline: NaiveDate,
    pub stage: Stage,
    /// The request this item answers (`None`: the rule pack's deadline).
    pub request: Option<String>,
}

impl DueItem {
    /// The kind recorded in `reminders_sent`: `request:<id>` for a request, else the kind.
    pub fn record_kind(&self) -> String {
        match &self.request {
            Some(id) => format!("request:{id}"),
            None => self.kind.code().to_string(),
        }
    }
}

/// One deadline with the stages that fall due on the day.
#[derive(Debug, Clone)]
struct Obligation {
    kind: ReportKind,
    title: String,
    period: ReportingPeriod,
    span: (NaiveDate, NaiveDate),
    deadline: NaiveDate,
    stages: Vec<Stage>,
}

/// The tier whose deadlines apply to the children of `scope`.
fn receiving_tier(scope: &UnitId) -> Option<Tier> {
    match scope.tier() {
        Tier::Province => Some(Tier::Province),
        Tier::National => Some(Tier::National),
        _ => None,
    }
}

/// Provinces send the consolidated report instead of an annual report of their own.
fn owes(kind: ReportKind, child: Tier) -> bool {
    (kind == ReportKind::ConsolidatedReport) == (child == Tier::Province)
}

/// Working days in `from..to` (`from` included, `to` not), counting no further than `limit + 1`.
fn working_days_between(rules: &RuleBook, from: NaiveDate, to: NaiveDate, limit: u32) -> u32 {
    let mut n = 0;
    for day in from.iter_days().take_while(|d| *d < to) {
        if rules.is_working_day(day) {
            n += 1;
            if n > limit {
                break;
            }
        }
    }
    n
}

/// The stage of a track (stages in date order) due on `today`, if any.
fn current(
    rules: &RuleBook,
    track: &[(Stage, NaiveDate)],
    today: NaiveDate,
    catch_up: u32,
) -> Option<Stage> {
    let (stage, date) = track.iter().rev().find(|(_, d)| *d <= today)?;
    (working_days_between(rules, *date, today, catch_up) <= catch_up).then_some(*stage)
}

/// The stages of `deadline` due on `today` under `pack`'s offsets: the unit's track
/// (`before-N`…, `overdue`) and the committee's (`escalation`).
pub(super) fn stages_due(
    rules: &RuleBook,
    pack: &config::rules::RulePack,
    deadline: NaiveDate,
    today: NaiveDate,
    catch_up: u32,
) -> Vec<Stage> {
    let (before, escalation) = pack.reminder_dates(deadline);
    let day_after = deadline + Days::new(1);
    let mut track: Vec<(Stage, NaiveDate)> = pack
        .reminders
        .days_before
        .iter()
        .zip(before)
        .map(|(n, d)| (Stage::Before(*n), d))
        .collect();
    track.sort_by_key(|(_, d)| *d);
    track.push((Stage::Overdue, day_after));
    let committee = [(Stage::Escalation, escalation.max(day_after))];
    [
        current(rules, &track, today, catch_up),
        current(rules, &committee, today, catch_up),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The deadlines towards `to` with a stage due on `today`.
fn obligations(
    rules: &RuleBook,
    to: Tier,
    today: NaiveDate,
    catch_up: u32,
    only: Option<ReportingPeriod>,
) -> Vec<Obligation> {
    let mut out = Vec::new();
    let years: Vec<i32> = match only {
        Some(p) => vec![p.end_year()],
        None => (today.year() - 1..=today.year() + 1).collect(),
    };
    for year in years {
        let period = ReportingPeriod::Annual(year);
        let Ok(pack) = rules.pack_for(period.end()) else {
            continue;
        };
        for form in &pack.forms {
            let Ok(deadline) = pack.deadline(form.kind, to, year) else {
                continue;
            };
            let stages = stages_due(rules, pack, deadline, today, catch_up);
            if stages.is_empty() {
                continue;
            }
            out.push(Obligation {
                kind: form.kind,
                title: form.title.clone(),
                period,
                span: pack
                    .period(form.kind, year)
                    .unwrap_or((period.start(), period.end())),
                deadline,
                stages,
            });
        }
    }
    out
}

/// The units whose reports count for `id`: itself, its predecessors and its successors.
fn related(conn: &mut AnyConn, id: &UnitId) -> QueryResult<BTreeSet<String>> {
    let mut out: BTreeSet<String> = registry::lineage(conn, id)?
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut queue = vec![id.to_string()];
    while let Some(cur) = queue.pop() {
        let next: Vec<String> = node::dispatch!(&mut *conn, |c| successions::table
            .filter(successions::predecessor.eq(&cur))
            .select(successions::successor)
            .load(c))?;
        for s in next {
            if out.insert(s.clone()) {
                queue.push(s);
            }
        }
    }
    Ok(out)
}

/// Whether any row of `id` overlaps `first..=last`.
fn existed_during(
    conn: &mut AnyConn,
    id: &str,
    (first, last): (NaiveDate, NaiveDate),
) -> QueryResult<bool> {
    Ok(units::history(conn, id)?
        .iter()
        .any(|r| r.valid_from <= last && r.valid_to.is_none_or(|end| end >= first)))
}

/// The units that sent a `kind` report for `period`.
fn senders(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
) -> QueryResult<BTreeSet<String>> {
    let query = received::table
        .filter(received::kind.eq(kind.code()))
        .filter(received::period.eq(period.to_string()))
        .select(received::unit)
        .distinct();
    Ok(node::dispatch!(&mut *conn, |c| query.load::<String>(c))?
        .into_iter()
        .collect())
}

/// Everything due on `today` for the children of `scope` (nothing on a day off). `only`
/// restricts it to one period.
pub fn due(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    today: NaiveDate,
    catch_up: u32,
    only: Option<ReportingPeriod>,
) -> anyhow::Result<Vec<DueItem>> {
    let Some(to) = receiving_tier(scope) else {
        return Ok(Vec::new());
    };
    if !rules.is_working_day(today) {
        return Ok(Vec::new());
    }
    let obligations = obligations(rules, to, today, catch_up, only);
    if obligations.is_empty() {
        return Ok(Vec::new());
    }
    let mut children: Vec<UnitRow> = registry::children(conn, scope, today)?;
    if to == Tier::National {
        let central = UnitId::parse("TW").map_err(|e| anyhow!("{e}"))?;
        children.extend(registry::children(conn, &central, today)?);
    }
    let mut related_of: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for ob in &obligations {
        let sent = senders(conn, ob.kind, ob.period)?;
        for child in &children {
            let id =
                UnitId::parse(&child.id).map_err(|e| anyhow!("registry unit {}: {e}", child.id))?;
            if !owes(ob.kind, id.tier()) || !existed_during(conn, &child.id, ob.span)? {
                continue;
            }
            if !related_of.contains_key(&child.id) {
                related_of.insert(child.id.clone(), related(conn, &id)?);
            }
            if related_of[&child.id].iter().any(|u| sent.contains(u)) {
                continue;
            }
            for stage in &ob.stages {
                out.push(DueItem {
                    unit: id.clone(),
                    unit_name: child.name.clone(),
                    officer: child.officer_email.clone(),
                    head: child.head_email.clone(),
                    kind: ob.kind,
                    title: ob.title.clone(),
                    period: ob.period,
                    span: ob.span,
                    deadline: ob.deadline,
                    stage: *stage,
                    request: None,
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn stages_on(today: &str, catch_up: u32) -> Vec<(ReportKind, i32, Stage)> {
        let rules = RuleBook::embedded().unwrap();
        obligations(rules, Tier::Province, day(today), catch_up, None)
            .into_iter()
            .flat_map(|o| {
                o.stages
                    .into_iter()
                    .map(move |s| (o.kind, o.period.end_year(), s))
            })
            .collect()
    }

    #[test]
    fn stages_fall_on_the_pack_offsets_and_move_past_days_off() {
        use ReportKind::{AnnualReport as A, ImplementationPlan as P};
        // Annual report 2026 due at the province on Thu 10 Dec 2026: 14, 7, 3, 1 days before.
        assert_eq!(stages_on("2026-11-26", 0), [(A, 2026, Stage::Before(14))]);
        assert_eq!(stages_on("2026-12-03", 0), [(A, 2026, Stage::Before(7))]);
        assert_eq!(stages_on("2026-12-04", 0), []);
        // 7 Dec (before-3) is a Monday; 9 Dec before-1.
        assert_eq!(stages_on("2026-12-09", 0), [(A, 2026, Stage::Before(1))]);
        // The day after: overdue notice and escalation (escalate_days_after = 1).
        assert_eq!(
            stages_on("2026-12-11", 0),
            [(A, 2026, Stage::Overdue), (A, 2026, Stage::Escalation)]
        );
        // A missed day is caught up within the allowance, unless a later stage is due.
        assert_eq!(stages_on("2026-12-04", 1), [(A, 2026, Stage::Before(7))]);
        assert_eq!(stages_on("2026-12-08", 5), [(A, 2026, Stage::Before(3))]);
        assert_eq!(stages_on("2026-12-14", 0), []);
        // The 2027 plan is due on Mon 15 Feb 2027; the day before is a Sunday, so before-1
        // goes out on the deadline day itself.
        assert_eq!(stages_on("2027-02-15", 0), [(P, 2027, Stage::Before(1))]);
    }

    #[test]
    fn provinces_owe_only_the_consolidated_report() {
        assert!(owes(ReportKind::ConsolidatedReport, Tier::Province));
        assert!(!owes(ReportKind::AnnualReport, Tier::Province));
        assert!(owes(ReportKind::AnnualReport, Tier::Agency));
        assert!(owes(ReportKind::ImplementationPlan, Tier::Commune));
        assert!(!owes(ReportKind::ConsolidatedReport, Tier::Commune));
        assert_eq!(
            receiving_tier(&UnitId::parse("75.26041").unwrap()),
            None,
            "a commune has no children to remind"
        );
    }
}
