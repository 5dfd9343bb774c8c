//! Unit tests of the registry on a fresh SQLite store with Đồng Nai (75) imported: the import,
//! the queries, and one test per rule a restructuring can break (named after the rule).

use crate::store::AnyConn;
use chrono::NaiveDate;
use config::units::AdminUnits;
use schema::UnitId;

use super::*;
use crate::store::{self, DbConn};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn id(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

/// A store with Đồng Nai's 2025 units (and the legacy ones when asked).
/// The first value keeps the directory and the database alive.
fn dong_nai(legacy: bool) -> ((tempfile::TempDir, store::testdb::TestDb), DbConn) {
    let tmp = tempfile::tempdir().unwrap();
    let (db, pool) = store::testdb::open(tmp.path(), "a").unwrap();
    let mut c = pool.get().unwrap();
    import_admin_units(&mut c, &id("75"), legacy).unwrap();
    ((tmp, db), c)
}

fn refused<T: std::fmt::Debug>(r: Result<T, RegistryError>) -> (Rule, String) {
    match r {
        Err(e @ RegistryError::Refused { rule, .. }) => (rule, e.to_string()),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const A: &str = "75.26041"; // Phường Trấn Biên
const B: &str = "75.26068"; // Phường Biên Hòa
const NEW: &str = "75.99001";
const D: &str = "2026-07-01";

#[test]
fn import_loads_the_scope_and_changes_nothing_the_second_time() {
    let (_tmp, mut c) = dong_nai(false);
    let communes = AdminUnits::embedded().communes_of(&id("75")).count();
    assert_eq!(units::count(&mut c).unwrap() as usize, communes + 1);
    let again = import_admin_units(&mut c, &id("75"), false).unwrap();
    assert_eq!((again.units_added, again.successions_added), (0, 0));
    let p = get(&mut c, &id("75"), REFORM_2025).unwrap().unwrap();
    assert_eq!(
        (p.name.as_str(), p.kind.as_str()),
        ("Tỉnh Đồng Nai", "Tỉnh")
    );
    assert_eq!(get(&mut c, &id("75"), day("2025-06-30")).unwrap(), None);
}

#[test]
fn legacy_import_links_binh_phuoc_to_dong_nai() {
    let (_tmp, mut c) = dong_nai(true);
    let legacy = id("70.688.25216"); // Phường Thác Mơ, Thị xã Phước Long, Bình Phước
    let row = get(&mut c, &legacy, day("2025-06-30")).unwrap().unwrap();
    assert_eq!(row.name, "Phường Thác Mơ");
    assert_eq!(row.valid_to, Some(day("2025-06-30")));
    assert_eq!(get(&mut c, &legacy, REFORM_2025).unwrap(), None);
    let line = lineage(&mut c, &id("75.25217")).unwrap();
    assert!(line.contains(&legacy), "{line:?}");
    assert!(lineage(&mut c, &id("75")).unwrap().contains(&id("70")));
    // Before the reform, Bình Phước's communes sat under Bình Phước, not Đồng Nai.
    assert!(in_subtree(&mut c, &id("70"), &legacy, day("2025-01-01")).unwrap());
    assert!(!in_subtree(&mut c, &id("75"), &legacy, day("2025-01-01")).unwrap());
    let again = import_admin_units(&mut c, &id("75"), true).unwrap();
    assert_eq!((again.units_added, again.successions_added), (0, 0));
}

#[test]
fn children_are_in_vietnamese_order() {
    let (_tmp, mut c) = dong_nai(false);
    let names: Vec<String> = children(&mut c, &id("75"), day("2026-01-01"))
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    let mut sorted = names.clone();
    sorted.sort_by(|a, b| config::units::compare_vi(a, b));
    assert_eq!(names, sorted);
    // "Phường Đ…" comes after every "Phường D…" and before "Phường E…".
    let first_d_stroke = names
        .iter()
        .position(|n| n.starts_with("Phường Đ"))
        .unwrap();
    assert!(names[..first_d_stroke]
        .iter()
        .all(|n| !n.starts_with("Phường E")));
}

#[test]
fn merge_ends_the_predecessors_and_history_follows() {
    let (_tmp, mut c) = dong_nai(false);
    let done = merge(
        &mut c,
        &[id(A), id(B)],
        id(NEW),
        " Phường Biên Hòa ",
        day(D),
    )
    .unwrap();
    assert_eq!(done.ended.len(), 2);
    assert_eq!(done.successions.len(), 2);
    let new = get(&mut c, &id(NEW), day(D)).unwrap().unwrap();
    assert_eq!(
        (new.name.as_str(), new.kind.as_str()),
        ("Phường Biên Hòa", "Phường")
    );
    assert_eq!(new.parent, "75");
    assert!(new.lat.is_some());
    assert_eq!(get(&mut c, &id(A), day(D)).unwrap(), None);
    let before = get(&mut c, &id(A), day("2026-06-30")).unwrap().unwrap();
    assert_eq!(before.valid_to, Some(day("2026-06-30")));
    assert_eq!(
        lineage(&mut c, &id(NEW)).unwrap(),
        vec![id(NEW), id(A), id(B)]
    );
    // A unit merged away mid-period still counts for that period.
    assert!(in_subtree_during(
        &mut c,
        &id("75"),
        &id(A),
        day("2025-12-15"),
        day("2026-12-14")
    )
    .unwrap());
    assert!(!in_subtree_during(
        &mut c,
        &id("75"),
        &id(A),
        day("2026-12-15"),
        day("2027-12-14")
    )
    .unwrap());
}

#[test]
fn merge_into_an_existing_unit_absorbs_the_others() {
    let (_tmp, mut c) = dong_nai(false);
    merge(&mut c, &[id(B)], id(A), "Phường Trấn Biên", day(D)).unwrap();
    assert_eq!(units::history(&mut c, A).unwrap().len(), 2);
    assert_eq!(get(&mut c, &id(B), day(D)).unwrap(), None);
    assert_eq!(lineage(&mut c, &id(A)).unwrap(), vec![id(A), id(B)]);
}

#[test]
fn split_rename_and_move_keep_history() {
    let (_tmp, mut c) = dong_nai(false);
    let parts = [
        (id(A), "Phường Trấn Biên".to_string()),
        (id(NEW), "Phường An Bình".to_string()),
    ];
    split(&mut c, &id(A), &parts, day(D)).unwrap();
    assert_eq!(lineage(&mut c, &id(NEW)).unwrap(), vec![id(NEW), id(A)]);
    rename(&mut c, &id(NEW), "Xã An Bình", day("2026-09-01")).unwrap();
    let renamed = get(&mut c, &id(NEW), day("2026-09-01")).unwrap().unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.kind.as_str()),
        ("Xã An Bình", "Xã")
    );
    assert_eq!(
        get(&mut c, &id(NEW), day("2026-08-31"))
            .unwrap()
            .unwrap()
            .name,
        "Phường An Bình"
    );
    import_admin_units(&mut c, &id("79"), false).unwrap();
    move_unit(&mut c, &id(NEW), &id("79"), day("2026-10-01")).unwrap();
    assert!(in_subtree(&mut c, &id("75"), &id(NEW), day("2026-09-30")).unwrap());
    assert!(!in_subtree(&mut c, &id("75"), &id(NEW), day("2026-10-01")).unwrap());
    assert!(in_subtree(&mut c, &id("79"), &id(NEW), day("2026-10-01")).unwrap());
    assert_eq!(units::history(&mut c, NEW).unwrap().len(), 3);
    assert!(children(&mut c, &id("79"), day("2026-10-01"))
        .unwrap()
        .iter()
        .any(|r| r.id == NEW));
}

#[test]
fn unregistered_unit_falls_back_to_the_id_grammar() {
    let (_tmp, mut c) = dong_nai(false);
    let made_up = id("75.99999");
    assert!(in_subtree(&mut c, &id("75"), &made_up, day(D)).unwrap());
    assert!(!in_subtree_during(
        &mut c,
        &id("75"),
        &made_up,
        day("2025-12-15"),
        day("2026-12-14")
    )
    .unwrap());
}

fn check(c: &mut AnyConn, r: Result<Change, RegistryError>, rule: Rule) -> String {
    let (got, message) = refused(r);
    assert_eq!(got, rule, "{message}");
    assert!(message.contains(rule.code()), "{message}");
    assert_eq!(
        units::count_successions(c).unwrap(),
        0,
        "a refusal changes nothing"
    );
    message
}

#[test]
fn merge_into_itself() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(&mut c, &[id(A), id(B)], id(A), "Phường Trấn Biên", day(D));
    let m = check(&mut c, r, Rule::MergeIntoItself);
    assert!(m.contains("itself"), "{m}");
    let r = merge(&mut c, &[id(A)], id(A), "Phường Trấn Biên", day(D));
    check(&mut c, r, Rule::MergeIntoItself);
}

