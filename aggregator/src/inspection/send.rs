//! An inspection result on its way up: the stored inspection rebuilt as a
//! `schema::Payload::InspectionResult` submission of this aggregator (its report id is the
//! inspection's id, its creation time the recording time, so the same inspection always gives
//! the same signed envelope), signed with the aggregator's key and queued in the relay's
//! outbox for the parent. Sending twice queues nothing twice; the sending is recorded on the
//! inspection with an audit entry.

use anyhow::{anyhow, Context as _};
use chrono::{DateTime, Timelike as _};
use schema::{
    BoundedVec, Classification, Envelope, Finding, InspectionResult, Line, Payload, Protocol,
    ReportId, ReportingPeriod, Signer, Submission, Text, UnitId,
};

use super::store::{self, FindingRow, InspectionRow};
use crate::relay::Relay;
use crate::store::AnyConn;

/// Why a result was not sent.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("không có cuộc kiểm tra {0} / no such inspection")]
    NotFound(String),
    #[error("kết quả kiểm tra đã được gửi lên cấp trên (mã băm {0}) / already sent")]
    AlreadySent(String),
    #[error("đơn vị không có cấp trên để gửi / this aggregator has no parent ([[upstream]])")]
    NoParent,
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<diesel::result::Error> for SendError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Other(e.into())
    }
}

/// Queues one signed envelope for the parent.
type Queue<'a> = Box<dyn Fn(&Envelope) -> anyhow::Result<()> + 'a>;

/// Where signed results go: the relay's outbox (its store, to find what is queued already,
/// and how to queue).
pub struct Upward<'a> {
    signer: &'a Signer,
    store: node::db::DbPool,
    queue: Queue<'a>,
}

impl std::fmt::Debug for Upward<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upward").finish_non_exhaustive()
    }
}

impl<'a> Upward<'a> {
    /// Through the relay (`Relay::send_own`).
    pub fn relay(r: &'a Relay) -> Self {
        Self {
            signer: r.signer(),
            store: r.pool(),
            queue: Box::new(move |env| r.send_own(env)),
        }
    }

    /// Through the aggregator's own node (the web UI holds it); `None` without a parent.
    pub fn own_node(n: &'a node::app::Node) -> Option<Self> {
        if n.settings.upstream.is_empty() {
            return None;
        }
        Some(Self {
            signer: &n.signer,
            store: n.pool.clone(),
            queue: Box::new(move |env| {
                let s = &n.settings;
                let mut c = n.pool.get().context("relay store")?;
                node::queue::queue_envelope(
                    &mut c,
                    env,
                    "inspection",
                    &s.upstream,
                    s.outbox.max_queue,
                )?;
                n.wake().notify_one();
                Ok(())
            }),
        })
    }
}

/// The stored inspection as this aggregator's (`author`) inspection-result submission.
pub fn submission(
    row: &InspectionRow,
    findings: &[FindingRow],
    author: &UnitId,
) -> anyhow::Result<Submission> {
    let bad = |what: &str| anyhow!("stored inspection {}: bad {what}", row.id);
    let list = findings
        .iter()
        .map(|f| {
            Ok(Finding {
                kind: f.violation().ok_or_else(|| bad("violation kind"))?,
                severity: f.severity().ok_or_else(|| bad("severity"))?,
                description: Text::parse(&f.description).map_err(|_| bad("description"))?,
                occurrences: u32::try_from(f.occurrences).map_err(|_| bad("occurrences"))?,
                remediation_deadline: f.remediation_deadline,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let result = InspectionResult {
        inspected_unit: UnitId::parse(&row.unit).map_err(|_| bad("unit"))?,
        decision_ref: Line::parse(&row.decision_ref).map_err(|_| bad("decision"))?,
        started_on: row.started_on,
        ended_on: row.ended_on,
        findings: BoundedVec::parse(list).map_err(|_| bad("findings"))?,
        conclusion: Text::parse(&row.conclusion).map_err(|_| bad("conclusion"))?,
    };
    let recorded = row
        .recorded_at
        .with_nanosecond(0)
        .unwrap_or(row.recorded_at);
    let created_at: DateTime<chrono::FixedOffset> = recorded
        .and_utc()
        .with_timezone(&config::settings::TIMEZONE)
        .fixed_offset();
    let sub = Submission {
        protocol: Protocol::V1,
        report_id: ReportId::parse(&row.id).map_err(|_| bad("id"))?,
        unit: author.clone(),
        period: ReportingPeriod::annual_containing(row.ended_on),
        classification: Classification::parse(&row.classification)
            .map_err(|_| bad("classification"))?,
        created_at,
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::InspectionResult(result),
    };
    sub.validate()
        .map_err(|e| anyhow!("the inspection result is not valid: {e}"))?;
    Ok(sub)
}

/// Signs inspection `id` as `author`'s result and queues it for the parent (once), then records
/// the sending with the audit entry. Returns the envelope.
pub fn send_up(
    conn: &mut AnyConn,
    up: &Upward<'_>,
    author: &UnitId,
    id: &str,
    actor: &str,
) -> Result<Envelope, SendError> {
    let (row, findings) = store::get(conn, id)?.ok_or_else(|| SendError::NotFound(id.into()))?;
    if let Some(d) = row.sent_digest {
        return Err(SendError::AlreadySent(d));
    }
    let sub = submission(&row, &findings, author)?;
    let env = Envelope::sign(sub, up.signer).map_err(|e| anyhow!("cannot sign: {e}"))?;
    let digest = env.digest().to_string();
    let queued = {
        let mut c = up.store.get().context("relay store")?;
        node::db::submissions::get(&mut c, id, &digest)?.is_some()
    };
    if !queued {
        (up.queue)(&env)?;
    }
    conn.write_transaction(|c| -> Result<(), SendError> {
        store::mark_sent(c, id, &digest, node::db::now())?;
        node::db::audit::append(c, actor, "inspection_send", id, &digest)?;
        Ok(())
    })?;
    Ok(env)
}
