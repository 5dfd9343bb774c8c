//! The aggregator's own reports to its parent (consolidated reports, in its node store
//! `relay.db`) and the verdicts the parent sent back on them as `review` notices. A version of
//! a child's report is *counted* when it is among the sources of a consolidated report signed
//! here that the parent has not returned: returning it then would change figures already
//! sent, so the committee must wait until the consolidated report is reopened.

use schema::{Envelope, Payload, ReportKind, Verdict};

use node::db::notices::{self, NoticeRow};
use node::db::submissions::SubmissionRow;
use node::db::DbPool;

/// One signed consolidated report and the parent's last verdict on it.
#[derive(Debug, Clone)]
pub struct OwnReport {
    pub submission: SubmissionRow,
    /// The parent's current review, if any.
    pub review: Option<NoticeRow>,
}

impl OwnReport {
    pub fn verdict(&self) -> Option<Verdict> {
        self.review
            .as_ref()
            .and_then(|r| r.verdict.as_deref())
            .and_then(Verdict::parse)
    }
}

/// The consolidated reports of `period` signed here, oldest first, with their reviews.
pub fn sent(own: &DbPool, period: &str) -> anyhow::Result<Vec<OwnReport>> {
    let mut c = own.get()?;
    let code = ReportKind::ConsolidatedReport.code();
    let mut subs = node::web::queries::submissions_of(&mut c, code, period)?;
    subs.sort_by_key(|s| s.created_at);
    let ids: Vec<String> = subs.iter().map(|s| s.report_id.clone()).collect();
    let reviews = notices::reviews_of(&mut c, &ids)?;
    Ok(subs
        .into_iter()
        .map(|s| {
            let review = reviews
                .iter()
                .rev()
                .find(|r| r.report_digest.as_deref() == Some(s.digest.as_str()))
                .cloned();
            OwnReport {
                submission: s,
                review,
            }
        })
        .collect())
}

/// Whether the version `digest` of a child's report of `period` is counted in a
/// consolidated report signed here and not returned by the parent.
pub fn counted(own: &DbPool, period: &str, digest: &str) -> anyhow::Result<bool> {
    for r in sent(own, period)? {
        if r.verdict() == Some(Verdict::Returned) {
            continue;
        }
        let env: Envelope = schema::decode(r.submission.envelope.as_bytes())?;
        if let Payload::ConsolidatedReport(c) = env.body.payload {
            if c.sources.iter().any(|s| s.digest.as_str() == digest) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}
