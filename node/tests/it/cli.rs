//! `bmnn-node init`, `status` and `--help`, driven as an installer would: a fresh data
//! directory, a key and a certificate request for the provincial CA, the issued chain imported,
//! the first admin user; and the refusals (weak password, a chain for another unit).

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use config::pki::{Overwrite, Role};

use crate::support::federation::Federation;

fn settings(dir: &Path, root: &Path) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("pki")).unwrap();
    let path = dir.join("node.toml");
    std::fs::write(
        &path,
        format!(
            r#"[unit]
id = "75.26041"
name = "Ủy ban nhân dân phường Trấn Biên"

[node]
data_dir = "data"
listen = "127.0.0.1:0"

[tls]
cert_chain = "pki/node.chain.pem"
key = "pki/node.key.pem"
trust_root = "{}"

[[upstream]]
name = "PA03 Đồng Nai"
url = "https://127.0.0.1:9/"
max_classification = "mat"
"#,
            root.display()
        ),
    )
    .unwrap();
    path
}

fn node(args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bmnn-node"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out: Output = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn init_makes_a_key_and_request_then_imports_the_issued_chain() {
    let fed = Federation::new();
    let dir = fed.dir.path().join("install");
    let config = settings(&dir, &fed.root.cert_path());
    let c = config.to_str().unwrap();

    let (ok, out) = node(
        &["init", "--config", c, "--password-stdin"],
        "một mật khẩu đủ dài\n",
    );
    assert!(ok, "{out}");
    assert!(
        out.contains("CSR:") && out.contains("admin user created"),
        "{out}"
    );
    assert!(dir.join("data/node.db").exists());
    let key = dir.join("pki/node.key.pem");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let csr = std::fs::read_dir(dir.join("pki"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".csr.pem"))
        .expect("a CSR");

    // The province's CA signs it; the unit imports the chain.
    let signed = fed
        .ca75
        .sign_csr(
            &std::fs::read_to_string(&csr).unwrap(),
            Role::Node,
            &fed.dir.path().join("issued"),
            None,
            Overwrite::Refuse,
        )
        .unwrap();
    let (ok, out) = node(
        &[
            "init",
            "--config",
            c,
            "--import-cert",
            signed.chain.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{out}");
    assert!(out.contains("certificate installed"), "{out}");
    assert!(
        !out.contains("admin user created"),
        "only the first init creates the admin"
    );

    let (ok, out) = node(&["status", "--config", c], "");
    assert!(ok, "{out}");
    assert!(
        out.contains("75.26041") && out.contains("audit log: intact"),
        "{out}"
    );
}

#[test]
fn init_refuses_a_weak_first_password() {
    let fed = Federation::new();
    let dir = fed.dir.path().join("install");
    let config = settings(&dir, &fed.root.cert_path());
    let (ok, out) = node(
        &[
            "init",
            "--config",
            config.to_str().unwrap(),
            "--password-stdin",
        ],
        "ngắn\n",
    );
    assert!(!ok);
    assert!(out.contains("too weak"), "{out}");
}

#[test]
fn init_refuses_a_chain_issued_for_another_unit() {
    let fed = Federation::new();
    let dir = fed.dir.path().join("install");
    let config = settings(&dir, &fed.root.cert_path());
    let c = config.to_str().unwrap();
    assert!(
        node(
            &["init", "--config", c, "--password-stdin"],
            "một mật khẩu đủ dài\n"
        )
        .0
    );
    let other = fed.node("75.26044", 9, "mat");
    let chain = other.settings().tls.cert_chain;
    let (ok, out) = node(
        &[
            "init",
            "--config",
            c,
            "--import-cert",
            chain.to_str().unwrap(),
        ],
        "",
    );
    assert!(!ok);
    assert!(
        out.contains("is for unit 75.26044, but this node is 75.26041"),
        "{out}"
    );
}

#[test]
fn every_command_has_help() {
    for cmd in [
        "init",
        "serve",
        "push",
        "status",
        "export-bundle",
        "import-receipts",
        "pki",
    ] {
        let (ok, out) = node(&[cmd, "--help"], "");
        assert!(ok && out.contains("Usage:"), "{cmd}: {out}");
    }
}
