//! Property tests of reporting rates over random unit trees, random successions (merges,
//! splits, chains) and random early, late, duplicate and stray receipts: rates never exceed
//! 100 %, every breakdown sums to its area, each unit is counted once per kind and period, and
//! duplicates or reports from outside the expected set never change the figures.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use proptest::prelude::*;
use reports::rates::{
    dues_from_rules, Breakdown, RateQuery, RateTable, Receipt, Relation, StatusMatrix, Succession,
    UnitRecord, UnitTree,
};
use schema::{ReportKind, ReportingPeriod, Tier, UnitId};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn id(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

fn rules() -> &'static RuleBook {
    RuleBook::embedded().unwrap()
}

/// Starts and ends around the 2025 and 2026 periods and deadlines.
fn starts() -> [NaiveDate; 6] {
    [
        d(2020, 1, 1),
        d(2025, 7, 1),
        d(2025, 12, 20),
        d(2026, 3, 1),
        d(2026, 12, 12),
        d(2027, 1, 1),
    ]
}

fn ends() -> [Option<NaiveDate>; 5] {
    [
        None,
        Some(d(2025, 6, 30)),
        Some(d(2025, 12, 31)),
        Some(d(2026, 6, 30)),
        Some(d(2026, 12, 11)),
    ]
}

const KINDS: [ReportKind; 3] = [
    ReportKind::AnnualReport,
    ReportKind::ImplementationPlan,
    ReportKind::ConsolidatedReport,
];

#[derive(Debug, Clone)]
struct World {
    /// Communes per province (1–3 provinces).
    communes: Vec<usize>,
    /// Span choice per unit (cycled over the units).
    spans: Vec<(usize, usize)>,
    /// (from, to, relation 0..3) as indices into the unit list.
    successions: Vec<(usize, usize, u8)>,
    /// (unit index, or stray when out of range; kind; period 2025/2026; hours from deadline).
    receipts: Vec<(usize, usize, bool, i64)>,
    /// `as_of`, hours after 2026-12-10 00:00 +07:00.
    as_of: i64,
}

fn world() -> impl Strategy<Value = World> {
    (
        prop::collection::vec(0usize..6, 1..4),
        prop::collection::vec((0usize..6, 0usize..5), 1..40),
        prop::collection::vec((0usize..60, 0usize..60, 0u8..3), 0..20),
        prop::collection::vec(
            (0usize..70, 0usize..3, any::<bool>(), -9000i64..2000),
            0..80,
        ),
        -8000i64..2000,
    )
        .prop_map(|(communes, spans, successions, receipts, as_of)| World {
            communes,
            spans,
            successions,
            receipts,
            as_of,
        })
}

fn units_of(w: &World) -> Vec<UnitRecord> {
    let mut ids = vec![id("VN")];
    for (p, n) in w.communes.iter().enumerate() {
        let prov = format!("{}", 10 + p);
        ids.push(id(&prov));
        ids.push(id(&format!("{prov}/so-noi-vu")));
        for c in 0..*n {
            let commune = format!("{prov}.{:05}", 26000 + c);
            ids.push(id(&commune));
            if c % 2 == 0 {
                ids.push(id(&format!("{commune}/cong-an")));
            }
        }
    }
    ids.push(id("TW/bo-noi-vu"));
    ids.into_iter()
        .enumerate()
        .map(|(i, u)| {
            let (s, e) = w.spans[i % w.spans.len()];
            let from = starts()[s];
            let to = ends()[e].filter(|t| *t >= from);
            // Áá-style names exercise the collation; the index keeps them unique.
            UnitRecord::new(u, format!("Đơn vị {i} Ấp"), from, to)
        })
        .collect()
}

