//! Fresh aggregator stores for tests, on the backend `BMNN_TEST_POSTGRES` chooses: the node's
//! [`TestDb`] fixture (whose own test checks that the backend follows the environment),
//! opened with the aggregator's migrations.

use std::path::Path;

pub use node::db::testdb::{TestDb, ENV};

/// A fresh database (see [`TestDb::new`]), migrated and opened as an aggregator's store.
pub fn open(dir: &Path, name: &str) -> anyhow::Result<(TestDb, super::DbPool)> {
    node::db::testdb::open_with(dir, name, super::open_url)
}
