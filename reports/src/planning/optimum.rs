//! The optimum, or a certified bound on it, for instances of a few hundred units
//! (docs/planning.md §5, "Weekly assignment"): a branch and bound over the **weekly
//! assignment relaxation** — each unit to at most one (team, ISO week) slot where the team may
//! visit it alone in a run of that week's days after its release, at most the slot's visit
//! capacity per slot, at most `Units(n)` in all — solved exactly as a maximum-weight flow with
//! the lexicographic objective as weights. A solution whose every slot can be packed into
//! trips ([`super::pack`]) is a plan, hence optimal; otherwise one unit of the first slot that
//! does not pack is forbidden there, one child per unit (every plan avoids at least one of
//! them, since a subset of a packable set packs). Best first, so the largest open relaxation
//! value is an upper bound at any time.

use std::collections::{BTreeMap, BinaryHeap, HashSet};

use super::assemble::assemble;
use super::campaign::{CampaignSize, WeeklyCapacity};
use super::flow::Network;
use super::pack::{pack, Packing};
use super::plan::{Method, Objective, Plan, Selection};
use super::problem::Problem;
use super::route::RTrip;

/// What the search established.
#[derive(Debug, Clone)]
pub struct Optimum {
    /// No plan has a better objective (lexicographic: random, mandatory, risk).
    pub bound: Objective,
    /// The relaxation's value at the root (before any branching).
    pub root: Objective,
    /// Whether `bound` is reached: by `plan`, or by the incumbent given to the search.
    pub proven: bool,
    /// An optimal plan found by the search (`None` when the incumbent was proven optimal, or
    /// nothing was proven).
    pub plan: Option<Plan>,
    /// Relaxations solved.
    pub nodes: usize,
}

impl Optimum {
    /// An upper bound (points) on the covered risk of an optimal plan, given a plan reaching
    /// `objective`: known only when the bound's class counts are the plan's (then they are
    /// optimal too).
    pub fn risk_bound(&self, objective: Objective) -> Option<f64> {
        let same =
            (self.bound.random, self.bound.mandatory) == (objective.random, objective.mandatory);
        same.then(|| self.bound.risk_milli as f64 / 1000.0)
    }
}

/// A (team, week) slot: its day indices `lo..hi` and visit capacity.
#[derive(Debug, Clone, Copy)]
struct Slot {
    team: usize,
    lo: usize,
    hi: usize,
    cap: u32,
}

/// The relaxation: slots, eligible (unit, slot) pairs, the units' weights.
struct Relaxation<'p, 'a> {
    p: &'p Problem<'a>,
    slots: Vec<Slot>,
    pairs: Vec<(usize, usize)>,
    weight: Vec<i128>,
    /// Weight of one mandatory unit; a random pick weighs `scale.1`.
    scale: (i128, i128),
}

fn slots(p: &Problem) -> Vec<Slot> {
    let mut out = Vec::new();
    for t in 0..p.teams.len() {
        let td = &p.team_days[t];
        let mut weeks: BTreeMap<u32, (usize, usize)> = BTreeMap::new();
        for i in (0..td.days.len()).filter(|i| td.days[*i] >= p.earliest) {
            weeks.entry(td.week[i]).or_insert((i, i)).1 = i + 1;
        }
        for (lo, hi) in weeks.into_values() {
            let n = (hi - lo) as u64;
            let cap = match p.teams[t].capacity {
                WeeklyCapacity::Visits(c) => u64::from(c).min(n * p.per_day),
                WeeklyCapacity::Days(c) => u64::from(c).min(n) * p.per_day,
            };
            out.push(Slot {
                team: t,
                lo,
                hi,
                cap: u32::try_from(cap).unwrap_or(u32::MAX),
            });
        }
    }
    out
}

impl<'p, 'a> Relaxation<'p, 'a> {
    fn new(p: &'p Problem<'a>) -> Self {
        let slots = slots(p);
        let mut pairs = Vec::new();
        for (u, unit) in p.units.iter().enumerate() {
            let solo: Vec<Option<u32>> = (0..p.teams.len())
                .map(|t| {
                    let week_days = match p.teams[t].capacity {
                        WeeklyCapacity::Days(c) => c,
                        WeeklyCapacity::Visits(_) => u32::MAX,
                    };
                    let d = p.solo_days(t, unit);
                    let ok = p.allowed(t, unit) && d <= p.max_trip_days.min(week_days);
                    ok.then_some(d)
                })
                .collect();
            for (k, s) in slots.iter().enumerate() {
                let Some(solo) = solo[s.team] else { continue };
                let td = &p.team_days[s.team];
                let from = s.lo.max(td.days.partition_point(|d| *d < unit.release));
                if (from..s.hi).any(|i| td.run[i] >= solo) {
                    pairs.push((u, k));
                }
            }
        }
        let risk: i128 = p.units.iter().map(|u| i128::from(u.risk)).sum();
        let mandatory = risk + 1;
        let random = mandatory * (p.units.len() as i128 + 1);
        let weight = p
            .units
            .iter()
            .map(|u| {
                i128::from(u.risk)
                    + match u.class {
                        Selection::Random => random,
                        Selection::Mandatory => mandatory,
                        Selection::Risk => 0,
                    }
            })
            .collect();
        Self {
            p,
            slots,
            pairs,
            weight,
            scale: (mandatory, random),
        }
    }

    fn weigh(&self, o: Objective) -> i128 {
        i128::from(o.risk_milli)
            + self.scale.0 * i128::from(o.mandatory)
            + self.scale.1 * i128::from(o.random)
    }

