//! Unit tests of the inspection record and campaign files on a fresh store (SQLite, or
//! PostgreSQL with `BMNN_TEST_POSTGRES`) with Đồng Nai (75) imported.

use chrono::NaiveDate;
use config::rules::RuleBook;
use diesel::connection::SimpleConnection as _;
use reports::planning::{CampaignSize, WeeklyCapacity};
use schema::UnitId;

use super::campaign::CampaignFile;
use super::input::{self, RawFinding, RawInspection, RecordError};
use super::plans::{self, NoticeRow, PlanRow};
use super::store;
use crate::store::{testdb, DbConn};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn dong_nai() -> ((tempfile::TempDir, testdb::TestDb), DbConn) {
    let tmp = tempfile::tempdir().unwrap();
    let (db, pool) = testdb::open(tmp.path(), "insp").unwrap();
    let mut c = pool.get().unwrap();
    crate::registry::import_admin_units(&mut c, &UnitId::parse("75").unwrap(), false).unwrap();
    ((tmp, db), c)
}

fn raw(unit: &str, ended: &str, findings: Vec<RawFinding>) -> RawInspection {
    RawInspection {
        unit: unit.into(),
        decision_ref: "Quyết định số 7/QĐ-BCĐ".into(),
        started_on: ended.into(),
        ended_on: ended.into(),
        conclusion: "Cơ bản chấp hành.".into(),
        findings,
        ..RawInspection::default()
    }
}

fn finding(kind: &str, severity: &str, deadline: &str) -> RawFinding {
    RawFinding {
        kind: kind.into(),
        severity: severity.into(),
        occurrences: String::new(),
        deadline: deadline.into(),
        description: "Mô tả".into(),
    }
}

fn scope() -> UnitId {
    UnitId::parse("75").unwrap()
}

#[test]
fn the_example_campaign_file_is_valid() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/campaign.example.toml");
    let f = CampaignFile::load(&path).unwrap();
    let c = f.campaign(day("2027-01-01")).unwrap();
    assert_eq!(
        c.plan_date,
        day("2027-02-26"),
        "the file's plan date wins over --today"
    );
    assert_eq!(c.size, CampaignSize::Units(40));
    assert_eq!(c.blackouts.len(), 1);
    let teams = f.teams().unwrap();
    assert_eq!(teams[0].capacity, WeeklyCapacity::Visits(4));
    assert_eq!(teams[1].capacity, WeeklyCapacity::Days(3));
}

#[test]
fn campaign_files_with_mistakes_are_refused_with_the_key_named() {
    let tmp = tempfile::tempdir().unwrap();
    let base = "[campaign]\nid = \"kt-1\"\nname = \"Đợt 1\"\nstart = 2027-03-01\nend = 2027-03-31\nseed = 1\n";
    let team = "\n[[teams]]\nid = \"doan-1\"\nname = \"Đoàn 1\"\nlat = 10.9\nlon = 106.8\nvisits_per_week = 3\n";
    let cases = [
        (format!("{base}colour = 1\n{team}"), "colour"),
        (
            format!("{base}[campaign.size]\nunits = 3\nteam_days = 4\n{team}"),
            "not both",
        ),
        (base.to_string(), "no [[teams]]"),
        (
            format!("{base}{}", team.replace("visits_per_week = 3", "")),
            "visits_per_week",
        ),
        (base.replace("kt-1", "KT 1") + team, "campaign.id"),
        (base.replace("2027-03-01", "2027-02-30") + team, "date"),
    ];
    for (i, (text, wanted)) in cases.iter().enumerate() {
        let path = tmp.path().join(format!("c{i}.toml"));
        std::fs::write(&path, text).unwrap();
        let err = CampaignFile::load(&path)
            .and_then(|f| f.teams().map(|_| f))
            .err();
        let msg = format!("{:#}", err.unwrap_or_else(|| panic!("case {i} accepted")));
        assert!(msg.contains(wanted), "case {i}: {msg}");
    }
    let path = tmp.path().join("late.toml");
    std::fs::write(&path, format!("{base}plan_date = 2027-03-02\n{team}")).unwrap();
    let err = CampaignFile::load(&path)
        .unwrap()
        .campaign(day("2027-01-01"))
        .unwrap_err();
    assert!(
        err.to_string().contains("after the campaign starts"),
        "{err}"
    );
}

