//! The texts a rule book is built from, by file name: the packs (`<id>.toml`), the working
//! calendar and the years' holidays (`holidays/<year>.toml`). The base is the set built into
//! the binary or a `[node] rules_dir`; packs and holidays received in signed `rule_pack`
//! notices are laid over it (`<data_dir>/rules/{packs,holidays}/`), a file replacing the base
//! file of the same name (a revised pack that closes its `valid_until`, a corrected year).
//! Building checks the whole book, so a set that would not load is refused as a whole.

use std::collections::BTreeMap;
use std::path::Path;

use super::{RuleBook, RuleError, EMBEDDED_CALENDAR, EMBEDDED_HOLIDAYS, EMBEDDED_PACKS};

/// Rule texts by file name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleSources {
    /// `<id>.toml` → text.
    pub packs: BTreeMap<String, String>,
    /// `calendar.toml`'s text.
    pub calendar: String,
    /// `<year>.toml` → text.
    pub holidays: BTreeMap<String, String>,
}

fn file_err(file: &Path, e: std::io::Error) -> RuleError {
    RuleError::File {
        file: file.display().to_string(),
        message: format!("cannot read it ({e}); check the rules directory"),
    }
}

/// `*.toml` files directly in `dir`, by file name; an absent directory is empty.
fn toml_files(dir: &Path, skip: &str) -> Result<BTreeMap<String, String>, RuleError> {
    let mut out = BTreeMap::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(file_err(dir, e)),
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if name.ends_with(".toml") && name != skip && path.is_file() {
            let text = std::fs::read_to_string(&path).map_err(|e| file_err(&path, e))?;
            out.insert(name.to_string(), text);
        }
    }
    Ok(out)
}

impl RuleSources {
    /// The set built into the binary.
    pub fn embedded() -> Self {
        let strip = |n: &str| n.rsplit('/').next().unwrap_or(n).to_string();
        Self {
            packs: EMBEDDED_PACKS
                .iter()
                .map(|(n, t)| (strip(n), t.to_string()))
                .collect(),
            calendar: EMBEDDED_CALENDAR.to_string(),
            holidays: EMBEDDED_HOLIDAYS
                .iter()
                .map(|(n, t)| (strip(n), t.to_string()))
                .collect(),
        }
    }

    /// A directory laid out like `config/rules/` (complete: it replaces the embedded set).
    pub fn from_dir(dir: &Path) -> Result<Self, RuleError> {
        let calendar_path = dir.join("calendar.toml");
        let calendar =
            std::fs::read_to_string(&calendar_path).map_err(|e| file_err(&calendar_path, e))?;
        Ok(Self {
            packs: toml_files(dir, "calendar.toml")?,
            calendar,
            holidays: toml_files(&dir.join("holidays"), "")?,
        })
    }

    /// The base with the files of an installed directory (`packs/`, `holidays/`) laid over it.
    pub fn with_installed(mut self, dir: &Path) -> Result<Self, RuleError> {
        self.packs.extend(toml_files(&dir.join("packs"), "")?);
        self.holidays.extend(toml_files(&dir.join("holidays"), "")?);
        Ok(self)
    }

    /// The base with `packs` and `holidays` (name, text) laid over it.
    pub fn with_files(mut self, packs: &[(String, String)], holidays: &[(String, String)]) -> Self {
        self.packs.extend(packs.iter().cloned());
        self.holidays.extend(holidays.iter().cloned());
        self
    }

    /// Parses and checks the whole book.
    pub fn build(&self) -> Result<RuleBook, RuleError> {
        let packs: Vec<(String, String)> = self.packs.clone().into_iter().collect();
        let holidays: Vec<(String, String)> = self
            .holidays
            .iter()
            .map(|(n, t)| (format!("holidays/{n}"), t.clone()))
            .collect();
        RuleBook::from_sources(&packs, ("calendar.toml", &self.calendar), &holidays)
    }
}

/// Whether `name` may be a rule file received from elsewhere (the contract's rule, see
/// `schema::is_rule_file_name`).
pub fn is_rule_file_name(name: &str) -> bool {
    schema::is_rule_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_sources_build_the_embedded_book() {
        let book = RuleSources::embedded().build().unwrap();
        let ids: Vec<&str> = book.packs().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["2020-law29", "2026-law117"]);
    }

    #[test]
    fn rule_file_names_have_no_path() {
        for ok in ["2027-decree12.toml", "2028.toml", "a_b.toml"] {
            assert!(is_rule_file_name(ok), "{ok}");
        }
        for bad in [
            "../x.toml",
            "a/b.toml",
            ".toml",
            "x.txt",
            "calendar.toml",
            ".hidden.toml",
        ] {
            assert!(!is_rule_file_name(bad), "{bad}");
        }
    }
}
