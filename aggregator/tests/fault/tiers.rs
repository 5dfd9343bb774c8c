//! Three tiers as real processes with a fault proxy in front of each aggregator:
//!
//! ```text
//! pusher processes ─▶ proxy ─▶ bmnn-aggregator (75) ─relay─▶ proxy ─▶ bmnn-aggregator (VN)
//! ```
//!
//! Notices go the other way on the same connections: the pushers pull from the province, the
//! province's relay pulls from the nation (every second here) and relays them down.
//!
//! The PKI comes from the shared test support (`Federation`); the aggregators' settings are
//! written here (SQLite stores, a rate limit high enough not to matter, short backoffs), and
//! the nodes' by `Federation::node`, pointing at the province's proxy.

use std::path::PathBuf;

use config::pki::{CaDir, LeafRequest, Overwrite};
use config::settings::AggregatorSettings;
use schema::{Submission, UnitId};

use crate::haproxy::{Backend, Haproxy};
use crate::procs::{self, Ports, Proc};
use crate::proxy::FaultProxy;
use crate::support::federation::Federation;

/// The communes of Đồng Nai whose nodes report in the burst.
pub const UNITS: [&str; 4] = ["75.26041", "75.25195", "75.25210", "75.25217"];

/// One aggregator process behind its proxy.
pub struct Tier {
    pub name: &'static str,
    pub config: PathBuf,
    pub proc: Proc,
    pub proxy: FaultProxy,
    pub settings: AggregatorSettings,
    /// Its database: SQLite in its home, or PostgreSQL with `BMNN_TEST_POSTGRES` (dropped
    /// after the process).
    _db: aggregator::store::testdb::TestDb,
    /// A second `serve` process on the same settings and store, behind the same proxy.
    pub twin: Option<Proc>,
    /// The ports of `proc` and of `twin`.
    pub ports: [Ports; 2],
    /// A real load balancer between the proxy and the two processes (see [`Tier::behind_haproxy`]).
    pub haproxy: Option<Haproxy>,
    /// Which of the two the next kill -9 hits.
    kills: usize,
}

impl Tier {
    fn start(
        name: &'static str,
        (config, db): (PathBuf, aggregator::store::testdb::TestDb),
    ) -> Self {
        let settings = AggregatorSettings::load_from(&config, std::iter::empty()).unwrap();
        let on_pg = matches!(
            settings.node.database_url,
            Some(config::settings::DatabaseUrl::Postgres(_))
        );
        assert_eq!(
            on_pg,
            db.is_postgres(),
            "{name} stores where the test asked"
        );
        let (proc, ports) = procs::serve_aggregator(&config);
        Self {
            name,
            config,
            proc,
            proxy: FaultProxy::start(ports.ingest),
            settings,
            _db: db,
            twin: None,
            ports: [ports, Ports::default()],
            haproxy: None,
            kills: 0,
        }
    }

    /// Starts a second process on the same settings and store; the proxy balances the two.
    fn with_twin(mut self) -> Self {
        let (twin, ports) = procs::serve_aggregator(&self.config);
        self.proxy.set_second(ports.ingest);
        self.twin = Some(twin);
        self.ports[1] = ports;
        self
    }

    /// Starts a second process on the same settings and store, and haproxy in front of the
    /// two (TCP for the ingest, HTTP for the web UI); the fault proxy forwards to haproxy.
    fn behind_haproxy(mut self, haproxy: &std::path::Path) -> Self {
        let (twin, ports) = procs::serve_aggregator(&self.config);
        self.twin = Some(twin);
        self.ports[1] = ports;
        let home = self.config.parent().unwrap();
        let hp = Haproxy::start(
            haproxy,
            home,
            [self.ports[0].ingest, self.ports[1].ingest],
            [self.ports[0].ui, self.ports[1].ui],
        );
        self.proxy.retarget(hp.ingest_port);
        self.haproxy = Some(hp);
        self
    }

    /// Whether every process of this tier runs.
    pub fn running(&mut self) -> bool {
        self.proc.running() && self.twin.as_mut().is_none_or(|t| t.running())
    }

    /// kill -9 (the proxy stays: the peers see refused connections, or the other process).
    /// With a twin, the two are killed in turn.
    pub fn kill9(&mut self) {
        self.kills += 1;
        match &mut self.twin {
            Some(twin) if self.kills.is_multiple_of(2) => twin.kill9(),
            _ => self.proc.kill9(),
        }
    }

