//! The demo's files: a PKI made with `config::pki` (national root; CAs of the nation `VN`, Đồng
//! Nai `75` and Hà Tĩnh `42`; one aggregator leaf each for 127.0.0.1 and localhost; one leaf per
//! node), the CRLs, and the settings files ([`super::toml`]). Keys and certificates that exist
//! are reused, never overwritten; the CRLs and settings files are rewritten on every run.
//!
//! ```text
//! <dir>/pki/root/                 national root CA (in production it is kept offline)
//! <dir>/pki/VN, pki/75, pki/42    intermediate CAs
//! <dir>/pki/certs/                leaves: aggregator-VN.*, aggregator-75.*, node-75.26041.* …
//! <dir>/pki/crls/                every CA's CRL, as links to <ca>/crl.pem: `pki revoke`
//!                                 rewrites one and the running demo picks it up
//! <dir>/aggregator-<unit>.toml    each aggregator (data in <dir>/aggregator-<unit>/data)
//! <dir>/node-<unit>/node.toml     each node (data in <dir>/node-<unit>/data)
//! ```
//!
//! Ports from `--port-base` B: the nation's ingest B and web UI B+1, Đồng Nai's B+2 and B+3,
//! Hà Tĩnh's B+4 and B+5, the nodes' web UIs B+6 … B+12 in the order of [`NODES`], Đồng Nai's
//! enrolment listener B+13.

use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use config::pki::{CaDir, LeafRequest, Overwrite};
use config::units::AdminUnits;
use schema::UnitId;

use super::toml;

/// The provinces of the demo: Đồng Nai (with Bình Phước merged into it in 2025) and Hà Tĩnh.
pub const PROVINCES: [&str; 2] = ["75", "42"];

/// The demo's reporting units: communes by their 2025 code (Decision 19/2025/QĐ-TTg), a
/// department by its agency id and name. Phường Đồng Xoài (75.25210) was in Bình Phước before.
pub const NODES: [(&str, Option<&str>); 7] = [
    ("75.26041", None),
    ("75.26413", None),
    ("75.25210", None),
    ("75/so-noi-vu", Some("Sở Nội vụ tỉnh Đồng Nai")),
    ("42.18073", None),
    ("42.18100", None),
    ("42/so-noi-vu", Some("Sở Nội vụ tỉnh Hà Tĩnh")),
];

/// Ports used from `--port-base`: three aggregators × 2, then the nodes.
pub const PORTS: u16 = 7 + NODES.len() as u16;
/// Đồng Nai's enrolment listener (one-time codes), after the nodes' ports.
pub const ENROL_OFFSET: u16 = 6 + NODES.len() as u16;

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// One demo aggregator.
#[derive(Debug, Clone)]
pub struct AggSite {
    pub unit: UnitId,
    /// "Tỉnh Đồng Nai", or "Toàn quốc" for the nation.
    pub area: String,
    pub config: PathBuf,
    /// Ingest (mutual TLS).
    pub port: u16,
    /// The steering committee's web UI.
    pub ui_port: u16,
}

/// One demo node: its unit, names, settings file and web UI port.
#[derive(Debug, Clone)]
pub struct NodeSite {
    pub unit: UnitId,
    /// The commune's or department's name, e.g. "Phường Trấn Biên".
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
    /// `--port-base`.
    pub port_base: u16,
    /// The nation first, then the provinces in the order of [`PROVINCES`].
    pub aggregators: Vec<AggSite>,
    pub nodes: Vec<NodeSite>,
}

impl Site {
    /// The aggregator of `unit`'s province (or the nation for `VN`).
    pub fn aggregator_of(&self, unit: &UnitId) -> &AggSite {
        let province = unit.as_str().split(['.', '/']).next().unwrap_or("VN");
        self.aggregators
            .iter()
            .find(|a| a.unit.as_str() == province)
            .unwrap_or(&self.aggregators[0])
    }
}

