//! One `Trust` verifying many signatures by the same chain remembers the verified path; these
//! tests check that nothing a fresh verification would refuse is accepted from that memory:
//! the content is always checked, dates always count, the type must match.

use schema::*;

use crate::fixture::Federation;
use crate::sample::*;

const NOW: &str = "2026-12-10T00:00:00Z";

fn signed(fed: &mut Federation) -> (Envelope, Signer) {
    let signer = fed.ca75.leaf("75.26041").signer();
    let env = Envelope::sign(
        annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &signer,
    )
    .unwrap();
    (env, signer)
}

#[test]
fn a_remembered_chain_still_has_every_signature_checked() {
    let mut fed = Federation::new();
    let trust = fed.trust();
    let (env, signer) = signed(&mut fed);
    env.verify(&trust, unix(NOW)).unwrap();
    env.verify(&trust, unix(NOW)).unwrap();
    // Another report by the same unit (same header) verifies from the remembered path.
    let other = Envelope::sign(
        annual_submission("75.26041", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"),
        &signer,
    )
    .unwrap();
    assert_eq!(
        other.verify(&trust, unix(NOW)).unwrap().author,
        env.body.unit
    );
    // Its content changed under the same signature: refused, cache or not.
    let mut tampered = other.clone();
    tampered.body.report_id = env.body.report_id.clone();
    assert_eq!(
        tampered.verify(&trust, unix(NOW)).unwrap_err().code(),
        "bad_signature"
    );
}

#[test]
fn a_remembered_chain_is_used_only_while_its_certificates_are_valid() {
    let mut fed = Federation::new();
    let trust = fed.trust();
    let (env, _) = signed(&mut fed);
    env.verify(&trust, unix(NOW)).unwrap();
    for when in ["2047-01-01T00:00:00Z", "2025-12-31T00:00:00Z"] {
        assert_eq!(
            env.verify(&trust, unix(when)).unwrap_err().code(),
            "untrusted_certificate",
            "at {when}"
        );
    }
    env.verify(&trust, unix(NOW)).unwrap();
}

#[test]
fn a_remembered_header_of_another_type_is_refused() {
    let mut fed = Federation::new();
    let trust = fed.trust();
    let province = fed.ca75.leaf("75");
    let (env, _) = signed(&mut fed);
    let mut relayed = env.clone();
    relayed.countersign(&province.signer()).unwrap();
    relayed.verify(&trust, unix(NOW)).unwrap();
    // The province's countersignature header, now remembered, presented as a receipt's.
    let receipt = Receipt {
        body: ReceiptBody {
            protocol: Protocol::V1,
            report_id: env.body.report_id.clone(),
            digest: env.body.digest(),
            unit: env.body.unit.clone(),
            receiver: UnitId::parse("75").unwrap(),
            received_at: at("2026-12-05T10:00:00+07:00"),
            outcome: ReceiptOutcome::Accepted,
        },
        signature: relayed.signatures.as_slice()[1].clone(),
    };
    assert_eq!(
        receipt.verify(&trust, unix(NOW)).unwrap_err().code(),
        "malformed"
    );
}
