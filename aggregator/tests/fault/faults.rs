//! The faults and their schedule. A schedule is drawn from a seeded RNG: every kind of fault at
//! least once, then random ones, each at a random moment of the burst and for a random while.

use std::time::Duration;

use rand::rngs::StdRng;
use rand::seq::SliceRandom as _;
use rand::Rng as _;

use crate::proxy::{Direction, FaultProxy};
use crate::tiers::{Tiers, Twins};
use crate::wait_until;

/// A link between tiers, i.e. which proxy.
#[derive(Clone, Copy, Debug)]
pub enum Link {
    /// The nodes' pushers → the province.
    NodeProvince,
    /// The province's relay → the nation.
    ProvinceNation,
}

#[derive(Clone, Debug)]
pub enum Fault {
    /// New connections refused, live ones severed, for a while.
    Drop(Link, Duration),
    /// Every chunk delayed, for a while.
    Delay(Link, Duration, Duration),
    /// The next chunk one way is cut after some bytes, and the connection closed.
    Cut(Link, Direction, usize),
    /// A blackhole for a while, then healed.
    Partition(Link, Duration),
    /// kill -9 of a node's pusher, restarted after a while.
    KillPusher(usize, Duration),
    /// kill -9 of the provincial aggregator, restarted after a while.
    KillProvince(Duration),
    /// kill -9 of the national aggregator, restarted after a while.
    KillNation(Duration),
}

impl Fault {
    /// A short name, for the tally.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Drop(..) => "drop",
            Fault::Delay(..) => "delay",
            Fault::Cut(_, Direction::Up, _) => "cut request",
            Fault::Cut(_, Direction::Down, _) => "cut answer",
            Fault::Partition(..) => "partition",
            Fault::KillPusher(..) => "kill -9 pusher",
            Fault::KillProvince(..) => "kill -9 province",
            Fault::KillNation(..) => "kill -9 nation",
        }
    }
}

fn link(rng: &mut StdRng) -> Link {
    if rng.random_bool(0.5) {
        Link::NodeProvince
    } else {
        Link::ProvinceNation
    }
}

fn millis(rng: &mut StdRng, lo: u64, hi: u64) -> Duration {
    Duration::from_millis(rng.random_range(lo..hi))
}

/// One random fault of kind `k` (0..8).
fn draw(rng: &mut StdRng, k: usize, nodes: usize) -> Fault {
    match k {
        0 => Fault::Drop(link(rng), millis(rng, 200, 1500)),
        1 => Fault::Delay(link(rng), millis(rng, 20, 300), millis(rng, 300, 2000)),
        2 => Fault::Cut(link(rng), Direction::Up, rng.random_range(1..3000)),
        3 => Fault::Cut(link(rng), Direction::Down, rng.random_range(1..3000)),
        4 => Fault::Partition(link(rng), millis(rng, 300, 3000)),
        5 => Fault::KillPusher(rng.random_range(0..nodes), millis(rng, 0, 1000)),
        6 => Fault::KillProvince(millis(rng, 0, 1000)),
        _ => Fault::KillNation(millis(rng, 0, 1000)),
    }
}

/// `count` faults (at least one of each kind) at random offsets within `span`, in order.
pub fn schedule(
    rng: &mut StdRng,
    count: usize,
    span: Duration,
    nodes: usize,
) -> Vec<(Duration, Fault)> {
    let mut faults: Vec<Fault> = (0..count.max(8))
        .map(|i| {
            let k = if i < 8 { i } else { rng.random_range(0..8) };
            draw(rng, k, nodes)
        })
        .collect();
    faults.shuffle(rng);
    let mut at: Vec<Duration> = (0..faults.len())
        .map(|_| span.mul_f64(rng.random::<f64>()))
        .collect();
    at.sort();
    at.into_iter().zip(faults).collect()
}

/// Four kills of the tier that runs two processes, at random moments of `span` (they
/// alternate between the two processes); none without twins.
pub fn twin_kills(rng: &mut StdRng, twins: Twins, span: Duration) -> Vec<(Duration, Fault)> {
    let kill = |rng: &mut StdRng| match twins {
        Twins::ProvinceBehindHaproxy => Fault::KillProvince(millis(rng, 0, 1000)),
        _ => Fault::KillNation(millis(rng, 0, 1000)),
    };
    let n = if twins == Twins::None { 0 } else { 4 };
    (0..n)
        .map(|_| {
            let at = span.mul_f64(rng.random::<f64>());
            (at, kill(rng))
        })
        .collect()
}

fn proxy(t: &Tiers, l: Link) -> &FaultProxy {
    match l {
        Link::NodeProvince => &t.province.proxy,
        Link::ProvinceNation => &t.nation.proxy,
    }
}

/// Injects `fault` and heals it (restarts what it killed) before returning.
pub fn inject(tiers: &mut Tiers, fault: &Fault, retry_now: bool) {
    match *fault {
        Fault::Drop(l, d) => {
            proxy(tiers, l).set_drop(true);
            std::thread::sleep(d); // the fault's length, not a synchronisation
            proxy(tiers, l).set_drop(false);
        }
        Fault::Delay(l, by, d) => {
            proxy(tiers, l).set_delay(by);
            std::thread::sleep(d);
            proxy(tiers, l).set_delay(Duration::ZERO);
        }
        Fault::Cut(l, dir, bytes) => {
            let p = proxy(tiers, l);
            let before = p.cuts_done();
            p.cut(dir, bytes);
            // Triggered by the next traffic that way; disarmed if none comes.
            let deadline = std::time::Instant::now() + Duration::from_secs(3);
            while p.cuts_done() == before && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            p.clear();
        }
        Fault::Partition(l, d) => {
            proxy(tiers, l).set_partition(true);
            std::thread::sleep(d);
            proxy(tiers, l).set_partition(false);
        }
        Fault::KillPusher(i, dead) => {
            tiers.nodes[i].pusher.kill9();
            std::thread::sleep(dead);
            tiers.nodes[i].restart(retry_now);
        }
        Fault::KillProvince(dead) => {
            tiers.province.kill9();
            std::thread::sleep(dead);
            tiers.province.restart(retry_now);
        }
        Fault::KillNation(dead) => {
            tiers.nation.kill9();
            std::thread::sleep(dead);
            tiers.nation.restart(retry_now);
        }
    }
}

/// Waits until every process of `tiers` runs (they should: each fault heals itself).
pub fn all_running(tiers: &mut Tiers) {
    wait_until(Duration::from_secs(1), "every process running", || {
        tiers.province.running()
            && tiers.nation.running()
            && tiers.nodes.iter_mut().all(|n| n.pusher.running())
    });
}
