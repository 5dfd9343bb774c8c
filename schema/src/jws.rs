//! Signatures: JWS (RFC 7515) compact serialisation with a detached payload (`header..sig`),
//! algorithm EdDSA (Ed25519, RFC 8037), the signer's certificate chain in `x5c`. The payload
//! is always an RFC 8785 canonical encoding, so anyone can rebuild the signing input.
//! Certificate paths are checked with rustls-webpki against the national root and CRLs.

use std::borrow::Cow;
use std::fmt;

use aws_lc_rs::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::path_cache::{self, PathCache, VerifiedPath};
use crate::{cert_unit_id, FieldError, UnitId, VerifyError};

const MAX_JWS: usize = 32 * 1024;
const MAX_CHAIN: usize = 4;

/// A compact JWS with detached payload: `BASE64URL(header)..BASE64URL(signature)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CompactJws(String);

impl CompactJws {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = raw.len() <= MAX_JWS
            && raw.split('.').count() == 3
            && raw.split('.').nth(1) == Some("")
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new("", format!("not a detached compact JWS (header..signature, base64url, at most {MAX_JWS} bytes)")))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parts(&self) -> (&str, &str) {
        let mut it = self.0.split('.');
        let h = it.next().unwrap_or_default();
        let s = it.nth(1).unwrap_or_default();
        (h, s)
    }
}

impl TryFrom<String> for CompactJws {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<CompactJws> for String {
    fn from(j: CompactJws) -> String {
        j.0
    }
}

impl JsonSchema for CompactJws {
    fn schema_name() -> Cow<'static, str> {
        "CompactJws".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "maxLength": MAX_JWS,
            "pattern": "^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+$",
            "description": "JWS compact serialisation with detached payload (RFC 7515 appendix F), alg EdDSA, x5c chain."
        })
    }
}

/// The protected header. Nothing else is accepted (no `crit`, no `jku`, no `b64`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    alg: String,
    typ: String,
    x5c: Vec<String>,
}

/// A unit's signing key with its certificate chain (leaf first, then the intermediate). The
/// key and chain can be replaced while running ([`Signer::replace`], after a renewal): every
/// holder of the same `Signer` signs with the new certificate from then on.
pub struct Signer {
    current: std::sync::RwLock<std::sync::Arc<Keyed>>,
    unit: UnitId,
}

struct Keyed {
    key: Ed25519KeyPair,
    chain: Vec<Vec<u8>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("unit", &self.unit)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// `pkcs8` is the Ed25519 private key (PKCS#8 DER); `chain` is leaf first, DER.
    pub fn new(pkcs8: &[u8], chain: Vec<Vec<u8>>) -> Result<Self, FieldError> {
        let key = Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8)
            .map_err(|_| FieldError::new("key", "not an Ed25519 PKCS#8 private key"))?;
        let leaf = chain
            .first()
            .ok_or_else(|| FieldError::new("chain", "the certificate chain is empty"))?;
        if chain.len() > MAX_CHAIN {
            return Err(FieldError::new(
                "chain",
                format!("more than {MAX_CHAIN} certificates"),
            ));
        }
        let unit = cert_unit_id(leaf).map_err(|e| e.under("chain[0]"))?;
        let leaf_der = CertificateDer::from(leaf.as_slice());
        let ee = webpki::EndEntityCert::try_from(&leaf_der)
            .map_err(|e| FieldError::new("chain[0]", format!("unusable certificate: {e}")))?;
        // The key must be the leaf's key: sign a probe and check it against the certificate.
        let probe = key.sign(b"bmnn-key-check");
        ee.verify_signature(
            webpki::aws_lc_rs::ED25519,
            b"bmnn-key-check",
            probe.as_ref(),
        )
        .map_err(|_| FieldError::new("key", "the private key does not match the certificate"))?;
        Ok(Self {
            current: std::sync::RwLock::new(std::sync::Arc::new(Keyed { key, chain })),
            unit,
        })
    }

    /// Switches to `next`'s key and chain (a renewed certificate of the same unit).
    pub fn replace(&self, next: Signer) -> Result<(), FieldError> {
        if next.unit != self.unit {
            return Err(FieldError::new(
                "chain[0]",
                format!(
                    "the new certificate is for {}, not {}",
                    next.unit, self.unit
                ),
            ));
        }
        let keyed = next.current.into_inner().unwrap_or_else(|p| p.into_inner());
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = keyed;
        Ok(())
    }

    /// The leaf certificate signing now (DER).
    pub fn leaf(&self) -> Vec<u8> {
        self.keyed().chain.first().cloned().unwrap_or_default()
    }

    fn keyed(&self) -> std::sync::Arc<Keyed> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The unit named in the leaf certificate.
    pub fn unit(&self) -> &UnitId {
        &self.unit
    }

    /// Signs `payload` (already canonical bytes) as a detached JWS of type `typ`.
    pub fn sign_detached(&self, typ: &str, payload: &[u8]) -> CompactJws {
        let keyed = self.keyed();
        let header = Header {
            alg: "EdDSA".into(),
            typ: typ.into(),
            x5c: keyed.chain.iter().map(|c| STANDARD.encode(c)).collect(),
        };
        let h = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("header encodes"));
        let input = signing_input(&h, payload);
        let sig = keyed.key.sign(input.as_bytes());
        CompactJws(format!("{h}..{}", URL_SAFE_NO_PAD.encode(sig.as_ref())))
    }
}

