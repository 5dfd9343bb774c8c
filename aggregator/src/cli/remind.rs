//! `bmnn-aggregator remind`: sends the reminders and escalations due today for the annual
//! report (run it from cron on working days, e.g. `0 0 8 * * Mon-Fri`; running it more than
//! once a day sends nothing twice).

use std::path::PathBuf;

use anyhow::{anyhow, Context as _};
use chrono::NaiveDate;
use clap::Args;
use config::settings::AggregatorSettings;
use schema::ReportingPeriod;

use crate::{reminders, store};

#[derive(Debug, Args)]
pub struct RemindArgs {
    /// The aggregator's settings file (with a [mail] section).
    #[arg(long, env = "BMNN_CONFIG")]
    pub config: PathBuf,
    /// The day to act for, YYYY-MM-DD; default today in Asia/Ho_Chi_Minh.
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// The reporting period; default the annual period containing that day.
    #[arg(long, value_parser = |s: &str| ReportingPeriod::parse(s).map_err(|e| e.to_string()))]
    pub period: Option<ReportingPeriod>,
}

pub fn run(args: RemindArgs) -> anyhow::Result<()> {
    let settings = AggregatorSettings::load(&args.config)?;
    let mail = settings.mail.as_ref().ok_or_else(|| {
        anyhow!(
            "{} has no [mail] section: add the SMTP relay to send reminders",
            args.config.display()
        )
    })?;
    let today = args.today.unwrap_or_else(|| {
        chrono::Utc::now()
            .with_timezone(&config::settings::TIMEZONE)
            .date_naive()
    });
    let period = args
        .period
        .unwrap_or_else(|| ReportingPeriod::annual_containing(today));
    let pool = store::open_settings(&settings)?;
    let rules = node::app::load_rules(settings.node.rules_dir.as_deref())?;
    let mut conn = pool.get().context("database")?;
    let due = reminders::due(&mut conn, rules, &settings.unit.id, period, today)?;
    let sent = reminders::send(&mut conn, mail, &due)?;
    println!(
        "Nhắc hạn / reminders for {period} on {}: {} due, {sent} sent (the others were sent before)",
        today.format("%d/%m/%Y"),
        due.len()
    );
    Ok(())
}
