//! The ingest service against real nodes over mutual TLS: nodes sign and queue envelopes and
//! push them with their own pusher; other cases post directly with a reqwest client built
//! from a unit's TLS material.

use std::time::Duration;

use node::tls::TlsMaterial;
use schema::{Envelope, ReceiptOutcome};

use crate::support::federation::{client, post, Federation};
use crate::support::report::{annual, revised};
use crate::support::{runtime, wait_until};

const UNIT: &str = "75.26041";
const LIMIT: u64 = 64 * 1024;

fn encode(env: &Envelope) -> Vec<u8> {
    schema::encode(env)
}

#[test]
fn pushed_report_is_accepted_and_a_resend_is_a_duplicate_with_the_first_time() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let env = inst.queue(&node, annual(UNIT));

    let report = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(report.delivered, 1, "{report:?}");
    let receipts = inst.receipts(&node, env.body.report_id.as_str());
    assert_eq!(receipts.len(), 1);
    let first = &receipts[0].body;
    assert_eq!(first.outcome, ReceiptOutcome::Accepted);
    assert_eq!(first.receiver.as_str(), "75");
    assert_eq!(first.received_at.offset().local_minus_utc(), 7 * 3600);
    let stored = agg.versions(env.body.report_id.as_str());
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].digest, env.digest().to_string());
    assert_eq!(stored[0].unit, UNIT);
    assert_eq!(stored[0].peer, UNIT);
    assert_eq!(stored[0].kind, "annual_report");

    // Let the clock pass the first receipt's second, so "the same time" means something.
    wait_until(Duration::from_secs(3), "the next second", || {
        aggregator::ingest::process::now_vn() > first.received_at
    });
    let c = client(&inst.tls, true);
    let (status, json) = rt.block_on(post(&c, &agg, encode(&env)));
    assert_eq!(status, 200, "{json}");
    let dup: schema::Receipt = serde_json::from_value(json).unwrap();
    assert_eq!(dup.body.outcome, ReceiptOutcome::Duplicate);
    assert_eq!(dup.body.received_at, first.received_at);
    let trust = TlsMaterial::load(&inst.tls).unwrap().trust().unwrap();
    dup.verify(&trust, schema::UnixTime::now()).unwrap();
    assert_eq!(agg.stored(), 1);
}

#[test]
fn amendment_naming_the_stored_digest_is_amended() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let original = inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    let amended = inst.queue(&node, revised(&original.body, Some(original.digest())));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    let receipts = inst.receipts(&node, original.body.report_id.as_str());
    let outcomes: Vec<_> = receipts.iter().map(|r| r.body.outcome).collect();
    assert!(outcomes.contains(&ReceiptOutcome::Amended), "{outcomes:?}");
    let versions = agg.versions(original.body.report_id.as_str());
    assert_eq!(versions.len(), 2);
    let new = versions
        .iter()
        .find(|v| v.digest == amended.digest().to_string())
        .unwrap();
    assert_eq!(new.supersedes, Some(original.digest().to_string()));
}

#[test]
fn other_version_without_supersedes_is_a_conflict_the_node_sets_aside() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let original = inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    let other = inst.queue(&node, revised(&original.body, None));
    let report = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(report.rejected, 1, "{report:?}");
    let row = inst.outbox_row(&node, &other);
    assert_eq!(row.state, "rejected");
    let reason = row.last_error.unwrap();
    assert!(
        reason.contains("409") && reason.contains("conflict"),
        "{reason}"
    );
    assert!(reason.contains(&original.digest().to_string()), "{reason}");
    assert_eq!(agg.stored(), 1);
}

#[test]
fn unit_of_another_province_is_outside_the_subtree() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    // Phường Long Phước, Hồ Chí Minh City: a valid certificate from its own provincial CA.
    let inst = fed.node("79.26857", agg.port);
    let node = inst.open();
    let rt = runtime();
    let env = inst.queue(&node, annual("79.26857"));

    let report = rt.block_on(node.pusher.push_once()).unwrap();
    assert_eq!(report.rejected, 1, "{report:?}");
    let reason = inst.outbox_row(&node, &env).last_error.unwrap();
    assert!(
        reason.contains("403") && reason.contains("outside_subtree"),
        "{reason}"
    );
    assert_eq!(agg.stored(), 0);
}

