//! Notices down two tiers (the nation's, relayed by Đồng Nai, countersigned) and through the
//! USB path (a held report, its receipt bundle with the province's verdict).

use node::db::users::Role;
use schema::{encode, Classification, Verdict};

use super::*;
use crate::support::browser;
use crate::support::federation::Federation;
use crate::support::report::annual;
use crate::support::{run_aggregator, runtime};

const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";

/// "Nhận thông báo ngay" on the page `path` of an aggregator's UI, as a logged-in user.
pub(super) fn press_pull(rt: &tokio::runtime::Runtime, agg: &Aggregator, path: &str) -> String {
    agg.add_user("canbo", Role::Officer, PASSWORD);
    let base = agg.ui();
    rt.block_on(async {
        let c = browser::logged_in(&base, "canbo", PASSWORD).await;
        let page = c
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let start = page.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
        let csrf = page[start..].split('"').next().unwrap().to_string();
        let r = c
            .post(format!("{base}/thong-bao/nhan"))
            .form(&[("_csrf", csrf.as_str()), ("back", path)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let to = r.headers()["location"].to_str().unwrap().to_string();
        c.get(format!("{base}{to}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    })
}

#[test]
fn a_nations_notice_reaches_a_commune_through_its_province_countersigned() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let nation = signer_of(&national);
    let to_75 = bulletin(&nation, Addressee::Subtree { root: unit("75") }, 1);
    let to_79 = bulletin(&nation, Addressee::Subtree { root: unit("79") }, 2);
    let to_province_only = bulletin(&nation, Addressee::Unit { unit: unit("75") }, 3);
    for n in [&to_75, &to_79, &to_province_only] {
        publish(&national, n);
    }
    let rt = runtime();
    // (The relay's own loop pulls at start too: either may have stored them.)
    let page = press_pull(&rt, &province, "/bao-cao-da-gui");
    assert!(
        page.contains("thông báo mới") && !page.contains("Chưa kết nối"),
        "{page}"
    );
    // Relayed: what concerns units below 75, not what is for 79 or for 75 alone.
    let held = aggregator::store::notices::count(&mut province.pool.get().unwrap()).unwrap();
    assert_eq!(held, 1);

    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    assert_eq!(rt.block_on(node.pusher.pull_once()).stored, 1);
    let row = node::db::notices::get(&mut node.pool.get().unwrap(), to_75.body.notice_id.as_str())
        .unwrap()
        .unwrap();
    let got = row.notice().unwrap();
    assert_eq!(
        got.signatures.len(),
        2,
        "the nation's signature and Đồng Nai's"
    );
    let v = got
        .verify_for(&node.trust.current(), schema::UnixTime::now(), &unit(UNIT))
        .unwrap();
    assert_eq!(v.relays, vec![unit("75")]);
}

#[test]
fn a_held_report_and_its_return_travel_on_the_usb_drive() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let mut secret = annual(UNIT);
    secret.classification = Classification::ToiMat;
    let env = inst.queue(&node, secret);
    assert_eq!(inst.outbox_row(&node, &env).state, "held");
    let dir = fed.dir.path();
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
    std::fs::write(dir.join("usb-bundle.json"), encode(&exported.bundle)).unwrap();

    let (input, receipts) = (dir.join("usb-bundle.json"), dir.join("usb-receipts.json"));
    let config = agg.config.as_os_str();
    run_aggregator([
        "import-bundle".as_ref(),
        "--config".as_ref(),
        config,
        "--in".as_ref(),
        input.as_os_str(),
        "--out".as_ref(),
        receipts.as_os_str(),
    ]);
    assert_eq!(agg.versions(env.body.report_id.as_str()).len(), 1);
    let bytes = std::fs::read(&receipts).unwrap();
    let me = unit(UNIT);
    let imported = node::bundle::import_receipts(
        &mut node.pool.get().unwrap(),
        &node.trust.current(),
        &me,
        &bytes,
        "lanhdao",
    )
    .unwrap();
    assert_eq!((imported.imported, imported.notices), (1, 0));

    // The province returns it; the next drive carries the notice.
    let signer = signer_of(&agg);
    let from = aggregator::mail::mailbox("pa03@dongnai.example.vn").unwrap();
    let by = aggregator::review::Reviewer {
        signer: &signer,
        mail_from: Some(&from),
        now: node::web::layout::now_local(),
    };
    let d = aggregator::review::Decision {
        report_id: env.body.report_id.to_string(),
        digest: env.digest().to_string(),
        verdict: Verdict::Returned,
        reason: "Thiếu chữ ký của thủ trưởng trên bản giấy.".into(),
        pointers: String::new(),
        reviewer: "canbo".into(),
        reviewer_name: "Nguyễn Thị Hà".into(),
    };
    aggregator::review::decide(&mut agg.pool.get().unwrap(), &by, &d, false).unwrap();
    let notices = dir.join("usb-notices.json");
    run_aggregator([
        "notices-bundle".as_ref(),
        "--unit".as_ref(),
        UNIT.as_ref(),
        "--config".as_ref(),
        config,
        "--out".as_ref(),
        notices.as_os_str(),
    ]);
    let bytes = std::fs::read(&notices).unwrap();
    let mut tampered: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    tampered["notices"][0]["body"]["payload"]["reason"] = "Đã tiếp nhận.".into();
    let forged = node::bundle::import_receipts(
        &mut node.pool.get().unwrap(),
        &node.trust.current(),
        &me,
        tampered.to_string().as_bytes(),
        "lanhdao",
    )
    .unwrap();
    assert_eq!(
        (forged.notices, forged.refused_notices),
        (0, 1),
        "a tampered notice is refused"
    );
    for _ in 0..2 {
        node::bundle::import_receipts(
            &mut node.pool.get().unwrap(),
            &node.trust.current(),
            &me,
            &bytes,
            "lanhdao",
        )
        .unwrap();
    }
    assert_eq!(stored(&node), 1, "imported twice, stored once");
    let returned = node::db::notices::returned(&mut node.pool.get().unwrap()).unwrap();
    assert_eq!(
        returned[0].report_id.as_deref(),
        Some(env.body.report_id.as_str())
    );
}

/// A revocation in Đồng Nai, published by the nation as a `trust` notice, makes Hồ Chí Minh
/// City's aggregator (which reads only its own CA's CRL file) refuse the revoked certificate
/// too, within one pull and one reload interval, without a restart.
#[test]
fn a_revocation_published_by_the_nation_reaches_another_province() {
    use config::pki::{RevokeReason, Serial};
    let fed = Federation::new();
    let national = fed.national();
    let hcm = fed.aggregator_for(
        "79",
        &format!("https://127.0.0.1:{}/", national.port),
        1 << 20,
    );
    let (_, stolen) = fed.leaf(UNIT);
    let rt = runtime();
    let knock = || {
        let c = crate::support::federation::client(&stolen, true);
        rt.block_on(async {
            match c.get(hcm.url("/api/v1/notices")).send().await {
                Err(_) => 0,
                Ok(r) => r.status().as_u16(),
            }
        })
    };
    assert_eq!(
        knock(),
        403,
        "before: past the handshake, outside 79's subtree"
    );

    let serial = Serial::of_cert_file(&stolen.cert_chain).unwrap();
    fed.ca75
        .revoke(&serial, RevokeReason::KeyCompromise)
        .unwrap();
    fed.ca75.write_crl().unwrap();
    let crl = fed.ca75.crl_path();
    run_aggregator([
        "publish-crl".as_ref(),
        "--config".as_ref(),
        national.config.as_os_str(),
        "--crl".as_ref(),
        crl.as_os_str(),
    ]);

    let page = press_pull(&rt, &hcm, "/bao-cao-da-gui");
    assert!(!page.contains("Chưa kết nối"), "{page}");
    crate::support::wait_until(
        std::time::Duration::from_secs(10),
        "79 to refuse the revoked certificate",
        || knock() == 0,
    );
}
