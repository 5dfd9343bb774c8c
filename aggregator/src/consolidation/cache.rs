//! The consolidated report's figures kept between page views: the report page, its DOCX and
//! XLSX and the draft page all start from [`super::build`], which at a province of 5,000 units
//! adds some 70,000 stored figures. [`BuildCache::get`] builds once per period and builds again
//! only when what the figures depend on moved: the versions received (and with them
//! `report_figures`), the registry (its change counter), this aggregator's inspections and
//! findings, or the rule book. Checking costs three counts. Each process keeps its own cache;
//! the check reads the shared database, so several processes never show stale figures.
//! Signing (`decision::send_approved`) never uses it: it builds afresh.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use diesel::prelude::*;
use schema::{ReportingPeriod, UnitId};

use super::Built;
use crate::store::schema::{inspection_findings, inspections, received};
use crate::store::AnyConn;

/// What the figures depend on, as counters read from the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    received: i64,
    registry: i64,
    inspections: i64,
    findings: i64,
    /// The rule book in force (a new pack installs a new book).
    rules: usize,
}

fn version(conn: &mut AnyConn, rules: &config::rules::RuleBook) -> QueryResult<Version> {
    let (received, inspections, findings) = node::dispatch!(&mut *conn, |c| {
        let r: i64 = received::table.count().get_result(c)?;
        let i: i64 = inspections::table.count().get_result(c)?;
        let f: i64 = inspection_findings::table.count().get_result(c)?;
        Ok::<_, diesel::result::Error>((r, i, f))
    })?;
    Ok(Version {
        received,
        registry: crate::store::units::version(conn).unwrap_or(0),
        inspections,
        findings,
        rules: rules as *const _ as usize,
    })
}

type Entry = (Version, Arc<Built>);

/// Built consolidated reports by (scope, period).
#[derive(Debug, Default, Clone)]
pub struct BuildCache {
    inner: Arc<Mutex<HashMap<(UnitId, ReportingPeriod), Entry>>>,
}

impl BuildCache {
    /// The consolidated report of `scope` for `period`, built afresh only when the data moved.
    pub fn get(
        &self,
        conn: &mut AnyConn,
        rules: &config::rules::RuleBook,
        scope: &UnitId,
        period: ReportingPeriod,
    ) -> anyhow::Result<Arc<Built>> {
        let now = version(conn, rules)?;
        let key = (scope.clone(), period);
        if let Some((v, built)) = self.lock().get(&key) {
            if *v == now {
                return Ok(built.clone());
            }
        }
        let built = Arc::new(super::build(conn, rules, scope, period)?);
        let mut map = self.lock();
        // Ten periods at most: a page asks for a few.
        if map.len() >= 10 {
            map.clear();
        }
        map.insert(key, (now, built.clone()));
        Ok(built)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(UnitId, ReportingPeriod), Entry>> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}
