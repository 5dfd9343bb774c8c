//! Transfer bundles, the air-gapped path (docs/protocol.md §Transfer bundles). A report above
//! every link's classification leaves the node only in a bundle on a secure USB drive:
//!
//! - `TransferBundle`: the envelopes, encrypted to the receiving aggregator's certificate key
//!   as a compact JWE (RFC 7516; `alg` ECDH-ES with an ephemeral X25519 key, RFC 8037; `enc`
//!   A256GCM), then signed by the node (detached JWS, typ `bmnn-bundle`) over the canonical
//!   `{format, from, to, created_at, jwe}`. The recipient's X25519 key is the birational image
//!   of its Ed25519 certificate key (RFC 7748 §4.1), as libsodium's
//!   `crypto_sign_ed25519_pk_to_curve25519` computes it; its private scalar is the clamped
//!   first half of SHA-512 of the Ed25519 seed (`crypto_sign_ed25519_sk_to_curve25519`).
//! - `ReceiptBundle`: the aggregator's signed receipts for them, carried back in clear
//!   (receipts hold no report content and each is signed).

mod sealed;
mod transfer;

pub use sealed::{Base64Bytes, BundledFile, Sealed};
pub use transfer::{export_held, import_receipts, Exported, Imported};

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};
use aws_lc_rs::digest::{digest, SHA256, SHA512};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use curve25519_dalek::edwards::CompressedEdwardsY;
use rustls_pki_types::UnixTime;
use schema::{
    BoundedVec, CompactJws, Digest, Envelope, Receipt, Signer, Trust, UnitId, VerifyError,
};
use serde::{Deserialize, Serialize};

