//! A plan flattened for documents (HTML, DOCX): per team its visits by date with unit names,
//! the covered risk against the upper bound, what was left out and why, and the seed. Labels
//! are Vietnamese; codes are kept next to them for machines.

use chrono::NaiveDate;
use schema::UnitId;
use serde::Serialize;

use super::campaign::{Team, TeamId};
use super::plan::{Method, Plan};

/// One visit line.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitRow {
    pub date: NaiveDate,
    pub unit: UnitId,
    pub name: String,
    pub risk: f64,
    pub selection_code: &'static str,
    pub selection_vi: &'static str,
}

/// One team's schedule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TeamSchedule {
    pub team: TeamId,
    pub name: String,
    pub members: Vec<String>,
    /// By date, then order of the trip.
    pub visits: Vec<VisitRow>,
    pub trips: usize,
    pub days_away: u32,
    pub covered_risk: f64,
}

/// One unit left out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnscheduledRow {
    pub unit: UnitId,
    pub name: String,
    pub risk: f64,
    pub selection_vi: &'static str,
    pub reason_code: &'static str,
    pub reason_vi: String,
}

/// Everything a plan document shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanSummary {
    pub campaign: String,
    pub plan_date: NaiveDate,
    pub seed: u64,
    /// "Tối ưu (quy hoạch động)" or "Gần đúng (heuristic), so với cận trên".
    pub method_vi: &'static str,
    pub teams: Vec<TeamSchedule>,
    pub visits: usize,
    pub covered_risk: f64,
    pub upper_bound: f64,
    /// covered / bound, 0–1.
    pub bound_ratio: f64,
    pub mandatory_visited: u32,
    pub random_visited: u32,
    pub unscheduled: Vec<UnscheduledRow>,
}

/// Flattens `plan`; `teams` gives names and members (teams without visits are listed too).
pub fn summarize(plan: &Plan, teams: &[Team]) -> PlanSummary {
    let teams_out = teams
        .iter()
        .map(|team| {
            let trips: Vec<_> = plan.trips.iter().filter(|t| t.team == team.id).collect();
            let mut visits: Vec<VisitRow> = trips
                .iter()
                .flat_map(|t| t.visits.iter())
                .map(|v| VisitRow {
                    date: v.date,
                    unit: v.unit.clone(),
                    name: v.name.clone(),
                    risk: v.risk,
                    selection_code: v.selection.code(),
                    selection_vi: v.selection.label_vi(),
                })
                .collect();
            visits.sort_by_key(|v| v.date);
            TeamSchedule {
                team: team.id.clone(),
                name: team.name.clone(),
                members: team.members.clone(),
                covered_risk: visits.iter().map(|v| v.risk).sum(),
                visits,
                trips: trips.len(),
                days_away: trips.iter().map(|t| t.days).sum(),
            }
        })
        .collect();
    PlanSummary {
        campaign: plan.campaign.clone(),
        plan_date: plan.plan_date,
        seed: plan.seed,
        method_vi: match plan.method {
            Method::Exact => "Tối ưu (quy hoạch động)",
            Method::Heuristic => "Gần đúng (heuristic), so với cận trên",
        },
        teams: teams_out,
        visits: plan.trips.iter().map(|t| t.visits.len()).sum(),
        covered_risk: plan.covered_risk,
        upper_bound: plan.upper_bound,
        bound_ratio: plan.bound_ratio(),
        mandatory_visited: plan.objective.mandatory,
        random_visited: plan.objective.random,
        unscheduled: plan
            .unscheduled
            .iter()
            .map(|u| UnscheduledRow {
                unit: u.unit.clone(),
                name: u.name.clone(),
                risk: u.risk,
                selection_vi: u.selection.label_vi(),
                reason_code: u.reason.code(),
                reason_vi: u.reason.label_vi(),
            })
            .collect(),
    }
}
