//! Reminders for requests (yêu cầu báo cáo): each request stored here (issued here or relayed
//! from above) is a deadline like the rule pack's, with the pack's stages (`before-N` on its
//! `days_before` offsets, `overdue`, `escalation`) counted from the request's due date. The
//! units owing it are those its tracking shows without an answer (`requests::tracking`), so a
//! reminder goes exactly to the units the request page lists as not having sent. Items are
//! recorded in `reminders_sent` under the kind `request:<id>`, so two requests for the same
//! kind and period are chased apart and each stage goes out once.

use chrono::NaiveDate;
use config::rules::RuleBook;
use schema::{ReportKind, ReportingPeriod, UnitId};

use super::plan::{stages_due, DueItem, Stage};
use crate::requests::tracking;
use crate::store::{requests, AnyConn};

/// The stages of a request due on `today`, from the pack in force on the due date.
fn stages(rules: &RuleBook, due: NaiveDate, today: NaiveDate, catch_up: u32) -> Vec<Stage> {
    match rules.pack_for(due) {
        Ok(pack) => stages_due(rules, pack, due, today, catch_up),
        Err(_) => Vec::new(),
    }
}

/// Everything due on `today` for the requests stored here, for units under `scope`.
pub fn due(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    today: NaiveDate,
    catch_up: u32,
) -> anyhow::Result<Vec<DueItem>> {
    let mut out = Vec::new();
    for row in requests::all(conn)? {
        let (Ok(due), Ok(period)) = (
            row.due.parse::<NaiveDate>(),
            ReportingPeriod::parse(&row.period),
        ) else {
            continue;
        };
        let stages = stages(rules, due, today, catch_up);
        if stages.is_empty() {
            continue;
        }
        let Some(t) = tracking::track(conn, &row.notice_id, scope, today)? else {
            continue;
        };
        let kind = ReportKind::parse(&row.answer_kind).unwrap_or(ReportKind::Document);
        for u in t.units.iter().filter(|u| !u.state.answered()) {
            let Ok(unit) = UnitId::parse(&u.unit.id) else {
                continue;
            };
            for stage in &stages {
                out.push(DueItem {
                    unit: unit.clone(),
                    unit_name: u.unit.name.clone(),
                    officer: u.unit.officer_email.clone(),
                    head: u.unit.head_email.clone(),
                    kind,
                    title: row.title.clone(),
                    period,
                    span: (period.start(), period.end()),
                    deadline: due,
                    stage: *stage,
                    request: Some(row.notice_id.clone()),
                });
            }
        }
    }
    Ok(out)
}
