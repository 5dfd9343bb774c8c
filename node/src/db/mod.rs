//! The node's SQLite store: the connection pool (WAL, foreign keys, busy timeout), embedded
//! migrations run at start, and one module of model code per table group. Model functions take
//! a `&mut SqliteConnection` and return `QueryResult`, so callers choose the transaction.

pub mod audit;
pub mod drafts;
pub mod outbox;
pub mod receipts;
pub mod schema;
pub mod submissions;
pub mod users;

use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::SqliteConnection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<SqliteConnection>>;

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Opens (creating if needed) the database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    let url = path
        .to_str()
        .ok_or_else(|| anyhow!("database path {} is not UTF-8", path.display()))?;
    let pool = Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(Pragmas))
        .build(ConnectionManager::<SqliteConnection>::new(url))
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    conn.run_pending_migrations(MIGRATIONS)
        .map_err(|e| anyhow!("database migration failed for {}: {e}", path.display()))?;
    Ok(pool)
}

/// Now, in UTC, as stored in TIMESTAMP columns.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(test)]
mod tests;
