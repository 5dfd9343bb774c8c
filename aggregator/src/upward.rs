//! The consolidated report on its way up: built from the store, signed with the aggregator's
//! key and queued in the relay's outbox, either by `bmnn-aggregator consolidate --send` or by
//! the schedule ([`send_if_due`]) from `[relay] lead_working_days` working days before the
//! deadline towards the parent's tier until that deadline, once per period.

use anyhow::anyhow;
use chrono::{Datelike as _, NaiveDate};
use config::rules::RuleBook;
use config::settings::AggregatorSettings;
use schema::{
    Classification, Envelope, Payload, Protocol, ReportId, ReportKind, ReportingPeriod, Submission,
    Tier, UnitId,
};

use crate::consolidation::{self, Built};
use crate::relay::Relay;
use crate::store::AnyConn;

/// Signs `built` as this aggregator's consolidated report of `period` and queues it for the
/// parent. Returns the envelope.
pub fn sign_and_queue(
    relay: &Relay,
    scope: &UnitId,
    period: ReportingPeriod,
    built: Built,
) -> anyhow::Result<Envelope> {
    let sub = Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: scope.clone(),
        period,
        classification: Classification::Mat,
        created_at: chrono::Utc::now()
            .with_timezone(&config::settings::TIMEZONE)
            .fixed_offset(),
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::ConsolidatedReport(built.report),
    };
    sub.validate()
        .map_err(|e| anyhow!("the consolidated report is not valid: {e}"))?;
    let env = Envelope::sign(sub, relay.signer()).map_err(|e| anyhow!("cannot sign: {e}"))?;
    relay.send_own(&env)?;
    Ok(env)
}

/// The annual period whose consolidated report is due to the parent's tier within the sending
/// window on `today`, if any.
pub fn due_period(rules: &RuleBook, lead: u32, today: NaiveDate) -> Option<ReportingPeriod> {
    (today.year() - 1..=today.year() + 1).find_map(|y| {
        let period = ReportingPeriod::Annual(y);
        let pack = rules.pack_for(period.end()).ok()?;
        let deadline = pack
            .deadline(ReportKind::ConsolidatedReport, Tier::National, y)
            .ok()?;
        let from = rules.add_working_days(deadline, -(lead as i32));
        (from <= today && today <= deadline && rules.is_working_day(today)).then_some(period)
    })
}

/// Sends the consolidated report when the window is open and it was not sent before.
pub fn send_if_due(
    conn: &mut AnyConn,
    rules: &RuleBook,
    settings: &AggregatorSettings,
    relay: &Relay,
    today: NaiveDate,
) -> anyhow::Result<Option<Envelope>> {
    if !settings.relay.send_consolidated {
        return Ok(None);
    }
    let Some(period) = due_period(rules, settings.relay.lead_working_days, today) else {
        return Ok(None);
    };
    if relay.consolidated_sent(&period.to_string())? {
        return Ok(None);
    }
    let built = consolidation::build(conn, rules, &settings.unit.id, period)?;
    sign_and_queue(relay, &settings.unit.id, period, built).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn window_opens_two_working_days_before_the_deadline() {
        let rules = RuleBook::embedded().unwrap();
        let deadline = rules
            .pack_for(day("2026-12-14"))
            .unwrap()
            .deadline(ReportKind::ConsolidatedReport, Tier::National, 2026)
            .unwrap();
        let from = rules.add_working_days(deadline, -2);
        assert_eq!(
            due_period(rules, 2, from),
            Some(ReportingPeriod::Annual(2026))
        );
        assert_eq!(due_period(rules, 2, from.pred_opt().unwrap()), None);
        assert_eq!(due_period(rules, 2, deadline.succ_opt().unwrap()), None);
        assert_eq!(due_period(rules, 2, day("2026-06-01")), None);
    }
}
