//! End-to-end tests of `config::pki` issuing: a federation built in a temp dir, the chain
//! checked with the independent `openssl` 3 CLI, the scope rules and the overwrite policy.

mod pki_support;

use std::fs;
use std::net::IpAddr;

use config::pki::{
    inspect_file, load_certs, load_private_key, CaDir, LeafRequest, Overwrite, PkiError,
};
use pki_support::{federation, mode, unit, verify};

#[test]
fn root_province_node_chain_verifies_with_openssl() {
    let f = federation();
    let leaf = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("75.26041")),
            &f.certs,
            "node-75.26041",
            Overwrite::Refuse,
        )
        .unwrap();

    for key in [
        f.root.dir().join("root.key.pem"),
        f.dong_nai.dir().join("ca.key.pem"),
        leaf.key.clone(),
        leaf.identity.clone(),
    ] {
        assert_eq!(mode(&key), 0o600, "{}", key.display());
    }

    let der = &load_certs(&leaf.cert).unwrap()[0];
    assert_eq!(schema::cert_unit_id(der).unwrap(), unit("75.26041"));
    assert_eq!(f.dong_nai.unit(), Some(&unit("75")));

    let root_crt = f.root.dir().join("root.crt.pem");
    let ca_crt = f.dong_nai.dir().join("ca.crt.pem");
    let (ok, out) = verify(&root_crt, &ca_crt, &leaf.cert, &["-purpose", "sslclient"]);
    assert!(ok, "{out}");
    assert!(out.contains(": OK"), "{out}");
    // The intermediate's copy of the root is the same trust anchor.
    assert_eq!(
        fs::read(&root_crt).unwrap(),
        fs::read(f.dong_nai.root_cert_path()).unwrap()
    );

    // What TLS sends and what reqwest loads.
    assert_eq!(load_certs(&leaf.chain).unwrap().len(), 2);
    let identity = fs::read_to_string(&leaf.identity).unwrap();
    assert!(identity.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(identity.matches("BEGIN CERTIFICATE").count(), 2);
    load_private_key(&leaf.key).unwrap();

    let info = inspect_file(&leaf.cert).unwrap();
    assert_eq!(info.unit, Some(unit("75.26041")));
    assert_eq!(info.serial, leaf.serial);
    assert_eq!(info.usages, vec!["clientAuth"]);
    assert!(!info.is_ca);
    let days = (info.not_after - info.not_before).num_days();
    assert!((729..=731).contains(&days), "{days}");
    assert!(info.subject.contains("75.26041"), "{}", info.subject);
    assert!(info.issuer.contains("BMNN CA 75"), "{}", info.issuer);
}

#[test]
fn aggregator_leaf_serves_tls_for_its_names() {
    let f = federation();
    let req = LeafRequest::aggregator(unit("75"))
        .with_dns("localhost")
        .with_ip("127.0.0.1".parse::<IpAddr>().unwrap());
    let leaf = f
        .dong_nai
        .issue_leaf(&req, &f.certs, &req.default_name(), Overwrite::Refuse)
        .unwrap();
    assert!(leaf.cert.ends_with("aggregator-75.crt.pem"));
    let root_crt = f.root.dir().join("root.crt.pem");
    let ca_crt = f.dong_nai.dir().join("ca.crt.pem");
    for extra in [
        &["-purpose", "sslserver", "-verify_hostname", "localhost"][..],
        &["-purpose", "sslserver", "-verify_ip", "127.0.0.1"][..],
        &["-purpose", "sslclient"][..],
    ] {
        let (ok, out) = verify(&root_crt, &ca_crt, &leaf.cert, extra);
        assert!(ok, "{extra:?}: {out}");
    }
    let (ok, _) = verify(
        &root_crt,
        &ca_crt,
        &leaf.cert,
        &["-verify_hostname", "evil.example"],
    );
    assert!(!ok);
    let info = inspect_file(&leaf.cert).unwrap();
    assert_eq!(info.usages, vec!["clientAuth", "serverAuth"]);
    assert_eq!(info.dns, vec!["localhost"]);
}