#[test]
fn date_before_unit_exists() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(&mut c, &[id(A), id(B)], id(NEW), "Phường Mới", REFORM_2025);
    let m = check(&mut c, r, Rule::DateBeforeUnitExists);
    assert!(m.contains("2025-07-01"), "{m}");
    let r = rename(&mut c, &id(A), "Phường Mới", day("2024-01-01"));
    check(&mut c, r, Rule::DateBeforeUnitExists);
}

#[test]
fn unknown_unit() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(
        &mut c,
        &[id(A), id("75.99999")],
        id(NEW),
        "Phường Mới",
        day(D),
    );
    let m = check(&mut c, r, Rule::UnknownUnit);
    assert!(m.contains("75.99999"), "{m}");
    let r = move_unit(&mut c, &id(A), &id("79"), day(D));
    check(&mut c, r, Rule::UnknownUnit);
}

#[test]
fn listed_twice() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(&mut c, &[id(A), id(A)], id(NEW), "Phường Mới", day(D));
    check(&mut c, r, Rule::ListedTwice);
}

#[test]
fn too_few_units() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(&mut c, &[id(A)], id(NEW), "Phường Mới", day(D));
    check(&mut c, r, Rule::TooFewUnits);
    let r = split(&mut c, &id(A), &[(id(NEW), "Phường Mới".into())], day(D));
    check(&mut c, r, Rule::TooFewUnits);
}

