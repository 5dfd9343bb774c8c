//! Reminders through a real SMTP server (aiosmtpd): on a reminder day only the unit that has
//! not reported is written to, in Vietnamese (plain text and HTML), once however often
//! `remind` runs; nothing on a weekend or a public holiday (the rule pack's calendar, Tết
//! 2027), and the reminder missed over Tết goes out on the first working day after; overdue
//! notices reach the officer and the head, escalations the steering committee; two reports
//! due the same day make one mail.

use std::time::Duration;

use unicode_normalization::is_nfc;

use crate::mail_support::{self as ms, free_port, remind_ok, Security, Smtp};
use crate::support::federation::{Aggregator, Federation};
use crate::support::report::annual;
use crate::support::{runtime, wait_until};

const STC: &str = "Sở Tài chính tỉnh Đồng Nai <vanthu@stc.dongnai.example.vn>";
const ANNUAL: &str = "Báo cáo sơ kết công tác bảo vệ bí mật nhà nước hằng năm";

/// Sở Nội vụ sends its 2026 annual report through a real node.
/// Đồng Nai with a mail relay and a committee address, Sở Nội vụ's report in (Sở Tài chính's
/// is missing).
fn with_committee(fed: &Federation) -> (Smtp, Aggregator) {
    let port = free_port();
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    let extra = format!(
        "{}\n[reminders]\ncommittee = \"Ban Chỉ đạo tỉnh Đồng Nai <bcd@dongnai.example.vn>\"\n",
        ms::plain_mail(port)
    );
    let agg = ms::aggregator(fed, &extra);
    noi_vu_reports(fed, &agg);
    (smtp, agg)
}

fn noi_vu_reports(fed: &Federation, agg: &Aggregator) {
    let inst = fed.node("75/so-noi-vu", agg.port);
    let node = inst.open();
    inst.queue(&node, annual("75/so-noi-vu"));
    let pushed = runtime().block_on(node.pusher.push_once()).unwrap();
    assert_eq!(pushed.delivered, 1);
}

fn wait_for(smtp: &Smtp, n: usize) -> Vec<ms::Parsed> {
    wait_until(Duration::from_secs(10), "the mail in the maildir", || {
        smtp.files().len() >= n
    });
    smtp.messages()
}

#[test]
fn reminder_arrives_in_vietnamese_plain_and_html_only_to_the_unit_that_has_not_reported_once() {
    let fed = Federation::new();
    let port = free_port();
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    let agg = ms::aggregator(&fed, &ms::plain_mail(port));
    noi_vu_reports(&fed, &agg);

    // Thu 3 Dec 2026: 7 days before the province's deadline of 10 Dec.
    let out = remind_ok(&agg, "2026-12-03");
    assert!(out.contains("1 sent now"), "{out}");
    let out = remind_ok(&agg, "2026-12-03");
    assert!(
        out.contains("0 newly recorded in 0 mail(s)") && out.contains("0 sent now"),
        "the second run sends nothing: {out}"
    );
    let msgs = wait_for(&smtp, 1);
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let m = &msgs[0];
    assert_eq!(m.to, [STC], "only the unit that has not reported");
    assert_eq!(
        m.subject,
        format!("[BMNN] Nhắc hạn: {ANNUAL}, kỳ năm 2026 — hạn 10/12/2026")
    );
    assert_eq!(m.content_type, "multipart/alternative");
    assert_eq!(m.auto_submitted.as_deref(), Some("auto-generated"));
    assert!(
        m.message_id.ends_with("@congan.dongnai.example.vn>"),
        "{}",
        m.message_id
    );
    let plain = m.plain.as_deref().expect("a text/plain part");
    let html = m.html.as_deref().expect("a text/html part");
    for body in [plain, html] {
        assert!(is_nfc(body) && is_nfc(&m.subject));
        for want in [
            "Kính gửi: ",
            "Sở Tài chính tỉnh Đồng Nai",
            ANNUAL,
            "năm 2026 (từ 15/12/2025 đến 14/12/2026)",
            "10/12/2026",
            "còn 7 ngày",
            "Ban Chỉ đạo công tác bảo vệ bí mật nhà nước",
        ] {
            assert!(body.contains(want), "`{want}` missing from:\n{body}");
        }
        assert!(!body.contains("Sở Nội vụ"), "{body}");
    }
    assert!(
        html.contains("<table") && html.contains("lang=\"vi\""),
        "{html}"
    );
    let rows = ms::queue(&agg);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, "sent");
    assert_eq!(rows[0].unit.as_deref(), Some("75/so-tai-chinh"));
}

