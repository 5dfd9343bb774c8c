//! Draining the outbox: claim due rows (incidents first), send each on its link, and record
//! the outcome. A verified receipt and the `delivered` mark are written in one transaction;
//! errors are retried with capped exponential backoff and jitter; rejections are set aside.
//! The same loop pulls notices down each link ([`crate::puller`]): right after a delivery
//! (a parent that just took a report may have something to say) and every
//! `[outbox] notice_poll_secs`.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use config::settings::OutboxPolicy;
use schema::{Envelope, Receipt};
use tokio::sync::Notify;

use crate::db::{self, audit, outbox, receipts, submissions, DbPool};
use crate::puller::{PullReport, Puller};
use crate::trust::LiveTrust;
use crate::upstream::{PutOutcome, SendOutcome, Upstream};

/// How long a claimed row stays invisible to other senders.
const LEASE_SECS: i64 = 120;
const BATCH: i64 = 64;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PushReport {
    pub delivered: usize,
    pub retried: usize,
    pub rejected: usize,
}

/// The delay before retry number `attempts + 1`: `initial * 2^attempts`, capped at `max`, then
/// reduced by up to `jitter` (a fraction) using `r` in [0, 1).
pub fn backoff(attempts: u32, initial_secs: u64, max_secs: u64, jitter: f64, r: f64) -> Duration {
    let base = initial_secs
        .max(1)
        .saturating_mul(1u64 << attempts.min(30))
        .min(max_secs.max(1)) as f64;
    Duration::from_secs_f64(base * (1.0 - jitter.clamp(0.0, 1.0) * r.clamp(0.0, 1.0)))
}

#[derive(Clone)]
pub struct Pusher {
    pool: DbPool,
    links: Arc<HashMap<String, Upstream>>,
    trust: Arc<LiveTrust>,
    policy: OutboxPolicy,
    /// Woken when something is queued, so it goes out at once.
    pub wake: Arc<Notify>,
    /// The downlink on the same links.
    pub puller: Puller,
}

impl std::fmt::Debug for Pusher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pusher")
            .field("links", &self.links.len())
            .finish_non_exhaustive()
    }
}

impl Pusher {
    /// The link named `name` (`[[upstream]] name`).
    pub fn link(&self, name: &str) -> Option<&Upstream> {
        self.links.get(name)
    }

    pub fn new(
        pool: DbPool,
        links: Vec<Upstream>,
        trust: Arc<LiveTrust>,
        policy: OutboxPolicy,
        puller: Puller,
    ) -> Self {
        let links = links.into_iter().map(|l| (l.name.clone(), l)).collect();
        Self {
            pool,
            links: Arc::new(links),
            trust,
            policy,
            wake: Arc::new(Notify::new()),
            puller,
        }
    }

