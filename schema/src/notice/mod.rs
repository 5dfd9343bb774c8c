//! Notices: what flows down the tree. A notice is a signed envelope like a submission: a body
//! (RFC 8785) signed with a detached JWS (typ `bmnn-notice`) by the issuing aggregator, then
//! one countersignature (typ `bmnn-countersignature`, over `{"digest", "prior"}` exactly as for
//! submissions) per tier that relays it down.
//!
//! The body names its `kind` and carries a `payload`. Kinds this version knows are decoded
//! and checked (`review`); a kind it does not know is still verified, stored and passed on,
//! so `request`, `directive`, `trust` and `rule_pack` can be added without a protocol change.
//!
//! A receiver verifies a notice for itself ([`Notice::verify_for`]): every signature, the
//! issuer and every relay on its own chain of parents (each strictly below the one before,
//! all strictly above the receiver), and an addressee that reaches the receiver or its
//! subtree. A notice from a sibling province, a foreign root, a revoked issuer or with a
//! changed body fails here.

mod addressee;
mod directive;
mod request;
mod review;
mod rules;
mod trust;

use std::borrow::Cow;
use std::fmt;

use chrono::{DateTime, FixedOffset};
use rustls_pki_types::UnixTime;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use addressee::{Addressee, MAX_ADDRESSEES};
pub use directive::{Directive, NoticeFile, MAX_DIRECTIVE_FILES_BYTES};
pub use request::{Asked, DocumentType, Request};
pub use review::{Review, Verdict, MAX_REASON};
pub use rules::{is_rule_file_name, RuleFile, RulePackUpdate, MAX_RULE_FILE_BYTES};
pub use trust::{DerBase64, TrustUpdate, MAX_DER_BYTES};

use crate::canonical::to_canonical;
use crate::envelope::{countersigned, verify_countersignatures};
use crate::jws::{CompactJws, Signer, Trust};
use crate::{BoundedVec, Digest, FieldError, FieldErrors, Protocol, ReportId, UnitId, VerifyError};

pub const TYP_NOTICE: &str = "bmnn-notice";
/// Largest encoded notice any endpoint or bundle accepts (room for a rule pack, or a CRL of
/// 50,000 entries in base64).
pub const MAX_NOTICE_BYTES: usize = 8 * 1024 * 1024;

/// A notice's id: a lowercase UUID, like a report id.
pub type NoticeId = ReportId;

/// The kind of a notice: `review`, `request`, `directive`, `trust`, `rule_pack`.
/// Any lowercase `[a-z][a-z_]{0,31}` is accepted on the wire, so new kinds need no new
/// protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NoticeKind(String);

impl NoticeKind {
    pub const REVIEW: &'static str = "review";
    pub const TRUST: &'static str = "trust";
    pub const REQUEST: &'static str = "request";
    pub const DIRECTIVE: &'static str = "directive";
    pub const RULE_PACK: &'static str = "rule_pack";

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let ok = (1..=32).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(FieldError::new(
                "",
                format!("`{raw}` is not a notice kind (lowercase letters and _, at most 32)"),
            ))
        }
    }

    pub fn review() -> Self {
        Self(Self::REVIEW.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for NoticeKind {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        Self::parse(&s)
    }
}

impl From<NoticeKind> for String {
    fn from(k: NoticeKind) -> String {
        k.0
    }
}

impl JsonSchema for NoticeKind {
    fn schema_name() -> Cow<'static, str> {
        "NoticeKind".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z][a-z_]{0,31}$",
            "description": "review, trust, request, directive, rule_pack"
        })
    }
}

/// What the issuer signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeBody {
    pub protocol: Protocol,
    pub notice_id: NoticeId,
    /// The issuing aggregator's unit: an ancestor of every addressee.
    pub issuer: UnitId,
    pub addressee: Addressee,
    /// RFC 3339, normally +07:00.
    pub issued_at: DateTime<FixedOffset>,
    pub kind: NoticeKind,
    /// The kind's content (a `Review` for `review`).
    pub payload: Value,
}

/// A notice's payload, decoded when its kind is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoticeContent {
    Review(Review),
    /// CRLs to install.
    Trust(TrustUpdate),
    /// An order to send a report or a document by a date.
    Request(Request),
    /// A document to acknowledge (and disseminate) by a date.
    Directive(Directive),
    /// Rule packs and holidays from the nation, to check and install.
    RulePack(RulePackUpdate),
    /// A kind this version does not know: stored and relayed, not applied.
    Unknown(NoticeKind),
}

impl NoticeBody {
    /// A review notice from `issuer` to the reviewed report's unit.
    pub fn review(id: NoticeId, issuer: UnitId, at: DateTime<FixedOffset>, r: Review) -> Self {
        Self {
            protocol: Protocol::V1,
            notice_id: id,
            issuer,
            addressee: Addressee::Unit {
                unit: r.unit.clone(),
            },
            issued_at: at,
            kind: NoticeKind::review(),
            payload: serde_json::to_value(&r).expect("a review encodes"),
        }
    }

