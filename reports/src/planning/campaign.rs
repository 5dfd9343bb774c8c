//! The planner's inputs: the campaign (period, size, coverage rules, seed, exclusions, blackout
//! periods, notice lead time, travel model), the inspection teams and the candidate units, with
//! their validation ([`Campaign::validate`], [`TeamId::parse`]).

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use config::units::LatLon;
use schema::UnitId;
use serde::Serialize;

use super::risk::RiskScore;

/// Why the planner refused its inputs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("team id `{0}`: use 1 to 32 lowercase letters, digits or '-'")]
    BadTeamId(String),
    #[error("team `{0}` is listed twice")]
    DuplicateTeam(TeamId),
    #[error("unit `{0}` is listed twice among the candidates")]
    DuplicateUnit(UnitId),
    #[error("the campaign ends on {end}, before it starts on {start}")]
    EmptyPeriod { start: NaiveDate, end: NaiveDate },
    #[error("blackout `{name}` ends on {to}, before it starts on {from}")]
    BadBlackout {
        name: String,
        from: NaiveDate,
        to: NaiveDate,
    },
    #[error("{what} = {value} is out of range: {expected}")]
    OutOfRange {
        what: &'static str,
        value: f64,
        expected: &'static str,
    },
    #[error("a unit inspected every {every_years} years cannot also wait {min_gap_months} months between inspections")]
    CoverageConflict {
        every_years: u32,
        min_gap_months: u32,
    },
    #[error("the plan has no team")]
    NoTeam,
}

/// An inspection team's stable id: 1–32 lowercase ASCII letters, digits or '-'.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TeamId(String);

impl TeamId {
    pub fn parse(raw: &str) -> Result<Self, PlanError> {
        let ok = (1..=32).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(PlanError::BadTeamId(raw.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TeamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How much a team can do in one ISO week (Monday–Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeeklyCapacity {
    /// At most this many visits.
    Visits(u32),
    /// At most this many days away on trips.
    Days(u32),
}

/// An inspection team (đoàn kiểm tra).
#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub id: TeamId,
    pub name: String,
    pub members: Vec<String>,
    /// Where its trips start and end.
    pub base: LatLon,
    pub capacity: WeeklyCapacity,
}

/// A named period without visits (Tết, a party congress), both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blackout {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Blackout {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// Travel and working-time assumptions. Travel time between two points is the great-circle
/// distance times `road_factor` over `speed_kmh`, rounded up to a whole minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TravelModel {
    pub speed_kmh: f64,
    pub road_factor: f64,
    /// Working hours in a day: travel and visits of one day fit in it.
    pub hours_per_day: f64,
    /// The longest trip, in days (a trip never spans a day off or two ISO weeks anyway).
    pub max_trip_days: u32,
    /// Hours spent at a unit unless its candidate says otherwise.
    pub visit_hours: f64,
}

impl Default for TravelModel {
    fn default() -> Self {
        Self {
            speed_kmh: 40.0,
            road_factor: 1.3,
            hours_per_day: 8.0,
            max_trip_days: 5,
            visit_hours: 4.0,
        }
    }
}

/// An overall cap on the campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CampaignSize {
    /// Only the teams' capacity limits the plan.
    #[default]
    Unlimited,
    /// At most this many visits in all.
    Units(u32),
    /// At most this many team-days away on trips in all.
    TeamDays(u32),
}

/// Coverage rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// Every unit at least once in this many years: a unit whose last inspection is that old
    /// by the campaign's end (or that was never inspected) is mandatory. `None`: no such rule.
    pub every_years: Option<u32>,
    /// No visit within this many months after the unit's last inspection.
    pub min_gap_months: u32,
    /// Share (0–1) of the campaign's visit capacity given to units drawn at random (seeded)
    /// among those neither mandatory nor excluded, for fairness.
    pub random_share: f64,
}

impl Default for Coverage {
    fn default() -> Self {
        Self {
            every_years: Some(5),
            min_gap_months: 12,
            random_share: 0.1,
        }
    }
}

/// One inspection campaign (đợt kiểm tra).
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    pub name: String,
    /// The day the plan is issued; notice lead time counts from it.
    pub plan_date: NaiveDate,
    /// First and last day of the period (both included).
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub size: CampaignSize,
    pub coverage: Coverage,
    /// Seed of the random picks; recorded in the plan.
    pub seed: u64,
    /// Units never to visit in this campaign.
    pub exclusions: BTreeSet<UnitId>,
    pub blackouts: Vec<Blackout>,
    /// No visit before `plan_date` plus this many working days.
    pub lead_working_days: u32,
    pub travel: TravelModel,
}

impl Campaign {
    pub fn validate(&self) -> Result<(), PlanError> {
        if self.end < self.start {
            return Err(PlanError::EmptyPeriod {
                start: self.start,
                end: self.end,
            });
        }
        for b in &self.blackouts {
            if b.to < b.from {
                return Err(PlanError::BadBlackout {
                    name: b.name.clone(),
                    from: b.from,
                    to: b.to,
                });
            }
        }
        let t = &self.travel;
        let checks = [
            ("travel.speed_kmh", t.speed_kmh, 1.0, 200.0, "1 to 200"),
            ("travel.road_factor", t.road_factor, 1.0, 5.0, "1 to 5"),
            (
                "travel.hours_per_day",
                t.hours_per_day,
                1.0,
                24.0,
                "1 to 24",
            ),
            (
                "travel.visit_hours",
                t.visit_hours,
                0.25,
                24.0,
                "0.25 to 24",
            ),
            (
                "travel.max_trip_days",
                t.max_trip_days.into(),
                1.0,
                7.0,
                "1 to 7",
            ),
            (
                "coverage.random_share",
                self.coverage.random_share,
                0.0,
                1.0,
                "0 to 1",
            ),
        ];
        for (what, value, lo, hi, expected) in checks {
            if !(value.is_finite() && lo <= value && value <= hi) {
                return Err(PlanError::OutOfRange {
                    what,
                    value,
                    expected,
                });
            }
        }
        if let Some(n) = self.coverage.every_years {
            if n == 0 || n * 12 <= self.coverage.min_gap_months {
                return Err(PlanError::CoverageConflict {
                    every_years: n,
                    min_gap_months: self.coverage.min_gap_months,
                });
            }
        }
        Ok(())
    }
}

/// The last inspection of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastInspection {
    pub date: NaiveDate,
    /// The team that did it, if it was one of the planner's teams: it may not go again.
    pub team: Option<TeamId>,
}

/// A unit the campaign may visit (already filtered to the campaign's scope).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub unit: UnitId,
    pub name: String,
    pub location: LatLon,
    pub risk: RiskScore,
    pub last_inspection: Option<LastInspection>,
    /// Hours on site, if not the campaign's default.
    pub visit_hours: Option<f64>,
}