fn signing_input(header_b64: &str, payload: &[u8]) -> String {
    format!("{header_b64}.{}", URL_SAFE_NO_PAD.encode(payload))
}

/// What a verifier trusts: the national root(s) and the current CRLs.
#[derive(Debug)]
pub struct Trust {
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<webpki::CertRevocationList<'static>>,
    /// Paths already verified against these anchors and CRLs.
    paths: PathCache,
}

impl Trust {
    /// Trusts the given root certificates (DER).
    pub fn new(roots: &[Vec<u8>]) -> Result<Self, FieldError> {
        let mut anchors = Vec::new();
        for (i, r) in roots.iter().enumerate() {
            let der = CertificateDer::from(r.as_slice());
            let a = webpki::anchor_from_trusted_cert(&der).map_err(|e| {
                FieldError::new(
                    format!("roots[{i}]"),
                    format!("not a usable root certificate: {e}"),
                )
            })?;
            anchors.push(a.to_owned());
        }
        if anchors.is_empty() {
            return Err(FieldError::new(
                "roots",
                "at least one root certificate is needed",
            ));
        }
        Ok(Self {
            anchors,
            crls: Vec::new(),
            paths: PathCache::default(),
        })
    }

    /// Adds certificate revocation lists (DER); a certificate on any of them is refused.
    pub fn with_crls(mut self, crls: &[Vec<u8>]) -> Result<Self, FieldError> {
        for (i, c) in crls.iter().enumerate() {
            let owned = webpki::OwnedCertRevocationList::from_der(c).map_err(|e| {
                FieldError::new(format!("crls[{i}]"), format!("not a usable CRL: {e}"))
            })?;
            self.crls.push(owned.into());
        }
        self.paths = PathCache::default();
        Ok(self)
    }

    /// Checks a certificate chain (DER, leaf first) up to a root at time `at`, not revoked;
    /// returns the unit the leaf names. Used before encrypting to an aggregator's key.
    pub fn verify_certificate(
        &self,
        chain: &[Vec<u8>],
        at: UnixTime,
    ) -> Result<UnitId, VerifyError> {
        self.verify_chain(chain, at).map(|(unit, _)| unit)
    }

