//! Decoding at the boundary: JSON bytes to a contract type, with errors that name the field
//! path (`body.payload.content.sections[0].text`) and the reason.

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::FieldError;

/// Decodes `bytes` as `T`, naming the failing field path.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FieldError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        FieldError::new(path, e.into_inner().to_string())
    })
}

/// The canonical (RFC 8785) encoding of `v`: what is signed, hashed and sent.
pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    crate::canonical::to_canonical(v).expect("contract types always encode")
}
