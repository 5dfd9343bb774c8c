//! Inspections end to end: findings recorded on the committee's UI raise the unit's score with
//! the factors shown (and incidents, classification and missing reports count too); an
//! inspection result recorded and sent with the command line reaches the nation; planning is
//! in [`plan`].

use std::path::Path;
use std::process::Command;

use aggregator::inspection;
use chrono::{Days, NaiveDate};
use node::db::users::Role;
use reqwest::StatusCode;
use schema::{Payload, UnitId};

use crate::support::browser;
use crate::support::federation::{Aggregator, Federation};
use crate::support::report::{annual, incident};
use crate::support::runtime;

mod plan;

pub const UNIT: &str = "75.26041";
const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";

pub fn cli(args: &[&str], config: &Path) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

pub fn import_dong_nai(agg: &Aggregator) {
    let mut c = agg.pool.get().unwrap();
    aggregator::registry::import_admin_units(&mut c, &UnitId::parse("75").unwrap(), false).unwrap();
}

fn today() -> NaiveDate {
    node::web::layout::today()
}

fn days_ago(n: u64) -> String {
    today().checked_sub_days(Days::new(n)).unwrap().to_string()
}

fn csrf(html: &str) -> String {
    let start = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[start..].split('"').next().unwrap().to_string()
}

/// The risk page's row of `unit`: (its score, the row's HTML).
fn risk_row(page: &str, unit: &str) -> (f64, String) {
    let start = page
        .find(&format!("id=\"dv-{unit}\""))
        .expect("the unit's row");
    let row = &page[start..];
    let row = &row[..row[10..].find("id=\"dv-").map_or(row.len(), |i| i + 10)];
    let s = row
        .split("<strong>")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap();
    (
        s.replace('.', "").replace(',', ".").parse().unwrap(),
        row.to_string(),
    )
}

