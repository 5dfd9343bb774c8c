//! The node's SQLite store: the connection pool (WAL, foreign keys, busy timeout), embedded
//! migrations run at start, and one module of model code per table group. Model functions take
//! a `&mut SqliteConnection` and return `QueryResult`, so callers choose the transaction.

pub mod any;
pub mod attachments;
pub mod audit;
pub mod drafts;
pub mod notices;
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
use diesel::{Connection as _, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<SqliteConnection>>;

/// Set on every SQLite connection: a 10 s busy wait (first: switching to WAL needs a lock, and
/// without the wait a connection opened while another process writes failed at once with
/// "database is locked"), WAL, fsync on commit, foreign keys.
pub const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(SQLITE_PRAGMAS)
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// Runs `f` on a connection from `pool` on tokio's blocking pool (SQLite calls block).
pub async fn blocking<T: Send + 'static>(
    pool: &DbPool,
    f: impl FnOnce(&mut SqliteConnection) -> anyhow::Result<T> + Send + 'static,
) -> anyhow::Result<T> {
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let mut conn = pool.get().context("cannot get a database connection")?;
        f(&mut conn)
    })
    .await
    .context("database task panicked")?
}

/// Opens (creating if needed) the node's database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    open_sqlite(path, MIGRATIONS)
}

/// Opens a SQLite database with our pragmas and runs `migrations` (the aggregator passes its
/// own).
pub fn open_sqlite(path: &Path, migrations: EmbeddedMigrations) -> anyhow::Result<DbPool> {
    prepare_wal(path)?;
    let url = utf8(path)?;
    let pool = Pool::builder()
        .max_size(8)
        .connection_timeout(Duration::from_secs(30))
        .connection_customizer(Box::new(Pragmas))
        .build(ConnectionManager::<SqliteConnection>::new(url))
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    conn.run_pending_migrations(migrations)
        .map_err(|e| anyhow!("database migration failed for {}: {e}", path.display()))?;
    Ok(pool)
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
