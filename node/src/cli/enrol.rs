//! `bmnn-node init --enrol URL --code CODE --root-sha256 FP`: the commune's machine gets its
//! certificate with nothing carried by hand. Makes the key and CSR in memory, fetches the CA
//! certificates and checks the root against the fingerprint on the slip, sends the CSR with
//! the code, checks the chain that comes back, then writes `[tls] key` (0600), `trust_root`
//! and `cert_chain`. Nothing is written unless every step passed, and an installation that
//! already has a certificate is left alone.

use anyhow::{anyhow, bail, Context as _};
use config::settings::NodeSettings;

/// Enrols the unit of `settings` at `url` with `code`; `fingerprint` as typed.
pub fn run(
    settings: &NodeSettings,
    url: &str,
    code: &str,
    fingerprint: &str,
) -> anyhow::Result<()> {
    let tls = &settings.tls;
    if tls.cert_chain.exists() {
        bail!(
            "{} already exists: this installation has a certificate (it renews itself); to start \
             again, move the old key and chain away first",
            tls.cert_chain.display()
        );
    }
    if !url.starts_with("https://") {
        bail!("--enrol {url}: write the https:// address printed on the code slip");
    }
    let fp = config::pki::parse_fingerprint(fingerprint).ok_or_else(|| {
        anyhow!("--root-sha256 {fingerprint}: write the 64 hex digits printed on the code slip")
    })?;
    let unit = &settings.unit.id;
    let request = config::pki::new_request(unit, &[], &[])?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let (ca, chain_pem) = rt.block_on(async {
        let ca = crate::enrol::fetch_cacerts(url, &fp).await?;
        let chain = crate::enrol::enrol(url, &ca, unit, code, &request.csr_pem).await?;
        anyhow::Ok((ca, chain))
    })?;
    crate::enrol::check_chain(&chain_pem, &ca.root, unit, &request.key_pem)?;
    write_all(settings, &request.key_pem, &ca.root_pem, &chain_pem)?;
    let info = config::pki::inspect_file(&tls.cert_chain)?;
    println!(
        "Đã đăng ký chứng thư / enrolled: unit {unit}, serial {}",
        info.serial
    );
    println!(
        "  valid until {} (renewed automatically)",
        info.not_after.format("%Y-%m-%d")
    );
    println!("  key (0600): {}", tls.key.display());
    println!("  chain:      {}", tls.cert_chain.display());
    println!("  root:       {}", tls.trust_root.display());
    Ok(())
}

/// Writes the root (unless the same one is there), then key and chain as a renewal does.
fn write_all(
    settings: &NodeSettings,
    key_pem: &str,
    root_pem: &str,
    chain_pem: &str,
) -> anyhow::Result<()> {
    let tls = &settings.tls;
    for path in [&tls.key, &tls.cert_chain, &tls.trust_root] {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    match std::fs::read_to_string(&tls.trust_root) {
        Ok(existing) if existing.trim() == root_pem.trim() => {}
        Ok(_) => bail!(
            "{} holds another root certificate than the one enrolment verified: check [tls] trust_root",
            tls.trust_root.display()
        ),
        Err(_) => std::fs::write(&tls.trust_root, root_pem)
            .with_context(|| format!("cannot write {}", tls.trust_root.display()))?,
    }
    crate::identity::install(&tls.key, key_pem, &tls.cert_chain, chain_pem)
}
