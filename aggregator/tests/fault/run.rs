//! One run: a paced burst of incident reports from four communes, and of notices from the
//! nation (to one commune, or to Đồng Nai's whole subtree), while faults are injected at
//! random moments, then every fault healed, then the end state checked — every submission
//! stored exactly once at the province and at the nation, a receipt for each at its node, the
//! nation's receipt for each at the province, and every notice relayed once by the province
//! and stored once by each node it concerns.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::SeedableRng as _;

use crate::faults;
use crate::support::report::incident;
use crate::tiers::{self, Tiers, Twins, UNITS};

/// One notice from the nation every this many submissions.
const NOTICE_EVERY: usize = 10;

/// The notices published during a burst, per node (by index), by id.
type Published = Vec<Vec<String>>;

/// The nation issues notice number `i`: to one commune, or (every third) to all of Đồng Nai.
fn issue(signer: &schema::Signer, i: usize) -> (schema::Notice, Option<usize>) {
    use schema::{Addressee, NoticeBody, NoticeId, NoticeKind, Protocol, UnitId};
    let k = (i / NOTICE_EVERY) % UNITS.len();
    let (to, only) = if (i / NOTICE_EVERY).is_multiple_of(3) {
        (
            Addressee::Subtree {
                root: UnitId::parse("75").unwrap(),
            },
            None,
        )
    } else {
        (
            Addressee::Unit {
                unit: UnitId::parse(UNITS[k]).unwrap(),
            },
            Some(k),
        )
    };
    let body = NoticeBody {
        protocol: Protocol::V1,
        notice_id: NoticeId::random(),
        issuer: signer.unit().clone(),
        addressee: to,
        issued_at: node::web::layout::now_local(),
        kind: NoticeKind::parse("bulletin").unwrap(),
        payload: serde_json::json!({ "so": i }),
    };
    (schema::Notice::sign(body, signer).unwrap(), only)
}

/// What a run does.
pub struct Plan {
    pub submissions: usize,
    pub faults: usize,
    /// Submissions queued per second (the burst lasts `submissions / rate` seconds).
    pub rate: f64,
    /// Whether a restarted process first makes its outbox due (`--retry-now`), or waits out
    /// the leases its killed predecessor held.
    pub retry_now: bool,
    /// How long the tiers may take to settle after the last fault.
    pub settle: Duration,
    /// Which tier runs as two `serve` processes on one store (killed in turn).
    pub twins: Twins,
}

