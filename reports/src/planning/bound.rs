//! The upper bound on covered risk: the linear relaxation of a two-resource knapsack. Every
//! visited unit uses one visit of the capacity `K` (weekly caps, visits that fit in a day,
//! campaign size) and at least `h_u` minutes of team time (its visit, plus the travel to its
//! nearest other point, unit or base: each leg of a route is at least that, and a route has
//! at least as many legs as visits) out of the teams' total `H` minutes; its fraction is in
//! [0, 1]. Solved by Lagrangian relaxation of the count: any multiplier gives a valid bound,
//! and a golden-section search finds the best one.

use super::campaign::{CampaignSize, WeeklyCapacity};
use super::geo::Grid;
use super::problem::Problem;

/// Minutes of team time per unit: its visit plus the travel to its nearest other point.
fn unit_minutes(p: &Problem) -> Vec<f64> {
    let mut points: Vec<_> = p.units.iter().map(|u| u.loc).collect();
    points.extend(p.teams.iter().map(|t| t.base));
    let grid = Grid::new(points, 0.1);
    p.units
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let near = grid
                .nearest_other_km(i)
                .map_or(0, |km| p.travel.minutes_km(km));
            f64::from(u.visit + near)
        })
        .collect()
}

/// Total team minutes available: per team and ISO week, its available days (at most its
/// weekly cap when the cap is in days), capped by the campaign size in team-days.
fn team_minutes(p: &Problem) -> f64 {
    let mut days = 0u64;
    for (t, team) in p.teams.iter().enumerate() {
        for n in p.days_per_week(t).values() {
            days += u64::from(match team.capacity {
                WeeklyCapacity::Visits(_) => *n,
                WeeklyCapacity::Days(c) => c.min(*n),
            });
        }
    }
    if let CampaignSize::TeamDays(n) = p.campaign.size {
        days = days.min(n.into());
    }
    days as f64 * f64::from(p.day)
}

/// max Σ (r - λ)x s.t. Σ h x <= cap, 0 <= x <= 1 (fractional knapsack).
fn knapsack(items: &[(f64, f64)], lambda: f64, cap: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = items
        .iter()
        .filter(|(r, _)| *r > lambda)
        .map(|(r, h)| (r - lambda, *h))
        .collect();
    v.sort_by(|a, b| (b.0 / b.1).total_cmp(&(a.0 / a.1)));
    let (mut left, mut total) = (cap, 0.0);
    for (gain, h) in v {
        if left <= 0.0 {
            break;
        }
        let x = (left / h).min(1.0);
        total += gain * x;
        left -= h * x;
    }
    total
}

/// The bound, in risk points. With `fixed`, the bound holds for plans that visit every unit
/// marked there (their risk counts in full).
pub fn upper_bound(p: &Problem, fixed: Option<&[bool]>) -> f64 {
    let h = unit_minutes(p);
    let mut count = p.visit_capacity() as f64;
    let mut minutes = team_minutes(p);
    let mut base = 0.0;
    let mut items = Vec::new();
    for (i, u) in p.units.iter().enumerate() {
        let r = u.risk as f64;
        if fixed.is_some_and(|f| f[i]) {
            base += r;
            count -= 1.0;
            minutes -= h[i];
        } else {
            items.push((r, h[i]));
        }
    }
    if count < 0.0 || minutes < 0.0 {
        return upper_bound(p, None);
    }
    let dual = |lambda: f64| lambda * count + knapsack(&items, lambda, minutes);
    let (mut lo, mut hi) = (0.0f64, items.iter().map(|i| i.0).fold(0.0, f64::max));
    let mut best = dual(lo).min(dual(hi));
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..60 {
        let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
        let (fa, fb) = (dual(a), dual(b));
        best = best.min(fa).min(fb);
        if fa <= fb {
            hi = b;
        } else {
            lo = a;
        }
    }
    (base + best) / 1000.0
}
