//! From the inputs to the optimisation problem: each team's available days (working days of
//! the calendar, outside blackouts, inside the period) grouped into runs within an ISO week;
//! each candidate's release date (notice lead time, minimum gap since its last inspection),
//! forbidden team, class (mandatory, random pick, by risk) — or the reason it cannot be
//! visited at all. The random picks are drawn here, seeded.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Months, NaiveDate};
use config::rules::Calendar;
use config::units::LatLon;

use super::campaign::{Campaign, CampaignSize, Candidate, PlanError, Team, WeeklyCapacity};
use super::geo::{days_for, visit_step, Grid, Travel};
use super::plan::{RandomDraw, Reason, Selection};
use super::rng::SplitMix64;

/// Risk in thousandths of a point: the planner optimises integers, so sums are exact.
pub fn risk_milli(total: f64) -> u64 {
    if total.is_finite() && total > 0.0 {
        (total * 1000.0).round() as u64
    } else {
        0
    }
}

/// A candidate that can be visited.
#[derive(Debug, Clone)]
pub struct PUnit {
    /// Index into the (sorted) candidates.
    pub cand: usize,
    pub loc: LatLon,
    pub risk: u64,
    pub class: Selection,
    /// No visit before this day.
    pub release: NaiveDate,
    /// The team that did the last inspection.
    pub forbidden: Option<usize>,
    /// Minutes on site.
    pub visit: u32,
}

/// A team's available days.
#[derive(Debug, Clone)]
pub struct TeamDays {
    pub days: Vec<NaiveDate>,
    /// ISO week key (year * 100 + week) of each day.
    pub week: Vec<u32>,
    /// How many consecutive available calendar days, in the same ISO week, start at each day.
    pub run: Vec<u32>,
}

/// The optimisation problem.
#[derive(Debug)]
pub struct Problem<'a> {
    pub campaign: &'a Campaign,
    pub teams: &'a [Team],
    pub candidates: Vec<&'a Candidate>,
    pub travel: Travel,
    /// Minutes in a working day.
    pub day: u32,
    pub max_trip_days: u32,
    pub units: Vec<PUnit>,
    pub team_days: Vec<TeamDays>,
    /// Candidates that cannot be visited, with why.
    pub rejected: Vec<(usize, Selection, Reason)>,
    /// The earliest day any visit may happen (start, notice lead time).
    pub earliest: NaiveDate,
    /// The most visits that can start on one day (see [`visits_per_day`]).
    pub per_day: u64,
    /// How the random picks were drawn.
    pub draw: RandomDraw,
}

pub fn week_key(d: NaiveDate) -> u32 {
    let w = d.iso_week();
    (w.year() as u32) * 100 + w.week()
}

impl<'a> Problem<'a> {
    pub fn build(
        calendar: &Calendar,
        campaign: &'a Campaign,
        teams: &'a [Team],
        candidates: &'a [Candidate],
    ) -> Result<Self, PlanError> {
        campaign.validate()?;
        if teams.is_empty() {
            return Err(PlanError::NoTeam);
        }
        let mut ids = BTreeSet::new();
        for t in teams {
            if !ids.insert(&t.id) {
                return Err(PlanError::DuplicateTeam(t.id.clone()));
            }
        }
        let mut cands: Vec<&Candidate> = candidates.iter().collect();
        cands.sort_by(|a, b| a.unit.cmp(&b.unit));
        for w in cands.windows(2) {
            if w[0].unit == w[1].unit {
                return Err(PlanError::DuplicateUnit(w[0].unit.clone()));
            }
        }
        let tr = &campaign.travel;
        let travel = Travel {
            speed_kmh: tr.speed_kmh,
            road_factor: tr.road_factor,
        };
        let day = (tr.hours_per_day * 60.0).round() as u32;
        let lead = i32::try_from(campaign.lead_working_days).unwrap_or(i32::MAX);
        let earliest = calendar
            .add_working_days(campaign.plan_date, lead)
            .max(campaign.start);
        let team_days: Vec<TeamDays> = teams
            .iter()
            .map(|_| available_days(calendar, campaign, tr.max_trip_days))
            .collect();
        let mut p = Problem {
            campaign,
            teams,
            candidates: cands,
            travel,
            day,
            max_trip_days: tr.max_trip_days,
            units: Vec::new(),
            team_days,
            rejected: Vec::new(),
            earliest,
            per_day: 1,
            draw: RandomDraw {
                share: campaign.coverage.random_share,
                capacity: 0,
                quota: 0,
                pool: 0,
                drawn: 0,
            },
        };
        p.classify();
        p.per_day = visits_per_day(&p);
        p.draw_random_picks();
        Ok(p)
    }

