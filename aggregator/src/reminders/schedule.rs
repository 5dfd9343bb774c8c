//! The schedule of `serve`: [`run_schedule`] runs the day's work (`daily`: reminders,
//! inspection mail, the consolidated report when due) at every firing of `[reminders]
//! schedule` and sends queued mail whenever a retry is due. The day's work is claimed in
//! `job_runs` first (`store::jobs`), so when several processes share one PostgreSQL database
//! exactly one runs it; a process that finds the day held by another looks again when that
//! lease runs out, and takes the day over if the other died before finishing.

use chrono::NaiveDate;
use config::rules::RuleBook;
use config::settings::AggregatorSettings;

use super::{daily, flush_queue, next_run};
use crate::mail::{self, Retry};
use crate::store::jobs::{self, Claim};
use crate::store::AnyConn;
use config::settings::TIMEZONE;

/// How long a process holds the day's work before another may take it over.
pub const LEASE: chrono::Duration = chrono::Duration::minutes(15);

/// The day's work under a claim: run it if this process wins the day (and mark it done when it
/// succeeded), otherwise only send the queued mail.
pub fn claimed_daily(
    conn: &mut AnyConn,
    settings: &AggregatorSettings,
    rules: &RuleBook,
    relay: Option<&crate::relay::Relay>,
    (today, owner): (NaiveDate, &str),
) -> anyhow::Result<Claim> {
    let slot = today.to_string();
    match jobs::claim(conn, ("daily", &slot), owner, node::db::now(), LEASE)? {
        Claim::Won => {}
        other => {
            flush_queue(conn, settings)?;
            return Ok(other);
        }
    }
    daily(conn, settings, rules, relay, today)?;
    jobs::finish(conn, ("daily", &slot), owner, node::db::now())?;
    Ok(Claim::Won)
}

/// Runs [`daily`] at every firing of the schedule and sends queued mail whenever a retry is
/// due (at once on start: a restart resumes the queue, and at once when `mail_wake` is
/// notified: the web UI queued a mail), until `shutdown`.
pub async fn run_schedule(
    settings: AggregatorSettings,
    pool: crate::store::DbPool,
    rules: std::sync::Arc<node::rulebook::LiveRules>,
    relay: Option<crate::relay::Relay>,
    mail_wake: std::sync::Arc<tokio::sync::Notify>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let retry = Retry::from_settings(&settings);
    let now = || chrono::Utc::now().with_timezone(&TIMEZONE);
    // After a failed run, no retry before this (the queue's own times cannot move when the
    // transport itself cannot be set up).
    let mut hold = now();
    let mut failures = 0u32;
    let owner = jobs::owner_id();
    // A day held by another process (or ours that failed): looked at again when its lease ends.
    let mut held_day: Option<(NaiveDate, chrono::DateTime<chrono_tz::Tz>)> = None;
    loop {
        let start = now();
        let next = match next_run(&settings.reminders.schedule, start) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!("{e:#}");
                return;
            }
        };
        let (next, day) = match held_day {
            Some((day, at)) if at < next => (at.max(start), Some(day)),
            _ => (next, None),
        };
        let p = pool.clone();
        let pending = tokio::task::spawn_blocking(move || {
            mail::queue::next_attempt(&mut *p.get()?).map_err(anyhow::Error::from)
        })
        .await;
        let retry_at = match pending {
            Ok(Ok(t)) => t.map(|t| t.and_utc().with_timezone(&TIMEZONE).max(hold)),
            Ok(Err(e)) => {
                tracing::error!("mail queue: {e:#}");
                None
            }
            Err(e) => {
                tracing::error!("mail queue task failed: {e}");
                None
            }
        };
        let (wake, scheduled) = match retry_at {
            Some(r) if r < next => (r, false),
            _ => (next, true),
        };
        tokio::select! {
            _ = &mut shutdown => return,
            // A mail was queued (a review): look at the queue's times again.
            _ = mail_wake.notified() => continue,
            _ = tokio::time::sleep((wake - start).to_std().unwrap_or_default()) => {}
        }
        let (pool, settings, relay, rules) =
            (pool.clone(), settings.clone(), relay.clone(), rules.clone());
        let today = day.unwrap_or_else(|| wake.date_naive());
        let me = owner.clone();
        let done = tokio::task::spawn_blocking(move || -> anyhow::Result<Option<Claim>> {
            let mut conn = pool.get()?;
            if scheduled {
                let work = (today, me.as_str());
                claimed_daily(&mut conn, &settings, rules.get(), relay.as_ref(), work).map(Some)
            } else {
                flush_queue(&mut conn, &settings).map(|_| None)
            }
        })
        .await;
        let utc = |t: chrono::NaiveDateTime| t.and_utc().with_timezone(&TIMEZONE);
        held_day = match &done {
            Ok(Ok(Some(Claim::Held(until)))) => {
                Some((today, utc(*until) + chrono::Duration::seconds(1)))
            }
            Ok(Ok(None)) => held_day,
            Ok(Ok(Some(_))) => None,
            // Our claim's lease runs out: then this process (or another) runs the day again.
            _ if scheduled => Some((today, now() + LEASE + chrono::Duration::seconds(1))),
            _ => held_day,
        };
        let error = match done {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(format!("{e:#}")),
            Err(e) => Some(format!("task failed: {e}")),
        };
        match error {
            None => failures = 0,
            Some(e) => {
                tracing::error!("schedule: {e}");
                failures = failures.saturating_add(1);
                hold =
                    now() + chrono::Duration::from_std(retry.delay(failures)).unwrap_or_default();
            }
        }
    }
}
