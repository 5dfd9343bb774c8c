//! The aggregator's `[mail]` section (SMTP relay or `.eml` folder, TLS mode, private CA,
//! login with the password kept out of the file, retry delays) and `[reminders]` (schedule,
//! steering committee's mailbox, catch-up of missed days). Both reject unknown keys.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::sections::{resolve, TIMEZONE};
use super::values::{CronSchedule, Mailbox};

/// `[mail]` (aggregator): how reminders and notices leave: through an SMTP relay (`host`
/// set), or, without one, as `.eml` files in a folder (the demo). Credentials are never
/// written here: `username` plus a password read from the environment variable named by
/// `password_env` or from the file `password_file` (mode 0600).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSection {
    /// SMTP relay host name (also the name checked against its certificate); unset: each mail
    /// is written as an `.eml` file in `dir` instead.
    #[serde(default)]
    pub host: Option<String>,
    /// SMTP port; default 587 with STARTTLS, 465 with implicit TLS, 25 without TLS.
    #[serde(default)]
    pub port: Option<u16>,
    /// `starttls` (default), `implicit` (SMTPS, TLS from the first byte) or `none`.
    #[serde(default)]
    pub tls: Option<MailTls>,
    /// Older spelling of `tls`: `true` is `starttls`, `false` is `none`.
    #[serde(default)]
    pub starttls: Option<bool>,
    /// Sender mailbox, e.g. "Hệ thống BMNN <bmnn@congan.dongnai.gov.vn>".
    pub from: Mailbox,
    /// PEM file of the CA that signed the relay's certificate, when it is a private CA; only
    /// that CA is then trusted for the relay.
    #[serde(default)]
    pub ca: Option<PathBuf>,
    /// SMTP login; needs `password_env` or `password_file`.
    #[serde(default)]
    pub username: Option<String>,
    /// Name of the environment variable holding the SMTP password, e.g. `BMNN_SMTP_PASSWORD`.
    #[serde(default)]
    pub password_env: Option<String>,
    /// File holding the SMTP password (one line), readable by its owner only (mode 0600).
    #[serde(default)]
    pub password_file: Option<PathBuf>,
    /// Folder of the `.eml` files when no `host` is set; default `<data_dir>/mail`.
    #[serde(default)]
    pub dir: Option<PathBuf>,
    /// Seconds allowed for each SMTP step; default 30.
    #[serde(default = "MailSection::default_timeout")]
    pub timeout_secs: u64,
    /// First retry delay after a failed send, in seconds; doubled after each failure.
    /// Default 60.
    #[serde(default = "MailSection::default_retry_initial")]
    pub retry_initial_secs: u64,
    /// Longest retry delay, in seconds; default 3600.
    #[serde(default = "MailSection::default_retry_max")]
    pub retry_max_secs: u64,
}

/// How the connection to the SMTP relay is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTls {
    /// Plain connection upgraded with STARTTLS (required, never skipped); port 587.
    Starttls,
    /// TLS from the first byte (SMTPS); port 465.
    Implicit,
    /// No TLS at all: only for a relay on the same machine; no login allowed.
    None,
}

impl MailSection {
    fn default_timeout() -> u64 {
        30
    }
    fn default_retry_initial() -> u64 {
        60
    }
    fn default_retry_max() -> u64 {
        3_600
    }

    /// The TLS mode: `tls`, else `starttls`, else STARTTLS.
    pub fn tls_mode(&self) -> MailTls {
        match (self.tls, self.starttls) {
            (Some(t), _) => t,
            (None, Some(false)) => MailTls::None,
            (None, _) => MailTls::Starttls,
        }
    }

