//! A maximum-weight flow (successive shortest paths with Dijkstra and Johnson potentials),
//! used by the weekly assignment relaxation ([`super::optimum`]). Integer weights (`i128`),
//! so the optimum is exact; the flow is integral because every capacity is.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

/// A directed graph with capacities and weights (gains per unit of flow).
#[derive(Debug, Clone, Default)]
pub struct Network {
    adj: Vec<Vec<usize>>,
    to: Vec<usize>,
    cap: Vec<u32>,
    /// Cost = −weight: the solver minimises.
    cost: Vec<i128>,
}

impl Network {
    pub fn new(nodes: usize) -> Self {
        Self {
            adj: vec![Vec::new(); nodes],
            ..Self::default()
        }
    }

    /// Adds an arc `a → b` of capacity `cap` earning `weight` per unit; returns its index.
    pub fn arc(&mut self, a: usize, b: usize, cap: u32, weight: i128) -> usize {
        let e = self.to.len();
        self.adj[a].push(e);
        self.to.push(b);
        self.cap.push(cap);
        self.cost.push(-weight);
        self.adj[b].push(e + 1);
        self.to.push(a);
        self.cap.push(0);
        self.cost.push(weight);
        e
    }

    /// Flow on arc `e` (as returned by [`Network::arc`]).
    pub fn flow(&self, e: usize) -> u32 {
        self.cap[e + 1]
    }

    /// Sends flow from `s` to `t` while it earns something: the flow of maximum total weight
    /// (any amount). Returns (amount, total weight).
    pub fn max_weight(&mut self, s: usize, t: usize) -> (u32, i128) {
        let Some(mut pot) = self.bellman_ford(s) else {
            return (0, 0);
        };
        let (mut amount, mut weight) = (0u32, 0i128);
        loop {
            let (dist, prev) = self.dijkstra(s, &pot);
            let Some(dt) = dist[t] else { break };
            let path_cost = dt + pot[t] - pot[s];
            if path_cost >= 0 {
                break;
            }
            for (v, d) in dist.iter().enumerate() {
                if let Some(d) = d {
                    pot[v] += d;
                }
            }
            let mut push = u32::MAX;
            let mut v = t;
            while v != s {
                let e = prev[v];
                push = push.min(self.cap[e]);
                v = self.to[e ^ 1];
            }
            let mut v = t;
            while v != s {
                let e = prev[v];
                self.cap[e] -= push;
                self.cap[e ^ 1] += push;
                v = self.to[e ^ 1];
            }
            amount += push;
            weight -= path_cost * i128::from(push);
        }
        (amount, weight)
    }

    /// Shortest distances from `s` with possibly negative costs (no negative cycle: the
    /// networks built here are acyclic). Unreachable nodes get 0.
    fn bellman_ford(&self, s: usize) -> Option<Vec<i128>> {
        let n = self.adj.len();
        let mut dist: Vec<Option<i128>> = vec![None; n];
        let mut queued = vec![false; n];
        let mut passes = vec![0usize; n];
        let mut q = VecDeque::from([s]);
        dist[s] = Some(0);
        while let Some(v) = q.pop_front() {
            queued[v] = false;
            passes[v] += 1;
            if passes[v] > n {
                return None;
            }
            let dv = dist[v]?;
            for &e in &self.adj[v] {
                let w = self.to[e];
                if self.cap[e] > 0 && dist[w].is_none_or(|d| dv + self.cost[e] < d) {
                    dist[w] = Some(dv + self.cost[e]);
                    if !queued[w] {
                        queued[w] = true;
                        q.push_back(w);
                    }
                }
            }
        }
        Some(dist.into_iter().map(|d| d.unwrap_or(0)).collect())
    }

    /// Dijkstra on reduced costs: distances (`None`: unreachable) and the arc into each node.
    fn dijkstra(&self, s: usize, pot: &[i128]) -> (Vec<Option<i128>>, Vec<usize>) {
        let n = self.adj.len();
        let mut dist: Vec<Option<i128>> = vec![None; n];
        let mut prev = vec![usize::MAX; n];
        let mut done = vec![false; n];
        let mut heap = BinaryHeap::from([Reverse((0i128, s))]);
        dist[s] = Some(0);
        while let Some(Reverse((d, v))) = heap.pop() {
            if done[v] {
                continue;
            }
            done[v] = true;
            for &e in &self.adj[v] {
                let w = self.to[e];
                if self.cap[e] == 0 || done[w] {
                    continue;
                }
                let nd = d + self.cost[e] + pot[v] - pot[w];
                if dist[w].is_none_or(|x| nd < x) {
                    dist[w] = Some(nd);
                    prev[w] = e;
                    heap.push(Reverse((nd, w)));
                }
            }
        }
        (dist, prev)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The best assignment of left nodes (weight each) to right nodes (capacity each) along
    /// the allowed pairs, by trying every assignment.
    fn brute(w: &[i64], caps: &[u32], ok: &[Vec<bool>], i: usize, load: &mut [u32]) -> i64 {
        if i == w.len() {
            return 0;
        }
        let mut best = brute(w, caps, ok, i + 1, load);
        for j in 0..caps.len() {
            if ok[i][j] && load[j] < caps[j] {
                load[j] += 1;
                best = best.max(w[i] + brute(w, caps, ok, i + 1, load));
                load[j] -= 1;
            }
        }
        best
    }

    proptest! {
        #[test]
        fn max_weight_matches_brute_force(
            w in proptest::collection::vec(-5i64..40, 1..7),
            caps in proptest::collection::vec(0u32..3, 1..4),
            bits in any::<u64>(),
            limit in 0u32..8,
        ) {
            let ok: Vec<Vec<bool>> = (0..w.len())
                .map(|i| (0..caps.len()).map(|j| bits >> (i * 4 + j) & 1 == 1).collect())
                .collect();
            let (l, r) = (w.len(), caps.len());
            let (s, hub, t) = (0, 1, 2 + l + r);
            let mut net = Network::new(t + 1);
            net.arc(s, hub, limit, 0);
            for (i, wi) in w.iter().enumerate() {
                net.arc(hub, 2 + i, 1, i128::from(*wi));
                for (j, _) in ok[i].iter().enumerate().filter(|(_, b)| **b) {
                    net.arc(2 + i, 2 + l + j, 1, 0);
                }
            }
            for (j, c) in caps.iter().enumerate() {
                net.arc(2 + l + j, t, *c, 0);
            }
            let (amount, weight) = net.max_weight(s, t);
            // At most `limit` left nodes: brute force with the limit as one more capacity.
            let mut best = 0;
            let n = w.len();
            for subset in 0u32..(1 << n) {
                if subset.count_ones() > limit {
                    continue;
                }
                let ws: Vec<i64> = (0..n).filter(|i| subset >> i & 1 == 1).map(|i| w[i]).collect();
                let oks: Vec<Vec<bool>> =
                    (0..n).filter(|i| subset >> i & 1 == 1).map(|i| ok[i].clone()).collect();
                best = best.max(brute(&ws, &caps, &oks, 0, &mut vec![0; r]));
            }
            prop_assert_eq!(weight, i128::from(best));
            prop_assert!(amount <= limit);
        }
    }
}
