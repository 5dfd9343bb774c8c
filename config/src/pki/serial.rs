//! `Serial`: a certificate serial number, random when issued, written as uppercase hex
//! (the form `openssl x509 -serial` prints) and read back with or without ':' separators.

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::{load_certs, PkiError};

/// A certificate serial number (the DER integer's bytes, without leading zero bytes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Serial(Vec<u8>);

impl Serial {
    /// A fresh random serial: 16 bytes, positive, no leading zero byte (RFC 5280 §4.1.2.2).
    pub fn random() -> Result<Self, PkiError> {
        let mut bytes = [0u8; 16];
        aws_lc_rs::rand::fill(&mut bytes).map_err(|_| PkiError::Crypto {
            what: "draw a random serial number".into(),
        })?;
        bytes[0] = (bytes[0] & 0x7f) | 0x40;
        Ok(Self(bytes.to_vec()))
    }

    /// From the raw bytes of a DER integer (leading zero bytes are dropped).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let start = bytes
            .iter()
            .position(|b| *b != 0)
            .unwrap_or(bytes.len().saturating_sub(1));
        Self(bytes[start..].to_vec())
    }

    /// The serial of a DER certificate.
    pub fn of_der(der: &[u8]) -> Result<Self, PkiError> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| PkiError::Malformed {
            what: "X.509 certificate",
            reason: e.to_string(),
        })?;
        Ok(Self::from_bytes(cert.raw_serial()))
    }

    /// The serial of the first certificate in a PEM file.
    pub fn of_cert_file(path: &Path) -> Result<Self, PkiError> {
        let certs = load_certs(path)?;
        Self::of_der(&certs[0]).map_err(|e| PkiError::bad_file(path, e.to_string()))
    }

    /// The bytes, big-endian, without leading zeros.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn to_rcgen(&self) -> rcgen::SerialNumber {
        rcgen::SerialNumber::from_slice(&self.0)
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in &self.0 {
            write!(f, "{b:02X}")?;
        }
        Ok(())
    }
}

impl FromStr for Serial {
    type Err = PkiError;
    fn from_str(s: &str) -> Result<Self, PkiError> {
        let bad = || PkiError::BadSerial { input: s.into() };
        let t = s.trim();
        let t = t
            .strip_prefix("serial=")
            .or_else(|| t.strip_prefix("0x"))
            .unwrap_or(t);
        let hex: String = t.chars().filter(|c| *c != ':').collect();
        if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad());
        }
        let padded = if hex.len() % 2 == 1 {
            format!("0{hex}")
        } else {
            hex
        };
        let bytes = (0..padded.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).map_err(|_| bad()))
            .collect::<Result<Vec<u8>, _>>()?;
        Ok(Self::from_bytes(&bytes))
    }
}

impl TryFrom<String> for Serial {
    type Error = PkiError;
    fn try_from(s: String) -> Result<Self, PkiError> {
        s.parse()
    }
}

impl From<Serial> for String {
    fn from(s: Serial) -> String {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_round_trip_through_text() {
        let s = Serial::random().unwrap();
        assert_eq!(s.as_bytes().len(), 16);
        assert!(s.as_bytes()[0] & 0x80 == 0 && s.as_bytes()[0] != 0);
        assert_eq!(s.to_string().parse::<Serial>().unwrap(), s);
        assert_eq!(s.to_string().to_lowercase().parse::<Serial>().unwrap(), s);
        let colons = "00:4a:0b".parse::<Serial>().unwrap();
        assert_eq!(colons.to_string(), "4A0B");
        assert_eq!("serial=4A0B".parse::<Serial>().unwrap(), colons);
        assert!("xyz".parse::<Serial>().is_err());
        assert!("".parse::<Serial>().is_err());
    }
}
