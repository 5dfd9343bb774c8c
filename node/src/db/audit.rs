//! The append-only, hash-chained audit log. Each entry's hash is SHA-256 over the previous
//! hash and the entry's canonical fields, so removing or editing a row breaks the chain that
//! `verify_chain` walks. Triggers refuse UPDATE and DELETE on the table. The functions work on
//! the node's SQLite connection and on an aggregator's [`AnyConn`] (SQLite or PostgreSQL); on
//! PostgreSQL an append locks the table so concurrent writers cannot fork the chain.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::any::{AnyConn, PgConn};
use super::schema::audit_log;

pub const GENESIS: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i32,
    pub at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log)]
struct NewAudit<'a> {
    at: NaiveDateTime,
    actor: &'a str,
    action: &'a str,
    subject: &'a str,
    detail: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

fn entry_hash(
    prev: &str,
    at: NaiveDateTime,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> String {
    let fields = serde_json::json!([
        prev,
        at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        actor,
        action,
        subject,
        detail
    ]);
    schema::Digest::of(&schema::canonical::canonical_value(&fields)).to_string()
}

/// One entry to append: who did what to which subject, and the detail.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: &'a str,
}

/// A connection the audit log can be written and read on.
pub trait AuditConn {
    /// Appends an entry. Call inside the transaction that makes the change it records.
    fn audit_append(
        &mut self,
        actor: &str,
        action: &str,
        subject: &str,
        detail: &str,
    ) -> QueryResult<()> {
        self.audit_append_many(&[Entry {
            actor,
            action,
            subject,
            detail,
        }])
    }
    /// Appends several entries in order (one read of the chain's head, one insert per 500).
    fn audit_append_many(&mut self, entries: &[Entry<'_>]) -> QueryResult<()>;
    fn audit_recent(&mut self, limit: i64) -> QueryResult<Vec<AuditRow>>;
    /// Walks the whole chain; returns the sequence number of the first broken entry, if any.
    fn audit_verify(&mut self) -> QueryResult<Option<i32>>;
}

/// Inserts audit rows with diesel's multi-row insert (SQLite: no round trips to save).
fn insert_rows_sqlite(conn: &mut SqliteConnection, rows: &[NewAudit<'_>]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        diesel::insert_into(audit_log::table)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

crate::unnest_insert!(AuditUnnest<'a>, "audit_log", {
    at: diesel::sql_types::Timestamp => NaiveDateTime,
    actor: diesel::sql_types::Text => &'a str,
    action: diesel::sql_types::Text => &'a str,
    subject: diesel::sql_types::Text => &'a str,
    detail: diesel::sql_types::Text => &'a str,
    prev_hash: diesel::sql_types::Text => &'a str,
    hash: diesel::sql_types::Text => &'a str,
});

/// Inserts audit rows with one cached statement (PostgreSQL: one round trip, see
/// [`super::unnest`]).
fn insert_rows_pg(conn: &mut PgConn, rows: &[NewAudit<'_>]) -> QueryResult<()> {
    unnest(rows).execute(conn)?;
    Ok(())
}

fn unnest<'a>(rows: &[NewAudit<'a>]) -> AuditUnnest<'a> {
    let mut u = AuditUnnest::default();
    for r in rows {
        u.at.push(r.at);
        u.actor.push(r.actor);
        u.action.push(r.action);
        u.subject.push(r.subject);
        u.detail.push(r.detail);
        u.prev_hash.push(r.prev_hash);
        u.hash.push(r.hash);
    }
    u
}

/// Entries chained after a head: their hashes, computed once.
#[derive(Debug)]
pub struct Chained<'a> {
    at: NaiveDateTime,
    entries: &'a [Entry<'a>],
    links: Vec<(String, String)>,
}

/// Chains `entries` after `head` (the last hash, `None` for an empty log), all stamped now.
/// For a caller that reads the head and inserts itself, in the same transaction and under the
/// same lock (`audit_head()`): the ingest's pipelined batch on PostgreSQL.
pub fn chain<'a>(head: Option<String>, entries: &'a [Entry<'a>]) -> Chained<'a> {
    let mut prev = head.unwrap_or_else(|| GENESIS.to_string());
    // Microsecond precision, so the hash recomputes from what is stored.
    let at = super::now().and_utc().timestamp_micros();
    let at = chrono::DateTime::from_timestamp_micros(at)
        .unwrap_or_default()
        .naive_utc();
    let mut links = Vec::with_capacity(entries.len());
    for e in entries {
        let hash = entry_hash(&prev, at, e.actor, e.action, e.subject, e.detail);
        links.push((std::mem::replace(&mut prev, hash.clone()), hash));
    }
    Chained { at, entries, links }
}

impl Chained<'_> {
    fn rows(&self) -> Vec<NewAudit<'_>> {
        self.entries
            .iter()
            .zip(&self.links)
            .map(|(e, (prev_hash, hash))| NewAudit {
                at: self.at,
                actor: e.actor,
                action: e.action,
                subject: e.subject,
                detail: e.detail,
                prev_hash,
                hash,
            })
            .collect()
    }

    /// The insert on PostgreSQL, as one cached statement.
    pub fn unnest(&self) -> AuditUnnest<'_> {
        unnest(&self.rows())
    }
}

