//! One connection type for the two backends an aggregator can store in: SQLite (embedded, the
//! default) and PostgreSQL (the national aggregator), chosen from the database URL.
//!
//! PostgreSQL is reached through diesel-async's pure-Rust driver (tokio-postgres) wrapped as a
//! synchronous diesel connection, so the build needs no libpq and model code stays synchronous
//! like the node's. Each PostgreSQL connection owns a small current-thread runtime
//! ([`OwnRuntime`]): call it from plain threads, `web::block` or `spawn_blocking`, never from
//! an async task directly (tokio refuses to block inside a runtime).
//!
//! Model code runs one query per backend with [`dispatch!`](crate::dispatch): the query is
//! compiled for each backend natively, so dialect features (`ON CONFLICT`, `RETURNING`) stay
//! available. [`AnyConn::write_transaction`] opens `BEGIN IMMEDIATE` on SQLite (no lock
//! upgrades, no `SQLITE_BUSY` mid-transaction) and a plain transaction on PostgreSQL.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use anyhow::{anyhow, Context as _};
use config::settings::DatabaseUrl;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::r2d2::{ManageConnection, Pool, PooledConnection, R2D2Connection};
use diesel::result::Error as DieselError;
use diesel::{Connection, ConnectionResult, QueryResult, SqliteConnection};
use diesel_async::async_connection_wrapper::{AsyncConnectionWrapper, BlockOn};
use diesel_async::AsyncPgConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

/// A synchronous PostgreSQL connection over the pure-Rust driver.
pub type PgConn = AsyncConnectionWrapper<AsyncPgConnection, OwnRuntime>;

/// A current-thread tokio runtime owned by one PostgreSQL connection: the driver's background
/// task runs on it while a query blocks, whatever runtime (if any) the caller's thread knows.
/// Dropped without waiting (`shutdown_background`): a pool may drop its connections on a
/// thread inside another runtime (a server stopping), where a blocking drop panics.
#[derive(Debug)]
pub struct OwnRuntime(Option<tokio::runtime::Runtime>);

impl BlockOn for OwnRuntime {
    fn block_on<F: Future>(&self, f: F) -> F::Output {
        match &self.0 {
            Some(rt) => rt.block_on(f),
            // Only taken in `drop`.
            None => unreachable!("the PostgreSQL driver's runtime is gone"),
        }
    }

    fn get_runtime() -> Self {
        match tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            Ok(rt) => OwnRuntime(Some(rt)),
            // Only fails when the OS refuses a thread or an fd: nothing sensible to return.
            Err(e) => panic!("cannot start the PostgreSQL driver's runtime: {e}"),
        }
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// A connection to either backend. (Not boxed: connections live in the pool, one per slot, and
/// `dispatch!` binds the native connection directly.)
#[allow(missing_debug_implementations, clippy::large_enum_variant)]
pub enum AnyConn {
    Sqlite(SqliteConnection),
    Pg(PgConn),
}

/// Runs one expression against whichever backend `conn` holds, binding the native connection
/// to `$c`. The expression is compiled once per backend.
#[macro_export]
macro_rules! dispatch {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::any::AnyConn::Sqlite($c) => $body,
            $crate::db::any::AnyConn::Pg($c) => $body,
        }
    };
}

impl AnyConn {
    /// Opens one connection, choosing the backend from the URL.
    pub fn establish(url: &DatabaseUrl) -> ConnectionResult<Self> {
        match url {
            DatabaseUrl::Sqlite(path) => {
                SqliteConnection::establish(&path.to_string_lossy()).map(Self::Sqlite)
            }
            DatabaseUrl::Postgres(url) => PgConn::establish(url).map(Self::Pg),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Self::Pg(_))
    }

    /// Runs `f` in a write transaction: `BEGIN IMMEDIATE` on SQLite, `BEGIN` on PostgreSQL.
    /// Commits when `f` returns `Ok`, rolls back otherwise (nested calls use savepoints).
    pub fn write_transaction<T, E>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<DieselError>,
    {
        self.begin(true)?;
        match f(self) {
            Ok(v) => {
                if let Err(e) = self.end(true) {
                    let _ = self.end(false);
                    return Err(e.into());
                }
                Ok(v)
            }
            Err(e) => {
                let _ = self.end(false);
                Err(e)
            }
        }
    }

