//! `CaDir`: a certificate authority kept in a directory. Creating the national root
//! (`init_root`), opening a root or intermediate (`open`), issuing intermediates
//! (`issue_intermediate`), and the rule of which units a CA may issue for (`check_scope`).
//! Leaves are issued in `issue.rs`, revocation and CRLs in `registry.rs`.

use std::fmt;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, PKCS_ED25519,
};
use rustls_pki_types::CertificateDer;
use schema::{Tier, UnitId};
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Certificate};

use super::files::{self, check_free, ensure_dir, write_public, write_secret, Overwrite};
use super::registry::{self, IssuedEntry};
use super::{layout, load_certs, PkiError, Serial};
use super::{
    BACKDATE_MINUTES, CA_ORGANIZATION, INTERMEDIATE_VALIDITY_DAYS, ROOT_COMMON_NAME,
    ROOT_VALIDITY_DAYS,
};

/// Which kind of CA a directory holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaKind {
    /// The national root: issues intermediates only.
    Root,
    /// An intermediate CA for a province, `TW` or `VN`: issues leaves in its subtree.
    Intermediate { unit: UnitId },
}

/// A CA opened from its directory, holding its certificate and private key.
pub struct CaDir {
    pub(crate) dir: PathBuf,
    pub(crate) kind: CaKind,
    pub(crate) cert_pem: String,
    pub(crate) cert_der: CertificateDer<'static>,
    pub(crate) key: KeyPair,
    pub(crate) ski: Vec<u8>,
    pub(crate) not_after: DateTime<Utc>,
}

impl fmt::Debug for CaDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaDir")
            .field("dir", &self.dir)
            .field("kind", &self.kind)
            .field("not_after", &self.not_after)
            .finish_non_exhaustive()
    }
}

pub(crate) fn to_time(t: DateTime<Utc>) -> time::OffsetDateTime {
    // Every chrono instant we produce is within time's range; fall back to the epoch otherwise.
    time::OffsetDateTime::from_unix_timestamp(t.timestamp())
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// `(not_before, not_after)` for a certificate valid `days` from now, capped at `cap`.
pub(crate) fn validity(days: i64, cap: Option<DateTime<Utc>>) -> (DateTime<Utc>, DateTime<Utc>) {
    validity_for(Duration::days(days), cap)
}

/// `not_before` set back `BACKDATE_MINUTES` (at most a twentieth of a short lifetime, so a
/// certificate meant to live minutes is not born half spent), `not_after` `lifetime` from now.
pub(crate) fn validity_for(
    lifetime: Duration,
    cap: Option<DateTime<Utc>>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let now = Utc::now();
    let not_before = now - Duration::minutes(BACKDATE_MINUTES).min(lifetime / 20);
    let mut not_after = now + lifetime;
    if let Some(cap) = cap {
        not_after = not_after.min(cap);
    }
    (not_before, not_after)
}

pub(crate) fn ca_name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "VN");
    dn.push(DnType::OrganizationName, CA_ORGANIZATION);
    dn.push(DnType::CommonName, common_name);
    dn
}

pub(crate) fn uri_san(unit: &UnitId) -> Result<SanType, PkiError> {
    let uri = schema::unit_san_uri(unit);
    let ia5 = uri
        .clone()
        .try_into()
        .map_err(PkiError::rcgen(format!("encode the SAN URI {uri}")))?;
    Ok(SanType::URI(ia5))
}

fn new_key() -> Result<KeyPair, PkiError> {
    KeyPair::generate_for(&PKCS_ED25519).map_err(PkiError::rcgen("generate an Ed25519 key"))
}

