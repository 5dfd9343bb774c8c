//! The append-only, hash-chained audit log. Each entry's hash is SHA-256 over the previous
//! hash and the entry's canonical fields, so removing or editing a row breaks the chain that
//! `verify_chain` walks. SQLite triggers refuse UPDATE and DELETE on the table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

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

/// Appends an entry. Call inside the transaction that makes the change it records.
pub fn append(
    conn: &mut SqliteConnection,
    actor: &str,
    action: &str,
    subject: &str,
    detail: &str,
) -> QueryResult<()> {
    let prev: Option<String> = audit_log::table
        .order(audit_log::seq.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_string());
    // Microsecond precision, so the hash recomputes from what SQLite stores.
    let at = super::now().and_utc().timestamp_micros();
    let at = chrono::DateTime::from_timestamp_micros(at)
        .unwrap_or_default()
        .naive_utc();
    let hash = entry_hash(&prev, at, actor, action, subject, detail);
    diesel::insert_into(audit_log::table)
        .values(&NewAudit {
            at,
            actor,
            action,
            subject,
            detail,
            prev_hash: &prev,
            hash: &hash,
        })
        .execute(conn)?;
    Ok(())
}

pub fn recent(conn: &mut SqliteConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_log::table
        .order(audit_log::seq.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// Walks the whole chain; returns the sequence number of the first broken entry, if any.
pub fn verify_chain(conn: &mut SqliteConnection) -> QueryResult<Option<i32>> {
    let rows: Vec<AuditRow> = audit_log::table
        .order(audit_log::seq)
        .select(AuditRow::as_select())
        .load(conn)?;
    let mut prev = GENESIS.to_string();
    for r in rows {
        if r.prev_hash != prev
            || r.hash != entry_hash(&prev, r.at, &r.actor, &r.action, &r.subject, &r.detail)
        {
            return Ok(Some(r.seq));
        }
        prev = r.hash;
    }
    Ok(None)
}
