//! The consolidated report on its way up: built from the store, signed with the aggregator's
//! key and queued in the relay's outbox. Only a text the head approved is sent
//! ([`crate::decision`]): by `bmnn-aggregator consolidate --send`, from the UI, or by the
//! schedule ([`send_if_due`]) from `[relay] lead_working_days` working days before the
//! deadline towards the parent's tier until that deadline. While that window is open and no
//! text is approved, the schedule mails the steering committee instead (once a day).
//! [`sign_and_queue`] signs a built report as is: the demo's seeded history uses it.

use anyhow::anyhow;
use chrono::{Datelike as _, NaiveDate};
use config::rules::RuleBook;
use config::settings::AggregatorSettings;
use schema::{
    Classification, Envelope, Payload, Protocol, ReportId, ReportKind, ReportingPeriod, Submission,
    Tier, UnitId,
};

use crate::consolidation::Built;
use crate::decision;
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

/// Sends the approved consolidated report when the window is open; without an approved text
/// (and nothing sent), mails the committee that it awaits approval.
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
    let draft = decision::get(conn, period)?;
    if draft.as_ref().is_some_and(|d| d.state == "approved") {
        return decision::send_approved(conn, rules, &settings.unit.id, relay, period).map(Some);
    }
    if draft.as_ref().is_some_and(|d| d.state == "sent") {
        return Ok(None);
    }
    awaiting_approval(conn, rules, settings, period, today)?;
    Ok(None)
}

/// Mails the committee (once a day) that the consolidated report of `period` is not approved.
fn awaiting_approval(
    conn: &mut AnyConn,
    rules: &RuleBook,
    settings: &AggregatorSettings,
    period: ReportingPeriod,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let Some(committee) = settings.reminders.committee.as_ref() else {
        tracing::warn!(%period, "the consolidated report awaits approval; no [reminders] committee to tell");
        return Ok(());
    };
    let to = crate::mail::mailbox(committee.as_str()).map_err(|e| anyhow!("{e}"))?;
    let from = crate::mail::sender(settings)?;
    let deadline = rules.pack_for(period.end())?.deadline(
        ReportKind::ConsolidatedReport,
        Tier::National,
        period.end_year(),
    )?;
    let subject = format!(
        "Báo cáo tổng hợp kỳ {period} chưa được lãnh đạo phê duyệt (hạn gửi {})",
        deadline.format("%d/%m/%Y")
    );
    let text = format!(
        "Báo cáo tổng hợp công tác bảo vệ bí mật nhà nước kỳ {period} của {} chưa được phê \
         duyệt nên chưa được gửi lên cấp trên. Hạn gửi: {}.\n\nĐề nghị Thường trực Ban Chỉ đạo \
         hoàn thiện dự thảo và trình lãnh đạo phê duyệt tại trang «Báo cáo tổng hợp» → «Soạn \
         và phê duyệt».",
        settings.unit.name,
        deadline.format("%d/%m/%Y")
    );
    crate::reminders::queue_once(
        conn,
        &settings.unit.id,
        "consolidated_approval",
        period,
        today,
        &from,
        &to,
        &subject,
        &text,
    )
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
