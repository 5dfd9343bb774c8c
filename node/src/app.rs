//! Wiring: `Node::open` turns settings into a running context (database, TLS material,
//! signer, rule book, upstream links); `Application::build` binds the web UI's listener (port 0
//! in tests) and starts the outbox pusher beside it.

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::{anyhow, Context as _};
use config::rules::RuleBook;
use config::settings::NodeSettings;
use schema::Signer;
use tokio::sync::Notify;

use crate::db::{self, DbPool};
use crate::puller::Puller;
use crate::pusher::Pusher;
use crate::tls::TlsMaterial;
use crate::trust::LiveTrust;
use crate::upstream::Upstream;

/// Everything a request handler or a command needs.
#[derive(Clone)]
pub struct Node {
    pub pool: DbPool,
    pub settings: Arc<NodeSettings>,
    /// The rule book in use (received packs laid over the base), replaced by `rule_pack`
    /// notices while running.
    pub rules: Arc<crate::rulebook::LiveRules>,
    pub signer: Arc<Signer>,
    /// The certificate TLS presents; a renewal replaces it and the signer together.
    pub identity: Arc<crate::identity::LiveIdentity>,
    /// The national root and CRLs (kept current), for receipts, notices and recipient
    /// certificates.
    pub trust: Arc<LiveTrust>,
    pub pusher: Pusher,
}

impl std::fmt::Debug for Node {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Node")
            .field("unit", &self.settings.unit.id)
            .finish_non_exhaustive()
    }
}

impl Node {
    /// Opens the database (running migrations), loads TLS material and rule packs.
    pub fn open(settings: NodeSettings) -> anyhow::Result<Self> {
        crate::tls::install_crypto_provider();
        let pool = db::open_url(&settings.node.database_url())?;
        let tls = TlsMaterial::load(&settings.tls)?;
        let signer = tls.signer()?;
        if signer.unit() != &settings.unit.id {
            return Err(anyhow!(
                "the certificate {} is for unit {}, but [unit] id is {}: issue a certificate for this unit",
                settings.tls.cert_chain.display(),
                signer.unit(),
                settings.unit.id
            ));
        }
        let rules = Arc::new(crate::rulebook::LiveRules::load(
            settings.node.rules_dir.as_deref(),
            &crate::rulebook::installed_dir(&settings.node.data_dir),
        )?);
        let installed = crate::trust::installed_dir(&settings.node.data_dir);
        let trust = Arc::new(tls.live_trust(&settings.tls, Some(&installed))?);
        let links = settings
            .upstream
            .iter()
            .map(|l| Upstream::new(l, &tls, trust.clone()))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let puller = Puller::new(
            pool.clone(),
            settings.unit.id.clone(),
            trust.clone(),
            installed,
            rules.clone(),
        );
        let pusher = Pusher::new(
            pool.clone(),
            links,
            trust.clone(),
            settings.outbox.clone(),
            puller,
        );
        Ok(Self {
            pool,
            settings: Arc::new(settings),
            rules,
            signer: Arc::new(signer),
            identity: tls.identity.clone(),
            trust,
            pusher,
        })
    }

    /// Wakes the pusher: something was queued.
    pub fn wake(&self) -> Arc<Notify> {
        self.pusher.wake.clone()
    }
}

/// The running node: web UI plus outbox pusher.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    node: Node,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    pub fn build(settings: NodeSettings) -> anyhow::Result<Self> {
        let listen = settings.node.listen;
        let node = Node::open(settings)?;
        let listener =
            TcpListener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
        let port = listener.local_addr()?.port();
        let server = crate::web::server(node.clone(), listener)?;
        Ok(Self { port, server, node })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serves until the server stops (Ctrl-C), pushing the outbox and renewing the
    /// certificate when due in the background.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let pusher = tokio::spawn(self.node.pusher.clone().run(stopped(stop_rx.clone())));
        let renewal = tokio::spawn(crate::renew::run(self.node.clone(), stopped(stop_rx)));
        let result = self.server.await;
        let _ = stop_tx.send(true);
        let _ = pusher.await;
        let _ = renewal.await;
        result.context("the web server failed")
    }
}

/// The rule book of an installation (`[node] rules_dir` or the embedded packs, with the packs
/// received in `rule_pack` notices), for commands that run once.
pub fn load_rules(node: &config::settings::NodeSection) -> anyhow::Result<&'static RuleBook> {
    Ok(crate::rulebook::LiveRules::load(
        node.rules_dir.as_deref(),
        &crate::rulebook::installed_dir(&node.data_dir),
    )?
    .get())
}
