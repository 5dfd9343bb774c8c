//! `bmnn-aggregator init` as an installer runs it: key and certificate request with the names
//! it serves on, the issued chain imported, the registry of its scope loaded once.

use std::os::unix::fs::PermissionsExt as _;
use std::process::Command;

use config::pki::{Overwrite, Role};

use crate::support::federation::Federation;

fn run(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(args)
        .output()
        .unwrap();
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
fn init_prepares_key_request_certificate_and_registry_once() {
    let fed = Federation::new();
    let dir = fed.dir.path().join("province");
    std::fs::create_dir_all(dir.join("pki")).unwrap();
    let config = dir.join("aggregator.toml");
    std::fs::write(
        &config,
        format!(
            r#"[unit]
id = "75"
name = "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước tỉnh Đồng Nai"

[node]
data_dir = "data"
listen = "127.0.0.1:0"

[tls]
cert_chain = "pki/aggregator.chain.pem"
key = "pki/aggregator.key.pem"
trust_root = "{}"

[[upstream]]
name = "Bộ Công an (A03)"
url = "https://a03.bca.example.vn/"
max_classification = "toi_mat"

[server]
listen = "127.0.0.1:0"
"#,
            fed.root.cert_path().display()
        ),
    )
    .unwrap();
    let c = config.to_str().unwrap();

    let (ok, out) = run(&[
        "init",
        "--config",
        c,
        "--ip",
        "127.0.0.1",
        "--dns",
        "localhost",
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("CSR:") && out.contains("pki sign --role aggregator"),
        "{out}"
    );
    let key = dir.join("pki/aggregator.key.pem");
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert!(
        out.contains("registry of 75") && !out.contains(" 0 added"),
        "{out}"
    );

    let csr = std::fs::read_dir(dir.join("pki"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().ends_with(".csr.pem"))
        .unwrap();
    let signed = fed
        .ca75
        .sign_csr(
            &std::fs::read_to_string(csr).unwrap(),
            Role::Aggregator,
            &fed.dir.path().join("issued"),
            None,
            Overwrite::Refuse,
        )
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["init", "--config", c, "--import-cert"])
        .arg(&signed.chain)
        .args(["--admin-user", "pa03"])
        .env("BMNN_ADMIN_PASSWORD", "Mật-khẩu-đủ-dài-2026")
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("certificate installed") && text.contains(" 0 added"),
        "a second run adds nothing: {text}"
    );
    assert!(text.contains("admin user created: pa03"), "{text}");

    let (ok, out) = run(&["registry", "show", "75", "--config", c]);
    assert!(ok, "{out}");
    assert!(out.contains("Phường Trấn Biên"), "{out}");
}