    /// Pulls the notices waiting on every link.
    pub async fn pull_once(&self) -> PullReport {
        let mut links: Vec<&Upstream> = self.links.values().collect();
        links.sort_by(|a, b| a.name.cmp(&b.name));
        self.puller.pull_all(&links).await
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::db::any::AnyConn) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        db::blocking(&self.pool, f).await
    }

    /// Sends everything due now, until nothing is due. Returns what happened.
    pub async fn push_once(&self) -> anyhow::Result<PushReport> {
        let mut report = PushReport::default();
        loop {
            let rows = self
                .db(|c| {
                    Ok(outbox::claim_due(
                        c,
                        db::now(),
                        chrono::Duration::seconds(LEASE_SECS),
                        BATCH,
                    )?)
                })
                .await?;
            if rows.is_empty() {
                return Ok(report);
            }
            for row in rows {
                match self.deliver(row).await? {
                    Status::Delivered => report.delivered += 1,
                    Status::Retried => report.retried += 1,
                    Status::Rejected => report.rejected += 1,
                }
            }
        }
    }

    async fn deliver(&self, row: outbox::OutboxRow) -> anyhow::Result<Status> {
        let (rid, dig) = (row.report_id.clone(), row.digest.clone());
        let stored = self
            .db(move |c| Ok(submissions::get(c, &rid, &dig)?))
            .await?;
        let Some(stored) = stored else {
            return self
                .reject(&row, "the signed report is missing from the store".into())
                .await;
        };
        let Some(link) = self.links.get(&row.link) else {
            return self
                .retry(&row, format!("link «{}» is no longer configured", row.link))
                .await;
        };
        let env: Envelope = schema::decode(stored.envelope.as_bytes())
            .context("a stored envelope does not decode")?;
        if env.body.classification > link.max_classification {
            return self
                .reject(
                    &row,
                    format!("classification above what link {} may carry", link.name),
                )
                .await;
        }
        for a in env.body.attachments.iter() {
            match self.send_attachment(link, &a.sha256).await? {
                PutOutcome::Stored => {}
                PutOutcome::Retry(e) => return self.retry(&row, e).await,
                PutOutcome::Rejected(e) => return self.reject(&row, e).await,
            }
        }
        match link.send(stored.envelope.into_bytes()).await {
            SendOutcome::Delivered(receipt) => match self.check_receipt(&row, &receipt) {
                Ok(()) => {
                    self.store_receipt(row, *receipt).await?;
                    Ok(Status::Delivered)
                }
                Err(e) => self.retry(&row, format!("receipt refused: {e}")).await,
            },
            SendOutcome::Retry(e) => self.retry(&row, e).await,
            SendOutcome::Rejected(reason) => self.reject(&row, reason).await,
        }
    }

    /// Sends one attached file unless the parent has it (the bytes read off the runtime).
    async fn send_attachment(
        &self,
        link: &Upstream,
        sha: &schema::Digest,
    ) -> anyhow::Result<PutOutcome> {
        match link.has_attachment(sha).await {
            Ok(true) => return Ok(PutOutcome::Stored),
            Ok(false) => {}
            Err(e) => return Ok(e),
        }
        let key = sha.clone();
        let bytes = self
            .db(move |c| Ok(crate::db::attachments::bytes(c, &key)?))
            .await?;
        Ok(match bytes {
            Some(b) => link.put_attachment(sha, b).await,
            None => PutOutcome::Rejected(format!("the attached file {sha} is missing here")),
        })
    }

    fn check_receipt(&self, row: &outbox::OutboxRow, r: &Receipt) -> anyhow::Result<()> {
        anyhow::ensure!(
            r.body.report_id.as_str() == row.report_id && r.body.digest.as_str() == row.digest,
            "it is for another report ({} {})",
            r.body.report_id,
            r.body.digest
        );
        let now = schema::UnixTime::now();
        self.trust.fresh().map_err(|e| anyhow::anyhow!("{e}"))?;
        r.verify(&self.trust.current(), now)
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    async fn store_receipt(&self, row: outbox::OutboxRow, r: Receipt) -> anyhow::Result<()> {
        self.db(move |c| {
            c.write_transaction(|c| {
                let now = db::now();
                receipts::insert(c, &receipts::ReceiptRow::of(&r, now))?;
                outbox::mark_delivered(c, row.id, now)?;
                audit::append(
                    c,
                    "system",
                    "delivered",
                    &row.report_id,
                    &format!("{} via {}", r.body.receiver, row.link),
                )?;
                Ok(())
            })
        })
        .await
    }

    async fn retry(&self, row: &outbox::OutboxRow, error: String) -> anyhow::Result<Status> {
        let p = &self.policy;
        let delay = backoff(
            row.attempts.max(0) as u32,
            p.initial_backoff_secs,
            p.max_backoff_secs,
            p.jitter.get(),
            rand::random::<f64>(),
        );
        tracing::warn!(report = %row.report_id, link = %row.link, attempts = row.attempts + 1, "delivery failed, will retry: {error}");
        let id = row.id;
        self.db(move |c| {
            let now = db::now();
            let next = now + chrono::Duration::from_std(delay).unwrap_or_default();
            Ok(outbox::mark_retry(c, id, next, &error, now)?)
        })
        .await?;
        Ok(Status::Retried)
    }

    async fn reject(&self, row: &outbox::OutboxRow, reason: String) -> anyhow::Result<Status> {
        tracing::warn!(report = %row.report_id, link = %row.link, "rejected upstream, set aside: {reason}");
        let (id, rid) = (row.id, row.report_id.clone());
        self.db(move |c| {
            c.write_transaction(|c| {
                outbox::mark_rejected(c, id, &reason, db::now())?;
                audit::append(c, "system", "rejected_upstream", &rid, &reason)?;
                Ok(())
            })
        })
        .await?;
        Ok(Status::Rejected)
    }

    /// Runs until `shutdown` resolves: push, pull notices when a report was delivered or the
    /// poll interval has passed, then sleep until the next row or pull is due (at most 30 s)
    /// or until woken by a new report.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        tokio::pin!(shutdown);
        // Rows claimed by a sender that died (kill -9, power loss) would otherwise wait out
        // their lease: on start, everything pending is due. A row another live sender holds
        // may go twice; the receiver stores it once and answers `duplicate`.
        if let Err(e) = self.db(|c| Ok(outbox::make_all_due(c, db::now())?)).await {
            tracing::error!("outbox: cannot release the claims of a previous run: {e:#}");
        }
        let poll = self.policy.notice_poll();
        let mut next_pull = tokio::time::Instant::now();
        loop {
            let delivered = match self.push_once().await {
                Ok(r) => r.delivered,
                Err(e) => {
                    tracing::error!("outbox: {e:#}");
                    0
                }
            };
            if delivered > 0 || tokio::time::Instant::now() >= next_pull {
                self.pull_once().await;
                next_pull = tokio::time::Instant::now() + poll;
            }
            let wait = match self.db(|c| Ok(outbox::next_due(c)?)).await {
                Ok(Some(t)) => (t - db::now())
                    .to_std()
                    .unwrap_or(Duration::ZERO)
                    .min(Duration::from_secs(30)),
                _ => Duration::from_secs(30),
            };
            let wait = wait.min(next_pull.saturating_duration_since(tokio::time::Instant::now()));
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(wait.max(Duration::from_millis(50))) => {}
            }
        }
    }
}

enum Status {
    Delivered,
    Retried,
    Rejected,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_then_caps_and_jitter_only_shortens() {
        assert_eq!(backoff(0, 2, 600, 0.0, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(3, 2, 600, 0.0, 0.5), Duration::from_secs(16));
        assert_eq!(backoff(40, 2, 600, 0.0, 0.5), Duration::from_secs(600));
        let d = backoff(3, 2, 600, 0.5, 0.999);
        assert!(
            d > Duration::from_secs(8) && d <= Duration::from_secs(16),
            "{d:?}"
        );
    }
}
