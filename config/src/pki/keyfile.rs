//! Private key files that standard tools read. rcgen (aws-lc-rs) serialises an Ed25519 key as
//! PKCS#8 v2 (`OneAsymmetricKey` with the public key in `[1]`), which OpenSSL 3.0 (`openssl
//! pkey`, curl) and Python's `cryptography` refuse. RFC 8410 §7's v1 form — version 0, the
//! algorithm `id-Ed25519`, the 32-byte seed in an OCTET STRING, nothing else: 48 bytes of
//! DER — is read by all of them and by aws-lc-rs, so that is what the product writes. Keys
//! written as v2 before still load (rustls and aws-lc-rs read both).

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rcgen::KeyPair;

/// The DER of an Ed25519 PKCS#8 v1 key, without the 32 seed bytes that follow.
const V1_PREFIX: [u8; 16] = [
    0x30, 0x2e, // SEQUENCE, 46 bytes
    0x02, 0x01, 0x00, // INTEGER 0 (v1)
    0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, // AlgorithmIdentifier id-Ed25519 (1.3.101.112)
    0x04, 0x22, 0x04, 0x20, // OCTET STRING { OCTET STRING (32 bytes) }
];

/// The Ed25519 seed inside a PKCS#8 key (v1 or v2), if it is one.
pub fn ed25519_seed(pkcs8: &[u8]) -> Option<[u8; 32]> {
    let oid = [0x06, 0x03, 0x2b, 0x65, 0x70];
    pkcs8.windows(oid.len()).position(|w| w == oid)?;
    let at = pkcs8
        .windows(4)
        .position(|w| w == [0x04, 0x22, 0x04, 0x20])?;
    pkcs8.get(at + 4..at + 36)?.try_into().ok()
}

/// `pkcs8` (v1 or v2) rewritten as PKCS#8 v1 DER; `None` when it is not an Ed25519 key.
pub fn ed25519_pkcs8_v1(pkcs8: &[u8]) -> Option<Vec<u8>> {
    let seed = ed25519_seed(pkcs8)?;
    let mut out = V1_PREFIX.to_vec();
    out.extend_from_slice(&seed);
    Some(out)
}

/// A PEM block of `label` around `der`, 64 characters a line.
pub fn pem(label: &str, der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The key as the product writes it: PKCS#8 v1 PEM for Ed25519, rcgen's PEM otherwise.
pub fn key_pem(key: &KeyPair) -> String {
    match ed25519_pkcs8_v1(&key.serialize_der()) {
        Some(v1) => pem("PRIVATE KEY", &v1),
        None => key.serialize_pem(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v2_key_becomes_the_48_byte_v1_form_with_the_same_seed_and_still_signs() {
        let key = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
        let v2 = key.serialize_der();
        let v1 = ed25519_pkcs8_v1(&v2).unwrap();
        assert_eq!(v1.len(), 48);
        assert_eq!(ed25519_seed(&v1), ed25519_seed(&v2));
        let a = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&v1).unwrap();
        let b = aws_lc_rs::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&v2).unwrap();
        assert_eq!(a.sign(b"bmnn").as_ref(), b.sign(b"bmnn").as_ref());
        let reread = KeyPair::from_pem(&key_pem(&key)).unwrap();
        assert_eq!(reread.public_key_raw(), key.public_key_raw());
    }
}
