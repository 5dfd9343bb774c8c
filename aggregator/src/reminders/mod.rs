//! Reminders, overdue notices and escalations by mail, for every report kind the rule pack
//! gives a deadline towards this aggregator's tier ([`plan`]: which units owe what at which
//! stage on a working day; [`digest`]: one mail per unit and day, one for the steering
//! committee, in Vietnamese).
//!
//! Exactly once: [`queue_due`] records each item in `reminders_sent` (unit, kind, period,
//! stage) and queues the one mail that lists the new ones (`crate::mail`), in one
//! transaction; an item recorded before is never listed again, however often the schedule or
//! `bmnn-aggregator remind` runs. The queue then sends, retries with backoff on SMTP failure
//! and survives restarts. [`run_schedule`] runs it on the `[reminders] schedule` (cron, in
//! Asia/Ho_Chi_Minh) together with the consolidated report's sending
//! (`crate::upward::send_if_due`), and wakes in between for queued mail whose retry is due.

pub mod digest;
pub mod once;
pub mod plan;
pub mod requests;
mod schedule;

use anyhow::anyhow;
use chrono::NaiveDate;
use config::rules::RuleBook;
use config::settings::AggregatorSettings;
use diesel::prelude::*;
use lettre::message::Mailbox;
use schema::ReportingPeriod;

pub use digest::{group, render, Audience, Digest, Unreachable};
pub use once::queue_once;
pub use plan::{due, DueItem, Stage};
pub use schedule::{claimed_daily, run_schedule, LEASE};

use crate::mail::{self, Retry, Transport};
use crate::store::schema::reminders_sent;
use crate::store::AnyConn;

/// What [`queue_due`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queued {
    /// Items due on the day (recorded before or now).
    pub due: usize,
    /// Items recorded now.
    pub recorded: usize,
    /// Mails queued now.
    pub mails: usize,
    /// Items no mail could carry.
    pub unreachable: Unreachable,
}

/// Records the items of `digest` not recorded before and queues one mail listing them, in
/// one transaction. Returns how many items were new (0: nothing queued).
pub fn queue_digest(
    conn: &mut AnyConn,
    digest: &Digest,
    from: &Mailbox,
    org: &str,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    conn.write_transaction(|c| {
        let id = mail::new_id(today);
        let recipients: Vec<String> = digest.to.iter().map(|m| m.email.to_string()).collect();
        let recipients = recipients.join(", ");
        let now = node::db::now();
        let mut fresh = Vec::new();
        for item in &digest.items {
            let insert = diesel::insert_into(reminders_sent::table)
                .values((
                    reminders_sent::unit.eq(item.unit.as_str()),
                    reminders_sent::kind.eq(item.record_kind()),
                    reminders_sent::period.eq(item.period.to_string()),
                    reminders_sent::stage.eq(item.stage.code()),
                    reminders_sent::recipient.eq(&recipients),
                    reminders_sent::sent_at.eq(now),
                    reminders_sent::mail_id.eq(Some(&id)),
                ))
                .on_conflict_do_nothing();
            if node::dispatch!(&mut *c, |c| insert.execute(c))? == 1 {
                fresh.push(item);
            }
        }
        if fresh.is_empty() {
            return Ok(0);
        }
        let words = render(digest, &fresh, org, today);
        let composed = mail::compose(
            &id,
            from,
            &mail::Outgoing {
                to: digest.to.clone(),
                subject: words.subject.clone(),
                text: words.text,
                html: words.html,
            },
        )?;
        let unit = digest.audience.unit().map(|u| u.as_str());
        mail::enqueue(
            c,
            &id,
            digest.audience.code(),
            unit,
            today,
            &words.subject,
            &composed,
        )?;
        let stages: Vec<String> = fresh
            .iter()
            .map(|i| format!("{} {} {}", i.record_kind(), i.period, i.stage.code()))
            .collect();
        node::db::audit::append(
            c,
            "reminders",
            "mail_queued",
            unit.unwrap_or("committee"),
            &format!("{id}: {}", stages.join("; ")),
        )?;
        Ok(fresh.len())
    })
}

