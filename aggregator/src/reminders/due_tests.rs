//! `due` against a real store: who is reminded and who is not (a report from the unit, a
//! predecessor or a successor counts; another period or kind does not; a unit created after
//! the period is left alone; provinces owe the consolidated report), and how items group
//! into mails.

use chrono::NaiveDate;
use config::rules::RuleBook;
use schema::{ReportKind, UnitId};

use super::digest::{group, Audience};
use super::plan::{due, DueItem, Stage};
use crate::registry::EARLIEST;
use crate::store::received::{self, ReceivedRow};
use crate::store::units::{self, SuccessionRow, UnitRow};
use crate::store::AnyConn;

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn unit(c: &mut AnyConn, id: &str, parent: &str, tier: &str, from: NaiveDate, to: Option<&str>) {
    units::insert(
        c,
        &UnitRow {
            id: id.into(),
            name: format!("Đơn vị {id}"),
            kind: "Sở".into(),
            tier: tier.into(),
            parent: parent.into(),
            officer_email: Some(format!("vanthu@{}.example.vn", id.replace(['/', '.'], "-"))),
            head_email: Some(format!(
                "lanhdao@{}.example.vn",
                id.replace(['/', '.'], "-")
            )),
            lat: None,
            lon: None,
            valid_from: from,
            valid_to: to.map(day),
        },
    )
    .unwrap();
}

fn succession(c: &mut AnyConn, from: &str, to: &str, effective: &str) {
    units::insert_succession(
        c,
        &SuccessionRow {
            predecessor: from.into(),
            successor: to.into(),
            effective: day(effective),
            relation: "merge".into(),
            note: String::new(),
        },
    )
    .unwrap();
}

fn report(c: &mut AnyConn, unit: &str, kind: ReportKind, period: &str) {
    received::insert(
        c,
        &ReceivedRow {
            report_id: format!("{unit}-{}-{period}", kind.code()),
            digest: "sha256:x".into(),
            unit: unit.into(),
            kind: kind.code().into(),
            period: period.into(),
            classification: "mat".into(),
            supersedes: None,
            peer: unit.into(),
            // Only what the figures read: the kind, no figures.
            envelope: format!(
                r#"{{"body":{{"payload":{{"kind":"{}","content":{{}}}}}}}}"#,
                kind.code()
            ),
            received_at: "2026-11-20T09:00:00+07:00".into(),
            receipt: "{}".into(),
        },
    )
    .unwrap();
}

fn who(items: &[DueItem]) -> Vec<(String, ReportKind, Stage)> {
    let mut v: Vec<_> = items
        .iter()
        .map(|i| (i.unit.to_string(), i.kind, i.stage))
        .collect();
    v.sort();
    v
}

#[test]
fn a_report_from_the_unit_its_predecessor_or_its_successor_counts_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = crate::store::testdb::open(tmp.path(), "due").unwrap();
    let c = &mut *pool.get().unwrap();
    let rules = RuleBook::embedded().unwrap();
    unit(c, "75", "VN", "province", EARLIEST, None);
    unit(c, "75/so-a", "75", "agency", EARLIEST, None);
    // so-b merged into so-c on 1 Dec, after so-b had reported.
    unit(c, "75/so-b", "75", "agency", EARLIEST, Some("2026-11-30"));
    unit(c, "75/so-c", "75", "agency", day("2026-12-01"), None);
    succession(c, "75/so-b", "75/so-c", "2026-12-01");
    report(c, "75/so-b", ReportKind::AnnualReport, "2026");
    // so-d becomes so-e next year; so-e's node already sent the 2026 report.
    unit(c, "75/so-d", "75", "agency", EARLIEST, Some("2026-12-31"));
    unit(c, "75/so-e", "75", "agency", day("2027-01-01"), None);
    succession(c, "75/so-d", "75/so-e", "2027-01-01");
    report(c, "75/so-e", ReportKind::AnnualReport, "2026");
    // Another period, another kind: still owed.
    unit(c, "75/so-f", "75", "agency", EARLIEST, None);
    report(c, "75/so-f", ReportKind::AnnualReport, "2025");
    unit(c, "75/so-g", "75", "agency", EARLIEST, None);
    report(c, "75/so-g", ReportKind::ImplementationPlan, "2026");

    let scope = UnitId::parse("75").unwrap();
    let items = due(c, rules, &scope, day("2026-12-03"), 2, None).unwrap();
    let b7 = |u: &str| (u.to_string(), ReportKind::AnnualReport, Stage::Before(7));
    assert_eq!(who(&items), [b7("75/so-a"), b7("75/so-f"), b7("75/so-g")]);
    assert_eq!(items[0].deadline, day("2026-12-10"));
    assert!(due(c, rules, &scope, day("2026-12-05"), 2, None)
        .unwrap()
        .is_empty());
    let only_2025 = Some(schema::ReportingPeriod::Annual(2025));
    assert!(due(c, rules, &scope, day("2026-12-03"), 2, only_2025)
        .unwrap()
        .is_empty());
}