    /// Runs `f` in a read-only-in-spirit transaction (`BEGIN DEFERRED` on SQLite), for reads
    /// that must see one snapshot.
    pub fn transaction<T, E>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DieselError>,
    {
        self.begin(false)?;
        match f(self) {
            Ok(v) => {
                self.end(true)?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.end(false);
                Err(e)
            }
        }
    }

    fn begin(&mut self, write: bool) -> QueryResult<()> {
        match self {
            Self::Sqlite(c) => {
                let depth = AnsiTransactionManager::transaction_manager_status_mut(c)
                    .transaction_depth()?;
                if write && depth.is_none() {
                    AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
                } else {
                    AnsiTransactionManager::begin_transaction(c)
                }
            }
            Self::Pg(c) => <PgConn as Connection>::TransactionManager::begin_transaction(c),
        }
    }

    fn end(&mut self, commit: bool) -> QueryResult<()> {
        match (self, commit) {
            (Self::Sqlite(c), true) => AnsiTransactionManager::commit_transaction(c),
            (Self::Sqlite(c), false) => AnsiTransactionManager::rollback_transaction(c),
            (Self::Pg(c), true) => {
                <PgConn as Connection>::TransactionManager::commit_transaction(c)
            }
            (Self::Pg(c), false) => {
                <PgConn as Connection>::TransactionManager::rollback_transaction(c)
            }
        }
    }
}

impl SimpleConnection for AnyConn {
    fn batch_execute(&mut self, query: &str) -> QueryResult<()> {
        dispatch!(self, |c| c.batch_execute(query))
    }
}

/// The r2d2 manager for [`AnyConn`]: SQLite connections get the node's pragmas.
#[derive(Debug, Clone)]
pub struct AnyManager {
    url: DatabaseUrl,
    /// On PostgreSQL, the schema every connection works in (`search_path`); `None`: the
    /// server's default (`public`).
    schema: Option<&'static str>,
}

impl ManageConnection for AnyManager {
    type Connection = AnyConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<AnyConn, Self::Error> {
        let mut conn =
            AnyConn::establish(&self.url).map_err(diesel::r2d2::Error::ConnectionError)?;
        match (&mut conn, self.schema) {
            (AnyConn::Sqlite(c), _) => c.batch_execute(super::SQLITE_PRAGMAS),
            (AnyConn::Pg(c), Some(schema)) => {
                c.batch_execute(&format!("{PG_SESSION}; {}", search_path(schema)))
            }
            (AnyConn::Pg(c), None) => c.batch_execute(PG_SESSION),
        }
        .map_err(diesel::r2d2::Error::QueryError)?;
        Ok(conn)
    }

    /// Not called at checkout (the pool does not test connections, see [`open_any_in`]); kept
    /// for r2d2's own checks. A PostgreSQL connection is pinged; a SQLite connection is a
    /// file handle that cannot go stale.
    fn is_valid(&self, conn: &mut AnyConn) -> Result<(), Self::Error> {
        match conn {
            AnyConn::Sqlite(_) => Ok(()),
            AnyConn::Pg(c) => c.ping().map_err(diesel::r2d2::Error::QueryError),
        }
    }

    fn has_broken(&self, conn: &mut AnyConn) -> bool {
        dispatch!(conn, |c| c.is_broken())
    }
}

pub type AnyPool = Pool<AnyManager>;
pub type AnyPooled = PooledConnection<AnyManager>;

/// Migrations for each backend: DDL differs (autoincrement, triggers), so each has its folder.
#[allow(missing_debug_implementations)]
pub struct Migrations {
    pub sqlite: EmbeddedMigrations,
    pub postgres: EmbeddedMigrations,
}

/// Opens a pool on `url` (creating a SQLite file if needed) and runs pending migrations.
pub fn open_any(url: &DatabaseUrl, migrations: Migrations) -> anyhow::Result<AnyPool> {
    open_any_in(url, migrations, None)
}

