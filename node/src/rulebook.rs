//! The rule book in use, replaceable while running: the base (built into the binary, or
//! `[node] rules_dir`) with the packs and holidays received in signed `rule_pack` notices laid
//! over it from `<data_dir>/rules/{packs,holidays}/`. [`LiveRules::install`] checks the whole
//! book the new files would make before writing any of them (a set that would not load is
//! refused with the reason, nothing half-applied), writes each file atomically, then switches.
//! Packs are effective-dated, so a pack installed today governs only the periods and days from
//! its `valid_from`; reports of earlier periods keep their pack. Books are small and change a
//! few times a year, so each one is leaked to give handlers a `&'static RuleBook`.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use anyhow::Context as _;
use chrono::NaiveDate;
use config::rules::{RuleBook, RulePack, RuleSources};

/// The book in use and where received files go.
#[derive(Debug)]
pub struct LiveRules {
    base_dir: Option<PathBuf>,
    installed: PathBuf,
    current: RwLock<&'static RuleBook>,
}

impl LiveRules {
    /// The base of `rules_dir` (or the embedded set) with what `installed` holds.
    pub fn load(rules_dir: Option<&Path>, installed: &Path) -> anyhow::Result<Self> {
        let live = Self {
            base_dir: rules_dir.map(Path::to_path_buf),
            installed: installed.to_path_buf(),
            current: RwLock::new(
                RuleBook::embedded().context("the embedded rule packs are broken")?,
            ),
        };
        let book = live.sources()?.build().with_context(|| {
            format!(
                "cannot load the rule packs (received ones in {})",
                installed.display()
            )
        })?;
        *live.current.write().unwrap_or_else(|p| p.into_inner()) = Box::leak(Box::new(book));
        Ok(live)
    }

    /// A fixed book (tests, tools).
    pub fn fixed(book: &'static RuleBook) -> Self {
        Self {
            base_dir: None,
            installed: PathBuf::new(),
            current: RwLock::new(book),
        }
    }

    fn sources(&self) -> anyhow::Result<RuleSources> {
        let base = match &self.base_dir {
            Some(d) => RuleSources::from_dir(d)
                .with_context(|| format!("cannot load rule packs from {}", d.display()))?,
            None => RuleSources::embedded(),
        };
        Ok(base.with_installed(&self.installed)?)
    }

    /// The book in use now.
    pub fn get(&self) -> &'static RuleBook {
        *self.current.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Packs that start after `today`: announced, not yet in force.
    pub fn upcoming(&self, today: NaiveDate) -> Vec<&'static RulePack> {
        self.get()
            .packs()
            .iter()
            .filter(|p| p.valid_from > today)
            .collect()
    }

    /// Checks the book `packs` and `holidays` would make; if it loads, writes them and
    /// switches to it. The reason in Vietnamese and English otherwise, nothing written.
    pub fn install(
        &self,
        packs: &[(String, String)],
        holidays: &[(String, String)],
    ) -> Result<(), String> {
        let book = self.check(packs, holidays)?;
        for (sub, files) in [("packs", packs), ("holidays", holidays)] {
            for (name, text) in files {
                write_atomic(&self.installed.join(sub).join(name), text)
                    .map_err(|e| format!("{e:#}"))?;
            }
        }
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = Box::leak(Box::new(book));
        Ok(())
    }
}

impl LiveRules {
    /// The book `packs` and `holidays` would make with what is installed, or why it would
    /// not load (nothing is written).
    pub fn check(
        &self,
        packs: &[(String, String)],
        holidays: &[(String, String)],
    ) -> Result<RuleBook, String> {
        if let Some((bad, _)) = packs
            .iter()
            .chain(holidays)
            .find(|(n, _)| !config::rules::is_rule_file_name(n))
        {
            return Err(format!(
                "tên tệp không hợp lệ / not a rule file name: {bad}"
            ));
        }
        self.sources()
            .map_err(|e| format!("{e:#}"))?
            .with_files(packs, holidays)
            .build()
            .map_err(|e| {
                format!("bộ quy định mới không hợp lệ / the new rule book does not load: {e}")
            })
    }
}

fn write_atomic(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().context("a rule file has a directory")?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = path.with_extension("toml.tmp");
    let mut f =
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(text.as_bytes()).and_then(|()| f.sync_all())?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot install {}", path.display()))
}

/// Where the rule files of a node's or aggregator's data directory go.
pub fn installed_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("rules")
}

#[cfg(test)]
mod tests {
    use super::*;

    const Y2028: &str = r#"year = 2028
source = "Thông báo của Bộ Nội vụ (thử)"

[[holiday]]
date = 2028-01-03
name = "Tết Dương lịch (nghỉ bù)"
"#;

    #[test]
    fn a_years_holidays_install_and_survive_a_restart_and_a_bad_set_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let live = LiveRules::load(None, dir.path()).unwrap();
        let day = chrono::NaiveDate::from_ymd_opt(2028, 1, 3).unwrap();
        assert!(live.get().is_working_day(day));
        live.install(&[], &[("2028.toml".into(), Y2028.into())])
            .unwrap();
        assert!(
            !live.get().is_working_day(day),
            "the holiday is in force at once"
        );
        let again = LiveRules::load(None, dir.path()).unwrap();
        assert!(!again.get().is_working_day(day), "and after a restart");

        // A year written twice under another name would not load: refused, nothing written.
        let e = live
            .install(&[], &[("2028-bis.toml".into(), Y2028.into())])
            .unwrap_err();
        assert!(e.contains("không hợp lệ"), "{e}");
        assert!(!dir.path().join("holidays/2028-bis.toml").exists());
        let e = live
            .install(&[("../x.toml".into(), String::new())], &[])
            .unwrap_err();
        assert!(e.contains("not a rule file name"), "{e}");
    }
}
