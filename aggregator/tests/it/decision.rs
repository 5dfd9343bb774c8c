//! The consolidated report as a decision, with the schedule at the deadline: without an
//! approved text nothing is sent and the committee is mailed (once a day); the committee's
//! edited text, once the head approves it, is what the nation receives; after sending, the
//! schedule sends nothing more.

use std::collections::BTreeMap;
use std::time::Duration;

use aggregator::{decision, upward};
use config::settings::AggregatorSettings;
use schema::{Payload, ReportKind, ReportingPeriod, Tier};

use crate::support::federation::Federation;
use crate::support::report::annual;
use crate::support::{runtime, wait_until};

#[test]
fn only_an_approved_text_is_sent_and_the_nation_gets_the_edited_text() {
    let fed = Federation::new();
    let national = fed.national();
    let url = format!("https://127.0.0.1:{}/", national.port);
    let committee = "\n[reminders]\ncommittee = \"Ban Chỉ đạo tỉnh <bcd@dongnai.example.vn>\"\n";
    let province = fed.aggregator_with("75", &url, 1 << 20, committee);
    let inst = fed.node("75.26041", province.port);
    let node = inst.open();
    inst.queue(&node, annual("75.26041"));
    let rt = runtime();
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    let settings = AggregatorSettings::load_from(&province.config, std::iter::empty()).unwrap();
    let relay = aggregator::relay::Relay::open(&settings).unwrap().unwrap();
    let rules = config::rules::RuleBook::embedded().unwrap();
    let period = ReportingPeriod::Annual(2026);
    let deadline = rules
        .pack_for(period.end())
        .unwrap()
        .deadline(ReportKind::ConsolidatedReport, Tier::National, 2026)
        .unwrap();
    let day = rules.add_working_days(deadline, -1);
    let mut c = province.pool.get().unwrap();
    let mails = |c: &mut aggregator::store::AnyConn| aggregator::mail::queue::all(c).unwrap();

    // The window is open and nothing is approved: no report, one mail to the committee.
    for _ in 0..2 {
        assert!(upward::send_if_due(&mut c, rules, &settings, &relay, day)
            .unwrap()
            .is_none());
    }
    let queued = mails(&mut c);
    assert_eq!(queued.len(), 1, "once a day");
    assert!(
        queued[0].subject.contains("chưa được lãnh đạo phê duyệt"),
        "{}",
        queued[0].subject
    );

    // The committee edits; still a draft: still nothing sent.
    let built = aggregator::consolidation::build(&mut c, rules, &settings.unit.id, period).unwrap();
    let mut texts: BTreeMap<String, String> = decision::synthesis(&built);
    assert!(
        texts["b"].starts_with("1/1 đơn vị trực thuộc đã gửi báo cáo"),
        "the synthesis states the figures: {texts:?}"
    );
    let edited = "Tỉnh đã tổ chức 12 hội nghị quán triệt Luật Bảo vệ bí mật nhà nước.";
    texts.insert("a".into(), edited.into());
    decision::save(&mut c, period, &texts, false, "canbo-pa03").unwrap();
    assert!(upward::send_if_due(&mut c, rules, &settings, &relay, day)
        .unwrap()
        .is_none());
    assert_eq!(national.stored(), 0, "an unapproved report is never sent");

    // The head approves: the schedule sends it, and the nation holds the edited text.
    decision::approve(&mut c, period, "lanhdao-pa03").unwrap();
    let env = upward::send_if_due(&mut c, rules, &settings, &relay, day)
        .unwrap()
        .expect("sent once approved");
    // This relay is a second handle on the province's store: push from it rather than wait
    // for the server's pusher (either one delivers; claims are exclusive).
    rt.block_on(relay.push_once()).unwrap();
    wait_until(Duration::from_secs(20), "the report at the nation", || {
        national.stored() == 1
    });
    let at_nation = national.versions(env.body.report_id.as_str());
    let stored: schema::Envelope = schema::decode(at_nation[0].envelope.as_bytes()).unwrap();
    let Payload::ConsolidatedReport(r) = stored.body.payload else {
        panic!("a consolidated report");
    };
    let a = r.sections.iter().find(|s| s.code.as_str() == "a").unwrap();
    assert_eq!(a.text.as_str(), edited);
    assert_eq!(
        decision::get(&mut c, period).unwrap().unwrap().state,
        "sent"
    );
    assert!(upward::send_if_due(&mut c, rules, &settings, &relay, day)
        .unwrap()
        .is_none());
}

const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";

fn csrf(page: &str) -> String {
    let start = page.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    page[start..].split('"').next().unwrap().to_string()
}

#[test]
fn the_committee_edits_the_head_approves_and_sends_from_the_ui() {
    use crate::support::browser;
    use node::db::users::Role;

    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    province.add_user("canbo", Role::Officer, PASSWORD);
    province.add_user("lanhdao", Role::Head, PASSWORD);
    let base = province.ui();
    let rt = runtime();
    let page = format!("{base}/bao-cao-tong-hop/soan?ky=2026");
    rt.block_on(async {
        let officer = browser::logged_in(&base, "canbo", PASSWORD).await;
        let html = browser::text(&officer, &page).await;
        assert!(
            html.contains("chưa có dự thảo") && html.contains("a) Phân tích, đánh giá tình hình"),
            "{html}"
        );
        assert!(!html.contains("Phê duyệt"), "no approval for an officer");
        let text = "Đã tổ chức 3 lớp tập huấn cho 240 cán bộ.";
        let form = [
            ("_csrf", csrf(&html)),
            ("a", text.to_string()),
            ("b", "Không phát hiện vi phạm.".into()),
            ("c", "Một số xã gửi báo cáo chậm.".into()),
            ("d", "Đề nghị Bộ Công an tổ chức tập huấn.".into()),
        ];
        let r = officer.post(&page).form(&form).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let refused = officer
            .post(format!("{base}/bao-cao-tong-hop/phe-duyet?ky=2026"))
            .form(&[("_csrf", csrf(&html))])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 403, "an officer cannot approve");

        let head = browser::logged_in(&base, "lanhdao", PASSWORD).await;
        let html = browser::text(&head, &page).await;
        assert!(
            html.contains("dự thảo, chưa phê duyệt") && html.contains(text),
            "{html}"
        );
        let token = csrf(&html);
        for step in ["phe-duyet", "gui"] {
            let r = head
                .post(format!("{base}/bao-cao-tong-hop/{step}?ky=2026"))
                .form(&[("_csrf", token.as_str())])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 303, "{step}");
        }
        let html = browser::text(&head, &page).await;
        assert!(html.contains("đã ký số và gửi lên cấp trên"), "{html}");
    });
    wait_until(Duration::from_secs(20), "the report at the nation", || {
        national.stored() == 1
    });
}
