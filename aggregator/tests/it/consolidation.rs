//! The province's consolidated report: built from the annual reports its communes pushed over
//! mTLS (latest version of each), totals and provenance right, and accepted by the nation
//! (contract, rule pack and signatures) when the province sends it up.

use config::rules::RuleBook;
use node::tls::TlsMaterial;
use schema::ViolationKind;
use schema::*;

use crate::support::federation::{client, post, Federation};
use crate::support::report::{annual, revised};
use crate::support::runtime;

fn with_value(mut s: Submission, v: i64) -> Submission {
    if let Payload::AnnualReport(r) = &mut s.payload {
        let mut list = r.indicators.as_slice().to_vec();
        list[0].value = IndicatorValue::parse(v).unwrap();
        r.indicators = BoundedVec::parse(list).unwrap();
    }
    s
}

#[test]
fn province_consolidates_its_communes_and_the_nation_accepts_it() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let rt = runtime();
    let mut digests = Vec::new();
    for (unit, v) in [("75.26041", 3), ("75.26044", 4)] {
        let inst = fed.node(unit, province.port);
        let node = inst.open();
        let first = inst.queue(&node, with_value(annual(unit), v));
        if unit == "75.26044" {
            // An amendment replaces the first version in the totals.
            let amended = inst.queue(
                &node,
                with_value(revised(&first.body, Some(first.digest())), v + 10),
            );
            digests.push(amended.digest());
        } else {
            digests.push(first.digest());
        }
        assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().rejected, 0);
    }
    let rules = RuleBook::embedded().unwrap();
    let scope = UnitId::parse("75").unwrap();
    let built = aggregator::consolidation::build(
        &mut province.pool.get().unwrap(),
        rules,
        &scope,
        ReportingPeriod::Annual(2026),
    )
    .unwrap();
    let r = &built.report;
    assert_eq!(r.units_reported, 2);
    assert_eq!(r.sources.len(), 2);
    let mut got: Vec<String> = r.sources.iter().map(|s| s.digest.to_string()).collect();
    let mut want: Vec<String> = digests.iter().map(|d| d.to_string()).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "the amended version, not the first, is counted");
    let Payload::AnnualReport(sample) = annual("75.26041").payload else {
        unreachable!()
    };
    let code = &sample.indicators.as_slice()[0].code;
    let total = r.indicators.iter().find(|i| &i.code == code).unwrap();
    assert_eq!(total.value.get(), 3 + 14);

    // Signed by the province and sent to the nation, it passes every check there.
    let tls = config::settings::AggregatorSettings::load_from(&province.config, std::iter::empty())
        .unwrap()
        .tls;
    let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let sub = Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: scope.clone(),
        period: ReportingPeriod::Annual(2026),
        classification: Classification::Mat,
        created_at: chrono::DateTime::parse_from_rfc3339("2026-12-18T10:00:00+07:00").unwrap(),
        supersedes: None,
        in_reply_to: None,
        attachments: Default::default(),
        payload: Payload::ConsolidatedReport(built.report.clone()),
    };
    let env = Envelope::sign(sub, &signer).unwrap();
    let (status, json) = rt.block_on(post(&client(&tls, true), &national, encode(&env)));
    assert_eq!(status, 200, "{json}");
    assert_eq!(national.stored(), 1);
}

#[test]
fn consolidate_send_delivers_the_province_report_to_the_nation() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let rt = runtime();
    let inst = fed.node("75.26041", province.port);
    let node = inst.open();
    inst.queue(&node, annual("75.26041"));
    // An incident (one unlawful transmission): relayed to the nation at once, and counted in
    // the province's consolidated violations.
    inst.queue(&node, crate::support::report::incident("75.26041"));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 2);
    crate::support::wait_until(
        std::time::Duration::from_secs(20),
        "the incident at the nation",
        || national.stored() == 1,
    );

    // Not approved: never sent.
    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["consolidate", "--period", "2026", "--send", "--config"])
        .arg(&province.config)
        .output()
        .unwrap();
    let why = String::from_utf8_lossy(&refused.stderr);
    assert!(
        !refused.status.success() && why.contains("chưa được lãnh đạo phê duyệt"),
        "{why}"
    );
    assert_eq!(national.stored(), 1, "nothing more reached the nation");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args([
            "consolidate",
            "--period",
            "2026",
            "--approve-as",
            "Trần Thị Bình",
            "--send",
        ])
        .arg("--config")
        .arg(&province.config)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("1 reported") && text.contains("delivered 1"),
        "{text}"
    );
    assert!(
        text.contains("75.26041: Đúng hạn") || text.contains("75.26041: Trễ"),
        "{text}"
    );
    assert_eq!(national.stored(), 2);
    let rows =
        aggregator::store::received::counts_by_kind_and_unit(&mut national.pool.get().unwrap())
            .unwrap();
    assert_eq!(rows[0].kind, "consolidated_report");
    assert_eq!(rows[0].unit, "75");

    // The national report is built from the province's consolidated report.
    let rules = config::rules::RuleBook::embedded().unwrap();
    let built = aggregator::consolidation::build(
        &mut national.pool.get().unwrap(),
        rules,
        &schema::UnitId::parse("VN").unwrap(),
        schema::ReportingPeriod::Annual(2026),
    )
    .unwrap();
    assert_eq!(built.report.units_reported, 1, "Đồng Nai reported");
    assert_eq!(
        built.report.sources.len(),
        1,
        "the relayed incident is inside Đồng Nai's report"
    );
    let violations: Vec<(ViolationKind, u64)> = built
        .report
        .violations
        .iter()
        .map(|v| (v.kind, v.count))
        .collect();
    assert_eq!(
        violations,
        vec![(ViolationKind::UnlawfulTransmission, 1)],
        "counted once, not again from the relayed incident"
    );
    assert_eq!(
        built.report.sources.iter().next().unwrap().unit.as_str(),
        "75"
    );
}

/// The pages' cache of the consolidated report: built once while nothing moves, built again
/// as soon as a report arrives (never stale figures).
#[test]
fn the_cached_report_follows_every_new_report() {
    let fed = Federation::new();
    let (_national, province) = fed.nation_and_province();
    let rt = runtime();
    let rules = RuleBook::embedded().unwrap();
    let scope = UnitId::parse("75").unwrap();
    let period = ReportingPeriod::Annual(2026);
    let cache = aggregator::consolidation::BuildCache::default();
    let mut conn = province.pool.get().unwrap();
    for (n, unit) in ["75.26041", "75.26017"].into_iter().enumerate() {
        let inst = fed.node(unit, province.port);
        let node = inst.open();
        inst.queue(&node, annual(unit));
        assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().rejected, 0);
        let first = cache.get(&mut conn, rules, &scope, period).unwrap();
        assert_eq!(first.report.units_reported as usize, n + 1, "after {unit}");
        let again = cache.get(&mut conn, rules, &scope, period).unwrap();
        assert!(std::sync::Arc::ptr_eq(&first, &again), "built twice");
    }
}
