//! The `trust` notice: certificate revocation lists a parent publishes down its subtree, so a
//! revocation anywhere reaches every tier within one pull. Each CRL is signed by its CA; a
//! receiver uses it only through the certificate checks that verify that signature.

use std::borrow::Cow;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::{BoundedVec, FieldError};

/// Largest DER object carried, in bytes (a CRL of 50,000 entries is 2.6 MB).
pub const MAX_DER_BYTES: usize = 4 * 1024 * 1024;

/// A DER object in standard base64.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DerBase64(String);

impl DerBase64 {
    pub fn of(der: &[u8]) -> Self {
        Self(STANDARD.encode(der))
    }

    pub fn der(&self) -> Vec<u8> {
        STANDARD.decode(&self.0).unwrap_or_default()
    }
}

impl TryFrom<String> for DerBase64 {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        match STANDARD.decode(&s) {
            Ok(d) if !d.is_empty() && d.len() <= MAX_DER_BYTES => Ok(Self(s)),
            _ => Err(FieldError::new(
                "",
                format!("not standard base64 DER of 1 to {MAX_DER_BYTES} bytes"),
            )),
        }
    }
}

impl From<DerBase64> for String {
    fn from(d: DerBase64) -> String {
        d.0
    }
}

impl JsonSchema for DerBase64 {
    fn schema_name() -> Cow<'static, str> {
        "DerBase64".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "contentEncoding": "base64" })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrustUpdate {
    /// CRLs (DER, standard base64), one per CA.
    pub crls: BoundedVec<DerBase64, 64>,
}
