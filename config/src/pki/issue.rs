//! Leaf certificates: what a leaf asks for (`LeafRequest`, `Role`), issuing one with a fresh
//! key (`CaDir::issue_leaf`) or from a signing request (`CaDir::sign_csr`), and the files
//! written for it (`LeafFiles`, `SignedFiles`).

use std::fmt;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rcgen::{
    CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose, PublicKeyData, SanType, PKCS_ED25519,
};
use schema::UnitId;

use super::ca::{to_time, uri_san, validity_for};
use super::csr::parse_csr;
use super::files::{check_free, check_name, ensure_dir, write_public, write_secret, Overwrite};
use super::registry::{record_issued, IssuedEntry};
use super::{CaDir, PkiError, Serial, LEAF_VALIDITY_DAYS};

/// What a leaf certificate is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// A reporting unit's node: a TLS client (clientAuth).
    Node,
    /// An aggregator: serves TLS to its children and is a client upward
    /// (clientAuth + serverAuth).
    Aggregator,
}

impl Role {
    /// `node` or `aggregator`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Node => "node",
            Role::Aggregator => "aggregator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "node" => Ok(Role::Node),
            "aggregator" => Ok(Role::Aggregator),
            other => Err(format!("`{other}` is not a role: use node or aggregator")),
        }
    }
}

/// A leaf to issue: its unit, role, and the DNS names and IP addresses it serves TLS on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafRequest {
    pub unit: UnitId,
    pub role: Role,
    pub dns: Vec<String>,
    pub ips: Vec<IpAddr>,
}

impl LeafRequest {
    /// A node's leaf, without DNS names or IP addresses.
    pub fn node(unit: UnitId) -> Self {
        Self {
            unit,
            role: Role::Node,
            dns: Vec::new(),
            ips: Vec::new(),
        }
    }

    /// An aggregator's leaf; add the names it serves on with `with_dns` / `with_ip`.
    pub fn aggregator(unit: UnitId) -> Self {
        Self {
            role: Role::Aggregator,
            ..Self::node(unit)
        }
    }

    /// Adds a DNS name.
    pub fn with_dns(mut self, name: impl Into<String>) -> Self {
        self.dns.push(name.into());
        self
    }

    /// Adds an IP address.
    pub fn with_ip(mut self, ip: IpAddr) -> Self {
        self.ips.push(ip);
        self
    }

    /// The default stem of the output files: `<role>-<unit>` with `/` as `_`
    /// (`node-75.26041`, `aggregator-75`, `node-75_so-noi-vu`).
    pub fn default_name(&self) -> String {
        default_name(self.role, &self.unit)
    }
}

pub(crate) fn default_name(role: Role, unit: &UnitId) -> String {
    format!("{role}-{}", unit.as_str().replace('/', "_"))
}

/// The files of a leaf issued with a fresh key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafFiles {
    pub unit: UnitId,
    pub serial: Serial,
    pub not_after: DateTime<Utc>,
    /// `<name>.key.pem`, mode 0600.
    pub key: PathBuf,
    /// `<name>.crt.pem`: the leaf alone.
    pub cert: PathBuf,
    /// `<name>.chain.pem`: leaf + intermediate, what TLS sends.
    pub chain: PathBuf,
    /// `<name>.identity.pem`: key + leaf + intermediate (reqwest `Identity::from_pem`), 0600.
    pub identity: PathBuf,
}

/// The files of a leaf signed from a request (the key stays with the requester).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFiles {
    pub unit: UnitId,
    pub serial: Serial,
    pub not_after: DateTime<Utc>,
    /// `<name>.crt.pem`.
    pub cert: PathBuf,
    /// `<name>.chain.pem`.
    pub chain: PathBuf,
}

/// Checks a DNS name the way a TLS client will compare it: LDH labels, optionally a leading
/// `*.` wildcard.
pub(crate) fn check_dns(name: &str) -> Result<(), PkiError> {
    let body = name.strip_prefix("*.").unwrap_or(name);
    let ok = !body.is_empty()
        && name.len() <= 253
        && body.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    if ok {
        Ok(())
    } else {
        Err(PkiError::BadDnsName { name: name.into() })
    }
}