#[test]
fn client_without_a_certificate_is_refused_at_tls() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, tls) = fed.leaf(UNIT);
    let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let env = Envelope::sign(annual(UNIT), &signer).unwrap();
    let rt = runtime();

    let anonymous = client(&tls, false);
    rt.block_on(async {
        assert!(anonymous.get(agg.url("/health")).send().await.is_err());
        let sent = anonymous
            .post(agg.url("/api/v1/submissions"))
            .header("content-type", "application/json")
            .body(encode(&env))
            .send()
            .await;
        assert!(sent.is_err(), "{sent:?}");
    });
    assert_eq!(agg.stored(), 0);

    // The same client with its certificate gets through.
    let c = client(&tls, true);
    let health = rt.block_on(async {
        let r = c.get(agg.url("/health")).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(health, (200, "ok".to_string()));
}

#[test]
fn body_over_the_limit_is_refused_with_413() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, tls) = fed.leaf(UNIT);
    let rt = runtime();
    let c = client(&tls, true);
    let (status, json) = rt.block_on(post(&c, &agg, vec![b' '; LIMIT as usize + 20_000]));
    assert_eq!(status, 413, "{json}");
    assert_eq!(json["error"]["code"], "too_large");
    // The connection is still usable for the next request.
    let (status, json) = rt.block_on(post(&c, &agg, b"{}".to_vec()));
    assert_eq!(status, 400, "{json}");
    assert_eq!(agg.stored(), 0);
}

#[test]
fn tampered_envelope_is_refused_as_bad_signature() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, tls) = fed.leaf(UNIT);
    let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let env = Envelope::sign(annual(UNIT), &signer).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&encode(&env)).unwrap();
    json["body"]["payload"]["content"]["drafter"] = "Người khác".into();
    let rt = runtime();
    let c = client(&tls, true);
    let (status, answer) = rt.block_on(post(&c, &agg, serde_json::to_vec(&json).unwrap()));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "bad_signature");
    assert!(answer["error"]["message"].as_str().unwrap().len() > 10);
    assert_eq!(agg.stored(), 0);
}

#[test]
fn malformed_envelope_names_the_field() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, tls) = fed.leaf(UNIT);
    let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let env = Envelope::sign(annual(UNIT), &signer).unwrap();
    let mut json: serde_json::Value = serde_json::from_slice(&encode(&env)).unwrap();
    json["body"]["report_id"] = "not-a-uuid".into();
    let rt = runtime();
    let c = client(&tls, true);
    let (status, answer) = rt.block_on(post(&c, &agg, serde_json::to_vec(&json).unwrap()));
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "malformed");
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("body.report_id"), "{message}");

    let (status, answer) = rt.block_on(async {
        let r = c.get(agg.url("/api/v1/nothing")).send().await.unwrap();
        (
            r.status().as_u16(),
            r.json::<serde_json::Value>().await.unwrap(),
        )
    });
    assert_eq!(
        (status, &answer["error"]["code"]),
        (404, &"not_found".into())
    );
}

#[test]
fn invalid_report_is_422_with_the_field_errors() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, tls) = fed.leaf(UNIT);
    let signer = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let mut sub = annual(UNIT);
    // Before the 2026 period (15 Dec 2025 – 14 Dec 2026) starts.
    sub.created_at = chrono::DateTime::parse_from_rfc3339("2025-06-01T08:00:00+07:00").unwrap();
    let env = Envelope::sign(sub, &signer).unwrap();
    let rt = runtime();
    let c = client(&tls, true);
    let (status, answer) = rt.block_on(post(&c, &agg, encode(&env)));
    assert_eq!(status, 422, "{answer}");
    assert_eq!(answer["error"]["code"], "invalid_report");
    assert_eq!(answer["error"]["fields"][0]["path"], "body.created_at");
    assert_eq!(agg.stored(), 0);
}

