//! The heuristic's last pass, which keeps the class order of docs/planning.md §3: a left-out
//! random pick or mandatory unit is (a) inserted into a trip of one of its nearest allowed
//! teams (at the position that adds the fewest days, if the days after the trip are free and
//! the week's cap and the campaign's size allow), or (b) given a trip of its own on the first
//! free run of days that fits; failing both, (c) a visit of a strictly lower class is taken
//! out of its trip (lowest priority first) and (a)–(b) are tried again, or (d) the unit takes
//! the place of a visit `w` of its nearest teams' trips and `w` moves by (a)–(b) — the
//! removals are undone if all fail. Each success visits a unit of a higher class than any it drops,
//! so the pass ends; it runs until no move applies. A lower-class visit of another team makes
//! room through (d) only, unless the campaign's size binds.

use super::campaign::{CampaignSize, WeeklyCapacity};
use super::plan::Selection;
use super::problem::Problem;
use super::route::{Ledger, RTrip};

/// At most this many two-step moves (u in place of w, w elsewhere) per pass, so the pass
/// stays fast on national instances; the count is deterministic.
const CHAIN_BUDGET: u32 = 50_000;

struct Book<'p, 'a> {
    p: &'p Problem<'a>,
    trips: Vec<RTrip>,
    /// Days of each trip (0 for an emptied one).
    days: Vec<u32>,
    by_team: Vec<Vec<usize>>,
    ledger: Ledger,
    /// Trip of each visited unit.
    at: Vec<Option<usize>>,
}

/// Applies the pass to `trips`; `near` gives each unit's nearest allowed teams with the days
/// of a trip to it alone, `order` the units in priority order.
pub fn promote(
    p: &Problem,
    trips: Vec<RTrip>,
    near: &[Vec<(usize, u32)>],
    order: &[usize],
) -> Vec<RTrip> {
    let mut b = Book::new(p, trips);
    let rank = {
        let mut r = vec![0; order.len()];
        for (k, u) in order.iter().enumerate() {
            r[*u] = k;
        }
        r
    };
    let sized = p.campaign.size != CampaignSize::Unlimited;
    let mut budget = CHAIN_BUDGET;
    loop {
        let mut changed = false;
        for &u in order {
            let class = p.units[u].class;
            if b.at[u].is_some() || class == Selection::Risk {
                continue;
            }
            if b.insert(u, &near[u]) {
                changed = true;
                continue;
            }
            if b.make_room(u, &near[u], near, &rank, sized, &mut budget) {
                changed = true;
            }
        }
        if !changed {
            return b.trips;
        }
    }
}

impl<'p, 'a> Book<'p, 'a> {
    /// Takes out a visit of a lower class than `u` (lowest priority first, any team) and puts
    /// `u` in: directly, or in place of a visit `w` of its nearest teams that moves elsewhere.
    fn make_room(
        &mut self,
        u: usize,
        teams: &[(usize, u32)],
        near: &[Vec<(usize, u32)>],
        rank: &[usize],
        sized: bool,
        budget: &mut u32,
    ) -> bool {
        let p = self.p;
        let class = p.units[u].class;
        let mut lower: Vec<usize> = (0..p.units.len())
            .filter(|v| self.at[*v].is_some() && p.units[*v].class > class)
            .collect();
        lower.sort_by_key(|v| std::cmp::Reverse(rank[*v]));
        for v in lower {
            let k = self.at[v].unwrap_or_default();
            let old = self.trips[k].seq.clone();
            let rest: Vec<usize> = old.iter().copied().filter(|x| *x != v).collect();
            // The freed visit helps u directly only on its own teams (or when the size binds);
            // elsewhere a visit w of u's teams may move into it.
            let direct = sized || teams.iter().any(|(t, _)| *t == self.trips[k].team);
            self.set_seq(k, rest);
            if (direct && self.insert(u, teams)) || self.chain(u, teams, near, budget) {
                return true;
            }
            self.set_seq(k, old);
        }
        false
    }

    /// `u` takes the place of a visited `w` in a trip of `teams`, and `w` goes elsewhere.
    fn chain(
        &mut self,
        u: usize,
        teams: &[(usize, u32)],
        near: &[Vec<(usize, u32)>],
        budget: &mut u32,
    ) -> bool {
        let p = self.p;
        let trips: Vec<usize> = teams
            .iter()
            .flat_map(|(t, _)| self.by_team[*t].iter().copied())
            .filter(|k| {
                p.team_days[self.trips[*k].team].days[self.trips[*k].start] >= p.units[u].release
            })
            .collect();
        for k in trips {
            for w in self.trips[k].seq.clone() {
                if *budget == 0 {
                    return false;
                }
                *budget -= 1;
                let old = self.trips[k].seq.clone();
                let rest: Vec<usize> = old.iter().copied().filter(|x| *x != w).collect();
                let best = (0..=rest.len())
                    .filter_map(|pos| {
                        let mut s = rest.clone();
                        s.insert(pos, u);
                        self.fits_seq(k, &s).map(|d| (d, s))
                    })
                    .min_by_key(|(d, _)| *d);
                let Some((_, s)) = best else {
                    continue;
                };
                self.set_seq(k, s);
                if self.insert(w, &near[w]) {
                    return true;
                }
                self.set_seq(k, old);
            }
        }
        false
    }

