//! TLS and signing material of a node or aggregator: the unit's certificate chain and key, the
//! national root and the CRLs, loaded once from the paths in `[tls]`, turned into rustls client
//! and server configs (mutual TLS both ways) and into the JWS `Signer`/`Trust` of the contract.

use std::sync::Arc;

use anyhow::{anyhow, Context as _};
use config::pki::{load_certs, load_private_key};
use config::settings::TlsSection;
use rustls::client::WebPkiServerVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

/// Installs the one rustls crypto provider (aws-lc-rs). Call at the start of `main` and of
/// every test that builds TLS configs; calling it twice is harmless.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}

/// Certificates and key of one unit.
pub struct TlsMaterial {
    pub chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    /// The chain and key rustls presents, replaced by a renewal while running.
    pub identity: Arc<crate::identity::LiveIdentity>,
    pub root: CertificateDer<'static>,
    pub crls: Vec<CertificateRevocationListDer<'static>>,
}

impl std::fmt::Debug for TlsMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsMaterial")
            .field("chain", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl TlsMaterial {
    pub fn load(tls: &TlsSection) -> anyhow::Result<Self> {
        crate::identity::finish_install(&tls.key, &tls.cert_chain)?;
        let chain = load_certs(&tls.cert_chain)?;
        if chain.len() < 2 {
            return Err(anyhow!(
                "{} must hold the leaf and its intermediate CA (the .chain.pem file `pki issue` writes)",
                tls.cert_chain.display()
            ));
        }
        let key = load_private_key(&tls.key)?;
        let root = load_certs(&tls.trust_root)?
            .into_iter()
            .next()
            .ok_or_else(|| anyhow!("{} holds no certificate", tls.trust_root.display()))?;
        let crls = crate::trust::load_all(tls.crl.as_deref())?;
        let identity = Arc::new(
            crate::identity::LiveIdentity::new(chain.clone(), key.clone_key()).with_context(
                || format!("{} and {}", tls.cert_chain.display(), tls.key.display()),
            )?,
        );
        Ok(Self {
            chain,
            key,
            identity,
            root,
            crls,
        })
    }

    fn roots(&self) -> anyhow::Result<Arc<RootCertStore>> {
        let mut roots = RootCertStore::empty();
        roots
            .add(self.root.clone())
            .context("the trust root is not a usable CA certificate")?;
        Ok(Arc::new(roots))
    }

    /// Client side of mutual TLS: present our chain, trust only the national root.
    pub fn client_config(&self) -> anyhow::Result<rustls::ClientConfig> {
        let verifier = WebPkiServerVerifier::builder(self.roots()?)
            .with_crls(self.crls.clone())
            .allow_unknown_revocation_status()
            .build()
            .context("cannot build the server certificate verifier")?;
        rustls::ClientConfig::builder()
            .with_webpki_verifier(verifier)
            .with_client_auth_cert(self.chain.clone(), self.key.clone_key())
            .context("the client certificate and key do not fit together")
    }

    /// Server side of mutual TLS: require a client certificate from the national root that is
    /// not on a CRL.
    pub fn server_config(&self) -> anyhow::Result<rustls::ServerConfig> {
        let verifier = WebPkiClientVerifier::builder(self.roots()?)
            .with_crls(self.crls.clone())
            .allow_unknown_revocation_status()
            .build()
            .context("cannot build the client certificate verifier")?;
        rustls::ServerConfig::builder()
            .with_client_cert_verifier(verifier)
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .context("the server certificate and key do not fit together")
    }

    /// Server TLS without client certificates: the enrolment listener, where units that have
    /// no certificate yet enrol with a one-time code.
    pub fn server_config_no_client_auth(&self) -> anyhow::Result<rustls::ServerConfig> {
        Ok(rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_cert_resolver(self.identity.clone()))
    }

    /// The private key, PKCS#8 DER (to open the transfer bundles sent to this unit).
    pub fn key_pkcs8(&self) -> Option<&[u8]> {
        match &self.key {
            PrivateKeyDer::Pkcs8(k) => Some(k.secret_pkcs8_der()),
            _ => None,
        }
    }

    /// The JWS signer for this unit (same Ed25519 key as TLS).
    pub fn signer(&self) -> anyhow::Result<schema::Signer> {
        let PrivateKeyDer::Pkcs8(k) = &self.key else {
            return Err(anyhow!(
                "the private key must be PKCS#8 Ed25519 (as `pki issue` writes it)"
            ));
        };
        let chain = self.chain.iter().map(|c| c.to_vec()).collect();
        schema::Signer::new(k.secret_pkcs8_der(), chain)
            .map_err(|e| anyhow!("cannot sign with this key: {e}"))
    }

    /// The root and the CRLs of `tls`, kept current while running.
    /// `installed` is the directory CRLs from `trust` notices go to (`<data_dir>/crls`).
    pub fn live_trust(
        &self,
        tls: &TlsSection,
        installed: Option<&std::path::Path>,
    ) -> anyhow::Result<crate::trust::LiveTrust> {
        crate::trust::LiveTrust::load(self.root.clone(), tls, installed)
    }

    /// Client side of mutual TLS whose check of the parent's certificate uses `live`'s
    /// current CRLs.
    pub fn client_config_live(
        &self,
        live: Arc<crate::trust::LiveTrust>,
    ) -> anyhow::Result<rustls::ClientConfig> {
        Ok(rustls::ClientConfig::builder()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(crate::trust::LiveServerVerifier(live)))
            .with_client_cert_resolver(self.identity.clone()))
    }

    /// Server side of mutual TLS whose client certificates are checked against `live`'s
    /// current CRLs (a revocation takes effect without a restart).
    pub fn server_config_live(
        &self,
        live: Arc<crate::trust::LiveTrust>,
    ) -> anyhow::Result<rustls::ServerConfig> {
        Ok(rustls::ServerConfig::builder()
            .with_client_cert_verifier(Arc::new(crate::trust::LiveClientVerifier(live)))
            .with_cert_resolver(self.identity.clone()))
    }

    /// What signatures are checked against: the root and the CRLs.
    pub fn trust(&self) -> anyhow::Result<schema::Trust> {
        let crls: Vec<Vec<u8>> = self.crls.iter().map(|c| c.to_vec()).collect();
        schema::Trust::new(&[self.root.to_vec()])
            .and_then(|t| t.with_crls(&crls))
            .map_err(|e| anyhow!("cannot use the trust material: {e}"))
    }
}
