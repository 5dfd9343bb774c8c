//! Notices coming down the tree: who may issue and relay them, what a receiver refuses, and
//! the addressee arithmetic every tier relies on.

use proptest::prelude::*;
use schema::*;

use crate::fixture::{Federation, Leaf};
use crate::sample::*;

const NOW: &str = "2026-12-10T00:00:00Z";
const COMMUNE: &str = "75.26041";

fn unit(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

fn review(unit_id: &str, verdict: Verdict, reason: Option<&str>) -> Review {
    Review {
        report_id: ReportId::random(),
        digest: Digest::of(b"a report"),
        unit: unit(unit_id),
        report_kind: ReportKind::AnnualReport,
        period: ReportingPeriod::parse("2026").unwrap(),
        verdict,
        reason: reason.map(|r| Text::parse(r).unwrap()),
        pointers: BoundedVec::parse(vec![Line::parse("section:c").unwrap()]).unwrap(),
    }
}

fn returned_by(issuer: &Leaf, to: &str) -> Notice {
    let body = NoticeBody::review(
        NoticeId::random(),
        issuer.unit.clone(),
        at("2026-12-08T10:00:00+07:00"),
        review(to, Verdict::Returned, Some("Mục c chưa đủ.")),
    );
    Notice::sign(body, &issuer.signer()).unwrap()
}

#[test]
fn a_review_from_the_province_verifies_at_its_commune_and_decodes() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let n = returned_by(&province, COMMUNE);
    let v = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap();
    assert_eq!(v.digest, n.digest());
    assert!(v.relays.is_empty());
    let NoticeContent::Review(r) = v.content else {
        panic!("not a review")
    };
    assert_eq!(r.verdict, Verdict::Returned);
    assert_eq!(r.reason.unwrap().as_str(), "Mục c chưa đủ.");
    let round: Notice = decode(&encode(&n)).unwrap();
    assert_eq!(round, n);
}

#[test]
fn a_nations_notice_relayed_by_the_province_verifies_at_the_commune() {
    let mut fed = Federation::new();
    let nation = fed.root.intermediate("VN").leaf("VN");
    let province = fed.ca75.leaf("75");
    let mut n = returned_by(&nation, COMMUNE);
    // The province verifies it for its subtree, then countersigns it down.
    n.verify_for(&fed.trust(), unix(NOW), &unit("75")).unwrap();
    n.countersign(&province.signer()).unwrap();
    let v = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap();
    assert_eq!(v.relays, vec![unit("75")]);
}

#[test]
fn a_notice_from_a_sibling_province_is_refused() {
    let mut fed = Federation::new();
    let sibling = fed.ca79.leaf("79");
    let n = returned_by(&sibling, "79.26734");
    let e = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_signer", "{e}");
    // Even signed by hand for a 75 commune (Notice::sign refuses to make it).
    let mut body = n.body.clone();
    body.addressee = Addressee::Unit {
        unit: unit(COMMUNE),
    };
    assert!(Notice::sign(body.clone(), &sibling.signer()).is_err());
    let forged = Notice {
        signatures: BoundedVec::parse(vec![sibling
            .signer()
            .sign_detached(TYP_NOTICE, &encode(&body))])
        .unwrap(),
        body,
    };
    let e = forged
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_signer", "{e}");
}

#[test]
fn a_relay_by_a_stranger_is_refused() {
    let mut fed = Federation::new();
    let nation = fed.root.intermediate("VN").leaf("VN");
    let stranger = fed.ca79.leaf("79");
    let mut n = returned_by(&nation, COMMUNE);
    n.countersign(&stranger.signer()).unwrap();
    let e = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_signer", "{e}");
}

#[test]
fn a_foreign_root_a_revoked_issuer_and_a_tampered_body_are_refused() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let mut rogue = Federation::new();
    let e = returned_by(&rogue.ca75.leaf("75"), COMMUNE)
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "untrusted_certificate", "{e}");

    let n = returned_by(&province, COMMUNE);
    let revoked = fed
        .trust()
        .with_crls(&[fed.ca75.crl(&[province.serial])])
        .unwrap();
    let e = n
        .verify_for(&revoked, unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "revoked", "{e}");

    let mut tampered = n.clone();
    tampered.body.payload["verdict"] = "accepted".into();
    let e = tampered
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap_err();
    assert_eq!(e.code(), "bad_signature", "{e}");
}

#[test]
fn a_notice_for_another_unit_is_refused_and_a_parent_may_hold_it_for_its_subtree() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let n = returned_by(&province, COMMUNE);
    let e = n
        .verify_for(&fed.trust(), unix(NOW), &unit("75.26044"))
        .unwrap_err();
    assert_eq!(e.code(), "wrong_signer", "{e}");
    // A commune's agency is under it; the commune itself is not under its agency.
    let nation = fed.root.intermediate("VN").leaf("VN");
    let n = returned_by(&nation, COMMUNE);
    assert!(n.verify_for(&fed.trust(), unix(NOW), &unit("75")).is_ok());
}

