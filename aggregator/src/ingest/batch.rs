//! Group commit. Each verified submission joins a queue; whoever holds the write lock drains
//! the queue (up to [`MAX_BATCH`]) and stores every waiting submission (rows, audit entries,
//! receipts) in ONE IMMEDIATE transaction with one `fsync`, then hands each its answer. Under
//! load the batches grow by themselves; alone, a submission is a batch of one. Durability is
//! unchanged: a receipt is only returned after the transaction that stored its report has
//! committed.
//!
//! Inside the transaction a batch costs a fixed number of statements whatever its size: one read
//! of the stored versions of all its report ids, one multi-row insert of the new rows (and their
//! figures), one append of all audit entries. On PostgreSQL the transaction is sent pipelined
//! on a connection of the writer's own ([`super::pipelined`]), except for batches that answer a
//! request, which take the pool's path to record the answer too. Each submission is judged
//! against the stored versions and the earlier ones of its batch, in queue order, as if stored
//! one by one: the same report sent twice in one batch is stored once.
//!
//! A `conflict` refuses only its own submission (it writes nothing); any other failure rolls the
//! batch back and every submission in it gets `internal` (the nodes retry).

use std::collections::HashMap;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;

use chrono::DateTime;
use schema::{Digest, Receipt, ReceiptOutcome};

use super::pipelined::PgWriter;
use super::process::{stamp, Prepared};
use super::{Ingest, IngestError};
use crate::store::received::{self, ReceivedRow, StoredVersion};
use crate::store::requests;
use crate::store::AnyConn;

/// What a batch writes, and each submission's answer.
#[derive(Default)]
pub(super) struct Planned {
    pub answers: Vec<Answer>,
    pub rows: Vec<ReceivedRow>,
    details: Vec<String>,
    pub replies: Vec<requests::AnswerRow>,
}

impl Planned {
    /// The audit entries of the new versions.
    pub fn entries(&self) -> Vec<node::db::audit::Entry<'_>> {
        self.rows
            .iter()
            .zip(&self.details)
            .map(|(row, detail)| node::db::audit::Entry {
                actor: &row.peer,
                action: "submission_accepted",
                subject: &row.report_id,
                detail,
            })
            .collect()
    }
}

/// At most this many submissions are stored by one transaction.
pub const MAX_BATCH: usize = 256;

pub(super) type Answer = Result<(Receipt, ReceiptOutcome), IngestError>;

struct Job {
    prepared: Prepared,
    reply: SyncSender<Answer>,
}

/// The queue and the write lock of one aggregator (holding, on PostgreSQL, the pipelined
/// writer's connection).
pub struct Batcher {
    queue: Mutex<Vec<Job>>,
    write: Mutex<Option<PgWriter>>,
}

impl Batcher {
    /// A batcher for a store at `url`: on PostgreSQL, batches go through a pipelined writer.
    pub fn new(url: &config::settings::DatabaseUrl) -> Self {
        let writer = match url {
            config::settings::DatabaseUrl::Postgres(u) => Some(PgWriter::new(u.clone())),
            config::settings::DatabaseUrl::Sqlite(_) => None,
        };
        Self {
            queue: Mutex::default(),
            write: Mutex::new(writer),
        }
    }
}

