//! Scheduled work run once across processes (`job_runs`, migration 000013): a job's slot (the
//! daily run of a date) is claimed by one process for a lease, then marked done. Several
//! `serve` processes on one PostgreSQL database fire the same schedule; exactly one runs each
//! slot, and if it dies before finishing, another takes the slot over once the lease has run
//! out. On SQLite (one process) the claim always wins the first time and never twice.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::job_runs;
use crate::store::AnyConn;

/// What a claim found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// This process runs the slot now (first, or after another's lease ran out).
    Won,
    /// Another process holds it until then (UTC): look again at that time.
    Held(NaiveDateTime),
    /// Someone already ran it.
    Done,
}

#[derive(Insertable)]
#[diesel(table_name = job_runs)]
struct NewRun<'a> {
    job: &'a str,
    slot: &'a str,
    owner: &'a str,
    lease_until: NaiveDateTime,
    done_at: Option<NaiveDateTime>,
}

/// Claims `job`'s `slot` for `owner` until `now + lease` (each step one atomic statement).
pub fn claim(
    conn: &mut AnyConn,
    (job, slot): (&str, &str),
    owner: &str,
    now: NaiveDateTime,
    lease: chrono::Duration,
) -> QueryResult<Claim> {
    let until = now + lease;
    let new = NewRun {
        job,
        slot,
        owner,
        lease_until: until,
        done_at: None,
    };
    let inserted = node::dispatch!(&mut *conn, |c| diesel::insert_into(job_runs::table)
        .values(&new)
        .on_conflict_do_nothing()
        .execute(c))?;
    if inserted == 1 {
        return Ok(Claim::Won);
    }
    let taken = node::dispatch!(&mut *conn, |c| diesel::update(
        job_runs::table
            .filter(job_runs::job.eq(job))
            .filter(job_runs::slot.eq(slot))
            .filter(job_runs::done_at.is_null())
            .filter(job_runs::lease_until.lt(now))
    )
    .set((job_runs::owner.eq(owner), job_runs::lease_until.eq(until)))
    .execute(c))?;
    if taken == 1 {
        return Ok(Claim::Won);
    }
    let (lease_until, done_at): (NaiveDateTime, Option<NaiveDateTime>) =
        node::dispatch!(&mut *conn, |c| job_runs::table
            .filter(job_runs::job.eq(job))
            .filter(job_runs::slot.eq(slot))
            .select((job_runs::lease_until, job_runs::done_at))
            .first(c))?;
    Ok(match done_at {
        Some(_) => Claim::Done,
        None => Claim::Held(lease_until),
    })
}

/// Marks the slot done, if `owner` still holds it (a process that outlived its lease and was
/// taken over does not mark the other's run).
pub fn finish(
    conn: &mut AnyConn,
    (job, slot): (&str, &str),
    owner: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = node::dispatch!(conn, |c| diesel::update(
        job_runs::table
            .filter(job_runs::job.eq(job))
            .filter(job_runs::slot.eq(slot))
            .filter(job_runs::owner.eq(owner))
            .filter(job_runs::done_at.is_null())
    )
    .set(job_runs::done_at.eq(Some(now)))
    .execute(c))?;
    Ok(n == 1)
}

/// A name for this process in `job_runs.owner`: host, process id and a random suffix.
pub fn owner_id() -> String {
    let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
    format!(
        "{host}-{}-{:08x}",
        std::process::id(),
        rand::random::<u32>()
    )
}

#[cfg(test)]
#[path = "jobs_tests.rs"]
mod tests;
