//! Fresh databases for tests, so the same suite runs on both backends: a SQLite file in a
//! temporary directory by default, or, when `BMNN_TEST_POSTGRES` names a server
//! (e.g. `postgres://postgres@127.0.0.1:5432`), a new PostgreSQL database per test, dropped
//! when the [`TestDb`] is. `.ci/run` runs the node's and the aggregator's tests once each way
//! (the aggregator's stores use the same fixture, through `aggregator::store::testdb`).

use std::path::Path;
use std::sync::atomic::{AtomicU32, Ordering};

use super::any::PgConn;
use anyhow::Context as _;
use config::settings::DatabaseUrl;
use diesel::connection::SimpleConnection as _;
use diesel::Connection as _;

/// The environment variable naming the PostgreSQL server the tests use.
pub const ENV: &str = "BMNN_TEST_POSTGRES";

/// One test's database; a PostgreSQL one is dropped with this value.
#[derive(Debug)]
pub struct TestDb {
    url: DatabaseUrl,
    pg: Option<(String, String)>,
}

impl TestDb {
    /// A new database: in `dir` (as `name.db`) on SQLite, or a new PostgreSQL database when
    /// [`ENV`] is set.
    pub fn new(dir: &Path, name: &str) -> anyhow::Result<Self> {
        let Some(server) = std::env::var(ENV).ok().filter(|s| !s.is_empty()) else {
            return Ok(Self {
                url: DatabaseUrl::sqlite(dir.join(format!("{name}.db"))),
                pg: None,
            });
        };
        static SEQ: AtomicU32 = AtomicU32::new(0);
        let db = format!(
            "bmnn_t_{}_{}_{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed),
            name.chars()
                .filter(char::is_ascii_alphanumeric)
                .take(20)
                .collect::<String>()
                .to_ascii_lowercase()
        );
        let server = server.trim_end_matches('/').to_string();
        admin(&server, &format!("CREATE DATABASE {db}"))
            .with_context(|| format!("cannot create the test database {db} on {server}"))?;
        let url = DatabaseUrl::parse(&format!("{server}/{db}")).map_err(anyhow::Error::msg)?;
        Ok(Self {
            url,
            pg: Some((server, db)),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The URL as written in a settings file.
    pub fn url_string(&self) -> String {
        self.url.to_url()
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((server, db)) = &self.pg {
            // Best effort: a leftover database only costs disk on the test server.
            let _ = admin(
                server,
                &format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"),
            );
        }
    }
}

/// Runs one statement on the server's `postgres` database, on a thread of its own: tests call
/// this from async code, where the driver's runtime may not block.
fn admin(server: &str, sql: &str) -> anyhow::Result<()> {
    let (server, sql) = (server.to_string(), sql.to_string());
    std::thread::spawn(move || -> anyhow::Result<()> {
        let mut conn = PgConn::establish(&format!("{server}/postgres"))
            .with_context(|| format!("{ENV}: cannot connect to {server}/postgres"))?;
        conn.batch_execute(&sql)?;
        Ok(())
    })
    .join()
    .map_err(|_| anyhow::anyhow!("the PostgreSQL admin thread panicked"))?
}

/// A fresh node store (see [`TestDb::new`]), migrated and opened.
pub fn open(dir: &Path, name: &str) -> anyhow::Result<(TestDb, super::DbPool)> {
    open_with(dir, name, super::open_url)
}

/// A fresh database opened by `open` (the aggregator passes its own store's opener).
pub fn open_with<P>(
    dir: &Path,
    name: &str,
    open: impl FnOnce(&DatabaseUrl) -> anyhow::Result<P>,
) -> anyhow::Result<(TestDb, P)> {
    let db = TestDb::new(dir, name)?;
    let pool = open(db.url())?;
    Ok((db, pool))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The suite really runs where `.ci/run` says it does.
    #[test]
    fn backend_follows_the_environment() {
        let tmp = tempfile::tempdir().unwrap();
        let (db, pool) = open(tmp.path(), "backend").unwrap();
        let conn = pool.get().unwrap();
        let wanted = std::env::var(ENV).is_ok_and(|s| !s.is_empty());
        assert_eq!(conn.is_postgres(), wanted);
        assert_eq!(db.is_postgres(), wanted);
    }
}
