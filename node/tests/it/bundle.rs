//! The air-gapped path: a report above the link's classification is exported into an
//! encrypted, signed transfer bundle; the aggregator opens it with its certificate key and
//! answers with a receipt bundle; importing it marks the report delivered.

use std::os::unix::fs::PermissionsExt as _;

use node::bundle::{ReceiptBundle, TransferBundle, RECEIPTS_FORMAT};
use node::tls::TlsMaterial;
use schema::*;

use crate::support::federation::{submission, Federation};

const UNIT: &str = "75.26041";

fn agg_pkcs8(fed: &Federation) -> Vec<u8> {
    match config::pki::load_private_key(&fed.aggregator.key).unwrap() {
        rustls_pki_types::PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
        _ => panic!("not pkcs8"),
    }
}

fn run_ok(inst: &crate::support::federation::Installation, args: &[&str]) -> String {
    let out = inst.cli(args);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{args:?}: {text}");
    text
}

#[test]
fn held_report_travels_by_bundle_and_comes_back_with_a_receipt() {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 9, "mat");
    let node = inst.open();
    let sent = inst.queue(
        &node,
        vec![submission(
            UNIT,
            ReportKind::AnnualReport,
            Classification::ToiMat,
        )],
    );
    let out_file = fed.dir.path().join("usb-bundle.json");
    let chain = fed.aggregator.chain.to_str().unwrap().to_string();
    let text = run_ok(
        &inst,
        &[
            "export-bundle",
            "--recipient",
            &chain,
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    assert!(text.contains("exported 1 reports"), "{text}");
    assert_eq!(
        std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let raw = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        !raw.contains("Tình hình ổn định"),
        "the bundle must not carry report text in clear"
    );
    assert!(
        !raw.contains(sent[0].body.report_id.as_str()),
        "nor report ids"
    );

    // The aggregator's side.
    let agg = TlsMaterial::load(&fed.aggregator_tls()).unwrap();
    let bundle: TransferBundle = decode(raw.as_bytes()).unwrap();
    let envs = bundle
        .open(
            &UnitId::parse("75").unwrap(),
            &agg_pkcs8(&fed),
            &agg.trust().unwrap(),
            UnixTime::now(),
        )
        .unwrap();
    assert_eq!(envs, sent);
    let receipts: Vec<Receipt> = envs
        .iter()
        .map(|e| {
            e.verify(&agg.trust().unwrap(), UnixTime::now()).unwrap();
            Receipt::sign(
                ReceiptBody {
                    protocol: Protocol::V1,
                    report_id: e.body.report_id.clone(),
                    digest: e.digest(),
                    unit: e.body.unit.clone(),
                    receiver: UnitId::parse("75").unwrap(),
                    received_at: chrono::DateTime::parse_from_rfc3339("2026-12-06T10:00:00+07:00")
                        .unwrap(),
                    outcome: ReceiptOutcome::Accepted,
                },
                &agg.signer().unwrap(),
            )
            .unwrap()
        })
        .collect();
    let rb = ReceiptBundle {
        format: RECEIPTS_FORMAT.into(),
        from: UnitId::parse("75").unwrap(),
        to: UnitId::parse(UNIT).unwrap(),
        receipts: BoundedVec::parse(receipts).unwrap(),
        notices: vec![],
    };
    let rb_file = fed.dir.path().join("receipts.json");
    std::fs::write(&rb_file, encode(&rb)).unwrap();

    let text = run_ok(
        &inst,
        &["import-receipts", "--in", rb_file.to_str().unwrap()],
    );
    assert!(text.contains("imported 1 receipts"), "{text}");
    assert_eq!(inst.outbox_counts(&node).get("delivered"), Some(&1));
    assert_eq!(
        node::db::receipts::count(&mut node.pool.get().unwrap()).unwrap(),
        1
    );
}

#[test]
fn tampered_or_misaddressed_bundle_is_refused() {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 9, "mat");
    let node = inst.open();
    inst.queue(
        &node,
        vec![submission(
            UNIT,
            ReportKind::AnnualReport,
            Classification::ToiMat,
        )],
    );
    let out_file = fed.dir.path().join("b.json");
    run_ok(
        &inst,
        &[
            "export-bundle",
            "--recipient",
            fed.aggregator.chain.to_str().unwrap(),
            "--out",
            out_file.to_str().unwrap(),
        ],
    );
    let agg = TlsMaterial::load(&fed.aggregator_tls()).unwrap();
    let trust = agg.trust().unwrap();
    let bundle: TransferBundle = decode(&std::fs::read(&out_file).unwrap()).unwrap();

    let mut tampered = bundle.clone();
    let mut jwe = tampered.body.jwe.into_bytes();
    let i = jwe.len() / 2;
    jwe[i] = if jwe[i] == b'A' { b'B' } else { b'A' };
    tampered.body.jwe = String::from_utf8(jwe).unwrap();
    let e = tampered
        .open(
            &UnitId::parse("75").unwrap(),
            &agg_pkcs8(&fed),
            &trust,
            UnixTime::now(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("signature"), "{e}");

    let e = bundle
        .open(
            &UnitId::parse("79").unwrap(),
            &agg_pkcs8(&fed),
            &trust,
            UnixTime::now(),
        )
        .unwrap_err();
    assert!(e.to_string().contains("not for 79"), "{e}");
}

#[test]
fn export_refuses_a_recipient_outside_the_national_pki() {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 9, "mat");
    let node = inst.open();
    inst.queue(
        &node,
        vec![submission(
            UNIT,
            ReportKind::AnnualReport,
            Classification::ToiMat,
        )],
    );
    let rogue = Federation::new();
    let out = inst.cli(&[
        "export-bundle",
        "--recipient",
        rogue.aggregator.chain.to_str().unwrap(),
        "--out",
        fed.dir.path().join("x.json").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a valid aggregator certificate"), "{err}");
    assert!(!fed.dir.path().join("x.json").exists());
}