#[test]
fn code_reused() {
    let (_tmp, mut c) = dong_nai(false);
    merge(&mut c, &[id(A), id(B)], id(NEW), "Phường Mới", day(D)).unwrap();
    let before = units::count_successions(&mut c).unwrap();
    let parts = [
        (id(NEW), "Phường X".to_string()),
        (id(B), "Phường Y".to_string()),
    ];
    let (rule, _) = refused(split(&mut c, &id("75.26005"), &parts, day("2026-08-01")));
    assert_eq!(rule, Rule::CodeReused);
    let (rule, _) = refused(merge(
        &mut c,
        &[id("75.26005"), id("75.26017")],
        id(A),
        "Phường Z",
        day("2026-08-01"),
    ));
    assert_eq!(rule, Rule::CodeReused);
    assert_eq!(units::count_successions(&mut c).unwrap(), before);
}

#[test]
fn different_parents() {
    let (_tmp, mut c) = dong_nai(false);
    import_admin_units(&mut c, &id("79"), false).unwrap();
    let r = merge(
        &mut c,
        &[id(A), id("79.26857")],
        id(NEW),
        "Phường Mới",
        day(D),
    );
    check(&mut c, r, Rule::DifferentParents);
}

#[test]
fn tier_mismatch() {
    let (_tmp, mut c) = dong_nai(false);
    let r = merge(&mut c, &[id(A), id(B)], id("75.731"), "Huyện Mới", day(D));
    check(&mut c, r, Rule::TierMismatch);
    let r = move_unit(&mut c, &id(A), &id(B), day(D));
    check(&mut c, r, Rule::TierMismatch);
}

#[test]
fn nothing_changes() {
    let (_tmp, mut c) = dong_nai(false);
    let r = rename(&mut c, &id(A), "Phường Trấn Biên", day(D));
    check(&mut c, r, Rule::NothingChanges);
    let r = move_unit(&mut c, &id(A), &id("75"), day(D));
    check(&mut c, r, Rule::NothingChanges);
}

