//! Three tiers over real mutual TLS, certificates from the product's PKI: a commune's node →
//! Đồng Nai's aggregator → the national aggregator. Incidents go up at once, countersigned by
//! the province, and arrive with both signatures verified; annual reports stay at the province;
//! a child's resend relays nothing twice.

use std::time::Duration;

use node::tls::TlsMaterial;
use schema::{Envelope, UnitId};

use crate::support::federation::{client, post, Federation};
use crate::support::report::{annual, incident};
use crate::support::{runtime, wait_until};

const UNIT: &str = "75.26041";

fn relay_delivered(pool: &node::db::DbPool) -> i64 {
    node::db::receipts::count(&mut pool.get().unwrap()).unwrap()
}

#[test]
fn incident_reaches_the_nation_with_both_signatures_and_annual_reports_stay() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    let rt = runtime();
    let inc = inst.queue(&node, incident(UNIT));
    let ann = inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 2);

    wait_until(
        Duration::from_secs(20),
        "the incident at the nation",
        || national.stored() == 1,
    );
    let rows = national.versions(inc.body.report_id.as_str());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].unit, UNIT);
    assert_eq!(rows[0].peer, "75", "relayed by the province");
    let arrived: Envelope = schema::decode(rows[0].envelope.as_bytes()).unwrap();
    let trust = TlsMaterial::load(&inst.tls).unwrap().trust().unwrap();
    let v = arrived.verify(&trust, schema::UnixTime::now()).unwrap();
    assert_eq!(v.author.as_str(), UNIT);
    assert_eq!(v.relays, vec![UnitId::parse("75").unwrap()]);
    assert_eq!(
        v.digest,
        inc.digest(),
        "the report id and digest are stable across the relay"
    );
    assert!(
        national.versions(ann.body.report_id.as_str()).is_empty(),
        "annual reports wait for consolidation"
    );
    // The nation's pages look everything under VN up by area: the relayed incident is there
    // (the national dashboard counted none when "under VN" was a prefix match on the id).
    let under_vn = aggregator::store::received::recent(
        &mut national.pool.get().unwrap(),
        Some("incident_report"),
        Some("VN"),
        10,
    )
    .unwrap();
    assert_eq!(under_vn.len(), 1);

    // The province holds the nation's receipt for what it relayed.
    let relay = province.relay_pool.clone().expect("the province relays");
    wait_until(
        Duration::from_secs(20),
        "the nation's receipt at the province",
        || relay_delivered(&relay) == 1,
    );
    // The child's receipt came from the province, first tier: that is what timeliness uses.
    assert_eq!(
        inst.receipts(&node, inc.body.report_id.as_str())[0]
            .body
            .receiver
            .as_str(),
        "75"
    );
}

#[test]
fn a_resent_incident_is_relayed_once() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    let rt = runtime();
    let inc = inst.queue(&node, incident(UNIT));
    rt.block_on(node.pusher.push_once()).unwrap();
    let c = client(&inst.tls, true);
    let (status, _) = rt.block_on(post(&c, &province, schema::encode(&inc)));
    assert_eq!(status, 200);
    let relay = province.relay_pool.clone().unwrap();
    wait_until(
        Duration::from_secs(20),
        "the nation's receipt at the province",
        || relay_delivered(&relay) == 1,
    );
    assert_eq!(national.stored(), 1);
    let queued =
        node::db::outbox::for_report(&mut relay.get().unwrap(), inc.body.report_id.as_str())
            .unwrap();
    assert_eq!(queued.len(), 1, "queued once for the parent");
}

#[test]
fn the_nation_refuses_a_commune_posting_to_it_through_another_province() {
    // A unit of 79 cannot be relayed by 75: its countersignature is not above the author.
    let fed = Federation::new();
    let national = fed.national();
    let stranger = fed.node("79.26734", national.port);
    let node = stranger.open();
    let rt = runtime();
    let env = stranger.queue(&node, incident("79.26734"));
    let mut relayed = env.clone();
    let (_, tls75) = fed.leaf("75/so-noi-vu");
    relayed
        .countersign(&TlsMaterial::load(&tls75).unwrap().signer().unwrap())
        .unwrap();
    let c = client(&tls75, true);
    let (status, json) = rt.block_on(post(&c, &national, schema::encode(&relayed)));
    assert_eq!(status, 403, "{json}");
    assert_eq!(json["error"]["code"], "wrong_signer");
}

#[test]
fn relay_policy_can_send_annual_reports_up_as_they_arrive() {
    let fed = Federation::new();
    let national = fed.national();
    let province = fed.aggregator_with(
        "75",
        &format!("https://127.0.0.1:{}/", national.port),
        1 << 20,
        "\n[relay]\nforward = [\"incident_report\", \"annual_report\"]\n",
    );
    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    let ann = inst.queue(&node, annual(UNIT));
    assert_eq!(
        runtime()
            .block_on(node.pusher.push_once())
            .unwrap()
            .delivered,
        1
    );
    wait_until(
        Duration::from_secs(20),
        "the annual report at the nation",
        || national.stored() == 1,
    );
    let rows = national.versions(ann.body.report_id.as_str());
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].peer, "75",
        "countersigned and relayed by the province"
    );
}
