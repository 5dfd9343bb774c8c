//! Inspection planning benchmark (`cargo bench -p reports --bench planning`): a province-year
//! (Đồng Nai's real communes, ~250 units, 4 teams) and a national plan (every 2025 commune,
//! ~20,000 units, 100 teams), each timed, its covered risk compared with the per-team upper
//! bound and with the pooled bound it replaced (the baseline), its random share reported,
//! and on the province the optimum search (`planning::optimum`: the optimum or a tighter bound);
//! plus the heuristic against the exact optimum, and the optimum against the bound, on small
//! instances. Risk scores come from the
//! real risk model over synthetic histories; everything is seeded.

use std::collections::BTreeSet;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use config::rules::RuleBook;
use config::units::{AdminUnits, LatLon, Unit};
use reports::planning::{
    optimum, plan, plan_with, pooled_bound, Blackout, Campaign, CampaignSize, Candidate,
    ComplianceGap, Coverage, Designation, LastInspection, Method, PastFinding, Plan, Reason,
    RiskModel, Selection, Solver, SplitMix64, Team, TeamId, TravelModel, UnitRecord,
    WeeklyCapacity,
};
use reports::timeliness::Status;
use schema::{Classification, Severity, UnitId, ViolationKind};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const AGENCIES: [&str; 6] = [
    "ubnd",
    "cong-an",
    "quan-su",
    "van-phong-dang-uy",
    "truong-thpt",
    "tram-y-te",
];

/// A synthetic history scored by the real risk model.
fn record(r: &mut SplitMix64, as_of: NaiveDate) -> (UnitRecord, Option<NaiveDate>) {
    let days_ago = |r: &mut SplitMix64, max: u64| as_of - Duration::days(r.below(max) as i64 + 1);
    let findings = (0..r.below(4))
        .map(|_| PastFinding {
            date: days_ago(r, 900),
            kind: ViolationKind::ALL[r.below(ViolationKind::ALL.len() as u64) as usize],
            severity: [Severity::Minor, Severity::Major, Severity::Serious][r.below(3) as usize],
        })
        .collect();
    let incidents = (0..u64::from(r.below(20) == 0))
        .map(|_| days_ago(r, 700))
        .collect();
    let reports = (0..2)
        .map(|y| {
            let s = match r.below(10) {
                0 => Status::Missing,
                1 | 2 => Status::Late { working_days: 2 },
                _ => Status::OnTime,
            };
            (as_of - Duration::days(200 + 365 * y), s)
        })
        .collect();
    let all_gaps = [
        ComplianceGap::NoInternalRules,
        ComplianceGap::NoAssignedStaff,
        ComplianceGap::UnstampedComputers(1 + r.below(4) as u32),
        ComplianceGap::NoSecureUsb,
        ComplianceGap::NoTraining,
    ];
    let gaps = all_gaps.into_iter().filter(|_| r.below(6) == 0).collect();
    let last = (r.below(5) != 0).then(|| days_ago(r, 6 * 365));
    let rec = UnitRecord {
        findings,
        incidents,
        reports,
        gaps,
        designation: if r.below(8) == 0 {
            Designation::KeyOrConfidential
        } else {
            Designation::Ordinary
        },
        highest_classification: Some(Classification::ALL[r.below(4) as usize]),
        last_inspection: last,
    };
    (rec, last)
}

fn candidates(
    communes: &[&Unit],
    per_commune: usize,
    teams: &[Team],
    seed: u64,
    as_of: NaiveDate,
) -> Vec<Candidate> {
    let mut r = SplitMix64::new(seed);
    let model = RiskModel::default();
    let mut out = Vec::new();
    for c in communes {
        let Some(loc) = c.centroid else { continue };
        for a in AGENCIES.iter().take(per_commune) {
            let (rec, last) = record(&mut r, as_of);
            let jitter = |r: &mut SplitMix64| (r.below(2001) as f64 / 1000.0 - 1.0) * 0.01;
            out.push(Candidate {
                unit: UnitId::parse(&format!("{}/{a}", c.id)).unwrap(),
                name: format!("{} — {a}", c.name),
                location: LatLon {
                    lat: loc.lat + jitter(&mut r),
                    lon: loc.lon + jitter(&mut r),
                },
                risk: model.score(&rec, as_of),
                last_inspection: last.map(|date| LastInspection {
                    date,
                    team: (r.below(2) == 0)
                        .then(|| teams[r.below(teams.len() as u64) as usize].id.clone()),
                }),
                visit_hours: None,
            });
        }
    }
    out
}

