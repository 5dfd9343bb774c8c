//! `bmnn-aggregator remind`: records and queues the reminders, overdue notices and
//! escalations due on a day (for every report kind with a deadline towards this tier), then
//! sends the queued mail that is due, through `[mail]`'s SMTP relay or as `.eml` files. Run
//! it from cron on working days if the service does not run (`serve` does the same on
//! `[reminders] schedule`); running it again the same day sends nothing twice, and mail that
//! could not be sent stays queued for the next run. Exits with an error when a mail could not
//! be sent, so cron reports it.

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use chrono::NaiveDate;
use clap::Args;
use config::settings::{AggregatorSettings, TIMEZONE};
use schema::ReportingPeriod;

use crate::mail::{self, queue, Retry, Transport};
use crate::{reminders, store};

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// The aggregator's settings file.
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The day to act for, YYYY-MM-DD; default today in Asia/Ho_Chi_Minh.
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Only this reporting period (e.g. 2026); default every period with a stage due.
    #[arg(long, value_parser = |s: &str| ReportingPeriod::parse(s).map_err(|e| e.to_string()))]
    pub period: Option<ReportingPeriod>,
    /// Put the mails the relay refused for good back in the queue first.
    #[arg(long)]
    pub retry_failed: bool,
}

fn local(t: chrono::NaiveDateTime) -> String {
    t.and_utc()
        .with_timezone(&TIMEZONE)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

pub fn run(args: RemindArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().with_timezone(&TIMEZONE).date_naive());
    let pool = store::open_settings(&settings)?;
    let rules = node::app::load_rules(&settings.node)?;
    let mut conn = pool.get().context("database")?;
    if args.retry_failed {
        let n = queue::requeue_failed(&mut conn, node::db::now())?;
        println!("{n} mail(s) refused before are queued again");
    }
    let day = today.format("%d/%m/%Y");
    if !rules.is_working_day(today) {
        println!("{day}: ngày nghỉ / not a working day (weekend or public holiday): no reminders");
    }
    let q = reminders::queue_due(&mut conn, rules, &settings, today, args.period)?;
    println!(
        "Nhắc hạn / reminders on {day}: {} due, {} newly recorded in {} mail(s) (the others \
         were recorded before)",
        q.due, q.recorded, q.mails
    );
    let i = crate::inspection::mailing::queue(&mut conn, &settings, today)?;
    println!(
        "Kiểm tra / inspections: {} notice(s) and {} overdue-remediation notice(s) queued{}",
        i.notices,
        i.remediations,
        if i.unreachable.is_empty() {
            String::new()
        } else {
            format!("; no address for {}", i.unreachable.join(", "))
        }
    );
    if !q.unreachable.units.is_empty() {
        let names: Vec<&str> = q
            .unreachable
            .units
            .iter()
            .take(5)
            .map(|u| u.as_str())
            .collect();
        eprintln!(
            "warning: {} unit(s) have no officer or head mail address in the registry and got \
             no reminder ({}{}): add the addresses with the agencies CSV or the registry",
            q.unreachable.units.len(),
            names.join(", "),
            if q.unreachable.units.len() > 5 {
                ", …"
            } else {
                ""
            }
        );
    }
    if q.unreachable.escalations > 0 {
        eprintln!(
            "warning: {} escalation(s) not mailed: set [reminders] committee to the steering \
             committee's mailbox",
            q.unreachable.escalations
        );
    }
    let transport = Transport::from_settings(&settings)
        .context("the mail stays queued; fix [mail] and run again")?;
    let flush = mail::flush(&mut conn, &transport, &Retry::from_settings(&settings))?;
    let counts = queue::counts(&mut conn)?;
    println!(
        "Thư / mail via {}: {} sent now; queue: {} pending, {} sent, {} failed",
        transport.describe(),
        flush.sent,
        counts.pending,
        counts.sent,
        counts.failed
    );
    for f in &flush.retrying {
        eprintln!(
            "not sent (attempt {}, next try {}): «{}» to {}: {}",
            f.attempts,
            f.next_attempt.map(local).unwrap_or_default(),
            f.subject,
            f.recipients,
            f.error
        );
    }
    for f in &flush.failed {
        eprintln!(
            "refused for good: «{}» to {}: {} (fix the address, then `remind --retry-failed`)",
            f.subject, f.recipients, f.error
        );
    }
    let unsent = flush.retrying.len() + flush.failed.len();
    if unsent > 0 {
        bail!(
            "{unsent} mail(s) could not be sent; they stay in the queue ({} to retry by the next \
             run or the running service)",
            flush.retrying.len()
        );
    }
    Ok(())
}