pub const BUNDLE_FORMAT: &str = "bmnn-bundle/1";
pub const RECEIPTS_FORMAT: &str = "bmnn-receipts/1";
pub const TYP_BUNDLE: &str = "bmnn-bundle";
/// Largest bundle file accepted on import.
pub const MAX_BUNDLE_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BundleBody {
    pub format: String,
    pub from: UnitId,
    pub to: UnitId,
    pub created_at: DateTime<FixedOffset>,
    /// Compact JWE whose plaintext is the JSON array of envelopes.
    pub jwe: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransferBundle {
    pub body: BundleBody,
    pub signature: CompactJws,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBundle {
    pub format: String,
    pub from: UnitId,
    pub to: UnitId,
    pub receipts: BoundedVec<Receipt, 100_000>,
    /// The notices the aggregator holds for the unit (its downlink on the USB path); absent
    /// in bundles written before notices existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<schema::Notice>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("the recipient certificate is unusable: {0}")]
    Recipient(String),
    #[error("the bundle is malformed: {0}")]
    Malformed(String),
    #[error("the bundle's signature does not verify: {0}")]
    Signature(VerifyError),
    #[error("the bundle is for {to}, not for {me}")]
    NotForUs { to: UnitId, me: UnitId },
    #[error("the bundle cannot be decrypted with this key (wrong key or altered content)")]
    Decrypt,
}

#[derive(Serialize, Deserialize)]
struct JweHeader {
    alg: String,
    enc: String,
    typ: String,
    epk: Epk,
}

#[derive(Serialize, Deserialize)]
struct Epk {
    kty: String,
    crv: String,
    x: String,
}

/// The X25519 public key of an Ed25519 certificate (DER).
pub fn x25519_public_of_cert(cert_der: &[u8]) -> Result<[u8; 32], BundleError> {
    use x509_parser::prelude::FromDer as _;
    let (_, cert) = x509_parser::certificate::X509Certificate::from_der(cert_der)
        .map_err(|e| BundleError::Recipient(e.to_string()))?;
    let spki = cert.public_key();
    if spki.algorithm.algorithm.to_id_string() != "1.3.101.112" {
        return Err(BundleError::Recipient("its key is not Ed25519".into()));
    }
    let ed: [u8; 32] = spki
        .subject_public_key
        .data
        .as_ref()
        .try_into()
        .map_err(|_| BundleError::Recipient("bad Ed25519 key length".into()))?;
    let point = CompressedEdwardsY(ed)
        .decompress()
        .ok_or_else(|| BundleError::Recipient("the Ed25519 key is not a curve point".into()))?;
    Ok(point.to_montgomery().to_bytes())
}

/// The X25519 private key of an Ed25519 PKCS#8 key.
pub fn x25519_private_of_pkcs8(pkcs8: &[u8]) -> Result<PrivateKey, BundleError> {
    // PKCS#8 for Ed25519 (RFC 8410): ... OCTET STRING { OCTET STRING (32-byte seed) } ...
    let marker = [0x04, 0x22, 0x04, 0x20];
    let at = pkcs8
        .windows(4)
        .position(|w| w == marker)
        .ok_or_else(|| BundleError::Recipient("not an Ed25519 PKCS#8 key".into()))?;
    let seed = pkcs8
        .get(at + 4..at + 36)
        .ok_or_else(|| BundleError::Recipient("truncated Ed25519 key".into()))?;
    let h = digest(&SHA512, seed);
    let mut scalar = [0u8; 32];
    scalar.copy_from_slice(&h.as_ref()[..32]);
    scalar[0] &= 248;
    scalar[31] &= 127;
    scalar[31] |= 64;
    PrivateKey::from_private_key(&X25519, &scalar)
        .map_err(|_| BundleError::Recipient("unusable X25519 scalar".into()))
}

/// Concat KDF (NIST SP 800-56A, as RFC 7518 §4.6.2 uses it) for a 256-bit A256GCM key.
fn concat_kdf(z: &[u8]) -> [u8; 32] {
    let mut input = Vec::with_capacity(64 + z.len());
    input.extend_from_slice(&1u32.to_be_bytes());
    input.extend_from_slice(z);
    for part in [b"A256GCM".as_slice(), b"", b""] {
        input.extend_from_slice(&(part.len() as u32).to_be_bytes());
        input.extend_from_slice(part);
    }
    input.extend_from_slice(&256u32.to_be_bytes());
    let mut key = [0u8; 32];
    key.copy_from_slice(digest(&SHA256, &input).as_ref());
    key
}

fn encrypt(plaintext: &[u8], recipient_x25519: &[u8; 32]) -> Result<String, BundleError> {
    let crypto = |_| BundleError::Malformed("encryption failed".into());
    let eph = PrivateKey::generate(&X25519).map_err(crypto)?;
    let eph_pub = eph.compute_public_key().map_err(crypto)?;
    let cek = agreement::agree(
        &eph,
        UnparsedPublicKey::new(&X25519, recipient_x25519),
        BundleError::Decrypt,
        |z| Ok(concat_kdf(z)),
    )?;
    let header = JweHeader {
        alg: "ECDH-ES".into(),
        enc: "A256GCM".into(),
        typ: TYP_BUNDLE.into(),
        epk: Epk {
            kty: "OKP".into(),
            crv: "X25519".into(),
            x: B64.encode(eph_pub.as_ref()),
        },
    };
    let h =
        B64.encode(serde_json::to_vec(&header).map_err(|e| BundleError::Malformed(e.to_string()))?);
    let mut iv = [0u8; 12];
    aws_lc_rs::rand::fill(&mut iv).map_err(crypto)?;
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).map_err(crypto)?);
    let mut data = plaintext.to_vec();
    let tag = key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(iv),
            Aad::from(h.as_bytes()),
            &mut data,
        )
        .map_err(crypto)?;
    Ok(format!(
        "{h}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(&data),
        B64.encode(tag.as_ref())
    ))
}

fn decrypt(jwe: &str, key: &PrivateKey) -> Result<Vec<u8>, BundleError> {
    let bad = |w: &str| BundleError::Malformed(format!("JWE {w}"));
    let parts: Vec<&str> = jwe.split('.').collect();
    let [h, ek, iv, ct, tag] = parts.as_slice() else {
        return Err(bad("must have five parts"));
    };
    if !ek.is_empty() {
        return Err(bad("must have an empty encrypted key (ECDH-ES direct)"));
    }
    let header: JweHeader = B64
        .decode(h)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or_else(|| bad("header is not base64url JSON"))?;
    if header.alg != "ECDH-ES"
        || header.enc != "A256GCM"
        || header.epk.crv != "X25519"
        || header.typ != TYP_BUNDLE
    {
        return Err(bad(
            "must be alg ECDH-ES, enc A256GCM, epk X25519, typ bmnn-bundle",
        ));
    }
    let epk = B64
        .decode(&header.epk.x)
        .map_err(|_| bad("epk is not base64url"))?;
    let cek = agreement::agree(
        key,
        UnparsedPublicKey::new(&X25519, &epk),
        BundleError::Decrypt,
        |z| Ok(concat_kdf(z)),
    )?;
    let iv: [u8; 12] = B64
        .decode(iv)
        .ok()
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| bad("iv must be 96 bits"))?;
    let mut data = B64
        .decode(ct)
        .map_err(|_| bad("ciphertext is not base64url"))?;
    data.extend_from_slice(&B64.decode(tag).map_err(|_| bad("tag is not base64url"))?);
    let key =
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek).map_err(|_| BundleError::Decrypt)?);
    let plain = key
        .open_in_place(
            Nonce::assume_unique_for_key(iv),
            Aad::from(h.as_bytes()),
            &mut data,
        )
        .map_err(|_| BundleError::Decrypt)?;
    Ok(plain.to_vec())
}

