//! `job_runs` against a model of the rules (property test over random claims and finishes by
//! three processes with a clock that moves), and a race of eight threads for one slot on the
//! real database (SQLite, or PostgreSQL with `BMNN_TEST_POSTGRES`).

use chrono::{Duration, NaiveDate, NaiveDateTime};
use proptest::prelude::*;

use super::*;

const SLOT: (&str, &str) = ("daily", "2026-12-07");

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 12, 7)
        .unwrap()
        .and_hms_opt(1, 0, 0)
        .unwrap()
}

#[derive(Debug, Clone)]
enum Op {
    /// Process `p` claims after the clock moved `minutes`.
    Claim(usize, i64),
    /// Process `p` finishes.
    Finish(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0usize..3, 0i64..20).prop_map(|(p, m)| Op::Claim(p, m)),
        (0usize..3).prop_map(Op::Finish),
    ]
}

/// The model: who holds the slot until when, and whether it is done.
#[derive(Default)]
struct Model {
    row: Option<(usize, NaiveDateTime)>,
    done: bool,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn a_slot_has_one_holder_at_a_time_and_runs_once(ops in prop::collection::vec(op(), 1..30)) {
        let tmp = tempfile::tempdir().unwrap();
        let (_db, pool) = crate::store::testdb::open(tmp.path(), "jobs").unwrap();
        let mut c = pool.get().unwrap();
        let lease = Duration::minutes(15);
        let owners = ["a", "b", "c"];
        let (mut now, mut model, mut wins) = (t0(), Model::default(), 0);
        for op in ops {
            match op {
                Op::Claim(p, m) => {
                    now += Duration::minutes(m);
                    let got = claim(&mut c, SLOT, owners[p], now, lease).unwrap();
                    let want = match (model.done, model.row) {
                        (true, _) => Claim::Done,
                        (false, None) => Claim::Won,
                        (false, Some((_, until))) if until < now => Claim::Won,
                        (false, Some((_, until))) => Claim::Held(until),
                    };
                    prop_assert_eq!(got, want);
                    if got == Claim::Won {
                        model.row = Some((p, now + lease));
                        wins += 1;
                    }
                }
                Op::Finish(p) => {
                    let got = finish(&mut c, SLOT, owners[p], now).unwrap();
                    let holds = !model.done && model.row.is_some_and(|(o, _)| o == p);
                    prop_assert_eq!(got, holds);
                    model.done |= holds;
                }
            }
        }
        // A second win only ever follows a lease that ran out.
        prop_assert!(wins <= 1 || model.row.is_some());
    }
}

#[test]
fn eight_processes_racing_for_a_slot_give_it_to_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (_db, pool) = crate::store::testdb::open(tmp.path(), "race").unwrap();
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(8));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let (pool, barrier) = (pool.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut c = pool.get().unwrap();
                barrier.wait();
                claim(&mut c, SLOT, &format!("p{i}"), t0(), Duration::minutes(15)).unwrap()
            })
        })
        .collect();
    let got: Vec<Claim> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(
        got.iter().filter(|c| **c == Claim::Won).count(),
        1,
        "{got:?}"
    );
    let held = Claim::Held(t0() + Duration::minutes(15));
    assert_eq!(got.iter().filter(|c| **c == held).count(), 7, "{got:?}");
}
