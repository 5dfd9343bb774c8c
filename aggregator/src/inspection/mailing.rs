//! Inspection mail through the aggregator's mail queue (`crate::mail`): the notices of a plan
//! on their due day (the visit minus the campaign's lead time), and the overdue-remediation
//! notices to the inspected unit's officer and head (copied to the steering committee). Each
//! is recorded in the same transaction that queues its mail (a notice's `sent_at`; a
//! `reminders_sent` row of kind `remediation` per finding), so none goes out twice, and the
//! queue retries until the relay takes it.

use anyhow::anyhow;
use chrono::NaiveDate;
use config::settings::AggregatorSettings;
use diesel::prelude::*;
use lettre::message::Mailbox;

use super::plans;
use super::store::overdue_remediations;
use crate::mail::{self, Outgoing};
use crate::store::schema::reminders_sent;
use crate::store::{units, AnyConn};

/// What one run queued.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Queued {
    pub notices: usize,
    pub remediations: usize,
    /// Units with no address: nothing was queued for them.
    pub unreachable: Vec<String>,
}

/// Queues the notices due on `today` and the overdue-remediation notices not sent before.
pub fn queue(
    conn: &mut AnyConn,
    settings: &AggregatorSettings,
    today: NaiveDate,
) -> anyhow::Result<Queued> {
    let from = mail::sender(settings).map_err(|e| anyhow!("[mail] from: {e}"))?;
    let mut out = Queued::default();
    for n in plans::notices_due(conn, today)? {
        let Some(to) = n.recipient.as_deref().and_then(|r| mail::mailbox(r).ok()) else {
            out.unreachable.push(n.unit.clone());
            continue;
        };
        let outgoing = outgoing(vec![to], &n.subject, &n.body);
        let queued = conn.write_transaction(|c| -> anyhow::Result<bool> {
            if !plans::mark_notice_sent(c, &n.plan_id, &n.unit, node::db::now())? {
                return Ok(false); // another run took it
            }
            let id = mail::new_id(today);
            let composed = mail::compose(&id, &from, &outgoing)?;
            mail::enqueue(
                c,
                &id,
                "inspection_notice",
                Some(&n.unit),
                today,
                &n.subject,
                &composed,
            )?;
            Ok(true)
        })?;
        out.notices += usize::from(queued);
    }
    let committee = settings
        .reminders
        .committee
        .as_ref()
        .and_then(|c| mail::mailbox(c.as_str()).ok());
    for o in overdue_remediations(conn, today)? {
        let row = units::history(conn, &o.unit)?.pop();
        let mut to: Vec<Mailbox> = row
            .iter()
            .flat_map(|r| [r.officer_email.as_deref(), r.head_email.as_deref()])
            .flatten()
            .filter_map(|a| mail::mailbox(a).ok())
            .collect();
        to.extend(committee.clone());
        if to.is_empty() {
            out.unreachable.push(o.unit.clone());
            continue;
        }
        let name = row.map_or_else(|| o.unit.clone(), |r| r.name);
        let deadline = o.finding.remediation_deadline.unwrap_or(today);
        let subject = format!("Quá hạn khắc phục vi phạm sau kiểm tra – {name}");
        let body = format!(
            "Kính gửi {name},\n\nTheo kết luận kiểm tra {} (kết thúc ngày {}), vi phạm số {} \
             ({}) phải được khắc phục trước ngày {}. Đến nay đã quá hạn {} ngày mà chưa có báo \
             cáo khắc phục.\n\nĐề nghị đơn vị khẩn trương khắc phục và báo cáo kết quả.\n\n\
             Thư này được gửi tự động; không trả lời thư này.\n",
            o.decision_ref,
            o.ended_on.format("%d/%m/%Y"),
            o.finding.seq,
            o.finding
                .violation()
                .map_or(o.finding.kind.as_str(), |k| k.label_vi()),
            deadline.format("%d/%m/%Y"),
            o.days_overdue,
        );
        let outgoing = outgoing(to, &subject, &body);
        let stage = format!("overdue-{}", o.finding.seq);
        let queued = conn.write_transaction(|c| -> anyhow::Result<bool> {
            let id = mail::new_id(today);
            let recipients: Vec<String> = outgoing.to.iter().map(|m| m.email.to_string()).collect();
            let insert = diesel::insert_into(reminders_sent::table)
                .values((
                    reminders_sent::unit.eq(o.unit.as_str()),
                    reminders_sent::kind.eq("remediation"),
                    reminders_sent::period.eq(o.inspection_id.as_str()),
                    reminders_sent::stage.eq(stage.as_str()),
                    reminders_sent::recipient.eq(recipients.join(", ")),
                    reminders_sent::sent_at.eq(node::db::now()),
                    reminders_sent::mail_id.eq(Some(&id)),
                ))
                .on_conflict_do_nothing();
            if node::dispatch!(&mut *c, |c| insert.execute(c))? == 0 {
                return Ok(false);
            }
            let composed = mail::compose(&id, &from, &outgoing)?;
            mail::enqueue(
                c,
                &id,
                "remediation",
                Some(&o.unit),
                today,
                &subject,
                &composed,
            )?;
            Ok(true)
        })?;
        out.remediations += usize::from(queued);
    }
    Ok(out)
}

fn outgoing(to: Vec<Mailbox>, subject: &str, text: &str) -> Outgoing {
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body>{}</body></html>",
        escape(subject),
        text.split("\n\n")
            .map(|p| format!("<p>{}</p>", escape(p).replace('\n', "<br>")))
            .collect::<String>()
    );
    Outgoing {
        to,
        subject: subject.to_string(),
        text: text.to_string(),
        html,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