/// Creates (or reuses) the PKI and writes the settings files under `dir`.
pub fn prepare(dir: &Path, port_base: u16) -> anyhow::Result<Site> {
    if port_base == 0 || port_base > u16::MAX - PORTS {
        return Err(anyhow!(
            "--port-base {port_base}: need {PORTS} consecutive ports from it (1..={})",
            u16::MAX - PORTS
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let units = AdminUnits::embedded();
    let pki = dir.join("pki");
    let certs = pki.join("certs");
    let root = open_or(&pki.join("root"), |d| {
        CaDir::init_root(d, Overwrite::Refuse)
    })?;
    root.write_crl()?;
    let mut crls = vec![root.crl_path()];
    let mut cas = Vec::new();
    for code in ["VN"].into_iter().chain(PROVINCES) {
        let id = unit(code)?;
        let ca = open_or(&pki.join(code), |d| {
            root.issue_intermediate(&id, d, Overwrite::Refuse)
        })?;
        ca.write_crl()?;
        crls.push(ca.crl_path());
        cas.push((id, ca));
    }
    link_crls(&pki.join("crls"), &crls)?;
    let ca_of = |id: &UnitId| -> &CaDir {
        let province = id.as_str().split(['.', '/']).next().unwrap_or("VN");
        cas.iter()
            .find(|(u, _)| u.as_str() == province)
            .map_or(&cas[0].1, |(_, ca)| ca)
    };

    let mut aggregators = Vec::new();
    for (i, (id, ca)) in cas.iter().enumerate() {
        let req = LeafRequest::aggregator(id.clone())
            .with_ip(LOOPBACK)
            .with_dns("localhost");
        leaf(ca, &req, &certs)?;
        let area = if id == &UnitId::national() {
            "Toàn quốc".to_string()
        } else {
            units
                .get(id)
                .map(|u| u.name.clone())
                .ok_or_else(|| anyhow!("province {id} is missing from the embedded unit list"))?
        };
        let port = port_base + 2 * i as u16;
        let config = dir.join(format!("aggregator-{id}.toml"));
        let parent = (i > 0).then_some(port_base);
        // Đồng Nai enrols new units with one-time codes (page "Chứng thư số").
        let enrol = (id.as_str() == "75").then_some(port_base + ENROL_OFFSET);
        write(
            &config,
            &toml::aggregator(id, &area, &req.default_name(), (port, enrol), parent),
        )?;
        aggregators.push(AggSite {
            unit: id.clone(),
            area,
            config,
            port,
            ui_port: port + 1,
        });
    }

    let mut nodes = Vec::new();
    for (i, (code, agency_name)) in NODES.iter().enumerate() {
        let id = unit(code)?;
        let (place, unit_name) = match agency_name {
            Some(name) => (name.to_string(), name.to_string()),
            None => {
                let place = units.get(&id).map(|u| u.name.clone()).ok_or_else(|| {
                    anyhow!("commune {code} is missing from the embedded unit list")
                })?;
                let unit_name = format!("Ủy ban nhân dân {}", lower_first(&place));
                (place, unit_name)
            }
        };
        let req = LeafRequest::node(id.clone());
        leaf(ca_of(&id), &req, &certs)?;
        let port = port_base + 6 + i as u16;
        let home = dir.join(format!("node-{}", code.replace('/', "_")));
        std::fs::create_dir_all(&home)
            .with_context(|| format!("cannot create {}", home.display()))?;
        let parent = aggregators
            .iter()
            .find(|a| id.as_str().starts_with(a.unit.as_str()) && a.unit != UnitId::national())
            .ok_or_else(|| anyhow!("no demo province for {id}"))?;
        let config = home.join("node.toml");
        write(
            &config,
            &toml::node(
                &id,
                &unit_name,
                &req.default_name(),
                port,
                &parent.area,
                parent.port,
            ),
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
        port_base,
        aggregators,
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

/// `dir/<ca>.pem` → `<ca dir>/crl.pem` for every CA: the demo's `[tls] crl` directory. A link,
/// not a copy, so `pki revoke`/`pki crl` on a CA takes effect in the running demo.
fn link_crls(dir: &Path, crls: &[PathBuf]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for crl in crls {
        let ca = crl
            .parent()
            .and_then(Path::file_name)
            .context("a CA directory")?;
        let link = dir.join(Path::new(ca).with_extension("pem"));
        if link.symlink_metadata().is_ok() {
            std::fs::remove_file(&link)?;
        }
        std::os::unix::fs::symlink(crl.canonicalize()?, &link)
            .with_context(|| format!("cannot link {}", link.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_official_style() {
        assert_eq!(lower_first("Phường Trấn Biên"), "phường Trấn Biên");
        assert_eq!(lower_first("Xã Long Phước"), "xã Long Phước");
    }

    #[test]
    fn every_demo_unit_is_known_or_named() {
        let units = AdminUnits::embedded();
        for (code, name) in NODES {
            let id = unit(code).unwrap();
            assert!(name.is_some() || units.get(&id).is_some(), "{code}");
        }
    }
}