/// Computes what is due on `today` (only for `period` if given), records it and queues the
/// mails; sends nothing (see [`crate::mail::flush`]).
pub fn queue_due(
    conn: &mut AnyConn,
    rules: &RuleBook,
    settings: &AggregatorSettings,
    today: NaiveDate,
    period: Option<ReportingPeriod>,
) -> anyhow::Result<Queued> {
    let r = &settings.reminders;
    let mut items = due(
        conn,
        rules,
        &settings.unit.id,
        today,
        r.catch_up_working_days,
        period,
    )?;
    if period.is_none() && rules.is_working_day(today) {
        items.extend(requests::due(
            conn,
            rules,
            &settings.unit.id,
            today,
            r.catch_up_working_days,
        )?);
    }
    let committee = r
        .committee
        .as_ref()
        .map(|c| mail::mailbox(c.as_str()))
        .transpose()
        .map_err(|e| anyhow!("[reminders] committee: {e}"))?;
    let from = mail::sender(settings).map_err(|e| anyhow!("[mail] from: {e}"))?;
    let mut out = Queued {
        due: items.len(),
        ..Queued::default()
    };
    let (digests, unreachable) = group(items, committee.as_ref());
    out.unreachable = unreachable;
    for d in &digests {
        let n = queue_digest(conn, d, &from, settings.unit.name.as_str(), today)?;
        if n > 0 {
            out.recorded += n;
            out.mails += 1;
        }
    }
    Ok(out)
}

/// Sends the queued mail that is due, through the transport the settings name.
pub fn flush_queue(
    conn: &mut AnyConn,
    settings: &AggregatorSettings,
) -> anyhow::Result<mail::Flush> {
    let transport = Transport::from_settings(settings)?;
    mail::flush(conn, &transport, &Retry::from_settings(settings))
}

/// The next time the `[reminders] schedule` fires after `after`, in Asia/Ho_Chi_Minh.
pub fn next_run(
    schedule: &config::settings::CronSchedule,
    after: chrono::DateTime<chrono_tz::Tz>,
) -> anyhow::Result<chrono::DateTime<chrono_tz::Tz>> {
    let s: cron::Schedule = schedule.as_str().parse().map_err(|e| {
        anyhow!(
            "[reminders] schedule `{}` is not a cron expression: {e}",
            schedule.as_str()
        )
    })?;
    s.after(&after)
        .next()
        .ok_or_else(|| anyhow!("[reminders] schedule `{}` never fires", schedule.as_str()))
}

/// The scheduled work of one firing on `today`: queue the day's reminders and the inspection
/// notices and overdue-remediation notices, send the consolidated report when due, then send
/// the queued mail.
fn daily(
    conn: &mut AnyConn,
    settings: &AggregatorSettings,
    rules: &RuleBook,
    relay: Option<&crate::relay::Relay>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    match queue_due(conn, rules, settings, today, None) {
        Ok(q) => {
            tracing::info!(
                due = q.due,
                recorded = q.recorded,
                mails = q.mails,
                "reminders run"
            );
            if !q.unreachable.units.is_empty() {
                tracing::warn!(
                    units = q.unreachable.units.len(),
                    first = %q.unreachable.units[0],
                    "units without an officer or head address got no reminder: add it to the registry"
                );
            }
            if q.unreachable.escalations > 0 {
                tracing::warn!(
                    escalations = q.unreachable.escalations,
                    "escalations not mailed: set [reminders] committee"
                );
            }
        }
        Err(e) => tracing::error!("reminders: {e:#}"),
    }
    match crate::inspection::mailing::queue(conn, settings, today) {
        Ok(q) => tracing::info!(
            notices = q.notices,
            remediations = q.remediations,
            unreachable = q.unreachable.len(),
            "inspection mail queued"
        ),
        Err(e) => tracing::error!("inspection mail: {e:#}"),
    }
    let upward = match relay {
        Some(relay) => crate::upward::send_if_due(conn, rules, settings, relay, today).map(|env| {
            if let Some(env) = env {
                relay.wake();
                tracing::info!(report = %env.body.report_id, period = %env.body.period,
                    "consolidated report queued for the parent");
            }
        }),
        None => Ok(()),
    };
    let flushed = flush_queue(conn, settings).map(|_| ());
    upward.and(flushed)
}

#[cfg(test)]
mod due_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn schedule_fires_at_eight_in_vietnam_on_weekdays() {
        let s = config::settings::CronSchedule::parse("0 0 8 * * Mon-Fri").unwrap();
        let tz = config::settings::TIMEZONE;
        // Friday 4 Dec 2026, 09:00 in Hà Nội: next is Monday 7 Dec at 08:00 (+07:00).
        let after = tz.with_ymd_and_hms(2026, 12, 4, 9, 0, 0).unwrap();
        let next = next_run(&s, after).unwrap();
        assert_eq!(next, tz.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap());
        assert_eq!(next.naive_utc().to_string(), "2026-12-07 01:00:00");
    }
}
