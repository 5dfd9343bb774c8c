//! The `rule_pack` notice: rule packs and years' holidays the national authority publishes
//! down the whole tree, so a change of the law reaches every node without a new binary. Only
//! the nation (`VN`) issues it; each file is a TOML text of at most [`MAX_RULE_FILE_BYTES`],
//! NFC, named `<name>.toml` with no path. The receiver checks the whole rule book the files
//! would make (`config::rules::RuleSources`) before installing any of them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundedVec, FieldError, FieldErrors};

/// Largest rule file carried (a pack is about 25 KiB).
pub const MAX_RULE_FILE_BYTES: usize = 256 * 1024;

/// One rule file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// `<letters, digits, - _ .>.toml`, at most 64 characters, e.g. `2027-decree12.toml`.
    pub name: String,
    /// The file's text (TOML, NFC).
    pub text: String,
}

/// What a `rule_pack` notice carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulePackUpdate {
    /// Packs, laid over the receiver's by name (a revised pack replaces its namesake).
    #[serde(default)]
    pub packs: BoundedVec<RuleFile, 8>,
    /// Years' holidays (`<year>.toml`), laid over by name.
    #[serde(default)]
    pub holidays: BoundedVec<RuleFile, 8>,
    /// What changes, in Vietnamese, shown to the units before it applies.
    pub summary: String,
}

/// Whether `name` may be a rule file received from elsewhere: `<letters, digits, - _ .>.toml`,
/// no path, at most 64 characters, not `calendar.toml`.
pub fn is_rule_file_name(name: &str) -> bool {
    name.len() <= 64
        && name != "calendar.toml"
        && name.strip_suffix(".toml").is_some_and(|stem| {
            !stem.is_empty()
                && !stem.starts_with('.')
                && stem
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

impl RulePackUpdate {
    /// At least one file; names without paths, unique; texts NFC and bounded.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.packs.is_empty() && self.holidays.is_empty() {
            errors.push(FieldError::new(
                "packs",
                "a rule pack notice carries at least one file",
            ));
        }
        if self.summary.trim().is_empty() || self.summary.len() > 2000 {
            errors.push(FieldError::new(
                "summary",
                "say what changes, in at most 2000 bytes",
            ));
        }
        for (list, files) in [("packs", &self.packs), ("holidays", &self.holidays)] {
            let mut seen = std::collections::BTreeSet::new();
            for (i, f) in files.iter().enumerate() {
                let at = |field: &str| format!("{list}[{i}].{field}");
                if !is_rule_file_name(&f.name) || !seen.insert(f.name.as_str()) {
                    errors.push(FieldError::new(
                        at("name"),
                        "not a unique file name <name>.toml without a path",
                    ));
                }
                if f.text.len() > MAX_RULE_FILE_BYTES {
                    errors.push(FieldError::new(
                        at("text"),
                        format!("larger than {MAX_RULE_FILE_BYTES} bytes"),
                    ));
                }
                if !unicode_normalization::is_nfc(&f.text) {
                    errors.push(FieldError::new(at("text"), "not Unicode NFC"));
                }
            }
        }
        errors.into_result()
    }

    /// The packs as (name, text).
    pub fn pack_files(&self) -> Vec<(String, String)> {
        self.packs
            .iter()
            .map(|f| (f.name.clone(), f.text.clone()))
            .collect()
    }

    /// The holidays as (name, text).
    pub fn holiday_files(&self) -> Vec<(String, String)> {
        self.holidays
            .iter()
            .map(|f| (f.name.clone(), f.text.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> RuleFile {
        RuleFile {
            name: name.into(),
            text: text.into(),
        }
    }

    fn update(packs: Vec<RuleFile>) -> RulePackUpdate {
        RulePackUpdate {
            packs: BoundedVec::parse(packs).unwrap(),
            holidays: BoundedVec::default(),
            summary: "Biểu mẫu mới từ năm 2027".into(),
        }
    }

    #[test]
    fn files_must_be_plain_unique_nfc_names() {
        assert!(update(vec![file("2027-a.toml", "id = \"x\"")])
            .validate()
            .is_ok());
        for bad in ["../x.toml", "x/y.toml", "calendar.toml", "x.txt", ""] {
            assert!(update(vec![file(bad, "")]).validate().is_err(), "{bad}");
        }
        let twice = update(vec![file("a.toml", ""), file("a.toml", "")]);
        assert!(twice.validate().is_err());
        let nfd = update(vec![file("a.toml", "title = \"Vie\u{0302}\u{0323}t\"")]);
        assert!(nfd.validate().is_err());
        assert!(update(vec![]).validate().is_err());
    }
}
