//! The exact solver for small instances: Held–Karp gives, per team and subset of units, the
//! fewest days a trip visiting that subset needs (visit timelines are monotone in the start
//! time, so the earliest finish per (subset, last unit) composes); then a memoised dynamic
//! programme over (team, day, units done, load of the week, team-days used) chooses, day by
//! day, whether the team starts a trip there and with which subset. Optimal for the problem
//! stated in docs/planning.md.

use std::collections::HashMap;

use super::campaign::{CampaignSize, WeeklyCapacity};
use super::geo::{days_for, visit_step};
use super::plan::{Objective, Selection};
use super::problem::Problem;
use super::route::RTrip;

/// The exact solver handles at most this many visitable units.
pub const EXACT_MAX_UNITS: usize = 10;
/// … and at most this many DP states (an over-estimate).
const STATE_BUDGET: u64 = 3_000_000;
/// … and at most this many team-days (the recursion goes one team-day deep per level).
const MAX_SLOTS: u64 = 1_500;

/// Whether the instance is small enough for [`solve`].
pub fn applicable(p: &Problem) -> bool {
    let n = p.units.len();
    if n > EXACT_MAX_UNITS || p.teams.len() > 8 {
        return false;
    }
    let slots: u64 = p.team_days.iter().map(|td| td.days.len() as u64).sum();
    if slots > MAX_SLOTS {
        return false;
    }
    let week = p
        .teams
        .iter()
        .map(|t| match t.capacity {
            WeeklyCapacity::Visits(c) | WeeklyCapacity::Days(c) => u64::from(c.min(64)) + 1,
        })
        .max()
        .unwrap_or(1);
    let size = match p.campaign.size {
        CampaignSize::TeamDays(n) => u64::from(n.min(1000)) + 1,
        _ => 1,
    };
    slots
        .saturating_mul(1 << n)
        .saturating_mul(week)
        .saturating_mul(size)
        <= STATE_BUDGET
}

struct Dp<'p, 'a> {
    p: &'p Problem<'a>,
    /// Per team and subset: fewest days of a trip over it (0: not allowed or too long).
    days: Vec<Vec<u8>>,
    /// Per team and day index: units that may be visited by a trip starting there.
    avail: Vec<Vec<u32>>,
    gain: Vec<Objective>,
    memo: HashMap<u64, (Objective, u32)>,
}

fn add(a: Objective, b: Objective) -> Objective {
    Objective {
        mandatory: a.mandatory + b.mandatory,
        random: a.random + b.random,
        risk_milli: a.risk_milli + b.risk_milli,
    }
}

/// Held–Karp over team `t`'s allowed units: `(best end per subset, order of the best)`.
fn held_karp(p: &Problem, t: usize, n: usize) -> (Vec<u32>, Vec<Vec<usize>>) {
    let full = 1usize << n;
    let base = p.teams[t].base;
    let d = |i: usize, j: usize| p.travel.minutes(p.units[i].loc, p.units[j].loc);
    let from_base = |j: usize| p.travel.minutes(base, p.units[j].loc);
    let mut f = vec![u32::MAX; full * n];
    let mut parent = vec![usize::MAX; full * n];
    let allowed: usize = (0..n)
        .filter(|u| p.allowed(t, &p.units[*u]))
        .fold(0, |m, u| m | 1 << u);
    for s in 1..full {
        if s & !allowed != 0 {
            continue;
        }
        for j in (0..n).filter(|j| s >> j & 1 == 1) {
            let prev = s & !(1 << j);
            let v = p.units[j].visit;
            if prev == 0 {
                f[s * n + j] = visit_step(0, from_base(j), v, p.day).1;
                continue;
            }
            for i in (0..n).filter(|i| prev >> i & 1 == 1) {
                let fi = f[prev * n + i];
                if fi == u32::MAX {
                    continue;
                }
                let e = visit_step(fi, d(i, j), v, p.day).1;
                if e < f[s * n + j] {
                    f[s * n + j] = e;
                    parent[s * n + j] = i;
                }
            }
        }
    }
    let mut end = vec![u32::MAX; full];
    let mut order = vec![Vec::new(); full];
    for s in 1..full {
        let best = (0..n)
            .filter(|j| s >> j & 1 == 1 && f[s * n + j] != u32::MAX)
            .map(|j| (f[s * n + j] + from_base(j), j))
            .min();
        if let Some((e, mut j)) = best {
            end[s] = e;
            let (mut set, mut seq) = (s, Vec::new());
            loop {
                seq.push(j);
                let pj = parent[set * n + j];
                set &= !(1 << j);
                if set == 0 {
                    break;
                }
                j = pj;
            }
            seq.reverse();
            order[s] = seq;
        }
    }
    (end, order)
}

