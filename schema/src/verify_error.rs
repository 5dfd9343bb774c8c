//! Why a signed object was refused: a small, stable set of codes shared by the test vectors,
//! the aggregator's HTTP errors and the node's outbox.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyError {
    /// Not decodable as the contract says (bad JSON, bad header, missing signature).
    Malformed(String),
    /// A certificate path that does not lead to a trusted root, or is expired.
    UntrustedCertificate(String),
    /// A certificate on the path is on a CRL.
    Revoked(String),
    /// The signature does not match the content.
    BadSignature(String),
    /// Validly signed, but by the wrong unit.
    WrongSigner(String),
}

impl VerifyError {
    /// The stable code (`malformed`, `untrusted_certificate`, `revoked`, `bad_signature`,
    /// `wrong_signer`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed",
            Self::UntrustedCertificate(_) => "untrusted_certificate",
            Self::Revoked(_) => "revoked",
            Self::BadSignature(_) => "bad_signature",
            Self::WrongSigner(_) => "wrong_signer",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Self::Malformed(s)
            | Self::UntrustedCertificate(s)
            | Self::Revoked(s)
            | Self::BadSignature(s)
            | Self::WrongSigner(s) => s,
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.detail())
    }
}

impl std::error::Error for VerifyError {}
