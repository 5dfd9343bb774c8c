//! Property tests of [`super::tally`] across three tiers: communes file incident reports,
//! annual reports listing their incidents and inspection results; each province counts what it
//! received and sends a consolidated report (or not); the nation receives those, plus any
//! subset of the communes' reports relayed. Every incident and finding must count once at
//! every tier, whatever arrived by which path.

use std::collections::BTreeMap;

use proptest::prelude::*;
use schema::{ReportKind, UnitId, ViolationKind};

use super::*;

const YEAR: i32 = 2026;
const PROVINCES: [&str; 3] = ["75", "79", "01"];

/// One commune's year: incidents (kind, whether an incident report was sent), and findings.
#[derive(Debug, Clone)]
struct Commune {
    incidents: Vec<(usize, bool)>,
    findings: Vec<(usize, u32)>,
    /// Whether its annual report was sent (listing every incident).
    annual: bool,
}

fn commune() -> impl Strategy<Value = Commune> {
    (
        prop::collection::vec((0usize..5, any::<bool>()), 0..4),
        prop::collection::vec((0usize..5, 1u32..4), 0..3),
        any::<bool>(),
    )
        .prop_map(|(incidents, findings, annual)| Commune {
            incidents,
            findings,
            annual,
        })
}

fn kind(i: usize) -> ViolationKind {
    ViolationKind::ALL[i]
}

fn unit(p: &str, c: usize) -> UnitId {
    UnitId::parse(&format!("{p}.{:05}", 26_000 + c)).unwrap()
}

fn blank(id: String, unit: UnitId, kind: ReportKind) -> ReportFigures {
    ReportFigures::new(id, unit, kind, YEAR)
}

/// The reports a commune files.
fn filed(u: &UnitId, c: &Commune) -> Vec<ReportFigures> {
    let mut out = Vec::new();
    let mut annual = blank(format!("{u}-annual"), u.clone(), ReportKind::AnnualReport);
    for (i, (k, sent)) in c.incidents.iter().enumerate() {
        annual.declared += 1;
        if *sent {
            let id = format!("{u}-incident-{i}");
            let mut r = blank(id.clone(), u.clone(), ReportKind::IncidentReport);
            r.incidents = 1;
            r.violations.insert(kind(*k), 1);
            annual.refs.insert(id);
            out.push(r);
        } else {
            annual.listed += 1;
        }
    }
    for (i, (k, n)) in c.findings.iter().enumerate() {
        let mut r = blank(
            format!("{u}-insp-{i}"),
            u.clone(),
            ReportKind::InspectionResult,
        );
        r.violations.insert(kind(*k), u64::from(*n));
        out.push(r);
    }
    if c.annual {
        out.push(annual);
    }
    out
}

/// What is true of a province: incidents known to anyone (sent or listed), violations found.
fn truth(communes: &[Commune]) -> (u64, BTreeMap<ViolationKind, u64>) {
    let mut v = BTreeMap::new();
    let mut n = 0;
    for c in communes {
        for (k, sent) in &c.incidents {
            if *sent || c.annual {
                n += 1;
            }
            if *sent {
                *v.entry(kind(*k)).or_default() += 1;
            }
        }
        for (k, f) in &c.findings {
            *v.entry(kind(*k)).or_default() += u64::from(*f);
        }
    }
    (n, v)
}

fn filter(area: &str, own: &str) -> Filter {
    Filter {
        area: UnitId::parse(area).unwrap(),
        own: UnitId::parse(own).unwrap(),
        only: None,
        tier: None,
    }
}

