//! The unit's TLS identity, replaceable while running: rustls asks [`LiveIdentity`] for the
//! certificate at each handshake (client side towards the parent, server side for an
//! aggregator's listeners), so after a renewal new connections present the new certificate
//! while connections already open finish with the old one. Also where a renewal's files are
//! installed: written beside the old ones as `*.new`, then renamed key first, chain second; a
//! crash between the two renames is finished at the next start ([`finish_install`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use anyhow::Context as _;
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

/// The current certificate chain and key, for rustls.
#[derive(Debug)]
pub struct LiveIdentity {
    current: RwLock<Arc<CertifiedKey>>,
}

impl LiveIdentity {
    pub fn new(
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            current: RwLock::new(Arc::new(certified(chain, key)?)),
        })
    }

    /// Presents `chain` and `key` from the next handshake on.
    pub fn replace(
        &self,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    ) -> anyhow::Result<()> {
        let next = Arc::new(certified(chain, key)?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(())
    }

    fn get(&self) -> Arc<CertifiedKey> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

fn certified(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> anyhow::Result<CertifiedKey> {
    let provider = rustls::crypto::aws_lc_rs::default_provider();
    CertifiedKey::from_der(chain, key, &provider)
        .context("the certificate and the key do not fit together")
}

impl rustls::client::ResolvesClientCert for LiveIdentity {
    fn resolve(
        &self,
        _root_hint_subjects: &[&[u8]],
        _sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<CertifiedKey>> {
        Some(self.get())
    }

    fn has_certs(&self) -> bool {
        true
    }
}

impl rustls::server::ResolvesServerCert for LiveIdentity {
    fn resolve(&self, _hello: rustls::server::ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.get())
    }
}

fn new_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".new");
    PathBuf::from(s)
}

/// Installs a renewed key and chain in place of `key` and `chain`: both written as `.new`
/// (the key 0600) and synced, then renamed key first, chain second.
pub fn install(key: &Path, key_pem: &str, chain: &Path, chain_pem: &str) -> anyhow::Result<()> {
    let (key_new, chain_new) = (new_path(key), new_path(chain));
    write_synced(&key_new, key_pem.as_bytes(), 0o600)?;
    write_synced(&chain_new, chain_pem.as_bytes(), 0o644)?;
    std::fs::rename(&key_new, key).with_context(|| format!("cannot replace {}", key.display()))?;
    std::fs::rename(&chain_new, chain)
        .with_context(|| format!("cannot replace {}", chain.display()))
}

/// Finishes an [`install`] a crash interrupted: a complete `chain.new` means both new files
/// were written, so the renames are completed. Call before loading the files.
pub fn finish_install(key: &Path, chain: &Path) -> anyhow::Result<bool> {
    let (key_new, chain_new) = (new_path(key), new_path(chain));
    if !chain_new.exists() {
        let _ = std::fs::remove_file(&key_new);
        return Ok(false);
    }
    if key_new.exists() {
        std::fs::rename(&key_new, key)
            .with_context(|| format!("cannot replace {}", key.display()))?;
    }
    std::fs::rename(&chain_new, chain)
        .with_context(|| format!("cannot replace {}", chain.display()))?;
    tracing::warn!(chain = %chain.display(), "finished installing a renewed certificate");
    Ok(true)
}

fn write_synced(path: &Path, bytes: &[u8], mode: u32) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let _ = std::fs::remove_file(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_install_is_finished_and_a_half_written_one_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let (key, chain) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
        std::fs::write(&key, "old key").unwrap();
        std::fs::write(&chain, "old chain").unwrap();
        // Crash after the key's rename: the chain is still .new.
        std::fs::write(&key, "new key").unwrap();
        std::fs::write(new_path(&chain), "new chain").unwrap();
        assert!(finish_install(&key, &chain).unwrap());
        assert_eq!(std::fs::read_to_string(&chain).unwrap(), "new chain");
        assert_eq!(std::fs::read_to_string(&key).unwrap(), "new key");
        // Crash before the chain was written: the lone key.new is dropped, the old pair stays.
        std::fs::write(new_path(&key), "newer key").unwrap();
        assert!(!finish_install(&key, &chain).unwrap());
        assert!(!new_path(&key).exists());
        assert_eq!(std::fs::read_to_string(&key).unwrap(), "new key");
    }

    #[test]
    fn install_writes_the_key_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let (key, chain) = (dir.path().join("k.pem"), dir.path().join("c.pem"));
        install(&key, "k", &chain, "c").unwrap();
        let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert_eq!(std::fs::read_to_string(&chain).unwrap(), "c");
    }
}
