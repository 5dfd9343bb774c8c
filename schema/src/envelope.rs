//! Submissions, envelopes, countersignatures and receipts.
//!
//! - An `Envelope` is a `Submission` body plus signatures. `signatures[0]` is the unit's own
//!   (typ `bmnn-submission`) over the canonical body. Each tier that relays it appends a
//!   countersignature (typ `bmnn-countersignature`) over the canonical
//!   `{"digest": <body digest>, "prior": [<signatures before it>]}`.
//! - A `Receipt` is a receiving tier's signed statement (typ `bmnn-receipt`) that it stored a
//!   report with a given digest at a given time: the unit's proof that it reported on time.
//! - Report ids are stable across relays; same id + same digest is a duplicate (no-op), same id
//!   + another digest is a conflict unless the new body's `supersedes` names the old digest.

use std::borrow::Cow;
use std::fmt;

use aws_lc_rs::digest;
use chrono::{DateTime, FixedOffset};
use rustls_pki_types::UnixTime;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};

use crate::attachment::{AttachmentLimits, AttachmentRef, MAX_ATTACHMENTS};
use crate::canonical::to_canonical;
use crate::jws::{CompactJws, Signer, Trust};
use crate::{
    BoundedVec, Classification, FieldError, FieldErrors, Payload, ReportKind, ReportingPeriod,
    UnitId, VerifyError,
};

pub const TYP_SUBMISSION: &str = "bmnn-submission";
pub const TYP_COUNTERSIGNATURE: &str = "bmnn-countersignature";
pub const TYP_RECEIPT: &str = "bmnn-receipt";
/// Largest encoded envelope any endpoint should accept.
pub const MAX_ENVELOPE_BYTES: usize = 8 * 1024 * 1024;

/// The protocol version tag, `bmnn/1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum Protocol {
    #[serde(rename = "bmnn/1")]
    V1,
}

macro_rules! string_newtype {
    ($name:ident, $check:expr, $pattern:literal, $what:literal) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, FieldError> {
                let check: fn(&str) -> bool = $check;
                if check(raw) {
                    Ok(Self(raw.to_string()))
                } else {
                    Err(FieldError::new("", format!(concat!("`{}` is not ", $what), raw)))
                }
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $name {
            type Error = FieldError;
            fn try_from(s: String) -> Result<Self, FieldError> {
                Self::parse(&s)
            }
        }
        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({ "type": "string", "pattern": $pattern })
            }
        }
    };
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

string_newtype!(
    ReportId,
    |s| {
        let p: Vec<&str> = s.split('-').collect();
        p.iter().map(|x| x.len()).eq([8, 4, 4, 4, 12]) && p.iter().all(|x| is_lower_hex(x))
    },
    "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    "a report id (a lowercase UUID such as 6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6)"
);

string_newtype!(
    Digest,
    |s| s
        .strip_prefix("sha256:")
        .is_some_and(|h| h.len() == 64 && is_lower_hex(h)),
    "^sha256:[0-9a-f]{64}$",
    "a digest (sha256: followed by 64 lowercase hex digits)"
);

impl ReportId {
    /// A fresh random (version 4) id.
    pub fn random() -> Self {
        let mut b = [0u8; 16];
        aws_lc_rs::rand::fill(&mut b).expect("system randomness");
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        Self(format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        ))
    }
}

impl Digest {
    /// SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        let d = digest::digest(&digest::SHA256, bytes);
        Self(format!(
            "sha256:{}",
            d.as_ref()
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>()
        ))
    }
}

/// What a unit submits: everything its signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub protocol: Protocol,
    pub report_id: ReportId,
    /// The reporting unit; must be the unit named in the signing certificate.
    pub unit: UnitId,
    pub period: ReportingPeriod,
    pub classification: Classification,
    /// When the head approved and signed it (RFC 3339, normally +07:00).
    pub created_at: DateTime<FixedOffset>,
    /// The digest of the version this one amends (same `report_id`), if it is an amendment.
    pub supersedes: Option<Digest>,
    pub payload: Payload,
    /// The request notice this report answers, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<ReportId>,
    /// Files the report carries; their bytes travel beside the envelope.
    #[serde(default, skip_serializing_if = "BoundedVec::is_empty")]
    pub attachments: BoundedVec<AttachmentRef, MAX_ATTACHMENTS>,
}

impl Submission {
    pub fn kind(&self) -> ReportKind {
        self.payload.kind()
    }

    /// The digest of the canonical body: the report's identity for storage and receipts.
    pub fn digest(&self) -> Digest {
        Digest::of(&to_canonical(self).expect("submission encodes"))
    }

    /// Rules of the contract that hold under every rule pack; paths start at `body`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        if let Err(e) = self.payload.validate() {
            for x in e.iter() {
                errs.push(x.clone().under("body.payload.content"));
            }
        }
        if self.kind() == ReportKind::Acknowledgment && self.in_reply_to.is_none() {
            errs.push(FieldError::new(
                "body.in_reply_to",
                "an acknowledgment names the directive it acknowledges",
            ));
        }
        if self.kind() == ReportKind::Document && self.attachments.is_empty() {
            errs.push(FieldError::new(
                "body.attachments",
                "a document needs at least one attached file",
            ));
        }
        let limits = AttachmentLimits {
            max_file_bytes: u64::MAX,
            max_total_bytes: u64::MAX,
            max_files: MAX_ATTACHMENTS,
        };
        if let Err(e) = crate::attachment::check_set(self.attachments.as_slice(), &limits) {
            errs.push(FieldError::new("body.attachments", e));
        }
        let created = self.created_at.date_naive();
        if created < self.period.start() {
            errs.push(FieldError::new(
                "body.created_at",
                format!("is before the period {} starts", self.period),
            ));
        }
        errs.into_result()
    }
}