fn team(id: String, name: String, base: LatLon, per_week: u32) -> Team {
    Team {
        id: TeamId::parse(&id).unwrap(),
        name,
        members: vec![
            "Trưởng đoàn".into(),
            "Cán bộ PA03".into(),
            "Cán bộ PA03".into(),
        ],
        base,
        capacity: WeeklyCapacity::Visits(per_week),
    }
}

fn campaign(name: &str) -> Campaign {
    Campaign {
        name: name.into(),
        plan_date: d("2026-12-15"),
        start: d("2027-01-04"),
        end: d("2027-12-24"),
        size: CampaignSize::Unlimited,
        coverage: Coverage {
            every_years: Some(5),
            min_gap_months: 12,
            random_share: 0.05,
        },
        seed: 20270104,
        exclusions: BTreeSet::new(),
        blackouts: vec![
            Blackout {
                name: "Trước và sau Tết Nguyên đán Đinh Mùi".into(),
                from: d("2027-01-29"),
                to: d("2027-02-12"),
            },
            Blackout {
                name: "Đại hội Đảng bộ (giả định)".into(),
                from: d("2027-09-20"),
                to: d("2027-09-24"),
            },
        ],
        lead_working_days: 10,
        travel: TravelModel::default(),
    }
}

fn report(label: &str, n: usize, teams: usize, p: &Plan, secs: f64, pooled: f64) {
    let visits: usize = p.trips.iter().map(|t| t.visits.len()).sum();
    let left = |s: Selection| {
        p.unscheduled
            .iter()
            .filter(|u| u.selection == s && u.reason == Reason::NoCapacity)
            .count()
    };
    println!(
        "{label}: {n} units, {teams} teams, {:?}: {secs:.3} s; {visits} visits in {} trips; \
         covered risk {:.1}; new bound {:.1} ({:.1} %); pooled bound {:.1} ({:.1} %); \
         mandatory visited {} (left out for capacity: {}); random {} of {} drawn (quota {} of \
         capacity {}, pool {}) = {:.1} % of visits; unscheduled {}",
        p.method,
        p.trips.len(),
        p.covered_risk,
        p.upper_bound,
        100.0 * p.bound_ratio(),
        pooled,
        100.0 * p.covered_risk / pooled.max(1e-9),
        p.objective.mandatory,
        left(Selection::Mandatory),
        p.objective.random,
        p.random_draw.drawn,
        p.random_draw.quota,
        p.random_draw.capacity,
        p.random_draw.pool,
        100.0 * f64::from(p.objective.random) / visits.max(1) as f64,
        p.unscheduled.len()
    );
}

/// Plans and reports one instance, with the pooled bound as the baseline; with `exact`, also
/// the branch and bound over the weekly assignment relaxation (at most that many nodes).
fn run(label: &str, c: &Campaign, teams: &[Team], cands: &[Candidate], exact: Option<usize>) {
    let cal = RuleBook::embedded().unwrap().calendar();
    let t0 = Instant::now();
    let p = plan(cal, c, teams, cands).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let pooled = pooled_bound(cal, c, teams, cands, p.objective).unwrap();
    report(label, cands.len(), teams.len(), &p, secs, pooled);
    let Some(max_nodes) = exact else { return };
    let t0 = Instant::now();
    let o = optimum(cal, c, teams, cands, Some(p.objective), max_nodes).unwrap();
    let secs = t0.elapsed().as_secs_f64();
    let risk = |o: reports::planning::Objective| o.risk_milli as f64 / 1000.0;
    let gap = o
        .risk_bound(p.objective)
        .map_or("classes not certified".into(), |b| {
            format!("{:.2} %", 100.0 * (1.0 - risk(p.objective) / b.max(1e-9)))
        });
    println!(
        "  optimum search: {secs:.2} s, {} relaxations; root {:?} (risk {:.1}); bound {:?} \
         (risk {:.1}); proven {} ({}); plan {:?} (risk {:.1}); gap {gap}",
        o.nodes,
        o.root,
        risk(o.root),
        o.bound,
        risk(o.bound),
        o.proven,
        if o.plan.is_some() {
            "by a plan of the search"
        } else {
            "the heuristic's plan"
        },
        p.objective,
        risk(p.objective),
    );
}