    /// Starts it again on new ports and points the front (haproxy, or the proxy) at it. With
    /// `retry_now`, first makes every pending row of its relay outbox due, as
    /// `bmnn-node push --retry-now` does for a node: rows a killed pusher had claimed
    /// otherwise wait out their lease (120 s).
    pub fn restart(&mut self, retry_now: bool) {
        assert!(!self.running(), "{} restarted while running", self.name);
        if retry_now {
            if let Some(relay) = self.relay_store() {
                make_all_due(&relay);
            }
        }
        let index = match self.twin.as_mut().map(|t| t.running()) {
            Some(false) => 1,
            _ => 0,
        };
        let (proc, ports) = procs::serve_aggregator(&self.config);
        let slot = if index == 1 {
            self.twin.as_mut().unwrap()
        } else {
            &mut self.proc
        };
        *slot = proc_with_kills(proc, slot);
        self.ports[index] = ports;
        match (&mut self.haproxy, index) {
            (Some(hp), _) => {
                hp.set_server(Backend::Ingest, index, ports.ingest);
                hp.set_server(Backend::Ui, index, ports.ui);
            }
            (None, 1) => self.proxy.set_second(ports.ingest),
            (None, _) => self.proxy.retarget(ports.ingest),
        }
    }

    /// Its store of received submissions (opened from the test process).
    pub fn store(&self) -> aggregator::store::DbPool {
        aggregator::store::open_url(&aggregator::store::database_url(&self.settings)).unwrap()
    }

    /// Its signer (to issue notices as this aggregator).
    pub fn signer(&self) -> schema::Signer {
        node::tls::TlsMaterial::load(&self.settings.tls)
            .unwrap()
            .signer()
            .unwrap()
    }

    /// The relay's node store (outbox towards the parent, the parent's receipts, the web UI's
    /// users and sessions): `relay.db` beside a SQLite store, the schema `bmnn_node` of a
    /// PostgreSQL one. `None` while a SQLite one does not exist yet.
    pub fn relay_store(&self) -> Option<node::db::DbPool> {
        let url = aggregator::relay::own_store_url(&self.settings);
        if let config::settings::DatabaseUrl::Sqlite(path) = &url {
            if !path.exists() {
                return None;
            }
        }
        Some(node::db::open_url(&url).unwrap())
    }
}

fn proc_with_kills(mut new: Proc, old: &Proc) -> Proc {
    new.kills = old.kills;
    new
}

/// Makes every pending outbox row due now (`bmnn-node push --retry-now`).
pub fn make_all_due(pool: &node::db::DbPool) {
    node::db::outbox::make_all_due(&mut pool.get().unwrap(), node::db::now()).unwrap();
}

/// One commune's node: the test's handle on its store (to sign and queue), and its pusher.
pub struct NodeSide {
    pub unit: &'static str,
    pub config: PathBuf,
    pub node: node::app::Node,
    pub pusher: Proc,
}

impl NodeSide {
    /// Starts a new pusher after a kill (after `--retry-now` if asked).
    pub fn restart(&mut self, retry_now: bool) {
        assert!(
            !self.pusher.running(),
            "{}'s pusher restarted while running",
            self.unit
        );
        if retry_now {
            make_all_due(&self.node.pool);
        }
        self.pusher = proc_with_kills(procs::spawn_pusher(&self.config), &self.pusher);
    }
}

/// Signs `sub` with the node's key and queues it, as the head's approval does; its report id.
pub fn queue(node: &node::app::Node, sub: Submission) -> String {
    crate::support::installation::queue(node, sub)
        .body
        .report_id
        .to_string()
}

/// Stores `n` in an aggregator's store for its children to pull, as the aggregator does.
pub fn publish(store: &aggregator::store::DbPool, n: &schema::Notice) {
    let mut c = store.get().unwrap();
    c.write_transaction(|c| {
        aggregator::store::notices::lock(c)?;
        aggregator::store::notices::insert_new(c, n).map(|_| ())
    })
    .unwrap();
}

/// Which tier runs as two `serve` processes on one store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Twins {
    /// One process per tier.
    None,
    /// Two national processes behind the test's balancing proxy.
    Nation,
    /// Two provincial processes behind haproxy (ingest and web UI), which relay to the nation
    /// from one shared outbox.
    ProvinceBehindHaproxy,
}

