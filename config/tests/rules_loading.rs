//! Loading rule packs rejects inconsistent sets: overlaps, gaps, duplicate codes, bad bounds,
//! unknown or not-yet-applicable violation kinds, and false `carried_over` marks.

use config::rules::{RuleBook, RuleError};

const OLD: &str = include_str!("../rules/2020-law29.toml");
const NEW: &str = include_str!("../rules/2026-law117.toml");
const CALENDAR: &str = include_str!("../rules/calendar.toml");

fn load(old: &str, new: &str) -> Result<RuleBook, RuleError> {
    let packs = vec![
        ("2020-law29.toml".to_string(), old.to_string()),
        ("2026-law117.toml".to_string(), new.to_string()),
    ];
    RuleBook::from_sources(&packs, ("calendar.toml", CALENDAR), &[])
}

fn err(old: &str, new: &str) -> String {
    load(old, new).unwrap_err().to_string()
}

#[test]
fn the_shipped_packs_load() {
    load(OLD, NEW).unwrap();
}

#[test]
fn overlapping_packs_are_rejected() {
    let e = err(
        &OLD.replace("valid_until = 2026-02-28", "valid_until = 2026-03-15"),
        NEW,
    );
    assert!(e.contains("overlaps") && e.contains("2026-03-16"), "{e}");
}

#[test]
fn a_gap_between_packs_is_rejected() {
    let e = err(
        OLD,
        &NEW.replace("valid_from = 2026-03-01", "valid_from = 2026-03-02"),
    );
    assert!(e.contains("leaves a gap"), "{e}");
}

#[test]
fn packs_must_start_when_the_law_took_effect() {
    let e = err(
        &OLD.replace("valid_from = 2020-07-01", "valid_from = 2020-08-01"),
        NEW,
    );
    assert!(e.contains("2020-07-01"), "{e}");
}

#[test]
fn duplicate_indicator_code_is_rejected() {
    let dup = OLD.replacen("code = \"so_ban_sao_chup\"", "code = \"so_vu_lo_mat\"", 1);
    let e = err(&dup, NEW);
    assert!(
        e.contains("2020-law29.toml") && e.contains("so_vu_lo_mat") && e.contains("twice"),
        "{e}"
    );
}

#[test]
fn min_above_max_is_rejected() {
    let bad = OLD.replacen("max = 1000\n", "min = 5\nmax = 3\n", 1);
    let e = err(&bad, NEW);
    assert!(e.contains("min <= max"), "{e}");
}

#[test]
fn unknown_violation_code_is_rejected_with_its_key_path() {
    let bad = OLD.replacen("code = \"misuse\"", "code = \"jaywalking\"", 1);
    let e = err(&bad, NEW);
    assert!(
        e.contains("violation[6].code") && e.contains("jaywalking"),
        "{e}"
    );
}

#[test]
fn violation_not_yet_in_force_is_rejected() {
    let bad = OLD.replacen("code = \"misuse\"", "code = \"ai_misuse\"", 1);
    let e = err(&bad, NEW);
    assert!(e.contains("ai_misuse") && e.contains("2026-03-01"), "{e}");
}

#[test]
fn carried_over_entry_that_changed_is_rejected() {
    let changed = NEW.replacen(
        "title = \"Phân tích, đánh giá tình hình\"",
        "title = \"Đánh giá tình hình\"",
        1,
    );
    let e = err(OLD, &changed);
    assert!(
        e.contains("carried_over") && e.contains("section `a`"),
        "{e}"
    );
}

#[test]
fn unknown_key_in_a_pack_is_rejected() {
    let bad = OLD.replacen("required = true", "requried = true", 1);
    let e = err(&bad, NEW);
    assert!(e.contains("requried"), "{e}");
}

#[test]
fn decomposed_vietnamese_label_is_rejected() {
    let nfd = "Phân tích".chars().flat_map(|c| match c {
        'â' => vec!['a', '\u{0302}'],
        'í' => vec!['i', '\u{0301}'],
        c => vec![c],
    });
    let bad = OLD.replacen("Phân tích", &nfd.collect::<String>(), 1);
    let e = err(&bad, NEW);
    assert!(e.contains("NFC"), "{e}");
}

#[test]
fn holiday_outside_its_year_is_rejected() {
    let packs = vec![("2020-law29.toml".to_string(), OLD.to_string())];
    let file = "year = 2026\n[[holiday]]\ndate = 2025-01-01\nname = \"Tết Dương lịch\"\n";
    let e = RuleBook::from_sources(
        &packs,
        ("calendar.toml", CALENDAR),
        &[("holidays/2026.toml".into(), file.into())],
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("holidays/2026.toml") && e.contains("2025-01-01"),
        "{e}"
    );
}
