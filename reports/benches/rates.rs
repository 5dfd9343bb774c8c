//! Benchmark of the status matrix and reporting rates (`cargo bench -p reports --bench rates`):
//! 50,000 units (34 provinces; departments, 2025 communes and their agencies; the legacy
//! communes and agencies they replaced on 1 July 2025; central agencies) × 3 report kinds ×
//! 5 period years, about 90 % of obligations reported, some late, 10 % duplicated. Measures
//! indexing the tree, computing the matrix and aggregating rates per province, against a
//! floor: a plain `HashMap` of earliest receipts looked up for every unit, kind and year.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use reports::rates::{
    dues_from_rules, Breakdown, Filer, RateQuery, Receipt, Relation, StatusMatrix, Succession,
    UnitRecord, UnitTree,
};
use schema::{ReportKind, ReportingPeriod, UnitId};

const UNITS: usize = 50_000;
const YEARS: std::ops::RangeInclusive<i32> = 2022..=2026;
const KINDS: [ReportKind; 3] = [
    ReportKind::AnnualReport,
    ReportKind::ImplementationPlan,
    ReportKind::ConsolidatedReport,
];
const RUNS: usize = 5;

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
}

fn id(s: &str) -> UnitId {
    UnitId::parse(s).expect("valid id")
}

/// 34 provinces × (95 departments + 98 communes × (4 agencies + 3 legacy communes × (1 + 2
/// legacy agencies))), central agencies up to `UNITS`.
fn world() -> (Vec<UnitRecord>, Vec<Succession>) {
    let (old, reform, gone) = (d(2015, 1, 1), d(2025, 7, 1), Some(d(2025, 6, 30)));
    let mut units = Vec::with_capacity(UNITS);
    let mut succ = Vec::new();
    for p in 0..34 {
        let prov = format!("{:02}", 10 + p);
        units.push(UnitRecord::new(id(&prov), format!("Tỉnh {p}"), old, None));
        for k in 0..95 {
            let u = id(&format!("{prov}/so-{k}"));
            units.push(UnitRecord::new(u, format!("Sở {k} tỉnh {p}"), old, None));
        }
        for c in 0..98 {
            let commune = format!("{prov}.{:05}", 20000 + c);
            units.push(UnitRecord::new(
                id(&commune),
                format!("Xã {c}"),
                reform,
                None,
            ));
            for a in 0..4 {
                let u = id(&format!("{commune}/co-quan-{a}"));
                units.push(UnitRecord::new(
                    u,
                    format!("Cơ quan {a} xã {c}"),
                    reform,
                    None,
                ));
            }
            for l in 0..3 {
                let legacy = format!("{prov}.{:03}.{:05}", 100 + c / 10, 50000 + c * 3 + l);
                let u = UnitRecord::new(id(&legacy), format!("Xã cũ {c}.{l}"), old, gone);
                succ.push(Succession {
                    from: u.id.clone(),
                    to: id(&commune),
                    on: reform,
                    relation: if l == 2 {
                        Relation::SplitPart
                    } else {
                        Relation::Whole
                    },
                });
                units.push(u);
                for a in 0..2 {
                    let agency = id(&format!("{legacy}/co-quan-{a}"));
                    if a == 0 && l == 0 {
                        succ.push(Succession {
                            from: agency.clone(),
                            to: id(&format!("{commune}/co-quan-0")),
                            on: reform,
                            relation: Relation::Whole,
                        });
                    }
                    units.push(UnitRecord::new(
                        agency,
                        format!("Cơ quan cũ {a}"),
                        old,
                        gone,
                    ));
                }
            }
        }
    }
    let mut k = 0;
    while units.len() < UNITS {
        let u = id(&format!("TW/bo-{k}"));
        units.push(UnitRecord::new(u, format!("Bộ {k}"), old, None));
        k += 1;
    }
    (units, succ)
}

/// About 90 % of (unit, kind, year) pairs a unit's class owes get a receipt between 40 days
/// before and 20 days after the deadline; 10 % of those a later duplicate.
fn receipts(units: &[UnitRecord], rules: &RuleBook) -> Vec<Receipt> {
    let dues = dues_from_rules(rules, &KINDS, YEARS).expect("dues");
    let tz = FixedOffset::east_opt(7 * 3600).expect("offset");
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut out = Vec::new();
    for u in units {
        for due in dues.iter().filter(|x| x.filer == u.filer) {
            if !u.alive_during(due.starts, due.deadline) || rng.below(10) == 0 {
                continue;
            }
            let minutes = rng.below(60 * 24 * 60) as i64 - 40 * 24 * 60;
            let at: DateTime<FixedOffset> = due
                .deadline
                .and_hms_opt(12, 0, 0)
                .expect("noon")
                .and_local_timezone(tz)
                .single()
                .expect("fixed offset")
                + chrono::Duration::minutes(minutes);
            let r = Receipt {
                unit: u.id.clone(),
                kind: due.kind,
                period: due.period,
                received_at: at,
            };
            if rng.below(10) == 0 {
                out.push(Receipt {
                    received_at: at + chrono::Duration::days(2),
                    ..r.clone()
                });
            }
            out.push(r);
        }
    }
    out
}