impl std::fmt::Debug for Batcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batcher").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Ingest {
    /// Stores a verified submission (possibly together with others) and returns its receipt.
    pub(super) fn store(&self, prepared: Prepared) -> Result<Receipt, IngestError> {
        let (tx, rx) = sync_channel(1);
        let body = &prepared.env.body;
        let (report_id, unit, kind, peer) = (
            body.report_id.clone(),
            body.unit.clone(),
            body.kind(),
            prepared.peer.clone(),
        );
        lock(&self.batch.queue).push(Job {
            prepared,
            reply: tx,
        });
        let answer = loop {
            if let Ok(answer) = rx.try_recv() {
                break answer;
            }
            let mut writer = lock(&self.batch.write);
            if let Ok(answer) = rx.try_recv() {
                break answer;
            }
            let jobs: Vec<Job> = {
                let mut queue = lock(&self.batch.queue);
                let n = queue.len().min(MAX_BATCH);
                queue.drain(..n).collect()
            };
            self.commit(jobs, writer.as_mut());
        };
        let (receipt, outcome) = answer?;
        tracing::info!(report = %report_id, unit = %unit, kind = kind.code(), peer = %peer, outcome = ?outcome, "submission received");
        Ok(receipt)
    }

    fn commit(&self, jobs: Vec<Job>, writer: Option<&mut PgWriter>) {
        if jobs.is_empty() {
            return;
        }
        let prepared: Vec<&Prepared> = jobs.iter().map(|j| &j.prepared).collect();
        let answers_request = prepared.iter().any(|p| p.env.body.in_reply_to.is_some());
        let result = match writer {
            Some(w) if !answers_request => self.store_pipelined(w, &prepared),
            _ => self
                .pool
                .get()
                .map_err(|e| IngestError::Internal(anyhow::Error::new(e).context("database pool")))
                .and_then(|mut conn| conn.write_transaction(|c| self.store_batch(c, &prepared))),
        };
        drop(prepared);
        match result {
            Ok(answers) => {
                for (job, answer) in jobs.into_iter().zip(answers) {
                    let _ = job.reply.send(answer);
                }
            }
            Err(e) => {
                let msg = format!("{e:#}");
                tracing::error!(batch = jobs.len(), "storing a batch failed: {msg}");
                for job in jobs {
                    let _ = job.reply.send(Err(IngestError::Internal(anyhow::anyhow!(
                        "storing the batch failed: {msg}"
                    ))));
                }
            }
        }
    }

    /// Stores a batch inside the caller's IMMEDIATE transaction: an answer per submission, in
    /// order. Only duplicates and amendments have their receipts signed here (a new report's
    /// was signed while preparing).
    fn store_batch(&self, c: &mut AnyConn, jobs: &[&Prepared]) -> Result<Vec<Answer>, IngestError> {
        let ids: Vec<&str> = jobs.iter().map(|j| j.env.body.report_id.as_str()).collect();
        let planned = self.plan(jobs, received::versions_of(c, &ids)?)?;
        received::insert_many(c, &planned.rows)?;
        for r in &planned.replies {
            requests::record_answer(c, r)?;
        }
        node::db::audit::append_many(c, &planned.entries())?;
        Ok(planned.answers)
    }

    /// Judges every submission of a batch against the stored versions of its report ids (and
    /// the earlier ones of the batch, in queue order): the answers, and what to write.
    pub(super) fn plan(
        &self,
        jobs: &[&Prepared],
        stored: Vec<StoredVersion>,
    ) -> Result<Planned, IngestError> {
        let mut known: HashMap<String, Vec<StoredVersion>> = HashMap::new();
        for v in stored {
            known.entry(v.report_id.clone()).or_default().push(v);
        }
        let mut p = Planned::default();
        for job in jobs {
            let versions = known
                .entry(job.env.body.report_id.as_str().to_string())
                .or_default();
            let answer = match self.judge(job, versions)? {
                Judged::Refused(e) => Err(e),
                Judged::Duplicate(receipt) => Ok((receipt, ReceiptOutcome::Duplicate)),
                Judged::New(outcome) => {
                    let (row, receipt) = self.new_row(job, outcome)?;
                    versions.push(StoredVersion {
                        report_id: row.report_id.clone(),
                        digest: row.digest.clone(),
                        unit: row.unit.clone(),
                        supersedes: row.supersedes.clone(),
                        received_at: row.received_at.clone(),
                    });
                    p.details
                        .push(format!("{} {} {:?}", row.kind, row.digest, outcome));
                    if let Some(request) = &job.env.body.in_reply_to {
                        p.replies.push(requests::AnswerRow {
                            request_id: request.to_string(),
                            report_id: row.report_id.clone(),
                            digest: row.digest.clone(),
                            unit: row.unit.clone(),
                            received_at: row.received_at.clone(),
                        });
                    }
                    p.rows.push(row);
                    Ok((receipt, outcome))
                }
            };
            p.answers.push(answer);
        }
        Ok(p)
    }

    /// How a submission stands against the stored `versions` of its report id:
    ///
    /// - same digest stored → duplicate, answered with the stored `received_at` (a retry never
    ///   resets timeliness);
    /// - stored by another unit → conflict (a report id is never taken over);
    /// - another version stored → conflict, unless `supersedes` names the latest → amended;
    /// - nothing stored → accepted.
    fn judge(&self, job: &Prepared, versions: &[StoredVersion]) -> Result<Judged, IngestError> {
        let body = &job.env.body;
        let report_id = body.report_id.as_str();
        if let Some(same) = versions.iter().find(|v| v.digest == job.digest.as_str()) {
            let first = DateTime::parse_from_rfc3339(&same.received_at).map_err(|e| {
                IngestError::Internal(anyhow::anyhow!(
                    "stored received_at `{}` of {report_id}: {e}",
                    same.received_at
                ))
            })?;
            let receipt = self.receipt(&job.env, &job.digest, first, ReceiptOutcome::Duplicate)?;
            return Ok(Judged::Duplicate(receipt));
        }
        if let Some(other) = versions.iter().find(|v| v.unit != body.unit.as_str()) {
            return Ok(Judged::Refused(IngestError::Conflict(format!(
                "Mã báo cáo {report_id} đã được đơn vị {} sử dụng / report id {report_id} \
                 belongs to unit {}",
                other.unit, other.unit
            ))));
        }
        Ok(match received::latest(versions) {
            None => Judged::New(ReceiptOutcome::Accepted),
            Some(l) if body.supersedes.as_ref().map(Digest::as_str) == Some(&l.digest) => {
                Judged::New(ReceiptOutcome::Amended)
            }
            Some(l) => Judged::Refused(IngestError::Conflict(format!(
                "Báo cáo {report_id} đã có phiên bản khác ({}); báo cáo sửa đổi phải ghi \
                 supersedes = {} / another version of {report_id} is stored; an amendment \
                 must name it in `supersedes`",
                l.digest, l.digest
            ))),
        })
    }

    /// The row to store for a new version and the receipt that answers it.
    fn new_row(
        &self,
        job: &Prepared,
        outcome: ReceiptOutcome,
    ) -> Result<(ReceivedRow, Receipt), IngestError> {
        let (receipt, receipt_json) = match outcome {
            ReceiptOutcome::Accepted => (job.accepted.clone(), job.accepted_json.clone()),
            _ => {
                let receipt = self.receipt(&job.env, &job.digest, job.at, outcome)?;
                let json = String::from_utf8(schema::encode(&receipt))
                    .map_err(|e| IngestError::Internal(e.into()))?;
                (receipt, json)
            }
        };
        let body = &job.env.body;
        let row = ReceivedRow {
            report_id: body.report_id.to_string(),
            digest: job.digest.to_string(),
            unit: body.unit.to_string(),
            kind: body.kind().code().to_string(),
            period: body.period.to_string(),
            classification: body.classification.code().to_string(),
            supersedes: body.supersedes.as_ref().map(Digest::to_string),
            peer: job.peer.to_string(),
            envelope: job.envelope.clone(),
            received_at: stamp(&job.at),
            receipt: receipt_json,
        };
        Ok((row, receipt))
    }
}

/// Where a submission stands before it is stored.
enum Judged {
    Refused(IngestError),
    Duplicate(Receipt),
    New(ReceiptOutcome),
}
