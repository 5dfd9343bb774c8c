//! The committed test vectors in `docs/vectors/`: each file, the time to verify it at, an
//! optional CRL, and the result it must give (`ok` or a `VerifyError` code).
//! Regenerate (new keys, so every file changes) with
//! `BMNN_REGENERATE_VECTORS=1 cargo test -p schema --test it vectors`.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use schema::*;
use serde::{Deserialize, Serialize};

use crate::fixture::Federation;
use crate::sample::*;

#[derive(Serialize, Deserialize)]
struct Case {
    file: String,
    /// `envelope` or `receipt`
    kind: String,
    verify_at: String,
    crl: Option<String>,
    /// For notices: the unit that verifies it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    receiver: Option<String>,
    expect: String,
    why: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/vectors")
}

fn pem(label: &str, der: &[u8]) -> String {
    let b = STANDARD.encode(der);
    let lines: Vec<&str> = b
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn unpem(text: &str) -> Vec<u8> {
    let b: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(b).unwrap()
}

fn check(case: &Case, dir: &Path) -> Result<(), VerifyError> {
    let root = unpem(&std::fs::read_to_string(dir.join("root.crt.pem")).unwrap());
    let mut trust = Trust::new(&[root]).unwrap();
    if let Some(crl) = &case.crl {
        trust = trust
            .with_crls(&[unpem(&std::fs::read_to_string(dir.join(crl)).unwrap())])
            .unwrap();
    }
    let bytes = std::fs::read(dir.join(&case.file)).unwrap();
    let at = unix(&case.verify_at);
    match case.kind.as_str() {
        "notice" => {
            let receiver = UnitId::parse(case.receiver.as_deref().unwrap_or_default())
                .map_err(|e| VerifyError::Malformed(e.to_string()))?;
            decode::<Notice>(&bytes)
                .map_err(|e| VerifyError::Malformed(e.to_string()))?
                .verify_for(&trust, at, &receiver)
                .map(|_| ())
        }
        "envelope" => decode::<Envelope>(&bytes)
            .map_err(|e| VerifyError::Malformed(e.to_string()))?
            .verify(&trust, at)
            .map(|_| ()),
        _ => decode::<Receipt>(&bytes)
            .map_err(|e| VerifyError::Malformed(e.to_string()))?
            .verify(&trust, at),
    }
}

#[test]
fn committed_vectors_give_their_expected_results() {
    if std::env::var_os("BMNN_REGENERATE_VECTORS").is_some() {
        regenerate(&dir());
    }
    let cases: Vec<Case> =
        serde_json::from_slice(&std::fs::read(dir().join("manifest.json")).unwrap()).unwrap();
    assert!(cases.len() >= 10);
    for case in &cases {
        let got = match check(case, &dir()) {
            Ok(()) => "ok".to_string(),
            Err(e) => e.code().to_string(),
        };
        assert_eq!(got, case.expect, "{}: {}", case.file, case.why);
    }
}

/// The shell recipe in docs/protocol.md verifies the valid vector with python3 and the
/// openssl CLI, and rejects the tampered one: an independent implementation agrees with ours.
#[test]
fn external_openssl_recipe_agrees() {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/verify-envelope.sh");
    let installed = std::process::Command::new("openssl")
        .arg("version")
        .output()
        .is_ok();
    assert!(
        installed,
        "the openssl CLI is missing: `apt-get install openssl` (Debian ships it)"
    );
    let run = |f: &str| {
        std::process::Command::new("bash")
            .arg(&script)
            .arg(dir().join(f))
            .arg(dir().join("root.crt.pem"))
            .output()
            .unwrap()
    };
    let ok = run("envelope-valid.json");
    assert!(
        ok.status.success(),
        "{}{}",
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("signature OK"));
    let bad = run("envelope-tampered-body.json");
    assert!(!bad.status.success(), "tampered body verified externally");
}

fn write_json<T: Serialize>(dir: &Path, name: &str, v: &T) {
    let mut s = serde_json::to_string_pretty(v).unwrap();
    s.push('\n');
    std::fs::write(dir.join(name), s).unwrap();
}

fn regenerate(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let mut fed = Federation::new();
    let unit = fed.ca75.leaf("75.26041");
    let province = fed.ca75.leaf("75");
    let revoked = fed.ca75.leaf("75.26044");
    let stranger = fed.ca79.leaf("79");
    std::fs::write(dir.join("root.crt.pem"), pem("CERTIFICATE", &fed.root.der)).unwrap();
    std::fs::write(
        dir.join("crl-75.pem"),
        pem("X509 CRL", &fed.ca75.crl(&[revoked.serial])),
    )
    .unwrap();

    let id = "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6";
    let valid = Envelope::sign(annual_submission("75.26041", id), &unit.signer()).unwrap();
    let mut counter = valid.clone();
    counter.countersign(&province.signer()).unwrap();
    let mut tampered_body = valid.clone();
    if let Payload::AnnualReport(r) = &mut tampered_body.body.payload {
        r.indicators = annual(&[], &[("so_vu_lo_mat", 1), ("so_lop_tap_huan", 2)]).indicators;
    }
    let mut tampered_sig = serde_json::to_value(&valid).unwrap();
    let sig = tampered_sig["signatures"][0].as_str().unwrap().to_string();
    let (h, s) = sig.split_once("..").unwrap();
    let mut raw = URL_SAFE_NO_PAD.decode(s).unwrap();
    raw[10] ^= 1;
    tampered_sig["signatures"][0] = format!("{h}..{}", URL_SAFE_NO_PAD.encode(raw)).into();
    let mut alg_none = serde_json::to_value(&valid).unwrap();
    let header = String::from_utf8(URL_SAFE_NO_PAD.decode(h).unwrap())
        .unwrap()
        .replace("EdDSA", "none");
    alg_none["signatures"][0] = format!("{}..{s}", URL_SAFE_NO_PAD.encode(header)).into();
    // Signed with 75.26041's key but claiming to be from 75.26044.
    let mut wrong = serde_json::to_value(&valid).unwrap();
    let mut body = annual_submission("75.26044", id);
    body.created_at = valid.body.created_at;
    wrong["body"] = serde_json::to_value(&body).unwrap();
    wrong["signatures"][0] = unit
        .signer()
        .sign_detached(TYP_SUBMISSION, &encode(&body))
        .as_str()
        .into();
    let revoked_env = Envelope::sign(annual_submission("75.26044", id), &revoked.signer()).unwrap();
    let mut rogue = Federation::new();
    let rogue_env = Envelope::sign(
        annual_submission("75.26041", id),
        &rogue.ca75.leaf("75.26041").signer(),
    )
    .unwrap();
    let mut strangers = valid.clone();
    strangers.countersign(&stranger.signer()).unwrap();
    let receipt = Receipt::sign(
        ReceiptBody {
            protocol: Protocol::V1,
            report_id: valid.body.report_id.clone(),
            digest: valid.digest(),
            unit: valid.body.unit.clone(),
            receiver: province.unit.clone(),
            received_at: at("2026-12-05T09:31:02+07:00"),
            outcome: ReceiptOutcome::Accepted,
        },
        &province.signer(),
    )
    .unwrap();
    let mut late_receipt = serde_json::to_value(&receipt).unwrap();
    late_receipt["body"]["received_at"] = "2026-12-04T09:31:02+07:00".into();

    let notices = notice_vectors(&mut fed, &valid);
    let mut files: Vec<(&str, serde_json::Value)> = vec![
        ("envelope-valid.json", serde_json::to_value(&valid).unwrap()),
        (
            "envelope-countersigned.json",
            serde_json::to_value(&counter).unwrap(),
        ),
        (
            "envelope-tampered-body.json",
            serde_json::to_value(&tampered_body).unwrap(),
        ),
        ("envelope-tampered-signature.json", tampered_sig),
        ("envelope-alg-none.json", alg_none),
        ("envelope-wrong-signer.json", wrong),
        (
            "envelope-revoked.json",
            serde_json::to_value(&revoked_env).unwrap(),
        ),
        (
            "envelope-other-root.json",
            serde_json::to_value(&rogue_env).unwrap(),
        ),
        (
            "envelope-countersigned-by-stranger.json",
            serde_json::to_value(&strangers).unwrap(),
        ),
        (
            "receipt-valid.json",
            serde_json::to_value(&receipt).unwrap(),
        ),
        ("receipt-backdated.json", late_receipt),
    ];
    files.extend(notices);
    for (name, v) in &files {
        write_json(dir, name, v);
    }
    let now = "2026-12-10T00:00:00Z";
    let case =
        |file: &str, kind: &str, crl: Option<&str>, at: &str, expect: &str, why: &str| Case {
            file: file.into(),
            kind: kind.into(),
            verify_at: at.into(),
            crl: crl.map(Into::into),
            expect: expect.into(),
            receiver: None,
            why: why.into(),
        };
    let mut manifest = vec![
        case(
            "envelope-valid.json",
            "envelope",
            Some("crl-75.pem"),
            now,
            "ok",
            "signed by 75.26041 under root",
        ),
        case(
            "envelope-valid.json",
            "envelope",
            None,
            "2046-06-01T00:00:00Z",
            "untrusted_certificate",
            "certificates expired on 2046-01-01",
        ),
        case(
            "envelope-countersigned.json",
            "envelope",
            Some("crl-75.pem"),
            now,
            "ok",
            "countersigned by the province 75",
        ),
        case(
            "envelope-tampered-body.json",
            "envelope",
            None,
            now,
            "bad_signature",
            "an indicator value changed after signing",
        ),
        case(
            "envelope-tampered-signature.json",
            "envelope",
            None,
            now,
            "bad_signature",
            "one bit of the signature flipped",
        ),
        case(
            "envelope-alg-none.json",
            "envelope",
            None,
            now,
            "malformed",
            "header alg changed to none",
        ),
        case(
            "envelope-wrong-signer.json",
            "envelope",
            None,
            now,
            "wrong_signer",
            "75.26041's key signing a report from 75.26044",
        ),
        case(
            "envelope-revoked.json",
            "envelope",
            Some("crl-75.pem"),
            now,
            "revoked",
            "75.26044's certificate is on the CRL",
        ),
        case(
            "envelope-revoked.json",
            "envelope",
            None,
            now,
            "ok",
            "without the CRL the same envelope verifies",
        ),
        case(
            "envelope-other-root.json",
            "envelope",
            None,
            now,
            "untrusted_certificate",
            "chain to a different root",
        ),
        case(
            "envelope-countersigned-by-stranger.json",
            "envelope",
            None,
            now,
            "wrong_signer",
            "countersigned by province 79, not above 75.26041",
        ),
        case(
            "receipt-valid.json",
            "receipt",
            Some("crl-75.pem"),
            now,
            "ok",
            "receipt from the province 75",
        ),
        case(
            "receipt-backdated.json",
            "receipt",
            None,
            now,
            "bad_signature",
            "received_at moved one day earlier",
        ),
    ];
    manifest.extend(notice_cases(now));
    write_json(dir, "manifest.json", &manifest);
}

/// A review from the nation relayed by 75 to 75.26041; one from province 79 to its own
/// commune presented to 75.26041; the first with its reason changed after signing.
fn notice_vectors(
    fed: &mut Federation,
    reviewed: &Envelope,
) -> Vec<(&'static str, serde_json::Value)> {
    let nation = fed.root.intermediate("VN").leaf("VN");
    let province = fed.ca75.leaf("75");
    let sibling = fed.ca79.leaf("79");
    let review = |unit: &str, reason: &str| Review {
        report_id: reviewed.body.report_id.clone(),
        digest: reviewed.digest(),
        unit: UnitId::parse(unit).unwrap(),
        report_kind: ReportKind::AnnualReport,
        period: reviewed.body.period,
        verdict: Verdict::Returned,
        reason: Some(Text::parse(reason).unwrap()),
        pointers: BoundedVec::parse(vec![Line::parse("section:c").unwrap()]).unwrap(),
    };
    let id = |s: &str| NoticeId::parse(s).unwrap();
    let issued = at("2026-12-08T10:00:00+07:00");
    let body = NoticeBody::review(
        id("0b6d7c1e-2f3a-4b5c-8d6e-7f8091a2b3c4"),
        nation.unit.clone(),
        issued,
        review("75.26041", "Mục c chưa nêu số lớp tập huấn."),
    );
    let mut relayed = Notice::sign(body, &nation.signer()).unwrap();
    relayed.countersign(&province.signer()).unwrap();
    let foreign = Notice::sign(
        NoticeBody::review(
            id("1c7e8d2f-3a4b-4c5d-9e6f-8091a2b3c4d5"),
            sibling.unit.clone(),
            issued,
            review("79.26734", "Thiếu phụ lục."),
        ),
        &sibling.signer(),
    )
    .unwrap();
    let mut tampered = serde_json::to_value(&relayed).unwrap();
    tampered["body"]["payload"]["reason"] = "Đã tiếp nhận.".into();
    vec![
        (
            "notice-review-relayed.json",
            serde_json::to_value(&relayed).unwrap(),
        ),
        (
            "notice-from-sibling-province.json",
            serde_json::to_value(&foreign).unwrap(),
        ),
        ("notice-tampered.json", tampered),
    ]
}

fn notice_cases(now: &str) -> Vec<Case> {
    let case = |file: &str, receiver: &str, expect: &str, why: &str| Case {
        file: file.into(),
        kind: "notice".into(),
        verify_at: now.into(),
        crl: Some("crl-75.pem".into()),
        receiver: Some(receiver.into()),
        expect: expect.into(),
        why: why.into(),
    };
    vec![
        case(
            "notice-review-relayed.json",
            "75.26041",
            "ok",
            "issued by VN, countersigned by 75",
        ),
        case(
            "notice-review-relayed.json",
            "79.26734",
            "wrong_signer",
            "75 is not a parent of 79.26734",
        ),
        case(
            "notice-from-sibling-province.json",
            "75.26041",
            "wrong_signer",
            "issued by province 79",
        ),
        case(
            "notice-tampered.json",
            "75.26041",
            "bad_signature",
            "the reason changed after signing",
        ),
    ]
}
