//! The instance of issue 19, rebuilt from what this crate can reach: the demo's Đồng Nai (its
//! 95 communes at their centroids and the Sở Nội vụ at the province's centroid, never
//! inspected but for the demo's four recorded inspections, scored by the default risk model
//! over seeded report histories), the example campaign (`config/campaign.example.toml`) with
//! the size limit removed and `hours_per_day = 6`, its two teams and a third team of 2 at
//! Phường Long Khánh with 3 visits a week. The overdue units exceed the teams' capacity, so
//! the plan must give the random share its visits and fill every other visit with an overdue
//! unit; the capacity, counted here independently, proves that optimal.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use config::units::{AdminUnits, LatLon};
use reports::planning::summary::summarize;
use reports::planning::{
    optimum, plan, pooled_bound, Blackout, Campaign, CampaignSize, Candidate, Coverage,
    LastInspection, Method, PastFinding, Plan, Reason, RiskModel, Selection, SplitMix64, Team,
    TeamId, TravelModel, UnitRecord, WeeklyCapacity,
};
use reports::timeliness::Status;
use schema::{Classification, Severity, UnitId, ViolationKind};

use super::gen::{self, Instance};
use super::properties::check;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn team(id: &str, members: usize, lat: f64, lon: f64, capacity: WeeklyCapacity) -> Team {
    Team {
        id: TeamId::parse(id).unwrap(),
        name: format!("Đoàn kiểm tra số {}", &id[5..]),
        members: (0..members)
            .map(|i| format!("Cán bộ PA03 số {i}"))
            .collect(),
        base: LatLon { lat, lon },
        capacity,
    }
}

/// The demo's four inspections (aggregator/src/cli/demo/seed.rs): unit, last day, team, kind.
const INSPECTED: [(&str, &str, &str, ViolationKind); 4] = [
    (
        "75.26041",
        "2025-09-10",
        "doan-1",
        ViolationKind::ImproperCopying,
    ),
    (
        "75.25210",
        "2025-10-15",
        "doan-2",
        ViolationKind::NetworkedMachine,
    ),
    (
        "75/so-noi-vu",
        "2026-04-08",
        "doan-1",
        ViolationKind::NoInternalRules,
    ),
    ("75.26413", "2026-09-16", "doan-2", ViolationKind::AiMisuse),
];

/// Reports 2021–2025 (some late, some missing) and, for the inspected units, their finding.
fn score(model: &RiskModel, r: &mut SplitMix64, unit: &str, as_of: NaiveDate) -> Candidate {
    let inspected = INSPECTED.iter().find(|i| i.0 == unit);
    let reports = (2021..=2025)
        .map(|y| {
            let s = match r.below(10) {
                0 => Status::Missing,
                1..=3 => Status::Late {
                    working_days: 1 + r.below(9) as u32,
                },
                _ => Status::OnTime,
            };
            (d(&format!("{}-01-15", y + 1)), s)
        })
        .collect();
    let rec = UnitRecord {
        findings: inspected
            .map(|i| PastFinding {
                date: d(i.1),
                kind: i.3,
                severity: Severity::Major,
            })
            .into_iter()
            .collect(),
        incidents: vec![],
        reports,
        gaps: vec![],
        designation: Default::default(),
        highest_classification: Some(Classification::ALL[r.below(3) as usize]),
        last_inspection: inspected.map(|i| d(i.1)),
    };
    Candidate {
        unit: UnitId::parse(unit).unwrap(),
        name: unit.to_string(),
        location: LatLon { lat: 0.0, lon: 0.0 },
        risk: model.score(&rec, as_of),
        last_inspection: inspected.map(|i| LastInspection {
            date: d(i.1),
            team: Some(TeamId::parse(i.2).unwrap()),
        }),
        visit_hours: None,
    }
}

