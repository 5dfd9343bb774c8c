//! The web UI driven over HTTP as a browser without JavaScript would: an officer drafts an
//! annual report, the head sees the inline errors when approving an invalid one, fixes it and
//! approves; the submission is stored, queued and shown in the history and as a printable
//! document; the other kinds of report are approved too. The refusals (lockout, CSRF, roles,
//! login, headers, NFC) are in `ui/refusals.rs`. The helpers here are `pub` so other tests can
//! drive the UI (e.g. with a real receiving server on the link).

mod attachments;
mod delivery;
mod refusals;
mod transfer;

use config::rules::RuleBook;
use reqwest::{redirect, Client, StatusCode};
use schema::{ReportKind, ReportingPeriod};

use crate::support::federation::{Federation, Installation};

pub const UNIT: &str = "75.26041";
pub const PASSWORD: &str = "mật khẩu đủ dài 2026";

/// A running node (web UI and pusher) and a pool on its database.
pub struct UiNode {
    pub base: String,
    pub node: node::app::Node,
    _task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// Starts the node of `inst` (web UI on 127.0.0.1:0, pusher running). Call inside a runtime.
pub async fn start(inst: &Installation) -> UiNode {
    node::tls::install_crypto_provider();
    let app = node::app::Application::build(inst.settings()).unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let task = tokio::spawn(app.run_until_stopped());
    UiNode {
        base,
        node: inst.open(),
        _task: task,
    }
}

/// A federation with one node whose link points at a port where nothing listens.
pub async fn standalone() -> (Federation, UiNode) {
    let fed = Federation::new();
    let inst = fed.node(UNIT, 9, "mat");
    let ui = start(&inst).await;
    for (name, role) in [
        ("canbo", "officer"),
        ("lanhdao", "head"),
        ("quantri", "admin"),
    ] {
        add_user(&ui.node, name, role);
    }
    (fed, ui)
}

/// Creates a user with [`PASSWORD`].
pub fn add_user(node: &node::app::Node, username: &str, role: &str) {
    let hash = node::auth::hash_password(PASSWORD).unwrap();
    node::db::users::insert(
        &mut node.pool.get().unwrap(),
        &node::db::users::NewUser {
            username,
            display_name: &format!("Đồng chí {username}"),
            role,
            password_hash: &hash,
            created_at: node::db::now(),
        },
    )
    .unwrap();
}

/// A browser: keeps cookies, does not follow redirects (tests look at them).
pub fn client() -> Client {
    node::tls::install_crypto_provider();
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

/// The value of the first hidden `_csrf` field of a page.
pub fn csrf(html: &str) -> String {
    let start = html.find("name=\"_csrf\" value=\"").expect("a CSRF field") + 20;
    html[start..].split('"').next().unwrap().to_string()
}

pub async fn get(client: &Client, url: &str) -> (StatusCode, String) {
    let res = client.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

pub async fn post(client: &Client, url: &str, fields: &[(String, String)]) -> reqwest::Response {
    client.post(url).form(fields).send().await.unwrap()
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()["location"].to_str().unwrap().to_string()
}

/// Logs in through the login page; returns the response to the POST (303 when it worked).
pub async fn login(client: &Client, base: &str, user: &str, password: &str) -> reqwest::Response {
    let (_, page) = get(client, &format!("{base}/dang-nhap")).await;
    let fields = [
        ("_csrf".to_string(), csrf(&page)),
        ("username".to_string(), user.to_string()),
        ("password".to_string(), password.to_string()),
    ];
    post(client, &format!("{base}/dang-nhap"), &fields).await
}

/// A logged-in client, asserting the login worked.
pub async fn logged_in(base: &str, user: &str) -> Client {
    let c = client();
    let res = login(&c, base, user, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {user}");
    c
}

/// The current annual period (Asia/Ho_Chi_Minh).
pub fn current_period() -> ReportingPeriod {
    ReportingPeriod::annual_containing(node::web::layout::today())
}

/// A complete, valid annual report for the current period.
pub fn annual_report_fields() -> Vec<(String, String)> {
    let period = current_period();
    let mut f = vec![
        ("period".to_string(), period.to_string()),
        ("classification".to_string(), "mat".to_string()),
        (
            "drafter".to_string(),
            "Nguyễn Văn An, công chức Văn phòng".to_string(),
        ),
    ];
    let pack = RuleBook::embedded()
        .unwrap()
        .pack_for(period.end())
        .unwrap();
    let form = pack.form(ReportKind::AnnualReport).unwrap();
    for s in &form.sections {
        f.push((
            format!("sections.{}", s.code),
            format!("Nội dung mục {}.", s.code),
        ));
    }
    for i in &form.indicators {
        f.push((format!("indicators.{}", i.code), "0".to_string()));
    }
    f
}

/// Replaces (or adds) field `name`.
pub fn set(fields: &mut Vec<(String, String)>, name: &str, value: &str) {
    fields.retain(|(k, _)| k != name);
    fields.push((name.to_string(), value.to_string()));
}

/// The text of a page's alert box.
pub fn alert(html: &str) -> String {
    let start = html.find("class=\"alert\"").expect("an alert");
    let from = start + html[start..].find('>').unwrap() + 1;
    html[from..].split('<').next().unwrap().to_string()
}

/// Opens a new form of `kind` (a `ReportKind` code) and saves `fields` as a draft; returns
/// the report id.
pub async fn fill(client: &Client, base: &str, kind: &str, fields: &[(String, String)]) -> String {
    let (status, page) = get(client, &format!("{base}/ban-nhap/moi/{kind}")).await;
    assert_eq!(status, StatusCode::OK);
    let start = page.find("action=\"/ban-nhap/").unwrap() + 18;
    let id = page[start..].split('"').next().unwrap().to_string();
    let mut all = fields.to_vec();
    all.push(("_csrf".to_string(), csrf(&page)));
    all.push(("kind".to_string(), kind.to_string()));
    let res = post(client, &format!("{base}/ban-nhap/{id}"), &all).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/ban-nhap/{id}?tb=da-luu"));
    id
}

/// Opens a new annual-report form and saves `fields` as a draft; returns the report id.
pub async fn fill_annual_report(
    client: &Client,
    base: &str,
    fields: &[(String, String)],
) -> String {
    fill(client, base, "annual_report", fields).await
}

/// Presses "Duyệt và ký gửi" on draft `id` with `fields`.
pub async fn approve(
    client: &Client,
    base: &str,
    id: &str,
    fields: &[(String, String)],
) -> reqwest::Response {
    let (_, page) = get(client, &format!("{base}/")).await;
    let mut all = fields.to_vec();
    all.push(("_csrf".to_string(), csrf(&page)));
    post(client, &format!("{base}/ban-nhap/{id}/duyet"), &all).await
}

#[tokio::test]
async fn officer_drafts_head_fixes_and_approves_the_annual_report() {
    let (_fed, ui) = standalone().await;
    let base = &ui.base;
    let officer = logged_in(base, "canbo").await;
    let (_, home) = get(&officer, &format!("{base}/")).await;
    assert!(
        home.contains("Nhiệm vụ báo cáo của đơn vị") && home.contains("Chưa lập"),
        "{home}"
    );

    let mut fields = annual_report_fields();
    set(&mut fields, "indicators.so_vu_lo_mat", "5000");
    set(&mut fields, "sections.b", "");
    let id = fill_annual_report(&officer, base, &fields).await;
    let (_, page) = get(&officer, &format!("{base}/ban-nhap/{id}")).await;
    assert!(
        page.contains("Đã lưu bản nháp") || page.contains("value=\"5000\""),
        "{page}"
    );
    assert!(page.contains("value=\"5000\""), "the invalid value is kept");
    assert!(
        !page.contains("Duyệt và ký gửi"),
        "no approve button for an officer"
    );
    let (_, home) = get(&officer, &format!("{base}/")).await;
    assert!(home.contains("Bản nháp"), "{home}");

    let head = logged_in(base, "lanhdao").await;
    let (_, page) = get(&head, &format!("{base}/ban-nhap/{id}")).await;
    assert!(page.contains("Duyệt và ký gửi"));
    let res = approve(&head, base, &id, &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Chưa duyệt được: có 2 chỗ cần sửa"), "{page}");
    assert!(
        page.contains("id=\"f-indicators-so-vu-lo-mat-loi\">Phải từ 0 đến 1.000 vụ."),
        "{page}"
    );
    assert!(
        page.contains("id=\"f-sections-b-loi\">Bắt buộc: hãy viết nội dung mục này."),
        "{page}"
    );

    set(&mut fields, "indicators.so_vu_lo_mat", "1");
    set(&mut fields, "sections.b", "Kết quả thực hiện tốt.");
    let res = approve(&head, base, &id, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/lich-su?tb=da-duyet");

    let (_, history) = get(&head, &format!("{base}/lich-su")).await;
    assert!(
        history.contains("Báo cáo sơ kết hằng năm") && history.contains(&id),
        "{history}"
    );
    assert!(history.contains("Đã duyệt, đang gửi"), "{history}");
    let mut conn = ui.node.pool.get().unwrap();
    let subs = node::db::submissions::versions(&mut conn, &id).unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].approved_by, "lanhdao");
    let rows = node::db::outbox::for_report(&mut conn, &id).unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].state(), node::db::outbox::State::Held);
    assert!(node::db::drafts::get(&mut conn, &id).unwrap().is_none());
    assert_eq!(node::db::audit::verify_chain(&mut conn).unwrap(), None);

    let (status, doc) = get(&officer, &format!("{base}/bao-cao/{id}/in")).await;
    assert_eq!(status, StatusCode::OK);
    for part in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN",
        "/BC-UBND",
        "class=\"stamp\">MẬT",
        "Sơ kết công tác bảo vệ bí mật nhà nước năm",
        "Nơi nhận:",
        "Số lượng: 02 bản.",
        "Người soạn thảo: Nguyễn Văn An",
        "size: A4",
    ] {
        assert!(doc.contains(part), "{part} missing:\n{doc}");
    }
    let res = approve(&head, base, &id, &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "approved reports cannot change"
    );
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn every_form_opens_and_other_kinds_are_approved() {
    let (_fed, ui) = standalone().await;
    let base = &ui.base;
    let head = logged_in(base, "lanhdao").await;
    for (kind, marker) in [
        ("annual_report", "Vụ việc 3"),
        ("incident_report", "Giờ phát hiện"),
        ("compliance_status", "Tình hình tính đến ngày"),
        ("implementation_plan", "Nhiệm vụ 6"),
    ] {
        let (status, page) = get(&head, &format!("{base}/ban-nhap/moi/{kind}")).await;
        assert_eq!(status, StatusCode::OK, "{kind}");
        assert!(page.contains(marker), "{kind}: {marker}");
    }
    let (status, _) = get(&head, &format!("{base}/ban-nhap/moi/consolidated_report")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let today = node::web::layout::today().format("%Y-%m-%d").to_string();
    let period = current_period().to_string();
    let mut incident = pairs(&[
        ("period", &period),
        ("classification", "mat"),
        ("discovered_date", &today),
        ("discovered_time", "00:00"),
        ("exposed_classification", "mat"),
        ("carrier", "document"),
        ("channel", "Thất lạc khi vận chuyển"),
        ("status", "discovered"),
        ("violations.leak_or_loss", "1"),
    ]);
    for s in ["description", "cause", "consequences", "measures_taken"] {
        set(&mut incident, &format!("sections.{s}"), "Nội dung.");
    }
    let id = fill(&head, base, "incident_report", &incident).await;
    let res = approve(&head, base, &id, &incident).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (_, doc) = get(&head, &format!("{base}/bao-cao/{id}/in")).await;
    assert!(
        doc.contains("Vụ lộ, mất bí mật nhà nước phát hiện ngày"),
        "{doc}"
    );
    let mut conn = ui.node.pool.get().unwrap();
    let row = &node::db::outbox::for_report(&mut conn, &id).unwrap()[0];
    assert_eq!(row.priority, node::db::outbox::PRIORITY_INCIDENT);
    let audit = node::db::audit::recent(&mut conn, 20).unwrap();
    assert!(audit
        .iter()
        .any(|r| r.action == "view_incident" && r.subject == id));

    let pack = RuleBook::embedded()
        .unwrap()
        .pack_for(current_period().end())
        .unwrap();
    let mut status = pairs(&[
        ("period", &period),
        ("classification", "khong_mat"),
        ("as_of", &today),
    ]);
    for item in &pack.form(ReportKind::ComplianceStatus).unwrap().items {
        let v = match item.kind {
            config::rules::ItemKind::YesNo => "co",
            config::rules::ItemKind::Date => today.as_str(),
            config::rules::ItemKind::Count => "1",
        };
        set(&mut status, &format!("items.{}", item.code), v);
    }
    let id = fill(&head, base, "compliance_status", &status).await;
    let res = approve(&head, base, &id, &status).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let (_, doc) = get(&head, &format!("{base}/bao-cao/{id}/in")).await;
    assert!(doc.contains("Tình hình thực hiện các quy định") && !doc.contains("class=\"stamp\""));
    let (_, home) = get(&head, &format!("{base}/")).await;
    assert!(home.contains("Đã duyệt, đang gửi"), "{home}");
}
