//! Reminders and escalation for the annual report, by mail. On each working day of the rule
//! pack's reminder dates (e.g. 14, 7, 3 and 1 days before the deadline) every child unit of
//! this aggregator that has not reported gets a reminder at its officer's address; on the
//! escalation day after the deadline the unit's head is written to (the officer when no head
//! address is known). A reminder is recorded before it is sent, so it is never sent twice
//! however often the schedule runs (a crash between the record and the send loses that one
//! mail rather than repeating it; a failed send removes the record so the next run retries).
//! Dates and times are in Asia/Ho_Chi_Minh.

use crate::store::AnyConn;
use std::collections::BTreeSet;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;
use config::rules::RuleBook;
use config::settings::MailSection;
use diesel::prelude::*;
use lettre::message::header::ContentType;
use lettre::{Message, SmtpTransport, Transport};
use schema::{ReportKind, ReportingPeriod, Tier, UnitId};

use crate::registry;
use crate::store::schema::{received, reminders_sent};

/// One mail to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub unit: UnitId,
    pub unit_name: String,
    pub to: String,
    /// `before-7`, or `escalation`.
    pub stage: String,
    pub deadline: NaiveDate,
    pub period: ReportingPeriod,
}

impl Reminder {
    fn subject(&self) -> String {
        let what = if self.stage == "escalation" {
            "Đôn đốc"
        } else {
            "Nhắc hạn"
        };
        format!(
            "[BMNN] {what} nộp báo cáo sơ kết công tác bảo vệ bí mật nhà nước năm {} — hạn {}",
            self.period.end_year(),
            self.deadline.format("%d/%m/%Y")
        )
    }

    fn body(&self) -> String {
        let lead = if self.stage == "escalation" {
            format!(
                "Đến nay {} chưa nộp báo cáo sơ kết, đã quá hạn {}.",
                self.unit_name,
                self.deadline.format("%d/%m/%Y")
            )
        } else {
            format!(
                "{} chưa nộp báo cáo sơ kết; hạn nộp là ngày {}.",
                self.unit_name,
                self.deadline.format("%d/%m/%Y")
            )
        };
        format!(
            "Kính gửi {}:\n\n{lead}\nĐề nghị đơn vị lập, trình lãnh đạo duyệt và gửi báo cáo qua hệ thống.\n\n\
             Thư này được gửi tự động; không trả lời thư này.\n",
            self.unit_name
        )
    }
}

/// The reminders due on `today` for `period`'s annual report (empty on a non-working day).
pub fn due(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    period: ReportingPeriod,
    today: NaiveDate,
) -> anyhow::Result<Vec<Reminder>> {
    if !rules.is_working_day(today) {
        return Ok(Vec::new());
    }
    let pack = rules
        .pack_for(period.end())
        .context("no rule pack for the period")?;
    let deadline = pack
        .deadline(ReportKind::AnnualReport, scope.tier(), period.end_year())
        .or_else(|_| pack.deadline(ReportKind::AnnualReport, Tier::Province, period.end_year()))?;
    let (before, escalation) = pack.reminder_dates(deadline);
    let stage = if today == escalation {
        "escalation".to_string()
    } else if before.contains(&today) {
        format!("before-{}", (deadline - today).num_days())
    } else {
        return Ok(Vec::new());
    };
    let query = received::table
        .filter(received::kind.eq(ReportKind::AnnualReport.code()))
        .filter(received::period.eq(period.to_string()))
        .select(received::unit);
    let reported: BTreeSet<String> = node::dispatch!(&mut *conn, |c| query.load::<String>(c))?
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for child in registry::children(conn, scope, period.end())? {
        let has_reported = reported
            .iter()
            .any(|u| u == &child.id || u.starts_with(&format!("{}/", child.id)));
        let to = if stage == "escalation" {
            child.head_email.clone().or(child.officer_email.clone())
        } else {
            child.officer_email.clone()
        };
        let (false, Some(to)) = (has_reported, to) else {
            continue;
        };
        let unit =
            UnitId::parse(&child.id).map_err(|e| anyhow!("registry unit {}: {e}", child.id))?;
        out.push(Reminder {
            unit,
            unit_name: child.name.clone(),
            to,
            stage: stage.clone(),
            deadline,
            period,
        });
    }
    Ok(out)
}

