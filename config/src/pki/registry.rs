//! A CA's registry and revocation: `issued.jsonl` (every serial it issued, one line each,
//! appended and synced, so thousands of enrolments cost one short write each; `issued.json`
//! from earlier versions is still read), `revoked.json` (the serials it revoked and the last
//! CRL number, replaced atomically), and the CRL (`crl.pem`) regenerated from them with an
//! increasing CRL number.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use rcgen::{CertificateRevocationListParams, KeyIdMethod, RevocationReason, RevokedCertParams};
use schema::UnitId;
use serde::{Deserialize, Serialize};

use super::ca::to_time;
use super::files::{read_json_or_default, write_json, write_public};
use super::{layout, CaDir, PkiError, Serial, CRL_VALIDITY_DAYS};

/// One certificate a CA issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedEntry {
    pub serial: Serial,
    pub unit: UnitId,
    /// `intermediate`, `node` or `aggregator`.
    pub kind: String,
    /// The subject common name.
    pub subject: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub issued_at: DateTime<Utc>,
}

/// One certificate a CA revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevokedEntry {
    pub serial: Serial,
    pub unit: UnitId,
    pub subject: String,
    pub reason: RevokeReason,
    pub revoked_at: DateTime<Utc>,
}

/// The result of `CaDir::revoke`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    pub entry: RevokedEntry,
    /// False when the serial had already been revoked (nothing changed).
    pub newly_revoked: bool,
}

/// What `CaDir::write_crl` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrlInfo {
    pub path: PathBuf,
    pub number: u64,
    pub this_update: DateTime<Utc>,
    pub next_update: DateTime<Utc>,
    pub revoked: usize,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IssuedFile {
    issued: Vec<IssuedEntry>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct RevokedFile {
    /// The number of the last CRL written (0: none yet).
    crl_number: u64,
    revoked: Vec<RevokedEntry>,
}

/// Why a certificate is revoked (RFC 5280 §5.3.1; `certificateHold` is not offered: a
/// revocation here is final).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RevokeReason {
    Unspecified,
    KeyCompromise,
    CaCompromise,
    AffiliationChanged,
    Superseded,
    CessationOfOperation,
    PrivilegeWithdrawn,
}

impl RevokeReason {
    /// Every reason, in the order of the RFC.
    pub const ALL: [RevokeReason; 7] = [
        RevokeReason::Unspecified,
        RevokeReason::KeyCompromise,
        RevokeReason::CaCompromise,
        RevokeReason::AffiliationChanged,
        RevokeReason::Superseded,
        RevokeReason::CessationOfOperation,
        RevokeReason::PrivilegeWithdrawn,
    ];

    /// The kebab-case name (`key-compromise`).
    pub fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Unspecified => "unspecified",
            RevokeReason::KeyCompromise => "key-compromise",
            RevokeReason::CaCompromise => "ca-compromise",
            RevokeReason::AffiliationChanged => "affiliation-changed",
            RevokeReason::Superseded => "superseded",
            RevokeReason::CessationOfOperation => "cessation-of-operation",
            RevokeReason::PrivilegeWithdrawn => "privilege-withdrawn",
        }
    }

    fn to_rcgen(self) -> RevocationReason {
        match self {
            RevokeReason::Unspecified => RevocationReason::Unspecified,
            RevokeReason::KeyCompromise => RevocationReason::KeyCompromise,
            RevokeReason::CaCompromise => RevocationReason::CaCompromise,
            RevokeReason::AffiliationChanged => RevocationReason::AffiliationChanged,
            RevokeReason::Superseded => RevocationReason::Superseded,
            RevokeReason::CessationOfOperation => RevocationReason::CessationOfOperation,
            RevokeReason::PrivilegeWithdrawn => RevocationReason::PrivilegeWithdrawn,
        }
    }
}

impl fmt::Display for RevokeReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RevokeReason {
    type Err = PkiError;
    fn from_str(s: &str) -> Result<Self, PkiError> {
        let wanted = s.trim().to_ascii_lowercase().replace('_', "-");
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| PkiError::BadReason {
                input: s.into(),
                allowed: Self::ALL.map(|r| r.as_str()).join(", "),
            })
    }
}

/// Forgets a CA directory's registry and CRL (a new CA key makes them meaningless).
pub(crate) fn reset(dir: &Path) -> Result<(), PkiError> {
    for name in [
        layout::ISSUED,
        layout::ISSUED_LOG,
        layout::REVOKED,
        layout::CRL,
    ] {
        let path = dir.join(name);
        if path.exists() {
            fs::remove_file(&path).map_err(|e| PkiError::io("remove", &path, e))?;
        }
    }
    write_public(&dir.join(layout::ISSUED_LOG), b"")?;
    write_json(&dir.join(layout::REVOKED), &RevokedFile::default())
}

/// Appends `entry` to `<dir>/issued.jsonl` as one line, synced before returning (a crash
/// never leaves a certificate out there that the registry does not know).
pub(crate) fn record_issued(dir: &Path, entry: IssuedEntry) -> Result<(), PkiError> {
    use std::io::Write as _;
    let path = dir.join(layout::ISSUED_LOG);
    let mut line = serde_json::to_string(&entry)
        .map_err(|e| PkiError::bad_file(&path, format!("cannot encode JSON: {e}")))?;
    line.push('\n');
    let mut file = fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| PkiError::io("open", &path, e))?;
    file.write_all(line.as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(|e| PkiError::io("write", &path, e))
}

