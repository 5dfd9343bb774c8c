//! A change of the law without a new binary: the nation publishes a 2027 rule pack (and the
//! 2026 pack closed on 31/12/2026) with the real `bmnn-aggregator publish-rules`; Đồng Nai
//! installs and relays it; a commune pulls it, shows it before it applies, uses it for the
//! 2027 periods from 1/1/2027 (the date is a parameter: the clock injected) while its 2026
//! report still validates under the 2026 pack; a restart keeps it. A pack whose book would not
//! load is refused by the publisher's CLI, and when signed anyway, by the province, with the
//! reason, installed nowhere and never relayed.

use chrono::NaiveDate;
use schema::{NoticeKind, ReportingPeriod, RuleFile, RulePackUpdate};

use super::tiers::press_pull;
use super::*;
use crate::support::federation::Federation;
use crate::support::report::annual;
use crate::support::{run_aggregator, runtime};

const PACK_2026: &str = include_str!("../../../../config/rules/2026-law117.toml");
const NEW_LABEL: &str = "Số trường hợp xác định bí mật nhà nước ngoài danh mục (mẫu 2027)";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The 2026 pack closed on 31/12/2026, and a 2027 pack with one label changed.
fn packs(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let closed = PACK_2026.replace(
        "valid_from = 2026-03-01\n",
        "valid_from = 2026-03-01\nvalid_until = 2026-12-31\n",
    );
    let old_label = "Số trường hợp xác định bí mật nhà nước đối với thông tin không thuộc danh mục bí mật nhà nước";
    let next = PACK_2026
        .replace("id = \"2026-law117\"", "id = \"2027-thu-nghiem\"")
        .replace("valid_from = 2026-03-01", "valid_from = 2027-01-01")
        .replace(old_label, NEW_LABEL);
    assert_ne!(next, PACK_2026);
    let (a, b) = (
        dir.join("2026-law117.toml"),
        dir.join("2027-thu-nghiem.toml"),
    );
    std::fs::write(&a, closed).unwrap();
    std::fs::write(&b, next).unwrap();
    (a, b)
}

fn label_2027(node: &node::app::Node, year: i32) -> Vec<String> {
    let pack = node::forms::pack_for(node.rules.get(), ReportingPeriod::Annual(year)).unwrap();
    let form = pack.form(schema::ReportKind::AnnualReport).unwrap();
    form.indicators.iter().map(|i| i.label.clone()).collect()
}

#[test]
fn a_2027_pack_from_the_nation_changes_a_communes_form_from_its_effective_date() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let (closed, next) = packs(fed.dir.path());
    let out = run_aggregator([
        "publish-rules".as_ref(),
        "--config".as_ref(),
        national.config.as_os_str(),
        "--pack".as_ref(),
        closed.as_os_str(),
        "--pack".as_ref(),
        next.as_os_str(),
        "--summary".as_ref(),
        "Biểu mẫu báo cáo năm từ kỳ 2027".as_ref(),
    ]);
    assert!(out.contains("2027-thu-nghiem"), "{out}");

    let rt = runtime();
    press_pull(&rt, &province, "/bao-cao-da-gui");
    let at_province = province
        .config
        .parent()
        .unwrap()
        .join("data/rules/packs/2027-thu-nghiem.toml");
    assert!(at_province.exists(), "installed at the province");

    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    assert_eq!(rt.block_on(node.pusher.pull_once()).stored, 1);
    let book = node.rules.get();
    assert_eq!(book.pack_for(day("2026-12-31")).unwrap().id, "2026-law117");
    assert_eq!(
        book.pack_for(day("2027-01-01")).unwrap().id,
        "2027-thu-nghiem"
    );
    // Announced before it applies, in force from its first day.
    let upcoming: Vec<&str> = node
        .rules
        .upcoming(day("2026-12-06"))
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    assert_eq!(upcoming, ["2027-thu-nghiem"]);
    assert!(node.rules.upcoming(day("2027-01-01")).is_empty());
    assert!(label_2027(&node, 2027).iter().any(|l| l == NEW_LABEL));
    assert!(!label_2027(&node, 2026).iter().any(|l| l == NEW_LABEL));

    // A 2026 report filed now validates under the 2026 pack, at the node and at the province.
    inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    // A restart keeps the received pack.
    drop(node);
    let again = inst.open();
    assert_eq!(
        again.rules.get().pack_for(day("2027-06-30")).unwrap().id,
        "2027-thu-nghiem"
    );
}

#[test]
fn a_pack_that_would_not_load_is_refused_by_the_cli_and_by_every_receiver() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    // A 2027 pack without closing the 2026 one: two packs in force at once.
    let (_, next) = packs(fed.dir.path());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["publish-rules", "--config"])
        .arg(&national.config)
        .arg("--pack")
        .arg(&next)
        .args(["--summary", "Thử"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("valid_until") && err.contains("2026-law117"),
        "{err}"
    );

    // Signed anyway (by hand): the province refuses it with the reason and relays nothing.
    let update = RulePackUpdate {
        packs: schema::BoundedVec::parse(vec![RuleFile {
            name: "2027-thu-nghiem.toml".into(),
            text: std::fs::read_to_string(&next).unwrap(),
        }])
        .unwrap(),
        holidays: Default::default(),
        summary: "Thử".into(),
    };
    let mut n = bulletin(
        &signer_of(&national),
        Addressee::Subtree { root: unit("VN") },
        1,
    );
    n.body.kind = NoticeKind::parse(NoticeKind::RULE_PACK).unwrap();
    n.body.payload = serde_json::to_value(&update).unwrap();
    let n = schema::Notice::sign(n.body, &signer_of(&national)).unwrap();
    publish(&national, &n);
    let rt = runtime();
    press_pull(&rt, &province, "/bao-cao-da-gui");
    let rules_dir = province.config.parent().unwrap().join("data/rules");
    assert!(
        !rules_dir.join("packs/2027-thu-nghiem.toml").exists(),
        "nothing installed"
    );
    assert_eq!(
        aggregator::store::notices::count(&mut province.pool.get().unwrap()).unwrap(),
        0,
        "not relayed"
    );
    let relay = province.relay_pool.as_ref().unwrap();
    let audit = node::db::audit::recent(&mut relay.get().unwrap(), 50).unwrap();
    let refusal = audit
        .iter()
        .find(|a| a.action == "notice_refused")
        .expect("the refusal audited");
    assert!(
        refusal.detail.contains("invalid_rule_pack") && refusal.detail.contains("2026-law117"),
        "{}",
        refusal.detail
    );
}
