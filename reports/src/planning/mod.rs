//! Risk-based inspection planning (pure): the risk score of a unit from explainable factors
//! ([`risk`], [`weights`]), the campaign and its coverage rules ([`campaign`]), a scheduler of
//! visits onto inspection teams that maximises the risk covered ([`plan()`]: exact for small
//! instances, a heuristic with an upper bound for large ones), one iCalendar per team
//! ([`ics`]) and a summary for documents ([`summary`]). The problem, the algorithms and the
//! reason codes are specified in `docs/planning.md`. No I/O, no clock, no global randomness:
//! the same inputs and seed give the same plan.

mod bound;
pub mod campaign;
mod exact;
pub mod geo;
mod heuristic;
pub mod ics;
mod plan;
mod problem;
pub mod risk;
mod rng;
mod route;
pub mod summary;
pub mod weights;

pub use campaign::{
    Blackout, Campaign, CampaignSize, Candidate, Coverage, LastInspection, PlanError, Team, TeamId,
    TravelModel, WeeklyCapacity,
};
pub use exact::EXACT_MAX_UNITS;
pub use plan::{Method, Objective, Plan, Reason, Selection, Trip, Unscheduled, Visit};
pub use risk::{ComplianceGap, Designation, Factor, PastFinding, RiskModel, RiskScore, UnitRecord};
pub use rng::SplitMix64;
pub use weights::{RiskWeights, WeightsError};

use config::rules::Calendar;

use problem::Problem;
use route::RTrip;

/// How to solve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Solver {
    /// Exact when the instance is small enough (see [`EXACT_MAX_UNITS`]), else heuristic.
    #[default]
    Auto,
    /// Always the heuristic (to compare it with the exact solver).
    Heuristic,
}

/// Plans `campaign` for `teams` over `candidates` (already filtered to the campaign's scope),
/// on `calendar`'s working days.
pub fn plan(
    calendar: &Calendar,
    campaign: &Campaign,
    teams: &[Team],
    candidates: &[Candidate],
) -> Result<Plan, PlanError> {
    plan_with(calendar, campaign, teams, candidates, Solver::Auto)
}

/// [`plan()`] with a choice of solver.
pub fn plan_with(
    calendar: &Calendar,
    campaign: &Campaign,
    teams: &[Team],
    candidates: &[Candidate],
    solver: Solver,
) -> Result<Plan, PlanError> {
    let p = Problem::build(calendar, campaign, teams, candidates)?;
    let (method, trips) = if solver == Solver::Auto && exact::applicable(&p) {
        (Method::Exact, exact::solve(&p))
    } else {
        (Method::Heuristic, heuristic::solve(&p))
    };
    Ok(assemble(&p, method, trips))
}

fn assemble(p: &Problem, method: Method, rtrips: Vec<RTrip>) -> Plan {
    let mut visited = vec![false; p.units.len()];
    let mut objective = Objective::default();
    let mut covered = 0.0;
    let (mut visits_total, mut days_total) = (0u32, 0u32);
    let mut trips = Vec::new();
    for rt in rtrips.iter().filter(|t| !t.seq.is_empty()) {
        let tl = p.timeline(rt.team, &rt.seq);
        let td = &p.team_days[rt.team];
        let mut visits = Vec::new();
        for (k, &u) in rt.seq.iter().enumerate() {
            let unit = &p.units[u];
            let cand = p.candidates[unit.cand];
            visited[u] = true;
            match unit.class {
                Selection::Mandatory => objective.mandatory += 1,
                Selection::Random => objective.random += 1,
                Selection::Risk => {}
            }
            objective.risk_milli += unit.risk;
            covered += cand.risk.total;
            visits.push(Visit {
                unit: cand.unit.clone(),
                name: cand.name.clone(),
                location: cand.location,
                date: td.days[rt.start + (tl.starts[k] / p.day) as usize],
                start_minute: tl.starts[k] % p.day,
                minutes: unit.visit,
                risk: cand.risk.total,
                selection: unit.class,
            });
        }
        visits_total += rt.seq.len() as u32;
        days_total += tl.days;
        trips.push(Trip {
            team: p.teams[rt.team].id.clone(),
            start: td.days[rt.start],
            days: tl.days,
            visits,
            travel_minutes: tl.travel,
        });
    }
    trips.sort_by(|a, b| (a.start, &a.team).cmp(&(b.start, &b.team)));
    let full = match p.campaign.size {
        campaign::CampaignSize::Unlimited => false,
        campaign::CampaignSize::Units(n) => visits_total >= n,
        campaign::CampaignSize::TeamDays(n) => days_total >= n,
    };
    let mut unscheduled: Vec<Unscheduled> = p
        .rejected
        .iter()
        .map(|(i, sel, reason)| (*i, *sel, *reason))
        .chain(
            p.units
                .iter()
                .zip(&visited)
                .filter(|(_, v)| !**v)
                .map(|(u, _)| {
                    let reason = if full {
                        Reason::CampaignFull
                    } else {
                        Reason::NoCapacity
                    };
                    (u.cand, u.class, reason)
                }),
        )
        .map(|(i, selection, reason)| {
            let c = p.candidates[i];
            Unscheduled {
                unit: c.unit.clone(),
                name: c.name.clone(),
                risk: c.risk.total,
                selection,
                reason,
            }
        })
        .collect();
    unscheduled.sort_by(|a, b| {
        (a.selection, b.risk, &a.unit)
            .partial_cmp(&(b.selection, a.risk, &b.unit))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    let forced: Vec<bool> = p.units.iter().map(|u| u.class != Selection::Risk).collect();
    let all_forced = forced.iter().zip(&visited).all(|(f, v)| !*f || *v);
    let upper_bound = bound::upper_bound(p, all_forced.then_some(forced.as_slice()));
    Plan {
        campaign: p.campaign.name.clone(),
        plan_date: p.campaign.plan_date,
        seed: p.campaign.seed,
        method,
        trips,
        unscheduled,
        objective,
        covered_risk: covered,
        upper_bound,
        random_picks: p
            .units
            .iter()
            .filter(|u| u.class == Selection::Random)
            .map(|u| p.candidates[u.cand].unit.clone())
            .collect(),
    }
}
