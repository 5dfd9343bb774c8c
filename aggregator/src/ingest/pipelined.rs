//! The group commit's transaction on PostgreSQL in three pipelined exchanges instead of seven
//! round trips: (1) `BEGIN` and the stored versions of the batch's report ids; the batch is
//! judged ([`Ingest::plan`], the same code as on SQLite); (2) the new versions with their
//! figures (one statement) and the audit log's head (`audit_head()`, which takes the audit
//! lock); the audit entries are chained; (3) their insert and `COMMIT`. The driver sends the
//! statements of one exchange back to back and the server runs them in order.
//!
//! It runs on a connection of its own (the batch has one writer per process), driven by its own
//! current-thread runtime, outside the pool: the pool's connections are synchronous wrappers,
//! which cannot pipeline. On any error the connection is dropped (a transaction left open dies
//! with it) and the next batch opens a new one. Batches that answer a request (rare) take the
//! pool's path, which also records the answer.

use diesel::{ExpressionMethods as _, QueryDsl as _, SelectableHelper as _};
use diesel_async::{AsyncConnection as _, AsyncPgConnection, RunQueryDsl as _};
use futures_util::future::try_join;

use super::batch::{Answer, Planned};
use super::process::Prepared;
use super::{Ingest, IngestError};
use crate::store::received::{self, StoredVersion};
use crate::store::schema::received as table;

/// The writer's connection and the runtime that drives it.
pub struct PgWriter {
    url: String,
    open: Option<(tokio::runtime::Runtime, AsyncPgConnection)>,
}

impl std::fmt::Debug for PgWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgWriter").finish_non_exhaustive()
    }
}

fn internal(e: impl Into<anyhow::Error>) -> IngestError {
    IngestError::Internal(e.into())
}

impl PgWriter {
    /// A writer for the PostgreSQL database at `url` (connected at its first batch).
    pub fn new(url: String) -> Self {
        Self { url, open: None }
    }

    fn connection(
        &mut self,
    ) -> Result<&mut (tokio::runtime::Runtime, AsyncPgConnection), IngestError> {
        if self.open.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(internal)?;
            let conn = rt.block_on(async {
                let mut c = AsyncPgConnection::establish(&self.url).await?;
                diesel_async::SimpleAsyncConnection::batch_execute(
                    &mut c,
                    node::db::any::PG_SESSION,
                )
                .await?;
                anyhow::Ok(c)
            });
            let conn = conn.map_err(|e| internal(e.context("the ingest's PostgreSQL writer")))?;
            self.open = Some((rt, conn));
        }
        Ok(self.open.as_mut().expect("opened above"))
    }
}

impl Ingest {
    /// Stores a batch through `writer` (see the module's documentation).
    pub(super) fn store_pipelined(
        &self,
        writer: &mut PgWriter,
        jobs: &[&Prepared],
    ) -> Result<Vec<Answer>, IngestError> {
        let result = {
            let (rt, conn) = writer.connection()?;
            rt.block_on(self.pipelined(conn, jobs))
        };
        if result.is_err() {
            if let Some((rt, conn)) = writer.open.take() {
                drop(conn);
                rt.shutdown_background();
            }
        }
        result
    }

    async fn pipelined(
        &self,
        conn: &AsyncPgConnection,
        jobs: &[&Prepared],
    ) -> Result<Vec<Answer>, IngestError> {
        let mut c = conn;
        let ids: Vec<&str> = jobs.iter().map(|j| j.env.body.report_id.as_str()).collect();
        let versions = table::table
            .filter(table::report_id.eq_any(&ids))
            .order((table::received_at, table::digest))
            .select(StoredVersion::as_select());
        let begin = node::db::unnest::Begin.execute(&mut c);
        let (_, stored) = try_join(begin, versions.load(&mut c)).await?;
        let planned: Planned = self.plan(jobs, stored)?;
        let figures = crate::store::figures::extract_all(&planned.rows).map_err(internal)?;
        let insert = received::insert_pg(&planned.rows, &figures);
        let head = diesel::select(node::db::audit::audit_head());
        let (_, head) = try_join(insert.execute(&mut c), head.get_result(&mut c)).await?;
        let entries = planned.entries();
        let chained = node::db::audit::chain(head, &entries);
        let audit = chained.unnest();
        try_join(
            audit.execute(&mut c),
            node::db::unnest::Commit.execute(&mut c),
        )
        .await?;
        Ok(planned.answers)
    }
}
