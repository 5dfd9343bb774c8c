//! Typed settings of a node (`NodeSettings`) and of an aggregator (`AggregatorSettings`),
//! loaded from a TOML file plus environment overrides.
//!
//! # Environment overrides
//! `BMNN__SECTION__KEY=value` sets `[section] key`; deeper keys take more `__`
//! (`BMNN__INSPECTION__WEIGHTS__LATE_REPORTS=2.5`). Section and key are lower-cased. The value
//! is read as a TOML literal when it is one (integer, float, bool, date, inline array
//! `["75"]`, inline table) and as a string otherwise; where a field wants text, a value that
//! happened to parse as a number (`BMNN__UNIT__ID=75.26041`) is used as the text. Arrays of
//! tables (`[[upstream]]`) can only be replaced whole, with an inline array:
//! `BMNN__UPSTREAM=[{name="Tỉnh", url="https://…", max_classification="mat"}]`.
//!
//! # Errors
//! Every error names the file and the dotted key (`upstream[0].url`) and, when the value came
//! from the environment, the variable. Unknown keys are rejected.
//!
//! # Paths
//! Relative paths (data directory, TLS files, rules directory, `sqlite://` files, mail CA,
//! mail password file and `.eml` folder, agencies CSV) resolve against the directory of the
//! settings file.

mod attachments;
mod enrolment;
mod mail;
mod relay;
mod sections;
mod source;
mod tls;
mod values;

use std::path::Path;

use serde::Deserialize;

pub use attachments::AttachmentsSection;
pub use enrolment::{EnrolmentSection, Lifetime};
pub use mail::{MailSection, MailTls, RemindersSection};
pub use relay::RelaySection;
pub use sections::{
    InspectionSection, NodeSection, OutboxPolicy, RegistrySection, ServerSection, UnitSection,
    UpstreamLink, DEFAULT_UPSTREAM_TIMEOUT, TIMEZONE,
};
pub use source::{SettingsError, ENV_PREFIX};
pub use tls::{CrlStalePolicy, TlsSection};
pub use values::{CronSchedule, DatabaseUrl, Fraction, HttpsUrl, Mailbox};

use source::Overrides;

/// Settings of a reporting node (a unit's installation).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSettings {
    /// The unit this node reports for.
    pub unit: UnitSection,
    /// Storage, web UI listener, rules override.
    pub node: NodeSection,
    /// This node's certificate material.
    pub tls: TlsSection,
    /// Links to the nodes above; at least one.
    #[serde(default)]
    pub upstream: Vec<UpstreamLink>,
    /// Retry policy of the outbox.
    #[serde(default)]
    pub outbox: OutboxPolicy,
    /// Limits on attached files.
    #[serde(default)]
    pub attachments: AttachmentsSection,
}

/// Settings of an aggregator (a province, or BCA): everything a node has for its own
/// upstream, plus the listener for children, mail, reminders, inspection planning and the
/// registry seed.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregatorSettings {
    /// The unit this aggregator serves (a province `75`, or the nation `VN`).
    pub unit: UnitSection,
    /// Storage (`sqlite://` or `postgres://`), web UI listener, rules override.
    pub node: NodeSection,
    /// This aggregator's certificate material (server and client side).
    pub tls: TlsSection,
    /// Links to the level above; empty for the national aggregator.
    #[serde(default)]
    pub upstream: Vec<UpstreamLink>,
    /// Retry policy of the outbox towards the upstream.
    #[serde(default)]
    pub outbox: OutboxPolicy,
    /// The mutual-TLS listener where children submit.
    pub server: ServerSection,
    /// SMTP relay for reminders; unset disables mail.
    #[serde(default)]
    pub mail: Option<MailSection>,
    /// Reminder schedule.
    #[serde(default)]
    pub reminders: RemindersSection,
    /// Inspection-planning weights.
    #[serde(default)]
    pub inspection: InspectionSection,
    /// Which administrative units to load into the registry.
    #[serde(default)]
    pub registry: RegistrySection,
    /// What goes up to the parent, and when.
    #[serde(default)]
    pub relay: RelaySection,
    /// Limits on attached files (uploads from children).
    #[serde(default)]
    pub attachments: AttachmentsSection,
    /// Enrolment of units with one-time codes and renewal of their certificates (EST); unset
    /// when this aggregator signs no certificates.
    #[serde(default)]
    pub enrolment: Option<EnrolmentSection>,
}

