//! CRLs that came down the tree in `trust` notices, installed where [`super::LiveTrust`]
//! reads them beside `[tls] crl`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use config::pki::{crl_summary, load_crls};

/// Where a node or aggregator keeps the CRLs that came down as `trust` notices.
pub fn installed_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("crls")
}

/// Installs CRLs (DER) into `dir`, one file per issuing CA (named by the issuer's digest), each
/// only if it is newer (by this-update) than the one there; written to a temporary name and
/// renamed, so a reader never sees half a file. Returns how many were installed.
pub fn install_crls(dir: &Path, crls: &[Vec<u8>]) -> anyhow::Result<usize> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut n = 0;
    for der in crls {
        let new = crl_summary(der).map_err(|e| anyhow!("a CRL in a trust notice: {e}"))?;
        let name = schema::Digest::of(new.issuer.as_bytes()).to_string();
        let path = dir.join(format!(
            "{}.crl",
            &name["sha256:".len().."sha256:".len() + 16]
        ));
        let older = match load_crls(&path) {
            Ok(old) => old
                .first()
                .and_then(|c| crl_summary(c).ok())
                .is_none_or(|o| o.this_update < new.this_update),
            Err(_) => true,
        };
        if older {
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, config::pki::keyfile::pem("X509 CRL", der))
                .with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            n += 1;
        }
    }
    Ok(n)
}