/// A signed submission as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    pub body: Submission,
    /// The unit's signature, then one countersignature per relaying tier.
    pub signatures: BoundedVec<CompactJws, 8>,
}

/// The result of a successful verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub digest: Digest,
    pub author: UnitId,
    /// Units that countersigned, lowest tier first.
    pub relays: Vec<UnitId>,
    /// The envelope's canonical encoding (what [`crate::encode`] gives), assembled from the
    /// body's encoding that verifying needed anyway: what a receiver stores.
    pub encoded: Vec<u8>,
}

#[derive(Serialize)]
struct CountersignPayload<'a> {
    digest: &'a Digest,
    prior: &'a [CompactJws],
}

/// Verifies `sigs[1..]` as countersignatures over `digest`, in order, each by a unit that
/// `allowed(i, previous signer, this signer)` accepts; returns the countersigners in order.
pub(crate) fn verify_countersignatures(
    trust: &Trust,
    at: UnixTime,
    digest: &Digest,
    sigs: &[CompactJws],
    first: &UnitId,
    allowed: impl Fn(usize, &UnitId, &UnitId) -> Result<(), VerifyError>,
) -> Result<Vec<UnitId>, VerifyError> {
    let mut relays: Vec<UnitId> = Vec::new();
    for i in 1..sigs.len() {
        let payload = countersign_payload(digest, &sigs[..i])
            .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let relay = trust.verify_detached(&sigs[i], TYP_COUNTERSIGNATURE, &payload, at)?;
        allowed(i, relays.last().unwrap_or(first), &relay)?;
        relays.push(relay);
    }
    Ok(relays)
}

/// `sigs` with `signer`'s countersignature over `digest` appended (up the tree or down it).
pub(crate) fn countersigned(
    sigs: &BoundedVec<CompactJws, 8>,
    digest: &Digest,
    signer: &Signer,
) -> Result<BoundedVec<CompactJws, 8>, FieldError> {
    let prior = sigs.as_slice();
    let jws = signer.sign_detached(TYP_COUNTERSIGNATURE, &countersign_payload(digest, prior)?);
    let mut all = prior.to_vec();
    all.push(jws);
    BoundedVec::parse(all).map_err(|e| e.under("signatures"))
}

/// What a countersignature signs: the canonical `{"digest": …, "prior": [signatures before]}`
/// (the same for submissions going up and notices coming down).
pub(crate) fn countersign_payload(
    digest: &Digest,
    prior: &[CompactJws],
) -> Result<Vec<u8>, FieldError> {
    to_canonical(&CountersignPayload { digest, prior })
}

impl Envelope {
    /// Signs `body` as its unit. The signer's certificate must name `body.unit`.
    pub fn sign(body: Submission, signer: &Signer) -> Result<Self, FieldError> {
        if signer.unit() != &body.unit {
            return Err(FieldError::new(
                "body.unit",
                format!(
                    "the signing certificate is for {}, not {}",
                    signer.unit(),
                    body.unit
                ),
            ));
        }
        let jws = signer.sign_detached(TYP_SUBMISSION, &to_canonical(&body)?);
        Ok(Self {
            body,
            signatures: BoundedVec::parse(vec![jws])?,
        })
    }

    pub fn digest(&self) -> Digest {
        self.body.digest()
    }

    /// Appends the relaying tier's countersignature.
    pub fn countersign(&mut self, signer: &Signer) -> Result<(), FieldError> {
        self.signatures = countersigned(&self.signatures, &self.digest(), signer)?;
        Ok(())
    }

    /// Verifies every signature and who made it: the first by the reporting unit itself, each
    /// countersignature by an ancestor of the previous signer.
    pub fn verify(&self, trust: &Trust, at: UnixTime) -> Result<Verified, VerifyError> {
        let sigs = self.signatures.as_slice();
        let first = sigs
            .first()
            .ok_or_else(|| VerifyError::Malformed("the envelope has no signature".into()))?;
        let body = to_canonical(&self.body).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let author = trust.verify_detached(first, TYP_SUBMISSION, &body, at)?;
        if author != self.body.unit {
            return Err(VerifyError::WrongSigner(format!(
                "signed by {author}, but the report is from {}",
                self.body.unit
            )));
        }
        let digest = Digest::of(&body);
        // Going up: each relay strictly above the signer before it.
        let relays =
            verify_countersignatures(trust, at, &digest, sigs, &author, |i, below, relay| {
                if relay == below || !relay.contains(below) {
                    return Err(VerifyError::WrongSigner(format!(
                        "countersignature {i} is by {relay}, which is not above {below}"
                    )));
                }
                Ok(())
            })?;
        // RFC 8785 orders the members by name: "body" < "signatures".
        let signatures =
            to_canonical(&self.signatures).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let mut encoded = Vec::with_capacity(body.len() + signatures.len() + 24);
        encoded.extend_from_slice(b"{\"body\":");
        encoded.extend_from_slice(&body);
        encoded.extend_from_slice(b",\"signatures\":");
        encoded.extend_from_slice(&signatures);
        encoded.push(b'}');
        Ok(Verified {
            digest,
            author,
            relays,
            encoded,
        })
    }
}
