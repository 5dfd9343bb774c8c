//! Random planning instances on the real calendar (holidays of 2026, Tết included), and the
//! problem's rules restated independently of the planner: available days, release dates,
//! mandatory units and the timeline of a trip.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, Months, NaiveDate};
use config::rules::{Calendar, RuleBook};
use config::units::LatLon;
use reports::planning::geo::Travel;
use reports::planning::{
    Blackout, Campaign, CampaignSize, Candidate, Coverage, LastInspection, RiskScore, SplitMix64,
    Team, TeamId, TravelModel, WeeklyCapacity,
};
use schema::UnitId;

pub fn calendar() -> &'static Calendar {
    RuleBook::embedded().unwrap().calendar()
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub campaign: Campaign,
    pub teams: Vec<Team>,
    pub candidates: Vec<Candidate>,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// An instance with up to `max_units` units, `max_teams` teams and `weeks` weeks.
pub fn instance(seed: u64, max_units: usize, max_teams: usize, weeks: u32) -> Instance {
    let mut r = SplitMix64::new(seed);
    let mut pick = |n: u64| r.below(n);
    // Around Tết 2026 (17 Feb), 30/4–1/5, 2/9, and ordinary weeks.
    let starts = [
        date(2026, 2, 9),
        date(2026, 4, 27),
        date(2026, 8, 31),
        date(2026, 3, 16),
        date(2026, 10, 5),
    ];
    let start = starts[pick(starts.len() as u64) as usize] + Duration::days(pick(4) as i64);
    let end = start + Duration::days(i64::from(weeks) * 7 - 1);
    let plan_date = start - Duration::days(pick(10) as i64);
    let n_teams = 1 + pick(max_teams as u64) as usize;
    let centre = LatLon {
        lat: 10.95,
        lon: 106.82,
    };
    let jitter =
        |p: &mut dyn FnMut(u64) -> u64, spread: f64| (p(2001) as f64 / 1000.0 - 1.0) * spread;
    let teams: Vec<Team> = (0..n_teams)
        .map(|i| Team {
            id: TeamId::parse(&format!("doan-{}", i + 1)).unwrap(),
            name: format!("Đoàn kiểm tra số {}", i + 1),
            members: vec![format!("Nguyễn Văn {}", i + 1), "Trần Thị Hà".into()],
            base: LatLon {
                lat: centre.lat + jitter(&mut pick, 0.3),
                lon: centre.lon + jitter(&mut pick, 0.3),
            },
            capacity: if pick(2) == 0 {
                WeeklyCapacity::Visits(1 + pick(4) as u32)
            } else {
                WeeklyCapacity::Days(1 + pick(4) as u32)
            },
        })
        .collect();
    let n_units = 1 + pick(max_units as u64) as usize;
    let mut exclusions = BTreeSet::new();
    let candidates: Vec<Candidate> = (0..n_units)
        .map(|i| {
            let unit = UnitId::parse(&format!("75.{:05}", 26000 + i)).unwrap();
            if pick(10) == 0 {
                exclusions.insert(unit.clone());
            }
            let last_inspection = (pick(10) >= 3).then(|| LastInspection {
                date: start - Duration::days(pick(6 * 365) as i64),
                team: match pick(3) {
                    0 => Some(teams[pick(teams.len() as u64) as usize].id.clone()),
                    1 => Some(TeamId::parse("doan-cu").unwrap()),
                    _ => None,
                },
            });
            Candidate {
                unit,
                name: format!("Xã Phước Tân {}", i + 1),
                location: LatLon {
                    lat: centre.lat + jitter(&mut pick, 0.6),
                    lon: centre.lon + jitter(&mut pick, 0.6),
                },
                risk: RiskScore {
                    total: pick(600) as f64 / 10.0,
                    factors: vec![],
                },
                last_inspection,
                visit_hours: [None, Some(2.0), Some(3.0), Some(6.0)][pick(4) as usize],
            }
        })
        .collect();
    let every_years = [None, Some(2), Some(3), Some(5)][pick(4) as usize];
    let min_gap_months = pick(19) as u32;
    let min_gap_months =
        every_years.map_or(min_gap_months, |n: u32| min_gap_months.min(n * 12 - 1));
    let blackouts = (0..pick(3))
        .map(|k| {
            let from = start + Duration::days(pick(i64::from(weeks) as u64 * 7) as i64);
            Blackout {
                name: ["Tết Nguyên đán", "Đại hội Đảng bộ tỉnh"][k as usize % 2].into(),
                from,
                to: from + Duration::days(pick(4) as i64),
            }
        })
        .collect();
    let size = match pick(4) {
        0 => CampaignSize::Units(1 + pick(n_units as u64) as u32),
        1 => CampaignSize::TeamDays(1 + pick(6) as u32),
        _ => CampaignSize::Unlimited,
    };
    let campaign = Campaign {
        name: "Kiểm tra việc chấp hành pháp luật về bảo vệ bí mật nhà nước".into(),
        plan_date,
        start,
        end,
        size,
        coverage: Coverage {
            every_years,
            min_gap_months,
            random_share: [0.0, 0.2, 0.5][pick(3) as usize],
        },
        seed: pick(1 << 32),
        exclusions,
        blackouts,
        lead_working_days: pick(7) as u32,
        travel: TravelModel {
            speed_kmh: 30.0 + pick(31) as f64,
            road_factor: 1.2 + pick(4) as f64 / 10.0,
            hours_per_day: 8.0,
            max_trip_days: 1 + pick(3) as u32,
            visit_hours: 4.0,
        },
    };
    Instance {
        campaign,
        teams,
        candidates,
    }
}

