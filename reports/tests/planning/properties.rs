//! Every plan, exact or heuristic, obeys the rules: visits only on available days, trips on
//! consecutive available days inside one ISO week, weekly capacity and campaign size,
//! coverage intervals, notice lead time, never the previous team, each unit accounted for
//! exactly once; the same seed gives the same plan.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use proptest::prelude::*;
use reports::planning::{
    plan, plan_with, CampaignSize, Method, Plan, Reason, Selection, Solver, WeeklyCapacity,
};

use super::gen::{self, Instance};

/// Panics (with what broke) unless `p` is a valid plan for `inst`.
pub fn check(inst: &Instance, p: &Plan) {
    let c = &inst.campaign;
    let by_unit: BTreeMap<_, _> = inst.candidates.iter().map(|x| (&x.unit, x)).collect();
    let teams: BTreeMap<_, _> = inst.teams.iter().map(|t| (&t.id, t)).collect();
    let mut seen = BTreeSet::new();
    let mut team_days: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    let mut week_load: BTreeMap<_, (u32, u32)> = BTreeMap::new();
    let (mut visits, mut days) = (0u32, 0u32);
    assert_eq!(p.seed, c.seed, "the plan records the seed");
    for trip in &p.trips {
        let team = teams[&trip.team];
        assert!(!trip.visits.is_empty());
        assert!(trip.days >= 1 && trip.days <= c.travel.max_trip_days);
        let trip_days: Vec<_> = (0..trip.days)
            .map(|k| trip.start + Duration::days(k.into()))
            .collect();
        for d in &trip_days {
            assert!(
                gen::available(c, *d),
                "trip of {} on unavailable day {d}",
                trip.team
            );
            assert_eq!(
                gen::week_of(*d),
                gen::week_of(trip.start),
                "trip spans two weeks"
            );
            assert!(
                team_days.entry(&trip.team).or_default().insert(*d),
                "team {} has two trips on {d}",
                trip.team
            );
        }
        let seq: Vec<_> = trip.visits.iter().map(|v| by_unit[&v.unit]).collect();
        let (need, offsets) = gen::trip_days(c, team.base, &seq);
        assert_eq!(need, trip.days, "trip days do not match its timeline");
        for (v, off) in trip.visits.iter().zip(offsets) {
            let cand = by_unit[&v.unit];
            assert_eq!(v.date, trip.start + Duration::days(off.into()));
            assert!(gen::available(c, v.date), "visit on {}", v.date);
            assert!(seen.insert(v.unit.clone()), "{} visited twice", v.unit);
            assert!(
                !c.exclusions.contains(&v.unit),
                "excluded unit {} visited",
                v.unit
            );
            assert!(
                v.date >= gen::release(c, cand),
                "{} visited before its release",
                v.unit
            );
            assert!(trip.start >= gen::release(c, cand));
            if let Some(last) = &cand.last_inspection {
                assert_ne!(
                    last.team.as_ref(),
                    Some(&trip.team),
                    "same team twice in a row"
                );
            }
            let expected = if gen::mandatory(c, cand) {
                Selection::Mandatory
            } else if p.random_picks.contains(&v.unit) {
                Selection::Random
            } else {
                Selection::Risk
            };
            assert_eq!(v.selection, expected);
        }
        let load = week_load
            .entry((&trip.team, gen::week_of(trip.start)))
            .or_default();
        load.0 += trip.visits.len() as u32;
        load.1 += trip.days;
        visits += trip.visits.len() as u32;
        days += trip.days;
    }
    for ((team, week), (v, d)) in &week_load {
        match teams[team].capacity {
            WeeklyCapacity::Visits(cap) => {
                assert!(*v <= cap, "{team} {week:?}: {v} > {cap} visits")
            }
            WeeklyCapacity::Days(cap) => assert!(*d <= cap, "{team} {week:?}: {d} > {cap} days"),
        }
    }
    match c.size {
        CampaignSize::Units(n) => assert!(visits <= n),
        CampaignSize::TeamDays(n) => assert!(days <= n),
        CampaignSize::Unlimited => {}
    }
    // Every candidate is either visited or reported, once.
    for u in &p.unscheduled {
        assert!(
            !seen.contains(&u.unit),
            "{} both visited and unscheduled",
            u.unit
        );
        assert!(seen.insert(u.unit.clone()), "{} reported twice", u.unit);
        assert!(!u.reason.label_vi().is_empty() && !u.reason.code().is_empty());
        let cand = by_unit[&u.unit];
        if gen::mandatory(c, cand) {
            assert_eq!(u.selection, Selection::Mandatory);
        }
        if c.exclusions.contains(&u.unit) {
            assert_eq!(u.reason, Reason::Excluded);
        }
    }
    assert_eq!(seen.len(), inst.candidates.len());
    let milli: u64 = p
        .trips
        .iter()
        .flat_map(|t| &t.visits)
        .map(|v| gen::risk_milli(by_unit[&v.unit]))
        .sum();
    assert_eq!(milli, p.objective.risk_milli);
    assert!(
        milli as f64 <= p.upper_bound * 1000.0 + 1e-6,
        "covered {milli} above the bound {}",
        p.upper_bound
    );
}

