//! The upper bound on covered risk (docs/planning.md §5): a Lagrangian bound of the linear
//! relaxation that assigns each unit to at most one allowed team that can reach it, with per
//! team a visit capacity `K_t` (weekly caps, visits that fit in a day) and team-days `H_t`,
//! the campaign's size, and the class counts an optimal plan must reach (it is at least as
//! good as the plan in the lexicographic order). A unit visited by team `t` uses one visit
//! and at least `h(u, t)` days: its visit plus the leg that arrives there, at least the
//! travel from its nearest other unit or from `t`'s base. Every choice of multipliers gives a
//! valid bound; we start from the pooled bound (all teams together, one multiplier for visits
//! and one for days, found by golden-section search) and improve it by projected subgradient
//! steps, keeping the smallest value seen.

use super::campaign::{CampaignSize, WeeklyCapacity};
use super::geo::Grid;
use super::lagrange::{Lagrangian, Pair};
use super::plan::{Objective, Selection};
use super::problem::Problem;

/// Travel minutes from each unit to its nearest other unit (`u32::MAX` when alone).
fn nearest_unit_minutes(p: &Problem) -> Vec<u32> {
    if p.units.len() < 2 {
        return vec![u32::MAX; p.units.len()];
    }
    let grid = Grid::new(p.units.iter().map(|u| u.loc).collect(), 0.1);
    (0..p.units.len())
        .map(|i| {
            grid.nearest_other_km(i)
                .map_or(u32::MAX, |km| p.travel.minutes_km(km))
        })
        .collect()
}

/// Team `t`'s days away: per ISO week its available days, at most its cap in days.
fn team_days(p: &Problem, t: usize) -> f64 {
    p.days_per_week(t)
        .values()
        .map(|n| match p.teams[t].capacity {
            WeeklyCapacity::Visits(_) => f64::from(*n),
            WeeklyCapacity::Days(c) => f64::from(c.min(*n)),
        })
        .sum()
}

/// The relaxation's data: per unit its allowed, reachable teams with the days it uses there.
fn lagrangian(p: &Problem, objective: Objective) -> Lagrangian {
    let nearest = nearest_unit_minutes(p);
    let day = f64::from(p.day);
    let mut pairs = Vec::new();
    let mut start = vec![0];
    for (i, u) in p.units.iter().enumerate() {
        for t in 0..p.teams.len() {
            if !p.allowed(t, u) || p.solo_days(t, u) > p.max_trip_days {
                continue;
            }
            let leg = p.travel.minutes(p.teams[t].base, u.loc).min(nearest[i]);
            pairs.push(Pair {
                team: t,
                days: f64::from(u.visit + leg) / day,
            });
        }
        start.push(pairs.len());
    }
    let count = |c: Selection| p.units.iter().filter(|u| u.class == c).count() as u32;
    // An optimal plan visits at least as many random picks as this plan; if this plan visits
    // them all, an optimal plan does too and then at least as many mandatory units.
    let all_random = objective.random >= count(Selection::Random);
    let mandatory = if all_random { objective.mandatory } else { 0 };
    Lagrangian {
        risk: p.units.iter().map(|u| u.risk as f64).collect(),
        class: p.units.iter().map(|u| u.class).collect(),
        start,
        pairs,
        visits: (0..p.teams.len())
            .map(|t| p.team_visit_capacity(t) as f64)
            .collect(),
        days: (0..p.teams.len()).map(|t| team_days(p, t)).collect(),
        total_visits: match p.campaign.size {
            CampaignSize::Units(n) => Some(f64::from(n)),
            _ => None,
        },
        total_days: match p.campaign.size {
            CampaignSize::TeamDays(n) => Some(f64::from(n)),
            _ => None,
        },
        at_least: [
            (
                Selection::Random,
                objective.random,
                count(Selection::Random),
            ),
            (Selection::Mandatory, mandatory, count(Selection::Mandatory)),
        ],
    }
}

/// The bound, in risk points, on the covered risk of an optimal plan, given the objective
/// reached by a plan (`covered_milli` is its risk, a lower bound on the optimum that steers
/// the subgradient steps).
pub fn upper_bound(p: &Problem, objective: Objective) -> f64 {
    if p.units.is_empty() {
        return 0.0;
    }
    let l = lagrangian(p, objective);
    l.minimise(objective.risk_milli as f64, 200) / 1000.0
}

/// The pooled bound (one visit capacity and one pool of team-days for all teams; a class fixed
/// only when the plan visits all its units): the starting point of [`upper_bound`], kept to
/// compare with in the benchmark.
pub fn pooled_bound(p: &Problem, objective: Objective) -> f64 {
    if p.units.is_empty() {
        return 0.0;
    }
    let l = lagrangian(p, objective);
    l.pooled().0 / 1000.0
}
