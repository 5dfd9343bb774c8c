//! The demo's files: a PKI made with `config::pki` (national root, Đồng Nai's CA, the
//! aggregator's leaf for 127.0.0.1 and localhost, one leaf per commune node), the CRLs, and the
//! settings files of the aggregator and the two nodes. Keys and certificates that exist are
//! reused, never overwritten; the CRLs and settings files are rewritten on every run.
//!
//! ```text
//! <dir>/pki/root/            national root CA (in production it is kept offline)
//! <dir>/pki/75/              Đồng Nai's intermediate CA
//! <dir>/pki/certs/           leaves: aggregator-75.*, node-75.26041.*, node-75.26413.*
//! <dir>/pki/crl.pem          the root's and Đồng Nai's CRLs
//! <dir>/aggregator.toml      the aggregator (data in <dir>/aggregator/data)
//! <dir>/node-<unit>/node.toml  each node (data in <dir>/node-<unit>/data)
//! ```

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use config::pki::{CaDir, LeafRequest, Overwrite};
use config::units::AdminUnits;
use schema::UnitId;

/// The province of the demo: Đồng Nai.
pub const PROVINCE: &str = "75";
/// Two real 2025 communes of Đồng Nai (Decision 19/2025/QĐ-TTg codes).
pub const COMMUNES: [&str; 2] = ["75.26041", "75.26413"];

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One demo node: its unit, names, settings file and web UI port.
#[derive(Debug, Clone)]
pub struct NodeSite {
    pub unit: UnitId,
    /// The commune's name, e.g. "Phường Trấn Biên".
    pub place: String,
    /// The reporting unit's official name, e.g. "Ủy ban nhân dân phường Trấn Biên".
    pub unit_name: String,
    pub config: PathBuf,
    pub port: u16,
}

/// Everything `prepare` wrote.
#[derive(Debug, Clone)]
pub struct Site {
    pub dir: PathBuf,
    pub aggregator_config: PathBuf,
    pub aggregator_port: u16,
    pub province_name: String,
    pub nodes: Vec<NodeSite>,
}

