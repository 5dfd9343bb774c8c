//! End-to-end tests of `config::pki` revocation and signing requests, checked with the
//! independent `openssl` 3 CLI (CRL content, `verify -crl_check`, `req -verify`).

mod pki_support;

use std::fs;

use config::pki::{
    assemble_identity, generate_csr, inspect_file, load_certs, load_crls, load_private_key,
    LeafRequest, Overwrite, PkiError, RevocationState, RevokeReason, Role, Serial,
};
use pki_support::{federation, mode, openssl, unit, verify};

#[test]
fn revoked_leaf_is_listed_in_crl_and_fails_openssl_crl_check() {
    let f = federation();
    let bad = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("75.26041")),
            &f.certs,
            "bad",
            Overwrite::Refuse,
        )
        .unwrap();
    let good = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("75.26044")),
            &f.certs,
            "good",
            Overwrite::Refuse,
        )
        .unwrap();
    let first_crl = f.dong_nai.write_crl().unwrap();
    assert_eq!(first_crl.revoked, 0);

    let serial = Serial::of_cert_file(&bad.cert).unwrap();
    assert_eq!(serial, bad.serial);
    let r = f
        .dong_nai
        .revoke(&serial, RevokeReason::KeyCompromise)
        .unwrap();
    assert!(r.newly_revoked);
    assert_eq!(r.entry.unit, unit("75.26041"));
    assert!(
        !f.dong_nai
            .revoke(&serial, RevokeReason::Superseded)
            .unwrap()
            .newly_revoked
    );
    let crl = f.dong_nai.write_crl().unwrap();
    assert_eq!(crl.revoked, 1);
    assert!(crl.number > first_crl.number);

    let crl_path = crl.path.to_str().unwrap();
    let (ok, text) = openssl(&["crl", "-in", crl_path, "-noout", "-text"]);
    assert!(ok, "{text}");
    assert!(
        text.contains(&serial.to_string()),
        "{serial} not in:\n{text}"
    );
    assert!(text.contains("Key Compromise"), "{text}");
    assert!(!text.contains(&good.serial.to_string()));

    let root_crt = f.root.dir().join("root.crt.pem");
    let ca_crt = f.dong_nai.dir().join("ca.crt.pem");
    let check = ["-crl_check", "-CRLfile", crl_path];
    let (ok, out) = verify(&root_crt, &ca_crt, &bad.cert, &check);
    assert!(!ok, "a revoked leaf must fail: {out}");
    assert!(out.contains("revoked"), "{out}");
    let (ok, out) = verify(&root_crt, &ca_crt, &good.cert, &check);
    assert!(ok, "{out}");

    let crls = load_crls(&crl.path).unwrap();
    let state = inspect_file(&bad.cert).unwrap().revocation(&crls).unwrap();
    assert!(
        matches!(state, RevocationState::Revoked { .. }),
        "{state:?}"
    );
    let state = inspect_file(&good.cert).unwrap().revocation(&crls).unwrap();
    assert!(
        matches!(state, RevocationState::NotRevoked { .. }),
        "{state:?}"
    );
    // The root's CRL says nothing about a leaf of province 75.
    let root_crls = load_crls(&f.root.crl_path()).unwrap();
    let state = inspect_file(&good.cert)
        .unwrap()
        .revocation(&root_crls)
        .unwrap();
    assert_eq!(state, RevocationState::NoCrlFromIssuer);

    // A serial this CA never issued.
    let e = f
        .dong_nai
        .revoke(&"4ABC".parse().unwrap(), RevokeReason::Unspecified)
        .unwrap_err();
    assert!(matches!(e, PkiError::UnknownSerial { .. }), "{e}");
    // The root can revoke the intermediate it issued.
    let ca_serial = Serial::of_cert_file(&ca_crt).unwrap();
    f.root
        .revoke(&ca_serial, RevokeReason::CaCompromise)
        .unwrap();
    assert_eq!(f.root.write_crl().unwrap().revoked, 1);
}

#[test]
fn csr_round_trip() {
    let f = federation();
    let node_dir = f.certs.join("node");
    let csr = generate_csr(
        &unit("75.26041"),
        &["node.example.vn".into()],
        &[],
        &node_dir,
        "node",
        Overwrite::Refuse,
    )
    .unwrap();
    assert_eq!(mode(&csr.key), 0o600);
    let pem = fs::read_to_string(&csr.csr).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE REQUEST-----"));
    let (ok, out) = openssl(&["req", "-in", csr.csr.to_str().unwrap(), "-noout", "-verify"]);
    assert!(ok, "{out}");

    let signed = f
        .dong_nai
        .sign_csr(&pem, Role::Node, &node_dir, Some("node"), Overwrite::Refuse)
        .unwrap();
    assert_eq!(signed.unit, unit("75.26041"));
    let info = inspect_file(&signed.cert).unwrap();
    assert_eq!(info.unit, Some(unit("75.26041")));
    assert_eq!(info.dns, vec!["node.example.vn"]);
    assert_eq!(info.usages, vec!["clientAuth", "serverAuth"]);
    let (ok, out) = verify(
        &f.root.dir().join("root.crt.pem"),
        &f.dong_nai.dir().join("ca.crt.pem"),
        &signed.cert,
        &[],
    );
    assert!(ok, "{out}");
    assert!(f
        .dong_nai
        .issued()
        .unwrap()
        .iter()
        .any(|e| e.serial == signed.serial));

    let identity = assemble_identity(&node_dir, "node", Overwrite::Refuse).unwrap();
    assert_eq!(mode(&identity), 0o600);
    assert_eq!(load_certs(&identity).unwrap().len(), 2);
    load_private_key(&identity).unwrap();

    // Another province's CA refuses it; garbage is refused with a reason.
    let tmp = tempfile::tempdir().unwrap();
    let hcm = f
        .root
        .issue_intermediate(&unit("79"), tmp.path(), Overwrite::Refuse)
        .unwrap();
    let e = hcm
        .sign_csr(&pem, Role::Node, tmp.path(), None, Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::OutOfScope { .. }), "{e}");
    let e = f
        .dong_nai
        .sign_csr("not a csr", Role::Node, tmp.path(), None, Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::Csr { .. }), "{e}");

    // A key that does not belong to the chain is caught.
    let other = generate_csr(
        &unit("75.26041"),
        &[],
        &[],
        &tmp.path().join("o"),
        "node",
        Overwrite::Refuse,
    )
    .unwrap();
    fs::copy(&signed.chain, tmp.path().join("o").join("node.chain.pem")).unwrap();
    let e = assemble_identity(&tmp.path().join("o"), "node", Overwrite::Refuse).unwrap_err();
    assert!(matches!(e, PkiError::KeyMismatch { .. }), "{e}");
    assert!(other.key.exists());
}
