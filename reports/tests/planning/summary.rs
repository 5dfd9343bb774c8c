//! Hand-made scenarios: nearby units share a trip, every reason for leaving a unit out, the
//! summary a document is rendered from.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use config::units::LatLon;
use reports::planning::summary::summarize;
use reports::planning::{
    plan, Blackout, Campaign, CampaignSize, Candidate, Coverage, LastInspection, Method, PlanError,
    Reason, RiskScore, Selection, Team, TeamId, TravelModel, WeeklyCapacity,
};
use schema::UnitId;

use super::gen;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

const BASE: LatLon = LatLon {
    lat: 10.9447,
    lon: 106.8243,
};

fn team(id: &str) -> Team {
    Team {
        id: TeamId::parse(id).unwrap(),
        name: "Đoàn kiểm tra Công an tỉnh".into(),
        members: vec!["Lê Văn Hùng".into(), "Phạm Thị Thu".into()],
        base: BASE,
        capacity: WeeklyCapacity::Visits(3),
    }
}

fn unit(code: u32, name: &str, km_north: f64, risk: f64) -> Candidate {
    Candidate {
        unit: UnitId::parse(&format!("75.{code:05}")).unwrap(),
        name: name.into(),
        location: LatLon {
            lat: BASE.lat + km_north / 111.0,
            lon: BASE.lon,
        },
        risk: RiskScore {
            total: risk,
            factors: vec![],
        },
        last_inspection: None,
        visit_hours: Some(3.0),
    }
}

fn campaign() -> Campaign {
    Campaign {
        name: "Kiểm tra năm 2026".into(),
        plan_date: d("2026-02-02"),
        start: d("2026-02-09"),
        end: d("2026-02-27"),
        size: CampaignSize::Unlimited,
        coverage: Coverage {
            every_years: None,
            min_gap_months: 12,
            random_share: 0.0,
        },
        seed: 42,
        exclusions: BTreeSet::new(),
        blackouts: vec![Blackout {
            name: "Tết Nguyên đán Bính Ngọ".into(),
            from: d("2026-02-09"),
            to: d("2026-02-13"),
        }],
        lead_working_days: 5,
        travel: TravelModel::default(),
    }
}

#[test]
fn nearby_units_share_one_trip_after_tet() {
    let units = [
        unit(26001, "Phường Trấn Biên", 20.0, 10.0),
        unit(26002, "Phường Tam Hiệp", 21.0, 8.0),
    ];
    let p = plan(gen::calendar(), &campaign(), &[team("doan-1")], &units).unwrap();
    assert_eq!(p.method, Method::Exact);
    assert_eq!(p.trips.len(), 1, "{:?}", p.trips);
    let trip = &p.trips[0];
    assert_eq!(trip.visits.len(), 2);
    assert_eq!(trip.days, 1);
    // 9–13 Feb is blacked out, 14–22 Feb is Tết: the first working day is Monday 23 Feb.
    assert_eq!(trip.start, d("2026-02-23"));
    assert_eq!(p.covered_risk, 18.0);
}

#[test]
fn every_reason_is_explained_in_vietnamese() {
    let mut c = campaign();
    let mut units = vec![
        unit(26001, "Xã Đại Phước", 5.0, 30.0),
        unit(26002, "Xã Phú Hội", 6.0, 20.0),
        unit(26003, "Xã Long Tân", 7.0, 25.0),
        unit(26004, "Đặc khu Côn Đảo", 2000.0, 50.0),
        unit(26005, "Xã Phước Thiền", 8.0, 5.0),
        unit(26006, "Xã Nhơn Trạch", 9.0, 1.0),
        unit(26007, "Xã Long Thọ", 9.5, 0.5),
        unit(26008, "Xã Phước An", 9.6, 0.4),
    ];
    c.exclusions.insert(units[1].unit.clone());
    units[2].last_inspection = Some(LastInspection {
        date: d("2025-10-01"),
        team: None,
    });
    units[4].last_inspection = Some(LastInspection {
        date: d("2020-01-01"),
        team: Some(TeamId::parse("doan-1").unwrap()),
    });
    let teams = [team("doan-1")];
    let p = plan(gen::calendar(), &c, &teams, &units).unwrap();
    let reason = |code: u32| {
        let id = UnitId::parse(&format!("75.{code:05}")).unwrap();
        p.unscheduled
            .iter()
            .find(|u| u.unit == id)
            .map(|u| u.reason)
    };
    assert_eq!(reason(26001), None, "visited");
    assert_eq!(reason(26002), Some(Reason::Excluded));
    assert_eq!(
        reason(26003),
        Some(Reason::InspectedRecently {
            next_allowed: d("2026-10-01")
        })
    );
    assert!(matches!(reason(26004), Some(Reason::TooFar { .. })));
    assert_eq!(reason(26005), Some(Reason::OnlyPreviousTeam));
    // One week of three visits: the two lowest risks wait.
    assert_eq!(reason(26008), Some(Reason::NoCapacity));
    let s = summarize(&p, &teams);
    assert_eq!(s.seed, 42);
    assert_eq!(s.teams.len(), 1);
    assert_eq!(s.teams[0].visits.len(), 3);
    assert!(s.teams[0].visits.windows(2).all(|w| w[0].date <= w[1].date));
    let row = s
        .unscheduled
        .iter()
        .find(|r| r.reason_code == "inspected_recently")
        .unwrap();
    assert_eq!(
        row.reason_vi,
        "Mới được kiểm tra, chỉ kiểm tra lại từ ngày 01/10/2026"
    );
    assert!(s.unscheduled.iter().all(|r| !r.reason_vi.is_empty()));
    assert!(s.covered_risk <= s.upper_bound + 1e-9);
    assert_eq!(s.method_vi, "Tối ưu (quy hoạch động)");
}

