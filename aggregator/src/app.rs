//! Wiring: `Application::build` turns `AggregatorSettings` into a running ingest service: the
//! store (migrations run), the TLS material (server config requiring client certificates,
//! receipt signer, trust), and the listener bound at `[server] listen` (port 0 in tests).

use std::net::TcpListener;
use std::sync::Arc;

use anyhow::{anyhow, Context as _};
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;

use crate::ingest::{self, Ingest};
use crate::relay::Relay;
use crate::store::{self, DbPool};

/// The running aggregator: the ingest service, the web UI, the relay and the reminders.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    /// The enrolment listener (`[enrolment] listen`) and its port.
    enrol: Option<(actix_web::dev::Server, u16)>,
    /// The steering committee's web UI on `[node] listen`.
    ui: actix_web::dev::Server,
    ui_port: u16,
    pool: DbPool,
    relay: Option<Relay>,
    /// For the reminder schedule.
    settings: AggregatorSettings,
    rules: Arc<node::rulebook::LiveRules>,
    /// Woken when the web UI queues a mail, so it goes out at once.
    mail_wake: Arc<tokio::sync::Notify>,
    /// The renewal of this aggregator's own certificate by its own CA (`[enrolment]`).
    own_renewal: Option<(Arc<crate::enrol::Enrolment>, crate::enrol::own::Holders)>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens the store, loads the TLS material and binds the ingest listener. Must be called
    /// inside an actix (or tokio) runtime.
    pub fn build(settings: AggregatorSettings) -> anyhow::Result<Self> {
        node::tls::install_crypto_provider();
        let pool = store::open_settings(&settings)?;
        let tls = TlsMaterial::load(&settings.tls)?;
        let signer = tls.signer()?;
        if signer.unit() != &settings.unit.id {
            return Err(anyhow!(
                "the certificate {} is for unit {}, but [unit] id is {}: issue an aggregator \
                 certificate for this unit",
                settings.tls.cert_chain.display(),
                signer.unit(),
                settings.unit.id
            ));
        }
        let own = crate::relay::own_node(&settings)?;
        // Notices pulled from the parent are countersigned into this store for the children.
        own.pusher
            .puller
            .set_sink(Arc::new(crate::downlink::RelayDown {
                unit: settings.unit.id.clone(),
                signer: own.signer.clone(),
                pool: pool.clone(),
            }));
        let mail_wake = Arc::new(tokio::sync::Notify::new());
        let relay =
            (!settings.upstream.is_empty()).then(|| Relay::from_node(own.clone(), &settings));
        // The own node's book: rule packs its puller installs reach the ingest too.
        let rules = own.rules.clone();
        let installed = node::trust::installed_dir(&settings.node.data_dir);
        let live = Arc::new(tls.live_trust(&settings.tls, Some(&installed))?);
        let enrolment = settings
            .enrolment
            .as_ref()
            .map(|e| crate::enrol::Enrolment::open(e, pool.clone()))
            .transpose()?;
        let mut ingest = Ingest::new(
            &settings,
            signer,
            live.clone(),
            pool.clone(),
            relay.clone(),
            rules.clone(),
        );
        ingest.enrolment = enrolment.clone();
        let ingest = Arc::new(ingest);
        let own_renewal = enrolment.clone().map(|e| {
            let holders = crate::enrol::own::Holders {
                ingest: ingest.clone(),
                tls: tls.identity.clone(),
                own: own.clone(),
            };
            (e, holders)
        });
        let enrol = match (&enrolment, &settings.enrolment) {
            (Some(e), Some(section)) => Some(enrol_listener(e.clone(), section, &tls)?),
            _ => None,
        };
        let listen = settings.server.listen;
        let listener =
            TcpListener::bind(listen).with_context(|| format!("cannot listen on {listen}"))?;
        let port = listener.local_addr()?.port();
        let server = ingest::server(ingest, listener, tls.server_config_live(live)?)?;
        let ui_listen = settings.node.listen;
        let ui_listener = TcpListener::bind(ui_listen)
            .with_context(|| format!("cannot listen on {ui_listen} for the web UI"))?;
        let ui_port = ui_listener.local_addr()?.port();
        let ui = crate::web::server(
            crate::web::Ui {
                pool: pool.clone(),
                unit: settings.unit.id.clone(),
                unit_name: settings.unit.name.to_string(),
                inspection: settings.inspection.clone(),
                mail_from: crate::mail::sender(&settings)?,
                mail_wake: mail_wake.clone(),
                enrolment: enrolment.clone(),
                builds: Default::default(),
            },
            own,
            ui_listener,
        )?;
        Ok(Self {
            port,
            server,
            enrol,
            ui,
            ui_port,
            pool,
            relay,
            settings,
            rules,
            mail_wake,
            own_renewal,
        })
    }

    /// The port the ingest listener is bound to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The port of the enrolment listener, when `[enrolment]` is set.
    pub fn enrol_port(&self) -> Option<u16> {
        self.enrol.as_ref().map(|(_, p)| *p)
    }

    /// The port of the web UI.
    pub fn ui_port(&self) -> u16 {
        self.ui_port
    }

    /// The store (for tests and commands that look at what arrived).
    pub fn pool(&self) -> DbPool {
        self.pool.clone()
    }

    /// A handle to stop the server gracefully from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The relay's store (its outbox and the parent's receipts), if there is a parent.
    pub fn relay_pool(&self) -> Option<node::db::DbPool> {
        self.relay.as_ref().map(Relay::pool)
    }

    /// Serves until the server is stopped (Ctrl-C or [`Application::handle`]), pushing the
    /// relay's outbox to the parent and running the reminder schedule in the background.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|stop| *stop).await;
        };
        let renewal = self.own_renewal.map(|(e, holders)| {
            tokio::spawn(crate::enrol::own::run(
                e,
                self.settings.clone(),
                holders,
                stopped(stop_rx.clone()),
            ))
        });
        let reminders = tokio::spawn(crate::reminders::run_schedule(
            self.settings,
            self.pool.clone(),
            self.rules,
            self.relay.clone(),
            self.mail_wake.clone(),
            stopped(stop_rx.clone()),
        ));
        let pusher = self.relay.map(|r| tokio::spawn(r.run(stopped(stop_rx))));
        let ui_handle = self.ui.handle();
        let ui = tokio::spawn(self.ui);
        let enrol = self.enrol.map(|(server, _)| {
            let handle = server.handle();
            (handle, tokio::spawn(server))
        });
        let result = self.server.await.context("the ingest server failed");
        ui_handle.stop(true).await;
        let _ = ui.await;
        if let Some((handle, task)) = enrol {
            handle.stop(true).await;
            let _ = task.await;
        }
        let _ = stop_tx.send(true);
        if let Some(p) = pusher {
            let _ = p.await;
        }
        let _ = reminders.await;
        if let Some(r) = renewal {
            let _ = r.await;
        }
        result
    }
}

/// Binds `[enrolment] listen` and serves EST enrolment there (server TLS only).
fn enrol_listener(
    enrolment: Arc<crate::enrol::Enrolment>,
    section: &config::settings::EnrolmentSection,
    tls: &TlsMaterial,
) -> anyhow::Result<(actix_web::dev::Server, u16)> {
    let listener = TcpListener::bind(section.listen)
        .with_context(|| format!("cannot listen on {} for enrolment", section.listen))?;
    let port = listener.local_addr()?.port();
    let server =
        crate::enrol::est::server(enrolment, listener, tls.server_config_no_client_auth()?)?;
    Ok((server, port))
}
