//! The unit tree behind obligations and rates: units indexed once, their validity spans, the
//! area tree (units plus implied areas such as `VN`), whole/default successions and each
//! unit's *position* (its current successor), checked for duplicates and loops.

use std::collections::HashMap;

use config::units::Relation;
use schema::{Tier, UnitId};

use super::model::{Filer, Succession, UnitRecord};
use super::RatesError;

/// A node of the area tree: a unit, or an area implied by a parent link.
#[derive(Debug, Clone)]
pub(super) struct Node {
    pub(super) id: UnitId,
    pub(super) name: String,
    pub(super) parent: Option<u32>,
    pub(super) depth: u32,
}

/// Units, areas and successions, indexed. Node `i < units().len()` is unit `i`.
#[derive(Debug, Clone)]
pub struct UnitTree {
    units: Vec<UnitRecord>,
    pub(super) nodes: Vec<Node>,
    index: HashMap<UnitId, u32>,
    /// Per unit: its whole or split-default successor.
    main_successor: Vec<Option<u32>>,
    /// Per unit: the predecessors that pass their obligations and receipts to it.
    pub(super) main_preds: Vec<Vec<u32>>,
    /// Per unit: the node it is counted at (end of its main-successor chain).
    pub(super) position: Vec<u32>,
    /// Units with main predecessors, each after those of its predecessors that have some.
    pub(super) topo: Vec<u32>,
    /// Unit indices of each filer class.
    by_filer: HashMap<Filer, Vec<u32>>,
}

fn default_name(id: &UnitId) -> String {
    match id.as_str() {
        "VN" => "Toàn quốc".into(),
        "TW" => Tier::Central.label_vi().into(),
        other => other.into(),
    }
}

impl UnitTree {
    /// Indexes `units` and `successions`. Errors: a duplicate id, a span ending before it
    /// starts, a succession naming an unknown unit, two main successors, a loop.
    pub fn new(units: Vec<UnitRecord>, successions: &[Succession]) -> Result<Self, RatesError> {
        let mut index = HashMap::with_capacity(units.len());
        let mut nodes = Vec::with_capacity(units.len() + 64);
        let mut by_filer: HashMap<Filer, Vec<u32>> = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            if let Some(to) = u.valid_to.filter(|t| *t < u.valid_from) {
                return Err(RatesError::InvalidSpan {
                    unit: u.id.clone(),
                    valid_from: u.valid_from,
                    valid_to: to,
                });
            }
            if index.insert(u.id.clone(), i as u32).is_some() {
                return Err(RatesError::DuplicateUnit(u.id.clone()));
            }
            by_filer.entry(u.filer).or_default().push(i as u32);
            nodes.push(Node {
                id: u.id.clone(),
                name: u.name.clone(),
                parent: None,
                depth: 0,
            });
        }
        // Parent links; ids not in the list become implied areas, up to their own roots.
        let mut pending: Vec<(u32, Option<UnitId>)> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (i as u32, u.parent.clone()))
            .collect();
        while let Some((child, parent)) = pending.pop() {
            let Some(pid) = parent else { continue };
            let p = match index.get(&pid) {
                Some(p) => *p,
                None => {
                    let p = nodes.len() as u32;
                    index.insert(pid.clone(), p);
                    nodes.push(Node {
                        name: default_name(&pid),
                        parent: None,
                        depth: 0,
                        id: pid.clone(),
                    });
                    pending.push((p, pid.parent()));
                    p
                }
            };
            nodes[child as usize].parent = Some(p);
        }
        set_depths(&mut nodes)?;

        let n = units.len();
        let mut main_successor: Vec<Option<u32>> = vec![None; n];
        let mut main_preds: Vec<Vec<u32>> = vec![Vec::new(); n];
        for s in successions {
            let find = |id: &UnitId| {
                index
                    .get(id)
                    .copied()
                    .filter(|i| (*i as usize) < n)
                    .ok_or_else(|| RatesError::UnknownUnit {
                        from: s.from.clone(),
                        to: s.to.clone(),
                        missing: id.clone(),
                    })
            };
            let (from, to) = (find(&s.from)?, find(&s.to)?);
            if s.relation == Relation::SplitPart {
                continue;
            }
            match main_successor[from as usize] {
                Some(prev) if prev == to => continue,
                Some(prev) => {
                    return Err(RatesError::AmbiguousSuccessor {
                        unit: s.from.clone(),
                        first: units[prev as usize].id.clone(),
                        second: s.to.clone(),
                    })
                }
                None => main_successor[from as usize] = Some(to),
            }
            main_preds[to as usize].push(from);
        }
        let (position, topo) = positions(&main_successor, &units)?;
        Ok(Self {
            units,
            nodes,
            index,
            main_successor,
            main_preds,
            position,
            topo,
            by_filer,
        })
    }

    /// The units, in the order given.
    pub fn units(&self) -> &[UnitRecord] {
        &self.units
    }

    /// A unit by id.
    pub fn unit(&self, id: &UnitId) -> Option<&UnitRecord> {
        self.unit_index(id).map(|i| &self.units[i as usize])
    }

    /// The display name of a unit or implied area.
    pub fn name(&self, id: &UnitId) -> Option<&str> {
        self.index
            .get(id)
            .map(|i| self.nodes[*i as usize].name.as_str())
    }

    /// The unit a unit's obligations and history pass to (whole or split-default), if any.
    pub fn main_successor(&self, id: &UnitId) -> Option<&UnitId> {
        let i = self.unit_index(id)?;
        self.main_successor[i as usize].map(|s| &self.units[s as usize].id)
    }

    /// Where a unit is counted: the end of its main-successor chain (itself if none).
    pub fn current(&self, id: &UnitId) -> Option<&UnitId> {
        let i = self.unit_index(id)?;
        Some(&self.nodes[self.position[i as usize] as usize].id)
    }

    /// Whether `area` is `unit`'s current position or one of its ancestors.
    pub fn counts_under(&self, area: &UnitId, unit: &UnitId) -> bool {
        match (self.node_index(area), self.unit_index(unit)) {
            (Some(a), Some(u)) => self.within(a, self.position[u as usize]),
            _ => false,
        }
    }

    pub(super) fn unit_index(&self, id: &UnitId) -> Option<u32> {
        self.index
            .get(id)
            .copied()
            .filter(|i| (*i as usize) < self.units.len())
    }

    pub(super) fn node_index(&self, id: &UnitId) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub(super) fn main_successor_index(&self, unit: u32) -> Option<u32> {
        self.main_successor[unit as usize]
    }

    pub(super) fn filers(&self, filer: Filer) -> &[u32] {
        self.by_filer.get(&filer).map(Vec::as_slice).unwrap_or(&[])
    }

    /// `node`'s ancestor (or itself) at `depth`, if it is that deep.
    fn up_to_depth(&self, mut node: u32, depth: u32) -> Option<u32> {
        while self.nodes[node as usize].depth > depth {
            node = self.nodes[node as usize].parent?;
        }
        (self.nodes[node as usize].depth == depth).then_some(node)
    }

    /// Whether `area` is `node` or one of its ancestors.
    pub(super) fn within(&self, area: u32, node: u32) -> bool {
        self.up_to_depth(node, self.nodes[area as usize].depth) == Some(area)
    }

    /// The child of `area` on the way to `node` (`node` strictly below `area`).
    pub(super) fn child_towards(&self, area: u32, node: u32) -> Option<u32> {
        let child = self.up_to_depth(node, self.nodes[area as usize].depth + 1)?;
        (self.nodes[child as usize].parent == Some(area)).then_some(child)
    }

    /// The first node at `tier` from `node` up to, not above, `area`.
    pub(super) fn first_at_tier(&self, area: u32, node: u32, tier: Tier) -> Option<u32> {
        let mut cur = node;
        loop {
            let n = &self.nodes[cur as usize];
            if n.id.tier() == tier {
                return Some(cur);
            }
            if cur == area {
                return None;
            }
            cur = n.parent?;
        }
    }
}

