//! Reviewing received reports: the committee accepts a version or returns it with a reason.
//! The verdict is checked against the state machine ([`machine`]), then in one write
//! transaction: the review row, the signed `review` notice queued for the unit's next pull
//! (`store::notices`), the audit entry and the mail to the unit's officer and head. Reviews
//! of the aggregator's own consolidated reports by its parent arrive as notices in its own
//! node store and are read by [`own`].

pub mod machine;
mod mail;
pub mod own;

use anyhow::{anyhow, Context as _};
use chrono::{DateTime, FixedOffset};
use schema::{
    BoundedVec, Digest, Line, Notice, NoticeBody, NoticeId, ReportId, ReportKind, ReportingPeriod,
    Review, Signer, Text, UnitId, Verdict,
};

use crate::store::notices::{self, ReviewRow};
use crate::store::received::{self, ReceivedRow};
use crate::store::AnyConn;
pub use machine::{Facts, Refusal, State};

/// A staff member's verdict on one version.
#[derive(Debug, Clone)]
pub struct Decision {
    pub report_id: String,
    pub digest: String,
    pub verdict: Verdict,
    pub reason: String,
    /// Sections or indicators, one per line.
    pub pointers: String,
    /// Username of the staff member (the audit log's actor).
    pub reviewer: String,
    /// Their name, as the review shows it.
    pub reviewer_name: String,
}

/// Why a decision was not recorded.
#[derive(Debug)]
pub enum ReviewError {
    NotFound,
    /// The form is wrong (Vietnamese message).
    Invalid(String),
    Refused(Refusal),
    Internal(anyhow::Error),
}

impl From<anyhow::Error> for ReviewError {
    fn from(e: anyhow::Error) -> Self {
        Self::Internal(e)
    }
}

impl From<diesel::result::Error> for ReviewError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Internal(e.into())
    }
}

/// The versions of a report, with the verdicts given on them, for pages and decisions.
#[derive(Debug, Clone)]
pub struct History {
    pub versions: Vec<ReceivedRow>,
    pub reviews: Vec<ReviewRow>,
}

impl History {
    pub fn load(conn: &mut AnyConn, report_id: &str) -> diesel::QueryResult<Self> {
        Ok(Self {
            versions: received::versions(conn, report_id)?,
            reviews: notices::reviews_of(conn, &[report_id])?,
        })
    }

    /// The current verdict on one version.
    pub fn verdict(&self, digest: &str) -> Option<Verdict> {
        verdict_of(&self.reviews, digest)
    }

    /// What the state machine needs about `digest`; `counted` comes from the own store.
    pub fn facts(&self, digest: &str, counted: bool) -> Option<Facts> {
        facts_of(&self.versions, &self.reviews, digest, counted)
    }
}

/// The facts of version `digest` among `versions` (of one report) and `reviews`.
pub fn facts_of<V: received::Version>(
    versions: &[V],
    reviews: &[ReviewRow],
    digest: &str,
    counted: bool,
) -> Option<Facts> {
    let v = versions.iter().find(|v| v.digest() == digest)?;
    Some(Facts {
        latest: received::latest(versions).is_some_and(|l| l.digest() == digest),
        verdict: verdict_of(reviews, digest),
        amends_returned: v
            .supersedes()
            .is_some_and(|s| verdict_of(reviews, s) == Some(Verdict::Returned)),
        counted,
    })
}

/// The review state of each listed version (report id, digest), read in two queries.
pub fn states(
    conn: &mut AnyConn,
    listed: &[(&str, &str)],
) -> diesel::QueryResult<std::collections::HashMap<(String, String), State>> {
    let mut ids: Vec<&str> = listed.iter().map(|(id, _)| *id).collect();
    ids.sort_unstable();
    ids.dedup();
    let versions = received::versions_of(conn, &ids)?;
    let reviews = notices::reviews_of(conn, &ids)?;
    let mut out = std::collections::HashMap::new();
    for (id, digest) in listed {
        let vs: Vec<_> = versions
            .iter()
            .filter(|v| v.report_id == *id)
            .cloned()
            .collect();
        let rs: Vec<_> = reviews
            .iter()
            .filter(|r| r.report_id == *id)
            .cloned()
            .collect();
        if let Some(f) = facts_of(&vs, &rs, digest, false) {
            out.insert((id.to_string(), digest.to_string()), State::of(&f));
        }
    }
    Ok(out)
}

