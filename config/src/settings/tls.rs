//! `[tls]`: the unit's certificate material, the CRLs and how they are re-read, and when the
//! certificate renews itself.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::sections::resolve;
use super::values::Fraction;

/// `[tls]`: this node's certificate material (PEM files), issued by the national PKI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// This node's certificate chain: leaf then intermediate.
    pub cert_chain: PathBuf,
    /// This node's private key.
    pub key: PathBuf,
    /// The trust root: the only certificate trusted as an anchor.
    pub trust_root: PathBuf,
    /// Certificate revocation lists: a PEM file (several CRLs may follow each other in it) or
    /// a directory whose `*.pem` and `*.crl` files are all read. Reloaded while running.
    #[serde(default)]
    pub crl: Option<PathBuf>,
    /// Seconds between two looks at the CRL files for changes; default 60.
    #[serde(default = "TlsSection::default_crl_reload")]
    pub crl_reload_secs: u64,
    /// What to do when a CRL is past its next update: `warn` (keep using the last one and show
    /// a warning; the default) or `refuse` (refuse every signature until a fresh CRL arrives).
    #[serde(default)]
    pub crl_stale: CrlStalePolicy,
    /// When to renew the certificate: at this fraction of its lifetime (default 0.67), less a
    /// random share of up to `renew_jitter` (default 0.05) so thousands of units do not all
    /// ask on the same day.
    #[serde(default = "TlsSection::default_renew_at")]
    pub renew_at: Fraction,
    #[serde(default = "TlsSection::default_renew_jitter")]
    pub renew_jitter: Fraction,
}

/// `[tls] crl_stale`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrlStalePolicy {
    #[default]
    Warn,
    Refuse,
}

impl TlsSection {
    fn default_crl_reload() -> u64 {
        60
    }

    fn default_renew_at() -> Fraction {
        Fraction::new(0.67).expect("a fraction")
    }

    fn default_renew_jitter() -> Fraction {
        Fraction::new(0.05).expect("a fraction")
    }

    /// A section with the given files and the defaults.
    pub fn new(
        cert_chain: PathBuf,
        key: PathBuf,
        trust_root: PathBuf,
        crl: Option<PathBuf>,
    ) -> Self {
        Self {
            cert_chain,
            key,
            trust_root,
            crl,
            crl_reload_secs: Self::default_crl_reload(),
            crl_stale: CrlStalePolicy::Warn,
            renew_at: Self::default_renew_at(),
            renew_jitter: Self::default_renew_jitter(),
        }
    }

    pub(crate) fn resolve(&mut self, base: &Path) {
        resolve(&mut self.cert_chain, base);
        resolve(&mut self.key, base);
        resolve(&mut self.trust_root, base);
        if let Some(c) = self.crl.as_mut() {
            resolve(c, base);
        }
    }
}
