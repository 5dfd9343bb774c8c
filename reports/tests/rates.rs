//! Obligations on hand-made scenarios: merges and splits mid-period, units created or
//! dissolved around the period, deadlines to the minute in Asia/Ho_Chi_Minh, lateness across
//! holidays, refused input. Rates tables and exports: `rates_summary.rs`.

use chrono::NaiveDate;
use reports::rates::{
    dues_from_rules, Breakdown, Due, ExemptReason, Filer, ObligationStatus, RatesError, Receipt,
    Relation, StatusMatrix, Succession, UnitRecord, UnitTree,
};
use schema::{ReportKind, ReportingPeriod};

mod rates_support;
use rates_support::*;

fn unit(i: &str, name: &str, from: NaiveDate, to: Option<NaiveDate>) -> UnitRecord {
    UnitRecord::new(id(i), name, from, to)
}

fn whole(from: &str, to: &str, on: NaiveDate) -> Succession {
    Succession {
        from: id(from),
        to: id(to),
        on,
        relation: Relation::Whole,
    }
}

#[test]
fn the_rule_book_gives_dues_per_filer_class() {
    let dues = annual_dues();
    let by = |f| dues.iter().find(|x| x.filer == f).map(|x| x.deadline);
    assert_eq!(by(Filer::Local), Some(d(2026, 12, 10)));
    assert_eq!(by(Filer::Central), Some(d(2026, 12, 20)));
    assert_eq!(by(Filer::Province), None);
    assert_eq!(
        (dues[0].starts, dues[0].ends),
        (d(2025, 12, 15), d(2026, 12, 14))
    );
    let plan = dues_from_rules(rules(), &[ReportKind::ImplementationPlan], 2026..=2026).unwrap();
    assert_eq!(plan.len(), 1);
    assert_eq!(
        (plan[0].filer, plan[0].deadline),
        (Filer::Local, d(2026, 2, 15))
    );
    let cons = dues_from_rules(rules(), &[ReportKind::ConsolidatedReport], 2025..=2025).unwrap();
    assert_eq!(
        (cons[0].filer, cons[0].deadline),
        (Filer::Province, d(2025, 12, 20))
    );
    assert!(matches!(
        dues_from_rules(rules(), &[ReportKind::IncidentReport], 2026..=2026),
        Err(RatesError::Rules(_))
    ));
}

#[test]
fn a_unit_merged_mid_period_is_counted_once() {
    let merged = d(2026, 7, 1);
    let units = vec![
        old("75", "Tỉnh Đồng Nai"),
        unit("75.26001", "Xã Phú Lý", d(2020, 1, 1), Some(d(2026, 6, 30))),
        unit("75.26002", "Xã Mã Đà", d(2020, 1, 1), Some(d(2026, 6, 30))),
        unit("75.26100", "Xã Trị An", merged, None),
    ];
    let succ = [
        whole("75.26001", "75.26100", merged),
        whole("75.26002", "75.26100", merged),
    ];
    let tree = UnitTree::new(units, &succ).unwrap();
    // Both predecessors and the successor reported, the successor twice (an amendment).
    let receipts = [
        receipt("75.26001", ANNUAL, Y2026, "2026-05-02T09:00:00+07:00"),
        receipt("75.26002", ANNUAL, Y2026, "2026-06-02T09:00:00+07:00"),
        receipt("75.26100", ANNUAL, Y2026, "2026-12-09T09:00:00+07:00"),
        receipt("75.26100", ANNUAL, Y2026, "2026-12-15T09:00:00+07:00"),
    ];
    let m = StatusMatrix::compute(&tree, &annual_dues(), &receipts, rules(), at(AFTER)).unwrap();
    let exempt = ObligationStatus::Exempt(ExemptReason::Restructured);
    assert_eq!(m.status(&id("75.26001"), ANNUAL, Y2026), Some(exempt));
    assert_eq!(m.status(&id("75.26002"), ANNUAL, Y2026), Some(exempt));
    let q = m.cell(&id("75.26100"), ANNUAL, Y2026).unwrap();
    assert_eq!(q.status, ObligationStatus::OnTime);
    // The earliest report of the lineage counts: the predecessor's, filed before the merge.
    assert_eq!(q.filed_by, Some(&id("75.26001")));
    let t = m.summary(&query("75", Breakdown::Units)).unwrap();
    assert_eq!(counts(&t.total), (1, 1, 1));
    assert_eq!(t.total.exempt, 2);
    assert_eq!(t.total.received_rate(), Some(100.0));
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows_sum(), t.total);
}

