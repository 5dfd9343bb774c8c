//! Units as people read them on the committee's pages and charts: the registry's name rather
//! than the code, and, where two rows would read the same ("Phường An Bình" exists in several
//! provinces), the code or the province after the name.

use std::collections::BTreeMap;

use schema::{Tier, UnitId};

/// Names for unit ids as people read them: the registry's name, the id when unknown, and the
/// id after the name where two rows would read the same ("Phường An Bình (75.26023)").
pub fn people_names(ids: &[String], names: &BTreeMap<String, String>) -> Vec<String> {
    let name = |id: &String| names.get(id).cloned().unwrap_or_else(|| id.clone());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for id in ids {
        *seen.entry(name(id)).or_default() += 1;
    }
    ids.iter()
        .map(|id| {
            let n = name(id);
            if seen[&n] > 1 {
                format!("{n} ({id})")
            } else {
                n
            }
        })
        .collect()
}

/// Every unit's name in the registry today, by id.
pub fn registry_names(c: &mut crate::store::AnyConn) -> anyhow::Result<BTreeMap<String, String>> {
    let today = node::web::layout::today();
    Ok(crate::store::units::all(c)?
        .into_iter()
        .filter(|u| u.holds_on(today))
        .map(|u| (u.id, u.name))
        .collect())
}

/// The name of `unit`'s province (or central bucket), for telling two same-named units apart.
pub fn province_of(unit: &UnitId, names: &BTreeMap<String, String>) -> String {
    let p = unit.province_code().unwrap_or("TW");
    names.get(p).cloned().unwrap_or_else(|| p.to_string())
}

/// `(name, province)` as read: the name, with the province where two names are the same.
pub fn with_province_where_ambiguous(rows: &[(String, String)]) -> Vec<String> {
    let count = |n: &String| rows.iter().filter(|(m, _)| m == n).count();
    rows.iter()
        .map(|(n, p)| {
            if count(n) > 1 {
                format!("{n} ({p})")
            } else {
                n.clone()
            }
        })
        .collect()
}

/// The group of units a unit is counted in where there are too many to show one by one (the
/// report's body, the dashboard's on-time chart): Xã, Phường, Sở, ban, ngành…
pub fn group_label(unit: &UnitId, name: &str) -> String {
    let label = match unit.tier() {
        Tier::Province => "Tỉnh, thành phố",
        Tier::Central => "Bộ, ngành, cơ quan trung ương",
        Tier::Commune | Tier::District => ["Xã", "Phường", "Đặc khu", "Thị trấn"]
            .into_iter()
            .find(|p| name.starts_with(&format!("{p} ")))
            .unwrap_or("Xã, phường"),
        Tier::Agency if unit.province_code().is_none() => "Bộ, ngành, cơ quan trung ương",
        Tier::Agency => "Sở, ban, ngành, đơn vị",
        Tier::National => "Đơn vị khác",
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_names_are_told_apart_and_codes_become_names() {
        let names: BTreeMap<String, String> = [
            ("75.26041", "Phường Trấn Biên"),
            ("75.1", "Phường An Bình"),
            ("79.2", "Phường An Bình"),
            ("75", "Tỉnh Đồng Nai"),
            ("79", "Thành phố Hồ Chí Minh"),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let ids = ["75.26041", "75.1", "79.2", "75.999"].map(String::from);
        assert_eq!(
            people_names(&ids, &names),
            [
                "Phường Trấn Biên",
                "Phường An Bình (75.1)",
                "Phường An Bình (79.2)",
                "75.999"
            ]
        );
        let unit = |s: &str| UnitId::parse(s).unwrap();
        let rows = [
            (
                "Phường An Bình".to_string(),
                province_of(&unit("75.26041"), &names),
            ),
            (
                "Phường An Bình".to_string(),
                province_of(&unit("79.26734"), &names),
            ),
            (
                "Xã Long Phước".to_string(),
                province_of(&unit("75.26413"), &names),
            ),
        ];
        assert_eq!(
            with_province_where_ambiguous(&rows),
            [
                "Phường An Bình (Tỉnh Đồng Nai)",
                "Phường An Bình (Thành phố Hồ Chí Minh)",
                "Xã Long Phước"
            ]
        );
    }
}
