//! `bmnn-aggregator plan` for Đồng Nai's 95 communes with two teams: the plan as DOCX (a zip
//! with "KẾ HOẠCH") and HTML, one iCalendar per team with one event per visit, one notice per
//! visit stored with its due date (five working days before) and written as `.eml`; the same
//! seed twice gives the same files; a plan whose notices went out is not issued again.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use aggregator::inspection::{self, plans};
use chrono::NaiveDate;

use super::{cli, import_dong_nai, UNIT};
use crate::support::federation::Federation;

const CAMPAIGN: &str = r#"
[campaign]
id = "kt-2026-12"
name = "Đợt kiểm tra công tác bảo vệ bí mật nhà nước tháng 12 năm 2026"
start = 2026-12-07
end = "2026-12-25"
seed = 42
lead_working_days = 5

[scope]
tiers = ["commune"]

[notices]
from = "Ban Chỉ đạo BMNN tỉnh Đồng Nai <bmnn@congan.dongnai.gov.vn>"
contact = "PA03 Công an tỉnh Đồng Nai"

[[teams]]
id = "doan-1"
name = "Đoàn kiểm tra số 1"
members = ["Đại tá Lê Văn Cường", "Thiếu tá Phạm Thị Dung"]
lat = 10.9574
lon = 106.8427
visits_per_week = 4

