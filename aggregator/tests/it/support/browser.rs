//! A browser without JavaScript for the nodes' web UIs: keeps cookies, does not follow
//! redirects, reads the CSRF field off each page. Enough to log in, fill the annual report
//! and approve it, as `docs/demo.md` tells a newcomer to do.

use config::rules::RuleBook;
use reqwest::{redirect, Client, StatusCode};
use schema::{ReportKind, ReportingPeriod};

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

async fn get(client: &Client, url: &str) -> (StatusCode, String) {
    let res = client.get(url).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn post(client: &Client, url: &str, fields: &[(String, String)]) -> reqwest::Response {
    client.post(url).form(fields).send().await.unwrap()
}

/// A client logged in as `user` through the login page (asserting it worked).
pub async fn logged_in(base: &str, user: &str, password: &str) -> Client {
    let c = client();
    let (status, page) = get(&c, &format!("{base}/dang-nhap")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let fields = [
        ("_csrf".to_string(), csrf(&page)),
        ("username".to_string(), user.to_string()),
        ("password".to_string(), password.to_string()),
    ];
    let res = post(&c, &format!("{base}/dang-nhap"), &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "login as {user}");
    c
}

/// A complete annual report for the current period, every section and indicator filled.
pub fn annual_report_fields() -> Vec<(String, String)> {
    let period = ReportingPeriod::annual_containing(node::web::layout::today());
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

/// Opens a new annual-report form and saves `fields` as a draft; returns the report id.
pub async fn fill_annual_report(
    client: &Client,
    base: &str,
    fields: &[(String, String)],
) -> String {
    let (status, page) = get(client, &format!("{base}/ban-nhap/moi/annual_report")).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let start = page.find("action=\"/ban-nhap/").unwrap() + 18;
    let id = page[start..].split('"').next().unwrap().to_string();
    let mut all = fields.to_vec();
    all.push(("_csrf".to_string(), csrf(&page)));
    all.push(("kind".to_string(), "annual_report".to_string()));
    let res = post(client, &format!("{base}/ban-nhap/{id}"), &all).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    id
}

/// Presses "Duyệt và ký gửi" on draft `id`; asserts it was approved.
pub async fn approve(client: &Client, base: &str, id: &str, fields: &[(String, String)]) {
    let (_, page) = get(client, &format!("{base}/")).await;
    let mut all = fields.to_vec();
    all.push(("_csrf".to_string(), csrf(&page)));
    let res = post(client, &format!("{base}/ban-nhap/{id}/duyet"), &all).await;
    let status = res.status();
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

/// Opens `page` (for its CSRF field), then submits `fields` to `action` as that page's form
/// would; the answer, not followed.
pub async fn submit(
    client: &Client,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (status, html) = get(client, page).await;
    assert_eq!(status, StatusCode::OK, "{page}: {html}");
    let mut all: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    all.push(("_csrf".to_string(), csrf(&html)));
    post(client, action, &all).await
}

/// The body of `url` (asserting 200).
pub async fn text(client: &Client, url: &str) -> String {
    let (status, html) = get(client, url).await;
    assert_eq!(status, StatusCode::OK, "{url}: {html}");
    html
}