fn successions_of(w: &World, units: &[UnitRecord]) -> Vec<Succession> {
    let n = units.len();
    let mut has_main = BTreeSet::new();
    let mut out = Vec::new();
    for &(a, b, rel) in &w.successions {
        let (a, b) = (a % n, b % n);
        // Only forward edges: no loops. One main successor per unit: no ambiguity.
        if a >= b {
            continue;
        }
        let relation = [Relation::Whole, Relation::SplitDefault, Relation::SplitPart][rel as usize];
        if relation != Relation::SplitPart && !has_main.insert(a) {
            continue;
        }
        out.push(Succession {
            from: units[a].id.clone(),
            to: units[b].id.clone(),
            on: units[a]
                .valid_to
                .map_or(d(2026, 7, 1), |t| t + Duration::days(1)),
            relation,
        });
    }
    out
}

fn receipts_of(w: &World, units: &[UnitRecord]) -> Vec<Receipt> {
    let base = DateTime::parse_from_rfc3339("2026-12-10T00:00:00+07:00").unwrap();
    w.receipts
        .iter()
        .map(|&(u, k, later, h)| Receipt {
            unit: units
                .get(u)
                .map_or_else(|| id("99.99999"), |r| r.id.clone()),
            kind: KINDS[k],
            period: ReportingPeriod::Annual(if later { 2026 } else { 2025 }),
            received_at: base + Duration::hours(h),
        })
        .collect()
}

fn as_of(w: &World) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-12-10T00:00:00+07:00").unwrap() + Duration::hours(w.as_of)
}

