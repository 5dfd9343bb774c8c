//! Requests and files across tiers: the nation's request reaches a commune through Đồng Nai,
//! which tracks it too and counts the commune's answer, and forwards the answer to the nation,
//! which asked; an incident report's photo is relayed to the nation with the report; a Tối mật answer's file travels only on the USB drive and
//! arrives intact.

use std::time::Duration;

use aggregator::requests::{self, tracking::State};
use schema::{AttachmentLimits, AttachmentRef, BoundedVec, Classification};

use super::requests::{answer, internal_rules, pdf};
use super::tiers::press_pull;
use super::*;
use crate::support::federation::Federation;
use crate::support::{run_aggregator, runtime, wait_until};

fn file(name: &str, bytes: &[u8]) -> AttachmentRef {
    AttachmentRef::describe(name, bytes, &AttachmentLimits::default()).unwrap()
}

#[test]
fn the_nations_request_is_tracked_by_the_province_and_the_incident_photo_goes_up_with_its_report() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let rules = config::rules::RuleBook::embedded().unwrap();
    let today = node::web::layout::today();
    let due = requests::due_in_working_days(rules, today, 10);
    let mut pc = province.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut pc, &unit("75"), false).unwrap();
    let to = requests::parse_scope("tier:75:commune").unwrap();
    let mut nc = national.pool.get().unwrap();
    let n = requests::issue(
        &mut nc,
        &signer_of(&national),
        to,
        internal_rules(due),
        "a03",
    )
    .unwrap();
    let id = n.body.notice_id.to_string();

    let rt = runtime();
    press_pull(&rt, &province, "/yeu-cau");
    let t = requests::tracking::track(&mut pc, &id, &unit("75"), today).unwrap();
    let t = t.expect("the province tracks the nation's request");
    assert!(t.units.len() > 50);

    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    rt.block_on(node.pusher.pull_once());
    let open = node::web::requests::all(&mut node.pool.get().unwrap()).unwrap();
    assert_eq!(open.len(), 1, "the commune sees the nation's request");
    let rules_pdf = pdf("Nội quy");
    let f = file("Nội quy.pdf", &rules_pdf);
    node::db::attachments::put(&mut node.pool.get().unwrap(), &f, &rules_pdf).unwrap();
    inst.queue(&node, answer(&id, &f));

    // An incident report with a photo of the leaked page: relayed at once, with the photo.
    let photo = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR-a-photo".to_vec();
    let p = file("ảnh chụp.png", &photo);
    node::db::attachments::put(&mut node.pool.get().unwrap(), &p, &photo).unwrap();
    let mut incident = crate::support::report::incident(UNIT);
    incident.attachments = BoundedVec::parse(vec![p.clone()]).unwrap();
    inst.queue(&node, incident);
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 2);

    let t = requests::tracking::track(&mut pc, &id, &unit("75"), today)
        .unwrap()
        .unwrap();
    let mine = t.units.iter().find(|u| u.unit.id == UNIT).unwrap();
    assert!(
        matches!(mine.state, State::OnTime { .. }),
        "{:?}",
        mine.state
    );
    // Both go up: the incident (relayed at once) and the answer (the nation asked).
    wait_until(
        Duration::from_secs(20),
        "the incident and the answer at the nation",
        || national.stored() == 2,
    );
    let answers = aggregator::store::requests::answers(&mut nc, &id).unwrap();
    assert_eq!(
        answers.len(),
        1,
        "the nation tracks the answer to its request"
    );
    let (mime, got) = aggregator::store::requests::attachment(&mut nc, p.sha256.as_str())
        .unwrap()
        .expect("the photo reached the nation before its report");
    assert_eq!((mime.as_str(), got), ("image/png", photo));
}

#[test]
fn a_secret_answers_file_travels_only_on_the_usb_drive_and_arrives_intact() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let bytes = pdf("Danh mục vị trí công tác Tối mật");
    let f = file("Danh mục.pdf", &bytes);
    node::db::attachments::put(&mut node.pool.get().unwrap(), &f, &bytes).unwrap();
    let mut secret = answer(&schema::ReportId::random().to_string(), &f);
    secret.classification = Classification::ToiMat;
    let env = inst.queue(&node, secret);
    assert_eq!(inst.outbox_row(&node, &env).state, "held");
    let rt = runtime();
    rt.block_on(node.pusher.push_once()).unwrap();
    let mut c = agg.pool.get().unwrap();
    assert!(
        aggregator::store::requests::attachment(&mut c, f.sha256.as_str())
            .unwrap()
            .is_none(),
        "nothing of a held report crosses the link"
    );
    let chain = chain_of(&agg);
    let exported = node::bundle::export_held(
        &mut node.pool.get().unwrap(),
        &node.signer,
        &node.trust.current(),
        &chain,
        "lanhdao",
    )
    .unwrap()
    .unwrap();
    let dir = fed.dir.path();
    let (input, receipts) = (dir.join("usb.json"), dir.join("usb-receipts.json"));
    let text = schema::encode(&exported.bundle);
    assert!(
        !String::from_utf8_lossy(&text).contains("Danh mục"),
        "the file name and content are encrypted in the bundle"
    );
    std::fs::write(&input, text).unwrap();
    run_aggregator([
        "import-bundle".as_ref(),
        "--config".as_ref(),
        agg.config.as_os_str(),
        "--in".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        receipts.as_os_str(),
    ]);
    assert_eq!(agg.versions(env.body.report_id.as_str()).len(), 1);
    let (_, got) = aggregator::store::requests::attachment(&mut c, f.sha256.as_str())
        .unwrap()
        .expect("the file came with the bundle");
    assert_eq!(got, bytes);
}