impl CaDir {
    /// Creates the national root CA in `dir`: `root.key.pem` (0600), `root.crt.pem`, an empty
    /// `revoked.json` and a first, empty `crl.pem`. Self-signed, CA without path
    /// length limit, key usages keyCertSign + cRLSign, valid `ROOT_VALIDITY_DAYS`.
    /// Refuses to replace an existing root unless `Overwrite::Force`; forcing also forgets
    /// the old root's registry (its certificates are useless without its key).
    pub fn init_root(dir: &Path, overwrite: Overwrite) -> Result<CaDir, PkiError> {
        ensure_dir(dir)?;
        let key_path = dir.join(layout::ROOT_KEY);
        let cert_path = dir.join(layout::ROOT_CERT);
        check_free(&[&key_path, &cert_path], overwrite)?;
        if dir.join(layout::CA_CERT).exists() {
            return Err(PkiError::bad_file(
                dir.join(layout::CA_CERT),
                "this directory already holds an intermediate CA; put the root in its own directory",
            ));
        }

        let key = new_key()?;
        let (not_before, not_after) = validity(ROOT_VALIDITY_DAYS, None);
        let mut params = CertificateParams::default();
        params.distinguished_name = ca_name(ROOT_COMMON_NAME);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.serial_number = Some(Serial::random()?.to_rcgen());
        params.not_before = to_time(not_before);
        params.not_after = to_time(not_after);
        let cert = params
            .self_signed(&key)
            .map_err(PkiError::rcgen("self-sign the root CA certificate"))?;

        write_secret(&key_path, &super::keyfile::key_pem(&key), overwrite)?;
        write_public(&cert_path, cert.pem().as_bytes())?;
        let ca = CaDir::open(dir)?;
        registry::reset(dir)?;
        ca.write_crl()?;
        Ok(ca)
    }

    /// Opens the CA in `dir`: a root (`root.crt.pem` + `root.key.pem`) or an intermediate
    /// (`ca.crt.pem` + `ca.key.pem`).
    pub fn open(dir: &Path) -> Result<CaDir, PkiError> {
        let (kind_is_root, cert_path, key_path) = if dir.join(layout::CA_CERT).exists() {
            (false, dir.join(layout::CA_CERT), dir.join(layout::CA_KEY))
        } else if dir.join(layout::ROOT_KEY).exists() {
            (
                true,
                dir.join(layout::ROOT_CERT),
                dir.join(layout::ROOT_KEY),
            )
        } else {
            return Err(PkiError::NotACaDir {
                dir: dir.to_path_buf(),
            });
        };
        if !key_path.exists() {
            return Err(PkiError::bad_file(
                &key_path,
                "the CA's private key is missing, so this CA cannot sign; run on the machine \
                 that keeps the key",
            ));
        }
        let cert_der = load_certs(&cert_path)?.remove(0);
        let cert_pem = files::read_text(&cert_path)?;
        let key_pem = files::read_text(&key_path)?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| {
            PkiError::bad_file(&key_path, format!("not a usable private key ({e})"))
        })?;