    fn classify(&mut self) {
        let c = self.campaign;
        let team_index: BTreeMap<&str, usize> = self
            .teams
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_str(), i))
            .collect();
        for (i, cand) in self.candidates.iter().enumerate() {
            let last = cand.last_inspection.as_ref();
            let mandatory = c.coverage.every_years.is_some_and(|n| {
                last.is_none_or(|l| {
                    l.date
                        .checked_add_months(Months::new(12 * n))
                        .is_none_or(|due| due <= c.end)
                })
            });
            let class = if mandatory {
                Selection::Mandatory
            } else {
                Selection::Risk
            };
            let next_allowed = last.map(|l| {
                l.date
                    .checked_add_months(Months::new(c.coverage.min_gap_months))
                    .unwrap_or(NaiveDate::MAX)
            });
            let release = next_allowed.map_or(self.earliest, |n| n.max(self.earliest));
            let forbidden = last
                .and_then(|l| l.team.as_ref())
                .and_then(|t| team_index.get(t.as_str()).copied());
            let visit_hours = cand.visit_hours.unwrap_or(c.travel.visit_hours);
            let visit = (visit_hours.max(0.0) * 60.0).round().max(1.0) as u32;
            let unit = PUnit {
                cand: i,
                loc: cand.location,
                risk: risk_milli(cand.risk.total),
                class,
                release,
                forbidden,
                visit,
            };
            let reason = if c.exclusions.contains(&cand.unit) {
                Some(Reason::Excluded)
            } else if let Some(n) = next_allowed.filter(|n| *n > c.end) {
                Some(Reason::InspectedRecently { next_allowed: n })
            } else if release > c.end {
                Some(Reason::LeadTime {
                    earliest: self.earliest,
                })
            } else if forbidden.is_some() && self.teams.len() == 1 {
                Some(Reason::OnlyPreviousTeam)
            } else if visit > self.day {
                Some(Reason::VisitTooLong)
            } else {
                self.reachability(&unit)
            };
            match reason {
                Some(r) => self.rejected.push((i, class, r)),
                None => self.units.push(unit),
            }
        }
    }

    /// `None` if some allowed team can visit `u` alone on some available day after its
    /// release; else why not.
    fn reachability(&self, u: &PUnit) -> Option<Reason> {
        let mut too_far = true;
        for t in 0..self.teams.len() {
            if u.forbidden == Some(t) {
                continue;
            }
            let need = self.solo_days(t, u);
            if need > self.max_trip_days {
                continue;
            }
            too_far = false;
            let td = &self.team_days[t];
            let from = td.days.partition_point(|d| *d < u.release);
            if td.run[from..].iter().any(|r| *r >= need) {
                return None;
            }
        }
        Some(if too_far {
            Reason::TooFar {
                max_trip_days: self.max_trip_days,
            }
        } else {
            Reason::NoWorkingDay
        })
    }

    /// Days a trip of team `t` to `u` alone takes.
    pub fn solo_days(&self, t: usize, u: &PUnit) -> u32 {
        let leg = self.travel.minutes(self.teams[t].base, u.loc);
        let (_, end) = visit_step(0, leg, u.visit, self.day);
        days_for(end + leg, self.day)
    }

    /// The random picks: `round(share * capacity)` units drawn uniformly, with the campaign's
    /// seed, among the visitable units that are not mandatory (in unit id order): a partial
    /// Fisher–Yates shuffle of that pool with SplitMix64. The draw is recorded in `draw`.
    fn draw_random_picks(&mut self) {
        let pool: Vec<usize> = (0..self.units.len())
            .filter(|i| self.units[*i].class == Selection::Risk)
            .collect();
        let cap = self.visit_capacity();
        let quota = (self.campaign.coverage.random_share * cap as f64).round() as usize;
        let k = quota.min(pool.len());
        self.draw = RandomDraw {
            share: self.campaign.coverage.random_share,
            capacity: cap,
            quota: u32::try_from(quota).unwrap_or(u32::MAX),
            pool: pool.len() as u32,
            drawn: k as u32,
        };
        let mut pool = pool;
        let mut rng = SplitMix64::new(self.campaign.seed);
        for j in 0..k {
            let pick = j + rng.below((pool.len() - j) as u64) as usize;
            pool.swap(j, pick);
            self.units[pool[j]].class = Selection::Random;
        }
    }

    /// An upper bound on the number of visits in the whole plan: per team and ISO week, the
    /// weekly cap or what fits in its available days ([`Problem::per_day`] visits a day),
    /// capped by the campaign size.
    pub fn visit_capacity(&self) -> u64 {
        let total = (0..self.teams.len())
            .map(|t| self.team_visit_capacity(t))
            .sum();
        match self.campaign.size {
            CampaignSize::Units(n) => u64::min(total, n.into()),
            _ => total,
        }
    }

    /// Team `t`'s share of [`Problem::visit_capacity`] (before the campaign size).
    pub fn team_visit_capacity(&self, t: usize) -> u64 {
        let per_day = self.per_day;
        self.days_per_week(t)
            .values()
            .map(|n| {
                let n = u64::from(*n);
                match self.teams[t].capacity {
                    WeeklyCapacity::Visits(c) => u64::from(c).min(n * per_day),
                    WeeklyCapacity::Days(c) => u64::from(c).min(n) * per_day,
                }
            })
            .sum()
    }

    /// Available days of team `t` on or after the earliest visit day, per ISO week.
    pub fn days_per_week(&self, t: usize) -> BTreeMap<u32, u32> {
        let td = &self.team_days[t];
        let mut m = BTreeMap::new();
        for (d, w) in td.days.iter().zip(&td.week) {
            if *d >= self.earliest {
                *m.entry(*w).or_insert(0) += 1;
            }
        }
        m
    }

    /// Whether team `t` may visit `u` (not the team of its last inspection).
    pub fn allowed(&self, t: usize, u: &PUnit) -> bool {
        u.forbidden != Some(t)
    }
}

