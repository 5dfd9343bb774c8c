//! The unit's side of EST (RFC 7030; the aggregator's side is `aggregator::enrol`). First
//! contact, with nothing trusted yet: [`fetch_cacerts`] reads the CA certificates without
//! checking the server (the handshake signature is still checked) and accepts them only if
//! the root's SHA-256 equals the fingerprint printed on the unit's code slip; then
//! [`enrol`] sends the CSR with the one-time code over TLS verified against that root, and
//! [`check_chain`] makes sure what came back is ours: our unit, our key, from that root.

use std::sync::Arc;

use anyhow::{anyhow, bail, Context as _};
use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::DigitallySignedStruct;
use rustls_pki_types::pem::PemObject as _;

pub const CACERTS_PATH: &str = "/.well-known/est/cacerts";
pub const SIMPLEENROLL_PATH: &str = "/.well-known/est/simpleenroll";
pub const SIMPLEREENROLL_PATH: &str = "/.well-known/est/simplereenroll";
/// A chain of two certificates is about 1.5 KiB.
pub const MAX_CHAIN_BYTES: usize = 64 * 1024;

/// The CA certificates of the province, their root checked against the fingerprint.
#[derive(Debug, Clone)]
pub struct CaCerts {
    pub root: CertificateDer<'static>,
    /// The root as PEM, to write as `[tls] trust_root`.
    pub root_pem: String,
}

/// Accepts any server certificate, but checks the handshake signatures with it: for the one
/// request whose answer is checked against a fingerprint afterwards.
#[derive(Debug)]
struct FirstContact(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for FirstContact {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn client(tls: rustls::ClientConfig) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")
}

/// `GET <base>/.well-known/est/cacerts`; the first self-signed certificate must hash to
/// `fingerprint` (lower-case hex, as `config::pki::parse_fingerprint` gives it).
pub async fn fetch_cacerts(base: &str, fingerprint: &str) -> anyhow::Result<CaCerts> {
    crate::tls::install_crypto_provider();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(FirstContact(provider)))
        .with_no_client_auth();
    let url = format!("{}{CACERTS_PATH}", base.trim_end_matches('/'));
    let resp = client(tls)?
        .get(&url)
        .send()
        .await
        .map_err(|e| anyhow!("cannot reach {url}: {}", crate::upstream::error_chain(&e)))?;
    if !resp.status().is_success() {
        bail!(
            "{url} answered {}: is this the province's enrolment address?",
            resp.status()
        );
    }
    let body = crate::upstream::read_up_to(resp, MAX_CHAIN_BYTES)
        .await
        .map_err(|e| anyhow!("{url}: {e}"))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&body)
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!("{url} did not answer PEM certificates: {e}"))?;
    let root = certs
        .into_iter()
        .find(|c| config::pki::fingerprint_sha256(c) == fingerprint)
        .ok_or_else(|| {
            anyhow!(
                "chứng thư gốc không khớp vân tay / the root certificate at {url} does not have \
                 the fingerprint {fingerprint} on your code slip: do not continue, and tell PA03"
            )
        })?;
    let b64 = base64::engine::general_purpose::STANDARD.encode(root.as_ref());
    let lines: Vec<&str> = b64
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap_or_default())
        .collect();
    let root_pem = format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    );
    Ok(CaCerts { root, root_pem })
}

/// `POST <base>/.well-known/est/simpleenroll` with `csr_pem` and the code (HTTP Basic
/// password, the unit as user name) over TLS verified against `ca.root`; the chain, PEM.
pub async fn enrol(
    base: &str,
    ca: &CaCerts,
    unit: &schema::UnitId,
    code: &str,
    csr_pem: &str,
) -> anyhow::Result<String> {
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(ca.root.clone())
        .context("the root is not a usable CA certificate")?;
    let tls = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let url = format!("{}{SIMPLEENROLL_PATH}", base.trim_end_matches('/'));
    let resp = client(tls)?
        .post(&url)
        .basic_auth(unit.as_str(), Some(code))
        .header(reqwest::header::CONTENT_TYPE, "application/pkcs10")
        .body(csr_pem.to_string())
        .send()
        .await
        .map_err(|e| anyhow!("cannot reach {url}: {}", crate::upstream::error_chain(&e)))?;
    let status = resp.status();
    let body = crate::upstream::read_up_to(resp, MAX_CHAIN_BYTES)
        .await
        .map_err(|e| anyhow!("{url}: {e}"))?;
    if !status.is_success() {
        let why = crate::upstream::error_message(&body).unwrap_or_else(|| status.to_string());
        bail!("đăng ký bị từ chối / enrolment refused: {why}");
    }
    String::from_utf8(body).map_err(|_| anyhow!("{url} answered a chain that is not text"))
}

/// The chain `chain_pem` parsed and checked: it chains to `root`, names `unit`, and its leaf
/// holds the key `key_pem`. Returns the chain (DER) and the signer for it.
pub fn check_chain(
    chain_pem: &str,
    root: &CertificateDer<'static>,
    unit: &schema::UnitId,
    key_pem: &str,
) -> anyhow::Result<(Vec<CertificateDer<'static>>, schema::Signer)> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!("the returned chain is not PEM: {e}"))?;
    if chain.len() < 2 {
        bail!("the returned chain must hold the leaf and its CA");
    }
    let key = rustls_pki_types::PrivateKeyDer::from_pem_slice(key_pem.as_bytes())
        .map_err(|e| anyhow!("our new key does not read back: {e}"))?;
    let rustls_pki_types::PrivateKeyDer::Pkcs8(k) = key else {
        bail!("our new key is not PKCS#8");
    };
    let signer = schema::Signer::new(
        k.secret_pkcs8_der(),
        chain.iter().map(|c| c.to_vec()).collect(),
    )
    .map_err(|e| anyhow!("the returned certificate does not fit our key: {e}"))?;
    if signer.unit() != unit {
        bail!(
            "the returned certificate is for {}, not {unit}",
            signer.unit()
        );
    }
    let der: Vec<Vec<u8>> = chain.iter().map(|c| c.to_vec()).collect();
    schema::Trust::new(&[root.to_vec()])
        .map_err(|e| anyhow!("{e}"))?
        .verify_certificate(&der, schema::UnixTime::now())
        .map_err(|e| {
            anyhow!("the returned certificate does not chain to the national root: {e}")
        })?;
    Ok((chain, signer))
}
