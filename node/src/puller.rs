//! Pulling notices from the parent: the downlink, on the same links and client as the outbox.
//! For each link: ask for the notices after the stored cursor, verify each for this unit
//! (`Notice::verify_for`: national root, CRLs, the unit's own chain of parents), hand the
//! good ones to the sink (a child aggregator relays them down, idempotently), then store them
//! by id and move the cursor in one transaction. A crash anywhere before that commit leaves
//! the cursor where it was: the next pull fetches the same page and stores nothing twice.
//! A notice that fails verification is refused, logged and audited, and never stored.

use crate::db::any::AnyConn;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use schema::{Notice, NoticePage, Trust, UnitId, VerifiedNotice};

use crate::db::{self, audit, notices, DbPool};
use crate::upstream::{PullOutcome, Upstream};

/// The error code with which a parent refuses a cursor it never gave out.
pub const CURSOR_AHEAD: &str = "cursor_ahead";
/// Most pages fetched from one link in one pull.
const MAX_PAGES: usize = 1_000;

/// Where verified notices go before they are stored here: a child aggregator's relay down.
pub trait NoticeSink: Send + Sync {
    /// Called for every verified notice of a page, before the page is stored. Must be
    /// idempotent: after a crash the same notice comes again.
    fn relay(&self, notice: &Notice, verified: &VerifiedNotice) -> anyhow::Result<()>;
}

/// Notices that verified, and (id, code) of those refused.
pub type Verified = (Vec<(Notice, VerifiedNotice)>, Vec<(String, String)>);

/// What one pull did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PullReport {
    /// Notices stored for the first time.
    pub stored: usize,
    /// Notices already stored (a replay).
    pub known: usize,
    /// Notices that failed verification.
    pub refused: usize,
    /// Links that could not be pulled now.
    pub failed: usize,
}

#[derive(Clone)]
pub struct Puller {
    pool: DbPool,
    unit: UnitId,
    trust: Arc<crate::trust::LiveTrust>,
    /// Where CRLs from `trust` notices are installed (`<data_dir>/crls`).
    installed: std::path::PathBuf,
    /// The rule book `rule_pack` notices are installed into.
    rules: Arc<crate::rulebook::LiveRules>,
    sink: Arc<OnceLock<Arc<dyn NoticeSink>>>,
}

impl std::fmt::Debug for Puller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Puller")
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

impl Puller {
    pub fn new(
        pool: DbPool,
        unit: UnitId,
        trust: Arc<crate::trust::LiveTrust>,
        installed: std::path::PathBuf,
        rules: Arc<crate::rulebook::LiveRules>,
    ) -> Self {
        Self {
            pool,
            unit,
            trust,
            installed,
            rules,
            sink: Arc::new(OnceLock::new()),
        }
    }

