//! The sections of the settings files, shared by the node and the aggregator: the unit, the
//! node's own listener and storage, TLS material, upstream links and the outbox retry policy;
//! and the aggregator-only sections (children listener, inspection planning, registry seed;
//! mail and reminders are in `mail.rs`, the relay policy in `relay.rs`). Every struct rejects unknown keys.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use schema::{Classification, Line, UnitId};
use serde::Deserialize;

use super::values::{DatabaseUrl, Fraction, HttpsUrl};

/// `[unit]`: who this installation reports for.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitSection {
    /// The unit's id, e.g. `75.26041` (a 2025 commune), `75/so-noi-vu` or `75` (the province).
    pub id: UnitId,
    /// The unit's official Vietnamese name, e.g. "Ủy ban nhân dân xã Long Phước" (NFC).
    pub name: Line<300>,
}

/// `[node]`: the installation's own storage and local web UI.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// Directory for the database, outbox and generated documents (relative paths resolve
    /// against the settings file's directory).
    pub data_dir: PathBuf,
    /// Address of the HTTP listener for the local web UI, e.g. `127.0.0.1:8080`.
    pub listen: SocketAddr,
    /// Database URL; default `sqlite://<data_dir>/node.db` (read it with
    /// [`NodeSection::database_url`]).
    #[serde(default)]
    pub database_url: Option<DatabaseUrl>,
    /// Directory of rule packs replacing the embedded ones (for a rule change that cannot
    /// wait for a release); unset uses the packs built into the binary.
    #[serde(default)]
    pub rules_dir: Option<PathBuf>,
}

impl NodeSection {
    /// The configured database URL, or the SQLite file `node.db` in the data directory.
    pub fn database_url(&self) -> DatabaseUrl {
        self.database_url
            .clone()
            .unwrap_or_else(|| DatabaseUrl::sqlite(self.data_dir.join("node.db")))
    }

    pub(crate) fn resolve(&mut self, base: &Path) {
        resolve(&mut self.data_dir, base);
        if let Some(d) = self.rules_dir.as_mut() {
            resolve(d, base);
        }
        if let Some(u) = self.database_url.as_mut() {
            u.resolve(base);
        }
    }
}

/// Default time allowed for one upstream request.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// `[[upstream]]`: one link to a node above (the province, or BCA).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpstreamLink {
    /// Short name shown in the UI and logs, e.g. "Công an tỉnh Đồng Nai (PA03)"; unique.
    pub name: Line<200>,
    /// The upstream's `https://` base URL.
    pub url: HttpsUrl,
    /// The highest classification this link may carry (`khong_mat`, `mat`, `toi_mat`,
    /// `tuyet_mat`); anything above is refused before sending.
    pub max_classification: Classification,
    /// Seconds allowed for one request; default 30.
    #[serde(default)]
    pub timeout_secs: Option<u64>,
}

impl UpstreamLink {
    /// The request timeout (default [`DEFAULT_UPSTREAM_TIMEOUT`]).
    pub fn timeout(&self) -> Duration {
        self.timeout_secs
            .map_or(DEFAULT_UPSTREAM_TIMEOUT, Duration::from_secs)
    }
}

/// `[outbox]`: how signed submissions are retried until the upstream acknowledges them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxPolicy {
    /// First retry delay in seconds; doubled after each failure.
    #[serde(default = "OutboxPolicy::default_initial")]
    pub initial_backoff_secs: u64,
    /// Ceiling of the retry delay in seconds.
    #[serde(default = "OutboxPolicy::default_max")]
    pub max_backoff_secs: u64,
    /// Random spread of each delay, as a fraction (0.2 = ±20%).
    #[serde(default = "OutboxPolicy::default_jitter")]
    pub jitter: Fraction,
    /// Most submissions held at once; new ones are refused (with a message) beyond it.
    #[serde(default = "OutboxPolicy::default_queue")]
    pub max_queue: u32,
    /// Seconds between two pulls of notices from the parent (also pulled right after every
    /// delivery); default 300.
    #[serde(default = "OutboxPolicy::default_notice_poll")]
    pub notice_poll_secs: u64,
}

impl OutboxPolicy {
    fn default_initial() -> u64 {
        5
    }
    fn default_max() -> u64 {
        3_600
    }
    fn default_jitter() -> Fraction {
        Fraction::new(0.2).unwrap_or_else(|_| unreachable!("0.2 is a fraction"))
    }
    fn default_queue() -> u32 {
        10_000
    }
    fn default_notice_poll() -> u64 {
        300
    }

    /// The interval between two pulls of notices.
    pub fn notice_poll(&self) -> Duration {
        Duration::from_secs(self.notice_poll_secs.max(1))
    }

    /// First retry delay.
    pub fn initial_backoff(&self) -> Duration {
        Duration::from_secs(self.initial_backoff_secs)
    }

    /// Longest retry delay.
    pub fn max_backoff(&self) -> Duration {
        Duration::from_secs(self.max_backoff_secs)
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        if self.initial_backoff_secs == 0 {
            out.push((
                "outbox.initial_backoff_secs".into(),
                "must be at least 1 second".into(),
            ));
        }
        if self.max_backoff_secs < self.initial_backoff_secs {
            out.push((
                "outbox.max_backoff_secs".into(),
                format!(
                    "{} is below initial_backoff_secs ({}); raise it or lower the initial delay",
                    self.max_backoff_secs, self.initial_backoff_secs
                ),
            ));
        }
        if self.max_queue == 0 {
            out.push(("outbox.max_queue".into(), "must be at least 1".into()));
        }
        if self.notice_poll_secs == 0 {
            out.push((
                "outbox.notice_poll_secs".into(),
                "must be at least 1 second".into(),
            ));
        }
    }
}