impl NodeSettings {
    /// Loads `path` with overrides from the process environment.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, SettingsError> {
        Self::load_from(path, std::env::vars())
    }

    /// Loads `path` with overrides from `env` (tests pass a fake environment).
    pub fn load_from(
        path: impl AsRef<Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let path = path.as_ref();
        let (mut s, env): (Self, _) = source::load(path, env)?;
        let mut problems = Vec::new();
        if s.upstream.is_empty() {
            problems.push((
                "upstream".to_string(),
                "a node needs at least one [[upstream]] link to report to".to_string(),
            ));
        }
        common_checks(&s.unit, &s.upstream, &s.outbox, &mut problems);
        s.attachments.check(&mut problems);
        first_problem(path, &env, problems)?;
        let base = base_dir(path);
        s.node.resolve(&base);
        s.tls.resolve(&base);
        Ok(s)
    }
}

impl AggregatorSettings {
    /// Loads `path` with overrides from the process environment.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, SettingsError> {
        Self::load_from(path, std::env::vars())
    }

    /// Loads `path` with overrides from `env` (tests pass a fake environment).
    pub fn load_from(
        path: impl AsRef<Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let path = path.as_ref();
        let (mut s, env): (Self, _) = source::load(path, env)?;
        let mut problems = Vec::new();
        let national = s.unit.id == schema::UnitId::national();
        if s.upstream.is_empty() && !national {
            problems.push((
                "upstream".to_string(),
                format!(
                    "aggregator `{}` needs at least one [[upstream]] link; only the national \
                     aggregator (VN) has none",
                    s.unit.id
                ),
            ));
        }
        if national && !s.upstream.is_empty() {
            problems.push((
                "upstream".to_string(),
                "the national aggregator (VN) reports to no one; remove the [[upstream]] links"
                    .to_string(),
            ));
        }
        common_checks(&s.unit, &s.upstream, &s.outbox, &mut problems);
        s.server.check(&mut problems);
        s.inspection.check(&mut problems);
        s.relay.check(&mut problems);
        s.attachments.check(&mut problems);
        s.reminders.check(&mut problems);
        if let Some(e) = &s.enrolment {
            e.check(&mut problems);
        }
        if let Some(m) = &s.mail {
            m.check(&mut problems);
        }
        first_problem(path, &env, problems)?;
        let base = base_dir(path);
        s.node.resolve(&base);
        s.tls.resolve(&base);
        if let Some(m) = s.mail.as_mut() {
            m.resolve(&base);
        }
        if let Some(e) = s.enrolment.as_mut() {
            sections::resolve(&mut e.ca, &base);
        }
        if let Some(csv) = s.registry.agencies_csv.as_mut() {
            sections::resolve(csv, &base);
        }
        if s.registry.roots.is_empty() {
            s.registry.roots.push(s.unit.id.clone());
        }
        Ok(s)
    }
}

fn common_checks(
    unit: &UnitSection,
    upstream: &[UpstreamLink],
    outbox: &OutboxPolicy,
    out: &mut Vec<(String, String)>,
) {
    if unit.name.is_empty() {
        out.push((
            "unit.name".into(),
            "must not be empty; write the unit's official name".into(),
        ));
    }
    sections::check_upstreams(upstream, out);
    outbox.check(out);
}

fn first_problem(
    path: &Path,
    env: &Overrides,
    problems: Vec<(String, String)>,
) -> Result<(), SettingsError> {
    match problems.into_iter().next() {
        Some((key, message)) => Err(source::invalid(path, env, key, message)),
        None => Ok(()),
    }
}

fn base_dir(path: &Path) -> std::path::PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    }
}