#[test]
fn a_predecessors_report_counts_for_its_successor_and_splits_pass_to_the_default() {
    let on = d(2026, 7, 1);
    let units = vec![
        unit("75.26001", "Xã Phú Lý", d(2020, 1, 1), Some(d(2026, 6, 30))),
        unit("75.26100", "Xã Trị An", on, None),
        unit("75.26200", "Xã Tân An", on, None),
        unit("75.26300", "Xã Cũ", d(2020, 1, 1), Some(d(2026, 3, 31))),
    ];
    let succ = [
        Succession {
            relation: Relation::SplitDefault,
            ..whole("75.26001", "75.26100", on)
        },
        Succession {
            relation: Relation::SplitPart,
            ..whole("75.26001", "75.26200", on)
        },
    ];
    let tree = UnitTree::new(units, &succ).unwrap();
    assert_eq!(tree.current(&id("75.26001")), Some(&id("75.26100")));
    let receipts = [receipt(
        "75.26001",
        ANNUAL,
        Y2026,
        "2026-06-30T16:00:00+07:00",
    )];
    let m = StatusMatrix::compute(&tree, &annual_dues(), &receipts, rules(), at(AFTER)).unwrap();
    assert_eq!(
        m.status(&id("75.26100"), ANNUAL, Y2026),
        Some(ObligationStatus::OnTime)
    );
    // The minor part of the split is new this period: exempt since it did not report.
    assert_eq!(
        m.status(&id("75.26200"), ANNUAL, Y2026),
        Some(ObligationStatus::Exempt(ExemptReason::CreatedMidPeriod))
    );
    assert_eq!(
        m.status(&id("75.26300"), ANNUAL, Y2026),
        Some(ObligationStatus::Exempt(ExemptReason::Dissolved))
    );
    let rows = m.status_rows(&query("75", Breakdown::Units)).unwrap();
    let notes: Vec<_> = rows
        .iter()
        .map(|r| (r.unit.as_str(), r.note.as_str()))
        .collect();
    assert!(notes.contains(&("75.26001", "Nghĩa vụ chuyển cho 75.26100")));
    assert!(notes.contains(&("75.26100", "Nộp qua đơn vị tiền nhiệm 75.26001")));
}

#[test]
fn a_merge_into_an_existing_unit_passes_only_obligations_not_yet_due() {
    let status = |dissolved: NaiveDate| {
        let units = vec![
            old("75.26100", "Xã Trị An"),
            unit("75.26001", "Xã Phú Lý", d(2020, 1, 1), Some(dissolved)),
        ];
        let succ = [whole(
            "75.26001",
            "75.26100",
            dissolved + chrono::Days::new(1),
        )];
        let tree = UnitTree::new(units, &succ).unwrap();
        let r = [receipt(
            "75.26001",
            ANNUAL,
            Y2026,
            "2026-12-01T09:00:00+07:00",
        )];
        let m = StatusMatrix::compute(&tree, &annual_dues(), &r, rules(), at(AFTER)).unwrap();
        let s = |u| m.status(&id(u), ANNUAL, Y2026).unwrap();
        (s("75.26001"), s("75.26100"))
    };
    // Merged mid-period: one obligation, met by the predecessor's report.
    assert_eq!(
        status(d(2026, 6, 30)),
        (
            ObligationStatus::Exempt(ExemptReason::Restructured),
            ObligationStatus::OnTime
        )
    );
    // Merged after the 10 Dec deadline: each owed its own report.
    assert_eq!(
        status(d(2026, 12, 11)),
        (ObligationStatus::OnTime, ObligationStatus::Missing)
    );
}