#[test]
fn the_nation_reminds_provinces_of_the_consolidated_report_and_spares_units_created_later() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = crate::store::testdb::open(tmp.path(), "duevn").unwrap();
    let c = &mut *pool.get().unwrap();
    let rules = RuleBook::embedded().unwrap();
    unit(c, "75", "VN", "province", EARLIEST, None);
    unit(c, "79", "VN", "province", EARLIEST, None);
    report(c, "79", ReportKind::ConsolidatedReport, "2026");
    unit(c, "TW/bo-cu", "TW", "agency", EARLIEST, None);
    // Created after the 2026 period ended (14 Dec): owes nothing for it.
    unit(c, "TW/bo-moi", "TW", "agency", day("2026-12-15"), None);
    // Mon 21 Dec 2026: the day after the national deadline (20 Dec).
    let items = due(c, rules, &UnitId::national(), day("2026-12-21"), 2, None).unwrap();
    use ReportKind::{AnnualReport as A, ConsolidatedReport as C};
    assert_eq!(
        who(&items),
        [
            ("75".into(), C, Stage::Overdue),
            ("75".into(), C, Stage::Escalation),
            ("TW/bo-cu".into(), A, Stage::Overdue),
            ("TW/bo-cu".into(), A, Stage::Escalation),
        ]
    );
}

fn item(unit: &str, kind: ReportKind, stage: Stage, officer: Option<&str>) -> DueItem {
    DueItem {
        unit: UnitId::parse(unit).unwrap(),
        unit_name: "Sở Tài chính".into(),
        officer: officer.map(str::to_string),
        head: Some("giamdoc@stc.example.vn".into()),
        kind,
        title: "Báo cáo".into(),
        period: schema::ReportingPeriod::Annual(2026),
        span: (day("2025-12-15"), day("2026-12-14")),
        deadline: day("2026-12-10"),
        stage,
        request: None,
    }
}

#[test]
fn items_group_into_one_mail_per_unit_and_one_for_the_committee() {
    use ReportKind::{AnnualReport as A, ImplementationPlan as P};
    let officer = Some("vanthu@stc.example.vn");
    let items = vec![
        item("75/so-tai-chinh", A, Stage::Before(7), officer),
        item("75/so-tai-chinh", P, Stage::Before(7), officer),
        item("75/so-noi-vu", A, Stage::Overdue, officer),
        item("75/so-noi-vu", A, Stage::Escalation, officer),
        item("75/so-y-te", A, Stage::Before(7), None),
    ];
    let committee = crate::mail::mailbox("Ban Chỉ đạo <bcd@example.vn>").unwrap();
    let (digests, skipped) = group(items.clone(), Some(&committee));
    let shape: Vec<(Audience, usize, usize)> = digests
        .iter()
        .map(|d| (d.audience.clone(), d.to.len(), d.items.len()))
        .collect();
    let u = |s: &str| Audience::Unit(UnitId::parse(s).unwrap());
    assert_eq!(
        shape,
        [
            (u("75/so-noi-vu"), 2, 1),    // overdue: officer and head
            (u("75/so-tai-chinh"), 1, 2), // two reports, one mail, officer only
            (u("75/so-y-te"), 1, 1),      // no officer: the head
            (Audience::Committee, 1, 1),
        ]
    );
    assert!(skipped.units.is_empty());
    let (digests, skipped) = group(items, None);
    assert_eq!(digests.len(), 3);
    assert_eq!(skipped.escalations, 1, "no committee configured");
}