        let (_, x509) = X509Certificate::from_der(&cert_der).map_err(|e| {
            PkiError::bad_file(&cert_path, format!("not a valid certificate ({e})"))
        })?;
        if x509.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
            return Err(PkiError::KeyMismatch {
                key: key_path,
                cert: cert_path,
            });
        }
        let ski = x509
            .iter_extensions()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::SubjectKeyIdentifier(id) => Some(id.0.to_vec()),
                _ => None,
            })
            .ok_or_else(|| {
                PkiError::bad_file(&cert_path, "CA certificate has no subject key identifier")
            })?;
        let not_after = DateTime::from_timestamp(x509.validity().not_after.timestamp(), 0)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let kind = if kind_is_root {
            CaKind::Root
        } else {
            let unit = schema::cert_unit_id(&cert_der).map_err(|source| PkiError::Unit {
                what: format!("{}: CA certificate names no unit", cert_path.display()),
                source,
            })?;
            CaKind::Intermediate { unit }
        };
        Ok(CaDir {
            dir: dir.to_path_buf(),
            kind,
            cert_pem,
            cert_der,
            key,
            ski,
            not_after,
        })
    }

    /// The directory this CA lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Root or intermediate (with its unit).
    pub fn kind(&self) -> &CaKind {
        &self.kind
    }

    /// The intermediate's unit; `None` for the root.
    pub fn unit(&self) -> Option<&UnitId> {
        match &self.kind {
            CaKind::Root => None,
            CaKind::Intermediate { unit } => Some(unit),
        }
    }

    /// The CA certificate file (`root.crt.pem` or `ca.crt.pem`).
    pub fn cert_path(&self) -> PathBuf {
        self.dir.join(match self.kind {
            CaKind::Root => layout::ROOT_CERT,
            CaKind::Intermediate { .. } => layout::CA_CERT,
        })
    }

    /// The root certificate: the trust anchor (a copy in an intermediate's directory).
    pub fn root_cert_path(&self) -> PathBuf {
        self.dir.join(layout::ROOT_CERT)
    }

    /// The CRL file this CA writes.
    pub fn crl_path(&self) -> PathBuf {
        self.dir.join(layout::CRL)
    }

    /// The CA certificate, PEM.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// When this CA's certificate expires (what it issues never outlives it).
    pub fn not_after(&self) -> DateTime<Utc> {
        self.not_after
    }

    pub(crate) fn issuer(&self) -> Result<Issuer<'static, &KeyPair>, PkiError> {
        Issuer::from_ca_cert_der(&self.cert_der, &self.key)
            .map_err(PkiError::rcgen("read the CA certificate as an issuer"))
    }

    /// Issues the intermediate CA of `unit` (a province, `TW` or `VN`) into `out_dir`:
    /// `ca.key.pem` (0600), `ca.crt.pem`, a copy of `root.crt.pem`, an empty registry and a
    /// first CRL. Path length 0, SAN URI of the unit, valid `INTERMEDIATE_VALIDITY_DAYS`
    /// (at most until the root expires). Only the root may do this.
    pub fn issue_intermediate(
        &self,
        unit: &UnitId,
        out_dir: &Path,
        overwrite: Overwrite,
    ) -> Result<CaDir, PkiError> {
        if let CaKind::Intermediate { unit: mine } = &self.kind {
            return Err(PkiError::NotRoot {
                dir: self.dir.clone(),
                unit: mine.clone(),
            });
        }
        if !matches!(unit.tier(), Tier::Province | Tier::Central | Tier::National) {
            return Err(PkiError::NotACaUnit { unit: unit.clone() });
        }
        ensure_dir(out_dir)?;
        if out_dir.join(layout::ROOT_KEY).exists() {
            return Err(PkiError::bad_file(
                out_dir,
                "this directory holds the root CA; give the intermediate its own directory",
            ));
        }
        let key_path = out_dir.join(layout::CA_KEY);
        let cert_path = out_dir.join(layout::CA_CERT);
        check_free(&[&key_path, &cert_path], overwrite)?;

        let key = new_key()?;
        let serial = Serial::random()?;
        let (not_before, not_after) = validity(INTERMEDIATE_VALIDITY_DAYS, Some(self.not_after));
        let mut params = CertificateParams::default();
        params.distinguished_name = ca_name(&format!("BMNN CA {unit}"));
        params.subject_alt_names = vec![uri_san(unit)?];
        params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.use_authority_key_identifier_extension = true;
        params.serial_number = Some(serial.to_rcgen());
        params.not_before = to_time(not_before);
        params.not_after = to_time(not_after);
        let cert = params
            .signed_by(&key, &self.issuer()?)
            .map_err(PkiError::rcgen(format!(
                "sign the intermediate CA for {unit}"
            )))?;

        write_secret(&key_path, &super::keyfile::key_pem(&key), overwrite)?;
        write_public(&cert_path, cert.pem().as_bytes())?;
        write_public(&out_dir.join(layout::ROOT_CERT), self.cert_pem.as_bytes())?;
        registry::record_issued(
            &self.dir,
            IssuedEntry {
                serial,
                unit: unit.clone(),
                kind: "intermediate".into(),
                subject: format!("BMNN CA {unit}"),
                not_before,
                not_after,
                issued_at: Utc::now(),
            },
        )?;
        let ca = CaDir::open(out_dir)?;
        registry::reset(out_dir)?;
        ca.write_crl()?;
        Ok(ca)
    }

    /// Fails unless this CA may issue a leaf for `unit`: the root issues no leaves; the `VN`
    /// CA issues only for `VN` itself (the national aggregator); any other intermediate issues
    /// for the units its own unit contains (`TW` for everything under `TW`).
    pub fn check_scope(&self, unit: &UnitId) -> Result<(), PkiError> {
        let ca_unit = match &self.kind {
            CaKind::Root => return Err(PkiError::RootIssuesLeaf { unit: unit.clone() }),
            CaKind::Intermediate { unit } => unit,
        };
        let allowed = if ca_unit.tier() == Tier::National {
            unit == ca_unit
        } else {
            ca_unit.contains(unit)
        };
        if allowed {
            return Ok(());
        }
        let home = match unit.province_code() {
            Some(p) => format!("the CA of province {p}"),
            None if unit.tier() == Tier::National => "the VN CA".to_string(),
            None => "the TW CA".to_string(),
        };
        Err(PkiError::OutOfScope {
            ca_unit: ca_unit.clone(),
            leaf_unit: unit.clone(),
            hint: format!("{unit} is outside its subtree; issue it from {home}"),
        })
    }
}
