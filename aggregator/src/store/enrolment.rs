//! One-time enrolment codes (`enrolment_codes`, only their SHA-256 kept) and the certificates
//! this aggregator's CA signed over EST (`certificates`). A code is claimed with one
//! conditional update, so two requests racing with the same code cannot both win, and given
//! back if the signing that follows fails.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{certificates, enrolment_codes};
use crate::store::AnyConn;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = enrolment_codes)]
pub struct CodeRow {
    pub id: String,
    pub code_hash: String,
    pub unit_id: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub serial: Option<String>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Where a code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeState {
    Usable,
    Used,
    Expired,
    Revoked,
}

impl CodeRow {
    pub fn state(&self, now: NaiveDateTime) -> CodeState {
        if self.revoked_at.is_some() {
            CodeState::Revoked
        } else if self.used_at.is_some() {
            CodeState::Used
        } else if self.expires_at <= now {
            CodeState::Expired
        } else {
            CodeState::Usable
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = certificates)]
pub struct CertRow {
    pub serial: String,
    pub unit_id: String,
    /// `enrol` or `renew`.
    pub via: String,
    pub not_before: NaiveDateTime,
    pub not_after: NaiveDateTime,
    pub issued_at: NaiveDateTime,
    pub replaces: Option<String>,
}

pub fn insert_codes(conn: &mut AnyConn, rows: &[CodeRow]) -> QueryResult<()> {
    for chunk in rows.chunks(500) {
        node::dispatch!(conn, |c| diesel::insert_into(enrolment_codes::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

pub fn by_hash(conn: &mut AnyConn, hash: &str) -> QueryResult<Option<CodeRow>> {
    node::dispatch!(conn, |c| enrolment_codes::table
        .filter(enrolment_codes::code_hash.eq(hash))
        .select(CodeRow::as_select())
        .first(c)
        .optional())
}

/// Every code, newest first.
pub fn list(conn: &mut AnyConn) -> QueryResult<Vec<CodeRow>> {
    node::dispatch!(conn, |c| enrolment_codes::table
        .order((enrolment_codes::created_at.desc(), enrolment_codes::id))
        .select(CodeRow::as_select())
        .load(c))
}

/// Revokes the unused code `id`; false when there is no such unused, unrevoked code.
pub fn revoke(conn: &mut AnyConn, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = node::dispatch!(conn, |c| diesel::update(
        enrolment_codes::table
            .filter(enrolment_codes::id.eq(id))
            .filter(enrolment_codes::used_at.is_null())
            .filter(enrolment_codes::revoked_at.is_null()),
    )
    .set(enrolment_codes::revoked_at.eq(now))
    .execute(c))?;
    Ok(n == 1)
}

/// Marks the code used if it still is usable at `now`; false when another request won.
pub fn claim(conn: &mut AnyConn, hash: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = node::dispatch!(conn, |c| diesel::update(
        enrolment_codes::table
            .filter(enrolment_codes::code_hash.eq(hash))
            .filter(enrolment_codes::used_at.is_null())
            .filter(enrolment_codes::revoked_at.is_null())
            .filter(enrolment_codes::expires_at.gt(now)),
    )
    .set(enrolment_codes::used_at.eq(now))
    .execute(c))?;
    Ok(n == 1)
}

/// Gives a claimed code back (the signing after the claim failed).
pub fn unclaim(conn: &mut AnyConn, hash: &str) -> QueryResult<()> {
    node::dispatch!(conn, |c| diesel::update(
        enrolment_codes::table.filter(enrolment_codes::code_hash.eq(hash))
    )
    .set(enrolment_codes::used_at.eq(None::<NaiveDateTime>))
    .execute(c))
    .map(drop)
}

/// Records the certificate a claimed code gave.
pub fn record_enrolment(conn: &mut AnyConn, hash: &str, cert: &CertRow) -> QueryResult<()> {
    conn.write_transaction(|conn| {
        node::dispatch!(conn, |c| diesel::update(
            enrolment_codes::table.filter(enrolment_codes::code_hash.eq(hash))
        )
        .set(enrolment_codes::serial.eq(&cert.serial))
        .execute(c))?;
        record_certificate(conn, cert)
    })
}

pub fn record_certificate(conn: &mut AnyConn, cert: &CertRow) -> QueryResult<()> {
    node::dispatch!(conn, |c| diesel::insert_into(certificates::table)
        .values(cert)
        .execute(c))
    .map(drop)
}

/// Every certificate signed over EST, newest first.
pub fn certificates(conn: &mut AnyConn) -> QueryResult<Vec<CertRow>> {
    node::dispatch!(conn, |c| certificates::table
        .order((certificates::issued_at.desc(), certificates::serial))
        .select(CertRow::as_select())
        .load(c))
}

/// When each TLS peer last delivered something: `(unit, latest received_at)`.
pub fn last_seen(conn: &mut AnyConn) -> QueryResult<Vec<(String, Option<String>)>> {
    use super::schema::received;
    use diesel::dsl::max;
    node::dispatch!(conn, |c| received::table
        .group_by(received::peer)
        .select((received::peer, max(received::received_at)))
        .load(c))
}
