//! Relaying to the next tier. An aggregator is a node that also has children: its own upstream
//! link runs on the node's machinery (outbox table, pusher, upstream client), in a store of its
//! own (`<data_dir>/relay.db`). Incident reports are countersigned and queued for the parent at
//! once, before the child gets its receipt; the queueing is idempotent (a child's retry after a
//! crash queues nothing twice), so an incident accepted here is never lost on the way up.
//! Other kinds go up when `[relay] forward` names them; the consolidated report is sent by the
//! schedule before the tier's deadline (`consolidation::send_if_due`). The national
//! aggregator (`VN`) has no upstream and relays nothing.

use anyhow::Context as _;
use config::settings::{AggregatorSettings, DatabaseUrl, NodeSection, NodeSettings};
use schema::{Envelope, ReportKind};

use node::db::DbPool;

/// The aggregator's own node: its store (outbox to the parent, the parent's receipts and
/// notices, the web UI's users and sessions), its signer and trust. The store is
/// `<data_dir>/relay.db` when the aggregator stores in SQLite, and the schema `bmnn_node` of
/// the aggregator's own database when it stores in PostgreSQL, so that every `serve` process
/// on that database shares one outbox, one set of users and every login session.
pub fn own_node(settings: &AggregatorSettings) -> anyhow::Result<node::app::Node> {
    let node_settings = NodeSettings {
        unit: settings.unit.clone(),
        node: NodeSection {
            data_dir: settings.node.data_dir.clone(),
            listen: settings.node.listen,
            database_url: Some(own_store_url(settings)),
            rules_dir: settings.node.rules_dir.clone(),
        },
        tls: settings.tls.clone(),
        upstream: settings.upstream.clone(),
        outbox: settings.outbox.clone(),
        attachments: settings.attachments.clone(),
    };
    node::app::Node::open(node_settings).context("cannot open the aggregator's own node store")
}

/// Where the aggregator's own node stores (see [`own_node`]).
pub fn own_store_url(settings: &AggregatorSettings) -> DatabaseUrl {
    match crate::store::database_url(settings) {
        pg @ DatabaseUrl::Postgres(_) => pg,
        DatabaseUrl::Sqlite(_) => DatabaseUrl::sqlite(settings.node.data_dir.join("relay.db")),
    }
}

/// The aggregator's own upstream side.
#[derive(Clone, Debug)]
pub struct Relay {
    node: node::app::Node,
    /// `[relay] forward`: kinds countersigned and sent up as they arrive.
    forward: Vec<ReportKind>,
}

impl Relay {
    /// `None` when there is no upstream link (the national aggregator).
    pub fn open(settings: &AggregatorSettings) -> anyhow::Result<Option<Self>> {
        if settings.upstream.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self::from_node(own_node(settings)?, settings)))
    }

    /// The relay over an already opened own node (see [`own_node`]).
    pub fn from_node(node: node::app::Node, settings: &AggregatorSettings) -> Self {
        Self {
            node,
            forward: settings.relay.forward.clone(),
        }
    }

    /// The relay for this tier's own reports only (the web UI sends the approved
    /// consolidated report and reads the parent's verdicts; it forwards nothing).
    pub fn for_own_reports(node: node::app::Node) -> Self {
        Self {
            node,
            forward: Vec::new(),
        }
    }

    /// Whether children's reports of `kind` go up at once (`[relay] forward`).
    pub fn forwards(&self, kind: ReportKind) -> bool {
        self.forward.contains(&kind)
    }

    /// Whether a consolidated report of `period` was already signed and queued here.
    pub fn consolidated_sent(&self, period: &str) -> anyhow::Result<bool> {
        use diesel::prelude::*;
        use node::db::schema::submissions;
        let mut conn = self.node.pool.get().context("relay store")?;
        let n: i64 = node::dispatch!(&mut *conn, |c| submissions::table
            .filter(submissions::kind.eq(ReportKind::ConsolidatedReport.code()))
            .filter(submissions::period.eq(period))
            .count()
            .get_result(c))?;
        Ok(n > 0)
    }

    /// Countersigns `env` and queues it for the parent, unless that is already done. Call it
    /// before answering the child, on `accepted` and on `duplicate` alike. The files it names
    /// (`files`: sha256 → media type and bytes, read from the aggregator's store) are copied
    /// into the relay's store in the same transaction, so its pusher sends them first.
    pub fn forward(
        &self,
        env: &Envelope,
        files: &[(schema::AttachmentRef, Vec<u8>)],
    ) -> anyhow::Result<()> {
        let mut relayed = env.clone();
        relayed
            .countersign(&self.node.signer)
            .map_err(|e| anyhow::anyhow!("cannot countersign: {e}"))?;
        let mut conn = self.node.pool.get().context("relay store")?;
        let (id, digest) = (
            relayed.body.report_id.to_string(),
            relayed.digest().to_string(),
        );
        conn.write_transaction(|c| -> anyhow::Result<()> {
            if node::db::submissions::get(c, &id, &digest)?.is_some() {
                return Ok(());
            }
            for (r, bytes) in files {
                node::db::attachments::put(c, r, bytes)?;
            }
            let s = &self.node.settings;
            node::queue::queue_in_transaction(
                c,
                &relayed,
                "relay",
                &s.upstream,
                s.outbox.max_queue,
            )?;
            Ok(())
        })?;
        self.node.wake().notify_one();
        Ok(())
    }

    /// Queues the aggregator's own signed report (a consolidated report) for the parent.
    pub fn send_own(&self, env: &Envelope) -> anyhow::Result<()> {
        let mut conn = self.node.pool.get().context("relay store")?;
        let s = &self.node.settings;
        node::queue::queue_envelope(
            &mut conn,
            env,
            "consolidation",
            &s.upstream,
            s.outbox.max_queue,
        )?;
        self.node.wake().notify_one();
        Ok(())
    }

    /// Wakes the pusher (something was queued outside `forward`/`send_own`).
    pub fn wake(&self) {
        self.node.wake().notify_one();
    }

    /// Sends what is due now (for commands that do not run the server).
    pub async fn push_once(&self) -> anyhow::Result<node::pusher::PushReport> {
        self.node.pusher.push_once().await
    }

    /// The unit's signer.
    pub fn signer(&self) -> &schema::Signer {
        &self.node.signer
    }

    /// The relay's store (outbox, receipts from the parent).
    pub fn pool(&self) -> DbPool {
        self.node.pool.clone()
    }

    /// Runs the relay's pusher until `shutdown` resolves.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        self.node.pusher.clone().run(shutdown).await
    }
}
