//! Notices: what a node does with a notice pulled over a link or carried in a receipt bundle
//! (node/src/puller.rs): decode a `Notice` or a `NoticePage`, decode the payload for its
//! kind (`NoticeBody::content`), validate, and verify for the node's unit
//! (`node::puller::verify_all`). Every decoded notice is also signed again by the province
//! (as its issuer) so the mutated body reaches the checks that follow a good signature.

use schema::canonical::to_canonical;
use schema::{BoundedVec, Notice, NoticePage, TYP_NOTICE};

use crate::pki::Fixture;

pub fn run(fx: &Fixture, input: &[u8]) -> String {
    match schema::decode::<Notice>(input) {
        Ok(notice) => {
            let received = check(fx, &notice);
            format!("{received} | resigned {}", resign(fx, notice))
        }
        Err(e) => match schema::decode::<NoticePage>(input) {
            Ok(page) => page_outcome(fx, &page),
            Err(_) => format!("decode: {e}"),
        },
    }
}

/// The node's checks on one decoded notice; a label of how far it got.
fn check(fx: &Fixture, notice: &Notice) -> String {
    let content = match notice.body.content() {
        Ok(c) => format!("{c:?}").chars().take(12).collect::<String>(),
        Err(e) => format!("content: {e}"),
    };
    let _ = notice.body.validate();
    let (good, bad) =
        node::puller::verify_all(fx.trust(), &fx.node_unit, std::iter::once(notice.clone()));
    let vectors = fx.trusts[1..]
        .iter()
        .filter(|(trust, at)| notice.verify_for(trust, *at, &fx.node_unit).is_ok())
        .count();
    let refused: Vec<&str> = bad.iter().map(|(_, code)| code.as_str()).collect();
    format!(
        "{content}; verified {} (vectors {vectors}) refused {refused:?}",
        good.len()
    )
}

/// A page's notices verified together, as the puller takes them.
fn page_outcome(fx: &Fixture, page: &NoticePage) -> String {
    let notices = page.notices.as_slice().iter().cloned();
    let (good, bad) = node::puller::verify_all(fx.trust(), &fx.node_unit, notices);
    format!(
        "page: verified {} refused {} more {}",
        good.len(),
        bad.len(),
        page.more
    )
}

/// The notice's body signed again by the province as its issuer, then checked.
fn resign(fx: &Fixture, notice: Notice) -> String {
    let mut body = notice.body;
    body.issuer = fx.aggregator_unit.clone();
    let canonical = match to_canonical(&body) {
        Ok(c) => c,
        Err(e) => return format!("canonical: {e}"),
    };
    let jws = fx.aggregator.sign_detached(TYP_NOTICE, &canonical);
    let signatures = match BoundedVec::parse(vec![jws]) {
        Ok(s) => s,
        Err(e) => return format!("ANOMALY: one signature is refused: {e}"),
    };
    let signed = Notice { body, signatures };
    let wire = schema::encode(&signed);
    match schema::decode::<Notice>(&wire) {
        Ok(back) if schema::encode(&back) == wire => check(fx, &back),
        Ok(_) => "ANOMALY: the notice encodes differently after a round trip".into(),
        Err(e) => format!("ANOMALY: an encoded notice does not decode: {e}"),
    }
}
