//! A plan flattened for documents (HTML, DOCX): per team its visits by date with unit names,
//! the covered risk against the upper bound, per class how many units were eligible, visited
//! and left out and why, the random draw, what was left out and why, and the seed. Labels
//! are Vietnamese; codes are kept next to them for machines.

use chrono::NaiveDate;
use schema::UnitId;
use serde::Serialize;

use super::campaign::{Team, TeamId};
use super::plan::{ClassCount, Method, Plan};

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

/// Left-out units of one class with one reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason_code: &'static str,
    /// Without the units' own dates (see `unscheduled` for those).
    pub reason_vi: &'static str,
    pub count: u32,
}

/// The explanation of one class (random picks, mandatory, by risk): how many units of the
/// scope were in it, how many could be visited at all, were visited, and why the others were
/// not.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClassRow {
    pub selection_code: &'static str,
    pub selection_vi: &'static str,
    pub candidates: u32,
    pub eligible: u32,
    pub visited: u32,
    pub left_out: Vec<ReasonCount>,
    /// One sentence in Vietnamese, e.g. "Bắt buộc (quá hạn kiểm tra định kỳ): 92 đơn vị, 92 đủ
    /// điều kiện, kiểm tra 67, chưa kiểm tra 25 (Các đoàn đã kín lịch … : 25)."
    pub sentence_vi: String,
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
    /// Share of the visit capacity reserved for random picks, the capacity, the visits
    /// reserved, and the pool they were drawn from (with `seed`).
    pub random_share: f64,
    pub visit_capacity: u64,
    pub random_quota: u32,
    pub random_pool: u32,
    /// Random picks visited over all visits, 0–1.
    pub random_share_achieved: f64,
    /// Per class, in priority order.
    pub classes: Vec<ClassRow>,
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
    let visits: usize = plan.trips.iter().map(|t| t.visits.len()).sum();
    PlanSummary {
        campaign: plan.campaign.clone(),
        plan_date: plan.plan_date,
        seed: plan.seed,
        method_vi: match plan.method {
            Method::Exact => "Tối ưu (quy hoạch động)",
            Method::Heuristic => "Gần đúng (heuristic), so với cận trên",
        },
        teams: teams_out,
        visits,
        covered_risk: plan.covered_risk,
        upper_bound: plan.upper_bound,
        bound_ratio: plan.bound_ratio(),
        mandatory_visited: plan.objective.mandatory,
        random_visited: plan.objective.random,
        random_share: plan.random_draw.share,
        visit_capacity: plan.random_draw.capacity,
        random_quota: plan.random_draw.quota,
        random_pool: plan.random_draw.pool,
        random_share_achieved: if visits == 0 {
            0.0
        } else {
            f64::from(plan.objective.random) / visits as f64
        },
        classes: plan.classes.iter().map(class_row).collect(),
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

fn class_row(c: &ClassCount) -> ClassRow {
    let left_out: Vec<ReasonCount> = c
        .left_out
        .iter()
        .map(|(r, n)| ReasonCount {
            reason_code: r.code(),
            reason_vi: r.group_label_vi(),
            count: *n,
        })
        .collect();
    let total: u32 = left_out.iter().map(|r| r.count).sum();
    let why = left_out
        .iter()
        .map(|r| format!("{}: {}", r.reason_vi, r.count))
        .collect::<Vec<_>>()
        .join("; ");
    let mut sentence_vi = format!(
        "{}: {} đơn vị, {} đủ điều kiện, kiểm tra {}, chưa kiểm tra {}",
        c.selection.label_vi(),
        c.candidates,
        c.eligible,
        c.visited,
        total
    );
    if !why.is_empty() {
        sentence_vi.push_str(&format!(" ({why})"));
    }
    sentence_vi.push('.');
    ClassRow {
        selection_code: c.selection.code(),
        selection_vi: c.selection.label_vi(),
        candidates: c.candidates,
        eligible: c.eligible,
        visited: c.visited,
        left_out,
        sentence_vi,
    }
}