/// Depth of every node; a parent loop is an error.
fn set_depths(nodes: &mut [Node]) -> Result<(), RatesError> {
    const UNSET: u32 = u32::MAX;
    for n in nodes.iter_mut() {
        n.depth = UNSET;
    }
    let mut path = Vec::new();
    for start in 0..nodes.len() {
        let mut cur = start as u32;
        // Walk up until a node with a known depth (or a root), then assign on the way back.
        let base = loop {
            let n = &nodes[cur as usize];
            if n.depth != UNSET {
                break n.depth + 1;
            }
            if path.len() > nodes.len() {
                return Err(RatesError::Loop {
                    what: "parents",
                    unit: n.id.clone(),
                });
            }
            path.push(cur);
            match n.parent {
                Some(p) => cur = p,
                None => break 0,
            }
        };
        for (k, node) in path.drain(..).rev().enumerate() {
            nodes[node as usize].depth = base + k as u32;
        }
    }
    Ok(())
}

/// Each unit's position (end of its main-successor chain) and an order with predecessors first.
fn positions(
    main_successor: &[Option<u32>],
    units: &[UnitRecord],
) -> Result<(Vec<u32>, Vec<u32>), RatesError> {
    const UNSET: u32 = u32::MAX;
    let n = main_successor.len();
    let mut position = vec![UNSET; n];
    // Height: steps to the end of the chain; sorting by decreasing height puts every
    // predecessor (one step further from the end) before its successor.
    let mut height = vec![0u32; n];
    let mut path = Vec::new();
    for start in 0..n {
        let mut cur = start as u32;
        let (end, base) = loop {
            if position[cur as usize] != UNSET {
                break (position[cur as usize], height[cur as usize]);
            }
            if path.len() > n {
                return Err(RatesError::Loop {
                    what: "successors",
                    unit: units[cur as usize].id.clone(),
                });
            }
            path.push(cur);
            match main_successor[cur as usize] {
                Some(s) => cur = s,
                None => {
                    path.pop();
                    position[cur as usize] = cur;
                    break (cur, 0);
                }
            }
        };
        for (k, u) in path.drain(..).rev().enumerate() {
            position[u as usize] = end;
            height[u as usize] = base + 1 + k as u32;
        }
    }
    let mut has_pred = vec![false; n];
    for s in main_successor.iter().flatten() {
        has_pred[*s as usize] = true;
    }
    let mut topo: Vec<u32> = (0..n as u32).filter(|u| has_pred[*u as usize]).collect();
    topo.sort_by_key(|u| std::cmp::Reverse(height[*u as usize]));
    Ok((position, topo))
}
