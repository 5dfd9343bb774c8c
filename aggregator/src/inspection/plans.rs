//! Stored plans: `inspection_plans` (one per campaign id), their `inspection_visits` and the
//! `inspection_notices` to the inspected units with the day each is due. The mailer asks for
//! the notices due ([`notices_due`]) and marks each one sent ([`mark_notice_sent`]); a plan
//! may be issued again ([`replace`]) only while none of its notices has been sent.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::store::schema::{
    inspection_notices as notices, inspection_plans as plans, inspection_visits as visits,
};
use crate::store::AnyConn;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = plans)]
pub struct PlanRow {
    pub id: String,
    pub scope: String,
    pub campaign: String,
    pub plan_date: NaiveDate,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    /// The seed (u64) in decimal.
    pub seed: String,
    /// `exact` or `heuristic`.
    pub method: String,
    pub covered_risk: f64,
    pub upper_bound: f64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = visits)]
pub struct VisitRow {
    pub plan_id: String,
    pub unit: String,
    pub unit_name: String,
    pub team: String,
    pub team_name: String,
    pub visit_date: NaiveDate,
    pub start_minute: i32,
    pub minutes: i32,
    pub risk: f64,
    /// `mandatory`, `random` or `risk`.
    pub selection: String,
}

/// A notice to an inspected unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    pub plan_id: String,
    pub unit: String,
    /// The day to send it: the visit minus the campaign's lead time in working days.
    pub due_on: NaiveDate,
    pub visit_date: NaiveDate,
    /// The unit's officer (or head) address; `None` when the registry has none.
    pub recipient: Option<String>,
    pub subject: String,
    /// Plain text, NFC.
    pub body: String,
    pub sent_at: Option<NaiveDateTime>,
}

pub fn get(conn: &mut AnyConn, id: &str) -> QueryResult<Option<PlanRow>> {
    node::dispatch!(conn, |c| {
        plans::table
            .find(id)
            .select(PlanRow::as_select())
            .first(c)
            .optional()
    })
}

/// Every plan, latest plan date first.
pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<PlanRow>> {
    node::dispatch!(conn, |c| {
        plans::table
            .order((plans::plan_date.desc(), plans::id))
            .select(PlanRow::as_select())
            .load(c)
    })
}

/// A plan's visits by date, team and arrival.
pub fn visits_of(conn: &mut AnyConn, plan_id: &str) -> QueryResult<Vec<VisitRow>> {
    node::dispatch!(conn, |c| {
        visits::table
            .filter(visits::plan_id.eq(plan_id))
            .order((visits::visit_date, visits::team, visits::start_minute))
            .select(VisitRow::as_select())
            .load(c)
    })
}

/// A plan's notices by due date and unit.
pub fn notices_of(conn: &mut AnyConn, plan_id: &str) -> QueryResult<Vec<NoticeRow>> {
    node::dispatch!(conn, |c| {
        notices::table
            .filter(notices::plan_id.eq(plan_id))
            .order((notices::due_on, notices::unit))
            .select(NoticeRow::as_select())
            .load(c)
    })
}

/// How many of a plan's notices were sent.
pub fn sent_count(conn: &mut AnyConn, plan_id: &str) -> QueryResult<i64> {
    node::dispatch!(conn, |c| {
        notices::table
            .filter(notices::plan_id.eq(plan_id))
            .filter(notices::sent_at.is_not_null())
            .count()
            .get_result(c)
    })
}

/// Stores `plan` with its visits and notices, replacing an earlier issue of the same id (its
/// visits and notices go). The caller checks [`sent_count`] first, in the same transaction.
pub fn replace(
    conn: &mut AnyConn,
    plan: &PlanRow,
    visit_rows: &[VisitRow],
    notice_rows: &[NoticeRow],
) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::delete(notices::table.filter(notices::plan_id.eq(&plan.id))).execute(c)?;
        diesel::delete(visits::table.filter(visits::plan_id.eq(&plan.id))).execute(c)?;
        diesel::delete(plans::table.find(&plan.id)).execute(c)?;
        diesel::insert_into(plans::table).values(plan).execute(c)?;
        // Bound the bound variables per statement (SQLite: 32,766).
        for chunk in visit_rows.chunks(1_000) {
            diesel::insert_into(visits::table)
                .values(chunk)
                .execute(c)?;
        }
        for chunk in notice_rows.chunks(1_000) {
            diesel::insert_into(notices::table)
                .values(chunk)
                .execute(c)?;
        }
        Ok(())
    })
}

/// The notices to send on `today`: due on or before it, not sent, and whose visit is still to
/// come (a notice after the visit is pointless). By due date, plan and unit.
pub fn notices_due(conn: &mut AnyConn, today: NaiveDate) -> QueryResult<Vec<NoticeRow>> {
    node::dispatch!(conn, |c| {
        notices::table
            .filter(notices::due_on.le(today))
            .filter(notices::visit_date.ge(today))
            .filter(notices::sent_at.is_null())
            .order((notices::due_on, notices::plan_id, notices::unit))
            .select(NoticeRow::as_select())
            .load(c)
    })
}

/// Marks the notice of `unit` in plan `plan_id` sent at `at` (UTC); false when it does not
/// exist or was already marked.
pub fn mark_notice_sent(
    conn: &mut AnyConn,
    plan_id: &str,
    unit: &str,
    at: NaiveDateTime,
) -> QueryResult<bool> {
    node::dispatch!(conn, |c| {
        let n = diesel::update(
            notices::table
                .find((plan_id, unit))
                .filter(notices::sent_at.is_null()),
        )
        .set(notices::sent_at.eq(at))
        .execute(c)?;
        Ok(n > 0)
    })
}
