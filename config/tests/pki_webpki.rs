//! The PKI's output accepted by rustls-webpki, the verifier the product's TLS uses: chains for
//! client and server auth, server names, and a CRL that rejects a revoked leaf.

mod pki_support;

use std::path::Path;

use config::pki::{load_certs, load_crls, LeafRequest, Overwrite, RevokeReason};
use pki_support::{federation, unit};
use rustls_pki_types::{ServerName, UnixTime};
use webpki::{
    anchor_from_trusted_cert, CertRevocationList, EndEntityCert, KeyUsage, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

/// Verifies `chain` (leaf + intermediate) up to `root` for `usage`, with `crl` if given
/// (an unknown revocation status is an error then).
fn webpki_verify(
    root: &Path,
    chain: &Path,
    crl: Option<&Path>,
    usage: KeyUsage,
) -> Result<(), webpki::Error> {
    let root_der = load_certs(root).unwrap().remove(0);
    let anchors = vec![anchor_from_trusted_cert(&root_der).unwrap().to_owned()];
    let chain = load_certs(chain).unwrap();
    let ee = EndEntityCert::try_from(&chain[0]).unwrap();
    let crls: Vec<CertRevocationList<'_>> = crl
        .map(|p| load_crls(p).unwrap())
        .unwrap_or_default()
        .iter()
        .map(|der| OwnedCertRevocationList::from_der(der).unwrap().into())
        .collect();
    let refs: Vec<&CertRevocationList<'_>> = crls.iter().collect();
    let revocation = (!refs.is_empty()).then(|| {
        RevocationOptionsBuilder::new(&refs)
            .unwrap()
            .with_depth(RevocationCheckDepth::EndEntity)
            .with_status_policy(UnknownStatusPolicy::Deny)
            .build()
    });
    ee.verify_for_usage(
        &[webpki::aws_lc_rs::ED25519],
        &anchors,
        &chain[1..],
        UnixTime::now(),
        usage,
        revocation,
        None,
    )
    .map(|_| ())
}

#[test]
fn chains_and_crls_are_accepted_by_rustls_webpki() {
    let f = federation();
    let root = f.root.cert_path();
    let node = f
        .dong_nai
        .issue_leaf(
            &LeafRequest::node(unit("75.26041")),
            &f.certs,
            "node",
            Overwrite::Refuse,
        )
        .unwrap();
    let req = LeafRequest::aggregator(unit("75"))
        .with_dns("localhost")
        .with_ip("127.0.0.1".parse().unwrap());
    let agg = f
        .dong_nai
        .issue_leaf(&req, &f.certs, "agg", Overwrite::Refuse)
        .unwrap();

    webpki_verify(&root, &node.chain, None, KeyUsage::client_auth()).unwrap();
    assert!(webpki_verify(&root, &node.chain, None, KeyUsage::server_auth()).is_err());
    webpki_verify(&root, &agg.chain, None, KeyUsage::server_auth()).unwrap();
    webpki_verify(&root, &agg.chain, None, KeyUsage::client_auth()).unwrap();
    let agg_der = load_certs(&agg.cert).unwrap().remove(0);
    let ee = EndEntityCert::try_from(&agg_der).unwrap();
    for name in ["localhost", "127.0.0.1"] {
        ee.verify_is_valid_for_subject_name(&ServerName::try_from(name).unwrap())
            .unwrap();
    }

    let crl = f.dong_nai.write_crl().unwrap().path;
    webpki_verify(&root, &node.chain, Some(&crl), KeyUsage::client_auth()).unwrap();
    f.dong_nai
        .revoke(&node.serial, RevokeReason::KeyCompromise)
        .unwrap();
    let crl = f.dong_nai.write_crl().unwrap().path;
    let e = webpki_verify(&root, &node.chain, Some(&crl), KeyUsage::client_auth()).unwrap_err();
    assert!(matches!(e, webpki::Error::CertRevoked), "{e:?}");
    webpki_verify(&root, &agg.chain, Some(&crl), KeyUsage::client_auth()).unwrap();
}