    fn objective(&self, w: i128) -> Objective {
        let (m, r) = self.scale;
        Objective {
            random: (w / r) as u32,
            mandatory: (w % r / m) as u32,
            risk_milli: (w % r % m) as u64,
        }
    }

    /// The relaxation's optimum without the pairs in `banned` (sorted): value and each unit's
    /// slot.
    fn solve(&self, banned: &[usize]) -> (i128, Vec<Option<usize>>) {
        let n = self.p.units.len();
        let (source, hub, sink) = (0, 1, 2 + n + self.slots.len());
        let mut net = Network::new(sink + 1);
        let limit = match self.p.campaign.size {
            CampaignSize::Units(k) => k,
            _ => u32::try_from(n).unwrap_or(u32::MAX),
        };
        net.arc(source, hub, limit, 0);
        for (u, w) in self.weight.iter().enumerate() {
            net.arc(hub, 2 + u, 1, *w);
        }
        let arcs: Vec<Option<usize>> = self
            .pairs
            .iter()
            .enumerate()
            .map(|(k, (u, s))| {
                (banned.binary_search(&k).is_err()).then(|| net.arc(2 + u, 2 + n + s, 1, 0))
            })
            .collect();
        for (k, s) in self.slots.iter().enumerate() {
            net.arc(2 + n + k, sink, s.cap, 0);
        }
        let (_, value) = net.max_weight(source, sink);
        let mut slot_of = vec![None; n];
        for (k, arc) in arcs.iter().enumerate() {
            if arc.is_some_and(|e| net.flow(e) > 0) {
                let (u, s) = self.pairs[k];
                slot_of[u] = Some(s);
            }
        }
        (value, slot_of)
    }
}

/// A node of the search: its relaxation value, banned pairs and solution.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Node {
    value: i128,
    /// Later nodes first among equal values (depth first on ties).
    seq: usize,
    banned: Vec<usize>,
    slot_of: Vec<Option<usize>>,
}

/// What one node's solution gives: trips for every slot, or the first slot that does not
/// pack with its units, or nothing decidable.
enum Check {
    Plan(Vec<RTrip>),
    Branch(usize, Vec<usize>),
    Undecided,
}

fn check(r: &Relaxation, slot_of: &[Option<usize>]) -> Check {
    let mut sets: Vec<Vec<usize>> = vec![Vec::new(); r.slots.len()];
    for (u, s) in slot_of.iter().enumerate() {
        if let Some(s) = s {
            sets[*s].push(u);
        }
    }
    let mut trips = Vec::new();
    for (k, set) in sets.into_iter().enumerate() {
        let s = r.slots[k];
        match pack(r.p, s.team, (s.lo, s.hi), &set) {
            Packing::Fits(t) => trips.extend(t),
            Packing::No => return Check::Branch(k, set),
            Packing::TooLarge => return Check::Undecided,
        }
    }
    Check::Plan(trips)
}

/// The children of `node` whose slot `k` cannot pack `set`: one per unit of the set, banned
/// from that slot (a banned set already seen is skipped).
fn children(
    r: &Relaxation,
    node: &Node,
    (k, set): (usize, Vec<usize>),
    seen: &mut HashSet<Vec<usize>>,
) -> Vec<Node> {
    let mut out = Vec::new();
    for u in set {
        let pair = r.pairs.partition_point(|q| *q < (u, k));
        let mut banned = node.banned.clone();
        banned.insert(banned.partition_point(|b| *b < pair), pair);
        if !seen.insert(banned.clone()) {
            continue;
        }
        let (value, slot_of) = r.solve(&banned);
        out.push(Node {
            value,
            seq: 0,
            banned,
            slot_of,
        });
    }
    out
}

/// Searches at most `max_nodes` relaxations. `incumbent`, the objective of a known plan,
/// prunes: a subtree that cannot beat it is dropped, and if none is left it is proven optimal.
pub fn search(p: &Problem, incumbent: Option<Objective>, max_nodes: usize) -> Optimum {
    let r = Relaxation::new(p);
    let floor = incumbent.map(|o| r.weigh(o));
    let (value, slot_of) = r.solve(&[]);
    let root = r.objective(value);
    let mut out = Optimum {
        bound: root,
        root,
        proven: false,
        plan: None,
        nodes: 1,
    };
    // A size in team-days couples the weeks: the relaxation is only a bound then.
    if matches!(p.campaign.size, CampaignSize::TeamDays(_)) {
        return out;
    }
    let mut heap = BinaryHeap::from([Node {
        value,
        seq: 0,
        banned: Vec::new(),
        slot_of,
    }]);
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    while let Some(node) = heap.pop() {
        out.bound = r.objective(node.value);
        if floor.is_some_and(|f| node.value <= f) {
            out.bound = incumbent.unwrap_or_default();
            out.proven = true;
            return out;
        }
        let (k, set) = match check(&r, &node.slot_of) {
            Check::Plan(trips) => {
                out.proven = true;
                out.plan = Some(assemble(p, Method::Exact, trips));
                return out;
            }
            Check::Undecided => return out,
            Check::Branch(k, set) => (k, set),
        };
        if out.nodes >= max_nodes {
            return out;
        }
        for child in children(&r, &node, (k, set), &mut seen) {
            out.nodes += 1;
            if floor.is_none_or(|f| child.value > f) {
                heap.push(Node {
                    seq: out.nodes,
                    ..child
                });
            }
        }
    }
    // Every subtree was pruned by the incumbent, which is then optimal.
    if let Some(o) = incumbent {
        out.bound = o;
        out.proven = true;
    }
    out
}
