//! The `mail_queue` table's model code: insert a rendered mail, pick the ones ready to go,
//! claim one before sending (so two senders never send the same row), and mark the outcome.
//! Like the rest of the store, every function takes a connection and leaves the transaction
//! to the caller.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::store::schema::mail_queue;
use crate::store::AnyConn;

/// Waiting to be sent, first or again (`next_attempt` says when).
pub const PENDING: &str = "pending";
/// Handed to the relay (or written as `.eml`).
pub const SENT: &str = "sent";
/// Refused for good by the relay (a 5xx answer to the sender, recipients or content).
pub const FAILED: &str = "failed";

/// One queued mail, rendered once and sent as stored (retries send the same bytes, with the
/// same Message-ID).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_queue)]
pub struct MailRow {
    /// Also the local part of the Message-ID, e.g. `20261203.9f0c4e2a1b3d5f67`.
    pub id: String,
    /// `unit` (a unit's digest) or `committee` (the escalation digest).
    pub audience: String,
    /// The unit a unit digest is for.
    pub unit: Option<String>,
    /// The day the reminders were computed for.
    pub day: NaiveDate,
    /// Envelope sender address.
    pub sender: String,
    /// Envelope recipient addresses, `, `-separated.
    pub recipients: String,
    /// The subject as text (the message holds it encoded).
    pub subject: String,
    /// The whole RFC 5322 message, 7-bit (headers RFC 2047, body quoted-printable/base64).
    pub message: String,
    /// [`PENDING`], [`SENT`] or [`FAILED`].
    pub status: String,
    /// Attempts started so far.
    pub attempts: i32,
    /// Earliest time of the next attempt (UTC); while an attempt runs, the end of its lease.
    pub next_attempt: NaiveDateTime,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

/// How many mails are in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub pending: i64,
    pub sent: i64,
    pub failed: i64,
}

pub fn insert(conn: &mut AnyConn, row: &MailRow) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::insert_into(mail_queue::table)
            .values(row)
            .execute(c)?;
        Ok(())
    })
}

/// Pending mails whose next attempt has come by `now`, oldest first, at most `limit`.
pub fn ready(conn: &mut AnyConn, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<MailRow>> {
    node::dispatch!(conn, |c| {
        mail_queue::table
            .filter(mail_queue::status.eq(PENDING))
            .filter(mail_queue::next_attempt.le(now))
            .order((mail_queue::created_at, mail_queue::id))
            .limit(limit)
            .select(MailRow::as_select())
            .load(c)
    })
}

/// Takes `id` for one attempt: counts the attempt and pushes its next attempt to
/// `lease_until` (so a crash mid-send retries it then). False when another sender took it
/// first (its attempt count moved on) or it is no longer pending.
pub fn claim(
    conn: &mut AnyConn,
    id: &str,
    attempts_seen: i32,
    lease_until: NaiveDateTime,
) -> QueryResult<bool> {
    let n = node::dispatch!(conn, |c| {
        diesel::update(
            mail_queue::table
                .find(id)
                .filter(mail_queue::status.eq(PENDING))
                .filter(mail_queue::attempts.eq(attempts_seen)),
        )
        .set((
            mail_queue::attempts.eq(attempts_seen + 1),
            mail_queue::next_attempt.eq(lease_until),
        ))
        .execute(c)
    })?;
    Ok(n == 1)
}

pub fn mark_sent(conn: &mut AnyConn, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::update(mail_queue::table.find(id))
            .set((
                mail_queue::status.eq(SENT),
                mail_queue::sent_at.eq(Some(now)),
                mail_queue::last_error.eq(None::<String>),
            ))
            .execute(c)?;
        Ok(())
    })
}

/// Leaves `id` pending, to be tried again from `next`.
pub fn mark_retry(
    conn: &mut AnyConn,
    id: &str,
    next: NaiveDateTime,
    error: &str,
) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::update(mail_queue::table.find(id))
            .set((
                mail_queue::next_attempt.eq(next),
                mail_queue::last_error.eq(Some(error)),
            ))
            .execute(c)?;
        Ok(())
    })
}

pub fn mark_failed(conn: &mut AnyConn, id: &str, error: &str) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::update(mail_queue::table.find(id))
            .set((
                mail_queue::status.eq(FAILED),
                mail_queue::last_error.eq(Some(error)),
            ))
            .execute(c)?;
        Ok(())
    })
}

