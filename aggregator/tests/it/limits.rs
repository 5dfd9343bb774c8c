//! Per-client rate limits and the audit log of the ingest: a client over its budget gets
//! `429 rate_limited` (the node retries later and nothing is lost); every acceptance and every
//! refusal is in the hash-chained audit log, with codes and peers but no content.

use crate::support::federation::{client, post, Federation};
use crate::support::report::annual;
use crate::support::runtime;

const UNIT: &str = "75.26041";

#[test]
fn a_client_over_its_budget_is_told_to_retry_later() {
    let fed = Federation::new();
    let agg = fed.aggregator_with(
        "75",
        "https://a03.bca.example.vn/",
        1 << 20,
        "rate_per_second = 1\nrate_burst = 2",
    );
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let c = client(&inst.tls, true);
    let mut codes = Vec::new();
    for _ in 0..3 {
        let env = inst.queue(&node, annual(UNIT));
        let (status, json) = rt.block_on(post(&c, &agg, schema::encode(&env)));
        codes.push((
            status,
            json["error"]["code"].as_str().unwrap_or("").to_string(),
        ));
    }
    assert_eq!(codes[0].0, 200);
    assert_eq!(codes[1].0, 200);
    assert_eq!(codes[2], (429, "rate_limited".to_string()));
    // Another client has its own budget.
    let other = fed.node("75.26044", agg.port);
    let onode = other.open();
    let env = other.queue(&onode, annual("75.26044"));
    let (status, _) = rt.block_on(post(&client(&other.tls, true), &agg, schema::encode(&env)));
    assert_eq!(status, 200);
    // The node's outbox treats 429 as "later": nothing is set aside.
    let report = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(report.rejected, 0, "{report:?}");
}

#[test]
fn acceptances_and_refusals_are_in_the_audit_log() {
    let fed = Federation::new();
    let agg = fed.aggregator(1 << 20);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let env = inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    let c = client(&inst.tls, true);
    let (status, _) = rt.block_on(post(&c, &agg, b"{not json".to_vec()));
    assert_eq!(status, 400);
    let mut conn = agg.pool.get().unwrap();
    let entries = node::db::audit::recent(&mut conn, 10).unwrap();
    let accepted = entries
        .iter()
        .find(|e| e.action == "submission_accepted")
        .expect("an acceptance");
    assert_eq!(accepted.subject, env.body.report_id.as_str());
    assert_eq!(accepted.actor, UNIT);
    let refused = entries
        .iter()
        .find(|e| e.action == "submission_refused")
        .expect("a refusal");
    assert_eq!(
        (refused.actor.as_str(), refused.detail.as_str()),
        (UNIT, "malformed")
    );
    assert!(
        !entries.iter().any(|e| e.detail.contains("Tình hình")),
        "no report content in the log"
    );
    assert_eq!(node::db::audit::verify_chain(&mut conn).unwrap(), None);
}