#[test]
fn nothing_on_a_weekend_or_a_holiday_and_the_tet_reminder_follows_on_the_next_working_day() {
    let fed = Federation::new();
    let port = free_port();
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    let agg = ms::aggregator(&fed, &ms::plain_mail(port));
    // Sat 5 Dec 2026 and Sun 6 Dec: weekend.
    for day in ["2026-12-05", "2026-12-06"] {
        let out = remind_ok(&agg, day);
        assert!(
            out.contains("not a working day") && out.contains(" 0 due"),
            "{out}"
        );
    }
    // Mon 8 Feb 2027, 7 days before the 2027 plan's deadline (15 Feb), falls in Tết
    // (4–10 Feb 2027 in config/rules/holidays/2027.toml); so does 2 Sep 2026.
    for day in ["2027-02-08", "2027-02-10", "2026-09-02"] {
        let out = remind_ok(&agg, day);
        assert!(
            out.contains("not a working day") && out.contains(" 0 due"),
            "{out}"
        );
    }
    assert!(ms::queue(&agg).is_empty());
    // Thu 11 Feb 2027, the first working day after Tết: the plan's reminder goes out then.
    let out = remind_ok(&agg, "2027-02-11");
    assert!(out.contains("2 sent now"), "{out}");
    let msgs = wait_for(&smtp, 2);
    assert_eq!(msgs.len(), 2);
    for m in &msgs {
        assert_eq!(
            m.subject,
            "[BMNN] Nhắc hạn: Kế hoạch triển khai công tác bảo vệ bí mật nhà nước, kỳ năm 2027 \
             — hạn 15/02/2027"
        );
        let plain = m.plain.as_deref().unwrap();
        assert!(
            plain.contains("Kỳ báo cáo: năm 2027\n") && plain.contains("còn 4 ngày"),
            "{plain}"
        );
    }
    // Fri 12 Feb is the 3-day reminder: a new mail for the same report.
    let out = remind_ok(&agg, "2027-02-12");
    assert!(out.contains("2 sent now"), "{out}");
    assert_eq!(wait_for(&smtp, 4).len(), 4);
}

#[test]
fn overdue_notice_reaches_officer_and_head_and_the_committee_gets_one_escalation_digest() {
    let fed = Federation::new();
    let (smtp, agg) = with_committee(&fed);
    // Fri 11 Dec 2026: the day after the deadline, also the escalation day (1 day after).
    let out = remind_ok(&agg, "2026-12-11");
    assert!(out.contains("2 sent now"), "{out}");
    remind_ok(&agg, "2026-12-11");
    let msgs = wait_for(&smtp, 2);
    assert_eq!(msgs.len(), 2, "one notice, one escalation, once");
    let notice = msgs.iter().find(|m| m.subject.contains("Quá hạn")).unwrap();
    assert_eq!(
        notice.to,
        [
            STC.to_string(),
            "Thủ trưởng Sở Tài chính tỉnh Đồng Nai <giamdoc@stc.dongnai.example.vn>".into()
        ]
    );
    let plain = notice.plain.as_deref().unwrap();
    assert!(
        plain.contains("đã quá hạn 1 ngày") && plain.contains("Thủ trưởng"),
        "{plain}"
    );
    let esc = msgs
        .iter()
        .find(|m| m.subject.starts_with("[BMNN] Báo cáo Ban Chỉ đạo"))
        .unwrap();
    assert_eq!(
        esc.to,
        ["Ban Chỉ đạo tỉnh Đồng Nai <bcd@dongnai.example.vn>"]
    );
    let plain = esc.plain.as_deref().unwrap();
    assert!(
        plain.contains("Sở Tài chính tỉnh Đồng Nai (75/so-tai-chinh)")
            && !plain.contains("Sở Nội vụ"),
        "{plain}"
    );
    // The communes of the province (no addresses in the registry) are escalated too.
    assert!(plain.contains("(75.26041)"), "{plain}");
    assert!(esc.subject.ends_with("(11/12/2026)"), "{}", esc.subject);
}