/// An optimal set of trips.
pub fn solve(p: &Problem) -> Vec<RTrip> {
    let n = p.units.len();
    let full = 1usize << n;
    let mut days = Vec::new();
    let mut orders = Vec::new();
    for t in 0..p.teams.len() {
        let (end, order) = held_karp(p, t, n);
        days.push(
            end.iter()
                .map(|e| match *e {
                    u32::MAX => 0,
                    e => {
                        let d = days_for(e, p.day);
                        if d <= p.max_trip_days {
                            d as u8
                        } else {
                            0
                        }
                    }
                })
                .collect::<Vec<u8>>(),
        );
        orders.push(order);
    }
    let avail = (0..p.teams.len())
        .map(|t| {
            let td = &p.team_days[t];
            (0..td.days.len())
                .map(|i| {
                    (0..n)
                        .filter(|u| {
                            let d = days[t][1 << u];
                            p.units[*u].release <= td.days[i] && d > 0 && u32::from(d) <= td.run[i]
                        })
                        .fold(0u32, |m, u| m | 1 << u)
                })
                .collect()
        })
        .collect();
    let gain = (0..full)
        .map(|s| {
            let mut o = Objective::default();
            for u in (0..n).filter(|u| s >> u & 1 == 1) {
                let unit = &p.units[u];
                match unit.class {
                    Selection::Mandatory => o.mandatory += 1,
                    Selection::Random => o.random += 1,
                    Selection::Risk => {}
                }
                o.risk_milli += unit.risk;
            }
            o
        })
        .collect();
    let mut dp = Dp {
        p,
        days,
        avail,
        gain,
        memo: HashMap::new(),
    };
    dp.best(0, 0, 0, 0, 0);
    // Follow the choices.
    let (mut t, mut i, mut mask, mut wk, mut used) = (0usize, 0usize, 0u32, 0u32, 0u32);
    let mut trips = Vec::new();
    while t < p.teams.len() {
        if i >= p.team_days[t].days.len() {
            (t, i, wk) = (t + 1, 0, 0);
            continue;
        }
        let (_, s) = dp.memo[&Dp::key(t, i, mask, wk, used)];
        let (len, load) = if s == 0 {
            (1, 0)
        } else {
            let len = u32::from(dp.days[t][s as usize]);
            trips.push(RTrip {
                team: t,
                start: i,
                seq: orders[t][s as usize].clone(),
            });
            (len, dp.load(t, s, len))
        };
        mask |= s;
        used = dp.bump(used, if s == 0 { 0 } else { len });
        (i, wk) = dp.advance(t, i, len as usize, wk + load);
    }
    trips
}

impl Dp<'_, '_> {
    fn key(t: usize, i: usize, mask: u32, wk: u32, used: u32) -> u64 {
        (t as u64) << 56
            | (i as u64) << 40
            | u64::from(mask) << 24
            | u64::from(wk) << 16
            | u64::from(used)
    }

    /// Team-days used so far: tracked only when the campaign's size is in team-days.
    fn bump(&self, used: u32, len: u32) -> u32 {
        match self.p.campaign.size {
            CampaignSize::TeamDays(_) => used + len,
            _ => 0,
        }
    }

    fn load(&self, t: usize, s: u32, len: u32) -> u32 {
        match self.p.teams[t].capacity {
            WeeklyCapacity::Visits(_) => s.count_ones(),
            WeeklyCapacity::Days(_) => len,
        }
    }

    /// Next day index after `len` days, and the week's load there.
    fn advance(&self, t: usize, i: usize, len: usize, wk: u32) -> (usize, u32) {
        let td = &self.p.team_days[t];
        let j = i + len;
        if j < td.days.len() && td.week[j] == td.week[i] {
            (j, wk)
        } else {
            (j, 0)
        }
    }

    fn best(&mut self, t: usize, i: usize, mask: u32, wk: u32, used: u32) -> Objective {
        let p = self.p;
        if t >= p.teams.len() {
            return Objective::default();
        }
        if i >= p.team_days[t].days.len() {
            return self.best(t + 1, 0, mask, 0, used);
        }
        let key = Self::key(t, i, mask, wk, used);
        if let Some((v, _)) = self.memo.get(&key) {
            return *v;
        }
        // Trips are tried before skipping the day, and only a strictly better choice wins:
        // among optimal plans, visits come as early as possible.
        let mut best: Option<(Objective, u32)> = None;
        let cap = match p.teams[t].capacity {
            WeeklyCapacity::Visits(c) | WeeklyCapacity::Days(c) => c,
        };
        let free = self.avail[t][i] & !mask;
        let run = p.team_days[t].run[i];
        let mut s = free;
        while s > 0 {
            let len = u32::from(self.days[t][s as usize]);
            let load = self.load(t, s, len);
            let size_ok = match p.campaign.size {
                CampaignSize::Unlimited => true,
                CampaignSize::Units(n) => (mask | s).count_ones() <= n,
                CampaignSize::TeamDays(n) => used + len <= n,
            };
            if len > 0 && len <= run && wk + load <= cap && size_ok {
                let (ni, nwk) = self.advance(t, i, len as usize, wk + load);
                let rest = self.best(t, ni, mask | s, nwk, self.bump(used, len));
                let v = add(rest, self.gain[s as usize]);
                if best.is_none_or(|b| v > b.0) {
                    best = Some((v, s));
                }
            }
            s = (s - 1) & free;
        }
        let (ni, nwk) = self.advance(t, i, 1, wk);
        let skip = self.best(t, ni, mask, nwk, used);
        let best = match best {
            Some(b) if b.0 >= skip => b,
            _ => (skip, 0),
        };
        self.memo.insert(key, best);
        best.0
    }
}
