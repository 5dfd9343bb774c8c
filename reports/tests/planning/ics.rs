//! iCalendar: folding and escaping round-trip arbitrary Vietnamese text, no line exceeds 75
//! octets, and a team's calendar is a well-formed, deterministic VCALENDAR.

use chrono::NaiveTime;
use proptest::prelude::*;
use reports::planning::ics::{
    escape_text, fold_line, team_calendar, unescape_text, unfold, MAX_LINE_OCTETS,
};
use reports::planning::plan;

use super::gen;

fn vietnamese_text() -> impl Strategy<Value = String> {
    // Precomposed and combining forms, punctuation that TEXT escapes, newlines, 4-byte emoji.
    prop::collection::vec(
        prop::sample::select(vec![
            "Đ",
            "ư",
            "ờ",
            "ng",
            " ",
            "Bảo",
            "vệ",
            "bí",
            "mật",
            "nhà",
            "nước",
            "Tuyệt",
            "Tối",
            "ệ",
            "ỹ",
            "\u{0301}",
            "\u{0323}",
            ";",
            ",",
            "\\",
            "\n",
            ":",
            "\"",
            "a",
            "𝔸",
            "🇻🇳",
            "\t",
            "Ủy ban nhân dân xã",
        ]),
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn fold_and_escape_round_trip(name in "[A-Z]{1,12}", text in vietnamese_text()) {
        let line = format!("{name}:{}", escape_text(&text));
        let folded = fold_line(&line);
        prop_assert!(folded.ends_with("\r\n"));
        for l in folded.trim_end_matches("\r\n").split("\r\n") {
            prop_assert!(l.len() <= MAX_LINE_OCTETS, "{} octets: {:?}", l.len(), l);
        }
        let unfolded = unfold(&folded);
        let value = unfolded.trim_end_matches("\r\n").strip_prefix(&format!("{name}:")).unwrap();
        prop_assert_eq!(unescape_text(value), text);
    }
}

#[test]
fn escaping_follows_rfc_5545() {
    assert_eq!(escape_text("a\\b;c,d\ne"), "a\\\\b\\;c\\,d\\ne");
    assert_eq!(escape_text("x\r\ny\rz\u{7}"), "x\\ny\\nz");
    assert_eq!(unescape_text("a\\Nb"), "a\nb");
}

#[test]
fn a_fold_never_splits_a_character() {
    let line = format!("DESCRIPTION:{}", "Đ".repeat(100));
    let folded = fold_line(&line);
    for l in folded.split("\r\n") {
        assert!(l.len() <= 75);
        assert!(std::str::from_utf8(l.as_bytes()).is_ok());
    }
    assert_eq!(unfold(&folded).trim_end(), line);
}

#[test]
fn each_team_gets_a_deterministic_calendar() {
    let (inst, p) = (0..200)
        .map(|seed| {
            let inst = gen::instance(seed, 30, 3, 6);
            let p = plan(
                gen::calendar(),
                &inst.campaign,
                &inst.teams,
                &inst.candidates,
            )
            .unwrap();
            (inst, p)
        })
        .find(|(_, p)| p.trips.len() >= 3)
        .expect("an instance with visits");
    let start = NaiveTime::from_hms_opt(7, 30, 0).unwrap();
    let mut events = 0;
    for team in &inst.teams {
        let ics = team_calendar(&p, team, start);
        assert_eq!(ics, team_calendar(&p, team, start), "deterministic");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "bare LF");
        assert!(ics.contains("TZID:Asia/Ho_Chi_Minh"));
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        let text = unfold(&ics);
        let n = text.matches("BEGIN:VEVENT").count();
        let visits: usize = p
            .trips
            .iter()
            .filter(|t| t.team == team.id)
            .map(|t| t.visits.len())
            .sum();
        assert_eq!(n, visits);
        assert_eq!(n, text.matches("END:VEVENT").count());
        let mut uids: Vec<_> = text.lines().filter(|l| l.starts_with("UID:")).collect();
        uids.sort();
        uids.dedup();
        assert_eq!(uids.len(), n, "unique UIDs");
        for (_, v) in p.visits().into_iter().filter(|(t, _)| **t == team.id) {
            let day = v.date.format("%Y%m%d").to_string();
            assert!(text.contains(&format!("DTSTART;TZID=Asia/Ho_Chi_Minh:{day}T")));
            assert!(text.contains(&format!("LOCATION:{}", escape_text(&v.name))));
        }
        events += n;
    }
    assert!(events >= 3);
}
