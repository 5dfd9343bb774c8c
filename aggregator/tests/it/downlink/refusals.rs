//! Refused by name: a notice from a sibling province, from a foreign root, by a revoked
//! issuer, with a tampered body; a replayed notice is stored once; a cursor from the future is
//! refused by the parent and the node starts again from 0.

use config::pki::{LeafRequest, Overwrite, RevokeReason, Serial};
use schema::{encode, BoundedVec, TYP_NOTICE};

use super::*;
use crate::support::federation::{client, Federation, Installation};
use crate::support::runtime;

/// The node's installation with the province's CRL in its trust.
fn node_with_crl(fed: &Federation, port: u16) -> Installation {
    let inst = fed.node(UNIT, port);
    let toml = std::fs::read_to_string(&inst.config).unwrap();
    let crl = fed.ca75.crl_path();
    let toml = toml.replacen(
        "\n[[upstream]]",
        &format!(
            "crl = \"{}\"\ncrl_reload_secs = 1\n\n[[upstream]]",
            crl.display()
        ),
        1,
    );
    std::fs::write(&inst.config, toml).unwrap();
    inst
}

/// A second aggregator certificate for 75, revoked, and its signer.
fn revoked_province_signer(fed: &Federation) -> Signer {
    let leaf = fed
        .ca75
        .issue_leaf(
            &LeafRequest::aggregator(unit("75")),
            &fed.dir.path().join("old-75"),
            "stolen",
            Overwrite::Refuse,
        )
        .unwrap();
    let serial = Serial::of_cert_file(&leaf.chain).unwrap();
    fed.ca75
        .revoke(&serial, RevokeReason::KeyCompromise)
        .unwrap();
    fed.ca75.write_crl().unwrap();
    let tls = config::settings::TlsSection::new(
        leaf.chain.clone(),
        leaf.key.clone(),
        fed.root.cert_path(),
        None,
    );
    TlsMaterial::load(&tls).unwrap().signer().unwrap()
}

/// A notice signed by province 79 but addressed to Đồng Nai's commune (signed by hand:
/// `Notice::sign` refuses to make it).
fn from_sibling(fed: &Federation) -> Notice {
    let (_, tls) = fed.leaf("79");
    let sibling = TlsMaterial::load(&tls).unwrap().signer().unwrap();
    let mut n = bulletin(
        &sibling,
        Addressee::Unit {
            unit: unit("79.26734"),
        },
        1,
    );
    n.body.addressee = Addressee::Unit { unit: unit(UNIT) };
    n.signatures =
        BoundedVec::parse(vec![sibling.sign_detached(TYP_NOTICE, &encode(&n.body))]).unwrap();
    n
}

