//! Reading a certificate for people (`pki show`): subject, unit, issuer, serial, validity,
//! names and usages (`CertInfo`), and whether a CRL lists it (`RevocationState`). This is a
//! report, not a verifier: it does not check signatures or the chain.

use std::net::IpAddr;
use std::path::Path;

use chrono::{DateTime, Utc};
use rustls_pki_types::CertificateRevocationListDer;
use schema::UnitId;
use x509_parser::extensions::{GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::revocation_list::CertificateRevocationList;

use super::{load_certs, PkiError, Serial};

/// What `pki show` prints about a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// The unit named by the SAN URI; `None` when there is none (the root).
    pub unit: Option<UnitId>,
    pub serial: Serial,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub is_ca: bool,
    pub dns: Vec<String>,
    pub ips: Vec<IpAddr>,
    /// `clientAuth`, `serverAuth` (the extended key usages present).
    pub usages: Vec<&'static str>,
    issuer_raw: Vec<u8>,
}

/// Whether a certificate is revoked according to the given CRLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevocationState {
    /// The issuer's CRL lists it.
    Revoked {
        at: DateTime<Utc>,
        reason: Option<String>,
    },
    /// The issuer's CRL does not list it.
    NotRevoked {
        crl_number: Option<String>,
        this_update: DateTime<Utc>,
        next_update: Option<DateTime<Utc>>,
    },
    /// None of the CRLs was issued by the certificate's issuer.
    NoCrlFromIssuer,
}

fn instant(t: x509_parser::time::ASN1Time) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Describes a DER certificate; the error says why it cannot be read.
pub fn inspect(der: &[u8]) -> Result<CertInfo, PkiError> {
    let malformed = |reason: String| PkiError::Malformed {
        what: "X.509 certificate",
        reason,
    };
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| malformed(e.to_string()))?;
    let mut dns = Vec::new();
    let mut ips = Vec::new();
    let mut has_unit_uri = false;
    let mut usages = Vec::new();
    let mut is_ca = false;
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::SubjectAlternativeName(san) => {
                for name in &san.general_names {
                    match name {
                        GeneralName::DNSName(d) => dns.push((*d).to_string()),
                        GeneralName::IPAddress(b) => match b.len() {
                            4 => {
                                ips.push(IpAddr::from(<[u8; 4]>::try_from(*b).unwrap_or_default()))
                            }
                            16 => {
                                ips.push(IpAddr::from(<[u8; 16]>::try_from(*b).unwrap_or_default()))
                            }
                            _ => {}
                        },
                        GeneralName::URI(u) if u.starts_with(schema::SAN_URI_PREFIX) => {
                            has_unit_uri = true
                        }
                        _ => {}
                    }
                }
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                if eku.client_auth {
                    usages.push("clientAuth");
                }
                if eku.server_auth {
                    usages.push("serverAuth");
                }
            }
            ParsedExtension::BasicConstraints(bc) => is_ca = bc.ca,
            _ => {}
        }
    }
    let unit = if has_unit_uri {
        Some(
            schema::cert_unit_id(der)
                .map_err(|e| malformed(format!("its unit SAN is wrong: {e}")))?,
        )
    } else {
        None
    };
    Ok(CertInfo {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        unit,
        serial: Serial::from_bytes(cert.raw_serial()),
        not_before: instant(cert.validity().not_before),
        not_after: instant(cert.validity().not_after),
        is_ca,
        dns,
        ips,
        usages,
        issuer_raw: cert.issuer().as_raw().to_vec(),
    })
}

/// Describes the first certificate of a PEM file.
pub fn inspect_file(path: &Path) -> Result<CertInfo, PkiError> {
    let certs = load_certs(path)?;
    inspect(&certs[0]).map_err(|e| PkiError::bad_file(path, e.to_string()))
}

impl CertInfo {
    /// Looks the certificate up in the CRL of its issuer among `crls`.
    pub fn revocation(
        &self,
        crls: &[CertificateRevocationListDer<'_>],
    ) -> Result<RevocationState, PkiError> {
        for der in crls {
            let (_, crl) =
                CertificateRevocationList::from_der(der).map_err(|e| PkiError::Malformed {
                    what: "CRL",
                    reason: e.to_string(),
                })?;
            if crl.issuer().as_raw() != self.issuer_raw.as_slice() {
                continue;
            }
            let entry = crl
                .iter_revoked_certificates()
                .find(|r| Serial::from_bytes(r.raw_serial()) == self.serial);
            return Ok(match entry {
                Some(r) => RevocationState::Revoked {
                    at: instant(r.revocation_date),
                    reason: r.reason_code().map(|(_, code)| code.to_string()),
                },
                None => RevocationState::NotRevoked {
                    crl_number: crl.crl_number().map(|n| n.to_string()),
                    this_update: instant(crl.last_update()),
                    next_update: crl.next_update().map(instant),
                },
            });
        }
        Ok(RevocationState::NoCrlFromIssuer)
    }
}

/// What a CRL says about itself, for status pages and staleness warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlSummary {
    /// The issuing CA's subject, as text.
    pub issuer: String,
    pub this_update: DateTime<Utc>,
    pub next_update: Option<DateTime<Utc>>,
    pub revoked: usize,
}

/// Reads a CRL's issuer, dates and size.
pub fn crl_summary(der: &[u8]) -> Result<CrlSummary, PkiError> {
    let (_, crl) = CertificateRevocationList::from_der(der).map_err(|e| PkiError::Malformed {
        what: "CRL",
        reason: e.to_string(),
    })?;
    Ok(CrlSummary {
        issuer: crl.issuer().to_string(),
        this_update: instant(crl.last_update()),
        next_update: crl.next_update().map(instant),
        revoked: crl.iter_revoked_certificates().count(),
    })
}
