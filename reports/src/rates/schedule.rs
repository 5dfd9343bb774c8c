//! Due dates from the rule book: for each periodic report kind and period year, the data span
//! and the deadline of each filer class, from the pack in force on the period's last day
//! (`ReportingPeriod::Annual(year).end()`, as `config::rules` prescribes).
//!
//! Who files what: provinces file the consolidated report (to BCA, `Tier::National`
//! deadline); units under a province file every other periodic kind to the province
//! (`Tier::Province` deadline) and central agencies to BCA (`Tier::National` deadline). A class
//! whose deadline the pack does not define owes nothing. Five-year reviews have no form in the
//! packs yet: pass their [`Due`]s by hand.

use config::rules::{RuleBook, RuleError};
use schema::{ReportKind, ReportingPeriod};

use super::model::{Due, Filer};
use super::RatesError;

fn filers_of(kind: ReportKind) -> &'static [Filer] {
    match kind {
        ReportKind::ConsolidatedReport => &[Filer::Province],
        _ => &[Filer::Local, Filer::Central],
    }
}

/// The dues of `kinds` for every period year in `years`, as `Annual(year)` periods. Errors: no
/// pack in force, a kind that is not periodic, or one nobody owes under the pack.
pub fn dues_from_rules(
    rules: &RuleBook,
    kinds: &[ReportKind],
    years: std::ops::RangeInclusive<i32>,
) -> Result<Vec<Due>, RatesError> {
    let mut out = Vec::new();
    for year in years {
        let period = ReportingPeriod::Annual(year);
        let pack = rules
            .pack_for(period.end())
            .map_err(|e| RatesError::Rules(e.to_string()))?;
        for &kind in kinds {
            let (starts, ends) = pack.period(kind, year).ok_or_else(|| {
                RatesError::Rules(format!(
                    "pack {} gives no data period for {} reports: only periodic kinds have dues",
                    pack.id,
                    kind.code()
                ))
            })?;
            let before = out.len();
            for &filer in filers_of(kind) {
                let Some(tier) = filer.receiving_tier() else {
                    continue;
                };
                match pack.deadline(kind, tier, year) {
                    Ok(deadline) => out.push(Due {
                        kind,
                        period,
                        starts,
                        ends,
                        filer,
                        deadline,
                    }),
                    Err(RuleError::NoDeadline { .. }) => {}
                    Err(e) => return Err(RatesError::Rules(e.to_string())),
                }
            }
            if out.len() == before {
                return Err(RatesError::Rules(format!(
                    "pack {} has no deadline for {} reports from any filer class",
                    pack.id,
                    kind.code()
                )));
            }
        }
    }
    Ok(out)
}