#[test]
fn bad_fields_are_refused_one_message_each() {
    let (_keep, mut c) = dong_nai();
    let rules = RuleBook::embedded().unwrap();
    let today = day("2026-11-20");
    let mut r = raw(
        "79.26734",
        "2026-11-25",
        vec![
            finding("jaywalking", "minor", ""),
            finding("networked_machine", "serious", ""),
            finding("networked_machine", "fatal", "2026-12-01"),
        ],
    );
    r.conclusion = "  ".into();
    r.team = "Đoàn 1".into();
    let Err(RecordError::Invalid(e)) = input::parse(&mut c, rules, &scope(), &r, today) else {
        panic!("accepted");
    };
    for field in [
        "don_vi",
        "den_ngay",
        "ket_luan",
        "doan",
        "vp1_loai",
        "vp2_han",
        "vp3_muc_do",
    ] {
        assert!(e.get(field).is_some(), "{field}: {e}");
    }
    // AI misuse is a violation only from 1 March 2026.
    let r = raw(
        "75.26041",
        "2026-02-10",
        vec![finding("ai_misuse", "minor", "")],
    );
    let Err(RecordError::Invalid(e)) = input::parse(&mut c, rules, &scope(), &r, today) else {
        panic!("accepted");
    };
    assert!(e.get("vp1_loai").unwrap().contains("01/03/2026"), "{e}");
    // A good one, recorded once, blank finding rows ignored.
    let r = raw(
        "75.26041",
        "2026-11-02",
        vec![
            finding("networked_machine", "major", "2026-11-10"),
            RawFinding::default(),
        ],
    );
    let new = input::parse(&mut c, rules, &scope(), &r, today).unwrap();
    let id = super::record(&mut c, "tester", &new).unwrap();
    assert!(matches!(
        super::record(&mut c, "tester", &new),
        Err(RecordError::Duplicate { .. })
    ));
    let (row, list) = store::get(&mut c, &id).unwrap().unwrap();
    assert_eq!((row.unit.as_str(), list.len()), ("75.26041", 1));
    let overdue = store::overdue_remediations(&mut c, today).unwrap();
    assert_eq!((overdue.len(), overdue[0].days_overdue), (1, 10));
    assert!(store::overdue_remediations(&mut c, day("2026-11-10"))
        .unwrap()
        .is_empty());
    // The record is evidence: never deleted, never rewritten; remediation recorded once.
    for refused in [
        "DELETE FROM inspection_findings",
        "DELETE FROM inspections",
        "UPDATE inspections SET unit = '75.26044'",
        "UPDATE inspection_findings SET severity = 'minor'",
    ] {
        assert!(c.batch_execute(refused).is_err(), "{refused}");
    }
    assert_eq!(
        store::mark_remediated(&mut c, &id, 1, day("2026-11-15")).unwrap(),
        1
    );
    assert_eq!(
        store::mark_remediated(&mut c, &id, 1, day("2026-11-16")).unwrap(),
        0
    );
    assert!(store::overdue_remediations(&mut c, today)
        .unwrap()
        .is_empty());
}

