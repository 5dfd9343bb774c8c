//! Filling the registry: the administrative units of a scope from the embedded lists
//! (`config::units::AdminUnits`), and agencies from a CSV file. Both are idempotent: rows and
//! successions already stored are left as they are, so a re-import changes nothing, and never
//! undoes a restructuring recorded since.

use crate::store::AnyConn;
use std::collections::HashSet;
use std::path::Path;

use chrono::NaiveDate;
use config::units::{AdminUnits, Unit};
use schema::{Tier, UnitId};
use unicode_normalization::UnicodeNormalization as _;

use super::{tier_code, RegistryError, Rule, EARLIEST, REFORM_2025};
use crate::store::units::{self, SuccessionRow, UnitRow};

/// What an import added (and, for agencies, corrected).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Unit rows read from the source.
    pub units_read: usize,
    /// Unit rows that were not stored yet.
    pub units_added: usize,
    /// Agencies whose contacts were corrected.
    pub contacts_updated: usize,
    /// Successions that were not stored yet.
    pub successions_added: usize,
}

fn row(unit: &Unit, valid_from: NaiveDate, valid_to: Option<NaiveDate>) -> UnitRow {
    UnitRow {
        id: unit.id.to_string(),
        name: unit.name.clone(),
        kind: unit.kind.clone(),
        tier: tier_code(unit.tier).to_string(),
        parent: unit
            .parent
            .as_ref()
            .map_or_else(|| "VN".to_string(), UnitId::to_string),
        officer_email: None,
        head_email: None,
        lat: unit.centroid.map(|c| c.lat),
        lon: unit.centroid.map(|c| c.lon),
        valid_from,
        valid_to,
    }
}

/// Imports the units under `scope` (`VN` for the whole country, or a 2025 province such as
/// `75`): the 2025 province(s) and their communes, valid from 1 July 2025; with
/// `include_legacy`, also the legacy provinces, districts and communes that went into the
/// scope (valid until 30 June 2025, start unknown: [`EARLIEST`]), a `reform-2025` succession
/// from each legacy commune to each of its 2025 communes (note: `whole`, `split-default` or
/// `split-part`) and one from each legacy province to its 2025 province when the codes differ
/// (`70` Bình Phước → `75` Đồng Nai; `75` → `75` is the same id continuing).
pub fn import_admin_units(
    conn: &mut AnyConn,
    scope: &UnitId,
    include_legacy: bool,
) -> Result<ImportSummary, RegistryError> {
    let all = AdminUnits::embedded();
    let provinces: Vec<&Unit> = if scope == &UnitId::national() {
        all.provinces().iter().collect()
    } else {
        all.provinces().iter().filter(|p| &p.id == scope).collect()
    };
    if provinces.is_empty() {
        return Err(RegistryError::refused(
            Rule::BadScope,
            format!(
                "Phạm vi {scope} không phải VN hay một tỉnh, thành phố từ 01/7/2025 / scope \
                 {scope} is neither VN nor a 2025 province (e.g. 75): import a province or VN"
            ),
        ));
    }
    let in_scope: HashSet<&UnitId> = provinces.iter().map(|p| &p.id).collect();
    let mut rows: Vec<UnitRow> = Vec::new();
    for p in &provinces {
        rows.push(row(p, REFORM_2025, None));
        rows.extend(all.communes_of(&p.id).map(|c| row(c, REFORM_2025, None)));
    }
    let mut successions = Vec::new();
    if include_legacy {
        let last_day = REFORM_2025.pred_opt().expect("30 June 2025 exists");
        let goes_in = |u: &Unit| {
            all.successor_province(&u.id)
                .is_some_and(|p| in_scope.contains(p))
        };
        for p in all.legacy_provinces().iter().filter(|u| goes_in(u)) {
            rows.push(row(p, EARLIEST, Some(last_day)));
            let successor = all.successor_province(&p.id).expect("filtered on it");
            if successor != &p.id {
                successions.push(reform(&p.id, successor, "province"));
            }
        }
        for d in all.legacy_districts().iter().filter(|u| goes_in(u)) {
            rows.push(row(d, EARLIEST, Some(last_day)));
        }
        for c in all.legacy_communes().iter().filter(|u| goes_in(u)) {
            rows.push(row(c, EARLIEST, Some(last_day)));
            for s in all.successors(&c.id) {
                successions.push(reform(&c.id, &s.commune, s.relation.code()));
            }
        }
    }
    Ok(ImportSummary {
        units_read: rows.len(),
        units_added: units::insert_missing(conn, &rows)?,
        contacts_updated: 0,
        successions_added: units::insert_missing_successions(conn, &successions)?,
    })
}

fn reform(from: &UnitId, to: &UnitId, note: &str) -> SuccessionRow {
    SuccessionRow {
        predecessor: from.to_string(),
        successor: to.to_string(),
        effective: REFORM_2025,
        relation: "reform-2025".into(),
        note: note.into(),
    }
}

/// The columns of an agencies file; `valid_from` may be left out.
const COLUMNS: [&str; 6] = [
    "id",
    "name",
    "kind",
    "parent",
    "officer_email",
    "head_email",
];