/// Sends the reminders not sent before; returns how many went out.
pub fn send(
    conn: &mut AnyConn,
    mail: &MailSection,
    reminders: &[Reminder],
) -> anyhow::Result<usize> {
    let transport = if mail.starttls {
        SmtpTransport::starttls_relay(&mail.host)
            .context("SMTP STARTTLS setup")?
            .port(mail.port)
            .build()
    } else {
        SmtpTransport::builder_dangerous(&mail.host)
            .port(mail.port)
            .build()
    };
    let kind = ReportKind::AnnualReport.code();
    let mut sent = 0;
    for r in reminders {
        let key = (r.unit.to_string(), r.period.to_string(), r.stage.clone());
        let insert = diesel::insert_into(reminders_sent::table)
            .values((
                reminders_sent::unit.eq(&key.0),
                reminders_sent::kind.eq(kind),
                reminders_sent::period.eq(&key.1),
                reminders_sent::stage.eq(&key.2),
                reminders_sent::recipient.eq(&r.to),
                reminders_sent::sent_at.eq(node::db::now()),
            ))
            .on_conflict_do_nothing();
        let inserted = node::dispatch!(&mut *conn, |c| insert.execute(c))?;
        if inserted == 0 {
            continue;
        }
        let message = Message::builder()
            .from(
                mail.from
                    .as_str()
                    .parse()
                    .map_err(|e| anyhow!("[mail] from: {e}"))?,
            )
            .to(r
                .to
                .parse()
                .map_err(|e| anyhow!("address of {}: {e}", r.unit))?)
            .subject(r.subject())
            .header(ContentType::TEXT_PLAIN)
            .body(r.body())
            .context("cannot build the mail")?;
        if let Err(e) = transport.send(&message) {
            let claim = reminders_sent::table
                .filter(reminders_sent::unit.eq(&key.0))
                .filter(reminders_sent::kind.eq(kind))
                .filter(reminders_sent::period.eq(&key.1))
                .filter(reminders_sent::stage.eq(&key.2));
            node::dispatch!(&mut *conn, |c| diesel::delete(claim).execute(c))?;
            return Err(anyhow!(
                "cannot send the reminder to {} ({}): {e}",
                r.unit,
                r.to
            ));
        }
        node::db::audit::append(
            conn,
            "reminders",
            "reminder_sent",
            r.unit.as_str(),
            &r.stage,
        )?;
        sent += 1;
    }
    Ok(sent)
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

/// Runs the reminders at every firing of the schedule until `shutdown`, if mail is configured.
pub async fn run_schedule(
    settings: config::settings::AggregatorSettings,
    pool: crate::store::DbPool,
    rules: &'static RuleBook,
    relay: Option<crate::relay::Relay>,
    shutdown: impl std::future::Future<Output = ()>,
) {
    if settings.mail.is_none() && relay.is_none() {
        return;
    }
    tokio::pin!(shutdown);
    loop {
        let now = chrono::Utc::now().with_timezone(&config::settings::TIMEZONE);
        let next = match next_run(&settings.reminders.schedule, now) {
            Ok(n) => n,
            Err(e) => {
                tracing::error!("{e:#}");
                return;
            }
        };
        let wait = (next - now).to_std().unwrap_or_default();
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(wait) => {}
        }
        let (pool, settings, relay) = (pool.clone(), settings.clone(), relay.clone());
        let today = next.date_naive();
        let done = tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut conn = pool.get()?;
            if let Some(mail) = &settings.mail {
                let period = ReportingPeriod::annual_containing(today);
                let due = due(&mut conn, rules, &settings.unit.id, period, today)?;
                let n = send(&mut conn, mail, &due)?;
                tracing::info!(sent = n, "reminders run");
            }
            if let Some(relay) = &relay {
                if let Some(env) =
                    crate::upward::send_if_due(&mut conn, rules, &settings, relay, today)?
                {
                    relay.wake();
                    tracing::info!(report = %env.body.report_id, period = %env.body.period,
                        "consolidated report queued for the parent");
                }
            }
            Ok(())
        })
        .await;
        match done {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!("schedule: {e:#}"),
            Err(e) => tracing::error!("schedule task failed: {e}"),
        }
    }
}

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
