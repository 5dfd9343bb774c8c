//! The planner's output: trips of teams with dated visits, the units that could not be
//! scheduled with a machine code and a Vietnamese reason, the covered risk, the upper bound,
//! the seed and the method that produced it.

use chrono::NaiveDate;
use config::units::LatLon;
use schema::UnitId;

use super::campaign::TeamId;

/// Why a unit is in the plan's selection. The order is the planner's priority: the random
/// picks (a share of the capacity reserved for them, docs/planning.md §2), then the mandatory
/// units, then the others by risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Selection {
    /// Drawn at random for fairness, within the campaign's random share.
    Random,
    /// Not inspected for the campaign's coverage period (or never).
    Mandatory,
    /// Chosen for its risk.
    Risk,
}

impl Selection {
    pub fn code(self) -> &'static str {
        match self {
            Selection::Mandatory => "mandatory",
            Selection::Random => "random",
            Selection::Risk => "risk",
        }
    }

    /// The three classes, in priority order.
    pub const ALL: [Selection; 3] = [Selection::Random, Selection::Mandatory, Selection::Risk];

    pub fn label_vi(self) -> &'static str {
        match self {
            Selection::Mandatory => "Bắt buộc (quá hạn kiểm tra định kỳ)",
            Selection::Random => "Chọn ngẫu nhiên",
            Selection::Risk => "Theo mức độ rủi ro",
        }
    }
}

/// Why a unit is not in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Excluded by the campaign.
    Excluded,
    /// Its last inspection is too recent: not before `next_allowed`, after the period.
    InspectedRecently { next_allowed: NaiveDate },
    /// The notice lead time pushes the first possible visit past the period.
    LeadTime { earliest: NaiveDate },
    /// The only team is the one that did its last inspection.
    OnlyPreviousTeam,
    /// The visit is longer than a working day.
    VisitTooLong,
    /// No allowed team can go there, visit and come back within the longest trip.
    TooFar { max_trip_days: u32 },
    /// No available day (working, outside blackouts) after its release date for a trip there.
    NoWorkingDay,
    /// The campaign's size (units or team-days) is used up.
    CampaignFull,
    /// The teams' capacity is used up by units that come first.
    NoCapacity,
}

impl Reason {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Excluded => "excluded",
            Reason::InspectedRecently { .. } => "inspected_recently",
            Reason::LeadTime { .. } => "lead_time",
            Reason::OnlyPreviousTeam => "same_team_as_last",
            Reason::VisitTooLong => "visit_too_long",
            Reason::TooFar { .. } => "too_far",
            Reason::NoWorkingDay => "no_working_day",
            Reason::CampaignFull => "campaign_full",
            Reason::NoCapacity => "no_capacity",
        }
    }

    pub fn label_vi(self) -> String {
        match self {
            Reason::Excluded => "Được loại trừ khỏi đợt kiểm tra".into(),
            Reason::InspectedRecently { next_allowed } => format!(
                "Mới được kiểm tra, chỉ kiểm tra lại từ ngày {}",
                next_allowed.format("%d/%m/%Y")
            ),
            Reason::LeadTime { earliest } => format!(
                "Không đủ thời gian thông báo trước: sớm nhất ngày {}",
                earliest.format("%d/%m/%Y")
            ),
            Reason::OnlyPreviousTeam => {
                "Chỉ có đoàn đã kiểm tra lần trước, không kiểm tra hai lần liên tiếp".into()
            }
            Reason::VisitTooLong => "Thời gian làm việc tại đơn vị dài hơn một ngày".into(),
            Reason::TooFar { max_trip_days } => {
                format!("Quá xa: không đoàn nào đi, kiểm tra và trở về trong {max_trip_days} ngày")
            }
            Reason::NoWorkingDay => {
                "Không còn ngày làm việc phù hợp (trừ ngày nghỉ, thời gian tạm dừng)".into()
            }
            Reason::CampaignFull => "Đã đủ quy mô của đợt kiểm tra".into(),
            Reason::NoCapacity => "Các đoàn đã kín lịch với đơn vị ưu tiên hơn".into(),
        }
    }

    /// A label without the unit's own dates, for counts of units grouped by reason.
    pub fn group_label_vi(self) -> &'static str {
        match self {
            Reason::InspectedRecently { .. } => "Mới được kiểm tra, chưa đến hạn kiểm tra lại",
            Reason::LeadTime { .. } => "Không đủ thời gian thông báo trước",
            Reason::TooFar { .. } => "Quá xa: không đoàn nào đi, kiểm tra và trở về kịp",
            Reason::Excluded => "Được loại trừ khỏi đợt kiểm tra",
            Reason::OnlyPreviousTeam => {
                "Chỉ có đoàn đã kiểm tra lần trước, không kiểm tra hai lần liên tiếp"
            }
            Reason::VisitTooLong => "Thời gian làm việc tại đơn vị dài hơn một ngày",
            Reason::NoWorkingDay => {
                "Không còn ngày làm việc phù hợp (trừ ngày nghỉ, thời gian tạm dừng)"
            }
            Reason::CampaignFull => "Đã đủ quy mô của đợt kiểm tra",
            Reason::NoCapacity => "Các đoàn đã kín lịch với đơn vị ưu tiên hơn",
        }
    }
}

