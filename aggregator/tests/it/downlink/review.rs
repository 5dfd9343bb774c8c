//! A province returns a commune's report; the node pulls the notice, shows it first, and the
//! amendment goes back up as "đã nộp lại"; the province accepts it.

use aggregator::review::{self, Decision, Refusal, ReviewError, Reviewer, State};
use schema::{ReceiptOutcome, Verdict};

use super::*;
use crate::support::federation::Federation;
use crate::support::report::{annual, revised};
use crate::support::runtime;

fn decide(
    agg: &Aggregator,
    report_id: &str,
    digest: &str,
    verdict: Verdict,
    reason: &str,
) -> Result<Notice, ReviewError> {
    let signer = signer_of(agg);
    let from = aggregator::mail::mailbox("PA03 Đồng Nai <pa03@dongnai.example.vn>").unwrap();
    let by = Reviewer {
        signer: &signer,
        mail_from: Some(&from),
        now: node::web::layout::now_local(),
    };
    let d = Decision {
        report_id: report_id.into(),
        digest: digest.into(),
        verdict,
        reason: reason.into(),
        pointers: "Mục c\nso_lop_tap_huan".into(),
        reviewer: "canbo-pa03".into(),
        reviewer_name: "Nguyễn Thị Hà".into(),
    };
    review::decide(&mut agg.pool.get().unwrap(), &by, &d, false)
}

fn state(agg: &Aggregator, id: &str, digest: &str) -> State {
    let states = review::states(&mut agg.pool.get().unwrap(), &[(id, digest)]).unwrap();
    states[&(id.to_string(), digest.to_string())]
}

fn registry_with_contacts(agg: &Aggregator) {
    let mut c = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut c, &unit("75"), false).unwrap();
    let row = aggregator::store::units::history(&mut c, UNIT)
        .unwrap()
        .pop()
        .unwrap();
    aggregator::store::units::set_contacts(
        &mut c,
        UNIT,
        row.valid_from,
        Some("vanthu@tranbien.dongnai.example.vn"),
        Some("chutich@tranbien.dongnai.example.vn"),
    )
    .unwrap();
}

#[test]
fn a_returned_report_reaches_the_node_and_its_amendment_is_resubmitted_then_accepted() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    registry_with_contacts(&agg);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let first = inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    let (id, d1) = (first.body.report_id.to_string(), first.digest().to_string());
    assert_eq!(state(&agg, &id, &d1), State::Pending);

    // A return needs a reason.
    let e = decide(&agg, &id, &d1, Verdict::Returned, "  ").unwrap_err();
    assert!(
        matches!(e, ReviewError::Invalid(ref m) if m.contains("lý do")),
        "{e:?}"
    );
    decide(
        &agg,
        &id,
        &d1,
        Verdict::Returned,
        "Mục c chưa nêu số lớp tập huấn.",
    )
    .unwrap();
    assert_eq!(state(&agg, &id, &d1), State::Returned);
    let again = decide(&agg, &id, &d1, Verdict::Returned, "Lần nữa.").unwrap_err();
    assert!(
        matches!(again, ReviewError::Refused(Refusal::AlreadyReturned)),
        "{again:?}"
    );
    let mail = aggregator::mail::queue::all(&mut agg.pool.get().unwrap()).unwrap();
    assert_eq!(mail.len(), 1, "one mail to the unit");
    assert!(
        mail[0].recipients.contains("vanthu@tranbien")
            && mail[0].recipients.contains("chutich@tranbien")
    );
    assert!(mail[0].subject.contains("trả lại"), "{}", mail[0].subject);

    // The node pulls it: stored once, shown as waiting for an amendment.
    let pulled = rt.block_on(node.pusher.pull_once());
    assert_eq!((pulled.stored, pulled.refused, pulled.failed), (1, 0, 0));
    let row = node::db::notices::returned(&mut node.pool.get().unwrap()).unwrap();
    assert_eq!(row.len(), 1);
    let r = row[0].review().unwrap();
    assert_eq!(
        r.reason.unwrap().as_str(),
        "Mục c chưa nêu số lớp tập huấn."
    );
    assert_eq!(r.pointers.len(), 2);

    // The unit amends: the province stores it as an amendment, "đã nộp lại".
    let second = inst.queue(&node, revised(&first.body, Some(first.digest())));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    let receipts = inst.receipts(&node, &id);
    assert!(receipts
        .iter()
        .any(|r| r.body.outcome == ReceiptOutcome::Amended));
    let d2 = second.digest().to_string();
    assert_eq!(state(&agg, &id, &d2), State::Resubmitted);
    assert_eq!(state(&agg, &id, &d1), State::Superseded);
    // Counted once, with the amendment's figures and the first version's receipt.
    let latest =
        aggregator::consolidation::latest_annual(&mut agg.pool.get().unwrap(), first.body.period)
            .unwrap();
    let mine: Vec<_> = latest.iter().filter(|l| l.row.unit == UNIT).collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].row.digest, d2);
    let first_receipt = inst
        .receipts(&node, &id)
        .into_iter()
        .find(|r| r.body.digest.as_str() == d1)
        .unwrap();
    let first_at = chrono::DateTime::parse_from_rfc3339(&mine[0].first_received_at).unwrap();
    assert_eq!(
        first_at, first_receipt.body.received_at,
        "timeliness keeps the first receipt"
    );
    let stale = decide(&agg, &id, &d1, Verdict::Accepted, "").unwrap_err();
    assert!(
        matches!(stale, ReviewError::Refused(Refusal::Superseded)),
        "{stale:?}"
    );

    decide(&agg, &id, &d2, Verdict::Accepted, "").unwrap();
    assert_eq!(state(&agg, &id, &d2), State::Accepted);
    assert_eq!(rt.block_on(node.pusher.pull_once()).stored, 1);
    let current =
        node::db::notices::reviews_of(&mut node.pool.get().unwrap(), std::slice::from_ref(&id))
            .unwrap();
    assert_eq!(current.last().unwrap().verdict.as_deref(), Some("accepted"));
    assert_eq!(
        current.last().unwrap().report_digest.as_deref(),
        Some(d2.as_str())
    );
    let audit = node::db::audit::recent(&mut agg.pool.get().unwrap(), 50).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "review_returned" && a.subject == id));
    assert!(audit
        .iter()
        .any(|a| a.action == "review_accepted" && a.subject == id));
}