/// The most visits that can start on one day: k visits starting on the same day all end by
/// its end (a visit never straddles two days) and are separated by k − 1 legs between distinct
/// units, so the k shortest visits plus k − 1 times the shortest leg between two units fit in
/// a day. At least 1.
fn visits_per_day(p: &Problem) -> u64 {
    let mut visits: Vec<u32> = p.units.iter().map(|u| u.visit).collect();
    visits.sort_unstable();
    let gap = if p.units.len() < 2 {
        0
    } else {
        let grid = Grid::new(p.units.iter().map(|u| u.loc).collect(), 0.1);
        (0..p.units.len())
            .filter_map(|i| grid.nearest_other_km(i))
            .map(|km| p.travel.minutes_km(km))
            .min()
            .unwrap_or(0)
    };
    let (mut used, mut k) = (0u32, 0u64);
    for v in visits {
        let need = used + v + if k > 0 { gap } else { 0 };
        if need > p.day {
            break;
        }
        used = need;
        k += 1;
    }
    k.max(1)
}

/// Working days of the period outside every blackout, with their weeks and runs.
fn available_days(calendar: &Calendar, c: &Campaign, max_trip_days: u32) -> TeamDays {
    let days: Vec<NaiveDate> = c
        .start
        .iter_days()
        .take_while(|d| *d <= c.end)
        .filter(|d| calendar.is_working_day(*d) && !c.blackouts.iter().any(|b| b.contains(*d)))
        .collect();
    let week: Vec<u32> = days.iter().map(|d| week_key(*d)).collect();
    let mut run = vec![1u32; days.len()];
    for i in (0..days.len().saturating_sub(1)).rev() {
        let next_day = days[i].succ_opt() == Some(days[i + 1]);
        if next_day && week[i] == week[i + 1] {
            run[i] = run[i + 1] + 1;
        }
    }
    for r in &mut run {
        *r = (*r).min(max_trip_days);
    }
    TeamDays { days, week, run }
}
