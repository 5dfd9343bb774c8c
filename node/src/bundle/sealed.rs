//! What a transfer bundle's encrypted plaintext holds when it carries files: the envelopes and
//! the bytes of every file they name (`Sealed`). Without files the plaintext stays the JSON
//! array of envelopes older readers expect.

use base64::Engine as _;
use schema::{Digest, Envelope};
use serde::{Deserialize, Serialize};

/// One attached file carried in a transfer bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundledFile {
    pub sha256: Digest,
    pub data: Base64Bytes,
}

/// Bytes as standard base64 in JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Bytes(pub Vec<u8>);

impl Serialize for Base64Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map(Base64Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// A bundle's plaintext when it carries files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sealed {
    pub envelopes: Vec<Envelope>,
    pub files: Vec<BundledFile>,
}
