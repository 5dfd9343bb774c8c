//! Automatic renewal of the unit's certificate (EST `simplereenroll`): at `[tls] renew_at` of
//! its lifetime (default two thirds) less a random share of up to `[tls] renew_jitter`, the
//! unit makes a new key and CSR, sends it over mutual TLS to its first `[[upstream]]` link
//! (the current certificate is the authentication), checks the chain that comes back (our
//! unit, our new key, the national root), installs key and chain (`identity::install`) and
//! switches the running TLS identity and the signer to them: connections and signatures made
//! from then on use the new certificate, with no restart and no gap. A failure is logged and
//! retried after a tenth of the remaining lifetime (at least 10 s, at most an hour). A
//! certificate that expired anyway is renewed with a new code (`bmnn-node init --enrol`).

use std::future::Future;
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use chrono::{DateTime, Utc};

use crate::app::Node;

/// When a certificate valid from `not_before` to `not_after` is due for renewal: at
/// `renew_at` of its lifetime, earlier by `jitter × draw` of it (`draw` in `0..1`).
pub fn due_at(
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    renew_at: f64,
    jitter: f64,
    draw: f64,
) -> DateTime<Utc> {
    let life = (not_after - not_before).num_milliseconds().max(0) as f64;
    let share = (renew_at - jitter * draw.clamp(0.0, 1.0)).clamp(0.0, 1.0);
    not_before + chrono::Duration::milliseconds((life * share) as i64)
}

/// The validity of the certificate `leaf` (DER).
fn validity(leaf: &[u8]) -> anyhow::Result<(DateTime<Utc>, DateTime<Utc>)> {
    let info = config::pki::inspect(leaf)?;
    Ok((info.not_before, info.not_after))
}

/// A renewed certificate, checked and installed in the `[tls]` files: what the running
/// process switches to.
pub struct Renewed {
    pub chain: Vec<rustls_pki_types::CertificateDer<'static>>,
    pub key: rustls_pki_types::PrivateKeyDer<'static>,
    /// For the first holder; [`Renewed::signer`] makes more.
    pub signer: schema::Signer,
    pub serial: String,
}

impl std::fmt::Debug for Renewed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renewed")
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

impl Renewed {
    /// Another signer with the same key and chain (a process holding several).
    pub fn signer(&self) -> anyhow::Result<schema::Signer> {
        let rustls_pki_types::PrivateKeyDer::Pkcs8(k) = &self.key else {
            return Err(anyhow!("the renewed key is not PKCS#8"));
        };
        schema::Signer::new(
            k.secret_pkcs8_der(),
            self.chain.iter().map(|c| c.to_vec()).collect(),
        )
        .map_err(|e| anyhow!("{e}"))
    }
}

/// Checks `chain_pem` against the root of `tls` for `unit` and the key `key_pem`, then
/// installs both in the files of `tls` (`identity::install`).
pub fn check_and_install(
    tls: &config::settings::TlsSection,
    unit: &schema::UnitId,
    key_pem: &str,
    chain_pem: &str,
) -> anyhow::Result<Renewed> {
    let root = config::pki::load_certs(&tls.trust_root)?
        .into_iter()
        .next()
        .ok_or_else(|| anyhow!("{} holds no certificate", tls.trust_root.display()))?;
    let (chain, signer) = crate::enrol::check_chain(chain_pem, &root, unit, key_pem)?;
    crate::identity::install(&tls.key, key_pem, &tls.cert_chain, chain_pem)?;
    let key = config::pki::load_private_key(&tls.key)?;
    let serial = config::pki::inspect(&chain[0])?.serial.to_string();
    Ok(Renewed {
        chain,
        key,
        signer,
        serial,
    })
}

/// Renews now: new key and CSR, `simplereenroll`, checks, installs, switches. Returns the new
/// certificate's serial.
pub async fn renew_once(node: &Node) -> anyhow::Result<String> {
    let settings = &node.settings;
    let link_name = settings
        .upstream
        .first()
        .map(|l| l.name.to_string())
        .ok_or_else(|| anyhow!("no [[upstream]] link to renew with"))?;
    let link = node
        .pusher
        .link(&link_name)
        .ok_or_else(|| anyhow!("link {link_name} is not configured"))?;
    let info = config::pki::inspect(&node.signer.leaf())?;
    let request = config::pki::new_request(&settings.unit.id, &info.dns, &info.ips)?;
    let chain_pem = link.reenroll(&request.csr_pem).await?;
    let renewed = check_and_install(
        &settings.tls,
        &settings.unit.id,
        &request.key_pem,
        &chain_pem,
    )?;
    node.identity
        .replace(renewed.chain.clone(), renewed.key.clone_key())?;
    node.signer
        .replace(renewed.signer)
        .map_err(|e| anyhow!("cannot switch the signer: {e}"))?;
    Ok(renewed.serial)
}

/// Renews the node's certificate whenever it is due, until `stop` completes.
pub async fn run(node: Node, stop: impl Future<Output = ()>) {
    let tls = node.settings.tls.clone();
    schedule(&tls, || node.signer.leaf(), || renew_once(&node), stop).await;
}

/// The schedule shared by nodes and aggregators: sleeps until the certificate `leaf()` is due
/// (`[tls] renew_at`, `renew_jitter`), calls `renew`, and on failure retries after a tenth of
/// the remaining lifetime (10 s to 1 hour); returns when `stop` completes.
pub async fn schedule<F, Fut>(
    tls: &config::settings::TlsSection,
    leaf: impl Fn() -> Vec<u8>,
    renew: F,
    stop: impl Future<Output = ()>,
) where
    F: Fn() -> Fut,
    Fut: Future<Output = anyhow::Result<String>>,
{
    tokio::pin!(stop);
    loop {
        let wait = match validity(&leaf()) {
            Ok((from, to)) => {
                let draw: f64 = rand::random();
                let due = due_at(from, to, tls.renew_at.get(), tls.renew_jitter.get(), draw);
                (due - Utc::now()).to_std().unwrap_or(Duration::ZERO)
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "cannot read the certificate's validity");
                return;
            }
        };
        tokio::select! {
            () = &mut stop => return,
            () = tokio::time::sleep(wait) => {}
        }
        match renew().await.context("renewal failed") {
            Ok(serial) => tracing::info!(serial = %serial, "certificate renewed"),
            Err(e) => {
                tracing::warn!(error = %format!("{e:#}"), "certificate renewal failed; retrying");
                let retry = validity(&leaf())
                    .map(|(_, to)| ((to - Utc::now()) / 10).to_std().unwrap_or(Duration::ZERO))
                    .unwrap_or(Duration::ZERO)
                    .clamp(Duration::from_secs(10), Duration::from_secs(3600));
                tokio::select! {
                    () = &mut stop => return,
                    () = tokio::time::sleep(retry) => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn renewal_falls_inside_the_lifetime_at_the_set_share(life_h in 1i64..200_000, at in 0.3f64..0.9, jitter in 0.0f64..0.2, draw in 0.0f64..1.0) {
            let from = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
            let to = from + chrono::Duration::hours(life_h);
            let due = due_at(from, to, at, jitter, draw);
            prop_assert!(due > from && due < to);
            let share = (due - from).num_milliseconds() as f64 / (to - from).num_milliseconds() as f64;
            prop_assert!(share <= at + 1e-6 && share >= at - jitter - 1e-6, "{}", share);
        }
    }

    #[test]
    fn two_thirds_of_two_years_is_about_sixteen_months() {
        let from = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let due = due_at(from, from + chrono::Duration::days(730), 0.67, 0.05, 0.0);
        assert_eq!((due - from).num_days(), 489);
    }
}
