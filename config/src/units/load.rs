//! Parsing the administrative-unit CSV files into [`AdminUnits`], with the integrity checks
//! (unique ids, known parents, mapping targets that exist, one default per split commune).

use std::collections::{BTreeMap, HashMap};

use schema::UnitId;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::{AdminUnits, Era, LatLon, List, Relation, Successor, Unit};

/// The administrative-unit data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    /// A row could not be read or has a bad value.
    #[error("{file} line {line}: {message}; fix the row (the files follow config/data/admin-units/README.md)")]
    Row {
        /// The CSV file name.
        file: &'static str,
        /// 1-based line number (the header is line 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
struct ProvinceRow {
    province_code: String,
    name: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct CommuneRow {
    commune_code: String,
    name: String,
    kind: String,
    province_code: String,
    lat: f64,
    lon: f64,
    area_km2: Option<f64>,
}

#[derive(Deserialize)]
struct LegacyRow {
    province_code: String,
    province: String,
    district_code: String,
    district: String,
    district_kind: String,
    commune_code: String,
    commune: String,
    commune_kind: String,
    lat: Option<f64>,
    lon: Option<f64>,
}

#[derive(Deserialize)]
struct MappingRow {
    legacy_commune_code: String,
    commune_code_2025: String,
    relation: String,
}

fn rows<T: for<'de> Deserialize<'de>>(
    file: &'static str,
    text: &str,
) -> Result<Vec<(u64, T)>, UnitsError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in reader.deserialize::<T>().enumerate() {
        let line = i as u64 + 2;
        let row = rec.map_err(|e| UnitsError::Row {
            file,
            line: e.position().map_or(line, |p| p.line()),
            message: e.to_string(),
        })?;
        out.push((line, row));
    }
    Ok(out)
}

fn nfc(s: &str) -> String {
    s.trim().nfc().collect()
}

fn province_kind(name: &str) -> &'static str {
    if name.starts_with("Thành phố ") {
        "Thành phố"
    } else {
        "Tỉnh"
    }
}

/// Mean of the given centroids, `None` when there are none.
fn mean(points: &[LatLon]) -> Option<LatLon> {
    if points.is_empty() {
        return None;
    }
    let n = points.len() as f64;
    Some(LatLon {
        lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
        lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
    })
}

struct Builder {
    units: AdminUnits,
}

impl Builder {
    fn insert(
        &mut self,
        list: List,
        unit: Unit,
        file: &'static str,
        line: u64,
    ) -> Result<(), UnitsError> {
        let v = match list {
            List::Provinces => &mut self.units.provinces,
            List::Communes => &mut self.units.communes,
            List::LegacyDistricts => &mut self.units.legacy_districts,
            List::LegacyCommunes => &mut self.units.legacy_communes,
        };
        if self
            .units
            .index
            .insert(unit.id.clone(), (list, v.len()))
            .is_some()
        {
            return Err(UnitsError::Row {
                file,
                line,
                message: format!("unit id `{}` appears twice", unit.id),
            });
        }
        v.push(unit);
        Ok(())
    }
}

fn id(file: &'static str, line: u64, raw: &str) -> Result<UnitId, UnitsError> {
    UnitId::parse(raw).map_err(|e| UnitsError::Row {
        file,
        line,
        message: e.to_string(),
    })
}

pub(super) fn build(
    provinces: &str,
    communes: &str,
    legacy: &str,
    mapping: &str,
) -> Result<AdminUnits, UnitsError> {
    let mut b = Builder {
        units: AdminUnits {
            provinces: Vec::new(),
            communes: Vec::new(),
            legacy_provinces: Vec::new(),
            legacy_districts: Vec::new(),
            legacy_communes: Vec::new(),
            index: HashMap::new(),
            successors: HashMap::new(),
            legacy_province_successor: HashMap::new(),
        },
    };
    const P: &str = "provinces-2025.csv";
    for (line, r) in rows::<ProvinceRow>(P, provinces)? {
        let name = nfc(&r.name);
        let unit = Unit {
            id: id(P, line, &r.province_code)?,
            kind: province_kind(&name).to_string(),
            name,
            tier: schema::Tier::Province,
            parent: Some(UnitId::national()),
            era: Era::Current,
            centroid: Some(LatLon {
                lat: r.lat,
                lon: r.lon,
            }),
            area_km2: None,
        };
        b.insert(List::Provinces, unit, P, line)?;
    }
    const C: &str = "communes-2025.csv";
    // 2025 commune code → its full id, for the mapping.
    let mut commune_ids: HashMap<String, UnitId> = HashMap::new();
    for (line, r) in rows::<CommuneRow>(C, communes)? {
        let parent = id(C, line, &r.province_code)?;
        if !b.units.index.contains_key(&parent) {
            return Err(UnitsError::Row {
                file: C,
                line,
                message: format!("province `{parent}` is not in {P}"),
            });
        }
        let uid = id(C, line, &format!("{}.{}", r.province_code, r.commune_code))?;
        commune_ids.insert(r.commune_code.clone(), uid.clone());
        let unit = Unit {
            id: uid,
            name: nfc(&r.name),
            kind: nfc(&r.kind),
            tier: schema::Tier::Commune,
            parent: Some(parent),
            era: Era::Current,
            centroid: Some(LatLon {
                lat: r.lat,
                lon: r.lon,
            }),
            area_km2: r.area_km2,
        };
        b.insert(List::Communes, unit, C, line)?;
    }
    let legacy_commune_ids = load_legacy(&mut b, legacy)?;
    load_mapping(&mut b, mapping, &commune_ids, &legacy_commune_ids)?;
    Ok(b.units)
}

