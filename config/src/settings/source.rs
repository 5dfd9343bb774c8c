//! Reading a settings file, merging `BMNN__SECTION__KEY=value` environment overrides into
//! it as a `toml::Value`, and deserialising the result with the key path of any error, the
//! file it came from and, when the value came from the environment, the variable's name.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

/// Prefix of the environment variables that override settings.
pub const ENV_PREFIX: &str = "BMNN__";

/// Why settings could not be loaded. The message names the file, the key and, for an override,
/// the environment variable.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// The file could not be read.
    #[error("cannot read settings file {}: {source}; check the path and its permissions", path.display())]
    Read {
        /// The settings file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("settings file {} is not valid TOML: {message}", path.display())]
    Syntax {
        /// The settings file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },
    /// An environment variable cannot be applied.
    #[error("environment variable {var}: {message}")]
    Env {
        /// The variable's name.
        var: String,
        /// What is wrong with it.
        message: String,
    },
    /// A key is unknown, missing or has a bad value.
    #[error("{}", InvalidDisplay { path, key, env_var: env_var.as_deref(), message })]
    Invalid {
        /// The settings file.
        path: PathBuf,
        /// Dotted key path, e.g. `node.listen` or `upstream[0].url`.
        key: String,
        /// The environment variable the value came from, if it did.
        env_var: Option<String>,
        /// What is wrong and what to do.
        message: String,
    },
}

struct InvalidDisplay<'a> {
    path: &'a Path,
    key: &'a str,
    env_var: Option<&'a str>,
    message: &'a str,
}

impl fmt::Display for InvalidDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "settings file {}: key `{}`",
            self.path.display(),
            self.key
        )?;
        match self.env_var {
            Some(var) => write!(
                f,
                " (value from environment variable {var}): {}; fix or unset {var}",
                self.message
            ),
            None => write!(f, ": {}; fix the file", self.message),
        }
    }
}

/// Environment overrides: dotted key → (variable name, raw text, parsed value).
pub(crate) struct Overrides(BTreeMap<String, (String, String, toml::Value)>);

impl Overrides {
    /// The variable that set `key` or one of its ancestors (an inline table or array).
    pub(crate) fn origin(&self, key: &str) -> Option<&str> {
        self.0.iter().find_map(|(k, (var, _, _))| {
            let hit = key == k
                || key
                    .strip_prefix(k.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['));
            hit.then_some(var.as_str())
        })
    }
}

/// Parses the `BMNN__…` variables among `env` (others are ignored).
pub(crate) fn overrides(
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<Overrides, SettingsError> {
    let mut out = BTreeMap::new();
    for (var, raw) in env {
        let Some(rest) = var.strip_prefix(ENV_PREFIX) else {
            continue;
        };
        let parts: Vec<String> = rest.split("__").map(str::to_lowercase).collect();
        if parts.iter().any(String::is_empty) {
            return Err(SettingsError::Env {
                var,
                message: "empty key segment; write BMNN__SECTION__KEY, e.g. BMNN__NODE__LISTEN"
                    .into(),
            });
        }
        let value = literal(&raw);
        out.insert(parts.join("."), (var, raw, value));
    }
    Ok(Overrides(out))
}

/// A TOML literal (integer, float, bool, date, inline array or table) if `raw` is one,
/// else the string itself.
fn literal(raw: &str) -> toml::Value {
    raw.parse::<toml::Value>()
        .unwrap_or_else(|_| toml::Value::String(raw.to_string()))
}

/// Sets `key` (dotted) to `value`, creating tables on the way.
fn set(
    root: &mut toml::Table,
    key: &str,
    value: toml::Value,
    var: &str,
) -> Result<(), SettingsError> {
    let parts: Vec<&str> = key.split('.').collect();
    let (last, parents) = parts.split_last().unwrap_or((&"", &[]));
    let mut table = root;
    for (i, part) in parents.iter().enumerate() {
        let entry = table
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry.as_table_mut().ok_or_else(|| SettingsError::Env {
            var: var.to_string(),
            message: format!(
                "`{}` is a value, not a section, so `{key}` cannot be set inside it",
                parts[..=i].join(".")
            ),
        })?;
    }
    table.insert(last.to_string(), value);
    Ok(())
}

/// Reads `path`, applies `env` and deserialises `T`.
pub(crate) fn load<T: DeserializeOwned>(
    path: &Path,
    env: impl IntoIterator<Item = (String, String)>,
) -> Result<(T, Overrides), SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let base: toml::Table = toml::from_str(&text).map_err(|e| SettingsError::Syntax {
        path: path.to_path_buf(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut env = overrides(env)?;
    // A literal that parsed as a number (`75`, `75.26041`) where the field wants text is
    // retried as the raw string; each retry fixes one key, so this ends. If the retry fails
    // too, the first error is the one reported.
    let mut first_error: Option<(String, String)> = None;
    loop {
        let mut merged = base.clone();
        for (key, (var, _, value)) in &env.0 {
            set(&mut merged, key, value.clone(), var)?;
        }
        let e = match serde_path_to_error::deserialize::<_, T>(toml::Value::Table(merged)) {
            Ok(v) => return Ok((v, env)),
            Err(e) => e,
        };
        let key = key_of(&e);
        let message = e.inner().message().to_string();
        if let Some((k, m)) = first_error.take().filter(|(k, _)| *k == key) {
            // The retry failed too. If the literal was merely the wrong type, the text's own
            // error says more (`invalid unit id …`); otherwise keep the first (`-5 … u32`).
            let m = if m.starts_with("invalid type:") {
                message
            } else {
                m
            };
            return Err(invalid(path, &env, k, m));
        }
        match env.0.get_mut(&key).filter(|(_, _, v)| !v.is_str()) {
            Some((_, raw, value)) => {
                *value = toml::Value::String(raw.clone());
                first_error = Some((key, message));
            }
            None => return Err(invalid(path, &env, key, message)),
        }
    }
}

/// The dotted key of a deserialisation error; for an unknown key, the key itself.
fn key_of(e: &serde_path_to_error::Error<toml::de::Error>) -> String {
    let mut key = e.path().to_string();
    if key == "." {
        key.clear();
    }
    let msg = e.inner().message();
    let named = ["unknown field `", "missing field `"]
        .iter()
        .find_map(|p| msg.strip_prefix(p))
        .and_then(|r| r.split('`').next());
    if let Some(name) = named {
        let already = key == name || key.ends_with(&format!(".{name}"));
        if !already {
            key = if key.is_empty() {
                name.to_string()
            } else {
                format!("{key}.{name}")
            };
        }
    }
    key
}

pub(crate) fn invalid(path: &Path, env: &Overrides, key: String, message: String) -> SettingsError {
    let mut message = message.trim_end().to_string();
    if message == "invalid socket address syntax" {
        message.push_str(": write an IP address and port, e.g. 127.0.0.1:8080 (not a host name)");
    }
    SettingsError::Invalid {
        path: path.to_path_buf(),
        env_var: env.origin(&key).map(str::to_string),
        key: if key.is_empty() {
            "(top level)".into()
        } else {
            key
        },
        message,
    }
}