/// The whole federation. Fields drop in order: nodes' pushers, then the province, the nation,
/// and last the directory that holds them all.
pub struct Tiers {
    pub nodes: Vec<NodeSide>,
    pub province: Tier,
    pub nation: Tier,
    pub fed: Federation,
}

impl Tiers {
    /// The three tiers, with two processes on one store where `twins` says.
    pub fn start(twins: Twins) -> Self {
        let fed = Federation::new();
        let mut nation = Tier::start("nation", write_aggregator(&fed, "VN", &fed.cavn, None));
        if twins == Twins::Nation {
            nation = nation.with_twin();
        }
        let mut province = Tier::start(
            "province",
            write_aggregator(&fed, "75", &fed.ca75, Some(nation.proxy.port)),
        );
        if twins == Twins::ProvinceBehindHaproxy {
            let bin = crate::haproxy::binary().expect(
                "haproxy is not installed: the README's test command (scripts/test) installs it, \
                 or set BMNN_HAPROXY to its path",
            );
            province = province.behind_haproxy(&bin);
        }
        let nodes = UNITS
            .iter()
            .map(|&unit| {
                let inst = fed.node(unit, province.proxy.port);
                let node = inst.open();
                let pusher = procs::spawn_pusher(&inst.config);
                NodeSide {
                    unit,
                    config: inst.config,
                    node,
                    pusher,
                }
            })
            .collect();
        Self {
            nodes,
            province,
            nation,
            fed,
        }
    }

    /// Where the processes' logs are, for failure messages.
    pub fn logs(&self) -> String {
        let mut out = vec![
            self.province.proc.log.display().to_string(),
            self.nation.proc.log.display().to_string(),
        ];
        out.extend(
            self.nodes
                .iter()
                .map(|n| n.pusher.log.display().to_string()),
        );
        out.join(", ")
    }
}

impl Drop for Tiers {
    /// On failure, keeps the directory (stores, settings, logs) for a look.
    fn drop(&mut self) {
        if std::thread::panicking() {
            let dir = std::mem::replace(&mut self.fed.dir, tempfile::tempdir().unwrap());
            eprintln!(
                "fault test: stores and logs kept in {}",
                dir.keep().display()
            );
        }
    }
}

/// Writes the settings of `unit`'s aggregator (leaf from `ca`), relaying to `upstream` (a
/// loopback port) if given, storing in a test database (PostgreSQL with `BMNN_TEST_POSTGRES`).
fn write_aggregator(
    fed: &Federation,
    unit: &str,
    ca: &CaDir,
    upstream: Option<u16>,
) -> (PathBuf, aggregator::store::testdb::TestDb) {
    let home = fed.dir.path().join(format!("aggregator-{unit}"));
    std::fs::create_dir_all(home.join("data")).unwrap();
    let db = aggregator::store::testdb::TestDb::new(&home.join("data"), "aggregator").unwrap();
    let leaf = ca
        .issue_leaf(
            &LeafRequest::aggregator(UnitId::parse(unit).unwrap())
                .with_ip("127.0.0.1".parse().unwrap()),
            &home.join("pki"),
            "aggregator",
            Overwrite::Refuse,
        )
        .unwrap();
    let upstream = upstream.map_or(String::new(), |port| {
        format!(
            r#"[[upstream]]
name = "Bộ Công an (A03)"
url = "https://127.0.0.1:{port}/"
max_classification = "toi_mat"
timeout_secs = 5

[outbox]
initial_backoff_secs = 1
max_backoff_secs = 2
notice_poll_secs = 1
"#
        )
    });
    let toml = format!(
        r#"[unit]
id = "{unit}"
name = "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước"

[node]
data_dir = "data"
listen = "127.0.0.1:0"
database_url = "{url}"

[tls]
cert_chain = "{chain}"
key = "{key}"
trust_root = "{root}"
crl = "{crl}"

{upstream}
[server]
listen = "127.0.0.1:0"
max_body_bytes = 1048576
rate_per_second = 100000
rate_burst = 100000
"#,
        chain = leaf.chain.display(),
        key = leaf.key.display(),
        root = fed.root.cert_path().display(),
        crl = ca.crl_path().display(),
        url = db.url_string(),
    );
    let config = home.join("aggregator.toml");
    std::fs::write(&config, toml).unwrap();
    (config, db)
}
