//! Group commit under concurrency: many clients at once, the same envelope several times in
//! flight, and a conflicting version among them. Every report is stored once, duplicates get
//! the first `received_at`, and a conflict refuses only itself.

use crate::support::federation::{client, Federation};
use crate::support::report::{annual, revised};
use crate::support::runtime;

#[test]
fn concurrent_submissions_are_each_stored_once_and_a_conflict_refuses_only_itself() {
    let fed = Federation::new();
    let agg = fed.aggregator_with(
        "75",
        "https://a03.bca.example.vn/",
        1 << 20,
        "rate_burst = 100000",
    );
    let inst = fed.node("75.26041", agg.port);
    let node = inst.open();
    let rt = runtime();
    let c = client(&inst.tls, true);
    let envs: Vec<_> = (0..24)
        .map(|_| inst.queue(&node, annual("75.26041")))
        .collect();
    let twice = envs[0].clone();
    let conflicting = inst.queue(&node, revised(&twice.body, None));
    let mut bodies: Vec<Vec<u8>> = envs.iter().map(schema::encode).collect();
    bodies.extend((0..4).map(|_| schema::encode(&twice)));
    bodies.push(schema::encode(&conflicting));
    let answers = rt.block_on(async {
        let tasks: Vec<_> = bodies
            .into_iter()
            .map(|b| {
                let (c, agg_url) = (c.clone(), agg.url("/api/v1/submissions"));
                tokio::spawn(async move {
                    let r = c.post(agg_url).body(b).send().await.unwrap();
                    (
                        r.status().as_u16(),
                        r.json::<serde_json::Value>().await.unwrap(),
                    )
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    });
    let ok = answers.iter().filter(|(s, _)| *s == 200).count();
    let conflicts: Vec<_> = answers.iter().filter(|(s, _)| *s == 409).collect();
    // The conflicting version may arrive before or after the original: whichever comes second
    // is refused (the conflicting one alone, or the original and its 4 copies).
    assert_eq!(ok + conflicts.len(), answers.len(), "{answers:?}");
    assert!(conflicts.len() == 1 || conflicts.len() == 5, "{answers:?}");
    assert_eq!(agg.stored(), 24);
    let times: std::collections::HashSet<String> = answers
        .iter()
        .filter(|(s, j)| *s == 200 && j["body"]["report_id"] == twice.body.report_id.as_str())
        .map(|(_, j)| j["body"]["received_at"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        times.len(),
        1,
        "every copy of one report carries the first received_at"
    );
    // One audit entry per stored report, appended batch by batch into one unbroken chain.
    let mut conn = agg.pool.get().unwrap();
    assert_eq!(node::db::audit::verify_chain(&mut conn).unwrap(), None);
    let accepted = node::db::audit::recent(&mut conn, 1000)
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "submission_accepted")
        .count();
    assert_eq!(accepted, 24);
}
