//! Setting values parsed at the boundary: `https://` URLs, database URLs, 6-field cron
//! expressions, mail addresses and the outbox jitter fraction. Each type only exists valid.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// An absolute `https://` URL (TLS is mandatory between nodes).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HttpsUrl(String);

impl HttpsUrl {
    /// Checks that `raw` is `https://host[:port][/path]` with no spaces or credentials.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = |why: &str| {
            format!("`{raw}` is not a usable URL: {why}; write e.g. https://pa03.congan.dongnai.gov.vn:8443/")
        };
        let rest = raw
            .strip_prefix("https://")
            .ok_or_else(|| bad("it must start with https://"))?;
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if authority.is_empty() {
            return Err(bad("the host is missing"));
        }
        if authority.contains('@') {
            return Err(bad(
                "credentials in the URL are not allowed (nodes authenticate by certificate)",
            ));
        }
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("it contains spaces or control characters"));
        }
        if let Some((_, port)) = authority
            .rsplit_once(':')
            .filter(|_| !authority.ends_with(']'))
        {
            if port.parse::<u16>().is_err() {
                return Err(bad("the port is not a number between 0 and 65535"));
            }
        }
        Ok(Self(raw.to_string()))
    }

    /// The URL text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HttpsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for HttpsUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<HttpsUrl> for String {
    fn from(u: HttpsUrl) -> String {
        u.0
    }
}

/// Where the database lives. The backend is chosen from the scheme here, so a typo is reported
/// with its real cause (see STACK.md pitfall 5).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum DatabaseUrl {
    /// `sqlite://<path>`: a SQLite file (relative paths resolve against the settings file).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`: passed to the driver as written.
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://<path>`, `postgres://…` or `postgresql://…`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "`sqlite://` needs a file path, e.g. sqlite:///var/lib/bmnn/node.db".into(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        for scheme in ["postgres://", "postgresql://"] {
            if let Some(rest) = raw.strip_prefix(scheme) {
                if rest.is_empty() || rest.starts_with('/') && rest.len() == 1 {
                    return Err(format!("`{scheme}` needs a host and database, e.g. {scheme}bmnn@127.0.0.1:5432/bmnn"));
                }
                return Ok(Self::Postgres(raw.to_string()));
            }
        }
        Err(format!(
            "database URL `{}` has an unsupported scheme; use sqlite://<path> or postgres://user@host:port/db",
            redact(raw)
        ))
    }

    /// The SQLite file at `path`.
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        Self::Sqlite(path.into())
    }

    /// The URL as the driver wants it. May contain a password: never log it; log
    /// [`DatabaseUrl::redacted`].
    pub fn to_url(&self) -> String {
        match self {
            Self::Sqlite(p) => format!("sqlite://{}", p.display()),
            Self::Postgres(u) => u.clone(),
        }
    }

    /// The URL with any password replaced by `***`, for logs and error messages.
    pub fn redacted(&self) -> String {
        redact(&self.to_url())
    }

    pub(crate) fn resolve(&mut self, base: &Path) {
        if let Self::Sqlite(p) = self {
            if p.is_relative() {
                *p = base.join(&*p);
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

impl TryFrom<String> for DatabaseUrl {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

/// Replaces the password of `scheme://user:password@host` with `***`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// A cron expression for the `cron` crate: 6 fields, **seconds first**
/// (`sec min hour day-of-month month day-of-week`), e.g. `0 0 8 * * Mon-Fri`.
/// A classic 5-field line is rejected here because the crate would misread it
/// (STACK.md pitfall 8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CronSchedule(String);

impl CronSchedule {
    /// Checks the field count (the full grammar is checked by the scheduler at start-up).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let fields: Vec<&str> = raw.split_whitespace().collect();
        if fields.len() != 6 {
            let hint = if fields.len() == 5 {
                format!("; add a seconds field first: `0 {}`", fields.join(" "))
            } else {
                String::new()
            };
            return Err(format!(
                "cron expression `{raw}` has {} fields; write 6, seconds first \
                 (sec min hour day month weekday), e.g. `0 0 8 * * Mon-Fri`{hint}",
                fields.len()
            ));
        }
        Ok(Self(fields.join(" ")))
    }

    /// The expression, fields separated by single spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CronSchedule {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<CronSchedule> for String {
    fn from(c: CronSchedule) -> String {
        c.0
    }
}

/// A sender mailbox: `bmnn@congan.dongnai.gov.vn` or `Tên hiển thị <bmnn@congan.dongnai.gov.vn>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Mailbox(String);

impl Mailbox {
    /// Light syntax check; the mail library does the full parse.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let addr = match (raw.rfind('<'), raw.strip_suffix('>')) {
            (Some(i), Some(_)) => &raw[i + 1..raw.len() - 1],
            _ => raw,
        };
        let ok = match addr.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.contains('@')
                    && !addr.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if ok {
            Ok(Self(
                unicode_normalization::UnicodeNormalization::nfc(raw).collect(),
            ))
        } else {
            Err(format!(
                "`{raw}` is not a mail address; write e.g. bmnn@congan.dongnai.gov.vn or \
                 \"Hệ thống BMNN <bmnn@congan.dongnai.gov.vn>\""
            ))
        }
    }

    /// The mailbox text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Mailbox {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Mailbox> for String {
    fn from(m: Mailbox) -> String {
        m.0
    }
}

/// A fraction in `0.0..=1.0` (e.g. retry jitter: 0.2 spreads each delay by ±20%).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Fraction(f64);

impl Fraction {
    /// Checks `0.0 <= v <= 1.0`.
    pub fn new(v: f64) -> Result<Self, String> {
        if (0.0..=1.0).contains(&v) {
            Ok(Self(v))
        } else {
            Err(format!(
                "{v} is not a fraction; use a number from 0.0 to 1.0, e.g. 0.2"
            ))
        }
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Fraction {
    type Error = String;
    fn try_from(v: f64) -> Result<Self, String> {
        Self::new(v)
    }
}

impl From<Fraction> for f64 {
    fn from(f: Fraction) -> f64 {
        f.0
    }
}
