//! Risk-based inspection planning (pure): the risk score of a unit from explainable factors
//! ([`risk`], [`weights`]), the campaign and its coverage rules ([`campaign`]), a scheduler of
//! visits onto inspection teams that maximises the risk covered ([`plan()`]: exact for small
//! instances, a heuristic with an upper bound for large ones; [`optimum()`] to check a plan
//! against the optimum on a few hundred units), one iCalendar per team
//! ([`ics`]) and a summary for documents ([`summary`]). The problem, the algorithms and the
//! reason codes are specified in `docs/planning.md`. No I/O, no clock, no global randomness:
//! the same inputs and seed give the same plan.

mod assemble;
mod bound;
pub mod campaign;
mod exact;
mod flow;
pub mod geo;
mod heuristic;
pub mod ics;
mod improve;
mod lagrange;
mod optimum;
mod pack;
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
pub use optimum::Optimum;
pub use plan::{
    ClassCount, Method, Objective, Plan, RandomDraw, Reason, Selection, Trip, Unscheduled, Visit,
};
pub use risk::{ComplianceGap, Designation, Factor, PastFinding, RiskModel, RiskScore, UnitRecord};
pub use rng::SplitMix64;
pub use weights::{RiskWeights, WeightsError};

use config::rules::Calendar;

use problem::Problem;

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
    Ok(assemble::assemble(&p, method, trips))
}

/// The pooled upper bound for a plan of these inputs reaching `objective` (all teams' visits
/// and days pooled; classes fixed only when all their units are visited): the method before
/// the per-team bound, kept as a baseline for benchmarks.
#[doc(hidden)]
pub fn pooled_bound(
    calendar: &Calendar,
    campaign: &Campaign,
    teams: &[Team],
    candidates: &[Candidate],
    objective: Objective,
) -> Result<f64, PlanError> {
    let p = Problem::build(calendar, campaign, teams, candidates)?;
    Ok(bound::pooled_bound(&p, objective))
}

/// The optimum of these inputs, or an upper bound on it, by the branch and bound over the
/// weekly assignment relaxation (docs/planning.md §5): at most `max_nodes` relaxations, each
/// a maximum-weight flow over (unit, team, week) pairs — meant for a few hundred units.
/// `incumbent` (e.g. the objective of [`plan()`]'s plan) prunes the search and is proven
/// optimal when nothing can beat it.
pub fn optimum(
    calendar: &Calendar,
    campaign: &Campaign,
    teams: &[Team],
    candidates: &[Candidate],
    incumbent: Option<Objective>,
    max_nodes: usize,
) -> Result<Optimum, PlanError> {
    let p = Problem::build(calendar, campaign, teams, candidates)?;
    Ok(optimum::search(&p, incumbent, max_nodes))
}
