//! Certificate signing requests: a unit makes its own key and a CSR (`generate_csr`, what
//! `bmnn-node init` uses), its CA signs it (`CaDir::sign_csr`, which reads it with
//! `parse_csr`), and the unit puts key and returned chain together (`assemble_identity`).

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use rcgen::{
    CertificateParams, CertificateSigningRequestParams, DistinguishedName, DnType, KeyPair,
    PublicKey, SanType, PKCS_ED25519,
};
use schema::{UnitId, SAN_URI_PREFIX};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::ca::uri_san;
use super::files::{
    check_free, check_name, ensure_dir, read_text, write_public, write_secret, Overwrite,
};
use super::issue::check_dns;
use super::{load_certs, PkiError};

/// The files `generate_csr` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrFiles {
    pub unit: UnitId,
    /// `<name>.key.pem`, mode 0600: stays on the unit's machine.
    pub key: PathBuf,
    /// `<name>.csr.pem`: goes to the CA.
    pub csr: PathBuf,
}

/// What a CA takes from a request: the key, the unit and the names. Nothing else is trusted.
#[derive(Debug)]
pub(crate) struct ParsedCsr {
    pub public_key: PublicKey,
    pub unit: UnitId,
    pub dns: Vec<String>,
    pub ips: Vec<IpAddr>,
}

/// Makes an Ed25519 key and a CSR for `unit` (SAN URI `urn:bmnn:unit:<id>` plus `dns` and
/// `ips`) in `out_dir` as `<name>.key.pem` (0600) and `<name>.csr.pem`.
pub fn generate_csr(
    unit: &UnitId,
    dns: &[String],
    ips: &[IpAddr],
    out_dir: &Path,
    name: &str,
    overwrite: Overwrite,
) -> Result<CsrFiles, PkiError> {
    check_name(name)?;
    ensure_dir(out_dir)?;
    let key_path = out_dir.join(format!("{name}.key.pem"));
    let csr_path = out_dir.join(format!("{name}.csr.pem"));
    check_free(&[&key_path, &csr_path], overwrite)?;
    let request = new_request(unit, dns, ips)?;
    write_secret(&key_path, &request.key_pem, overwrite)?;
    write_public(&csr_path, request.csr_pem.as_bytes())?;
    Ok(CsrFiles {
        unit: unit.clone(),
        key: key_path,
        csr: csr_path,
    })
}

/// A fresh key and its signing request, in memory (enrolment and renewal send the request and
/// write the key only once the certificate is back).
#[derive(Clone)]
pub struct KeyRequest {
    /// The private key, PKCS#8 v1 PEM (what `keyfile::key_pem` writes).
    pub key_pem: String,
    pub csr_pem: String,
}

impl std::fmt::Debug for KeyRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyRequest").finish_non_exhaustive()
    }
}

/// Makes an Ed25519 key and a CSR for `unit` (SAN URI `urn:bmnn:unit:<id>` plus `dns` and
/// `ips`), in memory.
pub fn new_request(unit: &UnitId, dns: &[String], ips: &[IpAddr]) -> Result<KeyRequest, PkiError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("BMNN {unit}"));
    params.distinguished_name = dn;
    params.subject_alt_names.push(uri_san(unit)?);
    for d in dns {
        check_dns(d)?;
        let ia5 = d
            .clone()
            .try_into()
            .map_err(PkiError::rcgen(format!("encode the DNS name {d}")))?;
        params.subject_alt_names.push(SanType::DnsName(ia5));
    }
    params
        .subject_alt_names
        .extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
    let key =
        KeyPair::generate_for(&PKCS_ED25519).map_err(PkiError::rcgen("generate an Ed25519 key"))?;
    let csr = params
        .serialize_request(&key)
        .map_err(PkiError::rcgen("build the certificate signing request"))?;
    let csr_pem = csr
        .pem()
        .map_err(PkiError::rcgen("encode the certificate signing request"))?;
    Ok(KeyRequest {
        key_pem: super::keyfile::key_pem(&key),
        csr_pem,
    })
}

/// The unit a request names, after the same checks a CA makes before signing it.
pub fn csr_unit(pem: &str) -> Result<UnitId, PkiError> {
    parse_csr(pem).map(|c| c.unit)
}

/// Reads and checks a CSR: valid signature, an Ed25519 key, exactly one unit SAN URI, and
/// otherwise only DNS names and IP addresses.
pub(crate) fn parse_csr(pem: &str) -> Result<ParsedCsr, PkiError> {
    let reject = |reason: String| PkiError::Csr { reason };
    let params = CertificateSigningRequestParams::from_pem(pem).map_err(|e| {
        reject(format!(
            "it is not a valid, correctly self-signed PEM request with only SAN, key usage and \
             basic constraints extensions ({e}); make it with `pki csr`"
        ))
    })?;
    if params.public_key.algorithm() != &PKCS_ED25519 {
        return Err(reject(
            "its key is not Ed25519; make the request with `pki csr`".into(),
        ));
    }
    let mut unit = None;
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    for san in &params.params.subject_alt_names {
        match san {
            SanType::URI(uri) => {
                let Some(raw) = uri.as_str().strip_prefix(SAN_URI_PREFIX) else {
                    return Err(reject(format!("unexpected SAN URI {}", uri.as_str())));
                };
                if unit.is_some() {
                    return Err(reject("it names more than one unit".into()));
                }
                unit = Some(UnitId::parse(raw).map_err(|source| PkiError::Unit {
                    what: "certificate signing request".into(),
                    source,
                })?);
            }
            SanType::DnsName(d) => dns.push(d.as_str().to_string()),
            SanType::IpAddress(ip) => ips.push(*ip),
            other => return Err(reject(format!("unexpected SAN entry {other:?}"))),
        }
    }
    let unit = unit.ok_or_else(|| {
        reject(format!(
            "it names no unit (no SAN URI starting with {SAN_URI_PREFIX})"
        ))
    })?;
    Ok(ParsedCsr {
        public_key: params.public_key,
        unit,
        dns,
        ips,
    })
}

/// Puts `<name>.key.pem` and the `<name>.chain.pem` a CA returned (both in `dir`) together
/// as `<name>.identity.pem` (0600), after checking that the key belongs to the leaf.
pub fn assemble_identity(
    dir: &Path,
    name: &str,
    overwrite: Overwrite,
) -> Result<PathBuf, PkiError> {
    check_name(name)?;
    let key_path = dir.join(format!("{name}.key.pem"));
    let chain_path = dir.join(format!("{name}.chain.pem"));
    let identity_path = dir.join(format!("{name}.identity.pem"));
    check_free(&[&identity_path], overwrite)?;
    let key_pem = read_text(&key_path)?;
    let key = KeyPair::from_pem(&key_pem)
        .map_err(|e| PkiError::bad_file(&key_path, format!("not a usable private key ({e})")))?;
    let chain = load_certs(&chain_path)?;
    let (_, leaf) = X509Certificate::from_der(&chain[0])
        .map_err(|e| PkiError::bad_file(&chain_path, format!("not a valid certificate ({e})")))?;
    if leaf.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
        return Err(PkiError::KeyMismatch {
            key: key_path,
            cert: chain_path,
        });
    }
    let chain_pem = read_text(&chain_path)?;
    write_secret(&identity_path, &format!("{key_pem}{chain_pem}"), overwrite)?;
    Ok(identity_path)
}