impl Default for OutboxPolicy {
    fn default() -> Self {
        Self {
            initial_backoff_secs: Self::default_initial(),
            max_backoff_secs: Self::default_max(),
            jitter: Self::default_jitter(),
            max_queue: Self::default_queue(),
            notice_poll_secs: Self::default_notice_poll(),
        }
    }
}

/// `[server]` (aggregator): the mutual-TLS listener where child nodes submit.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSection {
    /// Address of the mTLS listener for children, e.g. `0.0.0.0:8443`.
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes; default and ceiling: the envelope limit
    /// (`schema::MAX_ENVELOPE_BYTES`).
    #[serde(default = "ServerSection::default_body")]
    pub max_body_bytes: u64,
    /// Submissions per second each client (TLS peer unit) may sustain; default 50.
    #[serde(default = "ServerSection::default_rate")]
    pub rate_per_second: u32,
    /// Submissions a client may send at once before the rate applies; default 2000 (a node
    /// flushing a long outbox).
    #[serde(default = "ServerSection::default_burst")]
    pub rate_burst: u32,
}

impl ServerSection {
    fn default_body() -> u64 {
        schema::MAX_ENVELOPE_BYTES as u64
    }

    fn default_rate() -> u32 {
        50
    }

    fn default_burst() -> u32 {
        2000
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        let max = Self::default_body();
        if self.max_body_bytes == 0 || self.max_body_bytes > max {
            out.push((
                "server.max_body_bytes".into(),
                format!(
                    "{} is outside 1..={max} (the envelope size limit)",
                    self.max_body_bytes
                ),
            ));
        }
    }
}

/// The scheduler's time zone, fixed: Vietnam has one zone and no daylight saving.
pub const TIMEZONE: chrono_tz::Tz = chrono_tz::Asia::Ho_Chi_Minh;

/// `[inspection]` (aggregator): risk-based inspection planning.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectionSection {
    /// Years looked back when scoring a unit's record; default 2.
    #[serde(default = "InspectionSection::default_look_back")]
    pub look_back_years: u32,
    /// Named non-negative weights of the risk score, e.g. `violations = 3.0`,
    /// `late_reports = 1.5`, `years_since_inspection = 1.0`. Names are snake_case.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

impl Default for InspectionSection {
    fn default() -> Self {
        Self {
            look_back_years: Self::default_look_back(),
            weights: BTreeMap::new(),
        }
    }
}

impl InspectionSection {
    fn default_look_back() -> u32 {
        2
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        if self.look_back_years == 0 {
            out.push((
                "inspection.look_back_years".into(),
                "must be at least 1".into(),
            ));
        }
        for (name, w) in &self.weights {
            let key = format!("inspection.weights.{name}");
            if schema::IndicatorCode::parse(name).is_err() {
                out.push((
                    key.clone(),
                    "weight names are snake_case ASCII, e.g. late_reports".into(),
                ));
            }
            if !w.is_finite() || *w < 0.0 {
                out.push((
                    key,
                    format!("{w} is not a weight; use a finite number >= 0"),
                ));
            }
        }
    }
}

/// `[registry]` (aggregator): which administrative units are loaded into the unit registry
/// on first start (from the embedded lists, see `config::units`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegistrySection {
    /// Areas to load with everything under them: `["75"]` loads Đồng Nai and its communes,
    /// `["VN"]` the whole country. Default: this aggregator's own unit.
    #[serde(default)]
    pub roots: Vec<UnitId>,
    /// Also load the legacy (before 1 July 2025) districts and communes that map into the
    /// roots, for history and trend charts; default true.
    #[serde(default = "RegistrySection::default_legacy")]
    pub include_legacy: bool,
    /// Optional CSV of agencies (departments, bodies) to register under the roots.
    #[serde(default)]
    pub agencies_csv: Option<PathBuf>,
}

impl RegistrySection {
    fn default_legacy() -> bool {
        true
    }
}

impl Default for RegistrySection {
    fn default() -> Self {
        Self {
            roots: Vec::new(),
            include_legacy: Self::default_legacy(),
            agencies_csv: None,
        }
    }
}

/// Makes a relative `path` absolute under `base`.
pub(crate) fn resolve(path: &mut PathBuf, base: &Path) {
    if path.is_relative() {
        *path = base.join(&*path);
    }
}

/// Checks the upstream list: unique names, non-empty names, sane timeouts.
pub(crate) fn check_upstreams(links: &[UpstreamLink], out: &mut Vec<(String, String)>) {
    for (i, link) in links.iter().enumerate() {
        if link.name.is_empty() {
            out.push((format!("upstream[{i}].name"), "must not be empty".into()));
        }
        if links[..i].iter().any(|l| l.name == link.name) {
            out.push((
                format!("upstream[{i}].name"),
                format!(
                    "`{}` is used by another upstream link; names must be unique",
                    link.name
                ),
            ));
        }
        if link.timeout_secs == Some(0) {
            out.push((
                format!("upstream[{i}].timeout_secs"),
                "must be at least 1 second".into(),
            ));
        }
    }
}