    /// Sets where verified notices go before they are stored (once; later calls are ignored).
    pub fn set_sink(&self, sink: Arc<dyn NoticeSink>) {
        let _ = self.sink.set(sink);
    }

    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut crate::db::any::AnyConn) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        db::blocking(&self.pool, f).await
    }

    /// Pulls every link until its parent has nothing more.
    pub async fn pull_all(&self, links: &[&Upstream]) -> PullReport {
        let mut total = PullReport::default();
        for link in links {
            match self.pull_link(link).await {
                Ok(r) => {
                    total.stored += r.stored;
                    total.known += r.known;
                    total.refused += r.refused;
                }
                Err(e) => {
                    total.failed += 1;
                    tracing::warn!(link = %link.name, "cannot pull notices now: {e:#}");
                }
            }
        }
        total
    }

    async fn pull_link(&self, link: &Upstream) -> anyhow::Result<PullReport> {
        let mut report = PullReport::default();
        let mut reset = false;
        for _ in 0..MAX_PAGES {
            let name = link.name.clone();
            let after = self.db(move |c| Ok(notices::cursor(c, &name)?)).await?;
            let page = match link.pull(after.max(0) as u64).await {
                PullOutcome::Page(p) => p,
                PullOutcome::Retry(e) => anyhow::bail!(e),
                PullOutcome::Refused { code, .. } if code == CURSOR_AHEAD && !reset => {
                    // The parent's store is older than our cursor (restored from a backup):
                    // start again from the beginning; notices are stored once by id.
                    tracing::warn!(link = %link.name, after, "the parent does not know our notice cursor; pulling again from the start");
                    reset = true;
                    self.move_cursor(&link.name, 0).await?;
                    continue;
                }
                PullOutcome::Refused { code, message } => {
                    anyhow::bail!("{} refused the pull: {code}: {message}", link.name)
                }
            };
            let more = page.more;
            let r = self.take_page(&link.name, *page).await?;
            report.stored += r.stored;
            report.known += r.known;
            report.refused += r.refused;
            if !more {
                break;
            }
        }
        Ok(report)
    }

    async fn move_cursor(&self, link: &str, to: i64) -> anyhow::Result<()> {
        let link = link.to_string();
        self.db(move |c| Ok(notices::set_cursor(c, &link, to, db::now())?))
            .await
    }

    /// Verifies, relays and stores one page, then moves the cursor past it.
    pub async fn take_page(&self, source: &str, page: NoticePage) -> anyhow::Result<PullReport> {
        let next = i64::try_from(page.next).context("the parent's cursor is out of range")?;
        let (good, mut refused) = self.verify(page.notices.iter().cloned()).await;
        let good = self.apply_rules(good, &mut refused);
        let mut report = PullReport {
            refused: refused.len(),
            ..Default::default()
        };
        let good = match self.sink.get().cloned() {
            None => good,
            // Off the async executor: the sink writes to the aggregator's store.
            Some(sink) => tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                for (n, v) in &good {
                    sink.relay(n, v).with_context(|| {
                        format!("cannot relay notice {} down", n.body.notice_id)
                    })?;
                }
                Ok(good)
            })
            .await
            .context("the relay task panicked")??,
        };
        self.install(&good)?;
        let source = source.to_string();
        let (stored, known) = self
            .db(move |c| {
                c.write_transaction(|c| {
                    let stored = store(c, &good, &refused, &source)?;
                    notices::set_cursor(c, &source, next, db::now())?;
                    Ok((stored, good.len() - stored))
                })
            })
            .await?;
        report.stored = stored;
        report.known = known;
        Ok(report)
    }

    /// Installs the rule packs of the page's `rule_pack` notices, in order; one whose book
    /// would not load is refused (`invalid_rule_pack` with the reason, audited, not relayed
    /// or stored) and nothing of it is installed.
    fn apply_rules(
        &self,
        good: Vec<(Notice, VerifiedNotice)>,
        refused: &mut Vec<(String, String)>,
    ) -> Vec<(Notice, VerifiedNotice)> {
        let mut kept = Vec::with_capacity(good.len());
        for (n, v) in good {
            if let schema::NoticeContent::RulePack(u) = &v.content {
                if let Err(reason) = self.rules.install(&u.pack_files(), &u.holiday_files()) {
                    tracing::warn!(notice = %n.body.notice_id, "rule pack refused: {reason}");
                    let why: String = reason.chars().take(400).collect();
                    refused.push((
                        n.body.notice_id.to_string(),
                        format!("invalid_rule_pack: {why}"),
                    ));
                    continue;
                }
                tracing::info!(notice = %n.body.notice_id, "rule pack installed");
            }
            kept.push((n, v));
        }
        kept
    }

    /// Installs the CRLs of the page's `trust` notices (newer ones only), before the page is
    /// stored, and switches to them at once.
    fn install(&self, good: &[(Notice, VerifiedNotice)]) -> anyhow::Result<()> {
        let crls: Vec<Vec<u8>> = good
            .iter()
            .filter_map(|(_, v)| match &v.content {
                schema::NoticeContent::Trust(t) => Some(t.crls.iter().map(|c| c.der())),
                _ => None,
            })
            .flatten()
            .collect();
        if crls.is_empty() {
            return Ok(());
        }
        let n = crate::trust::install_crls(&self.installed, &crls)?;
        if n > 0 {
            tracing::info!(installed = n, "CRLs installed from a trust notice");
            self.trust.reload()?;
        }
        Ok(())
    }

    /// Verifies notices for this unit now; the good ones, and (id, code) of the refused.
    pub async fn verify(&self, notices: impl Iterator<Item = Notice>) -> Verified {
        if let Err(e) = self.trust.fresh() {
            tracing::warn!("notices not verified now: {e}");
            return (Vec::new(), Vec::new());
        }
        verify_all(&self.trust.current(), &self.unit, notices)
    }
}

/// Verifies notices for `unit` now (over the link or from a receipt bundle alike): the good
/// ones, and (id, code) of the refused, each logged.
pub fn verify_all(trust: &Trust, unit: &UnitId, notices: impl Iterator<Item = Notice>) -> Verified {
    let now = schema::UnixTime::now();
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for n in notices {
        match n.verify_for(trust, now, unit) {
            Ok(v) => good.push((n, v)),
            Err(e) => {
                tracing::warn!(notice = %n.body.notice_id, issuer = %n.body.issuer, code = e.code(), "notice refused: {e}");
                bad.push((n.body.notice_id.to_string(), e.code().to_string()));
            }
        }
    }
    (good, bad)
}

/// Stores the verified notices (new ones only) and audits every arrival and refusal.
pub fn store(
    c: &mut AnyConn,
    good: &[(Notice, VerifiedNotice)],
    refused: &[(String, String)],
    source: &str,
) -> anyhow::Result<usize> {
    let now = db::now();
    let mut stored = 0;
    let mut entries = Vec::new();
    for (n, v) in good {
        if notices::insert_new(c, &notices::NoticeRow::of(n, v, source, now))? {
            stored += 1;
            entries.push((
                "notice_received",
                n.body.notice_id.to_string(),
                format!("{} from {} via {source}", n.body.kind, n.body.issuer),
            ));
        }
    }
    for (id, code) in refused {
        entries.push(("notice_refused", id.clone(), format!("{code} via {source}")));
    }
    let batch: Vec<audit::Entry<'_>> = entries
        .iter()
        .map(|(action, subject, detail)| audit::Entry {
            actor: "system",
            action,
            subject,
            detail,
        })
        .collect();
    audit::append_many(c, &batch)?;
    Ok(stored)
}