impl CaDir {
    pub(crate) fn leaf_params(
        &self,
        unit: &UnitId,
        role: Role,
        names: (&[String], &[IpAddr]),
        serial: &Serial,
        lifetime: chrono::Duration,
    ) -> Result<(CertificateParams, IssuedEntry), PkiError> {
        self.check_scope(unit)?;
        let (dns, ips) = names;
        let subject = format!("BMNN {role} {unit}");
        let (not_before, not_after) = validity_for(lifetime, Some(self.not_after));
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CountryName, "VN");
        dn.push(DnType::OrganizationName, "BMNN");
        dn.push(DnType::OrganizationalUnitName, role.as_str());
        dn.push(DnType::CommonName, subject.as_str());
        params.distinguished_name = dn;
        params.subject_alt_names.push(uri_san(unit)?);
        for name in dns {
            check_dns(name)?;
            let ia5 = name
                .clone()
                .try_into()
                .map_err(PkiError::rcgen(format!("encode the DNS name {name}")))?;
            params.subject_alt_names.push(SanType::DnsName(ia5));
        }
        params
            .subject_alt_names
            .extend(ips.iter().map(|ip| SanType::IpAddress(*ip)));
        params.is_ca = IsCa::ExplicitNoCa;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        if role == Role::Aggregator || !dns.is_empty() || !ips.is_empty() {
            params
                .extended_key_usages
                .push(ExtendedKeyUsagePurpose::ServerAuth);
        }
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(serial.to_rcgen());
        params.not_before = to_time(not_before);
        params.not_after = to_time(not_after);
        let entry = IssuedEntry {
            serial: serial.clone(),
            unit: unit.clone(),
            kind: role.as_str().into(),
            subject,
            not_before,
            not_after,
            issued_at: Utc::now(),
        };
        Ok((params, entry))
    }

    pub(crate) fn sign_leaf(
        &self,
        params: &CertificateParams,
        public_key: &impl PublicKeyData,
        unit: &UnitId,
    ) -> Result<String, PkiError> {
        let cert = params
            .signed_by(public_key, &self.issuer()?)
            .map_err(PkiError::rcgen(format!("sign the certificate for {unit}")))?;
        Ok(cert.pem())
    }

    /// Issues a leaf with a fresh Ed25519 key into `out_dir` as `<name>.key.pem` (0600),
    /// `<name>.crt.pem`, `<name>.chain.pem` and `<name>.identity.pem` (0600). The unit must be
    /// in this CA's scope (`check_scope`). EKU clientAuth, plus serverAuth for an aggregator
    /// or when DNS names / IPs are given. Valid `LEAF_VALIDITY_DAYS`, random serial.
    pub fn issue_leaf(
        &self,
        req: &LeafRequest,
        out_dir: &Path,
        name: &str,
        overwrite: Overwrite,
    ) -> Result<LeafFiles, PkiError> {
        check_name(name)?;
        let serial = Serial::random()?;
        let (params, entry) = self.leaf_params(
            &req.unit,
            req.role,
            (&req.dns, &req.ips),
            &serial,
            chrono::Duration::days(LEAF_VALIDITY_DAYS),
        )?;
        ensure_dir(out_dir)?;
        let key_path = out_dir.join(format!("{name}.key.pem"));
        let cert_path = out_dir.join(format!("{name}.crt.pem"));
        let chain_path = out_dir.join(format!("{name}.chain.pem"));
        let identity_path = out_dir.join(format!("{name}.identity.pem"));
        check_free(
            &[&key_path, &cert_path, &chain_path, &identity_path],
            overwrite,
        )?;

        let key = KeyPair::generate_for(&PKCS_ED25519)
            .map_err(PkiError::rcgen("generate an Ed25519 key"))?;
        let leaf_pem = self.sign_leaf(&params, &key, &req.unit)?;
        let key_pem = super::keyfile::key_pem(&key);
        let chain = format!("{leaf_pem}{}", self.cert_pem);
        write_secret(&key_path, &key_pem, overwrite)?;
        write_public(&cert_path, leaf_pem.as_bytes())?;
        write_public(&chain_path, chain.as_bytes())?;
        write_secret(&identity_path, &format!("{key_pem}{chain}"), overwrite)?;
        record_issued(&self.dir, entry.clone())?;
        Ok(LeafFiles {
            unit: req.unit.clone(),
            serial,
            not_after: entry.not_after,
            key: key_path,
            cert: cert_path,
            chain: chain_path,
            identity: identity_path,
        })
    }

    /// Signs the certificate signing request `csr_pem` (made by `generate_csr`): the unit is
    /// taken from its SAN URI and must be in this CA's scope; its DNS names and IPs are kept;
    /// everything else (subject, usages) is set here. Writes `<name>.crt.pem` and
    /// `<name>.chain.pem` into `out_dir`; `name` defaults to `<role>-<unit>`.
    pub fn sign_csr(
        &self,
        csr_pem: &str,
        role: Role,
        out_dir: &Path,
        name: Option<&str>,
        overwrite: Overwrite,
    ) -> Result<SignedFiles, PkiError> {
        let csr = parse_csr(csr_pem)?;
        let name = name
            .map(str::to_string)
            .unwrap_or_else(|| default_name(role, &csr.unit));
        check_name(&name)?;
        let serial = Serial::random()?;
        let (params, entry) = self.leaf_params(
            &csr.unit,
            role,
            (&csr.dns, &csr.ips),
            &serial,
            chrono::Duration::days(LEAF_VALIDITY_DAYS),
        )?;
        ensure_dir(out_dir)?;
        let cert_path = out_dir.join(format!("{name}.crt.pem"));
        let chain_path = out_dir.join(format!("{name}.chain.pem"));
        check_free(&[&cert_path, &chain_path], overwrite)?;

        let leaf_pem = self.sign_leaf(&params, &csr.public_key, &csr.unit)?;
        write_public(&cert_path, leaf_pem.as_bytes())?;
        write_public(
            &chain_path,
            format!("{leaf_pem}{}", self.cert_pem).as_bytes(),
        )?;
        record_issued(&self.dir, entry.clone())?;
        Ok(SignedFiles {
            unit: csr.unit,
            serial,
            not_after: entry.not_after,
            cert: cert_path,
            chain: chain_path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names_are_checked() {
        for ok in ["localhost", "bmnn.dongnai.gov.vn", "*.bmnn.gov.vn", "a-1.b"] {
            assert!(check_dns(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a..b", "-a", "a b", "https://x", "*."] {
            assert!(check_dns(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn default_names_are_file_names() {
        let req = LeafRequest::node(UnitId::parse("75/so-noi-vu").unwrap());
        assert_eq!(req.default_name(), "node-75_so-noi-vu");
        assert!(check_name(&req.default_name()).is_ok());
    }
}
