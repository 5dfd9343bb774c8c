//! `bmnn-node pki …` driven as a user would: a whole session from the root to a CRL, the
//! CSR flow, and the refusals (bad unit id, out-of-scope unit, existing key).

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

fn bmnn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bmnn-node"))
        .args(args)
        .output()
        .expect("run bmnn-node")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs and asserts success; returns stdout.
fn ok(args: &[&str]) -> String {
    let out = bmnn(args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{args:?} failed:\n{stdout}{stderr}");
    stdout
}

/// Runs and asserts exit code 1 (a refused command, not a crash); returns stderr.
fn fails(args: &[&str]) -> String {
    let out = bmnn(args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}:\n{stdout}{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn pki_session_from_root_to_crl() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let ca = tmp.path().join("ca-75");
    let certs = tmp.path().join("certs");

    let out = ok(&["pki", "init-root", "--dir", s(&root)]);
    assert!(out.contains("root CA created"), "{out}");
    assert_eq!(mode(&root.join("root.key.pem")), 0o600);

    let out = ok(&[
        "pki",
        "issue-ca",
        "--root",
        s(&root),
        "--unit",
        "75",
        "--out",
        s(&ca),
    ]);
    assert!(out.contains("CA of unit 75"), "{out}");
    assert_eq!(mode(&ca.join("ca.key.pem")), 0o600);

    let out = ok(&[
        "pki",
        "issue",
        "--ca",
        s(&ca),
        "--unit",
        "75.26041",
        "--out",
        s(&certs),
    ]);
    assert!(
        out.contains("node certificate issued for unit 75.26041"),
        "{out}"
    );
    let node_crt = certs.join("node-75.26041.crt.pem");
    for f in ["key", "identity"] {
        assert_eq!(
            mode(&certs.join(format!("node-75.26041.{f}.pem"))),
            0o600,
            "{f}"
        );
    }
    assert!(certs.join("node-75.26041.chain.pem").exists());

    let out = ok(&[
        "pki",
        "issue",
        "--ca",
        s(&ca),
        "--unit",
        "75",
        "--role",
        "aggregator",
        "--dns",
        "localhost",
        "--ip",
        "127.0.0.1",
        "--out",
        s(&certs),
    ]);
    assert!(
        out.contains("aggregator certificate issued for unit 75"),
        "{out}"
    );
    let agg_crt = certs.join("aggregator-75.crt.pem");

    let out = ok(&["pki", "show", s(&agg_crt)]);
    assert!(out.contains("unit:       75 "), "{out}");
    assert!(out.contains("DNS:localhost, IP:127.0.0.1"), "{out}");
    assert!(out.contains("clientAuth, serverAuth"), "{out}");
    assert!(out.contains("BMNN CA 75"), "{out}");
    assert!(out.contains("revocation: not checked"), "{out}");

    let shown = ok(&["pki", "show", s(&node_crt)]);
    let serial = shown
        .lines()
        .find_map(|l| l.strip_prefix("serial:"))
        .unwrap()
        .trim()
        .to_string();
    assert!(shown.contains("unit:       75.26041"), "{shown}");

    let out = ok(&[
        "pki",
        "revoke",
        "--ca",
        s(&ca),
        "--cert",
        s(&node_crt),
        "--reason",
        "key-compromise",
    ]);
    assert!(out.contains(&format!("revoked {serial}")), "{out}");
    assert!(out.contains("1 revoked"), "{out}");
    let out = ok(&["pki", "revoke", "--ca", s(&ca), "--serial", &serial]);
    assert!(out.contains("already revoked"), "{out}");

    let out = ok(&["pki", "crl", "--ca", s(&ca)]);
    assert!(out.contains("CRL #") && out.contains("1 revoked"), "{out}");

    let crl = ca.join("crl.pem");
    let out = ok(&["pki", "show", s(&node_crt), "--crl", s(&crl)]);
    assert!(out.contains("revocation: REVOKED"), "{out}");
    let out = ok(&["pki", "show", s(&agg_crt), "--crl", s(&crl)]);
    assert!(out.contains("revocation: not revoked"), "{out}");
    let out = ok(&[
        "pki",
        "show",
        s(&agg_crt),
        "--crl",
        s(&root.join("crl.pem")),
    ]);
    assert!(out.contains("revocation: unknown"), "{out}");
}

#[test]
fn csr_sign_identity_flow() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, ca, unit_dir, ca_out) = (
        tmp.path().join("root"),
        tmp.path().join("ca"),
        tmp.path().join("unit"),
        tmp.path().join("signed"),
    );
    ok(&["pki", "init-root", "--dir", s(&root)]);
    ok(&[
        "pki",
        "issue-ca",
        "--root",
        s(&root),
        "--unit",
        "75",
        "--out",
        s(&ca),
    ]);
    let out = ok(&[
        "pki",
        "csr",
        "--unit",
        "75/so-noi-vu",
        "--out",
        s(&unit_dir),
    ]);
    assert!(
        out.contains("signing request made for unit 75/so-noi-vu"),
        "{out}"
    );
    let csr = unit_dir.join("node-75_so-noi-vu.csr.pem");
    assert_eq!(mode(&unit_dir.join("node-75_so-noi-vu.key.pem")), 0o600);

    let out = ok(&[
        "pki",
        "sign",
        "--ca",
        s(&ca),
        "--csr",
        s(&csr),
        "--out",
        s(&ca_out),
    ]);
    assert!(
        out.contains("certificate issued for unit 75/so-noi-vu"),
        "{out}"
    );
    let chain = ca_out.join("node-75_so-noi-vu.chain.pem");
    fs::copy(&chain, unit_dir.join("node-75_so-noi-vu.chain.pem")).unwrap();
    let out = ok(&[
        "pki",
        "identity",
        "--dir",
        s(&unit_dir),
        "--name",
        "node-75_so-noi-vu",
    ]);
    assert!(out.contains("identity written"), "{out}");
    assert_eq!(
        mode(&unit_dir.join("node-75_so-noi-vu.identity.pem")),
        0o600
    );
}

