//! A node installation for the federation's tests: its settings file pointing at an
//! aggregator on loopback, and what a test does with it (queue a report as the head's
//! approval does, read its receipts and outbox rows).

use std::path::{Path, PathBuf};

use config::settings::{NodeSettings, TlsSection};
use schema::{Envelope, Receipt, Submission};

pub struct Installation {
    pub config: PathBuf,
    pub tls: TlsSection,
}

impl Installation {
    /// Writes `dir/node.toml` for `unit` with the files of `tls` (which need not exist yet).
    pub fn write(dir: &Path, unit: &str, tls: &TlsSection, port: u16) -> Self {
        std::fs::create_dir_all(dir).unwrap();
        let config = dir.join("node.toml");
        let toml = format!(
            r#"[unit]
id = "{unit}"
name = "Ủy ban nhân dân phường Trấn Biên"

[node]
data_dir = "data"
listen = "127.0.0.1:0"

[tls]
cert_chain = "{chain}"
key = "{key}"
trust_root = "{root}"

[[upstream]]
name = "PA03 Đồng Nai"
url = "https://127.0.0.1:{port}/"
max_classification = "mat"
timeout_secs = 10

[outbox]
initial_backoff_secs = 1
max_backoff_secs = 2
"#,
            chain = tls.cert_chain.display(),
            key = tls.key.display(),
            root = tls.trust_root.display(),
        );
        std::fs::write(&config, toml).unwrap();
        Self {
            config,
            tls: tls.clone(),
        }
    }

    pub fn settings(&self) -> NodeSettings {
        NodeSettings::load_from(&self.config, std::iter::empty()).unwrap()
    }

    pub fn open(&self) -> node::app::Node {
        node::app::Node::open(self.settings()).unwrap()
    }

    /// Signs and queues `sub` as the node does when the head approves.
    pub fn queue(&self, node: &node::app::Node, sub: Submission) -> Envelope {
        queue(node, sub)
    }

    /// The receipts the node stored for `report_id`, decoded.
    pub fn receipts(&self, node: &node::app::Node, report_id: &str) -> Vec<Receipt> {
        node::db::receipts::for_report(&mut node.pool.get().unwrap(), report_id)
            .unwrap()
            .iter()
            .map(|r| schema::decode(r.receipt.as_bytes()).unwrap())
            .collect()
    }

    /// The node's outbox row for one version of a report.
    pub fn outbox_row(
        &self,
        node: &node::app::Node,
        env: &Envelope,
    ) -> node::db::outbox::OutboxRow {
        let digest = env.digest().to_string();
        node::db::outbox::for_report(&mut node.pool.get().unwrap(), env.body.report_id.as_str())
            .unwrap()
            .into_iter()
            .find(|r| r.digest == digest)
            .unwrap()
    }
}

/// Signs `sub` with the node's key and queues it, as the head's approval does.
pub fn queue(node: &node::app::Node, sub: Submission) -> Envelope {
    let env = Envelope::sign(sub, &node.signer).unwrap();
    node::queue::queue_envelope(
        &mut node.pool.get().unwrap(),
        &env,
        "lanhdao",
        &node.settings.upstream,
        node.settings.outbox.max_queue,
    )
    .unwrap();
    env
}