/// Puts the failed mails back in the queue, due at `now`; returns how many.
pub fn requeue_failed(conn: &mut AnyConn, now: NaiveDateTime) -> QueryResult<usize> {
    node::dispatch!(conn, |c| {
        diesel::update(mail_queue::table.filter(mail_queue::status.eq(FAILED)))
            .set((
                mail_queue::status.eq(PENDING),
                mail_queue::next_attempt.eq(now),
            ))
            .execute(c)
    })
}

/// The earliest next attempt of any pending mail.
pub fn next_attempt(conn: &mut AnyConn) -> QueryResult<Option<NaiveDateTime>> {
    node::dispatch!(conn, |c| {
        mail_queue::table
            .filter(mail_queue::status.eq(PENDING))
            .select(diesel::dsl::min(mail_queue::next_attempt))
            .first(c)
    })
}

pub fn counts(conn: &mut AnyConn) -> QueryResult<Counts> {
    let rows: Vec<(String, i64)> = node::dispatch!(conn, |c| {
        mail_queue::table
            .group_by(mail_queue::status)
            .select((mail_queue::status, diesel::dsl::count_star()))
            .load(c)
    })?;
    let mut out = Counts::default();
    for (status, n) in rows {
        match status.as_str() {
            PENDING => out.pending = n,
            SENT => out.sent = n,
            _ => out.failed += n,
        }
    }
    Ok(out)
}

/// Every queued mail, oldest first.
pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<MailRow>> {
    node::dispatch!(conn, |c| {
        mail_queue::table
            .order((mail_queue::created_at, mail_queue::id))
            .select(MailRow::as_select())
            .load(c)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn row(id: &str, created: &str) -> MailRow {
        MailRow {
            id: id.into(),
            audience: "unit".into(),
            unit: Some("75/so-tai-chinh".into()),
            day: "2026-12-03".parse().unwrap(),
            sender: "pa03@congan.dongnai.example.vn".into(),
            recipients: "vanthu@stc.dongnai.example.vn".into(),
            subject: "[BMNN] Nhắc hạn".into(),
            message: "Subject: x\r\n\r\nbody\r\n".into(),
            status: PENDING.into(),
            attempts: 0,
            next_attempt: at(created),
            last_error: None,
            created_at: at(created),
            sent_at: None,
        }
    }

    #[test]
    fn migrated_table_matches_the_model_and_claims_are_exclusive() {
        let tmp = tempfile::tempdir().unwrap();
        let (_db, pool) = crate::store::testdb::open(tmp.path(), "mailq").unwrap();
        let mut c = pool.get().unwrap();
        insert(&mut c, &row("b", "2026-12-03 01:00:01")).unwrap();
        insert(&mut c, &row("a", "2026-12-03 01:00:00")).unwrap();
        assert!(insert(&mut c, &row("a", "2026-12-03 01:00:00")).is_err());
        let now = at("2026-12-03 01:05:00");
        let ready_ids: Vec<String> = ready(&mut c, now, 10)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect();
        assert_eq!(ready_ids, ["a", "b"], "oldest first");

        let lease = at("2026-12-03 01:15:00");
        assert!(claim(&mut c, "a", 0, lease).unwrap());
        assert!(
            !claim(&mut c, "a", 0, lease).unwrap(),
            "a second sender that read the same row loses"
        );
        assert_eq!(ready(&mut c, now, 10).unwrap().len(), 1, "a is leased");
        mark_retry(&mut c, "a", at("2026-12-03 01:06:00"), "connection refused").unwrap();
        assert_eq!(
            next_attempt(&mut c).unwrap(),
            Some(at("2026-12-03 01:00:01"))
        );
        mark_sent(&mut c, "b", now).unwrap();
        assert_eq!(
            next_attempt(&mut c).unwrap(),
            Some(at("2026-12-03 01:06:00"))
        );
        let a = all(&mut c).unwrap().remove(0);
        assert_eq!(
            (a.attempts, a.last_error.as_deref()),
            (1, Some("connection refused"))
        );
        assert!(claim(&mut c, "a", 1, lease).unwrap());
        mark_failed(&mut c, "a", "550 no such user").unwrap();
        assert_eq!(
            counts(&mut c).unwrap(),
            Counts {
                pending: 0,
                sent: 1,
                failed: 1
            }
        );
        assert_eq!(next_attempt(&mut c).unwrap(), None);
        assert_eq!(requeue_failed(&mut c, now).unwrap(), 1);
        assert_eq!(ready(&mut c, now, 10).unwrap()[0].id, "a");
    }
}
