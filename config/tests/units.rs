//! Administrative units: exact counts, known rows, parent links, the legacy → 2025 mapping,
//! and Vietnamese collation.

use std::cmp::Ordering;

use config::units::{compare_vi, vi_sort_key, AdminUnits, Era, Relation};
use schema::{Tier, UnitId};
use unicode_normalization::is_nfc;

fn units() -> &'static AdminUnits {
    AdminUnits::embedded()
}

fn id(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

#[test]
fn counts_match_the_official_lists() {
    let u = units();
    assert_eq!(u.provinces().len(), 34);
    assert_eq!(u.communes().len(), 3321);
    assert_eq!(u.legacy_provinces().len(), 63);
    assert_eq!(u.legacy_districts().len(), 696);
    assert_eq!(u.legacy_communes().len(), 10_035);
    let kinds = |k: &str| u.communes().iter().filter(|c| c.kind == k).count();
    assert_eq!(
        (kinds("Xã"), kinds("Phường"), kinds("Đặc khu")),
        (2621, 687, 13)
    );
    let cities = u
        .provinces()
        .iter()
        .filter(|p| p.kind == "Thành phố")
        .count();
    assert_eq!(cities, 6, "six centrally-run cities");
}

#[test]
fn known_rows_are_loaded() {
    let u = units();
    let hanoi = u.get(&id("01")).unwrap();
    assert_eq!(hanoi.name, "Thành phố Hà Nội");
    assert_eq!(
        (hanoi.kind.as_str(), hanoi.tier, hanoi.era),
        ("Thành phố", Tier::Province, Era::Current)
    );
    let tran_bien = u.get(&id("75.26041")).unwrap();
    assert_eq!(tran_bien.name, "Phường Trấn Biên");
    assert_eq!(tran_bien.kind, "Phường");
    assert_eq!(tran_bien.parent, Some(id("75")));
    assert_eq!(u.get(&id("75")).unwrap().name, "Tỉnh Đồng Nai");
    let ba_dinh = u.get(&id("01.00004")).unwrap();
    assert_eq!(ba_dinh.name, "Phường Ba Đình");
    assert!(ba_dinh.centroid.is_some() && ba_dinh.area_km2.is_some());
}

#[test]
fn legacy_units_use_legacy_province_codes() {
    let u = units();
    // Code 15 was Yên Bái before 1 July 2025 and is Lào Cai since.
    assert_eq!(u.legacy_province("15").unwrap().name, "Tỉnh Yên Bái");
    assert_eq!(u.get(&id("15")).unwrap().name, "Tỉnh Lào Cai");
    assert_eq!(u.legacy_province("02").unwrap().name, "Tỉnh Hà Giang");
    assert!(
        u.get(&id("02")).is_none(),
        "legacy provinces are not returned by get"
    );
    let phuc_xa = u.get(&id("01.001.00001")).unwrap();
    assert_eq!(phuc_xa.name, "Phường Phúc Xá");
    assert_eq!((phuc_xa.tier, phuc_xa.era), (Tier::Commune, Era::Legacy));
    assert_eq!(phuc_xa.parent, Some(id("01.001")));
    let ba_dinh = u.get(&id("01.001")).unwrap();
    assert_eq!(
        (ba_dinh.name.as_str(), ba_dinh.kind.as_str()),
        ("Quận Ba Đình", "Quận")
    );
    assert!(
        ba_dinh.centroid.is_some(),
        "district centroid is the mean of its communes"
    );
}

#[test]
fn every_2025_commune_sits_under_a_2025_province() {
    let u = units();
    for c in u.communes() {
        let parent = c.parent.as_ref().unwrap();
        let p = u
            .get(parent)
            .unwrap_or_else(|| panic!("{} has no parent", c.id));
        assert_eq!((p.tier, p.era), (Tier::Province, Era::Current), "{}", c.id);
        assert_eq!(c.id.parent().as_ref(), Some(parent));
    }
    let n: usize = u
        .provinces()
        .iter()
        .map(|p| u.communes_of(&p.id).count())
        .sum();
    assert_eq!(n, 3321);
}

#[test]
fn every_legacy_commune_maps_to_existing_2025_communes() {
    let u = units();
    for c in u.legacy_communes() {
        let succ = u.successors(&c.id);
        assert!(!succ.is_empty(), "{} has no successor", c.id);
        for s in succ {
            let t = u
                .get(&s.commune)
                .unwrap_or_else(|| panic!("{} → {} missing", c.id, s.commune));
            assert_eq!((t.tier, t.era), (Tier::Commune, Era::Current));
        }
        assert!(u.default_successor(&c.id).is_some());
    }
    let splits = u
        .legacy_communes()
        .iter()
        .filter(|c| {
            u.successors(&c.id)
                .iter()
                .any(|s| s.relation == Relation::SplitDefault)
        })
        .count();
    assert_eq!(splits, 471);
}

#[test]
fn legacy_units_map_to_their_2025_province() {
    let u = units();
    // Yên Bái (legacy 15) and Lào Cai (legacy 10) merged into Lào Cai (15).
    assert_eq!(u.successor_province(&id("15")), Some(&id("15")));
    assert_eq!(u.successor_province(&id("10")), Some(&id("15")));
    // Bình Phước (legacy 70) merged into Đồng Nai (75); a legacy district of it too.
    assert_eq!(u.successor_province(&id("70")), Some(&id("75")));
    let district = u
        .legacy_districts()
        .iter()
        .find(|d| d.id.as_str().starts_with("70."))
        .unwrap();
    assert_eq!(u.successor_province(&district.id), Some(&id("75")));
    // An island district listed without communes still maps through its province.
    let bach_long_vi = u.get(&id("31.318")).unwrap();
    assert!(bach_long_vi.centroid.is_none());
    assert_eq!(u.successor_province(&bach_long_vi.id), Some(&id("31")));
    assert_eq!(
        u.successor_province(&id("75.26041")),
        None,
        "2025 units have no successor"
    );
}

#[test]
fn names_are_nfc() {
    let u = units();
    let all = u
        .provinces()
        .iter()
        .chain(u.communes())
        .chain(u.legacy_provinces())
        .chain(u.legacy_districts())
        .chain(u.legacy_communes());
    for unit in all {
        assert!(is_nfc(&unit.name) && is_nfc(&unit.kind), "{}", unit.id);
    }
}

#[test]
fn vietnamese_collation_orders_letters_then_tones() {
    // đ is a letter after d: every d-word precedes every đ-word.
    assert_eq!(compare_vi("Dương", "Đà Nẵng"), Ordering::Less);
    assert_eq!(compare_vi("Đà Nẵng", "Dương"), Ordering::Greater);
    // â is a letter after a.
    assert_eq!(compare_vi("An Nhơn", "Ân Thi"), Ordering::Less);
    assert_eq!(compare_vi("An Giang", "Ân Thi"), Ordering::Less);
    // ư after u, ơ after ô after o.
    assert_eq!(compare_vi("Uông Bí", "Ứng Hòa"), Ordering::Less);
    assert_eq!(compare_vi("Ô Môn", "Ơn"), Ordering::Less);
    // Shorter prefix first, space before letters: "Bà Rịa" before "Bạc Liêu".
    assert_eq!(compare_vi("Bà Rịa", "Bạc Liêu"), Ordering::Less);
    // Same letters: tones decide (none, huyền, hỏi, ngã, sắc, nặng).
    assert_eq!(compare_vi("Ha Long", "Hạ Long"), Ordering::Less);
    // Letters outrank tones: n > l decides before any tone is looked at.
    assert_eq!(compare_vi("Hà Nam", "Hạ Long"), Ordering::Greater);
    // Tone order on one syllable.
    let mut v = vec!["Hạ", "Há", "Hà", "Hã", "Ha", "Hả"];
    v.sort_by(|a, b| compare_vi(a, b));
    assert_eq!(v, ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]);
}

