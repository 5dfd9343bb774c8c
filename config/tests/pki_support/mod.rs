//! Helpers shared by the `pki*` integration tests: a federation in a temp dir and the
//! `openssl` 3 CLI as the independent checker.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use config::pki::{CaDir, Overwrite};
use schema::UnitId;

pub fn unit(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

pub fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// Runs `openssl` and returns (success, stdout + stderr).
pub fn openssl(args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .output()
        .expect("the openssl CLI must be installed to run these tests");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `openssl verify` of `leaf` against `root`, with `ca` as the untrusted intermediate.
pub fn verify(root: &Path, ca: &Path, leaf: &Path, extra: &[&str]) -> (bool, String) {
    let (root, ca, leaf) = (
        root.to_str().unwrap(),
        ca.to_str().unwrap(),
        leaf.to_str().unwrap(),
    );
    let mut args = vec!["verify", "-CAfile", root, "-untrusted", ca];
    args.extend_from_slice(extra);
    args.push(leaf);
    openssl(&args)
}

/// A root and the CA of province 75 in a temp dir; `certs` is where leaves go.
pub struct Federation {
    pub _tmp: tempfile::TempDir,
    pub root: CaDir,
    pub dong_nai: CaDir,
    pub certs: PathBuf,
}

pub fn federation() -> Federation {
    let tmp = tempfile::tempdir().unwrap();
    let root = CaDir::init_root(&tmp.path().join("root"), Overwrite::Refuse).unwrap();
    let dong_nai = root
        .issue_intermediate(&unit("75"), &tmp.path().join("75"), Overwrite::Refuse)
        .unwrap();
    let certs = tmp.path().join("certs");
    Federation {
        _tmp: tmp,
        root,
        dong_nai,
        certs,
    }
}
