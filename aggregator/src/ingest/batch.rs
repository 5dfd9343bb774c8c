//! Group commit. Each verified submission joins a queue; whoever holds the write lock drains
//! the whole queue and stores every waiting submission (rows, audit entries, receipts) in ONE
//! IMMEDIATE transaction with one `fsync`, then hands each its answer. Under load the batches
//! grow by themselves; alone, a submission is a batch of one. Durability is unchanged: a
//! receipt is only returned after the transaction that stored its report has committed.
//!
//! A `conflict` refuses only its own submission (it writes nothing); any other failure rolls the
//! batch back and every submission in it gets `internal` (the nodes retry).

use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::Mutex;

use schema::{Digest, Envelope, Receipt, ReceiptOutcome, UnitId};

use super::{Ingest, IngestError};

struct Job {
    env: Envelope,
    digest: Digest,
    peer: UnitId,
    reply: SyncSender<Result<(Receipt, ReceiptOutcome), IngestError>>,
}

/// The queue and the write lock of one aggregator.
#[derive(Default)]
pub struct Batcher {
    queue: Mutex<Vec<Job>>,
    write: Mutex<()>,
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
    pub(super) fn store(
        &self,
        env: Envelope,
        digest: Digest,
        peer: UnitId,
    ) -> Result<Receipt, IngestError> {
        let (tx, rx) = sync_channel(1);
        let (report_id, unit, kind) = (
            env.body.report_id.clone(),
            env.body.unit.clone(),
            env.body.kind(),
        );
        lock(&self.batch.queue).push(Job {
            env,
            digest,
            peer: peer.clone(),
            reply: tx,
        });
        let answer = loop {
            if let Ok(answer) = rx.try_recv() {
                break answer;
            }
            let _writer = lock(&self.batch.write);
            if let Ok(answer) = rx.try_recv() {
                break answer;
            }
            let jobs = std::mem::take(&mut *lock(&self.batch.queue));
            self.commit(jobs);
        };
        let (receipt, outcome) = answer?;
        tracing::info!(report = %report_id, unit = %unit, kind = kind.code(), peer = %peer, outcome = ?outcome, "submission received");
        Ok(receipt)
    }

    fn commit(&self, jobs: Vec<Job>) {
        if jobs.is_empty() {
            return;
        }
        let result = self
            .pool
            .get()
            .map_err(|e| IngestError::Internal(anyhow::Error::new(e).context("database pool")))
            .and_then(|mut conn| {
                conn.write_transaction(|c| {
                    let mut answers = Vec::with_capacity(jobs.len());
                    for job in &jobs {
                        match self.store_in(c, &job.env, &job.digest, &job.peer) {
                            Err(e @ IngestError::Conflict(_)) => answers.push(Err(e)),
                            Err(e) => return Err(e),
                            Ok(ok) => answers.push(Ok(ok)),
                        }
                    }
                    Ok(answers)
                })
            });
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
}
