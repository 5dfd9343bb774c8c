//! End to end, the other direction, with the real binaries as processes (`bmnn-aggregator
//! demo`, `bmnn-aggregator consolidate`), driven through the web UIs as people would: Đồng
//! Nai's committee returns Phường Trấn Biên's annual report with a reason; the commune's node
//! pulls the notice and shows it first; the officer amends ("Sửa và nộp lại"), the head
//! approves; the committee sees "Đã nộp lại" and accepts; the node shows it. Then the nation
//! returns Đồng Nai's consolidated report and the province sees the verdict and the reason.

use std::time::Duration;

use reqwest::Client;

use crate::demo::{
    officer_and_head_send_the_annual_report, wait_at_province, Demo, DONG_NAI_UI, NATION_UI,
    TRAN_BIEN_UI,
};
use crate::support::browser::{self, submit, text};
use crate::support::{run_aggregator, runtime, wait_until};

const UNIT: &str = "75.26041";

/// The committee at `ui` gives `verdict` on version `digest` of `id`; the page it lands on.
async fn review(
    c: &Client,
    ui: &str,
    id: &str,
    digest: &str,
    verdict: &str,
    reason: &str,
) -> String {
    let page = format!("{ui}/bao-cao/{id}/{digest}");
    let res = submit(
        c,
        &page,
        &format!("{page}/xem-xet"),
        &[
            ("verdict", verdict),
            ("reason", reason),
            ("pointers", "Mục c"),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303, "{}", res.text().await.unwrap());
    text(c, &format!("{page}?tb=da-xem-xet")).await
}

/// "Nhận thông báo từ cấp trên ngay" on `path`; the page it lands on.
async fn pull(c: &Client, ui: &str, path: &str) -> String {
    let res = submit(
        c,
        &format!("{ui}{path}"),
        &format!("{ui}/thong-bao/nhan"),
        &[("back", path)],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    text(c, &format!("{ui}{to}")).await
}

fn versions(demo: &Demo, unit: &str, id: &str) -> Vec<aggregator::store::received::ReceivedRow> {
    aggregator::store::received::versions(&mut demo.store(unit).get().unwrap(), id).unwrap()
}

#[test]
fn e2e_a_returned_report_is_amended_and_a_returned_consolidated_report_is_seen() {
    node::tls::install_crypto_provider();
    let tmp = tempfile::tempdir().unwrap();
    let mut demo = Demo::start(&tmp.path().join("demo-data"), &tmp.path().join("demo.log"));
    demo.wait_ready();
    let rt = runtime();
    let id = officer_and_head_send_the_annual_report(&demo);
    wait_at_province(&demo, &id);
    let (node_ui, province_ui, nation_ui) = (
        demo.ui(TRAN_BIEN_UI),
        demo.ui(DONG_NAI_UI),
        demo.ui(NATION_UI),
    );
    let login = |ui: &str, unit: &str, user: &str| {
        rt.block_on(browser::logged_in(ui, user, &demo.password(unit, user)))
    };
    let committee = login(&province_ui, "aggregator-75", "canbo");
    let officer = login(&node_ui, UNIT, "canbo");
    let head = login(&node_ui, UNIT, "lanhdao");

    // The province returns it.
    let d1 = versions(&demo, "75", &id)[0].digest.clone();
    let inbox = rt.block_on(text(&committee, &format!("{province_ui}/")));
    assert!(inbox.contains("Chờ xem xét"), "{inbox}");
    let page = rt.block_on(review(
        &committee,
        &province_ui,
        &id,
        &d1,
        "returned",
        "Mục c chưa nêu số lớp tập huấn.",
    ));
    assert!(
        page.contains("Đã trả lại") && page.contains("Mục c chưa nêu số lớp tập huấn."),
        "{page}"
    );

    // The node pulls it and shows it first, with the reason; the officer amends.
    let home = rt.block_on(pull(&officer, &node_ui, "/"));
    let returned_at = home
        .find("Báo cáo bị cấp trên trả lại")
        .expect("the returned section");
    assert!(
        returned_at < home.find("Nhiệm vụ báo cáo của đơn vị").unwrap(),
        "returned first"
    );
    assert!(home.contains("Mục c chưa nêu số lớp tập huấn."), "{home}");
    let res = rt.block_on(submit(
        &officer,
        &format!("{node_ui}/"),
        &format!("{node_ui}/bao-cao/{id}/sua"),
        &[],
    ));
    assert_eq!(res.status().as_u16(), 303);
    let draft = rt.block_on(text(&officer, &format!("{node_ui}/ban-nhap/{id}")));
    assert!(
        draft.contains("Nội dung mục c."),
        "pre-filled from the returned version: {draft}"
    );
    let mut fields = browser::annual_report_fields();
    for f in fields.iter_mut().filter(|f| f.0 == "sections.c") {
        f.1 = "Đã tổ chức 2 lớp tập huấn cho 85 lượt cán bộ.".into();
    }
    let all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    rt.block_on(async {
        let r = submit(
            &officer,
            &format!("{node_ui}/ban-nhap/{id}"),
            &format!("{node_ui}/ban-nhap/{id}"),
            &all,
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        browser::approve(&head, &node_ui, &id, &fields).await;
    });

    // The province sees "Đã nộp lại" and accepts; the node shows it.
    wait_until(
        Duration::from_secs(30),
        "the amendment at the province",
        || versions(&demo, "75", &id).len() == 2,
    );
    let d2 = versions(&demo, "75", &id)
        .into_iter()
        .find(|v| v.digest != d1)
        .unwrap()
        .digest;
    let inbox = rt.block_on(text(&committee, &format!("{province_ui}/")));
    assert!(inbox.contains("Đã nộp lại"), "{inbox}");
    rt.block_on(review(&committee, &province_ui, &id, &d2, "accepted", ""));
    let history = rt.block_on(pull(&officer, &node_ui, "/lich-su"));
    assert!(
        history.contains("Cấp trên đã tiếp nhận") && history.contains("Bị trả lại"),
        "{history}"
    );

    // The nation returns Đồng Nai's consolidated report; the province sees it.
    let config = demo.dir.join("aggregator-75.toml");
    run_aggregator([
        "consolidate".as_ref(),
        "--period".as_ref(),
        "2026".as_ref(),
        "--approve-as".as_ref(),
        "Trần Thị Bình".as_ref(),
        "--send".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    let nation = demo.store("VN");
    let sent = aggregator::store::received::recent(
        &mut nation.get().unwrap(),
        Some("consolidated_report"),
        Some("75"),
        10,
    )
    .unwrap()
    .into_iter()
    .find(|r| r.period == "2026")
    .expect("Đồng Nai's 2026 report at the nation");
    let analyst = login(&nation_ui, "aggregator-VN", "canbo");
    rt.block_on(review(
        &analyst,
        &nation_ui,
        &sent.report_id,
        &sent.digest,
        "returned",
        "Thiếu số liệu của 94 xã chưa báo cáo.",
    ));
    let page = rt.block_on(pull(&committee, &province_ui, "/bao-cao-da-gui"));
    assert!(
        page.contains("Bị trả lại") && page.contains("Thiếu số liệu của 94 xã chưa báo cáo."),
        "{page}"
    );

    // The return reopens the decision: the committee completes the text, the head approves
    // and sends it again, and the nation receives an amendment of the same report.
    let draft = format!("{province_ui}/bao-cao-tong-hop/soan?ky=2026");
    let html = rt.block_on(text(&committee, &draft));
    assert!(
        html.contains("Cấp trên đã trả lại") && html.contains("Thiếu số liệu"),
        "{html}"
    );
    let fixed = "Đã bổ sung số liệu của 94 xã chưa báo cáo (theo danh sách kèm theo).";
    let res = rt.block_on(submit(
        &committee,
        &draft,
        &draft,
        &[
            ("a", fixed),
            ("b", "Không."),
            ("c", "Không."),
            ("d", "Không."),
        ],
    ));
    assert_eq!(res.status().as_u16(), 303);
    let head = login(&province_ui, "aggregator-75", "lanhdao");
    for step in ["phe-duyet", "gui"] {
        let action = format!("{province_ui}/bao-cao-tong-hop/{step}?ky=2026");
        let res = rt.block_on(submit(&head, &draft, &action, &[]));
        assert_eq!(res.status().as_u16(), 303, "{step}");
    }
    wait_until(
        Duration::from_secs(30),
        "the amendment at the nation",
        || versions(&demo, "VN", &sent.report_id).len() == 2,
    );
    let latest = versions(&demo, "VN", &sent.report_id)
        .into_iter()
        .find(|v| v.digest != sent.digest)
        .unwrap();
    assert_eq!(
        latest.supersedes.as_deref(),
        Some(sent.digest.as_str()),
        "an amendment"
    );
    assert!(latest.envelope.contains(fixed), "the edited text");
}