proptest! {
    #[test]
    fn every_incident_and_finding_counts_once_at_every_tier(
        provinces in prop::collection::vec(prop::collection::vec(commune(), 1..5), 3),
        consolidates in prop::collection::vec(any::<bool>(), 3),
        relay in prop::collection::vec(any::<bool>(), 64),
    ) {
        let mut at_nation = Vec::new();
        let (mut total_n, mut total_v) = (0, BTreeMap::<ViolationKind, u64>::new());
        let mut next = relay.iter().cycle();
        for (p, communes) in PROVINCES.iter().zip(&provinces) {
            let reports: Vec<ReportFigures> = communes
                .iter()
                .enumerate()
                .flat_map(|(i, c)| filed(&unit(p, i), c))
                .collect();
            let (n, v) = truth(communes);
            let t = tally(&reports, &filter(p, p)).remove(&YEAR).unwrap_or_default();
            prop_assert_eq!(t.incidents, n, "province {} incidents", p);
            prop_assert_eq!(&t.violations, &v, "province {} violations", p);
            prop_assert_eq!(t.incidents_by_child.values().sum::<u64>(), n);
            prop_assert_eq!(t.by_child.values().sum::<u64>(), v.values().sum::<u64>());
            total_n += n;
            for (k, x) in &v {
                *total_v.entry(*k).or_default() += x;
            }
            // The nation gets any subset relayed; and a consolidated report, or not.
            let relayed: Vec<ReportFigures> =
                reports.into_iter().filter(|_| *next.next().unwrap()).collect();
            let sends = consolidates[PROVINCES.iter().position(|x| x == p).unwrap()];
            if sends {
                let mut c = blank(format!("{p}-consolidated"), UnitId::parse(p).unwrap(),
                    ReportKind::ConsolidatedReport);
                c.incidents = t.incidents;
                c.violations = t.violations.clone();
                c.units = Some((communes.len() as u32, 0, 0));
                at_nation.push(c);
            } else {
                // Without a consolidated report the nation only knows what was relayed:
                // count the truth as what those reports say, at the province.
                let t = tally(&relayed, &filter(p, p)).remove(&YEAR).unwrap_or_default();
                total_n = total_n - n + t.incidents;
                for (k, x) in &v {
                    *total_v.get_mut(k).unwrap() -= x;
                }
                for (k, x) in &t.violations {
                    *total_v.entry(*k).or_default() += x;
                }
            }
            at_nation.extend(relayed);
        }
        total_v.retain(|_, x| *x > 0);
        let t = tally(&at_nation, &filter("VN", "VN")).remove(&YEAR).unwrap_or_default();
        prop_assert_eq!(t.incidents, total_n);
        prop_assert_eq!(&t.violations, &total_v);
        // Filtered to one province, the nation says what that province said.
        for (i, p) in PROVINCES.iter().enumerate() {
            let (n, _) = truth(&provinces[i]);
            let one = tally(&at_nation, &filter(p, "VN")).remove(&YEAR).unwrap_or_default();
            if consolidates[i] {
                prop_assert_eq!(one.incidents, n);
                prop_assert!(one.covered.contains_key(&UnitId::parse(p).unwrap()));
            }
            prop_assert_eq!(
                t.incidents_by_child.get(&UnitId::parse(p).unwrap()).copied().unwrap_or(0),
                one.incidents
            );
        }
    }

    #[test]
    fn an_incident_named_by_a_received_report_is_not_counted_again(n in 0u64..5, listed in 0u64..3) {
        let u = unit("75", 1);
        let mut reports: Vec<ReportFigures> = (0..n)
            .map(|i| {
                let mut r = blank(format!("i{i}"), u.clone(), ReportKind::IncidentReport);
                r.incidents = 1;
                r
            })
            .collect();
        let mut a = blank("a".into(), u.clone(), ReportKind::AnnualReport);
        a.refs = (0..n).map(|i| format!("i{i}")).collect();
        a.listed = listed;
        a.declared = n + listed;
        reports.push(a);
        let t = tally(&reports, &filter("75", "75")).remove(&YEAR).unwrap_or_default();
        prop_assert_eq!(t.incidents, n + listed);
    }
}

#[test]
fn a_declared_count_is_a_floor_when_incidents_are_not_listed() {
    let u = unit("75", 1);
    let mut a = blank("a".into(), u, ReportKind::AnnualReport);
    a.declared = 3;
    let t = tally(&[a], &filter("75", "75")).remove(&YEAR).unwrap();
    assert_eq!(t.incidents, 3);
}

#[test]
fn a_kind_filter_counts_only_incidents_that_name_the_kind() {
    let u = unit("75", 1);
    let mut r = blank("i".into(), u.clone(), ReportKind::IncidentReport);
    r.incidents = 1;
    r.violations.insert(kind(0), 1);
    let mut f = filter("75", "75");
    f.only = Some(kind(1));
    assert_eq!(tally(&[r.clone()], &f).remove(&YEAR).unwrap().incidents, 0);
    f.only = Some(kind(0));
    assert_eq!(tally(&[r], &f).remove(&YEAR).unwrap().incidents, 1);
}