#[test]
fn a_csv_import_is_all_or_nothing_and_runs_once() {
    let (_keep, mut c) = dong_nai();
    let rules = RuleBook::embedded().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let header = super::import::CSV_HEADER.join(",");
    let good = format!(
        "\u{feff}{header}\n\
         75.26041,QĐ 1/QĐ-BCĐ,2026-10-01,2026-10-02,doan-1,mat,Kết luận,networked_machine,serious,2,2026-12-31,Máy nối mạng\n\
         75.26041,QĐ 1/QĐ-BCĐ,2026-10-01,2026-10-02,doan-1,mat,Kết luận,improper_copying,minor,1,,Sao chụp\n\
         75.26068,QĐ 2/QĐ-BCĐ,2026-10-05,2026-10-05,,mat,Không có vi phạm,,,,,\n"
    );
    let bad = good.replace(
        "75.26068,QĐ 2/QĐ-BCĐ,2026-10-05,2026-10-05",
        "75.26068,QĐ 2/QĐ-BCĐ,2026-10-05,2026-13-05",
    );
    let (gp, bp) = (tmp.path().join("good.csv"), tmp.path().join("bad.csv"));
    std::fs::write(&gp, good).unwrap();
    std::fs::write(&bp, bad).unwrap();
    let today = day("2026-11-20");
    let err = super::import_csv(&mut c, rules, &scope(), &bp, "cli", today).unwrap_err();
    assert!(matches!(err, RecordError::Csv { line: 4, .. }), "{err}");
    assert!(err.to_string().contains("Ngày kết thúc"), "{err}");
    assert!(store::all(&mut c).unwrap().is_empty(), "nothing stored");
    let s = super::import_csv(&mut c, rules, &scope(), &gp, "cli", today).unwrap();
    assert_eq!((s.inspections, s.findings, s.skipped), (2, 2, 0));
    let s = super::import_csv(&mut c, rules, &scope(), &gp, "cli", today).unwrap();
    assert_eq!((s.inspections, s.skipped), (0, 2));
    let series = store::violations_by_year(&mut c, &scope()).unwrap();
    assert_eq!(series[&2026].values().sum::<u64>(), 2);
    assert!(
        store::violations_by_year(&mut c, &UnitId::parse("79").unwrap())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn notices_are_due_from_their_day_until_the_visit_and_sent_once() {
    let (_keep, mut c) = dong_nai();
    let plan = PlanRow {
        id: "kt-1".into(),
        scope: "75".into(),
        campaign: "Đợt 1".into(),
        plan_date: day("2026-11-23"),
        period_start: day("2026-12-01"),
        period_end: day("2026-12-31"),
        seed: u64::MAX.to_string(),
        method: "exact".into(),
        covered_risk: 10.0,
        upper_bound: 12.0,
        created_by: "cli".into(),
        created_at: node::db::now(),
    };
    let notice = NoticeRow {
        plan_id: "kt-1".into(),
        unit: "75.26041".into(),
        due_on: day("2026-12-01"),
        visit_date: day("2026-12-08"),
        recipient: None,
        subject: "Thông báo".into(),
        body: "Kính gửi".into(),
        sent_at: None,
    };
    plans::replace(&mut c, &plan, &[], std::slice::from_ref(&notice)).unwrap();
    plans::replace(&mut c, &plan, &[], std::slice::from_ref(&notice)).unwrap();
    assert_eq!(
        plans::notices_of(&mut c, "kt-1").unwrap().len(),
        1,
        "replaced, not doubled"
    );
    assert_eq!(
        plans::get(&mut c, "kt-1").unwrap().unwrap().seed,
        "18446744073709551615"
    );
    assert!(super::notices_due(&mut c, day("2026-11-30"))
        .unwrap()
        .is_empty());
    assert_eq!(
        super::notices_due(&mut c, day("2026-12-01")).unwrap(),
        vec![notice.clone()]
    );
    assert!(
        super::notices_due(&mut c, day("2026-12-09"))
            .unwrap()
            .is_empty(),
        "after the visit"
    );
    assert!(super::mark_notice_sent(&mut c, "kt-1", "75.26041", node::db::now()).unwrap());
    assert!(!super::mark_notice_sent(&mut c, "kt-1", "75.26041", node::db::now()).unwrap());
    assert!(super::notices_due(&mut c, day("2026-12-02"))
        .unwrap()
        .is_empty());
    assert!(super::run::check_replaceable(&mut c, "kt-1").is_err());
}

#[test]
fn a_unit_inherits_the_findings_of_its_predecessors() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = testdb::open(tmp.path(), "lineage").unwrap();
    let mut c = pool.get().unwrap();
    crate::registry::import_admin_units(&mut c, &scope(), true).unwrap();
    let rules = RuleBook::embedded().unwrap();
    // Phường Trung Dũng (legacy, Biên Hòa) went into Phường Trấn Biên on 1 July 2025.
    let r = raw(
        "75.731.26041",
        "2025-05-02",
        vec![finding("leak_or_loss", "serious", "2025-06-30")],
    );
    let new = input::parse(&mut c, rules, &scope(), &r, day("2026-11-20")).unwrap();
    super::record(&mut c, "tester", &new).unwrap();
    let model = reports::planning::RiskModel::default();
    let scores = super::scores(&mut c, rules, &model, &scope(), day("2026-11-20")).unwrap();
    let s = scores
        .iter()
        .find(|s| s.unit.as_str() == "75.26041")
        .unwrap();
    assert_eq!(s.last_inspection, Some((day("2025-05-02"), None)));
    let f = s
        .score
        .factors
        .iter()
        .find(|f| f.name == "violations:leak_or_loss")
        .unwrap();
    assert_eq!(f.points, 2.0 * 3.0 * 3.0, "serious × violations × kind");
    assert_eq!(
        scores[0].unit.as_str(),
        "75.26041",
        "the highest score first"
    );
    assert!(
        scores.iter().all(|s| s.tier != "district"),
        "only units valid today"
    );
    // Two years on, the finding is out of the look-back window.
    let later = super::scores(&mut c, rules, &model, &scope(), day("2027-06-01")).unwrap();
    let s = later
        .iter()
        .find(|s| s.unit.as_str() == "75.26041")
        .unwrap();
    assert!(!s
        .score
        .factors
        .iter()
        .any(|f| f.name.starts_with("violations:")));
}

#[test]
fn a_notice_without_an_address_is_written_without_to() {
    let n = super::notice::Notice {
        unit: UnitId::parse("75.26041").unwrap(),
        unit_name: "Phường Trấn Biên".into(),
        visit_date: day("2026-12-07"),
        due_on: day("2026-11-30"),
        recipient: None,
        subject: "Thông báo kiểm tra".into(),
        body: "Kính gửi: Phường Trấn Biên".into(),
    };
    let from = "Ban Chỉ đạo <bmnn@congan.dongnai.gov.vn>";
    let eml = String::from_utf8(super::notice::to_eml(&n, from, "kt-1").unwrap()).unwrap();
    assert!(!eml.contains("\r\nTo:"), "{eml}");
    assert!(
        eml.contains("Date: Mon, 30 Nov 2026 01:00:00 +0000"),
        "08:00 in Vietnam: {eml}"
    );
    assert!(
        eml.contains("Message-ID: <kt-1.75.26041@congan.dongnai.gov.vn>"),
        "{eml}"
    );
    assert!(eml.contains("X-BMNN-Unit: 75.26041"));
    let with = super::notice::Notice {
        recipient: Some("bmnn@tranbien.gov.vn".into()),
        ..n.clone()
    };
    let eml2 = String::from_utf8(super::notice::to_eml(&with, from, "kt-1").unwrap()).unwrap();
    assert!(eml2.contains("To: bmnn@tranbien.gov.vn"));
    let bad = super::notice::Notice {
        recipient: Some("not an address".into()),
        ..n
    };
    let err = super::notice::to_eml(&bad, from, "kt-1").unwrap_err();
    assert!(err.to_string().contains("75.26041"), "{err}");
}
