//! The downlink, with real aggregators and nodes over mutual TLS: reviews reach the node and
//! its amendment goes back up; every bad notice is refused by name; a node offline for a week
//! catches up; notices travel through the province to its communes; the USB bundle carries
//! them to an air-gapped unit.

mod big_file;
mod directives;
mod refusals;
mod request_tiers;
pub mod requests;
mod review;
mod rule_packs;
pub mod tiers;

use aggregator::store::notices;
use config::settings::AggregatorSettings;
use node::tls::TlsMaterial;
use schema::{Addressee, Notice, NoticeBody, NoticeId, NoticeKind, Protocol, Signer, UnitId};

use crate::support::federation::Aggregator;

pub const UNIT: &str = "75.26041";

pub fn unit(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

/// The aggregator's own signer (its certificate and key, as it signs notices).
pub fn signer_of(agg: &Aggregator) -> Signer {
    let settings = AggregatorSettings::load_from(&agg.config, std::iter::empty()).unwrap();
    TlsMaterial::load(&settings.tls).unwrap().signer().unwrap()
}

/// The aggregator's certificate chain (DER), as a node exports a USB bundle to it.
pub fn chain_of(agg: &Aggregator) -> Vec<Vec<u8>> {
    let settings = AggregatorSettings::load_from(&agg.config, std::iter::empty()).unwrap();
    config::pki::load_certs(&settings.tls.cert_chain)
        .unwrap()
        .iter()
        .map(|c| c.to_vec())
        .collect()
}

/// A notice of a kind this version does not apply (still verified, stored and relayed).
pub fn bulletin(issuer: &Signer, to: Addressee, n: u32) -> Notice {
    let body = NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: issuer.unit().clone(),
        addressee: to,
        issued_at: node::web::layout::now_local(),
        kind: NoticeKind::parse("bulletin").unwrap(),
        payload: serde_json::json!({ "so": format!("{n}/CV-BCĐ") }),
    };
    Notice::sign(body, issuer).unwrap()
}

/// Stores `n` in the aggregator's store for its children to pull, as the aggregator does.
pub fn publish(agg: &Aggregator, n: &Notice) {
    let mut c = agg.pool.get().unwrap();
    c.write_transaction(|c| {
        notices::lock(c)?;
        notices::insert_new(c, n).map(|_| ())
    })
    .unwrap();
}

/// The node's stored notices.
pub fn stored(node: &node::app::Node) -> i64 {
    node::db::notices::count(&mut node.pool.get().unwrap()).unwrap()
}