#[test]
fn sorting_province_names_in_vietnamese_order() {
    let mut names: Vec<&str> = units()
        .provinces()
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    // Sort by the proper name, without the kind prefix.
    let bare = |n: &str| {
        let n = n
            .strip_prefix("Thành phố ")
            .or_else(|| n.strip_prefix("Tỉnh "))
            .unwrap_or(n);
        vi_sort_key(n)
    };
    names.sort_by_cached_key(|n| bare(n));
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert_eq!(pos("Tỉnh An Giang"), 0, "{names:?}");
    let in_order = [
        "Tỉnh Cà Mau",
        "Tỉnh Cao Bằng",
        "Thành phố Cần Thơ",
        "Thành phố Đà Nẵng",
        "Tỉnh Đắk Lắk",
        "Tỉnh Điện Biên",
        "Tỉnh Đồng Nai",
        "Tỉnh Đồng Tháp",
        "Tỉnh Gia Lai",
        "Thành phố Hà Nội",
        "Tỉnh Hà Tĩnh",
        "Thành phố Hải Phòng",
        "Thành phố Hồ Chí Minh",
        "Thành phố Huế",
        "Tỉnh Hưng Yên",
    ];
    for w in in_order.windows(2) {
        assert!(
            pos(w[0]) + 1 == pos(w[1]),
            "{} then {}: {names:?}",
            w[0],
            w[1]
        );
    }
}
