//! Requests and directives this aggregator issued or relays down (`requests`, one row per
//! `request` or `directive` notice; a directive's answer is an acknowledgment,
//! written by `notices::insert_new` so issuing and relaying record them alike), which received
//! versions answer them (`request_answers`, written with the `received` row), and the bytes of
//! attached files (`attachments`, by SHA-256, stored before the report that names them).

use std::collections::BTreeSet;

use diesel::prelude::*;
use schema::{Notice, NoticeContent, Request};

use super::schema::{attachments, request_answers, requests};
use crate::store::AnyConn;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = requests)]
pub struct RequestRow {
    pub notice_id: String,
    pub issuer: String,
    pub title: String,
    pub answer_kind: String,
    pub period: String,
    pub due: String,
    pub addressee: String,
    pub payload: String,
    pub issued_at: String,
    pub stored_at: chrono::NaiveDateTime,
}

impl RequestRow {
    pub fn request(&self) -> Option<Request> {
        schema::decode(self.payload.as_bytes()).ok()
    }

    /// The directive, when this row tracks one (its files are in the notice, not here).
    pub fn directive(&self) -> Option<schema::Directive> {
        schema::decode(self.payload.as_bytes()).ok()
    }

    pub fn is_directive(&self) -> bool {
        self.answer_kind == schema::ReportKind::Acknowledgment.code()
    }

    pub fn addressee(&self) -> Option<schema::Addressee> {
        schema::decode(self.addressee.as_bytes()).ok()
    }
}

/// Records `n` when it is a well-formed request or directive (no-op otherwise, or when
/// already recorded). A directive is recorded without its files (they stay in the notice).
pub fn record(conn: &mut AnyConn, n: &Notice) -> QueryResult<()> {
    let (title, kind, period, due, payload) = match n.body.content() {
        Ok(NoticeContent::Request(r)) => (
            r.title.to_string(),
            r.asked.answer_kind(),
            r.period,
            r.due,
            schema::encode(&r),
        ),
        Ok(NoticeContent::Directive(mut d)) => {
            d.files = Default::default();
            (
                d.heading(),
                schema::ReportKind::Acknowledgment,
                schema::ReportingPeriod::annual_containing(d.issued_on),
                d.due,
                schema::encode(&d),
            )
        }
        _ => return Ok(()),
    };
    let row = RequestRow {
        notice_id: n.body.notice_id.to_string(),
        issuer: n.body.issuer.to_string(),
        title,
        answer_kind: kind.code().to_string(),
        period: period.to_string(),
        due: due.to_string(),
        addressee: String::from_utf8(schema::encode(&n.body.addressee)).unwrap_or_default(),
        payload: String::from_utf8(payload).unwrap_or_default(),
        issued_at: n.body.issued_at.to_rfc3339(),
        stored_at: node::db::now(),
    };
    node::dispatch!(conn, |c| diesel::insert_into(requests::table)
        .values(&row)
        .on_conflict(requests::notice_id)
        .do_nothing()
        .execute(c))?;
    Ok(())
}

/// Every request, newest first.
pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<RequestRow>> {
    node::dispatch!(conn, |c| requests::table
        .order(requests::issued_at.desc())
        .select(RequestRow::as_select())
        .load(c))
}

pub fn get(conn: &mut AnyConn, id: &str) -> QueryResult<Option<RequestRow>> {
    node::dispatch!(conn, |c| requests::table
        .find(id)
        .select(RequestRow::as_select())
        .first(c)
        .optional())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = request_answers)]
pub struct AnswerRow {
    pub request_id: String,
    pub report_id: String,
    pub digest: String,
    pub unit: String,
    pub received_at: String,
}

/// Links a stored version to the request it answers (idempotent).
pub fn record_answer(conn: &mut AnyConn, a: &AnswerRow) -> QueryResult<()> {
    node::dispatch!(conn, |c| diesel::insert_into(request_answers::table)
        .values(a)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// The answers to a request, first received first.
pub fn answers(conn: &mut AnyConn, request_id: &str) -> QueryResult<Vec<AnswerRow>> {
    node::dispatch!(conn, |c| request_answers::table
        .filter(request_answers::request_id.eq(request_id))
        .order(request_answers::received_at)
        .select(AnswerRow::as_select())
        .load(c))
}

/// The request a stored version answers, if any.
pub fn answered_by(
    conn: &mut AnyConn,
    report_id: &str,
    digest: &str,
) -> QueryResult<Option<RequestRow>> {
    let id: Option<String> = node::dispatch!(&mut *conn, |c| request_answers::table
        .filter(request_answers::report_id.eq(report_id))
        .filter(request_answers::digest.eq(digest))
        .select(request_answers::request_id)
        .first(c)
        .optional())?;
    match id {
        Some(id) => get(conn, &id),
        None => Ok(None),
    }
}

/// A unit's name as the registry last knew it (its id when unknown).
pub fn unit_name(conn: &mut AnyConn, id: &str) -> QueryResult<String> {
    Ok(super::units::history(conn, id)?
        .pop()
        .map_or_else(|| id.to_string(), |r| r.name))
}

/// Stores an attachment's bytes under their digest unless already stored.
pub fn put_attachment(
    conn: &mut AnyConn,
    sha256: &str,
    mime: &str,
    bytes: &[u8],
) -> QueryResult<bool> {
    let n = node::dispatch!(conn, |c| diesel::insert_into(attachments::table)
        .values((
            attachments::sha256.eq(sha256),
            attachments::media_type.eq(mime),
            attachments::size.eq(bytes.len() as i64),
            attachments::data.eq(bytes),
            attachments::stored_at.eq(node::db::now()),
        ))
        .on_conflict(attachments::sha256)
        .do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Which of `shas` are stored.
pub fn present(conn: &mut AnyConn, shas: &[String]) -> QueryResult<BTreeSet<String>> {
    let found: Vec<String> = node::dispatch!(conn, |c| attachments::table
        .filter(attachments::sha256.eq_any(shas))
        .select(attachments::sha256)
        .load(c))?;
    Ok(found.into_iter().collect())
}

/// Type and size of those of `shas` that are stored.
pub fn described(
    conn: &mut AnyConn,
    shas: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, i64)>> {
    let rows: Vec<(String, String, i64)> = node::dispatch!(conn, |c| attachments::table
        .filter(attachments::sha256.eq_any(shas))
        .select((
            attachments::sha256,
            attachments::media_type,
            attachments::size
        ))
        .load(c))?;
    Ok(rows.into_iter().map(|(s, m, n)| (s, (m, n))).collect())
}

/// The bytes and type stored under `sha256`.
pub fn attachment(conn: &mut AnyConn, sha256: &str) -> QueryResult<Option<(String, Vec<u8>)>> {
    node::dispatch!(conn, |c| attachments::table
        .find(sha256)
        .select((attachments::media_type, attachments::data))
        .first(c)
        .optional())
}