/// The instance, with the campaign's `random_share`.
pub fn instance(random_share: f64) -> Instance {
    let units = AdminUnits::embedded();
    let model = RiskModel::default();
    let as_of = d("2027-02-26");
    let mut r = SplitMix64::new(75);
    let province = UnitId::parse("75").unwrap();
    let mut candidates: Vec<Candidate> = units
        .communes_of(&province)
        .filter_map(|c| {
            let mut cand = score(&model, &mut r, c.id.as_str(), as_of);
            cand.name = c.name.clone();
            cand.location = c.centroid?;
            Some(cand)
        })
        .collect();
    let mut agency = score(&model, &mut r, "75/so-noi-vu", as_of);
    agency.name = "Sở Nội vụ tỉnh Đồng Nai".into();
    agency.location = LatLon {
        lat: 11.4369,
        lon: 107.034,
    };
    candidates.push(agency);
    let teams = vec![
        team("doan-1", 3, 10.9574, 106.8427, WeeklyCapacity::Visits(4)),
        team("doan-2", 2, 11.5349, 107.1326, WeeklyCapacity::Days(3)),
        team("doan-3", 2, 10.9217, 107.288, WeeklyCapacity::Visits(3)),
    ];
    let campaign = Campaign {
        name: "Đợt kiểm tra công tác bảo vệ bí mật nhà nước năm 2027".into(),
        plan_date: d("2027-02-26"),
        start: d("2027-03-08"),
        end: d("2027-04-30"),
        size: CampaignSize::Unlimited,
        coverage: Coverage {
            every_years: Some(5),
            min_gap_months: 12,
            random_share,
        },
        seed: 20270308,
        exclusions: BTreeSet::new(),
        blackouts: vec![Blackout {
            name: "Đại hội Đảng bộ tỉnh".into(),
            from: d("2027-04-12"),
            to: d("2027-04-16"),
        }],
        lead_working_days: 5,
        travel: TravelModel {
            hours_per_day: 6.0,
            ..TravelModel::default()
        },
    };
    Instance {
        campaign,
        teams,
        candidates,
    }
}

/// The most visits any plan can make, counted from the calendar: per team and ISO week, its
/// cap or its available days (a 4-hour visit and the shortest leg do not fit twice in 6 hours).
pub fn capacity(inst: &Instance) -> u32 {
    let c = &inst.campaign;
    let earliest = gen::calendar().add_working_days(c.plan_date, c.lead_working_days as i32);
    let mut days: BTreeMap<(i32, u32), u32> = BTreeMap::new();
    let mut day = c.start.max(earliest);
    while day <= c.end {
        if gen::available(c, day) {
            *days.entry(gen::week_of(day)).or_default() += 1;
        }
        day += Duration::days(1);
    }
    let per_team = |cap: u32| days.values().map(|n| cap.min(*n)).sum::<u32>();
    inst.teams
        .iter()
        .map(|t| match t.capacity {
            WeeklyCapacity::Visits(cap) | WeeklyCapacity::Days(cap) => per_team(cap),
        })
        .sum()
}

fn count(p: &Plan, s: Selection) -> u32 {
    p.trips
        .iter()
        .flat_map(|t| &t.visits)
        .filter(|v| v.selection == s)
        .count() as u32
}

fn eligible(p: &Plan, s: Selection) -> u32 {
    p.classes
        .iter()
        .find(|c| c.selection == s)
        .unwrap()
        .eligible
}

#[test]
fn dong_nai_gives_the_random_share_its_visits_and_every_other_visit_to_overdue_units() {
    let inst = instance(0.1);
    let p = plan(
        gen::calendar(),
        &inst.campaign,
        &inst.teams,
        &inst.candidates,
    )
    .unwrap();
    check(&inst, &p);
    assert_eq!(p.method, Method::Heuristic);
    let k = capacity(&inst);
    assert_eq!(u64::from(k), p.random_draw.capacity, "the visit capacity");
    let quota = (0.1 * f64::from(k)).round() as u32;
    assert_eq!(p.random_draw.quota, quota);
    let random = count(&p, Selection::Random);
    assert_eq!(
        random,
        quota.min(p.random_draw.pool),
        "every random pick visited"
    );
    assert_eq!(p.random_picks.len() as u32, random);
    let mandatory = count(&p, Selection::Mandatory);
    assert!(
        eligible(&p, Selection::Mandatory) > k,
        "overdue units exceed the capacity"
    );
    // No plan visits more than k units: with the random picks all visited, every other visit
    // is an overdue unit, so no plan visits more of them.
    assert_eq!(mandatory, k - random, "{k} visits, {random} random");
    assert_eq!(p.objective.mandatory, mandatory);
    let visits = (random + mandatory) as f64;
    assert!(random as f64 / visits >= 0.1 * 0.9 || p.random_draw.pool < quota);
    let c = &inst.campaign;
    let pooled = pooled_bound(
        gen::calendar(),
        c,
        &inst.teams,
        &inst.candidates,
        p.objective,
    );
    println!(
        "Đồng Nai: capacity {k}, random {random} (quota {quota}, pool {}), mandatory {mandatory} \
         of {}, risk {:.1} ≤ bound {:.1} (pooled {:.1})",
        p.random_draw.pool,
        eligible(&p, Selection::Mandatory),
        p.covered_risk,
        p.upper_bound,
        pooled.unwrap()
    );
}

