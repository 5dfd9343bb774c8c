//! Trust that keeps itself current while running: the national root and the CRLs of `[tls]
//! crl` (a PEM file, or a directory of `*.pem`/`*.crl` files, each holding one CRL or more).
//! Every use asks for the current [`Trust`] ([`LiveTrust::current`]); at most once per
//! `[tls] crl_reload_secs` that look stats the files, and when one changed (mtime or size) the
//! CRLs are read again and a new `Trust` and a new TLS client verifier replace the old ones.
//! No restart, no background task: a revocation takes effect on the first signature or
//! handshake checked after the interval. A file that does not parse (half-copied) keeps the
//! last good set and is retried at the next look. A CRL past its next update is *stale*:
//! `crl_stale = "warn"` keeps it and reports it ([`LiveTrust::status`]), `"refuse"` refuses
//! every signature ([`LiveTrust::fresh`]) and handshake until a fresh CRL arrives.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use anyhow::{anyhow, Context as _};
use chrono::{DateTime, Utc};
use config::pki::{crl_summary, load_crls, CrlSummary};
use config::settings::{CrlStalePolicy, TlsSection};
use rustls::client::WebPkiServerVerifier;
use rustls::server::danger::ClientCertVerifier;
use rustls::server::WebPkiClientVerifier;
use rustls::{DistinguishedName, RootCertStore};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use schema::Trust;

mod installed;
mod status;
mod verifiers;

pub use installed::{install_crls, installed_dir};
pub use verifiers::{LiveClientVerifier, LiveServerVerifier};

/// One file's identity for change detection.
type Stamp = (PathBuf, Option<SystemTime>, u64);

struct State {
    trust: Arc<Trust>,
    verifier: Arc<dyn ClientCertVerifier>,
    /// The check of a parent's server certificate.
    server: Arc<WebPkiServerVerifier>,
    crls: Vec<CrlSummary>,
    stamps: Vec<Stamp>,
    loaded_at: DateTime<Utc>,
    /// The last reload's failure, if it failed (the previous set stays in use).
    error: Option<String>,
}

/// The CRLs in use, for `status` and the web UI.
#[derive(Debug, Clone)]
pub struct CrlStatus {
    pub crls: Vec<CrlSummary>,
    pub loaded_at: DateTime<Utc>,
    /// CRLs past their next update (by issuer).
    pub stale: Vec<String>,
    pub error: Option<String>,
    pub policy: CrlStalePolicy,
}

pub struct LiveTrust {
    root: CertificateDer<'static>,
    /// `[tls] crl`, then the directory of CRLs installed from trust notices.
    sources: Vec<PathBuf>,
    installed: Option<PathBuf>,
    interval_secs: i64,
    policy: CrlStalePolicy,
    state: RwLock<State>,
    /// Unix seconds of the last look at the files.
    looked: AtomicI64,
    reloading: Mutex<()>,
    hints: Vec<DistinguishedName>,
}

impl std::fmt::Debug for LiveTrust {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTrust")
            .field("sources", &self.sources)
            .finish_non_exhaustive()
    }
}

