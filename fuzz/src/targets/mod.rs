//! The fuzz targets: each takes any bytes, must never panic, and returns a short label of how
//! far the input got (used to keep inputs that show a new behaviour). A label containing
//! [`ANOMALY`] is not a panic but still a finding (say, a signed object that does not decode
//! again).

pub mod bundle;
pub mod enrol;
pub mod envelope;
pub mod extras;
pub mod notice;

use crate::pki::Fixture;

/// Marks a label that reports a finding other than a panic.
pub const ANOMALY: &str = "ANOMALY: ";

/// One decoder and what follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `schema::decode::<Envelope>`, verification, the aggregator's checks.
    Envelope,
    /// `schema::decode::<Notice>` / `NoticePage`, content, `node::puller::verify_all`.
    Notice,
    /// A transfer bundle's JSON, opened by the aggregator.
    TransferBundle,
    /// A transfer bundle's decrypted plaintext (envelopes and files).
    BundlePlaintext,
    /// A receipt bundle, imported by the node.
    ReceiptBundle,
    /// The enrolment request (CSR, PEM or DER) and the root fingerprint.
    Enrol,
    /// `schema::decode::<Receipt>` and verification.
    Receipt,
    /// `config::settings::Lifetime::parse`.
    Lifetime,
}

impl Target {
    pub const ALL: [Target; 8] = [
        Target::Envelope,
        Target::Notice,
        Target::TransferBundle,
        Target::BundlePlaintext,
        Target::ReceiptBundle,
        Target::Enrol,
        Target::Receipt,
        Target::Lifetime,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Envelope => "envelope",
            Target::Notice => "notice",
            Target::TransferBundle => "transfer-bundle",
            Target::BundlePlaintext => "bundle-plaintext",
            Target::ReceiptBundle => "receipt-bundle",
            Target::Enrol => "enrol",
            Target::Receipt => "receipt",
            Target::Lifetime => "lifetime",
        }
    }

    /// The targets `name` selects: one by name, or `all`.
    pub fn select(name: &str) -> Option<Vec<Target>> {
        if name == "all" {
            return Some(Self::ALL.to_vec());
        }
        Self::ALL
            .iter()
            .find(|t| t.name() == name)
            .map(|t| vec![*t])
    }

    /// Runs the target on one input.
    pub fn run(self, fx: &Fixture, input: &[u8]) -> String {
        match self {
            Target::Envelope => envelope::run(fx, input),
            Target::Notice => notice::run(fx, input),
            Target::TransferBundle => bundle::transfer(fx, input),
            Target::BundlePlaintext => bundle::plaintext(fx, input),
            Target::ReceiptBundle => bundle::receipts(fx, input),
            Target::Enrol => enrol::run(input),
            Target::Receipt => extras::receipt(fx, input),
            Target::Lifetime => extras::lifetime(input),
        }
    }
}
