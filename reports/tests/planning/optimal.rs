//! On small instances the planner's covered objective equals the optimum found by brute force.
//! The brute force shares no code with the planner's solvers: it restates the rules from the
//! calendar, tries the subsets of units from the best objective down, and for each asks
//! whether some set of trips visits exactly that subset (a trip's length by trying every
//! visiting order; trips placed day by day, with a memo of the dead ends).

use std::collections::{HashMap, HashSet};

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use reports::planning::{
    plan, plan_with, CampaignSize, Candidate, Method, Objective, Solver, WeeklyCapacity,
};

use super::gen::{self, Instance};

struct Brute<'a> {
    inst: &'a Instance,
    cands: Vec<&'a Candidate>,
    /// (team, day) in team order, days ascending.
    slots: Vec<(usize, NaiveDate)>,
    days: HashMap<(usize, u32), Option<u32>>,
    dead: HashSet<(usize, u32, u32, u32)>,
}

impl<'a> Brute<'a> {
    fn new(inst: &'a Instance) -> Self {
        let c = &inst.campaign;
        let cands: Vec<_> = inst
            .candidates
            .iter()
            .filter(|x| !c.exclusions.contains(&x.unit))
            .collect();
        let mut slots = Vec::new();
        for t in 0..inst.teams.len() {
            let mut d = c.start;
            while d <= c.end {
                if gen::available(c, d) {
                    slots.push((t, d));
                }
                d += Duration::days(1);
            }
        }
        Self {
            inst,
            cands,
            slots,
            days: HashMap::new(),
            dead: HashSet::new(),
        }
    }

    /// Fewest days of a trip of team `t` over the units of `mask`, trying every order.
    fn min_days(&mut self, t: usize, mask: u32) -> Option<u32> {
        if let Some(v) = self.days.get(&(t, mask)) {
            return *v;
        }
        let members: Vec<&Candidate> = (0..self.cands.len())
            .filter(|i| mask >> i & 1 == 1)
            .map(|i| self.cands[i])
            .collect();
        let max = self.inst.campaign.travel.max_trip_days;
        let mut best = None;
        permute(&mut members.clone(), 0, &mut |order| {
            let (d, _) = gen::trip_days(&self.inst.campaign, self.inst.teams[t].base, order);
            if d <= max && best.is_none_or(|b| d < b) {
                best = Some(d);
            }
        });
        self.days.insert((t, mask), best);
        best
    }

    /// Whether trips from slot `k` on can visit exactly the units of `left`.
    fn feasible(&mut self, k: usize, left: u32, week_load: u32, used: u32, total: u32) -> bool {
        if left == 0 {
            return true;
        }
        if k >= self.slots.len() || self.dead.contains(&(k, left, week_load, used)) {
            return false;
        }
        let c = &self.inst.campaign;
        let (t, day) = self.slots[k];
        let team = &self.inst.teams[t];
        let next = |s: &Self, j: usize, load: u32| {
            let same = j < s.slots.len()
                && s.slots[j].0 == t
                && gen::week_of(s.slots[j].1) == gen::week_of(day);
            if same {
                load
            } else {
                0
            }
        };
        if self.feasible(k + 1, left, next(self, k + 1, week_load), used, total) {
            return true;
        }
        let mut g = left;
        while g > 0 {
            let ok_units = (0..self.cands.len()).filter(|i| g >> i & 1 == 1).all(|i| {
                let x = self.cands[i];
                gen::release(c, x) <= day
                    && x.last_inspection.as_ref().and_then(|l| l.team.as_ref()) != Some(&team.id)
            });
            if ok_units {
                if let Some(len) = self.min_days(t, g) {
                    let run_ok = (0..len).all(|i| {
                        let d = day + Duration::days(i.into());
                        gen::available(c, d) && gen::week_of(d) == gen::week_of(day)
                    });
                    let n = g.count_ones();
                    let load = match team.capacity {
                        WeeklyCapacity::Visits(_) => n,
                        WeeklyCapacity::Days(_) => len,
                    };
                    let cap = match team.capacity {
                        WeeklyCapacity::Visits(x) | WeeklyCapacity::Days(x) => x,
                    };
                    let visited = total - left.count_ones() + n;
                    let size_ok = match c.size {
                        CampaignSize::Units(m) => visited <= m,
                        CampaignSize::TeamDays(m) => used + len <= m,
                        CampaignSize::Unlimited => true,
                    };
                    let j = k + len as usize;
                    if run_ok
                        && week_load + load <= cap
                        && size_ok
                        && self.feasible(
                            j,
                            left & !g,
                            next(self, j, week_load + load),
                            used + len,
                            total,
                        )
                    {
                        return true;
                    }
                }
            }
            g = (g - 1) & left;
        }
        self.dead.insert((k, left, week_load, used));
        false
    }

    fn optimum(&mut self, random: &[schema::UnitId]) -> Objective {
        let c = &self.inst.campaign;
        let n = self.cands.len();
        let value = |mask: u32, cands: &[&Candidate]| {
            let mut o = Objective::default();
            for (_, x) in cands.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1) {
                if gen::mandatory(c, x) {
                    o.mandatory += 1;
                } else if random.contains(&x.unit) {
                    o.random += 1;
                }
                o.risk_milli += gen::risk_milli(x);
            }
            o
        };
        let mut subsets: Vec<(Objective, u32)> =
            (0..1u32 << n).map(|m| (value(m, &self.cands), m)).collect();
        subsets.sort_by(|a, b| b.cmp(a));
        for (o, m) in subsets {
            self.dead.clear();
            if self.feasible(0, m, 0, 0, m.count_ones()) {
                return o;
            }
        }
        unreachable!("the empty plan is feasible")
    }
}

fn permute<'a>(v: &mut Vec<&'a Candidate>, k: usize, f: &mut dyn FnMut(&[&'a Candidate])) {
    if k == v.len() {
        f(v);
        return;
    }
    for i in k..v.len() {
        v.swap(k, i);
        permute(v, k + 1, f);
        v.swap(k, i);
    }
}

fn compare(seed: u64, units: usize, teams: usize, weeks: u32) -> Result<(), TestCaseError> {
    let inst = gen::instance(seed, units, teams, weeks);
    let p = plan(
        gen::calendar(),
        &inst.campaign,
        &inst.teams,
        &inst.candidates,
    )
    .unwrap();
    prop_assert_eq!(p.method, Method::Exact);
    let best = Brute::new(&inst).optimum(&p.random_picks);
    prop_assert_eq!(p.objective, best);
    let h = plan_with(
        gen::calendar(),
        &inst.campaign,
        &inst.teams,
        &inst.candidates,
        Solver::Heuristic,
    )
    .unwrap();
    prop_assert!(h.objective <= best);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn exact_plans_match_brute_force(seed in any::<u64>()) {
        compare(seed, 7, 2, 2)?;
    }

    #[test]
    fn exact_plans_match_brute_force_one_team_three_weeks(seed in any::<u64>()) {
        compare(seed, 8, 1, 3)?;
    }
}

#[test]
fn nine_units_two_teams_match_brute_force() {
    for seed in 0..6 {
        compare(seed * 7919 + 3, 9, 2, 2).unwrap();
    }
}