/// How the plan was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Dynamic programming over subsets: optimal (small instances).
    Exact,
    /// Greedy construction and repair: compare with `upper_bound`.
    Heuristic,
}

/// The lexicographic objective: random picks (the reserved share), then mandatory units, then
/// risk (in thousandths of a point). The field order is the comparison order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Objective {
    pub random: u32,
    pub mandatory: u32,
    pub risk_milli: u64,
}

/// One visit.
#[derive(Debug, Clone, PartialEq)]
pub struct Visit {
    pub unit: UnitId,
    pub name: String,
    pub location: LatLon,
    pub date: NaiveDate,
    /// Minutes after the start of the working day when the team arrives.
    pub start_minute: u32,
    pub minutes: u32,
    pub risk: f64,
    pub selection: Selection,
}

/// One trip: a team leaves its base on `start`, visits in order, and is back after `days`.
#[derive(Debug, Clone, PartialEq)]
pub struct Trip {
    pub team: TeamId,
    pub start: NaiveDate,
    pub days: u32,
    pub visits: Vec<Visit>,
    pub travel_minutes: u32,
}

/// A unit left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unscheduled {
    pub unit: UnitId,
    pub name: String,
    pub risk: f64,
    pub selection: Selection,
    pub reason: Reason,
}

/// An inspection plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub campaign: String,
    /// The day the plan was issued (also the iCalendar DTSTAMP).
    pub plan_date: NaiveDate,
    pub seed: u64,
    pub method: Method,
    /// By start date, then team.
    pub trips: Vec<Trip>,
    /// Mandatory first, then random picks, then by risk (highest first).
    pub unscheduled: Vec<Unscheduled>,
    pub objective: Objective,
    /// Sum of the risk of the visited units.
    pub covered_risk: f64,
    /// An upper bound on the covered risk of an optimal plan (see docs/planning.md).
    pub upper_bound: f64,
    /// The units drawn at random (with `seed`), visited or not.
    pub random_picks: Vec<UnitId>,
    /// How the random picks were drawn.
    pub random_draw: RandomDraw,
    /// Per class, in priority order: how many were candidates, eligible, visited, left out.
    pub classes: Vec<ClassCount>,
}

/// The random draw: `quota = round(share × capacity)` units out of `pool`, with `seed`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RandomDraw {
    pub share: f64,
    /// The visit capacity K of docs/planning.md §5.
    pub capacity: u64,
    /// `round(share × capacity)`: the visits reserved for random picks.
    pub quota: u32,
    /// Eligible units neither mandatory nor excluded, among which the picks were drawn.
    pub pool: u32,
    /// Units drawn: `min(quota, pool)`.
    pub drawn: u32,
}

/// The explanation of one class: every candidate of the class is eligible or rejected, every
/// eligible one visited or left out, and each left-out unit counted under its reason.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassCount {
    pub selection: Selection,
    pub candidates: u32,
    pub eligible: u32,
    pub visited: u32,
    /// Per reason (in order of first appearance by reason code), how many were left out.
    pub left_out: Vec<(Reason, u32)>,
}

impl Plan {
    /// Every visit with its team, by date then team.
    pub fn visits(&self) -> Vec<(&TeamId, &Visit)> {
        let mut v: Vec<_> = self
            .trips
            .iter()
            .flat_map(|t| t.visits.iter().map(move |v| (&t.team, v)))
            .collect();
        v.sort_by(|a, b| (a.1.date, a.0, a.1.start_minute).cmp(&(b.1.date, b.0, b.1.start_minute)));
        v
    }

    /// `covered_risk / upper_bound` (1 when the bound is 0).
    pub fn bound_ratio(&self) -> f64 {
        if self.upper_bound > 0.0 {
            self.covered_risk / self.upper_bound
        } else {
            1.0
        }
    }
}
