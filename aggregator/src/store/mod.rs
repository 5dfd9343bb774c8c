//! The aggregator's store: SQLite (one file, the default) or PostgreSQL, chosen by
//! `[node] database_url`; the connection pool, the embedded migrations of each backend
//! (`aggregator/migrations/{sqlite,postgres}`) run at start, and one module of model code per
//! table group. Model functions take a `&mut AnyConn` and return `QueryResult`, so callers
//! choose the transaction; queries run natively on each backend through `node::dispatch!`.

pub mod enrolment;
pub mod figures;
pub mod jobs;
pub mod notices;
pub mod received;
pub mod requests;
pub mod schema;
pub mod testdb;
pub mod units;

use std::path::{Path, PathBuf};

use config::settings::{AggregatorSettings, DatabaseUrl};
use diesel_migrations::embed_migrations;
use node::db::any::Migrations;

pub use node::db::any::{AnyConn, AnyPool as DbPool, AnyPooled as DbConn};

pub const MIGRATIONS: Migrations = Migrations {
    sqlite: embed_migrations!("migrations/sqlite"),
    postgres: embed_migrations!("migrations/postgres"),
};

/// File name of the database in `[node] data_dir` when no `database_url` is set.
pub const DEFAULT_DB_FILE: &str = "aggregator.db";

/// Where the settings put the database: `[node] database_url`, or `<data_dir>/aggregator.db`.
pub fn database_url(settings: &AggregatorSettings) -> DatabaseUrl {
    match &settings.node.database_url {
        None => DatabaseUrl::sqlite(default_path(settings)),
        Some(url) => url.clone(),
    }
}

fn default_path(settings: &AggregatorSettings) -> PathBuf {
    settings.node.data_dir.join(DEFAULT_DB_FILE)
}

/// Opens the database the settings point at (creating a SQLite file if needed) and runs
/// pending migrations.
pub fn open_settings(settings: &AggregatorSettings) -> anyhow::Result<DbPool> {
    open_url(&database_url(settings))
}

/// Opens the database at `url`, runs pending migrations and extracts the figures of versions
/// stored before `report_figures` existed.
pub fn open_url(url: &DatabaseUrl) -> anyhow::Result<DbPool> {
    let pool = node::db::any::open_any(url, MIGRATIONS)?;
    // On a thread of its own, like the migrations: callers may be async.
    let p = pool.clone();
    let n = std::thread::spawn(move || figures::backfill(&mut *p.get()?))
        .join()
        .map_err(|_| anyhow::anyhow!("the figures backfill thread panicked"))??;
    if n > 0 {
        tracing::info!(
            versions = n,
            "figures extracted from reports stored earlier"
        );
    }
    Ok(pool)
}

/// Opens (creating if needed) the SQLite database at `path` and runs pending migrations.
pub fn open(path: &Path) -> anyhow::Result<DbPool> {
    open_url(&DatabaseUrl::sqlite(path))
}
