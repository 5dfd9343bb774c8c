//! The heuristic for large instances. Units are taken in priority order (random picks,
//! mandatory units, then by risk): (1) each goes to the nearest allowed team that still has capacity
//! (its territory); (2) week by week, each team builds trips from its territory: the first
//! unit in priority order that is released and fits is the seed, and the nearest of its
//! neighbours are inserted at the cheapest position while the trip fits the week; (3) left-over
//! units are inserted into existing trips or given a trip of their own by any of their nearest
//! allowed teams; (4) a left-over unit replaces a lower-priority unit of a nearby trip when
//! the trip still fits; (5) the class order is restored by [`improve::promote`]. Deterministic:
//! every choice breaks ties by index.

use std::cmp::Reverse;

use super::improve;
use super::problem::Problem;
use super::route::{Ledger, RTrip};

/// Teams considered per unit (nearest first).
const NEAR_TEAMS: usize = 16;
/// Neighbours of a seed considered for its trip.
const NEIGHBOURS: usize = 16;
/// A trip is near a unit if one of its units is within this many travel minutes.
const NEAR_MINUTES: u32 = 180;

struct State<'p, 'a> {
    p: &'p Problem<'a>,
    ledger: Ledger,
    trips: Vec<RTrip>,
    by_team: Vec<Vec<usize>>,
    done: Vec<bool>,
    /// Priority rank of each unit (0 = first).
    rank: Vec<usize>,
    near: Vec<Vec<(usize, u32)>>,
}

/// A feasible set of trips.
pub fn solve(p: &Problem) -> Vec<RTrip> {
    let n = p.units.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|u| (p.units[*u].class, Reverse(p.units[*u].risk), *u));
    let mut rank = vec![0; n];
    for (r, u) in order.iter().enumerate() {
        rank[*u] = r;
    }
    let near: Vec<Vec<(usize, u32)>> = p
        .units
        .iter()
        .map(|u| {
            let mut ts: Vec<(u32, usize, u32)> = (0..p.teams.len())
                .filter(|t| p.allowed(*t, u))
                .map(|t| {
                    (
                        p.travel.minutes(p.teams[t].base, u.loc),
                        t,
                        p.solo_days(t, u),
                    )
                })
                .filter(|(_, _, d)| *d <= p.max_trip_days)
                .collect();
            ts.sort();
            ts.truncate(NEAR_TEAMS);
            ts.into_iter().map(|(_, t, d)| (t, d)).collect()
        })
        .collect();
    let mut s = State {
        p,
        ledger: Ledger::new(p),
        trips: Vec::new(),
        by_team: vec![Vec::new(); p.teams.len()],
        done: vec![false; n],
        rank,
        near,
    };
    let pools = s.territories(&order);
    s.construct(&pools);
    s.repair(&order);
    s.replace(&order);
    s.repair(&order);
    improve::promote(p, s.trips, &s.near, &order)
}

impl State<'_, '_> {
    fn territories(&self, order: &[usize]) -> Vec<Vec<(usize, u32)>> {
        let p = self.p;
        let cap: Vec<u64> = (0..p.teams.len())
            .map(|t| p.team_visit_capacity(t))
            .collect();
        let mut load = vec![0u64; p.teams.len()];
        let mut pools = vec![Vec::new(); p.teams.len()];
        for &u in order {
            if let Some(&(t, d)) = self.near[u].iter().find(|(t, _)| load[*t] < cap[*t]) {
                load[t] += 1;
                pools[t].push((u, d));
            }
        }
        pools
    }

    fn construct(&mut self, pools: &[Vec<(usize, u32)>]) {
        let p = self.p;
        let mut weeks: Vec<u32> = p.team_days.iter().flat_map(|td| td.week.clone()).collect();
        weeks.sort();
        weeks.dedup();
        let mut cursor = vec![0usize; p.teams.len()];
        for w in weeks {
            for t in 0..p.teams.len() {
                let td = &p.team_days[t];
                while cursor[t] < td.days.len() && td.week[cursor[t]] < w {
                    cursor[t] += 1;
                }
                let mut i = cursor[t];
                while i < td.days.len() && td.week[i] == w {
                    i += self.trip_at(t, i, &pools[t]).max(1) as usize;
                }
            }
        }
    }

    /// Builds and books the best trip of team `t` starting at day index `i`; its days.
    fn trip_at(&mut self, t: usize, i: usize, pool: &[(usize, u32)]) -> u32 {
        let p = self.p;
        let day = p.team_days[t].days[i];
        let max_days = (1..=p.team_days[t].run[i])
            .rev()
            .find(|d| self.ledger.fits(p, t, i, 1, *d))
            .unwrap_or(0);
        if max_days == 0 {
            return 0;
        }
        let max_visits = (1..=64)
            .take_while(|v| self.ledger.fits(p, t, i, *v, 1))
            .count();
        let Some(&(seed, _)) = pool
            .iter()
            .find(|(u, d)| !self.done[*u] && p.units[*u].release <= day && *d <= max_days)
        else {
            return 0;
        };
        let from = p.units[seed].loc;
        let mut cands: Vec<(u32, usize)> = pool
            .iter()
            .filter(|(u, _)| *u != seed && !self.done[*u] && p.units[*u].release <= day)
            .map(|(u, _)| (p.travel.minutes(from, p.units[*u].loc), *u))
            .collect();
        cands.sort_by_key(|(m, u)| (*m, self.rank[*u]));
        cands.truncate(NEIGHBOURS);
        let mut seq = vec![seed];
        while seq.len() < max_visits {
            let mut best: Option<((u32, u32, usize), Vec<usize>)> = None;
            for &(_, c) in &cands {
                if seq.contains(&c) {
                    continue;
                }
                if let Some((tl, s)) = self.cheapest_insert(t, &seq, c) {
                    let key = (tl.0, tl.1, self.rank[c]);
                    if tl.0 <= max_days && best.as_ref().is_none_or(|(k, _)| key < *k) {
                        best = Some((key, s));
                    }
                }
            }
            match best {
                Some((_, s))
                    if self
                        .ledger
                        .fits(p, t, i, s.len() as u32, p.trip_days(t, &s)) =>
                {
                    seq = s
                }
                _ => break,
            }
        }
        let days = p.trip_days(t, &seq);
        self.book(t, i, seq, days);
        days
    }