    fn new(p: &'p Problem<'a>, trips: Vec<RTrip>) -> Self {
        let mut ledger = Ledger::new(p);
        let mut by_team = vec![Vec::new(); p.teams.len()];
        let mut at = vec![None; p.units.len()];
        let mut days = Vec::with_capacity(trips.len());
        for (k, t) in trips.iter().enumerate() {
            let d = if t.seq.is_empty() {
                0
            } else {
                p.trip_days(t.team, &t.seq)
            };
            if d > 0 {
                ledger.book(p, t.team, t.start, t.seq.len() as u32, d);
            }
            for u in &t.seq {
                at[*u] = Some(k);
            }
            by_team[t.team].push(k);
            days.push(d);
        }
        Self {
            p,
            trips,
            days,
            by_team,
            ledger,
            at,
        }
    }

    /// Days of trip `k` with `seq` instead, if that fits: the extra days are free, available
    /// and in the same week, the week's cap and the campaign's size allow.
    fn fits_seq(&self, k: usize, seq: &[usize]) -> Option<u32> {
        let p = self.p;
        let trip = &self.trips[k];
        let (t, i) = (trip.team, trip.start);
        let td = &p.team_days[t];
        let new = if seq.is_empty() {
            0
        } else {
            p.trip_days(t, seq)
        };
        let old = self.days[k];
        if new > td.run[i] {
            return None;
        }
        if new > old
            && self.ledger.used[t][i + old as usize..i + new as usize]
                .iter()
                .any(|x| *x)
        {
            return None;
        }
        let dv = seq.len() as i64 - trip.seq.len() as i64;
        let dd = i64::from(new) - i64::from(old);
        let (wv, wd) = self.ledger.week_load[t]
            .get(&td.week[i])
            .copied()
            .unwrap_or((0, 0));
        let week_ok = match p.teams[t].capacity {
            WeeklyCapacity::Visits(c) => i64::from(wv) + dv <= i64::from(c) || dv <= 0,
            WeeklyCapacity::Days(c) => i64::from(wd) + dd <= i64::from(c) || dd <= 0,
        };
        let size_ok = match p.campaign.size {
            CampaignSize::Unlimited => true,
            CampaignSize::Units(n) => i64::from(self.ledger.visits) + dv <= i64::from(n) || dv <= 0,
            CampaignSize::TeamDays(n) => {
                i64::from(self.ledger.days) + dd <= i64::from(n) || dd <= 0
            }
        };
        (week_ok && size_ok).then_some(new)
    }

    /// Replaces the units of trip `k` (assumes [`Book::fits_seq`]).
    fn set_seq(&mut self, k: usize, seq: Vec<usize>) {
        let p = self.p;
        let new = self.fits_seq_days(k, &seq);
        let trip = &self.trips[k];
        let (t, i, old) = (trip.team, trip.start, self.days[k]);
        let (lo, hi) = (old.min(new) as usize, old.max(new) as usize);
        for d in &mut self.ledger.used[t][i + lo..i + hi] {
            *d = new > old;
        }
        let dv = seq.len() as i64 - trip.seq.len() as i64;
        let dd = i64::from(new) - i64::from(old);
        let e = self.ledger.week_load[t]
            .entry(p.team_days[t].week[i])
            .or_insert((0, 0));
        e.0 = (i64::from(e.0) + dv) as u32;
        e.1 = (i64::from(e.1) + dd) as u32;
        self.ledger.visits = (i64::from(self.ledger.visits) + dv) as u32;
        self.ledger.days = (i64::from(self.ledger.days) + dd) as u32;
        for u in &self.trips[k].seq {
            self.at[*u] = None;
        }
        for u in &seq {
            self.at[*u] = Some(k);
        }
        self.trips[k].seq = seq;
        self.days[k] = new;
    }

    fn fits_seq_days(&self, k: usize, seq: &[usize]) -> u32 {
        if seq.is_empty() {
            0
        } else {
            self.p.trip_days(self.trips[k].team, seq)
        }
    }

    /// Puts `u` into a trip of one of `teams` or a trip of its own; whether it did.
    fn insert(&mut self, u: usize, teams: &[(usize, u32)]) -> bool {
        let p = self.p;
        let unit = &p.units[u];
        let mut best: Option<((u32, u32), usize, Vec<usize>)> = None;
        for &(t, _) in teams {
            let td = &p.team_days[t];
            for &k in &self.by_team[t] {
                let trip = &self.trips[k];
                if trip.seq.is_empty() || td.days[trip.start] < unit.release {
                    continue;
                }
                for pos in 0..=trip.seq.len() {
                    let mut s = trip.seq.clone();
                    s.insert(pos, u);
                    let Some(d) = self.fits_seq(k, &s) else {
                        continue;
                    };
                    let key = (d - self.days[k], p.timeline(t, &s).end);
                    if best.as_ref().is_none_or(|b| key < b.0) {
                        best = Some((key, k, s));
                    }
                }
            }
        }
        if let Some(((0, _), k, s)) = best {
            self.set_seq(k, s);
            return true;
        }
        if self.solo(u, teams) {
            return true;
        }
        match best {
            Some((_, k, s)) => {
                self.set_seq(k, s);
                true
            }
            None => false,
        }
    }

    /// A trip of its own for `u` on the first free run of one of `teams`.
    fn solo(&mut self, u: usize, teams: &[(usize, u32)]) -> bool {
        let p = self.p;
        for &(t, solo) in teams {
            let td = &p.team_days[t];
            let from = td.days.partition_point(|d| *d < p.units[u].release);
            if let Some(i) = (from..td.days.len()).find(|i| self.ledger.fits(p, t, *i, 1, solo)) {
                self.ledger.book(p, t, i, 1, solo);
                let k = self.trips.len();
                self.trips.push(RTrip {
                    team: t,
                    start: i,
                    seq: vec![u],
                });
                self.days.push(solo);
                self.by_team[t].push(k);
                self.at[u] = Some(k);
                return true;
            }
        }
        false
    }
}
