//! A directive from the nation reaches a commune through Đồng Nai with its file; the commune
//! acknowledges it and reports its dissemination; the acknowledgment goes to the province,
//! which counts it, and on up to the nation, which asked; the units that did not acknowledge
//! are reminded.

use std::time::Duration;

use aggregator::requests::{self, tracking::State};
use schema::{
    Acknowledgment, BoundedVec, Classification, DerBase64, Directive, Line, MediaType, NoticeFile,
    Payload, Protocol, ReportId, ReportingPeriod, Submission,
};

use super::requests::pdf;
use super::tiers::press_pull;
use super::*;
use crate::support::federation::Federation;
use crate::support::{runtime, wait_until};

fn directive(due: chrono::NaiveDate, file: &[u8]) -> Directive {
    Directive {
        number: Line::parse("120/BCĐ-BCA").unwrap(),
        issued_on: node::web::layout::today(),
        title: Line::parse("Về việc quán triệt Chỉ thị số 02/CT-TTg về bảo vệ bí mật nhà nước")
            .unwrap(),
        summary: None,
        disseminate: true,
        due,
        files: BoundedVec::parse(vec![NoticeFile {
            name: schema::FileName::parse("Chỉ thị 02.pdf").unwrap(),
            media_type: MediaType::Pdf,
            data: DerBase64::of(file),
        }])
        .unwrap(),
    }
}

fn acknowledgment(directive_id: &str) -> Submission {
    let today = node::web::layout::today();
    Submission {
        protocol: Protocol::V1,
        report_id: ReportId::random(),
        unit: unit(UNIT),
        period: ReportingPeriod::annual_containing(today),
        classification: Classification::KhongMat,
        created_at: node::web::layout::now_local(),
        supersedes: None,
        payload: Payload::Acknowledgment(Acknowledgment {
            received_on: today,
            disseminated_on: Some(today),
            participants: Some(25),
            note: None,
        }),
        in_reply_to: Some(ReportId::parse(directive_id).unwrap()),
        attachments: Default::default(),
    }
}

#[test]
fn a_directive_reaches_a_commune_and_its_acknowledgment_goes_back_up_to_the_nation() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    let rules = config::rules::RuleBook::embedded().unwrap();
    let today = node::web::layout::today();
    let due = requests::due_in_working_days(rules, today, 5);
    let mut pc = province.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut pc, &unit("75"), false).unwrap();
    let mut nc = national.pool.get().unwrap();
    let file = pdf("Chỉ thị 02/CT-TTg");
    let to = requests::parse_scope("tier:75:commune").unwrap();
    let n = requests::issue_directive(
        &mut nc,
        &signer_of(&national),
        to,
        directive(due, &file),
        "a03",
    )
    .unwrap();
    let id = n.body.notice_id.to_string();

    let rt = runtime();
    press_pull(&rt, &province, "/yeu-cau");
    let t = requests::tracking::track(&mut pc, &id, &unit("75"), today)
        .unwrap()
        .unwrap();
    assert!(t.request.is_directive() && t.units.len() > 50);

    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    rt.block_on(node.pusher.pull_once());
    let open = node::web::requests::all(&mut node.pool.get().unwrap()).unwrap();
    let node::web::requests::Ask::Directive(d) = &open[0].ask else {
        panic!("a directive: {:?}", open[0].ask);
    };
    assert_eq!(
        d.files.iter().next().unwrap().bytes(),
        file,
        "the file came intact"
    );
    inst.queue(&node, acknowledgment(&id));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);

    let t = requests::tracking::track(&mut pc, &id, &unit("75"), today)
        .unwrap()
        .unwrap();
    let mine = t.units.iter().find(|u| u.unit.id == UNIT).unwrap();
    assert!(
        matches!(mine.state, State::OnTime { .. }),
        "{:?}",
        mine.state
    );
    assert_eq!(mine.disseminated, Some((today, 25)));
    assert_eq!((t.counts().0, t.disseminated()), (1, 1));
    let csv = String::from_utf8(requests::tracking::csv(&t)).unwrap();
    assert!(
        csv.contains("Đã gửi đúng hạn") && csv.contains(",25"),
        "{csv}"
    );

    // The nation asked: the acknowledgment goes up to it, countersigned by Đồng Nai.
    wait_until(
        Duration::from_secs(20),
        "the acknowledgment at the nation",
        || national.stored() == 1,
    );
    let answers = aggregator::store::requests::answers(&mut nc, &id).unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].unit, UNIT);

    // After the due date, every other commune of Đồng Nai is reminded by the province.
    let mut day = due.succ_opt().unwrap();
    while !rules.is_working_day(day) {
        day = day.succ_opt().unwrap();
    }
    let items = aggregator::reminders::requests::due(&mut pc, rules, &unit("75"), day, 5).unwrap();
    let overdue = items
        .iter()
        .filter(|i| i.stage == aggregator::reminders::Stage::Overdue)
        .count();
    assert_eq!(overdue, t.units.len() - 1);
    assert!(items.iter().all(|i| i.unit.as_str() != UNIT));
}