[[teams]]
id = "doan-2"
name = "Đoàn kiểm tra số 2"
members = ["Thượng tá Ngô Thanh Hải"]
lat = 11.5349
lon = 107.1326
visits_per_week = 3
"#;

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for sub in ["", "thong-bao"] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                out.insert(
                    format!("{sub}/{}", p.file_name().unwrap().to_string_lossy()),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

#[test]
fn plan_for_dong_nai_writes_documents_calendars_and_notices_reproducibly() {
    let fed = Federation::new();
    let agg = fed.aggregator(1 << 20);
    import_dong_nai(&agg);
    let plan_day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    {
        let mut c = agg.pool.get().unwrap();
        for u in aggregator::store::units::children_on(&mut c, "75", plan_day).unwrap() {
            let mail = format!("bmnn.{}@dongnai.gov.vn", u.id.replace('.', "-"));
            aggregator::store::units::set_contacts(&mut c, &u.id, u.valid_from, Some(&mail), None)
                .unwrap();
        }
    }
    let (ok, text) = cli(
        &[
            "inspection",
            "record",
            "--unit",
            UNIT,
            "--decision",
            "Quyết định số 3/QĐ-BCĐ",
            "--started",
            "2026-06-01",
            "--ended",
            "2026-06-02",
            "--team",
            "doan-1",
            "--conclusion",
            "Cơ bản chấp hành tốt.",
            "--finding",
            "missing_classification_proposal;minor;3;;Dự thảo văn bản mật không có đề xuất độ mật",
            "--today",
            "2026-11-23",
        ],
        &agg.config,
    );
    assert!(ok, "{text}");
    let tmp = tempfile::tempdir().unwrap();
    let campaign = tmp.path().join("campaign.toml");
    std::fs::write(&campaign, CAMPAIGN).unwrap();
    let run = |out: &str| {
        cli(
            &[
                "plan",
                "--campaign",
                campaign.to_str().unwrap(),
                "--out",
                tmp.path().join(out).to_str().unwrap(),
                "--today",
                "2026-11-23",
            ],
            &agg.config,
        )
    };
    let (ok, text) = run("a");
    assert!(ok, "{text}");
    assert!(
        text.contains("covered risk") && text.contains("of bound"),
        "{text}"
    );
    assert!(
        text.contains("inspected_recently: 1"),
        "{UNIT} was inspected in June: {text}"
    );

    let a = files(&tmp.path().join("a"));
    let mut docx =
        zip::ZipArchive::new(std::io::Cursor::new(&a["/ke-hoach-kiem-tra.docx"])).unwrap();
    let mut xml = String::new();
    docx.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    for part in [
        "KẾ HOẠCH",
        "Kiểm tra công tác bảo vệ bí mật nhà nước năm 2026",
        "Đoàn kiểm tra số 2",
        "seed): 42",
        "Mới được kiểm tra",
    ] {
        assert!(xml.contains(part), "{part} missing from the DOCX");
    }
    let html = String::from_utf8(a["/ke-hoach-kiem-tra.html"].clone()).unwrap();
    assert!(
        html.contains("KẾ HOẠCH") && html.contains("Phường Trấn Biên"),
        "left out, with its reason"
    );

    let mut c = agg.pool.get().unwrap();
    let visits = plans::visits_of(&mut c, "kt-2026-12").unwrap();
    assert!(visits.len() >= 10, "{}", visits.len());
    for team in ["doan-1", "doan-2"] {
        let ics = String::from_utf8(a[&format!("/team-{team}.ics")].clone()).unwrap();
        let ics = reports::planning::ics::unfold(&ics);
        assert!(
            ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.trim_end().ends_with("END:VCALENDAR")
        );
        let n = visits.iter().filter(|v| v.team == team).count();
        assert!(n > 0, "{team} has visits");
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), n, "{team}");
        assert_eq!(ics.matches("END:VEVENT").count(), n, "{team}");
    }

    // One notice per visit, due five working days before it, and only then.
    let rules = config::rules::RuleBook::embedded().unwrap();
    let notices = plans::notices_of(&mut c, "kt-2026-12").unwrap();
    assert_eq!(notices.len(), visits.len());
    for n in &notices {
        assert_eq!(
            n.due_on,
            rules.add_working_days(n.visit_date, -5).max(plan_day),
            "{}",
            n.unit
        );
        assert!(n
            .recipient
            .as_deref()
            .is_some_and(|r| r.starts_with("bmnn.")));
        let eml = String::from_utf8(
            a[&format!("thong-bao/{}-{}.eml", n.due_on, n.unit.replace('.', "_"))].clone(),
        )
        .unwrap();
        assert!(
            eml.contains(&format!("To: {}", n.recipient.as_deref().unwrap())),
            "{eml}"
        );
        let before = inspection::notices_due(&mut c, n.due_on.pred_opt().unwrap()).unwrap();
        assert!(
            !before.iter().any(|x| x.unit == n.unit),
            "not due before {}",
            n.due_on
        );
        assert!(inspection::notices_due(&mut c, n.due_on)
            .unwrap()
            .contains(n));
    }
    assert_eq!(
        a.keys().filter(|k| k.ends_with(".eml")).count(),
        notices.len()
    );

    // The same seed and store: the same files; the stored plan is replaced, not doubled.
    let (ok, text) = run("b");
    assert!(ok, "{text}");
    let b = files(&tmp.path().join("b"));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{name} differs between two runs with the same seed"
        );
    }
    assert_eq!(
        plans::notices_of(&mut c, "kt-2026-12").unwrap().len(),
        notices.len()
    );

    // Once a notice is sent, the plan cannot be issued again; nothing is written.
    let first = &notices[0];
    assert!(
        inspection::mark_notice_sent(&mut c, "kt-2026-12", &first.unit, node::db::now()).unwrap()
    );
    assert!(!inspection::notices_due(&mut c, first.due_on)
        .unwrap()
        .contains(first));
    let (ok, text) = run("c");
    assert!(!ok && text.contains("cannot be issued again"), "{text}");
    assert!(!tmp.path().join("c").exists());
    let out_a = tmp.path().join("a");
    let (ok, text) = cli(
        &[
            "plan",
            "--dry-run",
            "--campaign",
            campaign.to_str().unwrap(),
            "--out",
            out_a.to_str().unwrap(),
        ],
        &agg.config,
    );
    assert!(!ok && text.contains("not empty"), "{text}");

    // On its due day the schedule queues each notice's mail, once.
    let other = notices.iter().find(|n| n.unit != first.unit).unwrap();
    let settings =
        config::settings::AggregatorSettings::load_from(&agg.config, std::iter::empty()).unwrap();
    let due_that_day = inspection::notices_due(&mut c, other.due_on).unwrap().len();
    let q = aggregator::inspection::mailing::queue(&mut c, &settings, other.due_on).unwrap();
    assert_eq!(q.notices, due_that_day);
    let mails = aggregator::mail::queue::all(&mut c).unwrap();
    assert!(mails.iter().any(|m| m.audience == "inspection_notice"
        && m.unit.as_deref() == Some(other.unit.as_str())
        && m.recipients.contains(other.recipient.as_deref().unwrap())));
    let again = aggregator::inspection::mailing::queue(&mut c, &settings, other.due_on).unwrap();
    assert_eq!(again.notices, 0, "never twice");
}
