//! A 10 MB scanned report crosses a link that is cut in the middle of the upload: nothing
//! half-stored at the province, the retry sends it again, and it arrives once, intact, with
//! its report.

use schema::{AttachmentLimits, AttachmentRef, Digest};

use super::requests::answer;
use super::*;
use crate::fault_proxy::FaultProxy;
use crate::support::federation::Federation;
use crate::support::runtime;

#[test]
fn a_ten_megabyte_file_cut_mid_upload_arrives_once_and_intact() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let proxy = FaultProxy::start(agg.port);
    let inst = fed.node(UNIT, proxy.port);
    let node = inst.open();
    // A PDF of 10 MiB whose bytes differ everywhere (a cut anywhere changes the digest).
    let mut bytes = b"%PDF-1.7\n".to_vec();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while bytes.len() < 10 * 1024 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.extend_from_slice(&x.to_le_bytes());
    }
    let file = AttachmentRef::describe("Báo cáo bản ký.pdf", &bytes, &AttachmentLimits::default())
        .unwrap();
    node::db::attachments::put(&mut node.pool.get().unwrap(), &file, &bytes).unwrap();
    let env = inst.queue(
        &node,
        answer(&schema::ReportId::random().to_string(), &file),
    );

    proxy.cut_up_after(5 * 1024 * 1024);
    let rt = runtime();
    let first = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!((first.delivered, first.retried), (0, 1), "{first:?}");
    assert_eq!(proxy.cuts_done(), 1, "the upload was cut");
    let mut c = agg.pool.get().unwrap();
    assert!(
        aggregator::store::requests::attachment(&mut c, file.sha256.as_str())
            .unwrap()
            .is_none(),
        "nothing half-stored"
    );
    assert_eq!(agg.stored(), 0);

    node::db::outbox::make_all_due(&mut node.pool.get().unwrap(), node::db::now()).unwrap();
    let again = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(again.delivered, 1, "{again:?}");
    let (_, got) = aggregator::store::requests::attachment(&mut c, file.sha256.as_str())
        .unwrap()
        .unwrap();
    assert_eq!(Digest::of(&got), file.sha256, "intact");
    assert_eq!(
        agg.versions(env.body.report_id.as_str()).len(),
        1,
        "stored once"
    );
}