/// Every table of every node, by every breakdown and filter.
fn tables(m: &StatusMatrix<'_>, tree: &UnitTree) -> Vec<RateTable> {
    let mut areas: Vec<UnitId> = tree.units().iter().map(|u| u.id.clone()).collect();
    areas.push(id("TW"));
    let mut out = Vec::new();
    for area in areas {
        for breakdown in [
            Breakdown::Children,
            Breakdown::Units,
            Breakdown::Tier(Tier::Province),
            Breakdown::Tier(Tier::Commune),
        ] {
            for (kind, period) in [
                (None, None),
                (
                    Some(ReportKind::AnnualReport),
                    Some(ReportingPeriod::Annual(2026)),
                ),
            ] {
                let q = RateQuery {
                    area: area.clone(),
                    kind,
                    period,
                    breakdown,
                };
                out.push(m.summary(&q).unwrap());
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn rates_never_exceed_100_percent_and_breakdowns_add_up(w in world()) {
        let units = units_of(&w);
        let succ = successions_of(&w, &units);
        let tree = UnitTree::new(units.clone(), &succ).unwrap();
        let dues = dues_from_rules(rules(), &KINDS, 2025..=2026).unwrap();
        let receipts = receipts_of(&w, &units);
        let m = StatusMatrix::compute(&tree, &dues, &receipts, rules(), as_of(&w)).unwrap();

        // Each unit at most once per kind and period.
        let mut seen = BTreeSet::new();
        for c in m.cells() {
            prop_assert!(seen.insert((c.unit.id.clone(), c.due.kind, c.due.period)));
            prop_assert!(c.status.is_received() == c.received_at.is_some() || !c.status.is_expected());
        }
        for t in tables(&m, &tree) {
            for r in t.rows.iter().chain([&t.total]) {
                prop_assert!(r.received <= r.expected, "{r:?}");
                prop_assert!(r.on_time <= r.received, "{r:?}");
                prop_assert_eq!(r.expected, r.on_time + r.late + r.missing + r.not_yet_due);
                prop_assert!(r.received_rate().is_none_or(|x| (0.0..=100.0).contains(&x)));
                prop_assert!(r.on_time_rate().is_none_or(|x| (0.0..=100.0).contains(&x)));
            }
            prop_assert_eq!(t.rows_sum(), t.total.clone());
        }
        // The nation counts every cell once.
        let all = m.summary(&RateQuery { area: id("VN"), kind: None, period: None, breakdown: Breakdown::Children }).unwrap();
        prop_assert_eq!(all.total.expected + all.total.exempt, m.len() as u64);
        let expected = m.cells().filter(|c| c.status.is_expected()).count() as u64;
        prop_assert_eq!(all.total.expected, expected);
    }

    #[test]
    fn duplicates_and_stray_reports_change_nothing(w in world()) {
        let units = units_of(&w);
        let succ = successions_of(&w, &units);
        let tree = UnitTree::new(units.clone(), &succ).unwrap();
        let dues = dues_from_rules(rules(), &KINDS, 2025..=2026).unwrap();
        let receipts = receipts_of(&w, &units);
        let now = as_of(&w);
        let base = StatusMatrix::compute(&tree, &dues, &receipts, rules(), now).unwrap();

        let mut noisy = receipts.clone();
        // Amendments: the same report again, later.
        for r in &receipts {
            noisy.push(Receipt { received_at: r.received_at + Duration::days(3), ..r.clone() });
        }
        // Reports from units that owe nothing: unknown, or not alive in the period.
        let owe: BTreeSet<(UnitId, ReportKind, ReportingPeriod)> =
            base.cells().map(|c| (c.unit.id.clone(), c.due.kind, c.due.period)).collect();
        for u in &units {
            for kind in KINDS {
                let period = ReportingPeriod::Annual(2026);
                // A predecessor's report counts for its successor, so it is not stray.
                let passes_on = succ.iter().any(|s| s.from == u.id && s.relation != Relation::SplitPart);
                if !owe.contains(&(u.id.clone(), kind, period)) && !passes_on {
                    noisy.push(Receipt { unit: u.id.clone(), kind, period, received_at: now });
                }
            }
        }
        noisy.push(Receipt { unit: id("98.12345"), kind: KINDS[0], period: ReportingPeriod::Annual(2026), received_at: now });
        let m = StatusMatrix::compute(&tree, &dues, &noisy, rules(), now).unwrap();
        prop_assert_eq!(tables(&m, &tree), tables(&base, &tree));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// An oracle for units untouched by any succession: the rules of the module doc, written
    /// out directly.
    #[test]
    fn units_without_successions_follow_the_rules(w in world()) {
        use reports::rates::{ExemptReason, ObligationStatus};
        use reports::timeliness::{judge, Status};
        let units = units_of(&w);
        let succ = successions_of(&w, &units);
        let tree = UnitTree::new(units.clone(), &succ).unwrap();
        let dues = dues_from_rules(rules(), &KINDS, 2025..=2026).unwrap();
        let receipts = receipts_of(&w, &units);
        let now = as_of(&w);
        let m = StatusMatrix::compute(&tree, &dues, &receipts, rules(), now).unwrap();
        let today = now.with_timezone(&config::settings::TIMEZONE).date_naive();
        for u in units.iter().filter(|u| !succ.iter().any(|s| s.from == u.id || s.to == u.id)) {
            for due in dues.iter().filter(|x| x.filer == u.filer) {
                let cell = m.cell(&u.id, due.kind, due.period);
                let cutoff = due.ends.min(due.deadline);
                if !u.alive_during(due.starts, cutoff) {
                    prop_assert!(cell.is_none());
                    continue;
                }
                let first = receipts
                    .iter()
                    .filter(|r| r.unit == u.id && r.kind == due.kind && r.period == due.period)
                    .map(|r| r.received_at)
                    .filter(|t| *t <= now)
                    .min();
                let want = if !u.alive_on(cutoff) {
                    ObligationStatus::Exempt(ExemptReason::Dissolved)
                } else if let Some(t) = first {
                    match judge(rules(), due.deadline, t) {
                        Status::Late { working_days } => ObligationStatus::Late { working_days },
                        _ => ObligationStatus::OnTime,
                    }
                } else if u.valid_from > due.starts {
                    ObligationStatus::Exempt(ExemptReason::CreatedMidPeriod)
                } else if today <= due.deadline {
                    ObligationStatus::NotYetDue
                } else {
                    ObligationStatus::Missing
                };
                prop_assert_eq!(cell.map(|c| c.status), Some(want), "{} {:?}", u.id, due);
            }
        }
    }
}
