//! The Lagrangian dual behind the upper bound ([`super::bound`]). The relaxation: choose
//! x(u, t) in [0, 1] with Σ_t x(u, t) ≤ 1 (= 1 for a class every unit of which must be
//! visited), per team at most `visits[t]` visits and `days[t]` days (a unit uses
//! `Pair::days` of them), in all at most `total_visits` and `total_days`, and at least
//! `at_least` units of a class. Dualising every coupling constraint leaves, per unit, the best
//! of its teams (or nothing), so any non-negative multipliers give a valid bound in O(pairs).

use super::plan::Selection;

/// A team that may visit a unit, and the days (fraction of a working day) the visit uses.
#[derive(Debug, Clone, Copy)]
pub struct Pair {
    pub team: usize,
    pub days: f64,
}

/// The relaxation (risk in thousandths of a point).
#[derive(Debug, Clone)]
pub struct Lagrangian {
    pub risk: Vec<f64>,
    pub class: Vec<Selection>,
    /// Unit `u`'s pairs are `pairs[start[u]..start[u + 1]]`.
    pub start: Vec<usize>,
    pub pairs: Vec<Pair>,
    pub visits: Vec<f64>,
    pub days: Vec<f64>,
    pub total_visits: Option<f64>,
    pub total_days: Option<f64>,
    /// (class, at least this many visited, units of the class).
    pub at_least: [(Selection, u32, u32); 2],
}

/// Multipliers: per team (visits, days), the campaign's totals, the two class counts.
#[derive(Debug, Clone, PartialEq)]
struct Mult {
    visits: Vec<f64>,
    days: Vec<f64>,
    total_visits: f64,
    total_days: f64,
    class: [f64; 2],
}

impl Mult {
    fn zero(teams: usize) -> Self {
        Self {
            visits: vec![0.0; teams],
            days: vec![0.0; teams],
            total_visits: 0.0,
            total_days: 0.0,
            class: [0.0; 2],
        }
    }

    fn norm2(&self) -> f64 {
        let sq = |v: &[f64]| v.iter().map(|x| x * x).sum::<f64>();
        sq(&self.visits)
            + sq(&self.days)
            + sq(&[self.total_visits, self.total_days])
            + sq(&self.class)
    }

    /// `self ← max(0, self − step · g)`.
    fn step(&mut self, g: &Mult, step: f64) {
        let mv = |x: &mut f64, d: f64| *x = (*x - step * d).max(0.0);
        for (x, d) in self.visits.iter_mut().zip(&g.visits) {
            mv(x, *d);
        }
        for (x, d) in self.days.iter_mut().zip(&g.days) {
            mv(x, *d);
        }
        mv(&mut self.total_visits, g.total_visits);
        mv(&mut self.total_days, g.total_days);
        for k in 0..2 {
            mv(&mut self.class[k], g.class[k]);
        }
    }
}

impl Lagrangian {
    /// Whether every unit of class slot `k` must be visited (then it has no "nothing" option).
    fn forced(&self, k: usize) -> bool {
        let (_, need, all) = self.at_least[k];
        need >= all
    }

    fn slot(&self, c: Selection) -> Option<usize> {
        self.at_least.iter().position(|(s, _, _)| *s == c)
    }

    /// The dual value at `m`, and a subgradient.
    fn eval(&self, m: &Mult) -> (f64, Mult) {
        let teams = self.visits.len();
        let mut g = Mult::zero(teams);
        g.visits.clone_from(&self.visits);
        g.days.clone_from(&self.days);
        g.total_visits = self.total_visits.unwrap_or(0.0);
        g.total_days = self.total_days.unwrap_or(0.0);
        let mut value: f64 = (0..teams)
            .map(|t| m.visits[t] * self.visits[t] + m.days[t] * self.days[t])
            .sum::<f64>()
            + m.total_visits * g.total_visits
            + m.total_days * g.total_days;
        for k in 0..2 {
            if !self.forced(k) {
                value -= m.class[k] * f64::from(self.at_least[k].1);
                g.class[k] = -f64::from(self.at_least[k].1);
            }
        }
        for u in 0..self.risk.len() {
            let slot = self.slot(self.class[u]);
            let forced = slot.is_some_and(|k| self.forced(k));
            let bonus = slot
                .filter(|k| !self.forced(*k))
                .map_or(0.0, |k| m.class[k]);
            let mut best: Option<(f64, Pair)> = None;
            for pair in &self.pairs[self.start[u]..self.start[u + 1]] {
                let t = pair.team;
                let v = self.risk[u] + bonus
                    - m.visits[t]
                    - m.total_visits
                    - (m.days[t] + m.total_days) * pair.days;
                if best.is_none_or(|b| v > b.0) {
                    best = Some((v, *pair));
                }
            }
            let Some((v, pair)) = best.filter(|b| forced || b.0 > 0.0) else {
                continue;
            };
            value += v;
            g.visits[pair.team] -= 1.0;
            g.days[pair.team] -= pair.days;
            g.total_visits -= 1.0;
            g.total_days -= pair.days;
            if let Some(k) = slot.filter(|k| !self.forced(*k)) {
                g.class[k] += 1.0;
            }
        }
        if self.total_visits.is_none() {
            g.total_visits = 0.0;
        }
        if self.total_days.is_none() {
            g.total_days = 0.0;
        }
        (value, g)
    }

