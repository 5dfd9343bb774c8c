//! Outgoing mail as a persisted queue (`mail_queue`): a mail is rendered once ([`compose`])
//! and stored ([`enqueue`]) in the transaction that records what it announces, then
//! [`flush`] sends every mail whose time has come through the [`Transport`] (an SMTP relay,
//! or `.eml` files without one). Each attempt first claims its row, so two senders (the
//! service's schedule and a `remind` run) never send the same mail; a failed attempt leaves
//! the mail pending with the next attempt after a doubling delay (`[mail] retry_initial_secs`
//! up to `retry_max_secs`); a restart picks up whatever is pending. A process that dies in
//! the middle of an SMTP exchange retries that one mail after [`LEASE`], with the same
//! Message-ID. Logs name mails by id and recipients, never their text.

pub mod compose;
pub mod queue;
pub mod transport;

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use config::settings::AggregatorSettings;
use diesel::QueryResult;
use lettre::message::Mailbox;

pub use compose::{compose, mailbox, new_id, Composed, Outgoing};
pub use queue::MailRow;
pub use transport::{SendError, Transport};

use crate::store::AnyConn;

/// How long one attempt holds a mail before another sender may try it again.
pub const LEASE: Duration = Duration::from_secs(10 * 60);

/// The sender without a `[mail]` section (the demo writes `.eml` files).
pub const DEFAULT_SENDER: &str = "bmnn-noreply@localhost";

/// The sender mailbox: `[mail] from`, or the unit's name at [`DEFAULT_SENDER`].
pub fn sender(settings: &AggregatorSettings) -> anyhow::Result<Mailbox> {
    match &settings.mail {
        Some(m) => mailbox(m.from.as_str()),
        None => mailbox(&format!("{} <{DEFAULT_SENDER}>", settings.unit.name)),
    }
}

/// Retry delays: doubling from `initial` up to `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    pub initial: Duration,
    pub max: Duration,
}

impl Retry {
    /// `[mail] retry_initial_secs` / `retry_max_secs`, or 60 s / 1 h without `[mail]`.
    pub fn from_settings(settings: &AggregatorSettings) -> Self {
        match &settings.mail {
            Some(m) => Self {
                initial: Duration::from_secs(m.retry_initial_secs),
                max: Duration::from_secs(m.retry_max_secs),
            },
            None => Self {
                initial: Duration::from_secs(60),
                max: Duration::from_secs(3_600),
            },
        }
    }

    /// The delay after `failures` failed attempts (1 after the first).
    pub fn delay(&self, failures: u32) -> Duration {
        let factor = 1u32 << failures.saturating_sub(1).min(20);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

/// Stores a rendered mail as pending, due now. Call it inside the transaction that records
/// the reminders it carries.
pub fn enqueue(
    conn: &mut AnyConn,
    id: &str,
    audience: &str,
    unit: Option<&str>,
    day: NaiveDate,
    subject: &str,
    mail: &Composed,
) -> QueryResult<()> {
    let now = node::db::now();
    queue::insert(
        conn,
        &MailRow {
            id: id.to_string(),
            audience: audience.to_string(),
            unit: unit.map(str::to_string),
            day,
            sender: mail.sender.clone(),
            recipients: mail.recipients.join(", "),
            subject: subject.to_string(),
            message: mail.message.clone(),
            status: queue::PENDING.to_string(),
            attempts: 0,
            next_attempt: now,
            last_error: None,
            created_at: now,
            sent_at: None,
        },
    )
}

/// A mail that did not go out in this flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub id: String,
    pub subject: String,
    pub recipients: String,
    pub attempts: i32,
    pub error: String,
    /// When it is tried again; `None` when the relay refused it for good.
    pub next_attempt: Option<NaiveDateTime>,
}

/// What one [`flush`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flush {
    pub sent: usize,
    /// Still pending, to be retried.
    pub retrying: Vec<Failure>,
    /// Refused for good (status `failed`).
    pub failed: Vec<Failure>,
}

/// Sends every pending mail whose next attempt has come, oldest first.
pub fn flush(conn: &mut AnyConn, transport: &Transport, retry: &Retry) -> anyhow::Result<Flush> {
    let mut out = Flush::default();
    let lease = chrono::Duration::from_std(LEASE)?;
    let started = node::db::now();
    loop {
        let batch = queue::ready(conn, started, 50)?;
        if batch.is_empty() {
            return Ok(out);
        }
        for row in batch {
            if !queue::claim(conn, &row.id, row.attempts, node::db::now() + lease)? {
                continue; // Another sender took it.
            }
            let attempts = row.attempts + 1;
            match transport.deliver(&row) {
                Ok(()) => {
                    conn.write_transaction(|c| -> anyhow::Result<()> {
                        queue::mark_sent(c, &row.id, node::db::now())?;
                        node::db::audit::append(c, "mail", "mail_sent", &row.id, &row.recipients)?;
                        Ok(())
                    })?;
                    tracing::info!(mail = %row.id, to = %row.recipients, attempts, "mail sent");
                    out.sent += 1;
                }
                Err(e) => {
                    let failure = |next| Failure {
                        id: row.id.clone(),
                        subject: row.subject.clone(),
                        recipients: row.recipients.clone(),
                        attempts,
                        error: e.message.clone(),
                        next_attempt: next,
                    };
                    if e.permanent {
                        conn.write_transaction(|c| -> anyhow::Result<()> {
                            queue::mark_failed(c, &row.id, &e.message)?;
                            node::db::audit::append(c, "mail", "mail_failed", &row.id, &e.message)?;
                            Ok(())
                        })?;
                        tracing::error!(mail = %row.id, to = %row.recipients,
                            "mail refused for good: {}", e.message);
                        out.failed.push(failure(None));
                    } else {
                        let delay = retry.delay(u32::try_from(attempts).unwrap_or(u32::MAX));
                        let next = node::db::now() + chrono::Duration::from_std(delay)?;
                        queue::mark_retry(conn, &row.id, next, &e.message)?;
                        tracing::warn!(mail = %row.id, to = %row.recipients, attempts,
                            retry_in_secs = delay.as_secs(), "mail not sent: {}", e.message);
                        out.retrying.push(failure(Some(next)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_delays_double_up_to_the_ceiling() {
        let r = Retry {
            initial: Duration::from_secs(60),
            max: Duration::from_secs(600),
        };
        let d: Vec<u64> = (1..=6).map(|n| r.delay(n).as_secs()).collect();
        assert_eq!(d, [60, 120, 240, 480, 600, 600]);
        assert_eq!(r.delay(u32::MAX), Duration::from_secs(600));
    }
}
