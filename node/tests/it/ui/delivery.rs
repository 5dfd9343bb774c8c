//! The UI flow end to end: approved in the browser, delivered over mTLS, receipt shown.

use reqwest::StatusCode;

use super::*;

/// The whole flow against a real receiving server over mutual TLS: the officer fills and saves
/// the annual report, the head approves it, and the history shows it delivered with the
/// province's receipt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_annual_report_is_sent_and_its_receipt_shown() {
    let fed = Federation::new();
    let recv = crate::support::receiver::Receiver::start(&fed.aggregator_tls(), 0);
    let inst = fed.node(UNIT, recv.port, "mat");
    let ui = start(&inst).await;
    add_user(&ui.node, "canbo", "officer");
    add_user(&ui.node, "lanhdao", "head");
    let base = &ui.base;

    let officer = logged_in(base, "canbo").await;
    let fields = annual_report_fields();
    let id = fill_annual_report(&officer, base, &fields).await;
    let head = logged_in(base, "lanhdao").await;
    let res = approve(&head, base, &id, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let history = loop {
        let (_, page) = get(&head, &format!("{base}/lich-su")).await;
        if page.contains("Đã gửi — có biên nhận") {
            break page;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never delivered:\n{page}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        history.contains(&id) && history.contains("Biên nhận của"),
        "{history}"
    );
    assert_eq!(recv.stored(), 1);
    assert!(recv.store.lock().unwrap().reports.contains_key(&id));
    recv.stop();
}
