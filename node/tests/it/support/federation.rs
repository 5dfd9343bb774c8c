//! A test federation: national root, Đồng Nai's CA (75), the province's aggregator leaf
//! (serving TLS on 127.0.0.1), and node installations with their settings files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use config::pki::{CaDir, LeafFiles, LeafRequest, Overwrite};
use config::settings::{NodeSettings, TlsSection};
use schema::*;

pub struct Federation {
    pub dir: tempfile::TempDir,
    pub root: CaDir,
    pub ca75: CaDir,
    pub aggregator: LeafFiles,
}

impl Federation {
    pub fn new() -> Self {
        node::tls::install_crypto_provider();
        let dir = tempfile::tempdir().unwrap();
        let root = CaDir::init_root(&dir.path().join("root"), Overwrite::Refuse).unwrap();
        let ca75 = root
            .issue_intermediate(
                &UnitId::parse("75").unwrap(),
                &dir.path().join("ca75"),
                Overwrite::Refuse,
            )
            .unwrap();
        let req = LeafRequest::aggregator(UnitId::parse("75").unwrap())
            .with_ip("127.0.0.1".parse().unwrap());
        let aggregator = ca75
            .issue_leaf(&req, &dir.path().join("agg"), "agg", Overwrite::Refuse)
            .unwrap();
        Self {
            dir,
            root,
            ca75,
            aggregator,
        }
    }

    pub fn aggregator_tls(&self) -> TlsSection {
        TlsSection::new(
            self.aggregator.chain.clone(),
            self.aggregator.key.clone(),
            self.root.cert_path(),
            Some(self.ca75.crl_path()),
        )
    }

    /// A node installation for `unit`, its link pointing at `port` on loopback.
    pub fn node(&self, unit: &str, port: u16, max_class: &str) -> Installation {
        let dir = self
            .dir
            .path()
            .join(format!("node-{}", unit.replace(['/', '.'], "_")));
        let leaf = self
            .ca75
            .issue_leaf(
                &LeafRequest::node(UnitId::parse(unit).unwrap()),
                &dir.join("pki"),
                "node",
                Overwrite::Refuse,
            )
            .unwrap();
        Installation::write(&dir, unit, &leaf, &self.root.cert_path(), port, max_class)
    }
}

pub struct Installation {
    /// The installation's directory (settings file, data, keys).
    #[allow(dead_code)]
    pub dir: PathBuf,
    pub config: PathBuf,
}

impl Installation {
    pub fn write(
        dir: &Path,
        unit: &str,
        leaf: &LeafFiles,
        root: &Path,
        port: u16,
        max_class: &str,
    ) -> Self {
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
max_classification = "{max_class}"
timeout_secs = 2

[outbox]
initial_backoff_secs = 1
max_backoff_secs = 2
jitter = 0.5
max_queue = 20000
"#,
            chain = leaf.chain.display(),
            key = leaf.key.display(),
            root = root.display(),
        );
        std::fs::write(&config, toml).unwrap();
        Self {
            dir: dir.to_path_buf(),
            config,
        }
    }

    pub fn settings(&self) -> NodeSettings {
        NodeSettings::load_from(&self.config, std::iter::empty()).unwrap()
    }

    pub fn open(&self) -> node::app::Node {
        node::app::Node::open(self.settings()).unwrap()
    }

    /// Runs `bmnn-node <args> --config <this>`.
    pub fn cli(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bmnn-node"))
            .args(args)
            .arg("--config")
            .arg(&self.config)
            .output()
            .unwrap()
    }

    pub fn push(&self, retry_now: bool) -> String {
        let out = if retry_now {
            self.cli(&["push", "--retry-now"])
        } else {
            self.cli(&["push"])
        };
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "push failed: {text}");
        text
    }

    /// Signs and queues `n` annual-report-like submissions (or one incident) as the node does
    /// when the head approves.
    pub fn queue(&self, node: &node::app::Node, subs: Vec<Submission>) -> Vec<Envelope> {
        let mut conn = node.pool.get().unwrap();
        subs.into_iter()
            .map(|s| {
                let env = Envelope::sign(s, &node.signer).unwrap();
                node::queue::queue_envelope(
                    &mut conn,
                    &env,
                    "head",
                    &node.settings.upstream,
                    node.settings.outbox.max_queue,
                )
                .unwrap();
                env
            })
            .collect()
    }

    /// Outbox rows by state.
    pub fn outbox_counts(&self, node: &node::app::Node) -> std::collections::HashMap<String, i64> {
        node::db::outbox::counts(&mut node.pool.get().unwrap())
            .unwrap()
            .into_iter()
            .collect()
    }
}

pub fn submission(unit: &str, kind: ReportKind, classification: Classification) -> Submission {
    let now = chrono::DateTime::parse_from_rfc3339("2026-12-05T09:30:00+07:00").unwrap();
    let payload = match kind {
        ReportKind::IncidentReport => Payload::IncidentReport(IncidentReport {
            discovered_at: now,
            exposed_classification: Classification::Mat,
            carrier: CarrierForm::Document,
            channel: Line::parse("Thất lạc khi vận chuyển").unwrap(),
            description: Text::parse("Mất 01 tài liệu Mật khi chuyển phát.").unwrap(),
            cause: Text::parse("Không niêm phong theo quy định.").unwrap(),
            consequences: Text::parse("Đang xác minh.").unwrap(),
            measures_taken: Text::parse("Đã báo cáo Công an tỉnh.").unwrap(),
            status: IncidentStatus::UnderInvestigation,
            violations: BoundedVec::parse(vec![ViolationKind::LeakOrLoss]).unwrap(),
        }),
        _ => Payload::AnnualReport(AnnualReport {
            sections: BoundedVec::parse(vec![Section {
                code: IndicatorCode::parse("a").unwrap(),
                text: Text::parse("Tình hình ổn định.").unwrap(),
            }])
            .unwrap(),
            indicators: BoundedVec::empty(),
            incidents: BoundedVec::empty(),
            drafter: Line::parse("Nguyễn Văn An").unwrap(),
        }),
    };
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: UnitId::parse(unit).unwrap(),
        period: ReportingPeriod::Annual(2026),
        classification,
        created_at: now,
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload,
    }
}
