//! Envelopes: what an aggregator does with a received body (aggregator/src/ingest/process.rs,
//! up to the database): decode, verify every signature at the time of receipt, check the unit
//! is strictly below the aggregator, validate the contract, then the rule pack in force on the
//! period's last day. Every decoded envelope is also signed again by the node (and sometimes
//! countersigned by the province), sent through the encoder and the decoder and checked once
//! more, so the mutated body reaches the checks that follow a good signature.

use schema::{Envelope, UnixTime};

use crate::pki::Fixture;

pub fn run(fx: &Fixture, input: &[u8]) -> String {
    let env: Envelope = match schema::decode(input) {
        Ok(env) => env,
        Err(e) => return format!("decode: {e}"),
    };
    let received = ingest(fx, &env);
    let resigned = resign(fx, env, input.len() % 2 == 1);
    format!("{received} | resigned {resigned}")
}

/// The aggregator's checks on one decoded envelope; a label of how far it got.
pub fn ingest(fx: &Fixture, env: &Envelope) -> String {
    let mut refused = String::new();
    let verified = fx.trusts.iter().find_map(|(trust, at)| {
        env.verify(trust, *at)
            .map_err(|e| refused = format!("verify: {} {e}", e.code()))
            .ok()
    });
    let Some(verified) = verified else {
        return refused;
    };
    let stored = String::from_utf8(verified.encoded).is_ok();
    let _ = (schema::encode(env), env.digest(), env.body.kind());
    let unit = &env.body.unit;
    if unit == &fx.aggregator_unit || !fx.aggregator_unit.contains(unit) {
        return "outside_subtree".into();
    }
    if let Err(e) = env.body.validate() {
        return format!("invalid: {e}");
    }
    let rules = match config::rules::RuleBook::embedded() {
        Ok(rules) => rules,
        Err(e) => return format!("rules: {e}"),
    };
    let pack = match rules.pack_for(env.body.period.end()) {
        Ok(pack) => pack,
        Err(e) => return format!("no pack: {e}"),
    };
    match pack.validate_payload(&env.body.payload) {
        Ok(()) => format!("accepted (utf-8 {stored})"),
        Err(e) => format!("rule pack: {e}"),
    }
}

/// `env`'s body signed again by the node (its unit set to the node's), maybe countersigned,
/// then encoded, decoded and checked.
fn resign(fx: &Fixture, env: Envelope, countersign: bool) -> String {
    let mut body = env.body;
    body.unit = fx.node_unit.clone();
    let mut signed = match Envelope::sign(body, &fx.node) {
        Ok(signed) => signed,
        Err(e) => return format!("sign: {e}"),
    };
    if countersign {
        if let Err(e) = signed.countersign(&fx.aggregator) {
            return format!("countersign: {e}");
        }
    }
    let wire = schema::encode(&signed);
    match schema::decode::<Envelope>(&wire) {
        Ok(back) if schema::encode(&back) == wire => ingest(fx, &back),
        Ok(_) => "ANOMALY: the envelope encodes differently after a round trip".into(),
        Err(e) => format!("ANOMALY: an encoded envelope does not decode: {e}"),
    }
}

/// Checks a seed decodes and verifies now (used by the seed builder's tests).
pub fn verifies(fx: &Fixture, bytes: &[u8]) -> bool {
    schema::decode::<Envelope>(bytes).is_ok_and(|e| e.verify(fx.trust(), UnixTime::now()).is_ok())
}