#[test]
fn a_return_without_a_reason_cannot_be_signed() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    for reason in [None, Some("   ")] {
        let body = NoticeBody::review(
            NoticeId::random(),
            province.unit.clone(),
            at("2026-12-08T10:00:00+07:00"),
            review(COMMUNE, Verdict::Returned, reason),
        );
        let e = Notice::sign(body, &province.signer()).unwrap_err();
        assert!(
            e.iter()
                .any(|x| x.to_string().contains("body.payload.reason")),
            "{e}"
        );
    }
    let ok = NoticeBody::review(
        NoticeId::random(),
        province.unit.clone(),
        at("2026-12-08T10:00:00+07:00"),
        review(COMMUNE, Verdict::Accepted, None),
    );
    assert!(Notice::sign(ok, &province.signer()).is_ok());
}

#[test]
fn a_kind_this_version_does_not_know_still_verifies_and_is_kept() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let body = NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: province.unit.clone(),
        addressee: Addressee::Subtree { root: unit("75") },
        issued_at: at("2026-12-08T10:00:00+07:00"),
        kind: NoticeKind::parse("bulletin").unwrap(),
        payload: serde_json::json!({"so_ky_hieu": "12/KH-BCĐ", "can_quan_triet": true}),
    };
    let n = Notice::sign(body, &province.signer()).unwrap();
    let v = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap();
    assert_eq!(
        v.content,
        NoticeContent::Unknown(NoticeKind::parse("bulletin").unwrap())
    );
}

#[test]
fn notice_kinds_and_addressees_are_bounded_on_decode() {
    assert!(NoticeKind::parse("Review").is_err());
    assert!(NoticeKind::parse(&"a".repeat(33)).is_err());
    assert!(NoticeKind::parse("rule_pack").is_ok());
    let too_many: Vec<String> = (0..=MAX_ADDRESSEES)
        .map(|i| format!("75.{:05}", i))
        .collect();
    let raw = serde_json::json!({"scope": "list", "units": too_many});
    assert!(decode::<Addressee>(raw.to_string().as_bytes()).is_err());
    let raw = serde_json::json!({"scope": "unit", "unit": "75.26041", "extra": 1});
    assert!(decode::<Addressee>(raw.to_string().as_bytes()).is_err());
}

fn arb_unit() -> impl Strategy<Value = UnitId> {
    prop_oneof![
        Just("VN".to_string()),
        Just("TW".to_string()),
        Just("TW/bo-ngoai-giao".to_string()),
        (74u8..77).prop_map(|p| p.to_string()),
        (74u8..77, 26040u32..26043).prop_map(|(p, c)| format!("{p}.{c}")),
        (74u8..77, 26040u32..26043).prop_map(|(p, c)| format!("{p}.{c}/cong-an-xa")),
        (74u8..77).prop_map(|p| format!("{p}/so-noi-vu")),
    ]
    .prop_map(|s| UnitId::parse(&s).unwrap())
}

fn arb_addressee() -> impl Strategy<Value = Addressee> {
    let tiers = prop_oneof![
        Just(Tier::Province),
        Just(Tier::Commune),
        Just(Tier::Agency)
    ];
    prop_oneof![
        arb_unit().prop_map(|unit| Addressee::Unit { unit }),
        arb_unit().prop_map(|root| Addressee::Subtree { root }),
        (arb_unit(), tiers).prop_map(|(within, tier)| Addressee::Tier { within, tier }),
        proptest::collection::vec(arb_unit(), 1..5).prop_map(|u| Addressee::List {
            units: BoundedVec::parse(u).unwrap()
        }),
    ]
}

proptest! {
    /// A unit that is addressed is also reached by "under" (a parent relays what its child
    /// will apply); an addressee valid for an issuer never reaches the issuer or outside it.
    #[test]
    fn addressee_rules_agree(a in arb_addressee(), issuer in arb_unit(), u in arb_unit()) {
        if a.reaches(&u) {
            prop_assert!(a.reaches_under(&u));
            let mut p = u.parent();
            while let Some(x) = p {
                prop_assert!(a.reaches_under(&x), "{x} is above addressed {u}");
                p = x.parent();
            }
        }
        if a.check_under(&issuer).is_ok() && a.reaches(&u) {
            prop_assert!(issuer.contains(&u));
        }
        let round: Addressee = decode(&encode(&a)).unwrap();
        prop_assert_eq!(round, a);
    }
}

#[test]
fn a_trust_notice_carries_crls_and_refuses_what_is_not_der() {
    let mut fed = Federation::new();
    let province = fed.ca75.leaf("75");
    let crl = fed.ca75.crl(&[7]);
    let body = |payload: serde_json::Value| NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: province.unit.clone(),
        addressee: Addressee::Subtree { root: unit("75") },
        issued_at: at("2026-12-08T10:00:00+07:00"),
        kind: NoticeKind::parse(NoticeKind::TRUST).unwrap(),
        payload,
    };
    let good = serde_json::to_value(TrustUpdate {
        crls: BoundedVec::parse(vec![DerBase64::of(&crl)]).unwrap(),
    })
    .unwrap();
    let n = Notice::sign(body(good), &province.signer()).unwrap();
    let v = n
        .verify_for(&fed.trust(), unix(NOW), &unit(COMMUNE))
        .unwrap();
    let NoticeContent::Trust(t) = v.content else {
        panic!("not a trust notice")
    };
    assert_eq!(t.crls.as_slice()[0].der(), crl);
    for bad in [
        serde_json::json!({"crls": ["not base64!"]}),
        serde_json::json!({"crls": [""]}),
        serde_json::json!({"crl": []}),
    ] {
        assert!(
            Notice::sign(body(bad.clone()), &province.signer()).is_err(),
            "{bad}"
        );
    }
}