/// Runs `f` `RUNS` times; returns the fastest and the median.
fn time<T>(mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut v: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let t = Instant::now();
            black_box(f());
            t.elapsed()
        })
        .collect();
    v.sort();
    (v[0], v[RUNS / 2])
}

fn report(what: &str, (min, median): (Duration, Duration)) {
    println!(
        "{what:<58} min {:>8.1} ms   median {:>8.1} ms",
        min.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );
}

fn main() {
    let rules = RuleBook::embedded().expect("embedded rules");
    let (units, succ) = world();
    let receipts = receipts(&units, rules);
    let dues = dues_from_rules(rules, &KINDS, YEARS).expect("dues");
    let as_of = DateTime::parse_from_rfc3339("2026-12-31T12:00:00+07:00").expect("time");
    let pairs: usize = units
        .iter()
        .map(|u| dues.iter().filter(|x| x.filer == u.filer).count())
        .sum();
    println!(
        "{} units ({} successions), {} kinds × {} years = {} unit-kind-years, {} owed by class, {} receipts",
        units.len(),
        succ.len(),
        KINDS.len(),
        YEARS.count(),
        units.len() * KINDS.len() * YEARS.count(),
        pairs,
        receipts.len()
    );

    // Floor: earliest receipt per (unit, kind, period) in a HashMap, then one lookup per
    // unit, kind and year.
    report(
        "floor: HashMap of earliest receipts + lookup loop",
        time(|| {
            let mut first: HashMap<(&UnitId, ReportKind, ReportingPeriod), DateTime<FixedOffset>> =
                HashMap::with_capacity(receipts.len());
            for r in &receipts {
                let e = first
                    .entry((&r.unit, r.kind, r.period))
                    .or_insert(r.received_at);
                if r.received_at < *e {
                    *e = r.received_at;
                }
            }
            let mut found = 0usize;
            for u in &units {
                for kind in KINDS {
                    for y in YEARS {
                        found += usize::from(first.contains_key(&(
                            &u.id,
                            kind,
                            ReportingPeriod::Annual(y),
                        )));
                    }
                }
            }
            found
        }),
    );
    report(
        "UnitTree::new (index units, areas, successions)",
        time(|| UnitTree::new(units.clone(), &succ).expect("tree")),
    );
    let tree = UnitTree::new(units.clone(), &succ).expect("tree");
    report(
        "StatusMatrix::compute",
        time(|| StatusMatrix::compute(&tree, &dues, &receipts, rules, as_of).expect("matrix")),
    );
    let m = StatusMatrix::compute(&tree, &dues, &receipts, rules, as_of).expect("matrix");
    let per_province = |kind, period| RateQuery {
        area: id("VN"),
        kind,
        period,
        breakdown: Breakdown::Children,
    };
    report(
        "rates per province, all kinds and years in one table",
        time(|| m.summary(&per_province(None, None)).expect("summary")),
    );
    report(
        "rates per province, one table per kind and year (15)",
        time(|| {
            dues.iter()
                .filter(|x| x.filer != Filer::Central)
                .map(|x| {
                    m.summary(&per_province(Some(x.kind), Some(x.period)))
                        .expect("summary")
                        .rows
                        .len()
                })
                .sum::<usize>()
        }),
    );
    report(
        "tree + matrix + rates per province (end to end)",
        time(|| {
            let tree = UnitTree::new(units.clone(), &succ).expect("tree");
            let m = StatusMatrix::compute(&tree, &dues, &receipts, rules, as_of).expect("matrix");
            m.summary(&per_province(None, None))
                .expect("summary")
                .rows
                .len()
        }),
    );
    let t = m.summary(&per_province(None, None)).expect("summary");
    println!(
        "{} cells; nation: expected {}, received {}, on time {}, exempt {}; {} rows",
        m.len(),
        t.total.expected,
        t.total.received,
        t.total.on_time,
        t.total.exempt,
        t.rows.len()
    );
}