#[test]
fn units_created_late_in_or_after_the_period_are_not_expected() {
    let units = vec![
        old("75.26001", "Xã Phú Lý"),
        // After the period ended, and after the deadline but before the period's end.
        unit("75.26500", "Xã Mới", d(2026, 12, 20), None),
        unit("75.26600", "Xã Mới Hai", d(2026, 12, 12), None),
        // Created mid-period: exempt unless it reports; this one reports.
        unit("75.26700", "Xã Mới Ba", d(2026, 3, 1), None),
        unit("75.26800", "Xã Mới Bốn", d(2026, 3, 1), None),
    ];
    let tree = UnitTree::new(units, &[]).unwrap();
    let receipts = [
        receipt("75.26500", ANNUAL, Y2026, "2026-12-21T09:00:00+07:00"),
        receipt("75.26700", ANNUAL, Y2026, "2026-12-11T09:00:00+07:00"),
        receipt("79.26734", ANNUAL, Y2026, "2026-12-01T09:00:00+07:00"),
    ];
    let m = StatusMatrix::compute(&tree, &annual_dues(), &receipts, rules(), at(AFTER)).unwrap();
    assert_eq!(m.status(&id("75.26500"), ANNUAL, Y2026), None);
    assert_eq!(m.status(&id("75.26600"), ANNUAL, Y2026), None);
    assert_eq!(
        m.status(&id("75.26700"), ANNUAL, Y2026),
        Some(ObligationStatus::Late { working_days: 1 })
    );
    assert_eq!(
        m.status(&id("75.26800"), ANNUAL, Y2026),
        Some(ObligationStatus::Exempt(ExemptReason::CreatedMidPeriod))
    );
    assert_eq!(m.ignored_receipts(), 1, "the unknown unit's receipt");
    let t = m.summary(&query("VN", Breakdown::Children)).unwrap();
    assert_eq!(counts(&t.total), (2, 1, 0));
    assert_eq!(t.total.missing, 1);
}

fn one_commune_matrix<'t>(tree: &'t UnitTree, received: &[&str], as_of: &str) -> StatusMatrix<'t> {
    let receipts: Vec<Receipt> = received
        .iter()
        .map(|t| receipt("75.26001", ANNUAL, Y2026, t))
        .collect();
    StatusMatrix::compute(tree, &annual_dues(), &receipts, rules(), at(as_of)).unwrap()
}

#[test]
fn nothing_received_is_not_yet_due_until_the_deadline_day_ends() {
    let tree = UnitTree::new(vec![old("75.26001", "Xã Phú Lý")], &[]).unwrap();
    let status = |as_of| {
        one_commune_matrix(&tree, &[], as_of)
            .status(&id("75.26001"), ANNUAL, Y2026)
            .unwrap()
    };
    assert_eq!(
        status("2026-12-01T08:00:00+07:00"),
        ObligationStatus::NotYetDue
    );
    assert_eq!(
        status("2026-12-10T23:59:59+07:00"),
        ObligationStatus::NotYetDue
    );
    assert_eq!(
        status("2026-12-11T00:00:00+07:00"),
        ObligationStatus::Missing
    );
    // A receipt after `as_of` is not seen yet.
    let m = one_commune_matrix(
        &tree,
        &["2026-12-05T08:00:00+07:00"],
        "2026-12-01T08:00:00+07:00",
    );
    assert_eq!(
        m.status(&id("75.26001"), ANNUAL, Y2026),
        Some(ObligationStatus::NotYetDue)
    );
    assert_eq!(m.ignored_receipts(), 1);
    let t = m.summary(&query("75", Breakdown::Children)).unwrap();
    assert_eq!(
        (t.total.expected, t.total.not_yet_due, t.total.received),
        (1, 1, 0)
    );
}

#[test]
fn the_deadline_day_ends_at_midnight_in_ho_chi_minh_city() {
    let tree = UnitTree::new(vec![old("75.26001", "Xã Phú Lý")], &[]).unwrap();
    let status = |t| {
        one_commune_matrix(&tree, &[t], AFTER)
            .status(&id("75.26001"), ANNUAL, Y2026)
            .unwrap()
    };
    assert_eq!(
        status("2026-12-10T23:59:00+07:00"),
        ObligationStatus::OnTime
    );
    assert_eq!(status("2026-12-10T16:59:59Z"), ObligationStatus::OnTime);
    assert_eq!(
        status("2026-12-11T00:00:00+07:00"),
        ObligationStatus::Late { working_days: 1 }
    );
    assert_eq!(
        status("2026-12-10T17:00:00Z"),
        ObligationStatus::Late { working_days: 1 }
    );
}

