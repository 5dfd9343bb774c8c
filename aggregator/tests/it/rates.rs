//! Reporting rates on the committee's UI: a commune merged mid-period is counted once (under
//! its successor), rates never exceed 100 %, the drill-down lists units, and the table
//! downloads as CSV and XLSX.

use node::db::users::Role;
use reqwest::StatusCode;
use schema::UnitId;

use crate::support::browser;
use crate::support::federation::Federation;
use crate::support::report::annual;
use crate::support::runtime;

const PASSWORD: &str = "Mật-khẩu-đủ-dài-2026";
const SUCCESSOR: &str = "75.26041";
const ABSORBED: &str = "75.26068";

#[test]
fn merged_commune_counts_once_and_rates_stay_within_100_percent() {
    let fed = Federation::new();
    let agg = fed.aggregator_for("75", "https://a03.bca.example.vn/", 1 << 20);
    let communes = {
        let mut c = agg.pool.get().unwrap();
        let id = |s: &str| UnitId::parse(s).unwrap();
        aggregator::registry::import_admin_units(&mut c, &id("75"), false).unwrap();
        aggregator::registry::merge(
            &mut c,
            &[id(ABSORBED)],
            id(SUCCESSOR),
            "Phường Trấn Biên",
            "2026-06-01".parse().unwrap(),
        )
        .unwrap();
        aggregator::registry::children(&mut c, &id("75"), "2026-12-14".parse().unwrap())
            .unwrap()
            .len()
    };
    agg.add_user("canbo", Role::Officer, PASSWORD);
    let inst = fed.node(SUCCESSOR, agg.port);
    let node = inst.open();
    let rt = runtime();
    inst.queue(&node, annual(SUCCESSOR));
    assert_eq!(rt.block_on(node.pusher.push_once()).unwrap().delivered, 1);
    let base = agg.ui();

    rt.block_on(async {
        let c = browser::logged_in(&base, "canbo", PASSWORD).await;
        let get = |q: &str| c.get(format!("{base}/ty-le-nop?{q}")).send();
        let page = get("ky=2026&loai=annual_report")
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("Tỉ lệ nộp báo cáo"), "{page}");

        let csv = get("ky=2026&loai=annual_report&xem=don-vi&dang=csv")
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let mut rows = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
        let headers = rows.headers().unwrap().clone();
        let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let (expected, received) = (col("Phải nộp"), col("Đã nộp"));
        let records: Vec<csv::StringRecord> = rows.records().map(|r| r.unwrap()).collect();
        let unit_row = |u: &str| records.iter().find(|r| &r[0] == u);
        let succ = unit_row(SUCCESSOR).expect("the successor is listed");
        assert_eq!(
            (&succ[expected], &succ[received]),
            ("1", "1"),
            "counted once"
        );
        if let Some(absorbed) = unit_row(ABSORBED) {
            assert_eq!(
                &absorbed[expected], "0",
                "the absorbed commune owes nothing"
            );
        }
        let total = records.last().unwrap();
        assert!(total[1].starts_with("Tổng cộng"), "{:?}", total);
        assert_eq!(
            total[expected].parse::<usize>().unwrap(),
            communes,
            "one per commune"
        );
        assert_eq!(&total[received], "1");
        for r in &records {
            for name in ["Tỉ lệ nộp (%)", "Tỉ lệ đúng hạn (%)"] {
                if let Some(v) = headers
                    .iter()
                    .position(|h| h == name)
                    .and_then(|i| r[i].parse::<f64>().ok())
                {
                    assert!((0.0..=100.0).contains(&v), "{name} = {v} in {r:?}");
                }
            }
        }

        let res = get("ky=2026&loai=annual_report&dang=xlsx").await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(&res.bytes().await.unwrap()[..2], b"PK");
        let res = get("khu_vuc=79").await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "outside the scope");
    });
}
