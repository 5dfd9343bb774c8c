//! The transfer page: a Tối mật report approved in the browser is held (the link carries Mật
//! at most), exported as an encrypted bundle by the head, opened by the province with its key,
//! and the receipt bundle pasted back marks it delivered. Officers and foreign certificates
//! are refused.

use node::bundle::{ReceiptBundle, TransferBundle, RECEIPTS_FORMAT};
use node::tls::TlsMaterial;
use reqwest::StatusCode;
use schema::*;

use super::*;

fn pairs(list: &[(&str, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_report_leaves_by_usb_bundle_and_its_receipt_comes_back() {
    let (fed, ui) = standalone().await;
    let base = &ui.base;
    let officer = logged_in(base, "canbo").await;
    let mut fields = annual_report_fields();
    set(&mut fields, "classification", "toi_mat");
    let id = fill_annual_report(&officer, base, &fields).await;
    let head = logged_in(base, "lanhdao").await;
    assert_eq!(
        approve(&head, base, &id, &fields).await.status(),
        StatusCode::SEE_OTHER
    );

    let (_, page) = get(&head, &format!("{base}/chuyen-giao")).await;
    assert!(page.contains(&id), "the held report is listed: {page}");
    let chain = std::fs::read_to_string(&fed.aggregator.chain).unwrap();

    // An officer may not export.
    let (_, opage) = get(&officer, &format!("{base}/chuyen-giao")).await;
    let res = post(
        &officer,
        &format!("{base}/chuyen-giao/xuat"),
        &pairs(&[("_csrf", csrf(&opage)), ("recipient_pem", chain.clone())]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // A certificate outside the national PKI is refused.
    let rogue = Federation::new();
    let rogue_chain = std::fs::read_to_string(&rogue.aggregator.chain).unwrap();
    let res = post(
        &head,
        &format!("{base}/chuyen-giao/xuat"),
        &pairs(&[("_csrf", csrf(&page)), ("recipient_pem", rogue_chain)]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let res = post(
        &head,
        &format!("{base}/chuyen-giao/xuat"),
        &pairs(&[("_csrf", csrf(&page)), ("recipient_pem", chain)]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let bundle: TransferBundle = decode(&res.bytes().await.unwrap()).unwrap();

    // The province opens it and answers with receipts.
    let agg = TlsMaterial::load(&fed.aggregator_tls()).unwrap();
    let pkcs8 = match config::pki::load_private_key(&fed.aggregator.key).unwrap() {
        rustls_pki_types::PrivateKeyDer::Pkcs8(k) => k.secret_pkcs8_der().to_vec(),
        _ => panic!("not pkcs8"),
    };
    let province = UnitId::parse("75").unwrap();
    let envs = bundle
        .open(&province, &pkcs8, &agg.trust().unwrap(), UnixTime::now())
        .unwrap();
    assert_eq!(envs.len(), 1);
    assert_eq!(envs[0].body.report_id.as_str(), id);
    let receipt = Receipt::sign(
        ReceiptBody {
            protocol: Protocol::V1,
            report_id: envs[0].body.report_id.clone(),
            digest: envs[0].digest(),
            unit: envs[0].body.unit.clone(),
            receiver: province.clone(),
            received_at: chrono::Utc::now().fixed_offset(),
            outcome: ReceiptOutcome::Accepted,
        },
        &agg.signer().unwrap(),
    )
    .unwrap();
    let rb = ReceiptBundle {
        format: RECEIPTS_FORMAT.into(),
        from: province,
        to: UnitId::parse(UNIT).unwrap(),
        receipts: BoundedVec::parse(vec![receipt]).unwrap(),
        notices: vec![],
    };
    let json = String::from_utf8(encode(&rb)).unwrap();
    let res = post(
        &head,
        &format!("{base}/chuyen-giao/nhap"),
        &pairs(&[("_csrf", csrf(&page)), ("receipts_json", json)]),
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, history) = get(&head, &format!("{base}/lich-su")).await;
    assert!(history.contains("Đã gửi — có biên nhận"), "{history}");
}