impl TransferBundle {
    /// Encrypts `envelopes` to the aggregator whose certificate is `recipient_cert` (DER) and
    /// signs the bundle as the node.
    pub fn seal(
        envelopes: &[Envelope],
        recipient_cert: &[u8],
        signer: &Signer,
        now: DateTime<FixedOffset>,
    ) -> Result<Self, BundleError> {
        Self::seal_with_files(envelopes, &[], recipient_cert, signer, now)
    }

    /// The same, with the bytes of the files the envelopes name (encrypted with them: a file
    /// above every link's classification leaves the node only this way).
    pub fn seal_with_files(
        envelopes: &[Envelope],
        files: &[BundledFile],
        recipient_cert: &[u8],
        signer: &Signer,
        now: DateTime<FixedOffset>,
    ) -> Result<Self, BundleError> {
        let to = schema::cert_unit_id(recipient_cert)
            .map_err(|e| BundleError::Recipient(e.to_string()))?;
        if to == *signer.unit() || !to.contains(signer.unit()) {
            return Err(BundleError::Recipient(format!(
                "{to} is not above this unit ({})",
                signer.unit()
            )));
        }
        // Without files the plaintext stays the JSON array of envelopes older readers expect.
        let plaintext = if files.is_empty() {
            schema::encode(&envelopes)
        } else {
            schema::encode(&Sealed {
                envelopes: envelopes.to_vec(),
                files: files.to_vec(),
            })
        };
        let jwe = encrypt(&plaintext, &x25519_public_of_cert(recipient_cert)?)?;
        let body = BundleBody {
            format: BUNDLE_FORMAT.into(),
            from: signer.unit().clone(),
            to,
            created_at: now,
            jwe,
        };
        let signature = signer.sign_detached(TYP_BUNDLE, &schema::encode(&body));
        Ok(Self { body, signature })
    }

    /// Verifies the node's signature, checks the bundle is for `me`, decrypts it with our
    /// Ed25519 key (PKCS#8) and returns the envelopes (each still to be verified on its own).
    pub fn open(
        &self,
        me: &UnitId,
        my_pkcs8: &[u8],
        trust: &Trust,
        at: UnixTime,
    ) -> Result<Vec<Envelope>, BundleError> {
        Ok(self.open_with_files(me, my_pkcs8, trust, at)?.envelopes)
    }

    /// [`Self::open`], also returning the files carried (each checked against its digest).
    pub fn open_with_files(
        &self,
        me: &UnitId,
        my_pkcs8: &[u8],
        trust: &Trust,
        at: UnixTime,
    ) -> Result<Sealed, BundleError> {
        if self.body.format != BUNDLE_FORMAT {
            return Err(BundleError::Malformed(format!(
                "format `{}` is not {BUNDLE_FORMAT}",
                self.body.format
            )));
        }
        let signer = trust
            .verify_detached(&self.signature, TYP_BUNDLE, &schema::encode(&self.body), at)
            .map_err(BundleError::Signature)?;
        if signer != self.body.from {
            return Err(BundleError::Signature(VerifyError::WrongSigner(format!(
                "signed by {signer}, not {}",
                self.body.from
            ))));
        }
        if &self.body.to != me {
            return Err(BundleError::NotForUs {
                to: self.body.to.clone(),
                me: me.clone(),
            });
        }
        let plain = decrypt(&self.body.jwe, &x25519_private_of_pkcs8(my_pkcs8)?)?;
        let malformed = |e: schema::FieldError| BundleError::Malformed(e.to_string());
        let sealed = if plain.first() == Some(&b'[') {
            Sealed {
                envelopes: schema::decode(&plain).map_err(malformed)?,
                files: Vec::new(),
            }
        } else {
            schema::decode::<Sealed>(&plain).map_err(malformed)?
        };
        if let Some(f) = sealed
            .files
            .iter()
            .find(|f| Digest::of(&f.data.0) != f.sha256)
        {
            return Err(BundleError::Malformed(format!(
                "the file {} does not match its digest",
                f.sha256
            )));
        }
        Ok(sealed)
    }
}

#[cfg(test)]
mod tests;
