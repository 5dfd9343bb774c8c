//! A test federation: the national root, Đồng Nai's CA (75) and Hồ Chí Minh City's (79), the
//! province's aggregator (the real `aggregator::Application`, on a thread with its own actix
//! System), and node installations whose link points at it.

use std::path::{Path, PathBuf};

use config::pki::{CaDir, LeafFiles, LeafRequest, Overwrite};
use config::settings::{AggregatorSettings, TlsSection};
use node::tls::TlsMaterial;
use schema::UnitId;

pub use super::installation::Installation;

pub struct Federation {
    pub dir: tempfile::TempDir,
    pub root: CaDir,
    pub ca75: CaDir,
    pub ca79: CaDir,
    /// The nation's CA, for the national aggregator's own certificate.
    pub cavn: CaDir,
}

impl Federation {
    pub fn new() -> Self {
        node::tls::install_crypto_provider();
        let dir = tempfile::tempdir().unwrap();
        let root = CaDir::init_root(&dir.path().join("root"), Overwrite::Refuse).unwrap();
        let ca = |unit: &str| {
            root.issue_intermediate(
                &UnitId::parse(unit).unwrap(),
                &dir.path().join(format!("ca{unit}")),
                Overwrite::Refuse,
            )
            .unwrap()
        };
        let (ca75, ca79, cavn) = (ca("75"), ca("79"), ca("VN"));
        Self {
            dir,
            root,
            ca75,
            ca79,
            cavn,
        }
    }

    /// The CA that issues for `unit` (by its province).
    fn ca_for(&self, unit: &str) -> &CaDir {
        if unit.starts_with("79") {
            &self.ca79
        } else if unit == "VN" {
            &self.cavn
        } else {
            &self.ca75
        }
    }

    /// A leaf for `unit` (node role) and its `[tls]` section.
    pub fn leaf(&self, unit: &str) -> (LeafFiles, TlsSection) {
        let name = format!("leaf-{}", unit.replace(['/', '.'], "_"));
        let files = self
            .ca_for(unit)
            .issue_leaf(
                &LeafRequest::node(UnitId::parse(unit).unwrap()),
                &self.dir.path().join("leaves"),
                &name,
                Overwrite::Refuse,
            )
            .unwrap();
        let tls = TlsSection::new(
            files.chain.clone(),
            files.key.clone(),
            self.root.cert_path(),
            Some(self.ca_for(unit).crl_path()),
        );
        (files, tls)
    }

    /// Starts Đồng Nai's aggregator on a free port with body limit `max_body_bytes` (its
    /// upstream link is a placeholder nobody answers).
    pub fn aggregator(&self, max_body_bytes: u64) -> Aggregator {
        self.aggregator_for("75", "https://a03.bca.example.vn/", max_body_bytes)
    }

    /// Starts the national aggregator (`VN`, no upstream).
    pub fn national(&self) -> Aggregator {
        self.aggregator_for("VN", "", 8 * 1024 * 1024)
    }

    /// The national aggregator and Đồng Nai's, which relays to it: two tiers above a node.
    pub fn nation_and_province(&self) -> (Aggregator, Aggregator) {
        let national = self.national();
        let province = self.aggregator_for(
            "75",
            &format!("https://127.0.0.1:{}/", national.port),
            1 << 20,
        );
        (national, province)
    }

    /// Starts the aggregator of `unit`, relaying to `upstream` (none if empty).
    pub fn aggregator_for(&self, unit: &str, upstream: &str, max_body_bytes: u64) -> Aggregator {
        self.aggregator_with(unit, upstream, max_body_bytes, "")
    }

    /// The same, with extra `[server]` lines (e.g. a rate limit).
    pub fn aggregator_with(
        &self,
        unit: &str,
        upstream: &str,
        max_body_bytes: u64,
        server_extra: &str,
    ) -> Aggregator {
        self.aggregator_living(unit, upstream, max_body_bytes, server_extra, None)
    }

    /// The same, with a certificate that lives `lifetime` (two years when `None`).
    pub fn aggregator_living(
        &self,
        unit: &str,
        upstream: &str,
        max_body_bytes: u64,
        server_extra: &str,
        lifetime: Option<chrono::Duration>,
    ) -> Aggregator {
        let home = self.dir.path().join(format!("aggregator-{unit}"));
        let leaf = match lifetime {
            None => self.aggregator_leaf(unit, &home),
            Some(l) => self.short_aggregator_leaf(unit, &home, l),
        };
        let upstream = if upstream.is_empty() {
            String::new()
        } else {
            format!(
                "[[upstream]]\nname = \"Bộ Công an (A03)\"\nurl = \"{upstream}\"\nmax_classification = \"toi_mat\"\ntimeout_secs = 5\n\n[outbox]\ninitial_backoff_secs = 1\nmax_backoff_secs = 2\n"
            )
        };
        let config = home.join("aggregator.toml");
        let db = aggregator::store::testdb::TestDb::new(&home, "aggregator").unwrap();
        let database_url = if db.is_postgres() {
            format!("database_url = \"{}\"", db.url_string())
        } else {
            String::new()
        };
        let toml = format!(
            r#"[unit]
id = "{unit}"
name = "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước"

[node]
data_dir = "data"
listen = "127.0.0.1:0"
{database_url}

[tls]
cert_chain = "{chain}"
key = "{key}"
trust_root = "{root}"
crl = "{crl}"
crl_reload_secs = 1

{upstream}
[server]
listen = "127.0.0.1:0"
max_body_bytes = {max_body_bytes}
{server_extra}
"#,
            chain = leaf.chain.display(),
            key = leaf.key.display(),
            root = self.root.cert_path().display(),
            crl = self.ca_for(unit).crl_path().display(),
        );
        std::fs::write(&config, toml).unwrap();
        let settings = AggregatorSettings::load_from(&config, std::iter::empty()).unwrap();
        Aggregator::start(settings, config, db)
    }