    /// The cheapest way to add `c` to `seq`: ((days, end minute), new sequence).
    fn cheapest_insert(
        &self,
        t: usize,
        seq: &[usize],
        c: usize,
    ) -> Option<((u32, u32), Vec<usize>)> {
        (0..=seq.len())
            .map(|pos| {
                let mut s = seq.to_vec();
                s.insert(pos, c);
                let tl = self.p.timeline(t, &s);
                ((tl.days, tl.end), s)
            })
            .min_by_key(|(k, _)| *k)
    }

    fn book(&mut self, t: usize, i: usize, seq: Vec<usize>, days: u32) {
        self.ledger.book(self.p, t, i, seq.len() as u32, days);
        for u in &seq {
            self.done[*u] = true;
        }
        self.by_team[t].push(self.trips.len());
        self.trips.push(RTrip {
            team: t,
            start: i,
            seq,
        });
    }

    /// Left-over units: into an existing trip (same days) or a trip of their own.
    fn repair(&mut self, order: &[usize]) {
        let p = self.p;
        for &u in order {
            if self.done[u] {
                continue;
            }
            if self.ledger.campaign_full(p) {
                return;
            }
            let unit = &p.units[u];
            for &(t, solo) in &self.near[u].clone() {
                let mut best: Option<(u32, usize, Vec<usize>)> = None;
                for &k in &self.by_team[t] {
                    let trip = &self.trips[k];
                    let td = &p.team_days[t];
                    if td.days[trip.start] < unit.release
                        || !self.ledger.week_allows(p, t, td.week[trip.start], 1, 0)
                        || !self.ledger.fits_size(p, 1, 0)
                        || !self.is_near(u, &trip.seq)
                    {
                        continue;
                    }
                    let days = p.trip_days(t, &trip.seq);
                    if let Some(((d, end), s)) = self.cheapest_insert(t, &trip.seq, u) {
                        if d <= days && best.as_ref().is_none_or(|b| end < b.0) {
                            best = Some((end, k, s));
                        }
                    }
                }
                if let Some((_, k, s)) = best {
                    let start = self.trips[k].start;
                    self.ledger.adjust_visits(p, t, start, 1);
                    self.trips[k].seq = s;
                    self.done[u] = true;
                    break;
                }
                let td = &p.team_days[t];
                let from = td.days.partition_point(|d| *d < unit.release);
                if let Some(i) = (from..td.days.len()).find(|i| self.ledger.fits(p, t, *i, 1, solo))
                {
                    self.book(t, i, vec![u], solo);
                    break;
                }
            }
        }
    }

    fn is_near(&self, u: usize, seq: &[usize]) -> bool {
        let loc = self.p.units[u].loc;
        seq.iter()
            .any(|v| self.p.travel.minutes(loc, self.p.units[*v].loc) <= NEAR_MINUTES)
    }

    /// A left-over unit takes the place of a lower-priority unit in a nearby trip.
    fn replace(&mut self, order: &[usize]) {
        let p = self.p;
        for &u in order {
            if self.done[u] {
                continue;
            }
            let unit = &p.units[u];
            let mut best: Option<(usize, usize, Vec<usize>)> = None;
            for &(t, _) in &self.near[u] {
                for &k in &self.by_team[t] {
                    let trip = &self.trips[k];
                    if p.team_days[t].days[trip.start] < unit.release || !self.is_near(u, &trip.seq)
                    {
                        continue;
                    }
                    let days = p.trip_days(t, &trip.seq);
                    for (pos, &v) in trip.seq.iter().enumerate() {
                        let worse = p.units[v].class > unit.class
                            || (p.units[v].class == unit.class && p.units[v].risk < unit.risk);
                        if !worse
                            || best
                                .as_ref()
                                .is_some_and(|b| self.rank[v] <= self.rank[b.1])
                        {
                            continue;
                        }
                        let mut rest = trip.seq.clone();
                        rest.remove(pos);
                        if let Some(((d, _), s)) = self.cheapest_insert(t, &rest, u) {
                            if d <= days {
                                best = Some((k, v, s));
                            }
                        }
                    }
                }
            }
            if let Some((k, v, s)) = best {
                self.trips[k].seq = s;
                self.done[u] = true;
                self.done[v] = false;
            }
        }
    }
}
