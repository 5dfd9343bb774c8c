//! The outbox: a table is our queue. One row per (report, digest, link). A sender claims due
//! rows by pushing their `next_attempt_at` one lease ahead inside an IMMEDIATE transaction, so
//! a sender killed mid-request leaves the row due again after the lease: nothing is lost, and
//! the receiver's idempotence (same id + digest = duplicate) means nothing is stored twice.
//!
//! States (after vector's delivery statuses): `pending` (to send, or errored and waiting to
//! retry), `delivered` (receipt verified and stored), `rejected` (the receiver refused it
//! permanently; set aside with its reason, never retried), `held` (above the link's
//! classification; only the transfer bundle can carry it).

use crate::db::any::AnyConn;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use super::schema::outbox;

pub const PRIORITY_INCIDENT: i32 = 0;
pub const PRIORITY_NORMAL: i32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Pending,
    Delivered,
    Rejected,
    Held,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Delivered => "delivered",
            State::Rejected => "rejected",
            State::Held => "held",
        }
    }

    pub fn parse(s: &str) -> State {
        match s {
            "delivered" => State::Delivered,
            "rejected" => State::Rejected,
            "held" => State::Held,
            _ => State::Pending,
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i32,
    pub report_id: String,
    pub digest: String,
    pub link: String,
    pub priority: i32,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub updated_at: NaiveDateTime,
}

impl OutboxRow {
    pub fn state(&self) -> State {
        State::parse(&self.state)
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewOutbox<'a> {
    pub report_id: &'a str,
    pub digest: &'a str,
    pub link: &'a str,
    pub priority: i32,
    pub state: &'a str,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<&'a str>,
    pub updated_at: NaiveDateTime,
}

/// Queues a report on a link; queuing the same (report, digest, link) again is a no-op.
pub fn enqueue(conn: &mut AnyConn, row: &NewOutbox<'_>) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(outbox::table)
            .values(row)
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(())
    })
}

/// Claims up to `limit` due rows, incidents first, oldest first, for `lease`. On PostgreSQL,
/// where several processes may send from one outbox, rows another sender is claiming right
/// now are skipped (`FOR UPDATE SKIP LOCKED`), so two processes never send one row at once.
pub fn claim_due(
    conn: &mut AnyConn,
    now: NaiveDateTime,
    lease: Duration,
    limit: i64,
) -> QueryResult<Vec<OutboxRow>> {
    conn.write_transaction(|conn| {
        macro_rules! due {
            () => {
                outbox::table
                    .filter(outbox::state.eq(State::Pending.code()))
                    .filter(outbox::next_attempt_at.le(now))
                    .order((outbox::priority, outbox::id))
                    .limit(limit)
                    .select(OutboxRow::as_select())
            };
        }
        let rows: Vec<OutboxRow> = match conn {
            AnyConn::Sqlite(c) => due!().load(c)?,
            AnyConn::Pg(c) => due!().for_update().skip_locked().load(c)?,
        };
        let ids: Vec<i32> = rows.iter().map(|r| r.id).collect();
        crate::dispatch!(conn, |c| diesel::update(
            outbox::table.filter(outbox::id.eq_any(&ids))
        )
        .set(outbox::next_attempt_at.eq(now + lease))
        .execute(c))?;
        Ok(rows)
    })
}

pub fn mark_delivered(conn: &mut AnyConn, id: i32, now: NaiveDateTime) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(State::Delivered.code()),
                outbox::last_error.eq(None::<String>),
                outbox::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// An errored attempt: count it and wait until `next_at`.
pub fn mark_retry(
    conn: &mut AnyConn,
    id: i32,
    next_at: NaiveDateTime,
    error: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::next_attempt_at.eq(next_at),
                outbox::last_error.eq(error),
                outbox::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

pub fn mark_rejected(
    conn: &mut AnyConn,
    id: i32,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(State::Rejected.code()),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::last_error.eq(reason),
                outbox::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Rows still to send (pending), for the full-queue policy.
pub fn pending_count(conn: &mut AnyConn) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::state.eq(State::Pending.code()))
            .count()
            .get_result(conn)
    })
}

pub fn for_report(conn: &mut AnyConn, report_id: &str) -> QueryResult<Vec<OutboxRow>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::report_id.eq(report_id))
            .order(outbox::id)
            .select(OutboxRow::as_select())
            .load(conn)
    })
}

pub fn get(conn: &mut AnyConn, id: i32) -> QueryResult<Option<OutboxRow>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .find(id)
            .select(OutboxRow::as_select())
            .first(conn)
            .optional()
    })
}

/// The earliest `next_attempt_at` among pending rows, to know how long to sleep.
pub fn next_due(conn: &mut AnyConn) -> QueryResult<Option<NaiveDateTime>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::state.eq(State::Pending.code()))
            .select(diesel::dsl::min(outbox::next_attempt_at))
            .first(conn)
    })
}

/// Counts per state, for `status`.
pub fn counts(conn: &mut AnyConn) -> QueryResult<Vec<(String, i64)>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .group_by(outbox::state)
            .select((outbox::state, diesel::dsl::count_star()))
            .load(conn)
    })
}

/// Makes every pending row due now (`bmnn-node push --retry-now`).
pub fn make_all_due(conn: &mut AnyConn, now: NaiveDateTime) -> QueryResult<usize> {
    crate::dispatch!(conn, |conn| {
        diesel::update(outbox::table.filter(outbox::state.eq(State::Pending.code())))
            .set(outbox::next_attempt_at.eq(now))
            .execute(conn)
    })
}

/// Rows that need a person's attention: rejected, held, or pending after a failure.
pub fn problems(conn: &mut AnyConn, limit: i64) -> QueryResult<Vec<OutboxRow>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::state.ne(State::Delivered.code()))
            .filter(outbox::last_error.is_not_null())
            .order(outbox::updated_at.desc())
            .limit(limit)
            .select(OutboxRow::as_select())
            .load(conn)
    })
}

/// Held rows (above every link's classification): what goes into a transfer bundle.
pub fn held(conn: &mut AnyConn) -> QueryResult<Vec<OutboxRow>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::state.eq(State::Held.code()))
            .order((outbox::priority, outbox::id))
            .select(OutboxRow::as_select())
            .load(conn)
    })
}

/// Marks every undelivered row of one report version delivered (a receipt came back by hand).
pub fn mark_version_delivered(
    conn: &mut AnyConn,
    report_id: &str,
    digest: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    crate::dispatch!(conn, |conn| {
        diesel::update(
            outbox::table
                .filter(outbox::report_id.eq(report_id))
                .filter(outbox::digest.eq(digest))
                .filter(outbox::state.ne(State::Delivered.code())),
        )
        .set((
            outbox::state.eq(State::Delivered.code()),
            outbox::updated_at.eq(now),
        ))
        .execute(conn)
    })
}