#[test]
fn bad_unit_id_names_the_argument() {
    let tmp = tempfile::tempdir().unwrap();
    let out = bmnn(&[
        "pki",
        "issue-ca",
        "--root",
        s(tmp.path()),
        "--unit",
        "7x",
        "--out",
        s(tmp.path()),
    ]);
    assert_eq!(out.status.code(), Some(2), "usage errors exit with 2");
    let (_, stderr) = text(&out);
    assert!(stderr.contains("--unit"), "{stderr}");
    assert!(
        stderr.contains("7x") && stderr.contains("not an area code"),
        "{stderr}"
    );
}

#[test]
fn refusals_say_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let (root, ca) = (tmp.path().join("root"), tmp.path().join("ca"));
    ok(&["pki", "init-root", "--dir", s(&root)]);

    let err = fails(&["pki", "init-root", "--dir", s(&root)]);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    ok(&["pki", "init-root", "--dir", s(&root), "--force"]);

    ok(&[
        "pki",
        "issue-ca",
        "--root",
        s(&root),
        "--unit",
        "75",
        "--out",
        s(&ca),
    ]);
    let err = fails(&[
        "pki",
        "issue",
        "--ca",
        s(&ca),
        "--unit",
        "79.26734",
        "--out",
        s(tmp.path()),
    ]);
    assert!(
        err.contains("may not issue") && err.contains("province 79"),
        "{err}"
    );

    let err = fails(&[
        "pki",
        "issue",
        "--ca",
        s(tmp.path()),
        "--unit",
        "75",
        "--out",
        s(tmp.path()),
    ]);
    assert!(err.contains("holds no CA"), "{err}");

    let err = fails(&["pki", "revoke", "--ca", s(&ca), "--serial", "4ABC"]);
    assert!(err.contains("was not issued by"), "{err}");

    let out = bmnn(&["pki", "revoke", "--ca", s(&ca)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("--cert"), "{}", text(&out).1);
}

#[test]
fn help_lists_the_pki_commands() {
    let out = ok(&["pki", "--help"]);
    for cmd in [
        "init-root",
        "issue-ca",
        "issue",
        "csr",
        "sign",
        "identity",
        "revoke",
        "crl",
        "show",
    ] {
        assert!(out.contains(cmd), "{cmd} missing from:\n{out}");
    }
    let out = ok(&["pki", "revoke", "--help"]);
    assert!(out.contains("key-compromise"), "{out}");
}