/// A mandatory unit reported for lack of capacity has no free slot at all: no allowed team
/// has free, available, consecutive days after its release where it could go alone.
fn mandatory_left_out_only_when_no_slot(inst: &Instance, p: &Plan) {
    let c = &inst.campaign;
    if c.size != CampaignSize::Unlimited {
        return;
    }
    let mut busy: BTreeMap<_, BTreeSet<_>> = BTreeMap::new();
    let mut load: BTreeMap<_, (u32, u32)> = BTreeMap::new();
    for t in &p.trips {
        for k in 0..t.days {
            busy.entry(&t.team)
                .or_default()
                .insert(t.start + Duration::days(k.into()));
        }
        let e = load.entry((&t.team, gen::week_of(t.start))).or_default();
        e.0 += t.visits.len() as u32;
        e.1 += t.days;
    }
    for u in p
        .unscheduled
        .iter()
        .filter(|u| u.reason == Reason::NoCapacity)
    {
        if u.selection != Selection::Mandatory {
            continue;
        }
        let cand = inst.candidates.iter().find(|x| x.unit == u.unit).unwrap();
        for team in &inst.teams {
            if cand.last_inspection.as_ref().and_then(|l| l.team.as_ref()) == Some(&team.id) {
                continue;
            }
            let (need, _) = gen::trip_days(c, team.base, &[cand]);
            let mut d = gen::release(c, cand);
            while d <= c.end {
                let run: Vec<_> = (0..need).map(|k| d + Duration::days(k.into())).collect();
                let free = need <= c.travel.max_trip_days
                    && run.iter().all(|x| {
                        gen::available(c, *x)
                            && gen::week_of(*x) == gen::week_of(d)
                            && !busy.get(&team.id).is_some_and(|b| b.contains(x))
                    });
                let (v, dd) = load
                    .get(&(&team.id, gen::week_of(d)))
                    .copied()
                    .unwrap_or_default();
                let room = match team.capacity {
                    WeeklyCapacity::Visits(cap) => v < cap,
                    WeeklyCapacity::Days(cap) => dd + need <= cap,
                };
                assert!(
                    !(free && room),
                    "mandatory {} left out, but {} is free on {d}",
                    u.unit,
                    team.id
                );
                d += Duration::days(1);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn small_plans_obey_every_rule(seed in any::<u64>()) {
        let inst = gen::instance(seed, 9, 2, 3);
        let a = plan(gen::calendar(), &inst.campaign, &inst.teams, &inst.candidates).unwrap();
        check(&inst, &a);
        let h = plan_with(gen::calendar(), &inst.campaign, &inst.teams, &inst.candidates, Solver::Heuristic).unwrap();
        check(&inst, &h);
        mandatory_left_out_only_when_no_slot(&inst, &h);
        prop_assert!(h.objective <= a.objective || a.method == Method::Heuristic);
    }

    #[test]
    fn larger_plans_obey_every_rule(seed in any::<u64>()) {
        let inst = gen::instance(seed, 80, 4, 8);
        let p = plan(gen::calendar(), &inst.campaign, &inst.teams, &inst.candidates).unwrap();
        check(&inst, &p);
        mandatory_left_out_only_when_no_slot(&inst, &p);
    }

    #[test]
    fn the_same_seed_gives_the_same_plan(seed in any::<u64>()) {
        let inst = gen::instance(seed, 40, 3, 6);
        let a = plan(gen::calendar(), &inst.campaign, &inst.teams, &inst.candidates).unwrap();
        let mut shuffled = inst.candidates.clone();
        shuffled.reverse();
        let b = plan(gen::calendar(), &inst.campaign, &inst.teams, &shuffled).unwrap();
        prop_assert_eq!(a, b);
    }
}
