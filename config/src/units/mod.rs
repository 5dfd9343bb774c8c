//! Vietnam's administrative units, embedded from `config/data/admin-units/*.csv`: the 2025
//! two-tier list (34 provinces, 3,321 communes), the legacy three-tier list (63 provinces,
//! 696 districts, 10,035 communes, valid before 1 July 2025) and the legacy-commune →
//! 2025-commune mapping. Also owns Vietnamese collation ([`vi_sort_key`], [`compare_vi`]).
//!
//! # How ids are modelled
//! - 2025 province: `PP` (e.g. `75`); 2025 commune: `PP.CCCCC` under its 2025 province.
//! - Legacy district: `PP.DDD`, legacy commune: `PP.DDD.CCCCC`, where `PP` is the **legacy**
//!   province code. These shapes never collide with 2025 ids, so [`AdminUnits::get`] serves
//!   both eras.
//! - Legacy provinces are only a name lookup ([`AdminUnits::legacy_province`], by code): their
//!   `PP` lives in the legacy code space and may name a different area from the 2025 province
//!   with the same code (`15` was Yên Bái and is now Lào Cai; `02` Hà Giang has no 2025 code
//!   of its own). They are never returned by `get`, and a legacy unit's `parent` points into
//!   the legacy tree.
//! - Comparing across 1 July 2025 goes through the mapping: [`AdminUnits::successors`] for a
//!   legacy commune, [`AdminUnits::successor_province`] for any legacy unit.

mod collate;
mod load;

use std::collections::HashMap;
use std::sync::OnceLock;

use schema::{Tier, UnitId};

pub use collate::{compare_vi, vi_fold, vi_sort_key, ViSortKey};
pub use load::UnitsError;

/// Which administrative map a unit belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Era {
    /// The two-tier map in force from 1 July 2025.
    Current,
    /// The three-tier map in force before 1 July 2025 (history only).
    Legacy,
}

/// A geocoded centroid (degrees, WGS 84); good for travel-time estimates only.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLon {
    /// Latitude in degrees north.
    pub lat: f64,
    /// Longitude in degrees east.
    pub lon: f64,
}

/// One administrative unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    /// Its id (see the module doc for the shapes).
    pub id: UnitId,
    /// Official name, NFC, e.g. "Phường Ba Đình".
    pub name: String,
    /// Vietnamese kind label: "Tỉnh", "Thành phố", "Xã", "Phường", "Đặc khu", "Quận", "Huyện",
    /// "Thị xã", "Thị trấn".
    pub kind: String,
    /// Tier read off the id.
    pub tier: Tier,
    /// The unit above: `VN` for provinces, the province (2025) or the legacy district /
    /// legacy province (legacy units) otherwise.
    pub parent: Option<UnitId>,
    /// 2025 map or legacy map.
    pub era: Era,
    /// Centroid; `None` only for the five legacy island districts listed without communes.
    /// Legacy district and province centroids are the mean of their communes' centroids.
    pub centroid: Option<LatLon>,
    /// Area in km², known for 2025 communes only.
    pub area_km2: Option<f64>,
}

/// How a legacy commune went into a 2025 commune.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// The whole legacy commune went into this 2025 commune.
    Whole,
    /// The legacy commune was divided; this 2025 commune took the main part (use it when one
    /// successor must be chosen, e.g. for trend charts).
    SplitDefault,
    /// The legacy commune was divided; this 2025 commune took another part.
    SplitPart,
}

impl Relation {
    /// The code used in `legacy-to-2025.csv`.
    pub fn code(self) -> &'static str {
        match self {
            Relation::Whole => "whole",
            Relation::SplitDefault => "split-default",
            Relation::SplitPart => "split-part",
        }
    }
}

/// One 2025 successor of a legacy commune.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// The 2025 commune (`PP.CCCCC`).
    pub commune: UnitId,
    /// How the legacy commune relates to it.
    pub relation: Relation,
}

/// Both administrative maps and the mapping between them. Build once ([`AdminUnits::embedded`]).
#[derive(Debug)]
pub struct AdminUnits {
    provinces: Vec<Unit>,
    communes: Vec<Unit>,
    legacy_provinces: Vec<Unit>,
    legacy_districts: Vec<Unit>,
    legacy_communes: Vec<Unit>,
    /// Every unit `get` can return, by id: (list, index).
    index: HashMap<UnitId, (List, usize)>,
    successors: HashMap<UnitId, Vec<Successor>>,
    /// Legacy province code → 2025 province.
    legacy_province_successor: HashMap<String, UnitId>,
}

