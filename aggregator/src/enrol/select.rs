//! Which units get codes: a scope as requests write it (`tier:75:commune`, `kind:75:Sở`,
//! `unit:75.26041`, `list:…`, `subtree:75`), resolved against the registry on a day, within
//! this aggregator's subtree, and — by default — only the units that hold no certificate that
//! is still valid and not revoked (so a second run does not hand out codes twice).

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use schema::UnitId;

use super::Enrolment;
use crate::store::AnyConn;

/// Units (id, name) of `scope` under `own` on `today`, sorted by Vietnamese name.
pub fn units(
    e: &Enrolment,
    conn: &mut AnyConn,
    own: &UnitId,
    scope: &str,
    missing_only: bool,
    today: NaiveDate,
) -> anyhow::Result<Vec<(UnitId, String)>> {
    let addressee = crate::requests::resolve_scope(conn, scope, today)?;
    let covered = if missing_only {
        e.units_with_valid_certificate()?
    } else {
        HashSet::new()
    };
    let mut out: Vec<(UnitId, String)> = crate::store::units::all(conn)?
        .into_iter()
        .filter(|u| u.holds_on(today) && !covered.contains(&u.id))
        .filter_map(|u| UnitId::parse(&u.id).ok().map(|id| (id, u.name)))
        .filter(|(id, _)| id != own && own.contains(id) && addressee.reaches(id))
        .collect();
    out.sort_by_cached_key(|(id, name)| (config::units::vi_sort_key(name), id.clone()));
    out.dedup_by(|a, b| a.0 == b.0);
    Ok(out)
}

impl Enrolment {
    /// Units holding a leaf of this CA that is neither expired nor revoked.
    pub fn units_with_valid_certificate(&self) -> anyhow::Result<HashSet<String>> {
        let now = Utc::now();
        let revoked: HashSet<String> = self
            .ca
            .revoked()?
            .into_iter()
            .map(|r| r.serial.to_string())
            .collect();
        Ok(self
            .ca
            .issued()?
            .into_iter()
            .filter(|i| i.kind != "intermediate" && i.not_after > now)
            .filter(|i| !revoked.contains(&i.serial.to_string()))
            .map(|i| i.unit.to_string())
            .collect())
    }
}