#[test]
fn peer_must_be_the_unit_or_a_relay_that_countersigned() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let (_, commune) = fed.leaf(UNIT);
    let (_, police) = fed.leaf("75.26041/cong-an-xa");
    let (_, neighbour) = fed.leaf("75.26413");
    let commune_signer = TlsMaterial::load(&commune).unwrap().signer().unwrap();
    let police_signer = TlsMaterial::load(&police).unwrap().signer().unwrap();
    let rt = runtime();
    let via_commune = client(&commune, true);

    // The commune's connection carrying its agency's report, not countersigned: refused.
    let mut env = Envelope::sign(annual("75.26041/cong-an-xa"), &police_signer).unwrap();
    let (status, answer) = rt.block_on(post(&via_commune, &agg, encode(&env)));
    assert_eq!(status, 403, "{answer}");
    assert_eq!(answer["error"]["code"], "wrong_peer");

    // Countersigned by the commune, which relays it: accepted, and stored with its relay.
    env.countersign(&commune_signer).unwrap();
    let (status, answer) = rt.block_on(post(&via_commune, &agg, encode(&env)));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["body"]["outcome"], "accepted");
    assert_eq!(answer["body"]["unit"], "75.26041/cong-an-xa");
    let stored = agg.versions(env.body.report_id.as_str());
    assert_eq!(stored[0].peer, UNIT);

    // A neighbour cannot deliver the commune's report, nor take over its report id.
    let own = Envelope::sign(annual(UNIT), &commune_signer).unwrap();
    let via_neighbour = client(&neighbour, true);
    let (status, answer) = rt.block_on(post(&via_neighbour, &agg, encode(&own)));
    assert_eq!(
        (status, &answer["error"]["code"]),
        (403, &"wrong_peer".into())
    );
    let (status, _) = rt.block_on(post(&via_commune, &agg, encode(&own)));
    assert_eq!(status, 200);
    let neighbour_signer = TlsMaterial::load(&neighbour).unwrap().signer().unwrap();
    let mut hijack = revised(&own.body, Some(own.digest()));
    hijack.unit = schema::UnitId::parse("75.26413").unwrap();
    let hijack = Envelope::sign(hijack, &neighbour_signer).unwrap();
    let (status, answer) = rt.block_on(post(&via_neighbour, &agg, encode(&hijack)));
    assert_eq!(
        (status, &answer["error"]["code"]),
        (409, &"conflict".into())
    );
    assert_eq!(agg.stored(), 2);
}

#[test]
fn status_counts_reports_by_kind_and_unit() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let first = inst.queue(&node, annual(UNIT));
    inst.queue(&node, annual(UNIT));
    inst.queue(&node, revised(&first.body, Some(first.digest())));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 3);

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(["status", "--config"])
        .arg(&agg.config)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("reports received: 2 (phiên bản / versions: 3)"),
        "{stdout}"
    );
    let line = stdout.lines().find(|l| l.contains(UNIT)).unwrap();
    assert!(line.contains("Phường Trấn Biên"), "{line}");
}

#[test]
fn report_missing_what_its_rule_pack_requires_is_invalid() {
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    let mut sub = annual(UNIT);
    if let schema::Payload::AnnualReport(r) = &mut sub.payload {
        r.sections = schema::BoundedVec::parse(r.sections.as_slice()[..1].to_vec()).unwrap();
    }
    let env = inst.queue(&node, sub);
    let c = client(&inst.tls, true);
    let (status, json) = rt.block_on(post(&c, &agg, encode(&env)));
    assert_eq!(status, 422, "{json}");
    assert_eq!(json["error"]["code"], "invalid_report");
    let paths: Vec<&str> = json["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&"body.payload.content.sections.b"),
        "{paths:?}"
    );
    assert_eq!(agg.stored(), 0);
}

/// A PostgreSQL server that drops the aggregator's connections (a restart, a failover) costs
/// refused attempts, never a report: the ingest's writer and the pools open new connections and
/// the node's retry is stored. (On SQLite there is nothing to drop; the retry path is the same.)
#[test]
fn after_the_database_drops_every_connection_the_retry_is_stored() {
    use diesel::RunQueryDsl as _;
    let fed = Federation::new();
    let agg = fed.aggregator(LIMIT);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    if let aggregator::store::AnyConn::Pg(c) = &mut *agg.pool.get().unwrap() {
        let killed = diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .execute(c)
        .unwrap();
        assert!(killed >= 1, "the ingest's writer connection was open");
    }
    let second = inst.queue(&node, annual(UNIT));
    let mut attempts = 0;
    while inst
        .receipts(&node, second.body.report_id.as_str())
        .is_empty()
    {
        attempts += 1;
        assert!(attempts <= 20, "the retry was never stored");
        node::db::outbox::make_all_due(&mut node.pool.get().unwrap(), node::db::now()).unwrap();
        rt.block_on(node.pusher.push_once()).unwrap();
    }
    assert_eq!(agg.stored(), 2);
}
