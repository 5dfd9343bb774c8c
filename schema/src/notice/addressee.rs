//! Who a notice is for: one unit, a subtree, every unit of a tier within an area, or a list.
//! The same rules decide three things: whether a unit is addressed (a node applies it),
//! whether anything under a unit is addressed (a child aggregator stores and relays it), and
//! whether the whole addressee lies under the issuer (nobody addresses outside its subtree).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundedVec, FieldError, Tier, UnitId};

/// Most units a `list` addressee may name.
pub const MAX_ADDRESSEES: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
pub enum Addressee {
    /// One unit.
    Unit { unit: UnitId },
    /// A unit and every unit under it.
    Subtree { root: UnitId },
    /// Every unit of `tier` under `within`.
    Tier { within: UnitId, tier: Tier },
    /// The listed units.
    List {
        units: BoundedVec<UnitId, MAX_ADDRESSEES>,
    },
}

impl Addressee {
    /// True when `unit` itself is addressed.
    pub fn reaches(&self, unit: &UnitId) -> bool {
        match self {
            Self::Unit { unit: u } => u == unit,
            Self::Subtree { root } => root.contains(unit),
            Self::Tier { within, tier } => within.contains(unit) && unit.tier() == *tier,
            Self::List { units } => units.iter().any(|u| u == unit),
        }
    }

    /// True when `unit` or any unit under it may be addressed: what a child aggregator
    /// stores for itself and relays down.
    pub fn reaches_under(&self, unit: &UnitId) -> bool {
        match self {
            Self::Unit { unit: u } => unit.contains(u),
            Self::Subtree { root } => root.contains(unit) || unit.contains(root),
            Self::Tier { within, .. } => within.contains(unit) || unit.contains(within),
            Self::List { units } => units.iter().any(|u| unit.contains(u)),
        }
    }

    /// The one unit addressed, for an index (`None` for scopes).
    pub fn single(&self) -> Option<&UnitId> {
        match self {
            Self::Unit { unit } => Some(unit),
            _ => None,
        }
    }

    /// Checks that everything addressed lies strictly under `issuer`.
    pub fn check_under(&self, issuer: &UnitId) -> Result<(), FieldError> {
        let below = |u: &UnitId| u != issuer && issuer.contains(u);
        let ok = match self {
            Self::Unit { unit } => below(unit),
            Self::Subtree { root } => issuer.contains(root),
            Self::Tier { within, tier } => issuer.contains(within) && *tier > issuer.tier(),
            Self::List { units } => !units.is_empty() && units.iter().all(below),
        };
        if ok {
            Ok(())
        } else {
            Err(FieldError::new(
                "body.addressee",
                format!("addresses units outside the subtree of the issuer {issuer}"),
            ))
        }
    }
}