/// The lines of `issued.jsonl`; a torn last line (a crash mid-append) is skipped.
fn read_issued_log(path: &Path) -> Result<Vec<IssuedEntry>, PkiError> {
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(PkiError::io("read", path, e)),
    };
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let last = lines.len().saturating_sub(1);
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        match serde_json::from_str(l) {
            Ok(e) => out.push(e),
            Err(_) if i == last && !text.ends_with('\n') => {}
            Err(e) => {
                return Err(PkiError::bad_file(path, format!("line {}: {e}", i + 1)));
            }
        }
    }
    Ok(out)
}

fn crl_number_bytes(n: u64) -> Vec<u8> {
    let bytes = n.to_be_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(7);
    bytes[start..].to_vec()
}

impl CaDir {
    /// Every certificate this CA issued, oldest first.
    pub fn issued(&self) -> Result<Vec<IssuedEntry>, PkiError> {
        let file: IssuedFile = read_json_or_default(&self.dir.join(layout::ISSUED))?;
        let mut all = file.issued;
        all.extend(read_issued_log(&self.dir.join(layout::ISSUED_LOG))?);
        Ok(all)
    }

    /// Every certificate this CA revoked, oldest first.
    pub fn revoked(&self) -> Result<Vec<RevokedEntry>, PkiError> {
        let file: RevokedFile = read_json_or_default(&self.dir.join(layout::REVOKED))?;
        Ok(file.revoked)
    }

    /// Records `serial` (which this CA must have issued) as revoked for `reason`. Revoking
    /// twice changes nothing. The CRL is not rewritten: call `write_crl` next.
    pub fn revoke(&self, serial: &Serial, reason: RevokeReason) -> Result<Revocation, PkiError> {
        let issued = self.issued()?;
        let Some(cert) = issued.iter().find(|e| &e.serial == serial) else {
            return Err(PkiError::UnknownSerial {
                serial: serial.to_string(),
                dir: self.dir.clone(),
            });
        };
        let path = self.dir.join(layout::REVOKED);
        let mut file: RevokedFile = read_json_or_default(&path)?;
        if let Some(old) = file.revoked.iter().find(|e| &e.serial == serial) {
            return Ok(Revocation {
                entry: old.clone(),
                newly_revoked: false,
            });
        }
        let entry = RevokedEntry {
            serial: serial.clone(),
            unit: cert.unit.clone(),
            subject: cert.subject.clone(),
            reason,
            revoked_at: Utc::now(),
        };
        file.revoked.push(entry.clone());
        write_json(&path, &file)?;
        Ok(Revocation {
            entry,
            newly_revoked: true,
        })
    }

    /// Writes `crl.pem` listing every revoked serial, with the next CRL number, valid for
    /// `CRL_VALIDITY_DAYS`: run it again (e.g. daily from cron) before it expires.
    pub fn write_crl(&self) -> Result<CrlInfo, PkiError> {
        let reg_path = self.dir.join(layout::REVOKED);
        let mut file: RevokedFile = read_json_or_default(&reg_path)?;
        file.crl_number += 1;
        let this_update = Utc::now();
        let next_update = (this_update + Duration::days(CRL_VALIDITY_DAYS)).min(self.not_after);
        let params = CertificateRevocationListParams {
            this_update: to_time(this_update),
            next_update: to_time(next_update),
            crl_number: rcgen::SerialNumber::from_slice(&crl_number_bytes(file.crl_number)),
            issuing_distribution_point: None,
            revoked_certs: file
                .revoked
                .iter()
                .map(|e| RevokedCertParams {
                    serial_number: e.serial.to_rcgen(),
                    revocation_time: to_time(e.revoked_at),
                    reason_code: Some(e.reason.to_rcgen()),
                    invalidity_date: None,
                })
                .collect(),
            key_identifier_method: KeyIdMethod::PreSpecified(self.ski.clone()),
        };
        let crl = params
            .signed_by(&self.issuer()?)
            .map_err(PkiError::rcgen("sign the CRL"))?;
        let pem = crl
            .pem()
            .map_err(PkiError::rcgen("encode the CRL as PEM"))?;
        write_json(&reg_path, &file)?;
        let path = self.crl_path();
        write_public(&path, pem.as_bytes())?;
        Ok(CrlInfo {
            path,
            number: file.crl_number,
            this_update,
            next_update,
            revoked: file.revoked.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_parse_in_kebab_or_snake_case() {
        for r in RevokeReason::ALL {
            assert_eq!(r.as_str().parse::<RevokeReason>().unwrap(), r);
        }
        assert_eq!(
            "KEY_COMPROMISE".parse::<RevokeReason>().unwrap(),
            RevokeReason::KeyCompromise
        );
        let e = "lost".parse::<RevokeReason>().unwrap_err().to_string();
        assert!(e.contains("key-compromise"), "{e}");
    }

    #[test]
    fn crl_numbers_are_minimal_big_endian() {
        assert_eq!(crl_number_bytes(1), vec![1]);
        assert_eq!(crl_number_bytes(256), vec![1, 0]);
    }
}