/// Loads legacy units; returns legacy commune code → full id.
fn load_legacy(b: &mut Builder, legacy: &str) -> Result<HashMap<String, UnitId>, UnitsError> {
    const L: &str = "legacy-units.csv";
    // Province code → (name, centroids); district id → (unit, centroids).
    let mut provinces: BTreeMap<String, (String, Vec<LatLon>)> = BTreeMap::new();
    let mut districts: BTreeMap<UnitId, (Unit, u64, Vec<LatLon>)> = BTreeMap::new();
    let mut commune_ids = HashMap::new();
    for (line, r) in rows::<LegacyRow>(L, legacy)? {
        let p = provinces
            .entry(r.province_code.clone())
            .or_insert_with(|| (nfc(&r.province), Vec::new()));
        let district_id = id(L, line, &format!("{}.{}", r.province_code, r.district_code))?;
        let d = districts.entry(district_id.clone()).or_insert_with(|| {
            let unit = Unit {
                id: district_id.clone(),
                name: nfc(&r.district),
                kind: nfc(&r.district_kind),
                tier: schema::Tier::District,
                parent: district_id.parent(),
                era: Era::Legacy,
                centroid: None,
                area_km2: None,
            };
            (unit, line, Vec::new())
        });
        if r.commune_code.is_empty() {
            continue; // An island district listed without communes.
        }
        let centroid = match (r.lat, r.lon) {
            (Some(lat), Some(lon)) => Some(LatLon { lat, lon }),
            _ => None,
        };
        if let Some(c) = centroid {
            p.1.push(c);
            d.2.push(c);
        }
        let uid = id(L, line, &format!("{district_id}.{}", r.commune_code))?;
        commune_ids.insert(r.commune_code.clone(), uid.clone());
        let unit = Unit {
            id: uid,
            name: nfc(&r.commune),
            kind: nfc(&r.commune_kind),
            tier: schema::Tier::Commune,
            parent: Some(district_id),
            era: Era::Legacy,
            centroid,
            area_km2: None,
        };
        b.insert(List::LegacyCommunes, unit, L, line)?;
    }
    for (_, (mut unit, line, points)) in districts {
        unit.centroid = mean(&points);
        b.insert(List::LegacyDistricts, unit, L, line)?;
    }
    for (code, (name, points)) in provinces {
        b.units.legacy_provinces.push(Unit {
            id: id(L, 0, &code)?,
            kind: province_kind(&name).to_string(),
            name,
            tier: schema::Tier::Province,
            parent: Some(UnitId::national()),
            era: Era::Legacy,
            centroid: mean(&points),
            area_km2: None,
        });
    }
    Ok(commune_ids)
}

fn load_mapping(
    b: &mut Builder,
    mapping: &str,
    communes: &HashMap<String, UnitId>,
    legacy: &HashMap<String, UnitId>,
) -> Result<(), UnitsError> {
    const M: &str = "legacy-to-2025.csv";
    let err = |line, message: String| UnitsError::Row {
        file: M,
        line,
        message,
    };
    for (line, r) in rows::<MappingRow>(M, mapping)? {
        let from = legacy.get(&r.legacy_commune_code).ok_or_else(|| {
            err(
                line,
                format!(
                    "legacy commune `{}` is not in legacy-units.csv",
                    r.legacy_commune_code
                ),
            )
        })?;
        let to = communes.get(&r.commune_code_2025).ok_or_else(|| {
            err(
                line,
                format!(
                    "2025 commune `{}` is not in communes-2025.csv",
                    r.commune_code_2025
                ),
            )
        })?;
        let relation = match r.relation.as_str() {
            "whole" => Relation::Whole,
            "split-default" => Relation::SplitDefault,
            "split-part" => Relation::SplitPart,
            other => {
                return Err(err(
                    line,
                    format!(
                        "relation `{other}` is unknown; use whole, split-default or split-part"
                    ),
                ))
            }
        };
        let legacy_province = from.province_code().unwrap_or_default().to_string();
        let new_province = to.parent().unwrap_or_else(UnitId::national);
        match b.units.legacy_province_successor.get(&legacy_province) {
            Some(p) if *p != new_province => {
                return Err(err(
                    line,
                    format!(
                        "legacy province `{legacy_province}` maps into both `{p}` and \
                         `{new_province}`; provinces merged whole, so the row is wrong"
                    ),
                ))
            }
            Some(_) => {}
            None => {
                b.units
                    .legacy_province_successor
                    .insert(legacy_province, new_province);
            }
        }
        b.units
            .successors
            .entry(from.clone())
            .or_default()
            .push(Successor {
                commune: to.clone(),
                relation,
            });
    }
    for (from, succ) in &b.units.successors {
        let whole = succ
            .iter()
            .filter(|s| s.relation == Relation::Whole)
            .count();
        let default = succ
            .iter()
            .filter(|s| s.relation == Relation::SplitDefault)
            .count();
        let ok = (whole == 1 && succ.len() == 1) || (whole == 0 && default == 1 && succ.len() > 1);
        if !ok {
            return Err(err(
                0,
                format!(
                    "legacy commune `{from}` must map either whole to one commune or split with \
                     exactly one split-default; it has {} rows",
                    succ.len()
                ),
            ));
        }
    }
    if let Some(u) = b
        .units
        .legacy_communes
        .iter()
        .find(|u| !b.units.successors.contains_key(&u.id))
    {
        return Err(err(
            0,
            format!("legacy commune `{}` has no 2025 successor", u.id),
        ));
    }
    Ok(())
}