#[test]
fn the_lead_time_and_the_campaign_size_are_reasons_too() {
    let mut c = campaign();
    c.lead_working_days = 60;
    let units = [unit(26001, "Xã Đại Phước", 5.0, 30.0)];
    let p = plan(gen::calendar(), &c, &[team("doan-1")], &units).unwrap();
    assert!(matches!(p.unscheduled[0].reason, Reason::LeadTime { .. }));
    let mut c = campaign();
    c.size = CampaignSize::Units(1);
    let units = [
        unit(26001, "Xã A", 5.0, 3.0),
        unit(26002, "Xã B", 50.0, 9.0),
    ];
    let p = plan(gen::calendar(), &c, &[team("doan-1")], &units).unwrap();
    assert_eq!(p.trips.len(), 1);
    assert_eq!(p.trips[0].visits[0].name, "Xã B", "the riskier one");
    assert_eq!(p.unscheduled[0].reason, Reason::CampaignFull);
}

#[test]
fn mandatory_units_come_before_riskier_ones_and_seeds_pick_at_random() {
    let mut c = campaign();
    c.coverage.every_years = Some(3);
    c.size = CampaignSize::Units(1);
    let mut units = vec![
        unit(26001, "Xã A", 5.0, 1.0),
        unit(26002, "Xã B", 6.0, 50.0),
    ];
    units[1].last_inspection = Some(LastInspection {
        date: d("2025-01-10"),
        team: None,
    });
    let p = plan(gen::calendar(), &c, &[team("doan-1")], &units).unwrap();
    assert_eq!(
        p.trips[0].visits[0].name, "Xã A",
        "never inspected: mandatory"
    );
    assert_eq!(p.trips[0].visits[0].selection, Selection::Mandatory);
    // Random picks: a quarter of the capacity, drawn with the seed.
    let mut c = campaign();
    c.end = d("2026-06-30");
    c.size = CampaignSize::Units(40);
    c.coverage.random_share = 0.25;
    let units: Vec<_> = (0..40)
        .map(|i| unit(26000 + i, &format!("Xã số {i}"), 1.0 + f64::from(i), 1.0))
        .collect();
    let picks = |seed| {
        let mut c = c.clone();
        c.seed = seed;
        plan(gen::calendar(), &c, &[team("doan-1")], &units)
            .unwrap()
            .random_picks
    };
    assert_eq!(picks(1), picks(1));
    assert_ne!(picks(1), picks(2));
    assert_eq!(picks(1).len(), 10, "a quarter of 40 visits' capacity");
}

#[test]
fn bad_inputs_are_refused_with_clear_errors() {
    let cal = gen::calendar();
    let units = [unit(26001, "Xã A", 5.0, 3.0)];
    let mut twice = units.to_vec();
    twice.push(units[0].clone());
    let err = plan(cal, &campaign(), &[team("doan-1")], &twice).unwrap_err();
    assert_eq!(
        err.to_string(),
        "unit `75.26001` is listed twice among the candidates"
    );
    let err = plan(cal, &campaign(), &[], &units).unwrap_err();
    assert_eq!(err, PlanError::NoTeam);
    let mut c = campaign();
    c.end = d("2026-01-01");
    assert!(matches!(
        plan(cal, &c, &[team("doan-1")], &units),
        Err(PlanError::EmptyPeriod { .. })
    ));
    let mut c = campaign();
    c.coverage.random_share = 1.5;
    let err = plan(cal, &c, &[team("doan-1")], &units).unwrap_err();
    assert!(err.to_string().contains("coverage.random_share"), "{err}");
    assert!(TeamId::parse("Đoàn 1").is_err());
    // No candidates at all: an empty plan, not an error.
    let p = plan(cal, &campaign(), &[team("doan-1")], &[]).unwrap();
    assert!(p.trips.is_empty() && p.unscheduled.is_empty());
    assert_eq!(p.upper_bound, 0.0);
}
