//! `PkiError`: everything that can go wrong issuing, revoking or loading PKI material. Each
//! message says what went wrong and, where there is one, what to do about it.

use std::io;
use std::path::PathBuf;

use schema::{FieldError, UnitId};

/// An error of the PKI module. Print it with `{:#}` or `{}`: the message is complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// Reading or writing a file failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    /// A file would be overwritten without `Overwrite::Force`.
    #[error(
        "{} already exists; refusing to overwrite it (pass --force to replace it, which makes \
         the old key and certificates useless)",
        path.display()
    )]
    Exists { path: PathBuf },

    /// A file holds no usable PEM of the expected kind, or bad content.
    #[error("{}: {reason}", path.display())]
    BadFile { path: PathBuf, reason: String },

    /// DER bytes that are not a valid certificate or CRL.
    #[error("not a valid {what}: {reason}")]
    Malformed { what: &'static str, reason: String },

    /// The directory is not a CA directory.
    #[error(
        "{} holds no CA: expected root.crt.pem + root.key.pem (a root, made by `pki init-root`) \
         or ca.crt.pem + ca.key.pem (an intermediate, made by `pki issue-ca`)",
        dir.display()
    )]
    NotACaDir { dir: PathBuf },

    /// An intermediate was asked to issue an intermediate.
    #[error(
        "{} holds the intermediate CA of unit {unit}; only the root CA issues intermediate CAs",
        dir.display()
    )]
    NotRoot { dir: PathBuf, unit: UnitId },

    /// The root was asked to issue a leaf.
    #[error(
        "the root CA issues intermediate CAs only; issue the certificate for {unit} from the \
         intermediate CA of its province (or TW for central agencies, VN for the national \
         aggregator)"
    )]
    RootIssuesLeaf { unit: UnitId },

    /// An intermediate CA for a unit that may not have one.
    #[error(
        "unit {unit} cannot have an intermediate CA: only a province (e.g. 75), TW (central \
         agencies) or VN (the national aggregator) can"
    )]
    NotACaUnit { unit: UnitId },

    /// A CA was asked for a leaf outside its subtree.
    #[error("the CA of unit {ca_unit} may not issue a certificate for unit {leaf_unit}: {hint}")]
    OutOfScope {
        ca_unit: UnitId,
        leaf_unit: UnitId,
        hint: String,
    },

    /// A unit id read from a certificate or request is wrong.
    #[error("{what}: {source}")]
    Unit {
        what: String,
        #[source]
        source: FieldError,
    },

    /// A certificate signing request that cannot be signed.
    #[error("certificate signing request rejected: {reason}")]
    Csr { reason: String },

    /// A leaf's output name that is not a plain file name.
    #[error(
        "`{name}` is not a usable file name for a certificate: use letters, digits, '.', '-' \
         and '_' only (e.g. node-75.26041)"
    )]
    BadName { name: String },

    /// A DNS name for a certificate that is not one.
    #[error("`{name}` is not a DNS name: use letters, digits, '-' and '.' (e.g. bmnn.dongnai.gov.vn or localhost)")]
    BadDnsName { name: String },

    /// A serial number that is not hexadecimal.
    #[error("`{input}` is not a certificate serial: expected hexadecimal digits, optionally with ':' separators (as `pki show` prints it)")]
    BadSerial { input: String },

    /// A revocation reason that is not known.
    #[error("`{input}` is not a revocation reason: use one of {allowed}")]
    BadReason { input: String, allowed: String },

    /// Revoking a serial this CA did not issue.
    #[error(
        "serial {serial} was not issued by the CA in {} (see its issued.jsonl); revoke it at the \
         CA that issued it",
        dir.display()
    )]
    UnknownSerial { serial: String, dir: PathBuf },

    /// A private key that does not belong to the certificate next to it.
    #[error("the private key in {} does not match the certificate in {}", key.display(), cert.display())]
    KeyMismatch { key: PathBuf, cert: PathBuf },

    /// The cryptographic library failed (e.g. no randomness).
    #[error("cannot {what}: the cryptographic library failed; retry, and check the system's random source")]
    Crypto { what: String },

    /// rcgen refused to build something.
    #[error("cannot {what}: {source}")]
    Rcgen {
        what: String,
        #[source]
        source: rcgen::Error,
    },
}

impl PkiError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        PkiError::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub(crate) fn bad_file(path: impl Into<PathBuf>, reason: impl Into<String>) -> Self {
        PkiError::BadFile {
            path: path.into(),
            reason: reason.into(),
        }
    }

    pub(crate) fn rcgen(what: impl Into<String>) -> impl FnOnce(rcgen::Error) -> Self {
        let what = what.into();
        move |source| PkiError::Rcgen { what, source }
    }
}
