//! Signing without files, for enrolment and renewal (EST, RFC 7030): a CSR that arrives over
//! the network is read (`parse_csr`), must name the unit the one-time code or the current
//! certificate is bound to, and is signed for a chosen lifetime; the chain comes back as PEM.
//! Also the SHA-256 fingerprint a unit checks the root against on first contact.

use chrono::{DateTime, Duration, Utc};
use schema::UnitId;

use super::csr::parse_csr;
use super::issue::Role;
use super::registry::record_issued;
use super::{CaDir, PkiError, Serial};

/// A certificate signed from a request, as the requester receives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedChain {
    pub unit: UnitId,
    pub serial: Serial,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    /// Leaf then this CA's certificate, PEM.
    pub chain_pem: String,
}

impl CaDir {
    /// Signs `csr_pem` for `unit` (the request must name exactly that unit), as `role`, valid
    /// `lifetime` (capped at this CA's own expiry). The request's DNS names and IPs are kept;
    /// everything else is set here. Recorded in the CA's registry like any other issuance.
    pub fn sign_for_unit(
        &self,
        csr_pem: &str,
        role: Role,
        unit: &UnitId,
        lifetime: Duration,
    ) -> Result<SignedChain, PkiError> {
        let csr = parse_csr(csr_pem)?;
        if &csr.unit != unit {
            return Err(PkiError::Csr {
                reason: format!(
                    "it names unit {}, but the code or certificate is for unit {unit}",
                    csr.unit
                ),
            });
        }
        if lifetime <= Duration::zero() {
            return Err(PkiError::Csr {
                reason: "the certificate lifetime must be positive".into(),
            });
        }
        let serial = Serial::random()?;
        let (params, entry) =
            self.leaf_params(unit, role, (&csr.dns, &csr.ips), &serial, lifetime)?;
        let leaf_pem = self.sign_leaf(&params, &csr.public_key, unit)?;
        record_issued(self.dir(), entry.clone())?;
        Ok(SignedChain {
            unit: csr.unit,
            serial,
            not_before: entry.not_before,
            not_after: entry.not_after,
            chain_pem: format!("{leaf_pem}{}", self.cert_pem()),
        })
    }
}

/// The SHA-256 fingerprint of a certificate's DER, lower-case hex (what `openssl x509
/// -fingerprint -sha256` prints, without the colons).
pub fn fingerprint_sha256(der: &[u8]) -> String {
    sha256_hex(der)
}

/// SHA-256 of `bytes`, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads a fingerprint as people copy it: hex with or without colons or spaces, any case,
/// optionally prefixed `sha256:`. `None` unless it is 32 bytes.
pub fn parse_fingerprint(input: &str) -> Option<String> {
    let s = input.trim();
    let s = s
        .strip_prefix("sha256:")
        .or_else(|| s.strip_prefix("SHA256:"))
        .unwrap_or(s);
    let hex: String = s
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect::<String>()
        .to_ascii_lowercase();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn a_fingerprint_reads_back_in_any_common_spelling(der in proptest::collection::vec(any::<u8>(), 1..64), colons in any::<bool>(), upper in any::<bool>()) {
            let fp = fingerprint_sha256(&der);
            let mut shown = if colons {
                fp.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap()).collect::<Vec<_>>().join(":")
            } else { fp.clone() };
            if upper { shown = format!("SHA256:{}", shown.to_uppercase()); }
            prop_assert_eq!(parse_fingerprint(&shown), Some(fp));
        }

        #[test]
        fn anything_but_32_hex_bytes_is_refused(s in "[0-9a-fA-F:]{0,70}") {
            let hex: String = s.chars().filter(|c| *c != ':').collect();
            prop_assert_eq!(parse_fingerprint(&s).is_some(), hex.len() == 64);
        }
    }
}