#[test]
fn a_directive_whose_file_is_not_what_it_claims_is_refused() {
    let mut d = directive(node::web::layout::today(), b"MZ\x90\x00 not a pdf");
    assert!(d.validate(node::web::layout::today()).is_err());
    d.files = Default::default();
    d.due = node::web::layout::today().pred_opt().unwrap();
    let e = d.validate(node::web::layout::today()).unwrap_err();
    assert!(e.to_string().contains("due"), "{e}");
}

/// The multipart body of the directive form.
fn directive_form(token: &str, fields: &[(&str, &str)], file: (&str, &[u8])) -> (String, Vec<u8>) {
    let b = "----bmnnDirectiveForm";
    let mut body = Vec::new();
    let mut field = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        )
    };
    field("_csrf", token);
    for (k, v) in fields {
        field(k, v);
    }
    body.extend_from_slice(
        format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n",
            file.0
        )
        .as_bytes(),
    );
    body.extend_from_slice(file.1);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

#[test]
fn a_head_sends_a_directive_from_the_ui_and_a_bad_file_is_refused_by_name() {
    use node::db::users::Role;
    let fed = Federation::new();
    let province = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    aggregator::registry::import_admin_units(&mut province.pool.get().unwrap(), &unit("75"), false)
        .unwrap();
    province.add_user("lanhdao", Role::Head, "Mật-khẩu-đủ-dài-2026");
    let base = province.ui();
    let url = format!("{base}/yeu-cau/van-ban-moi");
    let fields = [
        ("number", "130/BCĐ-PA03"),
        (
            "title",
            "Về việc tự kiểm tra công tác bảo vệ bí mật nhà nước",
        ),
        ("disseminate", "1"),
        ("to", "tier:75:commune"),
        ("working_days", "5"),
    ];
    let rt = runtime();
    let id = rt.block_on(async {
        let head =
            crate::support::browser::logged_in(&base, "lanhdao", "Mật-khẩu-đủ-dài-2026").await;
        let page = crate::support::browser::text(&head, &url).await;
        let start = page.find("name=\"_csrf\" value=\"").unwrap() + 20;
        let token = page[start..].split('"').next().unwrap().to_string();
        let send = |file: (&str, &[u8])| {
            let (ct, body) = directive_form(&token, &fields, file);
            head.post(&url).header("content-type", ct).body(body).send()
        };
        let bad = send(("setup.exe", b"MZ\x90\x00")).await.unwrap();
        assert_eq!(bad.status().as_u16(), 422);
        let text = bad.text().await.unwrap();
        assert!(
            text.contains("setup.exe") && text.contains("không phải PDF"),
            "{text}"
        );
        assert!(text.contains("130/BCĐ-PA03"), "what was typed is kept");
        let ok = send(("Kế hoạch tự kiểm tra.pdf", &pdf("Kế hoạch")))
            .await
            .unwrap();
        assert_eq!(ok.status().as_u16(), 303, "{}", ok.text().await.unwrap());
        let to = ok.headers()["location"].to_str().unwrap().to_string();
        to.trim_start_matches("/yeu-cau/").to_string()
    });
    let inst = fed.node(UNIT, province.port);
    let node = inst.open();
    rt.block_on(node.pusher.pull_once());
    let open = node::web::requests::all(&mut node.pool.get().unwrap()).unwrap();
    assert!(
        open.iter().any(|o| o.id == id),
        "the commune has the directive"
    );
}