/// Creates (or reuses) the PKI and writes the settings files under `dir`, with the
/// aggregator's ingest at `port_base`, the nodes' web UIs at `port_base + 1` and `+ 2`, and
/// `port_base + 3` reserved for the aggregator's own web UI.
pub fn prepare(dir: &Path, port_base: u16) -> anyhow::Result<Site> {
    if port_base == 0 || port_base > u16::MAX - 3 {
        return Err(anyhow!(
            "--port-base {port_base}: need four consecutive ports from it (1..=65532)"
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let units = AdminUnits::embedded();
    let province = unit(PROVINCE)?;
    let province_name = units
        .get(&province)
        .map(|u| u.name.clone())
        .ok_or_else(|| anyhow!("province {PROVINCE} is missing from the embedded unit list"))?;

    let pki = dir.join("pki");
    let root = open_or(&pki.join("root"), |d| {
        CaDir::init_root(d, Overwrite::Refuse)
    })?;
    let ca = open_or(&pki.join(PROVINCE), |d| {
        root.issue_intermediate(&province, d, Overwrite::Refuse)
    })?;
    let certs = pki.join("certs");
    let agg_req = LeafRequest::aggregator(province.clone())
        .with_ip(LOOPBACK)
        .with_dns("localhost");
    leaf(&ca, &agg_req, &certs)?;
    root.write_crl()?;
    ca.write_crl()?;
    let crls = [root.crl_path(), ca.crl_path()]
        .iter()
        .map(std::fs::read_to_string)
        .collect::<Result<Vec<_>, _>>()
        .context("cannot read the CRLs")?
        .concat();
    std::fs::write(pki.join("crl.pem"), crls).context("cannot write pki/crl.pem")?;

    let aggregator_config = dir.join("aggregator.toml");
    write(
        &aggregator_config,
        &aggregator_toml(&province_name, &agg_req.default_name(), port_base),
    )?;

    let mut nodes = Vec::new();
    for (i, code) in COMMUNES.iter().enumerate() {
        let id = unit(code)?;
        let place = units
            .get(&id)
            .map(|u| u.name.clone())
            .ok_or_else(|| anyhow!("commune {code} is missing from the embedded unit list"))?;
        let req = LeafRequest::node(id.clone());
        leaf(&ca, &req, &certs)?;
        let port = port_base + 1 + i as u16;
        let home = dir.join(format!("node-{code}"));
        std::fs::create_dir_all(&home)
            .with_context(|| format!("cannot create {}", home.display()))?;
        let unit_name = format!("Ủy ban nhân dân {}", lower_first(&place));
        let config = home.join("node.toml");
        write(
            &config,
            &node_toml(&id, &unit_name, &req.default_name(), port, port_base),
        )?;
        nodes.push(NodeSite {
            unit: id,
            place,
            unit_name,
            config,
            port,
        });
    }
    Ok(Site {
        dir: dir.to_path_buf(),
        aggregator_config,
        aggregator_port: port_base,
        province_name,
        nodes,
    })
}

fn unit(code: &str) -> anyhow::Result<UnitId> {
    UnitId::parse(code).map_err(|e| anyhow!("{code}: {e}"))
}

/// Opens the CA in `dir` if it is there, or makes it with `make`.
fn open_or(
    dir: &Path,
    make: impl FnOnce(&Path) -> Result<CaDir, config::pki::PkiError>,
) -> anyhow::Result<CaDir> {
    let made = ["root.key.pem", "ca.key.pem"]
        .iter()
        .any(|f| dir.join(f).exists());
    Ok(if made { CaDir::open(dir)? } else { make(dir)? })
}

/// Issues the leaf for `req` into `certs` unless its key and chain are already there.
fn leaf(ca: &CaDir, req: &LeafRequest, certs: &Path) -> anyhow::Result<()> {
    let name = req.default_name();
    let have = ["key", "chain"]
        .iter()
        .all(|ext| certs.join(format!("{name}.{ext}.pem")).exists());
    if !have {
        ca.issue_leaf(req, certs, &name, Overwrite::Refuse)
            .with_context(|| {
                format!(
                    "cannot issue the certificate {name} (delete {} to start over)",
                    certs.display()
                )
            })?;
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// `Phường Trấn Biên` → `phường Trấn Biên`.
pub fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A TOML basic string (JSON's escapes are valid TOML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

const GENERATED: &str =
    "# Generated by `bmnn-aggregator demo`, rewritten on every run: edit a copy and run\n\
     # it with `serve` for your own settings. Paths are relative to this file.\n";

fn aggregator_toml(province_name: &str, leaf: &str, port_base: u16) -> String {
    let name = format!(
        "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước {}",
        lower_first(province_name)
    );
    format!(
        r#"{GENERATED}
[unit]
id = "{PROVINCE}"
name = {name}

[node]
data_dir = "aggregator/data"
# Reserved for the aggregator's own web UI (not in this version).
listen = "127.0.0.1:{ui}"

[tls]
cert_chain = {chain}
key = {key}
trust_root = "pki/root/root.crt.pem"
crl = "pki/crl.pem"

# The link to BCA: not used by this version of the aggregator.
[[upstream]]
name = "Bộ Công an (A03)"
url = "https://a03.bca.example.vn/"
max_classification = "toi_mat"

[server]
listen = "127.0.0.1:{port_base}"
"#,
        name = q(&name),
        ui = port_base + 3,
        chain = q(&format!("pki/certs/{leaf}.chain.pem")),
        key = q(&format!("pki/certs/{leaf}.key.pem")),
    )
}

fn node_toml(unit: &UnitId, name: &str, leaf: &str, port: u16, port_base: u16) -> String {
    format!(
        r#"{GENERATED}
[unit]
id = {id}
name = {name}

[node]
data_dir = "data"
listen = "127.0.0.1:{port}"

[tls]
cert_chain = {chain}
key = {key}
trust_root = "../pki/root/root.crt.pem"
crl = "../pki/crl.pem"

[[upstream]]
name = "Công an tỉnh Đồng Nai (PA03)"
url = "https://127.0.0.1:{port_base}/"
max_classification = "mat"
timeout_secs = 10

[outbox]
initial_backoff_secs = 2
max_backoff_secs = 60
"#,
        id = q(unit.as_str()),
        name = q(name),
        chain = q(&format!("../pki/certs/{leaf}.chain.pem")),
        key = q(&format!("../pki/certs/{leaf}.key.pem")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_official_style() {
        assert_eq!(lower_first("Phường Trấn Biên"), "phường Trấn Biên");
        assert_eq!(lower_first("Xã Long Phước"), "xã Long Phước");
        assert_eq!(q("a \"b\""), r#""a \"b\"""#);
    }
}