#[test]
fn move_under_itself() {
    let (_tmp, mut c) = dong_nai(false);
    let r = move_unit(&mut c, &id("75"), &id(A), day(D));
    check(&mut c, r, Rule::MoveUnderItself);
}

#[test]
fn empty_name() {
    let (_tmp, mut c) = dong_nai(false);
    let r = rename(&mut c, &id(A), "  ", day(D));
    check(&mut c, r, Rule::EmptyName);
}

#[test]
fn already_changed_and_unit_ended() {
    let (_tmp, mut c) = dong_nai(false);
    rename(&mut c, &id(A), "Phường Trấn Biên Mới", day("2026-09-01")).unwrap();
    let (rule, m) = refused(rename(&mut c, &id(A), "Phường Khác", day(D)));
    assert_eq!(rule, Rule::AlreadyChanged, "{m}");
    merge(
        &mut c,
        &[id(A), id(B)],
        id(NEW),
        "Phường Mới",
        day("2026-10-01"),
    )
    .unwrap();
    let (rule, m) = refused(rename(&mut c, &id(B), "Phường Khác", day("2026-11-01")));
    assert_eq!(rule, Rule::UnitEnded, "{m}");
}

#[test]
fn bad_scope() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = store::testdb::open(tmp.path(), "a").unwrap();
    let (rule, m) = refused(import_admin_units(
        &mut pool.get().unwrap(),
        &id("70"),
        false,
    ));
    assert_eq!(rule, Rule::BadScope, "{m}");
}

#[test]
fn agencies_import_checks_each_cell_and_updates_contacts() {
    let (tmp, mut c) = dong_nai(false);
    let path = tmp.0.path().join("agencies.csv");
    let header = "id,name,kind,parent,officer_email,head_email\n";
    let good = "75/so-noi-vu,Sở Nội vụ,Sở,75,bmnn@snv.dongnai.gov.vn,\n\
                75.26041/cong-an-phuong,Công an phường Trấn Biên,Công an,,ca@tranbien.vn,tp@tranbien.vn\n";
    std::fs::write(&path, format!("{header}{good}")).unwrap();
    let s = import_agencies_csv(&mut c, &path).unwrap();
    assert_eq!((s.units_read, s.units_added), (2, 2));
    let police = get(&mut c, &id("75.26041/cong-an-phuong"), day(D))
        .unwrap()
        .unwrap();
    assert_eq!(
        (police.parent.as_str(), police.valid_from),
        ("75.26041", REFORM_2025)
    );
    assert!(in_subtree(&mut c, &id("75"), &id("75.26041/cong-an-phuong"), day(D)).unwrap());

    let changed = good.replace("bmnn@snv", "vanthu@snv");
    std::fs::write(&path, format!("{header}{changed}")).unwrap();
    let s = import_agencies_csv(&mut c, &path).unwrap();
    assert_eq!((s.units_added, s.contacts_updated), (0, 1));

    for (row, column) in [
        ("75,Tỉnh,Tỉnh,VN,a@b.vn,", "`id`"),
        ("75/so-y-te,,Sở,75,a@b.vn,", "`name`"),
        ("75/so-y-te,Sở Y tế,Sở,75.99999,a@b.vn,", "`parent`"),
        ("75/so-y-te,Sở Y tế,Sở,75,not-an-email,", "`officer_email`"),
        ("75/so-noi-vu,Sở Nội vụ mới,Sở,75,a@b.vn,", "`id`"),
    ] {
        std::fs::write(&path, format!("{header}{row}\n")).unwrap();
        let e = import_agencies_csv(&mut c, &path).unwrap_err().to_string();
        assert!(e.contains("line 2,") && e.contains(column), "{row}: {e}");
    }
    std::fs::write(&path, "id,name,kind\n").unwrap();
    let e = import_agencies_csv(&mut c, &path).unwrap_err().to_string();
    assert!(e.contains("line 1,") && e.contains("`parent`"), "{e}");
}