#[test]
fn dong_nai_without_a_random_share_fills_every_visit_with_overdue_units() {
    let inst = instance(0.0);
    let p = plan(
        gen::calendar(),
        &inst.campaign,
        &inst.teams,
        &inst.candidates,
    )
    .unwrap();
    check(&inst, &p);
    let k = capacity(&inst);
    assert!(p.random_picks.is_empty());
    assert_eq!(
        count(&p, Selection::Mandatory),
        k,
        "the optimum: one overdue unit per visit"
    );
    assert_eq!(
        count(&p, Selection::Risk),
        0,
        "no lower class while an overdue unit fits"
    );
}

#[test]
fn dong_nai_explains_each_class() {
    let inst = instance(0.1);
    let p = plan(
        gen::calendar(),
        &inst.campaign,
        &inst.teams,
        &inst.candidates,
    )
    .unwrap();
    let total: u32 = p.classes.iter().map(|c| c.candidates).sum();
    assert_eq!(total as usize, inst.candidates.len());
    for c in &p.classes {
        let left: u32 = c.left_out.iter().map(|(_, n)| n).sum();
        assert_eq!(c.visited + left, c.candidates, "{:?}", c.selection);
        assert_eq!(c.visited, count(&p, c.selection));
    }
    let mandatory = p
        .classes
        .iter()
        .find(|c| c.selection == Selection::Mandatory)
        .unwrap();
    let no_capacity = mandatory
        .left_out
        .iter()
        .find(|(r, _)| *r == Reason::NoCapacity)
        .map_or(0, |e| e.1);
    assert_eq!(no_capacity, mandatory.eligible - mandatory.visited);
    let s = summarize(&p, &inst.teams);
    let row = s
        .classes
        .iter()
        .find(|r| r.selection_code == "mandatory")
        .unwrap();
    assert_eq!(
        row.sentence_vi,
        format!(
            "Bắt buộc (quá hạn kiểm tra định kỳ): {} đơn vị, {} đủ điều kiện, kiểm tra {}, \
             chưa kiểm tra {no_capacity} (Các đoàn đã kín lịch với đơn vị ưu tiên hơn: \
             {no_capacity}).",
            mandatory.candidates, mandatory.eligible, mandatory.visited
        )
    );
    assert_eq!(s.random_quota, p.random_draw.quota);
    assert!(s.random_share_achieved > 0.0);
    let week = |d: NaiveDate| d.iso_week().week();
    assert!(p.trips.iter().all(|t| week(t.start) != 15), "blackout week");
}

#[test]
fn dong_nai_class_counts_are_the_optimum_and_the_risk_is_near_it() {
    let inst = instance(0.1);
    let (cal, c) = (gen::calendar(), &inst.campaign);
    let p = plan(cal, c, &inst.teams, &inst.candidates).unwrap();
    let o = optimum(
        cal,
        c,
        &inst.teams,
        &inst.candidates,
        Some(p.objective),
        300,
    )
    .unwrap();
    println!(
        "Đồng Nai optimum search: {} relaxations, root {:?}, bound {:?}, proven {}, plan {:?}",
        o.nodes, o.root, o.bound, o.proven, p.objective
    );
    assert!(o.bound >= p.objective);
    assert_eq!(
        (o.bound.random, o.bound.mandatory),
        (3, 67),
        "no plan has more"
    );
    let bound = o.risk_bound(p.objective).unwrap();
    assert!(p.covered_risk <= bound + 0.001 && bound <= p.upper_bound + 0.001);
}
