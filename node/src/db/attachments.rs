//! Attached files at the node: their bytes once per SHA-256 (`attachments`, written when the
//! officer uploads them, never changed), and each draft's list in the officer's order
//! (`draft_attachments`). Approval turns the list into the signed `AttachmentRef`s; the pusher
//! reads the bytes back to send them before the envelope.

use crate::db::any::AnyConn;
use diesel::prelude::*;
use schema::{AttachmentRef, Digest, FileName, MediaType};

use super::schema::{attachments, draft_attachments};

/// Stores `bytes` under their digest unless already there (same digest, same bytes).
pub fn put(conn: &mut AnyConn, r: &AttachmentRef, bytes: &[u8]) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(attachments::table)
            .values((
                attachments::sha256.eq(r.sha256.as_str()),
                attachments::media_type.eq(r.media_type.mime()),
                attachments::size.eq(r.size as i64),
                attachments::data.eq(bytes),
                attachments::stored_at.eq(super::now()),
            ))
            .on_conflict(attachments::sha256)
            .do_nothing()
            .execute(conn)?;
        Ok(())
    })
}

/// The bytes stored under `sha256`.
pub fn bytes(conn: &mut AnyConn, sha256: &Digest) -> QueryResult<Option<Vec<u8>>> {
    crate::dispatch!(conn, |conn| {
        attachments::table
            .find(sha256.as_str())
            .select(attachments::data)
            .first(conn)
            .optional()
    })
}

/// One file on a draft's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// Its place in the list (what "Bỏ tệp" names).
    pub position: i32,
    pub file: AttachmentRef,
}

/// A draft's files, in order, described as the signed body will name them.
pub fn of_draft(conn: &mut AnyConn, report_id: &str) -> QueryResult<Vec<Listed>> {
    crate::dispatch!(conn, |conn| {
        let rows: Vec<(i32, String, String, String, i64)> = draft_attachments::table
            .inner_join(attachments::table.on(attachments::sha256.eq(draft_attachments::sha256)))
            .filter(draft_attachments::report_id.eq(report_id))
            .order(draft_attachments::position)
            .select((
                draft_attachments::position,
                draft_attachments::name,
                attachments::sha256,
                attachments::media_type,
                attachments::size,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .filter_map(|(position, name, sha, mime, size)| {
                Some(Listed {
                    position,
                    file: AttachmentRef {
                        name: FileName::parse(&name).ok()?,
                        media_type: MediaType::parse(&mime)?,
                        size: size as u64,
                        sha256: Digest::parse(&sha).ok()?,
                    },
                })
            })
            .collect())
    })
}

/// Adds a file at the end of a draft's list (its bytes stored first).
pub fn attach(
    conn: &mut AnyConn,
    report_id: &str,
    r: &AttachmentRef,
    bytes: &[u8],
) -> QueryResult<()> {
    put(conn, r, bytes)?;
    crate::dispatch!(conn, |conn| {
        let next: Option<i32> = draft_attachments::table
            .filter(draft_attachments::report_id.eq(report_id))
            .select(diesel::dsl::max(draft_attachments::position))
            .first(conn)?;
        diesel::insert_into(draft_attachments::table)
            .values((
                draft_attachments::report_id.eq(report_id),
                draft_attachments::position.eq(next.map_or(0, |p| p + 1)),
                draft_attachments::name.eq(r.name.as_str()),
                draft_attachments::sha256.eq(r.sha256.as_str()),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Removes one file from a draft's list (the bytes stay: a signed version may name them).
pub fn detach(conn: &mut AnyConn, report_id: &str, position: i32) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::delete(
            draft_attachments::table
                .filter(draft_attachments::report_id.eq(report_id))
                .filter(draft_attachments::position.eq(position)),
        )
        .execute(conn)?;
        Ok(())
    })
}

/// Forgets a draft's list (on approval or deletion).
pub fn clear_draft(conn: &mut AnyConn, report_id: &str) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::delete(draft_attachments::table.filter(draft_attachments::report_id.eq(report_id)))
            .execute(conn)?;
        Ok(())
    })
}
