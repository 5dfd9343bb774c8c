//! The checks shared by the restructurings in [`super::change`]: names, the row a change
//! ends, lists without repeats, tiers, codes never reused, a new parent that exists.

use crate::store::AnyConn;
use std::collections::HashSet;

use chrono::NaiveDate;
use schema::{Tier, UnitId};
use unicode_normalization::UnicodeNormalization as _;

use super::{RegistryError, Rule};
use crate::store::units::{self, UnitRow};

/// Kind words that open an area's official name ("Phường Trấn Biên" is a Phường).
const AREA_KINDS: [&str; 9] = [
    "Đặc khu",
    "Thị trấn",
    "Thị xã",
    "Thành phố",
    "Phường",
    "Xã",
    "Tỉnh",
    "Quận",
    "Huyện",
];

/// The kind of an area named `name` (read off the name's first words), else `fallback`.
pub(super) fn kind_for(tier: Tier, name: &str, fallback: &str) -> String {
    if tier == Tier::Agency {
        return fallback.to_string();
    }
    AREA_KINDS
        .iter()
        .find(|k| name.strip_prefix(**k).is_some_and(|r| r.starts_with(' ')))
        .map_or(fallback, |k| k)
        .to_string()
}

pub(super) fn clean_name(name: &str) -> Result<String, RegistryError> {
    let name: String = name.trim().nfc().collect();
    if name.is_empty() {
        return Err(RegistryError::refused(
            Rule::EmptyName,
            "Tên đơn vị trống / the unit's name is empty: give its official name, e.g. \
             \"Phường Trấn Biên\"",
        ));
    }
    Ok(name)
}

pub(super) fn day_before(date: NaiveDate) -> NaiveDate {
    date.pred_opt().unwrap_or(date)
}

/// The row of `id` that a change effective on `date` ends: the one holding on `date - 1`,
/// still open.
pub(super) fn open_row(
    conn: &mut AnyConn,
    id: &UnitId,
    date: NaiveDate,
) -> Result<UnitRow, RegistryError> {
    let history = units::history(conn, id.as_str())?;
    let Some(first) = history.first() else {
        return Err(RegistryError::refused(
            Rule::UnknownUnit,
            format!(
                "Đơn vị {id} chưa có trong danh mục / unit {id} is not in the registry: check \
                 the id, or import it first (bmnn-aggregator registry import)"
            ),
        ));
    };
    if date <= first.valid_from {
        return Err(RegistryError::refused(
            Rule::DateBeforeUnitExists,
            format!(
                "Đơn vị {id} chỉ có từ ngày {} / unit {id} exists only from {}: a change \
                 effective {date} must take effect after that day",
                first.valid_from, first.valid_from
            ),
        ));
    }
    let before = day_before(date);
    match history.iter().find(|r| r.holds_on(before)) {
        None => {
            let end = history.last().and_then(|r| r.valid_to).unwrap_or(before);
            Err(RegistryError::refused(
                Rule::UnitEnded,
                format!(
                    "Đơn vị {id} đã chấm dứt ngày {end} / unit {id} ended on {end}: it cannot \
                     change on {date}; change its successor instead"
                ),
            ))
        }
        Some(r) if r.valid_to.is_some() => {
            let next = r.valid_to.and_then(|d| d.succ_opt()).unwrap_or(date);
            Err(RegistryError::refused(
                Rule::AlreadyChanged,
                format!(
                    "Đơn vị {id} đã có thay đổi từ ngày {next} / unit {id} already changes on \
                     {next}: record changes in date order, at most one per unit and day"
                ),
            ))
        }
        Some(r) => Ok(r.clone()),
    }
}

pub(super) fn distinct<'a>(ids: impl IntoIterator<Item = &'a UnitId>) -> Result<(), RegistryError> {
    let mut seen = HashSet::new();
    for id in ids {
        if !seen.insert(id) {
            return Err(RegistryError::refused(
                Rule::ListedTwice,
                format!("Đơn vị {id} được kê hai lần / unit {id} is listed twice: list it once"),
            ));
        }
    }
    Ok(())
}

pub(super) fn same_tier(a: &UnitId, b: &UnitId) -> Result<(), RegistryError> {
    if a.tier() == b.tier() {
        return Ok(());
    }
    Err(RegistryError::refused(
        Rule::TierMismatch,
        format!(
            "{a} ({}) và {b} ({}) khác cấp / {a} and {b} are of different tiers: only units \
             of one tier merge or split into one another",
            a.tier().label_vi(),
            b.tier().label_vi()
        ),
    ))
}

pub(super) fn code_reused(id: &UnitId, rows: &[UnitRow]) -> RegistryError {
    let last = rows.last().map(|r| r.name.as_str()).unwrap_or_default();
    RegistryError::refused(
        Rule::CodeReused,
        format!(
            "Mã {id} đã được dùng cho \"{last}\" / code {id} is already used by \"{last}\": \
             codes are never reused; choose the new unit's own code"
        ),
    )
}

/// A new parent must exist on `date`; `VN` and `TW` are never stored and always exist.
pub(super) fn parent_exists(
    conn: &mut AnyConn,
    new_parent: &UnitId,
    date: NaiveDate,
) -> Result<(), RegistryError> {
    if !matches!(new_parent.as_str(), "VN" | "TW") {
        let history = units::history(conn, new_parent.as_str())?;
        match history.first() {
            None => {
                return Err(RegistryError::refused(
                    Rule::UnknownUnit,
                    format!(
                        "Đơn vị cấp trên {new_parent} chưa có trong danh mục / the new parent \
                         {new_parent} is not in the registry: import or create it first"
                    ),
                ))
            }
            Some(first) if date < first.valid_from => {
                return Err(RegistryError::refused(
                    Rule::DateBeforeUnitExists,
                    format!(
                        "Đơn vị cấp trên {new_parent} chỉ có từ ngày {} / the new parent \
                         {new_parent} exists only from {}: move on or after that day",
                        first.valid_from, first.valid_from
                    ),
                ))
            }
            Some(_) if !history.iter().any(|r| r.holds_on(date)) => {
                return Err(RegistryError::refused(
                    Rule::UnitEnded,
                    format!(
                        "Đơn vị cấp trên {new_parent} không còn vào ngày {date} / the new parent \
                         {new_parent} no longer exists on {date}: move under its successor"
                    ),
                ))
            }
            Some(_) => {}
        }
    }
    Ok(())
}