    /// The payload decoded for a known kind.
    pub fn content(&self) -> Result<NoticeContent, FieldErrors> {
        let bytes = serde_json::to_vec(&self.payload).expect("a JSON value encodes");
        if self.kind.as_str() == NoticeKind::TRUST {
            let t: TrustUpdate = crate::decode(&bytes).map_err(|e| e.under("body.payload"))?;
            return Ok(NoticeContent::Trust(t));
        }
        if self.kind.as_str() == NoticeKind::RULE_PACK {
            if self.issuer.tier() != crate::Tier::National {
                return Err(FieldError::new(
                    "body.issuer",
                    "rule packs are issued by the nation (VN) only",
                )
                .into());
            }
            let u: RulePackUpdate = crate::decode(&bytes).map_err(|e| e.under("body.payload"))?;
            u.validate()?;
            return Ok(NoticeContent::RulePack(u));
        }
        if self.kind.as_str() == NoticeKind::DIRECTIVE {
            let d: Directive = crate::decode(&bytes).map_err(|e| e.under("body.payload"))?;
            d.validate(self.issued_at.date_naive())?;
            return Ok(NoticeContent::Directive(d));
        }
        if self.kind.as_str() == NoticeKind::REQUEST {
            let r: Request = crate::decode(&bytes).map_err(|e| e.under("body.payload"))?;
            r.validate(self.issued_at.date_naive())?;
            return Ok(NoticeContent::Request(r));
        }
        if self.kind.as_str() != NoticeKind::REVIEW {
            return Ok(NoticeContent::Unknown(self.kind.clone()));
        }
        let r: Review = crate::decode(&bytes).map_err(|e| e.under("body.payload"))?;
        r.validate()?;
        if self.addressee
            != (Addressee::Unit {
                unit: r.unit.clone(),
            })
        {
            return Err(FieldError::new(
                "body.addressee",
                "a review is addressed to the reviewed report's unit",
            )
            .into());
        }
        Ok(NoticeContent::Review(r))
    }

    /// Rules of the contract: a known payload, an addressee under the issuer.
    pub fn validate(&self) -> Result<NoticeContent, FieldErrors> {
        self.addressee.check_under(&self.issuer)?;
        self.content()
    }

    pub fn digest(&self) -> Digest {
        Digest::of(&to_canonical(self).expect("a notice encodes"))
    }
}

/// A signed notice as it travels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub body: NoticeBody,
    /// The issuer's signature, then one countersignature per relaying tier.
    pub signatures: BoundedVec<CompactJws, 8>,
}

/// A notice that verified for a receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedNotice {
    pub digest: Digest,
    pub content: NoticeContent,
    /// Units that countersigned it on the way down, highest first.
    pub relays: Vec<UnitId>,
}

impl Notice {
    /// Signs `body` as its issuer, after checking it.
    pub fn sign(body: NoticeBody, signer: &Signer) -> Result<Self, FieldErrors> {
        if signer.unit() != &body.issuer {
            return Err(FieldError::new(
                "body.issuer",
                format!(
                    "the signing certificate is for {}, not {}",
                    signer.unit(),
                    body.issuer
                ),
            )
            .into());
        }
        body.validate()?;
        let jws = signer.sign_detached(TYP_NOTICE, &to_canonical(&body)?);
        Ok(Self {
            body,
            signatures: BoundedVec::parse(vec![jws])?,
        })
    }

    pub fn digest(&self) -> Digest {
        self.body.digest()
    }

    /// Appends the relaying tier's countersignature (a child aggregator passing it down).
    pub fn countersign(&mut self, signer: &Signer) -> Result<(), FieldError> {
        self.signatures = countersigned(&self.signatures, &self.digest(), signer)?;
        Ok(())
    }

    /// Verifies the notice for `receiver` at time `at` (see the module doc).
    pub fn verify_for(
        &self,
        trust: &Trust,
        at: UnixTime,
        receiver: &UnitId,
    ) -> Result<VerifiedNotice, VerifyError> {
        let sigs = self.signatures.as_slice();
        let first = sigs
            .first()
            .ok_or_else(|| VerifyError::Malformed("the notice has no signature".into()))?;
        let body = to_canonical(&self.body).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let issuer = trust.verify_detached(first, TYP_NOTICE, &body, at)?;
        if issuer != self.body.issuer {
            return Err(VerifyError::WrongSigner(format!(
                "signed by {issuer}, but the notice names {} as its issuer",
                self.body.issuer
            )));
        }
        check_above(&issuer, receiver, "the issuer")?;
        let content = self
            .body
            .validate()
            .map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let digest = Digest::of(&body);
        // Going down: each relay strictly below the signer before it, and above the receiver.
        let relays =
            verify_countersignatures(trust, at, &digest, sigs, &issuer, |i, above, relay| {
                if relay == above || !above.contains(relay) {
                    return Err(VerifyError::WrongSigner(format!(
                        "countersignature {i} is by {relay}, which is not below {above}"
                    )));
                }
                check_above(relay, receiver, "a relay")
            })?;
        if !self.body.addressee.reaches_under(receiver) {
            return Err(VerifyError::WrongSigner(format!(
                "the notice is not addressed to {receiver} or a unit under it"
            )));
        }
        Ok(VerifiedNotice {
            digest,
            content,
            relays,
        })
    }
}

/// `signer` must be strictly above `receiver`: notices come only from one's own parents.
fn check_above(signer: &UnitId, receiver: &UnitId, who: &str) -> Result<(), VerifyError> {
    if signer != receiver && signer.contains(receiver) {
        Ok(())
    } else {
        Err(VerifyError::WrongSigner(format!(
            "{who} {signer} is not among the parents of {receiver}"
        )))
    }
}

/// Most notices in one page of `GET /api/v1/notices`.
pub const MAX_NOTICE_PAGE: usize = 100;

/// The answer to `GET /api/v1/notices?after=<cursor>`: the notices after the cursor that
/// concern the asking unit, in the parent's order, and the cursor to ask with next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticePage {
    pub notices: BoundedVec<Notice, MAX_NOTICE_PAGE>,
    /// Ask with this cursor next time (it also moves past notices for other units).
    pub next: u64,
    /// True when more notices wait after `next`: ask again at once.
    pub more: bool,
}
