//! Putting an approved, signed envelope into the store and onto the outbox, in one transaction:
//! the submission row, one outbox row per configured link, and the audit entry. A report above
//! a link's classification is put `held` on that link (never sent; the transfer bundle is the
//! only way out). Full-queue policy: when `max_queue` rows are pending, new reports are refused
//! with a clear message, except incident reports, which are always accepted and go first.

use crate::db::any::AnyConn;
use anyhow::{anyhow, Context as _};
use config::settings::UpstreamLink;
use schema::{Envelope, ReportKind};

use crate::db::{self, audit, outbox, submissions};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub link: String,
    pub state: outbox::State,
    pub note: Option<String>,
}

/// Stores `env` and queues it on every link, in a transaction of its own. `approved_by` names
/// the head who signed.
pub fn queue_envelope(
    conn: &mut AnyConn,
    env: &Envelope,
    approved_by: &str,
    links: &[UpstreamLink],
    max_queue: u32,
) -> anyhow::Result<Vec<Queued>> {
    conn.write_transaction(|c| queue_in_transaction(c, env, approved_by, links, max_queue))
}

/// The same, inside the caller's (IMMEDIATE) transaction, so that approval can delete the
/// draft and check for an earlier approval atomically with the queueing.
pub fn queue_in_transaction(
    c: &mut AnyConn,
    env: &Envelope,
    approved_by: &str,
    links: &[UpstreamLink],
    max_queue: u32,
) -> anyhow::Result<Vec<Queued>> {
    let body = &env.body;
    let incident = body.kind() == ReportKind::IncidentReport;
    let digest = env.digest().to_string();
    let envelope = String::from_utf8(schema::encode(env)).context("envelope is not UTF-8")?;
    {
        if !incident && outbox::pending_count(c)? >= i64::from(max_queue) {
            return Err(anyhow!(
                "hàng đợi gửi đã đầy ({max_queue} báo cáo chưa gửi được) / the outbox is full: \
                 check the upstream link with `bmnn-node status`, then approve again"
            ));
        }
        let now = db::now();
        submissions::insert(
            c,
            &submissions::SubmissionRow {
                report_id: body.report_id.to_string(),
                digest: digest.clone(),
                kind: body.kind().code().into(),
                period: body.period.to_string(),
                classification: body.classification.code().into(),
                envelope: envelope.clone(),
                approved_by: approved_by.into(),
                created_at: now,
            },
        )
        .with_context(|| {
            format!(
                "report {} with this content is already stored",
                body.report_id
            )
        })?;
        let mut out = Vec::new();
        for link in links {
            let allowed = body.classification <= link.max_classification;
            let note = (!allowed).then(|| {
                format!(
                    "Độ mật «{}» vượt mức cho phép của đường truyền {} («{}»): dùng gói chuyển giao (USB an toàn).",
                    body.classification.label_vi(),
                    link.name,
                    link.max_classification.label_vi()
                )
            });
            let state = if allowed {
                outbox::State::Pending
            } else {
                outbox::State::Held
            };
            outbox::enqueue(
                c,
                &outbox::NewOutbox {
                    report_id: body.report_id.as_str(),
                    digest: &digest,
                    link: link.name.as_str(),
                    priority: if incident {
                        outbox::PRIORITY_INCIDENT
                    } else {
                        outbox::PRIORITY_NORMAL
                    },
                    state: state.code(),
                    next_attempt_at: now,
                    last_error: note.as_deref(),
                    updated_at: now,
                },
            )?;
            out.push(Queued {
                link: link.name.to_string(),
                state,
                note,
            });
        }
        let detail = format!("{} {} {}", body.kind().code(), body.period, digest);
        audit::append(
            c,
            approved_by,
            "approve_and_queue",
            body.report_id.as_str(),
            &detail,
        )?;
        Ok(out)
    }
}
