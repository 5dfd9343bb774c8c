//! The aggregator's SQLite store: the connection pool (WAL, busy timeout), embedded migrations
//! (`aggregator/migrations/sqlite`) run at start, and one module of model code per table group.
//! Model functions take a `&mut SqliteConnection` and return `QueryResult`, so callers choose
//! the transaction. PostgreSQL for the national aggregator comes with the full aggregator.

pub mod received;
pub mod schema;
pub mod units;

use std::path::{Path, PathBuf};

use anyhow::bail;
use config::settings::{AggregatorSettings, DatabaseUrl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// File name of the database in `[node] data_dir` when no `database_url` is set.
pub const DEFAULT_DB_FILE: &str = "aggregator.db";

pub use node::db::{prepare_wal, DbConn, DbPool};

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

/// Opens (creating if needed) the database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    node::db::open_sqlite(path, MIGRATIONS)
}