/// Sets the flag when dropped, so the burst stops if the test fails.
struct StopOnDrop(Arc<AtomicBool>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The seed: `BMNN_FAULT_SEED` to replay a schedule, else a fresh one.
fn seed() -> u64 {
    std::env::var("BMNN_FAULT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random)
}

pub fn run(name: &str, plan: Plan) {
    let seed = seed();
    eprintln!("{name}: seed {seed} (replay the schedule with BMNN_FAULT_SEED={seed})");
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tiers = Tiers::start(plan.twins);
    let span = Duration::from_secs_f64(plan.submissions as f64 / plan.rate);
    let mut schedule = faults::schedule(&mut rng, plan.faults, span, tiers.nodes.len());
    // Each process of a twin tier killed -9 at least twice, at random moments of the burst.
    schedule.extend(faults::twin_kills(&mut rng, plan.twins, span));
    schedule.sort_by_key(|(at, _)| *at);
    let mut ui = crate::ui::Session::open(&tiers);

    let stop = Arc::new(AtomicBool::new(false));
    let _stop = StopOnDrop(stop.clone());
    let handles: Vec<node::app::Node> = tiers.nodes.iter().map(|n| n.node.clone()).collect();
    let (n, rate) = (plan.submissions, plan.rate);
    let (nation_store, nation_signer) = (tiers.nation.store(), tiers.nation.signer());
    let burst = std::thread::spawn(move || {
        let t0 = Instant::now();
        let mut ids = vec![Vec::new(); handles.len()];
        let mut notices: Published = vec![Vec::new(); handles.len()];
        for i in 0..n {
            if stop.load(Ordering::SeqCst) {
                break;
            }
            // Pacing the load, so the faults fall during the burst.
            let due = Duration::from_secs_f64(i as f64 / rate);
            if let Some(wait) = due.checked_sub(t0.elapsed()) {
                std::thread::sleep(wait);
            }
            let k = i % handles.len();
            ids[k].push(tiers::queue(&handles[k], incident(UNITS[k])));
            if i % NOTICE_EVERY == NOTICE_EVERY / 2 {
                let (notice, only) = issue(&nation_signer, i);
                tiers::publish(&nation_store, &notice);
                let id = notice.body.notice_id.to_string();
                match only {
                    Some(k) => notices[k].push(id),
                    None => notices.iter_mut().for_each(|v| v.push(id.clone())),
                }
            }
        }
        (ids, notices)
    });

    let t0 = Instant::now();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (at, fault) in &schedule {
        if let Some(wait) = at.checked_sub(t0.elapsed()) {
            std::thread::sleep(wait); // the fault's random moment
        }
        faults::inject(&mut tiers, fault, plan.retry_now);
        if let (Some(ui), faults::Fault::KillProvince(_)) = (ui.as_mut(), fault) {
            ui.still_logged_in(&context_of(seed, &tiers));
        }
        *tally.entry(fault.kind()).or_default() += 1;
    }
    faults::all_running(&mut tiers);
    let (ids, notices) = burst.join().expect("the burst of submissions");
    let faults_done = t0.elapsed();
    let cuts = tiers.province.proxy.cuts_done() + tiers.nation.proxy.cuts_done();

    let context = context_of(seed, &tiers);
    let settled = settle(&tiers, &ids, &notices, plan.settle, &context);
    check(&tiers, &ids, &context);
    check_notices(&tiers, &notices, &context);
    match plan.twins {
        Twins::Nation => assert!(
            tiers.nation.proxy.to_second() > 0,
            "the second national process served nothing; {context}"
        ),
        Twins::ProvinceBehindHaproxy => {
            crate::ui::both_served(&mut tiers, &context);
            let ui = ui.as_mut().expect("a web UI session");
            ui.still_logged_in(&context);
            eprintln!(
                "{name}: the web UI session stayed open through every kill ({} pages opened)",
                ui.checks
            );
        }
        Twins::None => {}
    }
    eprintln!(
        "{name}: {n} submissions, {} faults {tally:?} ({cuts} connections cut), \
         burst and faults {faults_done:.1?}, settled {settled:.1?} later, {:.1?} in all",
        schedule.len(),
        started.elapsed()
    );
}

fn context_of(seed: u64, tiers: &Tiers) -> String {
    format!("seed {seed}; logs: {}", tiers.logs())
}

/// Counts at each tier.
#[derive(Debug, PartialEq, Eq)]
struct Counts {
    province: i64,
    nation: i64,
    relay_receipts: i64,
    node_receipts: Vec<i64>,
    /// Notices the province holds for its subtree (relayed from the nation).
    relayed_notices: i64,
    node_notices: Vec<i64>,
}

fn counts(
    tiers: &Tiers,
    province: &aggregator::store::DbPool,
    nation: &aggregator::store::DbPool,
    relay: &node::db::DbPool,
) -> Counts {
    use aggregator::store::received;
    Counts {
        province: received::count(&mut province.get().unwrap()).unwrap(),
        nation: received::count(&mut nation.get().unwrap()).unwrap(),
        relay_receipts: node::db::receipts::count(&mut relay.get().unwrap()).unwrap(),
        node_receipts: tiers
            .nodes
            .iter()
            .map(|s| node::db::receipts::count(&mut s.node.pool.get().unwrap()).unwrap())
            .collect(),
        relayed_notices: aggregator::store::notices::count(&mut province.get().unwrap()).unwrap(),
        node_notices: tiers
            .nodes
            .iter()
            .map(|s| node::db::notices::count(&mut s.node.pool.get().unwrap()).unwrap())
            .collect(),
    }
}

/// Polls the counts until every tier holds everything; how long that took.
fn settle(
    tiers: &Tiers,
    ids: &[Vec<String>],
    notices: &Published,
    timeout: Duration,
    context: &str,
) -> Duration {
    let mut all: Vec<&String> = notices.iter().flatten().collect();
    all.sort();
    all.dedup();
    let want = Counts {
        relayed_notices: all.len() as i64,
        node_notices: notices.iter().map(|v| v.len() as i64).collect(),
        province: ids.iter().map(Vec::len).sum::<usize>() as i64,
        nation: ids.iter().map(Vec::len).sum::<usize>() as i64,
        relay_receipts: ids.iter().map(Vec::len).sum::<usize>() as i64,
        node_receipts: ids.iter().map(|v| v.len() as i64).collect(),
    };
    let (province, nation) = (tiers.province.store(), tiers.nation.store());
    let relay = tiers
        .province
        .relay_store()
        .expect("the province's relay store");
    let start = Instant::now();
    loop {
        let now = counts(tiers, &province, &nation, &relay);
        if now == want {
            return start.elapsed();
        }
        if start.elapsed() > timeout {
            panic!(
                "not settled after {timeout:?}: {now:?}, want {want:?}\n{context}\n{}",
                tails(tiers)
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Each report once at each tier, one receipt for it at its node and at the province, every
/// outbox row delivered.
fn check(tiers: &Tiers, ids: &[Vec<String>], context: &str) {
    use aggregator::store::received;
    let (province, nation) = (tiers.province.store(), tiers.nation.store());
    let relay = tiers
        .province
        .relay_store()
        .expect("the province's relay store");
    let (mut p, mut v, mut r) = (
        province.get().unwrap(),
        nation.get().unwrap(),
        relay.get().unwrap(),
    );
    let total: usize = ids.iter().map(Vec::len).sum();
    for (side, ids) in tiers.nodes.iter().zip(ids) {
        let mut own = side.node.pool.get().unwrap();
        for id in ids {
            let at_province = received::versions(&mut p, id).unwrap();
            assert_eq!(at_province.len(), 1, "{id} at the province; {context}");
            assert_eq!(at_province[0].unit, side.unit);
            let at_nation = received::versions(&mut v, id).unwrap();
            assert_eq!(at_nation.len(), 1, "{id} at the nation; {context}");
            assert_eq!(at_nation[0].peer, "75", "relayed by the province");
            assert_eq!(at_nation[0].digest, at_province[0].digest);
            let receipts = node::db::receipts::for_report(&mut own, id).unwrap();
            assert_eq!(receipts.len(), 1, "{id}'s receipt at {}", side.unit);
            let relayed = node::db::receipts::for_report(&mut r, id).unwrap();
            assert_eq!(relayed.len(), 1, "the nation's receipt for {id}");
        }
        let outbox = node::db::outbox::counts(&mut own).unwrap();
        assert_eq!(
            outbox,
            vec![("delivered".to_string(), ids.len() as i64)],
            "{}'s outbox",
            side.unit
        );
    }
    let outbox = node::db::outbox::counts(&mut r).unwrap();
    assert_eq!(
        outbox,
        vec![("delivered".to_string(), total as i64)],
        "the province's relay outbox"
    );
}

/// Every notice the nation published is stored once at each node it concerns, and nothing
/// else is (the counts matched already; this names what is missing).
fn check_notices(tiers: &Tiers, notices: &Published, context: &str) {
    for (side, ids) in tiers.nodes.iter().zip(notices) {
        let mut c = side.node.pool.get().unwrap();
        for id in ids {
            assert!(
                node::db::notices::get(&mut c, id).unwrap().is_some(),
                "notice {id} at {}; {context}",
                side.unit
            );
        }
        let refused = node::db::audit::recent(&mut c, 100_000)
            .unwrap()
            .into_iter()
            .filter(|a| a.action == "notice_refused")
            .count();
        assert_eq!(refused, 0, "{} refused a notice; {context}", side.unit);
    }
}

/// The last lines of every process's log.
fn tails(tiers: &Tiers) -> String {
    tiers
        .logs()
        .split(", ")
        .map(|path| {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(15)..].join("\n");
            format!("--- {path}\n{tail}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