    fn aggregator_leaf(&self, unit: &str, home: &Path) -> LeafFiles {
        self.ca_for(unit)
            .issue_leaf(
                &LeafRequest::aggregator(UnitId::parse(unit).unwrap())
                    .with_ip("127.0.0.1".parse().unwrap()),
                &home.join("pki"),
                "aggregator",
                Overwrite::Refuse,
            )
            .unwrap()
    }

    /// An aggregator certificate signed from a CSR with a short lifetime (renewal tests).
    fn short_aggregator_leaf(
        &self,
        unit: &str,
        home: &Path,
        lifetime: chrono::Duration,
    ) -> LeafFiles {
        let id = UnitId::parse(unit).unwrap();
        let req = config::pki::new_request(&id, &[], &["127.0.0.1".parse().unwrap()]).unwrap();
        let signed = self
            .ca_for(unit)
            .sign_for_unit(&req.csr_pem, config::pki::Role::Aggregator, &id, lifetime)
            .unwrap();
        let pki = home.join("pki");
        std::fs::create_dir_all(&pki).unwrap();
        let (key, chain) = (
            pki.join("aggregator.key.pem"),
            pki.join("aggregator.chain.pem"),
        );
        node::identity::install(&key, &req.key_pem, &chain, &signed.chain_pem).unwrap();
        LeafFiles {
            unit: id,
            serial: signed.serial,
            not_after: signed.not_after,
            cert: chain.clone(),
            identity: chain.clone(),
            key,
            chain,
        }
    }

    /// A node installation for `unit` whose link points at `port` on loopback.
    pub fn node(&self, unit: &str, port: u16) -> Installation {
        let (_, tls) = self.leaf(unit);
        let dir = self
            .dir
            .path()
            .join(format!("node-{}", unit.replace(['/', '.'], "_")));
        Installation::write(&dir, unit, &tls, port)
    }
}

/// The real aggregator, running until dropped.
pub struct Aggregator {
    pub port: u16,
    /// The enrolment listener's port, when `[enrolment]` is set.
    pub enrol_port: Option<u16>,
    /// The web UI's port (plain HTTP on loopback).
    pub ui_port: u16,
    pub pool: aggregator::store::DbPool,
    /// The relay's outbox store, when the aggregator has a parent.
    pub relay_pool: Option<node::db::DbPool>,
    pub config: PathBuf,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Dropped after the server stops (fields drop after `Drop::drop`).
    _db: aggregator::store::testdb::TestDb,
}

impl Aggregator {
    fn start(
        settings: AggregatorSettings,
        config: PathBuf,
        db: aggregator::store::testdb::TestDb,
    ) -> Self {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = aggregator::Application::build(settings).unwrap();
                tx.send((
                    (app.port(), app.enrol_port()),
                    app.ui_port(),
                    app.pool(),
                    app.relay_pool(),
                    app.handle(),
                ))
                .unwrap();
                app.run_until_stopped().await.unwrap();
            })
        });
        let ((port, enrol_port), ui_port, pool, relay_pool, handle) = rx.recv().unwrap();
        assert_eq!(
            pool.get().unwrap().is_postgres(),
            db.is_postgres(),
            "the aggregator stores where the test database is"
        );
        Self {
            port,
            enrol_port,
            ui_port,
            pool,
            relay_pool,
            config,
            handle,
            thread: Some(thread),
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    /// The web UI's base URL.
    pub fn ui(&self) -> String {
        format!("http://127.0.0.1:{}", self.ui_port)
    }

    /// Creates a UI user in the aggregator's own node store (`relay.db` beside a SQLite store,
    /// the schema `bmnn_node` of a PostgreSQL one).
    pub fn add_user(&self, username: &str, role: node::db::users::Role, password: &str) {
        let settings = AggregatorSettings::load_from(&self.config, std::iter::empty()).unwrap();
        let pool = node::db::open_url(&aggregator::relay::own_store_url(&settings)).unwrap();
        let hash = node::auth::hash_password(password).unwrap();
        node::db::users::insert(
            &mut pool.get().unwrap(),
            &node::db::users::NewUser {
                username,
                display_name: "Nguyễn Thị Hà",
                role: role.code(),
                password_hash: &hash,
                created_at: node::db::now(),
            },
        )
        .unwrap();
    }

    /// Stored versions (rows).
    pub fn stored(&self) -> i64 {
        aggregator::store::received::count(&mut self.pool.get().unwrap()).unwrap()
    }

    /// Every stored version of a report, oldest first.
    pub fn versions(&self, report_id: &str) -> Vec<aggregator::store::received::ReceivedRow> {
        aggregator::store::received::versions(&mut self.pool.get().unwrap(), report_id).unwrap()
    }
}

impl Drop for Aggregator {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        // A thread of its own: the test may be inside a runtime, which cannot nest another.
        let _ = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(handle.stop(false));
        })
        .join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// An HTTPS client presenting the certificate in `tls` (or none), trusting only the root.
pub fn client(tls: &TlsSection, with_certificate: bool) -> reqwest::Client {
    let material = TlsMaterial::load(tls).unwrap();
    let config = if with_certificate {
        material.client_config().unwrap()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        roots.add(material.root.clone()).unwrap();
        rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth()
    };
    reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .build()
        .unwrap()
}

/// POSTs `body` to the submissions endpoint; the status and the JSON answer.
pub async fn post(
    client: &reqwest::Client,
    agg: &Aggregator,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let resp = client
        .post(agg.url("/api/v1/submissions"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp.bytes().await.unwrap();
    let json = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
    (status, json)
}