/// A day a team may be away: a working day of the period outside every blackout.
pub fn available(c: &Campaign, d: NaiveDate) -> bool {
    c.start <= d
        && d <= c.end
        && calendar().is_working_day(d)
        && !c.blackouts.iter().any(|b| b.from <= d && d <= b.to)
}

/// The first day a unit may be visited.
pub fn release(c: &Campaign, cand: &Candidate) -> NaiveDate {
    let lead = calendar().add_working_days(c.plan_date, c.lead_working_days as i32);
    let mut r = lead.max(c.start);
    if let Some(l) = &cand.last_inspection {
        r = r.max(
            l.date
                .checked_add_months(Months::new(c.coverage.min_gap_months))
                .unwrap(),
        );
    }
    r
}

pub fn mandatory(c: &Campaign, cand: &Candidate) -> bool {
    match (c.coverage.every_years, &cand.last_inspection) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some(n), Some(l)) => l.date.checked_add_months(Months::new(12 * n)).unwrap() <= c.end,
    }
}

pub fn visit_minutes(c: &Campaign, cand: &Candidate) -> u32 {
    (cand.visit_hours.unwrap_or(c.travel.visit_hours) * 60.0).round() as u32
}

pub fn risk_milli(cand: &Candidate) -> u64 {
    (cand.risk.total * 1000.0).round() as u64
}

/// Days of a trip from `base` over `seq` in order, and the day offset of each visit.
pub fn trip_days(c: &Campaign, base: LatLon, seq: &[&Candidate]) -> (u32, Vec<u32>) {
    let travel = Travel {
        speed_kmh: c.travel.speed_kmh,
        road_factor: c.travel.road_factor,
    };
    let day = (c.travel.hours_per_day * 60.0).round() as u32;
    let (mut clock, mut pos, mut offsets) = (0u32, base, Vec::new());
    for cand in seq {
        clock += travel.minutes(pos, cand.location);
        let v = visit_minutes(c, cand);
        let today = clock / day;
        if clock + v > (today + 1) * day {
            clock = (today + 1) * day;
        }
        offsets.push(clock / day);
        clock += v;
        pos = cand.location;
    }
    clock += travel.minutes(pos, base);
    (clock.div_ceil(day).max(1), offsets)
}

/// Monday of the ISO week of `d`.
pub fn week_of(d: NaiveDate) -> (i32, u32) {
    (d.iso_week().year(), d.iso_week().week())
}