/// The last verdict on `digest` among `reviews` (given in order).
pub fn verdict_of(reviews: &[ReviewRow], digest: &str) -> Option<Verdict> {
    reviews
        .iter()
        .rev()
        .find(|r| r.digest == digest)
        .and_then(|r| Verdict::parse(&r.verdict))
}

/// Parses the reason and pointers of a decision into the contract's review.
fn review_of(d: &Decision, row: &ReceivedRow) -> Result<Review, ReviewError> {
    let bad = |m: &str| ReviewError::Invalid(m.to_string());
    let reason = Text::parse(&d.reason)
        .map_err(|_| bad("Lý do quá dài (tối đa 4.000 ký tự) hoặc có ký tự điều khiển."))?;
    if d.verdict == Verdict::Returned && reason.is_empty() {
        return Err(bad("Khi trả lại báo cáo phải ghi rõ lý do để đơn vị sửa."));
    }
    let pointers: Vec<Line<128>> = d
        .pointers
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(Line::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| bad("Mỗi mục cần sửa tối đa 128 ký tự, mỗi mục một dòng."))?;
    let pointers = BoundedVec::parse(pointers).map_err(|_| bad("Tối đa 32 mục cần sửa."))?;
    let parse = || -> anyhow::Result<Review> {
        Ok(Review {
            report_id: ReportId::parse(&row.report_id)?,
            digest: Digest::parse(&row.digest)?,
            unit: UnitId::parse(&row.unit)?,
            report_kind: ReportKind::parse(&row.kind)?,
            period: ReportingPeriod::parse(&row.period)?,
            verdict: d.verdict,
            reason: (!reason.is_empty()).then_some(reason),
            pointers,
        })
    };
    parse().map_err(|e| ReviewError::Internal(anyhow!("a stored version does not parse: {e}")))
}

/// Where a decision goes: this tier's signer and mail sender.
#[derive(Debug)]
pub struct Reviewer<'a> {
    pub signer: &'a Signer,
    /// The sender of the mail to the unit; `None` sends none (the demo's seeded history).
    pub mail_from: Option<&'a lettre::message::Mailbox>,
    /// When the verdict is given (the notice's `issued_at`).
    pub now: DateTime<FixedOffset>,
}

/// Records `d` if the state machine allows it; returns the signed notice queued for the
/// unit. `counted` tells whether the version is counted in a signed consolidated report
/// ([`own::counted`]).
pub fn decide(
    conn: &mut AnyConn,
    by: &Reviewer<'_>,
    d: &Decision,
    counted: bool,
) -> Result<Notice, ReviewError> {
    conn.write_transaction(|c| {
        let history = History::load(c, &d.report_id)?;
        let facts = history
            .facts(&d.digest, counted)
            .ok_or(ReviewError::NotFound)?;
        machine::decide(&facts, d.verdict).map_err(ReviewError::Refused)?;
        let row = history
            .versions
            .iter()
            .find(|v| v.digest == d.digest)
            .ok_or(ReviewError::NotFound)?;
        let review = review_of(d, row)?;
        let body = NoticeBody::review(
            NoticeId::random(),
            by.signer.unit().clone(),
            by.now,
            review.clone(),
        );
        let notice = Notice::sign(body, by.signer)
            .map_err(|e| ReviewError::Internal(anyhow!("cannot sign the review: {e}")))?;
        record(c, by, d, row, &notice, &review)?;
        Ok(notice)
    })
}

fn record(
    c: &mut AnyConn,
    by: &Reviewer<'_>,
    d: &Decision,
    row: &ReceivedRow,
    notice: &Notice,
    review: &Review,
) -> Result<(), ReviewError> {
    notices::lock(c)?;
    notices::insert_new(c, notice)?;
    notices::insert_review(
        c,
        &ReviewRow {
            id: 0,
            report_id: row.report_id.clone(),
            digest: row.digest.clone(),
            unit: row.unit.clone(),
            verdict: d.verdict.code().into(),
            reason: review.reason.as_ref().map(|r| r.to_string()),
            pointers: review
                .pointers
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            reviewer: d.reviewer_name.clone(),
            decided_at: by.now.naive_utc(),
            notice_id: notice.body.notice_id.to_string(),
        },
    )?;
    let action = format!("review_{}", d.verdict.code());
    let detail = format!("{} notice {}", row.digest, notice.body.notice_id);
    node::db::audit::append(c, &d.reviewer, &action, &row.report_id, &detail)?;
    if let Some(from) = by.mail_from {
        mail::queue(c, from, by.now, row, review).context("cannot queue the mail to the unit")?;
    }
    Ok(())
}
