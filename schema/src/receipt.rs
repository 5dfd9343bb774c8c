//! Receipts: what a receiving tier signs back for every envelope it stores (or already held),
//! with the time that decides timeliness and whether the version was new, a duplicate or an
//! amendment. A receipt is valid only when signed by its receiver, an ancestor of the unit.

use chrono::{DateTime, FixedOffset};
use rustls_pki_types::UnixTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::canonical::to_canonical;
use crate::envelope::{Digest, Protocol, ReportId, TYP_RECEIPT};
use crate::jws::{CompactJws, Signer, Trust};
use crate::{FieldError, UnitId, VerifyError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptOutcome {
    /// Stored for the first time.
    Accepted,
    /// Already stored with the same digest; nothing changed.
    Duplicate,
    /// Stored as an amendment of an earlier version.
    Amended,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptBody {
    pub protocol: Protocol,
    pub report_id: ReportId,
    pub digest: Digest,
    /// The reporting unit (not the relay that delivered it).
    pub unit: UnitId,
    pub receiver: UnitId,
    /// When the receiver stored it: timeliness is judged on the first tier's receipt.
    pub received_at: DateTime<FixedOffset>,
    pub outcome: ReceiptOutcome,
}

/// A receiving tier's signed receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Receipt {
    pub body: ReceiptBody,
    pub signature: CompactJws,
}

impl Receipt {
    /// Signs a receipt as the receiver; the signer's certificate must name `body.receiver`.
    pub fn sign(body: ReceiptBody, signer: &Signer) -> Result<Self, FieldError> {
        if signer.unit() != &body.receiver {
            return Err(FieldError::new(
                "body.receiver",
                format!(
                    "the signing certificate is for {}, not {}",
                    signer.unit(),
                    body.receiver
                ),
            ));
        }
        let signature = signer.sign_detached(TYP_RECEIPT, &to_canonical(&body)?);
        Ok(Self { body, signature })
    }

    /// Verifies the receipt was signed by its receiver, an ancestor of the reporting unit.
    pub fn verify(&self, trust: &Trust, at: UnixTime) -> Result<(), VerifyError> {
        let payload =
            to_canonical(&self.body).map_err(|e| VerifyError::Malformed(e.to_string()))?;
        let signer = trust.verify_detached(&self.signature, TYP_RECEIPT, &payload, at)?;
        if signer != self.body.receiver {
            return Err(VerifyError::WrongSigner(format!(
                "signed by {signer}, not the receiver {}",
                self.body.receiver
            )));
        }
        if signer == self.body.unit || !signer.contains(&self.body.unit) {
            return Err(VerifyError::WrongSigner(format!(
                "{signer} is not above {}",
                self.body.unit
            )));
        }
        Ok(())
    }
}
