//! The ingest's registry answers, cached: "is this unit under us during this period?" costs
//! several queries and every report asks it, but the registry changes a few times a year. The
//! answers are kept under the registry's change counter (`units::version`, kept by triggers
//! whichever process changes the registry) and dropped as soon as it moves, so a `registry
//! merge` run beside a serving aggregator takes effect with the next report. One small query
//! per report remains: reading the counter.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use schema::UnitId;

use crate::registry;
use crate::store::{units, AnyConn};

/// Answers beyond this many are dropped (and recomputed as asked).
const CAPACITY: usize = 65_536;

type Key = (UnitId, NaiveDate, NaiveDate);

/// The cache of one aggregator's ingest.
#[derive(Debug, Default)]
pub struct SubtreeCache {
    inner: Mutex<(i64, HashMap<Key, bool>)>,
}

impl SubtreeCache {
    /// `Some(answer)` whether `unit` is under `root` during `first..=last`, per the registry;
    /// `None` when the registry is empty (nothing to check against).
    pub fn in_subtree_during(
        &self,
        conn: &mut AnyConn,
        root: &UnitId,
        unit: &UnitId,
        first: NaiveDate,
        last: NaiveDate,
    ) -> diesel::QueryResult<Option<bool>> {
        let version = units::version(conn)?;
        if version == 0 {
            return Ok(None);
        }
        let key = (unit.clone(), first, last);
        {
            let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let (cached, answers) = &mut *guard;
            if *cached != version {
                *cached = version;
                answers.clear();
            }
            if let Some(answer) = answers.get(&key) {
                return Ok(Some(*answer));
            }
        }
        let answer = registry::in_subtree_during(conn, root, unit, first, last)?;
        let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (cached, answers) = &mut *guard;
        // Kept only if the registry read was of the version the answer is filed under; a
        // change since then has already moved the counter, and the next report sees it.
        if *cached == version {
            if answers.len() >= CAPACITY {
                answers.clear();
            }
            answers.insert(key, answer);
        }
        Ok(Some(answer))
    }
}