/// The chain's head on SQLite, whose write transaction already excludes other writers.
fn head_sqlite(conn: &mut SqliteConnection) -> QueryResult<Option<String>> {
    audit_log::table
        .order(audit_log::seq.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()
}

diesel::define_sql_function! {
    /// `audit_head()` (PostgreSQL migrations): locks `audit_log` against other writers until
    /// the transaction ends, then reads the chain's head with a fresh snapshot.
    fn audit_head() -> Nullable<Text>;
}

/// The chain's head on PostgreSQL: lock and read in one round trip, so concurrent writers
/// (several processes) can never fork the chain.
fn head_pg(conn: &mut PgConn) -> QueryResult<Option<String>> {
    diesel::select(audit_head()).get_result(conn)
}

macro_rules! impl_audit {
    ($conn:ty, $head:path, $insert:path, $needs_transaction:expr) => {
        impl AuditConn for $conn {
            fn audit_append_many(&mut self, entries: &[Entry<'_>]) -> QueryResult<()> {
                fn go(conn: &mut $conn, entries: &[Entry<'_>]) -> QueryResult<()> {
                    let head = $head(conn)?;
                    $insert(conn, &chain(head, entries).rows())
                }
                if entries.is_empty() {
                    return Ok(());
                }
                use diesel::connection::TransactionManager as _;
                let in_transaction =
                    <$conn as Connection>::TransactionManager::transaction_manager_status_mut(self)
                        .transaction_depth()?
                        .is_some();
                // The lock is held until the outermost transaction ends: inside the caller's
                // transaction (whose failure rolls everything back), or in one of its own (no
                // savepoint: on PostgreSQL each statement is a round trip).
                if in_transaction || !$needs_transaction {
                    go(self, entries)
                } else {
                    diesel::Connection::transaction(self, |c| go(c, entries))
                }
            }

            fn audit_recent(&mut self, limit: i64) -> QueryResult<Vec<AuditRow>> {
                audit_log::table
                    .order(audit_log::seq.desc())
                    .limit(limit)
                    .select(AuditRow::as_select())
                    .load(self)
            }

            fn audit_verify(&mut self) -> QueryResult<Option<i32>> {
                let rows: Vec<AuditRow> = audit_log::table
                    .order(audit_log::seq)
                    .select(AuditRow::as_select())
                    .load(self)?;
                let mut prev = GENESIS.to_string();
                for r in rows {
                    if r.prev_hash != prev
                        || r.hash
                            != entry_hash(&prev, r.at, &r.actor, &r.action, &r.subject, &r.detail)
                    {
                        return Ok(Some(r.seq));
                    }
                    prev = r.hash;
                }
                Ok(None)
            }
        }
    };
}

impl_audit!(SqliteConnection, head_sqlite, insert_rows_sqlite, false);
impl_audit!(PgConn, head_pg, insert_rows_pg, true);

impl AuditConn for AnyConn {
    fn audit_append_many(&mut self, entries: &[Entry<'_>]) -> QueryResult<()> {
        crate::dispatch!(self, |c| c.audit_append_many(entries))
    }

    fn audit_recent(&mut self, limit: i64) -> QueryResult<Vec<AuditRow>> {
        crate::dispatch!(self, |c| c.audit_recent(limit))
    }

    fn audit_verify(&mut self) -> QueryResult<Option<i32>> {
        crate::dispatch!(self, |c| c.audit_verify())
    }
}

impl<M> AuditConn for diesel::r2d2::PooledConnection<M>
where
    M: diesel::r2d2::ManageConnection,
    M::Connection: AuditConn,
{
    fn audit_append_many(&mut self, entries: &[Entry<'_>]) -> QueryResult<()> {
        (**self).audit_append_many(entries)
    }

    fn audit_recent(&mut self, limit: i64) -> QueryResult<Vec<AuditRow>> {
        (**self).audit_recent(limit)
    }

    fn audit_verify(&mut self) -> QueryResult<Option<i32>> {
        (**self).audit_verify()
    }
}

/// Appends an entry. Call inside the transaction that makes the change it records.
pub fn append(
    conn: &mut impl AuditConn,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> QueryResult<()> {
    conn.audit_append(actor, action, subject, detail)
}

/// Appends several entries in order. Call inside the transaction that makes the changes.
pub fn append_many(conn: &mut impl AuditConn, entries: &[Entry<'_>]) -> QueryResult<()> {
    conn.audit_append_many(entries)
}

pub fn recent(conn: &mut impl AuditConn, limit: i64) -> QueryResult<Vec<AuditRow>> {
    conn.audit_recent(limit)
}

/// Walks the whole chain; returns the sequence number of the first broken entry, if any.
pub fn verify_chain(conn: &mut impl AuditConn) -> QueryResult<Option<i32>> {
    conn.audit_verify()
}
