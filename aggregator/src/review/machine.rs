//! The review state machine, pure. A received version of a report is in one state:
//!
//! ```text
//!              ┌──────── accept ───────▶ Accepted ──── return (not counted) ───▶ Returned
//!  Pending ────┤                                                                    │
//! (Resubmitted)└──────── return (not counted) ─────────────────────────────────────▶│
//!                                                                                   ▼
//!   any state ── a newer version arrives ──▶ Superseded          the unit amends: its new
//!                                                                version is Resubmitted
//! ```
//!
//! - Only the latest version of a report is judged (`Superseded` refuses everything).
//! - One current verdict per version: accepting twice, returning twice, or accepting a
//!   returned version (the unit is amending it) is refused.
//! - A version counted in a signed consolidated report cannot be returned unless that
//!   consolidated report was itself returned by the parent (reopened).
//! - A new version that supersedes a returned one starts as `Resubmitted` ("đã nộp lại").

use schema::Verdict;

/// What the store knows about one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// No later version of the report is stored.
    pub latest: bool,
    /// The last verdict given on this version.
    pub verdict: Option<Verdict>,
    /// It amends a version that was returned.
    pub amends_returned: bool,
    /// It is among the sources of a consolidated report this tier signed and that was not
    /// returned.
    pub counted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Chờ xem xét.
    Pending,
    /// Đã nộp lại: an amendment of a returned version, not yet judged.
    Resubmitted,
    /// Đã tiếp nhận.
    Accepted,
    /// Đã trả lại.
    Returned,
    /// Đã có bản sửa đổi: a later version replaced it.
    Superseded,
}

impl State {
    pub fn of(f: &Facts) -> Self {
        match (f.latest, f.verdict) {
            (false, _) => Self::Superseded,
            (true, Some(Verdict::Accepted)) => Self::Accepted,
            (true, Some(Verdict::Returned)) => Self::Returned,
            (true, None) if f.amends_returned => Self::Resubmitted,
            (true, None) => Self::Pending,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Resubmitted => "resubmitted",
            Self::Accepted => "accepted",
            Self::Returned => "returned",
            Self::Superseded => "superseded",
        }
    }

    /// Vietnamese label for the UI.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Pending => "Chờ xem xét",
            Self::Resubmitted => "Đã nộp lại",
            Self::Accepted => "Đã tiếp nhận",
            Self::Returned => "Đã trả lại",
            Self::Superseded => "Đã có bản sửa đổi",
        }
    }

    /// Whether a verdict may be given now.
    pub fn open(self) -> bool {
        matches!(self, Self::Pending | Self::Resubmitted | Self::Accepted)
    }
}

/// Why a verdict was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    Superseded,
    AlreadyAccepted,
    AlreadyReturned,
    Counted,
}

impl Refusal {
    /// Vietnamese message for the UI.
    pub fn message_vi(self) -> &'static str {
        match self {
            Self::Superseded => "Bản này đã có bản sửa đổi mới hơn; hãy xem xét bản mới nhất.",
            Self::AlreadyAccepted => "Bản này đã được tiếp nhận.",
            Self::AlreadyReturned => {
                "Bản này đã được trả lại; chờ đơn vị sửa và nộp lại rồi xem xét bản mới."
            }
            Self::Counted => {
                "Bản này đã được tính trong báo cáo tổng hợp đã ký gửi cấp trên; chỉ trả lại được \
                 khi báo cáo tổng hợp đó bị cấp trên trả lại."
            }
        }
    }
}

/// Decides whether `verdict` may be given on a version with `facts`.
pub fn decide(facts: &Facts, verdict: Verdict) -> Result<(), Refusal> {
    match (State::of(facts), verdict) {
        (State::Superseded, _) => Err(Refusal::Superseded),
        (State::Returned, _) => Err(Refusal::AlreadyReturned),
        (State::Accepted, Verdict::Accepted) => Err(Refusal::AlreadyAccepted),
        (_, Verdict::Returned) if facts.counted => Err(Refusal::Counted),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What can happen to one report over time.
    #[derive(Debug, Clone)]
    enum Event {
        /// The unit sends a new version (an amendment of the latest).
        Amend,
        Judge(usize, Verdict),
        /// The tier signs a consolidated report counting the latest version.
        Count,
        /// The parent returns that consolidated report.
        Reopen,
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            Just(Event::Amend),
            (
                0usize..6,
                prop_oneof![Just(Verdict::Accepted), Just(Verdict::Returned)]
            )
                .prop_map(|(v, d)| Event::Judge(v, d)),
            Just(Event::Count),
            Just(Event::Reopen),
        ]
    }

    /// A model of the store: versions with their verdict histories.
    #[derive(Default)]
    struct Model {
        verdicts: Vec<Vec<Verdict>>,
        counted: Vec<bool>,
    }

    impl Model {
        fn facts(&self, v: usize) -> Facts {
            Facts {
                latest: v + 1 == self.verdicts.len(),
                verdict: self.verdicts[v].last().copied(),
                amends_returned: v > 0 && self.verdicts[v - 1].last() == Some(&Verdict::Returned),
                counted: self.counted[v],
            }
        }
    }

    proptest! {
        #[test]
        fn verdicts_follow_the_rules(events in proptest::collection::vec(event(), 0..40)) {
            let mut m = Model { verdicts: vec![vec![]], counted: vec![false] };
            for e in events {
                match e {
                    Event::Amend => { m.verdicts.push(vec![]); m.counted.push(false); }
                    Event::Count => { let n = m.counted.len(); m.counted[n - 1] = true; }
                    Event::Reopen => m.counted.iter_mut().for_each(|c| *c = false),
                    Event::Judge(v, d) if v < m.verdicts.len() => {
                        let f = m.facts(v);
                        if decide(&f, d).is_ok() {
                            prop_assert!(f.latest, "judged a superseded version");
                            prop_assert!(!(d == Verdict::Returned && f.counted));
                            prop_assert!(f.verdict != Some(d), "the same verdict twice");
                            prop_assert!(f.verdict != Some(Verdict::Returned));
                            m.verdicts[v].push(d);
                        }
                    }
                    Event::Judge(..) => {}
                }
            }
            for (i, h) in m.verdicts.iter().enumerate() {
                // A history is one of: [], [A], [R], [A, R].
                let ok = matches!(h.as_slice(), [] | [_] | [Verdict::Accepted, Verdict::Returned]);
                prop_assert!(ok, "version {i}: {h:?}");
            }
        }
    }

    #[test]
    fn states_read_as_the_committee_expects() {
        let f = |latest, verdict, amends_returned| Facts {
            latest,
            verdict,
            amends_returned,
            counted: false,
        };
        assert_eq!(State::of(&f(true, None, false)), State::Pending);
        assert_eq!(State::of(&f(true, None, true)), State::Resubmitted);
        assert_eq!(
            State::of(&f(false, Some(Verdict::Accepted), false)),
            State::Superseded
        );
        assert_eq!(
            decide(&f(true, Some(Verdict::Returned), false), Verdict::Accepted),
            Err(Refusal::AlreadyReturned)
        );
        let counted = Facts {
            counted: true,
            ..f(true, Some(Verdict::Accepted), false)
        };
        assert_eq!(decide(&counted, Verdict::Returned), Err(Refusal::Counted));
        assert_eq!(
            decide(&counted, Verdict::Accepted),
            Err(Refusal::AlreadyAccepted)
        );
    }
}
