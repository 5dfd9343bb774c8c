//! The private PKI of the federation: a national root CA, one intermediate CA per province
//! (plus `TW` for central agencies and `VN` for the national aggregator's own leaf), and leaf
//! certificates for nodes and aggregators whose SAN URI names their unit
//! (`urn:bmnn:unit:<id>`, see `schema::unit_san_uri`). All keys are Ed25519.
//!
//! This module owns issuing (`CaDir`), certificate signing requests (`generate_csr`,
//! `CaDir::sign_csr`), revocation and CRLs (`CaDir::revoke`, `CaDir::write_crl`), reading a
//! certificate for people (`inspect`), and loading PEM material for the rest of the product
//! (`load_certs`, `load_private_key`, `load_crls`).
//!
//! A CA lives in a directory:
//!
//! ```text
//! root/  root.crt.pem  root.key.pem (0600)  issued.jsonl revoked.json  crl.pem
//! 75/    ca.crt.pem    ca.key.pem   (0600)  root.crt.pem (copy)  issued.jsonl revoked.json  crl.pem
//! ```
//!
//! A leaf is written as `<name>.key.pem` (0600), `<name>.crt.pem` (leaf only),
//! `<name>.chain.pem` (leaf + intermediate, what TLS sends) and `<name>.identity.pem`
//! (key + leaf + intermediate, for reqwest's `Identity::from_pem`; 0600).
//!
//! ```no_run
//! # fn demo(dir: &std::path::Path) -> Result<(), config::pki::PkiError> {
//! use config::pki::{CaDir, LeafRequest, Overwrite, RevokeReason};
//! use schema::UnitId;
//! let root = CaDir::init_root(&dir.join("root"), Overwrite::Refuse)?;
//! let dong_nai = root.issue_intermediate(&UnitId::parse("75").unwrap(), &dir.join("75"), Overwrite::Refuse)?;
//! let leaf = dong_nai.issue_leaf(
//!     &LeafRequest::node(UnitId::parse("75.26041").unwrap()),
//!     &dir.join("certs"),
//!     "node-75.26041",
//!     Overwrite::Refuse,
//! )?;
//! dong_nai.revoke(&leaf.serial, RevokeReason::KeyCompromise)?;
//! dong_nai.write_crl()?;
//! # Ok(()) }
//! ```

mod ca;
mod csr;
mod error;
mod files;
mod inspect;
mod issue;
pub mod keyfile;
mod load;
mod registry;
mod serial;
mod sign;

pub use ca::{CaDir, CaKind};
pub use csr::{assemble_identity, csr_unit, generate_csr, new_request, CsrFiles, KeyRequest};
pub use error::PkiError;
pub use files::Overwrite;
pub use inspect::{crl_summary, inspect, inspect_file, CertInfo, CrlSummary, RevocationState};
pub use issue::{LeafFiles, LeafRequest, Role, SignedFiles};
pub use load::{load_certs, load_crls, load_private_key};
pub use registry::{CrlInfo, IssuedEntry, Revocation, RevokeReason, RevokedEntry};
pub use serial::Serial;
pub use sign::{fingerprint_sha256, parse_fingerprint, sha256_hex, SignedChain};

/// Validity of the national root CA: 20 years.
pub const ROOT_VALIDITY_DAYS: i64 = 7305;
/// Validity of an intermediate CA: 10 years (never beyond the root's own expiry).
pub const INTERMEDIATE_VALIDITY_DAYS: i64 = 3653;
/// Validity of a leaf certificate: 2 years (never beyond its CA's own expiry).
pub const LEAF_VALIDITY_DAYS: i64 = 730;
/// How long a CRL is good for: it must be regenerated (`pki crl`) before then.
pub const CRL_VALIDITY_DAYS: i64 = 7;
/// How far `not_before` is set back, to tolerate clocks that run a little late.
pub const BACKDATE_MINUTES: i64 = 5;

/// Subject common name of the national root.
pub const ROOT_COMMON_NAME: &str = "BMNN Root CA";
/// Subject organization of the CAs.
pub const CA_ORGANIZATION: &str = "Bộ Công an";

/// File names inside a CA directory.
pub mod layout {
    /// The root CA's certificate (also copied into every intermediate's directory).
    pub const ROOT_CERT: &str = "root.crt.pem";
    /// The root CA's private key (0600).
    pub const ROOT_KEY: &str = "root.key.pem";
    /// An intermediate CA's certificate.
    pub const CA_CERT: &str = "ca.crt.pem";
    /// An intermediate CA's private key (0600).
    pub const CA_KEY: &str = "ca.key.pem";
    /// Serials this CA issued (written by earlier versions; read, never rewritten).
    pub const ISSUED: &str = "issued.json";
    /// Serials this CA issued, one JSON object per line, appended.
    pub const ISSUED_LOG: &str = "issued.jsonl";
    /// Serials this CA revoked and the last CRL number.
    pub const REVOKED: &str = "revoked.json";
    /// The CA's current CRL.
    pub const CRL: &str = "crl.pem";
}