/// [`open_any`], with the tables in `schema` on PostgreSQL (created if needed; ignored on
/// SQLite, where a store is a file of its own).
pub fn open_any_in(
    url: &DatabaseUrl,
    migrations: Migrations,
    schema: Option<&'static str>,
) -> anyhow::Result<AnyPool> {
    if let DatabaseUrl::Sqlite(path) = url {
        super::prepare_wal(path)?;
    }
    let shown = url.redacted();
    // Migrate on a thread of its own: callers may be async, where the driver may not block.
    let migrate_url = url.clone();
    std::thread::spawn(move || migrate(&migrate_url, migrations, schema))
        .join()
        .map_err(|_| anyhow!("the migration thread panicked"))??;
    // No test at checkout: on PostgreSQL a ping is a round trip, taken twice per report by the
    // ingest (measured: 27,400 pings for 12,000 reports). A connection the server dropped
    // (restart, failover) fails its next query, which reports an error (a node retries) and
    // the pool discards it (`has_broken`); the next checkout gets a new one.
    Pool::builder()
        .max_size(8)
        .min_idle(Some(1))
        .test_on_check_out(false)
        .connection_timeout(Duration::from_secs(30))
        .build(AnyManager {
            url: url.clone(),
            schema,
        })
        .with_context(|| format!("cannot open the database {shown}"))
}

/// Set on every PostgreSQL session: plan every execution of a prepared statement with its
/// parameters. PostgreSQL otherwise switches a statement to a generic plan after five
/// executions, chosen against the table as it was then: on a new database that is an empty
/// `received`, and the ingest's lookup of stored versions stayed a sequential scan while the
/// table grew (1 ms per batch at 12,000 rows, seen with auto_explain) until autovacuum's
/// ANALYZE. Planning these small statements costs tens of microseconds.
pub const PG_SESSION: &str = "SET plan_cache_mode = force_custom_plan";

/// The statement that puts a PostgreSQL session in `schema` (a constant of ours, never input).
fn search_path(schema: &str) -> String {
    format!("SET search_path TO {schema}")
}

/// The advisory lock every process takes around its migrations on PostgreSQL: processes
/// starting together on one database migrate one after the other (the second finds nothing
/// pending), never interleaved.
const MIGRATION_LOCK: i64 = 0x0062_6d6e_6e6d_6967; // "bmnnmig"

fn migrate(
    url: &DatabaseUrl,
    migrations: Migrations,
    schema: Option<&'static str>,
) -> anyhow::Result<()> {
    let shown = url.redacted();
    let mut first = AnyConn::establish(url).map_err(|e| {
        anyhow!("cannot open the database {shown}: {e}").context(match url {
            DatabaseUrl::Sqlite(_) => "check the path and its directory's permissions",
            DatabaseUrl::Postgres(_) => {
                "check that PostgreSQL runs, that the database exists and that the URL's user may log in"
            }
        })
    })?;
    let run = match &mut first {
        AnyConn::Sqlite(_) => migrate_sqlite(&mut first, migrations.sqlite),
        AnyConn::Pg(c) => migrate_pg(c, migrations.postgres, schema),
    };
    run.map_err(|e| anyhow!("database migration failed for {shown}: {e}"))?;
    Ok(())
}

type MigrationResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

/// On SQLite the pending migrations are read and run inside one `BEGIN IMMEDIATE` (diesel
/// nests each migration in a savepoint), with the busy wait: processes opening a new file
/// together migrate one after the other, and the later ones find nothing pending (without
/// it, one failed with "database is locked", or ran a migration another had just run).
fn migrate_sqlite(conn: &mut AnyConn, m: EmbeddedMigrations) -> MigrationResult {
    conn.batch_execute(super::SQLITE_PRAGMAS)?;
    conn.write_transaction(|c| -> MigrationResult {
        if let AnyConn::Sqlite(c) = c {
            c.run_pending_migrations(m)?;
        }
        Ok(())
    })
}

fn migrate_pg(c: &mut PgConn, m: EmbeddedMigrations, schema: Option<&str>) -> MigrationResult {
    c.batch_execute(&format!("SELECT pg_advisory_lock({MIGRATION_LOCK})"))?;
    let run = (|| -> MigrationResult {
        if let Some(schema) = schema {
            c.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))?;
            c.batch_execute(&search_path(schema))?;
        }
        c.run_pending_migrations(m)?;
        Ok(())
    })();
    let unlock = c.batch_execute(&format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})"));
    run?;
    unlock?;
    Ok(())
}

/// Opens the SQLite file at `path` as an [`AnyPool`].
pub fn open_any_sqlite(path: &Path, migrations: Migrations) -> anyhow::Result<AnyPool> {
    open_any(&DatabaseUrl::sqlite(path), migrations)
}