/// Imports agencies from a CSV file with the header `id,name,kind,parent,officer_email,
/// head_email` (and optionally `valid_from`, `YYYY-MM-DD`). `parent` may be empty (the id's
/// own parent, e.g. `75` for `75/so-noi-vu`) and must be `VN`, `TW` or a registered unit, or an
/// agency on an earlier line; `head_email` may be empty. Without `valid_from` an agency starts
/// with its parent's first row ([`EARLIEST`] under `VN` or `TW`). An agency already registered
/// with the same name, kind and parent gets its contacts corrected; one registered otherwise
/// is refused (use `rename` or `move`). Errors name the line and the column.
pub fn import_agencies_csv(
    conn: &mut AnyConn,
    path: &Path,
) -> Result<ImportSummary, RegistryError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| RegistryError::Unreadable {
        file: file.clone(),
        message: e.to_string(),
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_error(&file, 1, "-", e.to_string()))?
        .clone();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut index = Vec::new();
    for name in COLUMNS {
        index.push(col(name).ok_or_else(|| {
            csv_error(
                &file,
                1,
                name,
                format!(
                    "thiếu cột / the column is missing: the header must be {}[,valid_from]",
                    COLUMNS.join(",")
                ),
            )
        })?);
    }
    let valid_from_col = col("valid_from");
    let mut summary = ImportSummary::default();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            csv_error(&file, line, "-", e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        let cell = |i: usize| rec.get(index[i]).unwrap_or_default();
        let bad = |column: &str, message: String| csv_error(&file, line, column, message);
        let id = UnitId::parse(cell(0)).map_err(|e| bad("id", e.to_string()))?;
        if id.tier() != Tier::Agency {
            return Err(bad(
                "id",
                format!("`{id}` không phải mã cơ quan / is not an agency id: use area/agency, e.g. 75/so-noi-vu"),
            ));
        }
        let name: String = cell(1).nfc().collect();
        if name.is_empty() {
            return Err(bad("name", "tên trống / the name is empty".into()));
        }
        let kind: String = cell(2).nfc().collect();
        if kind.is_empty() {
            return Err(bad(
                "kind",
                "loại trống / the kind is empty (e.g. Sở, Ban, Công an xã)".into(),
            ));
        }
        let parent = match cell(3) {
            "" => id.parent().expect("an agency id has a parent"),
            raw => UnitId::parse(raw).map_err(|e| bad("parent", e.to_string()))?,
        };
        let parent_rows = units::history(conn, parent.as_str())?;
        let unstored = matches!(parent.as_str(), "VN" | "TW");
        if parent_rows.is_empty() && !unstored {
            return Err(bad(
                "parent",
                format!(
                    "đơn vị cấp trên {parent} chưa có trong danh mục / parent {parent} is not \
                     registered: import its province first, or list the parent agency earlier"
                ),
            ));
        }
        let officer = email(cell(4)).map_err(|m| bad("officer_email", m))?;
        let Some(officer) = officer else {
            return Err(bad("officer_email", "bắt buộc / required".into()));
        };
        let head = email(cell(5)).map_err(|m| bad("head_email", m))?;
        let valid_from = match valid_from_col.and_then(|i| rec.get(i)).unwrap_or_default() {
            "" => parent_rows.first().map_or(EARLIEST, |r| r.valid_from),
            raw => raw
                .parse::<NaiveDate>()
                .map_err(|e| bad("valid_from", format!("`{raw}`: {e}; write YYYY-MM-DD")))?,
        };
        summary.units_read += 1;
        let history = units::history(conn, id.as_str())?;
        match history.last() {
            None => {
                units::insert(
                    conn,
                    &UnitRow {
                        id: id.to_string(),
                        name,
                        kind,
                        tier: tier_code(Tier::Agency).into(),
                        parent: parent.to_string(),
                        officer_email: Some(officer),
                        head_email: head,
                        lat: None,
                        lon: None,
                        valid_from,
                        valid_to: None,
                    },
                )?;
                summary.units_added += 1;
            }
            Some(cur)
                if cur.valid_to.is_none()
                    && cur.name == name
                    && cur.kind == kind
                    && cur.parent == parent.as_str() =>
            {
                if cur.officer_email.as_deref() != Some(officer.as_str()) || cur.head_email != head
                {
                    units::set_contacts(
                        conn,
                        &cur.id,
                        cur.valid_from,
                        Some(&officer),
                        head.as_deref(),
                    )?;
                    summary.contacts_updated += 1;
                }
            }
            Some(cur) => {
                return Err(bad(
                    "id",
                    format!(
                        "{id} đã có trong danh mục là \"{}\" ({}, thuộc {}) / {id} is already \
                         registered as \"{}\" ({}, under {}){}: change it with `registry \
                         rename` or `registry move`, not by import",
                        cur.name,
                        cur.kind,
                        cur.parent,
                        cur.name,
                        cur.kind,
                        cur.parent,
                        cur.valid_to
                            .map_or_else(String::new, |d| format!(", ended {d}")),
                    ),
                ))
            }
        }
    }
    Ok(summary)
}

fn csv_error(file: &str, line: u64, column: &str, message: String) -> RegistryError {
    RegistryError::Csv {
        file: file.to_string(),
        line,
        column: column.to_string(),
        message,
    }
}

/// An optional e-mail address: empty is `None`; otherwise `local@domain.tld`, no spaces.
fn email(raw: &str) -> Result<Option<String>, String> {
    if raw.is_empty() {
        return Ok(None);
    }
    let ok = match raw.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !raw.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if ok {
        Ok(Some(raw.to_string()))
    } else {
        Err(format!(
            "`{raw}` không phải địa chỉ thư điện tử / is not an e-mail address (name@domain.vn)"
        ))
    }
}
