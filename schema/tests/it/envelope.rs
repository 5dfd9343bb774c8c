use proptest::prelude::*;
use schema::*;

use crate::fixture::Federation;
use crate::sample::*;

const NOW: &str = "2026-12-10T00:00:00Z";

#[test]
fn signed_envelope_verifies_and_names_its_author() {
    let mut fed = Federation::new();
    let leaf = fed.ca75.leaf("75.26041");
    let env = Envelope::sign(
        annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &leaf.signer(),
    )
    .unwrap();
    let v = env.verify(&fed.trust(), unix(NOW)).unwrap();
    assert_eq!(v.author.as_str(), "75.26041");
    assert!(v.relays.is_empty());
    assert_eq!(v.digest, env.body.digest());
}

#[test]
fn countersignatures_chain_up_the_tree() {
    let mut fed = Federation::new();
    let unit = fed.ca75.leaf("75.26041");
    let province = fed.ca75.leaf("75");
    let mut env = Envelope::sign(incident_submission("75.26041"), &unit.signer()).unwrap();
    env.countersign(&province.signer()).unwrap();
    let v = env.verify(&fed.trust(), unix(NOW)).unwrap();
    assert_eq!(v.relays, vec![UnitId::parse("75").unwrap()]);
    assert_eq!(v.encoded, encode(&env));
}

#[test]
fn countersignature_by_a_unit_not_above_the_author_is_refused() {
    let mut fed = Federation::new();
    let unit = fed.ca75.leaf("75.26041");
    let other = fed.ca79.leaf("79");
    let mut env = Envelope::sign(incident_submission("75.26041"), &unit.signer()).unwrap();
    env.countersign(&other.signer()).unwrap();
    assert_eq!(
        env.verify(&fed.trust(), unix(NOW)).unwrap_err().code(),
        "wrong_signer"
    );
}

#[test]
fn signing_for_another_unit_is_refused() {
    let mut fed = Federation::new();
    let leaf = fed.ca75.leaf("75.26041");
    let e = Envelope::sign(
        annual_submission("75.26044", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &leaf.signer(),
    )
    .unwrap_err();
    assert_eq!(e.path(), "body.unit");
}

#[test]
fn revoked_signer_is_refused() {
    let mut fed = Federation::new();
    let leaf = fed.ca75.leaf("75.26041");
    let env = Envelope::sign(
        annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &leaf.signer(),
    )
    .unwrap();
    let trust = fed
        .trust()
        .with_crls(&[fed.ca75.crl(&[leaf.serial])])
        .unwrap();
    // Twice with the same trust: a refused chain is never remembered as good.
    for _ in 0..2 {
        assert_eq!(env.verify(&trust, unix(NOW)).unwrap_err().code(), "revoked");
    }
    // A CRL that revokes someone else changes nothing.
    let trust = fed
        .trust()
        .with_crls(&[fed.ca75.crl(&[leaf.serial + 1000])])
        .unwrap();
    assert!(env.verify(&trust, unix(NOW)).is_ok());
}

#[test]
fn certificate_from_another_root_is_untrusted() {
    let fed = Federation::new();
    let mut rogue = Federation::new();
    let leaf = rogue.ca75.leaf("75.26041");
    let env = Envelope::sign(
        annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &leaf.signer(),
    )
    .unwrap();
    assert_eq!(
        env.verify(&fed.trust(), unix(NOW)).unwrap_err().code(),
        "untrusted_certificate"
    );
}

#[test]
fn expired_certificate_is_untrusted() {
    let mut fed = Federation::new();
    let leaf = fed.ca75.leaf("75.26041");
    let env = Envelope::sign(
        annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6"),
        &leaf.signer(),
    )
    .unwrap();
    assert_eq!(
        env.verify(&fed.trust(), unix("2047-01-01T00:00:00Z"))
            .unwrap_err()
            .code(),
        "untrusted_certificate"
    );
}

#[test]
fn receipt_verifies_only_from_an_ancestor_receiver() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let body = ReceiptBody {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        digest: Digest::of(b"x"),
        unit: UnitId::parse("75.26041").unwrap(),
        receiver: UnitId::parse("75").unwrap(),
        received_at: at("2026-12-05T10:00:00+07:00"),
        outcome: ReceiptOutcome::Accepted,
    };
    let r = Receipt::sign(body.clone(), &province.signer()).unwrap();
    r.verify(&fed.trust(), unix(NOW)).unwrap();
    let mut forged = r.clone();
    forged.body.received_at = at("2026-12-01T10:00:00+07:00");
    assert_eq!(
        forged.verify(&fed.trust(), unix(NOW)).unwrap_err().code(),
        "bad_signature"
    );
    let other = fed.ca79.leaf("79");
    let wrong = Receipt::sign(
        ReceiptBody {
            receiver: UnitId::parse("79").unwrap(),
            ..body
        },
        &other.signer(),
    )
    .unwrap();
    assert_eq!(
        wrong.verify(&fed.trust(), unix(NOW)).unwrap_err().code(),
        "wrong_signer"
    );
}

#[test]
fn signer_refuses_a_key_that_does_not_match_the_certificate() {
    let mut fed = Federation::new();
    let a = fed.ca75.leaf("75.26041");
    let b = fed.ca75.leaf("75.26044");
    let e = Signer::new(&a.key_pkcs8, b.chain.clone()).unwrap_err();
    assert_eq!(e.path(), "key");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sign_then_verify_succeeds_and_survives_encoding(sub in arb_submission()) {
        let mut fed = Federation::new();
        let signer = fed.ca75.leaf("75.26041").signer();
        let env = Envelope::sign(sub, &signer).unwrap();
        let decoded: Envelope = decode(&encode(&env)).unwrap();
        prop_assert_eq!(&decoded, &env);
        let verified = decoded.verify(&fed.trust(), unix(NOW)).unwrap();
        // What a receiver stores is exactly the canonical encoding.
        prop_assert_eq!(verified.encoded, encode(&env));
    }

    #[test]
    fn changing_any_single_byte_breaks_verification(sub in arb_submission(), pos in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let mut fed = Federation::new();
        let signer = fed.ca75.leaf("75.26041").signer();
        let env = Envelope::sign(sub, &signer).unwrap();
        let mut bytes = encode(&env);
        let i = pos.index(bytes.len());
        bytes[i] ^= flip;
        match decode::<Envelope>(&bytes) {
            Err(_) => {}
            Ok(tampered) => prop_assert!(tampered.verify(&fed.trust(), unix(NOW)).is_err(), "byte {} accepted", i),
        }
    }
}