#[test]
fn findings_recorded_on_the_ui_raise_the_score_and_can_be_sent_up() {
    let fed = Federation::new();
    let agg = fed.aggregator(1 << 20);
    import_dong_nai(&agg);
    agg.add_user("lanhdao", Role::Head, PASSWORD);
    agg.add_user("canbo", Role::Officer, PASSWORD);
    let base = agg.ui();
    let rt = runtime();
    // The unit reported a leak (Mật) and its annual report: both count in its record.
    let inst = fed.node(UNIT, agg.port);
    let node = inst.open();
    inst.queue(&node, incident(UNIT));
    inst.queue(&node, annual(UNIT));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 2);
    let id = rt.block_on(async {
        let head = browser::logged_in(&base, "lanhdao", PASSWORD).await;
        let get = |c: &reqwest::Client, path: &str| {
            let req = c.get(format!("{base}{path}"));
            async move {
                let res = req.send().await.unwrap();
                (res.status(), res.text().await.unwrap())
            }
        };
        let (status, page) = get(&head, "/kiem-tra/rui-ro").await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let (before, row) = risk_row(&page, UNIT);
        assert_eq!(
            before, 16.0,
            "never inspected 5 × 2, an incident 5, Mật 1: {row}"
        );
        for factor in [
            "incidents",
            "classification_level",
            "years_since_inspection",
        ] {
            assert!(
                row.contains(&format!("<code>{factor}</code>")),
                "{factor}: {row}"
            );
        }

        let officer = browser::logged_in(&base, "canbo", PASSWORD).await;
        assert_eq!(
            get(&officer, "/kiem-tra/ghi-nhan").await.0,
            StatusCode::FORBIDDEN
        );

        let (status, form) = get(&head, "/kiem-tra/ghi-nhan").await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            form.contains("Phường Trấn Biên (75.26041)"),
            "units to choose"
        );
        let mut fields = vec![
            ("_csrf", csrf(&form)),
            ("don_vi", UNIT.into()),
            ("so_quyet_dinh", "Quyết định số 12/QĐ-BCĐ".into()),
            ("tu_ngay", days_ago(10)),
            ("den_ngay", days_ago(9)),
            ("doan", "doan-1".into()),
            ("do_mat", "mat".into()),
            (
                "ket_luan",
                "Đơn vị còn soạn thảo tài liệu mật trên máy tính nối mạng.".into(),
            ),
            ("vp1_loai", "networked_machine".into()),
            ("vp1_muc_do", "serious".into()),
            ("vp1_so_lan", "2".into()),
            (
                "vp1_mo_ta",
                "Hai máy tính nối Internet lưu dự thảo văn bản Mật.".into(),
            ),
            ("vp2_loai", "incomplete_recipients_block".into()),
            ("vp2_muc_do", "minor".into()),
            ("vp2_mo_ta", "Nơi nhận thiếu số lượng bản.".into()),
        ];
        let post = |c: &reqwest::Client, path: &str, f: &[(&str, String)]| {
            let req = c.post(format!("{base}{path}")).form(f);
            async move { req.send().await.unwrap() }
        };
        // A serious finding without a remediation deadline is refused, and explained.
        let res = post(&head, "/kiem-tra/ghi-nhan", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        assert!(page.contains("phải có hạn khắc phục"), "{page}");
        assert!(
            page.contains("Quyết định số 12/QĐ-BCĐ"),
            "what was typed is kept"
        );

        fields.push(("vp1_han", days_ago(5)));
        let res = post(&head, "/kiem-tra/ghi-nhan", &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let location = res.headers()["location"].to_str().unwrap().to_string();
        let id = location
            .trim_start_matches("/kiem-tra/")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        assert_eq!(
            post(&head, "/kiem-tra/ghi-nhan", &fields).await.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "recorded once"
        );

        let (_, page) = get(&head, "/kiem-tra/rui-ro").await;
        let (after, row) = risk_row(&page, UNIT);
        assert!(row.contains("violations:networked_machine"), "{row}");
        assert!(row.contains("<td>12,00</td>"), "serious × 3 × 2: {row}");
        assert!(row.contains("Số năm kể từ lần kiểm tra gần nhất"), "{row}");
        assert!(
            (after - (16.0 - 10.0 + 12.0 + 1.5 + 0.04)).abs() < 1e-9,
            "{after}"
        );
        assert!(after > before);

        let (_, overview) = get(&officer, "/kiem-tra").await;
        assert!(
            overview.contains("Vi phạm quá hạn khắc phục (1)"),
            "{overview}"
        );
        let (_, detail) = get(&head, &format!("/kiem-tra/{id}")).await;
        assert!(detail.contains("Hai máy tính nối Internet"));
        let res = post(
            &head,
            &format!("/kiem-tra/{id}/gui-len"),
            &[("_csrf", csrf(&detail))],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let res = post(
            &head,
            &format!("/kiem-tra/{id}/gui-len"),
            &[("_csrf", csrf(&detail))],
        )
        .await;
        assert_eq!(res.status(), StatusCode::CONFLICT, "sent once");
        let res = post(
            &head,
            &format!("/kiem-tra/{id}/khac-phuc"),
            &[
                ("_csrf", csrf(&detail)),
                ("stt", "1".into()),
                ("ngay", today().to_string()),
            ],
        )
        .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        id
    });

    let mut c = agg.pool.get().unwrap();
    assert!(
        inspection::overdue_remediations(&mut c, today())
            .unwrap()
            .is_empty(),
        "remediated"
    );
    let series = inspection::violations_by_year(&mut c, &UnitId::parse("75").unwrap()).unwrap();
    let year = NaiveDate::parse_from_str(&days_ago(9), "%Y-%m-%d").unwrap();
    assert_eq!(
        series[&chrono::Datelike::year(&year)].values().sum::<u64>(),
        2
    );
    let audit: Vec<_> = node::db::audit::recent(&mut c, 50).unwrap();
    for action in [
        "inspection_record",
        "inspection_send",
        "inspection_remediated",
    ] {
        assert!(
            audit
                .iter()
                .any(|r| r.action == action && r.actor == "lanhdao" && r.subject == id),
            "{action}"
        );
    }
    let relay = agg.relay_pool.clone().unwrap();
    let queued = node::db::outbox::for_report(&mut relay.get().unwrap(), &id).unwrap();
    assert_eq!(queued.len(), 1, "the result waits in the relay's outbox");

    // After the annual deadline (10 Dec), units that did not report score for it.
    let (ok, text) = cli(
        &[
            "inspection",
            "scores",
            "--today",
            "2026-12-20",
            "--top",
            "200",
        ],
        &agg.config,
    );
    assert!(ok, "{text}");
    let block = |unit: &str| {
        let start = text
            .find(&format!(" {unit} "))
            .unwrap_or_else(|| panic!("{unit}: {text}"));
        let rest = &text[start..];
        rest[..rest[1..].find(". 75.").map_or(rest.len(), |i| i + 1)].to_string()
    };
    assert!(
        block("75.26068").contains("missing_reports"),
        "{}",
        block("75.26068")
    );
    assert!(
        !block(UNIT).contains("missing_reports")
            && block(UNIT).contains("violations:networked_machine")
    );
}

#[test]
fn an_inspection_result_recorded_on_the_command_line_reaches_the_nation() {
    let fed = Federation::new();
    let (national, province) = fed.nation_and_province();
    import_dong_nai(&province);
    let (ok, text) = cli(
        &[
            "inspection",
            "record",
            "--unit",
            UNIT,
            "--decision",
            "Quyết định số 15/QĐ-BCĐ",
            "--started",
            &days_ago(3),
            "--ended",
            &days_ago(2),
            "--conclusion",
            "Vi phạm quy định về truyền đưa.",
            "--finding",
            &format!(
                "unlawful_transmission;major;1;{};Gửi tài liệu mật qua Zalo",
                today()
            ),
        ],
        &province.config,
    );
    assert!(ok, "{text}");
    let id = text
        .split("recorded inspection ")
        .nth(1)
        .unwrap()
        .split(':')
        .next()
        .unwrap()
        .to_string();
    let (ok, text) = cli(&["inspection", "send", "--id", &id], &province.config);
    assert!(ok && text.contains("delivered 1"), "{text}");
    assert_eq!(national.stored(), 1);
    let rows = national.versions(&id);
    assert_eq!(
        (rows[0].kind.as_str(), rows[0].unit.as_str()),
        ("inspection_result", "75")
    );
    let env: schema::Envelope = schema::decode(rows[0].envelope.as_bytes()).unwrap();
    let Payload::InspectionResult(r) = env.body.payload else {
        panic!("not an inspection result")
    };
    assert_eq!(r.inspected_unit.as_str(), UNIT);
    assert_eq!(r.findings.len(), 1);
    let (ok, text) = cli(&["inspection", "send", "--id", &id], &province.config);
    assert!(!ok && text.contains("already sent"), "{text}");
    // Bad input is refused with the field named, in Vietnamese.
    let (ok, text) = cli(
        &[
            "inspection",
            "record",
            "--unit",
            "79.26734",
            "--decision",
            "QĐ 1",
            "--started",
            &days_ago(3),
            "--ended",
            &days_ago(2),
            "--conclusion",
            "x",
            "--finding",
            "networked_machine;serious;1;;x",
        ],
        &province.config,
    );
    assert!(
        !ok && text.contains("không thuộc phạm vi") && text.contains("phải có hạn khắc phục"),
        "{text}"
    );
}

#[test]
fn every_inspection_command_has_help() {
    for args in [
        vec!["plan", "--help"],
        vec!["inspection", "--help"],
        vec!["inspection", "record", "--help"],
        vec!["inspection", "send", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
            .args(&args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("Usage"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn overdue_remediation_is_mailed_to_the_unit_once() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    import_dong_nai(&agg);
    aggregator::store::units::set_contacts(
        &mut agg.pool.get().unwrap(),
        UNIT,
        "2025-07-01".parse().unwrap(),
        Some("vanthu@tranbien.example.vn"),
        Some("chutich@tranbien.example.vn"),
    )
    .unwrap();
    let (ok, text) = cli(
        &[
            "inspection",
            "record",
            "--unit",
            UNIT,
            "--decision",
            "Quyết định số 21/QĐ-BCĐ",
            "--started",
            &days_ago(40),
            "--ended",
            &days_ago(39),
            "--conclusion",
            "Máy tính nối mạng soạn thảo tài liệu mật.",
            "--finding",
            &format!(
                "networked_machine;serious;1;{};Máy tính nối Internet soạn thảo tài liệu Mật",
                days_ago(5)
            ),
        ],
        &agg.config,
    );
    assert!(ok, "{text}");
    let day = today().to_string();
    for run in 0..2 {
        let (ok, text) = cli(&["remind", "--today", &day], &agg.config);
        assert!(ok, "{text}");
        let expected = if run == 0 { 1 } else { 0 };
        assert!(
            text.contains(&format!(
                "and {expected} overdue-remediation notice(s) queued"
            )),
            "run {run}: {text}"
        );
    }
    let mails = aggregator::mail::queue::all(&mut agg.pool.get().unwrap()).unwrap();
    let remediation: Vec<_> = mails
        .iter()
        .filter(|m| m.audience == "remediation")
        .collect();
    assert_eq!(remediation.len(), 1, "never twice");
    assert!(remediation[0].subject.starts_with("Quá hạn khắc phục"));
    assert!(remediation[0]
        .recipients
        .contains("vanthu@tranbien.example.vn"));
    assert!(remediation[0]
        .recipients
        .contains("chutich@tranbien.example.vn"));
    assert_eq!(remediation[0].status, "sent", "written to the mail folder");
}