#[test]
fn ca_refuses_units_outside_its_subtree() {
    let f = federation();
    let out = &f.certs;
    let e = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("79.26734")),
            out,
            "x",
            Overwrite::Refuse,
        )
        .unwrap_err();
    assert!(matches!(e, PkiError::OutOfScope { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("79.26734") && msg.contains("province 79"),
        "{msg}"
    );
    assert!(
        !out.join("x.key.pem").exists(),
        "nothing is written on refusal"
    );

    // Its own subtree, including itself and its agencies, is fine.
    for (i, ok) in ["75", "75/so-noi-vu", "75.731.26041"].iter().enumerate() {
        f.dong_nai
            .issue_leaf(
                &LeafRequest::node(unit(ok)),
                out,
                &format!("ok{i}"),
                Overwrite::Refuse,
            )
            .unwrap();
    }

    // The root issues no leaves; an intermediate issues no intermediates; communes get none.
    let e = f
        .root
        .issue_leaf(
            &LeafRequest::node(unit("75.26041")),
            out,
            "y",
            Overwrite::Refuse,
        )
        .unwrap_err();
    assert!(matches!(e, PkiError::RootIssuesLeaf { .. }), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    let e = f
        .dong_nai
        .issue_intermediate(&unit("79"), tmp.path(), Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::NotRoot { .. }), "{e}");
    let e = f
        .root
        .issue_intermediate(&unit("75.26041"), tmp.path(), Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::NotACaUnit { .. }), "{e}");

    // TW issues under TW only; VN issues for VN only.
    let tw = f
        .root
        .issue_intermediate(&unit("TW"), &tmp.path().join("TW"), Overwrite::Refuse)
        .unwrap();
    tw.issue_leaf(
        &LeafRequest::node(unit("TW/bo-ngoai-giao")),
        out,
        "tw",
        Overwrite::Refuse,
    )
    .unwrap();
    assert!(tw
        .issue_leaf(
            &LeafRequest::node(unit("75")),
            out,
            "tw2",
            Overwrite::Refuse
        )
        .is_err());
    let vn = f
        .root
        .issue_intermediate(&unit("VN"), &tmp.path().join("VN"), Overwrite::Refuse)
        .unwrap();
    vn.issue_leaf(
        &LeafRequest::aggregator(unit("VN")),
        out,
        "vn",
        Overwrite::Refuse,
    )
    .unwrap();
    for other in ["75", "TW", "TW/bo-ngoai-giao"] {
        let e = vn
            .issue_leaf(
                &LeafRequest::node(unit(other)),
                out,
                "vn2",
                Overwrite::Refuse,
            )
            .unwrap_err();
        assert!(matches!(e, PkiError::OutOfScope { .. }), "{other}: {e}");
    }
}

#[test]
fn existing_keys_are_not_overwritten() {
    let f = federation();
    let e = CaDir::init_root(f.root.dir(), Overwrite::Refuse).unwrap_err();
    assert!(matches!(e, PkiError::Exists { .. }), "{e}");
    assert!(e.to_string().contains("--force"), "{e}");
    let e = f
        .root
        .issue_intermediate(&unit("75"), f.dong_nai.dir(), Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::Exists { .. }), "{e}");

    let req = LeafRequest::node(unit("75.26041"));
    let first = f
        .dong_nai
        .issue_leaf(&req, &f.certs, "n", Overwrite::Refuse)
        .unwrap();
    let key_before = fs::read(&first.key).unwrap();
    let e = f
        .dong_nai
        .issue_leaf(&req, &f.certs, "n", Overwrite::Refuse)
        .unwrap_err();
    assert!(matches!(e, PkiError::Exists { .. }), "{e}");
    assert_eq!(fs::read(&first.key).unwrap(), key_before);

    let second = f
        .dong_nai
        .issue_leaf(&req, &f.certs, "n", Overwrite::Force)
        .unwrap();
    assert_ne!(fs::read(&second.key).unwrap(), key_before);
    assert_eq!(mode(&second.key), 0o600);

    // Forcing a new root starts a new registry.
    let root = CaDir::init_root(f.root.dir(), Overwrite::Force).unwrap();
    assert!(root.issued().unwrap().is_empty());
}

#[test]
fn open_explains_what_is_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let e = CaDir::open(tmp.path()).unwrap_err();
    assert!(matches!(e, PkiError::NotACaDir { .. }), "{e}");
    assert!(e.to_string().contains("pki init-root"), "{e}");
}

/// Every private key file the product writes (root, provincial CA, leaf, identity, a unit's
/// own key made with its CSR) is one that OpenSSL 3.0 reads: PKCS#8 v1 (RFC 8410), the same
/// key the certificate holds.
#[test]
fn every_key_file_written_is_read_by_openssl() {
    let f = federation();
    let leaf = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("75.26041")),
            &f.certs,
            "node-75.26041",
            Overwrite::Refuse,
        )
        .unwrap();
    let csr = config::pki::generate_csr(
        &unit("75.26044"),
        &[],
        &[],
        &f.certs,
        "node-75.26044",
        Overwrite::Refuse,
    )
    .unwrap();
    for key in [
        f.root.dir().join("root.key.pem"),
        f.dong_nai.dir().join("ca.key.pem"),
        leaf.key.clone(),
        leaf.identity.clone(),
        csr.key.clone(),
    ] {
        let path = key.to_str().unwrap();
        let (ok, out) = pki_support::openssl(&["pkey", "-in", path, "-noout"]);
        assert!(ok, "openssl pkey {path}: {out}");
        let der = fs::read_to_string(&key).unwrap();
        assert!(der.starts_with("-----BEGIN PRIVATE KEY-----"), "{path}");
    }
    // The key is the certificate's: OpenSSL derives the same public key from both.
    let (ok, from_key) =
        pki_support::openssl(&["pkey", "-in", leaf.key.to_str().unwrap(), "-pubout"]);
    assert!(ok, "{from_key}");
    let (ok, from_cert) = pki_support::openssl(&[
        "x509",
        "-in",
        leaf.cert.to_str().unwrap(),
        "-noout",
        "-pubkey",
    ]);
    assert!(ok, "{from_cert}");
    assert_eq!(from_key, from_cert);
}
