//! Trips as the solvers see them (team, first day index, ordered units), their timeline, and
//! the bookkeeping both solvers share: which days a team has used, and each team's load per
//! ISO week against its weekly capacity and the campaign's size.

use std::collections::BTreeMap;

use super::campaign::{CampaignSize, WeeklyCapacity};
use super::geo::{days_for, visit_step};
use super::problem::Problem;

/// A trip in solver terms: indices into `Problem::teams`, `TeamDays::days`, `Problem::units`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RTrip {
    pub team: usize,
    pub start: usize,
    pub seq: Vec<usize>,
}

/// A trip's timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Start minute of each visit, counted from the first morning.
    pub starts: Vec<u32>,
    /// Back at base.
    pub end: u32,
    pub travel: u32,
    pub days: u32,
}

impl Problem<'_> {
    /// The timeline of team `t` visiting `seq` in order.
    pub fn timeline(&self, t: usize, seq: &[usize]) -> Timeline {
        let base = self.teams[t].base;
        let (mut clock, mut travel, mut pos) = (0u32, 0u32, base);
        let mut starts = Vec::with_capacity(seq.len());
        for &u in seq {
            let unit = &self.units[u];
            let leg = self.travel.minutes(pos, unit.loc);
            travel += leg;
            let (s, e) = visit_step(clock, leg, unit.visit, self.day);
            starts.push(s);
            clock = e;
            pos = unit.loc;
        }
        let back = self.travel.minutes(pos, base);
        let end = clock + back;
        Timeline {
            starts,
            end,
            travel: travel + back,
            days: days_for(end, self.day),
        }
    }

    /// Days team `t` needs for `seq`.
    pub fn trip_days(&self, t: usize, seq: &[usize]) -> u32 {
        self.timeline(t, seq).days
    }
}

/// Per team: days in use, visits and days per week; and campaign totals.
#[derive(Debug, Clone)]
pub struct Ledger {
    pub used: Vec<Vec<bool>>,
    pub week_load: Vec<BTreeMap<u32, (u32, u32)>>,
    pub visits: u32,
    pub days: u32,
}

impl Ledger {
    pub fn new(p: &Problem) -> Self {
        Self {
            used: p
                .team_days
                .iter()
                .map(|td| vec![false; td.days.len()])
                .collect(),
            week_load: vec![BTreeMap::new(); p.teams.len()],
            visits: 0,
            days: 0,
        }
    }

    /// Whether team `t` can take a trip of `visits` visits and `days` days starting at day
    /// index `i` now: days free, consecutive in one week, within the caps.
    pub fn fits(&self, p: &Problem, t: usize, i: usize, visits: u32, days: u32) -> bool {
        let td = &p.team_days[t];
        if days == 0 || i >= td.days.len() || td.run[i] < days {
            return false;
        }
        if self.used[t][i..i + days as usize].iter().any(|u| *u) {
            return false;
        }
        self.week_allows(p, t, td.week[i], visits, days) && self.fits_size(p, visits, days)
    }

    /// Whether the campaign's size has room for `visits` more visits and `days` more days.
    pub fn fits_size(&self, p: &Problem, visits: u32, days: u32) -> bool {
        match p.campaign.size {
            CampaignSize::Unlimited => true,
            CampaignSize::Units(n) => self.visits + visits <= n,
            CampaignSize::TeamDays(n) => self.days + days <= n,
        }
    }

    /// Whether team `t`'s week `w` has room for `visits` more visits and `days` more days.
    pub fn week_allows(&self, p: &Problem, t: usize, w: u32, visits: u32, days: u32) -> bool {
        let (v, d) = self.week_load[t].get(&w).copied().unwrap_or((0, 0));
        match p.teams[t].capacity {
            WeeklyCapacity::Visits(c) => v + visits <= c,
            WeeklyCapacity::Days(c) => d + days <= c,
        }
    }

    /// Books a trip (assumes `fits`).
    pub fn book(&mut self, p: &Problem, t: usize, i: usize, visits: u32, days: u32) {
        for u in &mut self.used[t][i..i + days as usize] {
            *u = true;
        }
        let e = self.week_load[t]
            .entry(p.team_days[t].week[i])
            .or_insert((0, 0));
        e.0 += visits;
        e.1 += days;
        self.visits += visits;
        self.days += days;
    }

    /// Changes the visit count of a booked trip (a unit added or removed, same days).
    pub fn adjust_visits(&mut self, p: &Problem, t: usize, i: usize, delta: i32) {
        let e = self.week_load[t]
            .entry(p.team_days[t].week[i])
            .or_insert((0, 0));
        e.0 = e.0.saturating_add_signed(delta);
        self.visits = self.visits.saturating_add_signed(delta);
    }

    /// Whether the campaign's size is used up (no further visit possible).
    pub fn campaign_full(&self, p: &Problem) -> bool {
        match p.campaign.size {
            CampaignSize::Unlimited => false,
            CampaignSize::Units(n) => self.visits >= n,
            CampaignSize::TeamDays(n) => self.days >= n,
        }
    }
}