fn refusal_codes(node: &node::app::Node) -> Vec<String> {
    let rows = node::db::audit::recent(&mut node.pool.get().unwrap(), 100).unwrap();
    let mut codes: Vec<String> = rows
        .iter()
        .filter(|r| r.action == "notice_refused")
        .map(|r| r.detail.split(' ').next().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

#[test]
fn bad_notices_are_refused_by_name_and_never_applied() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let province = signer_of(&agg);
    let to_me = || Addressee::Unit { unit: unit(UNIT) };
    let genuine = bulletin(&province, to_me(), 1);
    let mut tampered = bulletin(&province, to_me(), 2);
    tampered.body.payload["so"] = "99/CV-BCĐ".into();
    let rogue_fed = Federation::new();
    let (_, rogue_tls) = rogue_fed.leaf("75");
    let rogue = TlsMaterial::load(&rogue_tls).unwrap().signer().unwrap();
    let revoked = revoked_province_signer(&fed);
    for n in [
        &genuine,
        &from_sibling(&fed),
        &bulletin(&rogue, to_me(), 3),
        &bulletin(&revoked, to_me(), 4),
        &tampered,
    ] {
        publish(&agg, n);
    }
    let inst = node_with_crl(&fed, agg.port);
    let node = inst.open();
    let rt = runtime();
    let r = rt.block_on(node.pusher.pull_once());
    assert_eq!((r.stored, r.refused, r.failed), (1, 4, 0), "{r:?}");
    assert_eq!(stored(&node), 1);
    assert!(node::db::notices::get(
        &mut node.pool.get().unwrap(),
        genuine.body.notice_id.as_str()
    )
    .unwrap()
    .is_some());
    assert_eq!(
        refusal_codes(&node),
        [
            "bad_signature",
            "revoked",
            "untrusted_certificate",
            "wrong_signer"
        ]
    );

    // Replayed: the cursor goes back to 0, the same notices come again, nothing is added.
    node::db::notices::set_cursor(
        &mut node.pool.get().unwrap(),
        "PA03 Đồng Nai",
        0,
        node::db::now(),
    )
    .unwrap();
    let again = rt.block_on(node.pusher.pull_once());
    assert_eq!((again.stored, again.known), (0, 1));
    assert_eq!(stored(&node), 1);

    // A cursor from the future: the parent refuses it by name; the node starts again from 0.
    let c = client(&inst.tls, true);
    let (status, body) = rt.block_on(async {
        let r = c
            .get(agg.url("/api/v1/notices?after=999999"))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("\"cursor_ahead\""), "{body}");
    let (status, body) = rt.block_on(async {
        let r = c
            .get(agg.url("/api/v1/notices?after=-1"))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("\"bad_cursor\""), "{body}");
    node::db::notices::set_cursor(
        &mut node.pool.get().unwrap(),
        "PA03 Đồng Nai",
        999_999,
        node::db::now(),
    )
    .unwrap();
    let reset = rt.block_on(node.pusher.pull_once());
    assert_eq!(
        (reset.stored, reset.known, reset.failed),
        (0, 1, 0),
        "{reset:?}"
    );
    let cursor = node::db::notices::cursor(&mut node.pool.get().unwrap(), "PA03 Đồng Nai").unwrap();
    let last = aggregator::store::notices::last_seq(&mut agg.pool.get().unwrap()).unwrap();
    assert_eq!(cursor, last);
}

#[test]
fn a_node_offline_for_a_week_catches_up_from_its_cursor() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let province = signer_of(&agg);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    publish(
        &agg,
        &bulletin(&province, Addressee::Unit { unit: unit(UNIT) }, 0),
    );
    assert_eq!(rt.block_on(node.pusher.pull_once()).stored, 1);
    // A week of notices while the node is off: 230 for it (one page holds 100), 120 for a
    // neighbour, and one for the whole province.
    for i in 1..=350 {
        let to = if i % 3 == 0 { "75.26044" } else { UNIT };
        let to = if i <= 345 { to } else { UNIT };
        publish(
            &agg,
            &bulletin(&province, Addressee::Unit { unit: unit(to) }, i),
        );
    }
    publish(
        &agg,
        &bulletin(&province, Addressee::Subtree { root: unit("75") }, 999),
    );
    let mine = 1 + (1..=350).filter(|i| i % 3 != 0 || *i > 345).count() + 1;
    let r = rt.block_on(node.pusher.pull_once());
    assert_eq!(r.failed, 0);
    assert_eq!(stored(&node) as usize, mine);
    assert_eq!(
        rt.block_on(node.pusher.pull_once()).stored,
        0,
        "nothing twice"
    );
}

/// When the province's own certificate is revoked, the node refuses what it signs from then
/// on (notices, receipts) within the reload interval, without a restart; new connections to it
/// fail at the handshake (an open keep-alive connection is not handshaken again, but nothing
/// that comes over it is accepted unsigned).
#[test]
fn a_node_refuses_what_a_revoked_parent_signs() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let province = signer_of(&agg);
    let inst = node_with_crl(&fed, agg.port);
    let node = inst.open();
    let rt = runtime();
    publish(
        &agg,
        &bulletin(&province, Addressee::Unit { unit: unit(UNIT) }, 1),
    );
    assert_eq!(rt.block_on(node.pusher.pull_once()).stored, 1);
    let chain = AggregatorSettings::load_from(&agg.config, std::iter::empty())
        .unwrap()
        .tls
        .cert_chain;
    let serial = Serial::of_cert_file(&chain).unwrap();
    fed.ca75
        .revoke(&serial, RevokeReason::KeyCompromise)
        .unwrap();
    fed.ca75.write_crl().unwrap();
    let mut n = 1;
    crate::support::wait_until(
        std::time::Duration::from_secs(10),
        "the node to refuse the revoked parent's notice",
        || {
            n += 1;
            publish(
                &agg,
                &bulletin(&province, Addressee::Unit { unit: unit(UNIT) }, n),
            );
            let r = rt.block_on(node.pusher.pull_once());
            r.refused > 0 || r.failed > 0
        },
    );
    // A new connection (a restarted node) fails at the handshake: the parent's certificate is
    // checked against the CRLs too.
    let restarted = inst.open();
    let r = rt.block_on(restarted.pusher.pull_once());
    assert_eq!((r.failed, r.stored), (1, 0), "{r:?}");
}
