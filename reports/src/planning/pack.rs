//! Whether a team can visit a given set of units within one ISO week, and with which trips:
//! Held–Karp over the set gives each subset's fewest trip days (visit timelines are monotone
//! in the start time), then a search over the week's days splits the set into trips on
//! disjoint runs of days, each starting after the release of its units, within the team's
//! weekly cap in days. Used to check a solution of the weekly assignment relaxation
//! ([`super::optimum`]).

use std::collections::HashSet;

use super::campaign::WeeklyCapacity;
use super::geo::{days_for, visit_step};
use super::problem::Problem;
use super::route::RTrip;

/// Sets larger than this are not checked (the answer is [`Packing::TooLarge`]).
pub const MAX_SET: usize = 12;

/// The answer for one (team, week, set of units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packing {
    /// These trips visit the whole set.
    Fits(Vec<RTrip>),
    /// No trips of the team in that week visit the whole set.
    No,
    /// Not checked: more than [`MAX_SET`] units.
    TooLarge,
}

/// Held–Karp over `set` for team `t`: per subset (bit i = `set[i]`), the fewest days of a trip
/// over it (`u32::MAX` when longer than the longest trip) and the order achieving it.
fn trips_over(p: &Problem, t: usize, set: &[usize]) -> (Vec<u32>, Vec<Vec<usize>>) {
    let n = set.len();
    let full = 1usize << n;
    let base = p.teams[t].base;
    let loc = |i: usize| p.units[set[i]].loc;
    let mut f = vec![u32::MAX; full * n];
    let mut parent = vec![usize::MAX; full * n];
    for s in 1..full {
        for j in (0..n).filter(|j| s >> j & 1 == 1) {
            let prev = s & !(1 << j);
            let v = p.units[set[j]].visit;
            if prev == 0 {
                f[s * n + j] = visit_step(0, p.travel.minutes(base, loc(j)), v, p.day).1;
                continue;
            }
            for i in (0..n).filter(|i| prev >> i & 1 == 1) {
                let fi = f[prev * n + i];
                if fi == u32::MAX {
                    continue;
                }
                let e = visit_step(fi, p.travel.minutes(loc(i), loc(j)), v, p.day).1;
                if e < f[s * n + j] {
                    f[s * n + j] = e;
                    parent[s * n + j] = i;
                }
            }
        }
    }
    let mut days = vec![u32::MAX; full];
    let mut order = vec![Vec::new(); full];
    for s in 1..full {
        let best = (0..n)
            .filter(|j| s >> j & 1 == 1 && f[s * n + j] != u32::MAX)
            .map(|j| (f[s * n + j] + p.travel.minutes(loc(j), base), j))
            .min();
        let Some((end, mut j)) = best else { continue };
        let d = days_for(end, p.day);
        if d > p.max_trip_days {
            continue;
        }
        days[s] = d;
        let (mut rest, mut seq) = (s, Vec::new());
        while rest != 0 {
            seq.push(set[j]);
            let pj = parent[rest * n + j];
            rest &= !(1 << j);
            j = pj;
        }
        seq.reverse();
        order[s] = seq;
    }
    (days, order)
}

struct Search<'p, 'a> {
    p: &'p Problem<'a>,
    t: usize,
    /// Day indices of the week (into `TeamDays::days`), end exclusive.
    hi: usize,
    days: Vec<u32>,
    order: Vec<Vec<usize>>,
    /// Latest release of each subset's units, as a day index bound: the first usable index.
    first: Vec<usize>,
    cap_days: u32,
    failed: HashSet<(usize, usize, u32)>,
}

impl Search<'_, '_> {
    /// Trips from day index `i` on visiting every unit of `rest`, with `used` days of the
    /// week's cap already taken.
    fn from(&mut self, i: usize, rest: usize, used: u32) -> Option<Vec<RTrip>> {
        if rest == 0 {
            return Some(Vec::new());
        }
        if i >= self.hi || self.failed.contains(&(i, rest, used)) {
            return None;
        }
        let run = self.p.team_days[self.t].run[i];
        let mut sub = rest;
        while sub > 0 {
            let len = self.days[sub];
            if len <= run && self.first[sub] <= i && used + len <= self.cap_days {
                if let Some(mut more) = self.from(i + len as usize, rest & !sub, used + len) {
                    more.insert(
                        0,
                        RTrip {
                            team: self.t,
                            start: i,
                            seq: self.order[sub].clone(),
                        },
                    );
                    return Some(more);
                }
            }
            sub = (sub - 1) & rest;
        }
        let skip = self.from(i + 1, rest, used);
        if skip.is_none() {
            self.failed.insert((i, rest, used));
        }
        skip
    }
}

/// Whether team `t` can visit every unit of `set` with trips starting in the week whose day
/// indices are `lo..hi`, and with which trips. The caller checks the weekly cap in visits.
pub fn pack(p: &Problem, t: usize, (lo, hi): (usize, usize), set: &[usize]) -> Packing {
    if set.len() > MAX_SET {
        return Packing::TooLarge;
    }
    if set.is_empty() {
        return Packing::Fits(Vec::new());
    }
    let td = &p.team_days[t];
    let (days, order) = trips_over(p, t, set);
    let full = 1usize << set.len();
    let first = (0..full)
        .map(|s| {
            let release = (0..set.len())
                .filter(|i| s >> i & 1 == 1)
                .map(|i| p.units[set[i]].release)
                .max();
            release.map_or(lo, |r| lo.max(td.days.partition_point(|d| *d < r)))
        })
        .collect();
    let cap_days = match p.teams[t].capacity {
        WeeklyCapacity::Days(c) => c,
        WeeklyCapacity::Visits(_) => u32::MAX,
    };
    let mut search = Search {
        p,
        t,
        hi,
        days,
        order,
        first,
        cap_days,
        failed: HashSet::new(),
    };
    match search.from(lo, full - 1, 0) {
        Some(trips) => Packing::Fits(trips),
        None => Packing::No,
    }
}
