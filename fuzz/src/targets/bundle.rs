//! Bundles, the USB path (node/src/bundle): a transfer bundle is decoded and opened by the
//! aggregator (`TransferBundle::open_with_files`: signature, addressee, decryption, the
//! plaintext's envelopes and files) and every envelope in it goes through the envelope
//! checks; a receipt bundle is imported by the node (`node::bundle::import_receipts`:
//! receipts verified, notices verified and stored).
//!
//! To get past the signature and the encryption, a decoded transfer bundle is also signed
//! again by the node, and the `bundle-plaintext` target takes its input as the decrypted
//! plaintext: it is encrypted to the aggregator (ECDH-ES X25519 + A256GCM, as
//! `TransferBundle::seal` does, with a fixed ephemeral key so runs repeat) and signed.

use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use aws_lc_rs::agreement::{self, PrivateKey, UnparsedPublicKey, X25519};
use aws_lc_rs::digest::{digest, SHA256};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use node::bundle::{
    x25519_public_of_cert, BundleBody, ReceiptBundle, TransferBundle, BUNDLE_FORMAT,
    RECEIPTS_FORMAT, TYP_BUNDLE,
};
use schema::{BoundedVec, Receipt, UnixTime};

use super::envelope;
use crate::pki::Fixture;

/// Envelopes of one opened bundle that are checked (a bundle may carry thousands).
const CHECKED_ENVELOPES: usize = 8;

pub fn transfer(fx: &Fixture, input: &[u8]) -> String {
    let bundle: TransferBundle = match schema::decode(input) {
        Ok(b) => b,
        Err(e) => return format!("decode: {e}"),
    };
    let received = open(fx, &bundle);
    let resigned = seal(fx, bundle.body.jwe, bundle.body.created_at);
    format!("{received} | resigned {}", open(fx, &resigned))
}

pub fn plaintext(fx: &Fixture, input: &[u8]) -> String {
    match encrypt(input, &fx.aggregator_cert) {
        Ok(jwe) => open(fx, &seal(fx, jwe, created_at())),
        Err(e) => format!("ANOMALY: cannot encrypt: {e}"),
    }
}

/// What the aggregator does with a decoded transfer bundle (aggregator/src/bundle.rs).
fn open(fx: &Fixture, bundle: &TransferBundle) -> String {
    let sealed = match bundle.open_with_files(
        &fx.aggregator_unit,
        &fx.aggregator_pkcs8,
        fx.trust(),
        UnixTime::now(),
    ) {
        Ok(s) => s,
        Err(e) => return format!("open: {e}"),
    };
    let sniffed = sealed
        .files
        .iter()
        .filter(|f| schema::MediaType::sniff(&f.data.0).is_some())
        .count();
    let checked: Vec<String> = sealed
        .envelopes
        .iter()
        .take(CHECKED_ENVELOPES)
        .map(|env| match schema::decode(&schema::encode(env)) {
            Ok(back) => envelope::ingest(fx, &back),
            Err(e) => format!("ANOMALY: a bundled envelope does not decode again: {e}"),
        })
        .collect();
    format!("opened, files {sniffed}: {}", checked.join("; "))
}

/// A transfer bundle from the node to the aggregator around `jwe`, signed by the node.
pub fn seal(fx: &Fixture, jwe: String, created_at: DateTime<FixedOffset>) -> TransferBundle {
    let body = BundleBody {
        format: BUNDLE_FORMAT.into(),
        from: fx.node_unit.clone(),
        to: fx.aggregator_unit.clone(),
        created_at,
        jwe,
    };
    let signature = fx.node.sign_detached(TYP_BUNDLE, &schema::encode(&body));
    TransferBundle { body, signature }
}

/// The fixed time bundles are made at.
pub fn created_at() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-05T09:30:00+07:00").expect("a valid time")
}

/// Compact JWE of `plaintext` to the X25519 image of the certificate's Ed25519 key
/// (node/src/bundle/mod.rs), with a fixed ephemeral key and IV so the output repeats.
pub fn encrypt(plaintext: &[u8], recipient_cert: &[u8]) -> anyhow::Result<String> {
    let recipient = x25519_public_of_cert(recipient_cert)?;
    let eph = PrivateKey::from_private_key(&X25519, &[0x42; 32])?;
    let eph_pub = eph.compute_public_key()?;
    let cek = agreement::agree(
        &eph,
        UnparsedPublicKey::new(&X25519, &recipient),
        anyhow::anyhow!("key agreement failed"),
        |z| Ok(concat_kdf(z)),
    )?;
    let header = serde_json::json!({
        "alg": "ECDH-ES", "enc": "A256GCM", "typ": TYP_BUNDLE,
        "epk": {"kty": "OKP", "crv": "X25519", "x": B64.encode(eph_pub.as_ref())},
    });
    let h = B64.encode(serde_json::to_vec(&header)?);
    let iv = [7u8; 12];
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &cek)?);
    let mut data = plaintext.to_vec();
    let tag = key.seal_in_place_separate_tag(
        Nonce::assume_unique_for_key(iv),
        Aad::from(h.as_bytes()),
        &mut data,
    )?;
    Ok(format!(
        "{h}..{}.{}.{}",
        B64.encode(iv),
        B64.encode(&data),
        B64.encode(tag.as_ref())
    ))
}

/// Concat KDF (RFC 7518 §4.6.2) for a 256-bit A256GCM key, as the node derives it.
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

pub fn receipts(fx: &Fixture, input: &[u8]) -> String {
    let received = import(fx, input);
    let Ok(mut bundle) = schema::decode::<ReceiptBundle>(input) else {
        return received;
    };
    // Signed again by the aggregator for the node: the notices and the store are reached.
    bundle.format = RECEIPTS_FORMAT.into();
    bundle.to = fx.node_unit.clone();
    let resigned: Result<Vec<Receipt>, _> = bundle
        .receipts
        .as_slice()
        .iter()
        .map(|r| {
            let mut body = r.body.clone();
            body.receiver = fx.aggregator_unit.clone();
            body.unit = fx.node_unit.clone();
            Receipt::sign(body, &fx.aggregator)
        })
        .collect();
    let receipts = match resigned.map(BoundedVec::parse) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) | Err(e) => return format!("{received} | resign: {e}"),
    };
    bundle.receipts = receipts;
    format!(
        "{received} | resigned {}",
        import(fx, &schema::encode(&bundle))
    )
}

/// The node's import of a receipt bundle; a label of the result.
fn import(fx: &Fixture, bytes: &[u8]) -> String {
    let mut conn = match fx.db.get() {
        Ok(c) => c,
        Err(e) => return format!("ANOMALY: no database connection: {e}"),
    };
    match node::bundle::import_receipts(&mut conn, fx.trust(), &fx.node_unit, bytes, "fuzz") {
        Ok(counts) => format!("imported {counts:?}"),
        Err(e) => format!("refused: {e}"),
    }
}