    /// The pooled bound: one multiplier for all visits, one for all days (a fractional
    /// knapsack over the days, golden-section search over the visits' multiplier). Returns
    /// (value, visits multiplier, days multiplier).
    pub fn pooled(&self) -> (f64, f64, f64) {
        let visits: f64 = self.visits.iter().sum();
        let visits = self.total_visits.map_or(visits, |n| n.min(visits));
        let days: f64 = self.days.iter().sum();
        let days = self.total_days.map_or(days, |n| n.min(days));
        let mut base = 0.0;
        let (mut count, mut room) = (visits, days);
        let mut items = Vec::new();
        for u in 0..self.risk.len() {
            let h = self.pairs[self.start[u]..self.start[u + 1]]
                .iter()
                .map(|p| p.days)
                .fold(f64::INFINITY, f64::min);
            let forced = self.slot(self.class[u]).is_some_and(|k| self.forced(k));
            if forced {
                base += self.risk[u];
                count -= 1.0;
                room -= h;
            } else {
                items.push((self.risk[u], h));
            }
        }
        if count < 0.0 || room < 0.0 {
            return (self.risk.iter().sum(), 0.0, 0.0);
        }
        let dual = |lambda: f64| {
            let (v, mu) = knapsack(&items, lambda, room);
            (lambda * count + v, mu)
        };
        let (mut lo, mut hi) = (0.0f64, items.iter().map(|i| i.0).fold(0.0, f64::max));
        let mut best = (f64::INFINITY, 0.0, 0.0);
        let g = (5f64.sqrt() - 1.0) / 2.0;
        for lambda in [lo, hi] {
            let (v, mu) = dual(lambda);
            if v < best.0 {
                best = (v, lambda, mu);
            }
        }
        for _ in 0..60 {
            let (a, b) = (hi - g * (hi - lo), lo + g * (hi - lo));
            let ((fa, ma), (fb, mb)) = (dual(a), dual(b));
            for (f, l, m) in [(fa, a, ma), (fb, b, mb)] {
                if f < best.0 {
                    best = (f, l, m);
                }
            }
            if fa <= fb {
                hi = b;
            } else {
                lo = a;
            }
        }
        (base + best.0, best.1, best.2)
    }

    /// The smallest dual value found from the pooled multipliers by `iterations` projected
    /// subgradient steps (Polyak's step towards `lower`, a known feasible value).
    pub fn minimise(&self, lower: f64, iterations: usize) -> f64 {
        let (pooled, lambda, mu) = self.pooled();
        let teams = self.visits.len();
        let mut m = Mult::zero(teams);
        let sum_v: f64 = self.visits.iter().sum();
        let sum_d: f64 = self.days.iter().sum();
        if self.total_visits.is_some_and(|n| n < sum_v) {
            m.total_visits = lambda;
        } else {
            m.visits = vec![lambda; teams];
        }
        if self.total_days.is_some_and(|n| n < sum_d) {
            m.total_days = mu;
        } else {
            m.days = vec![mu; teams];
        }
        let mut best = pooled;
        let (mut theta, mut stall) = (1.0, 0);
        for _ in 0..iterations {
            let (value, g) = self.eval(&m);
            if value < best - 1e-9 {
                best = value;
                stall = 0;
            } else {
                stall += 1;
                if stall >= 8 {
                    theta /= 2.0;
                    stall = 0;
                }
            }
            let n2 = g.norm2();
            if n2 <= 1e-12 || value - lower <= 1e-6 {
                break;
            }
            m.step(&g, theta * (value - lower) / n2);
        }
        best
    }
}

/// max Σ (r − λ)x s.t. Σ h x ≤ cap, 0 ≤ x ≤ 1 (fractional knapsack), and the days
/// multiplier: the gain per day of the item that fills the last day (0 if room is left).
fn knapsack(items: &[(f64, f64)], lambda: f64, cap: f64) -> (f64, f64) {
    let mut v: Vec<(f64, f64)> = items
        .iter()
        .filter(|(r, _)| *r > lambda)
        .map(|(r, h)| (r - lambda, *h))
        .collect();
    v.sort_by(|a, b| (b.0 / b.1).total_cmp(&(a.0 / a.1)));
    let (mut left, mut total) = (cap, 0.0);
    for (gain, h) in v {
        if h > left {
            return (total + gain * left / h, gain / h);
        }
        total += gain;
        left -= h;
    }
    (total, 0.0)
}