    /// Checks the chain in `x5c` up to a root, at time `at`, and returns the leaf's unit id.
    fn verify_chain(
        &self,
        x5c: &[Vec<u8>],
        at: UnixTime,
    ) -> Result<(UnitId, Vec<u8>), VerifyError> {
        let leaf = x5c
            .first()
            .ok_or_else(|| VerifyError::Malformed("x5c is empty".into()))?;
        let leaf_der = CertificateDer::from(leaf.as_slice());
        let ee = webpki::EndEntityCert::try_from(&leaf_der)
            .map_err(|e| VerifyError::UntrustedCertificate(format!("leaf certificate: {e}")))?;
        let inter: Vec<CertificateDer<'_>> = x5c[1..]
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        let crl_refs: Vec<&webpki::CertRevocationList<'_>> = self.crls.iter().collect();
        let revocation = if crl_refs.is_empty() {
            None
        } else {
            let b = webpki::RevocationOptionsBuilder::new(&crl_refs).expect("non-empty");
            Some(
                b.with_depth(webpki::RevocationCheckDepth::Chain)
                    .with_status_policy(webpki::UnknownStatusPolicy::Allow)
                    .with_expiration_policy(webpki::ExpirationPolicy::Ignore)
                    .build(),
            )
        };
        ee.verify_for_usage(
            &[webpki::aws_lc_rs::ED25519],
            &self.anchors,
            &inter,
            at,
            webpki::KeyUsage::client_auth(),
            revocation,
            None,
        )
        .map_err(|e| match e {
            webpki::Error::CertRevoked => {
                VerifyError::Revoked("the signer's certificate is revoked".into())
            }
            e => {
                VerifyError::UntrustedCertificate(format!("certificate path does not verify: {e}"))
            }
        })?;
        let unit =
            cert_unit_id(leaf).map_err(|e| VerifyError::UntrustedCertificate(e.to_string()))?;
        Ok((unit, leaf.clone()))
    }

    /// Verifies a detached JWS of type `typ` over `payload`; returns the signer's unit.
    pub fn verify_detached(
        &self,
        jws: &CompactJws,
        typ: &str,
        payload: &[u8],
        at: UnixTime,
    ) -> Result<UnitId, VerifyError> {
        let (h, s) = jws.parts();
        let key = path_cache::key_of(h);
        if let Some(path) = self.paths.get(&key, at.as_secs()) {
            check_typ(&path.typ, typ)?;
            let sig = decode_signature(s)?;
            UnparsedPublicKey::new(&ED25519, &path.key)
                .verify(signing_input(h, payload).as_bytes(), &sig)
                .map_err(|_| bad_signature())?;
            return Ok(path.unit);
        }
        let header: Header = URL_SAFE_NO_PAD
            .decode(h)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or_else(|| {
                VerifyError::Malformed(
                    "JWS header is not base64url JSON with alg, typ and x5c only".into(),
                )
            })?;
        if header.alg != "EdDSA" {
            return Err(VerifyError::Malformed(format!(
                "alg `{}` is not accepted; only EdDSA",
                header.alg
            )));
        }
        check_typ(&header.typ, typ)?;
        if header.x5c.is_empty() || header.x5c.len() > MAX_CHAIN {
            return Err(VerifyError::Malformed(format!(
                "x5c must hold 1 to {MAX_CHAIN} certificates"
            )));
        }
        let x5c: Vec<Vec<u8>> = header
            .x5c
            .iter()
            .map(|c| STANDARD.decode(c))
            .collect::<Result<_, _>>()
            .map_err(|_| {
                VerifyError::Malformed("x5c entries must be standard base64 DER".into())
            })?;
        let sig = decode_signature(s)?;
        let (unit, leaf) = self.verify_chain(&x5c, at)?;
        let leaf_der = CertificateDer::from(leaf.as_slice());
        let ee = webpki::EndEntityCert::try_from(&leaf_der)
            .map_err(|e| VerifyError::UntrustedCertificate(e.to_string()))?;
        ee.verify_signature(
            webpki::aws_lc_rs::ED25519,
            signing_input(h, payload).as_bytes(),
            &sig,
        )
        .map_err(|_| bad_signature())?;
        if let Some(path) = VerifiedPath::of(typ, unit.clone(), &x5c) {
            self.paths.insert(key, path);
        }
        Ok(unit)
    }
}

fn check_typ(found: &str, expected: &str) -> Result<(), VerifyError> {
    if found == expected {
        Ok(())
    } else {
        Err(VerifyError::Malformed(format!(
            "typ `{found}` where `{expected}` was expected"
        )))
    }
}

fn decode_signature(s: &str) -> Result<Vec<u8>, VerifyError> {
    URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| VerifyError::Malformed("signature is not base64url".into()))
}

fn bad_signature() -> VerifyError {
    VerifyError::BadSignature("the signature does not match the signed content".into())
}
