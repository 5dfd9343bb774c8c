//! A request end to end with the real binaries as processes (`bmnn-aggregator demo`,
//! `bmnn-aggregator request`, `bmnn-aggregator remind`), driven through the commune's web UI
//! as people would: Đồng Nai's request for internal rules (seeded in the demo, due in 10
//! working days) is answered by Phường Trấn Biên with a PDF uploaded as a browser does; the
//! province's `request status` counts it on time, `request file` writes the same bytes, and
//! the day after the due date `remind` mails the communes that did not answer, not this one.

use std::time::Duration;

use crate::demo::{Demo, TRAN_BIEN_UI};
use crate::support::browser::{self, submit, text};
use crate::support::{run_aggregator, runtime, wait_until};

const UNIT: &str = "75.26041";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The multipart body a browser sends for one file and the form token.
fn multipart(token: &str, name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let b = "----bmnnE2eBoundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{token}\r\n--{b}\r\n\
         Content-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

fn token(html: &str) -> String {
    let start = html.find("name=\"_csrf\" value=\"").unwrap() + 20;
    html[start..].split('"').next().unwrap().to_string()
}

/// The officer answers the request with the PDF, the head signs; the request's id.
fn answer(demo: &Demo) -> String {
    let ui = demo.ui(TRAN_BIEN_UI);
    runtime().block_on(async {
        let officer = browser::logged_in(&ui, "canbo", &demo.password(UNIT, "canbo")).await;
        let home = text(&officer, &format!("{ui}/")).await;
        let home = if home.contains("Gửi nội quy") {
            home
        } else {
            let r = submit(
                &officer,
                &format!("{ui}/"),
                &format!("{ui}/thong-bao/nhan"),
                &[("back", "/")],
            )
            .await;
            assert_eq!(r.status().as_u16(), 303);
            text(&officer, &format!("{ui}/")).await
        };
        let at = home
            .find("/yeu-cau/")
            .expect("the request on the home page");
        let request = home[at + 9..at + 45].to_string();
        let r = submit(
            &officer,
            &format!("{ui}/"),
            &format!("{ui}/yeu-cau/{request}/tra-loi"),
            &[],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let draft = r.headers()["location"]
            .to_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let page = text(&officer, &format!("{ui}{draft}")).await;
        assert!(page.contains("Nội quy bảo vệ bí mật nhà nước"), "{page}");
        let (ct, body) = multipart(&token(&page), "Nội quy.pdf", PDF);
        let r = officer
            .post(format!("{ui}{draft}/tep"))
            .header("content-type", ct)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
        let id = draft.trim_start_matches("/ban-nhap/").to_string();
        let head = browser::logged_in(&ui, "lanhdao", &demo.password(UNIT, "lanhdao")).await;
        let form = text(&head, &format!("{ui}{draft}")).await;
        let value = |name: &str| {
            let key = format!("name=\"{name}\"");
            let at = form.find(&key).unwrap();
            let v = form[at..].find("value=\"").unwrap() + at + 7;
            form[v..].split('"').next().unwrap().to_string()
        };
        let all = vec![
            ("document".to_string(), "internal_rules".to_string()),
            ("title".to_string(), value("title")),
            (
                "period".to_string(),
                schema::ReportingPeriod::annual_containing(node::web::layout::today()).to_string(),
            ),
            ("classification".to_string(), "khong_mat".to_string()),
        ];
        browser::approve(&head, &ui, &id, &all).await;
        request
    })
}

#[test]
fn a_commune_answers_the_provinces_request_with_a_pdf_and_the_others_are_reminded() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-data");
    let mut demo = Demo::start(&dir, &tmp.path().join("demo.log"));
    demo.wait_ready();
    let request = answer(&demo);
    let config = dir.join("aggregator-75.toml");
    let cfg = config.as_os_str();
    wait_until(
        Duration::from_secs(30),
        "the answer at the province",
        || {
            let csv = run_aggregator([
                "request".as_ref(),
                "status".as_ref(),
                "--id".as_ref(),
                request.as_ref(),
                "--csv".as_ref(),
                "--config".as_ref(),
                cfg,
            ]);
            csv.lines()
                .any(|l| l.starts_with(UNIT) && l.contains("Đã gửi đúng hạn"))
        },
    );
    let summary = run_aggregator([
        "request".as_ref(),
        "status".as_ref(),
        "--id".as_ref(),
        request.as_ref(),
        "--config".as_ref(),
        cfg,
    ]);
    assert!(summary.contains("đúng hạn 1"), "{summary}");

    let out = tmp.path().join("got.pdf");
    let sha = schema::Digest::of(PDF).to_string();
    run_aggregator([
        "request".as_ref(),
        "file".as_ref(),
        "--sha256".as_ref(),
        sha.as_ref(),
        "--out".as_ref(),
        out.as_os_str(),
        "--config".as_ref(),
        cfg,
    ]);
    assert_eq!(std::fs::read(&out).unwrap(), PDF, "the same bytes");

    // The day after the due date: the communes that did not answer are reminded, not this one.
    let rules = config::rules::RuleBook::embedded().unwrap();
    let due = aggregator::requests::due_in_working_days(rules, node::web::layout::today(), 10);
    let mut day = due.succ_opt().unwrap();
    while !rules.is_working_day(day) {
        day = day.succ_opt().unwrap();
    }
    run_aggregator([
        "remind".as_ref(),
        "--today".as_ref(),
        day.to_string().as_ref(),
        "--config".as_ref(),
        cfg,
    ]);
    let mail_dir = dir.join("aggregator-75").join("data").join("mail");
    let reminded: Vec<String> = std::fs::read_dir(&mail_dir)
        .unwrap()
        .flatten()
        .map(|e| crate::mail_support::parse(&e.path()))
        .filter(|m| {
            m.plain
                .as_deref()
                .is_some_and(|t| t.contains("Gửi nội quy bảo vệ bí mật"))
        })
        .flat_map(|m| m.to)
        .collect();
    assert!(
        reminded
            .iter()
            .any(|to| to.contains("canbo@75-26413.bmnn.example")),
        "Xã Long Phước, which did not answer, is reminded: {reminded:?}"
    );
    assert!(
        !reminded.iter().any(|to| to.contains("75-26041")),
        "the commune that answered is not reminded: {reminded:?}"
    );
}