#[derive(Debug, Clone, Copy)]
enum List {
    Provinces,
    Communes,
    LegacyDistricts,
    LegacyCommunes,
}

const PROVINCES_CSV: &str = include_str!("../../data/admin-units/provinces-2025.csv");
const COMMUNES_CSV: &str = include_str!("../../data/admin-units/communes-2025.csv");
const LEGACY_CSV: &str = include_str!("../../data/admin-units/legacy-units.csv");
const MAPPING_CSV: &str = include_str!("../../data/admin-units/legacy-to-2025.csv");

impl AdminUnits {
    /// The embedded data, parsed on first use and shared.
    ///
    /// # Panics
    /// If the embedded CSV is malformed: a build defect that the crate's tests catch.
    pub fn embedded() -> &'static AdminUnits {
        static UNITS: OnceLock<AdminUnits> = OnceLock::new();
        UNITS.get_or_init(|| {
            Self::from_csv(PROVINCES_CSV, COMMUNES_CSV, LEGACY_CSV, MAPPING_CSV)
                .unwrap_or_else(|e| panic!("embedded administrative-unit data is invalid: {e}"))
        })
    }

    /// Parses the four CSV files (same columns as `config/data/admin-units/`), checking that
    /// ids are unique, parents exist and every mapping row points at known communes.
    pub fn from_csv(
        provinces: &str,
        communes: &str,
        legacy: &str,
        mapping: &str,
    ) -> Result<Self, UnitsError> {
        load::build(provinces, communes, legacy, mapping)
    }

    /// The 34 provinces and centrally-run cities from 1 July 2025, in code order.
    pub fn provinces(&self) -> &[Unit] {
        &self.provinces
    }

    /// The 3,321 communes, wards and special zones from 1 July 2025, in code order.
    pub fn communes(&self) -> &[Unit] {
        &self.communes
    }

    /// The 63 legacy provinces (ids in the legacy code space; see the module doc).
    pub fn legacy_provinces(&self) -> &[Unit] {
        &self.legacy_provinces
    }

    /// The 696 legacy districts (`PP.DDD`).
    pub fn legacy_districts(&self) -> &[Unit] {
        &self.legacy_districts
    }

    /// The legacy communes (`PP.DDD.CCCCC`).
    pub fn legacy_communes(&self) -> &[Unit] {
        &self.legacy_communes
    }

    /// A 2025 province or commune, or a legacy district or commune, by id. Legacy provinces are
    /// not returned: use [`AdminUnits::legacy_province`].
    pub fn get(&self, id: &UnitId) -> Option<&Unit> {
        let (list, i) = *self.index.get(id)?;
        let v = match list {
            List::Provinces => &self.provinces,
            List::Communes => &self.communes,
            List::LegacyDistricts => &self.legacy_districts,
            List::LegacyCommunes => &self.legacy_communes,
        };
        v.get(i)
    }

    /// A legacy province by its legacy 2-digit code (e.g. `"02"`, Tỉnh Hà Giang).
    pub fn legacy_province(&self, code: &str) -> Option<&Unit> {
        self.legacy_provinces.iter().find(|u| u.id.as_str() == code)
    }

    /// The 2025 communes of a 2025 province, in code order.
    pub fn communes_of<'a>(&'a self, province: &'a UnitId) -> impl Iterator<Item = &'a Unit> {
        self.communes
            .iter()
            .filter(move |u| u.parent.as_ref() == Some(province))
    }

    /// The 2025 successors of a legacy commune (`PP.DDD.CCCCC`); empty for any other id.
    /// A split commune has one [`Relation::SplitDefault`] successor and one or more
    /// [`Relation::SplitPart`] ones.
    pub fn successors(&self, legacy_commune: &UnitId) -> &[Successor] {
        self.successors
            .get(legacy_commune)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The one 2025 commune to file a legacy commune's history under: its whole or
    /// split-default successor.
    pub fn default_successor(&self, legacy_commune: &UnitId) -> Option<&UnitId> {
        self.successors(legacy_commune)
            .iter()
            .find(|s| s.relation != Relation::SplitPart)
            .map(|s| &s.commune)
    }

    /// The 2025 province that today contains a legacy unit: a legacy district or commune id,
    /// or a bare legacy province code. Provinces merged whole in 2025, so this is unique.
    pub fn successor_province(&self, legacy: &UnitId) -> Option<&UnitId> {
        if legacy.tier() != Tier::Province && self.get(legacy)?.era != Era::Legacy {
            return None;
        }
        self.legacy_province_successor.get(legacy.province_code()?)
    }
}
