//! From the solvers' trips to the [`Plan`]: dated visits, the objective and covered risk, the
//! units left out with their reason, the explanation per class (candidates, eligible, visited,
//! left out by reason), the random draw and the upper bound.

use super::bound;
use super::campaign::CampaignSize;
use super::plan::{
    ClassCount, Method, Objective, Plan, Reason, Selection, Trip, Unscheduled, Visit,
};
use super::problem::Problem;
use super::route::RTrip;

/// The plan of `rtrips` (empty trips are dropped).
pub fn assemble(p: &Problem, method: Method, rtrips: Vec<RTrip>) -> Plan {
    let mut visited = vec![false; p.units.len()];
    let mut objective = Objective::default();
    let mut covered = 0.0;
    let (mut visits_total, mut days_total) = (0u32, 0u32);
    let mut trips = Vec::new();
    for rt in rtrips.iter().filter(|t| !t.seq.is_empty()) {
        let trip = trip(p, rt);
        for &u in &rt.seq {
            visited[u] = true;
            let unit = &p.units[u];
            match unit.class {
                Selection::Mandatory => objective.mandatory += 1,
                Selection::Random => objective.random += 1,
                Selection::Risk => {}
            }
            objective.risk_milli += unit.risk;
            covered += p.candidates[unit.cand].risk.total;
        }
        visits_total += trip.visits.len() as u32;
        days_total += trip.days;
        trips.push(trip);
    }
    trips.sort_by(|a, b| (a.start, &a.team).cmp(&(b.start, &b.team)));
    let full = match p.campaign.size {
        CampaignSize::Unlimited => false,
        CampaignSize::Units(n) => visits_total >= n,
        CampaignSize::TeamDays(n) => days_total >= n,
    };
    let unscheduled = unscheduled(p, &visited, full);
    Plan {
        campaign: p.campaign.name.clone(),
        plan_date: p.campaign.plan_date,
        seed: p.campaign.seed,
        method,
        classes: classes(p, &visited, &unscheduled),
        trips,
        unscheduled,
        objective,
        covered_risk: covered,
        upper_bound: bound::upper_bound(p, objective),
        random_picks: p
            .units
            .iter()
            .filter(|u| u.class == Selection::Random)
            .map(|u| p.candidates[u.cand].unit.clone())
            .collect(),
        random_draw: p.draw,
    }
}

fn trip(p: &Problem, rt: &RTrip) -> Trip {
    let tl = p.timeline(rt.team, &rt.seq);
    let td = &p.team_days[rt.team];
    let visits = rt
        .seq
        .iter()
        .enumerate()
        .map(|(k, &u)| {
            let unit = &p.units[u];
            let cand = p.candidates[unit.cand];
            Visit {
                unit: cand.unit.clone(),
                name: cand.name.clone(),
                location: cand.location,
                date: td.days[rt.start + (tl.starts[k] / p.day) as usize],
                start_minute: tl.starts[k] % p.day,
                minutes: unit.visit,
                risk: cand.risk.total,
                selection: unit.class,
            }
        })
        .collect();
    Trip {
        team: p.teams[rt.team].id.clone(),
        start: td.days[rt.start],
        days: tl.days,
        visits,
        travel_minutes: tl.travel,
    }
}

/// The rejected candidates and the eligible units not visited, in priority order.
fn unscheduled(p: &Problem, visited: &[bool], full: bool) -> Vec<Unscheduled> {
    let left = p
        .units
        .iter()
        .zip(visited)
        .filter(|(_, v)| !**v)
        .map(|(u, _)| {
            let reason = if full {
                Reason::CampaignFull
            } else {
                Reason::NoCapacity
            };
            (u.cand, u.class, reason)
        });
    let mut out: Vec<Unscheduled> = p
        .rejected
        .iter()
        .copied()
        .chain(left)
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
    out.sort_by(|a, b| {
        (a.selection, b.risk, &a.unit)
            .partial_cmp(&(b.selection, a.risk, &b.unit))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// Per class: candidates, eligible, visited, and the left-out units counted by reason code.
fn classes(p: &Problem, visited: &[bool], unscheduled: &[Unscheduled]) -> Vec<ClassCount> {
    Selection::ALL
        .iter()
        .map(|&selection| {
            let eligible = p.units.iter().filter(|u| u.class == selection).count() as u32;
            let visited = p
                .units
                .iter()
                .zip(visited)
                .filter(|(u, v)| u.class == selection && **v)
                .count() as u32;
            let rejected = p.rejected.iter().filter(|r| r.1 == selection).count() as u32;
            let mut left_out: Vec<(Reason, u32)> = Vec::new();
            for u in unscheduled.iter().filter(|u| u.selection == selection) {
                match left_out
                    .iter_mut()
                    .find(|(r, _)| r.code() == u.reason.code())
                {
                    Some(e) => e.1 += 1,
                    None => left_out.push((u.reason, 1)),
                }
            }
            ClassCount {
                selection,
                candidates: eligible + rejected,
                eligible,
                visited,
                left_out,
            }
        })
        .collect()
}
