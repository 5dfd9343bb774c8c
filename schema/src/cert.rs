//! How a certificate names its unit: a SAN URI `urn:bmnn:unit:<UnitId>`. The PKI (crate
//! `config`) writes it; every verifier reads it back through `cert_unit_id`.

use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::{FieldError, UnitId};

/// The prefix of the SAN URI that carries a unit id.
pub const SAN_URI_PREFIX: &str = "urn:bmnn:unit:";

/// The SAN URI for `unit`.
pub fn unit_san_uri(unit: &UnitId) -> String {
    format!("{SAN_URI_PREFIX}{unit}")
}

/// Reads the unit id out of a DER certificate's SAN URI. Exactly one such URI must be present.
pub fn cert_unit_id(der: &[u8]) -> Result<UnitId, FieldError> {
    let (_, cert) = X509Certificate::from_der(der)
        .map_err(|e| FieldError::new("", format!("certificate is not valid DER X.509: {e}")))?;
    let san = cert
        .subject_alternative_name()
        .map_err(|e| FieldError::new("", format!("certificate SAN extension is malformed: {e}")))?
        .ok_or_else(|| {
            FieldError::new(
                "",
                "certificate has no subject alternative name; it must carry urn:bmnn:unit:<id>",
            )
        })?;
    let mut ids = san.value.general_names.iter().filter_map(|n| match n {
        GeneralName::URI(u) => u.strip_prefix(SAN_URI_PREFIX),
        _ => None,
    });
    let first = ids.next().ok_or_else(|| {
        FieldError::new(
            "",
            format!("certificate has no SAN URI starting with {SAN_URI_PREFIX}"),
        )
    })?;
    if ids.next().is_some() {
        return Err(FieldError::new("", "certificate names more than one unit"));
    }
    UnitId::parse(first)
}
