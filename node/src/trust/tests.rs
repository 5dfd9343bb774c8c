//! `LiveTrust` on real CA directories: CRLs read from a directory, a revocation picked up
//! after the interval without a new `LiveTrust`, a half-copied file leaving the last good set
//! in use, and the stale policy.

use std::path::Path;

use config::pki::{load_certs, CaDir, LeafRequest, Overwrite, RevokeReason, Serial};
use config::settings::{CrlStalePolicy, TlsSection};
use schema::UnitId;

use super::LiveTrust;

struct Pki {
    _dir: tempfile::TempDir,
    root: CaDir,
    ca75: CaDir,
    ca79: CaDir,
    crls: std::path::PathBuf,
}

fn pki() -> Pki {
    let dir = tempfile::tempdir().unwrap();
    let root = CaDir::init_root(&dir.path().join("root"), Overwrite::Refuse).unwrap();
    let ca = |u: &str| {
        root.issue_intermediate(
            &UnitId::parse(u).unwrap(),
            &dir.path().join(u),
            Overwrite::Refuse,
        )
        .unwrap()
    };
    let (ca75, ca79) = (ca("75"), ca("79"));
    let crls = dir.path().join("crls");
    std::fs::create_dir_all(&crls).unwrap();
    Pki {
        root,
        ca75,
        ca79,
        crls,
        _dir: dir,
    }
}

fn publish(ca: &CaDir, into: &Path, name: &str) {
    ca.write_crl().unwrap();
    std::fs::copy(ca.crl_path(), into.join(name)).unwrap();
}

fn live(p: &Pki, interval: u64, stale: CrlStalePolicy) -> LiveTrust {
    let mut tls = TlsSection::new(
        p.root.cert_path(),
        p.root.cert_path(),
        p.root.cert_path(),
        Some(p.crls.clone()),
    );
    tls.crl_reload_secs = interval;
    tls.crl_stale = stale;
    let root = load_certs(&p.root.cert_path()).unwrap().remove(0);
    LiveTrust::load(root, &tls, None).unwrap()
}

fn leaf_chain(ca: &CaDir, unit: &str, dir: &Path) -> (Vec<Vec<u8>>, Serial) {
    let f = ca
        .issue_leaf(
            &LeafRequest::node(UnitId::parse(unit).unwrap()),
            dir,
            &unit.replace('.', "_"),
            Overwrite::Refuse,
        )
        .unwrap();
    let chain = load_certs(&f.chain)
        .unwrap()
        .iter()
        .map(|c| c.to_vec())
        .collect();
    (chain, f.serial)
}

#[test]
fn a_directory_of_crls_is_read_and_a_revocation_is_picked_up_while_running() {
    let p = pki();
    publish(&p.ca75, &p.crls, "75.pem");
    publish(&p.ca79, &p.crls, "79.crl");
    std::fs::write(p.crls.join("README.txt"), "not a CRL").unwrap();
    let t = live(&p, 3600, CrlStalePolicy::Warn);
    assert_eq!(
        t.status().crls.len(),
        2,
        "both CAs' CRLs, the text file ignored"
    );
    let (chain, serial) = leaf_chain(&p.ca75, "75.26041", p.crls.parent().unwrap());
    let now = schema::UnixTime::now();
    assert!(t.current().verify_certificate(&chain, now).is_ok());

    p.ca75.revoke(&serial, RevokeReason::KeyCompromise).unwrap();
    publish(&p.ca75, &p.crls, "75.pem");
    // Not before the interval: the look is due only once per crl_reload_secs.
    assert!(t.current().verify_certificate(&chain, now).is_ok());
    assert!(t.reload().unwrap(), "the changed file is read again");
    let e = t.current().verify_certificate(&chain, now).unwrap_err();
    assert_eq!(e.code(), "revoked");
    assert!(!t.reload().unwrap(), "nothing changed since");
}

#[test]
fn a_half_copied_crl_keeps_the_last_good_set() {
    let p = pki();
    publish(&p.ca75, &p.crls, "75.pem");
    let t = live(&p, 3600, CrlStalePolicy::Warn);
    std::fs::write(p.crls.join("75.pem"), "-----BEGIN X509 CRL-----\nMIIB").unwrap();
    assert!(t.reload().is_err());
    assert_eq!(t.status().crls.len(), 1, "the previous set is still in use");
}

#[test]
fn the_stale_policy_decides_between_a_warning_and_a_refusal() {
    let p = pki();
    publish(&p.ca75, &p.crls, "75.pem");
    let warn = live(&p, 3600, CrlStalePolicy::Warn);
    let refuse = live(&p, 3600, CrlStalePolicy::Refuse);
    assert!(warn.status().stale.is_empty() && refuse.fresh().is_ok());
    assert!(warn.status().warning_vi().is_none());
    // Eight days on, the CRL (valid seven) is past its next update.
    let later = chrono::Utc::now() + chrono::Duration::days(8);
    let status = warn.status_at(later);
    assert_eq!(status.stale.len(), 1);
    assert!(warn.fresh_at(later).is_ok(), "warn keeps using it");
    assert!(status
        .warning_vi()
        .unwrap()
        .contains("vẫn dùng bản cuối cùng"));
    assert!(
        status.lines().iter().any(|l| l.contains("WARNING")),
        "{:?}",
        status.lines()
    );
    let e = refuse.fresh_at(later).unwrap_err();
    assert!(e.contains("past its next update"), "{e}");
    assert!(refuse
        .status_at(later)
        .warning_vi()
        .unwrap()
        .contains("từ chối mọi chữ ký"));
}
