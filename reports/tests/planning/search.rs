//! The branch and bound over the weekly assignment relaxation (`planning::optimum`) against
//! the exact solver on small instances: its bound is never below the optimum, what it proves
//! is the optimum, the plans it returns obey every rule; with one visit per team and week the
//! relaxation is the problem itself, so its root is the optimum; on larger instances its bound
//! is never below the heuristic's plan.

use proptest::prelude::*;
use reports::planning::{optimum, plan, plan_with, CampaignSize, Method, Solver, WeeklyCapacity};

use super::gen::{self, Instance};
use super::properties::check;

/// The search on `inst` (no incumbent, then the exact plan as incumbent) against the exact
/// plan.
fn against_exact(inst: &Instance) -> Result<(), TestCaseError> {
    let cal = gen::calendar();
    let (c, teams, cands) = (&inst.campaign, &inst.teams, &inst.candidates);
    let p = plan(cal, c, teams, cands).unwrap();
    prop_assume!(p.method == Method::Exact);
    let o = optimum(cal, c, teams, cands, None, 5_000).unwrap();
    prop_assert!(
        o.root >= o.bound && o.bound >= p.objective,
        "{:?} {:?}",
        o,
        p.objective
    );
    if o.proven {
        prop_assert_eq!(o.bound, p.objective);
        let found = o
            .plan
            .as_ref()
            .expect("proven without an incumbent: a plan");
        prop_assert_eq!(found.objective, o.bound);
        check(inst, found);
    } else {
        prop_assert!(matches!(c.size, CampaignSize::TeamDays(_)) || o.nodes >= 5_000);
    }
    let with = optimum(cal, c, teams, cands, Some(p.objective), 5_000).unwrap();
    if with.proven {
        prop_assert_eq!(with.bound, p.objective);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_search_proves_the_exact_optimum_on_small_instances(seed in any::<u64>()) {
        against_exact(&gen::instance(seed, 9, 2, 3))?;
    }

    #[test]
    fn one_visit_per_team_and_week_makes_the_relaxation_exact(seed in any::<u64>()) {
        let mut inst = gen::instance(seed, 9, 2, 3);
        for t in &mut inst.teams {
            t.capacity = WeeklyCapacity::Visits(1);
        }
        if matches!(inst.campaign.size, CampaignSize::TeamDays(_)) {
            inst.campaign.size = CampaignSize::Unlimited;
        }
        let cal = gen::calendar();
        let p = plan(cal, &inst.campaign, &inst.teams, &inst.candidates).unwrap();
        prop_assume!(p.method == Method::Exact);
        let o = optimum(cal, &inst.campaign, &inst.teams, &inst.candidates, None, 1).unwrap();
        prop_assert_eq!(o.root, p.objective);
        prop_assert!(o.proven);
        prop_assert_eq!(o.nodes, 1);
    }

    #[test]
    fn the_bound_holds_the_heuristic_on_larger_instances(seed in any::<u64>()) {
        let inst = gen::instance(seed, 60, 3, 5);
        let cal = gen::calendar();
        let (c, teams, cands) = (&inst.campaign, &inst.teams, &inst.candidates);
        let h = plan_with(cal, c, teams, cands, Solver::Heuristic).unwrap();
        let o = optimum(cal, c, teams, cands, Some(h.objective), 200).unwrap();
        prop_assert!(o.bound >= h.objective);
        if let Some(found) = &o.plan {
            prop_assert!(found.objective > h.objective);
            prop_assert_eq!(found.objective, o.bound);
            check(&inst, found);
        }
    }
}
