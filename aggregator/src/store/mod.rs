//! The aggregator's SQLite store: the connection pool (WAL, busy timeout), embedded migrations
//! (`aggregator/migrations/sqlite`) run at start, and one module of model code per table group.
//! Model functions take a `&mut SqliteConnection` and return `QueryResult`, so callers choose
//! the transaction. PostgreSQL for the national aggregator comes with the full aggregator.

pub mod received;
pub mod schema;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _};
use config::settings::{AggregatorSettings, DatabaseUrl};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{Connection as _, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// File name of the database in `[node] data_dir` when no `database_url` is set.
pub const DEFAULT_DB_FILE: &str = "aggregator.db";

pub type DbPool = Pool<ConnectionManager<SqliteConnection>>;
pub type DbConn = PooledConnection<ConnectionManager<SqliteConnection>>;

#[derive(Debug)]
struct Pragmas;

impl CustomizeConnection<SqliteConnection, diesel::r2d2::Error> for Pragmas {
    fn on_acquire(&self, conn: &mut SqliteConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(
            "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
             PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )
        .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The SQLite file the settings point at: `[node] database_url`, or
/// `<data_dir>/aggregator.db`. PostgreSQL is refused for now, with the reason.
pub fn database_path(settings: &AggregatorSettings) -> anyhow::Result<PathBuf> {
    match &settings.node.database_url {
        None => Ok(settings.node.data_dir.join(DEFAULT_DB_FILE)),
        Some(DatabaseUrl::Sqlite(path)) => Ok(path.clone()),
        Some(url @ DatabaseUrl::Postgres(_)) => bail!(
            "[node] database_url is {}: this aggregator stores its data in SQLite for now \
             (PostgreSQL comes with the national aggregator); set sqlite://<path> or leave it out",
            url.redacted()
        ),
    }
}

/// Creates the SQLite file at `path` if needed and switches it to WAL mode, on one connection.
/// Done before a pool opens its connections all at once: switching the journal mode takes an
/// exclusive lock, so pooled connections racing to do it on a new file fail with "database is
/// locked".
pub fn prepare_wal(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    let url = path
        .to_str()
        .ok_or_else(|| anyhow!("database path {} is not UTF-8", path.display()))?;
    let mut conn = SqliteConnection::establish(url)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    conn.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
        .with_context(|| format!("cannot switch {} to WAL mode", path.display()))?;
    Ok(())
}

/// Opens (creating if needed) the database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    prepare_wal(path)?;
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
