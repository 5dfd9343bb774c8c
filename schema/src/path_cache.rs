//! Certificate paths that already verified against one [`crate::Trust`] (its roots and CRLs,
//! which never change during a `Trust`'s life). A unit signs every report with the same chain,
//! so the ingest would otherwise rebuild and re-verify the same path (two Ed25519 checks, the
//! DER and base64 decoding) for each of them.
//!
//! Keyed by the SHA-256 of a JWS's protected header, which holds `alg`, `typ` and the whole
//! `x5c` chain; the entry keeps the signer's unit, the leaf's Ed25519 public key and the window
//! in which every certificate of `x5c` is valid. A hit is used only inside that window; the
//! signature over the content is always checked. Bounded: when full, the cache starts over.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_lc_rs::digest;
use x509_parser::prelude::{FromDer, X509Certificate};

use crate::UnitId;

/// At most this many distinct chains are remembered (a national aggregator sees ~50,000 units
/// over a year, but only a few thousand in any busy hour).
const CAPACITY: usize = 8192;

/// The OID of Ed25519 public keys (RFC 8410).
const ED25519_OID: &str = "1.3.101.112";

/// A verified path: who signs with it, with which key, and when all of it is valid.
#[derive(Debug, Clone)]
pub(crate) struct VerifiedPath {
    pub typ: String,
    pub unit: UnitId,
    pub key: [u8; 32],
    /// Unix seconds, inclusive on both ends.
    not_before: u64,
    not_after: u64,
}

impl VerifiedPath {
    /// Reads what the cache keeps from a chain (DER, leaf first) that has just verified.
    /// `None` when the leaf's key is not Ed25519 or a date is unreadable: such a path is
    /// simply not cached.
    pub fn of(typ: &str, unit: UnitId, x5c: &[Vec<u8>]) -> Option<Self> {
        let mut not_before = 0u64;
        let mut not_after = u64::MAX;
        let mut key = None;
        for (i, der) in x5c.iter().enumerate() {
            let (_, cert) = X509Certificate::from_der(der).ok()?;
            let v = cert.validity();
            not_before = not_before.max(u64::try_from(v.not_before.timestamp()).ok()?);
            not_after = not_after.min(u64::try_from(v.not_after.timestamp()).ok()?);
            if i == 0 {
                let spki = cert.public_key();
                if spki.algorithm.algorithm.to_id_string() != ED25519_OID {
                    return None;
                }
                key = Some(<[u8; 32]>::try_from(spki.subject_public_key.data.as_ref()).ok()?);
            }
        }
        Some(Self {
            typ: typ.to_string(),
            unit,
            key: key?,
            not_before,
            not_after,
        })
    }

    fn valid_at(&self, secs: u64) -> bool {
        (self.not_before..=self.not_after).contains(&secs)
    }
}

/// The cache itself (one per `Trust`).
#[derive(Debug, Default)]
pub(crate) struct PathCache {
    paths: Mutex<HashMap<[u8; 32], VerifiedPath>>,
}

/// The cache key of a protected header (its base64url text as sent).
pub(crate) fn key_of(header_b64: &str) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, header_b64.as_bytes());
    let mut k = [0u8; 32];
    k.copy_from_slice(d.as_ref());
    k
}

impl PathCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], VerifiedPath>> {
        self.paths.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The verified path of this header, if one is known and valid at `secs`.
    pub fn get(&self, key: &[u8; 32], secs: u64) -> Option<VerifiedPath> {
        self.lock().get(key).filter(|p| p.valid_at(secs)).cloned()
    }

    pub fn insert(&self, key: [u8; 32], path: VerifiedPath) {
        let mut paths = self.lock();
        if paths.len() >= CAPACITY && !paths.contains_key(&key) {
            paths.clear();
        }
        paths.insert(key, path);
    }
}