    /// The port: `port`, else the usual one for the TLS mode.
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(match self.tls_mode() {
            MailTls::Starttls => 587,
            MailTls::Implicit => 465,
            MailTls::None => 25,
        })
    }

    /// Time allowed for each SMTP step.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout_secs)
    }

    /// The delay before retry number `failures` (1 after the first failure): doubled each
    /// time from `retry_initial_secs`, at most `retry_max_secs`.
    pub fn retry_delay(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let secs = self
            .retry_initial_secs
            .saturating_mul(1u64 << doublings)
            .min(self.retry_max_secs);
        Duration::from_secs(secs)
    }

    pub(crate) fn resolve(&mut self, base: &Path) {
        for p in [&mut self.ca, &mut self.password_file, &mut self.dir]
            .into_iter()
            .flatten()
        {
            resolve(p, base);
        }
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        let mut bad = |key: &str, msg: String| out.push((format!("mail.{key}"), msg));
        if self.tls.is_some() && self.starttls.is_some() {
            bad(
                "starttls",
                "set only `tls` (\"starttls\", \"implicit\" or \"none\"); `starttls` is its \
                 older spelling"
                    .into(),
            );
        }
        if self.host.as_deref().is_some_and(|h| h.trim().is_empty()) {
            bad(
                "host",
                "is empty; name the SMTP relay, or leave `host` out to write .eml files".into(),
            );
        }
        let password = self.password_env.is_some() || self.password_file.is_some();
        if self.password_env.is_some() && self.password_file.is_some() {
            bad(
                "password_file",
                "set either password_env or password_file, not both".into(),
            );
        }
        if self.username.is_some() != password {
            bad(
                "username",
                "a login needs both `username` and a password source (`password_env` = the \
                 name of an environment variable, or `password_file` = a file of mode 0600); \
                 never write the password itself in this file"
                    .into(),
            );
        }
        if self.username.is_some() && self.tls_mode() == MailTls::None {
            bad(
                "tls",
                "with tls = \"none\" the password would cross the network in clear; use \
                 \"starttls\" or \"implicit\""
                    .into(),
            );
        }
        if self.ca.is_some() && self.tls_mode() == MailTls::None {
            bad(
                "ca",
                "is only used with TLS; set tls = \"starttls\" or \"implicit\", or remove ca"
                    .into(),
            );
        }
        if self.host.is_none() {
            let smtp_only = [
                ("port", self.port.is_some()),
                ("tls", self.tls.is_some() || self.starttls.is_some()),
                ("ca", self.ca.is_some()),
                ("username", self.username.is_some()),
            ];
            if let Some((key, _)) = smtp_only.iter().find(|(_, set)| *set) {
                bad(
                    key,
                    "only applies to an SMTP relay: set `host`, or remove it to keep writing \
                     .eml files"
                        .into(),
                );
            }
        }
        if self.timeout_secs == 0 {
            bad("timeout_secs", "must be at least 1 second".into());
        }
        if self.retry_initial_secs == 0 {
            bad("retry_initial_secs", "must be at least 1 second".into());
        }
        if self.retry_max_secs < self.retry_initial_secs {
            bad(
                "retry_max_secs",
                format!(
                    "{} is below retry_initial_secs ({}); raise it or lower the first delay",
                    self.retry_max_secs, self.retry_initial_secs
                ),
            );
        }
    }
}

/// `[reminders]` (aggregator): when deadline reminders, overdue notices and escalations are
/// computed and queued; which report kinds, offsets and escalation delay come from the rule
/// pack.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemindersSection {
    /// Cron expression, 6 fields with seconds first, in Asia/Ho_Chi_Minh time
    /// ([`TIMEZONE`]); default `0 0 8 * * Mon-Fri` (08:00 on weekdays).
    #[serde(default = "RemindersSection::default_schedule")]
    pub schedule: CronSchedule,
    /// The steering committee's mailbox for escalations, e.g.
    /// "Ban Chỉ đạo <bcd@dongnai.gov.vn>"; unset: escalations are not mailed.
    #[serde(default)]
    pub committee: Option<Mailbox>,
    /// A reminder whose day was missed (the service was down) still goes out this many
    /// working days late, unless a later one is due; default 2.
    #[serde(default = "RemindersSection::default_catch_up")]
    pub catch_up_working_days: u32,
}

impl RemindersSection {
    fn default_schedule() -> CronSchedule {
        CronSchedule::parse("0 0 8 * * Mon-Fri").unwrap_or_else(|_| unreachable!("valid cron"))
    }
    fn default_catch_up() -> u32 {
        2
    }

    /// The time zone the schedule is read in.
    pub fn timezone(&self) -> chrono_tz::Tz {
        TIMEZONE
    }

    pub(crate) fn check(&self, out: &mut Vec<(String, String)>) {
        if self.catch_up_working_days > 30 {
            out.push((
                "reminders.catch_up_working_days".into(),
                format!(
                    "{} is more than 30; late reminders that old help nobody",
                    self.catch_up_working_days
                ),
            ));
        }
    }
}

impl Default for RemindersSection {
    fn default() -> Self {
        Self {
            schedule: Self::default_schedule(),
            committee: None,
            catch_up_working_days: Self::default_catch_up(),
        }
    }
}
