//! The aggregator's own certificate renews itself with its own CA: when `[enrolment] ca` may
//! sign for this aggregator's unit (the CA of 75 for the aggregator of 75, the VN CA for the
//! nation's), at `[tls] renew_at` of its lifetime (less jitter) it makes a new key and CSR with
//! the same DNS names and IPs, signs them locally as an aggregator certificate, checks and
//! installs the files (`node::renew::check_and_install`) and switches everything that presents
//! or signs with it: the ingest and enrolment listeners' TLS identity, the relay's client
//! identity, the receipts' signer and the relay's countersigner.

use std::future::Future;
use std::sync::Arc;

use anyhow::anyhow;
use config::pki::Role;
use config::settings::AggregatorSettings;

use super::Enrolment;
use crate::ingest::Ingest;

/// What presents or signs with the aggregator's certificate.
#[derive(Debug, Clone)]
pub struct Holders {
    pub ingest: Arc<Ingest>,
    /// The listeners' identity (ingest, enrolment).
    pub tls: Arc<node::identity::LiveIdentity>,
    /// The aggregator's own node: the relay's client identity and countersigner, the UI's
    /// signer.
    pub own: node::app::Node,
}

/// Renews now; the new serial.
pub fn renew_once(
    e: &Enrolment,
    settings: &AggregatorSettings,
    holders: &Holders,
) -> anyhow::Result<String> {
    let unit = &settings.unit.id;
    let info = config::pki::inspect(&holders.ingest.signer.leaf())?;
    let request = config::pki::new_request(unit, &info.dns, &info.ips)?;
    let signed =
        e.ca.sign_for_unit(&request.csr_pem, Role::Aggregator, unit, e.lifetime)?;
    e.record(&signed, "renew", Some(&info.serial.to_string()))?;
    let renewed =
        node::renew::check_and_install(&settings.tls, unit, &request.key_pem, &signed.chain_pem)?;
    holders
        .tls
        .replace(renewed.chain.clone(), renewed.key.clone_key())?;
    holders
        .own
        .identity
        .replace(renewed.chain.clone(), renewed.key.clone_key())?;
    holders
        .own
        .signer
        .replace(renewed.signer()?)
        .map_err(|err| anyhow!("{err}"))?;
    let serial = renewed.serial.clone();
    holders
        .ingest
        .signer
        .replace(renewed.signer)
        .map_err(|err| anyhow!("{err}"))?;
    Ok(serial)
}

/// Renews the aggregator's certificate whenever due, until `stop`; nothing when the CA may
/// not sign for this aggregator's unit.
pub async fn run(
    e: Arc<Enrolment>,
    settings: AggregatorSettings,
    holders: Holders,
    stop: impl Future<Output = ()>,
) {
    if e.ca.check_scope(&settings.unit.id).is_err() {
        tracing::info!(
            "[enrolment] ca does not sign for this aggregator: its certificate is renewed by hand"
        );
        return;
    }
    let leaf = || holders.ingest.signer.leaf();
    // Off the async executor: signing and recording touch the files and the database (whose
    // PostgreSQL connection blocks on a runtime of its own).
    let renew = || {
        let (e, settings, holders) = (e.clone(), settings.clone(), holders.clone());
        async move {
            tokio::task::spawn_blocking(move || renew_once(&e, &settings, &holders))
                .await
                .map_err(|err| anyhow!("the renewal task failed: {err}"))?
        }
    };
    node::renew::schedule(&settings.tls, leaf, renew, stop).await;
}
