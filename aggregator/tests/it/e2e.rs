//! End to end, with the real binaries as processes: `bmnn-aggregator demo` (the nation, Đồng
//! Nai and Hà Tĩnh, and the nodes, on free ports in a temp dir) driven as a user would drive
//! it: the commune officer fills the annual report in the node's web UI, the head approves it,
//! the node shows the receipt, the province's committee sees it in its inbox, the seeded
//! incidents travel node → province → nation, `bmnn-aggregator consolidate --send` (another
//! process) carries Đồng Nai's 2026 figures to the nation, and Ctrl-C (SIGINT) stops it all
//! with a clean exit.

use std::process::Command;
use std::time::Duration;

use schema::{Envelope, Payload};

use crate::demo::{
    http_get, officer_and_head_send_the_annual_report, wait_at_province, wait_incident, Demo,
    DONG_NAI_UI, NATION_UI, TRAN_BIEN_UI,
};
use crate::support::{browser, runtime, wait_until};

/// A logged-in page: status and body.
fn page(rt: &tokio::runtime::Runtime, c: &reqwest::Client, url: &str) -> (u16, String) {
    rt.block_on(async {
        let r = c.get(url).send().await.unwrap();
        (r.status().as_u16(), r.text().await.unwrap())
    })
}

/// Đồng Nai's consolidated reports of `period` stored at the nation, decoded.
fn at_nation(demo: &Demo, period: &str) -> Vec<schema::ConsolidatedReport> {
    let mut c = demo.store("VN").get().unwrap();
    aggregator::store::received::recent(&mut c, Some("consolidated_report"), Some("75"), 100)
        .unwrap()
        .into_iter()
        .filter(|r| r.period == period)
        .map(|r| {
            let env: Envelope = schema::decode(r.envelope.as_bytes()).unwrap();
            match env.body.payload {
                Payload::ConsolidatedReport(c) => c,
                other => panic!("not a consolidated report: {other:?}"),
            }
        })
        .collect()
}

#[test]
fn e2e_a_commune_report_reaches_the_province_and_its_figures_the_nation() {
    node::tls::install_crypto_provider();
    let tmp = tempfile::tempdir().unwrap();
    let mut demo = Demo::start(&tmp.path().join("demo-data"), &tmp.path().join("demo.log"));
    demo.wait_ready();
    let rt = runtime();

    // The commune: canbo drafts, lanhdao approves, the history shows the receipt.
    let id = officer_and_head_send_the_annual_report(&demo);
    let node_ui = demo.ui(TRAN_BIEN_UI);
    let officer = rt.block_on(browser::logged_in(
        &node_ui,
        "canbo",
        &demo.password("75.26041", "canbo"),
    ));
    let history = format!("{node_ui}{}", node::web::routes::HISTORY);
    wait_until(Duration::from_secs(30), "the receipt on the node", || {
        let (status, body) = page(&rt, &officer, &history);
        assert_eq!(status, 200, "{body}");
        body.contains("Đã gửi — có biên nhận")
    });

    // The province: the report in the store and in the committee's inbox; the seeded pages.
    wait_at_province(&demo, &id);
    let province_ui = demo.ui(DONG_NAI_UI);
    let committee = rt.block_on(browser::logged_in(
        &province_ui,
        "lanhdao",
        &demo.password("aggregator-75", "lanhdao"),
    ));
    let (status, inbox) = page(&rt, &committee, &format!("{province_ui}/"));
    assert_eq!(status, 200, "{inbox}");
    assert!(inbox.contains(&id) && inbox.contains("75.26041"), "{inbox}");
    for path in [
        "/ty-le-nop",
        "/tong-quan",
        "/bao-cao-tong-hop?ky=2025",
        "/kiem-tra",
    ] {
        let (status, body) = page(&rt, &committee, &format!("{province_ui}{path}"));
        assert_eq!(status, 200, "{path}: {body}");
    }

    // The nation: both provinces' seeded incidents were relayed; its committee sees them.
    wait_incident(&demo, "VN", "75.26413");
    wait_incident(&demo, "VN", "42.18100");
    let nation_ui = demo.ui(NATION_UI);
    let national = rt.block_on(browser::logged_in(
        &nation_ui,
        "lanhdao",
        &demo.password("aggregator-VN", "lanhdao"),
    ));
    let (_, inbox) = page(&rt, &national, &format!("{nation_ui}/"));
    assert!(inbox.contains("75.26413"), "{inbox}");

    // Đồng Nai's 2026 consolidated report, sent by the command, changes the nation's figures.
    assert!(at_nation(&demo, "2026").is_empty(), "sent before --send");
    assert_eq!(at_nation(&demo, "2025").len(), 1, "the seeded 2025 report");
    let out = Command::new(env!("CARGO_BIN_EXE_bmnn-aggregator"))
        .args([
            "consolidate",
            "--period",
            "2026",
            "--approve-as",
            "Trần Thị Bình",
        ])
        .args(["--send", "--config"])
        .arg(demo.dir.join("aggregator-75.toml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("delivered 1"), "{stdout}");
    let sent = at_nation(&demo, "2026");
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].units_reported, 1,
        "only Phường Trấn Biên reported 2026"
    );
    assert!(
        sent[0].sources.iter().any(|s| s.report_id.as_str() == id),
        "the commune's report is a source of the nation's figures"
    );
    let sent_id = stdout
        .split("sent ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .unwrap_or_else(|| panic!("no report id in {stdout}"));
    let (_, inbox) = page(&rt, &national, &format!("{nation_ui}/"));
    assert!(inbox.contains(sent_id), "{inbox}");

    // Ctrl-C: everything stops and the process exits cleanly.
    let pid = demo.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let mut status = None;
    wait_until(Duration::from_secs(30), "the demo to stop", || {
        status = demo.child.try_wait().unwrap();
        status.is_some()
    });
    assert!(status.unwrap().success(), "{}", demo.output());
    assert!(demo.output().contains("Đã dừng / stopped."));
    assert!(http_get(demo.base + TRAN_BIEN_UI, "/health").is_none());
}
