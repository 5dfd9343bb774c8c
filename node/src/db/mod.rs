//! The node's store: SQLite (WAL, foreign keys, busy timeout; the default) or PostgreSQL (the
//! schema [`PG_SCHEMA`], for an aggregator's own node store in the aggregator's database), the
//! connection pool ([`any`]), embedded migrations run at start, and one module of model code
//! per table group. Model functions take a `&mut AnyConn` and return `QueryResult`, so callers
//! choose the transaction.

pub mod any;
pub mod attachments;
pub mod audit;
pub mod drafts;
pub mod notices;
pub mod outbox;
pub mod receipts;
pub mod schema;
pub mod submissions;
pub mod testdb;
pub mod unnest;
pub mod users;

use std::path::Path;

use anyhow::{anyhow, Context as _};
use config::settings::DatabaseUrl;
use diesel::connection::SimpleConnection;
use diesel::{Connection as _, SqliteConnection};
use diesel_migrations::embed_migrations;

use any::{AnyConn, Migrations};

/// The node's migrations, one folder per backend (the DDL differs: autoincrement, triggers).
pub const MIGRATIONS: Migrations = Migrations {
    sqlite: embed_migrations!("migrations/sqlite"),
    postgres: embed_migrations!("migrations/postgres"),
};

/// On PostgreSQL the node's tables live in a schema of their own, so an aggregator's own node
/// store (its outbox to the parent, the parent's receipts, its web users and sessions) shares
/// the aggregator's database without its `audit_log` and `notices` meeting the aggregator's.
pub const PG_SCHEMA: &str = "bmnn_node";

pub type DbPool = any::AnyPool;
pub type DbConn = any::AnyPooled;

/// Set on every SQLite connection: a 10 s busy wait (first: switching to WAL needs a lock, and
/// without the wait a connection opened while another process writes failed at once with
/// "database is locked"), WAL, fsync on commit, foreign keys.
pub const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

/// Runs `f` on a connection from `pool` on tokio's blocking pool (database calls block).
pub async fn blocking<T: Send + 'static>(
    pool: &DbPool,
    f: impl FnOnce(&mut AnyConn) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().context("cannot get a database connection")?;
        f(&mut conn)
    })
    .await
    .context("database task panicked")?
}

/// Opens (creating if needed) the node's SQLite database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    open_url(&DatabaseUrl::sqlite(path))
}

/// Opens the node's store at `url`: a SQLite file, or the schema [`PG_SCHEMA`] of a
/// PostgreSQL database (created if needed); runs pending migrations.
pub fn open_url(url: &DatabaseUrl) -> anyhow::Result<DbPool> {
    any::open_any_in(url, MIGRATIONS, Some(PG_SCHEMA))
}

fn utf8(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow!("database path {} is not UTF-8", path.display()))
}

/// Creates the SQLite file at `path` if needed and switches it to WAL mode on one connection,
/// before a pool opens its connections at once: switching the journal mode takes an exclusive
/// lock, and pooled connections racing to do it on a new file fail with "database is locked".
pub fn prepare_wal(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    let mut conn = SqliteConnection::establish(utf8(path)?)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
        .with_context(|| format!("cannot switch {} to WAL mode", path.display()))?;
    Ok(())
}

/// Now, in UTC, as stored in TIMESTAMP columns.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(test)]
mod tests;