/// The CRL files of `source`: the file itself, or a directory's `*.pem` and `*.crl` files in
/// name order.
pub fn crl_files(source: &Path) -> anyhow::Result<Vec<PathBuf>> {
    if !source.is_dir() {
        return Ok(vec![source.to_path_buf()]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(source)
        .with_context(|| format!("cannot read the CRL directory {}", source.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.extension()
                    .is_some_and(|x| x.eq_ignore_ascii_case("pem") || x.eq_ignore_ascii_case("crl"))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Every CRL of `source` (none without one).
pub fn load_all(
    source: Option<&Path>,
) -> anyhow::Result<Vec<CertificateRevocationListDer<'static>>> {
    let sources: Vec<PathBuf> = source.into_iter().map(Path::to_path_buf).collect();
    load_sources(&sources, None)
}

/// Every CRL of every source; `optional` (the installed directory) may be missing.
fn load_sources(
    sources: &[PathBuf],
    optional: Option<&Path>,
) -> anyhow::Result<Vec<CertificateRevocationListDer<'static>>> {
    let mut out = Vec::new();
    for source in sources {
        if Some(source.as_path()) == optional && !source.exists() {
            continue;
        }
        for f in crl_files(source)? {
            out.extend(load_crls(&f)?);
        }
    }
    Ok(out)
}

fn stamps(sources: &[PathBuf]) -> Vec<Stamp> {
    let files: Vec<PathBuf> = sources
        .iter()
        .filter(|s| s.exists())
        .flat_map(|s| crl_files(s).unwrap_or_default())
        .collect();
    files
        .into_iter()
        .map(|p| {
            let meta = std::fs::metadata(&p).ok();
            let (mtime, len) = (
                meta.as_ref().and_then(|m| m.modified().ok()),
                meta.map_or(0, |m| m.len()),
            );
            (p, mtime, len)
        })
        .collect()
}

/// What one set of CRLs gives.
struct Built {
    trust: Arc<Trust>,
    verifier: Arc<dyn ClientCertVerifier>,
    server: Arc<WebPkiServerVerifier>,
    crls: Vec<CrlSummary>,
}

fn build(
    root: &CertificateDer<'static>,
    crls: Vec<CertificateRevocationListDer<'static>>,
    policy: CrlStalePolicy,
) -> anyhow::Result<Built> {
    let summaries = crls
        .iter()
        .map(|c| crl_summary(c))
        .collect::<Result<Vec<_>, _>>()?;
    let ders: Vec<Vec<u8>> = crls.iter().map(|c| c.to_vec()).collect();
    let trust = Trust::new(&[root.to_vec()])
        .and_then(|t| t.with_crls(&ders))
        .map_err(|e| anyhow!("cannot use the trust material: {e}"))?;
    let mut roots = RootCertStore::empty();
    roots
        .add(root.clone())
        .context("the trust root is not a usable CA certificate")?;
    let roots = Arc::new(roots);
    let mut server = WebPkiServerVerifier::builder(roots.clone())
        .with_crls(crls.clone())
        .allow_unknown_revocation_status();
    let mut builder = WebPkiClientVerifier::builder(roots)
        .with_crls(crls)
        .allow_unknown_revocation_status();
    if policy == CrlStalePolicy::Refuse {
        builder = builder.enforce_revocation_expiration();
        server = server.enforce_revocation_expiration();
    }
    let server = server
        .build()
        .context("cannot build the server certificate verifier")?;
    let verifier = builder
        .build()
        .context("cannot build the client certificate verifier")?;
    Ok(Built {
        trust: Arc::new(trust),
        verifier,
        server,
        crls: summaries,
    })
}

impl LiveTrust {
    /// Reads the root and the CRLs of `tls` now, and those installed in `installed` (the
    /// directory `trust` notices write to; see [`installed_dir`]).
    pub fn load(
        root: CertificateDer<'static>,
        tls: &TlsSection,
        installed: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let sources: Vec<PathBuf> = tls
            .crl
            .iter()
            .cloned()
            .chain(installed.map(Path::to_path_buf))
            .collect();
        let crls = load_sources(&sources, installed)?;
        let Built {
            trust,
            verifier,
            server,
            crls: summaries,
        } = build(&root, crls, tls.crl_stale)?;
        let hints = verifier.root_hint_subjects().to_vec();
        Ok(Self {
            root,
            interval_secs: tls.crl_reload_secs.max(1) as i64,
            policy: tls.crl_stale,
            state: RwLock::new(State {
                trust,
                verifier,
                server,
                crls: summaries,
                stamps: stamps(&sources),
                loaded_at: Utc::now(),
                error: None,
            }),
            installed: installed.map(Path::to_path_buf),
            sources,
            looked: AtomicI64::new(Utc::now().timestamp()),
            reloading: Mutex::new(()),
            hints,
        })
    }

    /// The trust to verify with now (after a look at the CRL files, if one is due).
    pub fn current(&self) -> Arc<Trust> {
        self.look_if_due();
        read(&self.state).trust.clone()
    }

    /// `Err` with the reason when the policy is `refuse` and a CRL is stale.
    pub fn fresh(&self) -> Result<(), String> {
        self.fresh_at(Utc::now())
    }

    /// [`Self::fresh`] at time `now`.
    pub fn fresh_at(&self, now: DateTime<Utc>) -> Result<(), String> {
        if self.policy == CrlStalePolicy::Warn {
            return Ok(());
        }
        let stale = self.status_at(now).stale;
        if stale.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the CRL of {} is past its next update ([tls] crl_stale = \"refuse\"): install a fresh one",
                stale.join(", ")
            ))
        }
    }

    /// The CRLs in use and which are stale.
    pub fn status(&self) -> CrlStatus {
        self.status_at(Utc::now())
    }

    /// [`Self::status`] at time `now`.
    pub fn status_at(&self, now: DateTime<Utc>) -> CrlStatus {
        let s = read(&self.state);
        CrlStatus {
            stale: s
                .crls
                .iter()
                .filter(|c| c.next_update.is_some_and(|n| n < now))
                .map(|c| c.issuer.clone())
                .collect(),
            crls: s.crls.clone(),
            loaded_at: s.loaded_at,
            error: s.error.clone(),
            policy: self.policy,
        }
    }

    fn look_if_due(&self) {
        let now = Utc::now().timestamp();
        let last = self.looked.load(Ordering::Relaxed);
        if now - last < self.interval_secs {
            return;
        }
        // One look at a time; the others go on with the current set.
        let Ok(_guard) = self.reloading.try_lock() else {
            return;
        };
        self.looked.store(now, Ordering::Relaxed);
        if let Err(e) = self.reload() {
            tracing::error!("CRLs not reloaded, the previous ones stay in use: {e:#}");
            write(&self.state).error = Some(format!("{e:#}"));
        }
    }

    /// Reads the CRL files again if any changed; true when a new set is in use.
    pub fn reload(&self) -> anyhow::Result<bool> {
        let now = stamps(&self.sources);
        if now == read(&self.state).stamps {
            return Ok(false);
        }
        let crls = load_sources(&self.sources, self.installed.as_deref())?;
        let Built {
            trust,
            verifier,
            server,
            crls: summaries,
        } = build(&self.root, crls, self.policy)?;
        let revoked: usize = summaries.iter().map(|c| c.revoked).sum();
        let mut s = write(&self.state);
        *s = State {
            trust,
            verifier,
            server,
            crls: summaries,
            stamps: now,
            loaded_at: Utc::now(),
            error: None,
        };
        tracing::info!(crls = s.crls.len(), revoked, "CRLs reloaded");
        Ok(true)
    }

    fn server_verifier(&self) -> Arc<WebPkiServerVerifier> {
        self.look_if_due();
        read(&self.state).server.clone()
    }

    fn verifier(&self) -> Arc<dyn ClientCertVerifier> {
        self.look_if_due();
        read(&self.state).verifier.clone()
    }
}

fn read(l: &RwLock<State>) -> std::sync::RwLockReadGuard<'_, State> {
    l.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn write(l: &RwLock<State>) -> std::sync::RwLockWriteGuard<'_, State> {
    l.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests;
