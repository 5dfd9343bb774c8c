//! The fixture the targets verify against, built as the test federation is
//! (`node/tests/it/support/federation.rs`): a national root, Đồng Nai's CA (75), the
//! province's aggregator leaf (75) and a commune node's leaf (75.26041), both CAs' CRLs, a
//! node database for receipt-bundle imports, and the trust of the published test vectors
//! (docs/vectors, checked at the time their manifest names).
//!
//! The PKI lives in a fresh temporary directory, or in `--pki DIR` (created on first use and
//! reused after): with the same directory the same `--seed` replays the same inputs exactly.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use config::pki::{load_certs, load_crls, load_private_key, CaDir, LeafRequest, Overwrite};
use schema::{Signer, Trust, UnitId, UnixTime};

/// The node's unit: a commune of Đồng Nai.
pub const NODE_UNIT: &str = "75.26041";
/// The aggregator's unit: the province.
pub const AGGREGATOR_UNIT: &str = "75";
/// When the published vectors are checked (docs/vectors/manifest.json).
const VECTORS_AT: i64 = 1_796_860_800; // 2026-12-10T00:00:00Z

/// Everything the targets need, built once per run.
pub struct Fixture {
    pub node_unit: UnitId,
    pub aggregator_unit: UnitId,
    pub node: Signer,
    pub aggregator: Signer,
    /// The aggregator's Ed25519 key (PKCS#8), which opens transfer bundles.
    pub aggregator_pkcs8: Vec<u8>,
    /// The aggregator's leaf certificate (DER), which bundles are encrypted to.
    pub aggregator_cert: Vec<u8>,
    pub root_der: Vec<u8>,
    /// CA 75's CRL (DER), carried by trust notices.
    pub crl75: Vec<u8>,
    /// Trusts to verify with and the time for each: this PKI now, the vectors' root then.
    pub trusts: Vec<(Trust, UnixTime)>,
    /// A node database for `node::bundle::import_receipts`.
    pub db: node::db::DbPool,
    /// Where the PKI lives.
    pub dir: PathBuf,
    _temp: Option<tempfile::TempDir>,
    _db_dir: tempfile::TempDir,
}

impl std::fmt::Debug for Fixture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixture")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Fixture {
    /// Builds the fixture in `pki` (reused if it already holds one) or in a temporary directory.
    pub fn new(pki: Option<&Path>) -> anyhow::Result<Self> {
        node::tls::install_crypto_provider();
        let temp = match pki {
            Some(_) => None,
            None => Some(tempfile::tempdir()?),
        };
        let dir = pki
            .map(Path::to_path_buf)
            .or_else(|| temp.as_ref().map(|t| t.path().to_path_buf()))
            .context("no directory for the PKI")?;
        std::fs::create_dir_all(&dir)?;
        let (root, ca75) = cas(&dir)?;
        let aggregator_unit = UnitId::parse(AGGREGATOR_UNIT)?;
        let node_unit = UnitId::parse(NODE_UNIT)?;
        let aggregator_req = LeafRequest::aggregator(aggregator_unit.clone());
        let (aggregator, aggregator_pkcs8) = leaf(&ca75, &dir, "agg", &aggregator_req)?;
        let (node, _) = leaf(&ca75, &dir, "node", &LeafRequest::node(node_unit.clone()))?;
        let aggregator_cert = aggregator.leaf();
        let root_der = root.cert_der().to_vec();
        let crls: Vec<Vec<u8>> = [root.crl_path(), ca75.crl_path()]
            .iter()
            .map(|p| load_crls(p).map(|c| c[0].to_vec()))
            .collect::<Result<_, _>>()?;
        let own = Trust::new(std::slice::from_ref(&root_der))?.with_crls(&crls)?;
        let mut trusts = vec![(own, UnixTime::now())];
        trusts.extend(vectors_trust()?);
        // In memory where possible: a refused notice is audited, one fsync per input on disk.
        let db_dir = match tempfile::tempdir_in("/dev/shm") {
            Ok(d) => d,
            Err(_) => tempfile::tempdir()?,
        };
        let db = node::db::open(&db_dir.path().join("node.db"))?;
        Ok(Self {
            node_unit,
            aggregator_unit,
            node,
            aggregator,
            aggregator_pkcs8,
            aggregator_cert,
            root_der,
            crl75: crls[1].clone(),
            trusts,
            db,
            dir,
            _temp: temp,
            _db_dir: db_dir,
        })
    }

    /// The trust of this PKI (not the vectors').
    pub fn trust(&self) -> &Trust {
        &self.trusts[0].0
    }
}

/// The root and CA 75 in `dir`, created unless already there.
fn cas(dir: &Path) -> anyhow::Result<(CaDir, CaDir)> {
    let (root_dir, ca_dir) = (dir.join("root"), dir.join("ca75"));
    if ca_dir.exists() {
        return Ok((CaDir::open(&root_dir)?, CaDir::open(&ca_dir)?));
    }
    let root = CaDir::init_root(&root_dir, Overwrite::Refuse)?;
    let ca75 = root.issue_intermediate(&UnitId::parse("75")?, &ca_dir, Overwrite::Refuse)?;
    Ok((root, ca75))
}

/// The signer of the leaf `name` (issued unless already there) and its PKCS#8 key.
fn leaf(
    ca: &CaDir,
    dir: &Path,
    name: &str,
    req: &LeafRequest,
) -> anyhow::Result<(Signer, Vec<u8>)> {
    let leaf_dir = dir.join(name);
    let (key, chain) = (
        leaf_dir.join(format!("{name}.key.pem")),
        leaf_dir.join(format!("{name}.chain.pem")),
    );
    if !chain.exists() {
        ca.issue_leaf(req, &leaf_dir, name, Overwrite::Refuse)?;
    }
    let pkcs8 = load_private_key(&key)?.secret_der().to_vec();
    let chain: Vec<Vec<u8>> = load_certs(&chain)?.iter().map(|c| c.to_vec()).collect();
    Ok((Signer::new(&pkcs8, chain)?, pkcs8))
}

/// The folder of the published test vectors.
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/vectors")
}

/// The vectors' root with their CRL of 75, at the time the manifest checks them.
fn vectors_trust() -> anyhow::Result<Option<(Trust, UnixTime)>> {
    let dir = vectors_dir();
    if !dir.join("root.crt.pem").exists() {
        return Ok(None);
    }
    let root = load_certs(&dir.join("root.crt.pem"))?[0].to_vec();
    let crl = load_crls(&dir.join("crl-75.pem"))?[0].to_vec();
    let trust = Trust::new(&[root])?.with_crls(&[crl])?;
    let at = UnixTime::since_unix_epoch(Duration::from_secs(VECTORS_AT as u64));
    Ok(Some((trust, at)))
}
