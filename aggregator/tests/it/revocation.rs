//! Revocation while running, as an operator lives it: a commune's laptop is stolen, PA03 runs
//! `pki revoke` and `pki crl`, and the running aggregator refuses the stolen certificate's
//! next submission within `[tls] crl_reload_secs` (1 s here), with no restart — at the TLS
//! handshake for a new connection, at the signature for one already open.

use std::time::Duration;

use config::pki::{RevokeReason, Serial};
use schema::Envelope;

use crate::support::federation::{client, Federation};
use crate::support::report::annual;
use crate::support::{runtime, wait_until};

const UNIT: &str = "75.26041";

#[test]
fn a_revoked_node_is_refused_by_the_running_aggregator_without_a_restart() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    let rt = runtime();
    inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    // An open keep-alive connection, made before the revocation.
    let open = client(&inst.tls, true);
    let send = |c: &reqwest::Client| {
        let env = Envelope::sign(annual(UNIT), &node.signer).unwrap();
        rt.block_on(async {
            match c
                .post(agg.url("/api/v1/submissions"))
                .header("content-type", "application/json")
                .body(schema::encode(&env))
                .send()
                .await
            {
                Err(_) => (0, String::from("refused at the TLS handshake")),
                Ok(r) => (r.status().as_u16(), r.text().await.unwrap()),
            }
        })
    };
    assert_eq!(send(&open).0, 200);

    let serial = Serial::of_cert_file(&inst.tls.cert_chain).unwrap();
    fed.ca75
        .revoke(&serial, RevokeReason::KeyCompromise)
        .unwrap();
    fed.ca75.write_crl().unwrap();

    let mut answer = (200, String::new());
    wait_until(
        Duration::from_secs(10),
        "the revocation to take effect",
        || {
            answer = send(&open);
            answer.0 != 200
        },
    );
    assert_eq!(answer.0, 403, "{}", answer.1);
    assert!(answer.1.contains("\"revoked\""), "{}", answer.1);
    // Nor can it pull notices over the connection it still holds.
    let pulled = rt.block_on(async {
        let r = open.get(agg.url("/api/v1/notices")).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    });
    assert_eq!(pulled.0, 403, "{}", pulled.1);
    assert!(pulled.1.contains("\"revoked\""), "{}", pulled.1);
    // From now on nothing more is stored, and a new connection does not get past the handshake.
    let stored = agg.stored();
    assert_eq!(send(&open).0, 403);
    assert_eq!(send(&client(&inst.tls, true)).0, 0);
    assert_eq!(agg.stored(), stored);
}
