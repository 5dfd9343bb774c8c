//! Running a campaign on the store: the scores of the units in the campaign's scope (as of the
//! plan's date), the candidates (units without coordinates are set aside and reported), the
//! planner (`reports::planning::plan`, deterministic for a seed), the notices, and storing the
//! issued plan with its visits and notices and the audit entry in one transaction.

use anyhow::{anyhow, bail};
use chrono::NaiveDate;
use config::rules::RuleBook;
use reports::planning::{self, Campaign, Candidate, LastInspection, Method, Plan, RiskModel, Team};
use schema::UnitId;

use super::campaign::CampaignFile;
use super::notice::{self, Notice, Sender};
use super::plans::{self, NoticeRow, PlanRow, VisitRow};
use super::records::{self, UnitScore};
use crate::store::AnyConn;

/// A campaign planned, ready to write out and store.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub plan_id: String,
    /// The subtree the candidates were taken from, and its name.
    pub scope: UnitId,
    pub scope_name: String,
    pub campaign: Campaign,
    pub teams: Vec<Team>,
    /// The candidates' scores, highest first.
    pub scores: Vec<UnitScore>,
    /// Units of the scope that have no coordinates (neither theirs nor an ancestor's): not
    /// planned.
    pub no_location: Vec<UnitScore>,
    pub plan: Plan,
    pub notices: Vec<Notice>,
}

/// The tier codes a campaign takes by default: every tier but the legacy districts.
fn tier_ok(file: &CampaignFile, s: &UnitScore) -> bool {
    let sc = &file.scope;
    let tier = if sc.tiers.is_empty() {
        s.tier != "district"
    } else {
        sc.tiers.iter().any(|t| t.trim() == s.tier)
    };
    let kind = sc.kinds.is_empty() || sc.kinds.iter().any(|k| super::campaign::nfc(k) == s.kind);
    tier && kind
}

/// Scores the scope and plans the campaign of `file` for this aggregator (`own`), on `today`
/// unless the file sets the plan's date.
pub fn prepare(
    conn: &mut AnyConn,
    rules: &RuleBook,
    model: &RiskModel,
    own: &UnitId,
    issuer: &str,
    file: &CampaignFile,
    today: NaiveDate,
) -> anyhow::Result<Prepared> {
    let campaign = file.campaign(today)?;
    let teams = file.teams()?;
    let scope = match &file.scope.under {
        None => own.clone(),
        Some(u) => UnitId::parse(u.trim()).map_err(|e| anyhow!("scope.under: {e}"))?,
    };
    if !own.contains(&scope) {
        bail!("scope.under {scope} is outside this aggregator's subtree ({own})");
    }
    let (scores, no_location): (Vec<UnitScore>, Vec<UnitScore>) =
        records::scores(conn, rules, model, &scope, campaign.plan_date)?
            .into_iter()
            .filter(|s| tier_ok(file, s))
            .partition(|s| s.location.is_some());
    if scores.is_empty() {
        bail!(
            "no unit with coordinates in scope {scope} on {}: load the registry (`bmnn-aggregator \
             registry import`) or widen [scope]",
            campaign.plan_date
        );
    }
    let candidates: Vec<Candidate> = scores
        .iter()
        .filter_map(|s| {
            Some(Candidate {
                unit: s.unit.clone(),
                name: s.name.clone(),
                location: s.location?,
                risk: s.score.clone(),
                last_inspection: s
                    .last_inspection
                    .as_ref()
                    .map(|(date, team)| LastInspection {
                        date: *date,
                        team: team
                            .as_deref()
                            .and_then(|t| teams.iter().find(|x| x.id.as_str() == t))
                            .map(|t| t.id.clone()),
                    }),
                visit_hours: None,
            })
        })
        .collect();
    let plan = planning::plan(rules.calendar(), &campaign, &teams, &candidates)
        .map_err(|e| anyhow!("the planner refused the campaign: {e}"))?;
    let sender = Sender {
        issuer,
        plan_id: file.plan_id(),
        day_start: file.notices.day_start()?,
        contact: file.notices.contact.as_deref(),
    };
    let notices = notice::build(rules, &campaign, &plan, &teams, &scores, &sender);
    let scope_name = crate::store::units::history(conn, scope.as_str())?
        .pop()
        .map(|r| r.name)
        .or_else(|| {
            config::units::AdminUnits::embedded()
                .get(&scope)
                .map(|u| u.name.clone())
        })
        .unwrap_or_else(|| scope.to_string());
    Ok(Prepared {
        plan_id: file.plan_id().to_string(),
        scope_name,
        scope,
        campaign,
        teams,
        scores,
        no_location,
        plan,
        notices,
    })
}

/// Refuses when the plan was issued before and one of its notices has been sent.
pub fn check_replaceable(conn: &mut AnyConn, plan_id: &str) -> anyhow::Result<()> {
    let sent = plans::sent_count(conn, plan_id)?;
    if sent > 0 {
        bail!(
            "kế hoạch {plan_id} đã gửi {sent} thông báo, không ban hành lại được; dùng mã đợt \
             kiểm tra mới / plan {plan_id} has sent {sent} notices and cannot be issued again: \
             give the campaign a new id"
        );
    }
    Ok(())
}

/// Stores the plan, its visits and notices (replacing an earlier issue whose notices were
/// not sent) with the audit entry, in one transaction.
pub fn store(conn: &mut AnyConn, p: &Prepared, actor: &str) -> anyhow::Result<()> {
    let plan = PlanRow {
        id: p.plan_id.clone(),
        scope: p.scope.to_string(),
        campaign: p.campaign.name.clone(),
        plan_date: p.campaign.plan_date,
        period_start: p.campaign.start,
        period_end: p.campaign.end,
        seed: p.campaign.seed.to_string(),
        method: match p.plan.method {
            Method::Exact => "exact".into(),
            Method::Heuristic => "heuristic".into(),
        },
        covered_risk: p.plan.covered_risk,
        upper_bound: p.plan.upper_bound,
        created_by: actor.to_string(),
        created_at: node::db::now(),
    };
    let visits: Vec<VisitRow> = p
        .plan
        .visits()
        .into_iter()
        .map(|(team, v)| VisitRow {
            plan_id: p.plan_id.clone(),
            unit: v.unit.to_string(),
            unit_name: v.name.clone(),
            team: team.to_string(),
            team_name: p
                .teams
                .iter()
                .find(|t| &t.id == team)
                .map_or_else(|| team.to_string(), |t| t.name.clone()),
            visit_date: v.date,
            start_minute: v.start_minute as i32,
            minutes: v.minutes as i32,
            risk: v.risk,
            selection: v.selection.code().to_string(),
        })
        .collect();
    let notices: Vec<NoticeRow> = p
        .notices
        .iter()
        .map(|n| NoticeRow {
            plan_id: p.plan_id.clone(),
            unit: n.unit.to_string(),
            due_on: n.due_on,
            visit_date: n.visit_date,
            recipient: n.recipient.clone(),
            subject: n.subject.clone(),
            body: n.body.clone(),
            sent_at: None,
        })
        .collect();
    conn.write_transaction(|c| -> anyhow::Result<()> {
        check_replaceable(c, &p.plan_id)?;
        plans::replace(c, &plan, &visits, &notices)?;
        let detail = format!(
            "seed={} visits={} notices={}",
            p.campaign.seed,
            visits.len(),
            notices.len()
        );
        node::db::audit::append(c, actor, "inspection_plan", &p.plan_id, &detail)?;
        Ok(())
    })
}