fn main() {
    let cal = RuleBook::embedded().unwrap().calendar();
    let units = AdminUnits::embedded();
    let as_of = d("2026-12-15");

    // Province-year: Đồng Nai (75), teams at Phường Trấn Biên.
    let province = UnitId::parse("75").unwrap();
    let communes: Vec<&Unit> = units.communes_of(&province).collect();
    let base = LatLon {
        lat: 10.938,
        lon: 106.835,
    };
    let teams: Vec<Team> = (1..=4)
        .map(|i| {
            team(
                format!("pa03-doan-{i}"),
                format!("Đoàn kiểm tra số {i}"),
                base,
                1,
            )
        })
        .collect();
    let per = 250usize.div_ceil(communes.len()).min(AGENCIES.len());
    let cands = candidates(&communes, per, &teams, 1, as_of);
    let c = campaign("Kiểm tra bảo vệ bí mật nhà nước tỉnh Đồng Nai năm 2027");
    run("province-year (Đồng Nai)", &c, &teams, &cands, Some(300));
    // The same province with a team away at most 3 days a week, 6-hour days.
    let mut mixed = teams.clone();
    mixed[3].capacity = WeeklyCapacity::Days(3);
    mixed[3].base = LatLon {
        lat: 11.5349,
        lon: 107.1326,
    };
    let mut c6 = c.clone();
    c6.travel.hours_per_day = 6.0;
    run(
        "province-year, days-per-week team, 6-hour days",
        &c6,
        &mixed,
        &cands,
        Some(300),
    );

    // National: every 2025 commune, 6 units each; ~3 teams per province.
    let all: Vec<&Unit> = units.communes().iter().collect();
    let mut teams = Vec::new();
    for (k, prov) in units.provinces().iter().enumerate() {
        let cs: Vec<&Unit> = units
            .communes_of(&prov.id)
            .filter(|c| c.centroid.is_some())
            .collect();
        let n = if k < 32 { 3 } else { 2 };
        for j in 0..n {
            let c = cs[j * cs.len() / n];
            teams.push(team(
                format!("t{}-{}", prov.id, j + 1),
                format!("Đoàn {} — {}", j + 1, prov.name),
                c.centroid.unwrap(),
                3,
            ));
        }
    }
    let cands = candidates(&all, 6, &teams, 2, as_of);
    let c = campaign("Kiểm tra toàn quốc năm 2027");
    run("national", &c, &teams, &cands, None);

    // Heuristic against the exact optimum: 9 units of a province, 2 teams, 3 weeks.
    let mut ratios = Vec::new();
    let (mut same_classes, mut gaps) = (0, Vec::new());
    let t0 = Instant::now();
    for seed in 0..40u64 {
        let mut r = SplitMix64::new(seed);
        let picked: Vec<&Unit> = (0..9)
            .map(|_| communes[r.below(communes.len() as u64) as usize])
            .collect();
        let teams: Vec<Team> = (1..=2)
            .map(|i| team(format!("d{i}"), format!("Đoàn {i}"), base, 2))
            .collect();
        let mut cands = candidates(&picked, 1, &teams, seed, as_of);
        cands.sort_by(|a, b| a.unit.cmp(&b.unit));
        cands.dedup_by(|a, b| a.unit == b.unit);
        let mut c = campaign("nhỏ");
        c.start = d("2027-03-01");
        c.end = d("2027-03-19");
        let e = plan(cal, &c, &teams, &cands).unwrap();
        let h = plan_with(cal, &c, &teams, &cands, Solver::Heuristic).unwrap();
        assert_eq!(e.method, Method::Exact);
        let classes = |p: &Plan| (p.objective.random, p.objective.mandatory);
        same_classes += usize::from(classes(&e) == classes(&h));
        if e.covered_risk > 0.0 {
            gaps.push(e.covered_risk / e.upper_bound);
        }
        if e.objective.risk_milli > 0 && e.objective.mandatory == h.objective.mandatory {
            ratios.push(h.objective.risk_milli as f64 / e.objective.risk_milli as f64);
        }
    }
    let mean = ratios.iter().sum::<f64>() / ratios.len().max(1) as f64;
    let worst = ratios.iter().copied().fold(1.0, f64::min);
    println!(
        "small (9 units, 2 teams, 3 weeks) x40: heuristic / exact covered risk mean {:.1} %, worst {:.1} % ({} comparable); {:.2} s in all",
        100.0 * mean,
        100.0 * worst,
        ratios.len(),
        t0.elapsed().as_secs_f64()
    );
    let mean_gap = gaps.iter().sum::<f64>() / gaps.len().max(1) as f64;
    let worst_gap = gaps.iter().copied().fold(1.0, f64::min);
    println!(
        "small x40: heuristic has the exact class counts (random, mandatory) in {same_classes} of \
         40; exact optimum / new bound mean {:.1} %, worst {:.1} %",
        100.0 * mean_gap,
        100.0 * worst_gap
    );
}
