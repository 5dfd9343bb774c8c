//! One plain notice by mail, at most once a day: recorded in `reminders_sent` under (unit,
//! kind, period, the day) in the transaction that queues it (e.g. "the consolidated report
//! awaits approval", `upward::send_if_due`).

use chrono::NaiveDate;
use diesel::prelude::*;
use lettre::message::Mailbox;
use schema::ReportingPeriod;

use crate::mail;
use crate::store::schema::reminders_sent;
use crate::store::AnyConn;

/// Queues one plain mail to `to`, recorded in `reminders_sent` under (`unit`, `kind`,
/// `period`, the day) so the same notice goes at most once a day; both in one transaction.
#[allow(clippy::too_many_arguments)]
pub fn queue_once(
    conn: &mut AnyConn,
    unit: &schema::UnitId,
    kind: &str,
    period: ReportingPeriod,
    today: NaiveDate,
    from: &Mailbox,
    to: &Mailbox,
    subject: &str,
    text: &str,
) -> anyhow::Result<()> {
    conn.write_transaction(|c| -> anyhow::Result<()> {
        let id = mail::new_id(today);
        let insert = diesel::insert_into(reminders_sent::table)
            .values((
                reminders_sent::unit.eq(unit.as_str()),
                reminders_sent::kind.eq(kind),
                reminders_sent::period.eq(period.to_string()),
                reminders_sent::stage.eq(today.to_string()),
                reminders_sent::recipient.eq(to.email.to_string()),
                reminders_sent::sent_at.eq(node::db::now()),
                reminders_sent::mail_id.eq(Some(&id)),
            ))
            .on_conflict_do_nothing();
        if node::dispatch!(&mut *c, |c| insert.execute(c))? == 0 {
            return Ok(());
        }
        let html = format!("<p>{}</p>", maud::html! { (text) }.into_string());
        let composed = mail::compose(
            &id,
            from,
            &mail::Outgoing {
                to: vec![to.clone()],
                subject: subject.to_string(),
                text: text.to_string(),
                html,
            },
        )?;
        mail::enqueue(c, &id, "committee", None, today, subject, &composed)?;
        node::db::audit::append(
            c,
            "reminders",
            "mail_queued",
            "committee",
            &format!("{id}: {kind} {period}"),
        )?;
        Ok(())
    })
}