#[test]
fn two_reports_due_the_same_day_make_one_digest_per_unit() {
    let fed = Federation::new();
    let port = free_port();
    let smtp = Smtp::start(fed.dir.path(), port, Security::Plain);
    let agg = ms::aggregator(&fed, &ms::plain_mail(port));
    // A rule pack (rules_dir) where the plan is due on 10 Dec, like the annual report.
    let rules = fed.dir.path().join("rules");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/rules");
    std::fs::create_dir_all(rules.join("holidays")).unwrap();
    for sub in ["", "holidays"] {
        for f in ms::list(&src.join(sub), ".toml") {
            let text = std::fs::read_to_string(&f).unwrap();
            let text = text.replace("due = \"02-15\"", "due = \"12-10\"");
            std::fs::write(rules.join(sub).join(f.file_name().unwrap()), text).unwrap();
        }
    }
    let toml = std::fs::read_to_string(&agg.config).unwrap().replacen(
        "[node]\n",
        &format!("[node]\nrules_dir = \"{}\"\n", rules.display()),
        1,
    );
    std::fs::write(&agg.config, toml).unwrap();

    let out = remind_ok(&agg, "2026-12-03");
    assert!(
        out.contains("2 sent now"),
        "two units, one mail each: {out}"
    );
    let msgs = wait_for(&smtp, 2);
    assert_eq!(msgs.len(), 2);
    for m in &msgs {
        assert_eq!(
            m.subject,
            "[BMNN] Nhắc hạn: 2 báo cáo chưa gửi — hạn gần nhất 10/12/2026"
        );
        let plain = m.plain.as_deref().unwrap();
        assert!(
            plain.contains(&format!("1. {ANNUAL}"))
                && plain.contains("2. Kế hoạch triển khai công tác bảo vệ bí mật nhà nước"),
            "{plain}"
        );
    }
    let rows = ms::queue(&agg);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        remind_ok(&agg, "2026-12-03").matches("0 sent now").count(),
        1
    );
    assert_eq!(ms::queue(&agg).len(), 2);
}

/// Two `serve` processes sharing a database fire the same schedule: the day's work (here the
/// overdue notice and the escalation) runs once; a process that died holding a day loses it
/// when its lease runs out, and another runs that day.
#[test]
fn the_days_work_runs_once_across_processes_and_a_dead_ones_day_is_taken_over() {
    use aggregator::reminders::{claimed_daily, LEASE};
    use aggregator::store::jobs::{self, Claim};
    let fed = Federation::new();
    let (smtp, agg) = with_committee(&fed);
    let settings = config::settings::AggregatorSettings::load(&agg.config).unwrap();
    let rules = config::rules::RuleBook::embedded().unwrap();
    let mut c = agg.pool.get().unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 11).unwrap();
    let first = claimed_daily(&mut c, &settings, rules, None, (day, "process-a")).unwrap();
    let second = claimed_daily(&mut c, &settings, rules, None, (day, "process-b")).unwrap();
    assert_eq!((first, second), (Claim::Won, Claim::Done));
    assert_eq!(
        wait_for(&smtp, 2).len(),
        2,
        "one notice, one escalation, once"
    );
    // Process c claimed Mon 14 Dec twenty minutes ago and died.
    let next = chrono::NaiveDate::from_ymd_opt(2026, 12, 14).unwrap();
    let then = node::db::now() - chrono::Duration::minutes(20);
    let slot = ("daily", "2026-12-14");
    assert_eq!(
        jobs::claim(&mut c, slot, "process-c", then, LEASE).unwrap(),
        Claim::Won
    );
    let taken = claimed_daily(&mut c, &settings, rules, None, (next, "process-b")).unwrap();
    assert_eq!(taken, Claim::Won, "the dead process's day is taken over");
    assert!(!jobs::finish(&mut c, slot, "process-c", node::db::now()).unwrap());
}