#[test]
fn lateness_is_counted_in_working_days_across_holidays() {
    let tree = UnitTree::new(vec![old("75.26001", "Xã Phú Lý")], &[]).unwrap();
    let plan = ReportKind::ImplementationPlan;
    let p = ReportingPeriod::Annual(2026);
    let dues = dues_from_rules(rules(), &[plan], 2026..=2026).unwrap();
    let status = |t: &str| {
        let r = [receipt("75.26001", plan, p, t)];
        StatusMatrix::compute(&tree, &dues, &r, rules(), at(AFTER))
            .unwrap()
            .status(&id("75.26001"), plan, p)
            .unwrap()
    };
    // Due Sunday 15 Feb 2026, inside Tết (14–22 Feb): Monday 23 Feb is 1 working day late.
    assert_eq!(
        status("2026-02-23T08:00:00+07:00"),
        ObligationStatus::Late { working_days: 1 }
    );
    assert_eq!(
        status("2026-02-24T08:00:00+07:00"),
        ObligationStatus::Late { working_days: 2 }
    );
    // A due on Wednesday 29 Apr: 30 Apr and 1 May are holidays, 2–3 May a weekend.
    let april = [Due {
        deadline: d(2026, 4, 29),
        ..dues[0].clone()
    }];
    let r = [receipt("75.26001", plan, p, "2026-05-04T10:00:00+07:00")];
    let m = StatusMatrix::compute(&tree, &april, &r, rules(), at(AFTER)).unwrap();
    assert_eq!(
        m.status(&id("75.26001"), plan, p),
        Some(ObligationStatus::Late { working_days: 1 })
    );
}

#[test]
fn bad_input_is_refused_with_a_reason() {
    let dup = UnitTree::new(vec![old("75.26001", "A"), old("75.26001", "B")], &[]);
    assert!(matches!(dup, Err(RatesError::DuplicateUnit(_))));
    let span = UnitTree::new(
        vec![unit("75.26001", "A", d(2026, 1, 2), Some(d(2026, 1, 1)))],
        &[],
    );
    assert!(matches!(span, Err(RatesError::InvalidSpan { .. })));
    let units = || {
        vec![
            old("75.26001", "A"),
            old("75.26002", "B"),
            old("75.26003", "C"),
        ]
    };
    let on = d(2026, 7, 1);
    let circle = [
        whole("75.26001", "75.26002", on),
        whole("75.26002", "75.26001", on),
    ];
    assert!(matches!(
        UnitTree::new(units(), &circle),
        Err(RatesError::Loop {
            what: "successors",
            ..
        })
    ));
    let two = [
        whole("75.26001", "75.26002", on),
        whole("75.26001", "75.26003", on),
    ];
    assert!(matches!(
        UnitTree::new(units(), &two),
        Err(RatesError::AmbiguousSuccessor { .. })
    ));
    let unknown = [whole("75.26001", "75.26009", on)];
    assert!(matches!(
        UnitTree::new(units(), &unknown),
        Err(RatesError::UnknownUnit { .. })
    ));
    let mut a = old("75.26001", "A");
    a.parent = Some(id("75.26002"));
    let mut b = old("75.26002", "B");
    b.parent = Some(id("75.26001"));
    assert!(matches!(
        UnitTree::new(vec![a, b], &[]),
        Err(RatesError::Loop {
            what: "parents",
            ..
        })
    ));
    let tree = UnitTree::new(units(), &[]).unwrap();
    let twice = [annual_dues()[0].clone(), annual_dues()[0].clone()];
    assert!(matches!(
        StatusMatrix::compute(&tree, &twice, &[], rules(), at(AFTER)),
        Err(RatesError::InvalidDue { .. })
    ));
}
